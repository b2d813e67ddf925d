/*
 * net — the HTTP/1.1 server under iocd, on libh2o (evloop). h2o's types stay inside this folder:
 * the layers above see struct net_req and the functions below, so the HTTP library could be
 * replaced here alone.
 *
 * Threads: one event loop per thread, all accepting from the same listening socket. A handler
 * runs on the loop thread of its connection and must not block for long. To answer later (after
 * the storage writer committed), a handler calls net_req_suspend and returns; any thread may then
 * call net_pending_resume, which runs a callback on the request's loop thread to send the answer.
 *
 * Lifetime: a struct net_req and everything net_req_alloc gave for it live until its response has
 * been sent; then they are freed at once (h2o's per-request pool).
 */
#ifndef IOC_NET_H
#define IOC_NET_H

#include <stddef.h>
#include <stdint.h>

struct net_req;
struct net_server;
struct net_pending;

/* Settings of a server; strings are copied. */
struct net_options {
    const char *listen;    /* "HOST:PORT"; port 0 picks a free one */
    int threads;           /* event loops; <= 0: one per core */
    int64_t max_body;      /* bytes; larger bodies get 413 before they are read */
    int max_connections;   /* across all loops */
    int request_timeout_s; /* to deliver a whole request, idle keep-alive time included */
    int gzip;              /* compress responses for clients that accept gzip */
    int gzip_min_size;
    const char *web_root;    /* static files, or NULL */
    const char *access_log;  /* path, "-" for stdout, NULL or "" for none */
    int trust_forwarded_for; /* peer from X-Forwarded-For when the connection is from loopback */
};

/* What a finished request looked like, for metrics. */
struct net_req_info {
    const char *route; /* as set by net_req_set_route, or "static" / "other" */
    const char *method;
    int status;
    double seconds;
    uint64_t bytes_sent;
};

/*
 * The application's side. handle: return 0 when it answered (or suspended) the request, -1 to
 * decline so the static file handler serves it. thread_init runs once on each loop thread before
 * it serves anything; its *data comes back from net_req_thread_data. done runs on the loop
 * thread after every response, including static files and errors made by the library.
 */
struct net_app {
    void *app;
    int (*handle)(void *app, struct net_req *req);
    int (*thread_init)(void *app, int index, void **data);
    void (*thread_exit)(void *app, int index, void *data);
    void (*done)(void *app, const struct net_req_info *info);
};

/* Binds the socket now (so the port is known) but serves nothing until net_server_run. */
int net_server_create(const struct net_options *o, const struct net_app *app,
                      struct net_server **out);
/* Reopens the access log file by its path (after logrotate moved it), keeping the descriptor
 * number the loops write to. Callable from any thread while the server runs. 0, or IOC_EIO (the
 * old file stays in use). Nothing to do for "-" or no log. */
int net_server_reopen_log(struct net_server *s);
/* "http://127.0.0.1:PORT" of the bound socket. */
const char *net_server_url(const struct net_server *s);
/* Starts the loops and blocks until net_server_stop was called and in-flight requests finished
 * (or drain_timeout_s passed). Returns 0 on a clean drain, IOC_EBUSY if it timed out. */
int net_server_run(struct net_server *s, int drain_timeout_s);
/* Asks the server to stop accepting and drain. Callable from any thread (not a signal handler). */
void net_server_stop(struct net_server *s);
void net_server_destroy(struct net_server *s);
/* Open connections and requests in flight, for /metrics. */
void net_server_counts(struct net_server *s, int64_t *connections, int64_t *inflight);

/* ---- the request ------------------------------------------------------------------------ */

/* The method, e.g. "GET" (n bytes, not NUL-terminated). */
const char *net_req_method(const struct net_req *r, size_t *n);
/* The path as sent, without the query string, not decoded. */
const char *net_req_path(const struct net_req *r, size_t *n);
/* The query string after '?', or NULL. */
const char *net_req_query(const struct net_req *r, size_t *n);
/* First header of that name (case-insensitive), or NULL. */
const char *net_req_header(const struct net_req *r, const char *name, size_t *n);
/* Sum of the sizes of all header names and values. */
size_t net_req_header_bytes(const struct net_req *r);
/* The whole request body (already read, at most max_body bytes). */
const char *net_req_body(const struct net_req *r, size_t *n);
/* Client address as text ("127.0.0.1"). */
const char *net_req_peer(const struct net_req *r);
/* The id of this request, also sent as X-Request-Id. */
const char *net_req_id(const struct net_req *r);
/* Memory freed with the request; NULL only if memory ran out. Zeroed. */
void *net_req_alloc(struct net_req *r, size_t n);
/* A pool copy of s[0..n) with a NUL. */
char *net_req_strdup(struct net_req *r, const char *s, size_t n);
/* The data thread_init returned for this loop thread. */
void *net_req_thread_data(const struct net_req *r);
/* Calls fn(arg) when the request is freed (after its response). */
void net_req_on_free(struct net_req *r, void (*fn)(void *arg), void *arg);
/* Names the route for logs and metrics; name must be a static string. */
void net_req_set_route(struct net_req *r, const char *name);

/* ---- the response ----------------------------------------------------------------------- */

/* Adds a response header (both copied). */
void net_res_header(struct net_req *r, const char *name, const char *value);
/* Sends the whole response; body is copied. content_type may be NULL (no body type). */
void net_res_send(struct net_req *r, int status, const char *content_type, const void *body,
                  size_t n);
/* Like net_res_send, but body is not copied: the caller keeps it alive until the process ends
 * or, for a struct net_shared, holds a reference (below). */
void net_res_send_static(struct net_req *r, int status, const char *content_type, const void *body,
                         size_t n);

/* An immutable, reference-counted byte string that several threads may send at once. */
struct net_shared;
/* Copies data; the caller holds one reference. NULL on ENOMEM. */
struct net_shared *net_shared_new(const void *data, size_t n);
const void *net_shared_data(const struct net_shared *s, size_t *n);
void net_shared_retain(struct net_shared *s);
/* Drops a reference; the last one frees. NULL is fine. Thread-safe. */
void net_shared_release(struct net_shared *s);
/* Sends s; the request holds its own reference until it is finished. */
void net_res_send_shared(struct net_req *r, int status, const char *content_type,
                         struct net_shared *s);

/* ---- answering later -------------------------------------------------------------------- */

/* Marks the request as answered later. The handler returns 0 after this. */
struct net_pending *net_req_suspend(struct net_req *r);
/* From any thread: runs fn(r, arg) on the request's loop thread, where fn sends the response.
 * Exactly one resume per suspend. */
void net_pending_resume(struct net_pending *p, void (*fn)(struct net_req *r, void *arg), void *arg);

#endif
