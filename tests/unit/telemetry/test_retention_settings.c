/* Unit tests for the retention settings (src/telemetry/settings.c): durations, per-measurement
 * rules, the refusal naming the setting, and the ingest refusing to start with a bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

#define S 1000000000LL

static void test_retention_durations(void **state)
{
    (void)state;
    int64_t ns = -1;
    assert_int_equal(telemetry_duration_parse("0", &ns), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(telemetry_duration_parse("400d", &ns), 0);
    assert_int_equal(ns, 400 * 86400 * S);
    assert_int_equal(telemetry_duration_parse("12h", &ns), 0);
    assert_int_equal(ns, 12 * 3600 * S);
    assert_int_equal(telemetry_duration_parse("90m", &ns), 0);
    assert_int_equal(ns, 90 * 60 * S);
    assert_int_equal(telemetry_duration_parse("45s", &ns), 0);
    assert_int_equal(ns, 45 * S);
    assert_int_equal(telemetry_duration_parse("2w", &ns), 0);
    assert_int_equal(ns, 14 * 86400 * S);
    assert_int_equal(telemetry_duration_parse("36525d", &ns), 0);
    static const char *const bad[] = {"",
                                      "d",
                                      "12",
                                      "0d",
                                      "-5d",
                                      "5 d",
                                      "5dd",
                                      "5D",
                                      "1.5d",
                                      "5y",
                                      "00",
                                      "36526d",
                                      "99999999999999w",
                                      " 5d",
                                      "5d ",
                                      "0x5d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (telemetry_duration_parse(bad[i], &ns) != IOC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(telemetry_duration_parse(NULL, &ns), IOC_EINVAL);
}

static void test_retention_rules_parse_with_blanks_and_override_the_default(void **state)
{
    (void)state;
    struct telemetry_retention r;
    char err[256] = "";
    assert_int_equal(
        telemetry_retention_parse("400d", " air = 730d ,traffic=90d,noise=0", &r, err, sizeof err),
        0);
    assert_int_equal(r.default_ns, 400 * 86400 * S);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.rules[0].mlen, 3);
    assert_memory_equal(r.rules[0].m, "air", 3);
    assert_int_equal(r.rules[0].keep_ns, 730 * 86400 * S);
    assert_int_equal(r.rules[1].mlen, 7);
    assert_memory_equal(r.rules[1].m, "traffic", 7);
    assert_int_equal(r.rules[1].keep_ns, 90 * 86400 * S);
    assert_memory_equal(r.rules[2].m, "noise", 5);
    assert_int_equal(r.rules[2].keep_ns, 0);
    telemetry_retention_free(&r);

    assert_int_equal(telemetry_retention_parse(NULL, NULL, &r, err, sizeof err), 0);
    assert_int_equal(r.default_ns, 0);
    assert_int_equal(r.n, 0);
    telemetry_retention_free(&r);
    assert_int_equal(telemetry_retention_parse("0", "  ", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
    telemetry_retention_free(&r);
}

static void test_retention_bad_rules_are_refused_naming_the_setting(void **state)
{
    (void)state;
    static const char *const bad[] = {"air",          "air=",     "=30d",
                                      "air=30x",      "air=30d,", "air=1d,air=2d",
                                      "air=30d;x=1d", ",air=1d",  "air=30d,,b=1d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct telemetry_retention r;
        char err[256] = "";
        if (telemetry_retention_parse("0", bad[i], &r, err, sizeof err) != IOC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_non_null(strstr(err, "telemetry.retention_by_measurement"));
        telemetry_retention_free(&r);
    }
    struct telemetry_retention r;
    char err[256] = "";
    assert_int_equal(telemetry_retention_parse("forever", "", &r, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "telemetry.retention "));
    assert_non_null(strstr(err, "forever"));
    telemetry_retention_free(&r);
}

static void test_retention_a_bad_value_refuses_the_ingest(void **state)
{
    (void)state;
    struct telemetry_settings s = {"always", 5, 1 << 20, 1000, 1000, 720};
    s.retention = "30d";
    s.retention_by_measurement = "air=soon";
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(test_fresh_dir(), &s, &ig, err, sizeof err), IOC_EINVAL);
    assert_null(ig);
    assert_non_null(strstr(err, "air=soon"));
    s.retention_by_measurement = "air=1d";
    assert_int_equal(telemetry_ingest_open(test_fresh_dir(), &s, &ig, err, sizeof err), 0);
    telemetry_ingest_close(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retention_durations),
        cmocka_unit_test(test_retention_rules_parse_with_blanks_and_override_the_default),
        cmocka_unit_test(test_retention_bad_rules_are_refused_naming_the_setting),
        cmocka_unit_test(test_retention_a_bad_value_refuses_the_ingest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
