/*
 * db_seal.c — sealing: the head points of a series become compressed chunks in the partition
 * of the day of their first point and of the series' retention group (db_retain.c); then the
 * partitions are synced, the series image saved, and the log trimmed up to the oldest point
 * still only in the head.
 *
 * Invariants (with db.c's):
 *   1. A series is sealed whole: every point of its head goes into chunks, so the greatest LSN
 *      of those points (the last chunk carries it) covers all of them. Earlier chunks of one
 *      round (more than TSDB_CHUNK_MAX_POINTS points) carry LSN 0: if a crash loses the last
 *      one, the replay adds all the points again, and the duplicates in the earlier chunks are
 *      harmless (a later write at one time replaces an earlier one when read).
 *   2. Order on disk: chunks appended, partitions synced, series image saved, then the log is
 *      trimmed. A crash anywhere leaves every point in the log or in a synced chunk. While open
 *      replays the log (a head too small for it seals as it goes) nothing is trimmed: the
 *      records not yet replayed are still needed, nor while a backup holds backup.lock
 *      (backup.c): the trim waits for a later maintain.
 *   3. The chunks are published to readers and the points cut from the head in one write-locked
 *      step, after the disk work: a reader sees each point in the head or in a chunk, never in
 *      neither.
 */
#include "tsdb/db_int.h"

#include <stdlib.h>
#include <string.h>

/* What one round of sealing works with (ingest thread). */
struct round {
    int64_t *t;
    uint64_t *bits;
    size_t cap;
    struct ioc_buf chunk;
    struct tsdb_part **touched; /* partitions to sync */
    size_t ntouched, tcap;
    struct dbchunk *made; /* chunks of the series being sealed */
    size_t nmade, mcap;
};

static int fit(struct round *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    int64_t *t = realloc(r->t, n * sizeof *t);
    if (t)
        r->t = t;
    uint64_t *b = realloc(r->bits, n * sizeof *b);
    if (b)
        r->bits = b;
    if (!t || !b)
        return IOC_ENOMEM;
    r->cap = n;
    return 0;
}

static int touch(struct round *r, struct tsdb_part *p)
{
    for (size_t i = 0; i < r->ntouched; i++)
        if (r->touched[i] == p)
            return 0;
    if (r->ntouched == r->tcap) {
        size_t cap = r->tcap ? r->tcap * 2 : 8;
        struct tsdb_part **tp = realloc(r->touched, cap * sizeof *tp);
        if (!tp)
            return IOC_ENOMEM;
        r->touched = tp;
        r->tcap = cap;
    }
    r->touched[r->ntouched++] = p;
    return 0;
}

static int remember(struct round *r, const struct dbchunk *c)
{
    if (r->nmade == r->mcap) {
        size_t cap = r->mcap ? r->mcap * 2 : 4;
        struct dbchunk *m = realloc(r->made, cap * sizeof *m);
        if (!m)
            return IOC_ENOMEM;
        r->made = m;
        r->mcap = cap;
    }
    r->made[r->nmade++] = *c;
    return 0;
}

/* Encodes points [from, from + n) of the round as one chunk and appends it. */
static int write_chunk(struct tsdb_db *db, struct round *r, uint32_t id, enum tsdb_type type,
                       size_t from, size_t n, uint64_t lsn)
{
    ioc_buf_reset(&r->chunk);
    int rc = tsdb_chunk_encode(type, r->t + from, r->bits + from, NULL, n, &r->chunk);
    struct dbchunk c = {
        {0, id, (uint32_t)n, (uint32_t)r->chunk.len, r->t[from], r->t[from + n - 1], lsn}, 0, 0};
    struct tsdb_part *p = NULL;
    if (rc == 0 && (rc = db_part_of(db, db_day_of(r->t[from]), db_grp_of(db, id), &c.slot)) == 0)
        p = db->parts[c.slot].part;
    if (rc == 0)
        rc = tsdb_part_append(p, &c.ref, r->chunk.data);
    if (rc == 0)
        rc = touch(r, p);
    if (rc == 0)
        rc = remember(r, &c);
    return rc;
}

/* Publishes the chunks made for series id and cuts its n points from the head. */
static int publish(struct tsdb_db *db, struct round *r, uint32_t id, size_t n)
{
    pthread_rwlock_wrlock(&db->lock);
    struct dbseries *s = &db->st[id];
    int rc = 0;
    if (s->nchunks + r->nmade > s->cap) {
        size_t cap = s->cap ? s->cap : 4;
        while (cap < s->nchunks + r->nmade)
            cap *= 2;
        struct dbchunk *c = realloc(s->chunks, cap * sizeof *c);
        if (c) {
            s->chunks = c;
            s->cap = cap;
        } else {
            rc = IOC_ENOMEM;
        }
    }
    if (rc == 0) {
        memcpy(s->chunks + s->nchunks, r->made, r->nmade * sizeof *r->made);
        s->nchunks += r->nmade;
        s->sealed_lsn = s->head_max_lsn;
        rc = tsdb_head_cut(db->head, id, n, r->t, r->bits);
        s->head_lsn = s->head_max_lsn = 0;
    }
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

static int seal_series(struct tsdb_db *db, struct round *r, uint32_t id)
{
    size_t n = tsdb_head_count(db->head, id);
    const void *key;
    size_t klen;
    int type;
    int rc = tsdb_series_get(db->series, id, &key, &klen, &type);
    if (rc == 0)
        rc = fit(r, n);
    if (rc == 0)
        rc = tsdb_head_peek(db->head, id, n, r->t, r->bits);
    if (rc)
        return rc;
    r->nmade = 0;
    uint64_t lsn = db->st[id].head_max_lsn;
    for (size_t at = 0; at < n && rc == 0;) {
        size_t k = n - at < TSDB_CHUNK_MAX_POINTS ? n - at : TSDB_CHUNK_MAX_POINTS;
        rc = write_chunk(db, r, id, (enum tsdb_type)type, at, k, at + k == n ? lsn : 0);
        at += k;
    }
    if (rc == 0)
        rc = publish(db, r, id, n);
    if (rc == 0 && db->replaying)
        db->st[id].tail_stale = 1; /* rolled up by db_rollup_rebuild after the replay */
    else if (rc == 0)
        db_rollup_sealed(db, id, r->t, r->bits, n, r->made, r->nmade);
    return rc;
}

/* 1 if series id is due for sealing. */
static int due(const struct tsdb_db *db, uint32_t id, int force, int64_t now)
{
    size_t n = tsdb_head_count(db->head, id);
    if (n == 0)
        return 0;
    return force || n >= db->o.seal_points || now - db->st[id].head_since >= db->o.seal_age_ns;
}

int db_save_series(struct tsdb_db *db)
{
    size_t n = tsdb_series_count(db->series);
    if (n == db->series_saved)
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/series", db->dir);
    int rc = tsdb_series_save(db->series, path);
    if (rc == 0)
        db->series_saved = n;
    return rc;
}

/* The LSN before which the log holds nothing that is only in the head. */
static uint64_t trim_point(const struct tsdb_db *db)
{
    struct tsdb_wal_stats ws;
    tsdb_wal_stats_get(db->wal, &ws);
    uint64_t lsn = ws.next_lsn;
    size_t n = tsdb_series_count(db->series);
    for (size_t id = 0; id < n && id < db->nst; id++)
        if (db->st[id].head_lsn && db->st[id].head_lsn < lsn)
            lsn = db->st[id].head_lsn;
    return lsn;
}

int tsdb_db_maintain(struct tsdb_db *db, int force)
{
    if (db->broken)
        return IOC_EIO;
    struct round r;
    memset(&r, 0, sizeof r);
    ioc_buf_init(&r.chunk, 0);
    int64_t now = ioc_mono_ns();
    size_t n = tsdb_series_count(db->series);
    int rc = 0;
    for (uint32_t id = 0; id < n && rc == 0; id++)
        if (id < db->nst && due(db, id, force, now))
            rc = seal_series(db, &r, id);
    db->due = 0; /* every series at seal_points was just sealed (or the engine is broken) */
    for (size_t i = 0; i < r.ntouched && rc == 0; i++)
        rc = tsdb_part_sync(r.touched[i]);
    db_rollup_flush(db, rc == 0); /* rollup records only name chunks on disk */
    if (rc == 0)
        db_rollup_sync(db);
    if (rc == 0)
        rc = db_save_series(db);
    int lockfd = -1; /* a backup copying the log holds it: trimmed at a later maintain */
    if (rc == 0 && !db->replaying && trim_point(db) > db->checkpointed &&
        tsdb_backup_trylock(db->dir, &lockfd) == 0) {
        /* the log must reach disk before its older part goes: a point's only copy */
        rc = tsdb_wal_sync(db->wal);
        if (rc == 0 && (rc = tsdb_wal_checkpoint(db->wal, trim_point(db))) == 0)
            db->checkpointed = trim_point(db);
        else if (rc == IOC_EIO && tsdb_wal_error(db->wal) == NULL)
            rc = 0; /* a segment not removed: tried again next time */
        tsdb_backup_unlock(lockfd);
    }
    if (rc && rc != IOC_ENOMEM)
        db->broken = 1; /* a chunk half-written or a partition unsynced: stop writing */
    if (rc == 0)
        rc = db_expire(db, 0); /* after the sync: only synced chunks are listed */
    free(r.t);
    free(r.bits);
    free(r.touched);
    free(r.made);
    ioc_buf_free(&r.chunk);
    return rc;
}
