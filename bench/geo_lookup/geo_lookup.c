/*
 * geo_lookup — point → commune lookups per second on one core with ioc's index, over the 95 real
 * communes of Đồng Nai and random points in the province's bounding box (fixed seed).
 *
 *   geo_lookup COMMUNES.geojson N [POINTS.csv M]
 *
 * Prints "ioc_lookups_per_s X", "ioc_hits H" for all N points and, when POINTS.csv is given,
 * writes the first M points there and prints "ioc_hits_first_M H" so bench/geo_lookup/run.sh
 * can check that PostGIS finds the same communes for the same points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "geo/geo.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return fprintf(stderr, "usage: geo_lookup COMMUNES.geojson N [POINTS.csv M]\n"), 2;
    char *text = NULL;
    size_t len = 0;
    if (ioc_file_read(argv[1], 1 << 26, &text, &len) != 0)
        return fprintf(stderr, "cannot read %s\n", argv[1]), 1;
    struct geo_feature *f = NULL;
    size_t n = 0;
    struct geo_error err;
    if (geo_features_parse(text, len, 10000, &f, &n, &err) != 0)
        return fprintf(stderr, "feature %ld: %s\n", err.feature, err.message), 1;
    free(text);
    struct geo_index *ix;
    double t0 = now();
    if (geo_index_create(&ix) != 0)
        return fprintf(stderr, "out of memory\n"), 1;
    double b[4] = {1e9, 1e9, -1e9, -1e9};
    for (size_t i = 0; i < n; i++) {
        if (geo_index_add(ix, (int64_t)i, 3, 0, INT32_MAX, f[i].geometry, strlen(f[i].geometry)) !=
            0)
            return fprintf(stderr, "feature %zu: not indexed\n", i), 1;
        b[0] = f[i].bbox[0] < b[0] ? f[i].bbox[0] : b[0];
        b[1] = f[i].bbox[1] < b[1] ? f[i].bbox[1] : b[1];
        b[2] = f[i].bbox[2] > b[2] ? f[i].bbox[2] : b[2];
        b[3] = f[i].bbox[3] > b[3] ? f[i].bbox[3] : b[3];
    }
    if (geo_index_build(ix) != 0)
        return fprintf(stderr, "index build failed\n"), 1;
    printf("ioc_build_seconds %.3f\n", now() - t0);
    long npts = atol(argv[2]);
    if (npts <= 0)
        return fprintf(stderr, "N must be positive\n"), 2;
    double *pts = malloc(sizeof *pts * 2 * (size_t)npts);
    if (!pts)
        return fprintf(stderr, "out of memory\n"), 1;
    srand(20251123);
    for (long i = 0; i < npts; i++) {
        pts[2 * i] = b[0] + (b[2] - b[0]) * rand() / (double)RAND_MAX;
        pts[2 * i + 1] = b[1] + (b[3] - b[1]) * rand() / (double)RAND_MAX;
    }
    long m = argc >= 5 ? atol(argv[4]) : 0;
    if (m > npts)
        m = npts;
    if (argc >= 5) {
        FILE *out = fopen(argv[3], "w");
        for (long i = 0; out && i < m; i++)
            fprintf(out, "%ld,%.9f,%.9f\n", i, pts[2 * i], pts[2 * i + 1]);
        if (out)
            fclose(out);
    }
    long hits = 0, hits_m = 0;
    double t1 = now();
    for (long i = 0; i < npts; i++) {
        int64_t id;
        if (geo_index_lookup(ix, pts[2 * i], pts[2 * i + 1], 3, 0, &id) == 0) {
            hits++;
            hits_m += i < m;
        }
    }
    double dt = now() - t1;
    printf("ioc_points %ld\nioc_seconds %.3f\nioc_lookups_per_s %.0f\nioc_hits %ld\n", npts, dt,
           (double)npts / dt, hits);
    if (m)
        printf("ioc_hits_first_m %ld\n", hits_m);
    geo_index_destroy(ix);
    geo_features_free(f, n);
    free(pts);
    return 0;
}
