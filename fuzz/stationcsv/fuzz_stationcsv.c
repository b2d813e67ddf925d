/*
 * fuzz_stationcsv — the station registry's CSV parser (env_stations_csv_parse, src/environment)
 * on arbitrary bytes, against a lookup without a store: agencies whose code starts with "SO-"
 * exist, and a point is inside "the province" when it lies in a small box (its commune is
 * "26068" or "26041" by longitude), so that both refused and accepted rows are reached.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Checked for every input: nothing crashes or reads out of bounds; the parser returns 0 or a
 * negative IOC_E* code; every problem has a column or is about a row or the header, a reason,
 * and is counted; IOC_EINVAL exactly when there were problems, and then nothing is returned;
 * on success every station is valid again by env_station_check, codes are unique, and what
 * env_stations_csv writes parses back to the same registry.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "store/store.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static int agency(void *ctx, const char *code)
{
    (void)ctx;
    return strncmp(code, "SO-", 3) == 0;
}

static int commune(void *ctx, double lon, double lat, char *code, size_t size)
{
    (void)ctx;
    if (lat < 10.5 || lat > 11.5 || lon < 106.5 || lon > 107.5)
        return IOC_ENOTFOUND;
    snprintf(code, size, "%s", lon < 107 ? "26068" : "26041");
    return 0;
}

static const struct env_lookup lk = {agency, commune, NULL};
static size_t seen;

static void on_problem(void *ctx, const struct env_csv_problem *p)
{
    (void)ctx;
    CHECK(p->column && p->why && p->why[0]);
    seen++;
}

static void equal(const struct store_station *a, const struct store_station *b)
{
    CHECK(strcmp(a->code, b->code) == 0 && strcmp(a->name_vi, b->name_vi) == 0);
    CHECK(strcmp(a->name_en, b->name_en) == 0 && strcmp(a->kind, b->kind) == 0);
    CHECK(strcmp(a->measures, b->measures) == 0 && strcmp(a->agency, b->agency) == 0);
    CHECK(strcmp(a->commune, b->commune) == 0);
    CHECK(a->lat == b->lat && a->lon == b->lon && a->synthetic == b->synthetic);
    for (int i = 0; i < 3; i++)
        CHECK(a->has_alarm[i] == b->has_alarm[i] &&
              (!a->has_alarm[i] || a->alarm[i] == b->alarm[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store_station *s = NULL;
    size_t n = 0, problems = 0;
    seen = 0;
    int rc =
        env_stations_csv_parse((const char *)data, size, &lk, on_problem, NULL, &problems, &s, &n);
    CHECK(rc <= 0 && rc >= IOC_ESHUTDOWN);
    CHECK(problems == seen);
    if (rc) {
        CHECK(s == NULL && n == 0);
        CHECK(rc != IOC_EINVAL || problems > 0);
        return 0;
    }
    CHECK(problems == 0);
    for (size_t i = 0; i < n; i++) {
        char c[ENV_UNIT_CODE_MAX];
        CHECK(env_station_check(&s[i], &lk, c, NULL, NULL) == 0);
        CHECK(strcmp(c, s[i].commune) == 0);
        for (size_t k = 0; k < i; k++)
            CHECK(strcmp(s[i].code, s[k].code) != 0);
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    CHECK(env_stations_csv(s, n, &b) == 0);
    struct store_station *t = NULL;
    size_t m = 0;
    CHECK(env_stations_csv_parse(b.data, b.len, &lk, NULL, NULL, NULL, &t, &m) == 0);
    CHECK(m == n);
    for (size_t i = 0; i < n; i++)
        equal(&s[i], &t[i]);
    store_stations_free(t, m);
    ioc_buf_free(&b);
    store_stations_free(s, n);
    return 0;
}
