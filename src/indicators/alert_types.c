/*
 * alert_types.c — the indicators' alert rule types, registered through src/alerts's type
 * interface (docs/alerts.md "Types"); src/alerts knows nothing of indicators.
 *
 *   target_missed    target {"indicator": CODE, "unit": CODE} (unit absent: every unit); params
 *                    {}: active while the indicator's traffic light (ind_light_of: the
 *                    catalogue's target, polarity and thresholds) for the newest period of a
 *                    unit is red; inactive when that light turns amber or green (or has none).
 *                    Target key "indicator:CODE,unit=U".
 *   submission_late  target {"indicator": CODE, "agency": CODE, "unit": CODE}, indicator or
 *                    agency required; params {}: active while the freshness of an indicator's
 *                    latest complete period (ind_freshness_read) is "missing" — its deadline
 *                    has passed and some expected value is not stored. Target key
 *                    "submission:CODE,period=P".
 *
 * target_missed is fed by the `indicator` signals sent once values are durable (ind_alert_json
 * builds them, one line per value, with its light; ind_alert_signal sends them). Periods are
 * compared, not arrival order: the first signal of a unit is checked against the newest period
 * stored for it (a backfilled older period after a restart is not the newest), and a value of
 * a period older than the newest one the rule has seen changes nothing. Once a minute the tick
 * recomputes each unit's light from its newest value and the catalogue as it is then, so a red
 * that a changed target turns green resolves without a new value.
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

/* ---- target_missed -------------------------------------------------------------------------- */

static struct store *ind_store;   /* where the rules read what the signals do not say */
#define RECHECK_MS INT64_C(60000) /* target_missed recomputes its lights this often */

struct seen {
    char unit[64];
    char period[IND_PERIOD_TEXT_MAX];
    int64_t period_n;
    double value; /* NAN: none */
};

struct missed {
    char code[IND_CODE_MAX + 1], unit[64]; /* unit "": every unit */
    struct seen *v;
    size_t n, cap;
    int64_t recheck_ms; /* the next recomputation of the lights (0: at the first tick) */
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

/* target.name, optional when !required: a code into dst (size bytes). */
static int target_code(const json_t *target, const char *name, int required, char *dst, size_t size,
                       char *err, size_t errsz, const char **field)
{
    static const char *const fields[] = {"target.indicator", "target.unit", "target.agency"};
    json_t *u = json_object_get(target, name);
    dst[0] = '\0';
    if (!required && (!u || json_is_null(u)))
        return 0;
    if (!code_ok(json_string_value(u), size - 1)) {
        snprintf(err, errsz, "'target.%s' is %s.", name,
                 required ? "required: a code" : "a code, or absent for every one");
        *field = strcmp(name, "indicator") == 0 ? fields[0]
                 : strcmp(name, "unit") == 0    ? fields[1]
                                                : fields[2];
        return IOC_EINVAL;
    }
    snprintf(dst, size, "%s", json_string_value(u));
    return 0;
}

static int only_fields(const json_t *target, const json_t *params, const char *type,
                       const char *const *names, size_t nn, char *err, size_t errsz,
                       const char **field)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)target, k, v)
    {
        size_t i = 0;
        while (i < nn && strcmp(k, names[i]) != 0)
            i++;
        if (i == nn) {
            snprintf(err, errsz, "Unknown field 'target.%.40s'.", k);
            *field = "target";
            return IOC_EINVAL;
        }
    }
    if (json_object_size(params)) {
        snprintf(err, errsz, "'params' is empty for %s.", type);
        *field = "params";
        return IOC_EINVAL;
    }
    return 0;
}

static int missed_compile(const json_t *target, const json_t *params, void **state, char *err,
                          size_t errsz, const char **field)
{
    static const char *const names[] = {"indicator", "unit"};
    struct missed r = {0};
    int rc = only_fields(target, params, "target_missed", names, 2, err, errsz, field);
    if (!rc)
        rc = target_code(target, "indicator", 1, r.code, sizeof r.code, err, errsz, field);
    if (!rc)
        rc = target_code(target, "unit", 0, r.unit, sizeof r.unit, err, errsz, field);
    if (rc)
        return rc;
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

static void missed_report(const struct missed *r, const struct seen *s, const char *light,
                          const double *target, struct alerts_out *out)
{
    char key[ALERTS_TARGET_MAX + 1], tgt[48] = "", vi[400], en[400];
    snprintf(key, sizeof key, "indicator:%s,unit=%s", r->code, s->unit);
    if (target)
        snprintf(tgt, sizeof tgt, "%g", *target);
    snprintf(vi, sizeof vi, "Chỉ tiêu %s, đơn vị %s, kỳ %s: %g — đèn %s%s%s", r->code, s->unit,
             s->period, s->value, light_vi(light), tgt[0] ? ", mục tiêu " : "", tgt);
    snprintf(en, sizeof en, "Indicator %s, unit %s, period %s: %g — %s light%s%s", r->code, s->unit,
             s->period, s->value, light, tgt[0] ? ", target " : "", tgt);
    alerts_out_condition(out, key, strcmp(light, "red") == 0, s->value, NAN, NAN, vi, en);
}

/* The catalogue's indicator code as the rules read it now (its light's parameters). */
static int catalogue_of(struct store_conn *c, const char *code, struct ind_indicator *ind)
{
    struct store_indicator x;
    int rc = store_indicator_get(c, code, &x);
    if (rc)
        return rc;
    rc = ind_indicator_of(c, &x, ind);
    store_indicator_clear(&x);
    return rc;
}

/* The newest period stored for (r->code, unit) against that unit itself, into s (period_n,
 * period, value); 1 found, 0 none or unreadable. */
static int newest_stored(const struct missed *r, const char *unit, struct seen *s)
{
    struct store_conn *c = NULL;
    struct ind_indicator ind;
    struct store_indbase *b = NULL;
    size_t n = 0;
    int found = 0;
    if (!ind_store || store_conn_open(ind_store, 1, &c) != 0)
        return 0;
    if (catalogue_of(c, r->code, &ind) == 0 &&
        store_indvalue_base(c, ind.id, unit, ind_freq_name(ind.freq), INT64_MIN, INT64_MAX, &b,
                            &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            struct ind_period p = {ind.freq, (int32_t)b[i].period_n};
            if (!b[i].own || (found && b[i].period_n <= s->period_n) ||
                ind_period_format(p, s->period) != 0)
                continue;
            s->period_n = b[i].period_n;
            s->value = b[i].value;
            found = 1;
        }
    }
    free(b);
    store_conn_close(c);
    return found;
}

/* The unit's entry, added (with the newest period stored for it) at its first signal. */
static struct seen *seen_of(struct missed *r, const char *unit)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].unit, unit) == 0)
            return &r->v[i];
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct seen *nv = realloc(r->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        r->v = nv;
        r->cap = cap;
    }
    struct seen *s = &r->v[r->n++];
    *s = (struct seen){.period_n = INT64_MIN, .value = NAN};
    snprintf(s->unit, sizeof s->unit, "%s", unit);
    newest_stored(r, unit, s);
    return s;
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
    struct seen *s = NULL;
    if (code && unit && light && period && json_is_integer(pn) && strcmp(code, r->code) == 0 &&
        (!r->unit[0] || strcmp(unit, r->unit) == 0) && strlen(unit) < sizeof s->unit)
        s = seen_of(r, unit);
    int64_t n = json_integer_value(pn);
    /* an older period (than seen, or than stored at the unit's first signal): not its light
     * (the stored newest one's light is the minute's recomputation's) */
    if (!s || n < s->period_n) {
        json_decref(o);
        return;
    }
    json_t *vj = json_object_get(o, "value"), *tj = json_object_get(o, "target");
    s->period_n = n;
    snprintf(s->period, sizeof s->period, "%s", period);
    s->value = json_is_number(vj) ? json_number_value(vj) : NAN;
    double target = json_number_value(tj);
    missed_report(r, s, light, json_is_number(tj) ? &target : NULL, out);
    json_decref(o);
}

/* Once a minute: each unit's newest value under the catalogue as it is now. */
static void missed_tick(void *state, int64_t now_ms, struct alerts_out *out)
{
    struct missed *r = state;
    if (now_ms < r->recheck_ms)
        return;
    r->recheck_ms = now_ms + RECHECK_MS;
    struct store_conn *c = NULL;
    struct ind_indicator ind;
    if (!r->n || !ind_store || store_conn_open(ind_store, 1, &c) != 0)
        return;
    int rc = catalogue_of(c, r->code, &ind);
    store_conn_close(c);
    if (rc)
        return;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->v[i].period[0])
            continue;
        enum ind_light l =
            ind_light_of(isfinite(r->v[i].value) ? &r->v[i].value : NULL,
                         ind.has_target ? &ind.target : NULL, ind.polarity, &ind.thresholds);
        missed_report(r, &r->v[i], ind_light_name(l), ind.has_target ? &ind.target : NULL, out);
    }
}

static const struct alerts_type target_missed = {
    "target_missed", missed_compile, missed_release, NULL, missed_tick, missed_signal};

/* ---- submission_late ------------------------------------------------------------------------ */

struct late_key {
    char key[ALERTS_TARGET_MAX + 1];
};

struct late {
    char code[IND_CODE_MAX + 1], agency[IND_CODE_MAX + 1], unit[64]; /* "": any */
    int64_t next_ms;     /* the next reading of the freshness (0: the first tick) */
    struct late_key *on; /* the targets reported active */
    size_t n, cap;
};

static int late_compile(const json_t *target, const json_t *params, void **state, char *err,
                        size_t errsz, const char **field)
{
    static const char *const names[] = {"indicator", "agency", "unit"};
    struct late r = {0};
    int rc = only_fields(target, params, "submission_late", names, 3, err, errsz, field);
    if (!rc)
        rc = target_code(target, "indicator", 0, r.code, sizeof r.code, err, errsz, field);
    if (!rc)
        rc = target_code(target, "agency", 0, r.agency, sizeof r.agency, err, errsz, field);
    if (!rc)
        rc = target_code(target, "unit", 0, r.unit, sizeof r.unit, err, errsz, field);
    if (!rc && !r.code[0] && !r.agency[0]) {
        snprintf(err, errsz, "'target.indicator' or 'target.agency' is required.");
        *field = "target.indicator";
        rc = IOC_EINVAL;
    }
    if (rc)
        return rc;
    struct late *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = r;
    *state = p;
    return 0;
}

static void late_release(void *state)
{
    struct late *r = state;
    if (r)
        free(r->on);
    free(r);
}

/* dd/mm/yyyy HH:mm in UTC+7 of Unix seconds t. */
static void local_time(int64_t t, char out[24])
{
    struct ind_period d;
    char day[IND_PERIOD_TEXT_MAX] = "?";
    if (ind_period_of(IND_DAY, t, &d) == 0)
        ind_period_display_vi(d, day);
    int64_t m = ((t + IND_UTC_OFFSET_S) % 86400 + 86400) % 86400 / 60;
    snprintf(out, 24, "%.10s %02d:%02d", day, (int)(m / 60), (int)(m % 60));
}

static void late_key_of(const struct ind_fresh_item *it, char key[ALERTS_TARGET_MAX + 1])
{
    char p[IND_PERIOD_TEXT_MAX] = "";
    ind_period_format(it->period, p);
    snprintf(key, ALERTS_TARGET_MAX + 1, "submission:%s,period=%s", it->x->col[STORE_IND_CODE], p);
}

static void late_report(const struct ind_fresh_item *it, const char *key, struct alerts_out *out)
{
    const char *code = it->x->col[STORE_IND_CODE];
    char pv[IND_PERIOD_TEXT_MAX] = "", due[24], vi[600], en[600];
    ind_period_display_vi(it->period, pv);
    local_time(it->f.due, due);
    int32_t missing = it->f.expected - it->f.stored;
    const char *uvi = it->unit[0] ? it->unit : "toàn tỉnh";
    const char *uen = it->unit[0] ? it->unit : "the whole province";
    snprintf(vi, sizeof vi,
             "Chỉ tiêu %s (%.200s), kỳ %s, đơn vị %s: thiếu %d/%d giá trị sau hạn %s", code,
             it->x->col[STORE_IND_NAME_VI], pv, uvi, (int)missing, (int)it->f.expected, due);
    snprintf(en, sizeof en,
             "Indicator %s (%.200s), period %s, unit %s: %d of %d values missing after the "
             "deadline %s",
             code, it->x->col[STORE_IND_NAME_EN], pv, uen, (int)missing, (int)it->f.expected, due);
    alerts_out_condition(out, key, 1, missing, NAN, NAN, vi, en);
    alerts_out_unit(out, it->unit);
}

static int late_mark(struct late *r, const char *key)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct late_key *nv = realloc(r->on, cap * sizeof *nv);
        if (!nv)
            return IOC_ENOMEM;
        r->on = nv;
        r->cap = cap;
    }
    snprintf(r->on[r->n++].key, sizeof r->on[0].key, "%s", key);
    return 0;
}

/* Reads the freshness at now and reports: each matching indicator whose latest complete period
 * is missing is active; a target reported active before and not now (its values in, or its
 * period no longer the latest) is inactive. */
static void late_eval(struct late *r, int64_t now_ms, struct alerts_out *out)
{
    struct store_conn *c = NULL;
    struct ind_freshness f;
    if (!ind_store || store_conn_open(ind_store, 1, &c) != 0)
        return;
    int64_t now = (now_ms >= 0 ? now_ms : now_ms - 999) / 1000;
    /* one indicator: only its agency's indicators are read, not the whole catalogue's */
    struct ind_indicator ind;
    const char *agency = r->agency[0]                                        ? r->agency
                         : r->code[0] && catalogue_of(c, r->code, &ind) == 0 ? ind.agency_code
                                                                             : NULL;
    int rc = ind_freshness_read(c, agency, NULL, now, &f);
    store_conn_close(c);
    if (rc) {
        ioc_log(IOC_LOG_WARN, "submission_late: the freshness could not be read (%s)",
                ioc_strerror(rc));
        return;
    }
    struct late was = *r;
    r->on = NULL;
    r->n = r->cap = 0;
    for (size_t i = 0; i < f.n; i++) {
        const struct ind_fresh_item *it = &f.items[i];
        if ((r->code[0] && strcmp(r->code, it->x->col[STORE_IND_CODE]) != 0) ||
            (r->unit[0] && strcmp(r->unit, it->unit) != 0) || it->f.status != IND_FRESH_MISSING)
            continue;
        char key[ALERTS_TARGET_MAX + 1];
        late_key_of(it, key);
        late_report(it, key, out);
        late_mark(r, key);
    }
    for (size_t i = 0; i < was.n; i++) {
        size_t j = 0;
        while (j < r->n && strcmp(r->on[j].key, was.on[i].key) != 0)
            j++;
        if (j == r->n)
            alerts_out_condition(out, was.on[i].key, 0, NAN, NAN, NAN,
                                 "Đã đủ số liệu, hoặc kỳ không còn là kỳ mới nhất",
                                 "The values are in, or the period is no longer the latest");
    }
    free(was.on);
    ind_freshness_free(&f);
}

static void late_tick(void *state, int64_t now_ms, struct alerts_out *out)
{
    struct late *r = state;
    if (now_ms < r->next_ms)
        return;
    r->next_ms = now_ms + RECHECK_MS;
    late_eval(r, now_ms, out);
}

/* A value of a watched indicator arrived: the freshness is read again at the next tick. */
static void late_signal(void *state, const char *source, const char *json, int64_t now_ms,
                        struct alerts_out *out)
{
    (void)now_ms;
    (void)out;
    struct late *r = state;
    if (strcmp(source, "indicator") != 0)
        return;
    if (r->code[0]) {
        json_t *o = json_loads(json, 0, NULL);
        const char *code = json_string_value(json_object_get(o, "indicator"));
        int mine = code && strcmp(code, r->code) == 0;
        json_decref(o);
        if (!mine)
            return;
    }
    r->next_ms = 0;
}

static const struct alerts_type submission_late = {
    "submission_late", late_compile, late_release, NULL, late_tick, late_signal};

int ind_alert_types_register(struct alerts *a, struct store *st)
{
    if (st) /* a registry that only checks rules (iocctl, the demo) leaves iocd's store */
        ind_store = st;
    int rc = alerts_register_type(a, &target_missed);
    return rc ? rc : alerts_register_type(a, &submission_late);
}
