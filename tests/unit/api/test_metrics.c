/*
 * Unit tests for src/api/metrics.c: what api_metrics_done counts (route rows, status columns,
 * latency buckets) and the Prometheus text api_metrics_render serves, scraped from a real server
 * on 127.0.0.1 (one loop): HELP and TYPE before every family, each family once, label values
 * that need no escaping, cumulative buckets, counters that only grow. With promtool installed
 * the text is also checked by `promtool check metrics`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_int.h"
#include "helpers/httpserver.h"
#include "helpers/tmpdir.h"

static struct store *st;
static struct api *api;
static struct api_thread thr;
static struct test_server ts;
static const struct api_route *routes;
static size_t nroutes;

static int handle(void *app, struct net_req *req)
{
    struct api_ctx *c = net_req_alloc(req, sizeof *c);
    c->api = app;
    c->req = req;
    c->t = net_req_thread_data(req);
    api_metrics_render(c);
    return 0;
}

static int thread_init(void *app, int index, void **data)
{
    (void)app;
    (void)index;
    *data = &thr;
    return 0;
}

static int group_up(void **state)
{
    (void)state;
    routes = api_route_table(&nroutes);
    assert_non_null(routes);
    assert_true(nroutes > 1);
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    assert_int_equal(store_conn_open(st, 1, &thr.db), 0);
    api = calloc(1, sizeof *api);
    assert_non_null(api);
    api->store = st;
    api->started_ms = ioc_now_ms();
    api->metrics = calloc(nroutes + API_METRIC_EXTRA, sizeof *api->metrics);
    assert_non_null(api->metrics);
    atomic_store(&api->geo_generation, -1);
    struct net_options o = {"127.0.0.1:0", 1, 4096, 100, 5, 0, 1024, NULL, NULL, 0};
    struct net_app app = {api, handle, thread_init, NULL, NULL};
    test_server_start(&ts, &app, &o);
    api->server = ts.srv;
    return 0;
}

static int group_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    store_conn_close(thr.db);
    store_close(st);
    free(api->metrics);
    free(api);
    return 0;
}

static void done(const char *route, int status, double seconds)
{
    struct net_req_info info = {route, "GET", status, seconds, 10};
    api_metrics_done(api, &info);
}

/* The body of GET /metrics (malloc'd); the whole response in *full when not NULL. */
static char *scrape(char **full)
{
    char *r = test_http_get(&ts, "/metrics", "");
    assert_non_null(r);
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_non_null(strstr(r, "content-type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    char *body = strdup(test_http_body(r));
    if (full)
        *full = r;
    else
        free(r);
    return body;
}

/* The value of the sample line starting with `series ` (name and labels), or -1 if absent. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static void test_metrics_done_counts_by_route_and_status(void **state)
{
    (void)state;
    const char *name = routes[0].info.name;
    char s200[160], s404[160];
    snprintf(s200, sizeof s200, "ioc_http_requests_total{route=\"%s\",status=\"200\"}", name);
    snprintf(s404, sizeof s404, "ioc_http_requests_total{route=\"%s\",status=\"404\"}", name);
    char *before = scrape(NULL);
    double b200 = sample(before, s200), b404 = sample(before, s404);
    done(name, 200, 0.001);
    done(name, 200, 0.001);
    done(name, 404, 0.001);
    char *after = scrape(NULL);
    assert_true(sample(after, s200) == (b200 < 0 ? 0 : b200) + 2);
    assert_true(sample(after, s404) == (b404 < 0 ? 0 : b404) + 1);
    free(before);
    free(after);
}

static void test_metrics_status_outside_the_list_is_counted_as_other(void **state)
{
    (void)state;
    const char *name = routes[1].info.name;
    done(name, 418, 0.001);
    char *t = scrape(NULL);
    char s[160];
    snprintf(s, sizeof s, "ioc_http_requests_total{route=\"%s\",status=\"other\"}", name);
    assert_true(sample(t, s) >= 1);
    snprintf(s, sizeof s, "ioc_http_requests_total{route=\"%s\",status=\"418\"}", name);
    assert_true(sample(t, s) < 0);
    free(t);
}

static void test_metrics_unknown_route_is_counted_as_other(void **state)
{
    (void)state;
    char *b = scrape(NULL);
    double before = sample(b, "ioc_http_requests_total{route=\"other\",status=\"200\"}");
    done("no.such.route", 200, 0.001);
    char *t = scrape(NULL);
    assert_true(sample(t, "ioc_http_requests_total{route=\"other\",status=\"200\"}") ==
                (before < 0 ? 0 : before) + 1);
    assert_null(strstr(t, "no.such.route"));
    free(b);
    free(t);
}

static void test_metrics_extra_rows_are_labelled_static_refused_malformed(void **state)
{
    (void)state;
    done("static", 304, 0.001);
    done("refused", 400, 0.001);
    done("malformed", 400, 0.001);
    char *t = scrape(NULL);
    assert_true(sample(t, "ioc_http_requests_total{route=\"static\",status=\"304\"}") >= 1);
    assert_true(sample(t, "ioc_http_requests_total{route=\"refused\",status=\"400\"}") >= 1);
    assert_true(sample(t, "ioc_http_requests_total{route=\"malformed\",status=\"400\"}") >= 1);
    free(t);
}

static void test_metrics_routes_without_requests_have_no_rows(void **state)
{
    (void)state;
    const char *name = routes[nroutes - 1].info.name; /* no test counts this one */
    char *t = scrape(NULL);
    char s[160];
    snprintf(s, sizeof s, "route=\"%s\"", name);
    assert_null(strstr(t, s));
    free(t);
}

/* 0.3 ms, 3 ms and 10 s on one route: cumulative buckets, +Inf, sum and count. */
static void test_metrics_histogram_buckets_are_cumulative(void **state)
{
    (void)state;
    const char *name = routes[2].info.name;
    done(name, 200, 0.0003);
    done(name, 200, 0.003);
    done(name, 200, 10.0);
    char *t = scrape(NULL);
    static const struct {
        const char *le;
        double want;
    } rows[] = {{"0.0005", 1}, {"0.001", 1}, {"0.0025", 1}, {"0.005", 2},
                {"1", 2},      {"2.5", 2},   {"+Inf", 3}};
    char s[200];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(s, sizeof s, "ioc_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"}",
                 name, rows[i].le);
        if (sample(t, s) != rows[i].want)
            fail_msg("%s = %g, want %g", s, sample(t, s), rows[i].want);
    }
    snprintf(s, sizeof s, "ioc_http_request_duration_seconds_count{route=\"%s\"}", name);
    assert_true(sample(t, s) == 3);
    snprintf(s, sizeof s, "ioc_http_request_duration_seconds_sum{route=\"%s\"}", name);
    double sum = sample(t, s);
    assert_true(sum > 10.0032 && sum < 10.0034);
    free(t);
}

/* The family a sample belongs to: its name without the histogram suffixes. */
static void family_of(const char *line, char *out, size_t size)
{
    size_t n = strcspn(line, "{ ");
    snprintf(out, size, "%.*s", (int)n, line);
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(suffixes[i]), m = strlen(out);
        if (m > k && strcmp(out + m - k, suffixes[i]) == 0 &&
            strncmp(out, "ioc_http_request_duration_seconds", 33) == 0)
            out[m - k] = '\0';
    }
}

static void test_metrics_every_family_has_help_and_type_once_before_its_samples(void **state)
{
    (void)state;
    done(routes[0].info.name, 200, 0.01);
    char *t = scrape(NULL);
    char declared[64][80];
    int ndeclared = 0, samples = 0;
    char *save = NULL;
    char *last_help = NULL;
    for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char fam[80];
        if (strncmp(line, "# HELP ", 7) == 0) {
            last_help = line + 7;
            continue;
        }
        if (strncmp(line, "# TYPE ", 7) == 0) {
            family_of(line + 7, fam, sizeof fam);
            assert_non_null(last_help); /* HELP right before TYPE, same name */
            assert_memory_equal(last_help, fam, strlen(fam));
            for (int i = 0; i < ndeclared; i++)
                if (strcmp(declared[i], fam) == 0)
                    fail_msg("TYPE %s twice", fam);
            const char *type = line + 7 + strlen(fam) + 1;
            assert_true(strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0 ||
                        strcmp(type, "histogram") == 0);
            if (strcmp(type, "counter") == 0 && !strstr(fam, "_total"))
                fail_msg("counter %s does not end in _total", fam);
            assert_true(ndeclared < 64);
            snprintf(declared[ndeclared++], sizeof declared[0], "%s", fam);
            last_help = NULL;
            continue;
        }
        assert_int_not_equal(line[0], '#');
        family_of(line, fam, sizeof fam);
        if (ndeclared == 0 || strcmp(declared[ndeclared - 1], fam) != 0)
            fail_msg("sample \"%s\" not under its own TYPE line", line);
        char *end = NULL;
        const char *v = strrchr(line, ' ');
        assert_non_null(v);
        strtod(v + 1, &end);
        assert_true(end && *end == '\0' && end > v + 1);
        samples++;
    }
    assert_true(samples > 10);
    free(t);
}

/* Route names are written into label values unescaped: none may need escaping. */
static void test_metrics_route_labels_need_no_escaping(void **state)
{
    (void)state;
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    for (size_t i = 0; i < nroutes; i++) {
        const char *name = routes[i].info.name;
        if (!name[0] || strspn(name, ok) != strlen(name))
            fail_msg("route name \"%s\" is not a plain label value", name);
    }
}

static void test_metrics_counters_only_grow_between_scrapes(void **state)
{
    (void)state;
    const char *name = routes[0].info.name;
    char s[160];
    snprintf(s, sizeof s, "ioc_http_requests_total{route=\"%s\",status=\"200\"}", name);
    double last = -1;
    for (int i = 0; i < 3; i++) {
        done(name, 200, 0.001);
        char *t = scrape(NULL);
        double v = sample(t, s);
        assert_true(v > last);
        last = v;
        free(t);
    }
}

static void test_metrics_gauges_report_the_api_state(void **state)
{
    (void)state;
    atomic_store(&api->audit_suppressed, 5);
    atomic_store(&api->geo_builds, 2);
    char *t = scrape(NULL);
    assert_true(sample(t, "ioc_units_index_generation") == -1);
    assert_true(sample(t, "ioc_units_index_builds_total") == 2);
    assert_true(sample(t, "ioc_audit_suppressed_total") == 5);
    assert_true(sample(t, "ioc_worker_queue{worker=\"hash\"}") == 0);
    assert_true(sample(t, "ioc_worker_queue{worker=\"render\"}") == 0);
    assert_true(sample(t, "ioc_http_connections") >= 1); /* the scrape's own */
    assert_true(sample(t, "ioc_http_requests_in_flight") >= 1);
    assert_true(sample(t, "ioc_db_size_bytes") > 0);
    assert_true(sample(t, "process_open_fds") > 0);
    free(t);
}

static void test_metrics_text_passes_promtool(void **state)
{
    (void)state;
    if (system("command -v promtool >/dev/null 2>&1") != 0)
        fail_msg(
            "promtool is needed (Debian package prometheus; scripts/deps.sh test installs it)");
    done(routes[0].info.name, 200, 0.002);
    done("static", 999, 0.002);
    char *t = scrape(NULL);
    char path[300];
    snprintf(path, sizeof path, "%s/metrics.txt", test_fresh_dir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(t, f);
    fclose(f);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "promtool check metrics < %s >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_done_counts_by_route_and_status),
        cmocka_unit_test(test_metrics_status_outside_the_list_is_counted_as_other),
        cmocka_unit_test(test_metrics_unknown_route_is_counted_as_other),
        cmocka_unit_test(test_metrics_extra_rows_are_labelled_static_refused_malformed),
        cmocka_unit_test(test_metrics_routes_without_requests_have_no_rows),
        cmocka_unit_test(test_metrics_histogram_buckets_are_cumulative),
        cmocka_unit_test(test_metrics_every_family_has_help_and_type_once_before_its_samples),
        cmocka_unit_test(test_metrics_route_labels_need_no_escaping),
        cmocka_unit_test(test_metrics_counters_only_grow_between_scrapes),
        cmocka_unit_test(test_metrics_gauges_report_the_api_state),
        cmocka_unit_test(test_metrics_text_passes_promtool),
    };
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    return cmocka_run_group_tests_name("api metrics", tests, group_up, group_down);
}
