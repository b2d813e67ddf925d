/*
 * cache.c — the roll-up cache: the value of (indicator, unit, geography day, frequency, period)
 * as ind_rollup made it, kept in memory with the generations it was read under, so that an
 * overview or a chart asked again answers without reading the base rows again.
 *
 * Correctness rests on the store's generations (store_ind_gens): a trigger moves an indicator's
 * generation on in every transaction that changes its values, and generation 0 in every one that
 * changes the catalogue, the units or the successions, whoever writes (iocd's writer, iocctl).
 * A reader reads the generations BEFORE it reads the base rows, and files what it computed under
 * them: the rows it read are at least as new as the generations, so an entry is never newer-
 * labelled than its data, and an entry whose generations still match the store's is what a
 * fresh read would give.
 *
 * A fixed table of slots (indicators.cache_entries, rounded up to a power of two), in groups of
 * WAYS; a key hashes to one group; a put takes the key's own slot, an empty one, or the least
 * recently used of the group. Groups are guarded by striped mutexes held for memory work only
 * (never across I/O).
 */
#include "indicators/indicators.h"
#include "indicators/indicators_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

#define WAYS 4
#define STRIPES 64
#define UNIT_KEY 24
#define DEFAULT_ENTRIES 262144

struct slot {
    uint64_t hash; /* 0: empty */
    int64_t id;
    int32_t n;
    uint8_t freq;
    char unit[UNIT_KEY];
    char at[11];
    uint64_t gen, gen0;
    uint64_t used;
    struct ind_rolled v;
};

static struct {
    pthread_once_t once;
    pthread_mutex_t lock[STRIPES];
    struct slot *slots;
    size_t mask; /* slots - 1; no cache when slots is NULL */
    size_t want;
    atomic_size_t configured;
    atomic_uint_fast64_t tick, hits, misses;
} C = {.once = PTHREAD_ONCE_INIT};

void ind_cache_configure(size_t entries)
{
    /* entries + 1 so that 0 (no cache) differs from "not configured" */
    atomic_store(&C.configured, entries + 1);
}

static void setup(void)
{
    size_t want = atomic_load(&C.configured);
    want = want ? want - 1 : DEFAULT_ENTRIES;
    for (size_t i = 0; i < STRIPES; i++)
        pthread_mutex_init(&C.lock[i], NULL);
    if (want == 0)
        return;
    size_t n = WAYS;
    while (n < want && n < ((size_t)1 << 30))
        n <<= 1;
    C.slots = calloc(n, sizeof *C.slots);
    C.mask = C.slots ? n - 1 : 0;
}

static bool ready(void)
{
    pthread_once(&C.once, setup);
    return C.slots != NULL;
}

static uint64_t mix(uint64_t h, const void *p, size_t len)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

/* The key's hash (never 0), or 0 when the key cannot be cached (a unit code too long). */
static uint64_t hash_of(const struct ind_cache_key *k, int32_t n)
{
    size_t ul = strlen(k->unit), al = strlen(k->at);
    if (ul >= UNIT_KEY || al >= 11)
        return 0;
    uint64_t h = 0xcbf29ce484222325ULL;
    h = mix(h, &k->indicator_id, sizeof k->indicator_id);
    h = mix(h, &n, sizeof n);
    unsigned char f = (unsigned char)k->freq;
    h = mix(h, &f, 1);
    h = mix(h, k->unit, ul + 1);
    h = mix(h, k->at, al + 1);
    h ^= h >> 29;
    return h ? h : 1;
}

static bool same(const struct slot *s, uint64_t h, const struct ind_cache_key *k, int32_t n)
{
    return s->hash == h && s->id == k->indicator_id && s->n == n && s->freq == (uint8_t)k->freq &&
           strcmp(s->unit, k->unit) == 0 && strcmp(s->at, k->at) == 0;
}

static struct slot *group_of(uint64_t h, pthread_mutex_t **lock)
{
    size_t g = (size_t)(h & C.mask) & ~(size_t)(WAYS - 1);
    *lock = &C.lock[(g / WAYS) % STRIPES];
    return &C.slots[g];
}

static bool get1(const struct ind_cache_key *k, int32_t n, const struct ind_cache_gens *g,
                 struct ind_rolled *out)
{
    uint64_t h = hash_of(k, n);
    if (!h)
        return false;
    pthread_mutex_t *lock;
    struct slot *s = group_of(h, &lock);
    bool hit = false;
    pthread_mutex_lock(lock);
    for (int w = 0; w < WAYS; w++)
        if (same(&s[w], h, k, n)) {
            hit = s[w].gen == g->gen && s[w].gen0 == g->gen0;
            if (hit) {
                *out = s[w].v;
                s[w].used = atomic_fetch_add_explicit(&C.tick, 1, memory_order_relaxed);
            }
            break;
        }
    pthread_mutex_unlock(lock);
    return hit;
}

static void put1(const struct ind_cache_key *k, int32_t n, const struct ind_cache_gens *g,
                 const struct ind_rolled *v)
{
    uint64_t h = hash_of(k, n);
    if (!h)
        return;
    pthread_mutex_t *lock;
    struct slot *s = group_of(h, &lock);
    pthread_mutex_lock(lock);
    struct slot *to = NULL;
    for (int w = 0; w < WAYS && !to; w++)
        if (same(&s[w], h, k, n) || s[w].hash == 0)
            to = &s[w];
    if (!to) { /* the least recently used */
        to = &s[0];
        for (int w = 1; w < WAYS; w++)
            if (s[w].used < to->used)
                to = &s[w];
    }
    to->hash = h;
    to->id = k->indicator_id;
    to->n = n;
    to->freq = (uint8_t)k->freq;
    memcpy(to->unit, k->unit, strlen(k->unit) + 1);
    memcpy(to->at, k->at, strlen(k->at) + 1);
    to->gen = g->gen;
    to->gen0 = g->gen0;
    to->used = atomic_fetch_add_explicit(&C.tick, 1, memory_order_relaxed);
    to->v = *v;
    pthread_mutex_unlock(lock);
}

bool ind_cache_get(const struct ind_cache_key *k, struct ind_period first, int32_t count,
                   const struct ind_cache_gens *g, struct ind_rolled *out)
{
    if (!ready() || count <= 0 || first.freq != k->freq)
        return false;
    for (int32_t i = 0; i < count; i++)
        if (!get1(k, first.n + i, g, &out[i])) {
            atomic_fetch_add_explicit(&C.misses, 1, memory_order_relaxed);
            return false;
        }
    atomic_fetch_add_explicit(&C.hits, 1, memory_order_relaxed);
    return true;
}

void ind_cache_put(const struct ind_cache_key *k, struct ind_period first, int32_t count,
                   const struct ind_cache_gens *g, const struct ind_rolled *v)
{
    if (!ready() || first.freq != k->freq)
        return;
    for (int32_t i = 0; i < count; i++)
        put1(k, first.n + i, g, &v[i]);
}

void ind_cache_stats(uint64_t *hits, uint64_t *misses, size_t *slots)
{
    *hits = atomic_load(&C.hits);
    *misses = atomic_load(&C.misses);
    *slots = ready() ? C.mask + 1 : 0;
}

/* ---- generations -------------------------------------------------------------------------- */

int ind_cache_gens_read(struct store_conn *db, int64_t indicator_id, struct ind_cache_gens_all *out)
{
    memset(out, 0, sizeof *out);
    struct store_ind_gen *rows = NULL;
    size_t n = 0;
    int rc = store_ind_gens(db, indicator_id, &rows, &n);
    if (rc)
        return rc;
    out->rows = rows;
    out->n = n;
    if (n && rows[0].indicator_id == 0)
        out->gen0 = rows[0].gen;
    return 0;
}

static int by_gen_id(const void *k, const void *e)
{
    int64_t a = *(const int64_t *)k, b = ((const struct store_ind_gen *)e)->indicator_id;
    return a < b ? -1 : a > b;
}

struct ind_cache_gens ind_cache_gens_of(const struct ind_cache_gens_all *all, int64_t indicator_id)
{
    const struct store_ind_gen *g =
        bsearch(&indicator_id, all->rows, all->n, sizeof *all->rows, by_gen_id);
    return (struct ind_cache_gens){g ? g->gen : 0, all->gen0};
}

void ind_cache_gens_free(struct ind_cache_gens_all *all)
{
    free(all->rows);
    memset(all, 0, sizeof *all);
}
