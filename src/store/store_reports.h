/*
 * store_reports.h — part of store.h (which includes it; include store.h): the tables of the
 * citizen reports, kept in a file of their own so that each module's tables read together and
 * store.h stays readable. The rules are src/reports/reports.h's.
 */
#ifndef IOC_STORE_REPORTS_H
#define IOC_STORE_REPORTS_H

#include <stddef.h>
#include <stdint.h>

struct store_conn;

/* ---- citizen reports (reports.c; the rules: src/reports/reports.h) ----------------------- */

/* One attribute of a service's definition (Open311 "attributes"). */
struct store_rep_attr {
    char *code;
    char *datatype; /* string, number, datetime, text, singlevaluelist, multivaluelist */
    int required;
    int position; /* Open311 "order": unique, from 1 */
    char *description_vi, *description_en, *datatype_description;
    char *value_list; /* JSON array [{"key","name_vi","name_en"}], "" for none */
};
/* A service (category) and its definition. */
struct store_rep_service {
    char *code;
    char *name_vi, *name_en, *description_vi, *description_en;
    char *group_code, *group_vi, *group_en;
    char *keywords;    /* comma-separated */
    char *agency_code; /* the default agency, "" for none (triage) */
    int64_t deadline_hours;
    int position;                 /* listing order */
    int64_t attr_count;           /* read: how many attributes it has */
    struct store_rep_attr *attrs; /* filled by store_rep_service_get only */
    size_t nattrs;
};
void store_rep_service_clear(struct store_rep_service *s);
void store_rep_services_free(struct store_rep_service *s, size_t n);
/* Adds or replaces a service and its attributes (the attributes are replaced whole). IOC_EINVAL
 * when its agency_code names no agency. */
int store_rep_service_put(struct store_conn *w, const struct store_rep_service *s);
/* Every service, in listing order, without attributes. */
int store_rep_services_list(struct store_conn *c, struct store_rep_service **out, size_t *n);
/* One service with its attributes in order; IOC_ENOTFOUND. */
int store_rep_service_get(struct store_conn *c, const char *code, struct store_rep_service *out);
/* Sets the agency of service_code in commune unit_code (IOC_EINVAL: no such service or
 * agency); _get answers it, or "" when the commune has no override (malloc'd). */
int store_rep_override_put(struct store_conn *w, const char *service_code, const char *unit_code,
                           const char *agency_code);
int store_rep_override_get(struct store_conn *c, const char *service_code, const char *unit_code,
                           char **agency_code);

/* A citizen request. The personal fields (email … account_id) are never part of a public view. */
struct store_rep_request {
    int64_t id;
    char *service_code;
    char *service_name; /* read: the service's Vietnamese name */
    char *description;
    double lat, lon;
    int has_point; /* 0: located by address only (lat, lon unused) */
    char *address;
    int64_t unit_id;   /* the commune of the point, 0 for none */
    char *unit_code;   /* read */
    char *agency_code; /* "" for the operators' triage queue */
    char *agency_name; /* read */
    char *state;       /* received, assigned, in_progress, resolved, rejected, duplicate, closed */
    int64_t requested_ms, updated_ms, expected_ms; /* expected 0: no deadline */
    char *attributes;                              /* JSON object of the attribute values */
    char *media_url;
    char *status_notes; /* the last public note */
    char *email, *phone, *first_name, *last_name, *device_id, *account_id;
    int64_t key_id;    /* the API key that filed it */
    char *idempotency; /* "" for none; unique per key */
    /* the workflow (read; written by the store_rep_* calls of reports_wf.c) */
    int64_t agency_id;    /* 0: the operators' triage queue */
    int64_t duplicate_of; /* the report this one is a duplicate of, 0 for none */
    int64_t resolved_ms;  /* when it last became resolved, 0 for never */
    int64_t rating;       /* 1-5 once rated, 0 before */
    char *rating_comment;
    int64_t rated_ms;
};
void store_rep_request_clear(struct store_rep_request *r);
void store_rep_requests_free(struct store_rep_request *r, size_t n);
/* Stores r (r->id set) with its first event (received, by who); when r->idempotency is set and
 * the key already filed a request with it, stores nothing, sets r->id to that request's id and
 * *existing = 1. */
int store_rep_request_add(struct store_conn *w, struct store_rep_request *r, const char *who,
                          int *existing);
int store_rep_request_get(struct store_conn *c, int64_t id, struct store_rep_request *out);
/* A search of GET requests: ids (overriding the rest) or codes, the time window of requested_ms
 * [from_ms, to_ms), the Open311 status (open, closed or both), newest first. */
struct store_rep_query {
    const int64_t *ids;
    size_t nids;
    const char *const *codes;
    size_t ncodes;
    int64_t from_ms, to_ms;
    int want_open, want_closed;
    int limit, offset;
};
int store_rep_requests_find(struct store_conn *c, const struct store_rep_query *q,
                            struct store_rep_request **out, size_t *n);
/* A transition of a request: who, when, from → to, a public or internal note. */
int store_rep_event_add(struct store_conn *w, int64_t request_id, const char *who, const char *from,
                        const char *to, const char *note, int is_public);
/* Events of a request, oldest first, as count (tests and the later workflow). */
int store_rep_events_count(struct store_conn *c, int64_t request_id, int64_t *n);

/* ---- the workflow's tables (reports_wf.c; the rules: src/reports/workflow.c) -------------- */

/* The staff's search (GET /api/v1/reports): each filter NULL/0 for any. agency_id restricts to
 * one agency (staff see only theirs); agency_code filters by code, "none" for the triage
 * queue; overdue_at > 0 keeps open reports whose deadline is before it; q_folded a substring of
 * the folded description and address (ioc_text_fold). Newest first; *total before paging. */
struct store_rep_filter {
    const char *state, *service_code, *unit_code, *agency_code, *q_folded;
    int64_t agency_id;
    int64_t overdue_at;
    int limit, offset;
};
int store_rep_requests_list(struct store_conn *c, const struct store_rep_filter *f,
                            struct store_rep_request **out, size_t *n, int64_t *total);

/* An event of a request's history. kind: "transition" (from → to), "note", "reassign" (detail:
 * the agencies, "OLD>NEW"), "merge" (detail: "into:ID" or "from:ID"), "reopen", "rating". */
struct store_rep_event {
    int64_t id, request_id, ts_ms;
    char *who, *kind, *from_state, *to_state, *note, *detail;
    int is_public;
};
void store_rep_events_free(struct store_rep_event *e, size_t n);
/* Adds e (id and, when 0, ts_ms filled in); a public note also becomes the request's
 * status_notes. */
int store_rep_event_put(struct store_conn *w, struct store_rep_event *e);
/* A request's events, oldest first; public_only leaves the internal ones out. */
int store_rep_events_list(struct store_conn *c, int64_t request_id, int public_only,
                          struct store_rep_event **out, size_t *n);
/* Moves a request to state at now_ms (updated_ms too); agency_id >= 0 sets its agency (0 the
 * triage queue), -1 keeps it; duplicate_of >= 0 sets the link (-1 keeps it); resolved_ms > 0
 * records a resolution. IOC_ENOTFOUND. */
int store_rep_state_set(struct store_conn *w, int64_t id, const char *state, int64_t agency_id,
                        int64_t duplicate_of, int64_t resolved_ms, int64_t now_ms);
/* Records the citizen's rating (1-5) and comment; IOC_EEXIST when it is rated already. */
int store_rep_rating_set(struct store_conn *w, int64_t id, int64_t rating, const char *comment,
                         int64_t now_ms);
/* The hash of a citizen's token (auth_token_hash) for request id; _find answers the request of
 * a hash (IOC_ENOTFOUND). A request may have several (a retried POST gets a fresh one). */
int store_rep_token_add(struct store_conn *w, int64_t id, const char *hash);
int store_rep_token_find(struct store_conn *c, const char *hash, int64_t *id);
/* Open requests of service_code with a point inside [lat0, lat1] × [lon0, lon1] made at or
 * after since_ms, except except_id: the bounding-box prefilter of the nearby duplicates (the
 * distance is the rules' rep_distance_m). Newest first, at most limit. */
int store_rep_nearby(struct store_conn *c, const char *service_code, double lat0, double lat1,
                     double lon0, double lon1, int64_t since_ms, int64_t except_id, int limit,
                     struct store_rep_request **out, size_t *n);
/* The photos of a request, in order (docs/reports.md "Photos"): each one's file is
 * DATA_DIR/media/<hash>.jpg, hash its content's sha256 in lowercase hex. _add links one at
 * position (from 1; IOC_EINVAL for a bad position or hash, IOC_EEXIST when the position is
 * taken); _list reads those of the requests ids, by request then position (*out free()). */
#define STORE_REP_HASH_HEX 64
struct store_rep_photo {
    int64_t request_id;
    int position;
    char hash[STORE_REP_HASH_HEX + 1];
};
int store_rep_media_add(struct store_conn *w, int64_t request_id, int position, const char *hash);
int store_rep_media_list(struct store_conn *c, const int64_t *ids, size_t nids,
                         struct store_rep_photo **out, size_t *n);
/* Every hash a report names, sorted, once each (request_id and position 0): the linked photos,
 * and the media_url ending in /media/<hash>.jpg of any request (a typed one, or one of the
 * first releases'), so that iocctl media gc keeps them. *out free(). */
int store_rep_media_hashes(struct store_conn *c, struct store_rep_photo **out, size_t *n);
/* An agency's id from its code (IOC_ENOTFOUND; "" is 0). */
int store_rep_agency_id(struct store_conn *c, const char *code, int64_t *id);

#endif
