/*
 * fuzz_form — the citizen reports' form parser (rep_form_parse, src/reports/form.c) on any bytes,
 * as POST /open311/v2/requests gives them, then the submission check (rep_submission_check) of
 * what it parsed against a service with an attribute of every datatype.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds (an exact-size copy lets ASan
 * see any overread); the parser answers 0, IOC_EINVAL or IOC_ETOOBIG, leaving nothing on failure;
 * on success every key is non-empty and every key and value is UTF-8 without NUL, at most
 * REP_FORM_MAX_FIELDS fields; the check answers 0 with an attributes object, or IOC_EINVAL with
 * at least one named problem.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static struct store_rep_attr attrs[] = {
    {"a", "string", 0, 1, "A", "", "", ""},
    {"n", "number", 0, 2, "N", "", "", ""},
    {"d", "datetime", 0, 3, "D", "", "", ""},
    {"t", "text", 0, 4, "T", "", "", ""},
    {"s", "singlevaluelist", 1, 5, "S", "", "",
     "[{\"key\":\"x\",\"name_vi\":\"X\"},{\"key\":\"y\",\"name_vi\":\"Y\"}]"},
    {"m", "multivaluelist", 0, 6, "M", "", "", "[{\"key\":\"x\",\"name_vi\":\"X\"}]"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct rep_form f;
    char err[256];
    int rc = rep_form_parse(copy, size, &f, err, sizeof err);
    CHECK(rc == 0 || rc == IOC_EINVAL || rc == IOC_ETOOBIG || rc == IOC_ENOMEM);
    if (rc) {
        CHECK(f.n == 0 && f.keys == NULL && f.vals == NULL);
        free(copy);
        return 0;
    }
    CHECK(f.n <= REP_FORM_MAX_FIELDS);
    for (size_t i = 0; i < f.n; i++) {
        CHECK(f.keys[i][0] != '\0');
        CHECK(ioc_utf8_valid(f.keys[i], strlen(f.keys[i])));
        CHECK(ioc_utf8_valid(f.vals[i], strlen(f.vals[i])));
    }
    struct store_rep_service s = {.code = "svc", .attrs = attrs, .nattrs = IOC_ARRAY_LEN(attrs)};
    struct rep_submission x;
    struct rep_problem p[8];
    size_t np = 0;
    rc = rep_submission_check(&s, &f, &x, p, IOC_ARRAY_LEN(p), &np);
    CHECK(rc == 0 || rc == IOC_EINVAL || rc == IOC_ENOMEM);
    if (rc == 0)
        CHECK(np == 0 && x.attributes && x.attributes[0] == '{');
    if (rc == IOC_EINVAL)
        CHECK(np > 0 && p[0].why[0]);
    rep_submission_clear(&x);
    rep_form_free(&f);
    free(copy);
    return 0;
}
