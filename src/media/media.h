/*
 * media — the photos citizens attach to reports (docs/reports.md "Photos"), without HTTP or SQL.
 *
 *   - the type is read from the bytes, never from the file name or the declared Content-Type:
 *     JPEG, PNG and WebP only (media_sniff);
 *   - a photo is decoded with libvips (the loader of the sniffed type only), turned upright by
 *     its EXIF orientation, converted to sRGB, flattened on white, and re-encoded as a JPEG with
 *     no metadata at all (EXIF, XMP, IPTC, ICC, comments, GPS: libvips' strip), plus a thumbnail
 *     of at most MEDIA_THUMB_PX on its longer side; the original bytes are never kept;
 *   - the EXIF GPS position, read before stripping, is handed back as a suggestion only;
 *   - stored under DATA_DIR/media/ by content: <sha256 of the stripped JPEG>.jpg and
 *     <same>_thumb.jpg, written crash-safely (tmp, fsync, rename), a second upload of the same
 *     photo writing nothing.
 */
#ifndef IOC_MEDIA_H
#define IOC_MEDIA_H

#include <stddef.h>
#include <stdint.h>

enum media_type { MEDIA_UNKNOWN = 0, MEDIA_JPEG, MEDIA_PNG, MEDIA_WEBP };

/* The type of the bytes by their signature; MEDIA_UNKNOWN for anything else (GIF, PDF, HTML…). */
enum media_type media_sniff(const void *data, size_t n);
/* "JPEG", "PNG", "WebP" or "unknown". */
const char *media_type_name(enum media_type t);

#define MEDIA_THUMB_PX 320
#define MEDIA_MAX_PIXELS 50000000 /* larger images are refused before they are decoded */
#define MEDIA_HASH_HEX 64

struct media_photo {
    char hash[MEDIA_HASH_HEX + 1]; /* sha256 of full, hex */
    unsigned char *full;           /* the stripped JPEG */
    size_t full_len;
    unsigned char *thumb; /* the stripped thumbnail JPEG */
    size_t thumb_len;
    int width, height, thumb_width, thumb_height; /* upright */
    int has_gps;                                  /* lat, lon from the EXIF GPS tags */
    double lat, lon;
};

/* Starts libvips once (idempotent, thread-safe); IOC_ERR if it cannot. media_process calls it. */
int media_init(void);
/*
 * Checks and re-encodes one uploaded photo: at most max_bytes bytes, a JPEG, PNG or WebP by its
 * bytes, at most MEDIA_MAX_PIXELS pixels, decodable. 0, IOC_ETOOBIG or IOC_EINVAL (err names
 * filename and says why, in Vietnamese then English), IOC_ENOMEM. On failure p holds nothing.
 */
int media_process(const void *data, size_t n, const char *filename, size_t max_bytes,
                  struct media_photo *p, char *err, size_t err_size);
void media_photo_clear(struct media_photo *p);

/* Writes p under data_dir/media/ unless already there; *created (may be NULL) says whether it
 * wrote. 0 or IOC_EIO. */
int media_store(const char *data_dir, const struct media_photo *p, int *created);
/* 1 if name is a stored file's name: 64 lowercase hex then ".jpg" or "_thumb.jpg". */
int media_name_valid(const char *name);
/* Copies every stored file (media_name_valid names only) of directory from into directory to
 * (made if missing), each crash-safely, skipping those already there: backups (FILE.media) and
 * restores (into DATA_DIR/media) of iocctl. A name is its content, so files are never replaced
 * and a copy taken while iocd adds photos is sound. *files and *bytes count what was copied.
 * 0, IOC_ENOTFOUND (no directory from), IOC_EIO. */
int media_copy_dir(const char *from, const char *to, size_t *files, size_t *bytes);

/* ---- the photos no report names (gc.c) ---------------------------------------------------- */
struct media_gc_count {
    int64_t files;    /* stored files seen */
    int64_t unlinked; /* files of no kept hash, older than the age: listed (removed if asked) */
    int64_t bytes;    /* their size */
    int64_t young;    /* files of no kept hash kept for being younger than the age */
};
/* Goes through DATA_DIR/media/: a file (media_name_valid) whose hash keep(arg, hash) does not
 * keep and whose mtime is at least min_age_s old is passed to each (may be NULL) and, with
 * remove, removed (safe against media_store of the same photo meanwhile: gc.c). 0 (also
 * without a media directory) or IOC_EIO. */
int media_gc(const char *data_dir, int (*keep)(void *arg, const char *hash), void *arg,
             int64_t min_age_s, int remove,
             void (*each)(void *arg, const char *name, int64_t bytes),
             struct media_gc_count *count);

/* ---- the photos' URLs (url.c) ---------------------------------------------------------------
 * A photo's URL is <base>/media/<hash>.jpg, the base being [reports] media_base_url when set (a
 * deployment behind a proxy: https://ioc.example.gov.vn), else "": the URL is the path alone.
 * The request's Host header is never used: the server cannot tell a forged one. */
#define MEDIA_BASE_MAX 200
/* 1 if base is http(s)://host[:port][/path] (no query, fragment or userinfo); *len (may be NULL)
 * is its length without trailing slashes. */
int media_base_valid(const char *base, size_t *len);
/* The base of the photos' URLs into out: configured without its trailing slashes when valid,
 * else "" (an invalid or empty value). */
void media_url_base(const char *configured, char out[MEDIA_BASE_MAX]);

#endif
