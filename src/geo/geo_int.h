/* geo_int.h — what the files of src/geo/ share. Nothing outside src/geo/ includes this. */
#ifndef IOC_GEO_INT_H
#define IOC_GEO_INT_H

#include <geos_c.h>
#include <jansson.h>
#include <stddef.h>

#include "geo/geo.h"

/* Largest JSON text any geo function reads. */
#define GEO_TEXT_MAX ((size_t)256 << 20)

/* A (Multi)Polygon as flat rings: ring r has ring_len[r] positions starting at xy[2*ring_off[r]];
 * poly_rings[p] rings belong to polygon p (shell first, then holes). All arrays malloc'd, freed
 * by geo_shape_free. */
struct geo_shape {
    double *xy;
    size_t npoints;
    size_t *ring_off, *ring_len;
    size_t nrings;
    size_t *poly_rings;
    size_t npolys;
    double bbox[4];
};

/* Writes the formatted reason into msg (n bytes) and returns IOC_EINVAL. */
int geo_fail(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads a geometry object (Polygon or MultiPolygon) with full structural checks (positions,
 * ranges, closed rings of >= 4 positions); on error writes the reason into msg. On success *out
 * owns its arrays; on failure it is left empty. */
int geo_shape_from_json(const json_t *geometry, struct geo_shape *out, char *msg, size_t n);
void geo_shape_free(struct geo_shape *s);
/* Appends one ring (np positions from xy, already checked) as a new ring; a shell starts a
 * new polygon. caps[4] are the capacities of xy, ring_off, ring_len, poly_rings. */
int geo_shape_add_ring(struct geo_shape *s, size_t caps[4], const double *xy, size_t np, int shell);
/* Recomputes s->bbox from the positions. */
void geo_shape_bbox(struct geo_shape *s);

/* A GEOS context with quiet notice and error handlers, or NULL. GEOS_finish_r when done. */
GEOSContextHandle_t geo_geos_open(void);
/* The shape as a GEOS MultiPolygon (caller destroys with GEOSGeom_destroy_r), or NULL. */
GEOSGeometry *geo_shape_geos(GEOSContextHandle_t h, const struct geo_shape *s);
/* 0 if GEOS finds the shape valid, else IOC_EINVAL with GEOS's reason in msg. */
int geo_shape_valid(GEOSContextHandle_t h, const struct geo_shape *s, char *msg, size_t n);

#endif
