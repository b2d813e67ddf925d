/*
 * fuzz_etag — the If-None-Match matcher of the response cache (api_etag_listed, src/api/cache.c),
 * on any bytes: it must stay within them (an exact-size copy lets ASan see any overread), answer
 * 0 or 1, and match only when the tag itself or "*" is there.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char etag[] = "\"2a-00000000deadbeef\"";
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    int r = api_etag_listed(copy, size, etag);
    if (r != 0 && r != 1)
        abort();
    if (r == 1 && !memmem(copy, size, etag, sizeof etag - 1) && !memchr(copy, '*', size))
        abort();
    free(copy);
    return 0;
}
