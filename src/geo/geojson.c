/*
 * geojson.c — reading and checking an RFC 7946 FeatureCollection of unit boundaries, one
 * geometry on its own, and the area of a boundary.
 *
 * Checks, in order: size cap; JSON (duplicate keys refused); structure (FeatureCollection →
 * features → Feature with a properties object holding code and name, and a Polygon or
 * MultiPolygon geometry); positions are two or three finite numbers within lon [-180, 180], lat
 * [-90, 90]; rings have at least four positions and are closed; then GEOS validity
 * (isValidReason: self-intersections, holes outside shells, …). What is checked is exactly what
 * is kept: a feature's geometry is first re-serialised compactly (10 significant digits, about a
 * centimetre here) and the checks run on that text, so rounding cannot smuggle in an invalid
 * shape. Names are stored in NFC. One GEOS context per call.
 */
#include "geo/geo_int.h"
#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

int geo_geometry_check(const char *json, size_t n, double bbox[4], char *msg, size_t msg_size)
{
    if (n > GEO_TEXT_MAX) {
        geo_fail(msg, msg_size, "the geometry is larger than 256 MiB");
        return IOC_ETOOBIG;
    }
    json_error_t e;
    json_t *j = json_loadb(json, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        return geo_fail(msg, msg_size, "not JSON: line %d, column %d: %s", e.line, e.column,
                        e.text);
    struct geo_shape s;
    int rc = geo_shape_from_json(j, &s, msg, msg_size);
    json_decref(j);
    GEOSContextHandle_t h = NULL;
    if (rc == 0)
        rc = (h = geo_geos_open()) ? geo_shape_valid(h, &s, msg, msg_size) : IOC_ENOMEM;
    if (h)
        GEOS_finish_r(h);
    if (rc == 0)
        memcpy(bbox, s.bbox, sizeof s.bbox);
    geo_shape_free(&s);
    return rc;
}

/* Spherical area of a ring in km² on the WGS 84 mean radius (Chamberlain & Duquette). */
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

/* Shells minus holes, in km². */
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

/* properties[key] as malloc'd NFC text; an integer is written in decimal; "" when absent and
 * not required. */
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
        return geo_fail(msg, n, "properties.%s must be a string", key);
    }
    if (!text || len == 0) {
        if (required)
            return geo_fail(msg, n, "properties.%s is missing", key);
        text = "";
        len = 0;
    }
    int rc = ioc_text_nfc(text, len, out, NULL);
    if (rc == IOC_EINVAL)
        return geo_fail(msg, n, "properties.%s is not UTF-8 text", key);
    return rc;
}

/* The geometry as kept (type and coordinates only, compact, rounded) and checked. */
static int read_geometry(const json_t *g, struct geo_feature *out, char *msg, size_t n)
{
    if (!json_is_object(g))
        return geo_fail(msg, n, "geometry is missing or not an object");
    json_t *keep = json_object();
    if (!keep || json_object_set(keep, "type", json_object_get(g, "type")) ||
        json_object_set(keep, "coordinates", json_object_get(g, "coordinates"))) {
        json_decref(keep);
        return geo_fail(msg, n, "geometry has no type or no coordinates");
    }
    out->geometry = json_dumps(keep, DUMP_FLAGS);
    json_decref(keep);
    if (!out->geometry)
        return IOC_ENOMEM;
    json_t *kept = json_loads(out->geometry, 0, NULL);
    if (!kept)
        return geo_fail(msg, n, "geometry cannot be re-read");
    struct geo_shape s;
    int rc = geo_shape_from_json(kept, &s, msg, n);
    json_decref(kept);
    if (rc)
        return rc;
    GEOSContextHandle_t h = geo_geos_open();
    rc = h ? geo_shape_valid(h, &s, msg, n) : IOC_ENOMEM;
    if (h)
        GEOS_finish_r(h);
    if (rc == 0) {
        memcpy(out->bbox, s.bbox, sizeof s.bbox);
        out->area_km2 = shape_area(&s);
    }
    geo_shape_free(&s);
    return rc;
}

static int read_feature(const json_t *f, struct geo_feature *out, char *msg, size_t n)
{
    memset(out, 0, sizeof *out);
    const char *type = json_string_value(json_object_get(f, "type"));
    if (!json_is_object(f) || !type || strcmp(type, "Feature") != 0)
        return geo_fail(msg, n, "not a Feature");
    const json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props))
        return geo_fail(msg, n, "properties must be an object");
    int rc = prop_text(props, "code", 1, &out->code, msg, n);
    if (rc == 0)
        rc = prop_text(props, "name", 1, &out->name, msg, n);
    if (rc == 0)
        rc = prop_text(props, "full_name", 0, &out->full_name, msg, n);
    if (rc == 0)
        rc = prop_text(props, "name_en", 0, &out->name_en, msg, n);
    if (rc == 0)
        rc = prop_text(props, "level", 0, &out->level, msg, n);
    if (rc == 0)
        rc = read_geometry(json_object_get(f, "geometry"), out, msg, n);
    const json_t *area = json_object_get(props, "area_km2");
    if (rc == 0 && json_is_number(area) && json_number_value(area) > 0)
        out->area_km2 = json_number_value(area);
    return rc;
}

int geo_features_parse(const char *text, size_t n, size_t max_features, struct geo_feature **out,
                       size_t *count, struct geo_error *err)
{
    err->feature = -1;
    err->message[0] = '\0';
    if (n > GEO_TEXT_MAX) {
        geo_fail(err->message, sizeof err->message, "the file is larger than 256 MiB");
        return IOC_ETOOBIG;
    }
    json_error_t e;
    json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        return geo_fail(err->message, sizeof err->message, "not JSON: line %d, column %d: %s",
                        e.line, e.column, e.text);
    const json_t *features = json_object_get(j, "features");
    const char *type = json_string_value(json_object_get(j, "type"));
    int rc = 0;
    if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features)) {
        rc = geo_fail(err->message, sizeof err->message,
                      "not a GeoJSON FeatureCollection with a features array");
    } else if (json_array_size(features) > max_features) {
        geo_fail(err->message, sizeof err->message, "more than %zu features", max_features);
        rc = IOC_ETOOBIG;
    }
    size_t nf = rc ? 0 : json_array_size(features);
    struct geo_feature *a = nf ? calloc(nf, sizeof *a) : NULL;
    if (rc == 0 && nf && !a)
        rc = IOC_ENOMEM;
    size_t done = 0;
    while (rc == 0 && done < nf) {
        rc = read_feature(json_array_get(features, done), &a[done], err->message,
                          sizeof err->message);
        if (rc)
            err->feature = (long)done;
        done++;
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
