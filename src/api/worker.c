/*
 * worker.c — threads for the slow, CPU-bound part of some requests, so that neither the event
 * loops nor the storage writer wait for them. Two workers, each a thread with its own queue and
 * its own read-only connection:
 *   hasher    argon2id password checks and hashes (tens of milliseconds each);
 *   renderer  GeoJSON bodies not yet cached (simplifying boundaries can take a second).
 * A login therefore never waits behind renders that anyone, signed in or not, can ask for.
 *
 * Flow: a handler calls api_worker_offload(c, w, fn, arg, then); the request is suspended; the
 * worker runs fn(db, arg) and posts back to the request's loop, which runs then(c, arg)
 * (typically an api_write or the answer). A job that cannot be taken is answered at once:
 * 503 when the queue is full, 429 when the caller's address already has per_peer jobs queued or
 * running (renders: an anonymous caller cannot fill the queue alone).
 *
 * Invariant: a worker's lock is held only to link and unlink jobs, never while a job runs or
 * across the resume (which writes to the loop's pipe).
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#define HASH_QUEUE_MAX 256
#define RENDERS_PER_PEER 4

struct api_work {
    struct api_ctx *c;
    void (*fn)(struct store_conn *db, void *arg);
    void (*then)(struct api_ctx *c, void *arg);
    void *arg;
    struct net_pending *pending;
    char peer[64];
    struct api_work *next;
};

struct api_worker {
    struct api *api;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct api_work *head;
    struct api_work *running; /* the job being run, or NULL */
    int queued, queue_max, per_peer;
    int stopping;
    pthread_t thread;
    struct store_conn *db;
};

static void on_loop(struct net_req *r, void *p)
{
    (void)r;
    struct api_work *w = p;
    w->then(w->c, w->arg);
}

static void *worker_main(void *arg)
{
    struct api_worker *k = arg;
    pthread_mutex_lock(&k->lock);
    for (;;) {
        while (!k->head && !k->stopping)
            pthread_cond_wait(&k->wake, &k->lock);
        struct api_work *w = k->head;
        if (!w)
            break;
        k->head = w->next;
        k->queued--;
        k->running = w;
        pthread_mutex_unlock(&k->lock);
        w->fn(k->db, w->arg);
        pthread_mutex_lock(&k->lock);
        k->running = NULL; /* before the resume: then the request (and w, in its pool) may go */
        pthread_mutex_unlock(&k->lock);
        net_pending_resume(w->pending, on_loop, w);
        pthread_mutex_lock(&k->lock);
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

static int worker_create(struct api *a, int queue_max, int per_peer, struct api_worker **out)
{
    struct api_worker *k = calloc(1, sizeof *k);
    if (!k)
        return IOC_ENOMEM;
    k->api = a;
    k->queue_max = queue_max;
    k->per_peer = per_peer;
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->wake, NULL);
    int rc = store_conn_open(a->store, 1, &k->db);
    if (rc == 0 && pthread_create(&k->thread, NULL, worker_main, k) != 0)
        rc = IOC_ENOMEM;
    if (rc) {
        store_conn_close(k->db);
        pthread_mutex_destroy(&k->lock);
        pthread_cond_destroy(&k->wake);
        free(k);
        return rc;
    }
    *out = k;
    return 0;
}

static void worker_destroy(struct api_worker **kp)
{
    struct api_worker *k = *kp;
    if (!k)
        return;
    pthread_mutex_lock(&k->lock);
    k->stopping = 1;
    pthread_cond_broadcast(&k->wake);
    pthread_mutex_unlock(&k->lock);
    pthread_join(k->thread, NULL);
    store_conn_close(k->db);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->wake);
    free(k);
    *kp = NULL;
}

int api_worker_start(struct api *a)
{
    int rc = worker_create(a, HASH_QUEUE_MAX, 0, &a->hasher);
    if (rc == 0)
        rc = worker_create(a, a->cfg->render_queue, RENDERS_PER_PEER, &a->renderer);
    return rc;
}

void api_worker_stop(struct api *a)
{
    worker_destroy(&a->renderer);
    worker_destroy(&a->hasher);
}

int api_worker_queued(struct api_worker *k)
{
    if (!k)
        return 0;
    pthread_mutex_lock(&k->lock);
    int n = k->queued;
    pthread_mutex_unlock(&k->lock);
    return n;
}

/* Jobs of peer queued or running on k. Caller holds k->lock. */
static int peer_jobs(const struct api_worker *k, const char *peer)
{
    int n = k->running && strcmp(k->running->peer, peer) == 0;
    for (const struct api_work *w = k->head; w; w = w->next)
        n += strcmp(w->peer, peer) == 0;
    return n;
}

void api_worker_offload(struct api_ctx *c, struct api_worker *k,
                        void (*fn)(struct store_conn *db, void *arg), void *arg,
                        void (*then)(struct api_ctx *c, void *arg))
{
    struct api_work *w = net_req_alloc(c->req, sizeof *w);
    if (!w) {
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    w->c = c;
    w->fn = fn;
    w->then = then;
    w->arg = arg;
    snprintf(w->peer, sizeof w->peer, "%s", net_req_peer(c->req));
    pthread_mutex_lock(&k->lock);
    int full = k->queued >= k->queue_max || k->stopping;
    int crowded = !full && k->per_peer > 0 && peer_jobs(k, w->peer) >= k->per_peer;
    if (!full && !crowded) {
        w->pending = net_req_suspend(c->req);
        struct api_work **tail = &k->head;
        while (*tail)
            tail = &(*tail)->next;
        *tail = w;
        k->queued++;
        pthread_cond_signal(&k->wake);
    }
    pthread_mutex_unlock(&k->lock);
    if (full) {
        net_res_header(c->req, "retry-after", "1");
        api_error(c, IOC_HTTP_E_UNAVAILABLE, "The server is busy; try again.");
    } else if (crowded) {
        net_res_header(c->req, "retry-after", "1");
        api_error(c, IOC_HTTP_E_RATE_LIMITED,
                  "%d requests from your address are already being prepared; wait for them.",
                  k->per_peer);
    }
}

void api_offload(struct api_ctx *c, void (*fn)(struct store_conn *db, void *arg), void *arg,
                 void (*then)(struct api_ctx *c, void *arg))
{
    api_worker_offload(c, c->api->hasher, fn, arg, then);
}
