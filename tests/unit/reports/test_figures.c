/* Unit tests for src/reports/figures.c: the citizen reports' figures per commune and local day
 * from hand-made reports, counted by hand. Times are UTC+7: D 00:00 local is D−1 17:00 UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "reports/reports.h"

#define H (INT64_C(3600000))
/* 2026-06-01 00:00 +07:00 in ms, and its local day */
#define T0 (INT64_C(1780246800) * 1000)
#define DAY0 20605

static double find(const struct ind_computed *r, size_t n, const char *code, const char *commune,
                   int32_t day)
{
    double v = NAN;
    int seen = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].code, code) == 0 && strcmp(r[i].unit, commune) == 0 &&
            r[i].period.n == day) {
            assert_int_equal(r[i].period.freq, IND_DAY);
            v = r[i].value, seen++;
        }
    assert_true(seen <= 1);
    return v;
}

static struct rep_fig_report rep(const char *commune, const char *group, const char *state,
                                 int64_t req, int64_t resolved, int64_t expected, int64_t updated)
{
    struct rep_fig_report r;
    memset(&r, 0, sizeof r);
    snprintf(r.commune, sizeof r.commune, "%s", commune);
    snprintf(r.group, sizeof r.group, "%s", group);
    snprintf(r.state, sizeof r.state, "%s", state);
    r.requested_ms = req, r.resolved_ms = resolved, r.expected_ms = expected;
    r.updated_ms = updated;
    return r;
}

static void test_figures_of_reports(void **state)
{
    (void)state;
    struct rep_fig_report r[] = {
        /* A, day 0: received 4 (2 giao-thong, 1 cay-xanh, 1 khac) */
        rep("A", "giao-thong", "received", T0 + 1 * H, 0, 0, T0 + 1 * H),
        /* resolved the same day after 3 h, by its deadline */
        rep("A", "giao-thong", "resolved", T0 + 2 * H, T0 + 5 * H, T0 + 10 * H, T0 + 5 * H),
        rep("A", "cay-xanh", "rejected", T0 + 3 * H, 0, 0, T0 + 4 * H),
        rep("A", "khac", "duplicate", T0 + 23 * H, 0, 0, T0 + 25 * H), /* merged on day 1 */
        /* received the day before (23:30 of day −1), closed on day 0 after its deadline: 8.5 h */
        rep("A", "moi-truong", "closed", T0 - H / 2, T0 + 8 * H, T0 + 6 * H, T0 + 9 * H),
        /* resolved once, then reopened: not a resolved report */
        rep("A", "giao-thong", "in_progress", T0 - 30 * H, T0 + 2 * H, 0, T0 + 3 * H),
        /* B: one received on day 0, an-ninh-trat-tu; C: none in range (day 5) */
        rep("B", "an-ninh-trat-tu", "assigned", T0 + 12 * H, 0, 0, T0 + 12 * H),
        rep("C", "giao-thong", "received", T0 + 5 * 24 * H, 0, 0, T0 + 5 * 24 * H),
        /* no commune: counted nowhere */
        rep("", "giao-thong", "resolved", T0 + H, T0 + 2 * H, 0, T0 + 2 * H),
    };
    struct ind_computed *v = NULL;
    size_t n = 0;
    assert_int_equal(rep_figures_of(r, IOC_ARRAY_LEN(r), DAY0, DAY0 + 1, &v, &n), 0);
    /* A day 0: 11 counts + TG; A day 1: 11 counts (the merge); B day 0: 11 counts */
    assert_int_equal(n, 12 + 11 + 11);
    assert_true(find(v, n, "PAHT.TIEPNHAN", "A", DAY0) == 4);
    assert_true(find(v, n, "PAHT.PA_GT", "A", DAY0) == 2);
    assert_true(find(v, n, "PAHT.PA_HTDT", "A", DAY0) == 1);
    assert_true(find(v, n, "PAHT.PA_MT", "A", DAY0) == 0); /* received the day before */
    assert_true(find(v, n, "PAHT.DAXULY", "A", DAY0) == 2);
    assert_true(find(v, n, "PAHT.DUNGHAN", "A", DAY0) == 1);
    assert_true(find(v, n, "PAHT.QUAHAN", "A", DAY0) == 1);
    assert_true(find(v, n, "PAHT.TG_XULY", "A", DAY0) == 5.75); /* (3 + 8.5) / 2 */
    assert_true(find(v, n, "PAHT.TUCHOI", "A", DAY0) == 1);
    assert_true(find(v, n, "PAHT.TRUNGLAP", "A", DAY0) == 0);
    assert_true(find(v, n, "PAHT.TRUNGLAP", "A", DAY0 + 1) == 1);
    assert_true(find(v, n, "PAHT.TIEPNHAN", "A", DAY0 + 1) == 0);
    assert_true(isnan(find(v, n, "PAHT.TG_XULY", "A", DAY0 + 1)));
    assert_true(find(v, n, "PAHT.TIEPNHAN", "B", DAY0) == 1);
    assert_true(find(v, n, "PAHT.PA_ANTT", "B", DAY0) == 1);
    assert_true(isnan(find(v, n, "PAHT.TIEPNHAN", "C", DAY0)));
    assert_true(isnan(find(v, n, "PAHT.TIEPNHAN", "", DAY0)));
    free(v);
    assert_int_equal(rep_figures_of(r, IOC_ARRAY_LEN(r), DAY0 + 10, DAY0 + 11, &v, &n), 0);
    assert_null(v);
    assert_int_equal(n, 0);
    assert_string_equal(rep_figure_code(0), "PAHT.TIEPNHAN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_of_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
