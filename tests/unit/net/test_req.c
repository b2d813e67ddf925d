/*
 * Unit tests for src/net/req.c: the request accessors (method, path, query, headers, body,
 * client address from X-Forwarded-For), request ids, pool memory and on_free callbacks, and the
 * response side (header names, reasons, HEAD, compressible types, shared bodies), through real
 * servers on 127.0.0.1: one that trusts X-Forwarded-For from loopback and compresses, one that
 * does neither.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers/httpserver.h"
#include "net/net_int.h"

static struct test_server trusting, plain;
static atomic_int freed, done_calls;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER; /* the loops of both servers */
static char done_route[64];
static int done_status;
static struct net_shared *big;
static char big_body[4000]; /* of the /big-* answers, filled before the servers start */

static void on_free(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
}

static void release_after(void *arg)
{
    net_shared_release(arg);
}

/* GET /echo...: what the accessors saw, one "name=value" per line. */
static void echo(struct net_req *r)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    size_t n;
    const char *p = net_req_method(r, &n);
    ioc_buf_printf(&b, "method=%.*s\n", (int)n, p);
    p = net_req_path(r, &n);
    ioc_buf_printf(&b, "path=%.*s\n", (int)n, p);
    p = net_req_query(r, &n);
    if (p)
        ioc_buf_printf(&b, "query=[%.*s]\n", (int)n, p);
    else
        ioc_buf_puts(&b, "query=NULL\n");
    static const char *const names[] = {"x-echo", "X-Echo", "X-ECHO"};
    for (size_t i = 0; i < 3; i++) {
        p = net_req_header(r, names[i], &n);
        if (p)
            ioc_buf_printf(&b, "%s=[%.*s]\n", names[i], (int)n, p);
        else
            ioc_buf_printf(&b, "%s=NULL\n", names[i]);
    }
    ioc_buf_printf(&b, "header_bytes=%zu\n", net_req_header_bytes(r));
    p = net_req_body(r, &n);
    ioc_buf_printf(&b, "body=[%.*s]\n", (int)n, p);
    ioc_buf_printf(&b, "peer=%s\n", net_req_peer(r));
    ioc_buf_printf(&b, "id=%s\n", net_req_id(r));
    unsigned char *z = net_req_alloc(r, 64);
    int zero = 1;
    for (int i = 0; i < 64; i++)
        zero &= z[i] == 0;
    ioc_buf_printf(&b, "alloc_zeroed=%d\n", zero);
    char *d = net_req_strdup(r, "abcdef", 3);
    ioc_buf_printf(&b, "strdup=%s\n", d);
    ioc_buf_printf(&b, "thread_data=%s\n", (const char *)net_req_thread_data(r));
    net_res_send(r, 200, "text/plain", b.data, b.len);
    ioc_buf_free(&b); /* the body was copied */
}

static int handle(void *app, struct net_req *r)
{
    (void)app;
    size_t n;
    const char *path = net_req_path(r, &n);
    char p[64] = "";
    memcpy(p, path, n < sizeof p - 1 ? n : sizeof p - 1);
    net_req_set_route(r, "req.test");
    if (strncmp(p, "/echo", 5) == 0) {
        echo(r);
    } else if (strcmp(p, "/free") == 0) {
        net_req_on_free(r, on_free, &freed);
        net_res_send(r, 200, "text/plain", "x", 1);
    } else if (strcmp(p, "/header") == 0) {
        net_res_header(r, "X-Mixed-Case", "Value Kept");
        net_res_send(r, 204, NULL, "", 0);
    } else if (strcmp(p, "/422") == 0) {
        net_res_send(r, 422, "application/json", "{}", 2);
    } else if (strcmp(p, "/big-json") == 0 || strcmp(p, "/big-octets") == 0) {
        net_res_send_static(r, 200, p[5] == 'j' ? "application/geo+json" : "application/x-bin",
                            big_body, sizeof big_body);
    } else if (strcmp(p, "/shared") == 0) {
        /* the test's reference is dropped when this request is freed: the response must hold
         * its own until then */
        struct net_shared *s = net_shared_new("shared body", 11);
        net_res_send_shared(r, 200, "text/plain", s);
        net_req_on_free(r, release_after, s);
    } else if (strcmp(p, "/big-shared") == 0) {
        net_res_send_shared(r, 200, "text/plain", big);
    } else {
        return -1;
    }
    return 0;
}

static int thread_init(void *app, int index, void **data)
{
    (void)app;
    (void)index;
    *data = "loop-data";
    return 0;
}

static void done(void *app, const struct net_req_info *info)
{
    (void)app;
    pthread_mutex_lock(&done_lock);
    snprintf(done_route, sizeof done_route, "%s", info->route);
    done_status = info->status;
    atomic_fetch_add(&done_calls, 1);
    pthread_mutex_unlock(&done_lock);
}

static int group_up(void **state)
{
    (void)state;
    memset(big_body, 'a', sizeof big_body);
    struct net_app app = {NULL, handle, thread_init, NULL, done};
    struct net_options t = {"127.0.0.1:0", 2, 4096, 100, 5, 1, 100, NULL, NULL, 1};
    struct net_options p = {"127.0.0.1:0", 1, 4096, 100, 5, 0, 100, NULL, NULL, 0};
    test_server_start(&trusting, &app, &t);
    test_server_start(&plain, &app, &p);
    return 0;
}

static int group_down(void **state)
{
    (void)state;
    test_server_stop(&trusting);
    test_server_stop(&plain);
    return 0;
}

/* The value of "name=" in an echo response (a static copy), or NULL. */
static const char *field(const char *res, const char *name)
{
    static char v[512];
    char key[64];
    snprintf(key, sizeof key, "\n%s=", name);
    const char *body = test_http_body(res);
    if (!body)
        return NULL;
    char *tmp = malloc(strlen(body) + 2);
    tmp[0] = '\n';
    strcpy(tmp + 1, body);
    const char *p = strstr(tmp, key);
    if (!p) {
        free(tmp);
        return NULL;
    }
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    snprintf(v, sizeof v, "%.*s", (int)n, p);
    free(tmp);
    return v;
}

static char *get(struct test_server *s, const char *target, const char *extra)
{
    char *r = test_http_get(s, target, extra);
    assert_non_null(r);
    return r;
}

static void test_req_path_excludes_the_query(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo/a%20b?x=1&y", "");
    assert_string_equal(field(r, "method"), "GET");
    assert_string_equal(field(r, "path"), "/echo/a%20b"); /* as sent, not decoded */
    assert_string_equal(field(r, "query"), "[x=1&y]");
    free(r);
}

static void test_req_query_is_null_without_question_mark_and_empty_after_one(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo", "");
    assert_string_equal(field(r, "query"), "NULL");
    free(r);
    r = get(&plain, "/echo?", "");
    assert_string_equal(field(r, "query"), "[]");
    assert_string_equal(field(r, "path"), "/echo");
    free(r);
}

static void test_req_header_is_found_whatever_the_case_of_the_name(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo", "X-ECHO: first\r\nx-echo: second\r\n");
    assert_string_equal(field(r, "x-echo"), "[first]"); /* the first of two */
    assert_string_equal(field(r, "X-Echo"), "[first]");
    assert_string_equal(field(r, "X-ECHO"), "[first]");
    free(r);
    r = get(&plain, "/echo", "");
    assert_string_equal(field(r, "x-echo"), "NULL");
    free(r);
}

static void test_req_header_bytes_sums_names_and_values(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo", "");
    long base = atol(field(r, "header_bytes"));
    free(r);
    r = get(&plain, "/echo", "X-Pad: 12345\r\n");
    assert_int_equal(atol(field(r, "header_bytes")), base + 5 + 5);
    free(r);
}

static void test_req_body_is_the_whole_entity_or_empty(void **state)
{
    (void)state;
    char *r = test_http(&plain, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Content-Length: 5\r\n\r\nhello");
    assert_non_null(r);
    assert_string_equal(field(r, "method"), "POST");
    assert_string_equal(field(r, "body"), "[hello]");
    free(r);
    r = get(&plain, "/echo", "");
    assert_string_equal(field(r, "body"), "[]");
    free(r);
}

static void test_req_peer_is_the_loopback_address_without_trust(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo", "X-Forwarded-For: 203.0.113.7\r\n");
    assert_string_equal(field(r, "peer"), "127.0.0.1");
    free(r);
}

static void test_req_peer_is_the_last_forwarded_address_when_trusted(void **state)
{
    (void)state;
    static const struct {
        const char *xff, *want;
    } cases[] = {
        {"203.0.113.7", "203.0.113.7"},
        {"198.51.100.1, 203.0.113.7", "203.0.113.7"},
        {"198.51.100.1,203.0.113.7   ", "203.0.113.7"},
        {"2001:db8::1", "2001:db8::1"},
        {"203.0.113.7, bad<host>", "127.0.0.1"},   /* not an address */
        {"203.0.113.7, example.com", "127.0.0.1"}, /* names are not addresses */
        {"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa", "127.0.0.1"}, /* > 45 bytes */
        {",", "127.0.0.1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hdr[160];
        snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n", cases[i].xff);
        char *r = get(&trusting, "/echo", hdr);
        if (strcmp(field(r, "peer"), cases[i].want) != 0)
            fail_msg("X-Forwarded-For \"%s\": peer %s, want %s", cases[i].xff, field(r, "peer"),
                     cases[i].want);
        free(r);
    }
    char *r = get(&trusting, "/echo", "");
    assert_string_equal(field(r, "peer"), "127.0.0.1");
    free(r);
}

static void test_req_ids_are_distinct_and_sent_as_x_request_id(void **state)
{
    (void)state;
    char ids[8][24];
    for (int i = 0; i < 8; i++) {
        char *r = get(&plain, "/echo", "");
        snprintf(ids[i], sizeof ids[i], "%s", field(r, "id"));
        char hdr[64];
        snprintf(hdr, sizeof hdr, "x-request-id: %.23s\r\n", ids[i]);
        assert_non_null(strstr(r, hdr));
        assert_int_equal(strlen(ids[i]), 17);
        assert_int_equal(ids[i][8], '-');
        for (int j = 0; j < i; j++)
            assert_string_not_equal(ids[i], ids[j]);
        free(r);
    }
}

static void test_req_next_id_has_boot_loop_and_a_wrapping_counter(void **state)
{
    (void)state;
    struct net_server s = {0};
    s.boot = 0x1234abcdu;
    struct net_loop loop = {0};
    loop.server = &s;
    loop.index = 0x105; /* only the low byte is shown */
    loop.next_id = 0xfffffe;
    char id[24];
    net_loop_next_id(&loop, id);
    assert_string_equal(id, "1234abcd-05fffffe");
    net_loop_next_id(&loop, id);
    assert_string_equal(id, "1234abcd-05ffffff");
    net_loop_next_id(&loop, id);
    assert_string_equal(id, "1234abcd-05000000");
}

static void test_req_pool_memory_is_zeroed_and_strdup_terminated(void **state)
{
    (void)state;
    char *r = get(&plain, "/echo", "");
    assert_string_equal(field(r, "alloc_zeroed"), "1");
    assert_string_equal(field(r, "strdup"), "abc");
    assert_string_equal(field(r, "thread_data"), "loop-data");
    free(r);
}

static void test_req_on_free_runs_once_after_the_response(void **state)
{
    (void)state;
    int before = atomic_load(&freed);
    char *r = get(&plain, "/free", "");
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    free(r);
    for (int i = 0; i < 200 && atomic_load(&freed) == before; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(atomic_load(&freed), before + 1);
}

static void test_req_route_name_reaches_the_done_hook(void **state)
{
    (void)state;
    int before = atomic_load(&done_calls);
    char *r = get(&plain, "/422", "");
    free(r);
    for (int i = 0; i < 200 && atomic_load(&done_calls) == before; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&done_lock);
    char route[64];
    snprintf(route, sizeof route, "%s", done_route);
    int status = done_status;
    pthread_mutex_unlock(&done_lock);
    assert_string_equal(route, "req.test");
    assert_int_equal(status, 422);
}

static void test_res_header_name_is_lowercased_and_value_kept(void **state)
{
    (void)state;
    char *r = get(&plain, "/header", "");
    assert_non_null(strstr(r, "HTTP/1.1 204"));
    assert_non_null(strstr(r, "\r\nx-mixed-case: Value Kept\r\n"));
    free(r);
}

static void test_res_status_has_its_reason_phrase(void **state)
{
    (void)state;
    char *r = get(&plain, "/422", "");
    assert_memory_equal(r, "HTTP/1.1 422 Unprocessable Entity\r\n", 35);
    free(r);
}

static void test_res_head_has_the_length_but_no_body(void **state)
{
    (void)state;
    char *r = test_http(&plain, "HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    const char *cl = strcasestr(r, "content-length: ");
    assert_non_null(cl);
    assert_true(atol(cl + 16) > 0);
    assert_string_equal(test_http_body(r), "");
    free(r);
}

static void test_res_json_types_are_compressed_other_types_not(void **state)
{
    (void)state;
    char *r = get(&trusting, "/big-json", "Accept-Encoding: gzip\r\n");
    assert_non_null(strstr(r, "content-encoding: gzip"));
    free(r);
    r = get(&trusting, "/big-octets", "Accept-Encoding: gzip\r\n");
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_null(strstr(r, "content-encoding"));
    free(r);
    r = get(&plain, "/big-json", "Accept-Encoding: gzip\r\n"); /* gzip off */
    assert_null(strstr(r, "content-encoding"));
    free(r);
}

static void test_res_shared_body_outlives_the_senders_reference(void **state)
{
    (void)state;
    char *r = get(&plain, "/shared", "");
    assert_string_equal(test_http_body(r), "shared body");
    free(r);
}

static void test_res_shared_body_is_released_by_every_request(void **state)
{
    (void)state;
    big = net_shared_new("one body for all", 16);
    assert_non_null(big);
    for (int i = 0; i < 10; i++) {
        char *r = get(&trusting, "/big-shared", "");
        assert_string_equal(test_http_body(r), "one body for all");
        free(r);
    }
    /* ours is the last reference once the requests are freed: ASan reports a leak otherwise */
    net_shared_release(big);
    big = NULL;
}

static void test_shared_new_copies_and_terminates(void **state)
{
    (void)state;
    char src[] = "abc";
    struct net_shared *s = net_shared_new(src, 2);
    assert_non_null(s);
    src[0] = 'X';
    size_t n;
    const char *p = net_shared_data(s, &n);
    assert_int_equal(n, 2);
    assert_string_equal(p, "ab");
    net_shared_retain(s);
    net_shared_release(s);
    assert_string_equal(p, "ab"); /* one reference left */
    net_shared_release(s);
    net_shared_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_req_path_excludes_the_query),
        cmocka_unit_test(test_req_query_is_null_without_question_mark_and_empty_after_one),
        cmocka_unit_test(test_req_header_is_found_whatever_the_case_of_the_name),
        cmocka_unit_test(test_req_header_bytes_sums_names_and_values),
        cmocka_unit_test(test_req_body_is_the_whole_entity_or_empty),
        cmocka_unit_test(test_req_peer_is_the_loopback_address_without_trust),
        cmocka_unit_test(test_req_peer_is_the_last_forwarded_address_when_trusted),
        cmocka_unit_test(test_req_ids_are_distinct_and_sent_as_x_request_id),
        cmocka_unit_test(test_req_next_id_has_boot_loop_and_a_wrapping_counter),
        cmocka_unit_test(test_req_pool_memory_is_zeroed_and_strdup_terminated),
        cmocka_unit_test(test_req_on_free_runs_once_after_the_response),
        cmocka_unit_test(test_req_route_name_reaches_the_done_hook),
        cmocka_unit_test(test_res_header_name_is_lowercased_and_value_kept),
        cmocka_unit_test(test_res_status_has_its_reason_phrase),
        cmocka_unit_test(test_res_head_has_the_length_but_no_body),
        cmocka_unit_test(test_res_json_types_are_compressed_other_types_not),
        cmocka_unit_test(test_res_shared_body_outlives_the_senders_reference),
        cmocka_unit_test(test_res_shared_body_is_released_by_every_request),
        cmocka_unit_test(test_shared_new_copies_and_terminates),
    };
    return cmocka_run_group_tests_name("net req", tests, group_up, group_down);
}
