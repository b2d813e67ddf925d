/* Unit tests of the citizen reports' workflow rules (src/reports/workflow.c): the transition
 * table (every pair of states), who may read and act (centre, leader, staff of the owning and
 * another agency, keys, anonymous), overdue, the reopen window, the rating's once-only and
 * range rules, tokens, and the haversine distance with its bounding box. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"

static const char *const states[] = {"received", "assigned",  "in_progress", "resolved",
                                     "rejected", "duplicate", "closed"};

static void test_table(void **state)
{
    (void)state;
    /* the allowed pairs, written out: anything else is refused */
    static const char *const ok[][2] = {
        {"received", "assigned"},    {"received", "in_progress"},  {"received", "resolved"},
        {"received", "rejected"},    {"received", "duplicate"},    {"assigned", "assigned"},
        {"assigned", "in_progress"}, {"assigned", "resolved"},     {"assigned", "rejected"},
        {"assigned", "duplicate"},   {"in_progress", "assigned"},  {"in_progress", "resolved"},
        {"in_progress", "rejected"}, {"in_progress", "duplicate"}, {"resolved", "in_progress"},
        {"resolved", "closed"},      {"rejected", "closed"},       {"duplicate", "closed"},
    };
    int allowed = 0;
    for (size_t i = 0; i < 7; i++)
        for (size_t k = 0; k < 7; k++) {
            int want = 0;
            for (size_t j = 0; j < sizeof ok / sizeof ok[0]; j++)
                want |= strcmp(ok[j][0], states[i]) == 0 && strcmp(ok[j][1], states[k]) == 0;
            if (rep_transition_allowed(states[i], states[k]) != want)
                fail_msg("%s -> %s: expected %d", states[i], states[k], want);
            allowed += want;
        }
    assert_int_equal(allowed, 18);
    assert_false(rep_transition_allowed("closed", "received"));
    assert_false(rep_transition_allowed("nope", "closed"));
    assert_false(rep_transition_allowed("received", NULL));
    assert_true(rep_state_is_answer("resolved"));
    assert_true(rep_state_is_answer("duplicate"));
    assert_false(rep_state_is_answer("closed"));
}

static struct auth_principal user(int role, int64_t agency)
{
    struct auth_principal p;
    memset(&p, 0, sizeof p);
    p.kind = AUTH_USER;
    p.role = role;
    p.agency_id = agency;
    return p;
}

static void test_access(void **state)
{
    (void)state;
    struct auth_principal admin = user(AUTH_ROLE_ADMIN, 0), op = user(AUTH_ROLE_OPERATOR, 0),
                          lead = user(AUTH_ROLE_LEADER, 0), mine = user(AUTH_ROLE_STAFF, 7),
                          other = user(AUTH_ROLE_STAFF, 8), anon, key;
    memset(&anon, 0, sizeof anon);
    key = mine;
    key.kind = AUTH_KEY;
    key.role = AUTH_ROLE_NONE;
    for (int w = 0; w < 2; w++) {
        assert_int_equal(rep_access(&admin, 7, w), 0);
        assert_int_equal(rep_access(&op, 7, w), 0);
        assert_int_equal(rep_access(&op, 0, w), 0); /* the triage queue */
        assert_int_equal(rep_access(&mine, 7, w), 0);
        assert_int_equal(rep_access(&other, 7, w), IOC_EPERM);
        assert_int_equal(rep_access(&mine, 0, w), IOC_EPERM);
        assert_int_equal(rep_access(&anon, 7, w), IOC_ENOTFOUND);
    }
    assert_int_equal(rep_access(&lead, 7, 0), 0);
    assert_int_equal(rep_access(&lead, 7, 1), IOC_EPERM);
    assert_int_equal(rep_access(&key, 7, 0), 0);
    assert_int_equal(rep_access(&key, 7, 1), IOC_EPERM);
    assert_int_equal(rep_access(&key, 8, 0), IOC_EPERM);
    assert_true(rep_sees_personal(&admin, 7));
    assert_true(rep_sees_personal(&op, 7));
    assert_true(rep_sees_personal(&mine, 7));
    assert_false(rep_sees_personal(&other, 7));
    assert_false(rep_sees_personal(&lead, 7));
    assert_false(rep_sees_personal(&key, 7));
    assert_true(rep_may_reassign(&op));
    assert_false(rep_may_reassign(&mine));
    assert_false(rep_may_reassign(&lead));
    assert_true(rep_reads_all(&lead));
    assert_false(rep_reads_all(&mine));
    assert_false(rep_reads_all(&key));
}

static void test_time_rules(void **state)
{
    (void)state;
    const int64_t day = 86400000;
    assert_true(rep_overdue("received", 1000, 2000));
    assert_true(rep_overdue("in_progress", 1000, 2000));
    assert_false(rep_overdue("in_progress", 3000, 2000));
    assert_false(rep_overdue("received", 0, 2000)); /* no deadline */
    for (size_t i = 3; i < 7; i++)
        assert_false(rep_overdue(states[i], 1000, 2000));
    assert_int_equal(rep_reopen_check("resolved", 10 * day, 17 * day, 7), 0);
    assert_int_equal(rep_reopen_check("closed", 10 * day, 17 * day, 7), 0);
    assert_int_equal(rep_reopen_check("closed", 10 * day, 17 * day + 1, 7), REP_REOPEN_LATE);
    assert_int_equal(rep_reopen_check("resolved", 10 * day, 10 * day + 1, 0), REP_REOPEN_LATE);
    assert_int_equal(rep_reopen_check("closed", 0, 1, 7), REP_REOPEN_LATE);
    assert_int_equal(rep_reopen_check("assigned", 10 * day, 11 * day, 7), REP_REOPEN_STATE);
    assert_int_equal(rep_reopen_check("rejected", 10 * day, 11 * day, 7), REP_REOPEN_STATE);
    assert_string_equal(rep_reopen_state(3), "assigned");
    assert_string_equal(rep_reopen_state(0), "received");
}

static void test_rating(void **state)
{
    (void)state;
    assert_int_equal(rep_rating_check("resolved", 0, 5, "tốt"), 0);
    assert_int_equal(rep_rating_check("closed", 0, 1, NULL), 0);
    assert_int_equal(rep_rating_check("rejected", 0, 3, NULL), 0);
    assert_int_equal(rep_rating_check("in_progress", 0, 3, NULL), REP_RATE_STATE);
    assert_int_equal(rep_rating_check("resolved", 4, 3, NULL), REP_RATE_AGAIN);
    assert_int_equal(rep_rating_check("resolved", 0, 0, NULL), REP_RATE_VALUE);
    assert_int_equal(rep_rating_check("resolved", 0, 6, NULL), REP_RATE_VALUE);
    char long_comment[REP_COMMENT_MAX * 2 + 3];
    for (size_t i = 0; i < REP_COMMENT_MAX + 1; i++) /* "ơ", two bytes, one character */
        memcpy(long_comment + 2 * i, "\xc6\xa1", 2);
    long_comment[2 * (REP_COMMENT_MAX + 1)] = '\0';
    assert_int_equal(rep_chars(long_comment), REP_COMMENT_MAX + 1);
    assert_int_equal(rep_rating_check("resolved", 0, 5, long_comment), REP_RATE_VALUE);
    long_comment[2 * REP_COMMENT_MAX] = '\0';
    assert_int_equal(rep_rating_check("resolved", 0, 5, long_comment), 0);
}

static void test_tokens(void **state)
{
    (void)state;
    char a[65], b[65], ha[65], ha2[65], hb[65];
    rep_token_new(a);
    rep_token_new(b);
    assert_true(rep_token_shaped(a));
    assert_string_not_equal(a, b);
    rep_token_hash(a, ha);
    rep_token_hash(a, ha2);
    rep_token_hash(b, hb);
    assert_string_equal(ha, ha2);
    assert_string_not_equal(ha, hb);
    assert_string_not_equal(ha, a);
    assert_false(rep_token_shaped("12"));
    assert_false(
        rep_token_shaped("G000000000000000000000000000000000000000000000000000000000000000"));
}

static void test_distance(void **state)
{
    (void)state;
    const double m = 1.0 / 111195.0; /* degrees of latitude per metre */
    assert_true(fabs(rep_distance_m(10.95, 106.82, 10.95 + 30 * m, 106.82) - 30) < 0.5);
    assert_true(fabs(rep_distance_m(10.95, 106.82, 10.95 + 80 * m, 106.82) - 80) < 0.5);
    assert_true(rep_distance_m(10.95, 106.82, 10.95, 106.82) < 1e-6);
    /* one degree of longitude at 10.95° N is about 109.2 km */
    double d = rep_distance_m(10.95, 106.0, 10.95, 107.0);
    assert_true(d > 109000 && d < 109400);
    double lat0, lat1, lon0, lon1;
    rep_bbox(10.95, 106.82, 50, &lat0, &lat1, &lon0, &lon1);
    /* every point 50 m away lies inside the box; a point 80 m east does not */
    for (int deg = 0; deg < 360; deg += 15) {
        double la = 10.95 + 50 * m * cos(deg * M_PI / 180);
        double lo = 106.82 + 50 * m * sin(deg * M_PI / 180) / cos(10.95 * M_PI / 180);
        assert_true(la >= lat0 && la <= lat1 && lo >= lon0 && lo <= lon1);
    }
    assert_true(106.82 + 80 * m / cos(10.95 * M_PI / 180) > lon1);
}

/* The live stream's `report` event: one line, nulls for what is absent, text escaped, and the
 * change an act made. */
static void test_change_json(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    struct rep_change c = {42, "rac-thai", "received",    NULL,
                           "", NULL,       1796205600123, "key:ab\"c\n"};
    rep_change_json(&c, &b);
    assert_string_equal(b.data, "{\"id\":42,\"service_code\":\"rac-thai\",\"state\":\"received\","
                                "\"previous\":null,\"agency\":null,\"unit\":null,"
                                "\"at\":\"2026-12-02T10:00:00.123Z\",\"by\":\"key:ab\\\"c\\n\"}");
    assert_null(strchr(b.data, '\n'));
    struct rep_action a = {.id = 7, .actor = "staff", .now_ms = 0};
    snprintf(a.from, sizeof a.from, "received");
    snprintf(a.state, sizeof a.state, "assigned");
    snprintf(a.agency_code, sizeof a.agency_code, "SO-XD");
    snprintf(a.service_code, sizeof a.service_code, "den-duong");
    snprintf(a.unit_code, sizeof a.unit_code, "26041");
    rep_action_change(&a, &c);
    ioc_buf_reset(&b);
    rep_change_json(&c, &b);
    assert_string_equal(b.data, "{\"id\":7,\"service_code\":\"den-duong\",\"state\":\"assigned\","
                                "\"previous\":\"received\",\"agency\":\"SO-XD\",\"unit\":\"26041\","
                                "\"at\":\"1970-01-01T00:00:00.000Z\",\"by\":\"staff\"}");
    ioc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_json), cmocka_unit_test(test_table),
        cmocka_unit_test(test_access),      cmocka_unit_test(test_time_rules),
        cmocka_unit_test(test_rating),      cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
