/*
 * ratelimit.c — token buckets: requests per API key (limits.key_rate_per_s refilled per second,
 * limits.key_burst at most), and audited refusals per anonymous client address
 * (limits.refused_rate_per_min, limits.refused_burst). A caller over its rate gets 429 with
 * Retry-After; other keys, addresses and signed-in people are not affected.
 *
 * Each set of buckets is a bounded open-addressing table under a mutex, keyed by a 64-bit id
 * (an API key's id; FNV-1a of an address). When the probed slots are all taken, the bucket idle
 * the longest is reused, so memory never grows (an attacker who floods the table only gives
 * old callers a full bucket again).
 */
#include "api/api_int.h"
#include "reports/reports.h"

#include <math.h>
#include <stdlib.h>

#define SLOTS 8192
#define PROBES 32

struct bucket {
    uint64_t id; /* 0 = free */
    double tokens;
    int64_t last_ms;
};

struct api_buckets {
    pthread_mutex_t lock;
    double rate_per_ms, burst;
    struct bucket slots[SLOTS];
};

static int buckets_create(double rate_per_s, double burst, struct api_buckets **out)
{
    struct api_buckets *r = calloc(1, sizeof *r);
    if (!r)
        return IOC_ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    r->rate_per_ms = rate_per_s / 1000.0;
    r->burst = burst;
    *out = r;
    return 0;
}

static void buckets_destroy(struct api_buckets **r)
{
    if (!*r)
        return;
    pthread_mutex_destroy(&(*r)->lock);
    free(*r);
    *r = NULL;
}

/* 1 if id may go on now (a token is taken); 0 with *retry_after_s when its bucket is empty. */
static int buckets_take(struct api_buckets *r, uint64_t id, int64_t now_ms, int *retry_after_s)
{
    if (!id)
        id = 1;
    pthread_mutex_lock(&r->lock);
    struct bucket *b = NULL, *stalest = NULL;
    for (int i = 0; i < PROBES && !b; i++) {
        struct bucket *s = &r->slots[(id * 2654435761u + (uint64_t)i) % SLOTS];
        if (s->id == id || s->id == 0)
            b = s;
        else if (!stalest || s->last_ms < stalest->last_ms)
            stalest = s;
    }
    if (!b) /* table crowded: reuse the bucket idle the longest */
        b = stalest;
    if (b->id != id) {
        b->id = id;
        b->tokens = r->burst;
        b->last_ms = now_ms;
    }
    b->tokens = fmin(r->burst, b->tokens + (double)(now_ms - b->last_ms) * r->rate_per_ms);
    b->last_ms = now_ms;
    int ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    else
        *retry_after_s = (int)ceil((1.0 - b->tokens) / r->rate_per_ms / 1000.0);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

int api_ratelimit_create(struct api *a)
{
    const struct ioc_config *cfg = a->cfg;
    int rc = buckets_create(cfg->refused_rate_per_min / 60.0, cfg->refused_burst, &a->refused);
    if (rc == 0 && cfg->key_rate_per_s > 0)
        rc = buckets_create(cfg->key_rate_per_s, cfg->key_burst, &a->ratelimit);
    const struct rep_settings *r = rep_settings_get(cfg);
    if (rc == 0 && r && r->post_per_hour_per_address > 0)
        rc = buckets_create((double)r->post_per_hour_per_address / 3600.0,
                            (double)r->post_burst_per_address, &a->report_addr);
    if (rc == 0 && r && r->post_per_hour_per_device > 0)
        rc = buckets_create((double)r->post_per_hour_per_device / 3600.0,
                            (double)r->post_burst_per_device, &a->report_device);
    return rc;
}

void api_ratelimit_destroy(struct api *a)
{
    buckets_destroy(&a->ratelimit);
    buckets_destroy(&a->refused);
    buckets_destroy(&a->report_addr);
    buckets_destroy(&a->report_device);
}

static uint64_t fnv(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int api_report_post_allow(struct api_ctx *c, const char *device_id, int *retry_after_s,
                          const char **which)
{
    struct api *a = c->api;
    int64_t now = ioc_now_ms();
    /* the device first, so a device over its rate takes nothing from its address */
    if (a->report_device && device_id && *device_id &&
        !buckets_take(a->report_device, fnv(device_id, 1469598103934665603ULL), now,
                      retry_after_s)) {
        *which = "device_id";
        return 0;
    }
    if (a->report_addr &&
        !buckets_take(a->report_addr, fnv(net_req_peer(c->req), 1469598103934665603ULL), now,
                      retry_after_s)) {
        *which = "address";
        return 0;
    }
    return 1;
}

int api_ratelimit_allow(struct api *a, int64_t key_id, int64_t now_ms, int *retry_after_s)
{
    return !a->ratelimit || buckets_take(a->ratelimit, (uint64_t)key_id, now_ms, retry_after_s);
}

int api_audit_refused(struct api_ctx *c, const char *action, const char *target, const char *detail,
                      int *retry_after_s)
{
    struct api *a = c->api;
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = net_req_peer(c->req); *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    int retry = 1;
    if (!buckets_take(a->refused, h, ioc_now_ms(), &retry)) {
        atomic_fetch_add_explicit(&a->audit_suppressed, 1, memory_order_relaxed);
        if (retry_after_s)
            *retry_after_s = retry > 0 ? retry : 1;
        return IOC_EBUSY;
    }
    api_audit_async(c, action, target, "denied", detail);
    return 0;
}
