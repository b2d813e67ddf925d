/* httpserver.c — see httpserver.h. */
#include "helpers/httpserver.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/base.h"
#include "net/net.h"

static void *run(void *arg)
{
    struct test_server *ts = arg;
    ts->run_rc = net_server_run(ts->srv, 2);
    return NULL;
}

void test_server_start(struct test_server *ts, const struct net_app *app,
                       const struct net_options *o)
{
    struct net_options def = {"127.0.0.1:0", 2, 1 << 20, 100, 5, 0, 1024, NULL, NULL, 0};
    memset(ts, 0, sizeof *ts);
    if (net_server_create(o ? o : &def, app, &ts->srv) != 0)
        abort();
    const char *url = net_server_url(ts->srv);
    ts->port = atoi(strrchr(url, ':') + 1);
    pthread_t *t = malloc(sizeof *t);
    if (!t || pthread_create(t, NULL, run, ts) != 0)
        abort();
    ts->thread_ = t;
}

void test_server_stop(struct test_server *ts)
{
    net_server_stop(ts->srv);
    pthread_join(*(pthread_t *)ts->thread_, NULL);
    free(ts->thread_);
    ts->thread_ = NULL;
    net_server_destroy(ts->srv);
    ts->srv = NULL;
}

char *test_http(const struct test_server *ts, const char *raw)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return NULL;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ts->port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    struct timeval tv = {10, 0}; /* a missing answer fails the test instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t n = strlen(raw);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, raw, n) != (ssize_t)n) {
        close(fd);
        return NULL;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 24);
    char chunk[4096];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0)
        ioc_buf_append(&b, chunk, (size_t)r);
    close(fd);
    return ioc_buf_steal(&b);
}

char *test_http_get(const struct test_server *ts, const char *target, const char *extra)
{
    struct ioc_buf b;
    ioc_buf_init(&b, 1 << 20);
    ioc_buf_printf(&b, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", target,
                   extra ? extra : "");
    char *req = ioc_buf_steal(&b);
    char *res = req ? test_http(ts, req) : NULL;
    free(req);
    return res;
}

const char *test_http_body(const char *response)
{
    const char *p = response ? strstr(response, "\r\n\r\n") : NULL;
    return p ? p + 4 : NULL;
}

int test_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}
