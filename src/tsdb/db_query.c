/*
 * db_query.c — reading the engine from any thread: which series, the points of a series in a
 * window, its latest point, the fields, the counters.
 *
 * A reader takes the read lock only to copy what it needs (chunk references, head points); it
 * reads partition files after releasing it, so it never holds the writer up for I/O.
 *
 * Invariants:
 *   1. At one time a series has one value: a later write replaces an earlier one. Later means
 *      the head over any chunk, and a chunk sealed later over one sealed earlier (chunks of one
 *      series are kept in the order they were sealed).
 *   2. When the chunks and the head of a series cover disjoint time ranges (the usual case:
 *      data arrives in order) each source is added to the window as it is read; otherwise the
 *      points are merged by time first (bounded by max_points).
 */
#include "tsdb/db_int.h"

#include <stdlib.h>
#include <string.h>

int tsdb_db_select(struct tsdb_db *db, const char *m, size_t mlen, const char *field, size_t flen,
                   const struct tsdb_tag_filter *filters, size_t nfilters, uint32_t *ids,
                   size_t cap, size_t *n)
{
    pthread_rwlock_rdlock(&db->lock);
    int rc = tsdb_series_select(db->series, m, mlen, field, flen, filters, nfilters, ids, cap, n);
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

int tsdb_db_series_key(struct tsdb_db *db, uint32_t id, struct ioc_buf *out, enum tsdb_type *type)
{
    pthread_rwlock_rdlock(&db->lock);
    const void *k;
    size_t len;
    int t;
    int rc = tsdb_series_get(db->series, id, &k, &len, &t);
    if (rc == 0) {
        ioc_buf_reset(out);
        rc = ioc_buf_append(out, k, len);
        *type = (enum tsdb_type)t;
    }
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

int tsdb_db_fields(struct tsdb_db *db, tsdb_field_fn fn, void *ctx)
{
    pthread_rwlock_rdlock(&db->lock);
    int rc = tsdb_series_fields(db->series, fn, ctx);
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

void tsdb_db_stats(struct tsdb_db *db, struct tsdb_db_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_rwlock_rdlock(&db->lock);
    out->series = tsdb_series_count(db->series);
    out->head_points = tsdb_head_total(db->head);
    out->partitions = db->nparts;
    for (size_t id = 0; id < db->nst; id++) {
        out->chunks += db->st[id].nchunks;
        for (size_t c = 0; c < db->st[id].nchunks; c++)
            out->chunk_bytes += db->st[id].chunks[c].ref.len + 48;
        out->rollups += db->st[id].nrolls;
        for (size_t r = 0; r < db->st[id].nrolls; r++)
            out->rollup_bytes += db->st[id].rolls[r].ref.len + 48;
    }
    out->rollups_written = db->rolled_n;
    out->rollup_rebuilt = db->rebuilt_n;
    out->rollup_reads = __atomic_load_n(&db->rollup_reads, __ATOMIC_RELAXED);
    out->expired_chunks = db->expired_chunks;
    out->expired_bytes = db->expired_bytes;
    out->expired_files = db->expired_files;
    out->expired_series = __atomic_load_n(&db->expired_series, __ATOMIC_RELAXED);
    pthread_rwlock_unlock(&db->lock);
    tsdb_wal_stats_get(db->wal, &out->wal);
}

/* What a reader copied under the lock. */
struct snapshot {
    enum tsdb_type type;
    int64_t cutoff;         /* points before it are expired (INT64_MIN: none, or not asked) */
    struct dbchunk *chunks; /* overlapping the window, in seal order */
    struct tsdb_part **parts;
    size_t nchunks;
    int64_t *ht; /* head points in the window */
    uint64_t *hv;
    size_t nhead, hcap;
};

static int keep_head(void *ctx, int64_t t, uint64_t v)
{
    struct snapshot *s = ctx;
    if (s->nhead == s->hcap) {
        size_t cap = s->hcap ? s->hcap * 2 : 256;
        int64_t *nt = realloc(s->ht, cap * sizeof *nt);
        if (nt)
            s->ht = nt;
        uint64_t *nv = realloc(s->hv, cap * sizeof *nv);
        if (nv)
            s->hv = nv;
        if (!nt || !nv)
            return IOC_ENOMEM;
        s->hcap = cap;
    }
    s->ht[s->nhead] = t;
    s->hv[s->nhead++] = v;
    return 0;
}

static struct tsdb_part *part_for(const struct tsdb_db *db, uint32_t slot)
{
    return slot < db->nparts ? db->parts[slot].part : NULL;
}

/* Copies, under the read lock, the chunks of id overlapping [from, to) and its head points in
 * that range and in hrange[0..1) (NULL: none) (expire: the chunks holding an unexpired point
 * only, and the cutoff). Release with drop. */
static int take(struct tsdb_db *db, uint32_t id, int64_t from, int64_t to, const int64_t *hrange,
                int expire, struct snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->cutoff = INT64_MIN;
    int64_t now = expire && db->retains ? db_now(db) : 0;
    pthread_rwlock_rdlock(&db->lock);
    db_readers(db, 1); /* the partitions copied stay open until drop (db_retain.c) */
    const void *k;
    size_t klen;
    int type;
    int rc = tsdb_series_get(db->series, id, &k, &klen, &type);
    s->type = (enum tsdb_type)type;
    if (rc == 0 && expire && db->retains)
        s->cutoff = db_cutoff(db, id, now);
    if (s->cutoff > from)
        from = s->cutoff;
    const struct dbseries *st = rc == 0 && id < db->nst ? &db->st[id] : NULL;
    if (st && st->nchunks) {
        s->chunks = malloc(st->nchunks * sizeof *s->chunks);
        s->parts = malloc(st->nchunks * sizeof *s->parts);
        if (!s->chunks || !s->parts)
            rc = IOC_ENOMEM;
        for (size_t i = 0; rc == 0 && i < st->nchunks; i++) {
            const struct dbchunk *c = &st->chunks[i];
            if (c->ref.max_t < from || c->ref.min_t >= to)
                continue;
            s->parts[s->nchunks] = part_for(db, c->slot);
            s->chunks[s->nchunks++] = *c;
        }
    }
    if (rc == 0 && hrange) {
        int64_t a = hrange[0] > from ? hrange[0] : from;
        int64_t b = hrange[1] < to ? hrange[1] : to;
        if (a < b)
            rc = tsdb_head_range(db->head, id, a, b, keep_head, s);
    }
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

static void drop(struct tsdb_db *db, struct snapshot *s)
{
    db_readers(db, -1);
    free(s->chunks);
    free(s->parts);
    free(s->ht);
    free(s->hv);
}

/* 1 if the chunks and the head cover pairwise disjoint time ranges. */
static int disjoint(const struct snapshot *s)
{
    for (size_t i = 0; i < s->nchunks; i++) {
        const struct tsdb_chunk_ref *a = &s->chunks[i].ref;
        for (size_t j = i + 1; j < s->nchunks; j++) {
            const struct tsdb_chunk_ref *b = &s->chunks[j].ref;
            if (a->min_t <= b->max_t && b->min_t <= a->max_t)
                return 0;
        }
        if (s->nhead && a->min_t <= s->ht[s->nhead - 1] && s->ht[0] <= a->max_t)
            return 0;
    }
    return 1;
}

/* A point of the merge: time, value, and its source's rank (higher wins at one time). */
struct mpoint {
    int64_t t;
    double v;
    size_t rank;
};

struct sink {
    struct tsdb_window *w;
    const unsigned char *skip; /* buckets left out (answered by the rollups), or NULL */
    int64_t cutoff;            /* points before it are left out (expired) */
    int merge; /* 0: add to the window at once; 1: collect into pts, merge at the end */
    struct mpoint *pts;
    size_t n, cap, max, seen;
};

static int skipped(const struct sink *k, int64_t t)
{
    return k->skip && k->skip[((uint64_t)t - (uint64_t)k->w->start) / (uint64_t)k->w->step];
}

static int sink_add(struct sink *k, int64_t t, double v, size_t rank)
{
    if (t < k->cutoff || skipped(k, t))
        return 0;
    if (++k->seen > k->max)
        return IOC_ETOOBIG;
    if (!k->merge) {
        tsdb_window_add(k->w, t, v);
        return 0;
    }
    if (k->n == k->cap) { /* grows with what is read, never past max */
        size_t cap = k->cap ? k->cap * 2 : 1024;
        struct mpoint *p = realloc(k->pts, cap * sizeof *p);
        if (!p)
            return IOC_ENOMEM;
        k->pts = p;
        k->cap = cap;
    }
    k->pts[k->n++] = (struct mpoint){t, v, rank};
    return 0;
}

/* Reads chunk i of the snapshot (checked) and calls fn for each of its points in time order;
 * a non-zero return stops and is returned. */
static int each_point(const struct snapshot *s, size_t i, tsdb_point_fn fn, void *ctx)
{
    const struct tsdb_chunk_ref *ref = &s->chunks[i].ref;
    if (!s->parts[i])
        return IOC_EINVAL;
    void *buf = malloc(ref->len ? ref->len : 1);
    if (!buf)
        return IOC_ENOMEM;
    int rc = tsdb_part_read(s->parts[i], ref, buf);
    struct tsdb_chunk_iter it;
    if (rc == 0)
        rc = tsdb_chunk_iter_init(&it, buf, ref->len);
    while (rc == 0) {
        int64_t ts[TSDB_ITER_BATCH];
        uint64_t v[TSDB_ITER_BATCH];
        struct tsdb_str str[TSDB_ITER_BATCH];
        size_t n;
        if ((rc = tsdb_chunk_iter_next(&it, ts, v, str, &n)) != 0 || n == 0)
            break;
        for (size_t j = 0; j < n && rc == 0; j++)
            rc = fn(ctx, ts[j], v[j]);
    }
    free(buf);
    return rc;
}

/* The points of one chunk inside the window, to the sink with the chunk's rank. */
struct to_sink {
    struct sink *k;
    enum tsdb_type type;
    size_t rank;
};

static int point_to_sink(void *ctx, int64_t t, uint64_t v)
{
    struct to_sink *ts = ctx;
    if (t < ts->k->w->start || t >= ts->k->w->end)
        return 0;
    return sink_add(ts->k, t, tsdb_value_double(ts->type, v), ts->rank);
}

static int read_chunk(const struct snapshot *s, size_t i, struct sink *k)
{
    struct to_sink ts = {k, s->type, i};
    return each_point(s, i, point_to_sink, &ts);
}

static int cmp_mpoint(const void *a, const void *b)
{
    const struct mpoint *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Sorts pts[0..n) by time, keeping the order of points of equal time: the sources' points come
 * in runs already in time order (a chunk's, then the head's), in rank order, so a stable merge
 * of the runs is the order cmp_mpoint gives — in O(n log runs) instead of a sort's O(n log n).
 * Falls back to qsort without memory for the merge. */
static void sort_runs(struct mpoint *pts, size_t n)
{
    size_t runs[64], nr = 0; /* the runs' ends; more runs than fit: qsort */
    for (size_t i = 1; i <= n && nr < 64; i++)
        if (i == n || pts[i].t < pts[i - 1].t)
            runs[nr++] = i;
    if (nr <= 1)
        return;
    struct mpoint *tmp = nr < 64 ? malloc(n * sizeof *tmp) : NULL;
    if (!tmp) {
        qsort(pts, n, sizeof *pts, cmp_mpoint);
        return;
    }
    struct mpoint *a = pts, *b = tmp;
    while (nr > 1) { /* merge runs pairwise, the left one first on equal times */
        size_t m = 0, from = 0;
        for (size_t r = 0; r < nr; r += 2) {
            size_t mid = runs[r], end = r + 1 < nr ? runs[r + 1] : mid;
            size_t i = from, j = mid, o = from;
            while (i < mid && j < end)
                b[o++] = a[j].t < a[i].t ? a[j++] : a[i++];
            while (i < mid)
                b[o++] = a[i++];
            while (j < end)
                b[o++] = a[j++];
            runs[m++] = end;
            from = end;
        }
        nr = m;
        struct mpoint *x = a;
        a = b;
        b = x;
    }
    if (a != pts)
        memcpy(pts, a, n * sizeof *pts);
    free(tmp);
}

/* 1 if every bucket the chunk's points may fall in (inside the window) is skipped. */
static int all_skipped(const struct tsdb_window *w, const unsigned char *skip,
                       const struct tsdb_chunk_ref *ref)
{
    int64_t a = ref->min_t > w->start ? ref->min_t : w->start;
    int64_t b = ref->max_t < w->end - 1 ? ref->max_t : w->end - 1;
    uint64_t i = ((uint64_t)a - (uint64_t)w->start) / (uint64_t)w->step;
    uint64_t j = ((uint64_t)b - (uint64_t)w->start) / (uint64_t)w->step;
    for (; i <= j; i++)
        if (!skip[i])
            return 0;
    return 1;
}

int db_window_raw(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points,
                  const int64_t *hrange, const unsigned char *skip, int expire)
{
    struct snapshot s;
    int rc = take(db, id, w->start, w->end, hrange, expire, &s);
    if (skip) { /* only the chunks holding points of a bucket read here (order kept) */
        size_t m = 0;
        for (size_t i = 0; i < s.nchunks; i++)
            if (!all_skipped(w, skip, &s.chunks[i].ref)) {
                s.chunks[m] = s.chunks[i];
                s.parts[m++] = s.parts[i];
            }
        s.nchunks = m;
    }
    struct sink k = {w, skip, s.cutoff, rc == 0 && !disjoint(&s), NULL, 0, 0, max_points, 0};
    for (size_t i = 0; i < s.nchunks && rc == 0; i++)
        rc = read_chunk(&s, i, &k);
    for (size_t i = 0; i < s.nhead && rc == 0; i++)
        rc = sink_add(&k, s.ht[i], tsdb_value_double(s.type, s.hv[i]), s.nchunks);
    if (rc == 0 && k.merge && k.n) { /* merge: at one time the highest rank wins */
        sort_runs(k.pts, k.n);
        for (size_t i = 0; i < k.n; i++)
            if (i + 1 == k.n || k.pts[i + 1].t != k.pts[i].t)
                tsdb_window_add(w, k.pts[i].t, k.pts[i].v);
    }
    free(k.pts);
    drop(db, &s);
    return rc;
}

int tsdb_db_window(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points)
{
    return db_rollup_window(db, id, w, max_points);
}

/* The last point of chunk i of the snapshot. */
struct last {
    int64_t t;
    uint64_t v;
};

static int keep_last(void *ctx, int64_t t, uint64_t v)
{
    struct last *l = ctx;
    l->t = t;
    l->v = v;
    return 0;
}

static int chunk_last(const struct snapshot *s, size_t i, int64_t *t, uint64_t *v)
{
    struct last l = {0, 0};
    int rc = each_point(s, i, keep_last, &l);
    if (rc == 0) {
        *t = l.t;
        *v = l.v;
    }
    return rc;
}

int tsdb_db_latest(struct tsdb_db *db, uint32_t id, int64_t *t, uint64_t *v, enum tsdb_type *type)
{
    int64_t ht = 0;
    uint64_t hv = 0;
    pthread_rwlock_rdlock(&db->lock);
    int in_head = tsdb_head_latest(db->head, id, &ht, &hv) == 0;
    pthread_rwlock_unlock(&db->lock);
    struct snapshot s;
    int64_t from = in_head ? ht + (ht < INT64_MAX) : INT64_MIN;
    int rc = take(db, id, from, INT64_MAX, (int64_t[2]){from, INT64_MAX}, 1, &s);
    *type = s.type;
    size_t best = s.nchunks;
    for (size_t i = 0; rc == 0 && i < s.nchunks; i++) /* the latest in time; later seals win */
        if (best == s.nchunks || s.chunks[i].ref.max_t >= s.chunks[best].ref.max_t)
            best = i;
    if (rc == 0 && best < s.nchunks && (!in_head || s.chunks[best].ref.max_t > ht)) {
        rc = chunk_last(&s, best, t, v);
    } else if (rc == 0 && in_head) {
        *t = ht;
        *v = hv;
    } else if (rc == 0) {
        rc = IOC_ENOTFOUND;
    }
    if (rc == 0 && *t < s.cutoff)
        rc = IOC_ENOTFOUND; /* the latest point expired: so did every other */
    drop(db, &s);
    return rc;
}
