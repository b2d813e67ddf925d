/*
 * store_notify.h — part of store.h (which includes it; include store.h): webhooks and their
 * durable queue of deliveries. The rules are src/notify/notify.h's.
 */
#ifndef IOC_STORE_NOTIFY_H
#define IOC_STORE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct store_conn;

/* ---- webhooks (notify.c; the rules: src/notify/notify.h) --------------------------------- */

/* A webhook. Strings malloc'd when read (store_webhook_clear); a writer's may point anywhere. */
struct store_webhook {
    int64_t id;
    char *url;
    char *events;      /* comma-separated event types, or "*" */
    int64_t agency_id; /* 0: not bound to an agency */
    char *agency;      /* read: that agency's code, "" for none */
    int enabled;
    char *secret;     /* hex; read only by store_webhook_get and the delivery queue */
    char *created_at; /* RFC 3339 */
    char *created_by;
    int64_t queued, dead; /* read by store_webhooks_list: deliveries in those states */
};
void store_webhook_clear(struct store_webhook *h);
void store_webhooks_free(struct store_webhook *a, size_t n);

/* Adds h (checked before by src/notify); *id its id. */
int store_webhook_add(struct store_conn *w, const struct store_webhook *h, int64_t *id);
/* One webhook with its secret and counts; IOC_ENOTFOUND. */
int store_webhook_get(struct store_conn *c, int64_t id, struct store_webhook *out);
/* Every webhook (enabled_only: those enabled) by id, with counts, without secrets. */
int store_webhooks_list(struct store_conn *c, int enabled_only, struct store_webhook **out,
                        size_t *n);
/* Deletes a webhook and its deliveries; IOC_ENOTFOUND. */
int store_webhook_delete(struct store_conn *w, int64_t id);

/* A delivery: one event for one webhook. */
struct store_delivery {
    int64_t id, webhook_id;
    char *type;  /* event type */
    char *data;  /* the event's JSON */
    char *state; /* "queued", "done", "dead" */
    int attempts;
    int64_t created_ms, next_at_ms, last_ms, done_ms;
    int last_status;  /* HTTP status of the last attempt, 0 for none */
    char *last_error; /* "" for none */
    char *url;        /* read: the webhook's */
    char *secret;     /* read by store_deliveries_heads only */
};
void store_delivery_clear(struct store_delivery *d);
void store_deliveries_free(struct store_delivery *a, size_t n);

/* Queues one delivery of (type, data) for webhook_id, due now; *id its id (may be NULL). */
int store_delivery_add(struct store_conn *w, int64_t webhook_id, const char *type, const char *data,
                       int64_t created_ms, int64_t *id);
/* The head of each webhook's queue (its oldest queued delivery) with url and secret, soonest
 * due first, at most limit. */
int store_deliveries_heads(struct store_conn *c, int limit, struct store_delivery **out, size_t *n);
/* Records an attempt of a queued delivery: state ("queued" again with next_at_ms, "done" or
 * "dead"), attempts, the last status and error, at now_ms. A delivery no longer queued (deleted,
 * already answered) is left alone: 0. */
int store_delivery_attempted(struct store_conn *w, int64_t id, const char *state, int attempts,
                             int64_t next_at_ms, int status, const char *error, int64_t now_ms);
/* A dead delivery back to queued, due now, its attempts reset. IOC_ENOTFOUND; IOC_EINVAL when
 * it is not dead. */
int store_delivery_retry(struct store_conn *w, int64_t id, int64_t now_ms);
/* One delivery; IOC_ENOTFOUND. */
int store_delivery_get(struct store_conn *c, int64_t id, struct store_delivery *out);
/* Deliveries, newest first: state and webhook_id filters (NULL, 0: any), ids below before_id
 * (0: any), at most limit. */
struct store_delivery_query {
    const char *state;
    int64_t webhook_id, before_id;
    int limit;
};
int store_deliveries_find(struct store_conn *c, const struct store_delivery_query *q,
                          struct store_delivery **out, size_t *n);
/* Deletes done deliveries answered before before_ms; *n how many (may be NULL). */
int store_deliveries_prune(struct store_conn *w, int64_t before_ms, int64_t *n);
/* How many deliveries are in state. */
int store_deliveries_count(struct store_conn *c, const char *state, int64_t *n);

#endif
