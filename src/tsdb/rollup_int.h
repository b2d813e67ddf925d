/*
 * rollup_int.h — what rollup.c (writing, opening, rebuilding) and rollup_read.c (windows through
 * the rollups) share: the record format's constants and helpers. See rollup.c.
 */
#ifndef IOC_TSDB_ROLLUP_INT_H
#define IOC_TSDB_ROLLUP_INT_H

#include "tsdb/db_int.h"

#define NS 1000000000LL
#define HOUR (3600 * NS)
#define DAY (86400 * NS)
#define RL_TMIN (-(INT64_C(1) << 62))
#define RL_TMAX (INT64_C(1) << 62)
#define ROLL_PARTIAL 0x80000000u /* in ref.count: the record adds no coverage */
#define ROLL_VERSION 2           /* written; version 1 is still read */
#define ROLL_ENTRY 72            /* bytes of one bucket in a version 1 record */
/* Most buckets of one level in one record (a chunk's limit). */
#define ROLL_MAX TSDB_CHUNK_MAX_POINTS
/* Most rollup buckets of one level a window may span and still be read through the rollups. */
#define ROLL_WINDOW_MAX ((uint64_t)1 << 24)

static inline int64_t rl_floor(int64_t t, int64_t w)
{
    int64_t r = t % w;
    return r < 0 ? t - r - w : t - r;
}

static inline int64_t rl_width(int l)
{
    return l == 0 ? HOUR : DAY;
}

struct rl_entry {
    int64_t start;
    struct tsdb_bucket b;
};

/* The blob of a record holding lv[l][0..n[l]) for each level l (lv[l] may be NULL when n[l] is
 * 0), appended to b (rollup_codec.c). IOC_ENOMEM. */
int rl_encode(const struct rl_entry *const *lv, const size_t *n, struct ioc_buf *b);
/* The buckets of level l of blob p[0..len) into *e (malloc'd, *n of them). IOC_EINVAL when the
 * blob is not a version 1 or 2 record or is damaged; IOC_ENOMEM. */
int rl_decode_level(const unsigned char *p, size_t len, int l, struct rl_entry **e, size_t *n);
/* Tests only: the version rl_encode writes from now on in this process (1 or 2). */
void rl_set_write_version(int v);
/* The open rollup partition db->rparts[slot] (a dbroll's slot), or NULL (lock held, or the
 * writer). */
struct tsdb_part *rl_part_for(const struct tsdb_db *db, uint32_t slot);

#endif
