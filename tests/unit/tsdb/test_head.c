/* Unit tests for src/tsdb/head.c: the recent points of each series, in time order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tsdb/tsdb.h"

static uint64_t F(double f)
{
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static double D(uint64_t u)
{
    double f;
    memcpy(&f, &u, sizeof f);
    return f;
}

struct seen {
    int64_t t[64];
    double v[64];
    size_t n;
};

static int collect(void *ctx, int64_t t, uint64_t v)
{
    struct seen *s = ctx;
    if (s->n == 64)
        return IOC_ETOOBIG;
    s->t[s->n] = t;
    s->v[s->n++] = D(v);
    return 0;
}

static void test_head_keeps_points_in_time_order_whatever_the_arrival_order(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    int64_t order[] = {30, 10, 50, 20, 40, 60};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(tsdb_head_add(h, 3, order[i], F((double)order[i] / 10)), 0);
    struct seen s = {.n = 0};
    assert_int_equal(tsdb_head_range(h, 3, INT64_MIN, INT64_MAX, collect, &s), 0);
    assert_int_equal(s.n, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(s.t[i], (int64_t)(i + 1) * 10);
        assert_true(s.v[i] == (double)(i + 1));
    }
    assert_int_equal(tsdb_head_count(h, 3), 6);
    assert_int_equal(tsdb_head_count(h, 2), 0); /* a series never written */
    tsdb_head_destroy(h);
}

static void test_head_a_point_at_an_existing_time_replaces_it(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    assert_int_equal(tsdb_head_add(h, 0, 10, F(1)), 0);
    assert_int_equal(tsdb_head_add(h, 0, 20, F(2)), 0);
    assert_int_equal(tsdb_head_add(h, 0, 10, F(9)), 0);
    assert_int_equal(tsdb_head_total(h), 2);
    struct seen s = {.n = 0};
    assert_int_equal(tsdb_head_range(h, 0, 0, 100, collect, &s), 0);
    assert_true(s.v[0] == 9 && s.v[1] == 2);
    tsdb_head_destroy(h);
}

static void test_head_range_is_half_open(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    for (int64_t t = 0; t < 100; t += 10)
        assert_int_equal(tsdb_head_add(h, 1, t, F((double)t)), 0);
    struct seen s = {.n = 0};
    assert_int_equal(tsdb_head_range(h, 1, 20, 50, collect, &s), 0);
    assert_int_equal(s.n, 3); /* 20, 30, 40 */
    assert_int_equal(s.t[0], 20);
    assert_int_equal(s.t[2], 40);
    s.n = 0;
    assert_int_equal(tsdb_head_range(h, 1, 95, 200, collect, &s), 0);
    assert_int_equal(s.n, 0);
    tsdb_head_destroy(h);
}

static void test_head_latest_survives_a_cut_and_ignores_late_points(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    int64_t t;
    uint64_t v;
    assert_int_equal(tsdb_head_latest(h, 0, &t, &v), IOC_ENOTFOUND);
    assert_int_equal(tsdb_head_add(h, 0, 100, F(1)), 0);
    assert_int_equal(tsdb_head_add(h, 0, 50, F(2)), 0); /* late: not the latest */
    assert_int_equal(tsdb_head_latest(h, 0, &t, &v), 0);
    assert_int_equal(t, 100);
    assert_true(D(v) == 1);
    int64_t ct[2];
    uint64_t cv[2];
    assert_int_equal(tsdb_head_cut(h, 0, 2, ct, cv), 0);
    assert_int_equal(tsdb_head_count(h, 0), 0);
    assert_int_equal(tsdb_head_latest(h, 0, &t, &v), 0);
    assert_int_equal(t, 100);
    tsdb_head_destroy(h);
}

static void test_head_cut_takes_the_oldest_points_in_order(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    for (int64_t t = 5; t >= 1; t--)
        assert_int_equal(tsdb_head_add(h, 7, t, F((double)t)), 0);
    int64_t ct[3];
    uint64_t cv[3];
    assert_int_equal(tsdb_head_peek(h, 7, 3, ct, cv), 0); /* a copy: nothing moves */
    assert_true(ct[0] == 1 && ct[2] == 3);
    assert_int_equal(tsdb_head_total(h), 5);
    assert_int_equal(tsdb_head_peek(h, 7, 6, ct, cv), IOC_EINVAL);
    assert_int_equal(tsdb_head_cut(h, 7, 3, ct, cv), 0);
    assert_true(ct[0] == 1 && ct[1] == 2 && ct[2] == 3);
    assert_true(D(cv[2]) == 3);
    assert_int_equal(tsdb_head_total(h), 2);
    assert_int_equal(tsdb_head_cut(h, 7, 3, ct, cv), IOC_EINVAL);  /* only 2 left */
    assert_int_equal(tsdb_head_cut(h, 99, 0, ct, cv), IOC_EINVAL); /* no such series */
    struct seen s = {.n = 0};
    assert_int_equal(tsdb_head_range(h, 7, INT64_MIN, INT64_MAX, collect, &s), 0);
    assert_true(s.n == 2 && s.t[0] == 4 && s.t[1] == 5);
    tsdb_head_destroy(h);
}

static void test_head_full_refuses_a_new_point_but_takes_a_replacement(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(3, &h), 0);
    assert_int_equal(tsdb_head_add(h, 0, 1, F(1)), 0);
    assert_int_equal(tsdb_head_add(h, 1, 1, F(1)), 0);
    assert_int_equal(tsdb_head_add(h, 1, 2, F(1)), 0);
    assert_int_equal(tsdb_head_add(h, 0, 2, F(1)), IOC_ETOOBIG);
    assert_int_equal(tsdb_head_count(h, 0), 1);
    int64_t t;
    uint64_t v;
    assert_int_equal(tsdb_head_latest(h, 0, &t, &v), 0);
    assert_int_equal(t, 1);                            /* the refused point left no trace */
    assert_int_equal(tsdb_head_add(h, 1, 2, F(5)), 0); /* same time: a replacement fits */
    tsdb_head_destroy(h);
}

static void test_head_range_stops_when_the_callback_says_so(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    for (int64_t t = 0; t < 100; t++)
        assert_int_equal(tsdb_head_add(h, 0, t, F(0)), 0);
    struct seen s = {.n = 0};
    assert_int_equal(tsdb_head_range(h, 0, 0, 100, collect, &s), IOC_ETOOBIG);
    assert_int_equal(s.n, 64);
    tsdb_head_destroy(h);
}

static void test_head_arrays_grow_past_the_cap_hint_with_every_point_kept(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    tsdb_head_set_cap_hint(h, 100); /* 16, 32, 64, 100, then 200, 400 */
    for (int64_t t = 0; t < 300; t++)
        assert_int_equal(tsdb_head_add(h, 3, 1000 - t, (uint64_t)t), 0); /* each before the last */
    assert_int_equal(tsdb_head_count(h, 3), 300);
    int64_t ts[300];
    uint64_t v[300];
    assert_int_equal(tsdb_head_peek(h, 3, 300, ts, v), 0);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(ts[i], 701 + i);
        assert_int_equal(v[i], 299 - i);
    }
    tsdb_head_destroy(h);
}

/* tsdb_head_window gives, bucket by bucket, what adding each point to the window gives, leaves
 * the buckets use does not mark alone, and merges into what acc already holds. */
static void test_head_window_summarises_runs_like_adding_each_point(void **state)
{
    (void)state;
    struct tsdb_head *h;
    assert_int_equal(tsdb_head_create(0, &h), 0);
    double vals[] = {3.5, -1, 7, 7, 0.25, 12, -4, 9, 2, 2};
    int64_t ts[] = {5, 9, 10, 19, 20, 21, 29, 30, 44, 61};
    for (size_t i = 0; i < 10; i++) {
        uint64_t bits;
        memcpy(&bits, &vals[i], sizeof bits);
        assert_int_equal(tsdb_head_add(h, 1, ts[i], bits), 0);
    }
    struct tsdb_window a, b;
    assert_int_equal(tsdb_window_init(&a, 10, 55, 10, 100), 0); /* last bucket cut short */
    assert_int_equal(tsdb_window_init(&b, 10, 55, 10, 100), 0);
    for (size_t i = 0; i < 10; i++)
        tsdb_window_add(&b, ts[i], vals[i]);
    unsigned char use[5] = {1, 1, 0, 1, 1};
    struct tsdb_bucket acc[5];
    memset(acc, 0, sizeof acc);
    tsdb_bucket_add(&acc[3], 40, 100); /* already there (a rollup's part) */
    tsdb_head_window(h, 1, TSDB_FLOAT, &a, use, acc);
    tsdb_bucket_add(&b.b[3], 40, 100);
    for (size_t i = 0; i < 5; i++) {
        if (!use[i]) {
            assert_int_equal(acc[i].count, 0);
            continue;
        }
        assert_int_equal(acc[i].count, b.b[i].count);
        assert_true(acc[i].sum == b.b[i].sum);
        assert_true(acc[i].min == b.b[i].min && acc[i].max == b.b[i].max);
        assert_true(acc[i].first == b.b[i].first && acc[i].last == b.b[i].last);
        assert_int_equal(acc[i].first_t, b.b[i].first_t);
        assert_int_equal(acc[i].last_t, b.b[i].last_t);
    }
    assert_int_equal(acc[0].count, 2); /* 10 and 19 */
    assert_int_equal(acc[3].count, 2); /* 44 and the one already there */
    assert_int_equal(acc[4].count, 0); /* 61 is past the end */
    tsdb_window_free(&a);
    tsdb_window_free(&b);
    tsdb_head_destroy(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head_keeps_points_in_time_order_whatever_the_arrival_order),
        cmocka_unit_test(test_head_a_point_at_an_existing_time_replaces_it),
        cmocka_unit_test(test_head_range_is_half_open),
        cmocka_unit_test(test_head_latest_survives_a_cut_and_ignores_late_points),
        cmocka_unit_test(test_head_cut_takes_the_oldest_points_in_order),
        cmocka_unit_test(test_head_full_refuses_a_new_point_but_takes_a_replacement),
        cmocka_unit_test(test_head_range_stops_when_the_callback_says_so),
        cmocka_unit_test(test_head_arrays_grow_past_the_cap_hint_with_every_point_kept),
        cmocka_unit_test(test_head_window_summarises_runs_like_adding_each_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
