/*
 * migrations.c — the schema of ioc.db: the ordered "core" scripts, and the one list of the
 * schemas store_open applies (core, then each module's own scripts). Script i of a set brings
 * it from version i to i + 1; store_open applies those not yet recorded in schema_migrations as
 * (module, version), each in its own transaction. Never edit a script that has shipped: add one.
 */
#include "store/store_int.h"

const char *const store_migrations[] = {
    /* 1: metadata, units and succession, accounts, audit */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

    "CREATE TABLE units ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('province','district','commune')),"
    "  type TEXT NOT NULL DEFAULT '',"
    "  name TEXT NOT NULL,"
    "  full_name TEXT NOT NULL DEFAULT '',"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  name_folded TEXT NOT NULL DEFAULT '',"
    "  parent_code TEXT NOT NULL DEFAULT '',"
    "  valid_from TEXT NOT NULL,"
    "  valid_to TEXT NOT NULL DEFAULT '',"
    "  area_km2 REAL NOT NULL DEFAULT 0,"
    "  min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,"
    "  geometry TEXT,"
    "  UNIQUE (code, valid_from));"
    "CREATE INDEX units_level ON units (level, valid_from, valid_to);"
    "CREATE INDEX units_parent ON units (parent_code);"

    "CREATE TABLE successions ("
    "  old_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
    "  new_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
    "  partial INTEGER NOT NULL DEFAULT 0,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (old_id, new_id));"
    "CREATE INDEX successions_new ON successions (new_id);"

    "CREATE TABLE agencies ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES agencies(id),"
    "  unit_code TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL);"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL CHECK (role IN ('admin','leader','operator','staff')),"
    "  agency_id INTEGER REFERENCES agencies(id),"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL);"

    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  csrf_token TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE INDEX sessions_expiry ON sessions (expires_ms);"

    "CREATE TABLE api_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  prefix TEXT NOT NULL,"
    "  key_hash TEXT NOT NULL UNIQUE,"
    "  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    "  scopes TEXT NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL,"
    "  revoked_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX api_keys_agency ON api_keys (agency_id);"

    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  ts_ms INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  actor_role TEXT NOT NULL DEFAULT '',"
    "  agency_id INTEGER NOT NULL DEFAULT 0,"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '',"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  outcome TEXT NOT NULL,"
    "  request_id TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_ts ON audit (ts_ms);"
    "CREATE INDEX audit_actor ON audit (actor, id);"
    "CREATE INDEX audit_action ON audit (action, id);",

    /* 2: who made each API key ("admin" or "staff"), so that a key never uses more than its
     * maker may do. Keys made before: "admin" where the audit log holds the admin's (or
     * iocctl's) key.create row for that prefix at that time, else "staff". */
    "ALTER TABLE api_keys ADD COLUMN created_by_role TEXT NOT NULL DEFAULT 'staff'"
    "  CHECK (created_by_role IN ('admin','staff'));"
    "UPDATE api_keys SET created_by_role = 'admin' WHERE EXISTS ("
    "  SELECT 1 FROM audit a WHERE a.action = 'key.create' AND a.outcome = 'ok'"
    "  AND a.actor_role = 'admin' AND a.target = 'key:' || api_keys.prefix"
    "  AND abs(a.ts_ms - api_keys.created_ms) < 60000);",

    /* 3: agencies can be disabled (kept for history; their staff and keys refused) */
    "ALTER TABLE agencies ADD COLUMN disabled"
    "  INTEGER NOT NULL DEFAULT 0"
    "  CHECK (disabled IN (0, 1));",

    /* 4: the last recorded use of each session, for the idle timeout (auth.session_idle_s).
     * Sessions made before count as used when they were made. */
    "ALTER TABLE sessions ADD COLUMN last_seen_ms"
    "  INTEGER NOT NULL DEFAULT 0;"
    "UPDATE sessions SET last_seen_ms = created_ms;",
};

const int store_migrations_count = (int)(sizeof store_migrations / sizeof store_migrations[0]);

static const struct store_schema store_schema_core = {"core", store_migrations,
                                                      (int)IOC_ARRAY_LEN(store_migrations)};

/* The modules with tables of their own, in the order their scripts are applied (after core).
 * A module adds one line, X(<module>), and defines store_schema_<module> in its own file
 * src/store/<module>.c (see store_int.h). */
#define STORE_SCHEMA_LIST(X)                                                                       \
    X(indicators) X(dashboards) X(indvalues) X(reports) X(stations) X(notify) X(alerts)

#define DECLARE(m) extern const struct store_schema store_schema_##m;
STORE_SCHEMA_LIST(DECLARE)
#undef DECLARE

#define ENTRY(m) &store_schema_##m,
const struct store_schema *const store_schemas[] = {&store_schema_core, STORE_SCHEMA_LIST(ENTRY)};
#undef ENTRY

const size_t store_schemas_count = IOC_ARRAY_LEN(store_schemas);
