/*
 * alerts — rules as data, the rule-type interface, the evaluator thread, the life of an alert
 * (firing → acknowledged → resolved), silences and escalation (docs/alerts.md).
 *
 *   - A rule (rules.c) is JSON: a name (vi, en), a severity, a type, a target and params that
 *     the type checks (compile), an owning agency and unit, escalate_after_s. Rules are stored
 *     by src/store/alerts.c (store_alerts.h).
 *   - A rule type (struct alerts_type) is a small interface: the built-in ones (types.c:
 *     threshold, no_data, rate) and the ones other modules register (alerts_register_type)
 *     look the same to the engine.
 *   - The engine (engine.c) observes the telemetry ingest (a bounded queue: the observer copies
 *     and returns), takes signals from other modules (alerts_signal), ticks once a second, and
 *     turns the conditions the types report into alert changes (life.c) written through the
 *     store writer. The database decides each change (open alert? within the regroup window?
 *     silenced?), so the engine's memory is only an edge detector and an escalation timer.
 */
#ifndef IOC_ALERTS_H
#define IOC_ALERTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;
struct store_alert_rule;
struct telemetry_ingest;
struct tsdb_point_in;
struct ioc_config;
struct auth_principal;

/* ---- settings (settings.c), section [alerts] ---------------------------------------------- */

struct alerts_settings {
    int regroup_s;    /* a firing within this long of a resolution by the data reopens it */
    int queue_points; /* points the observer queue holds; more are dropped (and counted) */
    int max_rules;    /* rules stored at most */
    int max_age_s;    /* older points (their own time) are not evaluated; 0: all */
};
const struct alerts_settings *alerts_settings_get(const struct ioc_config *c);

/* ---- the rule-type interface -------------------------------------------------------------- */

struct alerts_out; /* where a type reports conditions */

struct alerts_type {
    const char *name; /* "threshold" */
    /* Checks target and params (jansson objects, never NULL) and builds the type's state; on
     * error a message and the offending field ("params.value"). 0 or IOC_EINVAL/IOC_ENOMEM. */
    int (*compile)(const json_t *target, const json_t *params, void **state, char *err,
                   size_t errsz, const char **field);
    void (*release)(void *state);
    /* Telemetry points accepted and durable (may be NULL): report conditions for the targets
     * they touch. Called on the evaluator thread only. */
    void (*points)(void *state, const struct tsdb_point_in *p, size_t n, int64_t now_ms,
                   struct alerts_out *out);
    /* Timer (may be NULL): called every tick (1 s, injectable clock). */
    void (*tick)(void *state, int64_t now_ms, struct alerts_out *out);
    /* Facts from other modules (alerts_signal; may be NULL). json is NUL-terminated. */
    void (*signal)(void *state, const char *source, const char *json, int64_t now_ms,
                   struct alerts_out *out);
    /* Which points a compiled rule's `points` needs (may be NULL: every point): at most max
     * (ALERTS_LISTEN_MAX) pairs of a measurement and a field (NULL or "": every field of it)
     * into m[] and f[] (strings the state keeps); their number, 0 for every point. Asked when
     * the rules are loaded; the rule is then called only with points of those series names
     * (once per measurement and field present in a batch, each run in the batch's order).
     * Names of 128 bytes or more: every point. */
    size_t (*listens)(const void *state, const char **m, const char **f, size_t max);
};
#define ALERTS_LISTEN_MAX 8

/* target_key: names the thing (one alert per rule and target key; at most 255 bytes), by
 * convention "measurement,tag=value,… field" for telemetry. active: the condition holds now.
 * value: NAN for none. lat/lon NAN when unknown (the engine then asks options.locate).
 * summary_vi/en: one line each. Reporting the state a target already has is not a change: the
 * engine acts on edges only. */
void alerts_out_condition(struct alerts_out *out, const char *target_key, int active, double value,
                          double lat, double lon, const char *summary_vi, const char *summary_en);
/* The commune (or other unit) code of the condition just reported, when the type knows it (a
 * report's commune, the unit whose value is missing): an alert fired from it belongs to that
 * unit unless its rule names one. Without it the engine asks options.locate. */
void alerts_out_unit(struct alerts_out *out, const char *unit);

struct alerts;
#define ALERTS_NAME_MAX 200
#define ALERTS_TARGET_MAX 255
/* Adds a type (its name unique; the struct must outlive a). Before alerts_run starts the thread;
 * 0, IOC_EEXIST (name taken), IOC_ETOOBIG (too many types), IOC_EBUSY (already running). */
int alerts_register_type(struct alerts *a, const struct alerts_type *t);
/* The built-in type (or one registered on a) named name, or NULL. a may be NULL: built-ins. */
const struct alerts_type *alerts_type_find(const struct alerts *a, const char *name);
/* Any thread, never blocks (bounded queue; counted when full): a fact for `signal` types,
 * e.g. source "report" with a report transition, "indicator" with a new value. */
void alerts_signal(struct alerts *a, const char *source, const char *json, size_t n);

/* ---- the engine (engine.c) ----------------------------------------------------------------- */

struct alerts_options {
    struct store *store;                    /* required */
    struct telemetry_ingest *ingest;        /* observed; NULL: none (unit tests) */
    const struct alerts_settings *settings; /* NULL: the defaults */
    int64_t (*now_ms)(void);                /* NULL: the wall clock */
    /* manual: no thread; the caller drives alerts_eval_* and changes are written at once with
     * store_tx on the engine's own connection (tests). Otherwise through the store writer. */
    int manual;
    void *ctx; /* passed to the callbacks below */
    /* Where a target is (may be NULL): 0 and lat, lon (unit: the commune's code, "" unknown). */
    int (*locate)(void *ctx, const char *measurement, const char *tags_key, double *lat,
                  double *lon, char unit[16]);
    /* Inside the writer job that records an alert change (may be NULL): event_type "alert",
     * json the alert JSON with "change". Not called for a silenced alert. */
    int (*in_tx)(void *ctx, struct store_conn *w, const char *event_type, int64_t agency_id,
                 const char *json, size_t n);
    /* After that write is durable (may be NULL), also for silenced alerts (change "silenced"
     * when it fired silenced). */
    void (*published)(void *ctx, const char *event_type, int64_t agency_id, const char *json,
                      size_t n);
};

/* Creates the engine: loads the rules and the open alerts, observes the ingest. Register
 * types with alerts_register_type, then alerts_run (the thread; not in manual mode). 0,
 * IOC_EINVAL, IOC_ENOMEM, the store's error. */
int alerts_create(const struct alerts_options *o, struct alerts **out);
int alerts_run(struct alerts *a);
/* alerts_create + alerts_run. */
int alerts_start(const struct alerts_options *o, struct alerts **out);
/* An engine that never runs: only the rule types (register them as on an engine) for
 * alerts_rule_parse in a process that does not evaluate (iocctl). Freed by alerts_stop. 0 or
 * IOC_ENOMEM. */
int alerts_registry_create(struct alerts **out);
/* Stops observing, stops the thread (queued work dropped), frees. NULL is fine. */
void alerts_stop(struct alerts *a);
/* The rules changed in the store: reloaded before the next evaluation. NULL is fine. */
void alerts_rules_changed(struct alerts *a);
/* A person acknowledged or resolved alert id (rule, target): the engine stops escalating it
 * (resolved: it also forgets it). Never blocks. NULL is fine. */
void alerts_acted(struct alerts *a, int64_t rule_id, const char *target_key, int resolved);
/* Waits until the queued points and signals are evaluated and the changes they made are
 * durable; 0 or IOC_EBUSY after timeout_ms. Tests and benchmarks. */
int alerts_flush(struct alerts *a, int timeout_ms);

/* The synchronous core (manual mode, or from the thread): evaluate points, a signal, a tick at
 * an explicit now. */
void alerts_eval_points(struct alerts *a, const struct tsdb_point_in *p, size_t n, int64_t now_ms);
void alerts_eval_signal(struct alerts *a, const char *source, const char *json, int64_t now_ms);
void alerts_eval_tick(struct alerts *a, int64_t now_ms);

struct alerts_stats {
    uint64_t points, dropped, signals, signals_dropped, changes, failures, rules;
};
void alerts_stats_get(struct alerts *a, struct alerts_stats *out);
/* Appends the ioc_alerts_* counters (Prometheus text) to b. NULL a: nothing. 0 or the buffer's
 * error. */
struct ioc_buf;
int alerts_metrics(struct alerts *a, struct ioc_buf *b);

/* A person acknowledges (resolve 0) or resolves (resolve 1) an alert: the writer job records it
 * with its history row, the audit row (when audit is not NULL) and the in_tx hook; then, once
 * durable, alerts_act_done publishes it and tells the engine (never waiting on it). The caller
 * checks alerts_may_act first. */
struct store_audit;
struct alerts_act {
    /* in */
    struct alerts *a; /* NULL: no hooks, no engine */
    int64_t id;
    int resolve;
    const char *by, *note;
    int64_t now_ms;
    struct store_audit *audit;
    /* out */
    int64_t rule_id, agency_id;
    char target[ALERTS_TARGET_MAX + 1];
    int wrong_state; /* 1: the alert's state does not allow it (nothing written) */
    char *json;      /* the alert JSON with "change" (malloc'd; alerts_act_done frees it) */
    size_t json_len;
};
int alerts_act_job(struct store_conn *w, void *arg /* struct alerts_act * */);
void alerts_act_done(struct alerts_act *x, int rc);

/* A rule deleted or disabled: inside the writer job of that change, alerts_retire_job resolves
 * its open alerts (resolved.by "rule deleted" or "rule disabled", a history row each, the in_tx
 * hook but for silenced ones); alerts_retire_done, once that job is over, publishes them (rc 0)
 * and frees. Changes the writer does not see (iocctl's, or while iocd was down) are caught by
 * the engine: at each reload it resolves so the open alerts of the rules no longer enabled. */
#define ALERTS_BY_RULE_DELETED "rule deleted"
#define ALERTS_BY_RULE_DISABLED "rule disabled"
struct alerts_retired;
struct alerts_retire {
    /* in */
    struct alerts *a; /* NULL: no hooks */
    int64_t rule_id;
    int deleted;    /* 1: deleted, 0: disabled */
    int64_t now_ms; /* 0: the engine's clock (the wall clock without an engine) */
    /* out */
    size_t n;                 /* alerts resolved */
    struct alerts_retired *v; /* (private) */
    size_t cap;
    struct store_conn *w;
};
int alerts_retire_job(struct store_conn *w, struct alerts_retire *x);
void alerts_retire_done(struct alerts_retire *x, int rc);

/* ---- rules (rules.c) ----------------------------------------------------------------------- */

/* "info", "warning", "critical" → 0, 1, 2; -1 otherwise. */
int alerts_severity_of(const char *s);
const char *alerts_severity_name(int sev);

/*
 * Checks a rule's JSON body field by field (id, version, updated_* ignored) against the types
 * of a (NULL: the built-ins) and fills r (strings malloc'd: store_alert_rule_clear). 0, or
 * IOC_EINVAL with a message in err and the field at fault in *field ("name.vi",
 * "params.value"), or IOC_ENOMEM. The agency's existence is the caller's check.
 */
int alerts_rule_parse(const struct alerts *a, const json_t *body, struct store_alert_rule *r,
                      char *err, size_t errsz, const char **field);
/* The check of a parsed rule against the store that alerts_rule_parse leaves to its caller:
 * its agency, when it names one, exists. 0, IOC_EINVAL (message in err, *field "agency") or the
 * store's error. */
int alerts_rule_check_agency(struct store_conn *c, const struct store_alert_rule *r, char *err,
                             size_t errsz, const char **field);
/* The rule as the API renders it. */
json_t *alerts_rule_json(const struct store_alert_rule *r);

/* ---- rules as JSON Lines (rules_io.c; docs/alerts.md "Import and export") ------------------ */

struct ioc_buf;
/* Every rule, one alerts_rule_json object a line (compact, by id), appended to b; the count
 * into *n. 0 or the store's or the buffer's error. */
int alerts_rules_export(struct store_conn *c, struct ioc_buf *b, size_t *n);

/* A file of rules in the shape of alerts_rule_json, one a line (blank lines skipped): a line
 * with "id" replaces that rule (which must exist; the same rule again is left as it is,
 * "unchanged"), one without creates a rule. Every line is checked (alerts_rule_parse, the
 * agency, the id) before anything is written; one refused line refuses the whole file
 * (IOC_EINVAL, each refused line reported through problem), so the job writes all or nothing.
 * Each rule written leaves an audit row rule.create or rule.put (target "rule:ID") made from
 * who (actor, role, ip, request id), as the API's writes do. */
struct store_audit;
struct alerts_import {
    /* in */
    const struct alerts *a; /* the rule types (NULL: the built-ins) */
    const char *data;       /* the file */
    size_t len;
    const struct store_audit *who; /* the audit rows' template (action, target, detail set) */
    int64_t max_rules;             /* rules stored at most after the import */
    void (*problem)(void *ctx, size_t line, const char *field, const char *why);
    void *ctx;
    /* out */
    int64_t added, replaced, unchanged;
    size_t problems;
};
int alerts_rules_import_job(struct store_conn *w, void *arg /* struct alerts_import * */);

/* ---- alerts as JSON, permissions (life.c, rules.c) ---------------------------------------- */

struct store_alert;
/* The alert JSON of the shared contract (change NULL: without "change"). */
json_t *alerts_alert_json(const struct store_alert *x, const char *change);

/* Who may act on (ack, resolve) an alert of agency_code ("" none): operators, leaders, admins on
 * every alert; staff only on their agency's; keys with write:alerts only on their agency's. 1 or
 * 0. */
int alerts_may_act(const struct auth_principal *p, const char *agency_code);
/* Who may read it: operators, leaders, admins all; staff and keys (read:alerts) their agency's
 * only. 1 or 0. */
int alerts_may_read(const struct auth_principal *p, const char *agency_code);
/* The agency a reader is limited to (its code), or NULL for every agency. */
const char *alerts_read_scope(const struct auth_principal *p);

#endif
