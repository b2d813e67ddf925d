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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
