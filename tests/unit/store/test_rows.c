/* Unit tests for src/store/rows.c: the shared row loops and the translation of step results.
 * These are internal to the store, so this test (the store's own) includes store_int.h. One
 * behaviour per test. */
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

static int setup(void **state)
{
    (void)state;
    static const char *dir;
    if (!dir)
        dir = test_tmpdir();
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_exec(db, "DROP TABLE IF EXISTS t; CREATE TABLE t (n INTEGER NOT NULL "
                                    "UNIQUE CHECK (n >= 0), s TEXT)"),
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

struct item {
    int64_t n;
    char *s;
};

static int item_fill(sqlite3_stmt *s, void *p)
{
    struct item *it = p;
    it->n = sqlite3_column_int64(s, 0);
    it->s = store_col_dup(s, 1);
    return it->s ? 0 : IOC_ENOMEM;
}

static int fail_at_5(sqlite3_stmt *s, void *p)
{
    return sqlite3_column_int64(s, 0) == 5 ? IOC_ETOOBIG : item_fill(s, p);
}

static void item_clear(void *p)
{
    free(((struct item *)p)->s);
}

static void insert(int count)
{
    for (int i = 0; i < count; i++) {
        sqlite3_stmt *s;
        assert_int_equal(store_prepare(db, "INSERT INTO t VALUES (?, ?)", &s), 0);
        sqlite3_bind_int(s, 1, i);
        store_bind_text(s, 2, i % 2 ? "odd" : NULL);
        assert_int_equal(store_step_done(s), 0);
    }
}

static int select_all(store_fill_fn fill, struct item **out, size_t *n)
{
    sqlite3_stmt *s;
    assert_int_equal(store_prepare(db, "SELECT n, s FROM t ORDER BY n", &s), 0);
    void *a = NULL;
    int rc = store_rows(s, sizeof **out, fill, item_clear, &a, n);
    if (rc == 0)
        *out = a;
    return rc;
}

static void test_store_rows_without_rows_is_null_and_zero(void **state)
{
    (void)state;
    struct item *a = (struct item *)&a;
    size_t n = 99;
    assert_int_equal(select_all(item_fill, &a, &n), 0);
    assert_null(a);
    assert_int_equal(n, 0);
}

static void test_store_rows_grows_past_its_first_capacity(void **state)
{
    (void)state;
    insert(40); /* 16, 32, 64 */
    struct item *a = NULL;
    size_t n = 0;
    assert_int_equal(select_all(item_fill, &a, &n), 0);
    assert_int_equal(n, 40);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].n, (int64_t)i);
        assert_string_equal(a[i].s, i % 2 ? "odd" : ""); /* SQL NULL reads "" */
        item_clear(&a[i]);
    }
    free(a);
}

static void test_store_rows_returns_the_fill_error_and_keeps_nothing(void **state)
{
    (void)state;
    insert(10);
    struct item *a = (struct item *)&a;
    size_t n = 99;
    assert_int_equal(select_all(fail_at_5, &a, &n), IOC_ETOOBIG);
    assert_ptr_equal(a, (struct item *)&a); /* untouched; the 5 rows mapped were freed (ASan) */
    assert_int_equal(n, 99);
}

static void test_store_row_without_a_row_is_enotfound(void **state)
{
    (void)state;
    sqlite3_stmt *s;
    assert_int_equal(store_prepare(db, "SELECT n, s FROM t WHERE n = 7", &s), 0);
    struct item it = {-1, NULL};
    assert_int_equal(store_row(s, item_fill, &it), IOC_ENOTFOUND);
    assert_int_equal(it.n, -1);
}

static void test_store_row_int64_reads_the_first_column(void **state)
{
    (void)state;
    insert(3);
    sqlite3_stmt *s;
    assert_int_equal(store_prepare(db, "SELECT count(*) FROM t", &s), 0);
    int64_t n = 0;
    assert_int_equal(store_row_int64(s, &n), 0);
    assert_int_equal(n, 3);
}

/* The code of one INSERT of (n, s). */
static int insert_rc(const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(store_prepare(db, sql, &s), 0);
    return store_step_done(s);
}

static void test_store_step_unique_violation_is_eexist(void **state)
{
    (void)state;
    insert(1);
    assert_int_equal(insert_rc("INSERT INTO t VALUES (0, 'again')"), IOC_EEXIST);
}

static void test_store_step_check_and_not_null_violations_are_einval(void **state)
{
    (void)state;
    assert_int_equal(insert_rc("INSERT INTO t VALUES (-1, 'x')"), IOC_EINVAL);
    assert_int_equal(insert_rc("INSERT INTO t VALUES (NULL, 'x')"), IOC_EINVAL);
}

static void test_store_step_foreign_key_violation_is_einval(void **state)
{
    (void)state;
    assert_int_equal(insert_rc("INSERT INTO successions (old_id, new_id) VALUES (1, 2)"),
                     IOC_EINVAL);
}

static void test_store_step_write_on_a_readonly_connection_is_eperm(void **state)
{
    (void)state;
    struct store_conn *ro;
    assert_int_equal(store_conn_open(st, 1, &ro), 0);
    sqlite3_stmt *s;
    assert_int_equal(store_prepare(ro, "INSERT INTO t VALUES (1, 'x')", &s), 0);
    assert_int_equal(store_step_done(s), IOC_EPERM);
    store_conn_close(ro);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_rows_without_rows_is_null_and_zero),
        T(test_store_rows_grows_past_its_first_capacity),
        T(test_store_rows_returns_the_fill_error_and_keeps_nothing),
        T(test_store_row_without_a_row_is_enotfound),
        T(test_store_row_int64_reads_the_first_column),
        T(test_store_step_unique_violation_is_eexist),
        T(test_store_step_check_and_not_null_violations_are_einval),
        T(test_store_step_foreign_key_violation_is_einval),
        T(test_store_step_write_on_a_readonly_connection_is_eperm),
    };
#undef T
    return cmocka_run_group_tests_name("store rows", tests, NULL, NULL);
}
