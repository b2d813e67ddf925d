/*
 * bench_aqi.c — the figures of issue 19 for the AQI engine (not part of the tests; run by
 * bench/aqi.sh, which builds it against build/libioc.a):
 *
 *   1. back-fill: STATIONS stations × DAYS days of hourly readings of the six pollutants are
 *      written into a fresh engine (not timed; then sealed), then the AQI engine starts and the
 *      clock runs until every hourly and daily index is computed AND durable in the `aqi` and
 *      `aqi_daily` series (env_engine_start + env_engine_flush); the pure library's share is
 *      timed alone too (aqi_hourly_series over the same hours);
 *   2. live: with the engine running and a subscriber on the live stream's hub for measurement
 *      `aqi` (the hub behind GET /api/v1/stream), one reading of the hour in progress is
 *      submitted, and the time until the subscriber receives the updated index is taken, RUNS
 *      times; p50, p95, max.
 *
 * Readings are synthetic: a daily cycle and station-to-station factors, deterministic.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "environment/environment.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct answer {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done, rc;
};

static void on_done(void *arg, int rc, const struct tsdb_write_report *rep)
{
    (void)rep;
    struct answer *a = arg;
    pthread_mutex_lock(&a->lock);
    a->done = 1;
    a->rc = rc;
    pthread_cond_signal(&a->cond);
    pthread_mutex_unlock(&a->lock);
}

static int submit_wait(struct telemetry_ingest *ig, struct telemetry_batch *b)
{
    static struct answer a = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    telemetry_batch_finish(b);
    a.done = 0;
    int rc;
    while ((rc = telemetry_ingest_submit(ig, b->pts, b->n, on_done, &a)) == IOC_EBUSY)
        usleep(1000);
    if (rc)
        return rc;
    pthread_mutex_lock(&a.lock);
    while (!a.done)
        pthread_cond_wait(&a.cond, &a.lock);
    pthread_mutex_unlock(&a.lock);
    size_t max = b->max_points;
    telemetry_batch_free(b);
    telemetry_batch_init(b, max);
    return a.rc;
}

static double value(int st, int p, int64_t h)
{
    static const double base[AQI_NPOLL] = {35, 60, 50, 30, 2500, 80};
    double hour = (double)((h / 3600 + 7) % 24);
    double cyc = 1 + 0.5 * sin((hour - 6) / 24 * 2 * M_PI) * (p == AQI_O3 ? -1 : 1);
    double f = 0.6 + 0.8 * (double)((st * 37 + p * 11) % 100) / 100;
    return base[p] * cyc * f * (1 + 0.2 * sin((double)h / 86400 / 7));
}

static int add_reading(struct telemetry_batch *b, const char *station, int st, int64_t t_s)
{
    struct telemetry_lp_tag tag = {{"station", 7}, {station, strlen(station)}};
    struct telemetry_lp_field f[AQI_NPOLL];
    for (int p = 0; p < AQI_NPOLL; p++) {
        const char *n = aqi_pollutant_name((enum aqi_pollutant)p);
        f[p] = (struct telemetry_lp_field){
            {n, strlen(n)}, TELEMETRY_LP_FLOAT, {.f = value(st, p, t_s)}};
    }
    struct telemetry_lp_point pt = {{"air", 3}, &tag, 1, f, AQI_NPOLL, t_s * 1000000000, 1};
    return telemetry_batch_add(b, &pt);
}

/* ---- the live part: a hub subscriber that signals each event ---- */
struct live {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned long events;
};

static int on_event(void *ctx, const void *p, size_t n)
{
    struct live *l = ctx;
    if (n >= 6 && memmem(p, n, "aqi", 3)) {
        pthread_mutex_lock(&l->lock);
        l->events++;
        pthread_cond_signal(&l->cond);
        pthread_mutex_unlock(&l->lock);
    }
    return 0;
}

/* The value of metric name in the Prometheus text t, or 0. */
static double metric(const char *t, const char *name)
{
    char key[96];
    snprintf(key, sizeof key, "\n%s ", name);
    const char *p = strstr(t, key);
    return p ? strtod(p + strlen(key), NULL) : 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int stations = argc > 1 ? atoi(argv[1]) : 100;
    int days = argc > 2 ? atoi(argv[2]) : 365;
    int runs = argc > 3 ? atoi(argv[3]) : 200;
    const char *dir = argc > 4 ? argv[4] : "/tmp/ioc-aqibench";
    ioc_log_set_level(IOC_LOG_WARN);
    struct telemetry_settings s = {"batch", 2, 1 << 20, 100000, 1000000, 720};
    s.stream_ring_events = 1000;
    s.stream_ring_bytes = 8 << 20;
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    if (telemetry_ingest_open(dir, &s, &ig, err, sizeof err)) {
        fprintf(stderr, "open %s: %s\n", dir, err);
        return 1;
    }
    int64_t now = (int64_t)time(NULL);
    int64_t end_h = now - now % 3600; /* readings up to the hour before the one in progress */
    int64_t start_h = end_h - (int64_t)days * 86400;
    struct telemetry_batch b;
    telemetry_batch_init(&b, 60000);
    char name[32];
    double t0 = now_s();
    for (int st = 0; st < stations; st++) {
        snprintf(name, sizeof name, "B-%03d", st);
        for (int64_t t = start_h + 1800; t < end_h; t += 3600) {
            if (add_reading(&b, name, st, t) || (b.n >= 50000 && submit_wait(ig, &b))) {
                fprintf(stderr, "write failed\n");
                return 1;
            }
        }
    }
    if (b.n && submit_wait(ig, &b))
        return 1;
    tsdb_db_maintain(telemetry_ingest_db(ig), 1);
    sleep(3); /* the ingest thread's own maintenance after the load */
    size_t hours = (size_t)(end_h - start_h) / 3600;
    printf("readings written: %d stations x %zu hours x 6 pollutants in %.1f s (not timed)\n",
           stations, hours, now_s() - t0);

    /* the pure library's share */
    struct aqi_hour *h = malloc(hours * sizeof *h);
    struct aqi_result *r = malloc(hours * sizeof *r);
    for (size_t i = 0; i < hours; i++)
        for (int p = 0; p < AQI_NPOLL; p++)
            h[i].c[p] = value(0, p, start_h + 3600 * (int64_t)i);
    t0 = now_s();
    for (int st = 0; st < stations; st++)
        aqi_hourly_series(h, hours, r);
    double lib = now_s() - t0;
    free(h);
    free(r);

    /* 1. back-fill */
    struct env_engine_options o = {.backfill_days = days + 2};
    struct env_engine *e = NULL;
    t0 = now_s();
    if (env_engine_start(ig, &o, &e)) {
        fprintf(stderr, "engine failed\n");
        return 1;
    }
    double planned = now_s() - t0;
    if (env_engine_flush(e, 600000)) {
        fprintf(stderr, "engine failed\n");
        return 1;
    }
    double fill = now_s() - t0;
    struct ioc_buf m;
    ioc_buf_init(&m, 0);
    env_engine_metrics(e, &m);
    printf("back-fill: %.0f hourly and %.0f daily indices computed and written in %.3f s "
           "(target < 2 s); the library alone: %.3f s\n",
           metric(m.data, "ioc_aqi_hour_results_total"),
           metric(m.data, "ioc_aqi_day_results_total"), fill, lib);
    printf("  passes %.0f; planning (stations, their last reading and result) %.3f s; reading "
           "hourly means %.3f s; waiting for the results' writes %.3f s\n",
           metric(m.data, "ioc_aqi_passes_total"), planned,
           metric(m.data, "ioc_aqi_read_seconds_total"),
           metric(m.data, "ioc_aqi_write_wait_seconds_total"));
    ioc_buf_free(&m);

    /* 2. live */
    struct live l = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    struct telemetry_hub_filter f = {.measurement = "aqi"};
    struct telemetry_sub *sub = NULL;
    if (telemetry_hub_subscribe(telemetry_ingest_hub(ig), &f, 0, 0, 0, on_event, &l, &sub)) {
        fprintf(stderr, "subscribe failed\n");
        return 1;
    }
    double *lat = malloc((size_t)runs * sizeof *lat);
    for (int i = 0; i < runs; i++) {
        snprintf(name, sizeof name, "B-%03d", i % stations);
        pthread_mutex_lock(&l.lock);
        unsigned long seen = l.events;
        pthread_mutex_unlock(&l.lock);
        double a = now_s();
        add_reading(&b, name, i % stations, (int64_t)time(NULL));
        telemetry_batch_finish(&b);
        static struct answer w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
        w.done = 0;
        if (telemetry_ingest_submit(ig, b.pts, b.n, on_done, &w))
            return 1;
        pthread_mutex_lock(&l.lock);
        while (l.events == seen)
            pthread_cond_wait(&l.cond, &l.lock);
        pthread_mutex_unlock(&l.lock);
        lat[i] = (now_s() - a) * 1000;
        pthread_mutex_lock(&w.lock);
        while (!w.done)
            pthread_cond_wait(&w.cond, &w.lock);
        pthread_mutex_unlock(&w.lock);
        telemetry_batch_free(&b);
        telemetry_batch_init(&b, 60000);
        usleep(5000);
    }
    qsort(lat, (size_t)runs, sizeof *lat, cmp_d);
    printf("live: reading submitted -> updated AQI event from the stream's hub, %d runs: "
           "p50 %.1f ms, p95 %.1f ms, max %.1f ms (target p95 < 100 ms)\n",
           runs, lat[runs / 2], lat[(runs * 95) / 100], lat[runs - 1]);
    telemetry_hub_unsubscribe(telemetry_ingest_hub(ig), sub);
    free(lat);
    telemetry_batch_free(&b);
    env_engine_stop(e);
    telemetry_ingest_close(ig);
    return 0;
}
