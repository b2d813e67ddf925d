/*
 * lp_lines.h — the line-protocol text the telemetry benchmarks parse (bench/lp_parse and
 * bench/ingest_path): one line per station and 10 s interval, 3 tags, 8 float fields with 1 to
 * 3 decimals, a millisecond timestamp, from a fixed pseudo-random sequence so that every run
 * parses the same text. Header-only: each benchmark is one C file built on its own.
 */
#ifndef IOC_BENCH_LP_LINES_H
#define IOC_BENCH_LP_LINES_H

#include "base/base.h"

static uint64_t lp_rng = 88172645463325252ULL;
static unsigned lp_next(void)
{
    lp_rng ^= lp_rng << 13;
    lp_rng ^= lp_rng >> 7;
    lp_rng ^= lp_rng << 17;
    return (unsigned)(lp_rng >> 11);
}

/* Appends one line of station s at interval t. */
static void lp_put_line(struct ioc_buf *b, unsigned s, unsigned t)
{
    static const char *const names[] = {"pm25", "pm10", "no2",  "o3",
                                        "co",   "so2",  "temp", "humidity"};
    static const unsigned scale[] = {100, 200, 80, 120, 2, 20, 40, 100};
    ioc_buf_printf(b, "air,commune=%u,kind=aq,station=DN-%04u ", 26000 + s % 95, s);
    for (int f = 0; f < 8; f++) {
        int dec = 1 + (int)(lp_next() % 3);
        unsigned p10 = dec == 1 ? 10 : dec == 2 ? 100 : 1000;
        unsigned v = lp_next() % (scale[f] * p10);
        ioc_buf_printf(b, "%s%s=%u.%0*u", f ? "," : "", names[f], v / p10, dec, v % p10);
    }
    ioc_buf_printf(b, " %llu\n", 1700000000000ULL + (unsigned long long)t * 10000);
}

#endif
