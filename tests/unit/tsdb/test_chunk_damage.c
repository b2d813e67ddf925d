/* Unit tests for the chunk codec (src/tsdb/chunk*.c) against damaged chunks (every byte change,
 * every truncation, damage behind a valid CRC), and the sizes it reaches on realistic series,
 * printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tsdb/tsdb.h"

#define DAY 8640 /* points of a day at 10 s */

static int64_t g_ts[DAY], g_ts2[DAY];
static uint64_t g_v[DAY], g_v2[DAY];
static struct tsdb_str g_s[DAY], g_s2[DAY];
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t F(double d) /* a float value as the chunk takes it */
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A uniform integer in [-r, r]. */
static int64_t jitter(int64_t r)
{
    return (int64_t)(rnd() % (uint64_t)(2 * r + 1)) - r;
}

/* One sample chunk of each type and encoding, 200 points. */
static size_t sample(int which, struct ioc_buf *b)
{
    static const enum tsdb_type types[] = {TSDB_FLOAT, TSDB_FLOAT, TSDB_INT,
                                           TSDB_UINT,  TSDB_BOOL,  TSDB_STRING};
    static const char *words[] = {"open", "closed", "fault", ""};
    size_t n = 200;
    for (size_t i = 0; i < n; i++) {
        g_ts[i] = 1700000000000000000LL + (int64_t)i * 10000000000LL + jitter(5) * 1000000;
        switch (which) {
        case 0:
            g_v[i] = F((double)(200 + jitter(3)) / 10.0);
            break;
        case 1:
            g_v[i] = F(sin((double)i) * 1e-3);
            break;
        case 2:
            g_v[i] = (uint64_t)(-5000 + (int64_t)i * 7 + jitter(2));
            break;
        case 3:
            g_v[i] = UINT64_MAX - rnd() % 1000;
            break;
        case 4:
            g_v[i] = (uint64_t)((int)(rnd() & 1));
            break;
        default:
            g_s[i].s = words[i % 7 % 4];
            g_s[i].n = strlen(words[i % 7 % 4]);
            break;
        }
    }
    ioc_buf_init(b, 0);
    assert_int_equal(tsdb_chunk_encode(types[which], g_ts, g_v, g_s, n, b), 0);
    return n;
}

#define SAMPLES 6

/* Reads a heap copy of exactly len bytes (so ASan sees any read past the end) with
 * tsdb_chunk_decode, the iterator and, for numbers, tsdb_chunk_bucket, which must agree;
 * returns the decode's answer. */
static int decode_copy(const void *p, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, p, len);
    size_t n = 0, total = 0, k = 0;
    int rc = tsdb_chunk_decode(c, len, g_ts2, g_v2, g_s2, DAY, &n);
    struct tsdb_chunk_iter it;
    int64_t ts[TSDB_ITER_BATCH];
    uint64_t v[TSDB_ITER_BATCH];
    struct tsdb_str s[TSDB_ITER_BATCH];
    int irc = tsdb_chunk_iter_init(&it, c, len);
    while (irc == 0 && (irc = tsdb_chunk_iter_next(&it, ts, v, s, &k)) == 0 && k > 0)
        total += k;
    struct tsdb_bucket sum = {0};
    int brc = tsdb_chunk_bucket(c, len, INT64_MIN, INT64_MAX, &sum);
    if (rc == 0) {
        assert_true(n >= 1 && n <= DAY);
        for (size_t i = 1; i < n; i++)
            assert_true(g_ts2[i] > g_ts2[i - 1]);
        assert_int_equal(irc, 0);
        assert_int_equal(total, n);
        if (it.info.type != TSDB_STRING) {
            assert_int_equal(brc, 0);
            assert_int_equal(sum.count, (int64_t)n);
        }
    } else {
        assert_int_equal(rc, IOC_EINVAL);
        assert_int_equal(irc, IOC_EINVAL);
        assert_int_equal(brc, IOC_EINVAL);
        assert_int_equal(sum.count, 0);
    }
    free(c);
    return rc;
}

static void fix_crc(uint8_t *p, size_t len)
{
    uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), p, len - 4);
    for (int i = 0; i < 4; i++)
        p[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

static void test_chunk_every_byte_change_is_refused(void **state)
{
    (void)state;
    /* every other value of every byte: CRC-32 sees any change within 32 bits */
    for (int s = 0; s < SAMPLES; s++) {
        struct ioc_buf b;
        sample(s, &b);
        uint8_t *p = (uint8_t *)b.data;
        assert_int_equal(decode_copy(p, b.len), 0);
        for (size_t at = 0; at < b.len; at++) {
            for (unsigned f = 1; f < 256; f++) {
                p[at] ^= (uint8_t)f;
                struct tsdb_chunk_info info;
                size_t n;
                if (tsdb_chunk_decode(p, b.len, g_ts2, g_v2, g_s2, DAY, &n) != IOC_EINVAL ||
                    tsdb_chunk_info(p, b.len, &info) != IOC_EINVAL)
                    fail_msg("sample %d: byte %zu ^ %02x accepted", s, at, f);
                p[at] ^= (uint8_t)f;
            }
        }
        ioc_buf_free(&b);
    }
}

static void test_chunk_every_truncation_is_refused(void **state)
{
    (void)state;
    for (int s = 0; s < SAMPLES; s++) {
        struct ioc_buf b;
        sample(s, &b);
        for (size_t len = 0; len < b.len; len++)
            if (decode_copy(b.data, len) != IOC_EINVAL)
                fail_msg("sample %d: truncation to %zu accepted", s, len);
        ioc_buf_free(&b);
    }
}

static void test_chunk_trailing_byte_is_refused(void **state)
{
    (void)state;
    struct ioc_buf b;
    sample(2, &b);
    assert_int_equal(ioc_buf_putc(&b, 0), 0);
    assert_int_equal(decode_copy(b.data, b.len), IOC_EINVAL);
    ioc_buf_free(&b);
}

/* Damage the CRC cannot see (the CRC recomputed after each change): decoding refuses it or
 * gives ascending points, and never reads out of bounds. */
static void test_chunk_changes_behind_a_valid_crc_never_crash(void **state)
{
    (void)state;
    static const uint8_t flips[] = {0x01, 0x02, 0x10, 0x80, 0xff};
    for (int s = 0; s < SAMPLES; s++) {
        struct ioc_buf b;
        sample(s, &b);
        uint8_t *p = (uint8_t *)b.data;
        size_t refused = 0, tries = 0;
        for (size_t at = 0; at + 4 < b.len; at++) {
            for (size_t f = 0; f < sizeof flips; f++) {
                p[at] ^= flips[f];
                fix_crc(p, b.len);
                refused += decode_copy(p, b.len) != 0;
                tries++;
                p[at] ^= flips[f];
            }
        }
        fix_crc(p, b.len);
        assert_true(refused > 0);
        print_message("sample %d: %zu of %zu changes behind a valid CRC refused\n", s, refused,
                      tries);
        ioc_buf_free(&b);
    }
}

static void test_chunk_bool_chunk_holding_two_is_refused(void **state)
{
    (void)state;
    int64_t ts[3] = {1, 2, 3};
    uint64_t v[3] = {0, 1, 2};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, NULL, 3, &b), 0);
    b.data[1] = TSDB_BOOL; /* the type byte */
    fix_crc((uint8_t *)b.data, b.len);
    assert_int_equal(decode_copy(b.data, b.len), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_chunk_int_chunk_read_as_float_is_refused(void **state)
{
    (void)state;
    int64_t ts[3] = {1, 2, 3};
    uint64_t v[3] = {0, 1, 2};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, NULL, 3, &b), 0);
    b.data[1] = TSDB_FLOAT; /* ints encoding does not suit floats */
    fix_crc((uint8_t *)b.data, b.len);
    assert_int_equal(decode_copy(b.data, b.len), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_chunk_last_time_not_matching_the_header_is_refused(void **state)
{
    (void)state;
    int64_t ts[3] = {0, 10, 20};
    uint64_t v[3] = {1, 2, 3};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, ts, v, NULL, 3, &b), 0);
    assert_int_equal((uint8_t)b.data[5], 20); /* version, type, encoding, count, first, span */
    b.data[5] = 21;
    fix_crc((uint8_t *)b.data, b.len);
    struct tsdb_chunk_info info;
    assert_int_equal(tsdb_chunk_info(b.data, b.len, &info), 0); /* the header alone is sound */
    assert_int_equal(decode_copy(b.data, b.len), IOC_EINVAL);
    ioc_buf_free(&b);
}

static void test_chunk_iter_keeps_failing_after_damage(void **state)
{
    (void)state;
    for (size_t i = 0; i < 200; i++) {
        g_ts[i] = (int64_t)i;
        g_v[i] = (uint64_t)(i == 150 ? 2 : (int64_t)(i & 1));
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(TSDB_INT, g_ts, g_v, NULL, 200, &b), 0);
    b.data[1] = TSDB_BOOL; /* a bool chunk holding a 2 in its third batch */
    fix_crc((uint8_t *)b.data, b.len);
    struct tsdb_chunk_iter it;
    assert_int_equal(tsdb_chunk_iter_init(&it, b.data, b.len), 0);
    int64_t ts[TSDB_ITER_BATCH];
    uint64_t v[TSDB_ITER_BATCH];
    size_t n;
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &n), 0);
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &n), 0);
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &n), IOC_EINVAL);
    assert_int_equal(tsdb_chunk_iter_next(&it, ts, v, NULL, &n), IOC_EINVAL);
    ioc_buf_free(&b);
}

/* ---- sizes ---- */

static double bytes_per_point(enum tsdb_type type, size_t n, const char *what)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(tsdb_chunk_encode(type, g_ts, g_v, NULL, n, &b), 0);
    size_t got = 0;
    assert_int_equal(tsdb_chunk_decode(b.data, b.len, g_ts2, g_v2, NULL, DAY, &got), 0);
    assert_int_equal(got, n);
    assert_memory_equal(g_ts2, g_ts, n * sizeof *g_ts);
    assert_memory_equal(g_v2, g_v, n * sizeof *g_v);
    double bpp = (double)b.len / (double)n;
    print_message("%s: %zu points in %zu bytes, %.3f bytes per point\n", what, n, b.len, bpp);
    ioc_buf_free(&b);
    return bpp;
}

/* A day of a temperature: ms timestamps every 10 s with a few ms of jitter, one decimal,
 * a daily cycle between ~24 and ~34 °C plus noise of ±0.3. */
static void temperature_day(void)
{
    int64_t day0 = 1764547200000LL; /* 2025-12-01T00:00Z, ms */
    for (size_t i = 0; i < DAY; i++) {
        g_ts[i] = (day0 + (int64_t)i * 10000 + jitter(4)) * 1000000;
        double c = 29.0 + 5.0 * sin(2 * M_PI * ((double)i / DAY - 0.375));
        g_v[i] = F(round(c * 10.0 + (double)jitter(3)) / 10.0);
    }
}

static void test_chunk_temperature_day_takes_at_most_1_5_bytes_per_point(void **state)
{
    (void)state;
    temperature_day();
    assert_true(bytes_per_point(TSDB_FLOAT, DAY, "temperature, one day") <= 1.5);
    /* the engine may seal smaller chunks: 1,000 points must stay within the target too */
    assert_true(bytes_per_point(TSDB_FLOAT, 1000, "temperature, 1,000 points") <= 1.5);
}

static void test_chunk_counter_day_takes_under_half_a_byte_per_point(void **state)
{
    (void)state;
    uint64_t c = 123456789;
    for (size_t i = 0; i < DAY; i++) {
        g_ts[i] = (1764547200000LL + (int64_t)i * 10000) * 1000000;
        c += 1000 + rnd() % 8;
        g_v[i] = c;
    }
    assert_true(bytes_per_point(TSDB_UINT, DAY, "counter, one day") <= 0.5);
}

static void test_chunk_jittered_timestamps_take_about_half_a_byte(void **state)
{
    (void)state;
    for (size_t i = 0; i < DAY; i++) {
        g_ts[i] = (1764547200000LL + (int64_t)i * 10000 + jitter(4)) * 1000000;
        g_v[i] = (uint64_t)(7);
    }
    /* ±4 ms is 9 values: ~4 bits a point from a regular grid, where delta-of-delta needs 5 */
    assert_true(bytes_per_point(TSDB_INT, DAY, "constant int, jittered times, one day") <= 0.57);
}

static void test_chunk_constant_day_takes_a_few_bytes(void **state)
{
    (void)state;
    for (size_t i = 0; i < DAY; i++) {
        g_ts[i] = (1764547200000LL + (int64_t)i * 10000) * 1000000;
        g_v[i] = F(42.5);
    }
    assert_true(bytes_per_point(TSDB_FLOAT, DAY, "constant float, one day") * DAY <= 40);
    for (size_t i = 0; i < DAY; i++)
        g_v[i] = (uint64_t)(1);
    assert_true(bytes_per_point(TSDB_BOOL, DAY, "constant bool, one day") * DAY <= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_every_byte_change_is_refused),
        cmocka_unit_test(test_chunk_every_truncation_is_refused),
        cmocka_unit_test(test_chunk_trailing_byte_is_refused),
        cmocka_unit_test(test_chunk_changes_behind_a_valid_crc_never_crash),
        cmocka_unit_test(test_chunk_bool_chunk_holding_two_is_refused),
        cmocka_unit_test(test_chunk_int_chunk_read_as_float_is_refused),
        cmocka_unit_test(test_chunk_last_time_not_matching_the_header_is_refused),
        cmocka_unit_test(test_chunk_iter_keeps_failing_after_damage),
        cmocka_unit_test(test_chunk_temperature_day_takes_at_most_1_5_bytes_per_point),
        cmocka_unit_test(test_chunk_jittered_timestamps_take_about_half_a_byte),
        cmocka_unit_test(test_chunk_counter_day_takes_under_half_a_byte_per_point),
        cmocka_unit_test(test_chunk_constant_day_takes_a_few_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
