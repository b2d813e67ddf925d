/* iocd_int.h — what the files of src/iocd/ share. */
#ifndef IOC_IOCD_INT_H
#define IOC_IOCD_INT_H

#include <stdint.h>

struct store;
struct events_hub;
struct notify;
struct alerts_options;
struct env_engine_options;

/*
 * wire.c — where the alert engine's changes go: each one, inside the writer job that records
 * it, queues its webhook deliveries (notify_enqueue_tx, so a committed change always has them);
 * once durable it is published on the live event stream and wakes the webhooks' thread. Also
 * where an alert's target is: a series with a `station` tag is at that station (the registry).
 * And the AQI engine's `station` events (water alarms, once written) queued as webhook
 * deliveries, one writer transaction per batch, without waiting for it.
 */
struct iocd_wire;
/* events and nt may be NULL. 0 or IOC_ENOMEM (said on stderr). */
int iocd_wire_create(struct store *st, struct events_hub *events, struct notify *nt,
                     struct iocd_wire **out);
/* Sets o's ctx, locate, in_tx and published. */
void iocd_wire_alerts(struct iocd_wire *w, struct alerts_options *o);
/* Sets o's durable and durable_ctx. */
void iocd_wire_env(struct iocd_wire *w, struct env_engine_options *o);
/* Before notify_stop: no wake-up reaches notify any more (what is queued is sent at the next
 * start). NULL is fine. */
void iocd_wire_notify_gone(struct iocd_wire *w);
/* After both engines and the store's writer stopped. NULL is fine. */
void iocd_wire_destroy(struct iocd_wire *w);

/*
 * figures.c — the daily figures for the indicators: a thread computing the last complete local
 * days at start, then each day once over (env_figures_read, written through the writer by
 * ind_computed_write_job). Start after the writer and the telemetry ingest; stop before the
 * writer stops.
 */
struct iocd_figures;
struct telemetry_ingest;
struct tsdb_db;
int iocd_figures_start(struct store *st, struct telemetry_ingest *ig, struct iocd_figures **out);
void iocd_figures_stop(struct iocd_figures *f); /* NULL is fine */
/* Computes and writes the figures of the local days from … to (the reports' from rep_from), on
 * the calling thread. 0 or the error. */
int iocd_figures_run(struct store *st, struct tsdb_db *db, int32_t from, int32_t rep_from,
                     int32_t to);

#endif
