/*
 * alerts_int.h — what the files of src/alerts/ share: the conditions a type reports, a small
 * string-keyed map, the telemetry selector of the built-in types, the engine's state. Nothing
 * outside src/alerts/ includes this.
 */
#ifndef IOC_ALERTS_INT_H
#define IOC_ALERTS_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "alerts/alerts.h"
#include "store/store.h"

/* ---- conditions ---------------------------------------------------------------------------- */

#define ALERTS_SUMMARY_MAX 512
struct alerts_cond {
    char target[ALERTS_TARGET_MAX + 1];
    int active;
    double value, lat, lon;
    char unit[16]; /* alerts_out_unit; "" none */
    char summary_vi[ALERTS_SUMMARY_MAX], summary_en[ALERTS_SUMMARY_MAX];
};
struct alerts_out {
    struct alerts_cond *v;
    size_t n, cap;
    int failed; /* out of memory: conditions lost */
};
void alerts_out_reset(struct alerts_out *o);
void alerts_out_free(struct alerts_out *o);

/* ---- a map from strings to fixed-size items (types.c) -------------------------------------- */

struct alerts_map_entry {
    char *key;
    void *item;
};
struct alerts_map {
    struct alerts_map_entry *tab;
    size_t cap, used, item_size;
};
void alerts_map_init(struct alerts_map *m, size_t item_size);
/* The item of key (zeroed when created). create 0: NULL when absent. NULL: out of memory. */
void *alerts_map_get(struct alerts_map *m, const char *key, int create);
void alerts_map_free(struct alerts_map *m);

/* ---- the built-in types (types.c) ---------------------------------------------------------- */

extern const struct alerts_type alerts_type_threshold, alerts_type_no_data, alerts_type_rate;
struct tsdb_db;
/* A no_data rule's state learns the series of its target the engine lists (not expired):
 * silent, they fire for_s after the first tick. 0, IOC_ETOOBIG (too many series), the engine's
 * error or IOC_ENOMEM. */
int alerts_no_data_learn(void *state, struct tsdb_db *db);

/* ---- the engine (engine.c, life.c) --------------------------------------------------------- */

#define ALERTS_TYPES_MAX 16

struct alerts_rule_rt { /* a rule as the evaluator holds it */
    struct store_alert_rule r;
    const struct alerts_type *t;
    void *state;
};

struct alerts_entry { /* one (rule, target): edge detector and escalation timer */
    int64_t rule_id;
    int active; /* the condition held at the last report */
    int open;   /* an alert of it is open (firing or acknowledged) as far as the engine knows */
    int acked;
    int64_t base_ms; /* escalation counts from here (firing, or the last escalation) */
    char target[ALERTS_TARGET_MAX + 1];
};

/* dispatch.c: the rules of the built-in telemetry types by target measurement and field */
struct alerts_group;
struct alerts_call;
struct alerts_index {
    int ok;                    /* built: else every rule sees every point */
    struct alerts_map by_meas; /* "measurement field" → its rules' indexes in a->rules */
    struct alerts_map by_m;    /* "measurement" → the rules taking its every field */
    size_t *unindexed;         /* rules of other types that take points: every point */
    size_t nunindexed, unindexed_cap;
    /* per batch (evaluator thread) */
    struct tsdb_point_in *scratch; /* the batch, grouped by measurement */
    size_t *gi;                    /* each point's group */
    struct alerts_group *groups;
    struct alerts_call *calls;
    size_t scratch_cap, gi_cap, calls_cap;
};

struct alerts_batch; /* points copied by the observer */
struct alerts_msg;   /* signals and acts */

struct alerts {
    struct alerts_options o;
    struct alerts_settings set;
    const struct alerts_type *types[ALERTS_TYPES_MAX];
    int ntypes, running;
    struct store_conn *rconn, *wconn; /* the evaluator's; wconn only in manual mode */
    /* evaluator-owned */
    struct alerts_rule_rt *rules;
    size_t nrules;
    struct alerts_map entries; /* "rule_id target" → struct alerts_entry */
    struct alerts_out out;
    int any_points; /* some rule's type takes points */
    struct alerts_index index;
    atomic_int reload;
    int64_t rules_generation; /* the store's rules generation when the rules were last read */
    /* queues (lock) */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stopping, busy;
    struct alerts_batch *bhead, *btail;
    size_t queued_points;
    struct alerts_msg *mhead, *mtail;
    size_t queued_msgs;
    atomic_int observe_points; /* a copy of any_points for the observer */
    /* counters */
    atomic_ullong rules_loaded;
    atomic_ullong points, dropped, signals, signals_dropped, changes, failures, submitted,
        completed;
};

/* life.c: the changes (fire, resolve by the data, escalate) written through the writer (or at
 * once in manual mode). */
void alerts_life_fire(struct alerts *a, const struct alerts_rule_rt *r, const struct alerts_cond *c,
                      int64_t now_ms);
void alerts_life_resolve(struct alerts *a, int64_t rule_id, const char *target, int64_t now_ms);
void alerts_life_escalate(struct alerts *a, int64_t rule_id, const char *target, int64_t now_ms);
/* Rule rule_id is no longer loaded: resolves its open alerts when the store says it was deleted
 * or disabled (alerts_retire_job), publishes them. */
void alerts_life_retire(struct alerts *a, int64_t rule_id, int64_t now_ms);

/* dispatch.c: (re)builds the index after a->rules changed; hands a batch to the rules whose
 * points it may hold (alerts_rule_points, engine.c: the type's points, then the edges). */
void alerts_index_build(struct alerts *a);
void alerts_index_free(struct alerts_index *x);
void alerts_index_destroy(struct alerts_index *x);
void alerts_dispatch_points(struct alerts *a, const struct tsdb_point_in *p, size_t n,
                            int64_t now_ms);
void alerts_rule_points(struct alerts *a, const struct alerts_rule_rt *r,
                        const struct tsdb_point_in *p, size_t n, int64_t now_ms);

#endif
