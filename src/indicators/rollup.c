/*
 * rollup.c — the value of an indicator for a unit and a period from its stored base values:
 * communes → district or province, and base periods → coarser ones, by the indicator's own
 * rule (ind_aggregate), and derived indicators evaluated over their rolled-up inputs. Pure: the
 * rows come from one store query (store_indvalue_base), made into arrays by the caller.
 */
#include "indicators/indicators.h"

#include <stdlib.h>

#include "base/base.h"

/* rows[*at..) with n < end, the unit's own values only when a base period has one, appended
 * to buf; *at moves past them. */
static size_t gather(const struct ind_base_obs *rows, size_t n, size_t *at, int32_t end,
                     enum ind_freq base, struct ind_obs *buf)
{
    size_t k = 0, i = *at;
    while (i < n && rows[i].n < end) {
        size_t j = i;
        int own = 0;
        while (j < n && rows[j].n == rows[i].n)
            own |= rows[j++].own;
        int64_t t = ind_period_start((struct ind_period){base, rows[i].n});
        for (; i < j; i++)
            if (!own || rows[i].own) {
                buf[k] = rows[i].obs;
                buf[k++].time = t;
            }
    }
    *at = i;
    return k;
}

int ind_rollup(const struct ind_rule *r, enum ind_freq base, struct ind_period first, int32_t count,
               const struct ind_base_obs *rows, size_t n, struct ind_rolled *out)
{
    if (count < 0 || first.freq < base || !ind_period_valid(first))
        return IOC_EINVAL;
    for (size_t i = 1; i < n; i++)
        if (rows[i].n < rows[i - 1].n)
            return IOC_EINVAL;
    struct ind_obs *buf = malloc((n ? n : 1) * sizeof *buf);
    if (!buf)
        return IOC_ENOMEM;
    size_t at = 0;
    for (int32_t i = 0; i < count; i++) {
        struct ind_period p, child;
        int32_t kids = 0;
        if (ind_period_step(first, i, &p) || ind_period_children(p, base, &child, &kids)) {
            free(buf);
            return IOC_EINVAL;
        }
        while (at < n && rows[at].n < child.n)
            at++;
        size_t k = gather(rows, n, &at, child.n + kids, base, buf);
        struct ind_rolled *o = &out[i];
        o->inputs = (int32_t)k;
        o->obs = (struct ind_obs){0};
        o->reason = ind_aggregate(r, buf, k, &o->obs);
    }
    free(buf);
    return 0;
}

void ind_obs_carry(enum ind_agg agg, double share, bool approximate, struct ind_obs *o)
{
    struct ind_obs part;
    if (share < 1 && ind_obs_share(agg, share, o, &part) == IND_OK)
        *o = part;
    if (approximate)
        o->approximate = true;
}

struct derived_ctx {
    const struct ind_rolled *const *inputs;
    int32_t i;
};

static enum ind_reason lookup(void *ctx, size_t ref, const char *code, size_t len,
                              struct ind_obs *out)
{
    (void)code;
    (void)len;
    const struct derived_ctx *d = ctx;
    const struct ind_rolled *x = &d->inputs[ref][d->i];
    if (x->reason != IND_OK)
        return x->reason;
    *out = x->obs;
    return IND_OK;
}

void ind_rollup_derived(const struct ind_expr *e, const struct ind_rolled *const *inputs,
                        int32_t count, struct ind_rolled *out)
{
    size_t refs = ind_expr_ref_count(e);
    for (int32_t i = 0; i < count; i++) {
        struct derived_ctx d = {inputs, i};
        struct ind_rolled *o = &out[i];
        o->inputs = 0;
        for (size_t k = 0; k < refs; k++)
            o->inputs += inputs[k][i].inputs;
        o->obs = (struct ind_obs){0};
        o->reason = ind_expr_eval(e, lookup, &d, &o->obs, NULL);
    }
}
