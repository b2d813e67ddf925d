/*
 * demo.c — the demo's synthetic sensor series (contract in telemetry.h, "the demo's synthetic
 * sensors"): the plan of stations (the caller's air and water stations or a built-in plan,
 * then traffic and power over the given communes), a backfill of history at start and one
 * point per series each interval. The values are demo_model.c's.
 *
 * Invariants:
 *   1. Series of one station are consecutive: an air station has TELEMETRY_DEMO_AIR_FIELDS
 *      (pm25 pm10 no2 so2 co o3 temperature), the others one. The built-in plan is stations
 *      0-39 air (280 series), 40-59 water, 60-89 traffic, 90-99 power: 340 series; station j
 *      in commune j mod ncommunes. Given stations replace 0-59; traffic and power keep their j.
 *   2. Every point carries the tags commune, commune_name, station and synthetic=true.
 *   3. The thread has at most one batch in the ingest at a time and waits for its answer
 *      before freeing it or submitting another, so the batch's memory lives until done ran
 *      (the backfill makes the next batch meanwhile); stop wakes it at once (condition
 *      variable).
 */
#include "telemetry/telemetry.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/demo_int.h"

#define NS_S INT64_C(1000000000)
#define NS_MIN (60 * NS_S)
#define NS_H (3600 * NS_S)
#define NS_D (24 * NS_H)
#define LOCAL_OFFSET_S (7 * 3600) /* Asia/Ho_Chi_Minh, no daylight saving */
#define BACKFILL_BATCH 40000      /* points per submitted backfill batch */

static const struct {
    const char *m, *field;
} kinds[] = {
    [DK_PM25] = {"air", "pm25"},
    [DK_PM10] = {"air", "pm10"},
    [DK_NO2] = {"air", "no2"},
    [DK_SO2] = {"air", "so2"},
    [DK_CO] = {"air", "co"},
    [DK_O3] = {"air", "o3"},
    [DK_TEMP] = {"air", "temperature"},
    [DK_WATER] = {"water", "level"},
    [DK_LAEQ] = {"noise", "laeq"},
    [DK_PH] = {"water_quality", "ph"},
    [DK_DO] = {"water_quality", "do"},
    [DK_TSS] = {"water_quality", "tss"},
    [DK_TRAFFIC] = {"traffic", "vehicles"},
    [DK_POWER] = {"power", "load_mw"},
};

struct telemetry_demo {
    struct demo_model model;
    struct demo_station *stations;
    size_t nstations;
    struct demo_series *series;
    size_t nseries;
    int interval_ms, backfill;
    /* the thread */
    struct telemetry_ingest *ig;
    pthread_t thread;
    int running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping, answered, answer_rc;
    atomic_ullong written;
};

double telemetry_demo_value(const struct telemetry_demo *d, size_t i, int64_t t_ns)
{
    struct demo_time tm;
    demo_at(&d->model, t_ns, &tm);
    const struct demo_series *s = &d->series[i];
    return demo_value(&d->model, &d->stations[s->station], s, &tm);
}

/* ---- the plan ---------------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Adds station (code, commune) and its series; 0 or IOC_ENOMEM. */
static int add_station(struct telemetry_demo *d, enum demo_station_kind kind, const char *code,
                       const char *commune, const char *commune_name, const double *alarm)
{
    struct demo_station *st = &d->stations[d->nstations];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->code = dup_or_null(code);
    st->commune = dup_or_null(commune);
    st->commune_name = dup_or_null(commune_name ? commune_name : commune);
    d->nstations++; /* freed by destroy from here on */
    if (!st->code || !st->commune || !st->commune_name)
        return IOC_ENOMEM;
    for (int k = 0; k < 3; k++)
        st->alarm[k] = alarm ? alarm[k] : NAN;
    st->key = demo_hash(code);
    demo_station_prepare(&d->model, st);
    static const enum demo_kind first[] = {
        [DS_AIR] = DK_PM25, [DS_WATER] = DK_WATER,     [DS_NOISE] = DK_LAEQ,
        [DS_WQ] = DK_PH,    [DS_TRAFFIC] = DK_TRAFFIC, [DS_POWER] = DK_POWER};
    int n = kind == DS_AIR ? TELEMETRY_DEMO_AIR_FIELDS : kind == DS_WQ ? 3 : 1;
    for (int k = 0; k < n; k++) {
        struct demo_series *s = &d->series[d->nseries++];
        s->kind = (enum demo_kind)(first[kind] + k);
        s->station = d->nstations - 1;
        s->key = st->key ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(s->kind + 1));
    }
    return 0;
}

static int builtin(struct telemetry_demo *d, const struct telemetry_demo_commune *cs, size_t nc,
                   enum demo_station_kind kind, int j, int number)
{
    static const char *const prefix[] = {"AQ", "WL", "NO", "WQ", "TC", "PW"};
    char code[8];
    snprintf(code, sizeof code, "%s-%02d", prefix[kind], number % 100);
    const struct telemetry_demo_commune *c = &cs[(size_t)j % nc];
    return add_station(d, kind, code, c->code, c->name, NULL);
}

static int check_stations(const struct telemetry_demo_options *o)
{
    if (o->nstations > TELEMETRY_DEMO_MAX_STATIONS)
        return IOC_EINVAL;
    for (size_t i = 0; i < o->nstations; i++) {
        const struct telemetry_demo_station *s = &o->stations[i];
        if (!s->code || !*s->code || !s->commune || !*s->commune || s->kind < TELEMETRY_DEMO_AIR ||
            s->kind > TELEMETRY_DEMO_WATER_QUALITY)
            return IOC_EINVAL;
        for (size_t k = 0; k < i; k++)
            if (strcmp(o->stations[k].code, s->code) == 0)
                return IOC_EINVAL;
    }
    return 0;
}

int telemetry_demo_create(const struct telemetry_demo_options *o, struct telemetry_demo **out)
{
    *out = NULL;
    if (!o->communes || o->ncommunes == 0 || (o->stations && check_stations(o)))
        return IOC_EINVAL;
    size_t given = o->stations ? o->nstations : 0, nst = (o->stations ? given : 60) + 40;
    struct telemetry_demo *d = calloc(1, sizeof *d);
    if (!d)
        return IOC_ENOMEM;
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    d->stations = calloc(nst, sizeof *d->stations);
    d->series = calloc(nst * TELEMETRY_DEMO_AIR_FIELDS, sizeof *d->series);
    if (!d->stations || !d->series) {
        telemetry_demo_destroy(d);
        return IOC_ENOMEM;
    }
    d->model.seed = o->seed ? o->seed : 2026;
    int64_t now_s = (o->now_ns ? o->now_ns / NS_S : ioc_now_ms() / 1000) + LOCAL_OFFSET_S;
    d->model.anchor_day = now_s / 86400;
    d->interval_ms = o->interval_ms > 0 ? o->interval_ms : 10000;
    d->backfill = o->backfill;
    const struct telemetry_demo_commune *cs = o->communes;
    size_t nc = o->ncommunes;
    int rc = 0;
    for (size_t i = 0; i < given && rc == 0; i++) {
        const struct telemetry_demo_station *s = &o->stations[i];
        static const enum demo_station_kind ds[] = {DS_AIR, DS_WATER, DS_NOISE, DS_WQ};
        rc = add_station(d, ds[s->kind], s->code, s->commune, s->commune_name, s->alarm);
    }
    for (int j = 0; j < 100 && rc == 0; j++) {
        if (j < 60 && !o->stations)
            rc = builtin(d, cs, nc, j < 40 ? DS_AIR : DS_WATER, j, j < 40 ? j + 1 : j - 39);
        else if (j >= 60)
            rc = builtin(d, cs, nc, j < 90 ? DS_TRAFFIC : DS_POWER, j, j < 90 ? j - 59 : j - 89);
    }
    if (rc) {
        telemetry_demo_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void telemetry_demo_destroy(struct telemetry_demo *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nstations; i++) {
        free(d->stations[i].code);
        free(d->stations[i].commune);
        free(d->stations[i].commune_name);
    }
    free(d->stations);
    free(d->series);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    free(d);
}

size_t telemetry_demo_series(const struct telemetry_demo *d)
{
    return d->nseries;
}

void telemetry_demo_series_info(const struct telemetry_demo *d, size_t i, const char **m,
                                const char **field, const char **station)
{
    *m = kinds[d->series[i].kind].m;
    *field = kinds[d->series[i].kind].field;
    *station = d->stations[d->series[i].station].code;
}

void telemetry_demo_series_where(const struct telemetry_demo *d, size_t i, const char **commune,
                                 const char **commune_name)
{
    *commune = d->stations[d->series[i].station].commune;
    *commune_name = d->stations[d->series[i].station].commune_name;
}

/* Adds the points at t_ns of the series whose newest stored point is before it (after: per
 * series, NULL for all). */
static int points_after(const struct telemetry_demo *d, int64_t t_ns, const int64_t *after,
                        struct telemetry_batch *b)
{
    struct demo_time tm;
    demo_at(&d->model, t_ns, &tm);
    for (size_t i = 0; i < d->nseries; i++) {
        if (after && t_ns <= after[i])
            continue;
        const struct demo_series *s = &d->series[i];
        const struct demo_station *st = &d->stations[s->station];
#define STR(x)                                                                                     \
    {                                                                                              \
        (x), strlen(x)                                                                             \
    }
        struct telemetry_lp_tag tags[4] = {{STR("commune"), STR(st->commune)},
                                           {STR("commune_name"), STR(st->commune_name)},
                                           {STR("station"), STR(st->code)},
                                           {STR("synthetic"), STR("true")}};
        struct telemetry_lp_field fl = {STR(kinds[s->kind].field), TELEMETRY_LP_FLOAT, {.f = 0}};
        struct telemetry_lp_point pt = {STR(kinds[s->kind].m), tags, 4, &fl, 1, t_ns, 1};
#undef STR
        fl.v.f = demo_value(&d->model, st, s, &tm);
        int rc = telemetry_batch_add(b, &pt);
        if (rc)
            return rc;
    }
    return 0;
}

int telemetry_demo_points(const struct telemetry_demo *d, int64_t t_ns, struct telemetry_batch *b)
{
    return points_after(d, t_ns, NULL, b);
}

size_t telemetry_demo_backfill_times(int64_t now_ns, int64_t after_ns, int64_t *out, size_t cap)
{
    /* tiers: from (now - span) to the next tier's start, every step; aligned to the step */
    static const struct {
        int64_t span, step;
    } tiers[] = {{400 * NS_D, NS_H}, {2 * NS_D, 5 * NS_MIN}, {2 * NS_H, NS_MIN}};
    size_t n = 0;
    for (size_t k = 0; k < sizeof tiers / sizeof tiers[0]; k++) {
        int64_t step = tiers[k].step;
        int64_t from = now_ns - tiers[k].span;
        int64_t to = k + 1 < sizeof tiers / sizeof tiers[0] ? now_ns - tiers[k + 1].span : now_ns;
        for (int64_t t = from - from % step + step; t < to; t += step) {
            if (t <= after_ns)
                continue;
            if (out && n < cap)
                out[n] = t;
            n++;
        }
    }
    return n;
}

/* ---- the thread -------------------------------------------------------------------------- */

static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    struct telemetry_demo *d = arg;
    pthread_mutex_lock(&d->lock);
    d->answered = 1;
    d->answer_rc = rc;
    if (rc == 0)
        atomic_fetch_add(&d->written, rep->accepted);
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
}

static int stopping(struct telemetry_demo *d)
{
    pthread_mutex_lock(&d->lock);
    int s = d->stopping;
    pthread_mutex_unlock(&d->lock);
    return s;
}

/* Submits b (a full queue is retried); its answer is then awaited by wait_answer. 0, or why
 * not (then nothing is awaited). */
static int submit_batch(struct telemetry_demo *d, struct telemetry_batch *b)
{
    telemetry_batch_finish(b);
    pthread_mutex_lock(&d->lock);
    d->answered = 0;
    pthread_mutex_unlock(&d->lock);
    int rc;
    for (;;) {
        rc = telemetry_ingest_submit(d->ig, b->pts, b->n, on_done, d);
        if (rc != IOC_EBUSY)
            break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (stopping(d))
            break;
    }
    return rc;
}

static int wait_answer(struct telemetry_demo *d)
{
    pthread_mutex_lock(&d->lock);
    while (!d->answered)
        pthread_cond_wait(&d->cond, &d->lock);
    int rc = d->answer_rc;
    pthread_mutex_unlock(&d->lock);
    return rc;
}

/* Submits b and waits for its answer. 0, or why not. */
static int write_batch(struct telemetry_demo *d, struct telemetry_batch *b)
{
    int rc = submit_batch(d, b);
    return rc ? rc : wait_answer(d);
}

/* The newest time of series i already stored (a synthetic point of its station, measurement
 * and field), or INT64_MIN. */
static int64_t stored_until(struct telemetry_demo *d, size_t i)
{
    struct tsdb_db *db = telemetry_ingest_db(d->ig);
    const char *code = d->stations[d->series[i].station].code;
    struct tsdb_str v[] = {{code, strlen(code)}}, yes[] = {{"true", 4}};
    struct tsdb_tag_filter f[] = {{"station", 7, v, 1}, {"synthetic", 9, yes, 1}};
    uint32_t ids[4];
    size_t n = 0;
    int64_t t = INT64_MIN, tt;
    uint64_t val;
    enum tsdb_type type;
    const char *m = kinds[d->series[i].kind].m, *fl = kinds[d->series[i].kind].field;
    if (tsdb_db_select(db, m, strlen(m), fl, strlen(fl), f, 2, ids, 4, &n) == 0)
        for (size_t k = 0; k < n && k < 4; k++)
            if (tsdb_db_latest(db, ids[k], &tt, &val, &type) == 0 && tt > t)
                t = tt;
    return t;
}

static void backfill(struct telemetry_demo *d)
{
    int64_t now = ioc_now_ms() * 1000000, oldest = INT64_MAX;
    int64_t *after = malloc(d->nseries * sizeof *after);
    if (!after)
        return;
    for (size_t i = 0; i < d->nseries; i++) {
        after[i] = stored_until(d, i);
        oldest = after[i] < oldest ? after[i] : oldest;
    }
    size_t n = telemetry_demo_backfill_times(now, oldest, NULL, 0);
    int64_t *times = n ? malloc(n * sizeof *times) : NULL;
    if (!times) {
        free(after);
        return;
    }
    telemetry_demo_backfill_times(now, oldest, times, n);
    int64_t t0 = ioc_mono_ns();
    int rc = 0;
    uint64_t before = telemetry_demo_written(d);
    /* two batches: the next is made while the ingest writes the one submitted (invariant 3:
     * still one in the ingest at a time) */
    struct telemetry_batch bs[2];
    int cur = 0, inflight = -1;
    for (size_t i = 0; i < n && rc == 0 && !stopping(d); cur ^= 1) {
        struct telemetry_batch *b = &bs[cur];
        telemetry_batch_init(b, BACKFILL_BATCH + d->nseries);
        for (; i < n && b->n + d->nseries <= BACKFILL_BATCH && rc == 0; i++)
            rc = points_after(d, times[i], after, b);
        if (inflight >= 0) {
            int arc = wait_answer(d);
            telemetry_batch_free(&bs[inflight]);
            inflight = -1;
            rc = rc ? rc : arc;
        }
        if (rc == 0 && b->n && (rc = submit_batch(d, b)) == 0)
            inflight = cur;
        else
            telemetry_batch_free(b);
    }
    if (inflight >= 0) {
        int arc = wait_answer(d);
        telemetry_batch_free(&bs[inflight]);
        rc = rc ? rc : arc;
    }
    ioc_log(
        rc ? IOC_LOG_WARN : IOC_LOG_INFO,
        "demo sensors: backfilled %llu points (%zu times x %zu synthetic series) in %lld ms%s%s",
        (unsigned long long)(telemetry_demo_written(d) - before), n, d->nseries,
        (long long)((ioc_mono_ns() - t0) / 1000000), rc ? ": " : "", rc ? ioc_strerror(rc) : "");
    free(times);
    free(after);
}

static void *demo_main(void *arg)
{
    struct telemetry_demo *d = arg;
    if (d->backfill)
        backfill(d);
    int64_t step = (int64_t)d->interval_ms * 1000000;
    int failures = 0;
    while (!stopping(d)) {
        int64_t now = ioc_now_ms() * 1000000;
        struct telemetry_batch b;
        telemetry_batch_init(&b, d->nseries);
        int rc = telemetry_demo_points(d, now - now % step, &b); /* at multiples of it */
        if (rc == 0)
            rc = write_batch(d, &b);
        telemetry_batch_free(&b);
        if (rc && failures++ % 100 == 0)
            ioc_log(IOC_LOG_WARN, "demo sensors: a write failed: %s", ioc_strerror(rc));
        /* sleep to the next multiple of the interval, or until stopped */
        int64_t wait_ms = (step - (ioc_now_ms() * 1000000) % step) / 1000000 + 1;
        struct timespec dl;
        ioc_deadline_ms(&dl, (long)wait_ms);
        pthread_mutex_lock(&d->lock);
        while (!d->stopping && pthread_cond_timedwait(&d->cond, &d->lock, &dl) == 0)
            ;
        pthread_mutex_unlock(&d->lock);
    }
    return NULL;
}

int telemetry_demo_start(struct telemetry_demo *d, struct telemetry_ingest *ig)
{
    d->ig = ig;
    if (pthread_create(&d->thread, NULL, demo_main, d) != 0) {
        telemetry_demo_destroy(d);
        return IOC_ENOMEM;
    }
    d->running = 1;
    return 0;
}

void telemetry_demo_stop(struct telemetry_demo *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = 1;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    if (d->running)
        pthread_join(d->thread, NULL);
    telemetry_demo_destroy(d);
}

uint64_t telemetry_demo_written(const struct telemetry_demo *d)
{
    return atomic_load(&((struct telemetry_demo *)d)->written);
}
