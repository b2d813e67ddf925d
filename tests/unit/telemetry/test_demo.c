/* Unit tests for src/telemetry/demo.c: the demo's synthetic sensors (deterministic values,
 * plausible daily cycles and levels, the pollution episodes and the floods, the caller's
 * stations, the backfill plan, the thread writing through the ingest). */
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

/* The built-in plan. Its recent pollution episode and flood are placed 200 days after DAY0 (not
 * by the clock: near DAY0 they would bend the daily cycles and the tide checked below, on some
 * days of the year and not others). */
static struct telemetry_demo *make(uint64_t seed)
{
    struct telemetry_demo_options o = {
        .communes = communes, .ncommunes = 3, .seed = seed, .now_ns = DAY0 + 200 * 24 * NS_H};
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
    assert_int_equal(telemetry_demo_series(d), TELEMETRY_DEMO_BUILTIN_SERIES);
    assert_int_equal(TELEMETRY_DEMO_BUILTIN_SERIES, 340);
    static const char *const air[] = {"pm25", "pm10", "no2", "so2", "co", "o3", "temperature"};
    const char *m, *f, *st;
    for (int k = 0; k < TELEMETRY_DEMO_AIR_FIELDS; k++) {
        telemetry_demo_series_info(d, (size_t)k, &m, &f, &st);
        assert_string_equal(m, "air");
        assert_string_equal(f, air[k]);
        assert_string_equal(st, "AQ-01");
    }
    telemetry_demo_series_info(d, 280, &m, &f, &st);
    assert_string_equal(m, "water");
    assert_string_equal(st, "WL-01");
    telemetry_demo_series_info(d, TELEMETRY_DEMO_BUILTIN_SERIES - 1, &m, &f, &st);
    assert_string_equal(m, "power");
    assert_string_equal(st, "PW-10");
    const char *c, *cn;
    telemetry_demo_series_where(d, TELEMETRY_DEMO_BUILTIN_SERIES - 1, &c, &cn); /* j = 99 */
    assert_string_equal(c, communes[99 % 3].code);
    telemetry_demo_destroy(d);
    struct telemetry_demo_options none = {communes, 0, 1, 0, 0};
    assert_int_equal(telemetry_demo_create(&none, &d), IOC_EINVAL);
}

/* Two air and two water stations of the caller's registry. */
static const struct telemetry_demo_station given[] = {
    {"BH-KK-01", 0, "26068", "Biên Hòa", {NAN, NAN, NAN}},
    {"DN-BHOA-W", 1, "26068", "Biên Hòa", {1.6, 1.8, 2.0}},
    {"LT-KCN", 0, "26380", NULL, {NAN, NAN, NAN}},
    {"TA-W", 1, "26041", "Trấn Biên", {NAN, NAN, NAN}},
};

static struct telemetry_demo *make_given(uint64_t seed, int64_t now)
{
    struct telemetry_demo_options o = {communes, 3, seed, 0, 0, given, 4, now};
    struct telemetry_demo *d = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    return d;
}

static void test_demo_given_stations_are_the_air_and_water_stations(void **state)
{
    (void)state;
    struct telemetry_demo *d = make_given(0, DAY0);
    assert_int_equal(telemetry_demo_series(d), 2 * TELEMETRY_DEMO_AIR_FIELDS + 2 + 40);
    int air = 0, water = 0, other = 0;
    for (size_t i = 0; i < telemetry_demo_series(d); i++) {
        const char *m, *f, *st, *c, *cn;
        telemetry_demo_series_info(d, i, &m, &f, &st);
        telemetry_demo_series_where(d, i, &c, &cn);
        if (strcmp(m, "air") == 0) {
            air++;
            assert_true(strcmp(st, "BH-KK-01") == 0 || strcmp(st, "LT-KCN") == 0);
            assert_string_equal(c, strcmp(st, "LT-KCN") == 0 ? "26380" : "26068");
            /* no name given: the commune's code */
            assert_string_equal(cn, strcmp(st, "LT-KCN") == 0 ? "26380" : "Biên Hòa");
        } else if (strcmp(m, "water") == 0) {
            water++;
            assert_string_equal(f, "level");
            assert_true(strcmp(st, "DN-BHOA-W") == 0 || strcmp(st, "TA-W") == 0);
            assert_string_equal(c, strcmp(st, "TA-W") == 0 ? "26041" : "26068");
        } else {
            other++;
            assert_true(strncmp(st, "TC-", 3) == 0 || strncmp(st, "PW-", 3) == 0);
        }
    }
    assert_int_equal(air, 14);
    assert_int_equal(water, 2);
    assert_int_equal(other, 40);
    /* the series of a station are consecutive and in field order */
    const char *m, *f, *st;
    telemetry_demo_series_info(d, 4, &m, &f, &st);
    assert_string_equal(f, "co");
    assert_string_equal(st, "BH-KK-01");
    telemetry_demo_series_info(d, 7, &m, &f, &st);
    assert_string_equal(st, "DN-BHOA-W");
    /* every point carries the four tags */
    struct telemetry_batch b;
    telemetry_batch_init(&b, 1000);
    assert_int_equal(telemetry_demo_points(d, DAY0, &b), 0);
    assert_int_equal(b.n, telemetry_demo_series(d));
    telemetry_batch_finish(&b);
    for (size_t i = 0; i < b.n; i++) {
        const char *k = b.pts[i].key;
        size_t n = b.pts[i].key_len;
        assert_non_null(memmem(k, n, "synthetic", 9));
        assert_non_null(memmem(k, n, "commune_name", 12));
        assert_non_null(memmem(k, n, "station", 7));
    }
    telemetry_batch_free(&b);
    telemetry_demo_destroy(d);
    /* refused: a repeated code, a station without commune */
    struct telemetry_demo_station bad[2] = {given[0], given[0]};
    struct telemetry_demo_options o = {communes, 3, 0, 0, 0, bad, 2, DAY0};
    assert_int_equal(telemetry_demo_create(&o, &d), IOC_EINVAL);
    bad[1].code = "X";
    bad[1].commune = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), IOC_EINVAL);
    bad[1].commune = "26041";
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    telemetry_demo_destroy(d);
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
    assert_true(differ > 200); /* the seed matters */
    struct telemetry_demo *g = make_given(7, DAY0), *h = make_given(7, DAY0);
    for (size_t i = 0; i < telemetry_demo_series(g); i++)
        for (int k = 0; k < 50; k++) {
            int64_t t = DAY0 - k * 7 * 24 * NS_H + (int64_t)i * 1000000000;
            assert_true(telemetry_demo_value(g, i, t) == telemetry_demo_value(h, i, t));
        }
    telemetry_demo_destroy(g);
    telemetry_demo_destroy(h);
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
    /* the water level follows a ~12.42 h tide whose range swings with the spring-neap cycle */
    size_t w = find(d, "water", "level");
    double most = 0, least = 1e9;
    for (int day = 0; day < 15; day++) {
        double lo = 1e9, hi = -1e9;
        for (int k = 0; k < 150; k++) {
            double v = telemetry_demo_value(d, w, DAY0 + day * 24 * NS_H + k * NS_H / 6);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        most = hi - lo > most ? hi - lo : most;
        least = hi - lo < least ? hi - lo : least;
    }
    assert_true(most > 1.5 && most < 2.8);   /* spring tides */
    assert_true(least > 0.8 && least < 1.4); /* neap tides */
    double a = telemetry_demo_value(d, w, DAY0),
           b = telemetry_demo_value(d, w, DAY0 + 44712 * INT64_C(1000000000));
    assert_true(fabs(a - b) < 0.4); /* one tidal period later: about the same level */
    telemetry_demo_destroy(d);
}

/* Value of station st's field f at t. */
static double at(const struct telemetry_demo *d, const char *st, const char *f, int64_t t)
{
    for (size_t i = 0; i < telemetry_demo_series(d); i++) {
        const char *mm, *ff, *ss;
        telemetry_demo_series_info(d, i, &mm, &ff, &ss);
        if (strcmp(ss, st) == 0 && strcmp(ff, f) == 0)
            return telemetry_demo_value(d, i, t);
    }
    fail_msg("no series %s %s", st, f);
    return 0;
}

static void test_demo_air_pollutants_have_plausible_levels(void **state)
{
    (void)state;
    struct telemetry_demo *d = make(0); /* DAY0 is a normal day (no episode) */
    /* O3 peaks in the afternoon: the hour of its highest mean is 12-16, 40-180 µg/m³ */
    int best = 0;
    for (int h = 1; h < 24; h++)
        if (mean_at(d, "air", "o3", h) > mean_at(d, "air", "o3", best))
            best = h;
    assert_true(best >= 12 && best <= 16);
    assert_true(mean_at(d, "air", "o3", best) > 100 && mean_at(d, "air", "o3", best) < 180);
    assert_true(mean_at(d, "air", "o3", 3) < 60);
    /* NO2 and CO follow the traffic: the morning rush above the small hours */
    assert_true(mean_at(d, "air", "no2", 7) > 1.5 * mean_at(d, "air", "no2", 3));
    assert_true(mean_at(d, "air", "co", 17.5) > 1.5 * mean_at(d, "air", "co", 3));
    /* every value in its plausible range; PM10 1.4-2.1 times PM2.5 */
    double so2_lo = 1e9, so2_hi = 0;
    for (int s = 1; s <= 40; s++) {
        char st[8];
        snprintf(st, sizeof st, "AQ-%02d", s);
        double so2 = 0;
        for (int h = 0; h < 24; h++) {
            int64_t t = DAY0 + h * NS_H;
            double pm25 = at(d, st, "pm25", t), pm10 = at(d, st, "pm10", t);
            assert_true(pm25 >= 3 && pm25 < 80);
            assert_true(pm10 / pm25 > 1.4 && pm10 / pm25 < 2.1);
            double no2 = at(d, st, "no2", t), co = at(d, st, "co", t), o3 = at(d, st, "o3", t);
            assert_true(no2 > 10 && no2 < 140);
            assert_true(co > 600 && co < 6000);
            assert_true(o3 > 20 && o3 < 190);
            so2 += at(d, st, "so2", t) / 24;
        }
        assert_true(so2 > 5 && so2 < 70);
        so2_lo = so2 < so2_lo ? so2 : so2_lo;
        so2_hi = so2 > so2_hi ? so2 : so2_hi;
    }
    assert_true(so2_hi > 2 * so2_lo); /* the industrial stations stand out */
    telemetry_demo_destroy(d);
}

/* Hours in [from, from + hours) when every air station of d has PM2.5 above 150; the first in
 * *first. */
static int episode_hours(const struct telemetry_demo *d, int64_t from, int hours, int64_t *first)
{
    int n = 0;
    for (int k = 0; k < hours; k++) {
        int64_t t = from + k * NS_H;
        int all = 1, some = 0;
        for (size_t i = 0; i < telemetry_demo_series(d); i++) {
            const char *m, *f, *st;
            telemetry_demo_series_info(d, i, &m, &f, &st);
            if (strcmp(f, "pm25") == 0) {
                some = 1;
                all &= telemetry_demo_value(d, i, t) > 150;
            }
        }
        if (some && all && n++ == 0 && first)
            *first = t;
    }
    return n;
}

static void test_demo_pollution_episodes_in_the_last_days_and_mid_january(void **state)
{
    (void)state;
    int64_t now = DAY0 + 10 * NS_H + 123;
    struct telemetry_demo *d = make_given(0, now);
    /* within the last 10 days, a day or so when PM2.5 is 150-250 ("Xấu", "Rất xấu") */
    int64_t first = 0, from = now - now % NS_H - 240 * NS_H;
    int n = episode_hours(d, from, 240, &first);
    assert_true(n >= 12 && n <= 48);
    int64_t mid = first + n / 2 * NS_H;
    assert_true(at(d, "BH-KK-01", "pm25", mid) < 250 && at(d, "LT-KCN", "pm25", mid) < 250);
    /* the same hour on a normal day: below 80 */
    assert_true(at(d, "BH-KK-01", "pm25", mid - 14 * 24 * NS_H) < 80);
    assert_true(at(d, "LT-KCN", "pm25", mid - 14 * 24 * NS_H) < 80);
    assert_int_equal(episode_hours(d, from - 30 * 24 * NS_H, 30 * 24, NULL), 0);
    /* and each year around mid-January (2027-01-01 00:00 local is DAY0 + 30 days) */
    n = episode_hours(d, DAY0 + 30 * 24 * NS_H, 31 * 24, &first);
    assert_true(n >= 12 && n <= 48);
    assert_true(first > DAY0 + 37 * 24 * NS_H && first < DAY0 + 49 * 24 * NS_H);
    /* the built-in plan has the same episode at all its 40 stations */
    struct telemetry_demo_options o = {communes, 3, 0, 0, 0, NULL, 0, now};
    struct telemetry_demo *b = NULL;
    assert_int_equal(telemetry_demo_create(&o, &b), 0);
    assert_true(episode_hours(b, from, 240, NULL) >= 12);
    telemetry_demo_destroy(b);
    telemetry_demo_destroy(d);
}

static void test_demo_water_crosses_its_alarm_levels_a_few_times_a_year(void **state)
{
    (void)state;
    int64_t now = DAY0 + 10 * NS_H + 123;
    struct telemetry_demo *d = make_given(0, now);
    /* within the last 10 days: above alarm I (1.6 m), below II (1.8 m), and not all the time */
    double hi = -1e9;
    int above = 0, ups = 0, was = 0;
    for (int k = 0; k < 240 * 6; k++) {
        double v = at(d, "DN-BHOA-W", "level", now - 240 * NS_H + k * NS_H / 6);
        hi = v > hi ? v : hi;
        above += v > 1.6;
        ups += v > 1.6 && !was;
        was = v > 1.6;
    }
    assert_true(hi > 1.6 && hi < 1.8);
    assert_true(ups >= 1 && above < 240 * 6 / 10);
    /* over the year before: floods in a few separate days, none in the dry season (Jan-May) */
    int days = 0, dry_days = 0, over2 = 0;
    double top = -1e9;
    for (int day = 365; day > 0; day--) {
        int64_t d0 = DAY0 - (int64_t)day * 24 * NS_H;
        double dmax = -1e9;
        for (int h = 0; h < 24; h++) {
            double v = at(d, "DN-BHOA-W", "level", d0 + h * NS_H);
            dmax = v > dmax ? v : dmax;
        }
        top = dmax > top ? dmax : top;
        days += dmax > 1.6;
        over2 += dmax > 1.8;
        /* 2026-01-01 is DAY0 - 335 days; June 1 is DAY0 - 184 days */
        dry_days += dmax > 1.6 && day <= 335 && day > 184;
    }
    assert_true(days >= 3 && days <= 25);
    assert_int_equal(dry_days, 0);
    assert_true(top < 2.35); /* never far past III */
    (void)over2;
    /* a station without alarm levels still has a tide and finite levels */
    double v = at(d, "TA-W", "level", now);
    assert_true(isfinite(v) && v > -3 && v < 4);
    telemetry_demo_destroy(d);
}

static void test_demo_backfill_plan_counts_and_skips_what_is_stored(void **state)
{
    (void)state;
    int64_t now = DAY0 + 10 * NS_H + 123;
    size_t n = telemetry_demo_backfill_times(now, INT64_MIN, NULL, 0);
    /* 398 days at 1 h + ~2 days at 5 min + 2 h at 1 min */
    assert_true(n > 9552 + 552 + 118 - 5 && n < 9552 + 552 + 120 + 5);
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

/* Waits until d has written at least want points (or 20 s passed). */
static void wait_written(struct telemetry_demo *d, uint64_t want)
{
    int64_t t0 = ioc_mono_ns();
    while (telemetry_demo_written(d) < want && ioc_mono_ns() - t0 < INT64_C(20000000000)) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void test_demo_thread_backfills_then_streams_through_the_ingest(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_settings s = {"off", 0, 1 << 20, 1000, 10000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(dir, &s, &ig, err, sizeof err), 0);
    /* the caller's four stations (56 series with traffic and power) keep the year quick */
    struct telemetry_demo_options o = {communes, 3, 0, 200, 1, given, 4, 0};
    struct telemetry_demo *d = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    size_t ns = telemetry_demo_series(d);
    assert_int_equal(telemetry_demo_start(d, ig), 0);
    size_t plan = telemetry_demo_backfill_times(ioc_now_ms() * 1000000, INT64_MIN, NULL, 0);
    wait_written(d, (uint64_t)(plan + 2) * ns);
    assert_true(telemetry_demo_written(d) >= (uint64_t)(plan + 2) * ns); /* backfill + 2 rounds */
    telemetry_demo_stop(d);
    /* the engine has the series, tagged synthetic, and their newest point is recent */
    struct tsdb_db *db = telemetry_ingest_db(ig);
    struct tsdb_str yes[] = {{"true", 4}};
    struct tsdb_tag_filter f[] = {{"synthetic", 9, yes, 1}};
    uint32_t ids[64];
    size_t n = 0;
    assert_int_equal(tsdb_db_select(db, "traffic", 7, "vehicles", 8, f, 1, ids, 64, &n), 0);
    assert_int_equal(n, 30);
    assert_int_equal(tsdb_db_select(db, "air", 3, "o3", 2, f, 1, ids, 64, &n), 0);
    assert_int_equal(n, 2);
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
    wait_written(d, 1);
    uint64_t first = telemetry_demo_written(d);
    telemetry_demo_stop(d);
    assert_true(first > 0 && first <= 3 * ns);
    telemetry_ingest_close(ig);
    /* a station added since: its year is backfilled, the others only their gap */
    struct telemetry_demo_station more[5] = {
        given[0], given[1], given[2], given[3], {"NEW-AIR", 0, "26041", "Trấn Biên", {0, 0, 0}}};
    o.stations = more;
    o.nstations = 5;
    assert_int_equal(telemetry_ingest_open(dir, &s, &ig, err, sizeof err), 0);
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    assert_int_equal(telemetry_demo_start(d, ig), 0);
    plan = telemetry_demo_backfill_times(ioc_now_ms() * 1000000, INT64_MIN, NULL, 0);
    wait_written(d, (uint64_t)(plan + 1) * TELEMETRY_DEMO_AIR_FIELDS);
    telemetry_demo_stop(d);
    db = telemetry_ingest_db(ig);
    struct tsdb_str code[] = {{"NEW-AIR", 7}};
    struct tsdb_tag_filter fn[] = {{"station", 7, code, 1}};
    assert_int_equal(tsdb_db_select(db, "air", 3, "pm25", 4, fn, 1, ids, 64, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tsdb_db_select(db, "air", 3, "pm25", 4, f, 1, ids, 64, &n), 0);
    assert_int_equal(n, 3);
    telemetry_ingest_close(ig);
}

/* A noise and a water-quality station given: noise laeq (dB(A)) louder in the evening rush
 * than at 3:00 and near the roadside range; water_quality ph, do, tss in a river's range. */
static void test_demo_noise_and_water_quality_stations(void **state)
{
    (void)state;
    static const struct telemetry_demo_station ns[] = {
        {"NO-1", TELEMETRY_DEMO_NOISE, "26068", "Biên Hòa", {NAN, NAN, NAN}},
        {"WQ-1", TELEMETRY_DEMO_WATER_QUALITY, "26068", "Biên Hòa", {NAN, NAN, NAN}},
    };
    struct telemetry_demo_options o = {communes, 3, 0, 0, 0, ns, 2, DAY0};
    struct telemetry_demo *d = NULL;
    assert_int_equal(telemetry_demo_create(&o, &d), 0);
    assert_int_equal(telemetry_demo_series(d), 1 + 3 + 40);
    const char *m, *f, *st;
    telemetry_demo_series_info(d, 0, &m, &f, &st);
    assert_string_equal(m, "noise");
    assert_string_equal(f, "laeq");
    assert_string_equal(st, "NO-1");
    const char *want[] = {"ph", "do", "tss"};
    for (size_t i = 1; i <= 3; i++) {
        telemetry_demo_series_info(d, i, &m, &f, &st);
        assert_string_equal(m, "water_quality");
        assert_string_equal(f, want[i - 1]);
        assert_string_equal(st, "WQ-1");
    }
    double rush = mean_at(d, "noise", "laeq", 17.5), night = mean_at(d, "noise", "laeq", 3);
    assert_true(rush > night + 8);
    assert_true(night > 45 && night < 60 && rush > 60 && rush < 80);
    for (int day = 0; day < 365; day += 7)
        for (int hour = 0; hour < 24; hour += 5) {
            int64_t t = DAY0 - (int64_t)day * 24 * NS_H + hour * NS_H;
            double ph = telemetry_demo_value(d, 1, t), dox = telemetry_demo_value(d, 2, t),
                   tss = telemetry_demo_value(d, 3, t);
            assert_true(ph > 6.3 && ph < 7.6);
            assert_true(dox > 3 && dox < 7.5);
            assert_true(tss > 10 && tss < 130);
        }
    /* a kind out of range is refused */
    struct telemetry_demo_station bad = ns[0];
    bad.kind = TELEMETRY_DEMO_WATER_QUALITY + 1;
    o.stations = &bad;
    o.nstations = 1;
    struct telemetry_demo *e = NULL;
    assert_int_equal(telemetry_demo_create(&o, &e), IOC_EINVAL);
    telemetry_demo_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_plan_has_the_series_and_refuses_no_commune),
        cmocka_unit_test(test_demo_given_stations_are_the_air_and_water_stations),
        cmocka_unit_test(test_demo_values_are_deterministic_given_seed_and_time),
        cmocka_unit_test(test_demo_daily_cycles_are_plausible),
        cmocka_unit_test(test_demo_air_pollutants_have_plausible_levels),
        cmocka_unit_test(test_demo_pollution_episodes_in_the_last_days_and_mid_january),
        cmocka_unit_test(test_demo_water_crosses_its_alarm_levels_a_few_times_a_year),
        cmocka_unit_test(test_demo_backfill_plan_counts_and_skips_what_is_stored),
        cmocka_unit_test(test_demo_thread_backfills_then_streams_through_the_ingest),
        cmocka_unit_test(test_demo_noise_and_water_quality_stations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
