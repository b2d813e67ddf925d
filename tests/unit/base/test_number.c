/* Unit tests for the bounded number parser (src/base/number.c): one behaviour per test, each a
 * table of inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"

#define SENTINEL_I 0x5a5a5a5a5a5aLL
#define SENTINEL_F 12345.25

/* Every input in the list is refused with IOC_EINVAL in [min, max], and *out is untouched. */
static void i64_refused(const char *const *in, size_t count, int64_t min, int64_t max)
{
    for (size_t i = 0; i < count; i++) {
        int64_t v = SENTINEL_I;
        int rc = ioc_parse_i64(in[i], strlen(in[i]), min, max, &v);
        if (rc != IOC_EINVAL)
            fail_msg("\"%s\" gave %d, want IOC_EINVAL", in[i], rc);
        assert_int_equal(v, SENTINEL_I);
    }
}

static void f64_refused(const char *const *in, size_t count, double min, double max)
{
    for (size_t i = 0; i < count; i++) {
        double v = SENTINEL_F;
        int rc = ioc_parse_f64(in[i], strlen(in[i]), min, max, &v);
        if (rc != IOC_EINVAL)
            fail_msg("\"%s\" gave %d, want IOC_EINVAL", in[i], rc);
        assert_true(v == SENTINEL_F);
    }
}

struct i64_case {
    const char *in;
    int64_t want;
};

static void test_parse_i64_accepts_decimal(void **state)
{
    (void)state;
    static const struct i64_case cases[] = {
        {"0", 0},
        {"7", 7},
        {"-7", -7},
        {"-0", 0},
        {"007", 7}, /* decimal, never octal */
        {"1234567890", 1234567890},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
        {"0000000000000000000000000042", 42},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        int64_t v = SENTINEL_I;
        assert_int_equal(ioc_parse_i64(cases[i].in, strlen(cases[i].in), INT64_MIN, INT64_MAX, &v),
                         0);
        assert_int_equal(v, cases[i].want);
    }
}

static void test_parse_i64_rejects_overflow(void **state)
{
    (void)state;
    static const char *const in[] = {"9223372036854775808", "-9223372036854775809",
                                     "18446744073709551616", "99999999999999999999999",
                                     "-99999999999999999999999"};
    i64_refused(in, IOC_ARRAY_LEN(in), INT64_MIN, INT64_MAX);
}

static void test_parse_i64_rejects_out_of_range(void **state)
{
    (void)state;
    static const char *const in[] = {"0", "9", "101", "-1", "9223372036854775807"};
    i64_refused(in, IOC_ARRAY_LEN(in), 10, 100);
    int64_t v = 0;
    assert_int_equal(ioc_parse_i64("10", 2, 10, 100, &v), 0); /* the bounds are inclusive */
    assert_int_equal(v, 10);
    assert_int_equal(ioc_parse_i64("100", 3, 10, 100, &v), 0);
    assert_int_equal(v, 100);
}

static void test_parse_i64_rejects_space_and_sign(void **state)
{
    (void)state;
    static const char *const in[] = {" 1", "1 ", "\t1", "1\n", "+1", "--1", "-+1", "- 1", "1-"};
    i64_refused(in, IOC_ARRAY_LEN(in), INT64_MIN, INT64_MAX);
}

static void test_parse_i64_rejects_other_forms(void **state)
{
    (void)state;
    static const char *const in[] = {"0x10",  "1e3", "1.0", "1,000",
                                     "1_000", "12a", "a12", "١٢", /* Arabic-Indic digits */
                                     "１" /* a full-width digit */};
    i64_refused(in, IOC_ARRAY_LEN(in), INT64_MIN, INT64_MAX);
}

static void test_parse_i64_rejects_empty(void **state)
{
    (void)state;
    static const char *const in[] = {"", "-"};
    i64_refused(in, IOC_ARRAY_LEN(in), INT64_MIN, INT64_MAX);
    int64_t v = SENTINEL_I;
    assert_int_equal(ioc_parse_i64(NULL, 0, INT64_MIN, INT64_MAX, &v), IOC_EINVAL);
    assert_int_equal(v, SENTINEL_I);
}

static void test_parse_i64_reads_only_n_bytes(void **state)
{
    (void)state;
    int64_t v = SENTINEL_I;
    /* No NUL after the number: the bytes past n must not be read or counted. */
    const char text[] = {'4', '2', '9', 'x'};
    assert_int_equal(ioc_parse_i64(text, 2, INT64_MIN, INT64_MAX, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(ioc_parse_i64("12\0"
                                   "3",
                                   4, INT64_MIN, INT64_MAX, &v),
                     IOC_EINVAL);
    assert_int_equal(v, 42);
}

struct f64_case {
    const char *in;
    double want;
};

static void test_parse_f64_accepts_decimal(void **state)
{
    (void)state;
    static const struct f64_case cases[] = {
        {"0", 0.0},
        {"-0", -0.0},
        {"1", 1.0},
        {"106.8", 106.8},
        {"-10.95", -10.95},
        {"0.1", 0.1},
        {"1e3", 1000.0},
        {"1E3", 1000.0},
        {"2.5e-3", 0.0025},
        {"2.5E+3", 2500.0},
        {"007.5", 7.5},
        {"1.7976931348623157e308", 1.7976931348623157e308},
        {"4.9e-324", 4.9e-324},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        double v = SENTINEL_F;
        assert_int_equal(ioc_parse_f64(cases[i].in, strlen(cases[i].in), -INFINITY, INFINITY, &v),
                         0);
        assert_true(v == cases[i].want);
        assert_int_equal(signbit(v) != 0, signbit(cases[i].want) != 0);
    }
}

static void test_parse_f64_rejects_overflow(void **state)
{
    (void)state;
    static const char *const in[] = {"1e309", "-1e309", "1.8e308", "1e99999999999999999999"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
}

static void test_parse_f64_rounds_underflow_to_zero(void **state)
{
    (void)state;
    double v = SENTINEL_F;
    assert_int_equal(ioc_parse_f64("1e-400", 6, -1, 1, &v), 0);
    assert_true(v == 0.0);
}

static void test_parse_f64_rejects_out_of_range(void **state)
{
    (void)state;
    static const char *const in[] = {"-90.000001", "90.0000001", "1000", "-1e3"};
    f64_refused(in, IOC_ARRAY_LEN(in), -90.0, 90.0);
    double v = 0;
    assert_int_equal(ioc_parse_f64("90", 2, -90.0, 90.0, &v), 0); /* inclusive */
    assert_true(v == 90.0);
    assert_int_equal(ioc_parse_f64("-90.0", 5, -90.0, 90.0, &v), 0);
    assert_true(v == -90.0);
}

static void test_parse_f64_rejects_non_finite(void **state)
{
    (void)state;
    static const char *const in[] = {"inf", "-inf", "INF",  "infinity",
                                     "nan", "NaN",  "-nan", "nan(1)"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
}

static void test_parse_f64_rejects_hex(void **state)
{
    (void)state;
    static const char *const in[] = {"0x1p3", "0X10", "0x1.8"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
}

static void test_parse_f64_rejects_space_and_sign(void **state)
{
    (void)state;
    static const char *const in[] = {" 1.5", "1.5 ", "\n1", "+1.5", "--1", "- 1", "1.5-"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
}

static void test_parse_f64_rejects_partial_forms(void **state)
{
    (void)state;
    static const char *const in[] = {".5",   "5.",    "-.5", "1e",    "1e+",   "1.5e-", "e5",
                                     "1..5", "1.5.5", "1,5", "1e5.5", "10,95", "1_0",   "1.5f"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
}

static void test_parse_f64_rejects_empty(void **state)
{
    (void)state;
    static const char *const in[] = {"", "-"};
    f64_refused(in, IOC_ARRAY_LEN(in), -INFINITY, INFINITY);
    double v = SENTINEL_F;
    assert_int_equal(ioc_parse_f64(NULL, 0, -INFINITY, INFINITY, &v), IOC_EINVAL);
    assert_true(v == SENTINEL_F);
}

static void test_parse_f64_rejects_too_long(void **state)
{
    (void)state;
    char text[129];
    memset(text, '1', sizeof text);
    double v = SENTINEL_F;
    assert_int_equal(ioc_parse_f64(text, 127, 0, INFINITY, &v), 0);
    assert_true(v > 1e126);
    v = SENTINEL_F;
    assert_int_equal(ioc_parse_f64(text, 128, 0, INFINITY, &v), IOC_EINVAL);
    assert_true(v == SENTINEL_F);
}

static void test_parse_f64_reads_only_n_bytes(void **state)
{
    (void)state;
    const char text[] = {'1', '0', '.', '5', '9', 'e'};
    double v = SENTINEL_F;
    assert_int_equal(ioc_parse_f64(text, 4, -INFINITY, INFINITY, &v), 0);
    assert_true(v == 10.5);
}

/* Sets LC_NUMERIC to a locale whose decimal point is ','. Uses an installed one when there is
 * one, else compiles de_DE with localedef into a temporary LOCPATH. Fails the test if neither
 * works, so the locale check never passes without having been made. */
static void set_comma_locale(void)
{
    static const char *const names[] = {"vi_VN.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(names); i++)
        if (setlocale(LC_NUMERIC, names[i]))
            goto check;
    const char *dir = test_tmpdir();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", dir);
    if (system(cmd) != 0)
        fail_msg("no locale with a decimal comma is installed and localedef failed");
    setenv("LOCPATH", dir, 1);
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8"))
        fail_msg("the compiled de_DE locale could not be set");
check:
    assert_string_equal(localeconv()->decimal_point, ",");
}

/* A locale whose decimal point is ',' must not change what is accepted. */
static void test_parse_f64_ignores_locale(void **state)
{
    (void)state;
    set_comma_locale();
    double v = SENTINEL_F;
    int rc_dot = ioc_parse_f64("10.5", 4, -INFINITY, INFINITY, &v);
    double got = v;
    int rc_comma = ioc_parse_f64("10,5", 4, -INFINITY, INFINITY, &v);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(rc_dot, 0);
    assert_true(got == 10.5);
    assert_int_equal(rc_comma, IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_i64_accepts_decimal),
        cmocka_unit_test(test_parse_i64_rejects_overflow),
        cmocka_unit_test(test_parse_i64_rejects_out_of_range),
        cmocka_unit_test(test_parse_i64_rejects_space_and_sign),
        cmocka_unit_test(test_parse_i64_rejects_other_forms),
        cmocka_unit_test(test_parse_i64_rejects_empty),
        cmocka_unit_test(test_parse_i64_reads_only_n_bytes),
        cmocka_unit_test(test_parse_f64_accepts_decimal),
        cmocka_unit_test(test_parse_f64_rejects_overflow),
        cmocka_unit_test(test_parse_f64_rounds_underflow_to_zero),
        cmocka_unit_test(test_parse_f64_rejects_out_of_range),
        cmocka_unit_test(test_parse_f64_rejects_non_finite),
        cmocka_unit_test(test_parse_f64_rejects_hex),
        cmocka_unit_test(test_parse_f64_rejects_space_and_sign),
        cmocka_unit_test(test_parse_f64_rejects_partial_forms),
        cmocka_unit_test(test_parse_f64_rejects_empty),
        cmocka_unit_test(test_parse_f64_rejects_too_long),
        cmocka_unit_test(test_parse_f64_reads_only_n_bytes),
        cmocka_unit_test(test_parse_f64_ignores_locale),
    };
    return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
