/*
 * lp_parse — the line-protocol parser alone (src/telemetry/lp.c), lines and values per second
 * on one core, over a generated realistic payload held in memory:
 *
 *   lp_parse [STATIONS [INTERVALS [PASSES]]]     (default 1000 stations, 250 intervals, 5)
 *
 * Each line is one station at one 10 s interval: 3 tags (station, commune, kind), 8 float fields
 * with 1 to 3 decimals, a millisecond timestamp, e.g.
 *   air,commune=26734,kind=aq,station=DN-0042 pm25=12.3,pm10=25.17,...,humidity=78.2 1700000010000
 * The text is parsed PASSES times with precision ms; the best pass is reported as
 * "lp_lines_per_s X", "lp_values_per_s Y" (values = fields), with the bytes per second, all
 * from the wall clock, and "lp_values_per_cpu_s Z" from the thread's CPU time (steadier on a
 * shared machine, where the wall clock also counts time spent waiting for a core).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/telemetry.h"
#include "lp_lines.h"

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sink {
    size_t fields;
    double sum;
};

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct sink *k = ctx;
    k->fields += pt->nfields;
    k->sum += pt->fields[0].v.f + (double)pt->time_ns * 1e-18;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned stations = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    unsigned intervals = argc > 2 ? (unsigned)atoi(argv[2]) : 250;
    int passes = argc > 3 ? atoi(argv[3]) : 5;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (unsigned t = 0; t < intervals; t++)
        for (unsigned s = 0; s < stations; s++)
            lp_put_line(&b, s, t);
    if (!b.data)
        return fprintf(stderr, "lp_parse: out of memory\n"), 1;
    size_t lines = (size_t)stations * intervals;
    struct telemetry_lp_parser *p = NULL;
    if (telemetry_lp_create(NULL, &p) != 0)
        return 1;
    double best = 1e30, best_cpu = 1e30;
    struct sink k = {0, 0};
    for (int i = 0; i < passes; i++) {
        struct telemetry_lp_stats st;
        k.fields = 0;
        double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
        telemetry_lp_parse(p, b.data, b.len, TELEMETRY_LP_MS, 0, on_point, NULL, &k, &st);
        double dt = now(CLOCK_MONOTONIC) - t0, dc = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (st.points != lines || st.bad_lines)
            return fprintf(stderr, "lp_parse: %zu points, %zu bad\n", st.points, st.bad_lines), 1;
        if (dt < best)
            best = dt;
        if (dc < best_cpu)
            best_cpu = dc;
    }
    printf("lp_input_lines %zu\nlp_input_bytes %zu\nlp_values %zu\n", lines, b.len, k.fields);
    printf("lp_lines_per_s %.0f\nlp_values_per_s %.0f\nlp_mb_per_s %.1f\n", lines / best,
           k.fields / best, b.len / best / 1e6);
    printf("lp_values_per_cpu_s %.0f\n", k.fields / best_cpu);
    fprintf(stderr, "(checksum %.3f)\n", k.sum);
    telemetry_lp_destroy(p);
    ioc_buf_free(&b);
    return 0;
}
