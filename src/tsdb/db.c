/*
 * db.c — the engine: opening it (series image, partitions, log replay), writing points, and
 * closing. Sealing is in db_seal.c, reading in db_query.c; the layout of the directory:
 *
 *   DATA_DIR/tsdb/series         the series image (series.c), saved before the log is trimmed
 *   DATA_DIR/tsdb/parts/D.part   the chunks sealed from points whose first time is on day D
 *                                (D: ten digits), of the measurements without a retention
 *                                rule of their own
 *   DATA_DIR/tsdb/parts/D.T.part the same, of the measurement with a rule of its own whose tag
 *                                is T (hex of its name, db_int.h); a retention group
 *   DATA_DIR/tsdb/wal/           the write-ahead log (wal.c)
 *   DATA_DIR/tsdb/rollup/D[.T].part  rollup records (rollup.c), grouped the same way
 *
 * Files holding only expired points are deleted by the retention (db_retain.c).
 *
 * Invariants:
 *   1. Every point in the head is in the log past its last checkpoint; every point the log
 *      holds is in the head or in a chunk (a chunk carries the greatest LSN of its points, and
 *      the replay skips a series' points up to that LSN).
 *   2. A new series is logged (DB_REC_SERIES) before the first points that use it, in the same
 *      sync; ids are given in order, so replaying the records over an older image gives the
 *      same ids.
 *   3. One thread writes; it changes the shared state (series, head, per-series state, parts)
 *      only under the write lock and does its disk work outside it.
 */
#include "tsdb/db_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_series_slot(struct tsdb_db *db, uint32_t id, struct dbseries **out)
{
    if (id >= db->nst) {
        size_t n = db->nst ? db->nst : 1024;
        while (n <= id)
            n *= 2;
        struct dbseries *st = realloc(db->st, n * sizeof *st);
        if (!st)
            return IOC_ENOMEM;
        memset(st + db->nst, 0, (n - db->nst) * sizeof *st);
        db->st = st;
        db->nst = n;
    }
    *out = &db->st[id];
    return 0;
}

int db_part_path(const struct tsdb_db *db, const char *sub, uint32_t day, uint32_t grp, char *out,
                 size_t n)
{
    const char *tag = grp && grp <= db->ngrps ? db->grps[grp - 1] : NULL;
    int k =
        snprintf(out, n, "%s/%s/%010u%s%s.part", db->dir, sub, day, tag ? "." : "", tag ? tag : "");
    return k > 0 && (size_t)k < n ? 0 : IOC_EINVAL;
}

/* ---- opening: partitions ---------------------------------------------------------------- */

struct scan_ctx {
    struct tsdb_db *db;
    uint32_t slot;
};

static int on_chunk(void *ctx, const struct tsdb_chunk_ref *ref)
{
    struct scan_ctx *sc = ctx;
    struct dbseries *s;
    int rc = db_series_slot(sc->db, ref->series, &s);
    if (rc)
        return rc;
    if (s->nchunks == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        struct dbchunk *c = realloc(s->chunks, cap * sizeof *c);
        if (!c)
            return IOC_ENOMEM;
        s->chunks = c;
        s->cap = cap;
    }
    s->chunks[s->nchunks++] = (struct dbchunk){*ref, sc->slot, 0};
    if (ref->lsn > s->sealed_lsn)
        s->sealed_lsn = ref->lsn;
    return 0;
}

static int add_part(struct tsdb_db *db, uint32_t day, uint32_t grp, struct tsdb_part *p)
{
    if (db->nparts == db->partcap) {
        size_t cap = db->partcap ? db->partcap * 2 : 16;
        struct dbpart *ps = realloc(db->parts, cap * sizeof *ps);
        if (!ps)
            return IOC_ENOMEM;
        db->parts = ps;
        db->partcap = cap;
    }
    db->parts[db->nparts++] = (struct dbpart){day, grp, p};
    return 0;
}

int db_part_name(const char *name, uint32_t *day, const char **tag, size_t *taglen)
{
    size_t len = strlen(name);
    if (len < 15 || strcmp(name + len - 5, ".part") != 0)
        return 0;
    uint64_t d = 0;
    for (int i = 0; i < 10; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        d = d * 10 + (uint64_t)(name[i] - '0');
    }
    if (d > UINT32_MAX)
        return 0;
    size_t tl = len == 15 ? 0 : len - 16;
    if (len > 15 && (name[10] != '.' || tl < 2 || tl > DB_TAG_MAX || tl % 2))
        return 0;
    for (size_t i = 0; i < tl; i++)
        if (!((name[11 + i] >= '0' && name[11 + i] <= '9') ||
              (name[11 + i] >= 'a' && name[11 + i] <= 'f')))
            return 0;
    *day = (uint32_t)d;
    *tag = name + 11;
    *taglen = tl;
    return 1;
}

static int cmp_dbpart(const void *a, const void *b)
{
    const struct dbpart *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->grp > y->grp) - (x->grp < y->grp);
}

int db_part_list(struct tsdb_db *db, const char *sub, struct dbpart **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", db->dir, sub);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t cap = 0;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        uint32_t day, grp = 0;
        const char *tag;
        size_t tl;
        if (!db_part_name(e->d_name, &day, &tag, &tl) ||
            (tl && (rc = db_grp_find(db, tag, tl, &grp)) != 0))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct dbpart *np = realloc(*out, cap * sizeof *np);
            if (!np) {
                rc = IOC_ENOMEM;
                break;
            }
            *out = np;
        }
        (*out)[(*n)++] = (struct dbpart){day, grp, NULL};
    }
    closedir(d);
    if (rc == 0 && *n)
        qsort(*out, *n, sizeof **out, cmp_dbpart);
    return rc;
}

/* A chunk at open: its seal-order key and its place in the scan. */
struct seal_key {
    uint64_t lsn;
    size_t at;
    struct dbchunk c;
};

static int cmp_seal(const void *a, const void *b)
{
    const struct seal_key *x = a, *y = b;
    if (x->lsn != y->lsn)
        return x->lsn < y->lsn ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Puts each series' chunks back in the order they were sealed (the scan gives them by day):
 * by LSN; a chunk with LSN 0 (not the last of its round) takes the LSN of the next chunk of its
 * file with one. A later seal must win at equal times (db_query.c, invariant 1). */
static int seal_order(struct tsdb_db *db)
{
    for (size_t id = 0; id < db->nst; id++) {
        struct dbseries *s = &db->st[id];
        if (s->nchunks < 2)
            continue;
        struct seal_key *k = malloc(s->nchunks * sizeof *k);
        if (!k)
            return IOC_ENOMEM;
        for (size_t i = 0; i < s->nchunks; i++) {
            uint64_t lsn = s->chunks[i].ref.lsn;
            for (size_t j = i + 1;
                 lsn == 0 && j < s->nchunks && s->chunks[j].slot == s->chunks[i].slot; j++)
                lsn = s->chunks[j].ref.lsn;
            k[i] = (struct seal_key){lsn ? lsn : s->sealed_lsn, i, s->chunks[i]};
        }
        qsort(k, s->nchunks, sizeof *k, cmp_seal);
        for (size_t i = 0; i < s->nchunks; i++)
            s->chunks[i] = k[i].c;
        free(k);
    }
    return 0;
}

static int open_parts(struct tsdb_db *db)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/parts", db->dir);
    int rc = ioc_mkdir_p(dir);
    struct dbpart *files = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = db_part_list(db, "parts", &files, &n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4200];
        struct tsdb_part *p;
        struct scan_ctx sc = {db, (uint32_t)db->nparts};
        rc = db_part_path(db, "parts", files[i].day, files[i].grp, path, sizeof path);
        if (rc == 0)
            rc = tsdb_part_open(path, &p, on_chunk, &sc);
        if (rc == 0 && (rc = add_part(db, files[i].day, files[i].grp, p)) != 0)
            tsdb_part_close(p);
    }
    free(files);
    return rc ? rc : seal_order(db);
}

int db_part_of(struct tsdb_db *db, uint32_t day, uint32_t grp, uint32_t *slot)
{
    for (size_t i = db->nparts; i-- > 0;)
        if (db->parts[i].day == day && db->parts[i].grp == grp) {
            *slot = (uint32_t)i;
            return 0;
        }
    char path[4200];
    struct tsdb_part *p;
    int rc = db_part_path(db, "parts", day, grp, path, sizeof path);
    if (rc == 0)
        rc = tsdb_part_open(path, &p, NULL, NULL);
    if (rc)
        return rc;
    pthread_rwlock_wrlock(&db->lock);
    *slot = (uint32_t)db->nparts;
    rc = add_part(db, day, grp, p);
    pthread_rwlock_unlock(&db->lock);
    if (rc)
        tsdb_part_close(p);
    return rc;
}

/* ---- opening: the log -------------------------------------------------------------------- */

static int replay_series(struct tsdb_db *db, const unsigned char *r, size_t len)
{
    if (len < 6)
        return IOC_EINVAL;
    uint32_t id = ioc_le32_get(r + 1);
    int type = r[5], stored;
    uint32_t got;
    size_t have = tsdb_series_count(db->series);
    if (id > have)
        return IOC_EINVAL; /* a gap: ids come in order */
    int rc = tsdb_series_add(db->series, r + 6, len - 6, type, &got, &stored);
    if (rc == 0 && got != id)
        rc = IOC_EINVAL; /* an older record naming another series with this id */
    return rc;
}

static int replay_points(struct tsdb_db *db, uint64_t lsn, const unsigned char *r, size_t len)
{
    if (len < 5)
        return IOC_EINVAL;
    uint32_t n = ioc_le32_get(r + 1);
    if ((len - 5) / DB_POINT_BYTES != n || (len - 5) % DB_POINT_BYTES)
        return IOC_EINVAL;
    size_t have = tsdb_series_count(db->series);
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *p = r + 5 + (size_t)i * DB_POINT_BYTES;
        uint32_t id = ioc_le32_get(p);
        struct dbseries *s;
        if (id >= have)
            return IOC_EINVAL;
        int rc = db_series_slot(db, id, &s);
        if (rc)
            return rc;
        if (lsn <= s->sealed_lsn)
            continue; /* in a chunk already */
        rc = tsdb_head_add(db->head, id, (int64_t)ioc_le64_get(p + 4), ioc_le64_get(p + 12));
        if (rc == IOC_ETOOBIG && (rc = tsdb_db_maintain(db, 1)) == 0)
            rc = tsdb_head_add(db->head, id, (int64_t)ioc_le64_get(p + 4), ioc_le64_get(p + 12));
        if (rc)
            return rc;
        if (!s->head_lsn) {
            s->head_lsn = lsn;
            s->head_since = ioc_mono_ns();
        }
        s->head_max_lsn = lsn;
    }
    return 0;
}

static int on_record(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct tsdb_db *db = ctx;
    const unsigned char *r = rec;
    if (len == 0)
        return IOC_EINVAL;
    if (r[0] == DB_REC_SERIES)
        return replay_series(db, r, len);
    if (r[0] == DB_REC_POINTS)
        return replay_points(db, lsn, r, len);
    return IOC_EINVAL;
}

static int open_files(struct tsdb_db *db, const struct tsdb_db_options *o, char *err,
                      size_t err_size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/series", db->dir);
    int rc = tsdb_series_load(path, o->max_series, &db->series);
    if (rc == IOC_ENOTFOUND)
        rc = tsdb_series_index_create(o->max_series, &db->series);
    else if (rc)
        snprintf(err, err_size, "%s: %s", path, ioc_strerror(rc));
    if (rc)
        return rc;
    db->series_saved = tsdb_series_count(db->series);
    if ((rc = tsdb_head_create(o->head_max_points, &db->head)) != 0)
        return rc;
    /* a series is sealed at seal_points, and a little later under load */
    tsdb_head_set_cap_hint(db->head, (size_t)db->o.seal_points + db->o.seal_points / 16);
    if ((rc = open_parts(db)) != 0) {
        snprintf(err, err_size, "%s/parts: %s", db->dir, ioc_strerror(rc));
        return rc;
    }
    if ((rc = db_rollup_open(db)) != 0) {
        snprintf(err, err_size, "%s/rollup: %s", db->dir, ioc_strerror(rc));
        return rc;
    }
    struct tsdb_wal_options wo = {o->wal_segment, o->sync, 0, o->truncate_damaged, err, err_size};
    if ((rc = tsdb_wal_open(db->dir, &wo, &db->wal)) != 0)
        return rc;
    db->replaying = 1; /* a full head seals during the replay; the log is trimmed after it */
    rc = tsdb_wal_replay(db->dir, 0, on_record, db);
    db->replaying = 0;
    if (rc) {
        snprintf(err, err_size, "%s/wal: replay: %s", db->dir, ioc_strerror(rc));
        return rc;
    }
    /* every chunk belongs to a known series (its definition was logged before its points) */
    for (size_t id = tsdb_series_count(db->series); id < db->nst; id++)
        if (db->st[id].nchunks) {
            snprintf(err, err_size, "%s/parts: chunks of series %zu, which is not defined", db->dir,
                     id);
            return IOC_EINVAL;
        }
    if ((rc = db_rollup_rebuild(db)) != 0) {
        snprintf(err, err_size, "%s/rollup: rebuild: %s", db->dir, ioc_strerror(rc));
        return rc;
    }
    if ((rc = db_expire(db, 1)) != 0)
        snprintf(err, err_size, "%s: retention: %s", db->dir, ioc_strerror(rc));
    return rc;
}

int tsdb_db_open(const char *data_dir, const struct tsdb_db_options *o, struct tsdb_db **out,
                 char *err, size_t err_size)
{
    char scratch[8];
    if (!err) {
        err = scratch;
        err_size = sizeof scratch;
    }
    err[0] = 0;
    struct tsdb_db *db = calloc(1, sizeof *db);
    if (!db)
        return IOC_ENOMEM;
    static const struct tsdb_db_options defaults = {0};
    db->o = o ? *o : defaults;
    if (!db->o.seal_points)
        db->o.seal_points = 720;
    if (db->o.seal_points > TSDB_CHUNK_MAX_POINTS)
        db->o.seal_points = TSDB_CHUNK_MAX_POINTS;
    if (!db->o.seal_age_ns)
        db->o.seal_age_ns = 3600LL * 1000000000LL;
    pthread_rwlock_init(&db->lock, NULL);
    ioc_buf_init(&db->rec, TSDB_WAL_RECORD_MAX);
    size_t n = strlen(data_dir) + 6;
    int rc = db_retain_init(db);
    if (rc == IOC_EINVAL)
        snprintf(err, err_size, "tsdb: bad retention rules");
    if (rc == 0)
        rc = (db->dir = malloc(n)) ? 0 : IOC_ENOMEM;
    if (rc == 0) {
        snprintf(db->dir, n, "%s/tsdb", data_dir);
        rc = ioc_mkdir_p(db->dir);
    }
    if (rc == 0)
        rc = open_files(db, &db->o, err, err_size);
    if (rc) {
        if (!err[0])
            snprintf(err, err_size, "%s: %s", db->dir ? db->dir : data_dir, ioc_strerror(rc));
        tsdb_db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void tsdb_db_close(struct tsdb_db *db)
{
    if (!db)
        return;
    if (db->wal && !db->broken)
        tsdb_wal_sync(db->wal);
    tsdb_wal_close(db->wal);
    for (size_t i = 0; i < db->nparts; i++)
        tsdb_part_close(db->parts[i].part);
    free(db->parts);
    db_rollup_close(db);
    db_retain_free(db);
    for (size_t i = 0; i < db->nst; i++) {
        free(db->st[i].chunks);
        free(db->st[i].rolls);
    }
    free(db->st);
    tsdb_head_destroy(db->head);
    tsdb_series_index_destroy(db->series);
    ioc_buf_free(&db->rec);
    pthread_rwlock_destroy(&db->lock);
    free(db->dir);
    free(db);
}

/* ---- writing ---------------------------------------------------------------------------- */

/* The id of a point's series, adding (and logging) it if new. 0, or the refusal. */
static int series_of(struct tsdb_db *db, const struct tsdb_point_in *p, uint32_t *id,
                     enum tsdb_type *stored)
{
    int st = 0;
    if (p->type == TSDB_STRING)
        return IOC_EINVAL; /* string fields are not stored yet (docs/telemetry.md) */
    if (tsdb_series_find(db->series, p->key, p->key_len, id) == 0) {
        const void *k;
        size_t kl;
        tsdb_series_get(db->series, *id, &k, &kl, &st);
        *stored = (enum tsdb_type)st;
        return st == (int)p->type ? 0 : IOC_EEXIST;
    }
    pthread_rwlock_wrlock(&db->lock);
    int rc = tsdb_series_add(db->series, p->key, p->key_len, (int)p->type, id, &st);
    struct dbseries *s;
    if (rc == 0)
        rc = db_series_slot(db, *id, &s);
    pthread_rwlock_unlock(&db->lock);
    *stored = (enum tsdb_type)st;
    if (rc)
        return rc;
    unsigned char h[6];
    h[0] = DB_REC_SERIES;
    ioc_le32_put(h + 1, *id);
    h[5] = (unsigned char)p->type;
    struct ioc_buf r;
    ioc_buf_init(&r, TSDB_WAL_RECORD_MAX);
    rc = ioc_buf_append(&r, h, sizeof h);
    if (rc == 0)
        rc = ioc_buf_append(&r, p->key, p->key_len);
    if (rc == 0 && (rc = tsdb_wal_append(db->wal, r.data, r.len, NULL)) != 0)
        db->broken = 1;
    ioc_buf_free(&r);
    return rc;
}

static void refuse(struct tsdb_write_report *rep, size_t i, int rc, enum tsdb_type stored)
{
    if (rep->refused++ == 0) {
        rep->first_refused = i;
        rep->first_rc = rc;
        rep->stored_type = stored;
    }
}

/* Adds the points of the record just logged as lsn to the head (write lock held). */
static int add_logged(struct tsdb_db *db, uint64_t lsn)
{
    const unsigned char *r = (const unsigned char *)db->rec.data;
    uint32_t n = ioc_le32_get(r + 1);
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *p = r + 5 + (size_t)i * DB_POINT_BYTES;
        uint32_t id = ioc_le32_get(p);
        int rc = tsdb_head_add(db->head, id, (int64_t)ioc_le64_get(p + 4), ioc_le64_get(p + 12));
        if (rc)
            return rc; /* cannot happen: room was made before logging */
        struct dbseries *s = &db->st[id];
        if (!s->head_lsn) {
            s->head_lsn = lsn;
            s->head_since = ioc_mono_ns();
        }
        s->head_max_lsn = lsn;
        if (tsdb_head_count(db->head, id) == db->o.seal_points)
            db->due++;
    }
    return 0;
}

size_t tsdb_db_due(const struct tsdb_db *db, size_t *nseries)
{
    *nseries = tsdb_series_count(db->series);
    return db->due;
}

int tsdb_db_append(struct tsdb_db *db, const struct tsdb_point_in *pts, size_t n,
                   struct tsdb_write_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (db->broken)
        return IOC_EIO;
    size_t max = (TSDB_WAL_RECORD_MAX - 5) / DB_POINT_BYTES;
    if (n > max)
        return IOC_ETOOBIG;
    if (tsdb_head_total(db->head) + n >
        (db->o.head_max_points ? db->o.head_max_points : TSDB_HEAD_DEFAULT_MAX_POINTS)) {
        int rc = tsdb_db_maintain(db, 1); /* make room: seal everything */
        if (rc)
            return rc;
    }
    ioc_buf_reset(&db->rec);
    unsigned char h[5] = {DB_REC_POINTS, 0, 0, 0, 0};
    int rc = ioc_buf_append(&db->rec, h, sizeof h);
    for (size_t i = 0; i < n && rc == 0; i++) {
        uint32_t id;
        enum tsdb_type stored = pts[i].type;
        int why = series_of(db, &pts[i], &id, &stored);
        if (db->broken)
            return IOC_EIO;
        if (why) {
            refuse(rep, i, why, stored);
            continue;
        }
        unsigned char p[DB_POINT_BYTES];
        ioc_le32_put(p, id);
        ioc_le64_put(p + 4, (uint64_t)pts[i].t);
        ioc_le64_put(p + 12, pts[i].v);
        rc = ioc_buf_append(&db->rec, p, sizeof p);
        rep->accepted++;
    }
    if (rc)
        return rc;
    if (rep->accepted == 0)
        return 0;
    ioc_le32_put((unsigned char *)db->rec.data + 1, (uint32_t)rep->accepted);
    uint64_t lsn;
    if ((rc = tsdb_wal_append(db->wal, db->rec.data, db->rec.len, &lsn)) != 0) {
        db->broken = 1;
        return rc;
    }
    pthread_rwlock_wrlock(&db->lock);
    rc = add_logged(db, lsn);
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

int tsdb_db_sync(struct tsdb_db *db)
{
    if (db->broken)
        return IOC_EIO;
    int rc = tsdb_wal_sync(db->wal);
    if (rc)
        db->broken = 1;
    return rc;
}
