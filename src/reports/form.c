/*
 * form.c — application/x-www-form-urlencoded bodies (the WHATWG URL standard's parser, strict):
 * fields split at '&' (empty ones skipped), key and value at the first '=', '+' decoded as a
 * space and %XX as a byte. Stricter than browsers, because a report must not be stored garbled:
 * a '%' not followed by two hex digits, a decoded NUL, bytes that are not UTF-8 and an empty key
 * are refused, naming the field. Keys and values are stored in NFC, as the project stores all
 * text, so "Hòa" typed as NFD or NFC is the same report. Fuzzed by fuzz/form.
 */
#include "reports/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

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

/* Decodes s[0..n) into a malloc'd NFC string; IOC_EINVAL or IOC_ENOMEM. */
static int decode(const char *s, size_t n, char **out)
{
    *out = NULL;
    char *raw = malloc(n + 1);
    if (!raw)
        return IOC_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            raw[k++] = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(raw);
                return IOC_EINVAL;
            }
            raw[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            raw[k++] = c;
        }
    }
    raw[k] = '\0';
    if (memchr(raw, '\0', k) || !ioc_utf8_valid(raw, k)) {
        free(raw);
        return IOC_EINVAL;
    }
    char *nfc = NULL;
    size_t nn = 0;
    int rc = ioc_text_nfc(raw, k, &nfc, &nn);
    free(raw);
    if (rc)
        return rc;
    *out = nfc;
    return 0;
}

void rep_form_free(struct rep_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->keys[i]);
        free(f->vals[i]);
    }
    free(f->keys);
    free(f->vals);
    memset(f, 0, sizeof *f);
}

int rep_form_parse(const char *body, size_t n, struct rep_form *f, char *err, size_t err_size)
{
    memset(f, 0, sizeof *f);
    if (err_size)
        err[0] = '\0';
    if (n > REP_FORM_MAX_BYTES) {
        snprintf(err, err_size, "The body is larger than %zu bytes.", REP_FORM_MAX_BYTES);
        return IOC_ETOOBIG;
    }
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += body[i] == '&';
    cap = cap + 1 < REP_FORM_MAX_FIELDS ? cap + 1 : REP_FORM_MAX_FIELDS;
    f->keys = calloc(cap, sizeof *f->keys);
    f->vals = calloc(cap, sizeof *f->vals);
    if (!f->keys || !f->vals) {
        rep_form_free(f);
        return IOC_ENOMEM;
    }
    const char *p = body, *end = body + n;
    int rc = 0;
    size_t field = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        field++;
        if (stop > p) {
            if (f->n >= REP_FORM_MAX_FIELDS) {
                snprintf(err, err_size, "More than %d fields.", REP_FORM_MAX_FIELDS);
                rc = IOC_ETOOBIG;
                break;
            }
            const char *eq = memchr(p, '=', (size_t)(stop - p));
            const char *kend = eq ? eq : stop;
            char *k = NULL, *v = NULL;
            rc = decode(p, (size_t)(kend - p), &k);
            if (rc == 0)
                rc = eq ? decode(eq + 1, (size_t)(stop - eq - 1), &v)
                        : ((v = calloc(1, 1)) ? 0 : IOC_ENOMEM);
            if (rc == 0 && !*k)
                rc = IOC_EINVAL;
            if (rc) {
                if (rc == IOC_EINVAL)
                    snprintf(err, err_size,
                             "Field %zu%s%.64s%s is not valid form encoding: a %% must be "
                             "followed by two hex digits, the text must be UTF-8 without NUL, "
                             "and the name must not be empty.",
                             field, k && *k ? " (" : "", k && *k ? k : "", k && *k ? ")" : "");
                free(k);
                free(v);
                break;
            }
            f->keys[f->n] = k;
            f->vals[f->n] = v;
            f->n++;
        }
        p = amp ? amp + 1 : end;
    }
    if (rc)
        rep_form_free(f);
    return rc;
}

const char *rep_form_get(const struct rep_form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->keys[i], key) == 0 && f->vals[i][0])
            return f->vals[i];
    return NULL;
}

size_t rep_form_count(const struct rep_form *f, const char *key)
{
    size_t c = 0;
    for (size_t i = 0; i < f->n; i++)
        c += strcmp(f->keys[i], key) == 0;
    return c;
}
