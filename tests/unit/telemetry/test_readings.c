/* Unit tests for CSV readings to points (src/telemetry/readings.c; its RFC 3339 times are
 * ioc_time_parse_ns, tested in base/test_time.c): one behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

/* Points as "line:name|k=v,...|key:type:value,...|time" and errors as "line:column:message",
 * in one log in callback order. */
struct seen {
    char log[16][400];
    size_t n;
    struct telemetry_readings_stats stats;
};

static void put(char *b, struct telemetry_str s)
{
    size_t len = strlen(b);
    snprintf(b + len, 400 - len, "%.*s", (int)s.n, s.p);
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct seen *s = ctx;
    if (s->n == 16)
        return 0;
    char *b = s->log[s->n++];
    snprintf(b, 400, "%zu:", pt->line);
    put(b, pt->name);
    strcat(b, "|");
    for (size_t i = 0; i < pt->ntags; i++) {
        strcat(b, i ? "," : "");
        put(b, pt->tags[i].key);
        strcat(b, "=");
        put(b, pt->tags[i].value);
    }
    strcat(b, "|");
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        strcat(b, i ? "," : "");
        put(b, f->key);
        size_t len = strlen(b);
        if (f->type == TELEMETRY_LP_FLOAT)
            snprintf(b + len, 400 - len, ":f:%.17g", f->v.f);
        else if (f->type == TELEMETRY_LP_INT)
            snprintf(b + len, 400 - len, ":i:%lld", (long long)f->v.i);
        else if (f->type == TELEMETRY_LP_BOOL)
            snprintf(b + len, 400 - len, ":b:%d", f->v.b);
        else
            strcat(b, ":?");
    }
    size_t len = strlen(b);
    snprintf(b + len, 400 - len, "|%lld", (long long)pt->time_ns);
    return 0;
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct seen *s = ctx;
    if (s->n < 16)
        snprintf(s->log[s->n++], 400, "%zu:%zu:%s", e->line, e->column, e->message);
    return 0;
}

/* Reads text in pieces of `piece` bytes (0: whole) with options o (NULL: defaults). Returns
 * the first non-zero code of feed or finish. */
static int run_pieces(const char *text, size_t piece, const struct telemetry_readings_options *o,
                      struct seen *s)
{
    struct telemetry_readings *rd = NULL;
    struct telemetry_readings_options def = {.precision = TELEMETRY_LP_S};
    assert_int_equal(telemetry_readings_create(o ? o : &def, &rd), 0);
    size_t n = strlen(text);
    int rc = 0;
    if (piece == 0)
        piece = n ? n : 1;
    for (size_t off = 0; off < n && rc == 0; off += piece)
        rc = telemetry_readings_feed(rd, text + off, n - off < piece ? n - off : piece, on_point,
                                     on_error, s);
    if (rc == 0)
        rc = telemetry_readings_finish(rd, on_point, on_error, s);
    telemetry_readings_stats_get(rd, &s->stats);
    telemetry_readings_destroy(rd);
    return rc;
}

static int run(const char *text, const struct telemetry_readings_options *o, struct seen *s)
{
    return run_pieces(text, 0, o, s);
}

static void test_readings_row_becomes_point(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.station,pm25\n"
                         "2024-05-01T10:00:00Z,air,BH-01,12.5\n",
                         NULL, &s),
                     0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "2:air|station=BH-01|pm25:f:12.5|1714557600000000000");
}

static void test_readings_tags_sorted_by_key(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("tag.zone,time,tag.b,measurement,v,tag.a\nz1,0,b1,m,1,a1\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m|a=a1,b=b1,zone=z1|v:f:1|0");
}

static void test_readings_fields_in_column_order(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("z,time,measurement,a\n1,0,m,2\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m||z:f:1,a:f:2|0");
}

static void test_readings_measurement_option_without_column(void **state)
{
    (void)state;
    struct seen s = {0};
    struct telemetry_readings_options o = {.measurement = "water", .precision = TELEMETRY_LP_S};
    assert_int_equal(run("time,level\n5,1.25\n", &o, &s), 0);
    assert_string_equal(s.log[0], "2:water||level:f:1.25|5000000000");
}

static void test_readings_empty_measurement_cell_takes_option(void **state)
{
    (void)state;
    struct seen s = {0};
    struct telemetry_readings_options o = {.measurement = "dflt", .precision = TELEMETRY_LP_S};
    assert_int_equal(run("time,measurement,v\n1,,1\n2,own,2\n", &o, &s), 0);
    assert_string_equal(s.log[0], "2:dflt||v:f:1|1000000000");
    assert_string_equal(s.log[1], "3:own||v:f:2|2000000000");
}

static void test_readings_empty_measurement_without_option_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n1,,1\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:2:the row has no measurement");
}

static void test_readings_empty_field_cell_is_absent(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,a,b\n0,m,,2\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m||b:f:2|0");
}

static void test_readings_empty_tag_cell_is_absent(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.a,tag.b,v\n0,m,,x,1\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m|b=x|v:f:1|0");
}

static void test_readings_true_false_are_booleans(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,a,b,c,d\n0,m,true,FALSE,True,false\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m||a:b:1,b:b:0,c:b:1,d:b:0|0");
}

static void test_readings_t_and_f_are_not_booleans(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,a\n0,m,t\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:3:not a number, true or false (column \"a\": \"t\")");
}

static void test_readings_int_column_gives_integer(void **state)
{
    (void)state;
    struct seen s = {0};
    const char *ints[] = {"count"};
    struct telemetry_readings_options o = {
        .precision = TELEMETRY_LP_S, .int_columns = ints, .nint_columns = 1};
    assert_int_equal(run("time,measurement,count,v\n0,m,-9223372036854775808,7\n", &o, &s), 0);
    assert_string_equal(s.log[0], "2:m||count:i:-9223372036854775808,v:f:7|0");
}

static void test_readings_int_column_refuses_decimal(void **state)
{
    (void)state;
    struct seen s = {0};
    const char *ints[] = {"count"};
    struct telemetry_readings_options o = {
        .precision = TELEMETRY_LP_S, .int_columns = ints, .nint_columns = 1};
    assert_int_equal(run("time,measurement,count\n0,m,1.5\n0,m,9223372036854775808\n", &o, &s), 0);
    assert_string_equal(s.log[0], "2:3:not an integer (column \"count\": \"1.5\")");
    assert_string_equal(
        s.log[1],
        "3:3:integer out of range (64-bit signed) (column \"count\": \"9223372036854775808\")");
}

static void test_readings_float_forms(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,a,b,c\n0,m,-1.5e-3,.5,10\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:m||a:f:-0.0015,b:f:0.5,c:f:10|0");
}

static void test_readings_text_in_field_refused_with_line_and_column(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,pm25,pm10\n0,m,1,2\n0,m,1,abc\n0,m,3,4\n", NULL, &s), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[1], "3:4:not a number, true or false (column \"pm10\": \"abc\")");
    assert_string_equal(s.log[2], "4:m||pm25:f:3,pm10:f:4|0");
}

static void test_readings_comma_decimal_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n0,m,\"1,5\"\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:3:not a number, true or false (column \"v\": \"1,5\")");
}

static void test_readings_row_without_field_value_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.a,v,w\n0,m,x,,\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:0:the row has no field value");
}

static void test_readings_cell_count_mismatch_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n0,m\n0,m,1\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:0:the row has 2 cells, the header 3");
    assert_string_equal(s.log[1], "3:m||v:f:1|0");
}

static void test_readings_integer_time_scaled_by_precision(void **state)
{
    (void)state;
    struct seen s = {0};
    struct telemetry_readings_options o = {.measurement = "m", .precision = TELEMETRY_LP_MS};
    assert_int_equal(run("time,v\n1700000000123,1\n-5,1\n", &o, &s), 0);
    assert_string_equal(s.log[0], "2:m||v:f:1|1700000000123000000");
    assert_string_equal(s.log[1], "3:m||v:f:1|-5000000");
}

static void test_readings_integer_time_overflow_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n9223372037,m,1\n", NULL, &s), 0);
    assert_string_equal(
        s.log[0],
        "2:1:timestamp out of range once scaled to nanoseconds (column \"time\": \"9223372037\")");
}

static void test_readings_rfc3339_offset_and_fraction(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n"
                         "2024-05-01T17:00:00.5+07:00,m,1\n"
                         "2024-05-01 10:00:00.000000001z,m,1\n",
                         NULL, &s),
                     0);
    assert_string_equal(s.log[0], "2:m||v:f:1|1714557600500000000");
    assert_string_equal(s.log[1], "3:m||v:f:1|1714557600000000001");
}

static void test_readings_time_without_offset_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n2024-05-01T10:00:00,m,1\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:1:the time is neither an RFC 3339 time with an offset nor "
                                  "an integer (column \"time\": \"2024-05-01T10:00:00\")");
}

static void test_readings_empty_time_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("measurement,v,time\nm,1,\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:3:the time is empty (column \"time\": \"\")");
}

static void test_readings_tag_value_with_control_character_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.a,v\n0,m,\"x\ny\",1\n", NULL, &s), 0);
    assert_string_equal(s.log[0],
                        "2:3:a tag value holds a control character (column \"tag.a\": \"x?y\")");
}

static void test_readings_long_value_shown_cut(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(
        run("time,measurement,v\n0,m,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "2:3:not a number, true or false (column \"v\": "
                                  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…\")");
}

static void test_readings_point_line_is_where_row_starts(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(
        run("\n\ntime,measurement,tag.note,v\n0,m,\"two\nlines\",1\n0,m,x,2\n", NULL, &s), 0);
    assert_string_equal(s.log[0], "4:3:a tag value holds a control character (column "
                                  "\"tag.note\": \"two?lines\")");
    assert_string_equal(s.log[1], "6:m|note=x|v:f:2|0");
}

static void test_readings_csv_error_refuses_row_and_goes_on(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v\n0,m,1\"\n0,m,\xFF\n0,m,3\n", NULL, &s), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(
        s.log[0], "2:3:a quote inside a field that does not start with one (byte 6 of the line)");
    assert_string_equal(s.log[1], "3:3:invalid UTF-8 (byte 5 of the line)");
    assert_string_equal(s.log[2], "4:m||v:f:3|0");
    assert_int_equal(s.stats.rows, 3);
    assert_int_equal(s.stats.points, 1);
    assert_int_equal(s.stats.refused, 2);
}

static void test_readings_header_without_time_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("measurement,v\nm,1\n", NULL, &s), IOC_EINVAL);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:0:the header has no time column");
}

static void test_readings_header_without_field_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.a\n0,m,x\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:0:the header has no field column");
}

static void test_readings_header_without_measurement_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,v\n0,1\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:0:no measurement column and no measurement option");
}

static void test_readings_header_repeated_column_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v,v\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:4:a column name is repeated");
}

static void test_readings_header_empty_column_name_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,,v\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0],
                        "1:3:a column name is empty, too long or holds a control character");
}

static void test_readings_header_bare_tag_prefix_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,tag.,v\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:3:a tag column needs a key after \"tag.\"");
}

static void test_readings_int_option_not_a_field_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    const char *ints[] = {"tag.a"};
    struct telemetry_readings_options o = {
        .precision = TELEMETRY_LP_S, .int_columns = ints, .nint_columns = 1};
    assert_int_equal(run("time,measurement,tag.a,v\n", &o, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:0:the integer column \"tag.a\" is not a field column");
}

static void test_readings_header_csv_error_is_fatal(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,\"measurement\"x,v\n0,m,1\n", NULL, &s), IOC_EINVAL);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0],
                        "1:2:text after the closing quote of a field (byte 19 of the line)");
}

static void test_readings_empty_file_has_no_header(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("\xEF\xBB\xBF\n", NULL, &s), IOC_EINVAL);
    assert_string_equal(s.log[0], "1:0:the file has no header row");
}

static void test_readings_header_only_gives_nothing(void **state)
{
    (void)state;
    struct seen s = {0};
    assert_int_equal(run("time,measurement,v", NULL, &s), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.stats.rows, 0);
}

static void test_readings_fed_in_pieces_same_points(void **state)
{
    (void)state;
    const char *t = "\xEF\xBB\xBFtime,measurement,tag.s,v,ok\r\n"
                    "2024-01-01T00:00:00Z,m,\"a,b\",1.5,true\r\n"
                    "1,m,x,bad,\r\n"
                    "2,m,\"y\r\nz\",,false";
    struct seen whole = {0};
    assert_int_equal(run(t, NULL, &whole), 0);
    assert_int_equal(whole.n, 3);
    for (size_t piece = 1; piece < 9; piece++) {
        struct seen cut = {0};
        assert_int_equal(run_pieces(t, piece, NULL, &cut), 0);
        assert_int_equal(cut.n, whole.n);
        for (size_t i = 0; i < whole.n; i++)
            assert_string_equal(cut.log[i], whole.log[i]);
    }
}

static void test_readings_create_refuses_bad_options(void **state)
{
    (void)state;
    struct telemetry_readings *rd = NULL;
    struct telemetry_readings_options empty = {.measurement = ""};
    struct telemetry_readings_options ctl = {.measurement = "a\tb"};
    struct telemetry_readings_options prec = {.precision = (enum telemetry_lp_precision)9};
    assert_int_equal(telemetry_readings_create(&empty, &rd), IOC_EINVAL);
    assert_int_equal(telemetry_readings_create(&ctl, &rd), IOC_EINVAL);
    assert_int_equal(telemetry_readings_create(&prec, &rd), IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readings_row_becomes_point),
        cmocka_unit_test(test_readings_tags_sorted_by_key),
        cmocka_unit_test(test_readings_fields_in_column_order),
        cmocka_unit_test(test_readings_measurement_option_without_column),
        cmocka_unit_test(test_readings_empty_measurement_cell_takes_option),
        cmocka_unit_test(test_readings_empty_measurement_without_option_refused),
        cmocka_unit_test(test_readings_empty_field_cell_is_absent),
        cmocka_unit_test(test_readings_empty_tag_cell_is_absent),
        cmocka_unit_test(test_readings_true_false_are_booleans),
        cmocka_unit_test(test_readings_t_and_f_are_not_booleans),
        cmocka_unit_test(test_readings_int_column_gives_integer),
        cmocka_unit_test(test_readings_int_column_refuses_decimal),
        cmocka_unit_test(test_readings_float_forms),
        cmocka_unit_test(test_readings_text_in_field_refused_with_line_and_column),
        cmocka_unit_test(test_readings_comma_decimal_refused),
        cmocka_unit_test(test_readings_row_without_field_value_refused),
        cmocka_unit_test(test_readings_cell_count_mismatch_refused),
        cmocka_unit_test(test_readings_integer_time_scaled_by_precision),
        cmocka_unit_test(test_readings_integer_time_overflow_refused),
        cmocka_unit_test(test_readings_rfc3339_offset_and_fraction),
        cmocka_unit_test(test_readings_time_without_offset_refused),
        cmocka_unit_test(test_readings_empty_time_refused),
        cmocka_unit_test(test_readings_tag_value_with_control_character_refused),
        cmocka_unit_test(test_readings_long_value_shown_cut),
        cmocka_unit_test(test_readings_point_line_is_where_row_starts),
        cmocka_unit_test(test_readings_csv_error_refuses_row_and_goes_on),
        cmocka_unit_test(test_readings_header_without_time_is_fatal),
        cmocka_unit_test(test_readings_header_without_field_is_fatal),
        cmocka_unit_test(test_readings_header_without_measurement_is_fatal),
        cmocka_unit_test(test_readings_header_repeated_column_is_fatal),
        cmocka_unit_test(test_readings_header_empty_column_name_is_fatal),
        cmocka_unit_test(test_readings_header_bare_tag_prefix_is_fatal),
        cmocka_unit_test(test_readings_int_option_not_a_field_is_fatal),
        cmocka_unit_test(test_readings_header_csv_error_is_fatal),
        cmocka_unit_test(test_readings_empty_file_has_no_header),
        cmocka_unit_test(test_readings_header_only_gives_nothing),
        cmocka_unit_test(test_readings_fed_in_pieces_same_points),
        cmocka_unit_test(test_readings_create_refuses_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
