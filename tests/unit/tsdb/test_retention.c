/* Unit tests for the retention of the engine (src/tsdb/db_retain.c): measurements with their own
 * retention, a fake clock; windows (through the rollups and raw) and latest give exactly the
 * unexpired points of a model, the files of wholly expired days are deleted — a measurement with
 * a rule of its own has its own files (parts/D.<hex of its name>.part), so a short rule frees
 * its disk while the shared D.part of the others stays — a reopen gives the same, rules added
 * or removed later, a measurement without a rule keeps everything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/tmpdir.h"
#include "tsdb/db_int.h"

#define S 1000000000LL
#define HOUR (3600 * S)
#define DAY (86400 * S)
#define DAY0 20000LL /* the first day of data */
#define NDAYS 60
#define NM 3

static const char *const meas[NM] = {"air", "traffic", "noise"};

static int64_t g_now; /* the fake clock: written by the test thread, read by any */
static int64_t fake_now(void)
{
    return __atomic_load_n(&g_now, __ATOMIC_SEQ_CST);
}
static void set_now(int64_t t)
{
    __atomic_store_n(&g_now, t, __ATOMIC_SEQ_CST);
}

/* The model: every point written, per measurement (one series each), ascending. */
struct model {
    int64_t t[NM][(NDAYS + 16) * 24];
    double v[NM][(NDAYS + 16) * 24];
    size_t n[NM];
    int64_t keep[NM];    /* 0: for ever */
    int64_t gone[NM][2]; /* points in [gone[0], gone[1]) were deleted (an earlier retention) */
    struct ioc_buf key[NM];
};

static void model_init(struct model *m, const int64_t keep[NM])
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < NM; i++) {
        struct tsdb_tag t = {"station", 7, "DN-01", 5};
        m->keep[i] = keep[i];
        m->gone[i][0] = m->gone[i][1] = INT64_MIN;
        ioc_buf_init(&m->key[i], 0);
        assert_int_equal(tsdb_series_key(&m->key[i], meas[i], strlen(meas[i]), "v", 1, &t, 1), 0);
    }
}

static void model_free(struct model *m)
{
    for (int i = 0; i < NM; i++)
        ioc_buf_free(&m->key[i]);
}

static struct tsdb_db *open_db(const char *dir, int64_t dflt, const struct model *m)
{
    struct tsdb_retention rules[NM];
    size_t n = 0;
    for (int i = 0; i < NM; i++)
        if (m->keep[i] >= 0) /* -1: no rule (the default applies) */
            rules[n++] = (struct tsdb_retention){meas[i], strlen(meas[i]), m->keep[i]};
    struct tsdb_db_options o = {0};
    o.seal_points = 24;
    o.retention_ns = dflt;
    o.retention = rules;
    o.nretention = n;
    o.now_fn = fake_now;
    struct tsdb_db *db = NULL;
    char err[256];
    int rc = tsdb_db_open(dir, &o, &db, err, sizeof err);
    if (rc)
        fail_msg("open: %s", err);
    return db;
}

/* Writes hour h (since DAY0) for every measurement and remembers it. */
static void write_hour(struct tsdb_db *db, struct model *m, int64_t h)
{
    struct tsdb_point_in p[NM];
    for (int i = 0; i < NM; i++) {
        int64_t t = DAY0 * DAY + h * HOUR;
        double v = (double)(h % 997 + 1000 * i);
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        p[i] = (struct tsdb_point_in){m->key[i].data, m->key[i].len, TSDB_FLOAT, t, bits};
        m->t[i][m->n[i]] = t;
        m->v[i][m->n[i]++] = v;
    }
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, p, NM, &rep), 0);
    assert_int_equal(rep.accepted, NM);
    assert_int_equal(tsdb_db_sync(db), 0);
}

static uint32_t id_of(struct tsdb_db *db, int i)
{
    uint32_t ids[2];
    size_t n;
    assert_int_equal(tsdb_db_select(db, meas[i], strlen(meas[i]), "v", 1, NULL, 0, ids, 2, &n), 0);
    assert_int_equal(n, 1);
    return ids[0];
}

static int64_t keep_of(const struct model *m, int i, int64_t dflt)
{
    return m->keep[i] >= 0 ? m->keep[i] : dflt;
}

static int expired(const struct model *m, int i, int64_t dflt, int64_t t)
{
    int64_t k = keep_of(m, i, dflt);
    return (k > 0 && t < g_now - k) || (t >= m->gone[i][0] && t < m->gone[i][1]);
}

/* Windows (hourly, daily: from rollups; 90 min: raw; also raw only) and latest against the
 * model's unexpired points. */
static void check(struct tsdb_db *db, const struct model *m, int64_t dflt)
{
    static const int64_t steps[] = {HOUR, DAY, 90 * 60 * S, 7 * DAY};
    for (int i = 0; i < NM; i++) {
        uint32_t id = id_of(db, i);
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
            for (int raw = 0; raw < 2; raw++) {
                int64_t start = (DAY0 - 7) * DAY, end = (DAY0 + NDAYS + 7) * DAY;
                struct tsdb_window a, b;
                assert_int_equal(tsdb_window_init(&a, start, end, steps[k], 1 << 20), 0);
                assert_int_equal(tsdb_window_init(&b, start, end, steps[k], 1 << 20), 0);
                db_set_raw_only(db, raw);
                assert_int_equal(tsdb_db_window(db, id, &a, SIZE_MAX), 0);
                db_set_raw_only(db, 0);
                for (size_t j = 0; j < m->n[i]; j++)
                    if (!expired(m, i, dflt, m->t[i][j]))
                        tsdb_window_add(&b, m->t[i][j], m->v[i][j]);
                for (size_t j = 0; j < a.n; j++) {
                    const struct tsdb_bucket *x = &a.b[j], *y = &b.b[j];
                    if (x->count != y->count ||
                        (x->count && (x->sum != y->sum || x->min != y->min || x->max != y->max ||
                                      x->first_t != y->first_t)))
                        fail_msg("%s step %llds raw %d bucket %zu: count %lld/%lld sum %g/%g",
                                 meas[i], (long long)(steps[k] / S), raw, j, (long long)x->count,
                                 (long long)y->count, x->sum, y->sum);
                }
                tsdb_window_free(&a);
                tsdb_window_free(&b);
            }
        int64_t t;
        uint64_t v;
        enum tsdb_type type;
        int rc = tsdb_db_latest(db, id, &t, &v, &type);
        int64_t last = INT64_MIN;
        for (size_t j = 0; j < m->n[i]; j++)
            if (m->t[i][j] > last)
                last = m->t[i][j];
        if (expired(m, i, dflt, last)) {
            assert_int_equal(rc, IOC_ENOTFOUND);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(t, last);
        }
    }
}

/* 1 if the file of day in tsdb/sub exists: of measurement i's own group, or (i < 0) the shared
 * one. */
static int file_exists(const char *dir, const char *sub, int i, int64_t day)
{
    char path[4200], tag[64] = "";
    for (size_t k = 0; i >= 0 && meas[i][k]; k++)
        snprintf(tag + strlen(tag), sizeof tag - strlen(tag), "%s%02x", k ? "" : ".",
                 (unsigned char)meas[i][k]);
    struct stat st;
    snprintf(path, sizeof path, "%s/tsdb/%s/%010u%s.part", dir, sub, db_day_of(day * DAY), tag);
    return stat(path, &st) == 0;
}

/* The first day whose file a keep of k keeps at now (hourly points, a chunk a day). */
static int64_t first_kept(int64_t k)
{
    return (fake_now() - k) / DAY;
}

/* Writes the hourly points of days [from, to) (since DAY0), sealing every day and moving the
 * clock with the data. */
static void fill_days(struct tsdb_db *db, struct model *m, int64_t from, int64_t to)
{
    for (int64_t h = from * 24; h < to * 24; h++) {
        set_now(DAY0 * DAY + (h + 1) * HOUR);
        write_hour(db, m, h);
        if (h % 24 == 23)
            assert_int_equal(tsdb_db_maintain(db, 0), 0);
    }
}

/* NDAYS of hourly points. */
static void fill(struct tsdb_db *db, struct model *m)
{
    fill_days(db, m, 0, NDAYS);
}

static void test_retention_a_short_rule_frees_its_own_files_while_the_shared_stay(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {30 * DAY, 5 * DAY, -1}; /* noise: no rule, default for ever */
    model_init(&m, keep);
    struct tsdb_db *db = open_db(dir, 0, &m);
    fill(db, &m);
    set_now((DAY0 + NDAYS) * DAY + 6 * HOUR);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    /* air and traffic have their own files, gone up to their cutoffs; noise's (the shared
     * D.part) are all there: it keeps every day */
    int64_t air = first_kept(30 * DAY), traffic = first_kept(5 * DAY);
    assert_int_equal(air, DAY0 + 30);
    for (int64_t d = DAY0; d < DAY0 + NDAYS; d++)
        for (int k = 0; k < 2; k++) {
            const char *sub = k ? "rollup" : "parts";
            assert_true(file_exists(dir, sub, -1, d));
            assert_int_equal(file_exists(dir, sub, 0, d), d >= air);
            assert_int_equal(file_exists(dir, sub, 1, d), d >= traffic);
            assert_false(file_exists(dir, sub, 2, d));
        }
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.expired_chunks, (uint64_t)(air - DAY0 + traffic - DAY0));
    assert_int_equal(st.expired_files, 2 * (uint64_t)(air - DAY0 + traffic - DAY0));
    assert_int_equal(st.partitions,
                     (uint64_t)(NDAYS + DAY0 + NDAYS - air + DAY0 + NDAYS - traffic));
    assert_int_equal(st.expired_series, 0);
    for (int i = 0; i < NM; i++)
        assert_false(tsdb_db_expired(db, id_of(db, i)));
    tsdb_db_close(db);
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    /* later: all of traffic expires (it is no longer listed), its files go, air's stay */
    set_now(fake_now() + 6 * DAY);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    assert_true(tsdb_db_expired(db, id_of(db, 1)));
    assert_false(tsdb_db_expired(db, id_of(db, 0)));
    assert_false(tsdb_db_expired(db, id_of(db, 2)));
    tsdb_db_stats(db, &st);
    assert_int_equal(st.expired_series, 1);
    for (int64_t d = DAY0; d < DAY0 + NDAYS; d++) {
        assert_false(file_exists(dir, "parts", 1, d));
        assert_int_equal(file_exists(dir, "parts", 0, d), d >= first_kept(30 * DAY));
        assert_true(file_exists(dir, "parts", -1, d));
    }
    tsdb_db_close(db);
    model_free(&m);
}

static void test_retention_deletes_the_files_of_wholly_expired_days(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {30 * DAY, 5 * DAY, 10 * DAY};
    model_init(&m, keep);
    struct tsdb_db *db = open_db(dir, 0, &m);
    fill(db, &m);
    set_now((DAY0 + NDAYS) * DAY + 6 * HOUR);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    /* each keeps its own files: the days wholly before its cutoff are gone, the others are
     * there; no shared file (every measurement has a rule) */
    uint64_t gone = 0;
    for (int i = 0; i < NM; i++) {
        int64_t first = first_kept(keep[i]);
        gone += (uint64_t)(first - DAY0);
        for (int64_t d = DAY0; d < DAY0 + NDAYS; d++) {
            assert_int_equal(file_exists(dir, "parts", i, d), d >= first);
            assert_int_equal(file_exists(dir, "rollup", i, d), d >= first);
            assert_false(file_exists(dir, "parts", -1, d));
        }
    }
    int64_t first_air = first_kept(30 * DAY);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.expired_chunks, gone);
    assert_true(st.expired_bytes > 0);
    assert_int_equal(st.expired_files, gone * 2);
    /* a late point of an expired day is never returned (it goes to the head, then a chunk) */
    write_hour(db, &m, 3 * 24 + 5);
    check(db, &m, 0);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    tsdb_db_close(db);
    /* reopen: the same answers, the late day's files expired again */
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    for (int i = 0; i < NM; i++)
        assert_false(file_exists(dir, "parts", i, DAY0 + 3));
    /* time passes: more days go, at most once a minute of the clock */
    set_now(fake_now() + 3 * DAY);
    assert_int_equal(tsdb_db_maintain(db, 0), 0);
    check(db, &m, 0);
    assert_false(file_exists(dir, "parts", 0, first_air + 2));
    assert_true(file_exists(dir, "parts", 0, first_air + 3));
    tsdb_db_close(db);
    model_free(&m);
}

static void test_retention_default_applies_and_a_rule_of_0_keeps_for_ever(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {0, -1, -1}; /* air for ever; traffic and noise: the default */
    model_init(&m, keep);
    struct tsdb_db *db = open_db(dir, 12 * DAY, &m);
    fill(db, &m);
    set_now((DAY0 + NDAYS) * DAY);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 12 * DAY);
    /* air (a rule of its own, for ever) keeps all its files; the shared ones go by the default */
    int64_t first = first_kept(12 * DAY);
    for (int64_t d = DAY0; d < DAY0 + NDAYS; d++) {
        assert_true(file_exists(dir, "parts", 0, d));
        assert_int_equal(file_exists(dir, "parts", -1, d), d >= first);
    }
    tsdb_db_close(db);
    /* without retention everything not deleted is back: all of air, the others' last days */
    const int64_t none[NM] = {0, 0, 0};
    memcpy(m.keep, none, sizeof none);
    m.gone[1][1] = m.gone[2][1] = first * DAY;
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    tsdb_db_close(db);
    model_free(&m);
}

static void test_retention_all_expired_gives_not_found_and_bad_rules_refuse(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {DAY, DAY, DAY};
    model_init(&m, keep);
    struct tsdb_db *db = open_db(dir, 0, &m);
    fill(db, &m);
    set_now((DAY0 + NDAYS + 2) * DAY); /* everything is expired */
    check(db, &m, 0);                  /* before the last files go: the reads leave it out */
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    for (int64_t d = DAY0; d < DAY0 + NDAYS; d++)
        for (int i = -1; i < NM; i++)
            assert_false(file_exists(dir, "parts", i, d));
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.expired_series, NM);
    tsdb_db_close(db);
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    for (int i = 0; i < NM; i++)
        assert_true(tsdb_db_expired(db, id_of(db, i)));
    tsdb_db_close(db);

    struct tsdb_retention bad = {"air", 3, -1};
    struct tsdb_db_options o = {0};
    o.retention = &bad;
    o.nretention = 1;
    char err[256];
    assert_int_equal(tsdb_db_open(test_fresh_dir(), &o, &db, err, sizeof err), IOC_EINVAL);
    model_free(&m);
}

/* 60 days written with no retention, then the rules of keep set in the model. */
static void prepare(const char *dir, struct model *m, const int64_t keep[NM])
{
    const int64_t none[NM] = {0, 0, 0};
    model_init(m, none);
    struct tsdb_db *db = open_db(dir, 0, m);
    fill(db, m);
    tsdb_db_close(db);
    memcpy(m->keep, keep, sizeof m->keep);
}

static void test_retention_kill_9_while_deleting_loses_no_unexpired_point(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {30 * DAY, 5 * DAY, 10 * DAY};
    prepare(dir, &m, keep);
    unsigned seed = 7;
    for (int round = 0; round < 8; round++) {
        set_now((DAY0 + 32 + round * 3) * DAY + 5 * HOUR);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) { /* open (a pass), then passes as the clock runs */
            struct tsdb_db *db = open_db(dir, 0, &m);
            for (int i = 0;; i++) {
                if (i < 60) /* an hour at most, a pass a minute */
                    set_now(fake_now() + 60 * S);
                if (tsdb_db_maintain(db, 1) != 0)
                    _exit(2);
            }
        }
        usleep((useconds_t)(rand_r(&seed) % 20000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        set_now(fake_now() + HOUR); /* as far as the child's clock went at most */
        struct tsdb_db *db = open_db(dir, 0, &m);
        check(db, &m, 0);
        /* each measurement's files (written with rules of 0: their own) go by its keep */
        for (int i = 0; i < NM; i++)
            for (int64_t d = DAY0; d < DAY0 + NDAYS; d++)
                assert_int_equal(file_exists(dir, "parts", i, d), d >= first_kept(keep[i]));
        tsdb_db_close(db);
    }
    model_free(&m);
}

/* Rules added, then removed: a chunk's files are chosen when it is written; whatever file holds
 * a point, only its measurement's rule decides whether it is expired. */
static void test_retention_rules_added_and_removed_later(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t none[NM] = {-1, -1, -1}, air5[NM] = {5 * DAY, -1, -1};
    model_init(&m, none);
    struct tsdb_db *db = open_db(dir, 0, &m);
    fill(db, &m); /* everything in the shared files */
    tsdb_db_close(db);
    memcpy(m.keep, air5, sizeof air5);
    db = open_db(dir, 0, &m);
    set_now((DAY0 + NDAYS) * DAY + 6 * HOUR);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0); /* air's old points are expired, though their files stay */
    for (int64_t d = DAY0; d < DAY0 + NDAYS; d++) {
        assert_true(file_exists(dir, "parts", -1, d));
        assert_false(file_exists(dir, "parts", 0, d));
    }
    /* ten more days: air's new chunks go to its own files, which go after 5 days */
    fill_days(db, &m, NDAYS, NDAYS + 10);
    set_now((DAY0 + NDAYS + 10) * DAY + 6 * HOUR);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    int64_t first = first_kept(5 * DAY);
    assert_int_equal(first, DAY0 + NDAYS + 5);
    for (int64_t d = DAY0 + NDAYS; d < DAY0 + NDAYS + 10; d++) {
        assert_true(file_exists(dir, "parts", -1, d));
        assert_int_equal(file_exists(dir, "parts", 0, d), d >= first);
        assert_int_equal(file_exists(dir, "rollup", 0, d), d >= first);
    }
    tsdb_db_close(db);
    /* the rule removed: air's points still on disk are back (its old ones in the shared files,
     * its last five days in its own), those of the deleted files are not; new ones are shared */
    memcpy(m.keep, none, sizeof none);
    m.gone[0][0] = (DAY0 + NDAYS) * DAY;
    m.gone[0][1] = first * DAY;
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    fill_days(db, &m, NDAYS + 10, NDAYS + 12);
    assert_int_equal(tsdb_db_maintain(db, 1), 0);
    check(db, &m, 0);
    assert_true(file_exists(dir, "parts", -1, DAY0 + NDAYS + 11));
    assert_false(file_exists(dir, "parts", 0, DAY0 + NDAYS + 11));
    assert_true(file_exists(dir, "parts", 0, first));
    tsdb_db_close(db);
    db = open_db(dir, 0, &m);
    check(db, &m, 0);
    tsdb_db_close(db);
    model_free(&m);
}

struct reader {
    struct tsdb_db *db;
    uint32_t ids[NM];
    int stop, failed;
    long reads;
};

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
        for (int i = 0; i < NM; i++) {
            struct tsdb_window w;
            int64_t step = (r->reads % 2) ? HOUR : 90 * 60 * S;
            if (tsdb_window_init(&w, (DAY0 - 1) * DAY, (DAY0 + NDAYS + 1) * DAY, step, 1 << 20))
                r->failed = 1;
            if (tsdb_db_window(r->db, r->ids[i], &w, SIZE_MAX) != 0)
                r->failed = 1;
            tsdb_window_free(&w);
            int64_t t;
            uint64_t v;
            enum tsdb_type type;
            int rc = tsdb_db_latest(r->db, r->ids[i], &t, &v, &type);
            if (rc != 0 && rc != IOC_ENOTFOUND)
                r->failed = 1;
        }
        r->reads++;
    }
    return NULL;
}

static void test_retention_readers_racing_the_deletion_never_fail(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    static struct model m;
    const int64_t keep[NM] = {20 * DAY, 3 * DAY, 7 * DAY};
    prepare(dir, &m, keep);
    set_now((DAY0 + 10) * DAY);
    struct tsdb_db *db = open_db(dir, 0, &m);
    struct reader r[2];
    pthread_t th[2];
    for (int k = 0; k < 2; k++) {
        memset(&r[k], 0, sizeof r[k]);
        r[k].db = db;
        for (int i = 0; i < NM; i++)
            r[k].ids[i] = id_of(db, i);
        assert_int_equal(pthread_create(&th[k], NULL, read_loop, &r[k]), 0);
    }
    for (int d = 0; d < NDAYS + 15; d++) { /* a day expires at each pass, then all is */
        set_now(fake_now() + DAY);
        assert_int_equal(tsdb_db_maintain(db, 1), 0);
        usleep(2000);
    }
    for (int k = 0; k < 2; k++) {
        __atomic_store_n(&r[k].stop, 1, __ATOMIC_SEQ_CST);
        pthread_join(th[k], NULL);
        assert_false(r[k].failed);
        assert_true(r[k].reads > 0);
    }
    check(db, &m, 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    assert_int_equal(st.partitions, 0); /* everything expired: every file gone */
    assert_int_equal(st.chunks, 0);
    assert_int_equal(st.expired_chunks, (uint64_t)NDAYS * NM);
    tsdb_db_maintain(db, 1); /* the last partitions closed once no reader holds one */
    assert_int_equal(db->ngrave, 0);
    tsdb_db_close(db);
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retention_a_short_rule_frees_its_own_files_while_the_shared_stay),
        cmocka_unit_test(test_retention_deletes_the_files_of_wholly_expired_days),
        cmocka_unit_test(test_retention_default_applies_and_a_rule_of_0_keeps_for_ever),
        cmocka_unit_test(test_retention_all_expired_gives_not_found_and_bad_rules_refuse),
        cmocka_unit_test(test_retention_rules_added_and_removed_later),
        cmocka_unit_test(test_retention_kill_9_while_deleting_loses_no_unexpired_point),
        cmocka_unit_test(test_retention_readers_racing_the_deletion_never_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
