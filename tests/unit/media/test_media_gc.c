/* Unit tests for src/media's URLs and gc (url.c, gc.c): the base of the photos' URLs (the
 * configured media_base_url when valid, else nothing), and media_gc (files of no kept hash older
 * than the age listed, removed only when asked; kept ones, young ones and other names left alone; a
 * photo stored again after it became old is made new and survives). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "media/media.h"

static void base(const char *cfg, const char *want)
{
    char out[MEDIA_BASE_MAX];
    media_url_base(cfg, out);
    assert_string_equal(out, want);
}

static void test_url_base(void **state)
{
    (void)state;
    /* configured: taken without its trailing slashes */
    base("https://ioc.example.gov.vn", "https://ioc.example.gov.vn");
    base("https://ioc.example.gov.vn/", "https://ioc.example.gov.vn");
    base("http://10.0.0.5:8080/ioc", "http://10.0.0.5:8080/ioc");
    base("http://[2001:db8::1]:8080", "http://[2001:db8::1]:8080");
    /* empty or invalid: nothing (the URLs are paths) */
    base("", "");
    base(NULL, "");
    base("ftp://ioc.example.gov.vn", "");
    base("ioc.example.gov.vn", "");
    base("https://", "");
    base("https://a.vn/x?y=1", "");
    base("https://user@a.vn", "");
    base("https://a.vn/x#f", "");
    base("https://a.vn/<script>", "");
    base("https://a.vn\\evil", "");
    size_t n = 0;
    assert_true(media_base_valid("https://a.vn//", &n));
    assert_int_equal(n, strlen("https://a.vn"));
    char longer[300];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    memcpy(longer, "https://", 8);
    assert_false(media_base_valid(longer, NULL)); /* longer than MEDIA_BASE_MAX */
}

static char *name(char *out, char c, const char *suffix)
{
    memset(out, c, MEDIA_HASH_HEX);
    strcpy(out + MEDIA_HASH_HEX, suffix);
    return out;
}

/* Writes DIR/media/file with mtime age seconds ago. */
static void put(const char *dir, const char *file, time_t age)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/media", dir);
    assert_int_equal(ioc_mkdir_p(path), 0);
    snprintf(path, sizeof path, "%s/media/%s", dir, file);
    assert_int_equal(ioc_file_write_atomic(path, "0123456789", 10), 0);
    struct timespec t[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists(const char *dir, const char *file)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/media/%s", dir, file);
    return stat(path, &st) == 0;
}

static int keep_b(void *arg, const char *hash)
{
    (void)arg;
    return hash[0] == 'b';
}

static void listed(void *arg, const char *file, int64_t bytes)
{
    (*(int *)arg)++;
    assert_int_equal(bytes, 10);
    assert_int_equal(file[0], 'a'); /* only the old unkept photo */
}

static void test_gc(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct media_gc_count n;
    /* no media directory: nothing */
    assert_int_equal(media_gc(dir, keep_b, NULL, 3600, 1, NULL, &n), 0);
    assert_int_equal(n.files, 0);
    char a[80], at[80], b[80], c[80];
    put(dir, name(a, 'a', ".jpg"), 7200);        /* unkept, old: goes */
    put(dir, name(at, 'a', "_thumb.jpg"), 7200); /* its thumbnail too */
    put(dir, name(b, 'b', ".jpg"), 7200);        /* kept */
    put(dir, name(c, 'c', ".jpg"), 60);          /* unkept but young: an upload in flight */
    put(dir, "notes.txt", 7200);                 /* not a photo's name: never touched */
    int seen = 0;
    assert_int_equal(media_gc(dir, keep_b, &seen, 3600, 0, listed, &n), 0);
    assert_int_equal(seen, 2);
    assert_int_equal(n.files, 4);
    assert_int_equal(n.unlinked, 2);
    assert_int_equal(n.bytes, 20);
    assert_int_equal(n.young, 1);
    assert_true(exists(dir, a) && exists(dir, at)); /* a dry run removes nothing */
    seen = 0;
    assert_int_equal(media_gc(dir, keep_b, &seen, 3600, 1, listed, &n), 0);
    assert_int_equal(seen, 2);
    assert_int_equal(n.unlinked, 2);
    assert_false(exists(dir, a) || exists(dir, at));
    assert_true(exists(dir, b) && exists(dir, c) && exists(dir, "notes.txt"));
    char aside[200];
    snprintf(aside, sizeof aside, "%s.gc", a);
    assert_false(exists(dir, aside));
    assert_int_equal(media_gc(dir, keep_b, NULL, 3600, 1, NULL, &n), 0);
    assert_int_equal(n.unlinked, 0);
    assert_int_equal(n.files, 2);
}

/* A stored photo that became old and unreferenced is made new when the same photo is stored
 * again (an upload about to link it), so gc keeps it. */
static void test_store_again_refreshes(void **state)
{
    (void)state;
    const char *dir = test_fresh_dir();
    struct media_photo p = {0};
    memset(p.hash, 'd', MEDIA_HASH_HEX);
    p.full = (unsigned char *)"0123456789";
    p.full_len = 10;
    p.thumb = (unsigned char *)"0123456789";
    p.thumb_len = 10;
    char d[80], dt[80];
    put(dir, name(d, 'd', ".jpg"), 7200);
    put(dir, name(dt, 'd', "_thumb.jpg"), 7200);
    int created = 1;
    assert_int_equal(media_store(dir, &p, &created), 0);
    assert_int_equal(created, 0);
    struct media_gc_count n;
    assert_int_equal(media_gc(dir, keep_b, NULL, 3600, 1, NULL, &n), 0);
    assert_int_equal(n.unlinked, 0);
    assert_int_equal(n.young, 2);
    assert_true(exists(dir, d) && exists(dir, dt));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_base),
        cmocka_unit_test(test_gc),
        cmocka_unit_test(test_store_again_refreshes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
