/*
 * respond.c — how handlers answer: JSON bodies, errors in the one shape of DESIGN.md §7 (or a
 * module's own, api_module.error: Open311's under /open311/), query
 * and body helpers, and the bridge to the storage writer (suspend → commit → resume).
 */
#include "api/api_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Formats the message (kept valid UTF-8: it may quote input) and sends error e of the table. */
static void send_error(struct api_ctx *c, enum ioc_http_error e, const char *field, const char *fmt,
                       va_list ap) __attribute__((format(printf, 4, 0)));
static void send_error(struct api_ctx *c, enum ioc_http_error e, const char *field, const char *fmt,
                       va_list ap)
{
    char msg[512];
    const char *code = ioc_http_error_code(e);
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!ioc_utf8_valid(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "%s", field ? field : ioc_http_error_message(e));
    size_t plen;
    const char *path = net_req_path(c->req, &plen);
    const struct api_module *m = path ? api_error_module(path, plen) : NULL;
    if (m) {
        m->error(c, ioc_http_error_status(e), field, msg);
        return;
    }
    json_t *j = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (field)
        json_object_set_new(j, "field", json_string(field));
    api_json(c, ioc_http_error_status(e), json_pack("{s:o}", "error", j));
}

void api_error(struct api_ctx *c, enum ioc_http_error e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_error(c, e, NULL, fmt, ap);
    va_end(ap);
}

void api_error_field(struct api_ctx *c, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_error(c, IOC_HTTP_E_INVALID_FIELD, field, fmt, ap);
    va_end(ap);
}

void api_json(struct api_ctx *c, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(j);
    if (!text) {
        enum ioc_http_error e = IOC_HTTP_E_INTERNAL;
        char oom[128];
        int n =
            snprintf(oom, sizeof oom, "{\"error\":{\"code\":\"%s\",\"message\":\"out of memory\"}}",
                     ioc_http_error_code(e));
        net_res_send(c->req, ioc_http_error_status(e), "application/json", oom, (size_t)n);
        return;
    }
    net_res_send(c->req, status, "application/json; charset=utf-8", text, strlen(text));
    free(text);
}

enum ioc_http_error api_error_of(int rc)
{
    switch (rc) {
    case IOC_ENOTFOUND:
        return IOC_HTTP_E_NOT_FOUND;
    case IOC_EEXIST:
        return IOC_HTTP_E_CONFLICT;
    case IOC_EINVAL:
        return IOC_HTTP_E_INVALID_FIELD;
    case IOC_EPERM:
        return IOC_HTTP_E_FORBIDDEN;
    case IOC_EBUSY:
    case IOC_ESHUTDOWN:
        return IOC_HTTP_E_UNAVAILABLE;
    default: /* IOC_ETOOBIG here is a cap of the server (a body to render), not the request's */
        return IOC_HTTP_E_INTERNAL;
    }
}

void api_error_rc(struct api_ctx *c, int rc, const char *what)
{
    enum ioc_http_error e = api_error_of(rc);
    if (e == IOC_HTTP_E_INTERNAL)
        ioc_log(IOC_LOG_ERROR, "request %s: %s: %s", net_req_id(c->req), what, ioc_strerror(rc));
    api_error(c, e, "%s: %s", what, ioc_strerror(rc));
}

const char *api_query(struct api_ctx *c, const char *key)
{
    for (int i = 0; i < c->nq; i++)
        if (strcmp(c->qk[i], key) == 0)
            return c->qv[i];
    return NULL;
}

int api_query_only(struct api_ctx *c, const char *const *known)
{
    for (int i = 0; i < c->nq; i++) {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, c->qk[i]) == 0;
        for (int j = 0; j < i && ok; j++)
            if (strcmp(c->qk[j], c->qk[i]) == 0) {
                api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter '%.64s' is given twice.", c->qk[i]);
                return -1;
            }
        if (!ok) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "Unknown parameter '%.64s'.", c->qk[i]);
            return -1;
        }
    }
    return 0;
}

int api_query_date(struct api_ctx *c, const char *key, char out[11])
{
    const char *v = api_query(c, key);
    if (!v || !*v) {
        ioc_date_today_vn(out);
        return 0;
    }
    int32_t days;
    if (ioc_date_parse(v, strlen(v), &days) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter '%s' must be a date YYYY-MM-DD.", key);
        return -1;
    }
    memcpy(out, v, 10);
    out[10] = '\0';
    return 0;
}

const char *api_body_str(struct api_ctx *c, const char *field, int required, size_t max)
{
    json_t *v = json_object_get(c->body, field);
    if (!v || json_is_null(v)) {
        if (required)
            api_error_field(c, field, "'%s' is required.", field);
        return NULL;
    }
    if (!json_is_string(v)) {
        api_error_field(c, field, "'%s' must be a string.", field);
        return NULL;
    }
    size_t n = json_string_length(v);
    if (n > max) {
        api_error_field(c, field, "'%s' is longer than %zu bytes.", field, max);
        return NULL;
    }
    char *nfc = NULL;
    if (ioc_text_nfc(json_string_value(v), n, &nfc, &n) != 0) {
        api_error_field(c, field, "'%s' must be text without NUL bytes.", field);
        return NULL;
    }
    char *copy = net_req_strdup(c->req, nfc, n);
    free(nfc);
    return copy;
}

/* ---- writes through the storage writer -------------------------------------------------- */

struct write_op {
    struct api_ctx *c;
    store_job_fn job;
    void *arg;
    void (*respond)(struct api_ctx *c, void *arg, int rc);
    struct net_pending *pending;
    int rc;
};

static int run_job(struct store_conn *w, void *p)
{
    struct write_op *op = p;
    return op->job(w, op->arg);
}

static void on_loop(struct net_req *r, void *p)
{
    (void)r;
    struct write_op *op = p;
    op->respond(op->c, op->arg, op->rc);
}

static void on_commit(void *p, int rc)
{
    struct write_op *op = p;
    op->rc = rc;
    net_pending_resume(op->pending, on_loop, op);
}

void api_write(struct api_ctx *c, store_job_fn job, void *arg,
               void (*respond)(struct api_ctx *c, void *arg, int rc))
{
    struct write_op *op = net_req_alloc(c->req, sizeof *op);
    op->c = c;
    op->job = job;
    op->arg = arg;
    op->respond = respond;
    op->pending = net_req_suspend(c->req);
    int rc = store_writer_submit(c->api->store, run_job, on_commit, op);
    if (rc != 0) {
        net_res_header(c->req, "retry-after", "1");
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "The server is busy or stopping; try again.");
    }
}

void api_audit_fill(struct api_ctx *c, struct store_audit *a, const char *action,
                    const char *target, const char *outcome)
{
    memset(a, 0, sizeof *a);
    a->ts_ms = ioc_now_ms();
    a->actor = c->who.kind == AUTH_ANON ? "anonymous" : c->who.name;
    a->actor_role = (char *)(c->who.kind == AUTH_USER  ? auth_role_name(c->who.role)
                             : c->who.kind == AUTH_KEY ? "key"
                                                       : "");
    a->agency_id = c->who.agency_id;
    a->action = (char *)action;
    a->target = (char *)(target ? target : "");
    a->ip = (char *)net_req_peer(c->req);
    a->outcome = (char *)outcome;
    a->request_id = (char *)net_req_id(c->req);
    a->detail = "";
}

struct audit_job {
    struct store_audit row;
    char buf[]; /* the strings of row */
};

static int audit_job(struct store_conn *w, void *p)
{
    struct audit_job *j = p;
    return store_audit_add(w, &j->row);
}

static void audit_done(void *p, int rc)
{
    (void)rc;
    free(p);
}

void api_audit_async(struct api_ctx *c, const char *action, const char *target, const char *outcome,
                     const char *detail)
{
    struct store_audit a;
    api_audit_fill(c, &a, action, target, outcome);
    const char *parts[] = {a.actor, a.actor_role, a.action,     a.target,
                           a.ip,    a.outcome,    a.request_id, detail ? detail : ""};
    size_t total = 0;
    for (size_t i = 0; i < IOC_ARRAY_LEN(parts); i++)
        total += strlen(parts[i]) + 1;
    struct audit_job *j = malloc(sizeof *j + total);
    if (!j)
        return;
    j->row = a;
    char *p = j->buf;
    char **dst[] = {&j->row.actor, &j->row.actor_role, &j->row.action,     &j->row.target,
                    &j->row.ip,    &j->row.outcome,    &j->row.request_id, &j->row.detail};
    for (size_t i = 0; i < IOC_ARRAY_LEN(parts); i++) {
        size_t n = strlen(parts[i]) + 1;
        memcpy(p, parts[i], n);
        *dst[i] = p;
        p += n;
    }
    if (store_writer_submit(c->api->store, audit_job, audit_done, j) != 0) {
        atomic_fetch_add(&c->api->audit_dropped, 1);
        free(j);
    }
}

/* ---- conditional writes ---------------------------------------------------------------------- */

static void trim_ows(const char **h, size_t *n)
{
    while (*n && (**h == ' ' || **h == '\t'))
        (*h)++, (*n)--;
    while (*n && ((*h)[*n - 1] == ' ' || (*h)[*n - 1] == '\t'))
        (*n)--;
}

int64_t api_if_match(struct api_ctx *c)
{
    size_t n = 0;
    const char *h = net_req_header(c->req, "if-match", &n);
    if (!h)
        return API_COND_ANY;
    trim_ows(&h, &n);
    if (n == 1 && h[0] == '*')
        return API_COND_EXISTS;
    if (n >= 2 && h[0] == 'W' && h[1] == '/')
        h += 2, n -= 2;
    int64_t v = 0;
    if (n >= 3 && h[0] == '"' && h[n - 1] == '"' &&
        ioc_parse_i64(h + 1, n - 2, 1, INT64_MAX - 1, &v) == 0)
        return v;
    return INT64_MAX;
}

int api_put_condition(struct api_ctx *c, int64_t *cond)
{
    size_t n = 0, m = 0;
    const char *h = net_req_header(c->req, "if-none-match", &n);
    if (!h) {
        *cond = api_if_match(c);
        return 0;
    }
    trim_ows(&h, &n);
    if (n != 1 || h[0] != '*' || net_req_header(c->req, "if-match", &m)) {
        api_error(c, IOC_HTTP_E_BAD_REQUEST,
                  "A PUT takes If-None-Match: * (create only) or If-Match, not both, and no "
                  "other If-None-Match.");
        return -1;
    }
    *cond = API_COND_ABSENT;
    return 0;
}
