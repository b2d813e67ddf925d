/*
 * tsdb — the embedded time-series engine of ioc: no HTTP, no SQL, its own files under the data
 * directory. src/telemetry/ (line protocol, series naming, queries) stands on it.
 *
 * Errors: 0 or a negative IOC_E* code (base.h); out-parameters are written only on success.
 */
#ifndef IOC_TSDB_H
#define IOC_TSDB_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- chunks ----------------------------------------------------------------------------- */

/*
 * A chunk is an immutable, compressed run of points of ONE series of ONE value type: up to
 * TSDB_CHUNK_MAX_POINTS (timestamp, value) pairs, timestamps strictly ascending int64
 * nanoseconds (the caller sorts and de-duplicates before sealing). The format (docs/
 * architecture.md, "tsdb: chunk format") is a small header, the timestamp block (delta-of-delta
 * of the deltas divided by their largest common power of ten), the value block (floats as
 * decimal mantissas with one exponent when that is exact, else Gorilla XOR; integers and bools
 * as zigzag deltas bit-packed in blocks of 64; strings length-prefixed) and a CRC32.
 *
 * Exactness: decoding gives back every value bit for bit (-0.0, NaN payloads, ±inf, subnormals
 * included) and every timestamp.
 *
 * Chunks are outside bytes (they come back from disk): every reader checks the CRC and every
 * length against the buffer, never reads out of its bounds, allocates nothing, and answers
 * IOC_EINVAL for a damaged chunk. The length given must be the chunk's exact length.
 *
 * Threads: the functions keep no global state; a chunk may be read by many threads at once.
 */

enum tsdb_type {
    TSDB_FLOAT = 1,  /* double */
    TSDB_INT = 2,    /* int64_t */
    TSDB_UINT = 3,   /* uint64_t */
    TSDB_BOOL = 4,   /* 0 or 1 */
    TSDB_STRING = 5, /* bytes, up to TSDB_CHUNK_MAX_STRING each */
};

#define TSDB_CHUNK_MAX_POINTS 65536u
#define TSDB_CHUNK_MAX_STRING 65536u

/* One value; the member is the one of the chunk's type. A decoded string points into the
 * chunk's bytes (valid while they are) and is not NUL-terminated. */
union tsdb_value {
    double f;
    int64_t i;
    uint64_t u;
    int b;
    struct {
        const char *p;
        size_t len;
    } s;
};

/*
 * Encodes n points (1 <= n <= TSDB_CHUNK_MAX_POINTS) of type into one chunk appended to out.
 * ts must be strictly ascending; a bool must be 0 or 1; a string at most TSDB_CHUNK_MAX_STRING
 * bytes (s.p may be NULL when s.len is 0). IOC_EINVAL for bad input, IOC_ENOMEM, or the error
 * of the buffer (IOC_ETOOBIG past its max, after which it is reset, as ioc_buf does).
 */
int tsdb_chunk_encode(enum tsdb_type type, const int64_t *ts, const union tsdb_value *v, size_t n,
                      struct ioc_buf *out);

/* What the header says (read without decoding the points). */
struct tsdb_chunk_info {
    enum tsdb_type type;
    uint32_t count;
    int64_t first; /* time of the first point */
    int64_t last;  /* time of the last point */
    int ts_scale;  /* timestamps' deltas are multiples of 10^ts_scale */
    int encoding;  /* of the values: TSDB_ENC_* */
};

enum {
    TSDB_ENC_INTS = 0,    /* ints, uints, bools: zigzag delta order 0-2, bit-packed blocks */
    TSDB_ENC_DECIMAL = 1, /* floats: integer mantissas × 10^-e through TSDB_ENC_INTS */
    TSDB_ENC_XOR = 2,     /* floats: Gorilla XOR */
    TSDB_ENC_STRINGS = 3, /* strings: length-prefixed, a repeat of the previous in one byte */
};

/* Checks the CRC and the header of the chunk p[0..len) and fills *info. IOC_EINVAL if damaged. */
int tsdb_chunk_info(const void *p, size_t len, struct tsdb_chunk_info *info);

/*
 * Decodes the whole chunk into ts[] and v[] (cap entries each), *n = its count. IOC_ETOOBIG when
 * cap is less than the count (nothing written), IOC_EINVAL when the chunk is damaged (ts and v
 * may then hold a part of it).
 */
int tsdb_chunk_decode(const void *p, size_t len, int64_t *ts, union tsdb_value *v, size_t cap,
                      size_t *n);

/* ---- reading a chunk piece by piece ---- */

#define TSDB_ITER_BATCH 64

/* Private state of one integer stream (see chunk_bits.c). */
struct tsdb_intrd {
    const uint8_t *p;
    size_t len, pos;   /* pos: the next block's header */
    uint32_t left;     /* values left in the stream */
    uint32_t at;       /* index of the next value (order 3) */
    uint32_t in_block; /* values of the current block not yet read: the last ones of buf */
    uint32_t block_n;  /* values of the current block */
    uint8_t order, zero;
    uint64_t base, prev, pdelta;
    uint64_t buf[64]; /* the current block's residues */
};

/* An iterator over the points of a chunk, TSDB_ITER_BATCH at a time; no allocation. All fields
 * but info are private. */
struct tsdb_chunk_iter {
    struct tsdb_chunk_info info; /* read-only */
    uint32_t done;
    int bad; /* a damage was found: every later call fails */
    int64_t t_prev;
    uint64_t t_mult;
    struct tsdb_intrd ts, iv;
    int exp;
    const uint8_t *vp; /* XOR and string values: the stream, its length, the bit or byte at */
    size_t vlen, vpos;
    uint64_t fprev;
    unsigned flead, fbits;
    const char *sprev;
    size_t sprevlen;
};

/* Checks the CRC and header and positions it before the first point. IOC_EINVAL if damaged. */
int tsdb_chunk_iter_init(struct tsdb_chunk_iter *it, const void *p, size_t len);

/* Gives the next up to TSDB_ITER_BATCH points; *n = 0 at the end. IOC_EINVAL when the chunk
 * turns out damaged (after which every call gives IOC_EINVAL). */
int tsdb_chunk_iter_next(struct tsdb_chunk_iter *it, int64_t ts[TSDB_ITER_BATCH],
                         union tsdb_value v[TSDB_ITER_BATCH], size_t *n);

/*
 * Running aggregates over points with from <= time <= to, of any number of chunks of one
 * series: start with tsdb_agg_init and call tsdb_chunk_aggregate for each chunk. Values are
 * taken as doubles (ints past 2^53 round; bools 0/1); strings count only (sum, min, max, first
 * and last stay 0). A NaN value counts, and makes sum NaN; min and max ignore NaN.
 */
struct tsdb_agg {
    uint64_t count;
    double sum, min, max, first, last;
    int64_t first_time, last_time; /* meaningful when count > 0 */
};

void tsdb_agg_init(struct tsdb_agg *agg);

/* Adds the points of the chunk inside [from, to] to *agg, without materialising the chunk; a
 * chunk outside the range is only CRC-checked. IOC_EINVAL if damaged (then *agg is unchanged). */
int tsdb_chunk_aggregate(const void *p, size_t len, int64_t from, int64_t to, struct tsdb_agg *agg);

/* ---- end of chunks ---- */

#endif
