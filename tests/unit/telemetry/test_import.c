/* Unit tests for src/telemetry/import.c: parsed points stored into the engine of a data
 * directory by a process that is not iocd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

static int store(void *ctx, const struct telemetry_lp_point *pt)
{
    return telemetry_import_point(ctx, pt);
}

/* Parses line protocol (ns) and stores each point. */
static void feed(struct telemetry_import *im, const char *text)
{
    struct telemetry_lp_parser *p;
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    assert_int_equal(
        telemetry_lp_parse(p, text, strlen(text), TELEMETRY_LP_NS, 7, store, NULL, im, NULL), 0);
    telemetry_lp_destroy(p);
}

/* Count of the points of measurement m, field f (all series) in the engine of dir. */
static int64_t count(const char *dir, const char *m, const char *f)
{
    struct tsdb_db *db;
    char err[200];
    if (tsdb_db_open(dir, NULL, &db, err, sizeof err) != 0)
        fail_msg("open: %s", err);
    uint32_t ids[16];
    size_t n = 0;
    assert_int_equal(tsdb_db_select(db, m, strlen(m), f, strlen(f), NULL, 0, ids, 16, &n), 0);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct tsdb_window w;
        assert_int_equal(tsdb_window_init(&w, INT64_MIN, INT64_MAX, INT64_MAX, 4), 0);
        assert_int_equal(tsdb_db_window(db, ids[i], &w, 1 << 24), 0);
        for (size_t k = 0; k < w.n; k++)
            total += w.b[k].count;
        tsdb_window_free(&w);
    }
    tsdb_db_close(db);
    return total;
}

static void test_import_stores_every_numeric_value_in_batches_and_seals(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_import *im;
    assert_int_equal(telemetry_import_open(dir, &im, NULL, 0), 0);
    char line[128];
    struct ioc_buf text;
    ioc_buf_init(&text, 0);
    for (int i = 0; i < 60000; i++) { /* 120000 values: three appends */
        snprintf(line, sizeof line, "air,station=S%d pm25=%d.5,n=%di,note=\"x\" %d\n", i % 3, i, i,
                 i + 1);
        assert_int_equal(ioc_buf_puts(&text, line), 0);
    }
    feed(im, text.data);
    struct telemetry_import_stats st;
    assert_int_equal(telemetry_import_finish(im, &st), 0);
    telemetry_import_close(im);
    assert_int_equal(st.stored, 120000);
    assert_int_equal(st.refused, 0);
    assert_int_equal(st.strings, 60000);
    assert_int_equal(count(dir, "air", "pm25"), 60000);
    assert_int_equal(count(dir, "air", "n"), 60000);
    /* sealed at the end: reopening replays nothing into the head */
    struct tsdb_db *db;
    assert_int_equal(tsdb_db_open(dir, NULL, &db, NULL, 0), 0);
    struct tsdb_db_stats ds;
    tsdb_db_stats(db, &ds);
    assert_int_equal(ds.head_points, 0);
    assert_true(ds.chunks > 0);
    tsdb_db_close(db);
    ioc_buf_free(&text);
}

static void test_import_counts_values_of_another_type_and_stores_the_rest(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct telemetry_import *im;
    assert_int_equal(telemetry_import_open(dir, &im, NULL, 0), 0);
    feed(im, "air pm25=1.5 1\nair pm25=2i 2\nair pm25=3.5 3\n");
    struct telemetry_import_stats st;
    assert_int_equal(telemetry_import_finish(im, &st), 0);
    telemetry_import_close(im);
    assert_int_equal(st.stored, 2);
    assert_int_equal(st.refused, 1);
    assert_int_equal(st.first_rc, IOC_EEXIST);
    assert_int_equal(st.stored_type, TSDB_FLOAT);
    assert_string_equal(st.first_field, "air field pm25");
    assert_int_equal(count(dir, "air", "pm25"), 2);
}

static void test_import_is_refused_while_the_engine_is_open_elsewhere(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct tsdb_db *db;
    assert_int_equal(tsdb_db_open(dir, NULL, &db, NULL, 0), 0); /* what iocd holds */
    struct telemetry_import *im = NULL;
    char err[300];
    assert_int_equal(telemetry_import_open(dir, &im, err, sizeof err), IOC_EBUSY);
    assert_null(im);
    assert_non_null(strstr(err, "open elsewhere"));
    tsdb_db_close(db);
    assert_int_equal(telemetry_import_open(dir, &im, NULL, 0), 0);
    telemetry_import_close(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_stores_every_numeric_value_in_batches_and_seals),
        cmocka_unit_test(test_import_counts_values_of_another_type_and_stores_the_rest),
        cmocka_unit_test(test_import_is_refused_while_the_engine_is_open_elsewhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
