/*
 * refusal.c — our answer in place of libh2o's bare "400 Bad Request".
 *
 * When h2o 2.2.5 cannot parse a request head (more than 100 headers, "HTTP/9.9", a head over
 * H2O_MAX_REQLEN, bytes that are no HTTP), the static send_bad_request() of lib/http1.c writes a
 * fixed text/plain answer straight to the socket: no request, no filter, so no security headers,
 * no request id, no JSON and no access-log line. libh2o-evloop.so calls h2o_socket_write through
 * its PLT, so the definition below, exported by the iocd executable, is the one it calls (the
 * dynamic linker prefers the executable's symbol). It forwards every write to libh2o's own
 * h2o_socket_write (dlsym RTLD_NEXT), except exactly that fixed answer (one buffer, same bytes),
 * which it replaces by a JSON 400 with the usual headers (code bad_request of base/errors.h), logs
 * and counts (route "malformed").
 *
 * Lifetime: h2o's evloop copies the iovec array of a write but not the bytes, which must stay
 * until the write completed. h2o closes the connection right after this answer; the bytes are
 * freed when the socket closes (its on_close callback is swapped for one that frees them and
 * then runs the usual net_conn_closed). A socket iocd did not accept keeps h2o's own answer.
 */
#include "net/net_int.h"
#include "base/base.h"
#include "base/errors.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef void (*write_fn)(h2o_socket_t *sock, h2o_iovec_t *bufs, size_t bufcnt, h2o_socket_cb cb);

static const char BARE_400[] = "HTTP/1.1 400 Bad Request\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Connection: close\r\n"
                               "Content-Length: 11\r\n"
                               "\r\n"
                               "Bad Request";

static pthread_once_t once = PTHREAD_ONCE_INIT;
static write_fn real_write;

static void resolve(void)
{
    real_write = (write_fn)dlsym(RTLD_NEXT, "h2o_socket_write");
    if (!real_write) {
        ioc_log(IOC_LOG_ERROR, "h2o_socket_write not found in libh2o: %s", dlerror());
        abort();
    }
}

void net_refusal_init(void)
{
    pthread_once(&once, resolve);
}

struct refusal {
    struct net_loop *loop;
    size_t len;
    char bytes[];
};

static void refusal_closed(void *data)
{
    struct refusal *f = data;
    struct net_loop *loop = f->loop;
    free(f);
    net_conn_closed(loop);
}

/* Our 400 for sock, logged and counted; NULL to keep h2o's (not our socket, no memory). */
static struct refusal *refusal_new(h2o_socket_t *sock)
{
    if (sock->on_close.cb != net_conn_closed)
        return NULL;
    struct net_loop *loop = sock->on_close.data;
    char id[24], peer[64] = "unknown";
    net_loop_next_id(loop, id);
    struct sockaddr_storage ss;
    socklen_t sl = h2o_socket_getpeername(sock, (struct sockaddr *)&ss);
    if (sl == 0 || h2o_socket_getnumerichost((struct sockaddr *)&ss, sl, peer) == SIZE_MAX)
        strcpy(peer, "unknown");
    static const char fmt[] = "HTTP/1.1 %d Bad Request\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: %d\r\n"
                              "Connection: close\r\n"
                              "Cache-Control: no-store\r\n"
                              "X-Content-Type-Options: nosniff\r\n"
                              "X-Frame-Options: DENY\r\n"
                              "Content-Security-Policy: %s\r\n"
                              "Referrer-Policy: same-origin\r\n"
                              "X-Request-Id: %s\r\n"
                              "\r\n"
                              "%s";
    enum ioc_http_error e = IOC_HTTP_E_BAD_REQUEST;
    char body[256];
    int blen = snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                        ioc_http_error_code(e), ioc_http_error_message(e));
    size_t cap = sizeof fmt + strlen(net_csp) + sizeof body + 64;
    struct refusal *f = malloc(sizeof *f + cap);
    if (!f)
        return NULL;
    int n = snprintf(f->bytes, cap, fmt, ioc_http_error_status(e), blen, net_csp, id, body);
    if (n < 0 || (size_t)n >= cap) {
        free(f);
        return NULL;
    }
    f->loop = loop;
    f->len = (size_t)n;
    sock->on_close.cb = refusal_closed;
    sock->on_close.data = f;
    net_log_line(loop, id, peer, "-", 1, "-", 1, ioc_http_error_status(e), f->len, 0.0,
                 "malformed");
    struct net_server *s = loop->server;
    if (s->app.done) {
        struct net_req_info info = {"malformed", "-", ioc_http_error_status(e), 0.0, f->len};
        s->app.done(s->app.app, &info);
    }
    return f;
}

/* Interposes libh2o's h2o_socket_write (see the top of this file). */
void h2o_socket_write(h2o_socket_t *sock, h2o_iovec_t *bufs, size_t bufcnt, h2o_socket_cb cb)
{
    pthread_once(&once, resolve);
    if (bufcnt == 1 && bufs[0].len == sizeof BARE_400 - 1 &&
        memcmp(bufs[0].base, BARE_400, sizeof BARE_400 - 1) == 0) {
        struct refusal *f = refusal_new(sock);
        if (f) {
            h2o_iovec_t ours = h2o_iovec_init(f->bytes, f->len);
            real_write(sock, &ours, 1, cb);
            return;
        }
    }
    real_write(sock, bufs, bufcnt, cb);
}
