/* communes.h — the real communes of data/vn-units for the geo tests. */
#ifndef IOC_TEST_COMMUNES_H
#define IOC_TEST_COMMUNES_H

#include <stddef.h>

struct geo_feature;

/* Parses data/vn-units/dongnai-2025-communes.geojson (run from the repository root); the caller
 * frees with geo_features_free. 0 or a negative IOC_E* code. */
int test_communes_load(struct geo_feature **out, size_t *n);

#endif
