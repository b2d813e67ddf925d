/* Unit tests for src/indicators/cache.c (the roll-up cache, without the store): an entry is
 * found only under its whole key and both generations; a range is answered whole or not at
 * all; a table far smaller than the keys put into it never answers a wrong value; four threads
 * putting and getting overlapping keys under moving generations never read a torn or foreign
 * entry (run under ASan/UBSan and TSan by the lanes that build those). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "indicators/indicators_int.h"

#define SLOTS 64 /* configured before the first use: far fewer than the keys below */

/* The value filed for (id, unit, n, gen): any hit must give exactly this. */
static double value_of(int64_t id, int unit, int32_t n, uint64_t gen)
{
    return (double)id * 1e6 + unit * 1e3 + n + (double)gen * 1e-3;
}

static struct ind_rolled rolled(double v, int32_t inputs)
{
    struct ind_rolled r = {.reason = IND_OK, .obs = ind_obs_of(v, 0), .inputs = inputs};
    r.obs.num = v * 2;
    r.obs.den = v * 3;
    return r;
}

static void test_key_and_generations(void **state)
{
    (void)state;
    struct ind_cache_key k = {7, "26734", "", IND_MONTH};
    struct ind_period first = {IND_MONTH, 2026 * 12};
    struct ind_cache_gens g = {3, 1};
    struct ind_rolled in[3] = {rolled(1, 1), rolled(2, 2), rolled(3, 3)}, out[3];
    ind_cache_put(&k, first, 3, &g, in);
    assert_true(ind_cache_get(&k, first, 3, &g, out));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(out[i].reason, IND_OK);
        assert_true(out[i].obs.value == in[i].obs.value && out[i].obs.den == in[i].obs.den);
        assert_int_equal(out[i].inputs, i + 1);
    }
    /* a part of the range, and a range reaching past it */
    struct ind_period second = {IND_MONTH, first.n + 1};
    assert_true(ind_cache_get(&k, second, 2, &g, out));
    assert_true(out[0].obs.value == 2);
    assert_false(ind_cache_get(&k, second, 3, &g, out));
    /* either generation moved on: not found */
    struct ind_cache_gens g1 = {4, 1}, g0 = {3, 2};
    assert_false(ind_cache_get(&k, first, 1, &g1, out));
    assert_false(ind_cache_get(&k, first, 1, &g0, out));
    /* another unit, geography day, frequency or indicator: not found */
    struct ind_cache_key other[] = {{7, "26737", "", IND_MONTH},
                                    {7, "26734", "2024-01-01", IND_MONTH},
                                    {8, "26734", "", IND_MONTH},
                                    {7, "2673", "", IND_MONTH}};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        assert_false(ind_cache_get(&other[i], first, 1, &g, out));
    struct ind_cache_key q = {7, "26734", "", IND_QUARTER};
    struct ind_period qp = {IND_QUARTER, 2026 * 4};
    assert_false(ind_cache_get(&q, qp, 1, &g, out));
    /* a period of another frequency than the key's is never answered nor filed */
    assert_false(ind_cache_get(&k, qp, 1, &g, out));
    ind_cache_put(&q, first, 1, &g, in);
    assert_false(ind_cache_get(&q, first, 1, &g, out));
    /* a unit code too long for the key is not cached */
    struct ind_cache_key lng = {7, "0123456789012345678901234567890", "", IND_MONTH};
    ind_cache_put(&lng, first, 1, &g, in);
    assert_false(ind_cache_get(&lng, first, 1, &g, out));
    /* put again under new generations: the new value */
    struct ind_rolled nv = rolled(42, 9);
    ind_cache_put(&k, first, 1, &g1, &nv);
    assert_true(ind_cache_get(&k, first, 1, &g1, out));
    assert_true(out[0].obs.value == 42);
    assert_false(ind_cache_get(&k, first, 1, &g, out));
}

static void test_small_table_never_wrong(void **state)
{
    (void)state;
    uint64_t hits0, misses0;
    size_t slots;
    ind_cache_stats(&hits0, &misses0, &slots);
    assert_int_equal(slots, SLOTS);
    struct ind_cache_gens g = {1, 1};
    for (int64_t id = 1; id <= 50; id++)
        for (int u = 0; u < 20; u++) {
            char unit[16];
            snprintf(unit, sizeof unit, "%05d", 26000 + u);
            struct ind_cache_key k = {id, unit, "", IND_YEAR};
            struct ind_period p = {IND_YEAR, 2024};
            struct ind_rolled v = rolled(value_of(id, u, 2024, 1), u);
            ind_cache_put(&k, p, 1, &g, &v);
        }
    int hits = 0;
    for (int64_t id = 1; id <= 50; id++)
        for (int u = 0; u < 20; u++) {
            char unit[16];
            snprintf(unit, sizeof unit, "%05d", 26000 + u);
            struct ind_cache_key k = {id, unit, "", IND_YEAR};
            struct ind_period p = {IND_YEAR, 2024};
            struct ind_rolled out;
            if (ind_cache_get(&k, p, 1, &g, &out)) {
                hits++;
                assert_true(out.obs.value == value_of(id, u, 2024, 1));
                assert_int_equal(out.inputs, u);
            }
        }
    /* the last ones put are still there (at most SLOTS), most of the 1,000 are not */
    assert_true(hits > 0 && hits <= SLOTS);
    uint64_t hits1, misses1;
    ind_cache_stats(&hits1, &misses1, &slots);
    assert_int_equal(hits1 - hits0, (uint64_t)hits);
    assert_int_equal(misses1 - misses0, (uint64_t)(1000 - hits));
}

struct worker {
    int seed;
    long wrong, hits;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    uint32_t x = (uint32_t)w->seed * 2654435761u + 1;
    for (int i = 0; i < 200000; i++) {
        x = x * 1664525u + 1013904223u;
        int64_t id = 1 + (x >> 8) % 40;
        int u = (int)((x >> 16) % 8);
        uint64_t gen = (x >> 24) % 3;
        char unit[16];
        snprintf(unit, sizeof unit, "U%d", u);
        struct ind_cache_key k = {id, unit, u & 1 ? "2024-06-30" : "", IND_MONTH};
        struct ind_period p = {IND_MONTH, 2025 * 12 + u};
        struct ind_cache_gens g = {gen, 5};
        struct ind_rolled r;
        if (x & 1) {
            r = rolled(value_of(id, u, p.n, gen), (int32_t)id);
            ind_cache_put(&k, p, 1, &g, &r);
        } else if (ind_cache_get(&k, p, 1, &g, &r)) {
            w->hits++;
            if (r.obs.value != value_of(id, u, p.n, gen) || r.inputs != (int32_t)id ||
                r.obs.den != 3 * r.obs.value)
                w->wrong++;
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.seed = i + 1};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    long hits = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].wrong, 0);
        hits += w[i].hits;
    }
    assert_true(hits > 0);
}

int main(void)
{
    ind_cache_configure(SLOTS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_and_generations),
        cmocka_unit_test(test_small_table_never_wrong),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
