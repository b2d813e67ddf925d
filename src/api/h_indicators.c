/* h_indicators.c — the indicator catalogue: its domains, the indicators listed (by domain,
 * searched ignoring case and diacritics, paged; or every match as the catalogue's CSV or as an
 * XLSX workbook of the same table, both written by src/sheet) and one by code, for
 * every signed-in user and keys with read:indicators; an admin replaces one with PUT, checked by
 * the catalogue's rules (src/indicators/check.c) and audited. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"
#include "sheet/sheet.h"

API_OPENAPI_FRAGMENT(api_openapi_indicators, "src/api/openapi/indicators.json");

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 500
#define FIELD_MAX 4096

static json_t *domain_json(const struct store_ind_domain *d)
{
    return json_pack("{s:s, s:s, s:s}", "code", d->code, "name_vi", d->name_vi, "name_en",
                     d->name_en);
}

static json_t *indicator_json(const struct store_indicator *x)
{
    json_t *o = json_object();
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        json_object_set_new(o, store_ind_column_names[i], json_string(x->col[i]));
    json_object_set_new(o, "revision", json_integer(x->revision));
    json_object_set_new(o, "updated_at", json_string(x->updated_at));
    return o;
}

static void h_domains_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_ind_domain *d = NULL;
    size_t n = 0;
    int rc = store_ind_domains_list(c->t->db, &d, &n);
    if (rc) {
        api_error_rc(c, rc, "domains");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, domain_json(&d[i]));
    store_ind_domains_free(d, n);
    api_json(c, 200, json_pack("{s:i, s:o}", "count", (json_int_t)n, "domains", arr));
}

static int int_param(struct api_ctx *c, const char *key, int64_t max, int64_t dflt, int64_t *out)
{
    const char *v = api_query(c, key);
    *out = dflt;
    if (v && ioc_parse_i64(v, strlen(v), 1, max, out) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s must be an integer from 1 to %lld.", key,
                  (long long)max);
        return -1;
    }
    return 0;
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Every match as the catalogue's table (the file iocctl indicators import reads), as CSV or XLSX,
 * made on the render worker (the XLSX goes through a temporary file: no disk on a loop). Every
 * cell is text, as in the catalogue's CSV, so that the two read back the same. */
struct table_job {
    struct store_ind_query query;
    char *folded; /* malloc'd: the search key */
    int xlsx;
    int rc;
    struct ioc_buf body;
};

static void table_free(void *arg)
{
    struct table_job *j = arg;
    free(j->folded);
    ioc_buf_free(&j->body);
}

static void table_run(struct store_conn *db, void *arg)
{
    struct table_job *j = arg;
    struct store_indicator *x = NULL;
    size_t n = 0;
    j->rc = store_indicators_find(db, &j->query, &x, &n, NULL);
    if (j->rc)
        return;
    struct sheet_table *t = NULL;
    int rc = sheet_table_create("indicators", store_ind_column_names, STORE_IND_COLUMNS, &t);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = sheet_table_add_texts(t, (const char *const *)x[i].col);
    if (rc == 0)
        rc = j->xlsx ? sheet_write_xlsx(t, &j->body) : sheet_write_csv(t, &j->body);
    sheet_table_destroy(t);
    store_indicators_free(x, n);
    j->rc = rc;
}

static void table_send(struct api_ctx *c, void *arg)
{
    struct table_job *j = arg;
    if (j->rc) {
        api_error_rc(c, j->rc, "indicators");
        return;
    }
    net_res_header(c->req, "content-disposition",
                   j->xlsx ? "attachment; filename=\"indicators.xlsx\""
                           : "attachment; filename=\"indicators.csv\"");
    net_res_send(c->req, 200, j->xlsx ? XLSX_TYPE : "text/csv; charset=utf-8", j->body.data,
                 j->body.len);
}

static void h_indicators_list(struct api_ctx *c)
{
    static const char *const known[] = {"domain", "q", "page", "page_size", "format", NULL};
    if (api_query_only(c, known))
        return;
    const char *format = api_query(c, "format");
    int xlsx = format && strcmp(format, "xlsx") == 0;
    int table = xlsx || (format && strcmp(format, "csv") == 0); /* every match, no page */
    if (format && !table && strcmp(format, "json") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "format must be json, csv or xlsx.");
        return;
    }
    int64_t page = 1, size = PAGE_SIZE_DEFAULT;
    if (int_param(c, "page", 1000000, 1, &page) ||
        int_param(c, "page_size", PAGE_SIZE_MAX, PAGE_SIZE_DEFAULT, &size))
        return;
    const char *q = api_query(c, "q");
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    struct store_ind_query query = {api_query(c, "domain"), folded && *folded ? folded : NULL,
                                    table ? 0 : (int)size, table ? 0 : (int)((page - 1) * size)};
    if (table) {
        struct table_job *j = net_req_alloc(c->req, sizeof *j);
        memset(j, 0, sizeof *j);
        j->query = query;
        j->folded = folded;
        j->xlsx = xlsx;
        ioc_buf_init(&j->body, 0);
        net_req_on_free(c->req, table_free, j);
        api_worker_offload(c, c->api->renderer, table_run, j, table_send);
        return;
    }
    struct store_indicator *x = NULL;
    size_t n = 0;
    int64_t total = 0;
    int rc = store_indicators_find(c->t->db, &query, &x, &n, &total);
    free(folded);
    if (rc) {
        api_error_rc(c, rc, "indicators");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, indicator_json(&x[i]));
    store_indicators_free(x, n);
    api_json(c, 200,
             json_pack("{s:i, s:I, s:I, s:I, s:o}", "count", (json_int_t)n, "total",
                       (json_int_t)total, "page", (json_int_t)page, "page_size", (json_int_t)size,
                       "indicators", arr));
}

static void h_indicators_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_indicator x;
    int rc = store_indicator_get(c->t->db, c->params[0], &x);
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No indicator has code %.64s.", c->params[0]);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "indicator");
        return;
    }
    api_json(c, 200, indicator_json(&x));
    store_indicator_clear(&x);
}

/* ---- PUT: replace one indicator ---------------------------------------------------------- */

struct ind_put {
    struct store_indicator x; /* columns in the request's pool */
    struct store_audit who;
    char target[96];
    const char *field; /* a refusal's column */
    char why[300];
};

struct ref_find {
    struct ind_put *p;
    size_t at; /* the index of the indicator put */
    const struct store_indicator *all;
    const char *other_field; /* the first problem of another indicator */
    char other[300];
};

/* Keeps the first problem of the indicator put, and the first of any other. */
static void on_ref(void *ctx, size_t i, const char *column, const char *why)
{
    struct ref_find *f = ctx;
    if (i == f->at && !f->p->field) {
        f->p->field = column;
        snprintf(f->p->why, sizeof f->p->why, "%s", why);
    } else if (i != f->at && !f->other_field) {
        f->other_field = column;
        snprintf(f->other, sizeof f->other, "%s would no longer hold: %s", f->all[i].col[0], why);
    }
}

/* The stored catalogue with p->x in place of (or after) its code, checked as a whole. */
static int check_refs(struct store_conn *w, struct ind_put *p)
{
    struct store_indicator *all = NULL;
    size_t n = 0;
    struct store_ind_query q = {NULL, NULL, 0, 0};
    int rc = store_indicators_find(w, &q, &all, &n, NULL);
    if (rc)
        return rc;
    struct store_indicator *view = malloc((n + 1) * sizeof *view);
    if (!view) {
        store_indicators_free(all, n);
        return IOC_ENOMEM;
    }
    size_t at = n;
    for (size_t i = 0; i < n; i++) {
        view[i] = all[i];
        if (strcmp(all[i].col[STORE_IND_CODE], p->x.col[STORE_IND_CODE]) == 0)
            at = i;
    }
    view[at] = p->x;
    struct ref_find f = {.p = p, .at = at, .all = view};
    int oom = 0;
    ind_catalogue_refs_check(view, at == n ? n + 1 : n, on_ref, &f, &oom);
    if (!p->field && f.other_field) {
        p->field = f.other_field;
        snprintf(p->why, sizeof p->why, "%s", f.other);
    }
    free(view);
    store_indicators_free(all, n);
    if (oom)
        return IOC_ENOMEM;
    return p->field ? IOC_EINVAL : 0;
}

static int put_job(struct store_conn *w, void *arg)
{
    struct ind_put *p = arg;
    int rc = check_refs(w, p);
    struct store_ind_counts k = {0};
    if (rc == 0)
        rc = store_ind_catalogue_put(w, NULL, 0, &p->x, 1, &k);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "{\"added\":%lld,\"updated\":%lld}", (long long)k.added,
             (long long)k.updated);
    p->who.detail = detail;
    return store_audit_add(w, &p->who);
}

static void put_done(struct api_ctx *c, void *arg, int rc)
{
    struct ind_put *p = arg;
    if (rc == IOC_EINVAL && p->field) {
        api_error_field(c, p->field, "%s", p->why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "indicator");
        return;
    }
    h_indicators_get(c);
}

static void on_cell(void *ctx, const char *column, const char *why)
{
    struct ind_put *p = ctx;
    if (!p->field) {
        p->field = column;
        snprintf(p->why, sizeof p->why, "%s", why);
    }
}

/* Reads the body's columns into p->x ("" when absent); 0, or -1 after answering. */
static int read_body(struct api_ctx *c, struct ind_put *p)
{
    const char *key;
    json_t *v;
    json_object_foreach(c->body, key, v)
    {
        int known = strcmp(key, "revision") == 0 || strcmp(key, "updated_at") == 0;
        for (int i = 0; !known && i < STORE_IND_COLUMNS; i++)
            known = strcmp(key, store_ind_column_names[i]) == 0;
        if (!known) {
            api_error_field(c, key, "'%.64s' is not a column of an indicator.", key);
            return -1;
        }
    }
    for (int i = 0; i < STORE_IND_COLUMNS; i++) {
        const char *name = store_ind_column_names[i];
        v = json_object_get(c->body, name);
        const char *s = !v || json_is_null(v) ? "" : api_body_str(c, name, 1, FIELD_MAX);
        if (!s)
            return -1;
        p->x.col[i] = (char *)s;
    }
    if (p->x.col[STORE_IND_CODE][0] && strcmp(p->x.col[STORE_IND_CODE], c->params[0]) != 0) {
        api_error_field(c, "code", "The code in the body must be the one of the path.");
        return -1;
    }
    p->x.col[STORE_IND_CODE] = (char *)c->params[0];
    return 0;
}

static void h_indicators_put(struct api_ctx *c)
{
    struct ind_put *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    if (read_body(c, p))
        return;
    ind_catalogue_row_check(c->t->db, &p->x, NULL, 0, on_cell, p);
    if (p->field) {
        api_error_field(c, p->field, "%s", p->why);
        return;
    }
    snprintf(p->target, sizeof p->target, "indicator:%.80s", c->params[0]);
    api_audit_fill(c, &p->who, "indicator.put", p->target, "ok");
    api_write(c, put_job, p, put_done);
}

/* The indicators module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route indicators_routes[] = {
    API_ROUTE("GET", "/api/v1/domains", "domains.list", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_domains_list),
    API_ROUTE("GET", "/api/v1/indicators", "indicators.list", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_indicators_list),
    API_ROUTE("GET", "/api/v1/indicators/{code}", "indicators.get", AUTH_SIGNED_IN, "signed_in",
              "read:indicators", 0, h_indicators_get),
    API_ROUTE("PUT", "/api/v1/indicators/{code}", "indicators.put", AUTH_ADMIN, "admin", NULL, 1,
              h_indicators_put),
};

const struct api_module api_module_indicators =
    API_MODULE("indicators", indicators_routes, api_openapi_indicators);
