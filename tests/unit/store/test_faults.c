/*
 * Unit tests for the store's error paths: each operation is run again and again with the Nth
 * allocation (the store's and SQLite's) or the Nth file operation failing, N = 1, 2, … until a
 * run in which the failure was never reached. Every run must return 0 or a negative IOC_E*
 * code, write its out-parameters only on success, leak nothing (the ASan build checks), and
 * leave the database consistent: integrity_check ok, and a write either whole or absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/fault.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "store/store_int.h"

/* No operation here needs more events than this; a walk that reaches it has not ended. */
#define MAX_STEPS 20000

static struct store *st;
static struct store_conn *db;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_tmpdir(), &st), 0);
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

static void assert_ioc_error(int rc)
{
    assert_true(rc < 0 && rc >= IOC_ESHUTDOWN);
}

static void assert_consistent(struct store_conn *c)
{
    int ok = 0;
    char *msg = NULL;
    assert_int_equal(store_integrity_check(c, &ok, &msg), 0);
    if (!ok)
        fail_msg("integrity_check: %s", msg);
    free(msg);
}

static size_t agencies_count(struct store_conn *c)
{
    struct store_agency *a = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(c, &a, &n), 0);
    store_agencies_free(a, n);
    return n;
}

/* ---- writes ----------------------------------------------------------------------------- */

struct add_job {
    char code[32];
};

static int add_agency(struct store_conn *w, void *arg)
{
    struct add_job *j = arg;
    struct store_audit a = {0};
    a.actor = "test";
    a.action = "agency.create";
    a.target = j->code;
    int rc = store_agency_add(w, j->code, "Sở thử", NULL, "75", NULL);
    if (rc == 0)
        rc = store_audit_add(w, &a);
    return rc;
}

/* Walks kind over one transaction (store_tx) that adds an agency and its audit row: after a
 * failure neither is there, after a success both are. */
static void walk_tx_add(enum fault_kind kind)
{
    size_t have = agencies_count(db);
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        struct add_job j;
        snprintf(j.code, sizeof j.code, "F-%ld", n);
        fault_arm(kind, n);
        int rc = store_tx(db, add_agency, &j);
        int fired = fault_disarm();
        if (rc)
            assert_ioc_error(rc);
        else
            have++;
        assert_consistent(db);
        assert_int_equal(agencies_count(db), have);
        struct store_agency a = {0};
        int got = store_agency_get(db, j.code, &a);
        assert_int_equal(got, rc ? IOC_ENOTFOUND : 0);
        store_agency_clear(&a);
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
    }
    assert_true(n < MAX_STEPS);
}

static void test_store_tx_add_fails_whole_at_each_allocation(void **state)
{
    (void)state;
    walk_tx_add(FAULT_ALLOC);
}

static void test_store_tx_add_fails_whole_at_each_io_operation(void **state)
{
    (void)state;
    walk_tx_add(FAULT_IO);
}

/* The same write through the writer thread: the job's own allocation, the group's savepoint
 * and commit all meet the fault. */
static void walk_writer_add(enum fault_kind kind)
{
    assert_int_equal(store_writer_start(st, 16), 0);
    size_t have = agencies_count(db);
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        struct add_job j;
        snprintf(j.code, sizeof j.code, "W-%ld", n);
        fault_arm(kind, n);
        int rc = store_writer_run(st, add_agency, &j);
        int fired = fault_disarm();
        if (rc)
            assert_ioc_error(rc);
        else
            have++;
        assert_int_equal(agencies_count(db), have);
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
    }
    assert_true(n < MAX_STEPS);
    store_writer_stop(st);
    assert_consistent(db);
}

static void test_store_writer_run_fails_whole_at_each_allocation(void **state)
{
    (void)state;
    walk_writer_add(FAULT_ALLOC);
}

static void test_store_writer_run_fails_whole_at_each_io_operation(void **state)
{
    (void)state;
    walk_writer_add(FAULT_IO);
}

static void put_unit(struct store_conn *w, const char *code, const char *from, const char *to,
                     int64_t *id)
{
    struct store_unit u = {0};
    u.code = (char *)code;
    u.level = "commune";
    u.type = "Phường";
    u.name = "Biên Hoà";
    u.full_name = "Phường Biên Hoà";
    u.parent_code = "75";
    u.valid_from = (char *)from;
    u.valid_to = (char *)to;
    u.bbox[0] = 106.8;
    u.bbox[1] = 10.9;
    u.bbox[2] = 106.9;
    u.bbox[3] = 11.0;
    assert_int_equal(
        store_unit_put(w, &u, "{\"type\":\"Point\",\"coordinates\":[106.85,10.95]}", id), 0);
}

struct unit_job {
    const char *code;
    int64_t id;
};

static int put_unit_job(struct store_conn *w, void *arg)
{
    struct unit_job *j = arg;
    struct store_unit u = {0};
    u.code = (char *)j->code;
    u.level = "commune";
    u.name = "Tân Phong";
    u.valid_from = "2025-07-01";
    int rc = store_unit_put(w, &u, "{\"type\":\"Point\",\"coordinates\":[1,2]}", &j->id);
    if (rc == 0)
        rc = store_succession_put(w, 1, j->id, 1, "một phần");
    return rc;
}

static void test_store_unit_put_fails_whole_at_each_allocation(void **state)
{
    (void)state;
    int64_t first = 0;
    put_unit(db, "26001", "0001-01-01", "", &first);
    assert_int_equal(first, 1);
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        char code[16];
        snprintf(code, sizeof code, "9%ld", n);
        struct unit_job j = {code, -1};
        fault_arm(FAULT_ALLOC, n);
        int rc = store_tx(db, put_unit_job, &j);
        int fired = fault_disarm();
        struct store_unit u = {0};
        int got = store_unit_get(db, code, NULL, &u);
        store_unit_clear(&u);
        if (rc) {
            assert_ioc_error(rc);
            assert_int_equal(got, IOC_ENOTFOUND);
        } else {
            assert_int_equal(got, 0);
        }
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
    }
    assert_true(n < MAX_STEPS);
    assert_consistent(db);
}

/* ---- reads ------------------------------------------------------------------------------ */

/* Fills the database with a little of everything the reads below return. */
static void fill(void)
{
    assert_int_equal(store_agency_add(db, "UBND-75", "UBND", NULL, "75", NULL), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", "UBND-75", NULL, NULL), 0);
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%02d", i);
        assert_int_equal(store_user_add(db, name, "Người", "staff", "SO-YT", "$h", NULL), 0);
        struct store_audit a = {0};
        a.actor = name;
        a.action = "user.create";
        a.detail = "{\"x\":1}";
        assert_int_equal(store_audit_add(db, &a), 0);
    }
    assert_int_equal(
        store_apikey_add(db, "abcd1234", "khash", "SO-YT", "read:audit", "k", "admin", 1, NULL), 0);
    int64_t old = 0, nu = 0, other = 0;
    put_unit(db, "26068", "0001-01-01", "2025-06-30", &old);
    put_unit(db, "26068", "2025-07-01", "", &nu);
    put_unit(db, "26071", "0001-01-01", "2025-06-30", &other);
    assert_int_equal(store_succession_put(db, old, nu, 0, NULL), 0);
    assert_int_equal(store_succession_put(db, other, nu, 1, "một phần"), 0);
    assert_int_equal(store_meta_set(db, "units_generation", "7"), 0);
}

/* One read: returns its rc and, on success, how many things it read (freed here). */
typedef int (*read_fn)(size_t *count);

static int read_users(size_t *count)
{
    struct store_user *u = (struct store_user *)&u; /* a sentinel: written only on success */
    int rc = store_users_list(db, &u, count);
    if (rc == 0)
        store_users_free(u, *count);
    else
        assert_ptr_equal(u, (struct store_user *)&u);
    return rc;
}

static int read_audit(size_t *count)
{
    struct store_audit_query q = {0};
    q.limit = 100;
    q.action = "user.*";
    struct store_audit *a = NULL;
    int rc = store_audit_find(db, &q, &a, count);
    if (rc == 0)
        store_audits_free(a, *count);
    else
        assert_null(a);
    return rc;
}

static int count_row(void *ctx, const struct store_audit *row)
{
    (void)row;
    (*(size_t *)ctx)++;
    return 0;
}

static int read_audit_each(size_t *count)
{
    size_t seen = 0;
    struct store_audit_span sp = {-1, -1};
    int rc = store_audit_each(db, 0, 0, count_row, &seen, &sp);
    if (rc == 0)
        *count = (size_t)sp.rows;
    else
        assert_int_equal(sp.rows, -1);
    return rc;
}

static int read_units(size_t *count)
{
    struct store_unit_query q = {0};
    q.at = "2025-07-01";
    q.q_folded = "bien hoa";
    struct store_unit *u = NULL;
    int rc = store_units_find(db, &q, &u, count);
    if (rc == 0)
        store_units_free(u, *count);
    return rc;
}

static int read_predecessors(size_t *count)
{
    struct store_unit now = {0};
    int rc = store_unit_get(db, "26068", "2025-07-01", &now);
    if (rc)
        return rc;
    struct store_succession *l = NULL;
    rc = store_unit_predecessors(db, now.id, &l, count);
    store_unit_clear(&now);
    if (rc == 0) {
        for (size_t i = 0; i < *count; i++)
            assert_non_null(l[i].note);
        store_successions_free(l, *count);
    }
    return rc;
}

static int count_geom(void *ctx, const struct store_unit *u, const char *json, size_t len)
{
    (void)u;
    assert_int_equal(strlen(json), len);
    (*(size_t *)ctx)++;
    return 0;
}

static int read_geometries(size_t *count)
{
    *count = 0;
    return store_units_each_geometry(db, NULL, NULL, count_geom, count);
}

static int read_keys_and_meta(size_t *count)
{
    struct store_apikey *k = NULL;
    int rc = store_apikeys_list(db, "SO-YT", &k, count);
    if (rc)
        return rc;
    store_apikeys_free(k, *count);
    char *v = NULL;
    rc = store_meta_get(db, "units_generation", &v);
    if (rc == 0) {
        assert_string_equal(v, "7");
        free(v);
    } else {
        assert_null(v);
    }
    return rc;
}

static int read_integrity(size_t *count)
{
    int ok = -1;
    char *msg = NULL;
    int rc = store_integrity_check(db, &ok, &msg);
    if (rc == 0) {
        *count = (size_t)ok; /* a fault must not turn into "the database is damaged" */
        free(msg);
    } else {
        assert_int_equal(ok, -1);
    }
    return rc;
}

/* Walks FAULT_ALLOC over read: every failure an IOC_E* code, every success the full answer. */
static void walk_read(size_t which, read_fn read)
{
    size_t want = 0;
    assert_int_equal(read(&want), 0);
    assert_true(want > 0);
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        size_t got = 0;
        fault_arm(FAULT_ALLOC, n);
        int rc = read(&got);
        int fired = fault_disarm();
        if (rc)
            assert_ioc_error(rc);
        else if (got != want)
            fail_msg("read %zu, failure at event %ld: %zu results, not %zu", which, n, got, want);
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
    }
    assert_true(n < MAX_STEPS);
}

static void test_store_reads_fail_cleanly_at_each_allocation(void **state)
{
    (void)state;
    fill();
    read_fn reads[] = {read_users,        read_audit,      read_audit_each,    read_units,
                       read_predecessors, read_geometries, read_keys_and_meta, read_integrity};
    for (size_t i = 0; i < IOC_ARRAY_LEN(reads); i++)
        walk_read(i, reads[i]);
}

/* ---- opening, backups ------------------------------------------------------------------- */

/* Copies the database of dir from to dir to (its -wal and -shm removed: a closed store has
 * none worth keeping). */
static void copy_db(const char *from, const char *to)
{
    static const char *const side[] = {"-wal", "-shm"};
    char p[512], q[512];
    for (size_t i = 0; i < IOC_ARRAY_LEN(side); i++) {
        snprintf(q, sizeof q, "%s/ioc.db%s", to, side[i]);
        unlink(q);
    }
    snprintf(p, sizeof p, "%s/ioc.db", from);
    snprintf(q, sizeof q, "%s/ioc.db", to);
    char *data = NULL;
    size_t len = 0;
    if (ioc_file_read(p, 64u << 20, &data, &len) == IOC_ENOTFOUND) {
        unlink(q);
        return;
    }
    assert_non_null(data);
    FILE *f = fopen(q, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(data);
}

/* The events counted when store_open starts on the set holding script walk_script, and the
 * number of the last script of all (at_set). */
static int walk_script, walk_scripts;
static long walk_set_start;
static void at_set(int first, int last)
{
    if (first <= walk_script && walk_script <= last)
        walk_set_start = fault_used();
    if (last > walk_scripts)
        walk_scripts = last;
}

/* Opens dir with no fault and at most limit scripts (then all again); the database must be
 * sound. Returns the scripts recorded, every set's. */
static int open_plain(const char *dir, int limit)
{
    store_fault_set_migrations(limit, NULL);
    struct store *s = NULL;
    assert_int_equal(store_open(dir, &s), 0);
    struct store_conn *c = NULL;
    assert_int_equal(store_conn_open(s, 1, &c), 0);
    int64_t n = -1;
    assert_int_equal(store_scalar(c, "SELECT count(*) FROM schema_migrations", &n), 0);
    assert_consistent(c);
    store_conn_close(c);
    store_close(s);
    store_fault_set_migrations(-1, NULL);
    return (int)n;
}

/* What an open of dir's database sees, in a fresh connection of its own: every schema object
 * and every recorded script (the caller frees it). The database must be sound. */
static char *state_of(const char *dir)
{
    static const char sql[] =
        "SELECT (SELECT group_concat(x, char(10)) FROM (SELECT type || ' ' || name || ' ' ||"
        " coalesce(sql, '') AS x FROM sqlite_schema ORDER BY name)) || char(10) ||"
        " (SELECT group_concat(m, ' ') FROM (SELECT module || version AS m"
        " FROM schema_migrations ORDER BY module, version))";
    char path[600];
    snprintf(path, sizeof path, "%s/ioc.db", dir);
    sqlite3 *d = NULL;
    assert_int_equal(sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    struct store_conn c = {d, NULL, 0};
    assert_consistent(&c);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(d, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(q, 0);
    assert_non_null(t);
    char *out = strdup(t);
    assert_non_null(out);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_close(d), SQLITE_OK);
    return out;
}

/*
 * Walks kind over store_open (creation and every migration), one migration script k at a time:
 * from a database at script k - 1 (a copy of base), store_open limited to k fails at each event
 * N from where it starts on k's set (its version query, then the script; for k = 1 from the
 * very first event: creating the database) until a run the failure never reached. After each
 * run the database is sound (integrity_check) and exactly at script k - 1 or at k: its schema
 * and schema_migrations, read in a fresh connection, are those of base before or after k (a
 * success: after). An open without faults then reaches k, as it does from base; for k = 1,
 * whose failures may leave a database partly created, that open runs after every failure.
 * Each failure point of a fresh open's code is reached this way, and the walk costs the sum of
 * the scripts' events, not (as walking a whole fresh open did) their square. Comparing states
 * rather than opening again after each run keeps the scripts that reparse the schema (ALTER
 * TABLE) from being run twice per failure point.
 */
static void walk_open(enum fault_kind kind)
{
    char base[512], work[512];
    snprintf(base, sizeof base, "%s/base", test_tmpdir());
    snprintf(work, sizeof work, "%s/work", test_tmpdir());
    assert_int_equal(mkdir(base, 0700), 0);
    assert_int_equal(mkdir(work, 0700), 0);
    /* how many scripts there are in all: every set's, counted by at_set on an open */
    walk_script = 0;
    walk_scripts = 0;
    store_fault_set_migrations(0, at_set);
    struct store *probe = NULL;
    assert_int_equal(store_open(work, &probe), 0);
    store_close(probe);
    int latest = walk_scripts;
    assert_true(latest > store_schema_version_latest()); /* the modules' scripts after core's */
    long steps = 0;
    for (int k = 1; k <= latest; k++) {
        /* where k's set starts, counted on a fault-free open */
        copy_db(base, work);
        walk_script = k;
        walk_set_start = -1;
        store_fault_set_migrations(k, at_set);
        fault_arm(kind, LONG_MAX);
        struct store *s = NULL;
        assert_int_equal(store_open(work, &s), 0);
        fault_disarm();
        store_close(s);
        assert_true(walk_set_start >= 0);
        char *before = k == 1 ? NULL : state_of(base), *after = state_of(work);
        long from = k == 1 ? 1 : walk_set_start + 1, n;
        store_fault_set_migrations(k, NULL);
        for (n = from; n < from + MAX_STEPS; n++) {
            copy_db(base, work);
            s = (struct store *)&s;
            fault_arm(kind, n);
            int rc = store_open(work, &s);
            int fired = fault_disarm();
            steps++;
            if (rc) {
                assert_ioc_error(rc);
                assert_ptr_equal(s, (struct store *)&s);
            } else {
                store_close(s);
            }
            if (k == 1) {
                assert_int_equal(open_plain(work, k), k);
                store_fault_set_migrations(k, NULL);
            } else {
                char *now = state_of(work);
                if (strcmp(now, after) != 0 && (rc == 0 || strcmp(now, before) != 0))
                    fail_msg("script %d, failure at event %ld (rc %d): the database is at neither "
                             "%d nor %d",
                             k, n, rc, k - 1, k);
                free(now);
            }
            if (!fired) {
                assert_int_equal(rc, 0);
                break;
            }
        }
        assert_true(n < from + MAX_STEPS);
        assert_int_equal(open_plain(base, k), k); /* base moves on to script k */
        char *moved = state_of(base);
        assert_string_equal(moved, after);
        free(moved);
        free(before);
        free(after);
    }
    store_fault_set_migrations(-1, NULL);
    assert_int_equal(open_plain(base, -1), latest);
    assert_true(steps > latest);
}

static void test_store_open_recovers_from_a_failure_at_each_allocation(void **state)
{
    (void)state;
    walk_open(FAULT_ALLOC);
}

static void test_store_open_recovers_from_a_failure_at_each_io_operation(void **state)
{
    (void)state;
    walk_open(FAULT_IO);
}

static void test_store_backup_leaves_nothing_or_a_sound_copy_at_each_io_failure(void **state)
{
    (void)state;
    fill();
    const char *dir = test_tmpdir();
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        char file[256], tmp[300];
        snprintf(file, sizeof file, "%s/b%ld.db", dir, n);
        snprintf(tmp, sizeof tmp, "%s.tmp", file);
        fault_arm(FAULT_IO, n);
        int rc = store_backup(db, file);
        int fired = fault_disarm();
        assert_int_equal(access(tmp, F_OK), -1);
        if (rc) {
            assert_ioc_error(rc);
            assert_int_equal(access(file, F_OK), -1);
        } else {
            assert_int_equal(store_restore(dir, file), 0); /* restore checks integrity */
        }
        if (!fired) {
            assert_int_equal(rc, 0);
            break;
        }
    }
    assert_true(n < MAX_STEPS);
}

int main(void)
{
    fault_install();
    /* IOC_FAULTS_FILTER: only the tests whose names match (cmocka's pattern), for tests/run.sh */
    if (getenv("IOC_FAULTS_FILTER"))
        cmocka_set_test_filter(getenv("IOC_FAULTS_FILTER"));
    ioc_log_set_level(IOC_LOG_ERROR + 1);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_tx_add_fails_whole_at_each_allocation),
        T(test_store_tx_add_fails_whole_at_each_io_operation),
        T(test_store_writer_run_fails_whole_at_each_allocation),
        T(test_store_writer_run_fails_whole_at_each_io_operation),
        T(test_store_unit_put_fails_whole_at_each_allocation),
        T(test_store_reads_fail_cleanly_at_each_allocation),
        cmocka_unit_test(test_store_open_recovers_from_a_failure_at_each_allocation),
        cmocka_unit_test(test_store_open_recovers_from_a_failure_at_each_io_operation),
        T(test_store_backup_leaves_nothing_or_a_sound_copy_at_each_io_failure),
    };
    return cmocka_run_group_tests_name("store faults", tests, NULL, NULL);
}
