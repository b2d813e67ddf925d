/* Unit tests for src/api/target.c: route patterns, query strings, static paths, JSON bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

static char buf[4096];

static void test_patterns(void **state)
{
    (void)state;
    const char *params[4];
    int n = 0;
    const char *p = "/api/v1/units/26068";
    assert_true(
        api_pattern_match("/api/v1/units/{code}", p, strlen(p), buf, sizeof buf, params, 4, &n));
    assert_int_equal(n, 1);
    assert_string_equal(params[0], "26068");
    p = "/api/v1/users/l%C3%A2n/password";
    assert_true(api_pattern_match("/api/v1/users/{username}/password", p, strlen(p), buf,
                                  sizeof buf, params, 4, &n));
    assert_string_equal(params[0], "lân");
    p = "/api/v1/units/";
    assert_false(
        api_pattern_match("/api/v1/units/{code}", p, strlen(p), buf, sizeof buf, params, 4, &n));
    p = "/api/v1/units/a/b";
    assert_false(
        api_pattern_match("/api/v1/units/{code}", p, strlen(p), buf, sizeof buf, params, 4, &n));
    p = "/api/v1/units/%00";
    assert_false(
        api_pattern_match("/api/v1/units/{code}", p, strlen(p), buf, sizeof buf, params, 4, &n));
    p = "/api/v1/unitsX";
    assert_false(api_pattern_match("/api/v1/units", p, strlen(p), buf, sizeof buf, params, 4, &n));
}

static void test_query(void **state)
{
    (void)state;
    const char *k[16], *v[16];
    int n = 0;
    const char *q = "level=commune&q=bi%C3%AAn+ho%C3%A0&&flag&empty=";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 16, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(k[0], "level");
    assert_string_equal(v[0], "commune");
    assert_string_equal(v[1], "biên hoà");
    assert_string_equal(k[2], "flag");
    assert_string_equal(v[2], "");
    assert_string_equal(k[3], "empty");
    q = "a=%zz";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 16, &n), IOC_EINVAL);
    q = "a=%4";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 16, &n), IOC_EINVAL);
    q = "a=%ff";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 16, &n), IOC_EINVAL);
    q = "a=%00";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 16, &n), IOC_EINVAL);
    q = "a&b&c";
    assert_int_equal(api_query_parse(q, strlen(q), buf, sizeof buf, k, v, 2, &n), IOC_ETOOBIG);
}

static void test_static_paths(void **state)
{
    (void)state;
    static const char *const ok[] = {"/", "/index.html", "/assets/app-1a2b.js", "/a..b/c.txt"};
    static const char *const bad[] = {
        "/../etc/passwd", "/%2e%2e/etc/passwd", "/a/%2E%2e/b", "/assets/..%2fx",
        "/a%2Fb",         "/index.html%00",     "/a\\..\\b",   "/./index.html",
        "/assets/.",      "/%c0%ae%c0%ae/x",    "relative"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(ok); i++)
        assert_true(api_static_path_ok(ok[i], strlen(ok[i]), buf, sizeof buf));
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++)
        assert_false(api_static_path_ok(bad[i], strlen(bad[i]), buf, sizeof buf));
}

static void test_json_body(void **state)
{
    (void)state;
    char err[256];
    json_t *j = api_json_body_parse("{\"a\":1}", 7, err, sizeof err);
    assert_non_null(j);
    json_decref(j);
    assert_null(api_json_body_parse("{\n\"a\": }", 8, err, sizeof err));
    assert_non_null(strstr(err, "line 2"));
    assert_null(api_json_body_parse("[1]", 3, err, sizeof err));
    assert_non_null(strstr(err, "object"));
    assert_null(api_json_body_parse("{\"a\":1,\"a\":2}", 13, err, sizeof err));
}

static int basic(const char *h, char *out, size_t cap)
{
    return api_basic_password(h, strlen(h), out, cap);
}

static void test_basic_password_is_the_part_after_the_first_colon(void **state)
{
    (void)state;
    char pw[64];
    assert_int_equal(basic("Basic dTprZXk6d2l0aDpjb2xvbnM=", pw, sizeof pw),
                     0); /* u:key:with:colons */
    assert_string_equal(pw, "key:with:colons");
    assert_int_equal(basic("basic dXNlcjpwYXNz", pw, sizeof pw), 0); /* user:pass, no padding */
    assert_string_equal(pw, "pass");
    assert_int_equal(basic("Basic Og==", pw, sizeof pw), 0); /* ":" */
    assert_string_equal(pw, "");
}

static void test_basic_password_refuses_what_is_not_a_basic_credential(void **state)
{
    (void)state;
    char pw[8];
    assert_int_equal(basic("Bearer dXNlcjpwYXNz", pw, sizeof pw), IOC_EINVAL);
    assert_int_equal(basic("Basic dXNlcnBhc3M=", pw, sizeof pw), IOC_EINVAL);         /* no colon */
    assert_int_equal(basic("Basic dXNl*jpwYXNz", pw, sizeof pw), IOC_EINVAL);         /* bad byte */
    assert_int_equal(basic("Basic dTpsb25ncGFzc3dvcmQ=", pw, sizeof pw), IOC_EINVAL); /* too long */
    assert_int_equal(basic("Basic dQA6cA==", pw, sizeof pw), IOC_EINVAL);             /* a NUL */
    assert_int_equal(basic("Basic d", pw, sizeof pw), IOC_EINVAL);
}

/* SSE event ids: digits only, at most 19; absent and unreadable told apart. */
static void test_event_id(void **state)
{
    (void)state;
    uint64_t id = 7;
    assert_int_equal(api_event_id(NULL, 0, &id), 0);
    assert_int_equal(id, 7);
    assert_int_equal(api_event_id("1796208077452366", 16, &id), 1);
    assert_true(id == 1796208077452366ULL);
    assert_int_equal(api_event_id("9999999999999999999", 19, &id), 1);
    assert_int_equal(api_event_id("", 0, &id), -1);
    assert_int_equal(api_event_id("12a", 3, &id), -1);
    assert_int_equal(api_event_id("-1", 2, &id), -1);
    assert_int_equal(api_event_id("12345678901234567890", 20, &id), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_basic_password_is_the_part_after_the_first_colon),
        cmocka_unit_test(test_basic_password_refuses_what_is_not_a_basic_credential),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_static_paths),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_event_id),
    };
    return cmocka_run_group_tests_name("api target", tests, NULL, NULL);
}
