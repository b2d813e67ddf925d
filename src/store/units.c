/*
 * units.c — administrative units with validity periods, their boundaries, and succession links.
 *
 * "In force on D": valid_from <= D and (valid_to = '' or D <= valid_to); dates are ISO strings,
 * which compare correctly as text.
 *
 * The walk over geometries (store_units_each_geometry) is the one reader whose callback can
 * take long (the point index build, a GeoJSON of every commune): it copies batches out of short
 * read transactions and resumes after the last (code, valid_from) it read, which is unique.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define UNIT_COLS                                                                                  \
    "u.id, u.code, u.level, u.type, u.name, u.full_name, u.name_en, u.parent_code, u.valid_from, " \
    "u.valid_to, u.area_km2, u.min_lon, u.min_lat, u.max_lon, u.max_lat, u.geometry IS NOT NULL"
#define IN_FORCE "u.valid_from <= ?%d AND (u.valid_to = '' OR ?%d <= u.valid_to)"

void store_unit_clear(struct store_unit *u)
{
    if (!u)
        return;
    free(u->code);
    free(u->level);
    free(u->type);
    free(u->name);
    free(u->full_name);
    free(u->name_en);
    free(u->parent_code);
    free(u->valid_from);
    free(u->valid_to);
    memset(u, 0, sizeof *u);
}

void store_units_free(struct store_unit *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_unit_clear(&a[i]);
    free(a);
}

/* Fills u from the UNIT_COLS columns starting at column `at`. */
static int unit_row(sqlite3_stmt *s, int at, struct store_unit *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(s, at);
    char **str[] = {&u->code,    &u->level,       &u->type,       &u->name,    &u->full_name,
                    &u->name_en, &u->parent_code, &u->valid_from, &u->valid_to};
    for (int i = 0; i < 9; i++)
        if (!(*str[i] = store_col_dup(s, at + 1 + i))) {
            store_unit_clear(u);
            return IOC_ENOMEM;
        }
    u->area_km2 = sqlite3_column_double(s, at + 10);
    for (int i = 0; i < 4; i++)
        u->bbox[i] = sqlite3_column_double(s, at + 11 + i);
    u->has_geometry = sqlite3_column_int(s, at + 15);
    return 0;
}

/* store_fill_fn: a struct store_unit from UNIT_COLS at column 0. */
static int unit_fill(sqlite3_stmt *s, void *u)
{
    return unit_row(s, 0, u);
}

static void unit_clear_v(void *u)
{
    store_unit_clear(u);
}

/* Collects every row of s (UNIT_COLS at column 0) into an array; finalizes s. */
static int unit_rows(sqlite3_stmt *s, struct store_unit **out, size_t *n)
{
    void *a = NULL;
    int rc = store_rows(s, sizeof **out, unit_fill, unit_clear_v, &a, n);
    if (rc == 0)
        *out = a;
    return rc;
}

int store_unit_put(struct store_conn *w, const struct store_unit *u, const char *geometry_json,
                   int64_t *id)
{
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    ioc_buf_printf(&key, "%s %s", u->name ? u->name : "", u->full_name ? u->full_name : "");
    char *folded = key.data ? ioc_text_fold(key.data, key.len) : NULL;
    ioc_buf_free(&key);
    if (!folded)
        return IOC_EINVAL;
    sqlite3_stmt *s;
    int rc = store_prepare(
        w,
        "INSERT INTO units (code, level, type, name, full_name, name_en, name_folded, "
        "parent_code, valid_from, valid_to, area_km2, min_lon, min_lat, max_lon, max_lat, "
        "geometry) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (code, valid_from) DO UPDATE SET level = excluded.level, "
        "type = excluded.type, name = excluded.name, full_name = excluded.full_name, "
        "name_en = excluded.name_en, name_folded = excluded.name_folded, "
        "parent_code = excluded.parent_code, valid_to = excluded.valid_to, "
        "area_km2 = excluded.area_km2, "
        /* without a new geometry, the stored one and its bbox stay */
        "min_lon = iif(excluded.geometry IS NULL, units.min_lon, excluded.min_lon), "
        "min_lat = iif(excluded.geometry IS NULL, units.min_lat, excluded.min_lat), "
        "max_lon = iif(excluded.geometry IS NULL, units.max_lon, excluded.max_lon), "
        "max_lat = iif(excluded.geometry IS NULL, units.max_lat, excluded.max_lat), "
        "geometry = coalesce(excluded.geometry, units.geometry) RETURNING id",
        &s);
    if (rc) {
        free(folded);
        return rc;
    }
    const char *texts[] = {u->code,    u->level, u->type,        u->name,       u->full_name,
                           u->name_en, folded,   u->parent_code, u->valid_from, u->valid_to};
    for (int i = 0; i < 10; i++)
        store_bind_text(s, i + 1, texts[i] ? texts[i] : "");
    sqlite3_bind_double(s, 11, u->area_km2);
    if (geometry_json) {
        for (int i = 0; i < 4; i++)
            sqlite3_bind_double(s, 12 + i, u->bbox[i]);
        store_bind_text(s, 16, geometry_json);
    } else {
        for (int i = 0; i < 5; i++)
            sqlite3_bind_null(s, 12 + i);
    }
    int64_t row_id = 0;
    rc = store_row_int64(s, &row_id);
    free(folded);
    if (rc == 0 && id)
        *id = row_id;
    return rc;
}

int store_units_find(struct store_conn *c, const struct store_unit_query *q,
                     struct store_unit **out, size_t *n)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT " UNIT_COLS " FROM units u WHERE " IN_FORCE
             " AND (?3 IS NULL OR u.level = ?3) AND (?4 IS NULL OR u.parent_code = ?4)"
             " AND (?5 IS NULL OR instr(u.name_folded, ?5) > 0 OR substr(u.code, 1, length(?5)) "
             "= ?5)"
             " ORDER BY CASE WHEN ?5 IS NULL THEN 0"
             "  WHEN u.name_folded = ?5 || ' ' || ?5 OR substr(u.name_folded, 1, length(?5) + 1) "
             "= ?5 || ' ' THEN 0"
             "  WHEN substr(u.name_folded, 1, length(?5)) = ?5 THEN 1 ELSE 2 END,"
             " CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END,"
             " u.name_folded LIMIT ?6 OFFSET ?7",
             1, 1);
    sqlite3_stmt *s;
    int rc = store_prepare(c, sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->at);
    store_bind_text(s, 3, q->level);
    store_bind_text(s, 4, q->parent_code);
    store_bind_text(s, 5, q->q_folded);
    sqlite3_bind_int(s, 6, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int(s, 7, q->offset > 0 ? q->offset : 0);
    return unit_rows(s, out, n);
}

int store_unit_get(struct store_conn *c, const char *code, const char *at, struct store_unit *out)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             at ? "SELECT " UNIT_COLS " FROM units u WHERE u.code = ?2 AND "
                                  "u.valid_from <= ?1 AND (u.valid_to = '' OR ?1 <= u.valid_to) "
                                  "ORDER BY u.valid_from DESC LIMIT 1"
                                : "SELECT " UNIT_COLS " FROM units u WHERE u.code = ?2 "
                                  "ORDER BY u.valid_from DESC LIMIT 1",
                             &s);
    if (rc)
        return rc;
    if (at)
        store_bind_text(s, 1, at);
    store_bind_text(s, 2, code);
    return store_row(s, unit_fill, out);
}

int store_unit_get_by_id(struct store_conn *c, int64_t id, struct store_unit *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT " UNIT_COLS " FROM units u WHERE u.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, unit_fill, out);
}

int store_unit_versions(struct store_conn *c, const char *code, struct store_unit **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c, "SELECT " UNIT_COLS " FROM units u WHERE u.code = ? ORDER BY u.valid_from", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    return unit_rows(s, out, n);
}

/* A batch of store_units_each_geometry: rows copied out of one short read transaction. */
#define GEOM_BATCH_ROWS 64
#define GEOM_BATCH_BYTES ((size_t)16 << 20)

struct geom_row {
    struct store_unit u;
    char *json;
    size_t len;
};

/* Reads the next batch (rows after (after_code, after_from), or from the start when after_code
 * is NULL) into rows; *n rows read. The statement is finalized before returning, so no read
 * transaction is left open. */
static int geom_batch(struct store_conn *c, const char *level, const char *at,
                      const char *after_code, const char *after_from, struct geom_row *rows,
                      size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c,
                                  "SELECT " UNIT_COLS ", u.geometry FROM units u WHERE "
                                  "u.geometry IS NOT NULL AND (?1 IS NULL OR u.level = ?1) AND "
                                  "(?2 IS NULL OR (u.valid_from <= ?2 AND (u.valid_to = '' OR "
                                  "?2 <= u.valid_to))) AND (?3 IS NULL OR (u.code, u.valid_from) > "
                                  "(?3, ?4)) ORDER BY u.code, u.valid_from LIMIT ?5",
                                  &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, level);
    store_bind_text(s, 2, at);
    store_bind_text(s, 3, after_code);
    store_bind_text(s, 4, after_from);
    sqlite3_bind_int(s, 5, GEOM_BATCH_ROWS);
    size_t len = 0, bytes = 0;
    int step = SQLITE_DONE;
    while (bytes < GEOM_BATCH_BYTES && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct geom_row *r = &rows[len];
        rc = unit_row(s, 0, &r->u);
        if (rc)
            break;
        /* the text first, then its length (the documented order); NULL here is out of memory,
         * as the query skips rows without geometry */
        const unsigned char *json = sqlite3_column_text(s, 16);
        r->len = (size_t)sqlite3_column_bytes(s, 16);
        r->json = json ? store_malloc(r->len + 1) : NULL;
        if (!r->json) {
            store_unit_clear(&r->u);
            rc = IOC_ENOMEM;
            break;
        }
        memcpy(r->json, json, r->len);
        r->json[r->len] = '\0';
        bytes += r->len;
        len++;
    }
    if (rc == 0)
        rc = store_step_rc(s, step);
    store_finalize(s);
    *n = len;
    return rc;
}

int store_units_each_geometry(struct store_conn *c, const char *level, const char *at,
                              store_unit_geom_cb cb, void *ctx)
{
    struct geom_row rows[GEOM_BATCH_ROWS];
    char *after_code = NULL, *after_from = NULL;
    int rc = 0;
    for (;;) {
        size_t n = 0;
        rc = geom_batch(c, level, at, after_code, after_from, rows, &n);
        free(after_code);
        free(after_from);
        after_code = after_from = NULL;
        if (rc == 0 && n > 0) {
            after_code = store_strdup(rows[n - 1].u.code);
            after_from = store_strdup(rows[n - 1].u.valid_from);
            if (!after_code || !after_from)
                rc = IOC_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            if (rc == 0)
                rc = cb(ctx, &rows[i].u, rows[i].json, rows[i].len);
            store_unit_clear(&rows[i].u);
            free(rows[i].json);
        }
        if (rc || n == 0)
            break;
    }
    free(after_code);
    free(after_from);
    return rc;
}

int store_units_count(struct store_conn *c, int64_t *n)
{
    return store_scalar(c, "SELECT count(*) FROM units", n);
}

/* ---- succession ------------------------------------------------------------------------- */

int store_succession_put(struct store_conn *w, int64_t old_id, int64_t new_id, int partial,
                         const char *note)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "INSERT INTO successions (old_id, new_id, partial, note) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT (old_id, new_id) DO UPDATE SET "
                                  "partial = excluded.partial, note = excluded.note",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, old_id);
    sqlite3_bind_int64(s, 2, new_id);
    sqlite3_bind_int(s, 3, partial ? 1 : 0);
    store_bind_text(s, 4, note ? note : "");
    return store_step_done(s);
}

void store_successions_free(struct store_succession *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        store_unit_clear(&a[i].unit);
        free(a[i].note);
    }
    free(a);
}

/* store_fill_fn: a struct store_succession from UNIT_COLS, partial and note. */
static int succession_fill(sqlite3_stmt *s, void *p)
{
    struct store_succession *l = p;
    int rc = unit_row(s, 0, &l->unit);
    if (rc)
        return rc;
    l->partial = sqlite3_column_int(s, 16);
    l->note = store_col_dup(s, 17);
    if (!l->note) {
        store_unit_clear(&l->unit);
        return IOC_ENOMEM;
    }
    return 0;
}

static void succession_clear_v(void *p)
{
    struct store_succession *l = p;
    store_unit_clear(&l->unit);
    free(l->note);
    l->note = NULL;
}

static int links(struct store_conn *c, const char *sql, int64_t id, struct store_succession **out,
                 size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, sql, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    void *a = NULL;
    rc = store_rows(s, sizeof **out, succession_fill, succession_clear_v, &a, n);
    if (rc == 0)
        *out = a;
    return rc;
}

int store_unit_predecessors(struct store_conn *c, int64_t unit_id, struct store_succession **out,
                            size_t *n)
{
    return links(c,
                 "SELECT " UNIT_COLS ", l.partial, l.note FROM successions l JOIN units u ON "
                 "u.id = l.old_id WHERE l.new_id = ? ORDER BY u.code",
                 unit_id, out, n);
}

int store_unit_successors(struct store_conn *c, int64_t unit_id, struct store_succession **out,
                          size_t *n)
{
    return links(c,
                 "SELECT " UNIT_COLS ", l.partial, l.note FROM successions l JOIN units u ON "
                 "u.id = l.new_id WHERE l.old_id = ? ORDER BY u.code",
                 unit_id, out, n);
}

#define GENERATION_KEY "units_generation"

int store_units_generation(struct store_conn *c, int64_t *out)
{
    char *g = NULL;
    int64_t v = 0;
    int rc = store_meta_get(c, GENERATION_KEY, &g);
    if (rc == IOC_ENOTFOUND)
        rc = 0;
    else if (rc == 0 && ioc_parse_i64(g, strlen(g), 0, INT64_MAX - 1, &v) != 0)
        rc = IOC_EINVAL;
    free(g);
    if (rc == 0)
        *out = v;
    return rc;
}

int store_units_generation_bump(struct store_conn *w, int64_t *out)
{
    int64_t v = 0;
    int rc = store_units_generation(w, &v);
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)(v + 1));
    if (rc == 0)
        rc = store_meta_set(w, GENERATION_KEY, text);
    if (rc == 0 && out)
        *out = v + 1;
    return rc;
}
