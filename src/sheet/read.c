/*
 * read.c — sheet_read: the format told by the first bytes, the limits, the row being assembled
 * (shared with xlsx.c), and the CSV side over the project's CSV reader (src/base/csv.c).
 *
 * CSV rows: the reader hands records (an empty line is none) and reports bad ones; the first bad
 * record stops the reading here (as a broken XLSX does), so that both formats fail the same way.
 * A record's row number counts the records, good and bad, from 1 (the header). Each field is a
 * cell: SHEET_EMPTY when empty, otherwise SHEET_TEXT in NFC.
 */
#include "sheet/sheet_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define DEF_INPUT ((size_t)64 << 20)
#define DEF_UNZIPPED ((size_t)256 << 20)
#define DEF_ROWS 100000
#define DEF_COLUMNS 256
#define DEF_CELL 131072
#define DEF_STRINGS 1000000
#define MAX_COLUMNS 16384 /* Excel's XFD */

void sheet_limits_get(const struct sheet_limits *lim, struct sheet_limits *out)
{
    struct sheet_limits l = {0};
    if (lim)
        l = *lim;
    l.max_input = l.max_input ? l.max_input : DEF_INPUT;
    l.max_unzipped = l.max_unzipped ? l.max_unzipped : DEF_UNZIPPED;
    l.max_rows = l.max_rows ? l.max_rows : DEF_ROWS;
    l.max_columns = l.max_columns ? l.max_columns : DEF_COLUMNS;
    if (l.max_columns > MAX_COLUMNS)
        l.max_columns = MAX_COLUMNS;
    l.max_cell = l.max_cell ? l.max_cell : DEF_CELL;
    l.max_strings = l.max_strings ? l.max_strings : DEF_STRINGS;
    *out = l;
}

void sheet_column_name(size_t column, char out[4])
{
    if (column < 1 || column > 18278) { /* ZZZ */
        memcpy(out, "?", 2);
        return;
    }
    char tmp[4];
    size_t n = 0;
    while (column > 0) {
        column--;
        tmp[n++] = (char)('A' + column % 26);
        column /= 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void sheet_errorf(struct sheet_error *err, size_t row, size_t col, const char *fmt, ...)
{
    char where[64] = "";
    char letters[4];
    sheet_column_name(col, letters);
    if (row && col)
        snprintf(where, sizeof where, "row %zu, column %s: ", row, letters);
    else if (row)
        snprintf(where, sizeof where, "row %zu: ", row);
    else if (col)
        snprintf(where, sizeof where, "column %s: ", letters);
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    err->row = row;
    err->column = col;
    snprintf(err->why, sizeof err->why, "%s%s", where, what);
}

enum sheet_format sheet_detect(const char *data, size_t n)
{
    return n >= 4 && memcmp(data, "PK\3\4", 4) == 0 ? SHEET_XLSX : SHEET_CSV;
}

/* ---- the row being assembled ------------------------------------------------------------ */

void sheet_row_init(struct sheet_row *r, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    ioc_buf_init(&r->arena, max_bytes);
}

void sheet_row_free(struct sheet_row *r)
{
    free(r->cells);
    free(r->off);
    ioc_buf_free(&r->arena);
    memset(r, 0, sizeof *r);
}

static int row_grow(struct sheet_row *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 16;
    while (cap < n)
        cap *= 2;
    struct sheet_cell *c = realloc(r->cells, cap * sizeof *c);
    if (!c)
        return IOC_ENOMEM;
    r->cells = c;
    size_t *o = realloc(r->off, cap * sizeof *o);
    if (!o)
        return IOC_ENOMEM;
    r->off = o;
    r->cap = cap;
    return 0;
}

static int ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
            return 0;
    return 1;
}

int sheet_row_set(struct sheet_row *r, size_t col, enum sheet_type type, const char *text,
                  size_t len, double number)
{
    int rc = row_grow(r, col + 1);
    if (rc)
        return rc;
    if (r->arena.len == 0 && (rc = ioc_buf_append(&r->arena, "", 1)) != 0)
        return rc; /* offset 0 is the empty text */
    for (; r->ncells <= col; r->ncells++) {
        r->cells[r->ncells] = (struct sheet_cell){SHEET_EMPTY, NULL, 0, 0};
        r->off[r->ncells] = 0;
    }
    char *nfc = NULL;
    if (!ascii(text, len)) {
        if ((rc = ioc_text_nfc(text, len, &nfc, &len)) != 0)
            return rc;
        text = nfc;
    }
    size_t at = r->arena.len;
    rc = ioc_buf_append(&r->arena, text, len);
    if (rc == 0)
        rc = ioc_buf_append(&r->arena, "", 1);
    free(nfc);
    if (rc)
        return rc;
    r->cells[col] = (struct sheet_cell){len ? type : SHEET_EMPTY, NULL, len, number};
    r->off[col] = len ? at : 0;
    return 0;
}

int sheet_row_emit(struct sheet_row *r, size_t row, sheet_row_fn fn, void *ctx)
{
    int rc = 0;
    if (r->ncells > 0) {
        for (size_t i = 0; i < r->ncells; i++)
            r->cells[i].text = r->arena.data + r->off[i];
        rc = fn(ctx, row, r->cells, r->ncells);
    }
    r->ncells = 0;
    ioc_buf_reset(&r->arena);
    return rc;
}

/* ---- CSV -------------------------------------------------------------------------------- */

struct csv_read {
    const struct sheet_limits *lim;
    struct sheet_error *err;
    struct sheet_row row;
    sheet_row_fn fn;
    void *ctx;
    size_t records; /* good and bad, so far */
};

static int csv_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct csv_read *c = ctx;
    size_t row = ++c->records;
    if (row > c->lim->max_rows) {
        sheet_errorf(c->err, row, 0, "more than %zu rows", c->lim->max_rows);
        return IOC_ETOOBIG;
    }
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct ioc_csv_field *f = &rec->fields[i];
        int rc = sheet_row_set(&c->row, i, SHEET_TEXT, f->p, f->n, 0);
        if (rc == IOC_EINVAL) {
            sheet_errorf(c->err, row, i + 1, "a NUL byte in the text");
        }
        if (rc)
            return rc;
    }
    /* an all-empty record still has its cells: it is a row of the file */
    return sheet_row_emit(&c->row, row, c->fn, c->ctx);
}

static int csv_error(void *ctx, const struct ioc_csv_error *e)
{
    struct csv_read *c = ctx;
    sheet_errorf(c->err, ++c->records, e->field, "%s (line %zu, byte %zu)", e->message, e->line,
                 e->column);
    /* the reader's limits: "field longer than", "more than … fields", "record longer than" */
    return strstr(e->message, "than ") ? IOC_ETOOBIG : IOC_EINVAL;
}

static int csv_read(const char *data, size_t n, const struct sheet_limits *lim, sheet_row_fn fn,
                    void *ctx, struct sheet_error *err)
{
    size_t record = lim->max_cell * 2 + lim->max_columns * 4;
    if (record < ((size_t)1 << 20))
        record = (size_t)1 << 20;
    struct ioc_csv_limits cl = {lim->max_cell, lim->max_columns, record};
    struct ioc_csv_reader *r = NULL;
    int rc = ioc_csv_create(&cl, &r);
    if (rc)
        return rc;
    struct csv_read c = {.lim = lim, .err = err, .fn = fn, .ctx = ctx};
    sheet_row_init(&c.row, 0);
    rc = ioc_csv_feed(r, data, n, csv_record, csv_error, &c);
    if (rc == 0)
        rc = ioc_csv_finish(r, csv_record, csv_error, &c);
    ioc_csv_destroy(r);
    sheet_row_free(&c.row);
    return rc;
}

/* ---- the entry ---------------------------------------------------------------------------- */

int sheet_read(const char *data, size_t n, const struct sheet_limits *lim, sheet_row_fn row_fn,
               void *ctx, struct sheet_error *err)
{
    struct sheet_limits l;
    sheet_limits_get(lim, &l);
    memset(err, 0, sizeof *err);
    if (n > l.max_input) {
        sheet_errorf(err, 0, 0, "the file is larger than %zu bytes", l.max_input);
        return IOC_ETOOBIG;
    }
    if (n >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        sheet_errorf(err, 0, 0, "an old Excel file (.xls): save it as .xlsx or CSV");
        return IOC_EINVAL;
    }
    if (sheet_detect(data, n) == SHEET_XLSX)
        return sheet_xlsx_read(data, n, &l, row_fn, ctx, err);
    return csv_read(data, n, &l, row_fn, ctx, err);
}
