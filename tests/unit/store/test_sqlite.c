/* Unit tests for src/store/sqlite.c: opening and migrating, metadata, integrity, backup and
 * restore. One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
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

static void test_store_open_applies_every_migration_once(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct store *s1;
    assert_int_equal(store_open(dir, &s1), 0);
    store_close(s1);
    assert_int_equal(store_open(dir, &s1), 0); /* idempotent */
    struct store_conn *c;
    assert_int_equal(store_conn_open(s1, 1, &c), 0);
    int v = 0;
    assert_int_equal(store_schema_version(c, &v), 0);
    assert_int_equal(v, store_schema_version_latest());
    store_conn_close(c);
    store_close(s1);
}

static void test_store_open_refuses_a_newer_schema(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct store *s1;
    assert_int_equal(store_open(dir, &s1), 0);
    store_close(s1);
    char path[128];
    snprintf(path, sizeof path, "%s/ioc.db", dir);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(
            raw,
            "INSERT INTO schema_migrations (module, version, applied_at) VALUES ('core', 999, 'x')",
            NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(store_open(dir, &s1), IOC_EINVAL);
}

static void test_store_integrity_check_is_ok_on_a_new_database(void **state)
{
    (void)state;
    int ok = 0;
    char *msg = NULL;
    assert_int_equal(store_integrity_check(db, &ok, &msg), 0);
    assert_true(ok);
    assert_string_equal(msg, "ok");
    free(msg);
}

static void test_store_meta_get_unset_is_enotfound(void **state)
{
    (void)state;
    char *v = (char *)"untouched";
    assert_int_equal(store_meta_get(db, "nope", &v), IOC_ENOTFOUND);
    assert_string_equal(v, "untouched");
}

static void test_store_meta_set_replaces_the_value(void **state)
{
    (void)state;
    assert_int_equal(store_meta_set(db, "k", "1"), 0);
    assert_int_equal(store_meta_set(db, "k", "2"), 0);
    char *v = NULL;
    assert_int_equal(store_meta_get(db, "k", &v), 0);
    assert_string_equal(v, "2");
    free(v);
}

static int add_then_fail(struct store_conn *w, void *arg)
{
    (void)arg;
    assert_int_equal(store_agency_add(w, "T-1", "t", NULL, NULL, NULL), 0);
    return IOC_EINVAL;
}

static void test_store_tx_failing_job_leaves_nothing(void **state)
{
    (void)state;
    assert_int_equal(store_tx(db, add_then_fail, NULL), IOC_EINVAL);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "T-1", &a), IOC_ENOTFOUND);
}

/* Backs the database (one agency B-1) up to dir/backup.db; returns its path. */
static const char *backup(char *file, size_t len)
{
    assert_int_equal(store_agency_add(db, "B-1", "b", NULL, NULL, NULL), 0);
    snprintf(file, len, "%s/backup.db", test_fresh_dir());
    assert_int_equal(store_backup(db, file), 0);
    return file;
}

static void test_store_backup_then_restore_brings_the_rows_back(void **state)
{
    (void)state;
    char file[128];
    backup(file, sizeof file);
    const char *target = test_fresh_dir();
    assert_int_equal(store_restore(target, file), 0);
    struct store *s2;
    struct store_conn *c2;
    assert_int_equal(store_open(target, &s2), 0);
    assert_int_equal(store_conn_open(s2, 1, &c2), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(c2, "B-1", &a), 0);
    store_agency_clear(&a);
    store_conn_close(c2);
    store_close(s2);
}

static void test_store_restore_refuses_a_claimed_directory(void **state)
{
    (void)state;
    char file[128];
    backup(file, sizeof file);
    const char *target = test_fresh_dir();
    struct store *s2;
    assert_int_equal(store_open(target, &s2), 0);
    assert_int_equal(store_claim(s2), 0);
    assert_int_equal(store_restore(target, file), IOC_EBUSY);
    store_close(s2);
}

static void test_store_restore_refuses_a_file_that_is_not_a_database(void **state)
{
    (void)state;
    char junk[128];
    snprintf(junk, sizeof junk, "%s/junk.db", test_fresh_dir());
    assert_int_equal(ioc_file_write_atomic(junk, "hello", 5), 0);
    assert_int_equal(store_restore(test_fresh_dir(), junk), IOC_EINVAL);
}

static void test_store_restore_refuses_a_corrupt_database(void **state)
{
    (void)state;
    char file[128], junk[160];
    backup(file, sizeof file);
    snprintf(junk, sizeof junk, "%s.corrupt", file);
    char *bytes = NULL;
    size_t n = 0;
    assert_int_equal(ioc_file_read(file, 1 << 26, &bytes, &n), 0);
    memset(bytes + 4096, 0xA5, n - 4096 > 8192 ? 8192 : n - 4096);
    assert_int_equal(ioc_file_write_atomic(junk, bytes, n), 0);
    free(bytes);
    assert_int_equal(store_restore(test_fresh_dir(), junk), IOC_EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_open_applies_every_migration_once),
        cmocka_unit_test(test_store_open_refuses_a_newer_schema),
        T(test_store_integrity_check_is_ok_on_a_new_database),
        T(test_store_meta_get_unset_is_enotfound),
        T(test_store_meta_set_replaces_the_value),
        T(test_store_tx_failing_job_leaves_nothing),
        T(test_store_backup_then_restore_brings_the_rows_back),
        T(test_store_restore_refuses_a_claimed_directory),
        T(test_store_restore_refuses_a_file_that_is_not_a_database),
        T(test_store_restore_refuses_a_corrupt_database),
    };
#undef T
    return cmocka_run_group_tests_name("store sqlite", tests, NULL, NULL);
}
