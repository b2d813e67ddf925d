/*
 * chunk_bits.c — the bit writer and the integer stream of the chunk format.
 *
 * The integer stream holds n 64-bit values, signed or unsigned alike: all arithmetic is on
 * uint64_t and wraps, and zigzag is a bijection on 64 bits, so INT64_MIN next to INT64_MAX or
 * 0 next to UINT64_MAX round-trips with no overflow. Layout:
 *
 *   header byte   order (bits 0-1: 0..3) | 4 when every residue is zero (no blocks follow)
 *   seeds         order 1: varint zz(prev); order 2: varint zz(prev), varint zz(pdelta);
 *                 order 3: varint zz(slope)
 *   blocks        per CHUNK_BLOCK residues: a byte width (0..64) | 0x80 when a varint
 *                 zz(base - the last base written, 0 at first) follows; then each residue,
 *                 width bits, LSB first, padded to a byte: zz(residue) in a block without
 *                 base, residue - base (base = the block's minimum) in a block with one.
 *
 * Residue of order 0: x; order 1: x - prev; order 2: (x - prev) - pdelta, with
 * prev/pdelta the previous value and delta; order 3 ("trend"): x - i * slope for the i-th
 * value, slope = (last - first) / (n - 1). The seeds are chosen so the first residues of
 * orders 1 and 2 are 0. The encoder computes the exact size of each order and keeps the
 * smallest: order 1 suits gauges, order 2 counters, order 3 jittered timestamps (their offset
 * from a regular grid is the jitter alone, where a delta-of-delta is the difference of two
 * jitters, twice the range), order 0 noise around a level.
 *
 * Invariant of the reader: it touches a byte only after checking that it lies inside the
 * stream; a block's bytes are checked whole before its first value is read.
 */
#include <stdlib.h>
#include <string.h>

#include "tsdb/chunk_int.h"

/* ---- writer ---- */

static int bw_reserve(struct bw *w, size_t n)
{
    if (w->err)
        return -1;
    if (w->cap - w->len >= n)
        return 0;
    size_t cap = w->cap ? w->cap : 256;
    while (cap - w->len < n)
        cap *= 2;
    uint8_t *p = realloc(w->p, cap);
    if (!p) {
        w->err = 1;
        return -1;
    }
    w->p = p;
    w->cap = cap;
    return 0;
}

void bw_free(struct bw *w)
{
    free(w->p);
    memset(w, 0, sizeof *w);
}

void bw_byte(struct bw *w, uint8_t b)
{
    if (bw_reserve(w, 1) == 0)
        w->p[w->len++] = b;
}

void bw_bytes(struct bw *w, const void *p, size_t n)
{
    if (n && bw_reserve(w, n) == 0) {
        memcpy(w->p + w->len, p, n);
        w->len += n;
    }
}

void bw_varint(struct bw *w, uint64_t v)
{
    if (bw_reserve(w, 10) != 0)
        return;
    while (v >= 0x80) {
        w->p[w->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    w->p[w->len++] = (uint8_t)v;
}

static void put_le64(struct bw *w, uint64_t v, unsigned bytes)
{
    if (bw_reserve(w, 8) != 0)
        return;
    for (unsigned i = 0; i < bytes; i++)
        w->p[w->len++] = (uint8_t)(v >> (8 * i));
}

void bw_bits(struct bw *w, uint64_t v, unsigned width)
{
    if (width == 0)
        return;
    if (width < 64)
        v &= (UINT64_C(1) << width) - 1;
    w->acc |= v << w->nacc;
    unsigned total = w->nacc + width;
    if (total >= 64) {
        put_le64(w, w->acc, 8);
        w->acc = w->nacc ? v >> (64 - w->nacc) : 0;
        w->nacc = total - 64;
    } else {
        w->nacc = total;
    }
}

void bw_flush(struct bw *w)
{
    if (w->nacc)
        put_le64(w, w->acc, (w->nacc + 7) / 8);
    w->acc = 0;
    w->nacc = 0;
}

/* ---- reader ---- */

int varint_get(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = *pos;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (i >= len)
            return IOC_EINVAL;
        uint8_t b = p[i++];
        if (shift == 63 && b > 1)
            return IOC_EINVAL;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pos = i;
            *out = v;
            return 0;
        }
    }
    return IOC_EINVAL;
}

uint64_t bits_get(const uint8_t *p, size_t len, size_t *bit, unsigned width)
{
    size_t at = *bit >> 3;
    unsigned off = (unsigned)(*bit & 7);
    *bit += width;
    if (width == 0)
        return 0;
    if (width <= 56 && at + 8 <= len)
        return (load_le64(p + at) >> off) & ((UINT64_C(1) << width) - 1);
    uint64_t v = 0;
    unsigned got = 0;
    while (got < width) {
        unsigned take = 8 - off < width - got ? 8 - off : width - got;
        uint64_t b = (uint64_t)(p[at] >> off) & ((1u << take) - 1);
        v |= b << got;
        got += take;
        off = 0;
        at++;
    }
    return v;
}

/* ---- integer stream: encoding ---- */

static unsigned bit_width(uint64_t v)
{
    return v ? 64 - (unsigned)__builtin_clzll(v) : 0;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* The slope of order 3: (last - first) / (n - 1) rounded to nearest, so that a regular series
 * gives residues that do not drift. */
static uint64_t trend(const uint64_t *x, size_t n)
{
    if (n < 2)
        return 0;
    int64_t num = (int64_t)(x[n - 1] - x[0]), den = (int64_t)(n - 1);
    int64_t q = num / den, rem = num % den;
    if (2 * (rem < 0 ? -rem : rem) >= den)
        q += num < 0 ? -1 : 1;
    return (uint64_t)q;
}

/* The residues of one order, a block at a time. */
struct resgen {
    unsigned order;
    uint64_t prev, pd, slope;
    size_t i;
};

/* Starts the residues of x[0..n) (n >= 1); the seeds the stream stores into seed[0..1]. */
static void resgen_init(struct resgen *g, const uint64_t *x, size_t n, unsigned order,
                        uint64_t seed[2])
{
    uint64_t d0 = n > 1 ? x[1] - x[0] : 0;
    g->order = order;
    g->i = 0;
    g->pd = d0;
    g->prev = order == 2 ? x[0] - d0 : x[0];
    g->slope = order == 3 ? trend(x, n) : 0;
    seed[0] = order == 3 ? g->slope : g->prev;
    seed[1] = g->pd;
}

/* The residues of the next k values x[0..k) into r. */
static void resgen_block(struct resgen *g, const uint64_t *x, size_t k, uint64_t *r)
{
    switch (g->order) {
    case 0:
        memcpy(r, x, k * sizeof *r);
        break;
    case 1:
        for (size_t i = 0; i < k; i++) {
            r[i] = x[i] - g->prev;
            g->prev = x[i];
        }
        break;
    case 2:
        for (size_t i = 0; i < k; i++) {
            uint64_t d = x[i] - g->prev;
            r[i] = d - g->pd;
            g->pd = d;
            g->prev = x[i];
        }
        break;
    default:
        for (size_t i = 0; i < k; i++)
            r[i] = x[i] - (uint64_t)(g->i + i) * g->slope;
        break;
    }
    g->i += k;
}

/* How one block is written: its width, whether it has a base, and its size in bytes. */
struct block_plan {
    unsigned width;
    int has_base;
    uint64_t base;
    size_t bytes;
};

/* Residues r (signed, as wrapped uint64) are written either zigzagged, or as r - base with
 * base the block's minimum (then stored as a zigzag varint): whichever is smaller. */
static struct block_plan plan_block(const uint64_t *r, size_t k, uint64_t last_base)
{
    int64_t lo = (int64_t)r[0], hi = (int64_t)r[0];
    for (size_t i = 1; i < k; i++) {
        int64_t x = (int64_t)r[i];
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    /* zigzag grows with |x|: its maximum is at one end */
    uint64_t zlo = zz_enc((uint64_t)lo), zhi = zz_enc((uint64_t)hi);
    uint64_t zmax = zlo > zhi ? zlo : zhi;
    struct block_plan plain = {bit_width(zmax), 0, 0, 0};
    plain.bytes = 1 + (k * plain.width + 7) / 8;
    struct block_plan based = {bit_width((uint64_t)hi - (uint64_t)lo), 1, (uint64_t)lo, 0};
    based.bytes = 1 + varint_len(zz_enc(based.base - last_base)) + (k * based.width + 7) / 8;
    return based.bytes < plain.bytes ? based : plain;
}

static size_t seeds_size(unsigned order, const uint64_t seed[2])
{
    return (order != 0 ? varint_len(zz_enc(seed[0])) : 0) +
           (order == 2 ? varint_len(zz_enc(seed[1])) : 0);
}

/* The size of the stream of x[0..n) (n >= 1) in order; *zero whether every residue is 0. */
static size_t stream_size(const uint64_t *x, size_t n, unsigned order, int *zero)
{
    struct resgen g;
    uint64_t seed[2], r[CHUNK_BLOCK], last_base = 0;
    resgen_init(&g, x, n, order, seed);
    size_t blocks = 0;
    *zero = 1;
    for (size_t at = 0; at < n; at += CHUNK_BLOCK) {
        size_t k = n - at < CHUNK_BLOCK ? n - at : CHUNK_BLOCK;
        resgen_block(&g, x + at, k, r);
        struct block_plan b = plan_block(r, k, last_base);
        blocks += b.bytes;
        last_base = b.has_base ? b.base : last_base;
        /* all zero exactly when every block is plain of width 0 (a base would cost more) */
        *zero &= !b.has_base && b.width == 0;
    }
    return 1 + seeds_size(order, seed) + (*zero ? 0 : blocks);
}

int ints_encode(struct bw *w, const uint64_t *x, size_t n)
{
    if (n == 0) {
        bw_byte(w, 4);
        return w->err ? IOC_ENOMEM : 0;
    }
    unsigned best = 0;
    size_t best_size = SIZE_MAX;
    int zero = 1;
    for (unsigned order = 0; order <= 3; order++) {
        int z;
        size_t size = stream_size(x, n, order, &z);
        if (size < best_size) {
            best_size = size;
            best = order;
            zero = z;
        }
    }
    struct resgen g;
    uint64_t seed[2], r[CHUNK_BLOCK], last_base = 0;
    resgen_init(&g, x, n, best, seed);
    bw_byte(w, (uint8_t)(best | (zero ? 4 : 0)));
    if (best != 0)
        bw_varint(w, zz_enc(seed[0]));
    if (best == 2)
        bw_varint(w, zz_enc(seed[1]));
    for (size_t at = 0; at < n && !zero; at += CHUNK_BLOCK) {
        size_t k = n - at < CHUNK_BLOCK ? n - at : CHUNK_BLOCK;
        resgen_block(&g, x + at, k, r);
        struct block_plan b = plan_block(r, k, last_base);
        bw_byte(w, (uint8_t)(b.width | (b.has_base ? 0x80 : 0)));
        if (b.has_base) {
            bw_varint(w, zz_enc(b.base - last_base));
            last_base = b.base;
        }
        for (size_t i = 0; i < k; i++)
            bw_bits(w, b.has_base ? r[i] - b.base : zz_enc(r[i]), b.width);
        bw_flush(w);
    }
    return w->err ? IOC_ENOMEM : 0;
}

/* ---- integer stream: decoding ---- */

int ints_open(struct tsdb_intrd *r, const uint8_t *p, size_t len, uint32_t n)
{
    memset(r, 0, sizeof *r);
    if (len < 1 || (p[0] & ~7u))
        return IOC_EINVAL;
    r->p = p;
    r->len = len;
    r->pos = 1;
    r->order = p[0] & 3;
    r->zero = (p[0] >> 2) & 1;
    r->left = n;
    uint64_t s;
    if (r->order != 0) {
        if (varint_get(p, len, &r->pos, &s) != 0)
            return IOC_EINVAL;
        r->prev = zz_dec(s); /* the slope for order 3 */
    }
    if (r->order == 2) {
        if (varint_get(p, len, &r->pos, &s) != 0)
            return IOC_EINVAL;
        r->pdelta = zz_dec(s);
    }
    return 0;
}

/* Unpacks k values of width bits (1..64) from p[0..bytes), bytes = ceil(k * width / 8). */
static void unpack(const uint8_t *p, size_t bytes, unsigned width, size_t k, uint64_t *out)
{
    size_t bit = 0, i = 0;
    if (width <= 56) {
        uint64_t mask = (UINT64_C(1) << width) - 1;
        for (; i < k && (bit >> 3) + 8 <= bytes; i++, bit += width)
            out[i] = (load_le64(p + (bit >> 3)) >> (bit & 7)) & mask;
    }
    for (; i < k; i++)
        out[i] = bits_get(p, bytes, &bit, width);
}

static int start_block(struct tsdb_intrd *r)
{
    if (r->pos >= r->len)
        return IOC_EINVAL;
    uint8_t b = r->p[r->pos++];
    unsigned width = b & 0x7f;
    if (width > 64)
        return IOC_EINVAL;
    uint64_t d;
    int based = (b & 0x80) != 0;
    if (based) {
        if (varint_get(r->p, r->len, &r->pos, &d) != 0)
            return IOC_EINVAL;
        r->base += zz_dec(d); /* bases are stored as the change from the last one */
    }
    size_t k = r->left < CHUNK_BLOCK ? r->left : CHUNK_BLOCK;
    size_t bytes = (k * width + 7) / 8;
    if (bytes > r->len - r->pos)
        return IOC_EINVAL;
    if (width == 0)
        memset(r->buf, 0, k * sizeof r->buf[0]);
    else
        unpack(r->p + r->pos, bytes, width, k, r->buf);
    r->pos += bytes;
    for (size_t i = 0; i < k; i++)
        r->buf[i] = based ? r->base + r->buf[i] : zz_dec(r->buf[i]);
    r->block_n = r->in_block = (uint32_t)k;
    return 0;
}

/* The next residue, 0 in a stream of zeros. */
static int next_residue(struct tsdb_intrd *r, uint64_t *d)
{
    if (r->zero) {
        *d = 0;
        return 0;
    }
    if (r->in_block == 0 && start_block(r) != 0)
        return IOC_EINVAL;
    *d = r->buf[r->block_n - r->in_block--];
    return 0;
}

int ints_read(struct tsdb_intrd *r, uint64_t *out, size_t k)
{
    if (k > r->left)
        return IOC_EINVAL;
    for (size_t i = 0; i < k; i++) {
        uint64_t d;
        if (next_residue(r, &d) != 0) /* (its next block holds min(left, 64) values) */
            return IOC_EINVAL;
        switch (r->order) {
        case 0:
            out[i] = d;
            break;
        case 1:
            out[i] = r->prev += d;
            break;
        case 2:
            r->pdelta += d;
            out[i] = r->prev += r->pdelta;
            break;
        default:
            out[i] = d + (uint64_t)r->at * r->prev; /* prev holds the slope */
            break;
        }
        r->at++;
        r->left--;
    }
    return 0;
}

int ints_close(const struct tsdb_intrd *r)
{
    return r->left == 0 && r->in_block == 0 && r->pos == r->len ? 0 : IOC_EINVAL;
}
