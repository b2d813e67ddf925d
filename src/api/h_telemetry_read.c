/*
 * h_telemetry_read.c — reading telemetry: GET /api/v1/query (aggregates in time buckets),
 * /api/v1/latest (the last point of each series) and /api/v1/series (what is stored). The
 * parameters are checked on the loop; the engine is read on the render worker (reading chunks
 * is file I/O), which builds the whole body; the loop sends it. Shapes in docs/api.md.
 *
 * Bounds: at most TQ_MAX_SERIES series selected, TQ_MAX_CELLS buckets × result series, and
 * TQ_MAX_POINTS points read per series; past them 400 limit_exceeded naming the bound.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#define TQ_MAX_SERIES 10000
#define TQ_MAX_CELLS 100000
#define TQ_MAX_POINTS 1000000
#define TQ_MAX_FILTERS 8
#define TQ_MAX_TIME_S 4000000000LL
#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

enum tq_kind { TQ_QUERY, TQ_LATEST, TQ_SERIES };

/* One read request; lives in the request's pool (body and ids in malloc, freed with it). */
struct tq {
    struct api *api;
    enum tq_kind kind;
    const char *m, *f, *group; /* f, group may be NULL */
    struct tsdb_tag_filter filters[TQ_MAX_FILTERS];
    size_t nfilters;
    int64_t start, end, step; /* ns */
    enum tsdb_agg agg;
    int csv;
    /* the answer, made by the worker */
    enum ioc_http_error err; /* IOC_HTTP_E_COUNT: none */
    char msg[200];
    char *body;
    size_t body_len;
    uint32_t *ids;
};

static void tq_free(void *arg)
{
    struct tq *q = arg;
    free(q->body);
    free(q->ids);
}

static void tq_fail(struct tq *q, enum ioc_http_error e, const char *msg)
{
    q->err = e;
    snprintf(q->msg, sizeof q->msg, "%s", msg);
}

/* "60s", "5m", "1h", "1d", "500ms" or plain seconds, into ns. */
static int step_parse(const char *s, int64_t *out)
{
    size_t n = strlen(s), d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    int64_t v, unit;
    if (d == 0 || ioc_parse_i64(s, d, 1, 1000000000, &v) != 0)
        return IOC_EINVAL;
    const char *u = s + d;
    if (!*u || strcmp(u, "s") == 0)
        unit = NS_PER_S;
    else if (strcmp(u, "ms") == 0)
        unit = NS_PER_MS;
    else if (strcmp(u, "m") == 0)
        unit = 60 * NS_PER_S;
    else if (strcmp(u, "h") == 0)
        unit = 3600 * NS_PER_S;
    else if (strcmp(u, "d") == 0)
        unit = 86400 * NS_PER_S;
    else
        return IOC_EINVAL;
    if (v > INT64_MAX / unit)
        return IOC_EINVAL;
    *out = v * unit;
    return 0;
}

/* Unix seconds or RFC 3339, into ns; within ±TQ_MAX_TIME_S (1843 to 2096), so that the
 * difference of two times fits in an int64 of ns. */
static int time_parse(const char *s, int64_t *out)
{
    int64_t v;
    size_t n = strlen(s);
    if (ioc_parse_i64(s, n, -TQ_MAX_TIME_S, TQ_MAX_TIME_S, &v) == 0) {
        *out = v * NS_PER_S;
        return 0;
    }
    if (ioc_time_parse(s, n, &v) != 0 || v < -TQ_MAX_TIME_S * 1000 || v > TQ_MAX_TIME_S * 1000)
        return IOC_EINVAL;
    *out = v * NS_PER_MS;
    return 0;
}

/* See api_int.h. */
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
        if (q->nfilters == TQ_MAX_FILTERS) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "At most %d tag filters.", TQ_MAX_FILTERS);
            return -1;
        }
        if (api_tag_filter_add(c, &q->filters[q->nfilters++], k + 4, c->qv[i]) != 0) {
            api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* ---- shared rendering ---- */

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

/* Sets q->body to the dump of j (stolen). */
static void tq_json(struct tq *q, json_t *j)
{
    q->body = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(j);
    if (!q->body)
        tq_fail(q, IOC_HTTP_E_INTERNAL, "out of memory");
    else
        q->body_len = strlen(q->body);
}

/* The ids of the series of (m, f) passing the filters into q->ids; 0 or -1 after tq_fail. */
static int tq_select(struct tq *q, struct tsdb_db *db, const char *f, size_t *n)
{
    if (!q->ids)
        q->ids = malloc(TQ_MAX_SERIES * sizeof *q->ids);
    int rc = q->ids ? tsdb_db_select(db, q->m, strlen(q->m), f, strlen(f), q->filters, q->nfilters,
                                     q->ids, TQ_MAX_SERIES, n)
                    : IOC_ENOMEM;
    if (rc == IOC_ETOOBIG) {
        snprintf(q->msg, sizeof q->msg, "More than %d series match; narrow the tag filters.",
                 TQ_MAX_SERIES);
        q->err = IOC_HTTP_E_LIMIT_EXCEEDED;
        return -1;
    }
    if (rc) {
        tq_fail(q, IOC_HTTP_E_INTERNAL, ioc_strerror(rc));
        return -1;
    }
    return 0;
}

/* ---- GET /api/v1/query ---- */

struct tq_group {
    char *value; /* of the group tag; NULL without group= */
    struct tsdb_window w;
};

/* The value of tag `name` in the key of series id (malloc), "" if it has none; NULL: ENOMEM. */
static char *group_value(struct tsdb_db *db, uint32_t id, const char *name)
{
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    enum tsdb_type type;
    struct tsdb_series_parts sp;
    struct tsdb_tag tag;
    char *v = NULL;
    if (tsdb_db_series_key(db, id, &key, &type) == 0 &&
        tsdb_series_key_parse(key.data, key.len, &sp) == 0)
        for (size_t i = 0; !v && tsdb_series_parts_tag(&sp, i, &tag) == 0; i++)
            if (tag.key_len == strlen(name) && memcmp(tag.key, name, tag.key_len) == 0)
                v = strndup(tag.value, tag.value_len);
    ioc_buf_free(&key);
    return v ? v : strdup("");
}

/* Puts each selected series in its group; *ng groups, gix[i] the group of ids[i]. */
static int tq_groups(struct tq *q, struct tsdb_db *db, size_t n, struct tq_group *g, size_t *ng,
                     size_t *gix)
{
    *ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (!q->group) {
            gix[i] = 0;
            *ng = 1;
            continue;
        }
        char *v = group_value(db, q->ids[i], q->group);
        if (!v)
            return IOC_ENOMEM;
        size_t k = 0;
        while (k < *ng && strcmp(g[k].value, v) != 0)
            k++;
        if (k == *ng)
            g[(*ng)++].value = v;
        else
            free(v);
        gix[i] = k;
    }
    return 0;
}

/* s as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break). */
static void csv_put(struct ioc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        ioc_buf_puts(b, s);
        return;
    }
    ioc_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            ioc_buf_putc(b, '"');
        ioc_buf_putc(b, *s);
    }
    ioc_buf_putc(b, '"');
}

static void tq_render_point(struct tq *q, struct ioc_buf *b, json_t *pts, const struct tq_group *g,
                            size_t i)
{
    double v;
    int64_t t = tsdb_window_bucket_start(&g->w, i);
    int have = tsdb_bucket_value(&g->w.b[i], q->agg, &v) == 0;
    if (!have && q->agg == TSDB_AGG_COUNT) {
        v = 0;
        have = 1;
    }
    if (!q->csv) {
        json_array_append_new(pts, json_pack("[I,o]", (json_int_t)(t / NS_PER_MS),
                                             have ? json_real(v) : json_null()));
        return;
    }
    char ts[32];
    ioc_time_rfc3339(t / NS_PER_MS, ts);
    ioc_buf_puts(b, ts);
    if (q->group) {
        ioc_buf_putc(b, ',');
        csv_put(b, g->value);
    }
    if (have)
        ioc_buf_printf(b, ",%.17g\n", v);
    else
        ioc_buf_puts(b, ",\n");
}

static void tq_render(struct tq *q, struct tq_group *g, size_t ng)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 64 << 20);
    json_t *series = json_array();
    if (q->csv) {
        ioc_buf_puts(&b, "time,");
        if (q->group) {
            csv_put(&b, q->group);
            ioc_buf_putc(&b, ',');
        }
        ioc_buf_puts(&b, "value\n");
    }
    for (size_t k = 0; k < ng; k++) {
        json_t *pts = json_array();
        for (size_t i = 0; i < g[k].w.n; i++)
            tq_render_point(q, &b, pts, &g[k], i);
        json_t *tags = json_object();
        if (q->group)
            json_object_set_new(tags, q->group, json_string(g[k].value));
        json_array_append_new(series, json_pack("{s:o, s:o}", "tags", tags, "points", pts));
    }
    if (q->csv) {
        json_decref(series);
        q->body = b.data;
        q->body_len = b.len;
        if (!b.data)
            tq_fail(q, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    ioc_buf_free(&b);
    tq_json(q, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "measurement", q->m, "field", q->f,
                         "agg", tsdb_agg_name(q->agg), "start", (json_int_t)(q->start / NS_PER_MS),
                         "end", (json_int_t)(q->end / NS_PER_MS), "step_ms",
                         (json_int_t)(q->step / NS_PER_MS), "series", series));
}

/* Reads every series into its group's window. 0 or -1 after tq_fail. */
static int tq_fill(struct tq *q, struct tsdb_db *db, size_t n, struct tq_group *g, size_t ng,
                   const size_t *gix)
{
    int64_t span = q->end - q->start, nb = span / q->step + (span % q->step != 0);
    if (nb * (int64_t)(ng ? ng : 1) > TQ_MAX_CELLS) {
        snprintf(q->msg, sizeof q->msg,
                 "%lld buckets × %zu series is over %d; widen step or narrow the range.",
                 (long long)nb, ng, TQ_MAX_CELLS);
        q->err = IOC_HTTP_E_LIMIT_EXCEEDED;
        return -1;
    }
    for (size_t k = 0; k < ng; k++)
        if (tsdb_window_init(&g[k].w, q->start, q->end, q->step, TQ_MAX_CELLS) != 0) {
            tq_fail(q, IOC_HTTP_E_INTERNAL, "out of memory");
            return -1;
        }
    for (size_t i = 0; i < n; i++) {
        int rc = tsdb_db_window(db, q->ids[i], &g[gix[i]].w, TQ_MAX_POINTS);
        if (rc == IOC_ETOOBIG) {
            snprintf(q->msg, sizeof q->msg, "A series has more than %d points in the range.",
                     TQ_MAX_POINTS);
            q->err = IOC_HTTP_E_LIMIT_EXCEEDED;
            return -1;
        }
        if (rc && rc != IOC_ENOTFOUND) {
            tq_fail(q, IOC_HTTP_E_INTERNAL, ioc_strerror(rc));
            return -1;
        }
    }
    return 0;
}

static void run_query(struct tq *q, struct tsdb_db *db)
{
    size_t n = 0, ng = 0;
    if (tq_select(q, db, q->f, &n) != 0)
        return;
    struct tq_group *g = calloc(n ? n : 1, sizeof *g);
    size_t *gix = calloc(n ? n : 1, sizeof *gix);
    int rc = g && gix ? tq_groups(q, db, n, g, &ng, gix) : IOC_ENOMEM;
    if (rc)
        tq_fail(q, IOC_HTTP_E_INTERNAL, "out of memory");
    else if (tq_fill(q, db, n, g, ng, gix) == 0)
        tq_render(q, g, ng);
    for (size_t k = 0; g && k < ng; k++) {
        free(g[k].value);
        tsdb_window_free(&g[k].w);
    }
    free(g);
    free(gix);
}

/* ---- GET /api/v1/latest and /api/v1/series ---- */

struct tq_field {
    char *m, *f;
    int type;
};
struct tq_fields {
    const char *m; /* only this measurement, or NULL */
    const char *f; /* only this field, or NULL */
    struct tq_field *v;
    size_t n, cap;
};

static int collect_field(void *ctx, const char *m, size_t mlen, const char *f, size_t flen,
                         int type, size_t nseries)
{
    (void)nseries;
    struct tq_fields *fs = ctx;
    if ((fs->m && (strlen(fs->m) != mlen || memcmp(fs->m, m, mlen) != 0)) ||
        (fs->f && (strlen(fs->f) != flen || memcmp(fs->f, f, flen) != 0)))
        return 0;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 16;
        void *p = realloc(fs->v, cap * sizeof *fs->v);
        if (!p)
            return IOC_ENOMEM;
        fs->v = p;
        fs->cap = cap;
    }
    struct tq_field *e = &fs->v[fs->n++];
    e->m = strndup(m, mlen);
    e->f = strndup(f, flen);
    e->type = type;
    return e->m && e->f ? 0 : IOC_ENOMEM;
}

static void fields_free(struct tq_fields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].m);
        free(fs->v[i].f);
    }
    free(fs->v);
}

/* One element of the answer for series id of field e: its tags and, for latest, its point. 0;
 * IOC_ENOTFOUND for a series without points (latest); another code on failure. */
static int series_entry(struct tq *q, struct tsdb_db *db, const struct tq_field *e, uint32_t id,
                        json_t **out)
{
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    enum tsdb_type type;
    struct tsdb_series_parts sp;
    int rc = tsdb_db_series_key(db, id, &key, &type);
    if (rc == 0)
        rc = tsdb_series_key_parse(key.data, key.len, &sp);
    json_t *j = rc ? NULL
                   : json_pack("{s:s, s:s, s:o}", "measurement", e->m, "field", e->f, "tags",
                               tags_json(&sp));
    ioc_buf_free(&key);
    if (rc == 0 && q->kind == TQ_SERIES) {
        json_object_set_new(j, "type", json_string(api_tsdb_type_name(type)));
    } else if (rc == 0) {
        int64_t t;
        uint64_t v;
        rc = tsdb_db_latest(db, id, &t, &v, &type);
        if (rc == 0) {
            json_object_set_new(j, "time", json_integer((json_int_t)(t / NS_PER_MS)));
            json_object_set_new(j, "value", value_json(type, v));
        }
    }
    if (rc)
        json_decref(j);
    *out = rc ? NULL : j;
    return rc;
}

static void run_list(struct tq *q, struct tsdb_db *db)
{
    struct tq_fields fs = {q->m, q->f, NULL, 0, 0};
    int rc = tsdb_db_fields(db, collect_field, &fs);
    json_t *arr = json_array();
    size_t total = 0;
    for (size_t i = 0; rc == 0 && i < fs.n && q->err == IOC_HTTP_E_COUNT; i++) {
        const char *m = q->m;
        q->m = fs.v[i].m;
        size_t n = 0;
        int sel = tq_select(q, db, fs.v[i].f, &n);
        q->m = m;
        if (sel != 0)
            break;
        total += n;
        if (total > TQ_MAX_SERIES) {
            snprintf(q->msg, sizeof q->msg, "More than %d series; give measurement= or tags.",
                     TQ_MAX_SERIES);
            q->err = IOC_HTTP_E_LIMIT_EXCEEDED;
            break;
        }
        for (size_t k = 0; rc == 0 && k < n; k++) {
            json_t *j = NULL;
            rc = series_entry(q, db, &fs.v[i], q->ids[k], &j);
            if (rc == IOC_ENOTFOUND)
                rc = 0;
            else if (rc == 0)
                json_array_append_new(arr, j);
        }
    }
    fields_free(&fs);
    if (rc && q->err == IOC_HTTP_E_COUNT)
        tq_fail(q, IOC_HTTP_E_INTERNAL, ioc_strerror(rc));
    if (q->err != IOC_HTTP_E_COUNT)
        json_decref(arr);
    else
        tq_json(q, json_pack("{s:o}", "series", arr));
}

/* ---- the handlers ---- */

static void tq_run(struct store_conn *db, void *arg)
{
    (void)db;
    struct tq *q = arg;
    struct tsdb_db *tdb = telemetry_ingest_db(q->api->ingest);
    if (q->kind == TQ_QUERY)
        run_query(q, tdb);
    else
        run_list(q, tdb);
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
    q->api = c->api;
    q->kind = k;
    q->err = IOC_HTTP_E_COUNT;
    net_req_on_free(c->req, tq_free, q);
    if (params_check(c, q, known) != 0)
        return NULL;
    q->m = api_query(c, "measurement");
    q->f = api_query(c, "field");
    if ((q->m && !*q->m) || (q->f && !*q->f)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement and field must not be empty.");
        return NULL;
    }
    return q;
}

/* start, end, step, agg, group and format of a query. 0, or -1 after answering 400. */
static int tq_range(struct api_ctx *c, struct tq *q)
{
    const char *s = api_query(c, "start"), *e = api_query(c, "end"), *st = api_query(c, "step");
    const char *agg = api_query(c, "agg"), *fmt = api_query(c, "format");
    q->end = ioc_now_ms() * NS_PER_MS;
    q->step = 60 * NS_PER_S;
    q->agg = TSDB_AGG_MEAN;
    q->group = api_query(c, "group");
    const char *bad = NULL;
    if (e && time_parse(e, &q->end) != 0)
        bad = "end must be Unix seconds or an RFC 3339 time.";
    q->start = q->end - 3600 * NS_PER_S;
    if (!bad && s && time_parse(s, &q->start) != 0)
        bad = "start must be Unix seconds or an RFC 3339 time.";
    else if (!bad && q->end <= q->start)
        bad = "end must be after start.";
    else if (!bad && st && step_parse(st, &q->step) != 0)
        bad = "step must be like 60s, 5m, 1h, 1d, 500ms or whole seconds.";
    else if (!bad && agg && tsdb_agg_parse(agg, strlen(agg), &q->agg) != 0)
        bad = "agg must be mean, min, max, sum, count, first or last.";
    else if (!bad && fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
        bad = "format must be json or csv.";
    else if (!bad && q->group && !*q->group)
        bad = "group must name a tag.";
    if (bad) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s", bad);
        return -1;
    }
    q->csv = fmt && strcmp(fmt, "csv") == 0;
    return 0;
}

void h_telemetry_query(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", "start",  "end", "step",
                                        "agg",         "group", "format", NULL};
    struct tq *q = tq_new(c, TQ_QUERY, known);
    if (!q || tq_range(c, q) != 0)
        return;
    if (!q->m || !q->f) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement and field are required.");
        return;
    }
    api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}

void h_telemetry_latest(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", NULL};
    struct tq *q = tq_new(c, TQ_LATEST, known);
    if (!q)
        return;
    if (!q->m) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "measurement is required.");
        return;
    }
    api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}

void h_telemetry_series(struct api_ctx *c)
{
    static const char *const known[] = {"measurement", "field", NULL};
    struct tq *q = tq_new(c, TQ_SERIES, known);
    if (q)
        api_worker_offload(c, c->api->renderer, tq_run, q, tq_send);
}
