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
    uint32_t slot;   /* its partition: db->parts[slot] (renumbered when files are deleted) */
    uint32_t rolled; /* 1: the rollups hold its points (rollup.c) */
};

/* A rollup record of a series (rollup.c): where it is. ref.lsn orders the records of a series
 * (a later one replaces an earlier one's buckets). */
struct dbroll {
    struct tsdb_chunk_ref ref;
    uint32_t day;  /* of its first point: its file's day */
    uint32_t slot; /* its partition: db->rparts[slot], once written */
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

/* An open partition file: the chunks (rollup records) of one day and one retention group
 * (docs/architecture.md, "tsdb: retention"). */
struct dbpart {
    uint32_t day; /* days since 1970-01-01 (+ 2^31) of the first point of its chunks */
    uint32_t grp; /* 0: the measurements without a rule of their own (D.part); else
                     db->grps[grp - 1] names the files (D.<tag>.part) */
    struct tsdb_part *part;
};

/* A group's file-name tag: the lowercase hex of (the first DB_TAG_BYTES bytes of) the name of
 * the measurement that has a rule of its own. */
#define DB_TAG_BYTES 100
#define DB_TAG_MAX (2 * DB_TAG_BYTES)

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
    struct dbpart *parts; /* the open partitions (chunks name them by index) */
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
    uint32_t *rule_grp;           /* the group of each rule's measurement */
    char **grps;                  /* tags of groups 1.. (the rules', then any found on disk) */
    size_t ngrps, grpcap;
    uint64_t expired_series; /* series whose every point had expired at the last pass */
    int retains;             /* some measurement is not kept for ever */
    int64_t expired_at;      /* now_fn at the last pass, 0: none yet */
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
/* The partition of (day, grp), opened or created (ingest thread / open): its index in
 * db->parts into *slot. */
int db_part_of(struct tsdb_db *db, uint32_t day, uint32_t grp, uint32_t *slot);
/* Saves the series image if series were added since the last save (ingest thread). */
int db_save_series(struct tsdb_db *db);

/* 1 if name is the name of a partition file, DDDDDDDDDD.part or DDDDDDDDDD.<tag>.part (tag:
 * 2 to DB_TAG_MAX lowercase hex digits, even): its day, and its tag (*tag points into name,
 * *taglen 0 for none). */
int db_part_name(const char *name, uint32_t *day, const char **tag, size_t *taglen);
/* The partition files in DATA_DIR/tsdb/sub (parts, rollup) as (day, grp) with part NULL,
 * ascending by day then group, into *out (malloc'd); their groups are added to db->grps. */
int db_part_list(struct tsdb_db *db, const char *sub, struct dbpart **out, size_t *n);
/* The path of the partition file (day, grp) in DATA_DIR/tsdb/sub. */
int db_part_path(const struct tsdb_db *db, const char *sub, uint32_t day, uint32_t grp, char *out,
                 size_t n);

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
/* The retention group of the files of series id's new chunks and rollup records: its
 * measurement's if that has a rule of its own, else 0 (the writer). */
uint32_t db_grp_of(const struct tsdb_db *db, uint32_t id);
/* The group of tag (taglen bytes), added if new (the writer, or open). */
int db_grp_find(struct tsdb_db *db, const char *tag, size_t taglen, uint32_t *grp);
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
