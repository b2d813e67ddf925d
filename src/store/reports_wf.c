/*
 * reports_wf.c — the tables of the citizen reports' workflow (src/reports/workflow.c has the
 * rules): the staff's search, events with their kind and public flag, state changes, the
 * citizen's rating and tokens (stored hashed), and the bounding-box prefilter of the nearby
 * duplicates.
 */
#include "store/reports_int.h"

#include <stdlib.h>
#include <string.h>

static const char *txt(const char *s)
{
    return s ? s : "";
}

int store_rep_agency_id(struct store_conn *c, const char *code, int64_t *id)
{
    *id = 0;
    if (!code || !*code)
        return 0;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT id FROM agencies WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    return store_row_int64(s, id);
}

/* ---- the staff's search ------------------------------------------------------------------ */

#define FILTER_WHERE                                                                               \
    "WHERE (?1 IS NULL OR r.state = ?1) AND (?2 IS NULL OR s.code = ?2) "                          \
    "AND (?3 IS NULL OR u.code = ?3) "                                                             \
    "AND (?4 IS NULL OR (?4 = 'none' AND r.agency_id IS NULL) OR a.code = ?4) "                    \
    "AND (?5 = 0 OR r.agency_id = ?5) "                                                            \
    "AND (?6 = 0 OR (r.expected_ms > 0 AND r.expected_ms < ?6 AND r.state IN " REP_OPEN_STATES     \
    ")) AND (?7 IS NULL OR instr(r.search_folded, ?7) > 0) "

static void bind_filter(sqlite3_stmt *s, const struct store_rep_filter *f)
{
    store_bind_text(s, 1, f->state);
    store_bind_text(s, 2, f->service_code);
    store_bind_text(s, 3, f->unit_code);
    store_bind_text(s, 4, f->agency_code);
    sqlite3_bind_int64(s, 5, f->agency_id);
    sqlite3_bind_int64(s, 6, f->overdue_at);
    store_bind_text(s, 7, f->q_folded);
}

int store_rep_requests_list(struct store_conn *c, const struct store_rep_filter *f,
                            struct store_rep_request **out, size_t *n, int64_t *total)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             "SELECT count(*) FROM report_requests r JOIN report_services s ON "
                             "s.id = r.service_id LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN "
                             "agencies a ON a.id = r.agency_id " FILTER_WHERE,
                             &s);
    if (rc)
        return rc;
    bind_filter(s, f);
    if ((rc = store_row_int64(s, total)) != 0)
        return rc;
    rc = store_prepare_cached(c,
                              "SELECT " REP_REQUEST_COLUMNS FILTER_WHERE
                              "ORDER BY r.requested_ms DESC, r.id DESC LIMIT ?8 OFFSET ?9",
                              &s);
    if (rc)
        return rc;
    bind_filter(s, f);
    sqlite3_bind_int64(s, 8, f->limit > 0 ? f->limit : -1);
    sqlite3_bind_int64(s, 9, f->offset > 0 ? f->offset : 0);
    return store_rows(s, sizeof **out, store_rep_fill_request, store_rep_clear_request,
                      (void **)out, n);
}

/* ---- events ------------------------------------------------------------------------------ */

static void event_clear(void *p)
{
    struct store_rep_event *e = p;
    free(e->who);
    free(e->kind);
    free(e->from_state);
    free(e->to_state);
    free(e->note);
    free(e->detail);
    memset(e, 0, sizeof *e);
}

void store_rep_events_free(struct store_rep_event *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++)
        event_clear(&e[i]);
    free(e);
}

int store_rep_event_put(struct store_conn *w, struct store_rep_event *e)
{
    if (!e->ts_ms)
        e->ts_ms = ioc_now_ms();
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(w,
                             "INSERT INTO report_events (request_id, ts_ms, who, kind, from_state, "
                             "to_state, note, detail, public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, e->request_id);
    sqlite3_bind_int64(s, 2, e->ts_ms);
    store_bind_text(s, 3, txt(e->who));
    store_bind_text(s, 4, e->kind && *e->kind ? e->kind : "transition");
    store_bind_text(s, 5, txt(e->from_state));
    store_bind_text(s, 6, txt(e->to_state));
    store_bind_text(s, 7, txt(e->note));
    store_bind_text(s, 8, txt(e->detail));
    sqlite3_bind_int(s, 9, e->is_public ? 1 : 0);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    e->id = sqlite3_last_insert_rowid(w->db);
    if (!e->is_public || !e->note || !*e->note)
        return 0;
    rc = store_prepare_cached(w, "UPDATE report_requests SET status_notes = ? WHERE id = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, e->note);
    sqlite3_bind_int64(s, 2, e->request_id);
    return store_step_done(s);
}

static int fill_event(sqlite3_stmt *s, void *p)
{
    struct store_rep_event *e = p;
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(s, 0);
    e->request_id = sqlite3_column_int64(s, 1);
    e->ts_ms = sqlite3_column_int64(s, 2);
    char **f[] = {&e->who, &e->kind, &e->from_state, &e->to_state, &e->note, &e->detail};
    int ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= (*f[i] = store_col_dup(s, 3 + i)) != NULL;
    e->is_public = sqlite3_column_int(s, 9);
    if (!ok) {
        event_clear(e);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_rep_events_list(struct store_conn *c, int64_t request_id, int public_only,
                          struct store_rep_event **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             "SELECT id, request_id, ts_ms, who, kind, from_state, to_state, note, "
                             "detail, public FROM report_events WHERE request_id = ? AND "
                             "(? = 0 OR public = 1) ORDER BY id",
                             &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, request_id);
    sqlite3_bind_int(s, 2, public_only ? 1 : 0);
    return store_rows(s, sizeof **out, fill_event, event_clear, (void **)out, n);
}

/* ---- state, rating, tokens --------------------------------------------------------------- */

int store_rep_state_set(struct store_conn *w, int64_t id, const char *state, int64_t agency_id,
                        int64_t duplicate_of, int64_t resolved_ms, int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        w,
        "UPDATE report_requests SET state = ?2, updated_ms = ?3, "
        "agency_id = CASE WHEN ?4 < 0 THEN agency_id WHEN ?4 = 0 THEN NULL ELSE ?4 END, "
        "duplicate_of = CASE WHEN ?5 < 0 THEN duplicate_of WHEN ?5 = 0 THEN NULL ELSE ?5 END, "
        "resolved_ms = CASE WHEN ?6 > 0 THEN ?6 ELSE resolved_ms END WHERE id = ?1",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, state);
    sqlite3_bind_int64(s, 3, now_ms);
    sqlite3_bind_int64(s, 4, agency_id);
    sqlite3_bind_int64(s, 5, duplicate_of);
    sqlite3_bind_int64(s, 6, resolved_ms);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    return sqlite3_changes(w->db) == 1 ? 0 : IOC_ENOTFOUND;
}

int store_rep_rating_set(struct store_conn *w, int64_t id, int64_t rating, const char *comment,
                         int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "UPDATE report_requests SET rating = ?, rating_comment = ?, "
                                  "rated_ms = ?, updated_ms = ? WHERE id = ? AND rating = 0",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, rating);
    store_bind_text(s, 2, txt(comment));
    sqlite3_bind_int64(s, 3, now_ms);
    sqlite3_bind_int64(s, 4, now_ms);
    sqlite3_bind_int64(s, 5, id);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    return sqlite3_changes(w->db) == 1 ? 0 : IOC_EEXIST;
}

int store_rep_token_add(struct store_conn *w, int64_t id, const char *hash)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(w, "INSERT INTO report_tokens (hash, request_id) VALUES (?, ?)", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(hash));
    sqlite3_bind_int64(s, 2, id);
    return store_step_done(s);
}

int store_rep_token_find(struct store_conn *c, const char *hash, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT request_id FROM report_tokens WHERE hash = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(hash));
    return store_row_int64(s, id);
}

/* ---- nearby duplicates ------------------------------------------------------------------- */

int store_rep_nearby(struct store_conn *c, const char *service_code, double lat0, double lat1,
                     double lon0, double lon1, int64_t since_ms, int64_t except_id, int limit,
                     struct store_rep_request **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        c,
        "SELECT " REP_REQUEST_COLUMNS
        /* the band of latitude of the service first (its own index) */
        "WHERE r.id IN (SELECT n.id FROM report_requests n INDEXED BY "
        "report_requests_near WHERE n.service_id = (SELECT id FROM "
        "report_services WHERE code = ?1) AND n.lat BETWEEN ?3 AND ?4 "
        "AND n.lon BETWEEN ?5 AND ?6) AND r.requested_ms >= ?2 AND r.id <> ?7 "
        "AND r.state IN " REP_OPEN_STATES " ORDER BY r.requested_ms DESC, r.id DESC LIMIT ?8",
        &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(service_code));
    sqlite3_bind_int64(s, 2, since_ms);
    sqlite3_bind_double(s, 3, lat0);
    sqlite3_bind_double(s, 4, lat1);
    sqlite3_bind_double(s, 5, lon0);
    sqlite3_bind_double(s, 6, lon1);
    sqlite3_bind_int64(s, 7, except_id);
    sqlite3_bind_int64(s, 8, limit > 0 ? limit : -1);
    return store_rows(s, sizeof **out, store_rep_fill_request, store_rep_clear_request,
                      (void **)out, n);
}
