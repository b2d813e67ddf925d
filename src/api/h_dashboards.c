/* h_dashboards.c — dashboards as documents (docs/dashboards.md): listed (searched ignoring case
 * and diacritics, by domain, paged) and read one by id with its revision as ETag, for every
 * signed-in user and keys with read:indicators; an admin creates or replaces one with PUT
 * (checked by src/dashboards against the catalogue and units; If-Match honoured) and deletes one,
 * each audited. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "dashboards/dashboards.h"
#include "seed/seed.h"

API_OPENAPI_FRAGMENT(api_openapi_dashboards, "src/api/openapi/dashboards.json");

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 200

static json_t *tags_json(const char *tags)
{
    json_t *arr = json_array();
    for (const char *p = tags; p && *p;) {
        const char *sp = strchr(p, '\n');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, n));
        p = sp ? sp + 1 : p + n;
    }
    return arr;
}

static json_t *summary_json(const struct store_dashboard *d)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:s}", "id", d->id, "title_vi",
                     d->title_vi, "title_en", d->title_en, "domain",
                     d->domain[0] ? json_string(d->domain) : json_null(), "tags",
                     tags_json(d->tags), "panels", (json_int_t)d->panels, "revision",
                     (json_int_t)d->revision, "updated_at", d->updated_at);
}

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

static void h_dashboards_list(struct api_ctx *c)
{
    static const char *const known[] = {"domain", "q", "page", "page_size", NULL};
    if (api_query_only(c, known))
        return;
    int64_t page = 1, size = PAGE_SIZE_DEFAULT;
    if (int_param(c, "page", 1000000, 1, &page) ||
        int_param(c, "page_size", PAGE_SIZE_MAX, PAGE_SIZE_DEFAULT, &size))
        return;
    const char *q = api_query(c, "q");
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    struct store_dash_query query = {api_query(c, "domain"), folded && *folded ? folded : NULL,
                                     (int)size, (int)((page - 1) * size), 0};
    struct store_dashboard *d = NULL;
    size_t n = 0;
    int64_t total = 0;
    int rc = store_dashboards_find(c->t->db, &query, &d, &n, &total);
    free(folded);
    if (rc) {
        api_error_rc(c, rc, "dashboards");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, summary_json(&d[i]));
    store_dashboards_free(d, n);
    api_json(c, 200,
             json_pack("{s:i, s:I, s:I, s:I, s:o}", "count", (json_int_t)n, "total",
                       (json_int_t)total, "page", (json_int_t)page, "page_size", (json_int_t)size,
                       "dashboards", arr));
}

/* The stored document with its revision, updated_at and updated_by, and its ETag; for a GET
 * (status 0), 304 when the client's If-None-Match names it, else 200; after a PUT, status. */
static void send_dashboard(struct api_ctx *c, const struct store_dashboard *d, int status)
{
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)d->revision);
    net_res_header(c->req, "etag", etag);
    net_res_header(c->req, "cache-control", "no-cache");
    size_t n;
    const char *inm = net_req_header(c->req, "if-none-match", &n);
    if (status == 0 && inm && api_etag_listed(inm, n, etag)) {
        net_res_send(c->req, 304, NULL, "", 0);
        return;
    }
    json_t *doc = json_loads(d->document, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        api_error_rc(c, IOC_EIO, "dashboard");
        return;
    }
    json_object_set_new(doc, "revision", json_integer(d->revision));
    json_object_set_new(doc, "updated_at", json_string(d->updated_at));
    json_object_set_new(doc, "updated_by", json_string(d->updated_by));
    api_json(c, status ? status : 200, doc);
}

static void get_status(struct api_ctx *c, int status)
{
    struct store_dashboard d;
    int rc = dash_id_valid(c->params[0]) ? store_dashboard_get(c->t->db, c->params[0], &d)
                                         : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No dashboard has id %.64s.", c->params[0]);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "dashboard");
        return;
    }
    send_dashboard(c, &d, status);
    store_dashboard_clear(&d);
}

static void h_dashboards_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    get_status(c, 0);
}

_Static_assert(STORE_DASH_ANY == API_COND_ANY && STORE_DASH_EXISTS == API_COND_EXISTS &&
                   STORE_DASH_ABSENT == API_COND_ABSENT,
               "the store's conditions are the API's");

/* ---- PUT and DELETE ---------------------------------------------------------------------- */

struct dash_write {
    struct store_dashboard x; /* PUT: the checked document, its strings in the request's pool */
    int64_t if_revision;
    enum store_dash_outcome outcome;
    int64_t revision;
    int stale; /* DELETE */
    struct store_audit who;
    char target[96];
    char detail[96];
};

static int put_job(struct store_conn *w, void *arg)
{
    struct dash_write *p = arg;
    int rc = store_dashboard_put(w, &p->x, p->if_revision, &p->outcome, &p->revision);
    if (rc || p->outcome == STORE_DASH_STALE)
        return rc;
    static const char *const names[] = {"added", "updated", "unchanged"};
    snprintf(p->detail, sizeof p->detail, "{\"outcome\":\"%s\",\"revision\":%lld}",
             names[p->outcome], (long long)p->revision);
    p->who.detail = p->detail;
    return store_audit_add(w, &p->who);
}

static void stale(struct api_ctx *c, int64_t cond, int64_t revision)
{
    if (cond == STORE_DASH_ABSENT)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "A dashboard with id %.64s exists already (revision %lld); choose another id.",
                  c->params[0], (long long)revision);
    else if (revision > 0)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "The dashboard is at revision %lld (ETag \"%lld\"); read it again.",
                  (long long)revision, (long long)revision);
    else
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED, "No dashboard has id %.64s.", c->params[0]);
}

static void put_done(struct api_ctx *c, void *arg, int rc)
{
    struct dash_write *p = arg;
    if (rc)
        api_error_rc(c, rc, "dashboard");
    else if (p->outcome == STORE_DASH_STALE)
        stale(c, p->if_revision, p->revision);
    else
        get_status(c, p->outcome == STORE_DASH_ADDED ? 201 : 200);
}

static char *pool_dup(struct api_ctx *c, const char *s)
{
    return net_req_strdup(c->req, s, strlen(s));
}

static void h_dashboards_put(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct dash_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    json_t *id = json_object_get(c->body, "id");
    if (json_is_string(id) && strcmp(json_string_value(id), c->params[0]) != 0) {
        api_error_field(c, "id", "The id in the body must be the one of the path.");
        return;
    }
    struct dash_lookup lk;
    seed_dashboards_lookup(&lk, c->t->db);
    struct dash_problem why;
    struct dash_doc doc;
    int rc = dash_check(c->body, &lk, &doc, &why);
    if (rc == IOC_EINVAL) {
        api_error_field(c, why.path, "%s", why.why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "dashboard");
        return;
    }
    p->x = (struct store_dashboard){.id = pool_dup(c, doc.id),
                                    .title_vi = pool_dup(c, doc.title_vi),
                                    .title_en = pool_dup(c, doc.title_en),
                                    .domain = pool_dup(c, doc.domain),
                                    .tags = pool_dup(c, doc.tags),
                                    .panels = doc.panels,
                                    .document = pool_dup(c, doc.text),
                                    .updated_by = (char *)c->who.name};
    dash_doc_clear(&doc);
    if (api_put_condition(c, &p->if_revision) != 0)
        return;
    snprintf(p->target, sizeof p->target, "dashboard:%.80s", c->params[0]);
    api_audit_fill(c, &p->who, "dashboard.put", p->target, "ok");
    api_write(c, put_job, p, put_done);
}

static int delete_job(struct store_conn *w, void *arg)
{
    struct dash_write *p = arg;
    int rc = store_dashboard_delete(w, p->target + strlen("dashboard:"), p->if_revision, &p->stale);
    if (rc || p->stale)
        return rc;
    return store_audit_add(w, &p->who);
}

static void delete_done(struct api_ctx *c, void *arg, int rc)
{
    struct dash_write *p = arg;
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No dashboard has id %.64s.", c->params[0]);
    else if (rc)
        api_error_rc(c, rc, "dashboard");
    else if (p->stale)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "If-Match does not name the current revision; read the dashboard again.");
    else
        net_res_send(c->req, 204, NULL, "", 0);
}

static void h_dashboards_delete(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    if (!dash_id_valid(c->params[0])) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No dashboard has id %.64s.", c->params[0]);
        return;
    }
    struct dash_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->if_revision = api_if_match(c);
    snprintf(p->target, sizeof p->target, "dashboard:%s", c->params[0]);
    api_audit_fill(c, &p->who, "dashboard.delete", p->target, "ok");
    api_write(c, delete_job, p, delete_done);
}

static int64_t dashboard_max_body(const struct ioc_config *cfg)
{
    (void)cfg;
    return DASH_MAX_BYTES;
}

/* The dashboards module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route dashboards_routes[] = {
    API_ROUTE("GET", "/api/v1/dashboards", "dashboards.list", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_dashboards_list),
    API_ROUTE("GET", "/api/v1/dashboards/{id}", "dashboards.get", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_dashboards_get),
    API_ROUTE_BODY("PUT", "/api/v1/dashboards/{id}", "dashboards.put", AUTH_ADMIN, "admin", NULL, 1,
                   h_dashboards_put, dashboard_max_body),
    API_ROUTE("DELETE", "/api/v1/dashboards/{id}", "dashboards.delete", AUTH_ADMIN, "admin", NULL,
              0, h_dashboards_delete),
};

const struct api_module api_module_dashboards =
    API_MODULE("dashboards", dashboards_routes, api_openapi_dashboards);
