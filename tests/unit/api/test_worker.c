/*
 * Unit tests for src/api/worker.c: the hashing and rendering workers over a real store, with
 * requests through a real server on 127.0.0.1. Jobs block on a gate the test opens, so queues
 * can be filled deterministically; X-Forwarded-For (trusted from loopback) gives each request
 * the client address the test chooses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "api/api_int.h"
#include "helpers/fault.h"
#include "helpers/httpserver.h"
#include "helpers/tmpdir.h"

static struct ioc_config cfg;
static struct store *st;
static struct api *api;
static struct test_server ts;

/* The gate jobs wait on, and what they record. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open = 1;
static int started, order[64], norder;

struct job {
    int n;
    pthread_t loop;   /* the thread that took the request */
    pthread_t worker; /* the thread fn ran on */
    struct store_conn *db;
};

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void gate_set(int open)
{
    pthread_mutex_lock(&gate_lock);
    gate_open = open;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
}

static void job_fn(struct store_conn *db, void *arg)
{
    struct job *j = arg;
    j->worker = pthread_self();
    j->db = db;
    pthread_mutex_lock(&gate_lock);
    started++;
    while (!gate_open)
        pthread_cond_wait(&gate_cond, &gate_lock);
    if (norder < 64)
        order[norder++] = j->n;
    pthread_mutex_unlock(&gate_lock);
}

static void job_then(struct api_ctx *c, void *arg)
{
    struct job *j = arg;
    char body[64];
    int same = pthread_equal(pthread_self(), j->loop);
    int other = !pthread_equal(j->worker, j->loop);
    int n = snprintf(body, sizeof body, "job %d %s %s %s", j->n, same ? "loop" : "WRONG-LOOP",
                     other ? "offloaded" : "INLINE", j->db ? "db" : "NO-DB");
    net_res_send(c->req, 200, "text/plain", body, (size_t)n);
}

/* GET /hash/N or /render/N: job N on that worker. */
static int handle(void *app, struct net_req *req)
{
    struct api_ctx *c = net_req_alloc(req, sizeof *c);
    c->api = app;
    c->req = req;
    size_t plen;
    const char *path = net_req_path(req, &plen);
    char p[64] = "";
    memcpy(p, path, plen < sizeof p - 1 ? plen : sizeof p - 1);
    struct job *j = net_req_alloc(req, sizeof *j);
    j->loop = pthread_self();
    struct api_worker *w = NULL;
    if (strncmp(p, "/hash/", 6) == 0) {
        w = c->api->hasher;
        j->n = atoi(p + 6);
    } else if (strncmp(p, "/render/", 8) == 0) {
        w = c->api->renderer;
        j->n = atoi(p + 8);
    } else {
        return -1;
    }
    api_worker_offload(c, w, job_fn, j, job_then);
    return 0;
}

/* Sends a request for target from client address peer without reading the answer; the
 * connection's descriptor. */
static int send_job(const char *target, const char *peer)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {10, 0}; /* a missing answer fails the test instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ts.port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char req[256];
    int n =
        snprintf(req, sizeof req,
                 "GET %s HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\nConnection: close\r\n\r\n",
                 target, peer);
    assert_int_equal(write(fd, req, (size_t)n), n);
    return fd;
}

static char *read_all(int fd)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0)
        ioc_buf_append(&b, chunk, (size_t)r);
    close(fd);
    return ioc_buf_steal(&b);
}

/* Waits up to 3 s until `started` jobs began and w has `queued` jobs waiting. */
static int wait_for(struct api_worker *w, int nstarted, int queued)
{
    for (int i = 0; i < 300; i++) {
        pthread_mutex_lock(&gate_lock);
        int s = started;
        pthread_mutex_unlock(&gate_lock);
        if (s == nstarted && api_worker_queued(w) == queued)
            return 1;
        sleep_ms(10);
    }
    return 0;
}

static void expect_ok(int fd, int n)
{
    char *r = read_all(fd);
    assert_non_null(r);
    char want[64];
    snprintf(want, sizeof want, "job %d loop offloaded db", n);
    assert_non_null(strstr(r, "HTTP/1.1 200"));
    assert_string_equal(test_http_body(r), want);
    free(r);
}

static int group_up(void **state)
{
    (void)state;
    assert_int_equal(config_defaults(&cfg), 0);
    cfg.render_queue = 4;
    assert_int_equal(store_open(test_fresh_dir(), &st), 0);
    api = calloc(1, sizeof *api);
    assert_non_null(api);
    api->cfg = &cfg;
    api->store = st;
    struct net_options o = {"127.0.0.1:0", 2, 4096, 100, 5, 0, 1024, NULL, NULL, 1};
    struct net_app app = {api, handle, NULL, NULL, NULL};
    test_server_start(&ts, &app, &o);
    return 0;
}

static int group_down(void **state)
{
    (void)state;
    test_server_stop(&ts);
    free(api);
    store_close(st);
    config_free(&cfg);
    return 0;
}

static int each_up(void **state)
{
    (void)state;
    started = norder = 0;
    gate_set(1);
    return api_worker_start(api);
}

static int each_down(void **state)
{
    (void)state;
    gate_set(1);
    api_worker_stop(api);
    return 0;
}

static void test_worker_result_comes_back_on_the_request_loop(void **state)
{
    (void)state;
    expect_ok(send_job("/hash/1", "10.0.0.1"), 1);
    expect_ok(send_job("/render/2", "10.0.0.1"), 2);
}

static void test_worker_jobs_run_in_the_order_they_were_queued(void **state)
{
    (void)state;
    gate_set(0);
    int fd[5];
    fd[0] = send_job("/hash/0", "10.0.0.1");
    assert_true(wait_for(api->hasher, 1, 0));
    for (int i = 1; i < 5; i++) {
        char t[32];
        snprintf(t, sizeof t, "/hash/%d", i);
        fd[i] = send_job(t, "10.0.0.1");
        assert_true(wait_for(api->hasher, 1, i)); /* queued before the next one is sent */
    }
    gate_set(1);
    for (int i = 0; i < 5; i++)
        expect_ok(fd[i], i);
    assert_int_equal(norder, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], i);
}

static void test_worker_full_queue_answers_503_with_retry_after(void **state)
{
    (void)state;
    gate_set(0);
    int fd[5];
    fd[0] = send_job("/render/1", "10.0.0.1");
    assert_true(wait_for(api->renderer, 1, 0));
    for (int i = 1; i < 5; i++) {
        char path[32], peer[32];
        snprintf(path, sizeof path, "/render/%d", i + 1);
        snprintf(peer, sizeof peer, "10.0.0.%d", i + 1);
        fd[i] = send_job(path, peer);
    }
    assert_true(wait_for(api->renderer, 1, 4)); /* render_queue = 4 */
    char *r = read_all(send_job("/render/6", "10.0.0.6"));
    assert_non_null(strstr(r, "HTTP/1.1 503"));
    assert_non_null(strstr(r, "retry-after: 1\r\n"));
    assert_non_null(strstr(r, "\"code\":\"unavailable\""));
    free(r);
    gate_set(1);
    for (int i = 0; i < 5; i++)
        expect_ok(fd[i], i + 1);
    assert_int_equal(norder, 5); /* the refused job never ran */
}

static void test_worker_fifth_render_of_one_address_answers_429(void **state)
{
    (void)state;
    gate_set(0);
    int fd[4];
    fd[0] = send_job("/render/1", "10.0.0.9");
    assert_true(wait_for(api->renderer, 1, 0));
    for (int i = 1; i < 4; i++) {
        char path[32];
        snprintf(path, sizeof path, "/render/%d", i + 1);
        fd[i] = send_job(path, "10.0.0.9");
        assert_true(wait_for(api->renderer, 1, i));
    }
    char *r = read_all(send_job("/render/5", "10.0.0.9")); /* one running + three queued */
    assert_non_null(strstr(r, "HTTP/1.1 429"));
    assert_non_null(strstr(r, "retry-after: 1\r\n"));
    assert_non_null(strstr(r, "4 requests from your address"));
    free(r);
    int c = send_job("/render/6", "10.0.0.10"); /* another address still gets in */
    assert_true(wait_for(api->renderer, 1, 4));
    gate_set(1);
    for (int i = 0; i < 4; i++)
        expect_ok(fd[i], i + 1);
    expect_ok(c, 6);
}

static void test_worker_hasher_has_no_per_address_limit(void **state)
{
    (void)state;
    gate_set(0);
    int fd[4];
    for (int i = 0; i < 4; i++) {
        char t[32];
        snprintf(t, sizeof t, "/hash/%d", i);
        fd[i] = send_job(t, "10.0.0.1");
        assert_true(wait_for(api->hasher, 1, i));
    }
    gate_set(1);
    for (int i = 0; i < 4; i++)
        expect_ok(fd[i], i);
}

static void *stop_thread(void *arg)
{
    (void)arg;
    api_worker_stop(api);
    return NULL;
}

/* 1 if an answer is waiting on fd within ms. */
static int readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
}

static void test_worker_stop_finishes_the_queued_jobs_and_refuses_new_ones(void **state)
{
    (void)state;
    gate_set(0);
    int a = send_job("/hash/1", "10.0.0.1");
    assert_true(wait_for(api->hasher, 1, 0));
    int b = send_job("/hash/2", "10.0.0.1");
    assert_true(wait_for(api->hasher, 1, 1));
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_thread, NULL), 0);
    /* probes until one is refused: those taken before the stop began are queued, not refused
     * (the hasher's queue has room for them all) */
    int probe[50], nprobes = 0, refused = 0;
    for (int i = 0; i < 50 && !refused; i++) {
        char target[32];
        snprintf(target, sizeof target, "/hash/%d", 100 + i);
        int fd = send_job(target, "10.0.0.3");
        if (readable(fd, 50)) {
            char *r = read_all(fd);
            assert_non_null(strstr(r, "HTTP/1.1 503"));
            free(r);
            refused = 1;
        } else {
            probe[nprobes++] = fd;
        }
    }
    assert_true(refused);
    gate_set(1);
    pthread_join(t, NULL);
    assert_null(api->renderer);
    assert_null(api->hasher);
    expect_ok(a, 1);
    expect_ok(b, 2); /* queued before the stop: run, not dropped */
    for (int i = 0; i < nprobes; i++)
        expect_ok(probe[i], 100 + i);
    assert_int_equal(norder, 2 + nprobes);
}

static void test_worker_queued_counts_waiting_jobs_only(void **state)
{
    (void)state;
    assert_int_equal(api_worker_queued(NULL), 0);
    assert_int_equal(api_worker_queued(api->hasher), 0);
    gate_set(0);
    int a = send_job("/hash/1", "10.0.0.1");
    assert_true(wait_for(api->hasher, 1, 0)); /* running, not queued */
    int b = send_job("/hash/2", "10.0.0.1");
    assert_true(wait_for(api->hasher, 1, 1));
    assert_int_equal(api_worker_queued(api->renderer), 0);
    gate_set(1);
    expect_ok(a, 1);
    expect_ok(b, 2);
    assert_int_equal(api_worker_queued(api->hasher), 0);
}

/* Every allocation and file operation of the start, failed in turn: an error code, and a stop
 * that frees what was made (ASan: no leak); then a start that works. */
static void start_sweep(enum fault_kind kind)
{
    long n;
    for (n = 1; n < 5000; n++) {
        fault_arm(kind, n);
        int rc = api_worker_start(api);
        int fired = fault_disarm();
        if (rc) {
            assert_true(fired);
            assert_true(rc < 0);
            assert_null(api->renderer);
        } else {
            assert_non_null(api->hasher);
            assert_non_null(api->renderer);
        }
        api_worker_stop(api);
        assert_null(api->hasher);
        assert_null(api->renderer);
        if (!fired)
            break;
    }
    assert_true(n > 1 && n < 5000);
}

static void test_worker_start_failing_allocations_leave_nothing_behind(void **state)
{
    (void)state;
    start_sweep(FAULT_ALLOC);
}

static void test_worker_start_failing_file_operations_leave_nothing_behind(void **state)
{
    (void)state;
    start_sweep(FAULT_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_worker_result_comes_back_on_the_request_loop, each_up,
                                        each_down),
        cmocka_unit_test_setup_teardown(test_worker_jobs_run_in_the_order_they_were_queued, each_up,
                                        each_down),
        cmocka_unit_test_setup_teardown(test_worker_full_queue_answers_503_with_retry_after,
                                        each_up, each_down),
        cmocka_unit_test_setup_teardown(test_worker_fifth_render_of_one_address_answers_429,
                                        each_up, each_down),
        cmocka_unit_test_setup_teardown(test_worker_hasher_has_no_per_address_limit, each_up,
                                        each_down),
        cmocka_unit_test_setup_teardown(
            test_worker_stop_finishes_the_queued_jobs_and_refuses_new_ones, each_up, each_down),
        cmocka_unit_test_setup_teardown(test_worker_queued_counts_waiting_jobs_only, each_up,
                                        each_down),
        cmocka_unit_test(test_worker_start_failing_allocations_leave_nothing_behind),
        cmocka_unit_test(test_worker_start_failing_file_operations_leave_nothing_behind),
    };
    fault_install();
    ioc_log_set_level(IOC_LOG_ERROR + 1);
    return cmocka_run_group_tests_name("api worker", tests, group_up, group_down);
}
