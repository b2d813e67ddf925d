/*
 * metrics.c — request counters and latency histograms per route and status, and /metrics in
 * the Prometheus text exposition format (checked with `promtool check metrics` by the tests).
 *
 * Counting is lock-free (relaxed atomics); a scrape reads whatever has been counted so far.
 */
#include "api/api_int.h"

#include "alerts/alerts.h"
#include "environment/environment.h"
#include "events/events.h"
#include "indicators/indicators.h"
#include "notify/notify.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const int statuses[API_METRIC_STATUSES - 1] = {
    200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
static const double buckets[API_METRIC_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

/* The rows after the routes', in slot order: static files, requests net refused for ambiguous
 * framing before any route ran, heads h2o could not parse (its bare 400s), and the rest. */
static const char *const extra_routes[] = {"static", "refused", "malformed", "other"};
_Static_assert(IOC_ARRAY_LEN(extra_routes) == API_METRIC_EXTRA, "one row per extra route");

static int route_slot(const char *name, size_t n)
{
    const struct api_route *routes = api_route_table(&n);
    for (size_t i = 0; i < n; i++)
        if (routes[i].info.name == name || strcmp(routes[i].info.name, name) == 0)
            return (int)i;
    size_t x = 0;
    while (x < API_METRIC_EXTRA - 1 && strcmp(name, extra_routes[x]) != 0)
        x++;
    return (int)(n + x);
}

/* The route label of metrics row r (n routes). */
static const char *slot_name(const struct api_route *routes, size_t n, size_t r)
{
    return r < n ? routes[r].info.name : extra_routes[r - n];
}

void api_metrics_done(void *app, const struct net_req_info *info)
{
    struct api *a = app;
    struct api_route_metrics *m = &a->metrics[route_slot(info->route, 0)];
    int s = API_METRIC_STATUSES - 1;
    for (int i = 0; i < API_METRIC_STATUSES - 1; i++)
        if (statuses[i] == info->status) {
            s = i;
            break;
        }
    atomic_fetch_add_explicit(&m->count[s], 1, memory_order_relaxed);
    for (int b = 0; b < API_METRIC_BUCKETS; b++)
        if (info->seconds <= buckets[b]) {
            atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
            break;
        }
    atomic_fetch_add_explicit(&m->total, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(info->seconds * 1e6),
                              memory_order_relaxed);
}

static void header(struct ioc_buf *b, const char *name, const char *type, const char *help)
{
    ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void process_metrics(struct ioc_buf *b, struct api *a)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                 ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
    header(b, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
    ioc_buf_printf(b, "process_cpu_seconds_total %.3f\n", cpu);
    long rss_pages = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (f) {
        long size;
        if (fscanf(f, "%ld %ld", &size, &rss_pages) != 2)
            rss_pages = 0;
        fclose(f);
    }
    header(b, "process_resident_memory_bytes", "gauge", "Resident memory size.");
    ioc_buf_printf(b, "process_resident_memory_bytes %ld\n", rss_pages * sysconf(_SC_PAGESIZE));
    int fds = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        while (readdir(d))
            fds++;
        closedir(d);
        fds -= 3; /* ".", ".." and the directory's own descriptor */
    }
    header(b, "process_open_fds", "gauge", "Open file descriptors.");
    ioc_buf_printf(b, "process_open_fds %d\n", fds);
    header(b, "process_start_time_seconds", "gauge", "Start time since the Unix epoch.");
    ioc_buf_printf(b, "process_start_time_seconds %.3f\n", (double)a->started_ms / 1000);
}

static void store_metrics(struct ioc_buf *b, struct api *a)
{
    struct store_stats st;
    store_stats_get(a->store, &st);
    header(b, "ioc_db_size_bytes", "gauge", "Size of the database file.");
    ioc_buf_printf(b, "ioc_db_size_bytes %lld\n", (long long)st.db_bytes);
    header(b, "ioc_db_wal_size_bytes", "gauge", "Size of the database's write-ahead log.");
    ioc_buf_printf(b, "ioc_db_wal_size_bytes %lld\n", (long long)st.wal_bytes);
    header(b, "ioc_store_writer_queue", "gauge", "Writes waiting for the storage writer.");
    ioc_buf_printf(b, "ioc_store_writer_queue %lld\n", (long long)st.writer_queue_len);
    header(b, "ioc_store_writer_commits_total", "counter", "Transactions committed by the writer.");
    ioc_buf_printf(b, "ioc_store_writer_commits_total %lld\n", (long long)st.writer_commits);
    header(b, "ioc_store_writer_jobs_total", "counter", "Write jobs run by the writer.");
    ioc_buf_printf(b, "ioc_store_writer_jobs_total %lld\n", (long long)st.writer_jobs);
    header(b, "ioc_audit_dropped_total", "counter",
           "Audit rows of refused requests dropped because the writer queue was full.");
    ioc_buf_printf(b, "ioc_audit_dropped_total %llu\n",
                   (unsigned long long)atomic_load(&a->audit_dropped));
    header(b, "ioc_units_generation", "gauge", "Generation of the stored administrative units.");
    ioc_buf_printf(b, "ioc_units_generation %lld\n", (long long)atomic_load(&a->units_generation));
    header(b, "ioc_units_index_generation", "gauge",
           "Units generation of the point index lookups use (-1 before the first).");
    ioc_buf_printf(b, "ioc_units_index_generation %lld\n",
                   (long long)atomic_load(&a->geo_generation));
    header(b, "ioc_units_index_builds_total", "counter", "Point indexes built and published.");
    ioc_buf_printf(b, "ioc_units_index_builds_total %llu\n",
                   (unsigned long long)atomic_load(&a->geo_builds));
}

static void indicator_metrics(struct ioc_buf *b)
{
    uint64_t hits, misses;
    size_t slots;
    ind_cache_stats(&hits, &misses, &slots);
    header(b, "ioc_indicators_cache_hits_total", "counter",
           "Roll-ups (a range of periods of one indicator and unit) answered from the cache.");
    ioc_buf_printf(b, "ioc_indicators_cache_hits_total %llu\n", (unsigned long long)hits);
    header(b, "ioc_indicators_cache_misses_total", "counter",
           "Roll-ups read from the stored values (not cached, or changed since).");
    ioc_buf_printf(b, "ioc_indicators_cache_misses_total %llu\n", (unsigned long long)misses);
    header(b, "ioc_indicators_cache_slots", "gauge", "Entries the roll-up cache can hold.");
    ioc_buf_printf(b, "ioc_indicators_cache_slots %zu\n", slots);
}

static void limit_metrics(struct ioc_buf *b, struct api *a)
{
    header(b, "ioc_audit_suppressed_total", "counter",
           "Refused requests of anonymous addresses over limits.refused_burst: answered 429 "
           "without an audit row.");
    ioc_buf_printf(b, "ioc_audit_suppressed_total %llu\n",
                   (unsigned long long)atomic_load(&a->audit_suppressed));
    header(b, "ioc_geojson_renders_total", "counter",
           "units.geojson bodies rendered (not served from the cache).");
    ioc_buf_printf(b, "ioc_geojson_renders_total %llu\n",
                   (unsigned long long)atomic_load(&a->geojson_renders));
    header(b, "ioc_worker_queue", "gauge", "Jobs waiting for a worker thread, by worker.");
    ioc_buf_printf(b, "ioc_worker_queue{worker=\"hash\"} %d\n", api_worker_queued(a->hasher));
    ioc_buf_printf(b, "ioc_worker_queue{worker=\"render\"} %d\n", api_worker_queued(a->renderer));
}

static void http_metrics(struct ioc_buf *b, struct api *a)
{
    size_t n;
    const struct api_route *routes = api_route_table(&n);
    if (a->server) {
        int64_t conns = 0, inflight = 0;
        net_server_counts(a->server, &conns, &inflight);
        header(b, "ioc_http_connections", "gauge", "Open client connections.");
        ioc_buf_printf(b, "ioc_http_connections %lld\n", (long long)conns);
        header(b, "ioc_http_requests_in_flight", "gauge", "Requests being handled.");
        ioc_buf_printf(b, "ioc_http_requests_in_flight %lld\n", (long long)inflight);
        int64_t open = 0;
        uint64_t dropped = 0;
        net_server_stream_counts(a->server, &open, &dropped);
        header(b, "ioc_http_streams", "gauge", "Open streaming responses (Server-Sent Events).");
        ioc_buf_printf(b, "ioc_http_streams %lld\n", (long long)open);
        header(b, "ioc_http_streams_dropped_total", "counter",
               "Stream clients dropped: too far behind, or not reading.");
        ioc_buf_printf(b, "ioc_http_streams_dropped_total %llu\n", (unsigned long long)dropped);
    }
    header(b, "ioc_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (size_t r = 0; r < n + API_METRIC_EXTRA; r++) {
        const char *name = slot_name(routes, n, r);
        for (int s = 0; s < API_METRIC_STATUSES; s++) {
            unsigned long long v = atomic_load(&a->metrics[r].count[s]);
            if (!v)
                continue;
            if (s < API_METRIC_STATUSES - 1)
                ioc_buf_printf(b, "ioc_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                               name, statuses[s], v);
            else
                ioc_buf_printf(b, "ioc_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                               name, v);
        }
    }
    header(b, "ioc_http_request_duration_seconds", "histogram",
           "Time from the first byte of a request to the end of its response, by route.");
    for (size_t r = 0; r < n + API_METRIC_EXTRA; r++) {
        const char *name = slot_name(routes, n, r);
        unsigned long long total = atomic_load(&a->metrics[r].total);
        if (!total)
            continue;
        unsigned long long cum = 0;
        for (int i = 0; i < API_METRIC_BUCKETS; i++) {
            cum += atomic_load(&a->metrics[r].bucket[i]);
            ioc_buf_printf(b,
                           "ioc_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                           "%llu\n",
                           name, buckets[i], cum);
        }
        ioc_buf_printf(b,
                       "ioc_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                       "%llu\n",
                       name, total);
        ioc_buf_printf(b, "ioc_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                       (double)atomic_load(&a->metrics[r].sum_us) / 1e6);
        ioc_buf_printf(b, "ioc_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name,
                       total);
    }
}

void api_metrics_render(struct api_ctx *c)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 4 << 20);
    api_units_generation(c); /* refreshed at most once a second */
    http_metrics(&b, c->api);
    store_metrics(&b, c->api);
    limit_metrics(&b, c->api);
    indicator_metrics(&b);
    process_metrics(&b, c->api);
    if (c->api->ingest)
        telemetry_ingest_metrics(c->api->ingest, &b);
    if (c->api->env)
        env_engine_metrics(c->api->env, &b);
    if (c->api->notify)
        notify_metrics(c->api->notify, &b);
    if (c->api->events)
        events_hub_metrics(c->api->events, &b);
    alerts_metrics(c->api->alerts, &b);
    if (!b.data) {
        api_error(c, IOC_HTTP_E_INTERNAL, "metrics too large");
        return;
    }
    net_res_send(c->req, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    ioc_buf_free(&b);
}
