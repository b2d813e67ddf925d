/* Unit tests for the multipart/form-data parser (src/base/multipart.c): the boundary from a
 * Content-Type, parts with names, file names, types and binary bodies (CR, LF, NUL, a near-miss
 * of the boundary), preamble and epilogue, and each refusal (no close delimiter, no name, a
 * header block that does not end, too many parts, bad UTF-8 in a name) leaving nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static int parse(const char *s, size_t n, size_t max, struct ioc_multipart *m)
{
    char err[256];
    int rc = ioc_multipart_parse(s, n, "XyZ", max, m, err, sizeof err);
    if (rc)
        assert_true(err[0] != '\0');
    return rc;
}
#define PARSE(lit, m) parse(lit, sizeof lit - 1, 16, m)

static void test_boundary(void **state)
{
    (void)state;
    char b[IOC_MULTIPART_BOUNDARY_MAX + 1];
    assert_int_equal(ioc_multipart_boundary("multipart/form-data; boundary=abc-123", b, sizeof b),
                     0);
    assert_string_equal(b, "abc-123");
    assert_int_equal(ioc_multipart_boundary("Multipart/Form-Data;charset=utf-8; boundary=\"a b:c\"",
                                            b, sizeof b),
                     0);
    assert_string_equal(b, "a b:c");
    assert_int_equal(ioc_multipart_boundary("multipart/form-data", b, sizeof b), IOC_EINVAL);
    assert_int_equal(ioc_multipart_boundary("application/x-www-form-urlencoded", b, sizeof b),
                     IOC_EINVAL);
    assert_int_equal(ioc_multipart_boundary("multipart/form-data; boundary=a\"b", b, sizeof b),
                     IOC_EINVAL);
    char longb[128] = "multipart/form-data; boundary=";
    memset(longb + strlen(longb), 'x', 71);
    assert_int_equal(ioc_multipart_boundary(longb, b, sizeof b), IOC_EINVAL);
    longb[strlen(longb) - 1] = '\0'; /* 70 characters: the most allowed */
    assert_int_equal(ioc_multipart_boundary(longb, b, sizeof b), 0);
    assert_int_equal(strlen(b), 70);
}

static void test_parts(void **state)
{
    (void)state;
    static const char body[] = "preamble to ignore\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"service_code\"\r\n"
                               "\r\n"
                               "pothole\r\n"
                               "--XyZ  \r\n"
                               "content-disposition: form-data; name=media; "
                               "filename=\"a\\\"b.jpg\"\r\n"
                               "Content-Type: image/jpeg \r\n"
                               "X-Other: ignored\r\n"
                               "\r\n"
                               "\xff\xd8\r\n--XY\0\n\r\n"
                               "\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"m\xc3\xb4 t\xe1\xba\xa3\"; "
                               "filename=\"\"\r\n"
                               "\r\n"
                               "\r\n"
                               "--XyZ--\r\n"
                               "epilogue --XyZ garbage";
    struct ioc_multipart m;
    assert_int_equal(PARSE(body, &m), 0);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.parts[0].name, "service_code");
    assert_null(m.parts[0].filename);
    assert_null(m.parts[0].type);
    assert_int_equal(m.parts[0].len, 7);
    assert_memory_equal(m.parts[0].data, "pothole", 7);
    assert_string_equal(m.parts[1].name, "media");
    assert_string_equal(m.parts[1].filename, "a\"b.jpg");
    assert_string_equal(m.parts[1].type, "image/jpeg");
    assert_int_equal(m.parts[1].len, 12);
    assert_memory_equal(m.parts[1].data, "\xff\xd8\r\n--XY\0\n\r\n\r\n", 12);
    assert_string_equal(m.parts[2].name, "m\xc3\xb4 t\xe1\xba\xa3");
    assert_string_equal(m.parts[2].filename, "");
    assert_int_equal(m.parts[2].len, 0);
    assert_ptr_equal(ioc_multipart_get(&m, "media"), &m.parts[1]);
    assert_null(ioc_multipart_get(&m, "nope"));
    ioc_multipart_free(&m);
    /* no parts at all: only the close delimiter */
    assert_int_equal(PARSE("--XyZ--", &m), 0);
    assert_int_equal(m.n, 0);
    ioc_multipart_free(&m);
}

static void test_refusals(void **state)
{
    (void)state;
    struct ioc_multipart m;
    /* truncated: no close delimiter */
    assert_int_equal(PARSE("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc", &m),
                     IOC_EINVAL);
    assert_int_equal(m.n, 0);
    assert_null(m.parts);
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nabc\r\n--XyZ", &m),
        IOC_EINVAL);
    /* no boundary line */
    assert_int_equal(PARSE("hello", &m), IOC_EINVAL);
    /* a part without a name, or not form-data, or without Content-Disposition */
    assert_int_equal(PARSE("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--", &m),
                     IOC_EINVAL);
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    assert_int_equal(PARSE("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", &m),
                     IOC_EINVAL);
    assert_int_equal(PARSE("--XyZ\r\n\r\nx\r\n--XyZ--", &m), IOC_EINVAL);
    /* an unterminated quote; bad UTF-8 and a control character in a name */
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data; name=\"\xc3\"\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data; name=\"a\tb\"\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    /* a folded header line; the boundary line not followed by CRLF */
    assert_int_equal(
        PARSE("--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    assert_int_equal(
        PARSE("--XyZx\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--", &m),
        IOC_EINVAL);
    /* a header block that never ends, or is over 8 KiB */
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    ioc_buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
    for (int i = 0; i < IOC_MULTIPART_HEADER_MAX; i++)
        ioc_buf_putc(&b, 'p');
    ioc_buf_puts(&b, "\r\n\r\nx\r\n--XyZ--");
    assert_int_equal(parse(b.data, b.len, 16, &m), IOC_EINVAL);
    ioc_buf_free(&b);
    /* a bad boundary given by the caller */
    char err[64];
    assert_int_equal(ioc_multipart_parse("--\r\n", 4, "", 4, &m, err, sizeof err), IOC_EINVAL);
}

static void test_limits(void **state)
{
    (void)state;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    for (int i = 0; i < 4; i++)
        ioc_buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=k%d\r\n\r\nv\r\n", i);
    ioc_buf_puts(&b, "--XyZ--\r\n");
    struct ioc_multipart m;
    assert_int_equal(parse(b.data, b.len, 4, &m), 0);
    assert_int_equal(m.n, 4);
    ioc_multipart_free(&m);
    assert_int_equal(parse(b.data, b.len, 3, &m), IOC_ETOOBIG);
    assert_int_equal(m.n, 0);
    assert_null(m.parts);
    ioc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
