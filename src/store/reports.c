/*
 * reports.c — the citizen reports' tables (src/reports/reports.h has the rules): services
 * (categories) with their attribute definitions, per-commune agency overrides, requests and
 * their events.
 *
 * A request keeps its reporter's personal fields (e-mail, phone, names, device and account id)
 * in its own row; only the API's public views leave them out. An idempotency key is unique per
 * API key: a second add with the same (key, idempotency) stores nothing and answers the first
 * request's id, checked inside the writer's transaction so two retries cannot both store.
 */
#include "store/reports_int.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const reports_scripts[] = {
    /* 1: services, attributes, overrides, requests, events */
    "CREATE TABLE report_services ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name_vi TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  description_vi TEXT NOT NULL DEFAULT '',"
    "  description_en TEXT NOT NULL DEFAULT '',"
    "  group_code TEXT NOT NULL DEFAULT '',"
    "  group_vi TEXT NOT NULL DEFAULT '',"
    "  group_en TEXT NOT NULL DEFAULT '',"
    "  keywords TEXT NOT NULL DEFAULT '',"
    "  agency_id INTEGER REFERENCES agencies(id),"
    "  deadline_hours INTEGER NOT NULL DEFAULT 0 CHECK (deadline_hours >= 0),"
    "  position INTEGER NOT NULL DEFAULT 0);"

    "CREATE TABLE report_attributes ("
    "  service_id INTEGER NOT NULL REFERENCES report_services(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  datatype TEXT NOT NULL CHECK (datatype IN ('string','number','datetime','text',"
    "    'singlevaluelist','multivaluelist')),"
    "  required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),"
    "  position INTEGER NOT NULL CHECK (position > 0),"
    "  description_vi TEXT NOT NULL DEFAULT '',"
    "  description_en TEXT NOT NULL DEFAULT '',"
    "  datatype_description TEXT NOT NULL DEFAULT '',"
    "  value_list TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (service_id, code),"
    "  UNIQUE (service_id, position));"

    "CREATE TABLE report_overrides ("
    "  service_id INTEGER NOT NULL REFERENCES report_services(id) ON DELETE CASCADE,"
    "  unit_code TEXT NOT NULL,"
    "  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    "  PRIMARY KEY (service_id, unit_code));"

    "CREATE TABLE report_requests ("
    "  id INTEGER PRIMARY KEY,"
    "  service_id INTEGER NOT NULL REFERENCES report_services(id),"
    "  description TEXT NOT NULL DEFAULT '',"
    "  lat REAL,"
    "  lon REAL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  unit_id INTEGER REFERENCES units(id),"
    "  agency_id INTEGER REFERENCES agencies(id),"
    "  state TEXT NOT NULL CHECK (state IN ('received','assigned','in_progress','resolved',"
    "    'rejected','duplicate','closed')),"
    "  requested_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  expected_ms INTEGER NOT NULL DEFAULT 0,"
    "  attributes TEXT NOT NULL DEFAULT '{}',"
    "  media_url TEXT NOT NULL DEFAULT '',"
    "  status_notes TEXT NOT NULL DEFAULT '',"
    "  email TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  first_name TEXT NOT NULL DEFAULT '',"
    "  last_name TEXT NOT NULL DEFAULT '',"
    "  device_id TEXT NOT NULL DEFAULT '',"
    "  account_id TEXT NOT NULL DEFAULT '',"
    "  key_id INTEGER NOT NULL DEFAULT 0,"
    "  idempotency TEXT);"
    "CREATE UNIQUE INDEX report_requests_idem ON report_requests (key_id, idempotency)"
    "  WHERE idempotency IS NOT NULL;"
    "CREATE INDEX report_requests_time ON report_requests (requested_ms);"
    "CREATE INDEX report_requests_agency ON report_requests (agency_id, state);"

    "CREATE TABLE report_events ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER NOT NULL REFERENCES report_requests(id) ON DELETE CASCADE,"
    "  ts_ms INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  from_state TEXT NOT NULL DEFAULT '',"
    "  to_state TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)));"
    "CREATE INDEX report_events_request ON report_events (request_id, id);",

    /* 2: the workflow — agency reassignments, duplicates, resolution time, the citizen's
     * rating and tokens, event kinds, the folded search key */
    "ALTER TABLE report_requests ADD COLUMN duplicate_of INTEGER REFERENCES report_requests(id);"
    "ALTER TABLE report_requests ADD COLUMN resolved_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE report_requests ADD COLUMN rating INTEGER NOT NULL DEFAULT 0"
    "  CHECK (rating BETWEEN 0 AND 5);"
    "ALTER TABLE report_requests ADD COLUMN rating_comment TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE report_requests ADD COLUMN rated_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE report_requests ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX report_requests_service_time ON report_requests (service_id, requested_ms);"
    "CREATE TABLE report_tokens ("
    "  hash TEXT PRIMARY KEY,"
    "  request_id INTEGER NOT NULL REFERENCES report_requests(id) ON DELETE CASCADE);"
    "ALTER TABLE report_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'transition';"
    "ALTER TABLE report_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';",
    /* 3: the nearby-duplicate search reads a band of latitude of one service, not every
     * report of the service in the last 7 days (bench/reports.sh: the POST's cost grew with
     * them) */
    "CREATE INDEX report_requests_near ON report_requests (service_id, lat, lon);",
    /* 4: every photo of a request, in order (the first is also its media_url); the files are
     * DATA_DIR/media/<hash>.jpg */
    "CREATE TABLE report_media ("
    "  request_id INTEGER NOT NULL REFERENCES report_requests(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL CHECK (position > 0),"
    "  hash TEXT NOT NULL,"
    "  PRIMARY KEY (request_id, position)) WITHOUT ROWID;",
    /* 5: the photos of the reports made before 4, when only the first photo was kept, as the
     * request's media_url <scheme>://<host>/media/<hash>.jpg (open311_media.c then): linked at
     * position 1. Only requests older than 4's run (later ones link their photos themselves, and
     * a media_url typed by a citizen since then is not a photo), without a linked photo, whose
     * media_url is exactly that shape. The other photos of those reports were never recorded. */
    "INSERT INTO report_media (request_id, position, hash)"
    " SELECT id, 1, substr(media_url, -68, 64) FROM report_requests r"
    " WHERE requested_ms < coalesce((SELECT (julianday(applied_at) - 2440587.5) * 86400000.0"
    "   FROM schema_migrations WHERE module = 'reports' AND version = 4), 0)"
    "  AND (media_url GLOB 'http://*' OR media_url GLOB 'https://*')"
    "  AND substr(media_url, -75, 7) = '/media/' AND substr(media_url, -4) = '.jpg'"
    "  AND instr(substr(media_url, instr(media_url, '://') + 3), '/')"
    "    = length(substr(media_url, instr(media_url, '://') + 3)) - 74"
    "  AND substr(media_url, -68, 64) NOT GLOB '*[^0-9a-f]*'"
    "  AND NOT EXISTS (SELECT 1 FROM report_media m WHERE m.request_id = r.id);",
};

const struct store_schema store_schema_reports = STORE_SCHEMA("reports", reports_scripts);

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ---- services ---------------------------------------------------------------------------- */

void store_rep_service_clear(struct store_rep_service *s)
{
    if (!s)
        return;
    char **f[] = {&s->code,           &s->name_vi,    &s->name_en,  &s->description_vi,
                  &s->description_en, &s->group_code, &s->group_vi, &s->group_en,
                  &s->keywords,       &s->agency_code};
    for (size_t i = 0; i < IOC_ARRAY_LEN(f); i++)
        free(*f[i]);
    for (size_t i = 0; i < s->nattrs; i++) {
        struct store_rep_attr *a = &s->attrs[i];
        free(a->code);
        free(a->datatype);
        free(a->description_vi);
        free(a->description_en);
        free(a->datatype_description);
        free(a->value_list);
    }
    free(s->attrs);
    memset(s, 0, sizeof *s);
}

void store_rep_services_free(struct store_rep_service *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        store_rep_service_clear(&s[i]);
    free(s);
}

static int agency_id_of(struct store_conn *c, const char *code, int64_t *id)
{
    *id = 0;
    if (!code || !*code)
        return 0;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT id FROM agencies WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    rc = store_row_int64(s, id);
    return rc == IOC_ENOTFOUND ? IOC_EINVAL : rc;
}

static int service_id_of(struct store_conn *c, const char *code, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT id FROM report_services WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    return store_row_int64(s, id);
}

int store_rep_service_put(struct store_conn *w, const struct store_rep_service *x)
{
    int64_t agency = 0, sid = 0;
    int rc = agency_id_of(w, x->agency_code, &agency);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(
        w,
        "INSERT INTO report_services (code, name_vi, name_en, description_vi, "
        "description_en, group_code, group_vi, group_en, keywords, agency_id, "
        "deadline_hours, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12) ON CONFLICT (code) DO UPDATE SET name_vi = ?2, "
        "name_en = ?3, description_vi = ?4, description_en = ?5, group_code = ?6, "
        "group_vi = ?7, group_en = ?8, keywords = ?9, agency_id = ?10, "
        "deadline_hours = ?11, position = ?12",
        &s);
    if (rc)
        return rc;
    const char *cols[] = {x->code,           x->name_vi,        x->name_en,
                          x->description_vi, x->description_en, x->group_code,
                          x->group_vi,       x->group_en,       x->keywords};
    for (int i = 0; i < 9; i++)
        store_bind_text(s, i + 1, txt(cols[i]));
    if (agency)
        sqlite3_bind_int64(s, 10, agency);
    else
        sqlite3_bind_null(s, 10);
    sqlite3_bind_int64(s, 11, x->deadline_hours);
    sqlite3_bind_int(s, 12, x->position);
    if ((rc = store_step_done(s)) != 0 || (rc = service_id_of(w, x->code, &sid)) != 0)
        return rc;
    if ((rc = store_prepare_cached(w, "DELETE FROM report_attributes WHERE service_id = ?", &s)) !=
        0)
        return rc;
    sqlite3_bind_int64(s, 1, sid);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    for (size_t i = 0; i < x->nattrs; i++) {
        const struct store_rep_attr *a = &x->attrs[i];
        rc = store_prepare_cached(
            w,
            "INSERT INTO report_attributes (service_id, code, datatype, required, "
            "position, description_vi, description_en, datatype_description, "
            "value_list) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &s);
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, sid);
        store_bind_text(s, 2, txt(a->code));
        store_bind_text(s, 3, txt(a->datatype));
        sqlite3_bind_int(s, 4, a->required ? 1 : 0);
        sqlite3_bind_int(s, 5, a->position);
        store_bind_text(s, 6, txt(a->description_vi));
        store_bind_text(s, 7, txt(a->description_en));
        store_bind_text(s, 8, txt(a->datatype_description));
        store_bind_text(s, 9, txt(a->value_list));
        if ((rc = store_step_done(s)) != 0)
            return rc;
    }
    return 0;
}

#define SERVICE_COLUMNS                                                                            \
    "s.code, s.name_vi, s.name_en, s.description_vi, s.description_en, s.group_code, "             \
    "s.group_vi, s.group_en, s.keywords, coalesce(a.code, ''), s.deadline_hours, s.position, "     \
    "(SELECT count(*) FROM report_attributes x WHERE x.service_id = s.id) "                        \
    "FROM report_services s LEFT JOIN agencies a ON a.id = s.agency_id "

static int fill_service(sqlite3_stmt *s, void *p)
{
    struct store_rep_service *x = p;
    memset(x, 0, sizeof *x);
    char **f[] = {&x->code,           &x->name_vi,    &x->name_en,  &x->description_vi,
                  &x->description_en, &x->group_code, &x->group_vi, &x->group_en,
                  &x->keywords,       &x->agency_code};
    int ok = 1;
    for (int i = 0; i < 10; i++)
        ok &= (*f[i] = store_col_dup(s, i)) != NULL;
    x->deadline_hours = sqlite3_column_int64(s, 10);
    x->position = sqlite3_column_int(s, 11);
    x->attr_count = sqlite3_column_int64(s, 12);
    if (!ok) {
        store_rep_service_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_service(void *p)
{
    store_rep_service_clear(p);
}

int store_rep_services_list(struct store_conn *c, struct store_rep_service **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT " SERVICE_COLUMNS "ORDER BY s.position, s.code", &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_service, clear_service, (void **)out, n);
}

static int fill_attr(sqlite3_stmt *s, void *p)
{
    struct store_rep_attr *a = p;
    memset(a, 0, sizeof *a);
    int ok = (a->code = store_col_dup(s, 0)) != NULL;
    ok &= (a->datatype = store_col_dup(s, 1)) != NULL;
    a->required = sqlite3_column_int(s, 2);
    a->position = sqlite3_column_int(s, 3);
    ok &= (a->description_vi = store_col_dup(s, 4)) != NULL;
    ok &= (a->description_en = store_col_dup(s, 5)) != NULL;
    ok &= (a->datatype_description = store_col_dup(s, 6)) != NULL;
    ok &= (a->value_list = store_col_dup(s, 7)) != NULL;
    if (!ok) {
        free(a->code);
        free(a->datatype);
        free(a->description_vi);
        free(a->description_en);
        free(a->datatype_description);
        free(a->value_list);
        memset(a, 0, sizeof *a);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_attr(void *p)
{
    struct store_rep_attr *a = p;
    free(a->code);
    free(a->datatype);
    free(a->description_vi);
    free(a->description_en);
    free(a->datatype_description);
    free(a->value_list);
}

int store_rep_service_get(struct store_conn *c, const char *code, struct store_rep_service *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT " SERVICE_COLUMNS "WHERE s.code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(code));
    if ((rc = store_row(s, fill_service, out)) != 0)
        return rc;
    rc =
        store_prepare_cached(c,
                             "SELECT a.code, a.datatype, a.required, a.position, a.description_vi, "
                             "a.description_en, a.datatype_description, a.value_list FROM "
                             "report_attributes a JOIN report_services s ON s.id = a.service_id "
                             "WHERE s.code = ? ORDER BY a.position",
                             &s);
    if (rc == 0) {
        store_bind_text(s, 1, txt(code));
        rc = store_rows(s, sizeof *out->attrs, fill_attr, clear_attr, (void **)&out->attrs,
                        &out->nattrs);
    }
    if (rc)
        store_rep_service_clear(out);
    return rc;
}

int store_rep_override_put(struct store_conn *w, const char *service_code, const char *unit_code,
                           const char *agency_code)
{
    int64_t sid = 0, agency = 0;
    int rc = service_id_of(w, service_code, &sid);
    if (rc == IOC_ENOTFOUND)
        return IOC_EINVAL;
    if (rc || (rc = agency_id_of(w, agency_code, &agency)) != 0)
        return rc;
    if (!agency)
        return IOC_EINVAL;
    sqlite3_stmt *s;
    rc = store_prepare_cached(
        w,
        "INSERT INTO report_overrides (service_id, unit_code, agency_id) VALUES "
        "(?, ?, ?) ON CONFLICT (service_id, unit_code) DO UPDATE SET "
        "agency_id = excluded.agency_id",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, sid);
    store_bind_text(s, 2, txt(unit_code));
    sqlite3_bind_int64(s, 3, agency);
    return store_step_done(s);
}

static int fill_text(sqlite3_stmt *s, void *p)
{
    char **out = p;
    return (*out = store_col_dup(s, 0)) ? 0 : IOC_ENOMEM;
}

int store_rep_override_get(struct store_conn *c, const char *service_code, const char *unit_code,
                           char **agency_code)
{
    *agency_code = NULL;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c,
                                  "SELECT a.code FROM report_overrides o JOIN report_services s ON "
                                  "s.id = o.service_id JOIN agencies a ON a.id = o.agency_id WHERE "
                                  "s.code = ? AND o.unit_code = ?",
                                  &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(service_code));
    store_bind_text(s, 2, txt(unit_code));
    rc = store_row(s, fill_text, agency_code);
    if (rc == IOC_ENOTFOUND)
        return (*agency_code = store_strdup("")) ? 0 : IOC_ENOMEM;
    return rc;
}

/* ---- requests ---------------------------------------------------------------------------- */

void store_rep_request_clear(struct store_rep_request *r)
{
    if (!r)
        return;
    char **f[] = {&r->service_code, &r->service_name, &r->description,   &r->address,
                  &r->unit_code,    &r->agency_code,  &r->agency_name,   &r->state,
                  &r->attributes,   &r->media_url,    &r->status_notes,  &r->email,
                  &r->phone,        &r->first_name,   &r->last_name,     &r->device_id,
                  &r->account_id,   &r->idempotency,  &r->rating_comment};
    for (size_t i = 0; i < IOC_ARRAY_LEN(f); i++)
        free(*f[i]);
    memset(r, 0, sizeof *r);
}

void store_rep_requests_free(struct store_rep_request *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++)
        store_rep_request_clear(&r[i]);
    free(r);
}

int store_rep_event_add(struct store_conn *w, int64_t request_id, const char *who, const char *from,
                        const char *to, const char *note, int is_public)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "INSERT INTO report_events (request_id, ts_ms, who, from_state, "
                                  "to_state, note, public) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, request_id);
    sqlite3_bind_int64(s, 2, ioc_now_ms());
    store_bind_text(s, 3, txt(who));
    store_bind_text(s, 4, txt(from));
    store_bind_text(s, 5, txt(to));
    store_bind_text(s, 6, txt(note));
    sqlite3_bind_int(s, 7, is_public ? 1 : 0);
    return store_step_done(s);
}

int store_rep_events_count(struct store_conn *c, int64_t request_id, int64_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT count(*) FROM report_events WHERE request_id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, request_id);
    return store_row_int64(s, n);
}

/* The folded search key of a new request: its description and address (ioc_text_fold). */
static int search_key_set(struct store_conn *w, const struct store_rep_request *r)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_printf(&b, "%s\n%s", txt(r->description), txt(r->address));
    char *folded = b.data ? ioc_text_fold(b.data, b.len) : NULL;
    ioc_buf_free(&b);
    if (!folded)
        return IOC_ENOMEM;
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(w, "UPDATE report_requests SET search_folded = ? WHERE id = ?", &s);
    if (rc == 0) {
        store_bind_text(s, 1, folded);
        sqlite3_bind_int64(s, 2, r->id);
        rc = store_step_done(s);
    }
    free(folded);
    return rc;
}

int store_rep_request_add(struct store_conn *w, struct store_rep_request *r, const char *who,
                          int *existing)
{
    *existing = 0;
    sqlite3_stmt *s;
    int rc;
    if (r->idempotency && *r->idempotency) {
        rc = store_prepare_cached(
            w, "SELECT id FROM report_requests WHERE key_id = ? AND idempotency = ?", &s);
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, r->key_id);
        store_bind_text(s, 2, r->idempotency);
        int64_t id = 0;
        rc = store_row_int64(s, &id);
        if (rc == 0) {
            r->id = id;
            *existing = 1;
            return 0;
        }
        if (rc != IOC_ENOTFOUND)
            return rc;
    }
    int64_t sid = 0, agency = 0;
    if ((rc = service_id_of(w, r->service_code, &sid)) != 0)
        return rc == IOC_ENOTFOUND ? IOC_EINVAL : rc;
    if ((rc = agency_id_of(w, r->agency_code, &agency)) != 0)
        return rc;
    rc = store_prepare_cached(
        w,
        "INSERT INTO report_requests (service_id, description, lat, lon, address, "
        "unit_id, agency_id, state, requested_ms, updated_ms, expected_ms, "
        "attributes, media_url, email, phone, first_name, last_name, device_id, "
        "account_id, key_id, idempotency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, sid);
    store_bind_text(s, 2, txt(r->description));
    if (r->has_point) {
        sqlite3_bind_double(s, 3, r->lat);
        sqlite3_bind_double(s, 4, r->lon);
    } else {
        sqlite3_bind_null(s, 3);
        sqlite3_bind_null(s, 4);
    }
    store_bind_text(s, 5, txt(r->address));
    if (r->unit_id)
        sqlite3_bind_int64(s, 6, r->unit_id);
    else
        sqlite3_bind_null(s, 6);
    if (agency)
        sqlite3_bind_int64(s, 7, agency);
    else
        sqlite3_bind_null(s, 7);
    store_bind_text(s, 8, r->state && *r->state ? r->state : "received");
    sqlite3_bind_int64(s, 9, r->requested_ms);
    sqlite3_bind_int64(s, 10, r->expected_ms);
    store_bind_text(s, 11, r->attributes && *r->attributes ? r->attributes : "{}");
    const char *priv[] = {r->media_url, r->email,     r->phone,     r->first_name,
                          r->last_name, r->device_id, r->account_id};
    for (int i = 0; i < 7; i++)
        store_bind_text(s, 12 + i, txt(priv[i]));
    sqlite3_bind_int64(s, 19, r->key_id);
    store_bind_text(s, 20, r->idempotency && *r->idempotency ? r->idempotency : NULL);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    r->id = sqlite3_last_insert_rowid(w->db);
    if ((rc = search_key_set(w, r)) != 0)
        return rc;
    /* the first event is dated as the request (a demo report of last month: last month) */
    struct store_rep_event e = {.request_id = r->id,
                                .ts_ms = r->requested_ms,
                                .who = (char *)who,
                                .to_state = r->state && *r->state ? r->state : "received"};
    return store_rep_event_put(w, &e);
}

int store_rep_fill_request(sqlite3_stmt *s, void *p)
{
    struct store_rep_request *r = p;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    int ok = (r->service_code = store_col_dup(s, 1)) != NULL;
    ok &= (r->service_name = store_col_dup(s, 2)) != NULL;
    ok &= (r->description = store_col_dup(s, 3)) != NULL;
    r->has_point = sqlite3_column_type(s, 4) != SQLITE_NULL;
    r->lat = sqlite3_column_double(s, 4);
    r->lon = sqlite3_column_double(s, 5);
    ok &= (r->address = store_col_dup(s, 6)) != NULL;
    r->unit_id = sqlite3_column_int64(s, 7);
    ok &= (r->unit_code = store_col_dup(s, 8)) != NULL;
    ok &= (r->agency_code = store_col_dup(s, 9)) != NULL;
    ok &= (r->agency_name = store_col_dup(s, 10)) != NULL;
    ok &= (r->state = store_col_dup(s, 11)) != NULL;
    r->requested_ms = sqlite3_column_int64(s, 12);
    r->updated_ms = sqlite3_column_int64(s, 13);
    r->expected_ms = sqlite3_column_int64(s, 14);
    char **f[] = {&r->attributes, &r->media_url, &r->status_notes, &r->email,     &r->phone,
                  &r->first_name, &r->last_name, &r->device_id,    &r->account_id};
    for (int i = 0; i < 9; i++)
        ok &= (*f[i] = store_col_dup(s, 15 + i)) != NULL;
    r->key_id = sqlite3_column_int64(s, 24);
    ok &= (r->idempotency = store_col_dup(s, 25)) != NULL;
    r->agency_id = sqlite3_column_int64(s, 26);
    r->duplicate_of = sqlite3_column_int64(s, 27);
    r->resolved_ms = sqlite3_column_int64(s, 28);
    r->rating = sqlite3_column_int64(s, 29);
    ok &= (r->rating_comment = store_col_dup(s, 30)) != NULL;
    r->rated_ms = sqlite3_column_int64(s, 31);
    if (!ok) {
        store_rep_request_clear(r);
        return IOC_ENOMEM;
    }
    return 0;
}

void store_rep_clear_request(void *p)
{
    store_rep_request_clear(p);
}

int store_rep_request_get(struct store_conn *c, int64_t id, struct store_rep_request *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT " REP_REQUEST_COLUMNS "WHERE r.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, store_rep_fill_request, out);
}

int store_rep_requests_find(struct store_conn *c, const struct store_rep_query *q,
                            struct store_rep_request **out, size_t *n)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_puts(&b, "SELECT " REP_REQUEST_COLUMNS "WHERE ");
    if (q->nids) {
        ioc_buf_puts(&b, "r.id IN (");
        for (size_t i = 0; i < q->nids; i++)
            ioc_buf_puts(&b, i ? ",?" : "?");
        ioc_buf_puts(&b, ") ");
    } else {
        ioc_buf_puts(&b, "r.requested_ms >= ? AND r.requested_ms < ? ");
        if (q->ncodes) {
            ioc_buf_puts(&b, "AND s.code IN (");
            for (size_t i = 0; i < q->ncodes; i++)
                ioc_buf_puts(&b, i ? ",?" : "?");
            ioc_buf_puts(&b, ") ");
        }
        if (q->want_open && !q->want_closed)
            ioc_buf_puts(&b, "AND r.state IN " REP_OPEN_STATES " ");
        else if (q->want_closed && !q->want_open)
            ioc_buf_puts(&b, "AND r.state NOT IN " REP_OPEN_STATES " ");
    }
    int rc = ioc_buf_puts(&b, "ORDER BY r.requested_ms DESC, r.id DESC LIMIT ? OFFSET ?");
    if (rc || !b.data) {
        ioc_buf_free(&b);
        return IOC_ENOMEM;
    }
    sqlite3_stmt *s;
    rc = store_prepare(c, b.data, &s);
    ioc_buf_free(&b);
    if (rc)
        return rc;
    int i = 1;
    if (q->nids) {
        for (size_t k = 0; k < q->nids; k++)
            sqlite3_bind_int64(s, i++, q->ids[k]);
    } else {
        sqlite3_bind_int64(s, i++, q->from_ms);
        sqlite3_bind_int64(s, i++, q->to_ms);
        for (size_t k = 0; k < q->ncodes; k++)
            store_bind_text(s, i++, q->codes[k]);
    }
    sqlite3_bind_int64(s, i++, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int64(s, i, q->offset > 0 ? q->offset : 0);
    return store_rows(s, sizeof **out, store_rep_fill_request, store_rep_clear_request,
                      (void **)out, n);
}

/* ---- photos ------------------------------------------------------------------------------ */

static int hash_valid(const char *h)
{
    size_t i = 0;
    for (; h && i < STORE_REP_HASH_HEX; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return h && h[i] == '\0';
}

int store_rep_media_add(struct store_conn *w, int64_t request_id, int position, const char *hash)
{
    if (position < 1 || !hash_valid(hash))
        return IOC_EINVAL;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "INSERT INTO report_media (request_id, position, hash) VALUES "
                                  "(?, ?, ?)",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, request_id);
    sqlite3_bind_int(s, 2, position);
    store_bind_text(s, 3, hash);
    return store_step_done(s);
}

static int fill_photo(sqlite3_stmt *s, void *p)
{
    struct store_rep_photo *x = p;
    memset(x, 0, sizeof *x);
    x->request_id = sqlite3_column_int64(s, 0);
    x->position = sqlite3_column_int(s, 1);
    const char *h = (const char *)sqlite3_column_text(s, 2);
    if (h && strlen(h) == STORE_REP_HASH_HEX)
        memcpy(x->hash, h, STORE_REP_HASH_HEX);
    return 0;
}

static void clear_photo(void *p)
{
    (void)p;
}

int store_rep_media_list(struct store_conn *c, const int64_t *ids, size_t nids,
                         struct store_rep_photo **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!nids)
        return 0;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_puts(&b, "SELECT request_id, position, hash FROM report_media WHERE request_id IN (");
    for (size_t i = 0; i < nids; i++)
        ioc_buf_puts(&b, i ? ",?" : "?");
    int rc = ioc_buf_puts(&b, ") ORDER BY request_id, position");
    if (rc || !b.data) {
        ioc_buf_free(&b);
        return IOC_ENOMEM;
    }
    sqlite3_stmt *s;
    rc = store_prepare(c, b.data, &s);
    ioc_buf_free(&b);
    if (rc)
        return rc;
    for (size_t i = 0; i < nids; i++)
        sqlite3_bind_int64(s, (int)i + 1, ids[i]);
    return store_rows(s, sizeof **out, fill_photo, clear_photo, (void **)out, n);
}

int store_rep_media_hashes(struct store_conn *c, struct store_rep_photo **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT 0, 0, hash FROM report_media UNION"
                           " SELECT 0, 0, substr(media_url, -68, 64) FROM report_requests"
                           " WHERE media_url LIKE '%/media/%.jpg'"
                           "  AND substr(media_url, -75, 7) = '/media/'"
                           "  AND substr(media_url, -68, 64) NOT GLOB '*[^0-9a-f]*' ORDER BY 3",
                           &s);
    return rc ? rc : store_rows(s, sizeof **out, fill_photo, clear_photo, (void **)out, n);
}
