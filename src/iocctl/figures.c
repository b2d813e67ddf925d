/*
 * figures.c — iocctl figures compute: recompute the daily figures for the indicators
 * (docs/indicators.md, "Computed figures") of a range of local days, as iocd does each day:
 *
 *   figures compute [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 *
 * (both default to yesterday in Asia/Ho_Chi_Minh; at most 400 days). The figures come from the
 * stored readings (src/environment/figures.c) and reports (src/reports/figures.c); the readings
 * need iocd stopped (it holds the
 * time-series engine); the values are written by src/indicators (a day written again with the
 * same numbers makes no revision), with an audit row "figures.compute". Prints what was added,
 * revised, unchanged and refused (the first refusal's reason).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "indicators/indicators.h"
#include "iocctl/iocctl_int.h"
#include "reports/reports.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

struct compute {
    struct ind_computed_write w;
    char target[32], detail[160];
};

static int compute_job(struct store_conn *w, void *arg)
{
    struct compute *j = arg;
    int rc = ind_computed_write_job(w, &j->w);
    if (rc == 0) {
        snprintf(j->detail, sizeof j->detail,
                 "{\"added\":%lld,\"revised\":%lld,\"unchanged\":%lld,\"refused\":%lld}",
                 (long long)j->w.added, (long long)j->w.revised, (long long)j->w.unchanged,
                 (long long)j->w.refused);
        rc = cli_audit(w, "figures.compute", j->target, j->detail);
    }
    return rc;
}

/* The day of option name, or def; 0, or 2 after the usage. */
static int day_opt(struct cli *c, const char *name, int32_t def, int32_t *out)
{
    int missing = 0;
    const char *s = cli_opt(c, name, &missing);
    if (missing)
        return cli_usage(c, "--from and --to take a day YYYY-MM-DD");
    *out = def;
    if (s && ioc_date_parse(s, strlen(s), out) != 0)
        return cli_usage(c, "--from and --to take a day YYYY-MM-DD");
    return 0;
}

/* Opens the time-series engine of DATA_DIR; 0, or 1 after why. */
static int open_tsdb(struct cli *c, struct tsdb_db **db)
{
    char err[512] = "";
    struct tsdb_db_options o = {.sync = TSDB_SYNC_BATCH};
    int rc = tsdb_db_open(c->data, &o, db, err, sizeof err);
    if (rc == IOC_EBUSY)
        fprintf(stderr,
                "iocctl: iocd is serving %s and holds its telemetry; stop it first (iocd "
                "computes the figures of each day itself)\n",
                c->data);
    else if (rc)
        fprintf(stderr, "iocctl: the time-series engine in %s/tsdb cannot be opened: %s\n", c->data,
                err[0] ? err : ioc_strerror(rc));
    return rc ? 1 : 0;
}

static int cmd_compute(struct cli *c)
{
    char today[11];
    ioc_date_today_vn(today);
    int32_t yesterday = 0, from, to;
    ioc_date_parse(today, 10, &yesterday);
    yesterday--;
    int rc = day_opt(c, "--from", yesterday, &from);
    if (rc == 0)
        rc = day_opt(c, "--to", yesterday, &to);
    if (rc)
        return rc;
    if (cli_stray_option(c) || c->argc != 0)
        return cli_usage(c, "figures compute takes only --from and --to");
    if (to < from || to - from >= 400)
        return cli_usage(c, "--from must not be after --to, and at most 400 days");
    if (cli_open(c, 0))
        return 1;
    struct tsdb_db *db = NULL;
    if (open_tsdb(c, &db))
        return 1;
    struct ind_computed *v = NULL;
    size_t n = 0;
    rc = env_figures_read(c->db, db, from, to, &v, &n);
    tsdb_db_close(db);
    struct ind_computed *r = NULL;
    size_t nr = 0;
    if (rc == 0)
        rc = rep_figures_read(c->db, from, to, &r, &nr);
    struct ind_computed *all = rc == 0 && nr ? realloc(v, (n + nr) * sizeof *v) : v;
    if (rc == 0 && nr && !all)
        rc = IOC_ENOMEM;
    if (rc == 0 && nr) {
        memcpy(all + n, r, nr * sizeof *r);
        v = all, n += nr;
    }
    free(r);
    if (rc) {
        free(v);
        return cli_report(rc, "figures compute");
    }
    struct compute j = {.w = {.v = v, .n = n, .who = "iocctl"}};
    char a[11], b[11];
    ioc_date_format(from, a);
    ioc_date_format(to, b);
    snprintf(j.target, sizeof j.target, "%s..%s", a, b);
    rc = store_tx(c->db, compute_job, &j);
    free(v);
    if (rc)
        return cli_report(rc, "figures compute");
    printf("figures %s … %s: %zu values: %lld added, %lld revised, %lld unchanged, %lld refused\n",
           a, b, n, (long long)j.w.added, (long long)j.w.revised, (long long)j.w.unchanged,
           (long long)j.w.refused);
    if (j.w.refused)
        fprintf(stderr, "iocctl: figures compute: first refused: %s\n", j.w.error);
    return 0;
}

static int cmd_figures(struct cli *c)
{
    if (c->argc < 1 || strcmp(c->argv[0], "compute") != 0)
        return cli_usage(c, "figures needs compute");
    c->argc--, c->argv++;
    return cmd_compute(c);
}

/* The figures group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"figures", cmd_figures,
     "  figures compute [--from DAY] [--to DAY]\n"
     "                                   recompute the daily figures for the indicators (VN_AQI\n"
     "                                   and citizen reports per commune) of local days DAY\n"
     "                                   (YYYY-MM-DD; default yesterday) from the stored\n"
     "                                   readings and reports (iocd stopped)\n"},
};

const struct cli_group cli_group_figures = CLI_GROUP("figures", commands);
