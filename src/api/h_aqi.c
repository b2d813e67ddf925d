/*
 * h_aqi.c — the Vietnam Air Quality Index of a station: GET /api/v1/aqi/{station}/hourly and
 * /daily (JSON, or CSV with format=csv in the columns of `iocctl aqi`). The parameters are
 * parsed on the loop; the indices are computed on the render worker from the stored readings
 * by src/environment (env_aqi_hourly, env_aqi_daily: the same library as iocctl aqi), which
 * also renders the body. Public: the province publishes the AQI; no personal data.
 */
#include "api/api_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "environment/environment.h"

API_OPENAPI_FRAGMENT(api_openapi_aqi, "src/api/openapi/aqi.json");

#define NS_PER_MS 1000000LL

struct aq {
    struct api *api;
    const char *station;
    int daily, csv;
    int64_t from, to;        /* hourly: labels, ns */
    int32_t dfrom, dto;      /* daily: local days */
    enum ioc_http_error err; /* IOC_HTTP_E_COUNT: none */
    char msg[200];
    struct ioc_buf body;
};

static void aq_free(void *arg)
{
    struct aq *q = arg;
    ioc_buf_free(&q->body);
}

/* "2026-12-03T11:00:00+07:00" for an hour label, "2026-12-03" for a day. */
static void put_time(struct ioc_buf *b, const struct aq *q, const struct env_aqi_row *row)
{
    char date[11];
    if (q->daily) {
        ioc_date_format(row->day, date);
        ioc_buf_puts(b, date);
        return;
    }
    int64_t local = row->label + ENV_LOCAL_OFFSET_NS;
    int64_t days = local >= 0 ? local / ENV_DAY_NS : -((-local + ENV_DAY_NS - 1) / ENV_DAY_NS);
    int hour = (int)((local - days * ENV_DAY_NS) / ENV_HOUR_NS);
    ioc_date_format((int32_t)days, date);
    ioc_buf_printf(b, "%sT%02d:00:00+07:00", date, hour);
}

/* The columns and rows of iocctl aqi, written by the same library calls. */
static void render_csv(struct aq *q, const struct env_aqi_row *rows, size_t n)
{
    aqi_csv_put_header(&q->body);
    for (size_t i = 0; i < n; i++)
        aqi_csv_put_row(&q->body, q->daily, q->daily ? rows[i].day : rows[i].label / 1000000000,
                        &rows[i].r);
}

static void put_json_str(struct ioc_buf *b, const char *k, const char *v)
{
    ioc_buf_printf(b, ",\"%s\":", k);
    ioc_buf_json_str(b, v, strlen(v));
}

static void render_json(struct aq *q, const struct env_aqi_row *rows, size_t n)
{
    struct ioc_buf *b = &q->body;
    ioc_buf_puts(b, "{\"station\":");
    ioc_buf_json_str(b, q->station, strlen(q->station));
    ioc_buf_printf(b, ",\"%s\":[", q->daily ? "days" : "hours");
    for (size_t i = 0; i < n; i++) {
        const struct aqi_result *r = &rows[i].r;
        ioc_buf_puts(b, i ? ",{\"time\":\"" : "{\"time\":\"");
        put_time(b, q, &rows[i]);
        ioc_buf_putc(b, '"');
        if (r->aqi >= 0) {
            ioc_buf_printf(b, ",\"aqi\":%d,\"class\":%d", r->aqi, r->cls);
            put_json_str(b, "class_vi", aqi_class_vi(r->cls));
            put_json_str(b, "class_en", aqi_class_en(r->cls));
            put_json_str(b, "colour", aqi_class_colour(r->cls));
            put_json_str(b, "dominant", aqi_pollutant_name((enum aqi_pollutant)r->dominant));
        } else {
            ioc_buf_puts(b, ",\"aqi\":null,\"class\":null,\"dominant\":null");
        }
        put_json_str(b, "reason", aqi_reason_name(r->reason));
        ioc_buf_puts(b, ",\"sub\":{");
        int first = 1;
        for (int p = 0; p < AQI_NPOLL; p++)
            if (r->sub[p] >= 0) {
                ioc_buf_printf(b, "%s\"%s\":%d", first ? "" : ",",
                               aqi_pollutant_name((enum aqi_pollutant)p), r->sub[p]);
                first = 0;
            }
        ioc_buf_puts(b, "},\"conc\":{");
        first = 1;
        for (int p = 0; p < AQI_NPOLL; p++)
            if (isfinite(r->conc[p])) {
                ioc_buf_printf(b, "%s\"%s\":%.1f", first ? "" : ",",
                               aqi_pollutant_name((enum aqi_pollutant)p), r->conc[p]);
                first = 0;
            }
        ioc_buf_putc(b, '}');
        if (q->daily)
            ioc_buf_printf(b, ",\"o3_8h\":%s", r->o3_8h ? "true" : "false");
        ioc_buf_putc(b, '}');
    }
    ioc_buf_puts(b, "]}");
}

static void aq_run(struct store_conn *db, void *arg)
{
    (void)db;
    struct aq *q = arg;
    struct tsdb_db *tdb = telemetry_ingest_db(q->api->ingest);
    struct env_aqi_row *rows = NULL;
    size_t n = 0;
    int rc = q->daily ? env_aqi_daily(tdb, q->station, q->dfrom, q->dto, &rows, &n)
                      : env_aqi_hourly(tdb, q->station, q->from, q->to, &rows, &n);
    if (rc) {
        q->err = rc == IOC_ETOOBIG ? IOC_HTTP_E_LIMIT_EXCEEDED : IOC_HTTP_E_INTERNAL;
        snprintf(q->msg, sizeof q->msg, "%s",
                 rc == IOC_ETOOBIG ? "At most 400 days in one request." : ioc_strerror(rc));
    } else {
        ioc_buf_init(&q->body, (size_t)64 << 20);
        if (q->csv)
            render_csv(q, rows, n);
        else
            render_json(q, rows, n);
        if (!q->body.data) {
            q->err = IOC_HTTP_E_INTERNAL;
            snprintf(q->msg, sizeof q->msg, "out of memory");
        }
    }
    free(rows);
}

static void aq_send(struct api_ctx *c, void *arg)
{
    struct aq *q = arg;
    if (q->err != IOC_HTTP_E_COUNT) {
        api_error(c, q->err, "%s", q->msg);
        return;
    }
    net_res_send(c->req, 200,
                 q->csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
                 q->body.data, q->body.len);
}

/* Checks the parameters (known, once each) and the station code. 0, or -1 after answering. */
static int aq_params(struct api_ctx *c, struct aq *q)
{
    static const char *const known[] = {"from", "to", "format", NULL};
    if (api_query_only(c, known) != 0)
        return -1;
    const char *fmt = api_query(c, "format");
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "format must be json or csv.");
        return -1;
    }
    q->csv = fmt && strcmp(fmt, "csv") == 0;
    size_t len = strlen(q->station);
    if (len == 0 || len > 63) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No such station.");
        return -1;
    }
    return 0;
}

/* from/to of the hourly route: the hours labelled from (rounded up to a whole hour) … to
 * (rounded down); by default the 48 hours up to the hour in progress. */
static int hourly_range(struct api_ctx *c, struct aq *q)
{
    const char *f = api_query(c, "from"), *t = api_query(c, "to");
    int64_t to = env_hour_label(ioc_now_ms() * NS_PER_MS), from;
    if (t && telemetry_time_parse(t, &to) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "to must be Unix seconds, an RFC 3339 time or a date.");
        return -1;
    }
    to -= ((to % ENV_HOUR_NS) + ENV_HOUR_NS) % ENV_HOUR_NS;
    from = to - 47 * ENV_HOUR_NS;
    if (f && telemetry_time_parse(f, &from) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "from must be Unix seconds, an RFC 3339 time or a date.");
        return -1;
    }
    int64_t rem = ((from % ENV_HOUR_NS) + ENV_HOUR_NS) % ENV_HOUR_NS;
    if (rem)
        from += ENV_HOUR_NS - rem;
    if (from > to) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "from must not be after to.");
        return -1;
    }
    if ((to - from) / ENV_HOUR_NS + 1 > ENV_AQI_MAX_HOURS) {
        api_error(c, IOC_HTTP_E_LIMIT_EXCEEDED, "At most %d hours in one request.",
                  ENV_AQI_MAX_HOURS);
        return -1;
    }
    q->from = from;
    q->to = to;
    return 0;
}

/* from/to of the daily route: local dates YYYY-MM-DD; by default the 30 days up to today. */
static int daily_range(struct api_ctx *c, struct aq *q)
{
    const char *f = api_query(c, "from"), *t = api_query(c, "to");
    char today[11];
    ioc_date_today_vn(today);
    int32_t to, from;
    ioc_date_parse(today, 10, &to);
    if (t && ioc_date_parse(t, strlen(t), &to) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "to must be a date YYYY-MM-DD.");
        return -1;
    }
    from = to - 29;
    if (f && ioc_date_parse(f, strlen(f), &from) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "from must be a date YYYY-MM-DD.");
        return -1;
    }
    if (from > to) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "from must not be after to.");
        return -1;
    }
    if (to - from + 1 > ENV_AQI_MAX_HOURS / 24) {
        api_error(c, IOC_HTTP_E_LIMIT_EXCEEDED, "At most %d days in one request.",
                  ENV_AQI_MAX_HOURS / 24);
        return -1;
    }
    q->dfrom = from;
    q->dto = to;
    return 0;
}

static void h_aqi_series(struct api_ctx *c, int daily)
{
    struct aq *q = net_req_alloc(c->req, sizeof *q);
    if (!q || !c->api->ingest) {
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "Telemetry is not available.");
        return;
    }
    memset(q, 0, sizeof *q);
    q->api = c->api;
    q->daily = daily;
    q->station = c->params[0];
    q->err = IOC_HTTP_E_COUNT;
    net_req_on_free(c->req, aq_free, q);
    if (aq_params(c, q) != 0 || (daily ? daily_range(c, q) : hourly_range(c, q)) != 0)
        return;
    api_worker_offload(c, c->api->renderer, aq_run, q, aq_send);
}

static void h_aqi_hourly(struct api_ctx *c)
{
    h_aqi_series(c, 0);
}

static void h_aqi_daily(struct api_ctx *c)
{
    h_aqi_series(c, 1);
}

/* The properties of one air station in GET /api/v1/aqi/latest. */
static json_t *latest_props(struct api *a, const struct store_station *st, int64_t last_ms,
                            int64_t now, const struct env_settings *es)
{
    struct env_latest *l = NULL;
    size_t nl = 0;
    if (a->env)
        env_engine_latest(a->env, st->code, &l, &nl);
    char lr[32] = "", tm[40] = "", day[11] = "";
    if (last_ms > 0)
        ioc_time_rfc3339(last_ms, lr);
    json_t *p =
        json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s?, s:b}", "code", st->code, "name_vi",
                  st->name_vi, "name_en", st->name_en, "commune", st->commune, "commune_name",
                  st->commune_name, "status", env_status_name(env_station_status(last_ms, now, es)),
                  "last_reading", lr[0] ? lr : NULL, "synthetic", st->synthetic);
    struct aqi_result hr = {.aqi = -1, .reason = AQI_NO_PM};
    if (nl)
        hr = l[0].hour;
    const struct aqi_result *h = &hr; /* no hour computed yet: no index, no PM */
    if (nl) {
        struct env_aqi_row row = {.label = l[0].label};
        struct ioc_buf b;
        ioc_buf_init(&b, 64);
        struct aq q0 = {.daily = 0};
        put_time(&b, &q0, &row);
        snprintf(tm, sizeof tm, "%s", b.data ? b.data : "");
        ioc_buf_free(&b);
    }
    int has = h->aqi >= 0;
    json_object_set_new(p, "time", tm[0] ? json_string(tm) : json_null());
    json_object_set_new(p, "aqi", has ? json_integer(h->aqi) : json_null());
    json_object_set_new(p, "class", has ? json_integer(h->cls) : json_null());
    json_object_set_new(p, "class_vi", json_string(has ? aqi_class_vi(h->cls) : ""));
    json_object_set_new(p, "class_en", json_string(has ? aqi_class_en(h->cls) : ""));
    json_object_set_new(p, "colour", has ? json_string(aqi_class_colour(h->cls)) : json_null());
    json_object_set_new(p, "dominant",
                        has ? json_string(aqi_pollutant_name((enum aqi_pollutant)h->dominant))
                            : json_null());
    json_object_set_new(p, "reason", json_string(aqi_reason_name(h->reason)));
    json_object_set_new(p, "advice_vi", json_string(has ? aqi_class_advice_vi(h->cls) : ""));
    json_object_set_new(p, "advice_en", json_string(has ? aqi_class_advice_en(h->cls) : ""));
    if (nl && l[0].day) {
        const struct aqi_result *d = &l[0].daily;
        int dh = d->aqi >= 0;
        ioc_date_format(l[0].day, day);
        json_object_set_new(
            p, "daily",
            json_pack("{s:s, s:o, s:o, s:s, s:s, s:o, s:o}", "date", day, "aqi",
                      dh ? json_integer(d->aqi) : json_null(), "class",
                      dh ? json_integer(d->cls) : json_null(), "class_vi",
                      dh ? aqi_class_vi(d->cls) : "", "class_en", dh ? aqi_class_en(d->cls) : "",
                      "colour", dh ? json_string(aqi_class_colour(d->cls)) : json_null(),
                      "dominant",
                      dh ? json_string(aqi_pollutant_name((enum aqi_pollutant)d->dominant))
                         : json_null()));
    } else {
        json_object_set_new(p, "daily", json_null());
    }
    free(l);
    return p;
}

/* GET /api/v1/aqi/latest: the air stations of the registry as GeoJSON Points with the engine's
 * latest hour and day (memory) — what the console's layer and the public page draw. The
 * registry and the last readings (chunk files) are read on the render worker. */
struct latest {
    struct api *api;
    int rc;
    char *text;
};

static void latest_free(void *arg)
{
    struct latest *l = arg;
    free(l->text);
}

static void latest_run(struct store_conn *db, void *arg)
{
    struct latest *lt = arg;
    struct api *a = lt->api;
    struct store_station_query sq = {"air", NULL, NULL};
    struct store_station *s = NULL;
    size_t n = 0;
    int rc = store_stations_find(db, &sq, &s, &n);
    int64_t *last = rc == 0 ? calloc(n ? n : 1, sizeof *last) : NULL;
    if (rc == 0 && !last)
        rc = IOC_ENOMEM;
    if (rc == 0)
        rc = env_stations_last_readings(a->ingest ? telemetry_ingest_db(a->ingest) : NULL, s, n,
                                        last);
    if (rc) {
        store_stations_free(s, n);
        free(last);
        lt->rc = rc;
        return;
    }
    const struct env_settings *es = env_settings_get(a->cfg);
    int64_t now = ioc_now_ms();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *p = latest_props(a, &s[i], last[i], now, es);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:{s:s, s:[f,f]}, s:o}", "type", "Feature",
                                             "id", s[i].code, "geometry", "type", "Point",
                                             "coordinates", s[i].lon, s[i].lat, "properties", p));
    }
    store_stations_free(s, n);
    free(last);
    json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", arr);
    lt->text = fc ? json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(fc);
    if (!lt->text)
        lt->rc = IOC_ENOMEM;
}

static void latest_send(struct api_ctx *c, void *arg)
{
    struct latest *lt = arg;
    if (lt->rc) {
        api_error_rc(c, lt->rc, "aqi");
        return;
    }
    net_res_header(c->req, "cache-control", "no-cache");
    net_res_send(c->req, 200, "application/geo+json", lt->text, strlen(lt->text));
}

static void h_aqi_latest(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct latest *lt = net_req_alloc(c->req, sizeof *lt);
    if (!lt) {
        api_error_rc(c, IOC_ENOMEM, "aqi");
        return;
    }
    *lt = (struct latest){.api = c->api};
    net_req_on_free(c->req, latest_free, lt);
    api_worker_offload(c, c->api->renderer, latest_run, lt, latest_send);
}

static const struct api_route routes[] = {
    API_ROUTE("GET", "/api/v1/aqi/latest", "aqi.latest", AUTH_PUBLIC, "public", NULL, 0,
              h_aqi_latest),
    API_ROUTE("GET", "/api/v1/aqi/{station}/hourly", "aqi.hourly", AUTH_PUBLIC, "public", NULL, 0,
              h_aqi_hourly),
    API_ROUTE("GET", "/api/v1/aqi/{station}/daily", "aqi.daily", AUTH_PUBLIC, "public", NULL, 0,
              h_aqi_daily),
};

const struct api_module api_module_aqi = API_MODULE("aqi", routes, api_openapi_aqi);
