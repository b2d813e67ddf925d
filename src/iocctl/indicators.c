/*
 * indicators.c — iocctl's indicator catalogue commands: import a catalogue (and its domains)
 * from CSV, all or nothing, every bad row reported; export it back as the same CSV. Both run
 * against the data directory with their own connection, like the account commands, so they
 * work whether iocd runs or not (SQLite's locking orders the import's one transaction with
 * iocd's writer). The rules of the files: data/indicators/README.md; checks: src/seed/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "indicators/indicators.h"
#include "iocctl/iocctl_int.h"
#include "seed/seed.h"
#include "sheet/sheet.h"
#include "store/store.h"

static void print_problem(void *ctx, const struct seed_ind_problem *p)
{
    (void)ctx;
    fprintf(stderr, "iocctl: %s:%zu:", p->file, p->line);
    if (p->row)
        fprintf(stderr, " row %zu%s", p->row, p->column[0] ? "," : ":");
    if (p->column[0])
        fprintf(stderr, " column %s:", p->column);
    fprintf(stderr, " %s\n", p->why);
}

static int cmd_import(struct cli *c)
{
    int missing = 0;
    const char *domains = cli_opt(c, "--domains", &missing);
    if (missing || cli_stray_option(c) || c->argc != 1)
        return cli_usage(
            c, "indicators import takes [--domains DOMAINS.csv|.xlsx] CATALOGUE.csv|.xlsx");
    if (cli_open(c, 0))
        return 1;
    struct seed_indicators j = {.domains_path = domains,
                                .catalogue_path = c->argv[0],
                                .actor = "iocctl",
                                .problem = print_problem};
    int rc = store_tx(c->db, seed_indicators_job, &j);
    if (rc) {
        fprintf(stderr, "iocctl: indicators import: %s\n", j.error[0] ? j.error : ioc_strerror(rc));
        return 1;
    }
    printf("imported %s: %lld indicators added, %lld updated, %lld unchanged", c->argv[0],
           (long long)j.added, (long long)j.updated, (long long)j.unchanged);
    if (domains)
        printf("; domains: %lld added, %lld updated", (long long)j.domains_added,
               (long long)j.domains_updated);
    printf("\n");
    return 0;
}

/* ---- import values ---------------------------------------------------------------------- */

/* The refused rows, printed in row order once the job is done. */
struct problems {
    struct ind_import_problem *p;
    size_t n, cap;
};

static void keep_problem(void *ctx, const struct ind_import_problem *p)
{
    struct problems *ps = ctx;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        struct ind_import_problem *q = realloc(ps->p, cap * sizeof *q);
        if (!q)
            return; /* still counted by the job */
        ps->p = q;
        ps->cap = cap;
    }
    ps->p[ps->n++] = *p;
}

static int by_row(const void *a, const void *b)
{
    const struct ind_import_problem *x = a, *y = b;
    return (x->row > y->row) - (x->row < y->row);
}

/* Prints the refused rows of file in row order (and frees them), then, when the import failed
 * (rc), why; 1 if it failed. */
static int import_failed(const char *file, struct problems *ps, int rc, size_t refused,
                         const char *error)
{
    if (ps->n)
        qsort(ps->p, ps->n, sizeof *ps->p, by_row);
    for (size_t i = 0; i < ps->n; i++)
        fprintf(stderr, "iocctl: %s: row %zu, column %s: %s\n", file, ps->p[i].row, ps->p[i].column,
                ps->p[i].why);
    free(ps->p);
    ps->p = NULL;
    ps->n = ps->cap = 0;
    if (!rc)
        return 0;
    if (refused)
        fprintf(stderr, "iocctl: %s: nothing was stored: %zu problem(s)\n", file, refused);
    else
        fprintf(stderr, "iocctl: %s: %s\n", file, error[0] ? error : ioc_strerror(rc));
    return 1;
}

#define VALUES_FILE_MAX (64u << 20)

int cli_import_values(struct cli *c)
{
    c->argc--; /* "values" */
    c->argv++;
    int missing = 0;
    const char *note = cli_opt(c, "--note", &missing);
    if (missing || cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "import values takes [--note TEXT] FILE.csv|FILE.xlsx");
    char *data = NULL, *text = note ? cli_text(note, 1000) : NULL;
    size_t len = 0;
    if (note && !text)
        return cli_usage(c, "--note must be UTF-8 text of at most 1000 bytes");
    int rc = ioc_file_read(c->argv[0], VALUES_FILE_MAX, &data, &len);
    if (rc) {
        fprintf(stderr, "iocctl: %s: %s\n", c->argv[0],
                rc == IOC_ETOOBIG ? "larger than 64 MiB" : ioc_strerror(rc));
        free(text);
        return 1;
    }
    if (cli_open(c, 0)) {
        free(data);
        free(text);
        return 1;
    }
    struct problems ps = {NULL, 0, 0};
    char target[300];
    snprintf(target, sizeof target, "file:%s", c->argv[0]);
    struct store_audit who = {.actor = "iocctl",
                              .actor_role = "admin",
                              .action = "indicator.import",
                              .target = target,
                              .ip = "local",
                              .outcome = "ok",
                              .request_id = ""};
    struct ind_import im = {
        .data = data, .len = len, .note = text, .audit = &who, .problem = keep_problem, .ctx = &ps};
    rc = store_tx(c->db, ind_values_import_job, &im);
    free(data);
    free(text);
    if (import_failed(c->argv[0], &ps, rc, im.refused, im.error))
        return 1;
    printf("imported %s: %zu rows: %lld added, %lld revised, %lld unchanged\n", c->argv[0], im.rows,
           (long long)im.added, (long long)im.revised, (long long)im.unchanged);
    return 0;
}

static int cmd_export(struct cli *c)
{
    int missing = 0;
    const char *domains = cli_opt(c, "--domains", &missing);
    if (missing || cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, "indicators export takes [--domains DOMAINS.csv] [CATALOGUE.csv]");
    if (cli_open(c, 0))
        return 1;
    const char *file = c->argc == 1 ? c->argv[0] : NULL;
    struct ioc_buf d, x;
    ioc_buf_init(&d, 0);
    ioc_buf_init(&x, 0);
    int rc = seed_indicators_export(c->db, domains ? &d : NULL, &x);
    if (rc == 0 && domains)
        rc = cli_put_out(domains, &d);
    if (rc == 0)
        rc = cli_put_out(file, &x);
    ioc_buf_free(&d);
    ioc_buf_free(&x);
    return cli_report(rc, "indicators export");
}

/* ---- the shares of split communes --------------------------------------------------------- */

static int shares_import(struct cli *c)
{
    if (cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "indicators shares import takes FILE.csv|FILE.xlsx");
    char *data = NULL;
    size_t len = 0;
    int rc = ioc_file_read(c->argv[0], VALUES_FILE_MAX, &data, &len);
    if (rc) {
        fprintf(stderr, "iocctl: %s: %s\n", c->argv[0],
                rc == IOC_ETOOBIG ? "larger than 64 MiB" : ioc_strerror(rc));
        return 1;
    }
    if (cli_open(c, 0)) {
        free(data);
        return 1;
    }
    struct problems ps = {NULL, 0, 0};
    char target[300];
    snprintf(target, sizeof target, "file:%s", c->argv[0]);
    struct store_audit who = {.actor = "iocctl",
                              .actor_role = "admin",
                              .action = "indicator.shares",
                              .target = target,
                              .ip = "local",
                              .outcome = "ok",
                              .request_id = ""};
    struct ind_shares_import im = {.data = data,
                                   .len = len,
                                   .who = "iocctl",
                                   .audit = &who,
                                   .problem = keep_problem,
                                   .ctx = &ps};
    rc = store_tx(c->db, ind_shares_import_job, &im);
    free(data);
    if (import_failed(c->argv[0], &ps, rc, im.refused, im.error))
        return 1;
    printf("imported %s: %zu rows: %lld set, %lld cleared, %lld unchanged\n", c->argv[0], im.rows,
           (long long)im.set, (long long)im.cleared, (long long)im.unchanged);
    return 0;
}

static int shares_export(struct cli *c)
{
    if (cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, "indicators shares export takes [FILE.csv|FILE.xlsx]");
    if (cli_open(c, 0))
        return 1;
    const char *file = c->argc == 1 ? c->argv[0] : NULL;
    size_t fl = file ? strlen(file) : 0;
    struct sheet_table *t = NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    int rc = ind_shares_table(c->db, &t);
    if (rc == 0)
        rc = fl > 5 && strcmp(file + fl - 5, ".xlsx") == 0 ? sheet_write_xlsx(t, &b)
                                                           : sheet_write_csv(t, &b);
    if (rc == 0)
        rc = cli_put_out(file, &b);
    sheet_table_destroy(t);
    ioc_buf_free(&b);
    return cli_report(rc, "indicators shares export");
}

static int cmd_shares(struct cli *c)
{
    static const struct cli_command subs[] = {{"import", shares_import, NULL},
                                              {"export", shares_export, NULL}};
    return cli_subcommand(c, "indicators shares", subs, IOC_ARRAY_LEN(subs));
}

/* ---- the whole history in one geography --------------------------------------------------- */

struct hist_out {
    FILE *f;
    int rc;
};

static int hist_row(void *ctx, const struct ind_history_row *r)
{
    struct hist_out *o = ctx;
    char period[IND_PERIOD_TEXT_MAX], v[32] = "", num[32] = "", den[32] = "";
    ind_period_format(r->period, period);
    if (r->v.reason == IND_OK)
        ioc_fmt_f64(v, r->v.obs.value);
    if (r->ratio) {
        ioc_fmt_f64(num, r->v.obs.num);
        ioc_fmt_f64(den, r->v.obs.den);
    }
    if (fprintf(o->f, "%s,%s,%s,%s,%s,%s,%s,%d\n", r->indicator, r->unit, period, v, num, den,
                r->v.obs.approximate ? "true" : "false", r->v.inputs) < 0)
        return o->rc = IOC_EIO;
    return 0;
}

/* A period in any text form as the instant it starts (end 0) or ends (end 1). */
static int period_bound(const char *text, int end, int64_t *out)
{
    struct ind_period p;
    if (ind_period_parse(text, strlen(text), &p, NULL) != 0)
        return IOC_EINVAL;
    *out = end ? ind_period_end(p) : ind_period_start(p);
    return 0;
}

static int cmd_history(struct cli *c)
{
    int missing = 0;
    const char *at = cli_opt(c, "--at", &missing), *from = cli_opt(c, "--from", &missing);
    const char *to = cli_opt(c, "--to", &missing);
    if (missing || cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, "indicators history takes [--at DAY] [--from PERIOD] [--to PERIOD] "
                            "[FILE.csv]");
    char today[11];
    ioc_date_today_vn(today);
    int32_t days;
    if (at && ioc_date_parse(at, strlen(at), &days) != 0)
        return cli_usage(c, "--at must be a day YYYY-MM-DD");
    struct ind_history h = {.at = at ? at : today};
    if (period_bound(from ? from : "2000", 0, &h.from) != 0 ||
        period_bound(to ? to : today, 1, &h.to) != 0 || h.from >= h.to)
        return cli_usage(c, "--from and --to are periods (2024, 2024-Q2, 2024-03, 2024-03-15), "
                            "--from not after --to");
    if (cli_open(c, 0))
        return 1;
    const char *file = c->argc == 1 ? c->argv[0] : NULL;
    char tmp[4096];
    struct hist_out o = {stdout, 0};
    if (file) {
        snprintf(tmp, sizeof tmp, "%s.tmp", file);
        if (!(o.f = fopen(tmp, "w"))) {
            perror(tmp);
            return 1;
        }
    }
    fputs("indicator,unit,period,value,num,den,approximate,inputs\n", o.f);
    h.emit = hist_row;
    h.ctx = &o;
    int64_t t0 = ioc_now_ms();
    int rc = ind_history(c->db, &h);
    if (fflush(o.f) != 0 && rc == 0)
        rc = IOC_EIO;
    if (file) {
        if (fsync(fileno(o.f)) != 0 && rc == 0)
            rc = IOC_EIO;
        fclose(o.f);
        if (rc == 0 && rename(tmp, file) != 0)
            rc = IOC_EIO;
        if (rc)
            unlink(tmp);
    }
    if (rc == 0)
        fprintf(
            stderr,
            "iocctl: indicators history at %s: %lld stored values read, %lld values in %.2f s\n",
            h.at, (long long)h.rows, (long long)h.values, (double)(ioc_now_ms() - t0) / 1000);
    return cli_report(rc, "indicators history");
}

static int cmd_indicators(struct cli *c)
{
    static const struct cli_command subs[] = {{"import", cmd_import, NULL},
                                              {"export", cmd_export, NULL},
                                              {"shares", cmd_shares, NULL},
                                              {"history", cmd_history, NULL}};
    return cli_subcommand(c, "indicators", subs, IOC_ARRAY_LEN(subs));
}

/* The indicators group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"indicators", cmd_indicators,
     "  indicators import [--domains DOMAINS.csv] CATALOGUE.csv\n"
     "                                   (or .xlsx: the first sheet, the same columns)\n"
     "                                   checks the whole catalogue (data/indicators/README.md)\n"
     "                                   and stores it only if no row is bad (each one reported\n"
     "                                   with its line, row and column); domains first if given\n"
     "  indicators export [--domains DOMAINS.csv] [CATALOGUE.csv]\n"
     "                                   the stored catalogue as the same CSV (stdout without\n"
     "                                   a file)\n"
     "  indicators shares export [FILE.csv|FILE.xlsx]\n"
     "                                   every link of a split unit: the share set (empty: an\n"
     "                                   equal part) and the share roll-ups use\n"
     "  indicators shares import FILE.csv|FILE.xlsx\n"
     "                                   sets the shares (columns old, new, share; empty clears)\n"
     "                                   all or nothing, each bad row reported; audited\n"
     "  indicators history [--at DAY] [--from PERIOD] [--to PERIOD] [FILE.csv]\n"
     "                                   every indicator's values at every commune in force on\n"
     "                                   DAY (default today), old units' values carried along\n"
     "                                   the succession links, each period from..to as CSV\n"},
};

const struct cli_group cli_group_indicators = CLI_GROUP("indicators", commands);
