/* The alert engine alone (bench/alerts.sh, not a test): RULES rules of the mix of
 * bench/alerts.mjs (threshold, no_data, rate; 4 % on air,station=S…) in a fresh store, the
 * engine in manual mode, BATCHES batches of 5,000 lines × 8 fields of 1,000 air stations; prints
 * the points evaluated per second with the rule index (src/alerts/dispatch.c) and, for
 * comparison, with it switched off (every rule given every point, as before the index). It
 * reaches into alerts_int.h for that switch only.
 *   bench_engine RULES BATCHES DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alerts_int.h"
#include "base/base.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

static const char *const fields[8] = {"pm25",     "pm10", "temperature", "humidity",
                                      "pressure", "no2",  "o3",          "noise"};

static void rule(struct store_conn *db, int i)
{
    static const char *const other[] = {"water", "weather", "traffic", "energy",
                                        "noise", "rain",    "river",   "grid"};
    static const char *const kinds[] = {"threshold", "no_data", "rate"};
    static const char *const params[] = {"{\"op\": \">\", \"value\": 1e6}", "{\"for_s\": 86400}",
                                         "{\"op\": \">=\", \"value\": 1e6, \"window_s\": 600}"};
    char target[300], js[800];
    if (i % 25 == 0)
        snprintf(target, sizeof target,
                 "{\"measurement\": \"air\", \"field\": \"%s\", \"tags\": {\"station\": "
                 "\"S%04d\"}}",
                 fields[(i / 25) % 8], (i * 7) % 1000 + 1);
    else if (i % 5 == 1)
        snprintf(target, sizeof target, "{\"measurement\": \"m%d\", \"field\": \"value\"}", i);
    else if (i % 2)
        snprintf(target, sizeof target,
                 "{\"measurement\": \"%s\", \"field\": \"level\", \"tags\": {\"station\": "
                 "\"X%d\"}}",
                 other[i % 8], i);
    else
        snprintf(target, sizeof target, "{\"measurement\": \"%s\", \"field\": \"level\"}",
                 other[i % 8]);
    snprintf(js, sizeof js,
             "{\"name\": {\"vi\": \"r%d\"}, \"severity\": \"info\", \"type\": \"%s\", "
             "\"agency\": \"SO-NNMT\", \"target\": %s, \"params\": %s}",
             i, kinds[i % 3], target, params[i % 3]);
    json_t *j = json_loads(js, 0, NULL);
    struct store_alert_rule r;
    char err[200];
    const char *field = NULL;
    int64_t id;
    int stale;
    if (!j || alerts_rule_parse(NULL, j, &r, err, sizeof err, &field) != 0) {
        fprintf(stderr, "rule %d: %s\n", i, err);
        exit(1);
    }
    json_decref(j);
    r.updated_by = strdup("bench");
    if (store_alert_rule_put(db, &r, 0, &id, &stale) != 0)
        exit(1);
    store_alert_rule_clear(&r);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_engine RULES BATCHES DIR\n");
        return 2;
    }
    int nrules = atoi(argv[1]), nb = atoi(argv[2]);
    struct store *st;
    struct store_conn *db;
    if (store_open(argv[3], &st) || store_conn_open(st, 0, &db) ||
        store_agency_add(db, "SO-NNMT", "Sở", NULL, "", NULL))
        return 1;
    for (int i = 0; i < nrules; i++)
        rule(db, i);
    /* one batch: 5,000 lines (stations in turn) × 8 fields; keys made once */
    enum { LINES = 5000, N = LINES * 8 };
    static struct ioc_buf keys[1000][8];
    static struct tsdb_point_in p[N];
    for (int s = 0; s < 1000; s++)
        for (int f = 0; f < 8; f++) {
            char station[16], commune[16];
            snprintf(station, sizeof station, "S%04d", s + 1);
            snprintf(commune, sizeof commune, "%05d", 26000 + s);
            struct tsdb_tag tags[2] = {{"commune", 7, commune, strlen(commune)},
                                       {"station", 7, station, strlen(station)}};
            ioc_buf_init(&keys[s][f], 0);
            if (tsdb_series_key(&keys[s][f], "air", 3, fields[f], strlen(fields[f]), tags, 2))
                return 1;
        }
    for (int mode = 1; mode >= 0; mode--) {
        struct alerts_settings set = {3600, 200000, nrules + 10};
        struct alerts_options o = {.store = st, .settings = &set, .manual = 1};
        struct alerts *a;
        if (alerts_start(&o, &a))
            return 1;
        a->index.ok = mode; /* 0: every rule sees every point (the dispatch before the index) */
        int64_t t0 = INT64_C(1780246800000);
        double el = 0;
        for (int b = 0; b < nb; b++) {
            for (int i = 0; i < N; i++) {
                int line = b * LINES + i / 8, s = line % 1000, f = i % 8;
                double v = 10 + (line % 97);
                p[i] = (struct tsdb_point_in){keys[s][f].data, keys[s][f].len, TSDB_FLOAT,
                                              (t0 + (int64_t)(line / 1000) * 10000) * 1000000, 0};
                memcpy(&p[i].v, &v, sizeof v);
            }
            double a0 = now_s();
            alerts_eval_points(a, p, N, t0 + b * 1000);
            el += now_s() - a0;
        }
        printf("%s: %d rules, %d points in %.3f s: %.0f points/s\n",
               mode ? "index by measurement and field" : "every rule, every point", nrules, nb * N,
               el, nb * N / el);
        alerts_stop(a);
    }
    store_conn_close(db);
    store_close(st);
    return 0;
}
