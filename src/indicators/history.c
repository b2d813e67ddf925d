/*
 * history.c — the whole history of every indicator in one geography: each stored value carried
 * to the communes in force on a day (itself, or along the succession links with their shares:
 * store_unit_map), then, per indicator and commune, rolled up by the indicator's own rule over
 * its own periods (ind_rollup, the function every other read uses, so each row equals what
 * GET …/values?unit=C&at=DAY gives for that period). One pass over the stored values per
 * frequency, none held whole: the rows of one indicator at a time.
 *
 * Derived indicators: the rolled values of every indicator some derived one reads (through
 * other derived ones too) are kept, per commune and period of its own frequency. After the pass
 * of a frequency, each derived indicator of that frequency is computed per commune as the API
 * computes it (values_read.c): its inputs aggregated to its periods by their own rules (here
 * the kept values re-aggregated by ind_aggregate, which chains), a derived input evaluated at
 * those periods the same way, then ind_rollup_derived (ind_expr_eval) over them.
 */
#include "indicators/indicators.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

/* One value carried to one commune. */
struct carried {
    uint32_t target;
    struct ind_base_obs b;
};

/* One kept rolled value of an indicator some derived one reads. */
struct kept {
    uint32_t target;
    int32_t n; /* a period of the indicator's own frequency */
    struct ind_rolled v;
};

/* What the derived part knows of one indicator (parallel to hist.inds). */
struct dinfo {
    struct ind_expr *expr; /* derived: its parsed expression, else NULL */
    long *ref;             /* derived: the index in inds of each ref, -1 unknown */
    bool needed;           /* read by some derived indicator: its rolled values are kept */
    struct kept *kept;     /* sorted by target, n */
    size_t nkept, cap;
};

struct hist {
    struct ind_history *h;
    enum ind_freq freq;
    struct ind_indicator *inds; /* every indicator, sorted by id */
    char (*codes)[IND_CODE_MAX + 1];
    struct dinfo *d;
    size_t ninds;
    const struct store_unit_map *map;
    size_t nmap;
    size_t *first_of; /* map rows of unit id u: [first_of[u], first_of[u + 1]) */
    int64_t max_unit;
    char (*targets)[24]; /* target index → code */
    size_t ntargets;
    uint32_t *target_of;      /* map row → target index */
    int32_t emit_lo, emit_hi; /* the periods of the pass handed out (the read may be wider) */
    int64_t cur;              /* the indicator whose rows are gathered, -1 none */
    struct carried *rows;
    size_t n, cap;
    struct ind_base_obs *obs;
    struct ind_rolled *out;
    size_t obs_cap, out_cap;
};

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const struct ind_indicator *)a)->id, y = ((const struct ind_indicator *)b)->id;
    return (x > y) - (x < y);
}

static int by_target_period(const void *a, const void *b)
{
    const struct carried *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    return (x->b.n > y->b.n) - (x->b.n < y->b.n);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return IOC_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

static int keep(struct dinfo *d, uint32_t target, int32_t n, const struct ind_rolled *v)
{
    int rc = grow((void **)&d->kept, &d->cap, d->nkept + 1, sizeof *d->kept);
    if (rc == 0)
        d->kept[d->nkept++] = (struct kept){target, n, *v};
    return rc;
}

/* The gathered rows of the current indicator, rolled up per commune and handed out. */
static int flush(struct hist *x)
{
    if (x->cur < 0 || x->n == 0) {
        x->n = 0;
        return 0;
    }
    struct ind_indicator key = {.id = x->cur};
    const struct ind_indicator *ind = bsearch(&key, x->inds, x->ninds, sizeof key, by_id);
    if (!ind || ind->derived || ind->freq != x->freq) { /* a stray row */
        x->n = 0;
        return 0;
    }
    const char *code = x->codes[ind - x->inds];
    struct dinfo *d = &x->d[ind - x->inds];
    qsort(x->rows, x->n, sizeof *x->rows, by_target_period);
    int rc = 0;
    for (size_t i = 0, j; rc == 0 && i < x->n; i = j) {
        for (j = i; j < x->n && x->rows[j].target == x->rows[i].target; j++)
            ;
        int32_t lo = x->rows[i].b.n, hi = x->rows[j - 1].b.n, count = hi - lo + 1;
        if ((rc = grow((void **)&x->obs, &x->obs_cap, j - i, sizeof *x->obs)) != 0 ||
            (rc = grow((void **)&x->out, &x->out_cap, (size_t)count, sizeof *x->out)) != 0)
            break;
        for (size_t k = i; k < j; k++)
            x->obs[k - i] = x->rows[k].b;
        rc = ind_rollup(&ind->rule, x->freq, (struct ind_period){x->freq, lo}, count, x->obs, j - i,
                        x->out);
        for (int32_t p = 0; rc == 0 && p < count; p++) {
            if (x->out[p].inputs == 0)
                continue;
            if (d->needed && (rc = keep(d, x->rows[i].target, lo + p, &x->out[p])) != 0)
                break;
            if (lo + p < x->emit_lo || lo + p > x->emit_hi)
                continue;
            struct ind_history_row r = {code, x->targets[x->rows[i].target],
                                        (struct ind_period){x->freq, lo + p}, x->out[p],
                                        ind->rule.agg == IND_AGG_RATIO};
            x->h->values++;
            rc = x->h->emit ? x->h->emit(x->h->ctx, &r) : 0;
        }
    }
    x->n = 0;
    return rc;
}

static int on_value(void *ctx, const struct store_indvalue_row *v)
{
    struct hist *x = ctx;
    int rc = 0;
    if (v->indicator_id != x->cur) {
        rc = flush(x);
        x->cur = v->indicator_id;
    }
    x->h->rows++;
    if (rc || v->unit_id < 0 || v->unit_id > x->max_unit)
        return rc;
    struct ind_indicator key = {.id = v->indicator_id};
    const struct ind_indicator *ind = bsearch(&key, x->inds, x->ninds, sizeof key, by_id);
    if (!ind || ind->derived)
        return 0;
    if ((v->period_n < x->emit_lo || v->period_n > x->emit_hi) && !x->d[ind - x->inds].needed)
        return 0; /* read only for the derived indicators' sake */
    size_t a = x->first_of[v->unit_id], b = x->first_of[v->unit_id + 1];
    if ((rc = grow((void **)&x->rows, &x->cap, x->n + (b - a), sizeof *x->rows)) != 0)
        return rc;
    for (size_t m = a; m < b; m++) {
        struct ind_obs o = ind_obs_of(v->value, 0);
        if (v->has_ratio) {
            o.num = v->num;
            o.den = v->den;
        }
        ind_obs_carry(ind->rule.agg, x->map[m].share, x->map[m].approximate, &o);
        x->rows[x->n++] = (struct carried){x->target_of[m], {(int32_t)v->period_n, true, o}};
    }
    return 0;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The map indexed by unit id, and the targets numbered in code order. */
static int index_map(struct hist *x)
{
    x->max_unit = 0;
    for (size_t i = 0; i < x->nmap; i++)
        if (x->map[i].src_id > x->max_unit)
            x->max_unit = x->map[i].src_id;
    x->first_of = calloc((size_t)x->max_unit + 2, sizeof *x->first_of);
    x->target_of = malloc((x->nmap ? x->nmap : 1) * sizeof *x->target_of);
    const char **codes = malloc((x->nmap ? x->nmap : 1) * sizeof *codes);
    int rc = x->first_of && x->target_of && codes ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < x->nmap; i++) { /* the map is ordered by src_id */
        if (x->map[i].src_id >= 0)
            x->first_of[x->map[i].src_id + 1] = i + 1;
        codes[i] = x->map[i].target_code;
    }
    for (int64_t u = 1; rc == 0 && u <= x->max_unit + 1; u++)
        if (x->first_of[u] < x->first_of[u - 1])
            x->first_of[u] = x->first_of[u - 1];
    size_t nt = 0;
    if (rc == 0) {
        qsort(codes, x->nmap, sizeof *codes, by_code);
        for (size_t i = 0; i < x->nmap; i++)
            if (nt == 0 || strcmp(codes[i], codes[nt - 1]) != 0)
                codes[nt++] = codes[i];
        x->targets = malloc((nt ? nt : 1) * sizeof *x->targets);
        rc = x->targets ? 0 : IOC_ENOMEM;
    }
    for (size_t i = 0; rc == 0 && i < nt; i++)
        memcpy(x->targets[i], codes[i], strlen(codes[i]) + 1);
    for (size_t i = 0; rc == 0 && i < x->nmap; i++) {
        const char *c = x->map[i].target_code;
        const char **hit = bsearch(&c, codes, nt, sizeof *codes, by_code);
        x->target_of[i] = (uint32_t)(hit - codes);
    }
    x->ntargets = nt;
    free(codes);
    return rc;
}

/* Every indicator, parsed, sorted by id, with a derived one's expression (a catalogue
 * indicator whose columns do not parse is left out, as before). */
static int load_catalogue(struct store_conn *db, struct hist *x)
{
    struct store_ind_query q = {NULL, NULL, 0, 0};
    struct store_indicator *rows = NULL;
    size_t n = 0;
    int rc = store_indicators_find(db, &q, &rows, &n, NULL);
    if (rc)
        return rc;
    x->inds = malloc((n ? n : 1) * sizeof *x->inds);
    x->codes = malloc((n ? n : 1) * sizeof *x->codes);
    x->d = calloc(n ? n : 1, sizeof *x->d);
    rc = x->inds && x->codes && x->d ? 0 : IOC_ENOMEM;
    struct {
        struct ind_indicator ind;
        char code[IND_CODE_MAX + 1];
        struct ind_expr *expr;
    } *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        rc = IOC_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct ind_indicator ind;
        const char *e = rows[i].col[STORE_IND_EXPRESSION];
        struct ind_expr *pe = NULL;
        if (ind_indicator_of(db, &rows[i], &ind) != 0 ||
            (ind.derived && ind_expr_parse(e, strlen(e), &pe, NULL) != 0))
            continue;
        tmp[k].ind = ind;
        tmp[k].expr = pe;
        size_t len = strnlen(rows[i].col[STORE_IND_CODE], IND_CODE_MAX);
        memcpy(tmp[k].code, rows[i].col[STORE_IND_CODE], len);
        tmp[k].code[len] = '\0';
        k++;
    }
    if (rc == 0) /* by id (ind is the first member), codes alongside */
        qsort(tmp, k, sizeof *tmp, by_id);
    for (size_t i = 0; i < k; i++) {
        if (rc == 0) {
            x->inds[i] = tmp[i].ind;
            memcpy(x->codes[i], tmp[i].code, sizeof x->codes[i]);
            x->d[i].expr = tmp[i].expr;
        } else {
            ind_expr_free(tmp[i].expr);
        }
    }
    x->ninds = rc == 0 ? k : 0;
    free(tmp);
    store_indicators_free(rows, n);
    return rc;
}

/* ---- derived indicators ------------------------------------------------------------------ */

#define DERIVED_DEPTH 8 /* as values_read.c */

static long index_of_code(const struct hist *x, const char *code, size_t len)
{
    for (size_t i = 0; i < x->ninds; i++)
        if (strlen(x->codes[i]) == len && memcmp(x->codes[i], code, len) == 0)
            return (long)i;
    return -1;
}

static void mark_needed(struct hist *x, size_t i, int depth)
{
    const struct dinfo *d = &x->d[i];
    for (size_t k = 0; d->ref && depth < DERIVED_DEPTH && k < ind_expr_ref_count(d->expr); k++)
        if (d->ref[k] >= 0) {
            x->d[d->ref[k]].needed = true;
            mark_needed(x, (size_t)d->ref[k], depth + 1);
        }
}

/* Each derived indicator's refs as indices, and the indicators they read marked needed. */
static int resolve_refs(struct hist *x)
{
    for (size_t i = 0; i < x->ninds; i++) {
        struct dinfo *d = &x->d[i];
        if (!d->expr)
            continue;
        size_t refs = ind_expr_ref_count(d->expr);
        if (!(d->ref = malloc((refs ? refs : 1) * sizeof *d->ref)))
            return IOC_ENOMEM;
        for (size_t k = 0; k < refs; k++) {
            const char *code;
            size_t len;
            ind_expr_ref(d->expr, k, &code, &len);
            d->ref[k] = index_of_code(x, code, len);
        }
    }
    for (size_t i = 0; i < x->ninds; i++)
        if (x->d[i].expr)
            mark_needed(x, i, 0);
    return 0;
}

static int by_target_n(const void *a, const void *b)
{
    const struct kept *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

/* The kept values of indicator i at target: [*a, *b). */
static void kept_of(const struct dinfo *d, uint32_t target, size_t *a, size_t *b)
{
    size_t lo = 0, hi = d->nkept;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->kept[mid].target < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    *a = lo;
    for (*b = lo; *b < d->nkept && d->kept[*b].target == target; (*b)++)
        ;
}

/* The periods of frequency f holding the values indicator i reads (itself, or through its
 * refs) at target: widened into [*lo, *hi]. */
static void span_of(const struct hist *x, size_t i, uint32_t target, enum ind_freq f, int32_t *lo,
                    int32_t *hi, int depth)
{
    const struct dinfo *d = &x->d[i];
    if (d->expr) {
        for (size_t k = 0; d->ref && depth < DERIVED_DEPTH && k < ind_expr_ref_count(d->expr); k++)
            if (d->ref[k] >= 0)
                span_of(x, (size_t)d->ref[k], target, f, lo, hi, depth + 1);
        return;
    }
    size_t a, b;
    kept_of(d, target, &a, &b);
    struct ind_period p;
    if (a < b && ind_period_parent((struct ind_period){x->inds[i].freq, d->kept[a].n}, f, &p) == 0)
        *lo = p.n < *lo ? p.n : *lo;
    if (a < b &&
        ind_period_parent((struct ind_period){x->inds[i].freq, d->kept[b - 1].n}, f, &p) == 0)
        *hi = p.n > *hi ? p.n : *hi;
}

/* Non-derived indicator i at target over periods first..first + count of frequency f: its kept
 * values (its own periods) of each period aggregated by its rule; a period with a kept value
 * that has none passes on its reason. */
static int aggregate_kept(const struct hist *x, size_t i, uint32_t target, struct ind_period first,
                          int32_t count, struct ind_rolled *out)
{
    const struct dinfo *d = &x->d[i];
    for (int32_t p = 0; p < count; p++)
        out[p] = (struct ind_rolled){IND_NO_INPUT, {0}, 0};
    size_t a, b;
    kept_of(d, target, &a, &b);
    struct ind_obs *obs = malloc((b > a ? b - a : 1) * sizeof *obs);
    if (!obs)
        return IOC_ENOMEM;
    for (size_t j = a, e; j < b; j = e) {
        struct ind_period p;
        if (ind_period_parent((struct ind_period){x->inds[i].freq, d->kept[j].n}, first.freq, &p) !=
            0)
            p.n = first.n - 1; /* outside: skipped */
        enum ind_reason why = IND_OK;
        int32_t inputs = 0;
        size_t m = 0;
        for (e = j; e < b; e++) {
            struct ind_period q;
            if (ind_period_parent((struct ind_period){x->inds[i].freq, d->kept[e].n}, first.freq,
                                  &q) != 0 ||
                q.n != p.n)
                break;
            inputs += d->kept[e].v.inputs;
            if (d->kept[e].v.reason != IND_OK && why == IND_OK)
                why = d->kept[e].v.reason;
            obs[m++] = d->kept[e].v.obs;
        }
        if (e == j)
            e = j + 1;
        int32_t at = p.n - first.n;
        if (at < 0 || at >= count)
            continue;
        out[at].inputs = inputs;
        out[at].reason =
            why != IND_OK ? why : ind_aggregate(&x->inds[i].rule, obs, m, &out[at].obs);
    }
    free(obs);
    return 0;
}

/* Indicator i at target over count periods from first, as values_read.c computes it. */
static int value_at(const struct hist *x, size_t i, uint32_t target, struct ind_period first,
                    int32_t count, struct ind_rolled *out, int depth)
{
    const struct dinfo *d = &x->d[i];
    if (!d->expr)
        return aggregate_kept(x, i, target, first, count, out);
    if (depth >= DERIVED_DEPTH)
        return IOC_EINVAL;
    size_t refs = ind_expr_ref_count(d->expr);
    struct ind_rolled **in = calloc(refs ? refs : 1, sizeof *in);
    int rc = in ? 0 : IOC_ENOMEM;
    for (size_t k = 0; rc == 0 && k < refs; k++) {
        if (!(in[k] = malloc((size_t)count * sizeof **in))) {
            rc = IOC_ENOMEM;
        } else if (d->ref[k] < 0) { /* not in the catalogue: no value */
            for (int32_t p = 0; p < count; p++)
                in[k][p] = (struct ind_rolled){IND_NO_INPUT, {0}, 0};
        } else {
            rc = value_at(x, (size_t)d->ref[k], target, first, count, in[k], depth + 1);
        }
    }
    if (rc == 0)
        ind_rollup_derived(d->expr, (const struct ind_rolled *const *)in, count, out);
    for (size_t k = 0; in && k < refs; k++)
        free(in[k]);
    free(in);
    return rc;
}

/* Every derived indicator of the pass's frequency at every commune, emitted where some input
 * has a value, in the range of the history. */
static int emit_derived(struct hist *x, int32_t from_n, int32_t to_n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < x->ninds; i++) {
        if (!x->d[i].expr || x->inds[i].freq != x->freq)
            continue;
        for (uint32_t t = 0; rc == 0 && t < x->ntargets; t++) {
            int32_t lo = INT32_MAX, hi = INT32_MIN;
            span_of(x, i, t, x->freq, &lo, &hi, 0);
            lo = lo < from_n ? from_n : lo;
            hi = hi > to_n ? to_n : hi;
            if (lo > hi)
                continue;
            int32_t count = hi - lo + 1;
            if ((rc = grow((void **)&x->out, &x->out_cap, (size_t)count, sizeof *x->out)) != 0 ||
                (rc = value_at(x, i, t, (struct ind_period){x->freq, lo}, count, x->out, 0)) != 0)
                break;
            for (int32_t p = 0; rc == 0 && p < count; p++) {
                if (x->out[p].inputs == 0)
                    continue;
                struct ind_history_row r = {x->codes[i], x->targets[t],
                                            (struct ind_period){x->freq, lo + p}, x->out[p], false};
                x->h->values++;
                rc = x->h->emit ? x->h->emit(x->h->ctx, &r) : 0;
            }
        }
    }
    return rc;
}

/* After a pass: the values kept of its frequency in order (a pass hands them out in order, but
 * the order is not the store's promise). */
static void sort_kept(struct hist *x)
{
    for (size_t i = 0; i < x->ninds; i++)
        if (x->d[i].needed && x->inds[i].freq == x->freq && x->d[i].nkept > 1)
            qsort(x->d[i].kept, x->d[i].nkept, sizeof *x->d[i].kept, by_target_n);
}

static void hist_free(struct hist *x)
{
    for (size_t i = 0; x->d && i < x->ninds; i++) {
        ind_expr_free(x->d[i].expr);
        free(x->d[i].ref);
        free(x->d[i].kept);
    }
    free(x->d);
    free(x->inds);
    free(x->codes);
    free(x->first_of);
    free(x->target_of);
    free(x->targets);
    free(x->rows);
    free(x->obs);
    free(x->out);
}

int ind_history(struct store_conn *db, struct ind_history *h)
{
    h->rows = h->values = 0;
    struct hist x;
    memset(&x, 0, sizeof x);
    x.h = h;
    x.cur = -1;
    struct store_unit_map *map = NULL;
    int rc = load_catalogue(db, &x);
    if (rc == 0)
        rc = resolve_refs(&x);
    if (rc == 0)
        rc = store_unit_map(db, h->at, &map, &x.nmap);
    x.map = map;
    if (rc == 0)
        rc = index_map(&x);
    /* A derived indicator's period holds its inputs' periods of the range's edges whole: with
     * derived indicators, the values are read from the start of the year holding from to the
     * end of the year holding to (only the range's periods are handed out). */
    int64_t from = h->from, to = h->to;
    bool wide = false;
    for (size_t i = 0; i < x.ninds; i++)
        wide = wide || x.d[i].needed;
    struct ind_period y;
    if (rc == 0 && wide && ind_period_of(IND_YEAR, h->from, &y) == 0)
        from = ind_period_start(y);
    if (rc == 0 && wide && ind_period_of(IND_YEAR, h->to - 1, &y) == 0)
        to = ind_period_end(y);
    for (int f = IND_DAY; rc == 0 && f <= IND_YEAR; f++) {
        struct ind_period lo, hi, rlo, rhi;
        x.freq = (enum ind_freq)f;
        if ((rc = ind_period_of(x.freq, h->from, &lo)) != 0 ||
            (rc = ind_period_of(x.freq, h->to - 1, &hi)) != 0 ||
            (rc = ind_period_of(x.freq, from, &rlo)) != 0 ||
            (rc = ind_period_of(x.freq, to - 1, &rhi)) != 0)
            break;
        x.emit_lo = lo.n;
        x.emit_hi = hi.n;
        x.cur = -1;
        x.n = 0;
        rc = store_indvalue_each(db, ind_freq_name(x.freq), rlo.n, rhi.n, on_value, &x);
        if (rc == 0)
            rc = flush(&x);
        sort_kept(&x);
        if (rc == 0)
            rc = emit_derived(&x, lo.n, hi.n);
    }
    free(map);
    hist_free(&x);
    return rc;
}
