/*
 * shape.c — a (Multi)Polygon as flat arrays of doubles (struct geo_shape), read from a GeoJSON
 * geometry object with every structural check, and handed to GEOS for validity.
 *
 * Invariants of a geo_shape that left geo_shape_from_json: every position is finite and within
 * lon [-180, 180], lat [-90, 90]; every ring has >= 4 positions and is closed; every polygon has
 * a shell and zero or more holes. GEOS is used only through its reentrant (_r) API; the caller
 * owns the context.
 */
#include "geo/geo_int.h"
#include "base/base.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int geo_fail(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return IOC_EINVAL;
}

void geo_shape_free(struct geo_shape *s)
{
    free(s->xy);
    free(s->ring_off);
    free(s->ring_len);
    free(s->poly_rings);
    memset(s, 0, sizeof *s);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return IOC_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

int geo_shape_add_ring(struct geo_shape *s, size_t caps[4], const double *xy, size_t np, int shell)
{
    if (grow((void **)&s->xy, &caps[0], 2 * (s->npoints + np), sizeof *s->xy) ||
        grow((void **)&s->ring_off, &caps[1], s->nrings + 1, sizeof(size_t)) ||
        grow((void **)&s->ring_len, &caps[2], s->nrings + 1, sizeof(size_t)) ||
        grow((void **)&s->poly_rings, &caps[3], s->npolys + 1, sizeof(size_t)))
        return IOC_ENOMEM;
    if (xy)
        memcpy(&s->xy[2 * s->npoints], xy, 2 * np * sizeof *xy);
    s->ring_off[s->nrings] = s->npoints;
    s->ring_len[s->nrings] = np;
    s->npoints += np;
    s->nrings++;
    if (shell)
        s->poly_rings[s->npolys++] = 1;
    else
        s->poly_rings[s->npolys - 1]++;
    return 0;
}

void geo_shape_bbox(struct geo_shape *s)
{
    s->bbox[0] = s->bbox[1] = INFINITY;
    s->bbox[2] = s->bbox[3] = -INFINITY;
    for (size_t i = 0; i < s->npoints; i++) {
        double x = s->xy[2 * i], y = s->xy[2 * i + 1];
        s->bbox[0] = fmin(s->bbox[0], x);
        s->bbox[1] = fmin(s->bbox[1], y);
        s->bbox[2] = fmax(s->bbox[2], x);
        s->bbox[3] = fmax(s->bbox[3], y);
    }
}

/* Reads ring r of a polygon into s (positions checked), as a shell when r == 0. */
static int read_ring(const json_t *ring, size_t r, struct geo_shape *s, size_t caps[4], char *msg,
                     size_t n)
{
    if (!json_is_array(ring))
        return geo_fail(msg, n, "ring %zu is not an array of positions", r);
    size_t np = json_array_size(ring);
    if (np < 4)
        return geo_fail(msg, n, "ring %zu has %zu positions; at least 4 are needed", r, np);
    int rc = geo_shape_add_ring(s, caps, NULL, np, r == 0);
    if (rc)
        return rc;
    double *xy = &s->xy[2 * (s->npoints - np)];
    for (size_t i = 0; i < np; i++) {
        const json_t *pos = json_array_get(ring, i);
        size_t dims = json_array_size(pos);
        if (!json_is_array(pos) || dims < 2 || dims > 3 ||
            !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1)) ||
            (dims == 3 && !json_is_number(json_array_get(pos, 2))))
            return geo_fail(msg, n, "position %zu of ring %zu is not [lon, lat]", i, r);
        double x = json_number_value(json_array_get(pos, 0));
        double y = json_number_value(json_array_get(pos, 1));
        if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 || y > 90)
            return geo_fail(msg, n, "position %zu of ring %zu is out of range: %.9g, %.9g", i, r, x,
                            y);
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
    if (xy[0] != xy[2 * np - 2] || xy[1] != xy[2 * np - 1])
        return geo_fail(msg, n, "ring %zu is not closed (its first and last positions differ)", r);
    return 0;
}

static int read_polygon(const json_t *poly, struct geo_shape *s, size_t caps[4], char *msg,
                        size_t n)
{
    if (!json_is_array(poly) || json_array_size(poly) == 0)
        return geo_fail(msg, n, "a polygon must be a non-empty array of rings");
    int rc = 0;
    for (size_t r = 0; rc == 0 && r < json_array_size(poly); r++)
        rc = read_ring(json_array_get(poly, r), r, s, caps, msg, n);
    return rc;
}

int geo_shape_from_json(const json_t *g, struct geo_shape *out, char *msg, size_t n)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(g))
        return geo_fail(msg, n, "geometry is missing or not an object");
    const char *type = json_string_value(json_object_get(g, "type"));
    const json_t *coords = json_object_get(g, "coordinates");
    if (!type)
        return geo_fail(msg, n, "geometry has no type");
    int multi = strcmp(type, "MultiPolygon") == 0;
    if (!multi && strcmp(type, "Polygon") != 0)
        return geo_fail(msg, n, "geometry type %.32s is not Polygon or MultiPolygon", type);
    if (!json_is_array(coords) || json_array_size(coords) == 0)
        return geo_fail(msg, n, "geometry has no coordinates");
    size_t caps[4] = {0, 0, 0, 0};
    int rc = 0;
    if (!multi) {
        rc = read_polygon(coords, out, caps, msg, n);
    } else {
        for (size_t p = 0; rc == 0 && p < json_array_size(coords); p++) {
            rc = read_polygon(json_array_get(coords, p), out, caps, msg, n);
            if (rc == IOC_EINVAL) {
                char inner[200];
                snprintf(inner, sizeof inner, "%s", msg);
                geo_fail(msg, n, "polygon %zu: %s", p, inner);
            }
        }
    }
    if (rc) {
        geo_shape_free(out);
        return rc;
    }
    geo_shape_bbox(out);
    return 0;
}

/* ---- GEOS ------------------------------------------------------------------------------- */

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt;
}

GEOSContextHandle_t geo_geos_open(void)
{
    GEOSContextHandle_t h = GEOS_init_r();
    if (h) {
        GEOSContext_setNoticeHandler_r(h, geos_quiet);
        GEOSContext_setErrorHandler_r(h, geos_quiet);
    }
    return h;
}

static GEOSGeometry *ring_geos(GEOSContextHandle_t h, const struct geo_shape *s, size_t r)
{
    size_t len = s->ring_len[r];
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, (unsigned)len, 2);
    if (!seq)
        return NULL;
    const double *xy = &s->xy[2 * s->ring_off[r]];
    for (size_t i = 0; i < len; i++)
        GEOSCoordSeq_setXY_r(h, seq, (unsigned)i, xy[2 * i], xy[2 * i + 1]);
    return GEOSGeom_createLinearRing_r(h, seq); /* takes seq, even on failure */
}

/* The polygon whose shell is ring r, with nr - 1 holes after it, or NULL (nothing leaks). */
static GEOSGeometry *polygon_geos(GEOSContextHandle_t h, const struct geo_shape *s, size_t r,
                                  size_t nr)
{
    GEOSGeometry **rings = calloc(nr, sizeof *rings);
    if (!rings)
        return NULL;
    size_t made = 0;
    while (made < nr && (rings[made] = ring_geos(h, s, r + made)) != NULL)
        made++;
    GEOSGeometry *p = NULL;
    if (made == nr) /* takes the rings, even on failure (GEOS ticket 1111) */
        p = GEOSGeom_createPolygon_r(h, rings[0], rings + 1, (unsigned)(nr - 1));
    else
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(h, rings[i]);
    free(rings);
    return p;
}

GEOSGeometry *geo_shape_geos(GEOSContextHandle_t h, const struct geo_shape *s)
{
    GEOSGeometry **polys = calloc(s->npolys ? s->npolys : 1, sizeof *polys);
    if (!polys)
        return NULL;
    size_t r = 0, made = 0;
    for (; made < s->npolys; made++) {
        if (!(polys[made] = polygon_geos(h, s, r, s->poly_rings[made])))
            break;
        r += s->poly_rings[made];
    }
    GEOSGeometry *g = NULL;
    if (made == s->npolys) /* takes the polygons */
        g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)made);
    else
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(h, polys[i]);
    free(polys);
    return g;
}

int geo_shape_valid(GEOSContextHandle_t h, const struct geo_shape *s, char *msg, size_t n)
{
    GEOSGeometry *g = geo_shape_geos(h, s);
    if (!g)
        return geo_fail(msg, n, "the rings do not form a polygon");
    int rc = 0;
    char valid = GEOSisValid_r(h, g);
    if (valid == 2) {
        rc = IOC_ENOMEM;
    } else if (valid != 1) {
        char *why = GEOSisValidReason_r(h, g);
        rc = geo_fail(msg, n, "%s", why ? why : "invalid geometry");
        GEOSFree_r(h, why);
    }
    GEOSGeom_destroy_r(h, g);
    return rc;
}
