/* Unit tests for src/indicators/rollup.c: communes → province and months → quarter by each
 * rule (ratio as Σnum/Σden, not the mean of percentages; sum; mean; last), the unit's own value
 * winning over its communes', derived indicators evaluated over rolled-up inputs, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps)))                                                             \
            fail_msg("%.17g != %.17g", a_, b_);                                                    \
    } while (0)

static struct ind_period month(int y, int m)
{
    return (struct ind_period){IND_MONTH, y * 12 + m - 1};
}

static struct ind_base_obs val(struct ind_period p, double v)
{
    struct ind_base_obs b = {.n = p.n, .obs = ind_obs_of(v, 0)};
    return b;
}

static struct ind_base_obs rat(struct ind_period p, double num, double den)
{
    struct ind_base_obs b = {.n = p.n, .obs = {.num = num, .den = den, .weight = 1}};
    return b;
}

static void test_ratio_province_is_sum_num_over_sum_den(void **state)
{
    (void)state;
    struct ind_period m = month(2026, 10);
    /* three communes: 1/2 (50 %), 90/100 (90 %), 3/4 (75 %) */
    struct ind_base_obs rows[] = {rat(m, 1, 2), rat(m, 90, 100), rat(m, 3, 4)};
    struct ind_rule r = {IND_AGG_RATIO, 100};
    struct ind_rolled out;
    assert_int_equal(ind_rollup(&r, IND_MONTH, m, 1, rows, 3, &out), 0);
    assert_int_equal(out.reason, IND_OK);
    assert_int_equal(out.inputs, 3);
    double want = 100.0 * (1 + 90 + 3) / (2 + 100 + 4);
    double mean_of_percentages = (50.0 + 90.0 + 75.0) / 3;
    assert_near(out.obs.value, want, 1e-9);
    assert_near(out.obs.num, 94, 0);
    assert_near(out.obs.den, 106, 0);
    assert_true(fabs(out.obs.value - mean_of_percentages) > 10);
}

static void test_sum_over_months_to_quarters(void **state)
{
    (void)state;
    /* Q4 2026: Oct two communes 1 + 2, Nov 4, Dec 8; Q1 2027: Jan 16 */
    struct ind_base_obs rows[] = {val(month(2026, 10), 1), val(month(2026, 10), 2),
                                  val(month(2026, 11), 4), val(month(2026, 12), 8),
                                  val(month(2027, 1), 16)};
    struct ind_rule r = {IND_AGG_SUM, 1};
    struct ind_rolled out[3];
    struct ind_period q4 = {IND_QUARTER, 2026 * 4 + 3};
    assert_int_equal(ind_rollup(&r, IND_MONTH, q4, 3, rows, 5, out), 0);
    assert_int_equal(out[0].reason, IND_OK);
    assert_near(out[0].obs.value, 15, 0);
    assert_int_equal(out[0].inputs, 4);
    assert_near(out[1].obs.value, 16, 0);
    assert_int_equal(out[2].reason, IND_NO_INPUT);
    assert_int_equal(out[2].inputs, 0);
}

static void test_own_value_wins_over_its_communes(void **state)
{
    (void)state;
    struct ind_period m = month(2026, 10), n = month(2026, 11);
    struct ind_base_obs own = val(m, 100);
    own.own = true;
    /* October: the province entered 100 itself, its communes 1 and 2; November: communes */
    struct ind_base_obs rows[] = {own, val(m, 1), val(m, 2), val(n, 5), val(n, 6)};
    struct ind_rule r = {IND_AGG_SUM, 1};
    struct ind_rolled out[2];
    assert_int_equal(ind_rollup(&r, IND_MONTH, m, 2, rows, 5, out), 0);
    assert_near(out[0].obs.value, 100, 0);
    assert_near(out[1].obs.value, 11, 0);
    struct ind_rolled q;
    struct ind_period q4 = {IND_QUARTER, 2026 * 4 + 3};
    assert_int_equal(ind_rollup(&r, IND_MONTH, q4, 1, rows, 5, &q), 0);
    assert_near(q.obs.value, 111, 0);
}

static void test_mean_weighs_every_base_value_once(void **state)
{
    (void)state;
    /* Oct: 10 and 20; Nov: 60. The quarter's mean is 30 (not the mean of 15 and 60) */
    struct ind_base_obs rows[] = {val(month(2026, 10), 10), val(month(2026, 10), 20),
                                  val(month(2026, 11), 60)};
    struct ind_rule r = {IND_AGG_MEAN, 1};
    struct ind_rolled out;
    assert_int_equal(
        ind_rollup(&r, IND_MONTH, (struct ind_period){IND_QUARTER, 2026 * 4 + 3}, 1, rows, 3, &out),
        0);
    assert_near(out.obs.value, 30, 1e-12);
    assert_near(out.obs.weight, 3, 0);
}

static void test_last_over_months_is_the_latest_month(void **state)
{
    (void)state;
    struct ind_base_obs rows[] = {val(month(2026, 10), 7), val(month(2026, 11), 9),
                                  val(month(2026, 12), 4), val(month(2027, 1), 99)};
    struct ind_rule r = {IND_AGG_LAST, 1};
    struct ind_rolled out;
    assert_int_equal(
        ind_rollup(&r, IND_MONTH, (struct ind_period){IND_QUARTER, 2026 * 4 + 3}, 1, rows, 4, &out),
        0);
    assert_near(out.obs.value, 4, 0);
    assert_int_equal(out.obs.time, ind_period_start(month(2026, 12)));
    /* and the year 2026 too, from the same rows */
    assert_int_equal(
        ind_rollup(&r, IND_MONTH, (struct ind_period){IND_YEAR, 2026}, 1, rows, 4, &out), 0);
    assert_near(out.obs.value, 4, 0);
}

static void test_derived_is_evaluated_over_rolled_up_inputs(void **state)
{
    (void)state;
    struct ind_expr *e = NULL;
    const char *text = "100 * A / B";
    assert_int_equal(ind_expr_parse(text, strlen(text), &e, NULL), 0);
    struct ind_period m = month(2026, 10);
    /* two communes: A 1 of B 2 (50 %), A 90 of B 100 (90 %) */
    struct ind_base_obs a[] = {val(m, 1), val(m, 90)}, b[] = {val(m, 2), val(m, 100)};
    struct ind_rule sum = {IND_AGG_SUM, 1};
    struct ind_rolled ra, rb, out;
    assert_int_equal(ind_rollup(&sum, IND_MONTH, m, 1, a, 2, &ra), 0);
    assert_int_equal(ind_rollup(&sum, IND_MONTH, m, 1, b, 2, &rb), 0);
    const struct ind_rolled *inputs[] = {&ra, &rb};
    ind_rollup_derived(e, inputs, 1, &out);
    assert_int_equal(out.reason, IND_OK);
    assert_near(out.obs.value, 100.0 * 91 / 102, 1e-9);
    assert_true(fabs(out.obs.value - 70.0) > 10); /* not the mean of 50 % and 90 % */
    assert_int_equal(out.inputs, 4);
    /* an input without a value: no value, and why */
    struct ind_rolled none = {.reason = IND_NO_INPUT};
    const struct ind_rolled *missing[] = {&ra, &none};
    ind_rollup_derived(e, missing, 1, &out);
    assert_int_equal(out.reason, IND_MISSING_INPUT);
    ind_expr_free(e);
}

static void test_a_share_of_a_split_commune_is_approximate(void **state)
{
    (void)state;
    struct ind_period m = month(2024, 3);
    /* a new commune: its own old commune whole (30 of 40) and half of a split one (10 of 20) */
    struct ind_base_obs rows[] = {rat(m, 30, 40), rat(m, 10, 20)};
    assert_int_equal(ind_obs_share(IND_AGG_RATIO, 0.5, &rows[1].obs, &rows[1].obs), IND_OK);
    struct ind_rule r = {IND_AGG_RATIO, 100};
    struct ind_rolled out;
    assert_int_equal(ind_rollup(&r, IND_MONTH, m, 1, rows, 2, &out), 0);
    assert_int_equal(out.reason, IND_OK);
    assert_near(out.obs.value, 100.0 * 35 / 50, 1e-9);
    assert_true(out.obs.approximate);
    /* without the split part it is exact */
    assert_int_equal(ind_rollup(&r, IND_MONTH, m, 1, rows, 1, &out), 0);
    assert_false(out.obs.approximate);
}

static void test_refusals(void **state)
{
    (void)state;
    struct ind_base_obs rows[] = {val(month(2026, 11), 1), val(month(2026, 10), 2)};
    struct ind_rule r = {IND_AGG_SUM, 1};
    struct ind_rolled out[2];
    /* rows out of order */
    assert_int_equal(ind_rollup(&r, IND_MONTH, month(2026, 10), 2, rows, 2, out), IOC_EINVAL);
    /* a day is finer than the base month */
    assert_int_equal(
        ind_rollup(&r, IND_MONTH, (struct ind_period){IND_DAY, 20000}, 1, rows, 0, out),
        IOC_EINVAL);
    /* no rows: every period has no input */
    assert_int_equal(ind_rollup(&r, IND_MONTH, month(2026, 10), 2, rows, 0, out), 0);
    assert_int_equal(out[0].reason, IND_NO_INPUT);
    assert_int_equal(out[1].reason, IND_NO_INPUT);
}

/* ind_values_duplicates: the later values of one (unit, period) are flagged, the first kept;
 * values without a unit or period are never duplicates. */
static void test_duplicates_in_one_batch(void **state)
{
    (void)state;
    const struct ind_value_in in[] = {
        {.unit = "26734", .period = "2026-10"}, {.unit = "26734", .period = "2026-11"},
        {.unit = "25993", .period = "2026-10"}, {.unit = "26734", .period = "2026-10"},
        {.unit = NULL, .period = "2026-10"},    {.unit = NULL, .period = "2026-10"},
        {.unit = "26734", .period = "2026-10"},
    };
    unsigned char dup[7];
    assert_int_equal(ind_values_duplicates(in, 7, dup), 2);
    const unsigned char want[7] = {0, 0, 0, 1, 0, 0, 1};
    assert_memory_equal(dup, want, 7);
    assert_int_equal(ind_values_duplicates(in, 3, dup), 0);
    assert_int_equal(ind_values_duplicates(in, 0, dup), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratio_province_is_sum_num_over_sum_den),
        cmocka_unit_test(test_sum_over_months_to_quarters),
        cmocka_unit_test(test_own_value_wins_over_its_communes),
        cmocka_unit_test(test_mean_weighs_every_base_value_once),
        cmocka_unit_test(test_last_over_months_is_the_latest_month),
        cmocka_unit_test(test_derived_is_evaluated_over_rolled_up_inputs),
        cmocka_unit_test(test_a_share_of_a_split_commune_is_approximate),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_duplicates_in_one_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
