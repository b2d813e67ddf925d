/*
 * fuzz_number — ioc_parse_i64 and ioc_parse_f64 against the C library as a reference, and the
 * number writers (ioc_fmt_f64, ioc_fmt_i64) read back through them.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The first byte picks the bounds (full range or a narrow one); the rest is the text, given to
 * our parsers without a NUL after it. Where ours accepts, strtoll / strtod on a NUL-ended copy
 * must accept the whole text with the same value; where the reference accepts a text of our
 * grammar within the bounds, ours must accept it too; *out is never written on refusal.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* 1 if text is ["-"] digit+ — the shapes where strtoll and ours must agree exactly. */
static int plain_integer(const char *t, size_t n)
{
    size_t i = n > 0 && t[0] == '-' ? 1 : 0;
    if (i == n)
        return 0;
    for (; i < n; i++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    return 1;
}

/* 1 if text is ["-"] digit+ ["." digit+] — a real strtod reads the same way in every locale. */
static int plain_real(const char *t, size_t n)
{
    const char *dot = memchr(t, '.', n);
    if (!dot)
        return plain_integer(t, n);
    size_t left = (size_t)(dot - t), right = n - left - 1;
    return left > 0 && right > 0 && plain_integer(t, left) && t[left - 1] != '-' &&
           plain_integer(dot + 1, right) && dot[1] != '-';
}

static void check_i64(const char *text, const char *copy, size_t n, int narrow)
{
    int64_t min = narrow ? -1000 : INT64_MIN, max = narrow ? 1000 : INT64_MAX;
    int64_t v = 77;
    int rc = ioc_parse_i64(text, n, min, max, &v);
    char *end = NULL;
    errno = 0;
    long long ref = strtoll(copy, &end, 10);
    int ref_ok = n > 0 && end == copy + n && errno == 0;
    if (rc == 0) {
        CHECK(ref_ok && ref == v && v >= min && v <= max);
        CHECK(plain_integer(text, n));
    } else {
        CHECK(rc == IOC_EINVAL && v == 77);
        CHECK(!(ref_ok && plain_integer(text, n) && ref >= min && ref <= max));
    }
}

static void check_f64(const char *text, const char *copy, size_t n, int narrow)
{
    double min = narrow ? -90.0 : -INFINITY, max = narrow ? 90.0 : INFINITY;
    double v = 77.0;
    int rc = ioc_parse_f64(text, n, min, max, &v);
    char *end = NULL;
    double ref = strtod(copy, &end);
    int ref_ok = n > 0 && end == copy + n && isfinite(ref);
    if (rc == 0) {
        CHECK(ref_ok && memcmp(&ref, &v, sizeof v) == 0 && v >= min && v <= max);
    } else {
        CHECK(rc == IOC_EINVAL && v == 77.0);
        CHECK(!(ref_ok && n <= 127 && plain_real(text, n) && ref >= min && ref <= max));
    }
}

/* The writer (fmtnum.c) on any 8 bytes taken as a double: what it writes reads back as the same
 * double through our own parser, and an int64 reads back too. */
static void check_fmt(const uint8_t *data, size_t size)
{
    if (size < 9)
        return;
    double v;
    int64_t i;
    memcpy(&v, data + 1, sizeof v);
    memcpy(&i, data + 1, sizeof i);
    char out[32];
    int n = ioc_fmt_f64(out, v);
    CHECK(n > 0 && n < 32 && (size_t)n == strlen(out));
    if (isfinite(v)) {
        double back = 0;
        CHECK(strtod(out, NULL) == v || (v != v));
        if (fabs(v) >= 1e-4 && fabs(v) < 1e15)
            CHECK(ioc_parse_f64(out, (size_t)n, -INFINITY, INFINITY, &back) == 0 && back == v);
    }
    char io[24];
    n = ioc_fmt_i64(io, i);
    int64_t iback = 0;
    CHECK(ioc_parse_i64(io, (size_t)n, INT64_MIN, INT64_MAX, &iback) == 0 && iback == i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    check_fmt(data, size);
    int narrow = data[0] & 1;
    size_t n = size - 1;
    /* Our parsers get an exact-size heap copy, so ASan sees any read past n. */
    char *text = malloc(n ? n : 1);
    char *copy = malloc(n + 1);
    if (!text || !copy) {
        free(text);
        free(copy);
        return 0;
    }
    memcpy(text, data + 1, n);
    memcpy(copy, data + 1, n);
    copy[n] = '\0';
    if (strlen(copy) == n) { /* the reference stops at a NUL: compare only without one */
        check_i64(text, copy, n, narrow);
        check_f64(text, copy, n, narrow);
    } else {
        int64_t i = 5;
        double d = 5.0;
        CHECK(ioc_parse_i64(text, n, INT64_MIN, INT64_MAX, &i) == IOC_EINVAL && i == 5);
        CHECK(ioc_parse_f64(text, n, -INFINITY, INFINITY, &d) == IOC_EINVAL && d == 5.0);
    }
    free(text);
    free(copy);
    return 0;
}
