/*
 * mqtt_ingest.c — MQTT into the engine: the [mqtt] settings become subscriber options, and the
 * subscriber's sink turns each message's points into one batch for the ingest thread.
 *
 * The sink runs on the subscriber's thread, which is no loop thread, so it may wait:
 *
 *     points ──telemetry_batch_add──▶ batch ──submit──▶ ingest queue ──done──▶ sink returns
 *                                              │ IOC_EBUSY (queue full)
 *                                              └── wait 5, 10, ... 200 ms, submit again
 *
 * Invariants
 *   1. At most one batch of this sink is in the ingest queue, and the sink returns only after
 *      its done callback ran (or its submit failed): the batch's memory is the sink's own, and
 *      a message is taken (0) or refused (non-zero) with its fate known.
 *   2. A full queue never loses a message while iocd runs: the submit is retried until the
 *      queue takes it, or until mqtt_ingest_stop, which wakes the wait at once.
 *   3. Every engine point of a message is counted once: stored (durable, the done callback said
 *      so) or refused (no series key, past telemetry.max_points, refused by the engine, the
 *      write failed, or given up at stop). The ingest's ioc_telemetry_points_* count them too.
 *   4. mqtt_ingest_stop is called while the ingest thread runs (telemetry_ingest_close stops
 *      the subscriber first), so a sink waiting for its done callback always gets it.
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

#define RETRY_MIN_MS 5
#define RETRY_MAX_MS 200
#define LOG_EVERY 1000 /* a refusal is logged the first and every Nth time */

struct mqtt_ingest {
    struct telemetry_ingest *ig;
    struct telemetry_mqtt *m;
    size_t max_batch;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* the done callback ran, or stop was asked */
    int answered, rc, stopping;
    struct tsdb_write_report rep;
    unsigned long long refusals; /* the sink's thread only: for the log's pace */
    atomic_ullong stored, refused, retries, strings;
};

static void add(atomic_ullong *c, unsigned long long n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static void refuse(struct mqtt_ingest *mi, const char *topic, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Counts n refused engine points of a message on topic; logs the first and every Nth time. */
static void refuse(struct mqtt_ingest *mi, const char *topic, size_t n, const char *fmt, ...)
{
    add(&mi->refused, n);
    telemetry_ingest_count_refused(mi->ig, n);
    if (mi->refusals++ % LOG_EVERY != 0)
        return;
    char t[128], why[256];
    mqtt_quote(t, sizeof t, topic, strlen(topic));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ioc_log(IOC_LOG_WARN, "mqtt: %zu points of a message on \"%s\" refused: %s (%llu so far)", n, t,
            why, mi->refusals);
}

static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    struct mqtt_ingest *mi = arg;
    pthread_mutex_lock(&mi->lock);
    mi->rc = rc;
    mi->rep = *rep;
    mi->answered = 1;
    pthread_cond_broadcast(&mi->cond);
    pthread_mutex_unlock(&mi->lock);
}

/* Submits the batch, retrying a full queue; then waits for its answer. 0 (mi->rc, mi->rep
 * hold the answer) or why it was not queued. */
static int submit(struct mqtt_ingest *mi, const struct telemetry_batch *b)
{
    long wait_ms = RETRY_MIN_MS;
    pthread_mutex_lock(&mi->lock);
    mi->answered = 0;
    for (;;) {
        pthread_mutex_unlock(&mi->lock);
        int rc = telemetry_ingest_submit(mi->ig, b->pts, b->n, on_done, mi);
        pthread_mutex_lock(&mi->lock);
        if (rc != IOC_EBUSY || mi->stopping) {
            if (rc == 0)
                while (!mi->answered)
                    pthread_cond_wait(&mi->cond, &mi->lock);
            pthread_mutex_unlock(&mi->lock);
            return rc;
        }
        add(&mi->retries, 1);
        struct timespec d;
        ioc_deadline_ms(&d, wait_ms);
        while (!mi->stopping && pthread_cond_timedwait(&mi->cond, &mi->lock, &d) == 0)
            ;
        wait_ms = wait_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : wait_ms * 2;
    }
}

/* Names the first point the engine refused. */
static void refused_by_engine(struct mqtt_ingest *mi, const char *topic,
                              const struct telemetry_batch *b)
{
    const struct tsdb_write_report *r = &mi->rep;
    struct tsdb_series_parts sp;
    const struct tsdb_point_in *p = &b->pts[r->first_refused];
    int ok = r->first_refused < b->n && tsdb_series_key_parse(p->key, p->key_len, &sp) == 0;
    refuse(mi, topic, r->refused, "measurement %.*s field %.*s: %s", ok ? (int)sp.mlen : 0,
           ok ? sp.m : "", ok ? (int)sp.flen : 0, ok ? sp.f : "",
           r->first_rc == IOC_EEXIST ? "stored with another type" : ioc_strerror(r->first_rc));
}

static int sink(void *ctx, const char *topic, const struct telemetry_lp_point *pts, size_t n)
{
    struct mqtt_ingest *mi = ctx;
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
        refuse(mi, topic, b.n, "out of memory");
        telemetry_batch_free(&b);
        return rc;
    }
    if (no_key)
        refuse(mi, topic, no_key, "more than %d tags", TSDB_SERIES_MAX_TAGS);
    if (over)
        refuse(mi, topic, over, "more than telemetry.max_points (%zu) fields", mi->max_batch);
    rc = 0;
    if (b.n) {
        telemetry_batch_finish(&b);
        rc = submit(mi, &b);
        if (rc)
            refuse(mi, topic, b.n, "%s", rc == IOC_EBUSY ? "stopping" : ioc_strerror(rc));
        else if (mi->rc)
            refuse(mi, topic, b.n, "the write failed: %s", ioc_strerror(mi->rc));
        else if (mi->rep.refused)
            refused_by_engine(mi, topic, &b);
        if (!rc && !mi->rc)
            add(&mi->stored, mi->rep.accepted);
        rc = rc ? rc : mi->rc;
    }
    telemetry_batch_free(&b);
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
    mi->stopping = 1; /* ends a retry wait; a batch in the queue is still answered */
    pthread_cond_broadcast(&mi->cond);
    pthread_mutex_unlock(&mi->lock);
    telemetry_mqtt_stop(mi->m);
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
