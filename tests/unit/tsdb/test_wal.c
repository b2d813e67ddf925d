/*
 * Unit tests for the time-series engine's write-ahead log (src/tsdb/wal.c): order and content,
 * segments and checkpoints, a torn tail repaired and damage in the middle refused, the record
 * size cap, the sticky error, the sync modes, and durability across kill -9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "tsdb/tsdb.h"

#define SEG1 "0000000000000001.log"

/* ---- helpers ---------------------------------------------------------------------------- */

/* The content of record lsn: its length and bytes follow from the LSN alone. */
static size_t rec_len(uint64_t lsn)
{
    return 1 + (size_t)(lsn * 37 % 300);
}

static void rec_fill(uint64_t lsn, unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(lsn * 131 + i * 7);
}

static int rec_ok(uint64_t lsn, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != (unsigned char)(lsn * 131 + i * 7))
            return 0;
    return 1;
}

/* What a replay delivered: LSNs in order; every record's content checked against rec_fill. */
struct seen {
    uint64_t lsn[4096];
    size_t len[4096];
    size_t n;
    int bad_content;
};

static int collect(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct seen *s = ctx;
    if (s->n == IOC_ARRAY_LEN(s->lsn))
        return -100;
    if (!rec_ok(lsn, rec, len))
        s->bad_content = 1;
    s->lsn[s->n] = lsn;
    s->len[s->n++] = len;
    return 0;
}

static struct seen *replay_all(const char *dir, uint64_t from)
{
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    assert_int_equal(tsdb_wal_replay(dir, from, collect, s), 0);
    assert_false(s->bad_content);
    return s;
}

/* Appends records first..last (content from rec_fill, length from rec_len unless len > 0). */
static void append_range(struct tsdb_wal *w, uint64_t first, uint64_t last, size_t len)
{
    unsigned char buf[4096];
    for (uint64_t l = first; l <= last; l++) {
        size_t n = len ? len : rec_len(l);
        rec_fill(l, buf, n);
        uint64_t got = 0;
        assert_int_equal(tsdb_wal_append(w, buf, n, &got), 0);
        assert_int_equal(got, l);
    }
}

static struct tsdb_wal *open_wal(const char *dir, uint64_t segment_size, enum tsdb_sync_mode m)
{
    struct tsdb_wal_options o = {.segment_size = segment_size, .sync = m};
    struct tsdb_wal *w = NULL;
    assert_int_equal(tsdb_wal_open(dir, &o, &w), 0);
    return w;
}

/* A log of records 1..n (closed), in segments of segment_size bytes. */
static void make_log(const char *dir, uint64_t n, uint64_t segment_size, size_t len)
{
    struct tsdb_wal *w = open_wal(dir, segment_size, TSDB_SYNC_OFF);
    append_range(w, 1, n, len);
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
}

static char *seg_path(const char *dir, const char *name)
{
    static char p[4][256];
    static int i;
    char *s = p[i++ % 4];
    snprintf(s, sizeof p[0], "%s/wal/%s", dir, name);
    return s;
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void flip_byte(const char *path, off_t off)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char c;
    assert_int_equal(pread(fd, &c, 1, off), 1);
    c ^= 0x40;
    assert_int_equal(pwrite(fd, &c, 1, off), 1);
    close(fd);
}

static void append_bytes(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    close(fd);
}

/* Offset of record lsn in a one-segment log written by append_range with rec_len lengths. */
static off_t offset_of(uint64_t lsn)
{
    off_t off = 0;
    for (uint64_t l = 1; l < lsn; l++)
        off += (off_t)(TSDB_WAL_HEADER + rec_len(l));
    return off;
}

static int open_err(const char *dir, int truncate_damaged, char *err, size_t errsz)
{
    struct tsdb_wal_options o = {
        .truncate_damaged = truncate_damaged, .err = err, .err_size = errsz};
    struct tsdb_wal *w = NULL;
    int rc = tsdb_wal_open(dir, &o, &w);
    if (rc == 0) {
        assert_non_null(w);
        tsdb_wal_close(w);
    } else {
        assert_null(w);
    }
    return rc;
}

/* ---- order, content, LSNs ---------------------------------------------------------------- */

static void test_wal_replay_gives_every_synced_record_in_order_with_its_content(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 200, 0, 0);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 200);
    for (size_t i = 0; i < s->n; i++) {
        assert_int_equal(s->lsn[i], i + 1);
        assert_int_equal(s->len[i], rec_len(i + 1));
    }
    free(s);
}

static void test_wal_lsns_continue_after_reopen(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_OFF);
    append_range(w, 11, 15, 0); /* asserts the LSNs 11..15 */
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 15);
    assert_int_equal(s->lsn[14], 15);
    free(s);
}

static void test_wal_replay_from_lsn_skips_earlier_records(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 40, 4096, 1000); /* 4 records per segment */
    struct seen *s = replay_all(dir, 23);
    assert_int_equal(s->n, 18);
    assert_int_equal(s->lsn[0], 23);
    assert_int_equal(s->lsn[17], 40);
    free(s);
}

static void test_wal_replay_of_a_directory_without_wal_is_empty(void **state)
{
    (void)state;
    struct seen *s = replay_all(test_fresh_dir(), 0);
    assert_int_equal(s->n, 0);
    free(s);
}

static void test_wal_replay_stops_with_the_callbacks_answer(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 5, 0, 0);
    struct seen s = {0};
    s.n = IOC_ARRAY_LEN(s.lsn) - 2; /* room for two records, then collect answers -100 */
    assert_int_equal(tsdb_wal_replay(dir, 0, collect, &s), -100);
    assert_int_equal(s.lsn[s.n - 1], 2);
}

/* ---- segments and checkpoints ----------------------------------------------------------- */

static void test_wal_rotates_to_a_segment_named_for_its_first_lsn(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 4096, 1000); /* 4 × 1008 bytes fit in 4096, the fifth does not */
    assert_int_equal(file_size(seg_path(dir, SEG1)), 4 * 1008);
    assert_int_equal(file_size(seg_path(dir, "0000000000000005.log")), 4 * 1008);
    assert_int_equal(file_size(seg_path(dir, "0000000000000009.log")), 2 * 1008);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 10);
    free(s);
}

static void test_wal_record_larger_than_a_segment_gets_a_segment_of_its_own(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal *w = open_wal(dir, 4096, TSDB_SYNC_OFF);
    unsigned char big[10000];
    append_range(w, 1, 1, 100);
    rec_fill(2, big, sizeof big);
    assert_int_equal(tsdb_wal_append(w, big, sizeof big, NULL), 0);
    append_range(w, 3, 3, 100);
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
    assert_int_equal(file_size(seg_path(dir, "0000000000000002.log")), 8 + sizeof big);
    assert_int_equal(file_size(seg_path(dir, "0000000000000003.log")), 8 + 100);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->len[1], sizeof big);
    free(s);
}

static void test_wal_checkpoint_removes_only_segments_wholly_below_the_lsn(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal *w = open_wal(dir, 4096, TSDB_SYNC_OFF);
    append_range(w, 1, 20, 1000); /* segments 1, 5, 9, 13, 17 */
    assert_int_equal(tsdb_wal_sync(w), 0);
    assert_int_equal(tsdb_wal_checkpoint(w, 12), 0); /* segment 9 holds 12: it stays */
    assert_int_equal(access(seg_path(dir, SEG1), F_OK), -1);
    assert_int_equal(access(seg_path(dir, "0000000000000005.log"), F_OK), -1);
    assert_int_equal(access(seg_path(dir, "0000000000000009.log"), F_OK), 0);
    struct tsdb_wal_stats st;
    tsdb_wal_stats_get(w, &st);
    assert_int_equal(st.segments, 3);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 12);
    assert_int_equal(s->lsn[0], 9);
    free(s);
}

static void test_wal_checkpoint_never_removes_the_segment_being_written(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal *w = open_wal(dir, 4096, TSDB_SYNC_OFF);
    append_range(w, 1, 6, 1000); /* segments 1 and 5 */
    assert_int_equal(tsdb_wal_sync(w), 0);
    assert_int_equal(tsdb_wal_checkpoint(w, UINT64_MAX), 0);
    append_range(w, 7, 7, 1000);
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->lsn[0], 5);
    free(s);
    /* and the log opens again, its first segment now starting at LSN 5 */
    w = open_wal(dir, 4096, TSDB_SYNC_OFF);
    append_range(w, 8, 8, 10);
    tsdb_wal_close(w);
}

static void test_wal_files_are_private_to_the_owner(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 1, 0, 0);
    struct stat st;
    char wal[256];
    snprintf(wal, sizeof wal, "%s/wal", dir);
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(seg_path(dir, SEG1), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_wal_open_refuses_a_log_that_is_already_open(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_OFF);
    struct tsdb_wal *w2 = NULL;
    assert_int_equal(tsdb_wal_open(dir, NULL, &w2), IOC_EBUSY);
    assert_null(w2);
    tsdb_wal_close(w);
    tsdb_wal_close(open_wal(dir, 0, TSDB_SYNC_OFF)); /* closing released it */
}

/* ---- torn tails and damage -------------------------------------------------------------- */

static void test_wal_open_truncates_a_partial_record_at_the_tail(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    off_t whole = file_size(seg_path(dir, SEG1));
    unsigned char part[38] = {100, 0, 0, 0, 1, 2, 3, 4}; /* says 100 bytes, has 30 */
    append_bytes(seg_path(dir, SEG1), part, sizeof part);
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_OFF);
    assert_int_equal(file_size(seg_path(dir, SEG1)), whole);
    append_range(w, 11, 11, 0); /* the next LSN follows the last intact record */
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 11);
    free(s);
}

static void test_wal_open_truncates_a_last_record_with_a_bad_crc(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    flip_byte(seg_path(dir, SEG1), offset_of(10) + 9);
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_OFF);
    assert_int_equal(file_size(seg_path(dir, SEG1)), offset_of(10));
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 9);
    free(s);
}

static void test_wal_open_truncates_a_zero_filled_tail(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    off_t whole = file_size(seg_path(dir, SEG1));
    static const unsigned char zeros[8192];
    append_bytes(seg_path(dir, SEG1), zeros, sizeof zeros); /* what a power cut can leave */
    tsdb_wal_close(open_wal(dir, 0, TSDB_SYNC_OFF));
    assert_int_equal(file_size(seg_path(dir, SEG1)), whole);
}

static void test_wal_open_refuses_a_bad_crc_followed_by_intact_records(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    off_t whole = file_size(seg_path(dir, SEG1));
    flip_byte(seg_path(dir, SEG1), offset_of(3) + 8);
    char err[512], want[64];
    assert_int_equal(open_err(dir, 0, err, sizeof err), IOC_EINVAL);
    snprintf(want, sizeof want, "offset %lld", (long long)offset_of(3));
    assert_non_null(strstr(err, SEG1));
    assert_non_null(strstr(err, want));
    assert_int_equal(file_size(seg_path(dir, SEG1)), whole); /* nothing was dropped */
    struct seen s = {0};
    assert_int_equal(tsdb_wal_replay(dir, 0, collect, &s), IOC_EINVAL);
    assert_int_equal(s.n, 2);
}

static void test_wal_open_with_truncate_damaged_keeps_the_records_before_the_damage(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 0, 0);
    flip_byte(seg_path(dir, SEG1), offset_of(3) + 1); /* the length field this time */
    assert_int_equal(open_err(dir, 0, NULL, 0), IOC_EINVAL);
    assert_int_equal(open_err(dir, 1, NULL, 0), 0);
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_OFF);
    append_range(w, 3, 3, 0);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 3);
    free(s);
}

static void test_wal_open_refuses_a_bad_record_in_a_segment_that_is_not_the_last(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 10, 4096, 1000);
    flip_byte(seg_path(dir, SEG1), 3 * 1008 + 500); /* its last record: no intact one after */
    char err[512];
    assert_int_equal(open_err(dir, 0, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, SEG1));
    assert_non_null(strstr(err, "offset 3024"));
    assert_int_equal(open_err(dir, 1, NULL, 0), 0);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 3);
    assert_int_equal(access(seg_path(dir, "0000000000000005.log"), F_OK), -1);
    free(s);
}

static void test_wal_open_refuses_a_missing_segment(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    make_log(dir, 12, 4096, 1000); /* segments 1, 5, 9 */
    assert_int_equal(unlink(seg_path(dir, "0000000000000005.log")), 0);
    char err[512];
    assert_int_equal(open_err(dir, 0, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "0000000000000009.log"));
    assert_int_equal(open_err(dir, 1, NULL, 0), 0);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 4);
    free(s);
}

/* ---- limits, errors, sync modes --------------------------------------------------------- */

static void test_wal_append_refuses_a_record_over_the_maximum(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal_options o = {.max_record = 1000, .sync = TSDB_SYNC_OFF};
    struct tsdb_wal *w = NULL;
    assert_int_equal(tsdb_wal_open(dir, &o, &w), 0);
    unsigned char buf[1001] = {0};
    uint64_t lsn = 77;
    assert_int_equal(tsdb_wal_append(w, buf, 1001, &lsn), IOC_EINVAL);
    assert_int_equal(lsn, 77);
    assert_int_equal(tsdb_wal_append(w, buf, 1000, &lsn), 0);
    assert_int_equal(lsn, 1);
    tsdb_wal_close(w);
    o.max_record = TSDB_WAL_RECORD_MAX + 1;
    assert_int_equal(tsdb_wal_open(dir, &o, &w), IOC_EINVAL);
}

static void test_wal_failed_write_is_sticky_until_reopened(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_wal *w = open_wal(dir, 0, TSDB_SYNC_BATCH);
    append_range(w, 1, 1, 100);
    assert_int_equal(tsdb_wal_sync(w), 0);
    assert_null(tsdb_wal_error(w));
    /* The file may not grow past 150 bytes: the next write fails with EFBIG half way. */
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 150;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    append_range(w, 2, 2, 1000);
    int rc = tsdb_wal_sync(w);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, IOC_EIO);
    assert_non_null(tsdb_wal_error(w));
    assert_non_null(strstr(tsdb_wal_error(w), "File too large"));
    unsigned char b = 0;
    assert_int_equal(tsdb_wal_append(w, &b, 1, NULL), IOC_EIO); /* the limit is gone: still */
    assert_int_equal(tsdb_wal_sync(w), IOC_EIO);
    tsdb_wal_close(w);
    w = open_wal(dir, 0, TSDB_SYNC_BATCH); /* the half record is cut away */
    assert_null(tsdb_wal_error(w));
    append_range(w, 2, 2, 0);
    assert_int_equal(tsdb_wal_sync(w), 0);
    tsdb_wal_close(w);
    struct seen *s = replay_all(dir, 0);
    assert_int_equal(s->n, 2);
    free(s);
}

static void sync_three_times(enum tsdb_sync_mode m, struct tsdb_wal_stats *st)
{
    struct tsdb_wal *w = open_wal(test_fresh_dir(), 0, m);
    for (uint64_t l = 1; l <= 3; l++) {
        append_range(w, l, l, 0);
        assert_int_equal(tsdb_wal_sync(w), 0);
    }
    assert_int_equal(tsdb_wal_sync(w), 0); /* nothing new: nothing to sync */
    tsdb_wal_stats_get(w, st);
    tsdb_wal_close(w);
}

static void test_wal_sync_off_writes_without_fdatasync(void **state)
{
    (void)state;
    struct tsdb_wal_stats st;
    sync_three_times(TSDB_SYNC_OFF, &st);
    assert_int_equal(st.syncs, 0);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.bytes_written, 3 * 8 + rec_len(1) + rec_len(2) + rec_len(3));
}

static void test_wal_sync_batch_and_always_fdatasync_once_per_sync(void **state)
{
    (void)state;
    struct tsdb_wal_stats st;
    sync_three_times(TSDB_SYNC_BATCH, &st);
    assert_int_equal(st.syncs, 3);
    sync_three_times(TSDB_SYNC_ALWAYS, &st);
    assert_int_equal(st.syncs, 3);
    assert_int_equal(st.next_lsn, 4);
    assert_int_equal(st.segments, 1);
}

struct reader {
    struct tsdb_wal *w;
    atomic_int stop;
    int went_back;
};

static void *read_stats(void *arg)
{
    struct reader *r = arg;
    uint64_t last = 0;
    while (!atomic_load(&r->stop)) {
        struct tsdb_wal_stats st;
        tsdb_wal_stats_get(r->w, &st);
        r->went_back |= st.records < last;
        last = st.records;
    }
    return NULL;
}

static void test_wal_stats_can_be_read_from_another_thread_while_appending(void **state)
{
    (void)state;
    struct reader r = {.w = open_wal(test_fresh_dir(), 4096, TSDB_SYNC_OFF)};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, read_stats, &r), 0);
    append_range(r.w, 1, 300, 500);
    assert_int_equal(tsdb_wal_sync(r.w), 0);
    atomic_store(&r.stop, 1);
    pthread_join(t, NULL);
    assert_false(r.went_back);
    struct tsdb_wal_stats st;
    tsdb_wal_stats_get(r.w, &st);
    assert_int_equal(st.records, 300);
    assert_int_equal(st.segments, 38); /* 8 records of 508 bytes per 4096-byte segment */
    tsdb_wal_close(r.w);
}

/* ---- kill -9 ---------------------------------------------------------------------------- */

/* The child: appends batches of 1–5 records, syncs, reports the last LSN of each batch. */
_Noreturn static void child_writer(const char *dir, int fd)
{
    struct tsdb_wal_options o = {.segment_size = 64 * 1024, .sync = TSDB_SYNC_BATCH};
    struct tsdb_wal *w = NULL;
    if (tsdb_wal_open(dir, &o, &w) != 0)
        _exit(2);
    unsigned char buf[4096];
    for (uint64_t lsn = 1;;) {
        for (uint64_t k = 0; k < 1 + lsn % 5; k++, lsn++) {
            rec_fill(lsn, buf, rec_len(lsn) * 8);
            if (tsdb_wal_append(w, buf, rec_len(lsn) * 8, NULL) != 0)
                _exit(3);
        }
        uint64_t done = lsn - 1;
        if (tsdb_wal_sync(w) != 0 || write(fd, &done, sizeof done) != sizeof done)
            _exit(4);
    }
}

/* LSNs 1, 2, 3, … in order, each record with its own content. */
struct run {
    uint64_t last;
    int broken;
};

static int check_run(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
    struct run *r = ctx;
    if (lsn != r->last + 1 || len != rec_len(lsn) * 8 || !rec_ok(lsn, rec, len))
        r->broken = 1;
    r->last = lsn;
    return 0;
}

static void one_kill_round(unsigned seed)
{
    const char *dir = test_fresh_dir();
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child_writer(dir, p[1]);
    }
    close(p[1]);
    uint64_t acked = 0, v;
    /* the first acknowledgement (however loaded the machine), then a random moment */
    assert_int_equal(read(p[0], &acked, sizeof acked), sizeof acked);
    usleep(seed % 150000);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    while (read(p[0], &v, sizeof v) == sizeof v) {
        assert_true(v > acked);
        acked = v;
    }
    close(p[0]);
    tsdb_wal_close(open_wal(dir, 64 * 1024, TSDB_SYNC_BATCH)); /* repairs the tail */
    struct run r = {0};
    assert_int_equal(tsdb_wal_replay(dir, 0, check_run, &r), 0);
    assert_false(r.broken);
    assert_true(r.last >= acked); /* every acknowledged LSN is there (1..last, no gap) */
}

static void test_wal_every_synced_record_survives_kill_9(void **state)
{
    (void)state;
    unsigned seed = (unsigned)time(NULL);
    for (int round = 0; round < 4; round++)
        one_kill_round(seed * 2654435761u + (unsigned)round * 40503u);
}

int main(void)
{
    ioc_log_set_level(IOC_LOG_ERROR + 1); /* the torn tails logged on purpose */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_replay_gives_every_synced_record_in_order_with_its_content),
        cmocka_unit_test(test_wal_lsns_continue_after_reopen),
        cmocka_unit_test(test_wal_replay_from_lsn_skips_earlier_records),
        cmocka_unit_test(test_wal_replay_of_a_directory_without_wal_is_empty),
        cmocka_unit_test(test_wal_replay_stops_with_the_callbacks_answer),
        cmocka_unit_test(test_wal_rotates_to_a_segment_named_for_its_first_lsn),
        cmocka_unit_test(test_wal_record_larger_than_a_segment_gets_a_segment_of_its_own),
        cmocka_unit_test(test_wal_checkpoint_removes_only_segments_wholly_below_the_lsn),
        cmocka_unit_test(test_wal_checkpoint_never_removes_the_segment_being_written),
        cmocka_unit_test(test_wal_files_are_private_to_the_owner),
        cmocka_unit_test(test_wal_open_refuses_a_log_that_is_already_open),
        cmocka_unit_test(test_wal_open_truncates_a_partial_record_at_the_tail),
        cmocka_unit_test(test_wal_open_truncates_a_last_record_with_a_bad_crc),
        cmocka_unit_test(test_wal_open_truncates_a_zero_filled_tail),
        cmocka_unit_test(test_wal_open_refuses_a_bad_crc_followed_by_intact_records),
        cmocka_unit_test(test_wal_open_with_truncate_damaged_keeps_the_records_before_the_damage),
        cmocka_unit_test(test_wal_open_refuses_a_bad_record_in_a_segment_that_is_not_the_last),
        cmocka_unit_test(test_wal_open_refuses_a_missing_segment),
        cmocka_unit_test(test_wal_append_refuses_a_record_over_the_maximum),
        cmocka_unit_test(test_wal_failed_write_is_sticky_until_reopened),
        cmocka_unit_test(test_wal_sync_off_writes_without_fdatasync),
        cmocka_unit_test(test_wal_sync_batch_and_always_fdatasync_once_per_sync),
        cmocka_unit_test(test_wal_stats_can_be_read_from_another_thread_while_appending),
        cmocka_unit_test(test_wal_every_synced_record_survives_kill_9),
    };
    return cmocka_run_group_tests_name("tsdb wal", tests, NULL, NULL);
}
