/* Unit tests for the rules of src/reports: a service definition as loaded (codes, datatypes,
 * order, values), a submission checked against it (each problem naming its parameter, all of
 * them at once, texts counted in characters), routing, the deadline, the Open311 status and the
 * time format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"

static const char service_json[] =
    "{\"code\":\"ngap\",\"name_vi\":\"Ngập\",\"name_en\":\"Flood\","
    "\"group\":{\"code\":\"nuoc\",\"vi\":\"Nước\",\"en\":\"Water\"},\"agency\":\"SO-XD\","
    "\"deadline_hours\":24,\"attributes\":["
    "{\"code\":\"sau\",\"datatype\":\"singlevaluelist\",\"required\":true,\"order\":1,"
    " \"description_vi\":\"Độ sâu\",\"values\":[{\"key\":\"it\",\"name_vi\":\"Ít\"},"
    " {\"key\":\"nhieu\",\"name_vi\":\"Nhiều\"}]},"
    "{\"code\":\"loai\",\"datatype\":\"multivaluelist\",\"order\":2,\"description_vi\":\"Loại\","
    " \"values\":[{\"key\":\"a\",\"name_vi\":\"A\"},{\"key\":\"b\",\"name_vi\":\"B\"}]},"
    "{\"code\":\"so\",\"datatype\":\"number\",\"order\":3,\"description_vi\":\"Số\"},"
    "{\"code\":\"luc\",\"datatype\":\"datetime\",\"order\":4,\"description_vi\":\"Lúc\"},"
    "{\"code\":\"ghi-chu\",\"datatype\":\"text\",\"order\":5,\"description_vi\":\"Ghi chú\"},"
    "{\"code\":\"ten\",\"datatype\":\"string\",\"order\":6,\"description_vi\":\"Tên\"}]}";

static void load(struct store_rep_service *s)
{
    json_t *j = json_loads(service_json, 0, NULL);
    assert_non_null(j);
    struct rep_problem p;
    int rc = rep_service_from_json(j, s, &p);
    json_decref(j);
    if (rc)
        fail_msg("%s: %s", p.param, p.why);
}

static void test_service_loaded(void **state)
{
    (void)state;
    struct store_rep_service s;
    load(&s);
    assert_string_equal(s.code, "ngap");
    assert_string_equal(s.group_code, "nuoc");
    assert_string_equal(s.agency_code, "SO-XD");
    assert_int_equal(s.deadline_hours, 24);
    assert_int_equal(s.nattrs, 6);
    assert_int_equal(s.attrs[0].required, 1);
    assert_int_equal(s.attrs[1].required, 0);
    assert_string_equal(s.attrs[0].value_list,
                        "[{\"key\":\"it\",\"name_vi\":\"Ít\",\"name_en\":\"\"},"
                        "{\"key\":\"nhieu\",\"name_vi\":\"Nhiều\",\"name_en\":\"\"}]");
    assert_string_equal(s.attrs[2].value_list, "");
    store_rep_service_clear(&s);
}

static void expect_bad(const char *from, const char *to, const char *param)
{
    char *text = strdup(service_json);
    char *at = strstr(text, from);
    assert_non_null(at);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_append(&b, text, (size_t)(at - text));
    ioc_buf_puts(&b, to);
    ioc_buf_puts(&b, at + strlen(from));
    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    assert_non_null(j);
    struct store_rep_service s;
    struct rep_problem p;
    assert_int_equal(rep_service_from_json(j, &s, &p), IOC_EINVAL);
    if (strcmp(p.param, param) != 0)
        fail_msg("%s → %s: %s (%s), expected %s", from, to, p.param, p.why, param);
    assert_null(s.code);
    json_decref(j);
    ioc_buf_free(&b);
    free(text);
}

static void test_service_refused(void **state)
{
    (void)state;
    expect_bad("\"code\":\"ngap\"", "\"code\":\"ng ap\"", "code");
    expect_bad("\"name_en\":\"Flood\"", "\"name_en\":\"\"", "name_vi");
    expect_bad("\"deadline_hours\":24", "\"deadline_hours\":-1", "deadline_hours");
    expect_bad("\"datatype\":\"number\"", "\"datatype\":\"integer\"", "attributes[2]");
    expect_bad("\"order\":3", "\"order\":2", "attributes");
    expect_bad("\"order\":3", "\"order\":0", "attributes[2]");
    expect_bad("\"code\":\"so\"", "\"code\":\"sau\"", "attributes");
    expect_bad("{\"key\":\"b\"", "{\"key\":\"a\"", "attributes[1]");
    expect_bad("\"datatype\":\"number\",", "\"datatype\":\"number\",\"values\":[{\"key\":\"x\"}],",
               "attributes[2]");
    expect_bad("\"group\":{\"code\":\"nuoc\"", "\"group\":{\"code\":\"\"", "group");
}

static int check(const struct store_rep_service *s, const char *body, struct rep_submission *out,
                 struct rep_problem *p, size_t *np)
{
    struct rep_form f;
    char err[256];
    assert_int_equal(rep_form_parse(body, strlen(body), &f, err, sizeof err), 0);
    int rc = rep_submission_check(s, &f, out, p, 16, np);
    if (rc == 0) {
        /* the strings point into the form: copy what the test reads */
        out->description = out->description ? strdup(out->description) : NULL;
    }
    rep_form_free(&f);
    return rc;
}

static int has(const struct rep_problem *p, size_t n, const char *param)
{
    for (size_t i = 0; i < n && i < 16; i++)
        if (strcmp(p[i].param, param) == 0)
            return 1;
    return 0;
}

static void test_submission_good(void **state)
{
    (void)state;
    struct store_rep_service s;
    load(&s);
    struct rep_submission x;
    struct rep_problem p[16];
    size_t np = 9;
    int rc = check(&s,
                   "service_code=ngap&lat=10.95&long=106.82&attribute[sau]=it"
                   "&attribute[loai][]=a&attribute[loai][]=b&attribute[so]=2.5"
                   "&attribute[luc]=2026-03-01T08:00:00%2B07:00&description=%3Cb%3Ex",
                   &x, p, &np);
    if (rc)
        fail_msg("%s: %s", p[0].param, p[0].why);
    assert_int_equal(np, 0);
    assert_true(x.lat == 10.95 && x.lon == 106.82);
    assert_string_equal(x.description, "<b>x"); /* stored as text */
    assert_string_equal(x.attributes, "{\"sau\":\"it\",\"loai\":[\"a\",\"b\"],\"so\":2.5,"
                                      "\"luc\":\"2026-03-01T08:00:00+07:00\"}");
    free((char *)x.description);
    rep_submission_clear(&x);
    /* an address instead of a point */
    assert_int_equal(
        check(&s, "service_code=ngap&address_string=12+V%C3%B5&attribute[sau]=it", &x, p, &np), 0);
    free((char *)x.description);
    rep_submission_clear(&x);
    store_rep_service_clear(&s);
}

static void test_submission_problems_named(void **state)
{
    (void)state;
    struct store_rep_service s;
    load(&s);
    struct rep_submission x;
    struct rep_problem p[16];
    size_t np = 0;
    /* every problem at once, each under its parameter */
    assert_int_equal(check(&s,
                           "service_code=ngap&lat=91&long=106&attribute[loai][]=c"
                           "&attribute[so]=abc&attribute[luc]=2026-03-01&attribute[mau]=do"
                           "&email=x&media_url=ftp://a&colour=red&phone=12a",
                           &x, p, &np),
                     IOC_EINVAL);
    const char *want[] = {"lat",           "attribute[sau]", "attribute[loai]",
                          "attribute[so]", "attribute[luc]", "attribute[mau]",
                          "email",         "media_url",      "colour",
                          "phone"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(want); i++)
        if (!has(p, np, want[i]))
            fail_msg("no problem for %s", want[i]);
    assert_int_equal(np, IOC_ARRAY_LEN(want));
    /* no location at all; long without lat; a list value twice for a single list */
    assert_int_equal(check(&s, "service_code=ngap&attribute[sau]=it", &x, p, &np), IOC_EINVAL);
    assert_true(has(p, np, "lat"));
    assert_int_equal(check(&s, "service_code=ngap&long=1&attribute[sau]=it", &x, p, &np),
                     IOC_EINVAL);
    assert_true(has(p, np, "lat"));
    assert_int_equal(check(&s,
                           "service_code=ngap&lat=1&long=1&attribute[sau]=it&attribute[sau]=nhieu",
                           &x, p, &np),
                     IOC_EINVAL);
    assert_true(has(p, np, "attribute[sau]"));
    assert_int_equal(check(&s, "service_code=ngap&lat=1&long=1&attribute[sau][]=it", &x, p, &np),
                     IOC_EINVAL);
    assert_true(has(p, np, "attribute[sau]"));
    store_rep_service_clear(&s);
}

static void test_lengths_in_characters(void **state)
{
    (void)state;
    struct store_rep_service s;
    load(&s);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_puts(&b, "service_code=ngap&lat=1&long=1&attribute[sau]=it&description=");
    for (int i = 0; i < REP_DESCRIPTION_MAX; i++)
        ioc_buf_puts(&b, "%E1%BA%A3"); /* ả: 3 bytes, one character */
    struct rep_submission x;
    struct rep_problem p[16];
    size_t np = 0;
    assert_int_equal(check(&s, b.data, &x, p, &np), 0);
    free((char *)x.description);
    rep_submission_clear(&x);
    ioc_buf_puts(&b, "a");
    assert_int_equal(check(&s, b.data, &x, p, &np), IOC_EINVAL);
    assert_true(has(p, np, "description"));
    ioc_buf_free(&b);
    store_rep_service_clear(&s);
}

static void test_route_deadline_status_time(void **state)
{
    (void)state;
    assert_string_equal(rep_route("UBND-26041", "SO-XD"), "UBND-26041");
    assert_string_equal(rep_route("", "SO-XD"), "SO-XD");
    assert_string_equal(rep_route(NULL, "SO-XD"), "SO-XD");
    assert_string_equal(rep_route("", ""), ""); /* triage */
    assert_int_equal(rep_deadline_ms(1000, 2), 1000 + 7200000);
    assert_int_equal(rep_deadline_ms(1000, 0), 0);
    const char *open[] = {"received", "assigned", "in_progress"};
    const char *closed[] = {"resolved", "rejected", "duplicate", "closed"};
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(rep_status_of(open[i]), "open");
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(rep_status_of(closed[i]), "closed");
    assert_null(rep_status_of("fixed"));
    assert_false(rep_state_valid("open"));
    char t[32];
    rep_time_format(0, t);
    assert_string_equal(t, "1970-01-01T07:00:00+07:00");
    rep_time_format(1772326800000LL, t); /* 2026-03-01T01:00:00Z */
    assert_string_equal(t, "2026-03-01T08:00:00+07:00");
    int64_t ms = 0;
    assert_int_equal(rep_time_parse("2026-03-01T08:00:00+07:00", &ms), 0);
    assert_int_equal(ms, 1772326800000LL);
    assert_int_equal(rep_time_parse("2026-03-01T01:00:00Z", &ms), 0);
    assert_int_equal(ms, 1772326800000LL);
    assert_int_equal(rep_time_parse("2026-03-01", &ms), IOC_EINVAL);
    assert_int_equal(rep_time_parse("2026-03-01T08:00:00", &ms), IOC_EINVAL);
    /* the public fields never include a personal one */
    static const char *const personal[] = {"email",     "phone",     "first_name",
                                           "last_name", "device_id", "account_id"};
    for (size_t i = 0; rep_public_fields[i]; i++)
        for (size_t k = 0; k < IOC_ARRAY_LEN(personal); k++)
            assert_string_not_equal(rep_public_fields[i], personal[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_loaded),
        cmocka_unit_test(test_service_refused),
        cmocka_unit_test(test_submission_good),
        cmocka_unit_test(test_submission_problems_named),
        cmocka_unit_test(test_lengths_in_characters),
        cmocka_unit_test(test_route_deadline_status_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
