/*
 * series.c — the series index of the time-series engine: which series exist, their ids, the
 * type of each (measurement, field), and the series a query selects.
 *
 * A series is one field of one measurement with one tag set: cpu,host=a usage=1 and
 * cpu,host=a idle=2 are two series. Its canonical key is
 *
 *   varint(len m) m  varint(len f) f  varint(n tags)  ( varint(len k) k  varint(len v) v )*
 *
 * with the tags sorted by key (byte order) — the same series gives the same key whatever the
 * order of the tags on the wire. Lengths, not separators, so any byte may appear in a name.
 * The key starts with its (measurement, field) part, which is how the index groups series.
 *
 * Invariants:
 *   1. Ids are dense, from 0, in the order series were first added; an id never changes and is
 *      never reused (the engine stores ids in its chunks and its log).
 *   2. Every series of one (measurement, field) has that pair's type: the first series of the
 *      pair sets it, and a series of another type is refused (InfluxDB's field type conflict).
 *   3. A saved index loads back to the same ids, keys and types, or fails with IOC_EINVAL: the
 *      file carries a CRC and is written crash-safely (write, fsync, rename).
 *   4. Only canonical keys are accepted (tsdb_series_key_parse checks the order of the tags), so
 *      one series has exactly one key.
 *   5. Not thread-safe: the engine serialises writers and readers (no I/O is done under its lock
 *      except tsdb_series_save, which only reads the index).
 */
#include "tsdb/tsdb.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- keys ------------------------------------------------------------------------------- */

static int put_varint(struct ioc_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            tmp[n] |= 0x80;
        n++;
    } while (v);
    return ioc_buf_append(b, tmp, n);
}

/* Reads a varint at *p (< end) into *v; 0, or IOC_EINVAL if it runs past end or past 64 bits,
 * or is not in its shortest form (a key has one spelling). */
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return IOC_EINVAL;
        unsigned char c = *(*p)++;
        if ((shift == 63 && c > 1) || (shift > 0 && c == 0))
            return IOC_EINVAL;
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return IOC_EINVAL;
}

static int put_str(struct ioc_buf *b, const char *s, size_t n)
{
    int rc = put_varint(b, n);
    return rc ? rc : ioc_buf_append(b, s, n);
}

/* A length-prefixed string at *p into *s, *n; 0 or IOC_EINVAL. */
static int get_str(const unsigned char **p, const unsigned char *end, const char **s, size_t *n)
{
    uint64_t len;
    if (get_varint(p, end, &len) != 0 || len > (uint64_t)(end - *p))
        return IOC_EINVAL;
    *s = (const char *)*p;
    *n = (size_t)len;
    *p += len;
    return 0;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

int tsdb_series_key(struct ioc_buf *out, const char *m, size_t mlen, const char *field, size_t flen,
                    const struct tsdb_tag *tags, size_t ntags)
{
    if (mlen == 0 || flen == 0 || ntags > TSDB_SERIES_MAX_TAGS)
        return IOC_EINVAL;
    size_t order[TSDB_SERIES_MAX_TAGS];
    for (size_t i = 0; i < ntags; i++) { /* insertion sort: tag sets are small */
        size_t j = i;
        while (j > 0 && bytes_cmp(tags[order[j - 1]].key, tags[order[j - 1]].key_len, tags[i].key,
                                  tags[i].key_len) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t i = 0; i < ntags; i++)
        if (tags[order[i]].key_len == 0 ||
            (i > 0 && bytes_cmp(tags[order[i - 1]].key, tags[order[i - 1]].key_len,
                                tags[order[i]].key, tags[order[i]].key_len) == 0))
            return IOC_EINVAL; /* an empty or repeated tag key */
    ioc_buf_reset(out);
    int rc = put_str(out, m, mlen);
    if (rc == 0)
        rc = put_str(out, field, flen);
    if (rc == 0)
        rc = put_varint(out, ntags);
    for (size_t i = 0; i < ntags && rc == 0; i++) {
        const struct tsdb_tag *t = &tags[order[i]];
        rc = put_str(out, t->key, t->key_len);
        if (rc == 0)
            rc = put_str(out, t->value, t->value_len);
    }
    return rc;
}

int tsdb_series_key_with_field(struct ioc_buf *out, const void *key, size_t len, const char *field,
                               size_t flen)
{
    const unsigned char *p = key, *end = p + len;
    const char *m, *f;
    size_t mlen, old_flen;
    if (flen == 0 || get_str(&p, end, &m, &mlen) != 0 || mlen == 0 ||
        get_str(&p, end, &f, &old_flen) != 0 || old_flen == 0 || p == end)
        return IOC_EINVAL;
    int rc = put_str(out, m, mlen);
    if (rc == 0)
        rc = put_str(out, field, flen);
    return rc ? rc : ioc_buf_append(out, p, (size_t)(end - p));
}

int tsdb_series_key_parse(const void *key, size_t len, struct tsdb_series_parts *out)
{
    const unsigned char *p = key, *end = p + len;
    uint64_t n;
    if (get_str(&p, end, &out->m, &out->mlen) != 0 || out->mlen == 0 ||
        get_str(&p, end, &out->f, &out->flen) != 0 || out->flen == 0)
        return IOC_EINVAL;
    out->mf_len = (size_t)(p - (const unsigned char *)key);
    if (get_varint(&p, end, &n) != 0 || n > TSDB_SERIES_MAX_TAGS)
        return IOC_EINVAL;
    out->ntags = (size_t)n;
    out->tags_at = p;
    out->end = end;
    const char *prev = NULL;
    size_t prev_len = 0;
    for (size_t i = 0; i < out->ntags; i++) { /* tag keys non-empty, ascending, distinct */
        const char *k, *v;
        size_t kn, vn;
        if (get_str(&p, end, &k, &kn) != 0 || kn == 0 ||
            (prev && bytes_cmp(prev, prev_len, k, kn) >= 0) || get_str(&p, end, &v, &vn) != 0)
            return IOC_EINVAL;
        prev = k;
        prev_len = kn;
    }
    return p == end ? 0 : IOC_EINVAL;
}

int tsdb_series_parts_tag(const struct tsdb_series_parts *sp, size_t i, struct tsdb_tag *out)
{
    const unsigned char *p = sp->tags_at;
    for (size_t k = 0; k <= i; k++) {
        if (k >= sp->ntags || get_str(&p, sp->end, &out->key, &out->key_len) != 0 ||
            get_str(&p, sp->end, &out->value, &out->value_len) != 0)
            return IOC_ENOTFOUND;
    }
    return 0;
}

/* ---- the index -------------------------------------------------------------------------- */

struct series {
    size_t off; /* of its key in keys */
    uint32_t len;
    uint32_t group; /* its (measurement, field) group */
};

struct group {
    size_t off; /* of its (measurement, field) prefix in keys (the first series' key) */
    uint32_t len;
    int type;
    uint32_t *ids; /* its series, ascending */
    size_t n, cap;
};

/* Open addressing, linear probing; slots hold id + 1 (0 = empty). */
struct table {
    uint32_t *slot;
    size_t mask; /* capacity - 1, a power of two */
    size_t used;
};

struct tsdb_series_index {
    struct ioc_buf keys; /* every key, back to back */
    struct series *series;
    size_t n, cap, max;
    struct group *groups;
    size_t ngroups, gcap;
    struct table by_key;   /* series ids */
    struct table by_group; /* group ids */
};

/* A 64-bit hash of the key bytes (8 at a time, multiply and fold). */
static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h * 0x9e3779b97f4a7c15ULL;
}

static int table_init(struct table *t, size_t cap)
{
    t->slot = calloc(cap, sizeof *t->slot);
    t->mask = cap - 1;
    t->used = 0;
    return t->slot ? 0 : IOC_ENOMEM;
}

static const char *series_key(const struct tsdb_series_index *ix, uint32_t id, size_t *len)
{
    *len = ix->series[id].len;
    return ix->keys.data + ix->series[id].off;
}

static const char *group_key(const struct tsdb_series_index *ix, uint32_t g, size_t *len)
{
    *len = ix->groups[g].len;
    return ix->keys.data + ix->groups[g].off;
}

typedef const char *(*key_of_fn)(const struct tsdb_series_index *, uint32_t, size_t *);

/* The slot where key is, or the empty slot where it would go. */
static size_t table_find(const struct tsdb_series_index *ix, const struct table *t,
                         key_of_fn key_of, const void *key, size_t len)
{
    size_t i = (size_t)hash_bytes(key, len) & t->mask;
    for (;; i = (i + 1) & t->mask) {
        uint32_t v = t->slot[i];
        if (v == 0)
            return i;
        size_t klen;
        const char *k = key_of(ix, v - 1, &klen);
        if (klen == len && memcmp(k, key, len) == 0)
            return i;
    }
}

/* Doubles t when it is half full. */
static int table_grow(struct tsdb_series_index *ix, struct table *t, key_of_fn key_of)
{
    if ((t->used + 1) * 2 <= t->mask + 1)
        return 0;
    struct table bigger;
    if (table_init(&bigger, (t->mask + 1) * 2) != 0)
        return IOC_ENOMEM;
    for (size_t i = 0; i <= t->mask; i++) {
        if (!t->slot[i])
            continue;
        size_t klen;
        const char *k = key_of(ix, t->slot[i] - 1, &klen);
        bigger.slot[table_find(ix, &bigger, key_of, k, klen)] = t->slot[i];
    }
    bigger.used = t->used;
    free(t->slot);
    *t = bigger;
    return 0;
}

int tsdb_series_index_create(size_t max_series, struct tsdb_series_index **out)
{
    struct tsdb_series_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return IOC_ENOMEM;
    ioc_buf_init(&ix->keys, (size_t)1 << 32);
    ix->max = max_series ? max_series : TSDB_SERIES_DEFAULT_MAX;
    if (ix->max > UINT32_MAX - 1)
        ix->max = UINT32_MAX - 1;
    if (table_init(&ix->by_key, 64) != 0 || table_init(&ix->by_group, 16) != 0) {
        tsdb_series_index_destroy(ix);
        return IOC_ENOMEM;
    }
    *out = ix;
    return 0;
}

void tsdb_series_index_destroy(struct tsdb_series_index *ix)
{
    if (!ix)
        return;
    for (size_t g = 0; g < ix->ngroups; g++)
        free(ix->groups[g].ids);
    free(ix->groups);
    free(ix->series);
    free(ix->by_key.slot);
    free(ix->by_group.slot);
    ioc_buf_free(&ix->keys);
    free(ix);
}

size_t tsdb_series_count(const struct tsdb_series_index *ix)
{
    return ix->n;
}

int tsdb_series_find(const struct tsdb_series_index *ix, const void *key, size_t len, uint32_t *id)
{
    uint32_t v = ix->by_key.slot[table_find(ix, &ix->by_key, series_key, key, len)];
    if (!v)
        return IOC_ENOTFOUND;
    *id = v - 1;
    return 0;
}

/* The group of a (measurement, field) prefix, created with type if new; its id into *g. */
static int group_of(struct tsdb_series_index *ix, size_t key_off, size_t mf_len, int type,
                    uint32_t *g)
{
    size_t slot = table_find(ix, &ix->by_group, group_key, ix->keys.data + key_off, mf_len);
    if (ix->by_group.slot[slot]) {
        *g = ix->by_group.slot[slot] - 1;
        return 0;
    }
    if (ix->ngroups == ix->gcap) {
        size_t cap = ix->gcap ? ix->gcap * 2 : 16;
        struct group *gs = realloc(ix->groups, cap * sizeof *gs);
        if (!gs)
            return IOC_ENOMEM;
        ix->groups = gs;
        ix->gcap = cap;
    }
    ix->groups[ix->ngroups] = (struct group){key_off, (uint32_t)mf_len, type, NULL, 0, 0};
    ix->ngroups++;
    ix->by_group.slot[slot] = (uint32_t)ix->ngroups;
    ix->by_group.used++;
    *g = (uint32_t)ix->ngroups - 1;
    return table_grow(ix, &ix->by_group, group_key);
}

static int group_push(struct group *gr, uint32_t id)
{
    if (gr->n == gr->cap) {
        size_t cap = gr->cap ? gr->cap * 2 : 8;
        uint32_t *ids = realloc(gr->ids, cap * sizeof *ids);
        if (!ids)
            return IOC_ENOMEM;
        gr->ids = ids;
        gr->cap = cap;
    }
    gr->ids[gr->n++] = id;
    return 0;
}

/* Room for one more series in the series array. */
static int reserve_series(struct tsdb_series_index *ix)
{
    if (ix->n < ix->cap)
        return 0;
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    struct series *s = realloc(ix->series, cap * sizeof *s);
    if (!s)
        return IOC_ENOMEM;
    ix->series = s;
    ix->cap = cap;
    return 0;
}

int tsdb_series_add(struct tsdb_series_index *ix, const void *key, size_t len, int type,
                    uint32_t *id, int *stored_type)
{
    struct tsdb_series_parts sp;
    if (tsdb_series_key_parse(key, len, &sp) != 0 || len > UINT32_MAX)
        return IOC_EINVAL;
    size_t slot = table_find(ix, &ix->by_key, series_key, key, len);
    if (ix->by_key.slot[slot]) {
        *id = ix->by_key.slot[slot] - 1;
        *stored_type = ix->groups[ix->series[*id].group].type;
        return *stored_type == type ? 0 : IOC_EEXIST;
    }
    /* a new series: its pair's type first (a refused series leaves no trace) */
    size_t gslot = table_find(ix, &ix->by_group, group_key, key, sp.mf_len);
    if (ix->by_group.slot[gslot] && ix->groups[ix->by_group.slot[gslot] - 1].type != type) {
        *stored_type = ix->groups[ix->by_group.slot[gslot] - 1].type;
        return IOC_EEXIST;
    }
    if (ix->n >= ix->max)
        return IOC_ETOOBIG;
    size_t off = ix->keys.len;
    uint32_t g;
    int rc = reserve_series(ix);
    if (rc == 0)
        rc = ioc_buf_append(&ix->keys, key, len);
    if (rc == 0)
        rc = group_of(ix, off, sp.mf_len, type, &g);
    if (rc == 0)
        rc = group_push(&ix->groups[g], (uint32_t)ix->n);
    if (rc) /* out of memory: the index cannot be trusted to be whole any more */
        return rc;
    uint32_t nid = (uint32_t)ix->n++;
    ix->series[nid] = (struct series){off, (uint32_t)len, g};
    ix->by_key.slot[table_find(ix, &ix->by_key, series_key, key, len)] = nid + 1;
    ix->by_key.used++;
    *id = nid;
    *stored_type = type;
    return table_grow(ix, &ix->by_key, series_key);
}

int tsdb_series_get(const struct tsdb_series_index *ix, uint32_t id, const void **key, size_t *len,
                    int *type)
{
    if (id >= ix->n)
        return IOC_ENOTFOUND;
    *key = series_key(ix, id, len);
    *type = ix->groups[ix->series[id].group].type;
    return 0;
}

/* ---- selection -------------------------------------------------------------------------- */

static int str_cmp(const void *a, const void *b)
{
    const struct tsdb_str *x = a, *y = b;
    return bytes_cmp(x->s, x->n, y->s, y->n);
}

/* 1 if the series' tags pass every filter (a filter passes when the tag has one of its values,
 * which are sorted: a dashboard asks for 100 stations at once). */
static int tags_pass(const struct tsdb_series_parts *sp, const struct tsdb_tag_filter *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++) {
        struct tsdb_tag t;
        int found = 0;
        for (size_t k = 0; !found && tsdb_series_parts_tag(sp, k, &t) == 0; k++) {
            if (bytes_cmp(t.key, t.key_len, f[i].key, f[i].key_len) != 0)
                continue;
            struct tsdb_str want = {t.value, t.value_len};
            found = f[i].nvalues &&
                    bsearch(&want, f[i].values, f[i].nvalues, sizeof want, str_cmp) != NULL;
            break;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* The filters with their values copied into one array, each filter's sorted (free *vals). */
static int sort_filters(const struct tsdb_tag_filter *f, size_t nf, struct tsdb_tag_filter *out,
                        struct tsdb_str **vals)
{
    size_t total = 0;
    for (size_t i = 0; i < nf; i++)
        total += f[i].nvalues;
    *vals = malloc((total ? total : 1) * sizeof **vals);
    if (!*vals)
        return IOC_ENOMEM;
    struct tsdb_str *v = *vals;
    for (size_t i = 0; i < nf; i++) {
        out[i] = f[i];
        if (f[i].nvalues)
            memcpy(v, f[i].values, f[i].nvalues * sizeof *v);
        qsort(v, f[i].nvalues, sizeof *v, str_cmp);
        out[i].values = v;
        v += f[i].nvalues;
    }
    return 0;
}

static int select_group(const struct tsdb_series_index *ix, const struct group *g,
                        const struct tsdb_tag_filter *filters, size_t nfilters, uint32_t *ids,
                        size_t cap, size_t *n)
{
    for (size_t i = 0; i < g->n; i++) {
        size_t klen;
        const char *k = series_key(ix, g->ids[i], &klen);
        struct tsdb_series_parts sp;
        if (tsdb_series_key_parse(k, klen, &sp) != 0 || !tags_pass(&sp, filters, nfilters))
            continue;
        if (*n == cap)
            return IOC_ETOOBIG;
        ids[(*n)++] = g->ids[i];
    }
    return 0;
}

int tsdb_series_select(const struct tsdb_series_index *ix, const char *m, size_t mlen,
                       const char *field, size_t flen, const struct tsdb_tag_filter *filters,
                       size_t nfilters, uint32_t *ids, size_t cap, size_t *n)
{
    struct ioc_buf prefix;
    ioc_buf_init(&prefix, 0);
    int rc = put_str(&prefix, m, mlen);
    if (rc == 0)
        rc = put_str(&prefix, field, flen);
    *n = 0;
    if (rc) {
        ioc_buf_free(&prefix);
        return rc;
    }
    uint32_t gv =
        ix->by_group.slot[table_find(ix, &ix->by_group, group_key, prefix.data, prefix.len)];
    ioc_buf_free(&prefix);
    if (!gv)
        return 0;
    struct tsdb_tag_filter *sorted = malloc((nfilters ? nfilters : 1) * sizeof *sorted);
    struct tsdb_str *vals = NULL;
    rc = sorted ? sort_filters(filters, nfilters, sorted, &vals) : IOC_ENOMEM;
    if (rc == 0)
        rc = select_group(ix, &ix->groups[gv - 1], sorted, nfilters, ids, cap, n);
    free(sorted);
    free(vals);
    return rc;
}

int tsdb_series_fields(const struct tsdb_series_index *ix, tsdb_field_fn fn, void *ctx)
{
    for (size_t g = 0; g < ix->ngroups; g++) {
        size_t len;
        const char *k = group_key(ix, (uint32_t)g, &len);
        struct tsdb_series_parts sp;
        /* a group key is the start of a whole series key: parse that one */
        size_t slen;
        const char *s = series_key(ix, ix->groups[g].ids[0], &slen);
        if (tsdb_series_key_parse(s, slen, &sp) != 0 || len != sp.mf_len || memcmp(k, s, len) != 0)
            return IOC_EINVAL;
        int rc = fn(ctx, sp.m, sp.mlen, sp.f, sp.flen, ix->groups[g].type, ix->groups[g].n);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- saving and loading ----------------------------------------------------------------- */

#define SERIES_MAGIC "IOCSER1\n"

int tsdb_series_save(const struct tsdb_series_index *ix, const char *path)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    int rc = ioc_buf_append(&b, SERIES_MAGIC, 8);
    if (rc == 0)
        rc = put_varint(&b, ix->n);
    for (size_t i = 0; i < ix->n && rc == 0; i++) {
        size_t len;
        const char *k = series_key(ix, (uint32_t)i, &len);
        int type = ix->groups[ix->series[i].group].type;
        rc = put_varint(&b, (uint64_t)(uint32_t)type);
        if (rc == 0)
            rc = put_str(&b, k, len);
    }
    if (rc == 0) {
        uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)b.data, (uInt)b.len);
        unsigned char c[4] = {(unsigned char)crc, (unsigned char)(crc >> 8),
                              (unsigned char)(crc >> 16), (unsigned char)(crc >> 24)};
        rc = ioc_buf_append(&b, c, 4);
    }
    if (rc == 0)
        rc = ioc_file_write_atomic(path, b.data, b.len);
    ioc_buf_free(&b);
    return rc;
}

/* Adds every series of a saved image (its CRC already checked). */
static int load_image(struct tsdb_series_index *ix, const unsigned char *p,
                      const unsigned char *end)
{
    uint64_t count;
    if (get_varint(&p, end, &count) != 0 || count > ix->max)
        return IOC_EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t type;
        const char *k;
        size_t klen;
        uint32_t id;
        int stored;
        if (get_varint(&p, end, &type) != 0 || type > INT32_MAX || get_str(&p, end, &k, &klen) != 0)
            return IOC_EINVAL;
        int rc = tsdb_series_add(ix, k, klen, (int)type, &id, &stored);
        if (rc == IOC_ENOMEM)
            return rc;
        if (rc || id != i) /* a repeated key or a type conflict: not an image we wrote */
            return IOC_EINVAL;
    }
    return p == end ? 0 : IOC_EINVAL;
}

int tsdb_series_load(const char *path, size_t max_series, struct tsdb_series_index **out)
{
    char *data = NULL;
    size_t len = 0;
    int rc = ioc_file_read(path, (size_t)1 << 32, &data, &len);
    if (rc)
        return rc;
    const unsigned char *p = (const unsigned char *)data;
    if (len < 12 || memcmp(p, SERIES_MAGIC, 8) != 0) {
        free(data);
        return IOC_EINVAL;
    }
    uint32_t want = (uint32_t)p[len - 4] | (uint32_t)p[len - 3] << 8 | (uint32_t)p[len - 2] << 16 |
                    (uint32_t)p[len - 1] << 24;
    if ((uint32_t)crc32(0L, p, (uInt)(len - 4)) != want) {
        free(data);
        return IOC_EINVAL;
    }
    struct tsdb_series_index *ix = NULL;
    rc = tsdb_series_index_create(max_series, &ix);
    if (rc == 0)
        rc = load_image(ix, p + 8, p + len - 4);
    free(data);
    if (rc) {
        tsdb_series_index_destroy(ix);
        return rc;
    }
    *out = ix;
    return 0;
}
