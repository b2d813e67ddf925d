/*
 * lp_value.c — the values of line protocol: integers (`12i`, int64), unsigned integers (`12u`,
 * uint64), floats, booleans, timestamps with their precision, and the order of tags.
 *
 * Floats take the decimal forms the reference accepts: ["-"] digits ["." [digits]] or
 * ["-"] "." digits, then optionally e|E ["+"|"-"] digits ("1", "1.", ".5", "-1.5e-3", "1E+3").
 * Infinities, NaN, hexadecimal floats and digit separators are refused (docs/telemetry.md).
 * A value whose magnitude overflows a double is refused; one too small rounds to zero or a
 * subnormal, as strtod and the reference do.
 *
 * Speed: a float of at most 19 significant digits whose value and power of ten are both exact
 * doubles (|exponent| <= 22, mantissa <= 2^53) is one correctly rounded multiplication or
 * division (Clinger's fast path); anything else goes to strtod_l in the "C" locale, which rounds
 * correctly too.
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/lp_int.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

const char *lp_parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = n > 0 && s[0] == '-' ? 1 : 0;
    int neg = i == 1;
    if (i == n)
        return "invalid integer: no digits";
    uint64_t v = 0;
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return "invalid integer";
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return "integer out of range (64-bit signed)";
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return NULL;
}

const char *lp_parse_uint(const char *s, size_t n, uint64_t *out)
{
    if (n == 0)
        return "invalid unsigned integer: no digits";
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return "invalid unsigned integer";
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return "unsigned integer out of range (64-bit)";
        v = v * 10 + d;
    }
    *out = v;
    return NULL;
}

const char *lp_parse_bool(const char *s, size_t n, int *out)
{
    static const char *const yes[] = {"t", "T", "true", "True", "TRUE"};
    static const char *const no[] = {"f", "F", "false", "False", "FALSE"};
    for (size_t k = 0; k < 5; k++) {
        if (strlen(yes[k]) == n && memcmp(yes[k], s, n) == 0)
            return *out = 1, NULL;
        if (strlen(no[k]) == n && memcmp(no[k], s, n) == 0)
            return *out = 0, NULL;
    }
    return "invalid boolean (t, T, true, True, TRUE, f, F, false, False or FALSE)";
}

/* The decimal digits of a float: mantissa m of at most 19 significant digits, exponent e10,
 * exact 0 when more digits were dropped. */
struct decimal {
    uint64_t m;
    int sig;
    long e10;
    int exact;
    int any;
};

static void mantissa_digit(struct decimal *d, unsigned v, int frac)
{
    d->any = 1;
    if (d->sig < 19) {
        d->m = d->m * 10 + v;
        if (d->m)
            d->sig++;
        if (frac)
            d->e10--;
    } else {
        if (v)
            d->exact = 0;
        if (!frac)
            d->e10++;
    }
}

const char *lp_parse_float(const char *s, size_t n, char *tmp, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    struct decimal d = {0, 0, 0, 1, 0};
    size_t i = n > 0 && s[0] == '-' ? 1 : 0;
    for (; i < n && is_digit(s[i]); i++)
        mantissa_digit(&d, (unsigned)(s[i] - '0'), 0);
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++)
            mantissa_digit(&d, (unsigned)(s[i] - '0'), 1);
    if (!d.any)
        return "invalid float";
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = i < n && (s[i] == '-' || s[i] == '+') ? s[i++] == '-' : 0;
        if (i == n || !is_digit(s[i]))
            return "invalid float: no exponent digits";
        long e = 0;
        for (; i < n && is_digit(s[i]); i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        d.e10 += eneg ? -e : e;
    }
    if (i != n)
        return "invalid float";
    double v;
    if (d.m == 0) {
        v = 0.0;
    } else if (d.exact && d.m <= (UINT64_C(1) << 53) && d.e10 >= -22 && d.e10 <= 22) {
        v = d.e10 < 0 ? (double)d.m / p10[-d.e10] : (double)d.m * p10[d.e10];
    } else {
        size_t k = s[0] == '-' ? 1 : 0;
        memcpy(tmp, s + k, n - k);
        tmp[n - k] = '\0';
        /* glibc gives its static "C" locale object here, without allocating. */
        locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        if (c_locale == (locale_t)0)
            return "float cannot be converted";
        v = strtod_l(tmp, NULL, c_locale);
        freelocale(c_locale);
        if (!isfinite(v))
            return "float out of range";
    }
    *out = s[0] == '-' ? -v : v;
    return NULL;
}

static const int64_t unit_ns[] = {
    1, 1000, 1000000, 1000000000, INT64_C(60000000000), INT64_C(3600000000000)};

const char *lp_parse_time(const char *s, size_t n, enum telemetry_lp_precision prec, int64_t *out)
{
    int64_t t;
    const char *why = lp_parse_int(s, n, &t);
    if (why)
        return strstr(why, "range") ? "timestamp out of range (64-bit signed)"
                                    : "invalid timestamp";
    int64_t ns;
    if (__builtin_mul_overflow(t, unit_ns[prec], &ns))
        return "timestamp out of range once scaled to nanoseconds";
    *out = ns;
    return NULL;
}

int64_t lp_default_time(int64_t ns, enum telemetry_lp_precision prec)
{
    int64_t u = unit_ns[prec];
    int64_t q = ns / u;
    if (ns % u < 0 && q > INT64_MIN / u + 1)
        q--;
    return q * u;
}

static int key_cmp(const struct telemetry_str *a, const struct telemetry_str *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    if (c)
        return c;
    return a->n < b->n ? -1 : a->n > b->n;
}

long lp_tags_sort(struct telemetry_lp_tag *tags, size_t *off, size_t n)
{
    for (size_t i = 1; i < n; i++) { /* insertion sort: stable, tags are few and often sorted */
        struct telemetry_lp_tag t = tags[i];
        size_t o = off[i], j = i;
        for (; j > 0 && key_cmp(&tags[j - 1].key, &t.key) > 0; j--) {
            tags[j] = tags[j - 1];
            off[j] = off[j - 1];
        }
        tags[j] = t;
        off[j] = o;
    }
    for (size_t i = 1; i < n; i++)
        if (key_cmp(&tags[i - 1].key, &tags[i].key) == 0)
            return (long)i;
    return -1;
}

int telemetry_lp_precision_parse(const char *s, size_t n, enum telemetry_lp_precision *out)
{
    static const struct {
        const char *name;
        enum telemetry_lp_precision p;
    } names[] = {{"ns", TELEMETRY_LP_NS}, {"n", TELEMETRY_LP_NS},         {"us", TELEMETRY_LP_US},
                 {"u", TELEMETRY_LP_US},  {"\xc2\xb5s", TELEMETRY_LP_US}, {"ms", TELEMETRY_LP_MS},
                 {"s", TELEMETRY_LP_S},   {"m", TELEMETRY_LP_M},          {"h", TELEMETRY_LP_H}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k].name) == n && memcmp(names[k].name, s, n) == 0) {
            *out = names[k].p;
            return 0;
        }
    return IOC_EINVAL;
}
