/*
 * media.c — one uploaded photo: sniffed, decoded by libvips with the loader of its type only,
 * made upright (EXIF orientation), sRGB, flattened, re-encoded as JPEG with every metadata block
 * stripped, a thumbnail made; its EXIF GPS position read (libexif) before; stored by the sha256
 * of the stripped JPEG (libsodium). See media.h.
 */
#include "media/media.h"

#include <libexif/exif-data.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

#include "base/base.h"

enum media_type media_sniff(const void *data, size_t n)
{
    const unsigned char *b = data;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return MEDIA_JPEG;
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return MEDIA_PNG;
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return MEDIA_WEBP;
    return MEDIA_UNKNOWN;
}

const char *media_type_name(enum media_type t)
{
    switch (t) {
    case MEDIA_JPEG:
        return "JPEG";
    case MEDIA_PNG:
        return "PNG";
    case MEDIA_WEBP:
        return "WebP";
    default:
        return "unknown";
    }
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = IOC_ERR;

static void init_once(void)
{
    if (sodium_init() < 0 || VIPS_INIT("iocd") != 0)
        return;
    vips_cache_set_max(0);       /* every photo is seen once: no operation cache */
    vips_concurrency_set(1);     /* the API's workers are the parallelism */
    vips_block_untrusted_set(1); /* only the loaders we call, which are not marked untrusted */
    init_rc = 0;
}

int media_init(void)
{
    pthread_once(&once, init_once);
    return init_rc;
}

void media_photo_clear(struct media_photo *p)
{
    if (!p)
        return;
    g_free(p->full);
    g_free(p->thumb);
    memset(p, 0, sizeof *p);
}

/* ---- GPS --------------------------------------------------------------------------------- */

/* Degrees from a RATIONAL[3] entry (degrees, minutes, seconds); 0 or -1. */
static int gps_degrees(ExifEntry *e, ExifByteOrder o, double *out)
{
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components != 3 || e->size < 24)
        return -1;
    double v = 0, scale = 1;
    for (int i = 0; i < 3; i++) {
        ExifRational r = exif_get_rational(e->data + 8 * i, o);
        if (r.denominator == 0)
            return -1;
        v += (double)r.numerator / (double)r.denominator / scale;
        scale *= 60;
    }
    *out = v;
    return 0;
}

static char gps_ref(ExifEntry *e)
{
    return e && e->format == EXIF_FORMAT_ASCII && e->size >= 1 ? (char)e->data[0] : '\0';
}

/* The EXIF GPS position of img's "exif-data" block, if any and plausible. */
static void read_gps(VipsImage *img, struct media_photo *p)
{
    const void *blob = NULL;
    size_t len = 0;
    if (vips_image_get_typeof(img, VIPS_META_EXIF_NAME) == 0 ||
        vips_image_get_blob(img, VIPS_META_EXIF_NAME, &blob, &len) != 0 || len < 8)
        return;
    unsigned char *buf = NULL;
    const unsigned char *d = blob;
    if (memcmp(d, "Exif\0\0", 6) != 0) { /* a bare TIFF block (PNG eXIf): add the header */
        buf = malloc(len + 6);
        if (!buf)
            return;
        memcpy(buf, "Exif\0\0", 6);
        memcpy(buf + 6, blob, len);
        d = buf;
        len += 6;
    }
    ExifData *ed = exif_data_new_from_data(d, (unsigned int)len);
    free(buf);
    if (!ed)
        return;
    ExifByteOrder o = exif_data_get_byte_order(ed);
    ExifContent *gps = ed->ifd[EXIF_IFD_GPS];
    double lat, lon;
    if (gps &&
        gps_degrees(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE), o, &lat) == 0 &&
        gps_degrees(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE), o, &lon) == 0) {
        char la = gps_ref(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF));
        char lo = gps_ref(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF));
        if (la == 'S')
            lat = -lat;
        if (lo == 'W')
            lon = -lon;
        if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && (lat != 0 || lon != 0)) {
            p->has_gps = 1;
            p->lat = lat;
            p->lon = lon;
        }
    }
    exif_data_unref(ed);
}

/* ---- decoding and encoding --------------------------------------------------------------- */

static VipsImage *load(enum media_type t, const void *data, size_t n)
{
    VipsImage *img = NULL;
    int rc = -1;
    if (t == MEDIA_JPEG)
        rc = vips_jpegload_buffer((void *)data, n, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    else if (t == MEDIA_PNG)
        rc = vips_pngload_buffer((void *)data, n, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    else if (t == MEDIA_WEBP)
        rc = vips_webpload_buffer((void *)data, n, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    return rc == 0 ? img : NULL;
}

/* Replaces *img by f(*img); -1 (and *img unreffed) on failure. */
#define STEP(img, call)                                                                            \
    do {                                                                                           \
        VipsImage *next_ = NULL;                                                                   \
        int rc_ = (call);                                                                          \
        g_object_unref(img);                                                                       \
        img = next_;                                                                               \
        if (rc_ != 0)                                                                              \
            goto fail;                                                                             \
    } while (0)

/* Upright, 8-bit sRGB without alpha. */
static VipsImage *normalise(VipsImage *in)
{
    VipsImage *img = in;
    g_object_ref(img);
    STEP(img, vips_autorot(img, &next_, NULL));
    if (vips_image_hasalpha(img)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        STEP(img, vips_flatten(img, &next_, "background", white, NULL));
        vips_area_unref(VIPS_AREA(white));
    }
    if (img->Type != VIPS_INTERPRETATION_sRGB || img->BandFmt != VIPS_FORMAT_UCHAR)
        STEP(img, vips_colourspace(img, &next_, VIPS_INTERPRETATION_sRGB, NULL));
    if (img->BandFmt != VIPS_FORMAT_UCHAR)
        STEP(img, vips_cast_uchar(img, &next_, NULL));
    return img;
fail:
    if (img)
        g_object_unref(img);
    return NULL;
}

static int save_jpeg(VipsImage *img, unsigned char **out, size_t *len)
{
    void *buf = NULL;
    if (vips_jpegsave_buffer(img, &buf, len, "Q", 85, "strip", TRUE, "optimize_coding", TRUE,
                             NULL) != 0)
        return -1;
    *out = buf;
    return 0;
}

int media_process(const void *data, size_t n, const char *filename, size_t max_bytes,
                  struct media_photo *p, char *err, size_t err_size)
{
    memset(p, 0, sizeof *p);
    if (err_size)
        err[0] = '\0';
    const char *name = filename && *filename ? filename : "(không tên / unnamed)";
    if (n > max_bytes) {
        snprintf(err, err_size,
                 "Ảnh %.128s lớn hơn %zu byte. / Photo %.128s is larger than %zu bytes.", name,
                 max_bytes, name, max_bytes);
        return IOC_ETOOBIG;
    }
    enum media_type t = media_sniff(data, n);
    if (t == MEDIA_UNKNOWN) {
        snprintf(err, err_size,
                 "Tệp %.128s không phải ảnh JPEG, PNG hay WebP. / File %.128s is not a JPEG, PNG "
                 "or WebP image.",
                 name, name);
        return IOC_EINVAL;
    }
    if (media_init() != 0) {
        snprintf(err, err_size, "Image library unavailable.");
        return IOC_ERR;
    }
    int rc = IOC_EINVAL;
    VipsImage *img = load(t, data, n), *up = NULL, *thumb = NULL;
    if (!img)
        goto bad;
    if ((double)img->Xsize * (double)img->Ysize > MEDIA_MAX_PIXELS) {
        snprintf(err, err_size,
                 "Ảnh %.128s quá %d điểm ảnh. / Photo %.128s has more than %d pixels.", name,
                 MEDIA_MAX_PIXELS, name, MEDIA_MAX_PIXELS);
        rc = IOC_ETOOBIG;
        goto out;
    }
    read_gps(img, p);
    up = normalise(img);
    if (!up || save_jpeg(up, &p->full, &p->full_len) != 0)
        goto bad;
    if (vips_thumbnail_image(up, &thumb, MEDIA_THUMB_PX, "size", VIPS_SIZE_DOWN, NULL) != 0 ||
        save_jpeg(thumb, &p->thumb, &p->thumb_len) != 0)
        goto bad;
    p->width = up->Xsize;
    p->height = up->Ysize;
    p->thumb_width = thumb->Xsize;
    p->thumb_height = thumb->Ysize;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p->full, p->full_len);
    ioc_hex(h, sizeof h, p->hash);
    rc = 0;
    goto out;
bad:
    snprintf(err, err_size,
             "Không đọc được ảnh %.128s (%s hỏng?). / Photo %.128s could not be decoded (a "
             "damaged %s?).",
             name, media_type_name(t), name, media_type_name(t));
    rc = IOC_EINVAL;
out:
    if (thumb)
        g_object_unref(thumb);
    if (up)
        g_object_unref(up);
    if (img)
        g_object_unref(img);
    vips_error_clear();
    vips_thread_shutdown();
    if (rc)
        media_photo_clear(p);
    return rc;
}

/* ---- storage ----------------------------------------------------------------------------- */

int media_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < MEDIA_HASH_HEX + 4)
        return 0;
    for (int i = 0; i < MEDIA_HASH_HEX; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return 0;
    return strcmp(name + MEDIA_HASH_HEX, ".jpg") == 0 ||
           strcmp(name + MEDIA_HASH_HEX, "_thumb.jpg") == 0;
}

static int put(const char *dir, const char *hash, const char *suffix, const void *d, size_t n,
               int *created)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s%s", dir, hash, suffix) >= sizeof path)
        return IOC_EIO;
    struct stat st;
    /* The same content (its name is its hash): made new again, so that media_gc, which keeps
     * files younger than its age and renames a file away before it checks that age once more,
     * never removes a photo a report is being linked to; if gc took it meanwhile, it is written
     * again. */
    if (stat(path, &st) == 0 && (size_t)st.st_size == n && utimensat(AT_FDCWD, path, NULL, 0) == 0)
        return 0;
    int rc = ioc_file_write_atomic(path, d, n);
    if (rc == 0)
        *created = 1;
    return rc ? IOC_EIO : 0;
}

int media_store(const char *data_dir, const struct media_photo *p, int *created)
{
    int made = 0;
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/media", data_dir) >= sizeof dir ||
        ioc_mkdir_p(dir) != 0)
        return IOC_EIO;
    /* The thumbnail first: a full photo on disk means both are there. */
    int rc = put(dir, p->hash, "_thumb.jpg", p->thumb, p->thumb_len, &made);
    if (rc == 0)
        rc = put(dir, p->hash, ".jpg", p->full, p->full_len, &made);
    if (created)
        *created = made;
    return rc;
}

int media_copy_dir(const char *from, const char *to, size_t *files, size_t *bytes)
{
    *files = 0;
    *bytes = 0;
    DIR *d = opendir(from);
    if (!d)
        return errno == ENOENT ? IOC_ENOTFOUND : IOC_EIO;
    int rc = ioc_mkdir_p(to) ? IOC_EIO : 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!media_name_valid(e->d_name))
            continue;
        char src[4096], dst[4096];
        struct stat st;
        if ((size_t)snprintf(src, sizeof src, "%s/%s", from, e->d_name) >= sizeof src ||
            (size_t)snprintf(dst, sizeof dst, "%s/%s", to, e->d_name) >= sizeof dst) {
            rc = IOC_EIO;
            break;
        }
        if (stat(dst, &st) == 0)
            continue;
        char *data = NULL;
        size_t n = 0;
        rc = ioc_file_read(src, (size_t)1 << 30, &data, &n);
        if (rc == 0)
            rc = ioc_file_write_atomic(dst, data, n);
        free(data);
        if (rc) {
            rc = IOC_EIO;
            break;
        }
        (*files)++;
        *bytes += n;
    }
    closedir(d);
    return rc;
}
