/* Unit tests for the incremental AQI engine (src/environment/engine.c) on a real telemetry
 * ingest: results written back as the `aqi` series equal the on-read computation, never past
 * the hour in progress; a late reading recomputes exactly the 12 hours and the day it touches;
 * a start backfills what a stopped engine missed; water alarm crossings reach the options'
 * durable hook (the webhooks) as `station` events, each once, after their point is written; a
 * crossing made while the engine was stopped is announced by the next start, once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "environment/environment.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

/* 2026-06-01 00:00 +07:00 */
#define D0 (INT64_C(1780246800) * 1000000000)
#define LABEL(h) (D0 + (int64_t)(h)*ENV_HOUR_NS)

static int64_t now_ns;
static int64_t fixed_now(void)
{
    return now_ns;
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

/* Writes one reading of field (pm25 …) for station in the hour labelled h (at its middle). */
static void reading(struct telemetry_ingest *ig, const char *station, const char *field, int h,
                    double v)
{
    struct telemetry_batch b;
    telemetry_batch_init(&b, 16);
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    struct telemetry_lp_field f = {{field, strlen(field)}, TELEMETRY_LP_FLOAT, {.f = v}};
    struct telemetry_lp_point pt = {{"air", 3}, &tag, 1, &f, 1, LABEL(h) - ENV_HOUR_NS / 2, 1};
    assert_int_equal(telemetry_batch_add(&b, &pt), 0);
    telemetry_batch_finish(&b);
    struct answer a = {0};
    assert_int_equal(telemetry_ingest_submit(ig, b.pts, b.n, on_done, &a), 0);
    while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
        ;
    assert_int_equal(a.rc, 0);
    telemetry_batch_free(&b);
}

/* The engine's `aqi` value for the hour labelled h (read at the hour's start), or -1. */
static double stored(struct telemetry_ingest *ig, const char *station, int h)
{
    struct tsdb_str v = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    struct telemetry_query q = {.measurement = "aqi",
                                .field = "aqi",
                                .filters = &f,
                                .nfilters = 1,
                                .start = LABEL(h) - ENV_HOUR_NS,
                                .end = LABEL(h),
                                .step = ENV_HOUR_NS};
    struct telemetry_qresult r;
    double out = -1;
    if (telemetry_query_window(telemetry_ingest_db(ig), &q, &r) == 0 && r.ngroups == 1)
        if (tsdb_bucket_value(&r.groups[0].w.b[0], TSDB_AGG_LAST, &out) != 0)
            out = -1;
    telemetry_qresult_free(&r);
    return out;
}

static unsigned long long counter(struct env_engine *e, const char *name)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    env_engine_metrics(e, &b);
    char key[96];
    snprintf(key, sizeof key, "\n%s ", name);
    const char *p = strstr(b.data, key);
    unsigned long long v = p ? strtoull(p + strlen(key), NULL, 10) : 0;
    ioc_buf_free(&b);
    return v;
}

static void test_engine_writes_what_the_readings_give_and_stops_at_the_hour_in_progress(void **s)
{
    (void)s;
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir());
    now_ns = LABEL(23) - ENV_HOUR_NS / 2; /* 22:30: the hour in progress is labelled 23:00 */
    struct env_engine_options o = {.now_fn = fixed_now};
    struct env_engine *e = NULL;
    assert_int_equal(env_engine_start(ig, &o, &e), 0);
    for (int h = 1; h <= 20; h++)
        reading(ig, "S1", "pm25", h, 27.25); /* NowCast 27.25 → 50 + 2·2.25 = 54.5 → 55 */
    assert_int_equal(env_engine_flush(e, 10000), 0);
    struct env_aqi_row *rows;
    size_t n;
    assert_int_equal(env_aqi_hourly(telemetry_ingest_db(ig), "S1", LABEL(1), LABEL(23), &rows, &n),
                     0);
    assert_int_equal(n, 23);
    for (int h = 1; h <= 23; h++)
        assert_true(stored(ig, "S1", h) == rows[h - 1].r.aqi ||
                    (rows[h - 1].r.aqi < 0 && stored(ig, "S1", h) < 0));
    free(rows);
    assert_true(stored(ig, "S1", 20) == 55);
    assert_true(stored(ig, "S1", 21) == 55); /* c2, c3 present */
    assert_true(stored(ig, "S1", 22) < 0);   /* only c3: no index */
    assert_true(stored(ig, "S1", 23) < 0);
    assert_true(stored(ig, "S1", 24) < 0); /* past the hour in progress: not written */
    struct env_latest *l;
    assert_int_equal(env_engine_latest(e, "S1", &l, &n), 0);
    assert_int_equal(n, 1);
    assert_true(l[0].label == LABEL(23));
    assert_int_equal(l[0].hour.aqi, -1);
    assert_int_equal(l[0].day, env_label_day(LABEL(1)));
    free(l);

    /* a late reading in the hour labelled 5: the hours 5 … 16 and that day, nothing else */
    unsigned long long h0 = counter(e, "ioc_aqi_hour_results_total");
    unsigned long long d0 = counter(e, "ioc_aqi_day_results_total");
    reading(ig, "S1", "pm10", 5, 420); /* PM10 alone in its last 3 hours everywhere: */
    assert_int_equal(env_engine_flush(e, 10000), 0);
    assert_int_equal(counter(e, "ioc_aqi_hour_results_total") - h0, 12);
    assert_int_equal(counter(e, "ioc_aqi_day_results_total") - d0, 1);
    /* no PM10 value in any hour (never 2 of the last 3), so PM2.5's 55 stays */
    assert_true(stored(ig, "S1", 5) == 55);
    env_engine_stop(e);
    telemetry_ingest_close(ig);
}

static void test_engine_start_backfills_what_a_stopped_engine_missed(void **s)
{
    (void)s;
    const char *dir = test_fresh_dir();
    struct telemetry_ingest *ig = open_ingest(dir);
    now_ns = LABEL(30);
    struct env_engine_options o = {.now_fn = fixed_now};
    struct env_engine *e = NULL;
    assert_int_equal(env_engine_start(ig, &o, &e), 0);
    for (int h = 1; h <= 3; h++)
        reading(ig, "S2", "pm25", h, 10);
    assert_int_equal(env_engine_flush(e, 10000), 0);
    assert_true(stored(ig, "S2", 3) == 20); /* 50·10/25 = 20 */
    env_engine_stop(e);
    for (int h = 4; h <= 10; h++) /* nobody computes these */
        reading(ig, "S2", "pm25", h, 50);
    assert_true(stored(ig, "S2", 10) < 0);
    telemetry_ingest_close(ig);
    ig = open_ingest(dir);
    assert_int_equal(env_engine_start(ig, &o, &e), 0);
    assert_int_equal(env_engine_flush(e, 10000), 0);
    /* hour 10: c1 … c7 = 50, c8 … c10 = 10 → w* = 0.2 → ½: NowCast =
     * (50·(1 + ½ + … + ½⁶) + 10·(½⁷ + ½⁸ + ½⁹)) / (1 + … + ½⁹) = 49.726 → 50 + 50·24.726/25
     * = 99.45 → 99 */
    assert_true(stored(ig, "S2", 10) == 99);
    env_engine_stop(e);
    telemetry_ingest_close(ig);
}

/* The live stream's `station` event of a crossing. */
static void test_water_event_json(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    env_water_event_json("WL-DN3", 1796205600123456789LL, 2.1, 0, 2, &b);
    assert_string_equal(b.data,
                        "{\"code\":\"WL-DN3\",\"kind\":\"water_level\",\"alarm_state\":2,"
                        "\"previous\":0,\"level\":2.1,\"at\":\"2026-12-02T10:00:00.123Z\"}");
    ioc_buf_free(&b);
}

/* What the durable hook got: every event's type, agency and JSON, and the number of calls. */
struct hooked {
    pthread_mutex_t lock;
    int calls, n;
    char type[8][16], json[8][256];
    int64_t agency[8];
};
static void on_durable(void *ctx, const struct env_event *ev, size_t n)
{
    struct hooked *h = ctx;
    pthread_mutex_lock(&h->lock);
    h->calls++;
    for (size_t i = 0; i < n && h->n < 8; i++, h->n++) {
        snprintf(h->type[h->n], sizeof h->type[0], "%s", ev[i].type);
        snprintf(h->json[h->n], sizeof h->json[0], "%.*s", (int)ev[i].n, ev[i].json);
        h->agency[h->n] = ev[i].agency_id;
    }
    pthread_mutex_unlock(&h->lock);
}
static int hooked_n(struct hooked *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->n;
    pthread_mutex_unlock(&h->lock);
    return n;
}

/* Writes water levels of station: t_s[i] (seconds) → level[i], one batch. */
static void levels(struct telemetry_ingest *ig, const char *station, const int64_t *t_s,
                   const double *level, size_t n)
{
    struct telemetry_batch b;
    telemetry_batch_init(&b, 16);
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    for (size_t i = 0; i < n; i++) {
        struct telemetry_lp_field f = {{"level", 5}, TELEMETRY_LP_FLOAT, {.f = level[i]}};
        struct telemetry_lp_point pt = {{"water", 5}, &tag, 1, &f, 1, t_s[i] * 1000000000, 1};
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

static void test_water_crossings_reach_the_durable_hook(void **state)
{
    (void)state;
    struct store *st = NULL;
    struct store_conn *db = NULL;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    struct store_station s = {.code = "WL-H1",
                              .name_vi = "Trạm thử",
                              .name_en = "",
                              .kind = "water_level",
                              .lat = 10.9368,
                              .lon = 106.8112,
                              .measures = "level",
                              .agency = "",
                              .alarm = {1, 2, 3},
                              .has_alarm = {1, 1, 1}};
    enum store_station_outcome out;
    int64_t version;
    assert_int_equal(store_station_put(db, &s, STORE_STATION_ANY, &out, &version), 0);
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir());
    now_ns = D0;
    struct hooked h = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct env_engine_options o = {
        .now_fn = fixed_now, .store = st, .durable = on_durable, .durable_ctx = &h};
    struct env_engine *e = NULL;
    assert_int_equal(env_engine_start(ig, &o, &e), 0);
    int64_t t0 = D0 / 1000000000;
    /* the first reading sets the state (no event); 2.5 reaches II; 2.6 stays II (none) */
    levels(ig, "WL-H1", (int64_t[]){t0, t0 + 60, t0 + 120}, (double[]){0.5, 2.5, 2.6}, 3);
    for (int i = 0; i < 1000 && hooked_n(&h) < 1; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    assert_int_equal(hooked_n(&h), 1);
    /* back under I: a second event, in a call of its own */
    levels(ig, "WL-H1", (int64_t[]){t0 + 180}, (double[]){0.4}, 1);
    for (int i = 0; i < 1000 && hooked_n(&h) < 2; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    env_engine_stop(e); /* the hook is not called after it */
    assert_int_equal(h.n, 2);
    assert_int_equal(h.calls, 2);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    env_water_event_json("WL-H1", (t0 + 60) * 1000000000, 2.5, 0, 2, &b);
    assert_string_equal(h.json[0], b.data);
    ioc_buf_reset(&b);
    env_water_event_json("WL-H1", (t0 + 180) * 1000000000, 0.4, 2, 0, &b);
    assert_string_equal(h.json[1], b.data);
    ioc_buf_free(&b);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(h.type[i], "station");
        assert_true(h.agency[i] == -1); /* no agency: everyone's (EVENTS_EVERYONE) */
    }
    /* the crossing was written before the hook saw it: the water_alarm series holds it */
    struct tsdb_str v = {"WL-H1", 5};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    struct telemetry_query q = {
        .measurement = "water_alarm", .field = "state", .filters = &f, .nfilters = 1};
    struct telemetry_qresult r = {0};
    assert_int_equal(telemetry_query_latest(telemetry_ingest_db(ig), &q, &r), 0);
    assert_int_equal(r.nentries, 1);
    assert_true(r.entries[0].has_point && r.entries[0].t == (t0 + 180) * 1000000000);
    telemetry_qresult_free(&r);
    telemetry_ingest_close(ig);
    store_conn_close(db);
    store_close(st);
}

/* The water_level station WL-R1 with alarm levels 1, 2, 3 m, stored in st. */
static void water_station(struct store *st)
{
    struct store_conn *db = NULL;
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    struct store_station s = {.code = "WL-R1",
                              .name_vi = "Trạm thử",
                              .name_en = "",
                              .kind = "water_level",
                              .lat = 10.9368,
                              .lon = 106.8112,
                              .measures = "level",
                              .agency = "",
                              .alarm = {1, 2, 3},
                              .has_alarm = {1, 1, 1}};
    enum store_station_outcome out;
    int64_t version;
    assert_int_equal(store_station_put(db, &s, STORE_STATION_ANY, &out, &version), 0);
    store_conn_close(db);
}

/* Starts an engine over ig and st, lets it run until it has handed want events to its hook
 * (or, for want 0, 300 ms), stops it and returns what the hook got. */
static void run_engine(struct telemetry_ingest *ig, struct store *st, struct hooked *h, int want)
{
    *h = (struct hooked){.lock = PTHREAD_MUTEX_INITIALIZER};
    struct env_engine_options o = {
        .now_fn = fixed_now, .store = st, .durable = on_durable, .durable_ctx = h};
    struct env_engine *e = NULL;
    assert_int_equal(env_engine_start(ig, &o, &e), 0);
    for (int i = 0; i < (want ? 1000 : 30) && hooked_n(h) < (want ? want : 1); i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    env_engine_stop(e);
}

static void want_event(const struct hooked *h, int i, int64_t t_s, double level, int from, int to)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    env_water_event_json("WL-R1", t_s * 1000000000, level, from, to, &b);
    assert_string_equal(h->json[i], b.data);
    assert_string_equal(h->type[i], "station");
    ioc_buf_free(&b);
}

static void test_water_start_announces_a_crossing_made_while_stopped(void **state)
{
    (void)state;
    struct store *st = NULL;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    water_station(st);
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir());
    now_ns = D0;
    int64_t t0 = D0 / 1000000000;
    struct hooked h;
    /* the only reading, already over II: the baseline, as live (no event), at every start */
    levels(ig, "WL-R1", (int64_t[]){t0}, (double[]){2.2}, 1);
    run_engine(ig, st, &h, 0);
    assert_int_equal(h.n, 0);
    /* stopped: back under I (seen by no engine); the start announces 2 → 0 against the first
     * reading, the state the engine last compared with */
    levels(ig, "WL-R1", (int64_t[]){t0 + 60}, (double[]){0.5}, 1);
    run_engine(ig, st, &h, 1);
    assert_int_equal(h.n, 1);
    want_event(&h, 0, t0 + 60, 0.5, 2, 0);
    /* once: the water_alarm point now says 0, as the latest reading does */
    run_engine(ig, st, &h, 0);
    assert_int_equal(h.n, 0);
    /* stopped: 2.5 (II) then 3.4 (III): one event, from the state announced last to the latest
     * reading's (the readings in between are not replayed) */
    levels(ig, "WL-R1", (int64_t[]){t0 + 120, t0 + 180}, (double[]){2.5, 3.4}, 2);
    run_engine(ig, st, &h, 1);
    assert_int_equal(h.n, 1);
    want_event(&h, 0, t0 + 180, 3.4, 0, 3);
    run_engine(ig, st, &h, 0);
    assert_int_equal(h.n, 0);
    /* a reading in the same state as the one announced: nothing */
    levels(ig, "WL-R1", (int64_t[]){t0 + 240}, (double[]){3.1}, 1);
    run_engine(ig, st, &h, 0);
    assert_int_equal(h.n, 0);
    telemetry_ingest_close(ig);
    store_close(st);
}

int main(void)
{
    ioc_log_set_level(IOC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_engine_writes_what_the_readings_give_and_stops_at_the_hour_in_progress),
        cmocka_unit_test(test_engine_start_backfills_what_a_stopped_engine_missed),
        cmocka_unit_test(test_water_event_json),
        cmocka_unit_test(test_water_crossings_reach_the_durable_hook),
        cmocka_unit_test(test_water_start_announces_a_crossing_made_while_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
