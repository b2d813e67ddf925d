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
    store_finalize(s);
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
    store_finalize(s);
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
