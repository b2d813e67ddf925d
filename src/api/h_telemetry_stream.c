/*
 * h_telemetry_stream.c — GET /api/v1/stream: accepted points, live, as Server-Sent Events.
 * Checks the parameters, opens a streaming response (src/net) and subscribes it to the hub of
 * the ingest (src/telemetry/stream.c), which writes every event; nothing here formats points.
 *
 * Lifetime: a `hold` (malloc) ties the subscription to the stream. The hub writes with
 * net_stream_write from the ingest thread; when the stream is over for any reason, net calls
 * stream_over on this loop, which unsubscribes (after which the hub never writes to it again),
 * gives up the stream and frees the hold.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#define STREAM_MAX_FILTERS 8

struct hold {
    struct telemetry_hub *hub;
    struct telemetry_sub *sub;
    struct net_stream *st;
    int closed; /* net_stream_close was called */
};

/* What does not fit in the client's buffer is refused (IOC_EBUSY) and the client kept: the
 * hub skips to a reset once there is room (a burst such as a backfill never cuts a client
 * that reads; one that reads nothing is cut by net's stall check). */
static int hold_write(void *ctx, const void *p, size_t n)
{
    return net_stream_offer(ctx, p, n);
}

static void stream_over(void *arg)
{
    struct hold *h = arg;
    telemetry_hub_unsubscribe(h->hub, h->sub);
    if (!h->closed)
        net_stream_close(h->st);
    free(h);
}

void h_telemetry_stream(struct api_ctx *c)
{
    struct api *a = c->api;
    if (!a->ingest) {
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "Telemetry is not available.");
        return;
    }
    struct tsdb_tag_filter tags[STREAM_MAX_FILTERS];
    struct telemetry_hub_filter f = {NULL, NULL, tags, 0};
    for (int i = 0; i < c->nq; i++) {
        const char *k = c->qk[i], *v = c->qv[i];
        int twice = 0;
        for (int j = 0; j < i; j++)
            twice |= strcmp(c->qk[j], k) == 0;
        int tag = strncmp(k, "tag.", 4) == 0 && k[4];
        if (twice || (!tag && strcmp(k, "measurement") != 0 && strcmp(k, "field") != 0)) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter '%.64s' is unknown or given twice.", k);
            return;
        }
        if (!*v) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter '%.64s' must not be empty.", k);
            return;
        }
        if (!tag) {
            *(k[0] == 'm' ? &f.measurement : &f.field) = v;
            continue;
        }
        if (f.ntags == STREAM_MAX_FILTERS) {
            api_error(c, IOC_HTTP_E_BAD_QUERY, "At most %d tag filters ('%.64s').",
                      STREAM_MAX_FILTERS, k);
            return;
        }
        if (api_tag_filter_add(c, &tags[f.ntags++], k + 4, v) != 0) {
            api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
            return;
        }
    }
    if (!f.measurement) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "Parameter 'measurement' is required.");
        return;
    }
    size_t mlen;
    const char *method = net_req_method(c->req, &mlen);
    if (mlen == 4 && memcmp(method, "HEAD", 4) == 0) {
        net_res_send(c->req, 200, "text/event-stream; charset=utf-8", "", 0);
        return;
    }
    uint64_t last = 0;
    size_t hn = 0;
    const char *hv = net_req_header(c->req, "Last-Event-ID", &hn);
    int have_last = api_event_id(hv, hn, &last);
    if (have_last < 0)
        last = UINT64_MAX; /* newer than any id: a reset */

    const struct telemetry_settings *ts = telemetry_settings_get(a->cfg);
    struct hold *h = calloc(1, sizeof *h);
    if (!h) {
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    h->hub = telemetry_ingest_hub(a->ingest);
    struct net_stream_options o = {(size_t)ts->stream_buffer, ts->stream_heartbeat_s * 1000,
                                   ": ping\n\n", ts->stream_max_clients};
    h->st = net_res_stream(c->req, 200, "text/event-stream; charset=utf-8", &o, stream_over, h);
    if (!h->st) {
        free(h);
        net_res_header(c->req, "Retry-After", "5");
        api_error(c, IOC_HTTP_E_UNAVAILABLE,
                  "Too many live streams are open (telemetry.stream_max_clients = %d), or the "
                  "server is stopping.",
                  ts->stream_max_clients);
        return;
    }
    int rc = telemetry_hub_subscribe(h->hub, &f, have_last != 0, last, o.max_buffer / 2, hold_write,
                                     h->st, &h->sub);
    if (rc) {
        ioc_log(IOC_LOG_WARN, "stream: cannot subscribe: %s", ioc_strerror(rc));
        h->closed = 1;
        net_stream_close(h->st); /* stream_over still runs, and frees h */
    }
}
