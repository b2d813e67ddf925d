/*
 * fanout.c — the ring, subscribers, replay and resets the live hubs share (contract in base.h,
 * "fan-out of live events"). Users: src/telemetry/stream.c (points) and src/events/hub.c
 * (events); each keeps only its formatting and filtering, through ioc_fanout_ops.
 *
 * One lock guards everything: publish links and writes under it, subscribe replays and links
 * under it, broadcast writes under it, so a subscriber sees each entry once and in order.
 * Writers only copy (no I/O under the lock); entries are built by the hub outside it.
 */
#include "base/base.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/errors.h"

struct ioc_fanout_sub {
    struct ioc_fanout_sub *next, *prev;
    void *filter;
    ioc_fanout_write_fn write;
    void *ctx;
    int failed;
    int lagging; /* a write was refused for room (IOC_EBUSY): a reset comes next */
};

struct ioc_fanout {
    struct ioc_fanout_options o;
    struct ioc_fanout_ops ops;
    pthread_mutex_t lock;
    uint64_t next, lo;
    struct ioc_fanout_entry *head, *tail;
    size_t n, bytes;
    struct ioc_fanout_sub *subs;
    size_t nsubs;
    int64_t keep_until_ms; /* with keep_s: the ring is forgotten after this with nobody */
    atomic_ullong subscribers, delivered, resets, lagged, failures;
};

int ioc_fanout_create(const struct ioc_fanout_options *o, const struct ioc_fanout_ops *ops,
                      struct ioc_fanout **out)
{
    *out = NULL;
    struct ioc_fanout *f = calloc(1, sizeof *f);
    if (!f)
        return IOC_ENOMEM;
    f->o = *o;
    f->ops = *ops;
    if (!f->o.ring_entries)
        f->o.ring_entries = 1000;
    if (!f->o.ring_bytes)
        f->o.ring_bytes = 8u << 20;
    pthread_mutex_init(&f->lock, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    f->next = f->lo = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    *out = f;
    return 0;
}

static void drop_oldest(struct ioc_fanout *f)
{
    struct ioc_fanout_entry *e = f->head;
    f->head = e->next;
    if (!f->head)
        f->tail = NULL;
    f->n--;
    f->bytes -= e->bytes;
    f->lo = e->first + e->n;
    free(e);
}

static void forget(struct ioc_fanout *f, size_t n)
{
    while (f->head)
        drop_oldest(f);
    f->next += n;
    f->lo = f->next;
}

void ioc_fanout_destroy(struct ioc_fanout *f)
{
    if (!f)
        return;
    while (f->subs)
        ioc_fanout_unsubscribe(f, f->subs);
    while (f->head)
        drop_oldest(f);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* Nobody listens and nobody did for keep_s (lock held). */
static int unheard(const struct ioc_fanout *f)
{
    return f->o.keep_s > 0 && f->nsubs == 0 && ioc_now_ms() > f->keep_until_ms;
}

int ioc_fanout_skip(struct ioc_fanout *f, size_t n)
{
    pthread_mutex_lock(&f->lock);
    int skip = unheard(f);
    if (skip)
        forget(f, n);
    pthread_mutex_unlock(&f->lock);
    return skip;
}

void ioc_fanout_gap(struct ioc_fanout *f, size_t n)
{
    pthread_mutex_lock(&f->lock);
    forget(f, n);
    pthread_mutex_unlock(&f->lock);
}

static int wants(const struct ioc_fanout *f, const struct ioc_fanout_sub *s,
                 const struct ioc_fanout_entry *e)
{
    return !f->ops.wants || f->ops.wants(f->ops.hub, s->filter, e);
}

static int write_sub(void *ctx, const void *p, size_t n)
{
    struct ioc_fanout_sub *s = ctx;
    return s->write(s->ctx, p, n);
}

/* The writer's answer rc for s: lagging on IOC_EBUSY (entry or not), failed on another error. */
static void after_write(struct ioc_fanout *f, struct ioc_fanout_sub *s, int rc, int entry)
{
    if (rc == IOC_EBUSY) {
        if (entry && !s->lagging) {
            s->lagging = 1;
            atomic_fetch_add(&f->lagged, 1);
        }
    } else if (rc != 0) {
        s->failed = 1;
        atomic_fetch_add(&f->failures, 1);
    }
}

/* Writes e to every live subscriber that wants it, or its reset to a lagging one (lock held). */
static void fan_out(struct ioc_fanout *f, const struct ioc_fanout_entry *e)
{
    uint64_t last = e->first + e->n - 1;
    for (struct ioc_fanout_sub *s = f->subs; s; s = s->next) {
        if (s->failed || !wants(f, s, e))
            continue;
        int rc;
        if (s->lagging) {
            char reset[64];
            int k = snprintf(reset, sizeof reset, "id: %llu\nevent: reset\ndata: {}\n\n",
                             (unsigned long long)last);
            rc = s->write(s->ctx, reset, (size_t)k);
            if (rc == 0) {
                s->lagging = 0;
                atomic_fetch_add(&f->resets, 1);
                continue;
            }
        } else {
            rc = f->ops.deliver(f->ops.hub, s->filter, e, 0, write_sub, s);
            if (rc == 0)
                atomic_fetch_add(&f->delivered, 1);
        }
        after_write(f, s, rc, 1);
    }
}

uint64_t ioc_fanout_publish(struct ioc_fanout *f, struct ioc_fanout_entry *e)
{
    e->next = NULL;
    pthread_mutex_lock(&f->lock);
    e->first = f->next;
    uint64_t last = e->first + e->n - 1;
    if (unheard(f)) {
        forget(f, e->n);
        pthread_mutex_unlock(&f->lock);
        free(e);
        return last;
    }
    f->next += e->n;
    if (f->ops.stamp)
        f->ops.stamp(f->ops.hub, e);
    if (f->tail)
        f->tail->next = e;
    else
        f->head = e;
    f->tail = e;
    f->n++;
    f->bytes += e->bytes;
    fan_out(f, e);
    /* the newest stays even when alone it passes ring_bytes */
    while (f->head != f->tail && (f->n > f->o.ring_entries || f->bytes > f->o.ring_bytes))
        drop_oldest(f);
    pthread_mutex_unlock(&f->lock);
    return last;
}

static int emit_buf(void *ctx, const void *p, size_t n)
{
    return ioc_buf_append(ctx, p, n);
}

/* What a subscriber that saw up to last gets first, appended to out: the missed events, or a
 * reset (lock held). */
static void replay(struct ioc_fanout *f, const struct ioc_fanout_sub *s, uint64_t last,
                   size_t max_replay, struct ioc_buf *out)
{
    size_t start = out->len;
    int ok = last + 1 >= f->lo && last < f->next;
    for (const struct ioc_fanout_entry *e = f->head; ok && e; e = e->next)
        if (e->first + e->n - 1 > last && wants(f, s, e))
            ok = f->ops.deliver(f->ops.hub, s->filter, e, last, emit_buf, out) == 0 &&
                 out->len - start <= max_replay;
    if (ok)
        return;
    out->len = start;
    ioc_buf_printf(out, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)(f->next - 1));
    atomic_fetch_add(&f->resets, 1);
}

static void sub_free(struct ioc_fanout *f, struct ioc_fanout_sub *s)
{
    if (f->ops.free_filter && s->filter)
        f->ops.free_filter(s->filter);
    free(s);
}

int ioc_fanout_subscribe(struct ioc_fanout *f, void *filter, int have_last, uint64_t last_id,
                         size_t max_replay, ioc_fanout_write_fn write, void *ctx,
                         struct ioc_fanout_sub **out)
{
    *out = NULL;
    struct ioc_fanout_sub *s = calloc(1, sizeof *s);
    if (!s) {
        if (f->ops.free_filter && filter)
            f->ops.free_filter(filter);
        return IOC_ENOMEM;
    }
    *s = (struct ioc_fanout_sub){.filter = filter, .write = write, .ctx = ctx};
    struct ioc_buf first;
    ioc_buf_init(&first, 0);
    pthread_mutex_lock(&f->lock);
    ioc_buf_puts(&first, "retry: 3000\n\n");
    if (have_last)
        replay(f, s, last_id, max_replay, &first);
    int rc = first.data ? write(ctx, first.data, first.len) : IOC_ENOMEM;
    if (rc == 0) {
        s->next = f->subs;
        if (f->subs)
            f->subs->prev = s;
        f->subs = s;
        f->nsubs++;
        atomic_store(&f->subscribers, f->nsubs);
    }
    pthread_mutex_unlock(&f->lock);
    ioc_buf_free(&first);
    if (rc) {
        sub_free(f, s);
        return rc;
    }
    *out = s;
    return 0;
}

void ioc_fanout_unsubscribe(struct ioc_fanout *f, struct ioc_fanout_sub *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&f->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        f->subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    f->nsubs--;
    atomic_store(&f->subscribers, f->nsubs);
    if (f->nsubs == 0)
        f->keep_until_ms = ioc_now_ms() + (int64_t)f->o.keep_s * 1000;
    pthread_mutex_unlock(&f->lock);
    sub_free(f, s);
}

void ioc_fanout_broadcast(struct ioc_fanout *f, const void *p, size_t n)
{
    pthread_mutex_lock(&f->lock);
    for (struct ioc_fanout_sub *s = f->subs; s; s = s->next)
        if (!s->failed)
            after_write(f, s, s->write(s->ctx, p, n), 0);
    pthread_mutex_unlock(&f->lock);
}

void ioc_fanout_counts(struct ioc_fanout *f, struct ioc_fanout_counts *c)
{
    c->subscribers = atomic_load(&f->subscribers);
    c->delivered = atomic_load(&f->delivered);
    c->resets = atomic_load(&f->resets);
    c->lagged = atomic_load(&f->lagged);
    c->failures = atomic_load(&f->failures);
}

static void metric(struct ioc_buf *b, const char *prefix, const char *name, const char *type,
                   const char *help, const char *help_end, unsigned long long v)
{
    ioc_buf_printf(b, "# HELP %s_%s %s%s\n# TYPE %s_%s %s\n%s_%s %llu\n", prefix, name, help,
                   help_end, prefix, name, type, prefix, name, v);
}

int ioc_fanout_metrics(struct ioc_fanout *f, struct ioc_buf *b, const char *prefix,
                       const char *clients_of)
{
    struct ioc_fanout_counts c;
    ioc_fanout_counts(f, &c);
    metric(b, prefix, "subscribers", "gauge", "Clients of ", clients_of, c.subscribers);
    metric(b, prefix, "resets_total", "counter",
           "Resets sent: a reconnection whose Last-Event-ID is too old, unknown or too far back, "
           "or a client that fell behind a burst.",
           "", c.resets);
    metric(b, prefix, "lagged_total", "counter",
           "Times a client's buffer could not take a burst: what it wanted was skipped until a "
           "reset fitted.",
           "", c.lagged);
    metric(b, prefix, "writer_failures_total", "counter",
           "Clients that could take no more (dropped or gone).", "", c.failures);
    return b->data || b->len == 0 ? 0 : IOC_ENOMEM;
}
