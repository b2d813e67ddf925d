/*
 * h_telemetry.c — telemetry over HTTP, the InfluxDB way: POST /write (1.x) and
 * POST /api/v2/write (2.x) take line protocol, GET|HEAD /ping and /query (CREATE DATABASE,
 * SHOW DATABASES) let Telegraf and the influx CLI connect. The body is parsed on the loop (CPU
 * only, bounded by telemetry.max_body); the keyed points go to the ingest thread, which answers
 * once they are durable. Reads (h_telemetry_read.c) run on the render worker.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

API_OPENAPI_FRAGMENT(api_openapi_telemetry, "src/api/openapi/telemetry.json");

#define INFLUX_VERSION "1.8.10"

const char *api_tsdb_type_name(enum tsdb_type t)
{
    switch (t) {
    case TSDB_FLOAT:
        return "float";
    case TSDB_INT:
        return "integer";
    case TSDB_UINT:
        return "unsigned";
    case TSDB_BOOL:
        return "boolean";
    default:
        return "string";
    }
}

int api_gunzip(const char *in, size_t n, size_t max, char **out, size_t *out_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return IOC_ENOMEM;
    size_t cap = n * 4 + 1024 < max ? n * 4 + 1024 : max + 1;
    char *buf = malloc(cap);
    int rc = buf ? 0 : IOC_ENOMEM, zr = Z_OK;
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    size_t len = 0;
    while (rc == 0 && zr != Z_STREAM_END) {
        if (len == cap) {
            size_t ncap = cap * 2 < max + 1 ? cap * 2 : max + 1;
            char *nb = len > max ? NULL : realloc(buf, ncap);
            if (len > max || ncap == cap) {
                rc = IOC_ETOOBIG;
                break;
            }
            if (!nb) {
                rc = IOC_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        z.next_out = (unsigned char *)buf + len;
        z.avail_out = (uInt)(cap - len);
        zr = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (zr != Z_OK && zr != Z_STREAM_END)
            rc = IOC_EINVAL;
        else if (zr == Z_OK && z.avail_in == 0 && z.avail_out > 0)
            rc = IOC_EINVAL; /* truncated */
    }
    inflateEnd(&z);
    if (rc == 0 && len > max)
        rc = IOC_ETOOBIG;
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_n = len;
    return 0;
}

const char *api_form_value(struct api_ctx *c, const char *body, size_t n, const char *key)
{
    size_t hn;
    const char *ct = net_req_header(c->req, "content-type", &hn);
    if (!ct || hn < 33 || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 || n == 0)
        return NULL;
    size_t cap = 2 * n + 64;
    char *buf = net_req_alloc(c->req, cap);
    const char *k[16], *v[16];
    int cnt = 0;
    if (!buf || api_query_parse(body, n, buf, cap, k, v, 16, &cnt) != 0)
        return NULL;
    for (int i = 0; i < cnt; i++)
        if (strcmp(k[i], key) == 0)
            return v[i];
    return NULL;
}

/* One write in flight; lives in the request's pool, its arrays in malloc (freed with it). */
struct tw {
    struct api_ctx *c;
    const struct telemetry_settings *s;
    struct telemetry_batch b;
    size_t lines_bad;
    size_t err_line, err_col;
    char err_msg[160];
    int stop_rc; /* why parsing stopped: IOC_ETOOBIG (max_points), IOC_ENOMEM */
    char *inflated;
    struct net_pending *pending;
    int rc;
    struct tsdb_write_report rep;
};

static void tw_free(void *arg)
{
    struct tw *w = arg;
    telemetry_batch_free(&w->b);
    free(w->inflated);
}

/* One parsed point: its numeric fields into the batch (src/telemetry/points.c). */
static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct tw *w = ctx;
    return telemetry_batch_add(&w->b, pt);
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct tw *w = ctx;
    if (w->lines_bad++ == 0) {
        w->err_line = e->line;
        w->err_col = e->column;
        snprintf(w->err_msg, sizeof w->err_msg, "%s", e->message);
    }
    return 0;
}

/* The body, inflated if gzip; NULL after answering (413 past the limit, 400 if damaged). */
static const char *body_of(struct api_ctx *c, struct tw *w, size_t *n)
{
    const char *body = net_req_body(c->req, n);
    size_t max = (size_t)w->s->max_body;
    size_t hn;
    const char *ce = net_req_header(c->req, "content-encoding", &hn);
    int gzip = ce && hn == 4 && strncasecmp(ce, "gzip", 4) == 0;
    if (ce && !gzip && !(hn == 8 && strncasecmp(ce, "identity", 8) == 0)) {
        api_error(c, IOC_HTTP_E_UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip or none.");
        return NULL;
    }
    if (!gzip && *n <= max)
        return body;
    if (!gzip) {
        api_error(c, IOC_HTTP_E_BODY_TOO_LARGE, "The body is over telemetry.max_body (%zu bytes).",
                  max);
        return NULL;
    }
    int rc = api_gunzip(body, *n, max, &w->inflated, n);
    if (rc == IOC_ETOOBIG)
        api_error(c, IOC_HTTP_E_BODY_TOO_LARGE,
                  "The inflated body is over telemetry.max_body (%zu bytes).", max);
    else if (rc)
        api_error(c, IOC_HTTP_E_BAD_REQUEST, "The gzip body is damaged.");
    return rc ? NULL : (w->inflated ? w->inflated : "");
}

/* The answer once the ingest thread wrote (or refused) the points. */
static void write_answer(struct api_ctx *c, struct tw *w)
{
    if (w->rc == IOC_ETOOBIG) {
        api_error(c, IOC_HTTP_E_LIMIT_EXCEEDED, "The time-series engine is full.");
        return;
    }
    if (w->rc) {
        api_error_rc(c, w->rc, "telemetry write");
        return;
    }
    if (w->lines_bad) {
        api_error(c, IOC_HTTP_E_BAD_LINE_PROTOCOL,
                  "line %zu, column %zu: %s (%zu points written, %zu lines dropped)", w->err_line,
                  w->err_col, w->err_msg, w->rep.accepted, w->lines_bad);
        return;
    }
    if (w->rep.refused) {
        const struct tsdb_point_in *p = &w->b.pts[w->rep.first_refused];
        struct tsdb_series_parts sp;
        int ok = tsdb_series_key_parse(p->key, p->key_len, &sp) == 0;
        int mlen = ok ? (int)sp.mlen : 0, flen = ok ? (int)sp.flen : 0;
        const char *m = ok ? sp.m : "", *f = ok ? sp.f : "";
        if (w->rep.first_rc == IOC_EEXIST)
            api_error(c, IOC_HTTP_E_FIELD_TYPE_CONFLICT,
                      "measurement %.*s field %.*s is stored as %s (%zu points written, %zu "
                      "refused)",
                      mlen, m, flen, f, api_tsdb_type_name(w->rep.stored_type), w->rep.accepted,
                      w->rep.refused);
        else
            api_error(c, IOC_HTTP_E_LIMIT_EXCEEDED,
                      "measurement %.*s field %.*s: %s (telemetry.max_series %lld; %zu points "
                      "written, %zu refused)",
                      mlen, m, flen, f, ioc_strerror(w->rep.first_rc), (long long)w->s->max_series,
                      w->rep.accepted, w->rep.refused);
        return;
    }
    if (w->b.strings) {
        char v[32];
        snprintf(v, sizeof v, "%zu", w->b.strings);
        net_res_header(c->req, "x-ioc-skipped-string-fields", v);
    }
    net_res_send(c->req, 204, NULL, NULL, 0);
}

static void on_resumed(struct net_req *r, void *arg)
{
    (void)r;
    struct tw *w = arg;
    write_answer(w->c, w);
}

static void on_written(void *arg, int rc, const struct tsdb_write_report *rep)
{
    struct tw *w = arg;
    w->rc = rc;
    w->rep = *rep;
    net_pending_resume(w->pending, on_resumed, w);
}

/* Parses the body into w; 0, or -1 after answering. */
static int parse_body_lp(struct api_ctx *c, struct tw *w, enum telemetry_lp_precision prec)
{
    size_t n;
    const char *body = body_of(c, w, &n);
    if (!body)
        return -1;
    int rc = c->t->lp ? 0 : telemetry_lp_create(NULL, &c->t->lp);
    if (rc == 0)
        rc = telemetry_lp_parse(c->t->lp, body, n, prec, ioc_now_ms() * 1000000, on_point, on_error,
                                w, NULL);
    telemetry_ingest_count_refused(c->api->ingest, w->lines_bad);
    if (rc == IOC_ETOOBIG) {
        api_error(c, IOC_HTTP_E_BODY_TOO_LARGE,
                  "The body has more than telemetry.max_points (%d) points; nothing was written.",
                  w->s->max_points);
        return -1;
    }
    if (rc) {
        api_error_rc(c, rc, "telemetry parse");
        return -1;
    }
    telemetry_batch_finish(&w->b);
    return 0;
}

static void telemetry_write(struct api_ctx *c, enum telemetry_lp_precision prec)
{
    struct api *a = c->api;
    struct tw *w = net_req_alloc(c->req, sizeof *w);
    if (!w || !a->ingest) {
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "Telemetry is not available.");
        return;
    }
    w->c = c;
    w->s = telemetry_settings_get(a->cfg);
    telemetry_batch_init(&w->b, (size_t)w->s->max_points);
    net_req_on_free(c->req, tw_free, w);
    if (parse_body_lp(c, w, prec) != 0)
        return;
    if (w->b.n == 0) {
        write_answer(c, w);
        return;
    }
    w->pending = net_req_suspend(c->req);
    int rc = telemetry_ingest_submit(a->ingest, w->b.pts, w->b.n, on_written, w);
    if (rc) {
        w->rc = rc == IOC_EBUSY ? IOC_EBUSY : rc;
        telemetry_ingest_count_refused(a->ingest, w->b.n);
        net_res_header(c->req, "retry-after", "1");
        net_pending_resume(w->pending, on_resumed, w);
    }
}

static void h_write_v1(struct api_ctx *c)
{
    static const char *const known[] = {"db", "rp", "precision", "u", "p", "consistency", NULL};
    if (api_query_only(c, known) != 0)
        return;
    const char *p = api_query(c, "precision");
    enum telemetry_lp_precision prec = TELEMETRY_LP_NS;
    if (p && (strcmp(p, "n") == 0 || strcmp(p, "ns") == 0))
        p = NULL;
    if (p && telemetry_lp_precision_parse(p, strlen(p), &prec) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "precision must be ns, u, ms, s, m or h.");
        return;
    }
    telemetry_write(c, prec);
}

static void h_write_v2(struct api_ctx *c)
{
    static const char *const known[] = {"org", "orgID", "bucket", "precision", NULL};
    if (api_query_only(c, known) != 0)
        return;
    const char *p = api_query(c, "precision");
    enum telemetry_lp_precision prec = TELEMETRY_LP_NS;
    if (p && strcmp(p, "ns") != 0 && strcmp(p, "us") != 0 && strcmp(p, "ms") != 0 &&
        strcmp(p, "s") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "precision must be ns, us, ms or s.");
        return;
    }
    if (p)
        telemetry_lp_precision_parse(p, strlen(p), &prec);
    telemetry_write(c, prec);
}

static void h_ping(struct api_ctx *c)
{
    net_res_header(c->req, "x-influxdb-version", INFLUX_VERSION);
    net_res_header(c->req, "x-influxdb-build", "OSS");
    net_res_send(c->req, 204, NULL, NULL, 0);
}

/* The statement of q, upper-cased words compared: "CREATE DATABASE x" or "SHOW DATABASES". */
static int word_at(const char **s, const char *w)
{
    while (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')
        (*s)++;
    size_t n = strlen(w);
    if (strncasecmp(*s, w, n) != 0)
        return 0;
    char after = (*s)[n];
    if (after && after != ' ' && after != '\t' && after != ';' && after != '\n')
        return 0;
    *s += n;
    return 1;
}

static void h_query(struct api_ctx *c)
{
    static const char *const known[] = {"q", "db", "u", "p", "epoch", "pretty", "chunked", NULL};
    if (api_query_only(c, known) != 0)
        return;
    const char *q = api_query(c, "q");
    if (!q) {
        size_t n;
        const char *body = net_req_body(c->req, &n);
        q = api_form_value(c, body, n, "q");
    }
    const char *s = q ? q : "";
    json_t *res = json_pack("{s:i}", "statement_id", 0);
    if (word_at(&s, "CREATE") && word_at(&s, "DATABASE")) {
        /* one store for every database name: nothing to create */
    } else if (s = q ? q : "", word_at(&s, "SHOW") && word_at(&s, "DATABASES")) {
        json_object_set_new(res, "series",
                            json_pack("[{s:s, s:[s], s:[[s]]}]", "name", "databases", "columns",
                                      "name", "values", "telemetry"));
    } else {
        json_decref(res);
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "Only CREATE DATABASE and SHOW DATABASES are understood here; query with "
                  "GET /api/v1/query.");
        return;
    }
    api_json(c, 200, json_pack("{s:[o]}", "results", res));
}

/* The writes take bodies up to telemetry.max_body as sent (and again as inflated: body_of). */
static int64_t write_max_body(const struct ioc_config *cfg)
{
    return telemetry_settings_get(cfg)->max_body;
}

static const struct api_route routes[] = {
    API_ROUTE_BODY("POST", "/write", "telemetry.write", AUTH_STAFF_UP, "staff", "write:telemetry",
                   0, h_write_v1, write_max_body),
    API_ROUTE_BODY("POST", "/api/v2/write", "telemetry.write_v2", AUTH_STAFF_UP, "staff",
                   "write:telemetry", 0, h_write_v2, write_max_body),
    API_ROUTE("GET", "/ping", "telemetry.ping", AUTH_PUBLIC, "public", NULL, 0, h_ping),
    API_ROUTE("GET", "/query", "telemetry.influxql", AUTH_STAFF_UP, "staff", "write:telemetry", 0,
              h_query),
    API_ROUTE("POST", "/query", "telemetry.influxql_post", AUTH_STAFF_UP, "staff",
              "write:telemetry", 0, h_query),
    API_ROUTE("GET", "/api/v1/query", "telemetry.query", AUTH_STAFF_UP, "staff", "read:telemetry",
              0, h_telemetry_query),
    API_ROUTE("GET", "/api/v1/latest", "telemetry.latest", AUTH_STAFF_UP, "staff", "read:telemetry",
              0, h_telemetry_latest),
    API_ROUTE("GET", "/api/v1/series", "telemetry.series", AUTH_STAFF_UP, "staff", "read:telemetry",
              0, h_telemetry_series),
    API_ROUTE("GET", "/api/v1/stream", "telemetry.stream", AUTH_STAFF_UP, "staff", "read:telemetry",
              0, h_telemetry_stream),
};

const struct api_module api_module_telemetry =
    API_MODULE("telemetry", routes, api_openapi_telemetry);
