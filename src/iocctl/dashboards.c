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

struct export_job {
    struct ioc_buf b;
    size_t n;
    const char *file;
};

/* Reads the documents and writes the audit row in one transaction. */
static int export_job(struct store_conn *w, void *arg)
{
    struct export_job *e = arg;
    int rc = seed_dashboards_export(w, &e->b, &e->n);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "{\"dashboards\":%zu}", e->n);
    const char *base = e->file ? strrchr(e->file, '/') : NULL;
    char target[300];
    snprintf(target, sizeof target, "dashboards:%s",
             e->file ? (base ? base + 1 : e->file) : "stdout");
    return cli_audit(w, "dashboards.export", target, detail);
}

static int cmd_export(struct cli *c)
{
    if (cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, "dashboards export takes [FILE.jsonl]");
    if (cli_open(c, 0))
        return 1;
    struct export_job e = {.file = c->argc == 1 ? c->argv[0] : NULL};
    ioc_buf_init(&e.b, 0);
    int rc = store_tx(c->db, export_job, &e);
    const char *data = e.b.data ? e.b.data : "";
    if (rc == 0 && e.file)
        rc = ioc_file_write_atomic(e.file, data, e.b.len);
    else if (rc == 0)
        rc = fwrite(data, 1, e.b.len, stdout) == e.b.len ? 0 : IOC_EIO;
    ioc_buf_free(&e.b);
    if (rc == 0 && e.file)
        printf("exported %zu dashboards to %s\n", e.n, e.file);
    return cli_report(rc, "dashboards export");
}

static int cmd_dashboards(struct cli *c)
{
    if (c->argc < 1)
        return cli_usage(c, "dashboards takes import or export");
    const char *sub = c->argv[0];
    c->argc--;
    c->argv++;
    if (strcmp(sub, "import") == 0)
        return cmd_import(c);
    if (strcmp(sub, "export") == 0)
        return cmd_export(c);
    return cli_usage(c, "dashboards takes import or export");
}

/* The dashboards group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"dashboards", cmd_dashboards,
     "  dashboards import FILE.jsonl     checks every dashboard of the file (one JSON document a\n"
     "                                   line, docs/dashboards.md) and stores them only if none\n"
     "                                   is bad (each reported with its line and JSON path)\n"
     "  dashboards export [FILE.jsonl]   the stored dashboards as the same file (stdout\n"
     "                                   without a file)\n"},
};

const struct cli_group cli_group_dashboards = CLI_GROUP("dashboards", commands);
