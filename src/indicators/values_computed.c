/*
 * values_computed.c — the one way other modules' computations (src/environment/figures.c, the
 * daily figures) write indicator values: each value goes through the rules of a write
 * (ind_value_check: the period's frequency, the unit in force, closed periods) and is stored by
 * store_indvalue_put, so an equal value makes no revision and a changed one keeps the old as a
 * revision, exactly as a value posted by an agency. Not pure (see indicators.h).
 */
#include "indicators/indicators.h"

#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

/* The indicator of code into *x and *ind, read once per run of equal codes. */
static int load(struct store_conn *w, const char *code, struct store_indicator *x,
                struct ind_indicator *ind, char cur[IND_CODE_MAX + 1])
{
    if (strcmp(cur, code) == 0)
        return 0;
    store_indicator_clear(x);
    cur[0] = '\0';
    int rc = store_indicator_get(w, code, x);
    if (rc == 0)
        rc = ind_indicator_of(w, x, ind);
    if (rc == 0)
        snprintf(cur, IND_CODE_MAX + 1, "%s", code);
    return rc;
}

static void refused(struct ind_computed_write *j, const struct ind_computed *v, const char *why)
{
    if (j->refused++ == 0)
        snprintf(j->error, sizeof j->error, "%s %s: %s", v->code, v->unit, why);
}

/* One value: 0 (stored, unchanged or refused and counted), or a store error. */
static int put_one(struct store_conn *w, struct ind_computed_write *j, const struct ind_computed *v,
                   const struct store_indicator *x, const struct ind_indicator *ind,
                   const char *now)
{
    char period[IND_PERIOD_TEXT_MAX];
    if (ind_period_format(v->period, period) != 0) {
        refused(j, v, "the period is not valid");
        return 0;
    }
    struct ind_value_in in = {
        .unit = v->unit, .period = period, .has_value = true, .value = v->value};
    struct store_indvalue out;
    struct ind_value_problem pb;
    int rc = ind_value_check(w, ind, "", &in, &out, &pb);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        refused(j, v, pb.why);
        return 0;
    }
    const char *source = x->col[STORE_IND_SOURCE];
    out.source = (char *)(source[0] && strcmp(source, "derived") != 0 ? source : "api");
    out.who = (char *)(j->who ? j->who : "figures");
    out.at = (char *)now;
    out.note = (char *)"";
    enum store_iv_outcome o;
    if ((rc = store_indvalue_put(w, &out, &o)) != 0)
        return rc;
    *(o == STORE_IV_ADDED ? &j->added : o == STORE_IV_REVISED ? &j->revised : &j->unchanged) += 1;
    return 0;
}

int ind_computed_write_job(struct store_conn *w, void *arg)
{
    struct ind_computed_write *j = arg;
    j->added = j->revised = j->unchanged = j->refused = 0; /* a retried job starts again */
    j->error[0] = '\0';
    char now[32], cur[IND_CODE_MAX + 1] = "";
    ioc_time_rfc3339(ioc_now_ms(), now);
    struct store_indicator x;
    memset(&x, 0, sizeof x);
    struct ind_indicator ind;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < j->n; i++) {
        const struct ind_computed *v = &j->v[i];
        rc = load(w, v->code, &x, &ind, cur);
        if (rc == IOC_ENOTFOUND) { /* a catalogue without the indicator: nothing to write */
            refused(j, v, "no such indicator in the catalogue");
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = put_one(w, j, v, &x, &ind, now);
    }
    store_indicator_clear(&x);
    return rc;
}
