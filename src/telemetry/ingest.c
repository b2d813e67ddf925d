/*
 * ingest.c — the engine in iocd and its one writer thread: a bounded queue of batches, group
 * commit, maintenance when idle.
 *
 * Loop: wait for batches (at most a second: then tsdb_db_maintain); with sync = batch, wait up
 * to batch_ms more for others to arrive; take EVERY waiting batch; tsdb_db_append each (a batch
 * larger than one log record goes in pieces); ONE tsdb_db_sync; then call each batch's done with
 * its report, or the sync's error for all. After a group, maintain if a second has passed since
 * the last time, so a steady stream still seals and trims the log.
 *
 * Invariants: see telemetry.h. The lock is held only to link and unlink batches and to read or
 * change `stopping`, never across the engine's work or a done callback.
 */
#include "telemetry/telemetry.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/mqtt_int.h"

#define APPEND_MAX 100000 /* points per tsdb_db_append (well under one log record) */
#define MAINTAIN_MS 1000

struct batch {
    const struct tsdb_point_in *pts;
    size_t n;
    telemetry_ingest_done_fn done;
    void *arg;
    struct batch *next;
};

struct telemetry_ingest {
    struct tsdb_db *db;
    enum tsdb_sync_mode sync;
    int batch_ms;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct batch *head, *tail;
    int queued, stopping, running;
    pthread_t thread;
    atomic_ullong accepted, refused, batches, groups, busy;
    struct telemetry_hub *hub; /* the live stream (stream.c) */
    struct mqtt_ingest *mqtt;  /* set before readers start, stopped first by close */
    /* observers of durable points: called with obs_lock held, which (un)observe also take */
    pthread_mutex_t obs_lock;
    struct {
        telemetry_ingest_observe_fn fn;
        void *ctx;
    } obs[TELEMETRY_OBSERVERS];
};

/* Appends one batch in pieces, merging their reports. */
static int append_batch(struct telemetry_ingest *ig, struct batch *b, struct tsdb_write_report *rep)
{
    memset(rep, 0, sizeof *rep);
    for (size_t at = 0; at < b->n;) {
        size_t k = b->n - at < APPEND_MAX ? b->n - at : APPEND_MAX;
        struct tsdb_write_report r;
        int rc = tsdb_db_append(ig->db, b->pts + at, k, &r);
        if (rc)
            return rc;
        if (r.refused && rep->refused == 0) {
            rep->first_refused = at + r.first_refused;
            rep->first_rc = r.first_rc;
            rep->stored_type = r.stored_type;
        }
        rep->accepted += r.accepted;
        rep->refused += r.refused;
        at += k;
    }
    return 0;
}

/* Hands a durable batch to each observer (memory work only, by their contract). */
static void notify_observers(struct telemetry_ingest *ig, const struct tsdb_point_in *pts, size_t n,
                             const struct tsdb_write_report *rep)
{
    pthread_mutex_lock(&ig->obs_lock);
    for (size_t i = 0; i < TELEMETRY_OBSERVERS; i++)
        if (ig->obs[i].fn)
            ig->obs[i].fn(ig->obs[i].ctx, pts, n, rep);
    pthread_mutex_unlock(&ig->obs_lock);
}

int telemetry_ingest_observe(struct telemetry_ingest *ig, telemetry_ingest_observe_fn fn, void *ctx)
{
    int rc = IOC_ETOOBIG;
    pthread_mutex_lock(&ig->obs_lock);
    for (size_t i = 0; i < TELEMETRY_OBSERVERS && rc; i++)
        if (!ig->obs[i].fn) {
            ig->obs[i].fn = fn;
            ig->obs[i].ctx = ctx;
            rc = 0;
        }
    pthread_mutex_unlock(&ig->obs_lock);
    return rc;
}

void telemetry_ingest_unobserve(struct telemetry_ingest *ig, telemetry_ingest_observe_fn fn,
                                void *ctx)
{
    if (!ig)
        return;
    pthread_mutex_lock(&ig->obs_lock);
    for (size_t i = 0; i < TELEMETRY_OBSERVERS; i++)
        if (ig->obs[i].fn == fn && ig->obs[i].ctx == ctx)
            ig->obs[i].fn = NULL;
    pthread_mutex_unlock(&ig->obs_lock);
}

/* Writes a group of batches with one sync and answers each. */
static void run_group(struct telemetry_ingest *ig, struct batch *first)
{
    int n = 0;
    for (struct batch *b = first; b; b = b->next)
        n++;
    struct tsdb_write_report *reps = calloc((size_t)n, sizeof *reps);
    int *rcs = calloc((size_t)n, sizeof *rcs);
    int i = 0, any = 0;
    for (struct batch *b = first; b; b = b->next, i++) {
        if (!reps || !rcs)
            break;
        rcs[i] = append_batch(ig, b, &reps[i]);
        any |= rcs[i] == 0;
    }
    int sync_rc = !reps || !rcs ? IOC_ENOMEM : any ? tsdb_db_sync(ig->db) : 0;
    atomic_fetch_add(&ig->groups, 1);
    i = 0;
    while (first) {
        struct batch *next = first->next;
        struct tsdb_write_report none = {0};
        int rc = sync_rc ? sync_rc : rcs[i];
        const struct tsdb_write_report *rep = rc || !reps ? &none : &reps[i];
        if (rc == 0) {
            telemetry_hub_publish(ig->hub, first->pts, first->n, rep); /* durable now */
            notify_observers(ig, first->pts, first->n, rep);
            atomic_fetch_add(&ig->accepted, rep->accepted);
            atomic_fetch_add(&ig->refused, rep->refused);
        } else {
            atomic_fetch_add(&ig->refused, first->n);
        }
        atomic_fetch_add(&ig->batches, 1);
        first->done(first->arg, rc, rep);
        free(first);
        first = next;
        i++;
    }
    free(reps);
    free(rcs);
}

static void maintain(struct telemetry_ingest *ig, int64_t *last_ms)
{
    int rc = tsdb_db_maintain(ig->db, 0);
    if (rc)
        ioc_log(IOC_LOG_WARN, "telemetry: maintenance failed: %s", ioc_strerror(rc));
    *last_ms = ioc_now_ms();
}

/* Waits (lock held) for a batch or stop; maintains the engine each idle second. */
static void wait_for_work(struct telemetry_ingest *ig, int64_t *last_ms)
{
    while (!ig->head && !ig->stopping) {
        struct timespec d;
        ioc_deadline_ms(&d, MAINTAIN_MS);
        int timed_out = 0;
        while (!ig->head && !ig->stopping && !timed_out)
            timed_out = pthread_cond_timedwait(&ig->wake, &ig->lock, &d) != 0;
        if (timed_out) {
            pthread_mutex_unlock(&ig->lock);
            maintain(ig, last_ms);
            pthread_mutex_lock(&ig->lock);
        }
    }
    if (ig->head && ig->sync == TSDB_SYNC_BATCH && ig->batch_ms > 0 && !ig->stopping) {
        struct timespec d;
        ioc_deadline_ms(&d, ig->batch_ms);
        while (!ig->stopping && ig->queued < 64 &&
               pthread_cond_timedwait(&ig->wake, &ig->lock, &d) == 0)
            ;
    }
}

static void *ingest_main(void *arg)
{
    struct telemetry_ingest *ig = arg;
    int64_t last_ms = ioc_now_ms();
    pthread_mutex_lock(&ig->lock);
    for (;;) {
        wait_for_work(ig, &last_ms);
        if (!ig->head && ig->stopping)
            break;
        struct batch *first = ig->head;
        ig->head = ig->tail = NULL;
        ig->queued = 0;
        pthread_mutex_unlock(&ig->lock);
        run_group(ig, first);
        /* once a second; sooner when an eighth of the series are due (a bulk load), so that
         * heads stay near the seal size instead of growing for a whole second */
        size_t nseries, due = tsdb_db_due(ig->db, &nseries);
        if (ioc_now_ms() - last_ms >= MAINTAIN_MS || (due && due * 8 >= nseries))
            maintain(ig, &last_ms);
        pthread_mutex_lock(&ig->lock);
    }
    pthread_mutex_unlock(&ig->lock);
    return NULL;
}

int telemetry_ingest_open(const char *data_dir, const struct telemetry_settings *s,
                          struct telemetry_ingest **out, char *err, size_t err_size)
{
    *out = NULL;
    struct tsdb_db_options o = {0};
    if (telemetry_sync_parse(s->sync, &o.sync) != 0) {
        snprintf(err, err_size, "telemetry.sync must be batch, always or off, not \"%s\"",
                 s->sync ? s->sync : "");
        return IOC_EINVAL;
    }
    o.max_series = (size_t)s->max_series;
    o.seal_points = (uint32_t)s->seal_points;
    struct telemetry_retention ret; /* the engine copies the rules */
    int prc =
        telemetry_retention_parse(s->retention, s->retention_by_measurement, &ret, err, err_size);
    o.retention_ns = ret.default_ns;
    o.retention = ret.rules;
    o.nretention = ret.n;
    struct telemetry_ingest *ig = prc ? NULL : calloc(1, sizeof *ig);
    if (!ig) {
        telemetry_retention_free(&ret);
        return prc ? prc : IOC_ENOMEM;
    }
    ig->sync = o.sync;
    ig->batch_ms = s->batch_ms;
    struct telemetry_hub_options ho = {(size_t)s->stream_ring_events, (size_t)s->stream_ring_bytes,
                                       0, 0};
    int rc = telemetry_hub_create(&ho, &ig->hub);
    if (rc == 0)
        rc = tsdb_db_open(data_dir, &o, &ig->db, err, err_size);
    telemetry_retention_free(&ret);
    if (rc) {
        telemetry_hub_destroy(ig->hub);
        free(ig);
        return rc;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ig->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&ig->lock, NULL);
    pthread_mutex_init(&ig->obs_lock, NULL);
    if (pthread_create(&ig->thread, NULL, ingest_main, ig) != 0) {
        snprintf(err, err_size, "cannot start the ingest thread");
        telemetry_ingest_close(ig);
        return IOC_ENOMEM;
    }
    ig->running = 1;
    *out = ig;
    return 0;
}

void telemetry_ingest_close(struct telemetry_ingest *ig)
{
    if (!ig)
        return;
    mqtt_ingest_stop(ig->mqtt); /* its sink may wait for this thread: stop it while it runs */
    ig->mqtt = NULL;
    pthread_mutex_lock(&ig->lock);
    ig->stopping = 1;
    pthread_cond_broadcast(&ig->wake);
    pthread_mutex_unlock(&ig->lock);
    if (ig->running)
        pthread_join(ig->thread, NULL);
    tsdb_db_close(ig->db);
    telemetry_hub_destroy(ig->hub);
    pthread_cond_destroy(&ig->wake);
    pthread_mutex_destroy(&ig->lock);
    pthread_mutex_destroy(&ig->obs_lock);
    free(ig);
}

int telemetry_ingest_start_mqtt(struct telemetry_ingest *ig,
                                const struct telemetry_mqtt_settings *s, size_t max_batch,
                                char *err, size_t err_size)
{
    return ig->mqtt ? IOC_EEXIST : mqtt_ingest_start(ig, s, max_batch, &ig->mqtt, err, err_size);
}

struct tsdb_db *telemetry_ingest_db(struct telemetry_ingest *ig)
{
    return ig->db;
}

struct telemetry_hub *telemetry_ingest_hub(struct telemetry_ingest *ig)
{
    return ig->hub;
}

int telemetry_ingest_submit(struct telemetry_ingest *ig, const struct tsdb_point_in *pts, size_t n,
                            telemetry_ingest_done_fn done, void *arg)
{
    struct batch *b = calloc(1, sizeof *b);
    if (!b)
        return IOC_ENOMEM;
    *b = (struct batch){pts, n, done, arg, NULL};
    pthread_mutex_lock(&ig->lock);
    int rc = ig->stopping ? IOC_ESHUTDOWN : ig->queued >= TELEMETRY_QUEUE_MAX ? IOC_EBUSY : 0;
    if (rc == 0) {
        if (ig->tail)
            ig->tail->next = b;
        else
            ig->head = b;
        ig->tail = b;
        ig->queued++;
        pthread_cond_signal(&ig->wake);
    }
    pthread_mutex_unlock(&ig->lock);
    if (rc) {
        if (rc == IOC_EBUSY)
            atomic_fetch_add(&ig->busy, 1);
        free(b);
    }
    return rc;
}

void telemetry_ingest_count_refused(struct telemetry_ingest *ig, uint64_t points)
{
    atomic_fetch_add(&ig->refused, points);
}

static void metric(struct ioc_buf *b, const char *name, const char *type, const char *help,
                   unsigned long long v)
{
    ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, v);
}

int telemetry_ingest_metrics(struct telemetry_ingest *ig, struct ioc_buf *b)
{
    struct tsdb_db_stats st;
    tsdb_db_stats(ig->db, &st);
    metric(b, "ioc_tsdb_series", "gauge", "Series in the time-series engine.", st.series);
    metric(b, "ioc_tsdb_series_expired", "gauge",
           "Series (counted in ioc_tsdb_series) whose every point has expired.", st.expired_series);
    metric(b, "ioc_tsdb_head_points", "gauge", "Points in memory not yet sealed into chunks.",
           st.head_points);
    metric(b, "ioc_tsdb_chunks", "gauge", "Sealed chunks in partition files.", st.chunks);
    metric(b, "ioc_tsdb_chunk_bytes", "gauge", "Bytes of sealed chunks.", st.chunk_bytes);
    metric(b, "ioc_tsdb_rollups", "gauge", "Rollup records (minute, hour, day buckets).",
           st.rollups);
    metric(b, "ioc_tsdb_rollup_bytes", "gauge", "Bytes of rollup records.", st.rollup_bytes);
    metric(b, "ioc_tsdb_rollups_written_total", "counter", "Rollup records written since start.",
           st.rollups_written);
    metric(b, "ioc_tsdb_rollup_rebuilt_chunks_total", "counter",
           "Chunks rolled up again at start (rollups missing, damaged or older).",
           st.rollup_rebuilt);
    metric(b, "ioc_tsdb_rollup_buckets_read_total", "counter",
           "Query buckets answered from rollups instead of raw points.", st.rollup_reads);
    metric(b, "ioc_tsdb_expired_chunks_total", "counter",
           "Chunks deleted by the retention since start (with their day files).",
           st.expired_chunks);
    metric(b, "ioc_tsdb_expired_bytes_total", "counter",
           "Bytes of partition files deleted by the retention since start.", st.expired_bytes);
    metric(b, "ioc_tsdb_expired_files_total", "counter",
           "Partition and rollup files deleted by the retention since start.", st.expired_files);
    metric(b, "ioc_tsdb_wal_written_bytes_total", "counter",
           "Bytes written to the engine's log since start.", st.wal.bytes_written);
    metric(b, "ioc_tsdb_wal_syncs_total", "counter", "fdatasync calls on the engine's log.",
           st.wal.syncs);
    metric(b, "ioc_tsdb_wal_segments", "gauge", "Segment files of the engine's log.",
           st.wal.segments);
    metric(b, "ioc_telemetry_points_accepted_total", "counter", "Points written and acknowledged.",
           atomic_load(&ig->accepted));
    metric(b, "ioc_telemetry_points_refused_total", "counter",
           "Points refused (bad lines, type conflicts, limits, failures).",
           atomic_load(&ig->refused));
    metric(b, "ioc_telemetry_batches_total", "counter", "Write batches answered.",
           atomic_load(&ig->batches));
    metric(b, "ioc_telemetry_group_commits_total", "counter", "Syncs covering one or more batches.",
           atomic_load(&ig->groups));
    metric(b, "ioc_telemetry_queue_full_total", "counter",
           "Writes answered 503: the queue was full.", atomic_load(&ig->busy));
    telemetry_hub_metrics(ig->hub, b);
    if (ig->mqtt)
        mqtt_ingest_metrics(ig->mqtt, b);
    return b->data || b->len == 0 ? 0 : IOC_ENOMEM;
}
