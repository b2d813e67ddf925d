/*
 * rollup.c — rollups: per series, the count, sum, min, max, first and last of every UTC hour and
 * UTC day that holds sealed points, kept as chunks are sealed, so that tsdb_db_window answers
 * a window of whole, sealed rollup buckets without reading raw points (docs/architecture.md,
 * "tsdb: rollups").
 *
 *   DATA_DIR/tsdb/rollup/D.part   rollup records (part.c's format) of the day of their first point
 *                                 (D.T.part: of a retention group, as the chunks: db.c)
 *
 * A record holds, for one series, some buckets of each level (hour, day), starts strictly
 * ascending, in a blob written in version 2 and read in versions 1 and 2 (rollup_codec.c):
 *
 *   version 1: u8 1 | u8 levels (2) | u16 0 | per level: u32 n, then n buckets of 72 bytes,
 *              little-endian: start, count (i64), sum, min, max, first, last (f64 bits), first
 *              time, last time (i64).
 *   version 2: u8 2 | u8 levels (2) | u8 tdiv (0..9) | u8 vexp (0..18, or 255: raw doubles) |
 *              per level: varint n, varint bytes, then the n buckets in those bytes, each:
 *                varint  k: the first bucket zz(start / width), the others start / width minus
 *                        the previous one's, minus 1 (starts are multiples of the level's width)
 *                varint  count - 1
 *                varint  (first time - start) / 10^tdiv
 *                varint  (start + width - last time) / 10^tdiv
 *                values  vexp 255: first, min, max, last, sum as 8 little-endian bytes each;
 *                        else each of first, min, max, last, sum as varint (zz(d) << 1 | r),
 *                        then if r: varint zz(residual). The value's mantissa m = pred + d,
 *                        pred: first: the previous bucket's last m (0 for a level's first
 *                        bucket); min, max, last: first's m; sum: count * m(min) +
 *                        (count * (m(max) - m(min))) >> 1 (all uint64, wrapping). The value's
 *                        bits = bits of (double)m / 10^vexp + residual (wrapping).
 *              zz: zigzag. A decoder refuses a record whose level byte counts do not add up to
 *              the blob, a bucket outside about |t| <= 2^62 ns, or times outside their bucket.
 *              rl_encode writes version 1 for buckets version 2 cannot hold (none the engine
 *              makes) and picks tdiv (the greatest dividing every offset) and vexp (the fewest
 *              bytes).
 * Its part header: series, count = buckets (| ROLL_PARTIAL), min/max time = the range of the
 * points its buckets were made for, lsn = the coverage LSN: every chunk of the series up to it
 * has its buckets in the records up to this one.
 *
 * Invariants:
 *   1. A bucket's value is the one of the record with the greatest lsn holding it (then the
 *      latest in file order for equal lsn, which only happens between records that agree). Each
 *      record's buckets are recomputed from all the series' sealed points when it is written:
 *      in-order points merge into the bucket kept in memory (tail), anything else (late points,
 *      rewrites, a restart) recomputes the days it touches from the chunks.
 *   2. A record is written only after the chunks it covers are synced, and records of one
 *      series are written in lsn order; a rollup write failure stops the rollups until the next
 *      open (reads stay right: they go raw). So at open a chunk is rolled up iff its LSN is at
 *      most the greatest coverage lsn of the series' records (a chunk with LSN 0: iff that
 *      covers the whole series); the others are rolled up again by db_rollup_rebuild.
 *   3. A window bucket is answered from the rollups only if every chunk overlapping it is rolled
 *      up and it is a union of whole rollup buckets of one level, plus the head's points in it
 *      when it lies after every sealed point (buckets from the head's first point to the last
 *      sealed point are raw: a late head point may share a time with a sealed one);
 *      everything else is read raw. A damaged or unreadable record sends the window raw.
 *   4. A damaged rollup file (not just a torn tail) drops every rollup file: all is rebuilt.
 *   5. Points before 1824 or after 2116 (|t| > 2^62 ns) are left out of the rollups; windows
 *      reaching them are read raw.
 */
#include "tsdb/rollup_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void db_set_raw_only(struct tsdb_db *db, int on)
{
    db->raw_only = on;
}

/* ---- buckets made for one record ---- */

struct rl_out {
    struct rl_entry *e[DB_RL_LEVELS];
    size_t n[DB_RL_LEVELS], cap[DB_RL_LEVELS];
};

static int out_push(struct rl_out *o, int l, int64_t start, const struct tsdb_bucket *b)
{
    if (b->count == 0)
        return 0;
    if (o->n[l] == o->cap[l]) {
        size_t cap = o->cap[l] ? o->cap[l] * 2 : 64;
        struct rl_entry *e = realloc(o->e[l], cap * sizeof *e);
        if (!e)
            return IOC_ENOMEM;
        o->e[l] = e;
        o->cap[l] = cap;
    }
    o->e[l][o->n[l]++] = (struct rl_entry){start, *b};
    return 0;
}

static void out_free(struct rl_out *o)
{
    for (int l = 0; l < DB_RL_LEVELS; l++)
        free(o->e[l]);
}

/* ---- the blob ---- */

/* Encodes entries [from, from + n[l]) of each level into b. */
static int encode(const struct rl_out *o, const size_t *from, const size_t *n, struct ioc_buf *b)
{
    const struct rl_entry *lv[DB_RL_LEVELS];
    for (int l = 0; l < DB_RL_LEVELS; l++)
        lv[l] = n[l] ? o->e[l] + from[l] : NULL;
    return rl_encode(lv, n, b);
}

/* ---- files ---- */

struct tsdb_part *rl_part_for(const struct tsdb_db *db, uint32_t slot)
{
    return slot < db->nrparts ? db->rparts[slot].part : NULL;
}

static int add_rpart(struct tsdb_db *db, uint32_t day, uint32_t grp, struct tsdb_part *p)
{
    if (db->nrparts == db->rpartcap) {
        size_t cap = db->rpartcap ? db->rpartcap * 2 : 16;
        struct dbpart *ps = realloc(db->rparts, cap * sizeof *ps);
        if (!ps)
            return IOC_ENOMEM;
        db->rparts = ps;
        db->rpartcap = cap;
    }
    db->rparts[db->nrparts++] = (struct dbpart){day, grp, p};
    return 0;
}

/* The rollup partition of record r (its day, its series' group), opened or created (ingest
 * thread): r->slot set. */
static int rpart_of(struct tsdb_db *db, struct dbroll *r, struct tsdb_part **out)
{
    uint32_t grp = db_grp_of(db, r->ref.series);
    for (size_t i = db->nrparts; i-- > 0;)
        if (db->rparts[i].day == r->day && db->rparts[i].grp == grp) {
            r->slot = (uint32_t)i;
            *out = db->rparts[i].part;
            return 0;
        }
    char path[4200];
    struct tsdb_part *p;
    int rc = db_part_path(db, "rollup", r->day, grp, path, sizeof path);
    if (rc == 0)
        rc = tsdb_part_open(path, &p, NULL, NULL);
    if (rc)
        return rc;
    pthread_rwlock_wrlock(&db->lock);
    r->slot = (uint32_t)db->nrparts;
    rc = add_rpart(db, r->day, grp, p);
    pthread_rwlock_unlock(&db->lock);
    if (rc) {
        tsdb_part_close(p);
        return rc;
    }
    *out = p;
    return 0;
}

static int rtouch(struct tsdb_db *db, struct tsdb_part *p)
{
    for (size_t i = 0; i < db->nrtouched; i++)
        if (db->rtouched[i] == p)
            return 0;
    if (db->nrtouched == db->rtcap) {
        size_t cap = db->rtcap ? db->rtcap * 2 : 8;
        struct tsdb_part **t = realloc(db->rtouched, cap * sizeof *t);
        if (!t)
            return IOC_ENOMEM;
        db->rtouched = t;
        db->rtcap = cap;
    }
    db->rtouched[db->nrtouched++] = p;
    return 0;
}

/* Adds a record to series s's list, kept in ascending lsn (write lock held or during open). */
static int add_roll(struct dbseries *s, const struct dbroll *r)
{
    if (s->nrolls == s->rcap) {
        size_t cap = s->rcap ? s->rcap * 2 : 4;
        struct dbroll *n = realloc(s->rolls, cap * sizeof *n);
        if (!n)
            return IOC_ENOMEM;
        s->rolls = n;
        s->rcap = cap;
    }
    size_t i = s->nrolls;
    while (i > 0 && s->rolls[i - 1].ref.lsn > r->ref.lsn) {
        s->rolls[i] = s->rolls[i - 1];
        i--;
    }
    s->rolls[i] = *r;
    s->nrolls++;
    return 0;
}

/* A record made, waiting for its chunks to be synced. */
struct rl_pend {
    struct dbroll r;
    char *blob;
    struct dbchunk *made; /* the chunks it rolls up (the last piece of a seal), or NULL */
    size_t nmade;
};

static int queue(struct tsdb_db *db, const struct rl_pend *p)
{
    if (db->nrpend == db->rpendcap) {
        size_t cap = db->rpendcap ? db->rpendcap * 2 : 256;
        struct rl_pend *n = realloc(db->rpend, cap * sizeof *n);
        if (!n)
            return IOC_ENOMEM;
        db->rpend = n;
        db->rpendcap = cap;
    }
    db->rpend[db->nrpend++] = *p;
    return 0;
}

/* Makes the records of the buckets of o for series id (pieces of at most ROLL_MAX buckets a
 * level; all but the last partial, and the last too unless final) and queues them. */
static int emit(struct tsdb_db *db, uint32_t id, const struct rl_out *o, uint64_t lsn,
                int64_t min_t, int64_t max_t, int final, const struct dbchunk *made, size_t nmade)
{
    size_t pieces = 0;
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        size_t k = (o->n[l] + ROLL_MAX - 1) / ROLL_MAX;
        if (k > pieces)
            pieces = k;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, TSDB_PART_MAX_CHUNK);
    int rc = 0;
    for (size_t k = 0; k < pieces && rc == 0; k++) {
        size_t from[DB_RL_LEVELS], n[DB_RL_LEVELS], total = 0;
        for (int l = 0; l < DB_RL_LEVELS; l++) {
            from[l] = k * ROLL_MAX < o->n[l] ? k * ROLL_MAX : o->n[l];
            n[l] = o->n[l] - from[l] < ROLL_MAX ? o->n[l] - from[l] : ROLL_MAX;
            total += n[l];
        }
        ioc_buf_reset(&b);
        rc = encode(o, from, n, &b);
        int last = k + 1 == pieces, partial = !final || !last;
        struct rl_pend p = {{{0, id, (uint32_t)total | (partial ? ROLL_PARTIAL : 0),
                              (uint32_t)b.len, min_t, max_t, lsn},
                             db_day_of(min_t)},
                            NULL,
                            NULL,
                            0};
        if (rc == 0 && (p.blob = malloc(b.len)) == NULL)
            rc = IOC_ENOMEM;
        if (rc == 0 && last && nmade) {
            if ((p.made = malloc(nmade * sizeof *made)) != NULL) {
                memcpy(p.made, made, nmade * sizeof *made);
                p.nmade = nmade;
            } else {
                rc = IOC_ENOMEM;
            }
        }
        if (rc == 0) {
            memcpy(p.blob, b.data, b.len);
            rc = queue(db, &p);
        }
        if (rc) {
            free(p.blob);
            free(p.made);
        }
    }
    ioc_buf_free(&b);
    return rc;
}

static void stop(struct tsdb_db *db, int rc)
{
    if (!db->roll_failed)
        ioc_log(IOC_LOG_ERROR, "tsdb: rollups stopped (%s); queries read raw points until restart",
                ioc_strerror(rc));
    db->roll_failed = 1;
}

/* Marks the chunks made[] of series s rolled up (write lock held): the last ones it has. */
static void mark_rolled(struct dbseries *s, const struct dbchunk *made, size_t nmade)
{
    for (size_t i = s->nchunks, m = 0; i-- > 0 && m < nmade;)
        for (size_t j = 0; j < nmade; j++)
            if (s->chunks[i].slot == made[j].slot &&
                s->chunks[i].ref.offset == made[j].ref.offset) {
                s->chunks[i].rolled = 1;
                m++;
                break;
            }
}

void db_rollup_flush(struct tsdb_db *db, int ok)
{
    if (!ok && db->nrpend)
        stop(db, IOC_EIO);
    for (size_t i = 0; i < db->nrpend; i++) {
        struct rl_pend *p = &db->rpend[i];
        struct dbseries *s = &db->st[p->r.ref.series];
        int rc = db->roll_failed ? IOC_EIO : 0;
        struct tsdb_part *part = NULL;
        if (rc == 0)
            rc = rpart_of(db, &p->r, &part);
        if (rc == 0)
            rc = tsdb_part_append(part, &p->r.ref, p->blob);
        if (rc == 0)
            rc = rtouch(db, part);
        if (rc == 0) {
            pthread_rwlock_wrlock(&db->lock);
            rc = add_roll(s, &p->r);
            if (rc == 0) {
                db->rolled_n++;
                mark_rolled(s, p->made, p->nmade);
            }
            pthread_rwlock_unlock(&db->lock);
        }
        if (rc) {
            s->tail_stale = 1;
            stop(db, rc);
        }
        free(p->blob);
        free(p->made);
    }
    db->nrpend = 0;
}

void db_rollup_sync(struct tsdb_db *db)
{
    for (size_t i = 0; i < db->nrtouched; i++)
        if (tsdb_part_sync(db->rtouched[i]) != 0 && !db->roll_failed) {
            db->roll_failed = 1;
            ioc_log(IOC_LOG_ERROR, "tsdb: rollups: sync failed; reading raw points until restart");
        }
    db->nrtouched = 0;
}

/* ---- opening ---- */

struct rscan {
    struct tsdb_db *db;
    uint32_t day, slot;
};

static int on_roll(void *ctx, const struct tsdb_chunk_ref *ref)
{
    struct rscan *sc = ctx;
    struct dbseries *s;
    int rc = db_series_slot(sc->db, ref->series, &s);
    if (rc == 0)
        rc = add_roll(s, &(struct dbroll){*ref, sc->day, sc->slot});
    return rc;
}

/* Closes and deletes every rollup file (those open and those listed). */
static void drop_all(struct tsdb_db *db, const struct dbpart *files, size_t n)
{
    for (size_t i = 0; i < db->nrparts; i++)
        tsdb_part_close(db->rparts[i].part);
    db->nrparts = 0;
    for (size_t id = 0; id < db->nst; id++)
        db->st[id].nrolls = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        if (db_part_path(db, "rollup", files[i].day, files[i].grp, path, sizeof path) == 0)
            unlink(path);
    }
}

int db_rollup_open(struct tsdb_db *db)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/rollup", db->dir);
    int rc = ioc_mkdir_p(dir);
    struct dbpart *files = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = db_part_list(db, "rollup", &files, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4200];
        struct tsdb_part *p;
        struct rscan sc = {db, files[i].day, (uint32_t)db->nrparts};
        rc = db_part_path(db, "rollup", files[i].day, files[i].grp, path, sizeof path);
        if (rc == 0)
            rc = tsdb_part_open(path, &p, on_roll, &sc);
        if (rc == 0 && (rc = add_rpart(db, files[i].day, files[i].grp, p)) != 0)
            tsdb_part_close(p);
        if (rc == IOC_EINVAL) { /* damage inside: derived data, rebuilt from the chunks */
            ioc_log(IOC_LOG_WARN, "tsdb: %s damaged: every rollup is dropped and rebuilt", path);
            drop_all(db, files, n);
            rc = 0;
            break;
        }
    }
    free(files);
    if (rc)
        return rc;
    /* which chunks the records hold (invariant 2) */
    for (size_t id = 0; id < db->nst; id++) {
        struct dbseries *s = &db->st[id];
        uint64_t cover = 0;
        for (size_t i = 0; i < s->nrolls; i++)
            if (!(s->rolls[i].ref.count & ROLL_PARTIAL) && s->rolls[i].ref.lsn > cover)
                cover = s->rolls[i].ref.lsn;
        for (size_t i = 0; i < s->nchunks; i++) {
            uint64_t l = s->chunks[i].ref.lsn;
            s->chunks[i].rolled = cover && (l ? l <= cover : cover >= s->sealed_lsn);
        }
        s->tail_stale = s->nchunks > 0;
    }
    return 0;
}

void db_rollup_close(struct tsdb_db *db)
{
    for (size_t i = 0; i < db->nrpend; i++) {
        free(db->rpend[i].blob);
        free(db->rpend[i].made);
    }
    free(db->rpend);
    for (size_t i = 0; i < db->nrparts; i++)
        tsdb_part_close(db->rparts[i].part);
    free(db->rparts);
    free(db->rtouched);
}

/* ---- computing buckets ---- */

/* The hourly buckets of the sealed points of series id on day d (w: 24 buckets). */
static int day_window(struct tsdb_db *db, uint32_t id, int64_t d, struct tsdb_window *w)
{
    int rc = tsdb_window_init(w, d, d + DAY, HOUR, 24);
    if (rc == 0 && (rc = db_window_raw(db, id, w, SIZE_MAX, NULL, NULL, 0)) != 0)
        tsdb_window_free(w);
    return rc;
}

static struct tsdb_bucket merged(const struct tsdb_window *w, size_t from, size_t n)
{
    struct tsdb_bucket b;
    memset(&b, 0, sizeof b);
    for (size_t i = from; i < from + n; i++)
        tsdb_bucket_merge(&b, &w->b[i]);
    return b;
}

/* In-order points (all after the tail): merged into the tail buckets, then new ones. */
static int fast(struct dbseries *s, enum tsdb_type type, const int64_t *t, const uint64_t *bits,
                size_t n, struct rl_out *o)
{
    int64_t start[DB_RL_LEVELS];
    struct tsdb_bucket cur[DB_RL_LEVELS];
    int rc = 0;
    for (int l = 0; l < DB_RL_LEVELS && rc == 0; l++) {
        int64_t w = rl_width(l), cs = rl_floor(t[0], w);
        memset(&cur[l], 0, sizeof cur[l]);
        if (s->tail[l].count && s->tail_start[l] == cs)
            cur[l] = s->tail[l];
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (t[i] - cs >= w) { /* t ascending: a new bucket (t <= RL_TMAX: no overflow) */
                rc = out_push(o, l, cs, &cur[l]);
                cs = rl_floor(t[i], w);
                memset(&cur[l], 0, sizeof cur[l]);
            }
            tsdb_bucket_add(&cur[l], t[i], tsdb_value_double(type, bits[i]));
        }
        if (rc == 0)
            rc = out_push(o, l, cs, &cur[l]);
        start[l] = cs;
    }
    if (rc == 0)
        for (int l = 0; l < DB_RL_LEVELS; l++) {
            s->tail_start[l] = start[l];
            s->tail[l] = cur[l];
        }
    return rc;
}

/* Anything else: the days the points touch are recomputed from the chunks; the buckets holding
 * a point are written. */
static int slow(struct tsdb_db *db, uint32_t id, const int64_t *t, size_t n, struct rl_out *o)
{
    struct dbseries *s = &db->st[id];
    int64_t g = INT64_MIN; /* the greatest sealed time */
    for (size_t i = 0; i < s->nchunks; i++)
        if (s->chunks[i].ref.max_t > g)
            g = s->chunks[i].ref.max_t;
    int found = 0, rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        if (t[i] < RL_TMIN || t[i] > RL_TMAX) {
            i++;
            continue;
        }
        int64_t d = rl_floor(t[i], DAY);
        struct tsdb_window w;
        if ((rc = day_window(db, id, d, &w)) != 0)
            break;
        int64_t last_h = -1;
        for (; i < n && t[i] < d + DAY && rc == 0; i++) {
            int64_t h = (t[i] - d) / HOUR;
            if (h != last_h)
                rc = out_push(o, 0, d + h * HOUR, &w.b[h]);
            last_h = h;
        }
        struct tsdb_bucket db_ = merged(&w, 0, 24);
        if (rc == 0)
            rc = out_push(o, 1, d, &db_);
        if (rc == 0 && g >= d && g < d + DAY) {
            size_t h = (size_t)((g - d) / HOUR);
            s->tail_start[0] = d + (int64_t)h * HOUR;
            s->tail[0] = w.b[h];
            s->tail_start[1] = d;
            s->tail[1] = db_;
            found = 1;
        }
        tsdb_window_free(&w);
    }
    if (g < RL_TMIN || g > RL_TMAX)
        s->tail_stale = 1;
    else if (found)
        s->tail_stale = 0; /* else: the tail's day was not touched, it stays what it was */
    return rc;
}

void db_rollup_sealed(struct tsdb_db *db, uint32_t id, const int64_t *t, const uint64_t *bits,
                      size_t n, const struct dbchunk *made, size_t nmade)
{
    if (db->roll_failed || n == 0 || nmade == 0)
        return;
    struct dbseries *s = &db->st[id];
    const void *k;
    size_t kl;
    int type = 0;
    tsdb_series_get(db->series, id, &k, &kl, &type);
    struct rl_out o;
    memset(&o, 0, sizeof o);
    int rc;
    if (t[0] >= RL_TMIN && t[n - 1] <= RL_TMAX && !s->tail_stale &&
        (s->tail[0].count == 0 || t[0] > s->tail[0].last_t))
        rc = fast(s, (enum tsdb_type)type, t, bits, n, &o);
    else
        rc = slow(db, id, t, n, &o);
    if (rc == 0)
        rc = emit(db, id, &o, made[nmade - 1].ref.lsn, t[0], t[n - 1], 1, made, nmade);
    if (rc) {
        s->tail_stale = 1;
        stop(db, rc);
    }
    out_free(&o);
}

/* ---- rebuilding at open ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Rolls up every day touched by a chunk of series id that is not rolled up; *chunks: how many. */
static int rebuild_series(struct tsdb_db *db, uint32_t id, size_t *chunks)
{
    struct dbseries *s = &db->st[id];
    int64_t *days = NULL;
    size_t nd = 0, cap = 0;
    int rc = 0;
    *chunks = 0;
    int64_t cut = db_cutoff(db, id, db_now(db)); /* expired chunks: never read from rollups */
    for (size_t i = 0; i < s->nchunks && rc == 0; i++) {
        const struct tsdb_chunk_ref *r = &s->chunks[i].ref;
        if (s->chunks[i].rolled || r->max_t < RL_TMIN || r->min_t > RL_TMAX || r->max_t < cut)
            continue;
        ++*chunks;
        int64_t a = rl_floor(r->min_t < RL_TMIN ? RL_TMIN : r->min_t, DAY);
        int64_t b = r->max_t > RL_TMAX ? RL_TMAX : r->max_t;
        for (int64_t d = a; d <= b && rc == 0; d += DAY) {
            if (nd == cap) {
                cap = cap ? cap * 2 : 16;
                int64_t *nd_ = realloc(days, cap * sizeof *nd_);
                if (!nd_) {
                    rc = IOC_ENOMEM;
                    break;
                }
                days = nd_;
            }
            days[nd++] = d;
        }
    }
    if (rc == 0 && nd)
        qsort(days, nd, sizeof *days, cmp_i64);
    struct rl_out o;
    memset(&o, 0, sizeof o);
    int64_t from = 0;
    for (size_t i = 0; i < nd && rc == 0; i++) {
        if (i && days[i] == days[i - 1])
            continue;
        struct tsdb_window w;
        if ((rc = day_window(db, id, days[i], &w)) != 0)
            break;
        if (o.n[0] == 0)
            from = days[i];
        for (size_t h = 0; h < 24 && rc == 0; h++)
            rc = out_push(&o, 0, days[i] + (int64_t)h * HOUR, &w.b[h]);
        struct tsdb_bucket d = merged(&w, 0, 24);
        if (rc == 0)
            rc = out_push(&o, 1, days[i], &d);
        tsdb_window_free(&w);
        if (rc == 0 && o.n[0] + 24 > ROLL_MAX) { /* a partial record: no coverage yet */
            rc = emit(db, id, &o, s->sealed_lsn, from, days[i] + DAY - 1, 0, NULL, 0);
            for (int l = 0; l < DB_RL_LEVELS; l++)
                o.n[l] = 0;
        }
    }
    if (rc == 0 && nd)
        rc = emit(db, id, &o, s->sealed_lsn, o.n[0] ? from : days[nd - 1], days[nd - 1] + DAY - 1,
                  1, NULL, 0);
    if (rc == 0) {
        db_rollup_flush(db, 1); /* the chunks are on disk */
        rc = db->roll_failed ? IOC_EIO : 0;
    }
    out_free(&o);
    free(days);
    if (rc == 0) {
        pthread_rwlock_wrlock(&db->lock);
        for (size_t i = 0; i < s->nchunks; i++)
            s->chunks[i].rolled = 1;
        pthread_rwlock_unlock(&db->lock);
    }
    return rc;
}

int db_rollup_rebuild(struct tsdb_db *db)
{
    if (db->roll_failed)
        return 0;
    int64_t t0 = ioc_mono_ns();
    size_t nseries = 0, nchunks = 0;
    size_t count = tsdb_series_count(db->series);
    int rc = 0;
    for (uint32_t id = 0; id < count && id < db->nst && rc == 0; id++) {
        const struct dbseries *s = &db->st[id];
        int need = 0;
        for (size_t i = 0; i < s->nchunks && !need; i++)
            need = !s->chunks[i].rolled;
        if (!need)
            continue;
        size_t c;
        rc = rebuild_series(db, id, &c);
        nseries++;
        nchunks += c;
    }
    db_rollup_sync(db);
    if (rc) {
        stop(db, rc);
        return 0;
    }
    db->rebuilt_n += nchunks;
    if (nseries)
        ioc_log(IOC_LOG_INFO, "tsdb: rollups rebuilt for %zu chunks of %zu series in %.1f s",
                nchunks, nseries, (double)(ioc_mono_ns() - t0) / 1e9);
    return 0;
}
