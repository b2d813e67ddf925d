/*
 * store_stations.h — part of store.h (which includes it; include store.h): the registry of
 * monitoring stations. The rules are src/environment/environment.h's ("stations").
 */
#ifndef IOC_STORE_STATIONS_H
#define IOC_STORE_STATIONS_H

#include <stddef.h>
#include <stdint.h>

struct store_conn;

/* ---- monitoring stations (stations.c; the rules: src/environment/environment.h) ---------- */

/* A station. Strings malloc'd when read (store_station_clear); a writer's may point anywhere. */
struct store_station {
    char *code; /* [A-Z0-9][A-Z0-9_-]{0,31} */
    char *name_vi, *name_en;
    char *kind; /* air, water_level, water_quality, noise */
    double lat, lon;
    char *commune;      /* the commune (2025 code) containing the point, as decided when written */
    char *commune_name; /* read: that commune's name ("" when the code names no unit) */
    char *measures;     /* the telemetry fields it reports, comma-separated */
    char *agency;       /* the operating agency's code, "" for none */
    double alarm[3];    /* alarm levels I, II, III in metres (water_level only) */
    int has_alarm[3];   /* 0: NULL */
    int synthetic;      /* 1: made-up demo data */
    char *updated_at;   /* read: RFC 3339 */
    char *updated_by;
    int64_t version; /* read: 1 when created, +1 at each change (the ETag) */
};
void store_station_clear(struct store_station *s);
void store_stations_free(struct store_station *a, size_t n);

#define STORE_STATION_ANY (-1)    /* put/delete: no condition on the version */
#define STORE_STATION_EXISTS (-2) /* the station must exist (If-Match: *) */
#define STORE_STATION_ABSENT (-3) /* the station must not exist (If-None-Match: *) */
enum store_station_outcome {
    STORE_STATION_ADDED = 0,
    STORE_STATION_UPDATED,
    STORE_STATION_UNCHANGED, /* equal to the stored one: version and updated_* kept */
    STORE_STATION_STALE,     /* the condition did not hold: nothing written */
};
/* Creates or replaces s (checked before by src/environment) under the condition if_version
 * (STORE_STATION_* or a version); *version the version after it (the stored one when stale or
 * unchanged, 0 when absent). */
int store_station_put(struct store_conn *w, const struct store_station *s, int64_t if_version,
                      enum store_station_outcome *outcome, int64_t *version);
/* Deletes code under the condition; *stale = 1 when it did not hold (nothing deleted).
 * IOC_ENOTFOUND when no such station. */
int store_station_delete(struct store_conn *w, const char *code, int64_t if_version, int *stale);
/* One station; IOC_ENOTFOUND. */
int store_station_get(struct store_conn *c, const char *code, struct store_station *out);
/* The stations passing every filter (NULL: any), by code. */
struct store_station_query {
    const char *kind, *commune, *agency;
};
int store_stations_find(struct store_conn *c, const struct store_station_query *q,
                        struct store_station **out, size_t *n);
/* How many stations are stored. */
int store_stations_count(struct store_conn *c, int64_t *n);

#endif
