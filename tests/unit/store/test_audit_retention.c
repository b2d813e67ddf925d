/* Unit tests for src/store audit retention: store_audit_each walks a time range oldest first,
 * store_audit_prune deletes only what a walk saw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;

static void add_row(int64_t ts_ms, const char *action)
{
    struct store_audit a = {0};
    a.ts_ms = ts_ms;
    a.actor = "admin";
    a.action = (char *)action;
    a.target = "agency:X";
    a.detail = "{\"k\":\"đ\"}";
    assert_int_equal(store_audit_add(db, &a), 0);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_tmpdir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    /* ten rows at t = 1000, 1100, …, 1900 */
    for (int i = 0; i < 10; i++)
        add_row(1000 + 100 * i, i % 2 ? "agency.create" : "session.create");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

struct seen {
    int n;
    int64_t ids[64];
    int64_t ts[64];
    int stop_after; /* 0: never */
};

static int collect(void *ctx, const struct store_audit *r)
{
    struct seen *s = ctx;
    assert_string_equal(r->actor, "admin");
    assert_string_equal(r->detail, "{\"k\":\"đ\"}");
    s->ids[s->n] = r->id;
    s->ts[s->n] = r->ts_ms;
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

static int64_t count_rows(void)
{
    struct seen s = {0};
    assert_int_equal(store_audit_each(db, 0, 0, collect, &s, NULL), 0);
    return s.n;
}

static void test_each_walks_a_range_oldest_first(void **state)
{
    (void)state;
    struct seen s = {0};
    struct store_audit_span sp = {-1, -1};
    /* since inclusive, until exclusive */
    assert_int_equal(store_audit_each(db, 1200, 1500, collect, &s, &sp), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ts[0], 1200);
    assert_int_equal(s.ts[2], 1400);
    assert_true(s.ids[0] < s.ids[1] && s.ids[1] < s.ids[2]);
    assert_int_equal(sp.rows, 3);
    assert_int_equal(sp.max_id, s.ids[2]);
    /* a callback's non-zero return stops the walk, is returned, and leaves span unwritten */
    struct seen s2 = {.stop_after = 2};
    struct store_audit_span sp2 = {-1, -1};
    assert_int_equal(store_audit_each(db, 0, 0, collect, &s2, &sp2), 42);
    assert_int_equal(s2.n, 2);
    assert_int_equal(sp2.rows, -1);
    /* an empty range */
    struct seen s3 = {0};
    assert_int_equal(store_audit_each(db, 5000, 0, collect, &s3, &sp), 0);
    assert_int_equal(s3.n, 0);
    assert_int_equal(sp.rows, 0);
    assert_int_equal(sp.max_id, 0);
}

static void test_prune_deletes_exactly_what_was_exported(void **state)
{
    (void)state;
    struct seen s = {0};
    struct store_audit_span sp;
    assert_int_equal(store_audit_each(db, 0, 1500, collect, &s, &sp), 0);
    assert_int_equal(sp.rows, 5);
    /* a newer row arrives after the export: it is kept */
    add_row(1950, "user.create");
    int64_t n = -1;
    assert_int_equal(store_audit_prune(db, 1500, &sp, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(count_rows(), 6);
    struct seen left = {0};
    assert_int_equal(store_audit_each(db, 0, 0, collect, &left, NULL), 0);
    assert_int_equal(left.ts[0], 1500);
    /* pruning again with the same span finds nothing more to delete */
    assert_int_equal(store_audit_prune(db, 1500, &sp, &n), 0);
    assert_int_equal(n, 0);
}

static void test_prune_refuses_rows_the_export_did_not_see(void **state)
{
    (void)state;
    struct seen s = {0};
    struct store_audit_span sp;
    assert_int_equal(store_audit_each(db, 0, 1500, collect, &s, &sp), 0);
    /* a row older than the date but written after the walk: the prune deletes nothing */
    add_row(1050, "late.row");
    int64_t n = -1;
    assert_int_equal(store_audit_prune(db, 1500, &sp, &n), 0);
    assert_int_equal(n, 5); /* the late row has a newer id than the walk's last: it is kept */
    assert_int_equal(count_rows(), 6);
    /* a walk that saw fewer rows than match (as if rows appeared between) is refused whole */
    struct store_audit_span short_span = {1, INT64_MAX};
    add_row(1000, "old.row");
    assert_int_equal(store_audit_prune(db, 1500, &short_span, &n), IOC_EBUSY);
    assert_int_equal(count_rows(), 7);
}

static void test_prune_without_export_deletes_every_older_row(void **state)
{
    (void)state;
    int64_t n = -1;
    assert_int_equal(store_audit_prune(db, 1300, NULL, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(count_rows(), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_walks_a_range_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune_deletes_exactly_what_was_exported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_prune_refuses_rows_the_export_did_not_see, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_prune_without_export_deletes_every_older_row, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("store_audit_retention", tests, NULL, NULL);
}
