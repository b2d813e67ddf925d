/* Unit tests for src/auth/session.c: the idle rule, the touch and end jobs against a real
 * store, auth_session_use with the writer thread (idle ends, touches coalesce), and the purge of
 * idle sessions at login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

#include <sqlite3.h>

/* the schema scripts (src/store/migrations.c), to build a database of schema 1 */
extern const char *const store_migrations[];

/* A store with user "lan" (operator) and one session of it made at 1000 ms, ending at
 * 100000 ms, whose cookie token goes to token. */
struct fixture {
    struct store *st;
    struct store_conn *w;
    char token[65];
    int64_t user_id;
};

static void setup(struct fixture *f)
{
    assert_int_equal(store_open(test_tmpdir(), &f->st), 0);
    assert_int_equal(store_conn_open(f->st, 0, &f->w), 0);
    assert_int_equal(
        store_user_add(f->w, "lan", "Lan", "operator", NULL, "$argon2id$none", &f->user_id), 0);
    char hash[65], csrf[65];
    auth_token_new(f->token);
    auth_token_hash(f->token, hash);
    auth_token_new(csrf);
    assert_int_equal(store_session_add(f->w, f->user_id, hash, csrf, 1000, 100000, "10.0.0.1"), 0);
}

static void teardown(struct fixture *f)
{
    store_conn_close(f->w);
    store_close(f->st);
}

static int64_t count(struct store_conn *c, const char *action)
{
    struct store_audit_query q = {.action = action, .limit = 100};
    struct store_audit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(c, &q, &a, &n), 0);
    store_audits_free(a, n);
    return (int64_t)n;
}

static int noop_job(struct store_conn *w, void *arg)
{
    (void)w;
    (void)arg;
    return 0;
}

static void test_session_touch_every_is_a_tenth_at_most_60_s(void **state)
{
    (void)state;
    assert_int_equal(auth_session_touch_every_ms(2000), 200);
    assert_int_equal(auth_session_touch_every_ms(300000), 30000);
    assert_int_equal(auth_session_touch_every_ms(1800000), 60000);
    assert_int_equal(auth_session_touch_every_ms(0), 0);
}

static void test_session_state_is_idle_from_idle_ms_after_last_use(void **state)
{
    (void)state;
    assert_int_equal(auth_session_state(2000, 1000, 1000), AUTH_SESSION_LIVE);
    assert_int_equal(auth_session_state(2000, 1000, 1199), AUTH_SESSION_LIVE);
    assert_int_equal(auth_session_state(2000, 1000, 1200), AUTH_SESSION_TOUCH);
    assert_int_equal(auth_session_state(2000, 1000, 2999), AUTH_SESSION_TOUCH);
    assert_int_equal(auth_session_state(2000, 1000, 3000), AUTH_SESSION_IDLE);
    assert_int_equal(auth_session_state(2000, 1000, 1000000), AUTH_SESSION_IDLE);
}

static void test_session_state_never_idle_when_off(void **state)
{
    (void)state;
    assert_int_equal(auth_session_state(0, 1000, 1000), AUTH_SESSION_LIVE);
    assert_int_equal(auth_session_state(0, 1000, INT64_C(1) << 50), AUTH_SESSION_LIVE);
}

static void test_session_idle_end_is_never_after_expiry(void **state)
{
    (void)state;
    assert_int_equal(auth_session_idle_end(2000, 1000, 10000), 3000);
    assert_int_equal(auth_session_idle_end(2000, 9000, 10000), 10000);
    assert_int_equal(auth_session_idle_end(0, 9000, 10000), 0);
}

static void test_session_resolve_reports_end_and_last_use(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 2000, &p), 0);
    assert_true(p.session_id > 0);
    assert_int_equal(p.session_expires_ms, 100000);
    assert_int_equal(p.session_seen_ms, 1000); /* a new session counts as used at its login */
    teardown(&f);
}

static void test_session_touch_job_never_moves_back(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 2000, &p), 0);
    struct auth_session_job j = {.session_id = p.session_id, .now_ms = 5000};
    assert_int_equal(store_tx(f.w, auth_session_touch_job, &j), 0);
    j.now_ms = 4000; /* a late job of an earlier use */
    assert_int_equal(store_tx(f.w, auth_session_touch_job, &j), 0);
    assert_int_equal(auth_session_resolve(f.w, f.token, 6000, &p), 0);
    assert_int_equal(p.session_seen_ms, 5000);
    teardown(&f);
}

static void test_session_end_job_deletes_only_an_idle_session(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 2000, &p), 0);
    /* found idle at 3500 with a 2 s timeout, but used at 2000 meanwhile: kept */
    struct auth_session_job touch = {.session_id = p.session_id, .now_ms = 2000};
    assert_int_equal(store_tx(f.w, auth_session_touch_job, &touch), 0);
    struct auth_session_job end = {
        .session_id = p.session_id, .user_id = f.user_id, .now_ms = 3500, .idle_ms = 2000};
    snprintf(end.username, sizeof end.username, "lan");
    assert_int_equal(store_tx(f.w, auth_session_end_job, &end), 0);
    assert_int_equal(auth_session_resolve(f.w, f.token, 3500, &p), 0);
    assert_int_equal(count(f.w, "session.expire"), 0);
    teardown(&f);
}

static void test_session_end_job_audits_once(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 2000, &p), 0);
    struct auth_session_job end = {
        .session_id = p.session_id, .user_id = f.user_id, .now_ms = 3000, .idle_ms = 2000};
    snprintf(end.username, sizeof end.username, "lan");
    snprintf(end.role, sizeof end.role, "operator");
    assert_int_equal(store_tx(f.w, auth_session_end_job, &end), 0);
    assert_int_equal(store_tx(f.w, auth_session_end_job, &end), 0); /* a second loop's job */
    assert_int_equal(auth_session_resolve(f.w, f.token, 3000, &p), IOC_ENOTFOUND);
    assert_int_equal(count(f.w, "session.expire"), 1);
    teardown(&f);
}

static void test_session_use_ends_an_idle_session(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_sessions *s;
    assert_int_equal(auth_sessions_create(2000, &s), 0);
    assert_int_equal(store_writer_start(f.st, 16), 0);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 3000, &p), 0); /* not expired: 100 s */
    assert_int_equal(auth_session_use(s, f.st, &p, 3000, "10.0.0.2"), IOC_ENOTFOUND);
    assert_int_equal(p.kind, AUTH_ANON);
    assert_int_equal(p.user_id, 0);
    assert_string_equal(p.csrf, "");
    assert_int_equal(store_writer_run(f.st, noop_job, NULL), 0); /* the end job ran before */
    assert_int_equal(auth_session_resolve(f.w, f.token, 3000, &p), IOC_ENOTFOUND);
    assert_int_equal(count(f.w, "session.expire"), 1);
    store_writer_stop(f.st);
    auth_sessions_destroy(s);
    teardown(&f);
}

static void test_session_use_coalesces_touches_in_flight(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    struct auth_sessions *s;
    assert_int_equal(auth_sessions_create(2000, &s), 0);
    assert_int_equal(store_writer_start(f.st, 16), 0);
    struct auth_principal p, q;
    assert_int_equal(auth_session_resolve(f.w, f.token, 1500, &p), 0);
    q = p; /* a second request that read the row before the touch committed */
    struct store_stats before, after;
    store_stats_get(f.st, &before);
    assert_int_equal(auth_session_use(s, f.st, &p, 1500, "10.0.0.2"), 0);
    assert_int_equal(p.session_seen_ms, 1500);
    assert_int_equal(p.session_idle_end_ms, 3500);
    assert_int_equal(auth_session_use(s, f.st, &q, 1600, "10.0.0.2"), 0);
    assert_int_equal(q.session_seen_ms, 1500); /* the touch in flight records its use */
    assert_int_equal(q.session_idle_end_ms, 3500);
    assert_int_equal(store_writer_run(f.st, noop_job, NULL), 0);
    store_stats_get(f.st, &after);
    assert_int_equal(after.writer_jobs - before.writer_jobs, 2); /* one touch, the no-op */
    assert_int_equal(auth_session_resolve(f.w, f.token, 1700, &p), 0);
    assert_int_equal(p.session_seen_ms, 1500);
    /* within the interval of the recorded use: nothing to write */
    store_stats_get(f.st, &before);
    assert_int_equal(auth_session_use(s, f.st, &p, 1650, "10.0.0.2"), 0);
    assert_int_equal(store_writer_run(f.st, noop_job, NULL), 0);
    store_stats_get(f.st, &after);
    assert_int_equal(after.writer_jobs - before.writer_jobs, 1);
    store_writer_stop(f.st);
    auth_sessions_destroy(s);
    teardown(&f);
}

static void test_session_use_leaves_keys_alone(void **state)
{
    (void)state;
    struct auth_sessions *s;
    assert_int_equal(auth_sessions_create(2000, &s), 0);
    struct auth_principal p = {.kind = AUTH_KEY, .key_id = 7};
    assert_int_equal(auth_session_use(s, NULL, &p, 1000000, ""), 0);
    assert_int_equal(p.kind, AUTH_KEY);
    auth_sessions_destroy(s);
}

static void test_login_purges_idle_sessions(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    char *h = NULL;
    assert_int_equal(auth_password_hash("password-1", &h), 0);
    assert_int_equal(store_user_add(f.w, "mai", "Mai", "staff", NULL, h, NULL), 0);
    free(h);
    h = NULL;
    struct auth_login l = {.username = "mai",
                           .password = "password-1",
                           .ip = "127.0.0.1",
                           .now_ms = 3000, /* lan's session, used at 1000, idle since 3000 */
                           .ttl_ms = 60000,
                           .idle_ms = 2000};
    assert_int_equal(auth_login_check(f.w, &l), 0);
    assert_int_equal(store_tx(f.w, auth_login_job, &l), 0);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.principal.session_expires_ms, 63000);
    assert_int_equal(l.principal.session_idle_end_ms, 5000);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(f.w, f.token, 3000, &p), IOC_ENOTFOUND);
    assert_int_equal(auth_session_resolve(f.w, l.token, 3000, &p), 0);
    teardown(&f);
}

static void test_session_migration_counts_old_sessions_used_at_login(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/ioc.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, store_migrations[0], NULL, NULL, NULL), SQLITE_OK);
    const char *old =
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
        "INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00Z');"
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at)"
        " VALUES (1, 'lan', 'Lan', 'operator', 'x', 'x');"
        "INSERT INTO sessions (user_id, token_hash, csrf_token, created_ms, expires_ms)"
        " VALUES (1, 'h1', 'c1', 4242, 99999);";
    assert_int_equal(sqlite3_exec(db, old, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 1, &c), 0);
    struct store_session s = {0};
    assert_int_equal(store_session_get(c, "h1", 5000, &s), 0);
    assert_int_equal(s.last_seen_ms, 4242);
    store_session_clear(&s);
    store_conn_close(c);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_touch_every_is_a_tenth_at_most_60_s),
        cmocka_unit_test(test_session_state_is_idle_from_idle_ms_after_last_use),
        cmocka_unit_test(test_session_state_never_idle_when_off),
        cmocka_unit_test(test_session_idle_end_is_never_after_expiry),
        cmocka_unit_test(test_session_resolve_reports_end_and_last_use),
        cmocka_unit_test(test_session_touch_job_never_moves_back),
        cmocka_unit_test(test_session_end_job_deletes_only_an_idle_session),
        cmocka_unit_test(test_session_end_job_audits_once),
        cmocka_unit_test(test_session_use_ends_an_idle_session),
        cmocka_unit_test(test_session_use_coalesces_touches_in_flight),
        cmocka_unit_test(test_session_use_leaves_keys_alone),
        cmocka_unit_test(test_login_purges_idle_sessions),
        cmocka_unit_test(test_session_migration_counts_old_sessions_used_at_login),
    };
    return cmocka_run_group_tests_name("auth_session", tests, NULL, NULL);
}
