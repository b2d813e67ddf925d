/* Unit tests for src/store: the WAL (checkpoints by hand, when the writer is idle and at stop),
 * backups as one snapshot while another connection writes, the modes of the files, and a walk
 * over geometries that keeps no read transaction open while its callback runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static int64_t size_of(const char *dir, const char *name)
{
    char p[512];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int mode_of(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

static void add_agencies(struct store_conn *w, const char *prefix, int n)
{
    for (int i = 0; i < n; i++) {
        char code[64];
        snprintf(code, sizeof code, "%s-%d", prefix, i);
        assert_int_equal(store_agency_add(w, code, "một cơ quan có tên khá dài", NULL, NULL, NULL),
                         0);
    }
}

/* A raw SQLite connection (as another process would have) holding a read transaction. */
static sqlite3 *hold_reader(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/ioc.db", dir);
    sqlite3 *r = NULL;
    assert_int_equal(sqlite3_open_v2(p, &r, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(r, "BEGIN; SELECT count(*) FROM agencies;", NULL, NULL, NULL),
                     SQLITE_OK);
    return r;
}

static void test_checkpoint_truncates_once_readers_are_gone(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *st;
    struct store_conn *w;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    add_agencies(w, "A", 50);
    sqlite3 *r = hold_reader(dir);
    add_agencies(w, "B", 50); /* frames the reader's snapshot does not see */
    int64_t before = size_of(dir, "ioc.db-wal");
    assert_true(before > 0);
    /* the reader pins the WAL: no wait, so IOC_EBUSY at once, and the WAL keeps its size */
    int64_t t0 = ioc_mono_ns();
    assert_int_equal(store_wal_checkpoint(w, 0), IOC_EBUSY);
    assert_true(ioc_mono_ns() - t0 < 1000000000LL);
    assert_int_equal(size_of(dir, "ioc.db-wal"), before);
    assert_int_equal(sqlite3_exec(r, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(r);
    assert_int_equal(store_wal_checkpoint(w, 0), 0);
    assert_int_equal(size_of(dir, "ioc.db-wal"), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(w, "B-49", &a), 0);
    store_agency_clear(&a);
    store_conn_close(w);
    store_close(st);
}

static int write_some(struct store_conn *w, void *arg)
{
    (void)arg;
    static int k;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "J%d", k++);
    add_agencies(w, prefix, 20);
    return 0;
}

static void test_idle_writer_truncates_the_wal(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *st;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_writer_start(st, 16), 0);
    assert_int_equal(store_writer_run(st, write_some, NULL), 0);
    assert_true(size_of(dir, "ioc.db-wal") > 0);
    /* about one idle period later the writer thread has checkpointed the WAL to nothing */
    int64_t t0 = ioc_mono_ns();
    while (size_of(dir, "ioc.db-wal") > 0 && ioc_mono_ns() - t0 < 5000000000LL)
        usleep(50000);
    assert_int_equal(size_of(dir, "ioc.db-wal"), 0);
    assert_true(ioc_mono_ns() - t0 > 1000000000LL); /* not after every commit */
    store_close(st);
}

static void test_writer_stop_truncates_the_wal(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *st;
    struct store_conn *rd;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 1, &rd), 0); /* an idle reader, as iocd's loops have */
    assert_int_equal(store_writer_start(st, 16), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(store_writer_run(st, write_some, NULL), 0);
    assert_true(size_of(dir, "ioc.db-wal") > 0);
    struct store_agency *ag = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(rd, &ag, &n), 0); /* the reader has used the WAL */
    store_agencies_free(ag, n);
    store_writer_stop(st);
    /* zero bytes (or removed: SQLite deletes it when the last connection closes) */
    assert_true(size_of(dir, "ioc.db-wal") <= 0);
    store_conn_close(rd);
    store_close(st);
}

struct busy_writer {
    struct store *st;
    atomic_int stop;
    atomic_int written;
};

static void *keep_writing(void *arg)
{
    struct busy_writer *b = arg;
    struct store_conn *w;
    assert_int_equal(store_conn_open(b->st, 0, &w), 0);
    for (int i = 0; !atomic_load(&b->stop); i++) {
        char code[32];
        snprintf(code, sizeof code, "BW-%d", i);
        assert_int_equal(store_agency_add(w, code, "ghi", NULL, NULL, NULL), 0);
        atomic_store(&b->written, i + 1);
    }
    store_conn_close(w);
    return NULL;
}

static int add_many(struct store_conn *w, void *arg)
{
    (void)arg;
    char name[400];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    for (int i = 0; i < 20000; i++) {
        char code[32];
        snprintf(code, sizeof code, "BIG-%d", i);
        int rc = store_agency_add(w, code, name, NULL, NULL, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static void test_backup_finishes_while_another_connection_commits(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    assert_int_equal(store_tx(c, add_many, NULL), 0); /* some thousand pages */
    struct busy_writer b = {st, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, keep_writing, &b);
    while (atomic_load(&b.written) < 20)
        usleep(1000);
    int before = atomic_load(&b.written);
    char file[512];
    snprintf(file, sizeof file, "%s/copy.db", test_tmpdir());
    alarm(30); /* the old stepwise copy restarted at every commit and never ended */
    int64_t t0 = ioc_mono_ns();
    assert_int_equal(store_backup(c, file), 0);
    int64_t ms = (ioc_mono_ns() - t0) / 1000000;
    alarm(0);
    int during = atomic_load(&b.written) - before;
    atomic_store(&b.stop, 1);
    pthread_join(t, NULL);
    print_message("backup took %lld ms; %d commits meanwhile\n", (long long)ms, during);
    assert_true(ms < 10000);
    assert_int_equal(mode_of(file), 0600);
    /* the copy is sound and holds every row committed before it began */
    struct store *s2;
    struct store_conn *c2;
    const char *dir2 = test_tmpdir();
    assert_int_equal(store_restore(dir2, file), 0);
    assert_int_equal(store_open(dir2, &s2), 0);
    assert_int_equal(store_conn_open(s2, 1, &c2), 0);
    int ok = 0;
    assert_int_equal(store_integrity_check(c2, &ok, NULL), 0);
    assert_true(ok);
    for (int i = 0; i < before; i++) {
        char code[32];
        struct store_agency a = {0};
        snprintf(code, sizeof code, "BW-%d", i);
        assert_int_equal(store_agency_get(c2, code, &a), 0);
        store_agency_clear(&a);
    }
    store_conn_close(c2);
    store_close(s2);
    store_conn_close(c);
    store_close(st);
}

static void test_files_are_private_whatever_the_umask(void **state)
{
    (void)state;
    mode_t old = umask(022);
    const char *dir = test_tmpdir();
    char p[512];
    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    add_agencies(c, "M", 3);
    const char *names[] = {"ioc.db", "ioc.db-wal", "ioc.db-shm"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(names); i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        assert_int_equal(mode_of(p), 0600);
    }
    assert_int_equal(store_claim(st), 0);
    snprintf(p, sizeof p, "%s/iocd.lock", dir);
    assert_int_equal(mode_of(p), 0600);
    snprintf(p, sizeof p, "%s/b.db", dir);
    assert_int_equal(store_backup(c, p), 0);
    assert_int_equal(mode_of(p), 0600);
    store_conn_close(c);
    store_close(st);
    /* a database left 0644 by an older version is made private when opened */
    snprintf(p, sizeof p, "%s/ioc.db", dir);
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(mode_of(p), 0600);
    store_close(st);
    /* a restore: the new database and the one kept aside */
    char src[512];
    snprintf(src, sizeof src, "%s/b.db", dir);
    assert_int_equal(store_restore(dir, src), 0);
    assert_int_equal(mode_of(p), 0600);
    snprintf(p, sizeof p, "%s/ioc.db.before-restore", dir);
    assert_int_equal(mode_of(p), 0600);
    umask(old);
}

struct walk {
    struct store_conn *w;
    int n, sorted, checkpoints_ok;
    char last[64];
};

static int walk_cb(void *ctx, const struct store_unit *u, const char *json, size_t len)
{
    struct walk *k = ctx;
    if (strcmp(u->code, k->last) <= 0)
        k->sorted = 0;
    snprintf(k->last, sizeof k->last, "%s", u->code);
    assert_int_equal(strlen(json), len);
    /* another connection commits and checkpoints: nothing of the walk may pin the WAL */
    char code[32];
    snprintf(code, sizeof code, "WALK-%d", k->n);
    assert_int_equal(store_agency_add(k->w, code, "x", NULL, NULL, NULL), 0);
    k->checkpoints_ok += store_wal_checkpoint(k->w, 0) == 0;
    k->n++;
    return 0;
}

static int put_units(struct store_conn *w, void *arg)
{
    (void)arg;
    const char *geom = "{\"type\":\"Point\",\"coordinates\":[106.8,10.9]}";
    for (int i = 0; i < 150; i++) {
        char code[16], name[32];
        snprintf(code, sizeof code, "%05d", 30000 + i);
        snprintf(name, sizeof name, "Xã %d", i);
        struct store_unit u = {0};
        u.code = code;
        u.level = "commune";
        u.type = "Xã";
        u.name = name;
        u.full_name = name;
        u.name_en = "";
        u.parent_code = "";
        u.valid_from = "2025-07-01";
        u.valid_to = "";
        u.has_geometry = 1;
        int rc = store_unit_put(w, &u, geom, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static void test_geometry_walk_holds_no_transaction_during_callbacks(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *st;
    struct store_conn *rd, *w;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 1, &rd), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    assert_int_equal(store_tx(w, put_units, NULL), 0);
    struct walk k = {w, 0, 1, 0, ""};
    assert_int_equal(store_units_each_geometry(rd, "commune", "2026-01-01", walk_cb, &k), 0);
    assert_int_equal(k.n, 150); /* every unit once, across batches, in code order */
    assert_true(k.sorted);
    /* only at the first row of each batch may the walk's own read still be settling; most
     * checkpoints must succeed (with one read transaction for the whole walk, none would) */
    assert_true(k.checkpoints_ok >= 140);
    store_conn_close(w);
    store_conn_close(rd);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkpoint_truncates_once_readers_are_gone),
        cmocka_unit_test(test_idle_writer_truncates_the_wal),
        cmocka_unit_test(test_writer_stop_truncates_the_wal),
        cmocka_unit_test(test_backup_finishes_while_another_connection_commits),
        cmocka_unit_test(test_files_are_private_whatever_the_umask),
        cmocka_unit_test(test_geometry_walk_holds_no_transaction_during_callbacks),
    };
    return cmocka_run_group_tests_name("store_wal", tests, NULL, NULL);
}
