/*
 * reports.c — the citizen reports' services from a JSON file (data/reports/README.md):
 * {"services": [...], "overrides": [{service, unit, agency}]}. Each service is checked by the
 * rules of src/reports (rep_service_from_json) and stored with its attributes; the overrides
 * route a service to another agency in one commune. One job: a bad service or override leaves
 * nothing behind. An audit row "reports.services.import" records the counts.
 */
#include "seed/seed.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"
#include "store/store.h"

#define SERVICES_MAX_BYTES ((size_t)4 << 20)

static int fail(struct seed_reports *j, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct seed_reports *j, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->error, sizeof j->error, fmt, ap);
    va_end(ap);
    return rc;
}

static int load(struct store_conn *w, struct seed_reports *j, const json_t *root)
{
    const json_t *services = json_object_get(root, "services");
    if (!json_is_array(services))
        return fail(j, IOC_EINVAL, "%s: \"services\" must be an array", j->path);
    size_t i;
    const json_t *x;
    json_array_foreach(services, i, x)
    {
        struct store_rep_service s;
        struct rep_problem p;
        int rc = rep_service_from_json(x, &s, &p);
        if (rc == IOC_EINVAL)
            return fail(j, rc, "%s: services[%zu] %s: %s", j->path, i, p.param, p.why);
        if (rc)
            return fail(j, rc, "%s: %s", j->path, ioc_strerror(rc));
        s.position = (int)i;
        rc = store_rep_service_put(w, &s);
        if (rc)
            fail(j, rc, "%s: services[%zu] (%s): %s", j->path, i, s.code,
                 rc == IOC_EINVAL ? "its agency is not known" : ioc_strerror(rc));
        store_rep_service_clear(&s);
        if (rc)
            return rc;
        j->services++;
    }
    const json_t *overrides = json_object_get(root, "overrides");
    if (overrides && !json_is_array(overrides))
        return fail(j, IOC_EINVAL, "%s: \"overrides\" must be an array", j->path);
    json_array_foreach(overrides, i, x)
    {
        const char *svc = json_string_value(json_object_get(x, "service"));
        const char *unit = json_string_value(json_object_get(x, "unit"));
        const char *agency = json_string_value(json_object_get(x, "agency"));
        if (!svc || !unit || !agency || !*unit)
            return fail(j, IOC_EINVAL, "%s: overrides[%zu] needs service, unit and agency", j->path,
                        i);
        int rc = store_rep_override_put(w, svc, unit, agency);
        if (rc)
            return fail(j, rc, "%s: overrides[%zu]: %s", j->path, i,
                        rc == IOC_EINVAL ? "no such service or agency" : ioc_strerror(rc));
        j->overrides++;
    }
    char detail[96];
    snprintf(detail, sizeof detail, "{\"services\":%d,\"overrides\":%d}", j->services,
             j->overrides);
    struct store_audit a = {.actor = (char *)(j->actor ? j->actor : "iocctl"),
                            .actor_role = "",
                            .action = "reports.services.import",
                            .target = (char *)j->path,
                            .ip = "local",
                            .outcome = "ok",
                            .request_id = "",
                            .detail = detail};
    return store_audit_add(w, &a);
}

int seed_reports_job(struct store_conn *w, void *arg)
{
    struct seed_reports *j = arg;
    j->error[0] = '\0';
    j->services = j->overrides = 0;
    char *text = NULL;
    size_t n = 0;
    int rc = ioc_file_read(j->path, SERVICES_MAX_BYTES, &text, &n);
    if (rc)
        return fail(j, rc, "%s: %s", j->path, ioc_strerror(rc));
    json_error_t e;
    json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &e);
    free(text);
    if (!json_is_object(root)) {
        json_decref(root);
        return fail(j, IOC_EINVAL, "%s:%d:%d: %s", j->path, e.line, e.column, e.text);
    }
    rc = load(w, j, root);
    json_decref(root);
    return rc;
}
