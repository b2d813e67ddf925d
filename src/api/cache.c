/*
 * cache.c — what the API keeps in memory between requests: the point → unit index and the
 * rendered bodies of unit responses, both tied to the store's "units_generation" (bumped by
 * every import of units). iocctl may import while iocd runs, so the generation is re-read from
 * the store at most once a second.
 *
 * The first index is built by the start-up thread (api.c), so iocd answers at once; a lookup
 * arriving before it is ready waits for it.
 *
 * The bodies live in two areas of one array: cache_size general entries (LRU), then
 * API_CACHE_PINNED pinned ones for the boundaries the console loads first, which only other
 * pinned bodies replace, so that a flood of distinct requests cannot push them out.
 *
 * Invariant: a cached body or index is used only for the generation it was built from. Old
 * indexes are retired, not freed, until the api is destroyed, because another loop thread may
 * still be reading one (imports are rare; each retired index is a few MB at most).
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
        char *gen = NULL;
        if (store_meta_get(c->t->db, "units_generation", &gen) == 0)
            api_units_generation_store(a, gen);
        free(gen);
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

/* Stores body in the n entries from area (an empty one, one of another generation, the same
 * key, else the least recently used). */
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
        struct api_cache_entry *e = &area[i];
        if (!e->key || e->generation != generation || strcmp(e->key, key) == 0) {
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
        if (inm && n == strlen(etag) && memcmp(inm, etag, n) == 0) {
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
    for (int i = 0; i < a->nretired; i++)
        geo_index_destroy(a->retired[i]);
    a->nretired = 0;
}

static int level_tag(const char *level)
{
    return strcmp(level, "province") == 0 ? 1 : strcmp(level, "district") == 0 ? 2 : 3;
}

struct index_build {
    struct api *api;
    struct geo_index *ix;
};

static int add_shape(void *ctx, const struct store_unit *u, const char *geometry, size_t len)
{
    struct index_build *b = ctx;
    struct geo_index *ix = b->ix;
    if (atomic_load(&b->api->stopping))
        return IOC_ESHUTDOWN;
    int32_t from = INT32_MIN, to = INT32_MAX;
    if (u->valid_from[0] && ioc_date_parse(u->valid_from, strlen(u->valid_from), &from) != 0)
        from = INT32_MIN;
    if (u->valid_to[0] && ioc_date_parse(u->valid_to, strlen(u->valid_to), &to) != 0)
        to = INT32_MAX;
    int rc = geo_index_add(ix, u->id, level_tag(u->level), from, to, geometry, len);
    if (rc)
        ioc_log(IOC_LOG_WARN, "unit %s: geometry not indexed: %s", u->code, ioc_strerror(rc));
    return 0;
}

int api_geo_rebuild(struct api *a, struct store_conn *db, int64_t generation)
{
    struct geo_index *ix = NULL;
    int rc = geo_index_create(&ix);
    struct index_build b = {a, ix};
    if (rc == 0)
        rc = store_units_each_geometry(db, NULL, NULL, add_shape, &b);
    if (rc == 0)
        rc = geo_index_build(ix);
    if (rc) {
        geo_index_destroy(ix);
        pthread_mutex_lock(&a->geo_lock);
        a->geo_failed = !a->geo;
        pthread_cond_broadcast(&a->geo_ready);
        pthread_mutex_unlock(&a->geo_lock);
        return rc;
    }
    pthread_mutex_lock(&a->geo_lock);
    if (a->geo && a->nretired < API_RETIRED_MAX)
        a->retired[a->nretired++] = a->geo;
    else if (a->geo)
        ioc_log(IOC_LOG_WARN,
                "more than %d unit imports since start: an old point index is "
                "kept until exit",
                API_RETIRED_MAX);
    a->geo = ix;
    a->geo_generation = generation;
    pthread_cond_broadcast(&a->geo_ready);
    pthread_mutex_unlock(&a->geo_lock);
    return 0;
}

const struct geo_index *api_geo_index(struct api_ctx *c)
{
    struct api *a = c->api;
    int64_t g = api_units_generation(c);
    pthread_mutex_lock(&a->geo_lock);
    /* Only in the first second after start: the first index is still being built. */
    while (!a->geo && !a->geo_failed)
        pthread_cond_wait(&a->geo_ready, &a->geo_lock);
    int stale = a->geo && a->geo_generation != g;
    pthread_mutex_unlock(&a->geo_lock);
    if (stale && api_geo_rebuild(a, c->t->db, g) != 0)
        ioc_log(IOC_LOG_ERROR, "point index rebuild failed; answering from the previous one");
    pthread_mutex_lock(&a->geo_lock);
    const struct geo_index *ix = a->geo;
    pthread_mutex_unlock(&a->geo_lock);
    return ix;
}
