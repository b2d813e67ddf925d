/* Unit tests for src/indicators/alert_types.c: the target_missed rule type through the alert
 * engine in manual mode (explicit now): the signal JSON carries the catalogue's light; a red
 * light for a unit's newest period fires, amber or green resolves, an older period changes
 * nothing, the unit filter, and the rule's checks. */
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
#include "indicators/indicators.h"
#include "store/store.h"

#define T0 INT64_C(1780246800000)

static struct store *st;
static struct store_conn *db;
static struct ind_indicator ind; /* target 100, higher is better, amber from 90 % */

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    memset(&ind, 0, sizeof ind);
    ind.has_target = true;
    ind.target = 100;
    ind.polarity = IND_HIGHER;
    ind.thresholds = (struct ind_thresholds){IND_THRESHOLDS_RELATIVE, 90, 0};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static struct alerts *engine(const char *target)
{
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(ind_alert_types_register(a, st), 0);
    char json[512];
    snprintf(json, sizeof json,
             "{\"name\": {\"vi\": \"Không đạt\", \"en\": \"Missed\"}, \"severity\": \"warning\", "
             "\"type\": \"target_missed\", \"target\": %s}",
             target);
    json_t *j = json_loads(json, 0, NULL);
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
    assert_int_equal(alerts_run(a), 0);
    return a;
}

/* The signal of a value of IND-1 for unit in period (its number n), as the API sends it. */
static void value(struct alerts *a, const char *unit, const char *period, int64_t n, double v,
                  const char *want_light)
{
    struct store_indvalue x = {.period = (char *)period, .period_n = n, .value = v};
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ind_alert_json("IND-1", unit, &ind, &x, &b), 0);
    assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
    json_t *j = json_loadb(b.data, b.len - 1, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "light")), want_light);
    assert_string_equal(json_string_value(json_object_get(j, "unit")), unit);
    assert_int_equal(json_integer_value(json_object_get(j, "period_n")), n);
    json_decref(j);
    alerts_eval_signal(a, "indicator", b.data, T0);
    ioc_buf_free(&b);
}

static struct store_alert *alerts_all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    return x;
}

static void test_red_fires_better_resolves(void **state)
{
    (void)state;
    struct alerts *a = engine("{\"indicator\": \"IND-1\"}");
    value(a, "26041", "2026-03", 3, 95, "amber");
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    value(a, "26041", "2026-04", 4, 80, "red");
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].target, "indicator:IND-1,unit=26041");
    assert_string_equal(x[0].state, "firing");
    assert_string_equal(x[0].type, "target_missed");
    assert_true(x[0].has_value && fabs(x[0].value - 80) < 1e-9);
    assert_non_null(strstr(x[0].summary_vi, "2026-04"));
    assert_non_null(strstr(x[0].summary_vi, "đỏ"));
    store_alerts_free(x, n);
    /* an older period, green: not the unit's light now */
    value(a, "26041", "2026-01", 1, 120, "green");
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    /* another indicator's signal: nothing */
    alerts_eval_signal(a, "indicator",
                       "{\"indicator\":\"IND-2\",\"unit\":\"26041\",\"period\":\"2026-05\","
                       "\"period_n\":5,\"value\":120,\"light\":\"green\"}",
                       T0);
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    /* the same period revised better: resolved by the data */
    value(a, "26041", "2026-04", 4, 101, "green");
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_unit_filter(void **state)
{
    (void)state;
    struct alerts *a = engine("{\"indicator\": \"IND-1\", \"unit\": \"26041\"}");
    value(a, "26044", "2026-04", 4, 10, "red");
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    value(a, "26041", "2026-04", 4, 10, "red");
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_rule_checks(void **state)
{
    (void)state;
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(ind_alert_types_register(a, st), 0);
    static const char *const bad[][3] = {
        {"{}", "{}", "target.indicator"},
        {"{\"indicator\": \"a b\"}", "{}", "target.indicator"},
        {"{\"indicator\": \"X\", \"unit\": 5}", "{}", "target.unit"},
        {"{\"indicator\": \"X\", \"station\": \"S\"}", "{}", "target"},
        {"{\"indicator\": \"X\"}", "{\"light\": \"red\"}", "params"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[400];
        snprintf(json, sizeof json,
                 "{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": "
                 "\"target_missed\", \"target\": %s, \"params\": %s}",
                 bad[i][0], bad[i][1]);
        json_t *j = json_loads(json, 0, NULL);
        assert_non_null(j);
        struct store_alert_rule r;
        char err[200];
        const char *field = NULL;
        assert_int_equal(alerts_rule_parse(a, j, &r, err, sizeof err, &field), IOC_EINVAL);
        assert_non_null(field);
        assert_string_equal(field, bad[i][2]);
        json_decref(j);
    }
    alerts_stop(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_red_fires_better_resolves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
