/*
 * Unit tests for src/net/bodylimit.c: the body limit of each request chosen by the application
 * (net_app.body_limit) from its method and path, before the body is read. A real server whose
 * default max_body is 64 bytes; the application gives POST /big 4096 bytes. Declared bodies over
 * the limit get the JSON 413 at once (the body never sent), chunked ones when the bytes decoded
 * pass it; a pipelined request on the same connection gets its own limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "helpers/httpserver.h"
#include "net/net.h"

static struct test_server ts;
static atomic_int limit_calls;

static int handle(void *app, struct net_req *r)
{
    (void)app;
    size_t n;
    net_req_body(r, &n);
    char text[32];
    int len = snprintf(text, sizeof text, "got %zu", n);
    net_res_send(r, 200, "text/plain", text, (size_t)len);
    return 0;
}

static int64_t body_limit(void *app, const char *method, size_t mlen, const char *path, size_t plen)
{
    (void)app;
    atomic_fetch_add(&limit_calls, 1);
    if (mlen == 4 && memcmp(method, "POST", 4) == 0 && plen == 4 && memcmp(path, "/big", 4) == 0)
        return 4096;
    return 0;
}

static int group_up(void **state)
{
    (void)state;
    struct net_options o = {"127.0.0.1:0", 2, 64, 100, 5, 0, 1024, NULL, NULL, 0};
    struct net_app app = {.handle = handle, .body_limit = body_limit};
    test_server_start(&ts, &app, &o);
    return 0;
}

static int group_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    return 0;
}

/* "POST path" with a body of n bytes 'a' (Content-Length), then extra raw bytes. */
static char *post(const char *path, size_t n, const char *conn, const char *extra)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    ioc_buf_printf(
        &b, "POST %s?x=1 HTTP/1.1\r\nHost: x\r\nConnection: %s\r\nContent-Length: %zu\r\n\r\n",
        path, conn, n);
    for (size_t i = 0; i < n; i++)
        ioc_buf_append(&b, "a", 1);
    ioc_buf_puts(&b, extra ? extra : "");
    return ioc_buf_steal(&b);
}

static char *chunked(const char *path, size_t n)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    ioc_buf_printf(&b,
                   "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n",
                   path);
    for (size_t left = n; left > 0;) {
        size_t k = left < 100 ? left : 100;
        ioc_buf_printf(&b, "%zx\r\n", k);
        for (size_t i = 0; i < k; i++)
            ioc_buf_append(&b, "b", 1);
        ioc_buf_puts(&b, "\r\n");
        left -= k;
    }
    ioc_buf_puts(&b, "0\r\n\r\n");
    return ioc_buf_steal(&b);
}

static void expect_413(const char *res)
{
    assert_non_null(res);
    if (strncmp(res, "HTTP/1.1 413", 12) != 0)
        fail_msg("expected 413, got: %.200s", res);
    assert_non_null(strstr(res, "\"body_too_large\""));
    assert_non_null(strstr(res, "application/json"));
}

static void test_route_limit_admits_a_body_over_the_default(void **state)
{
    (void)state;
    char *req = post("/big", 3000, "close", NULL);
    char *res = test_http(&ts, req);
    assert_non_null(res);
    assert_int_equal(strncmp(res, "HTTP/1.1 200", 12), 0);
    assert_string_equal(test_http_body(res), "got 3000");
    assert_true(atomic_load(&limit_calls) > 0);
    free(res);
    free(req);
}

static void test_other_routes_keep_the_default(void **state)
{
    (void)state;
    char *req = post("/small", 200, "close", NULL);
    char *res = test_http(&ts, req);
    expect_413(res);
    free(res);
    free(req);
    req = post("/small", 64, "close", NULL);
    res = test_http(&ts, req);
    assert_string_equal(test_http_body(res), "got 64");
    free(res);
    free(req);
    /* the same path with another method has no limit of its own */
    res = test_http(&ts, "PUT /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         "Content-Length: 100\r\n\r\n");
    expect_413(res);
    free(res);
}

static void test_over_the_route_limit_is_refused_before_the_body(void **state)
{
    (void)state;
    /* Only the head is sent: the answer must come without waiting for the 5000 bytes. */
    int64_t t0 = ioc_mono_ns();
    char *res = test_http(&ts, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    expect_413(res);
    assert_true(ioc_mono_ns() - t0 < 3000000000LL);
    assert_non_null(strstr(res, "onnection: close"));
    free(res);
}

static void test_pipelined_requests_get_their_own_limit(void **state)
{
    (void)state;
    /* /big (3000, fine) then /small (200, over): the second is refused */
    char *second = post("/small", 200, "close", NULL);
    char *req = post("/big", 3000, "keep-alive", second);
    char *res = test_http(&ts, req);
    assert_non_null(res);
    assert_int_equal(strncmp(res, "HTTP/1.1 200", 12), 0);
    assert_non_null(strstr(res, "got 3000"));
    assert_non_null(strstr(res, "HTTP/1.1 413"));
    free(res);
    free(req);
    free(second);
    /* /small (10) then /big (3000): the second is admitted */
    second = post("/big", 3000, "close", NULL);
    req = post("/small", 10, "keep-alive", second);
    res = test_http(&ts, req);
    assert_non_null(res);
    assert_int_equal(test_count(res, "HTTP/1.1 200"), 2);
    assert_non_null(strstr(res, "got 10"));
    assert_non_null(strstr(res, "got 3000"));
    free(res);
    free(req);
    free(second);
}

static void test_chunked_bodies_are_held_to_the_route_limit(void **state)
{
    (void)state;
    char *req = chunked("/big", 3000);
    char *res = test_http(&ts, req);
    assert_non_null(res);
    assert_int_equal(strncmp(res, "HTTP/1.1 200", 12), 0);
    assert_string_equal(test_http_body(res), "got 3000");
    free(res);
    free(req);
    req = chunked("/big", 5000);
    res = test_http(&ts, req);
    expect_413(res);
    free(res);
    free(req);
    req = chunked("/small", 200);
    res = test_http(&ts, req);
    expect_413(res);
    free(res);
    free(req);
}

static void test_without_a_callback_max_body_applies(void **state)
{
    (void)state;
    struct test_server other;
    struct net_options o = {"127.0.0.1:0", 1, 64, 100, 5, 0, 1024, NULL, NULL, 0};
    struct net_app app = {.handle = handle};
    test_server_start(&other, &app, &o);
    char *req = post("/big", 200, "close", NULL);
    char *res = test_http(&other, req);
    expect_413(res);
    free(res);
    free(req);
    req = post("/big", 60, "close", NULL);
    res = test_http(&other, req);
    assert_string_equal(test_http_body(res), "got 60");
    free(res);
    free(req);
    test_server_stop(&other);
}

int main(void)
{
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_route_limit_admits_a_body_over_the_default),
        cmocka_unit_test(test_other_routes_keep_the_default),
        cmocka_unit_test(test_over_the_route_limit_is_refused_before_the_body),
        cmocka_unit_test(test_pipelined_requests_get_their_own_limit),
        cmocka_unit_test(test_chunked_bodies_are_held_to_the_route_limit),
        cmocka_unit_test(test_without_a_callback_max_body_applies),
    };
    return cmocka_run_group_tests_name("net bodylimit", served, group_up, group_down);
}
