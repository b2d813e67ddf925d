/*
 * limiter.c — the limit on password guesses (logins and password changes).
 *
 * Counters live in fixed windows of window_ms, in one bounded open-addressing table under a
 * mutex, under two kinds of key:
 *   "u:<username>\x1f<address>"  at most max_failures guesses: a caller locks only themselves out
 *                                (an attacker elsewhere cannot lock leader out of the office);
 *   "a:<address>"                at most 10 × max_failures, whoever is named (one address may be
 *                                an office behind NAT).
 *
 * Invariants
 *   1. An attempt is counted before its password is checked. auth_limiter_begin reserves it
 *      (in_flight + 1 on both keys) and refuses when failures + in_flight has reached the
 *      limit, all under the mutex, so N parallel guesses cannot all pass a check made before
 *      any of them failed. Every successful begin is matched by exactly one auth_limiter_end,
 *      which turns the reservation into a failure, a success, or nothing.
 *   2. The mutex is never held across I/O: the store read for an unlock mark (below) happens
 *      between two critical sections, and the state is re-checked after it.
 *   3. The table holds at most LIMITER_SLOTS keys and never allocates after create. A slot is
 *      reused when its window expired and no attempt is in flight; when all probed slots are
 *      live the oldest window is evicted (an attacker filling the table only frees old
 *      counters, which costs them the same number of guesses again). An end whose slot was
 *      evicted finds nothing to release and does nothing.
 *
 * Unlocking: iocd keeps the counters in memory and iocctl is another process, so an
 * administrator's unlock goes through the store. auth_user_unlock writes the meta value
 * "login_unlock:<username>" = the time in ms; when begin finds a (user, address) key locked, it
 * reads that mark (one indexed row) and clears the lock if the mark is not older than the lock.
 */
#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMITER_SLOTS 65536
#define PROBES 64
#define KEY_MAX 120
#define ADDRESS_FACTOR 10

struct slot {
    char key[KEY_MAX];
    int64_t window_start_ms;
    int64_t locked_ms; /* when failures reached the limit; 0 when not locked */
    int failures;
    int in_flight;
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

static void slot_reset(struct slot *s, int64_t now)
{
    s->window_start_ms = now;
    s->locked_ms = 0;
    s->failures = 0;
}

/* The slot of key (created if create), or NULL. Caller holds the lock. */
static struct slot *find(struct auth_limiter *l, const char *key, int64_t now, int create)
{
    uint64_t h = hash(key);
    struct slot *oldest = NULL, *free_slot = NULL;
    for (int i = 0; i < PROBES; i++) {
        struct slot *s = &l->slots[(h + (uint64_t)i) % LIMITER_SLOTS];
        int expired = s->key[0] && now - s->window_start_ms >= l->window_ms;
        if (s->key[0] && strcmp(s->key, key) == 0) {
            if (expired)
                slot_reset(s, now); /* attempts in flight stay counted */
            return s;
        }
        if (!s->key[0] || (expired && s->in_flight == 0)) {
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
    slot_reset(s, now);
    s->in_flight = 0;
    return s;
}

static void keys(const char *ip, const char *user, char k_user[KEY_MAX], char k_ip[KEY_MAX])
{
    snprintf(k_user, KEY_MAX, "u:%.64s\x1f%.50s", user ? user : "", ip ? ip : "");
    snprintf(k_ip, KEY_MAX, "a:%.64s", ip ? ip : "");
}

/* When the key of s may be tried again: 0 if now, else a time in ms. Caller holds the lock. */
static int64_t blocked_until(const struct auth_limiter *l, const struct slot *s, int limit,
                             int64_t now)
{
    if (s->failures >= limit)
        return s->window_start_ms + l->window_ms;
    if (s->failures + s->in_flight >= limit)
        return now + 1000; /* decided when the attempts in flight finish */
    return 0;
}

/* Reads the unlock mark of username: its time in ms, or 0 when there is none. */
static int64_t unlock_mark(struct store_conn *db, const char *username)
{
    char key[96], *v = NULL;
    snprintf(key, sizeof key, "login_unlock:%.64s", username);
    if (!db || store_meta_get(db, key, &v) != 0)
        return 0;
    int64_t ms = 0;
    if (ioc_parse_i64(v, strlen(v), 0, INT64_MAX, &ms) != 0)
        ms = 0; /* not a mark iocctl wrote: no unlock */
    free(v);
    return ms;
}

int auth_limiter_begin(struct auth_limiter *l, struct store_conn *db, const char *ip,
                       const char *username, int64_t now_ms, int *retry_after_s)
{
    char k_user[KEY_MAX], k_ip[KEY_MAX];
    keys(ip, username, k_user, k_ip);
    int64_t until = 0, lock_seen = 0, mark = -1;
    pthread_mutex_lock(&l->lock);
    for (;;) {
        struct slot *u = find(l, k_user, now_ms, 1);
        if (mark >= 0 && u->locked_ms && u->locked_ms == lock_seen && mark >= u->locked_ms)
            slot_reset(u, now_ms); /* an administrator lifted this lock */
        if (mark < 0 && u->locked_ms && u->failures >= l->max_failures && db) {
            /* Invariant 2: read the store with the mutex released, then look again. */
            lock_seen = u->locked_ms;
            pthread_mutex_unlock(&l->lock);
            mark = unlock_mark(db, username);
            pthread_mutex_lock(&l->lock);
            continue;
        }
        until = blocked_until(l, u, l->max_failures, now_ms);
        struct slot *a = find(l, k_ip, now_ms, 1);
        if (a == u) /* the probed slots are all busy and u's was taken: count the address */
            u = NULL;
        int64_t until_ip = blocked_until(l, a, ADDRESS_FACTOR * l->max_failures, now_ms);
        if (until_ip > until)
            until = until_ip;
        if (!until) {
            if (u)
                u->in_flight++;
            a->in_flight++;
        }
        break;
    }
    pthread_mutex_unlock(&l->lock);
    if (!until)
        return 0;
    *retry_after_s = (int)((until - now_ms + 999) / 1000);
    if (*retry_after_s < 1)
        *retry_after_s = 1;
    return IOC_EBUSY;
}

/* Ends one reservation of s (when it still exists) and applies outcome. Caller holds the lock. */
static void settle(struct slot *s, int limit, int outcome, int64_t now)
{
    if (!s)
        return;
    if (s->in_flight > 0)
        s->in_flight--;
    if (outcome == AUTH_ATTEMPT_FAILED && ++s->failures == limit)
        s->locked_ms = now;
}

void auth_limiter_end(struct auth_limiter *l, const char *ip, const char *username, int64_t now_ms,
                      int outcome)
{
    char k_user[KEY_MAX], k_ip[KEY_MAX];
    keys(ip, username, k_user, k_ip);
    int create = outcome == AUTH_ATTEMPT_FAILED; /* a failure is counted even if evicted */
    pthread_mutex_lock(&l->lock);
    struct slot *u = find(l, k_user, now_ms, create);
    settle(u, l->max_failures, outcome, now_ms);
    if (u && outcome == AUTH_ATTEMPT_OK)
        slot_reset(u, now_ms);
    /* One success does not clear an address that others behind it may be abusing. */
    settle(find(l, k_ip, now_ms, create), ADDRESS_FACTOR * l->max_failures, outcome, now_ms);
    pthread_mutex_unlock(&l->lock);
}

int auth_user_unlock(struct store_conn *w, const char *username, int64_t now_ms)
{
    struct store_user u = {0};
    int rc = store_user_get(w, username, &u);
    store_user_clear(&u);
    if (rc)
        return rc;
    char key[96], v[32];
    snprintf(key, sizeof key, "login_unlock:%.64s", username);
    snprintf(v, sizeof v, "%lld", (long long)now_ms);
    return store_meta_set(w, key, v);
}
