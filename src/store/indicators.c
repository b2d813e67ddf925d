/*
 * indicators.c — the indicator catalogue's tables: domains, and indicators with every column of
 * data/indicators/catalogue.csv (the agency as a reference to agencies), a folded search key,
 * the catalogue's order, a revision counter and the time of the last change.
 *
 * The columns are stored as the catalogue's text (checked before by src/seed/indicators.c with
 * the rules of src/indicators), so that an export gives back the bytes that were imported.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const indicators_scripts[] = {
    /* 1: domains and indicators */
    "CREATE TABLE domains ("
    "  code TEXT PRIMARY KEY,"
    "  name_vi TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  position INTEGER NOT NULL);"
    "CREATE TABLE indicators ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  domain TEXT NOT NULL REFERENCES domains(code),"
    "  name_vi TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  definition_vi TEXT NOT NULL DEFAULT '',"
    "  unit TEXT NOT NULL DEFAULT '',"
    "  frequency TEXT NOT NULL,"
    "  aggregation TEXT NOT NULL,"
    "  scale TEXT NOT NULL DEFAULT '',"
    "  polarity TEXT NOT NULL,"
    "  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    "  source TEXT NOT NULL,"
    "  deadline TEXT NOT NULL DEFAULT '',"
    "  target TEXT NOT NULL DEFAULT '',"
    "  thresholds TEXT NOT NULL DEFAULT '',"
    "  expression TEXT NOT NULL DEFAULT '',"
    "  weight TEXT NOT NULL DEFAULT '',"
    "  search_folded TEXT NOT NULL DEFAULT '',"
    "  position INTEGER NOT NULL,"
    "  revision INTEGER NOT NULL DEFAULT 1,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX indicators_domain ON indicators (domain, position);"
    "CREATE INDEX indicators_position ON indicators (position);",
};

const struct store_schema store_schema_indicators = STORE_SCHEMA("indicators", indicators_scripts);

const char *const store_ind_column_names[STORE_IND_COLUMNS] = {
    "code",      "domain",      "name_vi",    "name_en",    "definition_vi", "unit",
    "frequency", "aggregation", "scale",      "polarity",   "agency",        "source",
    "deadline",  "target",      "thresholds", "expression", "weight"};

/* ---- memory ------------------------------------------------------------------------------ */

void store_ind_domain_clear(struct store_ind_domain *d)
{
    if (!d)
        return;
    free(d->code);
    free(d->name_vi);
    free(d->name_en);
    memset(d, 0, sizeof *d);
}

void store_ind_domains_free(struct store_ind_domain *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_ind_domain_clear(&a[i]);
    free(a);
}

void store_indicator_clear(struct store_indicator *x)
{
    if (!x)
        return;
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        free(x->col[i]);
    free(x->updated_at);
    memset(x, 0, sizeof *x);
}

void store_indicators_free(struct store_indicator *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_indicator_clear(&a[i]);
    free(a);
}

/* ---- writing ----------------------------------------------------------------------------- */

static const char *txt(const char *s)
{
    return s ? s : "";
}

static int domain_put(struct store_conn *w, const struct store_ind_domain *d, int64_t position,
                      struct store_ind_counts *k)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "SELECT name_vi, name_en FROM domains WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(d->code));
    int step = sqlite3_step(s);
    int exists = step == SQLITE_ROW;
    int same = exists && strcmp((const char *)sqlite3_column_text(s, 0), txt(d->name_vi)) == 0 &&
               strcmp((const char *)sqlite3_column_text(s, 1), txt(d->name_en)) == 0;
    rc = store_step_rc(s, step);
    store_finalize(s);
    if (rc)
        return rc;
    if (same) {
        k->domains_unchanged++;
        return 0;
    }
    rc = store_prepare(w,
                       exists ? "UPDATE domains SET name_vi = ?2, name_en = ?3 WHERE code = ?1"
                              : "INSERT INTO domains (code, name_vi, name_en, position) "
                                "VALUES (?1, ?2, ?3, ?4)",
                       &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(d->code));
    store_bind_text(s, 2, txt(d->name_vi));
    store_bind_text(s, 3, txt(d->name_en));
    if (!exists)
        sqlite3_bind_int64(s, 4, position);
    rc = store_step_done(s);
    if (rc == 0)
        *(exists ? &k->domains_updated : &k->domains_added) += 1;
    return rc;
}

/* The folded search key of an indicator: its code and both names. */
static char *search_key(const struct store_indicator *x)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_printf(&b, "%s %s %s", txt(x->col[STORE_IND_CODE]), txt(x->col[STORE_IND_NAME_VI]),
                   txt(x->col[STORE_IND_NAME_EN]));
    char *folded = b.data ? ioc_text_fold(b.data, b.len) : NULL;
    ioc_buf_free(&b);
    return folded;
}

/* ?1..?17 the columns (?11 the agency's code), ?18 the search key, ?19 now, ?20 position. */
#define IND_VALUES_REST                                                                            \
    "(SELECT code FROM domains WHERE code = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "                \
    "(SELECT id FROM agencies WHERE code = ?11), ?12, ?13, ?14, ?15, ?16, ?17, ?18"
#define IND_VALUES "?1, " IND_VALUES_REST
static const char ind_insert_sql[] =
    "INSERT INTO indicators (code, domain, name_vi, name_en, definition_vi, unit, frequency, "
    "aggregation, scale, polarity, agency_id, source, deadline, target, thresholds, expression, "
    "weight, search_folded, updated_at, position) VALUES (" IND_VALUES ", ?19, ?20)";
static const char ind_update_sql[] =
    "UPDATE indicators SET (domain, name_vi, name_en, definition_vi, unit, frequency, "
    "aggregation, scale, polarity, agency_id, source, deadline, target, thresholds, expression, "
    "weight, search_folded) = (SELECT " IND_VALUES_REST
    "), revision = revision + 1, updated_at = ?19 "
    "WHERE code = ?1 AND (domain IS NOT ?2 OR name_vi IS NOT ?3 OR name_en IS NOT ?4 OR "
    "definition_vi IS NOT ?5 OR unit IS NOT ?6 OR frequency IS NOT ?7 OR aggregation IS NOT ?8 "
    "OR scale IS NOT ?9 OR polarity IS NOT ?10 OR agency_id IS NOT (SELECT id FROM agencies "
    "WHERE code = ?11) OR source IS NOT ?12 OR deadline IS NOT ?13 OR target IS NOT ?14 OR "
    "thresholds IS NOT ?15 OR expression IS NOT ?16 OR weight IS NOT ?17)";

static int indicator_put(struct store_conn *w, const struct store_indicator *x, int64_t position,
                         const char *now, struct store_ind_counts *k)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "SELECT count(*) FROM indicators WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(x->col[STORE_IND_CODE]));
    int64_t exists = 0;
    if ((rc = store_row_int64(s, &exists)) != 0)
        return rc;
    char *folded = search_key(x);
    if (!folded)
        return IOC_EINVAL;
    rc = store_prepare(w, exists ? ind_update_sql : ind_insert_sql, &s);
    if (rc) {
        free(folded);
        return rc;
    }
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        store_bind_text(s, i + 1, txt(x->col[i]));
    store_bind_text(s, 18, folded);
    store_bind_text(s, 19, now);
    if (!exists)
        sqlite3_bind_int64(s, 20, position);
    rc = store_step_done(s);
    free(folded);
    if (rc)
        return rc;
    if (!exists)
        k->added++;
    else if (sqlite3_changes(w->db) > 0)
        k->updated++;
    else
        k->unchanged++;
    return 0;
}

int store_ind_catalogue_put(struct store_conn *w, const struct store_ind_domain *d, size_t nd,
                            const struct store_indicator *x, size_t nx,
                            struct store_ind_counts *counts)
{
    struct store_ind_counts k = {0};
    int64_t dbase = 0, xbase = 0;
    int rc = store_scalar(w, "SELECT coalesce(max(position) + 1, 0) FROM domains", &dbase);
    rc = rc ? rc : store_scalar(w, "SELECT coalesce(max(position) + 1, 0) FROM indicators", &xbase);
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    for (size_t i = 0; rc == 0 && i < nd; i++)
        rc = domain_put(w, &d[i], dbase + (int64_t)i, &k);
    for (size_t i = 0; rc == 0 && i < nx; i++)
        rc = indicator_put(w, &x[i], xbase + (int64_t)i, now, &k);
    if (rc == 0 && counts)
        *counts = k;
    return rc;
}

/* ---- reading ----------------------------------------------------------------------------- */

static int fill_domain(sqlite3_stmt *s, void *p)
{
    struct store_ind_domain *d = p;
    memset(d, 0, sizeof *d);
    d->code = store_col_dup(s, 0);
    d->name_vi = store_col_dup(s, 1);
    d->name_en = store_col_dup(s, 2);
    d->position = sqlite3_column_int64(s, 3);
    if (!d->code || !d->name_vi || !d->name_en) {
        store_ind_domain_clear(d);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_domain_v(void *p)
{
    store_ind_domain_clear(p);
}

int store_ind_domains_list(struct store_conn *c, struct store_ind_domain **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c, "SELECT code, name_vi, name_en, position FROM domains ORDER BY position, code", &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_domain, clear_domain_v, (void **)out, n);
}

int store_ind_domain_get(struct store_conn *c, const char *code, struct store_ind_domain *out)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare(c, "SELECT code, name_vi, name_en, position FROM domains WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    return store_row(s, fill_domain, out);
}

#define IND_SELECT                                                                                 \
    "SELECT i.code, i.domain, i.name_vi, i.name_en, i.definition_vi, i.unit, i.frequency, "        \
    "i.aggregation, i.scale, i.polarity, a.code, i.source, i.deadline, i.target, i.thresholds, "   \
    "i.expression, i.weight, i.position, i.revision, i.updated_at "                                \
    "FROM indicators i JOIN agencies a ON a.id = i.agency_id "

static int fill_indicator(sqlite3_stmt *s, void *p)
{
    struct store_indicator *x = p;
    memset(x, 0, sizeof *x);
    int ok = 1;
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        ok &= (x->col[i] = store_col_dup(s, i)) != NULL;
    x->position = sqlite3_column_int64(s, STORE_IND_COLUMNS);
    x->revision = sqlite3_column_int64(s, STORE_IND_COLUMNS + 1);
    ok &= (x->updated_at = store_col_dup(s, STORE_IND_COLUMNS + 2)) != NULL;
    if (!ok) {
        store_indicator_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_indicator_v(void *p)
{
    store_indicator_clear(p);
}

int store_indicator_get(struct store_conn *c, const char *code, struct store_indicator *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, IND_SELECT "WHERE i.code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    return store_row(s, fill_indicator, out);
}

#define IND_WHERE                                                                                  \
    "WHERE (?1 IS NULL OR i.domain = ?1) AND (?2 IS NULL OR instr(i.search_folded, ?2) > 0) "

int store_indicators_find(struct store_conn *c, const struct store_ind_query *q,
                          struct store_indicator **out, size_t *n, int64_t *total)
{
    sqlite3_stmt *s;
    int rc;
    if (total) {
        rc = store_prepare(c, "SELECT count(*) FROM indicators i " IND_WHERE, &s);
        if (rc)
            return rc;
        store_bind_text(s, 1, q->domain);
        store_bind_text(s, 2, q->q_folded);
        if ((rc = store_row_int64(s, total)) != 0)
            return rc;
    }
    rc =
        store_prepare(c, IND_SELECT IND_WHERE "ORDER BY i.position, i.code LIMIT ?3 OFFSET ?4", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->domain);
    store_bind_text(s, 2, q->q_folded);
    sqlite3_bind_int64(s, 3, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int64(s, 4, q->offset > 0 ? q->offset : 0);
    return store_rows(s, sizeof **out, fill_indicator, clear_indicator_v, (void **)out, n);
}
