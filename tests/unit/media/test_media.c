/* Unit tests for src/media: photos made here with libvips (and an EXIF block with GPS and
 * orientation made with libexif): type sniffing from the bytes (a PNG named .jpg is a PNG; GIF,
 * PDF, HTML refused naming the file), the size limit, upright output by the EXIF orientation,
 * no metadata left in the output (no Exif, no GPS, no APP1), the thumbnail's size, the GPS
 * suggestion, storage by content hash with dedup, file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libexif/exif-data.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "media/media.h"

/* A w×h sRGB image of a flat grey level. */
static VipsImage *grey(int w, int h, double level)
{
    VipsImage *b = NULL, *l = NULL, *c = NULL;
    assert_int_equal(vips_black(&b, w, h, "bands", 3, NULL), 0);
    assert_int_equal(vips_linear1(b, &l, 1.0, level, NULL), 0);
    assert_int_equal(vips_cast_uchar(l, &c, NULL), 0);
    g_object_unref(b);
    g_object_unref(l);
    c->Type = VIPS_INTERPRETATION_sRGB;
    return c;
}

static void put_entry(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat f, unsigned long comps,
                      const void *data, unsigned int size)
{
    ExifEntry *e = exif_entry_new();
    e->tag = tag;
    e->format = f;
    e->components = comps;
    e->size = size;
    e->data = malloc(size);
    memcpy(e->data, data, size);
    exif_content_add_entry(ed->ifd[ifd], e);
    exif_entry_unref(e);
}

static void rational3(unsigned char out[24], uint32_t d, uint32_t m, uint32_t s100)
{
    ExifRational r[3] = {{d, 1}, {m, 1}, {s100, 100}};
    for (int i = 0; i < 3; i++)
        exif_set_rational(out + 8 * i, EXIF_BYTE_ORDER_INTEL, r[i]);
}

/* An EXIF block: orientation 6 (rotate 90° clockwise to view), GPS 21°1'30"N 105°51'0"E, a
 * camera make. */
static void exif_block(unsigned char **out, unsigned int *len)
{
    ExifData *ed = exif_data_new();
    exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_INTEL);
    unsigned char sh[2];
    exif_set_short(sh, EXIF_BYTE_ORDER_INTEL, 6);
    put_entry(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1, sh, 2);
    put_entry(ed, EXIF_IFD_0, EXIF_TAG_MAKE, EXIF_FORMAT_ASCII, 12, "SecretCam42", 12);
    unsigned char r[24];
    put_entry(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF, EXIF_FORMAT_ASCII, 2, "N", 2);
    rational3(r, 21, 1, 3000);
    put_entry(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE, EXIF_FORMAT_RATIONAL, 3, r, 24);
    put_entry(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF, EXIF_FORMAT_ASCII, 2, "E", 2);
    rational3(r, 105, 51, 0);
    put_entry(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE, EXIF_FORMAT_RATIONAL, 3, r, 24);
    exif_data_save_data(ed, out, len);
    exif_data_unref(ed);
    assert_non_null(*out);
}

/* An 800×400 JPEG carrying the EXIF block above and an XMP packet. */
static void jpeg_with_exif(void **buf, size_t *len)
{
    VipsImage *img = grey(800, 400, 90);
    unsigned char *ex = NULL;
    unsigned int exlen = 0;
    exif_block(&ex, &exlen);
    vips_image_set_blob_copy(img, VIPS_META_EXIF_NAME, ex, exlen);
    free(ex);
    static const char xmp[] = "<x:xmpmeta xmlns:x='adobe:ns:meta/'>SecretXmp</x:xmpmeta>";
    vips_image_set_blob_copy(img, VIPS_META_XMP_NAME, xmp, sizeof xmp - 1);
    assert_int_equal(vips_jpegsave_buffer(img, buf, len, NULL), 0);
    g_object_unref(img);
    /* the input really carries what must go */
    assert_non_null(memmem(*buf, *len, "Exif", 4));
    assert_non_null(memmem(*buf, *len, "SecretCam42", 11));
    assert_non_null(memmem(*buf, *len, "SecretXmp", 9));
}

static void png(int w, int h, double level, void **buf, size_t *len)
{
    VipsImage *img = grey(w, h, level);
    assert_int_equal(vips_pngsave_buffer(img, buf, len, NULL), 0);
    g_object_unref(img);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(media_sniff("\xff\xd8\xff\xe0", 4), MEDIA_JPEG);
    assert_int_equal(media_sniff("\x89PNG\r\n\x1a\n", 8), MEDIA_PNG);
    assert_int_equal(media_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), MEDIA_WEBP);
    assert_int_equal(media_sniff("RIFF\0\0\0\0WAVEfmt ", 16), MEDIA_UNKNOWN);
    assert_int_equal(media_sniff("GIF89a", 6), MEDIA_UNKNOWN);
    assert_int_equal(media_sniff("\xff\xd8", 2), MEDIA_UNKNOWN);
    assert_int_equal(media_sniff("", 0), MEDIA_UNKNOWN);

    struct media_photo p;
    char err[512];
    static const char *const bad[] = {"GIF89a\x01\0\x01\0\0\0\0;", "%PDF-1.4\n%\xe2\xe3\n1 0 obj",
                                      "<!doctype html><html><script>x</script>"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++) {
        assert_int_equal(
            media_process(bad[i], strlen(bad[i]), "anh-1.jpg", 1 << 20, &p, err, sizeof err),
            IOC_EINVAL);
        assert_non_null(strstr(err, "anh-1.jpg"));
        assert_null(p.full);
    }
    /* a PNG named .jpg is read as the PNG it is */
    void *b = NULL;
    size_t n = 0;
    png(64, 32, 200, &b, &n);
    assert_int_equal(media_process(b, n, "renamed.jpg", 1 << 20, &p, err, sizeof err), 0);
    assert_int_equal(media_sniff(p.full, p.full_len), MEDIA_JPEG);
    assert_int_equal(p.width, 64);
    assert_int_equal(p.height, 32);
    assert_int_equal(p.thumb_width, 64); /* never enlarged */
    assert_false(p.has_gps);
    media_photo_clear(&p);
    /* a damaged PNG: right signature, broken rest */
    ((unsigned char *)b)[n / 2] ^= 0xff;
    memset((unsigned char *)b + 16, 0xee, n - 32);
    assert_int_equal(media_process(b, n, "hong.png", 1 << 20, &p, err, sizeof err), IOC_EINVAL);
    assert_non_null(strstr(err, "hong.png"));
    g_free(b);
}

static void test_limits(void **state)
{
    (void)state;
    void *b = NULL;
    size_t n = 0;
    png(64, 64, 10, &b, &n);
    struct media_photo p;
    char err[512];
    assert_int_equal(media_process(b, n, "big.png", n - 1, &p, err, sizeof err), IOC_ETOOBIG);
    assert_non_null(strstr(err, "big.png"));
    assert_int_equal(media_process(b, n, "ok.png", n, &p, err, sizeof err), 0);
    media_photo_clear(&p);
    g_free(b);
}

static void test_strip_rotate_thumb_gps(void **state)
{
    (void)state;
    void *b = NULL;
    size_t n = 0;
    jpeg_with_exif(&b, &n);
    struct media_photo p;
    char err[512];
    assert_int_equal(media_process(b, n, "IMG_0001.JPG", 8 << 20, &p, err, sizeof err), 0);
    g_free(b);
    /* upright: orientation 6 turns 800×400 into 400×800 */
    assert_int_equal(p.width, 400);
    assert_int_equal(p.height, 800);
    assert_int_equal(p.thumb_width, 160);
    assert_int_equal(p.thumb_height, MEDIA_THUMB_PX);
    /* the GPS suggestion */
    assert_true(p.has_gps);
    assert_true(fabs(p.lat - (21 + 1 / 60.0 + 30 / 3600.0)) < 1e-9);
    assert_true(fabs(p.lon - (105 + 51 / 60.0)) < 1e-9);
    /* nothing of the metadata is left, in the photo or its thumbnail */
    const struct {
        const unsigned char *d;
        size_t n;
    } outs[] = {{p.full, p.full_len}, {p.thumb, p.thumb_len}};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(media_sniff(outs[i].d, outs[i].n), MEDIA_JPEG);
        assert_null(memmem(outs[i].d, outs[i].n, "Exif", 4));
        assert_null(memmem(outs[i].d, outs[i].n, "SecretCam42", 11));
        assert_null(memmem(outs[i].d, outs[i].n, "SecretXmp", 9));
        assert_null(memmem(outs[i].d, outs[i].n, "\xff\xe1", 2)); /* no APP1 segment */
        VipsImage *back = NULL;
        assert_int_equal(vips_jpegload_buffer((void *)outs[i].d, outs[i].n, &back, NULL), 0);
        assert_int_equal(vips_image_get_typeof(back, VIPS_META_EXIF_NAME), 0);
        assert_int_equal(vips_image_get_typeof(back, VIPS_META_XMP_NAME), 0);
        assert_int_equal(vips_image_get_typeof(back, VIPS_META_ICC_NAME), 0);
        g_object_unref(back);
    }
    /* the hash is the sha256 of the stored bytes, in hex */
    assert_int_equal(strlen(p.hash), MEDIA_HASH_HEX);
    char name[128];
    snprintf(name, sizeof name, "%s.jpg", p.hash);
    assert_true(media_name_valid(name));
    media_photo_clear(&p);
}

static void test_store_dedup(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    void *b = NULL;
    size_t n = 0;
    png(100, 50, 120, &b, &n);
    struct media_photo p, q, r;
    char err[512];
    assert_int_equal(media_process(b, n, "a.png", 1 << 20, &p, err, sizeof err), 0);
    assert_int_equal(media_process(b, n, "b.png", 1 << 20, &q, err, sizeof err), 0);
    g_free(b);
    png(100, 50, 30, &b, &n);
    assert_int_equal(media_process(b, n, "c.png", 1 << 20, &r, err, sizeof err), 0);
    g_free(b);
    assert_string_equal(p.hash, q.hash);
    assert_string_not_equal(p.hash, r.hash);
    int created = -1;
    assert_int_equal(media_store(dir, &p, &created), 0);
    assert_int_equal(created, 1);
    assert_int_equal(media_store(dir, &q, &created), 0);
    assert_int_equal(created, 0); /* the same photo again writes nothing */
    assert_int_equal(media_store(dir, &r, &created), 0);
    assert_int_equal(created, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/media/%s.jpg", dir, p.hash);
    char *got = NULL;
    size_t glen = 0;
    assert_int_equal(ioc_file_read(path, 1 << 20, &got, &glen), 0);
    assert_int_equal(glen, p.full_len);
    assert_memory_equal(got, p.full, glen);
    free(got);
    snprintf(path, sizeof path, "%s/media/%s_thumb.jpg", dir, p.hash);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, p.thumb_len);
    snprintf(path, sizeof path, "%s/media/%s.jpg.tmp", dir, p.hash);
    assert_int_not_equal(stat(path, &st), 0); /* no temporary file left */
    media_photo_clear(&p);
    media_photo_clear(&q);
    media_photo_clear(&r);
}

static void test_names(void **state)
{
    (void)state;
    char h[80];
    memset(h, 'a', 64);
    strcpy(h + 64, ".jpg");
    assert_true(media_name_valid(h));
    strcpy(h + 64, "_thumb.jpg");
    assert_true(media_name_valid(h));
    strcpy(h + 64, ".png");
    assert_false(media_name_valid(h));
    h[3] = 'A';
    strcpy(h + 64, ".jpg");
    assert_false(media_name_valid(h));
    assert_false(media_name_valid("../etc/passwd.jpg"));
    assert_false(media_name_valid(".jpg"));
}

int main(void)
{
    assert_int_equal(media_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_strip_rotate_thumb_gps),
        cmocka_unit_test(test_store_dedup),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
