/*
 * notify — webhooks: targets an admin registers, a durable queue of deliveries in the store,
 * and one delivery thread that POSTs them with libcurl, signed with HMAC-SHA256, retried with
 * exponential backoff and jitter, and set aside as dead letters after max_attempts
 * (docs/webhooks.md).
 *
 * Deliveries are queued inside the store transaction of the change that causes them
 * (notify_enqueue_tx), so a committed change always has its deliveries and a rolled-back one
 * none; notify_kick after the commit wakes the thread. Events that are no store change (the AQI
 * engine's water alarms, durable in the telemetry files) are queued by a writer job of their
 * own, one per batch (src/iocd/wire.c). The thread reads the queue with its own
 * connection and writes every state change through the store's writer thread. A delivery in
 * flight when the process dies is sent again at the next start: at-least-once, and receivers
 * deduplicate by X-IOC-Delivery.
 */
#ifndef IOC_NOTIFY_H
#define IOC_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;
struct ioc_buf;
struct ioc_config;

/* ---- settings [webhooks] (settings.c) ------------------------------------------------------ */

struct notify_settings {
    int timeout_ms;     /* one attempt, connection included */
    int max_attempts;   /* after that many failed attempts: dead letter */
    int backoff_ms;     /* the wait after the first failure, doubled after each next one */
    int backoff_max_ms; /* the longest wait */
    int max_inflight;   /* deliveries in flight at once (one per webhook) */
    int keep_days;      /* done deliveries are pruned after this many days */
};
const struct notify_settings *notify_settings_get(const struct ioc_config *c);

/* ---- the delivery thread (deliver.c) ------------------------------------------------------- */

struct notify;
struct notify_options {
    struct store *store;       /* its writer must run from notify_start to notify_stop */
    int64_t (*now_ms)(void *); /* the clock (NULL: ioc_now_ms), for tests */
    void *now_ctx;
    int timeout_ms, max_attempts, backoff_ms, backoff_max_ms, max_inflight, keep_days;
};
/* Fills o's delivery fields from s (store and clock untouched). */
void notify_options_from(struct notify_options *o, const struct notify_settings *s);
/* Starts the delivery thread; every queued delivery on disk is picked up. */
int notify_start(const struct notify_options *o, struct notify **out);
/* Stops the thread: deliveries in flight are abandoned and stay queued (sent again at the next
 * start). NULL is fine. Before the store's writer stops. */
void notify_stop(struct notify *n);
/* Wakes the delivery thread (after a commit that queued deliveries). Any thread, never blocks;
 * NULL is fine. */
void notify_kick(struct notify *n);
/* Appends the ioc_webhook_* metrics (Prometheus text). */
int notify_metrics(struct notify *n, struct ioc_buf *b);

/* ---- queueing, inside a store writer job (queue.c) ----------------------------------------- */

#define NOTIFY_EVERYONE (-1) /* an event's agency_id: visible to every caller */

/* One delivery row per enabled webhook whose filter matches (event type; agency, see
 * notify_matches), in the caller's transaction. Never touches the network. json[0..n) is the
 * event's JSON (an object). */
int notify_enqueue_tx(struct store_conn *w, const char *event_type, int64_t agency_id,
                      const char *json, size_t n);
/* Queues a ping event for webhook_id alone; *delivery_id its delivery. IOC_ENOTFOUND. */
int notify_ping_tx(struct store_conn *w, int64_t webhook_id, int64_t *delivery_id);

/* ---- the rules (rules.c; pure, unit-tested) ------------------------------------------------ */

#define NOTIFY_URL_MAX 2048
#define NOTIFY_EVENTS_MAX 128 /* bytes of the canonical list of event types */
#define NOTIFY_SECRET_HEX 64  /* 32 random bytes as hex */

/* 1 if a webhook with events (comma-separated types or "*") bound to agency hook_agency (0:
 * none) gets an event of type whose visibility is event_agency: the type is listed (or "*"),
 * and an agency-bound webhook gets only its agency's events and those visible to everyone
 * (NOTIFY_EVERYONE), as that agency's staff would see them on the stream; an unbound webhook
 * gets every event (as an operator would). A ping goes only to its webhook (notify_ping_tx) and
 * never matches here. */
int notify_matches(const char *events, int64_t hook_agency, const char *type, int64_t event_agency);

/* Where a webhook's fields are wrong: field name and reason. */
typedef void (*notify_problem_fn)(void *ctx, const char *field, const char *why);
/* Checks a webhook's url (http or https, a host, at most NOTIFY_URL_MAX bytes, no spaces or
 * control characters, no user:password) and its event types (nevents of "alert", "report",
 * "station", or the one "*"; at least one). The canonical list (sorted, unique, comma-separated)
 * into events_out (NOTIFY_EVENTS_MAX bytes). 0, or IOC_EINVAL after calling problem for the
 * first wrong field. */
int notify_webhook_check(const char *url, const char *const *events, size_t nevents,
                         char events_out[NOTIFY_EVENTS_MAX], notify_problem_fn problem, void *ctx);
/* A new secret: 32 random bytes as 64 lowercase hex characters and a NUL. */
void notify_secret_new(char out[NOTIFY_SECRET_HEX + 1]);
/* X-IOC-Signature's value: "sha256=" and the hex HMAC-SHA256, keyed with the secret's text
 * (the hex string as given to the admin), of "<timestamp>.<body>". 0 or IOC_EIO. */
int notify_sign(const char *secret, int64_t timestamp_s, const char *body, size_t n,
                char out[7 + 64 + 1]);
/* The wait before attempt attempts + 1 after attempts (>= 1) failures: backoff_ms doubled
 * (attempts - 1) times, at most backoff_max_ms, then scaled by jitter in [0, 1) into
 * [wait / 2, wait). */
int64_t notify_backoff_ms(int attempts, int backoff_ms, int backoff_max_ms, double jitter);
/* The body POSTed for a delivery: {"id": id, "type": type, "at": RFC 3339 of at_ms, "data":
 * data} (data inserted as is). 0 or IOC_ENOMEM. */
int notify_body(struct ioc_buf *b, int64_t id, const char *type, int64_t at_ms, const char *data);

#endif
