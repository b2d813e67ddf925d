/* h_system.c — /healthz, /metrics and /api/openapi.json. */
#include "api/api_int.h"

#include <string.h>

void h_health(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    static const char ok[] = "{\"status\":\"ok\"}";
    net_res_send_static(c->req, 200, "application/json", ok, sizeof ok - 1);
}

void h_metrics(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    api_metrics_render(c);
}

void h_openapi(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    net_res_send_static(c->req, 200, "application/json", api_openapi_json,
                        (size_t)api_openapi_json_size);
}
