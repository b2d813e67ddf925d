/* h_audit.c — the audit log for admins (every agency) and keys with read:audit (their own
 * agency's rows only, auth_audit_reach), filtered and paged. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

API_OPENAPI_FRAGMENT(api_openapi_audit, "src/api/openapi/audit.json");

static int time_param(struct api_ctx *c, const char *key, int64_t *out)
{
    const char *v = api_query(c, key);
    *out = 0;
    if (!v)
        return 0;
    if (ioc_time_parse(v, strlen(v), out) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s must be an RFC 3339 time or a date YYYY-MM-DD.",
                  key);
        return -1;
    }
    return 0;
}

static void h_audit_list(struct api_ctx *c)
{
    static const char *const known[] = {"actor", "action", "outcome", "target", "since",
                                        "until", "before", "limit",   NULL};
    if (api_query_only(c, known))
        return;
    struct store_audit_query q = {0};
    if (auth_audit_reach(&c->who, &q.agency_id) != 0) {
        api_error(c, IOC_HTTP_E_FORBIDDEN, "Only admins and keys of an agency read the audit log.");
        return;
    }
    q.actor = api_query(c, "actor");
    q.action = api_query(c, "action");
    q.outcome = api_query(c, "outcome");
    q.target = api_query(c, "target");
    if (time_param(c, "since", &q.since_ms) || time_param(c, "until", &q.until_ms))
        return;
    const char *before = api_query(c, "before"), *limit = api_query(c, "limit");
    if (before && ioc_parse_i64(before, strlen(before), 1, INT64_MAX, &q.before_id) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "before must be a positive entry id.");
        return;
    }
    int64_t lim = 100;
    if (limit && ioc_parse_i64(limit, strlen(limit), 1, 1000, &lim) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "limit must be an integer from 1 to 1000.");
        return;
    }
    q.limit = (int)lim;
    struct store_audit *rows = NULL;
    size_t n = 0;
    int rc = store_audit_find(c->t->db, &q, &rows, &n);
    if (rc) {
        api_error_rc(c, rc, "audit");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char ts[32];
        ioc_time_rfc3339(rows[i].ts_ms, ts);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                           (json_int_t)rows[i].id, "time", ts, "actor", rows[i].actor, "role",
                           rows[i].actor_role ? rows[i].actor_role : "", "action", rows[i].action,
                           "target", rows[i].target ? rows[i].target : "", "ip",
                           rows[i].ip ? rows[i].ip : "", "outcome", rows[i].outcome, "request_id",
                           rows[i].request_id ? rows[i].request_id : "", "detail",
                           rows[i].detail ? rows[i].detail : ""));
    }
    json_t *next = n == (size_t)q.limit && n > 0 ? json_integer(rows[n - 1].id) : json_null();
    store_audits_free(rows, n);
    api_json(
        c, 200,
        json_pack("{s:i, s:o, s:o}", "count", (json_int_t)n, "entries", arr, "next_before", next));
}

/* The audit module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route audit_routes[] = {
    API_ROUTE("GET", "/api/v1/audit", "audit.list", AUTH_ADMIN, "admin", "read:audit", 0,
              h_audit_list),
};

const struct api_module api_module_audit = API_MODULE("audit", audit_routes, api_openapi_audit);
