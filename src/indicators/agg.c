/*
 * agg.c — aggregation of observations by an indicator's rule, shares of split communes, and
 * traffic lights.
 *
 * One function aggregates across units and over time, so that the two can never disagree. The
 * result is again an observation carrying what the next level needs:
 *   sum          value = Σ value
 *   mean, wmean  value = Σ(w·value)/Σw, weight = Σw  (mean: w counts observations)
 *   ratio        num = Σnum, den = Σden, value = scale·num/den
 *   min, max     value = the least / greatest value
 *   last         value = the value of the greatest time (the first of equals)
 * and, for every rule, time = the latest input time and approximate = any input's. Because
 * the carried sums are exact sums, chaining levels (communes → districts → province) gives the
 * same result as aggregating the base observations at once (up to floating-point rounding).
 * Invariant: no IND_OK result holds an infinity or a NaN.
 */
#include "indicators/indicators.h"

#include <math.h>

#include "base/base.h"

/* The fields rule agg reads from o are finite and in range. */
static int obs_ok(enum ind_agg agg, const struct ind_obs *o)
{
    switch (agg) {
    case IND_AGG_RATIO:
        return isfinite(o->num) && isfinite(o->den);
    case IND_AGG_MEAN:
    case IND_AGG_WMEAN:
        return isfinite(o->value) && isfinite(o->weight) && o->weight >= 0;
    default:
        return isfinite(o->value);
    }
}

/* Σ(w·v)/Σw, Σnum/Σden, Σv, min, max or last over in[0..n) (n >= 1, all inputs checked). */
static enum ind_reason combine(const struct ind_rule *r, const struct ind_obs *in, size_t n,
                               struct ind_obs *o)
{
    double a = 0, b = 0;
    size_t pick = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ind_obs *x = &in[i];
        switch (r->agg) {
        case IND_AGG_SUM:
            a += x->value;
            break;
        case IND_AGG_MEAN:
        case IND_AGG_WMEAN:
            a += x->weight * x->value;
            b += x->weight;
            break;
        case IND_AGG_RATIO:
            a += x->num;
            b += x->den;
            break;
        case IND_AGG_MIN:
            pick = x->value < in[pick].value ? i : pick;
            break;
        case IND_AGG_MAX:
            pick = x->value > in[pick].value ? i : pick;
            break;
        case IND_AGG_LAST:
            pick = x->time > in[pick].time ? i : pick;
            break;
        }
    }
    switch (r->agg) {
    case IND_AGG_SUM:
        o->value = a;
        break;
    case IND_AGG_MEAN:
    case IND_AGG_WMEAN:
        if (b == 0)
            return IND_ZERO_WEIGHT;
        o->value = a / b;
        o->weight = b;
        break;
    case IND_AGG_RATIO:
        if (b == 0)
            return isfinite(a) ? IND_ZERO_DENOMINATOR : IND_OVERFLOW;
        o->num = a;
        o->den = b;
        o->value = r->scale * (a / b);
        break;
    default:
        o->value = in[pick].value;
        o->weight = in[pick].weight;
        break;
    }
    if (!isfinite(o->value) || !isfinite(o->weight) || !isfinite(o->num) || !isfinite(o->den))
        return IND_OVERFLOW;
    return IND_OK;
}

enum ind_reason ind_aggregate(const struct ind_rule *r, const struct ind_obs *in, size_t n,
                              struct ind_obs *out)
{
    if (!r || (unsigned)r->agg > IND_AGG_LAST)
        return IND_BAD_INPUT;
    if (r->agg == IND_AGG_RATIO && (!isfinite(r->scale) || r->scale == 0))
        return IND_BAD_INPUT;
    if (n == 0)
        return IND_NO_INPUT;
    struct ind_obs o = {.weight = 1, .time = in[0].time};
    for (size_t i = 0; i < n; i++) {
        if (!obs_ok(r->agg, &in[i]))
            return IND_BAD_INPUT;
        o.approximate = o.approximate || in[i].approximate;
        o.time = in[i].time > o.time ? in[i].time : o.time;
    }
    enum ind_reason rc = combine(r, in, n, &o);
    if (rc == IND_OK)
        *out = o;
    return rc;
}

enum ind_reason ind_obs_share(enum ind_agg agg, double s, const struct ind_obs *in,
                              struct ind_obs *out)
{
    if (!(s > 0 && s <= 1) || (unsigned)agg > IND_AGG_LAST || !obs_ok(agg, in))
        return IND_BAD_INPUT;
    struct ind_obs o = *in;
    switch (agg) {
    case IND_AGG_SUM:
        o.value *= s;
        break;
    case IND_AGG_RATIO:
        o.num *= s;
        o.den *= s;
        break;
    case IND_AGG_MEAN:
    case IND_AGG_WMEAN:
        o.weight *= s;
        break;
    default:
        break;
    }
    o.approximate = in->approximate || s < 1;
    *out = o;
    return IND_OK;
}

/* ---- thresholds and lights -------------------------------------------------------------- */

#define BAND_MAX 1e15

int ind_thresholds_parse(const char *s, size_t n, struct ind_thresholds *out, const char **why)
{
    const char *dummy = NULL;
    why = why ? why : &dummy;
    bool rel = n > 0 && s[n - 1] == '%';
    double v = 0;
    if (ioc_parse_f64(s, n - rel, 0, BAND_MAX, &v) != 0 || (n - rel > 0 && s[0] == '-')) {
        *why = "thresholds: a non-negative number (the amber band in the indicator's unit), "
               "or one followed by % (of the target), like 10%";
        return IOC_EINVAL;
    }
    out->relative = rel;
    out->band = v;
    return 0;
}

int ind_thresholds_format(const struct ind_thresholds *t, char out[IND_THRESHOLDS_TEXT_MAX])
{
    if (!isfinite(t->band) || t->band < 0 || t->band > BAND_MAX)
        return IOC_EINVAL;
    /* the shortest of 15 and 17 digits that reads back as the same double */
    snprintf(out, IND_THRESHOLDS_TEXT_MAX, "%.15g", t->band);
    double back = -1;
    if (ioc_parse_f64(out, strlen(out), 0, BAND_MAX, &back) != 0 || back != t->band)
        snprintf(out, IND_THRESHOLDS_TEXT_MAX, "%.17g", t->band);
    if (t->relative)
        strcat(out, "%");
    return 0;
}

enum ind_light ind_light_of(const double *value, const double *target, enum ind_polarity pol,
                            const struct ind_thresholds *t)
{
    if (!value || !target || !isfinite(*value) || !isfinite(*target))
        return IND_LIGHT_NONE;
    double v = *value, g = *target;
    /* shortfall: how far v is on the worse side of the target (≤ 0: met) */
    double shortfall = pol == IND_LOWER ? v - g : g - v;
    double eps = 1e-9 * fmax(fabs(g), fabs(v));
    if (shortfall <= eps)
        return IND_LIGHT_GREEN;
    double band = t ? (t->relative ? t->band / 100 * fabs(g) : t->band) : 0;
    if (isfinite(band) && band >= 0 && shortfall <= band + eps)
        return IND_LIGHT_AMBER;
    return IND_LIGHT_RED;
}
