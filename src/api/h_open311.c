/* h_open311.c — citizen reports over Open311 GeoReport v2 at /open311/v2/ (docs/reports.md):
 * discovery, services, service definitions, POST requests (an API key with write:reports;
 * Idempotency-Key), tokens, GET requests with the spec's filters and GET one request, each as
 * .json or .xml, with the spec's error list and statuses. The rules are src/reports'; this file
 * parses, calls and renders (open311_out.c writes the two formats). */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "reports/reports.h"

API_OPENAPI_FRAGMENT(api_openapi_open311, "src/api/openapi/open311.json");

#define O311_CHANGESET "2026-12-03T00:00:00+07:00"
#define O311_MAX_RESULTS 1000
#define O311_SPAN_MS (90LL * 86400000)
#define O311_MAX_BODY ((int64_t)64 << 10)
#define O311_IDEM_MAX 128

/* The format of the path's last segment: *xml set and the name before ".json"/".xml" into the
 * pool (NULL when the extension is neither). */
static const char *split_ext(struct api_ctx *c, const char *seg, int *xml)
{
    const char *dot = strrchr(seg, '.');
    if (!dot)
        return NULL;
    if (strcmp(dot, ".json") == 0)
        *xml = 0;
    else if (strcmp(dot, ".xml") == 0)
        *xml = 1;
    else
        return NULL;
    return net_req_strdup(c->req, seg, (size_t)(dot - seg));
}

/* The format of a route ending in ".{fmt}"; -1 after answering 404. */
static int fmt_param(struct api_ctx *c, int *xml)
{
    *xml = 0;
    if (strcmp(c->params[0], "json") == 0)
        return 0;
    if (strcmp(c->params[0], "xml") == 0) {
        *xml = 1;
        return 0;
    }
    o311_error(c, 0, 404, "", "Unknown format .%.16s: use .json or .xml.", c->params[0]);
    return -1;
}

static const char *lang_en(struct api_ctx *c)
{
    const char *l = api_query(c, "lang");
    return l && strcmp(l, "en") == 0 ? "en" : NULL;
}

/* extensions=true (the query's, or the form's for a POST). */
static int extensions_on(const char *v)
{
    return v && strcmp(v, "true") == 0;
}

/* Refuses (400) a query key outside known (and the keys every call takes); 0 if none. */
static int only_known(struct api_ctx *c, int xml, const char *const *known)
{
    static const char *const always[] = {"jurisdiction_id", "api_key", "lang", NULL};
    for (int i = 0; i < c->nq; i++) {
        int ok = 0;
        for (size_t k = 0; !ok && always[k]; k++)
            ok = strcmp(c->qk[i], always[k]) == 0;
        for (size_t k = 0; !ok && known && known[k]; k++)
            ok = strcmp(c->qk[i], known[k]) == 0;
        if (!ok) {
            o311_error(c, xml, 400, c->qk[i], "%.64s is not a parameter of this call.", c->qk[i]);
            return -1;
        }
    }
    const char *l = api_query(c, "lang");
    if (l && *l && strcmp(l, "vi") != 0 && strcmp(l, "en") != 0) {
        o311_error(c, xml, 400, "lang", "lang is vi or en.");
        return -1;
    }
    return 0;
}

/* jurisdiction_id: absent or empty, or the code of a province of the store (the province this
 * deployment serves); 404 otherwise. 0, or -1 after answering. */
static int jurisdiction_ok(struct api_ctx *c, int xml, const char *j)
{
    if (!j || !*j)
        return 0;
    char today[11];
    ioc_date_today_vn(today);
    struct store_unit u = {0};
    int rc = store_unit_get(c->t->db, j, today, &u);
    int ok = rc == 0 && strcmp(u.level, "province") == 0;
    if (rc == 0)
        store_unit_clear(&u);
    if (ok)
        return 0;
    o311_error(c, xml, 404, "jurisdiction_id",
               "This endpoint serves one province; %.32s is not it.", j);
    return -1;
}

static int common(struct api_ctx *c, int xml, const char *const *known)
{
    return only_known(c, xml, known) || jurisdiction_ok(c, xml, api_query(c, "jurisdiction_id"))
               ? -1
               : 0;
}

/* ---- discovery and services -------------------------------------------------------------- */

static void h_discovery(struct api_ctx *c)
{
    int xml;
    if (fmt_param(c, &xml) || common(c, xml, NULL))
        return;
    json_t *formats = json_pack("[s, s]", "text/xml", "application/json");
    json_t *ep = json_pack("{s:s, s:s, s:s, s:s, s:o}", "specification",
                           "http://wiki.open311.org/GeoReport_v2", "url", "/open311/v2",
                           "changeset", O311_CHANGESET, "type", "production", "formats", formats);
    json_t *j = json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", O311_CHANGESET, "contact",
                          "Trung tâm Giám sát, điều hành thông minh (IOC)", "key_service",
                          "API keys with the scope write:reports are issued by the IOC's "
                          "administrators (POST /api/v1/keys).",
                          "endpoints", ep);
    o311_send(c, 200, xml, "discovery", j);
}

static void h_services(struct api_ctx *c)
{
    int xml;
    if (fmt_param(c, &xml) || common(c, xml, NULL))
        return;
    int en = lang_en(c) != NULL;
    struct store_rep_service *s = NULL;
    size_t n = 0;
    int rc = store_rep_services_list(c->t->db, &s, &n);
    if (rc) {
        o311_error(c, xml, 500, "", "The services could not be read.");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        int has_attrs = s[i].attr_count > 0;
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", s[i].code,
                           "service_name", en ? s[i].name_en : s[i].name_vi, "description",
                           en ? s[i].description_en : s[i].description_vi, "metadata", has_attrs,
                           "type", "realtime", "keywords", s[i].keywords, "group",
                           en ? s[i].group_en : s[i].group_vi));
    }
    store_rep_services_free(s, n);
    o311_send(c, 200, xml, "services", arr);
}

static json_t *definition_json(const struct store_rep_service *s, int en)
{
    json_t *attrs = json_array();
    for (size_t i = 0; i < s->nattrs; i++) {
        const struct store_rep_attr *a = &s->attrs[i];
        json_t *values = json_array();
        json_t *list = a->value_list[0] ? json_loads(a->value_list, 0, NULL) : NULL;
        size_t k;
        json_t *v;
        json_array_foreach(list, k, v)
        {
            const char *nm = json_string_value(json_object_get(v, en ? "name_en" : "name_vi"));
            if (!nm || !*nm)
                nm = json_string_value(json_object_get(v, "name_vi"));
            json_array_append_new(values, json_pack("{s:O, s:s}", "key", json_object_get(v, "key"),
                                                    "name", nm ? nm : ""));
        }
        json_decref(list);
        json_array_append_new(
            attrs, json_pack("{s:b, s:s, s:s, s:b, s:o, s:i, s:s, s:o}", "variable", 1, "code",
                             a->code, "datatype", a->datatype, "required", a->required,
                             "datatype_description", o311_str_or_null(a->datatype_description),
                             "order", a->position, "description",
                             en && a->description_en[0] ? a->description_en : a->description_vi,
                             "values", values));
    }
    return json_pack("{s:s, s:o}", "service_code", s->code, "attributes", attrs);
}

static void h_service(struct api_ctx *c)
{
    int xml = 0;
    const char *code = split_ext(c, c->params[0], &xml);
    if (!code) {
        o311_error(c, 0, 404, "", "Use /services/{service_code}.json or .xml.");
        return;
    }
    if (common(c, xml, NULL))
        return;
    struct store_rep_service s;
    int rc = rep_code_valid(code) ? store_rep_service_get(c->t->db, code, &s) : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        o311_error(c, xml, 404, "service_code", "No service has the code %.64s.", code);
        return;
    }
    if (rc) {
        o311_error(c, xml, 500, "", "The service could not be read.");
        return;
    }
    json_t *j = definition_json(&s, lang_en(c) != NULL);
    store_rep_service_clear(&s);
    /* the JSON answer is the object itself; XML's root is service_definition */
    o311_send(c, 200, xml, "service_definition", j);
}

/* ---- the request object ------------------------------------------------------------------ */

static void h_request_one(struct api_ctx *c)
{
    int xml = 0;
    const char *id = split_ext(c, c->params[0], &xml);
    if (!id) {
        o311_error(c, 0, 404, "", "Use /requests/{service_request_id}.json or .xml.");
        return;
    }
    if (common(c, xml, (const char *const[]){"extensions", NULL}))
        return;
    int64_t n = 0;
    struct store_rep_request r;
    int rc = ioc_parse_i64(id, strlen(id), 1, INT64_MAX, &n) == 0
                 ? store_rep_request_get(c->t->db, n, &r)
                 : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        o311_error(c, xml, 404, "service_request_id", "No request has the id %.32s.", id);
        return;
    }
    if (rc) {
        o311_error(c, xml, 500, "", "The request could not be read.");
        return;
    }
    json_t *one = o311_request_out(c, &r, extensions_on(api_query(c, "extensions")));
    store_rep_request_clear(&r);
    if (!one) {
        o311_error(c, xml, 500, "", "The request could not be read.");
        return;
    }
    o311_send(c, 200, xml, "service_requests", json_pack("[o]", one));
}

/* Tokens: a POST answers its service_request_id at once, and a secret token (stored hashed)
 * with which the citizen reopens and rates; GET tokens/{token} finds the request of either the
 * token or, for clients that always go through tokens, the id itself (docs/reports.md). */
static void h_token(struct api_ctx *c)
{
    int xml = 0;
    const char *tok = split_ext(c, c->params[0], &xml);
    if (!tok) {
        o311_error(c, 0, 404, "", "Use /tokens/{token}.json or .xml.");
        return;
    }
    if (common(c, xml, NULL))
        return;
    int64_t n = 0;
    struct store_rep_request r;
    char hash[65];
    if (rep_token_shaped(tok)) {
        rep_token_hash(tok, hash);
        if (store_rep_token_find(c->t->db, hash, &n) != 0)
            n = 0;
    } else if (ioc_parse_i64(tok, strlen(tok), 1, INT64_MAX, &n) != 0) {
        n = 0;
    }
    int rc = n ? store_rep_request_get(c->t->db, n, &r) : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        o311_error(c, xml, 404, "token", "No request has the token %.32s.", tok);
        return;
    }
    if (rc) {
        o311_error(c, xml, 500, "", "The token could not be read.");
        return;
    }
    store_rep_request_clear(&r);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)n);
    o311_send(c, 200, xml, "service_requests",
              json_pack("[{s:s, s:s}]", "service_request_id", id, "token", tok));
}

/* ---- GET requests -------------------------------------------------------------------------- */

/* Splits a comma list into the pool; empty items skipped. */
static size_t split_list(struct api_ctx *c, const char *v, const char **out, size_t max)
{
    size_t n = 0;
    char *copy = net_req_strdup(c->req, v, strlen(v));
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        if (*t && n < max)
            out[n++] = t;
        else if (*t)
            return max + 1;
    }
    return n;
}

static int int_arg(struct api_ctx *c, int xml, const char *key, int64_t max, int64_t dflt,
                   int64_t *out)
{
    const char *v = api_query(c, key);
    *out = dflt;
    if (v && *v && ioc_parse_i64(v, strlen(v), 1, max, out) != 0) {
        o311_error(c, xml, 400, key, "%s must be an integer from 1 to %lld.", key, (long long)max);
        return -1;
    }
    return 0;
}

static int time_arg(struct api_ctx *c, int xml, const char *key, int64_t *ms, int *given)
{
    const char *v = api_query(c, key);
    *given = v && *v;
    if (*given && rep_time_parse(v, ms) != 0) {
        o311_error(c, xml, 400, key,
                   "%s must be an ISO 8601 date-time with its zone, e.g. "
                   "2026-03-01T08:00:00+07:00.",
                   key);
        return -1;
    }
    return 0;
}

/* service_request_id: a comma list of ids into q. 0, or -1 after answering 400. */
static int ids_filter(struct api_ctx *c, int xml, struct store_rep_query *q)
{
    const char *ids = api_query(c, "service_request_id");
    if (!ids || !*ids)
        return 0;
    const char **items = net_req_alloc(c->req, sizeof *items * (O311_MAX_RESULTS + 1));
    size_t n = split_list(c, ids, items, O311_MAX_RESULTS);
    if (n > O311_MAX_RESULTS) {
        o311_error(c, xml, 400, "service_request_id", "At most %d ids.", O311_MAX_RESULTS);
        return -1;
    }
    int64_t *idv = net_req_alloc(c->req, sizeof *idv * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        if (ioc_parse_i64(items[i], strlen(items[i]), 1, INT64_MAX, &idv[i]) != 0) {
            o311_error(c, xml, 400, "service_request_id",
                       "%.32s is not a service_request_id (a positive integer).", items[i]);
            return -1;
        }
    q->ids = idv;
    q->nids = n;
    return 0;
}

/* service_code: a comma list of known codes (404 for another). 0, or -1 after answering. */
static int codes_filter(struct api_ctx *c, int xml, struct store_rep_query *q)
{
    const char *codes = api_query(c, "service_code");
    if (!codes || !*codes)
        return 0;
    const char **items = net_req_alloc(c->req, sizeof *items * 65);
    size_t n = split_list(c, codes, items, 64);
    if (n > 64) {
        o311_error(c, xml, 400, "service_code", "At most 64 service codes.");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct store_rep_service s;
        int rc = rep_code_valid(items[i]) ? store_rep_service_get(c->t->db, items[i], &s)
                                          : IOC_ENOTFOUND;
        if (rc == 0)
            store_rep_service_clear(&s);
        if (rc) {
            o311_error(c, xml, rc == IOC_ENOTFOUND ? 404 : 500, "service_code",
                       "No service has the code %.64s.", items[i]);
            return -1;
        }
    }
    q->codes = items;
    q->ncodes = n;
    return 0;
}

/* status: open, closed or both (the default). 0, or -1 after answering 400. */
static int status_filter(struct api_ctx *c, int xml, struct store_rep_query *q)
{
    const char *st = api_query(c, "status");
    if (!st || !*st) {
        q->want_open = q->want_closed = 1;
        return 0;
    }
    const char *items[4];
    size_t n = split_list(c, st, items, 2);
    for (size_t i = 0; i < n && n <= 2; i++) {
        if (strcmp(items[i], "open") == 0)
            q->want_open = 1;
        else if (strcmp(items[i], "closed") == 0)
            q->want_closed = 1;
        else
            n = 3;
    }
    if (n > 2) {
        o311_error(c, xml, 400, "status", "status is open, closed or open,closed.");
        return -1;
    }
    return 0;
}

/* start_date and end_date: at most 90 days apart; by default the 90 days before end_date (now
 * when absent), or the 90 days after start_date when only it is given. */
static int dates_filter(struct api_ctx *c, int xml, struct store_rep_query *q)
{
    int64_t start = 0, end = 0;
    int has_start, has_end;
    if (time_arg(c, xml, "start_date", &start, &has_start) ||
        time_arg(c, xml, "end_date", &end, &has_end))
        return -1;
    if (!has_end)
        end = has_start ? start + O311_SPAN_MS : ioc_now_ms();
    if (!has_start)
        start = end - O311_SPAN_MS;
    if (start > end) {
        o311_error(c, xml, 400, "start_date", "start_date is after end_date.");
        return -1;
    }
    if (end - start > O311_SPAN_MS) {
        o311_error(c, xml, 400, "end_date",
                   "start_date and end_date may be at most 90 days apart.");
        return -1;
    }
    q->from_ms = start;
    q->to_ms = end + 1; /* end_date is inclusive */
    return 0;
}

static void h_requests(struct api_ctx *c)
{
    static const char *const known[] = {"service_request_id", "service_code", "start_date",
                                        "end_date",           "status",       "page",
                                        "page_size",          "extensions",   NULL};
    int xml;
    if (fmt_param(c, &xml) || common(c, xml, known))
        return;
    struct store_rep_query q = {0};
    int64_t page, size;
    if (int_arg(c, xml, "page", 1000000, 1, &page) ||
        int_arg(c, xml, "page_size", O311_MAX_RESULTS, O311_MAX_RESULTS, &size))
        return;
    q.limit = (int)size;
    q.offset = (int)((page - 1) * size);
    if (ids_filter(c, xml, &q))
        return;
    /* service_request_id overrides every other filter */
    if (!q.nids &&
        (codes_filter(c, xml, &q) || status_filter(c, xml, &q) || dates_filter(c, xml, &q)))
        return;
    struct store_rep_request *r = NULL;
    size_t n = 0;
    if (store_rep_requests_find(c->t->db, &q, &r, &n) != 0) {
        o311_error(c, xml, 500, "", "The requests could not be read.");
        return;
    }
    json_t *arr = json_array();
    int ext = extensions_on(api_query(c, "extensions"));
    for (size_t i = 0; arr && i < n; i++) {
        json_t *one = o311_request_out(c, &r[i], ext);
        if (!one) {
            json_decref(arr);
            arr = NULL;
        } else {
            json_array_append_new(arr, one);
        }
    }
    store_rep_requests_free(r, n);
    if (!arr)
        o311_error(c, xml, 500, "", "The requests could not be read.");
    else
        o311_send(c, 200, xml, "service_requests", arr);
}

/* ---- POST requests ------------------------------------------------------------------------- */

struct post {
    int xml, ext;
    char token[65], token_hash[65];
    struct store_rep_request r;
    struct store_audit who;
    char target[48];
    int existing;
    struct o311_media *media; /* photos of a multipart request, or NULL */
};

static int post_job(struct store_conn *w, void *arg)
{
    struct post *p = arg;
    int rc = store_rep_request_add(w, &p->r, p->who.actor, &p->existing);
    /* a retry gets a token of its own: the first answer's may be what was lost */
    if (rc == 0)
        rc = store_rep_token_add(w, p->r.id, p->token_hash);
    if (rc || p->existing || (rc = o311_media_link(w, p->media, p->r.id)) != 0)
        return rc;
    snprintf(p->target, sizeof p->target, "report:%lld", (long long)p->r.id);
    p->who.target = p->target;
    rc = store_audit_add(w, &p->who); /* then its webhooks' deliveries, in its transaction */
    return rc ? rc : rep_created_in_tx(w, p->r.id, p->who.actor, api_report_in_tx, NULL);
}

static void post_done(struct api_ctx *c, void *arg, int rc)
{
    struct post *p = arg;
    if (rc == IOC_EBUSY || rc == IOC_ESHUTDOWN) {
        net_res_header(c->req, "retry-after", "1");
        o311_error(c, p->xml, 503, "",
                   "The server is busy; try again with the same "
                   "Idempotency-Key.");
        return;
    }
    struct store_rep_request r;
    if (rc || store_rep_request_get(c->t->db, p->r.id, &r) != 0) {
        o311_error(c, p->xml, 500, "", "The request could not be stored.");
        return;
    }
    struct rep_change ch; /* a new report's `report` event (a retry's was published already) */
    rep_request_change(&r, p->who.actor, &ch);
    if (!p->existing)
        api_report_event(c, &ch, r.agency_id);
    /* the same answer for the first request and for every retry with its key */
    char id[24], notice[400], due[32];
    snprintf(id, sizeof id, "%lld", (long long)r.id);
    rep_time_format(r.expected_ms, due);
    if (r.agency_name[0])
        snprintf(notice, sizeof notice, "Đã chuyển đến %.200s; hạn xử lý %s.", r.agency_name,
                 r.expected_ms ? due : "không có");
    else
        snprintf(notice, sizeof notice,
                 "Trực ban IOC sẽ chuyển phản ánh đến cơ quan phụ trách; hạn xử lý %s.",
                 r.expected_ms ? due : "không có");
    o311_media_notice(p->media, notice, sizeof notice);
    json_t *near = o311_nearby(c->t->db, &r, ioc_now_ms());
    size_t nn = json_array_size(near);
    for (size_t i = 0, len = strlen(notice); i < nn && i < 5 && len + 40 < sizeof notice; i++)
        len += (size_t)snprintf(
            notice + len, sizeof notice - len, i ? ", #%s" : " Có phản ánh tương tự gần đây: #%s",
            json_string_value(json_object_get(json_array_get(near, i), "service_request_id")));
    json_t *arr =
        json_pack("[{s:s, s:s, s:s, s:o}]", "service_request_id", id, "service_notice", notice,
                  "token", p->token, "account_id", o311_str_or_null(r.account_id));
    if (p->ext && near)
        json_object_set_new(json_array_get(arr, 0), "extended_attributes",
                            json_pack("{s:O}", "nearby", near));
    o311_media_answer(p->media, p->ext, json_array_get(arr, 0));
    json_decref(near);
    store_rep_request_clear(&r);
    o311_send(c, 201, p->xml, "service_requests", arr);
}

/* The caller's key: the form's api_key, else an Authorization: Bearer key; it must carry
 * write:reports. 0, or -1 after answering 403. */
static int post_key(struct api_ctx *c, int xml, const struct rep_form *f)
{
    const char *k = rep_form_get(f, "api_key");
    if (!k)
        k = api_query(c, "api_key");
    if (k) {
        struct auth_principal who;
        if (strlen(k) > 128 || auth_key_resolve(c->t->db, k, &who) != 0) {
            o311_error(c, xml, 403, "api_key", "The api_key is not valid or was revoked.");
            return -1;
        }
        c->who = who;
    }
    if (c->who.kind != AUTH_KEY) {
        o311_error(c, xml, 403, "api_key", "api_key is required: an API key with write:reports.");
        return -1;
    }
    if (auth_allowed(&c->who, AUTH_ADMIN, "write:reports") != 0) {
        o311_error(c, xml, 403, "api_key", "This api_key does not carry write:reports.");
        return -1;
    }
    return 0;
}

/* The commune of the point, for routing; 0 after answering (503 while the index is built, 400
 * outside the province). */
static int locate(struct api_ctx *c, int xml, double lat, double lon, int64_t *unit_id)
{
    const struct geo_index *ix = NULL;
    int rc = api_geo_acquire(c, &ix);
    if (rc == IOC_EBUSY || rc == IOC_EIO) {
        net_res_header(c->req, "retry-after", rc == IOC_EBUSY ? "1" : "10");
        o311_error(c, xml, 503, "", "The map of communes is being built; try again soon.");
        return -1;
    }
    if (rc) {
        o311_error(c, xml, 500, "", "The map of communes is not available.");
        return -1;
    }
    char today[11];
    int32_t days;
    ioc_date_today_vn(today);
    ioc_date_parse(today, 10, &days);
    int outside = geo_index_lookup(ix, lon, lat, 3, days, unit_id) != 0;
    api_geo_release(c);
    if (outside) {
        o311_error(c, xml, 400, "lat",
                   "The point %.6f, %.6f is outside the province this service covers: no "
                   "commune contains it.",
                   lat, lon);
        return -1;
    }
    return 0;
}

static void form_free(void *p)
{
    rep_form_free(p);
}

/* The form of a POST (application/x-www-form-urlencoded, or no Content-Type, or
 * multipart/form-data with photos: open311_media.c), held by the request; NULL after answering
 * 400. */
static struct rep_form *post_form(struct api_ctx *c, int xml, struct o311_media **media)
{
    size_t n = 0, bn = 0;
    const char *ct = net_req_header(c->req, "content-type", &n);
    if (o311_media_is_multipart(ct, n))
        return o311_media_form(c, xml, ct, n, media);
    if (ct && !(n >= 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
                (n == 33 || ct[33] == ';' || ct[33] == ' '))) {
        o311_error(c, xml, 400, "",
                   "Send the request as application/x-www-form-urlencoded or "
                   "multipart/form-data.");
        return NULL;
    }
    const char *body = net_req_body(c->req, &bn);
    struct rep_form *f = net_req_alloc(c->req, sizeof *f);
    char err[256];
    int rc = rep_form_parse(body ? body : "", bn, f, err, sizeof err);
    if (rc) {
        o311_error(c, xml, rc == IOC_ENOMEM ? 500 : 400, "", "%s",
                   rc == IOC_ENOMEM ? "Out of memory." : err);
        return NULL;
    }
    net_req_on_free(c->req, form_free, f);
    return f;
}

/* The service named by the form and the submission checked against it; 0, or -1 after
 * answering (404 for an unknown service, 400 with every problem). */
static int post_checked(struct api_ctx *c, int xml, const struct rep_form *f,
                        struct store_rep_service *s, struct rep_submission *sub)
{
    const char *code = rep_form_get(f, "service_code");
    if (!code) {
        o311_error(c, xml, 400, "service_code", "service_code is required.");
        return -1;
    }
    int rc = rep_code_valid(code) ? store_rep_service_get(c->t->db, code, s) : IOC_ENOTFOUND;
    if (rc) {
        o311_error(c, xml, rc == IOC_ENOTFOUND ? 404 : 500, "service_code",
                   "No service has the code %.64s.", code);
        return -1;
    }
    struct rep_problem probs[16];
    size_t np = 0;
    rc = rep_submission_check(s, f, sub, probs, IOC_ARRAY_LEN(probs), &np);
    if (rc == 0)
        return 0;
    store_rep_service_clear(s);
    struct o311_error e[16];
    size_t k = np < IOC_ARRAY_LEN(probs) ? np : IOC_ARRAY_LEN(probs);
    for (size_t i = 0; i < k; i++)
        e[i] = (struct o311_error){probs[i].param, probs[i].why};
    if (rc == IOC_ENOMEM)
        o311_error(c, xml, 500, "", "Out of memory.");
    else
        o311_errors(c, xml, 400, e, k);
    return -1;
}

/* The row to store: routed (the commune's override, else the service's agency, else triage),
 * its deadline, the checked values (in the request's pool). */
static void post_fill(struct api_ctx *c, struct post *p, const struct store_rep_service *s,
                      const struct rep_submission *sub, int has_point)
{
    char *override = NULL;
    if (p->r.unit_id) {
        struct store_unit u = {0};
        if (store_unit_get_by_id(c->t->db, p->r.unit_id, &u) == 0) {
            store_rep_override_get(c->t->db, s->code, u.code, &override);
            store_unit_clear(&u);
        }
    }
    const char *agency = rep_route(override, s->agency_code);
    struct store_rep_request *r = &p->r;
    r->service_code = net_req_strdup(c->req, s->code, strlen(s->code));
    r->agency_code = net_req_strdup(c->req, agency, strlen(agency));
    free(override);
    r->has_point = has_point;
    r->lat = sub->lat;
    r->lon = sub->lon;
    r->state = "received";
    r->requested_ms = ioc_now_ms();
    r->expected_ms = rep_deadline_ms(r->requested_ms, s->deadline_hours);
    r->attributes = net_req_strdup(c->req, sub->attributes, strlen(sub->attributes));
    r->description = (char *)sub->description;
    r->address = (char *)sub->address;
    r->media_url = (char *)sub->media_url;
    r->email = (char *)sub->email;
    r->phone = (char *)sub->phone;
    r->first_name = (char *)sub->first_name;
    r->last_name = (char *)sub->last_name;
    r->device_id = (char *)sub->device_id;
    r->account_id = (char *)sub->account_id;
    r->key_id = c->who.key_id;
}

static void h_post(struct api_ctx *c)
{
    int xml;
    if (fmt_param(c, &xml) || only_known(c, xml, (const char *const[]){"extensions", NULL}))
        return;
    struct o311_media *media = NULL;
    struct rep_form *f = post_form(c, xml, &media);
    if (!f || jurisdiction_ok(c, xml, rep_form_get(f, "jurisdiction_id")) ||
        jurisdiction_ok(c, xml, api_query(c, "jurisdiction_id")) || post_key(c, xml, f) ||
        !o311_post_allowed(c, xml, rep_form_get(f, "device_id")))
        return;
    size_t hn = 0;
    const char *idem = net_req_header(c->req, "idempotency-key", &hn);
    char *key =
        idem ? net_req_strdup(c->req, idem, hn) : (char *)rep_form_get(f, "idempotency_key");
    if (key && (strlen(key) > O311_IDEM_MAX || !ioc_utf8_valid(key, strlen(key)))) {
        o311_error(c, xml, 400, "idempotency_key", "The idempotency key is at most %d bytes.",
                   O311_IDEM_MAX);
        return;
    }
    struct store_rep_service s;
    struct rep_submission sub;
    if (post_checked(c, xml, f, &s, &sub))
        return;
    struct post *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->xml = xml;
    p->media = media;
    p->ext =
        extensions_on(rep_form_get(f, "extensions")) || extensions_on(api_query(c, "extensions"));
    rep_token_new(p->token);
    rep_token_hash(p->token, p->token_hash);
    int has_point = rep_form_get(f, "lat") != NULL;
    if (!has_point || locate(c, xml, sub.lat, sub.lon, &p->r.unit_id) == 0) {
        post_fill(c, p, &s, &sub, has_point);
        p->r.idempotency = key;
    } else {
        p = NULL; /* answered */
    }
    store_rep_service_clear(&s);
    rep_submission_clear(&sub);
    if (!p)
        return;
    api_audit_fill(c, &p->who, "open311.request", "report", "ok");
    api_write(c, post_job, p, post_done);
}

/* ---- anything else under /open311/v2/ -------------------------------------------------------- */

static void h_unknown(struct api_ctx *c)
{
    int xml = 0;
    split_ext(c, c->params[0], &xml);
    o311_error(c, xml, 404, "", "No such Open311 resource: %.64s.", c->params[0]);
}

static int64_t post_max_body(const struct ioc_config *cfg)
{
    return O311_MAX_BODY + o311_media_max_body(cfg);
}

/* The open311 module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route open311_routes[] = {
    API_ROUTE("GET", "/open311/v2/discovery.{fmt}", "open311.discovery", AUTH_PUBLIC, "public",
              NULL, 0, h_discovery),
    API_ROUTE("GET", "/open311/v2/services.{fmt}", "open311.services", AUTH_PUBLIC, "public", NULL,
              0, h_services),
    API_ROUTE("GET", "/open311/v2/services/{code}", "open311.service", AUTH_PUBLIC, "public", NULL,
              0, h_service),
    API_ROUTE_BODY("POST", "/open311/v2/requests.{fmt}", "open311.requests.create", AUTH_PUBLIC,
                   "public", NULL, 0, h_post, post_max_body),
    API_ROUTE("GET", "/open311/v2/requests.{fmt}", "open311.requests", AUTH_PUBLIC, "public", NULL,
              0, h_requests),
    API_ROUTE("GET", "/open311/v2/requests/{id}", "open311.request", AUTH_PUBLIC, "public", NULL, 0,
              h_request_one),
    API_ROUTE("GET", "/open311/v2/tokens/{token}", "open311.token", AUTH_PUBLIC, "public", NULL, 0,
              h_token),
    API_ROUTE("GET", "/open311/v2/{resource}", "open311.unknown", AUTH_PUBLIC, "public", NULL, 0,
              h_unknown),
};

const struct api_module api_module_open311 =
    API_MODULE_ERRORS("open311", open311_routes, api_openapi_open311, "/open311/", o311_api_error);
