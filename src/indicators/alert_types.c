/*
 * alert_types.c — the indicators' alert rule type, registered through src/alerts's type
 * interface (docs/alerts.md "Types"); src/alerts knows nothing of indicators.
 *
 *   target_missed  target {"indicator": CODE, "unit": CODE} (unit absent: every unit); params
 *                  {}: active while the indicator's traffic light (ind_light_of: the
 *                  catalogue's target, polarity and thresholds) for the newest period of a
 *                  unit is red; inactive when that light turns amber or green (or has none).
 *                  Target key "indicator:CODE,unit=U".
 *
 * Fed by the `indicator` signals sent once values are durable (ind_alert_json builds them, one
 * line per value, with its light; ind_alert_signal sends them). A value of a period older than
 * the newest one the rule has seen for the unit changes nothing.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "base/errors.h"
#include "indicators/indicators.h"
#include "store/store.h"

/* ---- the signal ------------------------------------------------------------------------------ */

int ind_alert_json(const char *code, const char *unit, const struct ind_indicator *ind,
                   const struct store_indvalue *v, struct ioc_buf *b)
{
    enum ind_light l = ind_light_of(&v->value, ind->has_target ? &ind->target : NULL, ind->polarity,
                                    &ind->thresholds);
    json_t *o = json_object();
    if (!o)
        return IOC_ENOMEM;
    json_object_set_new(o, "indicator", json_string(code));
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "period", json_string(v->period ? v->period : ""));
    json_object_set_new(o, "period_n", json_integer(v->period_n));
    json_object_set_new(o, "value", isfinite(v->value) ? json_real(v->value) : json_null());
    json_object_set_new(o, "target", ind->has_target ? json_real(ind->target) : json_null());
    json_object_set_new(o, "light", json_string(ind_light_name(l)));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        return IOC_ENOMEM;
    int rc = ioc_buf_puts(b, s);
    if (rc == 0)
        rc = ioc_buf_putc(b, '\n');
    free(s);
    return rc;
}

void ind_alert_signal(struct alerts *a, const char *lines, size_t n)
{
    for (size_t i = 0; a && lines && i < n;) {
        const char *nl = memchr(lines + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (lines + i)) : n - i;
        if (len)
            alerts_signal(a, "indicator", lines + i, len);
        i += len + 1;
    }
}

/* ---- the type ------------------------------------------------------------------------------ */

struct seen {
    char unit[64];
    int64_t period_n;
};

struct missed {
    char code[IND_CODE_MAX + 1], unit[64]; /* unit "": every unit */
    struct seen *v;
    size_t n, cap;
};

static int code_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(ch == '_' || ch == '-' || ch == '.' || (ch >= '0' && ch <= '9') ||
              (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
            return 0;
    }
    return 1;
}

static int missed_compile(const json_t *target, const json_t *params, void **state, char *err,
                          size_t errsz, const char **field)
{
    struct missed r = {0};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)target, k, v)
    {
        if (strcmp(k, "indicator") && strcmp(k, "unit")) {
            snprintf(err, errsz, "Unknown field 'target.%.40s' (indicator, unit).", k);
            *field = "target";
            return IOC_EINVAL;
        }
    }
    if (json_object_size(params)) {
        snprintf(err, errsz, "'params' is empty for target_missed.");
        *field = "params";
        return IOC_EINVAL;
    }
    const char *code = json_string_value(json_object_get(target, "indicator"));
    if (!code_ok(code, IND_CODE_MAX)) {
        snprintf(err, errsz, "'target.indicator' is required: an indicator's code.");
        *field = "target.indicator";
        return IOC_EINVAL;
    }
    snprintf(r.code, sizeof r.code, "%s", code);
    json_t *u = json_object_get(target, "unit");
    if (u && !json_is_null(u)) {
        if (!code_ok(json_string_value(u), sizeof r.unit - 1)) {
            snprintf(err, errsz, "'target.unit' is a unit's code, or absent for every unit.");
            *field = "target.unit";
            return IOC_EINVAL;
        }
        snprintf(r.unit, sizeof r.unit, "%s", json_string_value(u));
    }
    struct missed *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = r;
    *state = p;
    return 0;
}

static void missed_release(void *state)
{
    struct missed *r = state;
    if (r)
        free(r->v);
    free(r);
}

static const char *light_vi(const char *l)
{
    return strcmp(l, "red") == 0     ? "đỏ"
           : strcmp(l, "amber") == 0 ? "vàng"
           : strcmp(l, "green") == 0 ? "xanh"
                                     : "không có";
}

static void missed_signal(void *state, const char *source, const char *json, int64_t now_ms,
                          struct alerts_out *out)
{
    (void)now_ms;
    struct missed *r = state;
    if (strcmp(source, "indicator") != 0)
        return;
    json_t *o = json_loads(json, 0, NULL);
    const char *code = json_string_value(json_object_get(o, "indicator"));
    const char *unit = json_string_value(json_object_get(o, "unit"));
    const char *light = json_string_value(json_object_get(o, "light"));
    const char *period = json_string_value(json_object_get(o, "period"));
    json_t *pn = json_object_get(o, "period_n");
    if (!code || !unit || !light || !period || !json_is_integer(pn) || strcmp(code, r->code) ||
        (r->unit[0] && strcmp(unit, r->unit)) || strlen(unit) >= sizeof r->v[0].unit) {
        json_decref(o);
        return;
    }
    int64_t n = json_integer_value(pn);
    size_t i = 0;
    while (i < r->n && strcmp(r->v[i].unit, unit) != 0)
        i++;
    if (i < r->n && n < r->v[i].period_n) { /* an older period: not the unit's light now */
        json_decref(o);
        return;
    }
    if (i == r->n) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            struct seen *nv = realloc(r->v, cap * sizeof *nv);
            if (!nv) {
                json_decref(o);
                return;
            }
            r->v = nv;
            r->cap = cap;
        }
        snprintf(r->v[r->n++].unit, sizeof r->v[0].unit, "%s", unit);
    }
    r->v[i].period_n = n;
    json_t *vj = json_object_get(o, "value"), *tj = json_object_get(o, "target");
    double value = json_is_number(vj) ? json_number_value(vj) : NAN;
    char key[ALERTS_TARGET_MAX + 1], tgt[48] = "", vi[400], en[400];
    snprintf(key, sizeof key, "indicator:%s,unit=%s", code, unit);
    if (json_is_number(tj))
        snprintf(tgt, sizeof tgt, "%g", json_number_value(tj));
    snprintf(vi, sizeof vi, "Chỉ tiêu %s, đơn vị %s, kỳ %s: %g — đèn %s%s%s", code, unit, period,
             value, light_vi(light), tgt[0] ? ", mục tiêu " : "", tgt);
    snprintf(en, sizeof en, "Indicator %s, unit %s, period %s: %g — %s light%s%s", code, unit,
             period, value, light, tgt[0] ? ", target " : "", tgt);
    alerts_out_condition(out, key, strcmp(light, "red") == 0, value, NAN, NAN, vi, en);
    json_decref(o);
}

static const struct alerts_type target_missed = {
    "target_missed", missed_compile, missed_release, NULL, NULL, missed_signal};

int ind_alert_types_register(struct alerts *a)
{
    return alerts_register_type(a, &target_missed);
}
