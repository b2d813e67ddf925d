/*
 * aqi_csv.c — the CSV of hourly means that iocctl aqi reads, and the CSV of indices it writes
 * (docs/environment.md "VN_AQI", "iocctl aqi"). Reading uses the project's CSV reader
 * (src/base/csv.c) and stops at the first problem, saying where: the line, the CSV column (the
 * field's number, as CSV readings do) and why. The rows come back sorted by time; the hours
 * missing between two rows are missing hours, for the NowCast as for the daily means.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"

#define HOUR 3600
#define DAY 86400
#define VN_OFFSET (7 * HOUR) /* Asia/Ho_Chi_Minh: UTC+7, no daylight saving */
#define NO_COL (-2)
#define TIME_COL (-1)

struct reader {
    int have_header;
    size_t ncols;
    int col[AQI_NPOLL + 1]; /* per CSV column: TIME_COL or the pollutant */
    int has_time;
    struct aqi_csv_row *rows;
    size_t n, cap;
    struct aqi_csv_error *err;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int32_t aqi_day_of(int64_t t)
{
    return (int32_t)floor_div(t - HOUR + VN_OFFSET, DAY);
}

/* 0 … 23: the hour's place in its day (0 is the hour labelled 01:00). */
static int hour_of_day(int64_t t)
{
    int64_t local = t - HOUR + VN_OFFSET;
    return (int)((local - floor_div(local, DAY) * DAY) / HOUR);
}

/* Sets *r->err: what, then the offending text (cut to 40 bytes, control bytes as '?') when v. */
static int fail(struct reader *r, size_t line, size_t column, const char *what, const char *v,
                size_t vn)
{
    r->err->line = line;
    r->err->column = column;
    if (!v) {
        snprintf(r->err->message, sizeof r->err->message, "%s", what);
        return IOC_EINVAL;
    }
    char shown[48];
    size_t n = vn > 40 ? 40 : vn;
    while (n < vn && n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
        n--; /* cut on a character boundary */
    for (size_t i = 0; i < n; i++)
        shown[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
    shown[n] = '\0';
    snprintf(r->err->message, sizeof r->err->message, "%s: \"%s%s\"", what, shown,
             n < vn ? "…" : "");
    return IOC_EINVAL;
}

/* TIME_COL, the pollutant, or NO_COL for the column named f. */
static int column_of(const struct ioc_csv_field *f)
{
    char name[8];
    if (f->n >= sizeof name || memchr(f->p, '\0', f->n))
        return NO_COL;
    memcpy(name, f->p, f->n);
    name[f->n] = '\0';
    if (strcmp(name, "time") == 0)
        return TIME_COL;
    int p = aqi_pollutant_of(name);
    return p < 0 ? NO_COL : p;
}

/* The first record. Every column known and named once: so at most AQI_NPOLL + 1 of them are
 * stored, the next one being unknown or repeated. */
static int header(struct reader *r, const struct ioc_csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct ioc_csv_field *f = &rec->fields[i];
        int c = column_of(f);
        if (c == NO_COL)
            return fail(r, rec->line, i + 1, "unknown column", f->p, f->n);
        for (size_t k = 0; k < i; k++)
            if (r->col[k] == c)
                return fail(r, rec->line, i + 1, "repeated column", f->p, f->n);
        r->col[i] = c;
        r->has_time |= c == TIME_COL;
    }
    r->ncols = rec->nfields;
    if (!r->has_time)
        return fail(r, rec->line, 0, "the header has no time column", NULL, 0);
    r->have_header = 1;
    return 0;
}

static int data_row(struct reader *r, const struct ioc_csv_record *rec)
{
    if (rec->nfields != r->ncols) {
        char what[80];
        snprintf(what, sizeof what, "%zu fields where the header has %zu", rec->nfields, r->ncols);
        size_t col = rec->nfields < r->ncols ? rec->nfields + 1 : r->ncols + 1;
        return fail(r, rec->line, col, what, NULL, 0);
    }
    struct aqi_csv_row row = {.line = rec->line};
    for (int p = 0; p < AQI_NPOLL; p++)
        row.h.c[p] = NAN;
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct ioc_csv_field *f = &rec->fields[i];
        if (r->col[i] == TIME_COL) {
            int64_t ns;
            const int64_t hour_ns = HOUR * 1000000000LL;
            if (ioc_time_parse_ns(f->p, f->n, &ns) != 0)
                return fail(r, rec->line, i + 1, "not an RFC 3339 time with its offset", f->p,
                            f->n);
            if (floor_div(ns, hour_ns) * hour_ns != ns)
                return fail(r, rec->line, i + 1, "not a whole hour", f->p, f->n);
            row.t = floor_div(ns, hour_ns) * HOUR;
        } else if (f->n > 0) {
            double v;
            if (ioc_parse_f64(f->p, f->n, -DBL_MAX, DBL_MAX, &v) != 0) {
                char what[64];
                snprintf(what, sizeof what, "not a decimal number in column %s",
                         aqi_pollutant_name((enum aqi_pollutant)r->col[i]));
                return fail(r, rec->line, i + 1, what, f->p, f->n);
            }
            row.h.c[r->col[i]] = v;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct aqi_csv_row *g = realloc(r->rows, cap * sizeof *g);
        if (!g)
            return IOC_ENOMEM;
        r->rows = g;
        r->cap = cap;
    }
    r->rows[r->n++] = row;
    return 0;
}

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct reader *r = ctx;
    return r->have_header ? data_row(r, rec) : header(r, rec);
}

static int on_error(void *ctx, const struct ioc_csv_error *e)
{
    struct reader *r = ctx;
    char what[160];
    snprintf(what, sizeof what, "%s (byte %zu of the line)", e->message, e->column);
    return fail(r, e->line, e->field, what, NULL, 0);
}

static int row_cmp(const void *a, const void *b)
{
    const struct aqi_csv_row *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

int aqi_csv_read(const char *text, size_t n, struct aqi_csv_row **rows, size_t *nrows,
                 struct aqi_csv_error *err)
{
    struct aqi_csv_error spare = {0};
    struct reader r = {.err = err ? err : &spare};
    *rows = NULL;
    *nrows = 0;
    r.err->line = r.err->column = 0;
    r.err->message[0] = '\0';
    struct ioc_csv_reader *csv;
    int rc = ioc_csv_create(NULL, &csv);
    if (rc)
        return rc;
    rc = ioc_csv_feed(csv, text, n, on_record, on_error, &r);
    if (rc == 0)
        rc = ioc_csv_finish(csv, on_record, on_error, &r);
    ioc_csv_destroy(csv);
    if (rc == 0 && !r.have_header)
        rc = fail(&r, 1, 0, "the file has no header row", NULL, 0);
    if (rc == 0 && r.n > 1) {
        qsort(r.rows, r.n, sizeof *r.rows, row_cmp);
        size_t worst = 0, first = 0;
        for (size_t i = 1; i < r.n; i++)
            if (r.rows[i].t == r.rows[i - 1].t && (!worst || r.rows[i].line < worst)) {
                worst = r.rows[i].line;
                first = r.rows[i - 1].line;
            }
        if (worst) {
            size_t tc = 0;
            while (r.col[tc] != TIME_COL)
                tc++;
            char what[64];
            snprintf(what, sizeof what, "the time is repeated (first on line %zu)", first);
            rc = fail(&r, worst, tc + 1, what, NULL, 0);
        }
    }
    if (rc) {
        if (rc != IOC_EINVAL)
            r.err->message[0] = '\0';
        free(r.rows);
        return rc;
    }
    *rows = r.rows;
    *nrows = r.n;
    return 0;
}

/* ---- the indices of the rows ------------------------------------------------------------ */

static void hour_missing(struct aqi_hour *h)
{
    for (int p = 0; p < AQI_NPOLL; p++)
        h->c[p] = NAN;
}

void aqi_csv_hourly(const struct aqi_csv_row *rows, size_t n, struct aqi_result *out)
{
    for (size_t i = 0; i < n; i++) {
        struct aqi_hour w[12];
        for (int k = 0; k < 11; k++)
            hour_missing(&w[k]);
        w[11] = rows[i].h;
        int64_t t = rows[i].t;
        for (size_t k = i; k-- > 0 && rows[k].t > t - 12 * HOUR;) {
            int64_t ago = t - rows[k].t;
            if (ago > 0 && ago % HOUR == 0)
                w[11 - ago / HOUR] = rows[k].h;
        }
        aqi_hourly(w, 12, &out[i]);
    }
}

int aqi_csv_daily(const struct aqi_csv_row *rows, size_t n, struct aqi_csv_day **days,
                  size_t *ndays)
{
    *days = NULL;
    *ndays = 0;
    if (n == 0)
        return 0;
    struct aqi_csv_day *out = malloc(n * sizeof *out);
    if (!out)
        return IOC_ENOMEM;
    size_t nd = 0;
    for (size_t i = 0; i < n;) {
        int32_t d = aqi_day_of(rows[i].t);
        struct aqi_hour day[24], prev[7];
        for (int k = 0; k < 24; k++)
            hour_missing(&day[k]);
        for (int k = 0; k < 7; k++)
            hour_missing(&prev[k]);
        size_t j = i;
        for (; j < n && aqi_day_of(rows[j].t) == d; j++)
            day[hour_of_day(rows[j].t)] = rows[j].h;
        for (size_t k = i; k-- > 0 && aqi_day_of(rows[k].t) == d - 1;)
            if (hour_of_day(rows[k].t) >= 17)
                prev[hour_of_day(rows[k].t) - 17] = rows[k].h;
        out[nd].day = d;
        aqi_daily(day, prev, &out[nd].r);
        nd++;
        i = j;
    }
    *days = out;
    *ndays = nd;
    return 0;
}

/* ---- the output CSV --------------------------------------------------------------------- */

void aqi_csv_put_header(struct ioc_buf *b)
{
    ioc_buf_puts(b, "time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3\n");
}

void aqi_csv_put_row(struct ioc_buf *b, int daily, int64_t t, const struct aqi_result *r)
{
    char date[11];
    if (daily) {
        ioc_date_format((int32_t)t, date);
        ioc_buf_puts(b, date);
    } else {
        int64_t local = t + VN_OFFSET;
        int64_t d = floor_div(local, DAY), s = local - d * DAY;
        ioc_date_format((int32_t)d, date);
        ioc_buf_printf(b, "%sT%02d:%02d:%02d+07:00", date, (int)(s / HOUR), (int)(s % HOUR / 60),
                       (int)(s % 60));
    }
    if (r->aqi >= 0)
        ioc_buf_printf(b, ",%d,%s,%s", r->aqi, aqi_class_vi(r->cls),
                       aqi_pollutant_name((enum aqi_pollutant)r->dominant));
    else
        ioc_buf_puts(b, ",,,");
    for (int p = 0; p < AQI_NPOLL; p++)
        if (r->sub[p] >= 0)
            ioc_buf_printf(b, ",%d", r->sub[p]);
        else
            ioc_buf_putc(b, ',');
    ioc_buf_putc(b, '\n');
}

int aqi_csv_write(const struct aqi_csv_row *rows, size_t n, int daily, struct ioc_buf *b)
{
    aqi_csv_put_header(b);
    if (daily) {
        struct aqi_csv_day *days;
        size_t nd;
        if (aqi_csv_daily(rows, n, &days, &nd) != 0)
            return IOC_ENOMEM;
        for (size_t i = 0; i < nd; i++)
            aqi_csv_put_row(b, 1, days[i].day, &days[i].r);
        free(days);
    } else if (n) {
        struct aqi_result *out = malloc(n * sizeof *out);
        if (!out)
            return IOC_ENOMEM;
        aqi_csv_hourly(rows, n, out);
        for (size_t i = 0; i < n; i++)
            aqi_csv_put_row(b, 0, rows[i].t, &out[i]);
        free(out);
    }
    return b->data ? 0 : IOC_ENOMEM;
}
