/*
 * audit.c — iocctl audit: export the audit log to a file, and prune it (the retention side).
 *
 *   audit export --out FILE [--since T] [--until T]
 *   audit prune --before T (--export FILE | --no-export)
 *
 * T is an RFC 3339 time or a date YYYY-MM-DD (00:00 in Asia/Ho_Chi_Minh). An export is JSON
 * lines: one object per row, oldest first, with the fields of GET /api/v1/audit (id, time,
 * actor, role, action, target, ip, outcome, request_id, detail).
 *
 * Invariants
 *   1. An export file appears complete or not at all: written to FILE.tmp (mode 0600), flushed,
 *      fsynced, renamed to FILE, directory fsynced. An existing FILE is never replaced (it may be
 *      an earlier archive).
 *   2. prune deletes only rows that are in an export already on disk (store_audit_prune with the
 *      span of the export), unless --no-export is given explicitly; the deletion and the
 *      "audit.prune" row that records it (how many, the time, the file) are one transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

struct export
{
    const char *path;
    char tmp[4200];
    FILE *f;
};

/* Opens ex->path.tmp for writing; 1 after printing why on failure. */
static int export_open(struct export *ex, const char *path)
{
    ex->path = path;
    snprintf(ex->tmp, sizeof ex->tmp, "%s.tmp", path);
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "iocctl: %s exists; an export never replaces a file\n", path);
        return 1;
    }
    unlink(ex->tmp);
    int fd = open(ex->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0 && fchmod(fd, 0600) == 0)
        ex->f = fdopen(fd, "w");
    if (!ex->f) {
        fprintf(stderr, "iocctl: cannot write %s: %s\n", ex->tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(ex->tmp);
        return 1;
    }
    return 0;
}

static int export_row(void *ctx, const struct store_audit *r)
{
    struct export *ex = ctx;
    char ts[32];
    ioc_time_rfc3339(r->ts_ms, ts);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                          (json_int_t)r->id, "time", ts, "actor", r->actor, "role", r->actor_role,
                          "action", r->action, "target", r->target, "ip", r->ip, "outcome",
                          r->outcome, "request_id", r->request_id, "detail", r->detail);
    int rc =
        o && json_dumpf(o, ex->f, JSON_COMPACT) == 0 && fputc('\n', ex->f) != EOF ? 0 : IOC_EIO;
    json_decref(o);
    return rc;
}

/* Makes the export durable under its name (invariant 1); closes it either way. */
static int export_finish(struct export *ex, int rc)
{
    if (rc == 0 && (fflush(ex->f) != 0 || fsync(fileno(ex->f)) != 0))
        rc = IOC_EIO;
    if (fclose(ex->f) != 0 && rc == 0)
        rc = IOC_EIO;
    ex->f = NULL;
    if (rc == 0 && link(ex->tmp, ex->path) != 0) /* link: never replaces an existing FILE */
        rc = errno == EEXIST ? IOC_EEXIST : IOC_EIO;
    unlink(ex->tmp);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ex->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rc == 0 && (fd < 0 || fsync(fd) != 0))
        rc = IOC_EIO;
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Exports rows with since <= time < until into path; *span what was written. 0, or 1 after
 * printing why. */
static int export_to(struct cli *c, const char *path, int64_t since, int64_t until,
                     struct store_audit_span *span)
{
    struct export ex = {0};
    if (export_open(&ex, path))
        return 1;
    int rc = store_audit_each(c->db, since, until, export_row, &ex, span);
    rc = export_finish(&ex, rc);
    if (rc == IOC_EEXIST)
        fprintf(stderr, "iocctl: %s appeared meanwhile; nothing exported\n", path);
    return rc == IOC_EEXIST ? 1 : cli_report(rc, "audit export");
}

/* Reads time option name into *ms (0 if absent). 0, or 2 after the usage. */
static int time_opt(struct cli *c, const char *name, int64_t *ms)
{
    int missing = 0;
    const char *v = cli_opt(c, name, &missing);
    *ms = 0;
    if (missing)
        return cli_usage(c, "an option needs a value");
    if (v && (ioc_time_parse(v, strlen(v), ms) != 0 || *ms <= 0)) {
        char why[128];
        snprintf(why, sizeof why, "%s must be a date YYYY-MM-DD or an RFC 3339 time", name);
        return cli_usage(c, why);
    }
    return 0;
}

static int audit_export(struct cli *c)
{
    int64_t since, until;
    int missing = 0;
    const char *out = cli_opt(c, "--out", &missing);
    int rc = time_opt(c, "--since", &since);
    if (rc == 0)
        rc = time_opt(c, "--until", &until);
    if (rc)
        return rc;
    if (missing || !out || !*out || c->argc != 0)
        return cli_usage(c, "audit export needs --out FILE and nothing else but --since/--until");
    if (since && until && since >= until)
        return cli_usage(c, "--since must be before --until");
    if (cli_open(c, 0))
        return 1;
    struct store_audit_span span = {0, 0};
    if (export_to(c, out, since, until, &span))
        return 1;
    printf("exported %lld audit rows to %s\n", (long long)span.rows, out);
    return 0;
}

struct prune_job {
    int64_t before_ms;
    const struct store_audit_span *span; /* NULL with --no-export */
    const char *file;
    int64_t deleted;
};

static int prune_job(struct store_conn *w, void *arg)
{
    struct prune_job *p = arg;
    int rc = store_audit_prune(w, p->before_ms, p->span, &p->deleted);
    if (rc)
        return rc;
    char before[32];
    ioc_time_rfc3339(p->before_ms, before);
    json_t *d = json_pack("{s:I, s:s, s:o}", "deleted", (json_int_t)p->deleted, "before", before,
                          "file", p->file ? json_string(p->file) : json_null());
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    rc = detail ? cli_audit(w, "audit.prune", "audit", detail) : IOC_ENOMEM;
    free(detail);
    return rc;
}

static int audit_prune(struct cli *c)
{
    int64_t before;
    int missing = 0;
    const char *file = cli_opt(c, "--export", &missing);
    int no_export = cli_flag(c, "--no-export");
    int rc = time_opt(c, "--before", &before);
    if (rc)
        return rc;
    if (missing || c->argc != 0 || !before)
        return cli_usage(c, "audit prune needs --before T and --export FILE or --no-export");
    if (!file == !no_export || (file && !*file))
        return cli_usage(c, "audit prune needs exactly one of --export FILE and --no-export "
                            "(rows are deleted only once they are exported, unless you say so)");
    if (cli_open(c, 0))
        return 1;
    struct store_audit_span span = {0, 0};
    if (file && export_to(c, file, 0, before, &span))
        return 1;
    struct prune_job p = {before, file ? &span : NULL, file, 0};
    rc = store_tx(c->db, prune_job, &p);
    if (rc == IOC_EBUSY)
        fprintf(stderr, "iocctl: rows older than the date were added during the export; nothing "
                        "was deleted (the export is kept); run the prune again\n");
    else if (cli_report(rc, "audit prune"))
        return 1;
    if (rc)
        return 1;
    if (file)
        printf("exported %lld audit rows to %s\n", (long long)span.rows, file);
    printf("deleted %lld audit rows older than the given time\n", (long long)p.deleted);
    return 0;
}

static int cmd_audit(struct cli *c)
{
    static const struct cli_command subs[] = {{"export", audit_export, NULL},
                                              {"prune", audit_prune, NULL}};
    return cli_subcommand(c, "audit", subs, IOC_ARRAY_LEN(subs));
}

/* The audit group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"audit", cmd_audit,
     "  audit export --out FILE [--since T] [--until T]\n"
     "                                   rows with since <= time < until as JSON lines\n"
     "  audit prune --before T --export FILE   exports the rows older than T to FILE, then\n"
     "                                   deletes them (--no-export instead: delete unsaved)\n"
     "                                   T: YYYY-MM-DD (00:00 UTC+7) or RFC 3339; FILE must not\n"
     "                                   exist\n"},
};

const struct cli_group cli_group_audit = CLI_GROUP("audit", commands);
