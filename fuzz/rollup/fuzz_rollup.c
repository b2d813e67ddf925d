/*
 * fuzz_rollup — the payload of a rollup record (src/tsdb/rollup_read.c, rl_decode_level), which
 * the engine reads back from DATA_DIR/tsdb/rollup/D.part (outside bytes: a restored or damaged
 * file; the record's CRC is checked before, but a file can be made with a good CRC).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * For each level: either the blob is refused (nothing returned) or the buckets it gives are at
 * most ROLL_MAX, each with a positive count, their starts strictly ascending, and every byte they
 * were read from lies inside the blob (ASan checks the reads).
 */
#include <stdint.h>
#include <stdlib.h>

#include "tsdb/rollup_int.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        struct rl_entry *e = (struct rl_entry *)1;
        size_t n = 99;
        int rc = rl_decode_level(data, size, l, &e, &n);
        if (rc != 0) {
            CHECK(e == NULL && n == 0);
            continue;
        }
        CHECK(n <= ROLL_MAX && (n == 0) == (e == NULL));
        CHECK((size_t)n * ROLL_ENTRY <= size);
        for (size_t i = 0; i < n; i++) {
            CHECK(e[i].b.count > 0);
            CHECK(i == 0 || e[i].start > e[i - 1].start);
        }
        free(e);
    }
    return 0;
}
