/*
 * base — the small libraries every other module stands on: error codes, bounded buffers,
 * Vietnamese text (NFC, folding for search), dates and times, logging, the INI reader, the one
 * bounded number parser.
 *
 * Nothing here knows about HTTP, SQL or the domain. Functions return 0 or a negative IOC_E*
 * code; results go through out-parameters written only on success.
 */
#ifndef IOC_BASE_H
#define IOC_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- errors ----------------------------------------------------------------------------- */

enum {
    IOC_OK = 0,
    IOC_ERR = -1,       /* unspecified failure */
    IOC_ENOMEM = -2,    /* allocation failed */
    IOC_EINVAL = -3,    /* bad input */
    IOC_ENOTFOUND = -4, /* no such object */
    IOC_EEXIST = -5,    /* already exists / unique constraint */
    IOC_ETOOBIG = -6,   /* a cap was reached */
    IOC_EIO = -7,       /* storage or OS failure */
    IOC_EBUSY = -8,     /* locked, try again */
    IOC_EPERM = -9,     /* not allowed */
    IOC_ESHUTDOWN = -10 /* the component is stopping */
};

/* A short English name for rc ("not found"); never NULL. */
const char *ioc_strerror(int rc);

#define IOC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- bounded buffer --------------------------------------------------------------------- */

/*
 * A growable byte buffer that refuses to grow past max (curl's dynbuf idea). data is always
 * NUL-terminated when non-NULL. On any failure the buffer is freed and reset, so a caller that
 * ignores one error sees the next append fail too rather than half-written output.
 */
struct ioc_buf {
    char *data; /* read-only for callers */
    size_t len; /* read-only */
    size_t cap; /* private */
    size_t max; /* private */
};

/* max 0 means 1 GiB. */
void ioc_buf_init(struct ioc_buf *b, size_t max);
/* Appends n bytes of p. Inline for the common case of room left (len + n < cap; cap <= max + 1
 * then bounds it), so that hot paths appending a few bytes at a time pay no call. */
int ioc_buf_append_slow(struct ioc_buf *b, const void *p, size_t n);
static inline int ioc_buf_append(struct ioc_buf *b, const void *p, size_t n)
{
    if (b->data && n < b->cap - b->len) {
        if (n)
            memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    return ioc_buf_append_slow(b, p, n);
}
int ioc_buf_puts(struct ioc_buf *b, const char *s);
int ioc_buf_putc(struct ioc_buf *b, char c);
int ioc_buf_printf(struct ioc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ioc_buf_vprintf(struct ioc_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends s (n bytes, or strlen when n == (size_t)-1) as a JSON string literal with quotes. */
int ioc_buf_json_str(struct ioc_buf *b, const char *s, size_t n);
/* Empties the buffer, keeping its memory. */
void ioc_buf_reset(struct ioc_buf *b);
/* Frees the memory; safe to call twice. */
void ioc_buf_free(struct ioc_buf *b);
/* Hands the malloc'd NUL-terminated data to the caller (who frees it) and resets b. Returns
 * an empty malloc'd string when the buffer is empty, NULL on allocation failure. */
char *ioc_buf_steal(struct ioc_buf *b);

/* ---- Vietnamese text -------------------------------------------------------------------- */

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates), else 0. */
int ioc_utf8_valid(const char *s, size_t n);

/*
 * NFC form of UTF-8 text. *out is malloc'd and NUL-terminated (caller frees), *outlen its
 * length (may be NULL). IOC_EINVAL if s is not valid UTF-8 or contains a NUL byte.
 */
int ioc_text_nfc(const char *s, size_t n, char **out, size_t *outlen);

/*
 * The search key of a text: decomposed, combining marks dropped, đ/Đ → d, lower case, runs of
 * white space and punctuation folded to one space, trimmed. "Biên Hoà", "BIÊN HÒA", "bien  hoa"
 * all give "bien hoa". Returns a malloc'd string (caller frees) or NULL on invalid UTF-8 or
 * allocation failure.
 */
char *ioc_text_fold(const char *s, size_t n);

/*
 * A name typed by a person (an agency's name, a user's display name, a key's name): trims
 * white space (Unicode White_Space) at both ends in place, moving the text to the start of s,
 * then refuses with IOC_EINVAL text that is empty, longer than max bytes, not valid UTF-8, or
 * that holds a control character (C0, DEL, C1), a line or paragraph separator, or a
 * bidirectional formatting character (which can make a name display as another). s is
 * trimmed even when the answer is IOC_EINVAL.
 */
int ioc_text_label(char *s, size_t max);

/* ---- time ------------------------------------------------------------------------------- */

int64_t ioc_now_ms(void);  /* wall clock, ms since the Unix epoch */
int64_t ioc_mono_ns(void); /* monotonic clock, ns */
struct timespec;
/* *ts = CLOCK_MONOTONIC now + ms: the deadline of a pthread_cond_timedwait on a condition
 * variable whose clock is CLOCK_MONOTONIC. */
void ioc_deadline_ms(struct timespec *ts, long ms);

/* Parses a strict YYYY-MM-DD calendar date into days since 1970-01-01. */
int ioc_date_parse(const char *s, size_t n, int32_t *days);
/* Formats days since 1970-01-01 as YYYY-MM-DD into out (11 bytes). */
void ioc_date_format(int32_t days, char out[11]);
/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12, d 1..31; not checked:
 * 2026-02-30 gives 2026-03-02's days) and back. */
int32_t ioc_date_from_civil(int y, int m, int d);
void ioc_date_to_civil(int32_t days, int *y, int *m, int *d);
/* Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) as YYYY-MM-DD. */
void ioc_date_today_vn(char out[11]);
/* RFC 3339 UTC timestamp with milliseconds: 2026-11-23T04:43:48.123Z (25 bytes with NUL). */
void ioc_time_rfc3339(int64_t ms, char out[32]);

/* Parses an RFC 3339 timestamp ("2026-11-23T04:43:48Z", "…T11:43:48.5+07:00") or a plain
 * date (taken as 00:00 in Asia/Ho_Chi_Minh) into ms since the epoch. */
int ioc_time_parse(const char *s, size_t n, int64_t *ms);
/* Parses an RFC 3339 date-time with its offset ("2026-12-02T07:25:00.123456789Z", "…+07:00"; T,
 * t or a space; 1 to 9 fraction digits; second 60 refused) to ns since 1970. IOC_EINVAL for any
 * other text and for times outside int64 nanoseconds (years 1678-2262). The one RFC 3339 reader
 * of telemetry (line-protocol tools, MQTT JSON, CSV readings, queries). */
int ioc_time_parse_ns(const char *s, size_t n, int64_t *ns);

/* ---- logging ---------------------------------------------------------------------------- */

enum { IOC_LOG_DEBUG, IOC_LOG_INFO, IOC_LOG_WARN, IOC_LOG_ERROR };

/* Messages below level are dropped; default IOC_LOG_INFO. */
void ioc_log_set_level(int level);
/* Parses "debug", "info", "warn", "error"; -1 if unknown. */
int ioc_log_level_parse(const char *s);
/* Writes one line "2026-11-23T04:43:48.123Z info message" to stderr. Thread-safe. Never pass
 * passwords, keys or tokens. */
void ioc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- INI -------------------------------------------------------------------------------- */

/*
 * Called once per key. section is "" before the first [section]. Return 0 to go on, or a
 * negative code to stop the parse (ioc_ini_parse then returns that code and sets *err_line).
 */
typedef int (*ioc_ini_cb)(void *ctx, const char *section, const char *key, const char *value,
                          int line);

/*
 * Reads INI text: "[section]", "key = value", comments from '#' or ';' at line start, blank
 * lines. Values are trimmed; a value in double quotes keeps its inner spaces. A line longer than
 * 4096 bytes, a malformed line, or invalid UTF-8 gives IOC_EINVAL with *err_line set (1-based).
 */
int ioc_ini_parse(const char *text, size_t n, ioc_ini_cb cb, void *ctx, int *err_line);

/* ---- numbers ---------------------------------------------------------------------------- */

/*
 * The one parser for numbers from outside. The whole of s[0..n) must be the number (s need not
 * be NUL-terminated): an optional '-' and decimal digits, nothing else — no white space, no '+',
 * no hex or octal ("010" is ten). A value outside [min, max] or outside int64_t is IOC_EINVAL;
 * *out is written only on success. No allocation, no locale.
 */
int ioc_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);

/*
 * Like ioc_parse_i64 for a finite real: ["-"] digits ["." digits] [e ["+"|"-"] digits], at most
 * 127 bytes, '.' as the decimal point whatever the locale. No "inf", "nan", hex, ".5" or "5.";
 * a value that overflows a double or lies outside [min, max] is IOC_EINVAL. A value too small
 * for a double rounds towards zero.
 */
int ioc_parse_f64(const char *s, size_t n, double min, double max, double *out);

/*
 * Numbers written for answers (fmtnum.c), NUL-terminated, returning the length. ioc_fmt_f64
 * writes the shortest decimal that reads back as exactly v ("0.1", "61.46916666666668",
 * "1200"), without an exponent for 1e-4 <= |v| < 1e15, and otherwise as printf's "%.15g" …
 * "%.17g", the first that reads back as v (so a subnormal may get a digit more than it needs;
 * "nan" and "inf" as printf writes them: callers
 * writing JSON check isfinite first).
 */
int ioc_fmt_i64(char out[24], int64_t v);
int ioc_fmt_f64(char out[32], double v);

/* One field of a CSV record: p[0..n), not NUL-terminated. */
struct ioc_csv_field {
    const char *p;
    size_t n;
};

/* ---- CSV (csv.c) ------------------------------------------------------------------------- */
/*
 * csv.c: a streaming RFC 4180 reader (rules in docs/telemetry.md "CSV readings"), the one CSV
 * reader of the project: CSV readings (src/telemetry/readings.c), the indicator catalogue
 * (src/seed/indicators.c).
 *
 *   - Fed in pieces of any size (ioc_csv_feed, then ioc_csv_finish once): a record
 *     may span pieces, and the records and errors are the same however the input is cut.
 *   - UTF-8 with or without a BOM; quoted fields with "" and embedded CR/LF; records end at LF,
 *     CR LF or a lone CR; the last record needs no line end; an empty line is skipped.
 *   - Bounded: max field bytes, max fields per record, max record bytes. Everything is
 *     allocated by ioc_csv_create; feeding allocates nothing.
 *   - A bad record (invalid UTF-8, a stray quote, a limit passed) is reported once to the error
 *     callback with its line and column and dropped; reading goes on with the next record.
 *   - A record handed to the callback is valid only during the call; its fields point into the
 *     reader's buffer, are not NUL-terminated and are valid UTF-8.
 */

struct ioc_csv_limits {
    size_t max_field;  /* bytes of one field, unquoted; 65536 */
    size_t max_fields; /* fields of one record; 1024 */
    size_t max_record; /* bytes of one record as written, its line end excluded; 1048576 */
};

struct ioc_csv_record {
    const struct ioc_csv_field *fields; /* at least one (an empty line is no record) */
    size_t nfields;
    size_t line; /* 1-based line where the record starts */
};

struct ioc_csv_error {
    size_t line;         /* 1-based line of the offending byte (or of the opening quote) */
    size_t column;       /* 1-based, in bytes from the start of that line */
    size_t field;        /* 1-based number of the field it is in */
    size_t record_line;  /* the line where the record starts */
    const char *message; /* short English text, valid during the callback */
};

struct ioc_csv_stats {
    size_t records;     /* handed to the record callback */
    size_t bad_records; /* reported to the error callback */
    size_t lines;       /* lines read, the last one counted even without a line end */
};

/* Same return convention as the line-protocol callbacks: 0 to go on, or a negative IOC_E* code
 * to stop (feed or finish then returns it; the reader must be reset before it is used again). */
typedef int (*ioc_csv_record_fn)(void *ctx, const struct ioc_csv_record *rec);
typedef int (*ioc_csv_error_fn)(void *ctx, const struct ioc_csv_error *err);

struct ioc_csv_reader;

/* Creates a reader with limits (NULL: defaults; a zero member takes its default). The caller
 * destroys it. 0, IOC_ENOMEM, or IOC_EINVAL for an absurd limit (over 1 GiB or 65536 fields,
 * or a field larger than a record). */
int ioc_csv_create(const struct ioc_csv_limits *limits, struct ioc_csv_reader **out);
void ioc_csv_destroy(struct ioc_csv_reader *r);
/* The limits in force (defaults filled in). */
void ioc_csv_limits_get(const struct ioc_csv_reader *r, struct ioc_csv_limits *out);
/* Forgets all input: the next byte fed is the first of a new text (a BOM may follow). */
void ioc_csv_reset(struct ioc_csv_reader *r);
/* Reads p[0..n). on_error may be NULL. 0, or the code a callback returned. */
int ioc_csv_feed(struct ioc_csv_reader *r, const char *p, size_t n, ioc_csv_record_fn on_record,
                 ioc_csv_error_fn on_error, void *ctx);
/* Ends the text: hands over a last record without a line end, reports an unclosed quote or a
 * cut UTF-8 sequence. Then the next byte fed starts a new text (the stats keep counting until
 * ioc_csv_reset). 0 or the code a callback returned. */
int ioc_csv_finish(struct ioc_csv_reader *r, ioc_csv_record_fn on_record, ioc_csv_error_fn on_error,
                   void *ctx);
/* What the reader saw since it was created or reset. */
void ioc_csv_stats_get(const struct ioc_csv_reader *r, struct ioc_csv_stats *out);

/* ---- multipart/form-data (multipart.c) ------------------------------------------------- */

/* One part of a multipart/form-data body (RFC 7578): its Content-Disposition name (UTF-8, never
 * empty), filename (NULL when the part is not a file; "" when sent empty), Content-Type (NULL if
 * absent) and its bytes, which point into the parsed body (binary, may hold NUL). */
struct ioc_part {
    char *name;
    char *filename;
    char *type;
    const unsigned char *data;
    size_t len;
};
struct ioc_multipart {
    struct ioc_part *parts;
    size_t n;
};
#define IOC_MULTIPART_BOUNDARY_MAX 70 /* RFC 2046 */
#define IOC_MULTIPART_HEADER_MAX 8192 /* bytes of one part's header block */
/* The boundary parameter of a multipart/form-data Content-Type (quoted or not, 1-70 characters
 * of RFC 2046's bchars) into out (at least IOC_MULTIPART_BOUNDARY_MAX + 1 bytes); IOC_EINVAL if
 * the type is not multipart/form-data or the boundary is missing or bad. */
int ioc_multipart_boundary(const char *content_type, char *out, size_t out_size);
/* Splits body by boundary: preamble and epilogue ignored, the close delimiter required (a
 * truncated body is refused), each part's headers (CRLF lines, at most IOC_MULTIPART_HEADER_MAX
 * bytes) must hold a Content-Disposition form-data with a name; names and filenames valid UTF-8
 * without control characters. 0, IOC_EINVAL (err says which part and why), IOC_ETOOBIG (more than
 * max_parts parts) or IOC_ENOMEM; on failure m holds nothing. body must outlive m. */
int ioc_multipart_parse(const void *body, size_t n, const char *boundary, size_t max_parts,
                        struct ioc_multipart *m, char *err, size_t err_size);
void ioc_multipart_free(struct ioc_multipart *m);
/* The first part named name, or NULL. */
const struct ioc_part *ioc_multipart_get(const struct ioc_multipart *m, const char *name);

/* ---- small helpers ---------------------------------------------------------------------- */

/* Little-endian integers in byte buffers (the engine's files and log). */
static inline void ioc_le32_put(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline void ioc_le64_put(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t ioc_le32_get(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t ioc_le64_get(const unsigned char *p)
{
    return (uint64_t)ioc_le32_get(p) | (uint64_t)ioc_le32_get(p + 4) << 32;
}

/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. IOC_ETOOBIG
 * past max, IOC_ENOTFOUND if missing, IOC_EIO otherwise. */
int ioc_file_read(const char *path, size_t max, char **out, size_t *outlen);
/* Writes a file crash-safely: path.tmp, fsync, rename, fsync of the directory. */
int ioc_file_write_atomic(const char *path, const void *data, size_t n);
/* mkdir -p with mode 0700 for the last component. */
int ioc_mkdir_p(const char *path);

/* Hex-encodes n bytes into out (2n+1 bytes). */
void ioc_hex(const unsigned char *in, size_t n, char *out);

/* ---- fan-out of live events (fanout.c) -------------------------------------------------- */

/*
 * What the live hubs share (the points of GET /api/v1/stream, the events of GET /api/v1/events):
 * a numbered ring of recent entries, the subscribers and their writers, the Last-Event-ID replay
 * or a reset, a writer with no room kept until a reset fits, and the counters. It knows neither
 * HTTP (writers are the owner's, usually net_stream_offer) nor what an entry holds or what a
 * subscriber wants: the hub's ops say (they format and filter).
 *
 *   - Ids: one uint64 sequence that starts at the wall clock in microseconds when the fan-out is
 *     created. An entry takes n ids, first .. first + n - 1; an SSE event's id is the id of the
 *     last thing it carries. Every id from `lo` on is in the ring; `next` is the next to give. So
 *     a client that saw up to X missed nothing that cannot be replayed exactly when
 *     lo - 1 <= X < next.
 *   - Ring: at most ring_entries entries and ring_bytes bytes; the newest always stays. With
 *     keep_s > 0, an entry published when nobody has listened for keep_s is not kept and the
 *     ring is forgotten (a gap: ids go on, a replay across it is a reset).
 *   - One lock guards everything; writers and ops run under it and must only copy (no I/O, no
 *     waiting). A subscriber sees each entry once, in order, with no gap between its replay and
 *     the live entries.
 *   - A writer that fails is not called again, except with IOC_EBUSY ("no room now"): the
 *     subscriber is then lagging, and at the next entry it wants it gets `reset` (data {}, the
 *     entry's last id) in place of the entry; once a reset was taken the entries go on.
 */
struct ioc_buf;
struct ioc_fanout;
struct ioc_fanout_sub;

/* The head of a hub's entry: the entry is one malloc block starting with this, freed with
 * free() by the fan-out. The hub sets n (ids it takes, >= 1) and bytes (of the whole block). */
struct ioc_fanout_entry {
    struct ioc_fanout_entry *next;
    uint64_t first; /* set by ioc_fanout_publish */
    size_t n;
    size_t bytes;
};

typedef int (*ioc_fanout_write_fn)(void *ctx, const void *p, size_t n);

/* The hub's side, all called under the fan-out's lock with hub as given. */
struct ioc_fanout_ops {
    void *hub;
    /* Writes, through emit(ectx, ...), the SSE events for the ids of e above `after` that the
     * subscriber with this filter wants. 0, or emit's error at once. Required. */
    int (*deliver)(void *hub, const void *filter, const struct ioc_fanout_entry *e, uint64_t after,
                   ioc_fanout_write_fn emit, void *ectx);
    /* 0 when the subscriber wants nothing of e: it gets neither e nor a reset for it. NULL: every
     * entry may concern every subscriber (a lagging one gets its reset at the next entry). */
    int (*wants)(void *hub, const void *filter, const struct ioc_fanout_entry *e);
    /* Runs once e->first is known, before e is linked or written (may be NULL). */
    void (*stamp)(void *hub, struct ioc_fanout_entry *e);
    /* Frees a subscriber's filter when it leaves (may be NULL). */
    void (*free_filter)(void *filter);
};

struct ioc_fanout_options {
    size_t ring_entries; /* entries kept at most; 0: 1000 */
    size_t ring_bytes;   /* their bytes at most; 0: 8 MiB */
    int keep_s;          /* > 0: the ring is forgotten once nobody listened for so long */
};

/* 0 or IOC_ENOMEM. ops is copied. */
int ioc_fanout_create(const struct ioc_fanout_options *o, const struct ioc_fanout_ops *ops,
                      struct ioc_fanout **out);
/* No subscriber may remain. NULL is fine. */
void ioc_fanout_destroy(struct ioc_fanout *f);
/* 1 when an entry of n ids published now would not be kept (nobody listens, none for keep_s):
 * the n ids are taken and the ring is forgotten, as by ioc_fanout_publish; the hub need not
 * build the entry. 0 otherwise (nothing changed). */
int ioc_fanout_skip(struct ioc_fanout *f, size_t n);
/* Takes n ids and forgets the ring (the hub could not build an entry of n ids: a gap). */
void ioc_fanout_gap(struct ioc_fanout *f, size_t n);
/* Numbers e (ops.stamp), links it and writes it to every subscriber that wants it, then trims
 * the ring; or, as ioc_fanout_skip says, frees it at once (a gap). Takes e. Returns e's last id. */
uint64_t ioc_fanout_publish(struct ioc_fanout *f, struct ioc_fanout_entry *e);
/*
 * Writes "retry: 3000" and, when have_last, the events after last_id this filter wants (or a
 * reset when that id cannot be replayed or the replay passes max_replay bytes), then links the
 * subscriber. Takes filter (freed by ops.free_filter, also on failure). 0, IOC_ENOMEM, or the
 * writer's error (not linked).
 */
int ioc_fanout_subscribe(struct ioc_fanout *f, void *filter, int have_last, uint64_t last_id,
                         size_t max_replay, ioc_fanout_write_fn write, void *ctx,
                         struct ioc_fanout_sub **out);
/* NULL s is fine. After it returns, the writer's context is never used again. */
void ioc_fanout_unsubscribe(struct ioc_fanout *f, struct ioc_fanout_sub *s);
/* Writes p to every live subscriber (e.g. a heartbeat comment); no entry, no id. A writer with
 * no room skips it; any other failure marks the subscriber failed. */
void ioc_fanout_broadcast(struct ioc_fanout *f, const void *p, size_t n);

struct ioc_fanout_counts {
    uint64_t subscribers;
    uint64_t delivered; /* entries written whole to a subscriber at publish */
    uint64_t resets;    /* replays that became a reset, and resets to lagging subscribers */
    uint64_t lagged;    /* times a subscriber began to lag */
    uint64_t failures;  /* subscribers whose writer failed (dropped or gone) */
};
void ioc_fanout_counts(struct ioc_fanout *f, struct ioc_fanout_counts *c);
/* Appends PREFIX_subscribers ("Clients of " clients_of), PREFIX_resets_total,
 * PREFIX_lagged_total and PREFIX_writer_failures_total in the Prometheus text format. 0 or
 * IOC_ENOMEM. */
int ioc_fanout_metrics(struct ioc_fanout *f, struct ioc_buf *b, const char *prefix,
                       const char *clients_of);

#endif
