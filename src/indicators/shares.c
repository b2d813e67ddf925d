/*
 * shares.c — how much of a split commune's value each successor takes (docs/indicators.md,
 * "Geography over time"): the rule a set of shares must keep (ind_shares_check), a file of
 * shares checked and stored all or nothing (ind_shares_import_job, CSV or XLSX read by
 * src/sheet), and the links with the shares in force as a table (ind_shares_table). The share a
 * roll-up uses is the store's (LINKS_CTE in src/store/indvalues.c: the one set, else an equal
 * part of what the set ones leave); a change moves generation 0, so every cached roll-up is
 * read again.
 */
#include "indicators/indicators.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "sheet/sheet.h"
#include "store/store.h"

#define SUM_EPS 1e-6

int ind_shares_check(const double *set, const bool *has, size_t n, char *why, size_t cap)
{
    double sum = 0;
    size_t unset = 0;
    for (size_t i = 0; i < n; i++) {
        if (!has[i]) {
            unset++;
            continue;
        }
        if (!(set[i] > 0 && set[i] <= 1)) {
            snprintf(why, cap, "a share is more than 0 and at most 1 (or 100 %%)");
            return IOC_EINVAL;
        }
        sum += set[i];
    }
    if (unset == 0 && fabs(sum - 1) > SUM_EPS) {
        snprintf(why, cap,
                 "every successor has a share and they add up to %.6g, not 1: the whole value "
                 "must go somewhere",
                 sum);
        return IOC_EINVAL;
    }
    if (unset > 0 && sum >= 1 - SUM_EPS) {
        snprintf(why, cap,
                 "the shares set add up to %.6g, leaving nothing for the %zu successor(s) "
                 "without one",
                 sum, unset);
        return IOC_EINVAL;
    }
    return 0;
}

/* ---- import -------------------------------------------------------------------------------- */

enum col { C_OLD, C_NEW, C_SHARE, C_COUNT };
static const char *const col_names[C_COUNT] = {"old", "new", "share"};
/* the other columns ind_shares_table writes: accepted and not read, so an export re-imports */
static const char *const ignored[] = {"old_name", "old_valid_to",    "new_name",
                                      "partial",  "effective_share", "links"};

struct srow {
    size_t row;
    size_t link; /* index into links */
    bool has;
    double share;
};

struct reader {
    struct ind_shares_import *im;
    int at[C_COUNT];
    bool header_done;
    struct store_ind_link *links;
    size_t nlinks;
    struct srow *rows;
    size_t n, cap;
};

static void problem(struct ind_shares_import *im, size_t row, const char *column, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static void problem(struct ind_shares_import *im, size_t row, const char *column, const char *fmt,
                    ...)
{
    struct ind_import_problem p = {row, "", "", IND_REFUSE_INVALID};
    snprintf(p.column, sizeof p.column, "%s", column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p.why, sizeof p.why, fmt, ap);
    va_end(ap);
    if (im->problem)
        im->problem(im->ctx, &p);
    im->refused++;
}

static void header(struct reader *r, const struct sheet_cell *cells, size_t n)
{
    for (int k = 0; k < C_COUNT; k++)
        r->at[k] = -1;
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s", cells[i].text);
        for (char *p = name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        int k = 0;
        while (k < C_COUNT && strcmp(name, col_names[k]) != 0)
            k++;
        size_t g = 0;
        while (g < IOC_ARRAY_LEN(ignored) && strcmp(name, ignored[g]) != 0)
            g++;
        if (k < C_COUNT && r->at[k] >= 0) {
            problem(r->im, 1, col_names[k], "the column is named twice");
        } else if (k < C_COUNT) {
            r->at[k] = (int)i;
        } else if (g == IOC_ARRAY_LEN(ignored)) {
            char letters[4];
            sheet_column_name(i + 1, letters);
            problem(r->im, 1, letters, "unknown column '%.40s': the columns are old, new and share",
                    cells[i].text);
        }
    }
    for (int k = 0; k < C_COUNT; k++)
        if (r->at[k] < 0)
            problem(r->im, 1, col_names[k], "the column is missing");
}

static const struct sheet_cell *cell(const struct reader *r, const struct sheet_cell *cells,
                                     size_t n, int k)
{
    return r->at[k] >= 0 && (size_t)r->at[k] < n ? &cells[r->at[k]] : NULL;
}

/* A share cell: empty (clear), a number, or a number followed by '%'. 0, or -1 after a problem. */
static int share_of(struct reader *r, size_t row, const struct sheet_cell *c, struct srow *out)
{
    out->has = false;
    if (!c || c->type == SHEET_EMPTY || (c->type == SHEET_TEXT && c->len == 0))
        return 0;
    double v = 0;
    if (c->type == SHEET_NUMBER) {
        v = c->number;
    } else {
        size_t len = c->len;
        bool pct = len > 0 && c->text[len - 1] == '%';
        if (pct)
            len--;
        while (pct && len > 0 && c->text[len - 1] == ' ')
            len--;
        if (ioc_parse_f64(c->text, len, -1e300, 1e300, &v) != 0) {
            problem(r->im, row, "share",
                    "'%.40s' is not a share: write 0.7 or 70%% (a point before the decimals), or "
                    "leave it empty for an equal part",
                    c->text);
            return -1;
        }
        if (pct)
            v /= 100;
    }
    if (!(v > 0 && v <= 1)) {
        problem(r->im, row, "share", "%.6g is not a share: more than 0, at most 1 (or 100%%)", v);
        return -1;
    }
    out->has = true;
    out->share = v;
    return 0;
}

static int on_row(void *ctx, size_t row, const struct sheet_cell *cells, size_t n)
{
    struct reader *r = ctx;
    if (!r->header_done) {
        r->header_done = true;
        header(r, cells, n);
        return r->im->refused ? IOC_EINVAL : 0;
    }
    const struct sheet_cell *o = cell(r, cells, n, C_OLD), *w = cell(r, cells, n, C_NEW);
    const char *oc = o ? o->text : "", *nc = w ? w->text : "";
    if (!oc[0] && !nc[0] && !cell(r, cells, n, C_SHARE))
        return 0; /* a blank row */
    struct srow x = {.row = row, .link = SIZE_MAX};
    size_t found = 0, old_seen = 0;
    for (size_t i = 0; i < r->nlinks; i++) {
        if (strcmp(r->links[i].old_code, oc) != 0)
            continue;
        old_seen++;
        if (strcmp(r->links[i].new_code, nc) == 0) {
            x.link = i;
            found++;
        }
    }
    if (!oc[0])
        problem(r->im, row, "old", "the old unit's code is missing");
    else if (!old_seen)
        problem(r->im, row, "old",
                "'%.24s' is no unit that was split (only a unit with several successors takes "
                "shares: one successor takes the whole value)",
                oc);
    else if (!found)
        problem(r->im, row, "new", "'%.24s' is not a successor of %.24s", nc, oc);
    else if (found > 1)
        problem(r->im, row, "new", "%.24s → %.24s names several links (versions of the codes)", oc,
                nc);
    if (share_of(r, row, cell(r, cells, n, C_SHARE), &x) != 0 || x.link == SIZE_MAX)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].link == x.link) {
            problem(r->im, row, "new", "the same link as row %zu", r->rows[i].row);
            return 0;
        }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        struct srow *g = realloc(r->rows, cap * sizeof *g);
        if (!g)
            return IOC_ENOMEM;
        r->rows = g;
        r->cap = cap;
    }
    r->rows[r->n++] = x;
    return 0;
}

/* The shares of the links of each old unit a row touches, the file's over the stored ones, by
 * ind_shares_check; each refusal on the old unit's first row. */
static void check_units(struct reader *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct store_ind_link *l = &r->links[r->rows[i].link];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = r->links[r->rows[j].link].old_id != l->old_id;
        if (!first)
            continue;
        double set[64];
        bool has[64];
        size_t k = 0;
        for (size_t m = 0; m < r->nlinks && k < 64; m++) {
            if (r->links[m].old_id != l->old_id)
                continue;
            set[k] = r->links[m].share;
            has[k] = r->links[m].has_share;
            for (size_t j = 0; j < r->n; j++)
                if (r->rows[j].link == m) {
                    set[k] = r->rows[j].share;
                    has[k] = r->rows[j].has;
                }
            k++;
        }
        char why[200];
        if (ind_shares_check(set, has, k, why, sizeof why) != 0)
            problem(r->im, r->rows[i].row, "share", "%s (%s)", why, l->old_code);
    }
}

int ind_shares_import_job(struct store_conn *w, void *arg)
{
    struct ind_shares_import *im = arg;
    im->rows = im->refused = 0;
    im->set = im->cleared = im->unchanged = 0;
    im->error[0] = '\0';
    struct reader r = {.im = im};
    int rc = store_ind_links(w, &r.links, &r.nlinks);
    if (rc)
        return rc;
    struct sheet_error err;
    rc = sheet_read(im->data, im->len, NULL, on_row, &r, &err);
    if (rc && !im->refused)
        snprintf(im->error, sizeof im->error, "%s", rc == IOC_ENOMEM ? "out of memory" : err.why);
    else if (rc == 0 && !r.header_done)
        snprintf(im->error, sizeof im->error, "the file is empty: the first row names the columns");
    else if (rc == 0 && r.n == 0 && !im->refused)
        snprintf(im->error, sizeof im->error, "the file has no shares after its first row");
    if (rc == 0 && im->error[0])
        rc = IOC_EINVAL;
    im->rows = r.n;
    if (rc == 0)
        check_units(&r);
    if (rc == 0 && im->refused)
        rc = IOC_EINVAL;
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    for (size_t i = 0; rc == 0 && i < r.n; i++) {
        const struct srow *x = &r.rows[i];
        const struct store_ind_link *l = &r.links[x->link];
        if (x->has == (bool)l->has_share && (!x->has || x->share == l->share)) {
            im->unchanged++;
            continue;
        }
        rc = store_ind_share_set(w, l->old_id, l->new_id, x->has ? &x->share : NULL, im->who, now);
        if (x->has)
            im->set++;
        else
            im->cleared++;
    }
    free(r.rows);
    free(r.links);
    if (rc == 0 && im->audit) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "{\"rows\":%zu,\"set\":%lld,\"cleared\":%lld,\"unchanged\":%lld}", im->rows,
                 (long long)im->set, (long long)im->cleared, (long long)im->unchanged);
        struct store_audit a = *im->audit;
        a.detail = detail;
        rc = store_audit_add(w, &a);
    }
    return rc;
}

/* ---- the table ----------------------------------------------------------------------------- */

int ind_shares_table(struct store_conn *db, struct sheet_table **out)
{
    static const char *const cols[] = {"old",   "old_name", "old_valid_to",
                                       "new",   "new_name", "partial",
                                       "links", "share",    "effective_share"};
    struct store_ind_link *links = NULL;
    size_t n = 0;
    int rc = store_ind_links(db, &links, &n);
    struct sheet_table *t = NULL;
    if (rc == 0)
        rc = sheet_table_create("shares", cols, IOC_ARRAY_LEN(cols), &t);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct store_ind_link *l = &links[i];
        struct sheet_cell c[9];
        memset(c, 0, sizeof c);
        const char *texts[] = {l->old_code, l->old_name, l->old_valid_to, l->new_code, l->new_name};
        for (int k = 0; k < 5; k++) {
            c[k].type = SHEET_TEXT;
            c[k].text = texts[k];
            c[k].len = strlen(texts[k]);
        }
        c[5] = (struct sheet_cell){.type = SHEET_NUMBER, .number = l->partial};
        c[6] = (struct sheet_cell){.type = SHEET_NUMBER, .number = l->links};
        c[7] = l->has_share ? (struct sheet_cell){.type = SHEET_NUMBER, .number = l->share}
                            : (struct sheet_cell){.type = SHEET_EMPTY};
        c[8] = (struct sheet_cell){.type = SHEET_NUMBER, .number = l->effective};
        rc = sheet_table_add(t, c);
    }
    free(links);
    if (rc) {
        sheet_table_destroy(t);
        return rc;
    }
    *out = t;
    return 0;
}
