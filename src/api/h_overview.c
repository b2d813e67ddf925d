/* h_overview.c — the overview of a unit (every indicator's value at its period, the change from
 * the period before, target and light) and the freshness table (which indicators are
 * submitted, late, missing or due, per agency), as JSON, CSV or XLSX. The rules are
 * src/indicators' (overview.c, overview_read.c); both are computed on the render worker. */
#include "api/api_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"
#include "sheet/sheet.h"

API_OPENAPI_FRAGMENT(api_openapi_overview, "src/api/openapi/overview.json");

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

enum fmt { FMT_JSON, FMT_CSV, FMT_XLSX };

struct job {
    int freshness;
    enum fmt fmt;
    char unit[64], agency[IND_CODE_MAX + 1], domain[IND_CODE_MAX + 1];
    bool has_period, has_agency, has_domain;
    struct ind_period period;
    int64_t now;
    int rc;
    json_t *json;
    struct ioc_buf body;
};

static void job_free(void *arg)
{
    struct job *j = arg;
    json_decref(j->json);
    ioc_buf_free(&j->body);
}

/* The format parameter; 0, or -1 after answering. */
static int read_format(struct api_ctx *c, enum fmt *f)
{
    const char *v = api_query(c, "format");
    *f = FMT_JSON;
    if (!v || strcmp(v, "json") == 0)
        return 0;
    if (strcmp(v, "csv") == 0 || strcmp(v, "xlsx") == 0) {
        *f = v[0] == 'c' ? FMT_CSV : FMT_XLSX;
        return 0;
    }
    api_error(c, IOC_HTTP_E_BAD_QUERY, "format must be json, csv or xlsx.");
    return -1;
}

/* The period parameter, if any; 0, or -1 after answering. */
static int read_period(struct api_ctx *c, struct job *j)
{
    const char *v = api_query(c, "period");
    if (!v)
        return 0;
    const char *why = "";
    if (ind_period_parse(v, strlen(v), &j->period, &why) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "period must be a period (2026, 2026-Q4, 2026-10, 2026-10-31): %s.", why);
        return -1;
    }
    j->has_period = true;
    return 0;
}

/* ---- cells ------------------------------------------------------------------------------- */

/* One cell: a text, or a number when num (empty when the number is not finite). */
static struct sheet_cell text_cell(const char *s)
{
    struct sheet_cell x = {s && *s ? SHEET_TEXT : SHEET_EMPTY, s ? s : "", s ? strlen(s) : 0, 0};
    return x;
}

static struct sheet_cell num_cell(bool has, double v)
{
    struct sheet_cell x = {has && isfinite(v) ? SHEET_NUMBER : SHEET_EMPTY, "", 0, v};
    return x;
}

static json_t *num_json(bool has, double v)
{
    return has && isfinite(v) ? json_real(v) : json_null();
}

/* The table as CSV or XLSX into j->body. */
static int write_table(struct job *j, struct sheet_table *t)
{
    return j->fmt == FMT_XLSX ? sheet_write_xlsx(t, &j->body) : sheet_write_csv(t, &j->body);
}

/* ---- overview ---------------------------------------------------------------------------- */

static const char *const ov_head[] = {
    "code",      "domain", "name_vi",         "name_en",     "unit",   "frequency",
    "period",    "value",  "previous_period", "previous",    "change", "change_pct",
    "direction", "target", "light",           "approximate", "reason"};
#define OV_COLS (sizeof ov_head / sizeof ov_head[0])

struct ov_text {
    char period[IND_PERIOD_TEXT_MAX], prev[IND_PERIOD_TEXT_MAX];
    bool ok, prev_ok;
};

static void ov_text(const struct ind_ov_item *it, struct ov_text *t)
{
    struct ind_period pp;
    ind_period_format(it->line.period, t->period);
    t->prev[0] = '\0';
    if (ind_period_step(it->line.period, -1, &pp) == 0)
        ind_period_format(pp, t->prev);
    t->ok = it->line.cur.reason == IND_OK;
    t->prev_ok = it->line.prev.reason == IND_OK;
}

static int ov_row(struct sheet_table *tab, const struct ind_ov_item *it)
{
    struct ov_text t;
    ov_text(it, &t);
    char *const *col = it->x->col;
    const struct ind_ov_line *l = &it->line;
    struct sheet_cell cells[OV_COLS] = {
        text_cell(col[STORE_IND_CODE]),
        text_cell(col[STORE_IND_DOMAIN]),
        text_cell(col[STORE_IND_NAME_VI]),
        text_cell(col[STORE_IND_NAME_EN]),
        text_cell(col[STORE_IND_UNIT]),
        text_cell(col[STORE_IND_FREQUENCY]),
        text_cell(t.period),
        num_cell(t.ok, l->cur.obs.value),
        text_cell(t.prev),
        num_cell(t.prev_ok, l->prev.obs.value),
        num_cell(l->change.has, l->change.abs),
        num_cell(l->change.has_pct, l->change.pct),
        text_cell(ind_direction_name(l->change.dir)),
        num_cell(it->ind.has_target, it->ind.target),
        text_cell(ind_light_name(l->light)),
        text_cell(t.ok && l->cur.obs.approximate ? "true" : "false"),
        text_cell(t.ok ? "" : ind_reason_name(l->cur.reason))};
    return sheet_table_add(tab, cells);
}

static json_t *ov_json(const struct ind_ov_item *it)
{
    struct ov_text t;
    ov_text(it, &t);
    char *const *col = it->x->col;
    const struct ind_ov_line *l = &it->line;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "code", col[STORE_IND_CODE],
        "domain", col[STORE_IND_DOMAIN], "name_vi", col[STORE_IND_NAME_VI], "name_en",
        col[STORE_IND_NAME_EN], "unit", col[STORE_IND_UNIT], "frequency", col[STORE_IND_FREQUENCY],
        "period", t.period, "previous_period", t.prev, "direction",
        ind_direction_name(l->change.dir), "light", ind_light_name(l->light), "approximate",
        t.ok && l->cur.obs.approximate, "derived", it->ind.derived);
    json_object_set_new(o, "value", num_json(t.ok, l->cur.obs.value));
    json_object_set_new(o, "previous", num_json(t.prev_ok, l->prev.obs.value));
    json_object_set_new(o, "change", num_json(l->change.has, l->change.abs));
    json_object_set_new(o, "change_pct", num_json(l->change.has_pct, l->change.pct));
    json_object_set_new(o, "target", num_json(it->ind.has_target, it->ind.target));
    json_object_set_new(o, "inputs", json_integer(l->cur.inputs));
    if (it->ind.rule.agg == IND_AGG_RATIO && !it->ind.derived && t.ok) {
        json_object_set_new(o, "num", json_real(l->cur.obs.num));
        json_object_set_new(o, "den", json_real(l->cur.obs.den));
    }
    if (!t.ok)
        json_object_set_new(o, "reason", json_string(ind_reason_name(l->cur.reason)));
    return o;
}

static void ov_run(struct store_conn *db, void *arg)
{
    struct job *j = arg;
    struct ind_overview o;
    j->rc = ind_overview_read(db, j->unit, j->has_period ? &j->period : NULL, j->now,
                              j->has_domain ? j->domain : NULL, &o);
    if (j->rc)
        return;
    if (j->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.n; i++)
            json_array_append_new(arr, ov_json(&o.items[i]));
        j->json =
            json_pack("{s:s, s:i, s:o}", "unit", j->unit, "count", (int)o.n, "indicators", arr);
        char p[IND_PERIOD_TEXT_MAX];
        if (j->has_period && ind_period_format(j->period, p) == 0)
            json_object_set_new(j->json, "period", json_string(p));
        if (j->has_domain)
            json_object_set_new(j->json, "domain", json_string(j->domain));
    } else {
        struct sheet_table *t = NULL;
        int rc = sheet_table_create("overview", ov_head, OV_COLS, &t);
        for (size_t i = 0; rc == 0 && i < o.n; i++)
            rc = ov_row(t, &o.items[i]);
        j->rc = rc ? rc : write_table(j, t);
        sheet_table_destroy(t);
    }
    ind_overview_free(&o);
}

/* ---- freshness --------------------------------------------------------------------------- */

static const char *const fr_head[] = {"code",     "name_vi",  "agency",  "frequency",
                                      "period",   "deadline", "due",     "unit",
                                      "expected", "stored",   "on_time", "status"};
#define FR_COLS (sizeof fr_head / sizeof fr_head[0])

static void due_text(int64_t due, char out[32])
{
    out[0] = '\0';
    if (due != INT64_MAX)
        ioc_time_rfc3339(due * 1000, out);
}

static int fr_row(struct sheet_table *tab, const struct ind_fresh_item *it)
{
    char p[IND_PERIOD_TEXT_MAX], due[32];
    ind_period_format(it->period, p);
    due_text(it->f.due, due);
    char *const *col = it->x->col;
    struct sheet_cell cells[FR_COLS] = {text_cell(col[STORE_IND_CODE]),
                                        text_cell(col[STORE_IND_NAME_VI]),
                                        text_cell(col[STORE_IND_AGENCY]),
                                        text_cell(col[STORE_IND_FREQUENCY]),
                                        text_cell(p),
                                        text_cell(col[STORE_IND_DEADLINE]),
                                        text_cell(due),
                                        text_cell(it->unit),
                                        num_cell(true, it->f.expected),
                                        num_cell(true, it->f.stored),
                                        num_cell(true, it->f.on_time),
                                        text_cell(ind_fresh_status_name(it->f.status))};
    return sheet_table_add(tab, cells);
}

static json_t *fr_json(const struct ind_fresh_item *it)
{
    char p[IND_PERIOD_TEXT_MAX], due[32];
    ind_period_format(it->period, p);
    due_text(it->f.due, due);
    char *const *col = it->x->col;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}", "code",
                          col[STORE_IND_CODE], "name_vi", col[STORE_IND_NAME_VI], "agency",
                          col[STORE_IND_AGENCY], "frequency", col[STORE_IND_FREQUENCY], "period", p,
                          "deadline", col[STORE_IND_DEADLINE], "unit", it->unit, "expected",
                          (int)it->f.expected, "stored", (int)it->f.stored, "on_time",
                          (int)it->f.on_time, "status", ind_fresh_status_name(it->f.status));
    json_object_set_new(o, "due", due[0] ? json_string(due) : json_null());
    return o;
}

/* The "who is late" table: per agency (in catalogue order), how many indicators are in each
 * status. */
static json_t *fr_summary(const struct ind_freshness *f)
{
    json_t *by = json_object(), *arr = json_array();
    for (size_t i = 0; i < f->n; i++) {
        const char *a = f->items[i].x->col[STORE_IND_AGENCY];
        json_t *row = json_object_get(by, a);
        if (!row) {
            row = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i}", "agency", a, "submitted", 0, "late",
                            0, "missing", 0, "due", 0, "total", 0);
            json_object_set(by, a, row);
            json_array_append_new(arr, row);
        }
        const char *k = ind_fresh_status_name(f->items[i].f.status);
        json_object_set_new(row, k, json_integer(json_integer_value(json_object_get(row, k)) + 1));
        json_object_set_new(row, "total",
                            json_integer(json_integer_value(json_object_get(row, "total")) + 1));
    }
    json_decref(by);
    return arr;
}

static void fr_run(struct store_conn *db, void *arg)
{
    struct job *j = arg;
    struct ind_freshness f;
    j->rc = ind_freshness_read(db, j->has_agency ? j->agency : NULL,
                               j->has_period ? &j->period : NULL, j->now, &f);
    if (j->rc)
        return;
    if (j->fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < f.n; i++)
            json_array_append_new(arr, fr_json(&f.items[i]));
        char now[32];
        ioc_time_rfc3339(j->now * 1000, now);
        j->json = json_pack("{s:s, s:i, s:o, s:o}", "now", now, "count", (int)f.n, "agencies",
                            fr_summary(&f), "indicators", arr);
        char p[IND_PERIOD_TEXT_MAX];
        if (j->has_period && ind_period_format(j->period, p) == 0)
            json_object_set_new(j->json, "period", json_string(p));
        if (j->has_agency)
            json_object_set_new(j->json, "agency", json_string(j->agency));
    } else {
        struct sheet_table *t = NULL;
        int rc = sheet_table_create("freshness", fr_head, FR_COLS, &t);
        for (size_t i = 0; rc == 0 && i < f.n; i++)
            rc = fr_row(t, &f.items[i]);
        j->rc = rc ? rc : write_table(j, t);
        sheet_table_destroy(t);
    }
    ind_freshness_free(&f);
}

/* ---- the routes -------------------------------------------------------------------------- */

static void send(struct api_ctx *c, void *arg)
{
    struct job *j = arg;
    if (j->rc) {
        api_error_rc(c, j->rc, j->freshness ? "freshness" : "overview");
        return;
    }
    if (j->fmt == FMT_JSON) {
        json_t *o = j->json;
        j->json = NULL;
        api_json(c, 200, o);
        return;
    }
    const char *name = j->freshness ? "freshness" : "overview";
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", name,
             j->fmt == FMT_XLSX ? "xlsx" : "csv");
    net_res_header(c->req, "content-disposition", disp);
    net_res_send(c->req, 200, j->fmt == FMT_XLSX ? XLSX_TYPE : "text/csv; charset=utf-8",
                 j->body.data, j->body.len);
}

static struct job *new_job(struct api_ctx *c, int freshness)
{
    struct job *j = net_req_alloc(c->req, sizeof *j);
    memset(j, 0, sizeof *j);
    j->freshness = freshness;
    j->now = ioc_now_ms() / 1000;
    ioc_buf_init(&j->body, 0);
    net_req_on_free(c->req, job_free, j);
    return j;
}

/* The unit parameter (any version of that code) or the province in force today; 0, or -1 after
 * answering. */
static int read_unit(struct api_ctx *c, char unit[64])
{
    const char *u = api_query(c, "unit");
    int rc;
    if (u) {
        struct store_unit x;
        memset(&x, 0, sizeof x);
        rc = store_unit_get(c->t->db, u, NULL, &x);
        if (rc == 0)
            snprintf(unit, 64, "%s", x.code);
        store_unit_clear(&x);
    } else {
        char today[11];
        ioc_date_today_vn(today);
        struct store_unit_query q = {"province", today, NULL, NULL, 1, 0};
        struct store_unit *a = NULL;
        size_t n = 0;
        rc = store_units_find(c->t->db, &q, &a, &n);
        if (rc == 0 && n == 0)
            rc = IOC_ENOTFOUND;
        if (rc == 0)
            snprintf(unit, 64, "%s", a[0].code);
        store_units_free(a, n);
    }
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No unit has code %.64s.", u ? u : "(province)");
        return -1;
    }
    if (rc)
        api_error_rc(c, rc, "unit");
    return rc ? -1 : 0;
}

static void h_overview(struct api_ctx *c)
{
    static const char *const known[] = {"unit", "period", "domain", "format", NULL};
    if (api_query_only(c, known))
        return;
    struct job *j = new_job(c, 0);
    if (read_format(c, &j->fmt) || read_period(c, j) || read_unit(c, j->unit))
        return;
    const char *d = api_query(c, "domain");
    if (d) {
        struct store_ind_domain dom;
        int rc = store_ind_domain_get(c->t->db, d, &dom);
        if (rc == 0)
            store_ind_domain_clear(&dom);
        if (rc == IOC_ENOTFOUND) {
            api_error(c, IOC_HTTP_E_NOT_FOUND, "No domain has code %.64s.", d);
            return;
        }
        if (rc) {
            api_error_rc(c, rc, "domain");
            return;
        }
        snprintf(j->domain, sizeof j->domain, "%s", d);
        j->has_domain = true;
    }
    api_worker_offload(c, c->api->renderer, ov_run, j, send);
}

/* The agency the caller asks for or may see: staff and keys only their own (without agency=,
 * theirs); 0, or -1 after answering. */
static int read_agency(struct api_ctx *c, struct job *j)
{
    const char *a = api_query(c, "agency");
    int bound =
        c->who.kind == AUTH_KEY || (c->who.kind == AUTH_USER && c->who.role == AUTH_ROLE_STAFF);
    if (!a && bound)
        a = c->who.agency_code;
    if (!a)
        return 0;
    struct store_agency ag;
    int rc = store_agency_get(c->t->db, a, &ag);
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No agency has code %.64s.", a);
        return -1;
    }
    if (rc) {
        api_error_rc(c, rc, "agency");
        return -1;
    }
    int64_t id = ag.id;
    store_agency_clear(&ag);
    if (auth_agency_allowed(&c->who, id, 0) != 0) {
        api_error(c, IOC_HTTP_E_FORBIDDEN, "Agency staff and keys see only their own agency.");
        return -1;
    }
    snprintf(j->agency, sizeof j->agency, "%s", a);
    j->has_agency = true;
    return 0;
}

static void h_freshness(struct api_ctx *c)
{
    static const char *const known[] = {"agency", "period", "format", NULL};
    if (api_query_only(c, known))
        return;
    struct job *j = new_job(c, 1);
    if (read_format(c, &j->fmt) || read_period(c, j) || read_agency(c, j))
        return;
    api_worker_offload(c, c->api->renderer, fr_run, j, send);
}

/* The overview module of modules.c: its routes and their description. */
static const struct api_route overview_routes[] = {
    API_ROUTE("GET", "/api/v1/overview", "overview.get", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_overview),
    API_ROUTE("GET", "/api/v1/freshness", "freshness.get", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_freshness),
};

const struct api_module api_module_overview =
    API_MODULE("overview", overview_routes, api_openapi_overview);
