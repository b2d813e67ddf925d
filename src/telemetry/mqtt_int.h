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

#endif
