/*
 * stmtcache.c — prepared statements kept per connection, so that the statements a hot path runs
 * again and again (a citizen report's POST: the key lookup, the idempotency check, the insert,
 * the audit row…) are compiled by SQLite once per connection instead of once per call.
 *
 * store_prepare_cached(c, SQL, &s) finds SQL in c's cache by its pointer (a string literal: the
 * same text at the same address for the life of the process) and hands back the kept statement;
 * the first time, it prepares it with SQLITE_PREPARE_PERSISTENT and keeps it. Callers then use s
 * as any statement and end it with store_finalize (the rows.c helpers and store_step_done do):
 * a kept statement is reset and its bindings cleared there instead of being finalized.
 * store_conn_close finalizes the kept statements before closing the connection. SQLite
 * prepares a kept statement again by itself when the schema changed (a migration, a backup's
 * restore on another connection): prepare_v3 statements do that.
 *
 * Invariants
 *   1. A kept statement is handed to one caller at a time (busy); a caller that prepares the
 *      same SQL while it is out (a nested call) gets an ordinary statement, finalized as before.
 *   2. Out of memory keeping one (the cache array, STORE_STMT_CACHE_MAX entries already) is not
 *      an error: the call falls back to an ordinary statement. Failure to prepare is the same
 *      error as store_prepare's.
 *   3. A kept statement is reset before it is handed back, so no read transaction outlives the
 *      call that stepped it (invariant 3 of sqlite.c), and it holds no binding afterwards (text
 *      is bound without a copy, see store_bind_text).
 *   4. store_finalize finds a statement's connection through the registry of connections that
 *      keep statements (under one mutex: a connection is opened with SQLITE_OPEN_NOMUTEX and used
 *      by one thread at a time, but finalize only knows the statement). With no such connection
 *      it is sqlite3_finalize and one atomic load.
 */
#include "store/store_int.h"

#include <stdlib.h>

struct store_kept {
    const char *sql; /* the key: the caller's pointer */
    sqlite3_stmt *s;
    int busy;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_conn *registry; /* connections with a cache, linked by kept_next */
static atomic_int registered;

static void registry_add(struct store_conn *c)
{
    pthread_mutex_lock(&registry_lock);
    c->kept_next = registry;
    registry = c;
    atomic_fetch_add(&registered, 1);
    pthread_mutex_unlock(&registry_lock);
}

static void registry_remove(struct store_conn *c)
{
    pthread_mutex_lock(&registry_lock);
    for (struct store_conn **p = &registry; *p; p = &(*p)->kept_next)
        if (*p == c) {
            *p = c->kept_next;
            atomic_fetch_sub(&registered, 1);
            break;
        }
    pthread_mutex_unlock(&registry_lock);
}

static struct store_conn *registry_find(sqlite3 *db)
{
    struct store_conn *c;
    pthread_mutex_lock(&registry_lock);
    for (c = registry; c && c->db != db; c = c->kept_next)
        ;
    pthread_mutex_unlock(&registry_lock);
    return c;
}

/* A free slot of c's cache, allocating the cache the first time; NULL when full or out of
 * memory (invariant 2). */
static struct store_kept *kept_slot(struct store_conn *c)
{
    if (!c->kept) {
        c->kept = store_calloc(STORE_STMT_CACHE_MAX, sizeof *c->kept);
        if (!c->kept)
            return NULL;
        registry_add(c);
    }
    return c->nkept < STORE_STMT_CACHE_MAX ? &c->kept[c->nkept] : NULL;
}

int store_prepare_cached(struct store_conn *c, const char *sql, sqlite3_stmt **out)
{
    for (int i = 0; i < c->nkept; i++) {
        struct store_kept *k = &c->kept[i];
        if (k->sql != sql)
            continue;
        if (k->busy) /* invariant 1 */
            return store_prepare(c, sql, out);
        k->busy = 1;
        *out = k->s;
        return 0;
    }
    struct store_kept *k = kept_slot(c);
    if (!k)
        return store_prepare(c, sql, out);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        ioc_log(IOC_LOG_ERROR, "store: prepare failed: %s", sqlite3_errmsg(c->db));
        return store_rc(rc) ? store_rc(rc) : IOC_EIO;
    }
    if (!s) /* only a comment or white space: nothing to keep */
        return store_prepare(c, sql, out);
    *k = (struct store_kept){.sql = sql, .s = s, .busy = 1};
    c->nkept++;
    *out = s;
    return 0;
}

void store_finalize(sqlite3_stmt *s)
{
    if (!s)
        return;
    if (atomic_load_explicit(&registered, memory_order_relaxed) > 0) {
        struct store_conn *c = registry_find(sqlite3_db_handle(s));
        for (int i = 0; c && i < c->nkept; i++)
            if (c->kept[i].s == s) {
                sqlite3_reset(s); /* invariant 3 */
                sqlite3_clear_bindings(s);
                c->kept[i].busy = 0;
                return;
            }
    }
    sqlite3_finalize(s);
}

void store_stmt_cache_free(struct store_conn *c)
{
    if (!c->kept)
        return;
    registry_remove(c);
    for (int i = 0; i < c->nkept; i++)
        sqlite3_finalize(c->kept[i].s);
    free(c->kept);
    c->kept = NULL;
    c->nkept = 0;
}

int store_stmt_cache_size(const struct store_conn *c)
{
    return c->nkept;
}
