/*
 * fmtnum.c — numbers written for answers: integers, and reals as the shortest decimal that
 * reads back as the same double.
 *
 * A query answer carries thousands of numbers; printf("%.17g") spends a few thousand
 * instructions on each (multi-precision arithmetic) and writes 0.1 as 0.10000000000000001.
 * ioc_fmt_f64 computes, for 1e-4 <= |v| < 1e15 (where %g writes no exponent), the decimal of
 * 15, then 16, then 17 significant digits nearest to v exactly in 128-bit integers, and keeps
 * the first that reads back as v, without its trailing zeros: the shortest such decimal (a
 * shorter one, padded to 15 digits, is the nearest 15-digit decimal, because 15-digit decimals
 * lie more than an ulp apart; and if any d-digit decimal reads back as v, so does the nearest).
 * Other values, and the one awkward case (a power of two, whose lower neighbour is closer), go
 * to snprintf("%.15g" … "%.17g"), the first that strtod reads back as v.
 */
#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

int ioc_fmt_i64(char out[24], int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    int k = 0;
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return k;
}

static u128 pow10_u128(int k)
{
    static const uint64_t small[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};
    return k < 20 ? (u128)small[k] : (u128)small[19] * small[k - 19];
}

/* 10^p as the nearest double, p in [-5, 16] (the compiler rounds each literal exactly). */
static double pow10_f64(int p)
{
    static const double t[] = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                               1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
    return t[p + 5];
}

/* The d-digit decimal nearest to m·2^-s (ties to even), as q·10^-k with k = d - 1 - p (p the
 * decimal exponent, adjusted when rounding carries to d + 1 digits), if it reads back as that
 * double: then 1, else 0. */
static int nearest(uint64_t m, int s, int d, int p, uint64_t *q, int *k)
{
    int kk = d - 1 - p;
    if (kk < 0 || kk > 21)
        return 0;
    u128 tenk = pow10_u128(kk);
    u128 num = (u128)m * tenk; /* v·10^k·2^s, exact: < 2^53 · 2^70 */
    u128 qq = num >> s;
    u128 rem = num & (((u128)1 << s) - 1);
    u128 half = (u128)1 << (s - 1);
    if (rem > half || (rem == half && (qq & 1)))
        qq++;
    if (qq >= pow10_u128(d)) /* 9.99… rounded up to 10.0…: one digit fewer after the point */
        return nearest(m, s, d, p + 1, q, k);
    /* reads back as v iff |q·2^s − num| < 10^k / 2, or == with m even (ties to even) */
    u128 back = qq << s;
    u128 diff = back > num ? back - num : num - back;
    if (2 * diff > tenk || (2 * diff == tenk && (m & 1)))
        return 0;
    *q = (uint64_t)qq;
    *k = kk;
    return 1;
}

/* q·10^-k written without exponent ("1200", "0.0015", "61.5"), trailing zeros removed. */
static int put_fixed(char *out, uint64_t q, int k)
{
    while (k > 0 && q % 10 == 0) {
        q /= 10;
        k--;
    }
    char dig[24];
    int nd = ioc_fmt_i64(dig, (int64_t)q);
    int n = 0;
    if (k <= 0) { /* an integer: the digits, then -k zeros */
        memcpy(out, dig, (size_t)nd);
        n = nd;
        for (int i = 0; i < -k; i++)
            out[n++] = '0';
    } else if (nd > k) { /* digits, point, k digits */
        memcpy(out, dig, (size_t)(nd - k));
        n = nd - k;
        out[n++] = '.';
        memcpy(out + n, dig + nd - k, (size_t)k);
        n += k;
    } else { /* 0.000digits */
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < k - nd; i++)
            out[n++] = '0';
        memcpy(out + n, dig, (size_t)nd);
        n += nd;
    }
    out[n] = '\0';
    return n;
}

/* printf's %g with 15, 16 or 17 digits, the first that reads back as v (strtod is exact). */
static int slow(char out[32], double v)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return n;
}

int ioc_fmt_f64(char out[32], double v)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15)) /* also NaN; 0 and the others: printf's form */
        return slow(out, v);
    int e2;
    double fr = frexp(a, &e2); /* a = fr · 2^e2, fr in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(fr, 53);
    int s = 53 - e2; /* a = m · 2^-s, 3 <= s <= 67 here */
    if (m == (UINT64_C(1) << 52))
        return slow(out, v);
    int p = (int)floor(log10(a)); /* may be one off near a power of ten: checked below */
    if (p < -4)
        p = -4;
    if (p > 14)
        p = 14;
    if (pow10_f64(p) > a)
        p--;
    else if (pow10_f64(p + 1) <= a)
        p++;
    uint64_t q = 0;
    int k = 0;
    int d = 15;
    while (d <= 17 && !nearest(m, s, d, p, &q, &k))
        d++;
    if (d > 17)
        return slow(out, v);
    int n = 0;
    if (v < 0)
        out[n++] = '-';
    return n + put_fixed(out + n, q, k);
}
