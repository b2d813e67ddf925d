/* Unit tests for the engine's backup (src/tsdb/backup.c) and the lock that defers the trimming
 * of the log (db_seal.c): a stopped engine, an engine written by another thread during the copy
 * (chunks sealed, partitions added, series created and the log rolled while it runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/tmpdir.h"
#include "tsdb/tsdb.h"

#define S 1000000000LL
#define HOUR (3600 * S)
#define NSERIES 64 /* at most */

static uint64_t bits(double f)
{
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void key_of(struct ioc_buf *b, int station)
{
    char st[16];
    snprintf(st, sizeof st, "ST-%02d", station);
    struct tsdb_tag t = {"station", 7, st, strlen(st)};
    ioc_buf_init(b, 0);
    assert_int_equal(tsdb_series_key(b, "air", 3, "pm25", 4, &t, 1), 0);
}

static struct tsdb_db *open_db_sync(const char *dir, uint32_t seal_points, enum tsdb_sync_mode m)
{
    struct tsdb_db_options o = {0};
    o.sync = m;
    o.seal_points = seal_points;
    o.wal_segment = 4096; /* small segments: the log rolls and is trimmed often */
    struct tsdb_db *db = NULL;
    char err[256];
    int rc = tsdb_db_open(dir, &o, &db, err, sizeof err);
    if (rc)
        fail_msg("open %s: %s", dir, err);
    return db;
}

static struct tsdb_db *open_db(const char *dir, uint32_t seal_points)
{
    return open_db_sync(dir, seal_points, TSDB_SYNC_BATCH);
}

/* Writes one point (time i hours, value i) to each of stations [0, nst), and syncs. */
static void write_round(struct tsdb_db *db, int i, int nst)
{
    struct ioc_buf keys[NSERIES];
    struct tsdb_point_in p[NSERIES];
    for (int s = 0; s < nst; s++) {
        key_of(&keys[s], s);
        p[s] = (struct tsdb_point_in){keys[s].data, keys[s].len, TSDB_FLOAT, (int64_t)i * HOUR,
                                      bits((double)i)};
    }
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, p, (size_t)nst, &rep), 0);
    assert_int_equal(rep.accepted, (size_t)nst);
    assert_int_equal(tsdb_db_sync(db), 0);
    for (int s = 0; s < nst; s++)
        ioc_buf_free(&keys[s]);
}

/* The points of station st with times in [from, to) hours: count and sum. */
static struct tsdb_bucket points_of(struct tsdb_db *db, int st, int from, int to)
{
    struct tsdb_bucket all = {0};
    char name[16];
    snprintf(name, sizeof name, "ST-%02d", st);
    struct tsdb_str v = {name, strlen(name)};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    uint32_t ids[2];
    size_t n = 0;
    assert_int_equal(tsdb_db_select(db, "air", 3, "pm25", 4, &f, 1, ids, 2, &n), 0);
    if (n == 0)
        return all;
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, (int64_t)from * HOUR, (int64_t)to * HOUR,
                                      (int64_t)(to - from) * HOUR, 4),
                     0);
    assert_int_equal(tsdb_db_window(db, ids[0], &w, 1 << 22), 0);
    for (size_t i = 0; i < w.n; i++)
        tsdb_bucket_merge(&all, &w.b[i]);
    tsdb_window_free(&w);
    return all;
}

/* Opens the copy dest (a directory named tsdb) by its parent. */
static struct tsdb_db *open_copy(const char *parent)
{
    return open_db(parent, 0);
}

static void take_backup(const char *data, const char *dest_parent, struct tsdb_backup_report *r)
{
    char src[512], dest[512], err[512];
    snprintf(src, sizeof src, "%s/tsdb", data);
    snprintf(dest, sizeof dest, "%s/tsdb", dest_parent);
    int rc = tsdb_backup(src, dest, r, err, sizeof err);
    if (rc)
        fail_msg("backup: %s", err);
}

static void test_backup_of_a_stopped_engine_opens_with_every_point(void **state)
{
    (void)state;
    const char *data = test_fresh_dir();
    struct tsdb_db *db = open_db(data, 30);
    for (int i = 0; i < 200; i++) { /* 200 hours: 9 day partitions, chunks, trims */
        write_round(db, i, 5);
        assert_int_equal(tsdb_db_maintain(db, 0), 0);
    }
    write_round(db, 200, 6); /* a sixth series, only in the log */
    tsdb_db_close(db);
    db = open_db(data, 30);
    struct tsdb_db_stats before;
    tsdb_db_stats(db, &before);
    tsdb_db_close(db);

    const char *copy = test_fresh_dir();
    struct tsdb_backup_report r;
    take_backup(data, copy, &r);
    assert_int_equal(r.series, 6);
    assert_true(r.chunks > 0);
    assert_true(r.wal_records > 0);
    assert_int_equal(r.chunks_left_out, 0);
    assert_true(r.bytes > 0);
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/tsdb.tmp", copy);
    assert_int_equal(access(tmp, F_OK), -1);
    snprintf(tmp, sizeof tmp, "%s/tsdb/backup.lock", copy);
    assert_int_equal(access(tmp, F_OK), -1); /* the lock is not copied */

    db = open_copy(copy);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.chunks, before.chunks);
    assert_int_equal(st.head_points, before.head_points); /* sealed points are not replayed */
    for (int s = 0; s < 5; s++) {
        struct tsdb_bucket b = points_of(db, s, 0, 201);
        assert_int_equal(b.count, 201);
        assert_true(b.sum == 200.0 * 201 / 2);
    }
    assert_int_equal(points_of(db, 5, 0, 201).count, 1);
    /* the copy takes writes and keeps them over a restart: its log goes on past the LSNs of its
     * chunks, or the replay would skip the new point as sealed already */
    write_round(db, 201, 6);
    tsdb_db_close(db);
    db = open_copy(copy);
    assert_int_equal(points_of(db, 0, 0, 300).count, 202);
    tsdb_db_close(db);
}

/* The number of files in dir/sub whose name ends in suffix. */
static int count_files(const char *dir, const char *sub, const char *suffix)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name), k = strlen(suffix);
        n += l > k && strcmp(e->d_name + l - k, suffix) == 0;
    }
    if (d)
        closedir(d);
    return n;
}

/* A measurement with a retention rule of its own has its own partition files (D.<hex>.part):
 * the backup copies them beside the shared ones, and the restored copy reads both. */
static void test_backup_and_restore_copy_the_files_of_retention_groups(void **state)
{
    (void)state;
    const char *data = test_fresh_dir();
    struct tsdb_retention rule = {"air", 3, 0}; /* kept for ever, but a rule of its own */
    struct tsdb_db_options o = {0};
    o.seal_points = 10;
    o.retention = &rule;
    o.nretention = 1;
    struct tsdb_db *db = NULL;
    assert_int_equal(tsdb_db_open(data, &o, &db, NULL, 0), 0);
    struct ioc_buf air, water;
    key_of(&air, 0);
    ioc_buf_init(&water, 0);
    assert_int_equal(tsdb_series_key(&water, "water", 5, "level", 5, NULL, 0), 0);
    for (int i = 0; i < 120; i++) { /* 120 hours: chunks on 5 days */
        struct tsdb_point_in p[2] = {
            {air.data, air.len, TSDB_FLOAT, (int64_t)i * HOUR, bits((double)i)},
            {water.data, water.len, TSDB_FLOAT, (int64_t)i * HOUR, bits((double)i)}};
        struct tsdb_write_report rep;
        assert_int_equal(tsdb_db_append(db, p, 2, &rep), 0);
        assert_int_equal(tsdb_db_sync(db), 0);
        assert_int_equal(tsdb_db_maintain(db, 0), 0);
    }
    tsdb_db_close(db);
    char src[512];
    snprintf(src, sizeof src, "%s/tsdb", data);
    assert_int_equal(count_files(src, "parts", ".616972.part"), 5); /* hex of "air" */
    assert_int_equal(count_files(src, "parts", ".part"), 10);

    const char *copy = test_fresh_dir();
    struct tsdb_backup_report r;
    take_backup(data, copy, &r);
    char dest[512];
    snprintf(dest, sizeof dest, "%s/tsdb", copy);
    assert_int_equal(count_files(dest, "parts", ".616972.part"), 5);
    assert_int_equal(count_files(dest, "parts", ".part"), 10);

    const char *live = test_fresh_dir();
    char err[512];
    if (tsdb_restore(dest, live, &r, err, sizeof err) != 0)
        fail_msg("restore: %s", err);
    snprintf(src, sizeof src, "%s/tsdb", live);
    assert_int_equal(count_files(src, "parts", ".616972.part"), 5);
    assert_int_equal(tsdb_db_open(live, &o, &db, NULL, 0), 0);
    struct tsdb_bucket b = points_of(db, 0, 0, 120);
    assert_int_equal(b.count, 120);
    assert_true(b.sum == 119.0 * 120 / 2);
    uint32_t id;
    size_t n = 0;
    assert_int_equal(tsdb_db_select(db, "water", 5, "level", 5, NULL, 0, &id, 1, &n), 0);
    assert_int_equal(n, 1);
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 0, 120 * HOUR, 120 * HOUR, 1), 0);
    assert_int_equal(tsdb_db_window(db, id, &w, 1 << 20), 0);
    assert_int_equal(w.b[0].count, 120);
    tsdb_window_free(&w);
    tsdb_db_close(db);
    ioc_buf_free(&air);
    ioc_buf_free(&water);
}

static void test_backup_refuses_an_existing_destination_and_replaces_an_unfinished_one(void **state)
{
    (void)state;
    const char *data = test_fresh_dir();
    struct tsdb_db *db = open_db(data, 0);
    write_round(db, 1, 2);
    tsdb_db_close(db);
    const char *copy = test_fresh_dir();
    char src[512], dest[512], path[600];
    snprintf(src, sizeof src, "%s/tsdb", data);
    snprintf(dest, sizeof dest, "%s/tsdb", copy);
    snprintf(path, sizeof path, "%s.tmp", dest);
    assert_int_equal(mkdir(path, 0700), 0); /* what an interrupted backup leaves */
    snprintf(path, sizeof path, "%s.tmp/junk", dest);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    struct tsdb_backup_report r;
    assert_int_equal(tsdb_backup(src, dest, &r, NULL, 0), 0);
    assert_int_equal(r.wal_records, 3); /* two series records and one of points */
    char err[256];
    assert_int_equal(tsdb_backup(src, dest, &r, err, sizeof err), IOC_EEXIST);
    assert_non_null(strstr(err, dest));
    snprintf(path, sizeof path, "%s/none", data);
    assert_int_equal(tsdb_backup(path, dest, &r, NULL, 0), IOC_ENOTFOUND);
    db = open_copy(copy);
    assert_int_equal(points_of(db, 1, 0, 10).count, 1);
    tsdb_db_close(db);
}

static void test_backup_leaves_a_torn_partition_tail_in_the_source_and_out_of_the_copy(void **state)
{
    (void)state;
    const char *data = test_fresh_dir();
    struct tsdb_db *db = open_db(data, 10);
    for (int i = 0; i < 20; i++)
        write_round(db, i, 2);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    tsdb_db_close(db);
    char part[512];
    snprintf(part, sizeof part, "%s/tsdb/parts/%010u.part", data, 2147483648u); /* day 0 */
    struct stat st;
    assert_int_equal(stat(part, &st), 0);
    FILE *f = fopen(part, "ab");
    assert_non_null(f);
    fputs("IOCK and half a record", f); /* what a crash during an append leaves */
    fclose(f);
    off_t torn = st.st_size + 22;
    const char *copy = test_fresh_dir();
    struct tsdb_backup_report r;
    take_backup(data, copy, &r);
    assert_int_equal(stat(part, &st), 0);
    assert_int_equal(st.st_size, torn); /* the source is only read */
    char out[512];
    snprintf(out, sizeof out, "%s/tsdb/parts/%010u.part", copy, 2147483648u);
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_size, torn - 22);
    db = open_copy(copy);
    assert_int_equal(points_of(db, 0, 0, 20).count, 20);
    assert_int_equal(points_of(db, 1, 0, 20).count, 20);
    tsdb_db_close(db);
}

static void test_backup_lock_defers_the_trim_of_the_log(void **state)
{
    (void)state;
    const char *data = test_fresh_dir();
    struct tsdb_db *db = open_db(data, 10);
    char lock[512];
    snprintf(lock, sizeof lock, "%s/tsdb/backup.lock", data);
    int fd = open(lock, O_RDONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_SH), 0); /* what a backup holds */
    for (int i = 0; i < 600; i++) {
        write_round(db, i, 4);
        assert_int_equal(tsdb_db_maintain(db, 0), 0);
    }
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_true(st.chunks > 0);
    uint64_t held = st.wal.segments;
    assert_true(held > 10); /* nothing trimmed */
    close(fd);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    tsdb_db_stats(db, &st);
    assert_true(st.wal.segments < held / 4); /* trimmed at the next maintain */
    tsdb_db_close(db);
}

/* ---- a backup while another thread writes ---- */

struct writer {
    struct tsdb_db *db;
    atomic_int synced; /* rounds 0 … synced-1 are durable */
    atomic_int stop;
};

static void *write_loop(void *arg)
{
    struct writer *w = arg;
    for (int i = 0; !atomic_load(&w->stop); i++) {
        int nst = 4 + i / 40; /* a new series now and then */
        write_round(w->db, i, nst < NSERIES ? nst : NSERIES);
        atomic_store(&w->synced, i + 1);
        assert_int_equal(tsdb_db_maintain(w->db, i % 97 == 0), 0);
    }
    return NULL;
}

static void backup_while_writing(int wait_rounds)
{
    const char *data = test_fresh_dir();
    /* without fdatasync the writer goes fast enough to seal, roll and trim during the copy */
    struct writer w = {.db = open_db_sync(data, 16, TSDB_SYNC_OFF)};
    atomic_init(&w.synced, 0);
    atomic_init(&w.stop, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_loop, &w), 0);
    while (atomic_load(&w.synced) < wait_rounds)
        usleep(1000);
    int acked = atomic_load(&w.synced);
    const char *copy = test_fresh_dir();
    struct tsdb_backup_report r;
    take_backup(data, copy, &r);
    int after = atomic_load(&w.synced);
    atomic_store(&w.stop, 1);
    pthread_join(t, NULL);
    tsdb_db_close(w.db);

    struct tsdb_db *db = open_copy(copy);
    for (int s = 0; s < 4; s++) {
        struct tsdb_bucket b = points_of(db, s, 0, acked);
        if (b.count != acked)
            fail_msg("station %d: %lld of the %d points synced before the backup (%d after it; "
                     "copy: %llu chunks, %llu records)",
                     s, (long long)b.count, acked, after, (unsigned long long)r.chunks,
                     (unsigned long long)r.wal_records);
        assert_true(b.sum == (double)(acked - 1) * acked / 2);
    }
    int nst = 4 + (acked - 1) / 40;              /* every series created before: all its points */
    for (int s = 4; s < nst && s < NSERIES; s++) /* station s is new at round (s - 3) * 40 */
        assert_int_equal(points_of(db, s, 0, acked).count, acked - (s - 3) * 40);
    tsdb_db_close(db);
}

static void test_backup_while_another_thread_writes_holds_every_synced_point(void **state)
{
    (void)state;
    for (int k = 0; k < 16; k++) /* the races are timing: many tries */
        backup_while_writing(50 + 75 * k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backup_of_a_stopped_engine_opens_with_every_point),
        cmocka_unit_test(
            test_backup_refuses_an_existing_destination_and_replaces_an_unfinished_one),
        cmocka_unit_test(
            test_backup_leaves_a_torn_partition_tail_in_the_source_and_out_of_the_copy),
        cmocka_unit_test(test_backup_and_restore_copy_the_files_of_retention_groups),
        cmocka_unit_test(test_backup_lock_defers_the_trim_of_the_log),
        cmocka_unit_test(test_backup_while_another_thread_writes_holds_every_synced_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
