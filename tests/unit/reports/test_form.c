/* Unit tests for the form parser of src/reports (rep_form_parse): '+' and %XX decoding, repeated
 * keys kept in order, empty fields skipped, attribute[CODE][] keys decoded whole, NFC, and each
 * refusal (bad escape, not UTF-8, a NUL, an empty key, too many fields) with nothing left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"

static int parse(const char *s, struct rep_form *f)
{
    char err[256];
    return rep_form_parse(s, strlen(s), f, err, sizeof err);
}

static void test_decoding(void **state)
{
    (void)state;
    struct rep_form f;
    assert_int_equal(parse("a=1+2&b=%41%62%2B&c&&d=&e=x%3Dy=z", &f), 0);
    assert_int_equal(f.n, 5);
    assert_string_equal(rep_form_get(&f, "a"), "1 2");
    assert_string_equal(rep_form_get(&f, "b"), "Ab+");
    assert_null(rep_form_get(&f, "c")); /* an empty value counts as absent */
    assert_int_equal(rep_form_count(&f, "c"), 1);
    assert_null(rep_form_get(&f, "d"));
    assert_string_equal(rep_form_get(&f, "e"), "x=y=z");
    assert_null(rep_form_get(&f, "zz"));
    rep_form_free(&f);
    assert_int_equal(parse("", &f), 0);
    assert_int_equal(f.n, 0);
    rep_form_free(&f);
}

static void test_repeated_keys_and_lists(void **state)
{
    (void)state;
    struct rep_form f;
    assert_int_equal(
        parse("attribute%5Bloai%5D%5B%5D=a&attribute[loai][]=b&x=1&x=2&attribute[k]=v", &f), 0);
    assert_int_equal(rep_form_count(&f, "attribute[loai][]"), 2);
    assert_string_equal(f.vals[0], "a");
    assert_string_equal(f.vals[1], "b");
    assert_int_equal(rep_form_count(&f, "x"), 2);
    assert_string_equal(rep_form_get(&f, "x"), "1"); /* the first */
    assert_string_equal(rep_form_get(&f, "attribute[k]"), "v");
    rep_form_free(&f);
}

static void test_utf8_and_nfc(void **state)
{
    (void)state;
    struct rep_form f;
    /* "Hòa" as NFD (o + U+0300) comes back as NFC (U+00F2) */
    assert_int_equal(parse("d=Ho%CC%80a&e=%C3%B2", &f), 0);
    assert_string_equal(rep_form_get(&f, "d"), "H\xc3\xb2"
                                               "a");
    assert_string_equal(rep_form_get(&f, "e"), "\xc3\xb2");
    rep_form_free(&f);
    /* raw UTF-8 bytes are accepted too */
    assert_int_equal(parse("d=\xc4\x90\xe1\xbb\x93ng", &f), 0);
    assert_string_equal(rep_form_get(&f, "d"), "\xc4\x90\xe1\xbb\x93ng");
    rep_form_free(&f);
}

static void test_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=%", "a=%4", "a=%zz", "a=%C3%28", "a=%00", "=v", "a=\xff", "ok=1&b=%", "%C3=1",
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        struct rep_form f;
        char err[256] = "";
        int rc = rep_form_parse(bad[i], strlen(bad[i]), &f, err, sizeof err);
        if (rc != IOC_EINVAL)
            fail_msg("%s: %d", bad[i], rc);
        assert_int_equal(f.n, 0);
        assert_null(f.keys);
        assert_true(strlen(err) > 0);
    }
    /* the field is named */
    struct rep_form f;
    char err[256];
    const char *s = "a=1&desc=%zz";
    assert_int_equal(rep_form_parse(s, strlen(s), &f, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "desc"));
    assert_non_null(strstr(err, "Field 2"));
}

static void test_limits(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (int i = 0; i < REP_FORM_MAX_FIELDS; i++)
        ioc_buf_printf(&b, "%sk%d=v", i ? "&" : "", i);
    struct rep_form f;
    char err[256];
    assert_int_equal(rep_form_parse(b.data, b.len, &f, err, sizeof err), 0);
    assert_int_equal(f.n, REP_FORM_MAX_FIELDS);
    rep_form_free(&f);
    ioc_buf_puts(&b, "&one=more");
    assert_int_equal(rep_form_parse(b.data, b.len, &f, err, sizeof err), IOC_ETOOBIG);
    assert_int_equal(f.n, 0);
    ioc_buf_free(&b);
    /* embedded NUL bytes in the body (not escaped) are refused as well */
    const char nul[] = "a=b\0c";
    assert_int_equal(rep_form_parse(nul, sizeof nul - 1, &f, err, sizeof err), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoding),     cmocka_unit_test(test_repeated_keys_and_lists),
        cmocka_unit_test(test_utf8_and_nfc), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
