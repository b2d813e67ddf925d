/*
 * mqtt_int.h — what mqtt.c (the subscriber) and mqtt_json.c (JSON payloads) share inside
 * src/telemetry/. Not for other modules.
 */
#ifndef IOC_TELEMETRY_MQTT_INT_H
#define IOC_TELEMETRY_MQTT_INT_H

#include <stddef.h>
#include <stdint.h>

/* Copies s[0..n) into out (cap bytes, NUL-terminated) for a log line: control characters and
 * '"' become '?', and a cut is shown as "...". */
void mqtt_quote(char *out, size_t cap, const char *s, size_t n);

/* An RFC 3339 time s[0..n): YYYY-MM-DD, 'T' (or 't' or a space), hh:mm:ss, an optional
 * fraction of 1 to 9 digits, and 'Z' (or 'z') or +hh:mm / -hh:mm; years 0000-9999, seconds up
 * to 60 (a leap second counts as the next one). *out is ns since the
 * epoch; NULL on success, else a static message (out untouched). */
const char *mqtt_rfc3339_parse(const char *s, size_t n, int64_t *out);

#endif
