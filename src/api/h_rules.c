/* h_rules.c — alert rules (docs/alerts.md "Rules"): listed and read by staff and up (staff see
 * their agency's only), created, replaced (If-Match on the version, the ETag) and deleted by
 * operators and up, each audited; the engine reloads them after each change. The rules are
 * src/alerts's; this file parses, calls and renders. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"

API_OPENAPI_FRAGMENT(api_openapi_rules, "src/api/openapi/rules.json");

/* The rule id of the path, or 0 (not a number). */
static int64_t path_id(struct api_ctx *c)
{
    int64_t id = 0;
    if (ioc_parse_i64(c->params[0], strlen(c->params[0]), 1, INT64_MAX, &id) != 0)
        return 0;
    return id;
}

/* Staff see their agency's rules only. */
static int visible(struct api_ctx *c, const struct store_alert_rule *r)
{
    return c->who.role >= AUTH_ROLE_OPERATOR ||
           (c->who.agency_code[0] && strcmp(c->who.agency_code, r->agency) == 0);
}

static void h_rules_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    const char *agency = c->who.role >= AUTH_ROLE_OPERATOR ? NULL : c->who.agency_code;
    struct store_alert_rule *r = NULL;
    size_t n = 0;
    int rc = store_alert_rules_list(c->t->db, agency, 0, &r, &n);
    if (rc) {
        api_error_rc(c, rc, "rules");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, alerts_rule_json(&r[i]));
    store_alert_rules_free(r, n);
    net_res_header(c->req, "cache-control", "no-cache");
    api_json(c, 200, json_pack("{s:I, s:o}", "count", (json_int_t)n, "rules", arr));
}

/* Sends rule id with its ETag (status: 200, 201). */
static void send_rule(struct api_ctx *c, int64_t id, int status)
{
    struct store_alert_rule r;
    int rc = id ? store_alert_rule_get(c->t->db, id, &r) : IOC_ENOTFOUND;
    if (rc == 0 && !visible(c, &r)) {
        store_alert_rule_clear(&r);
        rc = IOC_ENOTFOUND;
    }
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No rule has id %lld.", (long long)id);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "rule");
        return;
    }
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)r.version);
    net_res_header(c->req, "etag", etag);
    net_res_header(c->req, "cache-control", "no-cache");
    json_t *o = alerts_rule_json(&r);
    store_alert_rule_clear(&r);
    api_json(c, status, o);
}

static void h_rules_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    send_rule(c, path_id(c), 200);
}

/* If-Match (api_if_match): 0 when absent or "*" (a rule PUT only replaces), the version of
 * "N"; -1 for a tag that is no version. */
static int64_t if_match(struct api_ctx *c)
{
    int64_t v = api_if_match(c);
    if (v == API_COND_ANY || v == API_COND_EXISTS)
        return 0;
    return v == INT64_MAX ? -1 : v;
}

struct rule_write {
    struct store_alert_rule r;
    int64_t cond, id, max_rules;
    int stale, too_many, del;
    struct store_audit who;
    char target[48];
    struct alerts_retire retire; /* a rule deleted or disabled: its open alerts resolved */
};

static int put_job(struct store_conn *w, void *arg)
{
    struct rule_write *p = arg;
    int rc;
    if (!p->r.id) {
        int64_t n = 0;
        if ((rc = store_alert_rules_count(w, &n)) != 0)
            return rc;
        if (n >= p->max_rules) {
            p->too_many = 1;
            return 0;
        }
    }
    rc = p->del ? store_alert_rule_delete(w, p->r.id, p->cond, &p->stale)
                : store_alert_rule_put(w, &p->r, p->cond, &p->id, &p->stale);
    if (rc || p->stale)
        return rc;
    if (p->r.id && (p->del || !p->r.enabled) && (rc = alerts_retire_job(w, &p->retire)) != 0)
        return rc;
    if (!p->del) {
        snprintf(p->target, sizeof p->target, "rule:%lld", (long long)p->id);
        p->who.target = p->target;
    }
    return store_audit_add(w, &p->who);
}

static void put_done(struct api_ctx *c, void *arg, int rc)
{
    struct rule_write *p = arg;
    int created = !p->r.id;
    store_alert_rule_clear(&p->r);
    alerts_retire_done(&p->retire, rc);
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No such rule.");
    else if (rc)
        api_error_rc(c, rc, "rule");
    else if (p->too_many)
        api_error(c, IOC_HTTP_E_LIMIT_EXCEEDED, "At most %lld rules ([alerts] max_rules).",
                  (long long)p->max_rules);
    else if (p->stale)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "If-Match does not name the rule's current version; read it again.");
    else {
        alerts_rules_changed(c->api->alerts);
        if (p->del)
            net_res_send(c->req, 204, NULL, "", 0);
        else
            send_rule(c, p->id, created ? 201 : 200);
    }
}

/* The rule of the body into p->r (checked by src/alerts, its agency against the store). 0 or
 * -1 after answering. */
static int parse_rule(struct api_ctx *c, struct rule_write *p)
{
    char err[200] = "";
    const char *field = NULL;
    int rc = alerts_rule_parse(c->api->alerts, c->body, &p->r, err, sizeof err, &field);
    if (rc == IOC_EINVAL) {
        api_error_field(c, field ? field : "body", "%s", err);
        return -1;
    }
    if (rc) {
        api_error_rc(c, rc, "rule");
        return -1;
    }
    rc = alerts_rule_check_agency(c->t->db, &p->r, err, sizeof err, &field);
    if (rc) {
        store_alert_rule_clear(&p->r);
        if (rc == IOC_EINVAL)
            api_error_field(c, field, "%s", err);
        else
            api_error_rc(c, rc, "rule");
        return -1;
    }
    free(p->r.updated_by);
    p->r.updated_by = strdup(c->who.name);
    return 0;
}

static struct rule_write *new_write(struct api_ctx *c)
{
    struct rule_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->max_rules = alerts_settings_get(c->api->cfg)->max_rules;
    p->retire.a = c->api->alerts;
    return p;
}

static void h_rules_create(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct rule_write *p = new_write(c);
    if (parse_rule(c, p))
        return;
    p->r.id = 0;
    api_audit_fill(c, &p->who, "rule.create", "rule:new", "ok");
    api_write(c, put_job, p, put_done);
}

static void h_rules_put(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct rule_write *p = new_write(c);
    int64_t id = path_id(c);
    if (!id) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No rule has id %.40s.", c->params[0]);
        return;
    }
    if ((p->cond = if_match(c)) < 0) {
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED, "If-Match names no version of the rule.");
        return;
    }
    if (parse_rule(c, p))
        return;
    p->r.id = id;
    p->retire.rule_id = id;
    api_audit_fill(c, &p->who, "rule.put", "rule:?", "ok");
    api_write(c, put_job, p, put_done);
}

static void h_rules_delete(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct rule_write *p = new_write(c);
    p->r.id = path_id(c);
    p->del = 1;
    p->retire.rule_id = p->r.id;
    p->retire.deleted = 1;
    if (!p->r.id) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No rule has id %.40s.", c->params[0]);
        return;
    }
    if ((p->cond = if_match(c)) < 0) {
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED, "If-Match names no version of the rule.");
        return;
    }
    snprintf(p->target, sizeof p->target, "rule:%lld", (long long)p->r.id);
    api_audit_fill(c, &p->who, "rule.delete", p->target, "ok");
    api_write(c, put_job, p, put_done);
}

/* The rules module of modules.c. */
static const struct api_route rules_routes[] = {
    API_ROUTE("GET", "/api/v1/rules", "rules.list", AUTH_STAFF_UP, "staff", NULL, 0, h_rules_list),
    API_ROUTE("POST", "/api/v1/rules", "rules.create", AUTH_OPERATOR_UP, "operator", NULL, 1,
              h_rules_create),
    API_ROUTE("GET", "/api/v1/rules/{id}", "rules.get", AUTH_STAFF_UP, "staff", NULL, 0,
              h_rules_get),
    API_ROUTE("PUT", "/api/v1/rules/{id}", "rules.put", AUTH_OPERATOR_UP, "operator", NULL, 1,
              h_rules_put),
    API_ROUTE("DELETE", "/api/v1/rules/{id}", "rules.delete", AUTH_OPERATOR_UP, "operator", NULL, 0,
              h_rules_delete),
};

const struct api_module api_module_rules = API_MODULE("rules", rules_routes, api_openapi_rules);
