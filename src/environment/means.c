/*
 * means.c — the hourly means of a station's stored `air` readings and the AQI over them
 * (contract in environment.h, "hourly means"): the one place the server turns readings into
 * the library's input, used by the engine and by the API's hourly and daily routes.
 *
 * Invariants:
 *   1. The mean labelled h covers the readings with h − 1 h <= t < h: one query per pollutant
 *      over [first − 1 h, first − 1 h + n h) in buckets of an hour, every series of that field
 *      with tag station merged.
 *   2. Hourly results read the 11 hours before the first one asked (the NowCast); daily
 *      results read the 7 hours before each day (the O₃ 8-hour means).
 */
#include "environment/environment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

int64_t env_hour_label(int64_t t)
{
    int64_t k = t >= 0 ? t / ENV_HOUR_NS : -((-t + ENV_HOUR_NS - 1) / ENV_HOUR_NS);
    return (k + 1) * ENV_HOUR_NS;
}

int32_t env_label_day(int64_t h)
{
    int64_t local = h - ENV_HOUR_NS + ENV_LOCAL_OFFSET_NS; /* the hour's start, local */
    int64_t d = local >= 0 ? local / ENV_DAY_NS : -((-local + ENV_DAY_NS - 1) / ENV_DAY_NS);
    return (int32_t)d;
}

int64_t env_day_first_label(int32_t day)
{
    return (int64_t)day * ENV_DAY_NS - ENV_LOCAL_OFFSET_NS + ENV_HOUR_NS;
}

int env_air_means(struct tsdb_db *db, const char *station, int64_t first, size_t n,
                  struct aqi_hour *out)
{
    if (n == 0 || n > ENV_AQI_MAX_HOURS + 48)
        return IOC_EINVAL;
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < AQI_NPOLL; p++)
            out[i].c[p] = NAN;
    struct tsdb_str v = {station, strlen(station)};
    struct tsdb_tag_filter f = {"station", 7, &v, 1};
    for (int p = 0; p < AQI_NPOLL; p++) {
        struct telemetry_query q = {.measurement = "air",
                                    .field = aqi_pollutant_name((enum aqi_pollutant)p),
                                    .filters = &f,
                                    .nfilters = 1,
                                    .start = first - ENV_HOUR_NS,
                                    .end = first - ENV_HOUR_NS + (int64_t)n * ENV_HOUR_NS,
                                    .step = ENV_HOUR_NS};
        struct telemetry_qresult r = {0};
        int rc = telemetry_query_window(db, &q, &r);
        if (rc == 0 && r.ngroups == 1) {
            const struct tsdb_window *w = &r.groups[0].w;
            for (size_t i = 0; i < w->n && i < n; i++) {
                double m;
                if (tsdb_bucket_value(&w->b[i], TSDB_AGG_MEAN, &m) == 0)
                    out[i].c[p] = m;
            }
        }
        telemetry_qresult_free(&r);
        if (rc == IOC_ENOTFOUND)
            continue; /* no such field (yet): missing */
        if (rc)
            return rc;
    }
    return 0;
}

int env_aqi_hourly(struct tsdb_db *db, const char *station, int64_t from, int64_t to,
                   struct env_aqi_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (from % ENV_HOUR_NS || to % ENV_HOUR_NS || to < from)
        return IOC_EINVAL;
    size_t want = (size_t)((to - from) / ENV_HOUR_NS) + 1;
    if (want > ENV_AQI_MAX_HOURS)
        return IOC_ETOOBIG;
    size_t all = want + 11;
    struct aqi_hour *h = malloc(all * sizeof *h);
    struct aqi_result *r = malloc(all * sizeof *r);
    struct env_aqi_row *out = malloc(want * sizeof *out);
    int rc =
        h && r && out ? env_air_means(db, station, from - 11 * ENV_HOUR_NS, all, h) : IOC_ENOMEM;
    if (rc == 0) {
        aqi_hourly_series(h, all, r);
        for (size_t i = 0; i < want; i++) {
            out[i].label = from + (int64_t)i * ENV_HOUR_NS;
            out[i].day = env_label_day(out[i].label);
            out[i].r = r[i + 11];
        }
        *rows = out;
        *n = want;
        out = NULL;
    }
    free(h);
    free(r);
    free(out);
    return rc;
}

int env_aqi_daily(struct tsdb_db *db, const char *station, int32_t from, int32_t to,
                  struct env_aqi_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (to < from)
        return IOC_EINVAL;
    size_t days = (size_t)(to - from) + 1;
    if (days > ENV_AQI_MAX_HOURS / 24)
        return IOC_ETOOBIG;
    size_t all = days * 24 + 7;
    struct aqi_hour *h = malloc(all * sizeof *h);
    struct env_aqi_row *out = malloc(days * sizeof *out);
    int rc = h && out
                 ? env_air_means(db, station, env_day_first_label(from) - 7 * ENV_HOUR_NS, all, h)
                 : IOC_ENOMEM;
    if (rc == 0) {
        for (size_t d = 0; d < days; d++) {
            out[d].day = from + (int32_t)d;
            out[d].label = env_day_first_label(out[d].day);
            aqi_daily(h + 7 + d * 24, h + d * 24, &out[d].r);
        }
        *rows = out;
        *n = days;
        out = NULL;
    }
    free(h);
    free(out);
    return rc;
}
