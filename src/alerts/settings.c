/*
 * settings.c — the alerts module's settings, section [alerts] (docs/alerts.md): the regroup
 * window, the observer queue and the most rules. Listed once in src/config/modules.c.
 */
#include <stddef.h>

#include "alerts/alerts.h"
#include "config/config.h"

#define OFF(f) offsetof(struct alerts_settings, f)
static const struct config_setting rows[] = {
    {"alerts", "regroup_s", CONFIG_INT, OFF(regroup_s), "3600", 0, 604800,
     "A firing within this many seconds of its alert's resolution by the data reopens that alert "
     "(count + 1) instead of making a new one; 0: never."},
    {"alerts", "queue_points", CONFIG_INT, OFF(queue_points), "200000", 1000, 10000000,
     "Telemetry points the alert engine's queue holds; past it the ingest's points are dropped "
     "from evaluation (counted), never delayed."},
    {"alerts", "max_rules", CONFIG_INT, OFF(max_rules), "5000", 1, 100000,
     "Alert rules stored at most."},
    {"alerts", "max_age_s", CONFIG_INT, OFF(max_age_s), "7200", 0, 31622400,
     "Points older than this many seconds (by their own time) are not evaluated, so history "
     "loaded or a late batch never fires an alert now; 0: every point. The hourly AQI is "
     "written at its hour's start, up to two hours back."},
};

const struct config_module config_module_alerts =
    CONFIG_MODULE("alerts", struct alerts_settings, rows);

const struct alerts_settings *alerts_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_alerts);
}
