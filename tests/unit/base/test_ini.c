/* Unit tests for src/base/ini.c: the INI reader of iocd's configuration file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

struct kv {
    char seen[512];
};

/* Records "section.key=value@line;" for each key; a key named "stop" stops the parse. */
static int on_kv(void *ctx, const char *section, const char *key, const char *value, int line)
{
    struct kv *kv = ctx;
    char one[160];
    snprintf(one, sizeof one, "%s.%s=%s@%d;", section, key, value, line);
    strncat(kv->seen, one, sizeof kv->seen - strlen(kv->seen) - 1);
    return strcmp(key, "stop") == 0 ? IOC_EINVAL : 0;
}

/* Parses text and checks what the callback saw; returns the parse's answer. */
static int parse(const char *text, struct kv *kv, int *line)
{
    kv->seen[0] = '\0';
    *line = 0;
    return ioc_ini_parse(text, strlen(text), on_kv, kv, line);
}

static void test_ini_reads_sections_keys_and_lines(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    const char *ok =
        "# comment\n[http]\nlisten = 127.0.0.1:8080\n; x\n\n[demo]\nname = \" a b \"\n";
    assert_int_equal(parse(ok, &kv, &line), 0);
    assert_string_equal(kv.seen, "http.listen=127.0.0.1:8080@3;demo.name= a b @7;");
}

static void test_ini_key_before_any_section_has_empty_section(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("a = 1\n[s]\nb = 2", &kv, &line), 0);
    assert_string_equal(kv.seen, ".a=1@1;s.b=2@3;");
}

static void test_ini_trims_values_and_crlf(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("[s]\r\n\tk =\t v w  \r\n", &kv, &line), 0);
    assert_string_equal(kv.seen, "s.k=v w@2;");
}

static void test_ini_quoted_value_keeps_inner_spaces(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("k = \"  x  \"\n", &kv, &line), 0);
    assert_string_equal(kv.seen, ".k=  x  @1;");
}

static void test_ini_empty_value_is_allowed(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("k =\n", &kv, &line), 0);
    assert_string_equal(kv.seen, ".k=@1;");
}

static void test_ini_skips_utf8_bom(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("\xef\xbb\xbfk = v\n", &kv, &line), 0);
    assert_string_equal(kv.seen, ".k=v@1;");
}

static void test_ini_reports_the_line_of_an_unclosed_section(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("[http\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 1);
    assert_int_equal(parse("a = 1\n[http] x\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
}

static void test_ini_reports_the_line_of_a_key_without_value(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("novalue\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 1);
}

static void test_ini_reports_the_line_of_an_unclosed_quote(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("[a]\nk = \"open\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
}

static void test_ini_reports_the_line_of_a_bad_key(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("bad key = 1\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 1);
    assert_int_equal(parse("a = 1\n= 2\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
    assert_int_equal(parse("[bad section]\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 1);
}

static void test_ini_callback_error_stops_with_its_line(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("a = 1\nstop = 1\nc = 3\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
    assert_string_equal(kv.seen, ".a=1@1;.stop=1@2;"); /* c never reached */
}

static void test_ini_reports_the_line_of_invalid_utf8(void **state)
{
    (void)state;
    struct kv kv;
    int line = 0;
    assert_int_equal(parse("a = 1\nb = \xff\n", &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
    assert_string_equal(kv.seen, ""); /* nothing is called back from refused text */
}

static void test_ini_reports_the_line_of_a_nul_byte(void **state)
{
    (void)state;
    struct kv kv = {""};
    int line = 0;
    static const char text[] = "a = 1\nb = 2\nc = \0\n";
    assert_int_equal(ioc_ini_parse(text, sizeof text - 1, on_kv, &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 3);
}

static void test_ini_refuses_a_line_over_4096_bytes(void **state)
{
    (void)state;
    struct kv kv = {""};
    int line = 0;
    size_t n = 6 + 4097 + 1;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memcpy(text, "a = 1\n", 6);
    memset(text + 6, 'x', 4097);
    text[n - 1] = '\n';
    text[n] = '\0';
    assert_int_equal(ioc_ini_parse(text, n, on_kv, &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
    free(text);
}

static void test_ini_accepts_a_line_of_exactly_4096_bytes(void **state)
{
    (void)state;
    struct kv kv = {""};
    int line = 0;
    char *text = malloc(4096 + 1);
    assert_non_null(text);
    memcpy(text, "k = ", 4);
    memset(text + 4, 'v', 4092);
    text[4096] = '\0';
    assert_int_equal(ioc_ini_parse(text, 4096, on_kv, &kv, &line), 0);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ini_reads_sections_keys_and_lines),
        cmocka_unit_test(test_ini_key_before_any_section_has_empty_section),
        cmocka_unit_test(test_ini_trims_values_and_crlf),
        cmocka_unit_test(test_ini_quoted_value_keeps_inner_spaces),
        cmocka_unit_test(test_ini_empty_value_is_allowed),
        cmocka_unit_test(test_ini_skips_utf8_bom),
        cmocka_unit_test(test_ini_reports_the_line_of_an_unclosed_section),
        cmocka_unit_test(test_ini_reports_the_line_of_a_key_without_value),
        cmocka_unit_test(test_ini_reports_the_line_of_an_unclosed_quote),
        cmocka_unit_test(test_ini_reports_the_line_of_a_bad_key),
        cmocka_unit_test(test_ini_callback_error_stops_with_its_line),
        cmocka_unit_test(test_ini_reports_the_line_of_invalid_utf8),
        cmocka_unit_test(test_ini_reports_the_line_of_a_nul_byte),
        cmocka_unit_test(test_ini_refuses_a_line_over_4096_bytes),
        cmocka_unit_test(test_ini_accepts_a_line_of_exactly_4096_bytes),
    };
    return cmocka_run_group_tests_name("base/ini", tests, NULL, NULL);
}
