/*
 * fuzz_alertrule — the alert rule checker (alerts_rule_parse, src/alerts) and the built-in rule
 * types' compile steps on arbitrary bytes: what a POST or PUT /api/v1/rules body and a line of
 * `iocctl rules import` reach once jansson has read them.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds; the checker returns 0,
 * IOC_EINVAL (then with a message and the field at fault, and nothing left allocated) or
 * IOC_ENOMEM; an accepted rule has a known severity, a built-in type, target and params that
 * are JSON objects, and its JSON (alerts_rule_json) is accepted again as the same rule.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "store/store.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    struct store_alert_rule r;
    char err[256] = "";
    const char *field = NULL;
    int rc = alerts_rule_parse(NULL, body, &r, err, sizeof err, &field);
    json_decref(body);
    CHECK(rc == 0 || rc == IOC_EINVAL || rc == IOC_ENOMEM);
    if (rc == IOC_EINVAL) {
        CHECK(err[0] && field && field[0]);
        return 0;
    }
    if (rc)
        return 0;
    CHECK(alerts_severity_of(r.severity) >= 0);
    CHECK(alerts_type_find(NULL, r.type) != NULL);
    json_t *t = json_loads(r.target, 0, NULL), *p = json_loads(r.params, 0, NULL);
    CHECK(json_is_object(t) && json_is_object(p));
    json_decref(t);
    json_decref(p);
    json_t *again = alerts_rule_json(&r);
    CHECK(again);
    struct store_alert_rule r2;
    rc = alerts_rule_parse(NULL, again, &r2, err, sizeof err, &field);
    json_decref(again);
    CHECK(rc == 0 || rc == IOC_ENOMEM);
    if (rc == 0) {
        CHECK(same(r.name_vi, r2.name_vi) && same(r.name_en, r2.name_en));
        CHECK(same(r.severity, r2.severity) && same(r.type, r2.type));
        CHECK(same(r.target, r2.target) && same(r.params, r2.params));
        CHECK(same(r.agency, r2.agency) && same(r.unit, r2.unit));
        CHECK(r.enabled == r2.enabled && r.escalate_after_s == r2.escalate_after_s);
        CHECK(r.synthetic == r2.synthetic);
        store_alert_rule_clear(&r2);
    }
    store_alert_rule_clear(&r);
    return 0;
}
