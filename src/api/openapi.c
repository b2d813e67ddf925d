/*
 * openapi.c — the OpenAPI 3 document served at /api/openapi.json, assembled from
 * src/api/openapi/base.json (info, servers, security, the components every module shares) and
 * the fragment of each module of modules.c, in list order. api_create assembles it once and
 * serves the text from memory; `iocd --openapi` prints the same text.
 *
 * Invariants of an assembled document:
 *   1. no path and no component is described by two modules (or by a module and the base);
 *   2. each module's fragment describes exactly its routes: an operation per route, under the
 *      route's pattern and lower-case method, whose operationId is the route's name, and no
 *      operation that is not a route of that module.
 * A document that breaks them is refused, so iocd does not start with a description that
 * differs from its router.
 */
#include "api/api_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

API_OPENAPI_FRAGMENT(api_openapi_base, "src/api/openapi/base.json");

static const char *const http_methods[] = {"get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace"};

static int fail(char *err, size_t n, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t n, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return rc;
}

static int is_method(const char *k)
{
    for (size_t i = 0; i < IOC_ARRAY_LEN(http_methods); i++)
        if (strcmp(k, http_methods[i]) == 0)
            return 1;
    return 0;
}

/* The route of m with this lower-case method and pattern, or NULL. */
static const struct api_route *route_of(const struct api_module *m, const char *method,
                                        const char *pattern)
{
    for (size_t i = 0; i < m->nroutes; i++) {
        const struct api_route_info *r = &m->routes[i].info;
        if (strcasecmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0)
            return &m->routes[i];
    }
    return NULL;
}

/* Invariant 2 for module m and its fragment's paths. */
static int check_module(const struct api_module *m, json_t *paths, char *err, size_t n)
{
    for (size_t i = 0; i < m->nroutes; i++) {
        const struct api_route_info *r = &m->routes[i].info;
        char lm[8] = "";
        for (size_t k = 0; r->method[k] && k + 1 < sizeof lm; k++)
            lm[k] = (char)tolower((unsigned char)r->method[k]);
        json_t *op = json_object_get(json_object_get(paths, r->pattern), lm);
        const char *id = json_string_value(json_object_get(op, "operationId"));
        if (!id || strcmp(id, r->name) != 0)
            return fail(err, n, IOC_EINVAL,
                        "module %s: route %s %s has no operation with operationId \"%s\"", m->name,
                        r->method, r->pattern, r->name);
    }
    const char *pattern;
    json_t *item;
    json_object_foreach(paths, pattern, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            if (is_method(method) && !route_of(m, method, pattern))
                return fail(err, n, IOC_EINVAL, "module %s: %s %s is described but not routed",
                            m->name, method, pattern);
        }
    }
    return 0;
}

/* Adds every member of from to into (invariant 1). */
static int merge(json_t *into, json_t *from, const char *what, const char *module, char *err,
                 size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(from, k, v)
    {
        if (json_object_get(into, k))
            return fail(err, n, IOC_EEXIST, "module %s: %s %s is already described", module, what,
                        k);
        if (json_object_set(into, k, v) != 0)
            return IOC_ENOMEM;
    }
    return 0;
}

/* Adds module m's fragment to doc. */
static int add_module(json_t *doc, const struct api_module *m, char *err, size_t n)
{
    json_error_t je;
    json_t *frag = json_loads(m->openapi, JSON_REJECT_DUPLICATES, &je);
    json_t *paths = json_object_get(frag, "paths");
    json_t *comps = json_object_get(frag, "components");
    int rc = 0;
    if (!frag || !json_is_object(paths) || (comps && !json_is_object(comps))) {
        rc = fail(err, n, IOC_EINVAL, "module %s: the fragment is not {\"paths\":{…}}: %s", m->name,
                  frag ? "wrong shape" : je.text);
        goto out;
    }
    rc = check_module(m, paths, err, n);
    if (rc == 0)
        rc = merge(json_object_get(doc, "paths"), paths, "path", m->name, err, n);
    const char *section;
    json_t *members;
    json_object_foreach(comps, section, members)
    {
        json_t *into = json_object_get(json_object_get(doc, "components"), section);
        if (rc == 0 && !into) {
            into = json_object();
            if (!into ||
                json_object_set_new(json_object_get(doc, "components"), section, into) != 0)
                rc = IOC_ENOMEM;
        }
        if (rc == 0 && !json_is_object(members))
            rc = fail(err, n, IOC_EINVAL, "module %s: components.%s is not an object", m->name,
                      section);
        if (rc == 0)
            rc = merge(into, members, section, m->name, err, n);
    }
out:
    json_decref(frag);
    return rc;
}

int api_openapi_assemble(const char *base, const struct api_module *const *mods, size_t n,
                         char **out, size_t *len, char *err, size_t err_size)
{
    json_error_t je;
    json_t *doc = json_loads(base, JSON_REJECT_DUPLICATES, &je);
    int rc = 0;
    if (!doc || !json_is_object(json_object_get(doc, "paths"))) {
        rc = fail(err, err_size, IOC_EINVAL, "the base document is not {\"paths\":{…}}: %s",
                  doc ? "wrong shape" : je.text);
        goto out;
    }
    if (!json_object_get(doc, "components") &&
        json_object_set_new(doc, "components", json_object()) != 0) {
        rc = IOC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_module(doc, mods[i], err, err_size);
    if (rc != 0)
        goto out;
    char *text = json_dumps(doc, JSON_INDENT(1));
    size_t tn = text ? strlen(text) : 0;
    char *t = text ? realloc(text, tn + 2) : NULL;
    if (!t) {
        free(text);
        rc = IOC_ENOMEM;
        goto out;
    }
    memcpy(t + tn, "\n", 2);
    *out = t;
    *len = tn + 1;
out:
    json_decref(doc);
    return rc;
}

int api_openapi_write(FILE *f)
{
    char err[256] = "", *text = NULL;
    size_t len = 0;
    int rc = api_openapi_assemble(api_openapi_base, api_modules, api_modules_count, &text, &len,
                                  err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "iocd: the OpenAPI document cannot be assembled: %s\n",
                *err ? err : ioc_strerror(rc));
        return rc;
    }
    fwrite(text, 1, len, f);
    free(text);
    return 0;
}
