/*
 * demo_model.c — the values of the demo's synthetic series (contract in telemetry.h, "the
 * demo's synthetic sensors"; docs/telemetry.md "Demo sensors").
 *
 * Invariants:
 *   1. A value is a pure function of (seed, anchor day, station code, series kind, time): no
 *      state, no clock. demo_at computes what all series share at one time (local hour,
 *      seasons, episodes, floods); demo_value adds the station's and series' own part.
 *   2. Episodes and floods are province-wide (the same hours at every station); how high they
 *      go is the station's. Their schedule per calendar year comes from (seed, year); the
 *      recent ones from the anchor day.
 *   3. A water station's normal high water stays below its alarm I (by 0.10-0.18 m, noise
 *      0.03 m); only a flood lifts it, to flood_level at the flood's peak (1.4: 40% of the way
 *      from I to II), whatever the tide then.
 */
#include "telemetry/demo_int.h"

#include <math.h>

#define NS_S INT64_C(1000000000)
#define DAY_S INT64_C(86400)
#define H_S INT64_C(3600)
#define LOCAL_OFFSET_S (7 * 3600) /* Asia/Ho_Chi_Minh, no daylight saving */
#define PI 3.14159265358979323846

/* the tide: M2 (12.42 h) and S2 (12 h), whose beat is the 14.77-day spring-neap cycle */
#define M2_S (12.42 * 3600)
#define S2_S (12.0 * 3600)
#define S2_RATIO 0.3
#define SWELL_M 0.35 /* the rainy season's rise of the mean level at its peak */

/* salts of the randomness: what a hashed number is for */
enum {
    SALT_EP1 = 101,
    SALT_EP2,
    SALT_FLOOD_DAY = 111,
    SALT_FLOOD_CLASS = 121,
    SALT_FLOOD_FRAC = 131,
    SALT_TIDE = 141,
    SALT_STATION = 151,
};

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Uniform in [-1, 1) from (seed, a, b). */
static double unit(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t h = mix(seed ^ mix(a * UINT64_C(0x100000001b3) ^ mix(b)));
    return (double)(h >> 11) / (double)(UINT64_C(1) << 52) - 1.0;
}

/* Uniform in [0, 1). */
static double u01(uint64_t seed, uint64_t a, uint64_t b)
{
    return (unit(seed, a, b) + 1) / 2;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Noise that moves smoothly over period_s (interpolated between hashed knots). */
static double smooth(uint64_t seed, uint64_t a, int64_t t_s, int64_t period_s)
{
    int64_t k = floordiv(t_s, period_s);
    double f = (double)(t_s - k * period_s) / (double)period_s;
    double w = (1 - cos(f * PI)) / 2;
    return unit(seed, a, (uint64_t)k) * (1 - w) + unit(seed, a, (uint64_t)(k + 1)) * w;
}

/* A bump of height 1 at hour mu of the day (circular), width sigma hours. */
static double bump(double h, double mu, double sigma)
{
    double d = fabs(h - mu);
    if (d > 12)
        d = 24 - d;
    return exp(-0.5 * (d / sigma) * (d / sigma));
}

/* 1 within half of c, 0 past half + ramp, a cosine between. */
static double pulse(int64_t t, int64_t c, int64_t half, int64_t ramp)
{
    int64_t d = t > c ? t - c : c - t;
    if (d <= half)
        return 1;
    if (d >= half + ramp)
        return 0;
    return 0.5 * (1 + cos(PI * (double)(d - half) / (double)ramp));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t year_of_days(int64_t z)
{
    z += 719468;
    int64_t era = floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

/* The rainy-season swell on local day number `day` (+ fraction): June to November. */
static double rain_of(double doy)
{
    if (doy < 152 || doy > 334)
        return 0;
    double s = sin(PI * (doy - 152) / 182);
    return s * s;
}

static double spring_neap(uint64_t seed, int64_t t_s)
{
    double beat = 2 * PI * (double)t_s * (1 / S2_S - 1 / M2_S) + 2 * PI * u01(seed, SALT_TIDE, 1);
    return sqrt(1 + S2_RATIO * S2_RATIO + 2 * S2_RATIO * cos(beat));
}

uint64_t demo_hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return mix(h);
}

void demo_station_prepare(const struct demo_model *m, struct demo_station *st)
{
    uint64_t k = st->key, seed = m->seed;
    st->size = 0.8 + 0.45 * u01(seed, k, SALT_STATION);
    double x = u01(seed, k, SALT_STATION + 1);
    st->industry = x * x;
    if (st->kind != DS_WATER)
        return;
    double *a = st->alarm;
    if (!isfinite(a[0]))
        a[0] = 1.5 + 0.4 * u01(seed, k, SALT_STATION + 2);
    if (!isfinite(a[1]) || a[1] <= a[0])
        a[1] = a[0] + 0.2;
    if (!isfinite(a[2]) || a[2] <= a[1])
        a[2] = a[1] + (a[1] - a[0]);
    st->amp = 0.8 + 0.1 * unit(seed, k, SALT_STATION + 3);
    st->lag_s = 7200 * u01(seed, k, SALT_STATION + 4);
    double margin = 0.10 + 0.08 * u01(seed, k, SALT_STATION + 5);
    st->mean = a[0] - margin - st->amp * (1 + S2_RATIO) - SWELL_M;
}

void demo_at(const struct demo_model *m, int64_t t_ns, struct demo_time *tm)
{
    int64_t t_s = floordiv(t_ns, NS_S), local = t_s + LOCAL_OFFSET_S;
    int64_t day = floordiv(local, DAY_S);
    int64_t year = year_of_days(day), jan1 = days_from_civil(year, 1, 1);
    uint64_t seed = m->seed, y = (uint64_t)year;
    tm->t_s = t_s;
    tm->h = (double)(local - day * DAY_S) / 3600.0;
    double doy = (double)(day - jan1) + tm->h / 24;
    tm->dry = 0.5 * (1 + cos(2 * PI * (doy - 30) / 365)); /* peaks at the end of January */
    tm->rain = rain_of(doy);
    tm->weekend = (day + 3) - floordiv(day + 3, 7) * 7 >= 5; /* 1970-01-01 was a Thursday */
    /* pollution episodes: from 20:00 of the day, a day and a half */
    int64_t e1 = jan1 + 9 + (int64_t)(8 * u01(seed, SALT_EP1, y));
    int64_t e2 = jan1 + 46 + (int64_t)(12 * u01(seed, SALT_EP2, y));
    int64_t e3 = m->anchor_day - 6;
    double s = pulse(local, e1 * DAY_S + 20 * H_S, 14 * H_S, 10 * H_S);
    s = fmax(s, pulse(local, e2 * DAY_S + 20 * H_S, 10 * H_S, 10 * H_S));
    tm->smog = fmax(s, pulse(local, e3 * DAY_S + 20 * H_S, 14 * H_S, 10 * H_S));
    /* floods: three in September-November each year, one 3 days before the anchor */
    tm->flood = 0;
    for (int k = 0; k < 4; k++) {
        int64_t c;
        double level;
        if (k < 3) {
            c = (jan1 + 250 + 28 * k + (int64_t)(8 * u01(seed, SALT_FLOOD_DAY + k, y))) * DAY_S +
                2 * H_S;
            double r = u01(seed, SALT_FLOOD_CLASS + k, y);
            level = (r < 0.7    ? 1
                     : r < 0.93 ? 2
                                : 3) +
                    0.35 + 0.3 * u01(seed, SALT_FLOOD_FRAC + k, y);
        } else {
            c = (m->anchor_day - 3) * DAY_S + 6 * H_S;
            level = 1.45;
        }
        double e = pulse(local, c, 20 * H_S, 14 * H_S);
        if (e > tm->flood) {
            int64_t cday = floordiv(c, DAY_S);
            tm->flood = e;
            tm->flood_level = level;
            tm->flood_env = spring_neap(seed, c - LOCAL_OFFSET_S);
            tm->flood_rain = rain_of((double)(cday - days_from_civil(year_of_days(cday), 1, 1)));
        }
    }
}

/* The water level at alarm units L (1.4: 40% of the way from I to II; past III, III's
 * spacing). */
static double level_at(const struct demo_station *st, double l)
{
    int k = (int)l;
    k = k < 1 ? 1 : k > 3 ? 3 : k;
    const double *a = st->alarm;
    double lo = a[k - 1], hi = k < 3 ? a[k] : a[2] + (a[2] - a[1]);
    return lo + (l - k) * (hi - lo);
}

static double water(const struct demo_model *m, const struct demo_station *st, double slow,
                    const struct demo_time *tm)
{
    double x = (double)tm->t_s - st->lag_s, ph = 2 * PI * u01(m->seed, SALT_TIDE, 2);
    double beat = 2 * PI * u01(m->seed, SALT_TIDE, 1);
    double tide = cos(2 * PI * x / M2_S + ph) + S2_RATIO * cos(2 * PI * x / S2_S + ph + beat);
    double v = st->mean + st->amp * tide + SWELL_M * tm->rain + 0.03 * slow;
    if (tm->flood > 0) {
        double high = st->mean + SWELL_M * tm->flood_rain + st->amp * tm->flood_env;
        double lift = level_at(st, tm->flood_level) - high;
        if (lift > 0)
            v += tm->flood * lift;
    }
    return round(v * 100) / 100;
}

/* Noise (DK_LAEQ, a roadside: tr the traffic) and water quality (DK_PH, DK_DO, DK_TSS, a river). */
static double noise_or_river(const struct demo_model *m, const struct demo_station *st,
                             const struct demo_series *s, const struct demo_time *tm, double tr,
                             double slow, double fast)
{
    uint64_t seed = m->seed;
    double h = tm->h, f = st->size;
    switch (s->kind) {
    case DK_LAEQ: { /* a roadside: about 54 dB(A) at night, 66-75 in the rush hours */
        double v = 48 + 24 * (0.85 + 0.15 * f) * sqrt(tr) + 1.5 * slow + 0.5 * fast;
        return round(v * 10) / 10;
    }
    case DK_PH: /* a river: 6.8 .. 7.4, a little lower in the rainy season */
        return round((7.0 + 0.3 * u01(seed, st->key, 8) - 0.2 * tm->rain + 0.05 * slow) * 100) /
               100;
    case DK_DO: /* dissolved oxygen, mg/l: highest in the afternoon, lower with warm floods */
        return round((5.6 + 0.8 * bump(h, 15, 3) - 0.6 * tm->rain - 0.8 * tm->flood + 0.15 * slow) *
                     100) /
               100;
    case DK_TSS: { /* suspended solids, mg/l: muddy in the rainy season and in a flood */
        double v = 22 + 30 * tm->rain + 70 * tm->flood + 4 * slow + 0.5 * fast;
        return round(v * 10) / 10;
    }
    default:
        return 0;
    }
}

double demo_value(const struct demo_model *m, const struct demo_station *st,
                  const struct demo_series *s, const struct demo_time *tm)
{
    uint64_t seed = m->seed, si = s->key;
    int64_t t_s = tm->t_s;
    double h = tm->h, dry = tm->dry, f = st->size, e = tm->smog;
    double slow = smooth(seed, si, t_s, 900), fast = unit(seed, si, (uint64_t)(t_s / 10));
    double night = 0.5 * (1 + cos(2 * PI * (h - 2) / 24));
    /* traffic, 0.07 .. 1: the rush hours and midday */
    double tr = (4 + 50 * bump(h, 7, 1.0) + 55 * bump(h, 17.5, 1.2) + 25 * bump(h, 12.5, 3.5)) /
                60 * (tm->weekend ? 0.7 : 1.0);
    switch (s->kind) {
    case DK_PM25:
    case DK_PM10: {
        uint64_t k = st->key;
        double pm = f * (15 + 16 * night + 16 * bump(h, 7.5, 1.2) + 14 * bump(h, 18.5, 1.5)) *
                        (0.75 + 0.55 * dry) * (tm->weekend ? 0.9 : 1.0) +
                    3 * smooth(seed, k, t_s, 900) + 0.8 * unit(seed, k, (uint64_t)(t_s / 10));
        pm = pm < 3 ? 3 : pm;
        if (e > 0) /* an episode: 157 .. 240 at its height, higher at night */
            pm = (1 - e) * pm + e * ((0.9 + 0.2 * u01(seed, k, 3)) * (175 + 25 * bump(h, 2, 4)) +
                                     4 * smooth(seed, k, t_s, 900));
        if (s->kind == DK_PM10)
            pm *= 1.55 + 0.35 * u01(seed, k, 4) + 0.08 * smooth(seed, si, t_s, 600);
        return round(pm * 10) / 10;
    }
    case DK_NO2: {
        double v = (0.8 + 0.35 * u01(seed, st->key, 5)) * (20 + 75 * tr + 12 * night) *
                       (0.85 + 0.25 * dry) * (1 + 0.5 * e) +
                   3 * slow + 0.5 * fast;
        return round(v * 10) / 10;
    }
    case DK_SO2: {
        double v = (10 + 40 * st->industry) * (0.85 + 0.35 * bump(h, 10, 3)) * (0.9 + 0.2 * dry) *
                       (1 + 0.4 * e) +
                   2 * slow + 0.3 * fast;
        return round((v < 2 ? 2 : v) * 10) / 10;
    }
    case DK_CO: {
        double v = (0.8 + 0.35 * u01(seed, st->key, 6)) * (900 + 2800 * tr + 900 * night) *
                       (0.85 + 0.25 * dry) * (1 + 0.8 * e) +
                   120 * slow + 20 * fast;
        return round(v);
    }
    case DK_O3: {
        double sun = bump(h, 14, 2.3) * (0.7 + 0.3 * dry); /* cloudier in the rainy season */
        double v = (0.85 + 0.27 * u01(seed, st->key, 7)) * (38 + 120 * sun) + 4 * slow + fast;
        return round(v * 10) / 10;
    }
    case DK_TEMP:
        return round((27 + 4 * cos(2 * PI * (h - 14.5) / 24) + 2 * (1 - dry) + 0.8 * slow +
                      0.1 * fast) *
                     10) /
               10;
    case DK_WATER:
        return water(m, st, slow, tm);
    case DK_LAEQ:
    case DK_PH:
    case DK_DO:
    case DK_TSS:
        return noise_or_river(m, st, s, tm, tr, slow, fast);
    case DK_TRAFFIC: {
        double v = f * 60 * tr * (1 + 0.15 * slow) + 2 * fast;
        return v < 0 ? 0 : round(v);
    }
    case DK_POWER:
    default:
        return round((f * (30 + 15 * bump(h, 13, 4) + 20 * bump(h, 19, 2)) * (1.1 - 0.2 * dry) +
                      1.5 * slow) *
                     100) /
               100;
    }
}
