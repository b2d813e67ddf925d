/*
 * figures.c — the citizen reports' figures for the indicators catalogue (docs/reports.md,
 * "Figures for indicators"): per commune (the report's commune, unit_code; a report with none
 * counts nowhere) and local day (Asia/Ho_Chi_Minh), from the reports as stored:
 *
 *   PAHT.TIEPNHAN   reports received (requested) that day
 *   PAHT.DAXULY     reports resolved that day (resolved_ms, the report still resolved or closed)
 *   PAHT.DUNGHAN    of those, resolved by their deadline (or without one)
 *   PAHT.QUAHAN     of those, resolved after their deadline
 *   PAHT.TUCHOI     reports rejected, PAHT.TRUNGLAP merged as duplicates, that day (the day of
 *                   their last change, updated_ms, while they are in that state)
 *   PAHT.TG_XULY    the mean hours from received to resolved of the day's resolved reports (its
 *                   roll-up weights it by PAHT.DAXULY, the catalogue's weight)
 *   PAHT.PA_*       reports received that day by the service's group: giao-thong → PA_GT,
 *                   trat-tu-do-thi → PA_TTDT, an-ninh-trat-tu → PA_ANTT, moi-truong → PA_MT,
 *                   chieu-sang and cay-xanh → PA_HTDT
 *
 * A commune and day with any of these gets every count (0 where none); TG_XULY only with a
 * resolved report. Written by the indicators module (ind_computed_write_job).
 */
#include "reports/reports.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "store/store.h"

enum {
    F_TIEPNHAN,
    F_DAXULY,
    F_DUNGHAN,
    F_QUAHAN,
    F_TUCHOI,
    F_TRUNGLAP,
    F_GT,
    F_TTDT,
    F_ANTT,
    F_MT,
    F_HTDT,
    F_COUNTS,
    F_HOURS = F_COUNTS,
    F_N
};
static const char *const codes[F_N] = {
    "PAHT.TIEPNHAN", "PAHT.DAXULY",  "PAHT.DUNGHAN", "PAHT.QUAHAN", "PAHT.TUCHOI",  "PAHT.TRUNGLAP",
    "PAHT.PA_GT",    "PAHT.PA_TTDT", "PAHT.PA_ANTT", "PAHT.PA_MT",  "PAHT.PA_HTDT", "PAHT.TG_XULY"};
static const struct {
    const char *group;
    int f;
} groups[] = {{"giao-thong", F_GT}, {"trat-tu-do-thi", F_TTDT}, {"an-ninh-trat-tu", F_ANTT},
              {"moi-truong", F_MT}, {"chieu-sang", F_HTDT},     {"cay-xanh", F_HTDT}};

const char *rep_figure_code(size_t i)
{
    return i < F_N ? codes[i] : NULL;
}

/* One commune and day's tallies. */
struct tally {
    char commune[32];
    int32_t day;
    double v[F_N];
};

static int32_t day_of(int64_t ms)
{
    int64_t s = ms / 1000 + IND_UTC_OFFSET_S;
    return (int32_t)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

static int by_key(const void *a, const void *b)
{
    const struct tally *x = a, *y = b;
    int c = strcmp(x->commune, y->commune);
    return c ? c : (x->day > y->day) - (x->day < y->day);
}

/* The tally of (commune, day), added at the end of t[0 … *n) when new (linear: sorted after). */
static struct tally *tally_of(struct tally **t, size_t *n, size_t *cap, const char *commune,
                              int32_t day)
{
    for (size_t i = *n; i > 0; i--) /* the latest first: a report's events are close */
        if ((*t)[i - 1].day == day && strcmp((*t)[i - 1].commune, commune) == 0)
            return &(*t)[i - 1];
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        struct tally *a = realloc(*t, c * sizeof *a);
        if (!a)
            return NULL;
        *t = a, *cap = c;
    }
    struct tally *x = &(*t)[(*n)++];
    memset(x, 0, sizeof *x);
    snprintf(x->commune, sizeof x->commune, "%s", commune);
    x->day = day;
    return x;
}

static int tally_one(const struct rep_fig_report *r, int32_t from, int32_t to, struct tally **t,
                     size_t *n, size_t *cap)
{
    int32_t d = day_of(r->requested_ms);
    struct tally *x;
    if (d >= from && d <= to) {
        if (!(x = tally_of(t, n, cap, r->commune, d)))
            return IOC_ENOMEM;
        x->v[F_TIEPNHAN]++;
        for (size_t g = 0; g < IOC_ARRAY_LEN(groups); g++)
            if (strcmp(groups[g].group, r->group) == 0)
                x->v[groups[g].f]++;
    }
    int done = strcmp(r->state, "resolved") == 0 || strcmp(r->state, "closed") == 0;
    d = day_of(r->resolved_ms);
    if (done && r->resolved_ms > 0 && d >= from && d <= to) {
        if (!(x = tally_of(t, n, cap, r->commune, d)))
            return IOC_ENOMEM;
        x->v[F_DAXULY]++;
        x->v[r->expected_ms > 0 && r->resolved_ms > r->expected_ms ? F_QUAHAN : F_DUNGHAN]++;
        x->v[F_HOURS] += (double)(r->resolved_ms - r->requested_ms) / 3600000.0;
    }
    int rejected = strcmp(r->state, "rejected") == 0, dup = strcmp(r->state, "duplicate") == 0;
    d = day_of(r->updated_ms);
    if ((rejected || dup) && d >= from && d <= to) {
        if (!(x = tally_of(t, n, cap, r->commune, d)))
            return IOC_ENOMEM;
        x->v[rejected ? F_TUCHOI : F_TRUNGLAP]++;
    }
    return 0;
}

int rep_figures_of(const struct rep_fig_report *r, size_t n, int32_t from, int32_t to,
                   struct ind_computed **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    struct tally *t = NULL;
    size_t nt = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (r[i].commune[0])
            rc = tally_one(&r[i], from, to, &t, &nt, &cap);
    struct ind_computed *v = rc == 0 && nt ? calloc(nt * F_N, sizeof *v) : NULL;
    if (rc == 0 && nt && !v)
        rc = IOC_ENOMEM;
    if (rc) {
        free(t);
        return rc;
    }
    if (nt > 1) /* none: t may be NULL, which qsort may not be given */
        qsort(t, nt, sizeof *t, by_key);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        for (int f = 0; f < F_N; f++) {
            if (f == F_HOURS && t[i].v[F_DAXULY] == 0)
                continue;
            double val = f == F_HOURS ? floor(t[i].v[F_HOURS] / t[i].v[F_DAXULY] * 100 + 0.5) / 100
                                      : t[i].v[f];
            snprintf(v[k].code, sizeof v[k].code, "%s", codes[f]);
            snprintf(v[k].unit, sizeof v[k].unit, "%s", t[i].commune);
            v[k].period = (struct ind_period){IND_DAY, t[i].day};
            v[k++].value = val;
        }
    free(t);
    *out = v;
    *nout = k;
    return 0;
}

int rep_figures_read(struct store_conn *c, int32_t from, int32_t to, struct ind_computed **out,
                     size_t *n)
{
    *out = NULL;
    *n = 0;
    if (to < from)
        return IOC_EINVAL;
    struct store_rep_service *sv = NULL;
    size_t nsv = 0, nr = 0;
    struct store_rep_request *req = NULL;
    /* every report received before the range ends: one resolved in it may be old */
    struct store_rep_query q = {.from_ms = INT64_MIN,
                                .to_ms = ((int64_t)(to + 1) * 86400 - IND_UTC_OFFSET_S) * 1000,
                                .want_open = 1,
                                .want_closed = 1};
    int rc = store_rep_services_list(c, &sv, &nsv);
    if (rc == 0)
        rc = store_rep_requests_find(c, &q, &req, &nr);
    struct rep_fig_report *r = rc == 0 && nr ? calloc(nr, sizeof *r) : NULL;
    if (rc == 0 && nr && !r)
        rc = IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < nr; i++) {
        snprintf(r[i].commune, sizeof r[i].commune, "%s", req[i].unit_code ? req[i].unit_code : "");
        for (size_t s = 0; s < nsv; s++)
            if (strcmp(sv[s].code, req[i].service_code) == 0)
                snprintf(r[i].group, sizeof r[i].group, "%s", sv[s].group_code);
        snprintf(r[i].state, sizeof r[i].state, "%s", req[i].state);
        r[i].requested_ms = req[i].requested_ms;
        r[i].resolved_ms = req[i].resolved_ms;
        r[i].expected_ms = req[i].expected_ms;
        r[i].updated_ms = req[i].updated_ms;
    }
    if (rc == 0)
        rc = rep_figures_of(r, nr, from, to, out, n);
    free(r);
    store_rep_requests_free(req, nr);
    store_rep_services_free(sv, nsv);
    return rc;
}
