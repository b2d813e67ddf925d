/*
 * stations.c — the registry of monitoring stations: one row per station (checked before by
 * src/environment), its commune as decided when written, a version counter for the ETag, who
 * changed it last and when.
 *
 * A put equal to the stored row changes nothing (version and updated_* kept), so that importing
 * the same file twice is no change. The condition on the version (If-Match, If-None-Match: *)
 * is checked in the same transaction as the write.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const stations_scripts[] = {
    /* 1: stations */
    "CREATE TABLE stations ("
    "  code TEXT PRIMARY KEY,"
    "  name_vi TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL CHECK (kind IN ('air','water_level','water_quality','noise')),"
    "  lat REAL NOT NULL,"
    "  lon REAL NOT NULL,"
    "  commune TEXT NOT NULL DEFAULT '',"
    "  measures TEXT NOT NULL DEFAULT '',"
    "  agency TEXT NOT NULL DEFAULT '',"
    "  alarm1 REAL, alarm2 REAL, alarm3 REAL,"
    "  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),"
    "  updated_at TEXT NOT NULL,"
    "  updated_by TEXT NOT NULL DEFAULT '',"
    "  version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX stations_kind ON stations (kind, code);"
    "CREATE INDEX stations_commune ON stations (commune, code);",
};

const struct store_schema store_schema_stations = STORE_SCHEMA("stations", stations_scripts);

void store_station_clear(struct store_station *s)
{
    if (!s)
        return;
    free(s->code);
    free(s->name_vi);
    free(s->name_en);
    free(s->kind);
    free(s->commune);
    free(s->commune_name);
    free(s->measures);
    free(s->agency);
    free(s->updated_at);
    free(s->updated_by);
    memset(s, 0, sizeof *s);
}

void store_stations_free(struct store_station *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_station_clear(&a[i]);
    free(a);
}

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ---- reading ----------------------------------------------------------------------------- */

#define ST_COLUMNS                                                                                 \
    "s.code, s.name_vi, s.name_en, s.kind, s.lat, s.lon, s.commune, "                              \
    "coalesce((SELECT u.name FROM units u WHERE u.code = s.commune AND u.level = 'commune' "       \
    "ORDER BY u.valid_from DESC LIMIT 1), ''), s.measures, s.agency, s.alarm1, s.alarm2, "         \
    "s.alarm3, s.synthetic, s.updated_at, s.updated_by, s.version "

static int fill(sqlite3_stmt *s, void *p)
{
    struct store_station *x = p;
    memset(x, 0, sizeof *x);
    int ok = (x->code = store_col_dup(s, 0)) != NULL;
    ok &= (x->name_vi = store_col_dup(s, 1)) != NULL;
    ok &= (x->name_en = store_col_dup(s, 2)) != NULL;
    ok &= (x->kind = store_col_dup(s, 3)) != NULL;
    x->lat = sqlite3_column_double(s, 4);
    x->lon = sqlite3_column_double(s, 5);
    ok &= (x->commune = store_col_dup(s, 6)) != NULL;
    ok &= (x->commune_name = store_col_dup(s, 7)) != NULL;
    ok &= (x->measures = store_col_dup(s, 8)) != NULL;
    ok &= (x->agency = store_col_dup(s, 9)) != NULL;
    for (int i = 0; i < 3; i++) {
        x->has_alarm[i] = sqlite3_column_type(s, 10 + i) != SQLITE_NULL;
        x->alarm[i] = x->has_alarm[i] ? sqlite3_column_double(s, 10 + i) : 0;
    }
    x->synthetic = sqlite3_column_int(s, 13);
    ok &= (x->updated_at = store_col_dup(s, 14)) != NULL;
    ok &= (x->updated_by = store_col_dup(s, 15)) != NULL;
    x->version = sqlite3_column_int64(s, 16);
    if (!ok) {
        store_station_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_v(void *p)
{
    store_station_clear(p);
}

int store_station_get(struct store_conn *c, const char *code, struct store_station *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " ST_COLUMNS "FROM stations s WHERE s.code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    return store_row(s, fill, out);
}

int store_stations_find(struct store_conn *c, const struct store_station_query *q,
                        struct store_station **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT " ST_COLUMNS "FROM stations s WHERE (?1 IS NULL OR s.kind = ?1) "
                           "AND (?2 IS NULL OR s.commune = ?2) AND (?3 IS NULL OR s.agency = ?3) "
                           "ORDER BY s.code",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q ? q->kind : NULL);
    store_bind_text(s, 2, q ? q->commune : NULL);
    store_bind_text(s, 3, q ? q->agency : NULL);
    return store_rows(s, sizeof **out, fill, clear_v, (void **)out, n);
}

int store_stations_count(struct store_conn *c, int64_t *n)
{
    return store_scalar(c, "SELECT count(*) FROM stations", n);
}

/* ---- writing ----------------------------------------------------------------------------- */

static int holds(int64_t cond, int64_t version)
{
    if (cond == STORE_STATION_ANY)
        return 1;
    if (cond == STORE_STATION_EXISTS)
        return version > 0;
    if (cond == STORE_STATION_ABSENT)
        return version == 0;
    return version > 0 && version == cond;
}

static int same_text(const char *a, const char *b)
{
    return strcmp(txt(a), txt(b)) == 0;
}

/* 1 if the stored row cur holds what s would write. */
static int same(const struct store_station *cur, const struct store_station *s)
{
    if (!same_text(cur->name_vi, s->name_vi) || !same_text(cur->name_en, s->name_en) ||
        !same_text(cur->kind, s->kind) || !same_text(cur->commune, s->commune) ||
        !same_text(cur->measures, s->measures) || !same_text(cur->agency, s->agency) ||
        cur->lat != s->lat || cur->lon != s->lon || cur->synthetic != (s->synthetic != 0))
        return 0;
    for (int i = 0; i < 3; i++)
        if (cur->has_alarm[i] != (s->has_alarm[i] != 0) ||
            (cur->has_alarm[i] && cur->alarm[i] != s->alarm[i]))
            return 0;
    return 1;
}

static const char st_insert_sql[] =
    "INSERT INTO stations (code, name_vi, name_en, kind, lat, lon, commune, measures, agency, "
    "alarm1, alarm2, alarm3, synthetic, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
static const char st_update_sql[] =
    "UPDATE stations SET name_vi = ?2, name_en = ?3, kind = ?4, lat = ?5, lon = ?6, commune = ?7, "
    "measures = ?8, agency = ?9, alarm1 = ?10, alarm2 = ?11, alarm3 = ?12, synthetic = ?13, "
    "updated_at = ?14, updated_by = ?15, version = version + 1 WHERE code = ?1";

int store_station_put(struct store_conn *w, const struct store_station *s, int64_t if_version,
                      enum store_station_outcome *outcome, int64_t *version)
{
    struct store_station cur;
    int rc = store_station_get(w, s->code, &cur);
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    int64_t v = rc == 0 ? cur.version : 0;
    int unchanged = rc == 0 && same(&cur, s);
    if (rc == 0)
        store_station_clear(&cur);
    enum store_station_outcome o = !holds(if_version, v) ? STORE_STATION_STALE
                                   : unchanged           ? STORE_STATION_UNCHANGED
                                   : v                   ? STORE_STATION_UPDATED
                                                         : STORE_STATION_ADDED;
    if (o == STORE_STATION_ADDED || o == STORE_STATION_UPDATED) {
        sqlite3_stmt *st;
        if ((rc = store_prepare(w, v ? st_update_sql : st_insert_sql, &st)) != 0)
            return rc;
        char now[32];
        ioc_time_rfc3339(ioc_now_ms(), now);
        const char *cols[] = {s->code, s->name_vi, s->name_en, s->kind};
        for (int i = 0; i < 4; i++)
            store_bind_text(st, i + 1, txt(cols[i]));
        sqlite3_bind_double(st, 5, s->lat);
        sqlite3_bind_double(st, 6, s->lon);
        store_bind_text(st, 7, txt(s->commune));
        store_bind_text(st, 8, txt(s->measures));
        store_bind_text(st, 9, txt(s->agency));
        for (int i = 0; i < 3; i++) {
            if (s->has_alarm[i])
                sqlite3_bind_double(st, 10 + i, s->alarm[i]);
            else
                sqlite3_bind_null(st, 10 + i);
        }
        sqlite3_bind_int(st, 13, s->synthetic != 0);
        store_bind_text(st, 14, now);
        store_bind_text(st, 15, txt(s->updated_by));
        if ((rc = store_step_done(st)) != 0)
            return rc;
        v++;
    }
    *outcome = o;
    if (version)
        *version = v;
    return 0;
}

int store_station_delete(struct store_conn *w, const char *code, int64_t if_version, int *stale)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "SELECT version FROM stations WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    int64_t v = 0;
    if ((rc = store_row_int64(s, &v)) != 0)
        return rc;
    int ok = holds(if_version, v);
    if (stale)
        *stale = !ok;
    if (!ok)
        return 0;
    if ((rc = store_prepare(w, "DELETE FROM stations WHERE code = ?", &s)) != 0)
        return rc;
    store_bind_text(s, 1, code);
    return store_step_done(s);
}
