/* Unit tests for a new report's `report` event inside its transaction (src/reports/workflow.c,
 * rep_created_in_tx): in_tx gets the live stream's JSON (previous null, the agency's code and id,
 * no personal field) in the transaction that stores the report, and its error undoes the
 * filing. */
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
#include "reports/reports.h"
#include "store/store.h"

#define T0 INT64_C(1780246800000)

static struct store *st;
static struct store_conn *db;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-XD", "Sở Xây dựng", NULL, NULL, NULL), 0);
    struct store_rep_service s = {.code = "ngap",
                                  .name_vi = "Ngập",
                                  .name_en = "Flood",
                                  .agency_code = "SO-XD",
                                  .deadline_hours = 24};
    assert_int_equal(store_rep_service_put(db, &s), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

/* One filing: the request, then its event handed to in_tx (which answers rc). */
struct filing {
    struct store_rep_request r;
    int rc, calls;
    char type[16], json[512];
    int64_t agency_id;
};

static int in_tx(void *ctx, struct store_conn *w, const char *type, int64_t agency_id,
                 const char *json, size_t n)
{
    struct filing *f = ctx;
    assert_non_null(w);
    f->calls++;
    snprintf(f->type, sizeof f->type, "%s", type);
    snprintf(f->json, sizeof f->json, "%.*s", (int)n, json);
    f->agency_id = agency_id;
    return f->rc;
}

static int file_job(struct store_conn *w, void *arg)
{
    struct filing *f = arg;
    int existing = 0;
    int rc = store_rep_request_add(w, &f->r, "key:7", &existing);
    return rc ? rc : rep_created_in_tx(w, f->r.id, "key:7", in_tx, f);
}

static struct filing filing(int rc)
{
    return (struct filing){.r = {.service_code = "ngap",
                                 .description = "Ngập sâu",
                                 .lat = 10.95,
                                 .lon = 106.82,
                                 .has_point = 1,
                                 .agency_code = "SO-XD",
                                 .state = "received",
                                 .requested_ms = T0,
                                 .email = "lan@example.vn",
                                 .phone = "0901234567",
                                 .first_name = "Lan",
                                 .last_name = "Nguyễn",
                                 .device_id = "dev-77",
                                 .idempotency = ""},
                           .rc = rc};
}

static void test_the_event_in_the_transaction(void **state)
{
    (void)state;
    struct filing f = filing(0);
    assert_int_equal(store_tx(db, file_job, &f), 0);
    assert_int_equal(f.calls, 1);
    assert_string_equal(f.type, "report");
    struct store_rep_request r;
    assert_int_equal(store_rep_request_get(db, f.r.id, &r), 0);
    assert_true(f.agency_id == r.agency_id && r.agency_id > 0);
    char want[512];
    snprintf(want, sizeof want,
             "{\"id\":%lld,\"service_code\":\"ngap\",\"state\":\"received\",\"previous\":null,"
             "\"agency\":\"SO-XD\",\"unit\":null,\"at\":\"2026-05-31T17:00:00.000Z\","
             "\"by\":\"key:7\"}",
             (long long)f.r.id);
    assert_string_equal(f.json, want);
    /* the stream's event of the same report, built from the row read back, is the same */
    struct rep_change ch;
    rep_request_change(&r, "key:7", &ch);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    rep_change_json(&ch, &b);
    assert_string_equal(b.data, f.json);
    ioc_buf_free(&b);
    const char *personal[] = {"lan@", "0901234567", "Lan\"", "Nguy", "dev-77"};
    for (size_t i = 0; i < sizeof personal / sizeof *personal; i++)
        assert_null(strstr(f.json, personal[i]));
    store_rep_request_clear(&r);
}

static void test_an_error_of_in_tx_undoes_the_filing(void **state)
{
    (void)state;
    struct filing f = filing(IOC_EIO);
    assert_int_equal(store_tx(db, file_job, &f), IOC_EIO);
    assert_int_equal(f.calls, 1);
    assert_true(f.r.id > 0);
    struct store_rep_request r;
    assert_int_equal(store_rep_request_get(db, f.r.id, &r), IOC_ENOTFOUND);
}

int main(void)
{
    ioc_log_set_level(IOC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_event_in_the_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_error_of_in_tx_undoes_the_filing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
