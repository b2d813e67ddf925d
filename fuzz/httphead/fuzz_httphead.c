/*
 * fuzz_httphead — the framing check of raw request heads (src/net/httphead.c), on any bytes: it
 * must stay within them (an exact-size copy lets ASan see any overread) and answer 0 with no
 * reason, or IOC_EINVAL with one. The same for net_head_target: 0 with a method and path within
 * the bytes, or IOC_EINVAL.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    const char *why = "unset";
    int rc = net_head_check(copy, size, &why);
    if (rc == 0 ? why != NULL : rc != IOC_EINVAL || why == NULL || !*why)
        abort();
    const char *m, *p;
    size_t ml, pl;
    rc = net_head_target(copy, size, &m, &ml, &p, &pl);
    if (rc == 0 &&
        (ml == 0 || m < copy || m + ml > copy + size || p < copy || p + pl > copy + size))
        abort();
    if (rc != 0 && rc != IOC_EINVAL)
        abort();
    free(copy);
    return 0;
}
