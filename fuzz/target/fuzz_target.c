/*
 * fuzz_target — the request target: route patterns, the query string and the static-path
 * check, as the dispatcher runs them on every request, and the Basic credential of /write.
 * Input: a raw target ("/path?query"), also read as an Authorization header value.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    const char *q = memchr(t, '?', size);
    size_t plen = q ? (size_t)(q - t) : size;
    size_t cap = 2 * size + 64;
    char *buf = malloc(cap);
    if (!buf)
        return 0;
    size_t n;
    const struct api_route *routes = api_route_table(&n);
    for (size_t i = 0; i < n; i++) {
        const char *params[4];
        int np = 0;
        if (api_pattern_match(routes[i].info.pattern, t, plen, buf, cap, params, 4, &np))
            for (int k = 0; k < np; k++)
                if (!ioc_utf8_valid(params[k], strlen(params[k])))
                    abort();
    }
    if (q) {
        const char *keys[16], *vals[16];
        int nq = 0;
        if (api_query_parse(q + 1, size - plen - 1, buf, cap, keys, vals, 16, &nq) == 0)
            for (int k = 0; k < nq; k++)
                if (!ioc_utf8_valid(keys[k], strlen(keys[k])) ||
                    !ioc_utf8_valid(vals[k], strlen(vals[k])))
                    abort();
    }
    if (api_static_path_ok(t, plen, buf, cap)) {
        /* An accepted path never holds a dot segment once decoded. */
        if (strstr(buf, "/../") || strstr(buf, "/./"))
            abort();
    }
    /* The same bytes as an Authorization header: a password found fits and holds no NUL. */
    char pw[129];
    if (api_basic_password(t, size, pw, sizeof pw) == 0 && strlen(pw) >= sizeof pw)
        abort();
    free(buf);
    return 0;
}
