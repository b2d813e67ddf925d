/*
 * audit.c — the audit log: one row per state change or refused attempt; newest first.
 *
 * Retention: rows are removed only by store_audit_prune, which deletes rows older than a time
 * and not newer (by id) than the last row the caller has exported, so a row that was not in
 * the export is never deleted (iocctl audit prune exports first, then prunes).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void store_audit_clear(struct store_audit *a)
{
    if (!a)
        return;
    free(a->actor);
    free(a->actor_role);
    free(a->action);
    free(a->target);
    free(a->ip);
    free(a->outcome);
    free(a->request_id);
    free(a->detail);
    memset(a, 0, sizeof *a);
}

void store_audits_free(struct store_audit *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_audit_clear(&a[i]);
    free(a);
}

int store_audit_add(struct store_conn *w, const struct store_audit *a)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "INSERT INTO audit (ts_ms, actor, actor_role, agency_id, action, "
                                  "target, ip, outcome, request_id, detail) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, a->ts_ms ? a->ts_ms : ioc_now_ms());
    store_bind_text(s, 2, a->actor ? a->actor : "anonymous");
    store_bind_text(s, 3, a->actor_role ? a->actor_role : "");
    sqlite3_bind_int64(s, 4, a->agency_id);
    store_bind_text(s, 5, a->action ? a->action : "");
    store_bind_text(s, 6, a->target ? a->target : "");
    store_bind_text(s, 7, a->ip ? a->ip : "");
    store_bind_text(s, 8, a->outcome ? a->outcome : "ok");
    store_bind_text(s, 9, a->request_id ? a->request_id : "");
    store_bind_text(s, 10, a->detail ? a->detail : "");
    return store_step_done(s);
}

#define AUDIT_COLUMNS                                                                              \
    "id, ts_ms, actor, actor_role, agency_id, action, target, ip, outcome, request_id, detail"

/* Fills r (a struct store_audit) from a row of AUDIT_COLUMNS; on IOC_ENOMEM r holds nothing. */
static int read_row(sqlite3_stmt *s, void *p)
{
    struct store_audit *r = p;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    r->ts_ms = sqlite3_column_int64(s, 1);
    r->agency_id = sqlite3_column_int64(s, 4);
    char **str[] = {&r->actor, &r->actor_role, NULL,           &r->action, &r->target,
                    &r->ip,    &r->outcome,    &r->request_id, &r->detail};
    int rc = 0;
    for (int i = 0; i < 9 && rc == 0; i++)
        if (str[i] && !(*str[i] = store_col_dup(s, 2 + i)))
            rc = IOC_ENOMEM;
    if (rc)
        store_audit_clear(r);
    return rc;
}

static void audit_clear_v(void *p)
{
    store_audit_clear(p);
}

int store_audit_each(struct store_conn *c, int64_t since_ms, int64_t until_ms, store_audit_cb cb,
                     void *ctx, struct store_audit_span *span)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             "SELECT " AUDIT_COLUMNS " FROM audit WHERE (?1 = 0 OR ts_ms >= ?1) "
                             "AND (?2 = 0 OR ts_ms < ?2) ORDER BY id",
                             &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, since_ms);
    sqlite3_bind_int64(s, 2, until_ms);
    struct store_audit_span sp = {0, 0};
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_audit r;
        rc = read_row(s, &r);
        if (rc)
            break;
        rc = cb(ctx, &r);
        if (rc == 0) {
            sp.rows++;
            sp.max_id = r.id;
        }
        store_audit_clear(&r);
        if (rc)
            break;
    }
    if (rc == 0)
        rc = store_step_rc(s, step);
    store_finalize(s);
    if (rc == 0 && span)
        *span = sp;
    return rc;
}

int store_audit_prune(struct store_conn *w, int64_t before_ms, const struct store_audit_span *sp,
                      int64_t *n)
{
    int64_t max_id = sp ? sp->max_id : INT64_MAX;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "SELECT count(*) FROM audit WHERE ts_ms < ? AND id <= ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, before_ms);
    sqlite3_bind_int64(s, 2, max_id);
    int64_t count = 0;
    rc = store_row_int64(s, &count);
    if (rc)
        return rc == IOC_ENOTFOUND ? IOC_EIO : rc;
    /* more matching rows than were exported: some were never seen by the export */
    if (sp && count > sp->rows)
        return IOC_EBUSY;
    rc = store_prepare_cached(w, "DELETE FROM audit WHERE ts_ms < ? AND id <= ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, before_ms);
    sqlite3_bind_int64(s, 2, max_id);
    rc = store_step_done(s);
    if (rc == 0 && n)
        *n = count;
    return rc;
}

int store_audit_find(struct store_conn *c, const struct store_audit_query *q,
                     struct store_audit **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c,
        "SELECT " AUDIT_COLUMNS " FROM audit WHERE (?1 IS NULL OR actor = ?1) "
        "AND (?2 IS NULL OR action = ?2 OR (substr(?2, -1) = '*' AND "
        "substr(action, 1, length(?2) - 1) = substr(?2, 1, length(?2) - 1))) "
        "AND (?3 IS NULL OR outcome = ?3) AND (?4 IS NULL OR target = ?4) "
        "AND (?5 = 0 OR ts_ms >= ?5) AND (?6 = 0 OR ts_ms <= ?6) AND (?7 = 0 OR id < ?7) "
        "AND (?9 = 0 OR agency_id = ?9) "
        "ORDER BY id DESC LIMIT ?8",
        &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->actor);
    store_bind_text(s, 2, q->action);
    store_bind_text(s, 3, q->outcome);
    store_bind_text(s, 4, q->target);
    sqlite3_bind_int64(s, 5, q->since_ms);
    sqlite3_bind_int64(s, 6, q->until_ms);
    sqlite3_bind_int64(s, 7, q->before_id);
    sqlite3_bind_int(s, 8, q->limit > 0 && q->limit <= 1000 ? q->limit : 100);
    sqlite3_bind_int64(s, 9, q->agency_id);
    void *a = NULL;
    rc = store_rows(s, sizeof **out, read_row, audit_clear_v, &a, n);
    if (rc == 0)
        *out = a;
    return rc;
}
