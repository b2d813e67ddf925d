/* Unit tests for src/store: migrations, units and search, accounts, audit, the writer, backups. */
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

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

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

static void test_migrations(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    struct store *s1;
    assert_int_equal(store_open(dir, &s1), 0);
    store_close(s1);
    assert_int_equal(store_open(dir, &s1), 0); /* idempotent */
    struct store_conn *c;
    assert_int_equal(store_conn_open(s1, 1, &c), 0);
    int v = 0;
    assert_int_equal(store_schema_version(c, &v), 0);
    assert_int_equal(v, store_schema_version_latest());
    int ok = 0;
    char *msg = NULL;
    assert_int_equal(store_integrity_check(c, &ok, &msg), 0);
    assert_true(ok);
    free(msg);
    store_conn_close(c);
    store_close(s1);
}

static int64_t put(const char *code, const char *level, const char *name, const char *full,
                   const char *from, const char *to)
{
    struct store_unit u = {0};
    u.code = (char *)code;
    u.level = (char *)level;
    u.type = "Phường";
    u.name = (char *)name;
    u.full_name = (char *)full;
    u.name_en = "";
    u.parent_code = "75";
    u.valid_from = (char *)from;
    u.valid_to = (char *)to;
    int64_t id = 0;
    assert_int_equal(store_unit_put(db, &u, NULL, &id), 0);
    return id;
}

static void test_units(void **state)
{
    (void)state;
    int64_t old = put("26068", "commune", "Hóa An", "Phường Hóa An", "0001-01-01", "2025-06-30");
    int64_t nu = put("26068", "commune", "Biên Hoà", "Phường Biên Hoà", "2025-07-01", "");
    put("26041", "commune", "Trấn Biên", "Phường Trấn Biên", "2025-07-01", "");
    assert_true(old != nu);
    /* the same (code, valid_from) replaces */
    assert_int_equal(put("26068", "commune", "Biên Hoà", "Phường Biên Hoà", "2025-07-01", ""), nu);
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(db, "26068", "2025-06-30", &u), 0);
    assert_string_equal(u.name, "Hóa An");
    store_unit_clear(&u);
    assert_int_equal(store_unit_get(db, "26068", "2026-01-01", &u), 0);
    assert_string_equal(u.name, "Biên Hoà");
    store_unit_clear(&u);
    assert_int_equal(store_unit_get(db, "26068", NULL, &u), 0);
    assert_string_equal(u.valid_from, "2025-07-01");
    store_unit_clear(&u);
    assert_int_equal(store_unit_get(db, "99999", NULL, &u), IOC_ENOTFOUND);

    char *q = ioc_text_fold("BIÊN HÒA", strlen("BIÊN HÒA"));
    struct store_unit_query sq = {"commune", "2026-01-01", q, NULL, 10, 0};
    struct store_unit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_units_find(db, &sq, &a, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].code, "26068");
    store_units_free(a, n);
    free(q);
    sq.q_folded = "bien"; /* Biên Hoà before Trấn Biên: name prefix first */
    assert_int_equal(store_units_find(db, &sq, &a, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].code, "26068");
    store_units_free(a, n);
    sq.q_folded = "260"; /* code prefix */
    sq.limit = 1;
    sq.offset = 1;
    assert_int_equal(store_units_find(db, &sq, &a, &n), 0);
    assert_int_equal(n, 1);
    store_units_free(a, n);
    sq.q_folded = "50%"; /* LIKE wildcards mean nothing */
    assert_int_equal(store_units_find(db, &sq, &a, &n), 0);
    assert_int_equal(n, 0);
    store_units_free(a, n);

    assert_int_equal(store_succession_put(db, old, nu, 1, "Phường Hóa An (một phần)"), 0);
    struct store_succession *l = NULL;
    assert_int_equal(store_unit_predecessors(db, nu, &l, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].partial, 1);
    assert_string_equal(l[0].unit.name, "Hóa An");
    store_successions_free(l, n);
    assert_int_equal(store_unit_successors(db, old, &l, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].unit.id, nu);
    store_successions_free(l, n);
    /* a put without geometry keeps the stored geometry and its bbox */
    struct store_unit g = {0};
    assert_int_equal(store_unit_get(db, "26041", NULL, &g), 0);
    g.bbox[0] = 106.7, g.bbox[1] = 10.9, g.bbox[2] = 106.9, g.bbox[3] = 11.0;
    assert_int_equal(store_unit_put(db, &g, "{\"type\":\"Polygon\",\"coordinates\":[]}", NULL), 0);
    memset(g.bbox, 0, sizeof g.bbox);
    assert_int_equal(store_unit_put(db, &g, NULL, NULL), 0);
    store_unit_clear(&g);
    assert_int_equal(store_unit_get(db, "26041", NULL, &g), 0);
    assert_true(g.has_geometry);
    assert_true(g.bbox[0] == 106.7 && g.bbox[3] == 11.0);
    store_unit_clear(&g);
    struct store_unit *v = NULL;
    assert_int_equal(store_unit_versions(db, "26068", &v, &n), 0);
    assert_int_equal(n, 2);
    store_units_free(v, n);
}

static void test_accounts(void **state)
{
    (void)state;
    assert_int_equal(store_agency_add(db, "UBND-75", "UBND", NULL, "75", NULL), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", "UBND-75", NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "dup", NULL, NULL, NULL), IOC_EEXIST);
    assert_int_equal(store_agency_add(db, "X", "x", "NOPE", NULL, NULL), IOC_EINVAL);
    struct store_agency ag = {0};
    assert_int_equal(store_agency_get(db, "SO-YT", &ag), 0);
    assert_string_equal(ag.parent_code, "UBND-75");
    store_agency_clear(&ag);

    int64_t uid = 0;
    assert_int_equal(store_user_add(db, "lan", "Lan", "staff", "SO-YT", "$argon2id$x", &uid), 0);
    assert_int_equal(store_user_add(db, "lan", "Lan", "staff", "SO-YT", "h", NULL), IOC_EEXIST);
    assert_int_equal(store_user_add(db, "x", "X", "king", NULL, "h", NULL), IOC_EINVAL);
    assert_int_equal(store_user_add(db, "y", "Y", "staff", "NOPE", "h", NULL), IOC_EINVAL);
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "lan", &u), 0);
    assert_string_equal(u.agency_code, "SO-YT");
    store_user_clear(&u);

    assert_int_equal(store_session_add(db, uid, "hash1", "csrf1", 1000, 5000, "127.0.0.1"), 0);
    struct store_session s = {0};
    assert_int_equal(store_session_get(db, "hash1", 4999, &s), 0);
    assert_string_equal(s.csrf_token, "csrf1");
    store_session_clear(&s);
    assert_int_equal(store_session_get(db, "hash1", 5000, &s), IOC_ENOTFOUND); /* expired */
    assert_int_equal(store_sessions_purge(db, 6000), 0);
    assert_int_equal(store_session_delete(db, "hash1"), IOC_ENOTFOUND);

    int64_t kid = 0;
    assert_int_equal(
        store_apikey_add(db, "abcd1234", "khash", "SO-YT", "read:audit", "k", "admin", 1, &kid), 0);
    assert_int_equal(store_apikey_add(db, "p", "h2", "NOPE", "read:audit", "k", "admin", 1, NULL),
                     IOC_EINVAL);
    struct store_apikey k = {0};
    assert_int_equal(store_apikey_get_by_hash(db, "khash", &k), 0);
    assert_string_equal(k.agency_code, "SO-YT");
    store_apikey_clear(&k);
    assert_int_equal(store_apikey_revoke(db, kid, 2), 0);
    assert_int_equal(store_apikey_get_by_hash(db, "khash", &k), IOC_ENOTFOUND);
    assert_int_equal(store_apikey_revoke(db, 999, 2), IOC_ENOTFOUND);
}

static void test_audit(void **state)
{
    (void)state;
    const char *actions[] = {"user.create", "user.password", "agency.create"};
    for (int i = 0; i < 30; i++) {
        struct store_audit a = {0};
        a.ts_ms = 1000 + i;
        a.actor = i % 2 ? "admin" : "iocctl";
        a.action = (char *)actions[i % 3];
        a.outcome = i % 5 ? "ok" : "denied";
        a.target = "user:lan";
        assert_int_equal(store_audit_add(db, &a), 0);
    }
    struct store_audit_query q = {0};
    q.limit = 100;
    q.action = "user.*";
    struct store_audit *r = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 20);
    assert_true(r[0].id > r[1].id);
    store_audits_free(r, n);
    memset(&q, 0, sizeof q);
    q.actor = "admin";
    q.outcome = "denied";
    q.limit = 100;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 3); /* i = 5, 15, 25 */
    store_audits_free(r, n);
    memset(&q, 0, sizeof q);
    q.since_ms = 1010;
    q.until_ms = 1019;
    q.limit = 4;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 4);
    int64_t last = r[3].id;
    store_audits_free(r, n);
    q.before_id = last;
    q.limit = 100;
    assert_int_equal(store_audit_find(db, &q, &r, &n), 0);
    assert_int_equal(n, 6);
    store_audits_free(r, n);
}

struct counter {
    atomic_int done;
    atomic_int failed;
};

static int insert_job(struct store_conn *w, void *arg)
{
    intptr_t i = (intptr_t)arg;
    char code[32];
    snprintf(code, sizeof code, "W-%ld", (long)i);
    /* every 7th job fails after writing: only it must be rolled back */
    int rc = store_agency_add(w, code, "w", NULL, NULL, NULL);
    return rc ? rc : i % 7 == 0 ? IOC_EINVAL : 0;
}

static struct counter counts;

static void count_done(void *arg, int rc)
{
    (void)arg;
    atomic_fetch_add(&counts.done, 1);
    if (rc)
        atomic_fetch_add(&counts.failed, 1);
}

static void *submitter(void *arg)
{
    intptr_t base = (intptr_t)arg;
    for (intptr_t i = 1; i <= 500; i++)
        while (store_writer_submit(st, insert_job, count_done, (void *)(base + i)) == IOC_EBUSY)
            ;
    return NULL;
}

static void test_writer(void **state)
{
    (void)state;
    assert_int_equal(store_writer_start(st, 64), 0);
    pthread_t a, b;
    pthread_create(&a, NULL, submitter, (void *)0);
    pthread_create(&b, NULL, submitter, (void *)1000);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    store_writer_stop(st); /* drains */
    assert_int_equal(atomic_load(&counts.done), 1000);
    int failing = 0;
    for (int i = 1; i <= 500; i++)
        failing += i % 7 == 0;
    failing += 0;
    int failing_b = 0;
    for (int i = 1001; i <= 1500; i++)
        failing_b += i % 7 == 0;
    assert_int_equal(atomic_load(&counts.failed), failing + failing_b);
    struct store_agency *ag = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(db, &ag, &n), 0);
    assert_int_equal(n, 1000 - (size_t)(failing + failing_b));
    store_agencies_free(ag, n);
    assert_int_equal(store_writer_submit(st, insert_job, count_done, (void *)1), IOC_ESHUTDOWN);
    struct store_stats stats;
    store_stats_get(st, &stats);
    assert_true(stats.writer_commits >= 1);
    assert_true(stats.writer_commits < 1000); /* grouped */
    assert_int_equal(stats.writer_jobs, 1000);
}

static void test_backup_restore(void **state)
{
    (void)state;
    assert_int_equal(store_agency_add(db, "B-1", "b", NULL, NULL, NULL), 0);
    const char *dir = test_tmpdir();
    char file[256];
    snprintf(file, sizeof file, "%s/backup.db", dir);
    assert_int_equal(store_backup(db, file), 0);
    const char *target = test_tmpdir();
    assert_int_equal(store_restore(target, file), 0);
    struct store *s2;
    struct store_conn *c2;
    assert_int_equal(store_open(target, &s2), 0);
    assert_int_equal(store_conn_open(s2, 1, &c2), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(c2, "B-1", &a), 0);
    store_agency_clear(&a);
    /* a claimed directory refuses a restore */
    assert_int_equal(store_claim(s2), 0);
    assert_int_equal(store_restore(target, file), IOC_EBUSY);
    store_conn_close(c2);
    store_close(s2);
    /* not a database, and a corrupt one */
    char junk[256];
    snprintf(junk, sizeof junk, "%s/junk.db", dir);
    assert_int_equal(ioc_file_write_atomic(junk, "hello", 5), 0);
    assert_int_equal(store_restore(target, junk), IOC_EINVAL);
    char *bytes = NULL;
    size_t n = 0;
    assert_int_equal(ioc_file_read(file, 1 << 26, &bytes, &n), 0);
    memset(bytes + 4096, 0xA5, n - 4096 > 8192 ? 8192 : n - 4096);
    assert_int_equal(ioc_file_write_atomic(junk, bytes, n), 0);
    free(bytes);
    assert_int_equal(store_restore(target, junk), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations),
        cmocka_unit_test_setup_teardown(test_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_restore, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
