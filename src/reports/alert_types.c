/*
 * alert_types.c — the reports' alert rule type, registered through src/alerts's type interface
 * (docs/alerts.md "Types"); src/alerts knows nothing of reports.
 *
 *   report_overdue  target {"service_code": CODE, "agency": CODE, "unit": CODE}, each optional
 *                   (absent: every one); params {}: active for a report while it is open
 *                   (received, assigned, in_progress) past its deadline; inactive once it is
 *                   answered or closed (or its deadline moves). Target key "report:ID", the
 *                   place the report's point.
 *
 * It is fed by the `report` signals (rep_alert_signal, sent once a transition is durable: the
 * JSON of rep_alert_json, which carries the deadline) and by the tick for deadlines passing. A
 * rule's state learns the open reports once, on its first evaluation, from one read of the
 * store (rep_alert_open_each) — so a rule made later knows them too; nothing polls.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "base/errors.h"
#include "reports/reports.h"
#include "store/store.h"

/* ---- the signal's JSON ---------------------------------------------------------------------- */

char *rep_alert_json(const struct store_rep_request *r, size_t *n)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "service_code", json_string(r->service_code ? r->service_code : ""));
    json_object_set_new(o, "service_name", json_string(r->service_name ? r->service_name : ""));
    json_object_set_new(o, "state", json_string(r->state ? r->state : ""));
    json_object_set_new(o, "expected_ms", json_integer(r->expected_ms));
    json_object_set_new(o, "lat", r->has_point ? json_real(r->lat) : json_null());
    json_object_set_new(o, "lon", r->has_point ? json_real(r->lon) : json_null());
    json_object_set_new(o, "agency", json_string(r->agency_code ? r->agency_code : ""));
    json_object_set_new(o, "unit", json_string(r->unit_code ? r->unit_code : ""));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (s && n)
        *n = strlen(s);
    return s;
}

void rep_alert_signal(struct alerts *a, struct store_conn *c, int64_t id)
{
    if (!a || !c)
        return;
    struct store_rep_request r;
    if (store_rep_request_get(c, id, &r) != 0) {
        ioc_log(IOC_LOG_WARN, "reports: report %lld not signalled to the alerts", (long long)id);
        return;
    }
    size_t n = 0;
    char *s = rep_alert_json(&r, &n);
    if (s)
        alerts_signal(a, "report", s, n);
    free(s);
    store_rep_request_clear(&r);
}

int rep_alert_open_each(struct store_conn *c, void (*each)(void *ctx, const char *json), void *ctx)
{
    struct store_rep_query q = {.from_ms = INT64_MIN, .to_ms = INT64_MAX, .want_open = 1};
    struct store_rep_request *r = NULL;
    size_t n = 0;
    int rc = store_rep_requests_find(c, &q, &r, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!r[i].expected_ms)
            continue;
        char *s = rep_alert_json(&r[i], NULL);
        if (!s)
            rc = IOC_ENOMEM;
        else
            each(ctx, s);
        free(s);
    }
    store_rep_requests_free(r, n);
    return rc;
}

/* dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh (UTC+7 all year). */
void rep_alert_time(int64_t ms, char out[20])
{
    time_t t = (time_t)((ms >= 0 ? ms : ms - 999) / 1000) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 20, "%02u/%02u/%04u %02u:%02u", (unsigned)tm.tm_mday % 100u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

/* ---- the type ------------------------------------------------------------------------------ */

static struct store *rep_store; /* where a rule's state learns the open reports */

struct tracked {
    int64_t id, expected_ms;
    double lat, lon;
    int active; /* reported active (overdue) */
    char service[REP_CODE_MAX + 1];
    char unit[16]; /* the report's commune */
    char name[256];
};

struct overdue {
    char service[REP_CODE_MAX + 1], agency[65], unit[16]; /* "": any */
    int loaded;
    struct tracked *v;
    size_t n, cap;
};

static int opt_code(const json_t *target, const char *name, char *dst, size_t size, char *err,
                    size_t errsz, const char **field, const char *fieldname)
{
    json_t *x = json_object_get(target, name);
    if (!x || json_is_null(x))
        return 0;
    const char *s = json_string_value(x);
    if (!s || !*s || strlen(s) >= size || !rep_code_valid(s)) {
        snprintf(err, errsz, "'target.%s' is a code (at most %zu characters), or absent for all.",
                 name, size - 1);
        *field = fieldname;
        return IOC_EINVAL;
    }
    snprintf(dst, size, "%s", s);
    return 0;
}

static int overdue_compile(const json_t *target, const json_t *params, void **state, char *err,
                           size_t errsz, const char **field)
{
    struct overdue r = {0};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)target, k, v)
    {
        if (strcmp(k, "service_code") && strcmp(k, "agency") && strcmp(k, "unit")) {
            snprintf(err, errsz, "Unknown field 'target.%.40s' (service_code, agency, unit).", k);
            *field = "target";
            return IOC_EINVAL;
        }
    }
    if (json_object_size(params)) {
        snprintf(err, errsz, "'params' is empty for report_overdue.");
        *field = "params";
        return IOC_EINVAL;
    }
    int rc = opt_code(target, "service_code", r.service, sizeof r.service, err, errsz, field,
                      "target.service_code");
    if (!rc)
        rc = opt_code(target, "agency", r.agency, sizeof r.agency, err, errsz, field,
                      "target.agency");
    if (!rc)
        rc = opt_code(target, "unit", r.unit, sizeof r.unit, err, errsz, field, "target.unit");
    if (rc)
        return rc;
    struct overdue *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = r;
    *state = p;
    return 0;
}

static void overdue_release(void *state)
{
    struct overdue *r = state;
    if (r)
        free(r->v);
    free(r);
}

static void condition(struct tracked *t, int active, struct alerts_out *out)
{
    char key[48], due[20], vi[400], en[400];
    snprintf(key, sizeof key, "report:%lld", (long long)t->id);
    rep_alert_time(t->expected_ms, due);
    const char *name = t->name[0] ? t->name : t->service;
    if (active) {
        snprintf(vi, sizeof vi, "Phản ánh %lld (%s) quá hạn xử lý %s", (long long)t->id, name, due);
        snprintf(en, sizeof en, "Report %lld (%s) is past its deadline %s", (long long)t->id, name,
                 due);
    } else {
        snprintf(vi, sizeof vi, "Phản ánh %lld (%s) đã được xử lý", (long long)t->id, name);
        snprintf(en, sizeof en, "Report %lld (%s) was handled", (long long)t->id, name);
    }
    t->active = active;
    alerts_out_condition(out, key, active, NAN, t->lat, t->lon, vi, en);
    alerts_out_unit(out, t->unit);
}

static const char *str_of(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void learn(struct overdue *r, const char *json, int64_t now_ms, struct alerts_out *out)
{
    json_t *o = json_loads(json, 0, NULL);
    json_t *idj = json_object_get(o, "id");
    if (!json_is_integer(idj)) {
        json_decref(o);
        return;
    }
    int64_t id = json_integer_value(idj);
    int64_t due = json_integer_value(json_object_get(o, "expected_ms"));
    const char *svc = str_of(o, "service_code");
    int open = strcmp(rep_status_of(str_of(o, "state")) ? rep_status_of(str_of(o, "state")) : "",
                      "open") == 0;
    int mine = (!r->service[0] || strcmp(r->service, svc) == 0) &&
               (!r->agency[0] || strcmp(r->agency, str_of(o, "agency")) == 0) &&
               (!r->unit[0] || strcmp(r->unit, str_of(o, "unit")) == 0);
    size_t i = 0;
    while (i < r->n && r->v[i].id != id)
        i++;
    if (!open || !mine || due <= 0) { /* no longer watched: an alert it had resolves */
        struct tracked t = {.id = id, .expected_ms = due, .lat = NAN, .lon = NAN};
        snprintf(t.service, sizeof t.service, "%s", svc);
        snprintf(t.name, sizeof t.name, "%s", str_of(o, "service_name"));
        snprintf(t.unit, sizeof t.unit, "%s", str_of(o, "unit"));
        condition(i < r->n ? &r->v[i] : &t, 0, out);
        if (i < r->n)
            r->v[i] = r->v[--r->n];
        json_decref(o);
        return;
    }
    if (i == r->n) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            struct tracked *nv = realloc(r->v, cap * sizeof *nv);
            if (!nv) {
                json_decref(o);
                return;
            }
            r->v = nv;
            r->cap = cap;
        }
        r->v[r->n++] = (struct tracked){.id = id};
    }
    struct tracked *t = &r->v[i];
    t->expected_ms = due;
    json_t *la = json_object_get(o, "lat"), *lo = json_object_get(o, "lon");
    t->lat = json_is_number(la) ? json_number_value(la) : NAN;
    t->lon = json_is_number(lo) ? json_number_value(lo) : NAN;
    snprintf(t->service, sizeof t->service, "%s", svc);
    snprintf(t->name, sizeof t->name, "%s", str_of(o, "service_name"));
    snprintf(t->unit, sizeof t->unit, "%s", str_of(o, "unit"));
    /* open: overdue now or not (a deadline moved later clears it) */
    condition(t, now_ms >= due, out);
    json_decref(o);
}

struct load_ctx {
    struct overdue *r;
    int64_t now_ms;
    struct alerts_out *out;
};

static void load_one(void *ctx, const char *json)
{
    struct load_ctx *l = ctx;
    learn(l->r, json, l->now_ms, l->out);
}

/* The first evaluation: the open reports with deadlines, from one read of the store. */
static void load(struct overdue *r, int64_t now_ms, struct alerts_out *out)
{
    if (r->loaded)
        return;
    r->loaded = 1;
    struct store_conn *c = NULL;
    struct load_ctx l = {r, now_ms, out};
    int rc = rep_store ? store_conn_open(rep_store, 1, &c) : 0;
    if (rc == 0 && c)
        rc = rep_alert_open_each(c, load_one, &l);
    store_conn_close(c);
    if (rc)
        ioc_log(IOC_LOG_WARN, "report_overdue: the open reports could not be read (%s)",
                ioc_strerror(rc));
}

static void overdue_tick(void *state, int64_t now_ms, struct alerts_out *out)
{
    struct overdue *r = state;
    load(r, now_ms, out);
    for (size_t i = 0; i < r->n; i++)
        if (!r->v[i].active && now_ms >= r->v[i].expected_ms)
            condition(&r->v[i], 1, out);
}

static void overdue_signal(void *state, const char *source, const char *json, int64_t now_ms,
                           struct alerts_out *out)
{
    struct overdue *r = state;
    if (strcmp(source, "report") != 0)
        return;
    load(r, now_ms, out);
    learn(r, json, now_ms, out);
}

const struct alerts_type rep_alert_type_overdue = {
    "report_overdue", overdue_compile, overdue_release, NULL, overdue_tick, overdue_signal};

int rep_alert_types_register(struct alerts *a, struct store *st)
{
    if (st) /* a registry that only checks rules (iocctl, the demo) leaves iocd's store */
        rep_store = st;
    return alerts_register_type(a, &rep_alert_type_overdue);
}
