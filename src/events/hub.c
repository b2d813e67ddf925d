/*
 * hub.c — the live event hub (contract in events.h; format in docs/api.md "Live events").
 *
 * The ring, the subscribers, the Last-Event-ID replay and the resets are base's fan-out (base.h,
 * "fan-out of live events"); this file gives it the events: each holds its whole SSE text
 * ("id: N\nevent: T\ndata: JSON\n\n"), formatted once when the fan-out numbers it, and a
 * subscriber's filter (visibility and types). The heartbeat thread writes through the fan-out,
 * under its lock like the publishers, so a subscriber sees each event once and in order.
 * Writers only copy (no I/O under the lock); an event is allocated outside it.
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
    struct ioc_fanout_entry head; /* one id */
    int64_t agency_id;
    char type[EVENTS_TYPE_MAX + 1];
    size_t len, json_len; /* of text; of the JSON it was made from */
    char text[];          /* the JSON until stamped, then the whole event */
};

struct events_sub {
    struct ioc_fanout_sub *fs;
};

struct events_filter {
    struct events_viewer v;
    char types[EVENTS_MAX_TYPES][EVENTS_TYPE_MAX + 1];
    size_t ntypes; /* 0: every type */
};

struct events_hub {
    struct events_options o;
    struct ioc_fanout *fan;
    pthread_mutex_t lock; /* the heartbeat thread's sleep */
    pthread_cond_t wake;  /* signalled to stop */
    pthread_t thread;
    int stop;
    atomic_ullong published, refused, heartbeats;
};

static void *heartbeat_main(void *arg);

/* ---- matching and formatting (the fan-out's ops) ---- */

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

static int wants(void *hub, const void *filter, const struct ioc_fanout_entry *entry)
{
    (void)hub;
    const struct events_filter *s = filter;
    const struct ev *e = (const struct ev *)entry;
    if (!visible(&s->v, e->agency_id))
        return 0;
    if (s->ntypes == 0)
        return 1;
    for (size_t i = 0; i < s->ntypes; i++)
        if (strcmp(s->types[i], e->type) == 0)
            return 1;
    return 0;
}

static int deliver(void *hub, const void *filter, const struct ioc_fanout_entry *entry,
                   uint64_t after, ioc_fanout_write_fn emit, void *ectx)
{
    const struct ev *e = (const struct ev *)entry;
    if (entry->first <= after || !wants(hub, filter, entry))
        return 0;
    return emit(ectx, e->text, e->len);
}

/* The event's text, now that its id is known: "id: N\nevent: T\ndata: JSON\n\n". */
static void stamp(void *hub, struct ioc_fanout_entry *entry)
{
    (void)hub;
    struct ev *e = (struct ev *)entry;
    char head[4 + ID_ROOM + 8 + EVENTS_TYPE_MAX + 7 + 1];
    int k = snprintf(head, sizeof head,
                     "id: %llu\nevent: %s\ndata: ", (unsigned long long)entry->first, e->type);
    memmove(e->text + k, e->text, e->json_len);
    memcpy(e->text, head, (size_t)k);
    memcpy(e->text + (size_t)k + e->json_len, "\n\n", 3);
    e->len = (size_t)k + e->json_len + 2;
}

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
    struct ioc_fanout_options fo = {h->o.ring_events, h->o.ring_bytes, h->o.keep_s};
    struct ioc_fanout_ops ops = {h, deliver, wants, stamp, free};
    if (ioc_fanout_create(&fo, &ops, &h->fan) != 0) {
        free(h);
        return IOC_ENOMEM;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&h->thread, NULL, heartbeat_main, h) != 0) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
        ioc_fanout_destroy(h->fan);
        free(h);
        return IOC_EIO;
    }
    *out = h;
    return 0;
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
    ioc_fanout_destroy(h->fan);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
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
    e->head = (struct ioc_fanout_entry){.n = 1, .bytes = sizeof *e + cap};
    e->agency_id = agency_id;
    memcpy(e->type, type, tl + 1);
    e->json_len = n;
    e->len = 0;
    memcpy(e->text, json, n);
    uint64_t id = ioc_fanout_publish(h->fan, &e->head);
    atomic_fetch_add(&h->published, 1);
    return id;
}

/* ---- subscribers ---- */

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
    struct events_filter *f = calloc(1, sizeof *f);
    if (!s || !f) {
        free(s);
        free(f);
        return IOC_ENOMEM;
    }
    f->v = *v;
    for (size_t i = 0; i < ntypes; i++)
        snprintf(f->types[i], sizeof f->types[i], "%s", types[i]);
    f->ntypes = ntypes;
    int rc =
        ioc_fanout_subscribe(h->fan, f, have_last, last_id, h->o.max_replay, write, ctx, &s->fs);
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
    ioc_fanout_unsubscribe(h->fan, s->fs);
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
        pthread_mutex_unlock(&h->lock);
        ioc_fanout_broadcast(h->fan, hb, sizeof hb - 1);
        atomic_fetch_add(&h->heartbeats, 1);
        pthread_mutex_lock(&h->lock);
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
    struct ioc_fanout_counts c;
    ioc_fanout_counts(h->fan, &c);
    metric(b, "ioc_events_published_total", "counter", "Events published to the live stream.",
           atomic_load(&h->published));
    metric(b, "ioc_events_refused_total", "counter",
           "Events refused by the hub (a bad type or data, no memory).", atomic_load(&h->refused));
    metric(b, "ioc_events_delivered_total", "counter", "Events written to clients.", c.delivered);
    metric(b, "ioc_events_heartbeats_total", "counter", "Heartbeat rounds of the hub's thread.",
           atomic_load(&h->heartbeats));
    return ioc_fanout_metrics(h->fan, b, "ioc_events", "GET /api/v1/events.");
}
