/* Unit tests for src/api/openapi.c: the document assembled from a base and the modules'
 * fragments, and the modules' descriptions it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

static void noop(struct api_ctx *c)
{
    (void)c;
}

static const char base[] = "{\"openapi\":\"3.0.3\",\"paths\":{},"
                           "\"components\":{\"schemas\":{\"Error\":{\"type\":\"object\"}}}}";

static const struct api_route a_routes[] = {
    API_ROUTE("GET", "/a", "a.get", AUTH_PUBLIC, "public", NULL, 0, noop),
    API_ROUTE("POST", "/a", "a.create", AUTH_ADMIN, "admin", NULL, 1, noop),
};
static const struct api_module mod_a =
    API_MODULE("a", a_routes,
               "{\"paths\":{\"/a\":{\"get\":{\"operationId\":\"a.get\"},"
               "\"post\":{\"operationId\":\"a.create\"}}},"
               "\"components\":{\"schemas\":{\"A\":{\"type\":\"string\"}}}}");

static const struct api_route b_routes[] = {
    API_ROUTE("GET", "/b", "b.get", AUTH_PUBLIC, "public", NULL, 0, noop),
};

/* Assembles base + the modules; the return code, with the text freed. */
static int assemble(const struct api_module *const *mods, size_t n, char *err, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    int rc = api_openapi_assemble(base, mods, n, &text, &len, err, size);
    if (rc == 0)
        assert_int_equal(strlen(text), len);
    free(text);
    return rc;
}

static void test_assemble_joins_paths_and_components_in_list_order(void **state)
{
    (void)state;
    const struct api_module b =
        API_MODULE("b", b_routes, "{\"paths\":{\"/b\":{\"get\":{\"operationId\":\"b.get\"}}}}");
    const struct api_module *mods[] = {&mod_a, &b};
    char *text = NULL, err[200] = "";
    size_t len = 0;
    assert_int_equal(api_openapi_assemble(base, mods, 2, &text, &len, err, sizeof err), 0);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *paths = json_object_get(doc, "paths");
    assert_int_equal(json_object_size(paths), 2);
    assert_string_equal(json_object_iter_key(json_object_iter(paths)), "/a");
    json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    assert_non_null(json_object_get(schemas, "Error"));
    assert_non_null(json_object_get(schemas, "A"));
    assert_int_equal(text[len - 1], '\n');
    json_decref(doc);
    free(text);
}

static void test_assemble_two_modules_with_one_path_is_eexist(void **state)
{
    (void)state;
    const struct api_route dup[] = {
        API_ROUTE("DELETE", "/a", "b.delete", AUTH_ADMIN, "admin", NULL, 0, noop),
    };
    const struct api_module b =
        API_MODULE("b", dup, "{\"paths\":{\"/a\":{\"delete\":{\"operationId\":\"b.delete\"}}}}");
    const struct api_module *mods[] = {&mod_a, &b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 2, err, sizeof err), IOC_EEXIST);
    assert_non_null(strstr(err, "module b: path /a"));
}

static void test_assemble_two_modules_with_one_component_is_eexist(void **state)
{
    (void)state;
    const struct api_module b =
        API_MODULE("b", b_routes,
                   "{\"paths\":{\"/b\":{\"get\":{\"operationId\":\"b.get\"}}},"
                   "\"components\":{\"schemas\":{\"Error\":{}}}}");
    const struct api_module *mods[] = {&mod_a, &b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 2, err, sizeof err), IOC_EEXIST);
    assert_non_null(strstr(err, "schemas Error"));
}

static void test_assemble_undescribed_route_is_einval(void **state)
{
    (void)state;
    const struct api_module b = API_MODULE("b", b_routes, "{\"paths\":{}}");
    const struct api_module *mods[] = {&b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 1, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "GET /b"));
}

static void test_assemble_wrong_operation_id_is_einval(void **state)
{
    (void)state;
    const struct api_module b =
        API_MODULE("b", b_routes, "{\"paths\":{\"/b\":{\"get\":{\"operationId\":\"b.list\"}}}}");
    const struct api_module *mods[] = {&b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 1, err, sizeof err), IOC_EINVAL);
}

static void test_assemble_described_but_unrouted_operation_is_einval(void **state)
{
    (void)state;
    const struct api_module b = API_MODULE("b", b_routes,
                                           "{\"paths\":{\"/b\":{\"get\":{\"operationId\":\"b."
                                           "get\"},\"put\":{\"operationId\":\"b.put\"}}}}");
    const struct api_module *mods[] = {&b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 1, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "put /b is described but not routed"));
}

static void test_assemble_fragment_that_is_not_json_is_einval(void **state)
{
    (void)state;
    const struct api_module b = API_MODULE("b", b_routes, "{\"paths\":");
    const struct api_module *mods[] = {&b};
    char err[200] = "";
    assert_int_equal(assemble(mods, 1, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "module b"));
}

static void test_iocd_document_describes_every_route(void **state)
{
    (void)state;
    char err[200] = "";
    assert_int_equal(assemble(api_modules, api_modules_count, err, sizeof err), 0);
    size_t n;
    assert_non_null(api_route_table(&n));
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assemble_joins_paths_and_components_in_list_order),
        cmocka_unit_test(test_assemble_two_modules_with_one_path_is_eexist),
        cmocka_unit_test(test_assemble_two_modules_with_one_component_is_eexist),
        cmocka_unit_test(test_assemble_undescribed_route_is_einval),
        cmocka_unit_test(test_assemble_wrong_operation_id_is_einval),
        cmocka_unit_test(test_assemble_described_but_unrouted_operation_is_einval),
        cmocka_unit_test(test_assemble_fragment_that_is_not_json_is_einval),
        cmocka_unit_test(test_iocd_document_describes_every_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
