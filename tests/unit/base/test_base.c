/* Unit tests for src/base: buffers, text folding and NFC, dates, INI. */
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

static void test_fold(void **state)
{
    (void)state;
    fold_is("Biên Hoà", "bien hoa");
    fold_is("BIÊN HÒA", "bien hoa");
    fold_is("  bien   hoa ", "bien hoa");
    fold_is("Đường Đồng Khởi", "duong dong khoi");
    fold_is("Trấn Biên", "tran bien");
    fold_is("Phường Tân-Phú, (cũ)", "phuong tan phu cu");
    /* NFD input (e + combining circumflex + combining grave) folds like NFC. */
    fold_is("Bie\xcc\x82\xcc\x80n", "bien");
    fold_is("", "");
    assert_null(ioc_text_fold("\xff\xfe", 2));
}

static void test_nfc(void **state)
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
    assert_int_equal(ioc_text_nfc("a\0b", 3, &out, &n), IOC_EINVAL);
    assert_int_equal(ioc_text_nfc("\xc0\xaf", 2, &out, &n), IOC_EINVAL);     /* overlong '/' */
    assert_int_equal(ioc_text_nfc("\xed\xa0\x80", 3, &out, &n), IOC_EINVAL); /* surrogate */
}

/* Names people type: trimmed at both ends; empty, control and bidi characters refused. */
static void test_label(void **state)
{
    (void)state;
    char s[64];
    strcpy(s, "  Sở Tài nguyên \t\n");
    assert_int_equal(ioc_text_label(s, 200), 0);
    assert_string_equal(s, "Sở Tài nguyên");
    strcpy(s, "\u3000\u00a0Hòa Bình\u2003"); /* ideographic, no-break and em spaces */
    assert_int_equal(ioc_text_label(s, 200), 0);
    assert_string_equal(s, "Hòa Bình");
    strcpy(s, "a  b"); /* inner spaces stay */
    assert_int_equal(ioc_text_label(s, 200), 0);
    assert_string_equal(s, "a  b");
    static const char *const refused[] = {
        "",
        "   ",
        "\t\n",
        "a\x01"
        "b",
        "a\x1b[31mb",
        "a\x7f"
        "b",
        "a\xc2\x85"
        "b",
        "a\xc2\x9b"
        "b",
        "a\nb",
        "a\u2028b",
        "a\u202eb",
        "a\u2066b",
        "\xff\xfe",
        "a\xc0\xaf"
        "b",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        strcpy(s, refused[i]);
        if (ioc_text_label(s, 200) != IOC_EINVAL)
            fail_msg("refused[%zu] was accepted", i);
    }
    strcpy(s, " 12345 ");
    assert_int_equal(ioc_text_label(s, 4), IOC_EINVAL); /* longer than max after trimming */
    strcpy(s, " 1234 ");
    assert_int_equal(ioc_text_label(s, 4), 0);
}

static void test_buf(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 10);
    assert_int_equal(ioc_buf_puts(&b, "hello"), 0);
    assert_int_equal(ioc_buf_printf(&b, "%d", 1234), 0);
    assert_string_equal(b.data, "hello1234");
    assert_int_equal(ioc_buf_puts(&b, "xy"), IOC_ETOOBIG);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    ioc_buf_init(&b, 0);
    assert_int_equal(ioc_buf_json_str(&b,
                                      "a\"b\\c\n\x01"
                                      "đ",
                                      (size_t)-1),
                     0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001đ\"");
    ioc_buf_free(&b);
    ioc_buf_free(&b);
}

static void test_dates(void **state)
{
    (void)state;
    int32_t d = 0;
    char out[32];
    assert_int_equal(ioc_date_parse("1970-01-01", 10, &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(ioc_date_parse("2025-07-01", 10, &d), 0);
    ioc_date_format(d, out);
    assert_string_equal(out, "2025-07-01");
    assert_int_equal(ioc_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(ioc_date_parse("2025-02-29", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-13-01", 10, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-7-01", 9, &d), IOC_EINVAL);
    assert_int_equal(ioc_date_parse("2025-07-0x", 10, &d), IOC_EINVAL);
    ioc_time_rfc3339(1751328000123LL, out); /* 2025-07-01T00:00:00.123Z */
    assert_string_equal(out, "2025-07-01T00:00:00.123Z");
    ioc_date_today_vn(out);
    assert_int_equal(strlen(out), 10);
}

struct kv {
    char seen[512];
};

static int on_kv(void *ctx, const char *section, const char *key, const char *value, int line)
{
    struct kv *kv = ctx;
    char one[160];
    snprintf(one, sizeof one, "%s.%s=%s@%d;", section, key, value, line);
    strncat(kv->seen, one, sizeof kv->seen - strlen(kv->seen) - 1);
    return strcmp(key, "stop") == 0 ? IOC_EINVAL : 0;
}

static void test_ini(void **state)
{
    (void)state;
    struct kv kv = {""};
    int line = 0;
    const char *ok =
        "# comment\n[http]\nlisten = 127.0.0.1:8080\n; x\n\n[demo]\nname = \" a b \"\n";
    assert_int_equal(ioc_ini_parse(ok, strlen(ok), on_kv, &kv, &line), 0);
    assert_string_equal(kv.seen, "http.listen=127.0.0.1:8080@3;demo.name= a b @7;");
    const char *bad[] = {"[http\n", "novalue\n", "[a]\nk = \"open\n", "bad key = 1\n",
                         "a = 1\nstop = 1\n"};
    const int bad_line[] = {1, 1, 2, 1, 2};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        kv.seen[0] = '\0';
        assert_int_equal(ioc_ini_parse(bad[i], strlen(bad[i]), on_kv, &kv, &line), IOC_EINVAL);
        assert_int_equal(line, bad_line[i]);
    }
    const char *notutf8 = "a = 1\nb = \xff\n";
    assert_int_equal(ioc_ini_parse(notutf8, strlen(notutf8), on_kv, &kv, &line), IOC_EINVAL);
    assert_int_equal(line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),  cmocka_unit_test(test_nfc), cmocka_unit_test(test_buf),
        cmocka_unit_test(test_dates), cmocka_unit_test(test_ini), cmocka_unit_test(test_label),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
