/*
 * engine.c — the incremental AQI engine (contract in environment.h, "the AQI engine").
 *
 * Invariants:
 *   1. The observer (ingest thread) only parses keys and widens a station's dirty range under
 *      `lock`; `lock` is never held across a read of the engine, a computation or a submit.
 *   2. The worker takes every dirty range at once (clearing it), computes outside the lock,
 *      writes the results through the ingest and waits for their answer; a range marked while
 *      it works is taken by the next pass. `done_gen` counts the passes finished, so flush
 *      waits for the pass that follows its call.
 *   3. Outputs never go past max(the hour in progress, the dirty range's own last hour): a
 *      future hour is not given an index before its readings exist.
 *   4. Stations live in an open-addressing table (never shrunk) whose entries keep the dirty
 *      range and the latest results; names are copied.
 */
#include "environment/environment.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "environment/engine_int.h"
#include "store/store.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
    return h;
}

struct station *env_station_get(struct env_engine *e, const char *s, size_t n)
{
    if ((e->used + 1) * 2 > e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 64;
        struct station *nt = calloc(ncap, sizeof *nt);
        if (!nt)
            return NULL;
        for (size_t i = 0; i < e->cap; i++) {
            if (!e->tab[i].name)
                continue;
            size_t j = hash(e->tab[i].name, strlen(e->tab[i].name)) & (ncap - 1);
            while (nt[j].name)
                j = (j + 1) & (ncap - 1);
            nt[j] = e->tab[i];
        }
        free(e->tab);
        e->tab = nt;
        e->cap = ncap;
    }
    size_t j = hash(s, n) & (e->cap - 1);
    while (e->tab[j].name) {
        if (strlen(e->tab[j].name) == n && memcmp(e->tab[j].name, s, n) == 0)
            return &e->tab[j];
        j = (j + 1) & (e->cap - 1);
    }
    char *name = strndup(s, n);
    if (!name)
        return NULL;
    e->tab[j] = (struct station){.name = name};
    snprintf(e->tab[j].latest.station, sizeof e->tab[j].latest.station, "%s", name);
    e->used++;
    return &e->tab[j];
}

/* Widens station's dirty range by [lo, hi] (lock held). */
static void mark(struct env_engine *e, const char *s, size_t n, int64_t lo, int64_t hi)
{
    struct station *st = env_station_get(e, s, n);
    if (!st)
        return;
    e->mark_gen++;
    if (!st->dirty) {
        st->dirty = 1;
        st->lo = lo;
        st->hi = hi;
        e->ndirty++;
    } else {
        st->lo = lo < st->lo ? lo : st->lo;
        st->hi = hi > st->hi ? hi : st->hi;
    }
}

/* ---- the observer --------------------------------------------------------------------------- */

/* The pollutant of field f[0..n), or -1. */
static int pollutant_of(const char *f, size_t n)
{
    for (int p = 0; p < AQI_NPOLL; p++) {
        const char *name = aqi_pollutant_name((enum aqi_pollutant)p);
        if (strlen(name) == n && memcmp(name, f, n) == 0)
            return p;
    }
    return -1;
}

static void observe(void *ctx, const struct tsdb_point_in *pts, size_t n,
                    const struct tsdb_write_report *rep)
{
    (void)rep; /* marking a refused point too only recomputes an hour for nothing */
    struct env_engine *e = ctx;
    int any = 0;
    pthread_mutex_lock(&e->lock);
    size_t nev = e->nev;
    for (size_t i = 0; i < n; i++) {
        struct tsdb_series_parts sp;
        const unsigned char *k = pts[i].key; /* varint(3) "air" …: see tsdb/series.c */
        int water = pts[i].key_len >= 6 && k[0] == 5 && memcmp(k + 1, "water", 5) == 0;
        if (!water && (pts[i].key_len < 4 || k[0] != 3 || memcmp(k + 1, "air", 3) != 0))
            continue;
        if (tsdb_series_key_parse(pts[i].key, pts[i].key_len, &sp) != 0)
            continue;
        if (water ? sp.flen != 5 || memcmp(sp.f, "level", 5) != 0
                  : sp.mlen != 3 || pollutant_of(sp.f, sp.flen) < 0)
            continue;
        struct tsdb_tag tag;
        for (size_t t = 0; tsdb_series_parts_tag(&sp, t, &tag) == 0; t++) {
            if (tag.key_len != 7 || memcmp(tag.key, "station", 7) != 0)
                continue;
            if (water && tag.value_len > 0 && tag.value_len <= STATION_MAX) {
                struct station *st = env_station_get(e, tag.value, tag.value_len);
                if (st)
                    env_water_observe(e, st, pts[i].t, tsdb_value_double(pts[i].type, pts[i].v));
            } else if (tag.value_len > 0 && tag.value_len <= STATION_MAX) {
                int64_t h = env_hour_label(pts[i].t);
                mark(e, tag.value, tag.value_len, h, h);
                any = 1;
            }
            break;
        }
    }
    if (any || e->nev != nev) {
        atomic_fetch_add(&e->observed, 1);
        pthread_cond_signal(&e->wake);
    }
    pthread_mutex_unlock(&e->lock);
}

/* ---- writing results ------------------------------------------------------------------------ */

static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    struct env_engine *e = arg;
    pthread_mutex_lock(&e->wlock);
    e->answered = 1;
    e->answer_rc = rc;
    if (rc == 0)
        atomic_fetch_add(&e->points, rep->accepted);
    pthread_cond_broadcast(&e->wcond);
    pthread_mutex_unlock(&e->wlock);
}

/* A full queue is retried. */
int env_flush_batch(struct env_engine *e, struct telemetry_batch *b)
{
    int rc = 0;
    if (b->n) {
        telemetry_batch_finish(b);
        e->answered = 0;
        while ((rc = telemetry_ingest_submit(e->ig, b->pts, b->n, on_done, e)) == IOC_EBUSY) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (rc == 0) {
            int64_t t0 = ioc_mono_ns();
            pthread_mutex_lock(&e->wlock);
            while (!e->answered)
                pthread_cond_wait(&e->wcond, &e->wlock);
            rc = e->answer_rc;
            pthread_mutex_unlock(&e->wlock);
            atomic_fetch_add(&e->wait_us, (ioc_mono_ns() - t0) / 1000);
        }
    }
    size_t max = b->max_points;
    telemetry_batch_free(b);
    telemetry_batch_init(b, max);
    if (rc)
        atomic_fetch_add(&e->failures, 1);
    return rc;
}

/* Adds one result as a point of measurement m at time t: its index, when it has one (more data
 * never takes an index away, so a recomputed hour never needs one removed). */
static int add_result(struct env_engine *e, struct telemetry_batch *b, const char *m,
                      const char *station, int64_t t, const struct aqi_result *r)
{
    if (r->aqi < 0)
        return 0;
    struct telemetry_lp_field f = {{"aqi", 3}, TELEMETRY_LP_FLOAT, {.f = r->aqi}};
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    struct telemetry_lp_point pt = {{m, strlen(m)}, &tag, 1, &f, 1, t, 0};
    int rc = telemetry_batch_add(b, &pt);
    if (rc == 0 && b->n >= BATCH_POINTS)
        rc = env_flush_batch(e, b);
    return rc;
}

/* Keeps the newest hour and day of station (lock taken here). */
static void keep_latest(struct env_engine *e, const char *station, int64_t label,
                        const struct aqi_result *hour, int32_t day, const struct aqi_result *daily)
{
    pthread_mutex_lock(&e->lock);
    struct station *st = env_station_get(e, station, strlen(station));
    if (st && hour && label >= st->latest.label) {
        st->latest.label = label;
        st->latest.hour = *hour;
    }
    if (st && daily && day >= st->latest.day) {
        st->latest.day = day;
        st->latest.daily = *daily;
    }
    pthread_mutex_unlock(&e->lock);
}

/*
 * Recomputes station's hours labelled lo … hi and the days d0 … d1, CHUNK_DAYS days at a time:
 * each chunk reads the 12 hours before its first day (NowCast, O₃ 8 h) and its days' hours.
 */
static int compute(struct env_engine *e, struct telemetry_batch *b, const char *station, int64_t lo,
                   int64_t hi, int32_t d1)
{
    int32_t d0 = env_label_day(lo);
    int32_t dhi = env_label_day(hi);
    if (dhi > d1)
        d1 = dhi;
    size_t cap = (size_t)CHUNK_DAYS * 24 + 12;
    struct aqi_hour *h = malloc(cap * sizeof *h);
    struct aqi_result *r = malloc(cap * sizeof *r);
    int rc = h && r ? 0 : IOC_ENOMEM;
    for (int32_t c = d0; rc == 0 && c <= d1; c += CHUNK_DAYS) {
        int32_t ce = c + CHUNK_DAYS - 1 < d1 ? c + CHUNK_DAYS - 1 : d1;
        int64_t first = env_day_first_label(c) - 12 * ENV_HOUR_NS;
        size_t n = (size_t)(ce - c + 1) * 24 + 12;
        int64_t t0 = ioc_mono_ns();
        if ((rc = env_air_means(e->db, station, first, n, h)) != 0)
            break;
        atomic_fetch_add(&e->read_us, (ioc_mono_ns() - t0) / 1000);
        aqi_hourly_series(h, n, r);
        int64_t newest = 0;
        size_t inew = 0;
        for (size_t i = 12; i < n && rc == 0; i++) {
            int64_t label = first + (int64_t)i * ENV_HOUR_NS;
            if (label < lo || label > hi)
                continue;
            rc = add_result(e, b, "aqi", station, label - ENV_HOUR_NS, &r[i]);
            atomic_fetch_add(&e->hours, 1);
            newest = label;
            inew = i;
        }
        if (newest)
            keep_latest(e, station, newest, &r[inew], 0, NULL);
        for (int32_t d = c; d <= ce && rc == 0; d++) {
            int64_t dfirst = env_day_first_label(d);
            if (dfirst > hi)
                break; /* invariant 3 */
            struct aqi_result dr;
            size_t at = 12 + (size_t)(d - c) * 24;
            aqi_daily(h + at, h + at - 7, &dr);
            rc = add_result(e, b, "aqi_daily", station, dfirst - ENV_HOUR_NS, &dr);
            atomic_fetch_add(&e->days, 1);
            keep_latest(e, station, 0, NULL, d, &dr);
        }
    }
    free(h);
    free(r);
    return rc;
}

/* ---- the thread ----------------------------------------------------------------------------- */

struct job {
    char *station;
    int64_t lo, hi;
};

/* Takes every dirty range (lock held), clearing them. */
static size_t take_dirty(struct env_engine *e, struct job **out)
{
    struct job *j = calloc((size_t)e->ndirty + 1, sizeof *j);
    size_t n = 0;
    for (size_t i = 0; j && i < e->cap; i++) {
        struct station *st = &e->tab[i];
        if (!st->name || !st->dirty)
            continue;
        j[n].station = strdup(st->name);
        if (!j[n].station)
            break; /* left dirty for the next pass */
        j[n].lo = st->lo;
        j[n].hi = st->hi;
        st->dirty = 0;
        e->ndirty--;
        n++;
    }
    *out = j;
    return n;
}

static void run_pass(struct env_engine *e, struct job *j, size_t n)
{
    int64_t t0 = ioc_mono_ns();
    int64_t now_label = env_hour_label(e->now_fn ? e->now_fn() : wall_ns());
    struct telemetry_batch b;
    telemetry_batch_init(&b, BATCH_POINTS + AQI_NPOLL + 2);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int64_t cap = j[i].hi > now_label ? j[i].hi : now_label;
        int64_t hi = j[i].hi + 11 * ENV_HOUR_NS < cap ? j[i].hi + 11 * ENV_HOUR_NS : cap;
        int64_t dhi = j[i].hi + 7 * ENV_HOUR_NS < cap ? j[i].hi + 7 * ENV_HOUR_NS : cap;
        int64_t oldest = cap - (int64_t)e->backfill_days * ENV_DAY_NS; /* docs: a bound */
        int64_t lo = j[i].lo > oldest ? j[i].lo : oldest;
        if (lo > hi)
            continue;
        rc = compute(e, &b, j[i].station, lo, hi, env_label_day(dhi));
        if (rc)
            ioc_log(IOC_LOG_WARN, "aqi: station %s not computed: %s", j[i].station,
                    ioc_strerror(rc));
    }
    if (rc == 0)
        env_flush_batch(e, &b);
    telemetry_batch_free(&b);
    atomic_fetch_add(&e->passes, 1);
    atomic_store(&e->last_pass_us, (ioc_mono_ns() - t0) / 1000);
}

static void *engine_main(void *arg)
{
    struct env_engine *e = arg;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (((!e->ndirty && !e->nev && !e->reload) || e->paused) && !e->stopping) {
            struct timespec d;
            clock_gettime(CLOCK_REALTIME, &d);
            d.tv_sec += 30; /* the registry's alarm levels are reloaded at least this often */
            if (pthread_cond_timedwait(&e->wake, &e->lock, &d) != 0 && !e->stopping) {
                pthread_mutex_unlock(&e->lock);
                env_water_levels(e, 0);
                pthread_mutex_lock(&e->lock);
            }
        }
        if (e->stopping)
            break;
        if (e->reload) {
            e->reload = 0;
            e->levels_ms = 0;
        }
        uint64_t gen = e->mark_gen;
        struct job *j = NULL;
        size_t n = take_dirty(e, &j);
        pthread_mutex_unlock(&e->lock);
        run_pass(e, j, n);
        env_water_levels(e, 0);
        struct telemetry_batch wb;
        telemetry_batch_init(&wb, BATCH_POINTS + 4);
        env_water_write(e, &wb);
        telemetry_batch_free(&wb);
        for (size_t i = 0; i < n; i++)
            free(j[i].station);
        free(j);
        pthread_mutex_lock(&e->lock);
        e->done_gen = gen;
        pthread_cond_broadcast(&e->idle);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

/* ---- start: backfill what the stored readings need ----------------------------------------- */

/* The time of the latest point of measurement m (any field f, NULL: every field of m, the
 * field list read from the engine) of station, or 0. */
static int64_t latest_time(struct tsdb_db *db, const char *m, const char *field,
                           const char *station)
{
    struct tsdb_str v = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    struct telemetry_query q = {.measurement = m, .field = field, .filters = &f, .nfilters = 1};
    struct telemetry_qresult r = {0};
    int64_t t = 0;
    if (telemetry_query_latest(db, &q, &r) == 0)
        for (size_t i = 0; i < r.nentries; i++)
            if (r.entries[i].has_point && r.entries[i].t > t)
                t = r.entries[i].t;
    telemetry_qresult_free(&r);
    return t;
}

/* The station codes (distinct) of the `air` pollutant series into *out (strdup'ed). */
static int air_stations(struct tsdb_db *db, char ***out, size_t *n)
{
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = 0;
    for (int p = 0; p < AQI_NPOLL && rc == 0; p++) {
        struct telemetry_query q = {.measurement = "air",
                                    .field = aqi_pollutant_name((enum aqi_pollutant)p)};
        struct telemetry_qresult r = {0};
        rc = telemetry_query_series(db, &q, &r);
        for (size_t i = 0; rc == 0 && i < r.nentries; i++) {
            struct tsdb_series_parts sp;
            struct tsdb_tag tag;
            if (tsdb_series_key_parse(r.entries[i].key.data, r.entries[i].key.len, &sp) != 0)
                continue;
            for (size_t k = 0; tsdb_series_parts_tag(&sp, k, &tag) == 0; k++) {
                if (tag.key_len != 7 || memcmp(tag.key, "station", 7) != 0)
                    continue;
                int seen = tag.value_len == 0 || tag.value_len > STATION_MAX;
                for (size_t j = 0; j < *n && !seen; j++)
                    seen = strlen(v[j]) == tag.value_len &&
                           memcmp(v[j], tag.value, tag.value_len) == 0;
                if (!seen && *n == cap) {
                    cap = cap ? 2 * cap : 64;
                    char **nv = realloc(v, cap * sizeof *v);
                    if (!nv) {
                        rc = IOC_ENOMEM;
                        break;
                    }
                    v = nv;
                }
                if (!seen && (v[*n] = strndup(tag.value, tag.value_len)) != NULL)
                    (*n)++;
                break;
            }
        }
        telemetry_qresult_free(&r);
    }
    *out = v;
    return rc == IOC_ENOTFOUND ? 0 : rc;
}

/* Marks each station with `air` readings from 12 h before its last `aqi` point (or
 * backfill_days ago) to its last reading, all at once (one pass takes them together). */
static int backfill(struct env_engine *e)
{
    int64_t now = e->now_fn ? e->now_fn() : wall_ns();
    char **st = NULL;
    size_t n = 0;
    int rc = air_stations(e->db, &st, &n);
    int64_t(*range)[2] = calloc(n ? n : 1, sizeof *range);
    for (size_t i = 0; rc == 0 && range && i < n; i++) {
        int64_t last = latest_time(e->db, "air", NULL, st[i]);
        int64_t done = latest_time(e->db, "aqi", "aqi", st[i]);
        range[i][0] = done ? done - 11 * ENV_HOUR_NS
                           : env_hour_label(now) - (int64_t)e->backfill_days * ENV_DAY_NS;
        range[i][1] = last;
    }
    if (rc == 0 && range) {
        pthread_mutex_lock(&e->lock);
        for (size_t i = 0; i < n; i++)
            if (range[i][1])
                mark(e, st[i], strlen(st[i]), env_hour_label(range[i][0]),
                     env_hour_label(range[i][1]));
        pthread_cond_signal(&e->wake);
        pthread_mutex_unlock(&e->lock);
    }
    for (size_t i = 0; i < n; i++)
        free(st[i]);
    free(st);
    free(range);
    return rc ? rc : range ? 0 : IOC_ENOMEM;
}

int env_engine_start(struct telemetry_ingest *ig, const struct env_engine_options *o,
                     struct env_engine **out)
{
    *out = NULL;
    struct env_engine *e = calloc(1, sizeof *e);
    if (!e)
        return IOC_ENOMEM;
    e->ig = ig;
    e->db = telemetry_ingest_db(ig);
    e->backfill_days = o && o->backfill_days > 0 ? o->backfill_days : 400;
    e->now_fn = o ? o->now_fn : NULL;
    e->paused = o ? o->paused : 0;
    e->store = o ? o->store : NULL;
    e->hub = o ? o->events : NULL;
    if (o) {
        e->durable = o->durable;
        e->durable_ctx = o->durable_ctx;
    }
    e->ev = calloc(WEVENTS_MAX, sizeof *e->ev);
    if (!e->ev) {
        free(e);
        return IOC_ENOMEM;
    }
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->wlock, NULL);
    pthread_cond_init(&e->wake, NULL);
    pthread_cond_init(&e->idle, NULL);
    pthread_cond_init(&e->wcond, NULL);
    env_water_levels(e, 1); /* before the thread: the levels and each station's state */
    int rc = telemetry_ingest_observe(ig, observe, e);
    if (rc == 0 && pthread_create(&e->thread, NULL, engine_main, e) != 0) {
        telemetry_ingest_unobserve(ig, observe, e);
        rc = IOC_ENOMEM;
    }
    if (rc) {
        store_conn_close(e->conn);
        free(e->ev);
        free(e);
        return rc;
    }
    /* after observing: a reading stored meanwhile is marked by one or the other */
    if ((rc = backfill(e)) != 0)
        ioc_log(IOC_LOG_WARN, "aqi: backfill not planned: %s", ioc_strerror(rc));
    *out = e;
    return 0;
}

void env_engine_stop(struct env_engine *e)
{
    if (!e)
        return;
    telemetry_ingest_unobserve(e->ig, observe, e);
    pthread_mutex_lock(&e->lock);
    e->stopping = 1;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->lock);
    pthread_join(e->thread, NULL);
    for (size_t i = 0; i < e->cap; i++)
        free(e->tab[i].name);
    free(e->tab);
    free(e->ev);
    store_conn_close(e->conn);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->wlock);
    pthread_cond_destroy(&e->wake);
    pthread_cond_destroy(&e->idle);
    pthread_cond_destroy(&e->wcond);
    free(e);
}

void env_engine_reload_levels(struct env_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->reload = 1;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
}

int env_engine_flush(struct env_engine *e, int timeout_ms)
{
    struct timespec d;
    clock_gettime(CLOCK_REALTIME, &d);
    d.tv_sec += timeout_ms / 1000;
    d.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (d.tv_nsec >= 1000000000) {
        d.tv_sec++;
        d.tv_nsec -= 1000000000;
    }
    int rc = 0;
    pthread_mutex_lock(&e->lock);
    uint64_t want = e->mark_gen;
    while (e->done_gen < want && rc == 0)
        rc = pthread_cond_timedwait(&e->idle, &e->lock, &d) == 0 ? 0 : IOC_EBUSY;
    pthread_mutex_unlock(&e->lock);
    return rc;
}

static int by_station(const void *a, const void *b)
{
    return strcmp(((const struct env_latest *)a)->station, ((const struct env_latest *)b)->station);
}

int env_engine_latest(struct env_engine *e, const char *station, struct env_latest **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&e->lock);
    struct env_latest *v = malloc((e->used ? e->used : 1) * sizeof *v);
    for (size_t i = 0; v && i < e->cap; i++) {
        const struct station *st = &e->tab[i];
        if (st->name && st->latest.label && (!station || strcmp(st->name, station) == 0))
            v[(*n)++] = st->latest;
    }
    pthread_mutex_unlock(&e->lock);
    if (!v)
        return IOC_ENOMEM;
    qsort(v, *n, sizeof *v, by_station);
    *out = v;
    return 0;
}

int env_engine_metrics(struct env_engine *e, struct ioc_buf *b)
{
    static const struct {
        const char *name, *type, *help;
    } rows[] = {
        {"ioc_aqi_hour_results_total", "counter", "Hourly AQI results computed (and written)."},
        {"ioc_aqi_day_results_total", "counter", "Daily AQI results computed (and written)."},
        {"ioc_aqi_passes_total", "counter", "Passes of the AQI engine over its dirty hours."},
        {"ioc_aqi_points_written_total", "counter", "Points of the aqi series accepted."},
        {"ioc_aqi_write_failures_total", "counter", "Batches of AQI results not written."},
        {"ioc_aqi_last_pass_seconds", "gauge", "Duration of the last pass."},
        {"ioc_aqi_read_seconds_total", "counter", "Time spent reading hourly means."},
        {"ioc_aqi_write_wait_seconds_total", "counter",
         "Time spent waiting for results to be durable."},
        {"ioc_water_alarm_events_total", "counter",
         "Water levels crossing an alarm level, written."},
        {"ioc_water_alarm_events_dropped_total", "counter", "Crossings not written (queue full)."},
    };
    double v[] = {
        (double)atomic_load(&e->hours),         (double)atomic_load(&e->days),
        (double)atomic_load(&e->passes),        (double)atomic_load(&e->points),
        (double)atomic_load(&e->failures),      (double)atomic_load(&e->last_pass_us) / 1e6,
        (double)atomic_load(&e->read_us) / 1e6, (double)atomic_load(&e->wait_us) / 1e6,
        (double)atomic_load(&e->events),        (double)atomic_load(&e->events_dropped)};
    int rc = 0;
    for (size_t i = 0; i < IOC_ARRAY_LEN(rows) && rc == 0; i++)
        rc = ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %.*f\n", rows[i].name, rows[i].help,
                            rows[i].name, rows[i].type, rows[i].name, i >= 5 && i <= 7 ? 6 : 0,
                            v[i]);
    return rc;
}
