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
    AQI_NO_PM,         /* no PM2.5 or PM10 value at all: none in the NowCast's 12 hours
                          (hourly), no PM hour in the day (daily) */
    AQI_NOWCAST_SHORT, /* hourly: PM values in the 12 hours, but fewer than 2 of the last 3
                          hours for each PM */
    AQI_DAY_SHORT,     /* daily: PM hours in the day, but fewer than AQI_DAY_MIN_HOURS for
                          each PM */
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

/* ---- VN_AQI: a CSV of hourly means (aqi_csv.c), what iocctl aqi reads and writes ---------- */

/* One hour read from the CSV: the time that labels its END (seconds since 1970, a whole hour),
 * the line it was on, its means. */
struct aqi_csv_row {
    int64_t t;
    size_t line;
    struct aqi_hour h;
};
/* Where and why a CSV was refused: line 1-based, column the CSV column (1-based field number; 0
 * for the whole row or file), message in English. */
struct aqi_csv_error {
    size_t line, column;
    char message[192];
};
/* Reads text[0 … n): header `time,pm25,pm10,no2,so2,co,o3` (a BOM allowed; columns in any order;
 * a missing pollutant column = all missing; an unknown or repeated column refused), then a row
 * per hour: time RFC 3339 with its offset, a whole hour, the hour's END label; a cell empty
 * (missing) or a decimal number (ioc_parse_f64; negative = missing, as in struct aqi_hour). Rows
 * in any order, a repeated time refused. 0 and *rows (malloc'd, the caller frees; NULL when
 * none) sorted by time, *nrows; IOC_EINVAL and *err at the first problem; IOC_ENOMEM. */
int aqi_csv_read(const char *text, size_t n, struct aqi_csv_row **rows, size_t *nrows,
                 struct aqi_csv_error *err);
/* The hourly index of every row (sorted by time, unique): out[i] for rows[i], the hours missing
 * between rows being missing hours of the NowCast window. */
void aqi_csv_hourly(const struct aqi_csv_row *rows, size_t n, struct aqi_result *out);
/* One local day (Asia/Ho_Chi_Minh): days since 1970 of its date, its index. */
struct aqi_csv_day {
    int32_t day;
    struct aqi_result r;
};
/* The day of the hour whose END is t: the date in UTC+7 of t − 1 h (24:00 belongs to the day
 * it ends). */
int32_t aqi_day_of(int64_t t);
/* The daily index of every local day holding at least one row (rows sorted, unique), in order:
 * *days malloc'd (the caller frees; NULL when none), *ndays. 0 or IOC_ENOMEM. */
int aqi_csv_daily(const struct aqi_csv_row *rows, size_t n, struct aqi_csv_day **days,
                  size_t *ndays);
/* Appends the output CSV of iocctl aqi to b: the header
 * `time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3`, then a row per hour
 * (daily 0: time as RFC 3339 in +07:00) or per day (daily 1: YYYY-MM-DD); aqi, class (Table 1 in
 * Vietnamese) and dominant empty without an index, a sub-index empty without a value. 0 or
 * IOC_ENOMEM. */
struct ioc_buf;
int aqi_csv_write(const struct aqi_csv_row *rows, size_t n, int daily, struct ioc_buf *b);
/* The header line of that CSV, and one row: hourly (daily 0) t is the hour's END label in
 * seconds since 1970, daily t the local day. The server's CSV (GET /api/v1/aqi/…?format=csv)
 * is written by these too, so its rows are byte for byte those of iocctl aqi. */
void aqi_csv_put_header(struct ioc_buf *b);
void aqi_csv_put_row(struct ioc_buf *b, int daily, int64_t t, const struct aqi_result *r);

/* ---- hourly means and the AQI of a station's stored readings (means.c) ------------------- */
/*
 * Readings are telemetry: measurement `air`, tag station=<code>, fields named as the
 * pollutants (aqi_pollutant_name). The hourly mean labelled h is the mean of the readings with
 * h − 1 h <= t < h of every series of that field and station (other tags merged).
 */
struct tsdb_db;
struct telemetry_ingest;
struct ioc_buf;

#define ENV_HOUR_NS (INT64_C(3600) * 1000000000)
#define ENV_DAY_NS (24 * ENV_HOUR_NS)
#define ENV_LOCAL_OFFSET_NS (7 * ENV_HOUR_NS) /* Asia/Ho_Chi_Minh: UTC+7, no daylight saving */

/* The label (end) of the hour holding time t: the first whole hour after t (ns). */
int64_t env_hour_label(int64_t t);
/* The local day (days since 1970-01-01 in Asia/Ho_Chi_Minh) of the hour labelled h (the hour
 * labelled 24:00 belongs to the day it ends), and the label of a day's first hour (01:00). */
int32_t env_label_day(int64_t h);
int64_t env_day_first_label(int32_t day);

/* The hourly means of station for the n hours labelled first, first + 1 h, … into out[0 … n)
 * (NAN where an hour has no reading). 0, IOC_EINVAL (n == 0 or over 400 days of hours), or the
 * engine's error. */
int env_air_means(struct tsdb_db *db, const char *station, int64_t first, size_t n,
                  struct aqi_hour *out);

/* One computed index: an hour (its label) or a day (its first label's day). */
struct env_aqi_row {
    int64_t label; /* hourly: the hour's label, ns; daily: env_day_first_label(day) */
    int32_t day;   /* daily: the local day; hourly: env_label_day(label) */
    struct aqi_result r;
};
#define ENV_AQI_MAX_HOURS (400 * 24) /* hours of one request at most */
/* The hourly AQIs of the hours labelled from … to (both whole hours, from <= to, at most
 * ENV_AQI_MAX_HOURS) of station, from its stored readings (reading the 11 hours before from
 * for the NowCast). *rows (free()) gets one row per hour, oldest first. 0, IOC_EINVAL,
 * IOC_ETOOBIG (range), IOC_ENOMEM or the engine's error. */
int env_aqi_hourly(struct tsdb_db *db, const char *station, int64_t from, int64_t to,
                   struct env_aqi_row **rows, size_t *n);
/* The daily AQIs of the local days from … to (at most 400) likewise. */
int env_aqi_daily(struct tsdb_db *db, const char *station, int32_t from, int32_t to,
                  struct env_aqi_row **rows, size_t *n);

/* ---- the AQI engine: incremental, as readings arrive (engine.c) --------------------------- */
/*
 * The engine observes the points the telemetry ingest made durable (telemetry_ingest_observe):
 * each `air` reading of a pollutant marks its station's hour dirty (memory only, on the ingest
 * thread). Its own thread then recomputes exactly what those hours touch — the hourly AQIs of
 * the hours labelled h … h + 11 h (the NowCast window) and the days holding h … h + 7 h (the O₃
 * 8-hour means), never past the hour in progress (or the reading's own hour, if later) — and
 * writes them back as telemetry through the same ingest, so that charts, the live stream
 * (GET /api/v1/stream?measurement=aqi) and indicators read them like any series:
 *
 *   measurement `aqi`, tag station, field aqi, at the hour's START (label − 1 h), for each
 *   hour that has an index; measurement `aqi_daily` likewise at the day's local midnight. (The
 *   sub-indices and the reasons are answered by GET /api/v1/aqi/{station}/hourly|daily, which
 *   compute them from the readings with the same library.)
 *
 * A recomputed hour is written again at the same time; the engine's reads take the later
 * write (docs/environment.md). At start it backfills each station with `air` readings from 12
 * hours before its last stored `aqi` point (or backfill_days ago) to its last reading, so a
 * restart or a kill -9 during a computation leaves no gap. The latest hour of each station is
 * kept in memory for GET /api/v1/aqi/latest.
 */
struct env_engine;

struct events_hub;
/* An event handed to env_engine_options.durable: json[0..n) of type, visible to agency_id. */
struct env_event {
    const char *type;
    int64_t agency_id;
    const char *json;
    size_t n;
};
struct env_engine_options {
    int backfill_days;       /* 0: 400 */
    int64_t (*now_fn)(void); /* ns since the epoch; NULL: the wall clock */
    int paused;              /* tests: hours are marked but never computed */
    struct store *store;     /* the registry's alarm levels (water.c); NULL: none */
    /* the live event stream (src/events): each water alarm crossing, once written, is
     * published as a `station` event (water.c); NULL: none */
    struct events_hub *events;
    /* the webhooks (src/iocd/wire.c): the same events, once per written batch of crossings, on
     * the engine's thread; it must not wait for a receiver (notify's queue is durable and its
     * own thread delivers). NULL: none */
    void (*durable)(void *ctx, const struct env_event *ev, size_t n);
    void *durable_ctx;
};

/* Starts the engine on ig (observer and thread). 0, IOC_ENOMEM, IOC_ETOOBIG (no observer slot
 * left). */
int env_engine_start(struct telemetry_ingest *ig, const struct env_engine_options *o,
                     struct env_engine **out);
/* Stops the thread (the work in hand is finished or dropped: it is derived data, redone by the
 * next start's backfill) and frees e. Call before telemetry_ingest_close. NULL is fine. */
void env_engine_stop(struct env_engine *e);
/* Waits until every hour marked dirty before the call is computed and durable; 0, or
 * IOC_EBUSY after timeout_ms. For tests and benchmarks. */
int env_engine_flush(struct env_engine *e, int timeout_ms);

/* The latest computed hour (and day) of a station. */
struct env_latest {
    char station[64];
    int64_t label; /* the hour's label, ns; 0 when none */
    struct aqi_result hour;
    int32_t day; /* the latest day computed */
    struct aqi_result daily;
};
/* A copy of the latest of every station the engine has computed (sorted by station), or of
 * the one named station (NULL: all). *out: free(). 0 or IOC_ENOMEM. */
int env_engine_latest(struct env_engine *e, const char *station, struct env_latest **out,
                      size_t *n);
/*
 * Water levels (water.c): the engine also observes `water` `level` readings and compares each,
 * in arrival order (a reading older than the newest one seen is not compared), with its
 * station's alarm levels I, II, III from the registry (reloaded every 30 s; at start each
 * station's state is its latest stored reading's, and when that differs from the state the
 * latest water_alarm point announced — a crossing while iocd was down — that crossing is
 * emitted once, as a live one, at the reading's time). A reading whose state —
 * the highest level it is at or above, 0 … 3 — differs from the last one's is an event, written
 * as the series `water_alarm` (tag station; fields state, previous, level) at the reading's
 * time: upwards when a level is crossed, downwards when the water falls back below it. Once that
 * point is durable the event is also published on the live event stream (options.events) as a
 * `station` event of the station's agency (EVENTS_EVERYONE when it has none: stations are
 * public), data env_water_event_json's.
 */
/* The `station` event of a crossing (docs/api.md "Live events"): {"code", "kind":
 * "water_level", "alarm_state" (0 … 3), "previous", "level" (m), "at" (RFC 3339, ms)}. */
void env_water_event_json(const char *station, int64_t t_ns, double level, int from, int to,
                          struct ioc_buf *b);
/* The registry changed (a station written or deleted): the levels are reloaded now. NULL is
 * fine. */
void env_engine_reload_levels(struct env_engine *e);
/* The state of level against alarm[0 … 2] (NAN: no such level): 0 … 3. */
int env_alarm_state(const double alarm[3], double level);
/* The newest level reading seen of station, its time (ns) and state: 0, or IOC_ENOTFOUND. */
int env_engine_water(struct env_engine *e, const char *station, double *level, int64_t *t,
                     int *state);

/* Appends the ioc_aqi_* and ioc_water_* counters (Prometheus text). */
int env_engine_metrics(struct env_engine *e, struct ioc_buf *b);

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

/* ---- latest values (latest.c) ---- */

/* The latest value of one field of a station: the newest point of its series of that field. */
struct env_value {
    char field[33];
    double v;
    int64_t t_ms;
    const char *unit; /* "µg/m³", "m", "dB(A)", "mg/l", "" (pH), NULL: not known */
};
/* The unit of a field of a kind's measurement (laeq dB(A); ph "", do and tss mg/l …), NULL when
 * the field is not one the project knows. */
const char *env_field_unit(enum env_kind k, const char *field);
/* The latest value of each field of the kind's measurement tagged station=<code>, at most cap,
 * sorted by field name, into out[0..*n). db NULL: none. 0 or the engine's error. */
int env_station_latest(struct tsdb_db *db, enum env_kind k, const char *code, struct env_value *out,
                       size_t cap, size_t *n);

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
    char agency[65]; /* the operating agency's code, "" for none */
};
/* Every stored station, by code (*out malloc'd, free()). */
int env_demo_stations(struct store_conn *c, struct env_demo_station **out, size_t *n);

/* ---- figures for the indicators catalogue (figures.c; docs/environment.md) --------------- */

#define ENV_FIG_AQI "MT.AQI"               /* the daily VN_AQI; several stations: their mean */
#define ENV_FIG_AQI_MAX "MT.AQI_MAX"       /* the highest hourly VN_AQI of the day */
#define ENV_FIG_BAD_DAYS "MT.AQI_NGAY_XAU" /* 1 when MT.AQI > ENV_FIG_BAD_AQI, else 0 */
#define ENV_FIG_BAD_AQI 100

/* One air station's day: its commune ("" none), daily AQI and highest hourly AQI (-1: none). */
struct env_fig_station {
    char commune[ENV_UNIT_CODE_MAX];
    int daily;
    int max_hourly;
};
/* The figures of local day `day` per commune from its stations' days st[0 … n) (pure): MT.AQI
 * (the mean of the daily AQIs there are, rounded to 0.01) and MT.AQI_NGAY_XAU when some station
 * has a daily AQI, MT.AQI_MAX when some has an hourly one; by commune. *out malloc'd (NULL
 * when none). 0 or IOC_ENOMEM. */
struct ind_computed;
int env_figures_of(const struct env_fig_station *st, size_t n, int32_t day,
                   struct ind_computed **out, size_t *nout);
/* The figures of the local days from … to (at most 400 days) of the air stations of
 * reg[0 … nreg) (others skipped), read from db's stored readings (env_aqi_daily,
 * env_aqi_hourly), day by day, each day's rows by commune. *out malloc'd. 0, IOC_EINVAL
 * (range), IOC_ENOMEM, or the engine's error. */
struct env_demo_station;
int env_figures_days(struct tsdb_db *db, const struct env_demo_station *reg, size_t nreg,
                     int32_t from, int32_t to, struct ind_computed **out, size_t *n);
/* env_figures_days over every station of c's registry (env_demo_stations). */
int env_figures_read(struct store_conn *c, struct tsdb_db *db, int32_t from, int32_t to,
                     struct ind_computed **out, size_t *n);

/* ---- alert rule types (alert_types.c; docs/alerts.md) ------------------------------------- */

/* aqi_class (params.class 1 … 6 over the `aqi` series) and water_alarm (params.level 1 … 3 over
 * the `water_alarm` series), target {"station": CODE} or {} for every station. */
struct alerts;
struct alerts_type;
extern const struct alerts_type env_alert_type_aqi_class, env_alert_type_water_alarm;
/* Registers both on a (before alerts_run): 0 or alerts_register_type's error. */
int env_alert_types_register(struct alerts *a);
/* Where the target of an alert is, for the alert engine's locate hook: tags ("k=v,…", the
 * series' tags) naming a station of the registry (station=CODE) → its lat, lon and commune code
 * (unit, "" none). IOC_ENOTFOUND without a station tag or for an unknown station. */
int env_alert_locate(struct store_conn *c, const char *tags, double *lat, double *lon,
                     char unit[16]);

#endif
