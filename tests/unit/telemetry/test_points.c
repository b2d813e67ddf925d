/* Unit tests for src/telemetry/points.c: parsed points into engine points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "telemetry/telemetry.h"

static int add(void *ctx, const struct telemetry_lp_point *pt)
{
    return telemetry_batch_add(ctx, pt);
}

/* Parses text (ns precision, default time 7) into b; the parse's return. */
static int parse(struct telemetry_batch *b, const char *text)
{
    struct telemetry_lp_parser *p;
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    int rc = telemetry_lp_parse(p, text, strlen(text), TELEMETRY_LP_NS, 7, add, NULL, b, NULL);
    telemetry_lp_destroy(p);
    return rc;
}

static void test_points_one_engine_point_per_numeric_field_strings_skipped(void **state)
{
    (void)state;
    struct telemetry_batch b;
    telemetry_batch_init(&b, 100);
    assert_int_equal(parse(&b, "air,unit=26041,station=DN-01 pm25=12.5,n=3i,ok=t,note=\"x\" 99\n"),
                     0);
    telemetry_batch_finish(&b);
    assert_int_equal(b.n, 3);
    assert_int_equal(b.strings, 1);
    struct ioc_buf want;
    ioc_buf_init(&want, 0);
    struct tsdb_tag tags[] = {{"station", 7, "DN-01", 5}, {"unit", 4, "26041", 5}};
    assert_int_equal(tsdb_series_key(&want, "air", 3, "pm25", 4, tags, 2), 0);
    assert_int_equal(b.pts[0].key_len, want.len);
    assert_memory_equal(b.pts[0].key, want.data, want.len);
    assert_int_equal(b.pts[0].type, TSDB_FLOAT);
    assert_true(tsdb_value_double(TSDB_FLOAT, b.pts[0].v) == 12.5);
    assert_int_equal(b.pts[0].t, 99);
    assert_int_equal(b.pts[1].type, TSDB_INT);
    assert_int_equal((int64_t)b.pts[1].v, 3);
    assert_int_equal(b.pts[2].type, TSDB_BOOL);
    assert_int_equal(b.pts[2].v, 1);
    ioc_buf_free(&want);
    telemetry_batch_free(&b);
}

static void test_points_keys_stay_right_when_the_key_buffer_grows(void **state)
{
    (void)state;
    struct telemetry_batch b;
    telemetry_batch_init(&b, 100000);
    char line[128];
    for (int i = 0; i < 2000; i++) {
        snprintf(line, sizeof line, "m,station=S%04d v=%d %d\n", i, i, i + 1);
        assert_int_equal(parse(&b, line), 0);
    }
    telemetry_batch_finish(&b);
    assert_int_equal(b.n, 2000);
    struct tsdb_series_parts sp;
    struct tsdb_tag t;
    assert_int_equal(tsdb_series_key_parse(b.pts[1999].key, b.pts[1999].key_len, &sp), 0);
    assert_int_equal(tsdb_series_parts_tag(&sp, 0, &t), 0);
    assert_memory_equal(t.value, "S1999", 5);
    telemetry_batch_free(&b);
}

static void test_points_past_max_points_the_parse_stops_with_etoobig(void **state)
{
    (void)state;
    struct telemetry_batch b;
    telemetry_batch_init(&b, 3);
    assert_int_equal(parse(&b, "m a=1,b=2 1\nm a=1,b=2 2\n"), IOC_ETOOBIG);
    assert_int_equal(b.n, 3); /* what fitted stays */
    telemetry_batch_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points_one_engine_point_per_numeric_field_strings_skipped),
        cmocka_unit_test(test_points_keys_stay_right_when_the_key_buffer_grows),
        cmocka_unit_test(test_points_past_max_points_the_parse_stops_with_etoobig),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
