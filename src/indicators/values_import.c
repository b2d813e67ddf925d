/*
 * values_import.c — a file of indicator values (CSV or XLSX, read by src/sheet) checked and
 * stored as one store job, all or nothing. The columns are named in the first row, in any
 * order: indicator, unit, period (required), value, num, den (as the indicator needs them;
 * docs/indicators.md "Importing values"). Every value goes through the same rules as a posted
 * one (ind_value_check_memo, ind_values_may_write, ind_values_duplicates), per indicator; every
 * refused row is reported with its row number (as the spreadsheet shows it), its column and why.
 * A period cell that Excel turned into a date (a typed "2026-10" becomes 1 Oct 2026) is read as
 * the period of the indicator's frequency holding that day.
 */
#include "indicators/indicators.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "sheet/sheet.h"
#include "store/store.h"

enum col { C_INDICATOR, C_UNIT, C_PERIOD, C_VALUE, C_NUM, C_DEN, C_COUNT };
static const char *const col_names[C_COUNT] = {"indicator", "unit", "period",
                                               "value",     "num",  "den"};

/* One data row as read. */
struct irow {
    size_t row;
    char *code, *unit, *period;
    bool period_is_date;
    struct ind_value_in in;
    bool bad;
};

struct reader {
    struct ind_import *im;
    int at[C_COUNT]; /* the 0-based column of each name, -1 absent */
    size_t width;    /* the header's cells */
    bool header_done;
    struct irow *rows;
    size_t n, cap;
};

static void problem(struct ind_import *im, size_t row, const char *column, enum ind_refusal kind,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(struct ind_import *im, size_t row, const char *column, enum ind_refusal kind,
                    const char *fmt, ...)
{
    struct ind_import_problem p = {row, "", "", kind};
    snprintf(p.column, sizeof p.column, "%s", column ? column : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p.why, sizeof p.why, fmt, ap);
    va_end(ap);
    if (im->problem)
        im->problem(im->ctx, &p);
    im->refused++;
}

static int header(struct reader *r, const struct sheet_cell *cells, size_t n)
{
    for (int k = 0; k < C_COUNT; k++)
        r->at[k] = -1;
    r->width = n;
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s", cells[i].text);
        for (char *p = name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        int k = 0;
        while (k < C_COUNT && strcmp(name, col_names[k]) != 0)
            k++;
        if (k == C_COUNT) {
            char letters[4];
            sheet_column_name(i + 1, letters);
            problem(r->im, 1, letters, IND_REFUSE_INVALID,
                    "unknown column '%.40s': the columns are indicator, unit, period, value, num "
                    "and den",
                    cells[i].text);
        } else if (r->at[k] >= 0) {
            problem(r->im, 1, col_names[k], IND_REFUSE_INVALID, "the column is named twice");
        } else {
            r->at[k] = (int)i;
        }
    }
    for (int k = C_INDICATOR; k <= C_PERIOD; k++)
        if (r->at[k] < 0)
            problem(r->im, 1, col_names[k], IND_REFUSE_INVALID, "the column is missing");
    return r->im->refused ? IOC_EINVAL : 0;
}

/* A number cell (empty: absent). 0, or -1 after a problem. */
static int number(struct reader *r, size_t row, const struct sheet_cell *c, int k, bool *has,
                  double *out)
{
    *has = false;
    if (!c || c->type == SHEET_EMPTY || (c->type == SHEET_TEXT && c->len == 0))
        return 0;
    if (c->type == SHEET_NUMBER ||
        (c->type == SHEET_TEXT && ioc_parse_f64(c->text, c->len, -1e300, 1e300, out) == 0)) {
        if (c->type == SHEET_NUMBER)
            *out = c->number;
        *has = true;
        return 0;
    }
    problem(r->im, row, col_names[k], IND_REFUSE_INVALID,
            "'%.40s' is not a number (write 1234.5: a point before the decimals, no thousands "
            "separator)",
            c->text);
    return -1;
}

static char *cell_text(const struct sheet_cell *c)
{
    return strdup(c ? c->text : "");
}

static int on_row(void *ctx, size_t row, const struct sheet_cell *cells, size_t n)
{
    struct reader *r = ctx;
    if (!r->header_done) {
        r->header_done = true;
        return header(r, cells, n) == 0 ? 0 : IOC_EINVAL;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        struct irow *p = realloc(r->rows, cap * sizeof *p);
        if (!p)
            return IOC_ENOMEM;
        r->rows = p;
        r->cap = cap;
    }
    for (size_t i = r->width; i < n; i++)
        if (cells[i].type != SHEET_EMPTY && cells[i].len) {
            char letters[4];
            sheet_column_name(i + 1, letters);
            problem(r->im, row, letters, IND_REFUSE_INVALID,
                    "a value in a column the first row does not name");
            break;
        }
    const struct sheet_cell *c[C_COUNT];
    for (int k = 0; k < C_COUNT; k++)
        c[k] = r->at[k] >= 0 && (size_t)r->at[k] < n ? &cells[r->at[k]] : NULL;
    struct irow *x = &r->rows[r->n];
    memset(x, 0, sizeof *x);
    x->row = row;
    x->code = cell_text(c[C_INDICATOR]);
    x->unit = cell_text(c[C_UNIT]);
    x->period = cell_text(c[C_PERIOD]);
    if (!x->code || !x->unit || !x->period) {
        free(x->code);
        free(x->unit);
        free(x->period);
        return IOC_ENOMEM;
    }
    r->n++;
    x->period_is_date = c[C_PERIOD] && c[C_PERIOD]->type == SHEET_DATE;
    x->in.unit = x->unit;
    x->in.period = x->period;
    x->bad = number(r, row, c[C_VALUE], C_VALUE, &x->in.has_value, &x->in.value) ||
             number(r, row, c[C_NUM], C_NUM, &x->in.has_num, &x->in.num) ||
             number(r, row, c[C_DEN], C_DEN, &x->in.has_den, &x->in.den);
    return 0;
}

static void rows_free(struct reader *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->rows[i].code);
        free(r->rows[i].unit);
        free(r->rows[i].period);
    }
    free(r->rows);
}

/* Order of rows: by indicator code, then as in the file. */
static int by_code(const void *a, const void *b)
{
    const struct irow *x = *(struct irow *const *)a, *y = *(struct irow *const *)b;
    int c = strcmp(x->code, y->code);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* A date cell's day as the text of the period of frequency f holding it ("2026-10-01" → "2026-10"
 * for a monthly indicator). 0, or -1 if the text is not a day. */
static int date_period(char *text, enum ind_freq f)
{
    struct ind_period day, p;
    char out[IND_PERIOD_TEXT_MAX];
    if (strlen(text) < 10 || ind_period_parse(text, 10, &day, NULL) != 0 ||
        ind_period_of(f, ind_period_start(day), &p) != 0 || ind_period_format(p, out) != 0)
        return -1;
    snprintf(text, strlen(text) + 1, "%s", out);
    return 0;
}

/* The rows g[0..n) of one indicator: checked (and stored while nothing was refused). */
static int one_indicator(struct store_conn *w, struct ind_import *im, struct irow **g, size_t n,
                         const char *now)
{
    struct store_indicator x;
    struct ind_indicator ind;
    int rc = store_indicator_get(w, g[0]->code, &x);
    if (rc == IOC_ENOTFOUND) {
        for (size_t i = 0; i < n; i++)
            problem(im, g[i]->row, "indicator", IND_REFUSE_INVALID,
                    "no indicator has the code '%.64s'", g[i]->code);
        return 0;
    }
    if (rc)
        return rc;
    rc = ind_indicator_of(w, &x, &ind);
    store_indicator_clear(&x);
    if (rc)
        return rc;
    char under[64] = "";
    if (im->caller && ind_values_may_write(w, &ind, im->caller, under) != 0) {
        for (size_t i = 0; i < n; i++)
            problem(im, g[i]->row, "indicator", IND_REFUSE_FORBIDDEN,
                    "only the indicator's agency (%.64s) and admins write its values",
                    ind.agency_code);
        return 0;
    }
    struct ind_value_in *in = malloc(n * sizeof *in);
    unsigned char *dup = malloc(n);
    struct ind_value_memo *memo = calloc(1, sizeof *memo);
    if (!in || !dup || !memo) {
        rc = IOC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (g[i]->period_is_date && date_period(g[i]->period, ind.freq) != 0)
            g[i]->in.period = ""; /* refused below as a period */
        in[i] = g[i]->in;
    }
    if (ind_values_duplicates(in, n, dup) < 0) {
        rc = IOC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (g[i]->bad)
            continue;
        if (dup[i]) {
            problem(im, g[i]->row, "period", IND_REFUSE_INVALID,
                    "the same indicator, unit and period as an earlier row");
            continue;
        }
        struct store_indvalue v;
        struct ind_value_problem pb;
        rc = ind_value_check_memo(w, &ind, under, &in[i], &v, &pb, memo);
        if (rc == 1) {
            problem(im, g[i]->row, pb.field, pb.kind, "%s", pb.why);
            rc = 0;
            continue;
        }
        if (rc || im->refused)
            continue;
        v.source = (char *)(im->source ? im->source : "imported");
        v.who = (char *)(im->who ? im->who : "iocctl");
        v.at = (char *)now;
        v.note = (char *)(im->note ? im->note : "");
        enum store_iv_outcome o;
        if ((rc = store_indvalue_put(w, &v, &o)) == 0)
            *(o == STORE_IV_ADDED     ? &im->added
              : o == STORE_IV_REVISED ? &im->revised
                                      : &im->unchanged) += 1;
        if (rc == 0 && o != STORE_IV_UNCHANGED && im->signals)
            rc = ind_alert_json(g[0]->code, in[i].unit, &ind, &v, im->signals);
    }
out:
    free(in);
    free(dup);
    free(memo);
    return rc;
}

int ind_values_import_job(struct store_conn *w, void *arg)
{
    struct ind_import *im = arg;
    im->rows = 0;
    im->added = im->revised = im->unchanged = 0;
    if (im->signals) { /* a retried job starts again */
        ioc_buf_free(im->signals);
        ioc_buf_init(im->signals, 0);
    }
    im->refused = 0;
    im->error[0] = '\0';
    struct reader r = {im, {0}, 0, false, NULL, 0, 0};
    struct sheet_error err;
    int rc = sheet_read(im->data, im->len, im->limits, on_row, &r, &err);
    if (rc && !im->refused) {
        snprintf(im->error, sizeof im->error, "%s", rc == IOC_ENOMEM ? "out of memory" : err.why);
    } else if (rc == 0 && !r.header_done) {
        snprintf(im->error, sizeof im->error, "the file is empty: the first row names the columns");
        rc = IOC_EINVAL;
    } else if (rc == 0 && r.n == 0) {
        snprintf(im->error, sizeof im->error, "the file has no values after its first row");
        rc = IOC_EINVAL;
    }
    im->rows = r.n;
    struct irow **order = rc == 0 ? malloc((r.n ? r.n : 1) * sizeof *order) : NULL;
    if (rc == 0 && !order)
        rc = IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < r.n; i++)
        order[i] = &r.rows[i];
    if (rc == 0)
        qsort(order, r.n, sizeof *order, by_code);
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    for (size_t i = 0, j; rc == 0 && i < r.n; i = j) {
        for (j = i + 1; j < r.n && strcmp(order[j]->code, order[i]->code) == 0; j++)
            ;
        rc = one_indicator(w, im, order + i, j - i, now);
    }
    free(order);
    rows_free(&r);
    if (rc == 0 && im->refused)
        rc = IOC_EINVAL;
    if (rc == 0 && im->audit) {
        char detail[200];
        snprintf(detail, sizeof detail,
                 "{\"rows\":%zu,\"added\":%lld,\"revised\":%lld,\"unchanged\":%lld}", im->rows,
                 (long long)im->added, (long long)im->revised, (long long)im->unchanged);
        struct store_audit a = *im->audit;
        a.detail = detail;
        rc = store_audit_add(w, &a);
    }
    return rc;
}
