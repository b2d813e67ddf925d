/*
 * database.c — iocctl's commands about the database as a whole: backup (online, consistent),
 * restore (refused while iocd serves the directory) and check (integrity). Each leaves an audit
 * row but check, which only reads. Backup and restore also carry the telemetry (DATA_DIR/tsdb)
 * in the directory FILE.tsdb beside FILE (src/tsdb/backup.c), and the photos of citizen reports
 * (DATA_DIR/media) in FILE.media (src/media: copied after the database, so every photo the
 * copied database names is there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "media/media.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

/* "N series, N chunks, N log records, N bytes" of a telemetry copy. */
static void telemetry_summary(const struct tsdb_backup_report *r, char *out, size_t n)
{
    snprintf(out, n, "telemetry: %llu series, %llu chunks, %llu log records, %llu bytes",
             (unsigned long long)r->series, (unsigned long long)r->chunks,
             (unsigned long long)r->wal_records, (unsigned long long)r->bytes);
}

/* FILE.tsdb into *out (caller frees). */
static char *tsdb_side(const char *file)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    if (ioc_buf_printf(&b, "%s.tsdb", file) != 0)
        return NULL;
    return ioc_buf_steal(&b);
}

/* Copies DATA_DIR/tsdb into FILE.tsdb (if there is telemetry); the summary into detail. 0 or 1
 * after printing why. */
static int backup_telemetry(struct cli *c, const char *side, char *detail, size_t n)
{
    struct ioc_buf src;
    ioc_buf_init(&src, 0);
    struct stat st;
    int rc = ioc_buf_printf(&src, "%s/tsdb", c->data);
    if (rc == 0 && stat(src.data, &st) != 0) {
        printf("no telemetry in %s: only the database is in the backup\n", c->data);
        ioc_buf_free(&src);
        return 0;
    }
    struct tsdb_backup_report r;
    char err[600] = "";
    if (rc == 0)
        rc = tsdb_backup(src.data, side, &r, err, sizeof err);
    ioc_buf_free(&src);
    if (rc) {
        fprintf(stderr, "iocctl: telemetry backup: %s\n", err[0] ? err : ioc_strerror(rc));
        return 1;
    }
    telemetry_summary(&r, detail, n);
    printf("%s copied to %s\n", detail, side);
    if (r.chunks_left_out)
        printf("  (%llu chunks of series created after the backup began were left out)\n",
               (unsigned long long)r.chunks_left_out);
    return 0;
}

/* Copies the photos from directory from into to; what for the messages ("backup", "restore").
 * 0 or 1. */
static int copy_media(const char *from, const char *to, const char *what)
{
    size_t files = 0, bytes = 0;
    int rc = media_copy_dir(from, to, &files, &bytes);
    if (rc == IOC_ENOTFOUND) {
        printf("no photos in %s\n", from);
        return 0;
    }
    if (rc) {
        fprintf(stderr, "iocctl: %s of the photos from %s to %s failed: %s\n", what, from, to,
                ioc_strerror(rc));
        return 1;
    }
    printf("photos: %zu files, %zu bytes copied to %s\n", files, bytes, to);
    return 0;
}

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
    char *side = tsdb_side(c->argv[0]);
    struct stat st;
    if (!side)
        return cli_report(IOC_ENOMEM, "backup");
    if (lstat(side, &st) == 0) {
        fprintf(stderr,
                "iocctl: %s exists (the telemetry of an older backup); remove it or "
                "choose another FILE\n",
                side);
        free(side);
        return 1;
    }
    char detail[200] = "";
    int rc = cli_open(c, 0) ? 1 : 0;
    if (rc == 0 && cli_report(store_backup(c->db, c->argv[0]), "backup"))
        rc = 1;
    if (rc == 0)
        printf("database backup written to %s\n", c->argv[0]);
    if (rc == 0)
        rc = backup_telemetry(c, side, detail, sizeof detail);
    free(side);
    if (rc == 0) {
        struct ioc_buf from, to;
        ioc_buf_init(&from, 0);
        ioc_buf_init(&to, 0);
        rc = ioc_buf_printf(&from, "%s/media", c->data) ||
                     ioc_buf_printf(&to, "%s.media", c->argv[0])
                 ? cli_report(IOC_ENOMEM, "backup")
                 : copy_media(from.data, to.data, "backup");
        ioc_buf_free(&from);
        ioc_buf_free(&to);
    }
    if (rc)
        return rc;
    /* after the copy, so the backup does not hold its own row */
    struct audit_job j = {"store.backup", c->argv[0], detail};
    if (cli_report(store_tx(c->db, audit_job, &j), "backup written, but its audit row"))
        return 1;
    return 0;
}

/* Restores FILE.tsdb into DATA_DIR/tsdb when there is one; the summary into detail. 0 or 1. */
static int restore_telemetry(struct cli *c, char *detail, size_t n)
{
    char *side = tsdb_side(c->argv[0]);
    struct stat st;
    if (!side)
        return cli_report(IOC_ENOMEM, "restore");
    if (stat(side, &st) != 0) {
        printf("no %s: the telemetry in %s is left as it is\n", side, c->data);
        free(side);
        return 0;
    }
    struct tsdb_backup_report r;
    char err[600] = "";
    int rc = tsdb_restore(side, c->data, &r, err, sizeof err);
    if (rc)
        fprintf(stderr, "iocctl: the database is restored, its telemetry is not: %s\n",
                err[0] ? err : ioc_strerror(rc));
    else {
        telemetry_summary(&r, detail, n);
        printf("%s restored from %s (the old telemetry is tsdb.before-restore)\n", detail, side);
    }
    free(side);
    return rc ? 1 : 0;
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
    printf("restored %s into %s (the old database is ioc.db.before-restore)\n", c->argv[0],
           c->data);
    char detail[200] = "";
    int trc = restore_telemetry(c, detail, sizeof detail);
    struct ioc_buf from, to;
    ioc_buf_init(&from, 0);
    ioc_buf_init(&to, 0);
    int mrc =
        ioc_buf_printf(&from, "%s.media", c->argv[0]) || ioc_buf_printf(&to, "%s/media", c->data)
            ? cli_report(IOC_ENOMEM, "restore")
            : copy_media(from.data, to.data, "restore");
    ioc_buf_free(&from);
    ioc_buf_free(&to);
    if (mrc)
        trc = 1;
    /* the restored database records that it was restored */
    struct audit_job j = {"store.restore", c->argv[0], detail};
    rc = store_open(c->data, &c->st);
    if (rc == 0)
        rc = store_conn_open(c->st, 0, &c->db);
    if (rc == 0)
        rc = store_tx(c->db, audit_job, &j);
    if (cli_report(rc, "restored, but the audit row of the restore"))
        return 1;
    return trc;
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
     "  backup FILE                      online, consistent copy (also while iocd runs); the\n"
     "                                   telemetry goes to the directory FILE.tsdb, the\n"
     "                                   photos of reports to FILE.media\n"},
    {"restore", cmd_restore,
     "  restore FILE                     replaces the database, and the telemetry from\n"
     "                                   FILE.tsdb if present (refused while iocd runs);\n"
     "                                   adds the photos of FILE.media\n"},
    {"check", cmd_check, "  check                            integrity check; prints ok\n"},
};

const struct cli_group cli_group_database = CLI_GROUP("database", commands);
