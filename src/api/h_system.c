/* h_system.c — the system module (/healthz, /metrics, /api/openapi.json), and the page "/"
 * shows while the console was never built. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

API_OPENAPI_FRAGMENT(api_openapi_system, "src/api/openapi/system.json");

static void h_health(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    static const char ok[] = "{\"status\":\"ok\"}";
    net_res_send_static(c->req, 200, "application/json", ok, sizeof ok - 1);
}

static void h_metrics(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    api_metrics_render(c);
}

static void h_openapi(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    net_res_send_static(c->req, 200, "application/json", c->api->openapi, c->api->openapi_len);
}

/* What "/" shows while the console was never built: plain HTML (the CSP allows no inline script
 * or style), Vietnamese first, English below. It names no path of the server. */
static const char console_missing_html[] =
    "<!doctype html>\n"
    "<html lang=\"vi\">\n"
    "<head><meta charset=\"utf-8\"><title>ioc — chưa có giao diện điều hành</title></head>\n"
    "<body>\n"
    "<h1>Giao diện điều hành chưa được dựng</h1>\n"
    "<p>Máy chủ iocd đang chạy, nhưng thư mục giao diện web chưa có tệp index.html. "
    "Hãy dựng giao diện bằng lệnh <code>make web</code> trong thư mục mã nguồn, "
    "rồi tải lại trang này. API tại /api/v1/ vẫn hoạt động.</p>\n"
    "<hr>\n"
    "<div lang=\"en\">\n"
    "<h2>The console has not been built</h2>\n"
    "<p>iocd is running, but its web root has no index.html. Build the console with "
    "<code>make web</code> in the source tree, then reload this page. "
    "The API under /api/v1/ works.</p>\n"
    "</div>\n"
    "</body>\n"
    "</html>\n";

int h_console_missing(struct api_ctx *c)
{
    size_t mlen;
    const char *m = net_req_method(c->req, &mlen);
    int get = (mlen == 3 && memcmp(m, "GET", 3) == 0) || (mlen == 4 && memcmp(m, "HEAD", 4) == 0);
    const char *root = c->api->cfg->web_root;
    if (!get || !root || !*root)
        return 0;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/index.html", root);
    if (n < 0 || (size_t)n >= sizeof path || access(path, F_OK) == 0)
        return 0;
    net_req_set_route(c->req, "static");
    net_res_send_static(c->req, 503, "text/html; charset=utf-8", console_missing_html,
                        sizeof console_missing_html - 1);
    return 1;
}

/* The system module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route system_routes[] = {
    API_ROUTE("GET", "/healthz", "health", AUTH_PUBLIC, "public", NULL, 0, h_health),
    API_ROUTE("GET", "/metrics", "metrics", AUTH_PUBLIC, "public", NULL, 0, h_metrics),
    API_ROUTE("GET", "/api/openapi.json", "openapi", AUTH_PUBLIC, "public", NULL, 0, h_openapi),
};

const struct api_module api_module_system = API_MODULE("system", system_routes, api_openapi_system);
