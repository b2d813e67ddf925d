/* Unit tests for the line-protocol parser (src/telemetry/lp.c, lp_value.c): one behaviour per
 * test. The public corpus is run by test_lp_corpus.c. */
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
#include "telemetry/telemetry.h"

/* What one parse produced, copied out of the callbacks: points rendered as text
 * "name|k=v,k=v|f:type:value,...|time" and errors as "line:column:message". */
struct seen {
    char points[16][512];
    size_t npoints;
    char errors[16][256];
    size_t nerrors;
    struct telemetry_lp_stats stats;
    int rc;
    int stop_at; /* on_point returns IOC_EIO for the point with this 1-based index */
};

static void put(char *buf, size_t cap, struct telemetry_str s)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%.*s", (int)s.n, s.p);
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct seen *r = ctx;
    if (r->npoints == 16)
        return 0;
    char *b = r->points[r->npoints++];
    size_t cap = sizeof r->points[0];
    b[0] = '\0';
    put(b, cap, pt->name);
    strcat(b, "|");
    for (size_t i = 0; i < pt->ntags; i++) {
        if (i)
            strcat(b, ",");
        put(b, cap, pt->tags[i].key);
        strcat(b, "=");
        put(b, cap, pt->tags[i].value);
    }
    strcat(b, "|");
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        size_t len;
        if (i)
            strcat(b, ",");
        put(b, cap, f->key);
        len = strlen(b);
        switch (f->type) {
        case TELEMETRY_LP_FLOAT:
            snprintf(b + len, cap - len, ":f:%.17g", f->v.f);
            break;
        case TELEMETRY_LP_INT:
            snprintf(b + len, cap - len, ":i:%lld", (long long)f->v.i);
            break;
        case TELEMETRY_LP_UINT:
            snprintf(b + len, cap - len, ":u:%llu", (unsigned long long)f->v.u);
            break;
        case TELEMETRY_LP_BOOL:
            snprintf(b + len, cap - len, ":b:%d", f->v.b);
            break;
        case TELEMETRY_LP_STRING:
            strcat(b, ":s:");
            put(b, cap, f->v.s);
            break;
        }
    }
    size_t len = strlen(b);
    snprintf(b + len, cap - len, "|%lld", (long long)pt->time_ns);
    return r->stop_at && (size_t)r->stop_at == r->npoints ? IOC_EIO : 0;
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct seen *r = ctx;
    if (r->nerrors < 16)
        snprintf(r->errors[r->nerrors++], sizeof r->errors[0], "%zu:%zu:%s", e->line, e->column,
                 e->message);
    return 0;
}

/* Parses text (n bytes, or strlen) with limits (NULL: defaults) into *r. */
static void parse_with(struct seen *r, const char *text, size_t n,
                       const struct telemetry_lp_limits *lim, enum telemetry_lp_precision prec,
                       int64_t dflt)
{
    struct telemetry_lp_parser *p = NULL;
    assert_int_equal(telemetry_lp_create(lim, &p), 0);
    int stop = r->stop_at;
    memset(r, 0, sizeof *r);
    r->stop_at = stop;
    r->rc = telemetry_lp_parse(p, text, n == (size_t)-1 ? strlen(text) : n, prec, dflt, on_point,
                               on_error, r, &r->stats);
    telemetry_lp_destroy(p);
}

static struct seen R;

static void parse(const char *text)
{
    R.stop_at = 0;
    parse_with(&R, text, (size_t)-1, NULL, TELEMETRY_LP_NS, 42);
}

/* The one point parsed from text, as rendered by on_point; fails if there was not exactly one. */
static const char *one(const char *text)
{
    parse(text);
    if (R.npoints != 1 || R.nerrors != 0)
        fail_msg("\"%s\": %zu points, %zu errors (%s)", text, R.npoints, R.nerrors,
                 R.nerrors ? R.errors[0] : "");
    return R.points[0];
}

/* Asserts that text is refused as one bad line and no point. */
static void refused(const char *text)
{
    parse(text);
    if (R.npoints != 0 || R.nerrors != 1 || R.stats.bad_lines != 1)
        fail_msg("\"%s\" accepted: %zu points (%s)", text, R.npoints, R.npoints ? R.points[0] : "");
}

static void test_lp_parse_full_point(void **state)
{
    (void)state;
    assert_string_equal(one("cpu,host=a,region=west usage=0.5,n=3i,ok=true,msg=\"hi\" 1700"),
                        "cpu|host=a,region=west|usage:f:0.5,n:i:3,ok:b:1,msg:s:hi|1700");
}

static void test_lp_parse_tags_sorted_by_key(void **state)
{
    (void)state;
    assert_string_equal(one("m,zone=1,b=2,a=3,ab=4 v=1 1"), "m|a=3,ab=4,b=2,zone=1|v:f:1|1");
}

static void test_lp_parse_duplicate_tag_key_refused(void **state)
{
    (void)state;
    refused("m,a=1,b=2,a=3 v=1");
    assert_string_equal(R.errors[0], "1:11:tag key \"a\" appears twice");
}

static void test_lp_parse_duplicate_field_keys_kept_in_order(void **state)
{
    (void)state;
    assert_string_equal(one("m v=1,w=2i,v=3"), "m||v:f:1,w:i:2,v:f:3|42");
}

static void test_lp_parse_escaped_comma_and_space_in_measurement(void **state)
{
    (void)state;
    assert_string_equal(one("my\\ cpu\\,x=1,t=a v=1"), "my cpu,x=1|t=a|v:f:1|42");
}

static void test_lp_parse_escaped_comma_equals_space_in_tag_key_and_value(void **state)
{
    (void)state;
    assert_string_equal(one("m,k\\,\\=\\ k=v\\,\\=\\ v f\\=\\,\\ k=1"),
                        "m|k,= k=v,= v|f=, k:f:1|42");
}

static void test_lp_parse_backslash_before_other_byte_is_literal(void **state)
{
    (void)state;
    assert_string_equal(one("m\\x,t=a\\\\b v=\"c\\d\""), "m\\x|t=a\\\\b|v:s:c\\d|42");
}

static void test_lp_parse_string_escaped_quote_and_backslash(void **state)
{
    (void)state;
    assert_string_equal(one("m s=\"say \\\"hi\\\" \\\\ end\""), "m||s:s:say \"hi\" \\ end|42");
}

static void test_lp_parse_string_with_newline_counts_lines(void **state)
{
    (void)state;
    parse("m s=\"a\nb\" 1\nm x=bad\n");
    assert_int_equal(R.npoints, 1);
    assert_string_equal(R.points[0], "m||s:s:a\nb|1");
    assert_int_equal(R.nerrors, 1);
    assert_string_equal(R.errors[0],
                        "3:5:a field value must be a number, a boolean or a quoted string");
}

static int keep_string(void *ctx, const struct telemetry_lp_point *pt)
{
    struct telemetry_str *out = ctx;
    *out = pt->fields[0].v.s; /* valid while the input text lives, as it has no escapes */
    return 0;
}

static void test_lp_parse_string_keeps_nul_bytes(void **state)
{
    (void)state;
    struct telemetry_lp_parser *p = NULL;
    struct telemetry_str s = {NULL, 0};
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    assert_int_equal(
        telemetry_lp_parse(p, "m s=\"a\0b\"", 9, TELEMETRY_LP_NS, 0, keep_string, NULL, &s, NULL),
        0);
    telemetry_lp_destroy(p);
    assert_int_equal(s.n, 3);
    assert_memory_equal(s.p, "a\0b", 3);
}

static void test_lp_parse_int_range_checked(void **state)
{
    (void)state;
    assert_string_equal(one("m a=9223372036854775807i,b=-9223372036854775808i,c=-0i"),
                        "m||a:i:9223372036854775807,b:i:-9223372036854775808,c:i:0|42");
    refused("m a=9223372036854775808i");
    refused("m a=-9223372036854775809i");
    refused("m a=1.5i");
    refused("m a=-i");
}

static void test_lp_parse_uint_range_checked(void **state)
{
    (void)state;
    assert_string_equal(one("m a=18446744073709551615u,b=0u"),
                        "m||a:u:18446744073709551615,b:u:0|42");
    refused("m a=18446744073709551616u");
    refused("m a=-1u");
    refused("m a=-0u");
}

static void test_lp_parse_float_forms(void **state)
{
    (void)state;
    assert_string_equal(one("m a=1,b=1.,c=.5,d=-1.5e-3,e=1E+3,f=-0.0,g=007"),
                        "m||a:f:1,b:f:1,c:f:0.5,d:f:-0.0015,e:f:1000,f:f:-0,g:f:7|42");
}

static void test_lp_parse_float_out_of_range_or_not_decimal_refused(void **state)
{
    (void)state;
    const char *bad[] = {"m a=1e309", "m a=-1e400", "m a=-inf",  "m a=-nan", "m a=0x1p3",
                         "m a=1_000", "m a=1e",     "m a=.",     "m a=-",    "m a=1.5.2",
                         "m a=1e5e5", "m a=--1",    "m a=1e+-2", "m a=1 2 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i]);
}

static void test_lp_parse_float_tiny_rounds_to_zero(void **state)
{
    (void)state;
    assert_string_equal(one("m a=1e-400"), "m||a:f:0|42");
}

static void test_lp_parse_float_rounds_like_strtod(void **state)
{
    (void)state;
    struct telemetry_lp_parser *p = NULL;
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    srand(7);
    for (int k = 0; k < 20000; k++) {
        char text[96], num[64];
        int form = k % 4;
        double x = (double)rand() / RAND_MAX * pow(10, rand() % 40 - 20);
        if (form == 0)
            snprintf(num, sizeof num, "%.*f", rand() % 12, x);
        else if (form == 1)
            snprintf(num, sizeof num, "%.*e", rand() % 20, x);
        else if (form == 2)
            snprintf(num, sizeof num, "%d.%0*d", rand() % 100000, rand() % 15 + 1, rand());
        else
            snprintf(num, sizeof num, "%.17g", x);
        snprintf(text, sizeof text, "m v=%s", num);
        memset(&R, 0, sizeof R);
        telemetry_lp_parse(p, text, strlen(text), TELEMETRY_LP_NS, 0, on_point, on_error, &R, NULL);
        char want[64];
        snprintf(want, sizeof want, "m||v:f:%.17g|0", strtod(num, NULL));
        if (R.npoints != 1 || strcmp(R.points[0], want) != 0)
            fail_msg("%s: got %s, want %s", num, R.npoints ? R.points[0] : R.errors[0], want);
    }
    telemetry_lp_destroy(p);
}

static void test_lp_parse_booleans_all_spellings(void **state)
{
    (void)state;
    assert_string_equal(one("m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE"),
                        "m||a:b:1,b:b:1,c:b:1,d:b:1,e:b:1,f:b:0,g:b:0,h:b:0,i:b:0,j:b:0|42");
    refused("m a=truE");
    refused("m a=yes");
    refused("m a=tru");
}

static void test_lp_parse_comments_and_blank_lines_skipped(void **state)
{
    (void)state;
    parse("# header\n\n   \n  # indented comment\nm v=1\n# tail");
    assert_int_equal(R.npoints, 1);
    assert_int_equal(R.nerrors, 0);
    assert_int_equal(R.stats.lines, 6);
}

static void test_lp_parse_comment_with_backslash_skipped(void **state)
{
    (void)state;
    parse("#\\u0015 \\\"x\\\n m v=1\n");
    assert_int_equal(R.nerrors, 0);
    assert_int_equal(R.npoints, 1);
}

static void test_lp_parse_comment_with_control_byte_refused(void **state)
{
    (void)state;
    refused("# a\tb\n");
    assert_string_equal(R.errors[0], "1:1:invalid character in a comment line");
}

static void test_lp_parse_crlf_line_ends(void **state)
{
    (void)state;
    parse("m v=1 1\r\nm v=2\r\n# c\r\n\r\nm v=3 3\r");
    assert_int_equal(R.npoints, 3);
    assert_int_equal(R.nerrors, 0);
    assert_string_equal(R.points[1], "m||v:f:2|42");
    assert_string_equal(R.points[2], "m||v:f:3|3");
}

static void test_lp_parse_lone_cr_inside_line_refused(void **state)
{
    (void)state;
    refused("m v=1\rx");
}

static void test_lp_parse_spaces_between_sections_allowed(void **state)
{
    (void)state;
    assert_string_equal(one("  m,t=1   v=1    5   "), "m|t=1|v:f:1|5");
}

static void test_lp_parse_tab_is_not_a_separator(void **state)
{
    (void)state;
    refused("m\tv=1");
    refused("\tm v=1");
}

static void test_lp_parse_point_without_fields_refused(void **state)
{
    (void)state;
    refused("m,t=1");
    refused("m,t=1 ");
    refused("m");
}

static void test_lp_parse_empty_elements_refused(void **state)
{
    (void)state;
    refused(",t=1 v=1");
    refused("m,=1 v=1");
    refused("m,t= v=1");
    refused("m, v=1");
    refused("m =1");
    refused("m v=");
    refused("m v=1,");
}

static void test_lp_parse_invalid_utf8_refused(void **state)
{
    (void)state;
    refused("m\xff v=1");
    refused("m,t=\xc3 v=1");
    refused("m s=\"\xed\xa0\x80\""); /* a surrogate */
    assert_string_equal(one("nhi\xe1\xbb\x87t,tr\xe1\xba\xA1m=\xc4\x90N v=1"),
                        "nhi\xe1\xbb\x87t|tr\xe1\xba\xA1m=\xc4\x90N|v:f:1|42");
}

static void test_lp_parse_unclosed_string_refused(void **state)
{
    (void)state;
    refused("m s=\"abc");
    assert_string_equal(R.errors[0], "1:5:string field without its closing quote");
}

static void test_lp_parse_precision_scales_timestamp(void **state)
{
    (void)state;
    static const struct {
        enum telemetry_lp_precision p;
        const char *want;
    } cases[] = {
        {TELEMETRY_LP_NS, "m||v:f:1|7"},           {TELEMETRY_LP_US, "m||v:f:1|7000"},
        {TELEMETRY_LP_MS, "m||v:f:1|7000000"},     {TELEMETRY_LP_S, "m||v:f:1|7000000000"},
        {TELEMETRY_LP_M, "m||v:f:1|420000000000"}, {TELEMETRY_LP_H, "m||v:f:1|25200000000000"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parse_with(&R, "m v=1 7", (size_t)-1, NULL, cases[i].p, 0);
        assert_int_equal(R.npoints, 1);
        assert_string_equal(R.points[0], cases[i].want);
    }
}

static void test_lp_parse_negative_timestamp(void **state)
{
    (void)state;
    assert_string_equal(one("m v=1 -1500"), "m||v:f:1|-1500");
}

static void test_lp_parse_precision_overflow_refused(void **state)
{
    (void)state;
    parse_with(&R, "m v=1 9223372036", (size_t)-1, NULL, TELEMETRY_LP_S, 0);
    assert_int_equal(R.npoints, 1);
    parse_with(&R, "m v=1 9223372037", (size_t)-1, NULL, TELEMETRY_LP_S, 0);
    assert_int_equal(R.npoints, 0);
    assert_int_equal(R.nerrors, 1);
    parse_with(&R, "m v=1 -2562048", (size_t)-1, NULL, TELEMETRY_LP_H, 0);
    assert_int_equal(R.npoints, 0);
    refused("m v=1 9223372036854775808");
}

static void test_lp_parse_bad_timestamp_refused(void **state)
{
    (void)state;
    refused("m v=1 12a");
    refused("m v=1 1-2");
    refused("m v=1 -");
    refused("m v=1 1.5");
    refused("m v=1 1 2");
}

static void test_lp_parse_default_time_truncated_to_precision(void **state)
{
    (void)state;
    parse_with(&R, "m v=1", (size_t)-1, NULL, TELEMETRY_LP_S, 1700000000123456789);
    assert_string_equal(R.points[0], "m||v:f:1|1700000000000000000");
    parse_with(&R, "m v=1", (size_t)-1, NULL, TELEMETRY_LP_MS, -1500000);
    assert_string_equal(R.points[0], "m||v:f:1|-2000000");
    parse_with(&R, "m v=1", (size_t)-1, NULL, TELEMETRY_LP_NS, 123);
    assert_string_equal(R.points[0], "m||v:f:1|123");
}

static void test_lp_parse_error_line_and_column(void **state)
{
    (void)state;
    parse("m v=1\n\nm,t=1 v=1,w=@\n");
    assert_int_equal(R.nerrors, 1);
    assert_string_equal(R.errors[0],
                        "3:13:a field value must be a number, a boolean or a quoted string");
    parse("m v=1 1\nm v=1x 2");
    assert_string_equal(R.errors[0], "2:5:field \"v\": invalid float");
}

static void test_lp_parse_partial_write_keeps_good_lines(void **state)
{
    (void)state;
    parse("m v=1\nbad line\nm v=2\nm v=\"x\nm v=3\n");
    assert_int_equal(R.stats.points, 2);
    assert_int_equal(R.stats.bad_lines, 2);
    assert_int_equal(R.npoints, 2);
    assert_int_equal(R.stats.lines, 5); /* the unclosed string runs to the end */
    parse("a v=1\nb\nc v=2\nd v=x\ne v=4 5\n");
    assert_int_equal(R.stats.points, 3);
    assert_int_equal(R.stats.bad_lines, 2);
    assert_string_equal(R.errors[0], "2:2:no fields: a space and field=value must follow");
}

static void test_lp_parse_bad_value_at_line_end_keeps_next_line(void **state)
{
    (void)state;
    parse("m v=1.2.3\nm v=2\nm v=99999999999999999999i 5\nm v=3");
    assert_int_equal(R.stats.bad_lines, 2);
    assert_int_equal(R.npoints, 2);
    assert_string_equal(R.points[0], "m||v:f:2|42");
    assert_string_equal(R.points[1], "m||v:f:3|42");
}

static void test_lp_parse_limit_line_length(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_line = 16};
    parse_with(&R, "m v=1,w=2,x=3,y=4\nm v=1,w=2,x=3i\n", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.stats.bad_lines, 1);
    assert_int_equal(R.npoints, 1);
    assert_string_equal(R.errors[0], "1:17:line longer than 16 bytes");
    parse_with(&R, "m s=\"0123456789abcdef\"\nm v=2\n", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.stats.bad_lines, 1);
    assert_int_equal(R.npoints, 1);
    parse_with(&R, "m v=1                 \n", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.stats.bad_lines, 1);
}

static void test_lp_parse_limit_line_length_in_string_resumes_after_it(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_line = 16};
    parse_with(&R, "m v=1\nm s=\"0123\n4567\n89abcdef\nm v=2\" 5\nm v=3\n", (size_t)-1, &lim,
               TELEMETRY_LP_NS, 0);
    assert_int_equal(R.stats.bad_lines, 1);
    assert_int_equal(R.npoints, 2);
    assert_string_equal(R.errors[0], "4:2:line longer than 16 bytes");
    assert_string_equal(R.points[1], "m||v:f:3|0");
}

static void test_lp_parse_limit_tags_per_point(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_tags = 2};
    parse_with(&R, "m,a=1,b=2 v=1\nm,a=1,b=2,c=3 v=1\n", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.npoints, 1);
    assert_string_equal(R.errors[0], "2:11:more than 2 tags");
}

static void test_lp_parse_limit_fields_per_point(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_fields = 2};
    parse_with(&R, "m a=1,b=2\nm a=1,b=2,c=3\n", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.npoints, 1);
    assert_string_equal(R.errors[0], "2:11:more than 2 fields");
}

static void test_lp_parse_limit_key_and_value_bytes(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_key = 3, .max_value = 4};
    parse_with(&R, "abc,k=vvvv f=\"ssss\"\nabcd f=1\nm,long=1 f=1\nm,k=vvvvv f=1\nm f=\"sssss\"",
               (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.npoints, 1);
    assert_int_equal(R.stats.bad_lines, 4);
    assert_string_equal(R.errors[0], "2:1:measurement longer than 3 bytes");
    assert_string_equal(R.errors[1], "3:3:tag key longer than 3 bytes");
    assert_string_equal(R.errors[2], "4:5:tag value longer than 4 bytes");
    assert_string_equal(R.errors[3], "5:6:string field longer than 4 bytes");
}

static void test_lp_parse_escapes_count_unescaped_against_limits(void **state)
{
    (void)state;
    struct telemetry_lp_limits lim = {.max_key = 3};
    parse_with(&R, "a\\ b v=1", (size_t)-1, &lim, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.npoints, 1);
}

static void test_lp_parse_callback_error_stops(void **state)
{
    (void)state;
    R.stop_at = 2;
    parse_with(&R, "m v=1\nm v=2\nm v=3\n", (size_t)-1, NULL, TELEMETRY_LP_NS, 0);
    assert_int_equal(R.rc, IOC_EIO);
    assert_int_equal(R.npoints, 2);
}

static void test_lp_parse_unknown_precision_refused(void **state)
{
    (void)state;
    struct telemetry_lp_parser *p = NULL;
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    memset(&R, 0, sizeof R);
    assert_int_equal(telemetry_lp_parse(p, "m v=1", 5, (enum telemetry_lp_precision)77, 0, on_point,
                                        on_error, &R, NULL),
                     IOC_EINVAL);
    telemetry_lp_destroy(p);
    assert_int_equal(R.npoints + R.nerrors, 0);
}

static void test_lp_parse_empty_text(void **state)
{
    (void)state;
    parse("");
    assert_int_equal(R.rc, 0);
    assert_int_equal(R.npoints + R.nerrors + R.stats.lines, 0);
}

static void test_lp_create_refuses_absurd_limits(void **state)
{
    (void)state;
    struct telemetry_lp_parser *p = NULL;
    struct telemetry_lp_limits lim = {.max_tags = 1000000};
    assert_int_equal(telemetry_lp_create(&lim, &p), IOC_EINVAL);
    assert_null(p);
    assert_int_equal(telemetry_lp_create(NULL, &p), 0);
    telemetry_lp_limits_get(p, &lim);
    assert_int_equal(lim.max_line, 262144);
    assert_int_equal(lim.max_value, 65536);
    assert_int_equal(lim.max_tags, 64);
    telemetry_lp_destroy(p);
}

static void test_lp_precision_parse_names(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum telemetry_lp_precision p;
    } ok[] = {{"ns", TELEMETRY_LP_NS}, {"n", TELEMETRY_LP_NS},         {"us", TELEMETRY_LP_US},
              {"u", TELEMETRY_LP_US},  {"\xc2\xb5s", TELEMETRY_LP_US}, {"ms", TELEMETRY_LP_MS},
              {"s", TELEMETRY_LP_S},   {"m", TELEMETRY_LP_M},          {"h", TELEMETRY_LP_H}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        enum telemetry_lp_precision p = TELEMETRY_LP_H;
        assert_int_equal(telemetry_lp_precision_parse(ok[i].s, strlen(ok[i].s), &p), 0);
        assert_int_equal(p, ok[i].p);
    }
    enum telemetry_lp_precision p = TELEMETRY_LP_MS;
    assert_int_equal(telemetry_lp_precision_parse("sec", 3, &p), IOC_EINVAL);
    assert_int_equal(telemetry_lp_precision_parse("", 0, &p), IOC_EINVAL);
    assert_int_equal(p, TELEMETRY_LP_MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lp_parse_full_point),
        cmocka_unit_test(test_lp_parse_tags_sorted_by_key),
        cmocka_unit_test(test_lp_parse_duplicate_tag_key_refused),
        cmocka_unit_test(test_lp_parse_duplicate_field_keys_kept_in_order),
        cmocka_unit_test(test_lp_parse_escaped_comma_and_space_in_measurement),
        cmocka_unit_test(test_lp_parse_escaped_comma_equals_space_in_tag_key_and_value),
        cmocka_unit_test(test_lp_parse_backslash_before_other_byte_is_literal),
        cmocka_unit_test(test_lp_parse_string_escaped_quote_and_backslash),
        cmocka_unit_test(test_lp_parse_string_with_newline_counts_lines),
        cmocka_unit_test(test_lp_parse_string_keeps_nul_bytes),
        cmocka_unit_test(test_lp_parse_int_range_checked),
        cmocka_unit_test(test_lp_parse_uint_range_checked),
        cmocka_unit_test(test_lp_parse_float_forms),
        cmocka_unit_test(test_lp_parse_float_out_of_range_or_not_decimal_refused),
        cmocka_unit_test(test_lp_parse_float_tiny_rounds_to_zero),
        cmocka_unit_test(test_lp_parse_float_rounds_like_strtod),
        cmocka_unit_test(test_lp_parse_booleans_all_spellings),
        cmocka_unit_test(test_lp_parse_comments_and_blank_lines_skipped),
        cmocka_unit_test(test_lp_parse_comment_with_backslash_skipped),
        cmocka_unit_test(test_lp_parse_comment_with_control_byte_refused),
        cmocka_unit_test(test_lp_parse_crlf_line_ends),
        cmocka_unit_test(test_lp_parse_lone_cr_inside_line_refused),
        cmocka_unit_test(test_lp_parse_spaces_between_sections_allowed),
        cmocka_unit_test(test_lp_parse_tab_is_not_a_separator),
        cmocka_unit_test(test_lp_parse_point_without_fields_refused),
        cmocka_unit_test(test_lp_parse_empty_elements_refused),
        cmocka_unit_test(test_lp_parse_invalid_utf8_refused),
        cmocka_unit_test(test_lp_parse_unclosed_string_refused),
        cmocka_unit_test(test_lp_parse_precision_scales_timestamp),
        cmocka_unit_test(test_lp_parse_negative_timestamp),
        cmocka_unit_test(test_lp_parse_precision_overflow_refused),
        cmocka_unit_test(test_lp_parse_bad_timestamp_refused),
        cmocka_unit_test(test_lp_parse_default_time_truncated_to_precision),
        cmocka_unit_test(test_lp_parse_error_line_and_column),
        cmocka_unit_test(test_lp_parse_partial_write_keeps_good_lines),
        cmocka_unit_test(test_lp_parse_bad_value_at_line_end_keeps_next_line),
        cmocka_unit_test(test_lp_parse_limit_line_length),
        cmocka_unit_test(test_lp_parse_limit_line_length_in_string_resumes_after_it),
        cmocka_unit_test(test_lp_parse_limit_tags_per_point),
        cmocka_unit_test(test_lp_parse_limit_fields_per_point),
        cmocka_unit_test(test_lp_parse_limit_key_and_value_bytes),
        cmocka_unit_test(test_lp_parse_escapes_count_unescaped_against_limits),
        cmocka_unit_test(test_lp_parse_callback_error_stops),
        cmocka_unit_test(test_lp_parse_unknown_precision_refused),
        cmocka_unit_test(test_lp_parse_empty_text),
        cmocka_unit_test(test_lp_create_refuses_absurd_limits),
        cmocka_unit_test(test_lp_precision_parse_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
