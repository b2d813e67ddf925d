/*
 * req.c — ioc's request and response over h2o_req_t, the response filter (request id, security
 * headers, caching, JSON bodies for h2o's own error pages), the access logger, shared bodies and
 * suspended requests.
 *
 * struct net_req lives in the request's pool; it is found again from the h2o_req_t through an
 * entry named "ioc" in req->env (which nothing else in iocd uses).
 */
#include "net/net_int.h"
#include "base/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ENV_KEY "ioc"

/* The last X-Forwarded-For entry (the address nginx saw), if it looks like an IP address. */
static void forwarded_peer(h2o_req_t *req, char *peer, size_t size)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-forwarded-for"), -1);
    if (i < 0)
        return;
    h2o_iovec_t v = req->headers.entries[i].value;
    size_t end = v.len, start;
    while (end > 0 && v.base[end - 1] == ' ')
        end--;
    for (start = end; start > 0 && v.base[start - 1] != ',' && v.base[start - 1] != ' ';)
        start--;
    size_t n = end - start;
    if (n == 0 || n >= size || n > 45)
        return;
    for (size_t k = start; k < end; k++)
        if (!isxdigit((unsigned char)v.base[k]) && v.base[k] != '.' && v.base[k] != ':')
            return;
    memcpy(peer, v.base + start, n);
    peer[n] = '\0';
}

void net_loop_next_id(struct net_loop *loop, char id[24])
{
    snprintf(id, 24, "%08x-%02x%06llx", loop->server->boot, loop->index & 0xff,
             (unsigned long long)(loop->next_id++ & 0xffffff));
}

struct net_req *net_req_attach(struct net_loop *loop, h2o_req_t *req)
{
    struct net_req *r = h2o_mem_alloc_pool(&req->pool, sizeof *r);
    memset(r, 0, sizeof *r);
    r->req = req;
    r->loop = loop;
    r->route = "other";
    net_loop_next_id(loop, r->id);
    struct sockaddr_storage ss;
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (len == 0 || h2o_socket_getnumerichost((struct sockaddr *)&ss, len, r->peer) == SIZE_MAX)
        strcpy(r->peer, "unknown");
    else if (loop->server->opt.trust_forwarded_for &&
             (strncmp(r->peer, "127.", 4) == 0 || strcmp(r->peer, "::1") == 0))
        forwarded_peer(req, r->peer, sizeof r->peer);
    h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
    req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(ENV_KEY));
    req->env.entries[req->env.size++] = h2o_iovec_init((char *)r, sizeof *r);
    r->counted = 1;
    atomic_fetch_add(&loop->server->inflight, 1);
    return r;
}

struct net_req *net_req_get(h2o_req_t *req)
{
    for (size_t i = 0; i + 1 < req->env.size; i += 2)
        if (h2o_memis(req->env.entries[i].base, req->env.entries[i].len, H2O_STRLIT(ENV_KEY)))
            return (struct net_req *)req->env.entries[i + 1].base;
    struct net_loop *loop = H2O_STRUCT_FROM_MEMBER(struct net_loop, ctx, req->conn->ctx);
    return net_req_attach(loop, req);
}

/* ---- accessors -------------------------------------------------------------------------- */

const char *net_req_method(const struct net_req *r, size_t *n)
{
    *n = r->req->method.len;
    return r->req->method.base;
}

const char *net_req_path(const struct net_req *r, size_t *n)
{
    h2o_req_t *req = r->req;
    *n = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    return req->path.base;
}

const char *net_req_query(const struct net_req *r, size_t *n)
{
    h2o_req_t *req = r->req;
    if (req->query_at == SIZE_MAX) {
        *n = 0;
        return NULL;
    }
    *n = req->path.len - req->query_at - 1;
    return req->path.base + req->query_at + 1;
}

const char *net_req_header(const struct net_req *r, const char *name, size_t *n)
{
    /* h2o keeps names lowercased and h2o_find_header_by_str compares bytes: "If-None-Match"
     * would never match */
    const h2o_headers_t *h = &r->req->headers;
    size_t len = strlen(name);
    for (size_t i = 0; i < h->size; i++)
        if (h2o_lcstris(name, len, h->entries[i].name->base, h->entries[i].name->len)) {
            *n = h->entries[i].value.len;
            return h->entries[i].value.base;
        }
    return NULL;
}

size_t net_req_header_bytes(const struct net_req *r)
{
    size_t total = 0;
    for (size_t i = 0; i < r->req->headers.size; i++)
        total += r->req->headers.entries[i].name->len + r->req->headers.entries[i].value.len;
    return total;
}

const char *net_req_body(const struct net_req *r, size_t *n)
{
    *n = r->req->entity.base ? r->req->entity.len : 0;
    return r->req->entity.base ? r->req->entity.base : "";
}

const char *net_req_peer(const struct net_req *r)
{
    return r->peer;
}

const char *net_req_id(const struct net_req *r)
{
    return r->id;
}

void *net_req_alloc(struct net_req *r, size_t n)
{
    void *p = h2o_mem_alloc_pool(&r->req->pool, n);
    memset(p, 0, n);
    return p;
}

char *net_req_strdup(struct net_req *r, const char *s, size_t n)
{
    char *p = h2o_mem_alloc_pool(&r->req->pool, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *net_req_thread_data(const struct net_req *r)
{
    return r->loop->app_data;
}

struct on_free {
    void (*fn)(void *);
    void *arg;
};

static void run_on_free(void *p)
{
    struct on_free *f = p;
    f->fn(f->arg);
}

void net_req_on_free(struct net_req *r, void (*fn)(void *arg), void *arg)
{
    struct on_free *f = h2o_mem_alloc_shared(&r->req->pool, sizeof *f, run_on_free);
    f->fn = fn;
    f->arg = arg;
}

void net_req_set_route(struct net_req *r, const char *name)
{
    r->route = name;
}

/* ---- responses -------------------------------------------------------------------------- */

void net_res_header(struct net_req *r, const char *name, const char *value)
{
    h2o_req_t *req = r->req;
    size_t nlen = strlen(name), vlen = strlen(value);
    char *n = h2o_mem_alloc_pool(&req->pool, nlen + 1);
    for (size_t i = 0; i < nlen; i++)
        n[i] = (char)tolower((unsigned char)name[i]);
    n[nlen] = '\0';
    char *v = net_req_strdup(r, value, vlen);
    h2o_add_header_by_str(&req->pool, &req->res.headers, n, nlen, 1, NULL, v, vlen);
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "";
    }
}

static void send_body(struct net_req *r, int status, const char *content_type, const void *body,
                      size_t n)
{
    static h2o_generator_t generator = {NULL, NULL};
    h2o_req_t *req = r->req;
    r->ours = 1;
    req->res.status = status;
    req->res.reason = reason(status);
    if (content_type) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type,
                       strlen(content_type));
        /* h2o compresses only the types it knows (not application/geo+json): all our JSON and
         * text is worth compressing. */
        static h2o_mime_attributes_t compressible = {1, H2O_MIME_ATTRIBUTE_PRIORITY_NORMAL};
        if (strstr(content_type, "json") || strncmp(content_type, "text/", 5) == 0)
            req->res.mime_attr = &compressible;
    }
    req->res.content_length = n;
    h2o_start_response(req, &generator);
    h2o_iovec_t buf = h2o_iovec_init(body, n);
    if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")))
        h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
    else
        h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
}

void net_res_send(struct net_req *r, int status, const char *content_type, const void *body,
                  size_t n)
{
    char *copy = h2o_mem_alloc_pool(&r->req->pool, n ? n : 1);
    if (n)
        memcpy(copy, body, n);
    send_body(r, status, content_type, copy, n);
}

void net_res_send_static(struct net_req *r, int status, const char *content_type, const void *body,
                         size_t n)
{
    send_body(r, status, content_type, body, n);
}

struct net_shared {
    atomic_long refs;
    size_t n;
    char data[];
};

struct net_shared *net_shared_new(const void *data, size_t n)
{
    struct net_shared *s = malloc(sizeof *s + n + 1);
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->n = n;
    memcpy(s->data, data, n);
    s->data[n] = '\0';
    return s;
}

const void *net_shared_data(const struct net_shared *s, size_t *n)
{
    *n = s->n;
    return s->data;
}

void net_shared_retain(struct net_shared *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void net_shared_release(struct net_shared *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        free(s);
}

static void release_linked(void *p)
{
    net_shared_release(*(struct net_shared **)p);
}

void net_res_send_shared(struct net_req *r, int status, const char *content_type,
                         struct net_shared *s)
{
    struct net_shared **slot = h2o_mem_alloc_shared(&r->req->pool, sizeof *slot, release_linked);
    net_shared_retain(s);
    *slot = s;
    send_body(r, status, content_type, s->data, s->n);
}

/* ---- suspended requests ----------------------------------------------------------------- */

struct net_pending *net_req_suspend(struct net_req *r)
{
    struct net_pending *p = h2o_mem_alloc_pool(&r->req->pool, sizeof *p);
    memset(p, 0, sizeof *p);
    p->r = r;
    r->ours = 1;
    return p;
}

void net_pending_resume(struct net_pending *p, void (*fn)(struct net_req *r, void *arg), void *arg)
{
    p->fn = fn;
    p->arg = arg;
    h2o_multithread_send_message(&p->r->loop->pending_receiver, &p->super);
}

void net_on_pending_messages(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        struct net_pending *p =
            H2O_STRUCT_FROM_MEMBER(struct net_pending, super.link, messages->next);
        h2o_linklist_unlink(&p->super.link);
        p->fn(p->r, p->arg);
    }
}
