/*
 * db_retain.c — retention: a point whose time is before now - keep of its measurement is
 * expired (keep: the measurement's rule, else the default; 0 keeps for ever). Readers leave
 * expired points out (db_query.c, rollup_read.c); this file deletes the partition files
 * (parts/D.part, rollup/D.part) in which every chunk or rollup record is expired for its series
 * (docs/architecture.md, "tsdb: retention").
 *
 * Invariants:
 *   1. A file is deleted only when every record in it ends before its series' cutoff: it holds
 *      no unexpired point, so a crash before, during or after the unlink loses nothing a read
 *      may return (a file that comes back after a power cut is deleted again).
 *   2. Its chunks (records) leave the per-series lists and its partition the list of open ones
 *      in one write-locked step before the unlink; the open partition is closed only once no
 *      reader holds a copy of its pointer (db->readers is 0 under the write lock): a reader
 *      never reads a closed file, and an unlinked file stays readable while open.
 *   3. Cutoffs only move forward while the rules stay (now_fn is monotonic in practice); a
 *      window bucket holding the cutoff is read raw, never from the rollups.
 */
#include "tsdb/db_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define EXPIRE_EVERY (60 * NS_PER_S)

int db_retain_init(struct tsdb_db *db)
{
    const struct tsdb_db_options *o = &db->o;
    if (o->retention_ns < 0 || (o->nretention && !o->retention))
        return IOC_EINVAL;
    db->retains = o->retention_ns > 0;
    if (o->nretention) {
        db->rules = calloc(o->nretention, sizeof *db->rules);
        if (!db->rules)
            return IOC_ENOMEM;
    }
    for (size_t i = 0; i < o->nretention; i++) {
        const struct tsdb_retention *r = &o->retention[i];
        if (!r->m || r->mlen == 0 || r->keep_ns < 0)
            return IOC_EINVAL;
        char *m = malloc(r->mlen);
        if (!m)
            return IOC_ENOMEM;
        memcpy(m, r->m, r->mlen);
        db->rules[i] = (struct tsdb_retention){m, r->mlen, r->keep_ns};
        db->retains |= r->keep_ns > 0;
    }
    db->o.retention = db->rules;
    return 0;
}

void db_retain_free(struct tsdb_db *db)
{
    for (size_t i = 0; db->rules && i < db->o.nretention; i++)
        free((char *)db->rules[i].m);
    free(db->rules);
    for (size_t i = 0; i < db->ngrave; i++)
        tsdb_part_close(db->grave[i]);
    free(db->grave);
}

int64_t db_now(const struct tsdb_db *db)
{
    if (db->o.now_fn)
        return db->o.now_fn();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t db_cutoff(const struct tsdb_db *db, uint32_t id, int64_t now)
{
    if (!db->retains)
        return INT64_MIN;
    const void *key;
    size_t klen;
    int type;
    struct tsdb_series_parts sp;
    if (tsdb_series_get(db->series, id, &key, &klen, &type) != 0 ||
        tsdb_series_key_parse(key, klen, &sp) != 0)
        return INT64_MIN;
    int64_t keep = db->o.retention_ns;
    for (size_t i = 0; i < db->o.nretention; i++)
        if (db->rules[i].mlen == sp.mlen && memcmp(db->rules[i].m, sp.m, sp.mlen) == 0) {
            keep = db->rules[i].keep_ns;
            break;
        }
    if (keep <= 0 || now < INT64_MIN + keep)
        return INT64_MIN;
    return now - keep;
}

/* ---- which files hold only expired records ---- */

struct dayix {
    uint32_t day;
    uint32_t at; /* index in db->parts or db->rparts */
};

static int cmp_dayix(const void *a, const void *b)
{
    uint32_t x = ((const struct dayix *)a)->day, y = ((const struct dayix *)b)->day;
    return (x > y) - (x < y);
}

static struct dayix *index_days(const struct dbpart *p, size_t n)
{
    struct dayix *ix = malloc((n ? n : 1) * sizeof *ix);
    for (size_t i = 0; ix && i < n; i++)
        ix[i] = (struct dayix){p[i].day, (uint32_t)i};
    if (ix && n)
        qsort(ix, n, sizeof *ix, cmp_dayix);
    return ix;
}

/* The index of day's partition, or -1. */
static long find_day(const struct dayix *ix, size_t n, uint32_t day)
{
    struct dayix k = {day, 0};
    const struct dayix *f = n ? bsearch(&k, ix, n, sizeof *ix, cmp_dayix) : NULL;
    return f ? (long)f->at : -1;
}

/* live[i] = 1 for each partition i holding a record of a series not wholly expired. */
static int mark_live(struct tsdb_db *db, int64_t now, unsigned char *live, unsigned char *rlive)
{
    struct dayix *pix = index_days(db->parts, db->nparts);
    struct dayix *rix = index_days(db->rparts, db->nrparts);
    int rc = pix && rix ? 0 : IOC_ENOMEM;
    size_t n = tsdb_series_count(db->series);
    for (uint32_t id = 0; rc == 0 && id < n && id < db->nst; id++) {
        const struct dbseries *s = &db->st[id];
        int64_t cut = db_cutoff(db, id, now);
        for (size_t i = 0; i < s->nchunks; i++) {
            long at = find_day(pix, db->nparts, s->chunks[i].day);
            if (at >= 0 && s->chunks[i].ref.max_t >= cut)
                live[at] = 1;
        }
        for (size_t i = 0; i < s->nrolls; i++) {
            long at = find_day(rix, db->nrparts, s->rolls[i].day);
            if (at >= 0 && s->rolls[i].ref.max_t >= cut)
                rlive[at] = 1;
        }
    }
    free(pix);
    free(rix);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* 1 if day is one of days[0..n) (ascending). */
static int in_days(const uint32_t *days, size_t n, uint32_t day)
{
    return n && bsearch(&day, days, n, sizeof *days, cmp_u32) != NULL;
}

/* Room in the grave for n more partitions (before the write-locked step, which cannot fail). */
static int grave_room(struct tsdb_db *db, size_t n)
{
    if (db->ngrave + n <= db->gravecap)
        return 0;
    size_t cap = db->gravecap ? db->gravecap : 16;
    while (cap < db->ngrave + n)
        cap *= 2;
    struct tsdb_part **g = realloc(db->grave, cap * sizeof *g);
    if (!g)
        return IOC_ENOMEM;
    db->grave = g;
    db->gravecap = cap;
    return 0;
}

/* Moves the partitions of the dead days from list to the grave (write lock held); their sizes
 * to *bytes. */
static void take_out(struct tsdb_db *db, struct dbpart *list, size_t *n, const uint32_t *dead,
                     size_t ndead, uint64_t *bytes)
{
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        if (!in_days(dead, ndead, list[i].day)) {
            list[m++] = list[i];
            continue;
        }
        *bytes += tsdb_part_size(list[i].part);
        db->grave[db->ngrave++] = list[i].part;
    }
    *n = m;
}

/* Drops the chunks and rollup records of the dead days from every series (write lock held). */
static void forget(struct tsdb_db *db, const uint32_t *dead, size_t ndead, const uint32_t *rdead,
                   size_t nrdead)
{
    for (size_t id = 0; id < db->nst; id++) {
        struct dbseries *s = &db->st[id];
        size_t m = 0;
        for (size_t i = 0; i < s->nchunks; i++)
            if (!in_days(dead, ndead, s->chunks[i].day))
                s->chunks[m++] = s->chunks[i];
            else
                db->expired_chunks++;
        s->nchunks = m;
        m = 0;
        for (size_t i = 0; i < s->nrolls; i++)
            if (!in_days(rdead, nrdead, s->rolls[i].day))
                s->rolls[m++] = s->rolls[i];
        s->nrolls = m;
    }
}

/* Closes the buried partitions once no reader holds one (invariant 2). */
static void sweep(struct tsdb_db *db)
{
    if (!db->ngrave)
        return;
    struct tsdb_part **g = NULL;
    size_t n = 0;
    pthread_rwlock_wrlock(&db->lock);
    if (__atomic_load_n(&db->readers, __ATOMIC_SEQ_CST) == 0) {
        g = db->grave;
        n = db->ngrave;
        db->grave = NULL;
        db->ngrave = db->gravecap = 0;
    }
    pthread_rwlock_unlock(&db->lock);
    for (size_t i = 0; i < n; i++)
        tsdb_part_close(g[i]);
    free(g);
}

static void unlink_days(struct tsdb_db *db, const char *sub, const uint32_t *days, size_t n)
{
    char path[4200];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s/%010u.part", db->dir, sub, days[i]);
        if (unlink(path) != 0)
            ioc_log(IOC_LOG_WARN, "tsdb: retention: cannot remove %s", path);
    }
    snprintf(path, sizeof path, "%s/%s", db->dir, sub);
    int fd = n ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The days of the partitions not marked live, into *out (malloc'd). */
static int dead_days(const struct dbpart *p, size_t n, const unsigned char *live, uint32_t **out,
                     size_t *nout)
{
    *nout = 0;
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return IOC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!live[i])
            (*out)[(*nout)++] = p[i].day;
    if (*nout)
        qsort(*out, *nout, sizeof **out, cmp_u32);
    return 0;
}

int db_expire(struct tsdb_db *db, int force)
{
    sweep(db);
    if (!db->retains || db->replaying)
        return 0;
    int64_t now = db_now(db);
    if (!force && db->expired_at && now >= db->expired_at && now - db->expired_at < EXPIRE_EVERY)
        return 0;
    db->expired_at = now;
    unsigned char *live = calloc(db->nparts + 1, 1), *rlive = calloc(db->nrparts + 1, 1);
    uint32_t *dead = NULL, *rdead = NULL;
    size_t ndead = 0, nrdead = 0;
    int rc = live && rlive ? mark_live(db, now, live, rlive) : IOC_ENOMEM;
    if (rc == 0)
        rc = dead_days(db->parts, db->nparts, live, &dead, &ndead);
    if (rc == 0)
        rc = dead_days(db->rparts, db->nrparts, rlive, &rdead, &nrdead);
    if (rc == 0 && (ndead || nrdead))
        rc = grave_room(db, ndead + nrdead);
    if (rc == 0 && (ndead || nrdead)) {
        uint64_t bytes = 0, rbytes = 0;
        pthread_rwlock_wrlock(&db->lock);
        take_out(db, db->parts, &db->nparts, dead, ndead, &bytes);
        take_out(db, db->rparts, &db->nrparts, rdead, nrdead, &rbytes);
        forget(db, dead, ndead, rdead, nrdead);
        db->expired_bytes += bytes;
        db->expired_files += ndead + nrdead;
        pthread_rwlock_unlock(&db->lock);
        unlink_days(db, "parts", dead, ndead);
        unlink_days(db, "rollup", rdead, nrdead);
        ioc_log(IOC_LOG_INFO, "tsdb: retention: %zu partition and %zu rollup files removed", ndead,
                nrdead);
    }
    free(live);
    free(rlive);
    free(dead);
    free(rdead);
    sweep(db);
    return rc;
}
