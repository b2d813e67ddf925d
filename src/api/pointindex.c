/*
 * pointindex.c — the point → unit index of the running server. One thread of its own builds and
 * rebuilds it; the event loops read it through a geo_slot (src/geo/slot.c) and never build it,
 * wait for it, or take a lock for it.
 *
 * The index thread builds the first index at start, then every API_GEO_POLL_MS reads meta
 * "units_generation" (bumped by every `iocctl import units`) on its own read connection. When it
 * differs from the generation of the published index, the thread builds a new index from the
 * stored units while the loops go on answering from the previous one, publishes it with one
 * atomic exchange, waits until no loop still holds the replaced index (a loop holds it only
 * across the two geo_index_lookup calls of one request), and destroys it. A build that fails is
 * logged and tried again after API_GEO_RETRY_MS; the previous index stays in service.
 *
 * Invariants:
 *   1. Only the index thread builds, publishes and destroys indexes: one build at a time, one
 *      per generation seen (plus retries after a failure).
 *   2. A loop never waits here: api_geo_acquire is a few atomic loads and stores. Before the
 *      first index is published it says so at once (the lookup answers 503 "starting").
 *   3. At most two indexes exist at once: the published one and the one being built or retired.
 *      None is leaked, however many imports there are.
 *   4. geo_state: 0 starting → 1 published; 0 → -1 (the first build failed) → 1 on a retry.
 *   5. The generation is read before the units; an import committed in between makes the new
 *      index newer than its label, and the next poll builds once more. Never older.
 */
#include "api/api_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API_GEO_POLL_MS 250
#define API_GEO_RETRY_MS 10000

static int level_tag(const char *level)
{
    return strcmp(level, "province") == 0 ? 1 : strcmp(level, "district") == 0 ? 2 : 3;
}

struct build {
    struct api *api;
    struct geo_index *ix;
};

static int add_shape(void *ctx, const struct store_unit *u, const char *geometry, size_t len)
{
    struct build *b = ctx;
    if (atomic_load(&b->api->stopping))
        return IOC_ESHUTDOWN;
    int32_t from = INT32_MIN, to = INT32_MAX;
    if (u->valid_from[0] && ioc_date_parse(u->valid_from, strlen(u->valid_from), &from) != 0)
        from = INT32_MIN;
    if (u->valid_to[0] && ioc_date_parse(u->valid_to, strlen(u->valid_to), &to) != 0)
        to = INT32_MAX;
    int rc = geo_index_add(b->ix, u->id, level_tag(u->level), from, to, geometry, len);
    if (rc)
        ioc_log(IOC_LOG_WARN, "unit %s: geometry not indexed: %s", u->code, ioc_strerror(rc));
    return 0;
}

/* Sleeps about 1 ms (the loops hold an index for microseconds). */
static void nap(void)
{
    struct timespec ts = {0, 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Builds the index of the stored units, publishes it as generation gen and destroys the one it
 * replaces once no loop holds it. On failure nothing changes. Index thread only. */
static int rebuild(struct api *a, struct store_conn *db, int64_t gen)
{
    int64_t t0 = ioc_mono_ns();
    struct build b = {a, NULL};
    int rc = geo_index_create(&b.ix);
    if (rc == 0)
        rc = store_units_each_geometry(db, NULL, NULL, add_shape, &b);
    if (rc == 0)
        rc = geo_index_build(b.ix);
    if (rc) {
        geo_index_destroy(b.ix);
        return rc;
    }
    struct geo_index *ix = b.ix;
    struct geo_index *old = geo_slot_publish(a->geo_slot, ix);
    atomic_store(&a->geo_generation, gen);
    atomic_store(&a->geo_state, 1);
    atomic_fetch_add(&a->geo_builds, 1);
    while (geo_slot_held(a->geo_slot, old))
        nap();
    geo_index_destroy(old);
    ioc_log(IOC_LOG_INFO, "point index of units generation %lld: %zu shapes in %lld ms",
            (long long)gen, geo_index_count(ix), (long long)((ioc_mono_ns() - t0) / 1000000));
    return 0;
}

/* Waits up to ms or until api_geo_stop; 1 when stopping. */
static int pause_ms(struct api *a, int ms)
{
    struct timespec until;
    ioc_deadline_ms(&until, ms);
    pthread_mutex_lock(&a->geo_lock);
    while (!a->geo_stop && pthread_cond_timedwait(&a->geo_wake, &a->geo_lock, &until) == 0) {
    }
    int stop = a->geo_stop;
    pthread_mutex_unlock(&a->geo_lock);
    return stop;
}

static void *index_main(void *arg)
{
    struct api *a = arg;
    int64_t built = -1, failed = -1, retry_at = 0;
    do {
        int64_t gen = 0;
        if (store_units_generation(a->geo_db, &gen) != 0 || gen == built)
            continue;
        if (gen == failed && ioc_mono_ns() < retry_at)
            continue;
        int rc = rebuild(a, a->geo_db, gen);
        if (rc == 0) {
            built = gen;
            failed = -1;
        } else if (rc != IOC_ESHUTDOWN) {
            ioc_log(IOC_LOG_ERROR, "point index of units generation %lld: %s; %s", (long long)gen,
                    ioc_strerror(rc),
                    built < 0 ? "lookups answer 503 until it is built"
                              : "lookups are answered from the previous index");
            if (built < 0)
                atomic_store(&a->geo_state, -1);
            failed = gen;
            retry_at = ioc_mono_ns() + (int64_t)API_GEO_RETRY_MS * 1000000;
        }
    } while (!pause_ms(a, API_GEO_POLL_MS));
    return NULL;
}

int api_geo_start(struct api *a)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&a->geo_lock, NULL);
    pthread_cond_init(&a->geo_wake, &attr);
    pthread_condattr_destroy(&attr);
    a->geo_inited = 1;
    a->geo_stop = 0; /* a start after a stop runs again */
    atomic_store(&a->geo_generation, -1);
    int rc = geo_slot_create(&a->geo_slot);
    if (rc == 0)
        rc = store_conn_open(a->store, 1, &a->geo_db);
    if (rc == 0 && pthread_create(&a->geo_thread, NULL, index_main, a) != 0)
        rc = IOC_ENOMEM;
    a->geo_started = rc == 0;
    return rc;
}

void api_geo_stop(struct api *a)
{
    if (!a->geo_inited)
        return;
    if (a->geo_started) {
        pthread_mutex_lock(&a->geo_lock);
        a->geo_stop = 1;
        pthread_cond_broadcast(&a->geo_wake);
        pthread_mutex_unlock(&a->geo_lock);
        pthread_join(a->geo_thread, NULL);
        a->geo_started = 0;
    }
    store_conn_close(a->geo_db);
    a->geo_db = NULL;
    geo_slot_destroy(a->geo_slot);
    a->geo_slot = NULL;
    pthread_mutex_destroy(&a->geo_lock);
    pthread_cond_destroy(&a->geo_wake);
    a->geo_inited = 0;
}

int api_geo_acquire(struct api_ctx *c, const struct geo_index **out)
{
    struct api *a = c->api;
    if (!c->t->geo_reader && geo_slot_reader_add(a->geo_slot, &c->t->geo_reader) != 0)
        return IOC_ENOMEM;
    const struct geo_index *ix = geo_slot_acquire(a->geo_slot, c->t->geo_reader);
    if (!ix)
        return atomic_load(&a->geo_state) < 0 ? IOC_EIO : IOC_EBUSY;
    *out = ix;
    return 0;
}

void api_geo_release(struct api_ctx *c)
{
    geo_slot_release(c->t->geo_reader);
}
