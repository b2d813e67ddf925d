/*
 * stations.c — iocctl's station registry commands (docs/environment.md "Stations"): import a CSV
 * file of stations, all or nothing, every refused row reported with its row, column and why;
 * export the stored registry as the same file. Both run against the data directory with their
 * own connection, whether iocd runs or not, and both are audited (stations.import,
 * stations.export). The rules: src/environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

#define STATIONS_FILE_MAX ((size_t)16 << 20)

struct printer {
    const char *file;
};

static void print_problem(void *ctx, const struct env_csv_problem *p)
{
    const struct printer *pr = ctx;
    if (p->row)
        fprintf(stderr, "iocctl: %s: row %zu%s%s: %s\n", pr->file, p->row, p->column[0] ? ", " : "",
                p->column, p->why);
    else
        fprintf(stderr, "iocctl: %s: header%s%s: %s\n", pr->file, p->column[0] ? ", " : "",
                p->column, p->why);
}

static int cmd_import(struct cli *c)
{
    if (cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "stations import takes FILE.csv");
    char *data = NULL;
    size_t len = 0;
    int rc = ioc_file_read(c->argv[0], STATIONS_FILE_MAX, &data, &len);
    if (rc) {
        fprintf(stderr, "iocctl: stations import: %s: %s\n", c->argv[0], ioc_strerror(rc));
        return 1;
    }
    if (cli_open(c, 0)) {
        free(data);
        return 1;
    }
    char target[300];
    snprintf(target, sizeof target, "stations:%s", cli_base_name(c->argv[0]));
    struct printer pr = {c->argv[0]};
    struct env_import im = {.data = data,
                            .len = len,
                            .actor = "iocctl",
                            .target = target,
                            .problem = print_problem,
                            .ctx = &pr};
    rc = store_tx(c->db, env_stations_import_job, &im);
    free(data);
    if (rc) {
        if (rc == IOC_EINVAL && im.problems)
            fprintf(stderr, "iocctl: stations import: %zu problem%s; nothing was stored\n",
                    im.problems, im.problems == 1 ? "" : "s");
        else
            fprintf(stderr, "iocctl: stations import: %s\n", ioc_strerror(rc));
        return 1;
    }
    printf("imported %s: %lld stations added, %lld updated, %lld unchanged\n", c->argv[0],
           (long long)im.added, (long long)im.updated, (long long)im.unchanged);
    return 0;
}

/* The registry as the import's CSV file. */
static int read_stations(struct store_conn *w, struct ioc_buf *b, size_t *n)
{
    struct store_station *s = NULL;
    int rc = store_stations_find(w, NULL, &s, n);
    if (rc)
        return rc;
    rc = env_stations_csv(s, *n, b);
    store_stations_free(s, *n);
    return rc;
}

static int cmd_export(struct cli *c)
{
    return cli_export(c, "stations", "stations export takes [FILE.csv|-]", read_stations);
}

static int cmd_stations(struct cli *c)
{
    static const struct cli_command subs[] = {{"import", cmd_import, NULL},
                                              {"export", cmd_export, NULL}};
    return cli_subcommand(c, "stations", subs, IOC_ARRAY_LEN(subs));
}

/* The stations group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"stations", cmd_stations,
     "  stations import FILE.csv         checks every station of the file (columns code,\n"
     "                                   name_vi, name_en, kind, lat, lon, measures, agency,\n"
     "                                   alarm1..3, synthetic; docs/environment.md) and stores\n"
     "                                   them only if none is refused (each reported with its\n"
     "                                   row, column and why); the commune is computed\n"
     "  stations export [FILE.csv|-]     the stored registry as the same file (stdout without\n"
     "                                   a file or with -)\n"},
};

const struct cli_group cli_group_stations = CLI_GROUP("stations", commands);
