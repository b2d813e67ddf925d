/*
 * rollup_read.c — tsdb_db_window through the rollups (rollup.c): the window buckets that are
 * unions of whole rollup buckets of one level, whose chunks are all rolled up and which have no
 * point in the head, come from the newest record holding each rollup bucket; the others are read
 * raw (db_window_raw). A record that cannot be read sends the whole window raw.
 */
#include "tsdb/rollup_int.h"

#include <stdlib.h>
#include <string.h>

int rl_decode_level(const unsigned char *p, size_t len, int l, struct rl_entry **e, size_t *n)
{
    *e = NULL;
    *n = 0;
    if (len < 4 || p[0] != ROLL_VERSION || p[1] != DB_RL_LEVELS)
        return IOC_EINVAL;
    size_t at = 4;
    for (int k = 0; k < DB_RL_LEVELS; k++) {
        if (len - at < 4)
            return IOC_EINVAL;
        uint32_t cnt = ioc_le32_get(p + at);
        at += 4;
        if (cnt > ROLL_MAX || (len - at) / ROLL_ENTRY < cnt)
            return IOC_EINVAL;
        if (k != l) {
            at += (size_t)cnt * ROLL_ENTRY;
            continue;
        }
        struct rl_entry *out = cnt ? calloc(cnt, sizeof *out) : NULL;
        if (cnt && !out)
            return IOC_ENOMEM;
        for (uint32_t i = 0; i < cnt; i++, at += ROLL_ENTRY) {
            const unsigned char *x = p + at;
            struct rl_entry *r = &out[i];
            double d[5];
            for (int j = 0; j < 5; j++) {
                uint64_t u = ioc_le64_get(x + 16 + 8 * j);
                memcpy(&d[j], &u, sizeof u);
            }
            r->start = (int64_t)ioc_le64_get(x);
            r->b = (struct tsdb_bucket){(int64_t)ioc_le64_get(x + 8),
                                        d[0],
                                        d[1],
                                        d[2],
                                        d[3],
                                        d[4],
                                        (int64_t)ioc_le64_get(x + 56),
                                        (int64_t)ioc_le64_get(x + 64)};
            if (r->b.count <= 0 || (i && r->start <= out[i - 1].start)) {
                free(out);
                return IOC_EINVAL;
            }
        }
        *e = out;
        *n = cnt;
        return 0;
    }
    return IOC_EINVAL;
}

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
    unsigned char *use; /* buckets the rollups answer */
    struct dbroll *rolls;
    struct tsdb_part **parts;
    size_t nrolls;
    int held; /* counted in db->readers (db_retain.c) */
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

static int head_point(void *ctx, int64_t t, uint64_t v)
{
    (void)v;
    mark_raw(ctx, t, t);
    return 0;
}

static int snap(struct tsdb_db *db, uint32_t id, struct rsnap *r)
{
    const struct tsdb_window *w = r->w;
    memset(r->use, 1, w->n);
    int rc = 0;
    int64_t now = db->retains ? db_now(db) : 0;
    pthread_rwlock_rdlock(&db->lock);
    db_readers(db, 1);
    r->held = 1;
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
    for (size_t i = 0; s && i < s->nchunks; i++)
        if (!s->chunks[i].rolled)
            mark_raw(r, s->chunks[i].ref.min_t, s->chunks[i].ref.max_t);
    if (rc == 0)
        rc = tsdb_head_range(db->head, id, w->start, w->end, head_point, r);
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

/* Merges, newest record first, the rollup buckets of level l into acc for the buckets used. */
static int from_rollups(const struct rsnap *r, int l, struct tsdb_bucket *acc, uint8_t *seen)
{
    const struct tsdb_window *w = r->w;
    int64_t L = rl_width(l);
    int rc = 0;
    for (size_t k = r->nrolls; k-- > 0 && rc == 0;) {
        const struct tsdb_chunk_ref *ref = &r->rolls[k].ref;
        if (!r->parts[k])
            return IOC_EINVAL;
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
                tsdb_bucket_merge(&acc[i], &e[j].b);
        }
        free(e);
    }
    return rc;
}

int db_rollup_window(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points)
{
    int l = level_for(db, w);
    if (l < 0)
        return db_window_raw(db, id, w, max_points, 1, NULL, 1);
    int64_t L = rl_width(l);
    uint64_t nl = ((uint64_t)w->end - (uint64_t)w->start + (uint64_t)L - 1) / (uint64_t)L;
    struct rsnap r = {w, calloc(w->n, 1), NULL, NULL, 0, 0};
    struct tsdb_bucket *acc = calloc(w->n, sizeof *acc);
    uint8_t *seen = calloc((size_t)(nl / 8 + 1), 1);
    int rc = r.use && acc && seen ? 0 : IOC_ENOMEM;
    if (rc == 0)
        rc = snap(db, id, &r);
    if (rc == 0 && ((uint64_t)w->end - (uint64_t)w->start) % (uint64_t)L)
        r.use[w->n - 1] = 0; /* the last bucket is cut short of a whole rollup bucket */
    int any = 0;
    for (size_t i = 0; rc == 0 && i < w->n && !any; i++)
        any = r.use[i];
    if (rc == 0 && any && from_rollups(&r, l, acc, seen) != 0) {
        memset(r.use, 0, w->n); /* a record unreadable: all raw, never wrong */
        any = 0;
    }
    if (rc == 0)
        rc = db_window_raw(db, id, w, max_points, 1, any ? r.use : NULL, 1);
    uint64_t used = 0;
    for (size_t i = 0; rc == 0 && any && i < w->n; i++)
        if (r.use[i]) {
            tsdb_bucket_merge(&w->b[i], &acc[i]);
            used++;
        }
    if (used)
        __atomic_fetch_add(&db->rollup_reads, used, __ATOMIC_RELAXED);
    if (r.held)
        db_readers(db, -1);
    free(r.use);
    free(r.rolls);
    free(r.parts);
    free(acc);
    free(seen);
    return rc;
}
