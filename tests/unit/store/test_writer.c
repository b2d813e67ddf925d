/* Unit tests for src/store/writer.c: group commit, a failing job undone alone, the queue bound,
 * and stop. One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static atomic_int done_jobs, failed_jobs;

static int insert_job(struct store_conn *w, void *arg)
{
    intptr_t i = (intptr_t)arg;
    char code[32];
    snprintf(code, sizeof code, "W-%ld", (long)i);
    /* every 7th job fails after writing: only it must be rolled back */
    int rc = store_agency_add(w, code, "w", NULL, NULL, NULL);
    return rc ? rc : i % 7 == 0 ? IOC_EINVAL : 0;
}

static void count_done(void *arg, int rc)
{
    (void)arg;
    atomic_fetch_add(&done_jobs, 1);
    if (rc)
        atomic_fetch_add(&failed_jobs, 1);
}

static void *submitter(void *arg)
{
    intptr_t base = (intptr_t)arg;
    for (intptr_t i = 1; i <= 500; i++)
        while (store_writer_submit(st, insert_job, count_done, (void *)(base + i)) == IOC_EBUSY)
            ;
    return NULL;
}

/* 1000 jobs from two threads through a queue of 64; returns how many were meant to fail. */
static int run_thousand_jobs(void)
{
    atomic_store(&done_jobs, 0);
    atomic_store(&failed_jobs, 0);
    assert_int_equal(store_writer_start(st, 64), 0);
    pthread_t a, b;
    pthread_create(&a, NULL, submitter, (void *)0);
    pthread_create(&b, NULL, submitter, (void *)1000);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    store_writer_stop(st); /* drains */
    int failing = 0;
    for (int i = 1; i <= 500; i++)
        failing += (i % 7 == 0) + ((1000 + i) % 7 == 0);
    return failing;
}

static void test_store_writer_failing_job_is_undone_alone(void **state)
{
    (void)state;
    int failing = run_thousand_jobs();
    assert_int_equal(atomic_load(&done_jobs), 1000);
    assert_int_equal(atomic_load(&failed_jobs), failing);
    struct store_agency *ag = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(db, &ag, &n), 0);
    assert_int_equal(n, 1000 - (size_t)failing);
    store_agencies_free(ag, n);
}

static void test_store_writer_groups_jobs_into_fewer_commits(void **state)
{
    (void)state;
    run_thousand_jobs();
    struct store_stats stats;
    store_stats_get(st, &stats);
    assert_true(stats.writer_commits >= 1);
    assert_true(stats.writer_commits < 1000);
    assert_int_equal(stats.writer_jobs, 1000);
}

static void test_store_writer_submit_after_stop_is_eshutdown(void **state)
{
    (void)state;
    assert_int_equal(store_writer_start(st, 4), 0);
    store_writer_stop(st);
    assert_int_equal(store_writer_submit(st, insert_job, count_done, (void *)1), IOC_ESHUTDOWN);
}

static void test_store_writer_submit_without_start_is_eshutdown(void **state)
{
    (void)state;
    assert_int_equal(store_writer_submit(st, insert_job, count_done, (void *)1), IOC_ESHUTDOWN);
}

static void test_store_writer_run_returns_the_jobs_code(void **state)
{
    (void)state;
    assert_int_equal(store_writer_start(st, 4), 0);
    assert_int_equal(store_writer_run(st, insert_job, (void *)1), 0);
    assert_int_equal(store_writer_run(st, insert_job, (void *)7), IOC_EINVAL);
    assert_int_equal(store_writer_run(st, insert_job, (void *)1), IOC_EEXIST);
    store_writer_stop(st);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "W-7", &a), IOC_ENOTFOUND);
    assert_int_equal(store_agency_get(db, "W-1", &a), 0);
    store_agency_clear(&a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_writer_failing_job_is_undone_alone),
        T(test_store_writer_groups_jobs_into_fewer_commits),
        T(test_store_writer_submit_after_stop_is_eshutdown),
        T(test_store_writer_submit_without_start_is_eshutdown),
        T(test_store_writer_run_returns_the_jobs_code),
    };
#undef T
    return cmocka_run_group_tests_name("store writer", tests, NULL, NULL);
}
