/*
 * server.c — the listening socket, the event-loop threads, connection limits and the drain on
 * stop.
 *
 * All loops accept from one non-blocking listening socket. Each loop owns 1/nloops of
 * max_connections: when its count reaches that share it stops reading the listener (new
 * connections wait in the kernel's backlog) and resumes when one of its connections closes.
 *
 * Stop: net_server_stop sets `stop` and posts a message to every loop; each loop then closes its
 * listener (no new connections), h2o is asked to close idle keep-alive connections and every open
 * stream is ended (stream.c), so streams do not hold the drain. run() waits until no request is in
 * flight or the drain timeout passes, then ends the loops.
 */
#include "net/net_int.h"
#include "base/base.h"
#include "base/errors.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h2o/http1.h"
#include "h2o/serverutil.h"

static int on_req(h2o_handler_t *self, h2o_req_t *req);
static int on_fallback_req(h2o_handler_t *self, h2o_req_t *req);

struct app_handler {
    h2o_handler_t super;
    struct net_server *server;
};

static void on_accept(h2o_socket_t *listener, const char *err);

void net_conn_closed(void *data)
{
    struct net_loop *loop = data;
    loop->conns--;
    atomic_fetch_sub(&loop->server->connections, 1);
    if (loop->paused && loop->conns < loop->conns_max && !loop->stopping) {
        loop->paused = 0;
        h2o_socket_read_start(loop->listener, on_accept);
    }
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    struct net_loop *loop = listener->data;
    if (err)
        return;
    /* Accept a few at a time so one loop does not take every connection of a burst. */
    for (int i = 0; i < 16; i++) {
        if (loop->conns >= loop->conns_max) {
            loop->paused = 1;
            h2o_socket_read_stop(listener);
            return;
        }
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (!sock)
            return;
        loop->conns++;
        atomic_fetch_add(&loop->server->connections, 1);
        sock->on_close.cb = net_conn_closed;
        sock->on_close.data = loop;
        h2o_accept(&loop->accept_ctx, sock);
    }
}

/* Closes the listener and asks h2o to close idle connections; on the loop thread, once. */
static void loop_begin_stop(struct net_loop *loop)
{
    if (loop->stopping)
        return;
    loop->stopping = 1;
    if (loop->listener) {
        h2o_socket_read_stop(loop->listener);
        h2o_socket_close(loop->listener);
        loop->listener = NULL;
    }
    h2o_context_request_shutdown(&loop->ctx);
    net_streams_stop(loop);
}

static void on_stop_message(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    struct net_loop *loop = H2O_STRUCT_FROM_MEMBER(struct net_loop, stop_receiver, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *m =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&m->link);
        free(m);
    }
    loop_begin_stop(loop);
}

/* Every h2o object a loop uses is made here, on the loop's own thread: h2o 2.2.5 keeps
 * per-thread state (the recycle allocator of socket input buffers, h2o_socket_buffer_prototype,
 * is __thread and each socket keeps a pointer to its creator's), so an object made on another
 * thread would share that thread's allocator with it, unlocked. */
static void loop_init(struct net_loop *loop)
{
    struct net_server *s = loop->server;
    /* A copy per loop: bodylimit.c changes its max_request_entity_size for each request. */
    loop->conf = s->config;
    h2o_context_init(&loop->ctx, h2o_evloop_create(), &loop->conf);
    loop->accept_ctx.ctx = &loop->ctx;
    loop->accept_ctx.hosts = s->config.hosts;
    h2o_multithread_register_receiver(loop->ctx.queue, &loop->pending_receiver,
                                      net_on_pending_messages);
    h2o_multithread_register_receiver(loop->ctx.queue, &loop->stop_receiver, on_stop_message);
    net_streams_init(loop);
    loop->listener =
        h2o_evloop_socket_create(loop->ctx.loop, loop->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    loop->listen_fd = -1;
    loop->listener->data = loop;
}

/* Tells net_server_run that this loop is set up (ok: 1) or gave up (0). */
static void loop_report(struct net_loop *loop, int ok)
{
    struct net_server *s = loop->server;
    pthread_mutex_lock(&s->start_lock);
    loop->up = ok;
    s->started++;
    pthread_cond_signal(&s->start_cond);
    pthread_mutex_unlock(&s->start_lock);
}

static void *loop_main(void *arg)
{
    struct net_loop *loop = arg;
    struct net_server *s = loop->server;
    loop_init(loop);
    if (s->app.thread_init && s->app.thread_init(s->app.app, loop->index, &loop->app_data) != 0) {
        ioc_log(IOC_LOG_ERROR, "loop %d: thread_init failed", loop->index);
        loop_report(loop, 0);
        return NULL;
    }
    loop_report(loop, 1);
    h2o_socket_read_start(loop->listener, on_accept);
    while (!(atomic_load(&s->stop) == 2)) {
        /* Also seen here: a stop requested before net_server_run could post messages. */
        if (atomic_load(&s->stop) && !loop->stopping)
            loop_begin_stop(loop);
        h2o_evloop_run(loop->ctx.loop, 100);
        net_streams_tick(loop);
        if (loop->log.len && ioc_mono_ns() - loop->log_flushed_ns >= 100 * 1000000LL)
            net_log_flush(loop);
    }
    net_log_flush(loop);
    ioc_buf_free(&loop->log);
    if (s->app.thread_exit)
        s->app.thread_exit(s->app.app, loop->index, loop->app_data);
    return NULL;
}

void net_log_flush(struct net_loop *loop)
{
    struct net_server *s = loop->server;
    const char *p = loop->log.data;
    size_t n = loop->log.len;
    while (s->log_fd >= 0 && n > 0) {
        ssize_t w = write(s->log_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ioc_log(IOC_LOG_WARN, "access log: %s; %zu bytes dropped", strerror(errno), n);
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    ioc_buf_reset(&loop->log);
    loop->log_flushed_ns = ioc_mono_ns();
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return IOC_EINVAL;
    char host[256];
    size_t hlen = (size_t)(colon - listen);
    if (hlen >= sizeof host)
        return IOC_EINVAL;
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = '\0';
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int64_t port;
    if (ioc_parse_i64(colon + 1, strlen(colon + 1), 0, 65535, &port) != 0)
        return IOC_EINVAL;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || !res)
        return IOC_EINVAL;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int bind_socket(struct net_server *s)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (parse_listen(s->opt.listen, &ss, &len))
        return IOC_EINVAL;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0)
        return IOC_EIO;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4096) != 0) {
        ioc_log(IOC_LOG_ERROR, "cannot listen on %s: %s", s->opt.listen, strerror(errno));
        close(fd);
        return IOC_EIO;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    char host[64] = "?";
    int port = 0;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(s->url, sizeof s->url, "http://%s:%d", host, port);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        snprintf(s->url, sizeof s->url, "http://[%s]:%d", host, port);
    }
    s->fd = fd;
    return 0;
}

static void setup_paths(struct net_server *s)
{
    h2o_pathconf_t *pathconf = h2o_config_register_path(s->hostconf, "/", 0);
    struct app_handler *h = (void *)h2o_create_handler(pathconf, sizeof *h);
    h->super.on_req = on_req;
    h->server = s;
    if (s->opt.web_root && *s->opt.web_root) {
        h2o_mimemap_t *mime = h2o_mimemap_create();
        h2o_mimemap_define_mimetype(mime, "geojson", "application/geo+json", NULL);
        h2o_mimemap_define_mimetype(mime, "mjs", "text/javascript; charset=utf-8", NULL);
        h2o_mimemap_define_mimetype(mime, "js", "text/javascript; charset=utf-8", NULL);
        h2o_mimemap_define_mimetype(mime, "css", "text/css; charset=utf-8", NULL);
        h2o_mimemap_define_mimetype(mime, "html", "text/html; charset=utf-8", NULL);
        h2o_mimemap_define_mimetype(mime, "json", "application/json", NULL);
        h2o_mimemap_define_mimetype(mime, "svg", "image/svg+xml", NULL);
        h2o_mimemap_define_mimetype(mime, "ico", "image/x-icon", NULL);
        h2o_mimemap_define_mimetype(mime, "txt", "text/plain; charset=utf-8", NULL);
        h2o_mimemap_define_mimetype(mime, "webmanifest", "application/manifest+json", NULL);
        static const char *index_files[] = {"index.html", NULL};
        h2o_file_register(pathconf, s->opt.web_root, index_files, mime,
                          H2O_FILE_FLAG_SEND_COMPRESSED);
        h2o_mem_release_shared(mime);
    }
    /* Our filter first: its JSON error bodies must be in place before compression. */
    net_register_filters(s, pathconf);
    if (s->opt.gzip) {
        h2o_compress_args_t args = {.min_size = (size_t)s->opt.gzip_min_size,
                                    .gzip = {.quality = 1},
                                    .brotli = {.quality = -1}};
        h2o_compress_register(pathconf, &args);
    }
    /* h2o answers some errors (413, 400) before routing, on the fallback path: give it the same
     * filters so those answers carry our headers and JSON bodies too. */
    h2o_handler_t *guard = h2o_create_handler(&s->hostconf->fallback_path, sizeof *guard);
    guard->on_req = on_fallback_req;
    net_register_filters(s, &s->hostconf->fallback_path);
}

int net_server_create(const struct net_options *o, const struct net_app *app,
                      struct net_server **out)
{
    signal(SIGPIPE, SIG_IGN);
    net_refusal_init();
    net_bodylimit_init();
    struct net_server *s = calloc(1, sizeof *s);
    if (!s)
        return IOC_ENOMEM;
    s->opt = *o;
    s->opt.listen = strdup(o->listen);
    s->opt.web_root = o->web_root ? strdup(o->web_root) : NULL;
    s->opt.access_log = o->access_log && *o->access_log && strcmp(o->access_log, "-") != 0
                            ? strdup(o->access_log)
                            : NULL;
    s->app = *app;
    s->fd = -1;
    s->log_fd = -1;
    s->boot = (uint32_t)(ioc_now_ms() ^ ((uint64_t)getpid() << 16));
    pthread_mutex_init(&s->start_lock, NULL);
    pthread_cond_init(&s->start_cond, NULL);
    int rc = bind_socket(s);
    if (rc)
        goto fail;
    if (o->access_log && *o->access_log) {
        s->log_fd = strcmp(o->access_log, "-") == 0
                        ? dup(1)
                        : open(o->access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (s->log_fd < 0) {
            ioc_log(IOC_LOG_ERROR, "cannot open access log %s: %s", o->access_log, strerror(errno));
            rc = IOC_EIO;
            goto fail;
        }
    }
    h2o_config_init(&s->config);
    s->config.server_name = h2o_iovec_init(H2O_STRLIT("ioc"));
    s->config.max_request_entity_size = (size_t)o->max_body; /* per request: bodylimit.c */
    s->config.http1.req_timeout = (uint64_t)o->request_timeout_s * 1000;
    s->config.http1.upgrade_to_http2 = 0; /* HTTP/2 is the front proxy's job */
    s->hostconf =
        h2o_config_register_host(&s->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    setup_paths(s);
    *out = s;
    return 0;
fail:
    net_server_destroy(s);
    return rc;
}

int net_server_reopen_log(struct net_server *s)
{
    if (!s->opt.access_log || s->log_fd < 0)
        return 0;
    int fd = open(s->opt.access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        ioc_log(IOC_LOG_ERROR, "cannot reopen access log %s: %s", s->opt.access_log,
                strerror(errno));
        return IOC_EIO;
    }
    /* dup2 swaps the file behind log_fd atomically: a loop writing at this moment writes whole
     * to the old file or whole to the new one, and no loop ever sees a closed descriptor. */
    int rc = dup2(fd, s->log_fd) < 0 ? IOC_EIO : 0;
    close(fd);
    if (rc == 0)
        ioc_log(IOC_LOG_INFO, "access log reopened: %s", s->opt.access_log);
    return rc;
}

const char *net_server_url(const struct net_server *s)
{
    return s->url;
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Starts one thread per loop and waits until each has set itself up (loop_init). */
static int start_loops(struct net_server *s)
{
    int share = s->opt.max_connections / s->nloops;
    for (int i = 0; i < s->nloops; i++) {
        struct net_loop *l = &s->loops[i];
        l->server = s;
        l->index = i;
        l->conns_max = share > 0 ? share : 1;
        l->listen_fd = i == 0 ? s->fd : dup(s->fd);
        ioc_buf_init(&l->log, 1 << 20);
    }
    s->fd = -1; /* owned by the loops now */
    int launched = 0;
    for (int i = 0; i < s->nloops; i++) {
        struct net_loop *l = &s->loops[i];
        int err = l->listen_fd < 0 ? errno : pthread_create(&l->thread, NULL, loop_main, l);
        if (err) {
            ioc_log(IOC_LOG_ERROR, "loop %d: cannot start: %s", i, strerror(err));
            if (l->listen_fd >= 0)
                close(l->listen_fd);
            l->listen_fd = -1;
            loop_report(l, 0);
            continue;
        }
        l->running = 1;
        launched++;
    }
    pthread_mutex_lock(&s->start_lock);
    while (s->started < s->nloops)
        pthread_cond_wait(&s->start_cond, &s->start_lock);
    pthread_mutex_unlock(&s->start_lock);
    /* From here net_server_stop may post to the loops' receivers. A stop that came earlier saw
     * `ready` 0 and posted nothing: the loops see `stop` themselves (loop_main). */
    atomic_store(&s->ready, 1);
    return launched ? 0 : IOC_EIO;
}

int net_server_run(struct net_server *s, int drain_timeout_s)
{
    s->nloops = s->opt.threads > 0 ? s->opt.threads : cores();
    s->loops = calloc((size_t)s->nloops, sizeof *s->loops);
    if (!s->loops)
        return IOC_ENOMEM;
    int rc = start_loops(s);
    if (rc)
        atomic_store(&s->stop, 1);
    while (atomic_load(&s->stop) == 0) {
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
    int64_t deadline = ioc_mono_ns() + (int64_t)drain_timeout_s * 1000000000LL;
    while (atomic_load(&s->inflight) > 0) {
        if (ioc_mono_ns() > deadline) {
            rc = IOC_EBUSY;
            break;
        }
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
    }
    /* Under start_lock: a net_server_stop still posting to the loops finishes first, and none
     * touches them after this (the caller may destroy the server as soon as run returns). */
    pthread_mutex_lock(&s->start_lock);
    atomic_store(&s->stop, 2);
    pthread_mutex_unlock(&s->start_lock);
    for (int i = 0; i < s->nloops; i++)
        if (s->loops[i].running)
            pthread_join(s->loops[i].thread, NULL);
    return rc;
}

void net_server_stop(struct net_server *s)
{
    pthread_mutex_lock(&s->start_lock);
    int expected = 0;
    /* Before `ready` the receivers may not exist yet; the loops then notice `stop` within one
     * turn of their event loop (100 ms) instead of at once. */
    if (atomic_compare_exchange_strong(&s->stop, &expected, 1) && atomic_load(&s->ready)) {
        for (int i = 0; i < s->nloops; i++) {
            if (!s->loops[i].up)
                continue;
            h2o_multithread_message_t *m = calloc(1, sizeof *m);
            if (m)
                h2o_multithread_send_message(&s->loops[i].stop_receiver, m);
        }
    }
    pthread_mutex_unlock(&s->start_lock);
}

void net_server_counts(struct net_server *s, int64_t *connections, int64_t *inflight)
{
    *connections = atomic_load(&s->connections);
    *inflight = atomic_load(&s->inflight);
}

void net_server_destroy(struct net_server *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    if (s->log_fd >= 0)
        close(s->log_fd);
    /* The loops' h2o contexts are left to the process exit: h2o 2.2.5 cannot dispose a context
     * whose connections are still open, and iocd exits right after. */
    pthread_mutex_destroy(&s->start_lock);
    pthread_cond_destroy(&s->start_cond);
    free((char *)s->opt.listen);
    free((char *)s->opt.access_log);
    free((char *)s->opt.web_root);
    free(s->loops);
    free(s);
}

/* Refuses a request whose raw head frames its body ambiguously (see httphead.c) with 400 and a
 * closed connection, before any handler sees it; 0 when the head is fine. While a request is
 * handled, h2o 2.2.5 still holds its head at the start of the connection's input buffer (the
 * head is consumed when the response is done) with header names lower-cased in place. */
static int refuse_bad_framing(h2o_req_t *req)
{
    h2o_socket_t *sock =
        req->conn->callbacks->get_socket ? req->conn->callbacks->get_socket(req->conn) : NULL;
    if (!sock || !sock->input)
        return 0;
    size_t n = sock->input->size < H2O_MAX_REQLEN ? sock->input->size : H2O_MAX_REQLEN;
    const char *why = NULL;
    if (net_head_check(sock->input->bytes, n, &why) == 0)
        return 0;
    struct net_req *r = net_req_get(req);
    if (!r)
        return 0;
    enum ioc_http_error e = IOC_HTTP_E_BAD_REQUEST;
    char json[192];
    int len = snprintf(json, sizeof json, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                       ioc_http_error_code(e), why);
    net_req_set_route(r, "refused");
    req->http1_is_persistent = 0;
    net_res_send(r, ioc_http_error_status(e), "application/json", json, (size_t)len);
    return 1;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    struct app_handler *h = (struct app_handler *)self;
    struct net_server *s = h->server;
    if (refuse_bad_framing(req))
        return 0;
    struct net_req *r = net_req_get(req);
    if (!r)
        return -1;
    int rc = s->app.handle(s->app.app, r);
    if (rc == 0)
        r->ours = 1;
    else
        r->route = "static";
    return rc;
}

/* The first handler of the fallback path (requests no path matches, e.g. "OPTIONS *"): the same
 * framing check, then h2o's 404. */
static int on_fallback_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    return refuse_bad_framing(req) ? 0 : -1;
}
