/*
 * ratelimit.c — requests per API key: a token bucket per key (limits.key_rate_per_s refilled
 * per second, limits.key_burst at most), in a bounded open-addressing table under a mutex. A key
 * over its rate gets 429 with Retry-After; other keys and signed-in people are not affected.
 */
#include "api/api_int.h"

#include <math.h>
#include <stdlib.h>

#define SLOTS 8192
#define PROBES 32

struct bucket {
    int64_t key_id; /* 0 = free */
    double tokens;
    int64_t last_ms;
};

struct api_ratelimit {
    pthread_mutex_t lock;
    double rate, burst;
    struct bucket slots[SLOTS];
};

int api_ratelimit_create(struct api *a)
{
    if (a->cfg->key_rate_per_s <= 0)
        return 0;
    struct api_ratelimit *r = calloc(1, sizeof *r);
    if (!r)
        return IOC_ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    r->rate = a->cfg->key_rate_per_s;
    r->burst = a->cfg->key_burst;
    a->ratelimit = r;
    return 0;
}

void api_ratelimit_destroy(struct api *a)
{
    if (!a->ratelimit)
        return;
    pthread_mutex_destroy(&a->ratelimit->lock);
    free(a->ratelimit);
    a->ratelimit = NULL;
}

int api_ratelimit_allow(struct api *a, int64_t key_id, int64_t now_ms, int *retry_after_s)
{
    struct api_ratelimit *r = a->ratelimit;
    if (!r)
        return 1;
    pthread_mutex_lock(&r->lock);
    struct bucket *b = NULL, *stalest = NULL;
    for (int i = 0; i < PROBES && !b; i++) {
        struct bucket *s = &r->slots[((uint64_t)key_id * 2654435761u + (uint64_t)i) % SLOTS];
        if (s->key_id == key_id || s->key_id == 0)
            b = s;
        else if (!stalest || s->last_ms < stalest->last_ms)
            stalest = s;
    }
    if (!b) /* table crowded: reuse the bucket idle the longest */
        b = stalest;
    if (b->key_id != key_id) {
        b->key_id = key_id;
        b->tokens = r->burst;
        b->last_ms = now_ms;
    }
    b->tokens = fmin(r->burst, b->tokens + (double)(now_ms - b->last_ms) * r->rate / 1000.0);
    b->last_ms = now_ms;
    int ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    else
        *retry_after_s = (int)ceil((1.0 - b->tokens) / r->rate);
    pthread_mutex_unlock(&r->lock);
    return ok;
}
