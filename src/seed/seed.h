/*
 * seed — loads the real administrative units of the demo province and the demo organisation.
 *
 * Real data (data/vn-units/, with its README of sources): units-2024.tsv (three levels, valid
 * until 2025-06-30), units-2025.tsv and dongnai-2025-communes.geojson / -province.geojson (two
 * levels from 2025-07-01, real boundaries), succession-2025.tsv (which old units each new
 * commune came from, whole or "một phần" = in part). Synthetic data (demo users, the agencies'
 * names beyond the real unit names) is marked synthetic in its stored names or details.
 */
#ifndef IOC_SEED_H
#define IOC_SEED_H

#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct ioc_config;

/* The settings of section [demo] (settings.c; strings owned by the configuration). */
struct seed_settings {
    int enabled;          /* seed the demo province on start (same as --demo) */
    int sensors;          /* with enabled: run the synthetic sensor series (src/telemetry/demo.c) */
    char *units_dir;      /* real unit data: units-*.tsv, *.geojson, succession-2025.tsv */
    char *indicators_dir; /* the demo indicator catalogue: domains.csv, catalogue.csv */
    char *dashboards_dir; /* the demo dashboards: dashboards.jsonl */
    char *reports_dir;    /* the citizen reports' services: services.json */
    char *stations_dir;   /* the demo's monitoring stations: stations.csv (synthetic) */
    int reports;          /* with reports_dir: synthetic reports and the citizen page's key */
    int indicator_values; /* with the catalogue: its synthetic values (seed_indvalues_job) */
    char *values_today;   /* "YYYY-MM-DD" the values end before; "": the day of seeding */
    char *password_admin;
    char *password_leader;
    char *password_operator;
    char *password_staff;
};
/* The [demo] settings of c (after config_defaults). */
const struct seed_settings *seed_settings_get(const struct ioc_config *c);

/* Loads units, boundaries and succession from dir (e.g. "data/vn-units") in one transaction
 * job (run it with store_tx or store_writer_run). Idempotent: units are put by (code,
 * valid_from). Bumps meta "units_generation". */
struct seed_units {
    const char *dir; /* in */
    char error[256]; /* out: file, line and reason when rc < 0 */
    int units;       /* out: counts */
    int boundaries;
    int successions;
};
int seed_units_job(struct store_conn *w, void *arg /* struct seed_units * */);

/* The demo organisation: the people's committee (UBND-75) with its office, inspectorate and
 * departments (Sở …), the city police (a root agency of its own), one agency per commune
 * people's committee in force, and the demo users admin, leader, operator and staff (bound to
 * one department). Passwords come from the given strings, or are generated when NULL and
 * written back (malloc'd) so the caller can print them once. Sets meta "demo_seeded" so a
 * second run changes nothing (and returns passwords NULL). With indicators_dir, also imports
 * the demo indicator catalogue from it (seed_indicators_job, in the same transaction); then,
 * with dashboards_dir too, the demo dashboards (seed_dashboards_job, DIR/dashboards.jsonl);
 * and with indicator_values, the catalogue's synthetic values (seed_indvalues_job). */
struct seed_demo {
    char *password_admin; /* in/out */
    char *password_leader;
    char *password_operator;
    char *password_staff;
    const char *indicators_dir; /* in: the catalogue (domains.csv, catalogue.csv); NULL: none */
    const char *dashboards_dir; /* in: the dashboards (dashboards.jsonl); NULL: none */
    const char *reports_dir;    /* in: the reports' services (services.json); NULL: none */
    const char *stations_dir;   /* in: the stations (stations.csv), when none is stored; NULL */
    int stations;               /* out: stations loaded */
    int reports;                /* in: with reports_dir, the synthetic reports too */
    int report_count;           /* out: synthetic reports stored */
    int indicator_values;       /* in: with indicators_dir, the synthetic values too */
    const char *values_today;   /* in: their today, "YYYY-MM-DD"; NULL or "": the clock's */
    int64_t values;             /* out: values stored */
    int created;                /* out: 1 if this run created the demo organisation */
    int indicators;             /* out: indicators loaded */
    int dashboards;             /* out: dashboards loaded */
    int report_services;        /* out: report services loaded */
    char error[256];
};
int seed_demo_job(struct store_conn *w, void *arg /* struct seed_demo * */);

/* The demo's synthetic alert rules (rules_demo.c; docs/alerts.md "Demo rules"): rules over the
 * demo sensors' series (water alarm 2, AQI Xấu or worse, PM2.5 over 45 for 10 min, PM2.5 silent
 * 30 min), owned by the stations' operating agency, and citizen reports past their deadline (no
 * agency: the operators'), checked and audited (actor "demo") as an import. Once: sets meta
 * "demo_rules_seeded" in the same transaction, so a second run adds nothing and a deleted rule
 * stays deleted. iocd runs it when the demo and its sensors are on. */
struct seed_rules_demo {
    int added;       /* out: rules added */
    char error[256]; /* out: why it failed */
};
int seed_rules_demo_job(struct store_conn *w, void *arg /* struct seed_rules_demo * */);

/* Registers on a the alert rule types of every module as iocd has them — the environment's
 * (aqi_class, water_alarm), the reports' (report_overdue), the indicators' (target_missed,
 * submission_late) — so that iocd, iocctl rules and the demo check rules alike. st: where
 * report_overdue rules learn the open reports and the indicators' rules read the catalogue,
 * values and freshness (NULL: a registry that only checks rules). 0 or alerts_register_type's
 * error. */
struct alerts;
struct store;
int seed_alert_types(struct alerts *a, struct store *st);

/* ---- the indicator catalogue (indicators.c; its checks: indicators_catalogue.h) */

struct store_indicator;
struct store_ind_domain;

/* A bad cell or row of a catalogue file: file, 1-based line where the record starts, 1-based
 * data row (0 for the header or a record the CSV reader refused), column name ("" for the row
 * as a whole) and why (valid during the call). */
struct seed_ind_problem {
    const char *file;
    size_t line;
    size_t row;
    const char *column;
    const char *why;
};
typedef void (*seed_ind_problem_fn)(void *ctx, const struct seed_ind_problem *p);

/*
 * Imports the catalogue (data/indicators/README.md) in one transaction job (store_tx or
 * store_writer_run): domains_path (NULL: none; the domains stored are used) and
 * catalogue_path, CSV (RFC 4180, UTF-8 with or without a BOM) or XLSX (the first sheet; read by
 * src/sheet, which tells them apart by their bytes), stored in NFC. Every bad row is
 * passed to problem (may be NULL) and counted; if any, nothing is stored and the job returns
 * IOC_EINVAL. Otherwise the catalogue is upserted (store_ind_catalogue_put) and an audit row
 * "indicators.import" (actor, actor_role; detail: the counts) is written in the same
 * transaction. IOC_ENOTFOUND or IOC_EIO with error set when a file cannot be read.
 */
struct seed_indicators {
    const char *domains_path;   /* in, may be NULL */
    const char *catalogue_path; /* in */
    const char *actor;          /* in: the audit row's actor ("iocctl", "demo") */
    seed_ind_problem_fn problem;
    void *ctx;
    size_t problems; /* out */
    int64_t added;   /* out: indicators */
    int64_t updated;
    int64_t unchanged;
    int64_t domains_added; /* out: domains */
    int64_t domains_updated;
    char error[256];
};
int seed_indicators_job(struct store_conn *w, void *arg /* struct seed_indicators * */);

/* Appends the stored domains and catalogue to d and x (either may be NULL) as CSV in the
 * files' form: header, LF line ends, a field quoted only when it holds a comma, a quote or a
 * line break. What was imported comes back byte for byte. */
struct ioc_buf;
int seed_indicators_export(struct store_conn *c, struct ioc_buf *d, struct ioc_buf *x);
/* Appends one CSV record of n fields (and its LF) to b. */
int seed_csv_record(struct ioc_buf *b, const char *const *fields, size_t n);

/* ---- dashboards (dashboards.c) ----------------------------------------------------------- */

struct dash_lookup;

/* A bad line of a dashboards file: file, 1-based line, the JSON path in its document ("" for
 * the line as a whole) and why (valid during the call). */
struct seed_dash_problem {
    const char *file;
    size_t line;
    const char *path;
    const char *why;
};
typedef void (*seed_dash_problem_fn)(void *ctx, const struct seed_dash_problem *p);

/*
 * Imports a JSON Lines file of dashboards (docs/dashboards.md: one document a line, blank lines
 * skipped) in one transaction job (store_tx or store_writer_run): each document is checked by
 * src/dashboards against the stored catalogue and units, and ids must not repeat. Every bad line
 * is passed to problem (may be NULL) and counted; if any, nothing is stored and the job returns
 * IOC_EINVAL. Otherwise each is put (store_dashboard_put, updated_by actor) and an audit row
 * "dashboards.import" (detail: the counts) is written in the same transaction. IOC_ENOTFOUND or
 * IOC_EIO with error set when the file cannot be read.
 */
struct seed_dashboards {
    const char *path;  /* in */
    const char *actor; /* in: the audit row's actor and updated_by ("iocctl", "demo") */
    seed_dash_problem_fn problem;
    void *ctx;
    size_t problems; /* out */
    int64_t added;   /* out */
    int64_t updated;
    int64_t unchanged;
    char error[256];
};
int seed_dashboards_job(struct store_conn *w, void *arg /* struct seed_dashboards * */);
/* Appends every stored dashboard's document to b, one a line in the order of listing (the file
 * seed_dashboards_job reads); *n (may be NULL) how many. */
int seed_dashboards_export(struct store_conn *c, struct ioc_buf *b, size_t *n);
/* Fills lk with callbacks that answer from c (indicators, domains, units of any date). */
void seed_dashboards_lookup(struct dash_lookup *lk, struct store_conn *c);

/* ---- citizen reports' services (reports.c) ------------------------------------------------ */

/* Loads data/reports/services.json (data/reports/README.md) in one transaction job: every
 * service checked by src/reports and put with its attributes, then the per-commune overrides,
 * and an audit row "reports.services.import". IOC_EINVAL with error naming the service or
 * override at fault; nothing is stored then. */
struct seed_reports {
    const char *path;  /* in */
    const char *actor; /* in: the audit row's actor */
    int services;      /* out */
    int overrides;     /* out */
    char error[256];
};
int seed_reports_job(struct store_conn *w, void *arg /* struct seed_reports * */);

/* The demo's synthetic citizen reports (reports_demo.c; docs/reports.md, "Demo reports"), from
 * the stored services and the communes in force today, ending at now_ms (0: the clock); and
 * the public citizen page's API key (write:reports of VP-UBND), kept in meta "citizen_key".
 * Needs the services and the demo agencies stored. */
struct seed_reports_demo {
    int64_t now_ms; /* in */
    int reports;    /* out */
    char error[256];
};
int seed_reports_demo_job(struct store_conn *w, void *arg /* struct seed_reports_demo * */);

/* ---- the demo's indicator values (indvalues_demo.c) -------------------------------------- */

/*
 * Synthetic values for every indicator of the stored catalogue that is not derived
 * (docs/indicators.md, "Demo values"): the last 36 months, 12 quarters or 3 years (daily
 * indicators the last 60 days) up to the last complete period before `today`, against the
 * communes in force on each period's last day (before 2025-07-01 the old communes, and for a
 * few indicators the old districts' own figures too); source "imported", who "demo", note
 * SEED_IV_NOTE, submitted (at) before the deadline and never after today. The agencies of
 * seed_late_agencies have no values for their indicators' latest `periods` periods. Every
 * number is a hash of (seed, indicator, unit, period): the same seed and today give the same
 * rows, whatever the order.
 */
#define SEED_IV_NOTE ""
#define SEED_IV_MAX_PERIODS 60
#define SEED_IV_SEED 17 /* the demo's seed */
#define SEED_LATE_AGENCIES 3
struct seed_late_agency {
    const char *code;
    int periods;
};
extern const struct seed_late_agency seed_late_agencies[SEED_LATE_AGENCIES];

struct seed_indvalues {
    const char *today;        /* in: "YYYY-MM-DD", the demo's today (Asia/Ho_Chi_Minh) */
    uint64_t seed;            /* in */
    const char *const *codes; /* in: only these indicators; NULL: all */
    size_t ncodes;
    int64_t rows;       /* out: values stored */
    int64_t indicators; /* out: indicators given values */
    char error[256];
};
/* Writes the values in the caller's transaction (store_tx or store_writer_run) through
 * store_indvalues_bulk_put. IOC_EINVAL for a bad today, IOC_ENOTFOUND when no commune is in
 * force today. */
int seed_indvalues_job(struct store_conn *w, void *arg /* struct seed_indvalues * */);

/* The generator itself, for tests: opened on the units of c; seed_iv_rows gives the rows of
 * one indicator (none for a derived or a computed one), valid until the next call or seed_iv_close
 * (their strings point into the generator or static text). */
struct seed_iv_gen;
struct store_indicator;
struct store_indvalue;
int seed_iv_open(struct store_conn *c, const char *today, uint64_t seed, struct seed_iv_gen **out);
int seed_iv_rows(struct seed_iv_gen *g, struct store_conn *c, const struct store_indicator *x,
                 const struct store_indvalue **rows, size_t *n);
void seed_iv_close(struct seed_iv_gen *g);
/* 1 if the indicators of domain get the whole 36 months (the old geography before
 * 2025-07-01), 0 if only the periods from 2025-07-01 on. */
int seed_iv_full_history(const char *domain);
/* 1 if code is an indicator the server computes from the modules' own data (the VN_AQI
 * figures of src/environment/figures.c): the generator writes none of its values. */
int seed_iv_computed(const char *code);
/* The periods generated for frequency f (an enum ind_freq) before today: *first and *count
 * (before the late agencies' periods are left out). */
struct ind_period;
int seed_iv_periods(const char *today, int f, struct ind_period *first, int32_t *count);

#endif
