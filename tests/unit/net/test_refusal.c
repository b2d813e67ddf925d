/*
 * Unit tests for src/net/refusal.c: libh2o's bare "400 Bad Request" replaced by our JSON 400.
 *
 * Directly: h2o_socket_write (ours, interposed) on one end of a socketpair driven by a private
 * evloop, the socket marked as accepted by a (fake) loop of ours or not; what arrives at the other
 * end, what was logged and counted, and what closing the socket runs. Then through a real server
 * on 127.0.0.1, with the heads h2o cannot parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/errors.h"
#include "helpers/httpserver.h"
#include "helpers/tmpdir.h"
#include "net/net_int.h"

static const char BARE_400[] = "HTTP/1.1 400 Bad Request\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Connection: close\r\n"
                               "Content-Length: 11\r\n"
                               "\r\n"
                               "Bad Request";

static int done_calls;
static struct net_req_info last_info;
static char last_route[32], last_method[8];

static void done(void *app, const struct net_req_info *info)
{
    (void)app;
    done_calls++;
    last_info = *info;
    snprintf(last_route, sizeof last_route, "%s", info->route);
    snprintf(last_method, sizeof last_method, "%s", info->method);
}

/* A socketpair: sock (h2o, on a private evloop) writes, peer reads; the fake loop of ours. */
struct fx {
    h2o_evloop_t *evloop;
    h2o_socket_t *sock;
    int peer;
    int written;
    struct net_server s;
    struct net_loop loop;
};

static void fx_init(struct fx *f, int ours)
{
    memset(f, 0, sizeof *f);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    f->evloop = h2o_evloop_create();
    f->sock = h2o_evloop_socket_create(f->evloop, sv[0], 0);
    f->peer = sv[1];
    f->s.log_fd = 1000; /* lines stay in the loop's buffer (below 32 KiB) */
    f->s.boot = 0xdeadbeef;
    f->s.app.done = done;
    atomic_init(&f->s.connections, 1);
    f->loop.server = &f->s;
    f->loop.index = 2;
    f->loop.conns = 1;
    f->loop.conns_max = 10;
    ioc_buf_init(&f->loop.log, 1 << 20);
    if (ours) {
        f->sock->on_close.cb = net_conn_closed;
        f->sock->on_close.data = &f->loop;
    }
    done_calls = 0;
}

static void on_written(h2o_socket_t *sock, const char *err)
{
    struct fx *f = sock->data;
    f->written = err ? -1 : 1;
}

/* Writes bufs through h2o_socket_write and waits for its callback. */
static void fx_write(struct fx *f, h2o_iovec_t *bufs, size_t n)
{
    f->sock->data = f;
    h2o_socket_write(f->sock, bufs, n, on_written);
    for (int i = 0; i < 100 && !f->written; i++)
        h2o_evloop_run(f->evloop, 10);
    assert_int_equal(f->written, 1);
}

/* Closes the h2o side and returns everything the peer received (malloc'd). */
static char *fx_close(struct fx *f)
{
    h2o_socket_close(f->sock);
    h2o_evloop_run(f->evloop, 0);
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    char chunk[4096];
    ssize_t r;
    while ((r = read(f->peer, chunk, sizeof chunk)) > 0)
        ioc_buf_append(&b, chunk, (size_t)r);
    close(f->peer);
    h2o_evloop_destroy(f->evloop);
    ioc_buf_free(&f->loop.log);
    return ioc_buf_steal(&b);
}

static void write_bare_400(struct fx *f)
{
    h2o_iovec_t buf = h2o_iovec_init(BARE_400, sizeof BARE_400 - 1);
    fx_write(f, &buf, 1);
}

static void test_refusal_bare_400_on_our_socket_becomes_json_with_our_headers(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1);
    write_bare_400(&f);
    char *r = fx_close(&f);
    assert_memory_equal(r, "HTTP/1.1 400 Bad Request\r\n", 26);
    assert_non_null(strstr(r, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strstr(r, "\r\nConnection: close\r\n"));
    assert_non_null(strstr(r, "\r\nCache-Control: no-store\r\n"));
    assert_non_null(strstr(r, "\r\nX-Content-Type-Options: nosniff\r\n"));
    assert_non_null(strstr(r, "\r\nX-Frame-Options: DENY\r\n"));
    assert_non_null(strstr(r, "\r\nReferrer-Policy: same-origin\r\n"));
    char csp[600];
    snprintf(csp, sizeof csp, "\r\nContent-Security-Policy: %s\r\n", net_csp);
    assert_non_null(strstr(r, csp));
    assert_non_null(strstr(r, "\r\nX-Request-Id: deadbeef-02000000\r\n")); /* the loop's next id */
    const char *body = test_http_body(r);
    const char *cl = strstr(r, "Content-Length: ");
    assert_non_null(cl);
    assert_int_equal(atol(cl + 16), strlen(body));
    json_error_t err;
    json_t *j = json_loads(body, 0, &err);
    assert_non_null(j);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "bad_request");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        ioc_http_error_message(IOC_HTTP_E_BAD_REQUEST));
    json_decref(j);
    free(r);
}

static void test_refusal_is_counted_once_as_malformed(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1);
    write_bare_400(&f);
    assert_int_equal(done_calls, 1);
    assert_string_equal(last_route, "malformed");
    assert_string_equal(last_method, "-");
    assert_int_equal(last_info.status, 400);
    char *r = fx_close(&f);
    assert_int_equal(last_info.bytes_sent, strlen(r));
    free(r);
}

static void test_refusal_is_logged_as_malformed(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1);
    write_bare_400(&f);
    json_error_t err;
    json_t *j = json_loadb(f.loop.log.data, f.loop.log.len, 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "route")), "malformed");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 400);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "deadbeef-02000000");
    assert_non_null(json_string_value(json_object_get(j, "ip")));
    assert_string_equal(json_string_value(json_object_get(j, "path")), "-");
    json_decref(j);
    free(fx_close(&f));
}

/* Closing runs the usual connection bookkeeping after freeing our bytes (ASan: no leak). */
static void test_refusal_close_still_runs_the_connection_close_hook(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1);
    write_bare_400(&f);
    assert_int_equal(f.loop.conns, 1);
    free(fx_close(&f));
    assert_int_equal(f.loop.conns, 0);
    assert_int_equal(atomic_load(&f.s.connections), 0);
}

static void test_refusal_socket_not_accepted_by_iocd_keeps_h2o_answer(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 0);
    write_bare_400(&f);
    char *r = fx_close(&f);
    assert_string_equal(r, BARE_400);
    assert_int_equal(done_calls, 0);
    free(r);
}

static void test_refusal_other_writes_pass_through_unchanged(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1);
    /* the same bytes in two buffers, then a 400 with another body: not h2o's fixed answer */
    size_t half = 20;
    h2o_iovec_t two[2] = {h2o_iovec_init(BARE_400, half),
                          h2o_iovec_init(BARE_400 + half, sizeof BARE_400 - 1 - half)};
    fx_write(&f, two, 2);
    f.written = 0;
    static const char other[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nno!";
    h2o_iovec_t one = h2o_iovec_init(other, sizeof other - 1);
    fx_write(&f, &one, 1);
    char *r = fx_close(&f);
    char want[400];
    snprintf(want, sizeof want, "%s%s", BARE_400, other);
    assert_string_equal(r, want);
    assert_int_equal(done_calls, 0);
    assert_int_equal(f.loop.conns, 0); /* our close hook untouched */
    free(r);
}

/* ---- through a real server --------------------------------------------------------------- */

static atomic_int served_malformed;

static void count_done(void *app, const struct net_req_info *info)
{
    (void)app;
    if (strcmp(info->route, "malformed") == 0)
        atomic_fetch_add(&served_malformed, 1);
}

static int handle(void *app, struct net_req *r)
{
    (void)app;
    net_res_send(r, 200, "text/plain", "fine", 4);
    return 0;
}

static struct test_server ts;

static int server_up(void **state)
{
    (void)state;
    struct net_app app = {NULL, handle, NULL, NULL, count_done};
    test_server_start(&ts, &app, NULL);
    return 0;
}

static int server_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    return 0;
}

/* One answer: our JSON 400; and one more request counted as malformed. */
static void expect_our_400(const char *raw)
{
    int before = atomic_load(&served_malformed);
    char *r = test_http(&ts, raw);
    assert_non_null(r);
    assert_int_equal(test_count(r, "HTTP/1.1 "), 1);
    assert_memory_equal(r, "HTTP/1.1 400 ", 13);
    assert_non_null(strstr(r, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strstr(r, "\r\nX-Request-Id: "));
    assert_non_null(strstr(test_http_body(r), "\"code\":\"bad_request\""));
    free(r);
    for (int i = 0; i < 200 && atomic_load(&served_malformed) == before; i++) {
        struct timespec t = {0, 5000000};
        nanosleep(&t, NULL);
    }
    assert_int_equal(atomic_load(&served_malformed), before + 1);
}

static void test_refusal_unknown_http_version_gets_our_400(void **state)
{
    (void)state;
    expect_our_400("GET / HTTP/9.9\r\nHost: x\r\n\r\n");
}

static void test_refusal_more_than_100_headers_gets_our_400(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    ioc_buf_puts(&b, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 101; i++)
        ioc_buf_printf(&b, "X-H%d: v\r\n", i);
    ioc_buf_puts(&b, "\r\n");
    expect_our_400(b.data);
    ioc_buf_free(&b);
}

static void test_refusal_bytes_that_are_no_http_get_our_400(void **state)
{
    (void)state;
    expect_our_400("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
}

static void test_refusal_leaves_good_requests_alone(void **state)
{
    (void)state;
    char *r = test_http_get(&ts, "/", "");
    assert_non_null(r);
    assert_memory_equal(r, "HTTP/1.1 200 ", 13);
    assert_string_equal(test_http_body(r), "fine");
    free(r);
}

int main(void)
{
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_refusal_bare_400_on_our_socket_becomes_json_with_our_headers),
        cmocka_unit_test(test_refusal_is_counted_once_as_malformed),
        cmocka_unit_test(test_refusal_is_logged_as_malformed),
        cmocka_unit_test(test_refusal_close_still_runs_the_connection_close_hook),
        cmocka_unit_test(test_refusal_socket_not_accepted_by_iocd_keeps_h2o_answer),
        cmocka_unit_test(test_refusal_other_writes_pass_through_unchanged),
    };
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_refusal_unknown_http_version_gets_our_400),
        cmocka_unit_test(test_refusal_more_than_100_headers_gets_our_400),
        cmocka_unit_test(test_refusal_bytes_that_are_no_http_get_our_400),
        cmocka_unit_test(test_refusal_leaves_good_requests_alone),
    };
    net_refusal_init();
    int failed = cmocka_run_group_tests_name("net refusal", direct, NULL, NULL);
    failed += cmocka_run_group_tests_name("net refusal served", served, server_up, server_down);
    return failed;
}
