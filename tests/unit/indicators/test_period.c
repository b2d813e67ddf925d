/* Unit tests for src/indicators/period.c: the four period forms, instants in UTC+7, start and
 * end, stepping, parents and children, the Vietnamese form, deadlines. Instants were computed
 * independently (Python's calendar.timegm). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

static struct ind_period parse(const char *s)
{
    struct ind_period p = {IND_YEAR, -1};
    const char *why = NULL;
    if (ind_period_parse(s, strlen(s), &p, &why) != 0)
        fail_msg("\"%s\" refused: %s", s, why);
    return p;
}

static void assert_text(struct ind_period p, const char *text, const char *vi)
{
    char a[IND_PERIOD_TEXT_MAX], b[IND_PERIOD_TEXT_MAX];
    assert_int_equal(ind_period_format(p, a), 0);
    assert_string_equal(a, text);
    assert_int_equal(ind_period_display_vi(p, b), 0);
    assert_string_equal(b, vi);
}

static void test_period_parses_the_four_forms_and_formats_them_back(void **state)
{
    (void)state;
    struct ind_period d = parse("2026-11-28"), m = parse("2026-11"), q = parse("2026-Q4"),
                      y = parse("2026");
    assert_int_equal(d.freq, IND_DAY);
    assert_int_equal(d.n, 20785);
    assert_int_equal(m.freq, IND_MONTH);
    assert_int_equal(m.n, 2026 * 12 + 10);
    assert_int_equal(q.freq, IND_QUARTER);
    assert_int_equal(q.n, 2026 * 4 + 3);
    assert_int_equal(y.freq, IND_YEAR);
    assert_int_equal(y.n, 2026);
    assert_text(d, "2026-11-28", "28/11/2026");
    assert_text(m, "2026-11", "11/2026");
    assert_text(q, "2026-Q4", "Qu\xc3\xbd 4/2026");
    assert_text(y, "2026", "2026");
    assert_text(parse("2026-03-01"), "2026-03-01", "01/03/2026");
    assert_text(parse("2026-Q1"), "2026-Q1", "Qu\xc3\xbd 1/2026");
}

static void test_period_refuses_what_is_not_a_period_saying_why(void **state)
{
    (void)state;
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"2026-13", "month"},
        {"2026-00", "month"},
        {"2026-Q5", "quarter"},
        {"2026-Q0", "quarter"},
        {"2026-02-30", "no such day"},
        {"2025-02-29", "no such day"},
        {"2026-1", "a period"},
        {" 2026", "a period"},
        {"2026 ", "a period"},
        {"2026-q4", "a period"},
        {"26", "a period"},
        {"", "a period"},
        {"1899", "year"},
        {"2026/11", "a period"},
        {"2026-11-2x", "a period"},
        {"+026", "a period"},
        {"2026-Q4x", "a period"},
        {"2026-11-28T00", "a period"},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        struct ind_period p = {IND_YEAR, 77};
        const char *why = NULL;
        if (ind_period_parse(bad[i].in, strlen(bad[i].in), &p, &why) != IOC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i].in);
        assert_int_equal(p.n, 77);
        assert_non_null(why);
        if (!strstr(why, bad[i].why))
            fail_msg("\"%s\": why \"%s\" does not say \"%s\"", bad[i].in, why, bad[i].why);
    }
}

static void test_period_leap_days(void **state)
{
    (void)state;
    struct ind_period feb = parse("2024-02"), first;
    int32_t count = 0;
    assert_int_equal(ind_period_children(feb, IND_DAY, &first, &count), 0);
    assert_int_equal(count, 29);
    assert_int_equal(ind_period_children(parse("2026-02"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 28);
    assert_int_equal(ind_period_children(parse("2000-02"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 29); /* divisible by 400 */
    assert_int_equal(ind_period_children(parse("2100-02"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 28); /* by 100, not 400 */
    assert_int_equal(ind_period_children(parse("2024"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 366);
    assert_int_equal(ind_period_start(parse("2024-02-29")), 1709139600);
    assert_int_equal(ind_period_end(parse("2024-02-29")), 1709226000);
    struct ind_period next;
    assert_int_equal(ind_period_step(parse("2024-02-28"), 1, &next), 0);
    assert_text(next, "2024-02-29", "29/02/2024");
    assert_int_equal(ind_period_step(next, 1, &next), 0);
    assert_text(next, "2024-03-01", "01/03/2024");
}

static void test_period_of_an_instant_is_read_in_utc_plus_7(void **state)
{
    (void)state;
    struct ind_period p;
    /* 2026-11-30T17:00:00Z is 00:00 on 01/12 in Hà Nội */
    assert_int_equal(ind_period_of(IND_DAY, 1796058000, &p), 0);
    assert_text(p, "2026-12-01", "01/12/2026");
    assert_int_equal(ind_period_of(IND_MONTH, 1796058000, &p), 0);
    assert_text(p, "2026-12", "12/2026");
    /* one second earlier is still 30/11, November, Q4 */
    assert_int_equal(ind_period_of(IND_DAY, 1796057999, &p), 0);
    assert_text(p, "2026-11-30", "30/11/2026");
    assert_int_equal(ind_period_of(IND_QUARTER, 1796057999, &p), 0);
    assert_text(p, "2026-Q4", "Qu\xc3\xbd 4/2026");
    /* New Year in Hà Nội is 17:00 UTC on 31/12 */
    assert_int_equal(ind_period_of(IND_YEAR, 1798736400, &p), 0);
    assert_text(p, "2027", "2027");
    assert_int_equal(ind_period_of(IND_YEAR, 1798736399, &p), 0);
    assert_text(p, "2026", "2026");
    /* before 1970 too (the floor division) */
    assert_int_equal(ind_period_of(IND_DAY, -25200 - 1, &p), 0);
    assert_text(p, "1969-12-31", "31/12/1969");
    assert_int_equal(ind_period_of(IND_DAY, -25200, &p), 0);
    assert_text(p, "1970-01-01", "01/01/1970");
    assert_int_equal(ind_period_of(IND_DAY, INT64_MAX, &p), IOC_EINVAL);
    assert_int_equal(ind_period_of(IND_DAY, INT64_MIN, &p), IOC_EINVAL);
}

static void test_period_start_and_end_at_quarter_edges(void **state)
{
    (void)state;
    struct ind_period q4 = parse("2026-Q4");
    assert_int_equal(ind_period_start(q4), 1790787600); /* 2026-10-01 00:00 +07 */
    assert_int_equal(ind_period_end(q4), 1798736400);   /* 2027-01-01 00:00 +07 */
    struct ind_period p;
    assert_int_equal(ind_period_of(IND_QUARTER, ind_period_end(q4) - 1, &p), 0);
    assert_int_equal(p.n, q4.n);
    assert_int_equal(ind_period_of(IND_QUARTER, ind_period_end(q4), &p), 0);
    assert_text(p, "2027-Q1", "Qu\xc3\xbd 1/2027");
    assert_int_equal(ind_period_step(q4, -1, &p), 0);
    assert_text(p, "2026-Q3", "Qu\xc3\xbd 3/2026");
    assert_int_equal(ind_period_end(p), ind_period_start(q4));
    assert_int_equal(ind_period_step(parse("2026-Q1"), -1, &p), 0);
    assert_text(p, "2025-Q4", "Qu\xc3\xbd 4/2025");
    assert_int_equal(ind_period_step(parse("2026-12"), 1, &p), 0);
    assert_text(p, "2027-01", "01/2027");
    assert_int_equal(ind_period_step(parse("9999"), 1, &p), IOC_EINVAL);
    assert_int_equal(ind_period_step(parse("1900-01-01"), -1, &p), IOC_EINVAL);
}

static void test_period_parent_and_children_chain_day_month_quarter_year(void **state)
{
    (void)state;
    struct ind_period d = parse("2026-09-30"), p;
    assert_int_equal(ind_period_parent(d, IND_MONTH, &p), 0);
    assert_text(p, "2026-09", "09/2026");
    assert_int_equal(ind_period_parent(p, IND_QUARTER, &p), 0);
    assert_text(p, "2026-Q3", "Qu\xc3\xbd 3/2026");
    assert_int_equal(ind_period_parent(p, IND_YEAR, &p), 0);
    assert_text(p, "2026", "2026");
    assert_int_equal(ind_period_parent(d, IND_QUARTER, &p), 0);
    assert_text(p, "2026-Q3", "Qu\xc3\xbd 3/2026");
    assert_int_equal(ind_period_parent(d, IND_DAY, &p), 0); /* the same frequency: itself */
    assert_int_equal(p.n, d.n);
    assert_int_equal(ind_period_parent(parse("2026"), IND_MONTH, &p), IOC_EINVAL);

    struct ind_period first;
    int32_t count;
    assert_int_equal(ind_period_children(parse("2026-Q3"), IND_MONTH, &first, &count), 0);
    assert_int_equal(count, 3);
    assert_text(first, "2026-07", "07/2026");
    assert_int_equal(ind_period_children(parse("2026-Q3"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 92);
    assert_int_equal(ind_period_children(parse("2026-Q1"), IND_DAY, &first, &count), 0);
    assert_int_equal(count, 90);
    assert_int_equal(ind_period_children(parse("2026"), IND_QUARTER, &first, &count), 0);
    assert_int_equal(count, 4);
    assert_int_equal(ind_period_children(parse("2026-11"), IND_YEAR, &first, &count), IOC_EINVAL);
}

static struct ind_deadline deadline(const char *s)
{
    struct ind_deadline d = {-1, -1};
    const char *why = NULL;
    if (ind_deadline_parse(s, strlen(s), &d, &why) != 0)
        fail_msg("\"%s\" refused: %s", s, why);
    char back[IND_DEADLINE_TEXT_MAX];
    assert_int_equal(ind_deadline_format(&d, back), 0);
    assert_string_equal(back, s);
    return d;
}

static void test_deadline_due_instants(void **state)
{
    (void)state;
    /* monthly by day 5: November's value is late from 06/12 00:00 in Hà Nội */
    struct ind_deadline d = deadline("+5d");
    assert_int_equal(d.days, 5);
    assert_int_equal(d.minute, 1440);
    assert_int_equal(ind_deadline_due(&d, parse("2026-11")), 1796490000);
    /* daily by 17:00: 28/11's value is late from 28/11 17:00 in Hà Nội */
    d = deadline("17:00");
    assert_int_equal(ind_deadline_due(&d, parse("2026-11-28")), 1795860000);
    /* "+0d" is the end of the period itself */
    d = deadline("+0d");
    assert_int_equal(ind_deadline_due(&d, parse("2026-Q4")), ind_period_end(parse("2026-Q4")));
    /* +1d 09:30 on a quarter: the day after 31/12, 01/01/2027 09:30 +07 */
    d = deadline("+1d 09:30");
    assert_int_equal(ind_deadline_due(&d, parse("2026-Q4")), 1798736400 + 9 * 3600 + 1800);
    /* February of a leap year ends on the 29th */
    d = deadline("+10d");
    assert_int_equal(ind_deadline_due(&d, parse("2024-02")), 1709226000 + 10 * 86400);
    deadline("+999d 23:59");
    deadline("00:00");
}

static void test_deadline_refuses_other_text(void **state)
{
    (void)state;
    static const char *const bad[] = {"",       "+d",     "+5",         "5d",         "+05d",
                                      "+1000d", "+5d ",   "+5d  17:00", "+5d17:00",   "24:00",
                                      "17:60",  "7:00",   "17:0",       "+-1d",       "+5D",
                                      "17:00 ", " 17:00", "+5d 9:30",   "+5d 17:00x", "1700"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        struct ind_deadline d = {42, 42};
        const char *why = NULL;
        if (ind_deadline_parse(bad[i], strlen(bad[i]), &d, &why) != IOC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(d.days, 42);
        assert_non_null(why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_parses_the_four_forms_and_formats_them_back),
        cmocka_unit_test(test_period_refuses_what_is_not_a_period_saying_why),
        cmocka_unit_test(test_period_leap_days),
        cmocka_unit_test(test_period_of_an_instant_is_read_in_utc_plus_7),
        cmocka_unit_test(test_period_start_and_end_at_quarter_edges),
        cmocka_unit_test(test_period_parent_and_children_chain_day_month_quarter_year),
        cmocka_unit_test(test_deadline_due_instants),
        cmocka_unit_test(test_deadline_refuses_other_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
