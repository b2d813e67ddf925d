/*
 * wal_bench — the time-series WAL's append+sync throughput in each sync mode, and its replay
 * speed (not part of the tests; bench/wal/run.sh builds and runs it).
 *
 *   wal_bench DIR [SECONDS]      (default 5 seconds per mode; DIR must exist and be empty)
 *
 * A record is one ingest batch of 5,000 points of ~40 bytes (200,000 bytes). Modes:
 *   always  one batch per tsdb_wal_sync (fdatasync each);
 *   batch   4 batches per tsdb_wal_sync, as when the ingest thread gathers 4 clients' batches;
 *   off     one batch per tsdb_wal_sync, no fdatasync (write(2) only).
 * Each mode stops after SECONDS or 4 GiB. Then the log of the "off" run is opened (which checks
 * every segment) and replayed, from the page cache, and both are timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "tsdb/tsdb.h"

#define REC_BYTES 200000
#define POINTS_PER_REC 5000
#define MAX_BYTES (4ull << 30)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: on a shared machine the wall clock says little. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_mode(const char *dir, const char *name, enum tsdb_sync_mode m, int per_sync,
                    double seconds, const unsigned char *rec)
{
    struct tsdb_wal_options o = {.sync = m};
    struct tsdb_wal *w = NULL;
    if (tsdb_wal_open(dir, &o, &w) != 0)
        return fprintf(stderr, "cannot open the WAL in %s\n", dir), 1;
    double t0 = now(), t = t0;
    unsigned long long recs = 0, syncs = 0;
    while (t - t0 < seconds && recs * REC_BYTES < MAX_BYTES) {
        for (int i = 0; i < per_sync; i++, recs++)
            if (tsdb_wal_append(w, rec, REC_BYTES, NULL) != 0)
                return fprintf(stderr, "append failed\n"), 1;
        if (tsdb_wal_sync(w) != 0)
            return fprintf(stderr, "sync failed: %s\n", tsdb_wal_error(w)), 1;
        syncs++;
        t = now();
    }
    struct tsdb_wal_stats st;
    tsdb_wal_stats_get(w, &st);
    tsdb_wal_close(w);
    double s = t - t0;
    printf("%-6s %8.0f batches/s %10.0f points/s %8.1f MB/s %7.0f syncs/s  (%llu batches, %llu "
           "fdatasync, %llu segments)\n",
           name, recs / s, recs * (double)POINTS_PER_REC / s, recs * (double)REC_BYTES / s / 1e6,
           syncs / s, recs, (unsigned long long)st.syncs, (unsigned long long)st.segments);
    return 0;
}

static int count(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    (void)lsn;
    (void)rec;
    *(unsigned long long *)ctx += len;
    return 0;
}

static int replay_speed(const char *dir)
{
    double t0 = now(), c0 = cpu();
    struct tsdb_wal *w = NULL;
    if (tsdb_wal_open(dir, NULL, &w) != 0)
        return fprintf(stderr, "cannot reopen the WAL in %s\n", dir), 1;
    tsdb_wal_close(w);
    double t1 = now(), c1 = cpu();
    unsigned long long bytes = 0;
    if (tsdb_wal_replay(dir, 0, count, &bytes) != 0)
        return fprintf(stderr, "replay failed\n"), 1;
    double t2 = now(), c2 = cpu();
    printf("open   %8.1f MB/s, %8.1f MB per CPU second (checks every segment; %.0f MB)\n",
           bytes / (t1 - t0) / 1e6, bytes / (c1 - c0) / 1e6, bytes / 1e6);
    printf("replay %8.1f MB/s, %8.1f MB per CPU second (page cache warm)\n",
           bytes / (t2 - t1) / 1e6, bytes / (c2 - c1) / 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: wal_bench DIR [SECONDS]\n"), 2;
    double seconds = argc > 2 ? atof(argv[2]) : 5;
    static unsigned char rec[REC_BYTES];
    for (size_t i = 0; i < sizeof rec; i++) /* line-protocol-like bytes, not all equal */
        rec[i] =
            (unsigned char)("temp,station=s0042 value=23.5 1733130000000\n"[i % 44] + i / 4096);
    ioc_log_set_level(IOC_LOG_WARN);
    static const struct {
        const char *name;
        enum tsdb_sync_mode m;
        int per_sync;
    } modes[] = {
        {"always", TSDB_SYNC_ALWAYS, 1}, {"batch", TSDB_SYNC_BATCH, 4}, {"off", TSDB_SYNC_OFF, 1}};
    char sub[4096];
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        snprintf(sub, sizeof sub, "%s/%s", argv[1], modes[i].name);
        if (ioc_mkdir_p(sub) != 0)
            return fprintf(stderr, "cannot create %s\n", sub), 1;
        if (run_mode(sub, modes[i].name, modes[i].m, modes[i].per_sync, seconds, rec))
            return 1;
    }
    return replay_speed(sub);
}
