/*
 * fuzz_walseg — the time-series WAL reading segment files it did not write (src/tsdb/wal.c).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Input: byte 0 even → the rest is DATA_DIR/wal/0000000000000001.log. Byte 0 odd → bytes 1–2
 * (little-endian, modulo the rest's length + 1) split the rest after byte 3 into that segment
 * and a second one named 2 + byte 3, so gaps and continuations between segments are reached.
 * Byte 0 with bit 1 set → that rest is first expanded by build() below into framed records.
 *
 * Checked, with a parser of the format written here independently of wal.c:
 *   - replay delivers exactly the framed records from the start of each segment, in LSN order,
 *     each with its CRC right and its bytes as in the file, never anything after a bad record;
 *   - replaying twice gives the same records and the same answer;
 *   - open succeeds exactly when replay reported no damage, and changes no record replay saw;
 *   - open with truncate_damaged always succeeds and keeps exactly the records replay saw, and
 *     a record appended then is replayed after them with the next LSN.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/base.h"
#include "tsdb/tsdb.h"

struct seg {
    const uint8_t *p;
    size_t n;
    uint64_t first;
};

struct check {
    struct seg seg[2];
    int nseg;
    int cur;       /* segment the next record must come from */
    size_t off;    /* its offset there */
    uint64_t lsn;  /* LSN the next record must have */
    uint64_t n;    /* records seen */
    uint64_t hash; /* of every (lsn, payload) seen */
    uint64_t last; /* LSN of the last record seen */
};

static char dir[64];

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static int on_record(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct check *c = ctx;
    if (c->cur < c->nseg - 1 && c->off == c->seg[c->cur].n) {
        c->cur++; /* the previous segment ended exactly at a record boundary */
        c->off = 0;
        c->lsn = c->seg[c->cur].first;
    }
    const struct seg *s = &c->seg[c->cur];
    if (lsn != c->lsn || s->n - c->off < 8)
        __builtin_trap();
    const uint8_t *h = s->p + c->off;
    uint32_t want = (uint32_t)crc32_z(crc32(0L, h, 4), h + 8, le32(h));
    if (le32(h) != len || len > s->n - c->off - 8 || le32(h + 4) != want ||
        memcmp(h + 8, rec, len) != 0)
        __builtin_trap();
    c->off += 8 + len;
    c->lsn++;
    c->n++;
    c->last = lsn;
    c->hash = mix(mix(c->hash, &lsn, sizeof lsn), rec, len);
    return 0;
}

/* Every record after the truncating open: the hash before the last one, and the last one. */
struct tally {
    uint64_t n, hash, prev_hash, last;
    int last_appended;
};

static const char appended[] = "appended";

static int on_any(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct tally *t = ctx;
    t->prev_hash = t->hash;
    t->hash = mix(mix(t->hash, &lsn, sizeof lsn), rec, len);
    t->n++;
    t->last = lsn;
    t->last_appended = len == sizeof appended && memcmp(rec, appended, len) == 0;
    return 0;
}

static int replay(const struct check *proto, struct check *out)
{
    *out = *proto;
    return tsdb_wal_replay(dir, 0, on_record, out);
}

static void write_file(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/wal/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
        abort();
}

/* Empties DATA_DIR/wal (the WAL may have left segments of the previous input there). */
static void clear_wal(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/wal", dir);
    DIR *d = opendir(path);
    if (!d) {
        if (mkdir(path, 0700) != 0)
            abort();
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && unlinkat(dirfd(d), e->d_name, 0) != 0)
            abort();
    closedir(d);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    /* tmpfs when there is one: the WAL's fsyncs cost nothing there */
    snprintf(dir, sizeof dir, "%s",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm/ioc-walseg-XXXXXX"
                                           : "/tmp/ioc-walseg-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    atexit(remove_dir);
    return 0;
}

/* Lays the input out as one or two segment files; fills c's segment table. */
/* Built mode: each chunk of in is a byte c, then up to c & 63 bytes: with bit 6 set they are
 * copied raw, else they become one framed record with its CRC right (wrong when bit 7 is set). So
 * the fuzzer can line up intact and damaged records, which it could not find by chance. */
static const uint8_t *build(const uint8_t *in, size_t n, size_t *outn)
{
    static uint8_t out[9 * (1 << 16) + 16];
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t c = in[i++];
        size_t take = (size_t)(c & 63) < n - i ? (size_t)(c & 63) : n - i;
        if (!(c & 64)) {
            uint8_t *h = out + o;
            h[0] = (uint8_t)take, h[1] = h[2] = h[3] = 0;
            uint32_t crc = (uint32_t)crc32_z(crc32(0L, h, 4), in + i, take) ^ (c & 128 ? 1u : 0);
            for (int k = 0; k < 4; k++)
                h[4 + k] = (uint8_t)(crc >> (8 * k));
            o += 8;
        }
        memcpy(out + o, in + i, take);
        o += take;
        i += take;
    }
    *outn = o;
    return out;
}

/* Lays the input out as one or two segment files; fills c's segment table. */
static void lay_out(const uint8_t *data, size_t size, struct check *c)
{
    memset(c, 0, sizeof *c);
    clear_wal();
    c->seg[0].first = 1;
    c->nseg = 1;
    c->lsn = 1;
    int split = size >= 4 && (data[0] & 1);
    size_t skip = size == 0 ? 0 : split ? 4 : 1, n = size - skip;
    const uint8_t *rest = data + skip;
    if (size > 0 && (data[0] & 2))
        rest = build(rest, n, &n);
    c->seg[0] = (struct seg){rest, n, 1};
    if (split) {
        size_t at = ((size_t)data[1] | (size_t)data[2] << 8) % (n + 1);
        c->seg[0].n = at;
        c->seg[1] = (struct seg){rest + at, n - at, 2 + (uint64_t)data[3]};
        c->nseg = 2;
        char name[32];
        snprintf(name, sizeof name, "%016llx.log", (unsigned long long)c->seg[1].first);
        write_file(name, c->seg[1].p, c->seg[1].n);
    }
    write_file("0000000000000001.log", c->seg[0].p, c->seg[0].n);
}

static int open_close(int truncate_damaged, int append)
{
    struct tsdb_wal_options o = {.segment_size = TSDB_WAL_SEGMENT_MIN,
                                 .sync = TSDB_SYNC_OFF,
                                 .truncate_damaged = truncate_damaged};
    struct tsdb_wal *w = NULL;
    int rc = tsdb_wal_open(dir, &o, &w);
    if (rc)
        return rc;
    if (append) {
        if (tsdb_wal_append(w, appended, sizeof appended, NULL) != 0 || tsdb_wal_sync(w) != 0)
            __builtin_trap();
    }
    tsdb_wal_close(w);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    struct check proto, a, b;
    lay_out(data, size, &proto);
    int rc_a = replay(&proto, &a);
    int rc_b = replay(&proto, &b);
    if ((rc_a != 0 && rc_a != IOC_EINVAL) || rc_a != rc_b || a.n != b.n || a.hash != b.hash)
        __builtin_trap();
    int rc_open = open_close(0, 0);
    if ((rc_open == 0) != (rc_a == 0) || (rc_open != 0 && rc_open != IOC_EINVAL))
        __builtin_trap();
    if (rc_open == 0 && (replay(&proto, &b) != 0 || b.n != a.n || b.hash != a.hash))
        __builtin_trap();
    if (open_close(1, 1) != 0)
        __builtin_trap();
    /* what replay saw, then the appended record with the next LSN */
    struct tally t = {0};
    if (tsdb_wal_replay(dir, 0, on_any, &t) != 0 || t.n != a.n + 1 || t.prev_hash != a.hash ||
        !t.last_appended || t.last != (a.n ? a.last + 1 : 1))
        __builtin_trap();
    return 0;
}
