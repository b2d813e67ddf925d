/*
 * db_retain.c — retention: a point whose time is before now - keep of its measurement is
 * expired (keep: the measurement's rule, else the default; 0 keeps for ever). Readers leave
 * expired points out (db_query.c, rollup_read.c); this file deletes the partition files
 * (parts/D[.T].part, rollup/D[.T].part) in which every chunk or rollup record is expired for its
 * series (docs/architecture.md, "tsdb: retention").
 *
 * Retention groups: a measurement with a rule of its own (tsdb_db_options.retention) has its
 * own files each day, named by its tag T (the hex of its name, db_int.h); every other
 * measurement's chunks share D.part. So a short rule frees its disk whatever the others keep.
 * The group of a chunk is chosen when it is written: a rule added later sends new chunks to
 * the measurement's files, its older chunks stay in D.part (freed when all of D.part expires);
 * a rule removed later sends new chunks to D.part, the files D.T.part stay until their chunks
 * expire under the default. A file's group never matters for what is expired: only each
 * chunk's series does.
 *
 * Invariants:
 *   1. A file is deleted only when every record in it ends before its series' cutoff: it holds
 *      no unexpired point, so a crash before, during or after the unlink loses nothing a read
 *      may return (a file that comes back after a power cut is deleted again).
 *   2. Its chunks (records) leave the per-series lists and its partition the list of open ones
 *      in one write-locked step before the unlink (the slots of the partitions left are
 *      renumbered in the same step); the open partition is closed only once no reader holds a
 *      copy of its pointer (db->readers is 0 under the write lock): a reader never reads a
 *      closed file, and an unlinked file stays readable while open.
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

int db_grp_find(struct tsdb_db *db, const char *tag, size_t taglen, uint32_t *grp)
{
    for (size_t i = 0; i < db->ngrps; i++)
        if (strlen(db->grps[i]) == taglen && memcmp(db->grps[i], tag, taglen) == 0) {
            *grp = (uint32_t)i + 1;
            return 0;
        }
    if (db->ngrps == db->grpcap) {
        size_t cap = db->grpcap ? db->grpcap * 2 : 8;
        char **g = realloc(db->grps, cap * sizeof *g);
        if (!g)
            return IOC_ENOMEM;
        db->grps = g;
        db->grpcap = cap;
    }
    char *t = strndup(tag, taglen);
    if (!t)
        return IOC_ENOMEM;
    db->grps[db->ngrps++] = t;
    *grp = (uint32_t)db->ngrps;
    return 0;
}

/* The group of the measurement m with a rule of its own. */
static int rule_group(struct tsdb_db *db, const char *m, size_t mlen, uint32_t *grp)
{
    static const char hex[] = "0123456789abcdef";
    char tag[DB_TAG_MAX];
    size_t n = mlen < DB_TAG_BYTES ? mlen : DB_TAG_BYTES;
    for (size_t i = 0; i < n; i++) {
        tag[2 * i] = hex[(unsigned char)m[i] >> 4];
        tag[2 * i + 1] = hex[(unsigned char)m[i] & 15];
    }
    return db_grp_find(db, tag, 2 * n, grp);
}

int db_retain_init(struct tsdb_db *db)
{
    const struct tsdb_db_options *o = &db->o;
    if (o->retention_ns < 0 || (o->nretention && !o->retention))
        return IOC_EINVAL;
    db->retains = o->retention_ns > 0;
    if (o->nretention) {
        db->rules = calloc(o->nretention, sizeof *db->rules);
        db->rule_grp = calloc(o->nretention, sizeof *db->rule_grp);
        if (!db->rules || !db->rule_grp)
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
        int rc = rule_group(db, m, r->mlen, &db->rule_grp[i]);
        if (rc)
            return rc;
    }
    db->o.retention = db->rules;
    return 0;
}

void db_retain_free(struct tsdb_db *db)
{
    for (size_t i = 0; db->rules && i < db->o.nretention; i++)
        free((char *)db->rules[i].m);
    free(db->rules);
    free(db->rule_grp);
    for (size_t i = 0; i < db->ngrps; i++)
        free(db->grps[i]);
    free(db->grps);
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

/* The index of the rule of series id's measurement, or -1. */
static long rule_of(const struct tsdb_db *db, uint32_t id)
{
    const void *key;
    size_t klen;
    int type;
    struct tsdb_series_parts sp;
    if (!db->o.nretention || tsdb_series_get(db->series, id, &key, &klen, &type) != 0 ||
        tsdb_series_key_parse(key, klen, &sp) != 0)
        return -1;
    for (size_t i = 0; i < db->o.nretention; i++)
        if (db->rules[i].mlen == sp.mlen && memcmp(db->rules[i].m, sp.m, sp.mlen) == 0)
            return (long)i;
    return -1;
}

int64_t db_cutoff(const struct tsdb_db *db, uint32_t id, int64_t now)
{
    if (!db->retains)
        return INT64_MIN;
    long r = rule_of(db, id);
    int64_t keep = r >= 0 ? db->rules[r].keep_ns : db->o.retention_ns;
    if (keep <= 0 || now < INT64_MIN + keep)
        return INT64_MIN;
    return now - keep;
}

uint32_t db_grp_of(const struct tsdb_db *db, uint32_t id)
{
    long r = rule_of(db, id);
    return r >= 0 ? db->rule_grp[r] : 0;
}

/* 1 if series s holds no point at or after cut (its head: latest, ht, if has). */
static int all_expired(const struct dbseries *s, int64_t cut, int has, int64_t ht)
{
    if (cut == INT64_MIN || (has && ht >= cut))
        return 0;
    for (size_t i = 0; s && i < s->nchunks; i++)
        if (s->chunks[i].ref.max_t >= cut)
            return 0;
    return 1;
}

int tsdb_db_expired(struct tsdb_db *db, uint32_t id)
{
    if (!db->retains)
        return 0;
    int64_t now = db_now(db), ht = 0;
    uint64_t hv;
    pthread_rwlock_rdlock(&db->lock);
    int has = tsdb_head_latest(db->head, id, &ht, &hv) == 0;
    int r = id < tsdb_series_count(db->series) &&
            all_expired(id < db->nst ? &db->st[id] : NULL, db_cutoff(db, id, now), has, ht);
    pthread_rwlock_unlock(&db->lock);
    return r;
}

/* ---- which files hold only expired records ---- */

/* live[slot] = 1 for each partition holding a record of a series not wholly expired (rlive: the
 * rollup partitions); the series whose every point has expired are counted. */
static void mark_live(struct tsdb_db *db, int64_t now, unsigned char *live, unsigned char *rlive)
{
    size_t n = tsdb_series_count(db->series);
    uint64_t gone = 0;
    for (uint32_t id = 0; id < n && id < db->nst; id++) {
        const struct dbseries *s = &db->st[id];
        int64_t cut = db_cutoff(db, id, now), ht = 0;
        uint64_t hv;
        int has = tsdb_head_latest(db->head, id, &ht, &hv) == 0;
        gone += (uint64_t)all_expired(s, cut, has, ht);
        for (size_t i = 0; i < s->nchunks; i++)
            if (s->chunks[i].slot < db->nparts && s->chunks[i].ref.max_t >= cut)
                live[s->chunks[i].slot] = 1;
        for (size_t i = 0; i < s->nrolls; i++)
            if (s->rolls[i].slot < db->nrparts && s->rolls[i].ref.max_t >= cut)
                rlive[s->rolls[i].slot] = 1;
    }
    __atomic_store_n(&db->expired_series, gone, __ATOMIC_RELAXED); /* read by tsdb_db_stats */
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

/* Moves the partitions not live from list to the grave (write lock held), keeping the others in
 * order; map[slot] becomes the new slot of each kept one, UINT32_MAX for a buried one; their
 * sizes to *bytes. */
static void take_out(struct tsdb_db *db, struct dbpart *list, size_t *n, const unsigned char *live,
                     uint32_t *map, uint64_t *bytes)
{
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        if (live[i]) {
            map[i] = (uint32_t)m;
            list[m++] = list[i];
            continue;
        }
        map[i] = UINT32_MAX;
        *bytes += tsdb_part_size(list[i].part);
        db->grave[db->ngrave++] = list[i].part;
    }
    *n = m;
}

/* Drops the chunks and rollup records of the buried partitions from every series and renumbers
 * the others' slots (write lock held). */
static void forget(struct tsdb_db *db, const uint32_t *map, const uint32_t *rmap)
{
    for (size_t id = 0; id < db->nst; id++) {
        struct dbseries *s = &db->st[id];
        size_t m = 0;
        for (size_t i = 0; i < s->nchunks; i++) {
            uint32_t to = map[s->chunks[i].slot];
            if (to == UINT32_MAX) {
                db->expired_chunks++;
                continue;
            }
            s->chunks[m] = s->chunks[i];
            s->chunks[m++].slot = to;
        }
        s->nchunks = m;
        m = 0;
        for (size_t i = 0; i < s->nrolls; i++) {
            uint32_t to = rmap[s->rolls[i].slot];
            if (to == UINT32_MAX)
                continue;
            s->rolls[m] = s->rolls[i];
            s->rolls[m++].slot = to;
        }
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

/* The partitions (day, group) not live, copied into *dead (malloc'd; before they leave the list:
 * their files are unlinked after). */
static int dead_of(const struct dbpart *p, size_t n, const unsigned char *live,
                   struct dbpart **dead, size_t *ndead)
{
    *ndead = 0;
    *dead = malloc((n ? n : 1) * sizeof **dead);
    if (!*dead)
        return IOC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!live[i])
            (*dead)[(*ndead)++] = p[i];
    return 0;
}

static void unlink_dead(struct tsdb_db *db, const char *sub, const struct dbpart *dead, size_t n)
{
    char path[4200];
    for (size_t i = 0; i < n; i++)
        if (db_part_path(db, sub, dead[i].day, dead[i].grp, path, sizeof path) != 0 ||
            unlink(path) != 0)
            ioc_log(IOC_LOG_WARN, "tsdb: retention: cannot remove %s", path);
    snprintf(path, sizeof path, "%s/%s", db->dir, sub);
    int fd = n ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The write-locked step (invariant 2) and the unlinks. */
static int bury(struct tsdb_db *db, const unsigned char *live, const unsigned char *rlive,
                const struct dbpart *dead, size_t ndead, const struct dbpart *rdead, size_t nrdead)
{
    uint32_t *map = malloc((db->nparts + 1) * sizeof *map);
    uint32_t *rmap = malloc((db->nrparts + 1) * sizeof *rmap);
    int rc = map && rmap ? grave_room(db, ndead + nrdead) : IOC_ENOMEM;
    if (rc == 0) {
        uint64_t bytes = 0, rbytes = 0;
        pthread_rwlock_wrlock(&db->lock);
        take_out(db, db->parts, &db->nparts, live, map, &bytes);
        take_out(db, db->rparts, &db->nrparts, rlive, rmap, &rbytes);
        forget(db, map, rmap);
        db->expired_bytes += bytes;
        db->expired_files += ndead + nrdead;
        pthread_rwlock_unlock(&db->lock);
        unlink_dead(db, "parts", dead, ndead);
        unlink_dead(db, "rollup", rdead, nrdead);
        ioc_log(IOC_LOG_INFO, "tsdb: retention: %zu partition and %zu rollup files removed", ndead,
                nrdead);
    }
    free(map);
    free(rmap);
    return rc;
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
    struct dbpart *dead = NULL, *rdead = NULL;
    size_t ndead = 0, nrdead = 0;
    int rc = live && rlive ? 0 : IOC_ENOMEM;
    if (rc == 0) {
        mark_live(db, now, live, rlive);
        rc = dead_of(db->parts, db->nparts, live, &dead, &ndead);
    }
    if (rc == 0)
        rc = dead_of(db->rparts, db->nrparts, rlive, &rdead, &nrdead);
    if (rc == 0 && (ndead || nrdead))
        rc = bury(db, live, rlive, dead, ndead, rdead, nrdead);
    free(live);
    free(rlive);
    free(dead);
    free(rdead);
    sweep(db);
    return rc;
}
