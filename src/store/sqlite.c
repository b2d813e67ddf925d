/*
 * sqlite.c — opening ioc.db, connections, migrations, metadata, transactions, integrity,
 * checkpoints, backup and restore: the SQLite-specific ground the other store files stand on.
 *
 * Every connection: WAL journal, synchronous=FULL (a commit is on disk before it returns),
 * foreign keys on, a busy timeout of STORE_BUSY_MS; read-write connections also set
 * journal_size_limit (STORE_WAL_LIMIT_BYTES), so a WAL that grew while a reader held an old
 * snapshot is cut back to that size the next time it is reset. SQLite result codes become
 * IOC_E* here (store_rc, and store_step_rc in rows.c that feeds it the extended code) and
 * nowhere else.
 *
 * Invariants
 *   1. Every file the store creates (ioc.db and so its -wal, -shm and -journal files, which
 *      SQLite creates with the database's mode; backups and their .tmp) is mode 0600, set with
 *      an explicit open mode and fchmod, whatever the process umask.
 *   2. A backup is one sqlite3_backup_step(-1): the whole copy is read in one read transaction,
 *      so it is a consistent snapshot and commits by other connections cannot restart it; it
 *      finishes in the time of one sequential copy however many writers run.
 *   3. A read transaction of the store lasts one statement (every function prepares, steps and
 *      finalizes); no function leaves a statement open or a BEGIN pending on a read connection.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int store_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return 0;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return IOC_EEXIST;
        return IOC_EINVAL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return IOC_EBUSY;
    case SQLITE_NOMEM:
        return IOC_ENOMEM;
    case SQLITE_TOOBIG:
        return IOC_ETOOBIG;
    case SQLITE_NOTFOUND:
        return IOC_ENOTFOUND;
    case SQLITE_READONLY:
        return IOC_EPERM;
    default:
        return IOC_EIO;
    }
}

int store_prepare(struct store_conn *c, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v2(c->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) {
        ioc_log(IOC_LOG_ERROR, "store: prepare failed: %s", sqlite3_errmsg(c->db));
        return store_rc(rc) ? store_rc(rc) : IOC_EIO;
    }
    return 0;
}

int store_exec(struct store_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
        ioc_log(IOC_LOG_ERROR, "store: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return store_rc(rc);
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    /* SQLITE_STATIC: no copy, so no allocation that could fail unseen (see store_int.h) */
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

char *store_col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    /* sqlite3_column_text returns NULL for SQL NULL and when its conversion ran out of memory */
    if (!t && sqlite3_column_type(s, i) != SQLITE_NULL)
        return NULL;
    return store_strdup(t ? (const char *)t : "");
}

int store_step_done(sqlite3_stmt *s)
{
    int rc = store_step_rc(s, sqlite3_step(s));
    store_finalize(s);
    return rc;
}

int store_open_conn(struct store *st, int readonly, struct store_conn **out)
{
    struct store_conn *c = store_calloc(1, sizeof *c);
    if (!c)
        return IOC_ENOMEM;
    c->st = st;
    c->readonly = readonly;
    int flags = SQLITE_OPEN_NOMUTEX |
                (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(st->path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        ioc_log(IOC_LOG_ERROR, "store: cannot open %s: %s", st->path,
                c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        rc = store_rc(rc) == IOC_ENOMEM ? IOC_ENOMEM : IOC_EIO;
        goto out;
    }
    sqlite3_busy_timeout(c->db, STORE_BUSY_MS);
    sqlite3_extended_result_codes(c->db, 1);
    rc =
        store_exec(c, readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                               : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                 "PRAGMA foreign_keys=ON; "
                                 "PRAGMA journal_size_limit=" STORE_STR(STORE_WAL_LIMIT_BYTES) ";");
out:
    if (rc) {
        sqlite3_close(c->db);
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int store_conn_open(struct store *st, int readonly, struct store_conn **out)
{
    return store_open_conn(st, readonly, out);
}

void store_conn_close(struct store_conn *c)
{
    if (!c)
        return;
    store_stmt_cache_free(c);
    sqlite3_close_v2(c->db);
    free(c);
}

int store_schema_version_latest(void)
{
    return store_migrations_count;
}

int store_scalar(struct store_conn *c, const char *sql, int64_t *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, sql, &s);
    if (rc)
        return rc;
    rc = store_row_int64(s, out);
    return rc == IOC_ENOTFOUND ? IOC_EIO : rc;
}

/* 1 when schema_migrations records (module, version); 0 for the table of the first releases,
 * which recorded the core scripts' versions only. */
static const char has_module_sql[] =
    "SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name = 'module'";

int store_schema_version(struct store_conn *c, int *out)
{
    int64_t has = 0, v = 0;
    int rc = store_scalar(c, has_module_sql, &has);
    if (rc == 0)
        rc = store_scalar(c,
                          has ? "SELECT coalesce(max(version), 0) FROM schema_migrations"
                                " WHERE module = 'core'"
                              : "SELECT coalesce(max(version), 0) FROM schema_migrations",
                          &v);
    if (rc == 0)
        *out = (int)v;
    return rc;
}

#define MIGRATIONS_TABLE                                                                           \
    "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL DEFAULT 'core',"           \
    " version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));"

/* Creates schema_migrations, or rebuilds a table of the first releases' shape (version,
 * applied_at) as (module, version, applied_at) with module 'core', in one transaction. */
static int migrations_table(struct store_conn *c)
{
    int64_t has = 1;
    int rc = store_exec(c, "BEGIN IMMEDIATE");
    if (rc == 0)
        rc = store_exec(c, MIGRATIONS_TABLE);
    if (rc == 0)
        rc = store_scalar(c, has_module_sql, &has);
    if (rc == 0 && !has)
        rc = store_exec(c, "ALTER TABLE schema_migrations RENAME TO schema_migrations_old;" //
                        MIGRATIONS_TABLE
                           "INSERT INTO schema_migrations (module, version, applied_at)"
                           " SELECT 'core', version, applied_at FROM schema_migrations_old;"
                           "DROP TABLE schema_migrations_old;");
    if (rc == 0)
        rc = store_exec(c, "COMMIT");
    if (rc) {
        store_exec(c, "ROLLBACK");
        return rc;
    }
    if (!has)
        ioc_log(IOC_LOG_INFO, "store: schema_migrations now records (module, version)");
    return 0;
}

static _Atomic int migration_limit = -1;
static void (*_Atomic migration_at_set)(int first, int last);

void store_fault_set_migrations(int limit, void (*at_set)(int first, int last))
{
    atomic_store(&migration_limit, limit);
    atomic_store(&migration_at_set, at_set);
}

/* Applies the scripts of set s not yet recorded, each in its own transaction; offset: the
 * scripts of the sets before it (for store_fault_set_migrations). */
static int migrate_set(struct store_conn *c, const struct store_schema *set, int offset)
{
    void (*at_set)(int, int) = atomic_load(&migration_at_set);
    int limit = atomic_load(&migration_limit);
    if (at_set)
        at_set(offset + 1, offset + set->count);
    int64_t have = 0;
    sqlite3_stmt *q = NULL;
    int rc = store_prepare(
        c, "SELECT coalesce(max(version), 0) FROM schema_migrations WHERE module = ?", &q);
    if (rc)
        return rc;
    store_bind_text(q, 1, set->module);
    rc = sqlite3_step(q) == SQLITE_ROW ? 0 : IOC_EIO;
    if (rc == 0)
        have = sqlite3_column_int64(q, 0);
    store_finalize(q);
    if (rc == 0 && have > set->count) {
        ioc_log(IOC_LOG_ERROR, "store: the database has %s schema %lld, newer than this build (%d)",
                set->module, (long long)have, set->count);
        rc = IOC_EINVAL;
    }
    for (int v = (int)have; rc == 0 && v < set->count && (limit < 0 || offset + v < limit); v++) {
        rc = store_exec(c, "BEGIN IMMEDIATE");
        if (rc == 0)
            rc = store_exec(c, set->scripts[v]);
        sqlite3_stmt *s = NULL;
        if (rc == 0)
            rc = store_prepare(
                c, "INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)",
                &s);
        if (rc == 0) {
            char now[32];
            ioc_time_rfc3339(ioc_now_ms(), now);
            store_bind_text(s, 1, set->module);
            sqlite3_bind_int(s, 2, v + 1);
            store_bind_text(s, 3, now);
            rc = store_step_done(s);
        }
        if (rc == 0)
            rc = store_exec(c, "COMMIT");
        if (rc) {
            store_exec(c, "ROLLBACK");
            ioc_log(IOC_LOG_ERROR, "store: migration %s %d failed", set->module, v + 1);
        } else {
            ioc_log(IOC_LOG_INFO, "store: applied migration %s %d", set->module, v + 1);
        }
    }
    return rc;
}

int store_migrate(struct store_conn *c, const struct store_schema *const *sets, size_t n)
{
    int rc = migrations_table(c);
    int offset = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = migrate_set(c, sets[i], offset);
        offset += sets[i]->count;
    }
    return rc;
}

/* Makes path (created empty if create and missing; SQLite accepts an empty file as a new
 * database) and its existing -wal, -shm and -journal files mode 0600; files from an older
 * install that were 0644 are tightened. SQLite creates those side files with the mode of the
 * database file, so new ones follow it. */
static int private_files(const char *path, int create)
{
    static const char *const side[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(side); i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, side[i]);
        int fd =
            open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (i == 0 && create ? O_CREAT : 0), 0600);
        if (fd < 0) {
            if (errno == ENOENT && (i > 0 || !create))
                continue;
            ioc_log(IOC_LOG_ERROR, "store: cannot open %s: %s", p, strerror(errno));
            return IOC_EIO;
        }
        struct stat sb;
        /* an existing file of another owner keeps its mode (a warning, not a failure) */
        if (fstat(fd, &sb) == 0 && (sb.st_mode & 0777) != 0600 && fchmod(fd, 0600) != 0)
            ioc_log(IOC_LOG_WARN, "store: cannot make %s private: %s", p, strerror(errno));
        close(fd);
    }
    return 0;
}

int store_open(const char *data_dir, struct store **out)
{
    struct store *st = store_calloc(1, sizeof *st);
    if (!st)
        return IOC_ENOMEM;
    /* the lock and condition first: store_close, on every failure below, uses them */
    pthread_mutex_init(&st->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->wake, &ca);
    pthread_condattr_destroy(&ca);
    struct store_conn *c = NULL;
    int rc = IOC_ENOMEM;
    st->dir = store_strdup(data_dir);
    size_t n = strlen(data_dir) + 16;
    st->path = store_malloc(n);
    if (!st->dir || !st->path)
        goto out;
    snprintf(st->path, n, "%s/ioc.db", data_dir);
    rc = private_files(st->path, 1);
    if (rc == 0)
        rc = store_open_conn(st, 0, &c);
    if (rc == 0)
        rc = store_migrate(c, store_schemas, store_schemas_count);
out:
    store_conn_close(c);
    if (rc) {
        store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    store_writer_stop(st);
    if (st->claim_fd > 0)
        close(st->claim_fd);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->wake);
    free(st->dir);
    free(st->path);
    free(st);
}

int store_integrity_check(struct store_conn *c, int *ok, char **msg)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "PRAGMA integrity_check", &s);
    if (rc)
        return rc;
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        /* an unreadable line is a failure to check, not a damaged database */
        if (!line || (b.len && ioc_buf_putc(&b, '\n') != 0) || ioc_buf_puts(&b, line) != 0)
            rc = IOC_ENOMEM;
    }
    if (rc == 0)
        rc = store_step_rc(s, step);
    store_finalize(s);
    if (rc)
        goto out;
    char *text = ioc_buf_steal(&b);
    if (!text) {
        rc = IOC_ENOMEM;
        goto out;
    }
    *ok = strcmp(text, "ok") == 0;
    if (msg)
        *msg = text;
    else
        free(text);
out:
    ioc_buf_free(&b);
    return rc;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int64_t store_wal_bytes(struct store *st)
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", st->path);
    return file_size(wal);
}

void store_stats_get(struct store *st, struct store_stats *out)
{
    out->db_bytes = file_size(st->path);
    out->wal_bytes = store_wal_bytes(st);
    pthread_mutex_lock(&st->lock);
    out->writer_queue_len = st->queued;
    pthread_mutex_unlock(&st->lock);
    out->writer_commits = atomic_load(&st->commits);
    out->writer_jobs = atomic_load(&st->jobs);
}

int store_wal_checkpoint(struct store_conn *w, int wait_ms)
{
    int nlog = 0, ndone = 0;
    sqlite3_busy_timeout(w->db, wait_ms > 0 ? wait_ms : 0);
    int rc = sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &nlog, &ndone);
    sqlite3_busy_timeout(w->db, STORE_BUSY_MS);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
        ioc_log(IOC_LOG_WARN, "store: checkpoint failed: %s", sqlite3_errmsg(w->db));
    return store_rc(rc);
}

int store_tx(struct store_conn *c, store_job_fn job, void *arg)
{
    int rc = store_exec(c, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    rc = job(c, arg);
    if (rc == 0)
        rc = store_exec(c, "COMMIT");
    if (rc)
        store_exec(c, "ROLLBACK");
    return rc;
}

/* ---- metadata --------------------------------------------------------------------------- */

static int text_fill(sqlite3_stmt *s, void *out)
{
    char *t = store_col_dup(s, 0);
    *(char **)out = t;
    return t ? 0 : IOC_ENOMEM;
}

int store_meta_get(struct store_conn *c, const char *key, char **out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT value FROM meta WHERE key = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, key);
    char *value = NULL;
    rc = store_row(s, text_fill, &value);
    if (rc == 0)
        *out = value;
    return rc;
}

int store_meta_set(struct store_conn *w, const char *key, const char *value)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, value);
    return store_step_done(s);
}

/* ---- backup and restore ----------------------------------------------------------------- */

static int fsync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return IOC_EIO;
    int rc = fsync(fd) == 0 ? 0 : IOC_EIO;
    close(fd);
    return rc;
}

static int dir_of(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return snprintf(out, n, "."), 0;
    snprintf(out, n, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
    return 0;
}

/* Copies every page of src into the open, empty database out in one step, so in one read
 * transaction of src (invariant 2). Retries a few times while src cannot start reading (a WAL
 * recovery or restart in progress). */
static int copy_pages(sqlite3 *src, sqlite3 *out)
{
    int rc = SQLITE_BUSY;
    for (int tries = 0; (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 50; tries++) {
        if (tries)
            sqlite3_sleep(20);
        sqlite3_backup *b = sqlite3_backup_init(out, "main", src, "main");
        if (!b)
            return sqlite3_errcode(out);
        rc = sqlite3_backup_step(b, -1);
        int frc = sqlite3_backup_finish(b);
        if (rc == SQLITE_DONE)
            rc = frc;
    }
    if (rc != SQLITE_OK)
        ioc_log(IOC_LOG_ERROR, "store: backup copy failed: %s", sqlite3_errstr(rc));
    return rc;
}

/* Copies the database of src (a connection) into the file dest, crash-safely: dest.tmp (mode
 * 0600, created here), fsync, rename, fsync of the directory. */
static int copy_db(sqlite3 *src, const char *dest)
{
    char tmp[4096], side[4200], dir[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", dest);
    snprintf(side, sizeof side, "%s-journal", tmp);
    unlink(tmp);
    unlink(side);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        ioc_log(IOC_LOG_ERROR, "store: cannot create %s: %s", tmp, strerror(errno));
        return IOC_EIO;
    }
    int r = fchmod(fd, 0600) == 0 ? 0 : IOC_EIO;
    close(fd);
    sqlite3 *out = NULL;
    int rc = r ? SQLITE_IOERR
               : sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    /* the copy is fsynced once at the end; nothing else ever sees dest.tmp */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(out, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = copy_pages(src, out);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close(out);
    r = rc == SQLITE_OK ? 0 : IOC_EIO;
    if (r == 0)
        r = fsync_path(tmp, 0);
    if (r == 0 && rename(tmp, dest) != 0)
        r = IOC_EIO;
    dir_of(dest, dir, sizeof dir);
    if (r == 0)
        r = fsync_path(dir, 1);
    if (r)
        unlink(tmp);
    unlink(side);
    return r;
}

int store_backup(struct store_conn *c, const char *dest)
{
    return copy_db(c->db, dest);
}

int store_claim(struct store *st)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/iocd.lock", st->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return IOC_EIO;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return IOC_EBUSY;
    }
    st->claim_fd = fd;
    return 0;
}

int store_restore(const char *data_dir, const char *src)
{
    sqlite3 *in = NULL;
    int rc = IOC_EINVAL, lockfd = -1;
    if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto out;
    struct store_conn sc = {in, NULL, 1};
    int ok = 0, version = 0;
    if (store_integrity_check(&sc, &ok, NULL) != 0 || !ok)
        goto out;
    if (store_schema_version(&sc, &version) != 0 || version < 1 || version > store_migrations_count)
        goto out;
    /* No iocd may be serving the directory (it holds the claim, see store_claim). */
    char live[4096], keep[4096], lockpath[4096];
    snprintf(live, sizeof live, "%s/ioc.db", data_dir);
    snprintf(keep, sizeof keep, "%s/ioc.db.before-restore", data_dir);
    snprintf(lockpath, sizeof lockpath, "%s/iocd.lock", data_dir);
    lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        rc = lockfd < 0 ? IOC_EIO : IOC_EBUSY;
        goto out;
    }
    if (access(live, F_OK) == 0 && (rename(live, keep) != 0 || chmod(keep, 0600) != 0)) {
        rc = IOC_EIO;
        goto out;
    }
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", live);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", live);
    unlink(side);
    rc = copy_db(in, live);
out:
    if (lockfd >= 0)
        close(lockfd);
    sqlite3_close(in);
    return rc;
}
