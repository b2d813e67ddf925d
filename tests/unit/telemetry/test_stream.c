/* Unit tests for src/telemetry/stream.c: the live-stream hub (format, filters, ids, ring,
 * Last-Event-ID replay and reset, splitting, bounds, failing writers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

/* A batch of points made from "m field tagk=tagv value" specs (float values). */
struct pts {
    struct tsdb_point_in p[64];
    struct ioc_buf keys[64];
    size_t n;
};

static void add(struct pts *b, const char *m, const char *f, const char *tk, const char *tv,
                enum tsdb_type type, int64_t t, uint64_t v)
{
    struct tsdb_tag tag = {tk, tk ? strlen(tk) : 0, tv, tv ? strlen(tv) : 0};
    struct ioc_buf *k = &b->keys[b->n];
    ioc_buf_init(k, 0);
    assert_int_equal(tsdb_series_key(k, m, strlen(m), f, strlen(f), &tag, tk ? 1 : 0), 0);
    b->p[b->n++] = (struct tsdb_point_in){k->data, k->len, type, t, v};
}

static void addf(struct pts *b, const char *m, const char *f, const char *tv, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    add(b, m, f, tv ? "station" : NULL, tv, TSDB_FLOAT, 1796205600000000000LL, v);
}

static void pts_free(struct pts *b)
{
    for (size_t i = 0; i < b->n; i++)
        ioc_buf_free(&b->keys[i]);
    b->n = 0;
}

struct sink {
    struct ioc_buf out;
    int calls;
    int fail; /* return this from the next call */
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

static struct telemetry_hub *hub(size_t ring_events, size_t event_bytes)
{
    struct telemetry_hub_options o = {ring_events, 0, event_bytes, 0};
    struct telemetry_hub *h;
    assert_int_equal(telemetry_hub_create(&o, &h), 0);
    return h;
}

static struct telemetry_sub *sub(struct telemetry_hub *h, struct sink *s, const char *m,
                                 const char *f, int have_last, uint64_t last)
{
    struct telemetry_hub_filter flt = {m, f, NULL, 0};
    struct telemetry_sub *out;
    assert_int_equal(
        telemetry_hub_subscribe(h, &flt, have_last, last, 1 << 20, sink_write, s, &out), 0);
    return out;
}

/* The id of the n-th (0-based) "id: " line of text, or 0. */
static uint64_t nth_id(const char *text, int n)
{
    const char *p = text;
    for (int i = 0; p && (p = strstr(p, "id: ")) != NULL; i++, p += 4)
        if (i == n)
            return strtoull(p + 4, NULL, 10);
    return 0;
}

static int count(const char *text, const char *what)
{
    int c = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        c++;
    return c;
}

static void test_stream_a_batch_becomes_one_event_in_the_exact_format(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink s;
    sink_init(&s);
    struct telemetry_sub *u = sub(h, &s, "air", NULL, 0, 0);
    assert_string_equal(s.out.data, "retry: 3000\n\n");
    struct pts b = {0};
    addf(&b, "air", "pm25", "S1", 12.5);
    add(&b, "air", "n", "station", "S1", TSDB_INT, 1796205600000000001LL, (uint64_t)-3);
    add(&b, "air", "ok", NULL, NULL, TSDB_BOOL, -1, 1);
    addf(&b, "water", "ph", "S1", 7);
    struct tsdb_write_report rep = {4, 0, 0, 0, 0};
    telemetry_hub_publish(h, b.p, b.n, &rep);
    uint64_t id = nth_id(s.out.data, 0);
    char want[1024];
    snprintf(want, sizeof want,
             "retry: 3000\n\nid: %llu\nevent: points\ndata: {\"points\":["
             "{\"measurement\":\"air\",\"field\":\"pm25\",\"tags\":{\"station\":\"S1\"},"
             "\"time\":\"2026-12-02T10:00:00.000000000Z\",\"t\":1796205600000,\"value\":12.5},"
             "{\"measurement\":\"air\",\"field\":\"n\",\"tags\":{\"station\":\"S1\"},"
             "\"time\":\"2026-12-02T10:00:00.000000001Z\",\"t\":1796205600000,\"value\":-3},"
             "{\"measurement\":\"air\",\"field\":\"ok\",\"tags\":{},"
             "\"time\":\"1969-12-31T23:59:59.999999999Z\",\"t\":-1,\"value\":true}]}\n\n",
             (unsigned long long)id);
    assert_string_equal(s.out.data, want);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&s.out);
}

static void test_stream_filters_by_field_and_tag_values(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink s;
    sink_init(&s);
    struct tsdb_str vals[] = {{"S1", 2}, {"S3", 2}};
    struct tsdb_tag_filter tf = {"station", 7, vals, 2};
    struct telemetry_hub_filter flt = {"air", "pm25", &tf, 1};
    struct telemetry_sub *u;
    assert_int_equal(telemetry_hub_subscribe(h, &flt, 0, 0, 1 << 20, sink_write, &s, &u), 0);
    struct pts b = {0};
    addf(&b, "air", "pm25", "S1", 1);
    addf(&b, "air", "no2", "S1", 2);
    addf(&b, "air", "pm25", "S2", 3);
    addf(&b, "air", "pm25", "S3", 4);
    addf(&b, "air", "pm25", NULL, 5);
    addf(&b, "airx", "pm25", "S1", 6);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    assert_int_equal(count(s.out.data, "\"measurement\""), 2);
    assert_non_null(strstr(s.out.data, "\"value\":1}"));
    assert_non_null(strstr(s.out.data, "\"value\":4}"));
    /* a batch with nothing for it: no event at all */
    int calls = s.calls;
    pts_free(&b);
    addf(&b, "air", "pm25", "S2", 9);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    assert_int_equal(s.calls, calls);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&s.out);
}

static void test_stream_resuming_replays_exactly_the_missed_events(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(3, 0);
    struct sink keep, a;
    sink_init(&keep);
    sink_init(&a);
    struct telemetry_sub *k = sub(h, &keep, "air", NULL, 0, 0);
    struct pts b = {0};
    for (int i = 0; i < 3; i++) {
        addf(&b, "air", "pm25", "S1", i);
        addf(&b, "air", "pm25", "S2", i);
        telemetry_hub_publish(h, b.p, b.n, NULL);
        pts_free(&b);
    }
    uint64_t id0 = nth_id(keep.out.data, 0), id1 = nth_id(keep.out.data, 1);
    assert_true(id1 == id0 + 2);
    /* after the first event: the two others, byte for byte */
    struct telemetry_sub *u = sub(h, &a, "air", NULL, 1, id0);
    const char *second = strstr(keep.out.data, "id: ") + 1;
    second = strstr(second, "id: ");
    char want[4096];
    snprintf(want, sizeof want, "retry: 3000\n\n%s", second);
    assert_string_equal(a.out.data, want);
    telemetry_hub_unsubscribe(h, u);
    /* up to date: nothing; from the future: a reset with the last id */
    ioc_buf_reset(&a.out);
    uint64_t last = nth_id(keep.out.data, 2);
    u = sub(h, &a, "air", NULL, 1, last);
    assert_string_equal(a.out.data, "retry: 3000\n\n");
    telemetry_hub_unsubscribe(h, u);
    ioc_buf_reset(&a.out);
    u = sub(h, &a, "air", NULL, 1, last + 1);
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\nevent: reset\ndata: {}\n\n",
             (unsigned long long)last);
    assert_string_equal(a.out.data, want);
    telemetry_hub_unsubscribe(h, u);
    /* one more batch pushes the first out of the ring (3 batches): an id inside it is too old
     * now; its last id (id0) is still fine, nothing after it was forgotten */
    addf(&b, "air", "pm25", "S1", 9);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    pts_free(&b);
    ioc_buf_reset(&a.out);
    u = sub(h, &a, "air", NULL, 1, id0 - 1);
    assert_non_null(strstr(a.out.data, "event: reset"));
    telemetry_hub_unsubscribe(h, u);
    ioc_buf_reset(&a.out);
    u = sub(h, &a, "air", NULL, 1, id0);
    assert_null(strstr(a.out.data, "event: reset"));
    assert_int_equal(count(a.out.data, "event: points"), 3);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_unsubscribe(h, k);
    telemetry_hub_destroy(h);
    ioc_buf_free(&keep.out);
    ioc_buf_free(&a.out);
}

static void test_stream_points_published_while_nobody_listens_make_a_gap(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink a;
    sink_init(&a);
    struct pts b = {0};
    addf(&b, "air", "pm25", "S1", 1);
    struct telemetry_sub *u = sub(h, &a, "air", NULL, 0, 0);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    uint64_t id = nth_id(a.out.data, 0);
    telemetry_hub_unsubscribe(h, u);
    /* within keep_s the ring is still kept: a resume is exact */
    telemetry_hub_publish(h, b.p, b.n, NULL);
    ioc_buf_reset(&a.out);
    u = sub(h, &a, "air", NULL, 1, id);
    assert_int_equal(count(a.out.data, "event: points"), 1);
    assert_int_equal(nth_id(a.out.data, 0), id + 1);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);

    /* keep_s over (a hub whose last subscriber never was): nothing kept, a reset */
    struct telemetry_hub_options o = {0, 0, 0, 1};
    assert_int_equal(telemetry_hub_create(&o, &h), 0);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    ioc_buf_reset(&a.out);
    u = sub(h, &a, "air", NULL, 1, 0);
    assert_non_null(strstr(a.out.data, "event: reset"));
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&a.out);
}

static void test_stream_a_large_batch_is_split_and_each_event_ids_its_last_point(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 400);
    struct sink a;
    sink_init(&a);
    struct telemetry_sub *u = sub(h, &a, "air", NULL, 0, 0);
    struct pts b = {0};
    for (int i = 0; i < 10; i++)
        addf(&b, "air", "pm25", "S1", i);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    int events = count(a.out.data, "event: points");
    assert_true(events >= 3);
    assert_int_equal(count(a.out.data, "\"measurement\""), 10);
    uint64_t first = nth_id(a.out.data, 0), last = nth_id(a.out.data, events - 1);
    assert_true(first < last);
    /* ids are point numbers: 10 points published, the last event ends at the 10th */
    for (int i = 1; i < events; i++)
        assert_true(nth_id(a.out.data, i) > nth_id(a.out.data, i - 1));
    /* resuming in the middle of the split replays the rest only */
    struct sink c;
    sink_init(&c);
    struct telemetry_sub *v = sub(h, &c, "air", NULL, 1, first);
    const char *rest = strstr(a.out.data, "id: ") + 1;
    rest = strstr(rest, "id: ");
    assert_string_equal(c.out.data + strlen("retry: 3000\n\n"), rest);
    telemetry_hub_unsubscribe(h, v);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&a.out);
    ioc_buf_free(&c.out);
}

static void test_stream_a_failing_writer_is_not_called_again_and_others_go_on(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink bad, good;
    sink_init(&bad);
    sink_init(&good);
    struct telemetry_sub *u = sub(h, &bad, "air", NULL, 0, 0);
    struct telemetry_sub *v = sub(h, &good, "air", NULL, 0, 0);
    struct pts b = {0};
    addf(&b, "air", "pm25", "S1", 1);
    bad.fail = IOC_ETOOBIG;
    telemetry_hub_publish(h, b.p, b.n, NULL);
    telemetry_hub_publish(h, b.p, b.n, NULL);
    assert_int_equal(bad.calls, 2); /* retry line, then the one failing event */
    assert_int_equal(count(good.out.data, "event: points"), 2);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_unsubscribe(h, v);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&bad.out);
    ioc_buf_free(&good.out);
}

/* A writer with no room now (IOC_EBUSY: a burst did not fit the client's buffer) is kept: its
 * batches are skipped until a reset fits, whose id is the last point published (the client
 * reloads up to it), and the batches after it come as usual. */
static void test_stream_a_client_behind_a_burst_gets_a_reset_then_goes_on(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink s;
    sink_init(&s);
    struct telemetry_sub *u = sub(h, &s, "air", NULL, 0, 0);
    struct pts b = {0};
    addf(&b, "air", "pm25", "S1", 1);
    s.fail = IOC_EBUSY;
    telemetry_hub_publish(h, b.p, b.n, NULL); /* refused: lagging */
    telemetry_hub_publish(h, b.p, b.n, NULL); /* the reset is refused too: still lagging */
    int calls = s.calls;
    s.fail = 0;
    telemetry_hub_publish(h, b.p, b.n, NULL); /* room again: the reset instead of this batch */
    assert_int_equal(s.calls, calls + 1);
    assert_int_equal(count(s.out.data, "event: reset"), 1);
    assert_int_equal(count(s.out.data, "event: points"), 0);
    uint64_t reset_id = nth_id(s.out.data, 0);
    telemetry_hub_publish(h, b.p, b.n, NULL); /* then points, right after the reset's id */
    assert_int_equal(count(s.out.data, "event: points"), 1);
    assert_int_equal(nth_id(s.out.data, 1), reset_id + 1);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&s.out);
}

static void test_stream_refused_points_and_replays_over_the_bound(void **state)
{
    (void)state;
    struct telemetry_hub *h = hub(0, 0);
    struct sink a;
    sink_init(&a);
    struct telemetry_sub *u = sub(h, &a, "air", NULL, 0, 0);
    struct pts b = {0};
    for (int i = 0; i < 4; i++)
        addf(&b, "air", "pm25", "S1", i);
    /* refused from the third on: only the first two are streamed */
    struct tsdb_write_report rep = {3, 1, 2, IOC_EEXIST, TSDB_INT};
    telemetry_hub_publish(h, b.p, b.n, &rep);
    assert_int_equal(count(a.out.data, "\"measurement\""), 2);
    uint64_t id = nth_id(a.out.data, 0);
    for (int i = 0; i < 20; i++)
        telemetry_hub_publish(h, b.p, b.n, NULL);
    /* a replay larger than max_replay becomes a reset */
    struct sink c;
    sink_init(&c);
    struct telemetry_hub_filter flt = {"air", NULL, NULL, 0};
    struct telemetry_sub *v;
    assert_int_equal(telemetry_hub_subscribe(h, &flt, 1, id, 1000, sink_write, &c, &v), 0);
    assert_non_null(strstr(c.out.data, "event: reset"));
    assert_null(strstr(c.out.data, "event: points"));
    telemetry_hub_unsubscribe(h, v);
    /* a writer refusing the first bytes: not subscribed */
    c.fail = IOC_ESHUTDOWN;
    assert_int_equal(telemetry_hub_subscribe(h, &flt, 0, 0, 1000, sink_write, &c, &v),
                     IOC_ESHUTDOWN);
    assert_null(v);
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    telemetry_hub_metrics(h, &m);
    assert_non_null(strstr(m.data, "ioc_telemetry_stream_subscribers 1\n"));
    assert_non_null(strstr(m.data, "ioc_telemetry_stream_resets_total 1\n"));
    ioc_buf_free(&m);
    telemetry_hub_unsubscribe(h, u);
    telemetry_hub_destroy(h);
    pts_free(&b);
    ioc_buf_free(&a.out);
    ioc_buf_free(&c.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_a_batch_becomes_one_event_in_the_exact_format),
        cmocka_unit_test(test_stream_filters_by_field_and_tag_values),
        cmocka_unit_test(test_stream_resuming_replays_exactly_the_missed_events),
        cmocka_unit_test(test_stream_points_published_while_nobody_listens_make_a_gap),
        cmocka_unit_test(test_stream_a_large_batch_is_split_and_each_event_ids_its_last_point),
        cmocka_unit_test(test_stream_a_failing_writer_is_not_called_again_and_others_go_on),
        cmocka_unit_test(test_stream_refused_points_and_replays_over_the_bound),
        cmocka_unit_test(test_stream_a_client_behind_a_burst_gets_a_reset_then_goes_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
