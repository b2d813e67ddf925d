/*
 * buf.c — error names, the bounded buffer, hex, and file helpers.
 *
 * Invariants of struct ioc_buf: data is NULL or points to cap bytes with data[len] == '\0' and
 * len < cap <= max + 1. Any failed append frees the buffer (see base.h).
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *ioc_strerror(int rc)
{
    switch (rc) {
    case IOC_OK:
        return "ok";
    case IOC_ENOMEM:
        return "out of memory";
    case IOC_EINVAL:
        return "invalid input";
    case IOC_ENOTFOUND:
        return "not found";
    case IOC_EEXIST:
        return "already exists";
    case IOC_ETOOBIG:
        return "too big";
    case IOC_EIO:
        return "input/output error";
    case IOC_EBUSY:
        return "busy";
    case IOC_EPERM:
        return "not permitted";
    case IOC_ESHUTDOWN:
        return "shutting down";
    default:
        return "error";
    }
}

void ioc_buf_init(struct ioc_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : ((size_t)1 << 30);
}

void ioc_buf_free(struct ioc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ioc_buf_reset(struct ioc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int grow(struct ioc_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) {
        ioc_buf_free(b);
        return IOC_ETOOBIG;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p) {
        ioc_buf_free(b);
        return IOC_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int ioc_buf_append_slow(struct ioc_buf *b, const void *p, size_t n)
{
    int rc = grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ioc_buf_puts(struct ioc_buf *b, const char *s)
{
    return ioc_buf_append(b, s, strlen(s));
}

int ioc_buf_putc(struct ioc_buf *b, char c)
{
    return ioc_buf_append(b, &c, 1);
}

int ioc_buf_vprintf(struct ioc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return IOC_EINVAL;
    int rc = grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int ioc_buf_printf(struct ioc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ioc_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int ioc_buf_json_str(struct ioc_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (n == (size_t)-1)
        n = s ? strlen(s) : 0;
    int rc = ioc_buf_putc(b, '"');
    size_t start = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = ioc_buf_append(b, s + start, i - start);
        char esc[7] = {'\\', 0};
        size_t elen = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        if (rc == 0)
            rc = ioc_buf_append(b, esc, elen);
        start = i + 1;
    }
    if (rc == 0)
        rc = ioc_buf_append(b, s + start, n - start);
    if (rc == 0)
        rc = ioc_buf_putc(b, '"');
    return rc;
}

char *ioc_buf_steal(struct ioc_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

void ioc_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int ioc_file_read(const char *path, size_t max, char **out, size_t *outlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? IOC_ENOTFOUND : IOC_EIO;
    struct ioc_buf b;
    ioc_buf_init(&b, max);
    int rc = ioc_buf_append(&b, "", 0);
    char chunk[65536];
    while (rc == 0) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = IOC_EIO;
            break;
        }
        if (r == 0)
            break;
        rc = ioc_buf_append(&b, chunk, (size_t)r);
    }
    close(fd);
    if (rc) {
        ioc_buf_free(&b);
        return rc;
    }
    if (outlen)
        *outlen = b.len;
    *out = ioc_buf_steal(&b);
    return *out ? 0 : IOC_ENOMEM;
}

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return IOC_ENOMEM;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return IOC_EIO;
    int rc = fsync(fd) == 0 ? 0 : IOC_EIO;
    close(fd);
    return rc;
}

int ioc_file_write_atomic(const char *path, const void *data, size_t n)
{
    struct ioc_buf tmp;
    ioc_buf_init(&tmp, 0);
    if (ioc_buf_printf(&tmp, "%s.tmp", path))
        return IOC_ENOMEM;
    int rc = 0;
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = IOC_EIO;
        goto out;
    }
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = IOC_EIO;
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = IOC_EIO;
    close(fd);
    if (rc == 0 && rename(tmp.data, path) != 0)
        rc = IOC_EIO;
    if (rc == 0)
        rc = fsync_dir_of(path);
    if (rc)
        unlink(tmp.data);
out:
    ioc_buf_free(&tmp);
    return rc;
}

int ioc_mkdir_p(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return IOC_ENOMEM;
    int rc = 0;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            rc = IOC_EIO;
        *s = '/';
        if (rc)
            break;
    }
    if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
        rc = IOC_EIO;
    free(p);
    return rc;
}
