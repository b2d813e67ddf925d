/*
 * backup.c — a consistent copy of an engine's directory (DATA_DIR/tsdb), taken while the engine
 * runs in another thread or process, or while it does not. The copy is a directory laid out as
 * the engine's (series, parts/D.part and parts/D.T.part, wal/), written under DEST.tmp and
 * renamed to DEST.
 *
 * The lock: DATA_DIR/tsdb/backup.lock. The backup holds LOCK_SH on it for its whole run; the
 * engine trims its log only while it holds LOCK_EX|LOCK_NB on it (db_seal.c; it skips the trim
 * and tries again at the next maintain when a backup holds it). So no segment of the log goes
 * away during a copy. The WAL's own flock (DATA_DIR/tsdb/wal) is never taken here.
 *
 * The copy, after the lock is held:
 *   1. the series image (loaded, so its CRC is checked, and saved into the copy);
 *   2. the log: every intact record of the segments there now, in LSN order, through
 *      tsdb_wal_replay (a torn tail of the last segment, or a record being written, ends it
 *      quietly), appended to a log in the copy that starts at the same LSN (F). A non-last
 *      segment is whole (the engine starts a new one only after the full one is written), so
 *      only the end of the copied log can be missing records, and those came after the start;
 *   3. each partition file, record by record with a read-only scan (tsdb_part_scan_file), keeping
 *      the whole valid records of series the copy defines (by the image or by a series record
 *      of the copied log); a chunk of a series defined later was sealed from points written
 *      after the copy began, and is left out.
 *
 * Why every point acknowledged before the backup began is in the copy: such a point's log
 * record was written before the lock was taken. If the record was trimmed before that, its
 * chunk had been synced and the image holding its series saved before the trim (db_seal.c's
 * order), so both are in the copy. If not, the record is in a segment that stays until the
 * lock is released, inside the part of it read by step 2.
 *
 * Why the copy opens whole: a chunk carries the greatest LSN of its points and the replay of
 * a start skips a series' logged points up to it. A round of sealing that made several chunks
 * (more than TSDB_CHUNK_MAX_POINTS points) gives the earlier ones LSN 0, and they may sit in
 * partition files copied before them while the last one is copied: the copy would then skip
 * points it does not hold. So the sizes of the partition files are noted right after the lock
 * is taken, before anything is copied, and a chunk with an LSN >= F that lies past its file's
 * noted size gets LSN 0 in the copy: its points that the copied log holds are replayed again (a
 * duplicate at one time is harmless: one value per time, see db_query.c), and a round sealed
 * after the lock has all its points at LSNs >= F (nothing older than F was in the head: the log
 * kept it). A chunk inside its noted size keeps its LSN: the earlier chunks of its round were
 * appended before it, so before the sizes were noted, and the files are listed again and each
 * copied to its end after that. A chunk with an LSN below F was trimmed from the log before the
 * lock, so its whole round was on disk before the copy began.
 * A copy with no log record gets an empty log starting past the greatest LSN of its chunks.
 *
 * Files the engine does not write here (backup.lock, anything unknown, such as derived data a
 * later engine adds) are not copied.
 */
#include "tsdb/db_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME "backup.lock"

int tsdb_backup_trylock(const char *dir, int *fd)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" LOCK_NAME, dir);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0)
        return 0; /* no lock file can be made here: no backup holds one either */
    if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    close(*fd);
    *fd = -1;
    return IOC_EBUSY;
}

void tsdb_backup_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* The state of one backup. */
struct bk {
    const char *src;
    char tmp[4200];
    struct tsdb_backup_report *rep;
    char *err;
    size_t err_size;
    struct tsdb_wal *wal;  /* the copy's log, opened at its first record */
    uint64_t first, next;  /* LSNs: the copy's first record, the one after its last */
    uint64_t defined;      /* series ids below this are defined in the copy */
    uint64_t max_lsn;      /* of the chunks copied */
    struct tsdb_part *out; /* the partition file being written */
    char out_path[4500];
    struct sized *sizes; /* the partition files and their sizes when the lock was taken */
    size_t nsizes;
    uint64_t whole; /* bytes of the file being copied that were there then */
};

/* A partition file name (db_part_name: at most 16 + DB_TAG_MAX bytes) and its size. */
struct sized {
    char name[17 + DB_TAG_MAX];
    uint64_t size;
};

static int fail(struct bk *b, int rc, const char *what, const char *path)
{
    if (b->err && b->err_size && !b->err[0])
        snprintf(b->err, b->err_size, "%s %s: %s", what, path, ioc_strerror(rc));
    return rc;
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 || fsync(fd) != 0 ? IOC_EIO : 0;
    if (fd >= 0)
        close(fd);
    return rc;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

/* ---- 1. the series image ---------------------------------------------------------------- */

static int copy_series(struct bk *b)
{
    char from[4200], to[4300];
    snprintf(from, sizeof from, "%s/series", b->src);
    snprintf(to, sizeof to, "%s/series", b->tmp);
    struct tsdb_series_index *ix = NULL;
    int rc = tsdb_series_load(from, UINT32_MAX, &ix);
    if (rc == IOC_ENOTFOUND) /* never saved yet: its series are all in the log; the copy gets an
                                empty image, so every backup has the same layout */
        rc = tsdb_series_index_create(0, &ix);
    if (rc)
        return fail(b, rc, "cannot read", from);
    b->defined = tsdb_series_count(ix);
    rc = tsdb_series_save(ix, to);
    tsdb_series_index_destroy(ix);
    struct stat st;
    if (rc == 0 && stat(to, &st) == 0)
        b->rep->bytes += (uint64_t)st.st_size;
    return rc ? fail(b, rc, "cannot write", to) : 0;
}

/* ---- 2. the log ------------------------------------------------------------------------- */

static int open_wal(struct bk *b, uint64_t first)
{
    struct tsdb_wal_options o = {0};
    o.sync = TSDB_SYNC_BATCH;
    o.first_lsn = first;
    o.err = b->err;
    o.err_size = b->err_size;
    return tsdb_wal_open(b->tmp, &o, &b->wal);
}

static int on_record(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct bk *b = ctx;
    int rc = 0;
    if (!b->wal) {
        if ((rc = open_wal(b, lsn)) != 0)
            return rc;
        b->first = b->next = lsn;
    }
    uint64_t got = 0;
    if ((rc = tsdb_wal_append(b->wal, rec, len, &got)) != 0)
        return fail(b, rc, "cannot write the log of", b->tmp);
    if (got != lsn || lsn != b->next)
        return fail(b, IOC_EINVAL, "log records out of order in", b->src);
    b->next = lsn + 1;
    const unsigned char *r = rec;
    if (len >= 6 && r[0] == DB_REC_SERIES && (uint64_t)ioc_le32_get(r + 1) + 1 > b->defined)
        b->defined = (uint64_t)ioc_le32_get(r + 1) + 1;
    b->rep->wal_records++;
    b->rep->bytes += TSDB_WAL_HEADER + len;
    return 0;
}

static int copy_wal(struct bk *b)
{
    int rc = tsdb_wal_replay(b->src, 0, on_record, b);
    if (rc)
        return fail(b, rc, "cannot copy the log of", b->src);
    if (b->wal && (rc = tsdb_wal_sync(b->wal)) != 0)
        return fail(b, rc, "cannot write the log of", b->tmp);
    tsdb_wal_close(b->wal);
    b->wal = NULL;
    return 0;
}

/* ---- 3. the partition files ------------------------------------------------------------- */

static int on_chunk(void *ctx, const struct tsdb_chunk_ref *ref, const void *chunk)
{
    struct bk *b = ctx;
    if (ref->series >= b->defined) {
        b->rep->chunks_left_out++;
        return 0;
    }
    struct tsdb_chunk_ref c = *ref;
    if (b->first && c.lsn >= b->first && ref->offset + 48 + ref->len > b->whole)
        c.lsn = 0; /* its points in the copied log are replayed again (see the top) */
    int rc = 0;
    if (!b->out && (rc = tsdb_part_open(b->out_path, &b->out, NULL, NULL)) != 0)
        return fail(b, rc, "cannot create", b->out_path);
    if ((rc = tsdb_part_append(b->out, &c, chunk)) != 0)
        return fail(b, rc, "cannot write", b->out_path);
    if (c.lsn > b->max_lsn)
        b->max_lsn = c.lsn;
    b->rep->chunks++;
    b->rep->bytes += 48 + (uint64_t)c.len;
    return 0;
}

/* 1 for the name of a partition file (as db.c names them: D.part, D.T.part). */
static int is_part(const char *name)
{
    uint32_t day;
    const char *tag;
    size_t taglen;
    return db_part_name(name, &day, &tag, &taglen);
}

/* Notes the size of every partition file (after the lock, before any is copied). */
static int note_sizes(struct bk *b)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/parts", b->src);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : fail(b, IOC_EIO, "cannot read", dir);
    size_t cap = 0;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        struct stat st;
        if (!is_part(e->d_name) || fstatat(dirfd(d), e->d_name, &st, 0) != 0)
            continue;
        if (b->nsizes == cap) {
            cap = cap ? cap * 2 : 64;
            struct sized *n = realloc(b->sizes, cap * sizeof *n);
            if (!n) {
                rc = IOC_ENOMEM;
                break;
            }
            b->sizes = n;
        }
        memcpy(b->sizes[b->nsizes].name, e->d_name, strlen(e->d_name) + 1); /* is_part: fits */
        b->sizes[b->nsizes++].size = (uint64_t)st.st_size;
    }
    closedir(d);
    return rc;
}

static int copy_part(struct bk *b, const char *name)
{
    b->whole = 0;
    for (size_t i = 0; i < b->nsizes; i++)
        if (strcmp(b->sizes[i].name, name) == 0)
            b->whole = b->sizes[i].size;
    char from[4500];
    snprintf(from, sizeof from, "%s/parts/%.216s", b->src, name); /* is_part: short */
    snprintf(b->out_path, sizeof b->out_path, "%s/parts/%.216s", b->tmp, name);
    b->out = NULL;
    int rc = tsdb_part_scan_file(from, on_chunk, b, NULL);
    if (rc && rc != IOC_ENOTFOUND)
        fail(b, rc, "cannot copy", from);
    if (rc == IOC_ENOTFOUND)
        rc = 0;
    if (rc == 0 && b->out && (rc = tsdb_part_sync(b->out)) != 0)
        fail(b, rc, "cannot write", b->out_path);
    tsdb_part_close(b->out);
    b->out = NULL;
    return rc;
}

static int copy_parts(struct bk *b)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/parts", b->tmp);
    if (mkdir(dir, 0700) != 0)
        return fail(b, IOC_EIO, "cannot create", dir);
    snprintf(dir, sizeof dir, "%s/parts", b->src);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : fail(b, IOC_EIO, "cannot read", dir);
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;)
        if (is_part(e->d_name))
            rc = copy_part(b, e->d_name);
    closedir(d);
    snprintf(dir, sizeof dir, "%s/parts", b->tmp);
    return rc ? rc : fsync_dir(dir);
}

/* ---- the whole ---------------------------------------------------------------------------- */

static int copy_all(struct bk *b)
{
    int rc = note_sizes(b);
    if (rc == 0)
        rc = copy_series(b);
    if (rc == 0)
        rc = copy_wal(b);
    if (rc == 0)
        rc = copy_parts(b);
    if (rc == 0 && !b->first) { /* no record: an empty log past every chunk */
        rc = open_wal(b, b->max_lsn + 1);
        tsdb_wal_close(b->wal);
        b->wal = NULL;
    }
    b->rep->series = b->defined;
    return rc;
}

/* Takes the backup lock of src (shared; waits for a trim in progress). *fd -1: none possible. */
static int lock_shared(struct bk *b, int *fd)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" LOCK_NAME, b->src);
    *fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0)
        return errno == EROFS ? 0 : fail(b, IOC_EIO, "cannot open", path);
    while (flock(*fd, LOCK_SH) != 0)
        if (errno != EINTR)
            return fail(b, IOC_EIO, "cannot lock", path);
    return 0;
}

int tsdb_backup(const char *src, const char *dest, struct tsdb_backup_report *rep, char *err,
                size_t err_size)
{
    struct tsdb_backup_report scratch = {0};
    struct bk b = {.src = src, .rep = rep ? rep : &scratch, .err = err, .err_size = err_size};
    memset(b.rep, 0, sizeof *b.rep);
    if (err && err_size)
        err[0] = 0;
    struct stat st;
    if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(&b, errno == ENOENT ? IOC_ENOTFOUND : IOC_EIO, "cannot read", src);
    if (lstat(dest, &st) == 0)
        return fail(&b, IOC_EEXIST, "will not replace", dest);
    int k = snprintf(b.tmp, sizeof b.tmp, "%s.tmp", dest);
    if (k <= 0 || (size_t)k >= sizeof b.tmp)
        return IOC_EINVAL;
    if (lstat(b.tmp, &st) == 0 && nftw(b.tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return fail(&b, IOC_EIO, "cannot remove the unfinished", b.tmp);
    if (mkdir(b.tmp, 0700) != 0)
        return fail(&b, IOC_EIO, "cannot create", b.tmp);
    int lockfd = -1;
    int rc = lock_shared(&b, &lockfd);
    if (rc == 0)
        rc = copy_all(&b);
    tsdb_backup_unlock(lockfd);
    tsdb_wal_close(b.wal);
    free(b.sizes);
    if (rc == 0)
        rc = fsync_dir(b.tmp);
    if (rc == 0 && rename(b.tmp, dest) != 0)
        rc = fail(&b, IOC_EIO, "cannot rename to", dest);
    if (rc == 0) { /* the directory holding dest */
        char parent[4200];
        snprintf(parent, sizeof parent, "%s", dest);
        char *slash = strrchr(parent, '/');
        if (slash == parent)
            slash[1] = 0;
        else if (slash)
            *slash = 0;
        else
            snprintf(parent, sizeof parent, ".");
        rc = fsync_dir(parent);
    }
    if (rc) {
        fail(&b, rc, "backup", dest);
        nftw(b.tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    return rc;
}

/* ---- restore ---------------------------------------------------------------------------- */

/* Removes path (a directory tree) if it exists. */
static int remove_tree(struct bk *b, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0
               ? 0
               : fail(b, IOC_EIO, "cannot remove", path);
}

/* IOC_EBUSY when an engine has data_dir's log open (it holds the log's flock). */
static int engine_stopped(struct bk *b, const char *live)
{
    char wal[4300];
    snprintf(wal, sizeof wal, "%s/wal", live);
    int fd = open(wal, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int rc = flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : IOC_EBUSY;
    close(fd); /* releases it */
    return rc ? fail(b, rc, "the log is open (is iocd running?):", wal) : 0;
}

int tsdb_restore(const char *backup, const char *data_dir, struct tsdb_backup_report *rep,
                 char *err, size_t err_size)
{
    struct tsdb_backup_report scratch = {0};
    struct bk b = {.src = backup, .rep = rep ? rep : &scratch, .err = err, .err_size = err_size};
    if (err && err_size)
        err[0] = 0;
    char stage[4200], copy[4300], live[4200], keep[4300];
    snprintf(stage, sizeof stage, "%s/tsdb.restore", data_dir);
    snprintf(copy, sizeof copy, "%s/tsdb", stage);
    snprintf(live, sizeof live, "%s/tsdb", data_dir);
    snprintf(keep, sizeof keep, "%s.before-restore", live);
    int rc = remove_tree(&b, stage);
    if (rc == 0 && mkdir(stage, 0700) != 0)
        rc = fail(&b, IOC_EIO, "cannot create", stage);
    if (rc == 0)
        rc = tsdb_backup(backup, copy, b.rep, err, err_size);
    struct tsdb_db *db = NULL;
    if (rc == 0 && (rc = tsdb_db_open(stage, NULL, &db, err, err_size)) == 0)
        tsdb_db_close(db); /* the copy opens: it may replace the live one */
    if (rc == 0)
        rc = engine_stopped(&b, live);
    struct stat st;
    if (rc == 0 && lstat(live, &st) == 0 && (rc = remove_tree(&b, keep)) == 0 &&
        rename(live, keep) != 0)
        rc = fail(&b, IOC_EIO, "cannot rename", live);
    if (rc == 0 && rename(copy, live) != 0)
        rc = fail(&b, IOC_EIO, "cannot rename to", live);
    if (rc == 0 && (rmdir(stage) != 0 || fsync_dir(data_dir) != 0))
        rc = fail(&b, IOC_EIO, "cannot finish", data_dir);
    if (rc && rc != IOC_EBUSY)
        fail(&b, rc, "restore into", live);
    if (rc)
        remove_tree(&b, stage);
    return rc;
}
