/*
 * rules_io.c — the rules as JSON Lines (docs/alerts.md "Import and export"): exported one
 * alerts_rule_json object a line, by id; imported all or nothing, every line checked as the API
 * checks a rule (alerts_rule_parse, the agency) before anything is written, each refused line
 * reported with its number, field and why.
 *
 * Invariants: an import writes only in the caller's transaction and returns IOC_EINVAL when any
 * line is refused, so nothing of a refused file stays; a line equal to the stored rule of its id
 * is not written (its version and updated_* stay), so exporting, importing that file and
 * exporting again gives the same bytes. Every write moves the rules generation
 * (store_alert_rule_put), which a running engine, in this process or another, watches.
 */
#include "alerts/alerts_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int alerts_rules_export(struct store_conn *c, struct ioc_buf *b, size_t *n)
{
    struct store_alert_rule *r = NULL;
    *n = 0;
    int rc = store_alert_rules_list(c, NULL, 0, &r, n);
    for (size_t i = 0; rc == 0 && i < *n; i++) {
        json_t *o = alerts_rule_json(&r[i]);
        char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
        json_decref(o);
        rc = text ? ioc_buf_puts(b, text) : IOC_ENOMEM;
        if (rc == 0)
            rc = ioc_buf_putc(b, '\n');
        free(text);
    }
    store_alert_rules_free(r, *n);
    return rc;
}

struct item {
    struct store_alert_rule r;
    size_t line;
    int unchanged;
};

static int str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* 1 if the parsed rule p says what the stored rule s says. */
static int same_rule(const struct store_alert_rule *p, const struct store_alert_rule *s)
{
    return str_eq(p->name_vi, s->name_vi) && str_eq(p->name_en, s->name_en) &&
           str_eq(p->severity, s->severity) && str_eq(p->type, s->type) &&
           str_eq(p->target, s->target) && str_eq(p->params, s->params) &&
           str_eq(p->agency, s->agency) && str_eq(p->unit, s->unit) &&
           (p->enabled != 0) == (s->enabled != 0) && p->escalate_after_s == s->escalate_after_s &&
           (p->synthetic != 0) == (s->synthetic != 0);
}

static void refuse(struct alerts_import *im, size_t line, const char *field, const char *why)
{
    im->problems++;
    if (im->problem)
        im->problem(im->ctx, line, field, why);
}

/* Checks one line into *it (it->r.id the line's id, 0 none). 0, IOC_EINVAL after reporting,
 * or the store's error. */
static int check_line(struct store_conn *w, struct alerts_import *im, const char *text, size_t n,
                      size_t line, const struct item *items, size_t nitems, struct item *it)
{
    json_error_t je;
    json_t *body = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    if (!body) {
        char why[200];
        snprintf(why, sizeof why, "Not JSON: %s.", je.text);
        refuse(im, line, "body", why);
        return IOC_EINVAL;
    }
    int64_t id = 0;
    json_t *jid = json_object_get(body, "id");
    if (jid && !json_is_null(jid)) {
        if (!json_is_integer(jid) || json_integer_value(jid) < 1) {
            json_decref(body);
            refuse(im, line, "id",
                   "'id' is a rule's id (a whole number), or absent for a new rule.");
            return IOC_EINVAL;
        }
        id = json_integer_value(jid);
    }
    char err[200] = "";
    const char *field = NULL;
    int rc = alerts_rule_parse(im->a, body, &it->r, err, sizeof err, &field);
    json_decref(body);
    if (rc == 0)
        rc = alerts_rule_check_agency(w, &it->r, err, sizeof err, &field);
    if (rc == IOC_EINVAL)
        refuse(im, line, field ? field : "body", err);
    if (rc)
        return rc;
    it->line = line;
    it->r.id = id;
    free(it->r.updated_by);
    if (!(it->r.updated_by = strdup(im->who->actor)))
        return IOC_ENOMEM;
    if (!id)
        return 0;
    for (size_t i = 0; i < nitems; i++)
        if (items[i].r.id == id) {
            snprintf(err, sizeof err, "Rule %lld is also on line %zu.", (long long)id,
                     items[i].line);
            refuse(im, line, "id", err);
            return IOC_EINVAL;
        }
    struct store_alert_rule stored;
    rc = store_alert_rule_get(w, id, &stored);
    if (rc == IOC_ENOTFOUND) {
        snprintf(err, sizeof err, "No rule has id %lld (leave 'id' out to add one).",
                 (long long)id);
        refuse(im, line, "id", err);
        return IOC_EINVAL;
    }
    if (rc)
        return rc;
    it->unchanged = same_rule(&it->r, &stored);
    store_alert_rule_clear(&stored);
    return 0;
}

static void items_free(struct item *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        store_alert_rule_clear(&v[i].r);
    free(v);
}

/* Writes the checked items with their audit rows. */
static int write_items(struct store_conn *w, struct alerts_import *im, struct item *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].unchanged) {
            im->unchanged++;
            continue;
        }
        int64_t id = 0;
        int stale = 0, created = v[i].r.id == 0;
        int rc = store_alert_rule_put(w, &v[i].r, 0, &id, &stale);
        if (rc)
            return rc;
        char target[48];
        snprintf(target, sizeof target, "rule:%lld", (long long)id);
        struct store_audit a = *im->who;
        a.action = created ? "rule.create" : "rule.put";
        a.target = target;
        a.outcome = "ok";
        a.detail = "{\"import\":true}";
        if ((rc = store_audit_add(w, &a)) != 0)
            return rc;
        if (created)
            im->added++;
        else
            im->replaced++;
    }
    return 0;
}

int alerts_rules_import_job(struct store_conn *w, void *arg)
{
    struct alerts_import *im = arg;
    im->added = im->replaced = im->unchanged = 0;
    im->problems = 0;
    struct item *v = NULL;
    size_t n = 0, cap = 0, line = 0;
    int rc = 0;
    for (const char *p = im->data, *end = im->data + im->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *text = p;
        size_t len = (size_t)(e - p);
        p = nl ? nl + 1 : end;
        line++;
        size_t k = 0;
        while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
            k++;
        if (k == len)
            continue; /* a blank line */
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            struct item *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = IOC_ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        memset(&v[n], 0, sizeof v[n]);
        int lrc = check_line(w, im, text, len, line, v, n, &v[n]);
        if (lrc == 0)
            n++;
        else
            store_alert_rule_clear(&v[n].r);
        if (lrc && lrc != IOC_EINVAL)
            rc = lrc;
        if (rc)
            break;
    }
    int64_t stored = 0, added = 0;
    for (size_t i = 0; i < n; i++)
        added += v[i].r.id == 0;
    if (rc == 0 && !im->problems && (rc = store_alert_rules_count(w, &stored)) == 0 &&
        stored + added > im->max_rules) {
        char why[160];
        snprintf(why, sizeof why, "%lld rules stored and %lld added: more than %lld.",
                 (long long)stored, (long long)added, (long long)im->max_rules);
        refuse(im, 0, "", why);
    }
    if (rc == 0 && im->problems)
        rc = IOC_EINVAL;
    if (rc == 0)
        rc = write_items(w, im, v, n);
    items_free(v, n);
    if (rc) /* nothing of this file counts */
        im->added = im->replaced = im->unchanged = 0;
    return rc;
}
