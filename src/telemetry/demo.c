/*
 * demo.c — the demo's synthetic sensor series (contract in telemetry.h, "the demo's synthetic
 * sensors"): a fixed plan of stations over the given communes, values that are a pure function
 * of (seed, series, time), a backfill of history at start and one point per series each
 * interval.
 *
 * Invariants:
 *   1. Station j (0 .. TELEMETRY_DEMO_STATIONS-1) sits in commune j mod ncommunes; stations
 *      0-39 are air (3 series each), 40-59 water, 60-89 traffic, 90-99 power: 200 series.
 *   2. Every point carries the tags commune, commune_name, station and synthetic=true.
 *   3. The thread has at most one batch in the ingest at a time and waits for its answer, so
 *      the batch's memory lives until done ran; stop wakes it at once (condition variable).
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

#define NS_S INT64_C(1000000000)
#define NS_MIN (60 * NS_S)
#define NS_H (3600 * NS_S)
#define NS_D (24 * NS_H)
#define LOCAL_OFFSET_S (7 * 3600) /* Asia/Ho_Chi_Minh, no daylight saving */
#define BACKFILL_BATCH 40000      /* points per submitted backfill batch */
#define PI 3.14159265358979323846

enum kind { AIR_PM25, AIR_PM10, AIR_TEMP, WATER, TRAFFIC, POWER };

static const struct {
    const char *m, *field, *prefix;
} kinds[] = {
    [AIR_PM25] = {"air", "pm25", "AQ"},        [AIR_PM10] = {"air", "pm10", "AQ"},
    [AIR_TEMP] = {"air", "temperature", "AQ"}, [WATER] = {"water", "level", "WL"},
    [TRAFFIC] = {"traffic", "vehicles", "TC"}, [POWER] = {"power", "load_mw", "PW"},
};

struct dseries {
    enum kind kind;
    int station; /* 0 .. TELEMETRY_DEMO_STATIONS-1 */
    char code[8];
    size_t commune;
};

struct telemetry_demo {
    struct telemetry_demo_commune *communes;
    size_t ncommunes;
    struct dseries series[TELEMETRY_DEMO_SERIES];
    size_t nseries;
    uint64_t seed;
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

/* ---- values ------------------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Uniform in [-1, 1) from (seed, a, b). */
static double unit(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t h = mix(seed ^ mix(a * UINT64_C(0x100000001b3) ^ mix(b)));
    return (double)(h >> 11) / (double)(UINT64_C(1) << 52) - 1.0;
}

/* Noise that moves smoothly over period_s (interpolated between hashed knots). */
static double smooth(uint64_t seed, uint64_t a, int64_t t_s, int64_t period_s)
{
    int64_t k = t_s >= 0 ? t_s / period_s : (t_s - period_s + 1) / period_s;
    double f = (double)(t_s - k * period_s) / (double)period_s;
    double w = (1 - cos(f * PI)) / 2;
    return unit(seed, a, (uint64_t)k) * (1 - w) + unit(seed, a, (uint64_t)(k + 1)) * w;
}

/* A bump of height 1 at hour mu of the day (circular), width sigma hours. */
static double bump(double h, double mu, double sigma)
{
    double d = fabs(h - mu);
    if (d > 12)
        d = 24 - d;
    return exp(-0.5 * (d / sigma) * (d / sigma));
}

double telemetry_demo_value(const struct telemetry_demo *d, size_t i, int64_t t_ns)
{
    const struct dseries *s = &d->series[i];
    int64_t t_s = t_ns / NS_S;
    int64_t local = t_s + LOCAL_OFFSET_S;
    double h = (double)(local % 86400) / 3600.0;
    double doy = (double)((local / 86400) % 365);
    int weekend = ((local / 86400) + 3) % 7 >= 5; /* 1970-01-01 was a Thursday */
    uint64_t st = (uint64_t)s->station + 1, si = (uint64_t)i + 1;
    double f = 0.85 + 0.3 * unit(d->seed, st, 7); /* station size, 0.55 .. 1.15 */
    double slow = smooth(d->seed, si, t_s, 900), fast = unit(d->seed, si, (uint64_t)(t_s / 10));
    double dry = 0.5 * (1 + cos(2 * PI * (doy - 30) / 365)); /* dry season peaks in February */
    switch (s->kind) {
    case AIR_PM25:
    case AIR_PM10: {
        double night = 0.5 * (1 + cos(2 * PI * (h - 2) / 24));
        double pm = f * (14 + 14 * night + 14 * bump(h, 7.5, 1.2) + 12 * bump(h, 18, 1.5)) *
                        (0.8 + 0.5 * dry) +
                    4 * slow + 0.8 * fast;
        pm = pm < 2 ? 2 : pm;
        if (s->kind == AIR_PM10)
            pm = pm * 1.7 + 3 * smooth(d->seed, si + 1000, t_s, 600);
        return round(pm * 10) / 10;
    }
    case AIR_TEMP:
        return round((27 + 4 * cos(2 * PI * (h - 14.5) / 24) + 2 * (1 - dry) + 0.8 * slow +
                      0.1 * fast) *
                     10) /
               10;
    case WATER: {
        double phase = 2 * PI * (unit(d->seed, st, 11) + 1) / 2;
        double tide = sin(2 * PI * (double)t_s / (12.42 * 3600) + phase);
        return round((1.2 * f + 0.9 * tide + 0.5 * (1 - dry) + 0.08 * slow) * 100) / 100;
    }
    case TRAFFIC: {
        double v =
            f * (4 + 50 * bump(h, 7, 1.0) + 55 * bump(h, 17.5, 1.2) + 25 * bump(h, 12.5, 3.5));
        v = v * (weekend ? 0.7 : 1.0) * (1 + 0.15 * slow) + 2 * fast;
        return v < 0 ? 0 : round(v);
    }
    case POWER:
    default:
        return round((f * (30 + 15 * bump(h, 13, 4) + 20 * bump(h, 19, 2)) * (1.1 - 0.2 * dry) +
                      1.5 * slow) *
                     100) /
               100;
    }
}

/* ---- the plan ---------------------------------------------------------------------------- */

static void add_series(struct telemetry_demo *d, enum kind k, int station, int number)
{
    struct dseries *s = &d->series[d->nseries++];
    s->kind = k;
    s->station = station;
    s->commune = (size_t)station % d->ncommunes;
    snprintf(s->code, sizeof s->code, "%s-%02d", kinds[k].prefix, number % 100);
}

int telemetry_demo_create(const struct telemetry_demo_options *o, struct telemetry_demo **out)
{
    *out = NULL;
    if (!o->communes || o->ncommunes == 0)
        return IOC_EINVAL;
    struct telemetry_demo *d = calloc(1, sizeof *d);
    if (!d || !(d->communes = calloc(o->ncommunes, sizeof *d->communes))) {
        free(d);
        return IOC_ENOMEM;
    }
    d->ncommunes = o->ncommunes;
    for (size_t i = 0; i < o->ncommunes; i++) {
        d->communes[i].code = strdup(o->communes[i].code);
        d->communes[i].name = strdup(o->communes[i].name);
        if (!d->communes[i].code || !d->communes[i].name) {
            telemetry_demo_destroy(d);
            return IOC_ENOMEM;
        }
    }
    d->seed = o->seed ? o->seed : 2026;
    d->interval_ms = o->interval_ms > 0 ? o->interval_ms : 10000;
    d->backfill = o->backfill;
    for (int j = 0; j < TELEMETRY_DEMO_STATIONS; j++) {
        if (j < 40) {
            add_series(d, AIR_PM25, j, j + 1);
            add_series(d, AIR_PM10, j, j + 1);
            add_series(d, AIR_TEMP, j, j + 1);
        } else if (j < 60) {
            add_series(d, WATER, j, j - 39);
        } else if (j < 90) {
            add_series(d, TRAFFIC, j, j - 59);
        } else {
            add_series(d, POWER, j, j - 89);
        }
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    *out = d;
    return 0;
}

void telemetry_demo_destroy(struct telemetry_demo *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncommunes; i++) {
        free((char *)d->communes[i].code);
        free((char *)d->communes[i].name);
    }
    free(d->communes);
    if (d->nseries) {
        pthread_mutex_destroy(&d->lock);
        pthread_cond_destroy(&d->cond);
    }
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
    *station = d->series[i].code;
}

int telemetry_demo_points(const struct telemetry_demo *d, int64_t t_ns, struct telemetry_batch *b)
{
    for (size_t i = 0; i < d->nseries; i++) {
        const struct dseries *s = &d->series[i];
        const struct telemetry_demo_commune *c = &d->communes[s->commune];
#define STR(x)                                                                                     \
    {                                                                                              \
        (x), strlen(x)                                                                             \
    }
        struct telemetry_lp_tag tags[4] = {{STR("commune"), STR(c->code)},
                                           {STR("commune_name"), STR(c->name)},
                                           {STR("station"), STR(s->code)},
                                           {STR("synthetic"), STR("true")}};
        struct telemetry_lp_field fl = {STR(kinds[s->kind].field), TELEMETRY_LP_FLOAT, {.f = 0}};
        struct telemetry_lp_point pt = {STR(kinds[s->kind].m), tags, 4, &fl, 1, t_ns, 1};
#undef STR
        fl.v.f = telemetry_demo_value(d, i, t_ns);
        int rc = telemetry_batch_add(b, &pt);
        if (rc)
            return rc;
    }
    return 0;
}

size_t telemetry_demo_backfill_times(int64_t now_ns, int64_t after_ns, int64_t *out, size_t cap)
{
    /* tiers: from (now - span) to the next tier's start, every step; aligned to the step */
    static const struct {
        int64_t span, step;
    } tiers[] = {
        {400 * NS_D, 6 * NS_H}, {35 * NS_D, NS_H}, {2 * NS_D, 5 * NS_MIN}, {2 * NS_H, NS_MIN}};
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

/* Submits b and waits for its answer (a full queue is retried). 0, or why not. */
static int write_batch(struct telemetry_demo *d, struct telemetry_batch *b)
{
    telemetry_batch_finish(b);
    d->answered = 0;
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
    if (rc == 0) {
        pthread_mutex_lock(&d->lock);
        while (!d->answered)
            pthread_cond_wait(&d->cond, &d->lock);
        rc = d->answer_rc;
        pthread_mutex_unlock(&d->lock);
    }
    return rc;
}

/* The newest time of the demo's first series already stored, or INT64_MIN. */
static int64_t stored_until(struct telemetry_demo *d)
{
    struct tsdb_db *db = telemetry_ingest_db(d->ig);
    struct tsdb_str v[] = {{d->series[0].code, strlen(d->series[0].code)}};
    struct tsdb_tag_filter f[] = {{"station", 7, v, 1}};
    uint32_t ids[4];
    size_t n = 0;
    int64_t t = INT64_MIN, tt;
    uint64_t val;
    enum tsdb_type type;
    const char *m = kinds[d->series[0].kind].m, *fl = kinds[d->series[0].kind].field;
    if (tsdb_db_select(db, m, strlen(m), fl, strlen(fl), f, 1, ids, 4, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (tsdb_db_latest(db, ids[i], &tt, &val, &type) == 0 && tt > t)
                t = tt;
    return t;
}

static void backfill(struct telemetry_demo *d)
{
    int64_t now = ioc_now_ms() * 1000000, after = stored_until(d);
    size_t n = telemetry_demo_backfill_times(now, after, NULL, 0);
    int64_t *times = n ? malloc(n * sizeof *times) : NULL;
    if (!times)
        return;
    telemetry_demo_backfill_times(now, after, times, n);
    int64_t t0 = ioc_mono_ns();
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0 && !stopping(d);) {
        struct telemetry_batch b;
        telemetry_batch_init(&b, BACKFILL_BATCH + TELEMETRY_DEMO_SERIES);
        for (; i < n && b.n + d->nseries <= BACKFILL_BATCH && rc == 0; i++)
            rc = telemetry_demo_points(d, times[i], &b);
        if (rc == 0)
            rc = write_batch(d, &b);
        telemetry_batch_free(&b);
    }
    ioc_log(rc ? IOC_LOG_WARN : IOC_LOG_INFO,
            "demo sensors: backfilled %zu times x %zu synthetic series in %lld ms%s%s", n,
            d->nseries, (long long)((ioc_mono_ns() - t0) / 1000000), rc ? ": " : "",
            rc ? ioc_strerror(rc) : "");
    free(times);
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
        telemetry_batch_init(&b, TELEMETRY_DEMO_SERIES);
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
