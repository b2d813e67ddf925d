/*
 * readings.c — CSV readings to points: the layout of docs/telemetry.md "CSV readings" on top
 * of the streaming reader of csv.c.
 *
 *   time,measurement,tag.station,tag.kind,pm25,aqi,ok
 *   2024-05-01T10:00:00+07:00,air,BH-01,pm,12.5,51,true
 *
 * The first record is the header; it decides what every column is (struct column) once, so
 * a row costs no lookup and no allocation: each row fills the point's tag and field arrays,
 * sized by the header, and hands the point to the caller. Tags are kept in key order: the
 * order of the tag columns sorted by key, computed from the header.
 *
 * Invariants:
 *   1. A header is accepted only if it names a time column, at least one field column, a
 *      measurement (column or option), unique non-empty column names without control
 *      characters, at most 64 tags and 256 fields (the line-protocol parser's limits), and
 *      every --int column as a field column. Otherwise nothing else is read (fatal).
 *   2. Every data row ends as exactly one point or exactly one refusal.
 *   3. A point has a non-empty measurement, at least one field, tags sorted by unique key with
 *      non-empty values, and line = the CSV line where its row starts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/lp_int.h"
#include "telemetry/telemetry.h"

#define MAX_TAGS 64
#define MAX_FIELDS 256
#define MAX_NAME 256
#define NONE ((size_t)-1)

enum kind { COL_TIME, COL_MEASUREMENT, COL_TAG, COL_FIELD };

struct column {
    enum kind kind;
    int is_int;
    struct telemetry_str key; /* tag or field key, in names */
};

struct telemetry_readings {
    struct ioc_csv_reader *csv;
    char *measurement; /* option; NULL if none */
    enum telemetry_lp_precision prec;
    char **ints; /* --int column names */
    size_t nints;
    int have_header, fatal;
    size_t header_line;
    char *names; /* the header's bytes */
    struct column *cols;
    size_t ncols, time_col, meas_col;
    size_t *tag_cols; /* column of each tag, sorted by key */
    size_t ntags, nfields;
    struct telemetry_lp_tag *tags;
    struct telemetry_lp_field *fields;
    char *tmp;                   /* max_field + 1 bytes for the float parser */
    struct telemetry_str *cells; /* max_fields: the fields of the record being read */
    struct telemetry_readings_stats stats;
    telemetry_lp_point_fn on_point;
    telemetry_lp_error_fn on_error;
    void *ctx;
    char msg[256];
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

static int opt_copy(struct telemetry_readings *rd, const struct telemetry_readings_options *o)
{
    if (o->measurement) {
        size_t n = strlen(o->measurement);
        if (n == 0 || n > MAX_NAME || !ioc_utf8_valid(o->measurement, n) ||
            has_control(o->measurement, n))
            return IOC_EINVAL;
        if (!(rd->measurement = dup_str(o->measurement)))
            return IOC_ENOMEM;
    }
    if ((unsigned)o->precision > TELEMETRY_LP_H)
        return IOC_EINVAL;
    rd->prec = o->precision;
    if (o->nint_columns) {
        rd->ints = calloc(o->nint_columns, sizeof *rd->ints);
        if (!rd->ints)
            return IOC_ENOMEM;
    }
    for (size_t i = 0; i < o->nint_columns; i++, rd->nints++)
        if (!(rd->ints[i] = dup_str(o->int_columns[i])))
            return IOC_ENOMEM;
    return 0;
}

int telemetry_readings_create(const struct telemetry_readings_options *opt,
                              struct telemetry_readings **out)
{
    struct telemetry_readings_options o = opt ? *opt : (struct telemetry_readings_options){0};
    struct telemetry_readings *rd = calloc(1, sizeof *rd);
    if (!rd)
        return IOC_ENOMEM;
    int rc = opt_copy(rd, &o);
    if (rc == 0)
        rc = ioc_csv_create(o.limits, &rd->csv);
    struct ioc_csv_limits lim;
    if (rc == 0) {
        ioc_csv_limits_get(rd->csv, &lim);
        rd->tmp = malloc(lim.max_field + 1);
        rd->cells = calloc(lim.max_fields, sizeof *rd->cells);
        if (!rd->tmp || !rd->cells)
            rc = IOC_ENOMEM;
    }
    if (rc) {
        telemetry_readings_destroy(rd);
        return rc;
    }
    *out = rd;
    return 0;
}

void telemetry_readings_destroy(struct telemetry_readings *rd)
{
    if (!rd)
        return;
    ioc_csv_destroy(rd->csv);
    free(rd->cells);
    free(rd->measurement);
    for (size_t i = 0; i < rd->nints; i++)
        free(rd->ints[i]);
    free(rd->ints);
    free(rd->names);
    free(rd->cols);
    free(rd->tag_cols);
    free(rd->tags);
    free(rd->fields);
    free(rd->tmp);
    free(rd);
}

void telemetry_readings_stats_get(const struct telemetry_readings *rd,
                                  struct telemetry_readings_stats *out)
{
    *out = rd->stats;
}

/* Reports an error at (line, column); for a data row it counts as a refused row. */
static int report(struct telemetry_readings *rd, size_t line, size_t column, const char *msg)
{
    if (rd->have_header)
        rd->stats.refused++;
    if (!rd->on_error)
        return 0;
    struct telemetry_lp_error e = {line, column, msg};
    return rd->on_error(rd->ctx, &e);
}

/* A header error: reported at the header's line (column 0 for the header as a whole);
 * nothing more is read. */
static int header_error(struct telemetry_readings *rd, size_t column, const char *msg)
{
    rd->fatal = 1;
    int rc = report(rd, rd->header_line ? rd->header_line : 1, column, msg);
    return rc ? rc : IOC_EINVAL;
}

static int key_cmp(const struct telemetry_str *a, const struct telemetry_str *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    return c ? c : (a->n < b->n ? -1 : a->n > b->n);
}

static int is_int_column(const struct telemetry_readings *rd, struct telemetry_str key)
{
    for (size_t i = 0; i < rd->nints; i++)
        if (strlen(rd->ints[i]) == key.n && memcmp(rd->ints[i], key.p, key.n) == 0)
            return 1;
    return 0;
}

/* Decides what column i (named s) is. 0 or the header error. */
static int classify(struct telemetry_readings *rd, size_t i, struct telemetry_str s)
{
    struct column *c = &rd->cols[i];
    if (s.n == 0 || s.n > MAX_NAME + 4 || has_control(s.p, s.n))
        return header_error(rd, i + 1,
                            "a column name is empty, too long or holds a control character");
    for (size_t k = 0; k < i; k++)
        if (rd->cols[k].key.n == s.n && memcmp(rd->cols[k].key.p, s.p, s.n) == 0)
            return header_error(rd, i + 1, "a column name is repeated");
    c->key = s;
    if (s.n == 4 && memcmp(s.p, "time", 4) == 0) {
        c->kind = COL_TIME;
        rd->time_col = i;
    } else if (s.n == 11 && memcmp(s.p, "measurement", 11) == 0) {
        c->kind = COL_MEASUREMENT;
        rd->meas_col = i;
    } else if (s.n >= 4 && memcmp(s.p, "tag.", 4) == 0) {
        if (s.n == 4)
            return header_error(rd, i + 1, "a tag column needs a key after \"tag.\"");
        c->kind = COL_TAG;
        rd->tag_cols[rd->ntags++] = i;
    } else {
        if (s.n > MAX_NAME)
            return header_error(rd, i + 1, "a field name is longer than 256 bytes");
        c->kind = COL_FIELD;
        c->is_int = is_int_column(rd, s);
        rd->nfields++;
    }
    return 0;
}

/* Sorts the tag columns by key (the key is the name after "tag."). */
static void sort_tags(struct telemetry_readings *rd)
{
    for (size_t i = 0; i < rd->ntags; i++) {
        struct column *c = &rd->cols[rd->tag_cols[i]];
        c->key.p += 4;
        c->key.n -= 4;
    }
    for (size_t i = 1; i < rd->ntags; i++) {
        size_t t = rd->tag_cols[i], j = i;
        for (; j > 0 && key_cmp(&rd->cols[rd->tag_cols[j - 1]].key, &rd->cols[t].key) > 0; j--)
            rd->tag_cols[j] = rd->tag_cols[j - 1];
        rd->tag_cols[j] = t;
    }
}

/* Checks the header once its columns are classified. 0 or the header error. */
static int check_header(struct telemetry_readings *rd)
{
    if (rd->time_col == NONE)
        return header_error(rd, 0, "the header has no time column");
    if (rd->nfields == 0)
        return header_error(rd, 0, "the header has no field column");
    if (rd->meas_col == NONE && !rd->measurement)
        return header_error(rd, 0, "no measurement column and no measurement option");
    if (rd->ntags > MAX_TAGS)
        return header_error(rd, 0, "more than 64 tag columns");
    if (rd->nfields > MAX_FIELDS)
        return header_error(rd, 0, "more than 256 field columns");
    for (size_t i = 0; i < rd->nints; i++) {
        struct telemetry_str s = {rd->ints[i], strlen(rd->ints[i])};
        size_t k = 0;
        while (k < rd->ncols && !(rd->cols[k].kind == COL_FIELD && !key_cmp(&rd->cols[k].key, &s)))
            k++;
        if (k == rd->ncols) {
            snprintf(rd->msg, sizeof rd->msg, "the integer column \"%.64s\" is not a field column",
                     rd->ints[i]);
            return header_error(rd, 0, rd->msg);
        }
    }
    sort_tags(rd);
    return 0;
}

/* Takes the first record as the header. 0 or the header error. */
static int header(struct telemetry_readings *rd, const struct ioc_csv_record *rec)
{
    size_t total = 0, n = rec->nfields;
    for (size_t i = 0; i < n; i++)
        total += rd->cells[i].n;
    rd->names = malloc(total + 1);
    rd->cols = calloc(n, sizeof *rd->cols);
    rd->tag_cols = calloc(n, sizeof *rd->tag_cols);
    rd->tags = calloc(n, sizeof *rd->tags);
    rd->fields = calloc(n, sizeof *rd->fields);
    if (!rd->names || !rd->cols || !rd->tag_cols || !rd->tags || !rd->fields)
        return IOC_ENOMEM;
    rd->ncols = n;
    rd->time_col = rd->meas_col = NONE;
    for (size_t i = 0, off = 0; i < n; i++) {
        struct telemetry_str s = rd->cells[i];
        if (s.n)
            memcpy(rd->names + off, s.p, s.n);
        int rc = classify(rd, i, (struct telemetry_str){rd->names + off, s.n});
        if (rc)
            return rc;
        off += s.n;
    }
    return check_header(rd);
}

/* Writes "what (column "key": "value")" into rd->msg: the value cut to 40 bytes on a character
 * boundary, control bytes shown as '?'. Returns rd->msg. */
static const char *cell_msg(struct telemetry_readings *rd, const char *what, size_t col,
                            struct telemetry_str v)
{
    char shown[48];
    size_t n = v.n;
    if (n > 40)
        for (n = 40; n > 0 && ((unsigned char)v.p[n] & 0xC0) == 0x80; n--)
            ;
    for (size_t i = 0; i < n; i++)
        shown[i] = (unsigned char)v.p[i] < 0x20 || v.p[i] == 0x7f ? '?' : v.p[i];
    shown[n] = '\0';
    const struct telemetry_str *k = &rd->cols[col].key;
    const char *prefix = rd->cols[col].kind == COL_TAG ? "tag." : "";
    snprintf(rd->msg, sizeof rd->msg, "%s (column \"%s%.*s\": \"%s%s\")", what, prefix,
             (int)(k->n > 64 ? 64 : k->n), k->p, shown, n < v.n ? "…" : "");
    return rd->msg;
}

static int refuse(struct telemetry_readings *rd, size_t line, size_t col, const char *what,
                  struct telemetry_str v)
{
    return report(rd, line, col + 1, cell_msg(rd, what, col, v));
}

static int all_digits(struct telemetry_str v)
{
    size_t i = v.n > 0 && v.p[0] == '-' ? 1 : 0;
    if (i == v.n)
        return 0;
    for (; i < v.n; i++)
        if (v.p[i] < '0' || v.p[i] > '9')
            return 0;
    return 1;
}

static const char *parse_time(struct telemetry_readings *rd, struct telemetry_str v, int64_t *ns)
{
    if (v.n == 0)
        return "the time is empty";
    if (all_digits(v))
        return lp_parse_time(v.p, v.n, rd->prec, ns);
    if (ioc_time_parse_ns(v.p, v.n, ns) != 0)
        return "the time is neither an RFC 3339 time with an offset nor an integer";
    return NULL;
}

static int parse_bool(struct telemetry_str v, int *b)
{
    static const char *const words[] = {"false", "False", "FALSE", "true", "True", "TRUE"};
    for (int k = 0; k < 6; k++)
        if (strlen(words[k]) == v.n && memcmp(words[k], v.p, v.n) == 0)
            return *b = k >= 3, 1;
    return 0;
}

static const char *parse_field(struct telemetry_readings *rd, const struct column *c,
                               struct telemetry_str v, struct telemetry_lp_field *f)
{
    f->key = c->key;
    if (c->is_int) {
        f->type = TELEMETRY_LP_INT;
        const char *why = lp_parse_int(v.p, v.n, &f->v.i);
        return why && !strstr(why, "range") ? "not an integer" : why;
    }
    if (parse_bool(v, &f->v.b)) {
        f->type = TELEMETRY_LP_BOOL;
        return NULL;
    }
    f->type = TELEMETRY_LP_FLOAT;
    const char *why = lp_parse_float(v.p, v.n, rd->tmp, &f->v.f);
    return why && strstr(why, "invalid") ? "not a number, true or false" : why;
}

/* The measurement of a row: its cell, else the option. */
static struct telemetry_str row_measurement(const struct telemetry_readings *rd)
{
    struct telemetry_str m = {"", 0};
    if (rd->meas_col != NONE)
        m = rd->cells[rd->meas_col];
    if (m.n == 0 && rd->measurement)
        m = (struct telemetry_str){rd->measurement, strlen(rd->measurement)};
    return m;
}

/* One data row: a point, or one refusal. */
static int row(struct telemetry_readings *rd, const struct ioc_csv_record *rec)
{
    const struct telemetry_str *cell = rd->cells;
    rd->stats.rows++;
    if (rec->nfields != rd->ncols) {
        snprintf(rd->msg, sizeof rd->msg, "the row has %zu cells, the header %zu", rec->nfields,
                 rd->ncols);
        return report(rd, rec->line, 0, rd->msg);
    }
    struct telemetry_lp_point pt = {.line = rec->line, .tags = rd->tags, .fields = rd->fields};
    const char *why = parse_time(rd, cell[rd->time_col], &pt.time_ns);
    if (why)
        return refuse(rd, rec->line, rd->time_col, why, cell[rd->time_col]);
    pt.name = row_measurement(rd);
    size_t mc = rd->meas_col != NONE ? rd->meas_col : 0;
    if (pt.name.n == 0)
        return report(rd, rec->line, mc + 1, "the row has no measurement");
    if (pt.name.n > MAX_NAME || has_control(pt.name.p, pt.name.n))
        return refuse(rd, rec->line, mc,
                      "a measurement is at most 256 bytes, without control "
                      "characters",
                      pt.name);
    for (size_t k = 0; k < rd->ntags; k++) {
        size_t c = rd->tag_cols[k];
        if (cell[c].n == 0)
            continue;
        if (has_control(cell[c].p, cell[c].n))
            return refuse(rd, rec->line, c, "a tag value holds a control character", cell[c]);
        rd->tags[pt.ntags++] = (struct telemetry_lp_tag){rd->cols[c].key, cell[c]};
    }
    for (size_t c = 0; c < rd->ncols; c++) {
        if (rd->cols[c].kind != COL_FIELD || cell[c].n == 0)
            continue;
        why = parse_field(rd, &rd->cols[c], cell[c], &rd->fields[pt.nfields]);
        if (why)
            return refuse(rd, rec->line, c, why, cell[c]);
        pt.nfields++;
    }
    if (pt.nfields == 0)
        return report(rd, rec->line, 0, "the row has no field value");
    rd->stats.points++;
    return rd->on_point ? rd->on_point(rd->ctx, &pt) : 0;
}

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct telemetry_readings *rd = ctx;
    for (size_t i = 0; i < rec->nfields; i++) /* nfields <= max_fields, the size of cells */
        rd->cells[i] = (struct telemetry_str){rec->fields[i].p, rec->fields[i].n};
    if (rd->have_header)
        return row(rd, rec);
    rd->header_line = rec->line;
    int rc = header(rd, rec);
    if (rc) {
        rd->fatal = 1;
        return rc;
    }
    rd->have_header = 1;
    return 0;
}

/* A record the CSV reader refused: a refused row, or a header that cannot be read. */
static int on_csv_error(void *ctx, const struct ioc_csv_error *e)
{
    struct telemetry_readings *rd = ctx;
    snprintf(rd->msg, sizeof rd->msg, "%s (byte %zu of the line)", e->message, e->column);
    if (!rd->have_header) {
        rd->header_line = e->record_line;
        return header_error(rd, e->field, rd->msg);
    }
    rd->stats.rows++;
    return report(rd, e->line, e->field, rd->msg);
}

int telemetry_readings_feed(struct telemetry_readings *rd, const char *p, size_t n,
                            telemetry_lp_point_fn on_point, telemetry_lp_error_fn on_error,
                            void *ctx)
{
    if (rd->fatal)
        return IOC_EINVAL;
    rd->on_point = on_point;
    rd->on_error = on_error;
    rd->ctx = ctx;
    return ioc_csv_feed(rd->csv, p, n, on_record, on_csv_error, rd);
}

int telemetry_readings_finish(struct telemetry_readings *rd, telemetry_lp_point_fn on_point,
                              telemetry_lp_error_fn on_error, void *ctx)
{
    if (rd->fatal)
        return IOC_EINVAL;
    rd->on_point = on_point;
    rd->on_error = on_error;
    rd->ctx = ctx;
    int rc = ioc_csv_finish(rd->csv, on_record, on_csv_error, rd);
    if (rc == 0 && !rd->have_header)
        return header_error(rd, 0, "the file has no header row");
    return rc;
}
