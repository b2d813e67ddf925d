/*
 * routes.c — the route table: every endpoint of iocd, who may call it, and which handler
 * answers. Each module of modules.c contributes its rows (in its own h_<module>.c); the table is
 * their concatenation in list order, built once on first use and never changed after, so a
 * lookup is a walk over one array and a route's index (its row of metrics) is stable. A route
 * without its description in the module's OpenAPI fragment stops iocd at start
 * (api_openapi_assemble), and one without a row in the route × role test fails the suite.
 */
#include "api/api_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct api_route *table;
static struct api_route_info *infos;
static size_t ntable;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_build(void)
{
    size_t n = 0;
    for (size_t m = 0; m < api_modules_count; m++)
        n += api_modules[m]->nroutes;
    struct api_route *t = calloc(n ? n : 1, sizeof *t);
    struct api_route_info *in = calloc(n ? n : 1, sizeof *in);
    if (!t || !in) {
        free(t);
        free(in);
        return;
    }
    size_t k = 0;
    for (size_t m = 0; m < api_modules_count; m++)
        for (size_t i = 0; i < api_modules[m]->nroutes; i++, k++) {
            t[k] = api_modules[m]->routes[i];
            in[k] = t[k].info;
        }
    table = t;
    infos = in;
    ntable = n;
}

const struct api_route *api_route_table(size_t *n)
{
    pthread_once(&table_once, table_build);
    *n = ntable;
    return table;
}

int api_route_index(const struct api_route *r)
{
    return (int)(r - table);
}

const struct api_module *api_error_module(const char *path, size_t plen)
{
    for (size_t m = 0; m < api_modules_count; m++) {
        const char *pre = api_modules[m]->error_prefix;
        size_t n = pre ? strlen(pre) : 0;
        if (n && api_modules[m]->error && plen >= n && memcmp(path, pre, n) == 0)
            return api_modules[m];
    }
    return NULL;
}

const struct api_route_info *api_routes(size_t *n)
{
    pthread_once(&table_once, table_build);
    *n = ntable;
    return infos;
}

const struct api_route *api_route_find(const char *method, size_t mlen, const char *path,
                                       size_t plen)
{
    char buf[2 * 2048 + 64];
    const char *params[4];
    int nparams;
    if (plen > 2048)
        return NULL;
    if (mlen == 4 && memcmp(method, "HEAD", 4) == 0) {
        method = "GET";
        mlen = 3;
    }
    size_t n;
    const struct api_route *routes = api_route_table(&n);
    for (size_t i = 0; i < n; i++) {
        const char *m = routes[i].info.method;
        if (strlen(m) != mlen || memcmp(m, method, mlen) != 0)
            continue;
        if (api_pattern_match(routes[i].info.pattern, path, plen, buf, sizeof buf, params,
                              (int)IOC_ARRAY_LEN(params), &nparams))
            return &routes[i];
    }
    return NULL;
}

void api_routes_write(FILE *f)
{
    for (size_t m = 0; m < api_modules_count; m++)
        for (size_t i = 0; i < api_modules[m]->nroutes; i++) {
            const struct api_route_info *r = &api_modules[m]->routes[i].info;
            fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\n", r->method, r->pattern, r->name, r->need,
                    r->scope ? r->scope : "-", api_modules[m]->name);
        }
}
