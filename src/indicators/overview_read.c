/*
 * overview_read.c — the overview of a unit (every indicator at its period, the change from the
 * one before, the light) and the freshness table of the agencies, read from the store: a few
 * statements over every indicator at once (store_indvalue_base_all per frequency,
 * store_indvalue_firsts per period), then the rules of overview.c in memory.
 */
#include "indicators/indicators.h"
#include "indicators/indicators_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

/* ---- the catalogue ----------------------------------------------------------------------- */

static int by_code(const void *k, const void *e)
{
    return strcmp(k, ((const struct store_ind_id *)e)->code);
}

/* ind_indicator_of without the store: the id from ids, no agency id. */
static int parse_ind(const struct store_indicator *x, const struct store_ind_id *ids, size_t nids,
                     struct ind_indicator *d)
{
    char *const *col = x->col;
    memset(d, 0, sizeof *d);
    const struct store_ind_id *k = bsearch(col[STORE_IND_CODE], ids, nids, sizeof *ids, by_code);
    const char *f = col[STORE_IND_FREQUENCY], *a = col[STORE_IND_AGGREGATION];
    const char *pol = col[STORE_IND_POLARITY], *scale = col[STORE_IND_SCALE];
    const char *target = col[STORE_IND_TARGET], *thr = col[STORE_IND_THRESHOLDS];
    if (!k || ind_freq_parse(f, strlen(f), &d->freq) || ind_agg_parse(a, strlen(a), &d->rule.agg) ||
        ind_polarity_parse(pol, strlen(pol), &d->polarity) ||
        ind_thresholds_parse(thr, strlen(thr), &d->thresholds, NULL))
        return IOC_EINVAL;
    d->id = k->id;
    d->rule.scale = 1;
    if (scale[0] && ioc_parse_f64(scale, strlen(scale), 0, 1e15, &d->rule.scale) != 0)
        return IOC_EINVAL;
    d->has_target = target[0] != '\0';
    if (d->has_target && ioc_parse_f64(target, strlen(target), -1e15, 1e15, &d->target) != 0)
        return IOC_EINVAL;
    d->derived = col[STORE_IND_EXPRESSION][0] != '\0';
    snprintf(d->agency_code, sizeof d->agency_code, "%s", col[STORE_IND_AGENCY]);
    return 0;
}

/* The catalogue (of domain, or all) and the indicators' ids. */
static int read_catalogue(struct store_conn *db, const char *domain, struct store_indicator **rows,
                          size_t *nrows, struct store_ind_id **ids, size_t *nids)
{
    struct store_ind_query q = {domain, NULL, 0, 0};
    int rc = store_indicators_find(db, &q, rows, nrows, NULL);
    if (rc)
        return rc;
    rc = store_ind_ids(db, ids, nids);
    if (rc) {
        store_indicators_free(*rows, *nrows);
        *rows = NULL;
        *nrows = 0;
    }
    return rc;
}

/* ---- overview ---------------------------------------------------------------------------- */

/* The base rows of one statement as observations, and where each indicator's rows are. */
struct slice {
    int64_t id;
    size_t at, n;
};
struct fetched {
    struct ind_base_obs *obs;
    struct slice *sl;
    size_t nsl;
};

static int by_slice(const void *a, const void *b)
{
    int64_t x = ((const struct slice *)a)->id, y = ((const struct slice *)b)->id;
    return x < y ? -1 : x > y;
}

static void fetched_free(struct fetched *f)
{
    free(f->obs);
    free(f->sl);
    memset(f, 0, sizeof *f);
}

static int fetch(struct store_conn *db, const char *unit, enum ind_freq f, int64_t lo, int64_t hi,
                 const char *domain, const char *ids, struct fetched *out)
{
    struct store_indbase_all *rows = NULL;
    size_t n = 0, nsl = 0;
    memset(out, 0, sizeof *out);
    int rc = store_indvalue_base_all(db, unit, ind_freq_name(f), lo, hi, domain, ids, &rows, &n);
    if (rc)
        return rc;
    out->obs = malloc((n ? n : 1) * sizeof *out->obs);
    out->sl = malloc((n ? n : 1) * sizeof *out->sl);
    rc = out->obs && out->sl ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        out->obs[i] = (struct ind_base_obs){.n = (int32_t)rows[i].period_n,
                                            .own = rows[i].own,
                                            .obs = ind_obs_of(rows[i].value, 0)};
        out->obs[i].obs.num = rows[i].num;
        out->obs[i].obs.den = rows[i].den;
        if (nsl == 0 || out->sl[nsl - 1].id != rows[i].indicator_id)
            out->sl[nsl++] = (struct slice){rows[i].indicator_id, i, 0};
        out->sl[nsl - 1].n++;
    }
    free(rows);
    if (rc) {
        fetched_free(out);
        return rc;
    }
    out->nsl = nsl;
    qsort(out->sl, nsl, sizeof *out->sl, by_slice);
    return 0;
}

/* id's rows in f (*n = 0 when none). */
static const struct ind_base_obs *rows_of(const struct fetched *f, int64_t id, size_t *n)
{
    struct slice key = {id, 0, 0};
    const struct slice *s = bsearch(&key, f->sl, f->nsl, sizeof *f->sl, by_slice);
    *n = s ? s->n : 0;
    return s ? f->obs + s->at : NULL;
}

struct code_ix {
    const char *code;
    size_t ix;
};

struct ov_ctx {
    struct store_conn *db;
    const char *unit, *domain;
    struct ind_overview *o;
    bool *shown;
    struct ind_expr **expr; /* derived items' parsed expressions (NULL: none or unparsable) */
    struct code_ix *codes;  /* the items' codes, sorted, for ref lookups */
    struct ind_cache_gens_all gens; /* read before any base row (cache.c) */
};

/* Item y's two periods prev, p at frequency g from the cache; true when both are there. */
static bool cached_two(const struct ov_ctx *x, const struct ind_ov_item *y, enum ind_freq g,
                       struct ind_period prev, struct ind_rolled two[2])
{
    struct ind_cache_key k = {y->ind.id, x->unit, "", g};
    struct ind_cache_gens gen = ind_cache_gens_of(&x->gens, y->ind.id);
    return prev.freq == g && ind_cache_get(&k, prev, 2, &gen, two);
}

/* Item y's two periods from the base rows of fx (its own frequency), kept in the cache. */
static int rolled_two(const struct ov_ctx *x, const struct ind_ov_item *y, struct ind_period prev,
                      const struct fetched *fx, struct ind_rolled two[2])
{
    size_t n = 0;
    const struct ind_base_obs *r = rows_of(fx, y->ind.id, &n);
    int rc = ind_rollup(&y->ind.rule, y->ind.freq, prev, 2, r, n, two);
    if (rc == 0) {
        struct ind_cache_key k = {y->ind.id, x->unit, "", prev.freq};
        struct ind_cache_gens gen = ind_cache_gens_of(&x->gens, y->ind.id);
        ind_cache_put(&k, prev, 2, &gen, two);
    }
    return rc;
}

/* Appends id to the JSON array in b. */
static int add_id(struct ioc_buf *b, int64_t id)
{
    return ioc_buf_printf(b, "%s%lld", b->len ? "," : "[", (long long)id);
}

/* The JSON array b closed and terminated (b empty when no id was added). */
static int close_ids(struct ioc_buf *b)
{
    if (!b->len)
        return 0;
    int rc = ioc_buf_putc(b, ']');
    return rc ? rc : ioc_buf_putc(b, '\0');
}

/* The lines of the shown non-derived items of frequency f: from the cache, the others from one
 * statement over them. */
static int lines_of_freq(struct ov_ctx *x, enum ind_freq f)
{
    struct ind_overview *o = x->o;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t misses = 0, all = 0;
    struct ioc_buf ids;
    ioc_buf_init(&ids, 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        struct ind_ov_item *it = &o->items[i];
        struct ind_period prev;
        struct ind_rolled two[2];
        if (!x->shown[i] || it->ind.derived || it->ind.freq != f)
            continue;
        all++;
        if (ind_period_step(it->line.period, -1, &prev) != 0)
            rc = IOC_EINVAL;
        else if (cached_two(x, it, f, prev, two))
            ind_ov_finish(&it->ind, it->line.period, two, &it->line);
        else {
            it->line.cur.inputs = -1; /* to read */
            rc = add_id(&ids, it->ind.id);
            misses++;
            lo = prev.n < lo ? prev.n : lo;
            hi = it->line.period.n > hi ? it->line.period.n : hi;
        }
    }
    if (rc == 0)
        rc = close_ids(&ids);
    struct fetched fx;
    memset(&fx, 0, sizeof fx);
    if (rc == 0 && misses)
        rc = fetch(x->db, x->unit, f, lo, hi, x->domain, misses < all ? ids.data : NULL, &fx);
    for (size_t i = 0; rc == 0 && misses && i < o->n; i++) {
        struct ind_ov_item *it = &o->items[i];
        struct ind_period prev;
        struct ind_rolled two[2];
        if (!x->shown[i] || it->ind.derived || it->ind.freq != f || it->line.cur.inputs != -1)
            continue;
        rc = ind_period_step(it->line.period, -1, &prev);
        if (rc == 0)
            rc = rolled_two(x, it, prev, &fx, two);
        if (rc == 0)
            ind_ov_finish(&it->ind, it->line.period, two, &it->line);
    }
    fetched_free(&fx);
    ioc_buf_free(&ids);
    return rc;
}

static int by_code_ix(const void *a, const void *b)
{
    return strcmp(((const struct code_ix *)a)->code, ((const struct code_ix *)b)->code);
}

/* The item whose code is ref k of e, or NULL. */
static const struct ind_ov_item *ref_item(const struct ov_ctx *x, const struct ind_expr *e,
                                          size_t k)
{
    const char *code;
    size_t len;
    char name[IND_CODE_MAX + 1];
    ind_expr_ref(e, k, &code, &len);
    snprintf(name, sizeof name, "%.*s", (int)len, code);
    struct code_ix key = {name, 0};
    const struct code_ix *hit = bsearch(&key, x->codes, x->o->n, sizeof *x->codes, by_code_ix);
    return hit ? &x->o->items[hit->ix] : NULL;
}

/* 1 if derived item i can be computed in memory: every input plain and not coarser. */
static int plain(const struct ov_ctx *x, size_t i)
{
    const struct ind_expr *e = x->expr[i];
    if (!e)
        return 0;
    for (size_t k = 0; k < ind_expr_ref_count(e); k++) {
        const struct ind_ov_item *in = ref_item(x, e, k);
        if (!in || in->ind.derived || in->ind.freq > x->o->items[i].ind.freq)
            return 0;
    }
    return 1;
}

static int derived_line(struct store_conn *db, const char *unit, struct ind_ov_item *it)
{
    struct ind_range r;
    memset(&r, 0, sizeof r);
    r.freq = it->ind.freq;
    r.count = 2;
    if (ind_period_step(it->line.period, -1, &r.first) != 0)
        return IOC_EINVAL;
    struct ind_rolled two[2];
    int rc = ind_values_rolled(db, it->x, &it->ind, unit, &r, two);
    if (rc == IOC_EINVAL || rc == IOC_ENOTFOUND) { /* a bad expression: no value, say why */
        two[0] = two[1] = (struct ind_rolled){.reason = IND_BAD_INPUT};
        rc = 0;
    }
    if (rc == 0)
        ind_ov_finish(&it->ind, it->line.period, two, &it->line);
    return rc;
}

/* Derived item i from its inputs at its two periods: each from the cache, else (fx not NULL)
 * from its rows fx[F] (the children of the two periods); *done 0 when fx is NULL and an input
 * is not cached. */
static int derived_plain(struct ov_ctx *x, size_t i, const struct fetched *fx, int *done)
{
    struct ind_ov_item *it = &x->o->items[i];
    const struct ind_expr *e = x->expr[i];
    struct ind_rolled buf[IND_EXPR_MAX_REFS][2], two[2];
    const struct ind_rolled *in[IND_EXPR_MAX_REFS];
    struct ind_period prev;
    *done = 0;
    if (ind_period_step(it->line.period, -1, &prev) != 0)
        return IOC_EINVAL;
    size_t refs = ind_expr_ref_count(e);
    for (size_t k = 0; k < refs && k < IND_EXPR_MAX_REFS; k++) {
        const struct ind_ov_item *y = ref_item(x, e, k);
        if (!cached_two(x, y, it->ind.freq, prev, buf[k])) {
            if (!fx)
                return 0;
            int rc = rolled_two(x, y, prev, &fx[y->ind.freq], buf[k]);
            if (rc)
                return rc;
        }
        in[k] = buf[k];
    }
    ind_rollup_derived(e, in, 2, two);
    ind_ov_finish(&it->ind, it->line.period, two, &it->line);
    *done = 1;
    return 0;
}

/* The ids of the inputs of frequency f of the plain derived items of frequency g not computed
 * from the cache (pending), as a JSON array into b; none: b empty. */
static int input_ids(const struct ov_ctx *x, const unsigned char *pending, enum ind_freq g,
                     enum ind_freq f, struct ioc_buf *b)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < x->o->n; i++) {
        if (!pending[i] || x->o->items[i].ind.freq != g)
            continue;
        for (size_t k = 0; rc == 0 && k < ind_expr_ref_count(x->expr[i]); k++) {
            const struct ind_ov_item *y = ref_item(x, x->expr[i], k);
            if (y->ind.freq == f)
                rc = add_id(b, y->ind.id);
        }
    }
    return rc ? rc : close_ids(b);
}

/* The derived items of frequency g: the plain ones from the cache, or from one statement per
 * input frequency over the inputs of those it could not answer. */
static int derived_of_freq(struct ov_ctx *x, const unsigned char *is_plain, enum ind_freq g)
{
    struct ind_overview *o = x->o;
    struct fetched fx[IND_YEAR + 1];
    memset(fx, 0, sizeof fx);
    unsigned char *pending = calloc(o->n ? o->n : 1, 1);
    if (!pending)
        return IOC_ENOMEM;
    struct ind_period p = {g, 0}, prev, a, b;
    int32_t na = 0, nb = 0, any = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->n; i++)
        if (is_plain[i] && o->items[i].ind.freq == g) {
            int done = 0;
            rc = derived_plain(x, i, NULL, &done);
            pending[i] = !done;
            if (!done) {
                p = o->items[i].line.period;
                any = 1;
            }
        }
    for (int f = IND_DAY; any && rc == 0 && f <= (int)g; f++) {
        struct ioc_buf ids;
        ioc_buf_init(&ids, 0);
        rc = input_ids(x, pending, g, (enum ind_freq)f, &ids);
        if (rc == 0 && ids.len &&
            (ind_period_step(p, -1, &prev) || ind_period_children(prev, f, &a, &na) ||
             ind_period_children(p, f, &b, &nb)))
            rc = IOC_EINVAL;
        if (rc == 0 && ids.len)
            rc = fetch(x->db, x->unit, (enum ind_freq)f, a.n, b.n + nb - 1, NULL, ids.data, &fx[f]);
        ioc_buf_free(&ids);
    }
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        if (!x->shown[i] || !o->items[i].ind.derived || o->items[i].ind.freq != g ||
            (is_plain[i] && !pending[i]))
            continue;
        int done = 0;
        rc = is_plain[i] ? derived_plain(x, i, fx, &done)
                         : derived_line(x->db, x->unit, &o->items[i]);
    }
    for (int f = IND_DAY; f <= IND_YEAR; f++)
        fetched_free(&fx[f]);
    free(pending);
    return rc;
}

static int derived_lines(struct ov_ctx *x)
{
    struct ind_overview *o = x->o;
    unsigned char *is_plain = calloc(o->n ? o->n : 1, 1);
    int rc = is_plain ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        const char *t = o->items[i].x->col[STORE_IND_EXPRESSION];
        if (x->shown[i] && o->items[i].ind.derived &&
            ind_expr_parse(t, strlen(t), &x->expr[i], NULL))
            x->expr[i] = NULL;
    }
    for (size_t i = 0; rc == 0 && i < o->n; i++)
        is_plain[i] = x->shown[i] && o->items[i].ind.derived && plain(x, i);
    for (int g = IND_DAY; rc == 0 && g <= IND_YEAR; g++)
        rc = derived_of_freq(x, is_plain, (enum ind_freq)g);
    free(is_plain);
    return rc;
}

/* Parses the items and sets each one's period; lines start with no value. */
static int overview_items(struct ind_overview *o, const struct store_ind_id *ids, size_t nids,
                          const struct ind_period *asked, int64_t now)
{
    for (size_t i = 0; i < o->nrows; i++) {
        struct ind_ov_item *it = &o->items[o->n];
        it->x = &o->rows[i];
        if (parse_ind(it->x, ids, nids, &it->ind) != 0)
            continue; /* stored rows were checked; one that does not parse is left out */
        struct ind_period p;
        if (ind_ov_period(it->ind.freq, asked, now, &p) != 0)
            return IOC_EINVAL;
        struct ind_rolled none = {.reason = IND_NO_INPUT};
        ind_ov_finish(&it->ind, p, (struct ind_rolled[2]){none, none}, &it->line);
        o->n++;
    }
    return 0;
}

/* Keeps the shown items only, in order. */
static void keep_shown(struct ind_overview *o, const bool *shown)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n; i++)
        if (shown[i])
            o->items[k++] = o->items[i];
    o->n = k;
}

static int overview_lines(struct ov_ctx *x)
{
    struct ind_overview *o = x->o;
    for (size_t i = 0; i < o->n; i++) {
        x->codes[i] = (struct code_ix){o->items[i].x->col[STORE_IND_CODE], i};
        x->shown[i] = !x->domain || strcmp(o->items[i].x->col[STORE_IND_DOMAIN], x->domain) == 0;
    }
    qsort(x->codes, o->n, sizeof *x->codes, by_code_ix);
    int rc = ind_cache_gens_read(x->db, -1, &x->gens);
    for (int f = IND_DAY; rc == 0 && f <= IND_YEAR; f++)
        rc = lines_of_freq(x, (enum ind_freq)f);
    return rc ? rc : derived_lines(x);
}

int ind_overview_read(struct store_conn *db, const char *unit, const struct ind_period *asked,
                      int64_t now, const char *domain, struct ind_overview *out)
{
    struct ind_overview o;
    memset(&o, 0, sizeof o);
    struct store_ind_id *ids = NULL;
    size_t nids = 0;
    int rc = read_catalogue(db, NULL, &o.rows, &o.nrows, &ids, &nids);
    if (rc)
        return rc;
    size_t m = o.nrows ? o.nrows : 1;
    struct ov_ctx x = {db,
                       unit,
                       domain,
                       &o,
                       calloc(m, sizeof(bool)),
                       calloc(m, sizeof(void *)),
                       calloc(m, sizeof(struct code_ix))};
    o.items = calloc(m, sizeof *o.items);
    rc = o.items && x.shown && x.expr && x.codes ? overview_items(&o, ids, nids, asked, now)
                                                 : IOC_ENOMEM;
    if (rc == 0)
        rc = overview_lines(&x);
    if (rc == 0)
        keep_shown(&o, x.shown);
    for (size_t i = 0; x.expr && i < m; i++)
        ind_expr_free(x.expr[i]);
    free(x.shown);
    free(x.expr);
    free(x.codes);
    ind_cache_gens_free(&x.gens);
    free(ids);
    if (rc) {
        ind_overview_free(&o);
        return rc;
    }
    *out = o;
    return 0;
}

void ind_overview_free(struct ind_overview *o)
{
    if (!o)
        return;
    store_indicators_free(o->rows, o->nrows);
    free(o->items);
    memset(o, 0, sizeof *o);
}

/* ---- freshness --------------------------------------------------------------------------- */

/* What the table reads once and shares between indicators: the unit each agency covers, the
 * stored values of each period, the expected units of each (unit, day). */
struct fresh_cache {
    struct {
        char agency[IND_CODE_MAX + 1], unit[64];
    } * agencies;
    size_t nagencies;
    struct {
        struct ind_period p;
        struct store_indfirst *rows;
        size_t n;
    } * periods;
    size_t nperiods;
    struct {
        char unit[64], day[11];
        struct store_unit_id *ids;
        size_t n;
    } * units;
    size_t nunits;
};

static void *grow(void *a, size_t n, size_t size)
{
    return realloc(a, (n + 1) * size);
}

static int agency_unit(struct store_conn *db, struct fresh_cache *c, const char *agency,
                       const char **unit)
{
    for (size_t i = 0; i < c->nagencies; i++)
        if (strcmp(c->agencies[i].agency, agency) == 0) {
            *unit = c->agencies[i].unit;
            return 0;
        }
    void *g = grow(c->agencies, c->nagencies, sizeof *c->agencies);
    if (!g)
        return IOC_ENOMEM;
    c->agencies = g;
    char u[64] = "";
    int rc = ind_agency_unit(db, agency, u);
    if (rc)
        return rc;
    snprintf(c->agencies[c->nagencies].agency, sizeof c->agencies[0].agency, "%s", agency);
    snprintf(c->agencies[c->nagencies].unit, 64, "%s", u);
    *unit = c->agencies[c->nagencies++].unit;
    return 0;
}

static int period_rows(struct store_conn *db, struct fresh_cache *c, struct ind_period p,
                       const struct store_indfirst **rows, size_t *n)
{
    for (size_t i = 0; i < c->nperiods; i++)
        if (c->periods[i].p.freq == p.freq && c->periods[i].p.n == p.n) {
            *rows = c->periods[i].rows;
            *n = c->periods[i].n;
            return 0;
        }
    void *g = grow(c->periods, c->nperiods, sizeof *c->periods);
    if (!g)
        return IOC_ENOMEM;
    c->periods = g;
    struct store_indfirst *r = NULL;
    size_t k = 0;
    int rc = store_indvalue_firsts(db, ind_freq_name(p.freq), p.n, &r, &k);
    if (rc)
        return rc;
    c->periods[c->nperiods].p = p;
    c->periods[c->nperiods].rows = r;
    c->periods[c->nperiods++].n = k;
    *rows = r;
    *n = k;
    return 0;
}

static int expected_units(struct store_conn *db, struct fresh_cache *c, const char *unit,
                          const char *day, const struct store_unit_id **ids, size_t *n)
{
    for (size_t i = 0; i < c->nunits; i++)
        if (strcmp(c->units[i].unit, unit) == 0 && strcmp(c->units[i].day, day) == 0) {
            *ids = c->units[i].ids;
            *n = c->units[i].n;
            return 0;
        }
    void *g = grow(c->units, c->nunits, sizeof *c->units);
    if (!g)
        return IOC_ENOMEM;
    c->units = g;
    struct store_unit_id *r = NULL;
    size_t k = 0;
    int rc = store_units_expected(db, unit, day, &r, &k);
    if (rc)
        return rc;
    snprintf(c->units[c->nunits].unit, 64, "%s", unit);
    snprintf(c->units[c->nunits].day, 11, "%s", day);
    c->units[c->nunits].ids = r;
    c->units[c->nunits++].n = k;
    *ids = r;
    *n = k;
    return 0;
}

static void cache_free(struct fresh_cache *c)
{
    for (size_t i = 0; i < c->nperiods; i++)
        free(c->periods[i].rows);
    for (size_t i = 0; i < c->nunits; i++)
        free(c->units[i].ids);
    free(c->agencies);
    free(c->periods);
    free(c->units);
}

static int by_unit_id(const void *k, const void *e)
{
    int64_t x = *(const int64_t *)k, y = ((const struct store_unit_id *)e)->id;
    return x < y ? -1 : x > y;
}

/* The counts of one indicator: its stored values rows[0..n) of its period (any unit), the
 * expected units ids[0..nids). A value stored against the covered unit itself stands alone. */
static int count_one(const struct store_indfirst *rows, size_t n, int64_t id,
                     const struct store_unit_id *ids, size_t nids, int64_t due, int64_t now,
                     struct ind_fresh *f)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first row of indicator id */
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].indicator_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    int64_t *first = malloc((nids ? nids : 1) * sizeof *first);
    if (!first)
        return IOC_ENOMEM;
    int32_t stored = 0, expected = 0;
    for (size_t i = 0; i < nids; i++)
        expected += !ids[i].own;
    for (size_t i = lo; i < n && rows[i].indicator_id == id; i++) {
        const struct store_unit_id *u =
            bsearch(&rows[i].unit_id, ids, nids, sizeof *ids, by_unit_id);
        if (u && u->own) {
            first[0] = rows[i].first_s;
            stored = expected = 1;
            break;
        }
        if (u)
            first[stored++] = rows[i].first_s;
    }
    ind_fresh_of(due, now, expected, first, stored, f);
    free(first);
    return 0;
}

static int64_t due_of(const struct store_indicator *x, struct ind_period p)
{
    const char *d = x->col[STORE_IND_DEADLINE];
    struct ind_deadline dl;
    if (!d[0] || ind_deadline_parse(d, strlen(d), &dl, NULL) != 0)
        return INT64_MAX;
    return ind_deadline_due(&dl, p);
}

static int fresh_item(struct store_conn *db, struct fresh_cache *c, const struct ind_indicator *ind,
                      int64_t now, struct ind_fresh_item *it)
{
    const char *unit = "";
    const struct store_indfirst *rows = NULL;
    const struct store_unit_id *ids = NULL;
    size_t n = 0, nids = 0;
    char day[11];
    ioc_date_format((int32_t)((ind_period_end(it->period) + IND_UTC_OFFSET_S) / 86400) - 1, day);
    int rc = agency_unit(db, c, ind->agency_code, &unit);
    if (rc == 0)
        rc = period_rows(db, c, it->period, &rows, &n);
    if (rc == 0)
        rc = expected_units(db, c, unit, day, &ids, &nids);
    if (rc)
        return rc;
    snprintf(it->unit, sizeof it->unit, "%s", unit);
    return count_one(rows, n, ind->id, ids, nids, due_of(it->x, it->period), now, &it->f);
}

int ind_freshness_read(struct store_conn *db, const char *agency, const struct ind_period *asked,
                       int64_t now, struct ind_freshness *out)
{
    struct ind_freshness o;
    memset(&o, 0, sizeof o);
    struct store_ind_id *ids = NULL;
    size_t nids = 0;
    int rc = read_catalogue(db, NULL, &o.rows, &o.nrows, &ids, &nids);
    if (rc)
        return rc;
    struct fresh_cache c;
    memset(&c, 0, sizeof c);
    o.items = calloc(o.nrows ? o.nrows : 1, sizeof *o.items);
    rc = o.items ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < o.nrows; i++) {
        struct ind_indicator ind;
        struct ind_fresh_item *it = &o.items[o.n];
        it->x = &o.rows[i];
        if (parse_ind(it->x, ids, nids, &ind) != 0 || ind.derived ||
            (agency && strcmp(agency, ind.agency_code) != 0))
            continue;
        rc = ind_ov_period(ind.freq, asked, now, &it->period);
        if (rc == 0)
            rc = fresh_item(db, &c, &ind, now, it);
        o.n += rc == 0;
    }
    cache_free(&c);
    free(ids);
    if (rc) {
        ind_freshness_free(&o);
        return rc;
    }
    *out = o;
    return 0;
}

void ind_freshness_free(struct ind_freshness *f)
{
    if (!f)
        return;
    store_indicators_free(f->rows, f->nrows);
    free(f->items);
    memset(f, 0, sizeof *f);
}
