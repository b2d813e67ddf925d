/*
 * catalogue.c — the check of a catalogue's derived indicators: unique codes, no unknown codes,
 * no cycles, and an evaluation order.
 *
 * The catalogue is a graph: an edge from each derived indicator to every indicator its
 * expression refers to. Codes are found through an array of indices sorted by code (a catalogue
 * holds thousands, not millions). A depth-first search without recursion (its own stack, so a
 * long chain of derived indicators cannot exhaust the C stack) colours nodes white (not seen),
 * grey (on the current path) and black (done): an edge to a grey node closes a cycle, which is
 * the path from that node to the top of the stack; a node turns black after all it refers to,
 * so the order in which nodes turn black is an evaluation order.
 */
#include "indicators/indicators.h"

#include <stdlib.h>

#include "base/base.h"

enum { WHITE, GREY, BLACK };

struct key {
    const char *code;
    size_t len, def;
};

struct check {
    const struct ind_def *defs;
    size_t n;
    struct key *sorted; /* the codes in order */
    size_t *target;     /* per (def, ref): the index referred to, or n when unknown */
    size_t *first;      /* def i's edges are target[first[i] .. first[i + 1]) */
    size_t *stack;      /* the DFS path: def indices */
    size_t *next;       /* per def on the path: its next edge to follow */
    unsigned char *colour;
    size_t *order;
    size_t norder;
    ind_problem_fn problem;
    void *ctx;
    int bad;
};

static int code_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int c = m ? memcmp(a, b, m) : 0;
    return c ? c : (alen > blen) - (alen < blen);
}

static int by_code(const void *x, const void *y)
{
    const struct key *a = x, *b = y;
    int c = code_cmp(a->code, a->len, b->code, b->len);
    return c ? c : (a->def > b->def) - (a->def < b->def);
}

/* The index of code in the catalogue (its first occurrence), or n. */
static size_t find(const struct check *k, const char *code, size_t len)
{
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (code_cmp(k->sorted[mid].code, k->sorted[mid].len, code, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < k->n && code_cmp(k->sorted[lo].code, k->sorted[lo].len, code, len) == 0)
        return k->sorted[lo].def;
    return k->n;
}

static void report(struct check *k, struct ind_problem p)
{
    k->bad = 1;
    if (k->problem)
        k->problem(k->ctx, &p);
}

/* Sorts, reports duplicates and unknown codes, and fills the edges. */
static void link(struct check *k)
{
    for (size_t i = 0; i < k->n; i++)
        k->sorted[i] = (struct key){k->defs[i].code, k->defs[i].code_len, i};
    qsort(k->sorted, k->n, sizeof *k->sorted, by_code);
    for (size_t s = 1; s < k->n; s++) {
        const struct key *a = &k->sorted[s - 1], *b = &k->sorted[s];
        if (code_cmp(a->code, a->len, b->code, b->len) == 0)
            report(k, (struct ind_problem){.kind = IND_PROBLEM_DUPLICATE,
                                           .def = b->def,
                                           .other = find(k, b->code, b->len)});
    }
    size_t e = 0;
    for (size_t i = 0; i < k->n; i++) {
        k->first[i] = e;
        const struct ind_expr *x = k->defs[i].expr;
        size_t refs = x ? ind_expr_ref_count(x) : 0;
        for (size_t r = 0; r < refs; r++) {
            const char *code;
            size_t len;
            ind_expr_ref(x, r, &code, &len);
            size_t t = find(k, code, len);
            if (t == k->n)
                report(k, (struct ind_problem){.kind = IND_PROBLEM_UNKNOWN, .def = i, .ref = r});
            k->target[e++] = t;
        }
    }
    k->first[k->n] = e;
}

/* Depth-first from root; reports each back edge's cycle. */
static void visit(struct check *k, size_t root)
{
    size_t top = 0;
    k->stack[top] = root;
    k->next[top] = k->first[root];
    k->colour[root] = GREY;
    while (1) {
        size_t v = k->stack[top];
        if (k->next[top] == k->first[v + 1]) {
            k->colour[v] = BLACK;
            k->order[k->norder++] = v;
            if (top == 0)
                return;
            top--;
            continue;
        }
        size_t w = k->target[k->next[top]++];
        if (w == k->n || k->colour[w] == BLACK)
            continue;
        if (k->colour[w] == GREY) {
            size_t at = top;
            while (k->stack[at] != w)
                at--;
            report(k, (struct ind_problem){.kind = IND_PROBLEM_CYCLE,
                                           .def = w,
                                           .cycle = &k->stack[at],
                                           .cycle_len = top - at + 1});
            continue;
        }
        top++;
        k->stack[top] = w;
        k->next[top] = k->first[w];
        k->colour[w] = GREY;
    }
}

int ind_catalogue_check(const struct ind_def *defs, size_t n, size_t *order, ind_problem_fn problem,
                        void *ctx)
{
    struct check k = {.defs = defs, .n = n, .order = order, .problem = problem, .ctx = ctx};
    size_t edges = 0;
    for (size_t i = 0; i < n; i++)
        edges += defs[i].expr ? ind_expr_ref_count(defs[i].expr) : 0;
    int rc = IOC_ENOMEM;
    k.sorted = malloc((n + 1) * sizeof(struct key));
    k.target = malloc((edges + 1) * sizeof(size_t));
    k.first = malloc((n + 1) * sizeof(size_t));
    k.stack = malloc((n + 1) * sizeof(size_t));
    k.next = malloc((n + 1) * sizeof(size_t));
    k.colour = calloc(n + 1, 1);
    if (!k.sorted || !k.target || !k.first || !k.stack || !k.next || !k.colour)
        goto out;
    link(&k);
    for (size_t i = 0; i < n; i++)
        if (k.colour[i] == WHITE)
            visit(&k, i);
    rc = k.bad ? IOC_EINVAL : 0;
out:
    free(k.sorted);
    free(k.target);
    free(k.first);
    free(k.stack);
    free(k.next);
    free(k.colour);
    return rc;
}
