/*
 * store_alerts.h — part of store.h (which includes it; include store.h): alert rules, alerts,
 * their history and silences. The rules are src/alerts/alerts.h's (docs/alerts.md).
 */
#ifndef IOC_STORE_ALERTS_H
#define IOC_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

struct store_conn;

/* ---- rules ------------------------------------------------------------------------------- */

/* A rule. Strings malloc'd when read (store_alert_rule_clear). */
struct store_alert_rule {
    int64_t id; /* 0: not stored yet */
    char *name_vi, *name_en;
    char *severity;           /* info, warning, critical */
    char *type;               /* a registered rule type */
    char *target;             /* JSON object text */
    char *params;             /* JSON object text */
    char *agency;             /* owning agency's code, "" none */
    char *unit;               /* a unit's code, "" none */
    int enabled;              /* 0 or 1 */
    int64_t escalate_after_s; /* 0: never */
    int synthetic;            /* 0 or 1 */
    int64_t version;          /* read: 1 when created, +1 at each change */
    char *updated_at;         /* read: RFC 3339 */
    char *updated_by;
};
void store_alert_rule_clear(struct store_alert_rule *r);
void store_alert_rules_free(struct store_alert_rule *a, size_t n);

/* Adds r (r->id 0: a new id into *id) or replaces rule r->id when its version is if_version
 * (0: any). *stale = 1 when the version did not hold (nothing written). IOC_ENOTFOUND when
 * r->id names no rule. */
int store_alert_rule_put(struct store_conn *w, const struct store_alert_rule *r, int64_t if_version,
                         int64_t *id, int *stale);
/* Deletes rule id (its alerts stay, with the rule's name) under if_version (0: any).
 * IOC_ENOTFOUND. */
int store_alert_rule_delete(struct store_conn *w, int64_t id, int64_t if_version, int *stale);
int store_alert_rule_get(struct store_conn *c, int64_t id, struct store_alert_rule *out);
/* Every rule (agency NULL) or those of one agency, by id. enabled_only: the enabled ones. */
int store_alert_rules_list(struct store_conn *c, const char *agency, int enabled_only,
                           struct store_alert_rule **out, size_t *n);
int store_alert_rules_count(struct store_conn *c, int64_t *n);
/* The rules generation (meta "alert_rules_generation"): one more at every put and delete, in
 * their transaction, whichever process made it; 0 when never set. An engine in another process
 * compares it with the one it loaded (docs/alerts.md "Rules changed elsewhere"). 0,
 * IOC_EINVAL (not a generation) or the store's error. */
int store_alert_rules_generation(struct store_conn *c, int64_t *out);

/* ---- alerts ------------------------------------------------------------------------------ */

struct store_alert {
    int64_t id, rule_id;
    char *rule_name_vi, *rule_name_en, *type, *severity;
    char *state; /* firing, acknowledged, resolved */
    char *target, *agency, *unit;
    int has_pos, has_value;
    double lat, lon, value;
    char *summary_vi, *summary_en;
    int64_t count;
    int silenced;
    int64_t escalations;
    int64_t started_ms, last_ms, escalated_ms;
    char *ack_by, *ack_note; /* ack_ms 0: never acknowledged */
    int64_t ack_ms;
    char *resolved_by, *resolved_note; /* resolved_by "": by the data */
    int64_t resolved_ms;               /* 0: open */
    int64_t agency_id;                 /* read: the agency's id, 0 none */
};
void store_alert_clear(struct store_alert *x);
void store_alerts_free(struct store_alert *a, size_t n);

/* A firing reported by the engine. */
struct store_alert_fire {
    int64_t rule_id;
    const char *rule_name_vi, *rule_name_en, *type, *severity, *target, *agency, *unit;
    int has_pos, has_value;
    double lat, lon, value;
    const char *summary_vi, *summary_en;
    int64_t now_ms, regroup_ms;
};
/* What a change did. */
enum store_alert_change {
    STORE_ALERT_FIRED = 0, /* a new alert */
    STORE_ALERT_REFIRED,   /* count + 1 of an open alert, or one reopened in the regroup window */
    STORE_ALERT_SILENCED,  /* a new alert that a silence covers */
    STORE_ALERT_ACKNOWLEDGED,
    STORE_ALERT_ESCALATED,
    STORE_ALERT_RESOLVED,
};
/* "fired", "refired", "silenced", "acknowledged", "escalated", "resolved". */
const char *store_alert_change_name(enum store_alert_change c);

/* A firing of (rule, target): the open alert counted again, or the one the data resolved
 * within regroup_ms reopened, or a new one (silenced when a silence in force at now covers it).
 * A history row each time. *out the alert after it. */
int store_alert_fire(struct store_conn *w, const struct store_alert_fire *f,
                     enum store_alert_change *change, struct store_alert *out);
/* The condition of (rule, target) cleared: its open alert resolved by the data. IOC_ENOTFOUND
 * when none is open. */
int store_alert_resolve_data(struct store_conn *w, int64_t rule_id, const char *target,
                             int64_t now_ms, struct store_alert *out);
/* Escalates the firing (not acknowledged, not silenced) alert of (rule, target): severity up
 * one step (capped at critical), escalations + 1. IOC_ENOTFOUND when there is none. */
int store_alert_escalate(struct store_conn *w, int64_t rule_id, const char *target, int64_t now_ms,
                         struct store_alert *out);
/* A person acknowledges (resolve 0) or resolves (resolve 1) alert id with a note. IOC_ENOTFOUND;
 * IOC_EEXIST when its state does not allow it (acknowledging one that is not firing, resolving a
 * resolved one). */
int store_alert_act(struct store_conn *w, int64_t id, int resolve, const char *by, const char *note,
                    int64_t now_ms, struct store_alert *out);
int store_alert_get(struct store_conn *c, int64_t id, struct store_alert *out);
/* The open alerts of rule_id resolved by the system (its rule deleted or disabled): resolved_by
 * `by` ("rule deleted"), a history row each; fn (may be NULL) sees each alert after it and may
 * stop with an error. Resolved ones are untouched. 0, fn's or the store's error. */
int store_alerts_resolve_rule(struct store_conn *w, int64_t rule_id, const char *by, int64_t now_ms,
                              int (*fn)(void *ctx, const struct store_alert *x), void *ctx);

struct store_alert_query {
    const char *state, *severity, *agency, *unit; /* NULL: any */
    int64_t rule_id;                              /* 0: any */
    int64_t before_id;                            /* 0: newest */
    int limit;                                    /* 1 … 1000 */
};
/* Newest first. */
int store_alerts_find(struct store_conn *c, const struct store_alert_query *q,
                      struct store_alert **out, size_t *n);
/* The alerts not resolved, and those the data resolved at or after since_ms. */
int store_alerts_live(struct store_conn *c, int64_t since_ms, struct store_alert **out, size_t *n);

struct store_alert_event {
    char *what; /* a store_alert_change_name */
    char *who;  /* "" the data */
    int64_t at_ms;
    char *note;
};
void store_alert_events_free(struct store_alert_event *a, size_t n);
/* The history of alert id, oldest first. */
int store_alert_history(struct store_conn *c, int64_t id, struct store_alert_event **out,
                        size_t *n);

/* ---- silences ---------------------------------------------------------------------------- */

struct store_silence {
    int64_t id;
    int64_t rule_id;                     /* 0: any rule */
    char *agency, *unit, *target_prefix; /* "": any */
    int64_t ends_ms;
    char *reason, *created_by;
    int64_t created_ms;
};
void store_silences_free(struct store_silence *a, size_t n);
int store_silence_add(struct store_conn *w, const struct store_silence *s, int64_t *id);
/* IOC_ENOTFOUND. */
int store_silence_delete(struct store_conn *w, int64_t id);
/* The silences ending after now_ms (0: all), newest first; of one agency when agency != NULL. */
int store_silences_list(struct store_conn *c, int64_t now_ms, const char *agency,
                        struct store_silence **out, size_t *n);
int store_silence_get(struct store_conn *c, int64_t id, struct store_silence *out);

#endif
