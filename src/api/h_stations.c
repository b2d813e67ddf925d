/* h_stations.c — the registry of monitoring stations (docs/environment.md "Stations"): listed
 * (filters kind, commune, agency) as JSON or GeoJSON Points, read one by code with its version
 * as ETag, each with its status and the time of its last reading (from the telemetry engine);
 * public, since positions and statuses of stations are public information. Operators and up
 * create or replace one with PUT (If-Match, If-None-Match: *) and delete one, each audited. The
 * rules are src/environment's; this file parses, calls and renders. */
#include "api/api_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "environment/environment.h"

API_OPENAPI_FRAGMENT(api_openapi_stations, "src/api/openapi/stations.json");

static struct tsdb_db *engine(struct api_ctx *c)
{
    return c->api->ingest ? telemetry_ingest_db(c->api->ingest) : NULL;
}

static json_t *measures_json(const char *m)
{
    json_t *arr = json_array();
    for (const char *p = m; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, n));
        p = comma ? comma + 1 : p + n;
    }
    return arr;
}

static json_t *or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The properties of a station: every field, its measurement, status and last reading. */
static json_t *station_props(struct api *a, const struct store_station *s, int64_t last_ms,
                             int64_t now_ms)
{
    const struct env_settings *st = env_settings_get(a->cfg);
    int k = env_kind_of(s->kind);
    char last[32] = "";
    if (last_ms > 0)
        ioc_time_rfc3339(last_ms, last);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "code", s->code, "name_vi", s->name_vi,
                          "name_en", s->name_en, "kind", s->kind, "measurement",
                          k >= 0 ? env_kind_measurement((enum env_kind)k) : NULL);
    json_object_set_new(o, "lat", json_real(s->lat));
    json_object_set_new(o, "lon", json_real(s->lon));
    json_object_set_new(o, "commune", or_null(s->commune));
    json_object_set_new(o, "commune_name", or_null(s->commune_name));
    json_object_set_new(o, "measures", measures_json(s->measures));
    json_object_set_new(o, "agency", or_null(s->agency));
    static const char *const alarms[3] = {"alarm1", "alarm2", "alarm3"};
    for (int i = 0; i < 3; i++)
        json_object_set_new(o, alarms[i], s->has_alarm[i] ? json_real(s->alarm[i]) : json_null());
    json_object_set_new(o, "synthetic", json_boolean(s->synthetic));
    json_object_set_new(o, "status",
                        json_string(env_status_name(env_station_status(last_ms, now_ms, st))));
    json_object_set_new(o, "last_reading", or_null(last));
    if (k == ENV_WATER_LEVEL) { /* the engine's newest level reading and its alarm state */
        double level = 0;
        int64_t t = 0;
        int state = 0;
        int have = a->env && env_engine_water(a->env, s->code, &level, &t, &state) == 0;
        json_object_set_new(o, "level", have ? json_real(level) : json_null());
        json_object_set_new(o, "alarm_state", json_integer(have ? state : 0));
    }
    if (k == ENV_NOISE || k == ENV_WATER_QUALITY) { /* each field's latest value, with its unit */
        struct env_value v[16];
        size_t nv = 0;
        json_t *arr = json_array();
        if (env_station_latest(a->ingest ? telemetry_ingest_db(a->ingest) : NULL, k, s->code, v, 16,
                               &nv) != 0)
            nv = 0;
        for (size_t i = 0; i < nv; i++) {
            char at[32];
            ioc_time_rfc3339(v[i].t_ms, at);
            json_array_append_new(arr, json_pack("{s:s, s:f, s:s?, s:s}", "field", v[i].field,
                                                 "value", v[i].v, "unit", v[i].unit, "at", at));
        }
        json_object_set_new(o, "latest", arr);
    }
    json_object_set_new(o, "version", json_integer(s->version));
    json_object_set_new(o, "updated_at", json_string(s->updated_at));
    return o;
}

/* ---- GET ----------------------------------------------------------------------------------- */

/* A list being made on the render worker: the registry and the last readings (chunk files of
 * the telemetry engine) are read there, never on a loop. */
struct listing {
    struct api *api;
    struct store_station_query q;
    int geojson;
    int rc;
    char *text; /* malloc'd body */
};

static void listing_free(void *arg)
{
    struct listing *l = arg;
    free(l->text);
}

static void listing_run(struct store_conn *db, void *arg)
{
    struct listing *l = arg;
    struct store_station *s = NULL;
    size_t n = 0;
    int rc = store_stations_find(db, &l->q, &s, &n);
    int64_t *last = rc == 0 ? calloc(n ? n : 1, sizeof *last) : NULL;
    if (rc == 0 && !last)
        rc = IOC_ENOMEM;
    if (rc == 0)
        rc = env_stations_last_readings(l->api->ingest ? telemetry_ingest_db(l->api->ingest) : NULL,
                                        s, n, last);
    if (rc) {
        store_stations_free(s, n);
        free(last);
        l->rc = rc;
        return;
    }
    int64_t now = ioc_now_ms();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *p = station_props(l->api, &s[i], last[i], now);
        if (l->geojson)
            p = json_pack("{s:s, s:s, s:{s:s, s:[f,f]}, s:o}", "type", "Feature", "id", s[i].code,
                          "geometry", "type", "Point", "coordinates", s[i].lon, s[i].lat,
                          "properties", p);
        json_array_append_new(arr, p);
    }
    store_stations_free(s, n);
    free(last);
    json_t *top = l->geojson ? json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", arr)
                             : json_pack("{s:I, s:o}", "count", (json_int_t)n, "stations", arr);
    l->text = top ? json_dumps(top, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(top);
    if (!l->text)
        l->rc = IOC_ENOMEM;
}

static void listing_send(struct api_ctx *c, void *arg)
{
    struct listing *l = arg;
    if (l->rc) {
        api_error_rc(c, l->rc, "stations");
        return;
    }
    net_res_header(c->req, "cache-control", "no-cache");
    net_res_send(c->req, 200,
                 l->geojson ? "application/geo+json" : "application/json; charset=utf-8", l->text,
                 strlen(l->text));
}

static void list(struct api_ctx *c, int geojson)
{
    static const char *const known[] = {"kind", "commune", "agency", NULL};
    if (api_query_only(c, known))
        return;
    struct store_station_query q = {api_query(c, "kind"), api_query(c, "commune"),
                                    api_query(c, "agency")};
    if (q.kind && env_kind_of(q.kind) < 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY,
                  "kind must be air, water_level, water_quality or noise.");
        return;
    }
    struct listing *l = net_req_alloc(c->req, sizeof *l);
    if (!l) {
        api_error_rc(c, IOC_ENOMEM, "stations");
        return;
    }
    *l = (struct listing){.api = c->api, .q = q, .geojson = geojson};
    net_req_on_free(c->req, listing_free, l);
    api_worker_offload(c, c->api->renderer, listing_run, l, listing_send);
}

static void h_stations_list(struct api_ctx *c)
{
    list(c, 0);
}

static void h_stations_geojson(struct api_ctx *c)
{
    list(c, 1);
}

/* The station of the path with its ETag; for a GET (status 0) 304 when If-None-Match names
 * it, else 200; after a PUT, status. */
static void send_station(struct api_ctx *c, int status)
{
    struct store_station s;
    int rc = env_code_valid(c->params[0]) ? store_station_get(c->t->db, c->params[0], &s)
                                          : IOC_ENOTFOUND;
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No station has code %.64s.", c->params[0]);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "station");
        return;
    }
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)s.version);
    net_res_header(c->req, "etag", etag);
    net_res_header(c->req, "cache-control", "no-cache");
    size_t n;
    const char *inm = net_req_header(c->req, "if-none-match", &n);
    int64_t last = 0;
    if (status == 0 && inm && api_etag_listed(inm, n, etag)) {
        store_station_clear(&s);
        net_res_send(c->req, 304, NULL, "", 0);
        return;
    }
    rc = env_stations_last_readings(engine(c), &s, 1, &last);
    if (rc) {
        store_station_clear(&s);
        api_error_rc(c, rc, "station");
        return;
    }
    json_t *o = station_props(c->api, &s, last, ioc_now_ms());
    store_station_clear(&s);
    api_json(c, status ? status : 200, o);
}

static void h_stations_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    send_station(c, 0);
}

_Static_assert(STORE_STATION_ANY == API_COND_ANY && STORE_STATION_EXISTS == API_COND_EXISTS &&
                   STORE_STATION_ABSENT == API_COND_ABSENT,
               "the store's conditions are the API's");

/* ---- PUT and DELETE ------------------------------------------------------------------------- */

struct st_write {
    struct store_station x;
    int64_t cond;
    enum store_station_outcome outcome;
    int64_t version;
    int stale;
    struct store_audit who;
    char code[ENV_CODE_MAX + 1];
    char commune[ENV_UNIT_CODE_MAX];
    char target[64];
    char detail[96];
};

/* The lookup of a PUT: agencies from the loop's connection, communes from the shared index. */
static int api_agency(void *ctx, const char *code)
{
    struct api_ctx *c = ctx;
    struct store_agency a;
    int rc = store_agency_get(c->t->db, code, &a);
    if (rc == IOC_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    store_agency_clear(&a);
    return 1;
}

static int api_commune(void *ctx, double lon, double lat, char *code, size_t size)
{
    struct api_ctx *c = ctx;
    const struct geo_index *ix = NULL;
    int rc = api_geo_acquire(c, &ix);
    if (rc)
        return rc == IOC_EIO ? IOC_EBUSY : rc;
    char today[11];
    int32_t days;
    ioc_date_today_vn(today);
    ioc_date_parse(today, 10, &days);
    int64_t id = 0;
    int outside = geo_index_lookup(ix, lon, lat, 3, days, &id) != 0;
    api_geo_release(c);
    if (outside)
        return IOC_ENOTFOUND;
    struct store_unit u;
    if ((rc = store_unit_get_by_id(c->t->db, id, &u)) != 0)
        return rc;
    snprintf(code, size, "%s", u.code);
    store_unit_clear(&u);
    return 0;
}

struct first {
    char field[32];
    char why[256];
};

static void first_problem(void *ctx, const char *field, const char *why)
{
    struct first *f = ctx;
    if (!f->field[0]) {
        snprintf(f->field, sizeof f->field, "%s", field);
        snprintf(f->why, sizeof f->why, "%s", why);
    }
}

/* A number field of the body, or null/absent (*has 0). -1 after answering 422. */
static int body_number(struct api_ctx *c, const char *field, int required, double *out, int *has)
{
    json_t *v = json_object_get(c->body, field);
    *has = 0;
    *out = 0;
    if (!v || json_is_null(v)) {
        if (required) {
            api_error_field(c, field, "'%s' is required.", field);
            return -1;
        }
        return 0;
    }
    if (!json_is_number(v)) {
        api_error_field(c, field, "'%s' must be a number.", field);
        return -1;
    }
    *out = json_number_value(v);
    *has = 1;
    return 0;
}

/* measures as "a,b" or ["a", "b"], into the pool; NULL after answering 422. */
static const char *body_measures(struct api_ctx *c)
{
    json_t *v = json_object_get(c->body, "measures");
    if (json_is_string(v))
        return api_body_str(c, "measures", 1, 600);
    if (!json_is_array(v)) {
        api_error_field(c, "measures",
                        "'measures' is required: the fields the station reports, as an array of "
                        "names or one comma-separated string.");
        return NULL;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x) || json_string_length(x) > 64 || strchr(json_string_value(x), ',')) {
            ioc_buf_free(&b);
            api_error_field(c, "measures", "Each item of 'measures' is a field name.");
            return NULL;
        }
        ioc_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(x));
    }
    const char *out = net_req_strdup(c->req, b.data ? b.data : "", b.len);
    ioc_buf_free(&b);
    return out;
}

static int put_job(struct store_conn *w, void *arg)
{
    struct st_write *p = arg;
    int rc = store_station_put(w, &p->x, p->cond, &p->outcome, &p->version);
    if (rc || p->outcome == STORE_STATION_STALE)
        return rc;
    static const char *const names[] = {"added", "updated", "unchanged"};
    snprintf(p->detail, sizeof p->detail, "{\"outcome\":\"%s\",\"version\":%lld}",
             names[p->outcome], (long long)p->version);
    p->who.detail = p->detail;
    return store_audit_add(w, &p->who);
}

static void put_done(struct api_ctx *c, void *arg, int rc)
{
    struct st_write *p = arg;
    if (rc == 0 && p->outcome != STORE_STATION_STALE)
        env_engine_reload_levels(c->api->env); /* its alarm levels may have changed */
    if (rc)
        api_error_rc(c, rc, "station");
    else if (p->outcome != STORE_STATION_STALE)
        send_station(c, p->outcome == STORE_STATION_ADDED ? 201 : 200);
    else if (p->cond == STORE_STATION_ABSENT)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "A station with code %s exists already (version %lld).", p->code,
                  (long long)p->version);
    else if (p->version > 0)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "The station is at version %lld (ETag \"%lld\"); read it again.",
                  (long long)p->version, (long long)p->version);
    else
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED, "No station has code %s.", p->code);
}

/* The fields of a PUT's body that are not the path's: only known ones (the read-only fields of
 * a GET are ignored, so what a GET gives can be PUT back). 0 or -1 after answering 422. */
static int known_fields(struct api_ctx *c)
{
    static const char *const known[] = {"code",         "name_vi", "name_en",      "kind",
                                        "lat",          "lon",     "measures",     "agency",
                                        "alarm1",       "alarm2",  "alarm3",       "synthetic",
                                        "measurement",  "commune", "commune_name", "status",
                                        "last_reading", "version", "updated_at",   NULL};
    const char *key;
    json_t *val;
    json_object_foreach(c->body, key, val)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(key, known[i]) == 0;
        if (!ok) {
            api_error_field(c, key, "Unknown field '%.40s'.", key);
            return -1;
        }
    }
    return 0;
}

/* The station of a PUT's body into x (strings in the request's pool). 0 or -1 after
 * answering 422. */
static int parse_body(struct api_ctx *c, struct store_station *x)
{
    if (known_fields(c))
        return -1;
    if (!(x->name_vi = (char *)api_body_str(c, "name_vi", 1, ENV_NAME_MAX)))
        return -1;
    json_t *en = json_object_get(c->body, "name_en");
    x->name_en = "";
    if (en && !json_is_null(en) &&
        !(x->name_en = (char *)api_body_str(c, "name_en", 0, ENV_NAME_MAX)))
        return -1;
    if (!(x->kind = (char *)api_body_str(c, "kind", 1, 32)))
        return -1;
    int has;
    if (body_number(c, "lat", 1, &x->lat, &has) || body_number(c, "lon", 1, &x->lon, &has))
        return -1;
    static const char *const alarms[3] = {"alarm1", "alarm2", "alarm3"};
    for (int i = 0; i < 3; i++)
        if (body_number(c, alarms[i], 0, &x->alarm[i], &x->has_alarm[i]))
            return -1;
    if (!(x->measures = (char *)body_measures(c)))
        return -1;
    json_t *ag = json_object_get(c->body, "agency");
    x->agency = "";
    if (ag && !json_is_null(ag) && !(x->agency = (char *)api_body_str(c, "agency", 0, 64)))
        return -1;
    json_t *syn = json_object_get(c->body, "synthetic");
    if (syn && !json_is_boolean(syn) && !json_is_null(syn)) {
        api_error_field(c, "synthetic", "'synthetic' must be true or false.");
        return -1;
    }
    x->synthetic = json_is_true(syn);
    return 0;
}

static void h_stations_put(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct st_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    if (!env_code_valid(c->params[0])) {
        api_error_field(c, "code",
                        "A station's code is 1 to %d characters A-Z, 0-9, _ or -, starting with "
                        "a letter or a digit.",
                        ENV_CODE_MAX);
        return;
    }
    snprintf(p->code, sizeof p->code, "%s", c->params[0]);
    json_t *code = json_object_get(c->body, "code");
    if (code && (!json_is_string(code) || strcmp(json_string_value(code), p->code) != 0)) {
        api_error_field(c, "code", "The code in the body must be the one of the path.");
        return;
    }
    struct store_station *x = &p->x;
    x->code = p->code;
    if (parse_body(c, x))
        return;
    struct env_lookup lk = {api_agency, api_commune, c};
    struct first f = {{0}, {0}};
    int rc = env_station_check(x, &lk, p->commune, first_problem, &f);
    if (rc == IOC_EINVAL) {
        api_error_field(c, f.field, "%s", f.why);
        return;
    }
    if (rc == IOC_EBUSY) {
        net_res_header(c->req, "retry-after", "1");
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "The map of communes is being built; try again soon.");
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "station");
        return;
    }
    x->commune = p->commune;
    x->updated_by = (char *)c->who.name;
    if (api_put_condition(c, &p->cond) != 0)
        return;
    snprintf(p->target, sizeof p->target, "station:%s", p->code);
    api_audit_fill(c, &p->who, "station.put", p->target, "ok");
    api_write(c, put_job, p, put_done);
}

static int delete_job(struct store_conn *w, void *arg)
{
    struct st_write *p = arg;
    int rc = store_station_delete(w, p->code, p->cond, &p->stale);
    if (rc || p->stale)
        return rc;
    return store_audit_add(w, &p->who);
}

static void delete_done(struct api_ctx *c, void *arg, int rc)
{
    struct st_write *p = arg;
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No station has code %s.", p->code);
    else if (rc)
        api_error_rc(c, rc, "station");
    else if (p->stale)
        api_error(c, IOC_HTTP_E_PRECONDITION_FAILED,
                  "If-Match does not name the current version; read the station again.");
    else {
        env_engine_reload_levels(c->api->env);
        net_res_send(c->req, 204, NULL, "", 0);
    }
}

static void h_stations_delete(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    if (!env_code_valid(c->params[0])) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No station has code %.64s.", c->params[0]);
        return;
    }
    struct st_write *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", c->params[0]);
    p->cond = api_if_match(c);
    snprintf(p->target, sizeof p->target, "station:%s", p->code);
    api_audit_fill(c, &p->who, "station.delete", p->target, "ok");
    api_write(c, delete_job, p, delete_done);
}

/* The stations module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route stations_routes[] = {
    API_ROUTE("GET", "/api/v1/stations", "stations.list", AUTH_PUBLIC, "public", NULL, 0,
              h_stations_list),
    API_ROUTE("GET", "/api/v1/stations.geojson", "stations.geojson", AUTH_PUBLIC, "public", NULL, 0,
              h_stations_geojson),
    API_ROUTE("GET", "/api/v1/stations/{code}", "stations.get", AUTH_PUBLIC, "public", NULL, 0,
              h_stations_get),
    API_ROUTE("PUT", "/api/v1/stations/{code}", "stations.put", AUTH_OPERATOR_UP, "operator", NULL,
              1, h_stations_put),
    API_ROUTE("DELETE", "/api/v1/stations/{code}", "stations.delete", AUTH_OPERATOR_UP, "operator",
              NULL, 0, h_stations_delete),
};

const struct api_module api_module_stations =
    API_MODULE("stations", stations_routes, api_openapi_stations);
