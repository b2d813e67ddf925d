/*
 * media.c — iocctl's command for the stored photos (docs/operations.md "Photos no report
 * names"): `media gc` lists the files of DATA_DIR/media/ that no report names and that are older
 * than an hour (a photo is written before the transaction that links it: a failed one leaves
 * its files behind), and removes them with --delete. The rule: src/media (media_gc); the names
 * reports keep: src/store (store_rep_media_hashes). Audited (media.gc) when it removes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "media/media.h"
#include "store/store.h"
#include "store/store_reports.h"

#define GC_MIN_AGE_S 3600 /* an upload in flight is younger */

struct gc_keep {
    struct store_rep_photo *kept; /* sorted by hash */
    size_t n;
    int remove;
};

static int keep_hash(void *arg, const char *hash)
{
    const struct gc_keep *k = arg;
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(k->kept[mid].hash, hash);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static void each_file(void *arg, const char *name, int64_t bytes)
{
    const struct gc_keep *k = arg;
    printf("%s %s (%lld bytes)\n", k->remove ? "removed" : "unreferenced", name, (long long)bytes);
}

static int audit_job(struct store_conn *w, void *arg)
{
    return cli_audit(w, "media.gc", "media", arg);
}

static int cmd_media_gc(struct cli *c)
{
    int remove = cli_flag(c, "--delete");
    if (cli_stray_option(c) || c->argc != 0)
        return cli_usage(c, "media gc takes only --delete");
    if (cli_open(c, 0))
        return 1;
    struct gc_keep k = {.remove = remove};
    int rc = store_rep_media_hashes(c->db, &k.kept, &k.n);
    if (rc)
        return cli_report(rc, "media gc");
    struct media_gc_count n;
    rc = media_gc(c->data, keep_hash, &k, GC_MIN_AGE_S, remove, each_file, &n);
    free(k.kept);
    if (rc == 0 && remove && n.unlinked) {
        char detail[160];
        snprintf(detail, sizeof detail, "{\"files\":%lld,\"bytes\":%lld}", (long long)n.unlinked,
                 (long long)n.bytes);
        rc = store_tx(c->db, audit_job, detail);
    }
    if (rc)
        return cli_report(rc, "media gc");
    printf("%lld stored files, %lld named by no report and older than an hour (%lld bytes)%s; "
           "%lld newer ones kept\n",
           (long long)n.files, (long long)n.unlinked, (long long)n.bytes,
           remove ? ": removed" : ": kept (dry run; --delete removes them)", (long long)n.young);
    return 0;
}

static int cmd_media(struct cli *c)
{
    static const struct cli_command subs[] = {{"gc", cmd_media_gc, NULL}};
    return cli_subcommand(c, "media", subs, IOC_ARRAY_LEN(subs));
}

/* The media group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"media", cmd_media,
     "  media gc [--delete]              the photos under DATA_DIR/media no report names, older\n"
     "                                   than an hour: listed, removed with --delete (audited)\n"},
};

const struct cli_group cli_group_media = CLI_GROUP("media", commands);
