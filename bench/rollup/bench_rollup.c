/* The rollup record codec (src/tsdb/rollup_codec.c) on data shaped like bench/ingest/gen.c's
 * (not part of the tests):
 *
 *   bench/rollup/run.sh [SERIES] [HOURS] [1|2]   (default 8,000 series × 10 h; 1 or 2: decode
 *                                                 that version only, for callgrind)
 *
 * Each series reads every 10 s at its own phase (1-9 s) with a few tens of ms of jitter
 * (timestamps in ms), values with 1 or 2 decimals following a daily cycle plus AR(1) noise. Its
 * points are sealed in chunks of 720 (the engine's), and each seal makes the record the engine
 * writes: the hour and day buckets the chunk touches, as they stand after it. Prints, for
 * version 1 and version 2, the blob bytes per bucket and per record, and the decode time per
 * bucket (rl_decode_level of the hour level, as a dashboard query does). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdb/rollup_int.h"

#define CHUNK 720
#define START_NS (1793491200000LL * 1000000LL) /* 2026-11-01T00:00:00Z */

static uint64_t rng_state = 0x10c5eed2026ULL;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_gauss(void)
{
    double u1 = ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
    double u2 = ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

struct blobs {
    unsigned char **p;
    size_t *len, n, cap, buckets;
};

static void keep(struct blobs *b, const struct ioc_buf *x)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1024;
        b->p = realloc(b->p, b->cap * sizeof *b->p);
        b->len = realloc(b->len, b->cap * sizeof *b->len);
        if (!b->p || !b->len)
            exit(1);
    }
    b->p[b->n] = malloc(x->len);
    if (!b->p[b->n])
        exit(1);
    memcpy(b->p[b->n], x->data, x->len);
    b->len[b->n++] = x->len;
}

/* The records of one series (npts points) into v1 and v2. */
static void series(int s, long npts, struct blobs *v1, struct blobs *v2)
{
    int dec = s % 8 == 2 ? 2 : 1;
    double scale = dec == 2 ? 100.0 : 10.0, level = 20 + (double)(rng_next() % 1000), ar = 0;
    int64_t phase = 1000 + (int64_t)(rng_next() % 8001);
    struct rl_entry hour[4], day;
    memset(&day, 0, sizeof day);
    size_t nh = 0;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (long i = 0; i < npts; i++) {
        double j = 30.0 * rng_gauss();
        int64_t ms = i * 10000 + phase + (int64_t)llround(j < -500 ? -500 : j > 500 ? 500 : j);
        int64_t t = START_NS + ms * 1000000LL;
        double h = fmod((double)ms / 3.6e6 + 7.0, 24.0);
        ar = 0.97 * ar + 0.3 * rng_gauss();
        double v = (double)llround((level * (1 + 0.2 * cos(2 * M_PI * (h - 14) / 24)) + ar +
                                    0.4 * rng_gauss()) *
                                   scale) /
                   scale;
        int64_t hs = rl_floor(t, HOUR);
        if (nh == 0 || hour[nh - 1].start != hs) {
            if (nh == 4)
                abort();
            memset(&hour[nh], 0, sizeof hour[nh]);
            hour[nh++].start = hs;
        }
        tsdb_bucket_add(&hour[nh - 1].b, t, v);
        day.start = rl_floor(t, DAY);
        tsdb_bucket_add(&day.b, t, v);
        if ((i + 1) % CHUNK == 0 || i + 1 == npts) {
            const struct rl_entry *lv[2] = {hour, &day};
            size_t n[2] = {nh, 1};
            for (int ver = 1; ver <= 2; ver++) {
                rl_set_write_version(ver);
                ioc_buf_reset(&b);
                if (rl_encode(lv, n, &b) != 0)
                    exit(1);
                keep(ver == 1 ? v1 : v2, &b);
                (ver == 1 ? v1 : v2)->buckets += nh + 1;
            }
            hour[0] = hour[nh - 1]; /* the tail goes on in the next chunk */
            nh = 1;
        }
    }
    ioc_buf_free(&b);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decodes the hour level of every record reps times; returns ns per hour bucket. */
static double decode(const struct blobs *b, int reps, double *check)
{
    size_t buckets = 0;
    double t0 = now_s(), acc = 0;
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < b->n; i++) {
            struct rl_entry *e;
            size_t n;
            if (rl_decode_level(b->p[i], b->len[i], 0, &e, &n) != 0)
                exit(2);
            for (size_t k = 0; k < n; k++)
                acc += e[k].b.sum;
            buckets += n;
            free(e);
        }
    *check = acc;
    return (now_s() - t0) * 1e9 / (double)buckets;
}

int main(int argc, char **argv)
{
    int nseries = argc > 1 ? atoi(argv[1]) : 8000;
    long hours = argc > 2 ? atol(argv[2]) : 10;
    struct blobs v1 = {0}, v2 = {0};
    for (int s = 0; s < nseries; s++)
        series(s, hours * 360, &v1, &v2);
    size_t bytes1 = 0, bytes2 = 0;
    for (size_t i = 0; i < v1.n; i++) {
        bytes1 += v1.len[i];
        bytes2 += v2.len[i];
    }
    double c1 = 0, c2 = 0, ns1 = 0, ns2 = 0;
    int reps = 5, only = argc > 3 ? atoi(argv[3]) : 0; /* 1 or 2: decode that version alone */
    if (only != 2)
        ns1 = decode(&v1, reps, &c1);
    if (only != 1)
        ns2 = decode(&v2, reps, &c2);
    if (only == 0 && c1 != c2) {
        fprintf(stderr, "v1 and v2 decode differently\n");
        return 3;
    }
    printf("%d series × %ld h: %zu records, %zu buckets (both levels)\n", nseries, hours, v1.n,
           v1.buckets);
    printf("v1: %.1f bytes/bucket, %.1f bytes/record, decode %.1f ns per hour bucket\n",
           (double)bytes1 / (double)v1.buckets, (double)bytes1 / (double)v1.n, ns1);
    printf("v2: %.1f bytes/bucket, %.1f bytes/record, decode %.1f ns per hour bucket\n",
           (double)bytes2 / (double)v2.buckets, (double)bytes2 / (double)v2.n, ns2);
    printf("v2 / v1 bytes: %.3f\n", (double)bytes2 / (double)bytes1);
    for (size_t i = 0; i < v1.n; i++) {
        free(v1.p[i]);
        free(v2.p[i]);
    }
    free(v1.p);
    free(v1.len);
    free(v2.p);
    free(v2.len);
    return 0;
}
