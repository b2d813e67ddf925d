/*
 * settings.c — the live event stream's settings, section [events] (docs/api.md "Live events"):
 * the ring kept for Last-Event-ID, the heartbeat, and the limits of GET /api/v1/events. Stored
 * in struct events_settings; listed once in src/config/modules.c.
 */
#include <stddef.h>

#include "config/config.h"
#include "events/events.h"

#define OFF(f) offsetof(struct events_settings, f)
static const struct config_setting rows[] = {
    {"events", "ring_events", CONFIG_INT, OFF(ring_events), "10000", 1, 1000000,
     "GET /api/v1/events: the most recent events kept for clients that come back with "
     "Last-Event-ID (and at most 16 MiB of them); an older id gets a reset event."},
    {"events", "heartbeat_s", CONFIG_INT, OFF(heartbeat_s), "15", 1, 3600,
     "GET /api/v1/events: the comment line `: hb` is sent to every client this often."},
    {"events", "max_streams", CONFIG_INT, OFF(max_streams), "2000", 1, 100000,
     "GET /api/v1/events is refused with 503 while the server has this many open streams "
     "(of every kind)."},
    {"events", "client_buffer_kb", CONFIG_INT, OFF(client_buffer_kb), "256", 4, 1048576,
     "KiB waiting for one GET /api/v1/events client at most; a client that falls further "
     "behind is cut off (it reconnects with Last-Event-ID)."},
};

const struct config_module config_module_events =
    CONFIG_MODULE("events", struct events_settings, rows);

const struct events_settings *events_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_events);
}

void events_options_from(const struct events_settings *s, struct events_options *o)
{
    *o = (struct events_options){0};
    if (!s)
        return;
    o->ring_events = (size_t)s->ring_events;
    o->heartbeat_s = s->heartbeat_s;
    /* a replay fits in half the client's buffer: the live events that follow fit too */
    o->max_replay = (size_t)s->client_buffer_kb * 1024 / 2;
}
