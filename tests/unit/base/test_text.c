/* Unit tests for src/base/text.c: UTF-8 validation, NFC, the search fold, typed names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void fold_is(const char *in, const char *want)
{
    char *got = ioc_text_fold(in, strlen(in));
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Asserts that ioc_text_label refuses each of the n texts (max 200). */
static void label_refuses(const char *const *texts, size_t n)
{
    char s[64];
    for (size_t i = 0; i < n; i++) {
        strcpy(s, texts[i]);
        if (ioc_text_label(s, 200) != IOC_EINVAL)
            fail_msg("text %zu was accepted", i);
    }
}

static void label_is(const char *in, const char *want)
{
    char s[64];
    strcpy(s, in);
    assert_int_equal(ioc_text_label(s, 200), 0);
    assert_string_equal(s, want);
}

static void test_utf8_valid_accepts_vietnamese_and_refuses_bad_bytes(void **state)
{
    (void)state;
    assert_true(ioc_utf8_valid("Đồng Nai", strlen("Đồng Nai")));
    assert_true(ioc_utf8_valid("", 0));
    assert_false(ioc_utf8_valid("\xff", 1));
    assert_false(ioc_utf8_valid("\xc0\xaf", 2));     /* overlong '/' */
    assert_false(ioc_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(ioc_utf8_valid("\xc3", 1));         /* truncated sequence */
}

static void test_text_fold_drops_diacritics_and_d(void **state)
{
    (void)state;
    fold_is("Biên Hoà", "bien hoa");
    fold_is("Đường Đồng Khởi", "duong dong khoi");
    fold_is("Trấn Biên", "tran bien");
}

static void test_text_fold_lower_cases(void **state)
{
    (void)state;
    fold_is("BIÊN HÒA", "bien hoa");
}

static void test_text_fold_collapses_and_trims_white_space(void **state)
{
    (void)state;
    fold_is("  bien   hoa ", "bien hoa");
}

static void test_text_fold_turns_punctuation_into_one_space(void **state)
{
    (void)state;
    fold_is("Phường Tân-Phú, (cũ)", "phuong tan phu cu");
}

static void test_text_fold_keeps_digits(void **state)
{
    (void)state;
    fold_is("Phường 12", "phuong 12");
}

static void test_text_fold_of_nfd_equals_fold_of_nfc(void **state)
{
    (void)state;
    /* NFD input (e + combining circumflex + combining grave) folds like NFC. */
    fold_is("Bie\xcc\x82\xcc\x80n", "bien");
    fold_is("Bi\xe1\xbb\x81n", "bien");
}

static void test_text_fold_of_empty_is_empty(void **state)
{
    (void)state;
    fold_is("", "");
    fold_is(" ,- ", "");
}

static void test_text_fold_refuses_invalid_utf8(void **state)
{
    (void)state;
    assert_null(ioc_text_fold("\xff\xfe", 2));
}

static void test_text_nfc_composes_nfd(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 0;
    /* "hòa" written decomposed: o + U+0300 */
    const char *nfd = "ho\xcc\x80"
                      "a";
    assert_int_equal(ioc_text_nfc(nfd, strlen(nfd), &out, &n), 0);
    assert_string_equal(out, "h\xc3\xb2"
                             "a");
    assert_int_equal(n, 4);
    free(out);
}

static void test_text_nfc_leaves_nfc_unchanged(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(ioc_text_nfc("Đồng Nai", strlen("Đồng Nai"), &out, NULL), 0);
    assert_string_equal(out, "Đồng Nai");
    free(out);
}

static void test_text_nfc_refuses_nul_byte(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(ioc_text_nfc("a\0b", 3, &out, &n), IOC_EINVAL);
    assert_null(out);
}

static void test_text_nfc_refuses_overlong_and_surrogate(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(ioc_text_nfc("\xc0\xaf", 2, &out, &n), IOC_EINVAL);     /* overlong '/' */
    assert_int_equal(ioc_text_nfc("\xed\xa0\x80", 3, &out, &n), IOC_EINVAL); /* surrogate */
    assert_null(out);
}

static void test_text_label_trims_ascii_white_space(void **state)
{
    (void)state;
    label_is("  Sở Tài nguyên \t\n", "Sở Tài nguyên");
}

static void test_text_label_trims_unicode_white_space(void **state)
{
    (void)state;
    label_is("\u3000\u00a0Hòa Bình\u2003", "Hòa Bình"); /* ideographic, no-break and em spaces */
}

static void test_text_label_keeps_inner_spaces(void **state)
{
    (void)state;
    label_is("a  b", "a  b");
}

static void test_text_label_refuses_empty_and_blank(void **state)
{
    (void)state;
    static const char *const refused[] = {"", "   ", "\t\n", "\u3000"};
    label_refuses(refused, IOC_ARRAY_LEN(refused));
}

static void test_text_label_refuses_control_characters(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "a\x01"
        "b",
        "a\x1b[31mb",
        "a\x7f"
        "b",
        "a\xc2\x85"
        "b",
        "a\xc2\x9b"
        "b",
        "a\tb",
    };
    label_refuses(refused, IOC_ARRAY_LEN(refused));
}

static void test_text_label_refuses_line_breaks(void **state)
{
    (void)state;
    static const char *const refused[] = {"a\nb", "a\u2028b", "a\u2029b"};
    label_refuses(refused, IOC_ARRAY_LEN(refused));
}

static void test_text_label_refuses_bidi_controls(void **state)
{
    (void)state;
    static const char *const refused[] = {"a\u202eb", "a\u2066b", "a\u200fb", "a\u061cb"};
    label_refuses(refused, IOC_ARRAY_LEN(refused));
}

static void test_text_label_refuses_invalid_utf8(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "\xff\xfe",
        "a\xc0\xaf"
        "b",
    };
    label_refuses(refused, IOC_ARRAY_LEN(refused));
}

static void test_text_label_measures_max_after_trimming(void **state)
{
    (void)state;
    char s[16];
    strcpy(s, " 12345 ");
    assert_int_equal(ioc_text_label(s, 4), IOC_EINVAL); /* longer than max after trimming */
    strcpy(s, " 1234 ");
    assert_int_equal(ioc_text_label(s, 4), 0);
    assert_string_equal(s, "1234");
}

static void test_text_label_trims_even_when_refusing(void **state)
{
    (void)state;
    char s[16];
    strcpy(s, "  a\x01 ");
    assert_int_equal(ioc_text_label(s, 200), IOC_EINVAL);
    assert_string_equal(s, "a\x01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid_accepts_vietnamese_and_refuses_bad_bytes),
        cmocka_unit_test(test_text_fold_drops_diacritics_and_d),
        cmocka_unit_test(test_text_fold_lower_cases),
        cmocka_unit_test(test_text_fold_collapses_and_trims_white_space),
        cmocka_unit_test(test_text_fold_turns_punctuation_into_one_space),
        cmocka_unit_test(test_text_fold_keeps_digits),
        cmocka_unit_test(test_text_fold_of_nfd_equals_fold_of_nfc),
        cmocka_unit_test(test_text_fold_of_empty_is_empty),
        cmocka_unit_test(test_text_fold_refuses_invalid_utf8),
        cmocka_unit_test(test_text_nfc_composes_nfd),
        cmocka_unit_test(test_text_nfc_leaves_nfc_unchanged),
        cmocka_unit_test(test_text_nfc_refuses_nul_byte),
        cmocka_unit_test(test_text_nfc_refuses_overlong_and_surrogate),
        cmocka_unit_test(test_text_label_trims_ascii_white_space),
        cmocka_unit_test(test_text_label_trims_unicode_white_space),
        cmocka_unit_test(test_text_label_keeps_inner_spaces),
        cmocka_unit_test(test_text_label_refuses_empty_and_blank),
        cmocka_unit_test(test_text_label_refuses_control_characters),
        cmocka_unit_test(test_text_label_refuses_line_breaks),
        cmocka_unit_test(test_text_label_refuses_bidi_controls),
        cmocka_unit_test(test_text_label_refuses_invalid_utf8),
        cmocka_unit_test(test_text_label_measures_max_after_trimming),
        cmocka_unit_test(test_text_label_trims_even_when_refusing),
    };
    return cmocka_run_group_tests_name("base/text", tests, NULL, NULL);
}
