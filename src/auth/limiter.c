/*
 * limiter.c — the login rate limiter: fixed windows of failed logins per username (at most
 * max_failures) and per client address (at most 10 × max_failures, since one address may be an
 * office behind NAT), in one bounded open-addressing table under a mutex.
 *
 * The table holds at most LIMITER_SLOTS keys; expired entries are reused, and when every slot is
 * live the oldest window is evicted (an attacker filling the table only frees old counters, which
 * costs them the same number of attempts again).
 */
#include "auth/auth.h"
#include "base/base.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LIMITER_SLOTS 65536
#define KEY_MAX 96

struct slot {
    char key[KEY_MAX];
    int64_t window_start_ms;
    int failures;
};

struct auth_limiter {
    pthread_mutex_t lock;
    int max_failures;
    int64_t window_ms;
    struct slot *slots;
};

int auth_limiter_create(int max_failures, int window_s, struct auth_limiter **out)
{
    struct auth_limiter *l = calloc(1, sizeof *l);
    if (!l)
        return IOC_ENOMEM;
    l->slots = calloc(LIMITER_SLOTS, sizeof *l->slots);
    if (!l->slots) {
        free(l);
        return IOC_ENOMEM;
    }
    pthread_mutex_init(&l->lock, NULL);
    l->max_failures = max_failures > 0 ? max_failures : 10;
    l->window_ms = (int64_t)(window_s > 0 ? window_s : 300) * 1000;
    *out = l;
    return 0;
}

void auth_limiter_destroy(struct auth_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l->slots);
    free(l);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of key (created if create), or NULL. Caller holds the lock. */
static struct slot *find(struct auth_limiter *l, const char *key, int64_t now, int create)
{
    uint64_t h = hash(key);
    struct slot *oldest = NULL, *free_slot = NULL;
    for (int i = 0; i < 64; i++) {
        struct slot *s = &l->slots[(h + (uint64_t)i) % LIMITER_SLOTS];
        int expired = s->key[0] && now - s->window_start_ms >= l->window_ms;
        if (s->key[0] && strcmp(s->key, key) == 0) {
            if (expired) {
                s->window_start_ms = now;
                s->failures = 0;
            }
            return s;
        }
        if (!s->key[0] || expired) {
            if (!free_slot)
                free_slot = s;
        } else if (!oldest || s->window_start_ms < oldest->window_start_ms) {
            oldest = s;
        }
    }
    if (!create)
        return NULL;
    struct slot *s = free_slot ? free_slot : oldest;
    snprintf(s->key, sizeof s->key, "%s", key);
    s->window_start_ms = now;
    s->failures = 0;
    return s;
}

static void keys(const char *ip, const char *user, char k_ip[KEY_MAX], char k_user[KEY_MAX])
{
    snprintf(k_ip, KEY_MAX, "ip:%.80s", ip ? ip : "");
    snprintf(k_user, KEY_MAX, "user:%.80s", user ? user : "");
}

int auth_limiter_check(struct auth_limiter *l, const char *ip, const char *username, int64_t now_ms,
                       int *retry_after_s)
{
    char k_ip[KEY_MAX], k_user[KEY_MAX];
    keys(ip, username, k_ip, k_user);
    pthread_mutex_lock(&l->lock);
    struct slot *a = find(l, k_ip, now_ms, 0), *b = find(l, k_user, now_ms, 0);
    int64_t until = 0;
    if (a && a->failures >= 10 * l->max_failures)
        until = a->window_start_ms + l->window_ms;
    if (b && b->failures >= l->max_failures && b->window_start_ms + l->window_ms > until)
        until = b->window_start_ms + l->window_ms;
    pthread_mutex_unlock(&l->lock);
    if (!until)
        return 0;
    *retry_after_s = (int)((until - now_ms + 999) / 1000);
    return IOC_EBUSY;
}

void auth_limiter_fail(struct auth_limiter *l, const char *ip, const char *username, int64_t now_ms)
{
    char k_ip[KEY_MAX], k_user[KEY_MAX];
    keys(ip, username, k_ip, k_user);
    pthread_mutex_lock(&l->lock);
    find(l, k_ip, now_ms, 1)->failures++;
    find(l, k_user, now_ms, 1)->failures++;
    pthread_mutex_unlock(&l->lock);
}

void auth_limiter_success(struct auth_limiter *l, const char *ip, const char *username)
{
    (void)ip; /* one success does not clear an address that others behind it may be abusing */
    char k_ip[KEY_MAX], k_user[KEY_MAX];
    keys(ip, username, k_ip, k_user);
    pthread_mutex_lock(&l->lock);
    struct slot *s = find(l, k_user, 0, 0);
    if (s)
        s->failures = 0;
    pthread_mutex_unlock(&l->lock);
}
