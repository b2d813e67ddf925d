/*
 * types.c — the built-in rule types over telemetry, each one state per series key of its
 * target (docs/alerts.md "Types"):
 *
 *   threshold  the latest value of a series compared with params.value (op > >= < <=); with
 *              for_s > 0 the condition must have held that long (checked by the tick) before it
 *              is active;
 *   no_data    no point of a series for for_s seconds; a series is known from its first point
 *              after start, from the rule's target tags when they name one series, or from the
 *              telemetry engine's list of series when the rule is loaded (alerts_no_data_learn:
 *              a station silent since before a restart still alerts);
 *   rate       the change per minute over the last window_s seconds compared with params.value.
 *
 * The target of all three: {"measurement": "water", "field": "level", "tags": {"station":
 * "DN-W01"}} (tags: a filter, every one must be on the series). A condition's target key is the
 * series "measurement,tag=value,… field". Also here: the conditions list and the string map
 * the engine shares.
 */
#include "alerts/alerts_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"
#include "tsdb/tsdb.h"

/* ---- conditions ---------------------------------------------------------------------------- */

void alerts_out_condition(struct alerts_out *out, const char *target_key, int active, double value,
                          double lat, double lon, const char *summary_vi, const char *summary_en)
{
    if (!out || !target_key)
        return;
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 16;
        struct alerts_cond *v = realloc(out->v, cap * sizeof *v);
        if (!v) {
            out->failed = 1;
            return;
        }
        out->v = v;
        out->cap = cap;
    }
    struct alerts_cond *c = &out->v[out->n++];
    snprintf(c->target, sizeof c->target, "%s", target_key);
    c->active = active != 0;
    c->value = value;
    c->lat = lat;
    c->lon = lon;
    snprintf(c->summary_vi, sizeof c->summary_vi, "%s", summary_vi ? summary_vi : "");
    snprintf(c->summary_en, sizeof c->summary_en, "%s", summary_en ? summary_en : "");
    c->unit[0] = '\0';
}

void alerts_out_unit(struct alerts_out *out, const char *unit)
{
    if (out && out->n && unit)
        snprintf(out->v[out->n - 1].unit, sizeof out->v[out->n - 1].unit, "%s", unit);
}

void alerts_out_reset(struct alerts_out *o)
{
    o->n = 0;
    o->failed = 0;
}

void alerts_out_free(struct alerts_out *o)
{
    free(o->v);
    memset(o, 0, sizeof *o);
}

/* ---- the map ------------------------------------------------------------------------------- */

void alerts_map_init(struct alerts_map *m, size_t item_size)
{
    memset(m, 0, sizeof *m);
    m->item_size = item_size;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int grow(struct alerts_map *m)
{
    size_t cap = m->cap ? 2 * m->cap : 16;
    struct alerts_map_entry *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->tab[i].key)
            continue;
        size_t j = hash(m->tab[i].key) & (cap - 1);
        while (t[j].key)
            j = (j + 1) & (cap - 1);
        t[j] = m->tab[i];
    }
    free(m->tab);
    m->tab = t;
    m->cap = cap;
    return 0;
}

void *alerts_map_get(struct alerts_map *m, const char *key, int create)
{
    if (m->cap) {
        for (size_t j = hash(key) & (m->cap - 1); m->tab[j].key; j = (j + 1) & (m->cap - 1))
            if (strcmp(m->tab[j].key, key) == 0)
                return m->tab[j].item;
    }
    if (!create)
        return NULL;
    if ((m->used + 1) * 10 > m->cap * 7 && grow(m))
        return NULL;
    char *k = strdup(key);
    void *item = calloc(1, m->item_size);
    if (!k || !item) {
        free(k);
        free(item);
        return NULL;
    }
    size_t j = hash(key) & (m->cap - 1);
    while (m->tab[j].key)
        j = (j + 1) & (m->cap - 1);
    m->tab[j].key = k;
    m->tab[j].item = item;
    m->used++;
    return item;
}

void alerts_map_free(struct alerts_map *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->tab[i].key);
        free(m->tab[i].item);
    }
    free(m->tab);
    m->tab = NULL;
    m->cap = m->used = 0;
}

/* ---- the telemetry selector ------------------------------------------------------------------ */

#define SEL_TAGS 8
struct selector {
    char m[64], f[64];
    size_t mlen, flen;
    char tk[SEL_TAGS][64], tv[SEL_TAGS][128];
    size_t ntags;
};

static int bad(char *err, size_t errsz, const char **field, const char *f, const char *msg)
{
    snprintf(err, errsz, "%s", msg);
    *field = f;
    return IOC_EINVAL;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return 0;
    for (; *s; s++)
        if (*s == ',' || *s == ' ' || *s == '=' || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

static int tag_cmp(const void *x, const void *y)
{
    return strcmp(x, y);
}

static int selector_compile(const json_t *target, struct selector *s, char *err, size_t errsz,
                            const char **field)
{
    memset(s, 0, sizeof *s);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)target, k, v)
    {
        if (strcmp(k, "measurement") && strcmp(k, "field") && strcmp(k, "tags")) {
            *field = "target";
            snprintf(err, errsz, "Unknown field 'target.%.40s' (measurement, field, tags).", k);
            return IOC_EINVAL;
        }
    }
    json_t *m = json_object_get(target, "measurement"), *f = json_object_get(target, "field");
    if (!json_is_string(m) || !name_ok(json_string_value(m)))
        return bad(err, errsz, field, "target.measurement",
                   "'target.measurement' is required: a measurement's name.");
    if (!json_is_string(f) || !name_ok(json_string_value(f)))
        return bad(err, errsz, field, "target.field",
                   "'target.field' is required: a field's name.");
    snprintf(s->m, sizeof s->m, "%s", json_string_value(m));
    snprintf(s->f, sizeof s->f, "%s", json_string_value(f));
    s->mlen = strlen(s->m);
    s->flen = strlen(s->f);
    json_t *tags = json_object_get(target, "tags");
    if (tags && !json_is_null(tags)) {
        if (!json_is_object(tags) || json_object_size(tags) > SEL_TAGS)
            return bad(err, errsz, field, "target.tags",
                       "'target.tags' is an object of at most 8 tag values.");
        json_object_foreach(tags, k, v)
        {
            if (!name_ok(k) || !json_is_string(v) || !name_ok(json_string_value(v)) ||
                strlen(json_string_value(v)) > 127)
                return bad(err, errsz, field, "target.tags",
                           "Each tag of 'target.tags' is a name and a string value.");
            snprintf(s->tk[s->ntags], sizeof s->tk[0], "%s", k);
            snprintf(s->tv[s->ntags], sizeof s->tv[0], "%s", json_string_value(v));
            s->ntags++;
        }
        /* sorted by key, as series keys are (the arrays sort as pairs: keys are unique) */
        for (size_t i = 1; i < s->ntags; i++)
            for (size_t j = i; j > 0 && tag_cmp(s->tk[j - 1], s->tk[j]) > 0; j--) {
                char tk[64], tv[128];
                memcpy(tk, s->tk[j], sizeof tk);
                memcpy(tv, s->tv[j], sizeof tv);
                memcpy(s->tk[j], s->tk[j - 1], sizeof tk);
                memcpy(s->tv[j], s->tv[j - 1], sizeof tv);
                memcpy(s->tk[j - 1], tk, sizeof tk);
                memcpy(s->tv[j - 1], tv, sizeof tv);
            }
    }
    return 0;
}

/* 1 and the target key of p in key[ALERTS_TARGET_MAX + 1] if p's series passes s. */
static int selector_match(const struct selector *s, const struct tsdb_point_in *p, char *key)
{
    const unsigned char *k = p->key; /* varint(len) measurement …: see tsdb/series.c */
    if (p->key_len < s->mlen + 1 || s->mlen > 127 || k[0] != s->mlen ||
        memcmp(k + 1, s->m, s->mlen) != 0)
        return 0;
    struct tsdb_series_parts sp;
    if (tsdb_series_key_parse(p->key, p->key_len, &sp) != 0 || sp.flen != s->flen ||
        memcmp(sp.f, s->f, s->flen) != 0)
        return 0;
    struct tsdb_tag tag;
    size_t found = 0;
    /* the filter first (most series fail it), the key only for a series that passes */
    for (size_t t = 0; s->ntags && tsdb_series_parts_tag(&sp, t, &tag) == 0; t++) {
        for (size_t i = 0; i < s->ntags; i++)
            if (strlen(s->tk[i]) == tag.key_len && memcmp(s->tk[i], tag.key, tag.key_len) == 0) {
                if (strlen(s->tv[i]) != tag.value_len ||
                    memcmp(s->tv[i], tag.value, tag.value_len) != 0)
                    return 0;
                found++;
            }
    }
    if (found != s->ntags)
        return 0;
    size_t at = (size_t)snprintf(key, ALERTS_TARGET_MAX + 1, "%s", s->m);
    for (size_t t = 0; tsdb_series_parts_tag(&sp, t, &tag) == 0; t++) {
        if (at < ALERTS_TARGET_MAX)
            at += (size_t)snprintf(key + at, ALERTS_TARGET_MAX + 1 - at, ",%.*s=%.*s",
                                   (int)tag.key_len, tag.key, (int)tag.value_len, tag.value);
    }
    if (at >= ALERTS_TARGET_MAX)
        return 0;
    snprintf(key + at, ALERTS_TARGET_MAX + 1 - at, " %s", s->f);
    return 1;
}

/* The target key the filter tags name as one series. */
static void selector_key(const struct selector *s, char *key)
{
    size_t at = (size_t)snprintf(key, ALERTS_TARGET_MAX + 1, "%s", s->m);
    for (size_t i = 0; i < s->ntags && at < ALERTS_TARGET_MAX; i++)
        at += (size_t)snprintf(key + at, ALERTS_TARGET_MAX + 1 - at, ",%s=%s", s->tk[i], s->tv[i]);
    if (at < ALERTS_TARGET_MAX)
        snprintf(key + at, ALERTS_TARGET_MAX + 1 - at, " %s", s->f);
}

/* ---- params -------------------------------------------------------------------------------- */

enum op { OP_GT, OP_GE, OP_LT, OP_LE };
static const char *const op_names[] = {">", ">=", "<", "<="};

static int op_holds(enum op o, double v, double x)
{
    switch (o) {
    case OP_GT:
        return v > x;
    case OP_GE:
        return v >= x;
    case OP_LT:
        return v < x;
    default:
        return v <= x;
    }
}

static int params_known(const json_t *params, const char *const *known, char *err, size_t errsz,
                        const char **field)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)params, k, v)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok) {
            *field = "params";
            snprintf(err, errsz, "Unknown field 'params.%.40s'.", k);
            return IOC_EINVAL;
        }
    }
    return 0;
}

static int param_op(const json_t *params, enum op *o, char *err, size_t errsz, const char **field)
{
    json_t *v = json_object_get(params, "op");
    for (int i = 0; json_is_string(v) && i < 4; i++)
        if (strcmp(json_string_value(v), op_names[i]) == 0) {
            *o = (enum op)i;
            return 0;
        }
    return bad(err, errsz, field, "params.op", "'params.op' is one of >, >=, < and <=.");
}

static int param_value(const json_t *params, double *x, char *err, size_t errsz, const char **field)
{
    json_t *v = json_object_get(params, "value");
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return bad(err, errsz, field, "params.value", "'params.value' is required: a number.");
    *x = json_number_value(v);
    return 0;
}

/* An integer of seconds in [min, 30 days]; absent: def (or an error when def < 0). */
static int param_secs(const json_t *params, const char *name, const char *fname, int64_t min,
                      int64_t def, int64_t *out, char *err, size_t errsz, const char **field)
{
    json_t *v = json_object_get(params, name);
    if (!v && def >= 0) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > 30 * 86400) {
        *field = fname;
        snprintf(err, errsz, "'%s' is a whole number of seconds from %lld to 2592000.", fname,
                 (long long)min);
        return IOC_EINVAL;
    }
    *out = json_integer_value(v);
    return 0;
}

/* ---- threshold ----------------------------------------------------------------------------- */

struct th_series {
    int64_t since_ms; /* the condition holds since (0: it does not) */
    int active;
    double value;
};
struct th_state {
    struct selector sel;
    enum op op;
    double value;
    int64_t for_ms;
    struct alerts_map series;
};

static int th_compile(const json_t *target, const json_t *params, void **state, char *err,
                      size_t errsz, const char **field)
{
    static const char *const known[] = {"op", "value", "for_s", NULL};
    struct th_state s;
    int64_t for_s = 0;
    int rc = selector_compile(target, &s.sel, err, errsz, field);
    if (rc == 0)
        rc = params_known(params, known, err, errsz, field);
    if (rc == 0)
        rc = param_op(params, &s.op, err, errsz, field);
    if (rc == 0)
        rc = param_value(params, &s.value, err, errsz, field);
    if (rc == 0)
        rc = param_secs(params, "for_s", "params.for_s", 0, 0, &for_s, err, errsz, field);
    if (rc)
        return rc;
    struct th_state *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = s;
    p->for_ms = for_s * 1000;
    alerts_map_init(&p->series, sizeof(struct th_series));
    *state = p;
    return 0;
}

static void th_release(void *state)
{
    struct th_state *s = state;
    if (!s)
        return;
    alerts_map_free(&s->series);
    free(s);
}

static void th_report(struct th_state *s, const char *key, struct th_series *x,
                      struct alerts_out *out)
{
    char vi[ALERTS_SUMMARY_MAX], en[ALERTS_SUMMARY_MAX];
    snprintf(vi, sizeof vi, "%s = %.6g (ngưỡng %s %.6g)", key, x->value, op_names[s->op], s->value);
    snprintf(en, sizeof en, "%s = %.6g (threshold %s %.6g)", key, x->value, op_names[s->op],
             s->value);
    alerts_out_condition(out, key, x->active, x->value, NAN, NAN, vi, en);
}

static void th_points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now_ms,
                      struct alerts_out *out)
{
    struct th_state *s = state;
    char key[ALERTS_TARGET_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        if (p[i].type == TSDB_STRING || !selector_match(&s->sel, &p[i], key))
            continue;
        struct th_series *x = alerts_map_get(&s->series, key, 1);
        if (!x)
            continue;
        x->value = tsdb_value_double(p[i].type, p[i].v);
        if (op_holds(s->op, x->value, s->value)) {
            if (!x->since_ms)
                x->since_ms = now_ms;
            x->active |= now_ms - x->since_ms >= s->for_ms;
            if (!x->active)
                continue; /* pending: neither active nor cleared (an alert open from before a
                             restart stays open while its condition holds) */
        } else {
            x->since_ms = 0;
            x->active = 0;
        }
        th_report(s, key, x, out);
    }
}

static void th_tick(void *state, int64_t now_ms, struct alerts_out *out)
{
    struct th_state *s = state;
    if (!s->for_ms)
        return;
    for (size_t i = 0; i < s->series.cap; i++) {
        struct th_series *x = s->series.tab[i].item;
        if (x && x->since_ms && !x->active && now_ms - x->since_ms >= s->for_ms) {
            x->active = 1;
            th_report(s, s->series.tab[i].key, x, out);
        }
    }
}

const struct alerts_type alerts_type_threshold = {"threshold", th_compile, th_release,
                                                  th_points,   th_tick,    NULL};

/* ---- no_data ------------------------------------------------------------------------------- */

struct nd_series {
    int64_t last_ms; /* the last point (engine clock); 0: the rule's tags, not seen yet */
    int active;
};
struct nd_state {
    struct selector sel;
    int64_t for_ms;
    int64_t started_ms; /* the first tick: the rule's own series counts from there */
    struct alerts_map series;
};

static int nd_compile(const json_t *target, const json_t *params, void **state, char *err,
                      size_t errsz, const char **field)
{
    static const char *const known[] = {"for_s", NULL};
    struct nd_state s;
    int64_t for_s = 0;
    int rc = selector_compile(target, &s.sel, err, errsz, field);
    if (rc == 0)
        rc = params_known(params, known, err, errsz, field);
    if (rc == 0)
        rc = param_secs(params, "for_s", "params.for_s", 1, -1, &for_s, err, errsz, field);
    if (rc)
        return rc;
    struct nd_state *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = s;
    p->for_ms = for_s * 1000;
    p->started_ms = 0;
    alerts_map_init(&p->series, sizeof(struct nd_series));
    if (s.sel.ntags) { /* the series the tags name is known from the start */
        char key[ALERTS_TARGET_MAX + 1];
        selector_key(&s.sel, key);
        if (!alerts_map_get(&p->series, key, 1)) {
            alerts_map_free(&p->series);
            free(p);
            return IOC_ENOMEM;
        }
    }
    *state = p;
    return 0;
}

static void nd_release(void *state)
{
    struct nd_state *s = state;
    if (!s)
        return;
    alerts_map_free(&s->series);
    free(s);
}

static void nd_report(const struct nd_state *s, const char *key, int active, struct alerts_out *out)
{
    char vi[ALERTS_SUMMARY_MAX], en[ALERTS_SUMMARY_MAX];
    snprintf(vi, sizeof vi, "%s: không có dữ liệu trong %lld giây", key,
             (long long)(s->for_ms / 1000));
    snprintf(en, sizeof en, "%s: no data for %lld s", key, (long long)(s->for_ms / 1000));
    alerts_out_condition(out, key, active, NAN, NAN, NAN, vi, en);
}

static void nd_points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now_ms,
                      struct alerts_out *out)
{
    struct nd_state *s = state;
    char key[ALERTS_TARGET_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        if (!selector_match(&s->sel, &p[i], key))
            continue;
        struct nd_series *x = alerts_map_get(&s->series, key, 1);
        if (!x)
            continue;
        x->last_ms = now_ms;
        x->active = 0;
        nd_report(s, key, 0, out);
    }
}

static void nd_tick(void *state, int64_t now_ms, struct alerts_out *out)
{
    struct nd_state *s = state;
    if (!s->started_ms)
        s->started_ms = now_ms;
    for (size_t i = 0; i < s->series.cap; i++) {
        struct nd_series *x = s->series.tab[i].item;
        if (!x || x->active)
            continue;
        int64_t since = x->last_ms ? x->last_ms : s->started_ms;
        if (now_ms - since >= s->for_ms) {
            x->active = 1;
            nd_report(s, s->series.tab[i].key, 1, out);
        }
    }
}

int alerts_no_data_learn(void *state, struct tsdb_db *db)
{
    struct nd_state *s = state;
    struct tsdb_str v[SEL_TAGS];
    struct tsdb_tag_filter tf[SEL_TAGS];
    for (size_t i = 0; i < s->sel.ntags; i++) {
        v[i] = (struct tsdb_str){s->sel.tv[i], strlen(s->sel.tv[i])};
        tf[i] = (struct tsdb_tag_filter){s->sel.tk[i], strlen(s->sel.tk[i]), &v[i], 1};
    }
    struct telemetry_query q = {
        .measurement = s->sel.m, .field = s->sel.f, .filters = tf, .nfilters = s->sel.ntags};
    struct telemetry_qresult r;
    int rc = telemetry_query_series(db, &q, &r);
    char key[ALERTS_TARGET_MAX + 1];
    for (size_t i = 0; rc == 0 && i < r.nentries; i++) {
        struct tsdb_point_in p = {.key = r.entries[i].key.data, .key_len = r.entries[i].key.len};
        if (selector_match(&s->sel, &p, key) && !alerts_map_get(&s->series, key, 1))
            rc = IOC_ENOMEM; /* known as from the first tick (last_ms 0) */
    }
    telemetry_qresult_free(&r);
    return rc;
}

const struct alerts_type alerts_type_no_data = {"no_data", nd_compile, nd_release,
                                                nd_points, nd_tick,    NULL};

/* ---- rate ---------------------------------------------------------------------------------- */

#define RATE_SAMPLES 64
struct rate_series {
    int64_t t[RATE_SAMPLES]; /* point times, ms, oldest first from head */
    double v[RATE_SAMPLES];
    size_t head, n;
};
struct rate_state {
    struct selector sel;
    enum op op;
    double value;
    int64_t window_ms;
    struct alerts_map series;
};

static int rate_compile(const json_t *target, const json_t *params, void **state, char *err,
                        size_t errsz, const char **field)
{
    static const char *const known[] = {"op", "value", "window_s", NULL};
    struct rate_state s;
    int64_t w = 0;
    int rc = selector_compile(target, &s.sel, err, errsz, field);
    if (rc == 0)
        rc = params_known(params, known, err, errsz, field);
    if (rc == 0)
        rc = param_op(params, &s.op, err, errsz, field);
    if (rc == 0)
        rc = param_value(params, &s.value, err, errsz, field);
    if (rc == 0)
        rc = param_secs(params, "window_s", "params.window_s", 1, -1, &w, err, errsz, field);
    if (rc)
        return rc;
    struct rate_state *p = malloc(sizeof *p);
    if (!p)
        return IOC_ENOMEM;
    *p = s;
    p->window_ms = w * 1000;
    alerts_map_init(&p->series, sizeof(struct rate_series));
    *state = p;
    return 0;
}

static void rate_release(void *state)
{
    struct rate_state *s = state;
    if (!s)
        return;
    alerts_map_free(&s->series);
    free(s);
}

static void rate_points(void *state, const struct tsdb_point_in *p, size_t n, int64_t now_ms,
                        struct alerts_out *out)
{
    (void)now_ms;
    struct rate_state *s = state;
    char key[ALERTS_TARGET_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        if (p[i].type == TSDB_STRING || !selector_match(&s->sel, &p[i], key))
            continue;
        struct rate_series *x = alerts_map_get(&s->series, key, 1);
        if (!x)
            continue;
        int64_t t = p[i].t / 1000000; /* the point's own time: a rate is of the data */
        double v = tsdb_value_double(p[i].type, p[i].v);
        if (x->n && t <= x->t[(x->head + x->n - 1) % RATE_SAMPLES])
            continue; /* late or repeated points are not part of the rate */
        if (x->n == RATE_SAMPLES)
            x->head = (x->head + 1) % RATE_SAMPLES, x->n--;
        x->t[(x->head + x->n) % RATE_SAMPLES] = t;
        x->v[(x->head + x->n) % RATE_SAMPLES] = v;
        x->n++;
        while (x->n > 1 && t - x->t[x->head] > s->window_ms)
            x->head = (x->head + 1) % RATE_SAMPLES, x->n--;
        if (x->n < 2)
            continue;
        double dt_min = (double)(t - x->t[x->head]) / 60000.0;
        double r = (v - x->v[x->head]) / dt_min;
        int active = op_holds(s->op, r, s->value);
        char vi[ALERTS_SUMMARY_MAX], en[ALERTS_SUMMARY_MAX];
        snprintf(vi, sizeof vi, "%s thay đổi %.6g mỗi phút (ngưỡng %s %.6g)", key, r,
                 op_names[s->op], s->value);
        snprintf(en, sizeof en, "%s changes by %.6g per minute (threshold %s %.6g)", key, r,
                 op_names[s->op], s->value);
        alerts_out_condition(out, key, active, r, NAN, NAN, vi, en);
    }
}

const struct alerts_type alerts_type_rate = {"rate",      rate_compile, rate_release,
                                             rate_points, NULL,         NULL};
