/*
 * settings.c — the telemetry module's settings: section [telemetry] (how the ingest thread
 * syncs the engine's log, and the limits of one HTTP write) and section [mqtt] (the broker
 * iocd subscribes to). Stored in struct telemetry_settings; listed once in src/config/modules.c.
 */
#include "telemetry/telemetry.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "config/config.h"

#define OFF(f) offsetof(struct telemetry_settings, f)
static const struct config_setting rows[] = {
    {"telemetry", "sync", CONFIG_STR, OFF(sync), "batch", 0, 0,
     "When a write is acknowledged: batch (fdatasync once per group of writes gathered for "
     "batch_ms), always (fdatasync per group, no wait) or off (written, not synced: survives a "
     "crash of iocd, not of the machine)."},
    {"telemetry", "batch_ms", CONFIG_INT, OFF(batch_ms), "5", 0, 1000,
     "With sync = batch: how long the ingest thread waits for more writes before one fdatasync."},
    {"telemetry", "max_body", CONFIG_I64, OFF(max_body), "26214400", 1024, (int64_t)1 << 32,
     "Largest line-protocol body of one write (POST /write, /api/v2/write) in bytes, both as "
     "sent (413 before it is read) and after gzip is undone; http.max_body does not apply."},
    {"telemetry", "max_points", CONFIG_INT, OFF(max_points), "500000", 1, 800000,
     "Most points (one per field) in one write; a larger write is refused with 413."},
    {"telemetry", "max_series", CONFIG_I64, OFF(max_series), "1000000", 1, 100000000,
     "Most series the engine holds; points of new series past it are refused."},
    {"telemetry", "seal_points", CONFIG_INT, OFF(seal_points), "720", 16, 65536,
     "A series' recent points are sealed into a compressed chunk at this many points."},
    {"telemetry", "stream_heartbeat_s", CONFIG_INT, OFF(stream_heartbeat_s), "15", 1, 3600,
     "GET /api/v1/stream: a comment line is sent after this many seconds without an event."},
    {"telemetry", "stream_max_clients", CONFIG_INT, OFF(stream_max_clients), "100", 1, 100000,
     "Most open GET /api/v1/stream connections; more are refused with 503."},
    {"telemetry", "stream_buffer", CONFIG_I64, OFF(stream_buffer), "1048576", 4096,
     (int64_t)1 << 30,
     "Bytes waiting for one stream client at most; a client that falls further behind is "
     "dropped (it reconnects with Last-Event-ID)."},
    {"telemetry", "stream_ring_events", CONFIG_INT, OFF(stream_ring_events), "1000", 1, 1000000,
     "Recent write batches kept for clients resuming with Last-Event-ID."},
    {"telemetry", "stream_ring_bytes", CONFIG_I64, OFF(stream_ring_bytes), "8388608", 4096,
     (int64_t)1 << 32, "Bytes of those recent points at most (older batches are forgotten)."},
    {"telemetry", "retention", CONFIG_STR, OFF(retention), "0", 0, 0,
     "How long points are kept, by their time: 0 (for ever) or a duration such as 400d, 12h "
     "(units s, m, h, d, w). Older points are no longer returned; a day's files are deleted "
     "once every point in them is expired."},
    {"telemetry", "retention_by_measurement", CONFIG_STR, OFF(retention_by_measurement), "", 0, 0,
     "Per-measurement retention overriding telemetry.retention, e.g. air=730d,traffic=90d "
     "(0: for ever). A bad value refuses the start."},
    {"mqtt", "enabled", CONFIG_BOOL, OFF(mqtt.enabled), "false", 0, 1,
     "Subscribe to an MQTT broker and store the points of its messages (docs/telemetry.md MQTT)."},
    {"mqtt", "host", CONFIG_STR, OFF(mqtt.host), "127.0.0.1", 0, 0,
     "Broker host name or address (plain TCP)."},
    {"mqtt", "port", CONFIG_INT, OFF(mqtt.port), "1883", 1, 65535, "Broker port."},
    {"mqtt", "client_id", CONFIG_STR, OFF(mqtt.client_id), "iocd", 0, 0,
     "MQTT client id, one per iocd on a broker; required when clean_session is false."},
    {"mqtt", "username", CONFIG_STR, OFF(mqtt.username), "", 0, 0, "Broker login; empty: none."},
    {"mqtt", "password", CONFIG_STR, OFF(mqtt.password), "", 0, 0,
     "Broker password (needs a username); empty: none. Prefer the environment variable to the "
     "file; never logged."},
    {"mqtt", "topic", CONFIG_STR, OFF(mqtt.topic), "ioc/#", 0, 0,
     "Topic filter; for JSON payloads the level after its prefix is the measurement."},
    {"mqtt", "qos", CONFIG_INT, OFF(mqtt.qos), "1", 0, 2, "Subscription QoS."},
    {"mqtt", "keepalive_s", CONFIG_INT, OFF(mqtt.keepalive_s), "60", 5, 65535,
     "MQTT keepalive in seconds."},
    {"mqtt", "clean_session", CONFIG_BOOL, OFF(mqtt.clean_session), "false", 0, 1,
     "false: the broker keeps the subscription and queues QoS 1 messages while iocd is away; "
     "true: a fresh session at each connection."},
    {"mqtt", "backoff_min_ms", CONFIG_INT, OFF(mqtt.backoff_min_ms), "1000", 1, 3600000,
     "First wait before reconnecting to the broker; doubles after each failure."},
    {"mqtt", "backoff_max_ms", CONFIG_INT, OFF(mqtt.backoff_max_ms), "30000", 1, 3600000,
     "Longest wait before reconnecting (at least backoff_min_ms)."},
    {"mqtt", "max_payload", CONFIG_I64, OFF(mqtt.max_payload), "1048576", 1, (int64_t)1 << 28,
     "Largest message in bytes; a longer one is dropped unread and counted."},
    {"mqtt", "max_points", CONFIG_INT, OFF(mqtt.max_points), "10000", 1, 1000000,
     "Most points (lines or JSON objects) of one message; those after it are bad entries."},
    {"mqtt", "precision", CONFIG_STR, OFF(mqtt.precision), "ns", 0, 0,
     "Unit of line-protocol timestamps and JSON integer times: ns, us, ms, s, m or h."},
};

const struct config_module config_module_telemetry =
    CONFIG_MODULE("telemetry", struct telemetry_settings, rows);

const struct telemetry_settings *telemetry_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_telemetry);
}

int telemetry_sync_parse(const char *s, enum tsdb_sync_mode *out)
{
    static const char *const names[] = {"batch", "always", "off"};
    static const enum tsdb_sync_mode modes[] = {TSDB_SYNC_BATCH, TSDB_SYNC_ALWAYS, TSDB_SYNC_OFF};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = modes[i];
            return 0;
        }
    return IOC_EINVAL;
}

int telemetry_duration_parse(const char *s, int64_t *ns)
{
    static const char units[] = "smhdw";
    static const int64_t mult[] = {1, 60, 3600, 86400, 604800};
    if (!s || !*s)
        return IOC_EINVAL;
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return 0;
    }
    int64_t n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (*p - '0');
        if (n > 36525LL * 86400) /* 100 years in seconds at most, whatever the unit */
            return IOC_EINVAL;
    }
    const char *u = p != s && *p && p[1] == 0 ? strchr(units, *p) : NULL;
    if (!u || n == 0)
        return IOC_EINVAL;
    int64_t secs = n * mult[u - units];
    if (secs > 36525LL * 86400)
        return IOC_EINVAL;
    *ns = secs * 1000000000LL;
    return 0;
}

void telemetry_retention_free(struct telemetry_retention *r)
{
    free(r->rules);
    free(r->text);
    memset(r, 0, sizeof *r);
}

/* s[0..n) without blanks at either end. */
static void trim(char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* One "measurement=duration" part p[0..len) into r->rules[r->n]. */
static int parse_rule(struct telemetry_retention *r, char *p, size_t len, char *err,
                      size_t err_size)
{
    trim(&p, &len);
    char *eq = memchr(p, '=', len);
    char *m = p, *d = eq ? eq + 1 : NULL;
    size_t mlen = eq ? (size_t)(eq - p) : len, dlen = eq ? len - mlen - 1 : 0;
    trim(&m, &mlen);
    if (d)
        trim(&d, &dlen);
    int64_t ns = 0;
    int rc = eq && mlen ? 0 : IOC_EINVAL;
    if (rc == 0) {
        char c = d[dlen];
        d[dlen] = 0;
        rc = telemetry_duration_parse(d, &ns);
        d[dlen] = c;
    }
    for (size_t i = 0; rc == 0 && i < r->n; i++)
        if (r->rules[i].mlen == mlen && memcmp(r->rules[i].m, m, mlen) == 0)
            rc = IOC_EINVAL;
    if (rc) {
        snprintf(err, err_size,
                 "telemetry.retention_by_measurement: \"%.*s\" is not measurement=duration "
                 "(0, or a number with s, m, h, d or w), once per measurement",
                 (int)(len > 200 ? 200 : len), p);
        return rc;
    }
    r->rules[r->n++] = (struct tsdb_retention){m, mlen, ns};
    return 0;
}

int telemetry_retention_parse(const char *dflt, const char *by, struct telemetry_retention *out,
                              char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (telemetry_duration_parse(dflt ? dflt : "0", &out->default_ns) != 0) {
        snprintf(err, err_size,
                 "telemetry.retention must be 0 or a number with s, m, h, d or w, not \"%.200s\"",
                 dflt);
        return IOC_EINVAL;
    }
    if (!by)
        by = "";
    size_t len = strlen(by), parts = 1;
    for (size_t i = 0; i < len; i++)
        parts += by[i] == ',';
    out->text = malloc(len + 1);
    out->rules = calloc(parts, sizeof *out->rules);
    if (!out->text || !out->rules)
        return IOC_ENOMEM;
    memcpy(out->text, by, len + 1);
    char *p = out->text, *end = p + len;
    char *q = p;
    size_t n = len;
    trim(&q, &n);
    if (n == 0)
        return 0; /* no rule */
    while (p <= end) {
        char *c = memchr(p, ',', (size_t)(end - p));
        char *stop = c ? c : end;
        int rc = parse_rule(out, p, (size_t)(stop - p), err, err_size);
        if (rc)
            return rc;
        p = stop + 1;
    }
    return 0;
}

int telemetry_settings_check(const struct telemetry_settings *s, char *err, size_t err_size)
{
    enum tsdb_sync_mode mode;
    if (telemetry_sync_parse(s->sync, &mode) != 0) {
        snprintf(err, err_size, "telemetry.sync must be batch, always or off, not '%.40s'",
                 s->sync ? s->sync : "");
        return IOC_EINVAL;
    }
    struct telemetry_retention r;
    int rc =
        telemetry_retention_parse(s->retention, s->retention_by_measurement, &r, err, err_size);
    telemetry_retention_free(&r);
    return rc;
}
