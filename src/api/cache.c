/*
 * cache.c — the rendered bodies of unit responses the API keeps between requests, tied to the
 * store's "units_generation" (bumped by every import of units). iocctl may import while iocd
 * runs, so the generation is re-read from the store at most once a second. (The point index has
 * its own thread and file: pointindex.c.)
 *
 * The bodies live in two areas of one array: cache_size general entries (LRU), then
 * API_CACHE_PINNED pinned ones for the boundaries the console loads first, which only other
 * pinned bodies replace, so that a flood of distinct requests cannot push them out.
 *
 * Invariant: a cached body is used only for the generation it was built from.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

int64_t api_units_generation(struct api_ctx *c)
{
    struct api *a = c->api;
    int64_t now = ioc_now_ms();
    long long checked = atomic_load(&a->generation_checked_ms);
    if (now - checked >= 1000 &&
        atomic_compare_exchange_strong(&a->generation_checked_ms, &checked, now)) {
        api_units_generation_read(a, c->t->db);
    }
    return atomic_load(&a->units_generation);
}

struct net_shared *api_cache_get(struct api *a, const char *key, int64_t generation, char etag[40])
{
    struct net_shared *found = NULL;
    pthread_mutex_lock(&a->cache_lock);
    for (int i = 0; i < a->cache_size + API_CACHE_PINNED; i++) {
        struct api_cache_entry *e = &a->cache[i];
        if (e->key && e->generation == generation && strcmp(e->key, key) == 0) {
            e->last_used = ++a->cache_clock;
            found = e->body;
            net_shared_retain(found);
            if (etag)
                memcpy(etag, e->etag, sizeof e->etag);
            break;
        }
    }
    pthread_mutex_unlock(&a->cache_lock);
    return found;
}

/* Stores body in the n entries from area (an empty one, one of an older generation, the same
 * key, else the least recently used). A body of an older generation than one already there (a
 * render that began before an import and ended after it) is not stored: the generation only
 * grows, so no request asks for it again, and it would evict a current body. */
static void put(struct api *a, struct api_cache_entry *area, int nslots, const char *key,
                int64_t generation, struct net_shared *body)
{
    char *k = strdup(key);
    if (!k)
        return;
    size_t n;
    const unsigned char *p = net_shared_data(body, &n);
    uint64_t h = 1469598103934665603ULL; /* hashed before taking the lock the loops share */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    pthread_mutex_lock(&a->cache_lock);
    struct api_cache_entry *victim = &area[0];
    for (int i = 0; i < nslots; i++) {
        if (area[i].key && area[i].generation > generation) {
            pthread_mutex_unlock(&a->cache_lock);
            free(k);
            return;
        }
    }
    for (int i = 0; i < nslots; i++) {
        struct api_cache_entry *e = &area[i];
        if (!e->key || e->generation < generation || strcmp(e->key, key) == 0) {
            victim = e;
            break;
        }
        if (e->last_used < victim->last_used)
            victim = e;
    }
    free(victim->key);
    net_shared_release(victim->body);
    net_shared_retain(body);
    victim->key = k;
    victim->body = body;
    snprintf(victim->etag, sizeof victim->etag, "\"%llx-%016llx\"", (long long)generation,
             (unsigned long long)h);
    victim->generation = generation;
    victim->last_used = ++a->cache_clock;
    pthread_mutex_unlock(&a->cache_lock);
}

void api_cache_put(struct api *a, const char *key, int64_t generation, struct net_shared *body)
{
    put(a, a->cache, a->cache_size, key, generation, body);
}

void api_cache_put_pinned(struct api *a, const char *key, int64_t generation,
                          struct net_shared *body)
{
    put(a, a->cache + a->cache_size, API_CACHE_PINNED, key, generation, body);
}

int api_etag_listed(const char *p, size_t n, const char *etag)
{
    size_t elen = strlen(etag), i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
            i++;
        size_t start = i;
        while (i < n && p[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end - start == 1 && p[start] == '*')
            return 1;
        if (end - start > 2 && p[start] == 'W' && p[start + 1] == '/')
            start += 2;
        if (end - start == elen && memcmp(p + start, etag, elen) == 0)
            return 1;
    }
    return 0;
}

void api_send_cached(struct api_ctx *c, const char *key, struct net_shared *body, const char *type)
{
    char etag[40] = "";
    struct net_shared *again =
        api_cache_get(c->api, key, atomic_load(&c->api->units_generation), etag);
    net_shared_release(again);
    net_res_header(c->req, "cache-control", "no-cache");
    if (etag[0]) {
        net_res_header(c->req, "etag", etag);
        size_t n;
        const char *inm = net_req_header(c->req, "if-none-match", &n);
        if (inm && api_etag_listed(inm, n, etag)) {
            net_shared_release(body);
            net_res_send(c->req, 304, NULL, "", 0);
            return;
        }
    }
    net_res_send_shared(c->req, 200, type, body);
    net_shared_release(body);
}

void api_cache_free(struct api *a)
{
    for (int i = 0; a->cache && i < a->cache_size + API_CACHE_PINNED; i++) {
        free(a->cache[i].key);
        net_shared_release(a->cache[i].body);
    }
    free(a->cache);
    a->cache = NULL;
}
