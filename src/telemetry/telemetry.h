/*
 * telemetry — sensor data on top of the time-series engine: the InfluxDB line-protocol parser
 * (lp.c), the MQTT subscriber (mqtt.c, mqtt_json.c), and later series naming, ingest and queries.
 *
 * Line protocol (lp.c, lp_value.c; rules and deviations in docs/telemetry.md "Line protocol")
 *
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 *
 * The parser follows the reference (docs.influxdata.com .../line-protocol/) as the public
 * corpus github.com/influxdata/line-protocol-corpus pins it down: every case of that corpus
 * is a test (tests/unit/telemetry/test_lp_corpus.c).
 *
 * Contract
 *   - No allocation per point. A parser owns arrays of tags and fields sized by its limits and
 *     a scratch buffer for unescaped text, all allocated once by telemetry_lp_create.
 *   - A point handed to the callback is valid only during the call: its strings point into the
 *     input text or into the parser's scratch buffer. Strings are not NUL-terminated; they are
 *     valid UTF-8 (the parser refuses other bytes) and may contain NUL bytes (string fields).
 *   - Tags come sorted by key (bytewise, as the engine wants for a series key); a duplicate tag
 *     key is an error. Fields come in the order of the line; a repeated field key is kept as
 *     given (the corpus keeps both), so the caller decides (the engine: the last one wins).
 *   - A bad line is reported to the error callback with its line and column, and parsing goes
 *     on with the next line (InfluxDB's partial write); the stats say how many were dropped.
 *   - Exceeding a limit is an error on that line, never a crash or a read past the input.
 *   - One parser per thread; different parsers share nothing.
 */
#ifndef IOC_TELEMETRY_H
#define IOC_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "tsdb/tsdb.h"

/* ---- line protocol ---------------------------------------------------------------------- */

/* A byte string that is not NUL-terminated. */
struct telemetry_str {
    const char *p;
    size_t n;
};

enum telemetry_lp_type {
    TELEMETRY_LP_FLOAT,  /* v.f, finite */
    TELEMETRY_LP_INT,    /* v.i, written 12i */
    TELEMETRY_LP_UINT,   /* v.u, written 12u */
    TELEMETRY_LP_BOOL,   /* v.b, 0 or 1 */
    TELEMETRY_LP_STRING, /* v.s, unescaped */
};

struct telemetry_lp_tag {
    struct telemetry_str key, value;
};

struct telemetry_lp_field {
    struct telemetry_str key;
    enum telemetry_lp_type type;
    union {
        double f;
        int64_t i;
        uint64_t u;
        int b;
        struct telemetry_str s;
    } v;
};

struct telemetry_lp_point {
    struct telemetry_str name;
    const struct telemetry_lp_tag *tags; /* sorted by key, keys unique */
    size_t ntags;
    const struct telemetry_lp_field *fields; /* in the line's order, at least one */
    size_t nfields;
    int64_t time_ns; /* the timestamp scaled to ns, or the default time */
    size_t line;     /* 1-based line where the point starts */
};

struct telemetry_lp_error {
    size_t line;         /* 1-based */
    size_t column;       /* 1-based, in bytes from the start of that line */
    const char *message; /* short English text, valid during the callback */
};

/* Timestamp units. M and H are InfluxDB 1.x's minutes and hours. */
enum telemetry_lp_precision {
    TELEMETRY_LP_NS,
    TELEMETRY_LP_US,
    TELEMETRY_LP_MS,
    TELEMETRY_LP_S,
    TELEMETRY_LP_M,
    TELEMETRY_LP_H,
};

/* Limits of one parser; a zero member takes the default given beside it. */
struct telemetry_lp_limits {
    size_t max_line;   /* bytes of one entry, its newline excluded; 262144 */
    size_t max_tags;   /* tags per point; 64 */
    size_t max_fields; /* fields per point; 256 */
    size_t max_key;    /* bytes of a measurement, tag key or field key, unescaped; 256 */
    size_t max_value;  /* bytes of a tag value or string field value, unescaped; 65536 */
};

/* What one telemetry_lp_parse call saw. */
struct telemetry_lp_stats {
    size_t points;    /* points handed to the point callback */
    size_t bad_lines; /* entries refused (each reported once to the error callback) */
    size_t lines;     /* lines of input read, the last one counted even without a newline */
};

/* Called once per good point, in input order. Return 0 to go on, or a negative IOC_E* code to
 * stop: telemetry_lp_parse then returns that code. */
typedef int (*telemetry_lp_point_fn)(void *ctx, const struct telemetry_lp_point *pt);
/* Called once per bad entry; same return convention. */
typedef int (*telemetry_lp_error_fn)(void *ctx, const struct telemetry_lp_error *err);

struct telemetry_lp_parser;

/* Creates a parser with limits (NULL: all defaults). The caller destroys it. 0 or IOC_ENOMEM;
 * IOC_EINVAL if a limit is absurd (over 1 GiB, or over 65536 tags or fields). */
int telemetry_lp_create(const struct telemetry_lp_limits *limits, struct telemetry_lp_parser **out);
/* Frees the parser; NULL is fine. */
void telemetry_lp_destroy(struct telemetry_lp_parser *p);
/* The limits in force (defaults filled in). */
void telemetry_lp_limits_get(const struct telemetry_lp_parser *p, struct telemetry_lp_limits *out);

/*
 * Parses text[0..n) (no NUL needed; NUL bytes are data). Points without a timestamp get
 * default_ns truncated down to the precision (as the reference does). on_error may be NULL.
 * Returns 0 when the whole text was read (bad lines included: see *stats, which may be NULL),
 * or the negative code a callback returned; IOC_EINVAL (nothing parsed) for an unknown precision.
 */
int telemetry_lp_parse(struct telemetry_lp_parser *p, const char *text, size_t n,
                       enum telemetry_lp_precision precision, int64_t default_ns,
                       telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error, void *ctx,
                       struct telemetry_lp_stats *stats);

/* Parses "ns", "us" (or "µs", "u"), "ms", "s", "m", "h" (n bytes). 0 or IOC_EINVAL. */
int telemetry_lp_precision_parse(const char *s, size_t n, enum telemetry_lp_precision *out);

/* ---- MQTT ------------------------------------------------------------------------------- */

/*
 * MQTT ingest (mqtt.c, mqtt_json.c; topics, payloads and settings in docs/telemetry.md "MQTT")
 *
 * A subscriber with its own thread: it connects to one broker with libmosquitto, subscribes to
 * one topic filter, and turns each message into points of the one point type above.
 *
 * Contract
 *   - A payload whose first non-space byte is '{' or '[' is JSON (telemetry_json_parse below);
 *     any other is line protocol in the configured precision. Each message's good points go to
 *     the sink in ONE call, valid only during that call, on the subscriber's thread.
 *   - The sink returns 0 when the points are taken; anything else counts the message as
 *     refused (logged for the first and then every 1000th). Bad entries in a payload are
 *     counted and logged with the topic, line and message; the good ones still go to the sink.
 *   - QoS 1 acknowledgement is libmosquitto's: it acknowledges a message when it has read it,
 *     before the sink runs (2.0.11 has no manual acknowledgement).
 *   - The connection is retried for ever with a backoff doubling from backoff_min_ms to
 *     backoff_max_ms; it is reset to the minimum once a connection has been accepted.
 *   - Counters are atomics, readable from any thread at any time.
 *   - telemetry_mqtt_stop wakes the thread at once (a pipe in its poll), sends DISCONNECT when
 *     connected, joins the thread and frees everything; it returns within about 100 ms, or
 *     after a host name lookup in progress (getaddrinfo blocks) ends.
 */

struct ioc_buf;

struct telemetry_mqtt_options {
    const char *host;        /* broker host name or address; "127.0.0.1" */
    int port;                /* 1883 */
    const char *client_id;   /* "iocd"; one per subscriber on a broker */
    const char *username;    /* NULL: none */
    const char *password;    /* NULL: none (only with a username) */
    const char *topic;       /* topic filter; "ioc/#" */
    int qos;                 /* 0, 1 or 2; 1 */
    int keepalive_s;         /* 5 .. 65535; 60 */
    int clean_session;       /* 0: the broker keeps the subscription and QoS 1 messages while the
                                subscriber is away (needs a stable client_id); 1: it does not. 0 */
    unsigned backoff_min_ms; /* first wait before a reconnection; 1000 */
    unsigned backoff_max_ms; /* longest wait; 30000 */
    size_t max_payload;      /* bytes; a longer message is refused whole; 1048576 */
    size_t max_points;       /* points per message; those after it are refused; 10000 */
    enum telemetry_lp_precision precision; /* of line-protocol and JSON integer times; ns */
    struct telemetry_lp_limits limits;     /* per point, as for the parser (zero: its default) */
};

/* Fills o with the defaults given beside each member. */
void telemetry_mqtt_options_default(struct telemetry_mqtt_options *o);

/* Receives the good points of one message (n >= 1) and its topic (NUL-terminated, for logs).
 * 0: taken; non-zero: refused. */
typedef int (*telemetry_mqtt_sink_fn)(void *ctx, const char *topic,
                                      const struct telemetry_lp_point *points, size_t n);

struct telemetry_mqtt_stats {
    uint64_t messages;     /* messages received, any size, good or bad */
    uint64_t bytes;        /* payload bytes of those messages */
    uint64_t points;       /* points handed to the sink and taken */
    uint64_t bad_payloads; /* messages with at least one bad entry (or no good one) */
    uint64_t bad_entries;  /* bad lines or JSON objects */
    uint64_t too_large;    /* messages over max_payload, refused unread */
    uint64_t refused;      /* messages the sink refused */
    uint64_t connects;     /* connections the broker accepted */
    uint64_t reconnects;   /* connections accepted after the first */
    int connected;         /* 1 while a connection is accepted and not lost */
};

struct telemetry_mqtt;

/*
 * Checks the options, starts the subscriber's thread and returns at once (the connection is
 * made by the thread, so a broker that is down is not an error here). sink is called on that
 * thread. 0, IOC_EINVAL (bad options), IOC_ENOMEM or IOC_EIO (no thread). The caller stops it.
 */
int telemetry_mqtt_start(const struct telemetry_mqtt_options *o, telemetry_mqtt_sink_fn sink,
                         void *ctx, struct telemetry_mqtt **out);
/* Stops the thread (see the contract), then frees m. NULL is fine. */
void telemetry_mqtt_stop(struct telemetry_mqtt *m);
/* The counters now. Any thread. */
void telemetry_mqtt_stats_get(const struct telemetry_mqtt *m, struct telemetry_mqtt_stats *out);
/* Appends the counters in the Prometheus text format (ioc_mqtt_*). 0 or the buffer's error. */
int telemetry_mqtt_metrics(const struct telemetry_mqtt *m, struct ioc_buf *b);

/*
 * JSON payloads (mqtt_json.c): one object {"time":T,"tags":{"k":"v",...},"fields":{...}} or an
 * array of them; each object is an entry (line = its 1-based position; 1 for a lone object).
 *   - The measurement is given (the topic level after the filter's prefix).
 *   - "time" (optional): an integer in the precision, or an RFC 3339 string with up to nine
 *     fraction digits and "Z" or an offset; without it the point gets default_ns truncated to
 *     the precision, as for line protocol.
 *   - "tags" (optional): string values; handed sorted by key; a duplicate key is refused.
 *   - "fields" (at least one): a number is a float; true/false a boolean; a string a string;
 *     {"float":1.5}, {"int":"-3"} or {"int":-3}, {"uint":"7"} or {"uint":7}, {"bool":true},
 *     {"string":"x"} give the type explicitly (the form `iocctl lp check` prints).
 *   - The names and values obey the line-protocol rules (non-empty; no control character in a
 *     measurement or key, no CR or LF in a tag value) and limits (limits: every member set, as
 *     telemetry_lp_limits_get gives them); at most max_points points.
 * A document that is not JSON, or not an object or array, is one error (with jansson's line and
 * column) and no point; a bad entry is an error (column 0) and the others go on. Returns 0, the
 * negative code a callback returned, IOC_EINVAL (bad limits or precision) or IOC_ENOMEM.
 * Points and errors are valid only during their callback.
 */
int telemetry_json_parse(const char *text, size_t n, struct telemetry_str measurement,
                         const struct telemetry_lp_limits *limits, size_t max_points,
                         enum telemetry_lp_precision precision, int64_t default_ns,
                         telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error, void *ctx,
                         struct telemetry_lp_stats *stats);

/* ---- settings and the ingest thread (settings.c, ingest.c) ---------------------------------- */

/*
 * The ingest (ingest.c; docs/telemetry.md "HTTP ingest") owns the engine (struct tsdb_db, on
 * DATA_DIR) and the one thread that writes to it. Loops hand it batches of keyed points with
 * telemetry_ingest_submit, which never waits; the thread takes every waiting batch, appends
 * each (tsdb_db_append), syncs ONCE (group commit; with sync = batch it first gathers batches
 * for up to batch_ms), then calls each batch's done callback on its own thread. Idle (or at
 * least once a second) it calls tsdb_db_maintain. Readers use telemetry_ingest_db from any
 * thread (the engine's read functions).
 *
 * Invariants: a batch is answered exactly once, never before the sync holding it returned;
 * after telemetry_ingest_close began, submit refuses and queued batches are still written and
 * answered before the thread exits.
 */
struct ioc_config;

/* Section [mqtt]: the subscriber in iocd (docs/telemetry.md "MQTT"). Strings owned by the
 * configuration; "" for username, password or client_id means none. */
struct telemetry_mqtt_settings {
    int enabled;
    char *host;
    int port;
    char *client_id;
    char *username;
    char *password;
    char *topic;
    int qos;
    int keepalive_s;
    int clean_session;
    int backoff_min_ms;
    int backoff_max_ms;
    int64_t max_payload;
    int max_points;
    char *precision; /* "ns", "us", "ms", "s", "m" or "h" */
};

/* Sections [telemetry] and [mqtt] (strings owned by the configuration). */
struct telemetry_settings {
    char *sync;         /* "batch", "always" or "off" */
    int batch_ms;       /* group-commit wait with sync = batch */
    int64_t max_body;   /* bytes of one write, inflated */
    int max_points;     /* points of one write (and of one MQTT message, one per field) */
    int64_t max_series; /* series in the engine */
    int seal_points;    /* head points of a series sealed into one chunk */
    /* the live stream (stream.c, GET /api/v1/stream) */
    int stream_heartbeat_s;         /* ": ping" after this much silence */
    int stream_max_clients;         /* open streams at most (server-wide) */
    int64_t stream_buffer;          /* bytes waiting for one client at most; more drops it */
    int stream_ring_events;         /* recent batches kept for Last-Event-ID */
    int64_t stream_ring_bytes;      /* and their bytes at most */
    char *retention;                /* "0" (for ever) or a duration: "400d", "12h" */
    char *retention_by_measurement; /* "air=730d,traffic=90d"; "": none */
    struct telemetry_mqtt_settings mqtt;
};
const struct telemetry_settings *telemetry_settings_get(const struct ioc_config *c);
/* Checks the settings a start needs right (sync, retention) without opening anything, so that a
 * bad value is reported as such, not as an engine that cannot be opened. 0, or IOC_EINVAL with
 * err naming the setting; IOC_ENOMEM. */
int telemetry_settings_check(const struct telemetry_settings *s, char *err, size_t err_size);
/* "batch", "always", "off" into *out; IOC_EINVAL otherwise. */
int telemetry_sync_parse(const char *s, enum tsdb_sync_mode *out);

/* A retention (docs/telemetry.md "Retention"): "0" (for ever) or a whole number > 0 followed by
 * s, m, h, d or w, into nanoseconds (0 for "0"). IOC_EINVAL for anything else or past 100 years. */
int telemetry_duration_parse(const char *s, int64_t *ns);

/* The retention rules of the settings, for the engine (tsdb_db_options). */
struct telemetry_retention {
    int64_t default_ns;           /* telemetry.retention; 0: for ever */
    struct tsdb_retention *rules; /* telemetry.retention_by_measurement (names into text) */
    size_t n;
    char *text;
};
/* Parses telemetry.retention (dflt; NULL: "0") and telemetry.retention_by_measurement (by; NULL
 * or "": none): comma-separated measurement=duration, blanks around each part ignored, each
 * measurement once. IOC_EINVAL with err naming the setting and the bad part; IOC_ENOMEM. Free
 * with telemetry_retention_free (also after a failure). */
int telemetry_retention_parse(const char *dflt, const char *by, struct telemetry_retention *out,
                              char *err, size_t err_size);
void telemetry_retention_free(struct telemetry_retention *r);

#define TELEMETRY_QUEUE_MAX 1024 /* batches waiting for the ingest thread at most */

struct telemetry_ingest;

/* Opens DATA_DIR's engine with the settings s and starts the thread. err gets why it failed. */
int telemetry_ingest_open(const char *data_dir, const struct telemetry_settings *s,
                          struct telemetry_ingest **out, char *err, size_t err_size);
/* Refuses new batches, writes and answers the queued ones, stops the thread, closes the engine.
 * NULL is fine. */
void telemetry_ingest_close(struct telemetry_ingest *ig);
/* The engine, for reading (any thread). */
struct tsdb_db *telemetry_ingest_db(struct telemetry_ingest *ig);

/* rc: 0 when the accepted points of the batch are durable (rep says which were refused), else
 * why nothing of it is (IOC_EIO: the log failed; IOC_ETOOBIG: a limit of the engine). */
typedef void (*telemetry_ingest_done_fn)(void *arg, int rc, const struct tsdb_write_report *rep);
/* Queues pts[0..n) (the caller keeps them, and their keys, alive until done runs). done runs
 * once, on the ingest thread. 0; IOC_EBUSY (queue full) or IOC_ESHUTDOWN (stopping): done will
 * not run; IOC_ENOMEM. */
int telemetry_ingest_submit(struct telemetry_ingest *ig, const struct tsdb_point_in *pts, size_t n,
                            telemetry_ingest_done_fn done, void *arg);
/*
 * MQTT into the engine (mqtt_ingest.c): starts the subscriber of s (when s->enabled; else does
 * nothing) with a sink that turns each message's points into one batch (telemetry_batch_*) and
 * submits it, up to 64 batches in flight; the sink waits (on the subscriber's thread, never a
 * loop thread) for a free one, and retries a full queue with a backoff of 5 to 200 ms rather
 * than drop the message; refused points (type conflict, limits) are counted and logged with the
 * topic. Called once, after telemetry_ingest_open and before any reader of the metrics starts
 * (iocd: before it serves); telemetry_ingest_close stops the subscriber FIRST and waits for its
 * batches in flight, so no submit races the close.
 * max_batch: engine points of one message at most (telemetry.max_points). 0, or IOC_EINVAL
 * with the reason in err (a bad setting), IOC_ENOMEM, IOC_EIO.
 */
int telemetry_ingest_start_mqtt(struct telemetry_ingest *ig,
                                const struct telemetry_mqtt_settings *s, size_t max_batch,
                                char *err, size_t err_size);
/*
 * Observers of durable points (src/environment's AQI engine): fn runs on the ingest thread for
 * each batch once it is durable (after the live stream's publish), with the batch's points and
 * its report (points from rep->first_refused on may not be stored when rep->refused > 0). fn
 * must only read the points and mark memory: it runs under a lock that unobserve also takes, so
 * after telemetry_ingest_unobserve returns, fn is not running and will not run again. At most
 * TELEMETRY_OBSERVERS at once: observe returns 0 or IOC_ETOOBIG.
 */
#define TELEMETRY_OBSERVERS 4
typedef void (*telemetry_ingest_observe_fn)(void *ctx, const struct tsdb_point_in *pts, size_t n,
                                            const struct tsdb_write_report *rep);
int telemetry_ingest_observe(struct telemetry_ingest *ig, telemetry_ingest_observe_fn fn,
                             void *ctx);
/* NULL ig is fine. */
void telemetry_ingest_unobserve(struct telemetry_ingest *ig, telemetry_ingest_observe_fn fn,
                                void *ctx);
/* Counts a write refused before it reached the engine (bad lines, limits), for /metrics. */
void telemetry_ingest_count_refused(struct telemetry_ingest *ig, uint64_t points);
/* Appends the engine's and the ingest's counters in the Prometheus text format (ioc_tsdb_*,
 * ioc_telemetry_*, and ioc_mqtt_* when the subscriber runs). 0 or the buffer's error. */
int telemetry_ingest_metrics(struct telemetry_ingest *ig, struct ioc_buf *b);

/* The live-stream hub of this engine (created with it; see "live stream" below). */
struct telemetry_hub *telemetry_ingest_hub(struct telemetry_ingest *ig);

/* ---- live stream of accepted points (stream.c) -------------------------------------------- */
/*
 * The hub fans accepted points out to subscribers as Server-Sent Events (format in
 * docs/telemetry.md "Live stream"). The ingest thread publishes each batch after the sync that
 * made it durable; with no subscriber (and none for keep_s) that costs one lock and no copy.
 *
 *   - Ids: every published point gets the next number of a uint64 sequence that starts, when
 *     the hub is created, at the wall clock in microseconds (so ids normally grow across
 *     restarts too, but that is not promised); an event's id is the number of its last point.
 *   - Ring: the most recent batches (at most ring_events and ring_bytes; the newest always
 *     stays) are kept, for subscribers that come back with Last-Event-ID. An id older than the
 *     ring, newer than the last point, or from a gap (points published while nobody listened
 *     for keep_s) gets one `reset` event (its id: the last point's) instead: the client reloads
 *     with a query.
 *   - A subscriber gets only points of its measurement (and field, and tag values) in one
 *     `points` event per batch, split at about event_bytes.
 *   - Writers are called under the hub's lock (that of its fan-out, base.h), on the publishing
 *     thread (or the subscribing one during subscribe); they must only copy (net_stream_offer
 *     does). A writer that fails once is not called again, except with IOC_EBUSY ("no room
 *     now"): then the subscriber's next batches are skipped until a `reset` event (its id the
 *     last point's) is taken, after which the batches go on. After telemetry_hub_unsubscribe
 *     returns, the writer's context is never used again.
 *   - Points of a batch from its first refused point on are not streamed (the engine's report
 *     does not say which of those were stored).
 */
struct telemetry_hub;
struct telemetry_sub;

struct telemetry_hub_options {
    size_t ring_events; /* batches kept; 1000 (0: default) */
    size_t ring_bytes;  /* bytes of points kept; 8 MiB */
    size_t event_bytes; /* an event's data is split past this; 65536 */
    int keep_s;         /* the ring is kept this long after the last subscriber left; 60 */
};

typedef int (*telemetry_hub_write_fn)(void *ctx, const void *p, size_t n);

struct telemetry_hub_filter {
    const char *measurement; /* required */
    const char *field;       /* NULL: every field */
    const struct tsdb_tag_filter *tags;
    size_t ntags;
};

int telemetry_hub_create(const struct telemetry_hub_options *o, struct telemetry_hub **out);
/* No subscriber may remain. NULL is fine. */
void telemetry_hub_destroy(struct telemetry_hub *h);
/* The points of pts[0..n) that rep says were stored; call after they are durable. */
void telemetry_hub_publish(struct telemetry_hub *h, const struct tsdb_point_in *pts, size_t n,
                           const struct tsdb_write_report *rep);
/*
 * Writes "retry: 3000" and, when have_last, the matching events after last_id (or a reset, also
 * when they would take more than max_replay bytes), then links the subscriber: from then on
 * every published matching point is written, with no gap and no repeat. The filter is copied.
 * 0, IOC_ENOMEM, or the writer's error (not linked).
 */
int telemetry_hub_subscribe(struct telemetry_hub *h, const struct telemetry_hub_filter *f,
                            int have_last, uint64_t last_id, size_t max_replay,
                            telemetry_hub_write_fn write, void *ctx, struct telemetry_sub **out);
/* NULL is fine. */
void telemetry_hub_unsubscribe(struct telemetry_hub *h, struct telemetry_sub *sub);
/* Appends ioc_telemetry_stream_* counters. */
int telemetry_hub_metrics(struct telemetry_hub *h, struct ioc_buf *b);

/* ---- CSV readings ------------------------------------------------------------------------ */
/* The RFC 4180 reader itself is in src/base (ioc_csv_*, base.h). */

/*
 * readings.c: CSV rows to points (layout in docs/telemetry.md "CSV readings").
 *
 *   header row required: `time`, optionally `measurement`, `tag.K` columns (tag K), and every
 *   other column a field. time: RFC 3339 with an offset, or an integer in the precision's unit.
 *   Field cells: empty = absent; true/false (True, TRUE, False, FALSE) = boolean; in a column
 *   named by int_columns an integer (int64); otherwise a decimal number (float).
 *
 * Every good row becomes one struct telemetry_lp_point (tags sorted by key, fields in column
 * order, line = the row's CSV line), the point type of every source. A refused row goes to the
 * error callback as a struct telemetry_lp_error whose column is the 1-based CSV column (0 when
 * the row as a whole is refused) and the next row is read. A bad header stops the import: the
 * error is reported (at the header's line) and feed, and every later call, returns IOC_EINVAL.
 */

struct telemetry_readings_options {
    const char *measurement;               /* for files without a measurement column; may be NULL */
    enum telemetry_lp_precision precision; /* of integer times */
    const char *const *int_columns;        /* field columns read as integers */
    size_t nint_columns;
    const struct ioc_csv_limits *limits; /* NULL: the reader's defaults */
};

struct telemetry_readings_stats {
    size_t rows;    /* data rows read (header excluded), refused ones included */
    size_t points;  /* handed to the point callback */
    size_t refused; /* rows reported to the error callback */
};

struct telemetry_readings;

/* 0, IOC_ENOMEM, or IOC_EINVAL for a bad option (empty or non-UTF-8 measurement, unknown
 * precision). The options' strings are copied. */
int telemetry_readings_create(const struct telemetry_readings_options *opt,
                              struct telemetry_readings **out);
void telemetry_readings_destroy(struct telemetry_readings *rd);
/* Reads p[0..n) of the CSV text. 0, IOC_EINVAL after a bad header (reported), or the code a
 * callback returned. */
int telemetry_readings_feed(struct telemetry_readings *rd, const char *p, size_t n,
                            telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error,
                            void *ctx);
/* Ends the text (a last row without a line end; a file without a header is IOC_EINVAL,
 * reported at line 1). */
int telemetry_readings_finish(struct telemetry_readings *rd, telemetry_lp_point_fn on_point,
                              telemetry_lp_error_fn on_error, void *ctx);
void telemetry_readings_stats_get(const struct telemetry_readings *rd,
                                  struct telemetry_readings_stats *out);

/* ---- parsed points to engine points (points.c) ------------------------------------------- */

/* The engine points of parsed points: one per numeric field, keyed (see points.c). */
struct telemetry_batch {
    struct tsdb_point_in *pts; /* valid as such after telemetry_batch_finish */
    size_t n, cap;
    struct ioc_buf keys; /* private */
    struct ioc_buf key1; /* private: the first key of the point being added */
    size_t strings;      /* string fields skipped */
    size_t max_points;
};
void telemetry_batch_init(struct telemetry_batch *b, size_t max_points);
/* Adds the point's numeric fields. IOC_ETOOBIG at max_points (the rest of the point is not
 * added), IOC_EINVAL for a point that makes no series key (too many tags), IOC_ENOMEM. */
int telemetry_batch_add(struct telemetry_batch *b, const struct telemetry_lp_point *pt);
/* Makes pts[i].key point into the batch's keys; call once, after the last add. */
void telemetry_batch_finish(struct telemetry_batch *b);
void telemetry_batch_free(struct telemetry_batch *b);

/* ---- reading (query.c) -------------------------------------------------------------------- */
/*
 * What the API's read routes ask of the engine (docs/api.md, "Telemetry"): time buckets of the
 * series of one measurement and field, optionally one result per value of a tag; the latest
 * point of each series; the list of series. Any thread (the engine's readers). Results are
 * data; src/api renders them as JSON or CSV. Each call returns 0, IOC_ETOOBIG past a bound
 * below (r->msg names it), IOC_EINVAL for a query missing what it needs, or another code (the
 * engine's); r->msg says why in English, and r must be freed with telemetry_qresult_free
 * whatever the outcome.
 */
#define TELEMETRY_Q_MAX_SERIES 10000   /* series selected by one query */
#define TELEMETRY_Q_MAX_CELLS 100000   /* buckets × result series */
#define TELEMETRY_Q_MAX_POINTS 1000000 /* points read per series */
#define TELEMETRY_Q_MAX_FILTERS 8      /* tag filters of one query */

/* "60s", "5m", "1h", "1d", "500ms" or whole seconds (1 to 10^9 units), into ns. 0 or
 * IOC_EINVAL. */
int telemetry_step_parse(const char *s, int64_t *ns);
/* Unix seconds, an RFC 3339 time or a plain date (00:00 Asia/Ho_Chi_Minh), into ns; only
 * times within ±4·10^9 s of 1970 (1843 to 2096), so that a span fits in int64 ns. */
int telemetry_time_parse(const char *s, int64_t *ns);

struct telemetry_query {
    const char *measurement;               /* required for a window; NULL lists every measurement */
    const char *field;                     /* required for a window; NULL lists every field */
    const struct tsdb_tag_filter *filters; /* the series' tags pass every one */
    size_t nfilters;
    const char *group;        /* window: one result per value of this tag (NULL: one) */
    int64_t start, end, step; /* window: [start, end) in buckets of step, ns */
};

/* One result series of a window: the group's tag value ("" for series without the tag; NULL
 * without group) and its buckets, each the merge of the group's series. */
struct telemetry_qgroup {
    char *value;
    struct tsdb_window w;
};

/* One series of a list: its canonical key (tsdb_series_key_parse reads it), its type and, for
 * latest, its last point. */
struct telemetry_qentry {
    struct ioc_buf key;
    enum tsdb_type type;
    int has_point;
    int64_t t; /* ns */
    uint64_t v;
};

struct telemetry_qresult {
    struct telemetry_qgroup *groups; /* window */
    size_t ngroups;
    struct telemetry_qentry *entries; /* latest (series without points left out), series */
    size_t nentries, entcap;
    uint32_t *ids; /* private */
    char msg[200];
};

int telemetry_query_window(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r);
int telemetry_query_latest(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r);
int telemetry_query_series(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r);
void telemetry_qresult_free(struct telemetry_qresult *r);

/* ---- the demo's synthetic sensors (demo.c, demo_model.c) --------------------------------- */
/*
 * With --demo (demo.enabled), iocd runs a generator of SYNTHETIC sensor series (every one
 * tagged synthetic=true; docs/telemetry.md "Demo sensors"): `air` pm25, pm10, no2, so2, co, o3
 * (µg/m³) and temperature (°C); `water` level (m); `noise` laeq (dB(A)); `water_quality` ph,
 * do, tss (mg/l); `traffic` vehicles; `power` load_mw. Each point has the tags
 * station=<code>, commune=<code>, commune_name=<name> and synthetic=true (this module reads no
 * database: the caller gives the communes and, optionally, the stations).
 *
 *   - The air, water, noise and water-quality stations are the caller's (options.stations)
 *     when given, else a built-in plan: 40 air (AQ-01..40), 20 water (WL-01..20). Then always
 *     30 traffic (TC-01..) and 10 power (PW-01..). Station j of the built-in plan (air 0-39,
 *     water 40-59, traffic 60-89, power 90-99) sits in commune j mod ncommunes; traffic and
 *     power keep those places when stations are given.
 *   - Values are a pure function of (seed, the day of `now`, series, time): daily cycles in
 *     Asia/Ho_Chi_Minh time (traffic peaks at 7:00 and 17:30; PM high at night and at rush
 *     hours and in the dry season; NO2 and CO follow traffic; O3 peaks in the afternoon; SO2
 *     higher at the more industrial stations); PM2.5 pollution episodes (150-250 µg/m³ for a
 *     day or so) around mid-January and late February each year and one 5-7 days before the day
 *     of `now`; water levels follow a 12.42 h tide with a 14.8-day spring-neap cycle plus a
 *     rainy-season swell (June-November) and cross the station's alarm level I in a few floods
 *     a year (one of them 3-4 days before the day of `now`), sometimes II, rarely III.
 *   - At start a thread backfills history (last 2 h at 1 min, 2 days at 5 min, 400 days at
 *     1 h; for each series only the times after its newest point already stored, so a restart
 *     adds just the gap and a new station its year), then submits one point per series every
 *     interval_ms, stamped with a multiple of interval_ms, until stopped.
 *   - It waits for each batch's answer before submitting the next; telemetry_demo_stop wakes
 *     and joins the thread, so it must be called before telemetry_ingest_close.
 */
struct telemetry_demo_commune {
    const char *code, *name; /* copied by telemetry_demo_create */
};

/* An air or water station of the demo (copied by telemetry_demo_create). */
/* The kinds of a given station: its measurement and fields. */
#define TELEMETRY_DEMO_AIR 0           /* air: pm25 … o3 (µg/m³), temperature */
#define TELEMETRY_DEMO_WATER 1         /* water: level (m) */
#define TELEMETRY_DEMO_NOISE 2         /* noise: laeq (dB(A), equivalent continuous level) */
#define TELEMETRY_DEMO_WATER_QUALITY 3 /* water_quality: ph, do (mg/l), tss (mg/l) */
struct telemetry_demo_station {
    const char *code; /* the tag station; unique in the list */
    int kind;         /* TELEMETRY_DEMO_AIR … TELEMETRY_DEMO_WATER_QUALITY */
    const char *commune,
        *commune_name; /* tags commune, commune_name (NULL name: the commune code) */
    double alarm[3];   /* water: alarm levels I, II, III in m (NAN: none; the model then takes
                          its own reference levels) */
};

struct telemetry_demo_options {
    const struct telemetry_demo_commune *communes; /* at least one */
    size_t ncommunes;
    uint64_t seed;   /* 0: 2026 */
    int interval_ms; /* between live points; 0: 10000 */
    int backfill;    /* 1: backfill history at start (see above) */
    /* the air and water stations; NULL: the built-in plan */
    const struct telemetry_demo_station *stations;
    size_t nstations; /* at most TELEMETRY_DEMO_MAX_STATIONS */
    int64_t now_ns;   /* places the recent episode and flood (its day counts); 0: the clock */
};

#define TELEMETRY_DEMO_MAX_STATIONS 4096 /* given air and water stations at most */
#define TELEMETRY_DEMO_AIR_FIELDS 7      /* series of one air station */
#define TELEMETRY_DEMO_OTHER_SERIES 40   /* traffic and power, added to every plan */
/* the built-in plan's series: 340 */
#define TELEMETRY_DEMO_BUILTIN_SERIES                                                              \
    (40 * TELEMETRY_DEMO_AIR_FIELDS + 20 + TELEMETRY_DEMO_OTHER_SERIES)

struct telemetry_demo;

/* Builds the series (no thread yet). 0, IOC_EINVAL (no commune; a station without code or
 * commune, repeated, or more than TELEMETRY_DEMO_MAX_STATIONS) or IOC_ENOMEM. */
int telemetry_demo_create(const struct telemetry_demo_options *o, struct telemetry_demo **out);
void telemetry_demo_destroy(struct telemetry_demo *d);
/* Number of series, and the measurement, field and station code of series i. */
size_t telemetry_demo_series(const struct telemetry_demo *d);
void telemetry_demo_series_info(const struct telemetry_demo *d, size_t i, const char **m,
                                const char **field, const char **station);
/* The commune code and name tags of series i. */
void telemetry_demo_series_where(const struct telemetry_demo *d, size_t i, const char **commune,
                                 const char **commune_name);
/* The value of series i at time t_ns (ns since the epoch). Pure. */
double telemetry_demo_value(const struct telemetry_demo *d, size_t i, int64_t t_ns);
/* Adds one point per series at t_ns to b (telemetry_batch_init'ed). 0 or its error. */
int telemetry_demo_points(const struct telemetry_demo *d, int64_t t_ns, struct telemetry_batch *b);
/* Times of the backfill for now_ns, oldest first, after after_ns (exclusive): written into
 * out[0..cap) when out is not NULL; the count is returned either way. */
size_t telemetry_demo_backfill_times(int64_t now_ns, int64_t after_ns, int64_t *out, size_t cap);
/* Starts the thread writing d's points through ig (see the contract). d is owned by the thread
 * from then on (telemetry_demo_stop frees it), also on failure. 0 or IOC_ENOMEM. */
int telemetry_demo_start(struct telemetry_demo *d, struct telemetry_ingest *ig);
/* Stops the thread and frees d. NULL is fine. */
void telemetry_demo_stop(struct telemetry_demo *d);
/* Points the demo has written (accepted), for tests and the log. */
uint64_t telemetry_demo_written(const struct telemetry_demo *d);

/* ---- storing parsed points outside iocd (import.c) --------------------------------------- */

/* What an import stored. */
struct telemetry_import_stats {
    size_t stored;  /* engine points (numeric fields) stored */
    size_t refused; /* engine points the engine refused */
    size_t strings; /* string fields skipped (not stored) */
    int first_rc;   /* why the first was refused: IOC_EEXIST (the field has another type), ... */
    enum tsdb_type stored_type; /* for IOC_EEXIST: the type the field has */
    char first_field[224];      /* "measurement field f" of the first (may be cut) */
};
struct telemetry_import;
/* Opens the engine of data_dir for storing. IOC_EBUSY while another process (iocd) has it open;
 * err gets why it failed. */
int telemetry_import_open(const char *data_dir, struct telemetry_import **out, char *err,
                          size_t err_size);
/* Adds a parsed point's numeric fields; appended and synced in batches. IOC_EIO when the
 * engine failed, IOC_ETOOBIG for a point of more than 1024 fields. */
int telemetry_import_point(struct telemetry_import *im, const struct telemetry_lp_point *pt);
/* Stores what is left, seals every series and trims the log; *st says what was stored. */
int telemetry_import_finish(struct telemetry_import *im, struct telemetry_import_stats *st);
void telemetry_import_close(struct telemetry_import *im);

#endif
