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

void telemetry_batch_init(struct telemetry_batch *b, size_t max_points)
{
    memset(b, 0, sizeof *b);
    ioc_buf_init(&b->keys, 0);
    ioc_buf_init(&b->key1, 1 << 20);
    b->max_points = max_points;
}

void telemetry_batch_free(struct telemetry_batch *b)
{
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
