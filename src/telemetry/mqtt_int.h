/*
 * mqtt_int.h — what mqtt.c (the subscriber), mqtt_json.c (JSON payloads), mqtt_ingest.c (the
 * sink into the engine) and ingest.c share inside src/telemetry/. Not for other modules.
 */
#ifndef IOC_TELEMETRY_MQTT_INT_H
#define IOC_TELEMETRY_MQTT_INT_H

#include <stddef.h>
#include <stdint.h>

/* Copies s[0..n) into out (cap bytes, NUL-terminated) for a log line: control characters and
 * '"' become '?', and a cut is shown as "...". */
void mqtt_quote(char *out, size_t cap, const char *s, size_t n);

struct ioc_buf;
struct telemetry_ingest;
struct telemetry_mqtt_settings;
struct mqtt_ingest;

/* mqtt_ingest.c: the subscriber of s with the sink into ig (see telemetry_ingest_start_mqtt).
 * *out stays NULL when s is not enabled. */
int mqtt_ingest_start(struct telemetry_ingest *ig, const struct telemetry_mqtt_settings *s,
                      size_t max_batch, struct mqtt_ingest **out, char *err, size_t err_size);
/* Stops the subscriber, waits for the answers of its batches in flight, and frees mi; NULL is
 * fine. The ingest thread must still run: it answers them. */
void mqtt_ingest_stop(struct mqtt_ingest *mi);
/* The subscriber's counters (ioc_mqtt_*) and the sink's. 0 or the buffer's error. */
int mqtt_ingest_metrics(const struct mqtt_ingest *mi, struct ioc_buf *b);

#endif
