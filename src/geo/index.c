/*
 * index.c — the point → shape index: a uniform grid over all shapes plus, per shape, its edges
 * bucketed by grid row.
 *
 * Build: each non-horizontal edge is stored once per row band its y-range overlaps, oriented
 * upwards (y1 < y2), for the ray test. Every cell its bounding box touches is a boundary cell of
 * its shape. No edge touches any other cell of a shape's bounding box, so such a cell is inside
 * or outside as a whole, and the ray test at its centre decides which.
 *
 * Lookup: the cell of the point lists (shape, inside|boundary) entries. An inside entry of the
 * right level and validity answers at once; for a boundary entry the point is tested by crossing
 * number against the shape's edges in the point's row band only. The crossing rule is half-open
 * (y1 <= y < y2, and x strictly left of the crossing), and an edge shared by two shapes is
 * stored with the same orientation in both, so both compute the very same crossing: a point on
 * a shared edge belongs to exactly one of the two (the one to its right). The same cell mapping
 * (row_of, col_of: monotone) serves build and lookup. No allocation, no locks: the index is
 * immutable after geo_index_build.
 */
#include "geo/geo_int.h"
#include "base/base.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { CELL_INSIDE = 1, CELL_BOUNDARY = 2 };
#define CELL_DEG 0.002 /* about 220 m */
#define GRID_MAX 1024

struct edge {
    double x1, y1, x2, y2;
};

struct entry {
    uint32_t shape;
    uint32_t kind;
};

struct shape {
    int64_t id;
    int level;
    int32_t from, to;
    struct geo_shape geom;
    int row0, row1;   /* rows of its bbox */
    size_t *band_off; /* row0..row1+1 → offsets into band_edges */
    struct edge *band_edges;
};

struct geo_index {
    struct shape *shapes;
    size_t n, cap;
    int built;
    double x0, y0, cw, ch; /* grid origin and cell size */
    int gx, gy;
    uint32_t *cell_off; /* gx*gy + 1 */
    struct entry *entries;
};

int geo_index_create(struct geo_index **out)
{
    struct geo_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return IOC_ENOMEM;
    *out = ix;
    return 0;
}

void geo_index_destroy(struct geo_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->n; i++) {
        geo_shape_free(&ix->shapes[i].geom);
        free(ix->shapes[i].band_off);
        free(ix->shapes[i].band_edges);
    }
    free(ix->shapes);
    free(ix->cell_off);
    free(ix->entries);
    free(ix);
}

size_t geo_index_count(const struct geo_index *ix)
{
    return ix->n;
}

int geo_index_add(struct geo_index *ix, int64_t id, int level, int32_t valid_from_days,
                  int32_t valid_to_days, const char *geometry_json, size_t n)
{
    if (ix->built)
        return IOC_EINVAL;
    if (n > GEO_TEXT_MAX || ix->n >= UINT32_MAX)
        return IOC_ETOOBIG;
    json_t *j = json_loadb(geometry_json, n, 0, NULL);
    if (!j)
        return IOC_EINVAL;
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 64;
        struct shape *s = realloc(ix->shapes, cap * sizeof *s);
        if (!s) {
            json_decref(j);
            return IOC_ENOMEM;
        }
        ix->shapes = s;
        ix->cap = cap;
    }
    struct shape *s = &ix->shapes[ix->n];
    memset(s, 0, sizeof *s);
    char msg[256];
    int rc = geo_shape_from_json(j, &s->geom, msg, sizeof msg);
    json_decref(j);
    if (rc)
        return rc;
    s->id = id;
    s->level = level;
    s->from = valid_from_days;
    s->to = valid_to_days;
    ix->n++;
    return 0;
}

static int row_of(const struct geo_index *ix, double y)
{
    int r = (int)floor((y - ix->y0) / ix->ch);
    return r < 0 ? 0 : r >= ix->gy ? ix->gy - 1 : r;
}

static int col_of(const struct geo_index *ix, double x)
{
    int c = (int)floor((x - ix->x0) / ix->cw);
    return c < 0 ? 0 : c >= ix->gx ? ix->gx - 1 : c;
}

/* Runs the statements that follow (in the variadic part) for every edge e of a shape. */
#define EACH_EDGE(g, e, ...)                                                                       \
    for (size_t r_ = 0; r_ < (g)->nrings; r_++) {                                                  \
        const double *p_ = &(g)->xy[2 * (g)->ring_off[r_]];                                        \
        for (size_t i_ = 0; i_ + 1 < (g)->ring_len[r_]; i_++) {                                    \
            struct edge e = {p_[2 * i_], p_[2 * i_ + 1], p_[2 * i_ + 2], p_[2 * i_ + 3]};          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }

/* The edge oriented upwards; 0 for a horizontal edge, which no horizontal ray crosses. */
static int upward(struct edge *e)
{
    if (e->y1 == e->y2)
        return 0;
    if (e->y1 > e->y2)
        *e = (struct edge){e->x2, e->y2, e->x1, e->y1};
    return 1;
}

static int build_bands(struct geo_index *ix, struct shape *s)
{
    s->row0 = row_of(ix, s->geom.bbox[1]);
    s->row1 = row_of(ix, s->geom.bbox[3]);
    size_t rows = (size_t)(s->row1 - s->row0 + 1);
    s->band_off = calloc(rows + 1, sizeof *s->band_off);
    if (!s->band_off)
        return IOC_ENOMEM;
    EACH_EDGE(&s->geom, e, {
        if (upward(&e))
            for (int r = row_of(ix, e.y1); r <= row_of(ix, e.y2); r++)
                s->band_off[r - s->row0 + 1]++;
    })
    for (size_t r = 0; r < rows; r++)
        s->band_off[r + 1] += s->band_off[r];
    s->band_edges = malloc((s->band_off[rows] ? s->band_off[rows] : 1) * sizeof *s->band_edges);
    size_t *fill = calloc(rows, sizeof *fill);
    if (!s->band_edges || !fill) {
        free(fill);
        return IOC_ENOMEM;
    }
    EACH_EDGE(&s->geom, e, {
        if (upward(&e))
            for (int r = row_of(ix, e.y1); r <= row_of(ix, e.y2); r++) {
                size_t k = (size_t)(r - s->row0);
                s->band_edges[s->band_off[k] + fill[k]++] = e;
            }
    })
    free(fill);
    return 0;
}

/* Crossing-number test of (x, y) against the shape's edges in the row band of y. */
static int inside(const struct geo_index *ix, const struct shape *s, double x, double y)
{
    int r = row_of(ix, y);
    if (r < s->row0 || r > s->row1)
        return 0;
    size_t k = (size_t)(r - s->row0);
    int in = 0;
    for (size_t i = s->band_off[k]; i < s->band_off[k + 1]; i++) {
        const struct edge *e = &s->band_edges[i];
        if (e->y1 <= y && y < e->y2 && x < e->x1 + (y - e->y1) * (e->x2 - e->x1) / (e->y2 - e->y1))
            in = !in;
    }
    return in;
}

struct cell_entry {
    uint32_t cell;
    struct entry e;
};

static int by_cell(const void *a, const void *b)
{
    const struct cell_entry *x = a, *y = b;
    return x->cell < y->cell ? -1 : x->cell > y->cell ? 1 : x->e.shape < y->e.shape ? -1 : 1;
}

/* Appends the entries of one shape: boundary cells from its edges, the rest of its bbox by the
 * centre test. */
static int shape_cells(struct geo_index *ix, uint32_t si, struct cell_entry **list, size_t *n,
                       size_t *cap)
{
    struct shape *s = &ix->shapes[si];
    int c0 = col_of(ix, s->geom.bbox[0]), c1 = col_of(ix, s->geom.bbox[2]);
    int w = c1 - c0 + 1, h = s->row1 - s->row0 + 1;
    unsigned char *mark = calloc((size_t)w * (size_t)h, 1);
    if (!mark)
        return IOC_ENOMEM;
    EACH_EDGE(&s->geom, e, {
        int ca = col_of(ix, fmin(e.x1, e.x2)), cb = col_of(ix, fmax(e.x1, e.x2));
        int ra = row_of(ix, fmin(e.y1, e.y2)), rb = row_of(ix, fmax(e.y1, e.y2));
        for (int r = ra; r <= rb; r++)
            for (int c = ca; c <= cb; c++)
                mark[(size_t)(r - s->row0) * (size_t)w + (size_t)(c - c0)] = CELL_BOUNDARY;
    })
    for (int r = s->row0; r <= s->row1; r++) {
        for (int c = c0; c <= c1; c++) {
            unsigned char *m = &mark[(size_t)(r - s->row0) * (size_t)w + (size_t)(c - c0)];
            if (!*m) {
                double cx = ix->x0 + (c + 0.5) * ix->cw, cy = ix->y0 + (r + 0.5) * ix->ch;
                *m = inside(ix, s, cx, cy) ? CELL_INSIDE : 0;
            }
            if (!*m)
                continue;
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 4096;
                struct cell_entry *l = realloc(*list, nc * sizeof *l);
                if (!l) {
                    free(mark);
                    return IOC_ENOMEM;
                }
                *list = l;
                *cap = nc;
            }
            (*list)[(*n)++] = (struct cell_entry){(uint32_t)(r * ix->gx + c), {si, *m}};
        }
    }
    free(mark);
    return 0;
}

int geo_index_build(struct geo_index *ix)
{
    if (ix->built)
        return IOC_EINVAL;
    ix->built = 1;
    if (ix->n == 0)
        return 0;
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < ix->n; i++) {
        const double *sb = ix->shapes[i].geom.bbox;
        b[0] = fmin(b[0], sb[0]);
        b[1] = fmin(b[1], sb[1]);
        b[2] = fmax(b[2], sb[2]);
        b[3] = fmax(b[3], sb[3]);
    }
    double wdeg = b[2] - b[0], hdeg = b[3] - b[1];
    ix->gx = (int)fmin(GRID_MAX, fmax(1, ceil(wdeg / CELL_DEG)));
    ix->gy = (int)fmin(GRID_MAX, fmax(1, ceil(hdeg / CELL_DEG)));
    ix->x0 = b[0];
    ix->y0 = b[1];
    ix->cw = wdeg > 0 ? wdeg / ix->gx : 1;
    ix->ch = hdeg > 0 ? hdeg / ix->gy : 1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ix->n; i++)
        rc = build_bands(ix, &ix->shapes[i]);
    struct cell_entry *list = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; rc == 0 && i < ix->n; i++)
        rc = shape_cells(ix, (uint32_t)i, &list, &n, &cap);
    size_t ncells = (size_t)ix->gx * (size_t)ix->gy;
    if (rc == 0 && n > UINT32_MAX)
        rc = IOC_ETOOBIG;
    if (rc == 0) {
        qsort(list, n, sizeof *list, by_cell);
        ix->cell_off = calloc(ncells + 1, sizeof *ix->cell_off);
        ix->entries = malloc((n ? n : 1) * sizeof *ix->entries);
        if (!ix->cell_off || !ix->entries)
            rc = IOC_ENOMEM;
    }
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            ix->cell_off[list[i].cell + 1]++;
            ix->entries[i] = list[i].e;
        }
        for (size_t c = 0; c < ncells; c++)
            ix->cell_off[c + 1] += ix->cell_off[c];
    }
    free(list);
    if (rc) { /* lookups then find nothing; destroy frees the rest */
        free(ix->cell_off);
        free(ix->entries);
        ix->cell_off = NULL;
        ix->entries = NULL;
        return rc;
    }
    for (size_t i = 0; i < ix->n; i++) { /* the bands hold every edge now */
        struct geo_shape *g = &ix->shapes[i].geom;
        double bbox[4];
        memcpy(bbox, g->bbox, sizeof bbox);
        geo_shape_free(g);
        memcpy(g->bbox, bbox, sizeof bbox);
    }
    return rc;
}

int geo_index_lookup(const struct geo_index *ix, double lon, double lat, int level, int32_t at_days,
                     int64_t *id)
{
    if (!ix->cell_off || !isfinite(lon) || !isfinite(lat)) /* not built, empty, or failed */
        return IOC_ENOTFOUND;
    if (lon < ix->x0 || lat < ix->y0 || lon > ix->x0 + ix->gx * ix->cw ||
        lat > ix->y0 + ix->gy * ix->ch)
        return IOC_ENOTFOUND;
    size_t cell = (size_t)row_of(ix, lat) * (size_t)ix->gx + (size_t)col_of(ix, lon);
    for (uint32_t i = ix->cell_off[cell]; i < ix->cell_off[cell + 1]; i++) {
        const struct entry *e = &ix->entries[i];
        const struct shape *s = &ix->shapes[e->shape];
        if (s->level != level || at_days < s->from || at_days > s->to)
            continue;
        if (e->kind == CELL_INSIDE || inside(ix, s, lon, lat)) {
            *id = s->id;
            return 0;
        }
    }
    return IOC_ENOTFOUND;
}
