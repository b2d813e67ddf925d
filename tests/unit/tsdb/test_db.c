/* Unit tests for the engine (src/tsdb/db.c, db_seal.c, db_query.c): writes, reads, restarts,
 * sealing, crashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/tmpdir.h"
#include "tsdb/db_int.h"

#define S 1000000000LL /* ns per second */

/* A test's series: air,station=<st> <field>. */
struct key {
    struct ioc_buf b;
};

static void key_make(struct key *k, const char *station, const char *field)
{
    struct tsdb_tag t = {"station", 7, station, strlen(station)};
    ioc_buf_init(&k->b, 0);
    assert_int_equal(tsdb_series_key(&k->b, "air", 3, field, strlen(field), &t, 1), 0);
}

static uint64_t bits(double f)
{
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static struct tsdb_db *open_db(const char *dir, uint32_t seal_points)
{
    struct tsdb_db_options o = {0};
    o.seal_points = seal_points;
    o.wal_segment = 4096; /* small segments, so that trimming the log shows */
    struct tsdb_db *db = NULL;
    char err[256];
    int rc = tsdb_db_open(dir, &o, &db, err, sizeof err);
    if (rc)
        fail_msg("open: %s", err);
    return db;
}

/* Writes n float points t0, t0 + step, … with value base + i, and syncs. */
static void write_floats(struct tsdb_db *db, struct key *k, int64_t t0, int64_t step, size_t n,
                         double base)
{
    struct tsdb_point_in *p = calloc(n, sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (struct tsdb_point_in){k->b.data, k->b.len, TSDB_FLOAT, t0 + (int64_t)i * step,
                                      bits(base + (double)i)};
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, p, n, &rep), 0);
    assert_int_equal(rep.accepted, n);
    assert_int_equal(tsdb_db_sync(db), 0);
    free(p);
}

static uint32_t id_of(struct tsdb_db *db, const char *station, const char *field)
{
    struct tsdb_str v = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    uint32_t ids[4];
    size_t n;
    assert_int_equal(tsdb_db_select(db, "air", 3, field, strlen(field), &f, 1, ids, 4, &n), 0);
    assert_int_equal(n, 1);
    return ids[0];
}

/* One bucket over everything: count, sum, min, max of the series. */
static struct tsdb_bucket whole(struct tsdb_db *db, uint32_t id)
{
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, INT64_MIN, INT64_MAX, INT64_MAX, 4), 0);
    assert_int_equal(tsdb_db_window(db, id, &w, 1 << 20), 0);
    struct tsdb_bucket all = {0};
    for (size_t i = 0; i < w.n; i++)
        tsdb_bucket_merge(&all, &w.b[i]);
    tsdb_window_free(&w);
    return all;
}

static void test_db_points_written_are_read_back_in_buckets(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db(test_fresh_dir(), 0);
    struct key k;
    key_make(&k, "DN-01", "pm25");
    write_floats(db, &k, 1000 * S, 10 * S, 360, 0); /* one hour, 0 … 359 */
    uint32_t id = id_of(db, "DN-01", "pm25");
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 1000 * S, 1000 * S + 3600 * S, 1800 * S, 8), 0);
    assert_int_equal(tsdb_db_window(db, id, &w, 1 << 20), 0);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.b[0].count, 180);
    double mean;
    assert_int_equal(tsdb_bucket_value(&w.b[1], TSDB_AGG_MEAN, &mean), 0);
    assert_true(mean == (180.0 + 359.0) / 2);
    tsdb_window_free(&w);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

static void test_db_a_field_of_another_type_is_refused_naming_the_stored_type(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db(test_fresh_dir(), 0);
    struct key k;
    key_make(&k, "DN-01", "pm25");
    struct tsdb_point_in p[3] = {
        {k.b.data, k.b.len, TSDB_FLOAT, 1 * S, bits(1.5)},
        {k.b.data, k.b.len, TSDB_INT, 2 * S, 7},
        {k.b.data, k.b.len, TSDB_FLOAT, 3 * S, bits(2.5)},
    };
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, p, 3, &rep), 0);
    assert_int_equal(rep.accepted, 2);
    assert_int_equal(rep.refused, 1);
    assert_int_equal(rep.first_refused, 1);
    assert_int_equal(rep.first_rc, IOC_EEXIST);
    assert_int_equal(rep.stored_type, TSDB_FLOAT);
    assert_int_equal(whole(db, id_of(db, "DN-01", "pm25")).count, 2);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

static void test_db_a_restart_replays_the_log(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir, 0);
    struct key a, b;
    key_make(&a, "DN-01", "pm25");
    key_make(&b, "DN-02", "pm25");
    write_floats(db, &a, 0, S, 100, 0);
    write_floats(db, &b, 0, S, 50, 10);
    tsdb_db_close(db);
    db = open_db(dir, 0);
    struct tsdb_bucket x = whole(db, id_of(db, "DN-01", "pm25"));
    struct tsdb_bucket y = whole(db, id_of(db, "DN-02", "pm25"));
    assert_int_equal(x.count, 100);
    assert_true(x.sum == 4950);
    assert_int_equal(y.count, 50);
    assert_true(y.min == 10);
    ioc_buf_free(&a.b);
    ioc_buf_free(&b.b);
    tsdb_db_close(db);
}

static void test_db_sealed_points_come_back_from_chunks_once_and_the_log_is_trimmed(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir, 100);
    struct key k;
    key_make(&k, "DN-01", "temp");
    write_floats(db, &k, 0, 10 * S, 250, 20); /* 2 seals of 100 due, 50 left in the head */
    assert_int_equal(tsdb_db_maintain(db, 0), 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.chunks, 1); /* the whole head (250 >= 100) sealed at once */
    assert_int_equal(st.head_points, 0);
    assert_int_equal(st.wal.segments, 1); /* all sealed: only the segment being written stays */
    write_floats(db, &k, 2500 * S, 10 * S, 30, 0);
    tsdb_db_close(db);
    db = open_db(dir, 100);
    struct tsdb_bucket b = whole(db, id_of(db, "DN-01", "temp"));
    assert_int_equal(b.count, 280); /* 250 from the chunk, 30 replayed: none twice */
    tsdb_db_stats(db, &st);
    assert_int_equal(st.head_points, 30);
    assert_true(st.chunk_bytes < 250 * 4); /* compressed: well under 4 bytes a point */
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

static void test_db_a_later_write_at_one_time_replaces_the_sealed_value(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db(test_fresh_dir(), 0);
    struct key k;
    key_make(&k, "DN-01", "pm25");
    write_floats(db, &k, 0, S, 10, 0); /* 0 … 9 at 0 … 9 s */
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    write_floats(db, &k, 5 * S, S, 1, 100); /* 100 at 5 s: a late correction */
    uint32_t id = id_of(db, "DN-01", "pm25");
    struct tsdb_bucket b = whole(db, id);
    assert_int_equal(b.count, 10);
    assert_true(b.max == 100);
    assert_true(b.sum == 45 - 5 + 100);
    int64_t t;
    uint64_t v;
    enum tsdb_type type;
    assert_int_equal(tsdb_db_latest(db, id, &t, &v, &type), 0);
    assert_int_equal(t, 9 * S); /* the correction is not the latest point */
    assert_true(tsdb_value_double(TSDB_FLOAT, v) == 9);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

/* Many overlapping sources (rewrites sealed in separate chunks, then more in the head): the raw
 * path merges them so that at each time the latest write counts once, bucket by bucket, as a
 * model of last-write-wins computes it. */
static void test_db_overlapping_rewrites_merge_to_the_latest_write(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db(test_fresh_dir(), 0);
    db_set_raw_only(db, 1);
    struct key k;
    key_make(&k, "DN-02", "pm25");
    enum { N = 600 };
    double model[N];
    for (int i = 0; i < N; i++)
        model[i] = i;
    write_floats(db, &k, 0, S, N, 0);
    for (int round = 1; round <= 5; round++) { /* every (round + 1)th second rewritten */
        int every = round + 1;
        for (int i = round; i < N; i += every) {
            double v = 1000.0 * round + i;
            write_floats(db, &k, (int64_t)i * S, S, 1, v);
            model[i] = v;
        }
        if (round < 5) /* the last round stays in the head */
            assert_int_equal(tsdb_db_maintain(db, 1), 0);
    }
    uint32_t id = id_of(db, "DN-02", "pm25");
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, 0, N * S, 60 * S, 64), 0);
    assert_int_equal(tsdb_db_window(db, id, &w, 1 << 20), 0);
    for (size_t b = 0; b < w.n; b++) {
        double sum = 0;
        for (int i = (int)b * 60; i < (int)b * 60 + 60; i++)
            sum += model[i];
        assert_int_equal(w.b[b].count, 60);
        if (w.b[b].sum != sum || w.b[b].first != model[b * 60] || w.b[b].last != model[b * 60 + 59])
            fail_msg("bucket %zu: sum %g (model %g), first %g (%g), last %g (%g)", b, w.b[b].sum,
                     sum, w.b[b].first, model[b * 60], w.b[b].last, model[b * 60 + 59]);
    }
    tsdb_window_free(&w);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

static void test_db_latest_comes_from_a_chunk_after_a_restart(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir, 0);
    struct key k;
    key_make(&k, "DN-01", "pm25");
    write_floats(db, &k, 0, S, 10, 0);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    tsdb_db_close(db);
    db = open_db(dir, 0);
    int64_t t;
    uint64_t v;
    enum tsdb_type type;
    assert_int_equal(tsdb_db_latest(db, id_of(db, "DN-01", "pm25"), &t, &v, &type), 0);
    assert_int_equal(t, 9 * S);
    assert_true(tsdb_value_double(TSDB_FLOAT, v) == 9);
    assert_int_equal(type, TSDB_FLOAT);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

/* A crash after the chunks are synced but before the log is trimmed: the log is put back as it
 * was before sealing, and the reopened engine still counts each point once. */
static void test_db_points_in_a_chunk_and_in_the_untrimmed_log_count_once(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir, 0);
    struct key k;
    key_make(&k, "DN-01", "pm25");
    write_floats(db, &k, 0, S, 40, 0);
    tsdb_db_close(db);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -a %s/tsdb/wal %s/wal-before", dir, dir);
    assert_int_equal(system(cmd), 0);
    db = open_db(dir, 0);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    tsdb_db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf %s/tsdb/wal && mv %s/wal-before %s/tsdb/wal", dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    db = open_db(dir, 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.head_points, 0); /* the replay skipped what the chunk holds */
    struct tsdb_bucket b = whole(db, id_of(db, "DN-01", "pm25"));
    assert_int_equal(b.count, 40);
    assert_true(b.sum == 780);
    ioc_buf_free(&k.b);
    tsdb_db_close(db);
}

/* A log holding more points than the head takes: the replay seals as it goes and must not trim
 * the log past what it has replayed. */
static void test_db_a_replay_larger_than_the_head_keeps_every_point(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir, 0);
    struct key k[10];
    char st[16];
    for (int i = 0; i < 10; i++) {
        snprintf(st, sizeof st, "R%d", i);
        key_make(&k[i], st, "v");
    }
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 10; i++)
            write_floats(db, &k[i], (int64_t)round * 100 * S, S, 100, 0);
    tsdb_db_close(db);
    struct tsdb_db_options o = {0};
    o.wal_segment = 4096;
    o.head_max_points = 500; /* 3,000 points in the log */
    char err[256];
    assert_int_equal(tsdb_db_open(dir, &o, &db, err, sizeof err), 0);
    for (int i = 0; i < 10; i++) {
        snprintf(st, sizeof st, "R%d", i);
        struct tsdb_bucket b = whole(db, id_of(db, st, "v"));
        assert_int_equal(b.count, 300);
        ioc_buf_free(&k[i].b);
    }
    tsdb_db_close(db);
}

/* The writer: batches of 100 points of one series, each acknowledged (synced) batch reported
 * on the pipe as its count of points so far; sealing every few batches. */
static void child_writer(const char *dir, int fd)
{
    struct tsdb_db *db = open_db(dir, 300);
    struct key k;
    key_make(&k, "KILL", "v");
    struct tsdb_point_in p[100];
    for (int64_t total = 0;; total += 100) {
        for (int i = 0; i < 100; i++)
            p[i] = (struct tsdb_point_in){k.b.data, k.b.len, TSDB_FLOAT, (total + i) * S,
                                          bits((double)(total + i))};
        struct tsdb_write_report rep;
        if (tsdb_db_append(db, p, 100, &rep) != 0 || tsdb_db_sync(db) != 0)
            _exit(3);
        int64_t acked = total + 100;
        if (write(fd, &acked, sizeof acked) != sizeof acked)
            _exit(4);
        if ((total / 100) % 5 == 4 && tsdb_db_maintain(db, 0) != 0)
            _exit(5);
    }
}

static void test_db_kill_9_keeps_every_acknowledged_point(void **state)
{
    (void)state;
    srand((unsigned)time(NULL));
    for (int round = 0; round < 4; round++) {
        const char *dir = test_fresh_dir();
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_writer(dir, fds[1]);
        }
        close(fds[1]);
        int64_t acked = 0, got;
        assert_int_equal(read(fds[0], &acked, sizeof acked), sizeof acked); /* it has begun */
        usleep(20000 + (useconds_t)(rand() % 150000));
        kill(pid, SIGKILL);
        while (read(fds[0], &got, sizeof got) == sizeof got)
            acked = got;
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        struct tsdb_db *db = open_db(dir, 300);
        struct tsdb_bucket b = whole(db, id_of(db, "KILL", "v"));
        assert_true(b.count >= acked); /* every acknowledged point, maybe a batch more */
        assert_true(b.min == 0);
        /* no point twice, none missing below the count: 0 … count-1 sum up exactly */
        assert_true(b.sum == (double)b.count * (double)(b.count - 1) / 2);
        tsdb_db_close(db);
    }
}

static void test_db_due_counts_series_that_reached_the_seal_size_until_maintain(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db(test_fresh_dir(), 16);
    struct key a, b;
    key_make(&a, "A", "v");
    key_make(&b, "B", "v");
    size_t nseries = 0;
    write_floats(db, &a, 1000, 10, 15, 0);
    assert_int_equal(tsdb_db_due(db, &nseries), 0);
    assert_int_equal(nseries, 1);
    write_floats(db, &a, 2000, 10, 5, 0); /* A crosses 16 once */
    write_floats(db, &b, 1000, 10, 40, 0);
    assert_int_equal(tsdb_db_due(db, &nseries), 2);
    assert_int_equal(nseries, 2);
    assert_int_equal(tsdb_db_maintain(db, 0), 0);
    assert_int_equal(tsdb_db_due(db, &nseries), 0);
    struct tsdb_bucket w = whole(db, id_of(db, "B", "v"));
    assert_int_equal(w.count, 40); /* sealed whole, nothing lost */
    ioc_buf_free(&a.b);
    ioc_buf_free(&b.b);
    tsdb_db_close(db);
}

/* The names of partition files (db_part_name: the one parser, for open, rollups and backups). */
static void test_db_partition_file_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int ok;
        uint32_t day;
        const char *tag;
    } cases[] = {
        {"2147503648.part", 1, 2147503648u, ""},
        {"0000000001.616972.part", 1, 1, "616972"},
        {"2147503648.ff.part", 1, 2147503648u, "ff"},
        {"2147503648.part.tmp", 0, 0, ""},
        {"2147503648.FF.part", 0, 0, ""},  /* uppercase */
        {"2147503648.abc.part", 0, 0, ""}, /* odd */
        {"2147503648..part", 0, 0, ""},
        {"2147503648.xy.part", 0, 0, ""},
        {"214750364.part", 0, 0, ""},
        {"21475036480.part", 0, 0, ""},
        {"21475036a8.part", 0, 0, ""},
        {"2147503648_61.part", 0, 0, ""},
        {"4294967295.part", 1, 4294967295u, ""},
        {"4294967296.part", 0, 0, ""}, /* past 32 bits */
        {".part", 0, 0, ""},
        {"", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t day = 0;
        const char *tag = NULL;
        size_t tl = 99;
        int ok = db_part_name(cases[i].name, &day, &tag, &tl);
        if (ok != cases[i].ok)
            fail_msg("%s: %d", cases[i].name, ok);
        if (!ok)
            continue;
        assert_int_equal(day, cases[i].day);
        assert_int_equal(tl, strlen(cases[i].tag));
        assert_memory_equal(tag, cases[i].tag, tl);
    }
    char name[300] = "2147503648.";
    memset(name + 11, 'a', DB_TAG_MAX);
    strcpy(name + 11 + DB_TAG_MAX, ".part");
    uint32_t day;
    const char *tag;
    size_t tl;
    assert_int_equal(db_part_name(name, &day, &tag, &tl), 1);
    assert_int_equal(tl, DB_TAG_MAX);
    memset(name + 11, 'a', DB_TAG_MAX + 2);
    strcpy(name + 13 + DB_TAG_MAX, ".part");
    assert_int_equal(db_part_name(name, &day, &tag, &tl), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_points_written_are_read_back_in_buckets),
        cmocka_unit_test(test_db_partition_file_names),
        cmocka_unit_test(test_db_due_counts_series_that_reached_the_seal_size_until_maintain),
        cmocka_unit_test(test_db_a_field_of_another_type_is_refused_naming_the_stored_type),
        cmocka_unit_test(test_db_a_restart_replays_the_log),
        cmocka_unit_test(test_db_sealed_points_come_back_from_chunks_once_and_the_log_is_trimmed),
        cmocka_unit_test(test_db_a_later_write_at_one_time_replaces_the_sealed_value),
        cmocka_unit_test(test_db_overlapping_rewrites_merge_to_the_latest_write),
        cmocka_unit_test(test_db_latest_comes_from_a_chunk_after_a_restart),
        cmocka_unit_test(test_db_points_in_a_chunk_and_in_the_untrimmed_log_count_once),
        cmocka_unit_test(test_db_a_replay_larger_than_the_head_keeps_every_point),
        cmocka_unit_test(test_db_kill_9_keeps_every_acknowledged_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
