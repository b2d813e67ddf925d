/*
 * overview.c — the rules of the overview (an indicator at its period and the one before: the
 * change and its direction by polarity, the light) and of the freshness table (submitted, late,
 * missing, due). Pure: the store is read by overview_read.c.
 */
#include "indicators/indicators.h"

#include <math.h>

#include "base/base.h"

int ind_ov_period(enum ind_freq f, const struct ind_period *asked, int64_t now,
                  struct ind_period *out)
{
    if (asked) {
        if (!ind_period_valid(*asked))
            return IOC_EINVAL;
        return ind_period_of(f, ind_period_end(*asked) - 1, out);
    }
    struct ind_period p;
    int rc = ind_period_of(f, now, &p);
    return rc ? rc : ind_period_step(p, -1, out);
}

const char *ind_direction_name(enum ind_direction d)
{
    static const char *const names[] = {"none", "same", "better", "worse"};
    return (unsigned)d < 4 ? names[d] : "?";
}

void ind_change_of(const struct ind_rolled *prev, const struct ind_rolled *cur,
                   enum ind_polarity pol, struct ind_change *out)
{
    *out = (struct ind_change){0};
    if (prev->reason != IND_OK || cur->reason != IND_OK)
        return;
    double a = prev->obs.value, b = cur->obs.value;
    out->has = true;
    out->abs = b - a;
    if (a != 0) {
        out->has_pct = true;
        out->pct = 100 * out->abs / fabs(a);
    }
    double scale = fmax(fabs(a), fabs(b));
    if (fabs(out->abs) <= 1e-12 * scale || out->abs == 0)
        out->dir = IND_DIR_SAME;
    else
        out->dir = (out->abs > 0) == (pol == IND_HIGHER) ? IND_DIR_BETTER : IND_DIR_WORSE;
}

void ind_ov_finish(const struct ind_indicator *ind, struct ind_period p,
                   const struct ind_rolled two[2], struct ind_ov_line *out)
{
    out->period = p;
    out->prev = two[0];
    out->cur = two[1];
    ind_change_of(&two[0], &two[1], ind->polarity, &out->change);
    double v = two[1].obs.value;
    out->light =
        ind_light_of(two[1].reason == IND_OK ? &v : NULL, ind->has_target ? &ind->target : NULL,
                     ind->polarity, &ind->thresholds);
}

int ind_ov_line_of(const struct ind_indicator *ind, struct ind_period p,
                   const struct ind_base_obs *rows, size_t n, struct ind_ov_line *out)
{
    struct ind_period prev;
    struct ind_rolled two[2];
    if (p.freq != ind->freq || ind_period_step(p, -1, &prev) != 0)
        return IOC_EINVAL;
    int rc = ind_rollup(&ind->rule, ind->freq, prev, 2, rows, n, two);
    if (rc)
        return rc;
    ind_ov_finish(ind, p, two, out);
    return 0;
}

const char *ind_fresh_status_name(enum ind_fresh_status s)
{
    static const char *const names[] = {"submitted", "late", "missing", "due"};
    return (unsigned)s < IND_FRESH_STATUSES ? names[s] : "?";
}

void ind_fresh_of(int64_t due, int64_t now, int32_t expected, const int64_t *first, int32_t stored,
                  struct ind_fresh *out)
{
    *out = (struct ind_fresh){.expected = expected, .stored = stored, .due = due};
    for (int32_t i = 0; i < stored; i++)
        out->on_time += first[i] < due;
    if (stored < expected)
        out->status = now >= due ? IND_FRESH_MISSING : IND_FRESH_DUE;
    else
        out->status = out->on_time == stored ? IND_FRESH_SUBMITTED : IND_FRESH_LATE;
}
