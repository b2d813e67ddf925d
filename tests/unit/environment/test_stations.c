/* Unit tests for the station rules of src/environment (stations.c, stations_csv.c): kinds and
 * their measurements, codes, the check of a station (each problem naming its field), the status
 * from the last reading at its edges, and the registry as CSV (all or nothing, problems with row
 * and column, round trip) against a store holding the real communes of data/vn-units: every
 * station of the demo file lies inside a real commune. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "geo/geo.h"
#include "helpers/communes.h"
#include "helpers/tmpdir.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *db;
static struct env_places *places;
static struct env_lookup lk;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(
        store_agency_add(db, "SO-NNMT", "Sở Nông nghiệp và Môi trường", NULL, "", NULL), 0);
    struct geo_feature *f = NULL;
    size_t n = 0;
    assert_int_equal(test_communes_load(&f, &n), 0);
    assert_true(n >= 90);
    for (size_t i = 0; i < n; i++) {
        struct store_unit u = {.code = f[i].code,
                               .level = "commune",
                               .type = "Phường",
                               .name = f[i].name,
                               .full_name = f[i].name,
                               .name_en = "",
                               .parent_code = "75",
                               .valid_from = "2025-07-01",
                               .valid_to = ""};
        memcpy(u.bbox, f[i].bbox, sizeof u.bbox);
        u.has_geometry = 1;
        assert_int_equal(store_unit_put(db, &u, f[i].geometry, NULL), 0);
    }
    geo_features_free(f, n);
    assert_int_equal(env_places_open(db, &places), 0);
    env_places_lookup(places, &lk);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    env_places_close(places);
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_kinds_and_codes(void **state)
{
    (void)state;
    static const char *const m[] = {"air", "water", "water_quality", "noise"};
    for (int k = 0; k < ENV_NKINDS; k++) {
        assert_int_equal(env_kind_of(env_kind_name((enum env_kind)k)), k);
        assert_string_equal(env_kind_measurement((enum env_kind)k), m[k]);
    }
    assert_int_equal(env_kind_of("water"), -1);
    assert_int_equal(env_kind_of(NULL), -1);
    assert_null(env_kind_measurement(ENV_NKINDS));
    assert_true(env_code_valid("AQ-BH1"));
    assert_true(env_code_valid("0"));
    assert_true(env_code_valid("A_B-C"));
    assert_true(env_code_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")); /* 32 */
    assert_false(env_code_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
    assert_false(env_code_valid(""));
    assert_false(env_code_valid("-A"));
    assert_false(env_code_valid("aq-bh1"));
    assert_false(env_code_valid("AQ BH1"));
    assert_false(env_code_valid(NULL));
}

static struct store_station good(void)
{
    struct store_station s = {0};
    s.code = "WL-T1";
    s.name_vi = "Trạm thử";
    s.name_en = "";
    s.kind = "water_level";
    s.lat = 10.9368;
    s.lon = 106.8112;
    s.measures = "level,temperature";
    s.agency = "SO-NNMT";
    s.alarm[0] = 1.6, s.alarm[1] = 2.0, s.alarm[2] = 2.4;
    s.has_alarm[0] = s.has_alarm[1] = s.has_alarm[2] = 1;
    return s;
}

struct seen {
    char fields[512];
    int n;
};

static void collect(void *ctx, const char *field, const char *why)
{
    struct seen *s = ctx;
    assert_true(why[0] != '\0');
    size_t len = strlen(s->fields);
    snprintf(s->fields + len, sizeof s->fields - len, "%s%s", s->n++ ? " " : "", field);
}

static const char *problems(const struct store_station *s)
{
    static struct seen seen;
    memset(&seen, 0, sizeof seen);
    char commune[ENV_UNIT_CODE_MAX];
    int rc = env_station_check(s, &lk, commune, collect, &seen);
    assert_int_equal(rc, seen.n ? IOC_EINVAL : 0);
    return seen.fields;
}

static void test_check_good_and_commune(void **state)
{
    (void)state;
    struct store_station s = good();
    char commune[ENV_UNIT_CODE_MAX];
    assert_int_equal(env_station_check(&s, &lk, commune, NULL, NULL), 0);
    assert_string_equal(commune, "26068"); /* Biên Hoà */
    s.has_alarm[1] = 0;                    /* I and III only: still ascending */
    assert_string_equal(problems(&s), "");
    s = good();
    s.has_alarm[0] = s.has_alarm[1] = s.has_alarm[2] = 0;
    assert_string_equal(problems(&s), "");
    s.kind = "air";
    s.agency = "";
    assert_string_equal(problems(&s), "");
}

static void test_check_names_each_field(void **state)
{
    (void)state;
    struct store_station s = good();
    s.code = "bad code";
    assert_string_equal(problems(&s), "code");
    s = good();
    s.name_vi = "";
    assert_string_equal(problems(&s), "name_vi");
    s = good();
    s.name_en = "two\nlines";
    assert_string_equal(problems(&s), "name_en");
    s = good();
    s.kind = "volcano";
    assert_string_equal(problems(&s), "kind");
    s = good();
    s.lat = 91;
    assert_string_equal(problems(&s), "lat");
    s = good();
    s.lon = NAN;
    assert_string_equal(problems(&s), "lon");
    s = good();
    s.lat = 21.03, s.lon = 105.85; /* Hà Nội */
    assert_string_equal(problems(&s), "lat");
    s = good();
    s.lat = 106.8112, s.lon = 10.9368; /* swapped: lat > 90 */
    assert_string_equal(problems(&s), "lat");
    s = good();
    s.measures = "";
    assert_string_equal(problems(&s), "measures");
    s.measures = "level,,x";
    assert_string_equal(problems(&s), "measures");
    s.measures = "Level";
    assert_string_equal(problems(&s), "measures");
    s.measures = "level,level";
    assert_string_equal(problems(&s), "measures");
    s.measures = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p";
    assert_string_equal(problems(&s), "");
    s.measures = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q";
    assert_string_equal(problems(&s), "measures");
    s = good();
    s.agency = "NOPE";
    assert_string_equal(problems(&s), "agency");
    s = good();
    s.alarm[1] = 1.6; /* equal is not ascending */
    assert_string_equal(problems(&s), "alarm2");
    s = good();
    s.has_alarm[1] = 0;
    s.alarm[2] = 1.0;
    assert_string_equal(problems(&s), "alarm3");
    s = good();
    s.alarm[0] = INFINITY;
    assert_string_equal(problems(&s), "alarm1");
    s = good();
    s.kind = "air";
    assert_string_equal(problems(&s), "alarm1 alarm2 alarm3");
    s = good();
    s.synthetic = 2;
    assert_string_equal(problems(&s), "synthetic");
    s = good();
    s.code = "";
    s.kind = "noise";
    s.agency = "X";
    assert_string_equal(problems(&s), "code alarm1 alarm2 alarm3 agency");
}

static void test_status_edges(void **state)
{
    (void)state;
    struct env_settings cfg = {900, 7200};
    int64_t now = 1700000000000;
    assert_int_equal(env_station_status(0, now, &cfg), ENV_NEVER);
    assert_int_equal(env_station_status(now, now, &cfg), ENV_ONLINE);
    assert_int_equal(env_station_status(now + 60000, now, &cfg), ENV_ONLINE);
    assert_int_equal(env_station_status(now - 900000, now, &cfg), ENV_ONLINE);
    assert_int_equal(env_station_status(now - 900001, now, &cfg), ENV_STALE);
    assert_int_equal(env_station_status(now - 7200000, now, &cfg), ENV_STALE);
    assert_int_equal(env_station_status(now - 7200001, now, &cfg), ENV_OFFLINE);
    assert_string_equal(env_status_name(ENV_NEVER), "never");
    assert_string_equal(env_status_name(ENV_ONLINE), "online");
    assert_string_equal(env_status_name(ENV_STALE), "stale");
    assert_string_equal(env_status_name(ENV_OFFLINE), "offline");
    struct store_station s = good();
    int64_t last = 5;
    assert_int_equal(env_stations_last_readings(NULL, &s, 1, &last), 0);
    assert_int_equal(last, 0);
}

/* ---- CSV ---- */

struct csv_seen {
    char text[2048];
    size_t n;
};

static void csv_collect(void *ctx, const struct env_csv_problem *p)
{
    struct csv_seen *s = ctx;
    assert_true(p->why[0] != '\0');
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%zu:%s;", p->row, p->column);
    s->n++;
}

static void test_demo_file_inside_real_communes(void **state)
{
    (void)state;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(ioc_file_read("data/environment/stations.csv", 1 << 20, &data, &len), 0);
    struct store_station *s = NULL;
    size_t n = 0, np = 0;
    struct csv_seen seen = {{0}, 0};
    assert_int_equal(env_stations_csv_parse(data, len, &lk, csv_collect, &seen, &np, &s, &n), 0);
    assert_string_equal(seen.text, "");
    assert_int_equal(np, 0);
    assert_true(n >= 18);
    int air = 0, water = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(strlen(s[i].commune), 5);
        assert_int_equal(s[i].synthetic, 1);
        air += strcmp(s[i].kind, "air") == 0;
        water += strcmp(s[i].kind, "water_level") == 0;
        if (strcmp(s[i].code, "AQ-DX1") == 0)
            assert_string_equal(s[i].commune, "25210"); /* Đồng Xoài */
        if (strcmp(s[i].code, "WL-DN1") == 0) {
            assert_string_equal(s[i].commune, "26134"); /* Tà Lài */
            assert_true(s[i].has_alarm[2] && s[i].alarm[2] == 114);
        }
    }
    assert_true(air >= 12 && water >= 5);
    /* export writes the file back byte for byte */
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(env_stations_csv(s, n, &b), 0);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, data, len);
    ioc_buf_free(&b);
    store_stations_free(s, n);
    free(data);
}

static size_t parse_problems(const char *text, char *out, size_t size)
{
    struct store_station *s = NULL;
    size_t n = 0, np = 0;
    struct csv_seen seen = {{0}, 0};
    int rc = env_stations_csv_parse(text, strlen(text), &lk, csv_collect, &seen, &np, &s, &n);
    assert_int_equal(np, seen.n);
    assert_int_equal(rc, np ? IOC_EINVAL : 0);
    if (rc)
        assert_null(s);
    store_stations_free(s, n);
    snprintf(out, size, "%s", seen.text);
    return np;
}

static void test_csv_problems(void **state)
{
    (void)state;
    char got[2048];
    const char *h = "code,name_vi,name_en,kind,lat,lon,measures,agency,alarm1,alarm2,alarm3,"
                    "synthetic\n";
    char text[4096];
    snprintf(text, sizeof text,
             "%sA1,Một,,air,10.95,106.82,pm25,,,,,0\n"
             "A2,Hai,,air,x,106.82,pm25,,,,,0\n"
             "A3,Ba,,air,10.95,106.82,pm25,,,,,yes\n"
             "A1,Lặp,,air,10.95,106.82,pm25,,,,,0\n"
             "A4,Bốn,,air\n"
             "A5,\"Năm\"x,,air,10.95,106.82,pm25,,,,,0\n"
             "W1,Sáu,,water_level,10.95,106.82,level,,2,,1,0\n",
             h);
    assert_int_equal(parse_problems(text, got, sizeof got), 6);
    assert_string_equal(got, "2:lat;3:synthetic;4:code;5:;6:;7:alarm3;");
    /* header: unknown, repeated and missing columns; the rows are not read then */
    assert_int_equal(parse_problems("code,name_vi,commune,code\nA1,x,y,z\n", got, sizeof got), 5);
    assert_string_equal(got, "0:;0:code;0:kind;0:lat;0:lon;");
    assert_int_equal(parse_problems("", got, sizeof got), 1);
    /* a BOM, CRLF, columns in another order, the optional ones absent */
    assert_int_equal(
        parse_problems(
            "\xEF\xBB\xBFlon,lat,kind,name_vi,code,measures\r\n106.82,10.95,air,Một,A1,pm25\r\n",
            got, sizeof got),
        0);
}

static void test_csv_round_trip_and_import(void **state)
{
    (void)state;
    const char *text =
        "code,name_vi,name_en,kind,lat,lon,measures,agency,alarm1,alarm2,alarm3,synthetic\n"
        "A1,\"Trạm \"\"một\"\", thử\",One,air,10.95,106.82,\"pm25,pm10\",SO-NNMT,,,,0\n"
        "W1,Nước,,water_level,10.9368,106.8112,level,,1.25,,3,1\n";
    struct env_import im = {.data = text, .len = strlen(text), .actor = "test", .target = "t"};
    assert_int_equal(store_tx(db, env_stations_import_job, &im), 0);
    assert_int_equal(im.added, 2);
    struct store_station *s = NULL;
    size_t n = 0;
    assert_int_equal(store_stations_find(db, NULL, &s, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(s[0].name_vi, "Trạm \"một\", thử");
    assert_string_equal(s[1].commune, "26068");
    assert_string_equal(s[1].commune_name, "Biên Hoà");
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(env_stations_csv(s, n, &b), 0);
    assert_int_equal(b.len, strlen(text));
    assert_memory_equal(b.data, text, b.len);
    ioc_buf_free(&b);
    store_stations_free(s, n);
    /* again: unchanged; a refused file changes nothing */
    assert_int_equal(store_tx(db, env_stations_import_job, &im), 0);
    assert_int_equal(im.unchanged, 2);
    const char *bad = "code,name_vi,kind,lat,lon,measures\nA1,Đổi,air,10.95,106.82,pm25\n"
                      "A9,X,air,1,1,pm25\n";
    struct env_import im2 = {.data = bad, .len = strlen(bad), .actor = "test"};
    assert_int_equal(store_tx(db, env_stations_import_job, &im2), IOC_EINVAL);
    assert_int_equal(im2.problems, 1);
    struct store_station one;
    assert_int_equal(store_station_get(db, "A1", &one), 0);
    assert_string_equal(one.name_vi, "Trạm \"một\", thử");
    store_station_clear(&one);
    struct env_demo_station *d = NULL;
    assert_int_equal(env_demo_stations(db, &d, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[1].code, "W1");
    assert_int_equal(d[1].kind, ENV_WATER_LEVEL);
    assert_string_equal(d[1].commune_name, "Biên Hoà");
    assert_true(d[1].alarm[0] == 1.25 && isnan(d[1].alarm[1]) && d[1].alarm[2] == 3);
    free(d);
}

static void test_field_units(void **state)
{
    (void)state;
    assert_string_equal(env_field_unit(ENV_NOISE, "laeq"), "dB(A)");
    assert_string_equal(env_field_unit(ENV_WATER_QUALITY, "do"), "mg/l");
    assert_string_equal(env_field_unit(ENV_WATER_QUALITY, "tss"), "mg/l");
    assert_string_equal(env_field_unit(ENV_WATER_QUALITY, "ph"), "");
    assert_string_equal(env_field_unit(ENV_WATER_LEVEL, "level"), "m");
    assert_null(env_field_unit(ENV_NOISE, "ph")); /* a field of another kind */
    assert_null(env_field_unit(ENV_WATER_QUALITY, "cod"));
    size_t n = 9;
    struct env_value v[2];
    assert_int_equal(env_station_latest(NULL, ENV_NOISE, "NO-1", v, 2, &n), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_codes),
        cmocka_unit_test(test_check_good_and_commune),
        cmocka_unit_test(test_check_names_each_field),
        cmocka_unit_test(test_status_edges),
        cmocka_unit_test(test_demo_file_inside_real_communes),
        cmocka_unit_test(test_csv_problems),
        cmocka_unit_test(test_csv_round_trip_and_import),
        cmocka_unit_test(test_field_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
