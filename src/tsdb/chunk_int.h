/*
 * chunk_int.h — the pieces the chunk files share inside src/tsdb/: a growable bit writer, the
 * varint and zigzag helpers, the integer stream (chunk_bits.c) and the float encodings
 * (chunk_float.c). Not for other modules.
 */
#ifndef IOC_TSDB_CHUNK_INT_H
#define IOC_TSDB_CHUNK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tsdb/tsdb.h"

#define CHUNK_VERSION 1
#define CHUNK_BLOCK 64 /* values per bit-packed block */
_Static_assert(CHUNK_BLOCK == IOC_ARRAY_LEN(((struct tsdb_intrd *)0)->buf),
               "a reader's buffer holds one block");

/* A growable byte vector with a bit accumulator (bits LSB first). err is set on allocation
 * failure; every later write is then ignored. */
struct bw {
    uint8_t *p;
    size_t len, cap;
    uint64_t acc;
    unsigned nacc;
    int err;
};

void bw_free(struct bw *w);
void bw_byte(struct bw *w, uint8_t b);
void bw_bytes(struct bw *w, const void *p, size_t n);
void bw_varint(struct bw *w, uint64_t v);
/* Appends the low width bits of v (width 0..64). */
void bw_bits(struct bw *w, uint64_t v, unsigned width);
/* Pads the pending bits to a whole byte and writes them. */
void bw_flush(struct bw *w);

static inline uint64_t zz_enc(uint64_t v)
{
    return (v << 1) ^ (0 - (v >> 63));
}

static inline uint64_t zz_dec(uint64_t v)
{
    return (v >> 1) ^ (0 - (v & 1));
}

/* The 8 bytes at p as a little-endian number. */
static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
#endif
}

/* Reads a varint at p[*pos..len); IOC_EINVAL if it runs past len or past 64 bits. */
int varint_get(const uint8_t *p, size_t len, size_t *pos, uint64_t *out);

/* Reads width bits (0..64) at bit *bit of p[0..len), LSB first; the caller has checked that
 * they lie inside p. */
uint64_t bits_get(const uint8_t *p, size_t len, size_t *bit, unsigned width);

/*
 * The integer stream: n 64-bit values (signed or not: arithmetic wraps) as residues of delta
 * order 0, 1, 2 or of a linear trend (the smallest wins), in blocks of CHUNK_BLOCK with a width
 * byte and an optional base each. Returns 0 or IOC_ENOMEM (w->err).
 */
int ints_encode(struct bw *w, const uint64_t *x, size_t n);
/* Prepares r to read n values from the stream p[0..len). IOC_EINVAL if its header is bad. */
int ints_open(struct tsdb_intrd *r, const uint8_t *p, size_t len, uint32_t n);
/* Reads the next k values (k <= what is left). IOC_EINVAL if the stream is damaged. */
int ints_read(struct tsdb_intrd *r, uint64_t *out, size_t k);
/* 0 if the whole stream was read and nothing follows it, else IOC_EINVAL. */
int ints_close(const struct tsdb_intrd *r);

/*
 * Floats. float_encode writes the value block: TSDB_ENC_DECIMAL when every value is exactly
 * m / 10^e (checked by decoding), else TSDB_ENC_XOR; *enc says which. scratch holds 2n values.
 */
int float_encode(struct bw *w, const uint64_t *v, size_t n, uint64_t *scratch, int *enc);
/* The decimal value of mantissa m and exponent e, as the decoder computes it. */
double decimal_value(int64_t m, int e);
/* The exponent range and the mantissa bound of TSDB_ENC_DECIMAL. */
#define DECIMAL_EXP_MAX 18
#define DECIMAL_MANT_MAX (INT64_C(1) << 53)

/* Gorilla XOR reading, state in the iterator (vp, vlen, vpos as a bit index, fprev, flead,
 * fbits). xor_read reads k values. IOC_EINVAL past the end. */
int xor_read(struct tsdb_chunk_iter *it, uint64_t *out, size_t k, int first);

#endif
