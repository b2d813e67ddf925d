/*
 * fuzz_multipart — the multipart/form-data parser (ioc_multipart_parse, src/base/multipart.c) on
 * any bytes as a POST /open311/v2/requests body with the boundary "XyZ", and the boundary reader
 * (ioc_multipart_boundary) on the same bytes as a Content-Type.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds (an exact-size copy lets ASan
 * see any overread); the parser answers 0, IOC_EINVAL or IOC_ETOOBIG, leaving nothing on failure
 * and a message; on success at most 8 parts, each with a non-empty UTF-8 name and a body lying
 * inside the input; a boundary read is 1-70 characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct ioc_multipart m;
    char err[256];
    int rc = ioc_multipart_parse(copy, size, "XyZ", 8, &m, err, sizeof err);
    CHECK(rc == 0 || rc == IOC_EINVAL || rc == IOC_ETOOBIG || rc == IOC_ENOMEM);
    if (rc) {
        CHECK(m.n == 0 && m.parts == NULL && err[0]);
    } else {
        CHECK(m.n <= 8);
        for (size_t i = 0; i < m.n; i++) {
            const struct ioc_part *p = &m.parts[i];
            CHECK(p->name && p->name[0] && ioc_utf8_valid(p->name, strlen(p->name)));
            CHECK(!p->filename || ioc_utf8_valid(p->filename, strlen(p->filename)));
            CHECK((const char *)p->data >= copy && (const char *)p->data + p->len <= copy + size);
        }
        ioc_multipart_free(&m);
    }
    char *ct = malloc(size + 1);
    if (ct) {
        memcpy(ct, data, size);
        ct[size] = '\0';
        char b[IOC_MULTIPART_BOUNDARY_MAX + 1];
        if (ioc_multipart_boundary(ct, b, sizeof b) == 0)
            CHECK(strlen(b) >= 1 && strlen(b) <= IOC_MULTIPART_BOUNDARY_MAX);
        free(ct);
    }
    free(copy);
    return 0;
}
