/*
 * wire.c — the alert engine's hooks (iocd_int.h): webhooks in the transaction of the change,
 * the live stream and the webhooks' wake-up after it, and the place of a target; and the AQI
 * engine's `station` events to the webhooks, one transaction of their own per batch.
 *
 * Threads: locate runs on the alert engine's thread only (its read connection is opened there,
 * on first use, and used by no other thread); in_tx on the store writer's thread; published on
 * whichever thread finished the write (the writer's). events outlive both engines; nt outlives
 * the alert engine but not the AQI engine, so every wake-up reads it under lock and
 * iocd_wire_notify_gone clears it before notify stops.
 */
#include "iocd/iocd_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "base/errors.h"
#include "environment/environment.h"
#include "events/events.h"
#include "notify/notify.h"
#include "store/store.h"

struct iocd_wire {
    struct store *st;
    struct events_hub *events;
    pthread_mutex_t lock;  /* guards nt */
    struct notify *nt;     /* NULL once notify is stopping */
    struct store_conn *db; /* the alert engine thread's, for locate */
};

static void kick(struct iocd_wire *w)
{
    pthread_mutex_lock(&w->lock);
    notify_kick(w->nt);
    pthread_mutex_unlock(&w->lock);
}

int iocd_wire_create(struct store *st, struct events_hub *events, struct notify *nt,
                     struct iocd_wire **out)
{
    struct iocd_wire *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(stderr, "iocd: out of memory\n");
        return IOC_ENOMEM;
    }
    w->st = st;
    w->events = events;
    pthread_mutex_init(&w->lock, NULL);
    w->nt = nt;
    *out = w;
    return 0;
}

void iocd_wire_destroy(struct iocd_wire *w)
{
    if (!w)
        return;
    store_conn_close(w->db);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

static int locate(void *ctx, const char *measurement, const char *tags, double *lat, double *lon,
                  char unit[16])
{
    (void)measurement;
    struct iocd_wire *w = ctx;
    if (!w->db && store_conn_open(w->st, 1, &w->db) != 0) {
        w->db = NULL;
        return IOC_EIO;
    }
    return env_alert_locate(w->db, tags, lat, lon, unit);
}

static int in_tx(void *ctx, struct store_conn *c, const char *event_type, int64_t agency_id,
                 const char *json, size_t n)
{
    (void)ctx;
    return notify_enqueue_tx(c, event_type, agency_id, json, n);
}

static void published(void *ctx, const char *event_type, int64_t agency_id, const char *json,
                      size_t n)
{
    struct iocd_wire *w = ctx;
    if (w->events)
        events_publish(w->events, event_type, agency_id, json, n);
    kick(w);
}

void iocd_wire_alerts(struct iocd_wire *w, struct alerts_options *o)
{
    o->ctx = w;
    o->locate = locate;
    o->in_tx = in_tx;
    o->published = published;
}

void iocd_wire_notify_gone(struct iocd_wire *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->nt = NULL;
    pthread_mutex_unlock(&w->lock);
}

/* ---- the AQI engine's events to the webhooks ---------------------------------------------- */

/* A copy of one batch: the events' types and agencies, their JSON one after another in data. */
struct batch {
    struct iocd_wire *w;
    size_t n;
    struct {
        char type[16];
        int64_t agency_id;
        size_t off, len;
    } * ev;
    char *data;
};

static void batch_free(struct batch *b)
{
    free(b->ev);
    free(b->data);
    free(b);
}

static int batch_job(struct store_conn *c, void *arg)
{
    struct batch *b = arg;
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++)
        rc = notify_enqueue_tx(c, b->ev[i].type, b->ev[i].agency_id, b->data + b->ev[i].off,
                               b->ev[i].len);
    return rc;
}

static void batch_done(void *arg, int rc)
{
    struct batch *b = arg;
    if (rc)
        ioc_log(IOC_LOG_WARN, "webhooks: %zu station events not queued: %s", b->n,
                ioc_strerror(rc));
    else
        kick(b->w);
    batch_free(b);
}

static struct batch *batch_copy(struct iocd_wire *w, const struct env_event *ev, size_t n)
{
    struct batch *b = calloc(1, sizeof *b);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += ev[i].n;
    if (!b || !(b->ev = calloc(n, sizeof *b->ev)) || !(b->data = malloc(total ? total : 1))) {
        if (b)
            batch_free(b);
        return NULL;
    }
    b->w = w;
    b->n = n;
    for (size_t i = 0, off = 0; i < n; off += ev[i].n, i++) {
        snprintf(b->ev[i].type, sizeof b->ev[i].type, "%s", ev[i].type);
        b->ev[i].agency_id = ev[i].agency_id;
        b->ev[i].off = off;
        b->ev[i].len = ev[i].n;
        memcpy(b->data + off, ev[i].json, ev[i].n);
    }
    return b;
}

/* On the AQI engine's thread: queued through the writer without waiting for it (a full writer
 * queue is tried again for a moment; the receivers never hold this thread). */
static void env_durable(void *ctx, const struct env_event *ev, size_t n)
{
    struct iocd_wire *w = ctx;
    struct batch *b = batch_copy(w, ev, n);
    int rc = b ? IOC_EBUSY : IOC_ENOMEM;
    for (int tries = 0; b && rc == IOC_EBUSY && tries < 20; tries++) {
        if (tries)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        rc = store_writer_submit(w->st, batch_job, batch_done, b);
    }
    if (rc) {
        ioc_log(IOC_LOG_WARN, "webhooks: %zu station events not queued: %s", n, ioc_strerror(rc));
        if (b)
            batch_free(b);
    }
}

void iocd_wire_env(struct iocd_wire *w, struct env_engine_options *o)
{
    o->durable = env_durable;
    o->durable_ctx = w;
}
