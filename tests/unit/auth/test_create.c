/* Unit tests for src/auth/create.c: the creation of agencies, users and API keys, each run as
 * one store job against a real store: every rule refuses with its field, a refusal or a failure
 * at any step stores nothing (no row, no audit row), a success writes exactly one audit row.
 * One behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "helpers/fault.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

#define MAX_STEPS 5000

static struct store *st;
static struct store_conn *db;

static const struct store_audit who = {
    .actor = "tester", .actor_role = "admin", .ip = "local", .request_id = "r-1"};

/* Agencies ROOT and OFF (disabled); unit 75 in force. */
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
    assert_int_equal(store_agency_add(db, "OFF", "Off", NULL, NULL, NULL), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "OFF", &a), 0);
    a.disabled = 1;
    assert_int_equal(store_agency_set(db, &a), 0);
    store_agency_clear(&a);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

/* ---- counting what is stored -------------------------------------------------------------- */

static size_t audit_rows(const char *action)
{
    struct store_audit_query q = {.action = action, .limit = 1000};
    struct store_audit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &a, &n), 0);
    store_audits_free(a, n);
    return n;
}

static size_t agencies(void)
{
    struct store_agency *a = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(db, &a, &n), 0);
    store_agencies_free(a, n);
    return n;
}

static size_t users(void)
{
    struct store_user *u = NULL;
    size_t n = 0;
    assert_int_equal(store_users_list(db, &u, &n), 0);
    store_users_free(u, n);
    return n;
}

static size_t keys(void)
{
    struct store_apikey *k = NULL;
    size_t n = 0;
    assert_int_equal(store_apikeys_list(db, NULL, &k, &n), 0);
    store_apikeys_free(k, n);
    return n;
}

/* The one audit row with action (asserted to be the only one) into out (caller clears). */
static void only_audit_row(const char *action, struct store_audit **out)
{
    struct store_audit_query q = {.action = action, .limit = 10};
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, out, &n), 0);
    assert_int_equal(n, 1);
}

static struct auth_agency_new agency(const char *code, const char *parent)
{
    struct auth_agency_new n = {.code = code, .name = "A name", .parent_code = parent, .who = who};
    return n;
}

static struct auth_user_new user(const char *username, const char *role, const char *agency_code)
{
    struct auth_user_new n = {.username = username,
                              .role = role,
                              .agency_code = agency_code,
                              .password_hash = "$argon2id$not-checked-here",
                              .who = who};
    return n;
}

static struct auth_key_new key(const char *agency_code, const char *scopes, int creator)
{
    struct auth_key_new n = {
        .agency_code = agency_code, .scopes = scopes, .creator = creator, .who = who};
    return n;
}

/* ---- agencies ------------------------------------------------------------------------------ */

static void test_create_agency_writes_it_and_one_audit_row(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", "ROOT");
    n.unit_code = "75";
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "SO-1", &a), 0);
    assert_string_equal(a.parent_code, "ROOT");
    assert_string_equal(a.unit_code, "75");
    store_agency_clear(&a);
    struct store_audit *row = NULL;
    only_audit_row("agency.create", &row);
    assert_string_equal(row->target, "agency:SO-1");
    assert_string_equal(row->actor, "tester");
    assert_string_equal(row->request_id, "r-1");
    assert_string_equal(row->outcome, "ok");
    store_audits_free(row, 1);
}

static void test_create_agency_stores_the_name_trimmed(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", NULL);
    n.name = "  Sở Y tế \t";
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "SO-1", &a), 0);
    assert_string_equal(a.name, "Sở Y tế");
    store_agency_clear(&a);
}

static void test_create_agency_duplicate_code_is_eexist_without_audit_row(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("ROOT", NULL);
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EEXIST);
    assert_string_equal(n.field, "code");
    assert_non_null(strstr(n.why, "ROOT"));
    assert_int_equal(audit_rows("agency.create"), 0);
    assert_int_equal(agencies(), 2);
}

static void test_create_agency_bad_code_is_refused_naming_code(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO 1", NULL);
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "code");
    assert_int_equal(agencies(), 2);
}

static void test_create_agency_control_character_in_name_is_refused_naming_name(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", NULL);
    n.name = "Sở\x07Y tế";
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "name");
}

static void test_create_agency_unknown_parent_is_refused_naming_parent(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", "NOPE");
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "parent_code");
    assert_string_equal(n.why, "No agency has code NOPE.");
    assert_int_equal(agencies(), 2);
    assert_int_equal(audit_rows("agency.create"), 0);
}

static void test_create_agency_unit_not_in_force_is_refused_naming_unit_code(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", NULL);
    n.unit_code = "99";
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "unit_code");
    assert_int_equal(agencies(), 2);
}

static void test_create_agency_key_elsewhere_than_its_agency_is_eperm(void **state)
{
    (void)state;
    struct auth_principal k = {.kind = AUTH_KEY, .agency_id = 1, .agency_code = "ROOT"};
    struct auth_agency_new n = agency("SO-1", "OFF");
    n.by = &k;
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), IOC_EPERM);
    assert_string_equal(n.field, "parent_code");
    assert_int_equal(agencies(), 2);
}

static void test_create_agency_key_without_parent_creates_under_its_agency(void **state)
{
    (void)state;
    struct auth_principal k = {.kind = AUTH_KEY, .agency_id = 1, .agency_code = "ROOT"};
    struct auth_agency_new n = agency("SO-1", NULL);
    n.by = &k;
    assert_int_equal(store_tx(db, auth_agency_create_job, &n), 0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "SO-1", &a), 0);
    assert_string_equal(a.parent_code, "ROOT");
    store_agency_clear(&a);
}

static void test_create_agency_check_without_store_skips_the_parent(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", "NOPE");
    assert_int_equal(auth_agency_new_check(NULL, &n), 0);
    assert_int_equal(auth_agency_new_check(db, &n), IOC_EINVAL);
}

/* ---- users --------------------------------------------------------------------------------- */

static void test_create_user_writes_it_and_one_audit_row_with_the_role(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "agency_staff", "ROOT");
    assert_int_equal(store_tx(db, auth_user_create_job, &n), 0);
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "lan", &u), 0);
    assert_string_equal(u.role, "staff");
    assert_string_equal(u.display_name, "lan");
    assert_string_equal(u.agency_code, "ROOT");
    store_user_clear(&u);
    struct store_audit *row = NULL;
    only_audit_row("user.create", &row);
    assert_string_equal(row->target, "user:lan");
    assert_string_equal(row->detail, "staff");
    store_audits_free(row, 1);
}

static void test_create_user_duplicate_username_is_eexist_without_audit_row(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "operator", NULL);
    assert_int_equal(store_tx(db, auth_user_create_job, &n), 0);
    n = user("lan", "leader", NULL);
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EEXIST);
    assert_string_equal(n.field, "username");
    assert_int_equal(audit_rows("user.create"), 1);
    assert_int_equal(users(), 1);
}

static void test_create_user_staff_without_agency_is_refused_naming_agency(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "staff", NULL);
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "agency_code");
    assert_int_equal(users(), 0);
}

static void test_create_user_staff_of_disabled_agency_is_refused(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "staff", "OFF");
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "agency_code");
    assert_non_null(strstr(n.why, "disabled"));
    assert_int_equal(users(), 0);
    assert_int_equal(audit_rows("user.create"), 0);
}

static void test_create_user_unknown_agency_is_refused(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "leader", "NOPE");
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "agency_code");
    assert_string_equal(n.why, "No agency has code NOPE.");
}

static void test_create_user_unknown_role_is_refused_naming_role(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "emperor", NULL);
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "role");
}

static void test_create_user_short_password_is_refused_naming_password(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "leader", NULL);
    n.password = "short";
    assert_int_equal(auth_user_new_check(NULL, &n), IOC_EINVAL);
    assert_string_equal(n.field, "password");
}

static void test_create_user_without_password_hash_is_refused(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "leader", NULL);
    n.password_hash = NULL;
    assert_int_equal(store_tx(db, auth_user_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "password");
    assert_int_equal(users(), 0);
}

static void test_create_user_empty_display_name_is_refused_naming_it(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "leader", NULL);
    n.display_name = " ";
    assert_int_equal(auth_user_new_check(NULL, &n), IOC_EINVAL);
    assert_string_equal(n.field, "display_name");
}

static void test_create_user_check_without_store_skips_the_agency_lookup(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "staff", "OFF");
    assert_int_equal(auth_user_new_check(NULL, &n), 0);
    assert_int_equal(auth_user_new_check(db, &n), IOC_EINVAL);
}

/* ---- keys ---------------------------------------------------------------------------------- */

static void test_create_key_scope_beyond_the_makers_role_is_eperm(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:agencies,read:audit", AUTH_ROLE_STAFF);
    assert_int_equal(store_tx(db, auth_key_create_job, &n), IOC_EPERM);
    assert_string_equal(n.field, "scopes");
    assert_string_equal(n.bad, "read:audit");
    assert_int_equal(keys(), 0);
    assert_int_equal(audit_rows("key.create"), 0);
}

static void test_create_key_maker_who_is_not_admin_or_staff_is_eperm(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:units", AUTH_ROLE_OPERATOR);
    assert_int_equal(store_tx(db, auth_key_create_job, &n), IOC_EPERM);
    assert_int_equal(keys(), 0);
}

static void test_create_key_unknown_scope_is_refused_naming_it(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:units,read:all", AUTH_ROLE_ADMIN);
    assert_int_equal(store_tx(db, auth_key_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "scopes");
    assert_string_equal(n.bad, "read:all");
}

static void test_create_key_unknown_agency_is_refused_and_no_key_is_shown(void **state)
{
    (void)state;
    struct auth_key_new n = key("NOPE", "read:units", AUTH_ROLE_ADMIN);
    assert_int_equal(store_tx(db, auth_key_create_job, &n), IOC_EINVAL);
    assert_string_equal(n.field, "agency_code");
    assert_string_equal(n.key, "");
    assert_int_equal(keys(), 0);
}

static void test_create_key_stores_canonical_scopes_and_resolves(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:audit,read:units,read:audit", AUTH_ROLE_ADMIN);
    n.name = "  station 1 ";
    assert_int_equal(store_tx(db, auth_key_create_job, &n), 0);
    struct auth_principal p;
    assert_int_equal(auth_key_resolve(db, n.key, &p), 0);
    struct store_apikey k = {0};
    assert_int_equal(store_apikey_get(db, n.id, &k), 0);
    assert_string_equal(k.scopes, n.canon);
    assert_string_equal(k.name, "station 1");
    assert_string_equal(k.agency_code, "ROOT");
    assert_string_not_equal(k.key_hash, n.key);
    assert_non_null(strstr(k.scopes, "read:units"));
    assert_null(strstr(strstr(k.scopes, "read:audit") + 1, "read:audit"));
    store_apikey_clear(&k);
}

static void test_create_key_writes_one_audit_row_with_its_scopes(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:units", AUTH_ROLE_STAFF);
    assert_int_equal(store_tx(db, auth_key_create_job, &n), 0);
    struct store_audit *row = NULL;
    only_audit_row("key.create", &row);
    char target[64];
    snprintf(target, sizeof target, "key:%s", n.prefix);
    assert_string_equal(row->target, target);
    assert_string_equal(row->detail, "read:units");
    store_audits_free(row, 1);
}

/* ---- a failure at any step stores nothing ------------------------------------------------ */

/* Runs job(arg) with the nth allocation failing, for n = 1, 2, … until no failure fires; after
 * each failed run, nothing new is stored (count() and the audit rows are as before). */
static void sweep(store_job_fn job, void *arg, size_t (*count)(void))
{
    size_t rows = count(), audits = audit_rows(NULL);
    long n;
    for (n = 1; n < MAX_STEPS; n++) {
        fault_arm(FAULT_ALLOC, n);
        int rc = store_tx(db, job, arg);
        int fired = fault_disarm();
        if (rc == 0) {
            assert_int_equal(count(), rows + 1);
            assert_int_equal(audit_rows(NULL), audits + 1);
            break;
        }
        assert_int_equal(count(), rows);
        assert_int_equal(audit_rows(NULL), audits);
        assert_true(fired);
    }
    assert_true(n < MAX_STEPS);
}

static void test_create_agency_failure_at_any_allocation_leaves_nothing(void **state)
{
    (void)state;
    struct auth_agency_new n = agency("SO-1", "ROOT");
    sweep(auth_agency_create_job, &n, agencies);
}

static void test_create_user_failure_at_any_allocation_leaves_nothing(void **state)
{
    (void)state;
    struct auth_user_new n = user("lan", "staff", "ROOT");
    sweep(auth_user_create_job, &n, users);
}

static void test_create_key_failure_at_any_allocation_leaves_nothing(void **state)
{
    (void)state;
    struct auth_key_new n = key("ROOT", "read:units", AUTH_ROLE_ADMIN);
    sweep(auth_key_create_job, &n, keys);
}

int main(void)
{
    fault_install();
    ioc_log_set_level(IOC_LOG_ERROR + 1);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_agency_writes_it_and_one_audit_row),
        T(test_create_agency_stores_the_name_trimmed),
        T(test_create_agency_duplicate_code_is_eexist_without_audit_row),
        T(test_create_agency_bad_code_is_refused_naming_code),
        T(test_create_agency_control_character_in_name_is_refused_naming_name),
        T(test_create_agency_unknown_parent_is_refused_naming_parent),
        T(test_create_agency_unit_not_in_force_is_refused_naming_unit_code),
        T(test_create_agency_key_elsewhere_than_its_agency_is_eperm),
        T(test_create_agency_key_without_parent_creates_under_its_agency),
        T(test_create_agency_check_without_store_skips_the_parent),
        T(test_create_user_writes_it_and_one_audit_row_with_the_role),
        T(test_create_user_duplicate_username_is_eexist_without_audit_row),
        T(test_create_user_staff_without_agency_is_refused_naming_agency),
        T(test_create_user_staff_of_disabled_agency_is_refused),
        T(test_create_user_unknown_agency_is_refused),
        T(test_create_user_unknown_role_is_refused_naming_role),
        T(test_create_user_short_password_is_refused_naming_password),
        T(test_create_user_without_password_hash_is_refused),
        T(test_create_user_empty_display_name_is_refused_naming_it),
        T(test_create_user_check_without_store_skips_the_agency_lookup),
        T(test_create_key_scope_beyond_the_makers_role_is_eperm),
        T(test_create_key_maker_who_is_not_admin_or_staff_is_eperm),
        T(test_create_key_unknown_scope_is_refused_naming_it),
        T(test_create_key_unknown_agency_is_refused_and_no_key_is_shown),
        T(test_create_key_stores_canonical_scopes_and_resolves),
        T(test_create_key_writes_one_audit_row_with_its_scopes),
        T(test_create_agency_failure_at_any_allocation_leaves_nothing),
        T(test_create_user_failure_at_any_allocation_leaves_nothing),
        T(test_create_key_failure_at_any_allocation_leaves_nothing),
    };
    return cmocka_run_group_tests_name("auth create", tests, NULL, NULL);
}
