/* api_int.h — what the files of src/api/ share. Nothing outside src/api/ includes this. */
#ifndef IOC_API_INT_H
#define IOC_API_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "api/api.h"
#include "auth/auth.h"
#include "base/base.h"
#include "base/errors.h"
#include "config/config.h"
#include "geo/geo.h"
#include "net/net.h"
#include "store/store.h"
#include "telemetry/telemetry.h"

struct api_ctx;
typedef void (*api_handler_fn)(struct api_ctx *c);

struct api_route {
    struct api_route_info info;
    int need;          /* AUTH_* of auth.h */
    int json_body;     /* the body must be a JSON object (415 otherwise) */
    api_handler_fn fn; /* NULL for routes served outside the table (none today) */
    /* The largest request body (as sent) from the configuration, or NULL for http.max_body;
     * net refuses a larger one with 413 before reading it (api_body_limit). */
    int64_t (*max_body)(const struct ioc_config *cfg);
};

/* Per loop thread. */
struct api_thread {
    struct store_conn *db;          /* read-only connection of this thread */
    struct geo_reader *geo_reader;  /* this loop's reader of the point index, from its first
                                       lookup (owned by api->geo_slot) */
    struct telemetry_lp_parser *lp; /* this loop's line-protocol parser, from its first write
                                       (a body is parsed in one call, so one per loop does) */
};

/* A cached response body, valid for one units generation. */
struct api_cache_entry {
    char etag[40];
    char *key;
    struct net_shared *body;
    int64_t generation;
    uint64_t last_used;
};

#define API_CACHE_PINNED 4
#define API_METRIC_STATUSES 20
#define API_METRIC_BUCKETS 12
#define API_METRIC_EXTRA 4 /* rows after the routes: static, refused, malformed, other */

struct api_route_metrics {
    atomic_ullong count[API_METRIC_STATUSES];
    atomic_ullong bucket[API_METRIC_BUCKETS]; /* cumulative counts are computed when rendering */
    atomic_ullong sum_us;
    atomic_ullong total;
};

struct api {
    const struct ioc_config *cfg;
    struct store *store;
    struct net_server *server;
    struct auth_limiter *limiter;
    struct auth_sessions *sessions; /* the idle timeout and its touches in flight */
    int64_t started_ms;
    char *openapi; /* the OpenAPI document, assembled once by api_create */
    size_t openapi_len;

    /* pointindex.c: the point index, built and rebuilt by its own thread, read by the loops
     * through geo_slot without locks */
    struct geo_slot *geo_slot;
    atomic_llong geo_generation; /* units generation of the published index; -1 before it */
    atomic_int geo_state;        /* 0 starting, 1 published, -1 the first build failed */
    atomic_ullong geo_builds;    /* indexes published since start */
    pthread_t geo_thread;
    struct store_conn *geo_db; /* the index thread's read connection */
    pthread_mutex_t geo_lock;  /* guards geo_stop only; never taken by a loop */
    pthread_cond_t geo_wake;   /* wakes the index thread to stop */
    int geo_stop, geo_started, geo_inited;
    atomic_llong units_generation; /* last seen value of meta units_generation */
    atomic_llong generation_checked_ms;

    /* cached bodies of units responses */
    pthread_mutex_t cache_lock;
    struct api_cache_entry *cache;
    int cache_size;
    uint64_t cache_clock;

    /* metrics: one row per route, then API_METRIC_EXTRA rows (metrics.c) */
    struct api_route_metrics *metrics;
    atomic_ullong audit_dropped;
    pthread_t warm_thread; /* renders the console's GeoJSON at start */
    int warm_started;
    atomic_int stopping; /* long renders and index builds give up when set */

    struct api_buckets *ratelimit;                   /* per API key; NULL when off */
    struct api_buckets *refused;                     /* audited refusals per anonymous address */
    struct api_buckets *report_addr, *report_device; /* citizen reports per address, device */
    atomic_ullong audit_suppressed; /* refusals over that budget: answered 429, not audited */

    /* worker.c: two threads with their own queues, so that a password check never waits
     * behind a GeoJSON render */
    struct api_worker *hasher;     /* argon2id checks and hashes */
    struct api_worker *renderer;   /* GeoJSON bodies not yet cached */
    atomic_ullong geojson_renders; /* bodies rendered since start */

    struct telemetry_ingest *ingest; /* the engine and its writer thread, or NULL */
    struct env_engine *env;          /* the AQI engine, or NULL */
    struct notify *notify;           /* the webhooks' delivery thread, or NULL */
    struct events_hub *events;       /* the live event stream's hub, or NULL */
    struct alerts *alerts;           /* the alert engine, or NULL (told of rule changes, acts) */
};

/* One request being handled; lives in the request's pool. */
struct api_ctx {
    struct api *api;
    struct net_req *req;
    struct api_thread *t;
    const struct api_route *route;
    struct auth_principal who;
    int via_cookie;
    const char *params[4]; /* decoded path parameters, in pattern order */
    int nparams;
    /* decoded query */
    const char *qk[16];
    const char *qv[16];
    int nq;
    json_t *body; /* parsed JSON body (owned; released when the request ends) */
};

/*
 * How a module of the API plugs in (docs/architecture.md): its file src/api/h_<module>.c defines
 *
 *   API_OPENAPI_FRAGMENT(api_openapi_<module>, "src/api/openapi/<module>.json");
 *   static const struct api_route routes[] = {API_ROUTE(...), ...};
 *   const struct api_module api_module_<module> = API_MODULE("<module>", routes,
 *                                                            api_openapi_<module>);
 *
 * and src/api/modules.c lists it once. The fragment is a JSON object {"paths": {...},
 * "components": {...}} describing exactly the module's routes (each operation's operationId is
 * its route name); api_openapi_assemble() refuses a document where that is not so.
 */
struct api_module {
    const char *name;               /* "units" */
    const struct api_route *routes; /* in lookup order: a pattern before a wider one */
    size_t nroutes;
    const char *openapi; /* NUL-terminated JSON text of its fragment */
    /* Optional: every error answered on a path starting with error_prefix (the router's 404 and
     * 405, refusals, a full writer's 503…) is rendered by error in the module's own format
     * (Open311's list of {code, description}) instead of the platform's (DESIGN.md §7). */
    const char *error_prefix;
    void (*error)(struct api_ctx *c, int status, const char *field, const char *message);
};

/* One route: method, pattern, name, AUTH_* need, its name in --routes, key scope or NULL,
 * JSON-body flag, handler. */
#define API_ROUTE(m, p, n, need, needname, scope, body, fn)                                        \
    {                                                                                              \
        {m, p, n, needname, scope}, need, body, fn                                                 \
    }
/* The same with a body limit of its own: max_body(cfg) bytes instead of http.max_body. */
#define API_ROUTE_BODY(m, p, n, need, needname, scope, body, fn, max_body)                         \
    {                                                                                              \
        {m, p, n, needname, scope}, need, body, fn, max_body                                       \
    }
#define API_MODULE(name, routes, openapi)                                                          \
    {                                                                                              \
        name, routes, sizeof routes / sizeof routes[0], openapi                                    \
    }
/* The same for a module whose paths answer errors in a format of their own (see error). */
#define API_MODULE_ERRORS(name, routes, openapi, prefix, error)                                    \
    {                                                                                              \
        name, routes, sizeof routes / sizeof routes[0], openapi, prefix, error                     \
    }
/* Embeds file (a path from the top of the source tree) as the NUL-terminated string sym. The
 * Makefile rebuilds the objects of src/api/ when a file of src/api/openapi/ changes. */
#define API_OPENAPI_FRAGMENT(sym, file)                                                            \
    __asm__(".section .rodata\n"                                                                   \
            ".global " #sym "\n" #sym ":\n"                                                        \
            ".incbin \"" file "\"\n"                                                               \
            ".byte 0\n"                                                                            \
            ".previous\n");                                                                        \
    extern const char sym[]

/* modules.c: the one registration list, in route lookup order. */
extern const struct api_module *const api_modules[];
extern const size_t api_modules_count;

/* routes.c: the route table built from api_modules (list order, then each module's order),
 * once, on first use. NULL with *n = 0 if it could not be allocated. */
const struct api_route *api_route_table(size_t *n);
int api_route_index(const struct api_route *r);
/* The module whose error_prefix starts path (as sent), or NULL: the platform's error format. */
const struct api_module *api_error_module(const char *path, size_t plen);
/* The route of method (HEAD as GET) and path (as sent, without the query), or NULL; allocates
 * nothing (a path over 2 KiB matches no route). For the body limit, chosen before the body is
 * read: the dispatcher finds the same route again with its parameters. */
const struct api_route *api_route_find(const char *method, size_t mlen, const char *path,
                                       size_t plen);
/* The body limit of a request: its route's max_body, or 0 (http.max_body) for a route without
 * one, an unknown route, or a path outside the API. net_app.body_limit. */
int64_t api_body_limit(void *app, const char *method, size_t mlen, const char *path, size_t plen);

/* h_reports.c: publishes a report's change (now durable) as a `report` event of agency_id on the
 * live stream, when the API has a hub. */
struct rep_change;
void api_report_event(struct api_ctx *c, const struct rep_change *ch, int64_t agency_id);
/* h_reports.c: inside the writer job of an act or a new report, its `report` event's webhook
 * deliveries (notify_enqueue_tx; the in_tx of rep_action and rep_created_in_tx). */
int api_report_in_tx(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                     const char *json, size_t n);

/* openapi.c */
/*
 * The OpenAPI document: base (a JSON object with empty "paths") plus the fragment of each of
 * the n modules, in order. Checks that no two modules describe the same path or component, and
 * that each module's fragment describes exactly its routes (method, pattern, operationId = route
 * name). On success *out is the document as text (free()) and *len its length; otherwise an
 * IOC_E* code and the reason in err.
 */
int api_openapi_assemble(const char *base, const struct api_module *const *mods, size_t n,
                         char **out, size_t *len, char *err, size_t err_size);
/* The base document of iocd: info, servers, security, shared components. */
extern const char api_openapi_base[];

/* target.c — pure parsers of the request target and body (fuzzed by fuzz/target, fuzz/json). */
/* 1 if path matches pattern; decoded {params} go to params (strings in buf). */
int api_pattern_match(const char *pattern, const char *path, size_t plen, char *buf, size_t cap,
                      const char **params, int max, int *nparams);
/* Splits and decodes a query string. IOC_EINVAL for bad escapes or non-UTF-8, IOC_ETOOBIG for
 * more than max parameters or a small buffer. */
int api_query_parse(const char *q, size_t n, char *buf, size_t cap, const char **keys,
                    const char **vals, int max, int *count);
/* 1 if a static path cannot leave the web root however it is encoded. */
int api_static_path_ok(const char *path, size_t n, char *buf, size_t cap);
/* The password of an HTTP Basic credential h[0..n) ("Basic " base64 of "user:password") into
 * out (NUL-terminated, cap bytes). 0, or IOC_EINVAL: not Basic, bad base64, no colon, a NUL, or
 * a password that does not fit. */
int api_basic_password(const char *h, size_t n, char *out, size_t cap);
/* An SSE event id v[0..n) (Last-Event-ID, or ?last_event_id=; v NULL: absent): 0 when absent,
 * 1 with *id, -1 when unreadable (the stream answers a reset). At most 19 digits. */
int api_event_id(const char *v, size_t n, uint64_t *id);
/* A JSON object from a request body, or NULL with the reason (line, column) in err. */
json_t *api_json_body_parse(const char *body, size_t n, char *err, size_t err_size);

/* respond.c — answers. Each sends the whole response. */
/* Error e of the table in base/errors.h (its status and code) with a formatted message. */
void api_error(struct api_ctx *c, enum ioc_http_error e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* invalid_field (422) naming the offending field. */
void api_error_field(struct api_ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sends j (stolen) as JSON with status. */
void api_json(struct api_ctx *c, int status, json_t *j);
/* The error of the table for an IOC_E* code from a module (internal for unknown codes). */
enum ioc_http_error api_error_of(int rc);
/* api_error(api_error_of(rc)) with the message "what: reason"; logs internal errors. */
void api_error_rc(struct api_ctx *c, int rc, const char *what);
/* Query parameters: NULL if absent. */
const char *api_query(struct api_ctx *c, const char *key);
/* Refuses (400) query keys not in the NULL-terminated list; returns 0 if all are known. */
int api_query_only(struct api_ctx *c, const char *const *known);
/* The `at` parameter or today's Vietnamese date, validated; writes out (11 bytes). 0 or -1 after
 * answering 400. */
int api_query_date(struct api_ctx *c, const char *key, char out[11]);
/* A string field of the JSON body: required (answers 422 and returns NULL when missing), max
 * length in bytes, NFC-normalised into the request pool. */
const char *api_body_str(struct api_ctx *c, const char *field, int required, size_t max);

/* Conditional writes of a resource whose ETag is its version "N" (stations, dashboards): the
 * store modules take the same numbers for their conditions. */
#define API_COND_ANY (-1)    /* no If-Match: no condition */
#define API_COND_EXISTS (-2) /* If-Match: * — the resource must exist */
#define API_COND_ABSENT (-3) /* If-None-Match: * — create only */
/* If-Match: API_COND_ANY when absent, _EXISTS for "*", the version of "N" (or W/"N"); a tag that
 * is no version of ours never holds (INT64_MAX). */
int64_t api_if_match(struct api_ctx *c);
/* A PUT's condition: If-None-Match: * as API_COND_ABSENT, else api_if_match's; -1 after
 * answering 400 for both headers or another If-None-Match. */
int api_put_condition(struct api_ctx *c, int64_t *cond);

/*
 * Runs job on the storage writer; when it is durable, respond(c, arg, rc) runs on the loop
 * thread. If the writer cannot take it, answers 503 and neither runs.
 */
void api_write(struct api_ctx *c, store_job_fn job, void *arg,
               void (*respond)(struct api_ctx *c, void *arg, int rc));
/* Fills an audit row's who/where/request fields from c. */
void api_audit_fill(struct api_ctx *c, struct store_audit *a, const char *action,
                    const char *target, const char *outcome);
/* Queues an audit row on its own (for refused writes); dropped (and counted) if the writer is
 * full. */
void api_audit_async(struct api_ctx *c, const char *action, const char *target, const char *outcome,
                     const char *detail);

/* sheetsend.c: table t (owned from here; rc non-zero: it could not be made, answered as an
 * error) sent as CSV at once, or (xlsx) as "FILENAME.xlsx" written on the render worker. */
struct sheet_table;
void api_send_sheet(struct api_ctx *c, struct sheet_table *t, int rc, int xlsx,
                    const char *filename);

/* indvalue_out.c: what h_indvalues.c and h_indunits.c share. api_ind_load: the indicator code
 * into *ind (and its stored row into *x when not NULL); 0, or -1 after answering (404, or the
 * store's error). api_ind_format: the format parameter, 0 json (absent), 1 csv, 2 xlsx; -1
 * after answering 400. api_ind_text: a rolled value as text (value, and num and den for a
 * ratio, "" when not shown; approximate "true"/"false", reason "" when there is a value, the
 * light's name). api_ind_json_set: its fields set on o (approximate, inputs, light, value, num
 * and den when shown, reason when none). api_ind_cells: its 6 table cells, value to light. */
struct ind_indicator;
struct ind_rolled;
struct store_indicator;
struct sheet_cell;
struct api_ind_text {
    char value[32], num[32], den[32];
    const char *approximate, *reason, *light;
};
int api_ind_load(struct api_ctx *c, struct store_conn *db, const char *code,
                 struct ind_indicator *ind, struct store_indicator *x);
int api_ind_format(struct api_ctx *c);
void api_ind_text(const struct ind_indicator *ind, const struct ind_rolled *x,
                  struct api_ind_text *t);
void api_ind_json_set(json_t *o, const struct ind_indicator *ind, const struct ind_rolled *x);
void api_ind_cells(const struct api_ind_text *t, const struct ind_rolled *x,
                   struct sheet_cell *cell);

/* ratelimit.c */
int api_ratelimit_create(struct api *a);
void api_ratelimit_destroy(struct api *a);
/* 1 if key_id may make a request now; 0 with *retry_after_s when over its rate. */
int api_ratelimit_allow(struct api *a, int64_t key_id, int64_t now_ms, int *retry_after_s);
/* 1 if a citizen report may be submitted now from the caller's address and device (device_id,
 * NULL or "": none), [reports] post_*; 0 with *retry_after_s and *which ("address" or
 * "device_id") when over a rate. */
int api_report_post_allow(struct api_ctx *c, const char *device_id, int *retry_after_s,
                          const char **which);
/* The audit row of an anonymous caller's refused request, within the budget of its address
 * (limits.refused_*): 0 when queued (as api_audit_async, outcome "denied"); IOC_EBUSY when over
 * it — no row, counted in ioc_audit_suppressed_total, *retry_after_s set (if not NULL). */
int api_audit_refused(struct api_ctx *c, const char *action, const char *target, const char *detail,
                      int *retry_after_s);

/* worker.c */
struct api_worker;
/* Starts the hashing and the rendering workers (a->hasher, a->renderer). */
int api_worker_start(struct api *a);
/* Stops both: each finishes its queue first. Safe when not started. */
void api_worker_stop(struct api *a);
/*
 * Runs fn(db, arg) on worker w (db: its read connection), then then(c, arg) on the request's
 * loop. When w cannot take the job it answers itself and runs neither: 503 with Retry-After when
 * its queue is full, 429 with Retry-After when the caller's address already has the most jobs
 * queued or running that w allows one address.
 */
void api_worker_offload(struct api_ctx *c, struct api_worker *w,
                        void (*fn)(struct store_conn *db, void *arg), void *arg,
                        void (*then)(struct api_ctx *c, void *arg));
/* api_worker_offload on the hashing worker. */
void api_offload(struct api_ctx *c, void (*fn)(struct store_conn *db, void *arg), void *arg,
                 void (*then)(struct api_ctx *c, void *arg));
/* Jobs queued (not yet running) on w, for /metrics. */
int api_worker_queued(struct api_worker *w);

/* api.c: sets a->units_generation from the store (store_units_generation); a stored value that
 * is not a generation is logged and leaves the value as it was. */
void api_units_generation_read(struct api *a, struct store_conn *db);

/* cache.c */
/* Refreshes api->units_generation from the store at most once a second. */
int64_t api_units_generation(struct api_ctx *c);
/* A cached body for key at the current generation (reference for the caller) or NULL; its
 * ETag (a quoted string) into etag when not NULL. */
struct net_shared *api_cache_get(struct api *a, const char *key, int64_t generation, char etag[40]);
/* Stores body (the cache takes its own reference) and computes its ETag. */
void api_cache_put(struct api *a, const char *key, int64_t generation, struct net_shared *body);
/* The same, in the small pinned area (API_CACHE_PINNED entries) that only other pinned bodies
 * can evict: for the boundaries the console loads first. */
void api_cache_put_pinned(struct api *a, const char *key, int64_t generation,
                          struct net_shared *body);
/* Sends a cached body with its ETag and Cache-Control: no-cache, or 304 when the client's
 * If-None-Match lists that ETag (weak or strong) or is "*". Drops the caller's reference. */
void api_send_cached(struct api_ctx *c, const char *key, struct net_shared *body, const char *type);
/* 1 if the If-None-Match value p[0..n) (outside bytes, not NUL-terminated) names etag: a
 * comma-separated list of entity tags, weak (W/"…") or strong, or "*", compared weakly
 * (RFC 9110 13.1.2); 0 otherwise. Fuzzed by fuzz/etag. */
int api_etag_listed(const char *p, size_t n, const char *etag);
void api_cache_free(struct api *a);

/* pointindex.c — the point index (see the essay there). */
/* Starts the index thread, which builds the first index at once. */
int api_geo_start(struct api *a);
/* Stops the index thread and frees every index. Only when no loop runs any more; safe when
 * not started. */
void api_geo_stop(struct api *a);
/* The published point index into *out, held for this loop until api_geo_release(c); never
 * waits. IOC_EBUSY while the first index is being built, IOC_EIO when its build failed (it is
 * retried), IOC_ENOMEM; nothing is held then. */
int api_geo_acquire(struct api_ctx *c, const struct geo_index **out);
/* Ends this request's use of the index it acquired. */
void api_geo_release(struct api_ctx *c);

/* h_units.c: the GeoJSON body of (level, at, simplify) for generation gen, from the cache or
 * rendered and cached; a reference for the caller, or NULL with *rc set. */
struct net_shared *api_geojson_render(struct api *a, struct store_conn *db, const char *level,
                                      const char *at, int simplify, int64_t gen, int *rc);

/* h_telemetry.c */
/* "float", "integer", "unsigned", "boolean", "string". */
const char *api_tsdb_type_name(enum tsdb_type t);
/* Inflates the gzip stream in[0..n) into *out (malloc, *out_n bytes). IOC_ETOOBIG past max
 * bytes inflated, IOC_EINVAL for a damaged or truncated stream, IOC_ENOMEM. */
int api_gunzip(const char *in, size_t n, size_t max, char **out, size_t *out_n);
/* The value of key in an application/x-www-form-urlencoded body, or NULL. */
const char *api_form_value(struct api_ctx *c, const char *body, size_t n, const char *key);

/* h_telemetry_read.c: GET /api/v1/query, /api/v1/latest, /api/v1/series. */
void h_telemetry_query(struct api_ctx *c);
void h_telemetry_latest(struct api_ctx *c);
void h_telemetry_series(struct api_ctx *c);
/* Splits "V1,V2" into the pool as the values of filter f of key k (as tag.K=V1,V2 of the
 * query). 0 or -1 (out of memory). */
int api_tag_filter_add(struct api_ctx *c, struct tsdb_tag_filter *f, const char *k, const char *v);

/* h_telemetry_stream.c: GET /api/v1/stream (Server-Sent Events). */
void h_telemetry_stream(struct api_ctx *c);

/* metrics.c */
void api_metrics_done(void *app, const struct net_req_info *info);
void api_metrics_render(struct api_ctx *c);

/* h_session.c: starts a password change (current NULL: an admin's reset) and answers it. */
void api_passwd_start(struct api_ctx *c, const char *username, const char *current,
                      const char *next);

/* h_system.c: for GET or HEAD "/": answers 503 with a page saying how to build the console when
 * the web root has no index.html, and returns 1; returns 0 (nothing sent) otherwise. */
int h_console_missing(struct api_ctx *c);

/* open311_out.c — Open311 answers (h_open311.c). */
/* Sends j (stolen): JSON as is, or XML under the element root (docs/reports.md). */
void o311_send(struct api_ctx *c, int status, int xml, const char *root, json_t *j);
/* Open311's error list, each description "param: why" (or why alone). */
struct o311_error {
    const char *param;
    const char *why;
};
void o311_errors(struct api_ctx *c, int xml, int status, const struct o311_error *e, size_t n);
void o311_error(struct api_ctx *c, int xml, int status, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The platform's errors on an Open311 path (the router's 404 and 405, a key over its rate, a
 * full writer's 503…) in Open311's format: XML when the path ends in .xml (api_module.error). */
void o311_api_error(struct api_ctx *c, int status, const char *field, const char *message);
/* A string, or null for NULL or ""; an ISO 8601 time (+07:00), or null for ms <= 0. */
json_t *o311_str_or_null(const char *s);
/* 1 if a report may be submitted now (api_report_post_allow); else 0 after answering 429 with
 * Retry-After in Open311's error format, naming address or device_id. */
int o311_post_allowed(struct api_ctx *c, int xml, const char *device_id);
json_t *o311_time_or_null(int64_t ms);
/* The public view of a request (Open311's request object): exactly rep_public_fields, in order;
 * never the reporter's personal fields. */
struct store_rep_request;
json_t *o311_request_json(const struct store_rep_request *r);
/* extensions=true: {detailed_status, duplicate_of, notes[] of the public notes}; NULL on a store
 * failure. */
json_t *o311_extended(struct store_conn *db, const struct store_rep_request *r);
/* The request object, with extended_attributes when ext; NULL on a store failure. */
json_t *o311_request_out(struct api_ctx *c, const struct store_rep_request *r, int ext);
/* The nearby duplicates of a new request r (docs/reports.md): [{service_request_id,
 * distance_m, detailed_status, requested_datetime}], nearest first; NULL on a store failure. */
json_t *o311_nearby(struct store_conn *db, const struct store_rep_request *r, int64_t now_ms);

/* open311_media.c — POST requests as multipart/form-data with photos (h_open311.c). */
struct o311_media;
struct rep_form;
/* 1 if the Content-Type is multipart/form-data. */
int o311_media_is_multipart(const char *ct, size_t n);
/* The most bytes the photos of one request add to its body limit. */
int64_t o311_media_max_body(const struct ioc_config *cfg);
/* The form of a multipart body (held by the request) with the photos processed and stored;
 * *m says what they gave. NULL after answering 400, 413 or 500. */
struct rep_form *o311_media_form(struct api_ctx *c, int xml, const char *ct, size_t ctn,
                                 struct o311_media **m);
/* Appends to notice that the position came from a photo's GPS, if it did. */
void o311_media_notice(const struct o311_media *m, char *notice, size_t size);
/* Sets media_url (the first photo) and, with ext, media_urls on the answer's object. */
void o311_media_answer(const struct o311_media *m, int ext, json_t *obj);
/* Links m's photos to the new request id, in order (the POST's job, in its transaction). */
int o311_media_link(struct store_conn *w, const struct o311_media *m, int64_t id);
/* The photos of request id, in order: absolute URLs (the request's scheme://host) for Open311,
 * or, staff, objects {url, thumbnail_url} with paths of this server; NULL on a store failure. */
json_t *o311_media_urls(struct api_ctx *c, int64_t id, int staff);

#endif
