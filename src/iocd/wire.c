/*
 * wire.c — the alert engine's hooks (iocd_int.h): webhooks in the transaction of the change,
 * the live stream and the webhooks' wake-up after it, and the place of a target.
 *
 * Threads: locate runs on the alert engine's thread only (its read connection is opened there,
 * on first use, and used by no other thread); in_tx on the store writer's thread; published on
 * whichever thread finished the write (the writer's). events and nt outlive the engine (iocd
 * stops the engine first).
 */
#include "iocd/iocd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    struct notify *nt;
    struct store_conn *db; /* the alert engine thread's, for locate */
};

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
    w->nt = nt;
    *out = w;
    return 0;
}

void iocd_wire_destroy(struct iocd_wire *w)
{
    if (!w)
        return;
    store_conn_close(w->db);
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
    notify_kick(w->nt);
}

void iocd_wire_alerts(struct iocd_wire *w, struct alerts_options *o)
{
    o->ctx = w;
    o->locate = locate;
    o->in_tx = in_tx;
    o->published = published;
}
