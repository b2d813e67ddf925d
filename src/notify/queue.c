/*
 * queue.c — queueing deliveries inside the caller's store transaction: one row per enabled
 * webhook whose filter matches the event (rules.c), or one ping for one webhook. Nothing here
 * touches the network; the delivery thread (deliver.c) sends what is committed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "notify/notify.h"
#include "store/store.h"

int notify_enqueue_tx(struct store_conn *w, const char *event_type, int64_t agency_id,
                      const char *json, size_t n)
{
    if (!event_type || !json)
        return IOC_EINVAL;
    struct store_webhook *h = NULL;
    size_t nh = 0;
    int rc = store_webhooks_list(w, 1, &h, &nh);
    if (rc)
        return rc;
    char *data = NULL;
    int64_t now = ioc_now_ms();
    for (size_t i = 0; i < nh && rc == 0; i++) {
        if (!notify_matches(h[i].events, h[i].agency_id, event_type, agency_id))
            continue;
        if (!data && !(data = strndup(json, n))) {
            rc = IOC_ENOMEM;
            break;
        }
        rc = store_delivery_add(w, h[i].id, event_type, data, now, NULL);
    }
    free(data);
    store_webhooks_free(h, nh);
    return rc;
}

int notify_ping_tx(struct store_conn *w, int64_t webhook_id, int64_t *delivery_id)
{
    struct store_webhook h;
    int rc = store_webhook_get(w, webhook_id, &h);
    if (rc)
        return rc;
    char data[96];
    int64_t now = ioc_now_ms();
    char at[32];
    ioc_time_rfc3339(now, at);
    snprintf(data, sizeof data, "{\"webhook\":%lld,\"sent_at\":\"%s\"}", (long long)h.id, at);
    store_webhook_clear(&h);
    return store_delivery_add(w, webhook_id, "ping", data, now, delivery_id);
}
