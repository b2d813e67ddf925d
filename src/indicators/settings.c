/*
 * settings.c — the indicators module's settings: section [indicators] (the limits of writing
 * values). Stored in struct ind_settings; listed once in src/config/modules.c.
 */
#include <stddef.h>

#include "config/config.h"
#include "indicators/indicators.h"

#define OFF(f) offsetof(struct ind_settings, f)
static const struct config_setting rows[] = {
    {"indicators", "max_values_per_request", CONFIG_INT, OFF(max_values_per_request), "10000", 1,
     1000000,
     "Most values in one POST /api/v1/indicators/{code}/values; a larger batch is refused with "
     "422 (the body may be up to 256 bytes a value)."},
    {"indicators", "max_import_bytes", CONFIG_INT, OFF(max_import_bytes), "16777216", 1024,
     268435456,
     "Largest file (CSV or XLSX) POST /api/v1/indicator-values/import takes; a larger body is "
     "refused with 413 before it is read."},
    {"indicators", "cache_entries", CONFIG_INT, OFF(cache_entries), "262144", 0, 67108864,
     "Rolled-up values kept in memory (about 150 bytes each) so that an overview or a chart "
     "asked again is answered without reading the stored values again; 0 keeps none. A change "
     "to the values, the catalogue or the units, by iocd or iocctl, is seen at the next read."},
};

const struct config_module config_module_indicators =
    CONFIG_MODULE("indicators", struct ind_settings, rows);
