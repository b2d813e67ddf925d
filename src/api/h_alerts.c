/* h_alerts.c — alerts and silences (docs/alerts.md): alerts listed newest first with filters
 * and paging, one read with its history, acknowledged or resolved by a person with a note;
 * silences listed, created and deleted. Who reads and acts is src/alerts's rule
 * (alerts_may_read, alerts_may_act): operators, leaders and admins every alert, staff and keys
 * their agency's. Each act is audited and told to the engine. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"

API_OPENAPI_FRAGMENT(api_openapi_alerts, "src/api/openapi/alerts.json");

static int64_t path_id(struct api_ctx *c)
{
    int64_t id = 0;
    if (ioc_parse_i64(c->params[0], strlen(c->params[0]), 1, INT64_MAX, &id) != 0)
        return 0;
    return id;
}

/* ---- alerts -------------------------------------------------------------------------------- */

static int one_of(const char *v, const char *const *ok)
{
    for (int i = 0; ok[i]; i++)
        if (strcmp(v, ok[i]) == 0)
            return 1;
    return 0;
}

static void h_alerts_list(struct api_ctx *c)
{
    static const char *const known[] = {"state", "severity", "agency", "unit",
                                        "rule",  "limit",    "before", NULL};
    static const char *const states[] = {"firing", "acknowledged", "resolved", "open", NULL};
    static const char *const sevs[] = {"info", "warning", "critical", NULL};
    if (api_query_only(c, known))
        return;
    struct store_alert_query q = {.state = api_query(c, "state"),
                                  .severity = api_query(c, "severity"),
                                  .agency = api_query(c, "agency"),
                                  .unit = api_query(c, "unit"),
                                  .limit = 100};
    if (q.state && !one_of(q.state, states)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "state is firing, acknowledged or resolved.");
        return;
    }
    if (q.severity && !one_of(q.severity, sevs)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "severity is info, warning or critical.");
        return;
    }
    const char *nums[3] = {api_query(c, "rule"), api_query(c, "limit"), api_query(c, "before")};
    int64_t v[3] = {0, 100, 0};
    static const int64_t lo[3] = {1, 1, 1}, hi[3] = {INT64_MAX, 1000, INT64_MAX};
    for (int i = 0; i < 3; i++)
        if (nums[i] && ioc_parse_i64(nums[i], strlen(nums[i]), lo[i], hi[i], &v[i]) != 0) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "rule and before are ids; limit is 1 to 1000.");
            return;
        }
    q.rule_id = v[0];
    q.limit = (int)v[1];
    q.before_id = v[2];
    const char *scope = alerts_read_scope(&c->who);
    if (scope) { /* staff and keys: their agency's only, whatever they ask */
        if (q.agency && strcmp(q.agency, scope) != 0) {
            api_json(c, 200, json_pack("{s:i, s:[], s:n}", "count", 0, "alerts", "next_before"));
            return;
        }
        q.agency = scope;
    }
    struct store_alert *x = NULL;
    size_t n = 0;
    int rc = store_alerts_find(c->t->db, &q, &x, &n);
    if (rc) {
        api_error_rc(c, rc, "alerts");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, alerts_alert_json(&x[i], NULL));
    json_t *next = n == (size_t)q.limit ? json_integer(x[n - 1].id) : json_null();
    store_alerts_free(x, n);
    net_res_header(c->req, "cache-control", "no-cache");
    api_json(
        c, 200,
        json_pack("{s:I, s:o, s:o}", "count", (json_int_t)n, "alerts", arr, "next_before", next));
}

/* Alert id of the path if the caller may read it; else answers 404 and returns -1. */
static int get_alert(struct api_ctx *c, struct store_alert *x)
{
    int64_t id = path_id(c);
    int rc = id ? store_alert_get(c->t->db, id, x) : IOC_ENOTFOUND;
    if (rc == 0 && !alerts_may_read(&c->who, x->agency)) {
        store_alert_clear(x);
        rc = IOC_ENOTFOUND;
    }
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No alert has id %.40s.", c->params[0]);
    else if (rc)
        api_error_rc(c, rc, "alert");
    return rc ? -1 : 0;
}

static void send_alert(struct api_ctx *c, int status)
{
    struct store_alert x;
    if (get_alert(c, &x))
        return;
    struct store_alert_event *ev = NULL;
    size_t n = 0;
    int rc = store_alert_history(c->t->db, x.id, &ev, &n);
    if (rc) {
        store_alert_clear(&x);
        api_error_rc(c, rc, "alert");
        return;
    }
    json_t *o = alerts_alert_json(&x, NULL);
    store_alert_clear(&x);
    json_t *h = json_array();
    for (size_t i = 0; i < n; i++) {
        char at[32];
        ioc_time_rfc3339(ev[i].at_ms, at);
        json_array_append_new(h, json_pack("{s:s, s:o, s:s, s:s}", "what", ev[i].what, "by",
                                           ev[i].who[0] ? json_string(ev[i].who) : json_null(),
                                           "at", at, "note", ev[i].note));
    }
    store_alert_events_free(ev, n);
    json_object_set_new(o, "history", h);
    net_res_header(c->req, "cache-control", "no-cache");
    api_json(c, status, o);
}

static void h_alerts_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    send_alert(c, 200);
}

struct act {
    struct alerts_act x;
    struct store_audit who;
    char target[48];
};

static void act_done(struct api_ctx *c, void *arg, int rc)
{
    struct act *p = arg;
    int wrong = p->x.wrong_state;
    alerts_act_done(&p->x, rc);
    if (rc)
        api_error_rc(c, rc, "alert");
    else if (wrong)
        api_error(c, IOC_HTTP_E_CONFLICT,
                  p->x.resolve ? "The alert is resolved already."
                               : "Only a firing alert can be acknowledged.");
    else
        send_alert(c, 200);
}

static void act(struct api_ctx *c, int resolve)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_alert x;
    if (get_alert(c, &x))
        return;
    int may = alerts_may_act(&c->who, x.agency);
    int64_t id = x.id;
    store_alert_clear(&x);
    if (!may) {
        api_error(c, IOC_HTTP_E_FORBIDDEN, "Only its agency, operators and up act on this alert.");
        return;
    }
    const char *note = "";
    json_t *n = json_object_get(c->body, "note");
    if (n && !json_is_null(n) && !(note = api_body_str(c, "note", 0, 2000)))
        return;
    struct act *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->x.a = c->api->alerts;
    p->x.id = id;
    p->x.resolve = resolve;
    p->x.by = c->who.name;
    p->x.note = note;
    p->x.now_ms = ioc_now_ms();
    p->x.audit = &p->who;
    snprintf(p->target, sizeof p->target, "alert:%lld", (long long)id);
    api_audit_fill(c, &p->who, resolve ? "alert.resolve" : "alert.ack", p->target, "ok");
    api_write(c, alerts_act_job, &p->x, act_done);
}

static void h_alerts_ack(struct api_ctx *c)
{
    act(c, 0);
}

static void h_alerts_resolve(struct api_ctx *c)
{
    act(c, 1);
}

/* ---- silences ------------------------------------------------------------------------------ */

static json_t *silence_json(const struct store_silence *s)
{
    char ends[32], made[32];
    ioc_time_rfc3339(s->ends_ms, ends);
    ioc_time_rfc3339(s->created_ms, made);
    json_t *o =
        json_pack("{s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "rule",
                  s->rule_id ? json_integer(s->rule_id) : json_null(), "agency",
                  s->agency[0] ? json_string(s->agency) : json_null(), "unit",
                  s->unit[0] ? json_string(s->unit) : json_null(), "target_prefix",
                  s->target_prefix[0] ? json_string(s->target_prefix) : json_null(), "ends_at",
                  ends, "reason", s->reason, "created_by", s->created_by, "created_at", made);
    return o;
}

static void h_silences_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    const char *agency = alerts_read_scope(&c->who);
    struct store_silence *s = NULL;
    size_t n = 0;
    int rc = store_silences_list(c->t->db, ioc_now_ms(), agency, &s, &n);
    if (rc) {
        api_error_rc(c, rc, "silences");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, silence_json(&s[i]));
    store_silences_free(s, n);
    net_res_header(c->req, "cache-control", "no-cache");
    api_json(c, 200, json_pack("{s:I, s:o}", "count", (json_int_t)n, "silences", arr));
}

struct sil_write {
    struct store_silence s;
    int64_t id;
    struct store_audit who;
    char target[48];
};

static int sil_job(struct store_conn *w, void *arg)
{
    struct sil_write *p = arg;
    int rc = p->s.ends_ms ? store_silence_add(w, &p->s, &p->id) : store_silence_delete(w, p->id);
    if (rc)
        return rc;
    snprintf(p->target, sizeof p->target, "silence:%lld", (long long)p->id);
    p->who.target = p->target;
    return store_audit_add(w, &p->who);
}

static void sil_done(struct api_ctx *c, void *arg, int rc)
{
    struct sil_write *p = arg;
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No silence has id %lld.", (long long)p->id);
    else if (rc)
        api_error_rc(c, rc, "silence");
    else if (!p->s.ends_ms)
        net_res_send(c->req, 204, NULL, "", 0);
    else {
        p->s.id = p->id;
        api_json(c, 201, silence_json(&p->s));
    }
}

/* An optional string field into *out ("" when absent or null). -1 after answering 422. */
static int opt_str(struct api_ctx *c, const char *field, size_t max, const char **out)
{
    json_t *v = json_object_get(c->body, field);
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    return (*out = api_body_str(c, field, 0, max)) ? 0 : -1;
}

static void h_silences_create(struct api_ctx *c)
{
    static const char *const known[] = {"rule",    "agency", "unit", "target_prefix",
                                        "ends_at", "reason", NULL};
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    const char *key;
    json_t *val;
    json_object_foreach(c->body, key, val)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(key, known[i]) == 0;
        if (!ok) {
            api_error_field(c, key, "Unknown field '%.40s'.", key);
            return;
        }
    }
    struct sil_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    json_t *rule = json_object_get(c->body, "rule");
    if (rule && !json_is_null(rule) && (!json_is_integer(rule) || json_integer_value(rule) < 1)) {
        api_error_field(c, "rule", "'rule' is a rule's id or null (every rule).");
        return;
    }
    p->s.rule_id = json_is_integer(rule) ? json_integer_value(rule) : 0;
    const char *agency, *unit, *prefix, *reason;
    if (opt_str(c, "agency", 32, &agency) || opt_str(c, "unit", 32, &unit) ||
        opt_str(c, "target_prefix", ALERTS_TARGET_MAX, &prefix) ||
        opt_str(c, "reason", 500, &reason))
        return;
    const char *ends = api_body_str(c, "ends_at", 1, 40);
    if (!ends)
        return;
    int64_t now = ioc_now_ms(), ends_ms = 0;
    if (ioc_time_parse(ends, strlen(ends), &ends_ms) != 0 || ends_ms <= now) {
        api_error_field(c, "ends_at", "'ends_at' is a time (RFC 3339) in the future.");
        return;
    }
    if (!*reason) {
        api_error_field(c, "reason", "'reason' is required: why the alerts are silenced.");
        return;
    }
    p->s.agency = (char *)agency;
    p->s.unit = (char *)unit;
    p->s.target_prefix = (char *)prefix;
    p->s.reason = (char *)reason;
    p->s.created_by = c->who.name;
    p->s.created_ms = now;
    p->s.ends_ms = ends_ms;
    api_audit_fill(c, &p->who, "silence.create", "silence:new", "ok");
    api_write(c, sil_job, p, sil_done);
}

static void h_silences_delete(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct sil_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    if (!(p->id = path_id(c))) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No silence has id %.40s.", c->params[0]);
        return;
    }
    api_audit_fill(c, &p->who, "silence.delete", "silence:?", "ok");
    api_write(c, sil_job, p, sil_done);
}

/* The alerts module of modules.c. */
static const struct api_route alerts_routes[] = {
    API_ROUTE("GET", "/api/v1/alerts", "alerts.list", AUTH_SIGNED_IN, "signed_in", "read:alerts", 0,
              h_alerts_list),
    API_ROUTE("GET", "/api/v1/alerts/{id}", "alerts.get", AUTH_SIGNED_IN, "signed_in",
              "read:alerts", 0, h_alerts_get),
    API_ROUTE("POST", "/api/v1/alerts/{id}/ack", "alerts.ack", AUTH_SIGNED_IN, "signed_in",
              "write:alerts", 1, h_alerts_ack),
    API_ROUTE("POST", "/api/v1/alerts/{id}/resolve", "alerts.resolve", AUTH_SIGNED_IN, "signed_in",
              "write:alerts", 1, h_alerts_resolve),
    API_ROUTE("GET", "/api/v1/silences", "alerts.silences", AUTH_STAFF_UP, "staff", NULL, 0,
              h_silences_list),
    API_ROUTE("POST", "/api/v1/silences", "alerts.silence_create", AUTH_OPERATOR_UP, "operator",
              NULL, 1, h_silences_create),
    API_ROUTE("DELETE", "/api/v1/silences/{id}", "alerts.silence_delete", AUTH_OPERATOR_UP,
              "operator", NULL, 0, h_silences_delete),
};

const struct api_module api_module_alerts = API_MODULE("alerts", alerts_routes, api_openapi_alerts);
