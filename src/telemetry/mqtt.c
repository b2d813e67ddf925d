/*
 * mqtt.c — the MQTT subscriber: one broker, one topic filter, one thread of its own, points to
 * a sink (the contract is in telemetry.h; topics, payloads and settings in docs/telemetry.md).
 *
 * The thread drives libmosquitto itself instead of mosquitto_loop_start: libmosquitto's own
 * loop gives up for good after some errors (a failed name lookup, a refused login), sleeps in
 * its backoff without a way to be told to stop, and uses select(), which fails once the socket
 * number passes FD_SETSIZE — likely in a server holding many HTTP connections. Here:
 *
 *     connect (non-blocking) ──ok──▶ session: poll(socket, wake pipe, 1 s)
 *        ▲        │ fails                 │   readable → mosquitto_loop_read (callbacks run)
 *        │        ▼                       │   writable → mosquitto_loop_write
 *        └── wait(backoff) ◀── lost ──────┘   each turn → mosquitto_loop_misc (keepalive)
 *
 * and a byte on the wake pipe (telemetry_mqtt_stop) ends any wait or poll at once.
 *
 * Invariants
 *   1. Only the thread touches the mosquitto handle between start and stop (it is created
 *      before the thread starts and destroyed after it is joined); so do the parser and batch.
 *   2. The backoff doubles after each failed attempt up to backoff_max_ms, and is back at
 *      backoff_min_ms once the broker has accepted a connection (CONNACK 0).
 *   3. Every message is counted once in messages and bytes, and then in at most one of
 *      too_large, bad_payloads (any bad entry), refused (by the sink); points counts what the
 *      sink took.
 *   4. The points of one message are copied into the batch (struct batch below), whose
 *      text area holds max_payload plus one measurement: unescaped strings are never
 *      longer than their source, and the measurement of JSON points is stored once.
 */
#include "telemetry/mqtt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

#define MQTT_LOG_EVERY 1000 /* a refusal by the sink is logged the first and every Nth time */
#define MQTT_BAD_LOGS 10    /* bad payloads logged per second at most */

struct batch {
    struct telemetry_lp_point *pts;
    size_t npts, cap_pts;
    size_t *tag0, *field0; /* each point's first tag and field, as indexes until done */
    size_t cap_tag0, cap_field0;
    struct telemetry_lp_tag *tags;
    size_t ntags, cap_tags;
    struct telemetry_lp_field *fields;
    size_t nfields, cap_fields;
    char *text;
    size_t ntext, cap_text;
    struct telemetry_str last_name, last_copy; /* a repeated measurement is stored once */
    size_t over;                               /* points past max_points */
};

struct telemetry_mqtt {
    struct telemetry_mqtt_options o;
    char *host, *client_id, *username, *password, *topic;
    size_t prefix_levels; /* topic levels before the filter's first wildcard */
    telemetry_mqtt_sink_fn sink;
    void *ctx;
    struct mosquitto *mosq;
    struct telemetry_lp_parser *lp;
    struct telemetry_lp_limits lim;
    struct batch b;
    const char *msg_topic; /* the message being read, for error logs */
    size_t msg_errors;
    int accepted; /* the broker accepted this connection */
    int64_t bad_log_sec;
    unsigned bad_logs;
    pthread_t thread;
    int wake[2];
    atomic_int stop;
    atomic_int connected;
    atomic_ullong messages, bytes, points, bad_payloads, bad_entries, too_large, refused, connects,
        reconnects;
};

static void add(atomic_ullong *c, unsigned long long n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

void telemetry_mqtt_options_default(struct telemetry_mqtt_options *o)
{
    *o = (struct telemetry_mqtt_options){
        .host = "127.0.0.1",
        .port = 1883,
        .client_id = "iocd",
        .topic = "ioc/#",
        .qos = 1,
        .keepalive_s = 60,
        .backoff_min_ms = 1000,
        .backoff_max_ms = 30000,
        .max_payload = 1048576,
        .max_points = 10000,
        .precision = TELEMETRY_LP_NS,
    };
}

/* ---- the points of one message ---------------------------------------------------------- */

/* Makes *p hold at least need elements (and never stays NULL). */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (*p && need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return IOC_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

static void batch_free(struct batch *b)
{
    free(b->pts);
    free(b->tag0);
    free(b->field0);
    free(b->tags);
    free(b->fields);
    free(b->text);
}

static void batch_reset(struct batch *b)
{
    b->npts = b->ntags = b->nfields = b->ntext = b->over = 0;
    b->last_name = b->last_copy = (struct telemetry_str){NULL, 0};
}

static int copy(struct batch *b, struct telemetry_str *s)
{
    if (s->n > b->cap_text - b->ntext)
        return IOC_ETOOBIG; /* cannot happen: see invariant 4 */
    if (s->n)
        memcpy(b->text + b->ntext, s->p, s->n);
    s->p = b->text + b->ntext;
    b->ntext += s->n;
    return 0;
}

/* The point callback of both parsers: a copy of pt goes into the batch. */
static int collect(void *ctx, const struct telemetry_lp_point *pt)
{
    struct telemetry_mqtt *m = ctx;
    struct batch *b = &m->b;
    if (b->npts >= m->o.max_points) {
        b->over++;
        return 0;
    }
    size_t i = b->npts;
    if (grow((void **)&b->pts, &b->cap_pts, i + 1, sizeof *b->pts) ||
        grow((void **)&b->tag0, &b->cap_tag0, i + 1, sizeof *b->tag0) ||
        grow((void **)&b->field0, &b->cap_field0, i + 1, sizeof *b->field0) ||
        grow((void **)&b->tags, &b->cap_tags, b->ntags + pt->ntags, sizeof *b->tags) ||
        grow((void **)&b->fields, &b->cap_fields, b->nfields + pt->nfields, sizeof *b->fields))
        return IOC_ENOMEM;
    struct telemetry_lp_point *q = &b->pts[i];
    *q = *pt;
    int rc = 0;
    if (pt->name.p == b->last_name.p && pt->name.n == b->last_name.n) {
        q->name = b->last_copy;
    } else {
        rc = copy(b, &q->name);
        b->last_name = pt->name;
        b->last_copy = q->name;
    }
    b->tag0[i] = b->ntags;
    for (size_t k = 0; k < pt->ntags && !rc; k++) {
        struct telemetry_lp_tag *t = &b->tags[b->ntags++];
        *t = pt->tags[k];
        rc = copy(b, &t->key) || copy(b, &t->value) ? IOC_ETOOBIG : 0;
    }
    b->field0[i] = b->nfields;
    for (size_t k = 0; k < pt->nfields && !rc; k++) {
        struct telemetry_lp_field *f = &b->fields[b->nfields++];
        *f = pt->fields[k];
        rc = copy(b, &f->key);
        if (!rc && f->type == TELEMETRY_LP_STRING)
            rc = copy(b, &f->v.s);
    }
    if (!rc)
        b->npts++;
    return rc;
}

/* Points the tags and fields of every point at their copies (the arrays may have moved). */
static void batch_done(struct batch *b)
{
    for (size_t i = 0; i < b->npts; i++) {
        b->pts[i].tags = b->tags + b->tag0[i];
        b->pts[i].fields = b->fields + b->field0[i];
    }
}

/* ---- one message ------------------------------------------------------------------------ */

/* At most MQTT_BAD_LOGS log lines a second about bad payloads. */
static int bad_log_ok(struct telemetry_mqtt *m)
{
    int64_t sec = ioc_mono_ns() / 1000000000;
    if (sec != m->bad_log_sec) {
        if (m->bad_logs > MQTT_BAD_LOGS)
            ioc_log(IOC_LOG_WARN, "mqtt: %u more bad payload messages not logged",
                    m->bad_logs - MQTT_BAD_LOGS);
        m->bad_log_sec = sec;
        m->bad_logs = 0;
    }
    return m->bad_logs++ < MQTT_BAD_LOGS;
}

/* The error callback of both parsers: the first error of a message is logged. */
static int on_bad(void *ctx, const struct telemetry_lp_error *err)
{
    struct telemetry_mqtt *m = ctx;
    if (m->msg_errors++ == 0 && bad_log_ok(m)) {
        char t[128];
        mqtt_quote(t, sizeof t, m->msg_topic, strlen(m->msg_topic));
        ioc_log(IOC_LOG_WARN, "mqtt: bad payload on \"%s\": line %zu, column %zu: %s", t, err->line,
                err->column, err->message);
    }
    return 0;
}

/* The measurement of a JSON payload: the topic level after the filter's prefix. */
static struct telemetry_str topic_level(const char *topic, size_t level)
{
    const char *p = topic;
    for (size_t i = 0; i < level; i++) {
        p = strchr(p, '/');
        if (!p)
            return (struct telemetry_str){NULL, 0};
        p++;
    }
    const char *end = strchr(p, '/');
    return (struct telemetry_str){p, end ? (size_t)(end - p) : strlen(p)};
}

/* Parses a payload into the batch; the number of bad entries. */
static size_t parse(struct telemetry_mqtt *m, const char *text, size_t n, int64_t now)
{
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    struct telemetry_lp_stats st = {0};
    int rc;
    if (i < n && (text[i] == '{' || text[i] == '[')) {
        struct telemetry_str name = topic_level(m->msg_topic, m->prefix_levels);
        rc = telemetry_json_parse(text, n, name, &m->lim, m->o.max_points, m->o.precision, now,
                                  collect, on_bad, m, &st);
    } else {
        rc = telemetry_lp_parse(m->lp, text, n, m->o.precision, now, collect, on_bad, m, &st);
    }
    if (rc) {
        struct telemetry_lp_error err = {st.lines, 0, ioc_strerror(rc)};
        on_bad(m, &err);
        return st.bad_lines + 1;
    }
    if (st.points == 0 && st.bad_lines == 0) {
        struct telemetry_lp_error err = {1, 0, "no point in the payload"};
        on_bad(m, &err);
        return 1;
    }
    if (m->b.over) {
        struct telemetry_lp_error err = {m->o.max_points + 1, 0,
                                         "more points than the limit of one message"};
        on_bad(m, &err);
    }
    return st.bad_lines + m->b.over;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    (void)mosq;
    struct telemetry_mqtt *m = obj;
    size_t len = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;
    add(&m->messages, 1);
    add(&m->bytes, len);
    m->msg_topic = msg->topic;
    if (len > m->o.max_payload) {
        unsigned long long k = atomic_fetch_add(&m->too_large, 1);
        if (k % MQTT_LOG_EVERY == 0)
            ioc_log(IOC_LOG_WARN,
                    "mqtt: a message of %zu bytes is over max_payload (%zu); %llu so far", len,
                    m->o.max_payload, k + 1);
        return;
    }
    batch_reset(&m->b);
    m->msg_errors = 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    size_t bad = parse(m, len ? msg->payload : "", len, now);
    if (bad || m->b.npts == 0) {
        add(&m->bad_payloads, 1);
        add(&m->bad_entries, bad);
    }
    if (m->b.npts == 0)
        return;
    batch_done(&m->b);
    if (m->sink(m->ctx, msg->topic, m->b.pts, m->b.npts) != 0) {
        unsigned long long k = atomic_fetch_add(&m->refused, 1);
        if (k % MQTT_LOG_EVERY == 0)
            ioc_log(IOC_LOG_WARN, "mqtt: the sink refused a message of %zu points; %llu so far",
                    m->b.npts, k + 1);
        return;
    }
    add(&m->points, m->b.npts);
}

/* ---- connection ------------------------------------------------------------------------- */

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    struct telemetry_mqtt *m = obj;
    if (rc != 0) {
        ioc_log(IOC_LOG_WARN, "mqtt: %s:%d refused the connection: %s", m->host, m->o.port,
                mosquitto_connack_string(rc));
        return;
    }
    m->accepted = 1;
    if (atomic_fetch_add(&m->connects, 1) > 0)
        add(&m->reconnects, 1);
    atomic_store(&m->connected, 1);
    ioc_log(IOC_LOG_INFO, "mqtt: connected to %s:%d, subscribing to %s (QoS %d)", m->host,
            m->o.port, m->topic, m->o.qos);
    rc = mosquitto_subscribe(mosq, NULL, m->topic, m->o.qos);
    if (rc != MOSQ_ERR_SUCCESS)
        ioc_log(IOC_LOG_ERROR, "mqtt: subscribe: %s", mosquitto_strerror(rc));
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int n, const int *qos)
{
    (void)mosq;
    (void)mid;
    struct telemetry_mqtt *m = obj;
    if (n < 1 || qos[0] > 2)
        ioc_log(IOC_LOG_ERROR, "mqtt: the broker refused the subscription to %s", m->topic);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    struct telemetry_mqtt *m = obj;
    if (atomic_exchange(&m->connected, 0) && !atomic_load(&m->stop))
        ioc_log(IOC_LOG_WARN, "mqtt: connection to %s:%d lost (%s)", m->host, m->o.port,
                mosquitto_strerror(rc));
}

/* Waits ms milliseconds or until stop is asked. */
static void nap(struct telemetry_mqtt *m, unsigned ms)
{
    struct pollfd p = {m->wake[0], POLLIN, 0};
    int64_t end = ioc_mono_ns() + (int64_t)ms * 1000000;
    while (!atomic_load(&m->stop)) {
        int64_t left = (end - ioc_mono_ns()) / 1000000;
        if (left <= 0 || poll(&p, 1, (int)left) > 0)
            return;
    }
}

/* Drives one connection until it is lost or stop is asked. */
static void session(struct telemetry_mqtt *m)
{
    for (;;) {
        int fd = mosquitto_socket(m->mosq);
        if (fd < 0)
            return;
        if (atomic_load(&m->stop)) {
            if (mosquitto_disconnect(m->mosq) == MOSQ_ERR_SUCCESS)
                mosquitto_loop_write(m->mosq, 1);
            return;
        }
        struct pollfd p[2] = {{fd, POLLIN | (mosquitto_want_write(m->mosq) ? POLLOUT : 0), 0},
                              {m->wake[0], POLLIN, 0}};
        if (poll(p, 2, 1000) < 0 && errno != EINTR)
            return;
        if (p[1].revents)
            continue;
        int rc = MOSQ_ERR_SUCCESS;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            rc = mosquitto_loop_read(m->mosq, 16);
        if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(m->mosq) >= 0 &&
            mosquitto_want_write(m->mosq))
            rc = mosquitto_loop_write(m->mosq, 16);
        if (rc == MOSQ_ERR_SUCCESS)
            rc = mosquitto_loop_misc(m->mosq);
        if (rc != MOSQ_ERR_SUCCESS)
            return;
    }
}

static void *run(void *arg)
{
    struct telemetry_mqtt *m = arg;
    unsigned wait_ms = m->o.backoff_min_ms;
    int first = 1, failures = 0;
    while (!atomic_load(&m->stop)) {
        int rc = first ? mosquitto_connect_async(m->mosq, m->host, m->o.port, m->o.keepalive_s)
                       : mosquitto_reconnect_async(m->mosq);
        first = 0;
        m->accepted = 0;
        if (rc == MOSQ_ERR_SUCCESS)
            session(m);
        atomic_store(&m->connected, 0);
        if (m->accepted) {
            wait_ms = m->o.backoff_min_ms;
            failures = 0;
        } else if (failures++ == 0 && !atomic_load(&m->stop)) {
            ioc_log(IOC_LOG_WARN, "mqtt: cannot connect to %s:%d: %s; retrying", m->host, m->o.port,
                    rc == MOSQ_ERR_SUCCESS ? "no answer"
                    : rc == MOSQ_ERR_ERRNO ? strerror(errno)
                                           : mosquitto_strerror(rc));
        }
        if (atomic_load(&m->stop))
            break;
        nap(m, wait_ms);
        wait_ms = wait_ms > m->o.backoff_max_ms / 2 ? m->o.backoff_max_ms : wait_ms * 2;
    }
    if (mosquitto_socket(m->mosq) >= 0 && mosquitto_disconnect(m->mosq) == MOSQ_ERR_SUCCESS)
        mosquitto_loop_write(m->mosq, 1);
    return NULL;
}

/* ---- start, stop, counters -------------------------------------------------------------- */

static int options_check(const struct telemetry_mqtt_options *o)
{
    if (!o->host || !*o->host || o->port < 1 || o->port > 65535 || !o->topic || !*o->topic ||
        o->qos < 0 || o->qos > 2 || o->keepalive_s < 5 || o->keepalive_s > 65535 ||
        o->backoff_min_ms < 1 || o->backoff_max_ms < o->backoff_min_ms ||
        o->backoff_max_ms > 3600000 || o->max_payload < 1 || o->max_payload > (1u << 28) ||
        o->max_points < 1 || (unsigned)o->precision > TELEMETRY_LP_H ||
        (o->password && !o->username) || (!o->clean_session && (!o->client_id || !*o->client_id)))
        return IOC_EINVAL;
    if (mosquitto_sub_topic_check(o->topic) != MOSQ_ERR_SUCCESS)
        return IOC_EINVAL;
    return 0;
}

/* Topic levels before the first wildcard of the filter ("ioc/#" → 1, "a/+/b" → 1, "#" → 0). */
static size_t prefix_levels(const char *filter)
{
    size_t n = 0;
    for (const char *p = filter; *p && *p != '#' && *p != '+'; p++)
        n += *p == '/';
    return n;
}

static void lib_once(void)
{
    mosquitto_lib_init();
}

static char *dup_or_null(const char *s, int *bad)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *bad = 1;
    return d;
}

static int setup(struct telemetry_mqtt *m)
{
    int bad = 0;
    m->host = dup_or_null(m->o.host, &bad);
    m->client_id = dup_or_null(m->o.client_id, &bad);
    m->username = dup_or_null(m->o.username, &bad);
    m->password = dup_or_null(m->o.password, &bad);
    m->topic = dup_or_null(m->o.topic, &bad);
    if (bad)
        return IOC_ENOMEM;
    int rc = telemetry_lp_create(&m->o.limits, &m->lp);
    if (rc)
        return rc;
    telemetry_lp_limits_get(m->lp, &m->lim);
    m->b.cap_text = m->o.max_payload + 65536; /* a topic is at most 65535 bytes */
    m->b.text = malloc(m->b.cap_text);
    m->mosq = mosquitto_new(m->client_id, m->o.clean_session != 0, m);
    if (!m->b.text || !m->mosq)
        return IOC_ENOMEM;
    if (m->username && mosquitto_username_pw_set(m->mosq, m->username, m->password))
        return IOC_ENOMEM;
    mosquitto_connect_callback_set(m->mosq, on_connect);
    mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
    mosquitto_subscribe_callback_set(m->mosq, on_subscribe);
    mosquitto_message_callback_set(m->mosq, on_message);
    if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return IOC_EIO;
    return 0;
}

static void destroy(struct telemetry_mqtt *m)
{
    if (m->mosq)
        mosquitto_destroy(m->mosq);
    m->mosq = NULL;
    telemetry_lp_destroy(m->lp);
    batch_free(&m->b);
    if (m->wake[0] >= 0)
        close(m->wake[0]);
    if (m->wake[1] >= 0)
        close(m->wake[1]);
    free(m->host);
    free(m->client_id);
    free(m->username);
    free(m->password);
    free(m->topic);
    free(m);
}

int telemetry_mqtt_start(const struct telemetry_mqtt_options *o, telemetry_mqtt_sink_fn sink,
                         void *ctx, struct telemetry_mqtt **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!o || !sink || options_check(o))
        return IOC_EINVAL;
    pthread_once(&once, lib_once);
    struct telemetry_mqtt *m = calloc(1, sizeof *m);
    if (!m)
        return IOC_ENOMEM;
    m->o = *o;
    m->sink = sink;
    m->ctx = ctx;
    m->wake[0] = m->wake[1] = -1;
    m->prefix_levels = prefix_levels(o->topic);
    int rc = setup(m);
    if (!rc && pthread_create(&m->thread, NULL, run, m) != 0)
        rc = IOC_EIO;
    if (rc) {
        destroy(m);
        return rc;
    }
    *out = m;
    return 0;
}

void telemetry_mqtt_stop(struct telemetry_mqtt *m)
{
    if (!m)
        return;
    atomic_store(&m->stop, 1);
    while (write(m->wake[1], "x", 1) < 0 && errno == EINTR)
        ;
    pthread_join(m->thread, NULL);
    destroy(m);
}

static unsigned long long get(const atomic_ullong *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void telemetry_mqtt_stats_get(const struct telemetry_mqtt *m, struct telemetry_mqtt_stats *out)
{
    *out = (struct telemetry_mqtt_stats){
        .messages = get(&m->messages),
        .bytes = get(&m->bytes),
        .points = get(&m->points),
        .bad_payloads = get(&m->bad_payloads),
        .bad_entries = get(&m->bad_entries),
        .too_large = get(&m->too_large),
        .refused = get(&m->refused),
        .connects = get(&m->connects),
        .reconnects = get(&m->reconnects),
        .connected = atomic_load(&m->connected),
    };
}

int telemetry_mqtt_metrics(const struct telemetry_mqtt *m, struct ioc_buf *b)
{
    struct telemetry_mqtt_stats s;
    telemetry_mqtt_stats_get(m, &s);
    const struct {
        const char *name, *type, *help;
        unsigned long long v;
    } rows[] = {
        {"ioc_mqtt_connected", "gauge", "1 while the MQTT broker connection is up.",
         (unsigned long long)s.connected},
        {"ioc_mqtt_connects_total", "counter", "MQTT connections the broker accepted.", s.connects},
        {"ioc_mqtt_reconnects_total", "counter", "MQTT connections accepted after the first.",
         s.reconnects},
        {"ioc_mqtt_messages_total", "counter", "MQTT messages received.", s.messages},
        {"ioc_mqtt_received_bytes_total", "counter", "Payload bytes of MQTT messages received.",
         s.bytes},
        {"ioc_mqtt_points_total", "counter", "Points of MQTT messages taken for storage.",
         s.points},
        {"ioc_mqtt_bad_payloads_total", "counter", "MQTT messages with a bad line or object.",
         s.bad_payloads},
        {"ioc_mqtt_bad_entries_total", "counter", "Bad lines or objects in MQTT messages.",
         s.bad_entries},
        {"ioc_mqtt_too_large_total", "counter", "MQTT messages over the payload limit.",
         s.too_large},
        {"ioc_mqtt_refused_total", "counter", "MQTT messages whose points were not stored.",
         s.refused},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && !rc; i++)
        rc = ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", rows[i].name, rows[i].help,
                            rows[i].name, rows[i].type, rows[i].name, rows[i].v);
    return rc;
}
