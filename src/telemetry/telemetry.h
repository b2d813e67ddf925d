/*
 * telemetry — sensor data on top of the time-series engine: the InfluxDB line-protocol parser
 * (this part), and later MQTT, series naming, ingest and queries.
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

#endif
