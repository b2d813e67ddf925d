/*
 * writer.c — the single storage writer: a thread, a bounded queue, group commit.
 *
 * Loop: wait for jobs; take every queued job (up to GROUP_MAX); BEGIN IMMEDIATE; run each under
 * its own SAVEPOINT (RELEASE on success, ROLLBACK TO + RELEASE on failure or when the RELEASE
 * failed, so a failing job undoes only itself); COMMIT (synchronous=FULL: durable when it
 * returns); then call every job's done callback with its result, or IOC_EIO for all if the
 * COMMIT failed or a job's savepoint could not be undone (the whole group is rolled back).
 *
 * Invariants: a job is answered exactly once; nothing is answered before the commit holding it
 * returned; after store_writer_stop began, submit refuses and every job already queued is still
 * run and answered before the thread exits.
 *
 * The WAL: SQLite's automatic checkpoint (every ~1000 pages, PASSIVE) keeps it small while no
 * reader holds an old snapshot. When the queue has been empty for STORE_IDLE_CHECKPOINT_MS and
 * the WAL is not empty, the thread runs a TRUNCATE checkpoint that does not wait for readers
 * (store_wal_checkpoint with wait 0): it copies what it can and, if a reader still pins the
 * WAL, tries again after the next idle period. So once long readers are gone and writes pause,
 * the WAL goes back to zero bytes within about two idle periods. At stop, after the queue is
 * drained, one last checkpoint waits up to STORE_STOP_CHECKPOINT_MS for readers. A job that
 * arrives during an idle checkpoint waits for it (it copies at most the WAL, which
 * journal_size_limit and the autocheckpoint keep small unless a reader held it).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <time.h>

#define GROUP_MAX 256

/* Runs j under its own savepoint and sets j->rc; a failing job (or one whose RELEASE failed) is
 * rolled back to its savepoint. Returns 0, or an IOC_E* code when that rollback failed too: the
 * transaction then holds an unknown part of the job and the whole group must be undone. */
static int run_job(struct store_conn *w, struct store_job *j)
{
    int rc = store_exec(w, "SAVEPOINT job");
    if (rc) {
        j->rc = rc; /* nothing of the job ran */
        return 0;
    }
    j->rc = j->job(w, j->arg);
    if (j->rc == 0)
        j->rc = store_exec(w, "RELEASE job");
    if (j->rc == 0)
        return 0;
    rc = store_exec(w, "ROLLBACK TO job");
    if (rc == 0)
        rc = store_exec(w, "RELEASE job");
    return rc;
}

static void run_group(struct store *st, struct store_job *first)
{
    struct store_conn *w = st->wconn;
    int rc = store_exec(w, "BEGIN IMMEDIATE");
    for (int tries = 0; rc == IOC_EBUSY && tries < 100; tries++)
        rc = store_exec(w, "BEGIN IMMEDIATE");
    int began = rc == 0;
    for (struct store_job *j = first; j && rc == 0; j = j->next)
        rc = run_job(w, j);
    if (rc == 0)
        rc = store_exec(w, "COMMIT");
    if (rc == 0) {
        atomic_fetch_add(&st->commits, 1);
    } else {
        if (began)
            store_exec(w, "ROLLBACK");
        /* BEGIN refused: its reason; a group undone or a COMMIT failed: IOC_EIO for all */
        for (struct store_job *j = first; j; j = j->next)
            j->rc = began ? IOC_EIO : rc;
    }
    while (first) {
        struct store_job *next = first->next;
        atomic_fetch_add(&st->jobs, 1);
        if (first->done)
            first->done(first->arg, first->rc);
        free(first);
        first = next;
    }
}

/* Waits (st->lock held) until a job is queued or stop is asked; each time the queue has been
 * empty for STORE_IDLE_CHECKPOINT_MS, checkpoints a non-empty WAL without holding the lock. */
static void wait_for_work(struct store *st)
{
    while (!st->head && !st->stopping) {
        struct timespec deadline;
        ioc_deadline_ms(&deadline, STORE_IDLE_CHECKPOINT_MS);
        int timed_out = 0;
        while (!st->head && !st->stopping && !timed_out)
            timed_out = pthread_cond_timedwait(&st->wake, &st->lock, &deadline) != 0;
        if (!timed_out)
            continue;
        /* the stat and the checkpoint run without st->lock: submitters never wait on them */
        pthread_mutex_unlock(&st->lock);
        if (store_wal_bytes(st) > 0)
            store_wal_checkpoint(st->wconn, 0);
        pthread_mutex_lock(&st->lock);
    }
}

static void *writer_main(void *arg)
{
    struct store *st = arg;
    pthread_mutex_lock(&st->lock);
    for (;;) {
        wait_for_work(st);
        if (!st->head && st->stopping)
            break;
        struct store_job *first = st->head, *last = first;
        int n = 1;
        while (last->next && n < GROUP_MAX) {
            last = last->next;
            n++;
        }
        st->head = last->next;
        if (!st->head)
            st->tail = NULL;
        last->next = NULL;
        st->queued -= n;
        pthread_mutex_unlock(&st->lock);
        run_group(st, first);
        pthread_mutex_lock(&st->lock);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

int store_writer_start(struct store *st, int queue_max)
{
    int rc = store_open_conn(st, 0, &st->wconn);
    if (rc)
        return rc;
    st->queue_max = queue_max > 0 ? queue_max : 10000;
    st->stopping = 0;
    if (pthread_create(&st->thread, NULL, writer_main, st) != 0) {
        store_conn_close(st->wconn);
        st->wconn = NULL;
        return IOC_ENOMEM;
    }
    st->running = 1;
    return 0;
}

int store_writer_submit(struct store *st, store_job_fn job, store_done_fn done, void *arg)
{
    struct store_job *j = store_calloc(1, sizeof *j);
    if (!j)
        return IOC_ENOMEM;
    j->job = job;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&st->lock);
    int rc = !st->running || st->stopping  ? IOC_ESHUTDOWN
             : st->queued >= st->queue_max ? IOC_EBUSY
                                           : 0;
    if (rc == 0) {
        if (st->tail)
            st->tail->next = j;
        else
            st->head = j;
        st->tail = j;
        st->queued++;
        pthread_cond_signal(&st->wake);
    }
    pthread_mutex_unlock(&st->lock);
    if (rc)
        free(j);
    return rc;
}

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done, rc;
};

static void wake_waiter(void *arg, int rc)
{
    struct waiter *w = arg;
    pthread_mutex_lock(&w->lock);
    w->done = 1;
    w->rc = rc;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

struct sync_job {
    store_job_fn job;
    void *arg;
    struct waiter w;
};

static int run_sync(struct store_conn *c, void *arg)
{
    struct sync_job *s = arg;
    return s->job(c, s->arg);
}

static void sync_done(void *arg, int rc)
{
    wake_waiter(&((struct sync_job *)arg)->w, rc);
}

int store_writer_run(struct store *st, store_job_fn job, void *arg)
{
    struct sync_job s = {job, arg, {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0}};
    int rc = store_writer_submit(st, run_sync, sync_done, &s);
    if (rc)
        return rc;
    pthread_mutex_lock(&s.w.lock);
    while (!s.w.done)
        pthread_cond_wait(&s.w.cond, &s.w.lock);
    pthread_mutex_unlock(&s.w.lock);
    return s.w.rc;
}

void store_writer_stop(struct store *st)
{
    pthread_mutex_lock(&st->lock);
    int running = st->running;
    st->stopping = 1;
    pthread_cond_broadcast(&st->wake);
    pthread_mutex_unlock(&st->lock);
    if (!running)
        return;
    pthread_join(st->thread, NULL);
    st->running = 0;
    if (store_wal_checkpoint(st->wconn, STORE_STOP_CHECKPOINT_MS) != 0)
        ioc_log(IOC_LOG_WARN, "store: a reader kept the WAL at stop (%lld bytes)",
                (long long)store_wal_bytes(st));
    store_conn_close(st->wconn);
    st->wconn = NULL;
}
