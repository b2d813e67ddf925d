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
    uint32_t day;    /* its partition (days since 1970-01-01 of its first point) */
    uint32_t rolled; /* 1: the rollups hold its points (rollup.c) */
};

/* A rollup record of a series (rollup.c): where it is. ref.lsn orders the records of a series
 * (a later one replaces an earlier one's buckets). */
struct dbroll {
    struct tsdb_chunk_ref ref;
    uint32_t day;
};

/* The rollup levels: 1 hour, 1 day (UTC-aligned). */
#define DB_RL_LEVELS 2

/* Per series: its chunks in the order they were sealed, and the log positions of its points. */
struct dbseries {
    struct dbchunk *chunks;
    size_t nchunks, cap;
    uint64_t sealed_lsn;   /* logged points up to this LSN are in chunks */
    uint64_t head_lsn;     /* the LSN of the first record of the points in the head, 0: none */
    uint64_t head_max_lsn; /* the LSN of the last record that added a point to the head */
    int64_t head_since;    /* ioc_mono_ns() when the head got its first point (for seal_age) */
    struct dbroll *rolls;  /* its rollup records, ascending ref.lsn */
    size_t nrolls, rcap;
    /* The rollup bucket of each level holding the series' latest sealed point, exact, unless
     * tail_stale (then the next seal recomputes what it touches from the chunks). */
    int tail_stale;
    int64_t tail_start[DB_RL_LEVELS];
    struct tsdb_bucket tail[DB_RL_LEVELS];
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
    size_t due;         /* series whose head reached seal_points since the last maintain */
    /* rollups (rollup.c) */
    struct dbpart *rparts; /* DATA_DIR/tsdb/rollup/D.part */
    size_t nrparts, rpartcap;
    int roll_failed;   /* a rollup write failed: no more until reopened (raw reads stay right) */
    int raw_only;      /* tests: tsdb_db_window never reads rollups */
    uint64_t rolled_n; /* rollup records written since open, chunks rebuilt at open */
    uint64_t rebuilt_n;
    uint64_t rollup_reads;       /* window buckets answered from rollups (atomic: any reader) */
    struct tsdb_part **rtouched; /* rollup partitions appended to since the last sync */
    size_t nrtouched, rtcap;
    struct rl_pend *rpend; /* rollup records made, written once their chunks are synced */
    size_t nrpend, rpendcap;
    /* retention (db_retain.c) */
    struct tsdb_retention *rules; /* o.retention, copied (names owned) */
    int retains;                  /* some measurement is not kept for ever */
    int64_t expired_at;           /* now_fn at the last pass, 0: none yet */
    uint64_t expired_chunks, expired_bytes, expired_files;
    struct tsdb_part **grave; /* partitions of deleted files, closed once no reader holds one */
    size_t ngrave, gravecap;
    unsigned readers; /* (atomic) readers between their snapshot and its release */
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

/* The days that have a file NNNNNNNNNN.part in dir, ascending, into *days (malloc'd). */
int db_part_days(const char *dir, uint32_t **days, size_t *n);

/* The points of series id inside the window, as tsdb_db_window, from its chunks and (head) its
 * head; points in a bucket i with skip && skip[i] are left out, and (expire) expired points. */
/* The points of id in w, read from the chunks and from the head points in hrange[0..1) (NULL:
 * none), leaving out the buckets skip marks (NULL: none) and (expire) the expired points. */
int db_window_raw(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points,
                  const int64_t *hrange, const unsigned char *skip, int expire);

/* ---- retention (db_retain.c) ---- */
/* Copies o's rules into db (IOC_EINVAL for an empty measurement or a negative keep). */
int db_retain_init(struct tsdb_db *db);
void db_retain_free(struct tsdb_db *db);
int64_t db_now(const struct tsdb_db *db);
/* The time before which the points of series id are expired at now (INT64_MIN: none); the
 * writer, or a reader holding the lock. */
int64_t db_cutoff(const struct tsdb_db *db, uint32_t id, int64_t now);
/* Deletes the partition files (chunks and rollups) holding only expired points (ingest thread;
 * not while replaying); at most once a minute of db_now unless force. */
int db_expire(struct tsdb_db *db, int force);
/* A reader took (1) or released (-1) copies of partition pointers. */
static inline void db_readers(struct tsdb_db *db, int d)
{
    if (d > 0)
        __atomic_add_fetch(&db->readers, 1u, __ATOMIC_SEQ_CST);
    else
        __atomic_sub_fetch(&db->readers, 1u, __ATOMIC_SEQ_CST);
}

/* ---- rollups (rollup.c) ---- */
/* Opens DATA_DIR/tsdb/rollup and marks the chunks its records hold (after the partitions). */
int db_rollup_open(struct tsdb_db *db);
/* Rolls up the chunks not yet rolled up (after the log replay), logged. */
int db_rollup_rebuild(struct tsdb_db *db);
void db_rollup_close(struct tsdb_db *db);
/* Makes the rollup record of the n points t/bits of series id just sealed (and published) as
 * chunks made[0..nmade); it is written by db_rollup_flush. A failure only stops the rollups
 * (reads go raw). */
void db_rollup_sealed(struct tsdb_db *db, uint32_t id, const int64_t *t, const uint64_t *bits,
                      size_t n, const struct dbchunk *made, size_t nmade);
/* Once the chunks are synced: writes the records made, publishes them and marks their chunks
 * rolled up; ok = 0 (the chunks may not be on disk) drops them and stops the rollups. */
void db_rollup_flush(struct tsdb_db *db, int ok);
/* Syncs the rollup partitions written since the last call. */
void db_rollup_sync(struct tsdb_db *db);
/* tsdb_db_window through the rollups where they answer. */
int db_rollup_window(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points);
/* Tests: 1 makes tsdb_db_window read raw points only. */
void db_set_raw_only(struct tsdb_db *db, int on);

static inline uint32_t db_day_of(int64_t t)
{
    int64_t d = t / 86400000000000LL;
    if (t < 0 && d * 86400000000000LL != t)
        d--;
    return (uint32_t)(d + 2147483648LL); /* days before 1970 stay ordered */
}

#endif
