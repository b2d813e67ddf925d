/* Unit tests for src/net/stream.c: a real server streaming to raw sockets — writes from another
 * thread arrive in order and end with the final chunk; a write over the bound drops the client
 * (cut response, later writes refused); stopping the server ends an open stream at once; on_close
 * runs exactly once in each case. */
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
#include "base/errors.h"
#include "net/net.h"

static struct net_server *srv;
static int port;
static atomic_int closes;
static atomic_int after_drop = 1; /* what a write after the drop returned (1: not yet) */
static atomic_int opened;

static void on_close(void *arg)
{
    (void)arg;
    atomic_fetch_add(&closes, 1);
}

/* Writes 100 numbered lines from its own thread, then closes. */
static void *writer(void *arg)
{
    struct net_stream *s = arg;
    for (int i = 0; i < 100; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line %d\n", i);
        assert_int_equal(net_stream_write(s, line, (size_t)n), 0);
    }
    net_stream_close(s);
    return NULL;
}

/* One write over the bound: dropped; the next write is refused. */
static void *dropper(void *arg)
{
    struct net_stream *s = arg;
    static char big[8192];
    memset(big, 'x', sizeof big);
    assert_int_equal(net_stream_write(s, "first\n", 6), 0);
    assert_int_equal(net_stream_write(s, big, sizeof big), IOC_ETOOBIG);
    atomic_store(&after_drop, net_stream_write(s, "late\n", 5));
    net_stream_close(s);
    return NULL;
}

static struct net_stream *held[2]; /* /hold: the owner closes them after on_close */
static int nheld;

static int handle(void *app, struct net_req *r)
{
    (void)app;
    size_t n;
    const char *path = net_req_path(r, &n);
    net_req_set_route(r, "stream");
    struct net_stream_options o = {4096, 0, NULL, 2};
    struct net_stream *s = net_res_stream(r, 200, "text/plain", &o, on_close, NULL);
    if (!s) {
        net_res_send(r, 503, "text/plain", "busy", 4);
        return 0;
    }
    atomic_fetch_add(&opened, 1);
    pthread_t t;
    if (n == 6 && memcmp(path, "/lines", 6) == 0) {
        pthread_create(&t, NULL, writer, s);
        pthread_detach(t);
    } else if (n == 5 && memcmp(path, "/drop", 5) == 0) {
        pthread_create(&t, NULL, dropper, s);
        pthread_detach(t);
    } else {
        net_stream_write(s, "held\n", 5);
        held[nheld++] = s;
    }
    return 0;
}

static void *run(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)net_server_run(srv, 5);
}

static int connect_send(const char *target)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", target);
    assert_int_equal(write(fd, req, (size_t)n), n);
    return fd;
}

/* Reads until the server closes, or until `until` was seen when it is not NULL. */
static char *read_all(int fd, const char *until)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0) {
        ioc_buf_append(&b, chunk, (size_t)r);
        if (until && strstr(b.data, until))
            break;
    }
    return ioc_buf_steal(&b);
}

static void wait_closes(int n)
{
    for (int i = 0; i < 500 && atomic_load(&closes) < n; i++) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(atomic_load(&closes), n);
}

static void test_stream(void **state)
{
    (void)state;
    struct net_options o = {"127.0.0.1:0", 2, 4096, 100, 5, 1, 1024, NULL, NULL, 0};
    struct net_app app = {NULL, handle, NULL, NULL, NULL};
    assert_int_equal(net_server_create(&o, &app, &srv), 0);
    port = atoi(strrchr(net_server_url(srv), ':') + 1);
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);

    /* every line, in order, then the final chunk; not compressed although gzip is on */
    int fd = connect_send("/lines");
    char *r = read_all(fd, NULL);
    close(fd);
    assert_non_null(strstr(r, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(r, "transfer-encoding: chunked"));
    assert_null(strstr(r, "content-encoding"));
    const char *p = r;
    for (int i = 0; i < 100; i++) {
        char line[32];
        snprintf(line, sizeof line, "line %d\n", i);
        p = strstr(p, line);
        assert_non_null(p);
    }
    assert_non_null(strstr(r, "\r\n0\r\n\r\n"));
    free(r);
    wait_closes(1);

    /* over the bound: cut (no final chunk), later writes refused */
    fd = connect_send("/drop");
    r = read_all(fd, NULL);
    close(fd);
    assert_null(strstr(r, "\r\n0\r\n\r\n"));
    assert_null(strstr(r, "late"));
    free(r);
    wait_closes(2);
    for (int i = 0; i < 500 && atomic_load(&after_drop) == 1; i++) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(atomic_load(&after_drop), IOC_ESHUTDOWN);
    int64_t open = -1;
    uint64_t dropped = 0;
    net_server_stream_counts(srv, &open, &dropped);
    assert_int_equal(open, 0);
    assert_int_equal(dropped, 1);

    /* max_open 2: a third is refused while two are open */
    int f1 = connect_send("/hold");
    free(read_all(f1, "held\n"));
    int f2 = connect_send("/hold");
    free(read_all(f2, "held\n"));
    int f3 = connect_send("/hold");
    r = read_all(f3, "busy");
    assert_non_null(strstr(r, "HTTP/1.1 503"));
    free(r);
    close(f3);

    /* the client leaving ends its stream at once */
    close(f2);
    wait_closes(3);

    /* stop with a stream open: run returns at once, on_close ran, the client saw the end */
    int64_t t0 = ioc_mono_ns();
    net_server_stop(srv);
    void *rc;
    pthread_join(t, &rc);
    assert_int_equal((intptr_t)rc, 0);
    assert_true(ioc_mono_ns() - t0 < 2000 * 1000000LL);
    wait_closes(4);
    r = read_all(f1, NULL);
    assert_non_null(strstr(r, "0\r\n\r\n"));
    free(r);
    close(f1);
    assert_int_equal(nheld, 2);
    for (int i = 0; i < nheld; i++) {
        assert_int_equal(net_stream_write(held[i], "x", 1), IOC_ESHUTDOWN);
        net_stream_close(held[i]); /* the owner gives it up after on_close: allowed */
    }
    net_server_destroy(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
