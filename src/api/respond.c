/*
 * respond.c — how handlers answer: JSON bodies, errors in the one shape of DESIGN.md §7, query
 * and body helpers, and the bridge to the storage writer (suspend → commit → resume).
 */
#include "api/api_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Formats the message (kept valid UTF-8: it may quote input) and sends the error. */
static void send_error(struct api_ctx *c, int status, const char *code, const char *field,
                       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void send_error(struct api_ctx *c, int status, const char *code, const char *field,
                       const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!ioc_utf8_valid(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "%s", field ? field : code);
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    api_json(c, status, json_pack("{s:o}", "error", e));
}

void api_error(struct api_ctx *c, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_error(c, status, code, NULL, fmt, ap);
    va_end(ap);
}

void api_error_field(struct api_ctx *c, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_error(c, 422, "invalid_field", field, fmt, ap);
    va_end(ap);
}

void api_json(struct api_ctx *c, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(j);
    if (!text) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        net_res_send_static(c->req, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    net_res_send(c->req, status, "application/json; charset=utf-8", text, strlen(text));
    free(text);
}

int api_status_of(int rc)
{
    switch (rc) {
    case 0:
        return 200;
    case IOC_ENOTFOUND:
        return 404;
    case IOC_EEXIST:
        return 409;
    case IOC_EINVAL:
        return 422;
    case IOC_EPERM:
        return 403;
    case IOC_ETOOBIG:
        return 413;
    case IOC_EBUSY:
    case IOC_ESHUTDOWN:
        return 503;
    default:
        return 500;
    }
}

void api_error_rc(struct api_ctx *c, int rc, const char *what)
{
    static const char *const codes[] = {[404 - 400] = "not_found",
                                        [409 - 400] = "conflict",
                                        [422 - 400] = "invalid",
                                        [403 - 400] = "forbidden",
                                        [413 - 400] = "too_large"};
    int status = api_status_of(rc);
    const char *code = status == 503         ? "unavailable"
                       : status >= 500       ? "internal"
                       : codes[status - 400] ? codes[status - 400]
                                             : "error";
    if (status >= 500)
        ioc_log(IOC_LOG_ERROR, "request %s: %s: %s", net_req_id(c->req), what, ioc_strerror(rc));
    api_error(c, status, code, "%s: %s", what, ioc_strerror(rc));
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
                api_error(c, 400, "bad_query", "Parameter '%.64s' is given twice.", c->qk[i]);
                return -1;
            }
        if (!ok) {
            api_error(c, 400, "bad_query", "Unknown parameter '%.64s'.", c->qk[i]);
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
        api_error(c, 400, "bad_query", "Parameter '%s' must be a date YYYY-MM-DD.", key);
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
        api_error(c, 503, "unavailable", "The server is busy or stopping; try again.");
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
