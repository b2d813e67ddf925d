/*
 * tsdb.h — the embedded time-series engine: series, compressed chunks, the write-ahead log.
 * No HTTP and no SQL: its own files under the data directory. src/telemetry/ builds ingest and
 * queries on top of it (see docs/architecture.md, "Telemetry").
 */
#ifndef IOC_TSDB_H
#define IOC_TSDB_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- series (series.c) -------------------------------------------------------------------- */

/*
 * A series is one field of one measurement with one tag set; the series index gives each a
 * dense id (0, 1, …, never reused) and keeps the value type of each (measurement, field).
 * Not thread-safe: the engine serialises its users. See series.c for the key format.
 */
#define TSDB_SERIES_MAX_TAGS 64
#define TSDB_SERIES_DEFAULT_MAX 1000000

struct tsdb_tag {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

/* The canonical key of measurement m, field and tags (any order; sorted here) into out (reset
 * first). IOC_EINVAL for an empty measurement or field, an empty or repeated tag key, or more
 * than TSDB_SERIES_MAX_TAGS tags; IOC_ETOOBIG/IOC_ENOMEM from the buffer. */
int tsdb_series_key(struct ioc_buf *out, const char *m, size_t mlen, const char *field, size_t flen,
                    const struct tsdb_tag *tags, size_t ntags);

/* Appends to out (not reset) the key of the same measurement and tags as the canonical key
 * key[0..len) with field instead of its field: cheaper than tsdb_series_key for the other
 * fields of one point. key must not lie in out. IOC_EINVAL for an empty field or a key that
 * does not start as a canonical key; the buffer's error otherwise. */
int tsdb_series_key_with_field(struct ioc_buf *out, const void *key, size_t len, const char *field,
                               size_t flen);

/* A key taken apart (pointers into the key). mf_len: the length of its (measurement, field)
 * prefix. */
struct tsdb_series_parts {
    const char *m, *f;
    size_t mlen, flen, ntags, mf_len;
    const unsigned char *tags_at, *end; /* private */
};
/* 0, or IOC_EINVAL when key is not a canonical key. */
int tsdb_series_key_parse(const void *key, size_t len, struct tsdb_series_parts *out);
/* Tag i (0-based, in key order) of a parsed key; IOC_ENOTFOUND past the last. */
int tsdb_series_parts_tag(const struct tsdb_series_parts *sp, size_t i, struct tsdb_tag *out);

struct tsdb_series_index;

/* An empty index of at most max_series series (0: TSDB_SERIES_DEFAULT_MAX). */
int tsdb_series_index_create(size_t max_series, struct tsdb_series_index **out);
void tsdb_series_index_destroy(struct tsdb_series_index *ix);
size_t tsdb_series_count(const struct tsdb_series_index *ix);
/* The id of a key, or IOC_ENOTFOUND. */
int tsdb_series_find(const struct tsdb_series_index *ix, const void *key, size_t len, uint32_t *id);
/* The id of key, added with type if new. *stored_type is the type the series (or its
 * measurement's field) has. IOC_EEXIST when that is not type (nothing added), IOC_ETOOBIG at
 * the index's limit, IOC_EINVAL for a key that is not canonical. */
int tsdb_series_add(struct tsdb_series_index *ix, const void *key, size_t len, int type,
                    uint32_t *id, int *stored_type);
/* The key and type of id; IOC_ENOTFOUND if there is no such series. */
int tsdb_series_get(const struct tsdb_series_index *ix, uint32_t id, const void **key, size_t *len,
                    int *type);

struct tsdb_str {
    const char *s;
    size_t n;
};
/* A tag filter: the series' tag key has one of the values. */
struct tsdb_tag_filter {
    const char *key;
    size_t key_len;
    const struct tsdb_str *values;
    size_t nvalues;
};
/* The ids (ascending) of the series of measurement m and field whose tags pass every filter,
 * into ids (room for cap); IOC_ETOOBIG when more than cap match. */
int tsdb_series_select(const struct tsdb_series_index *ix, const char *m, size_t mlen,
                       const char *field, size_t flen, const struct tsdb_tag_filter *filters,
                       size_t nfilters, uint32_t *ids, size_t cap, size_t *n);

/* Called once per (measurement, field) in the order they were first seen, with their type and
 * number of series; a non-zero return stops the walk and is returned. */
typedef int (*tsdb_field_fn)(void *ctx, const char *m, size_t mlen, const char *f, size_t flen,
                             int type, size_t nseries);
int tsdb_series_fields(const struct tsdb_series_index *ix, tsdb_field_fn fn, void *ctx);

/* Writes the index to path crash-safely (with a CRC); loads it back with the same ids.
 * Load: IOC_ENOTFOUND if missing, IOC_EINVAL if damaged or not such a file. */
int tsdb_series_save(const struct tsdb_series_index *ix, const char *path);
int tsdb_series_load(const char *path, size_t max_series, struct tsdb_series_index **out);

/* The type of a series' values (fixed by its first point). */
enum tsdb_type {
    TSDB_FLOAT = 1,  /* double */
    TSDB_INT = 2,    /* int64_t */
    TSDB_UINT = 3,   /* uint64_t */
    TSDB_BOOL = 4,   /* 0 or 1 */
    TSDB_STRING = 5, /* bytes, up to TSDB_CHUNK_MAX_STRING each */
};

/* ---- aggregation (agg.c) ----------------------------------------------------------------- */

/* What a query asks of each bucket. */
enum tsdb_agg {
    TSDB_AGG_MEAN,
    TSDB_AGG_MIN,
    TSDB_AGG_MAX,
    TSDB_AGG_SUM,
    TSDB_AGG_COUNT,
    TSDB_AGG_FIRST,
    TSDB_AGG_LAST
};
/* "mean", "min", … into *out; IOC_EINVAL for any other word. */
int tsdb_agg_parse(const char *s, size_t n, enum tsdb_agg *out);
const char *tsdb_agg_name(enum tsdb_agg a);

/* The summary of the points of one time bucket; all zero is the empty bucket. */
struct tsdb_bucket {
    int64_t count;
    double sum, min, max, first, last;
    int64_t first_t, last_t; /* the times of first and last */
};
void tsdb_bucket_add(struct tsdb_bucket *b, int64_t t, double v);
/* Adds the points summarised by from (a disjoint set) to into. */
void tsdb_bucket_merge(struct tsdb_bucket *into, const struct tsdb_bucket *from);
/* The aggregate a of b into *out; IOC_ENOTFOUND for an empty bucket. */
int tsdb_bucket_value(const struct tsdb_bucket *b, enum tsdb_agg a, double *out);

/* Buckets of step covering [start, end), aligned on start. */
struct tsdb_window {
    int64_t start, end, step;
    size_t n;
    struct tsdb_bucket *b;
};
/* IOC_EINVAL for step <= 0 or end <= start, IOC_ETOOBIG for more than max_buckets buckets. */
int tsdb_window_init(struct tsdb_window *w, int64_t start, int64_t end, int64_t step,
                     size_t max_buckets);
void tsdb_window_free(struct tsdb_window *w);
/* Adds a point; one outside [start, end) is ignored. */
void tsdb_window_add(struct tsdb_window *w, int64_t t, double v);
/* Merges a rollup bucket covering [from, from + width); IOC_EINVAL (nothing merged) unless it
 * lies wholly inside one bucket of the window. */
int tsdb_window_merge(struct tsdb_window *w, int64_t from, int64_t width,
                      const struct tsdb_bucket *b);
int64_t tsdb_window_bucket_start(const struct tsdb_window *w, size_t i);

/* ---- recent points in memory (head.c) ----------------------------------------------------- */

/* Values are 8 bytes of bits: a double's, an integer's, or 0/1; the engine knows the type. */
#define TSDB_HEAD_DEFAULT_MAX_POINTS ((size_t)16 << 20)

struct tsdb_head;
/* An empty head holding at most max_points points (0: TSDB_HEAD_DEFAULT_MAX_POINTS). */
int tsdb_head_create(size_t max_points, struct tsdb_head **out);
void tsdb_head_destroy(struct tsdb_head *h);
/* A series' arrays grow (doubling from 16) to n points before they double past it: the engine
 * sets its seal size (plus a little), so that a sealed series does not keep twice that. */
void tsdb_head_set_cap_hint(struct tsdb_head *h, size_t n);
/* Adds a point of series id; a point at a time the series holds replaces it. IOC_ETOOBIG (nothing
 * changed) when the head is full. */
int tsdb_head_add(struct tsdb_head *h, uint32_t id, int64_t t, uint64_t v);
/* Points of series id in the head; points in all. */
size_t tsdb_head_count(const struct tsdb_head *h, uint32_t id);
size_t tsdb_head_total(const struct tsdb_head *h);
/* The points of series id in the head (0: none, *min and *max untouched), and the times of its
 * first and last. */
size_t tsdb_head_bounds(const struct tsdb_head *h, uint32_t id, int64_t *min, int64_t *max);
/* Adds the points of series id (values of type) inside w to acc[i] (w->n buckets, w's
 * layout) for each bucket i with use[i] (use NULL: every bucket), a bucket summary per run of
 * points (no call per point). */
void tsdb_head_window(const struct tsdb_head *h, uint32_t id, enum tsdb_type type,
                      const struct tsdb_window *w, const unsigned char *use,
                      struct tsdb_bucket *acc);
/* The point of id at the greatest time ever added (cut or not); IOC_ENOTFOUND if none. */
int tsdb_head_latest(const struct tsdb_head *h, uint32_t id, int64_t *t, uint64_t *v);
/* Calls fn for each point of id with from <= t < to, in time order; a non-zero return stops and
 * is returned. */
typedef int (*tsdb_point_fn)(void *ctx, int64_t t, uint64_t v);
int tsdb_head_range(const struct tsdb_head *h, uint32_t id, int64_t from, int64_t to,
                    tsdb_point_fn fn, void *ctx);
/* Copies the n oldest points of id into t[] and v[] (room for n); IOC_EINVAL if it has fewer. */
int tsdb_head_peek(const struct tsdb_head *h, uint32_t id, size_t n, int64_t *t, uint64_t *v);
/* Moves the n oldest points of id into t[] and v[] (room for n); IOC_EINVAL if it has fewer. */
int tsdb_head_cut(struct tsdb_head *h, uint32_t id, size_t n, int64_t *t, uint64_t *v);

/* ---- partition files (part.c) -------------------------------------------------------------- */

/* The largest chunk a partition file takes. */
#define TSDB_PART_MAX_CHUNK ((uint32_t)16 << 20)

/* Where a sealed chunk is and what it holds. */
struct tsdb_chunk_ref {
    uint64_t offset; /* of its record in the file (set by append and by the scan) */
    uint32_t series, count, len;
    int64_t min_t, max_t;
    uint64_t lsn; /* the greatest log sequence number of its points */
};
/* Called by the scan of tsdb_part_open for each record, in file order; non-zero stops it. */
typedef int (*tsdb_chunk_ref_fn)(void *ctx, const struct tsdb_chunk_ref *ref);

struct tsdb_part;
/* Opens (creating) a partition file and scans it, calling fn (may be NULL) per record. A torn
 * tail is truncated (logged); damage with valid records after it is IOC_EINVAL (logged, file
 * untouched). */
int tsdb_part_open(const char *path, struct tsdb_part **out, tsdb_chunk_ref_fn fn, void *ctx);
void tsdb_part_close(struct tsdb_part *p);
/* Bytes of whole records in the file. */
uint64_t tsdb_part_size(const struct tsdb_part *p);
/* Appends a record (ref: series, count, len, min_t, max_t; its offset is set). Not durable until
 * tsdb_part_sync. After a failed write every append and sync fails (IOC_EIO) until reopened. */
int tsdb_part_append(struct tsdb_part *p, struct tsdb_chunk_ref *ref, const void *chunk);
int tsdb_part_sync(struct tsdb_part *p);
/* Reads the chunk of ref into chunk (ref->len bytes), checking header and CRC: IOC_EINVAL if the
 * record is not what ref says. Safe from any thread while another appends. */
int tsdb_part_read(const struct tsdb_part *p, const struct tsdb_chunk_ref *ref, void *chunk);
/* Reads the partition file at path without changing it (a file another process may be
 * appending to): calls fn with each whole, valid record (its chunk bytes valid during the call)
 * in file order, and ends quietly at a torn tail or a record not yet fully written; *end (may be
 * NULL) gets the offset where it ended. IOC_EINVAL when valid records follow a damaged one,
 * IOC_ENOTFOUND when there is no such file, or fn's non-zero answer. */
typedef int (*tsdb_part_record_fn)(void *ctx, const struct tsdb_chunk_ref *ref, const void *chunk);
int tsdb_part_scan_file(const char *path, tsdb_part_record_fn fn, void *ctx, uint64_t *end);

/* ---- chunks (chunk*.c) ------------------------------------------------------------------- */

/*
 * A chunk is an immutable, compressed run of points of ONE series of ONE value type: up to
 * TSDB_CHUNK_MAX_POINTS (time, value) pairs, times strictly ascending int64 nanoseconds (the
 * caller sorts and de-duplicates before sealing, as tsdb_head_cut gives them). The format
 * (docs/architecture.md, "tsdb: chunk format") is a small header, the timestamp block (offsets
 * divided by the largest power of ten dividing every delta, then delta, delta-of-delta or
 * distance from a regular grid), the value block (floats as decimal mantissas with one exponent
 * when that is exact, else Gorilla XOR; integers and bools as bit-packed residues in blocks of
 * 64; strings length-prefixed) and a CRC-32.
 *
 * Values: a numeric value is 8 bytes of bits as in the head — a double's bits, an int64 or a
 * uint64 as such, 0/1 for a bool; strings are struct tsdb_str. Functions take both a numeric
 * array v and a string array s and use the one of the chunk's type (the other may be NULL).
 *
 * Exactness: decoding gives back every value bit for bit (-0.0, NaN payloads, ±inf, subnormals
 * included) and every time.
 *
 * Chunks are outside bytes (they come back from disk): every reader checks the CRC and every
 * length against the buffer, never reads out of its bounds, allocates nothing, and answers
 * IOC_EINVAL for a damaged chunk. The length given must be the chunk's exact length.
 *
 * Threads: no global state; a chunk may be read by many threads at once.
 */

#define TSDB_CHUNK_MAX_POINTS 65536u
#define TSDB_CHUNK_MAX_STRING 65536u

/*
 * Encodes n points (1 <= n <= TSDB_CHUNK_MAX_POINTS) of type into one chunk appended to out:
 * times ts[], values v[] (numeric types) or s[] (TSDB_STRING). ts must be strictly ascending; a
 * bool must be 0 or 1; a string at most TSDB_CHUNK_MAX_STRING bytes (s[i].s may be NULL when
 * s[i].n is 0). IOC_EINVAL for bad input, IOC_ENOMEM, or the buffer's error (IOC_ETOOBIG past
 * its max, after which the buffer is reset, as ioc_buf does).
 */
int tsdb_chunk_encode(enum tsdb_type type, const int64_t *ts, const uint64_t *v,
                      const struct tsdb_str *s, size_t n, struct ioc_buf *out);

/* What the header says (read without decoding the points). */
struct tsdb_chunk_info {
    enum tsdb_type type;
    uint32_t count;
    int64_t first; /* time of the first point */
    int64_t last;  /* time of the last point */
    int ts_scale;  /* the deltas between times are multiples of 10^ts_scale */
    int encoding;  /* of the values: TSDB_ENC_* */
};

enum {
    TSDB_ENC_INTS = 0,    /* ints, uints, bools: bit-packed residues (chunk_bits.c) */
    TSDB_ENC_DECIMAL = 1, /* floats: integer mantissas × 10^-e through TSDB_ENC_INTS */
    TSDB_ENC_XOR = 2,     /* floats: Gorilla XOR */
    TSDB_ENC_STRINGS = 3, /* strings: length-prefixed, a repeat of the previous in one byte */
};

/* Checks the CRC and the header of the chunk p[0..len) and fills *info. IOC_EINVAL if damaged. */
int tsdb_chunk_info(const void *p, size_t len, struct tsdb_chunk_info *info);

/*
 * Decodes the whole chunk into ts[] and v[] or s[] (cap entries each), *n = its count. A decoded
 * string points into the chunk's bytes (valid while they are). IOC_ETOOBIG when cap is less than
 * the count, or IOC_EINVAL when the array the type needs is NULL (nothing written for either);
 * IOC_EINVAL when the chunk is damaged (the arrays may then hold a part of it).
 */
int tsdb_chunk_decode(const void *p, size_t len, int64_t *ts, uint64_t *v, struct tsdb_str *s,
                      size_t cap, size_t *n);

/* ---- reading a chunk piece by piece ---- */

#define TSDB_ITER_BATCH 64

/* Private state of one integer stream (see chunk_bits.c). */
struct tsdb_intrd {
    const uint8_t *p;
    size_t len, pos;   /* pos: the next block's header */
    uint32_t left;     /* values left in the stream */
    uint32_t at;       /* index of the next value (order 3) */
    uint32_t in_block; /* values of the current block not yet read: the last ones of buf */
    uint32_t block_n;  /* values of the current block */
    uint8_t order, zero;
    uint64_t base, prev, pdelta;
    uint64_t buf[64]; /* the current block's residues */
};

/* An iterator over the points of a chunk, TSDB_ITER_BATCH at a time; no allocation. All fields
 * but info are private. */
struct tsdb_chunk_iter {
    struct tsdb_chunk_info info; /* read-only */
    uint32_t done;
    int bad; /* a damage was found: every later call fails */
    int64_t t_prev;
    uint64_t t_mult;
    struct tsdb_intrd ts, iv;
    int exp;
    const uint8_t *vp; /* XOR and string values: the stream, its length, the bit or byte at */
    size_t vlen, vpos;
    uint64_t fprev;
    unsigned flead, fbits;
    const char *sprev;
    size_t sprevlen;
};

/* Checks the CRC and header and positions it before the first point. IOC_EINVAL if damaged. */
int tsdb_chunk_iter_init(struct tsdb_chunk_iter *it, const void *p, size_t len);

/* Gives the next up to TSDB_ITER_BATCH points into ts[] and v[] or s[] (as tsdb_chunk_decode);
 * *n = 0 at the end. IOC_EINVAL when the array the type needs is NULL, or when the chunk turns
 * out damaged (after which every call gives IOC_EINVAL). */
int tsdb_chunk_iter_next(struct tsdb_chunk_iter *it, int64_t ts[TSDB_ITER_BATCH],
                         uint64_t v[TSDB_ITER_BATCH], struct tsdb_str s[TSDB_ITER_BATCH],
                         size_t *n);

/* The value of bits v of a numeric type as a double (ints past 2^53 round; bools 0 or 1). */
double tsdb_value_double(enum tsdb_type type, uint64_t v);

/*
 * Aggregation straight from a chunk, 64 points at a time, never materialising it; a chunk whose
 * time range misses the one asked is only checked (CRC, header). Numeric chunks only: a string
 * chunk is IOC_EINVAL. tsdb_chunk_bucket adds the points with from <= time < to to *b (left
 * unchanged when the chunk is damaged); tsdb_chunk_window adds the points inside the window's
 * [start, end) to its buckets (a chunk found damaged midway may have added a part of it).
 */
int tsdb_chunk_bucket(const void *p, size_t len, int64_t from, int64_t to, struct tsdb_bucket *b);
int tsdb_chunk_window(const void *p, size_t len, struct tsdb_window *w);

/* ---- write-ahead log ---- */

/*
 * The WAL keeps every acknowledged batch until the engine's chunks holding it are on disk.
 * Files: DATA_DIR/wal/<first LSN as 16 hex digits>.log (mode 0600, the directory 0700), each a
 * run of records [u32 length][u32 crc32 of length+payload][payload], little-endian; a record
 * never spans two segments. An LSN (log sequence number) numbers records 1, 2, 3, … without gaps.
 *
 * Threads: one thread calls every function on a struct tsdb_wal (the engine's ingest thread,
 * which does the group commit: it appends the records of every waiting batch, calls
 * tsdb_wal_sync once, then acknowledges them all). Any other thread may call
 * tsdb_wal_stats_get at the same time.
 *
 * Durability (docs/architecture.md, "tsdb: write-ahead log"): when tsdb_wal_sync returns 0,
 * every record appended before it survives kill -9; with TSDB_SYNC_ALWAYS or TSDB_SYNC_BATCH
 * it also survives a power cut (fdatasync). A failed write or fdatasync is sticky: every later
 * append and sync returns the same error (tsdb_wal_error says why) until the WAL is reopened,
 * because after a failed fdatasync the kernel may have dropped the unwritten pages.
 *
 * Damage (found by tsdb_wal_open): a torn tail (a partial record, or a bad one, at the end of
 * the last segment, as kill -9 or a power cut leaves it) is truncated away with a log line. Any
 * other damage (a bad record followed by a good one, a bad record in a segment that is not the
 * last, a missing segment) makes open fail with IOC_EINVAL and a message naming the file and
 * offset; opening with truncate_damaged = 1 then keeps the log up to the first damage and
 * deletes everything after it (an operator's decision: the records after it are lost).
 */
enum tsdb_sync_mode {
    TSDB_SYNC_BATCH = 0, /* fdatasync in tsdb_wal_sync; the caller gathers batches a few ms */
    TSDB_SYNC_ALWAYS,    /* fdatasync in tsdb_wal_sync; the caller syncs each batch at once */
    TSDB_SYNC_OFF        /* write(2) only: survives kill -9, not a power cut */
};

#define TSDB_WAL_SEGMENT_DEFAULT (64u << 20) /* bytes */
#define TSDB_WAL_SEGMENT_MIN 4096u
#define TSDB_WAL_SEGMENT_MAX (1u << 30)
#define TSDB_WAL_RECORD_MAX (16u << 20) /* the largest payload any WAL accepts or reads */
#define TSDB_WAL_HEADER 8u              /* bytes of framing before each payload */

struct tsdb_wal_options {
    uint64_t segment_size;    /* a new segment starts past this; 0: TSDB_WAL_SEGMENT_DEFAULT */
    enum tsdb_sync_mode sync; /* default TSDB_SYNC_BATCH */
    size_t max_record;        /* larger appends get IOC_EINVAL; 0: TSDB_WAL_RECORD_MAX */
    int truncate_damaged;     /* 1: open drops everything from the first damage on */
    char *err;                /* optional: why open failed (NUL-terminated, cut to err_size) */
    size_t err_size;
    uint64_t first_lsn; /* a log with no segment starts at this LSN; 0: 1 (copies keep theirs) */
};

/* Counters for /metrics; monotonic except segments (the files now in DATA_DIR/wal). */
struct tsdb_wal_stats {
    uint64_t bytes_written; /* framed bytes written to segments since open */
    uint64_t syncs;         /* fdatasync calls on segments since open */
    uint64_t records;       /* records appended since open */
    uint64_t segments;      /* segment files */
    uint64_t next_lsn;      /* the LSN the next append gets */
};

struct tsdb_wal;

/*
 * Opens (creating DATA_DIR/wal if needed) the log of data_dir, checking every segment and
 * repairing a torn tail (see Damage above), and locks it (flock) against a second open. o may
 * be NULL for the defaults. IOC_EINVAL for bad options or damage, IOC_EBUSY if the log is open
 * elsewhere, IOC_EIO for a failing file system, IOC_ENOMEM. Free with tsdb_wal_close.
 */
int tsdb_wal_open(const char *data_dir, const struct tsdb_wal_options *o, struct tsdb_wal **out);

/*
 * Adds one record of len bytes (copied; 0 < len is not required) to the buffer and gives its LSN
 * in *lsn (may be NULL). Not durable until tsdb_wal_sync. IOC_EINVAL if len exceeds max_record;
 * the sticky error if one happened. May write to the file (every few MiB, and when a segment is
 * full: then the full segment is synced per the mode and a new one created).
 */
int tsdb_wal_append(struct tsdb_wal *w, const void *rec, size_t len, uint64_t *lsn);

/* Writes the buffer and, unless TSDB_SYNC_OFF, fdatasyncs it. On 0 every appended record is
 * durable per the mode. An error is sticky (see Durability). */
int tsdb_wal_sync(struct tsdb_wal *w);

/* Removes whole segments whose records all have LSNs < lsn (never the segment being written),
 * oldest first, then fsyncs the directory. Call it once the engine's chunks holding those
 * records are on disk. IOC_EIO if a file cannot be removed (the WAL stays usable). */
int tsdb_wal_checkpoint(struct tsdb_wal *w, uint64_t lsn);

/* NULL while the WAL is healthy, else why it refuses appends (valid until close). */
const char *tsdb_wal_error(const struct tsdb_wal *w);

/* Reads the counters; safe from any thread while the owner thread appends. */
void tsdb_wal_stats_get(const struct tsdb_wal *w, struct tsdb_wal_stats *out);

/* Writes nothing more and closes the files; records appended since the last sync are written
 * but not synced. NULL is fine. */
void tsdb_wal_close(struct tsdb_wal *w);

/* Called for each record in LSN order; rec is valid only during the call. Nonzero stops the
 * replay, which then returns that value. */
typedef int (*tsdb_wal_replay_cb)(void *ctx, uint64_t lsn, const void *rec, size_t len);

/*
 * Calls cb for every intact record of data_dir's log with an LSN >= from_lsn, in order, reading
 * each segment in large blocks. Changes nothing: call it after tsdb_wal_open has repaired the
 * tail. A torn tail ends the replay quietly; other damage ends it with IOC_EINVAL (the records
 * before the damage have been delivered). A missing DATA_DIR/wal is an empty log.
 */
int tsdb_wal_replay(const char *data_dir, uint64_t from_lsn, tsdb_wal_replay_cb cb, void *ctx);

/* ---- end of write-ahead log ---- */

/* ---- the engine (db.c, db_seal.c, db_query.c) ----------------------------------------------- */

/*
 * The engine: series, head, chunks in day partitions, and the write-ahead log, under
 * DATA_DIR/tsdb. One thread writes (tsdb_db_append, tsdb_db_sync, tsdb_db_maintain: the
 * ingest thread); any number of threads read (tsdb_db_select, tsdb_db_window, tsdb_db_latest,
 * tsdb_db_fields, tsdb_db_stats) at the same time. Readers wait only for memory work of the
 * writer, never for its disk writes.
 *
 * Durability: a point is durable once tsdb_db_sync after its tsdb_db_append returned 0 (per
 * the sync mode, see the WAL). A start replays the log into the head, skipping the points
 * already sealed into chunks (a chunk record carries the greatest LSN of its points).
 */
/* A measurement's retention (tsdb_db_options.retention). */
struct tsdb_retention {
    const char *m; /* the measurement */
    size_t mlen;
    int64_t keep_ns; /* its points are kept this long (by their time); 0: for ever */
};

struct tsdb_db_options {
    enum tsdb_sync_mode sync;
    size_t max_series;      /* 0: TSDB_SERIES_DEFAULT_MAX */
    size_t head_max_points; /* 0: TSDB_HEAD_DEFAULT_MAX_POINTS */
    uint32_t seal_points;   /* a series' head is sealed at this many points; 0: 720 */
    int64_t seal_age_ns;    /* and when its oldest point is this old in the log; 0: 1 h */
    uint64_t wal_segment;   /* 0: the WAL's default */
    int truncate_damaged;   /* the WAL's option */
    /* Retention (db_retain.c): a point whose time is before now - keep of its measurement is
     * expired: no read returns it and tsdb_db_maintain (at most once a minute of now_fn, and
     * open) deletes the partition files holding only expired points. */
    int64_t retention_ns;                   /* keep of a measurement without a rule; 0: for ever */
    const struct tsdb_retention *retention; /* per measurement (copied by open) */
    size_t nretention;
    int64_t (*now_fn)(void); /* the clock, ns since the epoch; NULL: the wall clock (tests) */
};

struct tsdb_db;
/* Opens (creating) DATA_DIR/tsdb. err (may be NULL) gets why it failed. */
int tsdb_db_open(const char *data_dir, const struct tsdb_db_options *o, struct tsdb_db **out,
                 char *err, size_t err_size);
/* Syncs the log and closes; the head is not sealed (the next open replays it). */
void tsdb_db_close(struct tsdb_db *db);

/* One point to write: its series' canonical key (tsdb_series_key), type, time, value. */
struct tsdb_point_in {
    const void *key;
    size_t key_len;
    enum tsdb_type type;
    int64_t t;
    uint64_t v; /* the value's bits: a double's, an integer's, 0/1 (tsdb_value_double reads it) */
};
/* What became of a batch. */
struct tsdb_write_report {
    size_t accepted, refused;
    size_t first_refused; /* index of the first refused point */
    int first_rc;         /* why: IOC_EEXIST (type conflict), IOC_ETOOBIG (a limit), IOC_EINVAL */
    enum tsdb_type stored_type; /* for IOC_EEXIST: the type the field has */
};
/* Series whose head reached seal_points since the last tsdb_db_maintain, and (*nseries) the
 * series of the engine; the writer's thread. A writer under a bulk load maintains sooner than once
 * a second when many are due, so heads do not grow far past the seal size. */
size_t tsdb_db_due(const struct tsdb_db *db, size_t *nseries);
/* Logs and adds the points (not yet durable: tsdb_db_sync). Refused points do not stop the
 * others. IOC_EIO when the log failed (sticky: the engine refuses writes until reopened). */
int tsdb_db_append(struct tsdb_db *db, const struct tsdb_point_in *pts, size_t n,
                   struct tsdb_write_report *rep);
int tsdb_db_sync(struct tsdb_db *db);
/* Seals the series that are due into chunks, syncs them, saves the series and trims the log,
 * then applies the retention (at most once a minute of now_fn unless force). force: seal every
 * series with points in the head. */
int tsdb_db_maintain(struct tsdb_db *db, int force);

/* Reading (any thread). */
int tsdb_db_select(struct tsdb_db *db, const char *m, size_t mlen, const char *field, size_t flen,
                   const struct tsdb_tag_filter *filters, size_t nfilters, uint32_t *ids,
                   size_t cap, size_t *n);
/* The key of series id copied into out. */
int tsdb_db_series_key(struct tsdb_db *db, uint32_t id, struct ioc_buf *out, enum tsdb_type *type);
/* Adds the points of series id inside the window to its buckets (values as doubles; a later
 * write at one time replaces an earlier one). IOC_ETOOBIG past max_points points read. */
int tsdb_db_window(struct tsdb_db *db, uint32_t id, struct tsdb_window *w, size_t max_points);
/* The latest point of series id: IOC_ENOTFOUND if it has none (or it is expired). */
int tsdb_db_latest(struct tsdb_db *db, uint32_t id, int64_t *t, uint64_t *v, enum tsdb_type *type);
int tsdb_db_fields(struct tsdb_db *db, tsdb_field_fn fn, void *ctx);
/* 1 if every point of series id has expired (its measurement's retention; none left in its
 * chunks or head), 0 otherwise (also when no retention applies). */
int tsdb_db_expired(struct tsdb_db *db, uint32_t id);

struct tsdb_db_stats {
    uint64_t series, head_points, chunks, chunk_bytes, partitions;
    /* rollups: records and their bytes on disk, records written and chunks rebuilt since open */
    uint64_t rollups, rollup_bytes, rollups_written, rollup_rebuilt;
    uint64_t rollup_reads; /* window buckets answered from rollups since open */
    /* retention, since open: chunks and bytes of the partition files deleted (all expired), and
     * files deleted (chunk and rollup partitions) */
    uint64_t expired_chunks, expired_bytes, expired_files;
    /* series whose every point had expired at the last retention pass (still in `series`:
     * the index keeps them, and they count against max_series) */
    uint64_t expired_series;
    struct tsdb_wal_stats wal;
};
void tsdb_db_stats(struct tsdb_db *db, struct tsdb_db_stats *out);

/* ---- backup (backup.c) ------------------------------------------------------------------- */

/*
 * A consistent copy of the engine directory src (DATA_DIR/tsdb) into the new directory dest
 * (laid out the same: open it by naming its parent, when dest ends in /tsdb), taken while an
 * engine writes to src (another thread or process) or while none does. Every point whose
 * tsdb_db_sync returned before the call is in the copy, and the copy opens without damage. It
 * is written under dest.tmp (an older one is removed) and renamed; files and directories are
 * fsynced. Holds src/backup.lock shared for its run: the engine does not trim its log
 * meanwhile. IOC_EEXIST when dest exists, IOC_ENOTFOUND when src does not; err gets why.
 */
struct tsdb_backup_report {
    uint64_t series;          /* defined in the copy */
    uint64_t chunks;          /* chunk records copied */
    uint64_t chunks_left_out; /* of series defined after the copy began */
    uint64_t wal_records;     /* log records copied */
    uint64_t bytes;           /* written */
};
int tsdb_backup(const char *src, const char *dest, struct tsdb_backup_report *rep, char *err,
                size_t err_size);
/* Replaces the engine directory of data_dir (DATA_DIR/tsdb) with a copy of the backup directory
 * (as tsdb_backup writes it), once the copy has opened whole; the old one becomes
 * DATA_DIR/tsdb.before-restore (an older one of that name is removed). IOC_EBUSY (nothing
 * changed) while an engine has DATA_DIR/tsdb open; err gets why. */
int tsdb_restore(const char *backup, const char *data_dir, struct tsdb_backup_report *rep,
                 char *err, size_t err_size);
/* The engine's side of the lock (dir: DATA_DIR/tsdb): 0 and *fd (-1 when no lock file can be
 * made: nothing to wait for) while no backup runs, IOC_EBUSY while one does. */
int tsdb_backup_trylock(const char *dir, int *fd);
void tsdb_backup_unlock(int fd);

#endif
