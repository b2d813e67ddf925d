/*
 * settings.c — the environment module's settings, section [environment]: when a station counts
 * as online, stale or offline (docs/environment.md "Stations"). Stored in struct env_settings;
 * listed once in src/config/modules.c.
 */
#include <stddef.h>

#include "config/config.h"
#include "environment/environment.h"

#define OFF(f) offsetof(struct env_settings, f)
static const struct config_setting rows[] = {
    {"environment", "online_s", CONFIG_INT, OFF(online_s), "900", 1, 86400,
     "A station whose last reading is at most this many seconds old is online."},
    {"environment", "offline_s", CONFIG_INT, OFF(offline_s), "7200", 1, 31536000,
     "A station whose last reading is older than online_s but at most this many seconds old is "
     "stale; older, offline (never: no reading at all)."},
};

const struct config_module config_module_environment =
    CONFIG_MODULE("environment", struct env_settings, rows);

const struct env_settings *env_settings_get(const struct ioc_config *c)
{
    return config_module_get(c, &config_module_environment);
}
