/* Unit tests for src/indicators/check.c's reference check (ind_catalogue_refs_check), which
 * reads only the rows given: a clean catalogue, a duplicate code, an unknown input, a cycle, a
 * weight that is not a summed indicator, an input reported less often than its derived
 * indicator; each finding names the indicator's index and its column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "indicators/indicators.h"
#include "store/store.h"

#define MAXF 8
struct found {
    size_t n;
    size_t index[MAXF];
    char column[MAXF][32];
    char why[MAXF][256];
};

static void on_ref(void *ctx, size_t index, const char *column, const char *why)
{
    struct found *f = ctx;
    if (f->n < MAXF) {
        f->index[f->n] = index;
        snprintf(f->column[f->n], sizeof f->column[0], "%s", column);
        snprintf(f->why[f->n], sizeof f->why[0], "%s", why);
    }
    f->n++;
}

/* A row with every column "" but code, frequency, aggregation, expression and weight. */
static void row(struct store_indicator *x, const char *code, const char *freq, const char *agg,
                const char *expr, const char *weight)
{
    memset(x, 0, sizeof *x);
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x->col[i] = "";
    x->col[STORE_IND_CODE] = (char *)code;
    x->col[STORE_IND_FREQUENCY] = (char *)freq;
    x->col[STORE_IND_AGGREGATION] = (char *)agg;
    x->col[STORE_IND_EXPRESSION] = (char *)expr;
    x->col[STORE_IND_WEIGHT] = (char *)weight;
}

static size_t check(const struct store_indicator *x, size_t n, struct found *f)
{
    memset(f, 0, sizeof *f);
    int oom = 1;
    size_t k = ind_catalogue_refs_check(x, n, on_ref, f, &oom);
    assert_int_equal(oom, 0);
    assert_int_equal(k, f->n);
    return k;
}

static void test_clean_catalogue_has_no_finding(void **state)
{
    (void)state;
    struct store_indicator x[4];
    row(&x[0], "A.POP", "year", "sum", "", "");
    row(&x[1], "A.B", "month", "sum", "", "");
    row(&x[2], "A.W", "month", "wmean", "", "A.POP");
    row(&x[3], "A.D", "year", "sum", "100*A.B/A.POP", "");
    struct found f;
    assert_int_equal(check(x, 4, &f), 0);
    /* without a callback the count is the same */
    int oom = 1;
    assert_int_equal(ind_catalogue_refs_check(x, 4, NULL, NULL, &oom), 0);
    assert_int_equal(oom, 0);
}

static void test_duplicate_and_unknown(void **state)
{
    (void)state;
    struct store_indicator x[3];
    row(&x[0], "A.B", "month", "sum", "", "");
    row(&x[1], "A.B", "month", "sum", "", "");
    row(&x[2], "A.D", "month", "sum", "A.B + A.NONE", "");
    struct found f;
    assert_int_equal(check(x, 3, &f), 2);
    int dup = 0, unknown = 0;
    for (size_t i = 0; i < 2; i++) {
        if (strcmp(f.column[i], "code") == 0) {
            dup++;
            assert_int_equal(f.index[i], 1);
            assert_string_equal(f.why[i], "the code A.B appears twice");
        } else {
            unknown++;
            assert_string_equal(f.column[i], "expression");
            assert_int_equal(f.index[i], 2);
            assert_string_equal(f.why[i], "unknown code A.NONE");
        }
    }
    assert_int_equal(dup, 1);
    assert_int_equal(unknown, 1);
}

static void test_cycle_is_named(void **state)
{
    (void)state;
    struct store_indicator x[2];
    row(&x[0], "A.X", "month", "sum", "A.Y + 1", "");
    row(&x[1], "A.Y", "month", "sum", "A.X * 2", "");
    struct found f;
    assert_int_equal(check(x, 2, &f), 1);
    assert_string_equal(f.column[0], "expression");
    assert_non_null(strstr(f.why[0], "a cycle:"));
    assert_non_null(strstr(f.why[0], "A.X"));
    assert_non_null(strstr(f.why[0], "A.Y"));
}

static void test_weight_and_frequency(void **state)
{
    (void)state;
    struct store_indicator x[4];
    row(&x[0], "A.M", "month", "mean", "", "");
    row(&x[1], "A.W", "month", "wmean", "", "A.M"); /* the weight is not summed */
    row(&x[2], "A.Q", "quarter", "sum", "", "");
    row(&x[3], "A.D", "month", "sum", "A.Q / 3", ""); /* a quarterly input of a monthly one */
    struct found f;
    assert_int_equal(check(x, 4, &f), 2);
    assert_int_equal(f.index[0], 1);
    assert_string_equal(f.column[0], "weight");
    assert_string_equal(f.why[0], "A.M is not a summed indicator of the catalogue");
    assert_int_equal(f.index[1], 3);
    assert_string_equal(f.column[1], "expression");
    assert_string_equal(f.why[1], "the input A.Q is reported less often (quarter)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_catalogue_has_no_finding),
        cmocka_unit_test(test_duplicate_and_unknown),
        cmocka_unit_test(test_cycle_is_named),
        cmocka_unit_test(test_weight_and_frequency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
