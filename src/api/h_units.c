/*
 * h_units.c — administrative units: list and search, one unit with its history, point lookup,
 * and boundaries as GeoJSON. Unit data changes only when units are imported, so list and
 * GeoJSON bodies are rendered once per (query, units generation) and served from memory.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

API_OPENAPI_FRAGMENT(api_openapi_units, "src/api/openapi/units.json");

/* "0001-01-01" marks a start date the source does not give. */
static json_t *date_or_null(const char *d)
{
    return d && *d && strcmp(d, "0001-01-01") != 0 ? json_string(d) : json_null();
}

#define S(x) ((x) ? (x) : "")

static json_t *unit_json(const struct store_unit *u)
{
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "code", S(u->code), "name",
                  S(u->name), "full_name", S(u->full_name), "name_en", S(u->name_en), "type",
                  S(u->type), "level", S(u->level), "parent_code", S(u->parent_code), "valid_from",
                  date_or_null(u->valid_from), "valid_to", S(u->valid_to));
    json_object_set_new(j, "area_km2", u->area_km2 > 0 ? json_real(u->area_km2) : json_null());
    if (u->has_geometry)
        json_object_set_new(j, "bbox",
                            json_pack("[f,f,f,f]", u->bbox[0], u->bbox[1], u->bbox[2], u->bbox[3]));
    else
        json_object_set_new(j, "bbox", json_null());
    return j;
}

static int level_ok(struct api_ctx *c, const char *level)
{
    if (!level || strcmp(level, "province") == 0 || strcmp(level, "district") == 0 ||
        strcmp(level, "commune") == 0)
        return 1;
    api_error(c, IOC_HTTP_E_BAD_QUERY, "level must be province, district or commune.");
    return 0;
}

static int int_param(struct api_ctx *c, const char *key, int def, int min, int max, int *out)
{
    const char *v = api_query(c, key);
    if (!v) {
        *out = def;
        return 0;
    }
    int64_t n;
    if (ioc_parse_i64(v, strlen(v), min, max, &n) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s must be an integer from %d to %d.", key, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* Appends one field of a cache key: "-" when absent, else its length, ':' and its bytes, so
 * that no value can pass for another field or for an absent one. */
static void key_field(struct ioc_buf *b, const char *v)
{
    if (v)
        ioc_buf_printf(b, "|%zu:%s", strlen(v), v);
    else
        ioc_buf_puts(b, "|-");
}

/*
 * The cache key of a units list: built from the parsed, canonical query (the level, the day,
 * the folded needle or absent when it folds to nothing, the parent, limit and offset), each
 * string field length-prefixed. Two requests share a key only when they get the same body.
 */
static void list_key(struct ioc_buf *b, const char *level, const char *at, const char *folded,
                     const char *parent, int limit, int offset)
{
    ioc_buf_puts(b, "units.list");
    key_field(b, level);
    key_field(b, at);
    key_field(b, folded);
    key_field(b, parent);
    ioc_buf_printf(b, "|%d|%d", limit, offset);
}

static void h_units_list(struct api_ctx *c)
{
    static const char *const known[] = {"level", "at", "q", "parent", "limit", "offset", NULL};
    char at[11];
    int limit, offset;
    const char *level = api_query(c, "level"), *q = api_query(c, "q");
    const char *parent = api_query(c, "parent");
    if (api_query_only(c, known) || !level_ok(c, level) || api_query_date(c, "at", at) ||
        int_param(c, "limit", 100, 1, 1000, &limit) ||
        int_param(c, "offset", 0, 0, 1000000, &offset))
        return;
    if (q && strlen(q) > 200) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "q is longer than 200 bytes.");
        return;
    }
    /* an empty parent is not "any parent": it is refused, never read as absent */
    if (parent && (!*parent || strlen(parent) > 64)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "parent must be a unit code (1 to 64 bytes).");
        return;
    }
    char *folded = q ? ioc_text_fold(q, strlen(q)) : NULL;
    if (q && !folded) { /* never answer (and cache) as if there were no q */
        api_error(c, IOC_HTTP_E_INTERNAL, "q cannot be folded.");
        return;
    }
    if (folded && !*folded) { /* a q of only spaces or punctuation matches like no q */
        free(folded);
        folded = NULL;
    }
    struct ioc_buf key;
    ioc_buf_init(&key, 4096);
    list_key(&key, level, at, folded, parent, limit, offset);
    int64_t gen = api_units_generation(c);
    struct net_shared *hit = key.data ? api_cache_get(c->api, key.data, gen, NULL) : NULL;
    if (hit) {
        free(folded);
        api_send_cached(c, key.data, hit, "application/json; charset=utf-8");
        ioc_buf_free(&key);
        return;
    }
    struct store_unit_query sq = {level, at, folded, parent, limit, offset};
    struct store_unit *units = NULL;
    size_t n = 0;
    int rc = store_units_find(c->t->db, &sq, &units, &n);
    free(folded);
    if (rc) {
        ioc_buf_free(&key);
        api_error_rc(c, rc, "units");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, unit_json(&units[i]));
    store_units_free(units, n);
    json_t *body = json_pack("{s:s, s:i, s:o}", "at", at, "count", (json_int_t)n, "units", arr);
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(body);
    struct net_shared *s = text ? net_shared_new(text, strlen(text)) : NULL;
    free(text);
    if (!s) {
        ioc_buf_free(&key);
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    if (key.data) {
        api_cache_put(c->api, key.data, gen, s);
        api_send_cached(c, key.data, s, "application/json; charset=utf-8");
    } else {
        api_send_cached(c, "", s, "application/json; charset=utf-8");
    }
    ioc_buf_free(&key);
}

static json_t *links_json(const struct store_succession *a, size_t n, const char **note)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *u = unit_json(&a[i].unit);
        json_object_set_new(u, "partial", json_boolean(a[i].partial));
        json_array_append_new(arr, u);
        if (note && a[i].note && *a[i].note)
            *note = a[i].note;
    }
    return arr;
}

static void h_units_get(struct api_ctx *c)
{
    static const char *const known[] = {"at", NULL};
    if (api_query_only(c, known))
        return;
    const char *code = c->params[0];
    char at[11];
    if (api_query_date(c, "at", at))
        return;
    struct store_unit u = {0};
    int rc = store_unit_get(c->t->db, code, at, &u);
    if (rc == IOC_ENOTFOUND && !api_query(c, "at"))
        rc = store_unit_get(c->t->db, code, NULL, &u);
    if (rc) {
        api_error_rc(c, rc, "unit");
        return;
    }
    json_t *j = unit_json(&u);
    /* The parent as it was while this unit was in force. */
    const char *when = u.valid_to[0] && strcmp(u.valid_to, at) < 0 ? u.valid_to : at;
    struct store_unit p = {0};
    if (u.parent_code[0] && store_unit_get(c->t->db, u.parent_code, when, &p) == 0) {
        json_object_set_new(j, "parent", unit_json(&p));
        store_unit_clear(&p);
    } else {
        json_object_set_new(j, "parent", json_null());
    }
    struct store_succession *pre = NULL, *suc = NULL;
    size_t npre = 0, nsuc = 0;
    const char *note = "";
    rc = store_unit_predecessors(c->t->db, u.id, &pre, &npre);
    if (rc == 0)
        rc = store_unit_successors(c->t->db, u.id, &suc, &nsuc);
    if (rc == 0) {
        json_object_set_new(j, "predecessors", links_json(pre, npre, &note));
        json_object_set_new(j, "successors", links_json(suc, nsuc, NULL));
        json_object_set_new(j, "succession_note", json_string(note));
    }
    store_successions_free(pre, npre);
    store_successions_free(suc, nsuc);
    struct store_unit *vers = NULL;
    size_t nv = 0;
    if (rc == 0)
        rc = store_unit_versions(c->t->db, u.code, &vers, &nv);
    if (rc == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nv; i++)
            json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:s}", "valid_from",
                                                 date_or_null(vers[i].valid_from), "valid_to",
                                                 vers[i].valid_to, "name", vers[i].full_name,
                                                 "level", vers[i].level));
        json_object_set_new(j, "versions", arr);
    }
    store_units_free(vers, nv);
    store_unit_clear(&u);
    if (rc) {
        json_decref(j);
        api_error_rc(c, rc, "unit history");
        return;
    }
    api_json(c, 200, j);
}

static int coord_param(struct api_ctx *c, const char *key, double lo, double hi, double *out)
{
    const char *v = api_query(c, key);
    double d;
    if (!v || ioc_parse_f64(v, strlen(v), lo, hi, &d) != 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "%s must be a number from %g to %g.", key, lo, hi);
        return -1;
    }
    *out = d;
    return 0;
}

static void h_units_lookup(struct api_ctx *c)
{
    static const char *const known[] = {"lat", "lon", "at", NULL};
    double lat, lon;
    char at[11];
    int32_t days;
    if (api_query_only(c, known) || coord_param(c, "lat", -90, 90, &lat) ||
        coord_param(c, "lon", -180, 180, &lon) || api_query_date(c, "at", at))
        return;
    ioc_date_parse(at, 10, &days);
    const struct geo_index *ix = NULL;
    int rc = api_geo_acquire(c, &ix);
    if (rc == IOC_EBUSY) { /* only in the first moments after start */
        net_res_header(c->req, "retry-after", "1");
        api_error(c, IOC_HTTP_E_STARTING, "The point index is being built; try again in 1 s.");
        return;
    }
    if (rc == IOC_EIO) { /* the first build failed; it is retried every 10 s */
        net_res_header(c->req, "retry-after", "10");
        api_error(c, IOC_HTTP_E_UNAVAILABLE,
                  "The point index could not be built; see the server log.");
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "point index");
        return;
    }
    int64_t commune_id = 0, province_id = 0;
    int outside = geo_index_lookup(ix, lon, lat, 3, days, &commune_id) != 0;
    if (!outside)
        geo_index_lookup(ix, lon, lat, 1, days, &province_id);
    api_geo_release(c); /* the index is not used past this point */
    if (outside) {
        api_error(c, IOC_HTTP_E_OUTSIDE,
                  "The point %.6f, %.6f is outside every commune known on %s.", lat, lon, at);
        return;
    }
    struct store_unit cu = {0}, pu = {0};
    rc = store_unit_get_by_id(c->t->db, commune_id, &cu);
    if (rc) {
        api_error_rc(c, rc, "commune");
        return;
    }
    json_t *j = json_pack("{s:f, s:f, s:s, s:o}", "lat", lat, "lon", lon, "at", at, "commune",
                          unit_json(&cu));
    /* The province: by its boundary, else the commune's parent in force that day. */
    if ((province_id && store_unit_get_by_id(c->t->db, province_id, &pu) == 0) ||
        (cu.parent_code[0] && store_unit_get(c->t->db, cu.parent_code, at, &pu) == 0))
        json_object_set_new(j, "province", unit_json(&pu));
    else
        json_object_set_new(j, "province", json_null());
    store_unit_clear(&cu);
    store_unit_clear(&pu);
    api_json(c, 200, j);
}

struct geojson_build {
    struct api *api;
    struct ioc_buf *out;
    double simplify_m;
    int count;
    int rc;
};

static int add_feature(void *ctx, const struct store_unit *u, const char *geometry, size_t len)
{
    struct geojson_build *g = ctx;
    struct ioc_buf *b = g->out;
    if (atomic_load(&g->api->stopping))
        return g->rc = IOC_ESHUTDOWN;
    char *simplified = NULL;
    size_t slen = 0;
    if (g->simplify_m > 0) {
        int rc = geo_simplify(geometry, len, g->simplify_m, &simplified, &slen);
        if (rc)
            return g->rc = rc;
        geometry = simplified;
        len = slen;
    }
    json_t *props = unit_json(u);
    json_object_del(props, "bbox");
    char *ptext = json_dumps(props, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(props);
    if (g->count++)
        ioc_buf_putc(b, ',');
    ioc_buf_puts(b, "{\"type\":\"Feature\",\"id\":");
    ioc_buf_json_str(b, u->code, (size_t)-1);
    ioc_buf_puts(b, ",\"properties\":");
    ioc_buf_puts(b, ptext ? ptext : "{}");
    ioc_buf_puts(b, ",\"geometry\":");
    ioc_buf_append(b, geometry, len);
    int rc = ioc_buf_putc(b, '}');
    free(ptext);
    free(simplified);
    return rc ? (g->rc = rc) : 0;
}

static void geojson_key(char key[96], const char *level, const char *at, int simplify)
{
    snprintf(key, 96, "geojson|%.16s|%.10s|%d", level, at, simplify);
}

/* simplify= rounded down to a fixed ladder (1-2-5 steps), so that callers cannot ask for
 * thousands of distinct renders of the same boundaries; the tolerance used is never coarser
 * than the one asked for. */
static int simplify_step(int m)
{
    static const int ladder[] = {0,   1,    2,    5,    10,    20,    50,    100,   200,
                                 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
    int best = 0;
    for (size_t i = 0; i < IOC_ARRAY_LEN(ladder) && ladder[i] <= m; i++)
        best = ladder[i];
    return best;
}

/* 1 for the bodies the console loads first (and the start-up thread renders): province and
 * commune boundaries of today at simplify=50. They go to the cache's pinned area. */
static int console_body(const char *level, const char *at, int simplify)
{
    char today[11];
    ioc_date_today_vn(today);
    return simplify == 50 && strcmp(at, today) == 0 &&
           (strcmp(level, "province") == 0 || strcmp(level, "commune") == 0);
}

struct net_shared *api_geojson_render(struct api *a, struct store_conn *db, const char *level,
                                      const char *at, int simplify, int64_t gen, int *rc_out)
{
    char key[96];
    geojson_key(key, level, at, simplify);
    struct net_shared *hit = api_cache_get(a, key, gen, NULL);
    if (hit)
        return hit;
    struct ioc_buf b;
    ioc_buf_init(&b, (size_t)256 << 20);
    ioc_buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
    struct geojson_build g = {a, &b, simplify, 0, 0};
    int rc = store_units_each_geometry(db, level, at, add_feature, &g);
    if (rc == 0)
        rc = g.rc;
    if (rc == 0)
        rc = ioc_buf_puts(&b, "]}");
    struct net_shared *s = rc == 0 ? net_shared_new(b.data, b.len) : NULL;
    ioc_buf_free(&b);
    if (rc == 0 && !s)
        rc = IOC_ENOMEM;
    *rc_out = rc;
    if (s) {
        atomic_fetch_add_explicit(&a->geojson_renders, 1, memory_order_relaxed);
        if (console_body(level, at, simplify))
            api_cache_put_pinned(a, key, gen, s);
        else
            api_cache_put(a, key, gen, s);
    }
    return s;
}

/* A GeoJSON body not yet cached is rendered on the render worker: simplifying boundaries can
 * take a second, too long for an event loop, and must not delay password checks (which have
 * their own worker). The worker bounds its queue (503) and the renders of one address (429). */
struct geojson_job {
    struct api *api;
    const char *level;
    char at[11];
    int simplify;
    int64_t gen;
    char key[96];
    struct net_shared *body;
    int rc;
};

static void geojson_render(struct store_conn *db, void *arg)
{
    struct geojson_job *g = arg;
    g->body = api_geojson_render(g->api, db, g->level, g->at, g->simplify, g->gen, &g->rc);
}

static void geojson_send(struct api_ctx *c, void *arg)
{
    struct geojson_job *g = arg;
    if (!g->body) {
        api_error_rc(c, g->rc, "boundaries");
        return;
    }
    api_send_cached(c, g->key, g->body, "application/geo+json");
}

static void h_units_geojson(struct api_ctx *c)
{
    static const char *const known[] = {"level", "at", "simplify", NULL};
    struct geojson_job *g = net_req_alloc(c->req, sizeof *g);
    const char *level = api_query(c, "level");
    if (api_query_only(c, known) || !level_ok(c, level) || api_query_date(c, "at", g->at) ||
        int_param(c, "simplify", 0, 0, c->api->cfg->simplify_max_m, &g->simplify))
        return;
    g->simplify = simplify_step(g->simplify);
    g->api = c->api;
    g->level = level ? level : "commune";
    g->gen = api_units_generation(c);
    geojson_key(g->key, g->level, g->at, g->simplify);
    struct net_shared *hit = api_cache_get(c->api, g->key, g->gen, NULL);
    if (hit)
        api_send_cached(c, g->key, hit, "application/geo+json");
    else
        api_worker_offload(c, c->api->renderer, geojson_render, g, geojson_send);
}

/* The units module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route units_routes[] = {
    API_ROUTE("GET", "/api/v1/units", "units.list", AUTH_PUBLIC, "public", NULL, 0, h_units_list),
    API_ROUTE("GET", "/api/v1/units.geojson", "units.geojson", AUTH_PUBLIC, "public", NULL, 0,
              h_units_geojson),
    API_ROUTE("GET", "/api/v1/units/lookup", "units.lookup", AUTH_PUBLIC, "public", NULL, 0,
              h_units_lookup),
    API_ROUTE("GET", "/api/v1/units/{code}", "units.get", AUTH_PUBLIC, "public", NULL, 0,
              h_units_get),
};

const struct api_module api_module_units = API_MODULE("units", units_routes, api_openapi_units);
