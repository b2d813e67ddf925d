/*
 * engine.c — the evaluator: one thread owns every rule's state (no lock on the hot path). The
 * telemetry observer (on the ingest thread, under its lock) copies the points of a durable
 * batch into a bounded queue and returns; alerts_signal queues a fact the same way; a tick
 * runs once a second of the injectable clock. The conditions the types report go through the
 * edge detector here (one entry per rule and target): a condition that starts to hold fires,
 * one that stops holding resolves its open alert by the data; an open alert not acknowledged
 * within its rule's escalate_after_s is escalated once per period. The changes themselves are
 * life.c's.
 *
 * Rules changed by another process (iocctl rules import) move the store's rules generation,
 * which the tick compares with the one of the rules loaded: the engine reloads them within a
 * second of the commit.
 *
 * Manual mode (tests): no thread and no observer; the caller calls alerts_eval_* with its own
 * now, and every change is written before the call returns.
 */
#include "alerts/alerts_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

struct alerts_batch {
    struct alerts_batch *next;
    size_t n;
    struct tsdb_point_in *pts; /* keys point into the same block */
};

enum msg_kind { MSG_SIGNAL, MSG_ACTED };
struct alerts_msg {
    struct alerts_msg *next;
    enum msg_kind kind;
    int64_t rule_id;
    int resolved;
    char *a, *b; /* signal: source, json; acted: target */
};
#define MSGS_MAX 10000

static int64_t wall_ms(void)
{
    return ioc_now_ms();
}

static int64_t now_of(const struct alerts *a)
{
    return a->o.now_ms ? a->o.now_ms() : wall_ms();
}

/* ---- types --------------------------------------------------------------------------------- */

static const struct alerts_type *const builtins[] = {&alerts_type_threshold, &alerts_type_no_data,
                                                     &alerts_type_rate};

const struct alerts_type *alerts_type_find(const struct alerts *a, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    for (int i = 0; a && i < a->ntypes; i++)
        if (strcmp(a->types[i]->name, name) == 0)
            return a->types[i];
    return NULL;
}

int alerts_register_type(struct alerts *a, const struct alerts_type *t)
{
    if (!a || !t || !t->name || !t->compile)
        return IOC_EINVAL;
    if (a->running)
        return IOC_EBUSY;
    if (alerts_type_find(a, t->name))
        return IOC_EEXIST;
    if (a->ntypes == ALERTS_TYPES_MAX)
        return IOC_ETOOBIG;
    a->types[a->ntypes++] = t;
    atomic_store(&a->reload, 1); /* rules of this type can compile now */
    return 0;
}

/* ---- rules --------------------------------------------------------------------------------- */

static void rules_free(struct alerts_rule_rt *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        if (r[i].t && r[i].t->release && r[i].state)
            r[i].t->release(r[i].state);
        store_alert_rule_clear(&r[i].r);
    }
    free(r);
}

static const struct alerts_rule_rt *rule_of(const struct alerts *a, int64_t id)
{
    size_t lo = 0, hi = a->nrules; /* by id, as loaded */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->rules[mid].r.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->nrules && a->rules[lo].r.id == id ? &a->rules[lo] : NULL;
}

static int id_cmp(const void *p, const void *q)
{
    int64_t x = *(const int64_t *)p, y = *(const int64_t *)q;
    return x < y ? -1 : x > y;
}

/* The entries of rules not enabled (ids: the enabled ones, ascending) are forgotten, and the
 * open alerts of those rules resolved (life.c asks the store: deleted or disabled). */
static void sweep(struct alerts *a, const int64_t *ids, size_t n, int64_t now_ms)
{
    int64_t *gone = NULL;
    size_t ng = 0, cap = 0;
    for (size_t i = 0; i < a->entries.cap; i++) {
        struct alerts_entry *e = a->entries.tab[i].item;
        if (!e || !e->rule_id || (n && bsearch(&e->rule_id, ids, n, sizeof *ids, id_cmp)))
            continue;
        size_t k = 0;
        while (e->open && k < ng && gone[k] != e->rule_id)
            k++;
        if (e->open && k == ng) {
            if (ng == cap) {
                size_t c = cap ? 2 * cap : 8;
                int64_t *nv = realloc(gone, c * sizeof *nv);
                if (nv)
                    gone = nv, cap = c;
            }
            if (ng < cap)
                gone[ng++] = e->rule_id;
            else /* no memory: at once (one job per entry, the later ones find nothing) */
                alerts_life_retire(a, e->rule_id, now_ms);
        }
        e->active = e->open = e->acked = 0;
    }
    for (size_t k = 0; k < ng; k++)
        alerts_life_retire(a, gone[k], now_ms);
    free(gone);
}

/* Compiles row into rt's type and state (a no_data rule also learns its series from the
 * telemetry engine). 0 or -1 (logged: the rule is not evaluated). */
static int compile(struct alerts *a, const struct store_alert_rule *row, struct alerts_rule_rt *rt)
{
    const struct alerts_type *t = alerts_type_find(a, row->type);
    json_t *tg = json_loads(row->target, 0, NULL);
    json_t *pa = json_loads(row->params, 0, NULL);
    char err[200];
    const char *field = NULL;
    void *state = NULL;
    int rc = !t || !json_is_object(tg) || !json_is_object(pa) ||
             t->compile(tg, pa, &state, err, sizeof err, &field) != 0;
    json_decref(tg);
    json_decref(pa);
    if (rc) {
        ioc_log(IOC_LOG_WARN, "alerts: rule %lld (type %s) is not evaluated", (long long)row->id,
                row->type);
        return -1;
    }
    int lrc = t == &alerts_type_no_data && a->o.ingest
                  ? alerts_no_data_learn(state, telemetry_ingest_db(a->o.ingest))
                  : 0;
    if (lrc)
        ioc_log(IOC_LOG_WARN, "alerts: rule %lld knows its series from their points only (%d)",
                (long long)row->id, lrc);
    rt->t = t;
    rt->state = state;
    return 0;
}

/* Reloads the enabled rules: a rule whose id and version are unchanged keeps its state. */
static void rules_load(struct alerts *a)
{
    struct store_alert_rule *rows = NULL;
    size_t n = 0;
    int64_t gen = 0; /* read first: a change between the two is seen again at the next tick */
    if (store_alert_rules_generation(a->rconn, &gen) != 0 ||
        store_alert_rules_list(a->rconn, NULL, 1, &rows, &n) != 0) {
        ioc_log(IOC_LOG_WARN, "alerts: rules could not be read; keeping the previous ones");
        atomic_store(&a->reload, 1);
        return;
    }
    struct alerts_rule_rt *nr = calloc(n ? n : 1, sizeof *nr);
    if (!nr) {
        store_alert_rules_free(rows, n);
        atomic_store(&a->reload, 1);
        return;
    }
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids); /* by id, as listed */
    if (!ids) {
        free(nr);
        store_alert_rules_free(rows, n);
        atomic_store(&a->reload, 1);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = rows[i].id;
    size_t k = 0;
    int any_points = 0;
    for (size_t i = 0; i < n; i++) {
        struct alerts_rule_rt *old = (struct alerts_rule_rt *)rule_of(a, rows[i].id);
        if (old && (old->r.version != rows[i].version || !old->state))
            old = NULL;
        if (old) { /* moved: the old array forgets it */
            nr[k].t = old->t;
            nr[k].state = old->state;
            old->state = NULL;
        } else if (compile(a, &rows[i], &nr[k]) != 0) {
            store_alert_rule_clear(&rows[i]);
            continue;
        }
        nr[k].r = rows[i];
        memset(&rows[i], 0, sizeof rows[i]);
        any_points |= nr[k].t->points != NULL;
        k++;
    }
    free(rows);
    a->rules_generation = gen;
    rules_free(a->rules, a->nrules);
    a->rules = nr;
    a->nrules = k;
    a->any_points = any_points;
    alerts_index_build(a);
    atomic_store(&a->observe_points, any_points);
    atomic_store(&a->rules_loaded, (unsigned long long)k);
    sweep(a, ids, n, now_of(a));
    free(ids);
}

/* Rules changed by another process (iocctl rules import): the store's generation moved. */
static void generation_check(struct alerts *a)
{
    int64_t gen = 0;
    if (store_alert_rules_generation(a->rconn, &gen) == 0 && gen != a->rules_generation)
        atomic_store(&a->reload, 1);
}

static void reload_if_asked(struct alerts *a)
{
    if (atomic_exchange(&a->reload, 0))
        rules_load(a);
}

/* ---- edges --------------------------------------------------------------------------------- */

static void entry_key(char *k, size_t size, int64_t rule_id, const char *target)
{
    snprintf(k, size, "%lld %s", (long long)rule_id, target);
}

/* The conditions rule r reported into a->out. */
static void process(struct alerts *a, const struct alerts_rule_rt *r, int64_t now_ms)
{
    char k[ALERTS_TARGET_MAX + 32];
    for (size_t i = 0; i < a->out.n; i++) {
        const struct alerts_cond *c = &a->out.v[i];
        entry_key(k, sizeof k, r->r.id, c->target);
        struct alerts_entry *e = alerts_map_get(&a->entries, k, c->active);
        if (!e) /* not active and never seen: nothing to do (or out of memory) */
            continue;
        if (!e->rule_id) {
            e->rule_id = r->r.id;
            snprintf(e->target, sizeof e->target, "%s", c->target);
        }
        if (c->active && !e->active) {
            e->active = 1;
            e->open = 1;
            e->acked = 0;
            e->base_ms = now_ms;
            alerts_life_fire(a, r, c, now_ms);
        } else if (!c->active && e->active) {
            e->active = 0;
            if (e->open)
                alerts_life_resolve(a, r->r.id, c->target, now_ms);
            e->open = 0;
        }
    }
    alerts_out_reset(&a->out);
}

/* The points of p[0..n) not older than max_age_s before now_ms, moved to the front of a copy
 * (*keep the count), or p itself when all are recent. NULL without memory. */
static const struct tsdb_point_in *recent(const struct alerts *a, const struct tsdb_point_in *p,
                                          size_t n, int64_t now_ms, struct tsdb_point_in **copy,
                                          size_t *keep)
{
    *copy = NULL;
    *keep = n;
    if (a->set.max_age_s <= 0)
        return p;
    int64_t oldest = (now_ms - (int64_t)a->set.max_age_s * 1000) * 1000000;
    size_t k = 0;
    while (k < n && p[k].t >= oldest)
        k++;
    if (k == n)
        return p;
    struct tsdb_point_in *c = malloc(n * sizeof *c);
    if (!c)
        return NULL;
    memcpy(c, p, k * sizeof *c);
    for (size_t i = k + 1; i < n; i++)
        if (p[i].t >= oldest)
            c[k++] = p[i];
    *copy = c;
    *keep = k;
    return c;
}

void alerts_rule_points(struct alerts *a, const struct alerts_rule_rt *r,
                        const struct tsdb_point_in *p, size_t n, int64_t now_ms)
{
    r->t->points(r->state, p, n, now_ms, &a->out);
    process(a, r, now_ms);
}

void alerts_eval_points(struct alerts *a, const struct tsdb_point_in *p, size_t n, int64_t now_ms)
{
    reload_if_asked(a);
    atomic_fetch_add(&a->points, n);
    struct tsdb_point_in *copy = NULL;
    p = recent(a, p, n, now_ms, &copy, &n);
    if (!p || n == 0) {
        free(copy);
        return;
    }
    alerts_dispatch_points(a, p, n, now_ms); /* each rule with the points it may match */
    free(copy);
}

void alerts_eval_signal(struct alerts *a, const char *source, const char *json, int64_t now_ms)
{
    reload_if_asked(a);
    atomic_fetch_add(&a->signals, 1);
    for (size_t i = 0; i < a->nrules; i++) {
        const struct alerts_rule_rt *r = &a->rules[i];
        if (!r->t->signal)
            continue;
        r->t->signal(r->state, source, json, now_ms, &a->out);
        process(a, r, now_ms);
    }
}

void alerts_eval_tick(struct alerts *a, int64_t now_ms)
{
    generation_check(a);
    reload_if_asked(a);
    for (size_t i = 0; i < a->nrules; i++) {
        const struct alerts_rule_rt *r = &a->rules[i];
        if (!r->t->tick)
            continue;
        r->t->tick(r->state, now_ms, &a->out);
        process(a, r, now_ms);
    }
    /* escalation: open, not acknowledged, a period passed */
    for (size_t i = 0; i < a->entries.cap; i++) {
        struct alerts_entry *e = a->entries.tab[i].item;
        if (!e || !e->open || e->acked)
            continue;
        const struct alerts_rule_rt *r = rule_of(a, e->rule_id);
        if (!r || r->r.escalate_after_s <= 0)
            continue;
        if (now_ms - e->base_ms >= r->r.escalate_after_s * 1000) {
            e->base_ms = now_ms;
            alerts_life_escalate(a, e->rule_id, e->target, now_ms);
        }
    }
}

static void acted(struct alerts *a, int64_t rule_id, const char *target, int resolved)
{
    char k[ALERTS_TARGET_MAX + 32];
    entry_key(k, sizeof k, rule_id, target);
    struct alerts_entry *e = alerts_map_get(&a->entries, k, 0);
    if (!e)
        return;
    if (resolved)
        e->open = 0; /* the condition must clear and come back to fire again */
    else
        e->acked = 1;
}

/* The open alerts (the state a restart must not forget): their entries, active and open. */
static int entries_load(struct alerts *a)
{
    struct store_alert *x = NULL;
    size_t n = 0;
    int rc = store_alerts_live(a->rconn, INT64_MAX, &x, &n);
    if (rc)
        return rc;
    char k[ALERTS_TARGET_MAX + 32];
    for (size_t i = 0; i < n; i++) {
        entry_key(k, sizeof k, x[i].rule_id, x[i].target);
        struct alerts_entry *e = alerts_map_get(&a->entries, k, 1);
        if (!e) {
            rc = IOC_ENOMEM;
            break;
        }
        e->rule_id = x[i].rule_id;
        snprintf(e->target, sizeof e->target, "%s", x[i].target);
        e->active = e->open = 1;
        e->acked = strcmp(x[i].state, "acknowledged") == 0;
        e->base_ms = x[i].escalated_ms ? x[i].escalated_ms : x[i].started_ms;
    }
    store_alerts_free(x, n);
    return rc;
}

/* ---- queues -------------------------------------------------------------------------------- */

static void observe(void *ctx, const struct tsdb_point_in *pts, size_t n,
                    const struct tsdb_write_report *rep)
{
    struct alerts *a = ctx;
    if (rep && rep->refused > 0 && rep->first_refused < n)
        n = rep->first_refused; /* the later ones may not be stored */
    if (!n || !atomic_load(&a->observe_points))
        return;
    pthread_mutex_lock(&a->lock);
    if (a->queued_points + n > (size_t)a->set.queue_points) {
        pthread_mutex_unlock(&a->lock);
        atomic_fetch_add(&a->dropped, n);
        return;
    }
    pthread_mutex_unlock(&a->lock);
    size_t keys = 0;
    for (size_t i = 0; i < n; i++)
        keys += pts[i].key_len;
    struct alerts_batch *b = malloc(sizeof *b + n * sizeof *b->pts + keys);
    if (!b) {
        atomic_fetch_add(&a->dropped, n);
        return;
    }
    b->next = NULL;
    b->n = n;
    b->pts = (struct tsdb_point_in *)(b + 1);
    unsigned char *kp = (unsigned char *)(b->pts + n);
    for (size_t i = 0; i < n; i++) {
        b->pts[i] = pts[i];
        memcpy(kp, pts[i].key, pts[i].key_len);
        b->pts[i].key = kp;
        kp += pts[i].key_len;
    }
    pthread_mutex_lock(&a->lock);
    if (a->btail)
        a->btail->next = b;
    else
        a->bhead = b;
    a->btail = b;
    a->queued_points += n;
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
}

static int push_msg(struct alerts *a, struct alerts_msg *m)
{
    pthread_mutex_lock(&a->lock);
    if (a->queued_msgs >= MSGS_MAX || a->stopping) {
        pthread_mutex_unlock(&a->lock);
        free(m->a);
        free(m->b);
        free(m);
        return -1;
    }
    if (a->mtail)
        a->mtail->next = m;
    else
        a->mhead = m;
    a->mtail = m;
    a->queued_msgs++;
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
    return 0;
}

void alerts_signal(struct alerts *a, const char *source, const char *json, size_t n)
{
    if (!a || !source || !json)
        return;
    struct alerts_msg *m = calloc(1, sizeof *m);
    if (m) {
        m->kind = MSG_SIGNAL;
        m->a = strdup(source);
        m->b = strndup(json, n);
    }
    if (!m || !m->a || !m->b || push_msg(a, m)) {
        if (m && (!m->a || !m->b)) {
            free(m->a);
            free(m->b);
            free(m);
        }
        atomic_fetch_add(&a->signals_dropped, 1);
    }
}

void alerts_acted(struct alerts *a, int64_t rule_id, const char *target_key, int resolved)
{
    if (!a || !target_key)
        return;
    if (a->o.manual) {
        acted(a, rule_id, target_key, resolved);
        return;
    }
    struct alerts_msg *m = calloc(1, sizeof *m);
    if (!m || !(m->a = strdup(target_key))) {
        free(m);
        return;
    }
    m->kind = MSG_ACTED;
    m->rule_id = rule_id;
    m->resolved = resolved;
    push_msg(a, m);
}

void alerts_rules_changed(struct alerts *a)
{
    if (!a)
        return;
    atomic_store(&a->reload, 1);
    pthread_mutex_lock(&a->lock);
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
}

/* ---- the thread ---------------------------------------------------------------------------- */

static void *run(void *arg)
{
    struct alerts *a = arg;
    int64_t next_tick = 0;
    pthread_mutex_lock(&a->lock);
    while (!a->stopping) {
        if (!a->bhead && !a->mhead && !atomic_load(&a->reload)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200 * 1000000L; /* the tick's clock may be injected: look often */
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&a->wake, &a->lock, &ts);
        }
        struct alerts_batch *b = a->bhead;
        struct alerts_msg *m = a->mhead;
        a->bhead = a->btail = NULL;
        a->mhead = a->mtail = NULL;
        a->queued_points = 0;
        a->queued_msgs = 0;
        a->busy = 1;
        pthread_mutex_unlock(&a->lock);
        int64_t now = now_of(a);
        while (b) {
            struct alerts_batch *next = b->next;
            alerts_eval_points(a, b->pts, b->n, now);
            free(b);
            b = next;
        }
        while (m) {
            struct alerts_msg *next = m->next;
            if (m->kind == MSG_SIGNAL)
                alerts_eval_signal(a, m->a, m->b, now);
            else
                acted(a, m->rule_id, m->a, m->resolved);
            free(m->a);
            free(m->b);
            free(m);
            m = next;
        }
        reload_if_asked(a);
        now = now_of(a);
        if (now >= next_tick) {
            alerts_eval_tick(a, now);
            next_tick = now + 1000;
        }
        pthread_mutex_lock(&a->lock);
        a->busy = 0;
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* ---- life of the engine -------------------------------------------------------------------- */

int alerts_create(const struct alerts_options *o, struct alerts **out)
{
    if (!o || !o->store)
        return IOC_EINVAL;
    struct alerts *a = calloc(1, sizeof *a);
    if (!a)
        return IOC_ENOMEM;
    a->o = *o;
    if (o->settings)
        a->set = *o->settings;
    else
        a->set = (struct alerts_settings){3600, 200000, 5000, 0};
    alerts_map_init(&a->entries, sizeof(struct alerts_entry));
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->wake, NULL);
    int rc = store_conn_open(o->store, 1, &a->rconn);
    if (rc == 0 && o->manual)
        rc = store_conn_open(o->store, 0, &a->wconn);
    if (rc == 0)
        rc = entries_load(a);
    if (rc) {
        alerts_stop(a);
        return rc;
    }
    atomic_store(&a->reload, 1);
    *out = a;
    return 0;
}

int alerts_registry_create(struct alerts **out)
{
    struct alerts *a = calloc(1, sizeof *a);
    if (!a)
        return IOC_ENOMEM;
    a->set = (struct alerts_settings){3600, 200000, 5000, 0};
    alerts_map_init(&a->entries, sizeof(struct alerts_entry));
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->wake, NULL);
    *out = a;
    return 0;
}

int alerts_run(struct alerts *a)
{
    reload_if_asked(a);
    a->running = 1;
    if (a->o.manual)
        return 0;
    if (pthread_create(&a->thread, NULL, run, a) != 0) {
        a->running = 0;
        return IOC_ENOMEM;
    }
    int rc = a->o.ingest ? telemetry_ingest_observe(a->o.ingest, observe, a) : 0;
    if (rc) {
        pthread_mutex_lock(&a->lock);
        a->stopping = 1;
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->thread, NULL);
        a->running = 0;
    }
    return rc;
}

int alerts_start(const struct alerts_options *o, struct alerts **out)
{
    struct alerts *a = NULL;
    int rc = alerts_create(o, &a);
    if (rc == 0 && (rc = alerts_run(a)) != 0) {
        alerts_stop(a);
        a = NULL;
    }
    if (rc == 0)
        *out = a;
    return rc;
}

void alerts_stop(struct alerts *a)
{
    if (!a)
        return;
    if (a->running && !a->o.manual) {
        telemetry_ingest_unobserve(a->o.ingest, observe, a);
        pthread_mutex_lock(&a->lock);
        a->stopping = 1;
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->thread, NULL);
    }
    /* changes still in the writer's queue hold a; wait for them (bounded: the writer drains) */
    for (int i = 0; i < 5000 && atomic_load(&a->completed) != atomic_load(&a->submitted); i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    while (a->bhead) {
        struct alerts_batch *b = a->bhead;
        a->bhead = b->next;
        free(b);
    }
    while (a->mhead) {
        struct alerts_msg *m = a->mhead;
        a->mhead = m->next;
        free(m->a);
        free(m->b);
        free(m);
    }
    rules_free(a->rules, a->nrules);
    alerts_index_destroy(&a->index);
    alerts_map_free(&a->entries);
    alerts_out_free(&a->out);
    store_conn_close(a->rconn);
    store_conn_close(a->wconn);
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

int alerts_flush(struct alerts *a, int timeout_ms)
{
    for (int waited = 0;; waited++) {
        pthread_mutex_lock(&a->lock);
        int idle = !a->bhead && !a->mhead && !a->busy;
        pthread_mutex_unlock(&a->lock);
        if (idle && atomic_load(&a->completed) == atomic_load(&a->submitted))
            return 0;
        if (waited >= timeout_ms)
            return IOC_EBUSY;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

void alerts_stats_get(struct alerts *a, struct alerts_stats *s)
{
    memset(s, 0, sizeof *s);
    if (!a)
        return;
    s->points = atomic_load(&a->points);
    s->dropped = atomic_load(&a->dropped);
    s->signals = atomic_load(&a->signals);
    s->signals_dropped = atomic_load(&a->signals_dropped);
    s->changes = atomic_load(&a->changes);
    s->failures = atomic_load(&a->failures);
    s->rules = (uint64_t)atomic_load(&a->rules_loaded);
}

int alerts_metrics(struct alerts *a, struct ioc_buf *b)
{
    if (!a)
        return 0;
    struct alerts_stats s;
    alerts_stats_get(a, &s);
    static const struct {
        const char *name, *type, *help;
    } rows[] = {
        {"ioc_alerts_points_total", "counter", "Telemetry points the alert engine evaluated."},
        {"ioc_alerts_points_dropped_total", "counter",
         "Points not evaluated: the engine's queue was full ([alerts] queue_points)."},
        {"ioc_alerts_signals_total", "counter", "Signals from other modules evaluated."},
        {"ioc_alerts_signals_dropped_total", "counter", "Signals not evaluated (queue full)."},
        {"ioc_alerts_changes_total", "counter", "Alert changes written (fired, resolved …)."},
        {"ioc_alerts_failures_total", "counter", "Alert changes that could not be written."},
        {"ioc_alerts_rules", "gauge", "Rules the engine evaluates."},
    };
    uint64_t v[] = {s.points,  s.dropped,  s.signals, s.signals_dropped,
                    s.changes, s.failures, s.rules};
    int rc = 0;
    for (size_t i = 0; i < IOC_ARRAY_LEN(rows) && rc == 0; i++)
        rc = ioc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", rows[i].name, rows[i].help,
                            rows[i].name, rows[i].type, rows[i].name, (unsigned long long)v[i]);
    return rc;
}
