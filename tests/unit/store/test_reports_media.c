/* Unit tests for the reports module's migration 5 (src/store/reports.c): the photos of the
 * requests made before migration 4, kept then only as media_url <scheme>://<host>/media/<hash>
 * .jpg, are linked at position 1; a request made after 4 ran, one already linked, and one whose
 * media_url has another shape are left alone; and store_rep_media_hashes (what iocctl media gc
 * keeps): the linked hashes and those of any media_url, sorted, once each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "store/store.h"
#include "store/store_int.h"

#define HA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HC "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HD "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define HE "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

static void exec(struct store_conn *c, const char *sql)
{
    assert_int_equal(store_exec(c, sql), 0);
}

static int64_t scalar(struct store_conn *c, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(store_scalar(c, sql, &v), 0);
    return v;
}

static void test_backfill(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct store *st = NULL;
    struct store_conn *c = NULL;
    assert_int_equal(store_open(dir, &st), 0);
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    /* a database as migration 4 left it: 4 ran at 2026-06-01T00:00:00Z (1780272000000 ms) */
    exec(c, "DELETE FROM schema_migrations WHERE module = 'reports' AND version = 5;"
            "UPDATE schema_migrations SET applied_at = '2026-06-01T00:00:00Z'"
            " WHERE module = 'reports' AND version = 4;"
            "INSERT INTO report_services (id, code, name_vi) VALUES (1, 'rac', 'Rác');");
    const char *rows =
        "INSERT INTO report_requests (id, service_id, state, requested_ms, updated_ms, media_url)"
        " VALUES"
        /* before 4: the photo the POST stored, http and https, with a port */
        " (1, 1, 'received', 1780271000000, 1, 'http://ioc.local:8080/media/" HA ".jpg'),"
        " (2, 1, 'received', 1780271000000, 1, 'https://ioc.example.gov.vn/media/" HB ".jpg'),"
        /* before 4, other shapes: a path prefix, another host's link, uppercase hex, no scheme */
        " (3, 1, 'received', 1780271000000, 1, 'https://x.vn/a/media/" HC ".jpg'),"
        " (4, 1, 'received', 1780271000000, 1, 'https://x.vn/photo.jpg'),"
        " (5, 1, 'received', 1780271000000, 1, 'https://x.vn/media/" HC "X.jpg'),"
        " (6, 1, 'received', 1780271000000, 1, 'https://x.vn/media/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg'),"
        /* before 4 but already linked (kept as it is) */
        " (7, 1, 'received', 1780271000000, 1, 'http://h/media/" HD ".jpg'),"
        /* after 4 ran: a media_url typed by a citizen, not a photo of it */
        " (8, 1, 'received', 1780273000000, 1, 'http://h/media/" HE ".jpg'),"
        " (9, 1, 'received', 1780271000000, 1, '');"
        "INSERT INTO report_media (request_id, position, hash) VALUES (7, 1, '" HC "');";
    exec(c, rows);
    store_conn_close(c);
    store_close(st);

    assert_int_equal(store_open(dir, &st), 0); /* migration 5 runs */
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    assert_int_equal(
        scalar(c, "SELECT max(version) FROM schema_migrations WHERE module = 'reports'"), 5);
    assert_int_equal(scalar(c, "SELECT count(*) FROM report_media"), 3);
    assert_int_equal(scalar(c, "SELECT count(*) FROM report_media WHERE request_id = 1 AND "
                               "position = 1 AND hash = '" HA "'"),
                     1);
    assert_int_equal(scalar(c, "SELECT count(*) FROM report_media WHERE request_id = 2 AND "
                               "position = 1 AND hash = '" HB "'"),
                     1);
    assert_int_equal(scalar(c, "SELECT count(*) FROM report_media WHERE request_id = 7 AND "
                               "hash = '" HC "'"),
                     1);
    struct store_rep_photo *ph = NULL;
    size_t n = 0;
    int64_t id = 1;
    assert_int_equal(store_rep_media_list(c, &id, 1, &ph, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ph[0].hash, HA);
    free(ph);

    /* what gc keeps: linked (a, b, c) and named by a media_url (c, d, e), once each, sorted */
    assert_int_equal(store_rep_media_hashes(c, &ph, &n), 0);
    assert_int_equal(n, 5);
    const char *want[] = {HA, HB, HC, HD, HE};
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ph[i].hash, want[i]);
    free(ph);
    store_conn_close(c);
    store_close(st);
}

/* A fresh database: 4 ran before any request, so 5 links nothing. */
static void test_fresh(void **state)
{
    (void)state;
    struct store *st = NULL;
    struct store_conn *c = NULL;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM report_media"), 0);
    struct store_rep_photo *ph = NULL;
    size_t n = 9;
    assert_int_equal(store_rep_media_hashes(c, &ph, &n), 0);
    assert_int_equal(n, 0);
    free(ph);
    store_conn_close(c);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backfill),
        cmocka_unit_test(test_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
