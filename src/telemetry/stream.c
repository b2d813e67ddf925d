/*
 * stream.c — the hub of the live stream: accepted points to subscribers as Server-Sent Events
 * (contract in telemetry.h, "live stream"; format in docs/telemetry.md "Live stream").
 *
 * The ring is a list of batches, oldest first; each holds copies of its points (type, time,
 * value bits, key offset) and keys in one allocation. Points are numbered by one sequence:
 * batch b holds numbers b->first .. b->first + b->n - 1. Every point numbered `lo` or more is in
 * the ring; `next` is the number the next point gets. So a client that saw up to id X missed
 * nothing we cannot replay exactly when lo - 1 <= X < next.
 *
 * One lock guards everything: publish formats and writes under it, subscribe replays and links
 * under it, so a subscriber sees each point once. Writers only copy (no I/O under the lock).
 */
#include "telemetry/telemetry.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/errors.h"

#define HEAD_ROOM 48 /* before an event's data: "id: <20 digits>\nevent: points\n" */

struct ring_pt {
    uint32_t key_off, key_len;
    enum tsdb_type type;
    int64_t t;
    uint64_t v;
};

struct ring_batch {
    struct ring_batch *next;
    uint64_t first;
    size_t n, bytes;
    const char *keys;
    struct ring_pt pts[];
};

struct telemetry_sub {
    struct telemetry_sub *next, *prev;
    char *m, *f; /* f NULL: any field */
    size_t mlen, flen;
    struct tsdb_tag_filter *tags;
    size_t ntags;
    telemetry_hub_write_fn write;
    void *ctx;
    int failed;
    int lagging; /* a write was refused for room (IOC_EBUSY): a reset comes next */
};

struct telemetry_hub {
    struct telemetry_hub_options o;
    pthread_mutex_t lock;
    uint64_t next, lo;
    struct ring_batch *head, *tail;
    size_t nbatches, bytes;
    struct telemetry_sub *subs;
    size_t nsubs;
    int64_t keep_until_ms; /* record the ring until then although nobody listens */
    struct ioc_buf fmt;    /* an event being formatted */
    atomic_size_t subscribers;
    atomic_ullong events, resets, dropped_writers, lagged;
};

int telemetry_hub_create(const struct telemetry_hub_options *o, struct telemetry_hub **out)
{
    struct telemetry_hub *h = calloc(1, sizeof *h);
    if (!h)
        return IOC_ENOMEM;
    h->o = *o;
    if (!h->o.ring_events)
        h->o.ring_events = 1000;
    if (!h->o.ring_bytes)
        h->o.ring_bytes = 8u << 20;
    if (!h->o.event_bytes)
        h->o.event_bytes = 65536;
    if (!h->o.keep_s)
        h->o.keep_s = 60;
    pthread_mutex_init(&h->lock, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    h->next = h->lo = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    ioc_buf_init(&h->fmt, 0);
    *out = h;
    return 0;
}

static void drop_oldest(struct telemetry_hub *h)
{
    struct ring_batch *b = h->head;
    h->head = b->next;
    if (!h->head)
        h->tail = NULL;
    h->nbatches--;
    h->bytes -= b->bytes;
    h->lo = b->first + b->n;
    free(b);
}

void telemetry_hub_destroy(struct telemetry_hub *h)
{
    if (!h)
        return;
    while (h->head)
        drop_oldest(h);
    while (h->subs)
        telemetry_hub_unsubscribe(h, h->subs);
    ioc_buf_free(&h->fmt);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* ---- formatting ---- */

static int match(const struct telemetry_sub *s, const struct tsdb_series_parts *sp)
{
    if (sp->mlen != s->mlen || memcmp(sp->m, s->m, s->mlen) != 0)
        return 0;
    if (s->f && (sp->flen != s->flen || memcmp(sp->f, s->f, s->flen) != 0))
        return 0;
    for (size_t i = 0; i < s->ntags; i++) {
        const struct tsdb_tag_filter *tf = &s->tags[i];
        struct tsdb_tag tag;
        int found = 0;
        for (size_t k = 0; !found && tsdb_series_parts_tag(sp, k, &tag) == 0; k++) {
            if (tag.key_len != tf->key_len || memcmp(tag.key, tf->key, tf->key_len) != 0)
                continue;
            for (size_t v = 0; v < tf->nvalues && !found; v++)
                found = tf->values[v].n == tag.value_len &&
                        memcmp(tf->values[v].s, tag.value, tag.value_len) == 0;
            if (!found)
                return 0;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* A double as the shortest decimal that reads back the same. */
static void put_double(struct ioc_buf *b, double d)
{
    char s[32];
    ioc_buf_append(b, s, (size_t)ioc_fmt_f64(s, d));
}

static void put_point(struct ioc_buf *b, const struct tsdb_series_parts *sp,
                      const struct ring_pt *p)
{
    ioc_buf_puts(b, "{\"measurement\":");
    ioc_buf_json_str(b, sp->m, sp->mlen);
    ioc_buf_puts(b, ",\"field\":");
    ioc_buf_json_str(b, sp->f, sp->flen);
    ioc_buf_puts(b, ",\"tags\":{");
    struct tsdb_tag tag;
    for (size_t k = 0; tsdb_series_parts_tag(sp, k, &tag) == 0; k++) {
        if (k)
            ioc_buf_putc(b, ',');
        ioc_buf_json_str(b, tag.key, tag.key_len);
        ioc_buf_putc(b, ':');
        ioc_buf_json_str(b, tag.value, tag.value_len);
    }
    int64_t sec = p->t / 1000000000, ns = p->t % 1000000000;
    if (ns < 0) {
        sec--;
        ns += 1000000000;
    }
    time_t tt = (time_t)sec;
    struct tm tm;
    gmtime_r(&tt, &tm);
    ioc_buf_printf(b, "},\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ\",\"t\":%lld,\"value\":",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   (long long)ns, (long long)(sec * 1000 + ns / 1000000));
    double d;
    switch (p->type) {
    case TSDB_INT:
        ioc_buf_printf(b, "%lld", (long long)(int64_t)p->v);
        break;
    case TSDB_UINT:
        ioc_buf_printf(b, "%llu", (unsigned long long)p->v);
        break;
    case TSDB_BOOL:
        ioc_buf_puts(b, p->v ? "true" : "false");
        break;
    default:
        memcpy(&d, &p->v, sizeof d);
        put_double(b, d);
        break;
    }
    ioc_buf_putc(b, '}');
}

typedef int (*emit_fn)(void *ctx, const void *p, size_t n);

/* Ends the event in h->fmt (id: last) and hands it to emit; 0 or emit's error. */
static int flush_event(struct telemetry_hub *h, uint64_t last, emit_fn emit, void *ctx)
{
    ioc_buf_puts(&h->fmt, "]}\n\n");
    if (!h->fmt.data)
        return IOC_ENOMEM;
    char head[HEAD_ROOM + 1];
    int n = snprintf(head, sizeof head, "id: %llu\nevent: points\n", (unsigned long long)last);
    char *start = h->fmt.data + HEAD_ROOM - n;
    memcpy(start, head, (size_t)n);
    int rc = emit(ctx, start, h->fmt.len - (size_t)(HEAD_ROOM - n));
    ioc_buf_reset(&h->fmt);
    if (rc == 0)
        atomic_fetch_add(&h->events, 1);
    return rc;
}

/* Emits the points of b numbered above `after` that s wants, as events. 0 or emit's error. */
static int deliver(struct telemetry_hub *h, const struct telemetry_sub *s,
                   const struct ring_batch *b, uint64_t after, emit_fn emit, void *ctx)
{
    size_t count = 0;
    uint64_t last = 0;
    ioc_buf_reset(&h->fmt);
    for (size_t i = 0; i < b->n; i++) {
        uint64_t id = b->first + i;
        struct tsdb_series_parts sp;
        if (id <= after ||
            tsdb_series_key_parse(b->keys + b->pts[i].key_off, b->pts[i].key_len, &sp) != 0 ||
            !match(s, &sp))
            continue;
        if (count == 0) {
            static const char room[HEAD_ROOM] = {0};
            ioc_buf_append(&h->fmt, room, HEAD_ROOM);
            ioc_buf_puts(&h->fmt, "data: {\"points\":[");
        } else {
            ioc_buf_putc(&h->fmt, ',');
        }
        put_point(&h->fmt, &sp, &b->pts[i]);
        count++;
        last = id;
        if (h->fmt.len >= h->o.event_bytes) {
            int rc = flush_event(h, last, emit, ctx);
            if (rc)
                return rc;
            count = 0;
        }
    }
    return count ? flush_event(h, last, emit, ctx) : 0;
}

/* ---- publishing ---- */

static struct ring_batch *copy_batch(const struct tsdb_point_in *pts, size_t n)
{
    size_t keys = 0;
    for (size_t i = 0; i < n; i++)
        keys += pts[i].key_len;
    struct ring_batch *b = malloc(sizeof *b + n * sizeof b->pts[0] + keys);
    if (!b)
        return NULL;
    char *kp = (char *)&b->pts[n];
    b->keys = kp;
    b->n = n;
    b->bytes = sizeof *b + n * sizeof b->pts[0] + keys;
    b->next = NULL;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        b->pts[i] = (struct ring_pt){(uint32_t)off, (uint32_t)pts[i].key_len, pts[i].type, pts[i].t,
                                     pts[i].v};
        memcpy(kp + off, pts[i].key, pts[i].key_len);
        off += pts[i].key_len;
    }
    return b;
}

static int emit_sub(void *ctx, const void *p, size_t n)
{
    struct telemetry_sub *s = ctx;
    return s->write(s->ctx, p, n);
}

void telemetry_hub_publish(struct telemetry_hub *h, const struct tsdb_point_in *pts, size_t n,
                           const struct tsdb_write_report *rep)
{
    if (rep && rep->refused)
        n = rep->first_refused < n ? rep->first_refused : n;
    if (n == 0)
        return;
    pthread_mutex_lock(&h->lock);
    if (h->nsubs == 0 && ioc_now_ms() > h->keep_until_ms) {
        /* nobody listens: a gap; forget the ring */
        while (h->head)
            drop_oldest(h);
        h->next += n;
        h->lo = h->next;
        pthread_mutex_unlock(&h->lock);
        return;
    }
    pthread_mutex_unlock(&h->lock);
    struct ring_batch *b = copy_batch(pts, n); /* outside the lock */
    pthread_mutex_lock(&h->lock);
    if (!b) {
        while (h->head)
            drop_oldest(h);
        h->next += n;
        h->lo = h->next;
        pthread_mutex_unlock(&h->lock);
        return;
    }
    b->first = h->next;
    h->next += n;
    if (h->tail)
        h->tail->next = b;
    else
        h->head = b;
    h->tail = b;
    h->nbatches++;
    h->bytes += b->bytes;
    for (struct telemetry_sub *s = h->subs; s; s = s->next) {
        if (s->failed)
            continue;
        int rc;
        if (s->lagging) {
            /* behind since a burst did not fit: a reset (its id covers this batch) once it
             * fits, then the batches after it */
            char reset[64];
            int k = snprintf(reset, sizeof reset, "id: %llu\nevent: reset\ndata: {}\n\n",
                             (unsigned long long)(h->next - 1));
            rc = s->write(s->ctx, reset, (size_t)k);
            if (rc == 0) {
                s->lagging = 0;
                atomic_fetch_add(&h->resets, 1);
                continue;
            }
        } else {
            rc = deliver(h, s, b, 0, emit_sub, s);
        }
        if (rc == IOC_EBUSY) { /* the writer's buffer is full: skip, reset later */
            if (!s->lagging)
                atomic_fetch_add(&h->lagged, 1);
            s->lagging = 1;
        } else if (rc != 0) {
            s->failed = 1;
            atomic_fetch_add(&h->dropped_writers, 1);
        }
    }
    /* the newest batch stays even when alone it passes ring_bytes */
    while (h->head != h->tail && (h->nbatches > h->o.ring_events || h->bytes > h->o.ring_bytes))
        drop_oldest(h);
    if (h->nbatches > h->o.ring_events || h->bytes > h->o.ring_bytes)
        drop_oldest(h);
    pthread_mutex_unlock(&h->lock);
}

/* ---- subscribers ---- */

static char *dupn(const char *s, size_t *n)
{
    *n = strlen(s);
    return strdup(s);
}

static void sub_free(struct telemetry_sub *s)
{
    for (size_t i = 0; s->tags && i < s->ntags; i++) {
        free((char *)s->tags[i].key);
        for (size_t v = 0; s->tags[i].values && v < s->tags[i].nvalues; v++)
            free((char *)s->tags[i].values[v].s);
        free((void *)s->tags[i].values);
    }
    free(s->tags);
    free(s->m);
    free(s->f);
    free(s);
}

static struct telemetry_sub *sub_new(const struct telemetry_hub_filter *f)
{
    struct telemetry_sub *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    int ok = (s->m = dupn(f->measurement, &s->mlen)) != NULL;
    if (ok && f->field)
        ok = (s->f = dupn(f->field, &s->flen)) != NULL;
    if (ok && f->ntags)
        ok = (s->tags = calloc(f->ntags, sizeof *s->tags)) != NULL;
    for (size_t i = 0; ok && i < f->ntags; i++) {
        const struct tsdb_tag_filter *in = &f->tags[i];
        struct tsdb_tag_filter *t = &s->tags[i];
        s->ntags = i + 1;
        char *k = strndup(in->key, in->key_len);
        struct tsdb_str *vals = calloc(in->nvalues ? in->nvalues : 1, sizeof *vals);
        *t = (struct tsdb_tag_filter){k, in->key_len, vals, in->nvalues};
        ok = k && vals;
        for (size_t v = 0; ok && v < in->nvalues; v++) {
            char *p = strndup(in->values[v].s, in->values[v].n);
            vals[v] = (struct tsdb_str){p, in->values[v].n};
            ok = p != NULL;
        }
    }
    if (!ok) {
        sub_free(s);
        return NULL;
    }
    return s;
}

static int emit_buf(void *ctx, const void *p, size_t n)
{
    return ioc_buf_append(ctx, p, n);
}

/* What a subscriber that saw up to last gets first, into out: the missed events, or a reset. */
static void replay(struct telemetry_hub *h, const struct telemetry_sub *s, uint64_t last,
                   size_t max_replay, struct ioc_buf *out)
{
    int ok = last + 1 >= h->lo && last < h->next;
    for (const struct ring_batch *b = h->head; ok && b; b = b->next)
        if (b->first + b->n - 1 > last)
            ok = deliver(h, s, b, last, emit_buf, out) == 0 && out->len <= max_replay;
    if (ok)
        return;
    ioc_buf_reset(out);
    ioc_buf_puts(out, "retry: 3000\n\n");
    ioc_buf_printf(out, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)(h->next - 1));
    atomic_fetch_add(&h->resets, 1);
}

int telemetry_hub_subscribe(struct telemetry_hub *h, const struct telemetry_hub_filter *f,
                            int have_last, uint64_t last_id, size_t max_replay,
                            telemetry_hub_write_fn write, void *ctx, struct telemetry_sub **out)
{
    *out = NULL;
    struct telemetry_sub *s = sub_new(f);
    if (!s)
        return IOC_ENOMEM;
    s->write = write;
    s->ctx = ctx;
    struct ioc_buf first;
    ioc_buf_init(&first, max_replay + 4096);
    pthread_mutex_lock(&h->lock);
    ioc_buf_puts(&first, "retry: 3000\n\n");
    if (have_last)
        replay(h, s, last_id, max_replay, &first);
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
        sub_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void telemetry_hub_unsubscribe(struct telemetry_hub *h, struct telemetry_sub *s)
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
    sub_free(s);
}

static void metric(struct ioc_buf *b, const char *name, const char *type, const char *help,
                   unsigned long long v)
{
    ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, v);
}

int telemetry_hub_metrics(struct telemetry_hub *h, struct ioc_buf *b)
{
    metric(b, "ioc_telemetry_stream_subscribers", "gauge", "Clients of GET /api/v1/stream.",
           atomic_load(&h->subscribers));
    metric(b, "ioc_telemetry_stream_events_total", "counter", "Events of points sent to clients.",
           atomic_load(&h->events));
    metric(b, "ioc_telemetry_stream_resets_total", "counter",
           "Resets sent: a reconnection whose Last-Event-ID is too old or unknown, or a client "
           "that fell behind a burst.",
           atomic_load(&h->resets));
    metric(b, "ioc_telemetry_stream_lagged_total", "counter",
           "Times a client's buffer could not take a burst: its events were skipped until a "
           "reset fitted.",
           atomic_load(&h->lagged));
    metric(b, "ioc_telemetry_stream_writer_failures_total", "counter",
           "Clients that could take no more (dropped or gone).", atomic_load(&h->dropped_writers));
    return b->data || b->len == 0 ? 0 : IOC_ENOMEM;
}
