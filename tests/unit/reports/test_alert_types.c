/* Unit tests for src/reports/alert_types.c: the report_overdue rule type through the alert
 * engine in manual mode (explicit now): a rule learns the open reports from the store on its
 * first evaluation, a tick past a deadline fires (placed at the report, the summary naming the
 * category and the deadline in Vietnam's time), an answer resolves, the target's filters, the
 * signal JSON, and the rule's checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "helpers/tmpdir.h"
#include "reports/reports.h"
#include "store/store.h"

#define T0 INT64_C(1780246800000) /* 2026-05-31T17:00:00Z = 01/06/2026 00:00 in Vietnam */
#define HOUR INT64_C(3600000)

static struct store *st;
static struct store_conn *db;

static int64_t commune_id; /* commune 26734, where every report is */

static void put_commune(void)
{
    struct store_unit u = {.code = "26734",
                           .level = "commune",
                           .type = "Phường",
                           .name = "Trấn Biên",
                           .full_name = "Phường Trấn Biên",
                           .name_en = "",
                           .parent_code = "",
                           .valid_from = "2025-07-01",
                           .valid_to = ""};
    assert_int_equal(store_unit_put(db, &u, NULL, &commune_id), 0);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-XD", "Sở Xây dựng", NULL, NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "UBND-1", "UBND Phường 1", NULL, NULL, NULL), 0);
    struct store_rep_service s = {.code = "ngap",
                                  .name_vi = "Ngập",
                                  .name_en = "Flood",
                                  .agency_code = "SO-XD",
                                  .deadline_hours = 24};
    assert_int_equal(store_rep_service_put(db, &s), 0);
    struct store_rep_service k = {
        .code = "den", .name_vi = "Đèn", .agency_code = "UBND-1", .position = 1};
    assert_int_equal(store_rep_service_put(db, &k), 0);
    put_commune();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

/* A report of service code with deadline due (0: none); its id. */
static int64_t report(const char *code, const char *agency, int64_t due)
{
    struct store_rep_request r = {.service_code = (char *)code,
                                  .description = "thử",
                                  .lat = 10.95,
                                  .lon = 106.82,
                                  .has_point = 1,
                                  .agency_code = (char *)agency,
                                  .unit_id = commune_id,
                                  .state = "received",
                                  .requested_ms = T0 - HOUR,
                                  .expected_ms = due,
                                  .idempotency = ""};
    int existing = 0;
    assert_int_equal(store_rep_request_add(db, &r, "citizen", &existing), 0);
    return r.id;
}

static void move(int64_t id, const char *to, int64_t now)
{
    assert_int_equal(store_rep_state_set(db, id, to, -1, -1, 0, now), 0);
}

static struct alerts *engine(void)
{
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(rep_alert_types_register(a, st), 0);
    return a;
}

static void add_rule(struct alerts *a, const char *target)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"name\": {\"vi\": \"Quá hạn\", \"en\": \"Overdue\"}, \"severity\": \"warning\", "
             "\"type\": \"report_overdue\", \"target\": %s}",
             target);
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    struct store_alert_rule r;
    char err[200];
    const char *field = NULL;
    int rc = alerts_rule_parse(a, j, &r, err, sizeof err, &field);
    if (rc)
        fail_msg("rule refused: %s (%s)", err, field ? field : "?");
    json_decref(j);
    r.updated_by = strdup("test");
    int64_t id = 0;
    int stale = 0;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &id, &stale), 0);
    store_alert_rule_clear(&r);
    alerts_rules_changed(a);
}

static struct store_alert *alerts_all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    return x;
}

/* The signal of report id as the API sends it after a change. */
static void signal_report(struct alerts *a, int64_t id, int64_t now)
{
    struct store_rep_request r;
    assert_int_equal(store_rep_request_get(db, id, &r), 0);
    char *s = rep_alert_json(&r, NULL);
    assert_non_null(s);
    alerts_eval_signal(a, "report", s, now);
    free(s);
    store_rep_request_clear(&r);
}

static void test_time_and_json(void **state)
{
    (void)state;
    char t[20];
    rep_alert_time(T0 + 90 * 60000, t); /* 17:00Z + 1h30 = 01:30 next day in Vietnam */
    assert_string_equal(t, "01/06/2026 01:30");
    int64_t id = report("ngap", "SO-XD", T0 + HOUR);
    struct store_rep_request r;
    assert_int_equal(store_rep_request_get(db, id, &r), 0);
    size_t n = 0;
    char *s = rep_alert_json(&r, &n);
    store_rep_request_clear(&r);
    json_t *j = json_loads(s, 0, NULL);
    assert_int_equal(n, strlen(s));
    assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
    assert_int_equal(json_integer_value(json_object_get(j, "expected_ms")), T0 + HOUR);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "received");
    assert_string_equal(json_string_value(json_object_get(j, "service_name")), "Ngập");
    assert_string_equal(json_string_value(json_object_get(j, "agency")), "SO-XD");
    assert_true(json_real_value(json_object_get(j, "lat")) > 10.9);
    assert_null(json_object_get(j, "email")); /* never the reporter's fields */
    json_decref(j);
    free(s);
}

static void test_overdue_fires_and_resolves(void **state)
{
    (void)state;
    int64_t late = report("ngap", "SO-XD", T0 - HOUR); /* already past its deadline */
    int64_t soon = report("ngap", "SO-XD", T0 + HOUR);
    report("ngap", "SO-XD", 0); /* no deadline: never overdue */
    struct alerts *a = engine();
    add_rule(a, "{}");
    assert_int_equal(alerts_run(a), 0);
    alerts_eval_tick(a, T0); /* the first evaluation reads the open reports */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    char key[48];
    snprintf(key, sizeof key, "report:%lld", (long long)late);
    assert_string_equal(x[0].target, key);
    assert_string_equal(x[0].state, "firing");
    assert_string_equal(x[0].type, "report_overdue");
    assert_true(x[0].has_pos);
    assert_true(fabs(x[0].lat - 10.95) < 1e-9);
    assert_non_null(x[0].unit); /* the report's commune (alerts_out_unit) */
    assert_string_equal(x[0].unit, "26734");
    assert_non_null(strstr(x[0].summary_vi, "Ngập"));
    assert_non_null(strstr(x[0].summary_vi, "31/05/2026 23:00")); /* T0 - 1 h in Vietnam */
    store_alerts_free(x, n);

    alerts_eval_tick(a, T0 + HOUR - 1); /* not yet */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + HOUR); /* the deadline passes */
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    store_alerts_free(x, n);

    /* answered: the alert resolves by the data; a closed report is forgotten */
    move(late, "resolved", T0 + 2 * HOUR);
    signal_report(a, late, T0 + 2 * HOUR);
    move(soon, "in_progress", T0 + 2 * HOUR); /* still open: still overdue */
    signal_report(a, soon, T0 + 2 * HOUR);
    alerts_eval_tick(a, T0 + 3 * HOUR);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    int resolved = 0, firing = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(x[i].target, key) == 0) {
            assert_string_equal(x[i].state, "resolved");
            resolved++;
        } else if (strcmp(x[i].state, "firing") == 0)
            firing++;
    }
    assert_int_equal(resolved, 1);
    assert_int_equal(firing, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_new_report_by_signal(void **state)
{
    (void)state;
    struct alerts *a = engine();
    add_rule(a, "{\"service_code\": \"ngap\"}");
    assert_int_equal(alerts_run(a), 0);
    alerts_eval_tick(a, T0);
    int64_t mine = report("ngap", "SO-XD", T0 + HOUR);
    int64_t other = report("den", "UBND-1", T0 + HOUR); /* another category: not this rule's */
    signal_report(a, mine, T0);
    signal_report(a, other, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 2 * HOUR);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    char key[48];
    snprintf(key, sizeof key, "report:%lld", (long long)mine);
    assert_string_equal(x[0].target, key);
    store_alerts_free(x, n);
    /* rejected */
    move(mine, "rejected", T0 + 3 * HOUR);
    signal_report(a, mine, T0 + 3 * HOUR);
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 4 * HOUR); /* forgotten: no new firing */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_agency_filter(void **state)
{
    (void)state;
    report("ngap", "SO-XD", T0 - HOUR);
    int64_t b = report("den", "UBND-1", T0 - HOUR);
    struct alerts *a = engine();
    add_rule(a, "{\"agency\": \"UBND-1\"}");
    assert_int_equal(alerts_run(a), 0);
    alerts_eval_tick(a, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    char key[48];
    snprintf(key, sizeof key, "report:%lld", (long long)b);
    assert_string_equal(x[0].target, key);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_rule_checks(void **state)
{
    (void)state;
    struct alerts *a = engine();
    static const char *const bad[][2] = {
        {"{\"station\": \"X\"}", "target"},
        {"{\"service_code\": \"a b\"}", "target.service_code"},
        {"{\"agency\": 3}", "target.agency"},
        {"{\"unit\": \"\"}", "target.unit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[400];
        snprintf(json, sizeof json,
                 "{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": "
                 "\"report_overdue\", \"target\": %s}",
                 bad[i][0]);
        json_t *j = json_loads(json, 0, NULL);
        struct store_alert_rule r;
        char err[200];
        const char *field = NULL;
        assert_int_equal(alerts_rule_parse(a, j, &r, err, sizeof err, &field), IOC_EINVAL);
        assert_non_null(field);
        assert_string_equal(field, bad[i][1]);
        json_decref(j);
    }
    json_t *j = json_loads("{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": "
                           "\"report_overdue\", \"params\": {\"hours\": 2}}",
                           0, NULL);
    struct store_alert_rule r;
    char err[200];
    const char *field = NULL;
    assert_int_equal(alerts_rule_parse(a, j, &r, err, sizeof err, &field), IOC_EINVAL);
    assert_string_equal(field, "params");
    json_decref(j);
    alerts_stop(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_time_and_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdue_fires_and_resolves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_report_by_signal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agency_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
