/* Unit tests for src/store/audit.c: adding rows and finding them (filters, order, paging,
 * limits). Retention (each, prune) is in test_audit_retention.c. One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;

/* 30 rows, ts 1000..1029: actor admin (odd i) or iocctl; actions cycle user.create,
 * user.password, agency.create; outcome denied every 5th. */
static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    const char *actions[] = {"user.create", "user.password", "agency.create"};
    for (int i = 0; i < 30; i++) {
        struct store_audit a = {0};
        a.ts_ms = 1000 + i;
        a.actor = i % 2 ? "admin" : "iocctl";
        a.action = (char *)actions[i % 3];
        a.outcome = i % 5 ? "ok" : "denied";
        a.target = "user:lan";
        a.agency_id = i < 10 ? 3 : 0;
        assert_int_equal(store_audit_add(db, &a), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static size_t count(const struct store_audit_query *q)
{
    struct store_audit *r = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, q, &r, &n), 0);
    for (size_t i = 1; i < n; i++)
        assert_true(r[i - 1].id > r[i].id); /* newest first */
    store_audits_free(r, n);
    return n;
}

static void test_store_audit_find_action_star_matches_a_prefix(void **state)
{
    (void)state;
    struct store_audit_query q = {0};
    q.limit = 100;
    q.action = "user.*";
    assert_int_equal(count(&q), 20);
    q.action = "user.";
    assert_int_equal(count(&q), 0); /* without the star, an exact match */
}

static void test_store_audit_find_filters_actor_and_outcome(void **state)
{
    (void)state;
    struct store_audit_query q = {0};
    q.actor = "admin";
    q.outcome = "denied";
    q.limit = 100;
    assert_int_equal(count(&q), 3); /* i = 5, 15, 25 */
}

static void test_store_audit_find_filters_agency(void **state)
{
    (void)state;
    struct store_audit_query q = {0};
    q.agency_id = 3;
    q.limit = 100;
    assert_int_equal(count(&q), 10);
}

static void test_store_audit_find_pages_with_before_id(void **state)
{
    (void)state;
    struct store_audit_query q = {0};
    q.since_ms = 1010;
    q.until_ms = 1019;
    q.limit = 4;
    struct store_audit *r = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 4);
    int64_t last = r[3].id;
    store_audits_free(r, n);
    q.before_id = last;
    q.limit = 100;
    assert_int_equal(count(&q), 6);
}

static void test_store_audit_find_limit_out_of_range_is_100(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++) {
        struct store_audit a = {0};
        a.action = "x";
        assert_int_equal(store_audit_add(db, &a), 0);
    }
    struct store_audit_query q = {0};
    q.limit = 0;
    assert_int_equal(count(&q), 100);
    q.limit = 1001;
    assert_int_equal(count(&q), 100);
    q.limit = 1000;
    assert_int_equal(count(&q), 130);
}

static void test_store_audit_add_fills_defaults(void **state)
{
    (void)state;
    struct store_audit a = {0};
    a.action = "session.create";
    int64_t before = ioc_now_ms();
    assert_int_equal(store_audit_add(db, &a), 0);
    struct store_audit_query q = {0};
    q.action = "session.create";
    q.limit = 1;
    struct store_audit *r = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].actor, "anonymous");
    assert_string_equal(r[0].outcome, "ok");
    assert_string_equal(r[0].detail, "");
    assert_true(r[0].ts_ms >= before);
    store_audits_free(r, n);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_audit_find_action_star_matches_a_prefix),
        T(test_store_audit_find_filters_actor_and_outcome),
        T(test_store_audit_find_filters_agency),
        T(test_store_audit_find_pages_with_before_id),
        T(test_store_audit_find_limit_out_of_range_is_100),
        T(test_store_audit_add_fills_defaults),
    };
#undef T
    return cmocka_run_group_tests_name("store audit", tests, NULL, NULL);
}
