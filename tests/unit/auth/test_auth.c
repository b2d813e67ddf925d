/* Unit tests for src/auth: passwords, tokens, scopes, the permission table, and the login job
 * against a real store. The limiter's tests are in test_limiter.c. */
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
    strcpy(k.scopes, "read:units,read:audit");
    for (int need = AUTH_PUBLIC; need <= AUTH_ADMIN; need++) {
        int pub = need == AUTH_PUBLIC;
        assert_int_equal(auth_allowed(&k, need, "read:audit"), 0);
        assert_int_equal(auth_allowed(&k, need, "read:units"), 0);
        assert_int_equal(auth_allowed(&k, need, "write:agencies"), pub ? 0 : IOC_EPERM);
        assert_int_equal(auth_allowed(&k, need, "read:aud"), pub ? 0 : IOC_EPERM);
        assert_int_equal(auth_allowed(&k, need, NULL), pub ? 0 : IOC_EPERM);
    }
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
        cmocka_unit_test(test_passwords),    cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_scopes),       cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_agency_rules), cmocka_unit_test(test_login_job),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
