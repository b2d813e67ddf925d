/* Unit tests for src/indicators/shares.c over a real store: the rule of a set of shares
 * (ind_shares_check), a file of shares refused row by row with nothing stored, then stored (with
 * its audit row), the shares a roll-up then uses (set, and equal parts of what is left), a
 * value of a split commune rolled up in today's geography by those shares, the export read back
 * by the import, and generation 0 moving with each change (the roll-up cache's signal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "indicators/indicators.h"
#include "indicators/indicators_int.h"
#include "sheet/sheet.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;
static int64_t ind_id, split_id, x1, x2, x3, whole_id;

static void put_unit(const char *code, const char *level, const char *parent, const char *from,
                     const char *to, int64_t *id)
{
    struct store_unit u = {.code = (char *)code,
                           .level = (char *)level,
                           .type = "Xã",
                           .name = (char *)code,
                           .full_name = (char *)code,
                           .name_en = "",
                           .parent_code = (char *)parent,
                           .valid_from = (char *)from,
                           .valid_to = (char *)to};
    assert_int_equal(store_unit_put(db, &u, NULL, id), 0);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", NULL, "", NULL), 0);
    struct store_ind_domain d = {"YT", "Y tế", "Health", 0};
    const char *cols[STORE_IND_COLUMNS] = {"YT.N",  "YT",  "Số ca", "Cases",  "",      "ca",
                                           "month", "sum", "",      "higher", "SO-YT", "entered",
                                           "+5d",   "",    "",      "",       ""};
    struct store_indicator x = {0};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x.col[i] = (char *)cols[i];
    assert_int_equal(store_ind_catalogue_put(db, &d, 1, &x, 1, NULL), 0);
    assert_int_equal(store_indicator_id(db, "YT.N", &ind_id), 0);
    put_unit("75", "province", "", "2000-01-01", "", NULL);
    put_unit("X1", "commune", "75", "2025-07-01", "", &x1);
    put_unit("X2", "commune", "75", "2025-07-01", "", &x2);
    put_unit("X3", "commune", "75", "2025-07-01", "", &x3);
    put_unit("D9", "district", "75", "2000-01-01", "2025-06-30", NULL);
    put_unit("SPLIT", "commune", "D9", "2000-01-01", "2025-06-30", &split_id);
    put_unit("WHOLE", "commune", "D9", "2000-01-01", "2025-06-30", &whole_id);
    assert_int_equal(store_succession_put(db, split_id, x1, 1, ""), 0);
    assert_int_equal(store_succession_put(db, split_id, x2, 1, ""), 0);
    assert_int_equal(store_succession_put(db, split_id, x3, 1, ""), 0);
    assert_int_equal(store_succession_put(db, whole_id, x1, 0, ""), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_rule(void **state)
{
    (void)state;
    char why[200];
    double s[3] = {0.5, 0.3, 0.2};
    bool all[3] = {true, true, true}, some[3] = {true, false, false}, none[3] = {0};
    assert_int_equal(ind_shares_check(s, all, 3, why, sizeof why), 0);
    assert_int_equal(ind_shares_check(s, some, 3, why, sizeof why), 0);
    assert_int_equal(ind_shares_check(s, none, 3, why, sizeof why), 0);
    double short_[3] = {0.5, 0.3, 0.1};
    assert_int_equal(ind_shares_check(short_, all, 3, why, sizeof why), IOC_EINVAL);
    assert_non_null(strstr(why, "add up to 0.9"));
    double full[3] = {1, 0, 0};
    assert_int_equal(ind_shares_check(full, some, 3, why, sizeof why), IOC_EINVAL);
    assert_non_null(strstr(why, "leaving nothing"));
    double zero[3] = {0, 0.5, 0.5};
    assert_int_equal(ind_shares_check(zero, all, 3, why, sizeof why), IOC_EINVAL);
    double tiny[3] = {0.5, 0.3, 0.2 + 1e-9}; /* within the tolerance of a spreadsheet's sum */
    assert_int_equal(ind_shares_check(tiny, all, 3, why, sizeof why), 0);
}

struct seen {
    char lines[16][300];
    size_t n;
};

static void keep(void *ctx, const struct ind_import_problem *p)
{
    struct seen *s = ctx;
    if (s->n < 16)
        snprintf(s->lines[s->n++], 300, "%zu %s %s", p->row, p->column, p->why);
}

static int import(const char *csv, struct seen *seen, struct ind_shares_import *im)
{
    memset(seen, 0, sizeof *seen);
    struct store_audit a = {.actor = "t",
                            .actor_role = "admin",
                            .action = "indicator.shares",
                            .target = "file:t.csv",
                            .ip = "local",
                            .outcome = "ok",
                            .request_id = ""};
    *im = (struct ind_shares_import){
        .data = csv, .len = strlen(csv), .who = "t", .audit = &a, .problem = keep, .ctx = seen};
    return store_tx(db, ind_shares_import_job, im);
}

static uint64_t gen0(void)
{
    struct ind_cache_gens_all g;
    assert_int_equal(ind_cache_gens_read(db, ind_id, &g), 0);
    uint64_t v = g.gen0;
    ind_cache_gens_free(&g);
    return v;
}

static double effective(int64_t new_id, bool *has)
{
    struct store_ind_link *l = NULL;
    size_t n = 0;
    assert_int_equal(store_ind_links(db, &l, &n), 0);
    assert_int_equal(n, 3); /* SPLIT's three links; WHOLE has one and is not listed */
    double v = -1;
    for (size_t i = 0; i < n; i++)
        if (l[i].new_id == new_id) {
            v = l[i].effective;
            *has = l[i].has_share;
        }
    free(l);
    return v;
}

static void test_import_refused_then_stored(void **state)
{
    (void)state;
    struct seen seen;
    struct ind_shares_import im;
    uint64_t g = gen0();
    /* every kind of bad row, each named; nothing stored */
    int rc = import("old,new,colour\nSPLIT,X1,red\n", &seen, &im);
    assert_int_equal(rc, IOC_EINVAL);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.lines[0],
                        "1 C unknown column 'colour': the columns are old, new and share");
    assert_string_equal(seen.lines[1], "1 share the column is missing");
    rc = import("old,new,share,old_name,effective_share\n"
                "SPLIT,X1,0.6,,\n"
                "WHOLE,X1,0.5,,\n"
                "SPLIT,X9,0.1,,\n"
                "SPLIT,X2,abc,,\n"
                "SPLIT,X2,1.5,,\n"
                "NOPE,X1,0.1,,\n",
                &seen, &im);
    assert_int_equal(rc, IOC_EINVAL);
    assert_int_equal(seen.n, 5);
    const char *want[] = {"3 old 'WHOLE' is no unit that was split",
                          "4 new 'X9' is not a successor of SPLIT", "5 share 'abc' is not a share",
                          "6 share 1.5 is not a share", "7 old 'NOPE' is no unit"};
    for (size_t k = 0; k < IOC_ARRAY_LEN(want); k++) {
        bool found = false;
        for (size_t i = 0; i < seen.n && !found; i++)
            found = strncmp(seen.lines[i], want[k], strlen(want[k])) == 0;
        if (!found)
            fail_msg("no problem '%s' (first: %s)", want[k], seen.lines[0]);
    }
    bool has = true;
    assert_true(effective(x1, &has) == 1.0 / 3 && !has);
    assert_int_equal(gen0(), g);
    /* shares that leave nothing for X3, and a link named twice */
    rc = import("old,new,share\nSPLIT,X1,60%\nSPLIT,X2,0.4\nSPLIT,X1,0.5\n", &seen, &im);
    assert_int_equal(rc, IOC_EINVAL);
    assert_non_null(strstr(seen.lines[0], "the same link as row 2"));
    rc = import("old,new,share\nSPLIT,X1,60%\nSPLIT,X2,0.4\n", &seen, &im);
    assert_int_equal(rc, IOC_EINVAL);
    assert_non_null(strstr(seen.lines[0], "leaving nothing for the 1 successor"));
    /* X1 60 %, X2 unset and X3 unset: the 40 % left in equal parts */
    rc = import("\xEF\xBB\xBFOld,New,Share\nSPLIT,X1,60 %\n", &seen, &im);
    assert_int_equal(rc, 0);
    assert_int_equal(im.set, 1);
    assert_true(gen0() > g);
    assert_true(fabs(effective(x1, &has) - 0.6) < 1e-12 && has);
    assert_true(fabs(effective(x2, &has) - 0.2) < 1e-12 && !has);
    assert_true(fabs(effective(x3, &has) - 0.2) < 1e-12 && !has);
    /* the same again: unchanged, generation 0 stays */
    g = gen0();
    rc = import("old,new,share\nSPLIT,X1,0.6\n", &seen, &im);
    assert_int_equal(rc, 0);
    assert_int_equal(im.unchanged, 1);
    assert_int_equal(gen0(), g);
    /* a value of SPLIT in March 2024 rolled up at X2 in today's geography: its 20 % */
    struct store_indvalue v = {.indicator_id = ind_id,
                               .unit_id = split_id,
                               .freq = "month",
                               .period_n = 2024 * 12 + 2,
                               .period = "2024-03",
                               .value = 1000,
                               .source = "imported",
                               .who = "t",
                               .at = "2026-12-03T00:00:00Z",
                               .note = ""};
    enum store_iv_outcome o;
    assert_int_equal(store_indvalue_put(db, &v, &o), 0);
    struct store_indicator x;
    struct ind_indicator ind;
    assert_int_equal(store_indicator_get(db, "YT.N", &x), 0);
    assert_int_equal(ind_indicator_of(db, &x, &ind), 0);
    struct ind_range r = {IND_MONTH, {IND_MONTH, 2024 * 12 + 2}, 1, "2026-01-01"};
    struct ind_rolled out;
    assert_int_equal(ind_values_rolled(db, &x, &ind, "X2", &r, &out), 0);
    assert_int_equal(out.reason, IND_OK);
    assert_true(fabs(out.obs.value - 200) < 1e-9 && out.obs.approximate);
    assert_int_equal(ind_values_rolled(db, &x, &ind, "X1", &r, &out), 0);
    assert_true(fabs(out.obs.value - 600) < 1e-9);
    /* the export, read back: nothing changes */
    struct sheet_table *t = NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ind_shares_table(db, &t), 0);
    assert_int_equal(sheet_write_csv(t, &b), 0);
    assert_int_equal(ioc_buf_putc(&b, '\0'), 0);
    sheet_table_destroy(t);
    assert_non_null(strstr(b.data, "SPLIT,SPLIT,2025-06-30,X1,X1,1,3,0.6,0.6"));
    rc = import(b.data, &seen, &im);
    ioc_buf_free(&b);
    assert_int_equal(rc, 0);
    assert_int_equal(im.unchanged, 3);
    /* cleared: equal thirds again, and the roll-up follows */
    rc = import("old,new,share\nSPLIT,X1,\n", &seen, &im);
    assert_int_equal(rc, 0);
    assert_int_equal(im.cleared, 1);
    assert_true(fabs(effective(x1, &has) - 1.0 / 3) < 1e-12 && !has);
    assert_int_equal(ind_values_rolled(db, &x, &ind, "X2", &r, &out), 0);
    assert_true(fabs(out.obs.value - 1000.0 / 3) < 1e-9);
    store_indicator_clear(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_import_refused_then_stored),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
