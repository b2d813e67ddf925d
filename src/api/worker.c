/*
 * worker.c — a thread for the slow, CPU-bound part of some requests (argon2id password checks
 * and hashes, tens of milliseconds each), so that neither the event loops nor the storage
 * writer wait for them. It has its own read-only connection.
 *
 * Flow: a handler calls api_offload(c, fn, arg, then); the request is suspended; the worker runs
 * fn(db, arg) and posts back to the request's loop, which runs then(c, arg) (typically an
 * api_write). A full queue answers 503 at once.
 */
#include "api/api_int.h"

#include <stdlib.h>

#define WORKER_QUEUE_MAX 256

struct api_work {
    struct api_ctx *c;
    void (*fn)(struct store_conn *db, void *arg);
    void (*then)(struct api_ctx *c, void *arg);
    void *arg;
    struct net_pending *pending;
    struct api_work *next;
};

static void on_loop(struct net_req *r, void *p)
{
    (void)r;
    struct api_work *w = p;
    w->then(w->c, w->arg);
}

static void *worker_main(void *arg)
{
    struct api *a = arg;
    pthread_mutex_lock(&a->work_lock);
    for (;;) {
        while (!a->work_head && !a->work_stopping)
            pthread_cond_wait(&a->work_wake, &a->work_lock);
        struct api_work *w = a->work_head;
        if (!w)
            break;
        a->work_head = w->next;
        a->work_queued--;
        pthread_mutex_unlock(&a->work_lock);
        w->fn(a->work_db, w->arg);
        net_pending_resume(w->pending, on_loop, w);
        pthread_mutex_lock(&a->work_lock);
    }
    pthread_mutex_unlock(&a->work_lock);
    return NULL;
}

int api_worker_start(struct api *a)
{
    pthread_mutex_init(&a->work_lock, NULL);
    pthread_cond_init(&a->work_wake, NULL);
    int rc = store_conn_open(a->store, 1, &a->work_db);
    if (rc)
        return rc;
    if (pthread_create(&a->work_thread, NULL, worker_main, a) != 0) {
        store_conn_close(a->work_db);
        a->work_db = NULL;
        return IOC_ENOMEM;
    }
    a->work_started = 1;
    return 0;
}

void api_worker_stop(struct api *a)
{
    if (!a->work_started)
        return;
    pthread_mutex_lock(&a->work_lock);
    a->work_stopping = 1;
    pthread_cond_broadcast(&a->work_wake);
    pthread_mutex_unlock(&a->work_lock);
    pthread_join(a->work_thread, NULL);
    store_conn_close(a->work_db);
    pthread_mutex_destroy(&a->work_lock);
    pthread_cond_destroy(&a->work_wake);
    a->work_started = 0;
}

void api_offload(struct api_ctx *c, void (*fn)(struct store_conn *db, void *arg), void *arg,
                 void (*then)(struct api_ctx *c, void *arg))
{
    struct api *a = c->api;
    struct api_work *w = net_req_alloc(c->req, sizeof *w);
    w->c = c;
    w->fn = fn;
    w->then = then;
    w->arg = arg;
    pthread_mutex_lock(&a->work_lock);
    int full = a->work_queued >= WORKER_QUEUE_MAX || a->work_stopping;
    if (!full) {
        w->pending = net_req_suspend(c->req);
        struct api_work **tail = &a->work_head;
        while (*tail)
            tail = &(*tail)->next;
        *tail = w;
        a->work_queued++;
        pthread_cond_signal(&a->work_wake);
    }
    pthread_mutex_unlock(&a->work_lock);
    if (full) {
        net_res_header(c->req, "retry-after", "1");
        api_error(c, 503, "unavailable", "The server is busy; try again.");
    }
}
