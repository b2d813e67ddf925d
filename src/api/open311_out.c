/*
 * open311_out.c — Open311 GeoReport v2 answers in JSON and XML (docs/reports.md). One JSON value
 * (built by h_open311.c) is written either way: JSON as is (a container is always an array);
 * XML per the spec — the declaration, no namespace, an element per key in order, an array as
 * its container element holding one element per item (service_requests → request, services →
 * service, attributes → attribute, values → value, endpoints → endpoint, formats → format,
 * errors → error), null as an empty element, booleans as true/false. Text is escaped, and the
 * characters XML 1.0 cannot carry (controls other than tab, LF, CR) are left out.
 */
#include "api/api_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/reports.h"

static const char *const item_names[][2] = {
    {"service_requests", "request"},
    {"services", "service"},
    {"attributes", "attribute"},
    {"values", "value"},
    {"endpoints", "endpoint"},
    {"formats", "format"},
    {"errors", "error"},
    {"notes", "note"},
    {"nearby", "request"},
    {"media_urls", "media_url"},
};

static const char *item_of(const char *container)
{
    for (size_t i = 0; i < IOC_ARRAY_LEN(item_names); i++)
        if (strcmp(container, item_names[i][0]) == 0)
            return item_names[i][1];
    return "item";
}

static void xml_text(struct ioc_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&':
            ioc_buf_puts(b, "&amp;");
            break;
        case '<':
            ioc_buf_puts(b, "&lt;");
            break;
        case '>':
            ioc_buf_puts(b, "&gt;");
            break;
        case '"':
            ioc_buf_puts(b, "&quot;");
            break;
        default:
            if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r')
                ioc_buf_putc(b, (char)ch);
        }
    }
}

static void xml_value(struct ioc_buf *b, const char *name, const json_t *v);

static void xml_children(struct ioc_buf *b, const char *name, const json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            xml_value(b, k, x);
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x)
        {
            xml_value(b, item_of(name), x);
        }
    }
}

static void xml_value(struct ioc_buf *b, const char *name, const json_t *v)
{
    ioc_buf_printf(b, "<%s>", name);
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        xml_children(b, name, v);
        break;
    case JSON_STRING:
        xml_text(b, json_string_value(v));
        break;
    case JSON_INTEGER:
        ioc_buf_printf(b, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.12g", json_real_value(v));
        ioc_buf_puts(b, num);
        break;
    case JSON_TRUE:
        ioc_buf_puts(b, "true");
        break;
    case JSON_FALSE:
        ioc_buf_puts(b, "false");
        break;
    default:
        break;
    }
    ioc_buf_printf(b, "</%s>", name);
}

void o311_send(struct api_ctx *c, int status, int xml, const char *root, json_t *j)
{
    if (!xml) {
        api_json(c, status, j);
        return;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    int rc = ioc_buf_printf(&b, "<%s>", root);
    xml_children(&b, root, j);
    rc |= ioc_buf_printf(&b, "</%s>\n", root);
    json_decref(j);
    if (rc || !b.data) {
        ioc_buf_free(&b);
        api_error_rc(c, IOC_ENOMEM, "open311");
        return;
    }
    net_res_send(c->req, status, "text/xml; charset=utf-8", b.data, b.len);
    ioc_buf_free(&b);
}

void o311_errors(struct api_ctx *c, int xml, int status, const struct o311_error *e, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char d[400];
        if (e[i].param && *e[i].param)
            snprintf(d, sizeof d, "%s: %s", e[i].param, e[i].why);
        else
            snprintf(d, sizeof d, "%s", e[i].why);
        json_array_append_new(arr, json_pack("{s:i, s:s}", "code", status, "description", d));
    }
    o311_send(c, status, xml, "errors", arr);
}

void o311_error(struct api_ctx *c, int xml, int status, const char *param, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    struct o311_error e = {param, why};
    o311_errors(c, xml, status, &e, 1);
}

void o311_api_error(struct api_ctx *c, int status, const char *field, const char *message)
{
    size_t n;
    const char *p = net_req_path(c->req, &n);
    int xml = p && n >= 4 && memcmp(p + n - 4, ".xml", 4) == 0;
    o311_error(c, xml, status, field ? field : "", "%s", message);
}

json_t *o311_str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *o311_time_or_null(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char t[32];
    rep_time_format(ms, t);
    return json_string(t);
}

/* The public view of r: exactly rep_public_fields, never the personal fields. */
json_t *o311_request_json(const struct store_rep_request *r)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    const char *status = rep_status_of(r->state);
    json_t *j = json_object();
    json_object_set_new(j, "service_request_id", json_string(id));
    json_object_set_new(j, "status", json_string(status ? status : "open"));
    json_object_set_new(j, "status_notes", o311_str_or_null(r->status_notes));
    json_object_set_new(j, "service_name", json_string(r->service_name));
    json_object_set_new(j, "service_code", json_string(r->service_code));
    json_object_set_new(j, "description", o311_str_or_null(r->description));
    json_object_set_new(j, "agency_responsible", o311_str_or_null(r->agency_name));
    json_object_set_new(j, "service_notice", json_null());
    json_object_set_new(j, "requested_datetime", o311_time_or_null(r->requested_ms));
    json_object_set_new(j, "updated_datetime", o311_time_or_null(r->updated_ms));
    json_object_set_new(j, "expected_datetime", o311_time_or_null(r->expected_ms));
    json_object_set_new(j, "address", o311_str_or_null(r->address));
    json_object_set_new(j, "address_id", json_null());
    json_object_set_new(j, "zipcode", json_null());
    json_object_set_new(j, "lat", r->has_point ? json_real(r->lat) : json_null());
    json_object_set_new(j, "long", r->has_point ? json_real(r->lon) : json_null());
    json_object_set_new(j, "media_url", o311_str_or_null(r->media_url));
    return j;
}

/* extensions=true: the workflow's public side of r — its detailed state, the report it
 * duplicates, and its public notes (never the internal ones). NULL when out of memory or the
 * notes cannot be read. */
json_t *o311_extended(struct store_conn *db, const struct store_rep_request *r)
{
    struct store_rep_event *e = NULL;
    size_t n = 0;
    if (store_rep_events_list(db, r->id, 1, &e, &n) != 0)
        return NULL;
    json_t *notes = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!e[i].note[0])
            continue;
        json_array_append_new(notes, json_pack("{s:o, s:s, s:s}", "datetime",
                                               o311_time_or_null(e[i].ts_ms), "status",
                                               e[i].to_state, "text", e[i].note));
    }
    store_rep_events_free(e, n);
    char dup[24] = "";
    if (r->duplicate_of)
        snprintf(dup, sizeof dup, "%lld", (long long)r->duplicate_of);
    return json_pack("{s:s, s:o, s:o}", "detailed_status", r->state, "duplicate_of",
                     o311_str_or_null(dup), "notes", notes);
}

/* Open reports of r's service within REP_NEARBY_M metres of its point, made in the last
 * REP_NEARBY_DAYS days (r itself left out), nearest first: a bounding box in SQL, then the
 * haversine distance. An empty array when r has no point; NULL on a store failure. */
json_t *o311_nearby(struct store_conn *db, const struct store_rep_request *r, int64_t now_ms)
{
    json_t *arr = json_array();
    if (!r->has_point)
        return arr;
    double lat0, lat1, lon0, lon1;
    rep_bbox(r->lat, r->lon, REP_NEARBY_M, &lat0, &lat1, &lon0, &lon1);
    struct store_rep_request *x = NULL;
    size_t n = 0;
    if (store_rep_nearby(db, r->service_code, lat0, lat1, lon0, lon1,
                         now_ms - REP_NEARBY_DAYS * 86400000LL, r->id, 200, &x, &n) != 0) {
        json_decref(arr);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        double d = rep_distance_m(r->lat, r->lon, x[i].lat, x[i].lon);
        if (d > REP_NEARBY_M)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)x[i].id);
        json_t *item = json_pack("{s:s, s:i, s:s, s:o}", "service_request_id", id, "distance_m",
                                 (int)(d + 0.5), "detailed_status", x[i].state,
                                 "requested_datetime", o311_time_or_null(x[i].requested_ms));
        /* nearest first */
        size_t at = json_array_size(arr);
        while (at > 0 && json_integer_value(json_object_get(json_array_get(arr, at - 1),
                                                            "distance_m")) > (int)(d + 0.5))
            at--;
        json_array_insert_new(arr, at, item);
    }
    store_rep_requests_free(x, n);
    while (json_array_size(arr) > REP_NEARBY_MAX)
        json_array_remove(arr, REP_NEARBY_MAX);
    return arr;
}

/* The request object, with extended_attributes when extensions=true; NULL on a store failure. */
json_t *o311_request_out(struct api_ctx *c, const struct store_rep_request *r, int ext)
{
    json_t *j = o311_request_json(r);
    json_t *x = ext ? o311_extended(c->t->db, r) : NULL;
    json_t *m = x ? o311_media_urls(c, r->id, 0) : NULL;
    if (x && m)
        json_object_set_new(x, "media_urls", m);
    if (ext && (!x || !m)) {
        json_decref(x);
        json_decref(j);
        return NULL;
    }
    if (x)
        json_object_set_new(j, "extended_attributes", x);
    return j;
}

int o311_post_allowed(struct api_ctx *c, int xml, const char *device_id)
{
    int retry = 1;
    const char *which = "";
    if (api_report_post_allow(c, device_id, &retry, &which))
        return 1;
    char ra[16];
    snprintf(ra, sizeof ra, "%d", retry > 0 ? retry : 1);
    net_res_header(c->req, "retry-after", ra);
    if (strcmp(which, "device_id") == 0)
        o311_error(c, xml, 429, "device_id",
                   "Thiết bị này đã gửi quá nhiều phản ánh; thử lại sau %s giây. / This device "
                   "sent too many reports; try again in %s s.",
                   ra, ra);
    else
        o311_error(c, xml, 429, "",
                   "Địa chỉ này đã gửi quá nhiều phản ánh; thử lại sau %s giây. / Too many reports "
                   "from this address; try again in %s s.",
                   ra, ra);
    return 0;
}
