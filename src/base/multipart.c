/*
 * multipart.c — multipart/form-data bodies (RFC 7578 over RFC 2046's multipart syntax), strict
 * where a sloppy reading could mix parts up: the body is split at CRLF "--boundary" lines (the
 * first delimiter may open the body), transport padding (spaces, tabs) after a delimiter is
 * allowed, the close delimiter "--boundary--" is required (a truncated upload is refused, not
 * half stored), and every part needs Content-Disposition: form-data with a name. Part bodies are
 * binary and are not copied: each ioc_part points into the caller's body. Header lines are CRLF
 * terminated; folded (obsolete) lines are refused. Fuzzed by fuzz/multipart.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"

static int bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           strchr("'()+_,-./:=? ", c) != NULL;
}

static int boundary_valid(const char *b, size_t n)
{
    if (n < 1 || n > IOC_MULTIPART_BOUNDARY_MAX || b[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!b[i] || !bchar((unsigned char)b[i]))
            return 0;
    return 1;
}

static const char *skip_ws(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* A parameter value at *ps (a token up to ';' or a quoted-string with \" and \\ escapes) into a
 * malloc'd string; *ps moves past it. IOC_EINVAL on an unterminated quote. */
static int param_value(const char **ps, const char *end, char **out)
{
    const char *s = *ps;
    char *v = malloc((size_t)(end - s) + 1);
    if (!v)
        return IOC_ENOMEM;
    size_t k = 0;
    if (s < end && *s == '"') {
        s++;
        for (;;) {
            if (s >= end) {
                free(v);
                return IOC_EINVAL;
            }
            if (*s == '"') {
                s++;
                break;
            }
            if (*s == '\\' && s + 1 < end && (s[1] == '"' || s[1] == '\\'))
                s++;
            v[k++] = *s++;
        }
    } else {
        while (s < end && *s != ';' && *s != ' ' && *s != '\t')
            v[k++] = *s++;
    }
    v[k] = '\0';
    *ps = s;
    *out = v;
    return 0;
}

/* 1 if s[0..n) is UTF-8 without control characters. */
static int text_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return ioc_utf8_valid(s, n);
}

/* Content-Disposition's value: form-data; name="…"; filename="…". */
static int disposition(const char *s, const char *end, struct ioc_part *p)
{
    s = skip_ws(s, end);
    if ((size_t)(end - s) < 9 || strncasecmp(s, "form-data", 9) != 0)
        return IOC_EINVAL;
    s += 9;
    for (;;) {
        s = skip_ws(s, end);
        if (s >= end)
            break;
        if (*s != ';')
            return IOC_EINVAL;
        s = skip_ws(s + 1, end);
        const char *k = s;
        while (s < end && *s != '=' && *s != ';' && *s != ' ' && *s != '\t')
            s++;
        size_t kn = (size_t)(s - k);
        s = skip_ws(s, end);
        if (s >= end || *s != '=' || kn == 0)
            return IOC_EINVAL;
        s = skip_ws(s + 1, end);
        char *v = NULL;
        int rc = param_value(&s, end, &v);
        if (rc)
            return rc;
        char **slot = NULL;
        if (kn == 4 && strncasecmp(k, "name", 4) == 0)
            slot = &p->name;
        else if (kn == 8 && strncasecmp(k, "filename", 8) == 0)
            slot = &p->filename;
        if (slot && !*slot) {
            if (!text_ok(v, strlen(v))) {
                free(v);
                return IOC_EINVAL;
            }
            *slot = v;
        } else {
            free(v); /* filename*, unknown or repeated parameters are ignored */
        }
    }
    return p->name && p->name[0] ? 0 : IOC_EINVAL;
}

/* The header lines h[0..n) (each ending in CRLF). */
static int headers(const char *h, size_t n, struct ioc_part *p)
{
    const char *s = h, *end = h + n;
    int seen_cd = 0;
    while (s < end) {
        const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
        if (!eol)
            return IOC_EINVAL;
        const char *colon = memchr(s, ':', (size_t)(eol - s));
        if (!colon || colon == s || *s == ' ' || *s == '\t')
            return IOC_EINVAL;
        for (const char *c = s; c < eol; c++)
            if (*c == '\0' || *c == '\r' || *c == '\n')
                return IOC_EINVAL;
        size_t kn = (size_t)(colon - s);
        const char *v = skip_ws(colon + 1, eol);
        const char *ve = eol;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        if (kn == 19 && strncasecmp(s, "Content-Disposition", 19) == 0) {
            if (seen_cd)
                return IOC_EINVAL;
            seen_cd = 1;
            int rc = disposition(v, ve, p);
            if (rc)
                return rc;
        } else if (kn == 12 && strncasecmp(s, "Content-Type", 12) == 0 && !p->type) {
            for (const char *c = v; c < ve; c++)
                if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                    return IOC_EINVAL;
            p->type = strndup(v, (size_t)(ve - v));
            if (!p->type)
                return IOC_ENOMEM;
        }
        s = eol + 2;
    }
    return seen_cd ? 0 : IOC_EINVAL;
}

static void part_free(struct ioc_part *p)
{
    free(p->name);
    free(p->filename);
    free(p->type);
    memset(p, 0, sizeof *p);
}

void ioc_multipart_free(struct ioc_multipart *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        part_free(&m->parts[i]);
    free(m->parts);
    memset(m, 0, sizeof *m);
}

const struct ioc_part *ioc_multipart_get(const struct ioc_multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->parts[i].name, name) == 0)
            return &m->parts[i];
    return NULL;
}

int ioc_multipart_boundary(const char *ct, char *out, size_t out_size)
{
    if (!ct || out_size < IOC_MULTIPART_BOUNDARY_MAX + 1)
        return IOC_EINVAL;
    const char *end = ct + strlen(ct);
    const char *s = skip_ws(ct, end);
    if ((size_t)(end - s) < 19 || strncasecmp(s, "multipart/form-data", 19) != 0)
        return IOC_EINVAL;
    s += 19;
    while (s < end) {
        s = skip_ws(s, end);
        if (s >= end)
            break;
        if (*s != ';')
            return IOC_EINVAL;
        s = skip_ws(s + 1, end);
        const char *k = s;
        while (s < end && *s != '=' && *s != ';')
            s++;
        if (s >= end || *s != '=')
            return IOC_EINVAL;
        size_t kn = (size_t)(s - k);
        s++;
        char *v = NULL;
        int rc = param_value(&s, end, &v);
        if (rc)
            return rc;
        if (kn == 8 && strncasecmp(k, "boundary", 8) == 0) {
            size_t vn = strlen(v);
            if (!boundary_valid(v, vn)) {
                free(v);
                return IOC_EINVAL;
            }
            memcpy(out, v, vn + 1);
            free(v);
            return 0;
        }
        free(v);
    }
    return IOC_EINVAL;
}

static int fail(struct ioc_multipart *m, int rc, char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(struct ioc_multipart *m, int rc, char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (rc == IOC_ENOMEM)
        snprintf(err, err_size, "Out of memory.");
    else
        vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    ioc_multipart_free(m);
    return rc;
}

int ioc_multipart_parse(const void *body, size_t n, const char *boundary, size_t max_parts,
                        struct ioc_multipart *m, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    if (err_size)
        err[0] = '\0';
    size_t bn = boundary ? strlen(boundary) : 0;
    if (!boundary_valid(boundary ? boundary : "", bn))
        return fail(m, IOC_EINVAL, err, err_size, "The boundary is not valid.");
    char delim[IOC_MULTIPART_BOUNDARY_MAX + 5]; /* CRLF "--" boundary */
    size_t dn = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    const char *b = body, *end = b + n;
    /* The first delimiter: at the very start, or after a CRLF ending the preamble. */
    const char *p;
    if (n >= dn - 2 && memcmp(b, delim + 2, dn - 2) == 0) {
        p = b + dn - 2;
    } else {
        const char *d = memmem(b, n, delim, dn);
        if (!d)
            return fail(m, IOC_EINVAL, err, err_size, "No boundary line was found.");
        p = d + dn;
    }
    size_t cap = 0;
    for (;;) {
        size_t part = m->n + 1;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0; /* the close delimiter; the epilogue is ignored */
        p = skip_ws(p, end);
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return fail(m, IOC_EINVAL, err, err_size,
                        "Part %zu: the boundary line is not followed by CRLF (or the body is "
                        "truncated).",
                        part);
        p += 2;
        if (m->n >= max_parts)
            return fail(m, IOC_ETOOBIG, err, err_size, "More than %zu parts.", max_parts);
        const char *hend;
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hend = p; /* no header lines at all */
        } else {
            size_t look = (size_t)(end - p);
            if (look > IOC_MULTIPART_HEADER_MAX + 4)
                look = IOC_MULTIPART_HEADER_MAX + 4;
            const char *e = memmem(p, look, "\r\n\r\n", 4);
            if (!e)
                return fail(m, IOC_EINVAL, err, err_size,
                            "Part %zu: its headers do not end (or are larger than 8 KiB).", part);
            hend = e + 2;
        }
        if (m->n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            struct ioc_part *np = realloc(m->parts, nc * sizeof *np);
            if (!np)
                return fail(m, IOC_ENOMEM, err, err_size, "Part %zu: out of memory.", part);
            m->parts = np;
            cap = nc;
        }
        struct ioc_part *pt = &m->parts[m->n];
        memset(pt, 0, sizeof *pt);
        m->n++;
        int rc = headers(p, (size_t)(hend - p), pt);
        if (rc)
            return fail(m, rc, err, err_size,
                        "Part %zu: its headers need Content-Disposition: form-data with a "
                        "non-empty name; names and file names must be UTF-8 without control "
                        "characters.",
                        part);
        const char *data = hend + 2;
        const char *d = memmem(data, (size_t)(end - data), delim, dn);
        if (!d)
            return fail(m, IOC_EINVAL, err, err_size,
                        "Part %zu does not end with a boundary line (the body is truncated).",
                        part);
        pt->data = (const unsigned char *)data;
        pt->len = (size_t)(d - data);
        p = d + dn;
    }
}
