/* Unit tests for src/api/respond.c: which error of the table answers a module's IOC_E* code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "api/api_int.h"

static void test_error_of_einval_is_invalid_field_422(void **state)
{
    (void)state;
    enum ioc_http_error e = api_error_of(IOC_EINVAL);
    assert_string_equal(ioc_http_error_code(e), "invalid_field");
    assert_int_equal(ioc_http_error_status(e), 422);
}

static void test_error_of_etoobig_is_internal_not_body_too_large(void **state)
{
    (void)state;
    /* 413 body_too_large is only the request body, refused by net before any handler */
    enum ioc_http_error e = api_error_of(IOC_ETOOBIG);
    assert_string_equal(ioc_http_error_code(e), "internal");
    assert_int_equal(ioc_http_error_status(e), 500);
}

static void test_error_of_maps_each_module_code(void **state)
{
    (void)state;
    assert_int_equal(api_error_of(IOC_ENOTFOUND), IOC_HTTP_E_NOT_FOUND);
    assert_int_equal(api_error_of(IOC_EEXIST), IOC_HTTP_E_CONFLICT);
    assert_int_equal(api_error_of(IOC_EPERM), IOC_HTTP_E_FORBIDDEN);
    assert_int_equal(api_error_of(IOC_EBUSY), IOC_HTTP_E_UNAVAILABLE);
    assert_int_equal(api_error_of(IOC_ESHUTDOWN), IOC_HTTP_E_UNAVAILABLE);
    assert_int_equal(api_error_of(IOC_EIO), IOC_HTTP_E_INTERNAL);
    assert_int_equal(api_error_of(IOC_ENOMEM), IOC_HTTP_E_INTERNAL);
    assert_int_equal(api_error_of(-999), IOC_HTTP_E_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_of_einval_is_invalid_field_422),
        cmocka_unit_test(test_error_of_etoobig_is_internal_not_body_too_large),
        cmocka_unit_test(test_error_of_maps_each_module_code),
    };
    return cmocka_run_group_tests_name("api respond", tests, NULL, NULL);
}
