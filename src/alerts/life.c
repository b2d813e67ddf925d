/*
 * life.c — the life of an alert as the engine writes it: a firing (new, counted again, reopened
 * within the regroup window, or new and silenced), a resolution by the data, an escalation.
 * Each is one writer job (src/store/alerts.c decides from the rows) that also calls the in_tx
 * hook with the alert JSON (not for a silenced alert: it is recorded, never notified); its done
 * callback, once the change is durable, calls the published hook. Also here: the alert JSON of
 * the shared contract and who may read and act on an alert.
 */
#include "alerts/alerts_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"

enum kind { FIRE, RESOLVE, ESCALATE };

struct change {
    struct alerts *a;
    enum kind kind;
    struct store_alert_fire f;
    /* owned copies of what f points to */
    char *strs[9];
    char target[ALERTS_TARGET_MAX + 1];
    /* out */
    enum store_alert_change what;
    int64_t agency_id;
    char *json;
    size_t json_len;
};

static void change_free(struct change *c)
{
    for (int i = 0; i < 9; i++)
        free(c->strs[i]);
    free(c->json);
    free(c);
}

static int change_job(struct store_conn *w, void *arg)
{
    struct change *c = arg;
    struct store_alert x;
    int rc;
    switch (c->kind) {
    case FIRE:
        rc = store_alert_fire(w, &c->f, &c->what, &x);
        break;
    case RESOLVE:
        c->what = STORE_ALERT_RESOLVED;
        rc = store_alert_resolve_data(w, c->f.rule_id, c->target, c->f.now_ms, &x);
        break;
    default:
        c->what = STORE_ALERT_ESCALATED;
        rc = store_alert_escalate(w, c->f.rule_id, c->target, c->f.now_ms, &x);
        break;
    }
    if (rc == IOC_ENOTFOUND)
        return 0; /* nothing to resolve or escalate (a person was first): no change */
    if (rc)
        return rc;
    c->agency_id = x.agency_id;
    int silenced = x.silenced;
    json_t *j = alerts_alert_json(&x, store_alert_change_name(c->what));
    store_alert_clear(&x);
    c->json = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(j);
    if (!c->json)
        return IOC_ENOMEM;
    c->json_len = strlen(c->json);
    if (!silenced && c->a->o.in_tx)
        return c->a->o.in_tx(c->a->o.ctx, w, "alert", c->agency_id, c->json, c->json_len);
    return 0;
}

static void change_done(void *arg, int rc)
{
    struct change *c = arg;
    struct alerts *a = c->a;
    if (rc) {
        atomic_fetch_add(&a->failures, 1);
        ioc_log(IOC_LOG_WARN, "alerts: a change of rule %lld could not be written (%d)",
                (long long)c->f.rule_id, rc);
    } else if (c->json) {
        atomic_fetch_add(&a->changes, 1);
        if (a->o.published)
            a->o.published(a->o.ctx, "alert", c->agency_id, c->json, c->json_len);
    }
    change_free(c);
    atomic_fetch_add(&a->completed, 1);
}

static void submit(struct alerts *a, struct change *c)
{
    atomic_fetch_add(&a->submitted, 1);
    if (a->o.manual) {
        change_done(c, store_tx(a->wconn, change_job, c));
        return;
    }
    int rc = store_writer_submit(a->o.store, change_job, change_done, c);
    if (rc)
        change_done(c, rc);
}

static char *dup(const char *s)
{
    return strdup(s ? s : "");
}

void alerts_life_fire(struct alerts *a, const struct alerts_rule_rt *r,
                      const struct alerts_cond *cd, int64_t now_ms)
{
    struct change *c = calloc(1, sizeof *c);
    if (!c) {
        atomic_fetch_add(&a->failures, 1);
        return;
    }
    c->a = a;
    c->kind = FIRE;
    double lat = cd->lat, lon = cd->lon;
    char unit[16] = "";
    snprintf(unit, sizeof unit, "%s", cd->unit);
    if ((isnan(lat) || isnan(lon)) && a->o.locate) {
        /* "measurement,tags field": the measurement, and the tags without the field */
        char m[ALERTS_TARGET_MAX + 1], tags[ALERTS_TARGET_MAX + 1] = "";
        snprintf(m, sizeof m, "%s", cd->target);
        char *sp = strchr(m, ' ');
        if (sp)
            *sp = 0;
        char *comma = strchr(m, ',');
        if (comma) {
            snprintf(tags, sizeof tags, "%s", comma + 1);
            *comma = 0;
        }
        char where[16] = "";
        if (a->o.locate(a->o.ctx, m, tags, &lat, &lon, where) != 0)
            lat = lon = NAN, where[0] = 0;
        if (!unit[0])
            snprintf(unit, sizeof unit, "%s", where);
    }
    const char *s[9] = {r->r.name_vi,
                        r->r.name_en,
                        r->r.type,
                        r->r.severity,
                        cd->target,
                        r->r.agency,
                        r->r.unit && r->r.unit[0] ? r->r.unit : unit,
                        cd->summary_vi,
                        cd->summary_en};
    for (int i = 0; i < 9; i++)
        if (!(c->strs[i] = dup(s[i]))) {
            change_free(c);
            atomic_fetch_add(&a->failures, 1);
            return;
        }
    struct store_alert_fire *f = &c->f;
    f->rule_id = r->r.id;
    f->rule_name_vi = c->strs[0];
    f->rule_name_en = c->strs[1];
    f->type = c->strs[2];
    f->severity = c->strs[3];
    f->target = c->strs[4];
    f->agency = c->strs[5];
    f->unit = c->strs[6];
    f->summary_vi = c->strs[7];
    f->summary_en = c->strs[8];
    f->has_pos = !isnan(lat) && !isnan(lon);
    f->lat = f->has_pos ? lat : 0;
    f->lon = f->has_pos ? lon : 0;
    f->has_value = !isnan(cd->value) && isfinite(cd->value);
    f->value = f->has_value ? cd->value : 0;
    f->now_ms = now_ms;
    f->regroup_ms = (int64_t)a->set.regroup_s * 1000;
    submit(a, c);
}

static void simple(struct alerts *a, enum kind k, int64_t rule_id, const char *target,
                   int64_t now_ms)
{
    struct change *c = calloc(1, sizeof *c);
    if (!c) {
        atomic_fetch_add(&a->failures, 1);
        return;
    }
    c->a = a;
    c->kind = k;
    c->f.rule_id = rule_id;
    c->f.now_ms = now_ms;
    snprintf(c->target, sizeof c->target, "%s", target);
    submit(a, c);
}

void alerts_life_resolve(struct alerts *a, int64_t rule_id, const char *target, int64_t now_ms)
{
    simple(a, RESOLVE, rule_id, target, now_ms);
}

void alerts_life_escalate(struct alerts *a, int64_t rule_id, const char *target, int64_t now_ms)
{
    simple(a, ESCALATE, rule_id, target, now_ms);
}

/* ---- rules deleted or disabled ------------------------------------------------------------ */

struct alerts_retired {
    char *json;
    size_t len;
    int64_t agency_id;
};

static int retire_one(void *ctx, const struct store_alert *y)
{
    struct alerts_retire *x = ctx;
    if (x->n == x->cap) {
        size_t c = x->cap ? 2 * x->cap : 8;
        struct alerts_retired *nv = realloc(x->v, c * sizeof *nv);
        if (!nv)
            return IOC_ENOMEM;
        x->v = nv;
        x->cap = c;
    }
    json_t *j = alerts_alert_json(y, "resolved");
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(j);
    if (!s)
        return IOC_ENOMEM;
    struct alerts_retired *r = &x->v[x->n++];
    *r = (struct alerts_retired){s, strlen(s), y->agency_id};
    if (!y->silenced && x->a && x->a->o.in_tx)
        return x->a->o.in_tx(x->a->o.ctx, x->w, "alert", r->agency_id, r->json, r->len);
    return 0;
}
int alerts_retire_job(struct store_conn *w, struct alerts_retire *x)
{
    int64_t now = x->now_ms;
    if (!now)
        now = x->a && x->a->o.now_ms ? x->a->o.now_ms() : ioc_now_ms();
    x->w = w;
    for (size_t i = 0; i < x->n; i++) /* a job run again starts afresh */
        free(x->v[i].json);
    x->n = 0;
    return store_alerts_resolve_rule(w, x->rule_id,
                                     x->deleted ? ALERTS_BY_RULE_DELETED : ALERTS_BY_RULE_DISABLED,
                                     now, retire_one, x);
}

void alerts_retire_done(struct alerts_retire *x, int rc)
{
    for (size_t i = 0; i < x->n; i++) {
        if (rc == 0 && x->a) {
            atomic_fetch_add(&x->a->changes, 1);
            if (x->a->o.published)
                x->a->o.published(x->a->o.ctx, "alert", x->v[i].agency_id, x->v[i].json,
                                  x->v[i].len);
        }
        free(x->v[i].json);
    }
    free(x->v);
    x->v = NULL;
    x->n = x->cap = 0;
    x->w = NULL;
}

/* The engine's sweep: the store says whether the rule was deleted or disabled (or enabled
 * again since: nothing to do). */
static int sweep_job(struct store_conn *w, void *arg)
{
    struct alerts_retire *x = arg;
    struct store_alert_rule r;
    int rc = store_alert_rule_get(w, x->rule_id, &r);
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    x->deleted = rc == IOC_ENOTFOUND;
    int enabled = rc == 0 && r.enabled;
    if (rc == 0)
        store_alert_rule_clear(&r);
    return enabled ? 0 : alerts_retire_job(w, x);
}

static void sweep_done(void *arg, int rc)
{
    struct alerts_retire *x = arg;
    struct alerts *a = x->a;
    if (rc) {
        atomic_fetch_add(&a->failures, 1);
        ioc_log(IOC_LOG_WARN, "alerts: the alerts of rule %lld could not be resolved (%d)",
                (long long)x->rule_id, rc);
    }
    alerts_retire_done(x, rc);
    free(x);
    atomic_fetch_add(&a->completed, 1);
}

void alerts_life_retire(struct alerts *a, int64_t rule_id, int64_t now_ms)
{
    struct alerts_retire *x = calloc(1, sizeof *x);
    if (!x) {
        atomic_fetch_add(&a->failures, 1);
        return;
    }
    x->a = a;
    x->rule_id = rule_id;
    x->now_ms = now_ms;
    atomic_fetch_add(&a->submitted, 1);
    if (a->o.manual) {
        sweep_done(x, store_tx(a->wconn, sweep_job, x));
        return;
    }
    int rc = store_writer_submit(a->o.store, sweep_job, sweep_done, x);
    if (rc)
        sweep_done(x, rc);
}

/* ---- acts of people ------------------------------------------------------------------------ */

int alerts_act_job(struct store_conn *w, void *arg)
{
    struct alerts_act *x = arg;
    struct store_alert y;
    int rc = store_alert_act(w, x->id, x->resolve, x->by, x->note, x->now_ms, &y);
    if (rc == IOC_EEXIST) {
        x->wrong_state = 1;
        return 0;
    }
    if (rc)
        return rc;
    x->rule_id = y.rule_id;
    x->agency_id = y.agency_id;
    snprintf(x->target, sizeof x->target, "%s", y.target);
    int silenced = y.silenced;
    json_t *j = alerts_alert_json(&y, x->resolve ? "resolved" : "acknowledged");
    store_alert_clear(&y);
    x->json = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(j);
    if (!x->json)
        return IOC_ENOMEM;
    x->json_len = strlen(x->json);
    if (x->audit && (rc = store_audit_add(w, x->audit)) != 0)
        return rc;
    if (!silenced && x->a && x->a->o.in_tx)
        return x->a->o.in_tx(x->a->o.ctx, w, "alert", x->agency_id, x->json, x->json_len);
    return 0;
}

void alerts_act_done(struct alerts_act *x, int rc)
{
    if (rc == 0 && !x->wrong_state && x->json && x->a) {
        if (x->a->o.published)
            x->a->o.published(x->a->o.ctx, "alert", x->agency_id, x->json, x->json_len);
        alerts_acted(x->a, x->rule_id, x->target, x->resolve);
    }
    free(x->json);
    x->json = NULL;
}

/* ---- the alert JSON ------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *time_json(int64_t ms)
{
    char t[32];
    ioc_time_rfc3339(ms, t);
    return json_string(t);
}

json_t *alerts_alert_json(const struct store_alert *x, const char *change)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_integer(x->id));
    json_object_set_new(o, "rule", json_integer(x->rule_id));
    json_object_set_new(o, "rule_name",
                        json_pack("{s:s, s:s}", "vi", x->rule_name_vi, "en", x->rule_name_en));
    json_object_set_new(o, "type", json_string(x->type));
    json_object_set_new(o, "severity", json_string(x->severity));
    json_object_set_new(o, "state", json_string(x->state));
    json_object_set_new(o, "target", json_string(x->target));
    json_object_set_new(o, "agency", str_or_null(x->agency));
    json_object_set_new(o, "unit", str_or_null(x->unit));
    json_object_set_new(o, "lat", x->has_pos ? json_real(x->lat) : json_null());
    json_object_set_new(o, "lon", x->has_pos ? json_real(x->lon) : json_null());
    json_object_set_new(o, "value", x->has_value ? json_real(x->value) : json_null());
    json_object_set_new(o, "summary",
                        json_pack("{s:s, s:s}", "vi", x->summary_vi, "en", x->summary_en));
    json_object_set_new(o, "count", json_integer(x->count));
    json_object_set_new(o, "silenced", json_boolean(x->silenced));
    json_object_set_new(o, "escalations", json_integer(x->escalations));
    json_object_set_new(o, "started_at", time_json(x->started_ms));
    json_object_set_new(o, "last_at", time_json(x->last_ms));
    json_object_set_new(o, "acknowledged",
                        x->ack_ms ? json_pack("{s:s, s:o, s:s}", "by", x->ack_by, "at",
                                              time_json(x->ack_ms), "note", x->ack_note)
                                  : json_null());
    json_object_set_new(o, "resolved",
                        x->resolved_ms
                            ? json_pack("{s:o, s:o, s:s}", "by", str_or_null(x->resolved_by), "at",
                                        time_json(x->resolved_ms), "note", x->resolved_note)
                            : json_null());
    if (change)
        json_object_set_new(o, "change", json_string(change));
    return o;
}

/* ---- who may read and act ------------------------------------------------------------------ */

static int own(const struct auth_principal *p, const char *agency_code)
{
    return p->agency_id > 0 && agency_code && *agency_code &&
           strcmp(p->agency_code, agency_code) == 0;
}

int alerts_may_act(const struct auth_principal *p, const char *agency_code)
{
    if (!p)
        return 0;
    if (p->kind == AUTH_USER)
        return p->role >= AUTH_ROLE_OPERATOR || (p->role == AUTH_ROLE_STAFF && own(p, agency_code));
    if (p->kind == AUTH_KEY)
        return auth_scopes_has(p->scopes, "write:alerts") && own(p, agency_code);
    return 0;
}

int alerts_may_read(const struct auth_principal *p, const char *agency_code)
{
    if (!p)
        return 0;
    if (p->kind == AUTH_USER)
        return p->role >= AUTH_ROLE_OPERATOR || (p->role == AUTH_ROLE_STAFF && own(p, agency_code));
    if (p->kind == AUTH_KEY)
        return auth_scopes_has(p->scopes, "read:alerts") && own(p, agency_code);
    return 0;
}

const char *alerts_read_scope(const struct auth_principal *p)
{
    if (p && p->kind == AUTH_USER && p->role >= AUTH_ROLE_OPERATOR)
        return NULL;
    return p && p->agency_code[0] ? p->agency_code : "\x01"; /* no agency: matches none */
}
