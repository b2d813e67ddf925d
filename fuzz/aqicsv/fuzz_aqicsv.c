/*
 * fuzz_aqicsv — the CSV of hourly means (src/environment/aqi_csv.c) and the VN_AQI library
 * (src/environment/aqi.c) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input:
 *   1. read as a CSV (an exact-size heap copy, so that ASan sees any read past it): either
 *      refused with a line >= 1 and a message, or rows strictly sorted by time, each a whole
 *      hour from line 2 on;
 *   2. the hourly index of every row agrees with aqi_hourly_series over the same hours laid out
 *      consecutively (the gaps as missing hours), and every result is consistent: aqi -1 or
 *      0 … 500, sub-indices -1 or 0 … 500, the AQI their maximum with the first such pollutant
 *      dominant, its class, reason AQI_OK exactly when there is an index;
 *   3. the days are strictly increasing, at most one per row, each result consistent likewise;
 *      the output CSV has a line per row (hourly) or per day (daily) plus the header;
 *   4. the same bytes read as raw doubles (any NaN, infinity, negative, huge value) through
 *      aqi_hourly_series and aqi_daily give consistent results.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_result(const struct aqi_result *r, int daily)
{
    int hi = -1, dom = -1;
    for (int p = 0; p < AQI_NPOLL; p++) {
        CHECK(r->sub[p] >= -1 && r->sub[p] <= 500);
        CHECK((r->sub[p] >= 0) == !isnan(r->conc[p]));
        if (r->sub[p] > hi) {
            hi = r->sub[p];
            dom = p;
        }
    }
    int pm = r->sub[AQI_PM25] >= 0 || r->sub[AQI_PM10] >= 0;
    if (pm) {
        CHECK(r->aqi == hi && r->dominant == dom);
        CHECK(r->cls == aqi_class(r->aqi) && r->cls >= 1 && r->cls <= 6);
        CHECK(r->reason == AQI_OK);
        CHECK(aqi_class_vi(r->cls)[0] && aqi_class_colour(r->cls)[0] == '#');
    } else {
        CHECK(r->aqi == -1 && r->dominant == -1 && r->cls == 0);
        CHECK(r->reason == AQI_NO_PM || r->reason == (daily ? AQI_DAY_SHORT : AQI_NOWCAST_SHORT));
    }
    CHECK(r->o3_8h == 0 || (daily && r->o3_8h == 1));
}

static int same(const struct aqi_result *a, const struct aqi_result *b)
{
    if (a->aqi != b->aqi || a->dominant != b->dominant || a->cls != b->cls ||
        a->reason != b->reason)
        return 0;
    for (int p = 0; p < AQI_NPOLL; p++)
        if (a->sub[p] != b->sub[p])
            return 0;
    return 1;
}

static size_t lines_of(const struct ioc_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

static void csv_path(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    CHECK(text);
    if (size)
        memcpy(text, data, size);
    struct aqi_csv_row *rows;
    size_t n;
    struct aqi_csv_error err;
    int rc = aqi_csv_read(text, size, &rows, &n, &err);
    free(text);
    if (rc) {
        CHECK(rc == IOC_EINVAL && err.line >= 1 && err.message[0]);
        CHECK(!rows && n == 0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        CHECK(rows[i].t % 3600 == 0 && rows[i].line >= 2);
        CHECK(i == 0 || rows[i].t > rows[i - 1].t);
    }
    struct aqi_result *out = calloc(n ? n : 1, sizeof *out);
    CHECK(out);
    aqi_csv_hourly(rows, n, out);
    for (size_t i = 0; i < n; i++)
        check_result(&out[i], 0);
    /* the same hours laid out consecutively, when the span is small */
    if (n && (rows[n - 1].t - rows[0].t) / 3600 < 4096) {
        size_t span = (size_t)((rows[n - 1].t - rows[0].t) / 3600) + 1;
        struct aqi_hour *h = malloc(span * sizeof *h);
        struct aqi_result *s = malloc(span * sizeof *s);
        CHECK(h && s);
        for (size_t k = 0; k < span; k++)
            for (int p = 0; p < AQI_NPOLL; p++)
                h[k].c[p] = NAN;
        for (size_t i = 0; i < n; i++)
            h[(rows[i].t - rows[0].t) / 3600] = rows[i].h;
        aqi_hourly_series(h, span, s);
        for (size_t i = 0; i < n; i++)
            CHECK(same(&out[i], &s[(rows[i].t - rows[0].t) / 3600]));
        free(h);
        free(s);
    }
    free(out);
    struct aqi_csv_day *days;
    size_t nd;
    CHECK(aqi_csv_daily(rows, n, &days, &nd) == 0);
    CHECK(nd <= n);
    for (size_t i = 0; i < nd; i++) {
        CHECK(i == 0 || days[i].day > days[i - 1].day);
        check_result(&days[i].r, 1);
    }
    free(days);
    for (int daily = 0; daily <= 1; daily++) {
        struct ioc_buf b;
        ioc_buf_init(&b, 0);
        CHECK(aqi_csv_write(rows, n, daily, &b) == 0);
        CHECK(lines_of(&b) == 1 + (daily ? nd : n));
        ioc_buf_free(&b);
    }
    free(rows);
}

/* The bytes as doubles: up to 40 hours of 6 pollutants. */
static void raw_path(const uint8_t *data, size_t size)
{
    struct aqi_hour h[40];
    size_t nd = size / sizeof(double), nh = nd / AQI_NPOLL;
    if (nh > 40)
        nh = 40;
    for (size_t k = 0; k < 40; k++)
        for (int p = 0; p < AQI_NPOLL; p++) {
            size_t i = k * AQI_NPOLL + (size_t)p;
            double v = NAN;
            if (i < nd)
                memcpy(&v, data + i * sizeof v, sizeof v);
            h[k].c[p] = v;
        }
    struct aqi_result s[40], r;
    if (nh) {
        aqi_hourly_series(h, nh, s);
        for (size_t k = 0; k < nh; k++)
            check_result(&s[k], 0);
        CHECK(aqi_hourly(h, nh, &r) == 0);
        CHECK(same(&r, &s[nh - 1]));
    }
    CHECK(aqi_daily(h + 7, h, &r) == 0);
    check_result(&r, 1);
    CHECK(aqi_daily(h, NULL, &r) == 0);
    check_result(&r, 1);
    for (int p = 0; p < AQI_NPOLL; p++) {
        double nc;
        if (aqi_nowcast(&h[0].c[p], 1, &nc) == 0)
            abort(); /* one hour is never enough */
        int col = (int)(data[0] % 7u);
        int s1 = aqi_subindex((enum aqi_column)col, h[1].c[p]);
        CHECK(s1 >= -1 && s1 <= 500);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_path(data, size);
    if (size)
        raw_path(data, size);
    return 0;
}
