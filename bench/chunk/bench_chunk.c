/*
 * bench_chunk — the tsdb chunk codec's speed and size on generated sensor data: STATIONS
 * stations × 8 float fields × one day at 10 s (default 1,000 × 8 × 8,640 = 69 M values), ms
 * timestamps with a few ms of jitter, values with the decimals real sensors report.
 *
 *   bench_chunk [STATIONS] [POINTS_PER_CHUNK]      (defaults 1000 and 8640, one chunk a day)
 *
 * Each series is generated, then encoded, decoded (every point) and aggregated (one
 * tsdb_bucket of the whole chunk, through the iterator), each step timed alone; generation is
 * not timed.
 * Prints one "key value" per line; speeds are per second of this thread's CPU time, bytes per
 * value count the timestamps too (each chunk holds its own), as on disk.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdb/tsdb.h"

#define FIELDS 8
#define DAY 8640

/* CPU time of this thread: the figures hold on a machine shared with other work. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static double unit(void) /* [0, 1) */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double noise(double amp)
{
    return (unit() * 2 - 1) * amp;
}

static double round_to(double x, int decimals)
{
    double p = pow(10, decimals);
    return round(x * p) / p;
}

/* One field of one station: a daily cycle, drift and noise, rounded as the sensor reports. */
static void gen_field(int field, int station, int64_t *ts, uint64_t *v)
{
    static const int64_t day0 = 1764547200000LL; /* 2025-12-01T00:00Z in ms */
    double phase = (double)(station % 17) / 17.0, level = 0, rain = 0;
    for (int i = 0; i < DAY; i++) {
        double d = sin(2 * M_PI * ((double)i / DAY - 0.375 + phase * 0.05));
        ts[i] = (day0 + (int64_t)i * 10000 + (int64_t)(unit() * 9) - 4) * 1000000;
        double x;
        switch (field) {
        case 0: /* temperature °C, 1 decimal */
            x = round_to(29 + 5 * d + noise(0.3), 1);
            break;
        case 1: /* relative humidity %, whole */
            x = round(75 - 15 * d + noise(1.5));
            break;
        case 2: /* pressure hPa, 1 decimal */
            x = round_to(1010 + 2 * sin(4 * M_PI * i / DAY) + noise(0.2), 1);
            break;
        case 3: /* wind m/s, 1 decimal, gusty */
            x = round_to(fabs(3 + 2 * d + noise(1.5)), 1);
            break;
        case 4: /* PM2.5 µg/m³, 1 decimal */
            x = round_to(35 + 20 * d * d + noise(3), 1);
            break;
        case 5: /* rain counter mm, 0.2 mm steps */
            rain += unit() < 0.02 ? 0.2 * (1 + (int)(unit() * 3)) : 0;
            x = round_to(rain, 1);
            break;
        case 6: /* river level m, 2 decimals, slow */
            level += noise(0.004);
            x = round_to(2.5 + 0.3 * d + level, 2);
            break;
        default: /* battery V, 3 decimals, draining */
            x = round_to(4.1 - 0.5 * i / DAY + noise(0.002), 3);
            break;
        }
        memcpy(&v[i], &x, sizeof x); /* a float value is its bits */
    }
}

int main(int argc, char **argv)
{
    int stations = argc > 1 ? atoi(argv[1]) : 1000;
    int per = argc > 2 ? atoi(argv[2]) : DAY;
    if (stations < 1 || per < 1 || per > DAY)
        return fprintf(stderr, "usage: bench_chunk [STATIONS] [POINTS_PER_CHUNK <= %d]\n", DAY), 2;
    static int64_t ts[DAY], ts2[DAY];
    static uint64_t v[DAY], v2[DAY];
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    double t_enc = 0, t_dec = 0, t_agg = 0;
    size_t bytes[FIELDS] = {0}, chunks = 0, xor_chunks = 0;
    uint64_t values = 0;
    for (int s = 0; s < stations; s++) {
        for (int f = 0; f < FIELDS; f++) {
            gen_field(f, s, ts, v);
            for (int at = 0; at < DAY; at += per) {
                size_t n = (size_t)(DAY - at < per ? DAY - at : per);
                ioc_buf_reset(&b);
                double t0 = now();
                if (tsdb_chunk_encode(TSDB_FLOAT, ts + at, v + at, NULL, n, &b) != 0)
                    return fprintf(stderr, "encode failed\n"), 1;
                double t1 = now();
                size_t got = 0;
                if (tsdb_chunk_decode(b.data, b.len, ts2, v2, NULL, DAY, &got) != 0 || got != n)
                    return fprintf(stderr, "decode failed\n"), 1;
                double t2 = now();
                struct tsdb_bucket sum = {0};
                if (tsdb_chunk_bucket(b.data, b.len, INT64_MIN, INT64_MAX, &sum) != 0)
                    return fprintf(stderr, "aggregate failed\n"), 1;
                double t3 = now();
                if (memcmp(ts2, ts + at, n * sizeof *ts) != 0 ||
                    memcmp(v2, v + at, n * sizeof *v) != 0)
                    return fprintf(stderr, "round trip differs\n"), 1;
                struct tsdb_chunk_info info;
                tsdb_chunk_info(b.data, b.len, &info);
                xor_chunks += info.encoding == TSDB_ENC_XOR;
                t_enc += t1 - t0;
                t_dec += t2 - t1;
                t_agg += t3 - t2;
                bytes[f] += b.len;
                chunks++;
                values += n;
            }
        }
    }
    size_t total = 0;
    for (int f = 0; f < FIELDS; f++)
        total += bytes[f];
    static const char *names[FIELDS] = {"temperature", "humidity", "pressure", "wind",
                                        "pm25",        "rain",     "level",    "battery"};
    printf("values %llu\nchunks %zu\nxor_chunks %zu\n", (unsigned long long)values, chunks,
           xor_chunks);
    printf("bytes %zu\nbytes_per_value %.3f\n", total, (double)total / (double)values);
    for (int f = 0; f < FIELDS; f++)
        printf("bytes_per_value_%s %.3f\n", names[f], (double)bytes[f] / ((double)values / FIELDS));
    printf("encode_values_per_s %.0f\n", (double)values / t_enc);
    printf("decode_values_per_s %.0f\n", (double)values / t_dec);
    printf("aggregate_values_per_s %.0f\n", (double)values / t_agg);
    ioc_buf_free(&b);
    return 0;
}
