/*
 * fuzz_indexpr — derived indicators' expressions (src/indicators/expr.c) and the catalogue check
 * (src/indicators/catalogue.c) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The input is the expression text (an exact-size heap copy, so that ASan sees any read past
 * it). Checked for every input:
 *   1. a refusal leaves *out alone and gives a column in 1..n+1 (or just past the text limit)
 *      and a non-empty "expected";
 *   2. an accepted expression lists at most IND_EXPR_MAX_REFS distinct codes, each of the code
 *      grammar, at most IND_CODE_MAX bytes, found in the text;
 *   3. evaluated with a lookup giving fixed values (some 0, one huge, one missing), it gives a
 *      finite value or a reason, the same twice, the lookup called once per code;
 *   4. a catalogue of the expression under the code "X" and its codes as plain indicators is
 *      accepted unless it refers to X (then exactly one cycle, through X alone), and its order
 *      puts X last.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

struct lookup_ctx {
    size_t calls;
    int missing; /* the ref index that has no value, or -1 */
};

static enum ind_reason lookup(void *ctx, size_t ref, const char *code, size_t len,
                              struct ind_obs *out)
{
    static const double values[] = {0, 1, -2.5, 1e300, 3, 100, 0.125, -7};
    struct lookup_ctx *l = ctx;
    (void)code;
    (void)len;
    l->calls++;
    if ((int)ref == l->missing)
        return IND_ZERO_DENOMINATOR;
    *out = ind_obs_of(values[ref % 8], (int64_t)ref);
    out->approximate = ref % 3 == 0;
    return IND_OK;
}

static int code_ok(const char *c, size_t n)
{
    if (n == 0 || n > IND_CODE_MAX)
        return 0;
    if (!((c[0] >= 'A' && c[0] <= 'Z') || (c[0] >= 'a' && c[0] <= 'z')))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char x = c[i];
        if (!((x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') ||
              x == '_' || x == '.'))
            return 0;
    }
    return 1;
}

static void evaluate(const struct ind_expr *e, int missing)
{
    struct lookup_ctx l = {0, missing};
    struct ind_obs a = {.value = -1}, b = {.value = -2};
    size_t bad = 12345;
    enum ind_reason ra = ind_expr_eval(e, lookup, &l, &a, &bad);
    CHECK(l.calls <= ind_expr_ref_count(e));
    CHECK(ra != IND_OK || l.calls == ind_expr_ref_count(e));
    enum ind_reason rb = ind_expr_eval(e, lookup, &l, &b, NULL);
    CHECK(ra == rb);
    if (ra == IND_OK) {
        CHECK(isfinite(a.value) && a.value == b.value);
        CHECK(a.approximate == b.approximate && a.time == b.time);
    } else {
        CHECK(a.value == -1);
        CHECK(ra == IND_MISSING_INPUT || ra == IND_DIVISION_BY_ZERO || ra == IND_OVERFLOW);
        CHECK(ra != IND_MISSING_INPUT || (int)bad == missing);
    }
}

struct problems {
    size_t cycles, other;
};

static void on_problem(void *ctx, const struct ind_problem *p)
{
    struct problems *s = ctx;
    if (p->kind == IND_PROBLEM_CYCLE) {
        CHECK(p->cycle_len == 1 && p->cycle[0] == 0 && p->def == 0);
        s->cycles++;
    } else {
        s->other++;
    }
}

static void catalogue(const struct ind_expr *e)
{
    size_t nrefs = ind_expr_ref_count(e);
    struct ind_def defs[IND_EXPR_MAX_REFS + 1];
    size_t order[IND_EXPR_MAX_REFS + 1];
    int self = 0;
    defs[0] = (struct ind_def){"X", 1, e};
    for (size_t i = 0; i < nrefs; i++) {
        const char *c;
        size_t len;
        ind_expr_ref(e, i, &c, &len);
        self = self || (len == 1 && c[0] == 'X');
        defs[i + 1] = (struct ind_def){c, len, NULL};
    }
    /* X is one of its own refs: leave the duplicate out */
    size_t n = 1;
    for (size_t i = 0; i < nrefs; i++)
        if (!(defs[i + 1].code_len == 1 && defs[i + 1].code[0] == 'X'))
            defs[n++] = defs[i + 1];
    struct problems s = {0, 0};
    int rc = ind_catalogue_check(defs, n, order, on_problem, &s);
    CHECK(s.other == 0);
    if (self) {
        CHECK(rc == IOC_EINVAL && s.cycles == 1);
    } else {
        CHECK(rc == 0 && s.cycles == 0);
        CHECK(order[n - 1] == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    CHECK(text);
    if (size)
        memcpy(text, data, size);
    struct ind_expr *e = (struct ind_expr *)(uintptr_t)1;
    struct ind_expr_error err = {0, NULL};
    int rc = ind_expr_parse(text, size, &e, &err);
    if (rc != 0) {
        CHECK(rc == IOC_EINVAL);
        CHECK(e == (struct ind_expr *)(uintptr_t)1);
        CHECK(err.column >= 1 && err.column <= (size > IND_EXPR_MAX_TEXT ? size : size + 1));
        CHECK(err.expected && err.expected[0]);
        free(text);
        return 0;
    }
    size_t nrefs = ind_expr_ref_count(e);
    CHECK(nrefs <= IND_EXPR_MAX_REFS);
    for (size_t i = 0; i < nrefs; i++) {
        const char *c;
        size_t len;
        ind_expr_ref(e, i, &c, &len);
        CHECK(code_ok(c, len));
        CHECK(memmem(text, size, c, len) != NULL);
        for (size_t j = 0; j < i; j++) {
            const char *d;
            size_t dlen;
            ind_expr_ref(e, j, &d, &dlen);
            CHECK(dlen != len || memcmp(c, d, len) != 0);
        }
    }
    evaluate(e, -1);
    evaluate(e, nrefs ? (int)(size % nrefs) : -1);
    catalogue(e);
    ind_expr_free(e);
    free(text);
    return 0;
}
