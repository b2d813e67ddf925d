/* Unit tests for src/store/units.c: unit versions in force on a day, search, succession links,
 * geometry kept across puts, and the geometry walk. One behaviour per test. */
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
static int64_t old_id, new_id, tb_id;

static int64_t put(const char *code, const char *name, const char *full, const char *from,
                   const char *to)
{
    struct store_unit u = {0};
    u.code = (char *)code;
    u.level = "commune";
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

/* 26068 was Hóa An until 2025-06-30 and is Biên Hoà since; 26041 is Trấn Biên since. */
static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    old_id = put("26068", "Hóa An", "Phường Hóa An", "0001-01-01", "2025-06-30");
    new_id = put("26068", "Biên Hoà", "Phường Biên Hoà", "2025-07-01", "");
    tb_id = put("26041", "Trấn Biên", "Phường Trấn Biên", "2025-07-01", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_store_unit_put_same_code_and_date_replaces(void **state)
{
    (void)state;
    assert_true(old_id != new_id);
    assert_int_equal(put("26068", "Biên Hoà", "Phường Biên Hoà", "2025-07-01", ""), new_id);
    int64_t n = 0;
    assert_int_equal(store_units_count(db, &n), 0);
    assert_int_equal(n, 3);
}

static void test_store_unit_get_picks_the_version_in_force(void **state)
{
    (void)state;
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(db, "26068", "2025-06-30", &u), 0);
    assert_string_equal(u.name, "Hóa An");
    store_unit_clear(&u);
    assert_int_equal(store_unit_get(db, "26068", "2026-01-01", &u), 0);
    assert_string_equal(u.name, "Biên Hoà");
    store_unit_clear(&u);
}

static void test_store_unit_get_without_date_is_the_newest(void **state)
{
    (void)state;
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(db, "26068", NULL, &u), 0);
    assert_string_equal(u.valid_from, "2025-07-01");
    store_unit_clear(&u);
}

static void test_store_unit_get_unknown_is_enotfound(void **state)
{
    (void)state;
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(db, "99999", NULL, &u), IOC_ENOTFOUND);
    assert_int_equal(store_unit_get(db, "26041", "2025-06-30", &u), IOC_ENOTFOUND);
    assert_int_equal(store_unit_get_by_id(db, 999, &u), IOC_ENOTFOUND);
}

static size_t find(const char *q_folded, int limit, int offset, char *first, size_t len)
{
    struct store_unit_query q = {"commune", "2026-01-01", q_folded, NULL, limit, offset};
    struct store_unit *a = NULL;
    size_t n = 0;
    assert_int_equal(store_units_find(db, &q, &a, &n), 0);
    if (first)
        snprintf(first, len, "%s", n ? a[0].code : "");
    store_units_free(a, n);
    return n;
}

static void test_store_units_find_matches_the_folded_name(void **state)
{
    (void)state;
    char *q = ioc_text_fold("BIÊN HÒA", strlen("BIÊN HÒA"));
    char first[16];
    assert_int_equal(find(q, 10, 0, first, sizeof first), 1);
    assert_string_equal(first, "26068");
    free(q);
}

static void test_store_units_find_ranks_a_name_prefix_first(void **state)
{
    (void)state;
    char first[16];
    /* Biên Hoà before Trấn Biên */
    assert_int_equal(find("bien", 10, 0, first, sizeof first), 2);
    assert_string_equal(first, "26068");
}

static void test_store_units_find_matches_a_code_prefix_with_limit_and_offset(void **state)
{
    (void)state;
    assert_int_equal(find("260", 0, 0, NULL, 0), 2);
    char first[16];
    assert_int_equal(find("260", 1, 1, first, sizeof first), 1);
    assert_string_equal(first, "26041"); /* by level then folded name: bien hoa, tran bien */
}

static void test_store_units_find_treats_like_wildcards_as_text(void **state)
{
    (void)state;
    assert_int_equal(find("50%", 10, 0, NULL, 0), 0);
    assert_int_equal(find("_", 10, 0, NULL, 0), 0);
}

static void test_store_unit_predecessors_follow_the_link_back(void **state)
{
    (void)state;
    assert_int_equal(store_succession_put(db, old_id, new_id, 1, "Phường Hóa An (một phần)"), 0);
    struct store_succession *l = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_predecessors(db, new_id, &l, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].partial, 1);
    assert_string_equal(l[0].unit.name, "Hóa An");
    assert_string_equal(l[0].note, "Phường Hóa An (một phần)");
    store_successions_free(l, n);
}

static void test_store_unit_successors_follow_the_link_forward(void **state)
{
    (void)state;
    assert_int_equal(store_succession_put(db, old_id, new_id, 0, NULL), 0);
    struct store_succession *l = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_successors(db, old_id, &l, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].unit.id, new_id);
    assert_string_equal(l[0].note, ""); /* a link without a note reads "" */
    store_successions_free(l, n);
    assert_int_equal(store_unit_successors(db, new_id, &l, &n), 0);
    assert_int_equal(n, 0);
    store_successions_free(l, n);
}

static void test_store_succession_put_again_replaces_partial_and_note(void **state)
{
    (void)state;
    assert_int_equal(store_succession_put(db, old_id, new_id, 1, "a"), 0);
    assert_int_equal(store_succession_put(db, old_id, new_id, 0, "b"), 0);
    struct store_succession *l = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_predecessors(db, new_id, &l, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].partial, 0);
    assert_string_equal(l[0].note, "b");
    store_successions_free(l, n);
}

static void test_store_succession_put_unknown_unit_is_einval(void **state)
{
    (void)state;
    assert_int_equal(store_succession_put(db, old_id, 999, 0, NULL), IOC_EINVAL);
}

static void test_store_unit_put_without_geometry_keeps_the_stored_one(void **state)
{
    (void)state;
    struct store_unit g = {0};
    assert_int_equal(store_unit_get_by_id(db, tb_id, &g), 0);
    assert_false(g.has_geometry);
    g.bbox[0] = 106.7, g.bbox[1] = 10.9, g.bbox[2] = 106.9, g.bbox[3] = 11.0;
    assert_int_equal(store_unit_put(db, &g, "{\"type\":\"Polygon\",\"coordinates\":[]}", NULL), 0);
    memset(g.bbox, 0, sizeof g.bbox);
    assert_int_equal(store_unit_put(db, &g, NULL, NULL), 0);
    store_unit_clear(&g);
    assert_int_equal(store_unit_get(db, "26041", NULL, &g), 0);
    assert_true(g.has_geometry);
    assert_true(g.bbox[0] == 106.7 && g.bbox[3] == 11.0);
    store_unit_clear(&g);
}

static void test_store_unit_versions_are_oldest_first(void **state)
{
    (void)state;
    struct store_unit *v = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_versions(db, "26068", &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Hóa An");
    assert_string_equal(v[1].name, "Biên Hoà");
    store_units_free(v, n);
}

static int stop_at_second(void *ctx, const struct store_unit *u, const char *json, size_t len)
{
    (void)u;
    assert_int_equal(strlen(json), len);
    return ++*(int *)ctx == 2 ? IOC_ETOOBIG : 0;
}

static void test_store_units_each_geometry_stops_with_the_callbacks_code(void **state)
{
    (void)state;
    const char *geom = "{\"type\":\"Point\",\"coordinates\":[1,2]}";
    for (int i = 0; i < 3; i++) {
        struct store_unit u = {0};
        assert_int_equal(store_unit_get_by_id(db,
                                              i == 0   ? old_id
                                              : i == 1 ? new_id
                                                       : tb_id,
                                              &u),
                         0);
        assert_int_equal(store_unit_put(db, &u, geom, NULL), 0);
        store_unit_clear(&u);
    }
    int calls = 0;
    assert_int_equal(store_units_each_geometry(db, NULL, NULL, stop_at_second, &calls),
                     IOC_ETOOBIG);
    assert_int_equal(calls, 2);
}

static void test_store_units_generation_starts_at_zero_and_counts_up(void **state)
{
    (void)state;
    int64_t g = -1, next = -1;
    assert_int_equal(store_units_generation(db, &g), 0);
    assert_int_equal(g, 0);
    assert_int_equal(store_units_generation_bump(db, &next), 0);
    assert_int_equal(next, 1);
    assert_int_equal(store_units_generation_bump(db, NULL), 0);
    assert_int_equal(store_units_generation(db, &g), 0);
    assert_int_equal(g, 2);
}

static void test_store_units_generation_not_a_number_is_einval(void **state)
{
    (void)state;
    const char *bad[] = {"", "x", "+3", " 3", "3 ", "-1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(store_meta_set(db, "units_generation", bad[i]), 0);
        int64_t g = 42;
        assert_int_equal(store_units_generation(db, &g), IOC_EINVAL);
        assert_int_equal(g, 42);
        assert_int_equal(store_units_generation_bump(db, NULL), IOC_EINVAL);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_unit_put_same_code_and_date_replaces),
        T(test_store_unit_get_picks_the_version_in_force),
        T(test_store_unit_get_without_date_is_the_newest),
        T(test_store_unit_get_unknown_is_enotfound),
        T(test_store_units_find_matches_the_folded_name),
        T(test_store_units_find_ranks_a_name_prefix_first),
        T(test_store_units_find_matches_a_code_prefix_with_limit_and_offset),
        T(test_store_units_find_treats_like_wildcards_as_text),
        T(test_store_unit_predecessors_follow_the_link_back),
        T(test_store_unit_successors_follow_the_link_forward),
        T(test_store_succession_put_again_replaces_partial_and_note),
        T(test_store_succession_put_unknown_unit_is_einval),
        T(test_store_unit_put_without_geometry_keeps_the_stored_one),
        T(test_store_unit_versions_are_oldest_first),
        T(test_store_units_each_geometry_stops_with_the_callbacks_code),
        T(test_store_units_generation_starts_at_zero_and_counts_up),
        T(test_store_units_generation_not_a_number_is_einval),
    };
#undef T
    return cmocka_run_group_tests_name("store units", tests, NULL, NULL);
}
