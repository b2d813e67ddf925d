/*
 * h_media.c — the photos of citizen reports (docs/reports.md "Photos"): GET /media/{hash}.jpg
 * and /media/{hash}_thumb.jpg, public, read from DATA_DIR/media/. A name is its content's hash,
 * so the answer never changes: cached a year, immutable, with the hash as ETag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/base.h"
#include "media/media.h"
#include "net/net.h"

API_OPENAPI_FRAGMENT(api_openapi_media, "src/api/openapi/media.json");

#define MEDIA_FILE_MAX ((size_t)80 << 20)

static void h_get(struct api_ctx *c)
{
    const char *name = c->params[0];
    if (!media_name_valid(name)) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No such photo.");
        return;
    }
    char etag[MEDIA_HASH_HEX + 3];
    snprintf(etag, sizeof etag, "\"%.*s\"", MEDIA_HASH_HEX, name);
    size_t in = 0;
    const char *inm = net_req_header(c->req, "if-none-match", &in);
    net_res_header(c->req, "cache-control", "public, max-age=31536000, immutable");
    net_res_header(c->req, "etag", etag);
    if (inm && in == strlen(etag) && memcmp(inm, etag, in) == 0) {
        net_res_send(c->req, 304, NULL, NULL, 0);
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/media/%s", c->api->cfg->data_dir, name);
    char *data = NULL;
    size_t n = 0;
    int rc = ioc_file_read(path, MEDIA_FILE_MAX, &data, &n);
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No such photo.");
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "the photo");
        return;
    }
    net_res_send(c->req, 200, "image/jpeg", data, n);
    free(data);
}

static const struct api_route media_routes[] = {
    API_ROUTE("GET", "/media/{name}", "media.get", AUTH_PUBLIC, "public", NULL, 0, h_get),
};

const struct api_module api_module_media = API_MODULE("media", media_routes, api_openapi_media);
