/*
 * fuzz_rollup — the payload of a rollup record (src/tsdb/rollup_codec.c, rl_decode_level), which
 * the engine reads back from DATA_DIR/tsdb/rollup/D.part (outside bytes: a restored or damaged
 * file; the record's CRC is checked before, but a file can be made with a good CRC).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * For each level: either the blob is refused (nothing returned) or the buckets it gives are at
 * most ROLL_MAX, each with a positive count, their starts strictly ascending, and every byte they
 * were read from lies inside the blob (ASan checks the reads); a version 2 blob's buckets have
 * their first and last times inside them. When both levels decode, encoding what they gave
 * (rl_encode: version 2, or 1 for buckets version 2 cannot hold) and decoding that gives the
 * same buckets bit for bit. The corpus holds version 1 and version 2 blobs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsdb/rollup_int.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void round_trip(struct rl_entry *const *e, const size_t *n)
{
    const struct rl_entry *lv[DB_RL_LEVELS];
    for (int l = 0; l < DB_RL_LEVELS; l++)
        lv[l] = e[l];
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    CHECK(rl_encode(lv, n, &b) == 0);
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        struct rl_entry *x = NULL;
        size_t k = 0;
        CHECK(rl_decode_level((const unsigned char *)b.data, b.len, l, &x, &k) == 0);
        CHECK(k == n[l]);
        CHECK(k == 0 || memcmp(x, e[l], k * sizeof *x) == 0);
        free(x);
    }
    ioc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rl_entry *all[DB_RL_LEVELS] = {NULL};
    size_t nall[DB_RL_LEVELS] = {0};
    int ok = 1;
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        struct rl_entry *e = (struct rl_entry *)1;
        size_t n = 99;
        int rc = rl_decode_level(data, size, l, &e, &n);
        if (rc != 0) {
            CHECK(e == NULL && n == 0);
            ok = 0;
            continue;
        }
        CHECK(n <= ROLL_MAX && (n == 0) == (e == NULL));
        CHECK(size >= 4 && (data[0] == 1 || data[0] == 2));
        CHECK((size_t)n * (data[0] == 1 ? ROLL_ENTRY : 9) <= size);
        for (size_t i = 0; i < n; i++) {
            CHECK(e[i].b.count > 0);
            CHECK(i == 0 || e[i].start > e[i - 1].start);
            if (data[0] == 2)
                CHECK(e[i].b.first_t >= e[i].start && e[i].b.last_t >= e[i].start &&
                      e[i].b.first_t - e[i].start < rl_width(l) &&
                      e[i].b.last_t - e[i].start < rl_width(l));
        }
        all[l] = e;
        nall[l] = n;
    }
    if (ok)
        round_trip(all, nall);
    for (int l = 0; l < DB_RL_LEVELS; l++)
        free(all[l]);
    return 0;
}
