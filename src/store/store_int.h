/* store_int.h — what the files of src/store/ share. Nothing outside src/store/ includes this. */
#ifndef IOC_STORE_INT_H
#define IOC_STORE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "base/base.h"
#include "store/store.h"

struct store_job {
    store_job_fn job;
    store_done_fn done;
    void *arg;
    int rc;
    struct store_job *next;
};

struct store {
    char *dir;
    char *path;   /* DATA_DIR/ioc.db */
    int claim_fd; /* DATA_DIR/iocd.lock held by a serving iocd, else 0 */
    /* writer */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* jobs queued or stop asked */
    struct store_job *head, *tail;
    int queued, queue_max;
    int running, stopping;
    pthread_t thread;
    struct store_conn *wconn;
    atomic_llong commits, jobs;
};

struct store_conn {
    sqlite3 *db;
    struct store *st;
    int readonly;
    /* stmtcache.c: the statements kept prepared (NULL until the first), and the registry link */
    struct store_kept *kept;
    int nkept;
    struct store_conn *kept_next;
};

#define STORE_BUSY_MS 5000
/* A WAL larger than this is truncated to it when it is reset (PRAGMA journal_size_limit). */
#define STORE_WAL_LIMIT_BYTES 4194304
/* The writer thread checkpoints (TRUNCATE) after this long without a job. */
#define STORE_IDLE_CHECKPOINT_MS 2000
/* How long store_writer_stop waits for readers to let the last checkpoint truncate the WAL. */
#define STORE_STOP_CHECKPOINT_MS 1000
/* At most this many statements are kept prepared per connection (stmtcache.c). */
#define STORE_STMT_CACHE_MAX 48
#define STORE_STR_(x) #x
#define STORE_STR(x) STORE_STR_(x)

/* sqlite.c */
/* The IOC_E* code of a SQLite result code, extended or primary (0 for OK, ROW and DONE). The one
 * place where SQLite codes are translated. */
int store_rc(int sqlite_rc);
/* Prepares sql on c; logs and returns IOC_EIO on failure. */
int store_prepare(struct store_conn *c, const char *sql, sqlite3_stmt **out);
/* Runs SQL without results (no user data in it). */
int store_exec(struct store_conn *c, const char *sql);
/* Binds a text (NULL binds NULL) without copying it: v must stay unchanged until s is finalized,
 * which every store function does before it returns (invariant 3 of sqlite.c). Binding so
 * allocates nothing; a copying bind that ran out of memory would leave the parameter NULL and
 * the statement would run with it (a search that finds nothing, a row with a NULL) unnoticed. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* A malloc'd copy of column i ("" for SQL NULL); NULL only when memory ran out (SQLite's copy
 * of the text or ours). */
char *store_col_dup(sqlite3_stmt *s, int i);
/* Runs a query (no parameters) that returns one integer. */
int store_scalar(struct store_conn *c, const char *sql, int64_t *out);
/* Steps a statement that returns no rows (or whose rows are not read). Finalizes it. */
int store_step_done(sqlite3_stmt *s);
int store_open_conn(struct store *st, int readonly, struct store_conn **out);
/* Size of DATA_DIR/ioc.db-wal in bytes (0 when absent). */
int64_t store_wal_bytes(struct store *st);

/* stmtcache.c */
/* As store_prepare, but sql (a string literal: it is the key, by pointer) is prepared once per
 * connection and kept; end the statement with store_finalize (as every store function does),
 * which resets a kept one instead of finalizing it. */
int store_prepare_cached(struct store_conn *c, const char *sql, sqlite3_stmt **out);
/* Ends a statement of the store: resets and clears a kept one, finalizes any other. */
void store_finalize(sqlite3_stmt *s);
/* Finalizes c's kept statements (store_conn_close, before closing the connection). */
void store_stmt_cache_free(struct store_conn *c);
/* How many statements c keeps (for the tests). */
int store_stmt_cache_size(const struct store_conn *c);

/* rows.c — the loops every store file shares; a store/<x>.c holds only SQL and row mapping */

/* The IOC_E* code of step, a result of sqlite3_step(s): 0 for SQLITE_ROW and SQLITE_DONE, else
 * the translation of the connection's extended code (a constraint's kind decides IOC_EEXIST or
 * IOC_EINVAL); never 0 for an error. Call it before finalizing s. */
int store_step_rc(sqlite3_stmt *s, int step);
/* Maps the current row of s into item. On failure returns a negative IOC_E* code and leaves
 * item holding nothing to free. */
typedef int (*store_fill_fn)(sqlite3_stmt *s, void *item);
/* Frees what a successful fill put into item. */
typedef void (*store_clear_fn)(void *item);
/* Steps s to its end, mapping each row with fill into a growing malloc'd array of item_size
 * elements; finalizes s. On success *out (NULL when no row) and *n are written; on failure
 * every mapped row is cleared, the array freed, and the first error returned. */
int store_rows(sqlite3_stmt *s, size_t item_size, store_fill_fn fill, store_clear_fn clear,
               void **out, size_t *n);
/* Steps s once and maps the row with fill into out; IOC_ENOTFOUND when there is no row.
 * Finalizes s. */
int store_row(sqlite3_stmt *s, store_fill_fn fill, void *out);
/* Steps s once and reads column 0 as an integer into *out (0 for SQL NULL); IOC_ENOTFOUND when
 * there is no row. Finalizes s. */
int store_row_int64(sqlite3_stmt *s, int64_t *out);

/* Every allocation the store makes itself goes through these (so a test can make the Nth one
 * fail, see store_fault_set_alloc_hook); SQLite's own allocations do not. */
void *store_malloc(size_t n);
void *store_calloc(size_t n, size_t size);
void *store_realloc(void *p, size_t n);
char *store_strdup(const char *s);

/* migrations.c */
/* The core scripts (schema_migrations module "core"). */
extern const char *const store_migrations[];
extern const int store_migrations_count;

/*
 * One module's ordered migration scripts: script i brings its tables from version i to i + 1,
 * recorded as (module, i + 1) in schema_migrations. A module's file src/store/<module>.c
 * defines `const struct store_schema store_schema_<module> = STORE_SCHEMA("<module>",
 * scripts);` and migrations.c lists it once. Never edit a script that has shipped: add one.
 */
struct store_schema {
    const char *module;
    const char *const *scripts;
    int count;
};
#define STORE_SCHEMA(module, scripts)                                                              \
    {                                                                                              \
        module, scripts, (int)(sizeof scripts / sizeof scripts[0])                                 \
    }
/* The registration list: core first, then the modules, in the order they are applied. */
extern const struct store_schema *const store_schemas[];
extern const size_t store_schemas_count;

/* sqlite.c: makes schema_migrations record (module, version) (rebuilding the table of the first
 * releases) and applies, set by set in order, each script not yet recorded, each in its own
 * transaction. IOC_EINVAL when the database has a set at a version newer than this build's. */
int store_migrate(struct store_conn *c, const struct store_schema *const *sets, size_t n);

#endif
