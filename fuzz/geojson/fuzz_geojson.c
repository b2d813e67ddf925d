/*
 * fuzz_geojson — boundary imports: geo_features_parse (structure, ranges, GEOS validity) and
 * geo_geometry_check on the whole input, and geo_simplify plus the point index on what parses.
 * Build and run on its own (from the repository root):
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     $(geos-config --cflags) fuzz/geojson/fuzz_geojson.c src/geo/[a-z]*.c src/base/[a-z]*.c \
 *     $(pkg-config --cflags --libs jansson) $(geos-config --clibs) -lunistring -lm \
 *     -o build/fuzz_geojson
 *   build/fuzz_geojson -max_total_time=60 -max_len=65536 fuzz/geojson/corpus
 * or with every harness: fuzz/run.sh SECONDS (make fuzz).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    double bbox[4];
    char msg[256];
    geo_geometry_check(text, size, bbox, msg, sizeof msg);
    if (geo_features_parse(text, size, 64, &f, &n, &err) != 0)
        return 0;
    struct geo_index *ix = NULL;
    if (geo_index_create(&ix) != 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        char *s = NULL;
        size_t len = 0;
        if (geo_simplify(f[i].geometry, strlen(f[i].geometry), 10, &s, &len) == 0)
            free(s);
        geo_index_add(ix, (int64_t)i, 3, 0, INT32_MAX, f[i].geometry, strlen(f[i].geometry));
    }
    if (geo_index_build(ix) == 0 && n > 0) {
        int64_t id;
        geo_index_lookup(ix, (f[0].bbox[0] + f[0].bbox[2]) / 2, (f[0].bbox[1] + f[0].bbox[3]) / 2,
                         3, 0, &id);
    }
    geo_index_destroy(ix);
    geo_features_free(f, n);
    return 0;
}
