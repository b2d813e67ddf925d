/*
 * figures.c — the daily figures for the indicators (docs/indicators.md, "Computed figures"): a
 * thread that, at start, computes the last IOCD_FIGURES_CATCHUP complete local days (for the
 * reports the last IOCD_FIGURES_FIRST at the first start of a data directory: the demo's reports
 * go back 120 days), those days once more IOCD_FIGURES_RECHECK_MS later, and then,
 * each day once it is over (10 minutes past local midnight, so that the last hour's readings
 * are in), the day before, from the environment module's stored readings (env_figures_read)
 * and the reports module's reports (rep_figures_read),
 * written by the indicators module through the store's writer (ind_computed_write_job). Never on
 * an HTTP loop thread; a day written again with the same numbers makes no revision.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "environment/environment.h"
#include "indicators/indicators.h"
#include "iocd/iocd_int.h"
#include "reports/reports.h"
#include "store/store.h"
#include "telemetry/telemetry.h"

#define IOCD_FIGURES_CATCHUP 7 /* days computed at start */
#define IOCD_FIGURES_FIRST 120 /* reports' days computed at the first start of a directory */
#define IOCD_FIGURES_META "figures.first_done"
#define IOCD_FIGURES_MARGIN_MS (10 * 60000) /* a day is computed this long after it ended */
#define IOCD_FIGURES_POLL_MS 60000
/* The start's days are computed once more this long after the start: readings that arrive just
 * after a start (a gateway flushing what it kept during an outage, the demo sensors' backfill,
 * which runs beside this thread) are counted the same day, not at the next restart. */
#define IOCD_FIGURES_RECHECK_MS (2 * 60000)

struct iocd_figures {
    struct store *st;
    struct tsdb_db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
};

/* The last local day over (with the margin): days since 1970 in UTC+7. */
static int32_t last_complete_day(void)
{
    int64_t ms = ioc_now_ms() - IOCD_FIGURES_MARGIN_MS + (int64_t)IND_UTC_OFFSET_S * 1000;
    return (int32_t)(ms / 86400000) - 1;
}

static int add_reports(struct store_conn *c, int32_t from, int32_t to, struct ind_computed **v,
                       size_t *n)
{
    struct ind_computed *r = NULL;
    size_t nr = 0;
    int rc = rep_figures_read(c, from, to, &r, &nr);
    struct ind_computed *all = rc == 0 && nr ? realloc(*v, (*n + nr) * sizeof **v) : *v;
    if (rc == 0 && nr && !all)
        rc = IOC_ENOMEM;
    if (rc == 0 && nr) {
        memcpy(all + *n, r, nr * sizeof *r);
        *v = all;
        *n += nr;
    }
    free(r);
    return rc;
}

int iocd_figures_run(struct store *st, struct tsdb_db *db, int32_t from, int32_t rep_from,
                     int32_t to)
{
    struct store_conn *c = NULL;
    struct ind_computed *v = NULL;
    size_t n = 0;
    int rc = store_conn_open(st, 1, &c);
    if (rc == 0)
        rc = env_figures_read(c, db, from, to, &v, &n);
    if (rc == 0)
        rc = add_reports(c, rep_from, to, &v, &n);
    store_conn_close(c);
    struct ind_computed_write w = {.v = v, .n = n, .who = "figures"};
    if (rc == 0 && n)
        rc = store_writer_run(st, ind_computed_write_job, &w);
    char a[11], b[11];
    ioc_date_format(rep_from < from ? rep_from : from, a);
    ioc_date_format(to, b);
    if (rc)
        ioc_log(IOC_LOG_WARN, "figures %s … %s: %s", a, b, ioc_strerror(rc));
    else
        ioc_log(IOC_LOG_INFO,
                "figures %s … %s: %zu values, %lld added, %lld revised, %lld unchanged, "
                "%lld refused%s%s",
                a, b, n, (long long)w.added, (long long)w.revised, (long long)w.unchanged,
                (long long)w.refused, w.refused ? ": " : "", w.error);
    free(v);
    return rc;
}

static int mark_done(struct store_conn *w, void *arg)
{
    (void)arg;
    return store_meta_set(w, IOCD_FIGURES_META, "1");
}

static void *figures_thread(void *arg)
{
    struct iocd_figures *f = arg;
    int32_t done = last_complete_day();
    struct store_conn *c = NULL;
    char *seen = NULL;
    int first = store_conn_open(f->st, 1, &c) == 0 &&
                store_meta_get(c, IOCD_FIGURES_META, &seen) == IOC_ENOTFOUND;
    free(seen);
    store_conn_close(c);
    int32_t from = done - IOCD_FIGURES_CATCHUP + 1;
    int32_t rep_from = first ? done - IOCD_FIGURES_FIRST + 1 : from;
    if (iocd_figures_run(f->st, f->db, from, rep_from, done) == 0 && first)
        store_writer_run(f->st, mark_done, NULL);
    int64_t recheck_ms = ioc_now_ms() + IOCD_FIGURES_RECHECK_MS;
    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        struct timespec ts;
        ioc_deadline_ms(&ts, IOCD_FIGURES_POLL_MS);
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        if (!f->stop && recheck_ms && ioc_now_ms() >= recheck_ms) {
            recheck_ms = 0;
            pthread_mutex_unlock(&f->mu);
            iocd_figures_run(f->st, f->db, from, from, done); /* unchanged days: no revision */
            pthread_mutex_lock(&f->mu);
        }
        int32_t day = last_complete_day();
        if (f->stop || day <= done)
            continue;
        pthread_mutex_unlock(&f->mu);
        iocd_figures_run(f->st, f->db, done + 1, done + 1, day);
        done = day;
        pthread_mutex_lock(&f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

int iocd_figures_start(struct store *st, struct telemetry_ingest *ig, struct iocd_figures **out)
{
    *out = NULL;
    struct iocd_figures *f = calloc(1, sizeof *f);
    if (!f)
        return IOC_ENOMEM;
    f->st = st;
    f->db = telemetry_ingest_db(ig);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&f->thread, NULL, figures_thread, f) != 0) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
        free(f);
        return IOC_ENOMEM;
    }
    *out = f;
    return 0;
}

void iocd_figures_stop(struct iocd_figures *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
