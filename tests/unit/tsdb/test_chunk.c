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
static uint64_t g_v[MAXN], g_v2[MAXN];
static struct tsdb_str g_s[MAXN], g_s2[MAXN];

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

#define F(d) bits(d) /* a float value as the chunk takes it */

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
    assert_int_equal(tsdb_chunk_encode(type, g_ts, g_v, g_s, n, &b), 0);
    size_t got = 0;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, g_v2, g_s2, MAXN, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        if (g_ts2[i] != g_ts[i])
            fail_msg("time %zu: %lld != %lld", i, (long long)g_ts2[i], (long long)g_ts[i]);
        if (type == TSDB_STRING) {
            assert_int_equal(g_s2[i].n, g_s[i].n);
            assert_memory_equal(g_s2[i].s, g_s[i].n ? g_s[i].s : "", g_s[i].n);
        } else if (g_v2[i] != g_v[i]) { /* floats: bit for bit */
            fail_msg("value %zu: %#llx != %#llx", i, (unsigned long long)g_v2[i],
                     (unsigned long long)g_v[i]);
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
        g_v[i] = F(vals[i]);
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
        g_v[i] = F(vals[i]);
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_XOR);
}

static void test_chunk_float_one_negative_zero_sends_chunk_to_xor(void **state)
{
    (void)state;
    times(0, 1000, 100);
    for (size_t i = 0; i < 100; i++)
        g_v[i] = F((double)(int)i / 10.0);
    g_v[50] = F(-0.0);
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 100);
    assert_int_equal(info.encoding, TSDB_ENC_XOR);
}

static void test_chunk_float_random_bit_patterns_round_trip(void **state)
{
    (void)state;
    times(-5000, 7, MAXN);
    for (size_t i = 0; i < MAXN; i++)
        g_v[i] = F(from_bits(rnd()));
    round_trip(TSDB_FLOAT, MAXN);
}

static void test_chunk_float_round_millions_use_decimal(void **state)
{
    (void)state;
    times(0, 1, 64);
    for (size_t i = 0; i < 64; i++)
        g_v[i] = F(1.2e6 + 1e5 * (double)(i % 7));
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 64);
    assert_int_equal(info.encoding, TSDB_ENC_DECIMAL);
}

static void test_chunk_float_many_decimals_and_big_mantissas_round_trip(void **state)
{
    (void)state;
    times(0, 1, 200);
    for (size_t i = 0; i < 200; i++)
        g_v[i] = F((i % 3 == 0)   ? 9007199254740991.0 - (double)i
                   : (i % 3 == 1) ? 0.000000000000000001 * (double)i
                                  : 123456.789012);
    round_trip(TSDB_FLOAT, 200);
}

static void test_chunk_int_extremes_round_trip(void **state)
{
    (void)state;
    static const int64_t vals[] = {
        0, INT64_MIN, INT64_MAX, -1, 1, INT64_MIN, INT64_MIN + 1, INT64_MAX, 0, INT64_MAX - 1, -42};
    times(100, 3, IOC_ARRAY_LEN(vals));
    for (size_t i = 0; i < IOC_ARRAY_LEN(vals); i++)
        g_v[i] = (uint64_t)(vals[i]);
    struct tsdb_chunk_info info = round_trip(TSDB_INT, IOC_ARRAY_LEN(vals));
    assert_int_equal(info.encoding, TSDB_ENC_INTS);
}

static void test_chunk_int_random_values_round_trip(void **state)
{
    (void)state;
    times(0, 10, MAXN);
    for (size_t i = 0; i < MAXN; i++)
        g_v[i] = (uint64_t)((int64_t)(rnd() >> (rnd() % 64)));
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
        g_v[i] = vals[i];
    round_trip(TSDB_UINT, IOC_ARRAY_LEN(vals));
}

static void test_chunk_uint_counter_near_max_round_trips(void **state)
{
    (void)state;
    times(0, 1, 300);
    for (size_t i = 0; i < 300; i++)
        g_v[i] = UINT64_MAX - 3000 + 10 * i;
    round_trip(TSDB_UINT, 300);
}

static void test_chunk_bool_round_trip(void **state)
{
    (void)state;
    times(0, 1000000, 1000);
    for (size_t i = 0; i < 1000; i++)
        g_v[i] = (uint64_t)((rnd() & 3) == 0);
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
        g_s[i].s = vals[i].p;
        g_s[i].n = vals[i].len;
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
        g_v[i] = (uint64_t)((int64_t)i);
    struct tsdb_chunk_info info = round_trip(TSDB_INT, 6);
    assert_true(info.first == INT64_MIN);
    assert_true(info.last == INT64_MAX);
}

static void test_chunk_single_point_of_each_type_round_trips(void **state)
{
    (void)state;
    g_ts[0] = 1234567;
    g_v[0] = F(-0.0);
    round_trip(TSDB_FLOAT, 1);
    g_v[0] = F(21.5);
    round_trip(TSDB_FLOAT, 1);
    g_v[0] = (uint64_t)(INT64_MIN);
    round_trip(TSDB_INT, 1);
    g_v[0] = UINT64_MAX;
    round_trip(TSDB_UINT, 1);
    g_v[0] = (uint64_t)(1);
    round_trip(TSDB_BOOL, 1);
    g_s[0].s = "x";
    g_s[0].n = 1;
    round_trip(TSDB_STRING, 1);
}

static void test_chunk_millisecond_times_scale_by_ten_to_the_six(void **state)
{
    (void)state;
    for (size_t i = 0; i < 500; i++)
        g_ts[i] = 1700000000000000000LL + (int64_t)i * 10000000000LL + (int64_t)(i % 5) * 1000000;
    for (size_t i = 0; i < 500; i++)
        g_v[i] = F(1.5);
    struct tsdb_chunk_info info = round_trip(TSDB_FLOAT, 500);
    assert_int_equal(info.ts_scale, 6);
}

static void test_chunk_info_reads_type_count_and_time_range(void **state)
{
    (void)state;
    times(-7000, 1000, 77);
    for (size_t i = 0; i < 77; i++)
        g_v[i] = i;
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
        g_v[i] = (uint64_t)(1);
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, g_s, 0, &b), IOC_EINVAL);
    assert_int_equal(tsdb_chunk_encode((enum tsdb_type)9, g_ts, g_v, g_s, 8, &b), IOC_EINVAL);
    g_v[3] = (uint64_t)(2);
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, g_s, 8, &b), IOC_EINVAL);
    g_v[3] = (uint64_t)(0);
    g_ts[5] = g_ts[4]; /* duplicate time */
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, g_s, 8, &b), IOC_EINVAL);
    g_ts[5] = g_ts[4] - 1; /* descending */
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, g_s, 8, &b), IOC_EINVAL);
    times(0, 10, 8);
    g_s[0].s = "x";
    g_s[0].n = TSDB_CHUNK_MAX_STRING + 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, g_s, 1, &b), IOC_EINVAL);
    g_s[0].s = NULL;
    g_s[0].n = 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, g_s, 1, &b), IOC_EINVAL);
    assert_int_equal(b.len, 0);
    ioc_buf_free(&b);
}

static void test_chunk_encode_refuses_more_than_max_points(void **state)
{
    (void)state;
    size_t n = TSDB_CHUNK_MAX_POINTS + 1;
    int64_t *ts = malloc(n * sizeof *ts);
    uint64_t *v = calloc(n, sizeof *v);
    assert_non_null(ts);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        ts[i] = (int64_t)i;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, NULL, n, &b), IOC_EINVAL);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, NULL, n - 1, &b), 0);
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
        g_v[i] = (uint64_t)(5);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, g_s, 3, &b), 0);
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
        g_v[i] = F(from_bits(rnd()));
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, g_s, 100, &b), IOC_ETOOBIG);
    ioc_buf_free(&b);
}

static void test_chunk_decode_with_small_cap_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    times(0, 10, 10);
    for (size_t i = 0; i < 10; i++)
        g_v[i] = (uint64_t)((int64_t)i);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, g_s, 10, &b), 0);
    size_t n = 99;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, g_v2, g_s2, 9, &n), IOC_ETOOBIG);
    assert_int_equal(n, 99);
    ioc_buf_free(&b);
}

static void test_chunk_iter_gives_batches_that_join_to_the_chunk(void **state)
{
    (void)state;
    size_t n = 1000;
    times(5, 13, n);
    for (size_t i = 0; i < n; i++)
        g_v[i] = F((double)(int)(rnd() % 1000) / 100.0);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, g_s, n, &b), 0);
    struct tsdb_chunk_iter it;
    assert_int_equal(tsdb_chunk_iter_init(&it, b.data, b.len), 0);
    int64_t ts[TSDB_ITER_BATCH];
    uint64_t v[TSDB_ITER_BATCH];
    size_t got = 0, k, batches = 0;
    do {
        assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &k), 0);
        for (size_t i = 0; i < k; i++) {
            assert_true(ts[i] == g_ts[got + i]);
            assert_true(v[i] == g_v[got + i]);
        }
        got += k;
        batches += k > 0;
    } while (k > 0);
    assert_int_equal(got, n);
    assert_int_equal(batches, (n + TSDB_ITER_BATCH - 1) / TSDB_ITER_BATCH);
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &k), 0);
    assert_int_equal(k, 0);
    ioc_buf_free(&b);
}

/* Two chunks of values 0..199 at times 0, 10, ... 1990 (100 points each). */
static void two_chunks(struct ioc_buf *a, struct ioc_buf *b)
{
    times(0, 10, 200);
    for (size_t i = 0; i < 200; i++)
        g_v[i] = F((double)i);
    ioc_buf_init(a, 0);
    ioc_buf_init(b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, g_s, 100, a), 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts + 100, g_v + 100, g_s + 100, 100, b), 0);
}

static void test_chunk_decode_without_the_array_its_type_needs_is_einval(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    times(0, 10, 3);
    for (size_t i = 0; i < 3; i++)
        g_v[i] = i;
    assert_int_equal(tsdb_chunk_encode(TSDB_UINT, g_ts, g_v, NULL, 3, &b), 0);
    size_t n = 99;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, NULL, g_s2, 3, &n), IOC_EINVAL);
    assert_int_equal(n, 99);
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, g_v, NULL, 3, &b), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_chunk_bucket_over_a_range_across_chunks(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_bucket sum = {0};
    /* later chunk first: first/last must still follow time */
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 500, 1505, &sum), 0);
    assert_int_equal(tsdb_chunk_bucket(a.data, a.len, 500, 1505, &sum), 0);
    /* points 50..150 */
    assert_int_equal(sum.count, 101);
    assert_true(sum.sum == 101.0 * 100.0);
    assert_true(sum.min == 50.0 && sum.max == 150.0);
    assert_true(sum.first == 50.0 && sum.first_t == 500);
    assert_true(sum.last == 150.0 && sum.last_t == 1500);
    ioc_buf_free(&a);
    ioc_buf_free(&b);
}

static void test_chunk_bucket_end_is_exclusive(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_bucket sum = {0};
    assert_int_equal(tsdb_chunk_bucket(a.data, a.len, 0, 500, &sum), 0);
    assert_int_equal(sum.count, 50);
    assert_true(sum.last == 49.0 && sum.last_t == 490);
    ioc_buf_free(&a);
    ioc_buf_free(&b);
}

static void test_chunk_bucket_of_chunk_outside_range_adds_nothing(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_bucket sum = {0};
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 0, 1000, &sum), 0);
    assert_int_equal(tsdb_chunk_bucket(a.data, a.len, 1000, 5000, &sum), 0);
    assert_int_equal(sum.count, 0);
    ioc_buf_free(&a);
    ioc_buf_free(&b);
}

static void test_chunk_bucket_min_max_skip_nan(void **state)
{
    (void)state;
    times(0, 1, 4);
    g_v[0] = F(NAN);
    g_v[1] = F(3.0);
    g_v[2] = F(-2.0);
    g_v[3] = F(NAN);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_FLOAT, g_ts, g_v, NULL, 4, &b), 0);
    struct tsdb_bucket sum = {0};
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, INT64_MIN, INT64_MAX, &sum), 0);
    assert_int_equal(sum.count, 4);
    assert_true(sum.min == -2.0 && sum.max == 3.0);
    assert_true(isnan(sum.sum) && isnan(sum.first));
    ioc_buf_free(&b);
}

static void test_chunk_bucket_takes_ints_uints_and_bools_as_numbers(void **state)
{
    (void)state;
    times(0, 1, 3);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    struct tsdb_bucket sum = {0};
    g_v[0] = (uint64_t)-5;
    g_v[1] = 7;
    g_v[2] = 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, NULL, 3, &b), 0);
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 0, 3, &sum), 0);
    assert_true(sum.sum == 3.0 && sum.min == -5.0);
    ioc_buf_reset(&b);
    memset(&sum, 0, sizeof sum);
    g_v[0] = UINT64_MAX;
    assert_int_equal(tsdb_chunk_encode(TSDB_UINT, g_ts, g_v, NULL, 3, &b), 0);
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 0, 3, &sum), 0);
    assert_true(sum.max == 18446744073709551615.0 && sum.min == 1.0);
    ioc_buf_reset(&b);
    memset(&sum, 0, sizeof sum);
    g_v[0] = 0;
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, NULL, 2, &b), IOC_EINVAL); /* 7 */
    g_v[1] = 1;
    assert_int_equal(tsdb_chunk_encode(TSDB_BOOL, g_ts, g_v, NULL, 3, &b), 0);
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 0, 3, &sum), 0);
    assert_true(sum.sum == 2.0 && sum.first == 0.0 && sum.last == 1.0);
    ioc_buf_free(&b);
}

static void test_chunk_bucket_of_strings_is_einval(void **state)
{
    (void)state;
    times(100, 1, 3);
    for (size_t i = 0; i < 3; i++) {
        g_s[i].s = "on";
        g_s[i].n = 2;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_STRING, g_ts, NULL, g_s, 3, &b), 0);
    struct tsdb_bucket sum = {0};
    assert_int_equal(tsdb_chunk_bucket(b.data, b.len, 0, 1000, &sum), IOC_EINVAL);
    assert_int_equal(sum.count, 0);
    ioc_buf_free(&b);
}

static void test_chunk_window_fills_its_buckets(void **state)
{
    (void)state;
    struct ioc_buf a, b;
    two_chunks(&a, &b);
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 250, 1250, 500, 10), 0);
    assert_int_equal(tsdb_chunk_window(a.data, a.len, &w), 0);
    assert_int_equal(tsdb_chunk_window(b.data, b.len, &w), 0);
    assert_int_equal(w.n, 2);
    /* [250, 750): points 25..74; [750, 1250): points 75..124 */
    assert_int_equal(w.b[0].count, 50);
    assert_true(w.b[0].first == 25.0 && w.b[0].last == 74.0);
    assert_int_equal(w.b[1].count, 50);
    assert_true(w.b[1].sum == 50.0 * 99.5);
    tsdb_window_free(&w);
    ioc_buf_free(&a);
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
        cmocka_unit_test(test_chunk_decode_without_the_array_its_type_needs_is_einval),
        cmocka_unit_test(test_chunk_bucket_over_a_range_across_chunks),
        cmocka_unit_test(test_chunk_bucket_end_is_exclusive),
        cmocka_unit_test(test_chunk_bucket_of_chunk_outside_range_adds_nothing),
        cmocka_unit_test(test_chunk_bucket_min_max_skip_nan),
        cmocka_unit_test(test_chunk_bucket_takes_ints_uints_and_bools_as_numbers),
        cmocka_unit_test(test_chunk_bucket_of_strings_is_einval),
        cmocka_unit_test(test_chunk_window_fills_its_buckets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
