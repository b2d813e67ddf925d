/* Unit tests for src/indicators/history.c over a real store: the whole history in one
 * geography with derived indicators — a quarterly 100*A/B over monthly sums and a yearly one
 * over it and a monthly ratio (derived over derived) — each row equal to the per-commune read
 * (ind_values_rolled, what GET …/values?unit=C&at=DAY gives), an old commune's values carried to
 * its successor, a derived period at the range's edge computed from its whole inputs, and
 * nothing handed out outside the range. */
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
#include "store/store.h"

#define AT "2026-01-01"

static struct store *st;
static struct store_conn *db;
static int64_t c1, c2, old;

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

static void indicator(struct store_indicator *x, const char *code, const char *freq,
                      const char *agg, const char *scale, const char *source, const char *deadline,
                      const char *expr)
{
    static const char *const base[STORE_IND_COLUMNS] = {
        "", "YT", "Tên", "Name", "", "x", "", "", "", "higher", "SO-YT", "", "", "", "", "", ""};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x->col[i] = (char *)base[i];
    x->col[STORE_IND_CODE] = (char *)code;
    x->col[STORE_IND_FREQUENCY] = (char *)freq;
    x->col[STORE_IND_AGGREGATION] = (char *)agg;
    x->col[STORE_IND_SCALE] = (char *)scale;
    x->col[STORE_IND_SOURCE] = (char *)source;
    x->col[STORE_IND_DEADLINE] = (char *)deadline;
    x->col[STORE_IND_EXPRESSION] = (char *)expr;
}

static void put_value(const char *code, int64_t unit, int32_t month, double value, double num,
                      double den)
{
    int64_t id;
    assert_int_equal(store_indicator_id(db, code, &id), 0);
    char period[IND_PERIOD_TEXT_MAX];
    assert_int_equal(ind_period_format((struct ind_period){IND_MONTH, month}, period), 0);
    struct store_indvalue v = {.indicator_id = id,
                               .unit_id = unit,
                               .freq = "month",
                               .period_n = month,
                               .period = period,
                               .value = value,
                               .has_ratio = den > 0,
                               .num = num,
                               .den = den,
                               .source = "imported",
                               .who = "t",
                               .at = "2026-12-03T00:00:00Z",
                               .note = ""};
    enum store_iv_outcome o;
    assert_int_equal(store_indvalue_put(db, &v, &o), 0);
}

/* The period number of month m of year y. */
static int32_t M(int32_t y, int32_t m)
{
    return y * 12 + m - 1;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", NULL, "", NULL), 0);
    struct store_ind_domain d = {"YT", "Y tế", "Health", 0};
    struct store_indicator x[5];
    memset(x, 0, sizeof x);
    indicator(&x[0], "YT.A", "month", "sum", "", "entered", "+5d", "");
    indicator(&x[1], "YT.B", "month", "sum", "", "entered", "+5d", "");
    indicator(&x[2], "YT.R", "month", "ratio", "100", "entered", "+5d", "");
    indicator(&x[3], "YT.D", "quarter", "sum", "", "derived", "", "100 * YT.A / YT.B");
    indicator(&x[4], "YT.Y", "year", "sum", "", "derived", "", "YT.D + YT.R");
    assert_int_equal(store_ind_catalogue_put(db, &d, 1, x, 5, NULL), 0);
    put_unit("75", "province", "", "2000-01-01", "", NULL);
    put_unit("C1", "commune", "75", "2000-01-01", "", &c1);
    put_unit("C2", "commune", "75", "2000-01-01", "", &c2);
    put_unit("OLD", "commune", "75", "2000-01-01", "2025-06-30", &old);
    assert_int_equal(store_succession_put(db, old, c1, 0, ""), 0);
    for (int32_t m = M(2024, 1); m <= M(2024, 6); m++) {
        put_value("YT.A", c1, m, 10 + m % 7, 0, 0);
        put_value("YT.B", c1, m, 40, 0, 0);
        put_value("YT.A", old, m, 5, 0, 0);
        put_value("YT.B", old, m, 10, 0, 0);
        put_value("YT.A", c2, m, 3, 0, 0);
        if (m != M(2024, 5)) /* C2's Q2 still has B from April and June */
            put_value("YT.B", c2, m, 12, 0, 0);
        put_value("YT.R", c1, m, 0, 1 + m % 3, 4);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

struct row {
    char indicator[16], unit[8];
    struct ind_period period;
    struct ind_rolled v;
    bool ratio;
};
struct rows {
    struct row r[256];
    size_t n;
};

static int on_row(void *ctx, const struct ind_history_row *r)
{
    struct rows *s = ctx;
    assert_true(s->n < 256);
    struct row *o = &s->r[s->n++];
    snprintf(o->indicator, sizeof o->indicator, "%s", r->indicator);
    snprintf(o->unit, sizeof o->unit, "%s", r->unit);
    o->period = r->period;
    o->v = r->v;
    o->ratio = r->ratio;
    return 0;
}

static const struct row *find(const struct rows *s, const char *code, const char *unit,
                              const char *period)
{
    for (size_t i = 0; i < s->n; i++) {
        char p[IND_PERIOD_TEXT_MAX];
        ind_period_format(s->r[i].period, p);
        if (strcmp(s->r[i].indicator, code) == 0 && strcmp(s->r[i].unit, unit) == 0 &&
            strcmp(p, period) == 0)
            return &s->r[i];
    }
    return NULL;
}

static void history(const char *from, const char *to, struct rows *s)
{
    struct ind_period a, b;
    assert_int_equal(ind_period_parse(from, strlen(from), &a, NULL), 0);
    assert_int_equal(ind_period_parse(to, strlen(to), &b, NULL), 0);
    memset(s, 0, sizeof *s);
    struct ind_history h = {
        .at = AT, .from = ind_period_start(a), .to = ind_period_end(b), .emit = on_row, .ctx = s};
    assert_int_equal(ind_history(db, &h), 0);
    assert_int_equal(h.values, (int64_t)s->n);
}

/* Every row as the per-commune read gives it. */
static void test_each_row_is_the_api_read(void **state)
{
    (void)state;
    struct rows s;
    history("2024-02", "2024-05", &s);
    assert_true(s.n > 0);
    for (size_t i = 0; i < s.n; i++) {
        const struct row *r = &s.r[i];
        struct store_indicator x;
        struct ind_indicator ind;
        assert_int_equal(store_indicator_get(db, r->indicator, &x), 0);
        assert_int_equal(ind_indicator_of(db, &x, &ind), 0);
        struct ind_range q = {r->period.freq, r->period, 1, AT};
        struct ind_rolled v;
        assert_int_equal(ind_values_rolled(db, &x, &ind, r->unit, &q, &v), 0);
        store_indicator_clear(&x);
        char p[IND_PERIOD_TEXT_MAX];
        ind_period_format(r->period, p);
        if (v.reason != r->v.reason || v.inputs != r->v.inputs ||
            v.obs.approximate != r->v.obs.approximate ||
            (v.reason == IND_OK &&
             fabs(v.obs.value - r->v.obs.value) > 1e-9 * fmax(1, fabs(v.obs.value))))
            fail_msg("%s %s %s: history %s %.12g (%d inputs), read %s %.12g (%d inputs)",
                     r->indicator, r->unit, p, ind_reason_name(r->v.reason), r->v.obs.value,
                     r->v.inputs, ind_reason_name(v.reason), v.obs.value, v.inputs);
        assert_int_equal(r->ratio, strcmp(r->indicator, "YT.R") == 0);
    }
}

static void test_derived_rows(void **state)
{
    (void)state;
    struct rows s;
    history("2024-02", "2024-05", &s);
    /* Q1 at C1: January is outside the range but inside the quarter, so it counts */
    double a = 0, b = 0;
    for (int32_t m = M(2024, 1); m <= M(2024, 3); m++) {
        a += 10 + m % 7 + 5; /* C1's own and OLD's, carried */
        b += 40 + 10;
    }
    const struct row *d = find(&s, "YT.D", "C1", "2024-Q1");
    assert_non_null(d);
    assert_int_equal(d->v.reason, IND_OK);
    assert_true(fabs(d->v.obs.value - 100 * a / b) < 1e-9);
    assert_int_equal(d->v.inputs, 12); /* 3 months × (A, B) × (C1, OLD) */
    assert_false(d->ratio);
    /* C2 in Q2: B has April and June only */
    d = find(&s, "YT.D", "C2", "2024-Q2");
    assert_non_null(d);
    assert_true(fabs(d->v.obs.value - 100 * 9.0 / 24) < 1e-9);
    /* the year over the quarterly derived one evaluated at the year, plus the ratio re-aggregated
     */
    d = find(&s, "YT.Y", "C1", "2024");
    assert_non_null(d);
    a = b = 0;
    double num = 0;
    for (int32_t m = M(2024, 1); m <= M(2024, 6); m++) {
        a += 10 + m % 7 + 5;
        b += 50;
        num += 1 + m % 3;
    }
    assert_true(fabs(d->v.obs.value - (100 * a / b + 100 * num / 24)) < 1e-9);
    /* C2 has no R: the yearly one has no value there, and says why */
    d = find(&s, "YT.Y", "C2", "2024");
    assert_non_null(d);
    assert_int_equal(d->v.reason, IND_MISSING_INPUT);
    /* nothing outside the range, derived or not */
    assert_null(find(&s, "YT.A", "C1", "2024-01"));
    assert_null(find(&s, "YT.A", "C1", "2024-06"));
    assert_non_null(find(&s, "YT.A", "C1", "2024-05"));
    assert_null(find(&s, "YT.D", "C1", "2023-Q4"));
    assert_null(find(&s, "YT.D", "C1", "2024-Q3"));
    /* a range without inputs: no derived row */
    history("2023-01", "2023-12", &s);
    assert_int_equal(s.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_row_is_the_api_read),
        cmocka_unit_test(test_derived_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
