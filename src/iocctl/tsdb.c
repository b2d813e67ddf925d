/*
 * tsdb.c — iocctl's commands about the time-series engine's files (DATA_DIR/tsdb), for an
 * operator whose iocd refuses to start because of them, or who wants to know they are sound:
 *
 *   tsdb check    opens the engine as iocd does (a torn tail left by a crash is cut, as at any
 *                 start), then reads every point of every series back (every chunk's CRC and
 *                 encoding) from every partition file (parts/D.part and the D.T.part of the
 *                 measurements with a retention rule of their own), expired or not (no
 *                 retention is applied here); prints what it holds; exit 1 on any damage.
 *   tsdb repair   opens with the log's truncate_damaged option: the write-ahead log is kept up
 *                 to its first damage and everything after it is deleted (those points are
 *                 lost: an operator's decision, hence a command); then checks as above. Audited.
 *
 * Both refuse while iocd runs (the engine's log is locked). Rules about the files live in
 * src/tsdb; this file parses, calls and prints.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"
#include "tsdb/tsdb.h"

struct walk {
    struct tsdb_db *db;
    uint32_t *ids;
    size_t cap;
    uint64_t series, points;
    int rc;
};

/* Reads every point of the series of (m, f) in two windows covering int64 time but its two
 * extremes. */
static int read_field(void *ctx, const char *m, size_t mlen, const char *f, size_t flen, int type,
                      size_t nseries)
{
    (void)type;
    (void)nseries;
    struct walk *w = ctx;
    size_t n = 0;
    int rc = tsdb_db_select(w->db, m, mlen, f, flen, NULL, 0, w->ids, w->cap, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        static const int64_t edges[][2] = {{INT64_MIN + 1, 0}, {0, INT64_MAX}};
        for (size_t k = 0; rc == 0 && k < 2; k++) {
            struct tsdb_window win;
            rc = tsdb_window_init(&win, edges[k][0], edges[k][1], edges[k][1] - edges[k][0], 1);
            if (rc == 0)
                rc = tsdb_db_window(w->db, w->ids[i], &win, SIZE_MAX);
            if (rc == IOC_ENOTFOUND)
                rc = 0;
            w->points += rc == 0 ? (uint64_t)win.b[0].count : 0;
            tsdb_window_free(&win);
        }
        if (rc)
            fprintf(stderr, "iocctl: series %" PRIu32 " of %.*s %.*s: %s\n", w->ids[i], (int)mlen,
                    m, (int)flen, f, ioc_strerror(rc));
        w->series++;
    }
    return rc;
}

/* Opens the engine (truncate_damaged as given), reads it all, prints what it holds. */
static int open_and_check(struct cli *c, int truncate_damaged)
{
    struct tsdb_db *db;
    char err[512] = "";
    struct tsdb_db_options o = {.sync = TSDB_SYNC_BATCH, .truncate_damaged = truncate_damaged};
    int rc = tsdb_db_open(c->data, &o, &db, err, sizeof err);
    if (rc == IOC_EBUSY) {
        fprintf(stderr, "iocctl: iocd is serving %s (the engine's log is locked); stop it first\n",
                c->data);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "iocctl: the time-series engine in %s/tsdb cannot be opened: %s\n", c->data,
                err[0] ? err : ioc_strerror(rc));
        if (!truncate_damaged)
            fprintf(stderr, "iocctl: if the write-ahead log is damaged, `iocctl tsdb repair` "
                            "keeps it up to the damage and deletes the rest\n");
        return 1;
    }
    struct tsdb_db_stats st;
    tsdb_db_stats(db, &st);
    struct walk w = {db, NULL, (size_t)st.series + 1, 0, 0, 0};
    w.ids = malloc(w.cap * sizeof *w.ids);
    rc = w.ids ? tsdb_db_fields(db, read_field, &w) : IOC_ENOMEM;
    free(w.ids);
    tsdb_db_close(db);
    printf("series %" PRIu64 ", points %" PRIu64 "; %" PRIu64 " chunks in %" PRIu64
           " partitions (%" PRIu64 " bytes); log: %" PRIu64 " segments\n",
           w.series, w.points, st.chunks, st.partitions, st.chunk_bytes, st.wal.segments);
    if (rc) {
        fprintf(stderr, "iocctl: the time-series engine is damaged: %s\n", ioc_strerror(rc));
        return 1;
    }
    printf("ok\n");
    return 0;
}

static int audit_repair(struct store_conn *w, void *arg)
{
    (void)arg;
    return cli_audit(w, "tsdb.repair", "tsdb", "");
}

static int cmd_tsdb(struct cli *c)
{
    const char *what = c->argc == 1 ? c->argv[0] : NULL;
    if (!what || cli_stray_option(c) || (strcmp(what, "check") && strcmp(what, "repair")))
        return cli_usage(c, "tsdb takes check or repair");
    if (strcmp(what, "check") == 0)
        return open_and_check(c, 0);
    int rc = open_and_check(c, 1);
    if (rc == 0 && cli_open(c, 0) == 0) /* the audit row, when there is a database */
        rc = cli_report(store_tx(c->db, audit_repair, NULL), "repaired, but its audit row");
    return rc;
}

/* The time-series group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"tsdb", cmd_tsdb,
     "  tsdb check                       reads every point of the time-series engine back;\n"
     "                                   exit 1 on damage (refused while iocd runs)\n"
     "  tsdb repair                      keeps the engine's log up to its first damage, deletes\n"
     "                                   the rest (those points are lost), then checks; audited\n"},
};

const struct cli_group cli_group_tsdb = CLI_GROUP("tsdb", commands);
