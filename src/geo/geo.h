/*
 * geo — geometry for administrative units: reading and checking RFC 7946 GeoJSON, the point →
 * unit index, and simplification for the screen. No SQL, no HTTP.
 *
 * Coordinates are WGS 84 longitude, latitude (RFC 7946 order). Validity checks and
 * simplification use the GEOS C API (reentrant _r functions, one GEOS context per call or per
 * thread); the point index is our own flat structure, built once and then read by any number of
 * threads without locks.
 */
#ifndef IOC_GEO_H
#define IOC_GEO_H

#include <stddef.h>
#include <stdint.h>

/* ---- GeoJSON FeatureCollection of unit boundaries --------------------------------------- */

/* One feature of an imported FeatureCollection. Strings are malloc'd, NFC, owned here. */
struct geo_feature {
    char *code;      /* properties.code (string or integer), required */
    char *name;      /* properties.name, required */
    char *full_name; /* properties.full_name or "" */
    char *name_en;   /* properties.name_en or "" */
    char *level;     /* properties.level or "" */
    double area_km2; /* properties.area_km2, else computed from the geometry */
    char *geometry;  /* the geometry object as compact JSON text (Polygon or MultiPolygon) */
    double bbox[4];  /* min lon, min lat, max lon, max lat */
};

/* Where and why an import was refused. */
struct geo_error {
    long feature; /* 0-based index of the offending feature, -1 for the collection itself */
    char message[256];
};

/*
 * Parses and checks a FeatureCollection of (Multi)Polygon unit boundaries: valid JSON, RFC 7946
 * structure, numeric positions within lon [-180,180] and lat [-90,90], closed rings of at least
 * four positions, and GEOS validity (no self-intersection, holes inside shells). On error nothing
 * is returned and err says which feature and why ("feature 12: Self-intersection at 106.8 10.9").
 * Caps: max_features features, the whole text at most 256 MiB.
 */
int geo_features_parse(const char *text, size_t n, size_t max_features, struct geo_feature **out,
                       size_t *count, struct geo_error *err);
void geo_features_free(struct geo_feature *a, size_t n);

/* Parses one GeoJSON geometry object (Polygon or MultiPolygon) and checks it as above.
 * On error, msg (at least 256 bytes) gets the reason. *bbox is written on success. */
int geo_geometry_check(const char *json, size_t n, double bbox[4], char *msg, size_t msg_size);

/* ---- simplification for the screen ------------------------------------------------------ */

/*
 * Simplifies a (Multi)Polygon geometry text with GEOS TopologyPreserveSimplify at a tolerance of
 * tolerance_m metres (converted to degrees at the geometry's latitude), and writes GeoJSON with
 * coordinates rounded to what that tolerance can show (at most 6 decimals). *out malloc'd. A
 * polygon that would vanish is kept as its simplest valid form, never dropped.
 */
int geo_simplify(const char *json, size_t n, double tolerance_m, char **out, size_t *outlen);

/* ---- point index ------------------------------------------------------------------------ */

struct geo_index;

/* An empty index. */
int geo_index_create(struct geo_index **out);
/*
 * Adds the polygons of a geometry under a caller's id, tagged with a level (small integer of
 * the caller's choosing) and a validity window in days since 1970-01-01 (valid_to_days
 * inclusive; INT32_MAX for open-ended). Not thread-safe; only before geo_index_build.
 */
int geo_index_add(struct geo_index *ix, int64_t id, int level, int32_t valid_from_days,
                  int32_t valid_to_days, const char *geometry_json, size_t n);
/* Freezes the index (builds the grid). After this, lookups are thread-safe and adds refused. */
int geo_index_build(struct geo_index *ix);
/*
 * The id of the shape of the given level, in force on at_days, that contains (lon, lat).
 * A point on a shared boundary belongs to exactly one of the neighbours. IOC_ENOTFOUND if none.
 * Allocation-free; at least 1,000,000 lookups/s on one core against the 95 real communes.
 */
int geo_index_lookup(const struct geo_index *ix, double lon, double lat, int level, int32_t at_days,
                     int64_t *id);
/* Number of shapes added. */
size_t geo_index_count(const struct geo_index *ix);
void geo_index_destroy(struct geo_index *ix);

/* ---- publishing the index to reader threads --------------------------------------------- */

/*
 * A slot holds the one published index; readers use it without locks or waiting, and a
 * single publisher replaces it whole. The index a publish replaces is returned to the publisher,
 * who destroys it once geo_slot_held says no reader still uses it (hazard pointers; see
 * slot.c). Uses atomics only: no threads, no locks.
 */
struct geo_slot;
struct geo_reader;

/* An empty slot (nothing published). */
int geo_slot_create(struct geo_slot **out);
/* Destroys the slot, its readers and the published index. No other thread may still use it. */
void geo_slot_destroy(struct geo_slot *s);
/* Registers a reader: one per thread that reads, kept (and owned) by the slot until it is
 * destroyed. Callable from any thread at any time. */
int geo_slot_reader_add(struct geo_slot *s, struct geo_reader **out);
/* The published index, held for r until geo_slot_release(r), or NULL when nothing is published
 * yet (then nothing is held). A reader holds one index at a time. Never waits. */
const struct geo_index *geo_slot_acquire(struct geo_slot *s, struct geo_reader *r);
/* Ends r's use of the index it acquired. */
void geo_slot_release(struct geo_reader *r);
/* Publishes ix (built; the slot owns it from now on) and returns the index it replaces (NULL if
 * none), which belongs to the caller again. One publisher at a time. */
struct geo_index *geo_slot_publish(struct geo_slot *s, struct geo_index *ix);
/* 1 while a reader still holds ix, an index already replaced by a publish; 0 when it may be
 * destroyed (no reader can acquire it again). */
int geo_slot_held(struct geo_slot *s, const struct geo_index *ix);

#endif
