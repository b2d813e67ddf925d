/* Unit tests for src/telemetry/demo.c: the demo's synthetic sensors (deterministic values,
 * plausible daily cycles, the backfill plan, the thread writing through the ingest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

#define NS_H (INT64_C(3600) * 1000000000)
/* 2026-12-02 00:00 in Asia/Ho_Chi_Minh (a Wednesday) */
#define DAY0 (INT64_C(1796144400) * 1000000000)

static const struct telemetry_demo_commune communes[] = {
    {"26041", "Biên Hòa"}, {"26068", "Trấn Biên"}, {"26380", "Long Khánh"}};

static struct telemetry_demo *make(uint64_t seed)
{
    struct telemetry_demo_options o = {communes, 3, seed, 0, 0};
    struct telemetry_demo *d = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    return d;
}

/* Index of the first series of measurement m and field f. */
static size_t find(const struct telemetry_demo *d, const char *m, const char *f)
{
    for (size_t i = 0; i < telemetry_demo_series(d); i++) {
        const char *mm, *ff, *st;
        telemetry_demo_series_info(d, i, &mm, &ff, &st);
        if (strcmp(mm, m) == 0 && strcmp(ff, f) == 0)
            return i;
    }
    fail_msg("no series %s %s", m, f);
    return 0;
}

static void test_demo_plan_has_the_series_and_refuses_no_commune(void **state)
{
    (void)state;
    struct telemetry_demo *d = make(0);
    assert_int_equal(telemetry_demo_series(d), TELEMETRY_DEMO_SERIES);
    const char *m, *f, *st;
    telemetry_demo_series_info(d, 0, &m, &f, &st);
    assert_string_equal(m, "air");
    assert_string_equal(f, "pm25");
    assert_string_equal(st, "AQ-01");
    telemetry_demo_series_info(d, TELEMETRY_DEMO_SERIES - 1, &m, &f, &st);
    assert_string_equal(m, "power");
    assert_string_equal(st, "PW-10");
    telemetry_demo_destroy(d);
    struct telemetry_demo_options none = {communes, 0, 1, 0, 0};
    assert_int_equal(telemetry_demo_create(&none, &d), IOC_EINVAL);
}

static void test_demo_values_are_deterministic_given_seed_and_time(void **state)
{
    (void)state;
    struct telemetry_demo *a = make(7), *b = make(7), *c = make(8);
    int differ = 0;
    for (size_t i = 0; i < telemetry_demo_series(a); i++) {
        int64_t t = DAY0 + (int64_t)i * 977 * 1000000000;
        assert_true(telemetry_demo_value(a, i, t) == telemetry_demo_value(b, i, t));
        differ += telemetry_demo_value(a, i, t) != telemetry_demo_value(c, i, t);
        assert_true(isfinite(telemetry_demo_value(a, i, t)));
    }
    assert_true(differ > 100); /* the seed matters */
    telemetry_demo_destroy(a);
    telemetry_demo_destroy(b);
    telemetry_demo_destroy(c);
}

/* Mean over the stations of measurement m, field f at local hour h of DAY0. */
static double mean_at(const struct telemetry_demo *d, const char *m, const char *f, double h)
{
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < telemetry_demo_series(d); i++) {
        const char *mm, *ff, *st;
        telemetry_demo_series_info(d, i, &mm, &ff, &st);
        if (strcmp(mm, m) == 0 && strcmp(ff, f) == 0) {
            sum += telemetry_demo_value(d, i, DAY0 + (int64_t)(h * (double)NS_H));
            n++;
        }
    }
    return sum / n;
}

static void test_demo_daily_cycles_are_plausible(void **state)
{
    (void)state;
    struct telemetry_demo *d = make(0);
    /* traffic: peaks at 7:00 and 17:30, quiet at 3:00 */
    assert_true(mean_at(d, "traffic", "vehicles", 7) > 3 * mean_at(d, "traffic", "vehicles", 3));
    assert_true(mean_at(d, "traffic", "vehicles", 17.5) >
                2 * mean_at(d, "traffic", "vehicles", 14.5));
    /* PM2.5 higher at night and at the rush hour than in the afternoon */
    assert_true(mean_at(d, "air", "pm25", 2) > mean_at(d, "air", "pm25", 14));
    assert_true(mean_at(d, "air", "pm25", 7.5) > mean_at(d, "air", "pm25", 14));
    /* PM10 above PM2.5; the afternoon warmer than the dawn; the evening load above the night */
    assert_true(mean_at(d, "air", "pm10", 9) > mean_at(d, "air", "pm25", 9));
    assert_true(mean_at(d, "air", "temperature", 14) > mean_at(d, "air", "temperature", 5) + 4);
    assert_true(mean_at(d, "power", "load_mw", 19) > mean_at(d, "power", "load_mw", 3));
    /* the water level follows a ~12.42 h tide: it changes by more than 1 m over 6.2 h */
    size_t w = find(d, "water", "level");
    double lo = 1e9, hi = -1e9;
    for (int k = 0; k < 75; k++) {
        double v = telemetry_demo_value(d, w, DAY0 + k * NS_H / 6);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    assert_true(hi - lo > 1.0);
    assert_true(hi - lo < 2.5);
    double a = telemetry_demo_value(d, w, DAY0),
           b = telemetry_demo_value(d, w, DAY0 + 44712 * INT64_C(1000000000));
    assert_true(fabs(a - b) < 0.4); /* one tidal period later: about the same level */
    telemetry_demo_destroy(d);
}

static void test_demo_backfill_plan_counts_and_skips_what_is_stored(void **state)
{
    (void)state;
    int64_t now = DAY0 + 10 * NS_H + 123;
    size_t n = telemetry_demo_backfill_times(now, INT64_MIN, NULL, 0);
    /* 365 days at 6 h + 33 days at 1 h + ~2 days at 5 min + 2 h at 1 min */
    assert_true(n > 1460 + 792 + 552 + 118 - 10 && n < 1460 + 792 + 552 + 120 + 10);
    int64_t *t = malloc(n * sizeof *t);
    assert_int_equal(telemetry_demo_backfill_times(now, INT64_MIN, t, n), n);
    for (size_t i = 1; i < n; i++)
        assert_true(t[i] > t[i - 1]);
    assert_true(t[n - 1] < now && t[n - 1] > now - 60 * INT64_C(1000000000) - 1);
    assert_true(t[0] >= now - 400 * 24 * NS_H);
    /* after a restart only the gap is filled */
    size_t gap = telemetry_demo_backfill_times(now, now - NS_H / 2, NULL, 0);
    assert_true(gap >= 29 && gap <= 31);
    free(t);
}

static void test_demo_thread_backfills_then_streams_through_the_ingest(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_settings s = {"off", 0, 1 << 20, 1000, 10000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(dir, &s, &ig, err, sizeof err), 0);
    struct telemetry_demo_options o = {communes, 3, 0, 200, 1};
    struct telemetry_demo *d = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    int64_t t0 = ioc_mono_ns();
    assert_int_equal(telemetry_demo_start(d, ig), 0);
    size_t plan = telemetry_demo_backfill_times(ioc_now_ms() * 1000000, INT64_MIN, NULL, 0);
    uint64_t want = (uint64_t)(plan + 2) * TELEMETRY_DEMO_SERIES;
    while (telemetry_demo_written(d) < want && ioc_mono_ns() - t0 < INT64_C(20000000000)) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(telemetry_demo_written(d) >= want); /* backfill plus two live rounds */
    telemetry_demo_stop(d);
    /* the engine has the series, tagged synthetic, and their newest point is recent */
    struct tsdb_db *db = telemetry_ingest_db(ig);
    struct tsdb_str yes[] = {{"true", 4}};
    struct tsdb_tag_filter f[] = {{"synthetic", 9, yes, 1}};
    uint32_t ids[64];
    size_t n = 0;
    assert_int_equal(tsdb_db_select(db, "traffic", 7, "vehicles", 8, f, 1, ids, 64, &n), 0);
    assert_int_equal(n, 30);
    int64_t t;
    uint64_t v;
    enum tsdb_type type;
    assert_int_equal(tsdb_db_latest(db, ids[0], &t, &v, &type), 0);
    assert_true(t > (ioc_now_ms() - 5000) * INT64_C(1000000));
    assert_int_equal(t % (200 * 1000000), 0); /* live points at multiples of the interval */
    telemetry_ingest_close(ig);
    /* a restart writes only the gap: a handful of times, not the year again */
    assert_int_equal(telemetry_ingest_open(dir, &s, &ig, err, sizeof err), 0);
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    assert_int_equal(telemetry_demo_start(d, ig), 0);
    t0 = ioc_mono_ns();
    while (telemetry_demo_written(d) == 0 && ioc_mono_ns() - t0 < INT64_C(5000000000)) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    uint64_t first = telemetry_demo_written(d);
    telemetry_demo_stop(d);
    assert_true(first > 0 && first <= 3 * TELEMETRY_DEMO_SERIES);
    telemetry_ingest_close(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_plan_has_the_series_and_refuses_no_commune),
        cmocka_unit_test(test_demo_values_are_deterministic_given_seed_and_time),
        cmocka_unit_test(test_demo_daily_cycles_are_plausible),
        cmocka_unit_test(test_demo_backfill_plan_counts_and_skips_what_is_stored),
        cmocka_unit_test(test_demo_thread_backfills_then_streams_through_the_ingest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
