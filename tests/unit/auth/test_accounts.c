/* Unit tests for src/auth/accounts.c: the rules of agencies and users (who needs an agency,
 * what a disabled agency means, the last admin), each change run as one store job against a
 * real store. One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/auth.h"
#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;
static int64_t id_ann, id_bob;

static const struct store_audit who = {
    .actor = "tester", .actor_role = "admin", .ip = "local", .request_id = ""};

/* Agencies ROOT > MID > LEAF and OTHER; unit 75 in force; users ann (admin) and bob (staff of
 * LEAF). */
static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    struct store_unit u = {.code = "75",
                           .level = "province",
                           .type = "Thành phố",
                           .name = "Đồng Nai",
                           .full_name = "Thành phố Đồng Nai",
                           .name_en = "",
                           .parent_code = "",
                           .valid_from = "2025-07-01",
                           .valid_to = ""};
    assert_int_equal(store_unit_put(db, &u, NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "ROOT", "Root", NULL, NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "MID", "Mid", "ROOT", NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "LEAF", "Leaf", "MID", NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "OTHER", "Other", NULL, NULL, NULL), 0);
    assert_int_equal(store_user_add(db, "ann", "Ann", "admin", NULL, "h", &id_ann), 0);
    assert_int_equal(store_user_add(db, "bob", "Bob", "staff", "LEAF", "h", &id_bob), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static struct auth_agency_change agency_change(const char *code)
{
    struct auth_agency_change ch = {.code = code, .disabled = -1, .who = who};
    return ch;
}

static struct auth_user_change user_change(const char *username)
{
    struct auth_user_change ch = {.username = username, .disabled = -1, .who = who};
    return ch;
}

/* The detail of the newest audit row with action, or NULL (caller frees). */
static char *audit_detail(const char *action)
{
    struct store_audit_query q = {.action = action, .limit = 1};
    struct store_audit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &a, &n), 0);
    char *d = n ? strdup(a[0].detail) : NULL;
    store_audits_free(a, n);
    return d;
}

/* A session token for user id, valid until far in the future. */
static void session_for(int64_t user_id, char token[65])
{
    char hash[65];
    auth_token_new(token);
    auth_token_hash(token, hash);
    assert_int_equal(store_session_add(db, user_id, hash, "csrf", 0, INT64_MAX / 2, ""), 0);
}

static void test_auth_staff_need_an_agency(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_STAFF, NULL, 1, why, sizeof why),
                     IOC_EINVAL);
    assert_non_null(strstr(why, "agency"));
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_STAFF, "", 1, why, sizeof why),
                     IOC_EINVAL);
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_STAFF, "LEAF", 1, why, sizeof why), 0);
}

static void test_auth_other_roles_may_have_an_agency_or_none(void **state)
{
    (void)state;
    char why[200];
    for (int r = AUTH_ROLE_OPERATOR; r <= AUTH_ROLE_ADMIN; r++) {
        assert_int_equal(auth_user_agency_check(db, r, NULL, 1, why, sizeof why), 0);
        assert_int_equal(auth_user_agency_check(db, r, "ROOT", 1, why, sizeof why), 0);
    }
}

static void test_auth_user_agency_unknown_is_einval(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_OPERATOR, "NOPE", 1, why, sizeof why),
                     IOC_EINVAL);
    assert_non_null(strstr(why, "NOPE"));
    /* not checked when the caller says the agency is not new */
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_OPERATOR, "NOPE", 0, why, sizeof why), 0);
}

static void test_auth_user_agency_disabled_is_einval(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("OTHER");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    char why[200];
    assert_int_equal(auth_user_agency_check(db, AUTH_ROLE_STAFF, "OTHER", 1, why, sizeof why),
                     IOC_EINVAL);
    assert_non_null(strstr(why, "disabled"));
}

static void test_auth_user_active_only_staff_follow_their_agency(void **state)
{
    (void)state;
    struct store_user u = {.role = "staff", .disabled = 0, .agency_disabled = 0};
    assert_true(auth_user_active(&u));
    u.agency_disabled = 1;
    assert_false(auth_user_active(&u));
    u.role = "operator";
    assert_true(auth_user_active(&u));
    u.disabled = 1;
    assert_false(auth_user_active(&u));
}

static void test_agency_change_renames_and_audits_before_and_after(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("LEAF");
    ch.name = "  Lá mới ";
    ch.unit_code = "75";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    assert_true(ch.changed);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    assert_string_equal(a.name, "Lá mới");
    assert_string_equal(a.unit_code, "75");
    assert_string_equal(a.parent_code, "MID");
    store_agency_clear(&a);
    char *d = audit_detail("agency.update");
    assert_non_null(d);
    assert_string_equal(d, "{\"before\":{\"name\":\"Leaf\",\"unit_code\":\"\"},"
                           "\"after\":{\"name\":\"Lá mới\",\"unit_code\":\"75\"}}");
    free(d);
}

static void test_agency_change_parent_below_itself_is_einval(void **state)
{
    (void)state;
    const char *bad[] = {"ROOT", "MID", "LEAF"};
    for (int i = 0; i < 3; i++) {
        struct auth_agency_change ch = agency_change(bad[i]);
        ch.parent_code = "LEAF";
        assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_EINVAL);
        assert_string_equal(ch.field, "parent_code");
        assert_non_null(strstr(ch.why, "cycle"));
    }
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "ROOT", &a), 0);
    assert_string_equal(a.parent_code, "");
    store_agency_clear(&a);
}

static void test_agency_change_moves_under_another_branch(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("MID");
    ch.parent_code = "OTHER";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    int yes = 0;
    assert_int_equal(store_agency_within(db, "LEAF", "OTHER", &yes), 0);
    assert_true(yes);
}

static void test_agency_change_unknown_parent_is_einval(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("MID");
    ch.parent_code = "NOPE";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "parent_code");
}

static void test_agency_change_unit_not_in_force_is_einval(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("MID");
    ch.unit_code = "99999";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "unit_code");
}

static void test_agency_change_bad_name_is_einval(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("MID");
    ch.name = "a\x01b";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "name");
    ch.name = "   ";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_EINVAL);
}

static void test_agency_change_unknown_code_is_enotfound(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("NOPE");
    ch.name = "x";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), IOC_ENOTFOUND);
}

static void test_agency_change_of_nothing_writes_no_audit(void **state)
{
    (void)state;
    struct auth_agency_change ch = agency_change("MID");
    ch.name = "Mid";
    ch.parent_code = "ROOT";
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    assert_false(ch.changed);
    assert_null(audit_detail("agency.*"));
}

static void test_agency_disable_ends_staff_sessions_and_refuses_keys(void **state)
{
    (void)state;
    char token[65], key[64], prefix[16], hash[65];
    session_for(id_bob, token);
    auth_apikey_new(key, prefix);
    auth_token_hash(key, hash);
    assert_int_equal(
        store_apikey_add(db, prefix, hash, "LEAF", "read:reports", "", "admin", 1, NULL), 0);
    struct auth_principal p;
    assert_int_equal(auth_key_resolve(db, key, &p), 0);
    struct auth_agency_change ch = agency_change("LEAF");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    assert_int_equal(auth_session_resolve(db, token, 1, &p), IOC_ENOTFOUND);
    assert_int_equal(auth_key_resolve(db, key, &p), IOC_ENOTFOUND);
    char *d = audit_detail("agency.disable");
    assert_string_equal(d, "{\"before\":{\"disabled\":false},\"after\":{\"disabled\":true}}");
    free(d);
    /* enabled again: the key works again (it was never revoked) */
    ch.disabled = 0;
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    assert_int_equal(auth_key_resolve(db, key, &p), 0);
    d = audit_detail("agency.enable");
    assert_non_null(d);
    free(d);
}

static void test_agency_disabled_refuses_staff_login(void **state)
{
    (void)state;
    char *h = NULL;
    assert_int_equal(auth_password_hash("password-1", &h), 0);
    assert_int_equal(store_user_set_password(db, "bob", h), 0);
    free(h);
    struct auth_agency_change ch = agency_change("LEAF");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_agency_change_job, &ch), 0);
    struct auth_login l = {.username = "bob", .password = "password-1", .ttl_ms = 1000};
    assert_int_equal(auth_login_check(db, &l), IOC_EPERM);
    assert_string_equal(l.why, "agency disabled");
}

static void test_user_change_role_agency_display_audited(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("bob");
    ch.role = "operator";
    ch.agency_code = "";
    ch.display_name = " Bảo ";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), 0);
    assert_true(ch.changed);
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "bob", &u), 0);
    assert_string_equal(u.role, "operator");
    assert_string_equal(u.agency_code, "");
    assert_string_equal(u.display_name, "Bảo");
    store_user_clear(&u);
    char *d = audit_detail("user.update");
    assert_string_equal(d, "{\"before\":{\"display_name\":\"Bob\",\"role\":\"staff\","
                           "\"agency_code\":\"LEAF\"},\"after\":{\"display_name\":\"Bảo\","
                           "\"role\":\"operator\",\"agency_code\":\"\"}}");
    assert_null(strstr(d, "password"));
    free(d);
}

static void test_user_change_staff_without_agency_is_einval(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("bob");
    ch.agency_code = "";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "agency_code");
    ch = user_change("ann");
    ch.role = "staff";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "agency_code");
}

static void test_user_change_bad_role_is_einval(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("bob");
    ch.role = "emperor";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "role");
}

static void test_user_change_bad_display_name_is_einval(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("bob");
    ch.display_name = "x\xe2\x80\xaey"; /* a bidirectional override */
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "display_name");
}

static void test_user_change_unknown_user_is_enotfound(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("nobody");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_ENOTFOUND);
}

static void test_user_change_admin_cannot_demote_or_disable_self(void **state)
{
    (void)state;
    assert_int_equal(store_user_add(db, "cas", "Cas", "admin", NULL, "h", NULL), 0);
    struct auth_user_change ch = user_change("ann");
    ch.actor_user_id = id_ann;
    ch.role = "leader";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EPERM);
    assert_string_equal(ch.conflict, "self");
    ch = user_change("ann");
    ch.actor_user_id = id_ann;
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EPERM);
    assert_string_equal(ch.conflict, "self");
    /* the same admin may change their own display name */
    ch = user_change("ann");
    ch.actor_user_id = id_ann;
    ch.display_name = "Ann B";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), 0);
}

static void test_user_change_last_admin_is_kept(void **state)
{
    (void)state;
    struct auth_user_change ch = user_change("ann");
    ch.disabled = 1; /* by iocctl: actor_user_id 0 */
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EPERM);
    assert_string_equal(ch.conflict, "last_admin");
    ch = user_change("ann");
    ch.role = "operator";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EPERM);
    assert_string_equal(ch.conflict, "last_admin");
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "ann", &u), 0);
    assert_string_equal(u.role, "admin");
    assert_int_equal(u.disabled, 0);
    store_user_clear(&u);
}

static void test_user_change_another_admin_can_be_disabled(void **state)
{
    (void)state;
    assert_int_equal(store_user_add(db, "cas", "Cas", "admin", NULL, "h", NULL), 0);
    struct auth_user_change ch = user_change("cas");
    ch.actor_user_id = id_ann;
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), 0);
    char *d = audit_detail("user.disable");
    assert_non_null(d);
    free(d);
    /* now ann is the last one */
    ch = user_change("ann");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EPERM);
}

static void test_user_disable_ends_sessions(void **state)
{
    (void)state;
    char token[65];
    session_for(id_bob, token);
    struct auth_principal p;
    assert_int_equal(auth_session_resolve(db, token, 1, &p), 0);
    struct auth_user_change ch = user_change("bob");
    ch.disabled = 1;
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), 0);
    ch.disabled = 0; /* enabling again does not bring the session back */
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), 0);
    assert_int_equal(auth_session_resolve(db, token, 1, &p), IOC_ENOTFOUND);
}

static void test_user_change_into_disabled_agency_is_einval(void **state)
{
    (void)state;
    struct auth_agency_change a = agency_change("OTHER");
    a.disabled = 1;
    assert_int_equal(store_tx(db, auth_agency_change_job, &a), 0);
    struct auth_user_change ch = user_change("bob");
    ch.agency_code = "OTHER";
    assert_int_equal(store_tx(db, auth_user_change_job, &ch), IOC_EINVAL);
    assert_string_equal(ch.field, "agency_code");
}

static void test_auth_code_syntax_is_one_rule(void **state)
{
    (void)state;
    const char *good[] = {"SO-NNMT", "a", "ubnd_75.1", "leader"};
    const char *bad[] = {"",
                         "bad code",
                         "sở",
                         "a/b",
                         "x\x01",
                         "a:b",
                         "0123456789012345678901234567890123456789012345678901234567890123x"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(auth_code_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(auth_code_ok(bad[i]));
    assert_false(auth_code_ok(NULL));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_code_syntax_is_one_rule),
        T(test_auth_staff_need_an_agency),
        T(test_auth_other_roles_may_have_an_agency_or_none),
        T(test_auth_user_agency_unknown_is_einval),
        T(test_auth_user_agency_disabled_is_einval),
        T(test_auth_user_active_only_staff_follow_their_agency),
        T(test_agency_change_renames_and_audits_before_and_after),
        T(test_agency_change_parent_below_itself_is_einval),
        T(test_agency_change_moves_under_another_branch),
        T(test_agency_change_unknown_parent_is_einval),
        T(test_agency_change_unit_not_in_force_is_einval),
        T(test_agency_change_bad_name_is_einval),
        T(test_agency_change_unknown_code_is_enotfound),
        T(test_agency_change_of_nothing_writes_no_audit),
        T(test_agency_disable_ends_staff_sessions_and_refuses_keys),
        T(test_agency_disabled_refuses_staff_login),
        T(test_user_change_role_agency_display_audited),
        T(test_user_change_staff_without_agency_is_einval),
        T(test_user_change_bad_role_is_einval),
        T(test_user_change_bad_display_name_is_einval),
        T(test_user_change_unknown_user_is_enotfound),
        T(test_user_change_admin_cannot_demote_or_disable_self),
        T(test_user_change_last_admin_is_kept),
        T(test_user_change_another_admin_can_be_disabled),
        T(test_user_disable_ends_sessions),
        T(test_user_change_into_disabled_agency_is_einval),
    };
#undef T
    return cmocka_run_group_tests_name("auth accounts", tests, NULL, NULL);
}
