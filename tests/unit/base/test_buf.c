/* Unit tests for src/base/buf.c: the bounded buffer, JSON string literals, hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_buf_puts_and_printf_append_in_order(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 10);
    assert_int_equal(ioc_buf_puts(&b, "hello"), 0);
    assert_int_equal(ioc_buf_printf(&b, "%d", 1234), 0);
    assert_string_equal(b.data, "hello1234");
    assert_int_equal(b.len, 9);
    ioc_buf_free(&b);
}

static void test_buf_append_past_cap_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 10);
    assert_int_equal(ioc_buf_puts(&b, "hello1234"), 0);
    assert_int_equal(ioc_buf_puts(&b, "xy"), IOC_ETOOBIG);
    ioc_buf_free(&b);
}

static void test_buf_failed_append_frees_and_resets(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 10);
    assert_int_equal(ioc_buf_puts(&b, "hello1234"), 0);
    assert_int_equal(ioc_buf_puts(&b, "xy"), IOC_ETOOBIG);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    ioc_buf_free(&b);
}

static void test_buf_fills_exactly_to_max(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 10);
    assert_int_equal(ioc_buf_puts(&b, "0123456789"), 0);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(ioc_buf_putc(&b, 'x'), IOC_ETOOBIG);
    ioc_buf_free(&b);
}

static void test_buf_printf_past_cap_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 4);
    assert_int_equal(ioc_buf_printf(&b, "%d", 12345), IOC_ETOOBIG);
    assert_null(b.data);
    ioc_buf_free(&b);
}

static void test_buf_append_of_nothing_gives_empty_string(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_append(&b, NULL, 0), 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    ioc_buf_free(&b);
}

static void test_buf_append_keeps_nul_bytes(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_append(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    ioc_buf_free(&b);
}

static void test_buf_grows_past_first_allocation(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ioc_buf_putc(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(b.len, 1000);
    assert_int_equal(strlen(b.data), 1000);
    assert_int_equal(b.data[999], 'a' + 999 % 26);
    ioc_buf_free(&b);
}

static void test_buf_reset_empties_and_keeps_memory(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_puts(&b, "abc"), 0);
    char *mem = b.data;
    ioc_buf_reset(&b);
    assert_ptr_equal(b.data, mem);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(ioc_buf_puts(&b, "z"), 0);
    assert_string_equal(b.data, "z");
    ioc_buf_free(&b);
}

static void test_buf_steal_hands_over_data(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_puts(&b, "mine"), 0);
    char *p = ioc_buf_steal(&b);
    assert_string_equal(p, "mine");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(p);
}

static void test_buf_steal_of_empty_is_empty_string(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    char *p = ioc_buf_steal(&b);
    assert_non_null(p);
    assert_string_equal(p, "");
    free(p);
}

static void test_buf_json_str_escapes_quotes_backslash_and_controls(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_json_str(&b,
                                      "a\"b\\c\n\x01"
                                      "đ",
                                      (size_t)-1),
                     0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001đ\"");
    ioc_buf_free(&b);
}

static void test_buf_json_str_escapes_tab_cr_and_unit_separator(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_json_str(&b, "\t\r\x1f", (size_t)-1), 0);
    assert_string_equal(b.data, "\"\\t\\r\\u001f\"");
    ioc_buf_free(&b);
}

static void test_buf_json_str_takes_n_bytes_with_nul(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_json_str(&b, "a\0bc", 3), 0);
    assert_string_equal(b.data, "\"a\\u0000b\"");
    ioc_buf_free(&b);
}

static void test_buf_json_str_of_empty_is_two_quotes(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_json_str(&b, "", (size_t)-1), 0);
    assert_string_equal(b.data, "\"\"");
    ioc_buf_free(&b);
}

static void test_buf_json_str_past_cap_is_etoobig(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 5);
    assert_int_equal(ioc_buf_json_str(&b, "abcdef", (size_t)-1), IOC_ETOOBIG);
    assert_null(b.data);
    ioc_buf_free(&b);
}

static void test_buf_free_twice_is_safe(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_puts(&b, "x"), 0);
    ioc_buf_free(&b);
    ioc_buf_free(&b);
    assert_null(b.data);
}

static void test_hex_encodes_lower_case(void **state)
{
    (void)state;
    const unsigned char in[] = {0x00, 0x9f, 0xab, 0xff};
    char out[9];
    ioc_hex(in, sizeof in, out);
    assert_string_equal(out, "009fabff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_puts_and_printf_append_in_order),
        cmocka_unit_test(test_buf_append_past_cap_is_etoobig),
        cmocka_unit_test(test_buf_failed_append_frees_and_resets),
        cmocka_unit_test(test_buf_fills_exactly_to_max),
        cmocka_unit_test(test_buf_printf_past_cap_is_etoobig),
        cmocka_unit_test(test_buf_append_of_nothing_gives_empty_string),
        cmocka_unit_test(test_buf_append_keeps_nul_bytes),
        cmocka_unit_test(test_buf_grows_past_first_allocation),
        cmocka_unit_test(test_buf_reset_empties_and_keeps_memory),
        cmocka_unit_test(test_buf_steal_hands_over_data),
        cmocka_unit_test(test_buf_steal_of_empty_is_empty_string),
        cmocka_unit_test(test_buf_json_str_escapes_quotes_backslash_and_controls),
        cmocka_unit_test(test_buf_json_str_escapes_tab_cr_and_unit_separator),
        cmocka_unit_test(test_buf_json_str_takes_n_bytes_with_nul),
        cmocka_unit_test(test_buf_json_str_of_empty_is_two_quotes),
        cmocka_unit_test(test_buf_json_str_past_cap_is_etoobig),
        cmocka_unit_test(test_buf_free_twice_is_safe),
        cmocka_unit_test(test_hex_encodes_lower_case),
    };
    return cmocka_run_group_tests_name("base/buf", tests, NULL, NULL);
}
