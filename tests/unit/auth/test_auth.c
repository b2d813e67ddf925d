/* Unit tests for src/auth: passwords, tokens, scopes, the permission table, what keys may carry
 * and reach, agency input, and the login job against a real store. The limiter's tests are in
 * test_limiter.c. */
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

static void test_passwords(void **state)
{
    (void)state;
    char *h = NULL;
    assert_int_equal(auth_password_hash("correct horse", &h), 0);
    assert_non_null(strstr(h, "$argon2id$"));
    assert_int_equal(auth_password_verify(h, "correct horse"), 0);
    assert_int_equal(auth_password_verify(h, "correct hors"), IOC_EPERM);
    assert_int_equal(auth_password_verify("plain", "x"), IOC_EINVAL);
    free(h);
    assert_int_equal(auth_password_policy("short"), IOC_EINVAL);
    assert_int_equal(auth_password_policy("long enough"), 0);
    assert_int_equal(auth_password_policy("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"), IOC_EINVAL);
    char pw[13];
    auth_password_generate(pw, sizeof pw);
    assert_int_equal(strlen(pw), 12);
    assert_null(strpbrk(pw, "0O1lI"));
}

static void test_tokens(void **state)
{
    (void)state;
    char a[65], b[65], ha[65], key[64], prefix[16];
    auth_token_new(a);
    auth_token_new(b);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    auth_token_hash("abc", ha);
    assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auth_apikey_new(key, prefix);
    assert_int_equal(strlen(key), 4 + 8 + 1 + 40);
    assert_memory_equal(key + 4, prefix, 8);
}

static void test_scopes(void **state)
{
    (void)state;
    char bad[64];
    assert_int_equal(auth_scopes_check("read:audit,write:telemetry", bad, sizeof bad), 0);
    assert_int_equal(auth_scopes_check("read:audit,read:everything", bad, sizeof bad), IOC_EINVAL);
    assert_string_equal(bad, "read:everything");
    assert_int_equal(auth_scopes_check("", bad, sizeof bad), IOC_EINVAL);
    assert_true(auth_scopes_has("read:audit,write:telemetry", "write:telemetry"));
    assert_false(auth_scopes_has("read:audit,write:telemetry", "write:tele"));
    assert_int_equal(auth_role_parse("agency_staff"), AUTH_ROLE_STAFF);
    assert_int_equal(auth_role_parse("root"), -1);
    assert_string_equal(auth_role_name(AUTH_ROLE_LEADER), "leader");
}

static void test_permissions(void **state)
{
    (void)state;
    /* rows: need; columns: anonymous, staff, operator, leader, admin (0 allowed, 1 denied, 2 401)
     */
    static const int want[6][5] = {
        {0, 0, 0, 0, 0}, /* public */
        {2, 0, 0, 0, 0}, /* signed in */
        {2, 0, 0, 0, 0}, /* staff and up */
        {2, 1, 0, 0, 0}, /* operator and up */
        {2, 1, 1, 0, 0}, /* leader and up */
        {2, 1, 1, 1, 0}, /* admin */
    };
    for (int need = AUTH_PUBLIC; need <= AUTH_ADMIN; need++)
        for (int role = AUTH_ROLE_NONE; role <= AUTH_ROLE_ADMIN; role++) {
            struct auth_principal p = {0};
            p.kind = role == AUTH_ROLE_NONE ? AUTH_ANON : AUTH_USER;
            p.role = role;
            int rc = auth_allowed(&p, need, "read:audit");
            int got = rc == 0 ? 0 : rc == IOC_EPERM ? 1 : 2;
            if (got != want[need][role])
                fail_msg("need %d role %d: got %d want %d", need, role, got, want[need][role]);
        }
    /* a user is judged by role alone: a route's key scope changes nothing for users */
    struct auth_principal op = {.kind = AUTH_USER, .role = AUTH_ROLE_OPERATOR};
    assert_int_equal(auth_allowed(&op, AUTH_LEADER_UP, NULL), IOC_EPERM);
    assert_int_equal(auth_allowed(&op, AUTH_OPERATOR_UP, NULL), 0);
    /* keys: by scope alone, whatever the need, except that public routes admit everyone */
    struct auth_principal k = {0};
    k.kind = AUTH_KEY;
    k.key_creator = AUTH_ROLE_ADMIN;
    strcpy(k.scopes, "read:units,read:audit");
    for (int need = AUTH_PUBLIC; need <= AUTH_ADMIN; need++) {
        int pub = need == AUTH_PUBLIC;
        assert_int_equal(auth_allowed(&k, need, "read:audit"), 0);
        assert_int_equal(auth_allowed(&k, need, "read:units"), 0);
        assert_int_equal(auth_allowed(&k, need, "write:agencies"), pub ? 0 : IOC_EPERM);
        assert_int_equal(auth_allowed(&k, need, "read:aud"), pub ? 0 : IOC_EPERM);
        assert_int_equal(auth_allowed(&k, need, NULL), pub ? 0 : IOC_EPERM);
    }
    /* the same key made by staff (or by nobody known) gets no admin-only scope at use time */
    k.key_creator = AUTH_ROLE_STAFF;
    assert_int_equal(auth_allowed(&k, AUTH_ADMIN, "read:audit"), IOC_EPERM);
    assert_int_equal(auth_allowed(&k, AUTH_SIGNED_IN, "read:units"), 0);
    k.key_creator = AUTH_ROLE_NONE;
    assert_int_equal(auth_allowed(&k, AUTH_SIGNED_IN, "read:units"), IOC_EPERM);
    struct auth_principal bare = {.kind = AUTH_KEY}; /* a key without scopes */
    assert_int_equal(auth_allowed(&bare, AUTH_SIGNED_IN, "read:audit"), IOC_EPERM);
    /* a user whose stored role is unknown is treated as no role */
    struct auth_principal odd = {.kind = AUTH_USER, .role = AUTH_ROLE_NONE};
    assert_int_equal(auth_allowed(&odd, AUTH_SIGNED_IN, NULL), IOC_EPERM);
}

static void test_agency_rules(void **state)
{
    (void)state;
    /* columns: read own, read other, write own, write other (0 allowed, 1 denied, 2 401) */
    static const struct {
        int kind, role, want[4];
    } rows[] = {
        {AUTH_ANON, AUTH_ROLE_NONE, {2, 2, 2, 2}},     {AUTH_USER, AUTH_ROLE_STAFF, {0, 1, 0, 1}},
        {AUTH_USER, AUTH_ROLE_OPERATOR, {0, 0, 1, 1}}, {AUTH_USER, AUTH_ROLE_LEADER, {0, 0, 1, 1}},
        {AUTH_USER, AUTH_ROLE_ADMIN, {0, 0, 0, 0}},    {AUTH_KEY, AUTH_ROLE_NONE, {0, 1, 0, 1}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct auth_principal p = {.kind = rows[i].kind, .role = rows[i].role, .agency_id = 7};
        for (int col = 0; col < 4; col++) {
            int rc = auth_agency_allowed(&p, col % 2 ? 8 : 7, col >= 2);
            int got = rc == 0 ? 0 : rc == IOC_EPERM ? 1 : 2;
            if (got != rows[i].want[col])
                fail_msg("row %zu col %d: got %d want %d", i, col, got, rows[i].want[col]);
        }
    }
    /* staff without an agency own nothing, not even agency 0 */
    struct auth_principal loose = {.kind = AUTH_USER, .role = AUTH_ROLE_STAFF};
    assert_int_equal(auth_agency_allowed(&loose, 0, 0), IOC_EPERM);
}

/* What a key may carry: each scope's least role, who may grant it, the canonical list. */
static void test_scope_grants(void **state)
{
    (void)state;
    assert_int_equal(auth_scope_min_role("read:audit"), AUTH_ROLE_ADMIN);
    assert_int_equal(auth_scope_min_role("write:agencies"), AUTH_ROLE_ADMIN);
    assert_int_equal(auth_scope_min_role("write:units"), AUTH_ROLE_ADMIN);
    assert_int_equal(auth_scope_min_role("read:agencies"), AUTH_ROLE_STAFF);
    assert_int_equal(auth_scope_min_role("write:telemetry"), AUTH_ROLE_STAFF);
    assert_int_equal(auth_scope_min_role("read:units"), AUTH_ROLE_NONE);
    assert_int_equal(auth_scope_min_role("read:everything"), -1);
    assert_int_equal(auth_scope_min_role(NULL), -1);
    /* every scope: admins grant it; staff only below admin; nobody else grants anything */
    for (size_t i = 0; i < auth_scopes_count; i++) {
        const char *sc = auth_scopes[i];
        int admin_only = auth_scope_min_role(sc) == AUTH_ROLE_ADMIN;
        assert_true(auth_scope_grantable(AUTH_ROLE_ADMIN, sc));
        assert_int_equal(auth_scope_grantable(AUTH_ROLE_STAFF, sc), !admin_only);
        assert_false(auth_scope_grantable(AUTH_ROLE_OPERATOR, sc));
        assert_false(auth_scope_grantable(AUTH_ROLE_LEADER, sc));
        assert_false(auth_scope_grantable(AUTH_ROLE_NONE, sc));
    }
    assert_false(auth_scope_grantable(AUTH_ROLE_ADMIN, "read:everything"));
    char bad[64] = "";
    assert_int_equal(
        auth_scopes_grantable(AUTH_ROLE_STAFF, "read:units,write:reports", bad, sizeof bad), 0);
    assert_int_equal(auth_scopes_grantable(AUTH_ROLE_STAFF, "read:units,read:audit,write:agencies",
                                           bad, sizeof bad),
                     IOC_EPERM);
    assert_string_equal(bad, "read:audit");
    assert_int_equal(auth_scopes_grantable(AUTH_ROLE_LEADER, "read:units", bad, sizeof bad),
                     IOC_EPERM);
    /* canonical: each scope once, in the order of auth_scopes[] */
    char out[512];
    assert_int_equal(auth_scopes_normalize("read:units,read:audit,read:units,read:audit", out,
                                           sizeof out, bad, sizeof bad),
                     0);
    assert_string_equal(out, "read:audit,read:units");
    assert_int_equal(auth_scopes_normalize("read:units,", out, sizeof out, bad, sizeof bad),
                     IOC_EINVAL);
    assert_int_equal(auth_scopes_normalize(",read:units", out, sizeof out, bad, sizeof bad),
                     IOC_EINVAL);
    assert_int_equal(auth_scopes_normalize("read:units,1", out, sizeof out, bad, sizeof bad),
                     IOC_EINVAL);
    assert_string_equal(bad, "1");
    assert_int_equal(auth_scopes_normalize("read:units", out, 8, bad, sizeof bad), IOC_ETOOBIG);
}

/* The reach of a key: the audit rows and the agencies it may create. */
static void test_key_reach(void **state)
{
    (void)state;
    int64_t ag = -1;
    struct auth_principal admin = {.kind = AUTH_USER, .role = AUTH_ROLE_ADMIN, .agency_id = 3};
    assert_int_equal(auth_audit_reach(&admin, &ag), 0);
    assert_int_equal(ag, 0);
    struct auth_principal key = {.kind = AUTH_KEY, .agency_id = 7, .agency_code = "SO-A"};
    key.key_creator = AUTH_ROLE_ADMIN;
    assert_int_equal(auth_audit_reach(&key, &ag), 0);
    assert_int_equal(ag, 7);
    struct auth_principal staff = {.kind = AUTH_USER, .role = AUTH_ROLE_STAFF, .agency_id = 8};
    assert_int_equal(auth_audit_reach(&staff, &ag), 0);
    assert_int_equal(ag, 8);
    struct auth_principal op = {.kind = AUTH_USER, .role = AUTH_ROLE_OPERATOR};
    assert_int_equal(auth_audit_reach(&op, &ag), IOC_EPERM);
    struct auth_principal anon = {0};
    assert_int_equal(auth_audit_reach(&anon, &ag), IOC_EPERM);

    const char *parent = NULL;
    assert_int_equal(auth_agency_parent(&key, &parent), 0);
    assert_string_equal(parent, "SO-A");
    parent = "";
    assert_int_equal(auth_agency_parent(&key, &parent), 0);
    assert_string_equal(parent, "SO-A");
    parent = "SO-A";
    assert_int_equal(auth_agency_parent(&key, &parent), 0);
    parent = "UBND-75";
    assert_int_equal(auth_agency_parent(&key, &parent), IOC_EPERM);
    assert_int_equal(auth_agency_parent(&admin, &parent), 0);
    assert_string_equal(parent, "UBND-75");
    parent = NULL;
    assert_int_equal(auth_agency_parent(&admin, &parent), 0);
    assert_null(parent);
    assert_int_equal(auth_agency_parent(&staff, &parent), IOC_EPERM);
}

/* Keys resolved from the store carry their maker; a staff-made key with an admin-only scope
 * (as keys made before the check could have) gets nothing from it. The audit log filters by
 * agency. Agency input: trimmed clean names, units in force today. */
static void test_keys_in_store(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *w;
    assert_int_equal(store_open(test_tmpdir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    int64_t a7 = 0;
    assert_int_equal(store_agency_add(w, "SO-A", "A", NULL, NULL, &a7), 0);
    /* only admins and staff make keys */
    assert_int_equal(store_apikey_add(w, "p3", "h3", "SO-A", "read:audit", "", "leader", 1, NULL),
                     IOC_EINVAL);
    struct auth_principal p;
    char h[65];
    auth_token_hash("ioc_00000001_x", h);
    assert_int_equal(store_apikey_add(w, "00000001", h, "SO-A", "read:audit,read:agencies", "",
                                      "staff", 1, NULL),
                     0);
    auth_token_hash("ioc_00000002_x", h);
    assert_int_equal(store_apikey_add(w, "00000002", h, "SO-A", "read:audit", "", "admin", 1, NULL),
                     0);
    assert_int_equal(auth_key_resolve(w, "ioc_00000001_x", &p), 0);
    assert_int_equal(p.key_creator, AUTH_ROLE_STAFF);
    assert_int_equal(auth_allowed(&p, AUTH_ADMIN, "read:audit"), IOC_EPERM);
    assert_int_equal(auth_allowed(&p, AUTH_SIGNED_IN, "read:agencies"), 0);
    assert_int_equal(auth_key_resolve(w, "ioc_00000002_x", &p), 0);
    assert_int_equal(p.key_creator, AUTH_ROLE_ADMIN);
    assert_int_equal(auth_allowed(&p, AUTH_ADMIN, "read:audit"), 0);

    /* the audit log by agency */
    struct store_audit row = {.actor = "x", .action = "t.one", .outcome = "ok", .agency_id = a7};
    assert_int_equal(store_audit_add(w, &row), 0);
    row.agency_id = a7 + 1;
    assert_int_equal(store_audit_add(w, &row), 0);
    row.agency_id = 0;
    assert_int_equal(store_audit_add(w, &row), 0);
    struct store_audit_query q = {.action = "t.one", .limit = 10, .agency_id = a7};
    struct store_audit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(w, &q, &a, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].agency_id, a7);
    store_audits_free(a, n);
    q.agency_id = 0;
    assert_int_equal(store_audit_find(w, &q, &a, &n), 0);
    assert_int_equal(n, 3);
    store_audits_free(a, n);

    /* agency input */
    struct store_unit now = {.code = "111",
                             .level = "commune",
                             .name = "Mới",
                             .valid_from = "2025-07-01",
                             .valid_to = ""};
    struct store_unit old = {.code = "222",
                             .level = "commune",
                             .name = "Cũ",
                             .valid_from = "0001-01-01",
                             .valid_to = "2025-06-30"};
    assert_int_equal(store_unit_put(w, &now, NULL, NULL), 0);
    assert_int_equal(store_unit_put(w, &old, NULL, NULL), 0);
    const char *field = NULL;
    char name[64] = " \t Sở Mới\u00a0 ";
    assert_int_equal(auth_agency_check(w, name, "111", &field), 0);
    assert_string_equal(name, "Sở Mới");
    assert_int_equal(auth_agency_check(w, name, NULL, &field), 0);
    assert_int_equal(auth_agency_check(w, name, "", &field), 0);
    assert_int_equal(auth_agency_check(w, name, "222", &field), IOC_EINVAL);
    assert_string_equal(field, "unit_code");
    field = NULL;
    assert_int_equal(auth_agency_check(w, name, "333", &field), IOC_EINVAL);
    assert_string_equal(field, "unit_code");
    field = NULL;
    strcpy(name, "   ");
    assert_int_equal(auth_agency_check(w, name, "111", &field), IOC_EINVAL);
    assert_string_equal(field, "name");
    strcpy(name, "Sở\x1b[31m");
    assert_int_equal(auth_agency_check(w, name, NULL, &field), IOC_EINVAL);
    store_conn_close(w);
    store_close(st);
}

/* Migration 2 on a database made before it: keys whose key.create audit row shows an admin
 * (or iocctl) become "admin"; every other key, "staff". */
static void test_key_creator_migration(void **state)
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
        "INSERT INTO agencies (id, code, name, created_at) VALUES (1, 'SO-A', 'A', 'x');"
        "INSERT INTO api_keys (prefix, key_hash, agency_id, scopes, created_ms) VALUES"
        " ('aaaa0001', 'h1', 1, 'read:audit', 1000000),"
        " ('bbbb0002', 'h2', 1, 'read:audit', 1000000),"
        " ('cccc0003', 'h3', 1, 'read:audit', 1000000),"
        " ('dddd0004', 'h4', 1, 'read:audit', 1000000);"
        "INSERT INTO audit (ts_ms, actor, actor_role, action, target, outcome) VALUES"
        " (1000001, 'admin', 'admin', 'key.create', 'key:aaaa0001', 'ok'),"
        " (1000001, 'lan', 'staff', 'key.create', 'key:bbbb0002', 'ok'),"
        " (1000001, 'admin', 'admin', 'key.create', 'key:cccc0003', 'denied'),"
        " (9000000, 'admin', 'admin', 'key.create', 'key:dddd0004', 'ok');";
    assert_int_equal(sqlite3_exec(db, old, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 1, &c), 0);
    static const char *const want[] = {"admin", "staff", "staff", "staff"};
    for (int i = 0; i < 4; i++) {
        struct store_apikey k = {0};
        assert_int_equal(store_apikey_get(c, i + 1, &k), 0);
        if (strcmp(k.created_by_role, want[i]) != 0)
            fail_msg("key %s: %s, want %s", k.prefix, k.created_by_role, want[i]);
        store_apikey_clear(&k);
    }
    store_conn_close(c);
    store_close(st);
}

static void test_login_job(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *w;
    assert_int_equal(store_open(test_tmpdir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    char *h = NULL;
    assert_int_equal(auth_password_hash("password-1", &h), 0);
    assert_int_equal(store_user_add(w, "lan", "Lan", "operator", NULL, h, NULL), 0);
    free(h);
    struct auth_login l = {.username = "lan",
                           .password = "password-1",
                           .ip = "127.0.0.1",
                           .now_ms = 1000,
                           .ttl_ms = 60000};
    assert_int_equal(auth_login_check(w, &l), 0);
    assert_int_equal(store_tx(w, auth_login_job, &l), 0);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.principal.role, AUTH_ROLE_OPERATOR);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(w, l.token, 2000, &p), 0);
    assert_string_equal(p.name, "lan");
    assert_string_equal(p.csrf, l.principal.csrf);
    assert_int_equal(auth_session_resolve(w, l.token, 61001, &p), IOC_ENOTFOUND); /* expired */
    /* rotation: the old session is gone after the next login */
    char old[65];
    memcpy(old, l.token, sizeof old);
    struct auth_login l2 = l;
    l2.old_token = old;
    assert_int_equal(auth_login_check(w, &l2), 0);
    assert_int_equal(store_tx(w, auth_login_job, &l2), 0);
    assert_int_equal(auth_session_resolve(w, old, 2000, &p), IOC_ENOTFOUND);
    assert_int_equal(auth_session_resolve(w, l2.token, 2000, &p), 0);
    /* refusals still commit their audit row */
    struct auth_login bad = l;
    bad.password = "wrong-password";
    assert_int_equal(auth_login_check(w, &bad), IOC_EPERM);
    assert_int_equal(store_tx(w, auth_login_job, &bad), 0);
    assert_int_equal(bad.rc, IOC_EPERM);
    struct auth_login nobody = l;
    nobody.username = "nobody";
    assert_int_equal(auth_login_check(w, &nobody), IOC_EPERM);
    assert_int_equal(store_tx(w, auth_login_job, &nobody), 0);
    assert_int_equal(nobody.rc, IOC_EPERM);
    /* checked while enabled, disabled before the commit: refused at the commit */
    struct auth_login late = l;
    assert_int_equal(auth_login_check(w, &late), 0);
    assert_int_equal(store_user_set_disabled(w, "lan", 1), 0);
    assert_int_equal(store_tx(w, auth_login_job, &late), 0);
    assert_int_equal(late.rc, IOC_EPERM);
    struct auth_login off = l;
    assert_int_equal(auth_login_check(w, &off), IOC_EPERM);
    assert_int_equal(store_tx(w, auth_login_job, &off), 0);
    assert_int_equal(off.rc, IOC_EPERM);
    assert_int_equal(auth_session_resolve(w, l2.token, 2000, &p), IOC_ENOTFOUND);
    struct store_audit_query q = {.action = "session.create", .outcome = "denied", .limit = 10};
    struct store_audit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(w, &q, &a, &n), 0);
    assert_int_equal(n, 4);
    int saw_nobody = 0;
    for (size_t i = 0; i < n; i++) {
        assert_null(strstr(a[i].detail, "wrong-password"));
        assert_null(strstr(a[i].target, "wrong-password"));
        assert_string_equal(a[i].ip, "127.0.0.1");
        saw_nobody += strcmp(a[i].actor, "nobody") == 0; /* the name tried, even if unknown */
    }
    assert_int_equal(saw_nobody, 1);
    store_audits_free(a, n);
    q.outcome = "ok";
    assert_int_equal(store_audit_find(w, &q, &a, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].actor, "lan");
    assert_string_equal(a[0].actor_role, "operator");
    assert_null(strstr(a[0].detail, "password-1"));
    store_audits_free(a, n);
    store_conn_close(w);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwords),     cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_scopes),        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_agency_rules),  cmocka_unit_test(test_login_job),
        cmocka_unit_test(test_scope_grants),  cmocka_unit_test(test_key_reach),
        cmocka_unit_test(test_keys_in_store), cmocka_unit_test(test_key_creator_migration),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
