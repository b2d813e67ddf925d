/* communes.c — the real communes of data/vn-units for the geo tests. */
#include "helpers/communes.h"

#include <stdlib.h>

#include "base/base.h"
#include "geo/geo.h"

int test_communes_load(struct geo_feature **out, size_t *n)
{
    char *text = NULL;
    size_t len = 0;
    struct geo_error err;
    int rc = ioc_file_read("data/vn-units/dongnai-2025-communes.geojson", 1 << 26, &text, &len);
    if (rc)
        return rc;
    rc = geo_features_parse(text, len, 1000, out, n, &err);
    free(text);
    return rc;
}
