/* Unit tests for src/indicators/agg.c and kinds.c: every aggregation rule on hand-computed
 * cases, chaining levels and periods, shares of a split commune, thresholds and lights, and the
 * kinds' names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

#define EPS 1e-12

/* cmocka's assert_float_equal rounds to float; this compares doubles. */
#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps)))                                                             \
            fail_msg("%.17g != %.17g", a_, b_);                                                    \
    } while (0)

static struct ind_obs ratio(double num, double den)
{
    struct ind_obs o = {.num = num, .den = den, .weight = 1};
    return o;
}

static struct ind_obs weighted(double v, double w)
{
    struct ind_obs o = {.value = v, .weight = w};
    return o;
}

/* Aggregates and asserts IND_OK. */
static struct ind_obs agg(enum ind_agg a, double scale, const struct ind_obs *in, size_t n)
{
    struct ind_rule r = {a, scale};
    struct ind_obs out = {.value = -12345};
    enum ind_reason rc = ind_aggregate(&r, in, n, &out);
    if (rc != IND_OK)
        fail_msg("%s gave %s", ind_agg_name(a), ind_reason_name(rc));
    assert_true(isfinite(out.value));
    return out;
}

static enum ind_reason agg_fails(enum ind_agg a, double scale, const struct ind_obs *in, size_t n)
{
    struct ind_rule r = {a, scale};
    struct ind_obs out = {.value = -12345};
    enum ind_reason rc = ind_aggregate(&r, in, n, &out);
    assert_true(out.value == -12345); /* untouched */
    return rc;
}

static void test_kinds_names_and_parse_agree(void **state)
{
    (void)state;
    const char *aggs[] = {"sum", "mean", "wmean", "ratio", "min", "max", "last"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(aggs); i++) {
        enum ind_agg a;
        assert_int_equal(ind_agg_parse(aggs[i], strlen(aggs[i]), &a), 0);
        assert_int_equal(a, (int)i);
        assert_string_equal(ind_agg_name(a), aggs[i]);
    }
    const char *freqs[] = {"day", "month", "quarter", "year"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(freqs); i++) {
        enum ind_freq f;
        assert_int_equal(ind_freq_parse(freqs[i], strlen(freqs[i]), &f), 0);
        assert_string_equal(ind_freq_name(f), freqs[i]);
    }
    const char *sources[] = {"entered", "imported", "api", "derived", "telemetry"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(sources); i++) {
        enum ind_source s;
        assert_int_equal(ind_source_parse(sources[i], strlen(sources[i]), &s), 0);
        assert_string_equal(ind_source_name(s), sources[i]);
    }
    enum ind_polarity p;
    assert_int_equal(ind_polarity_parse("lower", 5, &p), 0);
    assert_int_equal(p, IND_LOWER);
    assert_string_equal(ind_polarity_name(IND_HIGHER), "higher");
    enum ind_agg a = IND_AGG_SUM;
    assert_int_equal(ind_agg_parse("Sum", 3, &a), IOC_EINVAL);
    assert_int_equal(ind_agg_parse("su", 2, &a), IOC_EINVAL);
    assert_int_equal(ind_agg_parse("sums", 4, &a), IOC_EINVAL);
    assert_int_equal(ind_agg_parse("average", 7, &a), IOC_EINVAL);
    assert_int_equal(ind_freq_parse("week", 4, &(enum ind_freq){0}), IOC_EINVAL);
    assert_string_equal(ind_agg_name((enum ind_agg)99), "?");
    assert_string_equal(ind_reason_name(IND_ZERO_DENOMINATOR), "zero denominator");
    assert_string_equal(ind_light_name(IND_LIGHT_AMBER), "amber");
}

/* Commune A: 30 of 100 dossiers online (30 %); commune B: 10 of 400 (2.5 %). The province is
 * 100·40/500 = 8 %, not the mean of the percentages, 16.25 %. */
static void test_ratio_is_the_ratio_of_sums_not_the_mean_of_percentages(void **state)
{
    (void)state;
    struct ind_obs in[] = {ratio(30, 100), ratio(10, 400)};
    struct ind_obs a = agg(IND_AGG_RATIO, 100, &in[0], 1), b = agg(IND_AGG_RATIO, 100, &in[1], 1);
    assert_near(a.value, 30, EPS);
    assert_near(b.value, 2.5, EPS);
    struct ind_obs p = agg(IND_AGG_RATIO, 100, in, 2);
    assert_near(p.value, 8, EPS);
    assert_near(p.num, 40, EPS);
    assert_near(p.den, 500, EPS);
    assert_true(fabs(p.value - (a.value + b.value) / 2) > 8); /* 16.25 is far */
    /* a scale of 1 gives the plain fraction */
    assert_near(agg(IND_AGG_RATIO, 1, in, 2).value, 0.08, EPS);
    /* the input's value field plays no part */
    in[0].value = 999;
    assert_near(agg(IND_AGG_RATIO, 100, in, 2).value, 8, EPS);
}

static void test_sum_min_max(void **state)
{
    (void)state;
    struct ind_obs in[] = {ind_obs_of(1, 0), ind_obs_of(-2, 0), ind_obs_of(3.5, 0)};
    assert_near(agg(IND_AGG_SUM, 0, in, 3).value, 2.5, EPS);
    assert_near(agg(IND_AGG_MIN, 0, in, 3).value, -2, EPS);
    assert_near(agg(IND_AGG_MAX, 0, in, 3).value, 3.5, EPS);
    assert_near(agg(IND_AGG_SUM, 0, in, 1).value, 1, EPS);
}

/* 2, 4 and 9 average 5; the mean of the districts' means {3, 9} would be 6. */
static void test_mean_chains_through_levels_by_count(void **state)
{
    (void)state;
    struct ind_obs communes[] = {ind_obs_of(2, 0), ind_obs_of(4, 0), ind_obs_of(9, 0)};
    assert_near(agg(IND_AGG_MEAN, 0, communes, 3).value, 5, EPS);
    struct ind_obs districts[] = {agg(IND_AGG_MEAN, 0, communes, 2),
                                  agg(IND_AGG_MEAN, 0, communes + 2, 1)};
    assert_near(districts[0].value, 3, EPS);
    assert_near(districts[0].weight, 2, EPS);
    struct ind_obs p = agg(IND_AGG_MEAN, 0, districts, 2);
    assert_near(p.value, 5, EPS);
    assert_near(p.weight, 3, EPS);
}

/* 10 over 100 people and 20 over 300: (1,000 + 6,000) / 400 = 17.5. */
static void test_wmean_weighs_by_weight(void **state)
{
    (void)state;
    struct ind_obs in[] = {weighted(10, 100), weighted(20, 300)};
    struct ind_obs o = agg(IND_AGG_WMEAN, 0, in, 2);
    assert_near(o.value, 17.5, EPS);
    assert_near(o.weight, 400, EPS);
    struct ind_obs zero[] = {weighted(10, 0), weighted(20, 0)};
    assert_int_equal(agg_fails(IND_AGG_WMEAN, 0, zero, 2), IND_ZERO_WEIGHT);
    struct ind_obs negative[] = {weighted(10, -1), weighted(20, 3)};
    assert_int_equal(agg_fails(IND_AGG_WMEAN, 0, negative, 2), IND_BAD_INPUT);
}

static void test_last_takes_the_latest_time(void **state)
{
    (void)state;
    struct ind_obs in[] = {ind_obs_of(1, 10), ind_obs_of(2, 30), ind_obs_of(3, 20)};
    struct ind_obs o = agg(IND_AGG_LAST, 0, in, 3);
    assert_near(o.value, 2, EPS);
    assert_int_equal(o.time, 30);
    struct ind_obs tie[] = {ind_obs_of(7, 5), ind_obs_of(8, 5)};
    assert_near(agg(IND_AGG_LAST, 0, tie, 2).value, 7, EPS); /* the first of equals */
    /* every rule's result carries the latest time */
    assert_int_equal(agg(IND_AGG_SUM, 0, in, 3).time, 30);
    assert_int_equal(agg(IND_AGG_MIN, 0, in, 3).time, 30);
}

static void test_no_value_has_a_reason(void **state)
{
    (void)state;
    struct ind_obs zero[] = {ratio(0, 0), ratio(5, 0)};
    assert_int_equal(agg_fails(IND_AGG_SUM, 0, NULL, 0), IND_NO_INPUT);
    assert_int_equal(agg_fails(IND_AGG_RATIO, 100, NULL, 0), IND_NO_INPUT);
    assert_int_equal(agg_fails(IND_AGG_RATIO, 100, zero, 2), IND_ZERO_DENOMINATOR);
    struct ind_obs cancel[] = {ratio(1, 5), ratio(1, -5)};
    assert_int_equal(agg_fails(IND_AGG_RATIO, 100, cancel, 2), IND_ZERO_DENOMINATOR);
    assert_int_equal(agg_fails(IND_AGG_RATIO, 0, cancel, 1), IND_BAD_INPUT); /* scale 0 */
    assert_int_equal(agg_fails(IND_AGG_RATIO, NAN, cancel, 1), IND_BAD_INPUT);
    struct ind_obs big[] = {ind_obs_of(DBL_MAX, 0), ind_obs_of(DBL_MAX, 0)};
    assert_int_equal(agg_fails(IND_AGG_SUM, 0, big, 2), IND_OVERFLOW);
    struct ind_obs nan[] = {ind_obs_of(1, 0), ind_obs_of(NAN, 0)};
    assert_int_equal(agg_fails(IND_AGG_SUM, 0, nan, 2), IND_BAD_INPUT);
    assert_int_equal(agg_fails(IND_AGG_MAX, 0, nan, 2), IND_BAD_INPUT);
    struct ind_obs inf[] = {ratio(INFINITY, 1)};
    assert_int_equal(agg_fails(IND_AGG_RATIO, 100, inf, 1), IND_BAD_INPUT);
    struct ind_rule bad = {(enum ind_agg)42, 1};
    struct ind_obs out;
    assert_int_equal(ind_aggregate(&bad, big, 1, &out), IND_BAD_INPUT);
}

static void test_approximate_spreads_to_the_result(void **state)
{
    (void)state;
    struct ind_obs in[] = {ind_obs_of(1, 0), ind_obs_of(2, 0)};
    assert_false(agg(IND_AGG_SUM, 0, in, 2).approximate);
    in[1].approximate = true;
    for (int a = IND_AGG_SUM; a <= IND_AGG_LAST; a++) {
        in[0].num = in[1].num = 1;
        in[0].den = in[1].den = 2;
        assert_true(agg((enum ind_agg)a, 100, in, 2).approximate);
    }
}

/* Time roll-up: the three months of Q4 by each rule, then the year from quarters equals the
 * year from months directly. */
static void test_time_rollup_months_quarters_year(void **state)
{
    (void)state;
    struct ind_obs oct = ratio(30, 100), nov = ratio(45, 150), dec = ratio(5, 50);
    oct.value = 10, nov.value = 20, dec.value = 40;
    oct.time = 1, nov.time = 2, dec.time = 3;
    struct ind_obs q4[] = {oct, nov, dec};
    assert_near(agg(IND_AGG_SUM, 0, q4, 3).value, 70, EPS);
    assert_near(agg(IND_AGG_LAST, 0, q4, 3).value, 40, EPS);
    /* (30 + 45 + 5) / (100 + 150 + 50) = 80 / 300, not the mean of 30 %, 30 % and 10 % */
    struct ind_obs r = agg(IND_AGG_RATIO, 100, q4, 3);
    assert_near(r.value, 100.0 * 80 / 300, EPS);

    struct ind_obs months[12];
    for (int m = 0; m < 12; m++) {
        months[m] = ratio(m + 1, 10 * (m + 2));
        months[m].value = m * m;
        months[m].time = m;
    }
    for (int a = IND_AGG_SUM; a <= IND_AGG_LAST; a++) {
        struct ind_obs quarters[4];
        for (int q = 0; q < 4; q++)
            quarters[q] = agg((enum ind_agg)a, 100, months + 3 * q, 3);
        struct ind_obs direct = agg((enum ind_agg)a, 100, months, 12);
        struct ind_obs chained = agg((enum ind_agg)a, 100, quarters, 4);
        assert_near(direct.value, chained.value, 1e-9);
        assert_int_equal(direct.time, chained.time);
    }
}

/* Old commune X was split into N1 (60 %) and N2 (40 %). */
static void test_share_of_a_split_commune(void **state)
{
    (void)state;
    struct ind_obs x = ind_obs_of(100, 7), n1, n2;
    assert_int_equal(ind_obs_share(IND_AGG_SUM, 0.6, &x, &n1), IND_OK);
    assert_int_equal(ind_obs_share(IND_AGG_SUM, 0.4, &x, &n2), IND_OK);
    assert_near(n1.value, 60, EPS);
    assert_near(n2.value, 40, EPS);
    assert_true(n1.approximate && n2.approximate);
    assert_int_equal(n1.time, 7);
    struct ind_obs parts[] = {n1, n2};
    assert_near(agg(IND_AGG_SUM, 0, parts, 2).value, 100, EPS); /* nothing lost */

    /* a ratio keeps its percentage and gives each part its share of num and den */
    struct ind_obs r = ratio(30, 100);
    assert_int_equal(ind_obs_share(IND_AGG_RATIO, 0.6, &r, &n1), IND_OK);
    assert_near(n1.num, 18, EPS);
    assert_near(n1.den, 60, EPS);
    /* N1 also has its own observation 12/40: N1 = 100·30/100 = 30 %, approximate */
    struct ind_obs own = ratio(12, 40), in_n1[] = {own, n1};
    struct ind_obs v = agg(IND_AGG_RATIO, 100, in_n1, 2);
    assert_near(v.value, 30, EPS);
    assert_true(v.approximate);

    /* wmean scales the weight, mean its count; both keep the value */
    struct ind_obs w = weighted(50, 1000);
    assert_int_equal(ind_obs_share(IND_AGG_WMEAN, 0.25, &w, &n1), IND_OK);
    assert_near(n1.value, 50, EPS);
    assert_near(n1.weight, 250, EPS);
    assert_int_equal(ind_obs_share(IND_AGG_MEAN, 0.25, &w, &n1), IND_OK);
    assert_near(n1.value, 50, EPS);
    /* min, max, last keep the observation */
    for (int a = IND_AGG_MIN; a <= IND_AGG_LAST; a++) {
        assert_int_equal(ind_obs_share((enum ind_agg)a, 0.5, &x, &n1), IND_OK);
        assert_near(n1.value, 100, EPS);
        assert_true(n1.approximate);
    }
    /* a whole commune going to its successor is not approximate */
    assert_int_equal(ind_obs_share(IND_AGG_SUM, 1, &x, &n1), IND_OK);
    assert_near(n1.value, 100, EPS);
    assert_false(n1.approximate);
    const double bad[] = {0, -0.5, 1.0000001, NAN, INFINITY};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++)
        assert_int_equal(ind_obs_share(IND_AGG_SUM, bad[i], &x, &n1), IND_BAD_INPUT);
}

static struct ind_thresholds thresholds(const char *s)
{
    struct ind_thresholds t = {IND_THRESHOLDS_NONE, -1, -1};
    const char *why = NULL;
    if (ind_thresholds_parse(s, strlen(s), &t, &why) != 0)
        fail_msg("\"%s\" refused: %s", s, why);
    char back[IND_THRESHOLDS_TEXT_MAX];
    assert_int_equal(ind_thresholds_format(&t, back), 0);
    assert_string_equal(back, s);
    return t;
}

static void test_thresholds_text(void **state)
{
    (void)state;
    struct ind_thresholds t = thresholds("amber=90%");
    assert_int_equal(t.kind, IND_THRESHOLDS_RELATIVE);
    assert_near(t.amber, 90, EPS);
    t = thresholds("amber=95;red=90");
    assert_int_equal(t.kind, IND_THRESHOLDS_ABSOLUTE);
    assert_near(t.amber, 95, EPS);
    assert_near(t.red, 90, EPS);
    t = thresholds("");
    assert_int_equal(t.kind, IND_THRESHOLDS_NONE);
    thresholds("amber=110%");
    thresholds("amber=0.5;red=1");
    thresholds("amber=-2;red=-3.5");
    thresholds("amber=99.5%");
    static const char *const bad[] = {
        "10%",           "5",           "amber=",         "amber=%",        "amber=-5%",
        "amber=10 %",    " amber=10%",  "amber=10%%",     "amber=1e16%",    "amber=+5%",
        "amber=.5%",     "amber=5.%",   "amber=inf%",     "amber=nan%",     "amber=5",
        "amber=5;",      "amber=5;red", "amber=5;red=",   "amber=5;red=x",  "amber=5;red=1;",
        "red=1;amber=5", "AMBER=5%",    "amber=5;red=1%", "amber=5%;red=1", "amber=5;red=1e16"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        struct ind_thresholds u = {IND_THRESHOLDS_RELATIVE, 77, 7};
        const char *why = NULL;
        if (ind_thresholds_parse(bad[i], strlen(bad[i]), &u, &why) != IOC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_near(u.amber, 77, 0);
        assert_non_null(why);
    }
}

static void test_thresholds_check(void **state)
{
    (void)state;
    double target = 40, low = 5;
    const char *why = NULL;
    struct ind_thresholds t = thresholds("amber=90%");
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, &target, &why), 0);
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, &target, &why), IOC_EINVAL);
    assert_non_null(strstr(why, "P > 100"));
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, NULL, &why), IOC_EINVAL);
    assert_non_null(strstr(why, "needs a target"));
    t = thresholds("amber=110%");
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, &low, &why), 0);
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, &low, &why), IOC_EINVAL);
    t = thresholds("amber=35;red=30");
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, &target, &why), 0);
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, NULL, &why), 0);
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, NULL, &why), IOC_EINVAL);
    assert_non_null(strstr(why, "above amber"));
    double under = 34;
    assert_int_equal(ind_thresholds_check(&t, IND_HIGHER, &under, &why), IOC_EINVAL);
    assert_non_null(strstr(why, "green side"));
    t = thresholds("amber=6;red=8");
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, &low, &why), 0);
    double over = 7;
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, &over, &why), IOC_EINVAL);
    t = thresholds("");
    assert_int_equal(ind_thresholds_check(&t, IND_LOWER, NULL, &why), 0);
}

static enum ind_light light(double v, double target, enum ind_polarity p, const char *t)
{
    struct ind_thresholds th = thresholds(t);
    return ind_light_of(&v, &target, p, &th);
}

static void test_light_higher_is_better(void **state)
{
    (void)state;
    /* a target of 40 %, amber from 90 % of it (36) */
    assert_int_equal(light(40, 40, IND_HIGHER, "amber=90%"), IND_LIGHT_GREEN);
    assert_int_equal(light(55, 40, IND_HIGHER, "amber=90%"), IND_LIGHT_GREEN);
    assert_int_equal(light(39.9, 40, IND_HIGHER, "amber=90%"), IND_LIGHT_AMBER);
    assert_int_equal(light(36, 40, IND_HIGHER, "amber=90%"), IND_LIGHT_AMBER);
    assert_int_equal(light(35.99, 40, IND_HIGHER, "amber=90%"), IND_LIGHT_RED);
    /* absolute: green from 95, amber down to 90, red below; the target plays no part */
    assert_int_equal(light(95, 98, IND_HIGHER, "amber=95;red=90"), IND_LIGHT_GREEN);
    assert_int_equal(light(94.9, 98, IND_HIGHER, "amber=95;red=90"), IND_LIGHT_AMBER);
    assert_int_equal(light(90, 98, IND_HIGHER, "amber=95;red=90"), IND_LIGHT_AMBER);
    assert_int_equal(light(89.9, 98, IND_HIGHER, "amber=95;red=90"), IND_LIGHT_RED);
    struct ind_thresholds abs = thresholds("amber=95;red=90");
    double v = 92;
    assert_int_equal(ind_light_of(&v, NULL, IND_HIGHER, &abs), IND_LIGHT_AMBER);
    /* no thresholds: met or red */
    assert_int_equal(light(39.9, 40, IND_HIGHER, ""), IND_LIGHT_RED);
    assert_int_equal(light(39.9, 40, IND_HIGHER, "amber=100%"), IND_LIGHT_RED);
    /* a value computed with rounding still meets its target */
    assert_int_equal(light(100.0 * 0.7 / 0.7 * 0.4 - 1e-13, 40, IND_HIGHER, ""), IND_LIGHT_GREEN);
    /* a negative target (growth of −2 %): the band is 10 % of 2 */
    assert_int_equal(light(-2.1, -2, IND_HIGHER, "amber=90%"), IND_LIGHT_AMBER);
    assert_int_equal(light(-2.3, -2, IND_HIGHER, "amber=90%"), IND_LIGHT_RED);
}

static void test_light_lower_is_better(void **state)
{
    (void)state;
    /* a target of at most 5 days to settle a dossier, amber up to 110 % of it (5.5) */
    assert_int_equal(light(5, 5, IND_LOWER, "amber=110%"), IND_LIGHT_GREEN);
    assert_int_equal(light(3, 5, IND_LOWER, "amber=110%"), IND_LIGHT_GREEN);
    assert_int_equal(light(5.5, 5, IND_LOWER, "amber=110%"), IND_LIGHT_AMBER);
    assert_int_equal(light(5.6, 5, IND_LOWER, "amber=110%"), IND_LIGHT_RED);
    /* absolute: green up to 1, amber up to 3, red above */
    assert_int_equal(light(1, 0, IND_LOWER, "amber=1;red=3"), IND_LIGHT_GREEN);
    assert_int_equal(light(2, 0, IND_LOWER, "amber=1;red=3"), IND_LIGHT_AMBER);
    assert_int_equal(light(3, 0, IND_LOWER, "amber=1;red=3"), IND_LIGHT_AMBER);
    assert_int_equal(light(3.01, 0, IND_LOWER, "amber=1;red=3"), IND_LIGHT_RED);
}

static void test_light_none_without_value_or_target(void **state)
{
    (void)state;
    struct ind_thresholds t = {IND_THRESHOLDS_RELATIVE, 90, 0};
    double v = 1, g = 2, nan = NAN;
    assert_int_equal(ind_light_of(NULL, &g, IND_HIGHER, &t), IND_LIGHT_NONE);
    assert_int_equal(ind_light_of(&v, NULL, IND_HIGHER, &t), IND_LIGHT_NONE);
    assert_int_equal(ind_light_of(&nan, &g, IND_HIGHER, &t), IND_LIGHT_NONE);
    assert_int_equal(ind_light_of(&v, &nan, IND_LOWER, &t), IND_LIGHT_NONE);
    assert_int_equal(ind_light_of(&v, &g, IND_HIGHER, NULL), IND_LIGHT_RED); /* no band */
    assert_int_equal(ind_light_of(&v, NULL, IND_HIGHER, NULL), IND_LIGHT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_names_and_parse_agree),
        cmocka_unit_test(test_ratio_is_the_ratio_of_sums_not_the_mean_of_percentages),
        cmocka_unit_test(test_sum_min_max),
        cmocka_unit_test(test_mean_chains_through_levels_by_count),
        cmocka_unit_test(test_wmean_weighs_by_weight),
        cmocka_unit_test(test_last_takes_the_latest_time),
        cmocka_unit_test(test_no_value_has_a_reason),
        cmocka_unit_test(test_approximate_spreads_to_the_result),
        cmocka_unit_test(test_time_rollup_months_quarters_year),
        cmocka_unit_test(test_share_of_a_split_commune),
        cmocka_unit_test(test_thresholds_text),
        cmocka_unit_test(test_thresholds_check),
        cmocka_unit_test(test_light_higher_is_better),
        cmocka_unit_test(test_light_lower_is_better),
        cmocka_unit_test(test_light_none_without_value_or_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
