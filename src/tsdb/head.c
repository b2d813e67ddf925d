/*
 * head.c — the engine's recent points, in memory: per series, the points not yet sealed into a
 * compressed chunk, kept in time order, plus the latest point of every series.
 *
 * Values are kept as 8 bytes of bits (a double's, an integer's, 0/1); the engine knows each
 * series' type. Writes arrive mostly in time order per series (a station reports every 10 s), so an
 * append is the common case; a late point is inserted in its place, and a point at a time the
 * series already has replaces it (InfluxDB's rule: one value per series and time). The engine cuts
 * the oldest points of a series out (tsdb_head_cut) to seal them into a chunk once there are
 * enough.
 *
 * Invariants:
 *   1. The points of a series are strictly ascending in time (no two at one time).
 *   2. latest(s) is the point of s at the greatest time ever added, cut or not (a cut does not
 *      forget it), so "latest value" needs no chunk read.
 *   3. The head holds at most max_points points in all; an add beyond that is IOC_ETOOBIG and
 *      changes nothing (the engine seals chunks before it gets there).
 *   4. Not thread-safe: the engine serialises its users.
 */
#include "tsdb/tsdb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hseries {
    int64_t *t;
    uint64_t *v; /* value bits (the engine knows the type) */
    size_t n, cap;
    int has_latest;
    int64_t latest_t;
    uint64_t latest_v;
};

struct tsdb_head {
    struct hseries *s;
    size_t ns; /* series slots allocated (ids 0 … ns-1) */
    size_t points, max_points;
    size_t cap_hint; /* a series' arrays grow to this before they double again (0: none) */
};

int tsdb_head_create(size_t max_points, struct tsdb_head **out)
{
    struct tsdb_head *h = calloc(1, sizeof *h);
    if (!h)
        return IOC_ENOMEM;
    h->max_points = max_points ? max_points : TSDB_HEAD_DEFAULT_MAX_POINTS;
    *out = h;
    return 0;
}

void tsdb_head_destroy(struct tsdb_head *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->ns; i++) {
        free(h->s[i].t);
        free(h->s[i].v);
    }
    free(h->s);
    free(h);
}

void tsdb_head_set_cap_hint(struct tsdb_head *h, size_t n)
{
    h->cap_hint = n;
}

size_t tsdb_head_total(const struct tsdb_head *h)
{
    return h->points;
}

/* The slot of series id, growing the table to hold it. */
static int slot(struct tsdb_head *h, uint32_t id, struct hseries **out)
{
    if (id >= h->ns) {
        size_t ns = h->ns ? h->ns : 64;
        while (ns <= id)
            ns *= 2;
        struct hseries *s = realloc(h->s, ns * sizeof *s);
        if (!s)
            return IOC_ENOMEM;
        memset(s + h->ns, 0, (ns - h->ns) * sizeof *s);
        h->s = s;
        h->ns = ns;
    }
    *out = &h->s[id];
    return 0;
}

static int reserve(struct hseries *s, size_t hint)
{
    if (s->n < s->cap)
        return 0;
    size_t cap = s->cap ? s->cap * 2 : 16;
    if (s->cap < hint && cap > hint)
        cap = hint; /* the engine seals at about hint points: do not double past it */
    int64_t *t = realloc(s->t, cap * sizeof *t);
    if (!t)
        return IOC_ENOMEM;
    s->t = t;
    uint64_t *v = realloc(s->v, cap * sizeof *v);
    if (!v)
        return IOC_ENOMEM;
    s->v = v;
    s->cap = cap;
    return 0;
}

/* The first index whose time is >= t. */
static size_t lower_bound(const struct hseries *s, int64_t t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->t[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int tsdb_head_add(struct tsdb_head *h, uint32_t id, int64_t t, uint64_t v)
{
    struct hseries *s;
    int rc = slot(h, id, &s);
    if (rc)
        return rc;
    size_t at = s->n && s->t[s->n - 1] < t ? s->n : lower_bound(s, t);
    if (at < s->n && s->t[at] == t) {
        s->v[at] = v; /* one value per series and time: the later write wins */
    } else {
        if (h->points >= h->max_points)
            return IOC_ETOOBIG;
        if ((rc = reserve(s, h->cap_hint)) != 0)
            return rc;
        memmove(s->t + at + 1, s->t + at, (s->n - at) * sizeof *s->t);
        memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof *s->v);
        s->t[at] = t;
        s->v[at] = v;
        s->n++;
        h->points++;
    }
    if (!s->has_latest || t >= s->latest_t) {
        s->has_latest = 1;
        s->latest_t = t;
        s->latest_v = v;
    }
    return 0;
}

size_t tsdb_head_count(const struct tsdb_head *h, uint32_t id)
{
    return id < h->ns ? h->s[id].n : 0;
}

size_t tsdb_head_bounds(const struct tsdb_head *h, uint32_t id, int64_t *min, int64_t *max)
{
    if (id >= h->ns || h->s[id].n == 0)
        return 0;
    *min = h->s[id].t[0];
    *max = h->s[id].t[h->s[id].n - 1];
    return h->s[id].n;
}

int tsdb_head_latest(const struct tsdb_head *h, uint32_t id, int64_t *t, uint64_t *v)
{
    if (id >= h->ns || !h->s[id].has_latest)
        return IOC_ENOTFOUND;
    *t = h->s[id].latest_t;
    *v = h->s[id].latest_v;
    return 0;
}

int tsdb_head_range(const struct tsdb_head *h, uint32_t id, int64_t from, int64_t to,
                    tsdb_point_fn fn, void *ctx)
{
    if (id >= h->ns)
        return 0;
    const struct hseries *s = &h->s[id];
    for (size_t i = lower_bound(s, from); i < s->n && s->t[i] < to; i++) {
        int rc = fn(ctx, s->t[i], s->v[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static inline double value_of(enum tsdb_type type, uint64_t v)
{
    if (type == TSDB_FLOAT) { /* the common case, without a call */
        double d;
        memcpy(&d, &v, sizeof d);
        return d;
    }
    return tsdb_value_double(type, v);
}

/* The summary of n > 0 ascending points as values of type. */
static void run_bucket(const int64_t *t, const uint64_t *v, size_t n, enum tsdb_type type,
                       struct tsdb_bucket *out)
{
    double x = value_of(type, v[0]);
    struct tsdb_bucket b = {(int64_t)n, x, x, x, x, 0, t[0], t[n - 1]};
    for (size_t k = 1; k < n; k++) {
        x = value_of(type, v[k]);
        b.sum += x;
        if (x < b.min || isnan(b.min))
            b.min = x;
        if (x > b.max || isnan(b.max))
            b.max = x;
    }
    b.last = x;
    *out = b;
}

void tsdb_head_window(const struct tsdb_head *h, uint32_t id, enum tsdb_type type,
                      const struct tsdb_window *w, const unsigned char *use,
                      struct tsdb_bucket *acc)
{
    if (id >= h->ns)
        return;
    const struct hseries *s = &h->s[id];
    size_t i = lower_bound(s, w->start);
    while (i < s->n && s->t[i] < w->end) {
        uint64_t b = ((uint64_t)s->t[i] - (uint64_t)w->start) / (uint64_t)w->step;
        int64_t bend = b + 1 == w->n ? w->end : tsdb_window_bucket_start(w, (size_t)b + 1);
        size_t j = i + 1;
        while (j < s->n && s->t[j] < bend)
            j++;
        if (!use || use[b]) {
            struct tsdb_bucket run;
            run_bucket(s->t + i, s->v + i, j - i, type, &run);
            tsdb_bucket_merge(&acc[b], &run);
        }
        i = j;
    }
}

int tsdb_head_peek(const struct tsdb_head *h, uint32_t id, size_t n, int64_t *t, uint64_t *v)
{
    if (id >= h->ns || n > h->s[id].n)
        return IOC_EINVAL;
    memcpy(t, h->s[id].t, n * sizeof *t);
    memcpy(v, h->s[id].v, n * sizeof *v);
    return 0;
}

int tsdb_head_cut(struct tsdb_head *h, uint32_t id, size_t n, int64_t *t, uint64_t *v)
{
    if (id >= h->ns || n > h->s[id].n)
        return IOC_EINVAL;
    struct hseries *s = &h->s[id];
    memcpy(t, s->t, n * sizeof *t);
    memcpy(v, s->v, n * sizeof *v);
    memmove(s->t, s->t + n, (s->n - n) * sizeof *s->t);
    memmove(s->v, s->v + n, (s->n - n) * sizeof *s->v);
    s->n -= n;
    h->points -= n;
    return 0;
}
