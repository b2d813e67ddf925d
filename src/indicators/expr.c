/*
 * expr.c — derived indicators' expressions: parsed once into postfix code, evaluated many
 * times without allocating.
 *
 * The parser is recursive descent over the grammar in indicators.h, one function per rule,
 * emitting postfix operations as it returns (so "100 * a / b" becomes 100 a * b /). The first
 * error stops it and keeps its column and what was expected. Limits keep every array bounded:
 * the text (IND_EXPR_MAX_TEXT bytes, so at most as many operations), the distinct codes
 * (IND_EXPR_MAX_REFS) and the nesting (IND_EXPR_MAX_DEPTH, which bounds the recursion and the
 * evaluation stack, whose greatest height is computed at parse time and checked).
 *
 * Layout of a parsed expression: one malloc'd block, the header, then nops operations, then
 * nrefs (offset, length) pairs into the copy of the text that ends the block.
 */
#include "indicators/indicators.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "base/base.h"

#define STACK_MAX (4 * IND_EXPR_MAX_DEPTH + 8)

enum op_kind { OP_NUM, OP_REF, OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MIN, OP_MAX, OP_ABS };

struct op {
    double num;   /* OP_NUM */
    uint32_t ref; /* OP_REF */
    enum op_kind kind;
};

struct ref {
    uint32_t off, len;
};

struct ind_expr {
    size_t nops, nrefs, text_len;
    struct op *ops;
    struct ref *refs;
    char *text;
};

struct parser {
    const char *s;
    size_t n, pos;
    int depth;
    size_t nops, nrefs;
    int height, max_height; /* of the evaluation stack */
    struct op ops[IND_EXPR_MAX_TEXT];
    struct ref refs[IND_EXPR_MAX_REFS];
    struct ind_expr_error err;
    int failed;
};

static const char *const X_OPERAND = "a number, a code, a function or '('";

static int fail(struct parser *p, size_t at, const char *expected)
{
    if (!p->failed) {
        p->failed = 1;
        p->err.column = at + 1;
        p->err.expected = expected;
    }
    return -1;
}

static void skip_space(struct parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

/* Appends an operation taking `pops` values and leaving one. */
static int emit(struct parser *p, struct op o, int pops)
{
    if (p->nops >= IND_EXPR_MAX_TEXT)
        return fail(p, p->pos, "a shorter expression");
    p->ops[p->nops++] = o;
    p->height += 1 - pops;
    if (p->height > p->max_height)
        p->max_height = p->height;
    if (p->max_height > STACK_MAX)
        return fail(p, p->pos, "less nesting");
    return 0;
}

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_expr(struct parser *p);

static int parse_number(struct parser *p)
{
    size_t a = p->pos;
    while (p->pos < p->n && is_digit(p->s[p->pos]))
        p->pos++;
    if (p->pos < p->n && p->s[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->n || !is_digit(p->s[p->pos]))
            return fail(p, p->pos, "a digit after '.'");
        while (p->pos < p->n && is_digit(p->s[p->pos]))
            p->pos++;
    }
    double v;
    if (ioc_parse_f64(p->s + a, p->pos - a, -DBL_MAX, DBL_MAX, &v) != 0)
        return fail(p, a, "a number of at most 127 bytes that fits a double");
    return emit(p, (struct op){.kind = OP_NUM, .num = v}, 0);
}

static int add_ref(struct parser *p, size_t a, size_t len)
{
    uint32_t i = 0;
    while (i < p->nrefs &&
           !(p->refs[i].len == len && memcmp(p->s + p->refs[i].off, p->s + a, len) == 0))
        i++;
    if (i == p->nrefs) {
        if (p->nrefs >= IND_EXPR_MAX_REFS)
            return fail(p, a, "at most 64 distinct codes");
        p->refs[p->nrefs++] = (struct ref){(uint32_t)a, (uint32_t)len};
    }
    return emit(p, (struct op){.kind = OP_REF, .ref = i}, 0);
}

/* name "(" expr ["," expr] ")" with p->pos on the "(". */
static int parse_call(struct parser *p, size_t a, size_t len)
{
    enum op_kind k;
    int args;
    if (len == 3 && memcmp(p->s + a, "min", 3) == 0)
        k = OP_MIN, args = 2;
    else if (len == 3 && memcmp(p->s + a, "max", 3) == 0)
        k = OP_MAX, args = 2;
    else if (len == 3 && memcmp(p->s + a, "abs", 3) == 0)
        k = OP_ABS, args = 1;
    else
        return fail(p, a, "a function: min, max or abs");
    p->pos++;
    for (int i = 0; i < args; i++) {
        if (i > 0) {
            skip_space(p);
            if (p->pos >= p->n || p->s[p->pos] != ',')
                return fail(p, p->pos, "',' and a second argument");
            p->pos++;
        }
        if (parse_expr(p) != 0)
            return -1;
    }
    skip_space(p);
    if (p->pos >= p->n || p->s[p->pos] != ')')
        return fail(p, p->pos, args == 2 ? "')'" : "')' (abs takes one argument)");
    p->pos++;
    return emit(p, (struct op){.kind = k}, args);
}

static int parse_name(struct parser *p)
{
    size_t a = p->pos;
    while (p->pos < p->n && (is_alpha(p->s[p->pos]) || is_digit(p->s[p->pos]) ||
                             p->s[p->pos] == '_' || p->s[p->pos] == '.'))
        p->pos++;
    size_t len = p->pos - a;
    size_t after = p->pos;
    skip_space(p);
    if (p->pos < p->n && p->s[p->pos] == '(')
        return parse_call(p, a, len);
    p->pos = after;
    if (len > IND_CODE_MAX)
        return fail(p, a, "a code of at most 64 bytes");
    return add_ref(p, a, len);
}

/* unary = "-" unary | primary, counting nesting. */
static int parse_unary(struct parser *p)
{
    if (++p->depth > IND_EXPR_MAX_DEPTH)
        return fail(p, p->pos, "at most 32 levels of nesting");
    skip_space(p);
    int rc;
    char c = p->pos < p->n ? p->s[p->pos] : '\0';
    if (c == '-') {
        p->pos++;
        rc = parse_unary(p);
        if (rc == 0)
            rc = emit(p, (struct op){.kind = OP_NEG}, 1);
    } else if (is_digit(c)) {
        rc = parse_number(p);
    } else if (is_alpha(c)) {
        rc = parse_name(p);
    } else if (c == '(') {
        p->pos++;
        rc = parse_expr(p);
        skip_space(p);
        if (rc == 0 && (p->pos >= p->n || p->s[p->pos] != ')'))
            rc = fail(p, p->pos, "')'");
        p->pos += rc == 0;
    } else {
        rc = fail(p, p->pos, X_OPERAND);
    }
    p->depth--;
    return rc;
}

/* A left-associative chain of next-level operands joined by the two operators a and b. */
static int parse_chain(struct parser *p, int (*next)(struct parser *), char a, enum op_kind ka,
                       char b, enum op_kind kb)
{
    if (next(p) != 0)
        return -1;
    for (;;) {
        skip_space(p);
        if (p->pos >= p->n || (p->s[p->pos] != a && p->s[p->pos] != b))
            return 0;
        enum op_kind k = p->s[p->pos] == a ? ka : kb;
        p->pos++;
        if (next(p) != 0 || emit(p, (struct op){.kind = k}, 2) != 0)
            return -1;
    }
}

static int parse_term(struct parser *p)
{
    return parse_chain(p, parse_unary, '*', OP_MUL, '/', OP_DIV);
}

static int parse_expr(struct parser *p)
{
    return parse_chain(p, parse_term, '+', OP_ADD, '-', OP_SUB);
}

/* The expression built from a successful parse, or NULL. */
static struct ind_expr *build(const struct parser *p)
{
    size_t size = sizeof(struct ind_expr) + p->nops * sizeof(struct op) +
                  p->nrefs * sizeof(struct ref) + p->n + 1;
    struct ind_expr *e = malloc(size);
    if (!e)
        return NULL;
    e->nops = p->nops;
    e->nrefs = p->nrefs;
    e->text_len = p->n;
    e->ops = (struct op *)(e + 1);
    e->refs = (struct ref *)(e->ops + p->nops);
    e->text = (char *)(e->refs + p->nrefs);
    memcpy(e->ops, p->ops, p->nops * sizeof(struct op));
    memcpy(e->refs, p->refs, p->nrefs * sizeof(struct ref));
    memcpy(e->text, p->s, p->n);
    e->text[p->n] = '\0';
    return e;
}

int ind_expr_parse(const char *s, size_t n, struct ind_expr **out, struct ind_expr_error *err)
{
    struct ind_expr_error dummy = {0, NULL};
    err = err ? err : &dummy;
    if (!s || n > IND_EXPR_MAX_TEXT) {
        *err = (struct ind_expr_error){IND_EXPR_MAX_TEXT + 1, "at most 1024 bytes"};
        return IOC_EINVAL;
    }
    struct parser *p = calloc(1, sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    p->s = s;
    p->n = n;
    int rc = parse_expr(p);
    if (rc == 0) {
        skip_space(p);
        if (p->pos < p->n)
            rc = fail(p, p->pos, "an operator or the end");
    }
    if (rc != 0) {
        *err = p->err;
        free(p);
        return IOC_EINVAL;
    }
    struct ind_expr *e = build(p);
    free(p);
    if (!e)
        return IOC_ENOMEM;
    *out = e;
    return 0;
}

void ind_expr_free(struct ind_expr *e)
{
    free(e);
}

size_t ind_expr_ref_count(const struct ind_expr *e)
{
    return e->nrefs;
}

void ind_expr_ref(const struct ind_expr *e, size_t i, const char **code, size_t *len)
{
    *code = e->text + e->refs[i].off;
    *len = e->refs[i].len;
}

/* One operation on the top of the stack st[0..*h). */
static enum ind_reason step(const struct op *o, double *st, int *h, const double *vals)
{
    double r;
    switch (o->kind) {
    case OP_NUM:
        st[(*h)++] = o->num;
        return IND_OK;
    case OP_REF:
        st[(*h)++] = vals[o->ref];
        return IND_OK;
    case OP_NEG:
        st[*h - 1] = -st[*h - 1];
        return IND_OK;
    case OP_ABS:
        st[*h - 1] = fabs(st[*h - 1]);
        return IND_OK;
    default:
        break;
    }
    double a = st[*h - 2], b = st[*h - 1];
    switch (o->kind) {
    case OP_ADD:
        r = a + b;
        break;
    case OP_SUB:
        r = a - b;
        break;
    case OP_MUL:
        r = a * b;
        break;
    case OP_DIV:
        if (b == 0)
            return IND_DIVISION_BY_ZERO;
        r = a / b;
        break;
    case OP_MIN:
        r = a < b ? a : b;
        break;
    default:
        r = a > b ? a : b;
        break;
    }
    if (!isfinite(r))
        return IND_OVERFLOW;
    st[*h - 2] = r;
    (*h)--;
    return IND_OK;
}

enum ind_reason ind_expr_eval(const struct ind_expr *e, ind_lookup_fn lookup, void *ctx,
                              struct ind_obs *out, size_t *bad_ref)
{
    double vals[IND_EXPR_MAX_REFS];
    struct ind_obs res = {.weight = 1};
    for (size_t i = 0; i < e->nrefs; i++) {
        struct ind_obs o = {0};
        if (lookup(ctx, i, e->text + e->refs[i].off, e->refs[i].len, &o) != IND_OK) {
            if (bad_ref)
                *bad_ref = i;
            return IND_MISSING_INPUT;
        }
        if (!isfinite(o.value))
            return IND_BAD_INPUT;
        vals[i] = o.value;
        res.approximate = res.approximate || o.approximate;
        res.time = i == 0 || o.time > res.time ? o.time : res.time;
    }
    double st[STACK_MAX];
    st[0] = 0; /* a parsed expression has at least one operation, which writes st[0] */
    int h = 0;
    for (size_t i = 0; i < e->nops; i++) {
        enum ind_reason rc = step(&e->ops[i], st, &h, vals);
        if (rc != IND_OK)
            return rc;
    }
    res.value = st[0];
    *out = res;
    return IND_OK;
}
