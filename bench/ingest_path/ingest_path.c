/*
 * ingest_path — the work of one HTTP write without HTTP, on one thread: line protocol parsed
 * (src/telemetry/lp.c), turned into engine points (points.c: one keyed point per field), then
 * appended to the engine (tsdb_db_append: series lookup, WAL record, head) with sync off, in
 * batches of BATCH lines as bench/ingest.sh sends them; maintain runs after each batch as the
 * ingest thread does.
 *
 *   ingest_path DATADIR [STATIONS [INTERVALS [BATCH]]]     (default 1000 stations, 60 intervals,
 *                                                            5000 lines: 480,000 values)
 *
 * Prints values/s from the thread's CPU time and the split between parse+keys and append. Run it
 * under `valgrind --tool=callgrind` for instruction counts that repeat on a noisy machine
 * (bench/ingest_path/run.sh does both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/telemetry.h"
#include "../lp_parse/lp_lines.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add(void *ctx, const struct telemetry_lp_point *pt)
{
    return telemetry_batch_add(ctx, pt);
}

struct totals {
    double t_parse, t_append;
    size_t values, refused;
};

/* The measured work (callgrind counts only this function: --toggle-collect=ingest). */
__attribute__((noinline)) static int ingest(struct tsdb_db *db, struct telemetry_lp_parser *p,
                                            const struct ioc_buf *text, const size_t *cuts,
                                            size_t ncuts, struct totals *tot)
{
    for (size_t i = 0, at = 0; i < ncuts; at = cuts[i++]) {
        double c0 = cpu_now();
        struct telemetry_batch b;
        telemetry_batch_init(&b, 1000000);
        if (telemetry_lp_parse(p, text->data + at, cuts[i] - at, TELEMETRY_LP_MS, 0, add, NULL, &b,
                               NULL) != 0)
            return fprintf(stderr, "ingest_path: parse failed\n"), 1;
        telemetry_batch_finish(&b);
        double c1 = cpu_now();
        struct tsdb_write_report rep;
        if (tsdb_db_append(db, b.pts, b.n, &rep) != 0 || tsdb_db_sync(db) != 0 ||
            tsdb_db_maintain(db, 0) != 0)
            return fprintf(stderr, "ingest_path: append failed\n"), 1;
        tot->t_parse += c1 - c0;
        tot->t_append += cpu_now() - c1;
        tot->values += rep.accepted;
        tot->refused += rep.refused;
        telemetry_batch_free(&b);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: ingest_path DATADIR [STATIONS [INTERVALS [BATCH]]]\n"), 2;
    unsigned stations = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
    unsigned intervals = argc > 3 ? (unsigned)atoi(argv[3]) : 60;
    size_t batch_lines = argc > 4 ? (size_t)atoi(argv[4]) : 5000;
    struct ioc_buf text;
    ioc_buf_init(&text, 0);
    size_t *cuts = calloc((size_t)stations * intervals / batch_lines + 2, sizeof *cuts);
    size_t ncuts = 0, lines = 0;
    for (unsigned t = 0; t < intervals; t++)
        for (unsigned s = 0; s < stations; s++) {
            lp_put_line(&text, s, t);
            if (++lines % batch_lines == 0)
                cuts[ncuts++] = text.len;
        }
    if (!text.data || !cuts)
        return fprintf(stderr, "ingest_path: out of memory\n"), 1;
    if (!ncuts || cuts[ncuts - 1] != text.len)
        cuts[ncuts++] = text.len;
    struct tsdb_db *db;
    char err[256];
    struct tsdb_db_options o = {.sync = TSDB_SYNC_OFF};
    if (tsdb_db_open(argv[1], &o, &db, err, sizeof err) != 0)
        return fprintf(stderr, "ingest_path: %s\n", err), 1;
    struct telemetry_lp_parser *p;
    if (telemetry_lp_create(NULL, &p) != 0)
        return 1;
    struct totals tot = {0, 0, 0, 0};
    if (ingest(db, p, &text, cuts, ncuts, &tot) != 0)
        return 1;
    double t_parse = tot.t_parse, t_append = tot.t_append;
    size_t values = tot.values, refused = tot.refused;
    printf("values %zu\nrefused %zu\n", values, refused);
    printf("values_per_cpu_s %.0f\nparse_keys_share %.2f\n", values / (t_parse + t_append),
           t_parse / (t_parse + t_append));
    telemetry_lp_destroy(p);
    tsdb_db_close(db);
    ioc_buf_free(&text);
    free(cuts);
    return refused ? 1 : 0;
}
