/* The telemetry data set of bench/ingest.sh: air-quality stations as InfluxDB line protocol.
 *
 *   gen UNITS.tsv HOURS OUTDIR
 *
 * 1,000 stations, each in a real commune of UNITS.tsv (rows whose level is "commune"), report 8
 * numeric fields every 10 s for HOURS hours from 2026-11-01T00:00:00Z. As real stations do, each
 * runs on its own clock: a fixed phase of 1-9 s within the 10 s period and a few tens of ms of
 * jitter per reading (at most 0.5 s), so no sample sits on an hour boundary and "the hour ending at
 * T" (VictoriaMetrics) and "the hour starting at T" (InfluxDB) select the same samples. Values
 * follow daily cycles (local time UTC+7) plus per-station levels and AR(1) noise, and are printed
 * with 1 or 2 decimals. Deterministic: one fixed seed.
 *
 * Writes OUTDIR/data.lp (one line per station and timestamp, timestamps in milliseconds),
 * OUTDIR/meta (key value lines) and OUTDIR/expect.tsv: the hourly mean of pm25 of the stations that
 * the dashboard query selects (every tenth station), computed from the printed values. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATIONS 1000
#define FIELDS 8
#define STEP_MS 10000
#define START_MS 1793491200000LL /* 2026-11-01T00:00:00Z */
#define MAX_COMMUNES 512

enum { PM25, PM10, TEMP, HUMID, PRESS, NO2, O3, NOISE };
static const char *const field_names[FIELDS] = {"pm25",     "pm10", "temperature", "humidity",
                                                "pressure", "no2",  "o3",          "noise"};
static const int field_decimals[FIELDS] = {1, 1, 2, 1, 1, 1, 1, 1};

struct station {
    char tags[64];
    long long phase_ms;   /* when in each 10 s period the station reads */
    double level[FIELDS]; /* per-station scale of each field */
    double ar[FIELDS];    /* AR(1) noise state */
};

static uint64_t rng_state = 0x10c5eed2026ULL;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(void) /* (0, 1) */
{
    return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_gauss(void)
{
    return sqrt(-2.0 * log(rng_unit())) * cos(2.0 * M_PI * rng_unit());
}

static int read_communes(const char *path, char codes[][16])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < MAX_COMMUNES) {
        char code[16], level[32];
        if (line[0] == '#' || sscanf(line, "%15[^\t]\t%31[^\t]", code, level) != 2)
            continue;
        if (strcmp(level, "commune") == 0)
            memcpy(codes[n++], code, sizeof code);
    }
    fclose(f);
    return n;
}

/* Gaussian bump of the hour of day h (0..24) around centre c, width w (hours), wrapping. */
static double bump(double h, double c, double w)
{
    double d = fabs(h - c);
    if (d > 12)
        d = 24 - d;
    return exp(-d * d / (2 * w * w));
}

/* The noiseless value of field f at local hour h for a station at level lv. */
static double cycle(int f, double h, double lv)
{
    double sun = cos(2 * M_PI * (h - 14.0) / 24.0); /* +1 at 14:00, -1 at 02:00 */
    double traffic = bump(h, 7.5, 1.5) + 0.8 * bump(h, 18.0, 2.0);
    switch (f) {
    case PM25:
        return lv * (0.7 + 0.9 * traffic + 0.25 * (1 - sun));
    case PM10:
        return lv * (0.7 + 0.8 * traffic + 0.2 * (1 - sun));
    case TEMP:
        return lv + 3.8 * sun;
    case HUMID:
        return lv - 14.0 * sun;
    case PRESS:
        return lv + 1.4 * cos(4 * M_PI * (h - 10.0) / 24.0);
    case NO2:
        return lv * (0.5 + 1.2 * traffic);
    case O3:
        return lv * (0.3 + 0.9 * bump(h, 14.5, 2.5));
    default: /* noise, dB(A) */
        return lv + 12.0 * (0.4 * (1 + sun) / 2 + traffic * 0.6) - 6.0;
    }
}

static const double noise_sd[FIELDS] = {1.2, 2.0, 0.08, 0.6, 0.05, 1.0, 1.2, 1.5};
static const double clamp_lo[FIELDS] = {0, 0, -10, 5, 900, 0, 0, 20};
static const double clamp_hi[FIELDS] = {999, 999, 60, 100, 1100, 999, 999, 130};

static void init_stations(struct station *st, char codes[][16], int ncommunes)
{
    static const double lv_mean[FIELDS] = {28, 45, 27.5, 76, 1008.5, 22, 35, 55};
    static const double lv_sd[FIELDS] = {9, 14, 1.2, 5, 1.5, 7, 8, 5};
    for (int i = 0; i < STATIONS; i++) {
        const char *commune = codes[rng_next() % (uint64_t)ncommunes];
        snprintf(st[i].tags, sizeof st[i].tags, "commune=%s,station=S%04d", commune, i + 1);
        for (int f = 0; f < FIELDS; f++) {
            double lv = lv_mean[f] + lv_sd[f] * rng_gauss();
            st[i].level[f] = lv < lv_mean[f] * 0.3 ? lv_mean[f] * 0.3 : lv;
            st[i].ar[f] = 0;
        }
        st[i].phase_ms = 1000 + (long long)(rng_next() % 8001);
    }
}

/* Appends v (already scaled to an integer number of 10^-dec units) with dec decimals. */
static char *put_fixed(char *p, long long v, int dec)
{
    char tmp[32];
    int n = 0;
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || n <= dec);
    while (n > 0) {
        if (n == dec)
            *p++ = '.';
        *p++ = tmp[--n];
    }
    return p;
}

static char *put_int(char *p, long long v)
{
    return put_fixed(p, v, 0);
}

/* One line for station s in the period starting at t; *pm25_tenths receives its printed pm25 value.
 */
static char *put_line(char *p, struct station *s, long long t, long long *pm25_tenths)
{
    double h = fmod((double)(t / 1000 + 7 * 3600) / 3600.0, 24.0);
    memcpy(p, "air,", 4);
    p += 4;
    size_t tl = strlen(s->tags);
    memcpy(p, s->tags, tl);
    p += tl;
    for (int f = 0; f < FIELDS; f++) {
        s->ar[f] = 0.97 * s->ar[f] + noise_sd[f] * 0.25 * rng_gauss();
        double v = cycle(f, h, s->level[f]) + s->ar[f] + noise_sd[f] * 0.3 * rng_gauss();
        v = v < clamp_lo[f] ? clamp_lo[f] : v > clamp_hi[f] ? clamp_hi[f] : v;
        long long q = llround(v * (field_decimals[f] == 2 ? 100.0 : 10.0));
        if (f == PM25)
            *pm25_tenths = q;
        *p++ = f == 0 ? ' ' : ',';
        size_t nl = strlen(field_names[f]);
        memcpy(p, field_names[f], nl);
        p += nl;
        *p++ = '=';
        p = put_fixed(p, q, field_decimals[f]);
    }
    *p++ = ' ';
    double jitter = 30.0 * rng_gauss();
    jitter = jitter < -500 ? -500 : jitter > 500 ? 500 : jitter;
    p = put_int(p, t + s->phase_ms + llround(jitter));
    *p++ = '\n';
    return p;
}

static int write_outputs(const char *dir, struct station *st, int hours)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data.lp", dir);
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        return -1;
    }
    long long steps = (long long)hours * 3600000 / STEP_MS, per_hour = 3600000 / STEP_MS;
    long long *sum = calloc((size_t)STATIONS * (size_t)hours, sizeof *sum);
    static char buf[STATIONS * 256];
    long long bytes = 0;
    for (long long k = 0; k < steps; k++) {
        char *p = buf;
        for (int i = 0; i < STATIONS; i++) {
            long long pm;
            p = put_line(p, &st[i], START_MS + k * STEP_MS, &pm);
            sum[(size_t)i * (size_t)hours + (size_t)(k / per_hour)] += pm;
        }
        bytes += p - buf;
        fwrite(buf, 1, (size_t)(p - buf), out);
    }
    if (fclose(out) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/expect.tsv", dir);
    FILE *ex = fopen(path, "w");
    for (int i = 9; ex && i < STATIONS; i += 10)
        for (int hr = 0; hr < hours; hr++)
            fprintf(ex, "S%04d\t%lld\t%.15g\n", i + 1, START_MS + hr * 3600000LL,
                    (double)sum[(size_t)i * (size_t)hours + (size_t)hr] / (double)per_hour / 10.0);
    free(sum);
    if (!ex || fclose(ex) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/meta", dir);
    FILE *m = fopen(path, "w");
    if (!m)
        return -1;
    fprintf(m, "stations %d\nfields %d\nhours %d\nlines %lld\nvalues %lld\nbytes %lld\n", STATIONS,
            FIELDS, hours, steps * STATIONS, steps * STATIONS * FIELDS, bytes);
    fprintf(m, "start_ms %lld\nend_ms %lld\n", START_MS, START_MS + hours * 3600000LL);
    return fclose(m);
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: gen UNITS.tsv HOURS OUTDIR\n");
        return 2;
    }
    static char codes[MAX_COMMUNES][16];
    int n = read_communes(argv[1], codes);
    if (n <= 0) {
        fprintf(stderr, "gen: no commune in %s\n", argv[1]);
        return 1;
    }
    static struct station st[STATIONS];
    init_stations(st, codes, n);
    return write_outputs(argv[3], st, atoi(argv[2])) == 0 ? 0 : 1;
}
