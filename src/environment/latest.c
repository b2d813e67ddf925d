/*
 * latest.c — the latest value of each field of a station (contract in environment.h, "latest
 * values"): read from the station's measurement with its tag, each with the unit of the
 * field (a table of the known fields of each kind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

static const struct {
    enum env_kind kind;
    const char *field, *unit;
} units[] = {
    {ENV_AIR, "pm25", "µg/m³"},        {ENV_AIR, "pm10", "µg/m³"},
    {ENV_AIR, "no2", "µg/m³"},         {ENV_AIR, "so2", "µg/m³"},
    {ENV_AIR, "co", "µg/m³"},          {ENV_AIR, "o3", "µg/m³"},
    {ENV_AIR, "temperature", "°C"},    {ENV_WATER_LEVEL, "level", "m"},
    {ENV_NOISE, "laeq", "dB(A)"},      {ENV_WATER_QUALITY, "ph", ""},
    {ENV_WATER_QUALITY, "do", "mg/l"}, {ENV_WATER_QUALITY, "tss", "mg/l"},
};

const char *env_field_unit(enum env_kind k, const char *field)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].kind == k && strcmp(units[i].field, field) == 0)
            return units[i].unit;
    return NULL;
}

/* Sorts by field name. */
static int by_field(const void *a, const void *b)
{
    return strcmp(((const struct env_value *)a)->field, ((const struct env_value *)b)->field);
}

int env_station_latest(struct tsdb_db *db, enum env_kind k, const char *code, struct env_value *out,
                       size_t cap, size_t *n)
{
    *n = 0;
    if (!db || k < 0 || k >= ENV_NKINDS)
        return 0;
    struct tsdb_str sv = {code, strlen(code)};
    struct tsdb_tag_filter f = {"station", 7, &sv, 1};
    struct telemetry_query q = {
        .measurement = env_kind_measurement(k), .filters = &f, .nfilters = 1};
    struct telemetry_qresult r;
    int rc = telemetry_query_latest(db, &q, &r);
    for (size_t e = 0; rc == 0 && e < r.nentries; e++) {
        struct tsdb_series_parts sp;
        if (!r.entries[e].has_point ||
            tsdb_series_key_parse(r.entries[e].key.data, r.entries[e].key.len, &sp) != 0 ||
            sp.flen == 0 || sp.flen >= sizeof out->field)
            continue;
        double v = tsdb_value_double(r.entries[e].type, r.entries[e].v);
        int64_t ms = r.entries[e].t / 1000000;
        size_t i = 0; /* one value a field: the newest of its series */
        while (i < *n &&
               !(strlen(out[i].field) == sp.flen && memcmp(out[i].field, sp.f, sp.flen) == 0))
            i++;
        if (i == *n) {
            if (*n == cap)
                continue;
            (*n)++;
            memcpy(out[i].field, sp.f, sp.flen);
            out[i].field[sp.flen] = 0;
            out[i].t_ms = INT64_MIN;
        }
        if (ms > out[i].t_ms) {
            out[i].t_ms = ms;
            out[i].v = v;
        }
    }
    telemetry_qresult_free(&r);
    for (size_t i = 0; i < *n; i++)
        out[i].unit = env_field_unit(k, out[i].field);
    qsort(out, *n, sizeof *out, by_field);
    return rc;
}
