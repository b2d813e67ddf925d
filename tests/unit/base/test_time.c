/* Unit tests for src/base/time.c: calendar dates, RFC 3339 timestamps, log levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_date_parse_epoch_is_day_zero(void **state)
{
    (void)state;
    int32_t d = -1;
    assert_int_equal(ioc_date_parse("1970-01-01", 10, &d), 0);
    assert_int_equal(d, 0);
}

static void test_date_parse_then_format_round_trips(void **state)
{
    (void)state;
    int32_t d = 0;
    char out[11];
    assert_int_equal(ioc_date_parse("2025-07-01", 10, &d), 0);
    ioc_date_format(d, out);
    assert_string_equal(out, "2025-07-01");
    assert_int_equal(ioc_date_parse("1969-12-31", 10, &d), 0);
    assert_int_equal(d, -1);
    ioc_date_format(d, out);
    assert_string_equal(out, "1969-12-31");
}

static void test_date_parse_knows_leap_years(void **state)
{
    (void)state;
    int32_t d = 0;
    assert_int_equal(ioc_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(ioc_date_parse("2000-02-29", 10, &d), 0);
    assert_int_equal(ioc_date_parse("2025-02-29", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("1900-02-29", 10, &d), IOC_EINVAL);
}

static void test_date_parse_refuses_out_of_range_month_and_day(void **state)
{
    (void)state;
    int32_t d = 0;
    assert_int_equal(ioc_date_parse("2025-13-01", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-00-01", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-04-31", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-01-00", 10, &d), IOC_EINVAL);
}

static void test_date_parse_refuses_loose_forms(void **state)
{
    (void)state;
    int32_t d = 12345;
    assert_int_equal(ioc_date_parse("2025-7-01", 9, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-07-0x", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025/07/01", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-07-011", 11, &d), IOC_EINVAL);
    assert_int_equal(d, 12345); /* not written on failure */
}

static void test_time_rfc3339_formats_milliseconds_utc(void **state)
{
    (void)state;
    char out[32];
    ioc_time_rfc3339(1751328000123LL, out); /* 2025-07-01T00:00:00.123Z */
    assert_string_equal(out, "2025-07-01T00:00:00.123Z");
    ioc_time_rfc3339(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
}

static void test_time_rfc3339_before_epoch(void **state)
{
    (void)state;
    char out[32];
    ioc_time_rfc3339(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
}

static void test_time_rfc3339_round_trips(void **state)
{
    (void)state;
    const int64_t samples[] = {0, 1751328000123LL, 1795408028999LL, 951782400000LL};
    for (size_t i = 0; i < IOC_ARRAY_LEN(samples); i++) {
        char out[32];
        int64_t back = -1;
        ioc_time_rfc3339(samples[i], out);
        assert_int_equal(ioc_time_parse(out, strlen(out), &back), 0);
        assert_int_equal(back, samples[i]);
    }
}

static void test_time_parse_applies_offset(void **state)
{
    (void)state;
    int64_t a = 0, b = 0;
    const char *utc = "2026-11-23T04:43:48Z", *vn = "2026-11-23T11:43:48+07:00";
    assert_int_equal(ioc_time_parse(utc, strlen(utc), &a), 0);
    assert_int_equal(ioc_time_parse(vn, strlen(vn), &b), 0);
    assert_int_equal(a, b);
    const char *west = "2026-11-22T23:43:48-05:00";
    assert_int_equal(ioc_time_parse(west, strlen(west), &b), 0);
    assert_int_equal(a, b);
}

static void test_time_parse_reads_fractions_as_milliseconds(void **state)
{
    (void)state;
    int64_t a = 0, b = 0;
    const char *whole = "2026-11-23T04:43:48Z", *half = "2026-11-23T04:43:48.5Z";
    assert_int_equal(ioc_time_parse(whole, strlen(whole), &a), 0);
    assert_int_equal(ioc_time_parse(half, strlen(half), &b), 0);
    assert_int_equal(b - a, 500);
}

static void test_time_parse_takes_plain_date_as_vietnam_midnight(void **state)
{
    (void)state;
    int64_t a = 0, b = 0;
    const char *date = "2025-07-01", *full = "2025-07-01T00:00:00+07:00";
    assert_int_equal(ioc_time_parse(date, strlen(date), &a), 0);
    assert_int_equal(ioc_time_parse(full, strlen(full), &b), 0);
    assert_int_equal(a, b);
    assert_int_equal(a, 1751328000000LL - 7 * 3600000LL);
}

static void test_time_parse_refuses_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-11-23T04:43:48",       /* no zone */
        "2026-11-23T24:00:00Z",      /* hour 24 */
        "2026-11-23T04:60:00Z",      /* minute 60 */
        "2026-11-23T04:43:48.Z",     /* empty fraction */
        "2026-11-23T04:43:48+0700",  /* offset without colon */
        "2026-11-23T04:43:48+24:00", /* offset out of range */
        "2026-11-23X04:43:48Z",      /* bad separator */
        "2026-11-23T04:43:48Zjunk",  /* trailing bytes */
        "2026-11-2",                 /* short */
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        int64_t ms = 42;
        if (ioc_time_parse(bad[i], strlen(bad[i]), &ms) != IOC_EINVAL)
            fail_msg("bad[%zu] %s was accepted", i, bad[i]);
        assert_int_equal(ms, 42);
    }
}

static void test_date_today_vn_is_a_date(void **state)
{
    (void)state;
    char out[11];
    int32_t d = 0;
    ioc_date_today_vn(out);
    assert_int_equal(strlen(out), 10);
    assert_int_equal(ioc_date_parse(out, 10, &d), 0);
    /* UTC+7: today in Vietnam is the UTC day of now + 7 h */
    int64_t vn_days = (ioc_now_ms() + 7 * 3600000LL) / 86400000;
    assert_true(d == vn_days || d + 1 == vn_days); /* a midnight may pass between the calls */
}

static void test_log_level_parse_knows_four_names(void **state)
{
    (void)state;
    assert_int_equal(ioc_log_level_parse("debug"), IOC_LOG_DEBUG);
    assert_int_equal(ioc_log_level_parse("info"), IOC_LOG_INFO);
    assert_int_equal(ioc_log_level_parse("warn"), IOC_LOG_WARN);
    assert_int_equal(ioc_log_level_parse("error"), IOC_LOG_ERROR);
    assert_int_equal(ioc_log_level_parse("verbose"), -1);
    assert_int_equal(ioc_log_level_parse(""), -1);
}

/* RFC 3339 times: the text and the expected ns, or "bad". */
static void test_time_parse_ns_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int ok;
        int64_t ns;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 1, 0},
        {"1969-12-31T23:59:59.999999999Z", 1, -1},
        {"2000-02-29T00:00:00Z", 1, INT64_C(951782400000000000)},
        {"2024-05-01T10:00:00-02:30", 1, INT64_C(1714566600000000000)},
        {"2262-04-11T23:47:16.854775807Z", 1, INT64_MAX},
        {"2262-04-11T23:47:16.854775808Z", 0, 0},
        {"1900-02-29T00:00:00Z", 0, 0},
        {"2023-02-29T00:00:00Z", 0, 0},
        {"2024-13-01T00:00:00Z", 0, 0},
        {"2024-01-01T24:00:00Z", 0, 0},
        {"2024-01-01T00:60:00Z", 0, 0},
        {"2024-12-31T23:59:60Z", 0, 0},
        {"2024-01-01T00:00:00.Z", 0, 0},
        {"2024-01-01T00:00:00.1234567891Z", 0, 0},
        {"2024-01-01T00:00:00+24:00", 0, 0},
        {"2024-01-01T00:00:00+0700", 0, 0},
        {"2024-01-01T00:00:00", 0, 0},
        {"2024-1-01T00:00:00Z", 0, 0},
        {"2024-01-01X00:00:00Z", 0, 0},
        {"+024-01-01T00:00:00Z", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ns = 42;
        int rc = ioc_time_parse_ns(cases[i].s, strlen(cases[i].s), &ns);
        if (cases[i].ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(ns, cases[i].ns);
        } else {
            assert_int_equal(rc, IOC_EINVAL);
            assert_int_equal(ns, 42);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_epoch_is_day_zero),
        cmocka_unit_test(test_date_parse_then_format_round_trips),
        cmocka_unit_test(test_date_parse_knows_leap_years),
        cmocka_unit_test(test_date_parse_refuses_out_of_range_month_and_day),
        cmocka_unit_test(test_date_parse_refuses_loose_forms),
        cmocka_unit_test(test_time_rfc3339_formats_milliseconds_utc),
        cmocka_unit_test(test_time_rfc3339_before_epoch),
        cmocka_unit_test(test_time_rfc3339_round_trips),
        cmocka_unit_test(test_time_parse_ns_table),
        cmocka_unit_test(test_time_parse_applies_offset),
        cmocka_unit_test(test_time_parse_reads_fractions_as_milliseconds),
        cmocka_unit_test(test_time_parse_takes_plain_date_as_vietnam_midnight),
        cmocka_unit_test(test_time_parse_refuses_malformed),
        cmocka_unit_test(test_date_today_vn_is_a_date),
        cmocka_unit_test(test_log_level_parse_knows_four_names),
    };
    return cmocka_run_group_tests_name("base/time", tests, NULL, NULL);
}
