/* Unit tests for src/alerts/: a rule deleted or disabled resolves its open alerts (in the job of
 * the change, as the API does, and by the engine's sweep when another process changed the rule:
 * resolved.by names why, a history row, the hooks, resolved ones untouched, a rule enabled
 * again fires anew), a no_data rule learns the series the telemetry engine already has (a
 * station silent since before a restart alerts after for_s), and a registered type that declares
 * the series names it listens to only sees those points (dispatch.c). The engine runs in manual
 * mode. */
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
#include "store/store.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

#define T0 INT64_C(1780246800000) /* ms */

static struct store *st;
static struct store_conn *db;
static const char *dir;

struct hooks {
    int in_tx, published;
    char last[4096];
};
static struct hooks hk;

static int in_tx(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                 const char *json, size_t n)
{
    (void)ctx, (void)w, (void)agency_id, (void)json, (void)n;
    assert_string_equal(type, "alert");
    hk.in_tx++;
    return 0;
}

static void published(void *ctx, const char *type, int64_t agency_id, const char *json, size_t n)
{
    (void)ctx, (void)type, (void)agency_id;
    hk.published++;
    snprintf(hk.last, sizeof hk.last, "%.*s", (int)n, json);
}

static int setup(void **state)
{
    (void)state;
    memset(&hk, 0, sizeof hk);
    dir = test_fresh_dir();
    assert_int_equal(store_open(dir, &st), 0);
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

#define LEVEL_RULE                                                                                    \
    "{\"name\": {\"vi\": \"Mực nước cao\", \"en\": \"High water\"}, \"severity\": \"warning\", " \
    "\"type\": \"threshold\", \"target\": {\"measurement\": \"water\", \"field\": \"level\"}, "       \
    "\"agency\": \"STNMT\", \"params\": {\"op\": \">\", \"value\": 2.5}}"

/* A rule from its JSON (types of a), stored; its id. */
static int64_t add_rule(struct alerts *a, const char *json)
{
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    struct store_alert_rule r;
    char err[200];
    const char *field = NULL;
    if (alerts_rule_parse(a, j, &r, err, sizeof err, &field))
        fail_msg("rule refused: %s (%s)", err, field ? field : "?");
    json_decref(j);
    r.updated_by = strdup("test");
    int64_t id = 0;
    int stale = 0;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &id, &stale), 0);
    store_alert_rule_clear(&r);
    return id;
}

/* Rule id stored again with enabled set (as iocctl would: no engine told). */
static void set_enabled(int64_t id, int enabled)
{
    struct store_alert_rule r;
    assert_int_equal(store_alert_rule_get(db, id, &r), 0);
    r.enabled = enabled;
    int64_t out = 0;
    int stale = 0;
    assert_int_equal(store_alert_rule_put(db, &r, 0, &out, &stale), 0);
    assert_int_equal(stale, 0);
    store_alert_rule_clear(&r);
}

static struct alerts *engine(void)
{
    struct alerts_settings set = {0, 10000, 100, 0};
    struct alerts_options o = {
        .store = st, .settings = &set, .manual = 1, .in_tx = in_tx, .published = published};
    struct alerts *a = NULL;
    assert_int_equal(alerts_start(&o, &a), 0);
    return a;
}

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

/* The alerts, oldest first. */
static struct store_alert *alerts_all(size_t *n)
{
    struct store_alert_query q = {.limit = 100};
    struct store_alert *x = NULL;
    assert_int_equal(store_alerts_find(db, &q, &x, n), 0);
    for (size_t i = 0; i < *n / 2; i++) { /* newest first → oldest first */
        struct store_alert t = x[i];
        x[i] = x[*n - 1 - i];
        x[*n - 1 - i] = t;
    }
    return x;
}

static void last_event(int64_t id, const char *what, const char *who)
{
    struct store_alert_event *ev = NULL;
    size_t n = 0;
    assert_int_equal(store_alert_history(db, id, &ev, &n), 0);
    assert_true(n >= 2);
    assert_string_equal(ev[n - 1].what, what);
    assert_string_equal(ev[n - 1].who, who);
    store_alert_events_free(ev, n);
}

static int retire_job(struct store_conn *w, void *arg)
{
    return alerts_retire_job(w, arg);
}

struct del_job {
    struct alerts_retire x;
};
static int del_job(struct store_conn *w, void *arg)
{
    struct del_job *d = arg;
    int stale = 0;
    int rc = store_alert_rule_delete(w, d->x.rule_id, 0, &stale);
    return rc ? rc : alerts_retire_job(w, &d->x);
}

/* The API's way: the rule deleted and its open alerts resolved in one transaction. */
static void test_rule_deleted_in_its_job(void **state)
{
    (void)state;
    struct alerts *a = engine();
    int64_t rule = add_rule(a, LEVEL_RULE);
    alerts_rules_changed(a);
    point(a, "water", "W1", "level", 3, T0); /* fires */
    point(a, "water", "W2", "level", 3, T0);
    point(a, "water", "W2", "level", 1, T0 + 1000); /* resolved by the data */
    point(a, "water", "W3", "level", 3, T0 + 2000);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 3);
    struct alerts_act act = {.a = a, .id = x[2].id, .by = "op", .note = "xem", .now_ms = T0 + 3000};
    assert_int_equal(store_tx(db, alerts_act_job, &act), 0); /* W3 acknowledged */
    alerts_act_done(&act, 0);
    store_alerts_free(x, n);
    int tx0 = hk.in_tx, pub0 = hk.published;

    struct del_job d = {{.a = a, .rule_id = rule, .deleted = 1, .now_ms = T0 + 5000}};
    assert_int_equal(store_tx(db, del_job, &d), 0);
    assert_int_equal(d.x.n, 2); /* W1 firing, W3 acknowledged */
    assert_int_equal(hk.in_tx, tx0 + 2);
    assert_int_equal(hk.published, pub0); /* only once durable */
    alerts_retire_done(&d.x, 0);
    assert_int_equal(hk.published, pub0 + 2);
    assert_non_null(strstr(hk.last, "\"change\":\"resolved\""));
    assert_non_null(strstr(hk.last, "\"by\":\"rule deleted\""));

    x = alerts_all(&n);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(x[i].state, "resolved");
    assert_string_equal(x[0].resolved_by, "rule deleted");
    assert_int_equal(x[0].resolved_ms, T0 + 5000);
    assert_string_equal(x[1].resolved_by, ""); /* resolved before: untouched */
    assert_int_equal(x[1].resolved_ms, T0 + 1000);
    assert_string_equal(x[2].resolved_by, "rule deleted");
    last_event(x[0].id, "resolved", "rule deleted");
    last_event(x[2].id, "resolved", "rule deleted");
    store_alerts_free(x, n);

    /* the engine reloads: nothing left to resolve, nothing fires for the rule gone */
    alerts_rules_changed(a);
    alerts_eval_tick(a, T0 + 6000);
    point(a, "water", "W1", "level", 1, T0 + 7000);
    point(a, "water", "W1", "level", 3, T0 + 8000);
    assert_int_equal(hk.published, pub0 + 2);
    x = alerts_all(&n);
    assert_int_equal(n, 3);
    store_alerts_free(x, n);

    /* a failed transaction publishes nothing */
    struct alerts_retire none = {.a = a, .rule_id = rule};
    assert_int_equal(store_tx(db, retire_job, &none), 0);
    assert_int_equal(none.n, 0);
    alerts_retire_done(&none, IOC_EIO);
    assert_int_equal(hk.published, pub0 + 2);
    alerts_stop(a);
}

/* Another process disabled the rule: the engine's next reload resolves its alerts ("rule
 * disabled", published); enabled again, the condition that still holds fires a new alert. */
static void test_rule_disabled_elsewhere(void **state)
{
    (void)state;
    struct alerts *a = engine();
    int64_t rule = add_rule(a, LEVEL_RULE);
    alerts_rules_changed(a);
    point(a, "water", "W1", "level", 3, T0);
    int pub0 = hk.published, tx0 = hk.in_tx;
    set_enabled(rule, 0);
    alerts_eval_tick(a, T0 + 1000); /* the generation moved: reload, sweep */
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    assert_string_equal(x[0].resolved_by, "rule disabled");
    last_event(x[0].id, "resolved", "rule disabled");
    store_alerts_free(x, n);
    assert_int_equal(hk.published, pub0 + 1);
    assert_int_equal(hk.in_tx, tx0 + 1);
    assert_non_null(strstr(hk.last, "\"by\":\"rule disabled\""));
    alerts_eval_tick(a, T0 + 2000); /* nothing more */
    assert_int_equal(hk.published, pub0 + 1);

    set_enabled(rule, 1);
    alerts_eval_tick(a, T0 + 3000);
    point(a, "water", "W1", "level", 3, T0 + 4000);
    x = alerts_all(&n);
    assert_int_equal(n, 2);
    assert_string_equal(x[1].state, "firing");
    assert_int_equal(x[1].count, 1);
    store_alerts_free(x, n);
    alerts_stop(a);
}

/* Deleted while iocd was down: the engine started on the store resolves the alert. */
static void test_rule_deleted_before_start(void **state)
{
    (void)state;
    struct alerts *a = engine();
    int64_t rule = add_rule(a, LEVEL_RULE);
    alerts_rules_changed(a);
    point(a, "water", "W1", "level", 3, T0);
    alerts_stop(a);
    int stale = 0;
    assert_int_equal(store_alert_rule_delete(db, rule, 0, &stale), 0);
    int pub0 = hk.published;
    a = engine();
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 1);
    assert_string_equal(x[0].state, "resolved");
    assert_string_equal(x[0].resolved_by, "rule deleted");
    store_alerts_free(x, n);
    assert_int_equal(hk.published, pub0 + 1);
    alerts_stop(a);
}

/* ---- a registered type that says which points it needs ------------------------------------ */

struct seen {
    int water, air, other;
};
static struct seen seen[3];

/* target {"slot": 0..2, "measurement": M, "field": F}: counts the points it is given by
 * measurement; listens to M (and F) when M is given. */
struct pts_state {
    int slot;
    char m[32], f[32];
};
static int pts_compile(const json_t *t, const json_t *p, void **state, char *err, size_t n,
                       const char **field)
{
    (void)p, (void)err, (void)n, (void)field;
    struct pts_state *s = calloc(1, sizeof *s);
    s->slot = (int)json_integer_value(json_object_get(t, "slot"));
    const char *m = json_string_value(json_object_get(t, "measurement"));
    const char *f = json_string_value(json_object_get(t, "field"));
    snprintf(s->m, sizeof s->m, "%s", m ? m : "");
    snprintf(s->f, sizeof s->f, "%s", f ? f : "");
    *state = s;
    return 0;
}
static void pts_points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now,
                       struct alerts_out *out)
{
    (void)now, (void)out;
    struct pts_state *s = state;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *k = p[i].key;
        if (k[0] == 5 && memcmp(k + 1, "water", 5) == 0)
            seen[s->slot].water++;
        else if (k[0] == 3 && memcmp(k + 1, "air", 3) == 0)
            seen[s->slot].air++;
        else
            seen[s->slot].other++;
    }
}
static size_t pts_listens(const void *state, const char **m, const char **f, size_t max)
{
    const struct pts_state *s = state;
    if (!s->m[0] || max < 2)
        return 0;
    m[0] = s->m;
    f[0] = s->f;
    m[1] = s->m; /* the same name twice: still one call per run */
    f[1] = s->f;
    return 2;
}
static const struct alerts_type pts_type = {.name = "demo_points",
                                            .compile = pts_compile,
                                            .release = free,
                                            .points = pts_points,
                                            .listens = pts_listens};

static void test_registered_type_listens(void **state)
{
    (void)state;
    memset(seen, 0, sizeof seen);
    struct alerts_settings set = {0, 1000, 10, 0};
    struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_create(&o, &a), 0);
    assert_int_equal(alerts_register_type(a, &pts_type), 0);
#define PTS_RULE(target)                                                                           \
    "{\"name\": {\"vi\": \"điểm\"}, \"severity\": \"info\", \"type\": \"demo_points\", "        \
    "\"target\": " target "}"
    add_rule(a, PTS_RULE("{\"slot\": 0, \"measurement\": \"water\", \"field\": \"level\"}"));
    add_rule(a, PTS_RULE("{\"slot\": 1, \"measurement\": \"water\"}"));
    add_rule(a, PTS_RULE("{\"slot\": 2}"));
    assert_int_equal(alerts_run(a), 0);
    point(a, "air", "A1", "pm25", 40, T0);
    point(a, "water", "W1", "level", 3, T0);
    point(a, "water", "W1", "flow", 3, T0);
    point(a, "rain", "R1", "mm", 3, T0);
    /* a batch of both measurements at once */
    struct ioc_buf k1, k2;
    ioc_buf_init(&k1, 0);
    ioc_buf_init(&k2, 0);
    struct tsdb_tag tag = {"station", 7, "X", 1};
    assert_int_equal(tsdb_series_key(&k1, "air", 3, "pm25", 4, &tag, 1), 0);
    assert_int_equal(tsdb_series_key(&k2, "water", 5, "level", 5, &tag, 1), 0);
    struct tsdb_point_in p[3] = {{k1.data, k1.len, TSDB_FLOAT, T0 * 1000000, 0},
                                 {k2.data, k2.len, TSDB_FLOAT, T0 * 1000000, 0},
                                 {k2.data, k2.len, TSDB_FLOAT, T0 * 1000000 + 1, 0}};
    alerts_eval_points(a, p, 3, T0);
    ioc_buf_free(&k1);
    ioc_buf_free(&k2);
    /* water level only */
    assert_int_equal(seen[0].water, 1 + 2);
    assert_int_equal(seen[0].air, 0);
    assert_int_equal(seen[0].other, 0);
    /* every field of water */
    assert_int_equal(seen[1].water, 2 + 2);
    assert_int_equal(seen[1].air, 0);
    assert_int_equal(seen[1].other, 0);
    /* declared nothing: every point */
    assert_int_equal(seen[2].water, 2 + 2);
    assert_int_equal(seen[2].air, 1 + 1);
    assert_int_equal(seen[2].other, 1);
    alerts_stop(a);
}

/* ---- no_data learns the series the telemetry engine has ------------------------------------ */

struct answer {
    int done, rc;
};
static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    (void)rep;
    struct answer *x = arg;
    x->rc = rc;
    __atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
}

/* One point of m,station=S field (now, wall clock: not expired) through the ingest. */
static void stored_point(struct telemetry_ingest *ig, const char *m, const char *station,
                         const char *field)
{
    struct telemetry_batch b;
    telemetry_batch_init(&b, 16);
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    struct telemetry_lp_field f = {{field, strlen(field)}, TELEMETRY_LP_FLOAT, {.f = 1.5}};
    struct telemetry_lp_point pt = {{m, strlen(m)}, &tag, 1, &f, 1, ioc_now_ms() * 1000000, 1};
    assert_int_equal(telemetry_batch_add(&b, &pt), 0);
    telemetry_batch_finish(&b);
    struct answer x = {0};
    assert_int_equal(telemetry_ingest_submit(ig, b.pts, b.n, on_done, &x), 0);
    while (!__atomic_load_n(&x.done, __ATOMIC_ACQUIRE))
        ;
    assert_int_equal(x.rc, 0);
    telemetry_batch_free(&b);
}

#define SILENT_RULE(tags)                                                                            \
    "{\"name\": {\"vi\": \"Mất dữ liệu\"}, \"severity\": \"warning\", \"type\": \"no_data\", " \
    "\"target\": {\"measurement\": \"water\", \"field\": \"level\"" tags "}, \"params\": "           \
    "{\"for_s\": 60}}"

static void test_no_data_learns_stored_series(void **state)
{
    (void)state;
    struct telemetry_settings ts = {"always", 0, 1 << 20, 100000, 1000, 720};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    if (telemetry_ingest_open(dir, &ts, &ig, err, sizeof err))
        fail_msg("open: %s", err);
    stored_point(ig, "water", "W1", "level");
    stored_point(ig, "water", "W2", "level");
    stored_point(ig, "water", "W3", "flow"); /* another field */
    stored_point(ig, "air", "W1", "level");  /* another measurement */
    int64_t all = add_rule(NULL, SILENT_RULE(""));
    int64_t one = add_rule(NULL, SILENT_RULE(", \"tags\": {\"station\": \"W2\"}"));
    /* the engine starts after them (a restart): no point comes */
    struct alerts_settings set = {0, 10000, 100, 0};
    struct alerts_options o = {.store = st, .ingest = ig, .settings = &set, .manual = 1};
    struct alerts *a = NULL;
    assert_int_equal(alerts_start(&o, &a), 0);
    alerts_eval_tick(a, T0);
    alerts_eval_tick(a, T0 + 59 * 1000);
    size_t n;
    struct store_alert *x = alerts_all(&n);
    assert_int_equal(n, 0);
    alerts_eval_tick(a, T0 + 60 * 1000);
    x = alerts_all(&n);
    assert_int_equal(n, 3);
    int w1 = 0, w2 = 0, w2one = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(x[i].state, "firing");
        if (x[i].rule_id == all && strcmp(x[i].target, "water,station=W1 level") == 0)
            w1++;
        else if (x[i].rule_id == all && strcmp(x[i].target, "water,station=W2 level") == 0)
            w2++;
        else if (x[i].rule_id == one && strcmp(x[i].target, "water,station=W2 level") == 0)
            w2one++;
        else
            fail_msg("unexpected alert of rule %lld: %s", (long long)x[i].rule_id, x[i].target);
    }
    assert_true(w1 == 1 && w2 == 1 && w2one == 1);
    store_alerts_free(x, n);
    alerts_stop(a);
    telemetry_ingest_close(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rule_deleted_in_its_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_disabled_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_deleted_before_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registered_type_listens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_data_learns_stored_series, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
