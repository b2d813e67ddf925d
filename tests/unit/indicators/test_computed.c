/* Unit tests for src/indicators/values_computed.c: computed figures written through the rules of
 * a write on the demo catalogue and units (seeded in a fresh store): a value is added, the same
 * value again is unchanged (no revision), a new one revised; a value the rules refuse (an
 * unknown indicator, a derived or a ratio indicator, a unit not in force in the period, a
 * period of another frequency) is counted and named while the others are still stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "indicators/indicators.h"
#include "seed/seed.h"
#include "store/store.h"

static struct store *st;
static struct store_conn *w;
static char today_commune[32], old_commune[32];

static int first_commune(const char *at, char out[32])
{
    struct store_unit *u = NULL;
    size_t n = 0;
    struct store_unit_query q = {.level = "commune", .at = at, .limit = 1};
    int rc = store_units_find(w, &q, &u, &n);
    if (rc == 0 && n == 1)
        snprintf(out, 32, "%s", u[0].code);
    store_units_free(u, n);
    return rc == 0 && n == 1 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    if (store_open(test_tmpdir(), &st) || store_conn_open(st, 0, &w))
        return -1;
    struct seed_units su = {.dir = "data/vn-units"};
    struct seed_demo sd = {.password_admin = strdup("admin-pass-123"),
                           .password_leader = strdup("leader-pass-123"),
                           .password_operator = strdup("operator-pass-123"),
                           .password_staff = strdup("staff-pass-123"),
                           .indicators_dir = "data/indicators"};
    int rc = store_tx(w, seed_units_job, &su);
    if (rc == 0)
        rc = store_tx(w, seed_demo_job, &sd);
    free(sd.password_admin);
    free(sd.password_leader);
    free(sd.password_operator);
    free(sd.password_staff);
    if (rc == 0)
        rc = first_commune("2026-06-01", today_commune);
    if (rc == 0)
        rc = first_commune("2024-06-01", old_commune);
    return rc == 0 && strcmp(today_commune, old_commune) != 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(w);
    store_close(st);
    return 0;
}

static struct ind_computed value(const char *code, const char *unit, enum ind_freq f, int32_t n,
                                 double v)
{
    struct ind_computed c;
    memset(&c, 0, sizeof c);
    snprintf(c.code, sizeof c.code, "%s", code);
    snprintf(c.unit, sizeof c.unit, "%s", unit);
    c.period = (struct ind_period){f, n};
    c.value = v;
    return c;
}

static double stored(const char *code, int32_t day, int64_t *revision, char *who, size_t size)
{
    int64_t id = 0, unit_id = 0;
    assert_int_equal(store_indicator_id(w, code, &id), 0);
    assert_int_equal(store_unit_during(w, today_commune, "2026-06-01", "2026-06-01", &unit_id), 0);
    struct store_indvalue v;
    memset(&v, 0, sizeof v);
    assert_int_equal(store_indvalue_get(w, id, "day", day, unit_id, &v), 0);
    double x = v.value;
    *revision = v.revision;
    snprintf(who, size, "%s|%s", v.who, v.source);
    store_indvalue_clear(&v);
    return x;
}

static void test_added_unchanged_revised_and_refused(void **state)
{
    (void)state;
    int32_t day = ioc_date_from_civil(2026, 6, 1);
    struct ind_computed v[] = {
        value("MT.AQI", today_commune, IND_DAY, day, 102.5),
        value("NO.SUCH", today_commune, IND_DAY, day, 1),               /* not in the catalogue */
        value("MT.TL_CTR", today_commune, IND_MONTH, 2026 * 12 + 5, 1), /* derived */
        value("MT.TL_NT_DT", today_commune, IND_YEAR, 2026, 50),        /* a ratio: num and den */
        value("MT.AQI_MAX", old_commune, IND_DAY, day, 125),            /* not in force in 2026 */
        value("MT.AQI_MAX", today_commune, IND_MONTH, 2026 * 12 + 5, 125), /* a month */
        value("MT.AQI_NGAY_XAU", today_commune, IND_DAY, day, 1),
    };
    struct ind_computed_write j = {.v = v, .n = IOC_ARRAY_LEN(v), .who = "figures"};
    assert_int_equal(store_tx(w, ind_computed_write_job, &j), 0);
    assert_int_equal(j.added, 2);
    assert_int_equal(j.revised + j.unchanged, 0);
    assert_int_equal(j.refused, 5);
    assert_non_null(strstr(j.error, "NO.SUCH"));
    int64_t rev = 0;
    char who[64];
    assert_true(stored("MT.AQI", day, &rev, who, sizeof who) == 102.5);
    assert_int_equal(rev, 1);
    assert_string_equal(who, "figures|telemetry");
    assert_true(stored("MT.AQI_NGAY_XAU", day, &rev, who, sizeof who) == 1);

    /* the same again: nothing changes; another number: a revision */
    assert_int_equal(store_tx(w, ind_computed_write_job, &j), 0);
    assert_int_equal(j.added + j.revised, 0);
    assert_int_equal(j.unchanged, 2);
    assert_int_equal(j.refused, 5);
    v[0].value = 99;
    j.who = NULL;
    assert_int_equal(store_tx(w, ind_computed_write_job, &j), 0);
    assert_int_equal(j.revised, 1);
    assert_int_equal(j.unchanged, 1);
    assert_true(stored("MT.AQI", day, &rev, who, sizeof who) == 99);
    assert_int_equal(rev, 2);
    assert_string_equal(who, "figures|telemetry");

    /* nothing to write */
    struct ind_computed_write none = {0};
    assert_int_equal(store_tx(w, ind_computed_write_job, &none), 0);
    assert_int_equal(none.added + none.refused, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_added_unchanged_revised_and_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
