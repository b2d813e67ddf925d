/*
 * water.c — water levels against their alarm levels (contract in environment.h, "Water
 * levels"): the registry's levels held by the engine, the state of each reading, the crossings
 * queued by the observer and written by the engine's thread as the `water_alarm` series.
 *
 * Invariants:
 *   1. env_water_observe runs on the ingest thread under the engine's lock: memory only; a full
 *      queue drops the crossing (counted), never waits.
 *   2. The levels are read from the store outside the lock (the thread's own connection) and
 *      copied into the station table under it.
 *   3. A crossing is published on the live event stream (`station`) and handed to the webhooks
 *      only once its water_alarm point is durable, so nobody sees an alarm the series does not
 *      hold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/engine_int.h"
#include "events/events.h"
#include "store/store.h"
#include "telemetry/telemetry.h"

int env_alarm_state(const double alarm[3], double level)
{
    int s = 0;
    for (int i = 0; i < 3; i++)
        if (isfinite(alarm[i]) && level >= alarm[i])
            s = i + 1;
    return s;
}

/* Queues the crossing from → to of station st at t (lock held; memory only). */
static void queue_event(struct env_engine *e, const struct station *st, int64_t t, double level,
                        int from, int to)
{
    if (e->nev == WEVENTS_MAX) {
        atomic_fetch_add(&e->events_dropped, 1);
        return;
    }
    struct wevent *w = &e->ev[(e->ev_head + e->nev++) % WEVENTS_MAX];
    snprintf(w->station, sizeof w->station, "%s", st->name);
    w->t = t;
    w->level = level;
    w->from = from;
    w->to = to;
    w->agency_id = st->agency_id;
}

void env_water_observe(struct env_engine *e, struct station *st, int64_t t, double level)
{
    if (t <= st->water_t || !isfinite(level))
        return;
    int was = st->state, now = st->has_levels ? env_alarm_state(st->alarm, level) : 0;
    int first = st->water_t == 0;
    st->water_t = t;
    st->level = level;
    st->state = now;
    if (now == was || first || !st->has_levels)
        return;
    queue_event(e, st, t, level, was, now);
}

/* The latest point of measurement.field tagged station=<station> (any series), or 0. */
static int64_t latest_of(struct tsdb_db *db, const char *measurement, const char *field,
                         const char *station, double *v)
{
    struct tsdb_str sv = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &sv, 1};
    struct telemetry_query q = {
        .measurement = measurement, .field = field, .filters = &f, .nfilters = 1};
    struct telemetry_qresult r = {0};
    int64_t t = 0;
    if (telemetry_query_latest(db, &q, &r) == 0)
        for (size_t i = 0; i < r.nentries; i++)
            if (r.entries[i].has_point && r.entries[i].t > t) {
                t = r.entries[i].t;
                *v = tsdb_value_double(r.entries[i].type, r.entries[i].v);
            }
    telemetry_qresult_free(&r);
    return t;
}

#define FIRST_SPAN_NS ((int64_t)400 * 86400 * 1000000000)

/* The first level reading of station in the 400 days up to t (one bucket of the window, so the
 * rollups answer it), or 0. */
static int64_t first_level(struct tsdb_db *db, const char *station, int64_t t, double *v)
{
    struct tsdb_str sv = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &sv, 1};
    struct telemetry_query q = {.measurement = "water",
                                .field = "level",
                                .filters = &f,
                                .nfilters = 1,
                                .start = t - FIRST_SPAN_NS,
                                .end = t + 1,
                                .step = FIRST_SPAN_NS + 1};
    struct telemetry_qresult r = {0};
    int64_t first = 0;
    if (telemetry_query_window(db, &q, &r) == 0 && r.ngroups == 1 && r.groups[0].w.n == 1 &&
        r.groups[0].w.b[0].count > 0) {
        first = r.groups[0].w.b[0].first_t;
        *v = r.groups[0].w.b[0].first;
    }
    telemetry_qresult_free(&r);
    return first;
}

/* What the start knows of a water station: its latest level reading (t, level) and the state
 * announced last: the newest water_alarm point's, else that of its first reading (which the
 * engine compared with nothing), else 0. */
struct wstart {
    int64_t t, alarm_t, first_t;
    double level, alarm_state, first;
};

static void read_start(struct tsdb_db *db, const char *code, struct wstart *w)
{
    w->t = latest_of(db, "water", "level", code, &w->level);
    if (!w->t)
        return;
    w->alarm_t = latest_of(db, "water_alarm", "state", code, &w->alarm_state);
    if (!w->alarm_t)
        w->first_t = first_level(db, code, w->t, &w->first);
}

/* The start: the state of the latest stored reading; when it differs from the state announced
 * last (a crossing while iocd was down, or one whose point a kill -9 lost), that crossing is
 * queued as a live reading's would be, at the reading's time. Its point makes the next start
 * find them equal, so it is announced once. (lock held) */
static void start_state(struct env_engine *e, struct station *st, const struct wstart *w)
{
    st->water_t = w->t;
    st->level = w->level;
    st->state = env_alarm_state(st->alarm, w->level);
    int was = 0;
    if (w->alarm_t) {
        if (w->alarm_t >= w->t)
            return; /* nothing read since the last announcement */
        was = (int)w->alarm_state;
    } else if (w->first_t) {
        if (w->first_t >= w->t)
            return; /* the only reading: the baseline, as live */
        was = isfinite(w->first) ? env_alarm_state(st->alarm, w->first) : 0;
    }
    if (was < 0 || was > 3)
        was = 0;
    if (was != st->state)
        queue_event(e, st, w->t, w->level, was, st->state);
}

void env_water_levels(struct env_engine *e, int force)
{
    int64_t now = ioc_now_ms();
    if (!e->store || (!force && now - e->levels_ms < 30000))
        return;
    e->levels_ms = now;
    if (!e->conn && store_conn_open(e->store, 1, &e->conn) != 0) {
        e->conn = NULL;
        return;
    }
    struct env_demo_station *s = NULL;
    size_t n = 0;
    if (env_demo_stations(e->conn, &s, &n) != 0)
        return;
    /* the latest stored reading of each (the start only), read outside the lock; then the
     * levels applied in one go, so no reading is ever compared against a half-loaded table */
    struct wstart *ws = calloc(n ? n : 1, sizeof *ws);
    int64_t *agency = calloc(n ? n : 1, sizeof *agency);
    for (size_t i = 0; force && ws && i < n; i++)
        if (s[i].kind == ENV_WATER_LEVEL)
            read_start(e->db, s[i].code, &ws[i]);
    for (size_t i = 0; agency && i < n; i++) {
        /* stations are public data: one without an agency is everyone's */
        struct store_agency a;
        agency[i] = EVENTS_EVERYONE;
        if (s[i].kind == ENV_WATER_LEVEL && s[i].agency[0] &&
            store_agency_get(e->conn, s[i].agency, &a) == 0) {
            agency[i] = a.id;
            store_agency_clear(&a);
        }
    }
    pthread_mutex_lock(&e->lock);
    int ok = ws && agency;
    for (size_t i = 0; ok && i < e->cap; i++)
        e->tab[i].has_levels = 0; /* a station deleted from the registry has none any more */
    for (size_t i = 0; ok && i < n; i++) {
        if (s[i].kind != ENV_WATER_LEVEL)
            continue;
        struct station *st = env_station_get(e, s[i].code, strlen(s[i].code));
        if (!st)
            continue;
        memcpy(st->alarm, s[i].alarm, sizeof st->alarm);
        st->has_levels = 1;
        st->agency_id = agency[i];
        if (ws[i].t > st->water_t) /* the start */
            start_state(e, st, &ws[i]);
    }
    pthread_mutex_unlock(&e->lock);
    free(ws);
    free(agency);
    free(s);
}

void env_water_event_json(const char *station, int64_t t_ns, double level, int from, int to,
                          struct ioc_buf *b)
{
    char at[32], lv[32];
    ioc_time_rfc3339(t_ns / 1000000, at);
    ioc_fmt_f64(lv, level);
    ioc_buf_puts(b, "{\"code\":");
    ioc_buf_json_str(b, station, (size_t)-1);
    ioc_buf_printf(b,
                   ",\"kind\":\"water_level\",\"alarm_state\":%d,\"previous\":%d,\"level\":%s,"
                   "\"at\":\"%s\"}",
                   to, from, lv, at);
}

/* Publishes the crossings ev[0..n), now durable, on the live event stream, then hands them to
 * the webhooks in one call (one transaction of theirs per batch). */
static void publish(struct env_engine *e, const struct wevent *ev, size_t n)
{
    if (!n || (!e->hub && !e->durable))
        return;
    struct env_event *out = calloc(n, sizeof *out);
    size_t *end = calloc(n, sizeof *end);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (size_t i = 0; out && end && i < n; i++) {
        size_t start = b.len;
        env_water_event_json(ev[i].station, ev[i].t, ev[i].level, ev[i].from, ev[i].to, &b);
        if (!b.data)
            break;
        end[i] = b.len;
        if (e->hub)
            events_publish(e->hub, "station", ev[i].agency_id, b.data + start, b.len - start);
    }
    size_t k = 0; /* the events written whole (b.data moves as it grows: pointers only now) */
    for (; b.data && out && end && k < n && end[k]; k++)
        out[k] = (struct env_event){"station", ev[k].agency_id, b.data + (k ? end[k - 1] : 0),
                                    end[k] - (k ? end[k - 1] : 0)};
    if (e->durable && k)
        e->durable(e->durable_ctx, out, k);
    ioc_buf_free(&b);
    free(end);
    free(out);
}

int env_water_write(struct env_engine *e, struct telemetry_batch *b)
{
    struct wevent *ev = NULL;
    size_t n = 0;
    pthread_mutex_lock(&e->lock);
    if (e->nev && (ev = malloc(e->nev * sizeof *ev)) != NULL) {
        for (size_t i = 0; i < e->nev; i++)
            ev[i] = e->ev[(e->ev_head + i) % WEVENTS_MAX];
        n = e->nev;
        e->ev_head = (e->ev_head + e->nev) % WEVENTS_MAX;
        e->nev = 0;
    }
    pthread_mutex_unlock(&e->lock);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct telemetry_lp_field f[3] = {
            {{"state", 5}, TELEMETRY_LP_FLOAT, {.f = ev[i].to}},
            {{"previous", 8}, TELEMETRY_LP_FLOAT, {.f = ev[i].from}},
            {{"level", 5}, TELEMETRY_LP_FLOAT, {.f = ev[i].level}},
        };
        struct telemetry_lp_tag tag = {{"station", 7}, {ev[i].station, strlen(ev[i].station)}};
        struct telemetry_lp_point pt = {{"water_alarm", 11}, &tag, 1, f, 3, ev[i].t, 0};
        rc = telemetry_batch_add(b, &pt);
        ioc_log(IOC_LOG_INFO, "water: station %s %s alarm level %d (%.2f m)", ev[i].station,
                ev[i].to > ev[i].from ? "reached" : "fell below",
                ev[i].to > ev[i].from ? ev[i].to : ev[i].from, ev[i].level);
    }
    if (rc == 0 && n)
        rc = env_flush_batch(e, b);
    if (rc == 0) {
        atomic_fetch_add(&e->events, n);
        publish(e, ev, n);
    }
    free(ev);
    return rc;
}

int env_engine_water(struct env_engine *e, const char *station, double *level, int64_t *t,
                     int *state)
{
    int rc = IOC_ENOTFOUND;
    pthread_mutex_lock(&e->lock);
    for (size_t i = 0; i < e->cap && rc; i++)
        if (e->tab[i].name && e->tab[i].water_t && strcmp(e->tab[i].name, station) == 0) {
            *level = e->tab[i].level;
            *t = e->tab[i].water_t;
            *state = e->tab[i].state;
            rc = 0;
        }
    pthread_mutex_unlock(&e->lock);
    return rc;
}
