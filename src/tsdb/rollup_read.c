/*
 * rollup_read.c — tsdb_db_window through the rollups (rollup.c): the window buckets that are
 * unions of whole rollup buckets of one level and whose chunks are all rolled up come from the
 * newest record holding each rollup bucket, plus the head's points in them when the bucket lies
 * after every sealed point (else, where the head has points, it is read raw); the others are
 * read raw (db_window_raw). A record that cannot be read sends the whole window raw.
 */
#include "tsdb/rollup_int.h"

#include <stdlib.h>
#include <string.h>

/* The coarsest level whose buckets tile the window's buckets, or -1. */
static int level_for(const struct tsdb_db *db, const struct tsdb_window *w)
{
    if (db->raw_only || w->start < RL_TMIN || w->end > RL_TMAX)
        return -1;
    for (int l = DB_RL_LEVELS; l-- > 0;) {
        int64_t L = rl_width(l);
        if (w->step % L == 0 && rl_floor(w->start, L) == w->start &&
            ((uint64_t)w->end - (uint64_t)w->start) / (uint64_t)L <= ROLL_WINDOW_MAX)
            return l;
    }
    return -1;
}

/* What the reader copied under the lock. */
struct rsnap {
    struct tsdb_window *w;
    unsigned char *use;      /* buckets the rollups answer */
    struct tsdb_bucket *acc; /* what the rollups and the head give for those buckets */
    struct dbroll *rolls;
    struct tsdb_part **parts;
    size_t nrolls;
    int held; /* counted in db->readers (db_retain.c) */
    enum tsdb_type type;
    int64_t hfrom, hto; /* the head points read raw: those in [hfrom, hto) */
};

static void mark_raw(struct rsnap *r, int64_t a, int64_t b)
{
    const struct tsdb_window *w = r->w;
    if (b < w->start || a >= w->end)
        return;
    a = a > w->start ? a : w->start;
    b = b < w->end - 1 ? b : w->end - 1;
    uint64_t i = ((uint64_t)a - (uint64_t)w->start) / (uint64_t)w->step;
    uint64_t j = ((uint64_t)b - (uint64_t)w->start) / (uint64_t)w->step;
    memset(r->use + i, 0, (size_t)(j - i + 1));
}

/* The head of id (under the lock). A head point after every sealed point cannot replace one,
 * so the buckets after the last sealed point stay answered from the rollups with the head's
 * points added (the sum is exact). Head points at or before it (late ones: a client's batches
 * arriving out of order) may meet a sealed point of the same time, so the buckets from the
 * head's first point to the last sealed point are read raw — only those, not the head's whole
 * span. hfrom/hto: the span of the buckets read raw, for the raw reader to take head points
 * from. */
static int snap_head(struct tsdb_db *db, uint32_t id, int64_t sealed_max, struct rsnap *r)
{
    const struct tsdb_window *w = r->w;
    int64_t hmin, hmax;
    if (tsdb_head_bounds(db->head, id, &hmin, &hmax) == 0)
        return 0;
    if (hmin <= sealed_max)
        mark_raw(r, hmin, sealed_max < hmax ? sealed_max : hmax);
    size_t i = 0, j = w->n; /* the first and one past the last bucket read raw */
    while (i < w->n && r->use[i])
        i++;
    while (j > i && r->use[j - 1])
        j--;
    if (i < j) {
        r->hfrom = tsdb_window_bucket_start(w, i);
        r->hto = j == w->n ? w->end : tsdb_window_bucket_start(w, j);
    }
    tsdb_head_window(db->head, id, r->type, w, r->use, r->acc);
    return 0;
}

static int snap(struct tsdb_db *db, uint32_t id, struct rsnap *r)
{
    const struct tsdb_window *w = r->w;
    int rc = 0;
    int64_t now = db->retains ? db_now(db) : 0;
    pthread_rwlock_rdlock(&db->lock);
    db_readers(db, 1);
    r->held = 1;
    const void *k;
    size_t klen;
    int type = 0;
    if (tsdb_series_get(db->series, id, &k, &klen, &type) != 0)
        type = 0;
    r->type = (enum tsdb_type)type;
    int64_t cut = db_cutoff(db, id, now);
    if (cut > INT64_MIN) /* buckets reaching an expired time are read raw (leaving it out) */
        mark_raw(r, w->start, cut);
    const struct dbseries *s = id < db->nst ? &db->st[id] : NULL;
    if (s && s->nrolls) {
        r->rolls = malloc(s->nrolls * sizeof *r->rolls);
        r->parts = malloc(s->nrolls * sizeof *r->parts);
        if (!r->rolls || !r->parts)
            rc = IOC_ENOMEM;
        for (size_t i = 0; i < s->nrolls && rc == 0; i++) {
            const struct dbroll *x = &s->rolls[i];
            if (x->ref.max_t < w->start || x->ref.min_t >= w->end || x->ref.max_t < cut)
                continue;
            r->parts[r->nrolls] = rl_part_for(db, x->slot);
            r->rolls[r->nrolls++] = *x;
        }
    }
    int64_t sealed_max = INT64_MIN;
    for (size_t i = 0; s && i < s->nchunks; i++) {
        const struct tsdb_chunk_ref *c = &s->chunks[i].ref;
        if (c->max_t > sealed_max)
            sealed_max = c->max_t;
        if (!s->chunks[i].rolled)
            mark_raw(r, c->min_t, c->max_t);
    }
    if (rc == 0)
        rc = snap_head(db, id, sealed_max, r);
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

/* 1 if some bucket of level l that record ref may hold is answered here and not yet taken
 * from a newer record: otherwise the record is not read at all. */
static int needed(const struct rsnap *r, int l, const struct tsdb_chunk_ref *ref,
                  const uint8_t *seen)
{
    const struct tsdb_window *w = r->w;
    int64_t L = rl_width(l);
    int64_t a = ref->min_t > w->start ? rl_floor(ref->min_t, L) : w->start;
    if (a < w->start)
        a = w->start;
    int64_t b = ref->max_t < w->end - 1 ? ref->max_t : w->end - 1;
    for (int64_t st = a; st <= b && st >= a; st += L) {
        uint64_t q = ((uint64_t)st - (uint64_t)w->start) / (uint64_t)L;
        size_t i = (size_t)(((uint64_t)st - (uint64_t)w->start) / (uint64_t)w->step);
        if (r->use[i] && !(seen[q >> 3] & (1u << (q & 7))))
            return 1;
    }
    return 0;
}

/* Merges, newest record first, the rollup buckets of level l into r->acc for the buckets used. */
static int from_rollups(const struct rsnap *r, int l, uint8_t *seen)
{
    const struct tsdb_window *w = r->w;
    int64_t L = rl_width(l);
    int rc = 0;
    for (size_t k = r->nrolls; k-- > 0 && rc == 0;) {
        const struct tsdb_chunk_ref *ref = &r->rolls[k].ref;
        if (!r->parts[k])
            return IOC_EINVAL;
        if (!needed(r, l, ref, seen))
            continue;
        unsigned char *buf = malloc(ref->len ? ref->len : 1);
        if (!buf)
            return IOC_ENOMEM;
        struct rl_entry *e = NULL;
        size_t n = 0;
        rc = tsdb_part_read(r->parts[k], ref, buf);
        if (rc == 0)
            rc = rl_decode_level(buf, ref->len, l, &e, &n);
        free(buf);
        for (size_t j = 0; j < n && rc == 0; j++) {
            int64_t st = e[j].start;
            if (st < w->start || st >= w->end || w->end - st < L)
                continue;
            uint64_t q = ((uint64_t)st - (uint64_t)w->start) / (uint64_t)L;
            if (seen[q >> 3] & (1u << (q & 7)))
                continue; /* a newer record has this bucket */
            seen[q >> 3] |= (uint8_t)(1u << (q & 7));
            size_t i = (size_t)(((uint64_t)st - (uint64_t)w->start) / (uint64_t)w->step);
            if (r->use[i])
                tsdb_bucket_merge(&r->acc[i], &e[j].b);
        }
        free(e);
    }
    return rc;
}

int db_rollup_window(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points)
{
    int l = level_for(db, w);
    if (l < 0)
        return db_window_raw(db, id, w, max_points, (int64_t[2]){w->start, w->end}, NULL, 1);
    int64_t L = rl_width(l);
    uint64_t nl = ((uint64_t)w->end - (uint64_t)w->start + (uint64_t)L - 1) / (uint64_t)L;
    struct rsnap r = {w, malloc(w->n), calloc(w->n, sizeof *r.acc), NULL, NULL, 0, 0, 0, 0, 0};
    uint8_t *seen = calloc((size_t)(nl / 8 + 1), 1);
    int rc = r.use && r.acc && seen ? 0 : IOC_ENOMEM;
    if (rc == 0) {
        memset(r.use, 1, w->n);
        if (((uint64_t)w->end - (uint64_t)w->start) % (uint64_t)L)
            r.use[w->n - 1] = 0; /* the last bucket is cut short of a whole rollup bucket */
        rc = snap(db, id, &r);
    }
    int any = 0;
    for (size_t i = 0; rc == 0 && i < w->n && !any; i++)
        any = r.use[i];
    if (rc == 0 && any && from_rollups(&r, l, seen) != 0) {
        memset(r.use, 0, w->n); /* a record unreadable: all raw, never wrong */
        r.hfrom = w->start;
        r.hto = w->end;
        any = 0;
    }
    int raw = !any;
    for (size_t i = 0; rc == 0 && !raw && i < w->n; i++)
        raw = !r.use[i];
    if (rc == 0 && raw)
        rc = db_window_raw(db, id, w, max_points, (int64_t[2]){r.hfrom, r.hto}, any ? r.use : NULL,
                           1);
    uint64_t used = 0;
    for (size_t i = 0; rc == 0 && any && i < w->n; i++)
        if (r.use[i]) {
            tsdb_bucket_merge(&w->b[i], &r.acc[i]);
            used++;
        }
    if (used)
        __atomic_fetch_add(&db->rollup_reads, used, __ATOMIC_RELAXED);
    if (r.held)
        db_readers(db, -1);
    free(r.use);
    free(r.rolls);
    free(r.parts);
    free(r.acc);
    free(seen);
    return rc;
}
