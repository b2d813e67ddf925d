/*
 * demo_int.h — what demo.c (the plan, the thread) and demo_model.c (the values) share inside
 * src/telemetry/. Not for other modules.
 */
#ifndef IOC_TELEMETRY_DEMO_INT_H
#define IOC_TELEMETRY_DEMO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "telemetry/telemetry.h"

enum demo_kind {
    DK_PM25,
    DK_PM10,
    DK_NO2,
    DK_SO2,
    DK_CO,
    DK_O3,
    DK_TEMP, /* the last air field: DK_PM25 .. DK_TEMP are the TELEMETRY_DEMO_AIR_FIELDS */
    DK_WATER,
    DK_LAEQ, /* noise */
    DK_PH,   /* water quality: DK_PH, DK_DO, DK_TSS */
    DK_DO,
    DK_TSS,
    DK_TRAFFIC,
    DK_POWER,
};

enum demo_station_kind { DS_AIR, DS_WATER, DS_NOISE, DS_WQ, DS_TRAFFIC, DS_POWER };

struct demo_station {
    char *code, *commune, *commune_name; /* owned */
    enum demo_station_kind kind;
    uint64_t key;            /* a hash of the code: the station's own randomness */
    double size;             /* 0.8 .. 1.25: how busy the place is */
    double industry;         /* 0 .. 1: SO2 */
    double alarm[3];         /* water: the levels I, II, III the model crosses (given or its own) */
    double amp, lag_s, mean; /* water: tide amplitude, delay, mean level */
};

struct demo_series {
    enum demo_kind kind;
    size_t station;
    uint64_t key; /* the series' own randomness */
};

/* What the values at one time share (computed once per time by demo_at). */
struct demo_time {
    int64_t t_s;
    double h;     /* local hour of the day, 0 .. 24 */
    double dry;   /* 1 at the heart of the dry season (February), 0 in August */
    double rain;  /* the rainy-season swell: 0 outside June-November, 1 at its peak */
    int weekend;  /* local Saturday or Sunday */
    double smog;  /* 0 .. 1: a pollution episode */
    double flood; /* 0 .. 1: a flood, reaching flood_level alarm units at its peak */
    double flood_level, flood_env, flood_rain; /* e.g. 1.4: 40% of the way from I to II */
};

struct demo_model {
    uint64_t seed;
    int64_t anchor_day; /* local day number of `now` */
};

/* Fills the station's derived parameters (size, industry, water levels) from its code. */
void demo_station_prepare(const struct demo_model *m, struct demo_station *st);
void demo_at(const struct demo_model *m, int64_t t_ns, struct demo_time *tm);
double demo_value(const struct demo_model *m, const struct demo_station *st,
                  const struct demo_series *s, const struct demo_time *tm);
uint64_t demo_hash(const char *s);

#endif
