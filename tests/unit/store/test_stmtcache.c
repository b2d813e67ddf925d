/* Unit tests for src/store/stmtcache.c: statements kept prepared per connection. Internal to the
 * store, so this test includes store_int.h. One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/tmpdir.h"
#include "store/store_int.h"

static struct store *st;
static struct store_conn *db;

static const char SEL[] = "SELECT n, s FROM t WHERE n >= ? ORDER BY n";

static int setup(void **state)
{
    (void)state;
    static const char *dir;
    if (!dir)
        dir = test_tmpdir();
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_exec(db, "DROP TABLE IF EXISTS t; CREATE TABLE t (n INTEGER, s TEXT); "
                                    "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"),
                     0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static int64_t first_n(int64_t from)
{
    sqlite3_stmt *s;
    assert_int_equal(store_prepare_cached(db, SEL, &s), 0);
    sqlite3_bind_int64(s, 1, from);
    int64_t n = -1;
    int rc = store_row_int64(s, &n);
    return rc ? rc : n;
}

static void test_the_same_sql_gets_the_same_statement_back(void **state)
{
    (void)state;
    sqlite3_stmt *a, *b;
    assert_int_equal(store_prepare_cached(db, SEL, &a), 0);
    store_finalize(a);
    assert_int_equal(store_prepare_cached(db, SEL, &b), 0);
    assert_ptr_equal(a, b);
    store_finalize(b);
    assert_int_equal(store_stmt_cache_size(db), 1);
    assert_int_equal(first_n(2), 2);
    assert_int_equal(first_n(0), 1);
    assert_int_equal(store_stmt_cache_size(db), 1);
}

static void test_a_kept_statement_is_reset_and_unbound_after_use(void **state)
{
    (void)state;
    /* one row of three read: the statement must still end its read */
    assert_int_equal(first_n(1), 1);
    sqlite3_stmt *s;
    assert_int_equal(store_prepare_cached(db, SEL, &s), 0);
    assert_false(sqlite3_stmt_busy(s));
    assert_int_equal(sqlite3_step(s), SQLITE_DONE); /* ? is NULL again: n >= NULL is no row */
    store_finalize(s);
    /* no statement of the connection is left running */
    for (sqlite3_stmt *p = sqlite3_next_stmt(db->db, NULL); p; p = sqlite3_next_stmt(db->db, p))
        assert_false(sqlite3_stmt_busy(p));
}

static void test_a_nested_use_gets_its_own_statement(void **state)
{
    (void)state;
    sqlite3_stmt *outer, *inner;
    assert_int_equal(store_prepare_cached(db, SEL, &outer), 0);
    sqlite3_bind_int64(outer, 1, 3);
    assert_int_equal(store_prepare_cached(db, SEL, &inner), 0);
    assert_ptr_not_equal(outer, inner);
    sqlite3_bind_int64(inner, 1, 1);
    int64_t n = 0;
    assert_int_equal(store_row_int64(inner, &n), 0); /* finalizes the one not kept */
    assert_int_equal(n, 1);
    assert_int_equal(store_row_int64(outer, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(store_stmt_cache_size(db), 1);
    sqlite3_stmt *again;
    assert_int_equal(store_prepare_cached(db, SEL, &again), 0);
    assert_ptr_equal(again, outer);
    store_finalize(again);
}

static void test_a_kept_statement_follows_a_schema_change(void **state)
{
    (void)state;
    static const char all[] = "SELECT * FROM t ORDER BY n";
    sqlite3_stmt *s;
    assert_int_equal(store_prepare_cached(db, all, &s), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_count(s), 2);
    store_finalize(s);
    /* another connection changes the table while the statement is kept */
    struct store_conn *other;
    assert_int_equal(store_conn_open(st, 0, &other), 0);
    assert_int_equal(store_exec(other, "ALTER TABLE t ADD COLUMN z INTEGER DEFAULT 7"), 0);
    store_conn_close(other);
    assert_int_equal(store_prepare_cached(db, all, &s), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_count(s), 3);
    assert_int_equal(sqlite3_column_int64(s, 2), 7);
    store_finalize(s);
    /* and a kept statement does not stop this connection dropping what it reads */
    assert_int_equal(store_exec(db, "DROP TABLE t"), 0);
    assert_int_not_equal(store_prepare_cached(db, all, &s) == 0 ? store_step_done(s) : -1, 0);
}

static int fail_all(void)
{
    return 1;
}

static void test_no_memory_for_the_cache_falls_back_to_a_plain_statement(void **state)
{
    (void)state;
    store_fault_set_alloc_hook(fail_all);
    sqlite3_stmt *s;
    int rc = store_prepare_cached(db, SEL, &s);
    store_fault_set_alloc_hook(NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(store_stmt_cache_size(db), 0);
    sqlite3_bind_int64(s, 1, 3);
    int64_t n = 0;
    assert_int_equal(store_row_int64(s, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(first_n(2), 2); /* memory back: kept from now on */
    assert_int_equal(store_stmt_cache_size(db), 1);
}

static void test_a_full_cache_still_prepares(void **state)
{
    (void)state;
    static char sql[STORE_STMT_CACHE_MAX + 2][48];
    for (int i = 0; i < STORE_STMT_CACHE_MAX + 2; i++) {
        snprintf(sql[i], sizeof sql[i], "SELECT %d + count(*) FROM t", i);
        sqlite3_stmt *s;
        assert_int_equal(store_prepare_cached(db, sql[i], &s), 0);
        int64_t v = 0;
        assert_int_equal(store_row_int64(s, &v), 0);
        assert_int_equal(v, i + 3);
    }
    assert_int_equal(store_stmt_cache_size(db), STORE_STMT_CACHE_MAX);
}

static void test_a_bad_statement_is_an_error_and_not_kept(void **state)
{
    (void)state;
    sqlite3_stmt *s = NULL;
    assert_int_not_equal(store_prepare_cached(db, "SELECT FROM nowhere", &s), 0);
    assert_int_equal(store_stmt_cache_size(db), 0);
}

static void test_closing_a_reader_finalizes_its_statements(void **state)
{
    (void)state;
    struct store_conn *ro;
    assert_int_equal(store_conn_open(st, 1, &ro), 0);
    sqlite3_stmt *s;
    assert_int_equal(store_prepare_cached(ro, SEL, &s), 0);
    sqlite3_bind_int64(s, 1, 2);
    int64_t n = 0;
    assert_int_equal(store_row_int64(s, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_stmt_cache_size(ro), 1);
    /* the kept statement of ro is not db's: db's finalize of its own still works */
    assert_int_equal(first_n(3), 3);
    store_conn_close(ro); /* the ASan build checks nothing leaks */
    assert_int_equal(first_n(1), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_the_same_sql_gets_the_same_statement_back),
        T(test_a_kept_statement_is_reset_and_unbound_after_use),
        T(test_a_nested_use_gets_its_own_statement),
        T(test_a_kept_statement_follows_a_schema_change),
        T(test_no_memory_for_the_cache_falls_back_to_a_plain_statement),
        T(test_a_full_cache_still_prepares),
        T(test_a_bad_statement_is_an_error_and_not_kept),
        T(test_closing_a_reader_finalizes_its_statements),
    };
#undef T
    return cmocka_run_group_tests_name("store stmtcache", tests, NULL, NULL);
}
