/*
 * check.c — the checks of catalogue rows before they are stored (indicators_catalogue.h),
 * shared by the CSV import (src/seed) and the API's PUT: each cell by itself
 * (ind_catalogue_row_check), and the references between the indicators of a catalogue
 * (ind_catalogue_refs_check, over catalogue.c's ind_catalogue_check). The rules are those of
 * this module and data/indicators/README.md; each finding names its column.
 */
#include "indicators/indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

struct cell_ctx {
    ind_catalogue_cell_fn fn;
    void *ctx;
    size_t n;
};

static void bad(struct cell_ctx *k, int column, const char *why)
{
    const char *name = store_ind_column_names[column];
    size_t n = strlen(name);
    if (strncmp(why, name, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
        why += n + 2; /* the library's "thresholds: …": the column is named already */
    k->n++;
    if (k->fn)
        k->fn(k->ctx, name, why);
}

/* DOMAIN.SHORT: the domain, a dot, then [A-Z][A-Z0-9_]*, at most IND_CODE_MAX bytes. */
static const char *code_problem(const char *code, const char *domain)
{
    size_t dn = strlen(domain), n = strlen(code);
    if (n == 0)
        return "empty";
    if (n > IND_CODE_MAX)
        return "longer than 64 bytes";
    if (dn == 0 || n <= dn + 1 || strncmp(code, domain, dn) != 0 || code[dn] != '.')
        return "must be the domain's code, a dot, then a short code (DOMAIN.SHORT)";
    const char *p = code + dn + 1;
    if (!(*p >= 'A' && *p <= 'Z'))
        return "the part after the dot must start with a capital letter A-Z";
    for (; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return "the part after the dot may hold only A-Z, 0-9 and _";
    return NULL;
}

static int known_domain(struct store_conn *c, const char *code,
                        const struct store_ind_domain *extra, size_t nextra)
{
    for (size_t i = 0; i < nextra; i++)
        if (extra[i].code && strcmp(extra[i].code, code) == 0)
            return 1;
    struct store_ind_domain d;
    if (store_ind_domain_get(c, code, &d) != 0)
        return 0;
    store_ind_domain_clear(&d);
    return 1;
}

static int known_agency(struct store_conn *c, const char *code)
{
    struct store_agency a;
    if (store_agency_get(c, code, &a) != 0)
        return 0;
    store_agency_clear(&a);
    return 1;
}

/* The enums; *agg and *pol are written when they parse. */
static void check_enums(struct cell_ctx *k, char *const *col, enum ind_agg *agg, int *agg_ok,
                        enum ind_polarity *pol, int *pol_ok, int *derived)
{
    enum ind_freq f;
    enum ind_source src;
    const char *v = col[STORE_IND_FREQUENCY];
    if (ind_freq_parse(v, strlen(v), &f) != 0)
        bad(k, STORE_IND_FREQUENCY, "not one of day, month, quarter, year");
    v = col[STORE_IND_AGGREGATION];
    *agg_ok = ind_agg_parse(v, strlen(v), agg) == 0;
    if (!*agg_ok)
        bad(k, STORE_IND_AGGREGATION, "not one of sum, mean, wmean, ratio, min, max, last");
    v = col[STORE_IND_POLARITY];
    *pol_ok = ind_polarity_parse(v, strlen(v), pol) == 0;
    if (!*pol_ok)
        bad(k, STORE_IND_POLARITY, "not one of higher, lower");
    v = col[STORE_IND_SOURCE];
    if (ind_source_parse(v, strlen(v), &src) != 0)
        bad(k, STORE_IND_SOURCE, "not one of entered, imported, api, derived, telemetry");
    else
        *derived = src == IND_SRC_DERIVED;
}

/* scale, weight (by aggregation), deadline and expression (by source). */
static void check_rule_cells(struct cell_ctx *k, char *const *col, int agg_ok, enum ind_agg agg,
                             int derived)
{
    const char *scale = col[STORE_IND_SCALE];
    double v = 0;
    if (agg_ok && agg == IND_AGG_RATIO) {
        if (ioc_parse_f64(scale, strlen(scale), 0, 1e15, &v) != 0 || !(v > 0))
            bad(k, STORE_IND_SCALE, "a ratio needs a positive scale (100 for a percentage)");
    } else if (scale[0]) {
        bad(k, STORE_IND_SCALE, "only a ratio has a scale");
    }
    if (agg_ok && (agg == IND_AGG_WMEAN) != (col[STORE_IND_WEIGHT][0] != '\0'))
        bad(k, STORE_IND_WEIGHT,
            agg == IND_AGG_WMEAN ? "a wmean needs the code of its weight"
                                 : "only a wmean has a weight");
    const char *dl = col[STORE_IND_DEADLINE], *why = NULL;
    struct ind_deadline d;
    if (derived && dl[0])
        bad(k, STORE_IND_DEADLINE, "a derived indicator has no deadline (nobody submits it)");
    else if (!derived && ind_deadline_parse(dl, strlen(dl), &d, &why) != 0)
        bad(k, STORE_IND_DEADLINE, why ? why : "not a deadline (+Nd, +Nd HH:MM or HH:MM)");
    const char *e = col[STORE_IND_EXPRESSION];
    if (derived != (e[0] != '\0')) {
        bad(k, STORE_IND_EXPRESSION,
            derived ? "a derived indicator needs an expression"
                    : "only a derived indicator has an expression");
    } else if (derived) {
        struct ind_expr *x = NULL;
        struct ind_expr_error err = {0, NULL};
        if (ind_expr_parse(e, strlen(e), &x, &err) != 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "does not parse: at byte %zu, expected %s", err.column,
                     err.expected ? err.expected : "something else");
            bad(k, STORE_IND_EXPRESSION, msg);
        }
        ind_expr_free(x);
    }
}

static void check_target(struct cell_ctx *k, char *const *col, int pol_ok, enum ind_polarity pol)
{
    const char *t = col[STORE_IND_TARGET], *th = col[STORE_IND_THRESHOLDS], *why = NULL;
    double target = 0;
    int has_target = t[0] != '\0';
    if (has_target && ioc_parse_f64(t, strlen(t), -1e15, 1e15, &target) != 0) {
        bad(k, STORE_IND_TARGET, "not a number ('.' as the decimal point)");
        return;
    }
    struct ind_thresholds thr;
    if (ind_thresholds_parse(th, strlen(th), &thr, &why) != 0)
        bad(k, STORE_IND_THRESHOLDS, why);
    else if (pol_ok && ind_thresholds_check(&thr, pol, has_target ? &target : NULL, &why) != 0)
        bad(k, STORE_IND_THRESHOLDS, why);
}

size_t ind_catalogue_row_check(struct store_conn *c, const struct store_indicator *x,
                               const struct store_ind_domain *extra, size_t nextra,
                               ind_catalogue_cell_fn fn, void *ctx)
{
    struct cell_ctx k = {fn, ctx, 0};
    char *const *col = x->col;
    const char *why = NULL;
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        if (!col[i]) {
            bad(&k, i, "missing");
            return k.n;
        }
    /* the code's form is checked against a known domain only (one problem, not two) */
    if (!known_domain(c, col[STORE_IND_DOMAIN], extra, nextra))
        bad(&k, STORE_IND_DOMAIN, "unknown domain");
    else if ((why = code_problem(col[STORE_IND_CODE], col[STORE_IND_DOMAIN])) != NULL)
        bad(&k, STORE_IND_CODE, why);
    if (col[STORE_IND_NAME_VI][0] == '\0')
        bad(&k, STORE_IND_NAME_VI, "empty");
    if (col[STORE_IND_NAME_EN][0] == '\0')
        bad(&k, STORE_IND_NAME_EN, "empty");
    if (!known_agency(c, col[STORE_IND_AGENCY]))
        bad(&k, STORE_IND_AGENCY, "unknown agency");
    enum ind_agg agg = IND_AGG_SUM;
    enum ind_polarity pol = IND_HIGHER;
    int agg_ok = 0, pol_ok = 0, derived = 0;
    check_enums(&k, col, &agg, &agg_ok, &pol, &pol_ok, &derived);
    check_rule_cells(&k, col, agg_ok, agg, derived);
    check_target(&k, col, pol_ok, pol);
    return k.n;
}

/* ---- references between indicators ------------------------------------------------------ */

struct refs_ctx {
    const struct store_indicator *x;
    ind_catalogue_ref_fn fn;
    void *ctx;
    size_t n;
    struct ind_def *defs;
};

static void ref_bad(struct refs_ctx *r, size_t i, int column, const char *why)
{
    r->n++;
    if (r->fn)
        r->fn(r->ctx, i, store_ind_column_names[column], why);
}

static void on_problem(void *ctx, const struct ind_problem *p)
{
    struct refs_ctx *r = ctx;
    char msg[512];
    if (p->kind == IND_PROBLEM_DUPLICATE) {
        snprintf(msg, sizeof msg, "the code %s appears twice", r->x[p->def].col[STORE_IND_CODE]);
        ref_bad(r, p->def, STORE_IND_CODE, msg);
    } else if (p->kind == IND_PROBLEM_UNKNOWN) {
        const char *code;
        size_t len;
        ind_expr_ref(r->defs[p->def].expr, p->ref, &code, &len);
        snprintf(msg, sizeof msg, "unknown code %.*s", (int)len, code);
        ref_bad(r, p->def, STORE_IND_EXPRESSION, msg);
    } else {
        size_t off = (size_t)snprintf(msg, sizeof msg, "a cycle:");
        for (size_t i = 0; i <= p->cycle_len && off < sizeof msg; i++)
            off += (size_t)snprintf(msg + off, sizeof msg - off, " %s%s", i ? "→ " : "",
                                    r->x[p->cycle[i % p->cycle_len]].col[STORE_IND_CODE]);
        ref_bad(r, p->def, STORE_IND_EXPRESSION, msg);
    }
}

static int freq_rank(const char *s)
{
    enum ind_freq f = IND_DAY;
    return ind_freq_parse(s, strlen(s), &f) == 0 ? (int)f : -1;
}

static long find_code(const struct store_indicator *x, size_t n, const char *code, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(x[i].col[STORE_IND_CODE]) == len &&
            memcmp(x[i].col[STORE_IND_CODE], code, len) == 0)
            return (long)i;
    return -1;
}

/* Weights and the frequency of a derived indicator's inputs. */
static void check_inputs(struct refs_ctx *r, size_t n)
{
    char msg[256];
    for (size_t i = 0; i < n; i++) {
        const char *w = r->x[i].col[STORE_IND_WEIGHT];
        if (w[0]) {
            long j = find_code(r->x, n, w, strlen(w));
            if (j < 0 || strcmp(r->x[j].col[STORE_IND_AGGREGATION], "sum") != 0) {
                snprintf(msg, sizeof msg, "%s is not a summed indicator of the catalogue", w);
                ref_bad(r, i, STORE_IND_WEIGHT, msg);
            }
        }
        const struct ind_expr *e = r->defs[i].expr;
        for (size_t k = 0; e && k < ind_expr_ref_count(e); k++) {
            const char *code;
            size_t len;
            ind_expr_ref(e, k, &code, &len);
            long j = find_code(r->x, n, code, len);
            if (j >= 0 && freq_rank(r->x[j].col[STORE_IND_FREQUENCY]) >
                              freq_rank(r->x[i].col[STORE_IND_FREQUENCY])) {
                snprintf(msg, sizeof msg, "the input %.*s is reported less often (%s)", (int)len,
                         code, r->x[j].col[STORE_IND_FREQUENCY]);
                ref_bad(r, i, STORE_IND_EXPRESSION, msg);
            }
        }
    }
}

size_t ind_catalogue_refs_check(const struct store_indicator *x, size_t n, ind_catalogue_ref_fn fn,
                                void *ctx, int *oom)
{
    struct refs_ctx r = {x, fn, ctx, 0, calloc(n ? n : 1, sizeof *r.defs)};
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    *oom = !r.defs || !order;
    for (size_t i = 0; !*oom && i < n; i++) {
        r.defs[i].code = x[i].col[STORE_IND_CODE];
        r.defs[i].code_len = strlen(x[i].col[STORE_IND_CODE]);
        const char *e = x[i].col[STORE_IND_EXPRESSION];
        struct ind_expr *pe = NULL;
        struct ind_expr_error err;
        if (e[0] && ind_expr_parse(e, strlen(e), &pe, &err) == IOC_ENOMEM)
            *oom = 1;
        r.defs[i].expr = pe; /* NULL when it does not parse: reported by the cell check */
    }
    if (!*oom && ind_catalogue_check(r.defs, n, order, on_problem, &r) == IOC_ENOMEM)
        *oom = 1;
    if (!*oom)
        check_inputs(&r, n);
    for (size_t i = 0; r.defs && i < n; i++)
        ind_expr_free((struct ind_expr *)r.defs[i].expr);
    free(r.defs);
    free(order);
    return r.n;
}
