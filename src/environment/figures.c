/*
 * figures.c — the environment's figures for the indicators catalogue (docs/environment.md,
 * "Figures for indicators"): per commune (its stations' commune in the registry) and local day,
 *
 *   MT.AQI           the daily VN_AQI (aqi_daily); several stations in one commune: their mean
 *   MT.AQI_MAX       the highest hourly VN_AQI of the day over the commune's stations
 *   MT.AQI_NGAY_XAU  1 when the commune's daily AQI (MT.AQI) is over 100, else 0
 *
 * computed from the stored readings with the same library as GET /api/v1/aqi/… (means.c), so
 * a figure is checked by hand as any AQI is. A commune with no daily AQI that day gets no
 * MT.AQI and no MT.AQI_NGAY_XAU; one with no hourly AQI no MT.AQI_MAX. The values are written
 * by the indicators module (ind_computed_write_job).
 */
#include "environment/environment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "store/store.h"

static int by_commune(const void *a, const void *b)
{
    return strcmp(((const struct env_fig_station *)a)->commune,
                  ((const struct env_fig_station *)b)->commune);
}

static void put(struct ind_computed *r, const char *code, const char *commune, int32_t day,
                double value)
{
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", code);
    snprintf(r->unit, sizeof r->unit, "%s", commune);
    r->period = (struct ind_period){IND_DAY, day};
    r->value = value;
}

int env_figures_of(const struct env_fig_station *st, size_t n, int32_t day,
                   struct ind_computed **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (n == 0)
        return 0;
    struct env_fig_station *s = malloc(n * sizeof *s);
    struct ind_computed *r = malloc(3 * n * sizeof *r);
    if (!s || !r) {
        free(s);
        free(r);
        return IOC_ENOMEM;
    }
    memcpy(s, st, n * sizeof *s);
    qsort(s, n, sizeof *s, by_commune);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0;
        int days = 0, max = -1;
        for (; j < n && strcmp(s[j].commune, s[i].commune) == 0; j++) {
            if (s[j].daily >= 0)
                sum += s[j].daily, days++;
            if (s[j].max_hourly > max)
                max = s[j].max_hourly;
        }
        if (s[i].commune[0]) { /* a station outside every commune counts nowhere */
            if (days > 0) {
                double mean = floor(sum / days * 100 + 0.5) / 100;
                put(&r[k++], ENV_FIG_AQI, s[i].commune, day, mean);
                put(&r[k++], ENV_FIG_BAD_DAYS, s[i].commune, day, mean > ENV_FIG_BAD_AQI);
            }
            if (max >= 0)
                put(&r[k++], ENV_FIG_AQI_MAX, s[i].commune, day, max);
        }
        i = j;
    }
    free(s);
    if (k == 0) {
        free(r);
        return 0;
    }
    *out = r;
    *nout = k;
    return 0;
}

/* Station code's day: its daily AQI and highest hourly AQI (-1 none). */
static int station_day(struct tsdb_db *db, const char *code, int32_t day,
                       struct env_fig_station *out)
{
    struct env_aqi_row *rows = NULL;
    size_t n = 0;
    int rc = env_aqi_daily(db, code, day, day, &rows, &n);
    out->daily = rc == 0 && n == 1 ? rows[0].r.aqi : -1;
    free(rows);
    if (rc)
        return rc;
    int64_t first = env_day_first_label(day);
    rc = env_aqi_hourly(db, code, first, first + 23 * ENV_HOUR_NS, &rows, &n);
    out->max_hourly = -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (rows[i].r.aqi > out->max_hourly)
            out->max_hourly = rows[i].r.aqi;
    free(rows);
    return rc;
}

/* Appends add[0..na) to *all (*n, *cap). */
static int append(struct ind_computed **all, size_t *n, size_t *cap, const struct ind_computed *add,
                  size_t na)
{
    if (na == 0) /* add may be NULL, which memcpy may not be given */
        return 0;
    if (*n + na > *cap) {
        size_t c = (*n + na) * 2;
        struct ind_computed *a = realloc(*all, c * sizeof *a);
        if (!a)
            return IOC_ENOMEM;
        *all = a, *cap = c;
    }
    memcpy(*all + *n, add, na * sizeof *add);
    *n += na;
    return 0;
}

int env_figures_days(struct tsdb_db *db, const struct env_demo_station *reg, size_t nreg,
                     int32_t from, int32_t to, struct ind_computed **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (to < from || to - from >= ENV_AQI_MAX_HOURS / 24)
        return IOC_EINVAL;
    size_t cap = 0, k = 0;
    int rc = 0;
    struct env_fig_station *st = nreg ? calloc(nreg, sizeof *st) : NULL;
    if (nreg && !st)
        return IOC_ENOMEM;
    struct ind_computed *all = NULL;
    for (int32_t day = from; rc == 0 && nreg && day <= to; day++) {
        size_t nair = 0;
        for (size_t i = 0; rc == 0 && i < nreg; i++) {
            if (reg[i].kind != ENV_AIR)
                continue;
            snprintf(st[nair].commune, sizeof st[nair].commune, "%s", reg[i].commune);
            rc = station_day(db, reg[i].code, day, &st[nair]);
            nair++;
        }
        struct ind_computed *r = NULL;
        size_t nr = 0;
        if (rc == 0)
            rc = env_figures_of(st, nair, day, &r, &nr);
        if (rc == 0 && nr)
            rc = append(&all, &k, &cap, r, nr);
        free(r);
    }
    free(st);
    if (rc) {
        free(all);
        return rc;
    }
    *out = all;
    *n = k;
    return 0;
}

int env_figures_read(struct store_conn *c, struct tsdb_db *db, int32_t from, int32_t to,
                     struct ind_computed **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (to < from || to - from >= ENV_AQI_MAX_HOURS / 24)
        return IOC_EINVAL;
    struct env_demo_station *reg = NULL;
    size_t nreg = 0;
    int rc = env_demo_stations(c, &reg, &nreg);
    if (rc == 0)
        rc = env_figures_days(db, reg, nreg, from, to, out, n);
    free(reg);
    return rc;
}
