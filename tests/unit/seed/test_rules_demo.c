/* Unit tests for src/seed/rules_demo.c: the demo's synthetic rules, among them one
 * submission_late rule per late agency of the demo's values that is stored, owned by it and
 * limited to its indicators; seeded once. */
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
#include "seed/seed.h"
#include "store/store.h"
#include "store/store_alerts.h"

static void test_late_agencies_get_a_rule(void **state)
{
    (void)state;
    struct store *st = NULL;
    struct store_conn *db = NULL;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    /* two of the three late agencies stored (seed_late_agencies[1], [2]), and SO-NNMT */
    assert_int_equal(store_agency_add(db, "SO-NNMT", "Sở NN&MT", NULL, "", NULL), 0);
    assert_int_equal(store_agency_add(db, seed_late_agencies[1].code, "A", NULL, "", NULL), 0);
    assert_int_equal(store_agency_add(db, seed_late_agencies[2].code, "B", NULL, "", NULL), 0);
    struct seed_rules_demo d = {0};
    assert_int_equal(store_tx(db, seed_rules_demo_job, &d), 0);
    assert_int_equal(d.added, 7); /* the five of the sensors and reports, two late agencies */
    struct store_alert_rule *r = NULL;
    size_t n = 0;
    assert_int_equal(store_alert_rules_list(db, NULL, 0, &r, &n), 0);
    assert_int_equal(n, 7);
    size_t late = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(r[i].synthetic);
        if (strcmp(r[i].type, "submission_late") != 0)
            continue;
        const char *want = seed_late_agencies[1 + late].code;
        char target[80];
        snprintf(target, sizeof target, "{\"agency\":\"%s\"}", want);
        assert_string_equal(r[i].agency, want);
        assert_string_equal(r[i].target, target);
        assert_non_null(strstr(r[i].name_vi, "(dữ liệu mẫu)"));
        late++;
    }
    assert_int_equal(late, 2);
    store_alert_rules_free(r, n);
    /* a second run adds nothing */
    assert_int_equal(store_tx(db, seed_rules_demo_job, &d), 0);
    assert_int_equal(d.added, 0);
    store_conn_close(db);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_late_agencies_get_a_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
