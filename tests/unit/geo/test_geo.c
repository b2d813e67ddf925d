/* Unit tests for src/geo: GeoJSON checks with feature index and reason, area, simplification,
 * and the point index against GEOS on the 95 real communes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "geo/geo.h"

static char *communes;
static size_t communes_len;

static int load(void **state)
{
    (void)state;
    return ioc_file_read("data/vn-units/dongnai-2025-communes.geojson", 1 << 26, &communes,
                         &communes_len);
}

static int unload(void **state)
{
    (void)state;
    free(communes);
    return 0;
}

static void test_real_communes(void **state)
{
    (void)state;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    assert_int_equal(geo_features_parse(communes, communes_len, 1000, &f, &n, &err), 0);
    assert_int_equal(n, 95);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].code, "26068") == 0) {
            found = 1;
            assert_string_equal(f[i].name, "Biên Hoà");
            assert_true(f[i].bbox[0] > 106 && f[i].bbox[2] < 107.6);
        }
    assert_true(found);
    geo_features_free(f, n);
    assert_int_equal(geo_features_parse(communes, communes_len, 10, &f, &n, &err), IOC_EINVAL);
    assert_non_null(strstr(err.message, "more than 10"));
}

static void refused(const char *json, long feature, const char *why)
{
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    assert_int_equal(geo_features_parse(json, strlen(json), 100, &f, &n, &err), IOC_EINVAL);
    if (err.feature != feature || !strstr(err.message, why))
        fail_msg("got feature %ld: %s; wanted %ld: %s", err.feature, err.message, feature, why);
}

#define SQUARE "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"
#define FEATURE(props, geom) "{\"type\":\"Feature\",\"properties\":" props ",\"geometry\":" geom "}"
#define OK_FEATURE                                                                                 \
    FEATURE("{\"code\":1,\"name\":\"A\"}", "{\"type\":\"Polygon\",\"coordinates\":" SQUARE "}")
#define FC(...) "{\"type\":\"FeatureCollection\",\"features\":[" __VA_ARGS__ "]}"

static void test_refusals(void **state)
{
    (void)state;
    refused("{nope", -1, "not JSON");
    refused("{\"type\":\"Feature\"}", -1, "FeatureCollection");
    refused(FC(OK_FEATURE "," FEATURE("{\"code\":\"2\",\"name\":\"B\"}",
                                      "{\"type\":\"Point\",\"coordinates\":[1,2]}")),
            1, "Point");
    refused(FC(OK_FEATURE "," OK_FEATURE "," FEATURE(
                "{\"code\":\"3\",\"name\":\"C\"}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}")),
            2, "not closed");
    refused(FC(FEATURE("{\"code\":\"3\",\"name\":\"C\"}",
                       "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}")),
            0, "Self-intersection");
    refused(FC(FEATURE("{\"code\":\"3\",\"name\":\"C\"}",
                       "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[1,1],[0,0]]]}")),
            0, "out of range");
    refused(FC(FEATURE("{\"name\":\"C\"}", "{\"type\":\"Polygon\",\"coordinates\":" SQUARE "}")), 0,
            "code is missing");
    refused(FC(FEATURE("{\"code\":\"3\",\"name\":\"C\"}",
                       "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}")),
            0, "at least 4");
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    const char *ok = FC(OK_FEATURE);
    assert_int_equal(geo_features_parse(ok, strlen(ok), 10, &f, &n, &err), 0);
    assert_string_equal(f[0].code, "1");
    /* a 1°×1° square at the equator is about 12,364 km² */
    assert_true(fabs(f[0].area_km2 - 12364) < 40);
    geo_features_free(f, n);
}

static void test_simplify(void **state)
{
    (void)state;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    assert_int_equal(geo_features_parse(communes, communes_len, 1000, &f, &n, &err), 0);
    size_t full = 0, small = 0;
    for (size_t i = 0; i < n; i++) {
        char *s = NULL;
        size_t len = 0;
        assert_int_equal(geo_simplify(f[i].geometry, strlen(f[i].geometry), 50, &s, &len), 0);
        double bbox[4];
        char msg[256];
        assert_int_equal(geo_geometry_check(s, len, bbox, msg, sizeof msg), 0);
        full += strlen(f[i].geometry);
        small += len;
        free(s);
    }
    assert_true(small * 10 < full);
    geo_features_free(f, n);
}

static void test_index_vs_geos(void **state)
{
    (void)state;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    assert_int_equal(geo_features_parse(communes, communes_len, 1000, &f, &n, &err), 0);
    struct geo_index *ix;
    assert_int_equal(geo_index_create(&ix), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(geo_index_add(ix, (int64_t)i + 1, 3, 0, INT32_MAX, f[i].geometry,
                                       strlen(f[i].geometry)),
                         0);
    /* an old version of shape 1 with another validity window and level */
    assert_int_equal(geo_index_add(ix, 1000, 2, 0, 100, f[0].geometry, strlen(f[0].geometry)), 0);
    assert_int_equal(geo_index_build(ix), 0);
    assert_int_equal(geo_index_count(ix), 96);
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeoJSONReader *reader = GEOSGeoJSONReader_create_r(h);
    const GEOSPreparedGeometry **prep = calloc(n, sizeof *prep);
    GEOSGeometry **geoms = calloc(n, sizeof *geoms);
    for (size_t i = 0; i < n; i++) {
        geoms[i] = GEOSGeoJSONReader_readGeometry_r(h, reader, f[i].geometry);
        prep[i] = GEOSPrepare_r(h, geoms[i]);
    }
    srand(42);
    int checked = 0, hits = 0;
    for (int k = 0; k < 20000; k++) {
        double x = 106.4 + 1.2 * rand() / (double)RAND_MAX;
        double y = 10.55 + 1.8 * rand() / (double)RAND_MAX;
        int64_t id = 0;
        int rc = geo_index_lookup(ix, x, y, 3, 20000, &id);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        int64_t want = 0;
        for (size_t i = 0; i < n && !want; i++)
            if (GEOSPreparedContains_r(h, prep[i], pt) == 1)
                want = (int64_t)i + 1;
        GEOSGeom_destroy_r(h, pt);
        checked++;
        hits += want != 0;
        if (want)
            assert_int_equal(id, want);
        else
            assert_int_equal(rc, IOC_ENOTFOUND);
    }
    assert_true(hits > 5000);
    /* level and validity filters */
    double cx = (f[0].bbox[0] + f[0].bbox[2]) / 2, cy = (f[0].bbox[1] + f[0].bbox[3]) / 2;
    int64_t id = 0;
    int rc1 = geo_index_lookup(ix, cx, cy, 2, 50, &id);
    if (rc1 == 0)
        assert_int_equal(id, 1000);
    assert_int_equal(geo_index_lookup(ix, cx, cy, 2, 101, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, 105.85, 21.03, 3, 20000, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, NAN, 11, 3, 20000, &id), IOC_ENOTFOUND);
    for (size_t i = 0; i < n; i++) {
        GEOSPreparedGeom_destroy_r(h, prep[i]);
        GEOSGeom_destroy_r(h, geoms[i]);
    }
    free(prep);
    free(geoms);
    GEOSGeoJSONReader_destroy_r(h, reader);
    GEOS_finish_r(h);
    geo_index_destroy(ix);
    geo_features_free(f, n);
    (void)checked;
}

static void test_shared_edge(void **state)
{
    (void)state;
    /* two squares sharing the edge x = 1: a point on it belongs to exactly one */
    const char *a = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
    const char *b = "{\"type\":\"Polygon\",\"coordinates\":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}";
    struct geo_index *ix;
    assert_int_equal(geo_index_create(&ix), 0);
    assert_int_equal(geo_index_add(ix, 1, 3, 0, INT32_MAX, a, strlen(a)), 0);
    assert_int_equal(geo_index_add(ix, 2, 3, 0, INT32_MAX, b, strlen(b)), 0);
    assert_int_equal(geo_index_build(ix), 0);
    for (double y = 0.05; y < 1; y += 0.1) {
        int64_t id = 0;
        assert_int_equal(geo_index_lookup(ix, 1.0, y, 3, 0, &id), 0);
        assert_true(id == 1 || id == 2);
        assert_int_equal(geo_index_lookup(ix, 0.5, y, 3, 0, &id), 0);
        assert_int_equal(id, 1);
        assert_int_equal(geo_index_lookup(ix, 1.5, y, 3, 0, &id), 0);
        assert_int_equal(id, 2);
    }
    geo_index_destroy(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_communes), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_simplify),      cmocka_unit_test(test_index_vs_geos),
        cmocka_unit_test(test_shared_edge),
    };
    return cmocka_run_group_tests_name("geo", tests, load, unload);
}
