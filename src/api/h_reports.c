/* h_reports.c — the citizen reports' workflow (docs/reports.md "The workflow"): the staff's API
 * under /api/v1/reports (search, one report with its history, transitions, notes, merges) and
 * the citizen's Open311 extensions (reopen and rate with the token given at submission). The
 * rules and the checked writes are src/reports' (rep_action_job); this file parses, calls and
 * renders. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "events/events.h"
#include "notify/notify.h"
#include "reports/reports.h"

API_OPENAPI_FRAGMENT(api_openapi_reports, "src/api/openapi/reports.json");

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 500

/* ---- rendering --------------------------------------------------------------------------- */

static json_t *time_or_null(int64_t ms)
{
    return o311_time_or_null(ms);
}

/* The staff's view of r: personal adds the reporter's fields (rep_sees_personal). */
static json_t *report_json(const struct store_rep_request *r, int64_t now, int personal)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)r->id, "service_code", r->service_code, "service_name", r->service_name,
        "state", r->state, "status", rep_status_of(r->state), "overdue",
        rep_overdue(r->state, r->expected_ms, now), "agency_code", o311_str_or_null(r->agency_code),
        "agency_name", o311_str_or_null(r->agency_name), "unit_code",
        o311_str_or_null(r->unit_code), "description", r->description, "address", r->address, "lat",
        r->has_point ? json_real(r->lat) : json_null(), "long",
        r->has_point ? json_real(r->lon) : json_null(), "requested_at",
        time_or_null(r->requested_ms), "updated_at", time_or_null(r->updated_ms), "expected_at",
        time_or_null(r->expected_ms), "status_notes", o311_str_or_null(r->status_notes));
    json_object_set_new(j, "duplicate_of",
                        r->duplicate_of ? json_integer(r->duplicate_of) : json_null());
    json_object_set_new(j, "rating", r->rating ? json_integer(r->rating) : json_null());
    json_object_set_new(j, "rating_comment", o311_str_or_null(r->rating_comment));
    if (personal) {
        json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "email", r->email, "phone",
                              r->phone, "first_name", r->first_name, "last_name", r->last_name,
                              "device_id", r->device_id, "account_id", r->account_id);
        json_object_set_new(j, "reporter", p);
    }
    return j;
}

static json_t *events_json(const struct store_rep_event *e, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:s, s:b, s:o}", "id",
                           (json_int_t)e[i].id, "at", time_or_null(e[i].ts_ms), "who", e[i].who,
                           "kind", e[i].kind, "from", o311_str_or_null(e[i].from_state), "to",
                           o311_str_or_null(e[i].to_state), "note", e[i].note, "public",
                           e[i].is_public, "detail", o311_str_or_null(e[i].detail)));
    return arr;
}

/* ---- GET /api/v1/reports ----------------------------------------------------------------- */

static int int_param(struct api_ctx *c, const char *key, int64_t max, int64_t dflt, int64_t *out)
{
    const char *v = api_query(c, key);
    *out = dflt;
    if (v && ioc_parse_i64(v, strlen(v), 1, max, out) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s must be an integer from 1 to %lld.", key,
                  (long long)max);
        return -1;
    }
    return 0;
}

/* The filter of the query: 0, or -1 after answering 400/403. */
static int list_filter(struct api_ctx *c, struct store_rep_filter *f, int64_t now)
{
    static const char *const known[] = {"state", "service", "commune",   "agency", "overdue",
                                        "q",     "page",    "page_size", NULL};
    if (api_query_only(c, known))
        return -1;
    f->state = api_query(c, "state");
    if (f->state && !rep_state_valid(f->state)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "state is received, assigned, in_progress, resolved, rejected, duplicate or "
                  "closed.");
        return -1;
    }
    f->service_code = api_query(c, "service");
    f->unit_code = api_query(c, "commune");
    f->agency_code = api_query(c, "agency");
    const char *od = api_query(c, "overdue");
    if (od && strcmp(od, "true") != 0 && strcmp(od, "false") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "overdue is true or false.");
        return -1;
    }
    f->overdue_at = od && strcmp(od, "true") == 0 ? now : 0;
    if (!rep_reads_all(&c->who)) {
        if (c->who.agency_id <= 0) {
            api_error(c, IOC_HTTP_E_FORBIDDEN, "Only an agency's staff read its reports.");
            return -1;
        }
        f->agency_id = c->who.agency_id; /* staff and keys: their agency only */
    }
    return 0;
}

static void h_list(struct api_ctx *c)
{
    int64_t now = ioc_now_ms(), page, size;
    struct store_rep_filter f = {0};
    if (list_filter(c, &f, now) || int_param(c, "page", 1000000, 1, &page) ||
        int_param(c, "page_size", PAGE_SIZE_MAX, PAGE_SIZE_DEFAULT, &size))
        return;
    const char *q = api_query(c, "q");
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    f.q_folded = folded && *folded ? folded : NULL;
    f.limit = (int)size;
    f.offset = (int)((page - 1) * size);
    struct store_rep_request *r = NULL;
    size_t n = 0;
    int64_t total = 0;
    int rc = store_rep_requests_list(c->t->db, &f, &r, &n, &total);
    free(folded);
    if (rc) {
        api_error_rc(c, rc, "reports");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, report_json(&r[i], now, 0));
    store_rep_requests_free(r, n);
    api_json(c, 200,
             json_pack("{s:I, s:I, s:I, s:I, s:o}", "count", (json_int_t)n, "total",
                       (json_int_t)total, "page", (json_int_t)page, "page_size", (json_int_t)size,
                       "reports", arr));
}

/* ---- GET /api/v1/reports/{id} ------------------------------------------------------------ */

static int64_t path_id(struct api_ctx *c)
{
    int64_t id = 0;
    const char *p = c->params[0];
    return ioc_parse_i64(p, strlen(p), 1, INT64_MAX, &id) == 0 ? id : 0;
}

/* Sends report id as the staff see it (status), with its whole history. */
static void send_report(struct api_ctx *c, int64_t id, int status)
{
    struct store_rep_request r;
    int rc = id ? store_rep_request_get(c->t->db, id, &r) : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No report has the id %.32s.", c->params[0]);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "report");
        return;
    }
    if (rep_access(&c->who, r.agency_id, 0) != 0) {
        store_rep_request_clear(&r);
        api_error(c, IOC_HTTP_E_FORBIDDEN, "This report belongs to another agency.");
        return;
    }
    struct store_rep_event *e = NULL;
    size_t n = 0;
    if ((rc = store_rep_events_list(c->t->db, id, 0, &e, &n)) != 0) {
        store_rep_request_clear(&r);
        api_error_rc(c, rc, "report");
        return;
    }
    json_t *j = report_json(&r, ioc_now_ms(), rep_sees_personal(&c->who, r.agency_id));
    json_object_set_new(j, "events", events_json(e, n));
    store_rep_events_free(e, n);
    store_rep_request_clear(&r);
    json_t *media = o311_media_urls(c, id, 1);
    if (!media) {
        json_decref(j);
        api_error_rc(c, IOC_EIO, "report");
        return;
    }
    json_object_set_new(j, "media", media);
    api_json(c, status, j);
}

static void h_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    send_report(c, path_id(c), 200);
}

/* ---- the live stream's `report` events ---------------------------------------------------- */

/* Inside the transaction of an act or a new report: the webhooks' deliveries of its `report`
 * event. */
int api_report_in_tx(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                     const char *json, size_t n)
{
    (void)ctx;
    return notify_enqueue_tx(w, type, agency_id, json, n);
}

void api_report_event(struct api_ctx *c, const struct rep_change *ch, int64_t agency_id)
{
    notify_kick(c->api->notify); /* an act's deliveries were queued with it (api_report_in_tx) */
    rep_alert_signal(c->api->alerts, c->t->db, ch->id); /* report_overdue rules */
    if (!c->api->events)
        return;
    struct ioc_buf b;
    ioc_buf_init(&b, EVENTS_DATA_MAX);
    rep_change_json(ch, &b);
    if (b.data)
        events_publish(c->api->events, "report", agency_id, b.data, b.len);
    ioc_buf_free(&b);
}

/* After an act is durable: its `report` event, when it moved the report. */
static void act_event(struct api_ctx *c, const struct rep_action *a)
{
    struct rep_change ch;
    if (!a->changed)
        return;
    rep_action_change(a, &ch);
    api_report_event(c, &ch, a->agency_id);
}

/* ---- the staff's acts -------------------------------------------------------------------- */

struct act_ctx {
    struct rep_action a;
    struct store_audit audit;
    char target[48];
};

static void act_done(struct api_ctx *c, void *arg, int rc)
{
    struct act_ctx *x = arg;
    struct rep_action *a = &x->a;
    if (rc) {
        api_error_rc(c, rc, "report");
        return;
    }
    switch (a->outcome) {
    case REP_OK:
        act_event(c, a);
        send_report(c, a->id, 200);
        return;
    case REP_NOT_FOUND:
        api_error(c, IOC_HTTP_E_NOT_FOUND, "%s", a->why);
        return;
    case REP_FORBIDDEN:
        api_error(c, IOC_HTTP_E_FORBIDDEN, "%s", a->why);
        return;
    case REP_CONFLICT:
        api_error(c, IOC_HTTP_E_CONFLICT, "%s", a->why);
        return;
    default:
        api_error_field(c, a->field, "%s", a->why);
    }
}

/* The act's common part from the body (note, public) and the path; NULL after answering. */
static struct act_ctx *act_start(struct api_ctx *c, int act, const char *action)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return NULL;
    int64_t id = path_id(c);
    if (!id) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No report has the id %.32s.", c->params[0]);
        return NULL;
    }
    json_t *pub = json_object_get(c->body, "public");
    if (pub && !json_is_boolean(pub)) {
        api_error_field(c, "public", "public is true or false.");
        return NULL;
    }
    struct act_ctx *x = net_req_alloc(c->req, sizeof *x);
    memset(x, 0, sizeof *x);
    x->a.act = act;
    x->a.id = id;
    x->a.who = &c->who;
    x->a.actor = c->who.name;
    x->a.is_public = json_is_true(pub);
    x->a.now_ms = ioc_now_ms();
    x->a.audit = &x->audit;
    x->a.in_tx = api_report_in_tx;
    json_t *nv = json_object_get(c->body, "note");
    const char *note = api_body_str(c, "note", 0, 16000);
    if (nv && !json_is_null(nv) && !note)
        return NULL; /* answered */
    x->a.note = note;
    snprintf(x->target, sizeof x->target, "report:%lld", (long long)id);
    api_audit_fill(c, &x->audit, action, x->target, "ok");
    return x;
}

/* An id member of the body (a positive integer), 0 when absent; -1 after answering 422. */
static int64_t body_id(struct api_ctx *c, const char *field)
{
    json_t *v = json_object_get(c->body, field);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        api_error_field(c, field, "%s is the id of a report (a positive integer).", field);
        return -1;
    }
    return json_integer_value(v);
}

static void h_transition(struct api_ctx *c)
{
    struct act_ctx *x = act_start(c, REP_ACT_TRANSITION, "report.transition");
    if (!x)
        return;
    const char *to = api_body_str(c, "to", 1, 32);
    json_t *ag = json_object_get(c->body, "agency");
    const char *agency = ag && !json_is_null(ag) ? api_body_str(c, "agency", 0, 64) : "";
    int64_t dup = body_id(c, "duplicate_of");
    if (!to || !agency || dup < 0)
        return;
    x->a.to = to;
    x->a.agency = agency;
    x->a.duplicate_of = dup;
    api_write(c, rep_action_job, &x->a, act_done);
}

static void h_note(struct api_ctx *c)
{
    struct act_ctx *x = act_start(c, REP_ACT_NOTE, "report.note");
    if (x)
        api_write(c, rep_action_job, &x->a, act_done);
}

static void h_merge(struct api_ctx *c)
{
    struct act_ctx *x = act_start(c, REP_ACT_MERGE, "report.merge");
    if (!x)
        return;
    int64_t into = body_id(c, "into");
    if (into < 0)
        return;
    if (!into) {
        api_error_field(c, "into", "into is the id of the report to keep.");
        return;
    }
    x->a.duplicate_of = into;
    api_write(c, rep_action_job, &x->a, act_done);
}

/* ---- the citizen's Open311 extensions ---------------------------------------------------- */

struct citizen {
    struct rep_action a;
    struct store_audit audit;
    char target[48], hash[65];
    int xml;
};

static void citizen_done(struct api_ctx *c, void *arg, int rc)
{
    struct citizen *x = arg;
    static const int status[] = {200, 404, 403, 409, 400};
    if (rc) {
        o311_error(c, x->xml, rc == IOC_EBUSY ? 503 : 500, "", "The request could not be saved.");
        return;
    }
    if (x->a.outcome != REP_OK) {
        o311_error(c, x->xml, status[x->a.outcome], x->a.field, "%s", x->a.why);
        return;
    }
    act_event(c, &x->a);
    struct store_rep_request r;
    if (store_rep_request_get(c->t->db, x->a.id, &r) != 0) {
        o311_error(c, x->xml, 500, "", "The request could not be read.");
        return;
    }
    json_t *one = o311_request_out(c, &r, 1);
    store_rep_request_clear(&r);
    if (!one)
        o311_error(c, x->xml, 500, "", "The request could not be read.");
    else
        o311_send(c, 200, x->xml, "service_requests", json_pack("[o]", one));
}

static void form_free(void *p)
{
    rep_form_free(p);
}

/* The citizen's form (form-urlencoded like POST requests) with only known keys, and the act
 * it asks for; NULL after answering. */
static struct citizen *citizen_start(struct api_ctx *c, int act, const char *const *known)
{
    int xml = strcmp(c->params[1], "xml") == 0;
    if (!xml && strcmp(c->params[1], "json") != 0) {
        o311_error(c, 0, 404, "", "Unknown format .%.16s: use .json or .xml.", c->params[1]);
        return NULL;
    }
    size_t bn = 0;
    const char *body = net_req_body(c->req, &bn);
    struct rep_form *f = net_req_alloc(c->req, sizeof *f);
    char err[256];
    if (rep_form_parse(body ? body : "", bn, f, err, sizeof err) != 0) {
        o311_error(c, xml, 400, "", "%s", err);
        return NULL;
    }
    net_req_on_free(c->req, form_free, f);
    for (size_t i = 0; i < f->n; i++) {
        int ok = 0;
        for (size_t k = 0; !ok && known[k]; k++)
            ok = strcmp(f->keys[i], known[k]) == 0;
        if (!ok || rep_form_count(f, f->keys[i]) > 1) {
            o311_error(c, xml, 400, f->keys[i],
                       "%.64s is not a parameter of this call, or is "
                       "given twice.",
                       f->keys[i]);
            return NULL;
        }
    }
    int64_t id = 0;
    const char *p = c->params[0];
    if (ioc_parse_i64(p, strlen(p), 1, INT64_MAX, &id) != 0) {
        o311_error(c, xml, 404, "service_request_id", "No request has the id %.32s.", p);
        return NULL;
    }
    const char *token = rep_form_get(f, "token");
    if (!token) {
        o311_error(c, xml, 403, "token", "token is required: the one given at submission.");
        return NULL;
    }
    struct citizen *x = net_req_alloc(c->req, sizeof *x);
    memset(x, 0, sizeof *x);
    x->xml = xml;
    rep_token_hash(token, x->hash);
    x->a = (struct rep_action){.act = act,
                               .id = id,
                               .actor = "citizen",
                               .token_hash = x->hash,
                               .now_ms = ioc_now_ms(),
                               .audit = &x->audit,
                               .in_tx = api_report_in_tx,
                               .reopen_days = rep_settings_get(c->api->cfg)->reopen_days};
    x->a.note = rep_form_get(f, "description");
    x->a.comment = rep_form_get(f, "comment");
    const char *rating = rep_form_get(f, "rating");
    if (act == REP_ACT_RATE &&
        (!rating || ioc_parse_i64(rating, strlen(rating), 1, 5, &x->a.rating) != 0)) {
        o311_error(c, xml, 400, "rating", "rating is an integer from 1 to 5.");
        return NULL;
    }
    if ((x->a.note && rep_chars(x->a.note) > REP_NOTE_MAX) ||
        (x->a.comment && rep_chars(x->a.comment) > REP_COMMENT_MAX)) {
        o311_error(c, xml, 400, x->a.note ? "description" : "comment", "The text is too long.");
        return NULL;
    }
    snprintf(x->target, sizeof x->target, "report:%lld", (long long)id);
    api_audit_fill(c, &x->audit, act == REP_ACT_RATE ? "open311.rating" : "open311.reopen",
                   x->target, "ok");
    return x;
}

static void h_reopen(struct api_ctx *c)
{
    static const char *const known[] = {"token",   "description", "jurisdiction_id",
                                        "api_key", "lang",        NULL};
    struct citizen *x = citizen_start(c, REP_ACT_REOPEN, known);
    if (x)
        api_write(c, rep_action_job, &x->a, citizen_done);
}

static void h_rating(struct api_ctx *c)
{
    static const char *const known[] = {"token",   "rating", "comment", "jurisdiction_id",
                                        "api_key", "lang",   NULL};
    struct citizen *x = citizen_start(c, REP_ACT_RATE, known);
    if (x)
        api_write(c, rep_action_job, &x->a, citizen_done);
}

/* ---- GET /api/v1/citizen/config: what the public citizen page needs ---------------------- */

/* Its key, and the photo limits ([reports] max_photos, max_photo_bytes) it checks before a
 * send. */

/* The page's API key is public by design: it only files reports (write:reports), every
 * citizen shares it, and its token bucket (limits.key_rate_per_s) caps them together; a
 * deployment adds a per-address limit in front (docs/reports.md, "The citizen page"). */
static void h_citizen_config(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    char *key = NULL;
    int rc = store_meta_get(c->t->db, "citizen_key", &key);
    if (rc && rc != IOC_ENOTFOUND) {
        api_error_rc(c, rc, "citizen page");
        return;
    }
    const struct rep_settings *set = rep_settings_get(c->api->cfg);
    api_json(c, 200,
             json_pack("{s:o, s:I, s:I}", "api_key", key ? json_string(key) : json_null(),
                       "max_photos", (json_int_t)set->max_photos, "max_photo_bytes",
                       (json_int_t)set->max_photo_bytes));
    free(key);
}

static int64_t small_body(const struct ioc_config *cfg)
{
    (void)cfg;
    return (int64_t)64 << 10;
}

/* The reports module of modules.c. */
static const struct api_route reports_routes[] = {
    API_ROUTE("GET", "/api/v1/reports", "reports.list", AUTH_SIGNED_IN, "signed_in", "read:reports",
              0, h_list),
    API_ROUTE("GET", "/api/v1/reports/{id}", "reports.get", AUTH_SIGNED_IN, "signed_in",
              "read:reports", 0, h_get),
    API_ROUTE("POST", "/api/v1/reports/{id}/transition", "reports.transition", AUTH_STAFF_UP,
              "staff", NULL, 1, h_transition),
    API_ROUTE("POST", "/api/v1/reports/{id}/notes", "reports.notes", AUTH_STAFF_UP, "staff", NULL,
              1, h_note),
    API_ROUTE("POST", "/api/v1/reports/{id}/merge", "reports.merge", AUTH_STAFF_UP, "staff", NULL,
              1, h_merge),
    API_ROUTE("GET", "/api/v1/citizen/config", "reports.citizen_config", AUTH_PUBLIC, "public",
              NULL, 0, h_citizen_config),
    API_ROUTE_BODY("POST", "/open311/v2/requests/{id}/reopen.{fmt}", "reports.reopen", AUTH_PUBLIC,
                   "public", NULL, 0, h_reopen, small_body),
    API_ROUTE_BODY("POST", "/open311/v2/requests/{id}/rating.{fmt}", "reports.rating", AUTH_PUBLIC,
                   "public", NULL, 0, h_rating, small_body),
};

const struct api_module api_module_reports =
    API_MODULE("reports", reports_routes, api_openapi_reports);
