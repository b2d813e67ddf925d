/*
 * indicators_int.h — inside src/indicators only (and its unit tests): the roll-up cache as the
 * reads use it (cache.c). The public part (its size, its counters) is in indicators.h.
 */
#ifndef IOC_INDICATORS_INT_H
#define IOC_INDICATORS_INT_H

#include "indicators/indicators.h"

/*
 * What a rolled value is filed under: an indicator, the unit code as asked, the geography day
 * (at, "" for today's) and the frequency of the periods. Entries carry the generations
 * (store_ind_gens) read before their base rows were: an entry is used only while both still
 * match, so a change by any writer (iocd, iocctl) is seen at the next read.
 */
struct ind_cache_key {
    int64_t indicator_id;
    const char *unit;
    const char *at;
    enum ind_freq freq;
};
struct ind_cache_gens {
    uint64_t gen, gen0; /* the indicator's, and row 0's (catalogue, units, successions) */
};
struct store_ind_gen;
struct ind_cache_gens_all {
    struct store_ind_gen *rows;
    size_t n;
    uint64_t gen0;
};
/* out[0..count) for periods first.. of k (first.freq must be k->freq): true when every one is
 * cached under g; false (out partly written) otherwise. */
bool ind_cache_get(const struct ind_cache_key *k, struct ind_period first, int32_t count,
                   const struct ind_cache_gens *g, struct ind_rolled *out);
void ind_cache_put(const struct ind_cache_key *k, struct ind_period first, int32_t count,
                   const struct ind_cache_gens *g, const struct ind_rolled *v);
/* The generations of row 0 and indicator_id (every indicator's when < 0), read from the store:
 * call before reading the base rows they will label. Freed by ind_cache_gens_free. */
int ind_cache_gens_read(struct store_conn *db, int64_t indicator_id,
                        struct ind_cache_gens_all *out);
struct ind_cache_gens ind_cache_gens_of(const struct ind_cache_gens_all *all, int64_t indicator_id);
void ind_cache_gens_free(struct ind_cache_gens_all *all);

#endif
