/*
 * cli_io.c — what iocctl's import|export command groups share (iocctl_int.h): the choice of a
 * sub-command, the output of an export (a file written crash-safe, or stdout), and the export
 * of a stored set in one read transaction with its audit row.
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

int cli_subcommand(struct cli *c, const char *group, const struct cli_command *subs, size_t n)
{
    const char *sub = c->argc ? c->argv[0] : "";
    if (c->argc) {
        c->argc--;
        c->argv++;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(sub, subs[i].name) == 0)
            return subs[i].fn(c);
    char why[256];
    int k = snprintf(why, sizeof why, "%s takes ", group);
    for (size_t i = 0; i < n && k > 0 && (size_t)k < sizeof why; i++)
        k += snprintf(why + k, sizeof why - (size_t)k, "%s%s", subs[i].name,
                      i + 2 < n   ? ", "
                      : i + 1 < n ? " or "
                                  : "");
    return cli_usage(c, why);
}

const char *cli_base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int cli_put_out(const char *path, const struct ioc_buf *b)
{
    const char *data = b->data ? b->data : "";
    if (path)
        return ioc_file_write_atomic(path, data, b->len);
    return fwrite(data, 1, b->len, stdout) == b->len && fflush(stdout) == 0 ? 0 : IOC_EIO;
}

struct export_job {
    const char *what, *file;
    int (*read)(struct store_conn *w, struct ioc_buf *b, size_t *n);
    struct ioc_buf b;
    size_t n;
};

/* Reads the set and writes the audit row in one transaction. */
static int export_job(struct store_conn *w, void *arg)
{
    struct export_job *e = arg;
    e->b.len = 0;
    int rc = e->read(w, &e->b, &e->n);
    if (rc)
        return rc;
    char action[64], target[300], detail[96];
    snprintf(action, sizeof action, "%s.export", e->what);
    snprintf(target, sizeof target, "%s:%s", e->what, e->file ? cli_base_name(e->file) : "stdout");
    snprintf(detail, sizeof detail, "{\"%s\":%zu}", e->what, e->n);
    return cli_audit(w, action, target, detail);
}

int cli_export(struct cli *c, const char *what, const char *usage,
               int (*read)(struct store_conn *w, struct ioc_buf *b, size_t *n))
{
    if (cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, usage);
    if (cli_open(c, 0))
        return 1;
    struct export_job e = {.what = what,
                           .file = c->argc == 1 && strcmp(c->argv[0], "-") ? c->argv[0] : NULL,
                           .read = read};
    ioc_buf_init(&e.b, 0);
    int rc = store_tx(c->db, export_job, &e);
    if (rc == 0)
        rc = cli_put_out(e.file, &e.b);
    ioc_buf_free(&e.b);
    if (rc == 0 && e.file)
        printf("exported %zu %s to %s\n", e.n, what, e.file);
    char where[80];
    snprintf(where, sizeof where, "%s export", what);
    return cli_report(rc, where);
}
