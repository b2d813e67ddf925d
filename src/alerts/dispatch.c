/*
 * dispatch.c — which rules see which points. The built-in telemetry types (threshold, no_data,
 * rate) only ever match points of their target's measurement and field, so the rules of those
 * types are indexed by "measurement field" when they are loaded; a batch is cut into one run of
 * points per measurement and field (each run in the batch's order), and each indexed rule is
 * called with its run only. Rules of other types that take points (registered by other modules:
 * their targets are theirs) are indexed the same way by the measurements (and fields) their type
 * declares (alerts_type.listens; "measurement" alone: each of its fields' runs), and see the
 * whole batch when it declares nothing. Rules are still called in the order of their ids, each
 * with its points in the order they came (a rule of several series names: one call per run), so
 * the conditions are the ones a call of every rule with the whole batch would report: only the
 * work is less (issue 20: 5,000 rules against 100,000 points/s).
 */
#include "alerts/alerts_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdb/tsdb.h"

#define GROUPS_MAX 256 /* series names (measurement, field) of a batch grouped; more: no index */

struct meas_rules { /* the item of index.by_meas */
    size_t *idx;    /* indexes into a->rules, ascending */
    size_t n, cap;
};

struct alerts_group {
    const unsigned char *mf; /* varint(len) measurement varint(len) field: a key's start */
    size_t mflen, count, at;
};

struct alerts_call {
    size_t rule, group; /* group SIZE_MAX: the whole batch */
};

static int push_idx(size_t **v, size_t *n, size_t *cap, size_t x)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        size_t *nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = x;
    return 0;
}

void alerts_index_free(struct alerts_index *x)
{
    struct alerts_map *maps[] = {&x->by_meas, &x->by_m};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < maps[k]->cap; i++) {
            struct meas_rules *r = maps[k]->tab[i].item;
            if (r)
                free(r->idx);
        }
        alerts_map_free(maps[k]);
    }
    free(x->unindexed);
    x->unindexed = NULL;
    x->nunindexed = x->unindexed_cap = 0;
    x->ok = 0;
}

static void index_scratch_free(struct alerts_index *x)
{
    free(x->scratch);
    free(x->gi);
    free(x->groups);
    free(x->calls);
    x->scratch = NULL;
    x->gi = NULL;
    x->groups = NULL;
    x->calls = NULL;
    x->scratch_cap = x->gi_cap = x->calls_cap = 0;
}

void alerts_index_destroy(struct alerts_index *x)
{
    alerts_index_free(x);
    index_scratch_free(x);
}

static int builtin(const struct alerts_type *t)
{
    return t == &alerts_type_threshold || t == &alerts_type_no_data || t == &alerts_type_rate;
}

/* Rule i listed under key in map m. -1 without memory. */
static int index_add(struct alerts_map *m, const char *key, size_t i)
{
    struct meas_rules *mr = alerts_map_get(m, key, 1);
    return mr ? push_idx(&mr->idx, &mr->n, &mr->cap, i) : -1;
}

static int name_ok(const char *s)
{
    return s && *s && strlen(s) < 128;
}

/* The series names rule r listens to: a built-in type's target, or what the type declares.
 * Their number (0: every point). */
static size_t listens(const struct alerts_rule_rt *r, const char **m, const char **f, json_t **tg)
{
    size_t k = 0;
    *tg = NULL;
    if (builtin(r->t)) {
        if ((*tg = json_loads(r->r.target, 0, NULL)) != NULL) {
            m[0] = json_string_value(json_object_get(*tg, "measurement"));
            f[0] = json_string_value(json_object_get(*tg, "field"));
            k = name_ok(m[0]) && name_ok(f[0]);
        }
    } else if (r->t->listens) {
        k = r->t->listens(r->state, m, f, ALERTS_LISTEN_MAX);
        if (k > ALERTS_LISTEN_MAX)
            k = 0;
        for (size_t j = 0; j < k; j++)
            if (!name_ok(m[j]) || (f[j] && *f[j] && !name_ok(f[j])))
                k = 0;
    }
    return k;
}

void alerts_index_build(struct alerts *a)
{
    struct alerts_index *x = &a->index;
    alerts_index_free(x);
    alerts_map_init(&x->by_meas, sizeof(struct meas_rules));
    alerts_map_init(&x->by_m, sizeof(struct meas_rules));
    for (size_t i = 0; i < a->nrules; i++) {
        const struct alerts_rule_rt *r = &a->rules[i];
        if (!r->t->points)
            continue;
        const char *m[ALERTS_LISTEN_MAX] = {0}, *f[ALERTS_LISTEN_MAX] = {0};
        json_t *tg;
        size_t k = listens(r, m, f, &tg);
        int rc = k ? 0 : push_idx(&x->unindexed, &x->nunindexed, &x->unindexed_cap, i);
        char mf[260];
        for (size_t j = 0; j < k && rc == 0; j++) {
            snprintf(mf, sizeof mf, f[j] && *f[j] ? "%s %s" : "%s", m[j], f[j]);
            rc = index_add(f[j] && *f[j] ? &x->by_meas : &x->by_m, mf, i);
        }
        json_decref(tg);
        if (rc) { /* out of memory: no index, every rule sees every point */
            alerts_index_free(x);
            return;
        }
    }
    x->ok = 1;
}

static int call_cmp(const void *p, const void *q)
{
    const struct alerts_call *x = p, *y = q;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* Every rule that takes points, with the whole batch (no index, or too many measurements). */
static void everyone(struct alerts *a, const struct tsdb_point_in *p, size_t n, int64_t now_ms)
{
    for (size_t i = 0; i < a->nrules; i++)
        if (a->rules[i].t->points)
            alerts_rule_points(a, &a->rules[i], p, n, now_ms);
}

static int ensure(void **v, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < want)
        c *= 2;
    void *nv = realloc(*v, c * size);
    if (!nv)
        return -1;
    *v = nv;
    *cap = c;
    return 0;
}

/* Steps 1 and 2: x->groups (the batch's measurement-and-field runs) and x->scratch (each run's
 * points together, in the batch's order). The number of runs, or SIZE_MAX when there are more
 * than GROUPS_MAX (then every rule gets the whole batch). */
static size_t group_points(struct alerts_index *x, const struct tsdb_point_in *p, size_t n)
{
    /* 1. the measurement and field of each point (a key starts with varint(len) measurement
     * varint(len) field: names of the built-in types' targets are shorter than 128 bytes) */
    struct alerts_group *g = x->groups;
    size_t ng = 0, last = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *k = p[i].key;
        size_t len = p[i].key_len;
        x->gi[i] = SIZE_MAX;
        if (len < 2 || k[0] >= 128 || len < 2 + (size_t)k[0] || k[1 + k[0]] >= 128 ||
            len < 2 + (size_t)k[0] + k[1 + k[0]])
            continue; /* no built-in rule can match it */
        size_t ml = 2 + (size_t)k[0] + k[1 + k[0]];
        if (last == SIZE_MAX || g[last].mflen != ml || memcmp(g[last].mf, k, ml) != 0) {
            last = SIZE_MAX;
            for (size_t j = 0; j < ng && last == SIZE_MAX; j++)
                if (g[j].mflen == ml && memcmp(g[j].mf, k, ml) == 0)
                    last = j;
            if (last == SIZE_MAX) {
                if (ng == GROUPS_MAX)
                    return SIZE_MAX;
                g[ng] = (struct alerts_group){k, ml, 0, 0};
                last = ng++;
            }
        }
        g[last].count++;
        x->gi[i] = last;
    }
    /* 2. each measurement's points together, in the batch's order */
    for (size_t j = 0, at = 0; j < ng; j++) {
        g[j].at = at;
        at += g[j].count;
        g[j].count = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (x->gi[i] != SIZE_MAX) {
            struct alerts_group *h = &g[x->gi[i]];
            x->scratch[h->at + h->count++] = p[i];
        }
    return ng;
}

/* Step 3: into x->calls the rules to call (indexed ones with their run, the others with the
 * whole batch), nt their number. -1 without memory. */
static int rules_to_call(struct alerts_index *x, size_t ng, size_t *count)
{
    struct alerts_group *g = x->groups;
    /* 3. the rules to call, in the order of the rules (their ids) */
    size_t nt = 0;
    char name[260];
    for (size_t j = 0; j < ng; j++) { /* "measurement field" */
        size_t ml = g[j].mf[0], fl = g[j].mf[1 + ml];
        memcpy(name, g[j].mf + 1, ml);
        name[ml] = ' ';
        memcpy(name + ml + 1, g[j].mf + 2 + ml, fl);
        name[ml + 1 + fl] = 0;
        for (int by_m = 0; by_m < 2; by_m++) { /* "measurement field", then "measurement" */
            if (by_m)
                name[ml] = 0;
            const struct meas_rules *mr = alerts_map_get(by_m ? &x->by_m : &x->by_meas, name, 0);
            if (!mr)
                continue;
            if (ensure((void **)&x->calls, &x->calls_cap, nt + mr->n, sizeof *x->calls))
                return -1;
            for (size_t k = 0; k < mr->n; k++)
                x->calls[nt++] = (struct alerts_call){mr->idx[k], j};
        }
    }
    if (ensure((void **)&x->calls, &x->calls_cap, nt + x->nunindexed, sizeof *x->calls))
        return -1;
    for (size_t k = 0; k < x->nunindexed; k++)
        x->calls[nt++] = (struct alerts_call){x->unindexed[k], SIZE_MAX};
    if (ng > 1 || x->nunindexed || x->by_m.used) {
        qsort(x->calls, nt, sizeof *x->calls, call_cmp);
        size_t u = 0; /* a rule listening to a series name twice: called once */
        for (size_t k = 0; k < nt; k++)
            if (!u || call_cmp(&x->calls[u - 1], &x->calls[k]) != 0)
                x->calls[u++] = x->calls[k];
        nt = u;
    }
    *count = nt;
    return 0;
}

void alerts_dispatch_points(struct alerts *a, const struct tsdb_point_in *p, size_t n,
                            int64_t now_ms)
{
    struct alerts_index *x = &a->index;
    if (!n || !a->nrules)
        return;
    if (!x->ok) {
        everyone(a, p, n, now_ms);
        return;
    }
    if (ensure((void **)&x->scratch, &x->scratch_cap, n, sizeof *x->scratch) ||
        ensure((void **)&x->gi, &x->gi_cap, n, sizeof *x->gi)) {
        everyone(a, p, n, now_ms);
        return;
    }
    if (!x->groups && !(x->groups = malloc(GROUPS_MAX * sizeof *x->groups))) {
        everyone(a, p, n, now_ms);
        return;
    }
    size_t ng = group_points(x, p, n), nt = 0;
    if (ng == SIZE_MAX || rules_to_call(x, ng, &nt) != 0) {
        everyone(a, p, n, now_ms);
        return;
    }
    struct alerts_group *g = x->groups;
    for (size_t k = 0; k < nt; k++) {
        const struct alerts_call *t = &x->calls[k];
        if (t->group == SIZE_MAX)
            alerts_rule_points(a, &a->rules[t->rule], p, n, now_ms);
        else
            alerts_rule_points(a, &a->rules[t->rule], x->scratch + g[t->group].at,
                               g[t->group].count, now_ms);
    }
}
