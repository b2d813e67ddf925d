/* Unit tests for geo_simplify: the 95 real communes stay valid and non-empty and shrink (under
 * 400 KB in all at 50 m); decimals follow the tolerance; tiny polygons are kept, never dropped. */
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
#include "helpers/communes.h"

static struct geo_feature *feat;
static size_t nfeat;

static int load(void **state)
{
    (void)state;
    return test_communes_load(&feat, &nfeat);
}

static int unload(void **state)
{
    (void)state;
    geo_features_free(feat, nfeat);
    return 0;
}

/* The most decimals of any number in s. */
static int max_decimals(const char *s)
{
    int most = 0;
    for (const char *p = s; (p = strchr(p, '.')) != NULL;) {
        int d = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            d++;
        most = d > most ? d : most;
    }
    return most;
}

/* Simplifies every commune at tolerance_m, checks each result, returns the total size. */
static size_t simplify_all(double tolerance_m, int decimals, int *more_decimals)
{
    size_t total = 0;
    for (size_t i = 0; i < nfeat; i++) {
        char *s = NULL;
        size_t len = 0;
        const char *g = feat[i].geometry;
        assert_int_equal(geo_simplify(g, strlen(g), tolerance_m, &s, &len), 0);
        assert_int_equal(len, strlen(s));
        double bbox[4];
        char msg[256];
        if (geo_geometry_check(s, len, bbox, msg, sizeof msg) != 0)
            fail_msg("commune %s at %g m: %s", feat[i].code, tolerance_m, msg);
        /* the outline moved by less than the tolerance (plus rounding) */
        double slack = (tolerance_m + 20) / 111320.0 * 1.1;
        for (int k = 0; k < 4; k++)
            assert_true(fabs(bbox[k] - feat[i].bbox[k]) < slack);
        /* one more decimal where rounding would have made the shape invalid (rare) */
        assert_true(max_decimals(s) <= 6);
        *more_decimals += max_decimals(s) > decimals;
        assert_true(len < strlen(g));
        total += len;
        free(s);
    }
    return total;
}

static void test_real_communes(void **state)
{
    (void)state;
    size_t full = 0;
    for (size_t i = 0; i < nfeat; i++)
        full += strlen(feat[i].geometry);
    int more = 0;
    size_t s20 = simplify_all(20, 5, &more), s50 = simplify_all(50, 4, &more),
           s100 = simplify_all(100, 4, &more);
    print_message("full %zu, 20 m %zu, 50 m %zu, 100 m %zu bytes; %d with one more decimal\n", full,
                  s20, s50, s100, more);
    assert_true(more <= 6);
    assert_true(s50 < 400 * 1000);
    assert_true(s50 * 15 < full);
    assert_true(s100 < s50 && s50 < s20 && s20 < full);
}

static void test_small_shapes(void **state)
{
    (void)state;
    /* a 5 m square island next to a large square: at 1 km tolerance (3 decimals) the island
     * would round to a point; it is kept with more decimals, and the result stays valid */
    const char *g = "{\"type\":\"MultiPolygon\",\"coordinates\":["
                    "[[[106,10],[107,10],[107,11],[106,11],[106,10]]],"
                    "[[[107.5,10.5],[107.50005,10.5],[107.50005,10.50005],[107.5,10.50005],"
                    "[107.5,10.5]]]]}";
    char *s = NULL;
    size_t len = 0;
    assert_int_equal(geo_simplify(g, strlen(g), 1000, &s, &len), 0);
    double bbox[4];
    char msg[256];
    assert_int_equal(geo_geometry_check(s, len, bbox, msg, sizeof msg), 0);
    assert_true(bbox[2] > 107.5);
    assert_string_equal(s, "{\"type\":\"MultiPolygon\",\"coordinates\":["
                           "[[[106,10],[107,10],[107,11],[106,11],[106,10]]],"
                           "[[[107.5,10.5],[107.5001,10.5],[107.5001,10.5001],"
                           "[107.5,10.5001],[107.5,10.5]]]]}");
    free(s);
    /* a polygon with a hole keeps the hole when it is large enough to show */
    const char *holed = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
                        "[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]]}";
    assert_int_equal(geo_simplify(holed, strlen(holed), 50, &s, &len), 0);
    assert_string_equal(s,
                        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],"
                        "[0,0]],[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]]]}");
    free(s);
}

static void test_refused(void **state)
{
    (void)state;
    char *s = NULL;
    size_t len = 0;
    const char *sq = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
    assert_int_equal(geo_simplify("{nope", 5, 50, &s, &len), IOC_EINVAL);
    assert_int_equal(geo_simplify("{\"type\":\"Point\",\"coordinates\":[1,2]}", 36, 50, &s, &len),
                     IOC_EINVAL);
    assert_int_equal(geo_simplify(sq, strlen(sq), -1, &s, &len), IOC_EINVAL);
    assert_int_equal(geo_simplify(sq, strlen(sq), NAN, &s, &len), IOC_EINVAL);
    assert_null(s);
    assert_int_equal(geo_simplify(sq, strlen(sq), 0, &s, &len), 0); /* 0 m: 6 decimals */
    assert_string_equal(
        s, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_communes),
        cmocka_unit_test(test_small_shapes),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests_name("geo: simplification", tests, load, unload);
}
