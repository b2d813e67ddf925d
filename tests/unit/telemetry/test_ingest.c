/* Unit tests for the ingest thread (src/telemetry/ingest.c): answers after the sync, group
 * commit, sync modes, refused points, draining at close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

/* Counts the answers of batches; the test waits for `want` of them. */
struct answers {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int n, bad;
    size_t accepted, refused;
    int last_rc, first_rc;
    enum tsdb_type stored;
};

static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    struct answers *a = arg;
    pthread_mutex_lock(&a->lock);
    a->n++;
    a->bad += rc != 0;
    a->last_rc = rc;
    a->accepted += rep->accepted;
    a->refused += rep->refused;
    if (rep->refused) {
        a->first_rc = rep->first_rc;
        a->stored = rep->stored_type;
    }
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
}

static void wait_for(struct answers *a, int want)
{
    pthread_mutex_lock(&a->lock);
    while (a->n < want)
        pthread_cond_wait(&a->cond, &a->lock);
    pthread_mutex_unlock(&a->lock);
}

static struct answers *answers_new(void)
{
    struct answers *a = calloc(1, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->cond, NULL);
    return a;
}

static struct telemetry_ingest *open_ingest(const char *dir, const char *sync, int batch_ms)
{
    struct telemetry_settings s = {(char *)sync, batch_ms, 1 << 20, 1000, 1000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    int rc = telemetry_ingest_open(dir, &s, &ig, err, sizeof err);
    if (rc)
        fail_msg("open: %s", err);
    return ig;
}

/* n float points of series (m, field f, tag st) at times t0 + i. */
struct batch {
    struct ioc_buf key;
    struct tsdb_point_in p[64];
};

static void batch_make(struct batch *b, const char *f, const char *st, enum tsdb_type type,
                       int64_t t0, size_t n)
{
    struct tsdb_tag t = {"st", 2, st, strlen(st)};
    ioc_buf_init(&b->key, 0);
    assert_int_equal(tsdb_series_key(&b->key, "m", 1, f, strlen(f), &t, 1), 0);
    for (size_t i = 0; i < n; i++)
        b->p[i] = (struct tsdb_point_in){b->key.data, b->key.len, type, t0 + (int64_t)i, i};
}

static size_t count_points(struct tsdb_db *db, const char *f)
{
    uint32_t ids[16];
    size_t n = 0, total = 0;
    assert_int_equal(tsdb_db_select(db, "m", 1, f, strlen(f), NULL, 0, ids, 16, &n), 0);
    for (size_t i = 0; i < n; i++) {
        struct tsdb_window w;
        assert_int_equal(tsdb_window_init(&w, 0, 1000000, 1000000, 1), 0);
        assert_int_equal(tsdb_db_window(db, ids[i], &w, 100000), 0);
        total += (size_t)w.b[0].count;
        tsdb_window_free(&w);
    }
    return total;
}

static void test_ingest_a_batch_is_durable_when_answered_and_read_after_a_restart(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_ingest *ig = open_ingest(dir, "always", 0);
    struct answers *a = answers_new();
    struct batch b;
    batch_make(&b, "v", "a", TSDB_FLOAT, 100, 10);
    assert_int_equal(telemetry_ingest_submit(ig, b.p, 10, on_done, a), 0);
    wait_for(a, 1);
    assert_int_equal(a->last_rc, 0);
    assert_int_equal(a->accepted, 10);
    struct tsdb_db_stats st;
    tsdb_db_stats(telemetry_ingest_db(ig), &st);
    assert_true(st.wal.syncs >= 1);
    telemetry_ingest_close(ig);
    ig = open_ingest(dir, "always", 0);
    assert_int_equal(count_points(telemetry_ingest_db(ig), "v"), 10);
    telemetry_ingest_close(ig);
    ioc_buf_free(&b.key);
    free(a);
}

static void test_ingest_batches_waiting_together_share_one_sync(void **state)
{
    (void)state;
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir(), "batch", 200);
    struct answers *a = answers_new();
    struct batch b[40];
    for (int i = 0; i < 40; i++) {
        batch_make(&b[i], "v", "a", TSDB_FLOAT, 1000 * i, 5);
        assert_int_equal(telemetry_ingest_submit(ig, b[i].p, 5, on_done, a), 0);
    }
    wait_for(a, 40);
    assert_int_equal(a->bad, 0);
    assert_int_equal(a->accepted, 200);
    struct tsdb_db_stats st;
    tsdb_db_stats(telemetry_ingest_db(ig), &st);
    assert_true(st.wal.syncs < 10); /* 40 batches submitted within the 200 ms gathering */
    telemetry_ingest_close(ig);
    for (int i = 0; i < 40; i++)
        ioc_buf_free(&b[i].key);
    free(a);
}

static void test_ingest_sync_off_writes_without_fdatasync(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_ingest *ig = open_ingest(dir, "off", 0);
    struct answers *a = answers_new();
    struct batch b;
    batch_make(&b, "v", "a", TSDB_FLOAT, 100, 3);
    assert_int_equal(telemetry_ingest_submit(ig, b.p, 3, on_done, a), 0);
    wait_for(a, 1);
    assert_int_equal(a->last_rc, 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(telemetry_ingest_db(ig), &st);
    assert_int_equal(st.wal.syncs, 0);
    telemetry_ingest_close(ig);
    ioc_buf_free(&b.key);
    free(a);
}

static void test_ingest_a_type_conflict_is_reported_and_the_other_points_written(void **state)
{
    (void)state;
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir(), "always", 0);
    struct answers *a = answers_new();
    struct batch f, i, ok;
    batch_make(&f, "x", "a", TSDB_FLOAT, 100, 2);
    assert_int_equal(telemetry_ingest_submit(ig, f.p, 2, on_done, a), 0);
    wait_for(a, 1);
    batch_make(&i, "x", "b", TSDB_INT, 200, 2); /* field x of m is float */
    batch_make(&ok, "y", "a", TSDB_INT, 200, 1);
    struct tsdb_point_in mixed[3] = {i.p[0], ok.p[0], i.p[1]};
    assert_int_equal(telemetry_ingest_submit(ig, mixed, 3, on_done, a), 0);
    wait_for(a, 2);
    assert_int_equal(a->last_rc, 0);
    assert_int_equal(a->refused, 2);
    assert_int_equal(a->first_rc, IOC_EEXIST);
    assert_int_equal(a->stored, TSDB_FLOAT);
    assert_int_equal(count_points(telemetry_ingest_db(ig), "y"), 1);
    telemetry_ingest_close(ig);
    ioc_buf_free(&f.key);
    ioc_buf_free(&i.key);
    ioc_buf_free(&ok.key);
    free(a);
}

static void test_ingest_close_answers_every_queued_batch(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_ingest *ig = open_ingest(dir, "batch", 50);
    struct answers *a = answers_new();
    struct batch b;
    batch_make(&b, "v", "a", TSDB_FLOAT, 0, 1);
    struct tsdb_point_in p[100];
    for (int i = 0; i < 100; i++) {
        p[i] = b.p[0];
        p[i].t = i;
        assert_int_equal(telemetry_ingest_submit(ig, &p[i], 1, on_done, a), 0);
    }
    telemetry_ingest_close(ig);
    assert_int_equal(a->n, 100);
    assert_int_equal(a->bad, 0);
    ig = open_ingest(dir, "batch", 0);
    assert_int_equal(count_points(telemetry_ingest_db(ig), "v"), 100);
    telemetry_ingest_close(ig);
    ioc_buf_free(&b.key);
    free(a);
}

static void test_ingest_an_unknown_sync_mode_is_refused_with_the_reason(void **state)
{
    (void)state;
    struct telemetry_settings s = {"sometimes", 5, 1 << 20, 1000, 1000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(test_fresh_dir(), &s, &ig, err, sizeof err), IOC_EINVAL);
    assert_null(ig);
    assert_non_null(strstr(err, "telemetry.sync"));
}

static void test_ingest_metrics_count_accepted_points(void **state)
{
    (void)state;
    struct telemetry_ingest *ig = open_ingest(test_fresh_dir(), "always", 0);
    struct answers *a = answers_new();
    struct batch b;
    batch_make(&b, "v", "a", TSDB_FLOAT, 100, 7);
    assert_int_equal(telemetry_ingest_submit(ig, b.p, 7, on_done, a), 0);
    wait_for(a, 1);
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    assert_int_equal(telemetry_ingest_metrics(ig, &m), 0);
    assert_non_null(strstr(m.data, "\nioc_telemetry_points_accepted_total 7\n"));
    assert_non_null(strstr(m.data, "\nioc_tsdb_series 1\n"));
    assert_non_null(strstr(m.data, "\nioc_tsdb_rollups 0\n")); /* nothing sealed yet */
    assert_non_null(strstr(m.data, "# TYPE ioc_tsdb_rollup_buckets_read_total counter\n"));
    ioc_buf_free(&m);
    telemetry_ingest_close(ig);
    ioc_buf_free(&b.key);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest_a_batch_is_durable_when_answered_and_read_after_a_restart),
        cmocka_unit_test(test_ingest_batches_waiting_together_share_one_sync),
        cmocka_unit_test(test_ingest_sync_off_writes_without_fdatasync),
        cmocka_unit_test(test_ingest_a_type_conflict_is_reported_and_the_other_points_written),
        cmocka_unit_test(test_ingest_close_answers_every_queued_batch),
        cmocka_unit_test(test_ingest_an_unknown_sync_mode_is_refused_with_the_reason),
        cmocka_unit_test(test_ingest_metrics_count_accepted_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
