/*
 * store — the relational store of ioc. Every SQL string of the project lives under src/store/;
 * the modules above see only these functions and plain C structs, so a PostgreSQL backend can
 * implement the same header later without touching them.
 *
 * Threads and connections
 *   A struct store is one database (DATA_DIR/ioc.db, SQLite in WAL mode). Each thread that reads
 *   opens its own struct store_conn (store_conn_open) and uses only that one. Writes made by the
 *   server go through the single writer thread (store_writer_*): jobs queued by any thread run
 *   there, many per transaction (group commit), and each job's done callback runs on the writer
 *   thread after the commit that holds it is durable. iocctl, which has no writer thread, runs
 *   its writes with store_tx on its own connection; SQLite's locking makes that safe while iocd
 *   runs on the same directory.
 *
 * Durability
 *   journal_mode=WAL with synchronous=FULL: a done callback with rc 0 means the write survives
 *   kill -9 and a power cut.
 *
 * The WAL
 *   A read transaction lasts one statement (functions that walk many rows with a callback say
 *   how they read); a reader holding an old snapshot is what makes a WAL grow. journal_size_limit
 *   cuts a reset WAL back to 4 MB, and the writer thread checkpoints it to zero bytes when idle
 *   and at stop (store_wal_checkpoint). Files the store creates are mode 0600.
 *
 * Memory
 *   Functions that return structs or arrays allocate them; free them with the matching
 *   store_*_free function. Strings inside are owned by the struct. Out-parameters are written
 *   only on success.
 *
 * Errors
 *   0 or a negative IOC_E* code (base.h): IOC_ENOTFOUND, IOC_EEXIST (unique key), IOC_EINVAL
 *   (e.g. a parent that does not exist), IOC_EBUSY, IOC_EIO.
 */
#ifndef IOC_STORE_H
#define IOC_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;

/* ---- opening, migrations, backups ------------------------------------------------------- */

/*
 * Opens (creating if needed) DATA_DIR/ioc.db, sets WAL and synchronous=FULL, and applies every
 * migration not yet applied, each in its own transaction, recorded in schema_migrations. The
 * directory must exist.
 */
int store_open(const char *data_dir, struct store **out);
/* Stops the writer if running (draining its queue, then checkpointing, see store_writer_stop)
 * and closes. NULL is fine. */
void store_close(struct store *st);
/* Highest migration this build knows. */
int store_schema_version_latest(void);

/* A connection for the calling thread. readonly connections refuse writes. */
int store_conn_open(struct store *st, int readonly, struct store_conn **out);
void store_conn_close(struct store_conn *c);

/* Applied schema version. */
int store_schema_version(struct store_conn *c, int *out);
/* PRAGMA integrity_check; *ok is 1 when it says "ok". *msg (malloc'd, may be NULL) the text. */
int store_integrity_check(struct store_conn *c, int *ok, char **msg);
/* Page counts and sizes for /metrics. */
struct store_stats {
    int64_t db_bytes;
    int64_t wal_bytes;
    int64_t writer_queue_len;
    int64_t writer_commits;
    int64_t writer_jobs;
};
void store_stats_get(struct store *st, struct store_stats *out);

/* Marks the directory as served by this process (an flock on DATA_DIR/iocd.lock, released at
 * store_close or exit). IOC_EBUSY if another process serves it. store_restore refuses a claimed
 * directory. */
int store_claim(struct store *st);

/* Online, consistent copy of the live database to dest: every page is copied in one read
 * transaction (one sqlite3_backup_step(-1)), so it is the database as of the moment the copy
 * began, and writes by other connections neither restart nor block it; its duration is that
 * of one sequential copy. dest is written as dest.tmp (mode 0600), fsynced, renamed, and its
 * directory fsynced. Works while iocd writes. */
int store_backup(struct store_conn *c, const char *dest);
/* Copies the WAL into ioc.db and truncates it to zero bytes (checkpoint TRUNCATE). Waits at
 * most wait_ms (0: not at all) for another writer and for readers still on an older snapshot;
 * if they remain, copies what it can and returns IOC_EBUSY (the WAL keeps its size; try again
 * later). Not inside a transaction of w. The writer thread calls it when idle and at stop. */
int store_wal_checkpoint(struct store_conn *w, int wait_ms);
/* Replaces DATA_DIR/ioc.db by src after checking src is an ioc database that passes
 * integrity_check and whose schema is not newer than this build. iocd must not be running
 * (IOC_EBUSY if the database is locked by another process). The old file is kept as
 * ioc.db.before-restore. */
int store_restore(const char *data_dir, const char *src);

/* ---- transactions and the writer thread ------------------------------------------------- */

/* A unit of writing. Runs inside a transaction (under a savepoint); returning < 0 undoes
 * exactly this job's changes and is reported to its done callback. */
typedef int (*store_job_fn)(struct store_conn *w, void *arg);
/* Called on the writer thread once the transaction holding the job is committed and durable
 * (rc is the job's result), or failed (rc = IOC_EIO). Must not block. */
typedef void (*store_done_fn)(void *arg, int rc);

/* Runs job in BEGIN IMMEDIATE … COMMIT on c (retrying while busy up to the busy timeout). */
int store_tx(struct store_conn *c, store_job_fn job, void *arg);

/* Starts the writer thread with a queue of at most queue_max jobs. */
int store_writer_start(struct store *st, int queue_max);
/* Queues a job. IOC_EBUSY when the queue is full, IOC_ESHUTDOWN when the writer is stopping.
 * On error done is never called. */
int store_writer_submit(struct store *st, store_job_fn job, store_done_fn done, void *arg);
/* Runs a job through the writer and waits for its commit (for start-up work such as seeding).
 * Returns the job's rc. Must not be called from the writer thread. */
int store_writer_run(struct store *st, store_job_fn job, void *arg);
/* Drains the queue (every queued job runs and is answered), then joins the thread. */
void store_writer_stop(struct store *st);

/* ---- key/value metadata ----------------------------------------------------------------- */

/* *out malloc'd. IOC_ENOTFOUND if unset. */
int store_meta_get(struct store_conn *c, const char *key, char **out);
int store_meta_set(struct store_conn *w, const char *key, const char *value);

/* ---- administrative units --------------------------------------------------------------- */

/* Dates are "YYYY-MM-DD"; valid_to is the last day in force, "" for open-ended. */
struct store_unit {
    int64_t id;
    char *code;  /* GSO code; the same code may name different units at different times */
    char *level; /* "province" | "district" | "commune" */
    char *type;  /* "Tỉnh", "Thành phố", "Phường", "Xã", "Thị trấn", "Huyện", … */
    char *name;  /* NFC, e.g. "Biên Hoà" */
    char *full_name;   /* "Phường Biên Hoà" */
    char *name_en;     /* "Bien Hoa"; may be "" */
    char *parent_code; /* "" for a province */
    char *valid_from;
    char *valid_to;
    double area_km2; /* 0 when unknown */
    int has_geometry;
    double bbox[4]; /* min lon, min lat, max lon, max lat; zeros without geometry */
};
void store_unit_clear(struct store_unit *u);
void store_units_free(struct store_unit *a, size_t n);

/* Inserts a unit, or replaces the one with the same (code, valid_from). The folded search name
 * is computed here from name and full_name. geometry_json (GeoJSON geometry object text, may
 * be NULL) and bbox are stored as given. *id may be NULL. */
int store_unit_put(struct store_conn *w, const struct store_unit *u, const char *geometry_json,
                   int64_t *id);

struct store_unit_query {
    const char *level;       /* NULL: any */
    const char *at;          /* required: units in force on that day */
    const char *q_folded;    /* NULL, or an ioc_text_fold()ed needle matched as a substring of the
                                folded name or full name, or as a prefix of the code */
    const char *parent_code; /* NULL: any */
    int limit;               /* <= 0: no limit */
    int offset;
};
/* Units matching q, ordered: exact folded-name matches first, then by level, then name. */
int store_units_find(struct store_conn *c, const struct store_unit_query *q,
                     struct store_unit **out, size_t *n);
/* The version of code in force at `at`; with at NULL, the newest version. */
int store_unit_get(struct store_conn *c, const char *code, const char *at, struct store_unit *out);
int store_unit_get_by_id(struct store_conn *c, int64_t id, struct store_unit *out);
/* Every version of code, oldest first. */
int store_unit_versions(struct store_conn *c, const char *code, struct store_unit **out, size_t *n);

/* Calls cb for each unit with geometry matching level (NULL any) and in force at `at` (NULL:
 * every version), ordered by code. A non-zero return from cb stops and is returned. The rows
 * are read in batches (64 rows or 16 MB of geometry), each in its own short read transaction,
 * and cb runs between them with no transaction open: a slow cb (an index build, a large render)
 * never pins the WAL. So a walk that overlaps a unit import may see some units as before it and
 * some as after it (callers that cache the result key it by units_generation). */
typedef int (*store_unit_geom_cb)(void *ctx, const struct store_unit *u, const char *geometry_json,
                                  size_t len);
int store_units_each_geometry(struct store_conn *c, const char *level, const char *at,
                              store_unit_geom_cb cb, void *ctx);

/* Succession: old unit → new unit, whole (partial = 0) or part of it (partial = 1). */
int store_succession_put(struct store_conn *w, int64_t old_id, int64_t new_id, int partial,
                         const char *note);
struct store_succession {
    struct store_unit unit; /* the other side of the link */
    int partial;
    char *note;
};
void store_successions_free(struct store_succession *a, size_t n);
/* Units that unit_id was formed from. */
int store_unit_predecessors(struct store_conn *c, int64_t unit_id, struct store_succession **out,
                            size_t *n);
/* Units that unit_id went into. */
int store_unit_successors(struct store_conn *c, int64_t unit_id, struct store_succession **out,
                          size_t *n);
/* Number of units stored (all versions). */
int store_units_count(struct store_conn *c, int64_t *n);
/* The units generation: a counter bumped by every change of units, which caches of unit
 * answers key on. 0 when never set; IOC_EINVAL when the stored value is not a generation (it is
 * never read as 0, which could revive stale caches). */
int store_units_generation(struct store_conn *c, int64_t *out);
/* Adds one to the units generation, in the caller's transaction; the new value into *out (may
 * be NULL). IOC_EINVAL as above. */
int store_units_generation_bump(struct store_conn *w, int64_t *out);

/* ---- agencies --------------------------------------------------------------------------- */

struct store_agency {
    int64_t id;
    char *code;
    char *name;
    int64_t parent_id; /* 0 for a root */
    char *parent_code; /* "" for a root */
    char *unit_code;   /* "" when not bound to a unit */
    char *created_at;  /* RFC 3339 */
    int disabled;      /* kept for history; its staff and keys are refused (src/auth) */
};
void store_agency_clear(struct store_agency *a);
void store_agencies_free(struct store_agency *a, size_t n);
/* IOC_EEXIST if code is taken; IOC_EINVAL if parent_code is given and unknown. */
int store_agency_add(struct store_conn *w, const char *code, const char *name,
                     const char *parent_code, const char *unit_code, int64_t *id);
int store_agency_get(struct store_conn *c, const char *code, struct store_agency *out);
/* Ordered by code. */
int store_agencies_list(struct store_conn *c, struct store_agency **out, size_t *n);
/* Writes name, parent (by parent_code; NULL or "" for a root), unit_code and disabled of the
 * agency with a->id; code and created_at are not changed. IOC_ENOTFOUND if no such agency,
 * IOC_EINVAL if parent_code is unknown. No check of cycles: see store_agency_within. */
int store_agency_set(struct store_conn *w, const struct store_agency *a);
/* *yes = 1 if ancestor is code itself or one of its ancestors (parent, parent's parent, …),
 * else 0 (also when code is unknown). */
int store_agency_within(struct store_conn *c, const char *code, const char *ancestor, int *yes);

/* ---- users ------------------------------------------------------------------------------ */

struct store_user {
    int64_t id;
    char *username;
    char *display_name;
    char *role;        /* "admin" | "leader" | "operator" | "staff" */
    int64_t agency_id; /* 0 when none */
    char *agency_code; /* "" when none */
    char *password_hash;
    int disabled;
    char *created_at;
    int agency_disabled; /* 1 when its agency is disabled */
};
void store_user_clear(struct store_user *u);
void store_users_free(struct store_user *a, size_t n);
/* IOC_EEXIST if the username is taken; IOC_EINVAL if agency_code is unknown. */
int store_user_add(struct store_conn *w, const char *username, const char *display_name,
                   const char *role, const char *agency_code, const char *password_hash,
                   int64_t *id);
int store_user_get(struct store_conn *c, const char *username, struct store_user *out);
int store_user_get_by_id(struct store_conn *c, int64_t id, struct store_user *out);
int store_users_list(struct store_conn *c, struct store_user **out, size_t *n);
int store_user_set_password(struct store_conn *w, const char *username, const char *password_hash);
int store_user_set_disabled(struct store_conn *w, const char *username, int disabled);
/* Writes display_name, role, agency (by agency_code; NULL or "" for none) and disabled of the
 * user with u->id; username, password and created_at are not changed. IOC_ENOTFOUND if no such
 * user, IOC_EINVAL if agency_code is unknown. */
int store_user_set(struct store_conn *w, const struct store_user *u);
/* Number of users with role that are not disabled. */
int store_users_count_enabled(struct store_conn *c, const char *role, int64_t *n);

/* ---- sessions --------------------------------------------------------------------------- */

struct store_session {
    int64_t id;
    int64_t user_id;
    char *token_hash; /* hex SHA-256 of the cookie token; the token itself is never stored */
    char *csrf_token;
    int64_t created_ms;
    int64_t expires_ms;
    int64_t last_seen_ms; /* the last use recorded (store_session_touch); created_ms at first */
    char *ip;
};
void store_session_clear(struct store_session *s);
/* last_seen_ms starts as created_ms. */
int store_session_add(struct store_conn *w, int64_t user_id, const char *token_hash,
                      const char *csrf_token, int64_t created_ms, int64_t expires_ms,
                      const char *ip);
/* IOC_ENOTFOUND when absent or expired at now_ms. */
int store_session_get(struct store_conn *c, const char *token_hash, int64_t now_ms,
                      struct store_session *out);
int store_session_delete(struct store_conn *w, const char *token_hash);
/* Deletes every session of a user (password change, disable). */
int store_sessions_delete_user(struct store_conn *w, int64_t user_id);
/* Deletes every session of the users with role bound to agency_id (an agency disabled). */
int store_sessions_delete_agency(struct store_conn *w, int64_t agency_id, const char *role);
int store_sessions_purge(struct store_conn *w, int64_t now_ms);
/* Records a use of session id at seen_ms: last_seen_ms never moves back. Absent is not an
 * error (the session may have ended meanwhile). */
int store_session_touch(struct store_conn *w, int64_t id, int64_t seen_ms);
/* Deletes session id of user_id if its last use is at or before seen_before_ms (still idle when
 * the job runs). IOC_ENOTFOUND when no row was deleted. */
int store_session_delete_idle(struct store_conn *w, int64_t id, int64_t user_id,
                              int64_t seen_before_ms);
/* Deletes every session whose last use is at or before seen_before_ms. */
int store_sessions_purge_idle(struct store_conn *w, int64_t seen_before_ms);

/* ---- API keys --------------------------------------------------------------------------- */

struct store_apikey {
    int64_t id;
    char *prefix;   /* the public first part of the key, shown in lists */
    char *key_hash; /* hex SHA-256 of the whole key */
    int64_t agency_id;
    char *agency_code;
    char *scopes; /* "write:telemetry,read:reports" */
    char *name;
    int64_t created_ms;
    int64_t revoked_ms;    /* 0 while valid */
    char *created_by_role; /* "admin" | "staff": who made it ("staff" for keys made before
                              this was recorded, unless the audit log showed an admin) */
    int agency_disabled;   /* 1 when its agency is disabled */
};
void store_apikey_clear(struct store_apikey *k);
void store_apikeys_free(struct store_apikey *a, size_t n);
/* created_by_role is "admin" or "staff" (IOC_EINVAL otherwise). IOC_EINVAL if agency_code is
 * unknown. */
int store_apikey_add(struct store_conn *w, const char *prefix, const char *key_hash,
                     const char *agency_code, const char *scopes, const char *name,
                     const char *created_by_role, int64_t created_ms, int64_t *id);
/* Valid (not revoked) key by hash; IOC_ENOTFOUND otherwise. */
int store_apikey_get_by_hash(struct store_conn *c, const char *key_hash, struct store_apikey *out);
int store_apikey_get(struct store_conn *c, int64_t id, struct store_apikey *out);
/* agency_code NULL: all keys. Newest first, revoked ones included. */
int store_apikeys_list(struct store_conn *c, const char *agency_code, struct store_apikey **out,
                       size_t *n);
/* IOC_ENOTFOUND if no such key; revoking twice is not an error. */
int store_apikey_revoke(struct store_conn *w, int64_t id, int64_t now_ms);

/* ---- audit log -------------------------------------------------------------------------- */

struct store_audit {
    int64_t id;
    int64_t ts_ms;
    char *actor;      /* username, "key:<prefix>", "anonymous" or "iocctl" */
    char *actor_role; /* role name or "" */
    int64_t agency_id;
    char *action;  /* "session.create", "agency.create", "user.passwd", … */
    char *target;  /* what it acted on: "agency:SO-TNMT", "user:nam" */
    char *ip;      /* client address or "local" */
    char *outcome; /* "ok" | "denied" | "error" */
    char *request_id;
    char *detail; /* short JSON or text; never a secret */
};
void store_audit_clear(struct store_audit *a);
void store_audits_free(struct store_audit *a, size_t n);
/* id, and ts_ms when 0, are filled in by the store. */
int store_audit_add(struct store_conn *w, const struct store_audit *a);
struct store_audit_query {
    const char *actor;   /* NULL: any */
    const char *action;  /* NULL: any; a trailing '*' matches a prefix ("user.*") */
    const char *outcome; /* NULL: any */
    const char *target;  /* NULL: any */
    int64_t since_ms;    /* 0: no bound */
    int64_t until_ms;    /* 0: no bound */
    int64_t before_id;   /* 0: newest; else rows with id < before_id (paging) */
    int limit;           /* 1..1000 */
    int64_t agency_id;   /* 0: any; else only rows of that agency */
};
/* Newest first. */
int store_audit_find(struct store_conn *c, const struct store_audit_query *q,
                     struct store_audit **out, size_t *n);

/* Called once per row; the row and its strings are valid only during the call. Non-zero stops. */
typedef int (*store_audit_cb)(void *ctx, const struct store_audit *row);
/* What store_audit_each went through: how many rows, and the largest id (0 if none). */
struct store_audit_span {
    int64_t rows;
    int64_t max_id;
};
/* Calls cb for every row with since_ms <= ts_ms < until_ms (0: no bound), oldest first (by
 * id), all from one snapshot (a single statement: its read transaction lasts the whole walk,
 * so a slow cb keeps the WAL from being reset meanwhile). A non-zero return from cb stops the
 * walk and is returned. *span (may be NULL) is written when every row was passed to cb. */
int store_audit_each(struct store_conn *c, int64_t since_ms, int64_t until_ms, store_audit_cb cb,
                     void *ctx, struct store_audit_span *span);
/* Retention: deletes the rows with ts_ms < before_ms that a walk of store_audit_each(…, 0,
 * before_ms, …) passed to its callback (span: that walk's result; rows newer than span->max_id
 * are kept). IOC_EBUSY, deleting nothing, if more rows match than the walk saw. span NULL
 * deletes every row older than before_ms (no export). *n (may be NULL) the rows deleted. Run it
 * in a write transaction together with the audit row that records the prune. */
int store_audit_prune(struct store_conn *w, int64_t before_ms, const struct store_audit_span *span,
                      int64_t *n);

/* ---- indicators (src/store/indicators.c) ------------------------------------------------ */

/* A domain of the indicator catalogue (data/indicators/domains.csv). */
struct store_ind_domain {
    char *code;
    char *name_vi;
    char *name_en;
    int64_t position; /* the order domains are listed in, from 0 */
};
void store_ind_domain_clear(struct store_ind_domain *d);
void store_ind_domains_free(struct store_ind_domain *a, size_t n);

/* The columns of data/indicators/catalogue.csv, in its order, as the text stored. */
#define STORE_IND_COLUMNS 17
/* The columns' names: "code", "domain", …, "weight". */
extern const char *const store_ind_column_names[STORE_IND_COLUMNS];
enum {
    STORE_IND_CODE,
    STORE_IND_DOMAIN,
    STORE_IND_NAME_VI,
    STORE_IND_NAME_EN,
    STORE_IND_DEFINITION_VI,
    STORE_IND_UNIT,
    STORE_IND_FREQUENCY,
    STORE_IND_AGGREGATION,
    STORE_IND_SCALE,
    STORE_IND_POLARITY,
    STORE_IND_AGENCY, /* the agency's code; stored as a reference to agencies */
    STORE_IND_SOURCE,
    STORE_IND_DEADLINE,
    STORE_IND_TARGET,
    STORE_IND_THRESHOLDS,
    STORE_IND_EXPRESSION,
    STORE_IND_WEIGHT
};
/* One indicator: col[STORE_IND_*] its columns (never NULL once read; "" for an empty cell). */
struct store_indicator {
    char *col[STORE_IND_COLUMNS];
    int64_t position; /* the catalogue's order */
    int64_t revision; /* 1 when added, +1 at each change */
    char *updated_at; /* RFC 3339 UTC, the last change */
};
void store_indicator_clear(struct store_indicator *x);
void store_indicators_free(struct store_indicator *a, size_t n);

/* What store_ind_catalogue_put did. */
struct store_ind_counts {
    int64_t added, updated, unchanged;
    int64_t domains_added, domains_updated, domains_unchanged;
};
/*
 * Upserts domains d[0..nd) (by code, nd may be 0) and then indicators x[0..nx) (by code) in
 * the caller's transaction: a new row gets revision 1; a row whose columns differ is updated
 * (revision + 1, updated_at now); an equal row is left alone. Rows absent from the arrays are
 * kept. An indicator's position is its index in x when given (its order in the file), after
 * the domains' and indicators' already stored. IOC_EINVAL for an unknown agency or domain
 * (nothing is checked beyond the references: validate first).
 */
int store_ind_catalogue_put(struct store_conn *w, const struct store_ind_domain *d, size_t nd,
                            const struct store_indicator *x, size_t nx,
                            struct store_ind_counts *counts);
/* Ordered by position. */
int store_ind_domains_list(struct store_conn *c, struct store_ind_domain **out, size_t *n);
int store_ind_domain_get(struct store_conn *c, const char *code, struct store_ind_domain *out);
int store_indicator_get(struct store_conn *c, const char *code, struct store_indicator *out);
struct store_ind_query {
    const char *domain;   /* NULL: any */
    const char *q_folded; /* NULL, or an ioc_text_fold()ed needle: a substring of the folded
                             code, name_vi or name_en */
    int limit;            /* <= 0: no limit */
    int offset;
};
/* Ordered by position; *total (may be NULL) counts every match, ignoring limit and offset. */
int store_indicators_find(struct store_conn *c, const struct store_ind_query *q,
                          struct store_indicator **out, size_t *n, int64_t *total);

/* ---- dashboards (src/store/dashboards.c) ------------------------------------------------ */

/* A stored dashboard: its document (checked before by src/dashboards) and what lists and
 * searches need beside it. */
struct store_dashboard {
    char *id;
    char *title_vi;
    char *title_en; /* "" when none */
    char *domain;   /* a domain's code, "" for none (the province overview) */
    char *tags;     /* one per line ("\n" between two; a tag holds no line break) */
    int64_t panels;
    char *document;   /* the canonical JSON text; NULL in a list read without documents */
    int64_t position; /* the order of listing: the first put first */
    int64_t revision; /* 1 when added, +1 at each change */
    char *updated_by; /* the actor of the last change ("admin", "iocctl", "demo") */
    char *updated_at; /* RFC 3339 UTC */
};
void store_dashboard_clear(struct store_dashboard *d);
void store_dashboards_free(struct store_dashboard *a, size_t n);

#define STORE_DASH_ANY (-1)    /* store_dashboard_put/delete: no condition on the revision */
#define STORE_DASH_EXISTS (-2) /* the dashboard must exist (If-Match: *) */
#define STORE_DASH_ABSENT (-3) /* the dashboard must not exist (If-None-Match: *): create only */
enum store_dash_outcome {
    STORE_DASH_ADDED,
    STORE_DASH_UPDATED,
    STORE_DASH_UNCHANGED, /* the same document: revision and updated_* kept */
    STORE_DASH_STALE      /* if_revision did not hold: nothing written */
};
/*
 * Adds d (by id; position after the last) or replaces the stored one, in the caller's
 * transaction, when if_revision holds: STORE_DASH_ANY, STORE_DASH_EXISTS, STORE_DASH_ABSENT (a
 * PUT only), or the stored
 * revision (>= 1). d->position, revision and updated_at are ignored (set here); updated_by is
 * stored. *outcome says what happened and *revision (may be NULL) is the revision now stored
 * (0 when stale and absent).
 */
int store_dashboard_put(struct store_conn *w, const struct store_dashboard *d, int64_t if_revision,
                        enum store_dash_outcome *outcome, int64_t *revision);
/* Deletes id when if_revision holds (as above); *stale (may be NULL) 1 when it did not and
 * nothing was deleted. IOC_ENOTFOUND when no such dashboard. */
int store_dashboard_delete(struct store_conn *w, const char *id, int64_t if_revision, int *stale);
/* With its document. */
int store_dashboard_get(struct store_conn *c, const char *id, struct store_dashboard *out);
struct store_dash_query {
    const char *domain;   /* NULL: any; "" the dashboards of no domain */
    const char *q_folded; /* NULL, or an ioc_text_fold()ed needle: a substring of the folded id,
                             titles or tags */
    int limit;            /* <= 0: no limit */
    int offset;
    int with_document; /* 0: document NULL in the results */
};
/* Ordered by position; *total (may be NULL) counts every match, ignoring limit and offset. */
int store_dashboards_find(struct store_conn *c, const struct store_dash_query *q,
                          struct store_dashboard **out, size_t *n, int64_t *total);
/* What a dashboard may refer to: an indicator's code, a domain's code, a unit's code (any
 * version). *yes 1 when it exists, else 0. */
enum store_dash_ref { STORE_DASH_REF_INDICATOR, STORE_DASH_REF_DOMAIN, STORE_DASH_REF_UNIT };
int store_dashboard_ref_exists(struct store_conn *c, enum store_dash_ref kind, const char *code,
                               int *yes);
/* ---- indicator values (src/store/indvalues.c) -------------------------------------------- */

/* One value of an indicator for one unit and period. Periods are a frequency ("day", "month",
 * "quarter", "year"), a number n and a text, as struct ind_period of src/indicators. When put,
 * the strings are the caller's; when read, owned by the struct (store_indvalue_clear). */
struct store_indvalue {
    int64_t indicator_id;
    int64_t unit_id; /* the unit version the value was recorded against */
    char *freq;
    int64_t period_n;
    char *period; /* "2026-10" */
    double value;
    int has_ratio; /* num and den stored (ratio indicators) */
    double num, den;
    char *source;     /* "entered" | "imported" | "api" | "derived" | "telemetry" */
    int64_t revision; /* 1 when added; read only */
    char *who;        /* username or "key:<prefix>" */
    char *at;         /* RFC 3339 UTC */
    char *note;       /* "" when none */
    char *unit_code;  /* read only */
};
void store_indvalue_clear(struct store_indvalue *v);
void store_indvalues_free(struct store_indvalue *a, size_t n);
/* The id of the indicator with code; IOC_ENOTFOUND. */
int store_indicator_id(struct store_conn *c, const char *code, int64_t *id);

enum store_iv_outcome { STORE_IV_ADDED, STORE_IV_REVISED, STORE_IV_UNCHANGED };
/* Stores v (in the caller's transaction): a new row has revision 1; a row whose value, num and
 * den differ is first copied to the revisions (with its who, when, source and note) and then
 * replaced with revision + 1; an equal one is left alone (UNCHANGED, no revision). Nothing is
 * checked here beyond the references: validate first (src/indicators/values.c). */
int store_indvalue_put(struct store_conn *w, const struct store_indvalue *v,
                       enum store_iv_outcome *outcome);
/* Stores v[0..n) as store_indvalue_put would, for loading many at once (the demo's values):
 * new keys through one prepared INSERT reused for every row, an existing key through
 * store_indvalue_put. *added and *revised (either may be NULL) are incremented. Stops at the
 * first error. */
int store_indvalues_bulk_put(struct store_conn *w, const struct store_indvalue *v, size_t n,
                             int64_t *added, int64_t *revised);
/* Sets w's page cache to kib KiB (a large load keeps the index it writes in random order in
 * memory: millions of rows take a quarter less time with 128 MB than with SQLite's 2 MB) and
 * gives the size it had (*was_kib, may be NULL) so the caller can set it back afterwards. */
int store_indvalues_bulk_cache(struct store_conn *w, int64_t kib, int64_t *was_kib);
/* The current value; IOC_ENOTFOUND. */
int store_indvalue_get(struct store_conn *c, int64_t indicator_id, const char *freq,
                       int64_t period_n, int64_t unit_id, struct store_indvalue *out);
/* The current value and every earlier version, newest revision first (*n = 0: none). */
int store_indvalue_history(struct store_conn *c, int64_t indicator_id, const char *freq,
                           int64_t period_n, int64_t unit_id, struct store_indvalue **out,
                           size_t *n);

/* A row a roll-up reads. */
struct store_indbase {
    int64_t period_n;
    int own; /* recorded against the unit rolled up to itself (1), or one of its communes (0) */
    double value;
    int has_ratio;
    double num, den;
    double share;    /* store_indvalue_base_at: the part of the value that goes to its target */
    int approximate; /* that share is an estimate (a split, a partial link) */
};
/* The values of indicator_id at frequency freq with from_n <= n <= to_n recorded against a
 * version of unit_code (own) or a commune under one (through parent_code, every version whose
 * validity overlaps its parent's), ordered by period, own first. One statement. */
int store_indvalue_base(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                        const char *freq, int64_t from_n, int64_t to_n, struct store_indbase **out,
                        size_t *n);
/*
 * The same in the geography of day `at` ("YYYY-MM-DD"): the rows of the version of unit_code in
 * force that day (own) and of the communes under it that day, and the values recorded against
 * units no longer in force that day carried to their successors (at most 4 steps): each link of
 * an old unit takes an equal share of it (share = the product of 1 / its number of links), and
 * a split or a partial link marks it approximate. A value whose unit leads to no target is left
 * out. One statement.
 */
int store_indvalue_base_at(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                           const char *at, const char *freq, int64_t from_n, int64_t to_n,
                           struct store_indbase **out, size_t *n);
/* The id of the latest version of code in force on some day of [first_day, last_day]
 * ("YYYY-MM-DD"); IOC_ENOTFOUND. */
int store_unit_during(struct store_conn *c, const char *code, const char *first_day,
                      const char *last_day, int64_t *id);
/* *yes = 1 if unit unit_id is ancestor_code or lies under it (its parent, the parent's parent,
 * each a version overlapping the child's validity), else 0. */
int store_unit_under(struct store_conn *c, int64_t unit_id, const char *ancestor_code, int *yes);

/* ---- the overview and the freshness table (every indicator at once) ---- */

/* The generation of an indicator's values (indicator_id 0: of the catalogue, the units and
 * the successions): it moves on with every committed change, by any process. */
struct store_ind_gen {
    int64_t indicator_id;
    uint64_t gen;
};
/* Row 0's and indicator_id's (every one's when < 0) by id; none: generation 0. */
int store_ind_gens(struct store_conn *c, int64_t indicator_id, struct store_ind_gen **out,
                   size_t *n);

/* A succession link of an old unit that has several (a split), as the roll-up shares it. */
struct store_ind_link {
    int64_t old_id, new_id;
    char old_code[24], old_name[128], old_valid_to[11];
    char new_code[24], new_name[128];
    int partial, links, has_share; /* links: the old unit's; has_share: share set, else equal */
    double share, effective;       /* the share set; the share the roll-ups use */
};
/* Every link of every old unit with several links, by old code then new code. */
int store_ind_links(struct store_conn *c, struct store_ind_link **out, size_t *n);
/* Sets the share of link (old_id, new_id) to *share (0 < share <= 1), or clears it (share
 * NULL: an equal part again), in the caller's transaction. The link must exist (foreign key). */
int store_ind_share_set(struct store_conn *w, int64_t old_id, int64_t new_id, const double *share,
                        const char *who, const char *at);

/* A unit's way to a commune in force on a day: itself, or along the succession links. */
struct store_unit_map {
    int64_t src_id, target_id;
    char target_code[24];
    double share;    /* the part of src's value the target takes */
    int approximate; /* through a split or a partial link */
};
/* Every unit's ways to the communes in force on day (one in force: itself, share 1; an old one
 * along its links, at most 4 steps, their shares as roll-ups use them), by src_id, target code. */
int store_unit_map(struct store_conn *c, const char *day, struct store_unit_map **out, size_t *n);
/* One stored value as store_indvalue_each gives it. */
struct store_indvalue_row {
    int64_t indicator_id, unit_id, period_n;
    double value, num, den;
    int has_ratio;
};
typedef int (*store_indvalue_row_fn)(void *ctx, const struct store_indvalue_row *r);
/* fn for every value of frequency freq in periods [from_n, to_n], by indicator, period, unit,
 * without holding them all; a non-zero return from fn stops and is returned. */
int store_indvalue_each(struct store_conn *c, const char *freq, int64_t from_n, int64_t to_n,
                        store_indvalue_row_fn fn, void *ctx);

/* An indicator's id and code. */
struct store_ind_id {
    int64_t id;
    char code[72];
};
/* Every indicator's id, ordered by code. */
int store_ind_ids(struct store_conn *c, struct store_ind_id **out, size_t *n);
/* A roll-up's row (struct store_indbase) with its indicator. */
struct store_indbase_all {
    int64_t indicator_id;
    int64_t period_n;
    int own;
    double value;
    int has_ratio;
    double num, den;
};
/* store_indvalue_base for every indicator of frequency freq at once (today's geography), or
 * only those of domain (NULL: any) and whose id is in ids_json (a JSON array of ids; NULL:
 * any): each indicator's rows together, in catalogue order, by period. One statement. */
int store_indvalue_base_all(struct store_conn *c, const char *unit_code, const char *freq,
                            int64_t from_n, int64_t to_n, const char *domain, const char *ids_json,
                            struct store_indbase_all **out, size_t *n);
/* When a value was first submitted: its revision 1's time (Unix seconds). */
struct store_indfirst {
    int64_t indicator_id;
    int64_t unit_id;
    int64_t first_s;
};
/* Every stored value of period (freq, period_n), any indicator and unit, with the time of its
 * first submission; ordered by indicator id, then unit id. One statement. */
int store_indvalue_firsts(struct store_conn *c, const char *freq, int64_t period_n,
                          struct store_indfirst **out, size_t *n);
struct store_unit_id {
    int64_t id;
    int own; /* the unit asked for itself (1), or a commune under it (0) */
};
/* The version of unit_code ("" for the province) in force on day ("YYYY-MM-DD"), own, and the
 * communes under it that day; ordered by id. */
int store_units_expected(struct store_conn *c, const char *unit_code, const char *day,
                         struct store_unit_id **out, size_t *n);

/* A period closed to writes (ind_periods_closed); closed = 0 and NULL strings when open. */
struct store_period_state {
    int closed;
    char *who, *at, *note;
};
void store_period_state_clear(struct store_period_state *p);
int store_period_get(struct store_conn *c, const char *freq, int64_t period_n,
                     struct store_period_state *out);
/* Closes (closed = 1: who, at, note recorded; closing again updates them) or re-opens
 * (closed = 0: the row deleted) a period. */
int store_period_set(struct store_conn *w, const char *freq, int64_t period_n, const char *period,
                     int closed, const char *who, const char *at, const char *note);

/* ---- the tables of the modules that came later, one header each, included here ---------- */

#include "store/store_reports.h"  /* citizen reports (src/store/reports.c) */
#include "store/store_stations.h" /* monitoring stations (src/store/stations.c) */
#include "store/store_notify.h"   /* webhooks and deliveries (src/store/notify.c) */
#include "store/store_alerts.h"   /* alert rules, alerts, silences (src/store/alerts.c) */

/* ---- fault injection (unit tests only) -------------------------------------------------- */

/* hook is called before each allocation the store makes itself (SQLite's own allocations are
 * reached through sqlite3_config instead); when it returns non-zero that allocation fails as if
 * memory ran out. NULL (the default, and always in iocd and iocctl) turns it off. The hook may
 * be called from any thread that uses the store; set it while no store function runs. */
typedef int (*store_fault_fn)(void);
void store_fault_set_alloc_hook(store_fault_fn hook);
/* store_open applies at most limit migration scripts in all, counted in the order they apply
 * from the first (-1, the default: all), and calls at_set(first, last) (may be NULL) as it
 * starts on each set, first..last the 1-based numbers of the set's scripts in that order. So a
 * test can walk failures over one script at a time. Set while no store function runs. */
void store_fault_set_migrations(int limit, void (*at_set)(int first, int last));

#endif
