/* Unit tests for src/environment/figures.c: the VN_AQI figures per commune and day (MT.AQI,
 * MT.AQI_MAX, MT.AQI_NGAY_XAU), from hand-made station days and from readings stored in a real
 * telemetry ingest. Expected numbers are worked by hand from Table 2 (PM2.5: 25 → 50, 50 → 100,
 * 80 → 150, linear between), never by the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "helpers/tmpdir.h"
#include "indicators/indicators.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

/* 2026-06-01 00:00 +07:00 */
#define D0 (INT64_C(1780246800) * 1000000000)
#define LABEL(h) (D0 + (int64_t)(h)*ENV_HOUR_NS)

/* The value of code at commune and day in rows, or NAN when there is none (each appears once;
 * every row is of a day). */
static double find(const struct ind_computed *r, size_t n, const char *code, const char *commune,
                   int32_t day)
{
    double v = NAN;
    int seen = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].code, code) == 0 && strcmp(r[i].unit, commune) == 0 &&
            r[i].period.n == day) {
            assert_int_equal(r[i].period.freq, IND_DAY);
            v = r[i].value;
            seen++;
        }
    assert_true(seen <= 1);
    return v;
}

static void test_figures_of_station_days(void **state)
{
    (void)state;
    struct env_fig_station st[] = {
        {"B", 100, 120},                 /* exactly 100 is not over 100 */
        {"A", 80, 90},   {"", 300, 300}, /* outside every commune: counted nowhere */
        {"A", 131, 160}, {"C", -1, 40},  /* no daily index: only the highest hour */
        {"D", -1, -1},                   /* nothing at all: no row */
        {"E", 77, -1},
    };
    struct ind_computed *r = NULL;
    size_t n = 0;
    assert_int_equal(env_figures_of(st, IOC_ARRAY_LEN(st), 20605, &r, &n), 0);
    assert_int_equal(n, 3 + 3 + 1 + 2);
    assert_true(find(r, n, "MT.AQI", "A", 20605) == 105.5); /* (80 + 131) / 2 */
    assert_true(find(r, n, "MT.AQI_NGAY_XAU", "A", 20605) == 1);
    assert_true(find(r, n, "MT.AQI_MAX", "A", 20605) == 160);
    assert_true(find(r, n, "MT.AQI", "B", 20605) == 100);
    assert_true(find(r, n, "MT.AQI_NGAY_XAU", "B", 20605) == 0);
    assert_true(find(r, n, "MT.AQI_MAX", "B", 20605) == 120);
    assert_true(isnan(find(r, n, "MT.AQI", "C", 20605)));
    assert_true(isnan(find(r, n, "MT.AQI_NGAY_XAU", "C", 20605)));
    assert_true(find(r, n, "MT.AQI_MAX", "C", 20605) == 40);
    assert_true(isnan(find(r, n, "MT.AQI_MAX", "D", 20605)));
    assert_true(find(r, n, "MT.AQI", "E", 20605) == 77);
    assert_true(isnan(find(r, n, "MT.AQI_MAX", "E", 20605)));
    assert_true(isnan(find(r, n, "MT.AQI", "", 20605)));
    free(r);
    assert_int_equal(env_figures_of(st, 0, 20605, &r, &n), 0);
    assert_null(r);
    assert_int_equal(n, 0);
}

static void test_figures_of_rounds_a_mean_to_hundredths(void **state)
{
    (void)state;
    struct env_fig_station st[] = {{"A", 100, 100}, {"A", 101, 101}, {"A", 101, 101}};
    struct ind_computed *r = NULL;
    size_t n = 0;
    assert_int_equal(env_figures_of(st, 3, 1, &r, &n), 0);
    assert_true(find(r, n, "MT.AQI", "A", 1) == 100.67); /* 302 / 3 = 100.666… */
    assert_true(find(r, n, "MT.AQI_NGAY_XAU", "A", 1) == 1);
    free(r);
}

static struct telemetry_ingest *open_ingest(const char *dir)
{
    struct telemetry_settings s = {"always", 0, 1 << 20, 100000, 1000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    if (telemetry_ingest_open(dir, &s, &ig, err, sizeof err))
        fail_msg("open: %s", err);
    return ig;
}

struct answer {
    int done, rc;
};
static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    (void)rep;
    struct answer *a = arg;
    a->rc = rc;
    __atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
}

/* One pm25 reading v for station in each hour labelled first … last (at the hour's middle). */
static void readings(struct telemetry_ingest *ig, const char *station, int first, int last,
                     double v)
{
    struct telemetry_batch b;
    telemetry_batch_init(&b, 64);
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    struct telemetry_lp_field f = {{"pm25", 4}, TELEMETRY_LP_FLOAT, {.f = v}};
    for (int h = first; h <= last; h++) {
        struct telemetry_lp_point pt = {{"air", 3}, &tag, 1, &f, 1, LABEL(h) - ENV_HOUR_NS / 2, 1};
        assert_int_equal(telemetry_batch_add(&b, &pt), 0);
    }
    telemetry_batch_finish(&b);
    struct answer a = {0};
    assert_int_equal(telemetry_ingest_submit(ig, b.pts, b.n, on_done, &a), 0);
    while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
        ;
    assert_int_equal(a.rc, 0);
    telemetry_batch_free(&b);
}

static void test_figures_from_stored_readings(void **state)
{
    (void)state;
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir());
    readings(ig, "S1", 1, 24, 65); /* 100 + 50/30·15 = 125 every hour and the day */
    readings(ig, "S2", 1, 24, 40); /* 50 + 2·15 = 80 */
    readings(ig, "S3", 1, 24, 40);
    readings(ig, "S4", 1, 10, 40); /* 10 hours: no daily index (18 needed); hours 2 … 12: 80 */
    readings(ig, "W1", 1, 24, 400);
    struct env_demo_station reg[5] = {0};
    const char *codes[] = {"S1", "S2", "S3", "S4", "W1"};
    const char *communes[] = {"A", "A", "B", "C", "D"};
    for (int i = 0; i < 5; i++) {
        snprintf(reg[i].code, sizeof reg[i].code, "%s", codes[i]);
        snprintf(reg[i].commune, sizeof reg[i].commune, "%s", communes[i]);
        reg[i].kind = i == 4 ? ENV_WATER_LEVEL : ENV_AIR; /* not an air station: skipped */
    }
    int32_t day = env_label_day(LABEL(1));
    struct ind_computed *r = NULL;
    size_t n = 0;
    assert_int_equal(env_figures_days(telemetry_ingest_db(ig), reg, 5, day, day + 1, &r, &n), 0);
    assert_int_equal(n, 3 + 3 + 1 + 2);
    assert_true(find(r, n, "MT.AQI", "A", day) == 102.5); /* (125 + 80) / 2 */
    assert_true(find(r, n, "MT.AQI_NGAY_XAU", "A", day) == 1);
    assert_true(find(r, n, "MT.AQI_MAX", "A", day) == 125);
    assert_true(find(r, n, "MT.AQI", "B", day) == 80);
    assert_true(find(r, n, "MT.AQI_NGAY_XAU", "B", day) == 0);
    assert_true(find(r, n, "MT.AQI_MAX", "B", day) == 80);
    assert_true(isnan(find(r, n, "MT.AQI", "C", day)));
    assert_true(find(r, n, "MT.AQI_MAX", "C", day) == 80);
    assert_true(isnan(find(r, n, "MT.AQI_MAX", "D", day)));
    /* day + 1 has no reading, but its hour labelled 01:00 has an index: its NowCast sees 2 of
     * its 3 hours (the day before's last two); no daily index that day */
    assert_true(find(r, n, "MT.AQI_MAX", "A", day + 1) == 125);
    assert_true(find(r, n, "MT.AQI_MAX", "B", day + 1) == 80);
    assert_true(isnan(find(r, n, "MT.AQI", "A", day + 1)));
    free(r);
    assert_int_equal(env_figures_days(telemetry_ingest_db(ig), reg, 5, day, day - 1, &r, &n),
                     IOC_EINVAL);
    telemetry_ingest_close(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_of_station_days),
        cmocka_unit_test(test_figures_of_rounds_a_mean_to_hundredths),
        cmocka_unit_test(test_figures_from_stored_readings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
