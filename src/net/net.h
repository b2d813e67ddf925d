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

/* ---- fan-out of live events (fanout.c) -------------------------------------------------- */

/*
 * What the live hubs share (the points of GET /api/v1/stream, the events of GET /api/v1/events):
 * a numbered ring of recent entries, the subscribers and their writers, the Last-Event-ID replay
 * or a reset, a writer with no room kept until a reset fits, and the counters. It knows neither
 * HTTP (writers are the owner's, usually net_stream_offer) nor what an entry holds or what a
 * subscriber wants: the hub's ops say (they format and filter).
 *
 *   - Ids: one uint64 sequence that starts at the wall clock in microseconds when the fan-out is
 *     created. An entry takes n ids, first .. first + n - 1; an SSE event's id is the id of the
 *     last thing it carries. Every id from `lo` on is in the ring; `next` is the next to give. So
 *     a client that saw up to X missed nothing that cannot be replayed exactly when
 *     lo - 1 <= X < next.
 *   - Ring: at most ring_entries entries and ring_bytes bytes; the newest always stays. With
 *     keep_s > 0, an entry published when nobody has listened for keep_s is not kept and the
 *     ring is forgotten (a gap: ids go on, a replay across it is a reset).
 *   - One lock guards everything; writers and ops run under it and must only copy (no I/O, no
 *     waiting). A subscriber sees each entry once, in order, with no gap between its replay and
 *     the live entries.
 *   - A writer that fails is not called again, except with IOC_EBUSY ("no room now"): the
 *     subscriber is then lagging, and at the next entry it wants it gets `reset` (data {}, the
 *     entry's last id) in place of the entry; once a reset was taken the entries go on.
 */
struct ioc_buf;
struct net_fanout;
struct net_fanout_sub;

/* The head of a hub's entry: the entry is one malloc block starting with this, freed with
 * free() by the fan-out. The hub sets n (ids it takes, >= 1) and bytes (of the whole block). */
struct net_fanout_entry {
    struct net_fanout_entry *next;
    uint64_t first; /* set by net_fanout_publish */
    size_t n;
    size_t bytes;
};

typedef int (*net_fanout_write_fn)(void *ctx, const void *p, size_t n);

/* The hub's side, all called under the fan-out's lock with hub as given. */
struct net_fanout_ops {
    void *hub;
    /* Writes, through emit(ectx, ...), the SSE events for the ids of e above `after` that the
     * subscriber with this filter wants. 0, or emit's error at once. Required. */
    int (*deliver)(void *hub, const void *filter, const struct net_fanout_entry *e, uint64_t after,
                   net_fanout_write_fn emit, void *ectx);
    /* 0 when the subscriber wants nothing of e: it gets neither e nor a reset for it. NULL: every
     * entry may concern every subscriber (a lagging one gets its reset at the next entry). */
    int (*wants)(void *hub, const void *filter, const struct net_fanout_entry *e);
    /* Runs once e->first is known, before e is linked or written (may be NULL). */
    void (*stamp)(void *hub, struct net_fanout_entry *e);
    /* Frees a subscriber's filter when it leaves (may be NULL). */
    void (*free_filter)(void *filter);
};

struct net_fanout_options {
    size_t ring_entries; /* entries kept at most; 0: 1000 */
    size_t ring_bytes;   /* their bytes at most; 0: 8 MiB */
    int keep_s;          /* > 0: the ring is forgotten once nobody listened for so long */
};

/* 0 or IOC_ENOMEM. ops is copied. */
int net_fanout_create(const struct net_fanout_options *o, const struct net_fanout_ops *ops,
                      struct net_fanout **out);
/* No subscriber may remain. NULL is fine. */
void net_fanout_destroy(struct net_fanout *f);
/* 1 when an entry of n ids published now would not be kept (nobody listens, none for keep_s):
 * the n ids are taken and the ring is forgotten, as by net_fanout_publish; the hub need not
 * build the entry. 0 otherwise (nothing changed). */
int net_fanout_skip(struct net_fanout *f, size_t n);
/* Takes n ids and forgets the ring (the hub could not build an entry of n ids: a gap). */
void net_fanout_gap(struct net_fanout *f, size_t n);
/* Numbers e (ops.stamp), links it and writes it to every subscriber that wants it, then trims
 * the ring; or, as net_fanout_skip says, frees it at once (a gap). Takes e. Returns e's last id. */
uint64_t net_fanout_publish(struct net_fanout *f, struct net_fanout_entry *e);
/*
 * Writes "retry: 3000" and, when have_last, the events after last_id this filter wants (or a
 * reset when that id cannot be replayed or the replay passes max_replay bytes), then links the
 * subscriber. Takes filter (freed by ops.free_filter, also on failure). 0, IOC_ENOMEM, or the
 * writer's error (not linked).
 */
int net_fanout_subscribe(struct net_fanout *f, void *filter, int have_last, uint64_t last_id,
                         size_t max_replay, net_fanout_write_fn write, void *ctx,
                         struct net_fanout_sub **out);
/* NULL s is fine. After it returns, the writer's context is never used again. */
void net_fanout_unsubscribe(struct net_fanout *f, struct net_fanout_sub *s);
/* Writes p to every live subscriber (e.g. a heartbeat comment); no entry, no id. A writer with
 * no room skips it; any other failure marks the subscriber failed. */
void net_fanout_broadcast(struct net_fanout *f, const void *p, size_t n);

struct net_fanout_counts {
    uint64_t subscribers;
    uint64_t delivered; /* entries written whole to a subscriber at publish */
    uint64_t resets;    /* replays that became a reset, and resets to lagging subscribers */
    uint64_t lagged;    /* times a subscriber began to lag */
    uint64_t failures;  /* subscribers whose writer failed (dropped or gone) */
};
void net_fanout_counts(struct net_fanout *f, struct net_fanout_counts *c);
/* Appends PREFIX_subscribers ("Clients of " clients_of), PREFIX_resets_total,
 * PREFIX_lagged_total and PREFIX_writer_failures_total in the Prometheus text format. 0 or
 * IOC_ENOMEM. */
int net_fanout_metrics(struct net_fanout *f, struct ioc_buf *b, const char *prefix,
                       const char *clients_of);

#endif
