/* The load client of bench/ingest.sh, the same for every target.
 *
 *   load HOST PORT PATH FILE LINES_PER_BATCH CONNECTIONS VALUES_PER_LINE [AUTHORIZATION]
 *   load --sink PORT            a trivial HTTP sink (answers 204 to everything) to check that
 *                               this client is not the bottleneck
 *
 * Reads FILE (line protocol) into memory and cuts it into batches of LINES_PER_BATCH lines before
 * the clock starts; then CONNECTIONS threads, each on its own keep-alive connection, POST the
 * batches in order (a shared counter hands out the next batch) and wait for each answer. Prints
 * key value lines: batches, values, seconds, values_per_s, failed (non-2xx answers; the first one's
 * status and body go to stderr). Exit status 1 if any batch failed.
 *
 * Environment (bench/alerts.sh): IOC_LOAD_VALUES_PER_S paces the batches (batch i is not sent
 * before start + i × its values / that rate); IOC_LOAD_BATCHES sends only the first that many. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct job {
    const char *host, *path, *auth;
    int port;
    char *data;
    size_t *off; /* batch i is data[off[i]..off[i+1]) */
    size_t nbatches;
    atomic_size_t next;
    atomic_size_t failed;
    atomic_int reported;
    double pace_s; /* seconds between batch starts; 0: as fast as answered */
    struct timespec start;
};

static int dial(const char *host, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("load: connect");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 300};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static int send_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* Case-insensitive search for header name (with its colon) in the head; its value or NULL. */
static const char *header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, name, n) == 0)
            return p + 2 + n;
    return NULL;
}

/* Reads one message (an answer, or a request for the sink) with its body (Content-Length or
 * chunked); returns 0, or -1 on a broken connection. *keep is cleared when the peer closes. Only
 * the start of a long body is kept in buf (enough to print a failure). */
static int read_message(int fd, int *keep, char *buf, size_t cap)
{
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = 0;
        end = strstr(buf, "\r\n\r\n");
        if (!end && len >= cap - 1)
            return -1;
    }
    const char *cl = header(buf, "content-length:");
    const char *te = header(buf, "transfer-encoding:");
    const char *conn = header(buf, "connection:");
    *keep = !(conn && strncasecmp(conn + strspn(conn, " "), "close", 5) == 0);
    size_t body = (size_t)(end + 4 - buf), have = len - body, room = (cap - 1 - body) / 2;
    if (cl) {
        size_t want = strtoul(cl, NULL, 10);
        while (have < want) {
            /* keep the first `room` bytes of the body; read the rest over the second half */
            size_t at = len < body + room ? len : body + room, n = cap - 1 - at;
            ssize_t r = read(fd, buf + at, n < want - have ? n : want - have);
            if (r <= 0)
                return -1;
            have += (size_t)r;
            if (at == len)
                len = at + (size_t)r < body + room ? at + (size_t)r : body + room;
        }
    } else if (te && strstr(te, "chunked")) {
        while (!strstr(end + 4, "0\r\n\r\n")) {
            if (len >= cap - 1)
                len = body; /* drop what was read; the terminator is searched in new bytes */
            ssize_t r = read(fd, buf + len, cap - 1 - len);
            if (r <= 0)
                return -1;
            len += (size_t)r;
            buf[len] = 0;
        }
    } else if (strncmp(buf, "HTTP/", 5) == 0 && atoi(buf + 9) >= 200 && atoi(buf + 9) != 204 &&
               atoi(buf + 9) != 304) {
        *keep = 0; /* an answer whose body runs until close: not worth reading */
    }
    buf[len] = 0;
    return 0;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    char buf[65536], head[1024];
    int fd = -1, keep = 0;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->nbatches)
            break;
        if (j->pace_s > 0) {
            double at = (double)i * j->pace_s;
            struct timespec t = j->start;
            t.tv_sec += (time_t)at;
            t.tv_nsec += (long)((at - (double)(time_t)at) * 1e9);
            if (t.tv_nsec >= 1000000000L)
                t.tv_sec++, t.tv_nsec -= 1000000000L;
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
                ;
        }
        if (fd < 0 && (fd = dial(j->host, j->port)) < 0) {
            atomic_fetch_add(&j->failed, 1);
            continue;
        }
        size_t blen = j->off[i + 1] - j->off[i];
        int hl = snprintf(head, sizeof head,
                          "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: text/plain\r\n"
                          "Content-Length: %zu\r\n%s%s%s\r\n",
                          j->path, j->host, j->port, blen, j->auth ? "Authorization: " : "",
                          j->auth ? j->auth : "", j->auth ? "\r\n" : "");
        struct iovec iov[2] = {{head, (size_t)hl}, {j->data + j->off[i], blen}};
        int status = send_all(fd, iov, 2) == 0 && read_message(fd, &keep, buf, sizeof buf) == 0
                         ? atoi(buf + 9)
                         : 0;
        if (status < 200 || status > 299) {
            atomic_fetch_add(&j->failed, 1);
            if (atomic_exchange(&j->reported, 1) == 0)
                fprintf(stderr, "load: batch %zu: %s\n", i, status ? buf : "connection lost");
        }
        if (!status || !keep) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    rewind(f);
    char *d = malloc((size_t)n + 1);
    if (d && fread(d, 1, (size_t)n, f) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return d;
}

/* Batch boundaries every `lines` lines; returns the number of batches. */
static size_t cut(const char *d, size_t len, long lines, size_t **off)
{
    size_t cap = 1024, n = 0;
    *off = malloc(cap * sizeof **off);
    (*off)[0] = 0;
    size_t pos = 0;
    while (pos < len) {
        for (long k = 0; k < lines && pos < len; k++) {
            const char *nl = memchr(d + pos, '\n', len - pos);
            pos = nl ? (size_t)(nl - d) + 1 : len;
        }
        if (n + 2 >= cap)
            *off = realloc(*off, (cap *= 2) * sizeof **off);
        (*off)[++n] = pos;
    }
    return n;
}

static void *sink_conn(void *arg)
{
    int fd = (int)(intptr_t)arg, keep = 1;
    static const char ok[] = "HTTP/1.1 204 No Content\r\n\r\n";
    char *buf = malloc(1 << 16);
    while (keep && read_message(fd, &keep, buf, 1 << 16) == 0)
        if (write(fd, ok, sizeof ok - 1) != (ssize_t)sizeof ok - 1)
            break;
    free(buf);
    close(fd);
    return NULL;
}

static int sink(int port)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 64) != 0) {
        perror("load: sink");
        return 1;
    }
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        pthread_t t;
        if (fd >= 0 && pthread_create(&t, NULL, sink_conn, (void *)(intptr_t)fd) == 0)
            pthread_detach(t);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--sink") == 0)
        return sink(atoi(argv[2]));
    if (argc < 8 || argc > 9) {
        fprintf(stderr, "usage: load HOST PORT PATH FILE LINES_PER_BATCH CONNECTIONS "
                        "VALUES_PER_LINE [AUTHORIZATION]\n       load --sink PORT\n");
        return 2;
    }
    struct job j = {.host = argv[1], .port = atoi(argv[2]), .path = argv[3]};
    j.auth = argc == 9 ? argv[8] : NULL;
    size_t len;
    if (!(j.data = slurp(argv[4], &len))) {
        perror("load: read");
        return 1;
    }
    long lines = atol(argv[5]), per_line = atol(argv[7]);
    int conns = atoi(argv[6]);
    j.nbatches = cut(j.data, len, lines, &j.off);
    const char *e = getenv("IOC_LOAD_BATCHES");
    if (e && atol(e) > 0 && (size_t)atol(e) < j.nbatches) {
        j.nbatches = (size_t)atol(e);
        len = j.off[j.nbatches]; /* the values counted below are those sent */
    }
    e = getenv("IOC_LOAD_VALUES_PER_S");
    if (e && atof(e) > 0)
        j.pace_s = (double)lines * (double)per_line / atof(e);
    pthread_t t[64];
    conns = conns < 1 ? 1 : conns > 64 ? 64 : conns;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    j.start = a;
    for (int i = 0; i < conns; i++)
        pthread_create(&t[i], NULL, worker, &j);
    for (int i = 0; i < conns; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    size_t nl = 0;
    for (const char *p = j.data; (p = memchr(p, '\n', len - (size_t)(p - j.data))); p++)
        nl++;
    double values = (double)nl * (double)per_line;
    size_t failed = atomic_load(&j.failed);
    printf("batches %zu\nvalues %.0f\nseconds %.3f\nvalues_per_s %.0f\nfailed %zu\n", j.nbatches,
           values, s, values / s, failed);
    return failed ? 1 : 0;
}
