/*
 * h_telemetry_read.c — reading telemetry: GET /api/v1/query (aggregates in time buckets),
 * /api/v1/latest (the last point of each series) and /api/v1/series (what is stored). The
 * parameters are parsed on the loop; the query runs on the render worker (src/telemetry/query.c
 * reads the engine: file I/O), which also renders the body (JSON, or CSV with format=csv); the
 * loop sends it. Shapes in docs/api.md; the bounds are the query's (TELEMETRY_Q_MAX_*), answered
 * 400 limit_exceeded naming the bound.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

enum tq_kind { TQ_QUERY, TQ_LATEST, TQ_SERIES };

/* One read request; lives in the request's pool (the body in malloc, freed with it). */
struct tq {
    struct api *api;
    enum tq_kind kind;
    struct telemetry_query q;
    struct tsdb_tag_filter filters[TELEMETRY_Q_MAX_FILTERS];
    enum tsdb_agg agg;
    int csv;
    /* the answer, made by the worker */
    enum ioc_http_error err; /* IOC_HTTP_E_COUNT: none */
    char msg[200];
    char *body;
    size_t body_len;
};

static void tq_free(void *arg)
{
    struct tq *q = arg;
    free(q->body);
}

int api_tag_filter_add(struct api_ctx *c, struct tsdb_tag_filter *f, const char *k, const char *v)
{
    size_t nv = 1;
    for (const char *p = v; *p; p++)
        nv += *p == ',';
    struct tsdb_str *vals = net_req_alloc(c->req, nv * sizeof *vals);
    if (!vals)
        return -1;
    size_t i = 0;
    for (const char *p = v;; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        vals[i] = (struct tsdb_str){p, len};
        if (!comma)
            break;
        p = comma + 1;
    }
    *f = (struct tsdb_tag_filter){k, strlen(k), vals, nv};
    return 0;
}

/* Checks that every parameter is known (tag.K for filters) and given once, and collects the
 * filters. 0, or -1 after answering 400. */
static int params_check(struct api_ctx *c, struct tq *q, const char *const *known)
{
    for (int i = 0; i < c->nq; i++) {
        const char *k = c->qk[i];
        int ok = strncmp(k, "tag.", 4) == 0 && k[4];
        for (const char *const *w = known; *w && !ok; w++)
            ok = strcmp(*w, k) == 0;
        for (int j = 0; j < i && ok; j++)
            ok = strcmp(c->qk[j], k) != 0;
        if (!ok) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter '%.64s' is unknown or given twice.", k);
            return -1;
        }
        if (strncmp(k, "tag.", 4) != 0)
            continue;
        if (q->q.nfilters == TELEMETRY_Q_MAX_FILTERS) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "At most %d tag filters.", TELEMETRY_Q_MAX_FILTERS);
            return -1;
        }
        if (api_tag_filter_add(c, &q->filters[q->q.nfilters++], k + 4, c->qv[i]) != 0) {
            api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* ---- rendering ---- */

/* s[0..n) as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break). */
static void csv_put(struct ioc_buf *b, const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\r', n) && !memchr(s, '\n', n)) {
        ioc_buf_append(b, s, n);
        return;
    }
    ioc_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            ioc_buf_putc(b, '"');
        ioc_buf_putc(b, s[i]);
    }
    ioc_buf_putc(b, '"');
}

static void csv_time(struct ioc_buf *b, int64_t ns)
{
    char ts[32];
    ioc_time_rfc3339(ns / NS_PER_MS, ts);
    ioc_buf_puts(b, ts);
}

static json_t *value_json(enum tsdb_type type, uint64_t v)
{
    double d;
    switch (type) {
    case TSDB_INT:
        return json_integer((json_int_t)(int64_t)v);
    case TSDB_UINT:
        return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
    case TSDB_BOOL:
        return json_boolean(v != 0);
    default:
        memcpy(&d, &v, sizeof d);
        return json_real(d);
    }
}

static void csv_value(struct ioc_buf *b, enum tsdb_type type, uint64_t v)
{
    double d;
    switch (type) {
    case TSDB_INT:
        ioc_buf_printf(b, "%lld", (long long)(int64_t)v);
        break;
    case TSDB_UINT:
        ioc_buf_printf(b, "%llu", (unsigned long long)v);
        break;
    case TSDB_BOOL:
        ioc_buf_puts(b, v ? "true" : "false");
        break;
    default:
        memcpy(&d, &v, sizeof d);
        char s[32];
        ioc_buf_append(b, s, (size_t)ioc_fmt_f64(s, d));
    }
}

static void tq_nomem(struct tq *q)
{
    q->err = IOC_HTTP_E_INTERNAL;
    snprintf(q->msg, sizeof q->msg, "out of memory");
}

/* Sets q->body to the dump of j (stolen). */
static void tq_json(struct tq *q, json_t *j)
{
    q->body = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(j);
    if (q->body)
        q->body_len = strlen(q->body);
    else
        tq_nomem(q);
}

/* Sets q->body to b's text (taken). */
static void tq_csv(struct tq *q, struct ioc_buf *b)
{
    q->body = b->data;
    q->body_len = b->len;
    if (!b->data)
        tq_nomem(q);
}

/* The value of bucket i of g, or 0 (no value; count is 0 then). */
static int bucket_value(const struct tq *q, const struct telemetry_qgroup *g, size_t i, double *v)
{
    if (tsdb_bucket_value(&g->w.b[i], q->agg, v) == 0)
        return 1;
    *v = 0;
    return q->agg == TSDB_AGG_COUNT;
}

/* v as JSON: the shortest decimal that reads back as v, with ".0" after an integral value (as
 * jansson writes a real); null for NaN and infinities, which JSON cannot carry. */
static void json_real_put(struct ioc_buf *b, double v)
{
    if (!isfinite(v)) {
        ioc_buf_puts(b, "null");
        return;
    }
    char s[32];
    int n = ioc_fmt_f64(s, v);
    ioc_buf_append(b, s, (size_t)n);
    if (!strpbrk(s, ".eE"))
        ioc_buf_append(b, ".0", 2);
}

static void render_window(struct tq *q, const struct telemetry_qresult *r)
{
    const char *group = q->q.group;
    if (q->csv) {
        struct ioc_buf b;
        ioc_buf_init(&b, 64 << 20);
        ioc_buf_puts(&b, "time,");
        if (group) {
            csv_put(&b, group, strlen(group));
            ioc_buf_putc(&b, ',');
        }
        ioc_buf_puts(&b, "value\n");
        for (size_t k = 0; k < r->ngroups; k++)
            for (size_t i = 0; i < r->groups[k].w.n; i++) {
                double v;
                csv_time(&b, tsdb_window_bucket_start(&r->groups[k].w, i));
                if (group) {
                    ioc_buf_putc(&b, ',');
                    csv_put(&b, r->groups[k].value, strlen(r->groups[k].value));
                }
                if (bucket_value(q, &r->groups[k], i, &v)) {
                    char s[32];
                    ioc_buf_putc(&b, ',');
                    ioc_buf_append(&b, s, (size_t)ioc_fmt_f64(s, v));
                    ioc_buf_putc(&b, '\n');
                } else
                    ioc_buf_puts(&b, ",\n");
            }
        tq_csv(q, &b);
        return;
    }
    /* Written directly (a dashboard's 100 series × 1,000 points: jansson's objects cost more
     * than the query). */
    struct ioc_buf b;
    ioc_buf_init(&b, 64 << 20);
    ioc_buf_puts(&b, "{\"measurement\":");
    ioc_buf_json_str(&b, q->q.measurement, (size_t)-1);
    ioc_buf_puts(&b, ",\"field\":");
    ioc_buf_json_str(&b, q->q.field, (size_t)-1);
    ioc_buf_printf(&b, ",\"agg\":\"%s\",\"start\":%lld,\"end\":%lld,\"step_ms\":%lld,\"series\":[",
                   tsdb_agg_name(q->agg), (long long)(q->q.start / NS_PER_MS),
                   (long long)(q->q.end / NS_PER_MS), (long long)(q->q.step / NS_PER_MS));
    for (size_t k = 0; k < r->ngroups; k++) {
        ioc_buf_puts(&b, k ? ",{\"tags\":{" : "{\"tags\":{");
        if (group) {
            ioc_buf_json_str(&b, group, (size_t)-1);
            ioc_buf_putc(&b, ':');
            ioc_buf_json_str(&b, r->groups[k].value, (size_t)-1);
        }
        ioc_buf_puts(&b, "},\"points\":[");
        for (size_t i = 0; i < r->groups[k].w.n; i++) {
            double v;
            int64_t t = tsdb_window_bucket_start(&r->groups[k].w, i);
            char ts[24];
            ioc_buf_puts(&b, i ? ",[" : "[");
            ioc_buf_append(&b, ts, (size_t)ioc_fmt_i64(ts, t / NS_PER_MS));
            ioc_buf_putc(&b, ',');
            if (bucket_value(q, &r->groups[k], i, &v))
                json_real_put(&b, v);
            else
                ioc_buf_puts(&b, "null");
            ioc_buf_putc(&b, ']');
        }
        ioc_buf_puts(&b, "]}");
    }
    ioc_buf_puts(&b, "]}");
    tq_csv(q, &b);
}

static json_t *tags_json(const struct tsdb_series_parts *sp)
{
    json_t *t = json_object();
    struct tsdb_tag tag;
    for (size_t i = 0; tsdb_series_parts_tag(sp, i, &tag) == 0; i++) {
        char *k = strndup(tag.key, tag.key_len);
        if (k)
            json_object_set_new(t, k, json_stringn(tag.value, tag.value_len));
        free(k);
    }
    return t;
}

/* The CSV of a list: measurement,field,[type,]tags,[time,value]; tags as k=v pairs joined
 * by ';' in key order (series of one measurement may have different tag keys). */
static void render_list_csv(struct tq *q, const struct telemetry_qresult *r)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 64 << 20);
    ioc_buf_puts(&b, q->kind == TQ_SERIES ? "measurement,field,type,tags\n"
                                          : "measurement,field,tags,time,value\n");
    struct ioc_buf tags;
    ioc_buf_init(&tags, 0);
    for (size_t i = 0; i < r->nentries; i++) {
        const struct telemetry_qentry *e = &r->entries[i];
        struct tsdb_series_parts sp;
        if (tsdb_series_key_parse(e->key.data, e->key.len, &sp) != 0)
            continue;
        csv_put(&b, sp.m, sp.mlen);
        ioc_buf_putc(&b, ',');
        csv_put(&b, sp.f, sp.flen);
        ioc_buf_putc(&b, ',');
        if (q->kind == TQ_SERIES)
            ioc_buf_printf(&b, "%s,", api_tsdb_type_name(e->type));
        ioc_buf_reset(&tags);
        struct tsdb_tag tag;
        for (size_t k = 0; tsdb_series_parts_tag(&sp, k, &tag) == 0; k++) {
            if (k)
                ioc_buf_putc(&tags, ';');
            ioc_buf_append(&tags, tag.key, tag.key_len);
            ioc_buf_putc(&tags, '=');
            ioc_buf_append(&tags, tag.value, tag.value_len);
        }
        csv_put(&b, tags.data ? tags.data : "", tags.len);
        if (e->has_point) {
            ioc_buf_putc(&b, ',');
            csv_time(&b, e->t);
            ioc_buf_putc(&b, ',');
            csv_value(&b, e->type, e->v);
        }
        ioc_buf_putc(&b, '\n');
    }
    ioc_buf_free(&tags);
    tq_csv(q, &b);
}

static void render_list(struct tq *q, const struct telemetry_qresult *r)
{
    if (q->csv) {
        render_list_csv(q, r);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < r->nentries; i++) {
        const struct telemetry_qentry *e = &r->entries[i];
        struct tsdb_series_parts sp;
        if (tsdb_series_key_parse(e->key.data, e->key.len, &sp) != 0)
            continue;
        json_t *j = json_pack("{s:s%, s:s%, s:o}", "measurement", sp.m, sp.mlen, "field", sp.f,
                              sp.flen, "tags", tags_json(&sp));
        if (!j)
            continue;
        if (q->kind == TQ_SERIES)
            json_object_set_new(j, "type", json_string(api_tsdb_type_name(e->type)));
        if (e->has_point) {
            json_object_set_new(j, "time", json_integer((json_int_t)(e->t / NS_PER_MS)));
            json_object_set_new(j, "value", value_json(e->type, e->v));
        }
        json_array_append_new(arr, j);
    }
    tq_json(q, json_pack("{s:o}", "series", arr));
}

/* ---- the handlers ---- */

static void tq_run(struct store_conn *db, void *arg)
{
    (void)db;
    struct tq *q = arg;
    struct tsdb_db *tdb = telemetry_ingest_db(q->api->ingest);
    struct telemetry_qresult r;
    int rc = q->kind == TQ_QUERY    ? telemetry_query_window(tdb, &q->q, &r)
             : q->kind == TQ_LATEST ? telemetry_query_latest(tdb, &q->q, &r)
                                    : telemetry_query_series(tdb, &q->q, &r);
    if (rc) {
        q->err = rc == IOC_ETOOBIG ? IOC_HTTP_E_LIMIT_EXCEEDED : IOC_HTTP_E_INTERNAL;
        snprintf(q->msg, sizeof q->msg, "%s", r.msg);
    } else if (q->kind == TQ_QUERY) {
        render_window(q, &r);
    } else {
        render_list(q, &r);
    }
    telemetry_qresult_free(&r);
}

static void tq_send(struct api_ctx *c, void *arg)
{
    struct tq *q = arg;
    if (q->err != IOC_HTTP_E_COUNT) {
        api_error(c, q->err, "%s", q->msg);
        return;
    }
    net_res_send(c->req, 200,
                 q->csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", q->body,
                 q->body_len);
}

/* A read of kind k; NULL after answering. */
static struct tq *tq_new(struct api_ctx *c, enum tq_kind k, const char *const *known)
{
    struct tq *q = net_req_alloc(c->req, sizeof *q);
    if (!q || !c->api->ingest) {
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "Telemetry is not available.");
        return NULL;
    }
    memset(q, 0, sizeof *q);
    q->api = c->api;
    q->kind = k;
    q->err = IOC_HTTP_E_COUNT;
    q->q.filters = q->filters;
    net_req_on_free(c->req, tq_free, q);
    if (params_check(c, q, known) != 0)
        return NULL;
    q->q.measurement = api_query(c, "measurement");
    q->q.field = api_query(c, "field");
    const char *fmt = api_query(c, "format");
    if ((q->q.measurement && !*q->q.measurement) || (q->q.field && !*q->q.field)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement and field must not be empty.");
        return NULL;
    }
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "format must be json or csv.");
        return NULL;
    }
    q->csv = fmt && strcmp(fmt, "csv") == 0;
    return q;
}

/* start, end, step, agg and group of a query. 0, or -1 after answering 400. */
static int tq_range(struct api_ctx *c, struct tq *q)
{
    const char *s = api_query(c, "start"), *e = api_query(c, "end"), *st = api_query(c, "step");
    const char *agg = api_query(c, "agg");
    q->q.end = ioc_now_ms() * NS_PER_MS;
    q->q.step = 60 * NS_PER_S;
    q->agg = TSDB_AGG_MEAN;
    q->q.group = api_query(c, "group");
    const char *bad = NULL;
    if (e && telemetry_time_parse(e, &q->q.end) != 0)
        bad = "end must be Unix seconds or an RFC 3339 time.";
    q->q.start = q->q.end - 3600 * NS_PER_S;
    if (!bad && s && telemetry_time_parse(s, &q->q.start) != 0)
        bad = "start must be Unix seconds or an RFC 3339 time.";
    else if (!bad && q->q.end <= q->q.start)
        bad = "end must be after start.";
    else if (!bad && st && telemetry_step_parse(st, &q->q.step) != 0)
        bad = "step must be like 60s, 5m, 1h, 1d, 500ms or whole seconds.";
    else if (!bad && agg && tsdb_agg_parse(agg, strlen(agg), &q->agg) != 0)
        bad = "agg must be mean, min, max, sum, count, first or last.";
    else if (!bad && q->q.group && !*q->q.group)
        bad = "group must name a tag.";
    if (bad) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s", bad);
        return -1;
    }
    return 0;
}

void h_telemetry_query(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", "start",  "end", "step",
                                        "agg",         "group", "format", NULL};
    struct tq *q = tq_new(c, TQ_QUERY, known);
    if (!q || tq_range(c, q) != 0)
        return;
    if (!q->q.measurement || !q->q.field) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement and field are required.");
        return;
    }
    api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}

void h_telemetry_latest(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", "format", NULL};
    struct tq *q = tq_new(c, TQ_LATEST, known);
    if (!q)
        return;
    if (!q->q.measurement) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement is required.");
        return;
    }
    api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}

void h_telemetry_series(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", "format", NULL};
    struct tq *q = tq_new(c, TQ_SERIES, known);
    if (q)
        api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}
