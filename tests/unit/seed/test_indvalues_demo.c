/* Unit tests for src/seed/indvalues_demo.c: the demo's synthetic indicator values are the same
 * for the same seed, every one passes the rules of a write (ind_value_check), ratios have a
 * denominator, old communes before 2025-07-01 and today's after, and the late agencies' latest
 * periods are empty. On the real units and the demo catalogue, for indicators of every
 * frequency and aggregation. */
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
#include "indicators/indicators.h"
#include "seed/seed.h"
#include "store/store.h"

#define TODAY "2026-11-15"

static struct store *st;
static struct store_conn *w;

/* One of each (frequency, aggregation), the two seeded targets, the district figures, and
 * indicators of the three late agencies (SO-TP monthly, TTR quarterly, SO-VHTTDL yearly). */
static const char *const codes[] = {
    "KTTH.GRDP_HH",
    "KTTH.GRDP_TD",
    "KTTH.NSLD_TD",
    "KTTH.CPI_CK",
    "KTTH.PPI_NN",
    "KTTH.TNBQ",
    "TCNS.THU_NSNN",
    "TCNS.DT_THU",
    "TCNS.TL_DUNO",
    "TCNS.TL_TT_DT",
    "TCNS.TL_NOXAU",
    "TMDV.XK_TD",
    "MT.PM25",
    "MT.CO",
    "MT.GIO_PM25",
    "MT.DO_MIN",
    "GTVT.TL_BUYT_DG",
    "YT.CHO_KHAM",
    "NN.NS_LUA", /* a wmean (PAHT.TG_XULY, the daily one, is computed: never generated) */
    "PCTT.MN_TRIAN",
    "PCTT.CB_CHAYRUNG",
    "DC.DANSO_TB",
    "DC.TL_60",
    "CCHC.TL_HS_TOANTRINH",
    "CCHC.TL_DVCTT_NDDN",
    "CCHC.HS_HT",
    "CCHC.TTR_CUOC",
    "VHTT.DT_QG",
};
#define NCODES (sizeof codes / sizeof codes[0])

static int setup(void **state)
{
    (void)state;
    if (store_open(test_tmpdir(), &st) || store_conn_open(st, 0, &w))
        return -1;
    struct seed_units su = {.dir = "data/vn-units"};
    struct seed_demo sd = {.password_admin = strdup("admin-pass-123"),
                           .password_leader = strdup("leader-pass-123"),
                           .password_operator = strdup("operator-pass-123"),
                           .password_staff = strdup("staff-pass-123"),
                           .indicators_dir = "data/indicators"};
    int rc = store_tx(w, seed_units_job, &su);
    if (rc == 0)
        rc = store_tx(w, seed_demo_job, &sd);
    free(sd.password_admin);
    free(sd.password_leader);
    free(sd.password_operator);
    free(sd.password_staff);
    return rc == 0 && sd.indicators > 1000 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(w);
    store_close(st);
    return 0;
}

static struct store_indicator get(const char *code)
{
    struct store_indicator x;
    memset(&x, 0, sizeof x);
    assert_int_equal(store_indicator_get(w, code, &x), 0);
    return x;
}

/* A copy of rows[0..n) (the generator reuses its buffer); strings still point at the
 * generator's, so compare before the next call to seed_iv_rows only through the numbers. */
struct key {
    int64_t unit_id, period_n;
    double value, num, den;
    int has_ratio;
    char at[32];
};

static struct key *keys_of(const struct store_indvalue *r, size_t n)
{
    struct key *k = calloc(n ? n : 1, sizeof *k);
    assert_non_null(k);
    for (size_t i = 0; i < n; i++) {
        k[i] = (struct key){r[i].unit_id, r[i].period_n,  r[i].value, r[i].num,
                            r[i].den,     r[i].has_ratio, ""};
        snprintf(k[i].at, sizeof k[i].at, "%s", r[i].at);
    }
    return k;
}

static void test_same_seed_same_rows(void **state)
{
    (void)state;
    struct seed_iv_gen *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &a), 0);
    assert_int_equal(seed_iv_open(w, TODAY, 17, &b), 0);
    assert_int_equal(seed_iv_open(w, TODAY, 18, &c), 0);
    size_t differ = 0;
    for (size_t i = 0; i < NCODES; i++) {
        struct store_indicator x = get(codes[i]);
        const struct store_indvalue *r;
        size_t na = 0, nb = 0, nc = 0;
        assert_int_equal(seed_iv_rows(a, w, &x, &r, &na), 0);
        struct key *ka = keys_of(r, na);
        assert_int_equal(seed_iv_rows(b, w, &x, &r, &nb), 0);
        struct key *kb = keys_of(r, nb);
        assert_int_equal(seed_iv_rows(c, w, &x, &r, &nc), 0);
        struct key *kc = keys_of(r, nc);
        assert_true(na > 0);
        assert_int_equal(na, nb);
        assert_int_equal(na, nc);
        assert_memory_equal(ka, kb, na * sizeof *ka);
        differ += memcmp(ka, kc, na * sizeof *ka) != 0;
        free(ka);
        free(kb);
        free(kc);
        store_indicator_clear(&x);
    }
    assert_int_equal(differ, NCODES); /* another seed, other numbers */
    seed_iv_close(a);
    seed_iv_close(b);
    seed_iv_close(c);
}

/* Every row as a request would give it passes ind_value_check, which finds the same unit
 * version; a ratio's value is its scale·num/den, with den > 0. */
static void check_rows(const struct store_indicator *x, const struct store_indvalue *r, size_t n,
                       size_t *old, size_t *district)
{
    struct ind_indicator ind;
    assert_int_equal(ind_indicator_of(w, x, &ind), 0);
    struct ind_value_memo *memo = calloc(1, sizeof *memo);
    assert_non_null(memo);
    for (size_t i = 0; i < n; i++) {
        struct store_unit u = {0};
        assert_int_equal(store_unit_get_by_id(w, r[i].unit_id, &u), 0);
        struct ind_value_in in = {.unit = u.code, .period = r[i].period};
        if (r[i].has_ratio)
            in.has_num = in.has_den = true, in.num = r[i].num, in.den = r[i].den;
        else
            in.has_value = true, in.value = r[i].value;
        struct store_indvalue out;
        struct ind_value_problem pb = {0};
        int rc = ind_value_check_memo(w, &ind, "", &in, &out, &pb, memo);
        if (rc != 0)
            fail_msg("%s %s %s: %s %s", x->col[STORE_IND_CODE], u.code, r[i].period,
                     pb.field ? pb.field : "", pb.why ? pb.why : "");
        assert_int_equal(out.unit_id, r[i].unit_id);
        assert_int_equal(out.period_n, r[i].period_n);
        assert_int_equal(r[i].has_ratio, ind.rule.agg == IND_AGG_RATIO);
        if (r[i].has_ratio) {
            assert_true(r[i].den > 0);
            assert_true(r[i].num >= 0);
            assert_true(out.value == r[i].value);
            if (strcmp(x->col[STORE_IND_UNIT], "%") == 0)
                assert_true(r[i].num <= r[i].den);
        }
        assert_string_equal(r[i].source, "imported");
        assert_string_equal(r[i].who, "demo");
        *old += strcmp(u.valid_to, "2025-06-30") == 0;
        *district += strcmp(u.level, "district") == 0;
        assert_true(strcmp(u.level, "province") != 0);
        store_unit_clear(&u);
    }
    free(memo);
}

static void test_rows_pass_the_rules(void **state)
{
    (void)state;
    struct seed_iv_gen *g = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &g), 0);
    for (size_t i = 0; i < NCODES; i++) {
        struct store_indicator x = get(codes[i]);
        const struct store_indvalue *r;
        size_t n = 0, old = 0, district = 0;
        assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
        check_rows(&x, r, n, &old, &district);
        /* the old communes before 2025-07-01 only for the domains of full history */
        int full = seed_iv_full_history(x.col[STORE_IND_DOMAIN]) ||
                   strcmp(x.col[STORE_IND_AGENCY], "SO-VHTTDL") == 0 ||
                   strcmp(x.col[STORE_IND_AGENCY], "SO-TP") == 0 ||
                   strcmp(x.col[STORE_IND_AGENCY], "TTR") == 0;
        if (strcmp(x.col[STORE_IND_FREQUENCY], "day") != 0)
            assert_int_equal(old > 0, full);
        int districts = strcmp(codes[i], "DC.DANSO_TB") == 0 || strcmp(codes[i], "DC.TL_60") == 0;
        assert_int_equal(district > 0, districts);
        store_indicator_clear(&x);
    }
    seed_iv_close(g);
}

/* Month M of TODAY's 36: 2023-11 … 2026-10; a month has 95 rows from 2025-07, 270 before. */
static void test_periods_and_units(void **state)
{
    (void)state;
    struct ind_period first;
    int32_t count = 0;
    assert_int_equal(seed_iv_periods(TODAY, IND_MONTH, &first, &count), 0);
    char t[IND_PERIOD_TEXT_MAX];
    assert_int_equal(ind_period_format(first, t), 0);
    assert_string_equal(t, "2023-11");
    assert_int_equal(count, 36);
    assert_int_equal(seed_iv_periods(TODAY, IND_DAY, &first, &count), 0);
    assert_int_equal(ind_period_format(first, t), 0);
    assert_string_equal(t, "2026-09-16");
    assert_int_equal(count, 60);
    assert_int_equal(seed_iv_periods(TODAY, IND_YEAR, &first, &count), 0);
    assert_int_equal(first.n, 2023);
    assert_int_equal(seed_iv_periods("2026-13-01", IND_YEAR, &first, &count), IOC_EINVAL);

    struct seed_iv_gen *g = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &g), 0);
    struct store_indicator x = get("CCHC.TL_HS_TOANTRINH");
    const struct store_indvalue *r;
    size_t n = 0;
    assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
    assert_int_equal(n, 20 * 270 + 16 * 95);
    assert_string_equal(r[0].period, "2023-11");
    assert_string_equal(r[n - 1].period, "2026-10");
    /* some communes under the 30 % target, some over it */
    size_t under = 0, over = 0;
    for (size_t i = 0; i < n; i++)
        under += r[i].value < 30, over += r[i].value >= 30;
    assert_true(under > n / 10 && over > n / 10);
    store_indicator_clear(&x);
    seed_iv_close(g);
    assert_int_equal(seed_iv_open(w, "15/11/2026", 17, &g), IOC_EINVAL);
}

/* The figures the server computes (src/environment/figures.c, src/reports/figures.c) are never
 * invented; the reports' other codes (PAHT.PA_RAC, by a service not a group) still are. */
static void test_computed_codes_get_no_rows(void **state)
{
    (void)state;
    struct seed_iv_gen *g = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &g), 0);
    const char *computed[] = {"MT.AQI",        "MT.AQI_MAX",   "MT.AQI_NGAY_XAU",
                              "PAHT.TIEPNHAN", "PAHT.TG_XULY", "PAHT.PA_HTDT"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(computed); i++) {
        assert_true(seed_iv_computed(computed[i]));
        struct store_indicator x = get(computed[i]);
        const struct store_indvalue *r;
        size_t n = 1;
        assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
        assert_int_equal(n, 0);
        store_indicator_clear(&x);
    }
    assert_false(seed_iv_computed("MT.PM25"));
    assert_false(seed_iv_computed("PAHT.PA_RAC"));
    struct store_indicator x = get("MT.PM25");
    const struct store_indvalue *r;
    size_t n = 0;
    assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
    assert_true(n > 0);
    store_indicator_clear(&x);
    seed_iv_close(g);
}

/* SO-TP (1 period), TTR (1) and SO-VHTTDL (2) have nothing for their latest periods. */
static void test_late_agencies(void **state)
{
    (void)state;
    static const struct {
        const char *code, *agency, *last;
    } cases[] = {
        {"CCHC.HS_HT", "SO-TP", "2026-09"},
        {"CCHC.TTR_CUOC", "TTR", "2026-Q2"},
        {"VHTT.DT_QG", "SO-VHTTDL", "2023"},
        {"CCHC.TL_HS_TOANTRINH", "VP-UBND", "2026-10"},
    };
    int late = 0;
    for (size_t i = 0; i < SEED_LATE_AGENCIES; i++)
        late += strcmp(seed_late_agencies[i].code, "SO-VHTTDL") == 0 &&
                seed_late_agencies[i].periods == 2;
    assert_int_equal(late, 1);
    struct seed_iv_gen *g = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &g), 0);
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        struct store_indicator x = get(cases[i].code);
        assert_string_equal(x.col[STORE_IND_AGENCY], cases[i].agency);
        const struct store_indvalue *r;
        size_t n = 0;
        assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
        assert_true(n > 0);
        assert_string_equal(r[n - 1].period, cases[i].last);
        store_indicator_clear(&x);
    }
    seed_iv_close(g);
}

/* The job stores what the generator gives, once; a second run adds nothing. */
static void test_job_stores(void **state)
{
    (void)state;
    const char *some[] = {"CCHC.TL_DVCTT_NDDN", "DC.TL_60", "MT.PM25"};
    struct seed_indvalues j = {.today = TODAY, .seed = 17, .codes = some, .ncodes = 3};
    assert_int_equal(store_tx(w, seed_indvalues_job, &j), 0);
    assert_int_equal(j.indicators, 3);
    struct seed_iv_gen *g = NULL;
    assert_int_equal(seed_iv_open(w, TODAY, 17, &g), 0);
    int64_t want = 0;
    for (size_t i = 0; i < 3; i++) {
        struct store_indicator x = get(some[i]);
        const struct store_indvalue *r;
        size_t n = 0;
        assert_int_equal(seed_iv_rows(g, w, &x, &r, &n), 0);
        want += (int64_t)n;
        struct store_indvalue v;
        assert_int_equal(store_indvalue_get(w, r[n / 2].indicator_id, r[n / 2].freq,
                                            r[n / 2].period_n, r[n / 2].unit_id, &v),
                         0);
        assert_true(v.value == r[n / 2].value);
        assert_string_equal(v.at, r[n / 2].at);
        assert_int_equal(v.revision, 1);
        store_indvalue_clear(&v);
        store_indicator_clear(&x);
    }
    seed_iv_close(g);
    assert_int_equal(j.rows, want);
    int64_t kib = 0; /* the job set the page cache back to SQLite's 2,000 KiB */
    assert_int_equal(store_indvalues_bulk_cache(w, 2000, &kib), 0);
    assert_int_equal(kib, 2000);
    assert_int_equal(store_tx(w, seed_indvalues_job, &j), 0);
    assert_int_equal(j.rows, 0); /* all there, unchanged */
    struct seed_indvalues bad = {.today = "2026-02-30", .seed = 17};
    assert_int_equal(store_tx(w, seed_indvalues_job, &bad), IOC_EINVAL);
    assert_non_null(strstr(bad.error, "2026-02-30"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_rows),
        cmocka_unit_test(test_rows_pass_the_rules),
        cmocka_unit_test(test_periods_and_units),
        cmocka_unit_test(test_late_agencies),
        cmocka_unit_test(test_job_stores),
        cmocka_unit_test(test_computed_codes_get_no_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
