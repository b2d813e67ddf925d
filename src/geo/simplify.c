/*
 * simplify.c — boundaries for the screen: GEOS TopologyPreserveSimplify, then coordinates
 * rounded to what the tolerance can show, written as compact GeoJSON MultiPolygon text.
 *
 * Tolerance: tolerance_m / 111320 degrees. A degree of latitude (111.32 km) is the longest
 * degree anywhere (a degree of longitude is 111.32 km × cos(lat)), so this is the smaller of the
 * two conversions and no vertex moves by more than tolerance_m. Rounding: the fewest decimals
 * whose step is at most a quarter of the tolerance (at most 6, at least 1); consecutive positions
 * that become equal are merged. Every rounded result is checked with GEOS; if rounding made it
 * invalid (or collapsed a shell), one more decimal is tried, up to 6, and past that the
 * simplified coordinates are written unrounded (10 significant digits). A hole that collapses
 * to fewer than four positions is dropped; a shell is never dropped.
 */
#include "geo/geo_int.h"
#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DECIMALS 6

/* Appends ring `ring` of a GEOS polygon to s, rounded to `decimals` (< 0: unrounded) with
 * repeats merged. 1 if the ring collapsed below four positions (nothing appended), 0 if
 * appended, or a negative IOC_E* code. */
static int add_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, int decimals, int shell,
                    struct geo_shape *s, size_t caps[4])
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
        return IOC_ENOMEM;
    double *xy = malloc(2 * (size_t)(n ? n : 1) * sizeof *xy);
    if (!xy)
        return IOC_ENOMEM;
    double scale = decimals >= 0 ? pow(10, decimals) : 1;
    size_t k = 0;
    for (unsigned i = 0; i < n; i++) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
        if (decimals >= 0) {
            x = round(x * scale) / scale;
            y = round(y * scale) / scale;
        }
        if (k > 0 && xy[2 * k - 2] == x && xy[2 * k - 1] == y)
            continue;
        xy[2 * k] = x;
        xy[2 * k + 1] = y;
        k++;
    }
    int rc = 1;
    if (k >= 4 && xy[0] == xy[2 * k - 2] && xy[1] == xy[2 * k - 1])
        rc = geo_shape_add_ring(s, caps, xy, k, shell);
    free(xy);
    return rc;
}

/* The polygons of g as a flat shape, rounded as add_ring says. IOC_EINVAL if a shell
 * collapsed or nothing is left. */
static int from_geos(GEOSContextHandle_t h, const GEOSGeometry *g, int decimals,
                     struct geo_shape *s)
{
    memset(s, 0, sizeof *s);
    size_t caps[4] = {0, 0, 0, 0};
    int np = GEOSGetNumGeometries_r(h, g), rc = 0;
    for (int i = 0; rc == 0 && i < np; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        if (!p || GEOSGeomTypeId_r(h, p) != GEOS_POLYGON || GEOSisEmpty_r(h, p))
            continue;
        rc = add_ring(h, GEOSGetExteriorRing_r(h, p), decimals, 1, s, caps);
        if (rc == 1)
            rc = IOC_EINVAL;
        int nh = GEOSGetNumInteriorRings_r(h, p);
        for (int k = 0; rc == 0 && k < nh; k++)
            if ((rc = add_ring(h, GEOSGetInteriorRingN_r(h, p, k), decimals, 0, s, caps)) == 1)
                rc = 0;
    }
    if (rc == 0 && s->npolys == 0)
        rc = IOC_EINVAL;
    if (rc)
        geo_shape_free(s);
    return rc;
}

/* One coordinate: fixed decimals without trailing zeros, or 10 significant digits. */
static int put_number(struct ioc_buf *b, double v, int decimals)
{
    char num[48];
    int len = decimals >= 0 ? snprintf(num, sizeof num, "%.*f", decimals, v)
                            : snprintf(num, sizeof num, "%.10g", v);
    if (len <= 0 || (size_t)len >= sizeof num)
        return IOC_EINVAL;
    if (decimals > 0) {
        while (num[len - 1] == '0')
            len--;
        if (num[len - 1] == '.')
            len--;
    }
    if (len == 2 && num[0] == '-' && num[1] == '0')
        return ioc_buf_putc(b, '0');
    return ioc_buf_append(b, num, (size_t)len);
}

static int write_shape(const struct geo_shape *s, int decimals, struct ioc_buf *b)
{
    int rc = ioc_buf_puts(b, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
    size_t r = 0;
    for (size_t p = 0; rc == 0 && p < s->npolys; p++) {
        rc = ioc_buf_puts(b, p ? ",[" : "[");
        for (size_t k = 0; rc == 0 && k < s->poly_rings[p]; k++, r++) {
            const double *xy = &s->xy[2 * s->ring_off[r]];
            rc = ioc_buf_puts(b, k ? ",[" : "[");
            for (size_t i = 0; rc == 0 && i < s->ring_len[r]; i++) {
                rc = ioc_buf_puts(b, i ? ",[" : "[");
                if (rc == 0)
                    rc = put_number(b, xy[2 * i], decimals);
                if (rc == 0)
                    rc = ioc_buf_putc(b, ',');
                if (rc == 0)
                    rc = put_number(b, xy[2 * i + 1], decimals);
                if (rc == 0)
                    rc = ioc_buf_putc(b, ']');
            }
            if (rc == 0)
                rc = ioc_buf_putc(b, ']');
        }
        if (rc == 0)
            rc = ioc_buf_putc(b, ']');
    }
    return rc ? rc : ioc_buf_puts(b, "]}");
}

/* Writes the simplified geometry with the fewest decimals from `decimals` up that keep it
 * valid, else unrounded. */
static int write_rounded(GEOSContextHandle_t h, const GEOSGeometry *simple, int decimals,
                         struct ioc_buf *b)
{
    char msg[256];
    for (int d = decimals; d <= MAX_DECIMALS + 1; d++) {
        int unrounded = d > MAX_DECIMALS;
        struct geo_shape s;
        int rc = from_geos(h, simple, unrounded ? -1 : d, &s);
        if (rc == IOC_EINVAL && !unrounded)
            continue;
        if (rc)
            return rc;
        rc = unrounded ? 0 : geo_shape_valid(h, &s, msg, sizeof msg);
        ioc_buf_reset(b);
        if (rc == 0)
            rc = write_shape(&s, unrounded ? -1 : d, b);
        geo_shape_free(&s);
        if (rc != IOC_EINVAL)
            return rc;
    }
    return IOC_EINVAL;
}

int geo_simplify(const char *json, size_t n, double tolerance_m, char **out, size_t *outlen)
{
    if (n > GEO_TEXT_MAX)
        return IOC_ETOOBIG;
    if (!isfinite(tolerance_m) || tolerance_m < 0)
        return IOC_EINVAL;
    json_t *j = json_loadb(json, n, 0, NULL);
    char msg[256];
    struct geo_shape s;
    int rc = j ? geo_shape_from_json(j, &s, msg, sizeof msg) : IOC_EINVAL;
    json_decref(j);
    if (rc)
        return rc;
    double tol = tolerance_m / 111320.0;
    int decimals = tol > 0 ? (int)ceil(-log10(tol / 4)) : MAX_DECIMALS;
    decimals = decimals < 1 ? 1 : decimals > MAX_DECIMALS ? MAX_DECIMALS : decimals;
    GEOSContextHandle_t h = geo_geos_open();
    GEOSGeometry *g = h ? geo_shape_geos(h, &s) : NULL;
    GEOSGeometry *simple = g ? GEOSTopologyPreserveSimplify_r(h, g, tol) : NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, GEO_TEXT_MAX);
    rc = simple ? write_rounded(h, simple, decimals, &b) : IOC_ENOMEM;
    if (simple)
        GEOSGeom_destroy_r(h, simple);
    if (g)
        GEOSGeom_destroy_r(h, g);
    if (h)
        GEOS_finish_r(h);
    geo_shape_free(&s);
    if (rc) {
        ioc_buf_free(&b);
        return rc;
    }
    size_t len = b.len;
    char *text = ioc_buf_steal(&b);
    if (!text)
        return IOC_ENOMEM;
    *out = text;
    *outlen = len;
    return 0;
}
