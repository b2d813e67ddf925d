/*
 * mqtt_ingest.c — MQTT into the engine: the [mqtt] settings become subscriber options, and the
 * subscriber's sink turns each message's points into one batch for the ingest thread.
 *
 * The sink runs on the subscriber's thread, which is no loop thread, so it may wait:
 *
 *   points ─batch_add─▶ batch ─wait for a free slot─▶ submit ─▶ ingest queue ─▶ done (ingest
 *                                                       │ IOC_EBUSY (queue full)    thread):
 *                                                       └ wait 5 .. 200 ms, again   count, log,
 *                                                                                   free slot
 *
 * Up to SLOTS batches (and at most max_batch points, unless just one batch) are in the ingest
 * queue at once, so messages do not wait for each other's sync: several share one group commit.
 *
 * Invariants
 *   1. A slot is owned by the sink from the moment it takes it until its submit succeeded, then
 *      by the ingest thread until its done callback frees it; `inflight` counts the slots not
 *      free, and `inflight_points` their points.
 *   2. A full queue never loses a message while iocd runs: the submit is retried until the
 *      queue takes it, or until mqtt_ingest_stop, which wakes the wait at once.
 *   3. Every engine point of a message is counted once: stored (durable, its done callback said
 *      so) or refused (no series key, past telemetry.max_points, refused by the engine, the
 *      write failed, or given up at stop). The ingest's ioc_telemetry_points_* count them too.
 *   4. mqtt_ingest_stop stops the subscriber (no sink runs after), then waits for inflight to
 *      be 0, while the ingest thread runs (telemetry_ingest_close stops it after): no done
 *      callback runs after mi is freed.
 *   5. Batches are submitted in the order of their messages, and the queue keeps that order.
 */
#include "telemetry/mqtt_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

#define SLOTS 64 /* batches in the ingest queue at most (TELEMETRY_QUEUE_MAX is 1024) */
#define RETRY_MIN_MS 5
#define RETRY_MAX_MS 200
#define LOG_EVERY 1000 /* a refusal is logged the first and every Nth time */

struct mqtt_ingest;

struct slot {
    struct mqtt_ingest *mi;
    struct telemetry_batch b;
    char topic[128]; /* quoted, for logs */
    int busy;
};

struct mqtt_ingest {
    struct telemetry_ingest *ig;
    struct telemetry_mqtt *m;
    size_t max_batch;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* a slot was freed, or stop was asked */
    int stopping, inflight;
    size_t inflight_points;
    struct slot slots[SLOTS];
    atomic_ullong refusals; /* for the log's pace */
    atomic_ullong stored, refused, retries, strings;
};

static void add(atomic_ullong *c, unsigned long long n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static void refuse(struct mqtt_ingest *mi, int answered, const char *topic, size_t n,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Counts n refused engine points of a message on topic (quoted), also in the ingest's counter
 * unless they were in an answered batch (the ingest thread counted those); logs the first and
 * every Nth time. Any thread. */
static void refuse(struct mqtt_ingest *mi, int answered, const char *topic, size_t n,
                   const char *fmt, ...)
{
    add(&mi->refused, n);
    if (!answered)
        telemetry_ingest_count_refused(mi->ig, n);
    unsigned long long k = atomic_fetch_add(&mi->refusals, 1);
    if (k % LOG_EVERY != 0)
        return;
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ioc_log(IOC_LOG_WARN, "mqtt: %zu points of a message on \"%s\" refused: %s (%llu so far)", n,
            topic, why, k + 1);
}

static void slot_free(struct slot *sl)
{
    struct mqtt_ingest *mi = sl->mi;
    size_t n = sl->b.n;
    telemetry_batch_free(&sl->b);
    pthread_mutex_lock(&mi->lock);
    sl->busy = 0;
    mi->inflight--;
    mi->inflight_points -= n;
    pthread_cond_broadcast(&mi->cond);
    pthread_mutex_unlock(&mi->lock);
}

/* The ingest thread's answer to a slot's batch. */
static void on_done(void *arg, int rc, const struct tsdb_write_report *r)
{
    struct slot *sl = arg;
    struct mqtt_ingest *mi = sl->mi;
    if (rc) {
        refuse(mi, 1, sl->topic, sl->b.n, "the write failed: %s", ioc_strerror(rc));
    } else {
        add(&mi->stored, r->accepted);
        if (r->refused) {
            struct tsdb_series_parts sp;
            const struct tsdb_point_in *p = &sl->b.pts[r->first_refused];
            int ok =
                r->first_refused < sl->b.n && tsdb_series_key_parse(p->key, p->key_len, &sp) == 0;
            refuse(mi, 1, sl->topic, r->refused, "measurement %.*s field %.*s: %s",
                   ok ? (int)sp.mlen : 0, ok ? sp.m : "", ok ? (int)sp.flen : 0, ok ? sp.f : "",
                   r->first_rc == IOC_EEXIST ? "stored with another type"
                                             : ioc_strerror(r->first_rc));
        }
    }
    slot_free(sl);
}

/* Takes a free slot for a batch of n points, waiting while SLOTS batches (or max_batch points
 * with at least one batch) are in flight. */
static struct slot *slot_take(struct mqtt_ingest *mi, size_t n)
{
    pthread_mutex_lock(&mi->lock);
    while (mi->inflight == SLOTS || (mi->inflight > 0 && mi->inflight_points + n > mi->max_batch))
        pthread_cond_wait(&mi->cond, &mi->lock);
    struct slot *sl = mi->slots;
    while (sl->busy)
        sl++;
    sl->busy = 1;
    mi->inflight++;
    mi->inflight_points += n;
    pthread_mutex_unlock(&mi->lock);
    return sl;
}

/* Submits the slot's batch, retrying a full queue. 0 (the slot is the ingest thread's now), or
 * IOC_EBUSY when stop was asked meanwhile, or the submit's error. */
static int submit(struct mqtt_ingest *mi, struct slot *sl)
{
    long wait_ms = RETRY_MIN_MS;
    for (;;) {
        int rc = telemetry_ingest_submit(mi->ig, sl->b.pts, sl->b.n, on_done, sl);
        if (rc != IOC_EBUSY)
            return rc;
        add(&mi->retries, 1);
        pthread_mutex_lock(&mi->lock);
        struct timespec d;
        ioc_deadline_ms(&d, wait_ms);
        while (!mi->stopping && pthread_cond_timedwait(&mi->cond, &mi->lock, &d) == 0)
            ;
        int stop = mi->stopping;
        pthread_mutex_unlock(&mi->lock);
        if (stop)
            return IOC_EBUSY;
        wait_ms = wait_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : wait_ms * 2;
    }
}

static int sink(void *ctx, const char *topic, const struct telemetry_lp_point *pts, size_t n)
{
    struct mqtt_ingest *mi = ctx;
    char t[128];
    mqtt_quote(t, sizeof t, topic, strlen(topic));
    struct telemetry_batch b;
    telemetry_batch_init(&b, mi->max_batch);
    size_t no_key = 0, over = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc != IOC_ENOMEM; i++) {
        if (over) {
            over += pts[i].nfields;
            continue;
        }
        size_t before = b.n;
        rc = telemetry_batch_add(&b, &pts[i]);
        if (rc == IOC_EINVAL)
            no_key += pts[i].nfields;
        else if (rc == IOC_ETOOBIG)
            over += pts[i].nfields - (b.n - before);
    }
    add(&mi->strings, b.strings);
    if (rc == IOC_ENOMEM) {
        refuse(mi, 0, t, b.n, "out of memory");
        telemetry_batch_free(&b);
        return rc;
    }
    if (no_key)
        refuse(mi, 0, t, no_key, "more than %d tags", TSDB_SERIES_MAX_TAGS);
    if (over)
        refuse(mi, 0, t, over, "more than telemetry.max_points (%zu) fields", mi->max_batch);
    if (b.n == 0) {
        telemetry_batch_free(&b);
        return 0;
    }
    telemetry_batch_finish(&b);
    struct slot *sl = slot_take(mi, b.n);
    sl->b = b; /* the keys' buffer moves with it: the points point into its data, not at it */
    snprintf(sl->topic, sizeof sl->topic, "%s", t);
    rc = submit(mi, sl);
    if (rc) {
        refuse(mi, 0, t, sl->b.n, "%s", rc == IOC_EBUSY ? "iocd is stopping" : ioc_strerror(rc));
        slot_free(sl);
    }
    return rc;
}

/* The subscriber's options from the settings; IOC_EINVAL with the reason in err. */
static int options_from(const struct telemetry_mqtt_settings *s, struct telemetry_mqtt_options *o,
                        char *err, size_t err_size)
{
    telemetry_mqtt_options_default(o);
    o->host = s->host;
    o->port = s->port;
    o->client_id = *s->client_id ? s->client_id : NULL;
    o->username = *s->username ? s->username : NULL;
    o->password = *s->password ? s->password : NULL;
    o->topic = s->topic;
    o->qos = s->qos;
    o->keepalive_s = s->keepalive_s;
    o->clean_session = s->clean_session;
    o->backoff_min_ms = (unsigned)s->backoff_min_ms;
    o->backoff_max_ms = (unsigned)s->backoff_max_ms;
    o->max_payload = (size_t)s->max_payload;
    o->max_points = (size_t)s->max_points;
    const char *why = NULL;
    if (telemetry_lp_precision_parse(s->precision, strlen(s->precision), &o->precision) != 0)
        why = "mqtt.precision must be ns, us, ms, s, m or h";
    else if (!*s->host)
        why = "mqtt.host is empty";
    else if (o->password && !o->username)
        why = "mqtt.password needs mqtt.username";
    else if (!o->clean_session && !o->client_id)
        why = "mqtt.client_id is needed when mqtt.clean_session is false";
    else if (s->backoff_max_ms < s->backoff_min_ms)
        why = "mqtt.backoff_max_ms is less than mqtt.backoff_min_ms";
    if (why)
        snprintf(err, err_size, "%s", why);
    return why ? IOC_EINVAL : 0;
}

int mqtt_ingest_start(struct telemetry_ingest *ig, const struct telemetry_mqtt_settings *s,
                      size_t max_batch, struct mqtt_ingest **out, char *err, size_t err_size)
{
    *out = NULL;
    if (!s->enabled)
        return 0;
    struct telemetry_mqtt_options o;
    int rc = options_from(s, &o, err, err_size);
    if (rc)
        return rc;
    struct mqtt_ingest *mi = calloc(1, sizeof *mi);
    if (!mi)
        return IOC_ENOMEM;
    mi->ig = ig;
    mi->max_batch = max_batch;
    for (size_t i = 0; i < SLOTS; i++)
        mi->slots[i].mi = mi;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&mi->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&mi->lock, NULL);
    rc = telemetry_mqtt_start(&o, sink, mi, &mi->m);
    if (rc) {
        if (rc == IOC_EINVAL)
            snprintf(err, err_size, "mqtt.topic \"%s\" is not a valid topic filter", s->topic);
        else
            snprintf(err, err_size, "cannot start the MQTT subscriber: %s", ioc_strerror(rc));
        pthread_cond_destroy(&mi->cond);
        pthread_mutex_destroy(&mi->lock);
        free(mi);
        return rc;
    }
    ioc_log(IOC_LOG_INFO, "mqtt: subscribing to %s on %s:%d", s->topic, s->host, s->port);
    *out = mi;
    return 0;
}

void mqtt_ingest_stop(struct mqtt_ingest *mi)
{
    if (!mi)
        return;
    pthread_mutex_lock(&mi->lock);
    mi->stopping = 1; /* ends a retry wait; batches in the queue are still answered */
    pthread_cond_broadcast(&mi->cond);
    pthread_mutex_unlock(&mi->lock);
    telemetry_mqtt_stop(mi->m); /* no sink runs after this */
    pthread_mutex_lock(&mi->lock);
    while (mi->inflight > 0) /* the ingest thread answers them */
        pthread_cond_wait(&mi->cond, &mi->lock);
    pthread_mutex_unlock(&mi->lock);
    pthread_cond_destroy(&mi->cond);
    pthread_mutex_destroy(&mi->lock);
    free(mi);
}

static void metric(struct ioc_buf *b, const char *name, const char *help, unsigned long long v)
{
    ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, v);
}

int mqtt_ingest_metrics(const struct mqtt_ingest *mi, struct ioc_buf *b)
{
    int rc = telemetry_mqtt_metrics(mi->m, b);
    if (rc)
        return rc;
    metric(b, "ioc_mqtt_stored_points_total",
           "Engine points (one per field) of MQTT messages stored.", atomic_load(&mi->stored));
    metric(b, "ioc_mqtt_refused_points_total",
           "Engine points of MQTT messages refused (type conflicts, limits, failures).",
           atomic_load(&mi->refused));
    metric(b, "ioc_mqtt_queue_full_retries_total",
           "Times an MQTT message waited for room in the ingest queue.", atomic_load(&mi->retries));
    metric(b, "ioc_mqtt_skipped_string_fields_total",
           "String fields of MQTT messages skipped (the engine stores numbers).",
           atomic_load(&mi->strings));
    return b->data || b->len == 0 ? 0 : IOC_ENOMEM;
}
