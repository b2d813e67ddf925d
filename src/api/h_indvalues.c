/* h_indvalues.c — the values of the indicators: a batch posted (all or nothing, through the
 * writer, one audit row), values read for a unit and a range of periods rolled up to a
 * frequency (JSON or CSV), one value's revisions, and periods closed and re-opened by admins.
 * The rules are src/indicators' (values.c: who and what; rollup.c: the roll-up); a value's text,
 * JSON and cells are indvalue_out.c's, shared with h_indunits.c. */
#include "api/api_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"
#include "sheet/sheet.h"

API_OPENAPI_FRAGMENT(api_openapi_indvalues, "src/api/openapi/indvalues.json");

#define PROBLEMS_MAX 100
#define NOTE_MAX 1000
#define BYTES_PER_VALUE 256
#define PERIODS_MAX 1000

static int max_values(const struct ioc_config *cfg)
{
    const struct ind_settings *s = config_module_get(cfg, &config_module_indicators);
    return s ? s->max_values_per_request : 10000;
}

static int64_t post_max_body(const struct ioc_config *cfg)
{
    return (int64_t)max_values(cfg) * BYTES_PER_VALUE + 4096;
}

/* ---- POST: a batch of values ------------------------------------------------------------- */

struct problem {
    size_t index;
    struct ind_value_problem pb;
};

struct post {
    struct ind_indicator ind;
    char unit[64]; /* what the caller may write under; "" any */
    struct ind_value_in *in;
    size_t n;
    const char *note, *source;
    struct store_audit who;
    char target[96], detail[160];
    int64_t added, revised, unchanged;
    struct problem problems[PROBLEMS_MAX];
    size_t nproblems, total_problems;
    size_t pre, pre_total; /* the problems found on the loop (bad[i]: value i has one) */
    unsigned char *bad;
    struct ind_value_memo *memo; /* zeroed at the start of the job */
    const char *code;            /* the indicator's */
    struct ioc_buf signals;      /* the alert signals of the values added or revised */
};

static int by_index(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void add_problem(struct post *p, size_t i, const struct ind_value_problem *pb)
{
    if (p->nproblems < PROBLEMS_MAX)
        p->problems[p->nproblems++] = (struct problem){i, *pb};
    p->total_problems++;
}

/* Checks every value, storing each while none failed; any problem undoes the whole job. */
static int post_job(struct store_conn *w, void *arg)
{
    struct post *p = arg;
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    memset(p->memo, 0, sizeof *p->memo);
    ioc_buf_free(&p->signals); /* a retried job starts again */
    ioc_buf_init(&p->signals, 0);
    p->added = p->revised = p->unchanged = 0;
    p->nproblems = p->pre;
    p->total_problems = p->pre_total;
    for (size_t i = 0; i < p->n; i++) {
        if (p->bad[i])
            continue;
        struct store_indvalue v;
        struct ind_value_problem pb;
        int rc = ind_value_check_memo(w, &p->ind, p->unit, &p->in[i], &v, &pb, p->memo);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            add_problem(p, i, &pb);
            continue;
        }
        if (p->total_problems)
            continue;
        v.source = (char *)p->source;
        v.who = (char *)p->who.actor;
        v.at = now;
        v.note = (char *)p->note;
        enum store_iv_outcome o;
        if ((rc = store_indvalue_put(w, &v, &o)) != 0)
            return rc;
        if (o != STORE_IV_UNCHANGED &&
            (rc = ind_alert_json(p->code, p->in[i].unit, &p->ind, &v, &p->signals)) != 0)
            return rc;
        *(o == STORE_IV_ADDED     ? &p->added
          : o == STORE_IV_REVISED ? &p->revised
                                  : &p->unchanged) += 1;
    }
    if (p->total_problems)
        return IOC_EINVAL;
    snprintf(p->detail, sizeof p->detail, "{\"added\":%lld,\"revised\":%lld,\"unchanged\":%lld}",
             (long long)p->added, (long long)p->revised, (long long)p->unchanged);
    p->who.detail = p->detail;
    return store_audit_add(w, &p->who);
}

/* 403 if a unit was forbidden, else 409 if a period was closed, else 422; the list of every
 * problem kept. */
static void send_problems(struct api_ctx *c, struct post *p)
{
    enum ind_refusal worst = IND_REFUSE_INVALID;
    qsort(p->problems, p->nproblems, sizeof p->problems[0], by_index);
    json_t *list = json_array();
    for (size_t i = 0; i < p->nproblems; i++) {
        const struct problem *x = &p->problems[i];
        if (x->pb.kind == IND_REFUSE_FORBIDDEN ||
            (x->pb.kind == IND_REFUSE_CLOSED && worst == IND_REFUSE_INVALID))
            worst = x->pb.kind;
        json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "index", (json_int_t)x->index,
                                              "field", x->pb.field, "error", x->pb.why));
    }
    enum ioc_http_error e = worst == IND_REFUSE_FORBIDDEN ? IOC_HTTP_E_FORBIDDEN
                            : worst == IND_REFUSE_CLOSED  ? IOC_HTTP_E_PERIOD_CLOSED
                                                          : IOC_HTTP_E_INVALID_FIELD;
    const struct problem *first = &p->problems[0];
    char msg[300];
    snprintf(msg, sizeof msg,
             "Nothing was stored: %zu value(s) refused; the first, at index %zu: "
             "%s: %s.",
             p->total_problems, first->index, first->pb.field, first->pb.why);
    json_t *err =
        json_pack("{s:s, s:s, s:s, s:o, s:I}", "code", ioc_http_error_code(e), "message", msg,
                  "field", "values", "errors", list, "refused", (json_int_t)p->total_problems);
    if (e != IOC_HTTP_E_INVALID_FIELD)
        api_audit_async(c, "indicator.values", p->target, "denied", msg);
    api_json(c, ioc_http_error_status(e), json_pack("{s:o}", "error", err));
}

static void post_done(struct api_ctx *c, void *arg, int rc)
{
    struct post *p = arg;
    if (rc == 0) /* durable: the target_missed rules */
        ind_alert_signal(c->api->alerts, p->signals.data, p->signals.len);
    ioc_buf_free(&p->signals);
    if (rc == IOC_EINVAL && p->nproblems) {
        send_problems(c, p);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "values");
        return;
    }
    api_json(c, 200,
             json_pack("{s:s, s:I, s:I, s:I, s:I}", "indicator", c->params[0], "count",
                       (json_int_t)p->n, "added", (json_int_t)p->added, "revised",
                       (json_int_t)p->revised, "unchanged", (json_int_t)p->unchanged));
}

/* A number field of element e; 1 and *out if present and a number, 0 if absent, -1 if not a
 * number. */
static int num_field(json_t *e, const char *key, double *out)
{
    json_t *v = json_object_get(e, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 1;
}

static const char *str_field(json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Element i of the body into p->in[i]; 0, or -1 after recording a problem. */
static int read_value(struct post *p, size_t i, json_t *e)
{
    static const char *const nums[] = {"value", "num", "den"};
    struct ind_value_in *in = &p->in[i];
    struct ind_value_problem pb = {IND_REFUSE_INVALID, "values", "each value must be an object"};
    if (!json_is_object(e)) {
        add_problem(p, i, &pb);
        return -1;
    }
    in->unit = str_field(e, "unit");
    in->period = str_field(e, "period");
    bool *has[] = {&in->has_value, &in->has_num, &in->has_den};
    double *val[] = {&in->value, &in->num, &in->den};
    for (int k = 0; k < 3; k++) {
        int r = num_field(e, nums[k], val[k]);
        if (r < 0) {
            pb.field = nums[k];
            pb.why = "must be a number";
            add_problem(p, i, &pb);
            return -1;
        }
        *has[k] = r == 1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(e, key, v)
    {
        if (strcmp(key, "unit") && strcmp(key, "period") && strcmp(key, "value") &&
            strcmp(key, "num") && strcmp(key, "den")) {
            pb.field = "values";
            pb.why = "a value has only unit, period, value, num and den";
            add_problem(p, i, &pb);
            return -1;
        }
    }
    return 0;
}

/* Reads the body into p; 0, or -1 after answering. */
static int read_batch(struct api_ctx *c, struct post *p)
{
    json_t *vals = json_object_get(c->body, "values");
    if (!json_is_array(vals) || json_array_size(vals) == 0) {
        api_error_field(c, "values", "'values' must be a non-empty array.");
        return -1;
    }
    int max = max_values(c->api->cfg);
    if (json_array_size(vals) > (size_t)max) {
        api_error_field(c, "values",
                        "At most %d values in one request "
                        "(indicators.max_values_per_request).",
                        max);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(c->body, key, v)
    {
        if (strcmp(key, "values") && strcmp(key, "note")) {
            api_error_field(c, key, "The body has only values and note.");
            return -1;
        }
    }
    p->note = api_body_str(c, "note", 0, NOTE_MAX);
    if (!p->note && json_object_get(c->body, "note") &&
        !json_is_null(json_object_get(c->body, "note")))
        return -1; /* answered */
    p->note = p->note ? p->note : "";
    p->n = json_array_size(vals);
    p->in = net_req_alloc(c->req, p->n * sizeof *p->in);
    memset(p->in, 0, p->n * sizeof *p->in);
    p->bad = net_req_alloc(c->req, p->n);
    memset(p->bad, 0, p->n);
    for (size_t i = 0; i < p->n; i++)
        p->bad[i] = read_value(p, i, json_array_get(vals, i)) != 0;
    unsigned char *dup = net_req_alloc(c->req, p->n);
    if (ind_values_duplicates(p->in, p->n, dup) < 0) {
        api_error_rc(c, IOC_ENOMEM, "values");
        return -1;
    }
    struct ind_value_problem again = {IND_REFUSE_INVALID, "period",
                                      "the same unit and period as an earlier value of this batch"};
    for (size_t i = 0; i < p->n; i++)
        if (dup[i] && !p->bad[i]) {
            add_problem(p, i, &again);
            p->bad[i] = 1;
        }
    /* the job checks the others and reports every problem, in order */
    p->pre = p->nproblems;
    p->pre_total = p->total_problems;
    return 0;
}

static void h_values_post(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct post *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    snprintf(p->target, sizeof p->target, "indicator:%.80s", c->params[0]);
    if (api_ind_load(c, c->t->db, c->params[0], &p->ind, NULL))
        return;
    int rc = ind_values_may_write(c->t->db, &p->ind, &c->who, p->unit);
    if (rc == IOC_EPERM) {
        api_audit_async(c, "indicator.values", p->target, "denied", "agency");
        api_error(c, IOC_HTTP_E_FORBIDDEN,
                  "Only the indicator's agency (%.64s) and admins write its values.",
                  p->ind.agency_code);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "agency");
        return;
    }
    if (read_batch(c, p))
        return;
    p->source = c->who.kind == AUTH_KEY ? "api" : "entered";
    p->memo = net_req_alloc(c->req, sizeof *p->memo);
    p->code = c->params[0];
    ioc_buf_init(&p->signals, 0);
    api_audit_fill(c, &p->who, "indicator.values", p->target, "ok");
    api_write(c, post_job, p, post_done);
}

/* ---- GET: values rolled up --------------------------------------------------------------- */

/* A period parameter of any frequency as the period of frequency f holding its start (end:
 * its last instant); 0, or -1 after answering. */
static int period_param(struct api_ctx *c, const char *key, enum ind_freq f, int end,
                        struct ind_period *out)
{
    const char *v = api_query(c, key);
    struct ind_period p;
    const char *why = "";
    if (ind_period_parse(v, strlen(v), &p, &why) != 0 ||
        ind_period_of(f, end ? ind_period_end(p) - 1 : ind_period_start(p), out) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "%s must be a period (2026, 2026-Q4, 2026-10, "
                  "2026-10-31): %s.",
                  key, why);
        return -1;
    }
    return 0;
}

/* The range of the query: rollup, from, to; 0, or -1 after answering. */
static int read_range(struct api_ctx *c, const struct ind_indicator *ind, struct ind_range *r)
{
    const char *ru = api_query(c, "rollup");
    r->freq = ind->freq;
    if (ru && (ind_freq_parse(ru, strlen(ru), &r->freq) != 0 || r->freq < ind->freq)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "rollup must be %s or a coarser frequency "
                  "(month, quarter, year).",
                  ind_freq_name(ind->freq));
        return -1;
    }
    struct ind_period to, from;
    if (api_query(c, "to")) {
        if (period_param(c, "to", r->freq, 1, &to))
            return -1;
    } else if (ind_period_of(r->freq, ioc_now_ms() / 1000, &to) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The clock is outside the years of periods.");
        return -1;
    }
    if (api_query(c, "from")) {
        if (period_param(c, "from", r->freq, 0, &from))
            return -1;
    } else if (ind_period_step(to, -11, &from) != 0) {
        from = to;
    }
    if (from.n > to.n || to.n - from.n >= PERIODS_MAX) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "from must not be after to, and at most %d periods "
                  "apart.",
                  PERIODS_MAX);
        return -1;
    }
    r->first = from;
    r->count = to.n - from.n + 1;
    return 0;
}

/* The code of the province in force on day into unit. */
static int province_code(struct store_conn *db, const char *day, char unit[64])
{
    struct store_unit_query q = {"province", day, NULL, NULL, 1, 0};
    struct store_unit *a = NULL;
    size_t n = 0;
    int rc = store_units_find(db, &q, &a, &n);
    if (rc == 0 && n == 0)
        rc = IOC_ENOTFOUND;
    if (rc == 0)
        snprintf(unit, 64, "%s", a[0].code);
    store_units_free(a, n);
    return rc;
}

/* The unit parameter (any version of that code), or the province in force today, into unit;
 * 0, or -1 after answering. */
static int read_unit(struct api_ctx *c, const char *at, char unit[64])
{
    const char *u = api_query(c, "unit");
    char today[11];
    ioc_date_today_vn(today);
    int rc;
    if (u) {
        struct store_unit x;
        memset(&x, 0, sizeof x);
        rc = store_unit_get(c->t->db, u, at[0] ? at : NULL, &x);
        if (rc == 0)
            snprintf(unit, 64, "%s", x.code);
        store_unit_clear(&x);
    } else {
        rc = province_code(c->t->db, at[0] ? at : today, unit);
    }
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No unit has code %.64s%s%s.", u ? u : "(province)",
                  at[0] ? " on " : "", at);
        return -1;
    }
    if (rc) {
        api_error_rc(c, rc, "unit");
        return -1;
    }
    return 0;
}

/* The rows as a table (one rule for the CSV and the XLSX: numbers as numbers, exact). */
static int values_table(const struct ind_indicator *ind, const struct ind_range *r,
                        const struct ind_rolled *out, struct sheet_table **t)
{
    static const char *const head[] = {"period",      "value",  "num",  "den",
                                       "approximate", "reason", "light"};
    int rc = sheet_table_create("values", head, 7, t);
    for (int32_t i = 0; rc == 0 && i < r->count; i++) {
        char period[IND_PERIOD_TEXT_MAX];
        struct api_ind_text x;
        ind_period_format((struct ind_period){r->freq, r->first.n + i}, period);
        api_ind_text(ind, &out[i], &x);
        struct sheet_cell c[7] = {{SHEET_TEXT, period, 0, 0}};
        api_ind_cells(&x, &out[i], c + 1);
        rc = sheet_table_add(*t, c);
    }
    return rc;
}

/* format: 0 JSON, 1 CSV, 2 XLSX. */
static void send_table(struct api_ctx *c, const struct ind_indicator *ind, const char *unit,
                       const struct ind_range *r, const struct ind_rolled *out, int format)
{
    struct sheet_table *t = NULL;
    int rc = values_table(ind, r, out, &t);
    char name[80];
    snprintf(name, sizeof name, "%.40s-%.24s", c->params[0], unit);
    api_send_sheet(c, t, rc, format == 2, name);
}

static void send_values(struct api_ctx *c, const struct ind_indicator *ind, const char *unit,
                        const struct ind_range *r, const struct ind_rolled *out, int format)
{
    if (format) {
        send_table(c, ind, unit, r, out, format);
        return;
    }
    json_t *arr = json_array();
    for (int32_t i = 0; i < r->count; i++) {
        char period[IND_PERIOD_TEXT_MAX];
        ind_period_format((struct ind_period){r->freq, r->first.n + i}, period);
        json_t *o = json_pack("{s:s}", "period", period);
        api_ind_json_set(o, ind, &out[i]);
        json_array_append_new(arr, o);
    }
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:i, s:o}", "indicator", c->params[0], "unit", unit, "frequency",
                  ind_freq_name(r->freq), "count", (int)r->count, "values", arr);
    if (r->at[0])
        json_object_set_new(o, "at", json_string(r->at));
    api_json(c, 200, o);
}

static void h_values_get(struct api_ctx *c)
{
    static const char *const known[] = {"unit", "from", "to", "rollup", "at", "format", NULL};
    if (api_query_only(c, known))
        return;
    int fmt = api_ind_format(c);
    if (fmt < 0)
        return;
    struct store_indicator x;
    struct ind_indicator ind;
    char unit[64];
    struct ind_range r;
    memset(&r, 0, sizeof r);
    if (api_query(c, "at") && api_query_date(c, "at", r.at))
        return;
    if (api_ind_load(c, c->t->db, c->params[0], &ind, &x))
        return;
    if (read_unit(c, r.at, unit) || read_range(c, &ind, &r)) {
        store_indicator_clear(&x);
        return;
    }
    struct ind_rolled *out = malloc((size_t)r.count * sizeof *out);
    int rc = out ? ind_values_rolled(c->t->db, &x, &ind, unit, &r, out) : IOC_ENOMEM;
    store_indicator_clear(&x);
    if (rc)
        api_error_rc(c, rc, "values");
    else
        send_values(c, &ind, unit, &r, out, fmt);
    free(out);
}

/* ---- GET: one value's revisions ---------------------------------------------------------- */

static json_t *revision_json(const struct store_indvalue *v)
{
    json_t *o =
        json_pack("{s:I, s:f, s:s, s:s, s:s, s:s}", "revision", (json_int_t)v->revision, "value",
                  v->value, "source", v->source, "who", v->who, "at", v->at, "note", v->note);
    if (v->has_ratio) {
        json_object_set_new(o, "num", json_real(v->num));
        json_object_set_new(o, "den", json_real(v->den));
    }
    return o;
}

static void h_values_revisions(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct ind_indicator ind;
    if (api_ind_load(c, c->t->db, c->params[0], &ind, NULL))
        return;
    if (auth_agency_allowed(&c->who, ind.agency_id, 0) != 0) {
        api_error(c, IOC_HTTP_E_FORBIDDEN, "Only readers of %.64s's data see its revisions.",
                  ind.agency_code);
        return;
    }
    struct ind_period p, day;
    int32_t days = 0;
    const char *why = "";
    const char *ps = c->params[2];
    if (ind_period_parse(ps, strlen(ps), &p, &why) != 0 || p.freq != ind.freq ||
        ind_period_children(p, IND_DAY, &day, &days) != 0) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "%.32s is not a period of this indicator.", ps);
        return;
    }
    char d1[11], d2[11];
    ioc_date_format(day.n, d1);
    ioc_date_format(day.n + days - 1, d2);
    int64_t unit_id = 0;
    struct store_indvalue *h = NULL;
    size_t n = 0;
    int rc = store_unit_during(c->t->db, c->params[1], d1, d2, &unit_id);
    if (rc == 0)
        rc = store_indvalue_history(c->t->db, ind.id, ind_freq_name(p.freq), p.n, unit_id, &h, &n);
    if (rc == 0 && n == 0)
        rc = IOC_ENOTFOUND;
    if (rc) {
        api_error_rc(c, rc, "value");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, revision_json(&h[i]));
    store_indvalues_free(h, n);
    api_json(c, 200,
             json_pack("{s:s, s:s, s:s, s:i, s:o}", "indicator", c->params[0], "unit", c->params[1],
                       "period", ps, "count", (int)n, "revisions", arr));
}

/* ---- periods closed and re-opened -------------------------------------------------------- */

/* The period of the path; 0, or -1 after answering 404. */
static int path_period(struct api_ctx *c, struct ind_period *p)
{
    const char *why = "";
    if (ind_period_parse(c->params[0], strlen(c->params[0]), p, &why) != 0) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "%.32s is not a period: %s.", c->params[0], why);
        return -1;
    }
    return 0;
}

static void h_periods_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct ind_period p;
    if (path_period(c, &p))
        return;
    struct store_period_state s;
    int rc = store_period_get(c->t->db, ind_freq_name(p.freq), p.n, &s);
    if (rc) {
        api_error_rc(c, rc, "period");
        return;
    }
    json_t *o = json_pack("{s:s, s:s, s:s}", "period", c->params[0], "frequency",
                          ind_freq_name(p.freq), "state", s.closed ? "closed" : "open");
    if (s.closed) {
        json_object_set_new(o, "closed_by", json_string(s.who));
        json_object_set_new(o, "closed_at", json_string(s.at));
        json_object_set_new(o, "note", json_string(s.note));
    }
    store_period_state_clear(&s);
    api_json(c, 200, o);
}

struct period_put {
    struct ind_period p;
    int closed;
    const char *note;
    struct store_audit who;
    char target[48];
};

static int period_job(struct store_conn *w, void *arg)
{
    struct period_put *x = arg;
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    int rc = store_period_set(w, ind_freq_name(x->p.freq), x->p.n, x->target + 7, x->closed,
                              x->who.actor, now, x->note);
    return rc ? rc : store_audit_add(w, &x->who);
}

static void period_done(struct api_ctx *c, void *arg, int rc)
{
    (void)arg;
    if (rc) {
        api_error_rc(c, rc, "period");
        return;
    }
    h_periods_get(c);
}

static void h_periods_put(struct api_ctx *c)
{
    struct period_put *x = net_req_alloc(c->req, sizeof *x);
    memset(x, 0, sizeof *x);
    if (path_period(c, &x->p))
        return;
    const char *state = api_body_str(c, "state", 1, 16);
    if (!state)
        return;
    if (strcmp(state, "closed") && strcmp(state, "open")) {
        api_error_field(c, "state", "state must be closed or open.");
        return;
    }
    json_t *nv = json_object_get(c->body, "note");
    x->note = nv && !json_is_null(nv) ? api_body_str(c, "note", 0, NOTE_MAX) : "";
    if (!x->note)
        return;
    x->closed = state[0] == 'c';
    ind_period_format(x->p, x->target + snprintf(x->target, sizeof x->target, "period:"));
    api_audit_fill(c, &x->who, x->closed ? "period.close" : "period.open", x->target, "ok");
    x->who.detail = (char *)x->note;
    api_write(c, period_job, x, period_done);
}

/* The indvalues module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route indvalues_routes[] = {
    API_ROUTE_BODY("POST", "/api/v1/indicators/{code}/values", "indvalues.post", AUTH_SIGNED_IN,
                   "signed_in", "write:indicators", 1, h_values_post, post_max_body),
    API_ROUTE("GET", "/api/v1/indicators/{code}/values", "indvalues.get", AUTH_SIGNED_IN,
              "signed_in", "read:indicators", 0, h_values_get),
    API_ROUTE("GET", "/api/v1/indicators/{code}/values/{unit}/{period}/revisions",
              "indvalues.revisions", AUTH_SIGNED_IN, "signed_in", "read:indicators", 0,
              h_values_revisions),
    API_ROUTE("GET", "/api/v1/periods/{period}", "periods.get", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_periods_get),
    API_ROUTE("PUT", "/api/v1/periods/{period}", "periods.put", AUTH_ADMIN, "admin", NULL, 1,
              h_periods_put),
};

const struct api_module api_module_indvalues =
    API_MODULE("indvalues", indvalues_routes, api_openapi_indvalues);
