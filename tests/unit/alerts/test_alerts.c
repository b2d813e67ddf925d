/* Unit tests for src/alerts/: each built-in type (threshold with for_s across ticks, no_data,
 * rate), grouping and the regroup window, silences (match, expiry), escalation with the
 * injected clock, who may act and read, rule validation errors naming their field, a type
 * registered from outside, the hooks, the rules generation another process moves, and the rules
 * as JSON Lines (import all or nothing, export). The engine runs in manual mode: the test drives
 * points and ticks with an explicit now, and each change is written before the call returns. */
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
#include "auth/auth.h"
#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

#define T0 INT64_C(1780246800000) /* ms */

static struct store *st;
static struct store_conn *db;

struct hooks {
    int in_tx, published;
    char last[4096];
    int64_t agency_id;
};
static struct hooks hk;

static int in_tx(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                 const char *json, size_t n)
{
    (void)ctx, (void)w, (void)n;
    assert_string_equal(type, "alert");
    hk.in_tx++;
    hk.agency_id = agency_id;
    (void)json;
    return 0;
}

static void published(void *ctx, const char *type, int64_t agency_id, const char *json, size_t n)
{
    (void)ctx, (void)type, (void)agency_id;
    hk.published++;
    snprintf(hk.last, sizeof hk.last, "%.*s", (int)n, json);
}

static int locate(void *ctx, const char *m, const char *tags, double *lat, double *lon,
                  char unit[16])
{
    (void)ctx;
    if (strcmp(m, "water") || strcmp(tags, "station=DN-W01"))
        return IOC_ENOTFOUND;
    *lat = 10.95;
    *lon = 106.82;
    snprintf(unit, 16, "26041");
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&hk, 0, sizeof hk);
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "STNMT", "Sở TN&MT", NULL, "", NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

/* A rule from its JSON, stored; its id. */
static int64_t add_rule(const char *json)
{
    json_error_t je;
    json_t *j = json_loads(json, 0, &je);
    assert_non_null(j);
    struct store_alert_rule r;
    char err[200];
    const char *field = NULL;
    int rc = alerts_rule_parse(NULL, j, &r, err, sizeof err, &field);
    if (rc)
        fail_msg("rule refused: %s (%s)", err, field ? field : "?");
    json_decref(j);
    r.updated_by = strdup("test");
    int64_t id = 0;
    int stale = 0;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &id, &stale), 0);
    store_alert_rule_clear(&r);
    return id;
}

static struct alerts *engine(int64_t regroup_s)
{
    struct alerts_settings set = {(int)regroup_s, 10000, 100};
    struct alerts_options o = {.store = st,
                               .settings = &set,
                               .manual = 1,
                               .locate = locate,
                               .in_tx = in_tx,
                               .published = published};
    struct alerts *a = NULL;
    assert_int_equal(alerts_start(&o, &a), 0);
    return a;
}

/* One float point of measurement,station=S field at t_ms. */
static void point(struct alerts *a, const char *m, const char *station, const char *field, double v,
                  int64_t now)
{
    struct ioc_buf k;
    ioc_buf_init(&k, 0);
    struct tsdb_tag tag = {"station", 7, station, strlen(station)};
    assert_int_equal(tsdb_series_key(&k, m, strlen(m), field, strlen(field), &tag, 1), 0);
    struct tsdb_point_in p = {k.data, k.len, TSDB_FLOAT, now * 1000000, 0};
    memcpy(&p.v, &v, sizeof v);
    alerts_eval_points(a, &p, 1, now);
    ioc_buf_free(&k);
}

static struct store_alert *alerts_all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    return x;
}

#define LEVEL_RULE(extra)                                                                             \
    "{\"name\": {\"vi\": \"Mực nước cao\", \"en\": \"High water\"}, \"severity\": \"warning\", " \
    "\"type\": \"threshold\", \"target\": {\"measurement\": \"water\", \"field\": \"level\"}, "       \
    "\"agency\": \"STNMT\", \"params\": {\"op\": \">\", \"value\": 2.5" extra "}}"

static void test_threshold_fires_groups_resolves(void **state)
{
    (void)state;
    int64_t rule = add_rule(LEVEL_RULE(""));
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 2.0, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    point(a, "water", "DN-W01", "level", 2.61, T0 + 1000);
    point(a, "water", "DN-W01", "level", 2.70, T0 + 2000); /* still over: the same alert */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_int_equal(x[0].rule_id, rule);
    assert_string_equal(x[0].state, "firing");
    assert_string_equal(x[0].target, "water,station=DN-W01 level");
    assert_int_equal(x[0].count, 1);
    assert_true(x[0].has_pos && x[0].lat == 10.95);
    assert_string_equal(x[0].unit, "26041");
    assert_true(x[0].has_value && x[0].value == 2.61);
    assert_int_equal(x[0].agency_id, 1);
    assert_int_equal(hk.in_tx, 1);
    assert_int_equal(hk.published, 1);
    assert_non_null(strstr(hk.last, "\"change\":\"fired\""));
    int64_t id = x[0].id;
    store_alerts_free(x, n);
    /* another station: another alert */
    point(a, "water", "DN-W02", "level", 3.0, T0 + 3000);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    store_alerts_free(x, n);
    /* under it again: resolved by the data */
    point(a, "water", "DN-W01", "level", 2.1, T0 + 4000);
    struct store_alert one;
    assert_int_equal(store_alert_get(db, id, &one), 0);
    assert_string_equal(one.state, "resolved");
    assert_string_equal(one.resolved_by, "");
    assert_int_equal(one.resolved_ms, T0 + 4000);
    store_alert_clear(&one);
    assert_non_null(strstr(hk.last, "\"change\":\"resolved\""));
    /* regroup 0: a new firing is a new alert */
    point(a, "water", "DN-W01", "level", 2.9, T0 + 5000);
    x = alerts_all(&n);
    assert_int_equal(n, 3);
    store_alerts_free(x, n);
    /* other measurements and fields are not the rule's */
    point(a, "air", "DN-W01", "level", 9, T0 + 6000);
    point(a, "water", "DN-W01", "flow", 9, T0 + 6000);
    x = alerts_all(&n);
    assert_int_equal(n, 3);
    store_alerts_free(x, n);
    alerts_stop(a);
}

/* [alerts] max_age_s: a point older than that (by its own time) is not evaluated, so loading
 * an hour of history over the threshold fires nothing; a recent one does. */
static void test_old_points_not_evaluated(void **state)
{
    (void)state;
    add_rule(LEVEL_RULE(""));
    struct alerts_settings set = {0, 10000, 100, 600};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_start(&o, &a), 0);
    struct ioc_buf k;
    ioc_buf_init(&k, 0);
    struct tsdb_tag tag = {"station", 7, "DN-W09", 6};
    assert_int_equal(tsdb_series_key(&k, "water", 5, "level", 5, &tag, 1), 0);
    double v = 3.0;
    struct tsdb_point_in p[2] = {{k.data, k.len, TSDB_FLOAT, (T0 - 3600 * 1000) * 1000000, 0},
                                 {k.data, k.len, TSDB_FLOAT, (T0 - 601 * 1000) * 1000000, 0}};
    memcpy(&p[0].v, &v, sizeof v);
    memcpy(&p[1].v, &v, sizeof v);
    alerts_eval_points(a, p, 2, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    store_alerts_free(x, n);
    p[1].t = (T0 - 599 * 1000) * 1000000; /* within the window, behind an old one */
    alerts_eval_points(a, p, 2, T0);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    ioc_buf_free(&k);
    alerts_stop(a);
}

static void test_threshold_for_s_across_ticks(void **state)
{
    (void)state;
    add_rule(LEVEL_RULE(", \"for_s\": 300"));
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 3.0, T0);
    alerts_eval_tick(a, T0 + 299 * 1000);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0); /* not yet held 300 s */
    alerts_eval_tick(a, T0 + 300 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    /* a dip resets the clock */
    point(a, "water", "DN-W01", "level", 1.0, T0 + 301 * 1000);
    point(a, "water", "DN-W01", "level", 3.0, T0 + 302 * 1000);
    alerts_eval_tick(a, T0 + 500 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 602 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_string_equal(x[0].state, "firing");
    store_alerts_free(x, n);
    alerts_stop(a);
    /* after a restart the condition is pending again, which neither resolves the open alert
     * nor fires a second one */
    a = engine(0);
    point(a, "water", "DN-W01", "level", 3.0, T0 + 700 * 1000);
    alerts_eval_tick(a, T0 + 1100 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_string_equal(x[0].state, "firing");
    assert_int_equal(x[0].count, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_no_data(void **state)
{
    (void)state;
    add_rule("{\"name\": {\"vi\": \"Mất dữ liệu\"}, \"severity\": \"critical\", \"type\": "
             "\"no_data\", \"target\": {\"measurement\": \"water\", \"field\": \"level\", "
             "\"tags\": {\"station\": \"DN-W09\"}}, \"params\": {\"for_s\": 600}}");
    add_rule("{\"name\": {\"vi\": \"Mất dữ liệu (mọi trạm)\"}, \"severity\": \"warning\", "
             "\"type\": \"no_data\", \"target\": {\"measurement\": \"air\", \"field\": \"pm25\"}, "
             "\"params\": {\"for_s\": 60}}");
    struct alerts *a = engine(0);
    alerts_eval_tick(a, T0);
    point(a, "air", "AQ-1", "pm25", 12, T0 + 1000);
    alerts_eval_tick(a, T0 + 59 * 1000);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    alerts_eval_tick(a, T0 + 61 * 1000); /* AQ-1 silent for 60 s */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].target, "air,station=AQ-1 pm25");
    store_alerts_free(x, n);
    alerts_eval_tick(a, T0 + 600 * 1000); /* DN-W09 never sent anything since start */
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_string_equal(x[0].target, "water,station=DN-W09 level");
    assert_string_equal(x[0].severity, "critical");
    store_alerts_free(x, n);
    point(a, "water", "DN-W09", "level", 1, T0 + 601 * 1000); /* data again: resolved */
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "resolved");
    assert_string_equal(x[1].state, "firing");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_rate(void **state)
{
    (void)state;
    add_rule("{\"name\": {\"vi\": \"Nước lên nhanh\"}, \"severity\": \"warning\", \"type\": "
             "\"rate\", \"target\": {\"measurement\": \"water\", \"field\": \"level\"}, "
             "\"params\": {\"window_s\": 600, \"op\": \">=\", \"value\": 0.05}}");
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 1.00, T0);
    point(a, "water", "DN-W01", "level", 1.10, T0 + 300 * 1000); /* 0.02 / min */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    point(a, "water", "DN-W01", "level", 1.60, T0 + 600 * 1000); /* 0.06 / min over 10 min */
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_true(fabs(x[0].value - 0.06) < 1e-9);
    store_alerts_free(x, n);
    point(a, "water", "DN-W01", "level", 1.61, T0 + 1200 * 1000); /* window: 1.60 → 1.61 */
    x = alerts_all(&n);
    assert_string_equal(x[0].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_regroup_window(void **state)
{
    (void)state;
    add_rule(LEVEL_RULE(""));
    struct alerts *a = engine(3600);
    point(a, "water", "DN-W01", "level", 3, T0);
    point(a, "water", "DN-W01", "level", 1, T0 + 1000);
    point(a, "water", "DN-W01", "level", 3, T0 + 3600 * 1000); /* within the window: reopened */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "firing");
    assert_int_equal(x[0].count, 2);
    assert_int_equal(x[0].resolved_ms, 0);
    store_alerts_free(x, n);
    assert_non_null(strstr(hk.last, "\"change\":\"refired\""));
    point(a, "water", "DN-W01", "level", 1, T0 + 3601 * 1000);
    point(a, "water", "DN-W01", "level", 3, T0 + 7202 * 1000); /* past it: a new alert */
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_int_equal(x[0].count, 1);
    store_alerts_free(x, n);
    /* the history of the first: fired, resolved, refired, resolved */
    struct store_alert_event *ev = NULL;
    size_t ne = 0;
    assert_int_equal(store_alert_history(db, 1, &ev, &ne), 0);
    assert_int_equal(ne, 4);
    assert_string_equal(ev[0].what, "fired");
    assert_string_equal(ev[2].what, "refired");
    assert_string_equal(ev[3].what, "resolved");
    store_alert_events_free(ev, ne);
    alerts_stop(a);
}

static void test_silences(void **state)
{
    (void)state;
    int64_t rule = add_rule(LEVEL_RULE(""));
    struct store_silence s = {.rule_id = rule,
                              .agency = "",
                              .unit = "",
                              .target_prefix = "water,station=DN-W01",
                              .ends_ms = T0 + 60 * 1000,
                              .reason = "bảo trì",
                              .created_by = "op",
                              .created_ms = T0};
    assert_int_equal(store_silence_add(db, &s, NULL), 0);
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 3, T0); /* matched: silenced */
    point(a, "water", "DN-W02", "level", 3, T0); /* another station: not */
    point(a, "water", "DN-W01", "level", 1, T0 + 1000);
    point(a, "water", "DN-W01", "level", 3, T0 + 61 * 1000); /* the silence ended */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 3);
    assert_int_equal(x[2].silenced, 1);
    assert_int_equal(x[1].silenced, 0);
    assert_int_equal(x[0].silenced, 0);
    store_alerts_free(x, n);
    /* the silenced one was recorded and published, never passed to in_tx (notified) */
    assert_int_equal(hk.in_tx, 2); /* DN-W02's firing and DN-W01's second one */
    assert_int_equal(hk.published, 4);
    struct store_silence *l = NULL;
    size_t nl = 0;
    assert_int_equal(store_silences_list(db, T0 + 59 * 1000, NULL, &l, &nl), 0);
    assert_int_equal(nl, 1);
    store_silences_free(l, nl);
    assert_int_equal(store_silences_list(db, T0 + 60 * 1000, NULL, &l, &nl), 0);
    assert_int_equal(nl, 0);
    alerts_stop(a);
}

static void test_escalation(void **state)
{
    (void)state;
    int64_t rule = add_rule(
        "{\"name\": {\"vi\": \"Mực nước\"}, \"severity\": \"info\", \"type\": \"threshold\", "
        "\"escalate_after_s\": 600, \"target\": {\"measurement\": \"water\", \"field\": "
        "\"level\"}, \"params\": {\"op\": \">\", \"value\": 2.5}}");
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 3, T0);
    point(a, "water", "DN-W02", "level", 3, T0);
    alerts_eval_tick(a, T0 + 599 * 1000);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_string_equal(x[0].severity, "info");
    assert_int_equal(x[0].escalations, 0);
    int64_t w02 = x[0].id;
    store_alerts_free(x, n);
    /* a person acknowledges DN-W02: it is not escalated */
    struct store_alert y;
    assert_int_equal(store_alert_act(db, w02, 0, "op", "đang xử lý", T0 + 100, &y), 0);
    assert_string_equal(y.state, "acknowledged");
    alerts_acted(a, rule, y.target, 0);
    store_alert_clear(&y);
    assert_int_equal(store_alert_act(db, w02, 0, "op", "again", T0 + 100, &y), IOC_EEXIST);
    alerts_eval_tick(a, T0 + 600 * 1000);
    x = alerts_all(&n);
    assert_string_equal(x[0].severity, "info");
    assert_string_equal(x[1].severity, "warning");
    assert_int_equal(x[1].escalations, 1);
    store_alerts_free(x, n);
    assert_non_null(strstr(hk.last, "\"change\":\"escalated\""));
    alerts_eval_tick(a, T0 + 1199 * 1000); /* once per period */
    alerts_eval_tick(a, T0 + 1200 * 1000);
    alerts_eval_tick(a, T0 + 1800 * 1000);
    x = alerts_all(&n);
    assert_string_equal(x[1].severity, "critical"); /* capped */
    assert_int_equal(x[1].escalations, 3);
    store_alerts_free(x, n);
    alerts_stop(a);
    /* a restart remembers the open alerts: no second firing, escalation goes on */
    a = engine(0);
    point(a, "water", "DN-W01", "level", 3.5, T0 + 1900 * 1000);
    alerts_eval_tick(a, T0 + 2400 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_int_equal(x[1].count, 1);
    assert_int_equal(x[1].escalations, 4);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_person_resolves(void **state)
{
    (void)state;
    int64_t rule = add_rule(LEVEL_RULE(""));
    struct alerts *a = engine(3600);
    point(a, "water", "DN-W01", "level", 3, T0);
    struct store_alert y;
    assert_int_equal(store_alert_act(db, 1, 1, "op", "đã kiểm tra", T0 + 10, &y), 0);
    alerts_acted(a, rule, y.target, 1);
    assert_string_equal(y.resolved_by, "op");
    store_alert_clear(&y);
    point(a, "water", "DN-W01", "level", 3.2, T0 + 20); /* still over: no new alert */
    point(a, "water", "DN-W01", "level", 1, T0 + 30);
    point(a, "water", "DN-W01", "level", 3, T0 + 40); /* a person's resolution is not regrouped */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_string_equal(x[0].state, "firing");
    assert_string_equal(x[1].state, "resolved");
    store_alerts_free(x, n);
    alerts_stop(a);
}

static struct auth_principal who(int kind, int role, int64_t agency, const char *code,
                                 const char *scopes)
{
    struct auth_principal p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.role = role;
    p.agency_id = agency;
    snprintf(p.agency_code, sizeof p.agency_code, "%s", code);
    snprintf(p.scopes, sizeof p.scopes, "%s", scopes);
    return p;
}

static void test_who_may_act(void **state)
{
    (void)state;
    struct auth_principal anon = who(AUTH_ANON, 0, 0, "", "");
    struct auth_principal staff = who(AUTH_USER, AUTH_ROLE_STAFF, 1, "STNMT", "");
    struct auth_principal op = who(AUTH_USER, AUTH_ROLE_OPERATOR, 0, "", "");
    struct auth_principal leader = who(AUTH_USER, AUTH_ROLE_LEADER, 0, "", "");
    struct auth_principal admin = who(AUTH_USER, AUTH_ROLE_ADMIN, 0, "", "");
    struct auth_principal kw = who(AUTH_KEY, 0, 1, "STNMT", "read:alerts,write:alerts");
    struct auth_principal kr = who(AUTH_KEY, 0, 1, "STNMT", "read:alerts");
    struct auth_principal kn = who(AUTH_KEY, 0, 1, "STNMT", "read:reports");
    const struct {
        const struct auth_principal *p;
        int act_own, act_other, act_none, read_own, read_other;
    } rows[] = {
        {&anon, 0, 0, 0, 0, 0},   {&staff, 1, 0, 0, 1, 0}, {&op, 1, 1, 1, 1, 1},
        {&leader, 1, 1, 1, 1, 1}, {&admin, 1, 1, 1, 1, 1}, {&kw, 1, 0, 0, 1, 0},
        {&kr, 0, 0, 0, 1, 0},     {&kn, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(alerts_may_act(rows[i].p, "STNMT"), rows[i].act_own);
        assert_int_equal(alerts_may_act(rows[i].p, "OTHER"), rows[i].act_other);
        assert_int_equal(alerts_may_act(rows[i].p, ""), rows[i].act_none);
        assert_int_equal(alerts_may_read(rows[i].p, "STNMT"), rows[i].read_own);
        assert_int_equal(alerts_may_read(rows[i].p, "OTHER"), rows[i].read_other);
    }
    assert_null(alerts_read_scope(&op));
    assert_string_equal(alerts_read_scope(&staff), "STNMT");
    assert_int_equal(auth_scope_min_role("write:alerts"), AUTH_ROLE_STAFF);
}

static void test_rule_errors_name_fields(void **state)
{
    (void)state;
    const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"severity\": \"info\", \"type\": \"threshold\"}", "name"},
        {"{\"name\": {\"en\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\"}", "name.vi"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"loud\", \"type\": \"threshold\"}",
         "severity"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"nope\"}", "type"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\", "
         "\"target\": {\"field\": \"level\"}, \"params\": {\"op\": \">\", \"value\": 1}}",
         "target.measurement"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"level\"}, \"params\": {\"op\": "
         "\"!=\", \"value\": 1}}",
         "params.op"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"level\"}, \"params\": {\"op\": \">\"}}",
         "params.value"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"no_data\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"level\"}, \"params\": {}}",
         "params.for_s"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"rate\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"level\"}, \"params\": {\"op\": \">\", "
         "\"value\": 1, \"window_s\": 0}}",
         "params.window_s"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"l\"}, \"params\": {\"op\": \">\", "
         "\"value\": 1}, \"escalate_after_s\": -5}",
         "escalate_after_s"},
        {"{\"name\": {\"vi\": \"x\"}, \"severity\": \"info\", \"type\": \"threshold\", "
         "\"target\": {\"measurement\": \"w\", \"field\": \"l\"}, \"params\": {\"op\": \">\", "
         "\"value\": 1}, \"agency\": \"a b\"}",
         "agency"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i].json, 0, NULL);
        assert_non_null(j);
        struct store_alert_rule r;
        char err[200] = "";
        const char *field = NULL;
        assert_int_equal(alerts_rule_parse(NULL, j, &r, err, sizeof err, &field), IOC_EINVAL);
        assert_non_null(field);
        if (strcmp(field, bad[i].field) != 0)
            fail_msg("case %zu: field %s, wanted %s (%s)", i, field, bad[i].field, err);
        assert_true(err[0] != 0);
        json_decref(j);
    }
}

/* A type from outside: a fact "on"/"off" from source "demo" for target "x". */
static int sig_compile(const json_t *t, const json_t *p, void **state, char *err, size_t n,
                       const char **field)
{
    (void)t, (void)p, (void)err, (void)n, (void)field;
    *state = NULL;
    return 0;
}
static void sig_signal(void *state, const char *source, const char *json, int64_t now,
                       struct alerts_out *out)
{
    (void)state, (void)now;
    if (strcmp(source, "demo") == 0)
        alerts_out_condition(out, "x", strcmp(json, "on") == 0, NAN, NAN, NAN, "bật", "on");
}
static const struct alerts_type sig_type = {"demo_signal", sig_compile, NULL,
                                            NULL,          NULL,        sig_signal};

static void test_registered_type(void **state)
{
    (void)state;
    struct alerts_settings set = {0, 1000, 10};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(alerts_register_type(a, &sig_type), 0);
    assert_int_equal(alerts_register_type(a, &sig_type), IOC_EEXIST);
    assert_int_equal(alerts_register_type(a, alerts_type_find(NULL, "threshold")), IOC_EEXIST);
    json_t *j = json_loads("{\"name\": {\"vi\": \"tín hiệu\"}, \"severity\": \"info\", \"type\": "
                           "\"demo_signal\"}",
                           0, NULL);
    struct store_alert_rule r;
    char err[200];
    const char *field;
    assert_int_equal(alerts_rule_parse(NULL, j, &r, err, sizeof err, &field), IOC_EINVAL);
    assert_int_equal(alerts_rule_parse(a, j, &r, err, sizeof err, &field), 0);
    json_decref(j);
    int64_t id;
    int stale;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &id, &stale), 0);
    store_alert_rule_clear(&r);
    assert_int_equal(alerts_run(a), 0);
    assert_int_equal(alerts_register_type(a, &sig_type), IOC_EBUSY);
    alerts_eval_signal(a, "demo", "on", T0);
    alerts_eval_signal(a, "demo", "on", T0 + 1);
    alerts_eval_signal(a, "demo", "off", T0 + 2);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    assert_string_equal(x[0].type, "demo_signal");
    assert_false(x[0].has_pos);
    store_alerts_free(x, n);
    alerts_stop(a);
}

static void test_rules_reload(void **state)
{
    (void)state;
    struct alerts *a = engine(0);
    point(a, "water", "DN-W01", "level", 3, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    add_rule(LEVEL_RULE(""));
    alerts_rules_changed(a);
    point(a, "water", "DN-W01", "level", 3, T0 + 1);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

/* A change by another process moves the store's rules generation: the next tick reloads. */
static void test_rules_generation(void **state)
{
    (void)state;
    struct alerts *a = engine(0);
    int64_t g0 = -1, g1 = -1, g2 = -1;
    assert_int_equal(store_alert_rules_generation(db, &g0), 0);
    int64_t id = add_rule(LEVEL_RULE(""));
    assert_int_equal(store_alert_rules_generation(db, &g1), 0);
    assert_int_equal(g1, g0 + 1);
    point(a, "water", "DN-W01", "level", 3, T0);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0); /* not told, not ticked: the rule is not loaded yet */
    alerts_eval_tick(a, T0 + 1000);
    point(a, "water", "DN-W01", "level", 3.5, T0 + 1001);
    x = alerts_all(&n);
    assert_int_equal(n, 1);
    store_alerts_free(x, n);
    int stale = 0;
    assert_int_equal(store_alert_rule_delete(db, id, 0, &stale), 0);
    assert_int_equal(store_alert_rules_generation(db, &g2), 0);
    assert_int_equal(g2, g1 + 1);
    alerts_stop(a);
}

struct problems {
    char text[2048];
};
static void problem(void *ctx, size_t line, const char *field, const char *why)
{
    struct problems *p = ctx;
    size_t k = strlen(p->text);
    snprintf(p->text + k, sizeof p->text - k, "%zu %s: %s\n", line, field, why);
}

/* JSON Lines: refused whole with line and field; unchanged lines not written; the export. */
static void test_rules_import_export(void **state)
{
    (void)state;
    struct store_audit who = {.actor = "iocctl", .actor_role = "admin", .ip = "local"};
    struct problems pr = {""};
    const char *bad = LEVEL_RULE("") "\n\n"
                                     "{\"id\": 7, \"name\": {\"vi\": \"x\"}, \"severity\": "
                                     "\"info\", \"type\": \"threshold\", \"target\": "
                                     "{\"measurement\": \"water\", \"field\": \"level\"}, "
                                     "\"params\": {\"op\": \">\", \"value\": 1}}\n"
                                     "{\"name\": {\"vi\": \"x\"}, \"severity\": \"loud\"}\n";
    struct alerts_import im = {.data = bad,
                               .len = strlen(bad),
                               .who = &who,
                               .max_rules = 100,
                               .problem = problem,
                               .ctx = &pr};
    assert_int_equal(store_tx(db, alerts_rules_import_job, &im), IOC_EINVAL);
    assert_int_equal(im.problems, 2);
    assert_string_equal(pr.text, "3 id: No rule has id 7 (leave 'id' out to add one).\n"
                                 "4 severity: 'severity' is info, warning or critical.\n");
    int64_t n = -1;
    assert_int_equal(store_alert_rules_count(db, &n), 0);
    assert_int_equal(n, 0);
    const char *good = LEVEL_RULE("") "\n";
    im = (struct alerts_import){.data = good,
                                .len = strlen(good),
                                .who = &who,
                                .max_rules = 100,
                                .problem = problem,
                                .ctx = &pr};
    assert_int_equal(store_tx(db, alerts_rules_import_job, &im), 0);
    assert_int_equal(im.added, 1);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    size_t rules = 0;
    assert_int_equal(alerts_rules_export(db, &b, &rules), 0);
    assert_int_equal(rules, 1);
    assert_non_null(strstr(b.data, "\"id\":1,\"name\":{\"vi\":\"Mực nước cao\""));
    assert_non_null(strstr(b.data, "\"updated_by\":\"iocctl\""));
    assert_int_equal(b.data[b.len - 1], '\n');
    char *first = strndup(b.data, b.len);
    im = (struct alerts_import){.data = first,
                                .len = strlen(first),
                                .who = &who,
                                .max_rules = 1,
                                .problem = problem,
                                .ctx = &pr};
    assert_int_equal(store_tx(db, alerts_rules_import_job, &im), 0);
    assert_int_equal(im.unchanged, 1);
    assert_int_equal(im.added + im.replaced, 0);
    b.len = 0;
    assert_int_equal(alerts_rules_export(db, &b, &rules), 0);
    assert_int_equal(b.len, strlen(first));
    assert_memory_equal(b.data, first, b.len);
    /* one more rule than max_rules allows */
    im = (struct alerts_import){.data = good,
                                .len = strlen(good),
                                .who = &who,
                                .max_rules = 1,
                                .problem = problem,
                                .ctx = &pr};
    pr.text[0] = '\0';
    assert_int_equal(store_tx(db, alerts_rules_import_job, &im), IOC_EINVAL);
    assert_non_null(strstr(pr.text, "0 : 1 rules stored and 1 added: more than 1."));
    free(first);
    ioc_buf_free(&b);
}

/* A registered type that takes points (not indexed: it sees every point): fires "other" once a
 * point of measurement "other" comes. */
static int any_compile(const json_t *t, const json_t *p, void **state, char *err, size_t n,
                       const char **field)
{
    (void)t, (void)p, (void)err, (void)n, (void)field;
    *state = NULL;
    return 0;
}
static void any_points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now,
                       struct alerts_out *out)
{
    (void)state, (void)now;
    for (size_t i = 0; i < n; i++) {
        struct tsdb_series_parts sp;
        if (tsdb_series_key_parse(p[i].key, p[i].key_len, &sp) == 0 && sp.mlen == 5 &&
            memcmp(sp.m, "other", 5) == 0)
            alerts_out_condition(out, "other", 1, NAN, NAN, NAN, "khác", "other");
    }
}
static const struct alerts_type any_type = {"any_points", any_compile, NULL,
                                            any_points,   NULL,        NULL};

/* One batch of several measurements: each rule sees its measurement's points, in order (the
 * rate needs A's two points in time order), the registered type sees all of them. */
static void test_dispatch_by_measurement(void **state)
{
    (void)state;
    int64_t level = add_rule(LEVEL_RULE(""));
    int64_t rate = add_rule(
        "{\"name\": {\"vi\": \"Bụi tăng nhanh\"}, \"severity\": \"warning\", \"type\": \"rate\", "
        "\"target\": {\"measurement\": \"air\", \"field\": \"pm25\"}, "
        "\"params\": {\"window_s\": 600, \"op\": \">=\", \"value\": 5}}");
    int64_t pm_a = add_rule(
        "{\"name\": {\"vi\": \"Bụi A\"}, \"severity\": \"info\", \"type\": \"threshold\", "
        "\"target\": {\"measurement\": \"air\", \"field\": \"pm25\", \"tags\": {\"station\": "
        "\"A\"}}, \"params\": {\"op\": \">\", \"value\": 50}}");
    for (int i = 0; i < 20; i++) { /* rules of measurements the batch does not have */
        char r[400];
        snprintf(r, sizeof r,
                 "{\"name\": {\"vi\": \"r%d\"}, \"severity\": \"info\", \"type\": \"threshold\", "
                 "\"target\": {\"measurement\": \"m%d\", \"field\": \"level\"}, "
                 "\"params\": {\"op\": \">\", \"value\": 0}}",
                 i, i);
        add_rule(r);
    }
    struct alerts_settings set = {0, 10000, 100};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(alerts_register_type(a, &any_type), 0);
    json_t *j = json_loads("{\"name\": {\"vi\": \"mọi điểm\"}, \"severity\": \"info\", "
                           "\"type\": \"any_points\"}",
                           0, NULL);
    struct store_alert_rule r;
    char err[200];
    const char *field;
    assert_int_equal(alerts_rule_parse(a, j, &r, err, sizeof err, &field), 0);
    json_decref(j);
    int64_t any = 0;
    int stale;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &any, &stale), 0);
    store_alert_rule_clear(&r);
    assert_int_equal(alerts_run(a), 0);

    static const struct {
        const char *m, *station, *field;
        double v;
        int64_t dt_s;
    } in[] = {
        {"water", "DN-W01", "level", 3.0, 0},
        {"air", "A", "pm25", 10, 0},
        {"air", "B", "pm25", 10, 0},
        {"water", "DN-W02", "level", 1.0, 0},
        {"other", "X", "v", 1, 0},
        {"air", "A", "pm25", 80, 60},
        {"air", "B", "pm25", 11, 60},
        {"m3", "X", "flow", 1, 0},
    };
    enum { N = sizeof in / sizeof in[0] };
    struct ioc_buf k[N];
    struct tsdb_point_in p[N];
    for (size_t i = 0; i < N; i++) {
        ioc_buf_init(&k[i], 0);
        struct tsdb_tag tag = {"station", 7, in[i].station, strlen(in[i].station)};
        assert_int_equal(tsdb_series_key(&k[i], in[i].m, strlen(in[i].m), in[i].field,
                                         strlen(in[i].field), &tag, 1),
                         0);
        p[i] = (struct tsdb_point_in){k[i].data, k[i].len, TSDB_FLOAT,
                                      (T0 + in[i].dt_s * 1000) * 1000000, 0};
        memcpy(&p[i].v, &in[i].v, sizeof in[i].v);
    }
    alerts_eval_points(a, p, N, T0 + 60000);
    for (size_t i = 0; i < N; i++)
        ioc_buf_free(&k[i]);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 4);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i].rule_id == level) {
            assert_string_equal(x[i].target, "water,station=DN-W01 level");
            seen |= 1;
        } else if (x[i].rule_id == rate) {
            assert_string_equal(x[i].target, "air,station=A pm25");
            assert_true(fabs(x[i].value - 70) < 1e-9);
            seen |= 2;
        } else if (x[i].rule_id == pm_a) {
            assert_string_equal(x[i].target, "air,station=A pm25");
            assert_true(x[i].value == 80);
            seen |= 4;
        } else if (x[i].rule_id == any) {
            assert_string_equal(x[i].target, "other");
            seen |= 8;
        }
    }
    assert_int_equal(seen, 15);
    store_alerts_free(x, n);
    struct alerts_stats sts;
    alerts_stats_get(a, &sts);
    assert_int_equal(sts.points, N);
    assert_int_equal(sts.rules, 24);
    alerts_stop(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_threshold_fires_groups_resolves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_points_not_evaluated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threshold_for_s_across_ticks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regroup_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_resolves, setup, teardown),
        cmocka_unit_test(test_who_may_act),
        cmocka_unit_test(test_rule_errors_name_fields),
        cmocka_unit_test_setup_teardown(test_registered_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_import_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_by_measurement, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
