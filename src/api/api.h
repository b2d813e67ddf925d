/*
 * api — the HTTP handlers of iocd: parse a request, call a module, render JSON / GeoJSON /
 * Prometheus text. Thin by design: no SQL (store.h does that), no h2o (net.h does that), and
 * HTTP statuses are chosen only here.
 *
 * Every route is one row of a module's table (src/api/h_<module>.c: method, pattern, name, who
 * may call it), the modules listed once in src/api/modules.c. The OpenAPI document served at
 * /api/openapi.json is assembled from src/api/openapi/base.json and each module's fragment
 * (src/api/openapi/<module>.json) and checked against the routes; the route × role test has a
 * file per module (tests/integration/matrix/<module>.mjs).
 */
#ifndef IOC_API_H
#define IOC_API_H

#include <stdio.h>

struct api;
struct ioc_config;
struct store;
struct net_app;

/* The application over an opened store (whose writer thread the caller starts). cfg and st
 * must outlive the api. Builds the point index from the stored units. */
int api_create(const struct ioc_config *cfg, struct store *st, struct api **out);
void api_destroy(struct api *a);
/* The callbacks net_server_create needs. */
void api_net_app(struct api *a, struct net_app *out);
/* Lets /metrics report the server's connection counts. */
struct net_server;
void api_set_server(struct api *a, struct net_server *s);
/* Gives the telemetry routes their ingest (NULL: they answer 503). Before the server runs. */
struct telemetry_ingest;
void api_set_ingest(struct api *a, struct telemetry_ingest *ig);
/* The AQI engine the API reads the latest indices from (NULL: none; set before serving). */
struct env_engine;
void api_set_environment(struct api *a, struct env_engine *e);
/* The webhooks' delivery thread the ping and retry routes wake (NULL: none; before serving). */
struct notify;
void api_set_notify(struct api *a, struct notify *n);
/* The live event hub GET /api/v1/events subscribes to and the API's acts publish to (NULL:
 * the route answers 503 and nothing is published). Before the server runs. */
struct events_hub;
void api_set_events(struct api *a, struct events_hub *h);
/* Gives the alert routes the engine to tell of rule changes and acts (NULL: none). */
struct alerts;
void api_set_alerts(struct api *a, struct alerts *al);

/* One row of the route table. */
struct api_route_info {
    const char *method;  /* "GET", "POST", … */
    const char *pattern; /* "/api/v1/units/{code}" */
    const char *name;    /* "units.get": the route label in logs and metrics */
    const char *need;    /* "public", "signed_in", "staff", "operator", "leader", "admin" */
    const char *scope;   /* API-key scope that admits a key, or NULL */
};
/* The route table; *n rows. */
const struct api_route_info *api_routes(size_t *n);
/* Writes the table as tab-separated lines (method, pattern, name, need, scope or "-", module). */
void api_routes_write(FILE *f);
/* Writes the OpenAPI document served at /api/openapi.json; 0 or an IOC_E* code (the reason
 * written to stderr). */
int api_openapi_write(FILE *f);

#endif
