/*
 * values.c — the rules of writing an indicator's values: who may write which indicator and
 * unit, what one value must be, and closed periods. Not pure (see indicators.h): it reads the
 * store on the connection it is given, so that a writer job checks and writes in one
 * transaction.
 */
#include "indicators/indicators.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

static int col_parse(const char *s, int (*parse)(const char *, size_t, void *), void *out)
{
    return parse(s, strlen(s), out);
}

static int freq_p(const char *s, size_t n, void *o)
{
    return ind_freq_parse(s, n, o);
}
static int agg_p(const char *s, size_t n, void *o)
{
    return ind_agg_parse(s, n, o);
}
static int pol_p(const char *s, size_t n, void *o)
{
    return ind_polarity_parse(s, n, o);
}

int ind_indicator_of(struct store_conn *c, const struct store_indicator *x,
                     struct ind_indicator *out)
{
    struct ind_indicator d;
    memset(&d, 0, sizeof d);
    char *const *col = x->col;
    if (col_parse(col[STORE_IND_FREQUENCY], freq_p, &d.freq) ||
        col_parse(col[STORE_IND_AGGREGATION], agg_p, &d.rule.agg) ||
        col_parse(col[STORE_IND_POLARITY], pol_p, &d.polarity))
        return IOC_EINVAL;
    const char *scale = col[STORE_IND_SCALE];
    d.rule.scale = 1;
    if (scale[0] && ioc_parse_f64(scale, strlen(scale), 0, 1e15, &d.rule.scale) != 0)
        return IOC_EINVAL;
    const char *target = col[STORE_IND_TARGET];
    d.has_target = target[0] != '\0';
    if (d.has_target && ioc_parse_f64(target, strlen(target), -1e15, 1e15, &d.target) != 0)
        return IOC_EINVAL;
    const char *thr = col[STORE_IND_THRESHOLDS];
    if (ind_thresholds_parse(thr, strlen(thr), &d.thresholds, NULL) != 0)
        return IOC_EINVAL;
    d.derived = col[STORE_IND_EXPRESSION][0] != '\0';
    snprintf(d.agency_code, sizeof d.agency_code, "%s", col[STORE_IND_AGENCY]);
    int rc = store_indicator_id(c, col[STORE_IND_CODE], &d.id);
    struct store_agency a;
    if (rc == 0 && (rc = store_agency_get(c, d.agency_code, &a)) == 0) {
        d.agency_id = a.id;
        store_agency_clear(&a);
    }
    if (rc == 0)
        *out = d;
    return rc;
}

int ind_agency_unit(struct store_conn *c, const char *agency_code, char out[64])
{
    char code[128];
    snprintf(code, sizeof code, "%s", agency_code);
    for (int depth = 0; depth < 32; depth++) {
        struct store_agency a;
        int rc = store_agency_get(c, code, &a);
        if (rc)
            return rc == IOC_ENOTFOUND && depth > 0 ? IOC_EINVAL : rc;
        int done = a.unit_code[0] || !a.parent_code[0];
        if (done)
            snprintf(out, 64, "%s", a.unit_code);
        else
            snprintf(code, sizeof code, "%s", a.parent_code);
        store_agency_clear(&a);
        if (done)
            return 0;
    }
    return IOC_EINVAL; /* a cycle of agencies */
}

int ind_values_may_write(struct store_conn *c, const struct ind_indicator *ind,
                         const struct auth_principal *p, char unit[64])
{
    if (auth_agency_allowed(p, ind->agency_id, 1) != 0)
        return IOC_EPERM;
    if (p->kind == AUTH_USER && p->role == AUTH_ROLE_ADMIN) {
        unit[0] = '\0';
        return 0;
    }
    return ind_agency_unit(c, ind->agency_code, unit);
}

int ind_period_closed(struct store_conn *c, struct ind_period p, enum ind_freq *closed_freq)
{
    for (int f = (int)p.freq; f <= (int)IND_YEAR; f++) {
        struct ind_period q;
        if (ind_period_parent(p, (enum ind_freq)f, &q) != 0)
            return IOC_EINVAL;
        struct store_period_state st;
        int rc = store_period_get(c, ind_freq_name(q.freq), q.n, &st);
        if (rc)
            return rc;
        int closed = st.closed;
        store_period_state_clear(&st);
        if (closed) {
            if (closed_freq)
                *closed_freq = q.freq;
            return 1;
        }
    }
    return 0;
}

static int refuse(struct ind_value_problem *pb, enum ind_refusal kind, const char *field,
                  const char *why)
{
    pb->kind = kind;
    pb->field = field;
    pb->why = why;
    return 1;
}

/* The numbers of in for ind into out; 0 or 1 with *pb. */
static int check_numbers(const struct ind_indicator *ind, const struct ind_value_in *in,
                         struct store_indvalue *out, struct ind_value_problem *pb)
{
    if (ind->rule.agg != IND_AGG_RATIO) {
        if (in->has_num || in->has_den)
            return refuse(pb, IND_REFUSE_INVALID, in->has_num ? "num" : "den",
                          "only a ratio indicator takes num and den");
        if (!in->has_value || !isfinite(in->value) || fabs(in->value) > 1e15)
            return refuse(pb, IND_REFUSE_INVALID, "value",
                          "a number (at most 1e15 in magnitude) is required");
        out->value = in->value;
        return 0;
    }
    if (!in->has_num || !isfinite(in->num) || in->num < 0 || in->num > 1e15)
        return refuse(pb, IND_REFUSE_INVALID, "num", "a ratio needs num, a number from 0 to 1e15");
    if (!in->has_den || !isfinite(in->den) || in->den < 0 || in->den > 1e15)
        return refuse(pb, IND_REFUSE_INVALID, "den", "a ratio needs den, a number from 0 to 1e15");
    if (in->den == 0)
        return refuse(pb, IND_REFUSE_INVALID, "den",
                      "den must be greater than 0 (send nothing when nothing was counted)");
    struct ind_obs o = {.num = in->num, .den = in->den}, r;
    if (ind_aggregate(&ind->rule, &o, 1, &r) != IND_OK)
        return refuse(pb, IND_REFUSE_INVALID, "num", "scale·num/den is not a finite number");
    out->value = r.value;
    out->has_ratio = 1;
    out->num = in->num;
    out->den = in->den;
    return 0;
}

/* The slot of (code, n) in memo. */
static unsigned memo_slot(const char *code, int32_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)n;
    for (const char *s = code; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % IND_MEMO_UNITS;
}

/* The unit of in during period p (first and last day given) and whether it lies under `unit`:
 * 0 with *id and *under (1 yes, 0 no; 1 when unit is ""), IOC_ENOTFOUND, or a store error. */
static int unit_of(struct store_conn *c, const char *code, struct ind_period p, const char *unit,
                   struct ind_value_memo *memo, int64_t *id, int *under)
{
    int cacheable = memo && strlen(code) < sizeof memo->units[0].code;
    unsigned k = cacheable ? memo_slot(code, p.n) : 0;
    if (cacheable && memo->units[k].state && memo->units[k].n == p.n &&
        strcmp(memo->units[k].code, code) == 0) {
        if (memo->units[k].state == 2)
            return IOC_ENOTFOUND;
        *id = memo->units[k].unit_id;
        *under = memo->units[k].under;
        return 0;
    }
    struct ind_period first;
    int32_t days = 0;
    if (ind_period_children(p, IND_DAY, &first, &days) != 0)
        return IOC_EINVAL;
    char d1[11], d2[11];
    ioc_date_format(first.n, d1);
    ioc_date_format(first.n + days - 1, d2);
    int rc = store_unit_during(c, code, d1, d2, id);
    *under = 1;
    if (rc == 0 && unit && unit[0])
        rc = store_unit_under(c, *id, unit, under);
    if (cacheable && (rc == 0 || rc == IOC_ENOTFOUND)) {
        snprintf(memo->units[k].code, sizeof memo->units[k].code, "%s", code);
        memo->units[k].n = p.n;
        memo->units[k].state = rc == 0 ? 1 : 2;
        memo->units[k].unit_id = rc == 0 ? *id : 0;
        memo->units[k].under = (int8_t)*under;
    }
    return rc;
}

int ind_value_check(struct store_conn *c, const struct ind_indicator *ind, const char *unit,
                    const struct ind_value_in *in, struct store_indvalue *out,
                    struct ind_value_problem *pb)
{
    return ind_value_check_memo(c, ind, unit, in, out, pb, NULL);
}

int ind_value_check_memo(struct store_conn *c, const struct ind_indicator *ind, const char *unit,
                         const struct ind_value_in *in, struct store_indvalue *out,
                         struct ind_value_problem *pb, struct ind_value_memo *memo)
{
    memset(out, 0, sizeof *out);
    if (ind->derived)
        return refuse(pb, IND_REFUSE_INVALID, "value",
                      "a derived indicator is computed from its inputs, never written");
    struct ind_period p;
    const char *why = "a period is required";
    if (!in->period || ind_period_parse(in->period, strlen(in->period), &p, &why) != 0)
        return refuse(pb, IND_REFUSE_INVALID, "period", why);
    if (p.freq != ind->freq)
        return refuse(pb, IND_REFUSE_INVALID, "period",
                      "the period is not of the indicator's frequency");
    if (check_numbers(ind, in, out, pb))
        return 1;
    int under = 1;
    int rc = in->unit && in->unit[0] ? unit_of(c, in->unit, p, unit, memo, &out->unit_id, &under)
                                     : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND)
        return refuse(pb, IND_REFUSE_INVALID, "unit",
                      "no unit with this code was in force during the period");
    if (rc)
        return rc;
    if (!under)
        return refuse(pb, IND_REFUSE_FORBIDDEN, "unit",
                      "the unit is outside the units your agency covers");
    int closed;
    if (memo && memo->period_known && memo->period.freq == p.freq && memo->period.n == p.n) {
        closed = memo->closed;
    } else if ((closed = ind_period_closed(c, p, NULL)) < 0) {
        return closed;
    } else if (memo) {
        memo->period_known = true;
        memo->period = p;
        memo->closed = closed;
    }
    if (closed == 1)
        return refuse(pb, IND_REFUSE_CLOSED, "period", "the period is closed");
    out->indicator_id = ind->id;
    out->freq = (char *)ind_freq_name(p.freq);
    out->period_n = p.n;
    out->period = (char *)in->period;
    return 0;
}

/* ---- duplicates in one batch ------------------------------------------------------------ */

struct cell {
    const char *unit, *period;
    size_t i;
};

static int cmp_cell(const void *a, const void *b)
{
    const struct cell *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    if (c == 0)
        c = strcmp(x->period, y->period);
    if (c == 0) /* the earlier one first, so that the later ones are the duplicates */
        c = x->i < y->i ? -1 : 1;
    return c;
}

long ind_values_duplicates(const struct ind_value_in *in, size_t n, unsigned char *dup)
{
    memset(dup, 0, n);
    struct cell *c = malloc((n ? n : 1) * sizeof *c);
    size_t m = 0;
    if (!c)
        return IOC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (in[i].unit && in[i].period)
            c[m++] = (struct cell){in[i].unit, in[i].period, i};
    qsort(c, m, sizeof *c, cmp_cell);
    long found = 0;
    for (size_t k = 1; k < m; k++)
        if (strcmp(c[k - 1].unit, c[k].unit) == 0 && strcmp(c[k - 1].period, c[k].period) == 0) {
            dup[c[k].i] = 1;
            found++;
        }
    free(c);
    return found;
}
