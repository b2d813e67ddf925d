/* Unit tests for src/indicators/overview.c: the period an indicator is read at, the change and
 * its direction by polarity, an overview line (a ratio's province value is Σnum/Σden; the
 * previous period; the light) and the freshness statuses (submitted, late, missing, due) at a
 * fixed "now". */
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

static struct ind_rolled rolled(double v)
{
    struct ind_rolled r = {.reason = IND_OK, .obs = ind_obs_of(v, 0), .inputs = 1};
    return r;
}

static void test_period_asked_and_default(void **state)
{
    (void)state;
    struct ind_period p, q4 = {IND_QUARTER, 2026 * 4 + 3};
    /* a quarter asked: a monthly indicator at its last month, a yearly one at its year */
    assert_int_equal(ind_ov_period(IND_MONTH, &q4, 0, &p), 0);
    assert_int_equal(p.n, month(2026, 12).n);
    assert_int_equal(ind_ov_period(IND_YEAR, &q4, 0, &p), 0);
    assert_true(p.freq == IND_YEAR && p.n == 2026);
    /* a month asked: a daily indicator at its last day */
    struct ind_period m = month(2026, 2), day;
    assert_int_equal(ind_ov_period(IND_DAY, &m, 0, &p), 0);
    assert_int_equal(ind_period_parse("2026-02-28", 10, &day, NULL), 0);
    assert_int_equal(p.n, day.n);
    /* no period: the latest complete one at now, read in UTC+7 (2026-11-30T17:00Z is already
     * 1 December there, so November is complete) */
    int64_t now = ind_period_start(month(2026, 12));
    assert_int_equal(ind_ov_period(IND_MONTH, NULL, now, &p), 0);
    assert_int_equal(p.n, month(2026, 11).n);
    assert_int_equal(ind_ov_period(IND_MONTH, NULL, now - 1, &p), 0);
    assert_int_equal(p.n, month(2026, 10).n);
    assert_int_equal(ind_ov_period(IND_QUARTER, NULL, now, &p), 0);
    assert_int_equal(p.n, 2026 * 4 + 2);
}

static void test_change_direction_by_polarity(void **state)
{
    (void)state;
    struct ind_rolled a = rolled(20), b = rolled(12), none = {.reason = IND_NO_INPUT};
    struct ind_change c;
    ind_change_of(&a, &b, IND_LOWER, &c); /* fewer is better */
    assert_true(c.has && c.has_pct);
    assert_near(c.abs, -8, 0);
    assert_near(c.pct, -40, 1e-12);
    assert_int_equal(c.dir, IND_DIR_BETTER);
    ind_change_of(&a, &b, IND_HIGHER, &c);
    assert_int_equal(c.dir, IND_DIR_WORSE);
    ind_change_of(&b, &a, IND_HIGHER, &c);
    assert_int_equal(c.dir, IND_DIR_BETTER);
    assert_string_equal(ind_direction_name(c.dir), "better");
    ind_change_of(&a, &a, IND_HIGHER, &c);
    assert_int_equal(c.dir, IND_DIR_SAME);
    /* from 0: a change but no percentage; from a negative value the percentage is of |prev| */
    struct ind_rolled z = rolled(0), neg = rolled(-4), up = rolled(-2);
    ind_change_of(&z, &a, IND_HIGHER, &c);
    assert_true(c.has && !c.has_pct);
    ind_change_of(&neg, &up, IND_HIGHER, &c);
    assert_near(c.pct, 50, 1e-12);
    assert_int_equal(c.dir, IND_DIR_BETTER);
    /* no value on either side: no change */
    ind_change_of(&none, &a, IND_HIGHER, &c);
    assert_false(c.has);
    assert_int_equal(c.dir, IND_DIR_NONE);
}

static struct ind_base_obs rat(struct ind_period p, double num, double den)
{
    struct ind_base_obs b = {.n = p.n, .obs = {.num = num, .den = den, .weight = 1}};
    return b;
}

static void test_line_ratio_province(void **state)
{
    (void)state;
    struct ind_indicator ind;
    memset(&ind, 0, sizeof ind);
    ind.freq = IND_MONTH;
    ind.rule = (struct ind_rule){IND_AGG_RATIO, 100};
    ind.polarity = IND_HIGHER;
    ind.has_target = true;
    ind.target = 80;
    struct ind_period sep = month(2026, 9), oct = month(2026, 10);
    /* September 1/2 and 3/4 (4/6), October 1/2, 90/100, 3/4 (94/106) */
    struct ind_base_obs rows[] = {rat(sep, 1, 2), rat(sep, 3, 4), rat(oct, 1, 2), rat(oct, 90, 100),
                                  rat(oct, 3, 4)};
    struct ind_ov_line l;
    assert_int_equal(ind_ov_line_of(&ind, oct, rows, 5, &l), 0);
    assert_int_equal(l.cur.reason, IND_OK);
    assert_near(l.cur.obs.value, 100.0 * 94 / 106, 1e-9);
    assert_true(fabs(l.cur.obs.value - (50.0 + 90 + 75) / 3) > 10); /* not a mean of % */
    assert_near(l.prev.obs.value, 100.0 * 4 / 6, 1e-9);
    assert_int_equal(l.cur.inputs, 3);
    assert_int_equal(l.change.dir, IND_DIR_BETTER);
    assert_int_equal(l.light, IND_LIGHT_GREEN);
    assert_int_equal(l.period.n, oct.n);
    /* a period of another frequency is refused */
    struct ind_period q = {IND_QUARTER, 2026 * 4 + 3};
    assert_int_equal(ind_ov_line_of(&ind, q, rows, 5, &l), IOC_EINVAL);
    /* nothing in the previous period: a value, no change */
    assert_int_equal(ind_ov_line_of(&ind, oct, rows + 2, 3, &l), 0);
    assert_int_equal(l.prev.reason, IND_NO_INPUT);
    assert_false(l.change.has);
    /* nothing at all: no light */
    assert_int_equal(ind_ov_line_of(&ind, oct, rows, 0, &l), 0);
    assert_int_equal(l.light, IND_LIGHT_NONE);
}

static void test_freshness_statuses(void **state)
{
    (void)state;
    struct ind_deadline d;
    assert_int_equal(ind_deadline_parse("+5d", 3, &d, NULL), 0);
    int64_t due = ind_deadline_due(&d, month(2026, 10)); /* 2026-11-05 24:00 UTC+7 */
    struct ind_period sixth;
    assert_int_equal(ind_period_parse("2026-11-06", 10, &sixth, NULL), 0);
    assert_int_equal(due, ind_period_start(sixth));
    int64_t before = due - 3600, after = due + 3600;
    int64_t on_time[] = {before, before - 86400, before};
    int64_t one_late[] = {before, after, before};
    struct ind_fresh f;
    ind_fresh_of(due, after, 3, on_time, 3, &f);
    assert_int_equal(f.status, IND_FRESH_SUBMITTED);
    assert_int_equal(f.on_time, 3);
    assert_string_equal(ind_fresh_status_name(f.status), "submitted");
    ind_fresh_of(due, after, 3, one_late, 3, &f);
    assert_int_equal(f.status, IND_FRESH_LATE);
    assert_int_equal(f.on_time, 2);
    assert_int_equal(f.stored, 3);
    ind_fresh_of(due, after, 3, on_time, 2, &f); /* deadline passed, one missing */
    assert_int_equal(f.status, IND_FRESH_MISSING);
    assert_int_equal(f.expected, 3);
    ind_fresh_of(due, before, 3, on_time + 1, 1, &f); /* not yet due, one missing */
    assert_int_equal(f.status, IND_FRESH_DUE);
    ind_fresh_of(due, due, 3, NULL, 0, &f); /* at the deadline itself it is late */
    assert_int_equal(f.status, IND_FRESH_MISSING);
    ind_fresh_of(due, before, 3, on_time, 3, &f); /* complete before the deadline */
    assert_int_equal(f.status, IND_FRESH_SUBMITTED);
    /* a value submitted exactly at the deadline is late */
    int64_t at_due[] = {due};
    ind_fresh_of(due, after, 1, at_due, 1, &f);
    assert_int_equal(f.status, IND_FRESH_LATE);
    /* no deadline: never late nor missing */
    ind_fresh_of(INT64_MAX, after, 3, NULL, 0, &f);
    assert_int_equal(f.status, IND_FRESH_DUE);
    assert_string_equal(ind_fresh_status_name(IND_FRESH_MISSING), "missing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_asked_and_default),
        cmocka_unit_test(test_change_direction_by_polarity),
        cmocka_unit_test(test_line_ratio_province),
        cmocka_unit_test(test_freshness_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
