/* Unit tests for src/environment/aqi_csv.c: the CSV of hourly means iocctl aqi reads (columns in
 * any order, BOM, CRLF, refusals with line and column), the hours missing between rows, the local
 * days, and the output CSV. Instants computed with Python's calendar.timegm:
 * 2026-12-01T01:00:00+07:00 = 1796061600; 2026-12-01 is day 20788. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"

#define T0 1796061600LL /* 2026-12-01T01:00:00+07:00, the first hour of 1 December */
#define H 3600LL

static size_t read_ok(const char *text, struct aqi_csv_row **rows)
{
    size_t n = 99;
    struct aqi_csv_error err;
    int rc = aqi_csv_read(text, strlen(text), rows, &n, &err);
    if (rc)
        fail_msg("refused (%d) at %zu:%zu: %s", rc, err.line, err.column, err.message);
    return n;
}

static void read_bad(const char *text, size_t line, size_t column, const char *words)
{
    struct aqi_csv_row *rows = (void *)1;
    size_t n = 99;
    struct aqi_csv_error err;
    assert_int_equal(aqi_csv_read(text, strlen(text), &rows, &n, &err), IOC_EINVAL);
    assert_null(rows);
    assert_int_equal(n, 0);
    if (err.line != line || err.column != column || !strstr(err.message, words))
        fail_msg("%s: got %zu:%zu: %s; want %zu:%zu: …%s…", text, err.line, err.column, err.message,
                 line, column, words);
}

static void test_columns_in_any_order_missing_ones_and_empty_cells(void **state)
{
    (void)state;
    struct aqi_csv_row *r;
    size_t n = read_ok("o3,time,pm25\n"
                       "12.5,2026-12-01T02:00:00+07:00,\n"
                       ",2026-12-01T01:00:00+07:00,30\n"
                       "-3,2026-11-30T20:00:00Z,0.000001\n",
                       &r);
    assert_int_equal(n, 3);
    /* sorted by time: 01:00, 02:00 (+07:00), then 20:00Z = 03:00+07:00 */
    assert_int_equal(r[0].t, T0);
    assert_int_equal(r[0].line, 3);
    assert_true(r[0].h.c[AQI_PM25] == 30);
    assert_true(isnan(r[0].h.c[AQI_O3]));
    assert_true(isnan(r[0].h.c[AQI_PM10])); /* no pm10 column: missing */
    assert_true(isnan(r[0].h.c[AQI_CO]));
    assert_int_equal(r[1].t, T0 + H);
    assert_int_equal(r[1].line, 2);
    assert_true(r[1].h.c[AQI_O3] == 12.5);
    assert_true(isnan(r[1].h.c[AQI_PM25]));
    assert_int_equal(r[2].t, T0 + 2 * H);
    assert_true(r[2].h.c[AQI_O3] == -3); /* kept; the library reads it as missing */
    assert_true(r[2].h.c[AQI_PM25] == 0.000001);
    free(r);
}

static void test_bom_crlf_quotes_and_a_header_alone(void **state)
{
    (void)state;
    struct aqi_csv_row *r;
    size_t n = read_ok("\xef\xbb\xbftime,pm25,pm10,no2,so2,co,o3\r\n"
                       "\"2026-12-01T01:00:00+07:00\",1,2,3,4,5,6\r\n"
                       "\r\n"
                       "2026-12-01T03:00:00+07:00,1.5,,,,,\r\n",
                       &r);
    assert_int_equal(n, 2);
    for (int p = 0; p < AQI_NPOLL; p++)
        assert_true(r[0].h.c[p] == p + 1);
    assert_int_equal(r[1].t, T0 + 2 * H);
    assert_int_equal(r[1].line, 4);
    free(r);
    n = read_ok("time,pm25\n", &r);
    assert_int_equal(n, 0);
    assert_null(r);
}

static void test_refusals_say_line_and_column(void **state)
{
    (void)state;
    read_bad("", 1, 0, "no header");
    read_bad("pm25,pm10\n1,2\n", 1, 0, "no time column");
    read_bad("time,pm25,pm1\n", 1, 3, "unknown column: \"pm1\"");
    read_bad("time,PM25\n", 1, 2, "unknown column: \"PM25\"");
    read_bad("time,pm25,pm10,no2,so2,co,o3,humidity\n", 1, 8, "unknown column: \"humidity\"");
    read_bad("time,pm25,time\n", 1, 3, "repeated column: \"time\"");
    read_bad("time,pm25,pm10,no2,so2,co,o3,pm25\n", 1, 8, "repeated column: \"pm25\"");
    read_bad("time,pm25\n2026-12-01T01:00:00+07:00,1\n2026-12-01 25:00,2\n", 3, 1,
             "not an RFC 3339 time");
    read_bad("time,pm25\n2026-12-01T01:00:00,2\n", 2, 1, "not an RFC 3339 time"); /* no offset */
    read_bad("time,pm25\n2026-12-01,2\n", 2, 1, "not an RFC 3339 time");
    read_bad("time,pm25\n2026-12-01T01:30:00+07:00,2\n", 2, 1, "not a whole hour");
    read_bad("pm25,time\n2,2026-12-01T01:00:00.5+07:00\n", 2, 2, "not a whole hour");
    read_bad("pm25,time\n2,2026-12-01T01:00:00+07:30\n", 2, 2, "not a whole hour");
    read_bad("time,pm25,pm10\n2026-12-01T01:00:00+07:00,12,abc\n", 2, 3,
             "not a decimal number in column pm10: \"abc\"");
    read_bad("time,co\n2026-12-01T01:00:00+07:00,1;5\n", 2, 2, "not a decimal number in column co");
    read_bad("time,co\n2026-12-01T01:00:00+07:00, 5\n", 2, 2, "column co: \" 5\"");
    read_bad("time,co\n2026-12-01T01:00:00+07:00,nan\n", 2, 2, "column co: \"nan\"");
    read_bad("time,pm25,pm10\n2026-12-01T01:00:00+07:00,1\n", 2, 3,
             "2 fields where the header has 3");
    read_bad("time,pm25\n2026-12-01T01:00:00+07:00,1,2\n", 2, 3, "3 fields where the header has 2");
    /* the same instant twice, written two ways: refused at the later line */
    read_bad("pm25,time\n1,2026-12-01T05:00:00+07:00\n2,2026-12-01T01:00:00+07:00\n"
             "3,2026-11-30T22:00:00Z\n",
             4, 2, "the time is repeated (first on line 2)");
    /* a CSV syntax error: the field's column, the byte in the message */
    read_bad("time,pm25\n2026-12-01T01:00:00+07:00,\"1\"2\n", 2, 2, "byte");
}

static void test_day_of_an_end_label(void **state)
{
    (void)state;
    assert_int_equal(aqi_day_of(T0), 20788);          /* 1 Dec 01:00 */
    assert_int_equal(aqi_day_of(T0 + 23 * H), 20788); /* 1 Dec 24:00 = 2 Dec 00:00 */
    assert_int_equal(aqi_day_of(T0 + 24 * H), 20789); /* 2 Dec 01:00 */
    assert_int_equal(aqi_day_of(T0 - H), 20787);      /* 1 Dec 00:00 = 30 Nov 24:00 */
    assert_int_equal(aqi_day_of(-7 * H + H), 0);      /* 1970-01-01 01:00 +07:00 */
    assert_int_equal(aqi_day_of(-7 * H), -1);         /* 1970-01-01 00:00 +07:00 */
}

static struct aqi_csv_row row(int64_t t, double pm25, double o3)
{
    struct aqi_csv_row r = {.t = t};
    for (int p = 0; p < AQI_NPOLL; p++)
        r.h.c[p] = NAN;
    r.h.c[AQI_PM25] = pm25;
    r.h.c[AQI_O3] = o3;
    return r;
}

/* The hours between two rows are missing hours of the NowCast window. */
static void test_hourly_gaps_are_missing_hours(void **state)
{
    (void)state;
    struct aqi_csv_row rows[] = {row(T0, 30, NAN), row(T0 + 2 * H, 20, NAN),
                                 row(T0 + 5 * H, 40, NAN), row(T0 + 6 * H, 40, NAN)};
    struct aqi_result out[4];
    aqi_csv_hourly(rows, 4, out);
    assert_int_equal(out[0].reason, AQI_NOWCAST_SHORT); /* one hour */
    /* 03:00: c1 = 20, c2 missing, c3 = 30 → w = 2/3: (20 + 30·4/9)/(1 + 4/9) = 300/13 =
     * 23.08 → 50·23.08/25 = 46.15 → 46 */
    assert_int_equal(out[1].reason, AQI_OK);
    assert_int_equal(out[1].aqi, 46);
    /* 06:00: c1 = 40, c2 c3 missing → short, though the rows are adjacent */
    assert_int_equal(out[2].reason, AQI_NOWCAST_SHORT);
    /* 07:00: c1 = c2 = 40, c5 = 20, c7 = 30 → w* = ½ → w = ½:
     * (40 + 20 + 20/16 + 30/64) / (1 + ½ + 1/16 + 1/64) = 61.71875 / 1.578125 = 39.1089…,
     * in the 25 … 50 band: 50 + 2·14.1089 = 78.2 → 78 */
    assert_int_equal(out[3].aqi, 78);
    assert_true(fabs(out[3].conc[AQI_PM25] - 61.71875 / 1.578125) < 1e-12);
}

static void test_daily_groups_local_days_with_prev(void **state)
{
    (void)state;
    /* 30 Nov 19:00 … 24:00 (six hours of O3 100), 1 Dec 01:00 … 02:00 (O3 200, PM 10), and
     * 3 Dec 05:00 (PM 10): days 30 Nov, 1 Dec, 3 Dec */
    struct aqi_csv_row rows[9];
    size_t n = 0;
    for (int i = 6; i >= 1; i--)
        rows[n++] = row(T0 - i * H, NAN, 100);
    rows[n++] = row(T0, 10, 200);
    rows[n++] = row(T0 + H, 10, 200);
    rows[n++] = row(T0 + 52 * H, 10, NAN);
    struct aqi_csv_day *d;
    size_t nd;
    assert_int_equal(aqi_csv_daily(rows, n, &d, &nd), 0);
    assert_int_equal(nd, 3);
    assert_int_equal(d[0].day, 20787);
    assert_int_equal(d[1].day, 20788);
    assert_int_equal(d[2].day, 20790);
    assert_int_equal(d[0].r.reason, AQI_NO_PM);
    assert_int_equal(d[1].r.reason, AQI_DAY_SHORT); /* 2 PM hours */
    /* 1 Dec: the 8 h mean ending at 02:00 averages 30 Nov 19:00 … 1 Dec 02:00: six hours of 100
     * and two of 200 = 1000/8 = 125; the one ending at 04:00 (30 Nov 21:00 … 1 Dec 04:00) has
     * 6 present hours, four of 100 and two of 200 = 800/6 = 133.33, the largest → 100 +
     * 50·13.33/50 = 113.3 → 113; 1 h 200 → 100 */
    assert_int_equal(d[1].r.sub[AQI_O3], 113);
    assert_int_equal(d[1].r.o3_8h, 1);
    assert_int_equal(d[2].r.reason, AQI_DAY_SHORT);
    free(d);
    assert_int_equal(aqi_csv_daily(rows, 0, &d, &nd), 0);
    assert_int_equal(nd, 0);
    assert_null(d);
}

static void test_output_csv(void **state)
{
    (void)state;
    struct aqi_csv_row *r;
    size_t n = read_ok("time,pm25,no2\n"
                       "2026-12-01T01:00:00+07:00,27.25,\n"
                       "2026-12-01T02:00:00+07:00,27.25,110\n"
                       "2026-11-30T17:00:00Z,,\n",
                       &r);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(aqi_csv_write(r, n, 0, &b), 0);
    /* 02:00: PM2.5 NowCast 27.25 → 54.5 → 55; NO2 110 → 55: PM2.5 dominant (tie, enum order);
     * 30 Nov 17:00Z is 1 Dec 00:00 +07:00 */
    assert_string_equal(b.data,
                        "time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3\n"
                        "2026-12-01T00:00:00+07:00,,,,,,,,,\n"
                        "2026-12-01T01:00:00+07:00,,,,,,,,,\n"
                        "2026-12-01T02:00:00+07:00,55,Trung b\xc3\xacnh,pm25,55,,55,,,\n");
    ioc_buf_reset(&b);
    assert_int_equal(aqi_csv_write(r, n, 1, &b), 0);
    /* 00:00 belongs to 30 November */
    assert_string_equal(b.data,
                        "time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3\n"
                        "2026-11-30,,,,,,,,,\n"
                        "2026-12-01,,,,,,55,,,\n");
    ioc_buf_free(&b);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_in_any_order_missing_ones_and_empty_cells),
        cmocka_unit_test(test_bom_crlf_quotes_and_a_header_alone),
        cmocka_unit_test(test_refusals_say_line_and_column),
        cmocka_unit_test(test_day_of_an_end_label),
        cmocka_unit_test(test_hourly_gaps_are_missing_hours),
        cmocka_unit_test(test_daily_groups_local_days_with_prev),
        cmocka_unit_test(test_output_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
