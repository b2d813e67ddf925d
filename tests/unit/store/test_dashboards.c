/* Unit tests for src/store/dashboards.c: put (added, updated, unchanged, revisions, who and
 * when), the conditions on the revision (any, exists, a number; stale writes nothing), delete,
 * get, find (folded search ignoring diacritics, domain, paging, total, order, documents or
 * not), and the references a dashboard may make. */
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

static struct store_dashboard dash(const char *id, const char *title_vi, const char *domain,
                                   const char *document)
{
    struct store_dashboard d = {0};
    d.id = (char *)id;
    d.title_vi = (char *)title_vi;
    d.title_en = "Overview";
    d.domain = (char *)domain;
    d.tags = "tổng quan mẫu";
    d.panels = 3;
    d.document = (char *)document;
    d.updated_by = "admin";
    return d;
}

static enum store_dash_outcome put(const char *id, const char *title, const char *domain,
                                   const char *doc, int64_t if_revision, int64_t *revision)
{
    struct store_dashboard d = dash(id, title, domain, doc);
    enum store_dash_outcome o;
    assert_int_equal(store_dashboard_put(db, &d, if_revision, &o, revision), 0);
    return o;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    int64_t rev = 0;
    assert_int_equal(put("tong-quan-tinh", "Tổng quan tỉnh", "", "{\"a\":1}", STORE_DASH_ANY, &rev),
                     STORE_DASH_ADDED);
    assert_int_equal(rev, 1);
    put("cchc-tong-quan", "Tổng quan Cải cách hành chính", "CCHC", "{\"b\":1}", STORE_DASH_ANY,
        NULL);
    put("yt-nhom-1", "Y tế – nhóm 1: Số giường bệnh", "YT", "{\"c\":1}", STORE_DASH_ANY, NULL);
    put("yt-nhom-2", "Y tế – nhóm 2: Tỷ lệ tiêm chủng", "YT", "{\"d\":1}", STORE_DASH_ANY, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_get_gives_what_was_put(void **state)
{
    (void)state;
    struct store_dashboard d;
    assert_int_equal(store_dashboard_get(db, "cchc-tong-quan", &d), 0);
    assert_string_equal(d.title_vi, "Tổng quan Cải cách hành chính");
    assert_string_equal(d.title_en, "Overview");
    assert_string_equal(d.domain, "CCHC");
    assert_string_equal(d.tags, "tổng quan mẫu");
    assert_string_equal(d.document, "{\"b\":1}");
    assert_string_equal(d.updated_by, "admin");
    assert_int_equal(d.panels, 3);
    assert_int_equal(d.revision, 1);
    assert_int_equal(d.position, 1);
    assert_int_equal(d.updated_at[10], 'T');
    store_dashboard_clear(&d);
    assert_int_equal(store_dashboard_get(db, "none", &d), IOC_ENOTFOUND);
}

static void test_put_again_is_unchanged_or_a_new_revision(void **state)
{
    (void)state;
    int64_t rev = 0;
    assert_int_equal(
        put("yt-nhom-1", "Y tế – nhóm 1: Số giường bệnh", "YT", "{\"c\":1}", STORE_DASH_ANY, &rev),
        STORE_DASH_UNCHANGED);
    assert_int_equal(rev, 1);
    assert_int_equal(put("yt-nhom-1", "Y tế – nhóm 1", "YT", "{\"c\":2}", STORE_DASH_ANY, &rev),
                     STORE_DASH_UPDATED);
    assert_int_equal(rev, 2);
    struct store_dashboard d;
    assert_int_equal(store_dashboard_get(db, "yt-nhom-1", &d), 0);
    assert_int_equal(d.revision, 2);
    assert_int_equal(d.position, 2); /* kept */
    assert_string_equal(d.document, "{\"c\":2}");
    assert_string_equal(d.title_vi, "Y tế – nhóm 1");
    store_dashboard_clear(&d);
}

static void test_if_revision_must_hold_or_nothing_is_written(void **state)
{
    (void)state;
    int64_t rev = 0;
    assert_int_equal(put("yt-nhom-2", "T", "YT", "{\"x\":1}", 5, &rev), STORE_DASH_STALE);
    assert_int_equal(rev, 1); /* the revision stored */
    assert_int_equal(put("moi", "T", "", "{}", STORE_DASH_EXISTS, &rev), STORE_DASH_STALE);
    assert_int_equal(rev, 0);
    assert_int_equal(put("moi", "T", "", "{}", 1, &rev), STORE_DASH_STALE);
    struct store_dashboard d;
    assert_int_equal(store_dashboard_get(db, "moi", &d), IOC_ENOTFOUND);
    assert_int_equal(store_dashboard_get(db, "yt-nhom-2", &d), 0);
    assert_string_equal(d.document, "{\"d\":1}");
    store_dashboard_clear(&d);
    assert_int_equal(put("yt-nhom-2", "T", "YT", "{\"x\":1}", 1, &rev), STORE_DASH_UPDATED);
    assert_int_equal(rev, 2);
    assert_int_equal(put("yt-nhom-2", "T", "YT", "{\"x\":2}", STORE_DASH_EXISTS, &rev),
                     STORE_DASH_UPDATED);
    assert_int_equal(rev, 3);
}

static void test_delete_honours_the_revision(void **state)
{
    (void)state;
    int stale = -1;
    assert_int_equal(store_dashboard_delete(db, "yt-nhom-2", 9, &stale), 0);
    assert_int_equal(stale, 1);
    struct store_dashboard d;
    assert_int_equal(store_dashboard_get(db, "yt-nhom-2", &d), 0);
    store_dashboard_clear(&d);
    assert_int_equal(store_dashboard_delete(db, "yt-nhom-2", 1, &stale), 0);
    assert_int_equal(stale, 0);
    assert_int_equal(store_dashboard_get(db, "yt-nhom-2", &d), IOC_ENOTFOUND);
    assert_int_equal(store_dashboard_delete(db, "yt-nhom-2", STORE_DASH_ANY, &stale),
                     IOC_ENOTFOUND);
    /* a new one goes after the last */
    put("moi", "Mới", "", "{}", STORE_DASH_ANY, NULL);
    assert_int_equal(store_dashboard_get(db, "moi", &d), 0);
    assert_int_equal(d.position, 3);
    store_dashboard_clear(&d);
}

static size_t find(const char *domain, const char *q, int limit, int offset, int with_doc,
                   const char *ids, int64_t *total)
{
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    struct store_dash_query query = {domain, folded, limit, offset, with_doc};
    struct store_dashboard *d = NULL;
    size_t n = 0;
    assert_int_equal(store_dashboards_find(db, &query, &d, &n, total), 0);
    free(folded);
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, d[i].id);
        if (with_doc)
            assert_non_null(d[i].document);
        else
            assert_null(d[i].document);
    }
    assert_string_equal(got, ids);
    store_dashboards_free(d, n);
    return n;
}

static void test_find_folds_filters_and_pages(void **state)
{
    (void)state;
    int64_t total = 0;
    find(NULL, NULL, 0, 0, 0, "tong-quan-tinh cchc-tong-quan yt-nhom-1 yt-nhom-2", &total);
    assert_int_equal(total, 4);
    find(NULL, "tong quan", 0, 0, 1, "tong-quan-tinh cchc-tong-quan yt-nhom-1 yt-nhom-2", &total);
    assert_int_equal(total, 4); /* the tags hold "tổng quan" */
    find(NULL, "TIEM CHUNG", 0, 0, 1, "yt-nhom-2", &total);
    assert_int_equal(total, 1);
    find(NULL, "cải cách", 0, 0, 0, "cchc-tong-quan", NULL);
    find("YT", NULL, 0, 0, 0, "yt-nhom-1 yt-nhom-2", &total);
    find("", NULL, 0, 0, 0, "tong-quan-tinh", &total);
    assert_int_equal(total, 1);
    find(NULL, NULL, 2, 1, 0, "cchc-tong-quan yt-nhom-1", &total);
    assert_int_equal(total, 4);
    find(NULL, "khong co", 0, 0, 0, "", &total);
    assert_int_equal(total, 0);
}

static void test_references_a_dashboard_may_make(void **state)
{
    (void)state;
    struct store_ind_domain dom = {"CCHC", "Cải cách hành chính", "Reform", 0};
    struct store_indicator x = {0};
    const char *cols[STORE_IND_COLUMNS] = {
        "CCHC.A", "CCHC",  "Chỉ tiêu A", "", "", "%", "month", "sum", "",
        "higher", "SO-NV", "entered",    "", "", "",  "",      ""};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x.col[i] = (char *)cols[i];
    assert_int_equal(store_agency_add(db, "SO-NV", "Sở Nội vụ", NULL, "", NULL), 0);
    assert_int_equal(store_ind_catalogue_put(db, &dom, 1, &x, 1, NULL), 0);
    struct store_unit u = {0};
    u.code = "26734";
    u.level = "commune";
    u.name = "Biên Hoà";
    u.valid_from = "2025-07-01";
    u.valid_to = "";
    assert_int_equal(store_unit_put(db, &u, NULL, NULL), 0);
    int yes = -1;
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_INDICATOR, "CCHC.A", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_INDICATOR, "CCHC.B", &yes), 0);
    assert_int_equal(yes, 0);
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_DOMAIN, "CCHC", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_DOMAIN, "YT", &yes), 0);
    assert_int_equal(yes, 0);
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_UNIT, "26734", &yes), 0);
    assert_int_equal(yes, 1);
    assert_int_equal(store_dashboard_ref_exists(db, STORE_DASH_REF_UNIT, "99999", &yes), 0);
    assert_int_equal(yes, 0);
    assert_int_equal(store_dashboard_ref_exists(db, (enum store_dash_ref)7, "x", &yes), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_gives_what_was_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_again_is_unchanged_or_a_new_revision, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_if_revision_must_hold_or_nothing_is_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_delete_honours_the_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_folds_filters_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_a_dashboard_may_make, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
