/* Unit tests for the chunk codec (src/tsdb/chunk*.c): round trips of every type with edge values,
 * the choice of encodings, refusals of bad input, the iterator and the aggregation. Damaged
 * chunks and sizes are in test_chunk_damage.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsdb/tsdb.h"

#define MAXN 4096

static int64_t g_ts[MAXN], g_ts2[MAXN];
static union tsdb_value g_v[MAXN], g_v2[MAXN];

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Regular times: start + i * step. */
static void times(int64_t start, int64_t step, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_ts[i] = start + (int64_t)i * step;
}

/* Encodes g_ts/g_v, decodes, and checks every timestamp and value bit for bit; returns the
 * chunk's info. */
static struct tsdb_chunk_info round_trip(enum tsdb_type type, size_t n)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(type, g_ts, g_v, n, &b), 0);
    size_t got = 0;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, g_v2, MAXN, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        if (g_ts2[i] != g_ts[i])
            fail_msg("time %zu: %lld != %lld", i, (long long)g_ts2[i], (long long)g_ts[i]);
        switch (type) {
        case TSDB_FLOAT:
            if (bits(g_v2[i].f) != bits(g_v[i].f))
                fail_msg("value %zu: %a != %a", i, g_v2[i].f, g_v[i].f);
            break;
        case TSDB_INT:
            assert_true(g_v2[i].i == g_v[i].i);
            break;
        case TSDB_UINT:
            assert_true(g_v2[i].u == g_v[i].u);
            break;
        case TSDB_BOOL:
            assert_int_equal(g_v2[i].b, g_v[i].b);
            break;
        case TSDB_STRING:
            assert_int_equal(g_v2[i].s.len, g_v[i].s.len);
            assert_memory_equal(g_v2[i].s.p, g_v[i].s.len ? g_v[i].s.p : "", g_v[i].s.len);
            break;
        }
    }
    struct tsdb_chunk_info info;
    assert_int_equal(tsdb_chunk_info(b.data, b.len, &info), 0);
    ioc_buf_free(&b);
    return info;
}

static void test_chunk_float_decimal_values_round_trip_as_decimal(void **state)
{
    (void)state;
    static const double vals[] = {23.4, 23.5, -0.1, 0.0, 1013.25, 99999.99, -40.0, 0.3};
    times(1700000000000000000LL, 10000000000LL, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++)
        g_v[i].f = vals[i];
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_DECIMAL);
}

static void test_chunk_float_special_values_round_trip_bit_exact(void **state)
{
    (void)state;
    const double vals[] = {-0.0,
                           0.0,
                           INFINITY,
                           -INFINITY,
                           NAN,
                           from_bits(0x7ff8dead0000beefULL), /* quiet NaN with a payload */
                           from_bits(0xfff0000000000001ULL), /* signalling NaN, sign set */
                           DBL_MIN,
                           DBL_TRUE_MIN,
                           -DBL_TRUE_MIN * 3,
                           DBL_MAX,
                           -DBL_MAX,
                           0.1,
                           1.0 / 3.0};
    times(0, 1, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++)
        g_v[i].f = vals[i];
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_XOR);
}

static void test_chunk_float_one_negative_zero_sends_chunk_to_xor(void **state)
{
    (void)state;
    times(0, 1000, 100);
    for (size_t i = 0; i < 100; i++)
        g_v[i].f = (double)(int)i / 10.0;
    g_v[50].f = -0.0;
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 100);
    assert_int_equal(info.encoding, TSDB_ENC_XOR);
}

static void test_chunk_float_random_bit_patterns_round_trip(void **state)
{
    (void)state;
    times(-5000, 7, MAXN);
    for (size_t i = 0; i < MAXN; i++)
        g_v[i].f = from_bits(rnd());
    round_trip(TSDB_FLOAT, MAXN);
}

static void test_chunk_float_round_millions_use_decimal(void **state)
{
    (void)state;
    times(0, 1, 64);
    for (size_t i = 0; i < 64; i++)
        g_v[i].f = 1.2e6 + 1e5 * (double)(i % 7);
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 64);
    assert_int_equal(info.encoding, TSDB_ENC_DECIMAL);
}

static void test_chunk_float_many_decimals_and_big_mantissas_round_trip(void **state)
{
    (void)state;
    times(0, 1, 200);
    for (size_t i = 0; i < 200; i++)
        g_v[i].f = (i % 3 == 0)   ? 9007199254740991.0 - (double)i
                   : (i % 3 == 1) ? 0.000000000000000001 * (double)i
                                  : 123456.789012;
    round_trip(TSDB_FLOAT, 200);
}

static void test_chunk_int_extremes_round_trip(void **state)
{
    (void)state;
    static const int64_t vals[] = {
        0, INT64_MIN, INT64_MAX, -1, 1, INT64_MIN, INT64_MIN + 1, INT64_MAX, 0, INT64_MAX - 1, -42};
    times(100, 3, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++)
        g_v[i].i = vals[i];
    struct tsdb_chunk_info info = round_trip(TSDB_INT, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_INTS);
}

static void test_chunk_int_random_values_round_trip(void **state)
{
    (void)state;
    times(0, 10, MAXN);
    for (size_t i = 0; i < MAXN; i++)
        g_v[i].i = (int64_t)(rnd() >> (rnd() % 64));
    round_trip(TSDB_INT, MAXN);
}

static void test_chunk_uint_extremes_round_trip(void **state)
{
    (void)state;
    static const uint64_t vals[] = {
        0, UINT64_MAX, 1, UINT64_MAX - 1, (uint64_t)INT64_MAX, (uint64_t)INT64_MAX + 1,
        0, UINT64_MAX};
    times(100, 3, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++)
        g_v[i].u = vals[i];
    round_trip(TSDB_UINT, IOC_ARRAY_LEN(vals));
}

static void test_chunk_uint_counter_near_max_round_trips(void **state)
{
    (void)state;
    times(0, 1, 300);
    for (size_t i = 0; i < 300; i++)
        g_v[i].u = UINT64_MAX - 3000 + 10 * i;
    round_trip(TSDB_UINT, 300);
}

static void test_chunk_bool_round_trip(void **state)
{
    (void)state;
    times(0, 1000000, 1000);
    for (size_t i = 0; i < 1000; i++)
        g_v[i].b = (rnd() & 3) == 0;
    round_trip(TSDB_BOOL, 1000);
}

static void test_chunk_string_round_trip_with_repeats_empty_and_binary(void **state)
{
    (void)state;
    static char big[TSDB_CHUNK_MAX_STRING];
    memset(big, 'x', sizeof big);
    static const char bin[] = {'a', 0, 'b', (char)0xff};
    const struct {
        const char *p;
        size_t len;
    } vals[] = {{"ok", 2}, {"ok", 2},         {"", 0},   {NULL, 0},         {"trời mưa", 10},
                {bin, 4},  {big, sizeof big}, {"ok", 2}, {big, sizeof big}, {big, 1}};
    times(INT64_MIN, 1, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++) {
        g_v[i].s.p = vals[i].p;
        g_v[i].s.len = vals[i].len;
    }
    struct tsdb_chunk_info info = round_trip(TSDB_STRING, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_STRINGS);
}

static void test_chunk_timestamps_at_int64_limits_round_trip(void **state)
{
    (void)state;
    g_ts[0] = INT64_MIN;
    g_ts[1] = INT64_MIN + 1;
    g_ts[2] = -1;
    g_ts[3] = 0;
    g_ts[4] = INT64_MAX - 1;
    g_ts[5] = INT64_MAX;
    for (size_t i = 0; i < 6; i++)
        g_v[i].i = (int64_t)i;
    struct tsdb_chunk_info info = round_trip(TSDB_INT, 6);
    assert_true(info.first == INT64_MIN);
    assert_true(info.last == INT64_MAX);
}

static void test_chunk_single_point_of_each_type_round_trips(void **state)
{
    (void)state;
    g_ts[0] = 1234567;
    g_v[0].f = -0.0;
    round_trip(TSDB_FLOAT, 1);
    g_v[0].f = 21.5;
    round_trip(TSDB_FLOAT, 1);
    g_v[0].i = INT64_MIN;
    round_trip(TSDB_INT, 1);
    g_v[0].u = UINT64_MAX;
    round_trip(TSDB_UINT, 1);
    g_v[0].b = 1;
    round_trip(TSDB_BOOL, 1);
    g_v[0].s.p = "x";
    g_v[0].s.len = 1;
    round_trip(TSDB_STRING, 1);
}

static void test_chunk_millisecond_times_scale_by_ten_to_the_six(void **state)
{
    (void)state;
    for (size_t i = 0; i < 500; i++)
        g_ts[i] = 1700000000000000000LL + (int64_t)i * 10000000000LL + (int64_t)(i % 5) * 1000000;
    for (size_t i = 0; i < 500; i++)
        g_v[i].f = 1.5;
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 500);
    assert_int_equal(info.ts_scale, 6);
}

static void test_chunk_info_reads_type_count_and_time_range(void **state)
{
    (void)state;
    times(-7000, 1000, 77);
    for (size_t i = 0; i < 77; i++)
        g_v[i].u = i;
    struct tsdb_chunk_info info = round_trip(TSDB_UINT, 77);
    assert_int_equal(info.type, TSDB_UINT);
    assert_int_equal(info.count, 77);
    assert_true(info.first == -7000);
    assert_true(info.last == -7000 + 76 * 1000);
    assert_int_equal(info.ts_scale, 3);
}

static void test_chunk_encode_refuses_bad_input(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    times(0, 10, 8);
    for (size_t i = 0; i < 8; i++)
        g_v[i].b = 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, 0, &b), IOC_EINVAL);
    assert_int_equal(tsdb_chunk_encode((enum tsdb_type)9, g_ts, g_v, 8, &b), IOC_EINVAL);
    g_v[3].b = 2;
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, 8, &b), IOC_EINVAL);
    g_v[3].b = 0;
    g_ts[5] = g_ts[4]; /* duplicate time */
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, 8, &b), IOC_EINVAL);
    g_ts[5] = g_ts[4] - 1; /* descending */
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, 8, &b), IOC_EINVAL);
    times(0, 10, 8);
    g_v[0].s.p = "x";
    g_v[0].s.len = TSDB_CHUNK_MAX_STRING + 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, 1, &b), IOC_EINVAL);
    g_v[0].s.p = NULL;
    g_v[0].s.len = 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, 1, &b), IOC_EINVAL);
    assert_int_equal(b.len, 0);
    ioc_buf_free(&b);
}

static void test_chunk_encode_refuses_more_than_max_points(void **state)
{
    (void)state;
    size_t n = TSDB_CHUNK_MAX_POINTS + 1;
    int64_t *ts = malloc(n * sizeof *ts);
    union tsdb_value *v = calloc(n, sizeof *v);
    assert_non_null(ts);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        ts[i] = (int64_t)i;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, n, &b), IOC_EINVAL);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, n - 1, &b), 0);
    ioc_buf_free(&b);
    free(ts);
    free(v);
}

static void test_chunk_encode_appends_after_existing_bytes(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_puts(&b, "head"), 0);
    times(0, 10, 3);
    for (size_t i = 0; i < 3; i++)
        g_v[i].i = 5;
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, 3, &b), 0);
    struct tsdb_chunk_info info;
    assert_int_equal(tsdb_chunk_info(b.data + 4, b.len - 4, &info), 0);
    assert_int_equal(info.count, 3);
    ioc_buf_free(&b);
}

static void test_chunk_encode_past_buffer_max_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 16);
    times(0, 10, 100);
    for (size_t i = 0; i < 100; i++)
        g_v[i].f = from_bits(rnd());
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, 100, &b), IOC_ETOOBIG);
    ioc_buf_free(&b);
}

static void test_chunk_decode_with_small_cap_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    times(0, 10, 10);
    for (size_t i = 0; i < 10; i++)
        g_v[i].i = (int64_t)i;
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, 10, &b), 0);
    size_t n = 99;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, g_v2, 9, &n), IOC_ETOOBIG);
    assert_int_equal(n, 99);
    ioc_buf_free(&b);
}

static void test_chunk_iter_gives_batches_that_join_to_the_chunk(void **state)
{
    (void)state;
    size_t n = 1000;
    times(5, 13, n);
    for (size_t i = 0; i < n; i++)
        g_v[i].f = (double)(int)(rnd() % 1000) / 100.0;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, n, &b), 0);
    struct tsdb_chunk_iter it;
    assert_int_equal(tsdb_chunk_iter_init(&it, b.data, b.len), 0);
    int64_t ts[TSDB_ITER_BATCH];
    union tsdb_value v[TSDB_ITER_BATCH];
    size_t got = 0, k, batches = 0;
    do {
        assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, &k), 0);
        for (size_t i = 0; i < k; i++) {
            assert_true(ts[i] == g_ts[got + i]);
            assert_true(bits(v[i].f) == bits(g_v[got + i].f));
        }
        got += k;
        batches += k > 0;
    } while (k > 0);
    assert_int_equal(got, n);
    assert_int_equal(batches, (n + TSDB_ITER_BATCH - 1) / TSDB_ITER_BATCH);
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, &k), 0);
    assert_int_equal(k, 0);
    ioc_buf_free(&b);
}

/* Two chunks of values 0..199 at times 0, 10, ... 1990 (100 points each). */
static void two_chunks(struct ioc_buf *a, struct ioc_buf *b)
{
    times(0, 10, 200);
    for (size_t i = 0; i < 200; i++)
        g_v[i].f = (double)i;
    ioc_buf_init(a, 0);
    ioc_buf_init(b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, 100, a), 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts + 100, g_v + 100, 100, b), 0);
}

static void test_chunk_aggregate_over_a_range_across_chunks(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_agg agg;
    tsdb_agg_init(&agg);
    /* later chunk first: first/last must still follow time */
    assert_int_equal(tsdb_chunk_aggregate(b.data, b.len, 500, 1505, &agg), 0);
    assert_int_equal(tsdb_chunk_aggregate(a.data, a.len, 500, 1505, &agg), 0);
    /* points 50..150 */
    assert_int_equal(agg.count, 101);
    assert_true(agg.sum == 101.0 * 100.0);
    assert_true(agg.min == 50.0 && agg.max == 150.0);
    assert_true(agg.first == 50.0 && agg.first_time == 500);
    assert_true(agg.last == 150.0 && agg.last_time == 1500);
    ioc_buf_free(&a);
    ioc_buf_free(&b);
}

static void test_chunk_aggregate_of_chunk_outside_range_adds_nothing(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_agg agg;
    tsdb_agg_init(&agg);
    assert_int_equal(tsdb_chunk_aggregate(b.data, b.len, 0, 999, &agg), 0);
    assert_int_equal(agg.count, 0);
    assert_true(isnan(agg.min));
    ioc_buf_free(&a);
    ioc_buf_free(&b);
}

static void test_chunk_aggregate_min_max_skip_nan(void **state)
{
    (void)state;
    times(0, 1, 4);
    g_v[0].f = NAN;
    g_v[1].f = 3.0;
    g_v[2].f = -2.0;
    g_v[3].f = NAN;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, 4, &b), 0);
    struct tsdb_agg agg;
    tsdb_agg_init(&agg);
    assert_int_equal(tsdb_chunk_aggregate(b.data, b.len, INT64_MIN, INT64_MAX, &agg), 0);
    assert_int_equal(agg.count, 4);
    assert_true(agg.min == -2.0 && agg.max == 3.0);
    assert_true(isnan(agg.sum) && isnan(agg.first));
    ioc_buf_free(&b);
}

static void test_chunk_aggregate_of_strings_counts_them(void **state)
{
    (void)state;
    times(100, 1, 3);
    for (size_t i = 0; i < 3; i++) {
        g_v[i].s.p = "on";
        g_v[i].s.len = 2;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, 3, &b), 0);
    struct tsdb_agg agg;
    tsdb_agg_init(&agg);
    assert_int_equal(tsdb_chunk_aggregate(b.data, b.len, 0, 1000, &agg), 0);
    assert_int_equal(agg.count, 3);
    assert_true(agg.first_time == 100 && agg.last_time == 102 && agg.sum == 0.0);
    ioc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_float_decimal_values_round_trip_as_decimal),
        cmocka_unit_test(test_chunk_float_special_values_round_trip_bit_exact),
        cmocka_unit_test(test_chunk_float_one_negative_zero_sends_chunk_to_xor),
        cmocka_unit_test(test_chunk_float_random_bit_patterns_round_trip),
        cmocka_unit_test(test_chunk_float_round_millions_use_decimal),
        cmocka_unit_test(test_chunk_float_many_decimals_and_big_mantissas_round_trip),
        cmocka_unit_test(test_chunk_int_extremes_round_trip),
        cmocka_unit_test(test_chunk_int_random_values_round_trip),
        cmocka_unit_test(test_chunk_uint_extremes_round_trip),
        cmocka_unit_test(test_chunk_uint_counter_near_max_round_trips),
        cmocka_unit_test(test_chunk_bool_round_trip),
        cmocka_unit_test(test_chunk_string_round_trip_with_repeats_empty_and_binary),
        cmocka_unit_test(test_chunk_timestamps_at_int64_limits_round_trip),
        cmocka_unit_test(test_chunk_single_point_of_each_type_round_trips),
        cmocka_unit_test(test_chunk_millisecond_times_scale_by_ten_to_the_six),
        cmocka_unit_test(test_chunk_info_reads_type_count_and_time_range),
        cmocka_unit_test(test_chunk_encode_refuses_bad_input),
        cmocka_unit_test(test_chunk_encode_refuses_more_than_max_points),
        cmocka_unit_test(test_chunk_encode_appends_after_existing_bytes),
        cmocka_unit_test(test_chunk_encode_past_buffer_max_is_etoobig),
        cmocka_unit_test(test_chunk_decode_with_small_cap_is_etoobig),
        cmocka_unit_test(test_chunk_iter_gives_batches_that_join_to_the_chunk),
        cmocka_unit_test(test_chunk_aggregate_over_a_range_across_chunks),
        cmocka_unit_test(test_chunk_aggregate_of_chunk_outside_range_adds_nothing),
        cmocka_unit_test(test_chunk_aggregate_min_max_skip_nan),
        cmocka_unit_test(test_chunk_aggregate_of_strings_counts_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
