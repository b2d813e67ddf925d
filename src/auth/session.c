/*
 * session.c — how long a session lives: its absolute end and its idle timeout.
 *
 * The rule (auth_session_state): a session whose last recorded use is seen_ms is idle once
 * now_ms - seen_ms >= idle_ms; an idle session has ended, like an expired one. A use is
 * recorded ("touched") only when the recorded one is at least auth_session_touch_every_ms old,
 * so a busy session costs one small writer job per interval, not one per request.
 *
 * Invariants
 *   1. An event loop never waits here on the writer: jobs are queued (store_writer_submit) and
 *      forgotten; their memory is freed by their done callback on the writer thread.
 *   2. The table of touches in flight (struct auth_sessions) has a fixed number of slots and is
 *      guarded by a mutex held only for a few loads and stores, never across I/O. A slot holds
 *      (session id, when its touch was queued); a touch is not queued again for a session whose
 *      slot says one was queued less than an interval ago. Two sessions sharing a slot at worst
 *      each queue one extra touch.
 *   3. Recorded uses never move back (store_session_touch), and a session is deleted only if
 *      it is still idle when the job runs (store_session_delete_idle), so a late or repeated
 *      job is harmless and only the job that deleted the row writes the audit row.
 */
#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOUCH_EVERY_MAX_MS 60000
#define SLOTS 1024

struct slot {
    int64_t id; /* 0: free */
    int64_t queued_ms;
};

struct auth_sessions {
    int64_t idle_ms;
    pthread_mutex_t lock;
    struct slot slots[SLOTS];
};

int64_t auth_session_touch_every_ms(int64_t idle_ms)
{
    if (idle_ms <= 0)
        return 0;
    int64_t every = idle_ms / 10;
    return every > TOUCH_EVERY_MAX_MS ? TOUCH_EVERY_MAX_MS : every;
}

int auth_session_state(int64_t idle_ms, int64_t seen_ms, int64_t now_ms)
{
    if (idle_ms <= 0)
        return AUTH_SESSION_LIVE;
    int64_t unused = now_ms - seen_ms;
    if (unused >= idle_ms)
        return AUTH_SESSION_IDLE;
    return unused >= auth_session_touch_every_ms(idle_ms) ? AUTH_SESSION_TOUCH : AUTH_SESSION_LIVE;
}

int64_t auth_session_idle_end(int64_t idle_ms, int64_t seen_ms, int64_t expires_ms)
{
    if (idle_ms <= 0)
        return 0;
    int64_t end = seen_ms + idle_ms;
    return end < expires_ms ? end : expires_ms;
}

int auth_sessions_create(int64_t idle_ms, struct auth_sessions **out)
{
    struct auth_sessions *s = calloc(1, sizeof *s);
    if (!s)
        return IOC_ENOMEM;
    s->idle_ms = idle_ms > 0 ? idle_ms : 0;
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

void auth_sessions_destroy(struct auth_sessions *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* 1 if the caller should queue a touch of id now (the slot then records it); else 0 with
 * *queued_ms set to when the touch in flight was queued. */
static int claim_touch(struct auth_sessions *s, int64_t id, int64_t now_ms, int64_t *queued_ms)
{
    int64_t every = auth_session_touch_every_ms(s->idle_ms);
    struct slot *sl = &s->slots[(uint64_t)id % SLOTS];
    pthread_mutex_lock(&s->lock);
    int due = sl->id != id || now_ms - sl->queued_ms >= every || now_ms < sl->queued_ms;
    if (due) {
        sl->id = id;
        sl->queued_ms = now_ms;
    } else {
        *queued_ms = sl->queued_ms;
    }
    pthread_mutex_unlock(&s->lock);
    return due;
}

/* Forgets a claimed touch that could not be queued, so that the next request tries again. */
static void release_touch(struct auth_sessions *s, int64_t id, int64_t now_ms)
{
    struct slot *sl = &s->slots[(uint64_t)id % SLOTS];
    pthread_mutex_lock(&s->lock);
    if (sl->id == id && sl->queued_ms == now_ms)
        sl->id = 0;
    pthread_mutex_unlock(&s->lock);
}

int auth_session_touch_job(struct store_conn *w, void *job)
{
    const struct auth_session_job *j = job;
    return store_session_touch(w, j->session_id, j->now_ms);
}

int auth_session_end_job(struct store_conn *w, void *job)
{
    const struct auth_session_job *j = job;
    int rc = store_session_delete_idle(w, j->session_id, j->user_id, j->now_ms - j->idle_ms);
    if (rc == IOC_ENOTFOUND) /* already ended, or used again meanwhile */
        return 0;
    if (rc)
        return rc;
    char target[160], detail[64];
    snprintf(target, sizeof target, "user:%s", j->username);
    snprintf(detail, sizeof detail, "idle for %lld s or more", (long long)(j->idle_ms / 1000));
    struct store_audit a = {0};
    a.ts_ms = j->now_ms;
    a.actor = (char *)j->username;
    a.actor_role = (char *)j->role;
    a.agency_id = j->agency_id;
    a.action = "session.expire";
    a.target = target;
    a.ip = (char *)j->ip;
    a.outcome = "ok";
    a.request_id = "";
    a.detail = detail;
    return store_audit_add(w, &a);
}

static void job_done(void *job, int rc)
{
    (void)rc; /* a lost touch is retried by a later request; a lost end, by the next login */
    free(job);
}

/* Queues fn on st's writer for the session of p. IOC_ENOMEM or the writer's refusal. */
static int queue(struct store *st, store_job_fn fn, const struct auth_principal *p, int64_t now_ms,
                 int64_t idle_ms, const char *ip)
{
    struct auth_session_job *j = calloc(1, sizeof *j);
    if (!j)
        return IOC_ENOMEM;
    j->session_id = p->session_id;
    j->user_id = p->user_id;
    j->agency_id = p->agency_id;
    j->now_ms = now_ms;
    j->idle_ms = idle_ms;
    snprintf(j->username, sizeof j->username, "%s", p->name);
    snprintf(j->role, sizeof j->role, "%s", auth_role_name(p->role));
    snprintf(j->ip, sizeof j->ip, "%s", ip ? ip : "");
    int rc = store_writer_submit(st, fn, job_done, j);
    if (rc)
        free(j);
    return rc;
}

int auth_session_use(struct auth_sessions *s, struct store *st, struct auth_principal *p,
                     int64_t now_ms, const char *ip)
{
    if (p->kind != AUTH_USER || !s)
        return 0;
    int state = auth_session_state(s->idle_ms, p->session_seen_ms, now_ms);
    if (state == AUTH_SESSION_IDLE) {
        /* ended whether or not the deletion can be queued: a later request or login retries */
        queue(st, auth_session_end_job, p, now_ms, s->idle_ms, ip);
        memset(p, 0, sizeof *p);
        return IOC_ENOTFOUND;
    }
    int64_t queued = 0;
    if (state == AUTH_SESSION_TOUCH && claim_touch(s, p->session_id, now_ms, &queued)) {
        if (queue(st, auth_session_touch_job, p, now_ms, s->idle_ms, ip) == 0)
            p->session_seen_ms = now_ms;
        else
            release_touch(s, p->session_id, now_ms);
    } else if (queued > p->session_seen_ms) { /* a touch in flight records this use too */
        p->session_seen_ms = queued;
    }
    p->session_idle_end_ms =
        auth_session_idle_end(s->idle_ms, p->session_seen_ms, p->session_expires_ms);
    return 0;
}
