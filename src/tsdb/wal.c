/*
 * wal.c — the time-series engine's write-ahead log (the contract is in tsdb.h).
 *
 * Files: DATA_DIR/wal/%016llx.log named for the LSN of their first record. Records are
 * [u32 len][u32 crc][payload], little-endian, crc = zlib crc32 over the 4 length bytes and the
 * payload. A segment holds records first, first+1, …; the next segment's name is the LSN after
 * its last record. Only the last segment is ever written; a new one is started when a record
 * would take the current one past segment_size (a record larger than a whole segment gets a
 * segment of its own).
 *
 * Invariants (checked by open and replay; breaking one is "damage"):
 *   1. every byte of a segment belongs to an intact record, except a torn tail of the last one;
 *   2. segment k+1 is named first(k) + records(k): no LSN is missing between segments;
 *   3. no payload is longer than TSDB_WAL_RECORD_MAX.
 * A bad record is a torn tail only when it is in the last segment and no intact record starts
 * at any later offset of that segment (searched byte by byte, so a damaged length field cannot
 * hide the good records after it); a power cut's zero-filled tail has no intact record in it.
 *
 * Writing: append frames records into a memory buffer (written out every BUF_FLUSH bytes);
 * sync writes the buffer with write(2) and fdatasyncs the segment unless the mode is OFF. A new
 * segment is created O_EXCL with mode 0600 after the full one was written and synced, and the
 * directory is fsynced, so an acknowledged record never sits in a segment whose name could be
 * lost. A failed write or fdatasync sets w->err, which every later append and sync returns.
 *
 * Reading: a segment is read whole into one buffer with large read(2) calls (no syscall per
 * record) and walked in memory; the buffer is reused from segment to segment.
 *
 * Threads: one owner thread; the counters are atomics so tsdb_wal_stats_get may run anywhere.
 * Processes: open takes an exclusive flock on DATA_DIR/wal (IOC_EBUSY if another holds it).
 */
#include "tsdb/tsdb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/base.h"

#define BUF_FLUSH (4u << 20)          /* pending bytes that make append write them out */
#define READ_BLOCK (8u << 20)         /* bytes per read(2) when reading a segment */
#define NAME_LEN 20                   /* "%016" PRIx64 ".log" */
#define LSN_LIMIT (UINT64_C(1) << 62) /* segment names at or above this are not ours */
/* No file we write is larger: a full segment plus one record that did not fit. */
#define SEGMENT_FILE_MAX ((uint64_t)TSDB_WAL_SEGMENT_MAX + TSDB_WAL_RECORD_MAX + TSDB_WAL_HEADER)

struct seglist {
    uint64_t *first; /* first LSN of each segment, ascending */
    size_t n, cap;
};

/* What walking one segment found. */
struct seg_scan {
    uint64_t records;  /* intact records before the first bad byte */
    uint64_t good_end; /* offset just past them */
    uint64_t size;     /* bytes in the file */
    int bad;           /* 1: bytes from good_end on are not an intact record */
    int good_after;    /* 1: an intact record starts somewhere after good_end */
};

struct rbuf {
    unsigned char *p;
    size_t cap;
};

struct tsdb_wal {
    char *path; /* DATA_DIR/wal */
    int dirfd;  /* that directory, for fsync and *at() calls */
    int fd;     /* the last segment, written at its end */
    struct seglist segs;
    uint64_t seg_bytes;   /* bytes of the last segment, written and pending */
    uint64_t seg_records; /* records of the last segment, written and pending */
    uint64_t next;        /* LSN of the next append */
    unsigned char *buf;   /* framed records not yet written */
    size_t buf_len, buf_cap;
    int unsynced; /* bytes written since the last fdatasync */
    uint64_t segment_size;
    size_t max_record;
    enum tsdb_sync_mode sync;
    int err; /* sticky: 0 or the error every append and sync returns */
    char errmsg[320];
    _Atomic uint64_t n_bytes, n_syncs, n_records, n_segments, n_next;
};

/* ---- small helpers ---------------------------------------------------------------------- */

static uint32_t record_crc(const unsigned char *lenbytes, const void *payload, size_t len)
{
    uLong c = crc32(0L, lenbytes, 4);
    return (uint32_t)crc32_z(c, payload, len);
}

static void fmt_err(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t size, const char *fmt, ...)
{
    if (!err || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

static void seg_name(uint64_t first, char out[NAME_LEN + 1])
{
    snprintf(out, NAME_LEN + 1, "%016" PRIx64 ".log", first);
}

/* The first LSN of a segment file name, or 0 when the name is not one of ours. */
static uint64_t name_lsn(const char *name)
{
    if (strlen(name) != NAME_LEN || strcmp(name + 16, ".log") != 0)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = name[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return 0;
        v = v << 4 | (uint64_t)d;
    }
    return v < LSN_LIMIT ? v : 0;
}

static int sync_fd(int fd)
{
    while (fsync(fd) != 0)
        if (errno != EINTR)
            return IOC_EIO;
    return 0;
}

/* ---- the segment list ------------------------------------------------------------------- */

static int seglist_push(struct seglist *l, uint64_t first)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        uint64_t *p = realloc(l->first, cap * sizeof *p);
        if (!p)
            return IOC_ENOMEM;
        l->first = p;
        l->cap = cap;
    }
    l->first[l->n++] = first;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The segments in path, sorted; a missing directory is an empty list. */
static int seglist_read(const char *path, struct seglist *l)
{
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : IOC_EIO;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        uint64_t first = name_lsn(e->d_name);
        if (first)
            rc = seglist_push(l, first);
    }
    closedir(d);
    if (rc == 0 && l->n > 1)
        qsort(l->first, l->n, sizeof *l->first, cmp_u64);
    return rc;
}

/* ---- reading and checking segments ------------------------------------------------------ */

/* The payload length of the intact record at p[off..n), or -1 if there is none. */
static int64_t record_at(const unsigned char *p, uint64_t n, uint64_t off)
{
    if (n - off < TSDB_WAL_HEADER)
        return -1;
    uint32_t len = ioc_le32_get(p + off);
    if (len > TSDB_WAL_RECORD_MAX || len > n - off - TSDB_WAL_HEADER)
        return -1;
    if (record_crc(p + off, p + off + TSDB_WAL_HEADER, len) != ioc_le32_get(p + off + 4))
        return -1;
    return len;
}

/*
 * 1 if an intact record starts at any offset of p[from..n), or if that cannot be ruled out
 * within a bounded amount of CRC work (random bytes after a bad record would otherwise cost
 * time quadratic in the segment's size): the caller then refuses rather than drops data.
 */
static int record_after(const unsigned char *p, uint64_t n, uint64_t from)
{
    uint64_t budget = 4 * (n - from) + (64u << 20); /* bytes of CRC */
    for (uint64_t off = from; off + TSDB_WAL_HEADER <= n; off++) {
        uint32_t len = ioc_le32_get(p + off);
        if (len > TSDB_WAL_RECORD_MAX || len > n - off - TSDB_WAL_HEADER)
            continue;
        if (len > budget)
            return 1;
        budget -= len;
        if (record_at(p, n, off) >= 0)
            return 1;
    }
    return 0;
}

/*
 * Walks the records of one segment (first LSN first, size bytes at p), calling cb for those
 * with LSN >= from when cb is not NULL, and fills *s. Returns 0, or cb's nonzero answer.
 */
static int scan(const unsigned char *p, uint64_t size, uint64_t first, uint64_t from,
                tsdb_wal_replay_cb cb, void *ctx, struct seg_scan *s)
{
    memset(s, 0, sizeof *s);
    s->size = size;
    uint64_t off = 0;
    while (off < size) {
        int64_t len = record_at(p, size, off);
        if (len < 0) {
            s->bad = 1;
            s->good_after = record_after(p, size, off + 1);
            break;
        }
        uint64_t lsn = first + s->records;
        if (cb && lsn >= from) {
            int rc = cb(ctx, lsn, p + off + TSDB_WAL_HEADER, (size_t)len);
            if (rc)
                return rc;
        }
        s->records++;
        off += TSDB_WAL_HEADER + (uint64_t)len;
    }
    s->good_end = off;
    return 0;
}

/* Reads the whole segment name of dirfd into b; *size its length. */
static int read_segment(int dirfd, const char *name, struct rbuf *b, uint64_t *size, char *err,
                        size_t errsz)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fmt_err(err, errsz, "wal: cannot open %s: %s", name, strerror(errno));
        return IOC_EIO;
    }
    int rc = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fmt_err(err, errsz, "wal: cannot stat %s: %s", name, strerror(errno));
        rc = IOC_EIO;
        goto out;
    }
    if ((uint64_t)st.st_size > SEGMENT_FILE_MAX) {
        fmt_err(err, errsz, "wal: %s: %lld bytes, larger than any segment", name,
                (long long)st.st_size);
        rc = IOC_EINVAL;
        goto out;
    }
    size_t want = (size_t)st.st_size;
    if (want > b->cap) {
        unsigned char *p = realloc(b->p, want);
        if (!p) {
            rc = IOC_ENOMEM;
            goto out;
        }
        b->p = p;
        b->cap = want;
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    size_t got = 0;
    while (got < want) {
        size_t chunk = want - got < READ_BLOCK ? want - got : READ_BLOCK;
        ssize_t r = read(fd, b->p + got, chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fmt_err(err, errsz, "wal: cannot read %s: %s", name, strerror(errno));
            rc = IOC_EIO;
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    *size = got;
out:
    close(fd);
    return rc;
}

/* ---- replay ----------------------------------------------------------------------------- */

static char *wal_path(const char *data_dir)
{
    size_t n = strlen(data_dir);
    char *p = malloc(n + 5);
    if (p) {
        memcpy(p, data_dir, n);
        memcpy(p + n, "/wal", 5);
    }
    return p;
}

/* Replays the segments of l from index k0 on; the caller has opened dirfd and the buffer. */
static int replay_segments(int dirfd, const struct seglist *l, size_t k0, uint64_t from,
                           tsdb_wal_replay_cb cb, void *ctx, struct rbuf *b)
{
    char name[NAME_LEN + 1], err[320];
    for (size_t k = k0; k < l->n; k++) {
        seg_name(l->first[k], name);
        uint64_t size = 0;
        int rc = read_segment(dirfd, name, b, &size, err, sizeof err);
        if (rc) {
            ioc_log(IOC_LOG_ERROR, "%s", err);
            return rc;
        }
        struct seg_scan s;
        rc = scan(b->p, size, l->first[k], from, cb, ctx, &s);
        if (rc)
            return rc;
        int last = k + 1 == l->n;
        if (s.bad && (!last || s.good_after)) {
            ioc_log(IOC_LOG_ERROR, "wal: replay: %s: damaged record at offset %" PRIu64, name,
                    s.good_end);
            return IOC_EINVAL;
        }
        if (!last && l->first[k + 1] != l->first[k] + s.records) {
            ioc_log(IOC_LOG_ERROR,
                    "wal: replay: %s: ends at LSN %" PRIu64 ", next segment %016" PRIx64, name,
                    l->first[k] + s.records, l->first[k + 1]);
            return IOC_EINVAL;
        }
    }
    return 0;
}

int tsdb_wal_replay(const char *data_dir, uint64_t from_lsn, tsdb_wal_replay_cb cb, void *ctx)
{
    if (!data_dir || !cb)
        return IOC_EINVAL;
    char *path = wal_path(data_dir);
    if (!path)
        return IOC_ENOMEM;
    struct seglist l = {0};
    struct rbuf b = {0};
    int dirfd = -1;
    int rc = seglist_read(path, &l);
    if (rc || l.n == 0)
        goto out;
    dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        rc = IOC_EIO;
        goto out;
    }
    size_t k0 = 0; /* skip the segments whose records all come before from_lsn */
    while (k0 + 1 < l.n && l.first[k0 + 1] <= from_lsn)
        k0++;
    rc = replay_segments(dirfd, &l, k0, from_lsn, cb, ctx, &b);
out:
    if (dirfd >= 0)
        close(dirfd);
    free(b.p);
    free(l.first);
    free(path);
    return rc;
}

/* ---- open: checking and repairing ------------------------------------------------------- */

/* Truncates segment k to keep bytes and removes every later segment (newest first, so a crash
 * half way leaves a log without a gap), then fsyncs the file and the directory. */
static int cut_log(struct tsdb_wal *w, size_t k, uint64_t keep, char *err, size_t errsz)
{
    char name[NAME_LEN + 1];
    while (w->segs.n > k + 1) {
        seg_name(w->segs.first[w->segs.n - 1], name);
        if (unlinkat(w->dirfd, name, 0) != 0) {
            fmt_err(err, errsz, "wal: cannot remove %s: %s", name, strerror(errno));
            return IOC_EIO;
        }
        w->segs.n--;
    }
    seg_name(w->segs.first[k], name);
    int fd = openat(w->dirfd, name, O_WRONLY | O_CLOEXEC);
    int rc = fd < 0 || ftruncate(fd, (off_t)keep) != 0 ? IOC_EIO : sync_fd(fd);
    if (rc)
        fmt_err(err, errsz, "wal: cannot truncate %s: %s", name, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc ? rc : sync_fd(w->dirfd);
}

/* Damage at segment k, offset off: refuses, or with truncate_damaged cuts the log there. */
static int on_damage(struct tsdb_wal *w, const struct tsdb_wal_options *o, size_t k, uint64_t off,
                     const char *what)
{
    char name[NAME_LEN + 1], *err = o ? o->err : NULL;
    size_t errsz = o ? o->err_size : 0;
    seg_name(w->segs.first[k], name);
    if (!o || !o->truncate_damaged) {
        fmt_err(err, errsz,
                "wal: %s/%s: %s at offset %" PRIu64 "; the records from there on are lost "
                "unless the file is repaired (open with truncate_damaged to drop them)",
                w->path, name, what, off);
        ioc_log(IOC_LOG_ERROR, "wal: %s/%s: %s at offset %" PRIu64, w->path, name, what, off);
        return IOC_EINVAL;
    }
    size_t dropped = w->segs.n - k - 1;
    ioc_log(IOC_LOG_WARN,
            "wal: %s/%s: %s at offset %" PRIu64 ": truncate_damaged: cutting the file there "
            "and removing %zu later segment(s)",
            w->path, name, what, off, dropped);
    return cut_log(w, k, off, err, errsz);
}

/*
 * Checks every segment in order and repairs per the Damage rules of tsdb.h. On 0 the segment
 * list ends with the segment to write, w->seg_bytes/seg_records describe it and w->next is set.
 */
static int check_log(struct tsdb_wal *w, const struct tsdb_wal_options *o)
{
    char name[NAME_LEN + 1], *err = o ? o->err : NULL;
    size_t errsz = o ? o->err_size : 0;
    struct rbuf b = {0};
    int rc = 0;
    for (size_t k = 0; k < w->segs.n; k++) {
        seg_name(w->segs.first[k], name);
        uint64_t size = 0;
        rc = read_segment(w->dirfd, name, &b, &size, err, errsz);
        if (rc)
            break;
        struct seg_scan s;
        scan(b.p, size, w->segs.first[k], 0, NULL, NULL, &s);
        int last = k + 1 == w->segs.n;
        w->seg_bytes = s.good_end;
        w->seg_records = s.records;
        if (s.bad && (!last || s.good_after)) {
            rc = on_damage(w, o, k, s.good_end,
                           s.good_after ? "damaged record followed by intact ones"
                                        : "damaged record in a segment that is not the last");
            break; /* on success k is now the last segment */
        }
        if (s.bad) {
            ioc_log(IOC_LOG_WARN,
                    "wal: %s/%s: torn tail: truncated %" PRIu64 " bytes at offset %" PRIu64,
                    w->path, name, s.size - s.good_end, s.good_end);
            rc = cut_log(w, k, s.good_end, err, errsz);
            break;
        }
        if (!last && w->segs.first[k + 1] != w->segs.first[k] + s.records) {
            rc = on_damage(w, o, k + 1, 0, "records missing before this segment");
            if (rc == 0) { /* segment k + 1 was emptied: drop it too, k is whole */
                seg_name(w->segs.first[k + 1], name);
                rc = unlinkat(w->dirfd, name, 0) == 0 ? sync_fd(w->dirfd) : IOC_EIO;
                w->segs.n = k + 1;
            }
            break;
        }
    }
    free(b.p);
    if (rc == 0)
        w->next = w->segs.first[w->segs.n - 1] + w->seg_records;
    return rc;
}

/* Creates the segment named w->next (empty, 0600), fsyncs the directory, makes it the one to
 * write. The previous segment must be closed. */
static int new_segment(struct tsdb_wal *w)
{
    char name[NAME_LEN + 1];
    seg_name(w->next, name);
    int rc = seglist_push(&w->segs, w->next);
    if (rc)
        return rc;
    w->fd = openat(w->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0 || sync_fd(w->dirfd) != 0) {
        w->segs.n--;
        snprintf(w->errmsg, sizeof w->errmsg, "wal: cannot create %s/%s: %s", w->path, name,
                 strerror(errno));
        return IOC_EIO;
    }
    w->seg_bytes = 0;
    w->seg_records = 0;
    atomic_store_explicit(&w->n_segments, w->segs.n, memory_order_relaxed);
    return 0;
}

/* Opens the last segment for writing at its end. */
static int open_last(struct tsdb_wal *w)
{
    char name[NAME_LEN + 1];
    seg_name(w->segs.first[w->segs.n - 1], name);
    w->fd = openat(w->dirfd, name, O_WRONLY | O_CLOEXEC);
    if (w->fd < 0 || lseek(w->fd, (off_t)w->seg_bytes, SEEK_SET) < 0) {
        snprintf(w->errmsg, sizeof w->errmsg, "wal: cannot open %s/%s: %s", w->path, name,
                 strerror(errno));
        return IOC_EIO;
    }
    return 0;
}

static int make_dir(struct tsdb_wal *w, const char *data_dir, char *err, size_t errsz)
{
    if (mkdir(w->path, 0700) == 0) {
        int pfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int rc = pfd < 0 ? IOC_EIO : sync_fd(pfd);
        if (pfd >= 0)
            close(pfd);
        if (rc)
            return rc;
    } else if (errno != EEXIST) {
        fmt_err(err, errsz, "wal: cannot create %s: %s", w->path, strerror(errno));
        return IOC_EIO;
    }
    w->dirfd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->dirfd < 0) {
        fmt_err(err, errsz, "wal: cannot open %s: %s", w->path, strerror(errno));
        return IOC_EIO;
    }
    if (flock(w->dirfd, LOCK_EX | LOCK_NB) != 0) { /* released when dirfd is closed */
        fmt_err(err, errsz, "wal: %s is open elsewhere: %s", w->path, strerror(errno));
        return errno == EWOULDBLOCK ? IOC_EBUSY : IOC_EIO;
    }
    return 0;
}

static int options_apply(struct tsdb_wal *w, const struct tsdb_wal_options *o)
{
    w->segment_size = o && o->segment_size ? o->segment_size : TSDB_WAL_SEGMENT_DEFAULT;
    w->max_record = o && o->max_record ? o->max_record : TSDB_WAL_RECORD_MAX;
    w->sync = o ? o->sync : TSDB_SYNC_BATCH;
    if (w->segment_size < TSDB_WAL_SEGMENT_MIN || w->segment_size > TSDB_WAL_SEGMENT_MAX ||
        w->max_record > TSDB_WAL_RECORD_MAX || (o && o->first_lsn >= LSN_LIMIT) ||
        (w->sync != TSDB_SYNC_BATCH && w->sync != TSDB_SYNC_ALWAYS && w->sync != TSDB_SYNC_OFF)) {
        fmt_err(o ? o->err : NULL, o ? o->err_size : 0, "wal: bad options");
        return IOC_EINVAL;
    }
    return 0;
}

int tsdb_wal_open(const char *data_dir, const struct tsdb_wal_options *o, struct tsdb_wal **out)
{
    char *err = o ? o->err : NULL;
    size_t errsz = o ? o->err_size : 0;
    fmt_err(err, errsz, "%s", "");
    struct tsdb_wal *w = calloc(1, sizeof *w);
    if (!w || !data_dir || !out) {
        free(w);
        return w ? IOC_EINVAL : IOC_ENOMEM;
    }
    w->fd = -1;
    w->dirfd = -1;
    int rc = options_apply(w, o);
    if (rc)
        goto fail;
    rc = (w->path = wal_path(data_dir)) ? 0 : IOC_ENOMEM;
    if (rc == 0)
        rc = make_dir(w, data_dir, err, errsz);
    if (rc == 0)
        rc = seglist_read(w->path, &w->segs);
    if (rc == 0 && w->segs.n > 0)
        rc = check_log(w, o);
    if (rc == 0 && w->segs.n == 0) {
        w->next = o && o->first_lsn ? o->first_lsn : 1;
        rc = new_segment(w);
    } else if (rc == 0) {
        rc = open_last(w);
    }
    if (rc) {
        if (w->errmsg[0])
            fmt_err(err, errsz, "%s", w->errmsg);
        goto fail;
    }
    atomic_store(&w->n_segments, w->segs.n);
    atomic_store(&w->n_next, w->next);
    *out = w;
    return 0;
fail:
    tsdb_wal_close(w);
    return rc;
}

/* ---- writing ---------------------------------------------------------------------------- */

static int fail_sticky(struct tsdb_wal *w, int rc, const char *what)
{
    char name[NAME_LEN + 1];
    seg_name(w->segs.first[w->segs.n - 1], name);
    w->err = rc;
    snprintf(w->errmsg, sizeof w->errmsg, "wal: %s %s/%s: %s; appends refused until reopened", what,
             w->path, name, strerror(errno));
    ioc_log(IOC_LOG_ERROR, "%s", w->errmsg);
    return rc;
}

/* Writes the pending buffer at the end of the last segment. */
static int flush(struct tsdb_wal *w)
{
    size_t done = 0;
    while (done < w->buf_len) {
        ssize_t r = write(w->fd, w->buf + done, w->buf_len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return fail_sticky(w, IOC_EIO, "write");
        }
        done += (size_t)r;
        atomic_fetch_add_explicit(&w->n_bytes, (uint64_t)r, memory_order_relaxed);
    }
    w->buf_len = 0;
    w->unsynced |= done > 0;
    return 0;
}

static int datasync(struct tsdb_wal *w)
{
    if (w->sync == TSDB_SYNC_OFF || !w->unsynced)
        return 0;
    while (fdatasync(w->fd) != 0)
        if (errno != EINTR)
            return fail_sticky(w, IOC_EIO, "fdatasync");
    atomic_fetch_add_explicit(&w->n_syncs, 1, memory_order_relaxed);
    w->unsynced = 0;
    return 0;
}

/* The last segment is full: write and sync it, close it, start the next. */
static int rotate(struct tsdb_wal *w)
{
    int rc = flush(w);
    if (rc == 0)
        rc = datasync(w);
    if (rc)
        return rc;
    close(w->fd);
    w->fd = -1;
    rc = new_segment(w);
    if (rc) {
        w->err = rc;
        ioc_log(IOC_LOG_ERROR, "%s", w->errmsg);
    }
    return rc;
}

static int reserve(struct tsdb_wal *w, size_t need)
{
    if (w->buf_len > 0 && w->buf_len + need > BUF_FLUSH) {
        int rc = flush(w);
        if (rc)
            return rc;
    }
    if (w->buf_len + need <= w->buf_cap)
        return 0;
    size_t cap = w->buf_cap ? w->buf_cap : 64 * 1024;
    while (cap < w->buf_len + need)
        cap *= 2;
    unsigned char *p = realloc(w->buf, cap);
    if (!p)
        return IOC_ENOMEM;
    w->buf = p;
    w->buf_cap = cap;
    return 0;
}

int tsdb_wal_append(struct tsdb_wal *w, const void *rec, size_t len, uint64_t *lsn)
{
    if (w->err)
        return w->err;
    if (len > w->max_record || (len > 0 && !rec))
        return IOC_EINVAL;
    size_t need = TSDB_WAL_HEADER + len;
    int rc = 0;
    if (w->seg_records > 0 && w->seg_bytes + need > w->segment_size)
        rc = rotate(w);
    if (rc == 0)
        rc = reserve(w, need);
    if (rc)
        return rc;
    unsigned char *p = w->buf + w->buf_len;
    ioc_le32_put(p, (uint32_t)len);
    if (len)
        memcpy(p + TSDB_WAL_HEADER, rec, len);
    ioc_le32_put(p + 4, record_crc(p, p + TSDB_WAL_HEADER, len));
    w->buf_len += need;
    w->seg_bytes += need;
    w->seg_records++;
    if (lsn)
        *lsn = w->next;
    w->next++;
    atomic_fetch_add_explicit(&w->n_records, 1, memory_order_relaxed);
    atomic_store_explicit(&w->n_next, w->next, memory_order_relaxed);
    return 0;
}

int tsdb_wal_sync(struct tsdb_wal *w)
{
    if (w->err)
        return w->err;
    int rc = flush(w);
    return rc ? rc : datasync(w);
}

int tsdb_wal_checkpoint(struct tsdb_wal *w, uint64_t lsn)
{
    char name[NAME_LEN + 1];
    size_t removed = 0;
    int rc = 0;
    while (removed + 1 < w->segs.n && w->segs.first[removed + 1] <= lsn) {
        seg_name(w->segs.first[removed], name);
        if (unlinkat(w->dirfd, name, 0) != 0 && errno != ENOENT) {
            ioc_log(IOC_LOG_ERROR, "wal: cannot remove %s/%s: %s", w->path, name, strerror(errno));
            rc = IOC_EIO;
            break;
        }
        removed++;
    }
    if (removed == 0)
        return rc;
    memmove(w->segs.first, w->segs.first + removed, (w->segs.n - removed) * sizeof(uint64_t));
    w->segs.n -= removed;
    atomic_store_explicit(&w->n_segments, w->segs.n, memory_order_relaxed);
    int src = sync_fd(w->dirfd);
    return rc ? rc : src;
}

const char *tsdb_wal_error(const struct tsdb_wal *w)
{
    return w->err ? w->errmsg : NULL;
}

void tsdb_wal_stats_get(const struct tsdb_wal *w, struct tsdb_wal_stats *out)
{
    struct tsdb_wal *m = (struct tsdb_wal *)w; /* atomic loads need a non-const object */
    out->bytes_written = atomic_load_explicit(&m->n_bytes, memory_order_relaxed);
    out->syncs = atomic_load_explicit(&m->n_syncs, memory_order_relaxed);
    out->records = atomic_load_explicit(&m->n_records, memory_order_relaxed);
    out->segments = atomic_load_explicit(&m->n_segments, memory_order_relaxed);
    out->next_lsn = atomic_load_explicit(&m->n_next, memory_order_relaxed);
}

void tsdb_wal_close(struct tsdb_wal *w)
{
    if (!w)
        return;
    if (w->fd >= 0 && !w->err && w->buf_len > 0)
        (void)flush(w);
    if (w->fd >= 0)
        close(w->fd);
    if (w->dirfd >= 0)
        close(w->dirfd);
    free(w->buf);
    free(w->segs.first);
    free(w->path);
    free(w);
}
