/*
 * indvalues.c — the values of the indicators: one current row per (indicator, unit, period) in
 * ind_values, every earlier version of it in ind_value_revisions (nothing is overwritten
 * without a revision row), and the periods an admin closed in ind_periods_closed.
 *
 * A period is stored as its frequency ("month"), its number n (struct ind_period of
 * src/indicators) and its text ("2026-10"); a unit as the id of the unit version the value was
 * recorded against. num and den are NULL unless the indicator is a ratio.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a trigger that moves generation 0 on after each change of table t */
#define GEN0_TRIGGER(t, ev)                                                                        \
    "CREATE TRIGGER ind_gens_" t "_" ev " AFTER " ev " ON " t " BEGIN"                             \
    "  INSERT INTO ind_gens VALUES (0, 1) ON CONFLICT (indicator_id) DO UPDATE SET gen = gen + 1;" \
    " END;"

static const char *const indvalues_scripts[] = {
    /* 1: values, revisions, closed periods */
    "CREATE TABLE ind_values ("
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  freq TEXT NOT NULL,"
    "  period_n INTEGER NOT NULL,"
    "  period TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  num REAL,"
    "  den REAL,"
    "  source TEXT NOT NULL,"
    "  revision INTEGER NOT NULL DEFAULT 1,"
    "  who TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (indicator_id, freq, period_n, unit_id)) WITHOUT ROWID;"
    "CREATE INDEX ind_values_unit ON ind_values (unit_id, indicator_id, freq, period_n);"
    "CREATE TABLE ind_value_revisions ("
    "  indicator_id INTEGER NOT NULL,"
    "  unit_id INTEGER NOT NULL,"
    "  freq TEXT NOT NULL,"
    "  period_n INTEGER NOT NULL,"
    "  period TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  value REAL NOT NULL,"
    "  num REAL,"
    "  den REAL,"
    "  source TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (indicator_id, unit_id, freq, period_n, revision)) WITHOUT ROWID;"
    "CREATE TABLE ind_periods_closed ("
    "  freq TEXT NOT NULL,"
    "  period_n INTEGER NOT NULL,"
    "  period TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (freq, period_n)) WITHOUT ROWID;",
    /* 2: generations, for the roll-up cache (src/indicators/cache.c): an indicator's row moves
     * on with every change to its values, row 0 with every change to what a roll-up reads
     * besides values (the catalogue, the units, the successions), whoever writes them (iocd or
     * iocctl): the triggers run in the writing transaction. */
    "CREATE TABLE ind_gens (indicator_id INTEGER PRIMARY KEY, gen INTEGER NOT NULL);"
    "CREATE TRIGGER ind_gens_vi AFTER INSERT ON ind_values BEGIN"
    "  INSERT INTO ind_gens VALUES (NEW.indicator_id, 1)"
    "  ON CONFLICT (indicator_id) DO UPDATE SET gen = gen + 1; END;"
    "CREATE TRIGGER ind_gens_vu AFTER UPDATE ON ind_values BEGIN"
    "  INSERT INTO ind_gens VALUES (NEW.indicator_id, 1)"
    "  ON CONFLICT (indicator_id) DO UPDATE SET gen = gen + 1;"
    "  INSERT INTO ind_gens SELECT OLD.indicator_id, 1 WHERE OLD.indicator_id <> NEW.indicator_id"
    "  ON CONFLICT (indicator_id) DO UPDATE SET gen = gen + 1; END;"
    "CREATE TRIGGER ind_gens_vd AFTER DELETE ON ind_values BEGIN"
    "  INSERT INTO ind_gens VALUES (OLD.indicator_id, 1)"
    "  ON CONFLICT (indicator_id) DO UPDATE SET gen = gen + 1; END;"
    /* clang-format off */
    GEN0_TRIGGER("indicators", "INSERT")
    GEN0_TRIGGER("indicators", "UPDATE")
    GEN0_TRIGGER("indicators", "DELETE")
    GEN0_TRIGGER("units", "INSERT")
    GEN0_TRIGGER("units", "UPDATE")
    GEN0_TRIGGER("units", "DELETE")
    GEN0_TRIGGER("successions", "INSERT")
    GEN0_TRIGGER("successions", "UPDATE")
    GEN0_TRIGGER("successions", "DELETE"),
    /* clang-format on */
    /* 3: the share of a split commune's value each successor takes (docs/indicators.md,
     * "Geography over time"); no row: an equal part of what the set ones leave */
    "CREATE TABLE ind_shares ("
    "  old_id INTEGER NOT NULL,"
    "  new_id INTEGER NOT NULL,"
    "  share REAL NOT NULL CHECK (share > 0 AND share <= 1),"
    "  who TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  PRIMARY KEY (old_id, new_id),"
    "  FOREIGN KEY (old_id, new_id) REFERENCES successions (old_id, new_id) ON DELETE CASCADE)"
    " WITHOUT ROWID;"
    /* clang-format off */
    GEN0_TRIGGER("ind_shares", "INSERT")
    GEN0_TRIGGER("ind_shares", "UPDATE")
    GEN0_TRIGGER("ind_shares", "DELETE"),
    /* clang-format on */
};
#undef GEN0_TRIGGER

const struct store_schema store_schema_indvalues = STORE_SCHEMA("indvalues", indvalues_scripts);

static const char *txt(const char *s)
{
    return s ? s : "";
}

void store_indvalue_clear(struct store_indvalue *v)
{
    if (!v)
        return;
    free(v->freq);
    free(v->period);
    free(v->source);
    free(v->who);
    free(v->at);
    free(v->note);
    free(v->unit_code);
    memset(v, 0, sizeof *v);
}

void store_indvalues_free(struct store_indvalue *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_indvalue_clear(&a[i]);
    free(a);
}

int store_indicator_id(struct store_conn *c, const char *code, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT id FROM indicators WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    return store_row_int64(s, id);
}

/* ---- writing ----------------------------------------------------------------------------- */

static void bind_opt(sqlite3_stmt *s, int i, int has, double v)
{
    if (has)
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

/* The stored row's value, num, den and revision; IOC_ENOTFOUND when none. *same: 1 when they
 * equal v's. */
static int current(struct store_conn *w, const struct store_indvalue *v, int64_t *revision,
                   int *same)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "SELECT revision, value IS ?5 AND num IS ?6 AND den IS ?7 FROM "
                           "ind_values WHERE indicator_id = ?1 AND freq = ?2 AND period_n = ?3 "
                           "AND unit_id = ?4",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, v->indicator_id);
    store_bind_text(s, 2, txt(v->freq));
    sqlite3_bind_int64(s, 3, v->period_n);
    sqlite3_bind_int64(s, 4, v->unit_id);
    sqlite3_bind_double(s, 5, v->value);
    bind_opt(s, 6, v->has_ratio, v->num);
    bind_opt(s, 7, v->has_ratio, v->den);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *revision = sqlite3_column_int64(s, 0);
        *same = sqlite3_column_int(s, 1);
    }
    rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? IOC_ENOTFOUND : store_step_rc(s, step);
    sqlite3_finalize(s);
    return rc;
}

#define KEY_WHERE "indicator_id = ?1 AND freq = ?2 AND period_n = ?3 AND unit_id = ?4"

static int keep_revision(struct store_conn *w, const struct store_indvalue *v)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare(w,
                      "INSERT INTO ind_value_revisions (indicator_id, unit_id, freq, period_n, "
                      "period, revision, value, num, den, source, who, at, note) SELECT "
                      "indicator_id, unit_id, freq, period_n, period, revision, value, num, "
                      "den, source, who, at, note FROM ind_values WHERE " KEY_WHERE,
                      &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, v->indicator_id);
    store_bind_text(s, 2, txt(v->freq));
    sqlite3_bind_int64(s, 3, v->period_n);
    sqlite3_bind_int64(s, 4, v->unit_id);
    return store_step_done(s);
}

int store_indvalue_put(struct store_conn *w, const struct store_indvalue *v,
                       enum store_iv_outcome *outcome)
{
    int64_t revision = 0;
    int same = 0;
    int rc = current(w, v, &revision, &same);
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    int exists = rc == 0;
    if (exists && same) {
        *outcome = STORE_IV_UNCHANGED;
        return 0;
    }
    if (exists && (rc = keep_revision(w, v)) != 0)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare(w,
                       "INSERT INTO ind_values (indicator_id, freq, period_n, unit_id, period, "
                       "value, num, den, source, revision, who, at, note) VALUES (?1, ?2, ?3, "
                       "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT DO UPDATE SET "
                       "value = excluded.value, num = excluded.num, den = excluded.den, "
                       "source = excluded.source, revision = excluded.revision, "
                       "who = excluded.who, at = excluded.at, note = excluded.note",
                       &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, v->indicator_id);
    store_bind_text(s, 2, txt(v->freq));
    sqlite3_bind_int64(s, 3, v->period_n);
    sqlite3_bind_int64(s, 4, v->unit_id);
    store_bind_text(s, 5, txt(v->period));
    sqlite3_bind_double(s, 6, v->value);
    bind_opt(s, 7, v->has_ratio, v->num);
    bind_opt(s, 8, v->has_ratio, v->den);
    store_bind_text(s, 9, txt(v->source));
    sqlite3_bind_int64(s, 10, revision + 1);
    store_bind_text(s, 11, txt(v->who));
    store_bind_text(s, 12, txt(v->at));
    store_bind_text(s, 13, txt(v->note));
    rc = store_step_done(s);
    if (rc == 0)
        *outcome = exists ? STORE_IV_REVISED : STORE_IV_ADDED;
    return rc;
}

int store_indvalues_bulk_cache(struct store_conn *w, int64_t kib, int64_t *was_kib)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "PRAGMA cache_size", &s);
    int64_t was = 0;
    if (rc == 0 && (rc = store_row_int64(s, &was)) == 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld", (long long)-kib);
        rc = store_exec(w, sql);
    }
    if (rc == 0 && was_kib) /* a negative size is in KiB, a positive one in pages */
        *was_kib = was < 0 ? -was : was * 4;
    return rc;
}

/*
 * Many new values at once, in the caller's transaction: one INSERT statement prepared once and
 * reused for every row (revision 1). A row whose key already holds a value is not inserted but
 * handed to store_indvalue_put, so revisions and "unchanged" follow the same rules.
 */
int store_indvalues_bulk_put(struct store_conn *w, const struct store_indvalue *v, size_t n,
                             int64_t *added, int64_t *revised)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "INSERT INTO ind_values (indicator_id, freq, period_n, unit_id, period, "
                           "value, num, den, source, revision, who, at, note) VALUES (?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
                           &s);
    if (rc)
        return rc;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct store_indvalue *x = &v[i];
        sqlite3_bind_int64(s, 1, x->indicator_id);
        store_bind_text(s, 2, txt(x->freq));
        sqlite3_bind_int64(s, 3, x->period_n);
        sqlite3_bind_int64(s, 4, x->unit_id);
        store_bind_text(s, 5, txt(x->period));
        sqlite3_bind_double(s, 6, x->value);
        bind_opt(s, 7, x->has_ratio, x->num);
        bind_opt(s, 8, x->has_ratio, x->den);
        store_bind_text(s, 9, txt(x->source));
        store_bind_text(s, 10, txt(x->who));
        store_bind_text(s, 11, txt(x->at));
        store_bind_text(s, 12, txt(x->note));
        int step = sqlite3_step(s);
        rc = step == SQLITE_DONE ? 0 : store_step_rc(s, step);
        sqlite3_reset(s);
        if (rc == 0 && sqlite3_changes(sqlite3_db_handle(s)) > 0) {
            if (added)
                ++*added;
        } else if (rc == 0) {
            enum store_iv_outcome o = STORE_IV_UNCHANGED;
            rc = store_indvalue_put(w, x, &o);
            if (rc == 0 && o == STORE_IV_REVISED && revised)
                ++*revised;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- reading one value and its history --------------------------------------------------- */

#define IV_COLS                                                                                    \
    "v.indicator_id, v.unit_id, v.freq, v.period_n, v.period, v.value, v.num IS NOT NULL, "        \
    "coalesce(v.num, 0), coalesce(v.den, 0), v.source, v.revision, v.who, v.at, v.note, "          \
    "(SELECT code FROM units WHERE id = v.unit_id)"

static int fill_value(sqlite3_stmt *s, void *p)
{
    struct store_indvalue *v = p;
    memset(v, 0, sizeof *v);
    v->indicator_id = sqlite3_column_int64(s, 0);
    v->unit_id = sqlite3_column_int64(s, 1);
    v->period_n = sqlite3_column_int64(s, 3);
    v->value = sqlite3_column_double(s, 5);
    v->has_ratio = sqlite3_column_int(s, 6);
    v->num = sqlite3_column_double(s, 7);
    v->den = sqlite3_column_double(s, 8);
    v->revision = sqlite3_column_int64(s, 10);
    char **str[] = {&v->freq, &v->period, &v->source, &v->who, &v->at, &v->note, &v->unit_code};
    const int col[] = {2, 4, 9, 11, 12, 13, 14};
    for (int i = 0; i < 7; i++)
        if (!(*str[i] = store_col_dup(s, col[i]))) {
            store_indvalue_clear(v);
            return IOC_ENOMEM;
        }
    return 0;
}

static void clear_value_v(void *p)
{
    store_indvalue_clear(p);
}

static void bind_key(sqlite3_stmt *s, int64_t indicator_id, const char *freq, int64_t period_n,
                     int64_t unit_id)
{
    sqlite3_bind_int64(s, 1, indicator_id);
    store_bind_text(s, 2, txt(freq));
    sqlite3_bind_int64(s, 3, period_n);
    sqlite3_bind_int64(s, 4, unit_id);
}

int store_indvalue_get(struct store_conn *c, int64_t indicator_id, const char *freq,
                       int64_t period_n, int64_t unit_id, struct store_indvalue *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " IV_COLS " FROM ind_values v WHERE " KEY_WHERE, &s);
    if (rc)
        return rc;
    bind_key(s, indicator_id, freq, period_n, unit_id);
    return store_row(s, fill_value, out);
}

int store_indvalue_history(struct store_conn *c, int64_t indicator_id, const char *freq,
                           int64_t period_n, int64_t unit_id, struct store_indvalue **out,
                           size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT * FROM (SELECT " IV_COLS " FROM ind_values v WHERE " KEY_WHERE
                           " UNION ALL SELECT " IV_COLS
                           " FROM ind_value_revisions v WHERE " KEY_WHERE ") ORDER BY 11 DESC",
                           &s);
    if (rc)
        return rc;
    bind_key(s, indicator_id, freq, period_n, unit_id);
    return store_rows(s, sizeof **out, fill_value, clear_value_v, (void **)out, n);
}

/* ---- the rows a roll-up reads ------------------------------------------------------------ */

static int fill_base(sqlite3_stmt *s, void *p)
{
    struct store_indbase *b = p;
    b->period_n = sqlite3_column_int64(s, 0);
    b->own = sqlite3_column_int(s, 1);
    b->value = sqlite3_column_double(s, 2);
    b->has_ratio = sqlite3_column_int(s, 3);
    b->num = sqlite3_column_double(s, 4);
    b->den = sqlite3_column_double(s, 5);
    b->share = 1;
    b->approximate = 0;
    return 0;
}

static void clear_base_v(void *p)
{
    (void)p;
}

/*
 * The units under every version of code: versions of its children (by parent_code) whose
 * validity overlaps their parent's, and so on down (at most 4 levels deep). Then the values
 * of the communes among them, and of code itself (own = 1).
 */
static const char base_sql[] =
    "WITH RECURSIVE sub(id, code, level, vf, vt, depth) AS ("
    "  SELECT id, code, level, valid_from, valid_to, 0 FROM units WHERE code = ?1"
    "  UNION"
    "  SELECT u.id, u.code, u.level, u.valid_from, u.valid_to, sub.depth + 1 FROM units u"
    "  JOIN sub ON u.parent_code = sub.code"
    "  AND (sub.vt = '' OR u.valid_from <= sub.vt) AND (u.valid_to = '' OR u.valid_to >= sub.vf)"
    "  WHERE sub.depth < 4),"
    " tgt(id, own) AS (SELECT id, max(code = ?1) FROM sub WHERE level = 'commune' OR code = ?1"
    "  GROUP BY id)"
    /* each target unit, then its values through ind_values_unit */
    "SELECT v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM tgt CROSS JOIN ind_values v INDEXED BY ind_values_unit"
    " ON v.unit_id = tgt.id AND v.indicator_id = ?2 AND v.freq = ?3"
    " AND v.period_n BETWEEN ?4 AND ?5"
    " ORDER BY v.period_n, 2 DESC";

int store_indvalue_base(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                        const char *freq, int64_t from_n, int64_t to_n, struct store_indbase **out,
                        size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, base_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    sqlite3_bind_int64(s, 2, indicator_id);
    store_bind_text(s, 3, txt(freq));
    sqlite3_bind_int64(s, 4, from_n);
    sqlite3_bind_int64(s, 5, to_n);
    return store_rows(s, sizeof **out, fill_base, clear_base_v, (void **)out, n);
}

/*
 * The share of each succession link: the one set for it (ind_shares), else an equal part of
 * what the links of its old unit without a set share leave (1 / the number of links when none
 * is set); cnt the old unit's number of links. The one place this rule is written: the base
 * rows in a geography and the export of the shares both read it.
 */
#define LINKS_CTE                                                                                  \
    " links AS (SELECT s.old_id, s.new_id, s.partial, count(*) OVER w AS cnt, x.share AS "         \
    "set_share,"                                                                                   \
    "  coalesce(x.share, (1.0 - coalesce(sum(x.share) OVER w, 0))"                                 \
    "   / nullif(count(*) OVER w - count(x.share) OVER w, 0)) AS share"                            \
    "  FROM successions s LEFT JOIN ind_shares x ON x.old_id = s.old_id AND x.new_id = s.new_id"   \
    "  WINDOW w AS (PARTITION BY s.old_id))"

/*
 * The same in the geography of day ?6: the targets are the version of ?1 in force that day
 * (own) and the communes under it that day; a value recorded against a unit not in force that
 * day follows its successions (at most 4 steps), each link taking its share (LINKS_CTE) of what
 * its old unit held, approximate when the old unit had several links or the link is partial.
 */
#define AT_FORCE(u) "(" u ".valid_from <= ?6 AND (" u ".valid_to = '' OR " u ".valid_to >= ?6))"
/* clang-format off */
static const char base_at_sql[] =
    "WITH RECURSIVE t(id, code, level, own, depth) AS ("
    "  SELECT id, code, level, 1, 0 FROM units u WHERE code = ?1 AND " AT_FORCE("u")
    "  UNION ALL"
    "  SELECT u.id, u.code, u.level, 0, t.depth + 1 FROM units u JOIN t ON u.parent_code = t.code"
    "  WHERE " AT_FORCE("u") " AND t.depth < 4),"
    LINKS_CTE ","
    " map(src, cur, share, approx, depth) AS ("
    "  SELECT DISTINCT unit_id, unit_id, 1.0, 0, 0 FROM ind_values"
    "  WHERE indicator_id = ?2 AND freq = ?3 AND period_n BETWEEN ?4 AND ?5"
    "  UNION ALL"
    "  SELECT map.src, l.new_id, map.share * l.share, map.approx OR l.partial OR l.cnt > 1,"
    "  map.depth + 1 FROM map JOIN units cu ON cu.id = map.cur AND NOT " AT_FORCE("cu")
    "  JOIN links l ON l.old_id = map.cur WHERE map.depth < 4),"
    /* each stored unit that leads to a target, with its share; then its values */
    " src(id, own, share, approx) AS (SELECT map.src, t.own, map.share, map.approx FROM map"
    "  JOIN (SELECT DISTINCT id, level, own FROM t) t ON t.id = map.cur"
    "  WHERE t.level = 'commune' OR t.own = 1)"
    "SELECT v.period_n, src.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0), src.share, src.approx"
    " FROM src CROSS JOIN ind_values v INDEXED BY ind_values_unit"
    " ON v.unit_id = src.id AND v.indicator_id = ?2 AND v.freq = ?3"
    " AND v.period_n BETWEEN ?4 AND ?5"
    " ORDER BY v.period_n, src.own DESC";
/* clang-format on */

static int fill_base_at(sqlite3_stmt *s, void *p)
{
    struct store_indbase *b = p;
    fill_base(s, p);
    b->share = sqlite3_column_double(s, 6);
    b->approximate = sqlite3_column_int(s, 7);
    return 0;
}

int store_indvalue_base_at(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                           const char *at, const char *freq, int64_t from_n, int64_t to_n,
                           struct store_indbase **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, base_at_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    sqlite3_bind_int64(s, 2, indicator_id);
    store_bind_text(s, 3, txt(freq));
    sqlite3_bind_int64(s, 4, from_n);
    sqlite3_bind_int64(s, 5, to_n);
    store_bind_text(s, 6, txt(at));
    return store_rows(s, sizeof **out, fill_base_at, clear_base_v, (void **)out, n);
}

/* ---- units for the rules of src/indicators ----------------------------------------------- */

int store_unit_during(struct store_conn *c, const char *code, const char *first_day,
                      const char *last_day, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT id FROM units WHERE code = ?1 AND valid_from <= ?3 AND "
                           "(valid_to = '' OR valid_to >= ?2) ORDER BY valid_from DESC LIMIT 1",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    store_bind_text(s, 2, txt(first_day));
    store_bind_text(s, 3, txt(last_day));
    return store_row_int64(s, id);
}

int store_unit_under(struct store_conn *c, int64_t unit_id, const char *ancestor_code, int *yes)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c,
        "WITH RECURSIVE up(code, parent, vf, vt, depth) AS ("
        "  SELECT code, parent_code, valid_from, valid_to, 0 FROM units WHERE id = ?1"
        "  UNION"
        "  SELECT p.code, p.parent_code, p.valid_from, p.valid_to, up.depth + 1 FROM units p"
        "  JOIN up ON p.code = up.parent AND (up.vt = '' OR p.valid_from <= up.vt)"
        "  AND (p.valid_to = '' OR p.valid_to >= up.vf) WHERE up.depth < 4)"
        "SELECT count(*) > 0 FROM up WHERE code = ?2",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, unit_id);
    store_bind_text(s, 2, txt(ancestor_code));
    int64_t v = 0;
    rc = store_row_int64(s, &v);
    if (rc == 0)
        *yes = v != 0;
    return rc;
}

/* ---- closed periods ---------------------------------------------------------------------- */

void store_period_state_clear(struct store_period_state *p)
{
    if (!p)
        return;
    free(p->who);
    free(p->at);
    free(p->note);
    memset(p, 0, sizeof *p);
}

static int fill_period(sqlite3_stmt *s, void *p)
{
    struct store_period_state *x = p;
    memset(x, 0, sizeof *x);
    x->closed = 1;
    x->who = store_col_dup(s, 0);
    x->at = store_col_dup(s, 1);
    x->note = store_col_dup(s, 2);
    if (!x->who || !x->at || !x->note) {
        store_period_state_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_period_get(struct store_conn *c, const char *freq, int64_t period_n,
                     struct store_period_state *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c, "SELECT who, at, note FROM ind_periods_closed WHERE freq = ?1 AND period_n = ?2", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(freq));
    sqlite3_bind_int64(s, 2, period_n);
    rc = store_row(s, fill_period, out);
    if (rc == IOC_ENOTFOUND) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    return rc;
}

int store_period_set(struct store_conn *w, const char *freq, int64_t period_n, const char *period,
                     int closed, const char *who, const char *at, const char *note)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           closed ? "INSERT INTO ind_periods_closed (freq, period_n, period, who, "
                                    "at, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO "
                                    "UPDATE SET who = excluded.who, at = excluded.at, "
                                    "note = excluded.note"
                                  : "DELETE FROM ind_periods_closed WHERE freq = ?1 AND "
                                    "period_n = ?2",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(freq));
    sqlite3_bind_int64(s, 2, period_n);
    if (closed) {
        store_bind_text(s, 3, txt(period));
        store_bind_text(s, 4, txt(who));
        store_bind_text(s, 5, txt(at));
        store_bind_text(s, 6, txt(note));
    }
    return store_step_done(s);
}

/* ---- the overview and the freshness table (reads over every indicator at once) ----------- */

static int fill_ind_id(sqlite3_stmt *s, void *p)
{
    struct store_ind_id *x = p;
    x->id = sqlite3_column_int64(s, 0);
    const unsigned char *code = sqlite3_column_text(s, 1);
    size_t len = code ? strlen((const char *)code) : 0;
    if (len >= sizeof x->code)
        len = sizeof x->code - 1;
    memcpy(x->code, code ? (const char *)code : "", len);
    x->code[len] = '\0';
    return 0;
}

int store_ind_ids(struct store_conn *c, struct store_ind_id **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT id, code FROM indicators ORDER BY code", &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_ind_id, clear_base_v, (void **)out, n);
}

/*
 * Every indicator's values at freq in [?3, ?4] below unit ?1 (today's geography, as base_sql):
 * one walk of the primary key per indicator (in catalogue order, so each indicator's rows come
 * together, by period), keeping the rows of the target units; only the indicators of domain ?5
 * and in the JSON array of ids ?6 when they are not NULL.
 */
#define BASE_ALL_TGT                                                                               \
    "WITH RECURSIVE sub(id, code, level, vf, vt, depth) AS ("                                      \
    "  SELECT id, code, level, valid_from, valid_to, 0 FROM units WHERE code = ?1"                 \
    "  UNION"                                                                                      \
    "  SELECT u.id, u.code, u.level, u.valid_from, u.valid_to, sub.depth + 1 FROM units u"         \
    "  JOIN sub ON u.parent_code = sub.code"                                                       \
    "  AND (sub.vt = '' OR u.valid_from <= sub.vt) AND (u.valid_to = '' OR u.valid_to >= sub.vf)"  \
    "  WHERE sub.depth < 4),"                                                                      \
    " tgt(id, own) AS MATERIALIZED (SELECT id, max(code = ?1) FROM sub"                            \
    "  WHERE level = 'commune' OR code = ?1 GROUP BY id)"
#define BASE_ALL_WHERE                                                                             \
    " WHERE (?5 IS NULL OR i.domain = ?5)"                                                         \
    " AND (?6 IS NULL OR i.id IN (SELECT value FROM json_each(?6)))"                               \
    " ORDER BY i.position, v.period_n"
/* many target units (a province): each indicator's rows by the primary key, filtered */
static const char base_all_sql[] = BASE_ALL_TGT
    "SELECT v.indicator_id, v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM indicators i CROSS JOIN ind_values v"
    " ON v.indicator_id = i.id AND v.freq = ?2 AND v.period_n BETWEEN ?3 AND ?4"
    " JOIN tgt ON tgt.id = v.unit_id" BASE_ALL_WHERE;
/* a few (a commune): each (indicator, unit) looked up in ind_values_unit */
static const char base_all_few_sql[] = BASE_ALL_TGT
    "SELECT v.indicator_id, v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM indicators i CROSS JOIN tgt CROSS JOIN ind_values v"
    " INDEXED BY ind_values_unit ON v.unit_id = tgt.id AND v.indicator_id = i.id AND v.freq = ?2"
    " AND v.period_n BETWEEN ?3 AND ?4" BASE_ALL_WHERE;
#define BASE_ALL_FEW 8

static int fill_base_all(sqlite3_stmt *s, void *p)
{
    struct store_indbase_all *b = p;
    b->indicator_id = sqlite3_column_int64(s, 0);
    b->period_n = sqlite3_column_int64(s, 1);
    b->own = sqlite3_column_int(s, 2);
    b->value = sqlite3_column_double(s, 3);
    b->has_ratio = sqlite3_column_int(s, 4);
    b->num = sqlite3_column_double(s, 5);
    b->den = sqlite3_column_double(s, 6);
    return 0;
}

int store_indvalue_base_all(struct store_conn *c, const char *unit_code, const char *freq,
                            int64_t from_n, int64_t to_n, const char *domain, const char *ids_json,
                            struct store_indbase_all **out, size_t *n)
{
    sqlite3_stmt *s;
    int64_t units = 0;
    int rc = store_prepare(c, BASE_ALL_TGT "SELECT count(*) FROM tgt", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    if ((rc = store_row_int64(s, &units)) != 0)
        return rc;
    rc = store_prepare(c, units <= BASE_ALL_FEW ? base_all_few_sql : base_all_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    store_bind_text(s, 2, txt(freq));
    sqlite3_bind_int64(s, 3, from_n);
    sqlite3_bind_int64(s, 4, to_n);
    if (domain)
        store_bind_text(s, 5, domain);
    if (ids_json)
        store_bind_text(s, 6, ids_json);
    return store_rows(s, sizeof **out, fill_base_all, clear_base_v, (void **)out, n);
}

/* The first submission of each value: revision 1's time, kept in the revisions once the value
 * was revised, else the current row's. */
static const char firsts_sql[] =
    "SELECT v.indicator_id, v.unit_id, CAST(strftime('%s', coalesce((SELECT r.at FROM"
    " ind_value_revisions r WHERE r.indicator_id = v.indicator_id AND r.unit_id = v.unit_id"
    " AND r.freq = v.freq AND r.period_n = v.period_n AND r.revision = 1), v.at)) AS INTEGER)"
    " FROM indicators i CROSS JOIN ind_values v ON v.indicator_id = i.id AND v.freq = ?1"
    " AND v.period_n = ?2 ORDER BY v.indicator_id, v.unit_id";

static int fill_first(sqlite3_stmt *s, void *p)
{
    struct store_indfirst *f = p;
    f->indicator_id = sqlite3_column_int64(s, 0);
    f->unit_id = sqlite3_column_int64(s, 1);
    f->first_s = sqlite3_column_int64(s, 2);
    return 0;
}

int store_indvalue_firsts(struct store_conn *c, const char *freq, int64_t period_n,
                          struct store_indfirst **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, firsts_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(freq));
    sqlite3_bind_int64(s, 2, period_n);
    return store_rows(s, sizeof **out, fill_first, clear_base_v, (void **)out, n);
}

/* The version of ?1 (or of the province when ?1 is "") in force on day ?2 (own), and the
 * communes under it that day. */
static const char expected_sql[] =
    "WITH RECURSIVE sub(id, code, level, depth) AS ("
    "  SELECT id, code, level, 0 FROM units WHERE (code = ?1 OR (?1 = '' AND level = 'province'))"
    "  AND valid_from <= ?2 AND (valid_to = '' OR valid_to >= ?2)"
    "  UNION"
    "  SELECT u.id, u.code, u.level, sub.depth + 1 FROM units u JOIN sub"
    "  ON u.parent_code = sub.code AND u.valid_from <= ?2 AND (u.valid_to = '' OR u.valid_to >= ?2)"
    "  WHERE sub.depth < 4)"
    "SELECT id, max(depth = 0) FROM sub WHERE depth = 0 OR level = 'commune' GROUP BY id"
    " ORDER BY id";

static int fill_unit_id(sqlite3_stmt *s, void *p)
{
    struct store_unit_id *u = p;
    u->id = sqlite3_column_int64(s, 0);
    u->own = sqlite3_column_int(s, 1);
    return 0;
}

int store_units_expected(struct store_conn *c, const char *unit_code, const char *day,
                         struct store_unit_id **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, expected_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    store_bind_text(s, 2, txt(day));
    return store_rows(s, sizeof **out, fill_unit_id, clear_base_v, (void **)out, n);
}

/* ---- generations (the roll-up cache's) ---------------------------------------------------- */

static int fill_gen(sqlite3_stmt *s, void *p)
{
    struct store_ind_gen *g = p;
    g->indicator_id = sqlite3_column_int64(s, 0);
    g->gen = (uint64_t)sqlite3_column_int64(s, 1);
    return 0;
}

int store_ind_gens(struct store_conn *c, int64_t indicator_id, struct store_ind_gen **out,
                   size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           indicator_id < 0
                               ? "SELECT indicator_id, gen FROM ind_gens ORDER BY indicator_id"
                               : "SELECT indicator_id, gen FROM ind_gens WHERE indicator_id IN "
                                 "(0, ?1) ORDER BY indicator_id",
                           &s);
    if (rc)
        return rc;
    if (indicator_id >= 0)
        sqlite3_bind_int64(s, 1, indicator_id);
    return store_rows(s, sizeof **out, fill_gen, clear_base_v, (void **)out, n);
}

/* ---- the shares of split communes --------------------------------------------------------- */

/* Every link of an old unit with several links, by old code then new code. */
/* clang-format off */
static const char links_sql[] =
    "WITH" LINKS_CTE
    " SELECT l.old_id, l.new_id, o.code, o.name, o.valid_to, n.code, n.name, l.partial, l.cnt,"
    "  l.set_share, l.share"
    " FROM links l JOIN units o ON o.id = l.old_id JOIN units n ON n.id = l.new_id"
    " WHERE l.cnt > 1 ORDER BY o.code, o.valid_to, n.code, n.valid_from";
/* clang-format on */

static void copy_col(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static int fill_link(sqlite3_stmt *s, void *p)
{
    struct store_ind_link *l = p;
    l->old_id = sqlite3_column_int64(s, 0);
    l->new_id = sqlite3_column_int64(s, 1);
    copy_col(s, 2, l->old_code, sizeof l->old_code);
    copy_col(s, 3, l->old_name, sizeof l->old_name);
    copy_col(s, 4, l->old_valid_to, sizeof l->old_valid_to);
    copy_col(s, 5, l->new_code, sizeof l->new_code);
    copy_col(s, 6, l->new_name, sizeof l->new_name);
    l->partial = sqlite3_column_int(s, 7);
    l->links = sqlite3_column_int(s, 8);
    l->has_share = sqlite3_column_type(s, 9) != SQLITE_NULL;
    l->share = l->has_share ? sqlite3_column_double(s, 9) : 0;
    l->effective = sqlite3_column_double(s, 10);
    return 0;
}

int store_ind_links(struct store_conn *c, struct store_ind_link **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, links_sql, &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_link, clear_base_v, (void **)out, n);
}

int store_ind_share_set(struct store_conn *w, int64_t old_id, int64_t new_id, const double *share,
                        const char *who, const char *at)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           share ? "INSERT INTO ind_shares (old_id, new_id, share, who, at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (old_id, new_id)"
                                   " DO UPDATE SET share = excluded.share, who = excluded.who,"
                                   " at = excluded.at WHERE share <> excluded.share"
                                 : "DELETE FROM ind_shares WHERE old_id = ?1 AND new_id = ?2",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, old_id);
    sqlite3_bind_int64(s, 2, new_id);
    if (share) {
        sqlite3_bind_double(s, 3, *share);
        store_bind_text(s, 4, txt(who));
        store_bind_text(s, 5, txt(at));
    }
    return store_step_done(s);
}
