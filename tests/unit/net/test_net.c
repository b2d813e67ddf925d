/* Unit tests for src/net: a real server on 127.0.0.1:0 with a small application — direct
 * answers, answers from another thread (suspend/resume), shared bodies, the library's own errors
 * in JSON, headers on every response, and a clean stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "net/net.h"

static struct net_shared *shared;
static atomic_int done_calls, thread_inits;

static void answer_later(struct net_req *r, void *arg)
{
    (void)arg;
    net_res_send(r, 201, "text/plain", "later", 5);
}

struct deferred {
    struct net_pending *p;
};

static void *resume_thread(void *arg)
{
    struct deferred *d = arg;
    struct timespec ts = {0, 20 * 1000000};
    nanosleep(&ts, NULL);
    net_pending_resume(d->p, answer_later, NULL);
    free(d);
    return NULL;
}

static int handle(void *app, struct net_req *r)
{
    (void)app;
    size_t n;
    const char *path = net_req_path(r, &n);
    net_req_set_route(r, "test");
    if (n == 5 && memcmp(path, "/sync", 5) == 0) {
        net_res_header(r, "X-Test", "yes");
        net_res_send(r, 200, "text/plain", "hello", 5);
        return 0;
    }
    if (n == 6 && memcmp(path, "/async", 6) == 0) {
        struct deferred *d = malloc(sizeof *d);
        d->p = net_req_suspend(r);
        pthread_t t;
        pthread_create(&t, NULL, resume_thread, d);
        pthread_detach(t);
        return 0;
    }
    if (n == 7 && memcmp(path, "/shared", 7) == 0) {
        net_res_send_shared(r, 200, "application/json", shared);
        return 0;
    }
    return -1; /* no web root: the library answers 404 */
}

static int thread_init(void *app, int index, void **data)
{
    (void)app;
    (void)index;
    atomic_fetch_add(&thread_inits, 1);
    *data = NULL;
    return 0;
}

static void done(void *app, const struct net_req_info *info)
{
    (void)app;
    (void)info;
    atomic_fetch_add(&done_calls, 1);
}

static struct net_server *srv;
static int port;

static void *run(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)net_server_run(srv, 2);
}

/* Sends raw bytes on a new connection; everything read until the server closes it. */
static char *exchange(const char *bytes)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        return NULL;
    size_t n = strlen(bytes);
    if (write(fd, bytes, n) != (ssize_t)n)
        return NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0)
        ioc_buf_append(&b, chunk, (size_t)r);
    close(fd);
    return ioc_buf_steal(&b);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *request(const char *target)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        return NULL;
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     target);
    if (write(fd, req, (size_t)n) != n)
        return NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0)
        ioc_buf_append(&b, chunk, (size_t)r);
    close(fd);
    return ioc_buf_steal(&b);
}

static void test_server(void **state)
{
    (void)state;
    shared = net_shared_new("{\"big\":true}", 12);
    struct net_options o = {"127.0.0.1:0", 2, 4096, 100, 5, 1, 1024, NULL, NULL, 0};
    struct net_app app = {NULL, handle, thread_init, NULL, done};
    assert_int_equal(net_server_create(&o, &app, &srv), 0);
    const char *url = net_server_url(srv);
    assert_non_null(strstr(url, "http://127.0.0.1:"));
    port = atoi(strrchr(url, ':') + 1);
    assert_true(port > 0);
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);

    char *r = request("/sync");
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(r, "x-test: yes"));
    assert_non_null(strstr(r, "x-request-id: "));
    assert_non_null(strstr(r, "x-content-type-options: nosniff"));
    assert_non_null(strstr(r, "\r\n\r\nhello"));
    free(r);
    r = request("/async");
    assert_non_null(strstr(r, "HTTP/1.1 201"));
    assert_non_null(strstr(r, "\r\n\r\nlater"));
    free(r);
    for (int i = 0; i < 20; i++) {
        r = request("/shared");
        assert_non_null(strstr(r, "{\"big\":true}"));
        free(r);
    }
    r = request("/nothing");
    assert_non_null(strstr(r, "HTTP/1.1 404"));
    assert_non_null(strstr(r, "\"code\":\"not_found\""));
    assert_non_null(strstr(r, "content-type: application/json"));
    free(r);

    /* Ambiguous framing: one 400 from us, the hidden request never answered. */
    r = exchange("POST /sync HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 50\r\n\r\n"
                 "{}GET /sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_non_null(r);
    assert_int_equal(count(r, "HTTP/1.1 "), 1);
    assert_non_null(strstr(r, "HTTP/1.1 400"));
    assert_non_null(strstr(r, "\"code\":\"bad_request\""));
    assert_non_null(strstr(r, "x-request-id: "));
    assert_null(strstr(r, "hello"));
    free(r);
    /* h2o's own refusal of an unparsable head, replaced by ours. */
    r = exchange("GET / HTTP/9.9\r\nHost: x\r\n\r\n");
    assert_non_null(r);
    assert_int_equal(count(r, "HTTP/1.1 "), 1);
    assert_non_null(strstr(r, "HTTP/1.1 400"));
    assert_non_null(strstr(r, "Content-Type: application/json"));
    assert_non_null(strstr(r, "X-Content-Type-Options: nosniff"));
    assert_non_null(strstr(r, "X-Request-Id: "));
    assert_non_null(strstr(r, "\r\n\r\n{\"error\":{\"code\":\"bad_request\""));
    free(r);

    int64_t conns = -1, inflight = -1;
    net_server_counts(srv, &conns, &inflight);
    assert_int_equal(inflight, 0);
    net_server_stop(srv);
    void *rc;
    pthread_join(t, &rc);
    assert_int_equal((intptr_t)rc, 0);
    assert_int_equal(atomic_load(&thread_inits), 2);
    assert_int_equal(atomic_load(&done_calls), 25); /* the two refusals counted too */
    net_server_destroy(srv);
    net_shared_release(shared); /* the requests released theirs */
}

/* A stop that comes while the loops are still being set up on their threads (or before
 * net_server_run even started them) must neither post to a receiver that does not exist yet nor
 * be lost: run returns promptly either way. */
static void test_stop_while_starting(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++) {
        struct net_options o = {"127.0.0.1:0", 3, 4096, 100, 5, 0, 1024, NULL, NULL, 0};
        struct net_app app = {NULL, handle, thread_init, NULL, done};
        assert_int_equal(net_server_create(&o, &app, &srv), 0);
        int64_t t0 = ioc_mono_ns();
        if (i % 4 == 0)
            net_server_stop(srv); /* before run */
        pthread_t t;
        pthread_create(&t, NULL, run, NULL);
        if (i % 2) {
            struct timespec ts = {0, (long)(i % 5) * 100000};
            nanosleep(&ts, NULL);
        }
        net_server_stop(srv);
        void *rc;
        pthread_join(t, &rc);
        assert_int_equal((intptr_t)rc, 0);
        assert_true(ioc_mono_ns() - t0 < 2000 * 1000000LL);
        net_server_destroy(srv);
    }
}

/* The listen port is a plain decimal from 0 to 65535: a sign, white space, hex, nothing or too
 * much is refused before any socket is bound. */
static void test_listen_port_is_a_plain_decimal(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "127.0.0.1:+0",    "127.0.0.1: 0", "127.0.0.1:",   "127.0.0.1:0x0",
        "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:0 ", "[::1]:+0"};
    struct net_app app = {.handle = handle};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct net_options o = {bad[i], 1, 4096, 100, 5, 0, 1024, NULL, NULL, 0};
        struct net_server *s = NULL;
        int rc = net_server_create(&o, &app, &s);
        if (rc != IOC_EINVAL)
            fail_msg("listen \"%s\" gave %d, want IOC_EINVAL", bad[i], rc);
        assert_null(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_server),
                                       cmocka_unit_test(test_stop_while_starting),
                                       cmocka_unit_test(test_listen_port_is_a_plain_decimal)};
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
