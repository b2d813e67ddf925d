/*
 * hub.c — the live event hub (contract in events.h; format in docs/api.md "Live events").
 *
 * The ring is a list of events, oldest first; each holds its whole SSE text ("id: N\nevent:
 * T\ndata: JSON\n\n"), formatted once when published. Events are numbered by one sequence:
 * every event numbered `lo` or more is in the ring, `next` is the number the next one gets. So
 * a client that saw up to id X missed nothing we cannot replay exactly when lo - 1 <= X < next.
 *
 * One lock guards everything: publish links and writes under it, subscribe replays and links
 * under it, the heartbeat thread writes under it, so a subscriber sees each event once and in
 * order. Writers only copy (no I/O under the lock); an event is allocated outside it.
 */
#include "events/events.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/errors.h"

#define ID_ROOM 20 /* digits of a uint64 */

struct ev {
    struct ev *next;
    uint64_t id;
    int64_t agency_id;
    char type[EVENTS_TYPE_MAX + 1];
    size_t len, bytes; /* of text; of the whole allocation */
    char text[];
};

struct events_sub {
    struct events_sub *next, *prev;
    struct events_viewer v;
    char types[EVENTS_MAX_TYPES][EVENTS_TYPE_MAX + 1];
    size_t ntypes; /* 0: every type */
    events_write_fn write;
    void *ctx;
    int failed;
    int lagging; /* a write was refused for room (IOC_EBUSY): a reset replaces the next event */
};

struct events_hub {
    struct events_options o;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the heartbeat thread's sleep; signalled to stop */
    pthread_t thread;
    int stop;
    uint64_t next, lo;
    struct ev *head, *tail;
    size_t n, bytes;
    struct events_sub *subs;
    size_t nsubs;
    int64_t keep_until_ms; /* with keep_s: the ring is forgotten after this with nobody */
    atomic_size_t subscribers;
    atomic_ullong published, delivered, resets, dropped_writers, refused, heartbeats, lagged;
};

static void *heartbeat_main(void *arg);

int events_hub_create(const struct events_options *o, struct events_hub **out)
{
    *out = NULL;
    struct events_hub *h = calloc(1, sizeof *h);
    if (!h)
        return IOC_ENOMEM;
    h->o = *o;
    if (!h->o.ring_events)
        h->o.ring_events = 10000;
    if (!h->o.ring_bytes)
        h->o.ring_bytes = 16u << 20;
    if (h->o.heartbeat_s <= 0)
        h->o.heartbeat_s = 15;
    if (!h->o.max_replay)
        h->o.max_replay = h->o.ring_bytes;
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    h->next = h->lo = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    if (pthread_create(&h->thread, NULL, heartbeat_main, h) != 0) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return IOC_EIO;
    }
    *out = h;
    return 0;
}

static void drop_oldest(struct events_hub *h)
{
    struct ev *e = h->head;
    h->head = e->next;
    if (!h->head)
        h->tail = NULL;
    h->n--;
    h->bytes -= e->bytes;
    h->lo = e->id + 1;
    free(e);
}

void events_hub_destroy(struct events_hub *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stop = 1;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    while (h->subs)
        events_unsubscribe(h, h->subs);
    while (h->head)
        drop_oldest(h);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* ---- matching ---- */

int events_type_valid(const char *type)
{
    size_t n = 0;
    for (; type && type[n]; n++)
        if ((type[n] < 'a' || type[n] > 'z') && type[n] != '_')
            return 0;
    return n >= 1 && n <= EVENTS_TYPE_MAX;
}

static int visible(const struct events_viewer *v, int64_t agency_id)
{
    if (agency_id == EVENTS_EVERYONE || v->all)
        return 1;
    return agency_id > 0 && v->agency_id == agency_id;
}

static int wants(const struct events_sub *s, const struct ev *e)
{
    if (!visible(&s->v, e->agency_id))
        return 0;
    if (s->ntypes == 0)
        return 1;
    for (size_t i = 0; i < s->ntypes; i++)
        if (strcmp(s->types[i], e->type) == 0)
            return 1;
    return 0;
}

/* Writes p (event e, or a heartbeat when e is NULL) to every live subscriber that wants it
 * (lock held). A writer with no room now (IOC_EBUSY: a burst did not fit its client's buffer)
 * is kept: its next event is replaced by a reset with that event's id (the client reloads up
 * to it), then events go on. Any other failure marks the subscriber failed. */
static void fan_out(struct events_hub *h, const struct ev *e, const char *p, size_t n)
{
    for (struct events_sub *s = h->subs; s; s = s->next) {
        if (s->failed || (e && !wants(s, e)))
            continue;
        int rc;
        if (e && s->lagging) {
            char reset[64];
            int k = snprintf(reset, sizeof reset, "id: %llu\nevent: reset\ndata: {}\n\n",
                             (unsigned long long)e->id);
            rc = s->write(s->ctx, reset, (size_t)k);
            if (rc == 0) {
                s->lagging = 0;
                atomic_fetch_add(&h->resets, 1);
                continue;
            }
        } else {
            rc = s->write(s->ctx, p, n);
        }
        if (rc == IOC_EBUSY) {
            if (e && !s->lagging) {
                s->lagging = 1;
                atomic_fetch_add(&h->lagged, 1);
            }
        } else if (rc != 0) {
            s->failed = 1;
            atomic_fetch_add(&h->dropped_writers, 1);
        } else if (e) {
            atomic_fetch_add(&h->delivered, 1);
        }
    }
}

/* ---- publishing ---- */

static int data_ok(const char *json, size_t n)
{
    if (!json || n == 0 || n > EVENTS_DATA_MAX)
        return 0;
    return memchr(json, '\n', n) == NULL && memchr(json, '\r', n) == NULL &&
           memchr(json, '\0', n) == NULL;
}

uint64_t events_publish(struct events_hub *h, const char *type, int64_t agency_id, const char *json,
                        size_t n)
{
    if (!h)
        return 0;
    if (!events_type_valid(type) || !data_ok(json, n) || agency_id < EVENTS_EVERYONE) {
        atomic_fetch_add(&h->refused, 1);
        return 0;
    }
    size_t tl = strlen(type);
    /* "id: " ID "\nevent: " TYPE "\ndata: " JSON "\n\n" */
    size_t cap = 4 + ID_ROOM + 8 + tl + 7 + n + 2 + 1;
    struct ev *e = malloc(sizeof *e + cap);
    if (!e) {
        atomic_fetch_add(&h->refused, 1);
        return 0;
    }
    e->next = NULL;
    e->agency_id = agency_id;
    memcpy(e->type, type, tl + 1);
    e->bytes = sizeof *e + cap;
    pthread_mutex_lock(&h->lock);
    e->id = h->next++;
    int k = snprintf(e->text, cap, "id: %llu\nevent: %s\ndata: ", (unsigned long long)e->id, type);
    memcpy(e->text + k, json, n);
    memcpy(e->text + (size_t)k + n, "\n\n", 3);
    e->len = (size_t)k + n + 2;
    if (h->o.keep_s > 0 && h->nsubs == 0 && ioc_now_ms() > h->keep_until_ms) {
        /* nobody listened for keep_s: a gap; forget the ring (the event too) */
        while (h->head)
            drop_oldest(h);
        h->lo = h->next;
        pthread_mutex_unlock(&h->lock);
        uint64_t gap = e->id;
        free(e);
        atomic_fetch_add(&h->published, 1);
        return gap;
    }
    if (h->tail)
        h->tail->next = e;
    else
        h->head = e;
    h->tail = e;
    h->n++;
    h->bytes += e->bytes;
    fan_out(h, e, e->text, e->len);
    while (h->head != h->tail && (h->n > h->o.ring_events || h->bytes > h->o.ring_bytes))
        drop_oldest(h);
    uint64_t id = e->id;
    pthread_mutex_unlock(&h->lock);
    atomic_fetch_add(&h->published, 1);
    return id;
}

/* ---- subscribers ---- */

/* What a subscriber that saw up to last gets first, into out: the missed events, or a reset. */
static void replay(struct events_hub *h, const struct events_sub *s, uint64_t last,
                   struct ioc_buf *out)
{
    size_t start = out->len;
    int ok = last + 1 >= h->lo && last < h->next;
    for (const struct ev *e = h->head; ok && e; e = e->next)
        if (e->id > last && wants(s, e))
            ok = ioc_buf_append(out, e->text, e->len) == 0 && out->len - start <= h->o.max_replay;
    if (ok)
        return;
    out->len = start;
    ioc_buf_printf(out, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)(h->next - 1));
    atomic_fetch_add(&h->resets, 1);
}

int events_subscribe(struct events_hub *h, const struct events_viewer *v, const char *const *types,
                     size_t ntypes, int have_last, uint64_t last_id, events_write_fn write,
                     void *ctx, struct events_sub **out)
{
    *out = NULL;
    if (ntypes > EVENTS_MAX_TYPES || (ntypes && !types))
        return IOC_EINVAL;
    for (size_t i = 0; i < ntypes; i++)
        if (!events_type_valid(types[i]))
            return IOC_EINVAL;
    struct events_sub *s = calloc(1, sizeof *s);
    if (!s)
        return IOC_ENOMEM;
    s->v = *v;
    for (size_t i = 0; i < ntypes; i++)
        snprintf(s->types[i], sizeof s->types[i], "%s", types[i]);
    s->ntypes = ntypes;
    s->write = write;
    s->ctx = ctx;
    struct ioc_buf first;
    ioc_buf_init(&first, 0);
    pthread_mutex_lock(&h->lock);
    ioc_buf_puts(&first, "retry: 3000\n\n");
    if (have_last)
        replay(h, s, last_id, &first);
    int rc = first.data ? write(ctx, first.data, first.len) : IOC_ENOMEM;
    if (rc == 0) {
        s->next = h->subs;
        if (h->subs)
            h->subs->prev = s;
        h->subs = s;
        h->nsubs++;
        atomic_store(&h->subscribers, h->nsubs);
    }
    pthread_mutex_unlock(&h->lock);
    ioc_buf_free(&first);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void events_unsubscribe(struct events_hub *h, struct events_sub *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&h->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    h->nsubs--;
    atomic_store(&h->subscribers, h->nsubs);
    if (h->nsubs == 0)
        h->keep_until_ms = ioc_now_ms() + (int64_t)h->o.keep_s * 1000;
    pthread_mutex_unlock(&h->lock);
    free(s);
}

/* ---- the heartbeat thread ---- */

static void *heartbeat_main(void *arg)
{
    struct events_hub *h = arg;
    static const char hb[] = ": hb\n\n";
    pthread_mutex_lock(&h->lock);
    while (!h->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += h->o.heartbeat_s;
        int rc = 0;
        while (!h->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&h->wake, &h->lock, &until);
        if (h->stop)
            break;
        fan_out(h, NULL, hb, sizeof hb - 1);
        atomic_fetch_add(&h->heartbeats, 1);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* ---- metrics ---- */

static void metric(struct ioc_buf *b, const char *name, const char *type, const char *help,
                   unsigned long long v)
{
    ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, v);
}

int events_hub_metrics(struct events_hub *h, struct ioc_buf *b)
{
    metric(b, "ioc_events_subscribers", "gauge", "Clients of GET /api/v1/events.",
           atomic_load(&h->subscribers));
    metric(b, "ioc_events_published_total", "counter", "Events published to the live stream.",
           atomic_load(&h->published));
    metric(b, "ioc_events_refused_total", "counter",
           "Events refused by the hub (a bad type or data, no memory).", atomic_load(&h->refused));
    metric(b, "ioc_events_delivered_total", "counter", "Events written to clients.",
           atomic_load(&h->delivered));
    metric(b, "ioc_events_resets_total", "counter",
           "Resets sent: a reconnection whose Last-Event-ID is too old, unknown or too far back, "
           "or a client that fell behind a burst.",
           atomic_load(&h->resets));
    metric(b, "ioc_events_lagged_total", "counter",
           "Times a client's buffer could not take a burst: its next event became a reset.",
           atomic_load(&h->lagged));
    metric(b, "ioc_events_writer_failures_total", "counter",
           "Clients that could take no more (dropped or gone).", atomic_load(&h->dropped_writers));
    metric(b, "ioc_events_heartbeats_total", "counter", "Heartbeat rounds of the hub's thread.",
           atomic_load(&h->heartbeats));
    return b->data || b->len == 0 ? 0 : IOC_ENOMEM;
}
