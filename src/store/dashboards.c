/*
 * dashboards.c — the dashboards' table: each dashboard's canonical document (checked before by
 * src/dashboards) with its id, titles, domain, tags, panel count and a folded search key beside
 * it, the order of listing, a revision counter, who changed it last and when.
 *
 * A put whose document equals the stored one changes nothing (revision and updated_* kept), so
 * that loading the same file twice, or saving an unchanged dashboard, is no change. The
 * condition on the revision (If-Match) is checked in the same transaction as the write.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const dashboards_scripts[] = {
    /* 1: dashboards */
    "CREATE TABLE dashboards ("
    "  id TEXT PRIMARY KEY,"
    "  title_vi TEXT NOT NULL,"
    "  title_en TEXT NOT NULL DEFAULT '',"
    "  domain TEXT NOT NULL DEFAULT '',"
    "  tags TEXT NOT NULL DEFAULT '',"
    "  search_folded TEXT NOT NULL DEFAULT '',"
    "  panels INTEGER NOT NULL DEFAULT 0,"
    "  document TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  revision INTEGER NOT NULL DEFAULT 1,"
    "  updated_by TEXT NOT NULL DEFAULT '',"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX dashboards_domain ON dashboards (domain, position);"
    "CREATE INDEX dashboards_position ON dashboards (position);",
};

const struct store_schema store_schema_dashboards = STORE_SCHEMA("dashboards", dashboards_scripts);

void store_dashboard_clear(struct store_dashboard *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->title_vi);
    free(d->title_en);
    free(d->domain);
    free(d->tags);
    free(d->document);
    free(d->updated_by);
    free(d->updated_at);
    memset(d, 0, sizeof *d);
}

void store_dashboards_free(struct store_dashboard *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_dashboard_clear(&a[i]);
    free(a);
}

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ---- writing ----------------------------------------------------------------------------- */

/* The stored revision of id and whether its document equals doc (0, 0 when absent). */
static int current(struct store_conn *w, const char *id, const char *doc, int64_t *revision,
                   int *same)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "SELECT revision, document = ?2 FROM dashboards WHERE id = ?1", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, id);
    store_bind_text(s, 2, doc ? doc : "");
    int step = sqlite3_step(s);
    *revision = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    *same = step == SQLITE_ROW && sqlite3_column_int(s, 1) == 1;
    rc = store_step_rc(s, step);
    store_finalize(s);
    return rc;
}

static int holds(int64_t if_revision, int64_t revision)
{
    if (if_revision == STORE_DASH_ANY)
        return 1;
    if (if_revision == STORE_DASH_EXISTS)
        return revision > 0;
    if (if_revision == STORE_DASH_ABSENT)
        return revision == 0;
    return revision > 0 && revision == if_revision;
}

/* The folded search key: id, both titles and the tags. */
static char *search_key(const struct store_dashboard *d)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_printf(&b, "%s %s %s %s", txt(d->id), txt(d->title_vi), txt(d->title_en), txt(d->tags));
    char *folded = b.data ? ioc_text_fold(b.data, b.len) : NULL;
    ioc_buf_free(&b);
    return folded;
}

static const char dash_insert_sql[] =
    "INSERT INTO dashboards (id, title_vi, title_en, domain, tags, search_folded, panels, "
    "document, updated_by, updated_at, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "(SELECT coalesce(max(position) + 1, 0) FROM dashboards))";
static const char dash_update_sql[] =
    "UPDATE dashboards SET title_vi = ?2, title_en = ?3, domain = ?4, tags = ?5, "
    "search_folded = ?6, panels = ?7, document = ?8, updated_by = ?9, updated_at = ?10, "
    "revision = revision + 1 WHERE id = ?1";

int store_dashboard_put(struct store_conn *w, const struct store_dashboard *d, int64_t if_revision,
                        enum store_dash_outcome *outcome, int64_t *revision)
{
    int64_t rev = 0;
    int same = 0;
    int rc = current(w, txt(d->id), d->document, &rev, &same);
    if (rc)
        return rc;
    enum store_dash_outcome o = !holds(if_revision, rev) ? STORE_DASH_STALE
                                : same                   ? STORE_DASH_UNCHANGED
                                : rev                    ? STORE_DASH_UPDATED
                                                         : STORE_DASH_ADDED;
    if (o == STORE_DASH_UPDATED || o == STORE_DASH_ADDED) {
        char *folded = search_key(d);
        if (!folded)
            return IOC_ENOMEM;
        sqlite3_stmt *s;
        rc = store_prepare(w, rev ? dash_update_sql : dash_insert_sql, &s);
        if (rc) {
            free(folded);
            return rc;
        }
        char now[32];
        ioc_time_rfc3339(ioc_now_ms(), now);
        const char *cols[] = {d->id, d->title_vi, d->title_en, d->domain, d->tags, folded};
        for (int i = 0; i < 6; i++)
            store_bind_text(s, i + 1, txt(cols[i]));
        sqlite3_bind_int64(s, 7, d->panels);
        store_bind_text(s, 8, txt(d->document));
        store_bind_text(s, 9, txt(d->updated_by));
        store_bind_text(s, 10, now);
        rc = store_step_done(s);
        free(folded);
        if (rc)
            return rc;
        rev++;
    }
    *outcome = o;
    if (revision)
        *revision = rev;
    return 0;
}

int store_dashboard_delete(struct store_conn *w, const char *id, int64_t if_revision, int *stale)
{
    int64_t rev = 0;
    int same = 0;
    int rc = current(w, txt(id), NULL, &rev, &same);
    if (rc)
        return rc;
    if (rev == 0)
        return IOC_ENOTFOUND;
    int ok = holds(if_revision, rev);
    if (stale)
        *stale = !ok;
    if (!ok)
        return 0;
    sqlite3_stmt *s;
    rc = store_prepare(w, "DELETE FROM dashboards WHERE id = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, id);
    return store_step_done(s);
}

/* ---- reading ----------------------------------------------------------------------------- */

#define DASH_COLUMNS                                                                               \
    "id, title_vi, title_en, domain, tags, panels, position, revision, updated_by, updated_at "

static int fill(sqlite3_stmt *s, void *p, int with_document)
{
    struct store_dashboard *d = p;
    memset(d, 0, sizeof *d);
    int ok = (d->id = store_col_dup(s, 0)) != NULL;
    ok &= (d->title_vi = store_col_dup(s, 1)) != NULL;
    ok &= (d->title_en = store_col_dup(s, 2)) != NULL;
    ok &= (d->domain = store_col_dup(s, 3)) != NULL;
    ok &= (d->tags = store_col_dup(s, 4)) != NULL;
    d->panels = sqlite3_column_int64(s, 5);
    d->position = sqlite3_column_int64(s, 6);
    d->revision = sqlite3_column_int64(s, 7);
    ok &= (d->updated_by = store_col_dup(s, 8)) != NULL;
    ok &= (d->updated_at = store_col_dup(s, 9)) != NULL;
    if (with_document)
        ok &= (d->document = store_col_dup(s, 10)) != NULL;
    if (!ok) {
        store_dashboard_clear(d);
        return IOC_ENOMEM;
    }
    return 0;
}

static int fill_summary(sqlite3_stmt *s, void *p)
{
    return fill(s, p, 0);
}

static int fill_document(sqlite3_stmt *s, void *p)
{
    return fill(s, p, 1);
}

static void clear_v(void *p)
{
    store_dashboard_clear(p);
}

int store_dashboard_get(struct store_conn *c, const char *id, struct store_dashboard *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " DASH_COLUMNS ", document FROM dashboards WHERE id = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(id));
    return store_row(s, fill_document, out);
}

#define DASH_WHERE                                                                                 \
    "WHERE (?1 IS NULL OR domain = ?1) AND (?2 IS NULL OR instr(search_folded, ?2) > 0) "

int store_dashboards_find(struct store_conn *c, const struct store_dash_query *q,
                          struct store_dashboard **out, size_t *n, int64_t *total)
{
    sqlite3_stmt *s;
    int rc;
    if (total) {
        rc = store_prepare(c, "SELECT count(*) FROM dashboards " DASH_WHERE, &s);
        if (rc)
            return rc;
        store_bind_text(s, 1, q->domain);
        store_bind_text(s, 2, q->q_folded);
        if ((rc = store_row_int64(s, total)) != 0)
            return rc;
    }
    rc = store_prepare(c,
                       q->with_document ? "SELECT " DASH_COLUMNS
                                          ", document FROM dashboards " DASH_WHERE
                                          "ORDER BY position, id LIMIT ?3 OFFSET ?4"
                                        : "SELECT " DASH_COLUMNS "FROM dashboards " DASH_WHERE
                                          "ORDER BY position, id LIMIT ?3 OFFSET ?4",
                       &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->domain);
    store_bind_text(s, 2, q->q_folded);
    sqlite3_bind_int64(s, 3, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int64(s, 4, q->offset > 0 ? q->offset : 0);
    return store_rows(s, sizeof **out, q->with_document ? fill_document : fill_summary, clear_v,
                      (void **)out, n);
}

int store_dashboard_ref_exists(struct store_conn *c, enum store_dash_ref kind, const char *code,
                               int *yes)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM indicators WHERE code = ?",
        "SELECT count(*) FROM domains WHERE code = ?",
        "SELECT count(*) FROM (SELECT 1 FROM units WHERE code = ? LIMIT 1)",
    };
    if ((int)kind < 0 || (size_t)kind >= IOC_ARRAY_LEN(sql))
        return IOC_EINVAL;
    sqlite3_stmt *s;
    int rc = store_prepare(c, sql[kind], &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    int64_t n = 0;
    if ((rc = store_row_int64(s, &n)) != 0)
        return rc;
    *yes = n > 0;
    return 0;
}
