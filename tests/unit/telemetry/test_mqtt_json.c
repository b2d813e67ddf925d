/* Unit tests for JSON payloads of MQTT messages (src/telemetry/mqtt_json.c,
 * telemetry_json_parse): one behaviour per test. The subscriber itself is test_mqtt.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

struct seen {
    char points[8][512]; /* "name|k=v,...|f:type:value,...|time line" */
    size_t npoints;
    char errors[8][256]; /* "line:column:message" */
    size_t nerrors;
    struct telemetry_lp_stats stats;
    int rc;
};

static struct seen R;

static void put(char *b, size_t cap, struct telemetry_str s)
{
    size_t len = strlen(b);
    snprintf(b + len, cap - len, "%.*s", (int)s.n, s.p);
}

static void field(char *b, size_t cap, const struct telemetry_lp_field *f)
{
    size_t len = strlen(b);
    if (f->type == TELEMETRY_LP_FLOAT)
        snprintf(b + len, cap - len, ":f:%.17g", f->v.f);
    else if (f->type == TELEMETRY_LP_INT)
        snprintf(b + len, cap - len, ":i:%lld", (long long)f->v.i);
    else if (f->type == TELEMETRY_LP_UINT)
        snprintf(b + len, cap - len, ":u:%llu", (unsigned long long)f->v.u);
    else if (f->type == TELEMETRY_LP_BOOL)
        snprintf(b + len, cap - len, ":b:%d", f->v.b);
    else {
        strcat(b, ":s:");
        put(b, cap, f->v.s);
    }
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct seen *r = ctx;
    if (r->npoints == 8)
        return 0;
    char *b = r->points[r->npoints++];
    size_t cap = sizeof r->points[0];
    b[0] = '\0';
    put(b, cap, pt->name);
    strcat(b, "|");
    for (size_t i = 0; i < pt->ntags; i++) {
        strcat(b, i ? "," : "");
        put(b, cap, pt->tags[i].key);
        strcat(b, "=");
        put(b, cap, pt->tags[i].value);
    }
    strcat(b, "|");
    for (size_t i = 0; i < pt->nfields; i++) {
        strcat(b, i ? "," : "");
        put(b, cap, pt->fields[i].key);
        field(b, cap, &pt->fields[i]);
    }
    size_t len = strlen(b);
    snprintf(b + len, cap - len, "|%lld %zu", (long long)pt->time_ns, pt->line);
    return 0;
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct seen *r = ctx;
    if (r->nerrors < 8)
        snprintf(r->errors[r->nerrors++], sizeof r->errors[0], "%zu:%zu:%s", e->line, e->column,
                 e->message);
    return 0;
}

static const struct telemetry_lp_limits LIM = {1024, 4, 4, 16, 32};

static void parse_prec(const char *text, enum telemetry_lp_precision prec, size_t max_points)
{
    memset(&R, 0, sizeof R);
    struct telemetry_str name = {"air", 3};
    R.rc = telemetry_json_parse(text, strlen(text), name, &LIM, max_points, prec,
                                1700000000987654321, on_point, on_error, &R, &R.stats);
}

/* The one point of text; fails unless there is exactly one and no error. */
static const char *one(const char *text)
{
    parse_prec(text, TELEMETRY_LP_NS, 100);
    if (R.npoints != 1 || R.nerrors != 0)
        fail_msg("%s: %zu points, %zu errors (%s)", text, R.npoints, R.nerrors,
                 R.nerrors ? R.errors[0] : "");
    return R.points[0];
}

/* The one error of text; fails unless there is exactly one and no point. */
static const char *refused(const char *text)
{
    parse_prec(text, TELEMETRY_LP_NS, 100);
    if (R.npoints != 0 || R.nerrors != 1 || R.stats.bad_lines != 1)
        fail_msg("%s accepted: %zu points, %zu errors", text, R.npoints, R.nerrors);
    return R.errors[0];
}

static void test_json_object_full_point(void **state)
{
    (void)state;
    assert_string_equal(one("{\"time\":5,\"tags\":{\"st\":\"B1\"},\"fields\":{\"v\":1.5}}"),
                        "air|st=B1|v:f:1.5|5 1");
}

static void test_json_tags_sorted_by_key(void **state)
{
    (void)state;
    assert_string_equal(one("{\"tags\":{\"b\":\"2\",\"a\":\"1\",\"ab\":\"3\"},"
                            "\"fields\":{\"v\":1},\"time\":1}"),
                        "air|a=1,ab=3,b=2|v:f:1|1 1");
}

static void test_json_fields_keep_their_order(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"z\":1,\"a\":2},\"time\":1}"), "air||z:f:1,a:f:2|1 1");
}

static void test_json_plain_values_are_float_bool_string(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"n\":12,\"ok\":false,\"s\":\"h\\u00e9\"},\"time\":1}"),
                        "air||n:f:12,ok:b:0,s:s:hé|1 1");
}

static void test_json_typed_values(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"a\":{\"int\":\"-9223372036854775808\"},"
                            "\"b\":{\"uint\":\"18446744073709551615\"},\"c\":{\"int\":7},"
                            "\"d\":{\"float\":2}},\"time\":1}"),
                        "air||a:i:-9223372036854775808,b:u:18446744073709551615,c:i:7,"
                        "d:f:2|1 1");
}

static void test_json_typed_string_and_bool(void **state)
{
    (void)state;
    assert_string_equal(
        one("{\"fields\":{\"s\":{\"string\":\"x y\"},\"b\":{\"bool\":true}},\"time\":1}"),
        "air||s:s:x y,b:b:1|1 1");
}

static void test_json_uint_refuses_negative(void **state)
{
    (void)state;
    refused("{\"fields\":{\"a\":{\"uint\":-1}}}");
}

static void test_json_unknown_type_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"fields\":{\"a\":{\"double\":1}}}"), "type must be"));
}

static void test_json_null_field_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"fields\":{\"a\":null}}"), "field \"a\""));
}

static void test_json_missing_time_gets_default_truncated_to_precision(void **state)
{
    (void)state;
    parse_prec("{\"fields\":{\"v\":1}}", TELEMETRY_LP_S, 100);
    assert_int_equal(R.npoints, 1);
    assert_string_equal(R.points[0], "air||v:f:1|1700000000000000000 1");
}

static void test_json_integer_time_in_precision(void **state)
{
    (void)state;
    parse_prec("{\"fields\":{\"v\":1},\"time\":1700000000123}", TELEMETRY_LP_MS, 100);
    assert_string_equal(R.points[0], "air||v:f:1|1700000000123000000 1");
}

static void test_json_integer_time_overflow_refused(void **state)
{
    (void)state;
    parse_prec("{\"fields\":{\"v\":1},\"time\":9223372037}", TELEMETRY_LP_S, 100);
    assert_int_equal(R.npoints, 0);
    assert_int_equal(R.nerrors, 1);
}

static void test_json_rfc3339_time_with_nanoseconds(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"v\":1},\"time\":\"2023-11-14T22:13:20.123456789Z\"}"),
                        "air||v:f:1|1700000000123456789 1");
}

static void test_json_rfc3339_time_with_offset(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"v\":1},\"time\":\"2023-11-15T05:13:20.5+07:00\"}"),
                        "air||v:f:1|1700000000500000000 1");
}

static void test_json_rfc3339_before_epoch(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"v\":1},\"time\":\"1969-12-31T23:59:59Z\"}"),
                        "air||v:f:1|-1000000000 1");
}

static void test_json_rfc3339_bad_dates_refused(void **state)
{
    (void)state;
    refused("{\"fields\":{\"v\":1},\"time\":\"2023-02-29T00:00:00Z\"}");
    refused("{\"fields\":{\"v\":1},\"time\":\"2023-11-14T22:13:20\"}");
    refused("{\"fields\":{\"v\":1},\"time\":\"2023-11-14T22:13:20.1234567890Z\"}");
    refused("{\"fields\":{\"v\":1},\"time\":\"2300-01-01T00:00:00Z\"}");
}

static void test_json_rfc3339_leap_day(void **state)
{
    (void)state;
    assert_string_equal(one("{\"fields\":{\"v\":1},\"time\":\"2024-02-29T00:00:00Z\"}"),
                        "air||v:f:1|1709164800000000000 1");
}

static void test_json_float_time_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"fields\":{\"v\":1},\"time\":1.5}"), "time"));
}

static void test_json_duplicate_key_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"tags\":{\"a\":\"1\",\"a\":\"2\"},\"fields\":{\"v\":1}}"),
                           "invalid JSON"));
}

static void test_json_non_string_tag_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"tags\":{\"a\":1},\"fields\":{\"v\":1}}"), "tag \"a\""));
}

static void test_json_tag_with_line_end_refused(void **state)
{
    (void)state;
    refused("{\"tags\":{\"a\":\"x\\ny\"},\"fields\":{\"v\":1}}");
}

static void test_json_empty_tag_value_refused(void **state)
{
    (void)state;
    refused("{\"tags\":{\"a\":\"\"},\"fields\":{\"v\":1}}");
}

static void test_json_control_character_in_key_refused(void **state)
{
    (void)state;
    refused("{\"fields\":{\"a\\tb\":1}}");
}

static void test_json_missing_fields_refused(void **state)
{
    (void)state;
    assert_string_equal(refused("{\"time\":1}"), "1:0:fields: missing");
    refused("{\"fields\":{}}");
}

static void test_json_unknown_member_refused(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("{\"field\":{\"v\":1}}"), "member \"field\""));
}

static void test_json_limits_refused(void **state)
{
    (void)state;
    refused("{\"tags\":{\"a\":\"1\",\"b\":\"1\",\"c\":\"1\",\"d\":\"1\",\"e\":\"1\"},"
            "\"fields\":{\"v\":1}}");
    refused("{\"fields\":{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1}}");
    refused("{\"fields\":{\"aaaaaaaaaaaaaaaaa\":1}}");
    refused("{\"fields\":{\"s\":\"123456789012345678901234567890123\"}}");
}

static void test_json_array_bad_entry_others_kept(void **state)
{
    (void)state;
    parse_prec("[{\"fields\":{\"v\":1},\"time\":1},7,{\"fields\":{\"v\":3},\"time\":3}]",
               TELEMETRY_LP_NS, 100);
    assert_int_equal(R.rc, 0);
    assert_int_equal(R.npoints, 2);
    assert_string_equal(R.points[0], "air||v:f:1|1 1");
    assert_string_equal(R.points[1], "air||v:f:3|3 3");
    assert_string_equal(R.errors[0], "2:0:entry: must be an object");
    assert_int_equal(R.stats.lines, 3);
    assert_int_equal(R.stats.bad_lines, 1);
}

static void test_json_max_points_per_message(void **state)
{
    (void)state;
    parse_prec("[{\"fields\":{\"v\":1}},{\"fields\":{\"v\":2}},{\"fields\":{\"v\":3}}]",
               TELEMETRY_LP_NS, 2);
    assert_int_equal(R.npoints, 2);
    assert_int_equal(R.nerrors, 1);
    assert_non_null(strstr(R.errors[0], "3:0:"));
}

static void test_json_syntax_error_has_line_and_column(void **state)
{
    (void)state;
    const char *e = refused("{\"fields\":\n  {\"v\": }}");
    assert_non_null(strstr(e, "invalid JSON"));
    assert_int_equal(strncmp(e, "2:", 2), 0);
}

static void test_json_scalar_document_refused(void **state)
{
    (void)state;
    refused("12");
}

static void test_json_bad_measurement_refused(void **state)
{
    (void)state;
    memset(&R, 0, sizeof R);
    struct telemetry_str name = {"#x", 2};
    const char *text = "{\"fields\":{\"v\":1}}";
    telemetry_json_parse(text, strlen(text), name, &LIM, 10, TELEMETRY_LP_NS, 0, on_point, on_error,
                         &R, &R.stats);
    assert_int_equal(R.npoints, 0);
    assert_non_null(strstr(R.errors[0], "measurement"));
}

static void test_json_zero_limit_is_invalid(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = LIM;
    lim.max_key = 0;
    assert_int_equal(telemetry_json_parse("{}", 2, (struct telemetry_str){"a", 1}, &lim, 1,
                                          TELEMETRY_LP_NS, 0, on_point, on_error, &R, NULL),
                     IOC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_object_full_point),
        cmocka_unit_test(test_json_tags_sorted_by_key),
        cmocka_unit_test(test_json_fields_keep_their_order),
        cmocka_unit_test(test_json_plain_values_are_float_bool_string),
        cmocka_unit_test(test_json_typed_values),
        cmocka_unit_test(test_json_typed_string_and_bool),
        cmocka_unit_test(test_json_uint_refuses_negative),
        cmocka_unit_test(test_json_unknown_type_refused),
        cmocka_unit_test(test_json_null_field_refused),
        cmocka_unit_test(test_json_missing_time_gets_default_truncated_to_precision),
        cmocka_unit_test(test_json_integer_time_in_precision),
        cmocka_unit_test(test_json_integer_time_overflow_refused),
        cmocka_unit_test(test_json_rfc3339_time_with_nanoseconds),
        cmocka_unit_test(test_json_rfc3339_time_with_offset),
        cmocka_unit_test(test_json_rfc3339_before_epoch),
        cmocka_unit_test(test_json_rfc3339_bad_dates_refused),
        cmocka_unit_test(test_json_rfc3339_leap_day),
        cmocka_unit_test(test_json_float_time_refused),
        cmocka_unit_test(test_json_duplicate_key_refused),
        cmocka_unit_test(test_json_non_string_tag_refused),
        cmocka_unit_test(test_json_tag_with_line_end_refused),
        cmocka_unit_test(test_json_empty_tag_value_refused),
        cmocka_unit_test(test_json_control_character_in_key_refused),
        cmocka_unit_test(test_json_missing_fields_refused),
        cmocka_unit_test(test_json_unknown_member_refused),
        cmocka_unit_test(test_json_limits_refused),
        cmocka_unit_test(test_json_array_bad_entry_others_kept),
        cmocka_unit_test(test_json_max_points_per_message),
        cmocka_unit_test(test_json_syntax_error_has_line_and_column),
        cmocka_unit_test(test_json_scalar_document_refused),
        cmocka_unit_test(test_json_bad_measurement_refused),
        cmocka_unit_test(test_json_zero_limit_is_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
