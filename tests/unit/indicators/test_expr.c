/* Unit tests for src/indicators/expr.c and catalogue.c: precedence, syntax errors with their
 * columns, references, evaluation and its reasons, the rule for a derived indicator at a level,
 * and the catalogue check (unknown codes, duplicates, cycles, evaluation order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

/* A lookup over a small table of codes; counts its calls. */
struct table {
    const char *code[8];
    struct ind_obs obs[8];
    size_t n, calls;
};

static enum ind_reason table_lookup(void *ctx, size_t ref, const char *code, size_t len,
                                    struct ind_obs *out)
{
    (void)ref;
    struct table *t = ctx;
    t->calls++;
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->code[i]) == len && memcmp(t->code[i], code, len) == 0) {
            *out = t->obs[i];
            return IND_OK;
        }
    return IND_NO_INPUT;
}

static struct ind_expr *parse(const char *s)
{
    struct ind_expr *e = NULL;
    struct ind_expr_error err = {0, NULL};
    if (ind_expr_parse(s, strlen(s), &e, &err) != 0)
        fail_msg("\"%s\" refused at %zu: expected %s", s, err.column, err.expected);
    return e;
}

static enum ind_reason eval(const char *s, struct table *t, double *v)
{
    struct ind_expr *e = parse(s);
    struct ind_obs out = {.value = -777};
    enum ind_reason rc = ind_expr_eval(e, table_lookup, t, &out, NULL);
    ind_expr_free(e);
    if (rc != IND_OK)
        assert_true(out.value == -777);
    *v = out.value;
    return rc;
}

static double value_of(const char *s, struct table *t)
{
    double v = 0;
    enum ind_reason rc = eval(s, t, &v);
    if (rc != IND_OK)
        fail_msg("\"%s\" gave %s", s, ind_reason_name(rc));
    assert_true(isfinite(v));
    return v;
}

static void test_expr_precedence_and_associativity(void **state)
{
    (void)state;
    struct table t = {.n = 0};
    static const struct {
        const char *s;
        double v;
    } cases[] = {
        {"1 + 2 * 3", 7},      {"(1 + 2) * 3", 9},
        {"10 - 4 - 3", 3},     {"100 / 10 / 5", 2},
        {"2 * 3 + 4 * 5", 26}, {"-2 * 3", -6},
        {"- -2", 2},           {"2 * -3", -6},
        {"-(1 + 2) * 2", -6},  {"1 - -1", 2},
        {"min(3, 1 + 1)", 2},  {"max(3, 1 + 1) * 2", 6},
        {"abs(-4.5)", 4.5},    {"abs(2 - 7) + 1", 6},
        {"0.25*4", 1},         {"\t( ( 7 ) )\t", 7},
        {"min ( 1 , 2 )", 1},  {"007.50", 7.5},
        {"-abs(-3) - 1", -4},  {"max(min(1, 2), min(3, 4))", 3},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        double v = value_of(cases[i].s, &t);
        if (fabs(v - cases[i].v) > 1e-12)
            fail_msg("\"%s\" = %.17g, want %.17g", cases[i].s, v, cases[i].v);
    }
}

static void test_expr_errors_name_the_column_and_what_was_expected(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t column;
        const char *expected;
    } cases[] = {
        {"100 * / X", 7, "a number, a code"},
        {"", 1, "a number, a code"},
        {"   ", 4, "a number, a code"},
        {"(1 + 2", 7, "')'"},
        {"1 + 2)", 6, "an operator or the end"},
        {"1 2", 3, "an operator or the end"},
        {"(1 2)", 4, "')'"},
        {"1.", 3, "a digit"},
        {"1.x", 3, "a digit"},
        {".5", 1, "a number, a code"},
        {"a $ b", 3, "an operator or the end"},
        {"foo(1)", 1, "a function: min, max or abs"},
        {"min(1)", 6, "','"},
        {"abs(1, 2)", 6, "abs takes one argument"},
        {"max(1, )", 8, "a number, a code"},
        {"2 +", 4, "a number, a code"},
        {"_a", 1, "a number, a code"},
        {"a + 1e5", 6, "an operator or the end"},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        struct ind_expr *e = NULL;
        struct ind_expr_error err = {0, NULL};
        int rc = ind_expr_parse(cases[i].s, strlen(cases[i].s), &e, &err);
        if (rc != IOC_EINVAL)
            fail_msg("\"%s\" accepted", cases[i].s);
        assert_null(e);
        if (err.column != cases[i].column || !strstr(err.expected, cases[i].expected))
            fail_msg("\"%s\": column %zu expected \"%s\", want %zu \"%s\"", cases[i].s, err.column,
                     err.expected, cases[i].column, cases[i].expected);
    }
}

static int refused(const char *s, size_t n, size_t *column)
{
    struct ind_expr *e = NULL;
    struct ind_expr_error err = {0, NULL};
    int rc = ind_expr_parse(s, n, &e, &err);
    ind_expr_free(e);
    *column = err.column;
    return rc == IOC_EINVAL && err.expected != NULL;
}

static void test_expr_limits(void **state)
{
    (void)state;
    char s[2 * IND_EXPR_MAX_TEXT];
    size_t column;
    /* 32 levels of parentheses pass, 33 do not */
    int k = 0;
    for (int i = 0; i < IND_EXPR_MAX_DEPTH - 1; i++)
        s[k++] = '(';
    s[k++] = '1';
    for (int i = 0; i < IND_EXPR_MAX_DEPTH - 1; i++)
        s[k++] = ')';
    ind_expr_free(parse((s[k] = '\0', s)));
    memmove(s + 1, s, (size_t)k + 1);
    s[0] = '(';
    strcat(s, ")");
    assert_true(refused(s, strlen(s), &column));
    assert_int_equal(column, IND_EXPR_MAX_DEPTH + 1);
    /* a long chain of unary minus too */
    memset(s, '-', 100);
    s[100] = '1';
    assert_true(refused(s, 101, &column));
    /* a code of 64 bytes passes, 65 do not */
    memset(s, 'a', 65);
    ind_expr_free(parse((s[64] = '\0', s)));
    s[64] = 'a';
    assert_true(refused(s, 65, &column));
    assert_int_equal(column, 1);
    /* 64 distinct codes pass, 65 do not */
    k = 0;
    for (int i = 0; i < IND_EXPR_MAX_REFS + 1; i++)
        k += snprintf(s + k, sizeof s - (size_t)k, "%sc%d", i ? "+" : "", i);
    assert_true(refused(s, (size_t)k, &column));
    assert_int_equal(column, (size_t)(strstr(s, "c64") - s) + 1);
    /* 1,024 bytes pass, 1,025 do not */
    memset(s, ' ', IND_EXPR_MAX_TEXT + 1);
    s[0] = '1';
    struct ind_expr *e = NULL;
    assert_int_equal(ind_expr_parse(s, IND_EXPR_MAX_TEXT, &e, NULL), 0);
    ind_expr_free(e);
    assert_true(refused(s, IND_EXPR_MAX_TEXT + 1, &column));
    /* a long flat sum stays within the evaluation stack */
    k = 0;
    for (int i = 0; i < 300; i++)
        k += snprintf(s + k, sizeof s - (size_t)k, "%s1", i ? "+" : "");
    struct table t = {.n = 0};
    s[k] = '\0';
    assert_true(value_of(s, &t) == 300);
}

static void test_expr_lists_its_distinct_codes_in_order(void **state)
{
    (void)state;
    struct ind_expr *e = parse("a + b * a - C.x_1 / min(b, D2)");
    assert_int_equal(ind_expr_ref_count(e), 4);
    const char *want[] = {"a", "b", "C.x_1", "D2"};
    for (size_t i = 0; i < 4; i++) {
        const char *code;
        size_t len;
        ind_expr_ref(e, i, &code, &len);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(code, want[i], len);
    }
    ind_expr_free(e);
    e = parse("12 * 3");
    assert_int_equal(ind_expr_ref_count(e), 0);
    ind_expr_free(e);
}

static void test_expr_evaluates_codes_once_each(void **state)
{
    (void)state;
    struct table t = {.code = {"ONLINE_DOSSIERS", "DOSSIERS"},
                      .obs = {ind_obs_of(40, 5), ind_obs_of(500, 9)},
                      .n = 2};
    struct ind_expr *e = parse("100 * ONLINE_DOSSIERS / DOSSIERS + 0 * DOSSIERS");
    struct ind_obs out;
    assert_int_equal(ind_expr_eval(e, table_lookup, &t, &out, NULL), IND_OK);
    assert_true(fabs(out.value - 8) < 1e-12);
    assert_int_equal(out.time, 9);
    assert_false(out.approximate);
    assert_int_equal(t.calls, 2);
    t.obs[0].approximate = true;
    assert_int_equal(ind_expr_eval(e, table_lookup, &t, &out, NULL), IND_OK);
    assert_true(out.approximate);
    ind_expr_free(e);
}

static void test_expr_no_value_reasons(void **state)
{
    (void)state;
    struct table t = {
        .code = {"a", "b", "big", "nan"},
        .obs = {ind_obs_of(3, 0), ind_obs_of(0, 0), ind_obs_of(DBL_MAX, 0), ind_obs_of(NAN, 0)},
        .n = 4};
    double v;
    assert_int_equal(eval("a / b", &t, &v), IND_DIVISION_BY_ZERO);
    assert_int_equal(eval("a / (a - 3)", &t, &v), IND_DIVISION_BY_ZERO);
    assert_int_equal(eval("1 / 0", &t, &v), IND_DIVISION_BY_ZERO);
    assert_int_equal(eval("0 / 0", &t, &v), IND_DIVISION_BY_ZERO);
    assert_int_equal(eval("big * 2", &t, &v), IND_OVERFLOW);
    assert_int_equal(eval("big + big", &t, &v), IND_OVERFLOW);
    assert_int_equal(eval("nan + 1", &t, &v), IND_BAD_INPUT);
    assert_int_equal(eval("b / a", &t, &v), IND_OK);
    assert_true(v == 0);
    /* a missing input names its ref */
    struct ind_expr *e = parse("a + zz * b");
    struct ind_obs out;
    size_t bad = 99;
    assert_int_equal(ind_expr_eval(e, table_lookup, &t, &out, &bad), IND_MISSING_INPUT);
    assert_int_equal(bad, 1);
    ind_expr_free(e);
}

/* 100*a/b at the province: a and b (sum indicators) are first summed over the communes. */
static void test_derived_at_a_level_aggregates_inputs_first(void **state)
{
    (void)state;
    struct ind_obs online[] = {ind_obs_of(30, 0), ind_obs_of(10, 0)};
    struct ind_obs dossiers[] = {ind_obs_of(100, 0), ind_obs_of(400, 0)};
    struct ind_rule sum = {IND_AGG_SUM, 0};
    struct table t = {.code = {"a", "b"}, .n = 2};
    assert_int_equal(ind_aggregate(&sum, online, 2, &t.obs[0]), IND_OK);
    assert_int_equal(ind_aggregate(&sum, dossiers, 2, &t.obs[1]), IND_OK);
    double v = value_of("100*a/b", &t);
    assert_true(fabs(v - 8) < 1e-12); /* 100·40/500, not (30 + 2.5)/2 */
}

/* ---- catalogue ---- */

struct seen {
    char text[16][64];
    size_t n;
    const struct ind_def *defs;
};

static void on_problem(void *ctx, const struct ind_problem *p)
{
    struct seen *s = ctx;
    assert_true(s->n < 16);
    char *t = s->text[s->n++];
    const struct ind_def *d = &s->defs[p->def];
    if (p->kind == IND_PROBLEM_UNKNOWN) {
        const char *code;
        size_t len;
        ind_expr_ref(d->expr, p->ref, &code, &len);
        snprintf(t, 64, "unknown %.*s %.*s", (int)d->code_len, d->code, (int)len, code);
    } else if (p->kind == IND_PROBLEM_DUPLICATE) {
        snprintf(t, 64, "duplicate %.*s %zu %zu", (int)d->code_len, d->code, p->def, p->other);
    } else {
        int k = snprintf(t, 64, "cycle");
        assert_int_equal(p->cycle[0], p->def);
        for (size_t i = 0; i < p->cycle_len; i++)
            k += snprintf(t + k, 64 - (size_t)k, " %s", s->defs[p->cycle[i]].code);
    }
}

struct cat {
    struct ind_def defs[8];
    struct ind_expr *exprs[8];
    size_t n;
};

static void cat_add(struct cat *c, const char *code, const char *expr)
{
    c->exprs[c->n] = expr ? parse(expr) : NULL;
    c->defs[c->n] = (struct ind_def){code, strlen(code), c->exprs[c->n]};
    c->n++;
}

static void cat_free(struct cat *c)
{
    for (size_t i = 0; i < c->n; i++)
        ind_expr_free(c->exprs[i]);
}

static int check(struct cat *c, struct seen *s, size_t *order)
{
    s->n = 0;
    s->defs = c->defs;
    return ind_catalogue_check(c->defs, c->n, order, on_problem, s);
}

static size_t position(const size_t *order, size_t n, size_t def)
{
    for (size_t i = 0; i < n; i++)
        if (order[i] == def)
            return i;
    fail_msg("%zu not in the order", def);
    return n;
}

static void test_catalogue_gives_an_evaluation_order(void **state)
{
    (void)state;
    struct cat c = {.n = 0};
    cat_add(&c, "D", "100 * C + A");
    cat_add(&c, "A", NULL);
    cat_add(&c, "C", "A / B");
    cat_add(&c, "B", NULL);
    cat_add(&c, "E", "D - C");
    struct seen s;
    size_t order[8];
    assert_int_equal(check(&c, &s, order), 0);
    assert_int_equal(s.n, 0);
    int in[8] = {0};
    for (size_t i = 0; i < c.n; i++)
        in[order[i]]++;
    for (size_t i = 0; i < c.n; i++)
        assert_int_equal(in[i], 1);                                 /* a permutation */
    assert_true(position(order, c.n, 1) < position(order, c.n, 2)); /* A before C */
    assert_true(position(order, c.n, 3) < position(order, c.n, 2)); /* B before C */
    assert_true(position(order, c.n, 2) < position(order, c.n, 0)); /* C before D */
    assert_true(position(order, c.n, 0) < position(order, c.n, 4)); /* D before E */
    cat_free(&c);
    assert_int_equal(ind_catalogue_check(NULL, 0, order, NULL, NULL), 0);
}

static void test_catalogue_finds_unknown_codes_and_duplicates(void **state)
{
    (void)state;
    struct cat c = {.n = 0};
    cat_add(&c, "A", NULL);
    cat_add(&c, "E", "A + Z + Y");
    cat_add(&c, "A", NULL);
    cat_add(&c, "a", NULL); /* codes are case-sensitive */
    struct seen s;
    size_t order[8];
    assert_int_equal(check(&c, &s, order), IOC_EINVAL);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.text[0], "duplicate A 2 0");
    assert_string_equal(s.text[1], "unknown E Z");
    assert_string_equal(s.text[2], "unknown E Y");
    cat_free(&c);
}

static void test_catalogue_finds_cycles_direct_and_through_three(void **state)
{
    (void)state;
    struct cat c = {.n = 0};
    cat_add(&c, "X", "X + 1");
    struct seen s;
    size_t order[8];
    assert_int_equal(check(&c, &s, order), IOC_EINVAL);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.text[0], "cycle X");
    cat_free(&c);

    c.n = 0;
    cat_add(&c, "OK", NULL);
    cat_add(&c, "P", "Q + OK");
    cat_add(&c, "Q", "R * 2");
    cat_add(&c, "R", "P - 1");
    cat_add(&c, "S", "P + 1"); /* depends on the cycle without being in it */
    assert_int_equal(check(&c, &s, order), IOC_EINVAL);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.text[0], "cycle P Q R");
    cat_free(&c);

    c.n = 0;
    cat_add(&c, "S", "P + 1"); /* the search enters the cycle from outside */
    cat_add(&c, "R", "P - 1");
    cat_add(&c, "Q", "R * 2");
    cat_add(&c, "P", "Q");
    assert_int_equal(check(&c, &s, order), IOC_EINVAL);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.text[0], "cycle P Q R");
    cat_free(&c);
}

/* A chain of 100,000 derived indicators neither recurses nor takes long. */
static void test_catalogue_long_chain(void **state)
{
    (void)state;
    enum { N = 100000 };
    static struct ind_def defs[N];
    static char codes[N][8];
    static size_t order[N];
    struct ind_expr **exprs = calloc(N, sizeof *exprs);
    assert_non_null(exprs);
    for (size_t i = 0; i < N; i++) {
        snprintf(codes[i], sizeof codes[i], "c%zu", i);
        if (i > 0) {
            char s[16];
            snprintf(s, sizeof s, "c%zu + 1", i - 1);
            exprs[i] = parse(s);
        }
        defs[i] = (struct ind_def){codes[i], strlen(codes[i]), exprs[i]};
    }
    /* the last refers back to a middle one: a cycle of 50,000 */
    ind_expr_free(exprs[N / 2]);
    exprs[N / 2] = parse("c99999");
    defs[N / 2].expr = exprs[N / 2];
    size_t in_place = 0;
    assert_int_equal(ind_catalogue_check(defs, N, order, NULL, NULL), IOC_EINVAL);
    ind_expr_free(exprs[N / 2]);
    exprs[N / 2] = parse("c49999 + 1");
    defs[N / 2].expr = exprs[N / 2];
    assert_int_equal(ind_catalogue_check(defs, N, order, NULL, NULL), 0);
    for (size_t i = 0; i < N; i++)
        in_place += order[i] == i;
    assert_int_equal(in_place, N); /* a chain has one order */
    for (size_t i = 0; i < N; i++)
        ind_expr_free(exprs[i]);
    free(exprs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_precedence_and_associativity),
        cmocka_unit_test(test_expr_errors_name_the_column_and_what_was_expected),
        cmocka_unit_test(test_expr_limits),
        cmocka_unit_test(test_expr_lists_its_distinct_codes_in_order),
        cmocka_unit_test(test_expr_evaluates_codes_once_each),
        cmocka_unit_test(test_expr_no_value_reasons),
        cmocka_unit_test(test_derived_at_a_level_aggregates_inputs_first),
        cmocka_unit_test(test_catalogue_gives_an_evaluation_order),
        cmocka_unit_test(test_catalogue_finds_unknown_codes_and_duplicates),
        cmocka_unit_test(test_catalogue_finds_cycles_direct_and_through_three),
        cmocka_unit_test(test_catalogue_long_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
