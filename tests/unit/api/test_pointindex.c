/*
 * Unit tests for src/api/pointindex.c: the index thread over a real store and a real geo_slot.
 * Each test has its own store of small square "units" (0.05 degree wide, the size of a commune:
 * the index grid, and so the build time, grows with the area), a bare struct api holding
 * only the store, and one loop-side reader (struct api_thread) acquiring the index as a request
 * would. A failed build is provoked by hiding the units table from the index thread (renamed
 * behind the store's back with a raw SQLite connection), and restored the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_int.h"
#include "helpers/fault.h"
#include "helpers/tmpdir.h"

struct fx {
    char dir[256];
    struct store *st;
    struct store_conn *w;
    struct api *api;
    struct api_thread t;
    struct api_ctx c;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A square unit 0.05 degree wide whose south-west corner is (lon, lat) in hundredths of a
 * degree; its id. */
static int64_t put_square(struct fx *f, const char *code, int lon, int lat)
{
    double x0 = lon / 100.0, y0 = lat / 100.0, x1 = x0 + 0.05, y1 = y0 + 0.05;
    char geom[256];
    snprintf(geom, sizeof geom,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],"
             "[%.2f,%.2f],[%.2f,%.2f]]]}",
             x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    struct store_unit u = {0};
    u.code = (char *)code;
    u.level = "commune";
    u.type = "Xã";
    u.name = (char *)code;
    u.full_name = (char *)code;
    u.name_en = "";
    u.parent_code = "75";
    u.valid_from = "2025-07-01";
    u.valid_to = "";
    u.has_geometry = 1;
    u.bbox[0] = x0;
    u.bbox[1] = y0;
    u.bbox[2] = x1;
    u.bbox[3] = y1;
    int64_t id = 0;
    assert_int_equal(store_unit_put(f->w, &u, geom, &id), 0);
    return id;
}

struct import {
    const char *code;
    int lon, lat;
    int64_t id, gen;
    struct fx *f;
};

static int import_job(struct store_conn *w, void *arg)
{
    struct import *im = arg;
    struct store_conn *keep = im->f->w;
    im->f->w = w;
    im->id = put_square(im->f, im->code, im->lon, im->lat);
    im->f->w = keep;
    return store_units_generation_bump(w, &im->gen);
}

/* A new square unit and a generation bump in one transaction, as an import does; the unit's id
 * and the new generation into *gen. */
static int64_t import_square(struct fx *f, const char *code, int lon, int lat, int64_t *gen)
{
    struct import im = {code, lon, lat, 0, 0, f};
    assert_int_equal(store_tx(f->w, import_job, &im), 0);
    *gen = im.gen;
    return im.id;
}

static int64_t bump(struct fx *f)
{
    int64_t g = 0;
    assert_int_equal(store_units_generation_bump(f->w, &g), 0);
    return g;
}

/* Runs sql on the database file with a connection of its own (not the store's). */
static void raw_sql(struct fx *f, const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ioc.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
    sqlite3_close(db);
}

/* An empty store made once (its migrations take a while), copied for each test. */
static char template_db[300];

static int64_t a_id; /* unit A of the template: (106.00, 10.00) to (106.05, 10.05) */

static void template_make(void)
{
    struct fx t = {0};
    snprintf(t.dir, sizeof t.dir, "%s", test_fresh_dir());
    if (store_open(t.dir, &t.st) != 0 || store_conn_open(t.st, 0, &t.w) != 0)
        abort();
    a_id = put_square(&t, "A", 10600, 1000);
    store_conn_close(t.w);
    store_close(t.st);
    snprintf(template_db, sizeof template_db, "%s/ioc.db", t.dir);
}

static struct fx *fx_new(void)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "%s", test_fresh_dir());
    char *db = NULL, path[300];
    size_t n = 0;
    assert_int_equal(ioc_file_read(template_db, 1 << 26, &db, &n), 0);
    snprintf(path, sizeof path, "%s/ioc.db", f->dir);
    assert_int_equal(ioc_file_write_atomic(path, db, n), 0);
    free(db);
    assert_int_equal(store_open(f->dir, &f->st), 0);
    assert_int_equal(store_conn_open(f->st, 0, &f->w), 0);
    f->api = calloc(1, sizeof *f->api);
    assert_non_null(f->api);
    f->api->store = f->st;
    f->c.api = f->api;
    f->c.t = &f->t;
    return f;
}

static void fx_free(struct fx *f)
{
    api_geo_stop(f->api);
    store_conn_close(f->w);
    store_close(f->st);
    free(f->api);
    free(f);
}

/* Waits up to 5 s for the published index to be of generation gen. */
static int wait_generation(struct fx *f, int64_t gen)
{
    for (int i = 0; i < 500; i++) {
        if (atomic_load(&f->api->geo_generation) == gen)
            return 1;
        sleep_ms(10);
    }
    return 0;
}

/* The unit at (lon, lat) in the published index, IOC_ENOTFOUND as -1; fails when none is
 * published. */
static int64_t lookup(struct fx *f, double lon, double lat)
{
    const struct geo_index *ix = NULL;
    assert_int_equal(api_geo_acquire(&f->c, &ix), 0);
    int64_t id = -1;
    int32_t today = 0;
    assert_int_equal(ioc_date_parse("2026-01-01", 10, &today), 0);
    if (geo_index_lookup(ix, lon, lat, 3, today, &id) != 0)
        id = -1;
    api_geo_release(&f->c);
    return id;
}

static void test_geo_acquire_before_the_first_index_is_ebusy_without_waiting(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    /* a generation the thread cannot read: it polls but never builds */
    assert_int_equal(store_meta_set(f->w, "units_generation", "not a number"), 0);
    assert_int_equal(api_geo_start(f->api), 0);
    const struct geo_index *ix = (const struct geo_index *)&ix;
    for (int i = 0; i < 2; i++) { /* before and after a poll of the thread */
        if (i)
            sleep_ms(300);
        int64_t t0 = ioc_mono_ns();
        assert_int_equal(api_geo_acquire(&f->c, &ix), IOC_EBUSY);
        assert_true(ioc_mono_ns() - t0 < 200 * 1000000LL);   /* no wait for a build */
        assert_ptr_equal(ix, (const struct geo_index *)&ix); /* *out untouched */
    }
    assert_int_equal(atomic_load(&f->api->geo_state), 0);
    assert_int_equal(atomic_load(&f->api->geo_generation), -1);
    assert_int_equal(atomic_load(&f->api->geo_builds), 0);
    fx_free(f);
}

static void test_geo_first_index_is_published_with_its_generation(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    int64_t a = a_id;
    int64_t g = bump(f);
    assert_int_equal(api_geo_start(f->api), 0);
    assert_true(wait_generation(f, g));
    assert_int_equal(atomic_load(&f->api->geo_state), 1);
    assert_int_equal(atomic_load(&f->api->geo_builds), 1);
    assert_int_equal(lookup(f, 106.025, 10.025), a);
    assert_int_equal(lookup(f, 106.125, 10.025), -1);
    fx_free(f);
}

static void test_geo_generation_bump_rebuilds_and_publishes_the_new_units(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    assert_int_equal(api_geo_start(f->api), 0);
    assert_true(wait_generation(f, 0));
    int64_t g;
    int64_t b = import_square(f, "B", 10610, 1000, &g);
    assert_true(wait_generation(f, g));
    assert_int_equal(atomic_load(&f->api->geo_builds), 2);
    assert_int_equal(lookup(f, 106.125, 10.025), b);
    fx_free(f);
}

static void test_geo_units_changed_without_a_bump_are_not_rebuilt(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    assert_int_equal(api_geo_start(f->api), 0);
    assert_true(wait_generation(f, 0));
    put_square(f, "B", 10610, 1000);
    sleep_ms(320); /* two polls or more */
    assert_int_equal(atomic_load(&f->api->geo_builds), 1);
    assert_int_equal(lookup(f, 106.125, 10.025), -1);
    fx_free(f);
}

/* The index thread publishes the new index at once but destroys the replaced one only after
 * the loop that holds it released it; until then it builds nothing else. */
static void test_geo_replaced_index_is_destroyed_only_after_its_reader_released_it(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    int64_t a = a_id;
    assert_int_equal(api_geo_start(f->api), 0);
    assert_true(wait_generation(f, 0));
    const struct geo_index *held = NULL;
    assert_int_equal(api_geo_acquire(&f->c, &held), 0);
    int64_t g2;
    import_square(f, "B", 10610, 1000, &g2);
    assert_true(wait_generation(f, g2)); /* published while the old one is held */
    int32_t today = 0;
    assert_int_equal(ioc_date_parse("2026-01-01", 10, &today), 0);
    int64_t id = 0;
    assert_int_equal(geo_index_lookup(held, 106.025, 10.025, 3, today, &id), 0); /* still alive */
    assert_int_equal(id, a);
    assert_int_equal(geo_index_count(held), 1);
    int64_t g3 = bump(f);
    sleep_ms(320);
    /* still waiting for the held index: the next generation is not built yet */
    assert_int_equal(atomic_load(&f->api->geo_generation), g2);
    assert_int_equal(geo_index_lookup(held, 106.025, 10.025, 3, today, &id), 0);
    api_geo_release(&f->c);
    assert_true(wait_generation(f, g3));
    assert_int_equal(atomic_load(&f->api->geo_builds), 3);
    fx_free(f);
}

static void test_geo_failed_rebuild_keeps_the_previous_index_in_service(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    int64_t a = a_id;
    int64_t g = bump(f);
    assert_int_equal(api_geo_start(f->api), 0);
    assert_true(wait_generation(f, g));
    const struct geo_index *before = NULL;
    assert_int_equal(api_geo_acquire(&f->c, &before), 0);
    api_geo_release(&f->c);
    raw_sql(f, "ALTER TABLE units RENAME TO units_hidden");
    int64_t g2 = bump(f);
    sleep_ms(320);
    assert_int_equal(atomic_load(&f->api->geo_generation), g);
    assert_int_equal(atomic_load(&f->api->geo_state), 1);
    assert_int_equal(atomic_load(&f->api->geo_builds), 1);
    const struct geo_index *now = NULL;
    assert_int_equal(api_geo_acquire(&f->c, &now), 0);
    assert_ptr_equal(now, before);
    api_geo_release(&f->c);
    assert_int_equal(lookup(f, 106.025, 10.025), a);
    /* once the units are back, the next generation is built */
    raw_sql(f, "ALTER TABLE units_hidden RENAME TO units");
    (void)g2;
    int64_t g3 = bump(f);
    assert_true(wait_generation(f, g3));
    assert_int_equal(atomic_load(&f->api->geo_builds), 2);
    fx_free(f);
}

static void test_geo_failed_first_build_answers_eio_until_a_build_succeeds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    int64_t a = a_id;
    raw_sql(f, "ALTER TABLE units RENAME TO units_hidden");
    assert_int_equal(api_geo_start(f->api), 0);
    const struct geo_index *ix = NULL;
    int rc = IOC_EBUSY;
    for (int i = 0; i < 300 && rc == IOC_EBUSY; i++) {
        rc = api_geo_acquire(&f->c, &ix);
        if (rc == IOC_EBUSY)
            sleep_ms(10);
    }
    assert_int_equal(rc, IOC_EIO);
    assert_int_equal(atomic_load(&f->api->geo_state), -1);
    assert_int_equal(atomic_load(&f->api->geo_generation), -1);
    raw_sql(f, "ALTER TABLE units_hidden RENAME TO units");
    int64_t g = bump(f);
    assert_true(wait_generation(f, g));
    assert_int_equal(atomic_load(&f->api->geo_state), 1);
    assert_int_equal(lookup(f, 106.025, 10.025), a);
    fx_free(f);
}

static void test_geo_stop_is_safe_when_never_started(void **state)
{
    (void)state;
    struct api *a = calloc(1, sizeof *a);
    assert_non_null(a);
    api_geo_stop(a);
    api_geo_stop(a);
    assert_null(a->geo_slot);
    free(a);
}

/* Each allocation and file operation of api_geo_start failed in turn: an error code and a stop
 * that frees everything (ASan: no leak), until a start that works. */
static void start_sweep(enum fault_kind kind)
{
    struct fx *f = fx_new();
    long n;
    for (n = 1; n < 5000; n++) {
        fault_arm(kind, n);
        int rc = api_geo_start(f->api);
        int fired = fault_disarm();
        if (rc)
            assert_true(rc < 0);
        else
            assert_int_equal(f->api->geo_started, 1);
        api_geo_stop(f->api);
        assert_null(f->api->geo_slot);
        assert_int_equal(f->api->geo_inited, 0);
        if (rc == 0 && !fired)
            break;
    }
    assert_true(n > 1 && n < 5000);
    fx_free(f);
}

static void test_geo_start_failing_allocations_leave_nothing_behind(void **state)
{
    (void)state;
    start_sweep(FAULT_ALLOC);
}

static void test_geo_start_failing_file_operations_leave_nothing_behind(void **state)
{
    (void)state;
    start_sweep(FAULT_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_acquire_before_the_first_index_is_ebusy_without_waiting),
        cmocka_unit_test(test_geo_first_index_is_published_with_its_generation),
        cmocka_unit_test(test_geo_generation_bump_rebuilds_and_publishes_the_new_units),
        cmocka_unit_test(test_geo_units_changed_without_a_bump_are_not_rebuilt),
        cmocka_unit_test(test_geo_replaced_index_is_destroyed_only_after_its_reader_released_it),
        cmocka_unit_test(test_geo_failed_rebuild_keeps_the_previous_index_in_service),
        cmocka_unit_test(test_geo_failed_first_build_answers_eio_until_a_build_succeeds),
        cmocka_unit_test(test_geo_stop_is_safe_when_never_started),
        cmocka_unit_test(test_geo_start_failing_allocations_leave_nothing_behind),
        cmocka_unit_test(test_geo_start_failing_file_operations_leave_nothing_behind),
    };
    fault_install();
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    template_make();
    return cmocka_run_group_tests_name("api pointindex", tests, NULL, NULL);
}
