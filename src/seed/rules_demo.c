/*
 * rules_demo.c — the demo's synthetic alert rules (docs/alerts.md "Demo rules"): rules over
 * the demo sensors' series that fire during a demo run, each named "(dữ liệu mẫu)" /
 * "(synthetic)" and stored with synthetic true, owned by the agency that operates the stations
 * of their kind (as stored; SO-NNMT when no station of the kind is stored).
 *
 *   water_alarm level 2 (Báo động 2) on every water level station;
 *   aqi_class 4 (Xấu) or worse on every air station;
 *   threshold air pm25 > 45 µg/m³ held for 600 s (the demo's morning and evening peaks cross it
 *   at most air stations; the busiest ones are over it about a quarter of the day);
 *   no_data 30 min on the air stations' pm25;
 *   report_overdue on every category (no agency: the operators');
 *   submission_late for each agency the demo's values leave late (seed_late_agencies) that is
 *   stored, owned by it: their latest complete quarters and years are missing past deadline.
 *
 * They go through alerts_rules_import_job, so they are checked and audited (actor "demo") as an
 * import of the same lines would be. Invariant: meta "demo_rules_seeded" is set in the same
 * transaction, so a second run adds nothing, and rules an operator deleted stay deleted.
 */
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "environment/environment.h"
#include "indicators/indicators.h"
#include "reports/reports.h"
#include "store/store.h"

#define DEMO_RULES_KEY "demo_rules_seeded"

/* The agency operating the stored stations of kind, else SO-NNMT when it exists, else "". */
static int agency_of(struct store_conn *w, const char *kind, char out[40])
{
    struct store_station *s = NULL;
    size_t n = 0;
    int rc = store_stations_find(w, NULL, &s, &n);
    if (rc)
        return rc;
    out[0] = '\0';
    for (size_t i = 0; i < n && !out[0]; i++)
        if (s[i].kind && strcmp(s[i].kind, kind) == 0 && s[i].agency && s[i].agency[0])
            snprintf(out, 40, "%s", s[i].agency);
    store_stations_free(s, n);
    if (out[0])
        return 0;
    struct store_agency ag;
    rc = store_agency_get(w, "SO-NNMT", &ag);
    if (rc == 0) {
        store_agency_clear(&ag);
        snprintf(out, 40, "SO-NNMT");
    }
    return rc == IOC_ENOTFOUND ? 0 : rc;
}

static json_t *rule(const char *vi, const char *en, const char *severity, const char *type,
                    json_t *target, json_t *params, const char *agency)
{
    return json_pack("{s:{s:s, s:s}, s:s, s:s, s:o, s:o, s:s?, s:b, s:b}", "name", "vi", vi, "en",
                     en, "severity", severity, "type", type, "target", target, "params", params,
                     "agency", agency[0] ? agency : NULL, "enabled", 1, "synthetic", 1);
}

/* Appends rule v (consumed) as one line of b unless rc already failed. */
static int line(struct ioc_buf *b, json_t *v, int rc)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (rc == 0)
        rc = text ? ioc_buf_printf(b, "%s\n", text) : IOC_ENOMEM;
    free(text);
    return rc;
}

/* submission_late for agency's indicators, owned by it, when the agency is stored. */
static int late_rule(struct store_conn *w, struct ioc_buf *b, const char *agency)
{
    struct store_agency ag;
    int rc = store_agency_get(w, agency, &ag);
    if (rc)
        return rc == IOC_ENOTFOUND ? 0 : rc;
    store_agency_clear(&ag);
    char vi[160], en[160];
    snprintf(vi, sizeof vi, "%s chậm nộp số liệu chỉ tiêu (dữ liệu mẫu)", agency);
    snprintf(en, sizeof en, "%s late with its indicator values (synthetic)", agency);
    return line(b,
                rule(vi, en, "warning", "submission_late", json_pack("{s:s}", "agency", agency),
                     json_object(), agency),
                0);
}

static void problem(void *ctx, size_t line, const char *field, const char *why)
{
    struct seed_rules_demo *d = ctx;
    snprintf(d->error, sizeof d->error, "rule %zu: %s: %s", line, field, why);
}

int seed_alert_types(struct alerts *a, struct store *st)
{
    int rc = env_alert_types_register(a);
    if (rc == 0)
        rc = rep_alert_types_register(a, st);
    if (rc == 0)
        rc = ind_alert_types_register(a, st);
    return rc;
}

int seed_rules_demo_job(struct store_conn *w, void *arg)
{
    struct seed_rules_demo *d = arg;
    d->error[0] = '\0';
    d->added = 0;
    char *seeded = NULL;
    if (store_meta_get(w, DEMO_RULES_KEY, &seeded) == 0) {
        free(seeded);
        return 0;
    }
    char air[40], water[40];
    int rc = agency_of(w, "air", air);
    if (rc == 0)
        rc = agency_of(w, "water_level", water);
    if (rc)
        return rc;
    json_t *v[] = {
        rule("Mực nước đạt báo động 2 (dữ liệu mẫu)", "Water level at alarm 2 (synthetic)",
             "warning", "water_alarm", json_object(), json_pack("{s:i}", "level", 2), water),
        rule("Chất lượng không khí Xấu trở lên (dữ liệu mẫu)",
             "Air quality Poor or worse (synthetic)", "warning", "aqi_class", json_object(),
             json_pack("{s:i}", "class", 4), air),
        rule("PM2.5 trên 45 µg/m³ trong 10 phút (dữ liệu mẫu)",
             "PM2.5 above 45 µg/m³ for 10 minutes (synthetic)", "info", "threshold",
             json_pack("{s:s, s:s}", "measurement", "air", "field", "pm25"),
             json_pack("{s:s, s:f, s:i}", "op", ">", "value", 45.0, "for_s", 600), air),
        rule("Trạm không khí mất dữ liệu PM2.5 30 phút (dữ liệu mẫu)",
             "Air station without PM2.5 data for 30 minutes (synthetic)", "warning", "no_data",
             json_pack("{s:s, s:s}", "measurement", "air", "field", "pm25"),
             json_pack("{s:i}", "for_s", 1800), air),
        rule("Phản ánh quá hạn xử lý (dữ liệu mẫu)", "Citizen report past its deadline (synthetic)",
             "warning", "report_overdue", json_object(), json_object(), ""),
    };
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (size_t i = 0; i < IOC_ARRAY_LEN(v); i++)
        rc = line(&b, v[i], rc);
    for (size_t i = 0; i < SEED_LATE_AGENCIES && rc == 0; i++)
        rc = late_rule(w, &b, seed_late_agencies[i].code);
    struct alerts *types = NULL;
    if (rc == 0 && (rc = alerts_registry_create(&types)) == 0)
        rc = seed_alert_types(types, NULL);
    struct store_audit who = {
        .actor = "demo", .actor_role = "", .ip = "local", .request_id = "", .detail = ""};
    struct alerts_import im = {.a = types,
                               .data = b.data,
                               .len = b.len,
                               .who = &who,
                               .max_rules = INT64_MAX,
                               .problem = problem,
                               .ctx = d};
    if (rc == 0)
        rc = alerts_rules_import_job(w, &im);
    alerts_stop(types);
    ioc_buf_free(&b);
    if (rc == 0)
        rc = store_meta_set(w, DEMO_RULES_KEY, "1");
    if (rc && !d->error[0])
        snprintf(d->error, sizeof d->error, "%s", ioc_strerror(rc));
    if (rc == 0)
        d->added = (int)im.added;
    return rc;
}
