/*
 * url.c — where the photos' URLs point (media.h, docs/reports.md "Photos"): the configured
 * [reports] media_base_url, else nothing (the URL is the path /media/<hash>.jpg). The request's
 * Host header is the client's word and is never put in a URL that is stored or answered.
 */
#include "media/media.h"

#include <stdio.h>
#include <string.h>

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr(".-:[]", c));
}

int media_base_valid(const char *base, size_t *len)
{
    size_t n = strlen(base), at = 0;
    if (strncmp(base, "https://", 8) == 0)
        at = 8;
    else if (strncmp(base, "http://", 7) == 0)
        at = 7;
    while (n > at && base[n - 1] == '/')
        n--; /* https://ioc.example.gov.vn/ is https://ioc.example.gov.vn */
    if (at == 0 || n >= MEDIA_BASE_MAX)
        return 0;
    size_t h = at;
    while (h < n && host_char(base[h]))
        h++;
    if (h == at || (h < n && base[h] != '/'))
        return 0;
    for (size_t i = h; i < n; i++) /* a path prefix: unreserved characters and / only */
        if (!(host_char(base[i]) && base[i] != ':' && base[i] != '[' && base[i] != ']') &&
            !strchr("/_~", base[i]))
            return 0;
    if (len)
        *len = n;
    return 1;
}

void media_url_base(const char *configured, char out[MEDIA_BASE_MAX])
{
    size_t n = 0;
    out[0] = '\0';
    if (configured && configured[0] && media_base_valid(configured, &n))
        snprintf(out, MEDIA_BASE_MAX, "%.*s", (int)n, configured);
}
