/*
 * agg.c — aggregation of points into time buckets: what a dashboard query returns (the hourly
 * mean of a field over a year) and what the rollups keep (count, sum, min, max, first, last of
 * each minute, hour and day).
 *
 * Invariants:
 *   1. A bucket summarises a multiset of (time, value) points: adding points one by one or
 *      merging buckets of disjoint sets of points gives the same count, sum, min, max, and the
 *      same first/last (the value at the earliest/latest time; at equal times the one added
 *      last for "last", the one added first for "first").
 *   2. A window covers [start, end) in buckets of step aligned on start; a point outside it is
 *      ignored. Its number of buckets is bounded by the caller's limit (a query cannot make the
 *      server allocate without bound).
 *   3. A rollup bucket is merged into a window only when it lies wholly inside one window bucket
 *      (tsdb_window_merge refuses it otherwise), so rollups never blur bucket edges.
 */
#include "tsdb/tsdb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const agg_names[] = {"mean", "min", "max", "sum", "count", "first", "last"};

int tsdb_agg_parse(const char *s, size_t n, enum tsdb_agg *out)
{
    for (size_t i = 0; i < sizeof agg_names / sizeof agg_names[0]; i++)
        if (strlen(agg_names[i]) == n && memcmp(agg_names[i], s, n) == 0) {
            *out = (enum tsdb_agg)i;
            return 0;
        }
    return IOC_EINVAL;
}

const char *tsdb_agg_name(enum tsdb_agg a)
{
    return (unsigned)a < sizeof agg_names / sizeof agg_names[0] ? agg_names[a] : "?";
}

void tsdb_bucket_add(struct tsdb_bucket *b, int64_t t, double v)
{
    if (b->count == 0) {
        b->min = b->max = b->first = b->last = v;
        b->first_t = b->last_t = t;
        b->sum = v;
        b->count = 1;
        return;
    }
    b->count++;
    b->sum += v;
    if (v < b->min || isnan(b->min))
        b->min = v;
    if (v > b->max || isnan(b->max))
        b->max = v;
    if (t < b->first_t) {
        b->first_t = t;
        b->first = v;
    }
    if (t >= b->last_t) {
        b->last_t = t;
        b->last = v;
    }
}

void tsdb_bucket_merge(struct tsdb_bucket *into, const struct tsdb_bucket *from)
{
    if (from->count == 0)
        return;
    if (into->count == 0) {
        *into = *from;
        return;
    }
    into->count += from->count;
    into->sum += from->sum;
    if (from->min < into->min || isnan(into->min))
        into->min = from->min;
    if (from->max > into->max || isnan(into->max))
        into->max = from->max;
    if (from->first_t < into->first_t) {
        into->first_t = from->first_t;
        into->first = from->first;
    }
    if (from->last_t >= into->last_t) {
        into->last_t = from->last_t;
        into->last = from->last;
    }
}

int tsdb_bucket_value(const struct tsdb_bucket *b, enum tsdb_agg a, double *out)
{
    if (b->count == 0)
        return IOC_ENOTFOUND;
    switch (a) {
    case TSDB_AGG_MEAN:
        *out = b->sum / (double)b->count;
        return 0;
    case TSDB_AGG_MIN:
        *out = b->min;
        return 0;
    case TSDB_AGG_MAX:
        *out = b->max;
        return 0;
    case TSDB_AGG_SUM:
        *out = b->sum;
        return 0;
    case TSDB_AGG_COUNT:
        *out = (double)b->count;
        return 0;
    case TSDB_AGG_FIRST:
        *out = b->first;
        return 0;
    case TSDB_AGG_LAST:
        *out = b->last;
        return 0;
    }
    return IOC_EINVAL;
}

int tsdb_window_init(struct tsdb_window *w, int64_t start, int64_t end, int64_t step,
                     size_t max_buckets)
{
    memset(w, 0, sizeof *w);
    if (step <= 0 || end <= start)
        return IOC_EINVAL;
    /* the number of buckets, ceil((end - start) / step), without overflow */
    uint64_t span = (uint64_t)end - (uint64_t)start;
    uint64_t n = span / (uint64_t)step + (span % (uint64_t)step != 0);
    if (n > max_buckets)
        return IOC_ETOOBIG;
    w->b = calloc((size_t)n, sizeof *w->b);
    if (!w->b)
        return IOC_ENOMEM;
    w->start = start;
    w->end = end;
    w->step = step;
    w->n = (size_t)n;
    return 0;
}

void tsdb_window_free(struct tsdb_window *w)
{
    free(w->b);
    w->b = NULL;
    w->n = 0;
}

/* The bucket index of t, or -1 outside [start, end). */
static ptrdiff_t bucket_of(const struct tsdb_window *w, int64_t t)
{
    if (t < w->start || t >= w->end)
        return -1;
    return (ptrdiff_t)(((uint64_t)t - (uint64_t)w->start) / (uint64_t)w->step);
}

void tsdb_window_add(struct tsdb_window *w, int64_t t, double v)
{
    ptrdiff_t i = bucket_of(w, t);
    if (i >= 0)
        tsdb_bucket_add(&w->b[i], t, v);
}

int tsdb_window_merge(struct tsdb_window *w, int64_t from, int64_t width,
                      const struct tsdb_bucket *b)
{
    if (width <= 0 || from > INT64_MAX - width)
        return IOC_EINVAL;
    ptrdiff_t i = bucket_of(w, from), j = bucket_of(w, from + width - 1);
    if (i < 0 || i != j)
        return IOC_EINVAL;
    tsdb_bucket_merge(&w->b[i], b);
    return 0;
}

int64_t tsdb_window_bucket_start(const struct tsdb_window *w, size_t i)
{
    /* in range (it is below end) though i * step alone may not be: computed modulo 2^64 */
    return (int64_t)((uint64_t)w->start + (uint64_t)i * (uint64_t)w->step);
}
