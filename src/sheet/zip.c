/*
 * zip.c — a zip file read from memory with minizip: its I/O callbacks (zlib_filefunc64_def) read
 * the caller's bytes, so no temporary file is written; a part is inflated in pieces handed to a
 * callback, and the bytes are counted as they come, against the caller's limit, so that a zip
 * bomb stops at the limit whatever its headers claim. minizip checks each part's CRC when it is
 * closed after a full read.
 */
#include "sheet/sheet_int.h"

#include <stdlib.h>

#include <unzip.h>

#define PIECE 16384

struct mem {
    const char *data;
    size_t n, pos;
};

struct sheet_zip {
    struct mem mem;
    unzFile uf;
};

static voidpf mem_open(voidpf opaque, const void *filename, int mode)
{
    (void)filename;
    (void)mode;
    struct mem *m = opaque;
    m->pos = 0;
    return m;
}

static uLong mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
    (void)opaque;
    struct mem *m = stream;
    size_t left = m->n - m->pos;
    size_t k = size < left ? size : left;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (uLong)k;
}

static uLong mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
    (void)opaque;
    (void)stream;
    (void)buf;
    (void)size;
    return 0;
}

static ZPOS64_T mem_tell(voidpf opaque, voidpf stream)
{
    (void)opaque;
    return ((struct mem *)stream)->pos;
}

static long mem_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
    (void)opaque;
    struct mem *m = stream;
    ZPOS64_T base = origin == ZLIB_FILEFUNC_SEEK_SET   ? 0
                    : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos
                                                       : m->n;
    if (origin == ZLIB_FILEFUNC_SEEK_END && offset != 0)
        return -1; /* minizip seeks from the end only with 0 */
    if (offset > m->n || base > m->n - offset)
        return -1;
    m->pos = (size_t)(base + offset);
    return 0;
}

static int mem_close(voidpf opaque, voidpf stream)
{
    (void)opaque;
    (void)stream;
    return 0;
}

static int mem_error(voidpf opaque, voidpf stream)
{
    (void)opaque;
    (void)stream;
    return 0;
}

int sheet_zip_open(const char *data, size_t n, struct sheet_zip **out)
{
    struct sheet_zip *z = calloc(1, sizeof *z);
    if (!z)
        return IOC_ENOMEM;
    z->mem = (struct mem){data, n, 0};
    zlib_filefunc64_def io = {mem_open, mem_read,  mem_write, mem_tell,
                              mem_seek, mem_close, mem_error, &z->mem};
    z->uf = unzOpen2_64("memory", &io);
    if (!z->uf) {
        free(z);
        return IOC_EINVAL;
    }
    *out = z;
    return 0;
}

void sheet_zip_close(struct sheet_zip *z)
{
    if (!z)
        return;
    unzClose(z->uf);
    free(z);
}

/* Reads the open part to its end, piece by piece. */
static int inflate_all(struct sheet_zip *z, size_t *total, size_t max, sheet_zip_fn fn, void *ctx)
{
    char *buf = malloc(PIECE);
    if (!buf)
        return IOC_ENOMEM;
    int rc = 0;
    for (;;) {
        int k = unzReadCurrentFile(z->uf, buf, PIECE);
        if (k < 0) {
            rc = IOC_EINVAL;
            break;
        }
        if (k == 0)
            break;
        if ((size_t)k > max - *total) {
            *total = max + 1;
            rc = IOC_ETOOBIG;
            break;
        }
        *total += (size_t)k;
        if ((rc = fn(ctx, buf, (size_t)k)) != 0)
            break;
    }
    free(buf);
    return rc;
}

int sheet_zip_part(struct sheet_zip *z, const char *name, size_t *total, size_t max,
                   sheet_zip_fn fn, void *ctx)
{
    if (unzLocateFile(z->uf, name, 2) != UNZ_OK)
        return IOC_ENOTFOUND;
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(z->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
        return IOC_EINVAL;
    if (info.flag & 1)
        return IOC_EINVAL; /* encrypted */
    if (unzOpenCurrentFile(z->uf) != UNZ_OK)
        return IOC_EINVAL;
    int rc = inflate_all(z, total, max, fn, ctx);
    int crc = unzCloseCurrentFile(z->uf);
    if (rc == 0 && crc != UNZ_OK)
        rc = IOC_EINVAL;
    return rc;
}
