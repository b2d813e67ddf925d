/*
 * write.c — a table (header names, rows of typed cells) and its two forms, CSV and XLSX (the
 * rules: sheet.h). The table copies what it is given into one text arena; cells keep offsets.
 */
#include "sheet/sheet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define MAX_COLUMNS 16384
#define WIDTH_MIN 8
#define WIDTH_MAX 60

struct tcell {
    enum sheet_type type;
    double number;
    size_t off, len; /* text in the arena */
};

struct sheet_table {
    char name[128];
    size_t ncols, nrows, cap;
    size_t *head; /* offsets of the header names (NUL-terminated in the arena) */
    struct tcell *cells;
    struct ioc_buf arena;
};

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= 128 || !ioc_utf8_valid(name, n) || strpbrk(name, "[]:*?/\\"))
        return 0;
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)name[i] & 0xC0) != 0x80;
    return chars <= 31 && name[0] != '\'' && name[n - 1] != '\'';
}

static int put_text(struct sheet_table *t, const char *s, size_t n, size_t *off)
{
    *off = t->arena.len;
    int rc = ioc_buf_append(&t->arena, s, n);
    return rc ? rc : ioc_buf_append(&t->arena, "", 1);
}

int sheet_table_create(const char *name, const char *const *header, size_t ncols,
                       struct sheet_table **out)
{
    if (!name_ok(name) || ncols == 0 || ncols > MAX_COLUMNS)
        return IOC_EINVAL;
    struct sheet_table *t = calloc(1, sizeof *t);
    if (!t)
        return IOC_ENOMEM;
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ncols = ncols;
    ioc_buf_init(&t->arena, 0);
    int rc = (t->head = malloc(ncols * sizeof *t->head)) ? 0 : IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        const char *h = header[i] ? header[i] : "";
        rc = ioc_utf8_valid(h, strlen(h)) ? put_text(t, h, strlen(h), &t->head[i]) : IOC_EINVAL;
    }
    if (rc) {
        sheet_table_destroy(t);
        return rc;
    }
    *out = t;
    return 0;
}

void sheet_table_destroy(struct sheet_table *t)
{
    if (!t)
        return;
    free(t->head);
    free(t->cells);
    ioc_buf_free(&t->arena);
    free(t);
}

size_t sheet_table_rows(const struct sheet_table *t)
{
    return t->nrows;
}

/* The parts of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"; 0 or IOC_EINVAL. */
static int date_parts(const char *s, size_t n, lxw_datetime *dt)
{
    int32_t days;
    if ((n != 10 && n != 19) || ioc_date_parse(s, 10, &days) != 0)
        return IOC_EINVAL;
    ioc_date_to_civil(days, &dt->year, &dt->month, &dt->day);
    dt->hour = dt->min = 0;
    dt->sec = 0;
    if (n == 10)
        return dt->year >= 1900 ? 0 : IOC_EINVAL;
    int64_t h, m, sec;
    if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || ioc_parse_i64(s + 11, 2, 0, 23, &h) != 0 ||
        ioc_parse_i64(s + 14, 2, 0, 59, &m) != 0 || ioc_parse_i64(s + 17, 2, 0, 59, &sec) != 0)
        return IOC_EINVAL;
    dt->hour = (int)h;
    dt->min = (int)m;
    dt->sec = (double)sec;
    return dt->year >= 1900 ? 0 : IOC_EINVAL;
}

static int check_cell(const struct sheet_cell *c)
{
    const char *s = c->text ? c->text : "";
    lxw_datetime dt;
    switch (c->type) {
    case SHEET_EMPTY:
        return 0;
    case SHEET_TEXT:
        return ioc_utf8_valid(s, strlen(s)) ? 0 : IOC_EINVAL;
    case SHEET_NUMBER:
        return isfinite(c->number) ? 0 : IOC_EINVAL;
    case SHEET_DATE:
        return date_parts(s, strlen(s), &dt);
    default:
        return IOC_EINVAL;
    }
}

int sheet_table_add(struct sheet_table *t, const struct sheet_cell *cells)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (check_cell(&cells[i]))
            return IOC_EINVAL;
    if ((t->nrows + 1) * t->ncols > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : t->ncols * 64;
        struct tcell *p = realloc(t->cells, cap * sizeof *p);
        if (!p)
            return IOC_ENOMEM;
        t->cells = p;
        t->cap = cap;
    }
    struct tcell *row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        const struct sheet_cell *c = &cells[i];
        const char *s = c->type == SHEET_TEXT || c->type == SHEET_DATE ? c->text : NULL;
        size_t n = s ? strlen(s) : 0;
        row[i] =
            (struct tcell){n || c->type == SHEET_NUMBER ? c->type : SHEET_EMPTY, c->number, 0, n};
        int rc = put_text(t, s ? s : "", n, &row[i].off);
        if (rc)
            return rc;
    }
    t->nrows++;
    return 0;
}

int sheet_table_add_texts(struct sheet_table *t, const char *const *texts)
{
    struct sheet_cell *c = malloc(t->ncols * sizeof *c);
    if (!c)
        return IOC_ENOMEM;
    for (size_t i = 0; i < t->ncols; i++)
        c[i] = (struct sheet_cell){SHEET_TEXT, texts[i] ? texts[i] : "", 0, 0};
    int rc = sheet_table_add(t, c);
    free(c);
    return rc;
}

/* ---- CSV -------------------------------------------------------------------------------- */

static int csv_field(struct ioc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return ioc_buf_puts(b, s);
    int rc = ioc_buf_putc(b, '"');
    for (const char *p = s; rc == 0 && *p; p++)
        rc = *p == '"' ? ioc_buf_puts(b, "\"\"") : ioc_buf_putc(b, *p);
    return rc ? rc : ioc_buf_putc(b, '"');
}

/* The text a cell is written as (CSV, and the width of its column). */
static const char *cell_text(const struct sheet_table *t, const struct tcell *c, char num[32])
{
    if (c->type == SHEET_NUMBER) {
        ioc_fmt_f64(num, c->number);
        return num;
    }
    return t->arena.data + c->off;
}

int sheet_write_csv(const struct sheet_table *t, struct ioc_buf *out)
{
    int rc = 0;
    char num[32];
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        rc = i ? ioc_buf_putc(out, ',') : 0;
        rc = rc ? rc : csv_field(out, t->arena.data + t->head[i]);
    }
    rc = rc ? rc : ioc_buf_putc(out, '\n');
    for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
        const struct tcell *row = t->cells + r * t->ncols;
        for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
            rc = i ? ioc_buf_putc(out, ',') : 0;
            rc = rc ? rc : csv_field(out, cell_text(t, &row[i], num));
        }
        rc = rc ? rc : ioc_buf_putc(out, '\n');
    }
    return rc;
}

/* ---- XLSX ------------------------------------------------------------------------------- */

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int lxw_rc(lxw_error e)
{
    switch (e) {
    case LXW_NO_ERROR:
        return 0;
    case LXW_ERROR_MEMORY_MALLOC_FAILED:
        return IOC_ENOMEM;
    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
    case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
        return IOC_ETOOBIG;
    default:
        return IOC_EIO;
    }
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t col, const char *s,
                            const struct tcell *c, lxw_format *date, lxw_format *datetime)
{
    lxw_datetime dt;
    switch (c->type) {
    case SHEET_TEXT:
        return worksheet_write_string(ws, r, col, s, NULL);
    case SHEET_NUMBER:
        return worksheet_write_number(ws, r, col, c->number, NULL);
    case SHEET_DATE:
        date_parts(s, c->len, &dt); /* checked when the row was added */
        return worksheet_write_datetime(ws, r, col, &dt, c->len == 10 ? date : datetime);
    default:
        return LXW_NO_ERROR;
    }
}

/* The sheet: header, rows, widths, the frozen first row. */
static int fill(const struct sheet_table *t, lxw_workbook *wb, lxw_worksheet *ws)
{
    lxw_format *bold = workbook_add_format(wb), *date = workbook_add_format(wb),
               *datetime = workbook_add_format(wb);
    size_t *width = calloc(t->ncols, sizeof *width);
    if (!bold || !date || !datetime || !width) {
        free(width);
        return IOC_ENOMEM;
    }
    format_set_bold(bold);
    format_set_num_format(date, "yyyy-mm-dd");
    format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");
    lxw_error e = LXW_NO_ERROR;
    char num[32];
    for (size_t i = 0; e == LXW_NO_ERROR && i < t->ncols; i++) {
        const char *h = t->arena.data + t->head[i];
        width[i] = chars(h);
        e = *h ? worksheet_write_string(ws, 0, (lxw_col_t)i, h, bold) : LXW_NO_ERROR;
    }
    for (size_t r = 0; e == LXW_NO_ERROR && r < t->nrows; r++) {
        const struct tcell *row = t->cells + r * t->ncols;
        for (size_t i = 0; e == LXW_NO_ERROR && i < t->ncols; i++) {
            const char *s = cell_text(t, &row[i], num);
            size_t w = row[i].type == SHEET_DATE ? row[i].len : chars(s);
            width[i] = w > width[i] ? w : width[i];
            e = write_cell(ws, (lxw_row_t)(r + 1), (lxw_col_t)i, t->arena.data + row[i].off,
                           &row[i], date, datetime);
        }
    }
    for (size_t i = 0; e == LXW_NO_ERROR && i < t->ncols; i++) {
        size_t w = width[i] + 2 < WIDTH_MIN ? WIDTH_MIN : width[i] + 2;
        e = worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w > WIDTH_MAX ? WIDTH_MAX : w,
                                 NULL);
    }
    free(width);
    worksheet_freeze_panes(ws, 1, 0);
    return lxw_rc(e);
}

int sheet_write_xlsx(const struct sheet_table *t, struct ioc_buf *out)
{
    if (t->nrows + 1 > 1048576)
        return IOC_ETOOBIG;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    if (snprintf(path, sizeof path, "%s/ioc-sheet-XXXXXX", dir && *dir ? dir : "/tmp") >=
        (int)sizeof path)
        return IOC_EIO;
    int fd = mkstemp(path);
    if (fd < 0)
        return IOC_EIO;
    close(fd);
    lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = dir && *dir ? (char *)dir : NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    int rc = wb ? 0 : IOC_ENOMEM;
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, t->name) : NULL;
    if (rc == 0 && !ws)
        rc = IOC_EINVAL;
    if (rc == 0)
        rc = fill(t, wb, ws);
    if (wb) {
        int closed = lxw_rc(workbook_close(wb)); /* frees wb whatever it returns */
        rc = rc ? rc : closed;
    }
    char *data = NULL;
    size_t n = 0;
    if (rc == 0 && (rc = ioc_file_read(path, (size_t)1 << 30, &data, &n)) == IOC_ENOTFOUND)
        rc = IOC_EIO;
    unlink(path);
    if (rc == 0)
        rc = ioc_buf_append(out, data, n);
    free(data);
    return rc;
}
