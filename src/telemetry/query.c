/*
 * query.c — reading telemetry for the API: time buckets of the series of one measurement and
 * field (optionally one result series per value of a tag), the latest point of each series, and
 * the list of series. src/api parses the request, calls these on its render worker (reading
 * chunks is file I/O) and renders the result as JSON or CSV.
 *
 * Bounds (telemetry.h): at most TELEMETRY_Q_MAX_SERIES series selected, TELEMETRY_Q_MAX_CELLS
 * buckets × result series, TELEMETRY_Q_MAX_POINTS points read per series; past one of them the
 * call returns IOC_ETOOBIG with a message naming the bound.
 */
#include "telemetry/telemetry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL
#define MAX_TIME_S 4000000000LL /* ±: 1843 to 2096, so a span of two times fits in ns */

int telemetry_step_parse(const char *s, int64_t *out)
{
    size_t n = strlen(s), d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    int64_t v, unit;
    if (d == 0 || ioc_parse_i64(s, d, 1, 1000000000, &v) != 0)
        return IOC_EINVAL;
    const char *u = s + d;
    if (!*u || strcmp(u, "s") == 0)
        unit = NS_PER_S;
    else if (strcmp(u, "ms") == 0)
        unit = NS_PER_MS;
    else if (strcmp(u, "m") == 0)
        unit = 60 * NS_PER_S;
    else if (strcmp(u, "h") == 0)
        unit = 3600 * NS_PER_S;
    else if (strcmp(u, "d") == 0)
        unit = 86400 * NS_PER_S;
    else
        return IOC_EINVAL;
    if (v > INT64_MAX / unit)
        return IOC_EINVAL;
    *out = v * unit;
    return 0;
}

int telemetry_time_parse(const char *s, int64_t *out)
{
    int64_t v;
    size_t n = strlen(s);
    if (ioc_parse_i64(s, n, -MAX_TIME_S, MAX_TIME_S, &v) == 0) {
        *out = v * NS_PER_S;
        return 0;
    }
    if (ioc_time_parse_ns(s, n, &v) != 0) { /* a plain date, or a time past 2262 */
        if (ioc_time_parse(s, n, &v) != 0 || v < -MAX_TIME_S * 1000 || v > MAX_TIME_S * 1000)
            return IOC_EINVAL;
        v *= NS_PER_MS;
    }
    if (v / NS_PER_S < -MAX_TIME_S || v / NS_PER_S > MAX_TIME_S)
        return IOC_EINVAL;
    *out = v;
    return 0;
}

static int fail(struct telemetry_qresult *r, int rc, const char *msg)
{
    snprintf(r->msg, sizeof r->msg, "%s", msg ? msg : ioc_strerror(rc));
    return rc;
}

/* The ids of the series of (m, f) passing the filters into r->ids. */
static int select_ids(struct tsdb_db *db, const char *m, const char *f,
                      const struct telemetry_query *q, struct telemetry_qresult *r, size_t *n)
{
    if (!r->ids && !(r->ids = malloc(TELEMETRY_Q_MAX_SERIES * sizeof *r->ids)))
        return fail(r, IOC_ENOMEM, NULL);
    int rc = tsdb_db_select(db, m, strlen(m), f, strlen(f), q->filters, q->nfilters, r->ids,
                            TELEMETRY_Q_MAX_SERIES, n);
    if (rc == IOC_ETOOBIG) {
        snprintf(r->msg, sizeof r->msg, "More than %d series match; narrow the tag filters.",
                 TELEMETRY_Q_MAX_SERIES);
        return rc;
    }
    return rc ? fail(r, rc, NULL) : 0;
}

/* ---- time buckets ---- */

/* The value of tag `name` in the key of series id (malloc), "" if it has none; NULL: ENOMEM. */
static char *group_value(struct tsdb_db *db, uint32_t id, const char *name)
{
    struct ioc_buf key;
    ioc_buf_init(&key, 0);
    enum tsdb_type type;
    struct tsdb_series_parts sp;
    struct tsdb_tag tag;
    char *v = NULL;
    if (tsdb_db_series_key(db, id, &key, &type) == 0 &&
        tsdb_series_key_parse(key.data, key.len, &sp) == 0)
        for (size_t i = 0; !v && tsdb_series_parts_tag(&sp, i, &tag) == 0; i++)
            if (tag.key_len == strlen(name) && memcmp(tag.key, name, tag.key_len) == 0)
                v = strndup(tag.value, tag.value_len);
    ioc_buf_free(&key);
    return v ? v : strdup("");
}

/* Puts each selected series in its group; gix[i] the group of ids[i]. */
static int make_groups(struct tsdb_db *db, const struct telemetry_query *q,
                       struct telemetry_qresult *r, size_t n, size_t *gix)
{
    for (size_t i = 0; i < n; i++) {
        if (!q->group) {
            gix[i] = 0;
            r->ngroups = 1;
            continue;
        }
        char *v = group_value(db, r->ids[i], q->group);
        if (!v)
            return IOC_ENOMEM;
        size_t k = 0;
        while (k < r->ngroups && strcmp(r->groups[k].value, v) != 0)
            k++;
        if (k == r->ngroups)
            r->groups[r->ngroups++].value = v;
        else
            free(v);
        gix[i] = k;
    }
    return 0;
}

/* Reads every series into its group's window. */
static int fill(struct tsdb_db *db, const struct telemetry_query *q, struct telemetry_qresult *r,
                size_t n, const size_t *gix)
{
    int64_t span = q->end - q->start, nb = span / q->step + (span % q->step != 0);
    size_t ng = r->ngroups ? r->ngroups : 1;
    if (nb > TELEMETRY_Q_MAX_CELLS || nb * (int64_t)ng > TELEMETRY_Q_MAX_CELLS) {
        snprintf(r->msg, sizeof r->msg,
                 "%lld buckets × %zu series is over %d; widen step or narrow the range.",
                 (long long)nb, ng, TELEMETRY_Q_MAX_CELLS);
        return IOC_ETOOBIG;
    }
    for (size_t k = 0; k < r->ngroups; k++)
        if (tsdb_window_init(&r->groups[k].w, q->start, q->end, q->step, TELEMETRY_Q_MAX_CELLS))
            return fail(r, IOC_ENOMEM, NULL);
    for (size_t i = 0; i < n; i++) {
        int rc = tsdb_db_window(db, r->ids[i], &r->groups[gix[i]].w, TELEMETRY_Q_MAX_POINTS);
        if (rc == IOC_ETOOBIG) {
            snprintf(r->msg, sizeof r->msg, "A series has more than %d points in the range.",
                     TELEMETRY_Q_MAX_POINTS);
            return rc;
        }
        if (rc && rc != IOC_ENOTFOUND)
            return fail(r, rc, NULL);
    }
    return 0;
}

int telemetry_query_window(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r)
{
    memset(r, 0, sizeof *r);
    if (!q->measurement || !q->field || q->step <= 0 || q->end <= q->start)
        return fail(r, IOC_EINVAL, "measurement, field, step and a range are required.");
    size_t n = 0;
    int rc = select_ids(db, q->measurement, q->field, q, r, &n);
    if (rc)
        return rc;
    r->groups = calloc(n ? n : 1, sizeof *r->groups);
    size_t *gix = calloc(n ? n : 1, sizeof *gix);
    rc = r->groups && gix ? make_groups(db, q, r, n, gix) : IOC_ENOMEM;
    if (rc)
        rc = fail(r, rc, NULL);
    else
        rc = fill(db, q, r, n, gix);
    free(gix);
    return rc;
}

/* ---- latest points and the list of series ---- */

struct fields {
    const struct telemetry_query *q;
    struct telemetry_qfield {
        char *m, *f;
    } * v;
    size_t n, cap;
};

static int collect_field(void *ctx, const char *m, size_t mlen, const char *f, size_t flen,
                         int type, size_t nseries)
{
    (void)type;
    (void)nseries;
    struct fields *fs = ctx;
    const char *qm = fs->q->measurement, *qf = fs->q->field;
    if ((qm && (strlen(qm) != mlen || memcmp(qm, m, mlen) != 0)) ||
        (qf && (strlen(qf) != flen || memcmp(qf, f, flen) != 0)))
        return 0;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 16;
        void *p = realloc(fs->v, cap * sizeof *fs->v);
        if (!p)
            return IOC_ENOMEM;
        fs->v = p;
        fs->cap = cap;
    }
    struct telemetry_qfield *e = &fs->v[fs->n++];
    e->m = strndup(m, mlen);
    e->f = strndup(f, flen);
    return e->m && e->f ? 0 : IOC_ENOMEM;
}

static int entry_add(struct tsdb_db *db, struct telemetry_qresult *r, uint32_t id, int latest)
{
    struct telemetry_qentry e;
    memset(&e, 0, sizeof e);
    ioc_buf_init(&e.key, 0);
    int rc = tsdb_db_series_key(db, id, &e.key, &e.type);
    if (rc == 0 && latest)
        rc = tsdb_db_latest(db, id, &e.t, &e.v, &e.type);
    if (rc == 0 && r->nentries == r->entcap) {
        size_t cap = r->entcap ? 2 * r->entcap : 64;
        void *p = realloc(r->entries, cap * sizeof *r->entries);
        if (!p)
            rc = IOC_ENOMEM;
        else {
            r->entries = p;
            r->entcap = cap;
        }
    }
    if (rc) {
        ioc_buf_free(&e.key);
        return rc == IOC_ENOTFOUND && latest ? 0 : rc; /* a series without points: skipped */
    }
    e.has_point = latest;
    r->entries[r->nentries++] = e;
    return 0;
}

static int list(struct tsdb_db *db, const struct telemetry_query *q, struct telemetry_qresult *r,
                int latest)
{
    memset(r, 0, sizeof *r);
    struct fields fs = {q, NULL, 0, 0};
    int rc = tsdb_db_fields(db, collect_field, &fs);
    if (rc)
        rc = fail(r, rc, NULL);
    size_t total = 0;
    for (size_t i = 0; rc == 0 && i < fs.n; i++) {
        size_t n = 0;
        if ((rc = select_ids(db, fs.v[i].m, fs.v[i].f, q, r, &n)) != 0)
            break;
        size_t live = 0; /* a series whose every point has expired is not listed */
        for (size_t k = 0; k < n; k++)
            if (latest || !tsdb_db_expired(db, r->ids[k]))
                r->ids[live++] = r->ids[k];
        if ((total += live) > TELEMETRY_Q_MAX_SERIES) {
            snprintf(r->msg, sizeof r->msg, "More than %d series; give measurement= or tags.",
                     TELEMETRY_Q_MAX_SERIES);
            rc = IOC_ETOOBIG;
            break;
        }
        for (size_t k = 0; rc == 0 && k < live; k++)
            if ((rc = entry_add(db, r, r->ids[k], latest)) != 0)
                rc = fail(r, rc, NULL);
    }
    for (size_t i = 0; i < fs.n; i++) {
        free(fs.v[i].m);
        free(fs.v[i].f);
    }
    free(fs.v);
    return rc;
}

int telemetry_query_latest(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r)
{
    return list(db, q, r, 1);
}

int telemetry_query_series(struct tsdb_db *db, const struct telemetry_query *q,
                           struct telemetry_qresult *r)
{
    return list(db, q, r, 0);
}

void telemetry_qresult_free(struct telemetry_qresult *r)
{
    for (size_t k = 0; k < r->ngroups; k++) {
        free(r->groups[k].value);
        tsdb_window_free(&r->groups[k].w);
    }
    free(r->groups);
    for (size_t i = 0; i < r->nentries; i++)
        ioc_buf_free(&r->entries[i].key);
    free(r->entries);
    free(r->ids);
    memset(r, 0, sizeof *r);
}
