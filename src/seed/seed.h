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

struct store_conn;
struct ioc_config;

/* The settings of section [demo] (settings.c; strings owned by the configuration). */
struct seed_settings {
    int enabled;     /* seed the demo province on start (same as --demo) */
    int sensors;     /* with enabled: run the synthetic sensor series (src/telemetry/demo.c) */
    char *units_dir; /* real unit data: units-*.tsv, *.geojson, succession-2025.tsv */
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
 * second run changes nothing (and returns passwords NULL). */
struct seed_demo {
    char *password_admin; /* in/out */
    char *password_leader;
    char *password_operator;
    char *password_staff;
    int created; /* out: 1 if this run created the demo organisation */
    char error[256];
};
int seed_demo_job(struct store_conn *w, void *arg /* struct seed_demo * */);

#endif
