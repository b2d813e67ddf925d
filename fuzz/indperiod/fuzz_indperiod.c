/*
 * fuzz_indperiod — the indicators' text forms (src/indicators/period.c, agg.c): periods,
 * deadlines and thresholds, and the arithmetic of periods, on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The whole input goes to each of the three parsers (an exact-size heap copy each). Checked:
 *   1. a refusal leaves *out alone and says why;
 *   2. an accepted period is valid, formats back to the same text, starts before it ends, holds
 *      its own first and last instants, steps ±1 and back, lies in its parent and among its
 *      parent's children, and has a Vietnamese form;
 *   3. an accepted deadline or thresholds text formats to a text that reads back the same, and a
 *      deadline is due at or after the start of its period's last day;
 *   4. the first 8 bytes read as an instant: the period of each frequency holding it, if any,
 *      starts at or before it and ends after it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static char *copy(const uint8_t *data, size_t size)
{
    char *t = malloc(size ? size : 1);
    CHECK(t);
    if (size)
        memcpy(t, data, size);
    return t;
}

static void period_family(struct ind_period p)
{
    int64_t a = ind_period_start(p), b = ind_period_end(p);
    CHECK(a < b);
    struct ind_period q;
    CHECK(ind_period_of(p.freq, a, &q) == 0 && q.n == p.n && q.freq == p.freq);
    CHECK(ind_period_of(p.freq, b - 1, &q) == 0 && q.n == p.n);
    if (ind_period_step(p, 1, &q) == 0) {
        CHECK(ind_period_start(q) == b);
        CHECK(ind_period_step(q, -1, &q) == 0 && q.n == p.n);
    }
    for (int f = p.freq; f <= IND_YEAR; f++) {
        struct ind_period up, first;
        int32_t count = 0;
        CHECK(ind_period_parent(p, (enum ind_freq)f, &up) == 0);
        CHECK(ind_period_start(up) <= a && b <= ind_period_end(up));
        CHECK(ind_period_children(up, p.freq, &first, &count) == 0);
        CHECK(count >= 1 && count <= 366 && first.n <= p.n && p.n < first.n + count);
    }
    char vi[IND_PERIOD_TEXT_MAX];
    CHECK(ind_period_display_vi(p, vi) == 0 && vi[0] && ioc_utf8_valid(vi, strlen(vi)));
}

static void period(const uint8_t *data, size_t size)
{
    char *t = copy(data, size);
    struct ind_period p = {IND_YEAR, -5};
    const char *why = NULL;
    if (ind_period_parse(t, size, &p, &why) != 0) {
        CHECK(p.n == -5 && why && why[0]);
        free(t);
        return;
    }
    CHECK(ind_period_valid(p));
    char back[IND_PERIOD_TEXT_MAX];
    CHECK(ind_period_format(p, back) == 0);
    CHECK(strlen(back) == size && memcmp(back, t, size) == 0);
    period_family(p);
    free(t);
}

static void deadline(const uint8_t *data, size_t size)
{
    char *t = copy(data, size);
    struct ind_deadline d = {-5, -5};
    const char *why = NULL;
    if (ind_deadline_parse(t, size, &d, &why) != 0) {
        CHECK(d.days == -5 && why && why[0]);
        free(t);
        return;
    }
    char back[IND_DEADLINE_TEXT_MAX];
    CHECK(ind_deadline_format(&d, back) == 0);
    struct ind_deadline again; /* "+0d 17:00" formats as "17:00": compare what they mean */
    CHECK(ind_deadline_parse(back, strlen(back), &again, NULL) == 0);
    CHECK(again.days == d.days && again.minute == d.minute);
    for (int f = IND_DAY; f <= IND_YEAR; f++) {
        struct ind_period p;
        CHECK(ind_period_of((enum ind_freq)f, 1796058000, &p) == 0);
        CHECK(ind_deadline_due(&d, p) >= ind_period_end(p) - 86400);
    }
    free(t);
}

static void thresholds(const uint8_t *data, size_t size)
{
    char *t = copy(data, size);
    struct ind_thresholds th = {IND_THRESHOLDS_RELATIVE, -5, -5};
    const char *why = NULL;
    if (ind_thresholds_parse(t, size, &th, &why) != 0) {
        CHECK(th.amber == -5 && why && why[0]);
        free(t);
        return;
    }
    CHECK(isfinite(th.amber) && isfinite(th.red));
    CHECK(th.kind != IND_THRESHOLDS_RELATIVE || th.amber >= 0);
    char back[IND_THRESHOLDS_TEXT_MAX];
    CHECK(ind_thresholds_format(&th, back) == 0);
    CHECK(th.kind != IND_THRESHOLDS_NONE || (size == 0 && back[0] == '\0'));
    struct ind_thresholds again;
    CHECK(ind_thresholds_parse(back, strlen(back), &again, NULL) == 0);
    CHECK(again.kind == th.kind && again.amber == th.amber && again.red == th.red);
    double v = th.amber, g = 1;
    for (int p = IND_HIGHER; p <= IND_LOWER; p++) {
        enum ind_light l = ind_light_of(&v, &g, (enum ind_polarity)p, &th);
        CHECK(l == IND_LIGHT_GREEN || l == IND_LIGHT_AMBER || l == IND_LIGHT_RED);
        (void)ind_thresholds_check(&th, (enum ind_polarity)p, &g, NULL);
    }
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    period(data, size);
    deadline(data, size);
    thresholds(data, size);
    if (size >= 8) {
        int64_t t = (int64_t)ioc_le64_get(data);
        for (int f = IND_DAY; f <= IND_YEAR; f++) {
            struct ind_period p;
            if (ind_period_of((enum ind_freq)f, t, &p) == 0) {
                CHECK(ind_period_valid(p));
                CHECK(ind_period_start(p) <= t && t < ind_period_end(p));
            }
        }
    }
    return 0;
}
