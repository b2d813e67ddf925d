/*
 * Unit tests for src/api/ratelimit.c: the token buckets per API key (limits.key_rate_per_s,
 * limits.key_burst). Each test builds a bare struct api holding only a cfg, and drives the
 * clock itself through the now_ms argument.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

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
    return cmocka_run_group_tests_name("api/ratelimit", tests, NULL, NULL);
}
