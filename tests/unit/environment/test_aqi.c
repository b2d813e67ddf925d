/* Unit tests for src/environment/aqi.c: VN_AQI (Decision 1459/QĐ-TCMT, tests/data/vn_aqi.md).
 * Every expected value was computed by hand (or, for the half-up table, with exact rational
 * arithmetic — Python's fractions — from Table 2), never by the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"

#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps)))                                                             \
            fail_msg("%.17g != %.17g", a_, b_);                                                    \
    } while (0)

struct sub_case {
    enum aqi_column col;
    double c;
    int want;
};

static void check_subs(const struct sub_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int got = aqi_subindex(t[i].col, t[i].c);
        if (got != t[i].want)
            fail_msg("case %zu: column %d, c = %.9g: %d, want %d", i, (int)t[i].col, t[i].c, got,
                     t[i].want);
    }
}

/* Table 2: every breakpoint of every column gives its I_i exactly. */
static void test_every_band_edge_of_every_column(void **state)
{
    (void)state;
    static const struct sub_case t[] = {
        {AQI_COL_O3_1H, 0, 0},
        {AQI_COL_O3_1H, 160, 50},
        {AQI_COL_O3_1H, 200, 100},
        {AQI_COL_O3_1H, 300, 150},
        {AQI_COL_O3_1H, 400, 200},
        {AQI_COL_O3_1H, 800, 300},
        {AQI_COL_O3_1H, 1000, 400},
        {AQI_COL_O3_1H, 1200, 500},
        {AQI_COL_O3_8H, 0, 0},
        {AQI_COL_O3_8H, 100, 50},
        {AQI_COL_O3_8H, 120, 100},
        {AQI_COL_O3_8H, 170, 150},
        {AQI_COL_O3_8H, 210, 200},
        {AQI_COL_O3_8H, 400, 300},
        {AQI_COL_CO, 0, 0},
        {AQI_COL_CO, 10000, 50},
        {AQI_COL_CO, 30000, 100},
        {AQI_COL_CO, 45000, 150},
        {AQI_COL_CO, 60000, 200},
        {AQI_COL_CO, 90000, 300},
        {AQI_COL_CO, 120000, 400},
        {AQI_COL_CO, 150000, 500},
        {AQI_COL_SO2, 0, 0},
        {AQI_COL_SO2, 125, 50},
        {AQI_COL_SO2, 350, 100},
        {AQI_COL_SO2, 550, 150},
        {AQI_COL_SO2, 800, 200},
        {AQI_COL_SO2, 1600, 300},
        {AQI_COL_SO2, 2100, 400},
        {AQI_COL_SO2, 2630, 500},
        {AQI_COL_NO2, 0, 0},
        {AQI_COL_NO2, 100, 50},
        {AQI_COL_NO2, 200, 100},
        {AQI_COL_NO2, 700, 150},
        {AQI_COL_NO2, 1200, 200},
        {AQI_COL_NO2, 2350, 300},
        {AQI_COL_NO2, 3100, 400},
        {AQI_COL_NO2, 3850, 500},
        {AQI_COL_PM10, 0, 0},
        {AQI_COL_PM10, 50, 50},
        {AQI_COL_PM10, 150, 100},
        {AQI_COL_PM10, 250, 150},
        {AQI_COL_PM10, 350, 200},
        {AQI_COL_PM10, 420, 300},
        {AQI_COL_PM10, 500, 400},
        {AQI_COL_PM10, 600, 500},
        {AQI_COL_PM25, 0, 0},
        {AQI_COL_PM25, 25, 50},
        {AQI_COL_PM25, 50, 100},
        {AQI_COL_PM25, 80, 150},
        {AQI_COL_PM25, 150, 200},
        {AQI_COL_PM25, 250, 300},
        {AQI_COL_PM25, 350, 400},
        {AQI_COL_PM25, 500, 500},
        /* just inside a band: 25.01 µg/m³ PM2.5 = 50 + 50·0.01/25 = 50.02 → 50; 24.99 → 49.98
         * → 50; 24.98 → 49.96 → 50; 0.01 → 0.02 → 0 */
        {AQI_COL_PM25, 25.01, 50},
        {AQI_COL_PM25, 24.99, 50},
        {AQI_COL_PM25, 0.01, 0},
        /* a mid-band value: NO2 450 = 100 + 50·250/500 = 125; CO 20000 = 50 + 50·½ = 75 */
        {AQI_COL_NO2, 450, 125},
        {AQI_COL_CO, 20000, 75},
        {AQI_COL_SO2, 1850, 350},
    };
    check_subs(t, IOC_ARRAY_LEN(t));
}

/* Past the last breakpoint: 500 (choice), except the O3 8 h column, which has no value there. */
static void test_values_past_the_last_breakpoint(void **state)
{
    (void)state;
    static const struct sub_case t[] = {
        {AQI_COL_O3_1H, 1200.000001, 500},
        {AQI_COL_O3_1H, 5000, 500},
        {AQI_COL_CO, 150000.5, 500},
        {AQI_COL_SO2, 2631, 500},
        {AQI_COL_NO2, 1e9, 500},
        {AQI_COL_PM10, 600.000001, 500},
        {AQI_COL_PM25, 501, 500},
        {AQI_COL_PM25, 1e300, 500},
        {AQI_COL_O3_8H, 400.000001, -1},
        {AQI_COL_O3_8H, 401, -1},
        {AQI_COL_O3_8H, 1e300, -1},
        /* missing: NAN, infinity, negative */
        {AQI_COL_PM25, NAN, -1},
        {AQI_COL_PM25, INFINITY, -1},
        {AQI_COL_PM25, -0.5, -1},
        {AQI_COL_CO, -1e-9, -1},
    };
    check_subs(t, IOC_ARRAY_LEN(t));
}

/* Half up, exactly. For each band of each column, C is chosen so that the exact sub-index is
 * n.5 (C = BP_i + (ΔI/2 − ½)·ΔBP/ΔI): it rounds up to n + 1, and C − 0.000001 (n.4999…) rounds
 * down to n. Expected values from exact rational arithmetic. */
static void test_rounding_is_half_up_exactly(void **state)
{
    (void)state;
    static const struct sub_case t[] = {
        {AQI_COL_O3_1H, 78.4, 25}, /* 24.5 */
        {AQI_COL_O3_1H, 78.399999, 24},
        {AQI_COL_O3_1H, 179.6, 75}, /* 74.5 */
        {AQI_COL_O3_1H, 179.599999, 74},
        {AQI_COL_O3_1H, 249.0, 125}, /* 124.5 */
        {AQI_COL_O3_1H, 248.999999, 124},
        {AQI_COL_O3_1H, 349.0, 175}, /* 174.5 */
        {AQI_COL_O3_1H, 348.999999, 174},
        {AQI_COL_O3_1H, 598.0, 250}, /* 249.5 */
        {AQI_COL_O3_1H, 597.999999, 249},
        {AQI_COL_O3_1H, 899.0, 350}, /* 349.5 */
        {AQI_COL_O3_1H, 898.999999, 349},
        {AQI_COL_O3_1H, 1099.0, 450}, /* 449.5 */
        {AQI_COL_O3_1H, 1098.999999, 449},
        {AQI_COL_O3_8H, 49.0, 25}, /* 24.5 */
        {AQI_COL_O3_8H, 48.999999, 24},
        {AQI_COL_O3_8H, 109.8, 75}, /* 74.5 */
        {AQI_COL_O3_8H, 109.799999, 74},
        {AQI_COL_O3_8H, 144.5, 125}, /* 124.5 */
        {AQI_COL_O3_8H, 144.499999, 124},
        {AQI_COL_O3_8H, 189.6, 175}, /* 174.5 */
        {AQI_COL_O3_8H, 189.599999, 174},
        {AQI_COL_O3_8H, 304.05, 250}, /* 249.5 */
        {AQI_COL_O3_8H, 304.049999, 249},
        {AQI_COL_CO, 4900.0, 25}, /* 24.5 */
        {AQI_COL_CO, 4899.999999, 24},
        {AQI_COL_CO, 19800.0, 75}, /* 74.5 */
        {AQI_COL_CO, 19799.999999, 74},
        {AQI_COL_CO, 37350.0, 125}, /* 124.5 */
        {AQI_COL_CO, 37349.999999, 124},
        {AQI_COL_CO, 52350.0, 175}, /* 174.5 */
        {AQI_COL_CO, 52349.999999, 174},
        {AQI_COL_CO, 74850.0, 250}, /* 249.5 */
        {AQI_COL_CO, 74849.999999, 249},
        {AQI_COL_CO, 104850.0, 350}, /* 349.5 */
        {AQI_COL_CO, 104849.999999, 349},
        {AQI_COL_CO, 134850.0, 450}, /* 449.5 */
        {AQI_COL_CO, 134849.999999, 449},
        {AQI_COL_SO2, 61.25, 25}, /* 24.5 */
        {AQI_COL_SO2, 61.249999, 24},
        {AQI_COL_SO2, 235.25, 75}, /* 74.5 */
        {AQI_COL_SO2, 235.249999, 74},
        {AQI_COL_SO2, 448.0, 125}, /* 124.5 */
        {AQI_COL_SO2, 447.999999, 124},
        {AQI_COL_SO2, 672.5, 175}, /* 174.5 */
        {AQI_COL_SO2, 672.499999, 174},
        {AQI_COL_SO2, 1196.0, 250}, /* 249.5 */
        {AQI_COL_SO2, 1195.999999, 249},
        {AQI_COL_SO2, 1847.5, 350}, /* 349.5 */
        {AQI_COL_SO2, 1847.499999, 349},
        {AQI_COL_SO2, 2362.35, 450}, /* 449.5 */
        {AQI_COL_SO2, 2362.349999, 449},
        {AQI_COL_NO2, 49.0, 25}, /* 24.5 */
        {AQI_COL_NO2, 48.999999, 24},
        {AQI_COL_NO2, 149.0, 75}, /* 74.5 */
        {AQI_COL_NO2, 148.999999, 74},
        {AQI_COL_NO2, 445.0, 125}, /* 124.5 */
        {AQI_COL_NO2, 444.999999, 124},
        {AQI_COL_NO2, 945.0, 175}, /* 174.5 */
        {AQI_COL_NO2, 944.999999, 174},
        {AQI_COL_NO2, 1769.25, 250}, /* 249.5 */
        {AQI_COL_NO2, 1769.249999, 249},
        {AQI_COL_NO2, 2721.25, 350}, /* 349.5 */
        {AQI_COL_NO2, 2721.249999, 349},
        {AQI_COL_NO2, 3471.25, 450}, /* 449.5 */
        {AQI_COL_NO2, 3471.249999, 449},
        {AQI_COL_PM10, 24.5, 25}, /* 24.5 */
        {AQI_COL_PM10, 24.499999, 24},
        {AQI_COL_PM10, 99.0, 75}, /* 74.5 */
        {AQI_COL_PM10, 98.999999, 74},
        {AQI_COL_PM10, 199.0, 125}, /* 124.5 */
        {AQI_COL_PM10, 198.999999, 124},
        {AQI_COL_PM10, 299.0, 175}, /* 174.5 */
        {AQI_COL_PM10, 298.999999, 174},
        {AQI_COL_PM10, 384.65, 250}, /* 249.5 */
        {AQI_COL_PM10, 384.649999, 249},
        {AQI_COL_PM10, 459.6, 350}, /* 349.5 */
        {AQI_COL_PM10, 459.599999, 349},
        {AQI_COL_PM10, 549.5, 450}, /* 449.5 */
        {AQI_COL_PM10, 549.499999, 449},
        {AQI_COL_PM25, 12.25, 25}, /* 24.5 */
        {AQI_COL_PM25, 12.249999, 24},
        {AQI_COL_PM25, 37.25, 75}, /* 74.5 */
        {AQI_COL_PM25, 37.249999, 74},
        {AQI_COL_PM25, 64.7, 125}, /* 124.5 */
        {AQI_COL_PM25, 64.699999, 124},
        {AQI_COL_PM25, 114.3, 175}, /* 174.5 */
        {AQI_COL_PM25, 114.299999, 174},
        {AQI_COL_PM25, 199.5, 250}, /* 249.5 */
        {AQI_COL_PM25, 199.499999, 249},
        {AQI_COL_PM25, 299.5, 350}, /* 349.5 */
        {AQI_COL_PM25, 299.499999, 349},
        {AQI_COL_PM25, 424.25, 450}, /* 449.5 */
        {AQI_COL_PM25, 424.249999, 449},
        /* the brief's case: PM2.5 between 25 and 50 is 50 + 2·(C − 25): 27.25 → 54.5 → 55 */
        {AQI_COL_PM25, 27.25, 55},
        {AQI_COL_PM25, 27.249999, 54},
        /* 109.5: PM2.5 55.7 = 100 + 50·5.7/30 = 109.5 → 110 */
        {AQI_COL_PM25, 55.7, 110},
        /* cases where a binary double computation of ΔI/ΔBP·(C − BP) + I gives n.49999999999997:
         * PM10 352.45 = 200 + 100·2.45/70 = 203.5; 356.65 → 209.5; 363.65 → 219.5 */
        {AQI_COL_PM10, 352.45, 204},
        {AQI_COL_PM10, 356.65, 210},
        {AQI_COL_PM10, 363.65, 220},
    };
    check_subs(t, IOC_ARRAY_LEN(t));
}

static void test_nowcast_branches_missing_hours_and_zero_window(void **state)
{
    (void)state;
    double out = -1;
    /* w* > ½: c = 30, 25, 20 → w* = 20/30 = 2/3 = w;
     * (30 + 25·2/3 + 20·4/9) / (1 + 2/3 + 4/9) = (500/9) / (19/9) = 500/19 = 26.3157894… */
    const double a[] = {30, 25, 20};
    assert_int_equal(aqi_nowcast(a, 3, &out), 0);
    assert_near(out, 500.0 / 19.0, 1e-12);
    /* w* ≤ ½: c = 10, 40, 20 → w* = 10/40 = ¼ → w = ½;
     * (10 + 40·½ + 20·¼) / (1 + ½ + ¼) = 35 / 1.75 = 20 (normalised form, choice) */
    const double b[] = {10, 40, 20};
    assert_int_equal(aqi_nowcast(b, 3, &out), 0);
    assert_near(out, 20.0, 1e-12);
    /* w* exactly ½: c = 20, 10 → w = ½; (20 + 10·½) / 1.5 = 16.666… */
    const double b2[] = {20, 10};
    assert_int_equal(aqi_nowcast(b2, 2, &out), 0);
    assert_near(out, 50.0 / 3.0, 1e-12);
    /* missing hours: c = 30, –, 20, –, 10 → w* = 10/30 → w = ½; only the present hours in both
     * sums: (30 + 20·¼ + 10·1/16) / (1 + ¼ + 1/16) = 35.625 / 1.3125 = 190/7 = 27.142857… */
    const double c[] = {30, NAN, 20, NAN, 10};
    assert_int_equal(aqi_nowcast(c, 5, &out), 0);
    assert_near(out, 190.0 / 7.0, 1e-12);
    /* a negative value is missing: 30, −5, 20 → w = 2/3; (30 + 20·4/9) / (1 + 4/9) = 350/13 */
    const double d[] = {30, -5, 20};
    assert_int_equal(aqi_nowcast(d, 3, &out), 0);
    assert_near(out, 350.0 / 13.0, 1e-12);
    /* twelve hours, w* = 60/120 = ½ → w = ½: 120, 60, 60, … (eleven 60s):
     * num = 120 + 60·(½ + ¼ + … + 1/2¹¹) = 120 + 60·(1 − 1/2¹¹) = 179.970703125,
     * den = 2 − 1/2¹¹ = 1.99951171875 → 90.0109915994… */
    double e[12];
    e[0] = 120;
    for (int i = 1; i < 12; i++)
        e[i] = 60;
    assert_int_equal(aqi_nowcast(e, 12, &out), 0);
    assert_near(out, 179.970703125 / 1.99951171875, 1e-12);
    /* only 1 of the last 3 present: no NowCast, whatever the older hours */
    const double f[] = {30, NAN, NAN, 20, 20, 20};
    out = -1;
    assert_int_equal(aqi_nowcast(f, 6, &out), IOC_ENOTFOUND);
    assert_near(out, -1, 0);
    const double g[] = {NAN, NAN, 30};
    assert_int_equal(aqi_nowcast(g, 3, &out), IOC_ENOTFOUND);
    assert_int_equal(aqi_nowcast(a, 1, &out), IOC_ENOTFOUND); /* one hour of data at all */
    /* 2 of 3 with the current hour missing */
    const double h[] = {NAN, 20, 20};
    assert_int_equal(aqi_nowcast(h, 3, &out), 0);
    assert_near(out, 20.0, 0);
    /* an all-zero window: 0 (w* would be 0/0) */
    const double z[] = {0, 0, NAN, 0};
    assert_int_equal(aqi_nowcast(z, 4, &out), 0);
    assert_near(out, 0.0, 0);
    /* a zero minimum: w* = 0 → w = ½: 0, 8 → (0 + 8·½) / 1.5 = 8/3 */
    const double y[] = {0, 8};
    assert_int_equal(aqi_nowcast(y, 2, &out), 0);
    assert_near(out, 8.0 / 3.0, 1e-12);
}

static struct aqi_hour hour(double pm25, double pm10, double no2, double so2, double co, double o3)
{
    struct aqi_hour h = {{pm25, pm10, no2, so2, co, o3}};
    return h;
}

static struct aqi_hour none(void)
{
    return hour(NAN, NAN, NAN, NAN, NAN, NAN);
}

static void test_hourly_index_with_its_parts(void **state)
{
    (void)state;
    struct aqi_result r;
    /* PM2.5 30, 25, 20 (oldest first: 20, 25, 30) → NowCast 500/19 = 26.3158 → 50 + 2·1.3158 =
     * 52.63 → 53; NO2 150 → 50 + 50·50/100 = 75; SO2 100 → 50·100/125 = 40; CO 5000 → 25;
     * O3 240 (1 h column) → 100 + 50·40/100 = 120. AQI 120, O3 dominant, class 3. */
    struct aqi_hour h[3] = {hour(20, NAN, NAN, NAN, NAN, NAN), hour(25, NAN, NAN, NAN, NAN, NAN),
                            hour(30, NAN, 150, 100, 5000, 240)};
    assert_int_equal(aqi_hourly(h, 3, &r), 0);
    assert_int_equal(r.reason, AQI_OK);
    assert_int_equal(r.sub[AQI_PM25], 53);
    assert_int_equal(r.sub[AQI_PM10], -1); /* no PM10 at all */
    assert_int_equal(r.sub[AQI_NO2], 75);
    assert_int_equal(r.sub[AQI_SO2], 40);
    assert_int_equal(r.sub[AQI_CO], 25);
    assert_int_equal(r.sub[AQI_O3], 120);
    assert_int_equal(r.aqi, 120);
    assert_int_equal(r.dominant, AQI_O3);
    assert_int_equal(r.cls, 3);
    assert_near(r.conc[AQI_PM25], 500.0 / 19.0, 1e-12);
    assert_true(isnan(r.conc[AQI_PM10]));
    assert_near(r.conc[AQI_NO2], 150, 0);
    assert_int_equal(r.o3_8h, 0);

    /* only PM10 is enough: 80, 80 → NowCast 80 → 50 + 50·30/100 = 65 */
    struct aqi_hour p10[2] = {hour(NAN, 80, NAN, NAN, NAN, NAN), hour(NAN, 80, NAN, NAN, NAN, NAN)};
    assert_int_equal(aqi_hourly(p10, 2, &r), 0);
    assert_int_equal(r.aqi, 65);
    assert_int_equal(r.dominant, AQI_PM10);
    assert_int_equal(r.cls, 2);

    /* past the last breakpoint: capped at 500, class 6 */
    struct aqi_hour big[2] = {hour(800, NAN, NAN, NAN, 200000, NAN),
                              hour(800, NAN, NAN, NAN, 200000, NAN)};
    assert_int_equal(aqi_hourly(big, 2, &r), 0);
    assert_int_equal(r.aqi, 500);
    assert_int_equal(r.dominant, AQI_PM25); /* PM2.5 and CO both 500: the enum's order */
    assert_int_equal(r.cls, 6);

    assert_int_equal(aqi_hourly(h, 0, &r), IOC_EINVAL);
    assert_int_equal(r.aqi, -1);
}

static void test_hourly_reasons_no_pm_and_nowcast_short(void **state)
{
    (void)state;
    struct aqi_result r;
    /* no PM in the window: no_pm; the other sub-indices are still given */
    struct aqi_hour a[3] = {none(), none(), hour(NAN, NAN, 150, NAN, NAN, NAN)};
    assert_int_equal(aqi_hourly(a, 3, &r), 0);
    assert_int_equal(r.reason, AQI_NO_PM);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.cls, 0);
    assert_int_equal(r.dominant, -1);
    assert_int_equal(r.sub[AQI_NO2], 75);
    /* negative PM values are missing: still no_pm */
    struct aqi_hour neg[2] = {hour(-1, -3, NAN, NAN, NAN, NAN), hour(-1, -3, 10, NAN, NAN, NAN)};
    assert_int_equal(aqi_hourly(neg, 2, &r), 0);
    assert_int_equal(r.reason, AQI_NO_PM);
    /* PM2.5 this hour only, PM10 three hours ago only: 1 of 3 each → nowcast_short */
    struct aqi_hour b[4] = {hour(NAN, 40, NAN, NAN, NAN, NAN), none(), none(),
                            hour(30, NAN, 150, NAN, NAN, NAN)};
    assert_int_equal(aqi_hourly(b, 4, &r), 0);
    assert_int_equal(r.reason, AQI_NOWCAST_SHORT);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.sub[AQI_PM25], -1);
    assert_int_equal(r.sub[AQI_NO2], 75);
    /* PM data 4 hours back only: still nowcast_short (PM in the 12-hour window) */
    struct aqi_hour c[5] = {hour(30, NAN, NAN, NAN, NAN, NAN), hour(30, NAN, NAN, NAN, NAN, NAN),
                            none(), none(), none()};
    assert_int_equal(aqi_hourly(c, 5, &r), 0);
    assert_int_equal(r.reason, AQI_NOWCAST_SHORT);
    assert_string_equal(aqi_reason_name(AQI_OK), "ok");
    assert_string_equal(aqi_reason_name(AQI_NO_PM), "no_pm");
    assert_string_equal(aqi_reason_name(AQI_NOWCAST_SHORT), "nowcast_short");
    assert_string_equal(aqi_reason_name(AQI_DAY_SHORT), "day_short");
}

static void test_dominant_ties_go_by_enum_order(void **state)
{
    (void)state;
    struct aqi_result r;
    /* PM2.5 27.25, 27.25 → 55; NO2 110 → 50 + 50·10/100 = 55: a tie, PM2.5 first */
    struct aqi_hour a[2] = {hour(27.25, NAN, NAN, NAN, NAN, NAN),
                            hour(27.25, NAN, 110, NAN, NAN, NAN)};
    assert_int_equal(aqi_hourly(a, 2, &r), 0);
    assert_int_equal(r.aqi, 55);
    assert_int_equal(r.dominant, AQI_PM25);
    /* PM2.5 10 → 20; NO2 110 → 55; SO2 147.5 → 50 + 50·22.5/225 = 55: NO2 before SO2 */
    a[0] = a[1] = hour(10, NAN, 110, 147.5, NAN, NAN);
    assert_int_equal(aqi_hourly(a, 2, &r), 0);
    assert_int_equal(r.aqi, 55);
    assert_int_equal(r.sub[AQI_SO2], 55);
    assert_int_equal(r.dominant, AQI_NO2);
}

/* aqi_hourly_series gives, for each hour, what aqi_hourly gives for the 12 hours ending there. */
static void test_hourly_series_uses_the_last_twelve(void **state)
{
    (void)state;
    struct aqi_hour h[20];
    for (int i = 0; i < 20; i++)
        h[i] = hour(i < 6 ? 400 : 10, NAN, NAN, NAN, NAN, NAN);
    struct aqi_result s[20], one;
    aqi_hourly_series(h, 20, s);
    for (size_t i = 0; i < 20; i++) {
        aqi_hourly(h, i + 1, &one);
        assert_int_equal(s[i].aqi, one.aqi);
        assert_int_equal(s[i].sub[AQI_PM25], one.sub[AQI_PM25]);
    }
    /* the first hour: one hour of PM, no NowCast */
    assert_int_equal(s[0].reason, AQI_NOWCAST_SHORT);
    /* hour 17 (index 17): window 6 … 17, all 10 → 20; hour 16 still sees the 400 of hour 5:
     * w = ½, c1..c11 = 10, c12 = 400: num = 10·(2 − 2^-10) + 400·2^-11, den = 2 − 2^-11 */
    assert_int_equal(s[17].sub[AQI_PM25], 20);
    double num = 10 * (2 - 1.0 / 1024) + 400.0 / 2048, den = 2 - 1.0 / 2048;
    assert_near(s[16].conc[AQI_PM25], num / den, 1e-12); /* 10.0952… → 20.19 → 20 */
    assert_int_equal(s[16].sub[AQI_PM25], 20);
    /* index 11: window 0 … 11, c1..c6 = 10 and c7..c12 = 400, w* = 10/400 → w = ½:
     * num = 10·(2 − 2^-5) + 400·(2^-5 − 2^-11) = 19.6875 + 12.3046875 = 31.9921875,
     * den = 2 − 2^-11 = 1.99951171875 → exactly 16 → 50·16/25 = 32 */
    assert_near(s[11].conc[AQI_PM25], 16.0, 1e-12);
    assert_int_equal(s[11].sub[AQI_PM25], 32);
}

static void fill_day(struct aqi_hour day[24])
{
    for (int i = 0; i < 24; i++)
        day[i] = none();
}

static void test_daily_pm_needs_eighteen_hours(void **state)
{
    (void)state;
    struct aqi_hour day[24];
    struct aqi_result r;
    fill_day(day);
    for (int i = 0; i < 17; i++)
        day[i].c[AQI_PM25] = 30;
    day[20].c[AQI_NO2] = 150;
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.reason, AQI_DAY_SHORT); /* 17 hours */
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.sub[AQI_PM25], -1);
    assert_int_equal(r.sub[AQI_NO2], 75);
    day[23].c[AQI_PM25] = 48; /* 18 hours: (17·30 + 48)/18 = 31 → 50 + 2·6 = 62 */
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.reason, AQI_OK);
    assert_int_equal(r.sub[AQI_PM25], 62);
    assert_near(r.conc[AQI_PM25], 31, 1e-12);
    assert_int_equal(r.aqi, 75);
    assert_int_equal(r.dominant, AQI_NO2);
    /* negative = missing: six −1 hours do not pull the mean down */
    for (int i = 17; i < 23; i++)
        day[i].c[AQI_PM25] = -1;
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_PM25], 62);
    /* no PM hour at all: no_pm */
    fill_day(day);
    day[3].c[AQI_SO2] = 100;
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.reason, AQI_NO_PM);
    assert_int_equal(r.sub[AQI_SO2], 40);
    /* prev is not part of the day's PM mean */
    struct aqi_hour prev[7];
    for (int i = 0; i < 7; i++)
        prev[i] = hour(30, 30, NAN, NAN, NAN, NAN);
    assert_int_equal(aqi_daily(day, prev, &r), 0);
    assert_int_equal(r.reason, AQI_NO_PM);
}

static void test_daily_largest_hourly_means_and_o3(void **state)
{
    (void)state;
    struct aqi_hour day[24];
    struct aqi_result r;
    fill_day(day);
    for (int i = 0; i < 24; i++)
        day[i] = hour(20, 40, 50 + i, 10, 1000, 150);
    day[7].c[AQI_NO2] = 450; /* largest NO2 → 125 */
    day[9].c[AQI_SO2] = 250; /* largest SO2 → 50 + 50·125/225 = 77.8 → 78 */
    /* PM2.5 mean 20 → 40; PM10 40 → 40; CO 1000 → 5; O3 1 h: 150 → 50·150/160 = 46.9 → 47;
     * O3 8 h: 150 → 100 + 50·30/50 = 130 wins (o3_8h) */
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_PM25], 40);
    assert_int_equal(r.sub[AQI_PM10], 40);
    assert_int_equal(r.sub[AQI_NO2], 125);
    assert_near(r.conc[AQI_NO2], 450, 0);
    assert_int_equal(r.sub[AQI_SO2], 78);
    assert_int_equal(r.sub[AQI_CO], 5);
    assert_int_equal(r.sub[AQI_O3], 130);
    assert_int_equal(r.o3_8h, 1);
    assert_near(r.conc[AQI_O3], 150, 1e-12);
    assert_int_equal(r.aqi, 130);
    assert_int_equal(r.dominant, AQI_O3);
    assert_int_equal(r.cls, 3);
    /* the 1 h one wins: one hour of 300 → 150; 8 h means at most (7·150 + 300)/8 = 168.75 →
     * 100 + 50·48.75/50 = 148.75 → 149 */
    day[12].c[AQI_O3] = 300;
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 150);
    assert_int_equal(r.o3_8h, 0);
    assert_near(r.conc[AQI_O3], 300, 0);
}

/* If the largest 8-hour mean is above 400 µg/m³, only the 1-hour sub-index counts. */
static void test_daily_o3_8h_cut_off(void **state)
{
    (void)state;
    struct aqi_hour day[24];
    struct aqi_result r;
    for (int i = 0; i < 24; i++)
        day[i] = hour(20, NAN, NAN, NAN, NAN, 450);
    /* 8 h 450 > 400 → none; 1 h 450 → 200 + 100·50/400 = 212.5 → 213 */
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 213);
    assert_int_equal(r.o3_8h, 0);
    assert_int_equal(r.aqi, 213);
    assert_int_equal(r.cls, 5);
    /* exactly 400: 8 h → 300 (the column's last breakpoint), 1 h → 200: the 8 h one wins */
    for (int i = 0; i < 24; i++)
        day[i].c[AQI_O3] = 400;
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 300);
    assert_int_equal(r.o3_8h, 1);
    assert_int_equal(r.cls, 5);
}

/* An 8-hour mean needs 6 present hours of its 8; the day's first ones reach into prev. */
static void test_daily_o3_8h_min_hours_with_prev(void **state)
{
    (void)state;
    struct aqi_hour day[24], prev[7];
    struct aqi_result r;
    fill_day(day);
    for (int i = 0; i < 18; i++)
        day[i + 6].c[AQI_PM25] = 10;
    day[0].c[AQI_O3] = day[1].c[AQI_O3] = 200;
    for (int i = 0; i < 7; i++)
        prev[i] = none();
    /* without prev: two O3 hours, no 8 h mean; 1 h 200 → 100 */
    assert_int_equal(aqi_daily(day, NULL, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 100);
    assert_int_equal(r.o3_8h, 0);
    /* prev 22:00 … 24:00 (3 hours of 100): the windows hold at most 5 present hours: none */
    prev[4].c[AQI_O3] = prev[5].c[AQI_O3] = prev[6].c[AQI_O3] = 100;
    assert_int_equal(aqi_daily(day, prev, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 100);
    assert_int_equal(r.o3_8h, 0);
    /* prev 21:00 too: the window ending at 02:00 (prev 19:00 … day 02:00) has 6 present hours,
     * (4·100 + 2·200)/6 = 133.33 → 100 + 50·13.33/50 = 113.3 → 113 */
    prev[3].c[AQI_O3] = 100;
    assert_int_equal(aqi_daily(day, prev, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 113);
    assert_int_equal(r.o3_8h, 1);
    assert_near(r.conc[AQI_O3], 800.0 / 6.0, 1e-9);
    /* negative values are missing here too */
    prev[3].c[AQI_O3] = -4;
    assert_int_equal(aqi_daily(day, prev, &r), 0);
    assert_int_equal(r.sub[AQI_O3], 100);
}

static void test_classes_names_colours_advice(void **state)
{
    (void)state;
    static const struct {
        int aqi, cls;
    } t[] = {{0, 1},   {50, 1},  {51, 2},  {100, 2}, {101, 3}, {150, 3}, {151, 4},
             {200, 4}, {201, 5}, {300, 5}, {301, 6}, {500, 6}, {-1, 0}};
    for (size_t i = 0; i < IOC_ARRAY_LEN(t); i++)
        assert_int_equal(aqi_class(t[i].aqi), t[i].cls);
    static const char *const vi[] = {"T\xe1\xbb\x91t",
                                     "Trung b\xc3\xacnh",
                                     "K\xc3\xa9m",
                                     "X\xe1\xba\xa5u",
                                     "R\xe1\xba\xa5t x\xe1\xba\xa5u",
                                     "Nguy h\xe1\xba\xa1i"};
    static const char *const en[] = {"Good", "Moderate", "Poor", "Bad", "Very bad", "Hazardous"};
    static const char *const rgb[] = {"#00e400", "#ffff00", "#ff7e00",
                                      "#ff0000", "#8f3f97", "#7e0023"};
    for (int c = 1; c <= 6; c++) {
        assert_string_equal(aqi_class_vi(c), vi[c - 1]);
        assert_string_equal(aqi_class_en(c), en[c - 1]);
        assert_string_equal(aqi_class_colour(c), rgb[c - 1]);
        assert_true(strlen(aqi_class_advice_vi(c)) > 20);
        assert_true(strlen(aqi_class_advice_en(c)) > 20);
        assert_true(ioc_utf8_valid(aqi_class_advice_vi(c), strlen(aqi_class_advice_vi(c))));
    }
    assert_string_equal(aqi_class_vi(0), "");
    assert_string_equal(aqi_class_colour(7), "");
    assert_string_equal(aqi_class_advice_en(-1), "");
    for (int p = 0; p < AQI_NPOLL; p++)
        assert_int_equal(aqi_pollutant_of(aqi_pollutant_name((enum aqi_pollutant)p)), p);
    assert_string_equal(aqi_pollutant_name(AQI_PM25), "pm25");
    assert_string_equal(aqi_pollutant_name(AQI_O3), "o3");
    assert_int_equal(aqi_pollutant_of("PM25"), -1);
    assert_int_equal(aqi_pollutant_of(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_band_edge_of_every_column),
        cmocka_unit_test(test_values_past_the_last_breakpoint),
        cmocka_unit_test(test_rounding_is_half_up_exactly),
        cmocka_unit_test(test_nowcast_branches_missing_hours_and_zero_window),
        cmocka_unit_test(test_hourly_index_with_its_parts),
        cmocka_unit_test(test_hourly_reasons_no_pm_and_nowcast_short),
        cmocka_unit_test(test_dominant_ties_go_by_enum_order),
        cmocka_unit_test(test_hourly_series_uses_the_last_twelve),
        cmocka_unit_test(test_daily_pm_needs_eighteen_hours),
        cmocka_unit_test(test_daily_largest_hourly_means_and_o3),
        cmocka_unit_test(test_daily_o3_8h_cut_off),
        cmocka_unit_test(test_daily_o3_8h_min_hours_with_prev),
        cmocka_unit_test(test_classes_names_colours_advice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
