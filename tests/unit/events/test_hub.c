/* Unit tests for src/events/hub.c: the live event hub (format, visibility, types, ids, ring,
 * Last-Event-ID replay and reset, bounds, heartbeat, failing writers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "base/base.h"
#include "base/errors.h"
#include "events/events.h"

struct sink {
    struct ioc_buf out;
    int calls;
    int fail; /* return this from every call from now on */
};

static int sink_write(void *ctx, const void *p, size_t n)
{
    struct sink *s = ctx;
    s->calls++;
    if (s->fail)
        return s->fail;
    return ioc_buf_append(&s->out, p, n);
}

static void sink_init(struct sink *s)
{
    memset(s, 0, sizeof *s);
    ioc_buf_init(&s->out, 0);
}

/* How many events of type (NULL: any) s received. */
static int count(const struct sink *s, const char *type)
{
    int n = 0;
    char pat[40];
    snprintf(pat, sizeof pat, "\nevent: %s\n", type ? type : "");
    for (const char *p = s->out.data; p && (p = strstr(p, type ? pat : "\nevent: ")); p++)
        n++;
    return n;
}

static struct events_hub *hub(size_t ring_events, size_t ring_bytes, int heartbeat_s)
{
    struct events_options o = {ring_events, ring_bytes, heartbeat_s, 0, 0};
    struct events_hub *h = NULL;
    assert_int_equal(events_hub_create(&o, &h), 0);
    return h;
}

static uint64_t pub(struct events_hub *h, const char *type, int64_t agency, const char *json)
{
    return events_publish(h, type, agency, json, strlen(json));
}

static void test_format_and_ids(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 3600);
    struct sink s;
    sink_init(&s);
    struct events_viewer all = {1, 0};
    struct events_sub *sub;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now_us = (uint64_t)ts.tv_sec * 1000000u;
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &s, &sub), 0);
    assert_string_equal(s.out.data, "retry: 3000\n\n");
    uint64_t a = pub(h, "report", 3, "{\"id\":1}");
    uint64_t b = pub(h, "station", EVENTS_EVERYONE, "{\"code\":\"X\"}");
    assert_true(a >= now_us && a < now_us + 60000000u); /* starts at the wall clock in µs */
    assert_int_equal(b, a + 1);
    char want[256];
    snprintf(want, sizeof want,
             "retry: 3000\n\nid: %llu\nevent: report\ndata: {\"id\":1}\n\n"
             "id: %llu\nevent: station\ndata: {\"code\":\"X\"}\n\n",
             (unsigned long long)a, (unsigned long long)b);
    assert_string_equal(s.out.data, want);
    /* refused: bad types, multi-line or empty data, a bad agency; nothing written */
    size_t len = s.out.len;
    assert_int_equal(pub(h, "Report", 1, "{}"), 0);
    assert_int_equal(pub(h, "", 1, "{}"), 0);
    assert_int_equal(pub(h, "abcdefghijklmnopq", 1, "{}"), 0); /* 17 */
    assert_int_equal(pub(h, "report", 1, "{\n}"), 0);
    assert_int_equal(pub(h, "report", 1, "{\r}"), 0);
    assert_int_equal(pub(h, "report", 1, ""), 0);
    assert_int_equal(pub(h, "report", -2, "{}"), 0);
    assert_int_equal(events_publish(NULL, "report", 1, "{}", 2), 0);
    assert_int_equal(s.out.len, len);
    assert_int_equal(pub(h, "abcdefghijklmnop", 1, "{}"), b + 1); /* 16: fine */
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    assert_int_equal(events_hub_metrics(h, &m), 0);
    assert_non_null(strstr(m.data, "\nioc_events_published_total 3\n"));
    assert_non_null(strstr(m.data, "\nioc_events_refused_total 7\n"));
    assert_non_null(strstr(m.data, "\nioc_events_subscribers 1\n"));
    ioc_buf_free(&m);
    events_unsubscribe(h, sub);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

/* The matrix of alerts_common.md: who sees an event of agency 0, 7, 8 and EVENTS_EVERYONE. */
static void test_visibility(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 3600);
    struct events_viewer vs[] = {
        {1, 0}, /* operator, leader, admin */
        {1, 7}, /* an operator bound to an agency still sees all */
        {0, 7}, /* staff or key of agency 7 */
        {0, 8}, /* of agency 8 */
        {0, 0}, /* a key without an agency */
    };
    /* expected: agency 0, 7, 8, everyone */
    static const char *const want[] = {"a078e", "a078e", "7e", "8e", "e"};
    struct sink s[5];
    struct events_sub *sub[5];
    for (int i = 0; i < 5; i++) {
        sink_init(&s[i]);
        assert_int_equal(events_subscribe(h, &vs[i], NULL, 0, 0, 0, sink_write, &s[i], &sub[i]), 0);
    }
    pub(h, "report", 0, "{\"who\":\"a0\"}");
    pub(h, "report", 7, "{\"who\":\"7\"}");
    pub(h, "report", 8, "{\"who\":\"8\"}");
    pub(h, "station", EVENTS_EVERYONE, "{\"who\":\"e\"}");
    for (int i = 0; i < 5; i++) {
        char got[16] = "";
        const char *p = s[i].out.data;
        while ((p = strstr(p, "{\"who\":\"")) != NULL) {
            p += 8;
            strncat(got, p, (size_t)(strchr(p, '"') - p));
        }
        assert_string_equal(got, want[i]);
        events_unsubscribe(h, sub[i]);
        ioc_buf_free(&s[i].out);
    }
    events_hub_destroy(h);
}

static void test_types(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 3600);
    struct events_viewer all = {1, 0};
    struct sink s, t;
    sink_init(&s);
    sink_init(&t);
    struct events_sub *a, *b, *bad = (void *)1;
    const char *const types[] = {"alert", "station"};
    assert_int_equal(events_subscribe(h, &all, types, 2, 0, 0, sink_write, &s, &a), 0);
    const char *const one[] = {"report"};
    assert_int_equal(events_subscribe(h, &all, one, 1, 0, 0, sink_write, &t, &b), 0);
    const char *const wrong[] = {"report", "Bad-type"};
    assert_int_equal(events_subscribe(h, &all, wrong, 2, 0, 0, sink_write, &t, &bad), IOC_EINVAL);
    assert_null(bad);
    pub(h, "report", 1, "{}");
    pub(h, "station", 1, "{}");
    pub(h, "alert", 1, "{}");
    pub(h, "alerts", 1, "{}");
    assert_int_equal(count(&s, NULL), 2);
    assert_int_equal(count(&s, "station"), 1);
    assert_int_equal(count(&s, "alert"), 1);
    assert_int_equal(count(&t, NULL), 1);
    assert_int_equal(count(&t, "report"), 1);
    events_unsubscribe(h, a);
    events_unsubscribe(h, b);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
    ioc_buf_free(&t.out);
}

/* Last-Event-ID: exactly the missed events this viewer may see, of its types. */
static void test_replay(void **state)
{
    (void)state;
    struct events_hub *h = hub(100, 0, 3600);
    uint64_t id[6];
    id[0] = pub(h, "report", 7, "{\"n\":0}");
    id[1] = pub(h, "report", 8, "{\"n\":1}");
    id[2] = pub(h, "station", EVENTS_EVERYONE, "{\"n\":2}");
    id[3] = pub(h, "report", 7, "{\"n\":3}");
    id[4] = pub(h, "report", 0, "{\"n\":4}");
    id[5] = pub(h, "alert", 7, "{\"n\":5}");
    struct events_viewer staff7 = {0, 7};
    const char *const types[] = {"report", "station"};
    struct sink s;
    sink_init(&s);
    struct events_sub *sub;
    assert_int_equal(events_subscribe(h, &staff7, types, 2, 1, id[0], sink_write, &s, &sub), 0);
    char want[256];
    snprintf(want, sizeof want,
             "retry: 3000\n\nid: %llu\nevent: station\ndata: {\"n\":2}\n\n"
             "id: %llu\nevent: report\ndata: {\"n\":3}\n\n",
             (unsigned long long)id[2], (unsigned long long)id[3]);
    assert_string_equal(s.out.data, want);
    /* then live, with no repeat */
    uint64_t next = pub(h, "report", 7, "{\"n\":6}");
    assert_int_equal(count(&s, NULL), 3);
    assert_non_null(strstr(s.out.data, "{\"n\":6}"));
    events_unsubscribe(h, sub);
    /* the newest id: nothing to replay; the one before the first: everything visible */
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &staff7, NULL, 0, 1, next, sink_write, &s, &sub), 0);
    assert_string_equal(s.out.data, "retry: 3000\n\n");
    events_unsubscribe(h, sub);
    ioc_buf_reset(&s.out);
    struct events_viewer all = {1, 0};
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, id[0] - 1, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, NULL), 7);
    assert_int_equal(count(&s, "reset"), 0);
    events_unsubscribe(h, sub);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

/* An id older than the ring or in the future gets one reset (its id: the last event's). */
static void test_reset(void **state)
{
    (void)state;
    struct events_hub *h = hub(3, 0, 3600);
    uint64_t first = 0, last = 0;
    for (int i = 0; i < 5; i++) {
        char j[16];
        snprintf(j, sizeof j, "{\"n\":%d}", i);
        last = pub(h, "report", 1, j);
        if (!first)
            first = last;
    }
    struct events_viewer all = {1, 0};
    struct sink s;
    sink_init(&s);
    struct events_sub *sub;
    char want[128];
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\nevent: reset\ndata: {}\n\n",
             (unsigned long long)last);
    /* the ring holds the last 3 (first+2 .. first+4): resuming after first+1 is exact */
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, first + 1, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, NULL), 3);
    assert_int_equal(count(&s, "reset"), 0);
    events_unsubscribe(h, sub);
    const uint64_t bad[] = {first, first - 100, last + 1, UINT64_MAX, 0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ioc_buf_reset(&s.out);
        assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, bad[i], sink_write, &s, &sub), 0);
        assert_string_equal(s.out.data, want);
        events_unsubscribe(h, sub);
    }
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

/* The ring's caps: events and bytes; the newest stays even when alone it passes ring_bytes;
 * a replay past max_replay is a reset. */
static void test_ring_caps(void **state)
{
    (void)state;
    struct events_hub *h = hub(1000, 4096, 3600);
    char big[1000];
    memset(big, 'x', sizeof big);
    big[0] = '"';
    big[sizeof big - 1] = '"';
    uint64_t first = events_publish(h, "report", 1, big, sizeof big), last = first;
    for (int i = 0; i < 49; i++)
        last = events_publish(h, "report", 1, big, sizeof big);
    assert_int_equal(last, first + 49);
    struct events_viewer all = {1, 0};
    struct sink s;
    sink_init(&s);
    struct events_sub *sub;
    /* at most 4096 bytes of ~1.1 KB events: 3 kept; resuming 4 back is a reset, 2 back not */
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, last - 4, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "reset"), 1);
    events_unsubscribe(h, sub);
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, last - 2, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "report"), 2);
    events_unsubscribe(h, sub);
    char huge[EVENTS_DATA_MAX];
    memset(huge, 'y', sizeof huge);
    last = events_publish(h, "report", 1, huge, sizeof huge);
    assert_true(last > first);
    assert_int_equal(events_publish(h, "report", 1, huge, sizeof huge), last + 1);
    assert_int_equal(events_publish(h, "report", 1, huge, sizeof huge + 1), 0); /* too big */
    /* the newest stays alone (so resuming after it is exact); the one before is gone; and a
     * replay of it would pass max_replay (ring_bytes by default): a reset */
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, last + 1, sink_write, &s, &sub), 0);
    assert_string_equal(s.out.data, "retry: 3000\n\n");
    events_unsubscribe(h, sub);
    for (uint64_t back = last; back >= last - 1; back--) {
        ioc_buf_reset(&s.out);
        assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, back, sink_write, &s, &sub), 0);
        assert_int_equal(count(&s, "reset"), 1);
        assert_int_equal(count(&s, "report"), 0);
        events_unsubscribe(h, sub);
    }
    events_hub_destroy(h);

    /* max_replay */
    struct events_options o = {100, 0, 3600, 0, 2500};
    assert_int_equal(events_hub_create(&o, &h), 0);
    first = events_publish(h, "report", 1, big, sizeof big);
    for (int i = 0; i < 3; i++)
        last = events_publish(h, "report", 1, big, sizeof big);
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, last - 2, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "report"), 2);
    events_unsubscribe(h, sub);
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, first, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "report"), 0);
    assert_int_equal(count(&s, "reset"), 1);
    events_unsubscribe(h, sub);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

/* A writer that fails once is not called again; the others go on; a failing first write
 * refuses the subscription. */
static void test_failing_writer(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 3600);
    struct events_viewer all = {1, 0};
    struct sink bad, good;
    sink_init(&bad);
    sink_init(&good);
    struct events_sub *a, *b;
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &bad, &a), 0);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &good, &b), 0);
    bad.fail = IOC_ETOOBIG;
    pub(h, "report", 1, "{}");
    pub(h, "report", 1, "{}");
    pub(h, "report", 1, "{}");
    assert_int_equal(bad.calls, 2); /* the subscribe's and the failing one */
    assert_int_equal(good.calls, 4);
    assert_int_equal(count(&good, "report"), 3);
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    events_hub_metrics(h, &m);
    assert_non_null(strstr(m.data, "\nioc_events_writer_failures_total 1\n"));
    ioc_buf_free(&m);
    events_unsubscribe(h, a);
    events_unsubscribe(h, b);
    struct sink never;
    sink_init(&never);
    never.fail = IOC_ESHUTDOWN;
    struct events_sub *c = (void *)1;
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &never, &c),
                     IOC_ESHUTDOWN);
    assert_null(c);
    events_hub_destroy(h);
    ioc_buf_free(&bad.out);
    ioc_buf_free(&good.out);
    ioc_buf_free(&never.out);
}

struct locked_sink {
    struct sink s;
    pthread_mutex_t lock;
};

static int locked_write(void *ctx, const void *p, size_t n)
{
    struct locked_sink *l = ctx;
    pthread_mutex_lock(&l->lock);
    int rc = sink_write(&l->s, p, n);
    pthread_mutex_unlock(&l->lock);
    return rc;
}

static int hb_count(struct locked_sink *l)
{
    pthread_mutex_lock(&l->lock);
    int n = 0;
    for (const char *p = l->s.out.data; p && (p = strstr(p, "\n: hb\n\n")); p++)
        n++;
    pthread_mutex_unlock(&l->lock);
    return n;
}

/* The heartbeat thread writes `: hb` every heartbeat_s to every live subscriber. */
/* A writer with no room now (IOC_EBUSY) is kept: the event after the refused ones becomes a
 * reset carrying that event's id, and the events after it come as usual. */
static void test_burst_gives_a_reset(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 3600);
    struct events_viewer all = {1, 0};
    struct sink s;
    sink_init(&s);
    struct events_sub *a;
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &s, &a), 0);
    s.fail = IOC_EBUSY;
    pub(h, "report", 1, "{\"n\":1}");
    pub(h, "report", 1, "{\"n\":2}");
    s.fail = 0;
    uint64_t third = pub(h, "report", 1, "{\"n\":3}");
    assert_int_equal(count(&s, "reset"), 1);
    assert_int_equal(count(&s, "report"), 0);
    char want[64];
    snprintf(want, sizeof want, "id: %llu\nevent: reset\n", (unsigned long long)third);
    assert_non_null(strstr(s.out.data, want));
    pub(h, "report", 1, "{\"n\":4}");
    assert_int_equal(count(&s, "report"), 1);
    assert_non_null(strstr(s.out.data, "{\"n\":4}"));
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    events_hub_metrics(h, &m);
    assert_non_null(strstr(m.data, "\nioc_events_lagged_total 1\n"));
    assert_non_null(strstr(m.data, "\nioc_events_writer_failures_total 0\n"));
    ioc_buf_free(&m);
    events_unsubscribe(h, a);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

static void test_heartbeat(void **state)
{
    (void)state;
    struct events_hub *h = hub(0, 0, 1);
    struct events_viewer none = {0, 0};
    struct locked_sink l, dead;
    sink_init(&l.s);
    sink_init(&dead.s);
    pthread_mutex_init(&l.lock, NULL);
    pthread_mutex_init(&dead.lock, NULL);
    struct events_sub *a, *b;
    assert_int_equal(events_subscribe(h, &none, NULL, 0, 0, 0, locked_write, &l, &a), 0);
    assert_int_equal(events_subscribe(h, &none, NULL, 0, 0, 0, locked_write, &dead, &b), 0);
    pthread_mutex_lock(&dead.lock);
    dead.s.fail = IOC_ESHUTDOWN;
    pthread_mutex_unlock(&dead.lock);
    int64_t start = ioc_now_ms();
    while (hb_count(&l) < 2 && ioc_now_ms() - start < 5000) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    int64_t took = ioc_now_ms() - start;
    assert_int_equal(hb_count(&l), 2);
    assert_true(took >= 1500 && took < 3500);
    pthread_mutex_lock(&dead.lock);
    assert_int_equal(dead.s.calls, 2); /* subscribe, then the first heartbeat failed */
    pthread_mutex_unlock(&dead.lock);
    events_unsubscribe(h, a);
    events_unsubscribe(h, b);
    int64_t t0 = ioc_now_ms();
    events_hub_destroy(h); /* wakes the thread: no wait for the next beat */
    assert_true(ioc_now_ms() - t0 < 500);
    ioc_buf_free(&l.s.out);
    ioc_buf_free(&dead.s.out);
    pthread_mutex_destroy(&l.lock);
    pthread_mutex_destroy(&dead.lock);
}

/* keep_s: a ring nobody listened to for keep_s is forgotten: resuming from before it resets. */
static void test_keep(void **state)
{
    (void)state;
    struct events_options o = {0, 0, 3600, 1, 0};
    struct events_hub *h;
    assert_int_equal(events_hub_create(&o, &h), 0);
    struct events_viewer all = {1, 0};
    struct sink s;
    sink_init(&s);
    struct events_sub *sub;
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 0, 0, sink_write, &s, &sub), 0);
    uint64_t a = pub(h, "report", 1, "{}");
    events_unsubscribe(h, sub);
    uint64_t b = pub(h, "report", 1, "{}"); /* within keep_s: kept */
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, a, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "report"), 1);
    events_unsubscribe(h, sub);
    struct timespec ts = {1, 200000000};
    nanosleep(&ts, NULL);
    uint64_t c = pub(h, "report", 1, "{}");
    assert_int_equal(c, b + 1);
    ioc_buf_reset(&s.out);
    assert_int_equal(events_subscribe(h, &all, NULL, 0, 1, b, sink_write, &s, &sub), 0);
    assert_int_equal(count(&s, "reset"), 1);
    events_unsubscribe(h, sub);
    events_hub_destroy(h);
    ioc_buf_free(&s.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_and_ids), cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_types),          cmocka_unit_test(test_replay),
        cmocka_unit_test(test_reset),          cmocka_unit_test(test_ring_caps),
        cmocka_unit_test(test_failing_writer), cmocka_unit_test(test_heartbeat),
        cmocka_unit_test(test_keep),           cmocka_unit_test(test_burst_gives_a_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
