/*
 * dashboards.c — dashboards in and out as JSON Lines (docs/dashboards.md, "Files"): one document
 * a line, checked by the rules of src/dashboards against the stored catalogue and units, and
 * stored only when no line is bad (store_dashboard_put in the caller's transaction, with an
 * audit row); the stored documents written back the same way, so that an export imported again
 * changes nothing.
 *
 * Every bad line is reported once, with its line number and the JSON path of its first problem
 * (a document stops at its first problem: see src/dashboards/doc.c); an id given on two lines is
 * a problem of the second.
 */
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dashboards/dashboards.h"
#include "store/store.h"

#define JSONL_MAX ((size_t)64 << 20)

static int lookup(void *ctx, enum store_dash_ref kind, const char *code)
{
    int yes = 0;
    int rc = store_dashboard_ref_exists(ctx, kind, code, &yes);
    return rc ? rc : yes;
}

static int lk_indicator(void *ctx, const char *code)
{
    return lookup(ctx, STORE_DASH_REF_INDICATOR, code);
}

static int lk_domain(void *ctx, const char *code)
{
    return lookup(ctx, STORE_DASH_REF_DOMAIN, code);
}

static int lk_unit(void *ctx, const char *code)
{
    return lookup(ctx, STORE_DASH_REF_UNIT, code);
}

void seed_dashboards_lookup(struct dash_lookup *lk, struct store_conn *c)
{
    lk->indicator = lk_indicator;
    lk->unit = lk_unit;
    lk->domain = lk_domain;
    lk->ctx = c;
}

/* ---- import ------------------------------------------------------------------------------ */

struct dash_loader {
    struct seed_dashboards *job;
    struct dash_doc *docs;
    size_t n, cap;
};

static void report(struct seed_dashboards *j, size_t line, const char *path, const char *why)
{
    struct seed_dash_problem p = {j->path, line, path, why};
    j->problems++;
    if (j->problem)
        j->problem(j->ctx, &p);
}

/* Checks one line's document and keeps it; a problem is reported, not returned. */
static int add_line(struct dash_loader *L, const struct dash_lookup *lk, const char *s, size_t n,
                    size_t line)
{
    struct dash_doc d;
    struct dash_problem p;
    int rc = dash_parse(s, n, lk, &d, &p);
    if (rc == IOC_EINVAL) {
        report(L->job, line, p.path, p.why);
        return 0;
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < L->n; i++)
        if (strcmp(L->docs[i].id, d.id) == 0) {
            char why[128];
            snprintf(why, sizeof why, "The id '%s' was given before in this file.", d.id);
            report(L->job, line, "id", why);
            dash_doc_clear(&d);
            return 0;
        }
    if (L->n == L->cap) {
        size_t ncap = L->cap ? 2 * L->cap : 64;
        struct dash_doc *q = realloc(L->docs, ncap * sizeof *q);
        if (!q) {
            dash_doc_clear(&d);
            return IOC_ENOMEM;
        }
        L->docs = q;
        L->cap = ncap;
    }
    L->docs[L->n++] = d;
    return 0;
}

/* Splits text into lines (LF or CRLF) and checks each that is not blank. */
static int read_lines(struct dash_loader *L, struct store_conn *w, const char *text, size_t len)
{
    struct dash_lookup lk;
    seed_dashboards_lookup(&lk, w);
    size_t line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        line++;
        if (n > 0 && text[at + n - 1] == '\r')
            n--;
        size_t k = 0;
        while (k < n && (text[at + k] == ' ' || text[at + k] == '\t'))
            k++;
        if (k < n) {
            int rc = add_line(L, &lk, text + at, n, line);
            if (rc)
                return rc;
        }
        at = end + 1;
    }
    return 0;
}

static int put_all(struct dash_loader *L, struct store_conn *w)
{
    struct seed_dashboards *j = L->job;
    for (size_t i = 0; i < L->n; i++) {
        const struct dash_doc *d = &L->docs[i];
        struct store_dashboard x = {.id = d->id,
                                    .title_vi = d->title_vi,
                                    .title_en = d->title_en,
                                    .domain = d->domain,
                                    .tags = d->tags,
                                    .panels = d->panels,
                                    .document = d->text,
                                    .updated_by = (char *)(j->actor ? j->actor : "iocctl")};
        enum store_dash_outcome o;
        int rc = store_dashboard_put(w, &x, STORE_DASH_ANY, &o, NULL);
        if (rc)
            return rc;
        *(o == STORE_DASH_ADDED     ? &j->added
          : o == STORE_DASH_UPDATED ? &j->updated
                                    : &j->unchanged) += 1;
    }
    char detail[160], target[300];
    snprintf(detail, sizeof detail, "{\"added\":%lld,\"updated\":%lld,\"unchanged\":%lld}",
             (long long)j->added, (long long)j->updated, (long long)j->unchanged);
    const char *base = strrchr(j->path, '/');
    snprintf(target, sizeof target, "dashboards:%s", base ? base + 1 : j->path);
    struct store_audit a = {0};
    a.actor = (char *)(j->actor ? j->actor : "iocctl");
    a.actor_role = "admin";
    a.action = "dashboards.import";
    a.target = target;
    a.ip = "local";
    a.outcome = "ok";
    a.detail = detail;
    return store_audit_add(w, &a);
}

int seed_dashboards_job(struct store_conn *w, void *arg)
{
    struct seed_dashboards *j = arg;
    j->problems = 0;
    j->added = j->updated = j->unchanged = 0;
    j->error[0] = '\0';
    char *text = NULL;
    size_t len = 0;
    int rc = ioc_file_read(j->path, JSONL_MAX, &text, &len);
    if (rc) {
        snprintf(j->error, sizeof j->error, "%s: %s", j->path, ioc_strerror(rc));
        return rc == IOC_ENOTFOUND ? rc : IOC_EIO;
    }
    struct dash_loader L = {.job = j};
    size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    rc = read_lines(&L, w, text + skip, len - skip);
    free(text);
    if (rc == 0 && j->problems)
        rc = IOC_EINVAL;
    if (rc == 0)
        rc = put_all(&L, w);
    for (size_t i = 0; i < L.n; i++)
        dash_doc_clear(&L.docs[i]);
    free(L.docs);
    return rc;
}

/* ---- export ------------------------------------------------------------------------------ */

int seed_dashboards_export(struct store_conn *c, struct ioc_buf *b, size_t *count)
{
    struct store_dash_query q = {.with_document = 1};
    struct store_dashboard *d = NULL;
    size_t n = 0;
    int rc = store_dashboards_find(c, &q, &d, &n, NULL);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = ioc_buf_printf(b, "%s\n", d[i].document);
    store_dashboards_free(d, n);
    if (rc == 0 && count)
        *count = n;
    return rc;
}
