/* net_int.h — what the files of src/net/ share; nothing outside src/net/ includes this. */
#ifndef IOC_NET_INT_H
#define IOC_NET_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/base.h"
#include "h2o.h"
#include "net/net.h"

struct net_loop;

/* Per-request state, allocated in the request's pool and found again through req->env. */
struct net_req {
    h2o_req_t *req;
    struct net_loop *loop;
    const char *route;
    char id[24];
    char peer[64];
    int ours;    /* the response came from the application (not h2o's own error pages) */
    int counted; /* counted in inflight */
};

struct net_pending {
    h2o_multithread_message_t super;
    struct net_req *r;
    void (*fn)(struct net_req *r, void *arg);
    void *arg;
};

struct net_loop {
    struct net_server *server;
    int index;
    pthread_t thread;
    int running;   /* thread started (to be joined) */
    int up;        /* set up and serving; written before `ready`, read-only after */
    int listen_fd; /* dup of the listening socket until loop_init wraps it */
    h2o_context_t ctx;
    h2o_globalconf_t conf; /* this loop's copy of the server's h2o config (ctx.globalconf points
                              here): bodylimit.c sets max_request_entity_size per request */
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    h2o_multithread_receiver_t pending_receiver; /* net_pending resumes */
    h2o_multithread_receiver_t stop_receiver;    /* net_server_stop */
    h2o_multithread_receiver_t stream_receiver;  /* net_stream wake-ups */
    h2o_linklist_t streams;                      /* open streams of this loop (stream.c) */
    int64_t streams_tick_ns;                     /* last heartbeat sweep */
    void *app_data;
    uint64_t next_id;
    int conns;     /* connections of this loop */
    int conns_max; /* this loop's share of max_connections */
    int paused;    /* listener stopped because conns reached conns_max */
    int stopping;
    struct ioc_buf log;     /* access-log lines not yet written */
    int64_t log_flushed_ns; /* when log was last written */
};

struct net_server {
    struct net_options opt;
    struct net_app app;
    h2o_globalconf_t config;
    h2o_hostconf_t *hostconf;
    int fd;
    char url[96];
    int nloops;
    struct net_loop *loops;
    int log_fd; /* access log, -1 for none; each loop appends whole lines in one write */
    atomic_long connections;
    atomic_long inflight;
    atomic_long streams_open;
    atomic_ullong streams_dropped;
    atomic_int stop;  /* 1: stop asked; 2: loops end now */
    atomic_int ready; /* every loop reported (start_lock); loops[] and their receivers exist */
    pthread_mutex_t start_lock; /* also held by net_server_stop while it posts to the loops */
    pthread_cond_t start_cond;
    int started;   /* loops that reported, under start_lock */
    uint32_t boot; /* random prefix of request ids */
};

/* httphead.c: checks the framing headers of the raw request head p[0..n) (request line, header
 * lines, empty line; CR LF or LF) — at most one Content-Length, all digits; at most one
 * Transfer-Encoding, exactly "chunked", not with Content-Length nor in HTTP/1.0; no folded lines.
 * 0, or IOC_EINVAL with *why a static sentence (also when the head does not end within n). */
int net_head_check(const char *p, size_t n, const char **why);
/* httphead.c: the method and the path (the target up to '?', as sent) of the request line at the
 * start of p[0..n), one empty line before it skipped like h2o does. 0, or IOC_EINVAL when no
 * whole line "METHOD SP TARGET SP ..." is within n. The results point into p. */
int net_head_target(const char *p, size_t n, const char **method, size_t *mlen, const char **path,
                    size_t *plen);

/* req.c */
struct net_req *net_req_get(h2o_req_t *req);
struct net_req *net_req_attach(struct net_loop *loop, h2o_req_t *req);
void net_register_filters(struct net_server *s, h2o_pathconf_t *pathconf);
void net_on_pending_messages(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);
/* filter.c: the Content-Security-Policy of every response; appends one access-log line to the
 * loop's buffer (nothing when there is no access log). */
extern const char net_csp[];
void net_log_line(struct net_loop *loop, const char *id, const char *peer, const char *method,
                  size_t mlen, const char *path, size_t plen, int status, size_t bytes,
                  double seconds, const char *route);
/* req.c: the next request id of this loop ("%08x-%02x%06x"). */
void net_loop_next_id(struct net_loop *loop, char id[24]);
/* server.c: writes the loop's buffered access-log lines. */
void net_log_flush(struct net_loop *loop);
/* refusal.c: finds libh2o's h2o_socket_write for the interposed one; call before serving. */
void net_refusal_init(void);
/* stream.c: loop thread. init registers the wake-up receiver; tick sends heartbeats and drops
 * stalled clients (called every turn of the loop); stop ends every stream of the loop. */
void net_streams_init(struct net_loop *loop);
void net_streams_tick(struct net_loop *loop);
void net_streams_stop(struct net_loop *loop);
/* bodylimit.c: finds libh2o's h2o_socket_read_start for the interposed one; call before
 * serving. */
void net_bodylimit_init(void);
/* server.c: the on_close callback of every accepted client socket (data: its loop). */
void net_conn_closed(void *data);

#endif
