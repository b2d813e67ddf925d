/*
 * history.c — the whole history of every indicator in one geography: each stored value carried
 * to the communes in force on a day (itself, or along the succession links with their shares:
 * store_unit_map), then, per indicator and commune, rolled up by the indicator's own rule over
 * its own periods (ind_rollup, the function every other read uses, so each row equals what
 * GET …/values?unit=C&at=DAY gives for that period). One pass over the stored values per
 * frequency, none held whole: the rows of one indicator at a time.
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

struct hist {
    struct ind_history *h;
    enum ind_freq freq;
    struct ind_indicator *inds; /* non-derived, sorted by id */
    char (*codes)[IND_CODE_MAX + 1];
    size_t ninds;
    const struct store_unit_map *map;
    size_t nmap;
    size_t *first_of; /* map rows of unit id u: [first_of[u], first_of[u + 1]) */
    int64_t max_unit;
    char (*targets)[24]; /* target index → code */
    size_t ntargets;
    uint32_t *target_of; /* map row → target index */
    int64_t cur;         /* the indicator whose rows are gathered, -1 none */
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

/* The gathered rows of the current indicator, rolled up per commune and handed out. */
static int flush(struct hist *x)
{
    if (x->cur < 0 || x->n == 0) {
        x->n = 0;
        return 0;
    }
    struct ind_indicator key = {.id = x->cur};
    const struct ind_indicator *ind = bsearch(&key, x->inds, x->ninds, sizeof key, by_id);
    if (!ind || ind->freq != x->freq) { /* a derived indicator's or a stray frequency's rows */
        x->n = 0;
        return 0;
    }
    const char *code = x->codes[ind - x->inds];
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
    if (!ind)
        return 0;
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

/* The non-derived indicators, parsed, sorted by id. */
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
    rc = x->inds && x->codes ? 0 : IOC_ENOMEM;
    struct {
        struct ind_indicator ind;
        char code[IND_CODE_MAX + 1];
    } *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        rc = IOC_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct ind_indicator ind;
        if (ind_indicator_of(db, &rows[i], &ind) != 0 || ind.derived)
            continue; /* derived: evaluated from its inputs, never stored */
        tmp[k].ind = ind;
        memcpy(tmp[k].code, rows[i].col[STORE_IND_CODE],
               strnlen(rows[i].col[STORE_IND_CODE], IND_CODE_MAX));
        tmp[k].code[strnlen(rows[i].col[STORE_IND_CODE], IND_CODE_MAX)] = '\0';
        k++;
    }
    if (rc == 0) /* by id (ind is the first member), codes alongside */
        qsort(tmp, k, sizeof *tmp, by_id);
    for (size_t i = 0; rc == 0 && i < k; i++) {
        x->inds[i] = tmp[i].ind;
        memcpy(x->codes[i], tmp[i].code, sizeof x->codes[i]);
    }
    x->ninds = k;
    free(tmp);
    store_indicators_free(rows, n);
    return rc;
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
        rc = store_unit_map(db, h->at, &map, &x.nmap);
    x.map = map;
    if (rc == 0)
        rc = index_map(&x);
    for (int f = IND_DAY; rc == 0 && f <= IND_YEAR; f++) {
        struct ind_period lo, hi;
        x.freq = (enum ind_freq)f;
        if ((rc = ind_period_of(x.freq, h->from, &lo)) != 0 ||
            (rc = ind_period_of(x.freq, h->to - 1, &hi)) != 0)
            break;
        x.cur = -1;
        x.n = 0;
        rc = store_indvalue_each(db, ind_freq_name(x.freq), lo.n, hi.n, on_value, &x);
        if (rc == 0)
            rc = flush(&x);
    }
    free(map);
    free(x.inds);
    free(x.codes);
    free(x.first_of);
    free(x.target_of);
    free(x.targets);
    free(x.rows);
    free(x.obs);
    free(x.out);
    return rc;
}
