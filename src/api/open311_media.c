/*
 * open311_media.c — POST /open311/v2/requests.{fmt} as multipart/form-data (h_open311.c): the
 * text parts become the same form an urlencoded body gives, the file parts named media or
 * media[] are photos (src/media: checked, re-encoded without metadata, stored by hash under
 * DATA_DIR/media/). The first photo's URL fills media_url when none is given; when neither lat
 * nor long is given and a photo carries an EXIF GPS position, the position is used and the
 * service_notice says so; with extensions the answer lists every photo in media_urls. The
 * photos are linked to the request in the POST's transaction (report_media), and the GETs list
 * them: Open311 with extensions as media_urls, the staff's API as media.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "base/base.h"
#include "media/media.h"
#include "net/net.h"
#include "reports/reports.h"

struct o311_media {
    size_t n;
    char (*hash)[MEDIA_HASH_HEX + 1];
    char base[MEDIA_BASE_MAX]; /* the URLs' start: base_url */
    int gps_used;
    double lat, lon;
};

int64_t o311_media_max_body(const struct ioc_config *cfg)
{
    const struct rep_settings *s = rep_settings_get(cfg);
    return s->max_photos * (s->max_photo_bytes + 4096);
}

int o311_media_is_multipart(const char *ct, size_t n)
{
    return ct && n >= 19 && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

static void form_free(void *p)
{
    rep_form_free(p);
}

/* Appends key=val (UTF-8 checked, NFC) to f, which has room. */
static int form_add(struct rep_form *f, const char *key, const char *val, size_t vn)
{
    if (memchr(val, '\0', vn) || !ioc_utf8_valid(val, vn))
        return IOC_EINVAL;
    char *k = strdup(key), *v = NULL;
    size_t nn = 0;
    int rc = k ? ioc_text_nfc(val, vn, &v, &nn) : IOC_ENOMEM;
    if (rc) {
        free(k);
        return rc;
    }
    f->keys[f->n] = k;
    f->vals[f->n] = v;
    f->n++;
    return 0;
}

/* The start of the photos' URLs: [reports] media_base_url, else "" (the paths /media/…); never
 * the request's Host (media.h). */
static void base_url(struct api_ctx *c, char *out, size_t size)
{
    char base[MEDIA_BASE_MAX];
    media_url_base(rep_settings_get(c->api->cfg)->media_base_url, base);
    snprintf(out, size, "%s", base);
}

static int is_media_name(const char *n)
{
    return strcmp(n, "media") == 0 || strcmp(n, "media[]") == 0;
}

/* Checks, re-encodes and stores one photo part into m; 0, or -1 after answering. */
static int add_photo(struct api_ctx *c, int xml, const struct rep_settings *set,
                     const struct ioc_part *p, const struct rep_form *f, struct o311_media *m)
{
    char err[512];
    if (m->n >= (size_t)set->max_photos) {
        o311_error(c, xml, 413, "media",
                   "Một phản ánh có tối đa %lld ảnh. / A report carries at most %lld photos.",
                   (long long)set->max_photos, (long long)set->max_photos);
        return -1;
    }
    struct media_photo ph;
    int rc = media_process(p->data, p->len, p->filename, (size_t)set->max_photo_bytes, &ph, err,
                           sizeof err);
    if (rc) {
        o311_error(c, xml,
                   rc == IOC_ETOOBIG  ? 413
                   : rc == IOC_EINVAL ? 400
                                      : 500,
                   "media", "%s", err);
        return -1;
    }
    rc = media_store(c->api->cfg->data_dir, &ph, NULL);
    if (rc == 0) {
        memcpy(m->hash[m->n++], ph.hash, sizeof ph.hash);
        if (ph.has_gps && !m->gps_used && !rep_form_get(f, "lat") && !rep_form_get(f, "long")) {
            m->gps_used = 1;
            m->lat = ph.lat;
            m->lon = ph.lon;
        }
    }
    media_photo_clear(&ph);
    if (rc) {
        o311_error(c, xml, 500, "media", "The photo could not be stored.");
        return -1;
    }
    return 0;
}

/* The fields the photos give: lat/long from the first GPS position when the citizen gave none
 * (text parts may follow the photo), media_url from the first photo when none was given. */
static void finish(struct rep_form *f, struct o311_media *m)
{
    char buf[300];
    if (m->gps_used && (rep_form_get(f, "lat") || rep_form_get(f, "long")))
        m->gps_used = 0;
    if (m->gps_used) {
        snprintf(buf, sizeof buf, "%.7f", m->lat);
        form_add(f, "lat", buf, strlen(buf));
        snprintf(buf, sizeof buf, "%.7f", m->lon);
        form_add(f, "long", buf, strlen(buf));
    }
    if (m->n && !rep_form_get(f, "media_url")) {
        snprintf(buf, sizeof buf, "%s/media/%s.jpg", m->base, m->hash[0]);
        form_add(f, "media_url", buf, strlen(buf));
    }
}

struct rep_form *o311_media_form(struct api_ctx *c, int xml, const char *ct, size_t ctn,
                                 struct o311_media **out)
{
    *out = NULL;
    const struct rep_settings *set = rep_settings_get(c->api->cfg);
    char boundary[IOC_MULTIPART_BOUNDARY_MAX + 1];
    char *ctz = net_req_strdup(c->req, ct, ctn);
    if (ioc_multipart_boundary(ctz, boundary, sizeof boundary) != 0) {
        o311_error(c, xml, 400, "", "multipart/form-data needs a valid boundary parameter.");
        return NULL;
    }
    size_t bn = 0;
    const char *body = net_req_body(c->req, &bn);
    struct ioc_multipart mp;
    char err[512];
    size_t max_parts = REP_FORM_MAX_FIELDS + (size_t)set->max_photos;
    int rc = ioc_multipart_parse(body ? body : "", bn, boundary, max_parts, &mp, err, sizeof err);
    if (rc) {
        o311_error(c, xml, rc == IOC_ENOMEM ? 500 : 400, "", "%s", err);
        return NULL;
    }
    struct rep_form *f = net_req_alloc(c->req, sizeof *f);
    struct o311_media *m = net_req_alloc(c->req, sizeof *m);
    memset(f, 0, sizeof *f);
    memset(m, 0, sizeof *m);
    f->keys = calloc(mp.n + 3, sizeof *f->keys);
    f->vals = calloc(mp.n + 3, sizeof *f->vals);
    m->hash = net_req_alloc(c->req, (mp.n + 1) * sizeof *m->hash);
    if (!f->keys || !f->vals) {
        rep_form_free(f);
        ioc_multipart_free(&mp);
        o311_error(c, xml, 500, "", "Out of memory.");
        return NULL;
    }
    net_req_on_free(c->req, form_free, f);
    base_url(c, m->base, sizeof m->base);
    size_t text_bytes = 0;
    for (size_t i = 0; i < mp.n; i++) {
        const struct ioc_part *p = &mp.parts[i];
        if (!p->filename) {
            text_bytes += p->len;
            rc = text_bytes > REP_FORM_MAX_BYTES
                     ? IOC_ETOOBIG
                     : form_add(f, p->name, (const char *)p->data, p->len);
            if (rc) {
                o311_error(c, xml, rc == IOC_ENOMEM ? 500 : 400, p->name,
                           "The field %.64s is not UTF-8 text without NUL, or the text fields "
                           "are larger than %zu bytes.",
                           p->name, REP_FORM_MAX_BYTES);
                goto fail;
            }
            continue;
        }
        if (!is_media_name(p->name)) {
            o311_error(c, xml, 400, p->name,
                       "Files are accepted only as media (or media[]); %.64s is not.", p->name);
            goto fail;
        }
        if (p->len == 0 && !p->filename[0])
            continue; /* a file input left empty */
        if (add_photo(c, xml, set, p, f, m))
            goto fail;
    }
    ioc_multipart_free(&mp);
    finish(f, m);
    *out = m;
    return f;
fail:
    ioc_multipart_free(&mp);
    return NULL;
}

void o311_media_notice(const struct o311_media *m, char *notice, size_t size)
{
    size_t len = strlen(notice);
    if (m && m->gps_used && len + 1 < size)
        snprintf(notice + len, size - len,
                 " Vị trí lấy từ GPS của ảnh (%.6f, %.6f) vì phản ánh không có lat/long.", m->lat,
                 m->lon);
}

void o311_media_answer(const struct o311_media *m, int ext, json_t *obj)
{
    if (!m || !m->n || !obj)
        return;
    char url[300];
    snprintf(url, sizeof url, "%s/media/%s.jpg", m->base, m->hash[0]);
    json_object_set_new(obj, "media_url", json_string(url));
    if (!ext)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n; i++) {
        snprintf(url, sizeof url, "%s/media/%s.jpg", m->base, m->hash[i]);
        json_array_append_new(arr, json_string(url));
    }
    json_object_set_new(obj, "media_urls", arr);
}

int o311_media_link(struct store_conn *w, const struct o311_media *m, int64_t id)
{
    for (size_t i = 0; m && i < m->n; i++) {
        int rc = store_rep_media_add(w, id, (int)i + 1, m->hash[i]);
        if (rc)
            return rc;
    }
    return 0;
}

json_t *o311_media_urls(struct api_ctx *c, int64_t id, int staff)
{
    struct store_rep_photo *ph = NULL;
    size_t n = 0;
    if (store_rep_media_list(c->t->db, &id, 1, &ph, &n) != 0)
        return NULL;
    char base[MEDIA_BASE_MAX] = "", url[300], thumb[300];
    if (!staff)
        base_url(c, base, sizeof base);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        snprintf(url, sizeof url, "%s/media/%s.jpg", base, ph[i].hash);
        if (!staff) {
            json_array_append_new(arr, json_string(url));
            continue;
        }
        snprintf(thumb, sizeof thumb, "/media/%s_thumb.jpg", ph[i].hash);
        json_array_append_new(arr, json_pack("{s:s, s:s}", "url", url, "thumbnail_url", thumb));
    }
    free(ph);
    return arr;
}
