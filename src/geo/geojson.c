/*
 * geojson.c — reading and checking RFC 7946 boundaries, their area, and simplification.
 *
 * Checks, in order: JSON; structure (FeatureCollection → Feature → Polygon/MultiPolygon);
 * positions are two or three finite numbers within lon [-180, 180], lat [-90, 90]; rings have at
 * least four positions and are closed; then GEOS validity (isValidReason: self-intersections,
 * holes outside shells, …). GEOS is used through its reentrant API with a context per call.
 */
#include "geo/geo_int.h"
#include "base/base.h"

#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX ((size_t)256 << 20)

static int fail(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t n, const char *fmt, ...)
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

static int read_polygon(const json_t *poly, struct geo_shape *s, size_t caps[4], char *msg,
                        size_t n)
{
    if (!json_is_array(poly) || json_array_size(poly) == 0)
        return fail(msg, n, "a polygon must be a non-empty array of rings");
    size_t nr = json_array_size(poly);
    for (size_t r = 0; r < nr; r++) {
        const json_t *ring = json_array_get(poly, r);
        if (!json_is_array(ring))
            return fail(msg, n, "a ring must be an array of positions");
        size_t np = json_array_size(ring);
        if (np < 4)
            return fail(msg, n, "a ring has %zu positions; at least 4 are needed", np);
        if (grow((void **)&s->xy, &caps[0], 2 * (s->npoints + np), sizeof *s->xy) ||
            grow((void **)&s->ring_off, &caps[1], s->nrings + 1, sizeof(size_t)) ||
            grow((void **)&s->ring_len, &caps[2], s->nrings + 1, sizeof(size_t)))
            return IOC_ENOMEM;
        s->ring_off[s->nrings] = s->npoints;
        s->ring_len[s->nrings] = np;
        for (size_t i = 0; i < np; i++) {
            const json_t *pos = json_array_get(ring, i);
            size_t dims = json_array_size(pos);
            if (!json_is_array(pos) || dims < 2 || dims > 3 ||
                !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1)))
                return fail(msg, n, "position %zu of ring %zu is not [lon, lat]", i, r);
            double x = json_number_value(json_array_get(pos, 0));
            double y = json_number_value(json_array_get(pos, 1));
            if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 || y > 90)
                return fail(msg, n, "position %zu of ring %zu is out of range: %g, %g", i, r, x, y);
            s->xy[2 * (s->npoints + i)] = x;
            s->xy[2 * (s->npoints + i) + 1] = y;
        }
        const double *first = &s->xy[2 * s->npoints], *last = &s->xy[2 * (s->npoints + np - 1)];
        if (first[0] != last[0] || first[1] != last[1])
            return fail(msg, n, "ring %zu is not closed (its first and last positions differ)", r);
        s->npoints += np;
        s->nrings++;
    }
    if (grow((void **)&s->poly_rings, &caps[3], s->npolys + 1, sizeof(size_t)))
        return IOC_ENOMEM;
    s->poly_rings[s->npolys++] = nr;
    return 0;
}

int geo_shape_from_json(const json_t *g, struct geo_shape *out, char *msg, size_t n)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(g))
        return fail(msg, n, "geometry is missing or not an object");
    const char *type = json_string_value(json_object_get(g, "type"));
    const json_t *coords = json_object_get(g, "coordinates");
    if (!type)
        return fail(msg, n, "geometry has no type");
    if (strcmp(type, "Polygon") != 0 && strcmp(type, "MultiPolygon") != 0)
        return fail(msg, n, "geometry type %.32s is not Polygon or MultiPolygon", type);
    if (!json_is_array(coords) || json_array_size(coords) == 0)
        return fail(msg, n, "geometry has no coordinates");
    size_t caps[4] = {0, 0, 0, 0};
    int rc = 0;
    if (strcmp(type, "Polygon") == 0) {
        rc = read_polygon(coords, out, caps, msg, n);
    } else {
        for (size_t p = 0; rc == 0 && p < json_array_size(coords); p++) {
            rc = read_polygon(json_array_get(coords, p), out, caps, msg, n);
            if (rc == IOC_EINVAL) {
                char inner[200];
                snprintf(inner, sizeof inner, "%s", msg);
                fail(msg, n, "polygon %zu: %s", p, inner);
            }
        }
    }
    if (rc) {
        geo_shape_free(out);
        return rc;
    }
    out->bbox[0] = out->bbox[1] = INFINITY;
    out->bbox[2] = out->bbox[3] = -INFINITY;
    for (size_t i = 0; i < out->npoints; i++) {
        double x = out->xy[2 * i], y = out->xy[2 * i + 1];
        out->bbox[0] = fmin(out->bbox[0], x);
        out->bbox[1] = fmin(out->bbox[1], y);
        out->bbox[2] = fmax(out->bbox[2], x);
        out->bbox[3] = fmax(out->bbox[3], y);
    }
    return 0;
}

/* ---- GEOS ------------------------------------------------------------------------------- */

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt;
}

static GEOSContextHandle_t geos_open(void)
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
    return GEOSGeom_createLinearRing_r(h, seq);
}

/* The shape as a GEOS MultiPolygon (caller destroys), or NULL. */
static GEOSGeometry *shape_geos(GEOSContextHandle_t h, const struct geo_shape *s)
{
    GEOSGeometry **polys = calloc(s->npolys, sizeof *polys);
    if (!polys)
        return NULL;
    size_t r = 0, made = 0;
    int ok = 1;
    for (size_t p = 0; p < s->npolys && ok; p++) {
        size_t nr = s->poly_rings[p];
        GEOSGeometry *shell = ring_geos(h, s, r);
        GEOSGeometry **holes = nr > 1 ? calloc(nr - 1, sizeof *holes) : NULL;
        ok = shell && (nr == 1 || holes);
        for (size_t k = 1; ok && k < nr; k++)
            ok = (holes[k - 1] = ring_geos(h, s, r + k)) != NULL;
        if (ok)
            ok = (polys[made] = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)(nr - 1))) !=
                 NULL;
        if (ok)
            made++;
        free(holes);
        r += nr;
    }
    GEOSGeometry *g =
        ok ? GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)made) : NULL;
    if (!g)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(h, polys[i]);
    free(polys);
    return g;
}

static int shape_valid(const struct geo_shape *s, char *msg, size_t n)
{
    GEOSContextHandle_t h = geos_open();
    if (!h)
        return IOC_ENOMEM;
    GEOSGeometry *g = shape_geos(h, s);
    int rc = 0;
    if (!g) {
        rc = fail(msg, n, "the rings do not form a polygon");
    } else if (GEOSisValid_r(h, g) != 1) {
        char *why = GEOSisValidReason_r(h, g);
        rc = fail(msg, n, "%s", why ? why : "invalid geometry");
        GEOSFree_r(h, why);
    }
    if (g)
        GEOSGeom_destroy_r(h, g);
    GEOS_finish_r(h);
    return rc;
}

int geo_geometry_check(const char *json, size_t n, double bbox[4], char *msg, size_t msg_size)
{
    json_error_t e;
    json_t *j = json_loadb(json, n, 0, &e);
    if (!j)
        return fail(msg, msg_size, "not JSON: line %d: %s", e.line, e.text);
    struct geo_shape s;
    int rc = geo_shape_from_json(j, &s, msg, msg_size);
    json_decref(j);
    if (rc == 0)
        rc = shape_valid(&s, msg, msg_size);
    if (rc == 0)
        memcpy(bbox, s.bbox, sizeof s.bbox);
    geo_shape_free(&s);
    return rc;
}

/* Spherical excess area of a ring in km² (positive for counter-clockwise). */
static double ring_area(const double *xy, size_t n)
{
    const double R = 6371.0088, rad = M_PI / 180;
    double sum = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double x1 = xy[2 * i] * rad, y1 = xy[2 * i + 1] * rad;
        double x2 = xy[2 * i + 2] * rad, y2 = xy[2 * i + 3] * rad;
        sum += (x2 - x1) * (2 + sin(y1) + sin(y2));
    }
    return fabs(sum * R * R / 2);
}

static double shape_area(const struct geo_shape *s)
{
    double total = 0;
    size_t r = 0;
    for (size_t p = 0; p < s->npolys; p++) {
        for (size_t k = 0; k < s->poly_rings[p]; k++) {
            double a = ring_area(&s->xy[2 * s->ring_off[r + k]], s->ring_len[r + k]);
            total += k == 0 ? a : -a;
        }
        r += s->poly_rings[p];
    }
    return total;
}

/* ---- FeatureCollection ------------------------------------------------------------------ */

void geo_features_free(struct geo_feature *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].code);
        free(a[i].name);
        free(a[i].full_name);
        free(a[i].name_en);
        free(a[i].level);
        free(a[i].geometry);
    }
    free(a);
}

static int prop_text(const json_t *props, const char *key, int required, char **out, char *msg,
                     size_t n)
{
    const json_t *v = json_object_get(props, key);
    char num[32];
    const char *text = NULL;
    size_t len = 0;
    if (json_is_string(v)) {
        text = json_string_value(v);
        len = json_string_length(v);
    } else if (json_is_integer(v)) {
        len = (size_t)snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        text = num;
    } else if (v && !json_is_null(v)) {
        return fail(msg, n, "properties.%s must be a string", key);
    }
    if (!text || len == 0) {
        if (required)
            return fail(msg, n, "properties.%s is missing", key);
        text = "";
        len = 0;
    }
    if (ioc_text_nfc(text, len, out, NULL) != 0)
        return fail(msg, n, "properties.%s is not UTF-8 text", key);
    return 0;
}

static int read_feature(const json_t *f, struct geo_feature *out, char *msg, size_t n)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(f) || !json_is_string(json_object_get(f, "type")) ||
        strcmp(json_string_value(json_object_get(f, "type")), "Feature") != 0)
        return fail(msg, n, "not a Feature");
    const json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props))
        return fail(msg, n, "properties must be an object");
    int rc = prop_text(props, "code", 1, &out->code, msg, n);
    if (rc == 0)
        rc = prop_text(props, "name", 1, &out->name, msg, n);
    if (rc == 0)
        rc = prop_text(props, "full_name", 0, &out->full_name, msg, n);
    if (rc == 0)
        rc = prop_text(props, "name_en", 0, &out->name_en, msg, n);
    if (rc == 0)
        rc = prop_text(props, "level", 0, &out->level, msg, n);
    if (rc)
        return rc;
    const json_t *g = json_object_get(f, "geometry");
    struct geo_shape s;
    rc = geo_shape_from_json(g, &s, msg, n);
    if (rc)
        return rc;
    rc = shape_valid(&s, msg, n);
    if (rc == 0) {
        memcpy(out->bbox, s.bbox, sizeof s.bbox);
        const json_t *area = json_object_get(props, "area_km2");
        out->area_km2 = json_is_number(area) && json_number_value(area) > 0
                            ? json_number_value(area)
                            : shape_area(&s);
        out->geometry = json_dumps(g, JSON_COMPACT | JSON_REAL_PRECISION(10));
        if (!out->geometry)
            rc = IOC_ENOMEM;
    }
    geo_shape_free(&s);
    return rc;
}

int geo_features_parse(const char *text, size_t n, size_t max_features, struct geo_feature **out,
                       size_t *count, struct geo_error *err)
{
    err->feature = -1;
    err->message[0] = '\0';
    if (n > TEXT_MAX)
        return fail(err->message, sizeof err->message, "the file is larger than 256 MiB");
    json_error_t e;
    json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        return fail(err->message, sizeof err->message, "not JSON: line %d, column %d: %s", e.line,
                    e.column, e.text);
    const json_t *features = json_object_get(j, "features");
    const char *type = json_string_value(json_object_get(j, "type"));
    int rc = 0;
    if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features)) {
        rc = fail(err->message, sizeof err->message,
                  "not a GeoJSON FeatureCollection with a features array");
    } else if (json_array_size(features) > max_features) {
        rc = fail(err->message, sizeof err->message, "more than %zu features", max_features);
    }
    size_t nf = rc ? 0 : json_array_size(features);
    struct geo_feature *a = nf ? calloc(nf, sizeof *a) : NULL;
    if (rc == 0 && nf && !a)
        rc = IOC_ENOMEM;
    size_t done = 0;
    for (; rc == 0 && done < nf; done++) {
        rc = read_feature(json_array_get(features, done), &a[done], err->message,
                          sizeof err->message);
        if (rc) {
            err->feature = (long)done;
            done++;
            break;
        }
    }
    json_decref(j);
    if (rc) {
        geo_features_free(a, done);
        return rc;
    }
    *out = a;
    *count = nf;
    return 0;
}

/* ---- simplification --------------------------------------------------------------------- */

static void write_seq(GEOSContextHandle_t h, const GEOSGeometry *ring, struct ioc_buf *b,
                      int decimals)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    ioc_buf_putc(b, '[');
    for (unsigned i = 0; i < n; i++) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
        ioc_buf_printf(b, "%s[%.*f,%.*f]", i ? "," : "", decimals, x, decimals, y);
    }
    ioc_buf_putc(b, ']');
}

static void write_polygon(GEOSContextHandle_t h, const GEOSGeometry *p, struct ioc_buf *b,
                          int decimals)
{
    ioc_buf_putc(b, '[');
    write_seq(h, GEOSGetExteriorRing_r(h, p), b, decimals);
    int nh = GEOSGetNumInteriorRings_r(h, p);
    for (int i = 0; i < nh; i++) {
        ioc_buf_putc(b, ',');
        write_seq(h, GEOSGetInteriorRingN_r(h, p, i), b, decimals);
    }
    ioc_buf_putc(b, ']');
}

int geo_simplify(const char *json, size_t n, double tolerance_m, char **out, size_t *outlen)
{
    json_t *j = json_loadb(json, n, 0, NULL);
    char msg[256];
    struct geo_shape s;
    int rc = j ? geo_shape_from_json(j, &s, msg, sizeof msg) : IOC_EINVAL;
    json_decref(j);
    if (rc)
        return rc;
    /* A degree of latitude is the longest degree here (a degree of longitude shrinks with
     * cos(lat)), so this tolerance in degrees never moves a point by more than tolerance_m. */
    double tol = tolerance_m / 111320.0;
    int decimals = (int)ceil(-log10(tol)) + 1;
    decimals = decimals < 3 ? 3 : decimals > 6 ? 6 : decimals;
    GEOSContextHandle_t h = geos_open();
    GEOSGeometry *g = h ? shape_geos(h, &s) : NULL;
    GEOSGeometry *simple = g ? GEOSTopologyPreserveSimplify_r(h, g, tol) : NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, TEXT_MAX);
    rc = simple ? 0 : IOC_ENOMEM;
    if (rc == 0) {
        int type = GEOSGeomTypeId_r(h, simple);
        int np = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, simple);
        ioc_buf_puts(&b, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
        int written = 0;
        for (int i = 0; i < np; i++) {
            const GEOSGeometry *p =
                type == GEOS_POLYGON ? simple : GEOSGetGeometryN_r(h, simple, i);
            if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON || GEOSisEmpty_r(h, p))
                continue;
            if (written++)
                ioc_buf_putc(&b, ',');
            write_polygon(h, p, &b, decimals);
        }
        if (ioc_buf_puts(&b, "]}") != 0 || !written)
            rc = written ? IOC_ENOMEM : IOC_EINVAL;
    }
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
    *outlen = b.len;
    *out = ioc_buf_steal(&b);
    return *out ? 0 : IOC_ENOMEM;
}
