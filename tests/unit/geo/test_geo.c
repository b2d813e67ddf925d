/* Unit tests for src/geo, GeoJSON side: the 95 real communes parse (codes, NFC names, areas);
 * every refusal names the feature index and the reason; geo_geometry_check; computed areas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "geo/geo.h"

#define COMMUNES "data/vn-units/dongnai-2025-communes.geojson"

static void test_real_communes(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(ioc_file_read(COMMUNES, 1 << 26, &text, &len), 0);
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    assert_int_equal(geo_features_parse(text, len, 1000, &f, &n, &err), 0);
    assert_int_equal(n, 95);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(strlen(f[i].code), 5);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(f[i].code, f[k].code);
        char *nfc = NULL;
        assert_int_equal(ioc_text_nfc(f[i].name, strlen(f[i].name), &nfc, NULL), 0);
        assert_string_equal(nfc, f[i].name);
        free(nfc);
        assert_true(f[i].full_name[0] && f[i].name_en[0]);
        assert_string_equal(f[i].level, "");
        assert_true(f[i].area_km2 > 1 && f[i].area_km2 < 2000);
        assert_true(f[i].bbox[0] > 106 && f[i].bbox[2] < 108 && f[i].bbox[1] > 10 &&
                    f[i].bbox[3] < 12.5 && f[i].bbox[0] < f[i].bbox[2]);
        /* what is kept checks again, with the same bbox */
        double bbox[4];
        char msg[256];
        assert_int_equal(
            geo_geometry_check(f[i].geometry, strlen(f[i].geometry), bbox, msg, sizeof msg), 0);
        assert_memory_equal(bbox, f[i].bbox, sizeof bbox);
        assert_non_null(strstr(f[i].geometry, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[["));
        if (strcmp(f[i].code, "26068") == 0) {
            found = 1;
            assert_string_equal(f[i].name, "Biên Hoà");
            assert_string_equal(f[i].full_name, "Phường Biên Hoà");
        }
    }
    assert_true(found);
    geo_features_free(f, n);
    assert_int_equal(geo_features_parse(text, len, 10, &f, &n, &err), IOC_ETOOBIG);
    assert_int_equal(err.feature, -1);
    assert_non_null(strstr(err.message, "more than 10"));
    free(text);
}

static void refused(const char *json, long feature, const char *why)
{
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    int rc = geo_features_parse(json, strlen(json), 100, &f, &n, &err);
    if (rc != IOC_EINVAL || err.feature != feature || !strstr(err.message, why))
        fail_msg("rc %d, feature %ld: %s; wanted feature %ld: %s", rc, err.feature, err.message,
                 feature, why);
    assert_null(f);
}

#define SQUARE "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"
#define POLY(rings) "{\"type\":\"Polygon\",\"coordinates\":" rings "}"
#define FEATURE(props, geom) "{\"type\":\"Feature\",\"properties\":" props ",\"geometry\":" geom "}"
#define OK_FEATURE FEATURE("{\"code\":1,\"name\":\"A\"}", POLY(SQUARE))
#define C3 "{\"code\":\"3\",\"name\":\"C\"}"
#define FC(...) "{\"type\":\"FeatureCollection\",\"features\":[" __VA_ARGS__ "]}"

static void test_refusals(void **state)
{
    (void)state;
    refused("{nope", -1, "not JSON");
    refused("", -1, "not JSON");
    refused("{\"type\":\"Feature\"}", -1, "FeatureCollection");
    refused("{\"type\":\"FeatureCollection\",\"features\":{}}", -1, "features array");
    refused("{\"type\":\"FeatureCollection\",\"type\":\"x\",\"features\":[]}", -1, "duplicate");
    refused(FC(OK_FEATURE ",{\"type\":\"Point\"}"), 1, "not a Feature");
    refused(FC(OK_FEATURE "," FEATURE(C3, "{\"type\":\"Point\",\"coordinates\":[1,2]}")), 1,
            "Point is not Polygon");
    refused(
        FC(OK_FEATURE "," OK_FEATURE "," FEATURE(C3, POLY("[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]"))),
        2, "ring 0 is not closed");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,1],[1,0],[0,1],[0,0]]]"))), 0, "Self-intersection");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[200,0],[1,1],[0,0]]]"))), 0, "out of range");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,0],[1,-91],[0,0]]]"))), 0, "out of range");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,0],[1,\"1\"],[0,0]]]"))), 0, "not [lon, lat]");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,0],[1],[0,0]]]"))), 0, "not [lon, lat]");
    refused(FC(OK_FEATURE "," FEATURE("{\"name\":\"C\"}", POLY(SQUARE))), 1, "code is missing");
    refused(FC(FEATURE("{\"code\":\"\",\"name\":\"C\"}", POLY(SQUARE))), 0, "code is missing");
    refused(FC(FEATURE("{\"code\":3.5,\"name\":\"C\"}", POLY(SQUARE))), 0, "code must be");
    refused(FC(FEATURE("{\"code\":\"3\"}", POLY(SQUARE))), 0, "name is missing");
    refused(FC(FEATURE("[]", POLY(SQUARE))), 0, "properties must be an object");
    refused(FC(FEATURE(C3, "null")), 0, "geometry is missing");
    refused(FC(FEATURE(C3, "{\"type\":\"Polygon\"}")), 0, "no coordinates");
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,0],[0,0]]]"))), 0, "at least 4");
    refused(FC(FEATURE(C3, "{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE ",[[[5,5]]]]}")),
            0, "polygon 1: ring 0 has 1 positions");
    /* a hole outside its shell */
    refused(FC(FEATURE(C3, POLY("[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
                                "[[2,2],[3,2],[3,3],[2,3],[2,2]]]"))),
            0, "Hole lies outside shell");
    /* overlapping polygons of one MultiPolygon */
    refused(FC(FEATURE(C3, "{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE
                           ",[[[0.5,0.5],[2,0.5],[2,2],[0.5,2],[0.5,0.5]]]]}")),
            0, "Self-intersection");
}

static void test_accepted(void **state)
{
    (void)state;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    /* integer code, decomposed name (e + combining circumflex, a + combining grave), extra
     * members dropped from the kept geometry, a hole, a third coordinate */
    const char *ok =
        FC(OK_FEATURE "," FEATURE("{\"code\":\"26068\",\"name\":\"Bie\xcc\x82n Hoa\xcc\x80\","
                                  "\"level\":\"commune\",\"area_km2\":264.1}",
                                  "{\"type\":\"Polygon\",\"bbox\":[0,0,4,4],\"coordinates\":"
                                  "[[[0,0,5],[4,0,5],[4,4,5],[0,4,5],[0,0,5]],"
                                  "[[1,1],[1,2],[2,2],[2,1],[1,1]]]}"));
    assert_int_equal(geo_features_parse(ok, strlen(ok), 10, &f, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(f[0].code, "1");
    assert_string_equal(f[0].name, "A");
    assert_string_equal(f[0].full_name, "");
    assert_string_equal(f[0].geometry,
                        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
    /* a 1°×1° square at the equator: R² · (1° in rad) · sin 1° = 12363.7 km² */
    const double R = 6371.0088, d = M_PI / 180;
    assert_true(fabs(f[0].area_km2 - R * R * d * sin(d)) < 0.01);
    assert_string_equal(f[1].name, "Biên Hoà");
    assert_string_equal(f[1].level, "commune");
    assert_true(f[1].area_km2 == 264.1);
    assert_null(strstr(f[1].geometry, "bbox"));
    assert_true(f[1].bbox[0] == 0 && f[1].bbox[1] == 0 && f[1].bbox[2] == 4 && f[1].bbox[3] == 4);
    geo_features_free(f, n);

    /* computed area of a ring with a hole: shell minus hole (holes are subtracted) */
    const char *holed =
        FC(FEATURE(C3, POLY("[[[0,0],[2,0],[2,2],[0,2],[0,0]],"
                            "[[0.5,0.5],[0.5,1.5],[1.5,1.5],[1.5,0.5],[0.5,0.5]]]")));
    assert_int_equal(geo_features_parse(holed, strlen(holed), 10, &f, &n, &err), 0);
    double shell = R * R * 2 * d * sin(2 * d);
    double hole = R * R * d * (sin(1.5 * d) - sin(0.5 * d));
    assert_true(fabs(f[0].area_km2 - (shell - hole)) < 0.01);
    geo_features_free(f, n);

    const char *empty = FC();
    struct geo_feature dummy;
    f = &dummy; /* must be overwritten */
    assert_int_equal(geo_features_parse(empty, strlen(empty), 10, &f, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(f);
    geo_features_free(f, n);
}

static void test_geometry_check(void **state)
{
    (void)state;
    double bbox[4] = {0, 0, 0, 0};
    char msg[256];
    const char *ok = "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[106.5,10.5],[107,10.5],"
                     "[107,11.25],[106.5,10.5]]]]}";
    assert_int_equal(geo_geometry_check(ok, strlen(ok), bbox, msg, sizeof msg), 0);
    assert_true(bbox[0] == 106.5 && bbox[1] == 10.5 && bbox[2] == 107 && bbox[3] == 11.25);
    const char *bowtie = POLY("[[[0,0],[1,1],[1,0],[0,1],[0,0]]]");
    assert_int_equal(geo_geometry_check(bowtie, strlen(bowtie), bbox, msg, sizeof msg), IOC_EINVAL);
    assert_non_null(strstr(msg, "Self-intersection[0.5 0.5]"));
    const char *point = "{\"type\":\"Point\",\"coordinates\":[1,2]}";
    assert_int_equal(geo_geometry_check(point, strlen(point), bbox, msg, sizeof msg), IOC_EINVAL);
    assert_non_null(strstr(msg, "Point"));
    assert_int_equal(geo_geometry_check("[1,", 3, bbox, msg, sizeof msg), IOC_EINVAL);
    assert_non_null(strstr(msg, "not JSON"));
    /* only n bytes are read */
    assert_int_equal(geo_geometry_check(ok, strlen(ok) - 1, bbox, msg, sizeof msg), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_communes),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_geometry_check),
    };
    return cmocka_run_group_tests_name("geo: GeoJSON", tests, NULL, NULL);
}
