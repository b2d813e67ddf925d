/* Unit tests for src/telemetry/query.c: windows with groups, latest, series, bounds, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

#define S 1000000000LL
#define T0 (1749999600LL * S)

static int add(void *ctx, const struct telemetry_lp_point *pt)
{
    return telemetry_batch_add(ctx, pt);
}

/* An engine with air,station=sN,city=hn pm25=N*100+i (i = 0..59, one a minute from T0) for
 * stations s1..s3, plus n=i (integer) for s1 only. */
static struct tsdb_db *open_db(void)
{
    struct tsdb_db *db;
    char err[256];
    struct tsdb_db_options o = {.sync = TSDB_SYNC_OFF, .seal_points = 16};
    assert_int_equal(tsdb_db_open(test_fresh_dir(), &o, &db, err, sizeof err), 0);
    struct telemetry_lp_parser *p;
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    struct telemetry_batch b;
    telemetry_batch_init(&b, 100000);
    char line[160];
    for (int st = 1; st <= 3; st++)
        for (int i = 0; i < 60; i++) {
            int k = snprintf(line, sizeof line, "air,station=s%d,city=hn pm25=%d%s %lld\n", st,
                             st * 100 + i, st == 1 ? ",n=1i" : "", (long long)(T0 + i * 60 * S));
            assert_int_equal(
                telemetry_lp_parse(p, line, (size_t)k, TELEMETRY_LP_NS, 0, add, NULL, &b, NULL), 0);
        }
    telemetry_batch_finish(&b);
    struct tsdb_write_report rep;
    assert_int_equal(tsdb_db_append(db, b.pts, b.n, &rep), 0);
    assert_int_equal(rep.refused, 0);
    assert_int_equal(tsdb_db_sync(db), 0);
    assert_int_equal(tsdb_db_maintain(db, 0), 0); /* some sealed, some in the head */
    telemetry_batch_free(&b);
    telemetry_lp_destroy(p);
    return db;
}

static void test_query_window_groups_by_tag_and_merges_without_group(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db();
    struct telemetry_query q = {.measurement = "air",
                                .field = "pm25",
                                .group = "station",
                                .start = T0,
                                .end = T0 + 3600 * S,
                                .step = 1800 * S};
    struct telemetry_qresult r;
    assert_int_equal(telemetry_query_window(db, &q, &r), 0);
    assert_int_equal(r.ngroups, 3);
    for (size_t k = 0; k < 3; k++) {
        int st = r.groups[k].value[1] - '0';
        assert_int_equal(r.groups[k].w.n, 2);
        double v;
        assert_int_equal(tsdb_bucket_value(&r.groups[k].w.b[0], TSDB_AGG_MEAN, &v), 0);
        assert_true(v == st * 100 + 14.5); /* mean of 0..29 */
        assert_int_equal(r.groups[k].w.b[1].count, 30);
    }
    telemetry_qresult_free(&r);
    q.group = NULL;
    struct tsdb_str two[] = {{"s1", 2}, {"s3", 2}};
    struct tsdb_tag_filter f = {"station", 7, two, 2};
    q.filters = &f;
    q.nfilters = 1;
    assert_int_equal(telemetry_query_window(db, &q, &r), 0);
    assert_int_equal(r.ngroups, 1);
    assert_null(r.groups[0].value);
    assert_int_equal(r.groups[0].w.b[0].count, 60);
    assert_true(r.groups[0].w.b[1].max == 359);
    telemetry_qresult_free(&r);
    tsdb_db_close(db);
}

static void test_query_window_bounds_and_missing_parts(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db();
    struct telemetry_query q = {
        .measurement = "air", .field = "pm25", .start = 0, .end = T0, .step = S};
    struct telemetry_qresult r;
    assert_int_equal(telemetry_query_window(db, &q, &r), IOC_ETOOBIG);
    assert_non_null(strstr(r.msg, "buckets"));
    telemetry_qresult_free(&r);
    q.field = NULL;
    assert_int_equal(telemetry_query_window(db, &q, &r), IOC_EINVAL);
    telemetry_qresult_free(&r);
    q.field = "nothing";
    q.start = T0;
    q.end = T0 + 60 * S;
    q.step = 60 * S;
    assert_int_equal(telemetry_query_window(db, &q, &r), 0);
    assert_int_equal(r.ngroups, 0); /* no series: no result series */
    telemetry_qresult_free(&r);
    tsdb_db_close(db);
}

static void test_query_latest_and_series(void **state)
{
    (void)state;
    struct tsdb_db *db = open_db();
    struct tsdb_str s1[] = {{"s1", 2}};
    struct tsdb_tag_filter f = {"station", 7, s1, 1};
    struct telemetry_query q = {.measurement = "air", .filters = &f, .nfilters = 1};
    struct telemetry_qresult r;
    assert_int_equal(telemetry_query_latest(db, &q, &r), 0);
    assert_int_equal(r.nentries, 2); /* pm25 and n of s1 */
    for (size_t i = 0; i < r.nentries; i++) {
        assert_true(r.entries[i].has_point);
        assert_int_equal(r.entries[i].t, T0 + 59 * 60 * S);
        struct tsdb_series_parts sp;
        assert_int_equal(tsdb_series_key_parse(r.entries[i].key.data, r.entries[i].key.len, &sp),
                         0);
        if (sp.flen == 1)
            assert_int_equal(r.entries[i].type, TSDB_INT);
        else
            assert_true(tsdb_value_double(r.entries[i].type, r.entries[i].v) == 159);
    }
    telemetry_qresult_free(&r);
    q.nfilters = 0;
    q.measurement = NULL;
    assert_int_equal(telemetry_query_series(db, &q, &r), 0);
    assert_int_equal(r.nentries, 4);
    for (size_t i = 0; i < r.nentries; i++)
        assert_false(r.entries[i].has_point);
    telemetry_qresult_free(&r);
    q.measurement = "water";
    assert_int_equal(telemetry_query_series(db, &q, &r), 0);
    assert_int_equal(r.nentries, 0);
    telemetry_qresult_free(&r);
    tsdb_db_close(db);
}

static void test_query_step_and_time_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t ns; /* -1: refused */
    } steps[] = {{"60", 60 * S},    {"60s", 60 * S},    {"5m", 300 * S}, {"1h", 3600 * S},
                 {"1d", 86400 * S}, {"500ms", S / 2},   {"0", -1},       {"1y", -1},
                 {"", -1},          {"m", -1},          {"-5s", -1},     {"1000000001", -1},
                 {"1.5h", -1},      {"1000000000d", -1}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int64_t v = 0;
        int rc = telemetry_step_parse(steps[i].s, &v);
        if (steps[i].ns < 0)
            assert_int_equal(rc, IOC_EINVAL);
        else {
            assert_int_equal(rc, 0);
            assert_int_equal(v, steps[i].ns);
        }
    }
    int64_t t;
    assert_int_equal(telemetry_time_parse("1749999600", &t), 0);
    assert_int_equal(t, T0);
    assert_int_equal(telemetry_time_parse("2025-06-15T15:00:00.000000001Z", &t), 0);
    assert_int_equal(t, T0 + 1);
    assert_int_equal(telemetry_time_parse("2025-06-15T22:00:00+07:00", &t), 0);
    assert_int_equal(t, T0);
    assert_int_equal(telemetry_time_parse("2025-06-16", &t), 0); /* 00:00 in Hà Nội */
    assert_int_equal(t, T0 + 2 * 3600 * S);
    assert_int_equal(telemetry_time_parse("-4000000000", &t), 0);
    assert_int_equal(telemetry_time_parse("4000000001", &t), IOC_EINVAL);
    assert_int_equal(telemetry_time_parse("2097-01-01T00:00:00Z", &t), IOC_EINVAL);
    assert_int_equal(telemetry_time_parse("yesterday", &t), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_window_groups_by_tag_and_merges_without_group),
        cmocka_unit_test(test_query_window_bounds_and_missing_parts),
        cmocka_unit_test(test_query_latest_and_series),
        cmocka_unit_test(test_query_step_and_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
