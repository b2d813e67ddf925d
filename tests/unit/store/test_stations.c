/* Unit tests for src/store/stations.c: put (added, updated, unchanged, versions, who), the
 * conditions on the version (any, exists, absent, a number; stale writes nothing), alarm levels
 * NULL or not, the commune's name read from the units, find with its filters and order, count,
 * delete. */
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

static struct store *st;
static struct store_conn *db;

static struct store_station station(const char *code, const char *kind, const char *commune,
                                    const char *agency)
{
    struct store_station s = {0};
    s.code = (char *)code;
    s.name_vi = "Trạm thử";
    s.name_en = "Test";
    s.kind = (char *)kind;
    s.lat = 10.95;
    s.lon = 106.82;
    s.commune = (char *)commune;
    s.measures = "pm25,pm10";
    s.agency = (char *)agency;
    s.synthetic = 1;
    s.updated_by = "admin";
    return s;
}

static enum store_station_outcome put(struct store_station *s, int64_t cond, int64_t *version)
{
    enum store_station_outcome o;
    assert_int_equal(store_station_put(db, s, cond, &o, version), 0);
    return o;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    struct store_unit u = {.code = "26068",
                           .level = "commune",
                           .type = "Phường",
                           .name = "Biên Hoà",
                           .full_name = "Phường Biên Hoà",
                           .name_en = "",
                           .parent_code = "75",
                           .valid_from = "2025-07-01",
                           .valid_to = ""};
    assert_int_equal(store_unit_put(db, &u, NULL, NULL), 0);
    struct store_station a = station("AQ-B", "air", "26068", "SO-NNMT");
    struct store_station b = station("AQ-A", "air", "26041", "");
    struct store_station w = station("WL-A", "water_level", "26068", "SO-NNMT");
    w.measures = "level";
    w.alarm[0] = 1.5, w.alarm[2] = 2.5;
    w.has_alarm[0] = w.has_alarm[2] = 1;
    int64_t v = 0;
    assert_int_equal(put(&a, STORE_STATION_ANY, &v), STORE_STATION_ADDED);
    assert_int_equal(v, 1);
    assert_int_equal(put(&b, STORE_STATION_ABSENT, NULL), STORE_STATION_ADDED);
    assert_int_equal(put(&w, STORE_STATION_ANY, NULL), STORE_STATION_ADDED);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_get_gives_what_was_put(void **state)
{
    (void)state;
    struct store_station s;
    assert_int_equal(store_station_get(db, "WL-A", &s), 0);
    assert_string_equal(s.name_vi, "Trạm thử");
    assert_string_equal(s.kind, "water_level");
    assert_string_equal(s.commune, "26068");
    assert_string_equal(s.commune_name, "Biên Hoà");
    assert_string_equal(s.measures, "level");
    assert_string_equal(s.agency, "SO-NNMT");
    assert_true(s.lat == 10.95 && s.lon == 106.82);
    assert_true(s.has_alarm[0] && !s.has_alarm[1] && s.has_alarm[2]);
    assert_true(s.alarm[0] == 1.5 && s.alarm[2] == 2.5);
    assert_int_equal(s.synthetic, 1);
    assert_int_equal(s.version, 1);
    assert_string_equal(s.updated_by, "admin");
    assert_int_equal(strlen(s.updated_at), 24);
    store_station_clear(&s);
    assert_int_equal(store_station_get(db, "AQ-A", &s), 0);
    assert_string_equal(s.commune_name, ""); /* 26041 is no stored unit */
    store_station_clear(&s);
    assert_int_equal(store_station_get(db, "NOPE", &s), IOC_ENOTFOUND);
}

static void test_versions_and_conditions(void **state)
{
    (void)state;
    struct store_station a = station("AQ-B", "air", "26068", "SO-NNMT");
    int64_t v = 0;
    assert_int_equal(put(&a, STORE_STATION_ANY, &v), STORE_STATION_UNCHANGED);
    assert_int_equal(v, 1);
    assert_int_equal(put(&a, STORE_STATION_ABSENT, &v), STORE_STATION_STALE);
    a.name_en = "Renamed";
    assert_int_equal(put(&a, 2, &v), STORE_STATION_STALE);
    assert_int_equal(v, 1);
    assert_int_equal(put(&a, 1, &v), STORE_STATION_UPDATED);
    assert_int_equal(v, 2);
    a.has_alarm[1] = 1; /* a NULL alarm becoming a value is a change */
    a.alarm[1] = 0;
    assert_int_equal(put(&a, STORE_STATION_EXISTS, &v), STORE_STATION_UPDATED);
    assert_int_equal(v, 3);
    struct store_station n = station("NEW", "noise", "", "");
    assert_int_equal(put(&n, STORE_STATION_EXISTS, &v), STORE_STATION_STALE);
    assert_int_equal(v, 0);
    assert_int_equal(put(&n, 5, &v), STORE_STATION_STALE);
    struct store_station s;
    assert_int_equal(store_station_get(db, "AQ-B", &s), 0);
    assert_string_equal(s.name_en, "Renamed");
    assert_true(s.has_alarm[1] && s.alarm[1] == 0);
    store_station_clear(&s);
    assert_int_equal(store_station_get(db, "NEW", &s), IOC_ENOTFOUND);
}

static void test_find_and_count(void **state)
{
    (void)state;
    struct store_station *s = NULL;
    size_t n = 0;
    assert_int_equal(store_stations_find(db, NULL, &s, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(s[0].code, "AQ-A");
    assert_string_equal(s[1].code, "AQ-B");
    assert_string_equal(s[2].code, "WL-A");
    store_stations_free(s, n);
    struct store_station_query q = {"air", "26068", NULL};
    assert_int_equal(store_stations_find(db, &q, &s, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].code, "AQ-B");
    store_stations_free(s, n);
    q = (struct store_station_query){NULL, NULL, "SO-NNMT"};
    assert_int_equal(store_stations_find(db, &q, &s, &n), 0);
    assert_int_equal(n, 2);
    store_stations_free(s, n);
    q = (struct store_station_query){"noise", NULL, NULL};
    assert_int_equal(store_stations_find(db, &q, &s, &n), 0);
    assert_int_equal(n, 0);
    assert_null(s);
    int64_t c = 0;
    assert_int_equal(store_stations_count(db, &c), 0);
    assert_int_equal(c, 3);
}

static void test_delete(void **state)
{
    (void)state;
    int stale = 0;
    assert_int_equal(store_station_delete(db, "AQ-A", 7, &stale), 0);
    assert_int_equal(stale, 1);
    struct store_station s;
    assert_int_equal(store_station_get(db, "AQ-A", &s), 0);
    store_station_clear(&s);
    assert_int_equal(store_station_delete(db, "AQ-A", 1, &stale), 0);
    assert_int_equal(stale, 0);
    assert_int_equal(store_station_get(db, "AQ-A", &s), IOC_ENOTFOUND);
    assert_int_equal(store_station_delete(db, "AQ-A", STORE_STATION_ANY, &stale), IOC_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_gives_what_was_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_and_conditions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_and_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
