/*
 * modules.c — the one registration list of the modules that have settings of their own. Each
 * module defines `const struct config_module config_module_<module>` (its rows and the size of
 * its settings struct) in its own folder; the list's order is the order of `iocd --config-doc`
 * after the platform's sections.
 */
#include "config/config.h"

#define CONFIG_MODULE_LIST(X)                                                                      \
    X(seed) X(telemetry) X(indicators) X(reports) X(environment) X(webhooks) X(events) X(alerts)

#define DECLARE(m) extern const struct config_module config_module_##m;
CONFIG_MODULE_LIST(DECLARE)
#undef DECLARE

#define ENTRY(m) &config_module_##m,
const struct config_module *const config_modules[] = {CONFIG_MODULE_LIST(ENTRY)};
#undef ENTRY

const size_t config_modules_count = sizeof config_modules / sizeof config_modules[0];
