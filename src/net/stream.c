/*
 * stream.c — streaming responses (contract in net.h, "streaming responses").
 *
 * A stream is two buffers: `pend` takes the owner's writes under the stream's lock (any thread),
 * `out` is the one piece h2o is sending (loop thread only). When a send completes (the
 * generator's proceed), the loop swaps them and sends again; a write posts one wake-up message
 * to the loop (at most one in its queue per stream) so that an idle stream starts sending.
 *
 * Ending: the owner's close sends what waits, then the final chunk. A drop (over the bound),
 * a stall and a server stop while a piece is in flight cut the connection: shutdown(2) of the
 * socket makes the write in flight fail, h2o closes the connection and disposes the request. A
 * drop with nothing in flight sends H2O_SEND_STATE_ERROR (no final chunk: the client sees a cut
 * response, not a complete one).
 *
 * Lifetime: references are held by the request (from net_res_stream to the free of its pool,
 * where on_close runs), by the owner (until net_stream_close) and by each posted wake-up. The
 * lock is never held across I/O or a callback; `req` is touched on the loop thread only and is
 * NULL once h2o stopped the generator or freed the request.
 */
#include "net/net_int.h"
#include "base/base.h"
#include "base/errors.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define STALL_MIN_NS (60 * 1000000000LL)
#define TICK_NS (100 * 1000000LL)
#define OFFER_STALL_NS (5 * 1000000000LL)

struct net_stream {
    h2o_generator_t gen;           /* h2o hands it back to proceed and stop */
    h2o_multithread_message_t msg; /* wake-up; in the loop's queue at most once */
    h2o_linklist_t link;           /* in loop->streams until the request is freed */
    struct net_loop *loop;
    atomic_int refs;
    size_t max;
    int64_t heartbeat_ns;
    const char *heartbeat;
    void (*on_close)(void *arg);
    void *arg;

    pthread_mutex_t lock; /* guards the members up to "loop thread only" */
    char *pend;
    size_t pend_len, pend_cap;
    int posted;  /* msg is in the loop's queue */
    int closing; /* the owner closed, or the server stops: final chunk after pend */
    int dropped; /* cut the connection */
    int gone;    /* the request was freed: no more wake-ups */

    /* loop thread only */
    h2o_req_t *req;
    h2o_socket_t *sock; /* the client's, read for its end */
    char *out;
    size_t out_len, out_cap;
    int sending;     /* an h2o_send in flight, until proceed */
    int finishing;   /* the last h2o_send is made, or the socket is shut */
    int64_t sent_ns; /* when the last piece was handed to h2o */

    /* written by the loop, read by writers: when the piece in flight was handed to h2o, 0 when
     * none is (net_stream_offer tells a client that reads slowly from one that reads nothing) */
    atomic_llong inflight_ns;
};

static void stream_release(struct net_stream *s)
{
    if (atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s->pend);
    free(s->out);
    free(s);
}

/* Lock held: wakes the loop unless a wake-up is already queued or the request is gone. */
static void post_locked(struct net_stream *s)
{
    if (s->posted || s->gone)
        return;
    s->posted = 1;
    atomic_fetch_add(&s->refs, 1);
    h2o_multithread_send_message(&s->loop->stream_receiver, &s->msg);
}

/* Cuts the connection: the piece in flight fails, or an error ends the response. */
static void stream_abort(struct net_stream *s)
{
    s->finishing = 1;
    if (!s->sending) {
        h2o_send(s->req, NULL, 0, H2O_SEND_STATE_ERROR);
        return;
    }
    h2o_conn_t *conn = s->req->conn;
    h2o_socket_t *sock = conn->callbacks->get_socket ? conn->callbacks->get_socket(conn) : NULL;
    if (sock)
        shutdown(h2o_socket_get_fd(sock), SHUT_RDWR);
}

/* Sends what waits, or ends the stream when asked; loop thread. */
static void stream_pump(struct net_stream *s)
{
    if (!s->req || s->sending || s->finishing)
        return;
    pthread_mutex_lock(&s->lock);
    int dropped = s->dropped, closing = s->closing;
    if (!dropped && s->pend_len) {
        char *p = s->out;
        size_t cap = s->out_cap;
        s->out = s->pend;
        s->out_cap = s->pend_cap;
        s->out_len = s->pend_len;
        s->pend = p;
        s->pend_cap = cap;
        s->pend_len = 0;
    }
    pthread_mutex_unlock(&s->lock);
    if (dropped) {
        stream_abort(s);
        return;
    }
    if (s->out_len) {
        h2o_iovec_t buf = h2o_iovec_init(s->out, s->out_len);
        s->sending = 1;
        s->sent_ns = ioc_mono_ns();
        atomic_store(&s->inflight_ns, s->sent_ns);
        h2o_send(s->req, &buf, 1, H2O_SEND_STATE_IN_PROGRESS);
        return;
    }
    if (closing) {
        s->finishing = 1;
        h2o_send(s->req, NULL, 0, H2O_SEND_STATE_FINAL);
    }
}

static void on_proceed(h2o_generator_t *self, h2o_req_t *req)
{
    (void)req;
    struct net_stream *s = (struct net_stream *)self;
    s->sending = 0;
    atomic_store(&s->inflight_ns, 0);
    s->out_len = 0;
    stream_pump(s);
}

static void on_stop(h2o_generator_t *self, h2o_req_t *req)
{
    (void)req;
    struct net_stream *s = (struct net_stream *)self;
    s->req = NULL;
}

/* The request's pool is being freed (its access-log line is written): the end of the stream
 * for net. */
static void on_request_freed(void *arg)
{
    struct net_stream *s = arg;
    s->req = NULL;
    pthread_mutex_lock(&s->lock);
    s->gone = 1;
    pthread_mutex_unlock(&s->lock);
    h2o_linklist_unlink(&s->link);
    atomic_fetch_sub(&s->loop->server->streams_open, 1);
    if (s->on_close)
        s->on_close(s->arg);
    stream_release(s);
}

static void on_stream_messages(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        struct net_stream *s = H2O_STRUCT_FROM_MEMBER(struct net_stream, msg.link, messages->next);
        h2o_linklist_unlink(&s->msg.link);
        pthread_mutex_lock(&s->lock);
        s->posted = 0;
        pthread_mutex_unlock(&s->lock);
        stream_pump(s);
        stream_release(s);
    }
}

void net_streams_init(struct net_loop *loop)
{
    h2o_linklist_init_anchor(&loop->streams);
    h2o_multithread_register_receiver(loop->ctx.queue, &loop->stream_receiver, on_stream_messages);
}

void net_streams_tick(struct net_loop *loop)
{
    int64_t now = ioc_mono_ns();
    if (now - loop->streams_tick_ns < TICK_NS)
        return;
    loop->streams_tick_ns = now;
    for (h2o_linklist_t *l = loop->streams.next; l != &loop->streams;) {
        struct net_stream *s = H2O_STRUCT_FROM_MEMBER(struct net_stream, link, l);
        l = l->next; /* s may be unlinked below */
        if (!s->req || s->finishing)
            continue;
        int64_t stall = 4 * s->heartbeat_ns > STALL_MIN_NS ? 4 * s->heartbeat_ns : STALL_MIN_NS;
        if (s->sending && loop->stopping) {
            stream_abort(s); /* stopping: a piece not taken within a turn is not waited for */
        } else if (s->sending && now - s->sent_ns > stall) {
            pthread_mutex_lock(&s->lock);
            s->dropped = 1;
            pthread_mutex_unlock(&s->lock);
            atomic_fetch_add(&loop->server->streams_dropped, 1);
            stream_abort(s);
        } else if (!s->sending && s->heartbeat_ns && now - s->sent_ns >= s->heartbeat_ns) {
            net_stream_write(s, s->heartbeat, strlen(s->heartbeat));
            stream_pump(s);
        }
    }
}

void net_streams_stop(struct net_loop *loop)
{
    for (h2o_linklist_t *l = loop->streams.next; l != &loop->streams;) {
        struct net_stream *s = H2O_STRUCT_FROM_MEMBER(struct net_stream, link, l);
        l = l->next;
        pthread_mutex_lock(&s->lock);
        s->closing = 1;
        pthread_mutex_unlock(&s->lock);
        if (!s->req || s->finishing)
            continue;
        if (s->sending)
            stream_abort(s); /* the client may not be reading: do not wait for it */
        else
            stream_pump(s);
    }
}

/* Bytes or the end from a stream's client (reading is started by net_res_stream; h2o 2.2.5
 * does not read while it answers, so a client that left would be noticed only by a failed
 * write): what the client sends is dropped; its end or an error ends the stream at once. */
static void on_client_read(h2o_socket_t *sock, const char *err)
{
    h2o_buffer_consume(&sock->input, sock->input->size);
    if (!err)
        return;
    h2o_socket_read_stop(sock);
    /* sock->data is h2o's connection; on_close.data is the loop (server.c, on_accept) */
    struct net_loop *loop = sock->on_close.data;
    for (h2o_linklist_t *l = loop->streams.next; l != &loop->streams; l = l->next) {
        struct net_stream *s = H2O_STRUCT_FROM_MEMBER(struct net_stream, link, l);
        if (s->sock != sock || !s->req || s->finishing)
            continue;
        pthread_mutex_lock(&s->lock);
        s->closing = 1;
        pthread_mutex_unlock(&s->lock);
        stream_abort(s);
        return;
    }
}

/* One more open stream, unless there are max already (0: no limit). */
static int reserve(struct net_server *srv, int max)
{
    long cur = atomic_load(&srv->streams_open);
    do {
        if (max > 0 && cur >= max)
            return -1;
    } while (!atomic_compare_exchange_weak(&srv->streams_open, &cur, cur + 1));
    return 0;
}

struct net_stream *net_res_stream(struct net_req *r, int status, const char *content_type,
                                  const struct net_stream_options *o, void (*on_close)(void *arg),
                                  void *arg)
{
    struct net_loop *loop = r->loop;
    if (loop->stopping || atomic_load(&loop->server->stop) || reserve(loop->server, o->max_open))
        return NULL;
    struct net_stream *s = calloc(1, sizeof *s);
    if (!s) {
        atomic_fetch_sub(&loop->server->streams_open, 1);
        return NULL;
    }
    s->gen.proceed = on_proceed;
    s->gen.stop = on_stop;
    s->loop = loop;
    atomic_init(&s->refs, 2); /* the request's and the owner's */
    s->max = o->max_buffer;
    s->heartbeat_ns = (int64_t)o->heartbeat_ms * 1000000;
    s->heartbeat = o->heartbeat ? o->heartbeat : "";
    s->on_close = on_close;
    s->arg = arg;
    pthread_mutex_init(&s->lock, NULL);
    s->req = r->req;
    s->sent_ns = ioc_mono_ns();

    h2o_req_t *req = r->req;
    static h2o_mime_attributes_t not_compressible = {0, H2O_MIME_ATTRIBUTE_PRIORITY_NORMAL};
    r->ours = 1;
    req->res.status = status;
    req->res.reason = status == 200 ? "OK" : "";
    req->res.mime_attr = &not_compressible;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type,
                   strlen(content_type));
    /* nginx in front must pass each piece on at once */
    net_res_header(r, "X-Accel-Buffering", "no");
    req->http1_is_persistent = 0; /* the connection ends with the stream */
    h2o_start_response(req, &s->gen);
    h2o_linklist_insert(&loop->streams, &s->link);
    h2o_conn_t *conn = req->conn;
    s->sock = conn->callbacks->get_socket ? conn->callbacks->get_socket(conn) : NULL;
    if (s->sock && s->sock->on_close.cb == net_conn_closed)
        h2o_socket_read_start(s->sock, on_client_read);
    net_req_on_free(r, on_request_freed, s);
    return s;
}

/* net_stream_write, or (offer) net_stream_offer: what does not fit is refused with
 * IOC_EBUSY and the client kept. */
static int stream_put(struct net_stream *s, const void *p, size_t n, int offer)
{
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    if (s->gone || s->closing || s->dropped) {
        rc = IOC_ESHUTDOWN;
    } else if (n > s->max - s->pend_len) {
        /* offer: a client still taking what is in flight is kept (IOC_EBUSY); one that took
         * nothing for OFFER_STALL_NS, or a piece larger than the whole buffer, is dropped as by
         * a write */
        int64_t since = atomic_load(&s->inflight_ns);
        rc = offer && n <= s->max && !(since && ioc_mono_ns() - since > OFFER_STALL_NS)
                 ? IOC_EBUSY
                 : IOC_ETOOBIG;
    } else if (s->pend_len + n > s->pend_cap) {
        size_t cap = s->pend_cap ? s->pend_cap : 4096;
        while (cap < s->pend_len + n)
            cap *= 2;
        cap = cap < s->max ? cap : s->max;
        char *np = realloc(s->pend, cap);
        if (np) {
            s->pend = np;
            s->pend_cap = cap;
        } else {
            rc = IOC_ENOMEM;
        }
    }
    if (rc == 0) {
        memcpy(s->pend + s->pend_len, p, n);
        s->pend_len += n;
    } else if (rc != IOC_ESHUTDOWN && rc != IOC_EBUSY) {
        s->dropped = 1;
        atomic_fetch_add(&s->loop->server->streams_dropped, 1);
    }
    if (rc != IOC_ESHUTDOWN)
        post_locked(s);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int net_stream_write(struct net_stream *s, const void *p, size_t n)
{
    return stream_put(s, p, n, 0);
}

int net_stream_offer(struct net_stream *s, const void *p, size_t n)
{
    return stream_put(s, p, n, 1);
}

void net_stream_close(struct net_stream *s)
{
    pthread_mutex_lock(&s->lock);
    s->closing = 1;
    post_locked(s);
    pthread_mutex_unlock(&s->lock);
    stream_release(s);
}

void net_server_stream_counts(struct net_server *s, int64_t *open, uint64_t *dropped)
{
    *open = atomic_load(&s->streams_open);
    *dropped = atomic_load(&s->streams_dropped);
}
