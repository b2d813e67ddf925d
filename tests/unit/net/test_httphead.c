/* Unit tests for net_head_check (src/net/httphead.c): a table of raw request heads, each with
 * the verdict; and that it never reads past n. And net_head_target: the method and path of the
 * request line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

struct head_case {
    const char *head;
    int ok;
    const char *why; /* a word of the reason, when refused */
};

static const struct head_case CASES[] = {
    {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1, NULL},
    {"GET / HTTP/1.1\nHost: x\n\n", 1, NULL},
    {"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 1, NULL},
    {"GET / HTTP/1.1\r\n\r\n", 1, NULL},
    {"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 1, NULL},
    {"POST / HTTP/1.1\r\ncontent-length:\t 0 \t\r\n\r\n", 1, NULL},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1, NULL},
    {"POST / HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n", 1, NULL},
    {"POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}", 1, NULL},
    {"GET / HTTP/1.1\r\nX-Content-Length: 1\r\nContent-Lengths: 2\r\n\r\n", 1, NULL},
    /* what follows the empty line is body, not headers */
    {"POST / HTTP/1.1\r\nContent-Length: 40\r\n\r\nContent-Length: 3\r\n\r\n", 1, NULL},
    {"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 70\r\n\r\n", 0, "More than one"},
    {"POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n", 0, "More than one"},
    {"POST / HTTP/1.1\r\nContent-Length: 2, 70\r\n\r\n", 0, "plain number"},
    {"POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n", 0, "plain number"},
    {"POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", 0, "plain number"},
    {"POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n", 0, "plain number"},
    {"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 0, "plain number"},
    {"POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 0, "Both"},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", 0, "Both"},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
     "More than one"},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0, "other than chunked"},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 0, "other than chunked"},
    {"POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", 0, "other than chunked"},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0, "HTTP/1.0"},
    {"GET / HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n", 0, "folded"},
    {"GET / HTTP/1.1\r\nContent-Length: 2\r\n\t, 70\r\n\r\n", 0, "folded"},
    {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 0, "colon"},
    {"GET / HTTP/1.1\r\nHost: x\r\n", 0, "incomplete"},
    {"GET / HTTP/1.1", 0, "incomplete"},
    {"", 0, "incomplete"},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const struct head_case *c = &CASES[i];
        size_t n = strlen(c->head);
        char *copy = malloc(n + 1); /* exact size: ASan sees any overread */
        memcpy(copy, c->head, n);
        const char *why = "unset";
        int rc = net_head_check(copy, n, &why);
        if (c->ok != (rc == 0))
            fail_msg("case %zu (%s): rc %d, %s", i, c->head, rc, why ? why : "-");
        if (c->ok) {
            assert_null(why);
        } else {
            assert_int_equal(rc, IOC_EINVAL);
            assert_non_null(why);
            if (!strstr(why, c->why))
                fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, why, c->why);
        }
        free(copy);
    }
}

/* Only n bytes count: a head cut before its empty line is incomplete even when more follows. */
static void test_bounded(void **state)
{
    (void)state;
    const char *head = "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nContent-Length: 3\r\n\r\n";
    const char *why;
    size_t end = strstr(head, "\r\n\r\n") - head + 4;
    assert_int_equal(net_head_check(head, end, &why), 0);
    assert_int_equal(net_head_check(head, end - 1, &why), IOC_EINVAL);
    assert_int_equal(net_head_check(head, 0, &why), IOC_EINVAL);
}

struct target_case {
    const char *head;
    const char *method, *path; /* NULL: refused */
};

static const struct target_case TARGETS[] = {
    {"POST /write?db=x&p=k HTTP/1.1\r\n", "POST", "/write"},
    {"GET /api/v1/units HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/api/v1/units"},
    {"\r\nPUT /a/b HTTP/1.1\r\n", "PUT", "/a/b"},
    {"\nGET /x HTTP/1.0\n", "GET", "/x"},
    {"GET /? HTTP/1.1\r\n", "GET", "/"},
    {"GET ?q HTTP/1.1\r\n", "GET", ""},
    {"GET /x HTTP/1.1", NULL, NULL},            /* no end of line yet */
    {"POST /write", NULL, NULL},                /* cut in the target */
    {"GET /x\r\n", NULL, NULL},                 /* no version */
    {" /x HTTP/1.1\r\n", NULL, NULL},           /* no method */
    {"GET  HTTP/1.1\r\n", NULL, NULL},          /* no target */
    {"\r\n\r\nGET / HTTP/1.1\r\n", NULL, NULL}, /* one empty line is skipped, not two */
    {"", NULL, NULL},
};

static void test_target(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof TARGETS / sizeof TARGETS[0]; i++) {
        const struct target_case *c = &TARGETS[i];
        size_t n = strlen(c->head);
        char *copy = malloc(n + 1); /* exact size: ASan sees any overread */
        memcpy(copy, c->head, n);
        const char *m = NULL, *p = NULL;
        size_t ml = 0, pl = 0;
        int rc = net_head_target(copy, n, &m, &ml, &p, &pl);
        if (!c->method) {
            if (rc != IOC_EINVAL)
                fail_msg("case %zu (%s): rc %d", i, c->head, rc);
        } else {
            if (rc != 0 || ml != strlen(c->method) || memcmp(m, c->method, ml) != 0 ||
                pl != strlen(c->path) || memcmp(p, c->path, pl) != 0)
                fail_msg("case %zu (%s): rc %d, \"%.*s\" \"%.*s\"", i, c->head, rc, (int)ml,
                         m ? m : "", (int)pl, p ? p : "");
        }
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table), cmocka_unit_test(test_bounded),
                                       cmocka_unit_test(test_target)};
    return cmocka_run_group_tests_name("httphead", tests, NULL, NULL);
}
