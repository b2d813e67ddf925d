/*
 * workflow.c — the citizen reports' workflow (reports.h, docs/reports.md "The workflow"): the
 * transition table, who may act on which report, overdue, the citizen's reopen and rating with
 * their token, the distance of the nearby duplicates, and the store job that checks and writes
 * one act inside the writer's transaction.
 */
#include "reports/reports.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

/* ---- settings ---------------------------------------------------------------------------- */

#define OFF(f) offsetof(struct rep_settings, f)
static const struct config_setting rows[] = {
    {"reports", "reopen_days", CONFIG_I64, OFF(reopen_days), "7", 0, 365,
     "Days after a citizen report was answered (resolved, rejected or duplicate) during which "
     "the citizen may reopen it with the token given at submission; 0: never."},
    {"reports", "max_photo_bytes", CONFIG_I64, OFF(max_photo_bytes), "8388608", 1024,
     (int64_t)64 << 20,
     "Largest photo (JPEG, PNG or WebP) a citizen report may carry, in bytes; a larger one is "
     "refused with 413 naming the file. Photos are stored re-encoded without their metadata."},
    {"reports", "max_photos", CONFIG_I64, OFF(max_photos), "5", 0, 20,
     "Most photos in one citizen report (multipart media parts); 0 refuses photos."},
    {"reports", "media_base_url", CONFIG_STR, OFF(media_base_url), "", 0, 0,
     "Start of the photos' URLs (media_url, media_urls), http(s)://host[:port][/path], e.g. "
     "https://ioc.example.gov.vn behind a proxy. Empty: the URLs are the paths /media/HASH.jpg, "
     "relative to the server; the request's Host header is never used. An invalid value counts "
     "as empty."},
    {"reports", "post_per_hour_per_address", CONFIG_I64, OFF(post_per_hour_per_address), "120", 0,
     1000000,
     "Citizen reports one client address may submit per hour (POST /open311/v2/requests), "
     "after post_burst_per_address at once; over it: 429 with Retry-After. Generous because "
     "many phones share one address behind a carrier's NAT; 0: no limit."},
    {"reports", "post_burst_per_address", CONFIG_I64, OFF(post_burst_per_address), "20", 1, 1000000,
     "Citizen reports one client address may submit at once before its hourly rate."},
    {"reports", "post_per_hour_per_device", CONFIG_I64, OFF(post_per_hour_per_device), "20", 0,
     1000000,
     "Citizen reports one device (the device_id an app sends) may submit per hour, after "
     "post_burst_per_device at once; over it: 429 with Retry-After; 0: no limit."},
    {"reports", "post_burst_per_device", CONFIG_I64, OFF(post_burst_per_device), "5", 1, 1000000,
     "Citizen reports one device may submit at once before its hourly rate."},
};
const struct config_module config_module_reports =
    CONFIG_MODULE("reports", struct rep_settings, rows);

const struct rep_settings *rep_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_reports);
}

/* ---- the transition table ---------------------------------------------------------------- */

static const struct {
    const char *from;
    const char *to[6];
} table[] = {
    {"received", {"assigned", "in_progress", "resolved", "rejected", "duplicate", NULL}},
    {"assigned", {"assigned", "in_progress", "resolved", "rejected", "duplicate", NULL}},
    {"in_progress", {"assigned", "resolved", "rejected", "duplicate", NULL}},
    {"resolved", {"in_progress", "closed", NULL}},
    {"rejected", {"closed", NULL}},
    {"duplicate", {"closed", NULL}},
    {"closed", {NULL}},
};

int rep_transition_allowed(const char *from, const char *to)
{
    for (size_t i = 0; from && to && i < IOC_ARRAY_LEN(table); i++) {
        if (strcmp(table[i].from, from) != 0)
            continue;
        for (size_t k = 0; table[i].to[k]; k++)
            if (strcmp(table[i].to[k], to) == 0)
                return 1;
        return 0;
    }
    return 0;
}

int rep_state_is_answer(const char *s)
{
    return s && (strcmp(s, "resolved") == 0 || strcmp(s, "rejected") == 0 ||
                 strcmp(s, "duplicate") == 0);
}

/* ---- who may act ------------------------------------------------------------------------- */

static int centre(const struct auth_principal *p)
{
    return p->kind == AUTH_USER && (p->role == AUTH_ROLE_ADMIN || p->role == AUTH_ROLE_OPERATOR);
}

int rep_access(const struct auth_principal *p, int64_t agency_id, int write)
{
    if (!p || p->kind == AUTH_ANON)
        return IOC_ENOTFOUND;
    if (centre(p))
        return 0;
    if (p->kind == AUTH_USER && p->role == AUTH_ROLE_LEADER)
        return write ? IOC_EPERM : 0;
    if (p->kind == AUTH_KEY && write)
        return IOC_EPERM;
    /* staff and agency keys: their own agency only (the triage queue is no agency's) */
    return agency_id > 0 ? auth_agency_allowed(p, agency_id, write) : IOC_EPERM;
}

int rep_sees_personal(const struct auth_principal *p, int64_t agency_id)
{
    if (!p)
        return 0;
    if (centre(p))
        return 1;
    return p->kind == AUTH_USER && p->role == AUTH_ROLE_STAFF && agency_id > 0 &&
           p->agency_id == agency_id;
}

int rep_reads_all(const struct auth_principal *p)
{
    return p && p->kind == AUTH_USER && p->role >= AUTH_ROLE_OPERATOR;
}

int rep_may_reassign(const struct auth_principal *p)
{
    return p && centre(p);
}

/* ---- time rules, rating, tokens, distance ------------------------------------------------ */

int rep_overdue(const char *state, int64_t expected_ms, int64_t now_ms)
{
    const char *st = rep_status_of(state);
    return st && strcmp(st, "open") == 0 && expected_ms > 0 && expected_ms < now_ms;
}

int rep_reopen_check(const char *state, int64_t resolved_ms, int64_t now_ms, int64_t window_days)
{
    if (!state || (strcmp(state, "resolved") != 0 && strcmp(state, "closed") != 0))
        return REP_REOPEN_STATE;
    if (resolved_ms <= 0 || now_ms - resolved_ms > window_days * 86400000LL)
        return REP_REOPEN_LATE;
    return 0;
}

const char *rep_reopen_state(int64_t agency_id)
{
    return agency_id > 0 ? "assigned" : "received";
}

size_t rep_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int rep_rating_check(const char *state, int64_t rated, int64_t rating, const char *comment)
{
    const char *st = rep_status_of(state);
    if (!st || strcmp(st, "closed") != 0)
        return REP_RATE_STATE;
    if (rated > 0)
        return REP_RATE_AGAIN;
    if (rating < 1 || rating > 5)
        return REP_RATE_VALUE;
    if (comment && rep_chars(comment) > REP_COMMENT_MAX)
        return REP_RATE_VALUE;
    return 0;
}

void rep_token_new(char out[65])
{
    auth_token_new(out);
}

void rep_token_hash(const char *token, char out[65])
{
    auth_token_hash(token, out);
}

int rep_token_shaped(const char *s)
{
    return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

#define EARTH_M 6371008.8
#define RAD(d) ((d)*3.14159265358979323846 / 180.0)

double rep_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = RAD(lat2 - lat1), dlon = RAD(lon2 - lon1);
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(RAD(lat1)) * cos(RAD(lat2)) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_M * asin(sqrt(a < 1 ? a : 1));
}

void rep_bbox(double lat, double lon, double m, double *lat0, double *lat1, double *lon0,
              double *lon1)
{
    /* a little wider than m, so the haversine decides the edge */
    double dlat = m * 1.01 / (EARTH_M * 3.14159265358979323846 / 180.0);
    double c = cos(RAD(lat));
    double dlon = c > 1e-6 ? dlat / c : 180.0;
    *lat0 = lat - dlat;
    *lat1 = lat + dlat;
    *lon0 = lon - dlon;
    *lon1 = lon + dlon;
}

/* ---- the live stream's `report` event ---- */

static void str_or_null(struct ioc_buf *b, const char *s)
{
    if (s && *s)
        ioc_buf_json_str(b, s, (size_t)-1);
    else
        ioc_buf_puts(b, "null");
}

void rep_change_json(const struct rep_change *c, struct ioc_buf *b)
{
    char at[32];
    ioc_time_rfc3339(c->at_ms, at);
    ioc_buf_printf(b, "{\"id\":%lld,\"service_code\":", (long long)c->id);
    str_or_null(b, c->service_code);
    ioc_buf_puts(b, ",\"state\":");
    str_or_null(b, c->state);
    ioc_buf_puts(b, ",\"previous\":");
    str_or_null(b, c->previous);
    ioc_buf_puts(b, ",\"agency\":");
    str_or_null(b, c->agency);
    ioc_buf_puts(b, ",\"unit\":");
    str_or_null(b, c->unit);
    ioc_buf_printf(b, ",\"at\":\"%s\",\"by\":", at);
    str_or_null(b, c->by);
    ioc_buf_putc(b, '}');
}

void rep_action_change(const struct rep_action *a, struct rep_change *out)
{
    *out = (struct rep_change){a->id,          a->service_code, a->state,  a->from,
                               a->agency_code, a->unit_code,    a->now_ms, a->actor};
}

void rep_request_change(const struct store_rep_request *r, const char *by, struct rep_change *out)
{
    *out = (struct rep_change){r->id,          r->service_code, r->state,        NULL,
                               r->agency_code, r->unit_code,    r->requested_ms, by};
}

int rep_created_in_tx(struct store_conn *w, int64_t id, const char *by,
                      int (*in_tx)(void *ctx, struct store_conn *w, const char *type,
                                   int64_t agency_id, const char *json, size_t n),
                      void *ctx)
{
    struct store_rep_request r;
    int rc = store_rep_request_get(w, id, &r);
    if (rc)
        return rc;
    struct rep_change ch;
    rep_request_change(&r, by, &ch);
    struct ioc_buf b;
    ioc_buf_init(&b, 16384);
    rep_change_json(&ch, &b);
    rc = b.data ? in_tx(ctx, w, "report", r.agency_id, b.data, b.len) : IOC_ENOMEM;
    ioc_buf_free(&b);
    store_rep_request_clear(&r);
    return rc;
}
