/*
 * stream.c — the hub of the live stream: accepted points to subscribers as Server-Sent Events
 * (contract in telemetry.h, "live stream"; format in docs/telemetry.md "Live stream").
 *
 * The ring, the subscribers, the Last-Event-ID replay and the resets are base's fan-out (base.h,
 * "fan-out of live events"); this file gives it the points: an entry is a batch holding copies
 * of its points (type, time, value bits, key offset) and keys in one allocation, numbered one id
 * per point; a subscriber's filter is its measurement, field and tag values. The fan-out calls
 * deliver under its lock, so the one formatting buffer of the hub needs no lock of its own.
 */
#include "telemetry/telemetry.h"

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
    struct ioc_fanout_entry head; /* one id per point */
    const char *keys;
    struct ring_pt pts[];
};

struct stream_filter {
    char *m, *f; /* f NULL: any field */
    size_t mlen, flen;
    struct tsdb_tag_filter *tags;
    size_t ntags;
};

struct telemetry_sub {
    struct ioc_fanout_sub *fs;
};

struct telemetry_hub {
    struct telemetry_hub_options o;
    struct ioc_fanout *fan;
    struct ioc_buf fmt; /* an event being formatted (under the fan-out's lock) */
    atomic_ullong events;
};

static int deliver(void *hub, const void *filter, const struct ioc_fanout_entry *e, uint64_t after,
                   ioc_fanout_write_fn emit, void *ectx);
static void filter_free(void *filter);

int telemetry_hub_create(const struct telemetry_hub_options *o, struct telemetry_hub **out)
{
    *out = NULL;
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
    struct ioc_fanout_options fo = {h->o.ring_events, h->o.ring_bytes, h->o.keep_s};
    struct ioc_fanout_ops ops = {h, deliver, NULL, NULL, filter_free};
    if (ioc_fanout_create(&fo, &ops, &h->fan) != 0) {
        free(h);
        return IOC_ENOMEM;
    }
    ioc_buf_init(&h->fmt, 0);
    *out = h;
    return 0;
}

void telemetry_hub_destroy(struct telemetry_hub *h)
{
    if (!h)
        return;
    ioc_fanout_destroy(h->fan);
    ioc_buf_free(&h->fmt);
    free(h);
}

/* ---- formatting ---- */

static int match(const struct stream_filter *s, const struct tsdb_series_parts *sp)
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

/* Ends the event in h->fmt (id: last) and hands it to emit; 0 or emit's error. */
static int flush_event(struct telemetry_hub *h, uint64_t last, ioc_fanout_write_fn emit, void *ctx)
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

/* Emits the points of the batch numbered above `after` that the filter wants, as events (the
 * fan-out's deliver). 0 or emit's error. */
static int deliver(void *hub, const void *filter, const struct ioc_fanout_entry *e, uint64_t after,
                   ioc_fanout_write_fn emit, void *ctx)
{
    struct telemetry_hub *h = hub;
    const struct stream_filter *s = filter;
    const struct ring_batch *b = (const struct ring_batch *)e;
    size_t count = 0;
    uint64_t last = 0;
    ioc_buf_reset(&h->fmt);
    for (size_t i = 0; i < e->n; i++) {
        uint64_t id = e->first + i;
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
    size_t bytes = sizeof(struct ring_batch) + n * sizeof(struct ring_pt) + keys;
    struct ring_batch *b = malloc(bytes);
    if (!b)
        return NULL;
    char *kp = (char *)&b->pts[n];
    b->keys = kp;
    b->head = (struct ioc_fanout_entry){.n = n, .bytes = bytes};
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        b->pts[i] = (struct ring_pt){(uint32_t)off, (uint32_t)pts[i].key_len, pts[i].type, pts[i].t,
                                     pts[i].v};
        memcpy(kp + off, pts[i].key, pts[i].key_len);
        off += pts[i].key_len;
    }
    return b;
}

void telemetry_hub_publish(struct telemetry_hub *h, const struct tsdb_point_in *pts, size_t n,
                           const struct tsdb_write_report *rep)
{
    if (rep && rep->refused)
        n = rep->first_refused < n ? rep->first_refused : n;
    if (n == 0 || ioc_fanout_skip(h->fan, n)) /* nobody listens: a gap, no copy */
        return;
    struct ring_batch *b = copy_batch(pts, n); /* outside the lock */
    if (b)
        ioc_fanout_publish(h->fan, &b->head);
    else
        ioc_fanout_gap(h->fan, n);
}

/* ---- subscribers ---- */

static char *dupn(const char *s, size_t *n)
{
    *n = strlen(s);
    return strdup(s);
}

static void filter_free(void *filter)
{
    struct stream_filter *s = filter;
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

static struct stream_filter *filter_new(const struct telemetry_hub_filter *f)
{
    struct stream_filter *s = calloc(1, sizeof *s);
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
        filter_free(s);
        return NULL;
    }
    return s;
}

int telemetry_hub_subscribe(struct telemetry_hub *h, const struct telemetry_hub_filter *f,
                            int have_last, uint64_t last_id, size_t max_replay,
                            telemetry_hub_write_fn write, void *ctx, struct telemetry_sub **out)
{
    *out = NULL;
    struct telemetry_sub *s = calloc(1, sizeof *s);
    struct stream_filter *sf = s ? filter_new(f) : NULL;
    if (!sf) {
        free(s);
        return IOC_ENOMEM;
    }
    int rc = ioc_fanout_subscribe(h->fan, sf, have_last, last_id, max_replay, write, ctx, &s->fs);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void telemetry_hub_unsubscribe(struct telemetry_hub *h, struct telemetry_sub *s)
{
    if (!s)
        return;
    ioc_fanout_unsubscribe(h->fan, s->fs);
    free(s);
}

int telemetry_hub_metrics(struct telemetry_hub *h, struct ioc_buf *b)
{
    ioc_buf_printf(b,
                   "# HELP ioc_telemetry_stream_events_total Events of points sent to clients.\n"
                   "# TYPE ioc_telemetry_stream_events_total counter\n"
                   "ioc_telemetry_stream_events_total %llu\n",
                   (unsigned long long)atomic_load(&h->events));
    return ioc_fanout_metrics(h->fan, b, "ioc_telemetry_stream", "GET /api/v1/stream.");
}
