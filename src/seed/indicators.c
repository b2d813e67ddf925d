/*
 * indicators.c — the indicator catalogue in and out as CSV (data/indicators/README.md): reads
 * domains.csv and catalogue.csv — or the same tables saved from Excel as .xlsx, the first sheet —
 * through the project's spreadsheet reader (src/sheet: CSV by RFC 4180, or XLSX), checks every
 * row by the rules of src/indicators and against the stored agencies and domains, and stores the
 * whole catalogue only when no row is bad (store_ind_catalogue_put in the caller's transaction,
 * with an audit row); writes the stored catalogue back as the same CSV.
 *
 * Every bad row is reported, each bad cell once, with its spreadsheet row (the CSV record number
 * or Excel's row number; the header is row 1), data row and column name: a row of
 * the wrong width, an unknown enum value, agency or domain, a malformed number, deadline or
 * thresholds, an expression that does not parse (with the byte where it fails), unknown codes
 * and cycles (ind_catalogue_check), a weight that is not a summed indicator of the file, an
 * input reported less often than its derived indicator. The file is the whole catalogue as far
 * as references go: expressions and weights refer to codes of the same file. A file that cannot
 * be read (bad UTF-8, a stray quote, a broken XLSX, a limit of src/sheet passed) is one problem,
 * reported with the reader's sentence, and its rows are not checked.
 *
 * XLSX leaves trailing empty cells out, so a short row there is padded with empty cells; a CSV
 * row must have the header's width. Cells come as their text: a number as its shortest decimal
 * ("0.1"), a date as ISO text.
 */
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "sheet/sheet.h"
#include "store/store.h"

#define CSV_MAX ((size_t)64 << 20)

struct loader {
    struct seed_indicators *job;
    struct store_conn *w;
    const char *file; /* the one being read, for reports */
    int domains;      /* reading domains.csv */
    int xlsx;         /* the file is XLSX (short rows are padded) */
    int broken;       /* a file could not be read: its problem is reported, nothing is checked */
    int header_seen;
    int header_bad; /* the rows after a wrong header are not read (they would all be wrong) */
    size_t rows;    /* data rows read in this file */
    struct store_ind_domain *dom;
    size_t nd, capd;
    struct store_indicator *ind;
    size_t *line; /* the line of each indicator */
    size_t ni, capi;
};

static const char *const domain_columns[] = {"code", "name_vi", "name_en"};

static void report(struct loader *L, size_t line, size_t row, const char *column, const char *why)
{
    struct seed_ind_problem p = {L->file, line, row, column, why};
    L->job->problems++;
    if (L->job->problem)
        L->job->problem(L->job->ctx, &p);
}

/* A copy of cell i of a row of n cells ("" past its end); NULL when out of memory. The reader
 * gave it in NFC. */
static char *field_dup(const struct sheet_cell *c, size_t n, size_t i)
{
    const char *s = i < n ? c[i].text : "";
    size_t len = strlen(s) + 1;
    char *out = malloc(len);
    return out ? memcpy(out, s, len) : NULL;
}

static int check_header(struct loader *L, size_t line, const struct sheet_cell *c, size_t n)
{
    size_t want = L->domains ? IOC_ARRAY_LEN(domain_columns) : STORE_IND_COLUMNS;
    const char *const *names = L->domains ? domain_columns : store_ind_column_names;
    int ok = n == want;
    for (size_t i = 0; ok && i < want; i++)
        ok = strcmp(c[i].text, names[i]) == 0;
    L->header_bad = !ok;
    if (!ok)
        report(L, line, 0, "header",
               L->domains ? "the header must be: code,name_vi,name_en"
                          : "the header must be the 17 columns of data/indicators/README.md");
    L->header_seen = 1;
    return 0;
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, ncap * size);
    if (!q)
        return IOC_ENOMEM;
    *p = q;
    *cap = ncap;
    return 0;
}

static int add_domain(struct loader *L, size_t line, const struct sheet_cell *c, size_t n)
{
    int rc = grow((void **)&L->dom, &L->capd, L->nd, sizeof *L->dom);
    if (rc)
        return rc;
    struct store_ind_domain *d = &L->dom[L->nd];
    memset(d, 0, sizeof *d);
    d->code = field_dup(c, n, 0);
    d->name_vi = field_dup(c, n, 1);
    d->name_en = field_dup(c, n, 2);
    d->position = (int64_t)L->nd;
    L->nd++;
    if (!d->code || !d->name_vi || !d->name_en)
        return IOC_ENOMEM;
    if (d->code[0] == '\0' || d->name_vi[0] == '\0')
        report(L, line, L->rows, d->code[0] ? "name_vi" : "code", "empty");
    for (size_t i = 0; i + 1 < L->nd; i++)
        if (strcmp(L->dom[i].code, d->code) == 0)
            report(L, line, L->rows, "code", "the code appears twice");
    return 0;
}

static int add_indicator(struct loader *L, size_t line, const struct sheet_cell *c, size_t n)
{
    int rc = grow((void **)&L->ind, &L->capi, L->ni, sizeof *L->ind);
    if (rc)
        return rc;
    size_t *nl = realloc(L->line, L->capi * sizeof *L->line);
    if (!nl)
        return IOC_ENOMEM;
    L->line = nl;
    struct store_indicator *x = &L->ind[L->ni];
    memset(x, 0, sizeof *x);
    L->line[L->ni] = line;
    L->ni++;
    for (int i = 0; i < STORE_IND_COLUMNS; i++)
        if (!(x->col[i] = field_dup(c, n, (size_t)i)))
            return IOC_ENOMEM;
    return 0;
}

/* The width of a row: a CSV row's cells; an XLSX row's up to its last non-empty cell. */
static size_t row_width(const struct loader *L, const struct sheet_cell *c, size_t n)
{
    if (L->xlsx)
        while (n > 0 && c[n - 1].type == SHEET_EMPTY)
            n--;
    return n;
}

static int on_row(void *ctx, size_t line, const struct sheet_cell *c, size_t n)
{
    struct loader *L = ctx;
    if (!L->header_seen)
        return check_header(L, line, c, row_width(L, c, n));
    if (L->header_bad)
        return 0;
    L->rows++;
    size_t want = L->domains ? IOC_ARRAY_LEN(domain_columns) : STORE_IND_COLUMNS;
    size_t width = row_width(L, c, n);
    if (L->xlsx ? width > want : width != want) {
        char why[80];
        snprintf(why, sizeof why, "%zu %s where the header has %zu", width,
                 L->xlsx ? "cells" : "fields", want);
        report(L, line, L->rows, "", why);
        return 0;
    }
    return L->domains ? add_domain(L, line, c, n) : add_indicator(L, line, c, n);
}

/* Reads one file, CSV or XLSX, into L (domains or indicators). */
static int read_csv(struct loader *L, const char *path, int domains)
{
    char *text = NULL;
    size_t n = 0;
    int rc = ioc_file_read(path, CSV_MAX, &text, &n);
    if (rc) {
        snprintf(L->job->error, sizeof L->job->error, "%s: %s", path, ioc_strerror(rc));
        return rc;
    }
    L->file = path;
    L->domains = domains;
    L->header_seen = L->header_bad = 0;
    L->rows = 0;
    L->xlsx = sheet_detect(text, n) == SHEET_XLSX;
    struct sheet_limits lim = {.max_input = CSV_MAX};
    struct sheet_error err;
    rc = sheet_read(text, n, &lim, on_row, L, &err);
    free(text);
    if (rc == IOC_EINVAL || rc == IOC_ETOOBIG) {
        report(L, err.row ? err.row : 1, 0, "", err.why);
        L->broken = 1;
        return 0;
    }
    if (rc == 0 && !L->header_seen)
        report(L, 1, 0, "header", "the file is empty");
    if (rc)
        snprintf(L->job->error, sizeof L->job->error, "%s: %s", path, ioc_strerror(rc));
    return rc;
}

static void loader_free(struct loader *L)
{
    store_ind_domains_free(L->dom, L->nd);
    store_indicators_free(L->ind, L->ni);
    free(L->line);
}

/* ---- checking and storing ---------------------------------------------------------------- */

struct cell_report {
    struct loader *L;
    size_t i;
};

static void on_cell(void *ctx, const char *column, const char *why)
{
    struct cell_report *c = ctx;
    report(c->L, c->L->line[c->i], c->i + 1, column, why);
}

static void on_ref(void *ctx, size_t i, const char *column, const char *why)
{
    struct loader *L = ctx;
    report(L, L->line[i], i + 1, column, why);
}

/* Checks every indicator read; the problems are reported and counted in the job. */
static int check_all(struct loader *L)
{
    for (size_t i = 0; i < L->ni; i++) {
        struct cell_report c = {L, i};
        ind_catalogue_row_check(L->w, &L->ind[i], L->dom, L->nd, on_cell, &c);
    }
    int oom = 0;
    ind_catalogue_refs_check(L->ind, L->ni, on_ref, L, &oom);
    return oom ? IOC_ENOMEM : 0;
}

static int audit(struct loader *L)
{
    struct seed_indicators *j = L->job;
    char detail[256], target[300];
    snprintf(detail, sizeof detail,
             "{\"added\":%lld,\"updated\":%lld,\"unchanged\":%lld,\"domains_added\":%lld,"
             "\"domains_updated\":%lld}",
             (long long)j->added, (long long)j->updated, (long long)j->unchanged,
             (long long)j->domains_added, (long long)j->domains_updated);
    const char *base = strrchr(j->catalogue_path, '/');
    snprintf(target, sizeof target, "indicators:%s", base ? base + 1 : j->catalogue_path);
    struct store_audit a = {0};
    a.actor = (char *)(j->actor ? j->actor : "iocctl");
    a.actor_role = "admin";
    a.action = "indicators.import";
    a.target = target;
    a.ip = "local";
    a.outcome = "ok";
    a.detail = detail;
    return store_audit_add(L->w, &a);
}

int seed_indicators_job(struct store_conn *w, void *arg)
{
    struct seed_indicators *j = arg;
    struct loader L = {.job = j, .w = w};
    j->problems = 0;
    j->error[0] = '\0';
    int rc = 0;
    if (j->domains_path)
        rc = read_csv(&L, j->domains_path, 1);
    if (rc == 0)
        rc = read_csv(&L, j->catalogue_path, 0);
    if (rc == 0 && !L.broken)
        rc = check_all(&L);
    if (rc == 0 && j->problems > 0) {
        snprintf(j->error, sizeof j->error, "%zu problem%s: nothing stored", j->problems,
                 j->problems == 1 ? "" : "s");
        rc = IOC_EINVAL;
    }
    struct store_ind_counts k = {0};
    if (rc == 0) {
        rc = store_ind_catalogue_put(w, L.dom, L.nd, L.ind, L.ni, &k);
        if (rc)
            snprintf(j->error, sizeof j->error, "storing the catalogue: %s", ioc_strerror(rc));
    }
    if (rc == 0) {
        j->added = k.added;
        j->updated = k.updated;
        j->unchanged = k.unchanged;
        j->domains_added = k.domains_added;
        j->domains_updated = k.domains_updated;
        rc = audit(&L);
    }
    loader_free(&L);
    return rc;
}

/* ---- export ------------------------------------------------------------------------------ */

static int csv_field(struct ioc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return ioc_buf_puts(b, s);
    int rc = ioc_buf_putc(b, '"');
    for (const char *p = s; rc == 0 && *p; p++)
        rc = *p == '"' ? ioc_buf_puts(b, "\"\"") : ioc_buf_putc(b, *p);
    return rc ? rc : ioc_buf_putc(b, '"');
}

int seed_csv_record(struct ioc_buf *b, const char *const *fields, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i)
            rc = ioc_buf_putc(b, ',');
        rc = rc ? rc : csv_field(b, fields[i] ? fields[i] : "");
    }
    return rc ? rc : ioc_buf_putc(b, '\n');
}

static int export_domains(struct store_conn *c, struct ioc_buf *b)
{
    struct store_ind_domain *d = NULL;
    size_t n = 0;
    int rc = store_ind_domains_list(c, &d, &n);
    if (rc)
        return rc;
    rc = seed_csv_record(b, domain_columns, IOC_ARRAY_LEN(domain_columns));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *f[] = {d[i].code, d[i].name_vi, d[i].name_en};
        rc = seed_csv_record(b, f, 3);
    }
    store_ind_domains_free(d, n);
    return rc;
}

int seed_indicators_export(struct store_conn *c, struct ioc_buf *d, struct ioc_buf *x)
{
    int rc = d ? export_domains(c, d) : 0;
    if (rc || !x)
        return rc;
    struct store_indicator *r = NULL;
    size_t n = 0;
    struct store_ind_query q = {NULL, NULL, 0, 0};
    rc = store_indicators_find(c, &q, &r, &n, NULL);
    if (rc)
        return rc;
    rc = seed_csv_record(x, store_ind_column_names, STORE_IND_COLUMNS);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = seed_csv_record(x, (const char *const *)r[i].col, STORE_IND_COLUMNS);
    store_indicators_free(r, n);
    return rc;
}
