/*
 * Unit tests for src/net/filter.c: the headers every response gets (whoever made it), the
 * caching rules for the application's answers and for static files, h2o's own error pages
 * turned into JSON, and the access log (one JSON line per request, batched per loop). A real
 * server on 127.0.0.1 with a small web root and a small max_body.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/errors.h"
#include "helpers/httpserver.h"
#include "helpers/tmpdir.h"
#include "net/net_int.h"

static struct test_server ts;
static char root[256];

static int handle(void *app, struct net_req *r)
{
    (void)app;
    size_t n;
    const char *path = net_req_path(r, &n);
    char p[64] = "";
    memcpy(p, path, n < sizeof p - 1 ? n : sizeof p - 1);
    if (strcmp(p, "/api/ours") == 0) {
        net_req_set_route(r, "ours");
        net_res_send(r, 200, "text/plain", "ours", 4);
    } else if (strcmp(p, "/api/own-headers") == 0) {
        net_res_header(r, "cache-control", "max-age=60");
        net_res_header(r, "content-security-policy", "default-src 'none'");
        net_res_header(r, "referrer-policy", "no-referrer");
        net_res_send(r, 200, "text/plain", "own", 3);
    } else if (strcmp(p, "/api/our-404") == 0) {
        net_res_send(r, 404, "application/json", "{\"mine\":1}", 10);
    } else {
        return -1; /* the static handler */
    }
    return 0;
}

static void write_file(const char *rel, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int group_up(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "%s", test_fresh_dir());
    char assets[300];
    snprintf(assets, sizeof assets, "%s/assets", root);
    assert_int_equal(mkdir(assets, 0755), 0);
    write_file("index.html", "<!doctype html><title>x</title>");
    write_file("assets/app-3f2a1b.js", "console.log(1)");
    struct net_options o = {"127.0.0.1:0", 2, 64, 100, 5, 0, 1024, root, NULL, 0};
    struct net_app app = {NULL, handle, NULL, NULL, NULL};
    test_server_start(&ts, &app, &o);
    return 0;
}

static int group_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    return 0;
}

static char *get(const char *target)
{
    char *r = test_http_get(&ts, target, "");
    assert_non_null(r);
    return r;
}

/* The value of response header name (lowercase, first one) in a static copy, or NULL. */
static const char *header(const char *res, const char *name)
{
    static char v[512];
    char key[80];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    const char *end = strstr(res, "\r\n\r\n");
    const char *p = strcasestr(res, key);
    if (!p || p > end)
        return NULL;
    p += strlen(key);
    snprintf(v, sizeof v, "%.*s", (int)strcspn(p, "\r"), p);
    return v;
}

static int header_count(const char *res, const char *name)
{
    char key[80];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    int n = 0;
    const char *end = strstr(res, "\r\n\r\n");
    for (const char *p = strcasestr(res, key); p && p < end; p = strcasestr(p + 1, key))
        n++;
    return n;
}

static void expect_security_headers(const char *r)
{
    assert_non_null(header(r, "x-request-id"));
    assert_int_equal(strlen(header(r, "x-request-id")), 17);
    assert_string_equal(header(r, "x-content-type-options"), "nosniff");
    assert_string_equal(header(r, "x-frame-options"), "DENY");
    assert_string_equal(header(r, "content-security-policy"), net_csp);
    assert_string_equal(header(r, "referrer-policy"), "same-origin");
}

static void test_filter_app_answer_gets_the_security_headers(void **state)
{
    (void)state;
    char *r = get("/api/ours");
    expect_security_headers(r);
    free(r);
}

static void test_filter_static_file_gets_the_security_headers(void **state)
{
    (void)state;
    char *r = get("/index.html");
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    expect_security_headers(r);
    free(r);
}

static void test_filter_h2o_error_gets_the_security_headers(void **state)
{
    (void)state;
    char *r = get("/nothing-here");
    assert_non_null(strstr(r, "HTTP/1.1 404"));
    expect_security_headers(r);
    free(r);
}

static void test_filter_app_csp_and_referrer_policy_are_kept_not_doubled(void **state)
{
    (void)state;
    char *r = get("/api/own-headers");
    assert_int_equal(header_count(r, "content-security-policy"), 1);
    assert_string_equal(header(r, "content-security-policy"), "default-src 'none'");
    assert_int_equal(header_count(r, "referrer-policy"), 1);
    assert_string_equal(header(r, "referrer-policy"), "no-referrer");
    free(r);
}

static void test_filter_app_answer_is_no_store_unless_it_says_otherwise(void **state)
{
    (void)state;
    char *r = get("/api/ours");
    assert_string_equal(header(r, "cache-control"), "no-store");
    free(r);
    r = get("/api/own-headers");
    assert_int_equal(header_count(r, "cache-control"), 1);
    assert_string_equal(header(r, "cache-control"), "max-age=60");
    free(r);
}

static void test_filter_fingerprinted_asset_is_immutable(void **state)
{
    (void)state;
    char *r = get("/assets/app-3f2a1b.js");
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_string_equal(header(r, "cache-control"), "public, max-age=31536000, immutable");
    free(r);
}

static void test_filter_other_static_file_is_no_cache(void **state)
{
    (void)state;
    char *r = get("/index.html");
    assert_string_equal(header(r, "cache-control"), "no-cache");
    free(r);
}

static void test_filter_missing_asset_is_no_store(void **state)
{
    (void)state;
    char *r = get("/assets/app-000000.js");
    assert_non_null(strstr(r, "HTTP/1.1 404"));
    assert_string_equal(header(r, "cache-control"), "no-store");
    free(r);
}

/* h2o's error page replaced by {"error":{"code","message"}} of the table in base/errors.h. */
static void expect_json_error(const char *r, enum ioc_http_error e)
{
    char status[32];
    snprintf(status, sizeof status, "HTTP/1.1 %d", ioc_http_error_status(e));
    assert_non_null(strstr(r, status));
    assert_string_equal(header(r, "content-type"), "application/json");
    const char *body = test_http_body(r);
    assert_int_equal(atol(header(r, "content-length")), strlen(body));
    json_error_t err;
    json_t *j = json_loads(body, 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        ioc_http_error_code(e));
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
                        ioc_http_error_message(e));
    json_decref(j);
}

static void test_filter_h2o_404_becomes_json(void **state)
{
    (void)state;
    char *r = get("/nothing-here");
    expect_json_error(r, IOC_HTTP_E_NOT_FOUND);
    free(r);
}

static void test_filter_h2o_413_becomes_json(void **state)
{
    (void)state;
    char body[200];
    memset(body, 'a', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    char req[400];
    snprintf(req, sizeof req,
             "POST /api/ours HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    char *r = test_http(&ts, req);
    assert_non_null(r);
    expect_json_error(r, IOC_HTTP_E_BODY_TOO_LARGE);
    free(r);
}

static void test_filter_h2o_405_becomes_json(void **state)
{
    (void)state;
    char *r = test_http(&ts, "DELETE /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_non_null(r);
    expect_json_error(r, IOC_HTTP_E_METHOD_NOT_ALLOWED);
    free(r);
}

static void test_filter_app_error_body_is_not_rewritten(void **state)
{
    (void)state;
    char *r = get("/api/our-404");
    assert_non_null(strstr(r, "HTTP/1.1 404"));
    assert_string_equal(test_http_body(r), "{\"mine\":1}");
    free(r);
}

static void test_filter_requests_in_flight_return_to_zero(void **state)
{
    (void)state;
    free(get("/api/ours"));
    free(get("/nothing-here"));
    free(get("/index.html"));
    int64_t conns = -1, inflight = -1;
    for (int i = 0; i < 100; i++) {
        net_server_counts(ts.srv, &conns, &inflight);
        if (inflight == 0)
            break;
        struct timespec t = {0, 5000000};
        nanosleep(&t, NULL);
    }
    assert_int_equal(inflight, 0);
}

/* ---- the access log ------------------------------------------------------------------------ */

/* A loop of a server whose access log is fd (-1: none). */
struct fake {
    struct net_server s;
    struct net_loop loop;
};

static void fake_init(struct fake *f, int fd)
{
    memset(f, 0, sizeof *f);
    f->s.log_fd = fd;
    f->loop.server = &f->s;
    ioc_buf_init(&f->loop.log, 1 << 20);
}

static void test_log_line_without_access_log_appends_nothing(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, -1);
    net_log_line(&f.loop, "id", "1.2.3.4", "GET", 3, "/", 1, 200, 10, 0.001, "r");
    assert_int_equal(f.loop.log.len, 0);
    ioc_buf_free(&f.loop.log);
}

static void test_log_line_is_one_json_object_with_escaped_fields(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, 1000); /* never written: the line stays in the buffer */
    const char path[] = "/a\"b\\c\n\x01";
    net_log_line(&f.loop, "0000-01", "::1", "GET", 3, path, sizeof path - 1, 404, 123, 0.0125,
                 "units.get");
    assert_true(f.loop.log.len > 0);
    assert_int_equal(f.loop.log.data[f.loop.log.len - 1], '\n');
    assert_null(memchr(f.loop.log.data, '\n', f.loop.log.len - 1)); /* one line */
    json_error_t err;
    json_t *j = json_loadb(f.loop.log.data, f.loop.log.len, 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "path")), path);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "0000-01");
    assert_string_equal(json_string_value(json_object_get(j, "ip")), "::1");
    assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
    assert_string_equal(json_string_value(json_object_get(j, "route")), "units.get");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    assert_int_equal(json_integer_value(json_object_get(j, "bytes")), 123);
    assert_true(json_number_value(json_object_get(j, "ms")) == 12.5);
    assert_non_null(json_string_value(json_object_get(j, "ts")));
    json_decref(j);
    ioc_buf_free(&f.loop.log);
}

static void test_log_line_truncates_the_path_at_2048_bytes(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, 1000);
    char path[5000];
    memset(path, 'p', sizeof path);
    net_log_line(&f.loop, "i", "1.2.3.4", "GET", 3, path, sizeof path, 200, 0, 0, "r");
    json_error_t err;
    json_t *j = json_loadb(f.loop.log.data, f.loop.log.len, 0, &err);
    assert_non_null(j);
    assert_int_equal(strlen(json_string_value(json_object_get(j, "path"))), 2048);
    json_decref(j);
    ioc_buf_free(&f.loop.log);
}

static void test_log_line_redacts_keys_and_passwords_in_the_query(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, 1000);
    const char path[] = "/write?db=x&u=telegraf&p=ioc_SECRETKEY&precision=s&token=T0K&key";
    net_log_line(&f.loop, "i", "1.2.3.4", "POST", 4, path, sizeof path - 1, 204, 0, 0, "r");
    json_error_t err;
    json_t *j = json_loadb(f.loop.log.data, f.loop.log.len, 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "path")),
                        "/write?db=x&u=telegraf&p=REDACTED&precision=s&token=REDACTED&key");
    json_decref(j);
    ioc_buf_free(&f.loop.log);
}

static void test_log_lines_are_written_in_batches_of_32_kib(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/access.log", test_fresh_dir());
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    assert_true(fd >= 0);
    struct fake f;
    fake_init(&f, fd);
    struct stat sb;
    int lines = 0;
    do {
        net_log_line(&f.loop, "i", "1.2.3.4", "GET", 3, "/x", 2, 200, 0, 0, "r");
        lines++;
        assert_int_equal(fstat(fd, &sb), 0);
    } while (sb.st_size == 0 && lines < 10000);
    assert_true(lines > 100);            /* not a write per line */
    assert_true(sb.st_size >= 32768);    /* the whole batch at once */
    assert_int_equal(f.loop.log.len, 0); /* and the buffer emptied */
    net_log_line(&f.loop, "i", "1.2.3.4", "GET", 3, "/x", 2, 200, 0, 0, "r");
    assert_true(f.loop.log.len > 0);
    close(fd);
    ioc_buf_free(&f.loop.log);
}

static void test_access_log_has_a_line_per_request_with_its_route(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/access.log", test_fresh_dir());
    struct net_options o = {"127.0.0.1:0", 1, 64, 100, 5, 0, 1024, root, path, 0};
    struct net_app app = {NULL, handle, NULL, NULL, NULL};
    struct test_server s;
    test_server_start(&s, &app, &o);
    free(test_http_get(&s, "/api/ours?q=1", ""));
    free(test_http_get(&s, "/nothing-here", ""));
    test_server_stop(&s); /* writes what is buffered */
    char *text = NULL;
    size_t n = 0;
    assert_int_equal(ioc_file_read(path, 1 << 20, &text, &n), 0);
    assert_int_equal(test_count(text, "\n"), 2);
    char *second = strchr(text, '\n') + 1;
    json_error_t err;
    json_t *a = json_loadb(text, (size_t)(second - text), 0, &err);
    json_t *b = json_loads(second, 0, &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(a, "route")), "ours");
    assert_string_equal(json_string_value(json_object_get(a, "path")), "/api/ours?q=1");
    assert_string_equal(json_string_value(json_object_get(a, "ip")), "127.0.0.1");
    assert_int_equal(json_integer_value(json_object_get(a, "status")), 200);
    assert_string_equal(json_string_value(json_object_get(b, "route")), "static"); /* declined */
    assert_int_equal(json_integer_value(json_object_get(b, "status")), 404);
    json_decref(a);
    json_decref(b);
    free(text);
}

int main(void)
{
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_filter_app_answer_gets_the_security_headers),
        cmocka_unit_test(test_filter_static_file_gets_the_security_headers),
        cmocka_unit_test(test_filter_h2o_error_gets_the_security_headers),
        cmocka_unit_test(test_filter_app_csp_and_referrer_policy_are_kept_not_doubled),
        cmocka_unit_test(test_filter_app_answer_is_no_store_unless_it_says_otherwise),
        cmocka_unit_test(test_filter_fingerprinted_asset_is_immutable),
        cmocka_unit_test(test_filter_other_static_file_is_no_cache),
        cmocka_unit_test(test_filter_missing_asset_is_no_store),
        cmocka_unit_test(test_filter_h2o_404_becomes_json),
        cmocka_unit_test(test_filter_h2o_413_becomes_json),
        cmocka_unit_test(test_filter_h2o_405_becomes_json),
        cmocka_unit_test(test_filter_app_error_body_is_not_rewritten),
        cmocka_unit_test(test_filter_requests_in_flight_return_to_zero),
        cmocka_unit_test(test_access_log_has_a_line_per_request_with_its_route),
    };
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_log_line_without_access_log_appends_nothing),
        cmocka_unit_test(test_log_line_is_one_json_object_with_escaped_fields),
        cmocka_unit_test(test_log_line_truncates_the_path_at_2048_bytes),
        cmocka_unit_test(test_log_line_redacts_keys_and_passwords_in_the_query),
        cmocka_unit_test(test_log_lines_are_written_in_batches_of_32_kib),
    };
    int failed = cmocka_run_group_tests_name("net filter", served, group_up, group_down);
    failed += cmocka_run_group_tests_name("net access log", direct, NULL, NULL);
    return failed;
}
