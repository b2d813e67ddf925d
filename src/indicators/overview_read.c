/*
 * overview_read.c — the overview of a unit (every indicator at its period, the change from the
 * one before, the light) and the freshness table of the agencies, read from the store: a few
 * statements over every indicator at once (store_indvalue_base_all per frequency,
 * store_indvalue_firsts per period), then the rules of overview.c in memory.
 */
#include "indicators/indicators.h"

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

struct id_ix {
    int64_t id;
    size_t ix;
};

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const struct id_ix *)a)->id, y = ((const struct id_ix *)b)->id;
    return x < y ? -1 : x > y;
}

/* Rolls the base rows of frequency f into the lines of the items of that frequency. */
static int lines_of_freq(struct store_conn *db, const char *unit, enum ind_freq f,
                         struct ind_overview *o, const struct id_ix *map, size_t nmap)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < o->n; i++)
        if (!o->items[i].ind.derived && o->items[i].ind.freq == f) {
            int64_t n = o->items[i].line.period.n;
            lo = n - 1 < lo ? n - 1 : lo;
            hi = n > hi ? n : hi;
        }
    if (lo > hi)
        return 0;
    struct store_indbase_all *rows = NULL;
    size_t n = 0;
    int rc = store_indvalue_base_all(db, unit, ind_freq_name(f), lo, hi, &rows, &n);
    if (rc)
        return rc;
    struct ind_base_obs *obs = malloc((n ? n : 1) * sizeof *obs);
    rc = obs ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        obs[i] = (struct ind_base_obs){.n = (int32_t)rows[i].period_n,
                                       .own = rows[i].own,
                                       .obs = ind_obs_of(rows[i].value, 0)};
        obs[i].obs.num = rows[i].num;
        obs[i].obs.den = rows[i].den;
    }
    for (size_t i = 0, j; rc == 0 && i < n; i = j) {
        for (j = i; j < n && rows[j].indicator_id == rows[i].indicator_id; j++)
            ;
        struct id_ix key = {rows[i].indicator_id, 0};
        const struct id_ix *m = bsearch(&key, map, nmap, sizeof *map, by_id);
        if (!m)
            continue;
        struct ind_ov_item *it = &o->items[m->ix];
        if (!it->ind.derived && it->ind.freq == f)
            rc = ind_ov_line_of(&it->ind, it->line.period, obs + i, j - i, &it->line);
    }
    free(obs);
    free(rows);
    return rc;
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

/* Parses the items and sets each one's period; lines start with no value. */
static int overview_items(struct ind_overview *o, const struct store_ind_id *ids, size_t nids,
                          const struct ind_period *asked, int64_t now, struct id_ix *map)
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
        map[o->n] = (struct id_ix){it->ind.id, o->n};
        o->n++;
    }
    qsort(map, o->n, sizeof *map, by_id);
    return 0;
}

int ind_overview_read(struct store_conn *db, const char *unit, const struct ind_period *asked,
                      int64_t now, const char *domain, struct ind_overview *out)
{
    struct ind_overview o;
    memset(&o, 0, sizeof o);
    struct store_ind_id *ids = NULL;
    size_t nids = 0;
    int rc = read_catalogue(db, domain, &o.rows, &o.nrows, &ids, &nids);
    if (rc)
        return rc;
    o.items = calloc(o.nrows ? o.nrows : 1, sizeof *o.items);
    struct id_ix *map = malloc((o.nrows ? o.nrows : 1) * sizeof *map);
    rc = o.items && map ? overview_items(&o, ids, nids, asked, now, map) : IOC_ENOMEM;
    for (int f = IND_DAY; rc == 0 && f <= IND_YEAR; f++)
        rc = lines_of_freq(db, unit, (enum ind_freq)f, &o, map, o.n);
    for (size_t i = 0; rc == 0 && i < o.n; i++)
        if (o.items[i].ind.derived)
            rc = derived_line(db, unit, &o.items[i]);
    free(map);
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
    } *agencies;
    size_t nagencies;
    struct {
        struct ind_period p;
        struct store_indfirst *rows;
        size_t n;
    } *periods;
    size_t nperiods;
    struct {
        char unit[64], day[11];
        struct store_unit_id *ids;
        size_t n;
    } *units;
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
