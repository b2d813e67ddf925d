/*
 * part.c — partition files: the sealed chunks of one day (and one retention group: db.c names
 * the files), appended one after the other, each with a header and a CRC.
 *
 *   record = header (48 bytes, little-endian) + chunk bytes
 *   header = "IOCK" | series u32 | count u32 | length u32 | min time i64 | max time i64 |
 *            lsn u64 | reserved u32 (0) | crc32 u32 of the header's first 44 bytes and the chunk
 *
 * lsn is the greatest log sequence number of the points in the chunk: on start the engine skips
 * the logged points of a series up to it (they are in a chunk already).
 *
 * The chunk bytes are opaque here (chunk.c encodes them); the header says what a query needs to
 * choose chunks without reading them: series, number of points, time range.
 *
 * Invariants:
 *   1. Records are only appended; a record once synced never changes. Readers (query workers,
 *      any thread) read with pread at offsets the scan or an append gave them; the appending
 *      thread is the only writer.
 *   2. Open scans the records in order and reports each one. A torn tail — a last record cut
 *      short or failing its CRC, with nothing valid after it (what a crash during an append
 *      leaves) — is truncated away; damage followed by more data is refused (IOC_EINVAL), never
 *      silently dropped.
 *   3. tsdb_part_read checks the record's header and CRC again: a chunk damaged on disk since the
 *      scan is an error, never wrong data.
 */
#include "tsdb/tsdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HDR 48
#define MAGIC "IOCK"

struct tsdb_part {
    int fd;
    uint64_t size; /* bytes of whole records (appended or scanned) */
    int failed;    /* a write failed: no more appends (the file may hold a partial record) */
    char path[];
};

static uint32_t record_crc(const unsigned char *hdr, const void *chunk, size_t len)
{
    uLong c = crc32(0L, hdr, 44);
    return (uint32_t)crc32(c, chunk, (uInt)len);
}

/* Decodes a header; IOC_EINVAL unless it is one (magic, sane range, reserved zero). */
static int header_parse(const unsigned char *h, struct tsdb_chunk_ref *r)
{
    if (memcmp(h, MAGIC, 4) != 0 || ioc_le32_get(h + 40) != 0)
        return IOC_EINVAL;
    r->series = ioc_le32_get(h + 4);
    r->count = ioc_le32_get(h + 8);
    r->len = ioc_le32_get(h + 12);
    r->min_t = (int64_t)ioc_le64_get(h + 16);
    r->max_t = (int64_t)ioc_le64_get(h + 24);
    r->lsn = ioc_le64_get(h + 32);
    if (r->count == 0 || r->min_t > r->max_t || r->len > TSDB_PART_MAX_CHUNK)
        return IOC_EINVAL;
    return 0;
}

static int read_full(int fd, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return IOC_EIO;
        if (r == 0)
            return IOC_ENOTFOUND; /* past the end */
        got += (size_t)r;
    }
    return 0;
}

int tsdb_part_read(const struct tsdb_part *p, const struct tsdb_chunk_ref *ref, void *chunk)
{
    unsigned char h[HDR];
    struct tsdb_chunk_ref r;
    int rc = read_full(p->fd, h, HDR, ref->offset);
    if (rc == 0)
        rc = read_full(p->fd, chunk, ref->len, ref->offset + HDR);
    if (rc == IOC_ENOTFOUND)
        return IOC_EINVAL;
    if (rc)
        return rc;
    if (header_parse(h, &r) != 0 || r.series != ref->series || r.len != ref->len ||
        record_crc(h, chunk, ref->len) != ioc_le32_get(h + 44))
        return IOC_EINVAL;
    return 0;
}

/* A growable read buffer for the scan. */
struct scratch {
    unsigned char *p;
    size_t cap;
};

static int scratch_fit(struct scratch *s, size_t n)
{
    if (n <= s->cap)
        return 0;
    unsigned char *q = realloc(s->p, n);
    if (!q)
        return IOC_ENOMEM;
    s->p = q;
    s->cap = n;
    return 0;
}

/* Reads and checks the record at off of a file of size bytes into *r (its chunk into buf).
 * 0; IOC_ENOTFOUND at a clean end; IOC_EINVAL for a bad or cut record; IOC_ENOMEM. */
static int scan_one(int fd, uint64_t off, uint64_t size, struct scratch *buf,
                    struct tsdb_chunk_ref *r)
{
    unsigned char h[HDR];
    if (off == size)
        return IOC_ENOTFOUND;
    if (size - off < HDR || read_full(fd, h, HDR, off) != 0 || header_parse(h, r) != 0 ||
        size - off - HDR < r->len)
        return IOC_EINVAL;
    if (scratch_fit(buf, r->len ? r->len : 1) != 0)
        return IOC_ENOMEM;
    if (read_full(fd, buf->p, r->len, off + HDR) != 0 ||
        record_crc(h, buf->p, r->len) != ioc_le32_get(h + 44))
        return IOC_EINVAL;
    r->offset = off;
    return 0;
}

/* 1 if a valid record starts anywhere after off (then damage at off is not a torn tail). Reads
 * the rest of the file in blocks, looking for the magic. */
static int valid_after(int fd, uint64_t off, uint64_t size, struct scratch *buf)
{
    unsigned char block[65536];
    for (uint64_t at = off + 1; at + HDR <= size;) {
        size_t n = size - at < sizeof block ? (size_t)(size - at) : sizeof block;
        if (read_full(fd, block, n, at) != 0)
            return 0;
        size_t i = 0;
        for (unsigned char *m; (m = memmem(block + i, n - i, MAGIC, 4)) != NULL;) {
            i = (size_t)(m - block);
            struct tsdb_chunk_ref r;
            if (scan_one(fd, at + i, size, buf, &r) == 0)
                return 1;
            i++;
        }
        if (n < sizeof block)
            break;
        at += n - 3; /* a magic across the block edge is seen in the next block */
    }
    return 0;
}

static int scan(struct tsdb_part *p, tsdb_chunk_ref_fn fn, void *ctx)
{
    struct stat st;
    if (fstat(p->fd, &st) != 0)
        return IOC_EIO;
    uint64_t size = (uint64_t)st.st_size, off = 0;
    struct scratch buf = {NULL, 0};
    int rc;
    struct tsdb_chunk_ref r;
    while ((rc = scan_one(p->fd, off, size, &buf, &r)) == 0) {
        if (fn && (rc = fn(ctx, &r)) != 0)
            break;
        off += HDR + r.len;
    }
    if (rc == IOC_ENOTFOUND) {
        rc = 0;
    } else if (rc == IOC_EINVAL) {
        if (valid_after(p->fd, off, size, &buf)) {
            ioc_log(IOC_LOG_ERROR, "%s: damaged record at offset %llu, valid records after it",
                    p->path, (unsigned long long)off);
        } else {
            ioc_log(IOC_LOG_WARN, "%s: %llu bytes of an unfinished record at the end removed",
                    p->path, (unsigned long long)(size - off));
            rc = ftruncate(p->fd, (off_t)off) == 0 && fdatasync(p->fd) == 0 ? 0 : IOC_EIO;
        }
    }
    free(buf.p);
    p->size = off;
    return rc;
}

int tsdb_part_scan_file(const char *path, tsdb_part_record_fn fn, void *ctx, uint64_t *end)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? IOC_ENOTFOUND : IOC_EIO;
    struct stat st;
    uint64_t off = 0;
    struct scratch buf = {NULL, 0};
    struct tsdb_chunk_ref r;
    int rc = fstat(fd, &st) == 0 ? 0 : IOC_EIO;
    uint64_t size = rc == 0 ? (uint64_t)st.st_size : 0;
    int stopped = 0; /* by fn */
    while (rc == 0 && (rc = scan_one(fd, off, size, &buf, &r)) == 0) {
        if ((rc = fn(ctx, &r, buf.p)) != 0) {
            stopped = 1;
            break;
        }
        off += HDR + r.len;
    }
    if (!stopped && rc == IOC_ENOTFOUND)
        rc = 0;
    else if (!stopped && rc == IOC_EINVAL && !valid_after(fd, off, size, &buf))
        rc = 0; /* a torn tail, or a record being appended: the scan ends before it */
    if (end)
        *end = off;
    free(buf.p);
    close(fd);
    return rc;
}

int tsdb_part_open(const char *path, struct tsdb_part **out, tsdb_chunk_ref_fn fn, void *ctx)
{
    size_t n = strlen(path);
    struct tsdb_part *p = calloc(1, sizeof *p + n + 1);
    if (!p)
        return IOC_ENOMEM;
    memcpy(p->path, path, n + 1);
    p->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (p->fd < 0) {
        free(p);
        return errno == ENOENT ? IOC_ENOTFOUND : IOC_EIO;
    }
    int rc = scan(p, fn, ctx);
    if (rc) {
        tsdb_part_close(p);
        return rc;
    }
    *out = p;
    return 0;
}

void tsdb_part_close(struct tsdb_part *p)
{
    if (!p)
        return;
    close(p->fd);
    free(p);
}

uint64_t tsdb_part_size(const struct tsdb_part *p)
{
    return p->size;
}

int tsdb_part_append(struct tsdb_part *p, struct tsdb_chunk_ref *ref, const void *chunk)
{
    if (p->failed)
        return IOC_EIO;
    if (ref->count == 0 || ref->min_t > ref->max_t || ref->len > TSDB_PART_MAX_CHUNK)
        return IOC_EINVAL;
    unsigned char h[HDR];
    memcpy(h, MAGIC, 4);
    ioc_le32_put(h + 4, ref->series);
    ioc_le32_put(h + 8, ref->count);
    ioc_le32_put(h + 12, ref->len);
    ioc_le64_put(h + 16, (uint64_t)ref->min_t);
    ioc_le64_put(h + 24, (uint64_t)ref->max_t);
    ioc_le64_put(h + 32, ref->lsn);
    ioc_le32_put(h + 40, 0);
    ioc_le32_put(h + 44, record_crc(h, chunk, ref->len));
    struct iovec_like {
        const void *p;
        size_t n;
    } parts[2] = {{h, HDR}, {chunk, ref->len}};
    uint64_t off = p->size;
    for (int i = 0; i < 2; i++) {
        for (size_t done = 0; done < parts[i].n;) {
            ssize_t w =
                pwrite(p->fd, (const char *)parts[i].p + done, parts[i].n - done, (off_t)off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                p->failed = 1; /* the next open truncates the partial record */
                return IOC_EIO;
            }
            done += (size_t)w;
            off += (uint64_t)w;
        }
    }
    ref->offset = p->size;
    p->size = off;
    return 0;
}

int tsdb_part_sync(struct tsdb_part *p)
{
    if (p->failed)
        return IOC_EIO;
    if (fdatasync(p->fd) != 0) {
        p->failed = 1;
        return IOC_EIO;
    }
    return 0;
}
