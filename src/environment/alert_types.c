/*
 * alert_types.c — the environment's alert rule types, registered through src/alerts's type
 * interface (docs/alerts.md "Writing a rule type"); src/alerts knows nothing of them.
 *
 *   aqi_class    target {"station": CODE} (absent: every station); params {"class": 1 … 6}:
 *                active while a station's latest hourly AQI (the `aqi` series the AQI engine
 *                writes) is of that class (Table 1) or worse. Target key "aqi,station=CODE aqi".
 *   water_alarm  target as aqi_class; params {"level": 1 … 3}: active while a station's water
 *                alarm state (the `water_alarm` series of water.c, field state) is at that level
 *                or above. Target key "water,station=CODE level", the station's level series.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "base/errors.h"
#include "environment/environment.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

struct env_rule {
    int aqi;                        /* 1: aqi_class, 0: water_alarm */
    char station[ENV_CODE_MAX + 1]; /* "": every station */
    int at_least;                   /* class 1 … 6, or level 1 … 3 */
};

static int compile(int aqi, const json_t *target, const json_t *params, void **state, char *err,
                   size_t errsz, const char **field)
{
    struct env_rule r = {aqi, "", 0};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)target, k, v)
    {
        if (strcmp(k, "station") != 0) {
            snprintf(err, errsz, "Unknown field 'target.%.40s' (station).", k);
            *field = "target";
            return IOC_EINVAL;
        }
    }
    json_t *st = json_object_get(target, "station");
    if (st && !json_is_null(st)) {
        if (!json_is_string(st) || !env_code_valid(json_string_value(st))) {
            snprintf(err, errsz, "'target.station' is a station's code, or absent for all.");
            *field = "target.station";
            return IOC_EINVAL;
        }
        snprintf(r.station, sizeof r.station, "%s", json_string_value(st));
    }
    const char *name = aqi ? "class" : "level";
    int max = aqi ? 6 : 3;
    json_object_foreach((json_t *)params, k, v)
    {
        if (strcmp(k, name) != 0) {
            snprintf(err, errsz, "Unknown field 'params.%.40s' (%s).", k, name);
            *field = "params";
            return IOC_EINVAL;
        }
    }
    json_t *x = json_object_get(params, name);
    if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > max) {
        snprintf(err, errsz, "'params.%s' is required: a whole number from 1 to %d.", name, max);
        *field = aqi ? "params.class" : "params.level";
        return IOC_EINVAL;
    }
    r.at_least = (int)json_integer_value(x);
    struct env_rule *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = r;
    *state = p;
    return 0;
}

static int aqi_compile(const json_t *target, const json_t *params, void **state, char *err,
                       size_t errsz, const char **field)
{
    return compile(1, target, params, state, err, errsz, field);
}

static int water_compile(const json_t *target, const json_t *params, void **state, char *err,
                         size_t errsz, const char **field)
{
    return compile(0, target, params, state, err, errsz, field);
}

static void release(void *state)
{
    free(state);
}

/* The station of a point of measurement m and field f into code; 0 when it is not one. */
static int station_of(const struct tsdb_point_in *p, const char *m, const char *f,
                      char code[ENV_CODE_MAX + 1])
{
    size_t ml = strlen(m), fl = strlen(f);
    const unsigned char *k = p->key; /* varint(len) measurement …: see tsdb/series.c */
    if (p->key_len < ml + 1 || k[0] != ml || memcmp(k + 1, m, ml) != 0)
        return 0;
    struct tsdb_series_parts sp;
    if (tsdb_series_key_parse(p->key, p->key_len, &sp) != 0 || sp.flen != fl ||
        memcmp(sp.f, f, fl) != 0)
        return 0;
    struct tsdb_tag tag;
    for (size_t t = 0; tsdb_series_parts_tag(&sp, t, &tag) == 0; t++)
        if (tag.key_len == 7 && memcmp(tag.key, "station", 7) == 0 && tag.value_len > 0 &&
            tag.value_len <= ENV_CODE_MAX) {
            memcpy(code, tag.value, tag.value_len);
            code[tag.value_len] = 0;
            return 1;
        }
    return 0;
}

static void points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now_ms,
                   struct alerts_out *out)
{
    (void)now_ms;
    const struct env_rule *r = state;
    char code[ENV_CODE_MAX + 1], key[ALERTS_TARGET_MAX + 1];
    char vi[256], en[256];
    for (size_t i = 0; i < n; i++) {
        if (p[i].type == TSDB_STRING ||
            !station_of(&p[i], r->aqi ? "aqi" : "water_alarm", r->aqi ? "aqi" : "state", code) ||
            (r->station[0] && strcmp(code, r->station) != 0))
            continue;
        double v = tsdb_value_double(p[i].type, p[i].v);
        if (r->aqi) {
            int cls = isfinite(v) && v >= 0 ? aqi_class((int)v) : 0;
            snprintf(key, sizeof key, "aqi,station=%s aqi", code);
            snprintf(vi, sizeof vi, "Trạm %s: AQI %.0f (%s)", code, v, aqi_class_vi(cls));
            snprintf(en, sizeof en, "Station %s: AQI %.0f (%s)", code, v, aqi_class_en(cls));
            alerts_out_condition(out, key, cls >= r->at_least, v, NAN, NAN, vi, en);
        } else {
            int level = isfinite(v) ? (int)v : 0;
            snprintf(key, sizeof key, "water,station=%s level", code);
            snprintf(vi, sizeof vi, "Trạm %s: mực nước ở báo động %d", code, level);
            snprintf(en, sizeof en, "Station %s: water at alarm level %d", code, level);
            alerts_out_condition(out, key, level >= r->at_least, level, NAN, NAN, vi, en);
        }
    }
}

/* The one series name each type reads (the dispatcher indexes the rule under it): the AQI
 * engine's `aqi aqi` and `water_alarm state`. */
static size_t listens(const void *state, const char **m, const char **f, size_t max)
{
    const struct env_rule *r = state;
    if (max < 1)
        return 0;
    m[0] = r->aqi ? "aqi" : "water_alarm";
    f[0] = r->aqi ? "aqi" : "state";
    return 1;
}

const struct alerts_type env_alert_type_aqi_class = {"aqi_class", aqi_compile, release, points,
                                                     NULL,        NULL,        listens};
const struct alerts_type env_alert_type_water_alarm = {
    "water_alarm", water_compile, release, points, NULL, NULL, listens};

int env_alert_types_register(struct alerts *a)
{
    int rc = alerts_register_type(a, &env_alert_type_aqi_class);
    return rc ? rc : alerts_register_type(a, &env_alert_type_water_alarm);
}

#define ENV_LOCATE_CODE_MAX 32

int env_alert_locate(struct store_conn *c, const char *tags, double *lat, double *lon,
                     char unit[16])
{
    /* tags: "station=CODE" possibly among others, comma-separated, sorted */
    char code[ENV_LOCATE_CODE_MAX + 1] = "";
    for (const char *p = tags; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n > 8 && n - 8 <= ENV_LOCATE_CODE_MAX && memcmp(p, "station=", 8) == 0) {
            memcpy(code, p + 8, n - 8);
            code[n - 8] = 0;
        }
        p = comma ? comma + 1 : p + n;
    }
    if (!code[0])
        return IOC_ENOTFOUND;
    struct store_station s = {0};
    int rc = store_station_get(c, code, &s);
    if (rc)
        return rc;
    *lat = s.lat;
    *lon = s.lon;
    snprintf(unit, 16, "%s", s.commune ? s.commune : "");
    store_station_clear(&s);
    return 0;
}
