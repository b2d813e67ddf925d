/* Unit tests for src/store/reports.c: a service put with its attributes (replaced whole on a
 * second put, agency checked), overrides, requests (an idempotency key unique per API key: the
 * second add stores nothing and answers the first id; another key stores), their first event,
 * and the search (ids overriding the rest, codes, the time window, open and closed, paging);
 * the photos of a request (in order, for one or several requests, gone with their request). */
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
#include "store/store.h"
#include "store/store_int.h"

static struct store *st;
static struct store_conn *db;

static struct store_rep_attr attrs[] = {
    {"sau", "singlevaluelist", 1, 1, "Độ sâu", "Depth", "",
     "[{\"key\":\"it\",\"name_vi\":\"Ít\"}]"},
    {"ghi", "text", 0, 2, "Ghi chú", "Note", "", ""},
};

static int setup(void **state)
{
    (void)state;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &db), 0);
    assert_int_equal(store_agency_add(db, "SO-XD", "Sở Xây dựng", NULL, NULL, NULL), 0);
    assert_int_equal(store_agency_add(db, "UBND-1", "UBND Phường 1", NULL, NULL, NULL), 0);
    struct store_rep_service s = {.code = "ngap",
                                  .name_vi = "Ngập",
                                  .name_en = "Flood",
                                  .group_code = "nuoc",
                                  .group_vi = "Nước",
                                  .agency_code = "SO-XD",
                                  .deadline_hours = 24,
                                  .attrs = attrs,
                                  .nattrs = 2};
    assert_int_equal(store_rep_service_put(db, &s), 0);
    struct store_rep_service k = {
        .code = "khac", .name_vi = "Khác", .agency_code = "", .position = 1};
    assert_int_equal(store_rep_service_put(db, &k), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_conn_close(db);
    store_close(st);
    return 0;
}

static void test_services(void **state)
{
    (void)state;
    struct store_rep_service s;
    assert_int_equal(store_rep_service_get(db, "ngap", &s), 0);
    assert_string_equal(s.agency_code, "SO-XD");
    assert_int_equal(s.nattrs, 2);
    assert_string_equal(s.attrs[0].code, "sau");
    assert_int_equal(s.attrs[0].required, 1);
    assert_string_equal(s.attrs[1].datatype, "text");
    assert_int_equal(s.attr_count, 2);
    store_rep_service_clear(&s);
    /* a second put replaces the attributes whole */
    struct store_rep_service again = {.code = "ngap",
                                      .name_vi = "Ngập úng",
                                      .name_en = "Flood",
                                      .agency_code = "SO-XD",
                                      .attrs = attrs + 1,
                                      .nattrs = 1};
    assert_int_equal(store_rep_service_put(db, &again), 0);
    assert_int_equal(store_rep_service_get(db, "ngap", &s), 0);
    assert_string_equal(s.name_vi, "Ngập úng");
    assert_int_equal(s.nattrs, 1);
    assert_string_equal(s.attrs[0].code, "ghi");
    store_rep_service_clear(&s);
    struct store_rep_service *list = NULL;
    size_t n = 0;
    assert_int_equal(store_rep_services_list(db, &list, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].code, "ngap");
    assert_string_equal(list[1].agency_code, "");
    assert_int_equal(list[1].attr_count, 0);
    store_rep_services_free(list, n);
    assert_int_equal(store_rep_service_get(db, "none", &s), IOC_ENOTFOUND);
    struct store_rep_service bad = {.code = "x", .name_vi = "X", .agency_code = "SO-NONE"};
    assert_int_equal(store_rep_service_put(db, &bad), IOC_EINVAL);
    assert_int_equal(store_rep_service_put(
                         db,
                         (struct store_rep_service[]){
                             {.code = "ngap", .name_vi = "Ngập", .attrs = attrs, .nattrs = 2}}),
                     0);
}

static void test_overrides(void **state)
{
    (void)state;
    char *a = NULL;
    assert_int_equal(store_rep_override_get(db, "ngap", "26041", &a), 0);
    assert_string_equal(a, "");
    free(a);
    assert_int_equal(store_rep_override_put(db, "ngap", "26041", "UBND-1"), 0);
    assert_int_equal(store_rep_override_get(db, "ngap", "26041", &a), 0);
    assert_string_equal(a, "UBND-1");
    free(a);
    assert_int_equal(store_rep_override_put(db, "ngap", "26041", "SO-NONE"), IOC_EINVAL);
    assert_int_equal(store_rep_override_put(db, "none", "26041", "UBND-1"), IOC_EINVAL);
    assert_int_equal(store_rep_override_put(db, "ngap", "26041", ""), IOC_EINVAL);
}

static int64_t add(const char *code, int64_t key_id, const char *idem, int64_t at, int *existing)
{
    struct store_rep_request r = {.service_code = (char *)code,
                                  .description = "Ngập (thử)",
                                  .lat = 10.95,
                                  .lon = 106.82,
                                  .has_point = 1,
                                  .agency_code = "SO-XD",
                                  .state = "received",
                                  .requested_ms = at,
                                  .email = "a@b.vn",
                                  .key_id = key_id,
                                  .idempotency = (char *)idem};
    assert_int_equal(store_rep_request_add(db, &r, "key:abc", existing), 0);
    return r.id;
}

static void test_requests_idempotent_and_found(void **state)
{
    (void)state;
    int ex = 0;
    int64_t now = ioc_now_ms();
    int64_t a = add("ngap", 7, "k1", now, &ex);
    assert_int_equal(ex, 0);
    assert_int_equal(add("ngap", 7, "k1", now, &ex), a); /* the retry */
    assert_int_equal(ex, 1);
    int64_t b = add("ngap", 8, "k1", now - 1000, &ex); /* another key */
    assert_int_equal(ex, 0);
    assert_true(b != a);
    int64_t c = add("khac", 7, NULL, now - 2000, &ex); /* no key: always stored */
    int64_t d = add("khac", 7, "", now - 3000, &ex);
    assert_true(c != d);
    int64_t events = 0;
    assert_int_equal(store_rep_events_count(db, a, &events), 0);
    assert_int_equal(events, 1);
    struct store_rep_request r;
    assert_int_equal(store_rep_request_get(db, a, &r), 0);
    assert_string_equal(r.service_name, "Ngập");
    assert_string_equal(r.agency_name, "Sở Xây dựng");
    assert_string_equal(r.email, "a@b.vn");
    assert_int_equal(r.has_point, 1);
    assert_string_equal(r.idempotency, "k1");
    store_rep_request_clear(&r);
    assert_int_equal(store_rep_request_get(db, 999, &r), IOC_ENOTFOUND);
    /* search */
    struct store_rep_request *x = NULL;
    size_t n = 0;
    struct store_rep_query q = {
        .from_ms = now - 2500, .to_ms = now + 1, .want_open = 1, .want_closed = 1};
    assert_int_equal(store_rep_requests_find(db, &q, &x, &n), 0);
    assert_int_equal(n, 3); /* newest first: a, b, c */
    assert_true(x[0].id == a && x[1].id == b && x[2].id == c);
    store_rep_requests_free(x, n);
    const char *codes[] = {"khac"};
    q.codes = codes;
    q.ncodes = 1;
    assert_int_equal(store_rep_requests_find(db, &q, &x, &n), 0);
    assert_int_equal(n, 1);
    assert_true(x[0].id == c);
    store_rep_requests_free(x, n);
    q.ncodes = 0;
    q.want_open = 0; /* closed only: none */
    assert_int_equal(store_rep_requests_find(db, &q, &x, &n), 0);
    assert_int_equal(n, 0);
    int64_t ids[] = {d, a};
    q.ids = ids;
    q.nids = 2; /* ids override the window and the status */
    assert_int_equal(store_rep_requests_find(db, &q, &x, &n), 0);
    assert_int_equal(n, 2);
    store_rep_requests_free(x, n);
    q.nids = 0;
    q.want_open = 1;
    q.limit = 1;
    q.offset = 1;
    assert_int_equal(store_rep_requests_find(db, &q, &x, &n), 0);
    assert_int_equal(n, 1);
    assert_true(x[0].id == b);
    store_rep_requests_free(x, n);
}

static void hash_of(char c, char out[STORE_REP_HASH_HEX + 1])
{
    memset(out, c, STORE_REP_HASH_HEX);
    out[STORE_REP_HASH_HEX] = '\0';
}

static void test_media(void **state)
{
    (void)state;
    int ex = 0;
    int64_t now = ioc_now_ms();
    int64_t a = add("ngap", 9, "photos", now, &ex), b = add("khac", 9, NULL, now, &ex);
    int64_t none = add("khac", 9, NULL, now, &ex);
    char h[4][STORE_REP_HASH_HEX + 1];
    hash_of('c', h[0]);
    hash_of('a', h[1]);
    hash_of('b', h[2]);
    hash_of('d', h[3]);
    /* stored out of order: read back by position */
    assert_int_equal(store_rep_media_add(db, a, 2, h[1]), 0);
    assert_int_equal(store_rep_media_add(db, a, 1, h[0]), 0);
    assert_int_equal(store_rep_media_add(db, a, 3, h[2]), 0);
    assert_int_equal(store_rep_media_add(db, b, 1, h[3]), 0);
    /* a position is taken once; bad positions and hashes are refused */
    assert_int_equal(store_rep_media_add(db, a, 1, h[3]), IOC_EEXIST);
    assert_int_equal(store_rep_media_add(db, a, 0, h[3]), IOC_EINVAL);
    assert_int_equal(store_rep_media_add(db, a, 4, "abc"), IOC_EINVAL);
    char upper[STORE_REP_HASH_HEX + 1];
    hash_of('A', upper);
    assert_int_equal(store_rep_media_add(db, a, 4, upper), IOC_EINVAL);
    assert_int_equal(store_rep_media_add(db, a, 4, NULL), IOC_EINVAL);
    assert_int_not_equal(store_rep_media_add(db, 99999, 1, h[0]), 0); /* no such request */
    struct store_rep_photo *p = NULL;
    size_t n = 0;
    assert_int_equal(store_rep_media_list(db, &a, 1, &p, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(p[i].request_id == a);
        assert_int_equal(p[i].position, (int)i + 1);
        assert_string_equal(p[i].hash, h[i]);
    }
    free(p);
    int64_t ids[] = {b, none, a};
    assert_int_equal(store_rep_media_list(db, ids, 3, &p, &n), 0);
    assert_int_equal(n, 4); /* by request, then position */
    assert_true(p[0].request_id == (a < b ? a : b));
    assert_true(p[3].request_id == (a < b ? b : a));
    free(p);
    assert_int_equal(store_rep_media_list(db, &none, 1, &p, &n), 0);
    assert_int_equal(n, 0);
    assert_null(p);
    /* gone with their request */
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM report_requests WHERE id = %lld", (long long)a);
    assert_int_equal(store_exec(db, sql), 0);
    assert_int_equal(store_rep_media_list(db, ids, 3, &p, &n), 0);
    assert_int_equal(n, 1);
    assert_true(p[0].request_id == b);
    assert_string_equal(p[0].hash, h[3]);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_requests_idempotent_and_found),
        cmocka_unit_test(test_media),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
