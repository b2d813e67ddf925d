/*
 * db_int.h — what the files of the engine (db.c, db_seal.c, db_query.c) share: the open
 * engine and its per-series state.
 */
#ifndef IOC_TSDB_DB_INT_H
#define IOC_TSDB_DB_INT_H

#include <pthread.h>

#include "tsdb/tsdb.h"

/* A sealed chunk of a series: where it is. */
struct dbchunk {
    struct tsdb_chunk_ref ref;
    uint32_t day; /* its partition (days since 1970-01-01 of its first point) */
};

/* Per series: its chunks in the order they were sealed, and the log positions of its points. */
struct dbseries {
    struct dbchunk *chunks;
    size_t nchunks, cap;
    uint64_t sealed_lsn;   /* logged points up to this LSN are in chunks */
    uint64_t head_lsn;     /* the LSN of the first record of the points in the head, 0: none */
    uint64_t head_max_lsn; /* the LSN of the last record that added a point to the head */
    int64_t head_since;    /* ioc_mono_ns() when the head got its first point (for seal_age) */
};

/* An open partition file (one per day that has chunks). */
struct dbpart {
    uint32_t day;
    struct tsdb_part *part;
};

struct tsdb_db {
    struct tsdb_db_options o;
    char *dir; /* DATA_DIR/tsdb */
    /* Guards series, head, st and parts against the readers (query threads). Held only for
     * memory work, never across I/O (docs/architecture.md, "Nothing blocks a loop"). The
     * ingest thread is the only writer: it reads without the lock. */
    pthread_rwlock_t lock;
    struct tsdb_series_index *series;
    struct tsdb_head *head;
    struct dbseries *st; /* indexed by series id */
    size_t nst;
    struct dbpart *parts;
    size_t nparts, partcap;
    struct tsdb_wal *wal;
    size_t series_saved; /* series in the saved image */
    uint64_t checkpointed;
    struct ioc_buf rec; /* the WAL record being built (ingest thread) */
    int broken;         /* a write failed: the engine refuses writes until reopened */
    int replaying;      /* open is replaying the log: sealing may run, trimming may not */
};

/* WAL record kinds (first byte). */
#define DB_REC_SERIES 'S' /* u32 id, u8 type, key bytes */
#define DB_REC_POINTS 'P' /* u32 n, then n × (u32 id, i64 t, u64 value bits) */
#define DB_POINT_BYTES 20

/* The state slot of series id, growing the table (write lock held or during open). */
int db_series_slot(struct tsdb_db *db, uint32_t id, struct dbseries **out);
/* The partition of day, opened or created (ingest thread / open). */
int db_part_of(struct tsdb_db *db, uint32_t day, struct tsdb_part **out);
/* Saves the series image if series were added since the last save (ingest thread). */
int db_save_series(struct tsdb_db *db);

static inline uint32_t db_day_of(int64_t t)
{
    int64_t d = t / 86400000000000LL;
    if (t < 0 && d * 86400000000000LL != t)
        d--;
    return (uint32_t)(d + 2147483648LL); /* days before 1970 stay ordered */
}

#endif
