/*
 * rules.c — a rule as data: its JSON checked field by field (each error names its field), its
 * target and params compiled by its type (the type names the field at fault in them), and the
 * rule rendered back as the API shows it (docs/alerts.md "Rules").
 */
#include "alerts/alerts_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static const char *const severities[] = {"info", "warning", "critical"};

int alerts_severity_of(const char *s)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, severities[i]) == 0)
            return i;
    return -1;
}

const char *alerts_severity_name(int sev)
{
    return sev >= 0 && sev < 3 ? severities[sev] : "";
}

static int fail(char *err, size_t errsz, const char **field, const char *f, const char *msg)
{
    snprintf(err, errsz, "%s", msg);
    *field = f;
    return IOC_EINVAL;
}

/* A label (trimmed, no control characters) of at most max bytes into *out (malloc'd); absent
 * or null: "" unless required. */
static int label(const json_t *v, int required, size_t max, char **out, char *err, size_t errsz,
                 const char **field, const char *fname)
{
    if (!v || json_is_null(v)) {
        if (required) {
            snprintf(err, errsz, "'%s' is required.", fname);
            *field = fname;
            return IOC_EINVAL;
        }
        return (*out = strdup("")) ? 0 : IOC_ENOMEM;
    }
    if (!json_is_string(v)) {
        snprintf(err, errsz, "'%s' must be a string.", fname);
        *field = fname;
        return IOC_EINVAL;
    }
    char *s = strdup(json_string_value(v));
    if (!s)
        return IOC_ENOMEM;
    if (ioc_text_label(s, max) != 0 && (required || *s)) {
        free(s);
        snprintf(err, errsz, "'%s' is a line of text of at most %zu bytes.", fname, max);
        *field = fname;
        return IOC_EINVAL;
    }
    *out = s;
    return 0;
}

/* A code (agency, unit): [A-Za-z0-9_.-]{1,32}, or null/absent: "". */
static int code(const json_t *v, char **out, char *err, size_t errsz, const char **field,
                const char *fname)
{
    if (!v || json_is_null(v))
        return (*out = strdup("")) ? 0 : IOC_ENOMEM;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    size_t n = s ? strlen(s) : 0;
    int ok = n >= 1 && n <= 32;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
             (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.';
    if (!ok) {
        snprintf(err, errsz, "'%s' is a code (letters, digits, _ . -) or null.", fname);
        *field = fname;
        return IOC_EINVAL;
    }
    return (*out = strdup(s)) ? 0 : IOC_ENOMEM;
}

static int boolean(const json_t *v, int def, int *out, char *err, size_t errsz, const char **field,
                   const char *fname)
{
    if (!v || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return fail(err, errsz, field, fname, "Must be true or false.");
    *out = json_is_true(v);
    return 0;
}

static int check(const struct alerts *a, const json_t *body, struct store_alert_rule *r, char *err,
                 size_t errsz, const char **field)
{
    static const char *const known[] = {
        "id",         "name",       "severity", "type",      "target",           "params",
        "agency",     "unit",       "enabled",  "synthetic", "escalate_after_s", "version",
        "updated_at", "updated_by", NULL};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)body, k, v)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok) {
            snprintf(err, errsz, "Unknown field '%.40s'.", k);
            *field = "body";
            return IOC_EINVAL;
        }
    }
    json_t *name = json_object_get(body, "name");
    if (!json_is_object(name))
        return fail(err, errsz, field, "name", "'name' is required: {\"vi\": …, \"en\": …}.");
    int rc = label(json_object_get(name, "vi"), 1, ALERTS_NAME_MAX, &r->name_vi, err, errsz, field,
                   "name.vi");
    if (rc == 0)
        rc = label(json_object_get(name, "en"), 0, ALERTS_NAME_MAX, &r->name_en, err, errsz, field,
                   "name.en");
    if (rc)
        return rc;
    json_t *sev = json_object_get(body, "severity");
    if (alerts_severity_of(json_string_value(sev)) < 0)
        return fail(err, errsz, field, "severity", "'severity' is info, warning or critical.");
    if (!(r->severity = strdup(json_string_value(sev))))
        return IOC_ENOMEM;
    json_t *type = json_object_get(body, "type");
    const struct alerts_type *t = alerts_type_find(a, json_string_value(type));
    if (!t)
        return fail(err, errsz, field, "type", "'type' names no rule type this server knows.");
    if (!(r->type = strdup(t->name)))
        return IOC_ENOMEM;
    json_t *target = json_object_get(body, "target"), *params = json_object_get(body, "params");
    if (target && !json_is_object(target))
        return fail(err, errsz, field, "target", "'target' is an object.");
    if (params && !json_is_object(params))
        return fail(err, errsz, field, "params", "'params' is an object.");
    json_t *tg = target ? json_incref(target) : json_object();
    json_t *pa = params ? json_incref(params) : json_object();
    void *state = NULL;
    rc = t->compile(tg, pa, &state, err, errsz, field);
    if (rc == 0) {
        if (t->release)
            t->release(state);
        r->target = json_dumps(tg, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        r->params = json_dumps(pa, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        if (!r->target || !r->params)
            rc = IOC_ENOMEM;
        else if (strlen(r->target) > 4000 || strlen(r->params) > 4000)
            rc = fail(err, errsz, field, "params", "'target' and 'params' are at most 4000 bytes.");
    } else if (!*field) {
        *field = "params";
    }
    json_decref(tg);
    json_decref(pa);
    if (rc)
        return rc;
    if ((rc = code(json_object_get(body, "agency"), &r->agency, err, errsz, field, "agency")) ||
        (rc = code(json_object_get(body, "unit"), &r->unit, err, errsz, field, "unit")) ||
        (rc = boolean(json_object_get(body, "enabled"), 1, &r->enabled, err, errsz, field,
                      "enabled")) ||
        (rc = boolean(json_object_get(body, "synthetic"), 0, &r->synthetic, err, errsz, field,
                      "synthetic")))
        return rc;
    json_t *esc = json_object_get(body, "escalate_after_s");
    if (esc && !json_is_null(esc) &&
        (!json_is_integer(esc) || json_integer_value(esc) < 0 ||
         json_integer_value(esc) > 7 * 86400))
        return fail(err, errsz, field, "escalate_after_s",
                    "'escalate_after_s' is 0 (never) or a number of seconds up to 604800.");
    r->escalate_after_s = json_is_integer(esc) ? json_integer_value(esc) : 0;
    return 0;
}

int alerts_rule_parse(const struct alerts *a, const json_t *body, struct store_alert_rule *r,
                      char *err, size_t errsz, const char **field)
{
    memset(r, 0, sizeof *r);
    *field = NULL;
    if (!json_is_object(body))
        return fail(err, errsz, field, "body", "A rule is a JSON object.");
    int rc = check(a, body, r, err, errsz, field);
    if (rc)
        store_alert_rule_clear(r);
    return rc;
}

int alerts_rule_check_agency(struct store_conn *c, const struct store_alert_rule *r, char *err,
                             size_t errsz, const char **field)
{
    if (!r->agency || !r->agency[0])
        return 0;
    struct store_agency ag;
    int rc = store_agency_get(c, r->agency, &ag);
    if (rc == 0)
        store_agency_clear(&ag);
    if (rc == IOC_ENOTFOUND) {
        snprintf(err, errsz, "No agency has code %.40s.", r->agency);
        *field = "agency";
        return IOC_EINVAL;
    }
    return rc;
}

json_t *alerts_rule_json(const struct store_alert_rule *r)
{
    json_t *tg = json_loads(r->target, 0, NULL), *pa = json_loads(r->params, 0, NULL);
    json_t *o =
        json_pack("{s:I, s:{s:s, s:s}, s:s, s:s, s:o, s:o}", "id", (json_int_t)r->id, "name", "vi",
                  r->name_vi, "en", r->name_en, "severity", r->severity, "type", r->type, "target",
                  tg ? tg : json_object(), "params", pa ? pa : json_object());
    if (!o)
        return NULL;
    json_object_set_new(o, "agency",
                        r->agency && *r->agency ? json_string(r->agency) : json_null());
    json_object_set_new(o, "unit", r->unit && *r->unit ? json_string(r->unit) : json_null());
    json_object_set_new(o, "enabled", json_boolean(r->enabled));
    json_object_set_new(o, "escalate_after_s", json_integer(r->escalate_after_s));
    json_object_set_new(o, "synthetic", json_boolean(r->synthetic));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "updated_at", json_string(r->updated_at ? r->updated_at : ""));
    json_object_set_new(o, "updated_by", json_string(r->updated_by ? r->updated_by : ""));
    return o;
}
