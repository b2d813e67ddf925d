/*
 * rules.c — iocctl's alert rule commands (docs/alerts.md "Import and export"): export every
 * rule as JSON Lines in the API's shape, import such a file all or nothing (every refused line
 * reported as LINE: field: why). Both run against the data directory with their own connection,
 * whether iocd runs or not, and are audited (rule.create, rule.put per rule written; rules.export).
 * A running iocd learns of an import from the store's rules generation within a second. The
 * rules and their checks: src/alerts (every module's rule types registered as in iocd:
 * seed_alert_types).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"
#include "base/base.h"
#include "environment/environment.h"
#include "iocctl/iocctl_int.h"
#include "seed/seed.h"
#include "store/store.h"

#define RULES_FILE_MAX ((size_t)16 << 20)
/* iocctl does not read iocd's configuration: it allows the largest [alerts] max_rules. */
#define RULES_MAX 100000

struct printer {
    const char *file;
};

static void print_problem(void *ctx, size_t line, const char *field, const char *why)
{
    const struct printer *pr = ctx;
    if (line)
        fprintf(stderr, "iocctl: %s:%zu: %s: %s\n", pr->file, line, field, why);
    else
        fprintf(stderr, "iocctl: %s: %s\n", pr->file, why);
}

/* The file at path, or standard input for "-". */
static int read_input(const char *path, char **data, size_t *len)
{
    if (strcmp(path, "-") != 0)
        return ioc_file_read(path, RULES_FILE_MAX, data, len);
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        rc = b.len + n > RULES_FILE_MAX ? IOC_ETOOBIG : ioc_buf_append(&b, chunk, n);
    if (rc == 0 && ferror(stdin))
        rc = IOC_EIO;
    if (rc) {
        ioc_buf_free(&b);
        return rc;
    }
    *data = b.data ? b.data : calloc(1, 1);
    *len = b.data ? b.len : 0;
    if (!*data)
        return IOC_ENOMEM;
    return 0;
}

static int cmd_import(struct cli *c)
{
    if (cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "rules import takes FILE.jsonl (- for standard input)");
    const char *file = strcmp(c->argv[0], "-") == 0 ? "stdin" : c->argv[0];
    char *data = NULL;
    size_t len = 0;
    int rc = read_input(c->argv[0], &data, &len);
    if (rc) {
        fprintf(stderr, "iocctl: rules import: %s: %s\n", file, ioc_strerror(rc));
        return 1;
    }
    struct alerts *types = NULL;
    if ((rc = alerts_registry_create(&types)) == 0)
        rc = seed_alert_types(types, NULL);
    if (rc) {
        alerts_stop(types);
        free(data);
        return cli_report(rc, "rules import");
    }
    if (cli_open(c, 0)) {
        alerts_stop(types);
        free(data);
        return 1;
    }
    struct store_audit who = {.actor = "iocctl",
                              .actor_role = "admin",
                              .ip = "local",
                              .outcome = "ok",
                              .request_id = "",
                              .detail = ""};
    struct printer pr = {file};
    struct alerts_import im = {.a = types,
                               .data = data,
                               .len = len,
                               .who = &who,
                               .max_rules = RULES_MAX,
                               .problem = print_problem,
                               .ctx = &pr};
    rc = store_tx(c->db, alerts_rules_import_job, &im);
    free(data);
    alerts_stop(types);
    if (rc) {
        if (rc == IOC_EINVAL && im.problems)
            fprintf(stderr, "iocctl: rules import: %zu line%s refused; nothing was stored\n",
                    im.problems, im.problems == 1 ? "" : "s");
        else
            fprintf(stderr, "iocctl: rules import: %s\n", ioc_strerror(rc));
        return 1;
    }
    printf("imported %s: %lld added, %lld replaced, %lld unchanged\n", file, (long long)im.added,
           (long long)im.replaced, (long long)im.unchanged);
    return 0;
}

static int cmd_export(struct cli *c)
{
    return cli_export(c, "rules", "rules export takes [FILE.jsonl|-]", alerts_rules_export);
}

static int cmd_rules(struct cli *c)
{
    static const struct cli_command subs[] = {{"import", cmd_import, NULL},
                                              {"export", cmd_export, NULL}};
    return cli_subcommand(c, "rules", subs, IOC_ARRAY_LEN(subs));
}

/* The rules group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"rules", cmd_rules,
     "  rules import FILE.jsonl|-        checks every line of the file, one alert rule in the\n"
     "                                   API's shape (docs/alerts.md): with \"id\" it replaces\n"
     "                                   that rule, without it adds one; stores them only if\n"
     "                                   no line is refused (each reported as LINE: field: why)\n"
     "  rules export [FILE.jsonl|-]      every rule, one a line as the API shows it, by id\n"
     "                                   (stdout without a file or with -)\n"},
};

const struct cli_group cli_group_rules = CLI_GROUP("rules", commands);
