/* Unit tests for the streaming CSV reader (src/telemetry/csv.c): one behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* What one read produced: records as "line:field|field|..." and errors as
 * "line:column:field:record_line:message", all in one log in callback order. */
struct seen {
    char log[32][300];
    size_t n;
    int stop_at; /* the record callback returns IOC_EIO for this 1-based record */
    size_t records;
};

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct seen *s = ctx;
    s->records++;
    if (s->n < 32) {
        char *b = s->log[s->n++];
        int len = snprintf(b, 300, "%zu:", rec->line);
        for (size_t i = 0; i < rec->nfields && len < 290; i++)
            len += snprintf(b + len, (size_t)(300 - len), "%s%.*s", i ? "|" : "",
                            (int)rec->fields[i].n, rec->fields[i].p);
    }
    return s->stop_at && (size_t)s->stop_at == s->records ? IOC_EIO : 0;
}

static int on_error(void *ctx, const struct ioc_csv_error *e)
{
    struct seen *s = ctx;
    if (s->n < 32)
        snprintf(s->log[s->n++], 300, "%zu:%zu:%zu:%zu:%s", e->line, e->column, e->field,
                 e->record_line, e->message);
    return 0;
}

/* Reads text[0..n) in pieces of `piece` bytes (0: whole) with limits lim (may be NULL). */
static int read_pieces(const char *text, size_t n, size_t piece, const struct ioc_csv_limits *lim,
                       struct seen *s, struct ioc_csv_stats *st)
{
    struct ioc_csv_reader *r = NULL;
    assert_int_equal(ioc_csv_create(lim, &r), 0);
    int rc = 0;
    if (piece == 0)
        piece = n ? n : 1;
    for (size_t off = 0; off < n && rc == 0; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        rc = ioc_csv_feed(r, text + off, k, on_record, on_error, s);
    }
    if (rc == 0)
        rc = ioc_csv_finish(r, on_record, on_error, s);
    if (st)
        ioc_csv_stats_get(r, st);
    ioc_csv_destroy(r);
    return rc;
}

static void read_all(const char *text, struct seen *s)
{
    assert_int_equal(read_pieces(text, strlen(text), 0, NULL, s, NULL), 0);
}

static void test_csv_plain_fields_and_lf_records(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a,b,c\n1,2,3\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:a|b|c");
    assert_string_equal(s.log[1], "2:1|2|3");
}

static void test_csv_crlf_records(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a,b\r\n1,2\r\n3,4\r\n", &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[1], "2:1|2");
    assert_string_equal(s.log[2], "3:3|4");
}

static void test_csv_lone_cr_ends_record(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a,b\r1,2\r", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:a|b");
    assert_string_equal(s.log[1], "2:1|2");
}

static void test_csv_last_record_without_newline(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a,b\n1,2", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[1], "2:1|2");
}

static void test_csv_quoted_field_keeps_comma(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\"a,b\",c\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:a,b|c");
}

static void test_csv_doubled_quote_is_one_quote(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\"say \"\"hi\"\"\",\"\"\"\"\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:say \"hi\"|\"");
}

static void test_csv_quoted_newline_record_keeps_start_line(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("h\n\"two\nlines\",x\nnext\n", &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[1], "2:two\nlines|x");
    assert_string_equal(s.log[2], "4:next");
}

static void test_csv_quoted_crlf_kept_and_counted_once(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\"a\r\nb\"\r\nc\r\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:a\r\nb");
    assert_string_equal(s.log[1], "3:c");
}

static void test_csv_empty_fields_and_trailing_comma(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all(",a,,\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:|a||");
}

static void test_csv_empty_lines_skipped(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\na\n\r\n\n\rb\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "2:a");
    assert_string_equal(s.log[1], "6:b");
}

static void test_csv_quoted_empty_field_is_a_record(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\"\"\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:");
}

static void test_csv_bom_dropped(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\xEF\xBB\xBFtime,v\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:time|v");
}

static void test_csv_bom_split_over_pieces_dropped(void **state)
{
    (void)state;
    struct seen s = {0};
    const char *t = "\xEF\xBB\xBFx\n";
    assert_int_equal(read_pieces(t, strlen(t), 1, NULL, &s, NULL), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:x");
}

static void test_csv_bom_bytes_later_are_data(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a\n\xEF\xBB\xBF"
             "b\n",
             &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[1], "2:\xEF\xBB\xBF"
                                  "b");
}

static void test_csv_cut_bom_is_invalid_utf8(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\xEF\xBBx\ny\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:3:1:1:invalid UTF-8");
    assert_string_equal(s.log[1], "2:y");
}

/* A sample with every construct: BOM, quotes, "" escapes, embedded LF and CRLF, empty lines,
 * multi-byte UTF-8, a bad record, CRLF and LF ends, no final newline. */
static const char sample[] =
    "\xEF\xBB\xBFtime,tag.station,note,v\r\n"
    "2024-05-01T10:00:00Z,\"H\xC3\xA0 N\xE1\xBB\x99i\",\"a \"\"b\"\"\",1.5\r\n"
    "\r\n"
    "1,\"x,y\",\"two\nlines\",2\n"
    "2,bad\"quote,z,3\n"
    "3,\"crlf\r\ninside\",,\n"
    "4,\xE2\x82\xAC,\xF0\x9F\x98\x80,4";

static void collect(const char *text, size_t n, size_t piece, struct seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(read_pieces(text, n, piece, NULL, s, NULL), 0);
}

static void test_csv_every_split_offset_gives_same_records(void **state)
{
    (void)state;
    size_t n = sizeof sample - 1;
    struct seen whole, cut;
    collect(sample, n, 0, &whole);
    assert_int_equal(whole.n, 6); /* 5 records and one error */
    assert_string_equal(whole.log[3],
                        "6:6:2:6:a quote inside a field that does not start with one");
    for (size_t at = 1; at < n; at++) {
        struct ioc_csv_reader *r = NULL;
        memset(&cut, 0, sizeof cut);
        assert_int_equal(ioc_csv_create(NULL, &r), 0);
        assert_int_equal(ioc_csv_feed(r, sample, at, on_record, on_error, &cut), 0);
        assert_int_equal(ioc_csv_feed(r, sample + at, n - at, on_record, on_error, &cut), 0);
        assert_int_equal(ioc_csv_finish(r, on_record, on_error, &cut), 0);
        ioc_csv_destroy(r);
        assert_int_equal(cut.n, whole.n);
        for (size_t i = 0; i < whole.n; i++)
            assert_string_equal(cut.log[i], whole.log[i]);
    }
}

static void test_csv_every_piece_size_gives_same_records(void **state)
{
    (void)state;
    size_t n = sizeof sample - 1;
    struct seen whole, cut;
    collect(sample, n, 0, &whole);
    for (size_t piece = 1; piece <= 17; piece++) {
        collect(sample, n, piece, &cut);
        assert_int_equal(cut.n, whole.n);
        for (size_t i = 0; i < whole.n; i++)
            assert_string_equal(cut.log[i], whole.log[i]);
    }
}

static void test_csv_quote_in_unquoted_field_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("ab\"c,d\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:3:1:1:a quote inside a field that does not start with one");
}

static void test_csv_text_after_closing_quote_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("x,\"ab\" ,d\n", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:7:2:1:text after the closing quote of a field");
}

static void test_csv_unclosed_quote_refused_at_its_position(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a\nb,\"open\nmore\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[1], "2:3:2:2:a quoted field is not closed");
}

static void test_csv_bad_record_dropped_next_kept(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a\"b,\"x\ny\",c\nnext,1\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:2:1:1:a quote inside a field that does not start with one");
    assert_string_equal(s.log[1], "3:next|1");
}

static void test_csv_invalid_utf8_refused_with_line_and_column(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("ok\nab,c\xFF\nok2\n", &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[1], "2:5:2:2:invalid UTF-8");
    assert_string_equal(s.log[2], "3:ok2");
}

static void test_csv_overlong_and_surrogate_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("\xC0\xAF\n\xED\xA0\x80\n\xF4\x90\x80\x80\n\xE0\x80\xAF\n", &s);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.log[0], "1:1:1:1:invalid UTF-8");
    assert_string_equal(s.log[1], "2:2:1:2:invalid UTF-8");
    assert_string_equal(s.log[2], "3:2:1:3:invalid UTF-8");
    assert_string_equal(s.log[3], "4:2:1:4:invalid UTF-8");
}

static void test_csv_utf8_cut_by_line_end_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a\xE2\x82\nb\n", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[0], "1:4:1:1:invalid UTF-8");
    assert_string_equal(s.log[1], "2:b");
}

static void test_csv_utf8_cut_at_end_of_text_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    read_all("a\nb\xF0\x9F", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.log[1], "2:4:1:2:invalid UTF-8: the text ends inside a character");
}

static void test_csv_utf8_character_split_over_pieces_accepted(void **state)
{
    (void)state;
    struct seen s = {0};
    const char *t = "\xF0\x9F\x98\x80\n";
    assert_int_equal(read_pieces(t, strlen(t), 1, NULL, &s, NULL), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.log[0], "1:\xF0\x9F\x98\x80");
}

static void test_csv_nul_byte_is_data(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_stats st;
    assert_int_equal(read_pieces("a\0b\n", 4, 0, NULL, &s, &st), 0);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.bad_records, 0);
}

static void test_csv_limit_field_bytes(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_limits lim = {.max_field = 3};
    const char *t = "abc,\"de\"\"\"\nabcd,e\nx\n";
    assert_int_equal(read_pieces(t, strlen(t), 0, &lim, &s, NULL), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[0], "1:abc|de\"");
    assert_string_equal(s.log[1], "2:4:1:2:field longer than 3 bytes");
    assert_string_equal(s.log[2], "3:x");
}

static void test_csv_limit_fields_per_record(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_limits lim = {.max_fields = 2};
    const char *t = "a,b\na,b,c\nx,y\n";
    assert_int_equal(read_pieces(t, strlen(t), 0, &lim, &s, NULL), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[0], "1:a|b");
    assert_string_equal(s.log[1], "2:4:3:2:more than 2 fields");
    assert_string_equal(s.log[2], "3:x|y");
}

static void test_csv_limit_record_bytes_counts_quotes_and_newlines(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_limits lim = {.max_record = 6, .max_field = 6};
    const char *t = "ab,cde\n\"a\nb\",c\nx\n";
    assert_int_equal(read_pieces(t, strlen(t), 0, &lim, &s, NULL), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[0], "1:ab|cde");
    assert_string_equal(s.log[1], "3:4:2:2:record longer than 6 bytes");
    assert_string_equal(s.log[2], "4:x");
}

static void test_csv_callback_error_stops(void **state)
{
    (void)state;
    struct seen s = {.stop_at = 2};
    const char *t = "a\nb\nc\n";
    assert_int_equal(read_pieces(t, strlen(t), 0, NULL, &s, NULL), IOC_EIO);
    assert_int_equal(s.records, 2);
}

static void test_csv_stats_count_records_errors_and_lines(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_stats st;
    const char *t = "a\n\n\"b\nc\"\nd\"\ne";
    assert_int_equal(read_pieces(t, strlen(t), 0, NULL, &s, &st), 0);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.bad_records, 1);
    assert_int_equal(st.lines, 6);
}

static void test_csv_empty_text_has_no_record(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_stats st;
    assert_int_equal(read_pieces("", 0, 0, NULL, &s, &st), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(st.lines, 0);
}

static void test_csv_finish_starts_a_new_text(void **state)
{
    (void)state;
    struct seen s = {0};
    struct ioc_csv_reader *r = NULL;
    assert_int_equal(ioc_csv_create(NULL, &r), 0);
    assert_int_equal(ioc_csv_feed(r, "a\nb", 3, on_record, on_error, &s), 0);
    assert_int_equal(ioc_csv_finish(r, on_record, on_error, &s), 0);
    assert_int_equal(ioc_csv_feed(r,
                                  "\xEF\xBB\xBF"
                                  "c\n",
                                  5, on_record, on_error, &s),
                     0);
    assert_int_equal(ioc_csv_finish(r, on_record, on_error, &s), 0);
    struct ioc_csv_stats st;
    ioc_csv_stats_get(r, &st);
    ioc_csv_destroy(r);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.log[2], "1:c");
    assert_int_equal(st.lines, 3);
}

static void test_csv_create_refuses_absurd_limits(void **state)
{
    (void)state;
    struct ioc_csv_reader *r = NULL;
    struct ioc_csv_limits big = {.max_record = ((size_t)1 << 30) + 1};
    struct ioc_csv_limits many = {.max_fields = 65537};
    struct ioc_csv_limits field = {.max_field = 10, .max_record = 5};
    assert_int_equal(ioc_csv_create(&big, &r), IOC_EINVAL);
    assert_int_equal(ioc_csv_create(&many, &r), IOC_EINVAL);
    assert_int_equal(ioc_csv_create(&field, &r), IOC_EINVAL);
    struct ioc_csv_limits got;
    assert_int_equal(ioc_csv_create(NULL, &r), 0);
    ioc_csv_limits_get(r, &got);
    ioc_csv_destroy(r);
    assert_int_equal(got.max_field, 65536);
    assert_int_equal(got.max_fields, 1024);
    assert_int_equal(got.max_record, 1048576);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_plain_fields_and_lf_records),
        cmocka_unit_test(test_csv_crlf_records),
        cmocka_unit_test(test_csv_lone_cr_ends_record),
        cmocka_unit_test(test_csv_last_record_without_newline),
        cmocka_unit_test(test_csv_quoted_field_keeps_comma),
        cmocka_unit_test(test_csv_doubled_quote_is_one_quote),
        cmocka_unit_test(test_csv_quoted_newline_record_keeps_start_line),
        cmocka_unit_test(test_csv_quoted_crlf_kept_and_counted_once),
        cmocka_unit_test(test_csv_empty_fields_and_trailing_comma),
        cmocka_unit_test(test_csv_empty_lines_skipped),
        cmocka_unit_test(test_csv_quoted_empty_field_is_a_record),
        cmocka_unit_test(test_csv_bom_dropped),
        cmocka_unit_test(test_csv_bom_split_over_pieces_dropped),
        cmocka_unit_test(test_csv_bom_bytes_later_are_data),
        cmocka_unit_test(test_csv_cut_bom_is_invalid_utf8),
        cmocka_unit_test(test_csv_every_split_offset_gives_same_records),
        cmocka_unit_test(test_csv_every_piece_size_gives_same_records),
        cmocka_unit_test(test_csv_quote_in_unquoted_field_refused),
        cmocka_unit_test(test_csv_text_after_closing_quote_refused),
        cmocka_unit_test(test_csv_unclosed_quote_refused_at_its_position),
        cmocka_unit_test(test_csv_bad_record_dropped_next_kept),
        cmocka_unit_test(test_csv_invalid_utf8_refused_with_line_and_column),
        cmocka_unit_test(test_csv_overlong_and_surrogate_refused),
        cmocka_unit_test(test_csv_utf8_cut_by_line_end_refused),
        cmocka_unit_test(test_csv_utf8_cut_at_end_of_text_refused),
        cmocka_unit_test(test_csv_utf8_character_split_over_pieces_accepted),
        cmocka_unit_test(test_csv_nul_byte_is_data),
        cmocka_unit_test(test_csv_limit_field_bytes),
        cmocka_unit_test(test_csv_limit_fields_per_record),
        cmocka_unit_test(test_csv_limit_record_bytes_counts_quotes_and_newlines),
        cmocka_unit_test(test_csv_callback_error_stops),
        cmocka_unit_test(test_csv_stats_count_records_errors_and_lines),
        cmocka_unit_test(test_csv_empty_text_has_no_record),
        cmocka_unit_test(test_csv_finish_starts_a_new_text),
        cmocka_unit_test(test_csv_create_refuses_absurd_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
