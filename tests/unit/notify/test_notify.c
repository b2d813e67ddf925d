/* Unit tests for src/notify: the filter (event types, agency visibility), the check of a
 * webhook's fields, the signature against a vector computed independently, the backoff
 * schedule, the body, queueing inside a transaction, and the delivery thread recording a
 * refused attempt with its backoff (fake clock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "notify/notify.h"
#include "store/store.h"

static void test_filter_types(void **state)
{
    (void)state;
    assert_true(notify_matches("*", 0, "alert", 0));
    assert_true(notify_matches("*", 0, "station", NOTIFY_EVERYONE));
    assert_true(notify_matches("alert,station", 0, "station", 3));
    assert_false(notify_matches("alert,station", 0, "report", 3));
    assert_false(notify_matches("alert", 0, "alerts", 3));
    assert_false(notify_matches("alerts", 0, "alert", 3));
    assert_false(notify_matches("", 0, "alert", 3));
    /* a ping goes to its webhook only, never by the filter */
    assert_false(notify_matches("*", 0, "ping", 0));
}

static void test_filter_agency(void **state)
{
    (void)state;
    /* unbound: every event, as an operator sees them */
    assert_true(notify_matches("*", 0, "alert", 0));
    assert_true(notify_matches("*", 0, "alert", 7));
    /* bound to agency 7: its events and those for everyone; not another agency's, nor those
     * for operators only (agency 0) */
    assert_true(notify_matches("*", 7, "alert", 7));
    assert_true(notify_matches("*", 7, "alert", NOTIFY_EVERYONE));
    assert_false(notify_matches("*", 7, "alert", 8));
    assert_false(notify_matches("*", 7, "alert", 0));
    assert_false(notify_matches("report", 7, "alert", 7));
}

struct first {
    char field[32];
    int calls;
};

static void problem(void *ctx, const char *field, const char *why)
{
    struct first *f = ctx;
    (void)why;
    if (!f->calls++)
        snprintf(f->field, sizeof f->field, "%s", field);
}

static const char *check(const char *url, const char *const *ev, size_t n, char *out)
{
    static struct first f;
    memset(&f, 0, sizeof f);
    int rc = notify_webhook_check(url, ev, n, out, problem, &f);
    assert_int_equal(rc != 0, f.calls == 1);
    return rc ? f.field : NULL;
}

static void test_check_fields(void **state)
{
    (void)state;
    char out[NOTIFY_EVENTS_MAX];
    const char *all[] = {"*"}, *two[] = {"station", "alert", "station"}, *bad[] = {"alerts"},
               *mixed[] = {"*", "alert"};
    assert_null(check("https://hooks.example.org/ioc?x=1", two, 3, out));
    assert_string_equal(out, "alert,station"); /* sorted, unique */
    assert_null(check("http://127.0.0.1:8080/", all, 1, out));
    assert_string_equal(out, "*");
    assert_string_equal(check(NULL, all, 1, out), "url");
    assert_string_equal(check("", all, 1, out), "url");
    assert_string_equal(check("ftp://x/", all, 1, out), "url");
    assert_string_equal(check("file:///etc/passwd", all, 1, out), "url");
    assert_string_equal(check("http:///path", all, 1, out), "url");
    assert_string_equal(check("http://u:p@host/", all, 1, out), "url");
    assert_string_equal(check("http://host/a b", all, 1, out), "url");
    assert_string_equal(check("http://host/", bad, 1, out), "events");
    assert_string_equal(check("http://host/", mixed, 2, out), "events");
    assert_string_equal(check("http://host/", NULL, 0, out), "events");
    char *longurl = malloc(NOTIFY_URL_MAX + 10);
    memcpy(longurl, "http://h/", 9);
    memset(longurl + 9, 'a', NOTIFY_URL_MAX);
    longurl[NOTIFY_URL_MAX + 9] = 0;
    assert_string_equal(check(longurl, all, 1, out), "url");
    free(longurl);
}

/* The vector, computed with OpenSSL's command line, not by the code under test:
 *   printf '%s' '1700000000.{"id":1,"type":"ping","at":"2023-11-14T22:13:20.000Z","data":{}}' |
 *     openssl dgst -sha256 -hmac 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12'
 *   → 897c3a3c18db9bdd5e8f809675604486158cf6609db11cc6312366f7a43e6ada */
static void test_signature_vector(void **state)
{
    (void)state;
    const char *secret = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(notify_body(&b, 1, "ping", 1700000000000LL, "{}"), 0);
    assert_int_equal(b.len,
                     strlen("{\"id\":1,\"type\":\"ping\",\"at\":\"2023-11-14T22:13:20.000Z\","
                            "\"data\":{}}"));
    assert_memory_equal(
        b.data, "{\"id\":1,\"type\":\"ping\",\"at\":\"2023-11-14T22:13:20.000Z\",\"data\":{}}",
        b.len);
    char sig[7 + 64 + 1];
    assert_int_equal(notify_sign(secret, 1700000000, b.data, b.len, sig), 0);
    assert_string_equal(sig,
                        "sha256=897c3a3c18db9bdd5e8f809675604486158cf6609db11cc6312366f7a43e6ada");
    /* one byte of the body, the time or the key changes it */
    char other[7 + 64 + 1];
    assert_int_equal(notify_sign(secret, 1700000001, b.data, b.len, other), 0);
    assert_string_not_equal(sig, other);
    assert_int_equal(notify_sign("ab12", 1700000000, b.data, b.len, other), 0);
    assert_string_not_equal(sig, other);
    ioc_buf_free(&b);
}

static void test_secret(void **state)
{
    (void)state;
    char a[NOTIFY_SECRET_HEX + 1], b[NOTIFY_SECRET_HEX + 1];
    notify_secret_new(a);
    notify_secret_new(b);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
    assert_string_not_equal(a, b);
}

static void test_backoff_schedule(void **state)
{
    (void)state;
    /* jitter 0 gives half the wait, jitter near 1 the whole: 1 s doubled, capped at 10 s */
    static const int64_t want[] = {1000, 2000, 4000, 8000, 10000, 10000, 10000};
    for (int a = 1; a <= 7; a++) {
        assert_int_equal(notify_backoff_ms(a, 1000, 10000, 0), want[a - 1] / 2);
        int64_t hi = notify_backoff_ms(a, 1000, 10000, 0.999999);
        assert_true(hi < want[a - 1] && hi >= want[a - 1] - 1);
        int64_t mid = notify_backoff_ms(a, 1000, 10000, 0.5);
        assert_int_equal(mid, want[a - 1] / 2 + want[a - 1] / 4);
    }
    /* a huge count of attempts neither overflows nor passes the cap */
    assert_int_equal(notify_backoff_ms(1000, 30000, 3600000, 0), 1800000);
    /* jitter outside [0, 1) is clamped */
    assert_int_equal(notify_backoff_ms(1, 1000, 10000, -3), 500);
    assert_true(notify_backoff_ms(1, 1000, 10000, 7) < 1000);
}

/* ---- with a store ------------------------------------------------------------------------ */

struct ev {
    const char *type;
    int64_t agency;
};

static int enqueue_job(struct store_conn *w, void *arg)
{
    const struct ev *e = arg;
    static const char json[] = "{\"x\":1}";
    return notify_enqueue_tx(w, e->type, e->agency, json, sizeof json - 1);
}

static int64_t count_for(struct store_conn *c, int64_t hook)
{
    struct store_delivery *d = NULL;
    size_t n = 0;
    struct store_delivery_query q = {"queued", hook, 0, 500};
    assert_int_equal(store_deliveries_find(c, &q, &d, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(d[i].data, "{\"x\":1}");
    store_deliveries_free(d, n);
    return (int64_t)n;
}

static void test_enqueue_in_transaction(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *w;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &w), 0);
    struct store_webhook hooks[] = {
        {.url = "http://a/", .events = "*", .enabled = 1, .secret = "s"},
        {.url = "http://b/", .events = "alert", .agency_id = 7, .enabled = 1, .secret = "s"},
        {.url = "http://c/", .events = "station,report", .enabled = 1, .secret = "s"},
        {.url = "http://d/", .events = "*", .enabled = 0, .secret = "s"}, /* disabled */
    };
    int64_t id[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(store_webhook_add(w, &hooks[i], &id[i]), 0);
    struct ev evs[] = {
        {"alert", 7}, {"alert", 8}, {"alert", NOTIFY_EVERYONE}, {"station", 0}, {"report", 7}};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        assert_int_equal(store_tx(w, enqueue_job, &evs[i]), 0);
    assert_int_equal(count_for(w, id[0]), 5); /* every one */
    assert_int_equal(count_for(w, id[1]), 2); /* alert of 7, alert for everyone */
    assert_int_equal(count_for(w, id[2]), 2); /* station, report */
    assert_int_equal(count_for(w, id[3]), 0);
    /* the heads: one per webhook, the oldest */
    struct store_delivery *d = NULL;
    size_t n = 0;
    assert_int_equal(store_deliveries_heads(w, 100, &d, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].secret, "s");
        struct store_delivery_query q = {"queued", d[i].webhook_id, 0, 500};
        struct store_delivery *all = NULL;
        size_t na = 0;
        assert_int_equal(store_deliveries_find(w, &q, &all, &na), 0);
        assert_int_equal(all[na - 1].id, d[i].id); /* newest first: the head is the last */
        store_deliveries_free(all, na);
    }
    store_deliveries_free(d, n);
    /* deleting a webhook deletes its deliveries */
    assert_int_equal(store_webhook_delete(w, id[0]), 0);
    assert_int_equal(count_for(w, id[0]), 0);
    assert_int_equal(store_webhook_delete(w, id[0]), IOC_ENOTFOUND);
    store_conn_close(w);
    store_close(st);
}

static int64_t fake_now(void *ctx)
{
    return *(int64_t *)ctx;
}

static int ping_job(struct store_conn *w, void *arg)
{
    return notify_ping_tx(w, 1, arg);
}

static void test_thread_records_a_refused_attempt(void **state)
{
    (void)state;
    struct store *st;
    struct store_conn *c;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 0, &c), 0);
    /* port 9 of the loopback: nothing listens, the connection is refused */
    struct store_webhook h = {
        .url = "http://127.0.0.1:9/", .events = "*", .enabled = 1, .secret = "k"};
    int64_t hid, did = 0;
    assert_int_equal(store_webhook_add(c, &h, &hid), 0);
    assert_int_equal(hid, 1);
    assert_int_equal(store_writer_start(st, 64), 0);
    assert_int_equal(store_writer_run(st, ping_job, &did), 0);
    int64_t now = ioc_now_ms();
    struct notify_options o = {.store = st,
                               .now_ms = fake_now,
                               .now_ctx = &now,
                               .timeout_ms = 2000,
                               .max_attempts = 2,
                               .backoff_ms = 60000,
                               .backoff_max_ms = 600000,
                               .max_inflight = 2,
                               .keep_days = 7};
    struct notify *n;
    assert_int_equal(notify_start(&o, &n), 0);
    notify_kick(n);
    struct store_delivery d = {0};
    for (int i = 0; i < 200; i++) {
        assert_int_equal(store_delivery_get(c, did, &d), 0);
        if (d.attempts > 0)
            break;
        store_delivery_clear(&d);
        usleep(20000);
    }
    assert_int_equal(d.attempts, 1);
    assert_string_equal(d.state, "queued");
    assert_int_equal(d.last_status, 0);
    assert_true(d.last_error[0] != 0);
    /* the clock stands still: the next attempt is due after [30 s, 60 s) of it */
    assert_true(d.next_at_ms >= now + 30000 && d.next_at_ms < now + 60000);
    assert_int_equal(d.last_ms, now);
    store_delivery_clear(&d);
    /* time passes: the second and last attempt makes it a dead letter */
    notify_stop(n);
    now += 60000;
    assert_int_equal(notify_start(&o, &n), 0);
    for (int i = 0; i < 200; i++) {
        assert_int_equal(store_delivery_get(c, did, &d), 0);
        if (d.attempts > 1)
            break;
        store_delivery_clear(&d);
        usleep(20000);
    }
    assert_string_equal(d.state, "dead");
    assert_int_equal(d.attempts, 2);
    assert_int_equal(d.done_ms, now);
    store_delivery_clear(&d);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(notify_metrics(n, &b), 0);
    assert_non_null(strstr(b.data, "ioc_webhook_attempts_total{outcome=\"dead\"} 1\n"));
    ioc_buf_free(&b);
    notify_stop(n);
    /* a dead letter goes back to the queue; anything else is not retried */
    assert_int_equal(store_delivery_retry(c, did, now), 0);
    assert_int_equal(store_delivery_retry(c, did, now), IOC_EINVAL);
    assert_int_equal(store_delivery_retry(c, did + 100, now), IOC_ENOTFOUND);
    store_conn_close(c);
    store_writer_stop(st);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_types),
        cmocka_unit_test(test_filter_agency),
        cmocka_unit_test(test_check_fields),
        cmocka_unit_test(test_signature_vector),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_backoff_schedule),
        cmocka_unit_test(test_enqueue_in_transaction),
        cmocka_unit_test(test_thread_records_a_refused_attempt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
