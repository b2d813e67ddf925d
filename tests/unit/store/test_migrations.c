/* Unit tests for the migrations of src/store (migrations.c, store_migrate in sqlite.c): the core
 * scripts and a module's own list, recorded as (module, version) in schema_migrations, and the
 * upgrade of a database whose schema_migrations has the first releases' shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "store/store_int.h"

static int64_t scalar(struct store_conn *c, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(store_scalar(c, sql, &v), 0);
    return v;
}

/* A writable connection to a new, fully migrated store in a new directory. */
static void open_fresh(struct store **st, struct store_conn **c)
{
    assert_int_equal(store_open(test_tmpdir(), st), 0);
    assert_int_equal(store_conn_open(*st, 0, c), 0);
}

static void test_store_open_upgrades_old_migrations_table_to_core_rows(void **state)
{
    (void)state;
    /* a database made by the first releases: core scripts 1..3, versions without a module */
    const char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/ioc.db", dir);
    struct store_conn raw = {0};
    assert_int_equal(sqlite3_open(path, &raw.db), SQLITE_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_exec(&raw, store_migrations[i]), 0);
    assert_int_equal(
        store_exec(&raw,
                   "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                   " applied_at TEXT NOT NULL);"
                   "INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00Z'),"
                   " (2, '2026-02-01T00:00:00Z'), (3, '2026-03-01T00:00:00Z');"
                   "INSERT INTO agencies (code, name, created_at) VALUES ('SO-A', 'A', 'x');"),
        0);
    int v = 0;
    assert_int_equal(store_schema_version(&raw, &v), 0); /* the old shape is still read */
    assert_int_equal(v, 3);
    sqlite3_close(raw.db);

    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 1, &c), 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM schema_migrations WHERE module = 'core'"),
                     store_schema_version_latest());
    /* the modules' own sets are applied after the upgrade, each recorded by module */
    int64_t modules = 0;
    for (size_t i = 1; i < store_schemas_count; i++)
        modules += store_schemas[i]->count;
    assert_int_equal(scalar(c, "SELECT count(*) FROM schema_migrations WHERE module <> 'core'"),
                     modules);
    assert_int_equal(scalar(c, "SELECT count(*) FROM schema_migrations WHERE module = 'core'"
                               " AND version = 2 AND applied_at = '2026-02-01T00:00:00Z'"),
                     1);
    assert_int_equal(store_schema_version(c, &v), 0);
    assert_int_equal(v, store_schema_version_latest());
    assert_int_equal(scalar(c, "SELECT count(*) FROM agencies WHERE code = 'SO-A'"), 1);
    store_conn_close(c);
    store_close(st);
}

static const char *const demo_scripts[] = {
    "CREATE TABLE demo_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    "ALTER TABLE demo_items ADD COLUMN note TEXT NOT NULL DEFAULT '';",
    "CREATE INDEX demo_items_name ON demo_items (name);",
};

static void test_store_migrate_module_scripts_apply_once_in_order(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *c;
    open_fresh(&st, &c);
    const struct store_schema two = {"demo", demo_scripts, 2};
    const struct store_schema *sets[] = {&two};
    assert_int_equal(store_migrate(c, sets, 1), 0);
    assert_int_equal(store_migrate(c, sets, 1), 0); /* nothing left to apply */
    assert_int_equal(scalar(c, "SELECT count(*) FROM schema_migrations WHERE module = 'demo'"), 2);
    assert_int_equal(store_exec(c, "INSERT INTO demo_items (name, note) VALUES ('a', 'b')"), 0);
    const struct store_schema three = STORE_SCHEMA("demo", demo_scripts);
    sets[0] = &three;
    assert_int_equal(store_migrate(c, sets, 1), 0);
    assert_int_equal(scalar(c, "SELECT max(version) FROM schema_migrations WHERE module = 'demo'"),
                     3);
    assert_int_equal(scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'demo_items_name'"),
                     1);
    int v = 0;
    assert_int_equal(store_schema_version(c, &v), 0); /* the core version is the core's alone */
    assert_int_equal(v, store_schema_version_latest());
    store_conn_close(c);
    store_close(st);
}

static void test_store_migrate_module_newer_than_build_is_einval(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *c;
    open_fresh(&st, &c);
    const struct store_schema two = {"demo", demo_scripts, 2};
    const struct store_schema one = {"demo", demo_scripts, 1};
    const struct store_schema *sets[] = {&two};
    assert_int_equal(store_migrate(c, sets, 1), 0);
    sets[0] = &one;
    assert_int_equal(store_migrate(c, sets, 1), IOC_EINVAL);
    store_conn_close(c);
    store_close(st);
}

static void test_store_migrate_failing_script_leaves_nothing(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *c;
    open_fresh(&st, &c);
    static const char *const bad[] = {
        "CREATE TABLE half (a); INSERT INTO no_such_table VALUES (1);"};
    const struct store_schema set = STORE_SCHEMA("bad", bad);
    const struct store_schema *sets[] = {&set};
    assert_true(store_migrate(c, sets, 1) != 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'half'"), 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM schema_migrations WHERE module = 'bad'"), 0);
    store_conn_close(c);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_open_upgrades_old_migrations_table_to_core_rows),
        cmocka_unit_test(test_store_migrate_module_scripts_apply_once_in_order),
        cmocka_unit_test(test_store_migrate_module_newer_than_build_is_einval),
        cmocka_unit_test(test_store_migrate_failing_script_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
