/*
 * target.c — reading the request target: path patterns with {params}, the query string, the
 * JSON body, and the safety check of static paths. Pure functions over bytes (no h2o, no pool)
 * so the libFuzzer harness fuzz/target/ can drive them directly.
 *
 * Decoded strings are written into a caller's buffer of at least 2 × the input + 64 bytes.
 * Every output string is NUL-terminated, valid UTF-8 and holds no NUL byte.
 */
#include "api/api_int.h"

#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (n + 1 bytes). NULL for a truncated or bad %-escape, a NUL byte
 * (raw or decoded), or a result that is not UTF-8. */
static char *decode(const char *s, size_t n, int plus, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3)
                return NULL;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            c = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '\0') {
            return NULL;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return ioc_utf8_valid(out, o) ? out : NULL;
}

int api_pattern_match(const char *pattern, const char *path, size_t plen, char *buf, size_t cap,
                      const char **params, int max, int *nparams)
{
    const char *p = pattern, *s = path, *end = path + plen;
    size_t used = 0;
    int np = 0;
    while (*p && s < end) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *seg = s;
            while (s < end && *s != '/')
                s++;
            size_t len = (size_t)(s - seg);
            if (!close || len == 0 || np >= max || used + len + 1 > cap)
                return 0;
            char *v = decode(seg, len, 0, buf + used);
            if (!v)
                return 0;
            used += strlen(v) + 1;
            params[np++] = v;
            p = close + 1;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || s != end)
        return 0;
    *nparams = np;
    return 1;
}

int api_query_parse(const char *q, size_t n, char *buf, size_t cap, const char **keys,
                    const char **vals, int max, int *count)
{
    size_t used = 0;
    int nq = 0;
    while (q && n > 0) {
        const char *amp = memchr(q, '&', n);
        size_t len = amp ? (size_t)(amp - q) : n;
        if (len > 0) {
            const char *eq = memchr(q, '=', len);
            size_t klen = eq ? (size_t)(eq - q) : len;
            size_t vlen = eq ? len - klen - 1 : 0;
            if (nq >= max || used + klen + vlen + 2 > cap)
                return IOC_ETOOBIG;
            char *k = decode(q, klen, 1, buf + used);
            if (!k)
                return IOC_EINVAL;
            used += strlen(k) + 1;
            char *v = decode(eq ? eq + 1 : "", vlen, 1, buf + used);
            if (!v)
                return IOC_EINVAL;
            used += strlen(v) + 1;
            keys[nq] = k;
            vals[nq] = v;
            nq++;
        }
        if (!amp)
            break;
        n -= len + 1;
        q = amp + 1;
    }
    *count = nq;
    return 0;
}

int api_static_path_ok(const char *path, size_t n, char *buf, size_t cap)
{
    if (n == 0 || path[0] != '/' || n + 1 > cap || memchr(path, '\\', n))
        return 0;
    for (size_t i = 0; i + 2 < n; i++)
        if (path[i] == '%' && path[i + 1] == '2' && (path[i + 2] == 'f' || path[i + 2] == 'F'))
            return 0;
    char *d = decode(path, n, 0, buf);
    if (!d)
        return 0;
    for (const char *s = d; *s;) {
        const char *e = strchr(s + 1, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if ((len == 2 && memcmp(s, "/.", 2) == 0) || (len == 3 && memcmp(s, "/..", 3) == 0))
            return 0;
        s += len;
    }
    return 1;
}

json_t *api_json_body_parse(const char *body, size_t n, char *err, size_t err_size)
{
    json_error_t e;
    json_t *j = json_loadb(body, n, JSON_REJECT_DUPLICATES, &e);
    if (!j) {
        snprintf(err, err_size, "Invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, err_size, "The body must be a JSON object.");
        return NULL;
    }
    return j;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int api_basic_password(const char *h, size_t n, char *out, size_t cap)
{
    if (n < 6 || strncasecmp(h, "Basic ", 6) != 0)
        return IOC_EINVAL;
    h += 6;
    n -= 6;
    while (n > 0 && h[n - 1] == '=')
        n--;
    unsigned char dec[384];
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (n % 4 == 1 || n / 4 * 3 + 3 > sizeof dec)
        return IOC_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)h[i]);
        if (v < 0)
            return IOC_EINVAL;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dec[len++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    const unsigned char *colon = memchr(dec, ':', len);
    if (!colon || memchr(dec, 0, len))
        return IOC_EINVAL;
    size_t plen = len - (size_t)(colon + 1 - dec);
    if (plen + 1 > cap)
        return IOC_EINVAL;
    memcpy(out, colon + 1, plen);
    out[plen] = 0;
    return 0;
}

int api_event_id(const char *v, size_t n, uint64_t *id)
{
    if (!v)
        return 0;
    uint64_t x = 0;
    if (n == 0 || n > 19)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *id = x;
    return 1;
}
