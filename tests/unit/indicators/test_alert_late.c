/* Unit tests for src/indicators/alert_types.c against a store with a catalogue, communes and
 * values, through the alert engine in manual mode (explicit now): submission_late fires when a
 * latest complete period is missing after its deadline and resolves when the values arrive;
 * target_missed compares periods with the store after a restart (a backfilled older period is
 * not the newest) and recomputes its lights on the minute's tick (a changed target resolves a
 * red without a new value). */
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

/* 2026-05-31T17:00:00Z: 2026-06-01 00:00 in Vietnam; the latest complete month is 2026-05,
 * due by the end of 2026-06-05 ("+5d"): 2026-06-05T17:00:00Z. */
#define T0 INT64_C(1780246800000)
#define DAY_MS INT64_C(86400000)
#define MAY INT64_C(24316) /* 2026 · 12 + 4 */

static struct store *st;
static struct store_conn *db;
static int64_t ind_id, x1, x2;

static void put_unit(const char *code, const char *level, const char *parent, int64_t *id)
{
    struct store_unit u = {.code = (char *)code,
                           .level = (char *)level,
                           .type = "Xã",
                           .name = (char *)code,
                           .full_name = (char *)code,
                           .name_en = "",
                           .parent_code = (char *)parent,
                           .valid_from = "2025-07-01",
                           .valid_to = ""};
    assert_int_equal(store_unit_put(db, &u, NULL, id), 0);
}

/* The catalogue's one indicator YT.N, monthly, higher is better, target (text) and "+5d". */
static void catalogue(const char *target)
{
    struct store_ind_domain d = {"YT", "Y tế", "Health", 0};
    const char *cols[STORE_IND_COLUMNS] = {"YT.N",  "YT",   "Số ca", "Cases",  "",      "ca",
                                           "month", "sum",  "",      "higher", "SO-YT", "entered",
                                           "+5d",   target, "",      "",       ""};
    struct store_indicator x = {0};
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        x.col[i] = (char *)cols[i];
    assert_int_equal(store_ind_catalogue_put(db, &d, 1, &x, 1, NULL), 0);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-YT", "Sở Y tế", NULL, "", NULL), 0);
    catalogue("100");
    assert_int_equal(store_indicator_id(db, "YT.N", &ind_id), 0);
    put_unit("75", "province", "", NULL);
    put_unit("X1", "commune", "75", &x1);
    put_unit("X2", "commune", "75", &x2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static struct alerts *engine(const char *type, const char *target)
{
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(ind_alert_types_register(a, st), 0);
    char json[512];
    snprintf(json, sizeof json,
             "{\"name\": {\"vi\": \"Quy tắc\", \"en\": \"Rule\"}, \"severity\": \"warning\", "
             "\"type\": \"%s\", \"target\": %s, \"agency\": \"SO-YT\"}",
             type, target);
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

/* Stores YT.N's value for unit (id) and month n, and sends its signal as the API does. */
static void put_value(struct alerts *a, int64_t unit_id, const char *unit, int64_t n, double v,
                      int64_t now_ms)
{
    char period[IND_PERIOD_TEXT_MAX], at[40];
    struct ind_period p = {IND_MONTH, (int32_t)n};
    assert_int_equal(ind_period_format(p, period), 0);
    ioc_time_rfc3339(now_ms, at);
    struct store_indvalue x = {.indicator_id = ind_id,
                               .unit_id = unit_id,
                               .freq = "month",
                               .period_n = n,
                               .period = period,
                               .value = v,
                               .source = "entered",
                               .who = "test",
                               .at = at,
                               .note = ""};
    enum store_iv_outcome oc;
    assert_int_equal(store_indvalue_put(db, &x, &oc), 0);
    if (!a)
        return;
    struct store_indicator row;
    struct ind_indicator ind;
    assert_int_equal(store_indicator_get(db, "YT.N", &row), 0);
    assert_int_equal(ind_indicator_of(db, &row, &ind), 0);
    store_indicator_clear(&row);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(ind_alert_json("YT.N", unit, &ind, &x, &b), 0);
    alerts_eval_signal(a, "indicator", b.data, now_ms);
    ioc_buf_free(&b);
}

static struct store_alert *alerts_all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    return x;
}

static void test_late_fires_after_deadline_and_resolves(void **state)
{
    (void)state;
    struct alerts *a = engine("submission_late", "{\"agency\": \"SO-YT\"}");
    alerts_eval_tick(a, T0 + 4 * DAY_MS); /* before the deadline: due, not late */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    put_value(a, x1, "X1", MAY, 7, T0 + 4 * DAY_MS); /* one of the two communes, on time */
    alerts_eval_tick(a, T0 + 5 * DAY_MS - 1000);     /* read again (a value came): still due */
    x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 5 * DAY_MS + 30000); /* past it, but read a minute after the last */
    x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 5 * DAY_MS + 59000); /* the deadline passed, X2 still missing */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].type, "submission_late");
    assert_string_equal(x[0].target, "submission:YT.N,period=2026-05");
    assert_string_equal(x[0].state, "firing");
    assert_string_equal(x[0].agency, "SO-YT");
    assert_true(x[0].has_value && fabs(x[0].value - 1) < 1e-9); /* one value missing */
    assert_non_null(strstr(x[0].summary_vi, "05/2026"));
    assert_non_null(strstr(x[0].summary_vi, "thiếu 1/2"));
    assert_non_null(strstr(x[0].summary_vi, "06/06/2026 00:00"));
    assert_non_null(strstr(x[0].summary_en, "1 of 2 values missing"));
    store_alerts_free(x, n);
    /* the late value arrives: resolved by the data at the next tick */
    put_value(a, x2, "X2", MAY, 9, T0 + 6 * DAY_MS);
    alerts_eval_tick(a, T0 + 6 * DAY_MS + 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_late_filters_and_period(void **state)
{
    (void)state;
    /* another indicator's rule never fires for YT.N */
    struct alerts *a = engine("submission_late", "{\"indicator\": \"YT.OTHER\"}");
    alerts_eval_tick(a, T0 + 10 * DAY_MS);
    alerts_stop(a);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    /* by indicator: fires; the tick reads at most once a minute */
    a = engine("submission_late", "{\"indicator\": \"YT.N\"}");
    alerts_eval_tick(a, T0 + 10 * DAY_MS);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    put_value(NULL, x1, "X1", MAY, 1, T0 + 10 * DAY_MS); /* no signal: the minute's read */
    put_value(NULL, x2, "X2", MAY, 1, T0 + 10 * DAY_MS);
    alerts_eval_tick(a, T0 + 10 * DAY_MS + 30000);
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 10 * DAY_MS + 60000);
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_late_rule_checks(void **state)
{
    (void)state;
    struct alerts_settings set = {0, 1000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(ind_alert_types_register(a, st), 0);
    static const char *const bad[][3] = {
        {"{}", "{}", "target.indicator"},
        {"{\"unit\": \"X1\"}", "{}", "target.indicator"},
        {"{\"agency\": \"a b\"}", "{}", "target.agency"},
        {"{\"agency\": \"SO-YT\", \"station\": \"S\"}", "{}", "target"},
        {"{\"agency\": \"SO-YT\"}", "{\"days\": 1}", "params"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[400];
        snprintf(json, sizeof json,
                 "{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": "
                 "\"submission_late\", \"target\": %s, \"params\": %s}",
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

/* After a restart the rule knows no unit: a backfilled older period arriving first is
 * compared with the newest period stored, not taken as the newest. */
static void test_missed_backfill_after_restart(void **state)
{
    (void)state;
    put_value(NULL, x1, "X1", MAY, 120, T0); /* green, stored before the start */
    struct alerts *a = engine("target_missed", "{\"indicator\": \"YT.N\"}");
    put_value(a, x1, "X1", MAY - 2, 10, T0 + 1000); /* 2026-03, red, backfilled */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    put_value(a, x1, "X1", MAY + 1, 10, T0 + 2000); /* a newer period, red: fires */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].target, "indicator:YT.N,unit=X1");
    assert_non_null(strstr(x[0].summary_vi, "2026-06"));
    store_alerts_free(x, n);
    alerts_stop(a);
}

/* A red that a changed target turns green resolves on the minute's tick, without a value. */
static void test_missed_target_change_resolves(void **state)
{
    (void)state;
    struct alerts *a = engine("target_missed", "{\"indicator\": \"YT.N\"}");
    put_value(a, x1, "X1", MAY, 80, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 1000); /* the light is still red */
    catalogue("70");
    alerts_eval_tick(a, T0 + 30000); /* within the minute: not read again */
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 61000);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_late_fires_after_deadline_and_resolves, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_late_filters_and_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_rule_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missed_backfill_after_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missed_target_change_resolves, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
