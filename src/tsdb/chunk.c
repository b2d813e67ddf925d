/*
 * chunk.c — the chunk: its header, encoding, checking, and reading by batches.
 *
 * Layout (all varints are LEB128, zz() is zigzag):
 *
 *   byte    version (1)
 *   byte    type (enum tsdb_type)
 *   byte    value encoding (TSDB_ENC_*; must suit the type)
 *   varint  count, 1..TSDB_CHUNK_MAX_POINTS
 *   varint  zz(first time)
 *   varint  last - first (ns; > 0 unless count is 1)
 *   byte    scale s, 0..18: every delta between timestamps is a multiple of 10^s
 *   varint  length, then the timestamp block: the integer stream (chunk_bits.c) of the
 *           count - 1 offsets (time - first) / 10^s. Its order 1 stores the deltas, order 2
 *           the delta-of-delta, order 3 the offset from a regular grid; 10 s steps with a few
 *           ms of jitter take ~4 bits, a perfectly regular series a few bytes in all.
 *   varint  length, then the value block:
 *             TSDB_ENC_INTS     the integer stream of the values (bools 0/1)
 *             TSDB_ENC_DECIMAL  signed exponent byte, the integer stream of the mantissas
 *             TSDB_ENC_XOR      Gorilla XOR bits (chunk_float.c)
 *             TSDB_ENC_STRINGS  per value varint 0 (same as the previous) or length + 1 and
 *                               the bytes
 *   4 bytes CRC-32 (zlib) of everything before, little endian
 *
 * Invariants checked on every read (a chunk comes back from disk, so it is outside bytes): the
 * CRC; every length inside the buffer and nothing after the last block; the encoding suits the
 * type; timestamps strictly ascending without overflow and ending at the header's last time;
 * each stream read to its exact end; bools 0/1, mantissas within 2^53, strings within the cap.
 * The first/last times in the header let a query skip a chunk without decoding it.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tsdb/chunk_int.h"

static const uint64_t pow10u[] = {1,
                                  10,
                                  100,
                                  1000,
                                  10000,
                                  100000,
                                  1000000,
                                  10000000,
                                  100000000,
                                  1000000000,
                                  10000000000ULL,
                                  100000000000ULL,
                                  1000000000000ULL,
                                  10000000000000ULL,
                                  100000000000000ULL,
                                  1000000000000000ULL,
                                  10000000000000000ULL,
                                  100000000000000000ULL,
                                  1000000000000000000ULL};

#define SCALE_MAX 18

/* ---- encoding ---- */

static int check_input(enum tsdb_type type, const int64_t *ts, const uint64_t *v,
                       const struct tsdb_str *s, size_t n)
{
    if (type < TSDB_FLOAT || type > TSDB_STRING || n < 1 || n > TSDB_CHUNK_MAX_POINTS || !ts ||
        (type == TSDB_STRING ? !s : !v))
        return IOC_EINVAL;
    for (size_t i = 1; i < n; i++)
        if (ts[i] <= ts[i - 1])
            return IOC_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (type == TSDB_BOOL && v[i] > 1)
            return IOC_EINVAL;
        if (type == TSDB_STRING && (s[i].n > TSDB_CHUNK_MAX_STRING || (!s[i].s && s[i].n)))
            return IOC_EINVAL;
    }
    return 0;
}

/* The scale s (the largest power of ten dividing every delta) and the offsets of the times
 * after the first, (ts[i] - ts[0]) / 10^s, into o[0..n-1). */
static int ts_offsets(const int64_t *ts, size_t n, uint64_t *o)
{
    int s = n > 1 ? SCALE_MAX : 0;
    for (size_t i = 1; i < n; i++) {
        uint64_t d = (uint64_t)ts[i] - (uint64_t)ts[i - 1];
        while (s > 0 && d % pow10u[s] != 0)
            s--;
    }
    for (size_t i = 1; i < n; i++)
        o[i - 1] = ((uint64_t)ts[i] - (uint64_t)ts[0]) / pow10u[s];
    return s;
}

static void strings_write(struct bw *w, const struct tsdb_str *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && s[i].n == s[i - 1].n &&
            (s[i].n == 0 || memcmp(s[i].s, s[i - 1].s, s[i].n) == 0)) {
            bw_varint(w, 0);
            continue;
        }
        bw_varint(w, (uint64_t)s[i].n + 1);
        bw_bytes(w, s[i].s, s[i].n);
    }
}

/* The value block into w; *enc its encoding. scratch holds 2n values. */
static int values_write(struct bw *w, enum tsdb_type type, const uint64_t *v,
                        const struct tsdb_str *s, size_t n, uint64_t *scratch, int *enc)
{
    if (type == TSDB_STRING) {
        strings_write(w, s, n);
        *enc = TSDB_ENC_STRINGS;
        return w->err ? IOC_ENOMEM : 0;
    }
    if (type == TSDB_FLOAT)
        return float_encode(w, v, n, scratch, enc);
    *enc = TSDB_ENC_INTS;
    return ints_encode(w, v, n);
}

static void put_block(struct bw *w, const struct bw *block)
{
    bw_varint(w, block->len);
    bw_bytes(w, block->p, block->len);
}

int tsdb_chunk_encode(enum tsdb_type type, const int64_t *ts, const uint64_t *v,
                      const struct tsdb_str *s, size_t n, struct ioc_buf *out)
{
    int rc = check_input(type, ts, v, s, n);
    if (rc != 0)
        return rc;
    struct bw tsb = {0}, vb = {0}, w = {0};
    uint64_t *x = malloc(3 * n * sizeof *x);
    rc = IOC_ENOMEM;
    if (!x)
        goto out;
    int scale = ts_offsets(ts, n, x), enc = 0;
    if (ints_encode(&tsb, x, n - 1) != 0)
        goto out;
    if ((rc = values_write(&vb, type, v, s, n, x + n, &enc)) != 0)
        goto out;
    bw_byte(&w, CHUNK_VERSION);
    bw_byte(&w, (uint8_t)type);
    bw_byte(&w, (uint8_t)enc);
    bw_varint(&w, n);
    bw_varint(&w, zz_enc((uint64_t)ts[0]));
    bw_varint(&w, (uint64_t)ts[n - 1] - (uint64_t)ts[0]);
    bw_byte(&w, (uint8_t)scale);
    put_block(&w, &tsb);
    put_block(&w, &vb);
    rc = IOC_ENOMEM;
    if (w.err)
        goto out;
    uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), w.p, w.len);
    uint8_t le[4] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
    bw_bytes(&w, le, 4);
    rc = w.err ? IOC_ENOMEM : ioc_buf_append(out, w.p, w.len);
out:
    free(x);
    bw_free(&tsb);
    bw_free(&vb);
    bw_free(&w);
    return rc;
}

/* ---- header ---- */

struct parsed {
    struct tsdb_chunk_info info;
    const uint8_t *tsp, *vp;
    size_t tslen, vlen;
};

static int enc_suits(enum tsdb_type type, int enc)
{
    switch (type) {
    case TSDB_FLOAT:
        return enc == TSDB_ENC_DECIMAL || enc == TSDB_ENC_XOR;
    case TSDB_INT:
    case TSDB_UINT:
    case TSDB_BOOL:
        return enc == TSDB_ENC_INTS;
    case TSDB_STRING:
        return enc == TSDB_ENC_STRINGS;
    }
    return 0;
}

static int get_block(const uint8_t *p, size_t len, size_t *pos, const uint8_t **bp, size_t *blen)
{
    uint64_t n;
    if (varint_get(p, len, pos, &n) != 0 || n > len - *pos)
        return IOC_EINVAL;
    *bp = p + *pos;
    *blen = (size_t)n;
    *pos += (size_t)n;
    return 0;
}

static int parse(const uint8_t *p, size_t len, struct parsed *h)
{
    if (!p || len < 12)
        return IOC_EINVAL;
    size_t body = len - 4, pos = 3;
    uint32_t want = (uint32_t)p[body] | (uint32_t)p[body + 1] << 8 | (uint32_t)p[body + 2] << 16 |
                    (uint32_t)p[body + 3] << 24;
    if ((uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), p, body) != want)
        return IOC_EINVAL;
    memset(h, 0, sizeof *h);
    if (p[0] != CHUNK_VERSION || p[1] < TSDB_FLOAT || p[1] > TSDB_STRING ||
        !enc_suits((enum tsdb_type)p[1], p[2]))
        return IOC_EINVAL;
    h->info.type = (enum tsdb_type)p[1];
    h->info.encoding = p[2];
    uint64_t count, first, span;
    if (varint_get(p, body, &pos, &count) != 0 || count < 1 || count > TSDB_CHUNK_MAX_POINTS ||
        varint_get(p, body, &pos, &first) != 0 || varint_get(p, body, &pos, &span) != 0)
        return IOC_EINVAL;
    h->info.count = (uint32_t)count;
    h->info.first = (int64_t)zz_dec(first);
    /* last = first + span must not pass INT64_MAX and must leave room for count points */
    if (span > (uint64_t)INT64_MAX - (uint64_t)h->info.first || span < count - 1 ||
        (count == 1 && span != 0))
        return IOC_EINVAL;
    h->info.last = (int64_t)((uint64_t)h->info.first + span);
    if (pos >= body || p[pos] > SCALE_MAX)
        return IOC_EINVAL;
    h->info.ts_scale = p[pos++];
    if (get_block(p, body, &pos, &h->tsp, &h->tslen) != 0 ||
        get_block(p, body, &pos, &h->vp, &h->vlen) != 0 || pos != body)
        return IOC_EINVAL;
    return 0;
}

int tsdb_chunk_info(const void *p, size_t len, struct tsdb_chunk_info *info)
{
    struct parsed h;
    if (parse(p, len, &h) != 0)
        return IOC_EINVAL;
    *info = h.info;
    return 0;
}

/* ---- reading ---- */

int tsdb_chunk_iter_init(struct tsdb_chunk_iter *it, const void *p, size_t len)
{
    struct parsed h;
    memset(it, 0, sizeof *it);
    it->bad = 1;
    if (parse(p, len, &h) != 0)
        return IOC_EINVAL;
    it->info = h.info;
    it->t_prev = h.info.first;
    it->t_mult = pow10u[h.info.ts_scale];
    if (ints_open(&it->ts, h.tsp, h.tslen, h.info.count - 1) != 0)
        return IOC_EINVAL;
    switch (h.info.encoding) {
    case TSDB_ENC_INTS:
        if (ints_open(&it->iv, h.vp, h.vlen, h.info.count) != 0)
            return IOC_EINVAL;
        break;
    case TSDB_ENC_DECIMAL:
        if (h.vlen < 1)
            return IOC_EINVAL;
        it->exp = (int8_t)h.vp[0];
        if (it->exp < -DECIMAL_EXP_MAX || it->exp > DECIMAL_EXP_MAX ||
            ints_open(&it->iv, h.vp + 1, h.vlen - 1, h.info.count) != 0)
            return IOC_EINVAL;
        break;
    default: /* XOR and strings read the block themselves */
        it->vp = h.vp;
        it->vlen = h.vlen;
        break;
    }
    it->bad = 0;
    return 0;
}

/* k timestamps into ts[]. */
static int read_times(struct tsdb_chunk_iter *it, int64_t *ts, size_t k)
{
    uint64_t o[TSDB_ITER_BATCH];
    uint64_t span = (uint64_t)it->info.last - (uint64_t)it->info.first;
    size_t i = 0;
    if (it->done == 0)
        ts[i++] = it->info.first;
    if (ints_read(&it->ts, o, k - i) != 0)
        return IOC_EINVAL;
    for (size_t j = 0; i < k; i++, j++) {
        /* first + o * mult stays within [first, last]: no overflow */
        if (o[j] > span / it->t_mult)
            return IOC_EINVAL;
        int64_t t = (int64_t)((uint64_t)it->info.first + o[j] * it->t_mult);
        if (t <= it->t_prev)
            return IOC_EINVAL;
        it->t_prev = t;
        ts[i] = t;
    }
    return 0;
}

static int read_strings(struct tsdb_chunk_iter *it, struct tsdb_str *s, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        uint64_t l;
        if (varint_get(it->vp, it->vlen, &it->vpos, &l) != 0)
            return IOC_EINVAL;
        if (l == 0) {
            if (it->done == 0 && i == 0)
                return IOC_EINVAL;
        } else {
            l -= 1;
            if (l > TSDB_CHUNK_MAX_STRING || l > it->vlen - it->vpos)
                return IOC_EINVAL;
            it->sprev = (const char *)it->vp + it->vpos;
            it->sprevlen = (size_t)l;
            it->vpos += (size_t)l;
        }
        s[i].s = it->sprev;
        s[i].n = it->sprevlen;
    }
    return 0;
}

static int read_values(struct tsdb_chunk_iter *it, uint64_t *v, struct tsdb_str *s, size_t k)
{
    switch (it->info.encoding) {
    case TSDB_ENC_XOR:
        return xor_read(it, v, k, it->done == 0);
    case TSDB_ENC_STRINGS:
        return read_strings(it, s, k);
    default:
        break;
    }
    if (ints_read(&it->iv, v, k) != 0)
        return IOC_EINVAL;
    for (size_t i = 0; i < k; i++) {
        if (it->info.encoding == TSDB_ENC_DECIMAL) {
            int64_t m = (int64_t)v[i];
            if (m > DECIMAL_MANT_MAX || m < -DECIMAL_MANT_MAX)
                return IOC_EINVAL;
            double d = decimal_value(m, it->exp);
            memcpy(&v[i], &d, sizeof d);
        } else if (it->info.type == TSDB_BOOL && v[i] > 1) {
            return IOC_EINVAL;
        }
    }
    return 0;
}

/* After the last point: every stream read to its end, and the last time as announced. */
static int check_end(const struct tsdb_chunk_iter *it)
{
    if (it->t_prev != it->info.last || ints_close(&it->ts) != 0)
        return IOC_EINVAL;
    switch (it->info.encoding) {
    case TSDB_ENC_XOR:
        return (it->vpos + 7) / 8 == it->vlen ? 0 : IOC_EINVAL;
    case TSDB_ENC_STRINGS:
        return it->vpos == it->vlen ? 0 : IOC_EINVAL;
    default:
        return ints_close(&it->iv);
    }
}

int tsdb_chunk_iter_next(struct tsdb_chunk_iter *it, int64_t ts[TSDB_ITER_BATCH],
                         uint64_t v[TSDB_ITER_BATCH], struct tsdb_str s[TSDB_ITER_BATCH], size_t *n)
{
    if (it->bad || (it->info.type == TSDB_STRING ? !s : !v))
        return IOC_EINVAL;
    size_t k = it->info.count - it->done;
    k = k < TSDB_ITER_BATCH ? k : TSDB_ITER_BATCH;
    if (k == 0) {
        *n = 0;
        return 0;
    }
    if (read_times(it, ts, k) != 0 || read_values(it, v, s, k) != 0) {
        it->bad = 1;
        return IOC_EINVAL;
    }
    it->done += (uint32_t)k;
    if (it->done == it->info.count && check_end(it) != 0) {
        it->bad = 1;
        return IOC_EINVAL;
    }
    *n = k;
    return 0;
}

int tsdb_chunk_decode(const void *p, size_t len, int64_t *ts, uint64_t *v, struct tsdb_str *s,
                      size_t cap, size_t *n)
{
    struct tsdb_chunk_iter it;
    if (tsdb_chunk_iter_init(&it, p, len) != 0)
        return IOC_EINVAL;
    int string = it.info.type == TSDB_STRING;
    if (string ? !s : !v)
        return IOC_EINVAL;
    if (it.info.count > cap)
        return IOC_ETOOBIG;
    size_t got = 0, k;
    do {
        if (tsdb_chunk_iter_next(&it, ts + got, string ? NULL : v + got, string ? s + got : NULL,
                                 &k) != 0)
            return IOC_EINVAL;
        got += k;
    } while (k > 0);
    *n = got;
    return 0;
}

/* ---- aggregation ---- */

double tsdb_value_double(enum tsdb_type type, uint64_t v)
{
    double d;
    switch (type) {
    case TSDB_FLOAT:
        memcpy(&d, &v, sizeof d);
        return d;
    case TSDB_INT:
        return (double)(int64_t)v;
    default:
        return (double)v;
    }
}

/* The points of the chunk with from <= time < to, to add(ctx, t, value) as doubles. */
static int chunk_fold(const void *p, size_t len, int64_t from, int64_t to,
                      void (*add)(void *ctx, int64_t t, double v), void *ctx)
{
    struct tsdb_chunk_iter it;
    if (tsdb_chunk_iter_init(&it, p, len) != 0 || it.info.type == TSDB_STRING)
        return IOC_EINVAL;
    if (it.info.last < from || it.info.first >= to)
        return 0;
    int64_t ts[TSDB_ITER_BATCH];
    uint64_t v[TSDB_ITER_BATCH];
    size_t k;
    do {
        if (tsdb_chunk_iter_next(&it, ts, v, NULL, &k) != 0)
            return IOC_EINVAL;
        for (size_t i = 0; i < k; i++) {
            if (ts[i] >= to)
                return 0;
            if (ts[i] >= from)
                add(ctx, ts[i], tsdb_value_double(it.info.type, v[i]));
        }
    } while (k > 0);
    return 0;
}

static void bucket_add(void *ctx, int64_t t, double v)
{
    tsdb_bucket_add(ctx, t, v);
}

int tsdb_chunk_bucket(const void *p, size_t len, int64_t from, int64_t to, struct tsdb_bucket *b)
{
    struct tsdb_bucket sum = *b;
    int rc = chunk_fold(p, len, from, to, bucket_add, &sum);
    if (rc == 0)
        *b = sum;
    return rc;
}

static void window_add(void *ctx, int64_t t, double v)
{
    tsdb_window_add(ctx, t, v);
}

int tsdb_chunk_window(const void *p, size_t len, struct tsdb_window *w)
{
    return chunk_fold(p, len, w->start, w->end, window_add, w);
}
