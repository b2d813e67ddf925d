/*
 * iocctl_int.h — what the command files of iocctl share: the parsed command line, option
 * helpers, the audit row every change leaves, and the shape of a group of commands.
 *
 * Exit codes, returned by every cmd_* function: 0 done, 1 refused or failed (reason on stderr),
 * 2 usage error (reason and the command's usage on stderr).
 */
#ifndef IOC_IOCCTL_INT_H
#define IOC_IOCCTL_INT_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;

struct cli {
    const char *data;      /* DATA_DIR */
    const char *cmd;       /* "agency", "user", … */
    const char *cmd_usage; /* that command's usage lines */
    struct store *st;      /* opened by main for commands that use the database */
    struct store_conn *db; /* read-write connection of this process */
    int argc;              /* the arguments after the command; options are taken out of it */
    char **argv;
};

/* Opens DATA_DIR/ioc.db into c->st and c->db (closed by main). write 0: the database must
 * exist; write 1: the directory and database are created if missing. 0, or 1 after printing why.
 * Called by each command once its arguments are checked. */
int cli_open(struct cli *c, int write);
/* Prints "iocctl: why" and the command's usage to stderr; returns 2. */
int cli_usage(const struct cli *c, const char *why);
/* The value of option `name` ("--role"), removing both words from argv; NULL if absent. An
 * option given without a value sets *missing (if not NULL) and is removed too. */
const char *cli_opt(struct cli *c, const char *name, int *missing);
/* 1 if the flag is present (removed from argv), else 0. */
int cli_flag(struct cli *c, const char *name);
/* 1 if argv still holds a word starting with "--" (an unknown option). */
int cli_stray_option(const struct cli *c);
/* 0 or prints "iocctl: what: reason" and returns 1. */
int cli_report(int rc, const char *what);
/* NFC copy of s (caller frees), or NULL if s is not UTF-8 text or is longer than max bytes. */
char *cli_text(const char *s, size_t max);
/* Writes an audit row: actor "iocctl", role "admin", ip "local", outcome "ok". */
int cli_audit(struct store_conn *w, const char *action, const char *target, const char *detail);

/* ---- what the import|export groups share (cli_io.c) ---------------------------------------- */

struct ioc_buf;
struct cli_command;
/* Runs the sub-command argv[0] names (taken out of argv) among subs[0..n); none or an unknown
 * one: the usage error "<group> takes a, b or c". An exit code as above. */
int cli_subcommand(struct cli *c, const char *group, const struct cli_command *subs, size_t n);
/* The file name of path without its directories (an audit row's target). */
const char *cli_base_name(const char *path);
/* Writes b to path crash-safe (ioc_file_write_atomic), or to stdout when path is NULL. */
int cli_put_out(const char *path, const struct ioc_buf *b);
/* `<what> export [FILE|-]`: in one read transaction, read(w, &buf, &n) renders the n items and
 * an audit row <what>.export (target "<what>:FILE" or "<what>:stdout", detail {"<what>":n}) is
 * written; then the text goes to FILE (crash-safe) or stdout ("-" or no file). usage is the
 * usage error's text. An exit code as above. */
int cli_export(struct cli *c, const char *what, const char *usage,
               int (*read)(struct store_conn *w, struct ioc_buf *b, size_t *n));

/* import readings (src/iocctl/telemetry.c): the `import` command of units.c hands it the
 * arguments when the first is "readings". An exit code as above. */
int cli_import_readings(struct cli *c);
/* import values (src/iocctl/indicators.c): handed over like import readings. */
int cli_import_values(struct cli *c);

/* One command: its name, what runs it (an exit code as above), and its usage lines. */
struct cli_command {
    const char *name;
    int (*fn)(struct cli *c);
    const char *usage;
};
/* The commands of one command file; main.c lists the groups once (CLI_GROUP_LIST). */
struct cli_group {
    const char *name;
    const struct cli_command *commands;
    size_t ncommands;
};
#define CLI_GROUP(name, commands)                                                                  \
    {                                                                                              \
        name, commands, sizeof commands / sizeof commands[0]                                       \
    }

#endif
