/*
 * import.c — parsed points stored straight into the engine of a data directory, by a process
 * that is not iocd (iocctl import readings): the engine is opened here (so iocd must be stopped:
 * it holds the log), points are appended in batches, each batch synced, and at the end every
 * series is sealed and the log trimmed before the engine is closed.
 *
 * Invariants:
 *   1. Points handed to telemetry_import_point are durable once telemetry_import_finish returned
 *      0 (each batch is synced as it is appended; finish syncs the last one).
 *   2. A point the engine refuses (a field stored with another type, a limit) does not stop the
 *      others; the count and the first reason are in the stats.
 */
#include "telemetry/telemetry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_BATCH 50000 /* engine points per append */
#define IMPORT_ROOM 1024   /* more, for the fields of the point that passes it */

struct telemetry_import {
    struct tsdb_db *db;
    struct telemetry_batch b;
    struct telemetry_import_stats st;
};

int telemetry_import_open(const char *data_dir, struct telemetry_import **out, char *err,
                          size_t err_size)
{
    struct telemetry_import *im = calloc(1, sizeof *im);
    if (!im)
        return IOC_ENOMEM;
    int rc = tsdb_db_open(data_dir, NULL, &im->db, err, err_size);
    if (rc) {
        free(im);
        return rc;
    }
    telemetry_batch_init(&im->b, IMPORT_BATCH + IMPORT_ROOM);
    *out = im;
    return 0;
}

/* Appends and syncs the batch, then starts an empty one. */
static int flush(struct telemetry_import *im)
{
    if (im->b.n == 0)
        return 0;
    telemetry_batch_finish(&im->b);
    struct tsdb_write_report rep;
    int rc = tsdb_db_append(im->db, im->b.pts, im->b.n, &rep);
    if (rc == 0)
        rc = tsdb_db_sync(im->db);
    if (rc == 0)
        rc = tsdb_db_maintain(im->db, 0);
    if (rc == 0) {
        im->st.stored += rep.accepted;
        if (rep.refused && im->st.refused == 0) {
            im->st.first_rc = rep.first_rc;
            im->st.stored_type = rep.stored_type;
            const struct tsdb_point_in *p = &im->b.pts[rep.first_refused];
            struct tsdb_series_parts sp;
            if (tsdb_series_key_parse(p->key, p->key_len, &sp) == 0)
                snprintf(im->st.first_field, sizeof im->st.first_field, "%.*s field %.*s",
                         (int)(sp.mlen < 100 ? sp.mlen : 100), sp.m,
                         (int)(sp.flen < 100 ? sp.flen : 100), sp.f);
        }
        im->st.refused += rep.refused;
    }
    im->st.strings += im->b.strings;
    size_t max = im->b.max_points;
    telemetry_batch_free(&im->b);
    telemetry_batch_init(&im->b, max);
    return rc;
}

int telemetry_import_point(struct telemetry_import *im, const struct telemetry_lp_point *pt)
{
    if (im->b.n >= IMPORT_BATCH) {
        int rc = flush(im);
        if (rc)
            return rc;
    }
    return telemetry_batch_add(&im->b, pt); /* IOC_ETOOBIG past IMPORT_ROOM fields */
}

int telemetry_import_finish(struct telemetry_import *im, struct telemetry_import_stats *st)
{
    int rc = flush(im);
    if (rc == 0)
        rc = tsdb_db_maintain(im->db, 1);
    *st = im->st;
    return rc;
}

void telemetry_import_close(struct telemetry_import *im)
{
    if (!im)
        return;
    telemetry_batch_free(&im->b);
    tsdb_db_close(im->db);
    free(im);
}
