/*
 * iocctl — administration of an ioc data directory: agencies, users, API keys, unit imports,
 * backups and restores, seeding and checks. It opens DATA_DIR/ioc.db directly with its own
 * connection and runs each change as one transaction (store_tx), so it works while iocd serves
 * the same directory. Every change leaves an audit row with actor "iocctl" and ip "local".
 *
 * This file: the command line (global options, the one list of command groups, per-command
 * usage) and the helpers the command files share (iocctl_int.h). Each command file holds a
 * group, its commands with their usage: accounts.c agency, user and key; units.c import and
 * seed; database.c backup, restore and check; audit.c audit export and prune; rules.c alert rules
 * import and export; the import|export groups share cli_io.c (sub-command, export output).
 *
 * Invariants: a command opens the database (cli_open) only after its arguments were checked, so
 * a usage error touches nothing on disk; commands that only read (lists, check, backup) refuse a
 * directory without a database instead of creating one.
 * Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

/* The groups of commands, one per command file, in the order of the usage text. A command
 * file defines `const struct cli_group cli_group_<group>` (CLI_GROUP) and adds one X(<group>)
 * line here. */
#define CLI_GROUP_LIST(X)                                                                          \
    X(accounts)                                                                                    \
    X(units)                                                                                       \
    X(database)                                                                                    \
    X(audit)                                                                                       \
    X(telemetry)                                                                                   \
    X(tsdb) X(indicators) X(dashboards) X(aqi) X(stations) X(rules) X(figures) X(citizen) X(media)

#define DECLARE(g) extern const struct cli_group cli_group_##g;
CLI_GROUP_LIST(DECLARE)
#undef DECLARE

#define ENTRY(g) &cli_group_##g,
static const struct cli_group *const groups[] = {CLI_GROUP_LIST(ENTRY)};
#undef ENTRY

static void print_usage(FILE *f)
{
    fputs("usage: iocctl [--data DIR] COMMAND ...\n\n", f);
    for (size_t g = 0; g < IOC_ARRAY_LEN(groups); g++)
        for (size_t i = 0; i < groups[g]->ncommands; i++)
            fputs(groups[g]->commands[i].usage, f);
    fputs("\nDIR defaults to $IOC_DATA, else ./data-run. iocctl COMMAND --help shows one "
          "command.\nExit status: 0 done, 1 refused or failed, 2 usage error.\n",
          f);
}

/* ---- helpers shared by the command files ------------------------------------------------ */

int cli_usage(const struct cli *c, const char *why)
{
    fprintf(stderr, "iocctl: %s\nusage: iocctl [--data DIR] %s ...\n%s", why, c->cmd, c->cmd_usage);
    return 2;
}

const char *cli_opt(struct cli *c, const char *name, int *missing)
{
    for (int i = 0; i < c->argc; i++) {
        if (strcmp(c->argv[i], name) != 0)
            continue;
        int has = i + 1 < c->argc;
        const char *v = has ? c->argv[i + 1] : NULL;
        int take = has ? 2 : 1;
        memmove(&c->argv[i], &c->argv[i + take], (size_t)(c->argc - i - take) * sizeof *c->argv);
        c->argc -= take;
        if (!has && missing)
            *missing = 1;
        return v;
    }
    return NULL;
}

int cli_flag(struct cli *c, const char *name)
{
    for (int i = 0; i < c->argc; i++)
        if (strcmp(c->argv[i], name) == 0) {
            memmove(&c->argv[i], &c->argv[i + 1], (size_t)(c->argc - i - 1) * sizeof *c->argv);
            c->argc--;
            return 1;
        }
    return 0;
}

int cli_stray_option(const struct cli *c)
{
    for (int i = 0; i < c->argc; i++)
        if (strncmp(c->argv[i], "--", 2) == 0)
            return 1;
    return 0;
}

int cli_report(int rc, const char *what)
{
    if (rc == 0)
        return 0;
    fprintf(stderr, "iocctl: %s: %s\n", what, ioc_strerror(rc));
    return 1;
}

char *cli_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    char *out = NULL;
    if (n > max || ioc_text_nfc(s, n, &out, &n) != 0)
        return NULL;
    if (n > max) {
        free(out);
        return NULL;
    }
    return out;
}

int cli_audit(struct store_conn *w, const char *action, const char *target, const char *detail)
{
    struct store_audit a = {0};
    a.actor = "iocctl";
    a.actor_role = "admin";
    a.action = (char *)action;
    a.target = (char *)target;
    a.ip = "local";
    a.outcome = "ok";
    a.request_id = "";
    a.detail = (char *)(detail ? detail : "");
    return store_audit_add(w, &a);
}

int cli_open(struct cli *c, int write)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ioc.db", c->data);
    if (!write && access(path, F_OK) != 0) {
        fprintf(stderr, "iocctl: no ioc database in %s (give --data DIR or set IOC_DATA)\n",
                c->data);
        return 1;
    }
    if (ioc_mkdir_p(c->data) != 0) {
        fprintf(stderr, "iocctl: cannot create %s\n", c->data);
        return 1;
    }
    int rc = store_open(c->data, &c->st);
    if (rc == 0)
        rc = store_conn_open(c->st, 0, &c->db);
    if (rc) {
        fprintf(stderr, "iocctl: cannot open the database in %s: %s\n", c->data, ioc_strerror(rc));
        return 1;
    }
    return 0;
}

/* ---- main ------------------------------------------------------------------------------- */

/* 1 if the command's arguments ask for help. */
static int wants_help(const struct cli *c)
{
    for (int i = 0; i < c->argc; i++)
        if (!strcmp(c->argv[i], "--help") || !strcmp(c->argv[i], "-h"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    umask(077); /* what iocctl creates (database, backups, exports) is private to its user */
    c.data = getenv("IOC_DATA") && *getenv("IOC_DATA") ? getenv("IOC_DATA") : "./data-run";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc && argv[i + 1][0])
            c.data = argv[++i];
        else if (strncmp(argv[i], "--data=", 7) == 0 && argv[i][7])
            c.data = argv[i] + 7;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return print_usage(stdout), 0;
        else
            return fprintf(stderr, "iocctl: unknown option %s\n", argv[i]), print_usage(stderr), 2;
    }
    if (i >= argc)
        return fputs("iocctl: no command\n", stderr), print_usage(stderr), 2;
    const struct cli_command *cmd = NULL;
    int help = strcmp(argv[i], "help") == 0 && i + 1 < argc;
    if (help)
        i++; /* "iocctl help user" is "iocctl user --help" */
    for (size_t g = 0; g < IOC_ARRAY_LEN(groups) && !cmd; g++)
        for (size_t k = 0; k < groups[g]->ncommands && !cmd; k++)
            if (strcmp(argv[i], groups[g]->commands[k].name) == 0)
                cmd = &groups[g]->commands[k];
    if (!cmd)
        return fprintf(stderr, "iocctl: unknown command %s\n", argv[i]), print_usage(stderr), 2;
    c.cmd = cmd->name;
    c.cmd_usage = cmd->usage;
    c.argc = argc - i - 1;
    c.argv = argv + i + 1;
    if (help || wants_help(&c)) {
        printf("usage: iocctl [--data DIR] %s ...\n%s", cmd->name, cmd->usage);
        return 0;
    }
    int rc = cmd->fn(&c);
    store_conn_close(c.db);
    store_close(c.st);
    return rc;
}
