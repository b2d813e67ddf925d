/*
 * values_read.c — an indicator's values for a unit over a range of periods, rolled up by its own
 * rule: the base rows read from the store (today's geography, or the day at= names, with the
 * shares of split communes), then ind_rollup, the result kept in the roll-up cache (cache.c)
 * under the generations read before the rows; a derived indicator's inputs rolled up first and
 * the expression evaluated over them (ind_rollup_derived), to DERIVED_DEPTH levels.
 */
#include "indicators/indicators.h"
#include "indicators/indicators_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

#define DERIVED_DEPTH 8

static int rolled(struct store_conn *db, const struct store_indicator *x,
                  const struct ind_indicator *ind, const char *unit, const struct ind_range *r,
                  struct ind_rolled *out, int depth);

static int rolled_derived(struct store_conn *db, const struct store_indicator *x, const char *unit,
                          const struct ind_range *r, struct ind_rolled *out, int depth)
{
    const char *text = x->col[STORE_IND_EXPRESSION];
    struct ind_expr *e = NULL;
    if (depth >= DERIVED_DEPTH || ind_expr_parse(text, strlen(text), &e, NULL) != 0)
        return IOC_EINVAL;
    size_t refs = ind_expr_ref_count(e);
    struct ind_rolled **in = calloc(refs ? refs : 1, sizeof *in);
    int rc = in ? 0 : IOC_ENOMEM;
    for (size_t k = 0; rc == 0 && k < refs; k++) {
        const char *code;
        size_t len;
        ind_expr_ref(e, k, &code, &len);
        char name[IND_CODE_MAX + 1];
        snprintf(name, sizeof name, "%.*s", (int)len, code);
        struct store_indicator y;
        struct ind_indicator yi;
        if ((rc = store_indicator_get(db, name, &y)) != 0)
            break;
        rc = ind_indicator_of(db, &y, &yi);
        if (rc == 0 && !(in[k] = malloc((size_t)r->count * sizeof **in)))
            rc = IOC_ENOMEM;
        if (rc == 0)
            rc = rolled(db, &y, &yi, unit, r, in[k], depth + 1);
        store_indicator_clear(&y);
    }
    if (rc == 0)
        ind_rollup_derived(e, (const struct ind_rolled *const *)in, r->count, out);
    for (size_t k = 0; in && k < refs; k++)
        free(in[k]);
    free(in);
    ind_expr_free(e);
    return rc;
}

static int rolled(struct store_conn *db, const struct store_indicator *x,
                  const struct ind_indicator *ind, const char *unit, const struct ind_range *r,
                  struct ind_rolled *out, int depth)
{
    if (ind->derived)
        return rolled_derived(db, x, unit, r, out, depth);
    if (r->freq < ind->freq)
        return IOC_EINVAL;
    struct ind_period a, last, b;
    int32_t na = 0, nb = 0;
    if (ind_period_children(r->first, ind->freq, &a, &na) ||
        ind_period_step(r->first, r->count - 1, &last) ||
        ind_period_children(last, ind->freq, &b, &nb))
        return IOC_EINVAL;
    /* the generations first, then the rows they label (cache.c) */
    struct ind_cache_gens_all gens;
    struct ind_cache_key key = {ind->id, unit, r->at, r->freq};
    int rc = ind_cache_gens_read(db, ind->id, &gens);
    if (rc)
        return rc;
    struct ind_cache_gens g = ind_cache_gens_of(&gens, ind->id);
    ind_cache_gens_free(&gens);
    if (ind_cache_get(&key, r->first, r->count, &g, out))
        return 0;
    struct store_indbase *rows = NULL;
    size_t n = 0;
    const char *freq = ind_freq_name(ind->freq);
    rc = r->at[0]
             ? store_indvalue_base_at(db, ind->id, unit, r->at, freq, a.n, b.n + nb - 1, &rows, &n)
             : store_indvalue_base(db, ind->id, unit, freq, a.n, b.n + nb - 1, &rows, &n);
    if (rc)
        return rc;
    struct ind_base_obs *obs = malloc((n ? n : 1) * sizeof *obs);
    if (!obs) {
        free(rows);
        return IOC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        obs[i] = (struct ind_base_obs){.n = (int32_t)rows[i].period_n,
                                       .own = rows[i].own,
                                       .obs = ind_obs_of(rows[i].value, 0)};
        obs[i].obs.num = rows[i].num;
        obs[i].obs.den = rows[i].den;
        ind_obs_carry(ind->rule.agg, rows[i].share, rows[i].approximate, &obs[i].obs);
    }
    free(rows);
    rc = ind_rollup(&ind->rule, ind->freq, r->first, r->count, obs, n, out);
    free(obs);
    if (rc == 0)
        ind_cache_put(&key, r->first, r->count, &g, out);
    return rc;
}

int ind_values_rolled(struct store_conn *db, const struct store_indicator *x,
                      const struct ind_indicator *ind, const char *unit, const struct ind_range *r,
                      struct ind_rolled *out)
{
    return rolled(db, x, ind, unit, r, out, 0);
}
