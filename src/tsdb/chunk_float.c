/*
 * chunk_float.c — the two encodings of float values.
 *
 * TSDB_ENC_DECIMAL: sensors report decimal numbers (23.4, 1013.25), which Gorilla's XOR codes
 * badly: 23.4 and 23.5 share few mantissa bits. When every value of the chunk is exactly
 * m / 10^e (e in [-18, 18], |m| <= 2^53) the block is one signed exponent byte followed by the
 * integer stream of the mantissas (chunk_bits.c), where a gauge's small steps take a few bits.
 * "Exactly" is decided by the decoder's own arithmetic: decimal_value(m, e) — one correctly
 * rounded IEEE division or multiplication by an exact power of ten — must give back the value
 * bit for bit. -0.0, NaN, ±inf and subnormals fail that test and send the chunk to XOR.
 *
 * TSDB_ENC_XOR: Gorilla (VLDB 2015), bits LSB first: the first value's 64 bits; then per value
 * x = bits ^ previous bits: x == 0 is one 0 bit; else bit 1, then 0 and the meaningful bits in
 * the previous window, or 1, 6 bits of leading zeros, 6 bits of (length - 1) and the bits.
 * Exact for every bit pattern. Used also when it is smaller than the decimal form.
 */
#include <math.h>
#include <string.h>

#include "tsdb/chunk_int.h"

static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                             1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

static uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static double of_bits(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

double decimal_value(int64_t m, int e)
{
    return e >= 0 ? (double)m / p10[e] : (double)m * p10[-e];
}

/* 1 and *m when v == decimal_value(m, e) bit for bit for an integer |m| <= 2^53. */
static int exact_at(double v, int e, int64_t *m)
{
    double s = e >= 0 ? v * p10[e] : v / p10[-e];
    if (!(fabs(s) <= (double)DECIMAL_MANT_MAX))
        return 0;
    /* any nearby integer will do: the check below decides */
    int64_t mm = (int64_t)(s < 0 ? s - 0.5 : s + 0.5);
    if (bits_of(decimal_value(mm, e)) != bits_of(v))
        return 0;
    *m = mm;
    return 1;
}

/* The mantissas of every value at exponent e into m[]; 0 if one is not exact. */
static int mantissas(const uint64_t *v, size_t n, int e, uint64_t *m)
{
    for (size_t i = 0; i < n; i++) {
        int64_t mm;
        if (!exact_at(of_bits(v[i]), e, &mm))
            return 0;
        m[i] = (uint64_t)mm;
    }
    return 1;
}

/* The smallest common exponent (maybe negative for round integers) at which every value is
 * exact, with the mantissas in m[]; 0 if there is none. */
static int decimal_form(const uint64_t *v, size_t n, uint64_t *m, int *exp)
{
    int e = 0;
    size_t since = 0; /* m[since..i) hold the mantissas at e */
    for (size_t i = 0; i < n; i++) {
        int64_t mm;
        while (!exact_at(of_bits(v[i]), e, &mm)) {
            if (++e > DECIMAL_EXP_MAX)
                return 0;
            since = i;
        }
        m[i] = (uint64_t)mm;
    }
    if (since > 0 && !mantissas(v, since, e, m))
        return 0;
    if (e == 0) {
        int z = 0, nonzero = 0;
        uint64_t div = 1;
        for (;;) {
            int all = 1;
            for (size_t i = 0; i < n && all; i++) {
                int64_t x = (int64_t)m[i] / (int64_t)div;
                nonzero |= x != 0;
                all = x % 10 == 0;
            }
            if (!all || !nonzero || z == DECIMAL_EXP_MAX)
                break;
            z++;
            div *= 10;
        }
        if (z > 0 && mantissas(v, n, -z, m + n)) {
            memcpy(m, m + n, n * sizeof *m);
            e = -z;
        }
    }
    *exp = e;
    return 1;
}

static void xor_write(struct bw *w, const uint64_t *v, size_t n)
{
    uint64_t prev = v[0];
    unsigned plead = 0, pbits = 0;
    bw_bits(w, prev, 64);
    for (size_t i = 1; i < n; i++) {
        uint64_t cur = v[i], x = cur ^ prev;
        prev = cur;
        if (x == 0) {
            bw_bits(w, 0, 1);
            continue;
        }
        unsigned lead = (unsigned)__builtin_clzll(x), trail = (unsigned)__builtin_ctzll(x);
        if (pbits && lead >= plead && trail >= 64 - plead - pbits) {
            bw_bits(w, 1, 2); /* bits 1, 0 */
            bw_bits(w, x >> (64 - plead - pbits), pbits);
        } else {
            unsigned sig = 64 - lead - trail;
            bw_bits(w, 3, 2); /* bits 1, 1 */
            bw_bits(w, lead, 6);
            bw_bits(w, sig - 1, 6);
            bw_bits(w, x >> trail, sig);
            plead = lead;
            pbits = sig;
        }
    }
    bw_flush(w);
}

int float_encode(struct bw *w, const uint64_t *v, size_t n, uint64_t *scratch, int *enc)
{
    struct bw dec = {0}, xr = {0};
    int e;
    if (decimal_form(v, n, scratch, &e)) {
        bw_byte(&dec, (uint8_t)(int8_t)e);
        ints_encode(&dec, scratch, n);
    }
    /* The decimal form is kept without trying XOR when it is already small. */
    if (dec.len == 0 || dec.err || dec.len > 2 * n)
        xor_write(&xr, v, n);
    int rc = IOC_ENOMEM;
    if (dec.err || xr.err)
        goto out;
    if (dec.len && (xr.len == 0 || dec.len <= xr.len)) {
        bw_bytes(w, dec.p, dec.len);
        *enc = TSDB_ENC_DECIMAL;
    } else {
        bw_bytes(w, xr.p, xr.len);
        *enc = TSDB_ENC_XOR;
    }
    rc = w->err ? IOC_ENOMEM : 0;
out:
    bw_free(&dec);
    bw_free(&xr);
    return rc;
}

/* Reads width bits of the XOR stream, or fails past its end. */
static int xbits(struct tsdb_chunk_iter *it, unsigned width, uint64_t *out)
{
    if (width > it->vlen * 8 - it->vpos)
        return IOC_EINVAL;
    *out = bits_get(it->vp, it->vlen, &it->vpos, width);
    return 0;
}

static int xor_one(struct tsdb_chunk_iter *it, uint64_t *x)
{
    uint64_t ctl, lead, sig, b;
    *x = 0;
    if (xbits(it, 1, &ctl) != 0)
        return IOC_EINVAL;
    if (!ctl)
        return 0;
    if (xbits(it, 1, &ctl) != 0)
        return IOC_EINVAL;
    if (!ctl) {
        if (it->fbits == 0 || xbits(it, it->fbits, &b) != 0)
            return IOC_EINVAL;
        *x = b << (64 - it->flead - it->fbits);
        return 0;
    }
    if (xbits(it, 6, &lead) != 0 || xbits(it, 6, &sig) != 0)
        return IOC_EINVAL;
    sig += 1;
    if (lead + sig > 64 || xbits(it, (unsigned)sig, &b) != 0)
        return IOC_EINVAL;
    *x = b << (64 - lead - sig);
    it->flead = (unsigned)lead;
    it->fbits = (unsigned)sig;
    return 0;
}

int xor_read(struct tsdb_chunk_iter *it, uint64_t *out, size_t k, int first)
{
    for (size_t i = 0; i < k; i++) {
        if (first && i == 0) {
            if (xbits(it, 64, &it->fprev) != 0)
                return IOC_EINVAL;
        } else {
            uint64_t x;
            if (xor_one(it, &x) != 0)
                return IOC_EINVAL;
            it->fprev ^= x;
        }
        out[i] = it->fprev;
    }
    return 0;
}
