/*
 * iocctl — administration of an ioc data directory: agencies, users, API keys, unit imports,
 * backups and restores, seeding and checks. It opens DATA_DIR/ioc.db directly with its own
 * connection and runs each change as one transaction (store_tx), so it works while iocd serves
 * the same directory. Every change leaves an audit row with actor "iocctl" and ip "local".
 *
 * This file: the command line (global options, the command table, per-command usage), the
 * helpers the command files share (iocctl_int.h), and the commands about the database as a
 * whole (backup, restore, check). accounts.c has agency, user and key; units.c import and seed;
 * audit.c audit export and prune.
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

static int cmd_backup(struct cli *c);
static int cmd_restore(struct cli *c);
static int cmd_check(struct cli *c);

static const struct command {
    const char *name;
    int (*fn)(struct cli *c);
    const char *usage;
} commands[] = {
    {"agency", cmd_agency,
     "  agency add CODE NAME [--parent CODE] [--unit UNITCODE]\n"
     "  agency set CODE [--name NAME] [--parent CODE|''] [--unit UNITCODE|'']\n"
     "  agency disable|enable CODE       disabled: its staff and keys are refused\n"
     "  agency list                      one agency a line: code, name, parent, unit (tabs),\n"
     "                                   then \"disabled\" for a disabled one\n"},
    {"user", cmd_user,
     "  user add NAME --role admin|leader|operator|staff [--agency CODE] [--display TEXT]\n"
     "           --password-stdin        (one line on stdin; staff need --agency)\n"
     "  user passwd NAME --password-stdin   (also ends the user's sessions)\n"
     "  user set NAME [--role ROLE] [--agency CODE|''] [--display TEXT]\n"
     "  user list\n"
     "  user disable|enable NAME         (disabling ends the user's sessions; the last\n"
     "                                   enabled admin is kept)\n"
     "  user unlock NAME                 lift the login locks of NAME (works while iocd runs)\n"},
    {"key", cmd_key,
     "  key create --agency CODE --scope SCOPE[,SCOPE...] [--name TEXT]\n"
     "                                   the key is printed once, alone on the last line\n"
     "  key revoke ID\n"
     "  key list [--agency CODE]         ids and prefixes, never keys\n"},
    {"import", cmd_import,
     "  import units FILE.geojson [--level province|district|commune] [--valid-from YYYY-MM-DD]\n"
     "               [--parent CODE]     (level commune and today by default; all or nothing)\n"},
    {"seed", cmd_seed,
     "  seed units [--from DIR]          real units of data/vn-units (the default DIR)\n"
     "  seed demo                        demo agencies and users (passwords from\n"
     "                                   IOC_DEMO_PASSWORD_ADMIN|LEADER|OPERATOR|STAFF, or\n"
     "                                   generated and printed once)\n"},
    {"backup", cmd_backup,
     "  backup FILE                      online, consistent copy (also while iocd runs)\n"},
    {"restore", cmd_restore,
     "  restore FILE                     replaces the database (refused while iocd runs)\n"},
    {"check", cmd_check, "  check                            integrity check; prints ok\n"},
    {"audit", cmd_audit,
     "  audit export --out FILE [--since T] [--until T]\n"
     "                                   rows with since <= time < until as JSON lines\n"
     "  audit prune --before T --export FILE   exports the rows older than T to FILE, then\n"
     "                                   deletes them (--no-export instead: delete unsaved)\n"
     "                                   T: YYYY-MM-DD (00:00 UTC+7) or RFC 3339; FILE must not\n"
     "                                   exist\n"},
};

static void print_usage(FILE *f)
{
    fputs("usage: iocctl [--data DIR] COMMAND ...\n\n", f);
    for (size_t i = 0; i < IOC_ARRAY_LEN(commands); i++)
        fputs(commands[i].usage, f);
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

int cli_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
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

int cli_units_generation_bump(struct store_conn *w)
{
    char *g = NULL;
    int rc = store_meta_get(w, "units_generation", &g);
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    int64_t v = 0; /* a stored value that is no generation is refused, never read as 0 */
    int bad = g && ioc_parse_i64(g, strlen(g), 0, INT64_MAX - 1, &v) != 0;
    free(g);
    if (bad)
        return IOC_EINVAL;
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v + 1);
    return store_meta_set(w, "units_generation", text);
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

/* ---- backup, restore, check ------------------------------------------------------------- */

struct audit_job {
    const char *action, *target, *detail;
};

static int audit_job(struct store_conn *w, void *arg)
{
    struct audit_job *j = arg;
    return cli_audit(w, j->action, j->target, j->detail);
}

static int cmd_backup(struct cli *c)
{
    if (c->argc != 1 || cli_stray_option(c))
        return cli_usage(c, "backup takes one FILE");
    if (cli_open(c, 0))
        return 1;
    if (cli_report(store_backup(c->db, c->argv[0]), "backup"))
        return 1;
    /* after the copy, so the backup does not hold its own row */
    struct audit_job j = {"store.backup", c->argv[0], ""};
    if (cli_report(store_tx(c->db, audit_job, &j), "backup written, but its audit row"))
        return 1;
    printf("backup written to %s\n", c->argv[0]);
    return 0;
}

static int cmd_restore(struct cli *c)
{
    if (c->argc != 1 || cli_stray_option(c))
        return cli_usage(c, "restore takes one FILE");
    int rc = ioc_mkdir_p(c->data);
    if (rc == 0)
        rc = store_restore(c->data, c->argv[0]);
    if (rc == IOC_EBUSY)
        fprintf(stderr, "iocctl: iocd is serving %s; stop it before a restore\n", c->data);
    else if (rc == IOC_EINVAL)
        fprintf(stderr, "iocctl: %s is not a sound ioc database (or is from a newer ioc)\n",
                c->argv[0]);
    else if (rc)
        fprintf(stderr, "iocctl: restore: %s\n", ioc_strerror(rc));
    if (rc)
        return 1;
    /* the restored database records that it was restored */
    struct audit_job j = {"store.restore", c->argv[0], ""};
    rc = store_open(c->data, &c->st);
    if (rc == 0)
        rc = store_conn_open(c->st, 0, &c->db);
    if (rc == 0)
        rc = store_tx(c->db, audit_job, &j);
    if (cli_report(rc, "restored, but the audit row of the restore"))
        return 1;
    printf("restored %s into %s (the old database is ioc.db.before-restore)\n", c->argv[0],
           c->data);
    return 0;
}

static int cmd_check(struct cli *c)
{
    if (c->argc != 0)
        return cli_usage(c, "check takes no arguments");
    if (cli_open(c, 0))
        return 1;
    int ok = 0;
    char *msg = NULL;
    if (cli_report(store_integrity_check(c->db, &ok, &msg), "check"))
        return 1;
    printf("%s\n", msg ? msg : ok ? "ok" : "not ok");
    free(msg);
    return ok ? 0 : 1;
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
    const struct command *cmd = NULL;
    int help = strcmp(argv[i], "help") == 0 && i + 1 < argc;
    if (help)
        i++; /* "iocctl help user" is "iocctl user --help" */
    for (size_t k = 0; k < IOC_ARRAY_LEN(commands) && !cmd; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            cmd = &commands[k];
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
