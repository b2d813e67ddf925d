/* Unit tests for src/store/accounts.c: agencies, users, sessions and API keys — adding, reading,
 * changing, the agency tree walk, counts and session ends used by the account rules. One
 * behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;

/* A database with agencies ROOT > MID > LEAF and OTHER, users ann (admin), bob (staff of LEAF),
 * cat (operator of LEAF), each with one session. */
static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "ROOT", "Root", NULL, NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "MID", "Mid", "ROOT", NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "LEAF", "Leaf", "MID", "75", NULL), 0);
    assert_int_equal(store_agency_add(db, "OTHER", "Other", NULL, NULL, NULL), 0);
    int64_t id[3];
    assert_int_equal(store_user_add(db, "ann", "Ann", "admin", NULL, "h-ann", &id[0]), 0);
    assert_int_equal(store_user_add(db, "bob", "Bob", "staff", "LEAF", "h-bob", &id[1]), 0);
    assert_int_equal(store_user_add(db, "cat", "Cat", "operator", "LEAF", "h-cat", &id[2]), 0);
    const char *tokens[] = {"t-ann", "t-bob", "t-cat"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_session_add(db, id[i], tokens[i], "csrf", 0, 1000000, ""), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static int session_exists(const char *token)
{
    struct store_session s = {0};
    int rc = store_session_get(db, token, 1, &s);
    store_session_clear(&s);
    return rc == 0;
}

static void test_store_agency_new_is_enabled(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    assert_int_equal(a.disabled, 0);
    store_agency_clear(&a);
}

static void test_store_agency_set_writes_every_field_but_code(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    struct store_agency b = a;
    b.name = "Leaf renamed";
    b.parent_code = "OTHER";
    b.unit_code = "";
    b.disabled = 1;
    assert_int_equal(store_agency_set(db, &b), 0);
    struct store_agency c = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &c), 0);
    assert_string_equal(c.name, "Leaf renamed");
    assert_string_equal(c.parent_code, "OTHER");
    assert_string_equal(c.unit_code, "");
    assert_int_equal(c.disabled, 1);
    assert_string_equal(c.created_at, a.created_at);
    store_agency_clear(&c);
    store_agency_clear(&a);
}

static void test_store_agency_set_empty_parent_makes_a_root(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "MID", &a), 0);
    struct store_agency b = a;
    b.parent_code = "";
    assert_int_equal(store_agency_set(db, &b), 0);
    store_agency_clear(&a);
    assert_int_equal(store_agency_get(db, "MID", &a), 0);
    assert_int_equal(a.parent_id, 0);
    assert_string_equal(a.parent_code, "");
    store_agency_clear(&a);
}

static void test_store_agency_set_unknown_parent_is_einval(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "MID", &a), 0);
    struct store_agency b = a;
    b.parent_code = "NOPE";
    assert_int_equal(store_agency_set(db, &b), IOC_EINVAL);
    store_agency_clear(&a);
}

static void test_store_agency_set_unknown_id_is_enotfound(void **state)
{
    (void)state;
    struct store_agency b = {.id = 999, .name = "x", .parent_code = "", .unit_code = ""};
    assert_int_equal(store_agency_set(db, &b), IOC_ENOTFOUND);
}

static void test_store_agency_within_finds_self_and_ancestors(void **state)
{
    (void)state;
    int yes = -1;
    assert_int_equal(store_agency_within(db, "LEAF", "LEAF", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_agency_within(db, "LEAF", "MID", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_agency_within(db, "LEAF", "ROOT", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_agency_within(db, "ROOT", "LEAF", &yes), 0);
    assert_int_equal(yes, 0);
    assert_int_equal(store_agency_within(db, "LEAF", "OTHER", &yes), 0);
    assert_int_equal(yes, 0);
    assert_int_equal(store_agency_within(db, "NOPE", "ROOT", &yes), 0);
    assert_int_equal(yes, 0);
}

static void test_store_agency_disabled_shows_on_users_and_keys(void **state)
{
    (void)state;
    int64_t kid = 0;
    assert_int_equal(store_apikey_add(db, "p1", "kh1", "LEAF", "read:units", "", "admin", 1, &kid),
                     0);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    struct store_agency b = a;
    b.disabled = 1;
    assert_int_equal(store_agency_set(db, &b), 0);
    store_agency_clear(&a);
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "bob", &u), 0);
    assert_int_equal(u.agency_disabled, 1);
    assert_int_equal(u.disabled, 0);
    store_user_clear(&u);
    assert_int_equal(store_user_get(db, "ann", &u), 0);
    assert_int_equal(u.agency_disabled, 0);
    store_user_clear(&u);
    struct store_apikey k = {0};
    assert_int_equal(store_apikey_get_by_hash(db, "kh1", &k), 0);
    assert_int_equal(k.agency_disabled, 1);
    store_apikey_clear(&k);
}

static void test_store_user_set_writes_fields_not_password(void **state)
{
    (void)state;
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "cat", &u), 0);
    struct store_user v = u;
    v.display_name = "Cát";
    v.role = "leader";
    v.agency_code = "";
    v.disabled = 1;
    assert_int_equal(store_user_set(db, &v), 0);
    store_user_clear(&u);
    assert_int_equal(store_user_get(db, "cat", &u), 0);
    assert_string_equal(u.display_name, "Cát");
    assert_string_equal(u.role, "leader");
    assert_string_equal(u.agency_code, "");
    assert_int_equal(u.agency_id, 0);
    assert_int_equal(u.disabled, 1);
    assert_string_equal(u.password_hash, "h-cat");
    store_user_clear(&u);
}

static void test_store_user_set_unknown_agency_is_einval(void **state)
{
    (void)state;
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "cat", &u), 0);
    struct store_user v = u;
    v.agency_code = "NOPE";
    assert_int_equal(store_user_set(db, &v), IOC_EINVAL);
    store_user_clear(&u);
}

static void test_store_user_set_bad_role_is_refused_by_the_schema(void **state)
{
    (void)state;
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "cat", &u), 0);
    struct store_user v = u;
    v.role = "emperor";
    assert_int_not_equal(store_user_set(db, &v), 0);
    store_user_clear(&u);
}

static void test_store_users_count_enabled_skips_disabled(void **state)
{
    (void)state;
    int64_t n = -1;
    assert_int_equal(store_users_count_enabled(db, "admin", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_user_add(db, "dan", "Dan", "admin", NULL, "h", NULL), 0);
    assert_int_equal(store_users_count_enabled(db, "admin", &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_user_set_disabled(db, "dan", 1), 0);
    assert_int_equal(store_users_count_enabled(db, "admin", &n), 0);
    assert_int_equal(n, 1);
}

static void test_store_sessions_delete_agency_ends_only_that_role(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    assert_int_equal(store_sessions_delete_agency(db, a.id, "staff"), 0);
    store_agency_clear(&a);
    assert_false(session_exists("t-bob"));
    assert_true(session_exists("t-cat")); /* an operator of the agency keeps it */
    assert_true(session_exists("t-ann"));
}

static void test_store_agency_add_duplicate_is_eexist(void **state)
{
    (void)state;
    assert_int_equal(store_agency_add(db, "LEAF", "again", NULL, NULL, NULL), IOC_EEXIST);
}

static void test_store_agency_add_unknown_parent_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_agency_add(db, "X", "x", "NOPE", NULL, NULL), IOC_EINVAL);
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "X", &a), IOC_ENOTFOUND);
}

static void test_store_agency_get_reads_parent_and_unit(void **state)
{
    (void)state;
    struct store_agency a = {0};
    assert_int_equal(store_agency_get(db, "LEAF", &a), 0);
    assert_string_equal(a.parent_code, "MID");
    assert_string_equal(a.unit_code, "75");
    assert_true(a.parent_id > 0);
    store_agency_clear(&a);
    assert_int_equal(store_agency_get(db, "ROOT", &a), 0);
    assert_string_equal(a.parent_code, ""); /* a root: "" and 0, not NULL */
    assert_int_equal(a.parent_id, 0);
    assert_string_equal(a.unit_code, "");
    store_agency_clear(&a);
}

static void test_store_agencies_list_is_ordered_by_code(void **state)
{
    (void)state;
    struct store_agency *a = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(db, &a, &n), 0);
    assert_int_equal(n, 4);
    const char *want[] = {"LEAF", "MID", "OTHER", "ROOT"};
    for (size_t i = 0; i < n; i++)
        assert_string_equal(a[i].code, want[i]);
    store_agencies_free(a, n);
}

static void test_store_user_add_duplicate_is_eexist(void **state)
{
    (void)state;
    assert_int_equal(store_user_add(db, "bob", "B", "staff", "LEAF", "h", NULL), IOC_EEXIST);
}

static void test_store_user_add_bad_role_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_user_add(db, "x", "X", "king", NULL, "h", NULL), IOC_EINVAL);
}

static void test_store_user_add_unknown_agency_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_user_add(db, "y", "Y", "staff", "NOPE", "h", NULL), IOC_EINVAL);
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "y", &u), IOC_ENOTFOUND);
}

static void test_store_user_add_without_display_name_uses_username(void **state)
{
    (void)state;
    int64_t id = 0;
    assert_int_equal(store_user_add(db, "dan", NULL, "leader", NULL, "h", &id), 0);
    struct store_user u = {0};
    assert_int_equal(store_user_get_by_id(db, id, &u), 0);
    assert_string_equal(u.display_name, "dan");
    assert_string_equal(u.agency_code, "");
    store_user_clear(&u);
}

static void test_store_user_set_password_unknown_is_enotfound(void **state)
{
    (void)state;
    assert_int_equal(store_user_set_password(db, "nobody", "h"), IOC_ENOTFOUND);
    assert_int_equal(store_user_set_disabled(db, "nobody", 1), IOC_ENOTFOUND);
}

static void test_store_session_get_expired_is_enotfound(void **state)
{
    (void)state;
    struct store_session s = {0};
    assert_int_equal(store_session_get(db, "t-bob", 999999, &s), 0);
    assert_string_equal(s.csrf_token, "csrf");
    store_session_clear(&s);
    assert_int_equal(store_session_get(db, "t-bob", 1000000, &s), IOC_ENOTFOUND);
}

static void test_store_sessions_purge_removes_only_expired(void **state)
{
    (void)state;
    struct store_user u = {0};
    assert_int_equal(store_user_get(db, "ann", &u), 0);
    assert_int_equal(store_session_add(db, u.id, "t-short", "c", 0, 10, ""), 0);
    store_user_clear(&u);
    assert_int_equal(store_sessions_purge(db, 10), 0);
    struct store_session s = {0};
    assert_int_equal(store_session_get(db, "t-short", 0, &s), IOC_ENOTFOUND);
    assert_true(session_exists("t-ann"));
}

static void test_store_session_delete_unknown_is_enotfound(void **state)
{
    (void)state;
    assert_int_equal(store_session_delete(db, "nope"), IOC_ENOTFOUND);
    assert_int_equal(store_session_delete(db, "t-bob"), 0);
    assert_false(session_exists("t-bob"));
}

static void test_store_apikey_add_unknown_agency_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_apikey_add(db, "p", "h", "NOPE", "read:audit", "k", "admin", 1, NULL),
                     IOC_EINVAL);
    assert_int_equal(store_apikey_add(db, "p", "h", NULL, "read:audit", "k", "admin", 1, NULL),
                     IOC_EINVAL);
}

static void test_store_apikey_add_bad_maker_role_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_apikey_add(db, "p", "h", "LEAF", "read:audit", "k", "leader", 1, NULL),
                     IOC_EINVAL);
    assert_int_equal(store_apikey_add(db, "p", "h", "LEAF", "read:audit", "k", NULL, 1, NULL),
                     IOC_EINVAL);
}

static void test_store_apikey_add_duplicate_hash_is_eexist(void **state)
{
    (void)state;
    assert_int_equal(store_apikey_add(db, "p1", "h", "LEAF", "read:audit", "k", "staff", 1, NULL),
                     0);
    assert_int_equal(store_apikey_add(db, "p2", "h", "LEAF", "read:audit", "k", "staff", 1, NULL),
                     IOC_EEXIST);
}

static void test_store_apikey_revoked_is_not_found_by_hash(void **state)
{
    (void)state;
    int64_t id = 0;
    assert_int_equal(
        store_apikey_add(db, "abcd1234", "khash", "LEAF", "read:audit", "k", "admin", 1, &id), 0);
    struct store_apikey k = {0};
    assert_int_equal(store_apikey_get_by_hash(db, "khash", &k), 0);
    assert_string_equal(k.agency_code, "LEAF");
    assert_string_equal(k.created_by_role, "admin");
    store_apikey_clear(&k);
    assert_int_equal(store_apikey_revoke(db, id, 2), 0);
    assert_int_equal(store_apikey_get_by_hash(db, "khash", &k), IOC_ENOTFOUND);
    assert_int_equal(store_apikey_revoke(db, id, 3), 0); /* twice is fine, the time stays */
    assert_int_equal(store_apikey_get(db, id, &k), 0);
    assert_int_equal(k.revoked_ms, 2);
    store_apikey_clear(&k);
}

static void test_store_apikey_revoke_unknown_is_enotfound(void **state)
{
    (void)state;
    assert_int_equal(store_apikey_revoke(db, 999, 2), IOC_ENOTFOUND);
}

static void test_store_apikeys_list_filters_by_agency_newest_first(void **state)
{
    (void)state;
    assert_int_equal(store_apikey_add(db, "a", "h1", "LEAF", "s", "k", "staff", 1, NULL), 0);
    assert_int_equal(store_apikey_add(db, "b", "h2", "OTHER", "s", "k", "staff", 1, NULL), 0);
    assert_int_equal(store_apikey_add(db, "c", "h3", "LEAF", "s", "k", "staff", 1, NULL), 0);
    struct store_apikey *k = NULL;
    size_t n = 0;
    assert_int_equal(store_apikeys_list(db, "LEAF", &k, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(k[0].prefix, "c");
    assert_string_equal(k[1].prefix, "a");
    store_apikeys_free(k, n);
    assert_int_equal(store_apikeys_list(db, NULL, &k, &n), 0);
    assert_int_equal(n, 3);
    store_apikeys_free(k, n);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_agency_new_is_enabled),
        T(test_store_agency_set_writes_every_field_but_code),
        T(test_store_agency_set_empty_parent_makes_a_root),
        T(test_store_agency_set_unknown_parent_is_einval),
        T(test_store_agency_set_unknown_id_is_enotfound),
        T(test_store_agency_within_finds_self_and_ancestors),
        T(test_store_agency_disabled_shows_on_users_and_keys),
        T(test_store_user_set_writes_fields_not_password),
        T(test_store_user_set_unknown_agency_is_einval),
        T(test_store_user_set_bad_role_is_refused_by_the_schema),
        T(test_store_users_count_enabled_skips_disabled),
        T(test_store_sessions_delete_agency_ends_only_that_role),
        T(test_store_agency_add_duplicate_is_eexist),
        T(test_store_agency_add_unknown_parent_is_einval),
        T(test_store_agency_get_reads_parent_and_unit),
        T(test_store_agencies_list_is_ordered_by_code),
        T(test_store_user_add_duplicate_is_eexist),
        T(test_store_user_add_bad_role_is_einval),
        T(test_store_user_add_unknown_agency_is_einval),
        T(test_store_user_add_without_display_name_uses_username),
        T(test_store_user_set_password_unknown_is_enotfound),
        T(test_store_session_get_expired_is_enotfound),
        T(test_store_sessions_purge_removes_only_expired),
        T(test_store_session_delete_unknown_is_enotfound),
        T(test_store_apikey_add_unknown_agency_is_einval),
        T(test_store_apikey_add_bad_maker_role_is_einval),
        T(test_store_apikey_add_duplicate_hash_is_eexist),
        T(test_store_apikey_revoked_is_not_found_by_hash),
        T(test_store_apikey_revoke_unknown_is_enotfound),
        T(test_store_apikeys_list_filters_by_agency_newest_first),
    };
#undef T
    return cmocka_run_group_tests_name("store accounts", tests, NULL, NULL);
}
