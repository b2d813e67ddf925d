/*
 * filter.c — what every response passes through, whoever made it: the request id, the security
 * headers, caching rules, JSON bodies in place of h2o's own plain-text error pages (the code and
 * message of the status h2o chose, from the table of base/errors.h); and the access logger that
 * closes each request (JSON line, metrics hook, in-flight count).
 */
#include "net/net_int.h"
#include "base/base.h"
#include "base/errors.h"

#include <string.h>
#include <sys/time.h>

const char net_csp[] = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                       "script-src 'self'; connect-src 'self'; font-src 'self'; "
                       "object-src 'none'; base-uri 'none'; form-action 'self'; "
                       "frame-ancestors 'none'";

struct json_error_ostream {
    h2o_ostream_t super;
    h2o_iovec_t body;
};

static void json_error_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
                            h2o_send_state_t state)
{
    (void)bufs;
    (void)bufcnt;
    struct json_error_ostream *o = (struct json_error_ostream *)self;
    if (h2o_send_state_is_in_progress(state)) {
        h2o_ostream_send_next(self, req, NULL, 0, state);
        return;
    }
    h2o_ostream_send_next(self, req, &o->body, o->body.len ? 1 : 0, state);
    o->body.len = 0;
}

static void rewrite_error(h2o_req_t *req, h2o_ostream_t **slot)
{
    int status = req->res.status;
    enum ioc_http_error e = ioc_http_error_of_status(status);
    if (e == IOC_HTTP_E_COUNT) /* a status h2o 2.2.5 does not send today */
        e = status >= 500 ? IOC_HTTP_E_INTERNAL : IOC_HTTP_E_BAD_REQUEST;
    char json[256];
    int n = snprintf(json, sizeof json, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                     ioc_http_error_code(e), ioc_http_error_message(e));
    struct json_error_ostream *o = (void *)h2o_add_ostream(req, sizeof *o, slot);
    o->super.do_send = json_error_send;
    o->body = h2o_strdup(&req->pool, json, (size_t)n);
    h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                   H2O_STRLIT("application/json"), 1);
    ssize_t i = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_ENCODING, -1);
    if (i >= 0)
        h2o_delete_header(&req->res.headers, i);
    req->res.content_length = (size_t)n;
    slot = &o->super.next;
    h2o_setup_next_ostream(req, slot);
}

static void add_str(h2o_req_t *req, const char *name, const char *v)
{
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL, v, strlen(v));
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    (void)self;
    struct net_req *r = net_req_get(req);
    add_str(req, "x-request-id", net_req_id(r));
    add_str(req, "x-content-type-options", "nosniff");
    add_str(req, "x-frame-options", "DENY");
    if (h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("content-security-policy"), -1) < 0)
        add_str(req, "content-security-policy", net_csp);
    if (h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("referrer-policy"), -1) < 0)
        add_str(req, "referrer-policy", "same-origin");
    if (h2o_find_header(&req->res.headers, H2O_TOKEN_CACHE_CONTROL, -1) < 0) {
        const char *cc = "no-store";
        if (!r->ours) {
            int fingerprinted = req->path_normalized.len > 8 &&
                                memcmp(req->path_normalized.base, "/assets/", 8) == 0;
            cc = fingerprinted && req->res.status == 200 ? "public, max-age=31536000, immutable"
                 : req->res.status >= 400                ? "no-store"
                                                         : "no-cache";
        }
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, cc,
                       strlen(cc));
    }
    if (!r->ours && req->res.status >= 400) {
        rewrite_error(req, slot);
        return;
    }
    h2o_setup_next_ostream(req, slot);
}

/* 1 if a query parameter of this name carries a secret (InfluxDB 1.x clients send their
 * password, here an API key, as p=). */
static int secret_param(const char *name, size_t n)
{
    static const char *const names[] = {"p", "password", "token", "key"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
            return 1;
    return 0;
}

/* path (at most cap - 1 bytes of it) into out with the values of secret query parameters
 * replaced by "REDACTED"; its length. */
static size_t redact(const char *path, size_t plen, char *out, size_t cap)
{
    size_t o = 0;
    const char *q = memchr(path, '?', plen);
    size_t head = q ? (size_t)(q - path) + 1 : plen;
    for (size_t i = 0; i < head && o + 1 < cap; i++)
        out[o++] = path[i];
    for (size_t i = head; i < plen && o + 1 < cap;) {
        size_t end = i;
        while (end < plen && path[end] != '&')
            end++;
        const char *eq = memchr(path + i, '=', end - i);
        size_t name = eq ? (size_t)(eq - (path + i)) : end - i;
        const char *val = eq && secret_param(path + i, name) ? "REDACTED" : NULL;
        size_t upto = val ? i + name + 1 : end;
        for (size_t k = i; k < upto && o + 1 < cap; k++)
            out[o++] = path[k];
        for (const char *v = val; v && *v && o + 1 < cap; v++)
            out[o++] = *v;
        if (end < plen && o + 1 < cap)
            out[o++] = '&';
        i = end + 1;
    }
    out[o] = 0;
    return o;
}

void net_log_line(struct net_loop *loop, const char *id, const char *peer, const char *method,
                  size_t mlen, const char *path, size_t plen, int status, size_t bytes,
                  double seconds, const char *route)
{
    if (loop->server->log_fd < 0)
        return;
    /* Appended to this loop's buffer, written in batches (see net_log_flush): no lock and no
     * system call per request. */
    struct ioc_buf *line = &loop->log;
    char ts[32];
    ioc_time_rfc3339(ioc_now_ms(), ts);
    ioc_buf_printf(line, "{\"ts\":\"%s\",\"id\":\"%s\",\"ip\":", ts, id);
    ioc_buf_json_str(line, peer, (size_t)-1);
    ioc_buf_puts(line, ",\"method\":");
    ioc_buf_json_str(line, method, mlen);
    ioc_buf_puts(line, ",\"path\":");
    char shown[2049];
    ioc_buf_json_str(line, shown, redact(path, plen, shown, sizeof shown));
    ioc_buf_printf(line, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"route\":", status, bytes,
                   seconds * 1000);
    ioc_buf_json_str(line, route, (size_t)-1);
    ioc_buf_puts(line, "}\n");
    if (line->len >= 32768)
        net_log_flush(loop);
}

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
    struct net_server *s = *(struct net_server **)(self + 1);
    struct net_req *r = net_req_get(req);
    struct timeval now;
    gettimeofday(&now, NULL);
    const struct timeval *b = &req->timestamps.request_begin_at;
    double seconds =
        b->tv_sec ? (double)(now.tv_sec - b->tv_sec) + (double)(now.tv_usec - b->tv_usec) / 1e6
                  : 0.0;
    char method[16];
    size_t mlen = req->method.len < sizeof method - 1 ? req->method.len : sizeof method - 1;
    memcpy(method, req->method.base, mlen);
    method[mlen] = '\0';
    int status = req->res.status;
    net_log_line(r->loop, r->id, r->peer, method, mlen, req->path.base, req->path.len, status,
                 req->bytes_sent, seconds, r->route);
    if (s->app.done) {
        struct net_req_info info = {r->route, method, status, seconds, req->bytes_sent};
        s->app.done(s->app.app, &info);
    }
    if (r->counted) {
        r->counted = 0;
        atomic_fetch_sub(&s->inflight, 1);
    }
}

void net_register_filters(struct net_server *s, h2o_pathconf_t *pathconf)
{
    h2o_filter_t *f = h2o_create_filter(pathconf, sizeof *f);
    f->on_setup_ostream = on_setup_ostream;
    h2o_logger_t *l = h2o_create_logger(pathconf, sizeof *l + sizeof s);
    *(struct net_server **)(l + 1) = s;
    l->log_access = log_access;
}
