/*
 * csv.c — a streaming RFC 4180 reader: bytes in, records (arrays of fields) out, fed in pieces
 * of any size (iocctl reads files in 64 KiB blocks; a record may span any number of them).
 *
 * Grammar (RFC 4180, with the usual relaxations written down in docs/telemetry.md, "CSV readings"):
 *
 *   text    = [BOM] { record line-end | line-end } [record]
 *   record  = field { "," field }
 *   field   = quoted | plain
 *   quoted  = '"' { any byte but '"' | '""' } '"'       (may hold CR and LF)
 *   plain   = { any byte but '"' ',' CR LF }
 *   line-end = LF | CR LF | CR
 *
 * An empty line is no record (it is skipped). Every byte of the text must be UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF); the BOM EF BB BF is dropped at the very start.
 *
 * State machine, one byte at a time (after the UTF-8 check, which has its own small state):
 *
 *   FIELD_START --'"'--> QUOTED --'"'--> QUOTE_SEEN --'"'--> QUOTED (a literal ")
 *   FIELD_START --other--> PLAIN
 *   FIELD_START, PLAIN, QUOTE_SEEN --','--> FIELD_START (the field ends)
 *   FIELD_START, PLAIN, QUOTE_SEEN --CR|LF--> the record ends
 *   PLAIN --'"'--> error "quote in an unquoted field"; QUOTE_SEEN --other--> error, PLAIN
 *
 * Invariants:
 *   1. The state after each byte depends only on the bytes so far, never on how they were cut
 *      into pieces: so records and errors are the same however the text is fed (the fuzz
 *      harness checks it).
 *   2. A record is refused at its first error, reported once; the machine keeps running in the
 *      same states until the record's end (so the next record starts where it would have), but
 *      stores no more bytes.
 *   3. buf holds the unquoted bytes of the current record; they are never more than the raw
 *      bytes of the record, which max_record bounds, so buf (max_record bytes) never overflows.
 *   4. (line, col) is the position of the next byte: a CR, an LF, or a CR LF pair is one line
 *      end, inside quotes too; col counts bytes of the line read so far (the BOM excluded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define DEF_FIELD 65536
#define DEF_FIELDS 1024
#define DEF_RECORD 1048576
#define MAX_BYTES ((size_t)1 << 30)
#define MAX_NFIELDS 65536

enum state { FIELD_START, PLAIN, QUOTED, QUOTE_SEEN };

struct ioc_csv_reader {
    struct ioc_csv_limits lim;
    char *buf;                    /* lim.max_record bytes */
    struct ioc_csv_field *fields; /* lim.max_fields */
    size_t used, fstart, nf, raw; /* bytes in buf, start of the current field, fields, raw bytes */
    enum state st;
    int in_record, bad, after_cr;
    size_t line, col, rec_line, qline, qcol;
    int u8_need;                /* continuation bytes still expected */
    unsigned char u8_lo, u8_hi; /* range of the next one */
    int bom;                    /* bytes of a BOM matched so far; 3 once decided */
    size_t lines_before;        /* lines of earlier texts (finish) */
    struct ioc_csv_stats stats;
    ioc_csv_record_fn on_record;
    ioc_csv_error_fn on_error;
    void *ctx;
    char msg[96];
};

static const unsigned char bom_bytes[3] = {0xEF, 0xBB, 0xBF};

static void clear_record(struct ioc_csv_reader *r)
{
    r->used = r->fstart = r->nf = r->raw = 0;
    r->st = FIELD_START;
    r->in_record = r->bad = 0;
}

static void clear_text(struct ioc_csv_reader *r)
{
    clear_record(r);
    r->after_cr = 0;
    r->line = 1;
    r->col = 0;
    r->u8_need = 0;
    r->bom = 0;
}

int ioc_csv_create(const struct ioc_csv_limits *limits, struct ioc_csv_reader **out)
{
    struct ioc_csv_limits l = limits ? *limits : (struct ioc_csv_limits){0};
    l.max_field = l.max_field ? l.max_field : DEF_FIELD;
    l.max_fields = l.max_fields ? l.max_fields : DEF_FIELDS;
    l.max_record = l.max_record ? l.max_record : DEF_RECORD;
    if (l.max_record > MAX_BYTES || l.max_fields > MAX_NFIELDS || l.max_field > l.max_record)
        return IOC_EINVAL;
    struct ioc_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return IOC_ENOMEM;
    r->lim = l;
    r->buf = malloc(l.max_record);
    r->fields = calloc(l.max_fields, sizeof *r->fields);
    if (!r->buf || !r->fields) {
        ioc_csv_destroy(r);
        return IOC_ENOMEM;
    }
    clear_text(r);
    *out = r;
    return 0;
}

void ioc_csv_destroy(struct ioc_csv_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->fields);
    free(r);
}

void ioc_csv_limits_get(const struct ioc_csv_reader *r, struct ioc_csv_limits *out)
{
    *out = r->lim;
}

void ioc_csv_reset(struct ioc_csv_reader *r)
{
    clear_text(r);
    r->lines_before = 0;
    memset(&r->stats, 0, sizeof r->stats);
}

/* Lines of the current text read so far. */
static size_t text_lines(const struct ioc_csv_reader *r)
{
    return r->col > 0 || r->in_record ? r->line : r->line - 1;
}

void ioc_csv_stats_get(const struct ioc_csv_reader *r, struct ioc_csv_stats *out)
{
    *out = r->stats;
    out->lines = r->lines_before + text_lines(r);
}

/* Refuses the current record at (line, col) unless it was refused already. */
static int fail(struct ioc_csv_reader *r, size_t line, size_t col, const char *msg)
{
    if (r->bad)
        return 0;
    r->bad = 1;
    r->stats.bad_records++;
    if (!r->on_error)
        return 0;
    struct ioc_csv_error e = {line, col, r->nf + 1, r->rec_line, msg};
    return r->on_error(r->ctx, &e);
}

/* Stores one byte of the current field. */
static int data(struct ioc_csv_reader *r, unsigned char c, size_t line, size_t col)
{
    if (r->bad)
        return 0;
    if (r->used - r->fstart >= r->lim.max_field) {
        snprintf(r->msg, sizeof r->msg, "field longer than %zu bytes", r->lim.max_field);
        return fail(r, line, col, r->msg);
    }
    r->buf[r->used++] = (char)c;
    return 0;
}

static void end_field(struct ioc_csv_reader *r)
{
    if (r->bad || r->nf == r->lim.max_fields)
        return;
    r->fields[r->nf].p = r->buf + r->fstart;
    r->fields[r->nf].n = r->used - r->fstart;
    r->nf++;
    r->fstart = r->used;
}

static int end_record(struct ioc_csv_reader *r)
{
    end_field(r);
    int rc = 0;
    if (!r->bad) {
        r->stats.records++;
        struct ioc_csv_record rec = {r->fields, r->nf, r->rec_line};
        rc = r->on_record ? r->on_record(r->ctx, &rec) : 0;
    }
    clear_record(r);
    return rc;
}

/* A ',' outside quotes: the field ends and another begins. */
static int comma(struct ioc_csv_reader *r, size_t line, size_t col)
{
    end_field(r);
    r->st = FIELD_START;
    if (r->nf == r->lim.max_fields && !r->bad) {
        snprintf(r->msg, sizeof r->msg, "more than %zu fields", r->lim.max_fields);
        return fail(r, line, col, r->msg);
    }
    return 0;
}

/* One byte through the CSV state machine; (line, col) is its position. */
static int csv_byte(struct ioc_csv_reader *r, unsigned char c, size_t line, size_t col)
{
    int eol = c == '\n' || c == '\r';
    if (!r->in_record) {
        if (eol)
            return 0; /* an empty line, or the LF of a CR LF */
        r->in_record = 1;
        r->rec_line = line;
    }
    int rc = 0;
    if (!(eol && r->st != QUOTED) && ++r->raw > r->lim.max_record) {
        snprintf(r->msg, sizeof r->msg, "record longer than %zu bytes", r->lim.max_record);
        rc = fail(r, line, col, r->msg);
    }
    if (rc)
        return rc;
    switch (r->st) {
    case QUOTED:
        if (c == '"') {
            r->st = QUOTE_SEEN;
            return 0;
        }
        return data(r, c, line, col);
    case QUOTE_SEEN:
        if (c == '"') {
            r->st = QUOTED;
            return data(r, c, line, col);
        }
        if (c != ',' && !eol) {
            r->st = PLAIN;
            rc = fail(r, line, col, "text after the closing quote of a field");
            return rc ? rc : data(r, c, line, col);
        }
        break;
    case FIELD_START:
        if (c == '"') {
            r->st = QUOTED;
            r->qline = line;
            r->qcol = col;
            return 0;
        }
        break;
    case PLAIN:
        if (c == '"') {
            rc = fail(r, line, col, "a quote inside a field that does not start with one");
            return rc ? rc : data(r, c, line, col);
        }
        break;
    }
    if (c == ',')
        return comma(r, line, col);
    if (eol)
        return end_record(r);
    r->st = PLAIN;
    return data(r, c, line, col);
}

/* Starts a UTF-8 sequence at lead byte c. 0 if c is a valid lead (or ASCII), -1 if not. */
static int u8_lead(struct ioc_csv_reader *r, unsigned char c)
{
    r->u8_lo = 0x80;
    r->u8_hi = 0xBF;
    if (c < 0x80)
        r->u8_need = 0;
    else if (c >= 0xC2 && c <= 0xDF)
        r->u8_need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        r->u8_need = 2;
        r->u8_lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
        r->u8_hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        r->u8_need = 3;
        r->u8_lo = c == 0xF0 ? 0x90 : 0x80;
        r->u8_hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
    } else
        return -1;
    return 0;
}

/* One byte of the text: position, UTF-8, then the CSV machine. */
static int text_byte(struct ioc_csv_reader *r, unsigned char c)
{
    size_t line = r->line, col = r->col + 1;
    if (c == '\r' || (c == '\n' && !r->after_cr)) {
        r->line++;
        r->col = 0;
    } else if (c != '\n') {
        r->col++;
    }
    r->after_cr = c == '\r';
    int rc = 0;
    if (r->u8_need > 0) {
        if (c >= r->u8_lo && c <= r->u8_hi) {
            r->u8_need--;
            r->u8_lo = 0x80;
            r->u8_hi = 0xBF;
            return csv_byte(r, c, line, col);
        }
        r->u8_need = 0; /* a cut sequence: refused, and c read afresh */
        rc = fail(r, line, col, "invalid UTF-8");
    }
    if (rc == 0 && u8_lead(r, c) != 0) {
        if (!r->in_record) {
            r->in_record = 1;
            r->rec_line = line;
        }
        rc = fail(r, line, col, "invalid UTF-8");
    }
    return rc ? rc : csv_byte(r, c, line, col);
}

/* Hands the bytes of a BOM prefix that turned out not to be one to the machine. */
static int replay_bom(struct ioc_csv_reader *r)
{
    int held = r->bom;
    r->bom = 3;
    for (int k = 0; k < held; k++) {
        int rc = text_byte(r, bom_bytes[k]);
        if (rc)
            return rc;
    }
    return 0;
}

int ioc_csv_feed(struct ioc_csv_reader *r, const char *p, size_t n, ioc_csv_record_fn on_record,
                 ioc_csv_error_fn on_error, void *ctx)
{
    const unsigned char *s = (const unsigned char *)p;
    r->on_record = on_record;
    r->on_error = on_error;
    r->ctx = ctx;
    size_t i = 0;
    while (i < n && r->bom < 3) {
        if (s[i] == bom_bytes[r->bom]) {
            r->bom++;
            i++;
            continue;
        }
        int rc = replay_bom(r);
        if (rc)
            return rc;
    }
    for (; i < n; i++) {
        int rc = text_byte(r, s[i]);
        if (rc)
            return rc;
    }
    return 0;
}

int ioc_csv_finish(struct ioc_csv_reader *r, ioc_csv_record_fn on_record, ioc_csv_error_fn on_error,
                   void *ctx)
{
    r->on_record = on_record;
    r->on_error = on_error;
    r->ctx = ctx;
    int rc = r->bom < 3 ? replay_bom(r) : 0;
    if (rc == 0 && r->u8_need > 0)
        rc = fail(r, r->line, r->col + 1, "invalid UTF-8: the text ends inside a character");
    if (rc == 0 && r->in_record && r->st == QUOTED)
        rc = fail(r, r->qline, r->qcol, "a quoted field is not closed");
    if (rc == 0 && r->in_record)
        rc = end_record(r);
    r->lines_before += text_lines(r);
    clear_text(r);
    return rc;
}
