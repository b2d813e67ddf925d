/*
 * modules.c — the one registration list of the API's modules. A module (its routes and their
 * OpenAPI fragment, defined in its own src/api/h_<module>.c) is served when it has a line here.
 * The order is the route lookup order: the first route whose pattern and method match answers.
 */
#include "api/api_int.h"

#define API_MODULE_LIST(X)                                                                         \
    X(system)                                                                                      \
    X(units)                                                                                       \
    X(session)                                                                                     \
    X(accounts)                                                                                    \
    X(audit)                                                                                       \
    X(telemetry)                                                                                   \
    X(indicators)                                                                                  \
    X(dashboards)                                                                                  \
    X(indvalues)                                                                                   \
    X(indunits)                                                                                    \
    X(indimport)                                                                                   \
    X(overview)                                                                                    \
    X(open311)                                                                                     \
    X(media)                                                                                       \
    X(reports)                                                                                     \
    X(stations)                                                                                    \
    X(aqi)                                                                                         \
    X(webhooks)                                                                                    \
    X(events)                                                                                      \
    X(rules)                                                                                       \
    X(alerts)

#define DECLARE(m) extern const struct api_module api_module_##m;
API_MODULE_LIST(DECLARE)
#undef DECLARE

#define ENTRY(m) &api_module_##m,
const struct api_module *const api_modules[] = {API_MODULE_LIST(ENTRY)};
#undef ENTRY

const size_t api_modules_count = sizeof api_modules / sizeof api_modules[0];
