/*
 * bodylimit.c — a body limit per request (net_app.body_limit), enforced before the body is read.
 *
 * libh2o 2.2.5 has one limit, the max_request_entity_size of its global config, which it reads
 * through the context of the connection (ctx->globalconf) while it parses a request: a declared
 * Content-Length over it is answered 413 as soon as the head is parsed, before any of the body
 * is read, and the connection is closed; a chunked body is refused as soon as the bytes decoded
 * reach it. Each loop has its own h2o context, pointed at the loop's own copy of the config
 * (net_loop.conf), so a loop can change that value for the request it is about to parse
 * without touching any other loop.
 *
 * The hook: every read of a request (head and body) reaches libh2o's http1 reader through the
 * read callback it gave h2o_socket_read_start, called through its PLT. The definition below,
 * exported by the iocd executable, is the one libh2o calls (as with h2o_socket_write in
 * refusal.c); for sockets iocd accepted it puts on_read in front of h2o's callback. on_read, and
 * read_start itself (h2o parses a pipelined request at once after it), set the loop's limit from
 * the request line at the start of the socket's input (h2o 2.2.5 keeps the head of the request
 * being read there until its response is done) and then call h2o's callback, which does the
 * rest on the same thread. While no whole request line has arrived, the limit is the default
 * (h2o checks nothing before the head is complete anyway).
 */
#include "net/net_int.h"
#include "base/base.h"

#include <dlfcn.h>
#include <stdlib.h>

typedef void (*read_start_fn)(h2o_socket_t *sock, h2o_socket_cb cb);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static read_start_fn real_read_start;
/* h2o's http1 read callback (one function for every connection), from the first socket. */
static _Atomic(h2o_socket_cb) h2o_read;

static void resolve(void)
{
    real_read_start = (read_start_fn)dlsym(RTLD_NEXT, "h2o_socket_read_start");
    if (!real_read_start) {
        ioc_log(IOC_LOG_ERROR, "h2o_socket_read_start not found in libh2o: %s", dlerror());
        abort();
    }
}

void net_bodylimit_init(void)
{
    pthread_once(&once, resolve);
}

/* The loop of a socket iocd accepted and still serves, or NULL. */
static struct net_loop *loop_of(h2o_socket_t *sock)
{
    return sock->on_close.cb == net_conn_closed ? sock->on_close.data : NULL;
}

/* Sets the loop's limit for the request whose head starts sock's input. */
static void set_limit(struct net_loop *loop, h2o_socket_t *sock)
{
    struct net_server *s = loop->server;
    int64_t limit = s->opt.max_body;
    const char *m, *p;
    size_t mlen, plen;
    size_t n = 0;
    if (sock->input)
        n = sock->input->size < H2O_MAX_REQLEN ? sock->input->size : H2O_MAX_REQLEN;
    if (s->app.body_limit && n > 0 &&
        net_head_target(sock->input->bytes, n, &m, &mlen, &p, &plen) == 0) {
        int64_t v = s->app.body_limit(s->app.app, m, mlen, p, plen);
        if (v > 0)
            limit = v;
    }
    loop->conf.max_request_entity_size = (size_t)limit;
}

static void on_read(h2o_socket_t *sock, const char *err)
{
    struct net_loop *loop = loop_of(sock);
    if (loop && !err)
        set_limit(loop, sock);
    atomic_load (&h2o_read)(sock, err);
}

/* Interposes libh2o's h2o_socket_read_start (see the top of this file). */
void h2o_socket_read_start(h2o_socket_t *sock, h2o_socket_cb cb)
{
    pthread_once(&once, resolve);
    struct net_loop *loop = loop_of(sock);
    if (loop && cb != on_read) {
        h2o_socket_cb none = NULL;
        /* The first callback on an accepted socket is http1's reader (h2o_http1_accept); a
         * different one (none in iocd today) is left alone. */
        if (atomic_compare_exchange_strong(&h2o_read, &none, cb) || none == cb) {
            set_limit(loop, sock);
            cb = on_read;
        }
    }
    real_read_start(sock, cb);
}
