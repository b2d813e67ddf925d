/*
 * points.c — parsed points (line protocol, MQTT JSON, CSV readings: all struct
 * telemetry_lp_point) into the engine's points: one series per numeric field, its canonical key
 * (measurement, field, tags), the value's bits. The one place this rule lives; HTTP, MQTT and
 * CSV ingest all use it.
 *
 * Invariants:
 *   1. A point with k numeric fields adds k engine points, all at the point's time; string fields
 *      are counted and skipped (the engine does not store strings yet).
 *   2. Keys are kept back to back in one buffer; while the batch grows a point holds its key's
 *      offset, telemetry_batch_finish turns offsets into pointers (the buffer may move before).
 *   3. Past max_points nothing more is added (IOC_ETOOBIG); what was added stays.
 */
#include "telemetry/telemetry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const enum tsdb_type lp_types[] = {[TELEMETRY_LP_FLOAT] = TSDB_FLOAT,
                                          [TELEMETRY_LP_INT] = TSDB_INT,
                                          [TELEMETRY_LP_UINT] = TSDB_UINT,
                                          [TELEMETRY_LP_BOOL] = TSDB_BOOL,
                                          [TELEMETRY_LP_STRING] = TSDB_STRING};

static uint64_t value_bits(const struct telemetry_lp_field *f)
{
    uint64_t v = 0;
    switch (f->type) {
    case TELEMETRY_LP_FLOAT:
        memcpy(&v, &f->v.f, sizeof v);
        break;
    case TELEMETRY_LP_INT:
        v = (uint64_t)f->v.i;
        break;
    case TELEMETRY_LP_UINT:
        v = f->v.u;
        break;
    default:
        v = f->v.b ? 1 : 0;
        break;
    }
    return v;
}

/*
 * Each thread keeps the arrays of the last batch it freed (up to SPARE_POINTS points and
 * SPARE_KEY_BYTES of keys) for its next batch: a write of 40,000 points then neither regrows its
 * arrays from 256 nor touches fresh pages (a large free goes back to the system, and the next
 * request's arrays page-fault again). Held per thread (pthread key), freed when the thread ends.
 */
#define SPARE_POINTS (1u << 18)
#define SPARE_KEY_BYTES (32u << 20)

struct spare {
    struct tsdb_point_in *pts;
    size_t cap;
    struct ioc_buf keys, key1;
};

static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static int spare_ok;

static void spare_drop(void *p)
{
    struct spare *sp = p;
    free(sp->pts);
    ioc_buf_free(&sp->keys);
    ioc_buf_free(&sp->key1);
    free(sp);
}

static void spare_init(void)
{
    spare_ok = pthread_key_create(&spare_key, spare_drop) == 0;
}

void telemetry_batch_init(struct telemetry_batch *b, size_t max_points)
{
    memset(b, 0, sizeof *b);
    pthread_once(&spare_once, spare_init);
    struct spare *sp = spare_ok ? pthread_getspecific(spare_key) : NULL;
    if (sp && pthread_setspecific(spare_key, NULL) == 0) {
        b->pts = sp->pts;
        b->cap = sp->cap;
        b->keys = sp->keys;
        b->key1 = sp->key1;
        ioc_buf_reset(&b->keys);
        ioc_buf_reset(&b->key1);
        free(sp);
    } else {
        ioc_buf_init(&b->keys, 0);
        ioc_buf_init(&b->key1, 1 << 20);
    }
    b->max_points = max_points;
}

void telemetry_batch_free(struct telemetry_batch *b)
{
    struct spare *sp = NULL;
    if (spare_ok && b->cap <= SPARE_POINTS && b->keys.cap <= SPARE_KEY_BYTES &&
        !pthread_getspecific(spare_key) && (sp = malloc(sizeof *sp)) != NULL) {
        *sp = (struct spare){b->pts, b->cap, b->keys, b->key1};
        if (pthread_setspecific(spare_key, sp) == 0) {
            memset(b, 0, sizeof *b);
            return;
        }
        free(sp);
    }
    free(b->pts);
    b->pts = NULL;
    b->n = b->cap = 0;
    ioc_buf_free(&b->keys);
    ioc_buf_free(&b->key1);
}

static int reserve(struct telemetry_batch *b)
{
    if (b->n < b->cap)
        return 0;
    size_t cap = b->cap ? 2 * b->cap : 256;
    struct tsdb_point_in *p = realloc(b->pts, cap * sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    b->pts = p;
    b->cap = cap;
    return 0;
}

int telemetry_batch_add(struct telemetry_batch *b, const struct telemetry_lp_point *pt)
{
    struct tsdb_tag tags[TSDB_SERIES_MAX_TAGS];
    if (pt->ntags > TSDB_SERIES_MAX_TAGS)
        return IOC_EINVAL;
    for (size_t i = 0; i < pt->ntags; i++)
        tags[i] = (struct tsdb_tag){pt->tags[i].key.p, pt->tags[i].key.n, pt->tags[i].value.p,
                                    pt->tags[i].value.n};
    int rc = 0, first = 1;
    for (size_t i = 0; i < pt->nfields && rc == 0; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        if (f->type == TELEMETRY_LP_STRING) {
            b->strings++;
            continue;
        }
        if (b->n >= b->max_points) {
            rc = IOC_ETOOBIG;
            break;
        }
        rc = reserve(b);
        size_t off = b->keys.len;
        if (rc == 0 && first) {
            /* the point's first key, kept to make the others from (tags sorted and checked once) */
            rc = tsdb_series_key(&b->key1, pt->name.p, pt->name.n, f->key.p, f->key.n, tags,
                                 pt->ntags);
            if (rc == 0)
                rc = ioc_buf_append(&b->keys, b->key1.data, b->key1.len);
            first = 0;
        } else if (rc == 0) {
            rc =
                tsdb_series_key_with_field(&b->keys, b->key1.data, b->key1.len, f->key.p, f->key.n);
        }
        if (rc == 0)
            b->pts[b->n++] = (struct tsdb_point_in){(const void *)(uintptr_t)off, b->keys.len - off,
                                                    lp_types[f->type], pt->time_ns, value_bits(f)};
        else if (rc != IOC_EINVAL)
            rc = IOC_ENOMEM;
    }
    return rc;
}

void telemetry_batch_finish(struct telemetry_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        b->pts[i].key = b->keys.data + (uintptr_t)b->pts[i].key;
}
