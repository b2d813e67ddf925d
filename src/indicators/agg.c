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

#define LIMIT_MAX 1e15

static int fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return IOC_EINVAL;
}

static bool starts(const char *s, size_t n, const char *prefix, size_t k)
{
    return n >= k && memcmp(s, prefix, k) == 0;
}

int ind_thresholds_parse(const char *s, size_t n, struct ind_thresholds *out, const char **why)
{
    static const char form[] = "thresholds: empty, amber=P% (P percent of the target) or "
                               "amber=A;red=R (values in the indicator's unit)";
    struct ind_thresholds t = {IND_THRESHOLDS_NONE, 0, 0};
    if (n == 0) {
        *out = t;
        return 0;
    }
    if (!starts(s, n, "amber=", 6))
        return fail(why, form);
    s += 6, n -= 6;
    const char *semi = memchr(s, ';', n);
    if (!semi) {
        if (n < 2 || s[n - 1] != '%' || ioc_parse_f64(s, n - 1, 0, LIMIT_MAX, &t.amber) != 0)
            return fail(why, form);
        t.kind = IND_THRESHOLDS_RELATIVE;
        *out = t;
        return 0;
    }
    size_t an = (size_t)(semi - s), rest = n - an - 1;
    if (ioc_parse_f64(s, an, -LIMIT_MAX, LIMIT_MAX, &t.amber) != 0 ||
        !starts(semi + 1, rest, "red=", 4) ||
        ioc_parse_f64(semi + 5, rest - 4, -LIMIT_MAX, LIMIT_MAX, &t.red) != 0)
        return fail(why, form);
    t.kind = IND_THRESHOLDS_ABSOLUTE;
    *out = t;
    return 0;
}

/* The shortest of 15 and 17 digits that reads back as the same double. */
static int number(double v, double min, char *out, size_t cap)
{
    if (!isfinite(v) || v < min || v > LIMIT_MAX)
        return IOC_EINVAL;
    snprintf(out, cap, "%.15g", v == 0 ? 0.0 : v);
    double back = NAN;
    if (ioc_parse_f64(out, strlen(out), min, LIMIT_MAX, &back) != 0 || back != v)
        snprintf(out, cap, "%.17g", v);
    return 0;
}

int ind_thresholds_format(const struct ind_thresholds *t, char out[IND_THRESHOLDS_TEXT_MAX])
{
    char a[26], r[26];
    switch (t->kind) {
    case IND_THRESHOLDS_NONE:
        out[0] = '\0';
        return 0;
    case IND_THRESHOLDS_RELATIVE:
        if (number(t->amber, 0, a, sizeof a) != 0)
            return IOC_EINVAL;
        snprintf(out, IND_THRESHOLDS_TEXT_MAX, "amber=%s%%", a);
        return 0;
    case IND_THRESHOLDS_ABSOLUTE:
        if (number(t->amber, -LIMIT_MAX, a, sizeof a) != 0 ||
            number(t->red, -LIMIT_MAX, r, sizeof r) != 0)
            return IOC_EINVAL;
        snprintf(out, IND_THRESHOLDS_TEXT_MAX, "amber=%s;red=%s", a, r);
        return 0;
    }
    return IOC_EINVAL;
}

int ind_thresholds_check(const struct ind_thresholds *t, enum ind_polarity pol,
                         const double *target, const char **why)
{
    bool higher = pol == IND_HIGHER;
    if (target && !isfinite(*target))
        return fail(why, "target: not a finite number");
    switch (t->kind) {
    case IND_THRESHOLDS_NONE:
        return 0;
    case IND_THRESHOLDS_RELATIVE:
        if (!target)
            return fail(why, "thresholds: amber=P% needs a target");
        if (higher ? !(t->amber < 100) : !(t->amber > 100))
            return fail(why, higher ? "thresholds: amber=P% needs P < 100 when higher is better"
                                    : "thresholds: amber=P% needs P > 100 when lower is better");
        return 0;
    case IND_THRESHOLDS_ABSOLUTE:
        if (higher ? !(t->red < t->amber) : !(t->red > t->amber))
            return fail(why, higher ? "thresholds: red must be below amber when higher is better"
                                    : "thresholds: red must be above amber when lower is better");
        if (target && (higher ? *target < t->amber : *target > t->amber))
            return fail(why, "thresholds: the target must lie on the green side of amber");
        return 0;
    }
    return fail(why, "thresholds: unknown kind");
}

/* How far v is on the worse side of limit (≤ eps: at or on the better side). */
static double worse_by(double v, double limit, enum ind_polarity pol)
{
    return pol == IND_LOWER ? v - limit : limit - v;
}

static double eps_of(double a, double b)
{
    return 1e-9 * fmax(fabs(a), fabs(b));
}

enum ind_light ind_light_of(const double *value, const double *target, enum ind_polarity pol,
                            const struct ind_thresholds *t)
{
    if (!value || !isfinite(*value))
        return IND_LIGHT_NONE;
    double v = *value;
    enum ind_thresholds_kind kind = t ? t->kind : IND_THRESHOLDS_NONE;
    if (kind == IND_THRESHOLDS_ABSOLUTE) {
        if (!isfinite(t->amber) || !isfinite(t->red))
            return IND_LIGHT_NONE;
        if (worse_by(v, t->amber, pol) <= eps_of(v, t->amber))
            return IND_LIGHT_GREEN;
        if (worse_by(v, t->red, pol) <= eps_of(v, t->red))
            return IND_LIGHT_AMBER;
        return IND_LIGHT_RED;
    }
    if (!target || !isfinite(*target))
        return IND_LIGHT_NONE;
    double g = *target, eps = eps_of(v, g), shortfall = worse_by(v, g, pol);
    if (shortfall <= eps)
        return IND_LIGHT_GREEN;
    if (kind == IND_THRESHOLDS_RELATIVE && isfinite(t->amber)) {
        /* the band's width: (100 − P) % of |target| for higher, (P − 100) % for lower */
        double band = (pol == IND_LOWER ? t->amber - 100 : 100 - t->amber) / 100 * fabs(g);
        if (band > 0 && shortfall <= band + eps)
            return IND_LIGHT_AMBER;
    }
    return IND_LIGHT_RED;
}
