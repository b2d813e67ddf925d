/* Unit tests for the rollups (src/tsdb/rollup.c): every window answered through them equals
 * the raw path, with in-order data, late points, rewrites, day boundaries, restarts, damaged or
 * missing rollup files and kill -9; the record codec (rollup_codec.c): version 2 round trips with
 * awkward values, refuses damage, version 1 files still read, and what version 2 saves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/tmpdir.h"
#include "tsdb/rollup_int.h" /* HOUR, DAY; the record codec */

#define S 1000000000LL
#define MIN (60 * S)
#define NSERIES 3

static const char *const fields[NSERIES] = {"pm25", "count", "door"};
static const enum tsdb_type types[NSERIES] = {TSDB_FLOAT, TSDB_INT, TSDB_BOOL};

struct fix {
    struct ioc_buf key[NSERIES];
    int64_t *times[NSERIES]; /* every time written, for rewrites */
    size_t ntimes[NSERIES], cap[NSERIES];
    int64_t next[NSERIES]; /* the next in-order time */
    int64_t lo, hi;        /* the range of times written */
    unsigned seed;
};

static uint64_t value(struct fix *f, int s)
{
    int r = rand_r(&f->seed);
    if (types[s] == TSDB_FLOAT) {
        double d = (double)(r % 100000) / 100.0; /* two decimals, as sensors send */
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        return u;
    }
    if (types[s] == TSDB_INT)
        return (uint64_t)(int64_t)(r % 5000);
    return (uint64_t)(r & 1);
}

static void fix_init(struct fix *f, unsigned seed)
{
    memset(f, 0, sizeof *f);
    f->seed = seed;
    f->lo = INT64_MAX;
    f->hi = INT64_MIN;
    for (int s = 0; s < NSERIES; s++) {
        struct tsdb_tag t = {"station", 7, "DN-01", 5};
        ioc_buf_init(&f->key[s], 0);
        assert_int_equal(tsdb_series_key(&f->key[s], "air", 3, fields[s], strlen(fields[s]), &t, 1),
                         0);
        /* start a little before a UTC midnight, so that the data crosses day boundaries */
        f->next[s] = 20000 * DAY - 3 * HOUR + (int64_t)s * 7 * S;
    }
}

static void fix_free(struct fix *f)
{
    for (int s = 0; s < NSERIES; s++) {
        ioc_buf_free(&f->key[s]);
        free(f->times[s]);
    }
}

static void remember(struct fix *f, int s, int64_t t)
{
    if (f->ntimes[s] == f->cap[s]) {
        f->cap[s] = f->cap[s] ? f->cap[s] * 2 : 1024;
        f->times[s] = realloc(f->times[s], f->cap[s] * sizeof *f->times[s]);
        assert_non_null(f->times[s]);
    }
    f->times[s][f->ntimes[s]++] = t;
    if (t < f->lo)
        f->lo = t;
    if (t > f->hi)
        f->hi = t;
}

enum kind { IN_ORDER, LATE, REWRITE };

/* Writes n points of each series of the kind asked, and syncs. */
static void write_some(struct tsdb_db *db, struct fix *f, enum kind kind, size_t n)
{
    struct tsdb_point_in *p = calloc(n * NSERIES, sizeof *p);
    size_t k = 0;
    for (int s = 0; s < NSERIES; s++)
        for (size_t i = 0; i < n; i++) {
            int64_t t;
            if (kind == IN_ORDER || f->ntimes[s] == 0) {
                t = f->next[s];
                f->next[s] += (1 + rand_r(&f->seed) % 90) * S + rand_r(&f->seed) % 1000;
            } else if (kind == REWRITE) {
                t = f->times[s][(size_t)rand_r(&f->seed) % f->ntimes[s]];
            } else { /* a new time somewhere in the past */
                int64_t span = f->next[s] - f->lo;
                t = f->lo + (int64_t)((uint64_t)rand_r(&f->seed) * 1000003u % (uint64_t)span);
            }
            remember(f, s, t);
            p[k++] =
                (struct tsdb_point_in){f->key[s].data, f->key[s].len, types[s], t, value(f, s)};
        }
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, p, k, &rep), 0);
    assert_int_equal(rep.accepted, k);
    assert_int_equal(tsdb_db_sync(db), 0);
    free(p);
}

static struct tsdb_db *open_db(const char *dir)
{
    struct tsdb_db_options o = {0};
    o.seal_points = 97; /* many chunks, each over a few hours */
    o.wal_segment = 1 << 16;
    struct tsdb_db *db = NULL;
    char err[256];
    int rc = tsdb_db_open(dir, &o, &db, err, sizeof err);
    if (rc)
        fail_msg("open: %s", err);
    return db;
}

static uint32_t id_of(struct tsdb_db *db, int s)
{
    uint32_t ids[2];
    size_t n;
    assert_int_equal(
        tsdb_db_select(db, "air", 3, fields[s], strlen(fields[s]), NULL, 0, ids, 2, &n), 0);
    assert_int_equal(n, 1);
    return ids[0];
}

static int g_round;

static void same_bucket(const struct tsdb_bucket *a, const struct tsdb_bucket *b, int64_t step,
                        size_t i)
{
    if (a->count != b->count)
        fail_msg("step %lld bucket %zu: count %lld, raw %lld", (long long)(step / S), i,
                 (long long)a->count, (long long)b->count);
    if (a->count == 0)
        return;
    if (a->min != b->min || a->max != b->max || a->first != b->first || a->last != b->last)
        fail_msg("step %lld bucket %zu: min %g/%g max %g/%g first %g/%g last %g/%g (t %lld) "
                 "sum %.17g/%.17g round %d",
                 (long long)(step / S), i, a->min, b->min, a->max, b->max, a->first, b->first,
                 a->last, b->last, (long long)a->last_t, a->sum, b->sum, g_round);
    assert_int_equal(a->first_t, b->first_t);
    assert_int_equal(a->last_t, b->last_t);
    if (fabs(a->sum - b->sum) > 1e-12 * fmax(1.0, fabs(b->sum)))
        fail_msg("step %lld bucket %zu: sum %.17g, raw %.17g", (long long)(step / S), i, a->sum,
                 b->sum);
}

static uint64_t reads(struct tsdb_db *db)
{
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    return st.rollup_reads;
}

/* Series s (id), at 1m, 5m, 1h, 1d and 7d steps over the data (aligned, and one unaligned
 * start), gives the same through the rollups as raw. */
static void compare_series(struct tsdb_db *db, struct fix *f, uint32_t id)
{
    static const int64_t steps[] = {MIN, 5 * MIN, HOUR, DAY, 7 * DAY, 3 * HOUR + 7 * S};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int64_t step = steps[k];
        int64_t start = f->lo - f->lo % (7 * DAY) - 7 * DAY;
        int64_t end = f->hi + step + 2 * DAY;
        for (int cut = 0; cut < 3; cut++) {
            if (cut == 1) { /* days of Asia/Ho_Chi_Minh: from 17:00 UTC, hourly rollups */
                start -= 7 * HOUR;
            } else if (cut == 2) { /* a window cut short at both ends */
                start += step == MIN ? 0 : 17 * MIN;
                end = f->hi - 29 * MIN - 3 * S;
            }
            struct tsdb_window a, b;
            assert_int_equal(tsdb_window_init(&a, start, end, step, 1 << 20), 0);
            assert_int_equal(tsdb_window_init(&b, start, end, step, 1 << 20), 0);
            db_set_raw_only(db, 0);
            assert_int_equal(tsdb_db_window(db, id, &a, SIZE_MAX), 0);
            db_set_raw_only(db, 1);
            assert_int_equal(tsdb_db_window(db, id, &b, SIZE_MAX), 0);
            db_set_raw_only(db, 0);
            for (size_t i = 0; i < a.n; i++)
                same_bucket(&a.b[i], &b.b[i], step, i);
            tsdb_window_free(&a);
            tsdb_window_free(&b);
        }
    }
}

/* Every series as compare_series. Returns the buckets the rollups gave. */
static uint64_t compare(struct tsdb_db *db, struct fix *f)
{
    uint64_t before = reads(db);
    for (int s = 0; s < NSERIES; s++)
        compare_series(db, f, id_of(db, s));
    return reads(db) - before;
}

static void test_rollup_windows_equal_the_raw_path_through_late_points_and_rewrites(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir);
    struct fix f;
    fix_init(&f, 7);
    for (int round = 0; round < 12; round++) {
        enum kind kind = round < 4 ? IN_ORDER : (enum kind)(round % 3);
        g_round = round;
        write_some(db, &f, kind, 150 + (size_t)round * 13);
        assert_int_equal(tsdb_db_maintain(db, round % 2), 0);
        uint64_t used = compare(db, &f);
        if (round == 3)
            assert_true(used > 100); /* the rollups do answer */
    }
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    assert_true(compare(db, &f) > 100);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_true(st.rollups > 0);
    assert_true(st.rollups_written > 0);
    /* a restart (the head replayed from the log) gives the same */
    write_some(db, &f, LATE, 40);
    tsdb_db_close(db);
    db = open_db(dir);
    assert_true(compare(db, &f) > 100);
    tsdb_db_stats(db, &st);
    assert_int_equal(st.rollup_rebuilt, 0);
    /* and after it, in-order and late data keep them right */
    write_some(db, &f, IN_ORDER, 300);
    write_some(db, &f, REWRITE, 30);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    compare(db, &f);
    tsdb_db_close(db);
    fix_free(&f);
}

/* The engine, not only the rollups: after a restart a rewrite sealed into the partition of an
 * earlier day still wins over the point it replaced (chunks are put back in seal order). */
static void test_rollup_a_rewrite_in_an_earlier_partition_wins_after_a_restart(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db = open_db(dir);
    struct fix f;
    fix_init(&f, 3);
    int64_t day = 20000 * DAY;
    struct tsdb_point_in p = {f.key[0].data, f.key[0].len, TSDB_FLOAT, day + HOUR, 0};
    double v = 1.5;
    memcpy(&p.v, &v, sizeof v);
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, &p, 1, &rep), 0); /* day D's partition */
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    struct tsdb_point_in q[2] = {p, p};
    q[0].t = day - HOUR; /* this chunk starts on day D - 1 */
    v = 2.5;
    memcpy(&q[1].v, &v, sizeof v);
    assert_int_equal(tsdb_db_append(db, q, 2, &rep), 0);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    tsdb_db_close(db);
    db = open_db(dir);
    db_set_raw_only(db, 1);
    struct tsdb_window w;
    assert_int_equal(tsdb_window_init(&w, day, day + DAY, DAY, 1), 0);
    assert_int_equal(tsdb_db_window(db, id_of(db, 0), &w, SIZE_MAX), 0);
    assert_int_equal(w.b[0].count, 1);
    assert_true(w.b[0].last == 2.5);
    tsdb_window_free(&w);
    tsdb_db_close(db);
    fix_free(&f);
}

/* Calls fn on each rollup file of dir. */
static void each_rollup_file(const char *dir, void (*fn)(const char *path))
{
    char d[4096];
    snprintf(d, sizeof d, "%s/tsdb/rollup", dir);
    DIR *dd = opendir(d);
    assert_non_null(dd);
    for (struct dirent *e; (e = readdir(dd)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", d, e->d_name);
        fn(path);
    }
    closedir(dd);
}

static void remove_file(const char *path)
{
    assert_int_equal(unlink(path), 0);
}

/* Flips a byte in the middle of the file: a record damaged with others after it. */
static void damage_middle(const char *path)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    if (n > 200) {
        fseek(fp, 60, SEEK_SET);
        int c = fgetc(fp);
        fseek(fp, 60, SEEK_SET);
        fputc(c ^ 0x5a, fp);
    }
    fclose(fp);
}

static struct tsdb_db *filled(const char *dir, struct fix *f)
{
    struct tsdb_db *db = open_db(dir);
    fix_init(f, 11);
    for (int i = 0; i < 4; i++) {
        write_some(db, f, IN_ORDER, 200);
        assert_int_equal(tsdb_db_maintain(db, 1), 0);
    }
    write_some(db, f, LATE, 100);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    return db;
}

static void test_rollup_missing_files_are_rebuilt_at_open(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct fix f;
    struct tsdb_db *db = filled(dir, &f);
    tsdb_db_close(db);
    each_rollup_file(dir, remove_file); /* as a data directory from before the rollups */
    db = open_db(dir);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_true(st.rollup_rebuilt > 0);
    assert_true(compare(db, &f) > 100);
    tsdb_db_close(db);
    db = open_db(dir); /* the rebuilt rollups are kept: nothing to rebuild now */
    tsdb_db_stats(db, &st);
    assert_int_equal(st.rollup_rebuilt, 0);
    assert_true(compare(db, &f) > 100);
    tsdb_db_close(db);
    fix_free(&f);
}

static void test_rollup_a_damaged_file_is_dropped_and_rebuilt(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct fix f;
    struct tsdb_db *db = filled(dir, &f);
    tsdb_db_close(db);
    each_rollup_file(dir, damage_middle);
    db = open_db(dir);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_true(st.rollup_rebuilt > 0);
    assert_true(compare(db, &f) > 100);
    tsdb_db_close(db);
    fix_free(&f);
}

static void test_rollup_a_record_damaged_after_open_sends_the_window_raw(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct fix f;
    struct tsdb_db *db = filled(dir, &f);
    each_rollup_file(dir, damage_middle); /* under the open engine: reads must notice */
    compare(db, &f);
    tsdb_db_close(db);
    fix_free(&f);
}

static void test_rollup_kill_9_at_any_moment_leaves_rollups_equal_to_the_raw_data(void **state)
{
    (void)state;
    for (int round = 0; round < 6; round++) {
        const char *dir = test_fresh_dir();
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            struct fix f;
            struct tsdb_db *db = open_db(dir);
            fix_init(&f, 100 + (unsigned)round);
            for (int i = 0;; i++) {
                write_some(db, &f, i % 4 == 3 ? LATE : IN_ORDER, 120);
                if (tsdb_db_maintain(db, i % 2) != 0)
                    _exit(2);
            }
        }
        usleep(30000 + (useconds_t)round * 37000);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        struct tsdb_db *db = open_db(dir);
        /* compare over everything there is: the range from the engine's own data */
        struct fix f;
        fix_init(&f, 1);
        for (int s = 0; s < NSERIES; s++) {
            uint32_t ids[2];
            size_t n;
            assert_int_equal(
                tsdb_db_select(db, "air", 3, fields[s], strlen(fields[s]), NULL, 0, ids, 2, &n), 0);
            if (n == 0)
                continue;
            struct tsdb_window w;
            assert_int_equal(tsdb_window_init(&w, 0, INT64_MAX, INT64_MAX - 1, 2), 0);
            assert_int_equal(tsdb_db_window(db, ids[0], &w, SIZE_MAX), 0);
            if (w.b[0].count) {
                remember(&f, s, w.b[0].first_t);
                remember(&f, s, w.b[0].last_t);
            }
            tsdb_window_free(&w);
        }
        if (f.lo <= f.hi)
            compare(db, &f);
        tsdb_db_close(db);
        fix_free(&f);
    }
}

/* ---- the record codec ---- */

static double dbl(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Encodes lv/n as the engine would, checks the version written and that both levels decode to
 * the same bits; returns the blob's size. */
static size_t round_trip(const struct rl_entry *const *lv, const size_t *n, int version)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(rl_encode(lv, n, &b), 0);
    assert_true(b.len >= 4);
    assert_int_equal((unsigned char)b.data[0], version);
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        struct rl_entry *e = NULL;
        size_t k = 0;
        assert_int_equal(rl_decode_level((const unsigned char *)b.data, b.len, l, &e, &k), 0);
        assert_int_equal(k, n[l]);
        for (size_t i = 0; i < k; i++)
            if (memcmp(&e[i], &lv[l][i], sizeof e[i]) != 0)
                fail_msg("level %d bucket %zu: sum %a min %a max %a first %a last %a, want %a %a "
                         "%a %a %a",
                         l, i, e[i].b.sum, e[i].b.min, e[i].b.max, e[i].b.first, e[i].b.last,
                         lv[l][i].b.sum, lv[l][i].b.min, lv[l][i].b.max, lv[l][i].b.first,
                         lv[l][i].b.last);
        free(e);
    }
    size_t len = b.len;
    ioc_buf_free(&b);
    return len;
}

static void test_rollup_codec_round_trips_awkward_values_bit_for_bit(void **state)
{
    (void)state;
    /* NaN never reaches the engine from line protocol (refused there), but the tsdb API stores
     * any bits: the codec must keep them all. */
    static const uint64_t odd[] = {0x7ff8000000000001u,           0xfff0000000000000u,
                                   0x7ff0000000000000u,           0x8000000000000000u,
                                   0x0000000000000000u,           0x0000000000000001u,
                                   0x7fefffffffffffffu,           0xffefffffffffffffu,
                                   0x0010000000000000u,           0x4340000000000000u /* 2^53 */,
                                   0x4340000000000001u,           0x3fb999999999999au /* 0.1 */,
                                   0x3fd5555555555555u /* 1/3 */, 0xc1d2a05f20000000u};
    size_t nodd = sizeof odd / sizeof odd[0];
    struct rl_entry hours[64], day[3];
    memset(hours, 0, sizeof hours);
    memset(day, 0, sizeof day);
    for (size_t i = 0; i < 64; i++) {
        struct rl_entry *e = &hours[i];
        e->start = 20000 * DAY + (int64_t)(i * i) * HOUR;
        e->b.count = i == 5 ? INT64_MAX : (int64_t)i + 1;
        e->b.sum = dbl(odd[i % nodd]);
        e->b.min = dbl(odd[(i + 3) % nodd]);
        e->b.max = i % 2 ? (double)(i * 1000003) : dbl(odd[(i + 7) % nodd]); /* integers */
        e->b.first = -(double)i / 4;
        e->b.last = dbl(odd[(i * 5) % nodd]);
        e->b.first_t = e->start + (int64_t)i * 7;       /* ns: no common divisor */
        e->b.last_t = e->start + HOUR - 1 - (int64_t)i; /* the last ns of the hour */
    }
    day[0] = (struct rl_entry){rl_floor(RL_TMIN, DAY), {3, 1, 2, 3, 4, 5, 0, 0}};
    day[0].b.first_t = day[0].start;
    day[0].b.last_t = day[0].start + DAY - 1;
    day[1] = day[0];
    day[1].start = day[1].b.first_t = 20000 * DAY;
    day[1].b.last_t = day[1].start + 5;
    day[2] = day[1];
    day[2].start = rl_floor(RL_TMAX, DAY); /* the last day the rollups keep */
    day[2].b.first_t = day[2].b.last_t = day[2].start + 3 * S;
    const struct rl_entry *lv[2] = {hours, day};
    size_t n[2] = {64, 3};
    round_trip(lv, n, 2);
    n[0] = 0; /* an empty level */
    round_trip(lv, n, 2);
    const struct rl_entry *none[2] = {NULL, NULL};
    size_t zero[2] = {0, 0};
    round_trip(none, zero, 2);
    /* buckets version 2 cannot hold (a start off the width's grid) are written as version 1 */
    hours[1].start += 1;
    hours[1].b.first_t = hours[1].start;
    n[0] = 64;
    round_trip(lv, n, 1);
    hours[1].start -= 1;
    hours[1].b.first_t = hours[1].start;
    round_trip(lv, n, 2);
    day[0].b.last_t = INT64_MAX; /* a last time far outside its bucket (no overflow checking it) */
    round_trip(lv, n, 1);
}

/* A bucket of a gauge with `dec` decimals: count points every 10 s from hour h with ms jitter. */
static struct rl_entry gauge_bucket(int64_t start, int64_t count, int dec, unsigned *seed)
{
    struct rl_entry e = {start, {0, 0, 0, 0, 0, 0, 0, 0}};
    double scale = dec == 2 ? 100.0 : 10.0, level = 20 + rand_r(seed) % 1000;
    for (int64_t i = 0; i < count; i++) {
        int64_t t = start + 3 * S + i * 10 * S + (rand_r(seed) % 61 - 30) * 1000000;
        level += (rand_r(seed) % 21 - 10) / scale;
        tsdb_bucket_add(&e.b, t, round(level * scale) / scale);
    }
    return e;
}

static void test_rollup_codec_decimal_data_takes_under_a_third_of_version_1(void **state)
{
    (void)state;
    unsigned seed = 5;
    size_t v1 = 0, v2 = 0;
    for (int dec = 1; dec <= 2; dec++)
        for (int rec = 0; rec < 50; rec++) {
            struct rl_entry h[3], d;
            for (int i = 0; i < 3; i++)
                h[i] = gauge_bucket(20000 * DAY + (rec * 2 + i) * HOUR, 360, dec, &seed);
            d = gauge_bucket(20000 * DAY, 8640 * (rec + 1) / 50, dec, &seed);
            const struct rl_entry *lv[2] = {h, &d};
            size_t n[2] = {3, 1};
            v2 += round_trip(lv, n, 2);
            rl_set_write_version(1);
            v1 += round_trip(lv, n, 1);
            rl_set_write_version(2);
        }
    print_message("rollup blobs, gauges with 1-2 decimals: version 2 / version 1 = %zu / %zu "
                  "bytes = %.3f\n",
                  v2, v1, (double)v2 / (double)v1);
    assert_true(v2 * 3 < v1);
}

static void test_rollup_codec_refuses_every_truncation_and_survives_every_flip(void **state)
{
    (void)state;
    unsigned seed = 9;
    struct rl_entry h[4], d = gauge_bucket(20000 * DAY, 1440, 1, &seed);
    for (int i = 0; i < 4; i++)
        h[i] = gauge_bucket(20000 * DAY + i * HOUR, 360, 1, &seed);
    const struct rl_entry *lv[2] = {h, &d};
    size_t n[2] = {4, 1};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(rl_encode(lv, n, &b), 0);
    unsigned char *p = malloc(b.len);
    assert_non_null(p);
    for (size_t len = 0; len < b.len; len++) {
        memcpy(p, b.data, len); /* exactly len bytes: ASan sees any read past them */
        for (int l = 0; l < DB_RL_LEVELS; l++) {
            struct rl_entry *e = NULL;
            size_t k = 0;
            assert_int_equal(rl_decode_level(p, len, l, &e, &k), IOC_EINVAL);
            assert_null(e);
        }
    }
    for (size_t i = 0; i < b.len * 8; i++) {
        memcpy(p, b.data, b.len);
        p[i / 8] ^= (unsigned char)(1u << (i % 8));
        for (int l = 0; l < DB_RL_LEVELS; l++) {
            struct rl_entry *e = NULL;
            size_t k = 0;
            if (rl_decode_level(p, b.len, l, &e, &k) != 0)
                continue;
            for (size_t j = 0; j < k; j++) { /* what decodes keeps the decoder's promises */
                assert_true(e[j].b.count > 0);
                assert_true(j == 0 || e[j].start > e[j - 1].start);
                assert_true(e[j].b.first_t >= e[j].start && e[j].b.last_t >= e[j].start);
                assert_true(e[j].b.last_t - e[j].start < rl_width(l));
            }
            free(e);
        }
    }
    free(p);
    ioc_buf_free(&b);
}

/* The rollup bytes on disk of a realistic series: 10 s readings, ms jitter, one decimal,
 * 720-point chunks (the engine's default), written with the version asked. */
static uint64_t realistic_rollup_bytes(int version, struct tsdb_db **keep, const char *dir)
{
    rl_set_write_version(version);
    struct tsdb_db_options o = {0};
    o.seal_points = 720;
    struct tsdb_db *db = NULL;
    char err[256];
    if (tsdb_db_open(dir, &o, &db, err, sizeof err) != 0)
        fail_msg("open: %s", err);
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    struct tsdb_tag tag = {"station", 7, "DN-01", 5};
    assert_int_equal(tsdb_series_key(&key, "air", 3, "pm25", 4, &tag, 1), 0);
    unsigned seed = 21;
    double level = 35;
    enum { N = 2 * 8640 }; /* two days */
    struct tsdb_point_in *p = calloc(N, sizeof *p);
    assert_non_null(p);
    for (int i = 0; i < N; i++) {
        int64_t t = 20000 * DAY + 4 * S + (int64_t)i * 10 * S + (rand_r(&seed) % 61) * 1000000;
        level += (rand_r(&seed) % 21 - 10) / 10.0;
        double v = round(fabs(level) * 10) / 10;
        p[i] = (struct tsdb_point_in){key.data, key.len, TSDB_FLOAT, t, 0};
        memcpy(&p[i].v, &v, sizeof v);
    }
    struct tsdb_write_report rep;
    for (int i = 0; i < N; i += 360) { /* an hour at a time */
        assert_int_equal(tsdb_db_append(db, p + i, 360, &rep), 0);
        assert_int_equal(tsdb_db_maintain(db, 0), 0);
    }
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    free(p);
    ioc_buf_free(&key);
    rl_set_write_version(2);
    *keep = db;
    return st.rollup_bytes;
}

static void test_rollup_version_1_files_still_read_and_version_2_saves_bytes(void **state)
{
    (void)state;
    char *d1 = strdup(test_fresh_dir());
    assert_non_null(d1);
    struct tsdb_db *db1, *db2;
    uint64_t b1 = realistic_rollup_bytes(1, &db1, d1);
    uint64_t b2 = realistic_rollup_bytes(2, &db2, test_fresh_dir());
    print_message("rollup bytes on disk, a realistic series over 2 days: version 2 / version 1 = "
                  "%llu / %llu = %.3f\n",
                  (unsigned long long)b2, (unsigned long long)b1, (double)b2 / (double)b1);
    assert_true(b2 * 2 < b1);
    tsdb_db_close(db2);
    /* the version 1 data directory, reopened by this version: the same windows as raw, from the
     * rollups; more data adds version 2 records next to the version 1 ones */
    tsdb_db_close(db1);
    db1 = open_db(d1);
    struct fix f;
    fix_init(&f, 13);
    remember(&f, 0, 20000 * DAY);
    remember(&f, 0, 20002 * DAY);
    uint64_t before = reads(db1);
    compare_series(db1, &f, id_of(db1, 0)); /* the other series do not exist yet */
    assert_true(reads(db1) - before > 40);
    write_some(db1, &f, IN_ORDER, 300);
    write_some(db1, &f, LATE, 50);
    assert_int_equal(tsdb_db_maintain(db1, 1), 0);
    assert_true(compare(db1, &f) > 40);
    tsdb_db_close(db1);
    db1 = open_db(d1);
    struct tsdb_db_stats st;
    tsdb_db_stats(db1, &st);
    assert_int_equal(st.rollup_rebuilt, 0); /* nothing refused at open */
    assert_true(compare(db1, &f) > 40);
    tsdb_db_close(db1);
    fix_free(&f);
    free(d1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollup_windows_equal_the_raw_path_through_late_points_and_rewrites),
        cmocka_unit_test(test_rollup_a_rewrite_in_an_earlier_partition_wins_after_a_restart),
        cmocka_unit_test(test_rollup_missing_files_are_rebuilt_at_open),
        cmocka_unit_test(test_rollup_a_damaged_file_is_dropped_and_rebuilt),
        cmocka_unit_test(test_rollup_a_record_damaged_after_open_sends_the_window_raw),
        cmocka_unit_test(test_rollup_kill_9_at_any_moment_leaves_rollups_equal_to_the_raw_data),
        cmocka_unit_test(test_rollup_codec_round_trips_awkward_values_bit_for_bit),
        cmocka_unit_test(test_rollup_codec_decimal_data_takes_under_a_third_of_version_1),
        cmocka_unit_test(test_rollup_codec_refuses_every_truncation_and_survives_every_flip),
        cmocka_unit_test(test_rollup_version_1_files_still_read_and_version_2_saves_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
