/*
 * fuzz_dashdoc — the dashboard document's checks (src/dashboards) on arbitrary bytes, as
 * PUT /api/v1/dashboards/{id} and `iocctl dashboards import` give them: dash_parse with a fake
 * catalogue (indicators CCHC.A, CCHC.B, YT.GIUONG; domains CCHC, YT; units 75, 26734).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds; a refusal is IOC_EINVAL with
 * a reason and a NUL-terminated path (a member's name may be any string); a document that passes
 * has a valid id, at most 48 panels, canonical text within the limit that checks again to the same
 * text (the canonical form is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dashboards/dashboards.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static int in(const char *code, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(code, list[i]) == 0)
            return 1;
    return 0;
}
static int fake_indicator(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"CCHC.A", "CCHC.B", "YT.GIUONG", NULL});
}
static int fake_domain(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"CCHC", "YT", NULL});
}
static int fake_unit(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"75", "26734", NULL});
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct dash_lookup lk = {fake_indicator, fake_unit, fake_domain, NULL};
    struct dash_doc d;
    struct dash_problem p;
    int rc = dash_parse((const char *)data, size, &lk, &d, &p);
    if (rc) {
        CHECK(rc == IOC_EINVAL || rc == IOC_ENOMEM);
        if (rc == IOC_EINVAL) {
            CHECK(p.why[0] != '\0');
            CHECK(memchr(p.path, '\0', sizeof p.path) != NULL);
        }
        return 0;
    }
    CHECK(dash_id_valid(d.id));
    CHECK(d.panels >= 0 && d.panels <= DASH_MAX_PANELS);
    CHECK(d.text_len == strlen(d.text) && d.text_len <= DASH_MAX_BYTES);
    CHECK(d.title_vi[0] != '\0');
    struct dash_doc again;
    CHECK(dash_parse(d.text, d.text_len, &lk, &again, &p) == 0);
    CHECK(strcmp(again.text, d.text) == 0);
    CHECK(again.panels == d.panels);
    dash_doc_clear(&again);
    dash_doc_clear(&d);
    return 0;
}
