/*
 * fuzz_serieskey — series keys of the time-series engine (src/tsdb/series.c), which it reads
 * back from its own files and its log.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The input is taken as a key. If it parses, every tag can be read, the key rebuilt from its
 * parts is the same bytes (only canonical keys parse), and adding it to an index then finding
 * it gives the same id. If it does not parse, the index refuses it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsdb/tsdb.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tsdb_series_index *ix;
    if (tsdb_series_index_create(4, &ix) != 0)
        return 0;
    struct tsdb_series_parts sp;
    uint32_t id, again;
    int stored;
    if (tsdb_series_key_parse(data, size, &sp) != 0) {
        CHECK(tsdb_series_add(ix, data, size, 1, &id, &stored) == IOC_EINVAL);
        tsdb_series_index_destroy(ix);
        return 0;
    }
    CHECK(sp.mlen > 0 && sp.flen > 0 && sp.ntags <= TSDB_SERIES_MAX_TAGS && sp.mf_len <= size);
    struct tsdb_tag tags[TSDB_SERIES_MAX_TAGS];
    for (size_t i = 0; i < sp.ntags; i++) {
        CHECK(tsdb_series_parts_tag(&sp, i, &tags[i]) == 0);
        CHECK((const uint8_t *)tags[i].value + tags[i].value_len <= data + size);
    }
    CHECK(tsdb_series_parts_tag(&sp, sp.ntags, &tags[0]) == IOC_ENOTFOUND);
    if (sp.ntags > 0)
        CHECK(tsdb_series_parts_tag(&sp, 0, &tags[0]) == 0);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    int rc = tsdb_series_key(&b, sp.m, sp.mlen, sp.f, sp.flen, tags, sp.ntags);
    /* a key that parses is canonical: rebuilt from its parts it is the same bytes */
    CHECK(rc == 0 && b.len == size && memcmp(b.data, data, size) == 0);
    CHECK(tsdb_series_add(ix, data, size, 1, &id, &stored) == 0 && id == 0 && stored == 1);
    CHECK(tsdb_series_find(ix, data, size, &again) == 0 && again == id);
    CHECK(tsdb_series_add(ix, data, size, 2, &again, &stored) == IOC_EEXIST && stored == 1);
    ioc_buf_free(&b);
    tsdb_series_index_destroy(ix);
    return 0;
}
