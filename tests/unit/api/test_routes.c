/* Unit tests for src/api/routes.c: api_route_find (the route of a method and a raw path, for the
 * body limit chosen before the body is read) and api_body_limit (the route's own limit, else 0
 * for http.max_body). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

static const struct api_route *find(const char *method, const char *path)
{
    return api_route_find(method, strlen(method), path, strlen(path));
}

static void test_find_matches_method_and_pattern(void **state)
{
    (void)state;
    const struct api_route *r = find("POST", "/write");
    assert_non_null(r);
    assert_string_equal(r->info.name, "telemetry.write");
    assert_string_equal(find("POST", "/api/v2/write")->info.name, "telemetry.write_v2");
    assert_string_equal(find("POST", "/api/v1/session")->info.name, "session.create");
    assert_string_equal(find("DELETE", "/api/v1/session")->info.name, "session.delete");
    assert_string_equal(find("HEAD", "/api/v1/units")->info.name, "units.list");
    assert_null(find("GET", "/write"));
    assert_null(find("POST", "/api/v1/no-such-thing"));
    assert_null(find("POS", "/write"));
    assert_null(find("POSTX", "/write"));
    assert_null(find("POST", "/index.html"));
    char *longpath = malloc(5000);
    memset(longpath, 'a', 4999);
    longpath[0] = '/';
    longpath[4999] = '\0';
    assert_null(find("GET", longpath));
    free(longpath);
}

static void test_body_limit_of_routes(void **state)
{
    (void)state;
    struct ioc_config cfg;
    assert_int_equal(config_defaults(&cfg), 0);
    assert_int_equal(config_set(&cfg, "telemetry", "max_body", "2097152", NULL, 0), 0);
    struct api a = {.cfg = &cfg};
    assert_int_equal(api_body_limit(&a, "POST", 4, "/write", 6), 2097152);
    assert_int_equal(api_body_limit(&a, "POST", 4, "/api/v2/write", 13), 2097152);
    assert_int_equal(api_body_limit(&a, "POST", 4, "/api/v1/session", 15), 0);
    assert_int_equal(api_body_limit(&a, "PUT", 3, "/write", 6), 0);
    assert_int_equal(api_body_limit(&a, "POST", 4, "/nope", 5), 0);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_matches_method_and_pattern),
        cmocka_unit_test(test_body_limit_of_routes),
    };
    return cmocka_run_group_tests_name("api routes", tests, NULL, NULL);
}
