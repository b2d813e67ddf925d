/*
 * routes.c — the route table: every endpoint of iocd, who may call it, and which handler
 * answers. A route added here without a row in the OpenAPI file or in the route × role test
 * table fails the test suite.
 */
#include "api/api_int.h"

#include <string.h>

#define R(m, p, n, need, needname, scope, body, fn)                                                \
    {                                                                                              \
        {m, p, n, needname, scope}, need, body, fn                                                 \
    }

static const struct api_route routes[] = {
    R("GET", "/healthz", "health", AUTH_PUBLIC, "public", NULL, 0, h_health),
    R("GET", "/metrics", "metrics", AUTH_PUBLIC, "public", NULL, 0, h_metrics),
    R("GET", "/api/openapi.json", "openapi", AUTH_PUBLIC, "public", NULL, 0, h_openapi),
    R("GET", "/api/v1/units", "units.list", AUTH_PUBLIC, "public", NULL, 0, h_units_list),
    R("GET", "/api/v1/units.geojson", "units.geojson", AUTH_PUBLIC, "public", NULL, 0,
      h_units_geojson),
    R("GET", "/api/v1/units/lookup", "units.lookup", AUTH_PUBLIC, "public", NULL, 0,
      h_units_lookup),
    R("GET", "/api/v1/units/{code}", "units.get", AUTH_PUBLIC, "public", NULL, 0, h_units_get),
    R("POST", "/api/v1/session", "session.create", AUTH_PUBLIC, "public", NULL, 1,
      h_session_create),
    R("GET", "/api/v1/session", "session.get", AUTH_STAFF_UP, "staff", NULL, 0, h_session_get),
    R("DELETE", "/api/v1/session", "session.delete", AUTH_STAFF_UP, "staff", NULL, 0,
      h_session_delete),
    R("PUT", "/api/v1/session/password", "session.password", AUTH_STAFF_UP, "staff", NULL, 1,
      h_session_password),
    R("GET", "/api/v1/agencies", "agencies.list", AUTH_SIGNED_IN, "signed_in", "read:agencies", 0,
      h_agencies_list),
    R("POST", "/api/v1/agencies", "agencies.create", AUTH_ADMIN, "admin", "write:agencies", 1,
      h_agencies_create),
    R("GET", "/api/v1/agencies/{code}", "agencies.get", AUTH_SIGNED_IN, "signed_in",
      "read:agencies", 0, h_agencies_get),
    R("PATCH", "/api/v1/agencies/{code}", "agencies.update", AUTH_ADMIN, "admin", NULL, 1,
      h_agencies_update),
    R("GET", "/api/v1/users", "users.list", AUTH_ADMIN, "admin", NULL, 0, h_users_list),
    R("POST", "/api/v1/users", "users.create", AUTH_ADMIN, "admin", NULL, 1, h_users_create),
    R("PATCH", "/api/v1/users/{username}", "users.update", AUTH_ADMIN, "admin", NULL, 1,
      h_users_update),
    R("PUT", "/api/v1/users/{username}/password", "users.password", AUTH_ADMIN, "admin", NULL, 1,
      h_users_password),
    R("GET", "/api/v1/keys", "keys.list", AUTH_STAFF_UP, "staff", NULL, 0, h_keys_list),
    R("POST", "/api/v1/keys", "keys.create", AUTH_STAFF_UP, "staff", NULL, 1, h_keys_create),
    R("DELETE", "/api/v1/keys/{id}", "keys.revoke", AUTH_STAFF_UP, "staff", NULL, 0, h_keys_revoke),
    R("GET", "/api/v1/audit", "audit.list", AUTH_ADMIN, "admin", "read:audit", 0, h_audit_list),
};

const struct api_route *api_route_table(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}

int api_route_index(const struct api_route *r)
{
    return (int)(r - routes);
}

const struct api_route_info *api_routes(size_t *n)
{
    static struct api_route_info infos[sizeof routes / sizeof routes[0]];
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        infos[i] = routes[i].info;
    *n = sizeof routes / sizeof routes[0];
    return infos;
}

void api_routes_write(FILE *f)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct api_route_info *r = &routes[i].info;
        fprintf(f, "%s\t%s\t%s\t%s\t%s\n", r->method, r->pattern, r->name, r->need,
                r->scope ? r->scope : "-");
    }
}
