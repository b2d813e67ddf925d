/*
 * dashboards.c — iocctl's dashboard commands: import a JSON Lines file of dashboards, all or
 * nothing, every bad line reported with its line number and the JSON path of its problem;
 * export the stored ones as the same file. Both run against the data directory with their own
 * connection, so they work whether iocd runs or not, and both are audited (dashboards.import,
 * dashboards.export). The format: docs/dashboards.md; the checks: src/dashboards, src/seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "seed/seed.h"
#include "store/store.h"

static void print_problem(void *ctx, const struct seed_dash_problem *p)
{
    (void)ctx;
    fprintf(stderr, "iocctl: %s:%zu: %s%s%s\n", p->file, p->line, p->path, p->path[0] ? ": " : "",
            p->why);
}

static int cmd_import(struct cli *c)
{
    if (cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "dashboards import takes FILE.jsonl");
    if (cli_open(c, 0))
        return 1;
    struct seed_dashboards j = {.path = c->argv[0], .actor = "iocctl", .problem = print_problem};
    int rc = store_tx(c->db, seed_dashboards_job, &j);
    if (rc) {
        if (rc == IOC_EINVAL && j.problems)
            fprintf(stderr, "iocctl: dashboards import: %zu bad line%s; nothing was stored\n",
                    j.problems, j.problems == 1 ? "" : "s");
        else
            fprintf(stderr, "iocctl: dashboards import: %s\n",
                    j.error[0] ? j.error : ioc_strerror(rc));
        return 1;
    }
    printf("imported %s: %lld dashboards added, %lld updated, %lld unchanged\n", c->argv[0],
           (long long)j.added, (long long)j.updated, (long long)j.unchanged);
    return 0;
}

static int cmd_export(struct cli *c)
{
    return cli_export(c, "dashboards", "dashboards export takes [FILE.jsonl|-]",
                      seed_dashboards_export);
}

static int cmd_dashboards(struct cli *c)
{
    static const struct cli_command subs[] = {{"import", cmd_import, NULL},
                                              {"export", cmd_export, NULL}};
    return cli_subcommand(c, "dashboards", subs, IOC_ARRAY_LEN(subs));
}

/* The dashboards group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"dashboards", cmd_dashboards,
     "  dashboards import FILE.jsonl     checks every dashboard of the file (one JSON document a\n"
     "                                   line, docs/dashboards.md) and stores them only if none\n"
     "                                   is bad (each reported with its line and JSON path)\n"
     "  dashboards export [FILE.jsonl|-] the stored dashboards as the same file (stdout\n"
     "                                   without a file or with -)\n"},
};

const struct cli_group cli_group_dashboards = CLI_GROUP("dashboards", commands);
