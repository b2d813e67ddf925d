/*
 * mqtt_json.c — JSON payloads of MQTT messages turned into line-protocol points
 * (telemetry_json_parse; the rules are in telemetry.h and docs/telemetry.md "MQTT").
 *
 * The document is read whole by jansson (duplicate keys refused anywhere, NUL in strings
 * refused), then each entry (the object, or each element of the array) is checked and turned
 * into one struct telemetry_lp_point whose strings point into the jansson tree; the tree lives
 * until the call returns.
 *
 * Invariants, the same as the line-protocol parser's (fuzz/mqttjson checks them):
 *   1. a point has the given measurement, 1..max_fields fields, 0..max_tags tags sorted
 *      strictly by key; every name and value is non-empty (but string fields), valid UTF-8,
 *      within max_key / max_value, and holds no byte that line protocol could not carry;
 *   2. an entry is either one point or one error, in entry order, and at most max_points
 *      points are handed over;
 *   3. memory: the tree, plus one tag array and one field array sized by the limits, per call.
 */
#include "telemetry/lp_int.h"
#include "telemetry/mqtt_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

struct jp {
    const struct telemetry_lp_limits *lim;
    enum telemetry_lp_precision prec;
    int64_t default_ns;
    struct telemetry_lp_tag *tags;
    size_t *off;
    struct telemetry_lp_field *fields;
    char msg[200];
};

void mqtt_quote(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char)c;
    }
    if (o + 4 >= cap && n > 0 && o < n) {
        out[o++] = '.';
        out[o++] = '.';
        out[o++] = '.';
    }
    out[o] = '\0';
}

/* Sets the error message "what "key": why" and returns -1. */
static int fail(struct jp *j, const char *what, const char *key, size_t klen, const char *why)
{
    char q[48];
    if (key) {
        mqtt_quote(q, sizeof q, key, klen);
        snprintf(j->msg, sizeof j->msg, "%s \"%s\": %s", what, q, why);
    } else {
        snprintf(j->msg, sizeof j->msg, "%s: %s", what, why);
    }
    return -1;
}

/* NULL, or why s[0..n) cannot be a name (measurement, tag key, field key). */
static const char *name_why(const char *s, size_t n, size_t max)
{
    if (n == 0)
        return "is empty";
    if (n > max)
        return "is longer than the limit";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "holds a control character";
    return NULL;
}

static int tags_get(struct jp *j, json_t *o, size_t *ntags)
{
    const char *k;
    json_t *v;
    size_t klen, n = 0;
    if (!json_is_object(o))
        return fail(j, "tags", NULL, 0, "must be an object");
    if (json_object_size(o) > j->lim->max_tags)
        return fail(j, "tags", NULL, 0, "more tags than the limit");
    json_object_keylen_foreach(o, k, klen, v)
    {
        const char *why = name_why(k, klen, j->lim->max_key);
        if (why)
            return fail(j, "tag key", k, klen, why);
        if (!json_is_string(v))
            return fail(j, "tag", k, klen, "value must be a string");
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (len == 0 || len > j->lim->max_value)
            return fail(j, "tag", k, klen, len ? "value longer than the limit" : "empty value");
        if (memchr(s, '\n', len) || memchr(s, '\r', len))
            return fail(j, "tag", k, klen, "value holds a line end");
        j->tags[n] = (struct telemetry_lp_tag){{k, klen}, {s, len}};
        j->off[n] = n;
        n++;
    }
    if (lp_tags_sort(j->tags, j->off, n) >= 0)
        return fail(j, "tags", NULL, 0, "a key is repeated");
    *ntags = n;
    return 0;
}

/* An integer given as a JSON integer or as a string of digits. */
static const char *int_get(json_t *v, int want_uint, struct telemetry_lp_field *f)
{
    char tmp[32];
    const char *s = tmp;
    size_t n;
    if (json_is_integer(v)) {
        n = (size_t)snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
    } else if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else {
        return "must be an integer or a string of digits";
    }
    f->type = want_uint ? TELEMETRY_LP_UINT : TELEMETRY_LP_INT;
    return want_uint ? lp_parse_uint(s, n, &f->v.u) : lp_parse_int(s, n, &f->v.i);
}

/* A typed value {"float":…} and the like: exactly one member. */
static const char *typed_get(struct jp *j, json_t *o, struct telemetry_lp_field *f)
{
    if (json_object_size(o) != 1)
        return "a typed value has exactly one member";
    void *it = json_object_iter(o);
    const char *t = json_object_iter_key(it);
    json_t *v = json_object_iter_value(it);
    if (strcmp(t, "float") == 0) {
        if (!json_is_number(v))
            return "a float must be a number";
        f->type = TELEMETRY_LP_FLOAT;
        f->v.f = json_number_value(v);
        return NULL;
    }
    if (strcmp(t, "int") == 0 || strcmp(t, "uint") == 0)
        return int_get(v, t[0] == 'u', f);
    if (strcmp(t, "bool") == 0) {
        if (!json_is_boolean(v))
            return "a bool must be true or false";
        f->type = TELEMETRY_LP_BOOL;
        f->v.b = json_is_true(v);
        return NULL;
    }
    if (strcmp(t, "string") == 0) {
        if (!json_is_string(v))
            return "a string must be a JSON string";
        if (json_string_length(v) > j->lim->max_value)
            return "string longer than the limit";
        f->type = TELEMETRY_LP_STRING;
        f->v.s = (struct telemetry_str){json_string_value(v), json_string_length(v)};
        return NULL;
    }
    return "the type must be float, int, uint, bool or string";
}

static const char *value_get(struct jp *j, json_t *v, struct telemetry_lp_field *f)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
    case JSON_REAL:
        f->type = TELEMETRY_LP_FLOAT;
        f->v.f = json_number_value(v);
        return NULL;
    case JSON_TRUE:
    case JSON_FALSE:
        f->type = TELEMETRY_LP_BOOL;
        f->v.b = json_is_true(v);
        return NULL;
    case JSON_STRING:
        if (json_string_length(v) > j->lim->max_value)
            return "string longer than the limit";
        f->type = TELEMETRY_LP_STRING;
        f->v.s = (struct telemetry_str){json_string_value(v), json_string_length(v)};
        return NULL;
    case JSON_OBJECT:
        return typed_get(j, v, f);
    default:
        return "must be a number, a boolean, a string or a typed value";
    }
}

static int fields_get(struct jp *j, json_t *o, size_t *nfields)
{
    const char *k;
    json_t *v;
    size_t klen, n = 0;
    if (!json_is_object(o))
        return fail(j, "fields", NULL, 0, "must be an object");
    if (json_object_size(o) == 0)
        return fail(j, "fields", NULL, 0, "a point needs at least one field");
    if (json_object_size(o) > j->lim->max_fields)
        return fail(j, "fields", NULL, 0, "more fields than the limit");
    json_object_keylen_foreach(o, k, klen, v)
    {
        const char *why = name_why(k, klen, j->lim->max_key);
        if (why)
            return fail(j, "field key", k, klen, why);
        struct telemetry_lp_field *f = &j->fields[n];
        f->key = (struct telemetry_str){k, klen};
        why = value_get(j, v, f);
        if (why)
            return fail(j, "field", k, klen, why);
        n++;
    }
    *nfields = n;
    return 0;
}

static int time_get(struct jp *j, json_t *v, int64_t *out)
{
    const char *why = NULL;
    if (!v) {
        *out = lp_default_time(j->default_ns, j->prec);
    } else if (json_is_integer(v)) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        why = lp_parse_time(tmp, (size_t)n, j->prec, out);
    } else if (json_is_string(v)) {
        if (ioc_time_parse_ns(json_string_value(v), json_string_length(v), out) != 0)
            why = "an RFC 3339 time with its offset (2026-12-02T07:25:00.123456789Z), in years "
                  "1678-2262";
    } else {
        why = "must be an integer or an RFC 3339 string";
    }
    return why ? fail(j, "time", NULL, 0, why) : 0;
}

/* One entry into *pt, or -1 with j->msg set. */
static int entry_get(struct jp *j, json_t *e, struct telemetry_lp_point *pt)
{
    const char *k;
    json_t *v, *time = NULL, *tags = NULL, *fields = NULL;
    if (!json_is_object(e))
        return fail(j, "entry", NULL, 0, "must be an object");
    json_object_foreach(e, k, v)
    {
        if (strcmp(k, "time") == 0)
            time = v;
        else if (strcmp(k, "tags") == 0)
            tags = v;
        else if (strcmp(k, "fields") == 0)
            fields = v;
        else
            return fail(j, "member", k, strlen(k), "unknown (time, tags or fields)");
    }
    if (!fields)
        return fail(j, "fields", NULL, 0, "missing");
    pt->ntags = 0;
    if (time_get(j, time, &pt->time_ns) < 0 || (tags && tags_get(j, tags, &pt->ntags) < 0) ||
        fields_get(j, fields, &pt->nfields) < 0)
        return -1;
    pt->tags = j->tags;
    pt->fields = j->fields;
    return 0;
}

static int limits_ok(const struct telemetry_lp_limits *l)
{
    return l && l->max_line && l->max_tags && l->max_fields && l->max_key && l->max_value &&
           l->max_tags <= 65536 && l->max_fields <= 65536;
}

/* Calls back for each entry of doc. */
static int entries(struct jp *j, json_t *doc, struct telemetry_str measurement, size_t max_points,
                   telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error, void *ctx,
                   struct telemetry_lp_stats *st)
{
    size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
    const char *why = name_why(measurement.p, measurement.n, j->lim->max_key);
    if (!why && (measurement.p[0] == '#' || !ioc_utf8_valid(measurement.p, measurement.n)))
        why = "must be valid UTF-8 not starting with #";
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_is_array(doc) ? json_array_get(doc, i) : doc;
        struct telemetry_lp_point pt = {.name = measurement, .line = i + 1};
        int bad =
            why ? fail(j, "measurement", measurement.p, measurement.n, why) : entry_get(j, e, &pt);
        if (!bad && st->points >= max_points)
            bad = fail(j, "entry", NULL, 0, "more points than the limit of one message");
        st->lines++;
        int rc;
        if (bad) {
            st->bad_lines++;
            struct telemetry_lp_error err = {i + 1, 0, j->msg};
            rc = on_error ? on_error(ctx, &err) : 0;
        } else {
            st->points++;
            rc = on_point(ctx, &pt);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int telemetry_json_parse(const char *text, size_t n, struct telemetry_str measurement,
                         const struct telemetry_lp_limits *limits, size_t max_points,
                         enum telemetry_lp_precision precision, int64_t default_ns,
                         telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error, void *ctx,
                         struct telemetry_lp_stats *stats)
{
    struct telemetry_lp_stats st = {0};
    if (!limits_ok(limits) || (unsigned)precision > TELEMETRY_LP_H)
        return IOC_EINVAL;
    struct jp j = {.lim = limits, .prec = precision, .default_ns = default_ns};
    json_error_t jerr;
    json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr);
    int rc = 0;
    if (!doc || (!json_is_object(doc) && !json_is_array(doc))) {
        struct telemetry_lp_error err = {1, 1, "a JSON payload must be an object or an array"};
        if (!doc) {
            snprintf(j.msg, sizeof j.msg, "invalid JSON: %s", jerr.text);
            err = (struct telemetry_lp_error){jerr.line > 0 ? (size_t)jerr.line : 1,
                                              jerr.column > 0 ? (size_t)jerr.column : 1, j.msg};
        }
        st.lines = st.bad_lines = 1;
        rc = on_error ? on_error(ctx, &err) : 0;
        goto out;
    }
    j.tags = calloc(limits->max_tags, sizeof *j.tags);
    j.off = calloc(limits->max_tags, sizeof *j.off);
    j.fields = calloc(limits->max_fields, sizeof *j.fields);
    if (!j.tags || !j.off || !j.fields)
        rc = IOC_ENOMEM;
    else
        rc = entries(&j, doc, measurement, max_points, on_point, on_error, ctx, &st);
out:
    free(j.tags);
    free(j.off);
    free(j.fields);
    json_decref(doc);
    if (stats)
        *stats = st;
    return rc;
}
