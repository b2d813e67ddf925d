/*
 * fuzz_partscan — partition files of the time-series engine (src/tsdb/part.c), read back from
 * disk where anything may have happened to them.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The input is written as a partition file and opened. Open either refuses it (IOC_EINVAL) or
 * reports records that each read back, and leaves a file that a second open accepts with the
 * same records (the torn tail already gone). The read-only scan of a backup
 * (tsdb_part_scan_file), run first, changes nothing and agrees with open: it refuses what open
 * refuses, and otherwise reports the same records.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsdb/tsdb.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

struct seen {
    struct tsdb_chunk_ref r[64];
    size_t n;
};

static int keep(void *ctx, const struct tsdb_chunk_ref *ref)
{
    struct seen *s = ctx;
    if (s->n < 64)
        s->r[s->n] = *ref;
    s->n++;
    return 0;
}

static int keep_chunk(void *ctx, const struct tsdb_chunk_ref *ref, const void *chunk)
{
    (void)chunk;
    return keep(ctx, ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz-partscan-%d", (int)getpid());
        ioc_log_set_level(IOC_LOG_ERROR + 1);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size);
    close(fd);
    struct tsdb_part *p;
    struct seen a = {.n = 0}, b = {.n = 0}, c = {.n = 0};
    uint64_t end = 0;
    int ro = tsdb_part_scan_file(path, keep_chunk, &c, &end);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (size_t)st.st_size == size); /* read-only */
    CHECK(end <= size);
    int rc = tsdb_part_open(path, &p, keep, &a);
    CHECK(ro == rc);
    if (rc) {
        CHECK(rc == IOC_EINVAL);
        return 0;
    }
    CHECK(c.n == a.n && memcmp(a.r, c.r, (a.n < 64 ? a.n : 64) * sizeof a.r[0]) == 0);
    for (size_t i = 0; i < a.n && i < 64; i++) {
        char *chunk = malloc(a.r[i].len ? a.r[i].len : 1);
        CHECK(chunk && tsdb_part_read(p, &a.r[i], chunk) == 0);
        free(chunk);
    }
    tsdb_part_close(p);
    CHECK(tsdb_part_open(path, &p, keep, &b) == 0 && b.n == a.n);
    CHECK(memcmp(a.r, b.r, (a.n < 64 ? a.n : 64) * sizeof a.r[0]) == 0);
    tsdb_part_close(p);
    return 0;
}
