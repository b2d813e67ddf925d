/* Unit tests for the environment's alert rule types (src/environment/alert_types.c), registered
 * through src/alerts's interface on an engine in manual mode: aqi_class fires while a station's
 * hourly AQI is of the class or worse, water_alarm while its alarm state is at the level or above;
 * the station filter holds; their params are checked with the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "environment/environment.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

#define T0 INT64_C(1780246800000)

static struct store *st;
static struct store_conn *db;
static struct alerts *al;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    assert_int_equal(alerts_create(&o, &al), 0);
    assert_int_equal(env_alert_types_register(al), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alerts_stop(al);
    store_conn_close(db);
    store_close(st);
    return 0;
}

/* Parses and stores a rule against al's types: 0, or IOC_EINVAL with *field. */
static int add_rule(const char *json, const char **field)
{
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    struct store_alert_rule r;
    char err[200];
    int rc = alerts_rule_parse(al, j, &r, err, sizeof err, field);
    json_decref(j);
    if (rc)
        return rc;
    int64_t id;
    int stale;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &id, &stale), 0);
    store_alert_rule_clear(&r);
    return 0;
}

static void point(const char *m, const char *station, const char *field, double v, int64_t now)
{
    struct ioc_buf k;
    ioc_buf_init(&k, 0);
    struct tsdb_tag tag = {"station", 7, station, strlen(station)};
    assert_int_equal(tsdb_series_key(&k, m, strlen(m), field, strlen(field), &tag, 1), 0);
    struct tsdb_point_in p = {k.data, k.len, TSDB_FLOAT, now * 1000000, 0};
    memcpy(&p.v, &v, sizeof v);
    alerts_eval_points(al, &p, 1, now);
    ioc_buf_free(&k);
}

static struct store_alert *all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    return x;
}

static void test_aqi_class(void **state)
{
    (void)state;
    const char *field = NULL;
    assert_int_equal(add_rule("{\"name\": {\"vi\": \"AQI kém\"}, \"severity\": \"warning\", "
                              "\"type\": \"aqi_class\", \"params\": {\"class\": 3}}",
                              &field),
                     0);
    assert_int_equal(alerts_run(al), 0);
    point("aqi", "AQ-BH1", "aqi", 95, T0); /* class 2: nothing */
    size_t n;
    struct store_alert *x = all(&n);
    assert_int_equal(n, 0);
    point("aqi", "AQ-BH1", "aqi", 120, T0 + 1000); /* class 3 (Kém) */
    point("air", "AQ-BH1", "aqi", 300, T0 + 1000); /* not the aqi series */
    x = all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].target, "aqi,station=AQ-BH1 aqi");
    assert_string_equal(x[0].type, "aqi_class");
    assert_non_null(strstr(x[0].summary_vi, "Kém"));
    store_alerts_free(x, n);
    point("aqi", "AQ-BH1", "aqi", 40, T0 + 2000);
    x = all(&n);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
}

static void test_water_alarm_one_station(void **state)
{
    (void)state;
    const char *field = NULL;
    assert_int_equal(add_rule("{\"name\": {\"vi\": \"Báo động II\"}, \"severity\": \"critical\", "
                              "\"type\": \"water_alarm\", \"target\": {\"station\": \"WL-DN3\"}, "
                              "\"params\": {\"level\": 2}}",
                              &field),
                     0);
    assert_int_equal(alerts_run(al), 0);
    point("water_alarm", "WL-DN3", "state", 1, T0);
    point("water_alarm", "WL-OTHER", "state", 3, T0); /* another station */
    size_t n;
    struct store_alert *x = all(&n);
    assert_int_equal(n, 0);
    point("water_alarm", "WL-DN3", "state", 2, T0 + 1000);
    point("water_alarm", "WL-DN3", "state", 3, T0 + 2000); /* still at or above: the same alert */
    x = all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].target, "water,station=WL-DN3 level");
    assert_true(x[0].has_value && x[0].value == 2);
    store_alerts_free(x, n);
    point("water_alarm", "WL-DN3", "state", 1, T0 + 3000);
    x = all(&n);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
}

static void test_params_checked(void **state)
{
    (void)state;
    const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"aqi_class\", \"params\": "
         "{\"class\": 7}}",
         "params.class"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"water_alarm\", "
         "\"params\": {}}",
         "params.level"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"water_alarm\", "
         "\"target\": {\"station\": \"bad code\"}, \"params\": {\"level\": 1}}",
         "target.station"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *field = NULL;
        assert_int_equal(add_rule(bad[i].json, &field), IOC_EINVAL);
        assert_string_equal(field, bad[i].field);
    }
}

/* Each type names the one series it reads, so the dispatcher never calls it with others. */
static void test_listens(void **state)
{
    (void)state;
    const struct alerts_type *types[] = {&env_alert_type_aqi_class, &env_alert_type_water_alarm};
    const char *want[][2] = {{"aqi", "aqi"}, {"water_alarm", "state"}};
    const char *params[] = {"{\"class\": 4}", "{\"level\": 2}"};
    for (int i = 0; i < 2; i++) {
        json_t *target = json_object(), *p = json_loads(params[i], 0, NULL);
        void *rule = NULL;
        char err[200];
        const char *field = NULL;
        assert_int_equal(types[i]->compile(target, p, &rule, err, sizeof err, &field), 0);
        assert_non_null(types[i]->listens);
        const char *m[ALERTS_LISTEN_MAX], *f[ALERTS_LISTEN_MAX];
        assert_int_equal(types[i]->listens(rule, m, f, ALERTS_LISTEN_MAX), 1);
        assert_string_equal(m[0], want[i][0]);
        assert_string_equal(f[0], want[i][1]);
        types[i]->release(rule);
        json_decref(target);
        json_decref(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_aqi_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_water_alarm_one_station, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_checked, setup, teardown),
        cmocka_unit_test(test_listens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
