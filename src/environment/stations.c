/*
 * stations.c — the rules of the station registry (docs/environment.md "Stations"): what a valid
 * station is (each problem naming its field), the telemetry measurement of each kind, the status
 * from the time of the last reading, the lookup of agencies and communes from a store, and the
 * list the demo's sensor generator is fed from. The CSV form is stations_csv.c's.
 */
#include "environment/environment.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "geo/geo.h"
#include "store/store.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

static const char *const kind_names[ENV_NKINDS] = {"air", "water_level", "water_quality", "noise"};
static const char *const kind_measurements[ENV_NKINDS] = {"air", "water", "water_quality", "noise"};

const char *env_kind_name(enum env_kind k)
{
    return (int)k >= 0 && k < ENV_NKINDS ? kind_names[k] : "";
}

int env_kind_of(const char *s)
{
    for (int k = 0; s && k < ENV_NKINDS; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *env_kind_measurement(enum env_kind k)
{
    return (int)k >= 0 && k < ENV_NKINDS ? kind_measurements[k] : NULL;
}

static int upper_digit(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

int env_code_valid(const char *s)
{
    if (!s || !upper_digit(s[0]))
        return 0;
    size_t n = 1;
    for (; s[n]; n++)
        if (!upper_digit(s[n]) && s[n] != '_' && s[n] != '-')
            return 0;
    return n <= ENV_CODE_MAX;
}

/* ---- checking a station -------------------------------------------------------------------- */

struct check {
    env_problem_fn fn;
    void *ctx;
    int problems;
};

static void problem(struct check *k, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct check *k, const char *field, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    k->problems++;
    if (k->fn)
        k->fn(k->ctx, field, why);
}

static void check_name(struct check *k, const char *field, const char *v, int required)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0 && required)
        problem(k, field, "%s is required.", field);
    else if (n > ENV_NAME_MAX)
        problem(k, field, "%s is longer than %d bytes.", field, ENV_NAME_MAX);
    else if (n && (!ioc_utf8_valid(v, n) || strpbrk(v, "\r\n\t")))
        problem(k, field, "%s must be UTF-8 text on one line.", field);
}

static int measure_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static void check_measures(struct check *k, const char *v)
{
    if (!v || !*v) {
        problem(k, "measures",
                "measures is required: the fields the station reports, e.g. "
                "pm25,pm10.");
        return;
    }
    const char *items[ENV_MEASURES_MAX];
    size_t lens[ENV_MEASURES_MAX], n = 0;
    for (const char *p = v;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len > 32) {
            problem(k, "measures", "Each field name of measures has 1 to 32 characters.");
            return;
        }
        for (size_t i = 0; i < len; i++)
            if (!measure_char(p[i])) {
                problem(k, "measures",
                        "A field name of measures uses only a-z, 0-9 and _ (\"%.*s\").",
                        (int)(len > 32 ? 32 : len), p);
                return;
            }
        for (size_t i = 0; i < n; i++)
            if (lens[i] == len && memcmp(items[i], p, len) == 0) {
                problem(k, "measures", "measures names %.*s twice.", (int)len, p);
                return;
            }
        if (n == ENV_MEASURES_MAX) {
            problem(k, "measures", "measures names more than %d fields.", ENV_MEASURES_MAX);
            return;
        }
        items[n] = p;
        lens[n++] = len;
        if (!comma)
            return;
        p = comma + 1;
    }
}

static const char *const alarm_fields[3] = {"alarm1", "alarm2", "alarm3"};

static void check_alarms(struct check *k, const struct store_station *s, int kind)
{
    int any = s->has_alarm[0] || s->has_alarm[1] || s->has_alarm[2];
    if (any && kind != ENV_WATER_LEVEL && kind >= 0) {
        for (int i = 0; i < 3; i++)
            if (s->has_alarm[i])
                problem(k, alarm_fields[i],
                        "Alarm levels apply to water_level stations only; leave %s empty.",
                        alarm_fields[i]);
        return;
    }
    int last = -1;
    for (int i = 0; i < 3; i++) {
        if (!s->has_alarm[i])
            continue;
        if (!isfinite(s->alarm[i]) || fabs(s->alarm[i]) > 10000) {
            problem(k, alarm_fields[i], "%s must be a level in metres (-10000 to 10000).",
                    alarm_fields[i]);
            return;
        }
        if (last >= 0 && !(s->alarm[i] > s->alarm[last])) {
            problem(k, alarm_fields[i], "%s must be higher than %s (the levels rise I < II < III).",
                    alarm_fields[i], alarm_fields[last]);
            return;
        }
        last = i;
    }
}

int env_station_check(const struct store_station *s, const struct env_lookup *lk,
                      char commune[ENV_UNIT_CODE_MAX], env_problem_fn fn, void *ctx)
{
    struct check k = {fn, ctx, 0};
    commune[0] = '\0';
    if (!env_code_valid(s->code))
        problem(&k, "code",
                "code must be 1 to %d characters A-Z, 0-9, _ or -, starting with a letter or a "
                "digit.",
                ENV_CODE_MAX);
    check_name(&k, "name_vi", s->name_vi, 1);
    check_name(&k, "name_en", s->name_en, 0);
    int kind = env_kind_of(s->kind);
    if (kind < 0)
        problem(&k, "kind", "kind must be air, water_level, water_quality or noise.");
    int point = 1;
    if (!isfinite(s->lat) || s->lat < -90 || s->lat > 90) {
        problem(&k, "lat", "lat must be a latitude in degrees (-90 to 90).");
        point = 0;
    }
    if (!isfinite(s->lon) || s->lon < -180 || s->lon > 180) {
        problem(&k, "lon", "lon must be a longitude in degrees (-180 to 180).");
        point = 0;
    }
    check_measures(&k, s->measures);
    check_alarms(&k, s, kind);
    if (s->synthetic != 0 && s->synthetic != 1)
        problem(&k, "synthetic", "synthetic must be 0 or 1.");
    if (s->agency && s->agency[0]) {
        int yes = lk && lk->agency ? lk->agency(lk->ctx, s->agency) : 1;
        if (yes < 0)
            return yes;
        if (!yes)
            problem(&k, "agency", "No agency has code %.64s.", s->agency);
    }
    if (point && lk && lk->commune) {
        int rc = lk->commune(lk->ctx, s->lon, s->lat, commune, ENV_UNIT_CODE_MAX);
        if (rc == IOC_ENOTFOUND)
            problem(&k, "lat",
                    "The point lat %.6f, lon %.6f is outside the province: no commune contains "
                    "it (check lat/lon, and that they are not swapped).",
                    s->lat, s->lon);
        else if (rc)
            return rc;
    }
    return k.problems ? IOC_EINVAL : 0;
}

/* ---- the lookup of a store ---------------------------------------------------------------- */

struct env_commune {
    int64_t id;
    char code[ENV_UNIT_CODE_MAX];
};

struct env_places {
    struct store_conn *c;
    struct geo_index *ix;
    struct env_commune *v;
    size_t n, cap;
};

static int add_commune(void *ctx, const struct store_unit *u, const char *json, size_t len)
{
    struct env_places *p = ctx;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 128;
        struct env_commune *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return IOC_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].id = u->id;
    snprintf(p->v[p->n].code, sizeof p->v[p->n].code, "%s", u->code);
    int rc = geo_index_add(p->ix, u->id, 0, 0, INT32_MAX, json, len);
    if (rc == 0)
        p->n++;
    return rc;
}

int env_places_open(struct store_conn *c, struct env_places **out)
{
    struct env_places *p = calloc(1, sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    p->c = c;
    char today[11];
    ioc_date_today_vn(today);
    int rc = geo_index_create(&p->ix);
    if (rc == 0)
        rc = store_units_each_geometry(c, "commune", today, add_commune, p);
    if (rc == 0)
        rc = geo_index_build(p->ix);
    if (rc) {
        env_places_close(p);
        return rc;
    }
    *out = p;
    return 0;
}

void env_places_close(struct env_places *p)
{
    if (!p)
        return;
    geo_index_destroy(p->ix);
    free(p->v);
    free(p);
}

static int places_agency(void *ctx, const char *code)
{
    struct env_places *p = ctx;
    struct store_agency a;
    int rc = store_agency_get(p->c, code, &a);
    if (rc == IOC_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    store_agency_clear(&a);
    return 1;
}

static int places_commune(void *ctx, double lon, double lat, char *code, size_t size)
{
    struct env_places *p = ctx;
    int64_t id = 0;
    if (geo_index_lookup(p->ix, lon, lat, 0, 0, &id) != 0)
        return IOC_ENOTFOUND;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].id == id) {
            snprintf(code, size, "%s", p->v[i].code);
            return 0;
        }
    return IOC_ENOTFOUND;
}

void env_places_lookup(struct env_places *p, struct env_lookup *lk)
{
    *lk = (struct env_lookup){places_agency, places_commune, p};
}

/* ---- status ------------------------------------------------------------------------------- */

const char *env_status_name(enum env_status s)
{
    static const char *const names[] = {"never", "online", "stale", "offline"};
    return (int)s >= 0 && (size_t)s < IOC_ARRAY_LEN(names) ? names[s] : "";
}

enum env_status env_station_status(int64_t last_ms, int64_t now_ms, const struct env_settings *st)
{
    if (last_ms <= 0)
        return ENV_NEVER;
    int64_t age = now_ms - last_ms;
    if (age <= (int64_t)st->online_s * 1000)
        return ENV_ONLINE;
    if (age <= (int64_t)st->offline_s * 1000)
        return ENV_STALE;
    return ENV_OFFLINE;
}

/* The station tag of a series key, into *v (pointing into the key); 0 or IOC_ENOTFOUND. */
static int station_tag(const struct ioc_buf *key, struct tsdb_tag *v)
{
    struct tsdb_series_parts sp;
    if (tsdb_series_key_parse(key->data, key->len, &sp) != 0)
        return IOC_ENOTFOUND;
    for (size_t i = 0; tsdb_series_parts_tag(&sp, i, v) == 0; i++)
        if (v->key_len == 7 && memcmp(v->key, "station", 7) == 0)
            return 0;
    return IOC_ENOTFOUND;
}

int env_stations_last_readings(struct tsdb_db *db, const struct store_station *s, size_t n,
                               int64_t *last_ms)
{
    for (size_t i = 0; i < n; i++)
        last_ms[i] = 0;
    if (!db || n == 0)
        return 0;
    struct tsdb_str *vals = malloc(n * sizeof *vals);
    if (!vals)
        return IOC_ENOMEM;
    int rc = 0;
    for (int k = 0; rc == 0 && k < ENV_NKINDS; k++) {
        size_t nv = 0;
        for (size_t i = 0; i < n; i++)
            if (env_kind_of(s[i].kind) == k)
                vals[nv++] = (struct tsdb_str){s[i].code, strlen(s[i].code)};
        if (nv == 0)
            continue;
        struct tsdb_tag_filter f = {"station", 7, vals, nv};
        struct telemetry_query q = {
            .measurement = kind_measurements[k], .filters = &f, .nfilters = 1};
        struct telemetry_qresult r;
        rc = telemetry_query_latest(db, &q, &r);
        for (size_t e = 0; rc == 0 && e < r.nentries; e++) {
            struct tsdb_tag v;
            if (!r.entries[e].has_point || station_tag(&r.entries[e].key, &v) != 0)
                continue;
            int64_t ms = r.entries[e].t / 1000000;
            if (ms <= 0)
                ms = 1; /* a reading at 1970 is still a reading */
            for (size_t i = 0; i < n; i++)
                if (env_kind_of(s[i].kind) == k && strlen(s[i].code) == v.value_len &&
                    memcmp(s[i].code, v.value, v.value_len) == 0 && ms > last_ms[i])
                    last_ms[i] = ms;
        }
        telemetry_qresult_free(&r);
    }
    free(vals);
    return rc;
}

/* ---- the demo's sensors ------------------------------------------------------------------- */

int env_demo_stations(struct store_conn *c, struct env_demo_station **out, size_t *n)
{
    struct store_station *s = NULL;
    size_t ns = 0;
    *out = NULL;
    *n = 0;
    int rc = store_stations_find(c, NULL, &s, &ns);
    if (rc)
        return rc;
    struct env_demo_station *d = ns ? calloc(ns, sizeof *d) : NULL;
    if (ns && !d) {
        store_stations_free(s, ns);
        return IOC_ENOMEM;
    }
    for (size_t i = 0; i < ns; i++) {
        snprintf(d[i].code, sizeof d[i].code, "%s", s[i].code);
        d[i].kind = (enum env_kind)(env_kind_of(s[i].kind) < 0 ? 0 : env_kind_of(s[i].kind));
        snprintf(d[i].commune, sizeof d[i].commune, "%s", s[i].commune);
        snprintf(d[i].commune_name, sizeof d[i].commune_name, "%s", s[i].commune_name);
        snprintf(d[i].agency, sizeof d[i].agency, "%s", s[i].agency ? s[i].agency : "");
        for (int k = 0; k < 3; k++)
            d[i].alarm[k] = s[i].has_alarm[k] ? s[i].alarm[k] : NAN;
    }
    store_stations_free(s, ns);
    *out = d;
    *n = ns;
    return 0;
}
