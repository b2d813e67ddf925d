/*
 * rules.c — the citizen reports' rules (reports.h): service definitions as loaded, a submission
 * checked against its service, routing, the deadline and the Open311 status.
 *
 * A submission's problems are collected, not stopped at the first, so that an app can show each
 * one beside its field; each names the Open311 parameter to blame (attribute[CODE] for an
 * attribute). Texts are counted in characters (code points), not bytes: a Vietnamese
 * description of 4,000 characters is about 6,000 bytes.
 */
#include "reports/reports.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static const char *const datatypes[] = {"string", "number",          "datetime",
                                        "text",   "singlevaluelist", "multivaluelist"};

int rep_datatype_of(const char *s)
{
    for (size_t i = 0; s && i < IOC_ARRAY_LEN(datatypes); i++)
        if (strcmp(s, datatypes[i]) == 0)
            return (int)i;
    return -1;
}

const char *rep_datatype_name(enum rep_datatype d)
{
    return (size_t)d < IOC_ARRAY_LEN(datatypes) ? datatypes[d] : "string";
}

int rep_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= REP_CODE_MAX &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static size_t chars(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

static int problem(struct rep_problem *p, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int problem(struct rep_problem *p, const char *param, const char *fmt, ...)
{
    snprintf(p->param, sizeof p->param, "%s", param);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    return IOC_EINVAL;
}

/* ---- services as loaded ------------------------------------------------------------------ */

/* A string member (missing: ""), malloc'd into *out; -1 when it is not a string. */
static int member(const json_t *j, const char *key, char **out)
{
    const json_t *v = json_object_get(j, key);
    if (v && !json_is_string(v))
        return -1;
    *out = strdup(v ? json_string_value(v) : "");
    return *out ? 0 : -2;
}

static int attr_from_json(const json_t *j, size_t i, struct store_rep_attr *a,
                          struct rep_problem *p)
{
    char path[64];
    snprintf(path, sizeof path, "attributes[%zu]", i);
    if (!json_is_object(j))
        return problem(p, path, "An attribute is an object.");
    int rc = 0;
    if (member(j, "code", &a->code) || member(j, "datatype", &a->datatype) ||
        member(j, "description_vi", &a->description_vi) ||
        member(j, "description_en", &a->description_en) ||
        member(j, "datatype_description", &a->datatype_description))
        return problem(p, path, "code, datatype and the descriptions are strings.");
    if (!rep_code_valid(a->code))
        return problem(p, path, "code must be 1-64 letters, digits, '_' or '-'.");
    int dt = rep_datatype_of(a->datatype);
    if (dt < 0)
        return problem(p, path,
                       "datatype must be string, number, datetime, text, singlevaluelist or "
                       "multivaluelist.");
    if (!*a->description_vi)
        return problem(p, path, "description_vi is required (the question asked).");
    const json_t *req = json_object_get(j, "required");
    if (req && !json_is_boolean(req))
        return problem(p, path, "required is true or false.");
    a->required = json_is_true(req);
    const json_t *order = json_object_get(j, "order");
    if (!json_is_integer(order) || json_integer_value(order) < 1 ||
        json_integer_value(order) > 1000)
        return problem(p, path, "order is a positive integer.");
    a->position = (int)json_integer_value(order);
    const json_t *vals = json_object_get(j, "values");
    int list = dt == REP_SINGLEVALUELIST || dt == REP_MULTIVALUELIST;
    if (!list) {
        if (vals && json_array_size(vals) > 0)
            return problem(p, path, "Only a list datatype has values.");
        a->value_list = strdup("");
        return a->value_list ? 0 : IOC_ENOMEM;
    }
    if (!json_is_array(vals) || json_array_size(vals) == 0)
        return problem(p, path, "A %s needs values [{key, name_vi, name_en}].", a->datatype);
    json_t *out = json_array();
    size_t k;
    const json_t *v;
    json_array_foreach(vals, k, v)
    {
        const json_t *key = json_object_get(v, "key"), *nv = json_object_get(v, "name_vi");
        const json_t *ne = json_object_get(v, "name_en");
        if (!json_is_string(key) || !rep_code_valid(json_string_value(key)) ||
            !json_is_string(nv) || (ne && !json_is_string(ne))) {
            rc = problem(p, path, "values[%zu] needs a key (a code) and a name_vi.", k);
            break;
        }
        for (size_t m = 0; m < k; m++)
            if (strcmp(json_string_value(json_object_get(json_array_get(vals, m), "key")),
                       json_string_value(key)) == 0)
                rc = problem(p, path, "values[%zu]: the key %s is given twice.", k,
                             json_string_value(key));
        if (rc)
            break;
        json_array_append_new(out, json_pack("{s:O, s:O, s:s}", "key", key, "name_vi", nv,
                                             "name_en", ne ? json_string_value(ne) : ""));
    }
    if (rc == 0) {
        a->value_list = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        rc = a->value_list ? 0 : IOC_ENOMEM;
    }
    json_decref(out);
    return rc;
}

int rep_service_from_json(const json_t *j, struct store_rep_service *x, struct rep_problem *p)
{
    memset(x, 0, sizeof *x);
    int rc = 0;
    const json_t *group = json_object_get(j, "group");
    if (!json_is_object(j))
        rc = problem(p, "", "A service is a JSON object.");
    else if (member(j, "code", &x->code) || member(j, "name_vi", &x->name_vi) ||
             member(j, "name_en", &x->name_en) || member(j, "description_vi", &x->description_vi) ||
             member(j, "description_en", &x->description_en) ||
             member(j, "keywords", &x->keywords) || member(j, "agency", &x->agency_code))
        rc = problem(p, "", "code, names, descriptions, keywords and agency are strings.");
    else if (!rep_code_valid(x->code))
        rc = problem(p, "code", "code must be 1-64 letters, digits, '_' or '-'.");
    else if (!*x->name_vi || !*x->name_en)
        rc = problem(p, "name_vi", "A service has a Vietnamese and an English name.");
    else if (!json_is_object(group) || member(group, "code", &x->group_code) ||
             member(group, "vi", &x->group_vi) || member(group, "en", &x->group_en) ||
             !rep_code_valid(x->group_code) || !*x->group_vi)
        rc = problem(p, "group", "group is {code, vi, en}.");
    if (rc == 0) {
        const json_t *h = json_object_get(j, "deadline_hours");
        if (!json_is_integer(h) || json_integer_value(h) < 0 || json_integer_value(h) > 8760)
            rc = problem(p, "deadline_hours", "deadline_hours is an integer from 0 to 8760.");
        else
            x->deadline_hours = json_integer_value(h);
    }
    const json_t *attrs = json_object_get(j, "attributes");
    if (rc == 0 && attrs && !json_is_array(attrs))
        rc = problem(p, "attributes", "attributes is an array.");
    if (rc == 0 && json_array_size(attrs)) {
        x->attrs = calloc(json_array_size(attrs), sizeof *x->attrs);
        if (!x->attrs)
            rc = IOC_ENOMEM;
        for (size_t i = 0; rc == 0 && i < json_array_size(attrs); i++) {
            x->nattrs = i + 1;
            rc = attr_from_json(json_array_get(attrs, i), i, &x->attrs[i], p);
            for (size_t k = 0; rc == 0 && k < i; k++) {
                if (strcmp(x->attrs[k].code, x->attrs[i].code) == 0)
                    rc = problem(p, "attributes", "The attribute code %s is given twice.",
                                 x->attrs[i].code);
                else if (x->attrs[k].position == x->attrs[i].position)
                    rc = problem(p, "attributes", "Two attributes have order %d.",
                                 x->attrs[i].position);
            }
        }
    }
    if (rc)
        store_rep_service_clear(x);
    return rc;
}

/* ---- submissions ------------------------------------------------------------------------- */

struct checker {
    struct rep_problem *probs;
    size_t max, n;
};

static void add(struct checker *c, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(struct checker *c, const char *param, const char *fmt, ...)
{
    if (c->n < c->max) {
        struct rep_problem *p = &c->probs[c->n];
        snprintf(p->param, sizeof p->param, "%s", param);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->why, sizeof p->why, fmt, ap);
        va_end(ap);
    }
    c->n++;
}

static const char *text_field(struct checker *c, const struct rep_form *f, const char *key,
                              size_t max)
{
    const char *v = rep_form_get(f, key);
    if (v && chars(v) > max)
        add(c, key, "%s is longer than %zu characters.", key, max);
    return v;
}

/* 1 for /media/<64 lowercase hex>.jpg: a photo of this server by its path, as the POST with
 * photos stores it when no media_base_url says the server's public address. */
static int photo_path(const char *s)
{
    if (strlen(s) != 7 + 64 + 4 || strncmp(s, "/media/", 7) != 0 || strcmp(s + 71, ".jpg") != 0)
        return 0;
    for (int i = 7; i < 71; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int email_shaped(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at > s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t<>\"");
}

/* 1 if v is among the keys of the JSON value list. */
static int listed(const char *value_list, const char *v)
{
    json_t *arr = json_loads(value_list, 0, NULL);
    size_t i;
    json_t *e;
    int found = 0;
    json_array_foreach(arr, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "key"));
        if (k && strcmp(k, v) == 0)
            found = 1;
    }
    json_decref(arr);
    return found;
}

static void check_value(struct checker *c, const struct store_rep_attr *a, const char *param,
                        const char *v, json_t *obj)
{
    int dt = rep_datatype_of(a->datatype);
    double d;
    int64_t ms;
    switch (dt) {
    case REP_NUMBER:
        if (ioc_parse_f64(v, strlen(v), -1e15, 1e15, &d) != 0)
            add(c, param, "%s must be a number.", param);
        else
            json_object_set_new(obj, a->code, json_real(d));
        return;
    case REP_DATETIME:
        if (rep_time_parse(v, &ms) != 0)
            add(c, param, "%s must be an ISO 8601 date-time with its zone.", param);
        else
            json_object_set_new(obj, a->code, json_string(v));
        return;
    case REP_SINGLEVALUELIST:
        if (!listed(a->value_list, v))
            add(c, param, "%s: %.64s is not one of its values.", param, v);
        else
            json_object_set_new(obj, a->code, json_string(v));
        return;
    case REP_TEXT:
    case REP_STRING:
    default:
        if (chars(v) > (dt == REP_TEXT ? REP_TEXT_MAX : REP_STRING_MAX))
            add(c, param, "%s is longer than %d characters.", param,
                dt == REP_TEXT ? REP_TEXT_MAX : REP_STRING_MAX);
        else
            json_object_set_new(obj, a->code, json_string(v));
        return;
    }
}

static void check_attributes(struct checker *c, const struct store_rep_service *s,
                             const struct rep_form *f, json_t *obj)
{
    char one[96], many[100];
    for (size_t i = 0; i < s->nattrs; i++) {
        const struct store_rep_attr *a = &s->attrs[i];
        snprintf(one, sizeof one, "attribute[%s]", a->code);
        snprintf(many, sizeof many, "attribute[%s][]", a->code);
        int dt = rep_datatype_of(a->datatype);
        if (dt == REP_MULTIVALUELIST) {
            json_t *arr = json_array();
            for (size_t k = 0; k < f->n; k++) {
                if ((strcmp(f->keys[k], many) && strcmp(f->keys[k], one)) || !f->vals[k][0])
                    continue;
                if (!listed(a->value_list, f->vals[k]))
                    add(c, one, "%s: %.64s is not one of its values.", one, f->vals[k]);
                else
                    json_array_append_new(arr, json_string(f->vals[k]));
            }
            if (json_array_size(arr) == 0 && a->required)
                add(c, one, "%s is required (send attribute[%s][]=KEY, once per value).", one,
                    a->code);
            if (json_array_size(arr))
                json_object_set(obj, a->code, arr);
            json_decref(arr);
            continue;
        }
        if (rep_form_count(f, many))
            add(c, one, "%s takes one value (it is a %s).", one, a->datatype);
        const char *v = rep_form_get(f, one);
        if (!v) {
            if (a->required)
                add(c, one, "%s is required.", one);
            continue;
        }
        if (rep_form_count(f, one) > 1)
            add(c, one, "%s is given more than once.", one);
        check_value(c, a, one, v, obj);
    }
    /* attribute codes the definition does not have */
    for (size_t k = 0; k < f->n; k++) {
        const char *key = f->keys[k];
        if (strncmp(key, "attribute[", 10) != 0)
            continue;
        const char *close = strchr(key + 10, ']');
        size_t len = close ? (size_t)(close - key - 10) : 0;
        int known = 0;
        for (size_t i = 0; close && i < s->nattrs; i++)
            known |= strlen(s->attrs[i].code) == len &&
                     memcmp(s->attrs[i].code, key + 10, len) == 0 &&
                     (!close[1] || strcmp(close + 1, "[]") == 0);
        if (!known)
            add(c, key, "The service %s has no attribute %.64s.", s->code, key);
    }
}

static const char *const known_params[] = {"api_key",      "jurisdiction_id",
                                           "service_code", "lat",
                                           "long",         "address_string",
                                           "address_id",   "email",
                                           "device_id",    "account_id",
                                           "first_name",   "last_name",
                                           "phone",        "description",
                                           "media_url",    "idempotency_key",
                                           "extensions",   NULL};

int rep_submission_check(const struct store_rep_service *s, const struct rep_form *f,
                         struct rep_submission *out, struct rep_problem *probs, size_t max,
                         size_t *nprobs)
{
    memset(out, 0, sizeof *out);
    struct checker c = {probs, max, 0};
    out->service_code = s->code;
    for (size_t k = 0; k < f->n; k++) {
        int known = strncmp(f->keys[k], "attribute[", 10) == 0;
        for (size_t i = 0; !known && known_params[i]; i++)
            known = strcmp(f->keys[k], known_params[i]) == 0;
        if (!known)
            add(&c, f->keys[k], "%.64s is not a parameter of POST requests.", f->keys[k]);
        else if (strncmp(f->keys[k], "attribute[", 10) != 0 && rep_form_count(f, f->keys[k]) > 1)
            add(&c, f->keys[k], "%.64s is given more than once.", f->keys[k]);
    }
    const char *lat = rep_form_get(f, "lat"), *lon = rep_form_get(f, "long");
    out->address = text_field(&c, f, "address_string", REP_STRING_MAX);
    const char *address_id = text_field(&c, f, "address_id", REP_STRING_MAX);
    if (lat || lon) {
        if (!lat)
            add(&c, "lat", "lat is required with long.");
        else if (ioc_parse_f64(lat, strlen(lat), -90, 90, &out->lat) != 0)
            add(&c, "lat", "lat must be a WGS84 latitude from -90 to 90.");
        if (!lon)
            add(&c, "long", "long is required with lat.");
        else if (ioc_parse_f64(lon, strlen(lon), -180, 180, &out->lon) != 0)
            add(&c, "long", "long must be a WGS84 longitude from -180 to 180.");
    } else if (!out->address && !address_id) {
        add(&c, "lat", "A location is required: lat and long, or address_string.");
    }
    out->description = text_field(&c, f, "description", REP_DESCRIPTION_MAX);
    out->email = text_field(&c, f, "email", REP_STRING_MAX);
    if (out->email && !email_shaped(out->email))
        add(&c, "email", "email is not an e-mail address.");
    out->phone = text_field(&c, f, "phone", 32);
    if (out->phone && strspn(out->phone, "0123456789+-. ()") != strlen(out->phone))
        add(&c, "phone", "phone holds digits, spaces and + - . ( ) only.");
    out->first_name = text_field(&c, f, "first_name", REP_STRING_MAX);
    out->last_name = text_field(&c, f, "last_name", REP_STRING_MAX);
    out->device_id = text_field(&c, f, "device_id", REP_STRING_MAX);
    out->account_id = text_field(&c, f, "account_id", REP_STRING_MAX);
    out->media_url = text_field(&c, f, "media_url", 2000);
    if (out->media_url && strncmp(out->media_url, "https://", 8) != 0 &&
        strncmp(out->media_url, "http://", 7) != 0 && !photo_path(out->media_url))
        add(&c, "media_url", "media_url must be an http or https URL.");
    json_t *obj = json_object();
    if (!obj)
        return IOC_ENOMEM;
    check_attributes(&c, s, f, obj);
    *nprobs = c.n;
    if (c.n == 0)
        out->attributes = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (c.n)
        return IOC_EINVAL;
    return out->attributes ? 0 : IOC_ENOMEM;
}

void rep_submission_clear(struct rep_submission *x)
{
    if (!x)
        return;
    free(x->attributes);
    memset(x, 0, sizeof *x);
}

/* ---- routing, deadline, status ------------------------------------------------------------ */

const char *rep_route(const char *override_agency, const char *service_agency)
{
    if (override_agency && *override_agency)
        return override_agency;
    if (service_agency && *service_agency)
        return service_agency;
    return "";
}

int64_t rep_deadline_ms(int64_t requested_ms, int64_t deadline_hours)
{
    return deadline_hours > 0 ? requested_ms + deadline_hours * 3600000 : 0;
}

static const char *const states[] = {"received", "assigned",  "in_progress", "resolved",
                                     "rejected", "duplicate", "closed"};

const char *rep_status_of(const char *state)
{
    for (size_t i = 0; state && i < IOC_ARRAY_LEN(states); i++)
        if (strcmp(state, states[i]) == 0)
            return i < 3 ? "open" : "closed";
    return NULL;
}

int rep_state_valid(const char *state)
{
    return rep_status_of(state) != NULL;
}

const char *const rep_public_fields[] = {"service_request_id",
                                         "status",
                                         "status_notes",
                                         "service_name",
                                         "service_code",
                                         "description",
                                         "agency_responsible",
                                         "service_notice",
                                         "requested_datetime",
                                         "updated_datetime",
                                         "expected_datetime",
                                         "address",
                                         "address_id",
                                         "zipcode",
                                         "lat",
                                         "long",
                                         "media_url",
                                         NULL};

#define VN_OFFSET_MS (7 * 3600000LL)

void rep_time_format(int64_t ms, char out[32])
{
    int64_t local = ms + VN_OFFSET_MS;
    int64_t secs = local >= 0 ? local / 1000 : (local - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y, m, d;
    ioc_date_to_civil((int32_t)days, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

int rep_time_parse(const char *s, int64_t *ms)
{
    size_t n = s ? strlen(s) : 0;
    /* a time and a zone: at least YYYY-MM-DDTHH:MMZ */
    if (n < 17 || (s[10] != 'T' && s[10] != 't'))
        return IOC_EINVAL;
    int zoned = s[n - 1] == 'Z' || s[n - 1] == 'z' ||
                (n >= 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':');
    if (!zoned)
        return IOC_EINVAL;
    return ioc_time_parse(s, n, ms) == 0 ? 0 : IOC_EINVAL;
}
