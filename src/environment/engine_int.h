/*
 * engine_int.h — what engine.c (the AQI engine) and water.c (water levels against their alarm
 * levels) share: the engine's state. Nothing outside src/environment/ includes this.
 */
#ifndef IOC_ENVIRONMENT_ENGINE_INT_H
#define IOC_ENVIRONMENT_ENGINE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "environment/environment.h"

struct store;
struct store_conn;
struct telemetry_batch;
struct events_hub;

#define CHUNK_DAYS 400
#define BATCH_POINTS 50000
#define STATION_MAX 63

struct station {
    char *name;
    int dirty;
    int64_t lo, hi; /* dirty hour labels, inclusive */
    struct env_latest latest;
    /* water level (water.c) */
    int has_levels;  /* alarm levels known (a water_level station of the registry) */
    double alarm[3]; /* I, II, III in m; NAN where none */
    int64_t water_t; /* the newest level reading seen, ns; 0: none */
    double level;
    int state;         /* 0 … 3: the highest alarm level reached by that reading */
    int64_t agency_id; /* the operating agency's id, or EVENTS_EVERYONE (-1) for none */
};

/* A water level crossing an alarm level, waiting to be written (water.c). */
struct wevent {
    char station[STATION_MAX + 1];
    int64_t t;
    double level;
    int from, to;
    int64_t agency_id; /* of the station, for its `station` event */
};
#define WEVENTS_MAX 4096

struct env_engine {
    struct telemetry_ingest *ig;
    struct tsdb_db *db;
    int backfill_days, paused;
    int64_t (*now_fn)(void);
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake, idle;
    struct station *tab; /* cap entries, power of two */
    size_t cap, used;
    int ndirty, stopping;
    uint64_t mark_gen, done_gen; /* passes: started after a mark, finished */
    /* the batch in flight */
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
    int answered, answer_rc;
    atomic_ullong hours, days, passes, points, failures, observed;
    atomic_llong last_pass_us, read_us, wait_us;
    /* water (water.c): the registry's levels, reloaded by the thread; crossings to write */
    struct store *store;
    struct store_conn *conn; /* the thread's (and start's) read connection */
    int64_t levels_ms;       /* when the levels were last loaded (0: reload at the next pass) */
    int reload;              /* env_engine_reload_levels asked (lock) */
    struct wevent *ev;       /* ring of WEVENTS_MAX */
    size_t ev_head, nev;
    atomic_ullong events, events_dropped;
    struct events_hub *hub; /* the live event stream, or NULL */
    void (*durable)(void *ctx, const struct env_event *ev, size_t n); /* or NULL */
    void *durable_ctx;
};

/* The entry of station s[0..n), added when absent (lock held). NULL: out of memory. */
struct station *env_station_get(struct env_engine *e, const char *s, size_t n);
/* Submits b and waits for its answer; resets b (engine.c). */
int env_flush_batch(struct env_engine *e, struct telemetry_batch *b);

/* water.c */
/* A level reading of station st at t (lock held; memory only): a crossing is queued. */
void env_water_observe(struct env_engine *e, struct station *st, int64_t t, double level);
/* Loads the registry's alarm levels when they are older than 30 s (or force), and at the first
 * load the state of each water station from its latest reading, queueing the crossing from the
 * state announced last (the latest water_alarm point) when it differs. Thread or start only. */
void env_water_levels(struct env_engine *e, int force);
/* Writes the queued crossings as the water_alarm series (the thread). */
int env_water_write(struct env_engine *e, struct telemetry_batch *b);

#endif
