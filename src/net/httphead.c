/*
 * httphead.c — the message-framing check of a raw HTTP/1.x request head (RFC 9112 §6.1–6.3),
 * against request smuggling. libh2o 2.2.5 takes the first of two Content-Length headers, lets
 * Transfer-Encoding win over Content-Length silently and keeps the connection open in both
 * cases, so a second request can hide in the first one's body where a proxy in front framed the
 * bytes differently. This check refuses every head whose framing is ambiguous.
 *
 * net_head_target reads the method and path of the same head's request line, so that a request's
 * body limit can be chosen before its body is read (bodylimit.c).
 *
 * Pure: reads at most n bytes, allocates nothing, keeps no state; safe on any bytes (fuzzed in
 * fuzz/httphead/).
 */
#include "net/net_int.h"

#include <string.h>

/* Case-insensitive equality of a[0..n) and the lower-case NUL-terminated word. */
static int word_is(const char *a, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return i == n && word[i] == '\0';
}

/* The next line of p[*at..n): its start and length without CR LF; 0 when no LF ends it. */
static int next_line(const char *p, size_t n, size_t *at, const char **line, size_t *len)
{
    const char *start = p + *at;
    const char *lf = memchr(start, '\n', n - *at);
    if (!lf)
        return 0;
    size_t l = (size_t)(lf - start);
    *at += l + 1;
    if (l > 0 && start[l - 1] == '\r')
        l--;
    *line = start;
    *len = l;
    return 1;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

struct framing {
    int lengths, encodings, http10;
};

/* One header line: notes Content-Length / Transfer-Encoding; 0, or IOC_EINVAL with *why. */
static int check_field(const char *line, size_t len, struct framing *f, const char **why)
{
    if (is_ows(line[0])) {
        *why = "Header lines folded over several lines are not accepted.";
        return IOC_EINVAL;
    }
    const char *colon = memchr(line, ':', len);
    if (!colon) {
        *why = "A header line has no colon.";
        return IOC_EINVAL;
    }
    size_t nlen = (size_t)(colon - line);
    const char *v = colon + 1, *end = line + len;
    while (v < end && is_ows(*v))
        v++;
    while (end > v && is_ows(end[-1]))
        end--;
    size_t vlen = (size_t)(end - v);
    if (word_is(line, nlen, "content-length")) {
        if (++f->lengths > 1) {
            *why = "More than one Content-Length header.";
            return IOC_EINVAL;
        }
        int digits = vlen > 0 && vlen <= 18;
        for (size_t i = 0; digits && i < vlen; i++)
            digits = v[i] >= '0' && v[i] <= '9';
        if (!digits) {
            *why = "Content-Length is not a plain number.";
            return IOC_EINVAL;
        }
    } else if (word_is(line, nlen, "transfer-encoding")) {
        if (++f->encodings > 1) {
            *why = "More than one Transfer-Encoding header.";
            return IOC_EINVAL;
        }
        if (!word_is(v, vlen, "chunked")) {
            *why = "Transfer-Encoding other than chunked.";
            return IOC_EINVAL;
        }
    }
    return 0;
}

int net_head_check(const char *p, size_t n, const char **why)
{
    struct framing f = {0, 0, 0};
    size_t at = 0;
    const char *line;
    size_t len;
    *why = "The request head is incomplete.";
    /* Like h2o's parser, one empty line before the request line is skipped. */
    if (n > 0 && p[0] == '\n')
        at = 1;
    else if (n > 1 && p[0] == '\r' && p[1] == '\n')
        at = 2;
    if (!next_line(p, n, &at, &line, &len))
        return IOC_EINVAL;
    f.http10 = len >= 8 && memcmp(line + len - 8, "HTTP/1.0", 8) == 0;
    for (;;) {
        if (!next_line(p, n, &at, &line, &len))
            return IOC_EINVAL;
        if (len == 0)
            break;
        int rc = check_field(line, len, &f, why);
        if (rc)
            return rc;
    }
    if (f.lengths && f.encodings) {
        *why = "Both Content-Length and Transfer-Encoding.";
        return IOC_EINVAL;
    }
    if (f.encodings && f.http10) {
        *why = "Transfer-Encoding in an HTTP/1.0 request.";
        return IOC_EINVAL;
    }
    *why = NULL;
    return 0;
}

int net_head_target(const char *p, size_t n, const char **method, size_t *mlen, const char **path,
                    size_t *plen)
{
    size_t at = 0;
    const char *line;
    size_t len;
    if (n > 0 && p[0] == '\n')
        at = 1;
    else if (n > 1 && p[0] == '\r' && p[1] == '\n')
        at = 2;
    if (!next_line(p, n, &at, &line, &len))
        return IOC_EINVAL;
    const char *sp1 = memchr(line, ' ', len);
    if (!sp1 || sp1 == line)
        return IOC_EINVAL;
    const char *target = sp1 + 1;
    size_t rest = len - (size_t)(target - line);
    const char *sp2 = memchr(target, ' ', rest);
    if (!sp2 || sp2 == target)
        return IOC_EINVAL;
    size_t tlen = (size_t)(sp2 - target);
    const char *q = memchr(target, '?', tlen);
    *method = line;
    *mlen = (size_t)(sp1 - line);
    *path = target;
    *plen = q ? (size_t)(q - target) : tlen;
    return 0;
}
