/*
 * Unit tests for src/api/cache.c: hits and misses by key and units generation, replacement in
 * the general (LRU) and pinned areas, ETags, the conditional answers of api_send_cached (through
 * a real server on 127.0.0.1), and the once-a-second refresh of the units generation.
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

/* A bare struct api with a cache of size general entries (and the pinned ones). */
static struct api *cache_new(int size)
{
    struct api *a = calloc(1, sizeof *a);
    assert_non_null(a);
    pthread_mutex_init(&a->cache_lock, NULL);
    a->cache_size = size;
    a->cache = calloc((size_t)size + API_CACHE_PINNED, sizeof *a->cache);
    assert_non_null(a->cache);
    return a;
}

static void cache_del(struct api *a)
{
    api_cache_free(a);
    api_cache_free(a); /* safe twice */
    pthread_mutex_destroy(&a->cache_lock);
    free(a);
}

/* Caches text under key (the test's reference dropped at once: the cache holds its own). */
static void put(struct api *a, const char *key, int64_t gen, const char *text, int pinned)
{
    struct net_shared *s = net_shared_new(text, strlen(text));
    assert_non_null(s);
    if (pinned)
        api_cache_put_pinned(a, key, gen, s);
    else
        api_cache_put(a, key, gen, s);
    net_shared_release(s);
}

/* 1 if key is cached at gen with exactly text. */
static int has(struct api *a, const char *key, int64_t gen, const char *text)
{
    struct net_shared *s = api_cache_get(a, key, gen, NULL);
    if (!s)
        return 0;
    size_t n;
    const char *p = net_shared_data(s, &n);
    int same = n == strlen(text) && memcmp(p, text, n) == 0;
    net_shared_release(s);
    return same;
}

static void etag_of(struct api *a, const char *key, int64_t gen, char etag[40])
{
    struct net_shared *s = api_cache_get(a, key, gen, etag);
    assert_non_null(s);
    net_shared_release(s);
}

static void test_cache_get_of_an_empty_cache_misses_and_leaves_etag(void **state)
{
    (void)state;
    struct api *a = cache_new(4);
    char etag[40] = "untouched";
    assert_null(api_cache_get(a, "k", 0, etag));
    assert_string_equal(etag, "untouched");
    cache_del(a);
}

static void test_cache_put_then_get_returns_the_body_after_the_caller_dropped_it(void **state)
{
    (void)state;
    struct api *a = cache_new(4);
    put(a, "k", 3, "{\"a\":1}", 0);
    assert_true(has(a, "k", 3, "{\"a\":1}"));
    assert_true(has(a, "k", 3, "{\"a\":1}")); /* a get hands out a reference, not the cache's */
    cache_del(a);
}

static void test_cache_other_generation_misses(void **state)
{
    (void)state;
    struct api *a = cache_new(4);
    put(a, "k", 3, "old", 0);
    assert_false(has(a, "k", 4, "old"));
    assert_false(has(a, "k", 2, "old"));
    assert_false(has(a, "other", 3, "old"));
    cache_del(a);
}

static void test_cache_put_of_the_same_key_replaces_in_place(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "k", 1, "first", 0);
    put(a, "j", 1, "j", 0);
    put(a, "k", 1, "second", 0);
    assert_true(has(a, "k", 1, "second"));
    assert_false(has(a, "k", 1, "first"));
    assert_true(has(a, "j", 1, "j")); /* not evicted: k took its own slot again */
    cache_del(a);
}

static void test_cache_full_evicts_the_least_recently_used(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "a", 1, "A", 0);
    put(a, "b", 1, "B", 0);
    assert_true(has(a, "a", 1, "A")); /* a is now more recent than b */
    put(a, "c", 1, "C", 0);
    assert_true(has(a, "a", 1, "A"));
    assert_false(has(a, "b", 1, "B"));
    assert_true(has(a, "c", 1, "C"));
    cache_del(a);
}

static void test_cache_new_generation_replaces_a_stale_entry_before_the_lru(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "a", 1, "A", 0);
    put(a, "b", 1, "B", 0);
    assert_true(has(a, "a", 1, "A")); /* b is the least recently used */
    put(a, "c", 2, "C", 0);
    assert_false(has(a, "a", 1, "A")); /* stale: replaced first though recently used */
    assert_true(has(a, "b", 1, "B"));
    assert_true(has(a, "c", 2, "C"));
    cache_del(a);
}

/* A render that began before an import and ends after it must not push out a current body. */
static void test_cache_late_put_of_an_older_generation_evicts_nothing(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "a", 2, "A", 0);
    put(a, "b", 2, "B", 0);
    put(a, "old", 1, "OLD", 0);
    assert_true(has(a, "a", 2, "A"));
    assert_true(has(a, "b", 2, "B"));
    assert_false(has(a, "old", 1, "OLD"));
    put(a, "p", 2, "P", 1);
    put(a, "pold", 1, "POLD", 1);
    assert_true(has(a, "p", 2, "P"));
    assert_false(has(a, "pold", 1, "POLD"));
    cache_del(a);
}

static void test_cache_stays_bounded_under_many_keys(void **state)
{
    (void)state;
    struct api *a = cache_new(3);
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(a, key, 1, key, 0);
    }
    int hits = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        hits += has(a, key, 1, key);
    }
    assert_int_equal(hits, 3);
    assert_true(has(a, "k99", 1, "k99"));
    cache_del(a); /* ASan: the 97 evicted bodies were released */
}

static void test_cache_pinned_bodies_survive_a_flood_of_general_ones(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "province", 1, "P", 1);
    put(a, "commune", 1, "C", 1);
    char key[16];
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "flood%d", i);
        put(a, key, 1, key, 0);
    }
    assert_true(has(a, "province", 1, "P"));
    assert_true(has(a, "commune", 1, "C"));
    cache_del(a);
}

static void test_cache_pinned_area_evicts_only_pinned_bodies(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "g1", 1, "G1", 0);
    put(a, "g2", 1, "G2", 0);
    char key[16];
    for (int i = 0; i < API_CACHE_PINNED + 1; i++) {
        snprintf(key, sizeof key, "pin%d", i);
        put(a, key, 1, key, 1);
    }
    assert_true(has(a, "g1", 1, "G1"));
    assert_true(has(a, "g2", 1, "G2"));
    assert_false(has(a, "pin0", 1, "pin0")); /* the least recently used pinned one */
    snprintf(key, sizeof key, "pin%d", API_CACHE_PINNED);
    assert_true(has(a, key, 1, key));
    cache_del(a);
}

static void test_cache_etag_is_quoted_and_names_the_generation(void **state)
{
    (void)state;
    struct api *a = cache_new(2);
    put(a, "k", 0x2a, "body", 0);
    char etag[40];
    etag_of(a, "k", 0x2a, etag);
    size_t n = strlen(etag);
    assert_true(n > 4);
    assert_int_equal(etag[0], '"');
    assert_int_equal(etag[n - 1], '"');
    assert_memory_equal(etag, "\"2a-", 4);
    cache_del(a);
}

static void test_cache_etag_changes_with_the_body_and_the_generation(void **state)
{
    (void)state;
    struct api *a = cache_new(4);
    char e1[40], e2[40], e3[40], e4[40];
    put(a, "k", 1, "body one", 0);
    etag_of(a, "k", 1, e1);
    put(a, "k", 1, "body two", 0);
    etag_of(a, "k", 1, e2);
    put(a, "k", 2, "body two", 0);
    etag_of(a, "k", 2, e3);
    put(a, "j", 2, "body two", 0);
    etag_of(a, "j", 2, e4);
    assert_string_not_equal(e1, e2);
    assert_string_not_equal(e2, e3);
    assert_string_equal(e3, e4); /* the same bytes of the same generation */
    cache_del(a);
}

/* ---- api_send_cached through a real server ------------------------------------------------ */

static struct api *srv_api;

/* GET /k or /big: the cached body of that key at the current generation, else "fresh" (not
 * cached). */
static int handle(void *app, struct net_req *req)
{
    struct api_ctx *c = net_req_alloc(req, sizeof *c);
    c->api = app;
    c->req = req;
    size_t n;
    const char *path = net_req_path(req, &n);
    const char *key = n == 4 && memcmp(path, "/big", 4) == 0 ? "big" : "k";
    struct net_shared *body =
        api_cache_get(c->api, key, atomic_load(&c->api->units_generation), NULL);
    if (!body)
        body = net_shared_new("fresh", 5);
    api_send_cached(c, key, body, "application/json");
    return 0;
}

static struct test_server ts;

static int server_up(void **state)
{
    (void)state;
    srv_api = cache_new(4);
    atomic_store(&srv_api->units_generation, 7);
    put(srv_api, "k", 7, "{\"cached\":true}", 0);
    static char big[3000]; /* large enough to be compressed */
    memset(big, ' ', sizeof big - 1);
    big[0] = '[';
    big[sizeof big - 2] = ']';
    put(srv_api, "big", 7, big, 0);
    struct net_options o = {"127.0.0.1:0", 2, 4096, 100, 5, 1, 100, NULL, NULL, 0};
    struct net_app app = {srv_api, handle, NULL, NULL, NULL};
    test_server_start(&ts, &app, &o);
    return 0;
}

static int server_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    cache_del(srv_api);
    return 0;
}

static void test_send_cached_answers_200_with_etag_and_no_cache(void **state)
{
    (void)state;
    char etag[40], line[64];
    etag_of(srv_api, "k", 7, etag);
    snprintf(line, sizeof line, "etag: %s\r\n", etag);
    char *r = test_http_get(&ts, "/k", "");
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_non_null(strstr(r, line));
    assert_non_null(strstr(r, "cache-control: no-cache\r\n"));
    assert_string_equal(test_http_body(r), "{\"cached\":true}");
    free(r);
}

static void test_send_cached_matching_if_none_match_is_304_without_body(void **state)
{
    (void)state;
    char etag[40], hdr[80];
    etag_of(srv_api, "k", 7, etag);
    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", etag);
    char *r = test_http_get(&ts, "/k", hdr);
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 304"));
    assert_non_null(strstr(r, etag));
    assert_string_equal(test_http_body(r), "");
    free(r);
}

static void test_send_cached_other_etag_is_answered_in_full(void **state)
{
    (void)state;
    char *r = test_http_get(&ts, "/k", "If-None-Match: \"7-0000000000000000\"\r\n");
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_string_equal(test_http_body(r), "{\"cached\":true}");
    free(r);
}

static void test_send_cached_after_a_generation_change_sends_no_stale_etag(void **state)
{
    (void)state;
    char etag[40], hdr[80];
    etag_of(srv_api, "k", 7, etag);
    snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", etag);
    atomic_store(&srv_api->units_generation, 8);
    char *r = test_http_get(&ts, "/k", hdr);
    atomic_store(&srv_api->units_generation, 7);
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200")); /* the old ETag must not earn a 304 */
    assert_null(strstr(r, "etag:"));
    assert_non_null(strstr(r, "cache-control: no-cache\r\n"));
    assert_string_equal(test_http_body(r), "fresh");
    free(r);
}

/* If-None-Match: before, the ETag of "k" (if with_etag), after — answers status. */
static void expect_conditional(const char *before, int with_etag, const char *after,
                               const char *status)
{
    char etag[40] = "", hdr[200];
    if (with_etag)
        etag_of(srv_api, "k", 7, etag);
    snprintf(hdr, sizeof hdr, "If-None-Match: %s%s%s\r\n", before, etag, after);
    char *r = test_http_get(&ts, "/k", hdr);
    assert_non_null(r);
    if (!strstr(r, status))
        fail_msg("%.*s answered %.12s, want %s", (int)strlen(hdr) - 2, hdr, r, status);
    free(r);
}

static void test_send_cached_etag_in_a_list_is_304(void **state)
{
    (void)state;
    expect_conditional("\"other\", ", 1, "", "HTTP/1.1 304");
    expect_conditional("", 1, ",\"other\"", "HTTP/1.1 304");
    expect_conditional("\"a\" ,  ", 1, "  , \"b\"", "HTTP/1.1 304");
}

static void test_send_cached_weak_form_of_the_etag_is_304(void **state)
{
    (void)state;
    expect_conditional("W/", 1, "", "HTTP/1.1 304");
}

static void test_send_cached_star_is_304(void **state)
{
    (void)state;
    expect_conditional("*", 0, "", "HTTP/1.1 304");
}

static void test_send_cached_list_without_the_etag_is_200(void **state)
{
    (void)state;
    expect_conditional("\"a\", W/\"b\"", 0, "", "HTTP/1.1 200");
    expect_conditional("\"", 1, "\"", "HTTP/1.1 200"); /* quoted twice */
    expect_conditional("W/", 0, "", "HTTP/1.1 200");
    expect_conditional("**", 0, "", "HTTP/1.1 200");
    expect_conditional("w/", 1, "", "HTTP/1.1 200"); /* the weak prefix is case-sensitive */
}

/* The ETag a compressing client gets back is the one it must send for a 304. */
static void test_send_cached_gzip_client_gets_304_with_the_etag_it_was_sent(void **state)
{
    (void)state;
    char *r = test_http_get(&ts, "/big", "Accept-Encoding: gzip\r\n");
    assert_non_null(r);
    assert_non_null(strstr(r, "content-encoding: gzip"));
    const char *e = strstr(r, "\r\netag: ");
    assert_non_null(e);
    e += 8;
    char hdr[120];
    snprintf(hdr, sizeof hdr, "Accept-Encoding: gzip\r\nIf-None-Match: %.*s\r\n",
             (int)strcspn(e, "\r"), e);
    free(r);
    r = test_http_get(&ts, "/big", hdr);
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 304"));
    free(r);
}

/* ---- the units generation ------------------------------------------------------------------ */

static void test_units_generation_is_reread_at_most_once_a_second(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *w;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    struct api *a = cache_new(1);
    struct api_thread t = {0};
    assert_int_equal(store_conn_open(st, 1, &t.db), 0);
    struct api_ctx c = {.api = a, .t = &t};
    int64_t g = 0;
    assert_int_equal(store_units_generation_bump(w, &g), 0);
    assert_int_equal(g, 1);
    atomic_store(&a->generation_checked_ms, ioc_now_ms());
    assert_int_equal(api_units_generation(&c), 0); /* checked less than a second ago */
    atomic_store(&a->generation_checked_ms, ioc_now_ms() - 1000);
    assert_int_equal(api_units_generation(&c), 1);
    assert_true(ioc_now_ms() - atomic_load(&a->generation_checked_ms) < 1000);
    assert_int_equal(store_units_generation_bump(w, &g), 0);
    assert_int_equal(api_units_generation(&c), 1);
    store_conn_close(t.db);
    cache_del(a);
    store_conn_close(w);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_cache_get_of_an_empty_cache_misses_and_leaves_etag),
        cmocka_unit_test(test_cache_put_then_get_returns_the_body_after_the_caller_dropped_it),
        cmocka_unit_test(test_cache_other_generation_misses),
        cmocka_unit_test(test_cache_put_of_the_same_key_replaces_in_place),
        cmocka_unit_test(test_cache_full_evicts_the_least_recently_used),
        cmocka_unit_test(test_cache_new_generation_replaces_a_stale_entry_before_the_lru),
        cmocka_unit_test(test_cache_late_put_of_an_older_generation_evicts_nothing),
        cmocka_unit_test(test_cache_stays_bounded_under_many_keys),
        cmocka_unit_test(test_cache_pinned_bodies_survive_a_flood_of_general_ones),
        cmocka_unit_test(test_cache_pinned_area_evicts_only_pinned_bodies),
        cmocka_unit_test(test_cache_etag_is_quoted_and_names_the_generation),
        cmocka_unit_test(test_cache_etag_changes_with_the_body_and_the_generation),
        cmocka_unit_test(test_units_generation_is_reread_at_most_once_a_second),
    };
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_send_cached_answers_200_with_etag_and_no_cache),
        cmocka_unit_test(test_send_cached_matching_if_none_match_is_304_without_body),
        cmocka_unit_test(test_send_cached_other_etag_is_answered_in_full),
        cmocka_unit_test(test_send_cached_after_a_generation_change_sends_no_stale_etag),
        cmocka_unit_test(test_send_cached_gzip_client_gets_304_with_the_etag_it_was_sent),
        cmocka_unit_test(test_send_cached_etag_in_a_list_is_304),
        cmocka_unit_test(test_send_cached_weak_form_of_the_etag_is_304),
        cmocka_unit_test(test_send_cached_star_is_304),
        cmocka_unit_test(test_send_cached_list_without_the_etag_is_200),
    };
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    int failed = cmocka_run_group_tests_name("api cache", direct, NULL, NULL);
    failed += cmocka_run_group_tests_name("api cache served", served, server_up, server_down);
    return failed;
}
