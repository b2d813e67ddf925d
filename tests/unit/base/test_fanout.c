/* Unit tests for src/base/fanout.c: the fan-out the live hubs share (ids, ring and its caps,
 * Last-Event-ID replay or reset, lagging writers and their resets, failing writers, the keep
 * time's gap, broadcast, counters), with a small hub of text entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/errors.h"

/* An entry: n ids, each written as "id: <id>\ndata: <tag>\n\n"; wanted by filters of its tag. */
struct item {
    struct ioc_fanout_entry head;
    char tag;
    int stamped;
};

struct filter {
    char tag; /* 0: every tag */
};

static int frees;

static int wants(void *hub, const void *filter, const struct ioc_fanout_entry *e)
{
    (void)hub;
    const struct filter *f = filter;
    return !f->tag || f->tag == ((const struct item *)e)->tag;
}

static int deliver(void *hub, const void *filter, const struct ioc_fanout_entry *e, uint64_t after,
                   ioc_fanout_write_fn emit, void *ectx)
{
    (void)hub;
    (void)filter;
    assert_int_equal(((const struct item *)e)->stamped, 1);
    for (uint64_t id = e->first; id < e->first + e->n; id++) {
        if (id <= after)
            continue;
        char s[64];
        int k = snprintf(s, sizeof s, "id: %llu\ndata: %c\n\n", (unsigned long long)id,
                         ((const struct item *)e)->tag);
        int rc = emit(ectx, s, (size_t)k);
        if (rc)
            return rc;
    }
    return 0;
}

static void stamp(void *hub, struct ioc_fanout_entry *e)
{
    (void)hub;
    ((struct item *)e)->stamped++;
}

static void filter_free(void *f)
{
    frees++;
    free(f);
}

static struct ioc_fanout *fan(size_t ring_entries, size_t ring_bytes, int keep_s)
{
    struct ioc_fanout_options o = {ring_entries, ring_bytes, keep_s};
    struct ioc_fanout_ops ops = {NULL, deliver, wants, stamp, filter_free};
    struct ioc_fanout *f = NULL;
    assert_int_equal(ioc_fanout_create(&o, &ops, &f), 0);
    return f;
}

static uint64_t pub(struct ioc_fanout *f, char tag, size_t n)
{
    struct item *it = calloc(1, sizeof *it);
    it->head.n = n;
    it->head.bytes = 100;
    it->tag = tag;
    return ioc_fanout_publish(f, &it->head);
}

struct sink {
    struct ioc_buf out;
    int calls;
    int fail; /* returned from every call from now on */
};

static int sink_write(void *ctx, const void *p, size_t n)
{
    struct sink *s = ctx;
    s->calls++;
    return s->fail ? s->fail : ioc_buf_append(&s->out, p, n);
}

static struct ioc_fanout_sub *sub(struct ioc_fanout *f, char tag, int have_last, uint64_t last,
                                  size_t max_replay, struct sink *s)
{
    memset(s, 0, sizeof *s);
    ioc_buf_init(&s->out, 0);
    struct filter *flt = calloc(1, sizeof *flt);
    flt->tag = tag;
    struct ioc_fanout_sub *out = NULL;
    assert_int_equal(ioc_fanout_subscribe(f, flt, have_last, last, max_replay, sink_write, s, &out),
                     0);
    return out;
}

static const char *text(struct sink *s)
{
    ioc_buf_putc(&s->out, '\0');
    s->out.len--;
    return s->out.data;
}

static void test_ids_and_live(void **state)
{
    (void)state;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now_us = (uint64_t)ts.tv_sec * 1000000u;
    struct ioc_fanout *f = fan(0, 0, 0);
    struct sink a, b;
    struct ioc_fanout_sub *sa = sub(f, 0, 0, 0, 1 << 20, &a);
    struct ioc_fanout_sub *sb = sub(f, 'y', 0, 0, 1 << 20, &b);
    assert_string_equal(text(&a), "retry: 3000\n\n");
    uint64_t x = pub(f, 'x', 3); /* three ids: the last is returned */
    uint64_t y = pub(f, 'y', 1);
    assert_true(x >= now_us + 2 && x < now_us + 60000000u);
    assert_int_equal(y, x + 1);
    char want[256];
    snprintf(want, sizeof want,
             "retry: 3000\n\nid: %llu\ndata: x\n\nid: %llu\ndata: x\n\nid: %llu\ndata: x\n\n"
             "id: %llu\ndata: y\n\n",
             (unsigned long long)x - 2, (unsigned long long)x - 1, (unsigned long long)x,
             (unsigned long long)y);
    assert_string_equal(text(&a), want);
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\ndata: y\n\n", (unsigned long long)y);
    assert_string_equal(text(&b), want); /* the filter's: no x */
    struct ioc_fanout_counts c;
    ioc_fanout_counts(f, &c);
    assert_int_equal(c.subscribers, 2);
    assert_int_equal(c.delivered, 3); /* a: 2 entries, b: 1 */
    ioc_fanout_unsubscribe(f, sa);
    ioc_fanout_unsubscribe(f, sb);
    assert_int_equal(frees, 2);
    frees = 0;
    ioc_fanout_destroy(f);
    ioc_buf_free(&a.out);
    ioc_buf_free(&b.out);
}

/* Replay from inside an entry, from the last id (nothing), and resets for ids out of range. */
static void test_replay_and_reset(void **state)
{
    (void)state;
    struct ioc_fanout *f = fan(0, 0, 0);
    uint64_t x = pub(f, 'x', 3);
    uint64_t y = pub(f, 'y', 2);
    struct sink s;
    struct ioc_fanout_sub *ss = sub(f, 0, 1, x - 1, 1 << 20, &s);
    char want[256];
    snprintf(want, sizeof want,
             "retry: 3000\n\nid: %llu\ndata: x\n\nid: %llu\ndata: y\n\nid: %llu\ndata: y\n\n",
             (unsigned long long)x, (unsigned long long)y - 1, (unsigned long long)y);
    assert_string_equal(text(&s), want);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ss = sub(f, 'x', 1, y, 1 << 20, &s); /* up to date: nothing to replay */
    assert_string_equal(text(&s), "retry: 3000\n\n");
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\nevent: reset\ndata: {}\n\n",
             (unsigned long long)y);
    uint64_t bad[] = {x - 4, y + 1, 1};
    for (size_t i = 0; i < 3; i++) {
        ss = sub(f, 0, 1, bad[i], 1 << 20, &s);
        assert_string_equal(text(&s), want);
        ioc_fanout_unsubscribe(f, ss);
        ioc_buf_free(&s.out);
    }
    ss = sub(f, 0, 1, x - 3, 40, &s); /* the replay passes max_replay */
    assert_string_equal(text(&s), want);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    struct ioc_fanout_counts c;
    ioc_fanout_counts(f, &c);
    assert_int_equal(c.resets, 4);
    ioc_fanout_destroy(f);
    frees = 0;
}

/* Caps: entries and bytes, the newest staying; the dropped ids then replay as a reset. */
static void test_ring_caps(void **state)
{
    (void)state;
    struct ioc_fanout *f = fan(2, 250, 0);
    uint64_t a = pub(f, 'a', 1);
    uint64_t b = pub(f, 'b', 1);
    uint64_t c = pub(f, 'c', 1); /* 3 entries > 2: a goes */
    struct sink s;
    struct ioc_fanout_sub *ss = sub(f, 0, 1, a, 1 << 20, &s); /* b and c are there */
    char want[256];
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\ndata: b\n\nid: %llu\ndata: c\n\n",
             (unsigned long long)b, (unsigned long long)c);
    assert_string_equal(text(&s), want);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ss = sub(f, 0, 1, a - 1, 1 << 20, &s); /* a is gone */
    assert_non_null(strstr(text(&s), "event: reset"));
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ioc_fanout_destroy(f);

    f = fan(10, 50, 0); /* every entry (100 bytes) passes ring_bytes alone */
    a = pub(f, 'a', 1);
    b = pub(f, 'b', 1);
    ss = sub(f, 0, 1, a, 1 << 20, &s); /* the newest stayed */
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\ndata: b\n\n", (unsigned long long)b);
    assert_string_equal(text(&s), want);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ioc_fanout_destroy(f);
    frees = 0;
}

/* A writer with no room lags: the next entry it wants becomes a reset with that entry's last
 * id (entries it does not want change nothing), then entries go on. */
static void test_lagging(void **state)
{
    (void)state;
    struct ioc_fanout *f = fan(0, 0, 0);
    struct sink s;
    struct ioc_fanout_sub *ss = sub(f, 'x', 0, 0, 1 << 20, &s);
    s.fail = IOC_EBUSY;
    pub(f, 'x', 1);
    pub(f, 'x', 1); /* still no room: still lagging, counted once */
    s.fail = 0;
    ioc_buf_reset(&s.out);
    pub(f, 'y', 1); /* not wanted: no reset for it */
    assert_int_equal(s.out.len, 0);
    uint64_t x = pub(f, 'x', 2);
    char want[256];
    snprintf(want, sizeof want, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)x);
    assert_string_equal(text(&s), want);
    ioc_buf_reset(&s.out);
    uint64_t x2 = pub(f, 'x', 1);
    snprintf(want, sizeof want, "id: %llu\ndata: x\n\n", (unsigned long long)x2);
    assert_string_equal(text(&s), want);
    struct ioc_fanout_counts c;
    ioc_fanout_counts(f, &c);
    assert_int_equal(c.lagged, 1);
    assert_int_equal(c.resets, 1);
    assert_int_equal(c.failures, 0);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ioc_fanout_destroy(f);
    frees = 0;
}

/* A writer that fails otherwise is never called again; broadcast reaches the live ones and a
 * writer with no room skips a broadcast without lagging. */
static void test_failing_and_broadcast(void **state)
{
    (void)state;
    struct ioc_fanout *f = fan(0, 0, 0);
    struct sink a, b;
    struct ioc_fanout_sub *sa = sub(f, 0, 0, 0, 1 << 20, &a);
    struct ioc_fanout_sub *sb = sub(f, 0, 0, 0, 1 << 20, &b);
    a.fail = IOC_ETOOBIG;
    pub(f, 'x', 1);
    int calls = a.calls;
    pub(f, 'x', 1);
    ioc_fanout_broadcast(f, ": hb\n\n", 6);
    assert_int_equal(a.calls, calls);
    b.fail = IOC_EBUSY;
    ioc_fanout_broadcast(f, ": hb\n\n", 6);
    b.fail = 0;
    ioc_buf_reset(&b.out);
    ioc_fanout_broadcast(f, ": hb\n\n", 6);
    uint64_t x = pub(f, 'x', 1); /* not lagging: the entry itself */
    char want[128];
    snprintf(want, sizeof want, ": hb\n\nid: %llu\ndata: x\n\n", (unsigned long long)x);
    assert_string_equal(text(&b), want);
    struct ioc_fanout_counts c;
    ioc_fanout_counts(f, &c);
    assert_int_equal(c.failures, 1);
    assert_int_equal(c.lagged, 0);
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    assert_int_equal(ioc_fanout_metrics(f, &m, "ioc_x", "GET /x."), 0);
    ioc_buf_putc(&m, '\0');
    assert_non_null(strstr(m.data, "# HELP ioc_x_subscribers Clients of GET /x.\n"));
    assert_non_null(strstr(m.data, "\nioc_x_subscribers 2\n"));
    assert_non_null(strstr(m.data, "\nioc_x_writer_failures_total 1\n"));
    assert_non_null(strstr(m.data, "\nioc_x_lagged_total 0\n"));
    assert_non_null(strstr(m.data, "\nioc_x_resets_total 0\n"));
    ioc_buf_free(&m);
    ioc_fanout_unsubscribe(f, sa);
    ioc_fanout_unsubscribe(f, sb);
    ioc_buf_free(&a.out);
    ioc_buf_free(&b.out);
    ioc_fanout_destroy(f);
    frees = 0;
}

/* keep_s > 0: with nobody listening (past keep_s) entries are not kept, their ids are taken
 * (a gap), and a replay across the gap is a reset; keep_s 0 keeps the ring. A subscriber that
 * the writer refuses is not linked and its filter is freed. */
static void test_keep_and_gap(void **state)
{
    (void)state;
    struct ioc_fanout *f = fan(0, 0, 1);
    assert_int_equal(ioc_fanout_skip(f, 5), 1);
    uint64_t a = pub(f, 'a', 1); /* freed at once, id taken */
    struct sink s;
    struct ioc_fanout_sub *ss = sub(f, 0, 1, a - 6, 1 << 20, &s);
    char want[128];
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\nevent: reset\ndata: {}\n\n",
             (unsigned long long)a);
    assert_string_equal(text(&s), want);
    assert_int_equal(ioc_fanout_skip(f, 1), 0); /* someone listens */
    uint64_t b = pub(f, 'b', 1);
    assert_int_equal(b, a + 1);
    ioc_fanout_unsubscribe(f, ss);
    assert_int_equal(ioc_fanout_skip(f, 1), 0); /* within keep_s of the last one leaving */
    ioc_buf_free(&s.out);
    ioc_fanout_gap(f, 3);
    uint64_t c = pub(f, 'c', 1);
    assert_int_equal(c, b + 4);
    ss = sub(f, 0, 1, b, 1 << 20, &s); /* across the gap */
    assert_non_null(strstr(text(&s), "event: reset"));
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    ioc_fanout_destroy(f);

    f = fan(0, 0, 0);
    assert_int_equal(ioc_fanout_skip(f, 1), 0);
    a = pub(f, 'a', 1);
    ss = sub(f, 0, 1, a - 1, 1 << 20, &s);
    snprintf(want, sizeof want, "retry: 3000\n\nid: %llu\ndata: a\n\n", (unsigned long long)a);
    assert_string_equal(text(&s), want);
    ioc_fanout_unsubscribe(f, ss);
    ioc_buf_free(&s.out);
    frees = 0;
    struct filter *flt = calloc(1, sizeof *flt);
    struct sink bad = {.fail = IOC_ETOOBIG};
    ioc_buf_init(&bad.out, 0);
    struct ioc_fanout_sub *none = (void *)1;
    assert_int_equal(ioc_fanout_subscribe(f, flt, 0, 0, 1 << 20, sink_write, &bad, &none),
                     IOC_ETOOBIG);
    assert_null(none);
    assert_int_equal(frees, 1);
    struct ioc_fanout_counts cnt;
    ioc_fanout_counts(f, &cnt);
    assert_int_equal(cnt.subscribers, 0);
    ioc_fanout_destroy(f);
    frees = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_and_live),
        cmocka_unit_test(test_replay_and_reset),
        cmocka_unit_test(test_ring_caps),
        cmocka_unit_test(test_lagging),
        cmocka_unit_test(test_failing_and_broadcast),
        cmocka_unit_test(test_keep_and_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
