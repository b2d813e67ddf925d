/* Unit tests for src/store/indvalues.c and the write rules of src/indicators/values.c over it:
 * revisions kept, an identical value makes no revision, closed periods refused (and a coarser
 * closed period too) then re-opened, units in force during the period, units under an
 * agency's unit, and the base rows of a roll-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "indicators/indicators.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;
static int64_t ind_id, commune_id, old_commune_id;

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
    assert_int_equal(store_agency_add(db, "UBND-75", "UBND", NULL, "75", NULL), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", "UBND-75", "", NULL), 0);
    assert_int_equal(store_agency_add(db, "UBND-X1", "UBND xã", "UBND-75", "X1", NULL), 0);
    struct store_ind_domain d = {"YT", "Y tế", "Health", 0};
    const char *cols[STORE_IND_COLUMNS] = {"YT.TL", "YT",    "Tỷ lệ", "Rate",   "",      "%",
                                           "month", "ratio", "100",   "higher", "SO-YT", "entered",
                                           "+5d",   "90",    "",      "",       ""};
    struct store_indicator x = {0};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x.col[i] = (char *)cols[i];
    assert_int_equal(store_ind_catalogue_put(db, &d, 1, &x, 1, NULL), 0);
    assert_int_equal(store_indicator_id(db, "YT.TL", &ind_id), 0);
    put_unit("75", "province", "", "2000-01-01", "2025-06-30", NULL);
    put_unit("75", "province", "", "2025-07-01", "", NULL);
    put_unit("X1", "commune", "75", "2025-07-01", "", &commune_id);
    put_unit("X2", "commune", "75", "2025-07-01", "", NULL);
    put_unit("D9", "district", "75", "2000-01-01", "2025-06-30", NULL);
    put_unit("OLD", "commune", "D9", "2000-01-01", "2025-06-30", &old_commune_id);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static struct store_indvalue value(int64_t unit, const char *period, int64_t n, double num,
                                   double den, const char *who)
{
    struct store_indvalue v = {.indicator_id = ind_id,
                               .unit_id = unit,
                               .freq = "month",
                               .period_n = n,
                               .period = (char *)period,
                               .value = 100 * num / den,
                               .has_ratio = 1,
                               .num = num,
                               .den = den,
                               .source = "api",
                               .who = (char *)who,
                               .at = "2026-11-01T00:00:00Z",
                               .note = ""};
    return v;
}

#define OCT26 (2026 * 12 + 9)

static void test_revisions_kept_and_identical_values_make_none(void **state)
{
    (void)state;
    enum store_iv_outcome o;
    struct store_indvalue v = value(commune_id, "2026-10", OCT26, 40, 100, "an");
    assert_int_equal(store_indvalue_put(db, &v, &o), 0);
    assert_int_equal(o, STORE_IV_ADDED);
    assert_int_equal(store_indvalue_put(db, &v, &o), 0);
    assert_int_equal(o, STORE_IV_UNCHANGED);
    struct store_indvalue w = value(commune_id, "2026-10", OCT26, 45, 100, "binh");
    w.note = "sửa số liệu";
    assert_int_equal(store_indvalue_put(db, &w, &o), 0);
    assert_int_equal(o, STORE_IV_REVISED);
    struct store_indvalue *h = NULL;
    size_t n = 0;
    assert_int_equal(store_indvalue_history(db, ind_id, "month", OCT26, commune_id, &h, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].revision, 2);
    assert_string_equal(h[0].who, "binh");
    assert_string_equal(h[0].note, "sửa số liệu");
    assert_true(h[0].num == 45 && h[0].den == 100);
    assert_int_equal(h[1].revision, 1);
    assert_string_equal(h[1].who, "an");
    assert_true(h[1].num == 40 && h[1].value == 40);
    assert_string_equal(h[1].unit_code, "X1");
    store_indvalues_free(h, n);
    struct store_indvalue cur;
    assert_int_equal(store_indvalue_get(db, ind_id, "month", OCT26, commune_id, &cur), 0);
    assert_int_equal(cur.revision, 2);
    store_indvalue_clear(&cur);
}

static struct ind_indicator indicator(void)
{
    struct store_indicator x;
    assert_int_equal(store_indicator_get(db, "YT.TL", &x), 0);
    struct ind_indicator ind;
    assert_int_equal(ind_indicator_of(db, &x, &ind), 0);
    store_indicator_clear(&x);
    return ind;
}

static void test_closed_period_refused_then_reopened(void **state)
{
    (void)state;
    struct ind_indicator ind = indicator();
    struct ind_value_in in = {
        .unit = "X1", .period = "2026-09", .has_num = 1, .has_den = 1, .num = 1, .den = 4};
    struct store_indvalue out;
    struct ind_value_problem pb;
    assert_int_equal(ind_value_check(db, &ind, "", &in, &out, &pb), 0);
    assert_true(out.value == 25);
    /* the quarter holding September is closed: September is refused */
    assert_int_equal(
        store_period_set(db, "quarter", 2026 * 4 + 2, "2026-Q3", 1, "admin", "t", "đã chốt"), 0);
    assert_int_equal(ind_value_check(db, &ind, "", &in, &out, &pb), 1);
    assert_int_equal(pb.kind, IND_REFUSE_CLOSED);
    assert_string_equal(pb.field, "period");
    struct store_period_state ps;
    assert_int_equal(store_period_get(db, "quarter", 2026 * 4 + 2, &ps), 0);
    assert_int_equal(ps.closed, 1);
    assert_string_equal(ps.note, "đã chốt");
    store_period_state_clear(&ps);
    /* re-opened: accepted again */
    assert_int_equal(store_period_set(db, "quarter", 2026 * 4 + 2, "2026-Q3", 0, NULL, NULL, NULL),
                     0);
    assert_int_equal(ind_value_check(db, &ind, "", &in, &out, &pb), 0);
    assert_int_equal(store_period_get(db, "quarter", 2026 * 4 + 2, &ps), 0);
    assert_int_equal(ps.closed, 0);
}

static void test_value_rules(void **state)
{
    (void)state;
    struct ind_indicator ind = indicator();
    struct store_indvalue out;
    struct ind_value_problem pb;
    struct ind_value_in bad_den = {
        .unit = "X1", .period = "2026-10", .has_num = 1, .has_den = 1, .num = 1, .den = 0};
    assert_int_equal(ind_value_check(db, &ind, "", &bad_den, &out, &pb), 1);
    assert_string_equal(pb.field, "den");
    struct ind_value_in no_num = {.unit = "X1", .period = "2026-10", .has_value = 1, .value = 3};
    assert_int_equal(ind_value_check(db, &ind, "", &no_num, &out, &pb), 1);
    assert_string_equal(pb.field, "num");
    struct ind_value_in quarter = {
        .unit = "X1", .period = "2026-Q4", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    assert_int_equal(ind_value_check(db, &ind, "", &quarter, &out, &pb), 1);
    assert_string_equal(pb.field, "period");
    /* an old commune: fine for 2024, not in force in 2026 */
    struct ind_value_in old = {
        .unit = "OLD", .period = "2024-03", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    assert_int_equal(ind_value_check(db, &ind, "", &old, &out, &pb), 0);
    assert_int_equal(out.unit_id, old_commune_id);
    old.period = "2026-03";
    assert_int_equal(ind_value_check(db, &ind, "", &old, &out, &pb), 1);
    assert_string_equal(pb.field, "unit");
    /* under the agency's unit X1: X1 yes, X2 no; under 75: the old commune through D9 and
     * the old version of 75 */
    struct ind_value_in x2 = {
        .unit = "X2", .period = "2026-10", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    assert_int_equal(ind_value_check(db, &ind, "X1", &x2, &out, &pb), 1);
    assert_int_equal(pb.kind, IND_REFUSE_FORBIDDEN);
    x2.unit = "X1";
    assert_int_equal(ind_value_check(db, &ind, "X1", &x2, &out, &pb), 0);
    old.period = "2024-03";
    assert_int_equal(ind_value_check(db, &ind, "75", &old, &out, &pb), 0);
    char unit[64];
    assert_int_equal(ind_agency_unit(db, "SO-YT", unit), 0);
    assert_string_equal(unit, "75");
    assert_int_equal(ind_agency_unit(db, "UBND-X1", unit), 0);
    assert_string_equal(unit, "X1");
}

static void test_memo_gives_the_same_answers(void **state)
{
    (void)state;
    struct ind_indicator ind = indicator();
    static struct ind_value_memo memo;
    memset(&memo, 0, sizeof memo);
    struct ind_value_in ok = {
        .unit = "X1", .period = "2026-10", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    struct ind_value_in gone = {
        .unit = "OLD", .period = "2026-10", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    struct ind_value_in out_x2 = {
        .unit = "X2", .period = "2026-10", .has_num = 1, .has_den = 1, .num = 1, .den = 2};
    struct store_indvalue out;
    struct ind_value_problem pb;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(ind_value_check_memo(db, &ind, "X1", &ok, &out, &pb, &memo), 0);
        assert_int_equal(out.unit_id, commune_id);
        assert_int_equal(ind_value_check_memo(db, &ind, "X1", &gone, &out, &pb, &memo), 1);
        assert_string_equal(pb.field, "unit");
        assert_int_equal(pb.kind, IND_REFUSE_INVALID);
        assert_int_equal(ind_value_check_memo(db, &ind, "X1", &out_x2, &out, &pb, &memo), 1);
        assert_int_equal(pb.kind, IND_REFUSE_FORBIDDEN);
    }
    /* the old commune in its own time is remembered apart from 2026 */
    gone.period = "2024-03";
    assert_int_equal(ind_value_check_memo(db, &ind, "75", &gone, &out, &pb, &memo), 0);
    assert_int_equal(out.unit_id, old_commune_id);
}

static void test_base_rows_of_a_rollup(void **state)
{
    (void)state;
    int64_t province = 0;
    assert_int_equal(store_unit_during(db, "75", "2026-11-01", "2026-11-30", &province), 0);
    int64_t x2 = 0;
    assert_int_equal(store_unit_during(db, "X2", "2026-11-01", "2026-11-30", &x2), 0);
    enum store_iv_outcome o;
    const int64_t nov = OCT26 + 1;
    struct store_indvalue a = value(commune_id, "2026-11", nov, 1, 2, "an");
    struct store_indvalue b = value(x2, "2026-11", nov, 3, 4, "an");
    struct store_indvalue p = value(province, "2026-11", nov, 50, 100, "an");
    struct store_indvalue old = value(old_commune_id, "2024-03", 2024 * 12 + 2, 1, 1, "an");
    assert_int_equal(store_indvalue_put(db, &a, &o), 0);
    assert_int_equal(store_indvalue_put(db, &b, &o), 0);
    assert_int_equal(store_indvalue_put(db, &p, &o), 0);
    assert_int_equal(store_indvalue_put(db, &old, &o), 0);
    struct store_indbase *rows = NULL;
    size_t n = 0;
    assert_int_equal(store_indvalue_base(db, ind_id, "75", "month", 2020 * 12, nov, &rows, &n), 0);
    /* the old commune (through D9), Oct's X1 if any, Nov: own first then X1, X2 */
    int own = 0, nov_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            assert_true(rows[i].period_n >= rows[i - 1].period_n);
        if (rows[i].period_n == nov) {
            nov_rows++;
            if (rows[i].own) {
                own++;
                assert_true(rows[i].num == 50);
                assert_int_equal(nov_rows, 1);
            }
        }
    }
    assert_int_equal(own, 1);
    assert_int_equal(nov_rows, 3);
    assert_int_equal(rows[0].period_n, 2024 * 12 + 2);
    free(rows);
    /* a commune's own rows only */
    assert_int_equal(store_indvalue_base(db, ind_id, "X2", "month", nov, nov, &rows, &n), 0);
    assert_int_equal(n, 1);
    assert_true(rows[0].own && rows[0].num == 3);
    free(rows);
}

static void test_base_rows_in_todays_geography(void **state)
{
    (void)state;
    /* OLD went whole into X1; SPLIT was split between X1 and X2 */
    int64_t split = 0, x2 = 0;
    put_unit("SPLIT", "commune", "D9", "2000-01-01", "2025-06-30", &split);
    assert_int_equal(store_unit_during(db, "X2", "2026-01-01", "2026-01-01", &x2), 0);
    assert_int_equal(store_succession_put(db, old_commune_id, commune_id, 0, ""), 0);
    assert_int_equal(store_succession_put(db, split, commune_id, 1, ""), 0);
    assert_int_equal(store_succession_put(db, split, x2, 1, ""), 0);
    enum store_iv_outcome o;
    const int64_t mar = 2024 * 12 + 2;
    struct store_indvalue v = value(split, "2024-03", mar, 10, 20, "an");
    assert_int_equal(store_indvalue_put(db, &v, &o), 0);
    struct store_indbase *rows = NULL;
    size_t n = 0;
    /* X1 on 2026-01-01: OLD whole (1/1 from the roll-up test) and half of SPLIT */
    assert_int_equal(
        store_indvalue_base_at(db, ind_id, "X1", "2026-01-01", "month", mar, mar, &rows, &n), 0);
    assert_int_equal(n, 2);
    int whole = 0, half = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].share == 1 && !rows[i].approximate && rows[i].num == 1)
            whole++;
        if (rows[i].share == 0.5 && rows[i].approximate && rows[i].num == 10)
            half++;
        assert_true(rows[i].own); /* X1 itself is the unit asked for */
    }
    assert_int_equal(whole, 1);
    assert_int_equal(half, 1);
    free(rows);
    /* the province that day: all three rows, none of them its own */
    assert_int_equal(
        store_indvalue_base_at(db, ind_id, "75", "2026-01-01", "month", mar, mar, &rows, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_false(rows[i].own);
    free(rows);
    /* in the old geography the old units are themselves: SPLIT's own value, whole */
    assert_int_equal(
        store_indvalue_base_at(db, ind_id, "SPLIT", "2024-06-01", "month", mar, mar, &rows, &n), 0);
    assert_int_equal(n, 1);
    assert_true(rows[0].share == 1 && !rows[0].approximate && rows[0].own);
    free(rows);
    /* a unit not in force that day has no rows */
    assert_int_equal(
        store_indvalue_base_at(db, ind_id, "SPLIT", "2026-01-01", "month", mar, mar, &rows, &n), 0);
    assert_int_equal(n, 0);
    free(rows);
    /* the split listed with its equal shares, none set */
    struct store_ind_link *links = NULL;
    assert_int_equal(store_ind_links(db, &links, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(links[i].old_code, "SPLIT");
        assert_int_equal(links[i].links, 2);
        assert_false(links[i].has_share);
        assert_true(links[i].effective == 0.5);
    }
    free(links);
    /* 0.7 set for X1: X2 takes what is left (0.3); both still approximate */
    double seven = 0.7;
    assert_int_equal(store_ind_share_set(db, split, commune_id, &seven, "t", "2026-12-03"), 0);
    assert_int_equal(store_ind_links(db, &links, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        bool x1 = links[i].new_id == commune_id;
        assert_int_equal(links[i].has_share, x1);
        assert_true(fabs(links[i].effective - (x1 ? 0.7 : 0.3)) < 1e-12);
    }
    free(links);
    const char *units[] = {"X1", "X2"};
    const double want[] = {0.7, 0.3};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(store_indvalue_base_at(db, ind_id, units[k], "2026-01-01", "month", mar,
                                                mar, &rows, &n),
                         0);
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (rows[i].num == 10) {
                assert_true(fabs(rows[i].share - want[k]) < 1e-12 && rows[i].approximate);
                found++;
            }
        assert_int_equal(found, 1);
        free(rows);
    }
    /* a link that does not exist cannot take a share; cleared: equal parts again */
    assert_int_not_equal(store_ind_share_set(db, old_commune_id, x2, &seven, "t", "2026-12-03"), 0);
    assert_int_equal(store_ind_share_set(db, split, commune_id, NULL, "t", "2026-12-03"), 0);
    assert_int_equal(store_ind_links(db, &links, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(!links[i].has_share && links[i].effective == 0.5);
    free(links);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_revisions_kept_and_identical_values_make_none),
        cmocka_unit_test(test_closed_period_refused_then_reopened),
        cmocka_unit_test(test_value_rules),
        cmocka_unit_test(test_memo_gives_the_same_answers),
        cmocka_unit_test(test_base_rows_of_a_rollup),
        cmocka_unit_test(test_base_rows_in_todays_geography),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
