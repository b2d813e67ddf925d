/*
 * events — the one live event stream of the server (docs/api.md "Live events"): domain modules
 * publish small JSON events (a report's transition, a station's water alarm, an alert), the hub
 * keeps the recent ones in a ring and writes each to the subscribers allowed to see it, as
 * Server-Sent Events. It knows nothing of HTTP (src/api opens the streams) nor of the events'
 * meaning (each publisher builds its JSON).
 *
 *   - Ids: every published event gets the next number of a uint64 sequence that starts, when
 *     the hub is created, at the wall clock in microseconds (so ids normally grow across
 *     restarts too, but that is not promised).
 *   - Ring: the most recent events (at most ring_events and ring_bytes; the newest always
 *     stays) for subscribers that come back with Last-Event-ID. An id older than the ring or
 *     newer than the last event, or a replay longer than max_replay bytes, gets one `reset`
 *     event instead (data {}, its id the last event's): the client reloads with a query.
 *   - Visibility (the shared contract of issue 20): an event of agency_id > 0 is seen by that
 *     agency's viewers and by the viewers that see all; agency_id 0 only by those that see all;
 *     EVENTS_EVERYONE by every viewer. A subscriber also gets only its types.
 *   - Writers are called under the hub's lock (that of its fan-out, base.h), on the publishing
 *     thread, the subscribing one (the replay) or the hub's heartbeat thread; they must only
 *     copy (net_stream_offer does).
 *     A writer that fails once is not called again, except with IOC_EBUSY ("no room now"):
 *     then its next event is replaced by a `reset` with that event's id, and events go on.
 *     After events_unsubscribe returns, the writer's context is never used again.
 *   - Heartbeat: the hub's own thread writes the comment `: hb` to every subscriber every
 *     heartbeat_s, so proxies and clients see the stream alive and a gone client is noticed.
 */
#ifndef IOC_EVENTS_H
#define IOC_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct ioc_buf;
struct ioc_config;
struct config_module;
struct events_hub;
struct events_sub;

struct events_options {
    size_t ring_events; /* events kept for Last-Event-ID; 0: 10000 */
    size_t ring_bytes;  /* and their bytes at most; 0: 16 MiB */
    int heartbeat_s;    /* a `: hb` comment to every subscriber this often; 0: 15 */
    int keep_s;         /* > 0: the ring is forgotten once nobody listened for so long; 0: kept */
    size_t max_replay;  /* a Last-Event-ID replay longer than this is a reset; 0: ring_bytes */
};

/* 0, IOC_ENOMEM or IOC_EIO (the heartbeat thread could not start). */
int events_hub_create(const struct events_options *o, struct events_hub **out);
/* Stops the heartbeat thread and frees h; no subscriber may remain. NULL is fine. */
void events_hub_destroy(struct events_hub *h);

#define EVENTS_EVERYONE (-1)
#define EVENTS_TYPE_MAX 16    /* bytes of a type: [a-z_]{1,16} */
#define EVENTS_MAX_TYPES 16   /* types a subscriber names at most */
#define EVENTS_DATA_MAX 65536 /* bytes of an event's JSON at most */

/* 1 if type is a well-formed event type ([a-z_]{1,16}). */
int events_type_valid(const char *type);
/*
 * Any thread; copies json (n bytes, one line: no CR or LF, at most EVENTS_DATA_MAX) and never
 * blocks on I/O. agency_id: the owning agency (> 0), 0 (only the viewers that see all) or
 * EVENTS_EVERYONE. Returns the event's id; 0 when refused (a bad type or json, no memory), and
 * then nothing was published. NULL h is fine (returns 0).
 */
uint64_t events_publish(struct events_hub *h, const char *type, int64_t agency_id, const char *json,
                        size_t n);

struct events_viewer {
    int all;           /* operators, leaders, admins: every event */
    int64_t agency_id; /* otherwise the events of this agency (0: none) and EVENTS_EVERYONE's */
};

typedef int (*events_write_fn)(void *ctx, const void *p, size_t n);

/*
 * Writes "retry: 3000" and, when have_last, the events after last_id this viewer may see (or a
 * reset), then links the subscriber: from then on every published event it may see and of its
 * types is written, with no gap and no repeat. types: NULL (ntypes 0) for every type, else a
 * set of well-formed types (copied). 0; IOC_EINVAL (a bad type, more than EVENTS_MAX_TYPES);
 * IOC_ENOMEM; or the writer's error (not linked).
 */
int events_subscribe(struct events_hub *h, const struct events_viewer *v, const char *const *types,
                     size_t ntypes, int have_last, uint64_t last_id, events_write_fn write,
                     void *ctx, struct events_sub **out);
/* NULL s is fine. */
void events_unsubscribe(struct events_hub *h, struct events_sub *s);
/* Appends the ioc_events_* counters in the Prometheus text format; 0 or IOC_ENOMEM. */
int events_hub_metrics(struct events_hub *h, struct ioc_buf *b);

/* ---- settings (settings.c), section [events] ------------------------------------------- */
struct events_settings {
    int ring_events;      /* events kept for Last-Event-ID */
    int heartbeat_s;      /* the heartbeat comment's period */
    int max_streams;      /* open streams of the server at most */
    int client_buffer_kb; /* KiB waiting for one client at most; more drops it */
};
extern const struct config_module config_module_events;
const struct events_settings *events_settings_get(const struct ioc_config *c);
/* The hub's options from the settings. */
void events_options_from(const struct events_settings *s, struct events_options *o);

#endif
