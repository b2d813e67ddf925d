/*
 * api.c — the application object and the dispatcher.
 *
 * For each request: find the route (404 unknown /api path, 405 known path with another method),
 * decode path parameters and the query, find who is calling (API key, else session cookie), check
 * the route's permission (401/403), check CSRF for cookie-authenticated writes, parse a JSON body
 * where the route takes one (415/400), then call the handler. Paths outside /api, /healthz and
 * /metrics are declined to the static file handler after a safety check of the raw path.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"

static int thread_init(void *app, int index, void **data)
{
    (void)index;
    struct api *a = app;
    struct api_thread *t = calloc(1, sizeof *t);
    if (!t)
        return IOC_ENOMEM;
    int rc = store_conn_open(a->store, 1, &t->db);
    if (rc) {
        free(t);
        return rc;
    }
    *data = t;
    return 0;
}

static void thread_exit(void *app, int index, void *data)
{
    (void)app;
    (void)index;
    struct api_thread *t = data;
    if (t) {
        store_conn_close(t->db);
        telemetry_lp_destroy(t->lp);
        free(t);
    }
}

static int match(struct api_ctx *c, const char *pattern, const char *path, size_t plen)
{
    size_t cap = 2 * plen + 64;
    char *buf = net_req_alloc(c->req, cap);
    return buf && api_pattern_match(pattern, path, plen, buf, cap, c->params,
                                    (int)IOC_ARRAY_LEN(c->params), &c->nparams);
}

static int parse_query(struct api_ctx *c)
{
    size_t n;
    const char *q = net_req_query(c->req, &n);
    size_t cap = 2 * n + 64;
    char *buf = net_req_alloc(c->req, cap);
    if (!buf)
        return -1;
    return api_query_parse(q, n, buf, cap, c->qk, c->qv, (int)IOC_ARRAY_LEN(c->qk), &c->nq);
}

static const char *cookie_value(struct api_ctx *c, const char *name, size_t *vlen)
{
    size_t n;
    const char *h = net_req_header(c->req, "cookie", &n);
    size_t nl = strlen(name);
    while (h && n > 0) {
        while (n > 0 && (*h == ' ' || *h == ';'))
            h++, n--;
        const char *semi = memchr(h, ';', n);
        size_t len = semi ? (size_t)(semi - h) : n;
        if (len > nl && memcmp(h, name, nl) == 0 && h[nl] == '=') {
            *vlen = len - nl - 1;
            return h + nl + 1;
        }
        if (!semi)
            break;
        n -= len;
        h = semi;
    }
    return NULL;
}

/* The paths InfluxDB clients use (h_telemetry.c). */
static int influx_path(const char *path, size_t n)
{
    return (n == 6 && memcmp(path, "/write", 6) == 0) ||
           (n == 5 && memcmp(path, "/ping", 5) == 0) || (n == 6 && memcmp(path, "/query", 6) == 0);
}

/* The caller of API key k; 0, or -1 after answering 401. */
static int resolve_key(struct api_ctx *c, const char *k)
{
    if (!k || auth_key_resolve(c->t->db, k, &c->who) != 0) {
        net_res_header(c->req, "www-authenticate", "Bearer");
        api_error(c, IOC_HTTP_E_BAD_CREDENTIALS, "The API key is not valid or was revoked.");
        return -1;
    }
    return 0;
}

/* Who is calling. 0, or -1 after answering 401 for a credential that is not valid. */
static int identify(struct api_ctx *c)
{
    memset(&c->who, 0, sizeof c->who);
    size_t n;
    const char *h = net_req_header(c->req, "authorization", &n);
    if (h) {
        const char *key = NULL;
        char pw[129];
        size_t plen;
        const char *path = net_req_path(c->req, &plen);
        /* InfluxDB 1.x clients (Telegraf's influxdb output) send the key as a Basic password */
        if (influx_path(path, plen) && n > 6 && strncasecmp(h, "Basic ", 6) == 0)
            return api_basic_password(h, n, pw, sizeof pw) == 0 && *pw
                       ? resolve_key(c, net_req_strdup(c->req, pw, strlen(pw)))
                       : resolve_key(c, NULL);
        if (n > 7 && strncasecmp(h, "Bearer ", 7) == 0)
            key = h + 7;
        else if (n > 6 && strncasecmp(h, "Token ", 6) == 0)
            key = h + 6;
        size_t klen = key ? n - (size_t)(key - h) : 0;
        if (!key || klen > 128) {
            api_error(c, IOC_HTTP_E_BAD_CREDENTIALS,
                      "Authorization must be 'Bearer KEY' or "
                      "'Token KEY'.");
            return -1;
        }
        return resolve_key(c, net_req_strdup(c->req, key, klen));
    }
    /* InfluxDB 1.x clients send the key as the password: /write?u=NAME&p=KEY */
    size_t plen;
    const char *path = net_req_path(c->req, &plen);
    const char *p = influx_path(path, plen) ? api_query(c, "p") : NULL;
    if (p && *p)
        return strlen(p) > 128 ? resolve_key(c, "") : resolve_key(c, p);
    const char *tok = cookie_value(c, "ioc_session", &n);
    if (tok && n > 0 && n <= 128) {
        char *t = net_req_strdup(c->req, tok, n);
        int64_t now = ioc_now_ms();
        /* an idle session is refused like an expired one (and ended) */
        if (auth_session_resolve(c->t->db, t, now, &c->who) == 0 &&
            auth_session_use(c->api->sessions, c->api->store, &c->who, now, net_req_peer(c->req)) ==
                0)
            c->via_cookie = 1;
        else
            memset(&c->who, 0, sizeof c->who);
    }
    return 0;
}

static int is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static int check_csrf(struct api_ctx *c)
{
    size_t n;
    const char *h = net_req_header(c->req, "x-csrf-token", &n);
    size_t want = strlen(c->who.csrf);
    if (!h || n != want || want == 0)
        return -1;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(h[i] ^ c->who.csrf[i]);
    return diff ? -1 : 0;
}

static void free_json(void *p)
{
    json_decref(p);
}

static int parse_body(struct api_ctx *c)
{
    size_t n;
    const char *ct = net_req_header(c->req, "content-type", &n);
    if (!ct || n < 16 || strncasecmp(ct, "application/json", 16) != 0 ||
        (n > 16 && ct[16] != ';' && ct[16] != ' ')) {
        api_error(c, IOC_HTTP_E_UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        return -1;
    }
    const char *body = net_req_body(c->req, &n);
    char err[256];
    json_t *j = api_json_body_parse(body, n, err, sizeof err);
    if (!j) {
        api_error(c, IOC_HTTP_E_BAD_JSON, "%s", err);
        return -1;
    }
    c->body = j;
    net_req_on_free(c->req, free_json, j);
    return 0;
}

/* The audit row of a write refused by auth_allowed (rc). An anonymous caller's rows are limited
 * per address (limits.refused_*, so that a flood cannot fill the audit log): over the limit,
 * answers 429 without a row and returns -1. 0 when the caller should answer 401/403. */
static int audit_refused_write(struct api_ctx *c, int rc)
{
    const char *why = rc == IOC_ENOTFOUND ? "not signed in" : "forbidden";
    if (c->who.kind != AUTH_ANON) {
        api_audit_async(c, c->route->info.name, "", "denied", why);
        return 0;
    }
    int retry = 1;
    if (api_audit_refused(c, c->route->info.name, "", why, &retry) == 0)
        return 0;
    char v[16];
    snprintf(v, sizeof v, "%d", retry);
    net_res_header(c->req, "retry-after", v);
    api_error(c, IOC_HTTP_E_RATE_LIMITED,
              "Too many refused requests from your address; try again in %d s.", retry);
    return -1;
}

/* A static path must not escape the web root however it is encoded. */
static int static_path_ok(struct api_ctx *c, const char *path, size_t n)
{
    char *buf = net_req_alloc(c->req, n + 64);
    return buf && api_static_path_ok(path, n, buf, n + 64);
}

/* Adds method to the comma-separated Allow list once (several routes may share a path with
 * the same method, e.g. /api/v1/units/lookup matches two GET patterns). */
static void allow_add(char *allow, size_t size, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; *p;) {
        const char *comma = strstr(p, ", ");
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, method, n) == 0)
            return;
        p = comma ? comma + 2 : p + len;
    }
    if (strlen(allow) + n + 3 > size)
        return;
    if (*allow)
        strcat(allow, ", ");
    strcat(allow, method);
}

/* Finds the route of path for method (HEAD as GET) and decodes its path parameters. NULL after
 * answering 404, or 405 with Allow naming each method the path has once. */
static const struct api_route *find_route(struct api_ctx *c, const char *method, const char *path,
                                          size_t plen)
{
    size_t n;
    const struct api_route *routes = api_route_table(&n);
    char allow[64] = "";
    const char *match_method = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (size_t i = 0; i < n; i++) {
        if (!match(c, routes[i].info.pattern, path, plen))
            continue;
        if (strcmp(routes[i].info.method, match_method) == 0) {
            match(c, routes[i].info.pattern, path, plen); /* params of the matching route */
            return &routes[i];
        }
        allow_add(allow, sizeof allow, routes[i].info.method);
    }
    if (*allow) {
        net_res_header(c->req, "allow", allow);
        api_error(c, IOC_HTTP_E_METHOD_NOT_ALLOWED, "Use %s for this path.", allow);
    } else {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No such endpoint.");
    }
    return NULL;
}

/* Who calls and whether they may: the key's rate, the route's permission (refused writes
 * audited within their budget), CSRF for cookie writes. 0, or -1 after answering. */
static int admit(struct api_ctx *c, const struct api_route *found, const char *method)
{
    struct api *a = c->api;
    if (identify(c) != 0)
        return -1;
    int retry = 0;
    if (c->who.kind == AUTH_KEY && !api_ratelimit_allow(a, c->who.key_id, ioc_now_ms(), &retry)) {
        char v[16];
        snprintf(v, sizeof v, "%d", retry > 0 ? retry : 1);
        net_res_header(c->req, "retry-after", v);
        api_error(c, IOC_HTTP_E_RATE_LIMITED, "This API key is over its rate of %d requests/s.",
                  a->cfg->key_rate_per_s);
        return -1;
    }
    int rc = auth_allowed(&c->who, found->need, found->info.scope);
    if (rc != 0) {
        if (is_write(method) && audit_refused_write(c, rc) != 0)
            return -1;
        if (rc == IOC_ENOTFOUND)
            api_error(c, IOC_HTTP_E_UNAUTHENTICATED, "Sign in or send an API key.");
        else
            api_error(c, IOC_HTTP_E_FORBIDDEN, "Your role or key does not allow this.");
        return -1;
    }
    if (c->via_cookie && is_write(method) && check_csrf(c) != 0) {
        api_audit_async(c, found->info.name, "", "denied", "missing or wrong CSRF token");
        api_error(c, IOC_HTTP_E_CSRF, "Send the session's CSRF token in X-CSRF-Token.");
        return -1;
    }
    return 0;
}

static int handle(void *app, struct net_req *req)
{
    struct api_ctx *c = net_req_alloc(req, sizeof *c);
    if (!c)
        return -1;
    c->api = app;
    c->req = req;
    c->t = net_req_thread_data(req);
    size_t plen, mlen;
    const char *path = net_req_path(req, &plen);
    const char *m = net_req_method(req, &mlen);
    char method[8] = "";
    if (mlen < sizeof method)
        memcpy(method, m, mlen);
    int api_path = (plen >= 5 && memcmp(path, "/api/", 5) == 0) ||
                   (plen >= 9 && memcmp(path, "/open311/", 9) == 0) ||
                   (plen >= 7 && memcmp(path, "/media/", 7) == 0) ||
                   (plen == 8 && memcmp(path, "/healthz", 8) == 0) ||
                   (plen == 8 && memcmp(path, "/metrics", 8) == 0) || influx_path(path, plen);
    if (!api_path) {
        if (plen == 1 && h_console_missing(c))
            return 0;
        if (static_path_ok(c, path, plen))
            return -1;
        net_req_set_route(req, "static");
        api_error(c, IOC_HTTP_E_BAD_PATH, "The path is not allowed.");
        return 0;
    }
    const struct api_route *found = find_route(c, method, path, plen);
    if (!found)
        return 0;
    c->route = found;
    net_req_set_route(req, found->info.name);
    if (parse_query(c) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "The query string is malformed or has too many parameters.");
        return 0;
    }
    if (admit(c, found, method) != 0)
        return 0;
    if (found->json_body && parse_body(c) != 0)
        return 0;
    found->fn(c);
    return 0;
}

int64_t api_body_limit(void *app, const char *method, size_t mlen, const char *path, size_t plen)
{
    struct api *a = app;
    const struct api_route *r = api_route_find(method, mlen, path, plen);
    return r && r->max_body ? r->max_body(a->cfg) : 0;
}

void api_net_app(struct api *a, struct net_app *out)
{
    memset(out, 0, sizeof *out);
    out->app = a;
    out->handle = handle;
    out->thread_init = thread_init;
    out->thread_exit = thread_exit;
    out->done = api_metrics_done;
    out->body_limit = api_body_limit;
}

void api_set_server(struct api *a, struct net_server *s)
{
    a->server = s;
}

void api_set_ingest(struct api *a, struct telemetry_ingest *ig)
{
    a->ingest = ig;
}

void api_set_environment(struct api *a, struct env_engine *e)
{
    a->env = e;
}

void api_set_notify(struct api *a, struct notify *n)
{
    a->notify = n;
}

void api_set_events(struct api *a, struct events_hub *h)
{
    a->events = h;
}

void api_set_alerts(struct api *a, struct alerts *al)
{
    if (a)
        a->alerts = al;
}

/* The province's overview (GET /api/v1/overview without a unit), read once and dropped: it
 * fills the indicators' roll-up cache, so the first overview after a start is not the cold one
 * (≈ 0.4 s over the demo's 2.2 M values, docs/benchmarks.md). */
static void warm_overview(struct store_conn *db, const char *today)
{
    struct store_unit_query q = {"province", today, NULL, NULL, 1, 0};
    struct store_unit *u = NULL;
    size_t n = 0;
    if (store_units_find(db, &q, &u, &n) == 0 && n > 0) {
        struct ind_overview o;
        if (ind_overview_read(db, u[0].code, NULL, ioc_now_ms() / 1000, NULL, &o) == 0)
            ind_overview_free(&o);
    }
    store_units_free(u, n);
}

/* Start-up work off the loops: renders the boundaries the console asks for first and reads the
 * province's overview, so a first load finds them cached. (The point index is built by its own
 * thread: pointindex.c.) */
static void *warm(void *arg)
{
    struct api *a = arg;
    struct store_conn *db = NULL;
    if (store_conn_open(a->store, 1, &db) != 0)
        return NULL;
    char today[11];
    ioc_date_today_vn(today);
    static const char *const levels[] = {"province", "commune"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(levels); i++) {
        int rc = 0;
        net_shared_release(api_geojson_render(a, db, levels[i], today, 50,
                                              atomic_load(&a->units_generation), &rc));
    }
    warm_overview(db, today);
    store_conn_close(db);
    return NULL;
}

void api_units_generation_read(struct api *a, struct store_conn *db)
{
    int64_t g = 0;
    int rc = store_units_generation(db, &g);
    if (rc == 0)
        atomic_store(&a->units_generation, g);
    else
        ioc_log(IOC_LOG_WARN, "units generation unreadable (%s); keeping %lld", ioc_strerror(rc),
                (long long)atomic_load(&a->units_generation));
}

int api_create(const struct ioc_config *cfg, struct store *st, struct api **out)
{
    struct api *a = calloc(1, sizeof *a);
    if (!a)
        return IOC_ENOMEM;
    a->cfg = cfg;
    a->store = st;
    a->started_ms = ioc_now_ms();
    pthread_mutex_init(&a->cache_lock, NULL);
    size_t n;
    int rc = api_route_table(&n) ? 0 : IOC_ENOMEM;
    a->metrics = calloc(n + API_METRIC_EXTRA, sizeof *a->metrics);
    a->cache_size = cfg->geojson_cache > 0 ? cfg->geojson_cache : 1;
    a->cache = calloc((size_t)a->cache_size + API_CACHE_PINNED, sizeof *a->cache);
    if (rc == 0 && !(a->metrics && a->cache))
        rc = IOC_ENOMEM;
    char err[256] = "";
    if (rc == 0)
        rc = api_openapi_assemble(api_openapi_base, api_modules, api_modules_count, &a->openapi,
                                  &a->openapi_len, err, sizeof err);
    if (*err)
        ioc_log(IOC_LOG_ERROR, "the OpenAPI document cannot be assembled: %s", err);
    if (rc == 0)
        rc = auth_limiter_create(cfg->login_max_failures, cfg->login_window_s, &a->limiter);
    if (rc == 0)
        rc = auth_sessions_create((int64_t)cfg->session_idle_s * 1000, &a->sessions);
    if (rc == 0)
        rc = api_ratelimit_create(a);
    struct store_conn *db = NULL;
    if (rc == 0)
        rc = store_conn_open(st, 1, &db);
    if (rc == 0) {
        atomic_store(&a->units_generation, 0);
        api_units_generation_read(a, db);
        atomic_store(&a->generation_checked_ms, ioc_now_ms());
    }
    store_conn_close(db);
    if (rc == 0)
        rc = api_geo_start(a);
    if (rc) {
        api_destroy(a);
        return rc;
    }
    a->warm_started = pthread_create(&a->warm_thread, NULL, warm, a) == 0;
    if (!a->warm_started || api_worker_start(a) != 0) {
        api_destroy(a);
        return IOC_ENOMEM;
    }
    *out = a;
    return 0;
}

void api_destroy(struct api *a)
{
    if (!a)
        return;
    atomic_store(&a->stopping, 1);
    if (a->warm_started)
        pthread_join(a->warm_thread, NULL);
    api_worker_stop(a);
    api_geo_stop(a);
    api_cache_free(a);
    auth_limiter_destroy(a->limiter);
    auth_sessions_destroy(a->sessions);
    api_ratelimit_destroy(a);
    free(a->metrics);
    free(a->openapi);
    pthread_mutex_destroy(&a->cache_lock);
    free(a);
}
