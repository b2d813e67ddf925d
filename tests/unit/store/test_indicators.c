/* Unit tests for src/store/indicators.c: upserting a catalogue (added, updated, unchanged,
 * revisions), references to agencies and domains, get, and find (domain, folded search,
 * paging, total). */
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
#include "store/store.h"

static struct store *st;
static struct store_conn *db;

static struct store_ind_domain domains[] = {
    {"CCHC", "Cải cách hành chính – dịch vụ công", "Administrative reform", 0},
    {"YT", "Y tế", "Health", 0},
};

/* An indicator with the given code, domain, Vietnamese name and target. */
static struct store_indicator ind(const char *code, const char *domain, const char *name_vi,
                                  const char *target)
{
    struct store_indicator x = {0};
    const char *cols[STORE_IND_COLUMNS] = {
        code,     domain,  name_vi,   "Name", "Định nghĩa", "%", "month", "sum", "",
        "higher", "SO-NV", "entered", "+5d",  target,       "",  "",      ""};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x.col[i] = (char *)cols[i];
    return x;
}

static int put(struct store_indicator *x, size_t n, struct store_ind_counts *k)
{
    return store_ind_catalogue_put(db, domains, 2, x, n, k);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-NV", "Sở Nội vụ", NULL, "", NULL), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", NULL, "", NULL), 0);
    struct store_indicator x[] = {
        ind("CCHC.TL_HS", "CCHC", "Tỷ lệ hồ sơ giải quyết đúng hạn", "95"),
        ind("CCHC.HS_TN", "CCHC", "Số hồ sơ tiếp nhận", ""),
        ind("YT.GIUONG", "YT", "Số giường bệnh", ""),
    };
    struct store_ind_counts k;
    assert_int_equal(put(x, 3, &k), 0);
    assert_int_equal(k.added, 3);
    assert_int_equal(k.domains_added, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_get_gives_every_column_back(void **state)
{
    (void)state;
    struct store_indicator x;
    assert_int_equal(store_indicator_get(db, "CCHC.TL_HS", &x), 0);
    struct store_indicator want =
        ind("CCHC.TL_HS", "CCHC", "Tỷ lệ hồ sơ giải quyết đúng hạn", "95");
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        assert_string_equal(x.col[i], want.col[i]);
    assert_int_equal(x.revision, 1);
    assert_int_equal(x.position, 0);
    assert_int_equal(x.updated_at[10], 'T');
    assert_int_equal(x.updated_at[strlen(x.updated_at) - 1], 'Z');
    store_indicator_clear(&x);
    assert_int_equal(store_indicator_get(db, "CCHC.NONE", &x), IOC_ENOTFOUND);
}

static void test_put_again_counts_unchanged_and_updated(void **state)
{
    (void)state;
    struct store_indicator x[] = {
        ind("CCHC.TL_HS", "CCHC", "Tỷ lệ hồ sơ giải quyết đúng hạn", "98"),
        ind("CCHC.HS_TN", "CCHC", "Số hồ sơ tiếp nhận", ""),
        ind("YT.MOI", "YT", "Chỉ tiêu mới", ""),
    };
    struct store_ind_counts k;
    assert_int_equal(put(x, 3, &k), 0);
    assert_int_equal(k.added, 1);
    assert_int_equal(k.updated, 1);
    assert_int_equal(k.unchanged, 1);
    assert_int_equal(k.domains_unchanged, 2);
    struct store_indicator got;
    assert_int_equal(store_indicator_get(db, "CCHC.TL_HS", &got), 0);
    assert_string_equal(got.col[STORE_IND_TARGET], "98");
    assert_int_equal(got.revision, 2);
    store_indicator_clear(&got);
    assert_int_equal(store_indicator_get(db, "CCHC.HS_TN", &got), 0);
    assert_int_equal(got.revision, 1);
    store_indicator_clear(&got);
    /* a new one comes after those stored; one absent from the arrays is kept */
    assert_int_equal(store_indicator_get(db, "YT.MOI", &got), 0);
    assert_int_equal(got.position, 5);
    store_indicator_clear(&got);
    assert_int_equal(store_indicator_get(db, "YT.GIUONG", &got), 0);
    store_indicator_clear(&got);
}

static void test_unknown_agency_or_domain_is_refused(void **state)
{
    (void)state;
    struct store_indicator x = ind("YT.X", "YT", "X", "");
    x.col[STORE_IND_AGENCY] = "SO-NONE";
    assert_int_equal(store_ind_catalogue_put(db, NULL, 0, &x, 1, NULL), IOC_EINVAL);
    x = ind("ZZ.X", "ZZ", "X", "");
    assert_int_equal(store_ind_catalogue_put(db, NULL, 0, &x, 1, NULL), IOC_EINVAL);
    /* an update to an unknown agency too */
    x = ind("YT.GIUONG", "YT", "Số giường bệnh", "");
    x.col[STORE_IND_AGENCY] = "SO-NONE";
    assert_int_equal(store_ind_catalogue_put(db, NULL, 0, &x, 1, NULL), IOC_EINVAL);
}

static void test_agency_is_a_reference(void **state)
{
    (void)state;
    struct store_indicator x = ind("YT.GIUONG", "YT", "Số giường bệnh", "");
    x.col[STORE_IND_AGENCY] = "SO-YT";
    struct store_ind_counts k;
    assert_int_equal(store_ind_catalogue_put(db, NULL, 0, &x, 1, &k), 0);
    assert_int_equal(k.updated, 1);
    struct store_indicator got;
    assert_int_equal(store_indicator_get(db, "YT.GIUONG", &got), 0);
    assert_string_equal(got.col[STORE_IND_AGENCY], "SO-YT");
    store_indicator_clear(&got);
}

static size_t find(const char *domain, const char *q, int limit, int offset, int64_t *total,
                   char *first, size_t cap)
{
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    struct store_ind_query query = {domain, folded, limit, offset};
    struct store_indicator *r = NULL;
    size_t n = 0;
    assert_int_equal(store_indicators_find(db, &query, &r, &n, total), 0);
    if (first)
        snprintf(first, cap, "%s", n ? r[0].col[STORE_IND_CODE] : "");
    store_indicators_free(r, n);
    free(folded);
    return n;
}

static void test_find_by_domain_search_and_page(void **state)
{
    (void)state;
    int64_t total = 0;
    char first[64];
    assert_int_equal(find(NULL, NULL, 0, 0, &total, first, sizeof first), 3);
    assert_int_equal(total, 3);
    assert_string_equal(first, "CCHC.TL_HS");
    assert_int_equal(find("YT", NULL, 0, 0, &total, first, sizeof first), 1);
    assert_string_equal(first, "YT.GIUONG");
    /* without diacritics, any case; the code too */
    assert_int_equal(find(NULL, "ty le HO SO", 0, 0, &total, first, sizeof first), 1);
    assert_string_equal(first, "CCHC.TL_HS");
    assert_int_equal(find(NULL, "hồ sơ", 0, 0, &total, NULL, 0), 2);
    assert_int_equal(find(NULL, "yt.giuong", 0, 0, &total, NULL, 0), 1);
    assert_int_equal(find("YT", "hồ sơ", 0, 0, &total, NULL, 0), 0);
    /* paging: total counts every match */
    assert_int_equal(find(NULL, NULL, 2, 1, &total, first, sizeof first), 2);
    assert_int_equal(total, 3);
    assert_string_equal(first, "CCHC.HS_TN");
    assert_int_equal(find(NULL, NULL, 2, 3, &total, NULL, 0), 0);
}

static void test_domains_in_order(void **state)
{
    (void)state;
    struct store_ind_domain *d = NULL;
    size_t n = 0;
    assert_int_equal(store_ind_domains_list(db, &d, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].code, "CCHC");
    assert_string_equal(d[1].name_vi, "Y tế");
    store_ind_domains_free(d, n);
    struct store_ind_domain one;
    assert_int_equal(store_ind_domain_get(db, "YT", &one), 0);
    assert_int_equal(one.position, 1);
    store_ind_domain_clear(&one);
    assert_int_equal(store_ind_domain_get(db, "ZZ", &one), IOC_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_gives_every_column_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_again_counts_unchanged_and_updated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_agency_or_domain_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agency_is_a_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_by_domain_search_and_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domains_in_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
