/*
 * h_events.c — GET /api/v1/events: the live event stream (report transitions, station alarms,
 * alerts) as Server-Sent Events (docs/api.md "Live events"). Checks the parameters, opens a
 * streaming response (src/net) and subscribes it to the hub (src/events), which writes every
 * event and the heartbeats; nothing here formats an event.
 *
 * Lifetime as in h_telemetry_stream.c: a `hold` ties the subscription to the stream; when the
 * stream is over for any reason, net calls stream_over on this loop, which unsubscribes (after
 * which the hub never writes to it again), gives up the stream and frees the hold.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "events/events.h"

/* The types a client may ask for (?types=). `ping` is for webhooks only. */
static const char *const known_types[] = {"alert", "report", "station", NULL};

struct hold {
    struct events_hub *hub;
    struct events_sub *sub;
    struct net_stream *st;
    int closed; /* net_stream_close was called */
};

/* A burst that does not fit the client's buffer is refused (IOC_EBUSY) and the client kept:
 * the hub sends it a reset instead of its next event; one that reads nothing is cut by net. */
static int hold_write(void *ctx, const void *p, size_t n)
{
    return net_stream_offer(ctx, p, n);
}

static void stream_over(void *arg)
{
    struct hold *h = arg;
    events_unsubscribe(h->hub, h->sub);
    if (!h->closed)
        net_stream_close(h->st);
    free(h);
}

/* ?types=a,b into types (pointing into the request's pool); 0, or -1 after answering 400. */
static int parse_types(struct api_ctx *c, const char *q, const char **types, size_t *n)
{
    *n = 0;
    if (!q)
        return 0;
    char *s = net_req_strdup(c->req, q, strlen(q));
    for (char *save = NULL, *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int known = 0;
        for (size_t i = 0; known_types[i]; i++)
            known |= strcmp(known_types[i], t) == 0;
        if (!known) {
            api_error(c, IOC_HTTP_E_BAD_QUERY,
                      "Parameter 'types': '%.32s' is not an event type (alert, report, station).",
                      t);
            return -1;
        }
        int twice = 0;
        for (size_t i = 0; i < *n; i++)
            twice |= strcmp(types[i], t) == 0;
        if (!twice)
            types[(*n)++] = t;
    }
    if (*n == 0) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter 'types' names no event type.");
        return -1;
    }
    return 0;
}

static void h_events(struct api_ctx *c)
{
    struct api *a = c->api;
    if (api_query_only(c, (const char *const[]){"types", "last_event_id", NULL}))
        return;
    const char *types[EVENTS_MAX_TYPES];
    size_t ntypes = 0;
    if (parse_types(c, api_query(c, "types"), types, &ntypes))
        return;
    uint64_t last = 0;
    size_t hn = 0;
    const char *hv = net_req_header(c->req, "Last-Event-ID", &hn);
    const char *qv = api_query(c, "last_event_id");
    int have_last = hv ? api_event_id(hv, hn, &last) : api_event_id(qv, qv ? strlen(qv) : 0, &last);
    if (have_last < 0)
        last = UINT64_MAX; /* newer than any id: a reset */
    if (!a->events) {
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "The live event stream is not available.");
        return;
    }
    size_t mlen;
    const char *method = net_req_method(c->req, &mlen);
    if (mlen == 4 && memcmp(method, "HEAD", 4) == 0) {
        net_res_send(c->req, 200, "text/event-stream; charset=utf-8", "", 0);
        return;
    }
    /* operators, leaders and admins see every event; staff and keys their agency's */
    struct events_viewer v = {c->who.kind == AUTH_USER && c->who.role >= AUTH_ROLE_OPERATOR,
                              c->who.agency_id};
    const struct events_settings *es = events_settings_get(a->cfg);
    struct hold *h = calloc(1, sizeof *h);
    if (!h) {
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    h->hub = a->events;
    /* the hub's thread writes the heartbeats: none from net */
    struct net_stream_options o = {(size_t)es->client_buffer_kb * 1024, 0, NULL, es->max_streams};
    h->st = net_res_stream(c->req, 200, "text/event-stream; charset=utf-8", &o, stream_over, h);
    if (!h->st) {
        free(h);
        net_res_header(c->req, "Retry-After", "5");
        api_error(c, IOC_HTTP_E_UNAVAILABLE,
                  "Too many live streams are open (events.max_streams = %d), or the server is "
                  "stopping.",
                  es->max_streams);
        return;
    }
    int rc = events_subscribe(h->hub, &v, ntypes ? types : NULL, ntypes, have_last != 0, last,
                              hold_write, h->st, &h->sub);
    if (rc) {
        ioc_log(IOC_LOG_WARN, "events: cannot subscribe: %s", ioc_strerror(rc));
        h->closed = 1;
        net_stream_close(h->st); /* stream_over still runs, and frees h */
    }
}

API_OPENAPI_FRAGMENT(api_openapi_events, "src/api/openapi/events.json");

/* The events module of modules.c. */
static const struct api_route routes[] = {
    API_ROUTE("GET", "/api/v1/events", "events.stream", AUTH_STAFF_UP, "staff", "read:events", 0,
              h_events),
};

const struct api_module api_module_events = API_MODULE("events", routes, api_openapi_events);
