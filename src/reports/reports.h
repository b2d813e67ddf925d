/*
 * reports — citizen field reports (phản ánh hiện trường) spoken as Open311 GeoReport v2
 * (docs/reports.md): the rules, without HTTP or SQL.
 *
 *   - services (categories) and their attribute definitions: every Open311 datatype, required,
 *     order; checked when loaded (rep_service_from_json);
 *   - a submission (an application/x-www-form-urlencoded body, rep_form_parse) checked against
 *     its service (rep_submission_check): each problem names its parameter (attribute[CODE],
 *     lat, description, …);
 *   - routing: the commune's override for the service, else the service's agency, else the
 *     operators' triage queue (agency "");
 *   - the deadline (the service's hours) and the Open311 status of an internal state.
 *
 * The public view of a request never carries the reporter's e-mail, phone, names, device id or
 * account id: the API renders it from rep_public_fields only.
 */
#ifndef IOC_REPORTS_H
#define IOC_REPORTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "config/config.h"
#include "store/store.h"

/* ---- the form parser (form.c) ------------------------------------------------------------ */

/* An application/x-www-form-urlencoded body, decoded: '+' is a space, %XX a byte, every key and
 * value valid UTF-8 in NFC, in the order sent (repeated keys kept). */
struct rep_form {
    char **keys;
    char **vals;
    size_t n;
};
#define REP_FORM_MAX_FIELDS 256
#define REP_FORM_MAX_BYTES ((size_t)1 << 20)
/* 0, or IOC_EINVAL (a bad escape, bytes that are not UTF-8, a NUL, an empty key; err says
 * which field), IOC_ETOOBIG (more than REP_FORM_MAX_FIELDS fields or REP_FORM_MAX_BYTES bytes),
 * IOC_ENOMEM. On failure f holds nothing. */
int rep_form_parse(const char *body, size_t n, struct rep_form *f, char *err, size_t err_size);
void rep_form_free(struct rep_form *f);
/* The first value of key, or NULL. An empty value counts as absent (Open311). */
const char *rep_form_get(const struct rep_form *f, const char *key);
/* How many fields have key (empty ones included). */
size_t rep_form_count(const struct rep_form *f, const char *key);

/* ---- services ---------------------------------------------------------------------------- */

enum rep_datatype {
    REP_STRING = 0,
    REP_NUMBER,
    REP_DATETIME,
    REP_TEXT,
    REP_SINGLEVALUELIST,
    REP_MULTIVALUELIST
};
/* The datatype named s, or -1. */
int rep_datatype_of(const char *s);
const char *rep_datatype_name(enum rep_datatype d);

#define REP_CODE_MAX 64
#define REP_DESCRIPTION_MAX 4000 /* characters */
#define REP_TEXT_MAX 4000        /* characters of a text attribute */
#define REP_STRING_MAX 255       /* characters of a string attribute or a personal field */

/* 1 if s is a service or attribute code: 1-64 of [A-Za-z0-9_-]. */
int rep_code_valid(const char *s);

/* A problem of a loaded service or of a submission: the parameter or JSON path to blame and why
 * (static or in the caller's buffer). */
struct rep_problem {
    char param[96];
    char why[256];
};

/*
 * A service from its JSON object (data/reports/README.md): code, name_vi, name_en,
 * description_vi/en, group {code, vi, en}, keywords, agency, deadline_hours, attributes [{code,
 * datatype, required, order, description_vi/en, datatype_description, values [{key, name_vi,
 * name_en}]}]. Checks codes, datatypes, order unique and positive, lists with values and others
 * without. On success out holds malloc'd strings (store_rep_service_clear). IOC_EINVAL with p.
 */
int rep_service_from_json(const json_t *j, struct store_rep_service *out, struct rep_problem *p);

/* ---- submissions ------------------------------------------------------------------------- */

/* A submission after its checks: the values to store (pointing into the form, or into attrs). */
struct rep_submission {
    const char *service_code;
    double lat, lon;
    const char *address, *description, *media_url;
    const char *email, *phone, *first_name, *last_name, *device_id, *account_id;
    char *attributes; /* malloc'd JSON object {CODE: value or [values]} */
};
/*
 * Checks f against service s (with its attributes): lat and long (WGS84, both or neither; a
 * location is required: lat/long or address_string), description (≤ 4000 characters; stored as
 * text), the personal fields (≤ 255 characters, e-mail shaped), media_url (http or https), and
 * every attribute: required ones present, number a number, datetime ISO 8601 with a zone, a
 * list value among its keys, multivaluelist through attribute[CODE][], unknown attribute codes
 * refused. Up to max problems go to probs (*nprobs how many were found). 0 when none, with out
 * filled; IOC_EINVAL when some; IOC_ENOMEM.
 */
int rep_submission_check(const struct store_rep_service *s, const struct rep_form *f,
                         struct rep_submission *out, struct rep_problem *probs, size_t max,
                         size_t *nprobs);
void rep_submission_clear(struct rep_submission *x);

/* ---- routing, deadline, status ------------------------------------------------------------ */

/* The agency of a report: the commune's override when it has one, else the service's default;
 * "" when neither (the operators' triage queue). */
const char *rep_route(const char *override_agency, const char *service_agency);
/* The expected time of a report made at requested_ms: + deadline_hours, or 0 for none. */
int64_t rep_deadline_ms(int64_t requested_ms, int64_t deadline_hours);
/* Open311 status of an internal state: "open" (received, assigned, in_progress), "closed"
 * (resolved, rejected, duplicate, closed), NULL for an unknown state. */
const char *rep_status_of(const char *state);
/* 1 if state is one of the seven internal states. */
int rep_state_valid(const char *state);

/* The fields of a request a public answer may carry (Open311's request object); the personal
 * fields are not in this list, and a test checks that no public answer carries them. */
extern const char *const rep_public_fields[];

/* ISO 8601 in Vietnam's zone: 2026-03-01T08:00:00+07:00 (26 bytes with NUL). */
void rep_time_format(int64_t ms, char out[32]);
/* An ISO 8601 date-time with a zone (Z or ±hh:mm) into ms; IOC_EINVAL otherwise (a date alone
 * or a time without zone included). */
int rep_time_parse(const char *s, int64_t *ms);

/* ---- the workflow (workflow.c; docs/reports.md "The workflow") ---------------------------- */

/* The module's settings, section [reports]. */
struct rep_settings {
    int64_t reopen_days;     /* the citizen may reopen a resolved report for so many days */
    int64_t max_photo_bytes; /* the largest photo a report may carry (docs/reports.md "Photos") */
    int64_t max_photos;      /* photos per report */
    /* reports a client address and a device (device_id) may submit: per hour, and at once */
    int64_t post_per_hour_per_address, post_burst_per_address;
    int64_t post_per_hour_per_device, post_burst_per_device;
    char *media_base_url; /* the photos' URLs start with it; "" (docs/reports.md "Photos") */
};
extern const struct config_module config_module_reports;
const struct rep_settings *rep_settings_get(const struct ioc_config *c);

/*
 * The public citizen page's key (citizen_key.c; docs/reports.md "The citizen page and its
 * key"): a new API key of agency_code with the scope write:reports and nothing else, kept in
 * the store's meta "citizen_key", which GET /api/v1/citizen/config serves. The key it replaces
 * (if any, and not yet revoked) is revoked in the same transaction, so the page's old key stops
 * at once. Audited as key.create (and key.revoke) with who. name NULL: a default name.
 * Out: the new key (public by design), its id and prefix; replaced_id the revoked key's id or 0.
 * IOC_EINVAL (no agency code, unknown agency, a bad name; field says which), or the store's.
 */
struct rep_citizen_key {
    const char *agency_code;
    const char *name;
    struct store_audit who;
    int64_t id, replaced_id;
    char prefix[16];
    char key[64];
    const char *field;
};
int rep_citizen_key_job(struct store_conn *w, void *arg /* struct rep_citizen_key * */);

/*
 * The states: received → assigned → in_progress → resolved | rejected | duplicate → closed.
 * 1 if a member of staff may move a report from → to: received to assigned, in_progress or an
 * answer (resolved, rejected, duplicate); assigned to assigned (a reassignment), in_progress or
 * an answer; in_progress to assigned or an answer; resolved to in_progress (the fix did not
 * hold) or closed; rejected and duplicate to closed; closed to nothing (only the citizen reopens).
 */
int rep_transition_allowed(const char *from, const char *to);
/* 1 for the answers (resolved, rejected, duplicate): reaching one records resolved_ms. */
int rep_state_is_answer(const char *state);

/*
 * Who may do what with a report of agency_id (0: the operators' triage queue):
 *   read (write 0): admins, operators and leaders every report; staff and agency keys only their
 *   agency's; act (write 1): admins and operators every report; staff only their agency's;
 *   leaders and keys nothing. 0, IOC_EPERM, or IOC_ENOTFOUND for an anonymous caller.
 */
int rep_access(const struct auth_principal *p, int64_t agency_id, int write);
/* 1 if p may see the reporter's personal fields: admins, operators, and the owning agency's
 * staff. */
int rep_sees_personal(const struct auth_principal *p, int64_t agency_id);
/* 1 if p reads every agency's reports (admins, operators, leaders); otherwise only those of
 * p->agency_id. */
int rep_reads_all(const struct auth_principal *p);
/* 1 if p may send a report to another agency (admins and operators). */
int rep_may_reassign(const struct auth_principal *p);

/* 1 if a report in state with deadline expected_ms (0: none) is overdue at now_ms: past its
 * deadline and still open (received, assigned, in_progress). */
int rep_overdue(const char *state, int64_t expected_ms, int64_t now_ms);
/* Whether the citizen may reopen a report: 0; REP_REOPEN_STATE when it is not resolved or
 * closed; REP_REOPEN_LATE when more than window_days have passed since its answer. */
#define REP_REOPEN_STATE 1
#define REP_REOPEN_LATE 2
int rep_reopen_check(const char *state, int64_t resolved_ms, int64_t now_ms, int64_t window_days);
/* The state a reopened report goes back to: assigned when it has an agency, else received. */
const char *rep_reopen_state(int64_t agency_id);
/* Whether the citizen may rate (1-5, a comment of at most REP_COMMENT_MAX characters): 0;
 * REP_RATE_STATE before the report has an answer (its Open311 status is open); REP_RATE_AGAIN
 * when it is rated already; REP_RATE_VALUE for a rating outside 1-5 or a long comment. */
#define REP_COMMENT_MAX 1000
#define REP_NOTE_MAX 4000
#define REP_RATE_STATE 1
#define REP_RATE_AGAIN 2
#define REP_RATE_VALUE 3
/* Characters (code points) of UTF-8 text. */
size_t rep_chars(const char *s);
int rep_rating_check(const char *state, int64_t rated, int64_t rating, const char *comment);

/* The citizen's secret for a request: 64 hex characters, returned once by POST; only its hash
 * (rep_token_hash) is stored. 1 if s has a token's shape. */
void rep_token_new(char out[65]);
void rep_token_hash(const char *token, char out[65]);
int rep_token_shaped(const char *s);

/* Nearby duplicates: the great-circle distance in metres (haversine), and the bounding box of
 * the points within m metres of (lat, lon) — the SQL prefilter. */
#define REP_NEARBY_M 50.0
#define REP_NEARBY_DAYS 7
#define REP_NEARBY_MAX 10
double rep_distance_m(double lat1, double lon1, double lat2, double lon2);
void rep_bbox(double lat, double lon, double m, double *lat0, double *lat1, double *lon0,
              double *lon1);

/*
 * One act on a report, checked and written as one store job (rep_action_job, run by the
 * writer): the state is read inside the job's transaction, so two acts racing cannot both pass
 * the table. A refusal writes nothing and sets outcome, field and why; the audit row (audit,
 * filled by the caller) is written with the act.
 */
enum rep_act { REP_ACT_TRANSITION = 0, REP_ACT_NOTE, REP_ACT_MERGE, REP_ACT_REOPEN, REP_ACT_RATE };
enum rep_outcome {
    REP_OK = 0,
    REP_NOT_FOUND, /* no such report (or merge target: field says which) */
    REP_FORBIDDEN, /* the caller may not act on it (or a wrong token) */
    REP_CONFLICT,  /* not allowed from its state (from and to say which), rated already, late */
    REP_INVALID    /* a field is missing or wrong: field names it */
};
struct rep_action {
    int act;
    int64_t id;
    const struct auth_principal *who; /* staff acts; NULL for the citizen's (token_hash) */
    const char *actor;                /* the event's who */
    const char *to, *note, *agency;   /* transition: to; reassign: agency (a code) */
    int is_public;
    int64_t duplicate_of; /* transition to duplicate, and merge: the report kept */
    const char *token_hash;
    int64_t rating;
    const char *comment;
    int64_t now_ms, reopen_days;
    struct store_audit *audit;
    /* When the act moved the report: called inside the job's transaction with its `report`
     * event (rep_change_json), so that what follows it (the webhooks' deliveries) commits with
     * it (NULL: none). Its error rolls the act back. */
    int (*in_tx)(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                 const char *json, size_t n);
    void *in_tx_ctx;
    /* out */
    int outcome;
    char field[32], why[256];
    char from[16], state[16];
    /* out, when the act moved the report (a transition, a merge, a reopen: its state or agency
     * changed): changed = 1 and what its `report` event says */
    int changed;
    int64_t agency_id; /* after the act; 0: the triage queue */
    char agency_code[65], service_code[REP_CODE_MAX + 1], unit_code[16];
};
int rep_action_job(struct store_conn *w, void *action);

/*
 * The `report` event of the live stream (docs/api.md "Live events"), one line of JSON into b:
 * {"id", "service_code", "state", "previous" (null: a new report), "agency" (code, null in
 * triage), "unit" (the commune's code or null), "at" (RFC 3339), "by" (who acted: a username,
 * "key:…", "citizen")}. Never the reporter's personal fields.
 */
struct rep_change {
    int64_t id;
    const char *service_code, *state, *previous; /* previous NULL: a new report */
    const char *agency, *unit;                   /* NULL or "": none */
    int64_t at_ms;
    const char *by;
};
struct ioc_buf;
void rep_change_json(const struct rep_change *c, struct ioc_buf *b);
/* The change an act made (a->changed), as rep_change_json takes it. */
void rep_action_change(const struct rep_action *a, struct rep_change *out);
/* A new report r (as read back), filed by by, as rep_change_json takes it (previous NULL);
 * out points into r. */
void rep_request_change(const struct store_rep_request *r, const char *by, struct rep_change *out);
/* Inside the transaction that stored the new report id (filed by by): its `report` event (the
 * stream's, rep_request_change) handed to in_tx (as rep_action.in_tx: the webhooks'
 * deliveries), so that a stored report always has them; in_tx's error undoes the filing. */
int rep_created_in_tx(struct store_conn *w, int64_t id, const char *by,
                      int (*in_tx)(void *ctx, struct store_conn *w, const char *type,
                                   int64_t agency_id, const char *json, size_t n),
                      void *ctx);

/* ---- the alert rule type (alert_types.c; docs/alerts.md "Types") -------------------------- */

/*
 * report_overdue: target {"service_code", "agency", "unit"} (each optional), params {}; active
 * for a report open past its deadline, target key "report:ID", placed at the report's point.
 * rep_alert_types_register adds it to a; st is where a rule learns the open reports on its
 * first evaluation (one read; NULL: it learns them from signals only).
 */
struct alerts;
struct alerts_type;
extern const struct alerts_type rep_alert_type_overdue;
int rep_alert_types_register(struct alerts *a, struct store *st);
/* The `report` signal of request r: {"id", "service_code", "service_name", "state",
 * "expected_ms" (0: no deadline), "lat", "lon" (null: no point), "agency", "unit"} (malloc'd,
 * its length in *n when n is not NULL; NULL when out of memory). */
char *rep_alert_json(const struct store_rep_request *r, size_t *n);
/* After a report's change is durable: reads it on c and signals it to a (NULL: nothing). */
void rep_alert_signal(struct alerts *a, struct store_conn *c, int64_t id);
/* Each open report with a deadline, as its signal JSON. 0 or the store's error. */
int rep_alert_open_each(struct store_conn *c, void (*each)(void *ctx, const char *json), void *ctx);
/* dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh. */
void rep_alert_time(int64_t ms, char out[20]);

/* ---- figures for the indicators catalogue (figures.c; docs/reports.md) -------------------- */

/* One report as the figures read it. */
struct rep_fig_report {
    char commune[32]; /* "" none: counted nowhere */
    char group[48];   /* its service's group code */
    char state[16];
    int64_t requested_ms, resolved_ms, expected_ms, updated_ms;
};
/* The PAHT figures (figures.c's list) per commune and local day from .. to of r[0 .. n) (pure):
 * *out malloc'd, by commune then day. 0 or IOC_ENOMEM. rep_figure_code(i) names them (NULL past
 * the last). */
struct ind_computed;
int rep_figures_of(const struct rep_fig_report *r, size_t n, int32_t from, int32_t to,
                   struct ind_computed **out, size_t *nout);
const char *rep_figure_code(size_t i);
/* rep_figures_of over every stored report received before the range ends. */
struct store_conn;
int rep_figures_read(struct store_conn *c, int32_t from, int32_t to, struct ind_computed **out,
                     size_t *n);

#endif
