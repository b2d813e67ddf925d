/* Unit tests for src/tsdb/agg.c: buckets, their merge, windows of buckets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "tsdb/tsdb.h"

static double value(const struct tsdb_bucket *b, enum tsdb_agg a)
{
    double v = NAN;
    assert_int_equal(tsdb_bucket_value(b, a, &v), 0);
    return v;
}

static void test_agg_parse_knows_the_seven_names_and_nothing_else(void **state)
{
    (void)state;
    const char *names[] = {"mean", "min", "max", "sum", "count", "first", "last"};
    for (size_t i = 0; i < 7; i++) {
        enum tsdb_agg a;
        assert_int_equal(tsdb_agg_parse(names[i], strlen(names[i]), &a), 0);
        assert_string_equal(tsdb_agg_name(a), names[i]);
    }
    enum tsdb_agg a;
    assert_int_equal(tsdb_agg_parse("avg", 3, &a), IOC_EINVAL);
    assert_int_equal(tsdb_agg_parse("mea", 3, &a), IOC_EINVAL);
    assert_int_equal(tsdb_agg_parse("means", 5, &a), IOC_EINVAL);
    assert_int_equal(tsdb_agg_parse("", 0, &a), IOC_EINVAL);
}

static void test_bucket_summarises_points_added_in_any_order(void **state)
{
    (void)state;
    struct tsdb_bucket b = {0};
    tsdb_bucket_add(&b, 30, 3.0);
    tsdb_bucket_add(&b, 10, -1.0);
    tsdb_bucket_add(&b, 20, 7.0);
    assert_int_equal(b.count, 3);
    assert_true(value(&b, TSDB_AGG_SUM) == 9.0);
    assert_true(value(&b, TSDB_AGG_MEAN) == 3.0);
    assert_true(value(&b, TSDB_AGG_MIN) == -1.0);
    assert_true(value(&b, TSDB_AGG_MAX) == 7.0);
    assert_true(value(&b, TSDB_AGG_FIRST) == -1.0); /* the earliest time, not the first added */
    assert_true(value(&b, TSDB_AGG_LAST) == 3.0);
    assert_true(value(&b, TSDB_AGG_COUNT) == 3.0);
}

static void test_bucket_empty_has_no_value(void **state)
{
    (void)state;
    struct tsdb_bucket b = {0};
    double v;
    assert_int_equal(tsdb_bucket_value(&b, TSDB_AGG_COUNT, &v), IOC_ENOTFOUND);
}

static void test_bucket_last_at_an_equal_time_is_the_one_added_last(void **state)
{
    (void)state;
    struct tsdb_bucket b = {0};
    tsdb_bucket_add(&b, 5, 1.0);
    tsdb_bucket_add(&b, 5, 2.0);
    assert_true(value(&b, TSDB_AGG_LAST) == 2.0);
    assert_true(value(&b, TSDB_AGG_FIRST) == 1.0);
}

static void test_bucket_merge_equals_adding_the_points_one_by_one(void **state)
{
    (void)state;
    struct tsdb_bucket all = {0}, left = {0}, right = {0};
    for (int t = 0; t < 100; t++) {
        double v = sin(t) * 10;
        tsdb_bucket_add(&all, t, v);
        tsdb_bucket_add(t % 3 ? &left : &right, t, v);
    }
    struct tsdb_bucket merged = {0};
    tsdb_bucket_merge(&merged, &right);
    tsdb_bucket_merge(&merged, &left);
    tsdb_bucket_merge(&merged, &(struct tsdb_bucket){0}); /* an empty bucket changes nothing */
    for (enum tsdb_agg a = TSDB_AGG_MEAN; a <= TSDB_AGG_LAST; a++)
        assert_true(fabs(value(&merged, a) - value(&all, a)) < 1e-9);
}

static void test_window_puts_points_in_buckets_aligned_on_start(void **state)
{
    (void)state;
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 1000, 1250, 100, 10), 0);
    assert_int_equal(w.n, 3);        /* [1000,1100) [1100,1200) [1200,1250) */
    tsdb_window_add(&w, 999, 100.0); /* before start: ignored */
    tsdb_window_add(&w, 1000, 1.0);
    tsdb_window_add(&w, 1099, 3.0);
    tsdb_window_add(&w, 1100, 5.0);
    tsdb_window_add(&w, 1249, 7.0);
    tsdb_window_add(&w, 1250, 100.0); /* end is excluded */
    assert_int_equal(w.b[0].count, 2);
    assert_true(value(&w.b[0], TSDB_AGG_MEAN) == 2.0);
    assert_int_equal(w.b[1].count, 1);
    assert_int_equal(w.b[2].count, 1);
    assert_int_equal(tsdb_window_bucket_start(&w, 2), 1200);
    tsdb_window_free(&w);
}

static void test_window_refuses_bad_bounds_and_too_many_buckets(void **state)
{
    (void)state;
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 0, 100, 0, 10), IOC_EINVAL);
    assert_int_equal(tsdb_window_init(&w, 100, 100, 10, 10), IOC_EINVAL);
    assert_int_equal(tsdb_window_init(&w, 0, 101, 10, 10), IOC_ETOOBIG); /* 11 buckets */
    /* the whole int64 range in 1 ns steps: refused without overflow */
    assert_int_equal(tsdb_window_init(&w, INT64_MIN, INT64_MAX, 1, 1000), IOC_ETOOBIG);
    assert_int_equal(tsdb_window_init(&w, INT64_MIN, INT64_MAX, INT64_MAX, 1000), 0);
    assert_int_equal(w.n, 3);
    tsdb_window_add(&w, INT64_MAX - 1, 1.0);
    assert_int_equal(w.b[2].count, 1);
    assert_true(tsdb_window_bucket_start(&w, 2) == INT64_MAX - 1);
    tsdb_window_free(&w);
}

static void test_window_merges_a_rollup_bucket_only_inside_one_bucket(void **state)
{
    (void)state;
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 0, 7200, 3600, 10), 0);
    struct tsdb_bucket minute = {0};
    tsdb_bucket_add(&minute, 60, 4.0);
    tsdb_bucket_add(&minute, 90, 6.0);
    assert_int_equal(tsdb_window_merge(&w, 60, 60, &minute), 0);
    assert_int_equal(w.b[0].count, 2);
    assert_int_equal(tsdb_window_merge(&w, 3570, 60, &minute), IOC_EINVAL); /* across an edge */
    assert_int_equal(tsdb_window_merge(&w, 7200, 60, &minute), IOC_EINVAL); /* outside */
    assert_int_equal(tsdb_window_merge(&w, INT64_MAX - 10, 60, &minute), IOC_EINVAL);
    assert_int_equal(w.b[0].count + w.b[1].count, 2);
    tsdb_window_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agg_parse_knows_the_seven_names_and_nothing_else),
        cmocka_unit_test(test_bucket_summarises_points_added_in_any_order),
        cmocka_unit_test(test_bucket_empty_has_no_value),
        cmocka_unit_test(test_bucket_last_at_an_equal_time_is_the_one_added_last),
        cmocka_unit_test(test_bucket_merge_equals_adding_the_points_one_by_one),
        cmocka_unit_test(test_window_puts_points_in_buckets_aligned_on_start),
        cmocka_unit_test(test_window_refuses_bad_bounds_and_too_many_buckets),
        cmocka_unit_test(test_window_merges_a_rollup_bucket_only_inside_one_bucket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
