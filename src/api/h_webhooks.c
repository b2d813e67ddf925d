/* h_webhooks.c — webhooks for admins (docs/webhooks.md): list, create (the secret answered
 * once), read, delete, ping; the deliveries (queued, done, dead letters) newest first, paged;
 * a dead letter queued again. Every write is audited. The rules are src/notify's; this file
 * parses, calls and renders. */
#include "api/api_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify.h"

API_OPENAPI_FRAGMENT(api_openapi_webhooks, "src/api/openapi/webhooks.json");

static json_t *events_json(const char *m)
{
    json_t *arr = json_array();
    for (const char *p = m; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, n));
        p = comma ? comma + 1 : p + n;
    }
    return arr;
}

static json_t *hook_json(const struct store_webhook *h)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:b, s:s, s:s, s:I, s:I}", "id", (json_int_t)h->id,
                          "url", h->url, "events", events_json(h->events), "agency",
                          h->agency && *h->agency ? json_string(h->agency) : json_null(), "enabled",
                          h->enabled, "created_at", h->created_at, "created_by", h->created_by,
                          "queued", (json_int_t)h->queued, "dead", (json_int_t)h->dead);
    return o;
}

static json_t *time_or_null(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char t[32];
    ioc_time_rfc3339(ms, t);
    return json_string(t);
}

static json_t *delivery_json(const struct store_delivery *d)
{
    json_t *data = json_loads(d->data, JSON_DECODE_ANY, NULL);
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)d->id, "webhook",
                          (json_int_t)d->webhook_id, "type", d->type, "state", d->state, "attempts",
                          d->attempts, "created_at", time_or_null(d->created_ms));
    int queued = strcmp(d->state, "queued") == 0;
    json_object_set_new(o, "next_at", queued ? time_or_null(d->next_at_ms) : json_null());
    json_object_set_new(o, "last_at", time_or_null(d->last_ms));
    json_object_set_new(o, "done_at", queued ? json_null() : time_or_null(d->done_ms));
    json_object_set_new(o, "last_status",
                        d->last_status ? json_integer(d->last_status) : json_null());
    json_object_set_new(o, "last_error",
                        d->last_error && *d->last_error ? json_string(d->last_error) : json_null());
    json_object_set_new(o, "data", data ? data : json_null());
    return o;
}

/* The {id} of the path; -1 after answering 404. */
static int64_t path_id(struct api_ctx *c, const char *what)
{
    int64_t id = 0;
    if (ioc_parse_i64(c->params[0], strlen(c->params[0]), 1, INT64_MAX, &id) != 0) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No %s has id %.40s.", what, c->params[0]);
        return -1;
    }
    return id;
}

/* ---- GET ----------------------------------------------------------------------------------- */

static void h_webhooks_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_webhook *h = NULL;
    size_t n = 0;
    int rc = store_webhooks_list(c->t->db, 0, &h, &n);
    if (rc) {
        api_error_rc(c, rc, "webhooks");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, hook_json(&h[i]));
    store_webhooks_free(h, n);
    net_res_header(c->req, "cache-control", "no-store");
    api_json(c, 200, json_pack("{s:I, s:o}", "count", (json_int_t)n, "webhooks", arr));
}

static void h_webhooks_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    int64_t id = path_id(c, "webhook");
    if (id < 0)
        return;
    struct store_webhook h;
    int rc = store_webhook_get(c->t->db, id, &h);
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No webhook has id %lld.", (long long)id);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "webhook");
        return;
    }
    json_t *o = hook_json(&h); /* never the secret */
    store_webhook_clear(&h);
    net_res_header(c->req, "cache-control", "no-store");
    api_json(c, 200, o);
}

static void h_webhooks_deliveries(struct api_ctx *c)
{
    static const char *const known[] = {"state", "webhook", "before", "limit", NULL};
    if (api_query_only(c, known))
        return;
    struct store_delivery_query q = {api_query(c, "state"), 0, 0, 100};
    if (q.state && strcmp(q.state, "queued") != 0 && strcmp(q.state, "done") != 0 &&
        strcmp(q.state, "dead") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "state must be queued, done or dead.");
        return;
    }
    const char *wh = api_query(c, "webhook"), *before = api_query(c, "before"),
               *limit = api_query(c, "limit");
    int64_t lim = 100;
    if ((wh && ioc_parse_i64(wh, strlen(wh), 1, INT64_MAX, &q.webhook_id) != 0) ||
        (before && ioc_parse_i64(before, strlen(before), 1, INT64_MAX, &q.before_id) != 0) ||
        (limit && ioc_parse_i64(limit, strlen(limit), 1, 500, &lim) != 0)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "webhook and before are positive ids; limit an integer from 1 to 500.");
        return;
    }
    q.limit = (int)lim;
    struct store_delivery *d = NULL;
    size_t n = 0;
    int rc = store_deliveries_find(c->t->db, &q, &d, &n);
    if (rc) {
        api_error_rc(c, rc, "deliveries");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, delivery_json(&d[i]));
    json_t *next = n == (size_t)q.limit && n > 0 ? json_integer(d[n - 1].id) : json_null();
    store_deliveries_free(d, n);
    net_res_header(c->req, "cache-control", "no-store");
    api_json(c, 200,
             json_pack("{s:I, s:o, s:o}", "count", (json_int_t)n, "deliveries", arr, "next_before",
                       next));
}

/* ---- writes -------------------------------------------------------------------------------- */

struct wh_write {
    struct store_webhook h;
    int64_t id, delivery;
    struct store_audit who;
    char secret[NOTIFY_SECRET_HEX + 1];
    char events[NOTIFY_EVENTS_MAX];
    char target[48];
};

struct first {
    char field[32];
    char why[256];
};

static void first_problem(void *ctx, const char *field, const char *why)
{
    struct first *f = ctx;
    if (!f->field[0]) {
        snprintf(f->field, sizeof f->field, "%s", field);
        snprintf(f->why, sizeof f->why, "%s", why);
    }
}

static int create_job(struct store_conn *w, void *arg)
{
    struct wh_write *p = arg;
    int rc = store_webhook_add(w, &p->h, &p->id);
    if (rc)
        return rc;
    snprintf(p->target, sizeof p->target, "webhook:%lld", (long long)p->id);
    p->who.target = p->target;
    return store_audit_add(w, &p->who);
}

static void create_done(struct api_ctx *c, void *arg, int rc)
{
    struct wh_write *p = arg;
    if (rc) {
        api_error_rc(c, rc, "webhook");
        return;
    }
    struct store_webhook h;
    if ((rc = store_webhook_get(c->t->db, p->id, &h)) != 0) {
        api_error_rc(c, rc, "webhook");
        return;
    }
    json_t *o = hook_json(&h);
    store_webhook_clear(&h);
    json_object_set_new(o, "secret", json_string(p->secret)); /* this once */
    sodium_memzero(p->secret, sizeof p->secret);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/webhooks/%lld", (long long)p->id);
    net_res_header(c->req, "location", loc);
    net_res_header(c->req, "cache-control", "no-store");
    api_json(c, 201, o);
}

static int known_fields(struct api_ctx *c)
{
    static const char *const known[] = {"url", "events", "agency", "enabled", NULL};
    const char *key;
    json_t *val;
    json_object_foreach(c->body, key, val)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(key, known[i]) == 0;
        if (!ok) {
            api_error_field(c, key, "Unknown field '%.40s'.", key);
            return -1;
        }
    }
    return 0;
}

static void h_webhooks_create(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}) || known_fields(c))
        return;
    struct wh_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    json_t *u = json_object_get(c->body, "url"), *ev = json_object_get(c->body, "events");
    if (u && !json_is_string(u)) {
        api_error_field(c, "url", "'url' must be a string.");
        return;
    }
    if (!json_is_array(ev) || json_array_size(ev) > 8) {
        api_error_field(c, "events",
                        "'events' is required: a list of event types (\"alert\", \"report\", "
                        "\"station\") or [\"*\"].");
        return;
    }
    const char *types[8];
    size_t nt = 0, i;
    json_t *x;
    json_array_foreach(ev, i, x) types[nt++] = json_is_string(x) ? json_string_value(x) : NULL;
    struct first f = {{0}, {0}};
    if (notify_webhook_check(u ? json_string_value(u) : NULL, types, nt, p->events, first_problem,
                             &f) != 0) {
        api_error_field(c, f.field, "%s", f.why);
        return;
    }
    json_t *en = json_object_get(c->body, "enabled");
    if (en && !json_is_boolean(en)) {
        api_error_field(c, "enabled", "'enabled' must be true or false.");
        return;
    }
    p->h.enabled = !en || json_is_true(en);
    json_t *ag = json_object_get(c->body, "agency");
    if (ag && !json_is_null(ag)) {
        struct store_agency a;
        int rc = json_is_string(ag) ? store_agency_get(c->t->db, json_string_value(ag), &a)
                                    : IOC_ENOTFOUND;
        if (rc == IOC_ENOTFOUND) {
            api_error_field(c, "agency", "'agency' must be the code of an agency, or null.");
            return;
        }
        if (rc) {
            api_error_rc(c, rc, "agency");
            return;
        }
        p->h.agency_id = a.id;
        store_agency_clear(&a);
    }
    p->h.url = net_req_strdup(c->req, json_string_value(u), json_string_length(u));
    p->h.events = p->events;
    notify_secret_new(p->secret);
    p->h.secret = p->secret;
    p->h.created_by = (char *)c->who.name;
    api_audit_fill(c, &p->who, "webhook.create", "webhook", "ok");
    api_write(c, create_job, p, create_done);
}

static int delete_job(struct store_conn *w, void *arg)
{
    struct wh_write *p = arg;
    int rc = store_webhook_delete(w, p->id);
    return rc ? rc : store_audit_add(w, &p->who);
}

static void delete_done(struct api_ctx *c, void *arg, int rc)
{
    struct wh_write *p = arg;
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No webhook has id %lld.", (long long)p->id);
    else if (rc)
        api_error_rc(c, rc, "webhook");
    else
        net_res_send(c->req, 204, NULL, "", 0);
}

/* A write on the {id} of the path: p with its audit row, or NULL after answering. */
static struct wh_write *id_write(struct api_ctx *c, const char *what, const char *action,
                                 const char *prefix)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return NULL;
    int64_t id = path_id(c, what);
    if (id < 0)
        return NULL;
    struct wh_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->id = id;
    snprintf(p->target, sizeof p->target, "%s:%lld", prefix, (long long)id);
    api_audit_fill(c, &p->who, action, p->target, "ok");
    return p;
}

static void h_webhooks_delete(struct api_ctx *c)
{
    struct wh_write *p = id_write(c, "webhook", "webhook.delete", "webhook");
    if (p)
        api_write(c, delete_job, p, delete_done);
}

static int ping_job(struct store_conn *w, void *arg)
{
    struct wh_write *p = arg;
    int rc = notify_ping_tx(w, p->id, &p->delivery);
    return rc ? rc : store_audit_add(w, &p->who);
}

static void ping_done(struct api_ctx *c, void *arg, int rc)
{
    struct wh_write *p = arg;
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No webhook has id %lld.", (long long)p->id);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "webhook");
        return;
    }
    notify_kick(c->api->notify);
    api_json(
        c, 202,
        json_pack("{s:I, s:I}", "webhook", (json_int_t)p->id, "delivery", (json_int_t)p->delivery));
}

static void h_webhooks_ping(struct api_ctx *c)
{
    struct wh_write *p = id_write(c, "webhook", "webhook.ping", "webhook");
    if (p)
        api_write(c, ping_job, p, ping_done);
}

static int retry_job(struct store_conn *w, void *arg)
{
    struct wh_write *p = arg;
    int rc = store_delivery_retry(w, p->id, ioc_now_ms());
    return rc ? rc : store_audit_add(w, &p->who);
}

static void retry_done(struct api_ctx *c, void *arg, int rc)
{
    struct wh_write *p = arg;
    struct store_delivery d;
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No delivery has id %lld.", (long long)p->id);
    else if (rc == IOC_EINVAL)
        api_error(c, IOC_HTTP_E_CONFLICT,
                  "Delivery %lld is not a dead letter; only those are retried.", (long long)p->id);
    else if (rc || (rc = store_delivery_get(c->t->db, p->id, &d)) != 0)
        api_error_rc(c, rc, "delivery");
    else {
        notify_kick(c->api->notify);
        json_t *o = delivery_json(&d);
        store_delivery_clear(&d);
        api_json(c, 200, o);
    }
}

static void h_webhooks_retry(struct api_ctx *c)
{
    struct wh_write *p = id_write(c, "delivery", "webhook.retry", "delivery");
    if (p)
        api_write(c, retry_job, p, retry_done);
}

/* The webhooks module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route webhooks_routes[] = {
    API_ROUTE("GET", "/api/v1/webhooks", "webhooks.list", AUTH_ADMIN, "admin", NULL, 0,
              h_webhooks_list),
    API_ROUTE("POST", "/api/v1/webhooks", "webhooks.create", AUTH_ADMIN, "admin", NULL, 1,
              h_webhooks_create),
    API_ROUTE("GET", "/api/v1/webhooks/deliveries", "webhooks.deliveries", AUTH_ADMIN, "admin",
              NULL, 0, h_webhooks_deliveries),
    API_ROUTE("POST", "/api/v1/webhooks/deliveries/{id}/retry", "webhooks.retry", AUTH_ADMIN,
              "admin", NULL, 0, h_webhooks_retry),
    API_ROUTE("GET", "/api/v1/webhooks/{id}", "webhooks.get", AUTH_ADMIN, "admin", NULL, 0,
              h_webhooks_get),
    API_ROUTE("DELETE", "/api/v1/webhooks/{id}", "webhooks.delete", AUTH_ADMIN, "admin", NULL, 0,
              h_webhooks_delete),
    API_ROUTE("POST", "/api/v1/webhooks/{id}/ping", "webhooks.ping", AUTH_ADMIN, "admin", NULL, 0,
              h_webhooks_ping),
};

const struct api_module api_module_webhooks =
    API_MODULE("webhooks", webhooks_routes, api_openapi_webhooks);
