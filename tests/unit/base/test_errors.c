/* Unit tests for the table of error codes (src/base/errors.h, errors.c): one behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"

static void test_errors_codes_are_unique_snake_case(void **state)
{
    (void)state;
    for (int i = 0; i < IOC_HTTP_E_COUNT; i++) {
        const char *code = ioc_http_error_code((enum ioc_http_error)i);
        assert_true(strlen(code) > 0);
        assert_int_equal(strspn(code, "abcdefghijklmnopqrstuvwxyz_"), strlen(code));
        for (int j = 0; j < i; j++)
            if (strcmp(code, ioc_http_error_code((enum ioc_http_error)j)) == 0)
                fail_msg("code %s is in the table twice", code);
    }
}

static void test_errors_statuses_are_client_or_server_errors(void **state)
{
    (void)state;
    for (int i = 0; i < IOC_HTTP_E_COUNT; i++) {
        int s = ioc_http_error_status((enum ioc_http_error)i);
        assert_in_range(s, 400, 599);
        assert_true(strlen(ioc_http_error_message((enum ioc_http_error)i)) > 0);
    }
}

static void test_errors_one_code_per_meaning(void **state)
{
    (void)state;
    assert_string_equal(ioc_http_error_code(IOC_HTTP_E_BODY_TOO_LARGE), "body_too_large");
    assert_int_equal(ioc_http_error_status(IOC_HTTP_E_BODY_TOO_LARGE), 413);
    assert_string_equal(ioc_http_error_code(IOC_HTTP_E_INVALID_FIELD), "invalid_field");
    assert_int_equal(ioc_http_error_status(IOC_HTTP_E_INVALID_FIELD), 422);
    /* no other row has 413 or 422 */
    for (int i = 0; i < IOC_HTTP_E_COUNT; i++) {
        int s = ioc_http_error_status((enum ioc_http_error)i);
        if (s == 413)
            assert_int_equal(i, IOC_HTTP_E_BODY_TOO_LARGE);
        if (s == 422)
            assert_int_equal(i, IOC_HTTP_E_INVALID_FIELD);
    }
}

static void test_errors_of_status_is_the_generic_code(void **state)
{
    (void)state;
    assert_int_equal(ioc_http_error_of_status(400), IOC_HTTP_E_BAD_REQUEST);
    assert_int_equal(ioc_http_error_of_status(403), IOC_HTTP_E_FORBIDDEN);
    assert_int_equal(ioc_http_error_of_status(404), IOC_HTTP_E_NOT_FOUND);
    assert_int_equal(ioc_http_error_of_status(405), IOC_HTTP_E_METHOD_NOT_ALLOWED);
    assert_int_equal(ioc_http_error_of_status(413), IOC_HTTP_E_BODY_TOO_LARGE);
    assert_int_equal(ioc_http_error_of_status(416), IOC_HTTP_E_RANGE_NOT_SATISFIABLE);
    assert_int_equal(ioc_http_error_of_status(417), IOC_HTTP_E_EXPECTATION_FAILED);
    assert_int_equal(ioc_http_error_of_status(500), IOC_HTTP_E_INTERNAL);
    assert_int_equal(ioc_http_error_of_status(503), IOC_HTTP_E_UNAVAILABLE);
}

static void test_errors_of_status_without_row_is_count(void **state)
{
    (void)state;
    assert_int_equal(ioc_http_error_of_status(418), IOC_HTTP_E_COUNT);
    assert_int_equal(ioc_http_error_of_status(502), IOC_HTTP_E_COUNT);
    assert_int_equal(ioc_http_error_of_status(200), IOC_HTTP_E_COUNT);
}

static void test_errors_outside_the_table_read_as_internal(void **state)
{
    (void)state;
    enum ioc_http_error bad[] = {IOC_HTTP_E_COUNT, (enum ioc_http_error) - 1,
                                 (enum ioc_http_error)1000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_string_equal(ioc_http_error_code(bad[i]), "internal");
        assert_int_equal(ioc_http_error_status(bad[i]), 500);
    }
}

static void test_errors_markdown_has_a_row_per_code(void **state)
{
    (void)state;
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    assert_non_null(f);
    ioc_http_errors_write_markdown(f);
    fclose(f);
    int rows = 0;
    for (char *p = text; (p = strstr(p, "\n| `")); p++)
        rows++;
    assert_int_equal(rows, IOC_HTTP_E_COUNT);
    assert_non_null(strstr(text, "| `body_too_large` | 413 | "));
    assert_non_null(strstr(text, "| `invalid_field` | 422 | "));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_codes_are_unique_snake_case),
        cmocka_unit_test(test_errors_statuses_are_client_or_server_errors),
        cmocka_unit_test(test_errors_one_code_per_meaning),
        cmocka_unit_test(test_errors_of_status_is_the_generic_code),
        cmocka_unit_test(test_errors_of_status_without_row_is_count),
        cmocka_unit_test(test_errors_outside_the_table_read_as_internal),
        cmocka_unit_test(test_errors_markdown_has_a_row_per_code),
    };
    return cmocka_run_group_tests_name("base errors", tests, NULL, NULL);
}
