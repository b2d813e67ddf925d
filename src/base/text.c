/*
 * text.c — Vietnamese text: UTF-8 validation, NFC normalisation, the folded search key, and
 * the rule for names people type (ioc_text_label).
 *
 * The fold is the one place that decides when two spellings are "the same" for search:
 * decompose (NFD), drop combining marks (so tone and vowel marks go and "hoà" = "hòa"),
 * map đ/Đ (which do not decompose) to d, lower-case, and turn every run of characters that are
 * neither letters nor digits into one space. Stored text stays NFC; only keys are folded.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

int ioc_utf8_valid(const char *s, size_t n)
{
    return u8_check((const uint8_t *)s, n) == NULL;
}

int ioc_text_nfc(const char *s, size_t n, char **out, size_t *outlen)
{
    if (!ioc_utf8_valid(s, n) || memchr(s, '\0', n))
        return IOC_EINVAL;
    size_t len = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
    if (!r)
        return IOC_ENOMEM;
    char *p = realloc(r, len + 1);
    if (!p) {
        free(r);
        return IOC_ENOMEM;
    }
    p[len] = '\0';
    *out = p;
    if (outlen)
        *outlen = len;
    return 0;
}

char *ioc_text_fold(const char *s, size_t n)
{
    if (!ioc_utf8_valid(s, n))
        return NULL;
    size_t dlen = 0;
    uint8_t *d = u8_normalize(UNINORM_NFD, (const uint8_t *)s, n, NULL, &dlen);
    if (!d && n)
        return NULL;
    /* Folding never lengthens a character's encoding except lower-casing, which for the
     * scripts we meet stays within 4 bytes per code point; reserve generously. */
    uint8_t *o = malloc(dlen * 2 + 1);
    if (!o) {
        free(d);
        return NULL;
    }
    size_t olen = 0;
    int pending_space = 0;
    for (size_t i = 0; i < dlen;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, d + i, dlen - i);
        i += (size_t)(k > 0 ? k : 1);
        if (uc_is_general_category(uc, UC_CATEGORY_M))
            continue;
        if (uc == 0x0110 || uc == 0x0111)
            uc = 'd';
        if (!uc_is_general_category(uc, UC_CATEGORY_L) &&
            !uc_is_general_category(uc, UC_CATEGORY_N)) {
            pending_space = olen > 0;
            continue;
        }
        uc = uc_tolower(uc);
        if (pending_space) {
            o[olen++] = ' ';
            pending_space = 0;
        }
        int w = u8_uctomb(o + olen, uc, 6);
        if (w > 0)
            olen += (size_t)w;
    }
    o[olen] = '\0';
    free(d);
    return (char *)o;
}

/* Characters a name may not hold: controls (Cc: C0, DEL, C1), line and paragraph separators,
 * and the bidirectional marks, embeddings, overrides and isolates. */
static int label_forbidden(ucs4_t c)
{
    return uc_is_general_category(c, UC_CATEGORY_Cc) || c == 0x2028 || c == 0x2029 || c == 0x061C ||
           c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

int ioc_text_label(char *s, size_t max)
{
    size_t n = strlen(s);
    if (!ioc_utf8_valid(s, n))
        return IOC_EINVAL;
    const uint8_t *p = (const uint8_t *)s, *end = p + n, *start = p;
    ucs4_t c;
    /* leading white space */
    while (start < end) {
        int len = u8_mbtouc(&c, start, (size_t)(end - start));
        if (!uc_is_property_white_space(c))
            break;
        start += len;
    }
    /* trailing white space: step back one code point at a time */
    while (end > start) {
        const uint8_t *prev = u8_prev(&c, end, start);
        if (!prev || !uc_is_property_white_space(c))
            break;
        end = prev;
    }
    n = (size_t)(end - start);
    memmove(s, start, n);
    s[n] = '\0';
    if (n == 0 || n > max)
        return IOC_EINVAL;
    for (const uint8_t *q = (const uint8_t *)s; q < (const uint8_t *)s + n;) {
        q += u8_mbtouc(&c, q, (size_t)((const uint8_t *)s + n - q));
        if (label_forbidden(c))
            return IOC_EINVAL;
    }
    return 0;
}
