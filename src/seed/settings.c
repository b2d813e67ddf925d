/*
 * settings.c — the seed module's settings, section [demo]: whether to seed the demo province,
 * where its real unit data is, and the demo users' passwords. Stored in struct seed_settings;
 * listed once in src/config/modules.c.
 */
#include "seed/seed.h"

#include <stddef.h>

#include "config/config.h"

#define OFF(f) offsetof(struct seed_settings, f)
static const struct config_setting rows[] = {
    {"demo", "enabled", CONFIG_BOOL, OFF(enabled), "false", 0, 1,
     "Seed the demo province at start if not yet seeded (same as --demo)."},
    {"demo", "sensors", CONFIG_BOOL, OFF(sensors), "true", 0, 1,
     "With the demo: write synthetic sensor series (the registry's air, water-level, noise and "
     "water-quality stations, "
     "30 traffic, 10 power; a year of hourly history backfilled, then every 10 s)."},
    {"demo", "units_dir", CONFIG_STR, OFF(units_dir), "data/vn-units", 0, 0,
     "Directory of the real administrative unit data loaded by the demo."},
    {"demo", "indicators_dir", CONFIG_STR, OFF(indicators_dir), "data/indicators", 0, 0,
     "Directory of the demo indicator catalogue (domains.csv, catalogue.csv); empty: none."},
    {"demo", "dashboards_dir", CONFIG_STR, OFF(dashboards_dir), "data/dashboards", 0, 0,
     "Directory of the demo dashboards (dashboards.jsonl), loaded after the catalogue; empty "
     "(or no catalogue): none."},
    {"demo", "reports_dir", CONFIG_STR, OFF(reports_dir), "data/reports", 0, 0,
     "Directory of the citizen reports' services (services.json: categories, attributes, "
     "deadlines, agencies, per-commune overrides); empty: none."},
    {"demo", "stations_dir", CONFIG_STR, OFF(stations_dir), "data/environment", 0, 0,
     "Directory of the demo's SYNTHETIC monitoring stations (stations.csv), loaded when no "
     "station is stored; empty: none."},
    {"demo", "reports", CONFIG_BOOL, OFF(reports), "true", 0, 1,
     "With reports_dir: about 300 synthetic citizen reports of the last 120 days in every state, "
     "and the public citizen page's API key (write:reports only; docs/reports.md)."},
    {"demo", "indicator_values", CONFIG_BOOL, OFF(indicator_values), "true", 0, 1,
     "With the catalogue: write synthetic values of its indicators (about 2.2 million rows over "
     "36 months, 10-20 s at the first start; docs/indicators.md, \"Demo values\")."},
    {"demo", "values_today", CONFIG_STR, OFF(values_today), "", 0, 0,
     "The day (YYYY-MM-DD) before which the demo values end (their last complete periods); "
     "empty: the day the demo is seeded."},
    {"demo", "password_admin", CONFIG_STR, OFF(password_admin), "", 0, 0,
     "Password of the demo user admin; empty: generated and printed at first start."},
    {"demo", "password_leader", CONFIG_STR, OFF(password_leader), "", 0, 0,
     "Password of the demo user leader; empty: generated."},
    {"demo", "password_operator", CONFIG_STR, OFF(password_operator), "", 0, 0,
     "Password of the demo user operator; empty: generated."},
    {"demo", "password_staff", CONFIG_STR, OFF(password_staff), "", 0, 0,
     "Password of the demo user staff; empty: generated."},
};

const struct config_module config_module_seed = CONFIG_MODULE("seed", struct seed_settings, rows);

const struct seed_settings *seed_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_seed);
}
