/*
 * fuzz_chunk — the time-series chunk codec (src/tsdb/chunk*.c).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The first byte picks the mode:
 *   0  the rest is a chunk as read from disk: info, decode, iterate and aggregate it; each
 *      refuses with IOC_EINVAL or gives strictly ascending times, and they agree.
 *   1  the same after writing a correct CRC over the rest, so the fuzzer reaches the decoder
 *      behind the CRC.
 *   2  the rest describes points (see gen()): encode them and check that decoding gives every
 *      timestamp and value back bit for bit.
 * Chunks are decoded from exact-size heap copies, so ASan sees any read past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tsdb/tsdb.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define MAXN 2048

static int64_t ts[TSDB_CHUNK_MAX_POINTS], ts2[TSDB_CHUNK_MAX_POINTS];
static uint64_t v[TSDB_CHUNK_MAX_POINTS], v2[TSDB_CHUNK_MAX_POINTS];
static struct tsdb_str sv[TSDB_CHUNK_MAX_POINTS], sv2[TSDB_CHUNK_MAX_POINTS];

static void check_chunk(const uint8_t *p, size_t len)
{
    struct tsdb_chunk_info info;
    int irc = tsdb_chunk_info(p, len, &info);
    size_t n = 0;
    int rc = tsdb_chunk_decode(p, len, ts, v, sv, TSDB_CHUNK_MAX_POINTS, &n);
    struct tsdb_bucket sum = {0};
    int brc = tsdb_chunk_bucket(p, len, INT64_MIN, INT64_MAX, &sum);
    CHECK(irc == 0 || irc == IOC_EINVAL);
    CHECK(rc == 0 || rc == IOC_EINVAL);
    CHECK(rc != 0 || irc == 0);
    CHECK(rc == brc || (rc == 0 && info.type == TSDB_STRING && brc == IOC_EINVAL));
    if (rc != 0) {
        CHECK(sum.count == 0);
        return;
    }
    CHECK(n == info.count && n >= 1);
    /* the bucket leaves out only a point at INT64_MAX (its end is exclusive) */
    if (info.type != TSDB_STRING)
        CHECK((size_t)sum.count == n - (ts[n - 1] == INT64_MAX));
    CHECK(ts[0] == info.first && ts[n - 1] == info.last);
    for (size_t i = 1; i < n; i++)
        CHECK(ts[i] > ts[i - 1]);
    if (info.type == TSDB_BOOL)
        for (size_t i = 0; i < n; i++)
            CHECK(v[i] <= 1);
    if (info.type == TSDB_STRING)
        for (size_t i = 0; i < n; i++)
            CHECK(sv[i].n <= TSDB_CHUNK_MAX_STRING && (const uint8_t *)sv[i].s >= p &&
                  (const uint8_t *)sv[i].s + sv[i].n <= p + len);
}

/* A cursor over the fuzz input; reads past its end give zeros. */
struct src {
    const uint8_t *p;
    size_t len, at;
};

static uint64_t take(struct src *s, unsigned bytes)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < bytes; i++)
        x = x << 8 | (s->at < s->len ? s->p[s->at++] : 0);
    return x;
}

static const double p10[] = {1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

static void gen_value(struct src *s, enum tsdb_type type, size_t i, unsigned c)
{
    uint64_t prev = i ? v[i - 1] : 0;
    unsigned k = (unsigned)take(s, 1);
    switch (type) {
    case TSDB_FLOAT: {
        uint64_t raw = take(s, 8);
        double d[2] = {(double)(int16_t)raw / p10[k % 4], (double)(int32_t)raw * p10[k % 10]};
        uint64_t bits[4] = {0, raw, prev, 0};
        memcpy(&bits[0], &d[0], sizeof d[0]);
        memcpy(&bits[3], &d[1], sizeof d[1]);
        v[i] = bits[c % 4];
        break;
    }
    case TSDB_INT:
    case TSDB_UINT: {
        uint64_t raw = take(s, c % 4 == 1 ? 8 : 2);
        uint64_t d[4] = {prev + (uint64_t)(int8_t)raw, raw, prev,
                         prev + (uint64_t)(int16_t)raw * 1000};
        v[i] = d[c % 4];
        break;
    }
    case TSDB_BOOL:
        v[i] = c & 1;
        break;
    case TSDB_STRING:
        sv[i].n = c % 4 == 3 ? (size_t)take(s, 2) % (TSDB_CHUNK_MAX_STRING + 1) : k % 32;
        if (s->len - s->at < sv[i].n)
            sv[i].n = s->len - s->at;
        sv[i].s = (const char *)s->p + s->at;
        s->at += sv[i].n;
        break;
    }
}

/* Points from the input: a type byte, a start time, then per point a control byte choosing the
 * kind of time step and of value, and the bytes those need. */
static size_t gen(struct src *s, enum tsdb_type *type)
{
    *type = (enum tsdb_type)(take(s, 1) % 5 + 1);
    int64_t t = (int64_t)take(s, 8);
    size_t n = 0;
    while (s->at < s->len && n < MAXN) {
        unsigned c = (unsigned)take(s, 1);
        if (n > 0) {
            uint64_t b = take(s, 1), step;
            switch (c & 3) {
            case 0:
                step = 1 + b;
                break;
            case 1:
                step = (uint64_t)(10000 + (int8_t)b) * 1000000;
                break;
            case 2:
                step = (take(s, 8) >> (b % 63 + 1)) + 1; /* never wraps to 0 */
                break;
            default:
                step = (uint64_t)p10[b % 10] * (1 + take(s, 1));
                break;
            }
            if (step > (uint64_t)INT64_MAX - (uint64_t)t)
                break;
            t = (int64_t)((uint64_t)t + step);
        }
        ts[n] = t;
        gen_value(s, *type, n, c >> 2);
        n++;
    }
    return n;
}

static void round_trip(const uint8_t *data, size_t size)
{
    struct src s = {data, size, 0};
    enum tsdb_type type;
    size_t n = gen(&s, &type);
    if (n == 0)
        return;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    CHECK(tsdb_chunk_encode(type, ts, v, sv, n, &b) == 0);
    uint8_t *c = malloc(b.len);
    CHECK(c != NULL);
    memcpy(c, b.data, b.len);
    size_t got = 0;
    CHECK(tsdb_chunk_decode(c, b.len, ts2, v2, sv2, n, &got) == 0 && got == n);
    for (size_t i = 0; i < n; i++) {
        CHECK(ts2[i] == ts[i]);
        if (type == TSDB_STRING)
            CHECK(sv2[i].n == sv[i].n && (sv[i].n == 0 || memcmp(sv2[i].s, sv[i].s, sv[i].n) == 0));
        else
            CHECK(v2[i] == v[i]); /* floats compared bit for bit */
    }
    free(c);
    ioc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    int mode = data[0] % 3;
    size_t n = size - 1;
    if (mode == 2) {
        round_trip(data + 1, n);
        return 0;
    }
    uint8_t *c = malloc(n ? n : 1);
    CHECK(c != NULL);
    memcpy(c, data + 1, n);
    if (mode == 1 && n >= 4) {
        uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), c, n - 4);
        for (int i = 0; i < 4; i++)
            c[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    }
    check_chunk(c, n);
    free(c);
    return 0;
}
