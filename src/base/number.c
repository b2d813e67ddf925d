/*
 * number.c — the one bounded number parser for bytes from outside (configuration, seed files,
 * query strings, path parameters, stored meta values).
 *
 * Grammar (the whole of s[0..n) must match; nothing is skipped):
 *   integer  = ["-"] digit+
 *   real     = ["-"] digit+ ["." digit+] [("e" | "E") ["+" | "-"] digit+]
 * Decimal only: no leading '+', no white space, no "0x", no "inf" or "nan", no ".5" or "5.";
 * leading zeros are plain decimal digits ("007" is 7, never octal).
 *
 * Invariants:
 *   1. *out is written only when the answer is 0; every refusal is IOC_EINVAL (bad form,
 *      overflow, a value outside [min, max], a non-finite real).
 *   2. Only s[0..n) is read; s need not be NUL-terminated.
 *   3. No allocation and no dependence on the process locale: integers are accumulated by hand;
 *      reals are checked against the grammar above, copied to a bounded stack buffer and
 *      converted by strtod_l in the "C" locale (correct rounding is glibc's).
 */
#include "base/base.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest real accepted, in bytes: more digits than a double can use, with room for an
 * exponent; longer input is refused rather than truncated. */
#define REAL_MAX_LEN 127

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

int ioc_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
    if (!s || n == 0)
        return IOC_EINVAL;
    size_t i = 0;
    int neg = s[0] == '-';
    if (neg)
        i = 1;
    if (i == n)
        return IOC_EINVAL;
    /* Accumulate as a negative number: its range is one wider than the positive one. */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return IOC_EINVAL;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            return IOC_EINVAL;
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return IOC_EINVAL;
        v = -v;
    }
    if (v < min || v > max)
        return IOC_EINVAL;
    *out = v;
    return 0;
}

/* Length of the run of digits at s[i..n). */
static size_t digits(const char *s, size_t i, size_t n)
{
    size_t k = i;
    while (k < n && is_digit(s[k]))
        k++;
    return k - i;
}

/* 1 if s[0..n) is a real of the grammar above. */
static int real_form_ok(const char *s, size_t n)
{
    size_t i = s[0] == '-' ? 1 : 0;
    size_t d = digits(s, i, n);
    if (d == 0)
        return 0;
    i += d;
    if (i < n && s[i] == '.') {
        d = digits(s, i + 1, n);
        if (d == 0)
            return 0;
        i += 1 + d;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        d = digits(s, i, n);
        if (d == 0)
            return 0;
        i += d;
    }
    return i == n;
}

int ioc_parse_f64(const char *s, size_t n, double min, double max, double *out)
{
    if (!s || n == 0 || n > REAL_MAX_LEN || !real_form_ok(s, n))
        return IOC_EINVAL;
    /* glibc gives its static "C" locale object for this call, without allocating. */
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        return IOC_EINVAL;
    char copy[REAL_MAX_LEN + 1];
    memcpy(copy, s, n);
    copy[n] = '\0';
    char *end = NULL;
    double v = strtod_l(copy, &end, c_locale);
    freelocale(c_locale);
    /* Underflow rounds towards zero and is accepted; overflow gives an infinity. */
    if (end != copy + n || !isfinite(v) || !(v >= min && v <= max))
        return IOC_EINVAL;
    *out = v;
    return 0;
}
