/* Unit tests for src/tsdb/part.c: partition files of sealed chunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/tmpdir.h"
#include "tsdb/tsdb.h"

struct refs {
    struct tsdb_chunk_ref r[16];
    size_t n;
};

static int keep(void *ctx, const struct tsdb_chunk_ref *ref)
{
    struct refs *rs = ctx;
    if (rs->n < 16)
        rs->r[rs->n++] = *ref;
    return 0;
}

static char *path_in(const char *dir, const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* A file with three records of series 1, 2, 3: chunk i is i+1 bytes of 'a'+i. */
static void three_records(const char *path, struct tsdb_chunk_ref out[3])
{
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path, &p, NULL, NULL), 0);
    for (uint32_t i = 0; i < 3; i++) {
        char chunk[8];
        memset(chunk, 'a' + (int)i, sizeof chunk);
        out[i] = (struct tsdb_chunk_ref){
            0, i + 1, 10 * (i + 1), i + 1, (int64_t)i * 100, (int64_t)i * 100 + 99, 1000 + i};
        assert_int_equal(tsdb_part_append(p, &out[i], chunk), 0);
    }
    assert_int_equal(tsdb_part_sync(p), 0);
    tsdb_part_close(p);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void test_part_records_come_back_from_the_scan_and_read(void **state)
{
    (void)state;
    const char *path = path_in(test_fresh_dir(), "20261202.part");
    struct tsdb_chunk_ref w[3];
    three_records(path, w);
    struct refs rs = {.n = 0};
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path, &p, keep, &rs), 0);
    assert_int_equal(rs.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rs.r[i].offset, w[i].offset);
        assert_int_equal(rs.r[i].series, i + 1);
        assert_int_equal(rs.r[i].count, 10 * (i + 1));
        assert_int_equal(rs.r[i].min_t, (int64_t)i * 100);
        assert_int_equal(rs.r[i].max_t, (int64_t)i * 100 + 99);
        assert_int_equal(rs.r[i].lsn, 1000 + i);
        char chunk[8] = {0}, want[8] = {0};
        assert_int_equal(tsdb_part_read(p, &rs.r[i], chunk), 0);
        memset(want, 'a' + (int)i, i + 1);
        assert_memory_equal(chunk, want, i + 1);
    }
    assert_int_equal(tsdb_part_size(p), (uint64_t)file_size(path));
    tsdb_part_close(p);
}

static void test_part_a_torn_last_record_is_truncated_and_appends_go_on(void **state)
{
    (void)state;
    const char *path = path_in(test_fresh_dir(), "torn.part");
    struct tsdb_chunk_ref w[3];
    three_records(path, w);
    off_t whole = file_size(path);
    for (off_t cut = whole - 1; cut > (off_t)w[2].offset; cut -= 7) {
        assert_int_equal(truncate(path, cut), 0);
        struct refs rs = {.n = 0};
        struct tsdb_part *p;
        assert_int_equal(tsdb_part_open(path, &p, keep, &rs), 0);
        assert_int_equal(rs.n, 2);
        assert_int_equal(file_size(path), (off_t)w[2].offset);
        struct tsdb_chunk_ref again = w[2];
        assert_int_equal(tsdb_part_append(p, &again, "ccc"), 0);
        assert_int_equal(again.offset, w[2].offset);
        assert_int_equal(tsdb_part_sync(p), 0);
        tsdb_part_close(p);
        assert_int_equal(file_size(path), whole);
    }
}

static void test_part_damage_followed_by_valid_records_is_refused_untouched(void **state)
{
    (void)state;
    const char *path = path_in(test_fresh_dir(), "damaged.part");
    struct tsdb_chunk_ref w[3];
    three_records(path, w);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, (long)w[1].offset + 48, SEEK_SET); /* the second record's chunk */
    fputc('X', f);
    fclose(f);
    off_t before = file_size(path);
    struct tsdb_part *p = NULL;
    assert_int_equal(tsdb_part_open(path, &p, NULL, NULL), IOC_EINVAL);
    assert_null(p);
    assert_int_equal(file_size(path), before);
}

static void test_part_read_refuses_a_record_that_is_not_the_ref(void **state)
{
    (void)state;
    const char *path = path_in(test_fresh_dir(), "refs.part");
    struct tsdb_chunk_ref w[3];
    three_records(path, w);
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path, &p, NULL, NULL), 0);
    char chunk[64];
    struct tsdb_chunk_ref wrong = w[1];
    wrong.series = 9; /* another series */
    assert_int_equal(tsdb_part_read(p, &wrong, chunk), IOC_EINVAL);
    wrong = w[1];
    wrong.offset += 1; /* not a record boundary */
    assert_int_equal(tsdb_part_read(p, &wrong, chunk), IOC_EINVAL);
    wrong = w[2];
    wrong.offset = (uint64_t)file_size(path); /* past the end */
    assert_int_equal(tsdb_part_read(p, &wrong, chunk), IOC_EINVAL);
    /* damaged on disk after the scan: the read says so */
    FILE *f = fopen(path, "r+b");
    fseek(f, (long)w[0].offset + 48, SEEK_SET);
    fputc('Z', f);
    fclose(f);
    assert_int_equal(tsdb_part_read(p, &w[0], chunk), IOC_EINVAL);
    tsdb_part_close(p);
}

static void test_part_append_refuses_an_empty_or_inverted_chunk(void **state)
{
    (void)state;
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path_in(test_fresh_dir(), "x.part"), &p, NULL, NULL), 0);
    struct tsdb_chunk_ref r = {0, 1, 0, 1, 0, 0};
    assert_int_equal(tsdb_part_append(p, &r, "a"), IOC_EINVAL); /* no points */
    r = (struct tsdb_chunk_ref){0, 1, 1, 1, 10, 5};
    assert_int_equal(tsdb_part_append(p, &r, "a"), IOC_EINVAL); /* min after max */
    r = (struct tsdb_chunk_ref){0, 1, 1, TSDB_PART_MAX_CHUNK + 1, 0, 0};
    assert_int_equal(tsdb_part_append(p, &r, "a"), IOC_EINVAL);
    assert_int_equal(tsdb_part_size(p), 0);
    tsdb_part_close(p);
}

static void
test_part_a_failed_write_stops_appends_and_the_reopen_drops_the_partial_record(void **state)
{
    (void)state;
    const char *path = path_in(test_fresh_dir(), "full.part");
    struct tsdb_chunk_ref w[3];
    three_records(path, w);
    off_t whole = file_size(path);
    struct tsdb_part *p;
    assert_int_equal(tsdb_part_open(path, &p, NULL, NULL), 0);
    /* the disk is "full" a few bytes past the current end (RLIMIT_FSIZE, SIGXFSZ ignored) */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)whole + 50;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    char big[200];
    memset(big, 'q', sizeof big);
    struct tsdb_chunk_ref r = {0, 4, 1, sizeof big, 500, 500};
    int rc = tsdb_part_append(p, &r, big);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, IOC_EIO);
    r.len = 1;
    assert_int_equal(tsdb_part_append(p, &r, "q"), IOC_EIO); /* sticky */
    assert_int_equal(tsdb_part_sync(p), IOC_EIO);
    tsdb_part_close(p);
    assert_true(file_size(path) > whole); /* part of the record reached the disk */
    struct refs rs = {.n = 0};
    assert_int_equal(tsdb_part_open(path, &p, keep, &rs), 0);
    assert_int_equal(rs.n, 3);
    assert_int_equal(file_size(path), whole);
    tsdb_part_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_part_records_come_back_from_the_scan_and_read),
        cmocka_unit_test(test_part_a_torn_last_record_is_truncated_and_appends_go_on),
        cmocka_unit_test(test_part_damage_followed_by_valid_records_is_refused_untouched),
        cmocka_unit_test(test_part_read_refuses_a_record_that_is_not_the_ref),
        cmocka_unit_test(test_part_append_refuses_an_empty_or_inverted_chunk),
        cmocka_unit_test(
            test_part_a_failed_write_stops_appends_and_the_reopen_drops_the_partial_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
