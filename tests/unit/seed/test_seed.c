/* Unit tests for src/seed: the real units of data/vn-units, succession links (whole and partial,
 * the latter on a small synthetic copy), idempotence, and the demo organisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "seed/seed.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *w;

static int setup(void **state)
{
    (void)state;
    if (store_open(test_tmpdir(), &st) || store_conn_open(st, 0, &w))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(w);
    store_close(st);
    return 0;
}

static void test_real_units(void **state)
{
    (void)state;
    struct seed_units s = {.dir = "data/vn-units"};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    assert_int_equal(s.units, 294 + 96);
    assert_int_equal(s.boundaries, 96);
    int64_t n = 0;
    assert_int_equal(store_units_count(w, &n), 0);
    assert_int_equal(n, 390);
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(w, "26068", "2026-01-01", &u), 0);
    assert_string_equal(u.name, "Biên Hoà");
    assert_true(u.has_geometry);
    struct store_succession *l = NULL;
    size_t nl = 0;
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &nl), 0);
    assert_int_equal(nl, 4);
    assert_non_null(strstr(l[0].note, "Phường Tân Hạnh"));
    store_successions_free(l, nl);
    store_unit_clear(&u);
    assert_int_equal(store_unit_get(w, "26068", "2025-06-30", &u), 0);
    assert_string_equal(u.full_name, "Phường Hóa An");
    assert_string_equal(u.name, "Hóa An");
    assert_string_equal(u.parent_code, "731");
    store_unit_clear(&u);
    /* a second run changes nothing but the generation */
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    assert_int_equal(store_units_count(w, &n), 0);
    assert_int_equal(n, 390);
    char *gen = NULL;
    assert_int_equal(store_meta_get(w, "units_generation", &gen), 0);
    assert_string_equal(gen, "2");
    free(gen);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(ioc_file_write_atomic(path, text, strlen(text)), 0);
}

static void test_partial_links(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    write_file(
        dir, "units-2024.tsv",
        "# synthetic test data\ncode\tlevel\ttype\tname\tparent_code\n"
        "1\tprovince\tTỉnh\tTỉnh A\t\n10\tcommune\tXã\tXã Một\t1\n11\tcommune\tXã\tXã Hai\t1\n");
    write_file(dir, "units-2025.tsv",
               "code\tlevel\ttype\tname\tname_en\tparent_code\n1\tprovince\tTỉnh\tA\tA\t\n"
               "20\tcommune\tXã\tMới\tMoi\t1\n");
#define SQUARE(code)                                                                               \
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{"         \
    "\"code\":"                                                                                    \
    "\"" code "\",\"name\":\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"             \
    "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}"
    write_file(dir, "dongnai-2025-province.geojson", SQUARE("1"));
    write_file(dir, "dongnai-2025-communes.geojson", SQUARE("20"));
    write_file(dir, "succession-2025.tsv",
               "new_code\tnew_name\told_codes\tpredecessors_text\n"
               "20\tXã Mới\t11,10,?\tXã Một, Xã Hai (một phần), Xã Ba\n");
    struct seed_units s = {.dir = dir};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    assert_int_equal(s.successions, 2);
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(w, "20", NULL, &u), 0);
    struct store_succession *l = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l[i].partial, strcmp(l[i].unit.code, "11") == 0);
    store_successions_free(l, n);
    store_unit_clear(&u);
    /* a broken row names its file and line */
    write_file(dir, "units-2025.tsv",
               "code\tlevel\ttype\tname\tname_en\tparent_code\n1\tprovince\n");
    assert_int_equal(store_tx(w, seed_units_job, &s), IOC_EINVAL);
    assert_non_null(strstr(s.error, "units-2025.tsv:2"));
}

static void test_demo(void **state)
{
    (void)state;
    struct seed_units s = {.dir = "data/vn-units"};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    struct seed_demo d = {0};
    d.password_admin = strdup("admin-password");
    assert_int_equal(store_tx(w, seed_demo_job, &d), 0);
    assert_int_equal(d.created, 1);
    assert_string_equal(d.password_admin, "admin-password");
    assert_int_equal(strlen(d.password_staff), 12);
    struct store_agency *a = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(w, &a, &n), 0);
    assert_true(n >= 95 + 2);
    store_agencies_free(a, n);
    struct store_agency ag = {0};
    assert_int_equal(store_agency_get(w, "UBND-26068", &ag), 0);
    assert_string_equal(ag.unit_code, "26068");
    assert_string_equal(ag.parent_code, "UBND-75");
    store_agency_clear(&ag);
    struct store_user u = {0};
    assert_int_equal(store_user_get(w, "staff", &u), 0);
    assert_string_equal(u.agency_code, "SO-NNMT");
    assert_non_null(strstr(u.display_name, "dữ liệu mẫu"));
    store_user_clear(&u);
    free(d.password_admin);
    free(d.password_leader);
    free(d.password_operator);
    free(d.password_staff);
    struct seed_demo again = {0};
    assert_int_equal(store_tx(w, seed_demo_job, &again), 0);
    assert_int_equal(again.created, 0);
    assert_null(again.password_admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
    };
    return cmocka_run_group_tests_name("seed", tests, NULL, NULL);
}
