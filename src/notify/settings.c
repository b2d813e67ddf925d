/*
 * settings.c — the webhooks' settings, section [webhooks]: how long one attempt may take, how
 * often and how far apart a failed delivery is retried, how many run at once, how long done
 * deliveries are kept (docs/webhooks.md). Stored in struct notify_settings; listed once in
 * src/config/modules.c.
 */
#include <stddef.h>

#include "config/config.h"
#include "notify/notify.h"

#define OFF(f) offsetof(struct notify_settings, f)
static const struct config_setting rows[] = {
    {"webhooks", "timeout_ms", CONFIG_INT, OFF(timeout_ms), "10000", 100, 300000,
     "One delivery attempt (connection, request and answer) may take at most this many ms; "
     "longer counts as a failure."},
    {"webhooks", "max_attempts", CONFIG_INT, OFF(max_attempts), "10", 1, 100,
     "A delivery that failed this many times is a dead letter (kept for the admin, retryable)."},
    {"webhooks", "backoff_ms", CONFIG_INT, OFF(backoff_ms), "30000", 10, 86400000,
     "The wait after a first failure, doubled after each next one (with jitter: between half "
     "of it and all of it)."},
    {"webhooks", "backoff_max_ms", CONFIG_INT, OFF(backoff_max_ms), "3600000", 10, 86400000,
     "The longest wait between two attempts of a delivery."},
    {"webhooks", "max_inflight", CONFIG_INT, OFF(max_inflight), "16", 1, 1000,
     "Deliveries in flight at once (each webhook gets one at a time, in order)."},
    {"webhooks", "keep_days", CONFIG_INT, OFF(keep_days), "7", 1, 3650,
     "Delivered deliveries are kept this many days for the admin's view, then pruned; dead "
     "letters stay until retried or their webhook is deleted."},
};

const struct config_module config_module_webhooks =
    CONFIG_MODULE("webhooks", struct notify_settings, rows);

const struct notify_settings *notify_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_webhooks);
}

void notify_options_from(struct notify_options *o, const struct notify_settings *s)
{
    o->timeout_ms = s->timeout_ms;
    o->max_attempts = s->max_attempts;
    o->backoff_ms = s->backoff_ms;
    o->backoff_max_ms = s->backoff_max_ms;
    o->max_inflight = s->max_inflight;
    o->keep_days = s->keep_days;
}
