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
    assert_true(u.area_km2 > 1);
    assert_true(u.bbox[0] > 106 && u.bbox[2] < 108 && u.bbox[1] > 10 && u.bbox[3] < 12);
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &nl), 0);
    assert_int_equal(nl, 4);
    assert_non_null(strstr(l[0].note, "Phường Tân Hạnh"));
    const char *want[] = {"26053", "26059", "26062", "26068"};
    for (size_t k = 0; k < 4; k++) {
        int seen = 0;
        for (size_t i = 0; i < nl; i++)
            seen += strcmp(l[i].unit.code, want[k]) == 0 && !l[i].partial;
        assert_int_equal(seen, 1);
    }
    store_successions_free(l, nl);
    store_unit_clear(&u);
    assert_int_equal(s.successions, 268); /* every old code of the file but the "?" entries */
    /* Xuân Hòa (26446): Xuân Tâm, the one predecessor the source calls partial ("phần còn lại"),
     * is "?" in the file, so it is not linked; the two whole ones are, the text kept verbatim. */
    assert_int_equal(store_unit_get(w, "26446", "2025-07-01", &u), 0);
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &nl), 0);
    assert_int_equal(nl, 2);
    for (size_t i = 0; i < nl; i++) {
        assert_int_equal(l[i].partial, 0);
        assert_non_null(strstr(l[i].note, "Xã Xuân Tâm (phần còn lại sau khi sáp nhập"));
    }
    store_successions_free(l, nl);
    store_unit_clear(&u);
    /* the levels in force on each side of 1 July 2025 */
    static const struct {
        const char *level, *at;
        size_t n;
    } counts[] = {{"province", "2025-06-30", 2},  {"district", "2025-06-30", 22},
                  {"commune", "2025-06-30", 270}, {"province", "2025-07-01", 1},
                  {"district", "2025-07-01", 0},  {"commune", "2025-07-01", 95}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        struct store_unit_query q = {.level = counts[i].level, .at = counts[i].at};
        struct store_unit *a = NULL;
        size_t na = 0;
        assert_int_equal(store_units_find(w, &q, &a, &na), 0);
        if (na != counts[i].n)
            fail_msg("%s on %s: %zu, want %zu", counts[i].level, counts[i].at, na, counts[i].n);
        store_units_free(a, na);
    }
    assert_int_equal(store_unit_get(w, "26068", "2025-06-30", &u), 0);
    assert_string_equal(u.full_name, "Phường Hóa An");
    assert_string_equal(u.name, "Hóa An");
    assert_string_equal(u.parent_code, "731");
    store_unit_clear(&u);
    /* a second run changes nothing but the generation */
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    assert_int_equal(store_units_count(w, &n), 0);
    assert_int_equal(n, 390);
    assert_int_equal(s.successions, 268);
    assert_int_equal(store_unit_get(w, "26068", "2026-01-01", &u), 0);
    assert_true(u.has_geometry);
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &nl), 0);
    assert_int_equal(nl, 4); /* links are not doubled */
    store_successions_free(l, nl);
    store_unit_clear(&u);
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

#define SQUARE(code)                                                                               \
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{"         \
    "\"code\":"                                                                                    \
    "\"" code "\",\"name\":\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"             \
    "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}"

static const char old_units[] = "# synthetic test data\ncode\tlevel\ttype\tname\tparent_code\n"
                                "1\tprovince\tTỉnh\tTỉnh A\t\n"
                                "10\tcommune\tXã\tXã Một\t1\n"
                                "11\tcommune\tXã\tXã Hai\t1\n"
                                "12\tcommune\tPhường\tPhường Hoà Bình\t1\n"
                                "13\tcommune\tPhường\tPhường Tân An\t1\n"
                                "14\tcommune\tXã\tXã An\t1\n";
static const char new_units[] = "code\tlevel\ttype\tname\tname_en\tparent_code\n"
                                "1\tprovince\tTỉnh\tA\tA\t\n"
                                "20\tcommune\tXã\tMới\tMoi\t1\n"
                                "21\tcommune\tXã\tHai Mới\tHai Moi\t1\n";

/* (old code, new code) → partial, or -1 when not linked. */
static int link_of(const char *old_code, const char *new_code)
{
    struct store_unit u = {0};
    assert_int_equal(store_unit_get(w, new_code, NULL, &u), 0);
    struct store_succession *l = NULL;
    size_t n = 0;
    assert_int_equal(store_unit_predecessors(w, u.id, &l, &n), 0);
    int partial = -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].unit.code, old_code) == 0)
            partial = l[i].partial;
    store_successions_free(l, n);
    store_unit_clear(&u);
    return partial;
}

static void test_partial_links(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    write_file(dir, "units-2024.tsv", old_units);
    write_file(dir, "units-2025.tsv", new_units);
    write_file(dir, "dongnai-2025-province.geojson", SQUARE("1"));
    write_file(dir, "dongnai-2025-communes.geojson", SQUARE("20"));
    /* codes and text items in different orders (by position most would get the wrong item); "Hòa"
     * against "Hoà"; "Xã Tân An" against "Phường Tân An" (and "Xã An", whose name is a suffix of
     * it, must not take its item); a
     * "?" left unlinked; Xã Hai split between two new communes. */
    write_file(dir, "succession-2025.tsv",
               "new_code\tnew_name\told_codes\tpredecessors_text\n"
               "20\tXã Mới\t13,12,11,10,14,?\tXã Một, Xã An, Phường Hòa Bình (một phần), Xã "
               "Tân An (một phần diện tích), Xã Hai (một phần), Xã Ba\n"
               "21\tXã Hai Mới\t11\tXã Hai (phần còn lại sau khi sáp nhập vào xã Mới)\n");
    struct seed_units s = {.dir = dir};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    assert_int_equal(s.units, 6 + 3);
    assert_int_equal(s.boundaries, 2);
    assert_int_equal(s.successions, 6);
    assert_int_equal(link_of("10", "20"), 0);
    assert_int_equal(link_of("11", "20"), 1);
    assert_int_equal(link_of("12", "20"), 1);
    assert_int_equal(link_of("13", "20"), 1);
    assert_int_equal(link_of("14", "20"), 0);
    assert_int_equal(link_of("11", "21"), 1);
    assert_int_equal(link_of("10", "21"), -1);
    char *gen = NULL;
    assert_int_equal(store_meta_get(w, "units_generation", &gen), 0);
    assert_string_equal(gen, "1");
    free(gen);
}

/* A units_generation that is not a plain number stops the seed; it is neither restarted at 1
 * (which could match a stale cache) nor read past its garbage. */
static void test_generation_refuses_garbage(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    write_file(dir, "units-2024.tsv", old_units);
    write_file(dir, "units-2025.tsv", new_units);
    write_file(dir, "dongnai-2025-province.geojson", SQUARE("1"));
    write_file(dir, "dongnai-2025-communes.geojson", SQUARE("20"));
    write_file(dir, "succession-2025.tsv",
               "new_code\tnew_name\told_codes\tpredecessors_text\n20\tXã Mới\t10\tXã Một\n");
    static const char *const bad[] = {"abc", "+5", " 5", "5x", "-1", "9223372036854775807"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(store_meta_set(w, "units_generation", bad[i]), 0);
        struct seed_units s = {.dir = dir};
        assert_int_equal(store_tx(w, seed_units_job, &s), IOC_EINVAL);
        assert_non_null(strstr(s.error, "units_generation"));
        char *gen = NULL;
        assert_int_equal(store_meta_get(w, "units_generation", &gen), 0);
        assert_string_equal(gen, bad[i]);
        free(gen);
    }
    assert_int_equal(store_meta_set(w, "units_generation", "41"), 0);
    struct seed_units s = {.dir = dir};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    char *gen = NULL;
    assert_int_equal(store_meta_get(w, "units_generation", &gen), 0);
    assert_string_equal(gen, "42");
    free(gen);
}

/* A broken file names its file and line, and the job undoes everything it did. */
static void test_errors(void **state)
{
    (void)state;
    const char *dir = test_tmpdir();
    static const struct {
        const char *file, *text, *want;
    } cases[] = {
        {"units-2025.tsv", "code\tlevel\ttype\tname\tname_en\tparent_code\n1\tprovince\n",
         "units-2025.tsv:2: 2 fields"},
        {"units-2025.tsv", "code\tlevel\tname\n1\tprovince\tA\n", "units-2025.tsv:1: unexpected"},
        {"units-2025.tsv", "# only a comment\n", "units-2025.tsv: no header"},
        {"units-2025.tsv", "code\tlevel\ttype\tname\tname_en\tparent_code\n1\tcounty\tT\tA\tA\t\n",
         "units-2025.tsv:2: unknown level"},
        {"units-2025.tsv",
         "code\tlevel\ttype\tname\tname_en\tparent_code\nx1\tprovince\tT\tA\tA\t\n",
         "units-2025.tsv:2: bad unit code"},
        {"succession-2025.tsv",
         "new_code\tnew_name\told_codes\tpredecessors_text\n\n# note\n20\tXã Mới\t99\tXã Chín\n",
         "succession-2025.tsv:4: no old unit 99"},
        {"dongnai-2025-communes.geojson", SQUARE("77"), "feature 0: no unit 77"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(dir, "units-2024.tsv", old_units);
        write_file(dir, "units-2025.tsv", new_units);
        write_file(dir, "dongnai-2025-province.geojson", SQUARE("1"));
        write_file(dir, "dongnai-2025-communes.geojson", SQUARE("20"));
        write_file(dir, "succession-2025.tsv",
                   "new_code\tnew_name\told_codes\tpredecessors_text\n20\tXã Mới\t10\tXã Một\n");
        write_file(dir, cases[i].file, cases[i].text);
        struct seed_units s = {.dir = dir};
        assert_int_equal(store_tx(w, seed_units_job, &s), IOC_EINVAL);
        if (!strstr(s.error, cases[i].want))
            fail_msg("case %zu: error \"%s\", want \"%s\"", i, s.error, cases[i].want);
        int64_t n = -1;
        assert_int_equal(store_units_count(w, &n), 0);
        assert_int_equal(n, 0);
    }
    struct seed_units missing = {.dir = "/nonexistent"};
    assert_int_equal(store_tx(w, seed_units_job, &missing), IOC_EINVAL);
    assert_non_null(strstr(missing.error, "units-2024.tsv"));
}

static void test_demo(void **state)
{
    (void)state;
    struct seed_units s = {.dir = "data/vn-units"};
    assert_int_equal(store_tx(w, seed_units_job, &s), 0);
    struct seed_demo d = {0};
    struct store_agency ag_check = {0};
    d.password_admin = strdup("admin-password");
    assert_int_equal(store_tx(w, seed_demo_job, &d), 0);
    assert_int_equal(d.created, 1);
    assert_string_equal(d.password_admin, "admin-password");
    assert_int_equal(strlen(d.password_staff), 12);
    struct store_agency *a = NULL;
    size_t n = 0;
    assert_int_equal(store_agencies_list(w, &a, &n), 0);
    /* the committee, its office, inspectorate and 11 departments, the police, 95 communes */
    assert_int_equal(n, 1 + 13 + 1 + 95);
    size_t communes = 0, under_ubnd = 0;
    for (size_t i = 0; i < n; i++) {
        communes += strncmp(a[i].code, "UBND-", 5) == 0 && *a[i].unit_code;
        under_ubnd += strcmp(a[i].parent_code, "UBND-75") == 0;
    }
    assert_int_equal(communes, 95 + 1); /* UBND-75 itself is bound to the province */
    assert_int_equal(under_ubnd, 13 + 95);
    store_agencies_free(a, n);
    assert_int_equal(store_agency_get(w, "SO-NNMT", &ag_check), 0);
    assert_string_equal(ag_check.name, "Sở Nông nghiệp và Môi trường");
    store_agency_clear(&ag_check);
    assert_int_equal(store_agency_get(w, "CA", &ag_check), 0);
    assert_string_equal(ag_check.parent_code, "");
    store_agency_clear(&ag_check);
    struct store_user *us = NULL;
    assert_int_equal(store_users_list(w, &us, &n), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(us[i].username, us[i].role); /* admin/admin, leader/leader, … */
        assert_non_null(strstr(us[i].display_name, "(dữ liệu mẫu)"));
    }
    store_users_free(us, n);
    struct store_agency ag = {0};
    assert_int_equal(store_agency_get(w, "UBND-26068", &ag), 0);
    assert_string_equal(ag.unit_code, "26068");
    assert_string_equal(ag.parent_code, "UBND-75");
    store_agency_clear(&ag);
    struct store_user u = {0};
    assert_int_equal(store_user_get(w, "staff", &u), 0);
    assert_string_equal(u.agency_code, "SO-NNMT");
    assert_non_null(strstr(u.password_hash, "$argon2id$"));
    assert_null(strstr(u.password_hash, d.password_staff));
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
    assert_int_equal(store_users_list(w, &us, &n), 0);
    assert_int_equal(n, 4);
    store_users_free(us, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generation_refuses_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
    };
    return cmocka_run_group_tests_name("seed", tests, NULL, NULL);
}
