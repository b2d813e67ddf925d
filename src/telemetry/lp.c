/*
 * lp.c — the InfluxDB line-protocol parser: entries, their elements, errors and recovery.
 *
 * The grammar, as the reference and its corpus define it (docs/telemetry.md "Line protocol"):
 *
 *   text    = { blank | comment | entry } ;  each ends at LF, CR LF, or CR at the end of text
 *   blank   = " "* EOL                       comment = " "* "#" printable* EOL
 *   entry   = " "* measurement { "," key "=" tagval } " "+ field { "," field } [ " "+ time ] " "*
 * EOL field   = key "=" ( float | int "i" | uint "u" | bool | '"' string '"' )
 *
 * Bytes allowed in each element and the escapes (backslash + the character) it knows:
 *
 *   element       refused bytes (unless escaped)           escapes
 *   measurement   , space, controls (0-31, 127)            , space
 *   tag/field key , = space, controls                      , = space
 *   tag value     , = space CR LF                          , = space
 *   string field  "                                        " backslash
 *
 * A backslash before any other byte is an ordinary byte. Every element is valid UTF-8 once
 * unescaped, and none is empty; string fields may hold any byte, newlines included.
 *
 * Invariants
 *   1. The parser never reads outside text[0..n): every index is checked against n first.
 *   2. Unescaped text goes to p->scratch; an entry never takes more than max_line bytes of it,
 *      because a token is measured against max_line before it is copied.
 *   3. Each entry is either handed to on_point whole or reported once to on_error; after an
 *      error the rest of its line is skipped (unless its end of line was already read), so
 *      the next line is parsed afresh.
 *   4. Line numbers count every LF read, those inside string fields included.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/lp_int.h"

enum {
    C_MEAS = 1,     /* may appear in a measurement */
    C_KEY = 2,      /* in a tag key or field key */
    C_TVAL = 4,     /* in a tag value */
    C_FVAL = 8,     /* in a number or boolean field value */
    C_TIME = 16,    /* in a timestamp */
    C_COMMENT = 32, /* in a comment */
    C_STR = 64,     /* in a string field */
    E_MEAS = 1,     /* escapable in a measurement */
    E_KEY = 2,      /* escapable in a key or tag value */
    E_STR = 4,      /* escapable in a string field */
};

static unsigned char cls[256], esc[256];

static void classes_init(void)
{
    for (int c = 0; c < 256; c++) {
        int ctl = c < 32 || c == 127;
        int ws = c == ' ' || c == '\r' || c == '\n';
        unsigned char k = 0;
        if (!ctl && c != ',' && c != ' ')
            k |= C_MEAS;
        if (!ctl && c != ',' && c != '=' && c != ' ')
            k |= C_KEY;
        if (!ws && c != ',' && c != '=')
            k |= C_TVAL;
        if (!ws && c != ',')
            k |= C_FVAL;
        if (c == '-' || (c >= '0' && c <= '9'))
            k |= C_TIME;
        if (!ctl)
            k |= C_COMMENT;
        if (c != '"' && c != '\n')
            k |= C_STR;
        /* take_esc handles backslash itself (and LF in strings): in none of its classes */
        cls[c] = c == '\\' ? (k & (C_FVAL | C_COMMENT)) : k;
    }
    esc[' '] = E_MEAS | E_KEY;
    esc[','] = E_MEAS | E_KEY;
    esc['='] = E_KEY;
    esc['"'] = E_STR;
    esc['\\'] = E_STR;
}

/* The state of one parse: the text, where we are, and the entry being read. */
struct cur {
    struct telemetry_lp_parser *p;
    const char *s;
    size_t n;
    size_t pos;
    size_t line;  /* line of s[pos] */
    size_t start; /* offset of the current entry */
    size_t sline; /* its line */
    int eol_read; /* the current entry's end of line was consumed */
    size_t err_off;
    const char *err;
};

static int fail(struct cur *c, size_t off, const char *msg)
{
    c->err_off = off;
    c->err = msg;
    return -1;
}

/* fail() with a message formatted into the parser's buffer. */
__attribute__((format(printf, 3, 4))) static int failf(struct cur *c, size_t off, const char *fmt,
                                                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->p->msg, sizeof c->p->msg, fmt, ap);
    va_end(ap);
    return fail(c, off, c->p->msg);
}

/* Describes byte ch for a message: 'x', or a name for white space and controls. */
static const char *byte_name(unsigned char ch, char buf[8])
{
    if (ch == ' ')
        return "a space";
    if (ch == '\n' || ch == '\r')
        return "the end of the line";
    if (ch < 32 || ch >= 127)
        snprintf(buf, 8, "0x%02X", ch);
    else
        snprintf(buf, 8, "'%c'", ch);
    return buf;
}

/* How many bytes of s to quote in a message: at most 40, not splitting a UTF-8 sequence. */
static int quoted_len(struct telemetry_str s)
{
    size_t n = s.n;
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)s.p[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

static int line_too_long(struct cur *c)
{
    return failf(c, c->start + c->p->lim.max_line, "line longer than %zu bytes",
                 c->p->lim.max_line);
}

/* Consumes an end of line (LF, CR LF, CR at the end of text, or the end of text). */
static int take_eol(struct cur *c)
{
    if (c->pos == c->n)
        return 1;
    if (c->s[c->pos] == '\n') {
        c->pos++;
        c->line++;
        return 1;
    }
    if (c->s[c->pos] == '\r' && (c->pos + 1 == c->n || c->s[c->pos + 1] == '\n')) {
        c->pos += c->pos + 1 == c->n ? 1 : 2;
        c->line += c->pos <= c->n && c->s[c->pos - 1] == '\n';
        return 1;
    }
    return 0;
}

static void skip_spaces(struct cur *c)
{
    while (c->pos < c->n && c->s[c->pos] == ' ')
        c->pos++;
}

/* Takes the bytes of class k from pos (no escapes). */
static size_t take(struct cur *c, unsigned k)
{
    size_t i = c->pos;
    while (i < c->n && (cls[(unsigned char)c->s[i]] & k))
        i++;
    size_t from = c->pos;
    c->pos = i;
    return i - from;
}

/* Takes a token of class k with escapes e, unescaped into *out (pointing into the text when it
 * has no escapes, else into the scratch buffer). max: the most bytes it may have unescaped. */
static int take_esc(struct cur *c, unsigned k, unsigned e, size_t max, const char *what,
                    struct telemetry_str *out)
{
    const unsigned char *s = (const unsigned char *)c->s;
    size_t i = c->pos, nesc = 0, nl = 0;
    unsigned hi = 0;
    for (;;) { /* backslash and LF are in no class: they take the slow path below */
        while (i < c->n && (cls[s[i]] & k))
            hi |= s[i++];
        if (i == c->n)
            break;
        if (s[i] == '\\') {
            if (i + 1 < c->n && (esc[s[i + 1]] & e)) {
                nesc++;
                hi |= s[i + 1];
                i += 2;
            } else {
                i++;
            }
        } else if (s[i] == '\n' && (k & C_STR)) {
            nl++;
            i++;
        } else {
            break;
        }
    }
    size_t from = c->pos;
    c->pos = i; /* past the whole token, even when refused: recovery resumes after it */
    c->line += nl;
    if (i - c->start > c->p->lim.max_line)
        return line_too_long(c);
    out->p = c->s + from;
    out->n = i - from - nesc;
    if (out->n > max)
        return failf(c, from, "%s longer than %zu bytes", what, max);
    if (nesc) {
        char *d = c->p->scratch + c->p->used;
        out->p = d;
        for (size_t j = from; j < i; j++)
            *d++ = s[j] == '\\' && j + 1 < i && (esc[s[j + 1]] & e) ? (char)s[++j] : (char)s[j];
        c->p->used += out->n;
    }
    if ((hi & 0x80) && !ioc_utf8_valid(out->p, out->n))
        return failf(c, from, "%s is not valid UTF-8", what);
    return 0;
}

/* After a measurement or tag value: a comma must be followed by a tag key. */
static int tag_comma(struct cur *c)
{
    if (c->pos == c->n || c->s[c->pos] != ',')
        return 0;
    c->pos++;
    if (c->pos == c->n)
        return fail(c, c->pos, "expected a tag key after ',', found the end of the text");
    char ch = c->s[c->pos];
    if (ch == ' ' || ch == '\r' || ch == '\n')
        return fail(c, c->pos, "expected a tag key after ',', found white space");
    return 0;
}

static int parse_measurement(struct cur *c, struct telemetry_str *name)
{
    size_t at = c->pos;
    if (take_esc(c, C_MEAS, E_MEAS, c->p->lim.max_key, "measurement", name))
        return -1;
    char buf[8];
    if (name->n == 0)
        return c->pos == c->n ? fail(c, at, "no measurement name")
                              : failf(c, at, "invalid character %s at the start of a measurement",
                                      byte_name((unsigned char)c->s[c->pos], buf));
    if (name->p[0] == '#')
        return fail(c, at, "invalid character in a comment line");
    return tag_comma(c);
}

/* Reads the tags up to the spaces before the fields; *ntags their number (unsorted). */
static int parse_tags(struct cur *c, size_t *ntags)
{
    struct telemetry_lp_parser *p = c->p;
    char buf[8];
    size_t nt = 0;
    while (c->pos < c->n && c->s[c->pos] != ' ') {
        size_t at = c->pos;
        struct telemetry_lp_tag t;
        if (take_esc(c, C_KEY, E_KEY, p->lim.max_key, "tag key", &t.key))
            return -1;
        if (c->pos == c->n)
            return fail(c, at, "expected '=' after a tag key, found the end of the text");
        if (t.key.n == 0 || c->s[c->pos] != '=')
            return t.key.n ? failf(c, c->pos, "expected '=' after tag key, found %s",
                                   byte_name((unsigned char)c->s[c->pos], buf))
                   : c->s[c->pos] == '\n' || c->s[c->pos] == '\r'
                       ? fail(c, at, "no fields: a space and field=value must follow")
                       : failf(c, at, "expected a tag key or a space, found %s",
                               byte_name((unsigned char)c->s[c->pos], buf));
        c->pos++;
        size_t vat = c->pos;
        if (take_esc(c, C_TVAL, E_KEY, p->lim.max_value, "tag value", &t.value))
            return -1;
        if (t.value.n == 0)
            return fail(c, vat, "expected a tag value after '='");
        if (nt == p->lim.max_tags)
            return failf(c, at, "more than %zu tags", p->lim.max_tags);
        p->tags[nt] = t;
        p->tag_off[nt++] = at;
        if (c->pos == c->n)
            break;
        if (tag_comma(c))
            return -1;
    }
    skip_spaces(c);
    *ntags = nt;
    return 0;
}

/* Reads the value of a field at pos into f, and the separator after it. */
static int parse_field_value(struct cur *c, struct telemetry_lp_field *f)
{
    size_t at = c->pos;
    struct telemetry_lp_parser *p = c->p;
    struct telemetry_str raw;
    if (at == c->n)
        return fail(c, at, "expected a field value, found the end of the text");
    char ch = c->s[at];
    if (ch == '"') {
        c->pos++;
        if (take_esc(c, C_STR, E_STR, p->lim.max_value, "string field", &f->v.s))
            return -1;
        if (c->pos == c->n)
            return fail(c, at, "string field without its closing quote");
        c->pos++;
        f->type = TELEMETRY_LP_STRING;
        return 0;
    }
    if (ch != 't' && ch != 'T' && ch != 'f' && ch != 'F' && ch != '-' && ch != '.' &&
        (ch < '0' || ch > '9'))
        return fail(c, at, "a field value must be a number, a boolean or a quoted string");
    raw.p = c->s + at;
    raw.n = take(c, C_FVAL);
    if (c->pos - c->start > p->lim.max_line)
        return line_too_long(c);
    const char *why;
    char last = raw.p[raw.n - 1];
    if (ch == 't' || ch == 'T' || ch == 'f' || ch == 'F') {
        f->type = TELEMETRY_LP_BOOL;
        why = lp_parse_bool(raw.p, raw.n, &f->v.b);
    } else if (last == 'i') {
        f->type = TELEMETRY_LP_INT;
        why = lp_parse_int(raw.p, raw.n - 1, &f->v.i);
    } else if (last == 'u') {
        f->type = TELEMETRY_LP_UINT;
        why = lp_parse_uint(raw.p, raw.n - 1, &f->v.u);
    } else {
        f->type = TELEMETRY_LP_FLOAT;
        why = lp_parse_float(raw.p, raw.n, p->scratch + p->used, &f->v.f);
    }
    return why ? failf(c, at, "field \"%.*s\": %s", quoted_len(f->key), f->key.p, why) : 0;
}

/* Reads the fields; *more is 1 when a timestamp follows, 0 when the entry ended. */
static int parse_fields(struct cur *c, size_t *nfields, int *more)
{
    struct telemetry_lp_parser *p = c->p;
    char buf[8];
    size_t nf = 0;
    for (;;) {
        size_t at = c->pos;
        struct telemetry_lp_field f;
        if (take_esc(c, C_KEY, E_KEY, p->lim.max_key, "field key", &f.key))
            return -1;
        if (f.key.n == 0)
            return c->pos == c->n ? fail(c, at, "expected a field, found the end of the text")
                                  : failf(c, at, "invalid character %s at the start of a field",
                                          byte_name((unsigned char)c->s[c->pos], buf));
        if (c->pos == c->n || c->s[c->pos] != '=')
            return failf(c, c->pos, "expected '=' after field key, found %s",
                         c->pos == c->n ? "the end of the text"
                                        : byte_name((unsigned char)c->s[c->pos], buf));
        if (nf == p->lim.max_fields)
            return failf(c, at, "more than %zu fields", p->lim.max_fields);
        c->pos++;
        if (parse_field_value(c, &f))
            return -1;
        p->fields[nf++] = f;
        *nfields = nf;
        if (c->pos == c->n)
            return *more = 0, 0;
        char ch = c->s[c->pos];
        if (ch == ',') {
            c->pos++;
            continue;
        }
        if (ch != ' ' && ch != '\r' && ch != '\n')
            return failf(c, c->pos, "unexpected %s after a field value", byte_name(ch, buf));
        skip_spaces(c);
        c->eol_read = take_eol(c);
        *more = !c->eol_read;
        return 0;
    }
}

/* Reads the timestamp (if any) and the end of the entry. */
static int parse_time(struct cur *c, enum telemetry_lp_precision prec, int64_t *ns)
{
    size_t at = c->pos;
    size_t len = take(c, C_TIME);
    if (c->pos < c->n && c->s[c->pos] != ' ' && c->s[c->pos] != '\r' && c->s[c->pos] != '\n')
        return fail(c, at, "invalid timestamp: only an integer may follow the fields");
    skip_spaces(c);
    if (!take_eol(c))
        return fail(c, c->pos, "unexpected text after the timestamp");
    c->eol_read = 1;
    if (c->pos - c->start > c->p->lim.max_line + 2)
        return line_too_long(c);
    if (len == 0)
        return 0;
    const char *why = lp_parse_time(c->s + at, len, prec, ns);
    return why ? fail(c, at, why) : 0;
}

/* Bytes of the current entry without its end of line. */
static size_t entry_len(const struct cur *c)
{
    size_t end = c->pos;
    if (c->eol_read && end > c->start && c->s[end - 1] == '\n')
        end--;
    if (c->eol_read && end > c->start && c->s[end - 1] == '\r')
        end--;
    return end - c->start;
}

/* Parses one entry starting at pos into p->tags / p->fields and *pt. 0 or -1 (c->err set). */
static int parse_entry(struct cur *c, enum telemetry_lp_precision prec, int64_t dflt,
                       struct telemetry_lp_point *pt)
{
    struct telemetry_lp_parser *p = c->p;
    size_t ntags = 0, nfields = 0;
    int more = 0;
    p->used = 0;
    if (parse_measurement(c, &pt->name) || parse_tags(c, &ntags))
        return -1;
    long dup = lp_tags_sort(p->tags, p->tag_off, ntags);
    if (dup >= 0)
        return failf(c, p->tag_off[dup], "tag key \"%.*s\" appears twice",
                     quoted_len(p->tags[dup].key), p->tags[dup].key.p);
    if (parse_fields(c, &nfields, &more))
        return -1;
    pt->time_ns = dflt;
    if (more && parse_time(c, prec, &pt->time_ns))
        return -1;
    if (entry_len(c) > p->lim.max_line)
        return line_too_long(c);
    pt->tags = p->tags;
    pt->ntags = ntags;
    pt->fields = p->fields;
    pt->nfields = nfields;
    pt->line = c->sline;
    return 0;
}

/* Skips blank lines and comments. A comment with a control character is left for
 * parse_entry to refuse (pos stays at its '#'). */
static void skip_blank(struct cur *c)
{
    while (c->pos < c->n) {
        skip_spaces(c);
        if (c->pos == c->n)
            return;
        char ch = c->s[c->pos];
        if (ch == '#') {
            size_t at = c->pos;
            take(c, C_COMMENT);
            if (!take_eol(c)) {
                c->pos = at;
                return;
            }
        } else if (ch == '\n' || ch == '\r') {
            if (!take_eol(c))
                return;
        } else {
            return;
        }
    }
}

/* Reports the error of the current entry (line and column of c->err_off) and skips the rest of
 * its line unless its end of line was read. */
static int report(struct cur *c, telemetry_lp_error_fn on_error, void *ctx)
{
    size_t line = c->sline, col_from = c->start;
    for (size_t i = c->start; i < c->err_off && i < c->n; i++)
        if (c->s[i] == '\n')
            line++, col_from = i + 1;
    struct telemetry_lp_error e = {line, c->err_off - col_from + 1, c->err};
    if (!c->eol_read) {
        const char *nl = c->pos < c->n ? memchr(c->s + c->pos, '\n', c->n - c->pos) : NULL;
        c->pos = nl ? (size_t)(nl - c->s) + 1 : c->n;
        c->line += nl != NULL;
    }
    return on_error ? on_error(ctx, &e) : 0;
}

int telemetry_lp_parse(struct telemetry_lp_parser *p, const char *text, size_t n,
                       enum telemetry_lp_precision precision, int64_t default_ns,
                       telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error, void *ctx,
                       struct telemetry_lp_stats *stats)
{
    struct cur c = {.p = p, .s = text, .n = n, .line = 1};
    struct telemetry_lp_stats st = {0};
    if ((unsigned)precision > TELEMETRY_LP_H)
        return IOC_EINVAL;
    int64_t dflt = lp_default_time(default_ns, precision);
    int rc = 0;
    for (;;) {
        skip_blank(&c);
        if (c.pos >= c.n)
            break;
        struct telemetry_lp_point pt;
        c.start = c.pos;
        c.sline = c.line;
        c.eol_read = 0;
        if (parse_entry(&c, precision, dflt, &pt) == 0) {
            st.points++;
            rc = on_point(ctx, &pt);
        } else {
            st.bad_lines++;
            rc = report(&c, on_error, ctx);
        }
        if (rc)
            break;
    }
    st.lines = n == 0 ? 0 : text[n - 1] == '\n' ? c.line - 1 : c.line;
    if (stats)
        *stats = st;
    return rc;
}

static size_t pick(size_t v, size_t dflt)
{
    return v ? v : dflt;
}

int telemetry_lp_create(const struct telemetry_lp_limits *limits, struct telemetry_lp_parser **out)
{
    static const struct telemetry_lp_limits none;
    const struct telemetry_lp_limits *l = limits ? limits : &none;
    struct telemetry_lp_limits lim = {pick(l->max_line, 262144), pick(l->max_tags, 64),
                                      pick(l->max_fields, 256), pick(l->max_key, 256),
                                      pick(l->max_value, 65536)};
    if (lim.max_line > (1u << 30) || lim.max_tags > 65536 || lim.max_fields > 65536 ||
        lim.max_key > (1u << 30) || lim.max_value > (1u << 30))
        return IOC_EINVAL;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, classes_init);
    struct telemetry_lp_parser *p = calloc(1, sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    p->lim = lim;
    p->tags = calloc(lim.max_tags, sizeof *p->tags);
    p->tag_off = calloc(lim.max_tags, sizeof *p->tag_off);
    p->fields = calloc(lim.max_fields, sizeof *p->fields);
    p->scratch = malloc(lim.max_line + 1);
    if (!p->tags || !p->tag_off || !p->fields || !p->scratch) {
        telemetry_lp_destroy(p);
        return IOC_ENOMEM;
    }
    *out = p;
    return 0;
}

void telemetry_lp_destroy(struct telemetry_lp_parser *p)
{
    if (!p)
        return;
    free(p->tags);
    free(p->tag_off);
    free(p->fields);
    free(p->scratch);
    free(p);
}

void telemetry_lp_limits_get(const struct telemetry_lp_parser *p, struct telemetry_lp_limits *out)
{
    *out = p->lim;
}
