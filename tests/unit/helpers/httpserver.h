/* httpserver.h — a real net server on 127.0.0.1:0 run on a thread of its own, and a raw HTTP
 * client, for the unit tests that need requests (api, net). */
#ifndef IOC_TEST_HTTPSERVER_H
#define IOC_TEST_HTTPSERVER_H

struct net_app;
struct net_options;
struct net_server;

struct test_server {
    struct net_server *srv;
    int port;
    int run_rc; /* what net_server_run returned, after test_server_stop */
    void *thread_;
};

/* Creates the server (o NULL: 2 loops, no access log) and starts serving; aborts on failure. */
void test_server_start(struct test_server *ts, const struct net_app *app,
                       const struct net_options *o);
/* Stops it, waits for the loops to drain and destroys it. */
void test_server_stop(struct test_server *ts);
/* Sends raw on a new connection and returns everything read until the server closes it
 * (malloc'd, NUL-terminated), or NULL. */
char *test_http(const struct test_server *ts, const char *raw);
/* "GET target HTTP/1.1" with Host, Connection: close and the extra header lines (each ending in
 * CR LF, or ""), through test_http. */
char *test_http_get(const struct test_server *ts, const char *target, const char *extra);
/* The body of a response (after the empty line), or NULL. */
const char *test_http_body(const char *response);
/* How many times needle occurs in hay. */
int test_count(const char *hay, const char *needle);

#endif
