/*
 * database.c — iocctl's commands about the database as a whole: backup (online, consistent),
 * restore (refused while iocd serves the directory) and check (integrity). Each leaves an audit
 * row but check, which only reads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

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

/* The database group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"backup", cmd_backup,
     "  backup FILE                      online, consistent copy (also while iocd runs)\n"},
    {"restore", cmd_restore,
     "  restore FILE                     replaces the database (refused while iocd runs)\n"},
    {"check", cmd_check, "  check                            integrity check; prints ok\n"},
};

const struct cli_group cli_group_database = CLI_GROUP("database", commands);
