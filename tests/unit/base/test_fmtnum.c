/* Unit tests for the number writer (src/base/fmtnum.c): exact cases, then a million doubles of
 * every magnitude, each read back and checked to be the shortest that reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_fmt_i64_writes_every_magnitude(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        const char *want;
    } cases[] = {{0, "0"},
                 {7, "7"},
                 {-7, "-7"},
                 {1793491200000, "1793491200000"},
                 {INT64_MAX, "9223372036854775807"},
                 {INT64_MIN, "-9223372036854775808"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[24];
        int n = ioc_fmt_i64(out, cases[i].v);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(n, (int)strlen(cases[i].want));
    }
}

static void test_fmt_f64_writes_the_shortest_decimal(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.1, "0.1"},
        {0.3, "0.3"},
        {-2.5, "-2.5"},
        {1200, "1200"},
        {1e-4, "0.0001"},
        {0.00012345, "0.00012345"},
        {61.469166666666680, "61.46916666666668"},
        {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"},
        {999999999999999.9, "999999999999999.9"}, /* just below 1e15: 16 digits */
        {123456789012345.6, "123456789012345.6"},
        {9.999999999999999e-5, "9.999999999999999e-05"}, /* below 1e-4: printf's form */
        {1e15, "1e+15"},
        {0, "0"},
        {1, "1"}, /* a power of two: printf's form, the same here */
        {0.5, "0.5"},
        {1.5e300, "1.5e+300"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32];
        int n = ioc_fmt_f64(out, cases[i].v);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%.17g: wrote %s, want %s", cases[i].v, out, cases[i].want);
        assert_int_equal(n, (int)strlen(out));
    }
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Significant digits of a decimal as written (no sign, point, leading or trailing zeros). */
static int sig_digits(const char *s)
{
    const char *a = s, *e = strpbrk(s, "eE");
    const char *end = e ? e : s + strlen(s);
    while (a < end && (*a == '-' || *a == '0' || *a == '.'))
        a++;
    const char *b = end;
    while (b > a && (b[-1] == '0' || b[-1] == '.'))
        b--;
    int n = 0;
    for (const char *p = a; p < b; p++)
        n += *p != '.';
    return n;
}

static void test_fmt_f64_reads_back_and_is_shortest_for_a_million_doubles(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 1000000; i++) {
        double v;
        uint64_t r = rnd(&seed);
        if (i % 4 == 0) { /* any bit pattern */
            memcpy(&v, &r, sizeof v);
            if (!isfinite(v))
                continue;
        } else if (i % 4 == 1) { /* sensor-like: a few decimals */
            v = (double)(int64_t)(r % 2000000 - 1000000) / 1000.0;
        } else { /* a mean-like value of every magnitude the fast path covers */
            v = ldexp((double)(r >> 11), -53) * pow(10, (int)(r % 21) - 5);
        }
        char out[32];
        ioc_fmt_f64(out, v);
        double back = strtod(out, NULL);
        if (memcmp(&back, &v, sizeof v) != 0 && !(v == 0 && back == 0))
            fail_msg("%.17g written %s reads back as %.17g", v, out, back);
        int d = sig_digits(out);
        if (d > 1 && fabs(v) >= DBL_MIN) { /* no shorter decimal reads back (subnormals: less
                                            * precision, may have one) */
            char shorter[400];
            snprintf(shorter, sizeof shorter, "%.*g", d - 1, v);
            if (strtod(shorter, NULL) == v)
                fail_msg("%.17g written %s, but %s reads back too", v, out, shorter);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_i64_writes_every_magnitude),
        cmocka_unit_test(test_fmt_f64_writes_the_shortest_decimal),
        cmocka_unit_test(test_fmt_f64_reads_back_and_is_shortest_for_a_million_doubles),
    };
    return cmocka_run_group_tests_name("fmtnum", tests, NULL, NULL);
}
