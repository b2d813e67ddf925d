/* geo_int.h — what the files of src/geo/ share. Nothing outside src/geo/ includes this. */
#ifndef IOC_GEO_INT_H
#define IOC_GEO_INT_H

#include <jansson.h>
#include <stddef.h>

#include "geo/geo.h"

/* A (Multi)Polygon as flat rings: ring r has ring_len[r] positions starting at xy[2*ring_off[r]];
 * poly_rings[p] rings belong to polygon p (shell first, then holes). */
struct geo_shape {
    double *xy;
    size_t npoints;
    size_t *ring_off, *ring_len;
    size_t nrings;
    size_t *poly_rings;
    size_t npolys;
    double bbox[4];
};

/* Reads a geometry object (Polygon or MultiPolygon) with full structural checks; on error
 * writes the reason into msg. */
int geo_shape_from_json(const json_t *geometry, struct geo_shape *out, char *msg, size_t n);
void geo_shape_free(struct geo_shape *s);

#endif
