/*
 * stations_csv.c — the station registry as a CSV file (docs/environment.md "Stations"): the
 * parser behind `iocctl stations import` and the demo seed (all or nothing: every refused row
 * reported with its row, column and why), the writer behind `iocctl stations export`, and the
 * import job that stores a checked file with its audit row in one transaction.
 */
#include "environment/environment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

const char *const env_csv_columns[ENV_CSV_COLUMNS] = {"code",   "name_vi", "name_en",  "kind",
                                                      "lat",    "lon",     "measures", "agency",
                                                      "alarm1", "alarm2",  "alarm3",   "synthetic"};
enum { C_CODE, C_NAME_VI, C_NAME_EN, C_KIND, C_LAT, C_LON, C_MEASURES, C_AGENCY, C_ALARM1 };
#define C_SYNTHETIC 11

struct parse {
    const struct env_lookup *lk;
    env_csv_problem_fn fn;
    void *ctx;
    size_t problems;
    int col[ENV_CSV_COLUMNS]; /* the file's field index of each column, -1 when absent */
    int header_done, header_bad;
    size_t nheader;
    size_t row; /* data rows seen */
    struct store_station *v;
    size_t n, cap;
    int fatal; /* a lookup failure or IOC_ENOMEM */
};

static void report(struct parse *p, size_t row, const char *column, const char *why)
{
    p->problems++;
    if (p->fn) {
        struct env_csv_problem e = {row, column, why};
        p->fn(p->ctx, &e);
    }
}

static int header(struct parse *p, const struct ioc_csv_record *rec)
{
    for (int i = 0; i < ENV_CSV_COLUMNS; i++)
        p->col[i] = -1;
    p->nheader = rec->nfields;
    for (size_t f = 0; f < rec->nfields; f++) {
        const struct ioc_csv_field *x = &rec->fields[f];
        int found = -1;
        for (int i = 0; i < ENV_CSV_COLUMNS; i++)
            if (strlen(env_csv_columns[i]) == x->n && memcmp(env_csv_columns[i], x->p, x->n) == 0)
                found = i;
        char why[160];
        if (found < 0) {
            snprintf(why, sizeof why,
                     "Unknown column \"%.*s\" (the commune is computed, not read).",
                     (int)(x->n > 40 ? 40 : x->n), x->p);
            report(p, 0, "", why);
            p->header_bad = 1;
        } else if (p->col[found] >= 0) {
            snprintf(why, sizeof why, "The column %s is given twice.", env_csv_columns[found]);
            report(p, 0, env_csv_columns[found], why);
            p->header_bad = 1;
        } else {
            p->col[found] = (int)f;
        }
    }
    static const int required[] = {C_CODE, C_NAME_VI, C_KIND, C_LAT, C_LON};
    for (size_t i = 0; i < IOC_ARRAY_LEN(required); i++)
        if (p->col[required[i]] < 0) {
            char why[96];
            snprintf(why, sizeof why, "The header lacks the column %s.",
                     env_csv_columns[required[i]]);
            report(p, 0, env_csv_columns[required[i]], why);
            p->header_bad = 1;
        }
    return 0;
}

/* The cell of column c as a malloc'd string ("" when the column is absent). */
static char *cell(const struct parse *p, const struct ioc_csv_record *rec, int c)
{
    int f = p->col[c];
    if (f < 0 || (size_t)f >= rec->nfields)
        return strdup("");
    char *nfc = NULL;
    size_t n = 0;
    if (rec->fields[f].n == 0)
        return strdup("");
    if (ioc_text_nfc(rec->fields[f].p, rec->fields[f].n, &nfc, &n) != 0)
        return NULL;
    return nfc;
}

struct rowctx {
    struct parse *p;
    size_t row;
};

static void cell_problem(void *ctx, const char *field, const char *why)
{
    struct rowctx *r = ctx;
    report(r->p, r->row, field, why);
}

static int number(struct parse *p, size_t row, const char *column, const char *s, int required,
                  double *out, int *has)
{
    *has = 0;
    if (!*s) {
        if (required) {
            char why[64];
            snprintf(why, sizeof why, "%s is required.", column);
            report(p, row, column, why);
            return -1;
        }
        return 0;
    }
    if (ioc_parse_f64(s, strlen(s), -1e9, 1e9, out) != 0) {
        char why[96];
        snprintf(why, sizeof why, "%s must be a number written with '.' (\"%.24s\").", column, s);
        report(p, row, column, why);
        *out = NAN;
        return -1;
    }
    *has = 1;
    return 0;
}

static int grow(struct parse *p)
{
    if (p->n < p->cap)
        return 0;
    size_t cap = p->cap ? p->cap * 2 : 32;
    struct store_station *v = realloc(p->v, cap * sizeof *v);
    if (!v)
        return IOC_ENOMEM;
    p->v = v;
    p->cap = cap;
    return 0;
}

/* The numeric cells of a row (lat, lon, alarms, synthetic) into s, and their texts freed.
 * Non-zero when one was refused (reported). */
static int numbers(struct parse *p, size_t row, char **text, struct store_station *s)
{
    int bad = 0, has = 0;
    bad |= number(p, row, "lat", text[C_LAT], 1, &s->lat, &has);
    bad |= number(p, row, "lon", text[C_LON], 1, &s->lon, &has);
    for (int i = 0; i < 3; i++)
        bad |= number(p, row, env_csv_columns[C_ALARM1 + i], text[C_ALARM1 + i], 0, &s->alarm[i],
                      &s->has_alarm[i]);
    const char *syn = text[C_SYNTHETIC];
    if (!*syn || strcmp(syn, "0") == 0)
        s->synthetic = 0;
    else if (strcmp(syn, "1") == 0)
        s->synthetic = 1;
    else {
        report(p, row, "synthetic", "synthetic must be 0 or 1 (empty: 0).");
        bad = 1;
    }
    free(text[C_LAT]);
    free(text[C_LON]);
    for (int i = 0; i < 3; i++)
        free(text[C_ALARM1 + i]);
    free(text[C_SYNTHETIC]);
    return bad;
}

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct parse *p = ctx;
    if (!p->header_done) {
        p->header_done = 1;
        return header(p, rec);
    }
    size_t row = ++p->row;
    if (p->header_bad)
        return 0;
    if (row > ENV_CSV_MAX_ROWS) {
        if (row == ENV_CSV_MAX_ROWS + 1)
            report(p, row, "", "More rows than a registry file may hold (10000).");
        return 0;
    }
    if (rec->nfields != p->nheader) {
        char why[96];
        snprintf(why, sizeof why, "The row has %zu fields; the header has %zu.", rec->nfields,
                 p->nheader);
        report(p, row, "", why);
        return 0;
    }
    if (grow(p) != 0)
        return IOC_ENOMEM;
    struct store_station *s = &p->v[p->n];
    memset(s, 0, sizeof *s);
    char *text[ENV_CSV_COLUMNS];
    int ok = 1;
    for (int i = 0; i < ENV_CSV_COLUMNS; i++)
        ok &= (text[i] = cell(p, rec, i)) != NULL;
    if (!ok) {
        for (int i = 0; i < ENV_CSV_COLUMNS; i++)
            free(text[i]);
        return IOC_ENOMEM;
    }
    s->code = text[C_CODE];
    s->name_vi = text[C_NAME_VI];
    s->name_en = text[C_NAME_EN];
    s->kind = text[C_KIND];
    s->measures = text[C_MEASURES];
    s->agency = text[C_AGENCY];
    int bad = numbers(p, row, text, s);
    char commune[ENV_UNIT_CODE_MAX];
    struct rowctx rc_ = {p, row};
    int rc = 0;
    if (!bad) {
        rc = env_station_check(s, p->lk, commune, cell_problem, &rc_);
        if (rc != 0 && rc != IOC_EINVAL) {
            store_station_clear(s);
            return rc;
        }
    }
    for (size_t i = 0; !bad && rc == 0 && i < p->n; i++)
        if (strcmp(p->v[i].code, s->code) == 0) {
            char why[96];
            snprintf(why, sizeof why, "The code %.40s is already in the file.", s->code);
            report(p, row, "code", why);
            bad = 1;
        }
    if (bad || rc) {
        store_station_clear(s);
        return 0;
    }
    if ((s->commune = strdup(commune)) == NULL) {
        store_station_clear(s);
        return IOC_ENOMEM;
    }
    p->n++;
    return 0;
}

static int on_error(void *ctx, const struct ioc_csv_error *e)
{
    struct parse *p = ctx;
    char why[200];
    snprintf(why, sizeof why, "Line %zu, column %zu: %s.", e->line, e->column, e->message);
    if (p->header_done)
        p->row++;
    report(p, p->header_done ? p->row : 0, "", why);
    if (!p->header_done) {
        p->header_done = 1;
        p->header_bad = 1;
    }
    return 0;
}

int env_stations_csv_parse(const char *data, size_t len, const struct env_lookup *lk,
                           env_csv_problem_fn fn, void *ctx, size_t *problems,
                           struct store_station **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (problems)
        *problems = 0;
    struct parse p = {.lk = lk, .fn = fn, .ctx = ctx};
    struct ioc_csv_limits lim = {4096, 64, 65536};
    struct ioc_csv_reader *r = NULL;
    int rc = ioc_csv_create(&lim, &r);
    if (rc)
        return rc;
    rc = ioc_csv_feed(r, data ? data : "", len, on_record, on_error, &p);
    if (rc == 0)
        rc = ioc_csv_finish(r, on_record, on_error, &p);
    ioc_csv_destroy(r);
    if (rc == 0 && !p.header_done)
        report(&p, 0, "", "The file is empty: it needs a header and rows.");
    if (problems)
        *problems = p.problems;
    if (rc == 0 && p.problems)
        rc = IOC_EINVAL;
    if (rc) {
        store_stations_free(p.v, p.n);
        return rc;
    }
    *out = p.v;
    *n = p.n;
    return 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

static int field(struct ioc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return ioc_buf_puts(b, s);
    int rc = ioc_buf_putc(b, '"');
    for (const char *q = s; rc == 0 && *q; q++)
        rc = *q == '"' ? ioc_buf_puts(b, "\"\"") : ioc_buf_putc(b, *q);
    return rc ? rc : ioc_buf_putc(b, '"');
}

int env_stations_csv(const struct store_station *s, size_t n, struct ioc_buf *b)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < ENV_CSV_COLUMNS; i++)
        rc = (i ? ioc_buf_putc(b, ',') : 0) || field(b, env_csv_columns[i]);
    rc = rc ? rc : ioc_buf_putc(b, '\n');
    for (size_t k = 0; rc == 0 && k < n; k++) {
        char lat[32], lon[32], alarm[3][32];
        ioc_fmt_f64(lat, s[k].lat);
        ioc_fmt_f64(lon, s[k].lon);
        for (int i = 0; i < 3; i++) {
            alarm[i][0] = '\0';
            if (s[k].has_alarm[i])
                ioc_fmt_f64(alarm[i], s[k].alarm[i]);
        }
        const char *f[ENV_CSV_COLUMNS] = {s[k].code,     s[k].name_vi, s[k].name_en,
                                          s[k].kind,     lat,          lon,
                                          s[k].measures, s[k].agency,  alarm[0],
                                          alarm[1],      alarm[2],     s[k].synthetic ? "1" : "0"};
        for (int i = 0; rc == 0 && i < ENV_CSV_COLUMNS; i++)
            rc = (i ? ioc_buf_putc(b, ',') : 0) || field(b, f[i] ? f[i] : "");
        rc = rc ? rc : ioc_buf_putc(b, '\n');
    }
    return rc ? IOC_ENOMEM : 0;
}

/* ---- the import job ----------------------------------------------------------------------- */

int env_stations_import_job(struct store_conn *w, void *arg)
{
    struct env_import *im = arg;
    im->problems = 0;
    im->added = im->updated = im->unchanged = 0;
    struct env_places *pl = NULL;
    int rc = env_places_open(w, &pl);
    if (rc)
        return rc;
    struct env_lookup lk;
    env_places_lookup(pl, &lk);
    struct store_station *v = NULL;
    size_t n = 0;
    rc =
        env_stations_csv_parse(im->data, im->len, &lk, im->problem, im->ctx, &im->problems, &v, &n);
    env_places_close(pl);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        enum store_station_outcome o;
        v[i].updated_by = strdup(im->actor ? im->actor : "");
        if (!v[i].updated_by) {
            rc = IOC_ENOMEM;
            break;
        }
        rc = store_station_put(w, &v[i], STORE_STATION_ANY, &o, NULL);
        im->added += rc == 0 && o == STORE_STATION_ADDED;
        im->updated += rc == 0 && o == STORE_STATION_UPDATED;
        im->unchanged += rc == 0 && o == STORE_STATION_UNCHANGED;
    }
    store_stations_free(v, n);
    if (rc)
        return rc;
    char detail[128];
    snprintf(detail, sizeof detail, "{\"added\":%lld,\"updated\":%lld,\"unchanged\":%lld}",
             (long long)im->added, (long long)im->updated, (long long)im->unchanged);
    struct store_audit a = {.actor = (char *)(im->actor ? im->actor : "iocctl"),
                            .actor_role = "admin",
                            .action = "stations.import",
                            .target = (char *)(im->target ? im->target : "stations"),
                            .ip = "local",
                            .outcome = "ok",
                            .detail = detail};
    return store_audit_add(w, &a);
}
