/* Unit tests for the point index of src/geo: the 95 real communes against GEOS on 100,000
 * random points; shared boundaries claimed exactly once; level and validity filters; the
 * build/add/lookup life cycle. */
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

static uint64_t rng = 0x9e3779b97f4a7c15u;

static double uniform(double lo, double hi) /* xorshift64*, fixed seed */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return lo + (hi - lo) * (double)((rng * 2685821657736338717u) >> 11) / 9007199254740992.0;
}

static struct geo_index *communes_index(int level_per_shape)
{
    struct geo_index *ix = NULL;
    assert_int_equal(geo_index_create(&ix), 0);
    for (size_t i = 0; i < nfeat; i++)
        assert_int_equal(geo_index_add(ix, (int64_t)i + 1, level_per_shape ? (int)i : 3, 0,
                                       INT32_MAX, feat[i].geometry, strlen(feat[i].geometry)),
                         0);
    assert_int_equal(geo_index_build(ix), 0);
    assert_int_equal(geo_index_count(ix), nfeat);
    return ix;
}

static void test_vs_geos(void **state)
{
    (void)state;
    struct geo_index *ix = communes_index(0);
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeoJSONReader *reader = GEOSGeoJSONReader_create_r(h);
    const GEOSPreparedGeometry **prep = calloc(nfeat, sizeof *prep);
    GEOSGeometry **geoms = calloc(nfeat, sizeof *geoms);
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < nfeat; i++) {
        geoms[i] = GEOSGeoJSONReader_readGeometry_r(h, reader, feat[i].geometry);
        assert_non_null(geoms[i]);
        prep[i] = GEOSPrepare_r(h, geoms[i]);
        b[0] = fmin(b[0], feat[i].bbox[0]);
        b[1] = fmin(b[1], feat[i].bbox[1]);
        b[2] = fmax(b[2], feat[i].bbox[2]);
        b[3] = fmax(b[3], feat[i].bbox[3]);
    }
    int hits = 0, misses = 0, near_edge = 0;
    for (int k = 0; k < 100000; k++) {
        double x = uniform(b[0], b[2]), y = uniform(b[1], b[3]);
        int64_t id = 0;
        int rc = geo_index_lookup(ix, x, y, 3, 20000, &id);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        int64_t want = 0;
        for (size_t i = 0; i < nfeat && !want; i++)
            if (x >= feat[i].bbox[0] && x <= feat[i].bbox[2] && y >= feat[i].bbox[1] &&
                y <= feat[i].bbox[3] && GEOSPreparedContains_r(h, prep[i], pt) == 1)
                want = (int64_t)i + 1;
        int64_t got = rc == 0 ? id : 0;
        if (got != want) { /* allowed only within 1e-9 degrees of an edge */
            double dist = INFINITY;
            for (int64_t who = 0; who < 2; who++) {
                int64_t s = who ? want : got;
                double d = INFINITY;
                GEOSGeometry *edge = s ? GEOSBoundary_r(h, geoms[s - 1]) : NULL;
                if (edge && GEOSDistance_r(h, edge, pt, &d) == 1)
                    dist = fmin(dist, d);
                if (edge)
                    GEOSGeom_destroy_r(h, edge);
            }
            if (!(dist <= 1e-9))
                fail_msg("(%.9f, %.9f): index %lld, GEOS %lld", x, y, (long long)got,
                         (long long)want);
            near_edge++;
        }
        if (rc != 0)
            assert_int_equal(rc, IOC_ENOTFOUND);
        GEOSGeom_destroy_r(h, pt);
        hits += want != 0;
        misses += want == 0;
    }
    assert_true(hits > 40000 && misses > 20000); /* the province fills about half its bbox */
    assert_true(near_edge < 5);
    for (size_t i = 0; i < nfeat; i++) {
        GEOSPreparedGeom_destroy_r(h, prep[i]);
        GEOSGeom_destroy_r(h, geoms[i]);
    }
    free(prep);
    free(geoms);
    GEOSGeoJSONReader_destroy_r(h, reader);
    GEOS_finish_r(h);
    geo_index_destroy(ix);
}

/* Every vertex of every commune lies on a boundary: with each commune at its own level, no
 * vertex may be claimed by two communes. */
static void test_vertices_claimed_once(void **state)
{
    (void)state;
    struct geo_index *ix = communes_index(1);
    int checked = 0, claimed = 0;
    for (size_t i = 0; i < nfeat; i += 3) {
        const char *p = feat[i].geometry;
        int taken = 0;
        while ((p = strstr(p, "[1")) != NULL && taken < 400) { /* "[106.9,11.5]" */
            double x = 0, y = 0;
            if (sscanf(p, "[%lf,%lf]", &x, &y) == 2 && x > 100) {
                int owners = 0;
                for (size_t l = 0; l < nfeat; l++) {
                    int64_t id;
                    owners += geo_index_lookup(ix, x, y, (int)l, 0, &id) == 0;
                }
                assert_in_range(owners, 0, 1);
                claimed += owners;
                checked++;
                taken++;
            }
            p++;
        }
    }
    assert_true(checked > 5000);
    assert_true(claimed > checked / 4); /* most vertices are shared, and then claimed once */
    geo_index_destroy(ix);
}

static struct geo_index *two_shapes(const char *a, const char *b, int level_b)
{
    struct geo_index *ix = NULL;
    assert_int_equal(geo_index_create(&ix), 0);
    assert_int_equal(geo_index_add(ix, 1, 1, 0, INT32_MAX, a, strlen(a)), 0);
    assert_int_equal(geo_index_add(ix, 2, level_b, 0, INT32_MAX, b, strlen(b)), 0);
    assert_int_equal(geo_index_build(ix), 0);
    return ix;
}

/* Two triangles sharing an awkward diagonal (0.1, 0.2)–(0.7, 0.9), at two levels so that both
 * can be asked: any point near the diagonal belongs to exactly one. */
static void test_shared_edge(void **state)
{
    (void)state;
    const char *a =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0.1,0.2],[0.7,0.2],[0.7,0.9],[0.1,0.2]]]}";
    const char *b =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0.1,0.2],[0.7,0.9],[0.1,0.9],[0.1,0.2]]]}";
    struct geo_index *ix = two_shapes(a, b, 2);
    for (int k = 0; k < 20000; k++) {
        double t = uniform(0.01, 0.99), off = k < 10000 ? uniform(-1e-15, 1e-15) : 0;
        double x = 0.1 + t * 0.6 + off, y = 0.2 + t * 0.7;
        int64_t id = 0;
        int in_a = geo_index_lookup(ix, x, y, 1, 0, &id) == 0;
        int in_b = geo_index_lookup(ix, x, y, 2, 0, &id) == 0;
        if (in_a + in_b != 1)
            fail_msg("(%.17g, %.17g): in a %d, in b %d", x, y, in_a, in_b);
    }
    /* vertical shared edge x = 1: it belongs to the shape on its right */
    geo_index_destroy(ix);
    a = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
    b = "{\"type\":\"Polygon\",\"coordinates\":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}";
    ix = two_shapes(a, b, 1);
    for (double y = 0.05; y < 1; y += 0.1) {
        int64_t id = 0;
        assert_int_equal(geo_index_lookup(ix, 1.0, y, 1, 0, &id), 0);
        assert_int_equal(id, 2);
        assert_int_equal(geo_index_lookup(ix, 0.5, y, 1, 0, &id), 0);
        assert_int_equal(id, 1);
        assert_int_equal(geo_index_lookup(ix, 1.5, y, 1, 0, &id), 0);
        assert_int_equal(id, 2);
        assert_int_equal(geo_index_lookup(ix, 2.5, y, 1, 0, &id), IOC_ENOTFOUND);
    }
    geo_index_destroy(ix);
}

static void test_filters(void **state)
{
    (void)state;
    const char *sq = "{\"type\":\"Polygon\",\"coordinates\":[[[106,10],[108,10],[108,12],[106,12],"
                     "[106,10]],[[106.5,10.5],[106.5,11],[107,11],[107,10.5],[106.5,10.5]]]}";
    struct geo_index *ix = NULL;
    assert_int_equal(geo_index_create(&ix), 0);
    int64_t id = 0;
    assert_int_equal(geo_index_lookup(ix, 107, 11, 3, 100, &id), IOC_ENOTFOUND);   /* not built */
    assert_int_equal(geo_index_add(ix, 10, 3, 100, 200, sq, strlen(sq)), 0);       /* old version */
    assert_int_equal(geo_index_add(ix, 11, 3, 201, INT32_MAX, sq, strlen(sq)), 0); /* successor */
    assert_int_equal(geo_index_add(ix, 20, 1, 0, INT32_MAX, sq, strlen(sq)), 0);   /* province */
    assert_int_equal(geo_index_add(ix, 30, 3, 0, 10, "{\"type\":\"Point\"}", 16), IOC_EINVAL);
    assert_int_equal(geo_index_add(ix, 30, 3, 0, 10, "{nope", 5), IOC_EINVAL);
    assert_int_equal(geo_index_build(ix), 0);
    assert_int_equal(geo_index_count(ix), 3);
    assert_int_equal(geo_index_add(ix, 31, 3, 0, 10, sq, strlen(sq)), IOC_EINVAL); /* frozen */
    assert_int_equal(geo_index_build(ix), IOC_EINVAL);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 3, 99, &id), IOC_ENOTFOUND);
    id = -1;
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 3, 100, &id), 0);
    assert_int_equal(id, 10);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 3, 200, &id), 0);
    assert_int_equal(id, 10);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 3, 201, &id), 0);
    assert_int_equal(id, 11);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 3, INT32_MAX, &id), 0);
    assert_int_equal(id, 11);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 1, 50, &id), 0);
    assert_int_equal(id, 20);
    assert_int_equal(geo_index_lookup(ix, 107.5, 11.5, 2, 250, &id), IOC_ENOTFOUND);
    /* in the hole, outside, not a number: not found, id untouched */
    id = -1;
    assert_int_equal(geo_index_lookup(ix, 106.75, 10.75, 3, 250, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, 105.85, 21.03, 3, 250, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, 108.01, 11, 3, 250, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, NAN, 11, 3, 250, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, 107, INFINITY, 3, 250, &id), IOC_ENOTFOUND);
    assert_int_equal(id, -1);
    geo_index_destroy(ix);

    assert_int_equal(geo_index_create(&ix), 0); /* an empty index */
    assert_int_equal(geo_index_build(ix), 0);
    assert_int_equal(geo_index_count(ix), 0);
    assert_int_equal(geo_index_lookup(ix, 107, 11, 3, 0, &id), IOC_ENOTFOUND);
    geo_index_destroy(ix);
}

/* Outside every real commune: Hà Nội, the sea off Vũng Tàu. */
static void test_outside(void **state)
{
    (void)state;
    struct geo_index *ix = communes_index(0);
    int64_t id = 0;
    assert_int_equal(geo_index_lookup(ix, 105.85, 21.03, 3, 20000, &id), IOC_ENOTFOUND);
    assert_int_equal(geo_index_lookup(ix, 107.3, 10.2, 3, 20000, &id), IOC_ENOTFOUND);
    /* the centre of Biên Hoà's own ward is found, under another level it is not */
    for (size_t i = 0; i < nfeat; i++)
        if (strcmp(feat[i].code, "26068") == 0) {
            assert_int_equal(geo_index_lookup(ix, 106.8028, 10.9340, 3, 20000, &id), 0);
            assert_int_equal(id, (int64_t)i + 1);
            assert_int_equal(geo_index_lookup(ix, 106.8028, 10.9340, 2, 20000, &id), IOC_ENOTFOUND);
        }
    geo_index_destroy(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vs_geos),     cmocka_unit_test(test_vertices_claimed_once),
        cmocka_unit_test(test_shared_edge), cmocka_unit_test(test_filters),
        cmocka_unit_test(test_outside),
    };
    return cmocka_run_group_tests_name("geo: point index", tests, load, unload);
}
