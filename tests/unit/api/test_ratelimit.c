/*
 * Unit tests for src/api/ratelimit.c: the token buckets per API key (limits.key_rate_per_s,
 * limits.key_burst). Each test builds a bare struct api holding only a cfg, and drives the
 * clock itself through the now_ms argument. Then the budget of audited refusals per anonymous
 * address (limits.refused_*, api_audit_refused), through a real server and store writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "helpers/httpserver.h"
#include "helpers/tmpdir.h"

/* The table's size in ratelimit.c: ids that are equal modulo it share a probe sequence. */
#define SLOTS 8192
#define PROBES 32

struct fixture {
    struct ioc_config cfg;
    struct api *api;
};

/* A struct api with buckets of rate per second and burst (rate 0: limiting off). */
static struct fixture *fixture_new(int rate, int burst)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->cfg.key_rate_per_s = rate;
    f->cfg.key_burst = burst;
    f->cfg.refused_rate_per_min = 60;
    f->cfg.refused_burst = 10;
    f->api = calloc(1, sizeof *f->api);
    assert_non_null(f->api);
    f->api->cfg = &f->cfg;
    assert_int_equal(api_ratelimit_create(f->api), 0);
    return f;
}

static void fixture_free(struct fixture *f)
{
    api_ratelimit_destroy(f->api);
    api_ratelimit_destroy(f->api); /* safe twice */
    free(f->api);
    free(f);
}

/* 1 if key may go on at now; on refusal *retry gets the Retry-After in seconds. */
static int allow(struct fixture *f, int64_t key, int64_t now, int *retry)
{
    *retry = -1;
    return api_ratelimit_allow(f->api, key, now, retry);
}

static void test_ratelimit_key_within_its_burst_passes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 5);
    int retry;
    for (int i = 0; i < 5; i++)
        assert_true(allow(f, 7, 1000, &retry));
    assert_int_equal(retry, -1); /* untouched while passing */
    fixture_free(f);
}

static void test_ratelimit_over_the_burst_is_refused_with_retry_after(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 5);
    int retry;
    for (int i = 0; i < 5; i++)
        assert_true(allow(f, 7, 1000, &retry));
    assert_false(allow(f, 7, 1000, &retry));
    assert_true(retry >= 1);
    assert_true(retry <= 2);
    assert_false(allow(f, 7, 1000, &retry)); /* a refusal costs nothing but stays refused */
    assert_true(retry >= 1);
    fixture_free(f);
}

static void test_ratelimit_tokens_refill_with_time(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 2);
    int retry;
    assert_true(allow(f, 7, 0, &retry));
    assert_true(allow(f, 7, 0, &retry));
    assert_false(allow(f, 7, 0, &retry));
    assert_false(allow(f, 7, 900, &retry)); /* 0.9 token */
    assert_true(allow(f, 7, 1001, &retry)); /* one token after a second */
    assert_false(allow(f, 7, 1001, &retry));
    fixture_free(f);
}

static void test_ratelimit_refill_stops_at_the_burst(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(10, 3);
    int retry;
    for (int i = 0; i < 3; i++)
        assert_true(allow(f, 7, 0, &retry));
    /* an hour idle earns 36000 tokens at 10/s, but the bucket holds 3 */
    for (int i = 0; i < 3; i++)
        assert_true(allow(f, 7, 3600000, &retry));
    assert_false(allow(f, 7, 3600000, &retry));
    fixture_free(f);
}

static void test_ratelimit_faster_rate_refills_sooner(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(10, 1);
    int retry;
    assert_true(allow(f, 7, 0, &retry));
    assert_false(allow(f, 7, 50, &retry));
    assert_int_equal(retry, 1); /* 0.05 s to go, rounded up to a whole second */
    assert_true(allow(f, 7, 101, &retry));
    fixture_free(f);
}

static void test_ratelimit_two_keys_are_independent(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 2);
    int retry;
    assert_true(allow(f, 7, 0, &retry));
    assert_true(allow(f, 7, 0, &retry));
    assert_false(allow(f, 7, 0, &retry));
    assert_true(allow(f, 8, 0, &retry));
    assert_true(allow(f, 8, 0, &retry));
    assert_false(allow(f, 8, 0, &retry));
    /* keys that share a home slot are still told apart */
    assert_true(allow(f, 7 + SLOTS, 0, &retry));
    assert_true(allow(f, 7 + SLOTS, 0, &retry));
    assert_false(allow(f, 7, 0, &retry));
    fixture_free(f);
}

static void test_ratelimit_off_when_rate_is_zero(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0, 0);
    int retry;
    assert_null(f->api->ratelimit);
    assert_non_null(f->api->refused); /* refusal budget exists regardless */
    for (int i = 0; i < 1000; i++)
        assert_true(allow(f, 7, 0, &retry));
    fixture_free(f);
}

static void test_ratelimit_table_stays_bounded_under_a_flood_of_keys(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1);
    int retry;
    /* four times more keys than slots: every new key gets a (possibly reused) full bucket */
    for (int64_t k = 1; k <= 4 * SLOTS; k++)
        assert_true(allow(f, k, k, &retry));
    /* the most recent key keeps its drained bucket */
    assert_false(allow(f, 4 * SLOTS, 4 * SLOTS, &retry));
    fixture_free(f);
}

static void test_ratelimit_crowded_probe_reuses_the_oldest_bucket(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(1, 1);
    int retry;
    /* PROBES keys with one probe sequence fill it, key 1 first (the oldest) */
    for (int64_t j = 0; j < PROBES; j++) {
        assert_true(allow(f, 1 + j * SLOTS, j, &retry));
        assert_false(allow(f, 1 + j * SLOTS, j, &retry));
    }
    /* one more: no free slot, so key 1's bucket (idle the longest) is taken over */
    assert_true(allow(f, 1 + PROBES * SLOTS, PROBES, &retry));
    /* the newest of the crowd kept its drained bucket */
    assert_false(allow(f, 1 + (PROBES - 1) * SLOTS, PROBES, &retry));
    /* key 1 lost its bucket and starts again full */
    assert_true(allow(f, 1, PROBES, &retry));
    fixture_free(f);
}

/* ---- the refusal budget per address (api_audit_refused) ------------------------------------ */

static struct ioc_config rcfg;
static struct store *rst;
static struct api *rapi;
static struct test_server rts;

/* Any request: api_audit_refused for its address; the body is "queued" or "suppressed N" (N
 * the Retry-After), and "suppressed" alone when the path is /no-retry (retry_after_s NULL). */
static int refused_handle(void *app, struct net_req *req)
{
    struct api_ctx *c = net_req_alloc(req, sizeof *c);
    c->api = app;
    c->req = req;
    size_t n;
    const char *path = net_req_path(req, &n);
    int no_retry = n == 9 && memcmp(path, "/no-retry", 9) == 0;
    int retry = -1;
    int rc = api_audit_refused(c, "test.refused", "t", "detail", no_retry ? NULL : &retry);
    char body[64];
    int len = rc == 0           ? snprintf(body, sizeof body, "queued")
              : rc != IOC_EBUSY ? snprintf(body, sizeof body, "rc %d", rc)
              : no_retry        ? snprintf(body, sizeof body, "suppressed")
                                : snprintf(body, sizeof body, "suppressed %d", retry);
    net_res_send(req, 200, "text/plain", body, (size_t)len);
    return 0;
}

static int refused_up(void **state)
{
    (void)state;
    assert_int_equal(config_defaults(&rcfg), 0);
    rcfg.refused_rate_per_min = 6; /* a token every 10 s: none comes back during a test */
    rcfg.refused_burst = 3;
    assert_int_equal(store_open(test_fresh_dir(), &rst), 0);
    assert_int_equal(store_writer_start(rst, 64), 0);
    rapi = calloc(1, sizeof *rapi);
    assert_non_null(rapi);
    rapi->cfg = &rcfg;
    rapi->store = rst;
    assert_int_equal(api_ratelimit_create(rapi), 0);
    struct net_options o = {"127.0.0.1:0", 2, 4096, 100, 5, 0, 1024, NULL, NULL, 1};
    struct net_app app = {rapi, refused_handle, NULL, NULL, NULL};
    test_server_start(&rts, &app, &o);
    return 0;
}

static int refused_down(void **state)
{
    (void)state;
    test_server_stop(&rts);
    store_writer_stop(rst);
    api_ratelimit_destroy(rapi);
    free(rapi);
    store_close(rst);
    config_free(&rcfg);
    return 0;
}

/* The body of a refused request from client address peer. */
static char *refuse(const char *path, const char *peer)
{
    char hdr[96];
    snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n", peer);
    char *r = test_http_get(&rts, path, hdr);
    assert_non_null(r);
    char *body = strdup(test_http_body(r));
    free(r);
    return body;
}

static int noop(struct store_conn *w, void *arg)
{
    (void)w;
    (void)arg;
    return 0;
}

/* Audit rows of test.refused from ip, once the writer committed what was queued before. */
static int audit_rows(const char *ip)
{
    assert_int_equal(store_writer_run(rst, noop, NULL), 0);
    struct store_conn *db;
    assert_int_equal(store_conn_open(rst, 1, &db), 0);
    struct store_audit_query q = {.action = "test.refused", .limit = 1000};
    struct store_audit *rows = NULL;
    size_t n = 0;
    assert_int_equal(store_audit_find(db, &q, &rows, &n), 0);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].ip, ip) != 0)
            continue;
        count++;
        assert_string_equal(rows[i].outcome, "denied");
        assert_string_equal(rows[i].actor, "anonymous");
        assert_string_equal(rows[i].target, "t");
        assert_string_equal(rows[i].detail, "detail");
        assert_int_equal(strlen(rows[i].request_id), 17);
    }
    store_audits_free(rows, n);
    store_conn_close(db);
    return count;
}

static void expect_body(const char *path, const char *peer, const char *want)
{
    char *b = refuse(path, peer);
    assert_string_equal(b, want);
    free(b);
}

static void test_refused_within_the_burst_are_audited(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        expect_body("/", "198.51.100.1", "queued");
    assert_int_equal(audit_rows("198.51.100.1"), 3);
}

static void test_refused_over_the_burst_are_suppressed_with_retry_after(void **state)
{
    (void)state;
    unsigned long long before = atomic_load(&rapi->audit_suppressed);
    for (int i = 0; i < 3; i++)
        expect_body("/", "198.51.100.2", "queued");
    expect_body("/", "198.51.100.2", "suppressed 10"); /* 6 a minute: the next in 10 s */
    expect_body("/no-retry", "198.51.100.2", "suppressed");
    assert_int_equal(atomic_load(&rapi->audit_suppressed), before + 2);
    assert_int_equal(audit_rows("198.51.100.2"), 3); /* no row for the suppressed ones */
}

static void test_refused_budget_is_per_address(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        free(refuse("/", "198.51.100.3"));
    expect_body("/", "198.51.100.4", "queued");
    expect_body("/", "2001:db8::4", "queued");
    assert_int_equal(audit_rows("198.51.100.4"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratelimit_key_within_its_burst_passes),
        cmocka_unit_test(test_ratelimit_over_the_burst_is_refused_with_retry_after),
        cmocka_unit_test(test_ratelimit_tokens_refill_with_time),
        cmocka_unit_test(test_ratelimit_refill_stops_at_the_burst),
        cmocka_unit_test(test_ratelimit_faster_rate_refills_sooner),
        cmocka_unit_test(test_ratelimit_two_keys_are_independent),
        cmocka_unit_test(test_ratelimit_off_when_rate_is_zero),
        cmocka_unit_test(test_ratelimit_table_stays_bounded_under_a_flood_of_keys),
        cmocka_unit_test(test_ratelimit_crowded_probe_reuses_the_oldest_bucket),
    };
    const struct CMUnitTest refused[] = {
        cmocka_unit_test(test_refused_within_the_burst_are_audited),
        cmocka_unit_test(test_refused_over_the_burst_are_suppressed_with_retry_after),
        cmocka_unit_test(test_refused_budget_is_per_address),
    };
    int failed = cmocka_run_group_tests_name("api/ratelimit", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("api/refused budget", refused, refused_up, refused_down);
    return failed;
}
