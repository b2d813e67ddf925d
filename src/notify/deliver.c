/*
 * deliver.c — the delivery thread: one libcurl multi handle, so a slow or silent target never
 * holds the others. Each pass reads the head of every webhook's queue (its oldest queued
 * delivery, store_deliveries_heads) and starts those that are due, at most max_inflight at once
 * and one per webhook, so each webhook gets its events in order. An answer 2xx marks the
 * delivery done; anything else (another status, a timeout, a refused connection, a bad address)
 * counts an attempt and queues it again after notify_backoff_ms, until max_attempts makes it a
 * dead letter. Each of those state changes is a job of the store's writer thread
 * (store_writer_run): this thread only reads the database.
 *
 * A delivery stays "queued" on disk while in flight: killed then, it is sent again at the next
 * start (at-least-once; receivers deduplicate by X-IOC-Delivery).
 *
 * Requests: POST, the body of notify_body, no redirects followed, http and https only, no
 * proxy from the environment, at most 64 KiB of the answer read (the rest is not waited for:
 * a 2xx status with a longer body still counts as delivered).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "notify/notify.h"
#include "store/store.h"

#define RESPONSE_MAX (64 * 1024)
#define SCAN_MS 5000     /* a pass at least this often, kicked or not */
#define POLL_MAX_MS 1000 /* the longest wait in curl_multi_poll */
#define PRUNE_MS 3600000 /* done deliveries are pruned this often */
#define HEADS_MAX 10000  /* webhooks' heads read per pass */
#define DAY_MS 86400000LL

struct flight {
    CURL *e; /* NULL: a free slot */
    struct curl_slist *hdrs;
    struct ioc_buf body;
    int64_t id, webhook_id;
    int attempts; /* before this one */
    size_t got;   /* bytes of the answer read */
    int capped;   /* the answer was longer than RESPONSE_MAX */
    char err[CURL_ERROR_SIZE];
};

struct notify {
    struct notify_options o;
    struct store_conn *db;
    CURLM *multi;
    pthread_t thread;
    struct flight *fl; /* o.max_inflight slots */
    int inflight;
    int64_t next_scan_ms, next_prune_ms;
    atomic_int stop, kicked;
    atomic_ullong delivered, failed, dead;
    atomic_llong queued, in_flight;
};

static int64_t now_ms(struct notify *n)
{
    return n->o.now_ms ? n->o.now_ms(n->o.now_ctx) : ioc_now_ms();
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- recording an attempt (on the writer thread) -------------------------------------------- */

struct attempt {
    int64_t id, next_at, now;
    const char *state;
    int attempts, status;
    char error[256];
};

static int attempt_job(struct store_conn *w, void *arg)
{
    struct attempt *a = arg;
    return store_delivery_attempted(w, a->id, a->state, a->attempts, a->next_at, a->status,
                                    a->error, a->now);
}

static void record(struct notify *n, int64_t id, int attempts, int ok, int status,
                   const char *error)
{
    struct attempt a = {.id = id, .now = now_ms(n), .attempts = attempts + 1, .status = status};
    snprintf(a.error, sizeof a.error, "%s", ok ? "" : error);
    if (ok) {
        a.state = "done";
        atomic_fetch_add(&n->delivered, 1);
    } else if (a.attempts >= n->o.max_attempts) {
        a.state = "dead";
        atomic_fetch_add(&n->dead, 1);
    } else {
        double jitter = (double)randombytes_random() / 4294967296.0;
        a.state = "queued";
        a.next_at =
            a.now + notify_backoff_ms(a.attempts, n->o.backoff_ms, n->o.backoff_max_ms, jitter);
        atomic_fetch_add(&n->failed, 1);
    }
    int rc;
    /* a full writer queue is waited out (briefly): an attempt not recorded is made again */
    for (int i = 0; (rc = store_writer_run(n->o.store, attempt_job, &a)) == IOC_EBUSY && i < 100 &&
                    !atomic_load(&n->stop);
         i++)
        usleep(10000);
    if (rc)
        ioc_log(IOC_LOG_WARN, "webhooks: delivery %lld: cannot record its attempt: %s",
                (long long)id, ioc_strerror(rc));
    else if (!ok)
        ioc_log(IOC_LOG_INFO, "webhooks: delivery %lld failed (attempt %d): %s -> %s",
                (long long)id, a.attempts, a.error, a.state);
}

static int prune_job(struct store_conn *w, void *arg)
{
    return store_deliveries_prune(w, *(int64_t *)arg, NULL);
}

/* ---- requests -------------------------------------------------------------------------------- */

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    (void)p;
    struct flight *f = arg;
    size_t k = size * nmemb;
    f->got += k;
    if (f->got > RESPONSE_MAX) {
        f->capped = 1;
        return 0; /* ends the transfer */
    }
    return k;
}

static void flight_free(struct notify *n, struct flight *f)
{
    if (f->e) {
        curl_multi_remove_handle(n->multi, f->e);
        curl_easy_cleanup(f->e);
        n->inflight--;
        atomic_store(&n->in_flight, n->inflight);
    }
    curl_slist_free_all(f->hdrs);
    ioc_buf_free(&f->body);
    memset(f, 0, sizeof *f);
}

static int add_header(struct flight *f, const char *name, const char *v)
{
    char line[256];
    snprintf(line, sizeof line, "%s:%s%s", name, *v ? " " : "", v);
    struct curl_slist *l = curl_slist_append(f->hdrs, line);
    if (!l)
        return IOC_ENOMEM;
    f->hdrs = l;
    return 0;
}

/* Prepares the request of d into the free slot f; 0 or an error (f left to flight_free). */
static int flight_setup(struct notify *n, struct flight *f, const struct store_delivery *d)
{
    memset(f, 0, sizeof *f);
    ioc_buf_init(&f->body, 0);
    f->id = d->id;
    f->webhook_id = d->webhook_id;
    f->attempts = d->attempts;
    int rc = notify_body(&f->body, d->id, d->type, d->created_ms, d->data);
    if (rc)
        return rc;
    char ts[24], id[24], sig[7 + 64 + 1];
    int64_t t = now_ms(n) / 1000;
    snprintf(ts, sizeof ts, "%lld", (long long)t);
    snprintf(id, sizeof id, "%lld", (long long)d->id);
    if ((rc = notify_sign(d->secret, t, f->body.data, f->body.len, sig)) != 0)
        return rc;
    if (add_header(f, "Content-Type", "application/json") ||
        add_header(f, "X-IOC-Event", d->type) || add_header(f, "X-IOC-Delivery", id) ||
        add_header(f, "X-IOC-Timestamp", ts) || add_header(f, "X-IOC-Signature", sig) ||
        add_header(f, "Expect", "") || add_header(f, "User-Agent", "ioc-webhooks/1"))
        return IOC_ENOMEM;
    CURL *e = curl_easy_init();
    if (!e)
        return IOC_ENOMEM;
    f->e = e;
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, d->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)n->o.timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, f->body.data) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)f->body.len) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->hdrs) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, f) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->err) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, f) != CURLE_OK;
    if (bad) {
        curl_easy_cleanup(e);
        f->e = NULL;
        return IOC_EINVAL;
    }
    if (curl_multi_add_handle(n->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        f->e = NULL;
        return IOC_ENOMEM;
    }
    n->inflight++;
    atomic_store(&n->in_flight, n->inflight);
    return 0;
}

static void start(struct notify *n, const struct store_delivery *d)
{
    struct flight *f = NULL;
    for (int i = 0; i < n->o.max_inflight && !f; i++)
        if (!n->fl[i].e)
            f = &n->fl[i];
    if (!f)
        return;
    int rc = flight_setup(n, f, d);
    if (rc) {
        flight_free(n, f);
        record(n, d->id, d->attempts, 0, 0,
               rc == IOC_EINVAL ? "the URL cannot be requested" : ioc_strerror(rc));
    }
}

static void finish(struct notify *n, struct flight *f, CURLcode res)
{
    long code = 0; /* the receiver's answer (CURLINFO_RESPONSE_CODE), 0 for none */
    curl_easy_getinfo(f->e, CURLINFO_RESPONSE_CODE, &code);
    int answered = res == CURLE_OK || (res == CURLE_WRITE_ERROR && f->capped);
    int ok = answered && code >= 200 && code < 300;
    char why[256];
    if (ok)
        why[0] = 0;
    else if (answered)
        snprintf(why, sizeof why, "HTTP status %ld", code);
    else
        snprintf(why, sizeof why, "%s", f->err[0] ? f->err : curl_easy_strerror(res));
    int64_t id = f->id;
    int attempts = f->attempts;
    flight_free(n, f);
    record(n, id, attempts, ok, (int)code, why);
}

/* ---- the thread ------------------------------------------------------------------------------ */

static int flying(struct notify *n, int64_t webhook_id)
{
    for (int i = 0; i < n->o.max_inflight; i++)
        if (n->fl[i].e && n->fl[i].webhook_id == webhook_id)
            return 1;
    return 0;
}

/* Starts the due heads that may start; sets next_scan_ms to the soonest one not due. */
static void scan(struct notify *n)
{
    struct store_delivery *d = NULL;
    size_t nd = 0;
    int64_t t = now_ms(n), next = t + SCAN_MS, q = 0;
    int rc = store_deliveries_heads(n->db, HEADS_MAX, &d, &nd);
    if (rc)
        ioc_log(IOC_LOG_WARN, "webhooks: cannot read the queue: %s", ioc_strerror(rc));
    for (size_t i = 0; i < nd && !atomic_load(&n->stop); i++) {
        if (flying(n, d[i].webhook_id))
            continue;
        if (d[i].next_at_ms > t) {
            if (d[i].next_at_ms < next)
                next = d[i].next_at_ms;
            continue;
        }
        if (n->inflight < n->o.max_inflight)
            start(n, &d[i]);
    }
    store_deliveries_free(d, nd);
    if (store_deliveries_count(n->db, "queued", &q) == 0)
        atomic_store(&n->queued, q);
    n->next_scan_ms = next;
}

static void *deliver_main(void *arg)
{
    struct notify *n = arg;
    while (!atomic_load(&n->stop)) {
        int64_t t = now_ms(n);
        if (t >= n->next_prune_ms) {
            int64_t before = t - (int64_t)n->o.keep_days * DAY_MS;
            store_writer_run(n->o.store, prune_job, &before);
            n->next_prune_ms = t + PRUNE_MS;
        }
        if (atomic_exchange(&n->kicked, 0) || t >= n->next_scan_ms)
            scan(n);
        int running = 0;
        curl_multi_perform(n->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct flight *f = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&f);
            if (f) {
                finish(n, f, m->data.result);
                n->next_scan_ms = 0; /* its webhook's next delivery may go */
            }
        }
        if (n->next_scan_ms <= now_ms(n) || atomic_load(&n->kicked))
            continue;
        int64_t wait = n->next_scan_ms - now_ms(n);
        curl_multi_poll(n->multi, NULL, 0, (int)(wait < POLL_MAX_MS ? wait : POLL_MAX_MS), NULL);
    }
    for (int i = 0; i < n->o.max_inflight; i++)
        flight_free(n, &n->fl[i]); /* abandoned: they stay queued */
    return NULL;
}

int notify_start(const struct notify_options *o, struct notify **out)
{
    if (!o || !o->store || o->max_inflight < 1 || o->max_attempts < 1)
        return IOC_EINVAL;
    pthread_once(&curl_once, curl_init);
    struct notify *n = calloc(1, sizeof *n);
    if (!n)
        return IOC_ENOMEM;
    n->o = *o;
    if (n->o.timeout_ms <= 0)
        n->o.timeout_ms = 10000;
    if (n->o.keep_days <= 0)
        n->o.keep_days = 7;
    int rc = IOC_ENOMEM;
    n->fl = calloc((size_t)o->max_inflight, sizeof *n->fl);
    n->multi = curl_multi_init();
    if (!n->fl || !n->multi || (rc = store_conn_open(o->store, 1, &n->db)) != 0 ||
        (rc = pthread_create(&n->thread, NULL, deliver_main, n) != 0 ? IOC_EIO : 0) != 0) {
        store_conn_close(n->db);
        if (n->multi)
            curl_multi_cleanup(n->multi);
        free(n->fl);
        free(n);
        return rc ? rc : IOC_ENOMEM;
    }
    *out = n;
    return 0;
}

void notify_kick(struct notify *n)
{
    if (!n)
        return;
    atomic_store(&n->kicked, 1);
    curl_multi_wakeup(n->multi);
}

void notify_stop(struct notify *n)
{
    if (!n)
        return;
    atomic_store(&n->stop, 1);
    curl_multi_wakeup(n->multi);
    pthread_join(n->thread, NULL);
    curl_multi_cleanup(n->multi);
    store_conn_close(n->db);
    free(n->fl);
    free(n);
}

int notify_metrics(struct notify *n, struct ioc_buf *b)
{
    if (!n)
        return 0;
    int rc = ioc_buf_printf(
        b,
        "# HELP ioc_webhook_attempts_total Webhook delivery attempts by outcome (failed: to be "
        "retried; dead: the last one allowed).\n"
        "# TYPE ioc_webhook_attempts_total counter\n"
        "ioc_webhook_attempts_total{outcome=\"delivered\"} %llu\n"
        "ioc_webhook_attempts_total{outcome=\"failed\"} %llu\n"
        "ioc_webhook_attempts_total{outcome=\"dead\"} %llu\n"
        "# HELP ioc_webhook_inflight Webhook deliveries in flight.\n"
        "# TYPE ioc_webhook_inflight gauge\n"
        "ioc_webhook_inflight %lld\n"
        "# HELP ioc_webhook_queued Webhook deliveries queued (as of the last pass).\n"
        "# TYPE ioc_webhook_queued gauge\n"
        "ioc_webhook_queued %lld\n",
        (unsigned long long)atomic_load(&n->delivered), (unsigned long long)atomic_load(&n->failed),
        (unsigned long long)atomic_load(&n->dead), (long long)atomic_load(&n->in_flight),
        (long long)atomic_load(&n->queued));
    return rc ? IOC_ENOMEM : 0;
}
