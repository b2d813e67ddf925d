/* Unit tests for the MQTT subscriber (src/telemetry/mqtt.c) against a real broker: each test
 * starts `mosquitto` on 127.0.0.1 with a free port and a temporary configuration, runs the
 * subscriber with a recording sink, and publishes with `mosquitto_pub`. Without mosquitto
 * installed the tests fail (scripts/deps.sh test installs it). The JSON conversion alone is
 * tested by test_mqtt_json.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "telemetry/telemetry.h"

extern char **environ;

/* ---- a broker ---------------------------------------------------------------------------- */

struct broker {
    pid_t pid;
    int port;
    char dir[64];
    char conf[96];
};

static const char *mosquitto_path(void)
{
    static const char *const where[] = {"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
                                        "/usr/bin/mosquitto"};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
        if (access(where[i], X_OK) == 0)
            return where[i];
    fail_msg("mosquitto is not installed (Debian: mosquitto and mosquitto-clients); run "
             "scripts/deps.sh test");
    return NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static int port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Starts (or restarts, on the same port) the broker and waits until it listens. */
static void broker_run(struct broker *b)
{
    const char *exe = mosquitto_path();
    if (!b->port) {
        snprintf(b->dir, sizeof b->dir, "%s", test_fresh_dir());
        snprintf(b->conf, sizeof b->conf, "%s/mosquitto.conf", b->dir);
        b->port = free_port();
        FILE *f = fopen(b->conf, "w");
        assert_non_null(f);
        fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n", b->port);
        fclose(f);
    }
    char *argv[] = {(char *)exe, "-c", b->conf, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&b->pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    for (int i = 0; i < 1500 && !port_open(b->port); i++) /* generous: CI runs ASan beside */
        sleep_ms(10);                                     /* other lanes on 2 cores */
    if (!port_open(b->port))
        fail_msg("mosquitto did not listen on port %d within 15 s", b->port);
}

static void broker_kill(struct broker *b)
{
    if (b->pid > 0) {
        kill(b->pid, SIGKILL);
        waitpid(b->pid, NULL, 0);
    }
    b->pid = 0;
}

/* mosquitto_pub -q 1 -t topic -m payload. */
static void publish(const struct broker *b, const char *topic, const char *payload)
{
    char port[16];
    snprintf(port, sizeof port, "%d", b->port);
    char *argv[] = {"mosquitto_pub", "-h", "127.0.0.1",     "-p", port, "-q", "1", "-t",
                    (char *)topic,   "-m", (char *)payload, NULL};
    pid_t pid;
    int st;
    if (posix_spawnp(&pid, "mosquitto_pub", NULL, NULL, argv, environ) != 0)
        fail_msg("mosquitto_pub is not installed (Debian: mosquitto-clients); run "
                 "scripts/deps.sh test");
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("mosquitto_pub to %s failed", topic);
}

/* ---- a recording sink -------------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char seen[32][512]; /* points rendered "name|k=v,...|f:type:value,...|time" */
static size_t nseen, ncalls, nprobes, last_call_n;
static int refuse;          /* the sink's answer */
static char last_topic[64]; /* the topic of the last sink call but probes */

static void put(char *b, size_t cap, struct telemetry_str s)
{
    size_t len = strlen(b);
    snprintf(b + len, cap - len, "%.*s", (int)s.n, s.p);
}

static void render(char *b, size_t cap, const struct telemetry_lp_point *pt)
{
    b[0] = '\0';
    put(b, cap, pt->name);
    strcat(b, "|");
    for (size_t i = 0; i < pt->ntags; i++) {
        strcat(b, i ? "," : "");
        put(b, cap, pt->tags[i].key);
        strcat(b, "=");
        put(b, cap, pt->tags[i].value);
    }
    strcat(b, "|");
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        strcat(b, i ? "," : "");
        put(b, cap, f->key);
        size_t len = strlen(b);
        if (f->type == TELEMETRY_LP_FLOAT)
            snprintf(b + len, cap - len, ":f:%.17g", f->v.f);
        else if (f->type == TELEMETRY_LP_INT)
            snprintf(b + len, cap - len, ":i:%lld", (long long)f->v.i);
        else if (f->type == TELEMETRY_LP_UINT)
            snprintf(b + len, cap - len, ":u:%llu", (unsigned long long)f->v.u);
        else if (f->type == TELEMETRY_LP_BOOL)
            snprintf(b + len, cap - len, ":b:%d", f->v.b);
        else {
            strcat(b, ":s:");
            put(b, cap, f->v.s);
        }
    }
    size_t len = strlen(b);
    snprintf(b + len, cap - len, "|%lld", (long long)pt->time_ns);
}

static int sink(void *ctx, const char *topic, const struct telemetry_lp_point *pts, size_t n)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    int rc = refuse;
    if (n == 1 && pts[0].name.n == 5 && memcmp(pts[0].name.p, "probe", 5) == 0) {
        nprobes++;
        rc = 0;
    } else {
        ncalls++;
        last_call_n = n;
        snprintf(last_topic, sizeof last_topic, "%s", topic);
        for (size_t i = 0; i < n && nseen < 32; i++)
            render(seen[nseen++], sizeof seen[0], &pts[i]);
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

static size_t count(size_t *what)
{
    pthread_mutex_lock(&mu);
    size_t n = *what;
    pthread_mutex_unlock(&mu);
    return n;
}

static void reset_seen(void)
{
    pthread_mutex_lock(&mu);
    nseen = ncalls = nprobes = last_call_n = 0;
    last_topic[0] = 0;
    refuse = 0;
    pthread_mutex_unlock(&mu);
}

/* Waits up to ms for *what to reach n. */
static int wait_count(size_t *what, size_t n, int ms)
{
    for (int i = 0; i < ms / 5 && count(what) < n; i++)
        sleep_ms(5);
    return count(what) >= n;
}

/* ---- the subscriber ---------------------------------------------------------------------- */

static void options(struct telemetry_mqtt_options *o, const struct broker *b, const char *id)
{
    telemetry_mqtt_options_default(o);
    o->port = b->port;
    o->client_id = id;
    o->clean_session = 1;
    o->keepalive_s = 5;
    o->backoff_min_ms = 50;
    o->backoff_max_ms = 200;
}

/* Publishes probes until one comes back: the subscription is in place. */
static void synced(const struct broker *b)
{
    for (int i = 0; i < 60; i++) {
        size_t before = count(&nprobes);
        publish(b, "ioc/probe", "probe v=1");
        if (wait_count(&nprobes, before + 1, 250))
            return;
    }
    fail_msg("the subscriber never received a probe");
}

static struct telemetry_mqtt *subscribe(const struct broker *b, const char *id)
{
    struct telemetry_mqtt_options o;
    struct telemetry_mqtt *m = NULL;
    options(&o, b, id);
    reset_seen();
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), 0);
    synced(b);
    return m;
}

static struct telemetry_mqtt_stats stats(const struct telemetry_mqtt *m)
{
    struct telemetry_mqtt_stats s;
    telemetry_mqtt_stats_get(m, &s);
    return s;
}

static struct broker B; /* the broker of most tests, started by the group setup */

static int group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    broker_run(&B);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    broker_kill(&B);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_mqtt_line_protocol_payload_arrives_as_points(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-lp");
    publish(&B, "ioc/any", "air,station=B,area=A pm25=12.5,n=3i 1700000000000000000\nair v=1u 5");
    assert_true(wait_count(&nseen, 2, 10000));
    assert_string_equal(seen[0], "air|area=A,station=B|pm25:f:12.5,n:i:3|1700000000000000000");
    assert_string_equal(seen[1], "air||v:u:1|5");
    assert_int_equal(count(&ncalls), 1);
    struct telemetry_mqtt_stats s = stats(m);
    assert_int_equal(s.points, 2 + count(&nprobes));
    assert_int_equal(s.bad_payloads, 0);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_json_object_takes_measurement_from_topic(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-json");
    publish(&B, "ioc/water/extra",
            "{\"time\":1700000000000000001,\"tags\":{\"s\":\"B\",\"a\":\"A\"},"
            "\"fields\":{\"level\":1.25,\"n\":{\"int\":\"-3\"},\"ok\":true,\"note\":\"x\"}}");
    assert_true(wait_count(&nseen, 1, 10000));
    assert_string_equal(seen[0],
                        "water|a=A,s=B|level:f:1.25,n:i:-3,ok:b:1,note:s:x|1700000000000000001");
    pthread_mutex_lock(&mu);
    assert_string_equal(last_topic, "ioc/water/extra"); /* the sink gets the topic for its logs */
    pthread_mutex_unlock(&mu);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_json_array_is_one_sink_call(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-array");
    publish(&B, "ioc/air",
            " [{\"time\":\"2023-11-14T22:13:20.5Z\",\"fields\":{\"v\":1}},"
            "{\"time\":\"2023-11-15T05:13:20+07:00\",\"fields\":{\"v\":2}}]");
    assert_true(wait_count(&nseen, 2, 10000));
    assert_int_equal(count(&ncalls), 1);
    assert_int_equal(count(&last_call_n), 2);
    assert_string_equal(seen[0], "air||v:f:1|1700000000500000000");
    assert_string_equal(seen[1], "air||v:f:2|1700000000000000000");
    telemetry_mqtt_stop(m);
}

static void test_mqtt_bad_payload_counted_and_next_good_arrives(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-bad");
    publish(&B, "ioc/air", "air v=oops");
    publish(&B, "ioc/air", "{\"fields\":");
    publish(&B, "ioc/air", "air v=7i 9");
    assert_true(wait_count(&nseen, 1, 10000));
    assert_string_equal(seen[0], "air||v:i:7|9");
    struct telemetry_mqtt_stats s = stats(m);
    assert_int_equal(s.bad_payloads, 2);
    assert_int_equal(s.bad_entries, 2);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_good_lines_of_a_bad_payload_still_arrive(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-partial");
    publish(&B, "ioc/air", "air v=1i 1\nair v=\nair v=3i 3");
    assert_true(wait_count(&nseen, 2, 10000));
    assert_string_equal(seen[0], "air||v:i:1|1");
    assert_string_equal(seen[1], "air||v:i:3|3");
    assert_int_equal(stats(m).bad_payloads, 1);
    assert_int_equal(stats(m).bad_entries, 1);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_payload_over_limit_refused(void **state)
{
    (void)state;
    struct telemetry_mqtt_options o;
    struct telemetry_mqtt *m = NULL;
    options(&o, &B, "t-big");
    o.max_payload = 64;
    reset_seen();
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), 0);
    synced(&B);
    char big[200];
    snprintf(big, sizeof big, "air v=\"%0150d\" 1", 0);
    publish(&B, "ioc/air", big);
    publish(&B, "ioc/air", "air v=2i 2");
    assert_true(wait_count(&nseen, 1, 10000));
    assert_string_equal(seen[0], "air||v:i:2|2");
    assert_int_equal(stats(m).too_large, 1);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_sink_refusal_counted(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-refuse");
    pthread_mutex_lock(&mu);
    refuse = 1;
    pthread_mutex_unlock(&mu);
    uint64_t points = stats(m).points;
    publish(&B, "ioc/air", "air v=1i 1");
    assert_true(wait_count(&ncalls, 1, 3000));
    for (int i = 0; i < 100 && stats(m).refused == 0; i++)
        sleep_ms(5);
    assert_int_equal(stats(m).refused, 1);
    assert_int_equal(stats(m).points, points);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_reconnects_after_broker_restart(void **state)
{
    (void)state;
    struct broker b = {0};
    broker_run(&b);
    struct telemetry_mqtt *m = subscribe(&b, "t-restart");
    assert_int_equal(stats(m).connected, 1);
    broker_kill(&b);
    for (int i = 0; i < 200 && stats(m).connected; i++)
        sleep_ms(10);
    assert_int_equal(stats(m).connected, 0);
    broker_run(&b);
    for (int i = 0; i < 300 && !stats(m).connected; i++)
        sleep_ms(10);
    assert_int_equal(stats(m).connected, 1);
    assert_int_equal(stats(m).reconnects, 1);
    synced(&b);
    publish(&b, "ioc/air", "air v=5i 5");
    assert_true(wait_count(&nseen, 1, 10000));
    assert_string_equal(seen[0], "air||v:i:5|5");
    telemetry_mqtt_stop(m);
    broker_kill(&b);
}

/* QoS 1 with a kept session: what is published while the subscriber is away arrives when it
 * comes back (the broker queues QoS 1 messages for it, not QoS 0 ones). */
static void test_mqtt_qos1_messages_kept_while_away_arrive(void **state)
{
    (void)state;
    struct telemetry_mqtt_options o;
    struct telemetry_mqtt *m = NULL;
    options(&o, &B, "t-qos1");
    o.clean_session = 0;
    reset_seen();
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), 0);
    synced(&B);
    telemetry_mqtt_stop(m);
    publish(&B, "ioc/air", "air v=1i 1");
    publish(&B, "ioc/air", "air v=2i 2");
    reset_seen();
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), 0);
    assert_true(wait_count(&nseen, 2, 10000));
    assert_string_equal(seen[0], "air||v:i:1|1");
    assert_string_equal(seen[1], "air||v:i:2|2");
    telemetry_mqtt_stop(m);
}

static void test_mqtt_stop_is_prompt_when_connected(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-stop");
    int64_t t0 = ioc_mono_ns();
    telemetry_mqtt_stop(m);
    assert_true(ioc_mono_ns() - t0 < 1000000000);
}

static void test_mqtt_stop_is_prompt_during_backoff(void **state)
{
    (void)state;
    struct broker none = {.port = free_port()};
    struct telemetry_mqtt_options o;
    struct telemetry_mqtt *m = NULL;
    options(&o, &none, "t-backoff");
    o.backoff_min_ms = o.backoff_max_ms = 30000;
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), 0);
    sleep_ms(100);
    assert_int_equal(stats(m).connected, 0);
    int64_t t0 = ioc_mono_ns();
    telemetry_mqtt_stop(m);
    assert_true(ioc_mono_ns() - t0 < 1000000000);
}

static void test_mqtt_metrics_in_prometheus_text(void **state)
{
    (void)state;
    struct telemetry_mqtt *m = subscribe(&B, "t-metrics");
    publish(&B, "ioc/air", "air v=1i 1");
    assert_true(wait_count(&nseen, 1, 10000));
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 16);
    assert_int_equal(telemetry_mqtt_metrics(m, &b), 0);
    char want[128];
    snprintf(want, sizeof want, "\nioc_mqtt_points_total %zu\n", 1 + count(&nprobes));
    assert_non_null(strstr(b.data, want));
    assert_non_null(strstr(b.data, "# TYPE ioc_mqtt_connected gauge\nioc_mqtt_connected 1\n"));
    assert_non_null(strstr(b.data, "# TYPE ioc_mqtt_messages_total counter\n"));
    ioc_buf_free(&b);
    telemetry_mqtt_stop(m);
}

static void test_mqtt_start_refuses_bad_options(void **state)
{
    (void)state;
    struct telemetry_mqtt_options o;
    struct telemetry_mqtt *m = NULL;
    telemetry_mqtt_options_default(&o);
    o.topic = "ioc/#/x";
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), IOC_EINVAL);
    telemetry_mqtt_options_default(&o);
    o.backoff_max_ms = o.backoff_min_ms - 1;
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), IOC_EINVAL);
    telemetry_mqtt_options_default(&o);
    o.clean_session = 0;
    o.client_id = NULL;
    assert_int_equal(telemetry_mqtt_start(&o, sink, NULL, &m), IOC_EINVAL);
    assert_null(m);
}

/* ---- the sink of iocd (mqtt_ingest.c) ----------------------------------------------------- */

/* The ingest thread is held inside a done callback until the gate opens. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_entered, gate_open;
static size_t filler_answers;

static void on_gate(void *arg, int rc, const struct tsdb_write_report *rep)
{
    (void)arg;
    (void)rc;
    (void)rep;
    pthread_mutex_lock(&gate_mu);
    gate_entered = 1;
    pthread_cond_broadcast(&gate_cv);
    while (!gate_open)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
}

static void on_filler(void *arg, int rc, const struct tsdb_write_report *rep)
{
    (void)arg;
    (void)rc;
    (void)rep;
    pthread_mutex_lock(&gate_mu);
    filler_answers++;
    pthread_mutex_unlock(&gate_mu);
}

/* The value of a counter in the ingest's /metrics text, or -1. */
static long long ingest_metric(struct telemetry_ingest *ig, const char *name)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    assert_int_equal(telemetry_ingest_metrics(ig, &b), 0);
    char want[128];
    snprintf(want, sizeof want, "\n%s ", name);
    const char *p = strstr(b.data, want);
    long long v = p ? atoll(p + strlen(want)) : -1;
    ioc_buf_free(&b);
    return v;
}

static int wait_metric(struct telemetry_ingest *ig, const char *name, long long n, int ms)
{
    for (int i = 0; i < ms / 10 && ingest_metric(ig, name) < n; i++)
        sleep_ms(10);
    return ingest_metric(ig, name) >= n;
}

/* Holds the ingest thread inside the done callback of a batch of pt. */
static void gate_hold(struct telemetry_ingest *ig, const struct tsdb_point_in *pt)
{
    gate_entered = gate_open = 0;
    filler_answers = 0;
    assert_int_equal(telemetry_ingest_submit(ig, pt, 1, on_gate, NULL), 0);
    pthread_mutex_lock(&gate_mu);
    while (!gate_entered)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
}

static void gate_release(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

static struct telemetry_ingest *ingest_with_mqtt(struct telemetry_settings *s, const char *id)
{
    *s = (struct telemetry_settings){"off", 0, 1 << 20, 1000, 1000, 720};
    s->mqtt = (struct telemetry_mqtt_settings){
        1, "127.0.0.1", B.port, (char *)id, "", "", "ioc/#", 1, 5, 1, 50, 200, 1 << 20, 100, "ns"};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(test_fresh_dir(), s, &ig, err, sizeof err), 0);
    return ig;
}

/* Publishes until one message arrived (the subscription may lag the connection). */
static void first_message(struct telemetry_ingest *ig, const char *topic, const char *payload)
{
    assert_true(wait_metric(ig, "ioc_mqtt_connected", 1, 3000));
    for (int i = 0; i < 20 && ingest_metric(ig, "ioc_mqtt_messages_total") < 1; i++) {
        publish(&B, topic, payload);
        wait_metric(ig, "ioc_mqtt_messages_total", 1, 300);
    }
    assert_true(ingest_metric(ig, "ioc_mqtt_messages_total") >= 1);
}

static void test_mqtt_ingest_waits_for_room_in_a_full_queue(void **state)
{
    (void)state;
    struct telemetry_settings s;
    struct telemetry_ingest *ig = ingest_with_mqtt(&s, "t-full");
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    assert_int_equal(tsdb_series_key(&key, "gate", 4, "v", 1, NULL, 0), 0);
    struct tsdb_point_in pt = {key.data, key.len, TSDB_FLOAT, 1, 0};
    gate_hold(ig, &pt); /* then fill the queue */
    for (int i = 0; i < TELEMETRY_QUEUE_MAX; i++)
        assert_int_equal(telemetry_ingest_submit(ig, &pt, 1, on_filler, NULL), 0);
    assert_int_equal(telemetry_ingest_submit(ig, &pt, 1, on_filler, NULL), IOC_EBUSY);

    char err[256] = "";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &s.mqtt, 1000, err, sizeof err), 0);
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &s.mqtt, 1000, err, sizeof err), IOC_EEXIST);
    first_message(ig, "ioc/q", "queued,s=a v=7 1000\nqueued,s=a w=8 1000");
    /* its sink retries the full queue instead of dropping the message */
    assert_true(wait_metric(ig, "ioc_mqtt_queue_full_retries_total", 3, 3000));
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_stored_points_total"), 0);
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_refused_total"), 0);
    gate_release();
    assert_true(wait_metric(ig, "ioc_mqtt_stored_points_total", 2, 3000));
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_refused_points_total"), 0);
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_refused_total"), 0);
    struct tsdb_db_stats st;
    tsdb_db_stats(telemetry_ingest_db(ig), &st);
    assert_int_equal(st.series, 3); /* gate v, queued v, queued w */
    telemetry_ingest_close(ig);     /* stops the subscriber first */
    assert_int_equal(filler_answers, TELEMETRY_QUEUE_MAX);
    ioc_buf_free(&key);
}

static void test_mqtt_ingest_messages_do_not_wait_for_each_other(void **state)
{
    (void)state;
    struct telemetry_settings s;
    struct telemetry_ingest *ig = ingest_with_mqtt(&s, "t-pipe");
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    assert_int_equal(tsdb_series_key(&key, "gate", 4, "v", 1, NULL, 0), 0);
    struct tsdb_point_in pt = {key.data, key.len, TSDB_FLOAT, 1, 0};
    char err[256] = "";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &s.mqtt, 1000, err, sizeof err), 0);
    first_message(ig, "ioc/p", "pipe v=0 1000");
    assert_true(wait_metric(ig, "ioc_mqtt_stored_points_total", 1, 3000));
    gate_hold(ig, &pt); /* the ingest thread answers nothing until the gate opens */
    long long taken = ingest_metric(ig, "ioc_mqtt_points_total");
    long long stored = ingest_metric(ig, "ioc_mqtt_stored_points_total");
    for (int i = 1; i <= 5; i++) {
        char line[64];
        snprintf(line, sizeof line, "pipe v=%d %d", i, 1000 + i);
        publish(&B, "ioc/p", line);
    }
    /* the sink took all five while none of them is answered: they share the next group */
    assert_true(wait_metric(ig, "ioc_mqtt_points_total", taken + 5, 3000));
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_stored_points_total"), stored);
    long long groups = ingest_metric(ig, "ioc_telemetry_group_commits_total");
    gate_release();
    assert_true(wait_metric(ig, "ioc_mqtt_stored_points_total", stored + 5, 3000));
    assert_true(ingest_metric(ig, "ioc_telemetry_group_commits_total") <= groups + 2);
    struct tsdb_db_stats st;
    tsdb_db_stats(telemetry_ingest_db(ig), &st);
    assert_int_equal(st.series, 2); /* pipe v, gate v */
    telemetry_ingest_close(ig);
    ioc_buf_free(&key);
}

static void test_mqtt_ingest_refuses_bad_settings(void **state)
{
    (void)state;
    struct telemetry_settings s = {"off", 0, 1 << 20, 1000, 1000, 720};
    struct telemetry_mqtt_settings ok = {1, "127.0.0.1", B.port, "t-bad", "",      "",  "ioc/#", 1,
                                         5, 0,           50,     200,     1 << 20, 100, "ns"};
    struct telemetry_ingest *ig = NULL;
    char err[256] = "";
    assert_int_equal(telemetry_ingest_open(test_fresh_dir(), &s, &ig, err, sizeof err), 0);
    struct telemetry_mqtt_settings m = ok;
    m.precision = "weeks";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &m, 1000, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "mqtt.precision"));
    m = ok;
    m.password = "secret";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &m, 1000, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "mqtt.username"));
    m = ok;
    m.client_id = "";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &m, 1000, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "mqtt.client_id"));
    m = ok;
    m.topic = "ioc/#/x";
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &m, 1000, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "mqtt.topic"));
    m = ok;
    m.enabled = 0; /* not enabled: nothing starts, no ioc_mqtt_ counters */
    assert_int_equal(telemetry_ingest_start_mqtt(ig, &m, 1000, err, sizeof err), 0);
    assert_int_equal(ingest_metric(ig, "ioc_mqtt_connected"), -1);
    telemetry_ingest_close(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mqtt_line_protocol_payload_arrives_as_points),
        cmocka_unit_test(test_mqtt_json_object_takes_measurement_from_topic),
        cmocka_unit_test(test_mqtt_json_array_is_one_sink_call),
        cmocka_unit_test(test_mqtt_bad_payload_counted_and_next_good_arrives),
        cmocka_unit_test(test_mqtt_good_lines_of_a_bad_payload_still_arrive),
        cmocka_unit_test(test_mqtt_payload_over_limit_refused),
        cmocka_unit_test(test_mqtt_sink_refusal_counted),
        cmocka_unit_test(test_mqtt_reconnects_after_broker_restart),
        cmocka_unit_test(test_mqtt_qos1_messages_kept_while_away_arrive),
        cmocka_unit_test(test_mqtt_stop_is_prompt_when_connected),
        cmocka_unit_test(test_mqtt_stop_is_prompt_during_backoff),
        cmocka_unit_test(test_mqtt_metrics_in_prometheus_text),
        cmocka_unit_test(test_mqtt_start_refuses_bad_options),
        cmocka_unit_test(test_mqtt_ingest_waits_for_room_in_a_full_queue),
        cmocka_unit_test(test_mqtt_ingest_messages_do_not_wait_for_each_other),
        cmocka_unit_test(test_mqtt_ingest_refuses_bad_settings),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
