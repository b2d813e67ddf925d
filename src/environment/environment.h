/*
 * environment — monitoring stations and the Vietnam Air Quality Index (docs/environment.md):
 *
 *   - VN_AQI exactly as Decision 1459/QĐ-TCMT prescribes (aqi.c): a pure library over hourly
 *     means, no I/O, no allocation, any thread; iocctl aqi and the server use the same calls,
 *     so the numbers a department checks by hand are the server's numbers;
 *   - the station registry (stations.c) and the incremental computation as readings arrive
 *     (engine.c) join in their own sections below.
 *
 * Hours are labelled by their END, as the decision does (01:00 … 24:00): the hourly mean
 * labelled h averages the readings with h − 1 h <= t < h, and the day D is the hours labelled
 * D 01:00 … D+1 00:00 in Asia/Ho_Chi_Minh time, i.e. the readings of the calendar day D.
 */
#ifndef IOC_ENVIRONMENT_H
#define IOC_ENVIRONMENT_H

#include <stddef.h>
#include <stdint.h>

/* ---- VN_AQI (aqi.c) ---------------------------------------------------------------------- */

/* The pollutants, in the order of the CSV columns (time,pm25,pm10,no2,so2,co,o3); this order
 * also breaks ties for the dominant pollutant. */
enum aqi_pollutant { AQI_PM25 = 0, AQI_PM10, AQI_NO2, AQI_SO2, AQI_CO, AQI_O3, AQI_NPOLL };

/* "pm25", "pm10", "no2", "so2", "co", "o3" (the CSV column and the telemetry field name). */
const char *aqi_pollutant_name(enum aqi_pollutant p);
/* The pollutant named s (those names), or -1. */
int aqi_pollutant_of(const char *s);

/* One hour's means in µg/m³ (CO too), NAN where missing. A negative value counts as missing
 * (quality control removes invalid values; the library never sees them as data). */
struct aqi_hour {
    double c[AQI_NPOLL];
};

/* Why there is no index (the decision's rule that left it empty). */
enum aqi_reason {
    AQI_OK = 0,
    AQI_NO_PM,         /* neither PM2.5 nor PM10 has a value: no AQI at all */
    AQI_NOWCAST_SHORT, /* hourly: fewer than 2 of the last 3 hours for every PM present */
    AQI_DAY_SHORT,     /* daily: fewer than AQI_DAY_MIN_HOURS hourly means of PM */
};
/* "ok", "no_pm", "nowcast_short", "day_short" (the API's and the CSV's word). */
const char *aqi_reason_name(enum aqi_reason r);

/* choice (docs/environment.md): the daily PM mean needs this many of the 24 hourly means; the
 * O₃ 8-hour mean needs AQI_O3_8H_MIN_HOURS of its 8. */
#define AQI_DAY_MIN_HOURS 18
#define AQI_O3_8H_MIN_HOURS 6

/* An index with its parts. Sub-indices are rounded half up (exactly: see aqi.c), the AQI is
 * their maximum (the same as rounding the unrounded maximum, rounding being monotone), capped
 * at 500. conc[p] is the concentration that produced sub[p] (the NowCast for PM hourly, the
 * day's mean for PM daily, the day's largest hourly mean for the others; for O₃ daily the one
 * of the two that won), NAN when none. */
struct aqi_result {
    int aqi;                /* 0 … 500, or -1 (no index: see reason) */
    int sub[AQI_NPOLL];     /* -1 where the pollutant has no value */
    double conc[AQI_NPOLL]; /* NAN where none */
    int dominant;           /* enum aqi_pollutant of the largest sub-index, -1 without index */
    int cls;                /* 1 … 6 (Table 1), 0 without index */
    enum aqi_reason reason;
    int o3_8h; /* daily only: 1 when the O₃ sub-index came from the 8-hour column */
};

/* The class of an index (0 … 500): 1 Tốt (0–50) … 6 Nguy hại (301–500). */
int aqi_class(int aqi);
/* Table 1: the class's name in Vietnamese ("Tốt", "Trung bình", "Kém", "Xấu", "Rất xấu",
 * "Nguy hại") and English, its colour as "#rrggbb" (the table's RGB), and the health advice
 * for the public page. cls outside 1 … 6: "". */
const char *aqi_class_vi(int cls);
const char *aqi_class_en(int cls);
const char *aqi_class_colour(int cls);
const char *aqi_class_advice_vi(int cls);
const char *aqi_class_advice_en(int cls);

/* The breakpoint columns of Table 2. */
enum aqi_column {
    AQI_COL_O3_1H = 0,
    AQI_COL_O3_8H,
    AQI_COL_CO,
    AQI_COL_SO2,
    AQI_COL_NO2,
    AQI_COL_PM10,
    AQI_COL_PM25
};
/* The sub-index of concentration c (µg/m³, >= 0) in column col, rounded half up, 500 past the
 * last breakpoint; -1 for a missing (NAN, negative) c or, in the O₃ 8 h column, c > 400. */
int aqi_subindex(enum aqi_column col, double c);

/* The NowCast of c[0] (this hour) … c[n-1] (n-1 hours earlier; n <= 12, NAN missing) into *out:
 * 0, or IOC_ENOTFOUND when fewer than 2 of c[0..2] are present. */
int aqi_nowcast(const double *c, size_t n, double *out);

/* The hourly index of hour h[n-1], h[0 … n-1] being consecutive hours oldest first (the 11
 * before it are used by the NowCast; n < 12 means the earlier ones are missing). 0 and *out
 * (its reason may still say there is no index); IOC_EINVAL for n == 0. */
int aqi_hourly(const struct aqi_hour *h, size_t n, struct aqi_result *out);
/* The hourly index of each of h[0 … n): out[i] as aqi_hourly(h, i + 1) but from the last 12. */
void aqi_hourly_series(const struct aqi_hour *h, size_t n, struct aqi_result *out);

/* The daily index of a day: day[0 … 23] its hours labelled 01:00 … 24:00, prev[0 … 6] the 7
 * hours before it (labelled 18:00 … 24:00 of the day before; NULL: missing), needed for the
 * O₃ 8-hour means that end in the day's first hours. Always 0; *out says. */
int aqi_daily(const struct aqi_hour *day, const struct aqi_hour *prev, struct aqi_result *out);

/* ---- stations (stations.c, stations_csv.c, settings.c) ------------------------------------ */
/*
 * The registry of monitoring stations (docs/environment.md "Stations"): the rules of one
 * station, the telemetry measurement of its kind, its status from the time of its last reading,
 * and the registry as CSV. The rows themselves are the store's (store_stations.h).
 */
struct ioc_config;
struct store_conn;
struct store_station;
struct tsdb_db;
struct ioc_buf;

/* The settings of section [environment] (settings.c). */
struct env_settings {
    int online_s;  /* a last reading at most this old: online */
    int offline_s; /* older than online_s but at most this old: stale; older: offline */
};
const struct env_settings *env_settings_get(const struct ioc_config *c);

#define ENV_CODE_MAX 32     /* bytes of a station's code: [A-Z0-9][A-Z0-9_-]{0,31} */
#define ENV_NAME_MAX 200    /* bytes of a name */
#define ENV_MEASURES_MAX 16 /* fields a station lists in measures */
#define ENV_UNIT_CODE_MAX 32

/* "air", "water_level", "water_quality", "noise". */
enum env_kind { ENV_AIR = 0, ENV_WATER_LEVEL, ENV_WATER_QUALITY, ENV_NOISE, ENV_NKINDS };
const char *env_kind_name(enum env_kind k);
/* The kind named s, or -1. */
int env_kind_of(const char *s);
/* The telemetry measurement of the readings of a station of kind k (tag station=<code>):
 * air → "air", water_level → "water", water_quality → "water_quality", noise → "noise";
 * NULL for a bad k. */
const char *env_kind_measurement(enum env_kind k);
/* 1 if s is a station code. */
int env_code_valid(const char *s);

/* What a check asks of the world: whether an agency exists (1 yes, 0 no, or a negative IOC_E*)
 * and the commune in force today that contains a point (0 and its code into code[size];
 * IOC_ENOTFOUND outside the province; another negative IOC_E* when it cannot be told, e.g.
 * IOC_EBUSY while the server builds its map of communes). */
struct env_lookup {
    int (*agency)(void *ctx, const char *code);
    int (*commune)(void *ctx, double lon, double lat, char *code, size_t size);
    void *ctx;
};
/* A problem of a station: the field (column) at fault and why (valid during the call). */
typedef void (*env_problem_fn)(void *ctx, const char *field, const char *why);
/*
 * Checks s (its strings NFC already) field by field: code, name_vi (required), name_en, kind,
 * lat and lon (numbers inside the province: the point's commune is written into
 * commune[ENV_UNIT_CODE_MAX]), measures (1 to ENV_MEASURES_MAX distinct names
 * [a-z0-9_]{1,32}, comma-separated), agency ("" or a stored agency), alarm1..3 (water_level
 * only, finite, strictly ascending where present), synthetic (0 or 1). fn (may be NULL) is
 * called once per problem. 0; IOC_EINVAL after one or more problems; another negative code when
 * the lookup failed (nothing more is checked then).
 */
int env_station_check(const struct store_station *s, const struct env_lookup *lk,
                      char commune[ENV_UNIT_CODE_MAX], env_problem_fn fn, void *ctx);

/* The lookup of a store: the agencies of c and the communes in force today, their shapes read
 * from c at open into a point index of their own (for iocctl, the demo seed and tests; the
 * server uses its shared index). */
struct env_places;
int env_places_open(struct store_conn *c, struct env_places **out);
void env_places_lookup(struct env_places *p, struct env_lookup *lk);
void env_places_close(struct env_places *p);

/* A station's status from the time of its last reading. */
enum env_status { ENV_NEVER = 0, ENV_ONLINE, ENV_STALE, ENV_OFFLINE };
/* "never", "online", "stale", "offline". */
const char *env_status_name(enum env_status s);
/* last_ms 0 (no reading): never; now − last <= online_s: online (a reading from the future
 * too); <= offline_s: stale; else offline. */
enum env_status env_station_status(int64_t last_ms, int64_t now_ms, const struct env_settings *st);
/* The time (ms) of the last reading of each of s[0..n): the latest point of any field of its
 * kind's measurement tagged station=<code>, 0 for none, into last_ms[0..n). db NULL (no
 * telemetry engine): all 0. 0 or the engine's error. */
int env_stations_last_readings(struct tsdb_db *db, const struct store_station *s, size_t n,
                               int64_t *last_ms);

/* ---- the registry as CSV (stations_csv.c) ---- */

/* The columns, in the order export writes them: code, name_vi, name_en, kind, lat, lon,
 * measures, agency, alarm1, alarm2, alarm3, synthetic. The commune is computed, never read. */
#define ENV_CSV_COLUMNS 12
extern const char *const env_csv_columns[ENV_CSV_COLUMNS];

/* A refused cell or row of a file: 1-based data row (0 for the header or the file), column ("" for
 * the row as a whole) and why (valid during the call). */
struct env_csv_problem {
    size_t row;
    const char *column;
    const char *why;
};
typedef void (*env_csv_problem_fn)(void *ctx, const struct env_csv_problem *p);
/*
 * Parses and checks a CSV file of stations data[0..len) (RFC 4180, UTF-8 with or without BOM,
 * a header naming columns of env_csv_columns in any order; code, name_vi, kind, lat and lon
 * required): every row by env_station_check (its commune filled in), codes unique in the
 * file, at most ENV_CSV_MAX_ROWS rows. Every problem is passed to fn (may be NULL) and counted
 * in *problems. 0 with *out (malloc'd strings; store_stations_free) and *n; IOC_EINVAL when a
 * problem was found (nothing returned); another negative code (the lookup's, IOC_ENOMEM).
 */
#define ENV_CSV_MAX_ROWS 10000
int env_stations_csv_parse(const char *data, size_t len, const struct env_lookup *lk,
                           env_csv_problem_fn fn, void *ctx, size_t *problems,
                           struct store_station **out, size_t *n);
/* Appends s[0..n) to b as CSV: the header, then one row each, LF line ends, a field quoted
 * only when it needs it, numbers in their shortest exact form; what parse reads back is the
 * same registry. */
int env_stations_csv(const struct store_station *s, size_t n, struct ioc_buf *b);

/*
 * Imports a CSV file of stations in one transaction job (store_tx or store_writer_run):
 * env_stations_csv_parse against the store's agencies and communes (env_places), then each
 * station put (created or replaced; stations not in the file are kept) and an audit row
 * "stations.import" (actor, role admin, ip local; detail: the counts). All or nothing:
 * IOC_EINVAL with problems counted when any row is refused.
 */
struct env_import {
    const char *data; /* in: the file's bytes */
    size_t len;
    const char *actor;  /* in: the audit row's actor ("iocctl", "demo") */
    const char *target; /* in: the audit row's target ("stations:FILE.csv") */
    env_csv_problem_fn problem;
    void *ctx;
    size_t problems; /* out */
    int64_t added, updated, unchanged;
};
int env_stations_import_job(struct store_conn *w, void *arg /* struct env_import * */);

/* What the demo's sensor generator needs of each station: code, kind, the commune's code and
 * name, the alarm levels (NAN where none). */
struct env_demo_station {
    char code[ENV_CODE_MAX + 1];
    enum env_kind kind;
    char commune[ENV_UNIT_CODE_MAX];
    char commune_name[96];
    double alarm[3];
};
/* Every stored station, by code (*out malloc'd, free()). */
int env_demo_stations(struct store_conn *c, struct env_demo_station **out, size_t *n);

#endif
