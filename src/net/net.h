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
    int64_t max_body;      /* bytes; the body limit of requests app.body_limit sets none for */
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
 *
 * body_limit (may be NULL) chooses the largest body of one request from its method and path (as
 * sent, without the query; not NUL-terminated), on the loop thread as soon as the request line
 * has arrived and before any of the body is read; a result <= 0 means net_options.max_body. A
 * request declaring a larger Content-Length is answered 413 (JSON body_too_large) without its
 * body being read and its connection closed; a chunked body is refused with 413 as soon as the
 * bytes decoded reach the limit. It runs again for every read of the request, so it must be
 * cheap and must not block.
 */
struct net_app {
    void *app;
    int (*handle)(void *app, struct net_req *req);
    int (*thread_init)(void *app, int index, void **data);
    void (*thread_exit)(void *app, int index, void *data);
    void (*done)(void *app, const struct net_req_info *info);
    int64_t (*body_limit)(void *app, const char *method, size_t mlen, const char *path,
                          size_t plen);
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
/* The whole request body (already read, at most its body limit: see net_app.body_limit). */
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

/* ---- streaming responses (stream.c) ----------------------------------------------------- */

/*
 * A response sent in pieces for as long as the client stays (Server-Sent Events). The owner
 * (any module above) writes bytes from ANY thread; the request's loop sends them with one
 * h2o_send in flight at a time.
 *
 *   - net_stream_write copies into a bounded buffer (max_buffer bytes waiting, besides the one
 *     piece in flight) and wakes the loop; it never blocks. A write that would pass the bound
 *     drops the client: the connection is cut (IOC_ETOOBIG, counted in dropped). Once the stream
 *     ended, closed or dropped, writes return IOC_ESHUTDOWN.
 *   - Heartbeat: when nothing was sent for heartbeat_ms, net writes `heartbeat` itself; a dead
 *     client is noticed when that write fails. A piece in flight for more than
 *     max(60 s, 4 heartbeats) (a client that stopped reading) drops the client.
 *   - net_server_stop ends every open stream at once (the data already waiting is sent first
 *     when the socket takes it, else the connection is cut), so the drain does not wait for them.
 *
 * Lifetime: on_close(arg) runs exactly once, on the request's loop thread, when the stream is
 * over for any reason (client gone, dropped, closed by the owner, server stopping), after the
 * request's last byte and its access-log line; the owner keeps arg valid until then. The owner
 * calls net_stream_close(s) exactly once, before, inside or after on_close (from on_close is
 * usual); after that call it must not use s. The stream is freed when both happened (and no
 * wake-up is in flight), so a write racing with on_close is safe and returns IOC_ESHUTDOWN.
 */
struct net_stream;

struct net_stream_options {
    size_t max_buffer;     /* bytes waiting to be sent at most; more drops the client */
    int heartbeat_ms;      /* 0: no heartbeat */
    const char *heartbeat; /* static text written after heartbeat_ms of silence */
    int max_open;          /* refused while the server has this many open streams; 0: no limit */
};

/* On the loop thread, instead of a whole response: starts the response (status, content type,
 * no compression, no caching). NULL when the server already has max_open streams, is stopping,
 * or memory ran out: nothing was sent, the caller answers (503). */
struct net_stream *net_res_stream(struct net_req *r, int status, const char *content_type,
                                  const struct net_stream_options *o, void (*on_close)(void *arg),
                                  void *arg);
/* Any thread. 0, IOC_ETOOBIG (dropped now), IOC_ESHUTDOWN (over already) or IOC_ENOMEM
 * (dropped). */
int net_stream_write(struct net_stream *s, const void *p, size_t n);
/* Any thread: net_stream_write, except that what does not fit in max_buffer is refused with
 * IOC_EBUSY and the client kept (the caller skips it and tells the client later, e.g. an SSE
 * reset) while the client is taking what is in flight; one that took nothing for 5 s, or a
 * piece larger than max_buffer, is dropped (IOC_ETOOBIG) as by net_stream_write. */
int net_stream_offer(struct net_stream *s, const void *p, size_t n);
/* Any thread, once: ends the stream after what is waiting and gives up the owner's hold. */
void net_stream_close(struct net_stream *s);
/* Open streams and clients dropped since start, for /metrics. */
void net_server_stream_counts(struct net_server *s, int64_t *open, uint64_t *dropped);

#endif
