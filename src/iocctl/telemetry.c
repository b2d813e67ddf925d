/*
 * telemetry.c — iocctl lp: line protocol as integrators check it before they send it.
 *
 *   lp check [--precision P] [--now NANOSECONDS] [FILE]
 *
 * Reads FILE (stdin without one, at most 256 MiB), parses it with the server's parser and
 * default limits (src/telemetry/), and prints one JSON object per line of output, in input
 * order: for a point
 *   {"name":…,"tags":{…},"fields":{"k":{"float":1.5}|{"int":"-3"}|{"uint":"7"}|{"bool":true}|
 *    {"string":"x"}},"time":NANOSECONDS}
 * (tags sorted by key; 64-bit integers as strings, since JSON readers often keep only doubles;
 * floats in the shortest form that reads back to the same double; time as a JSON integer
 * with all its digits, which a reader that keeps only doubles rounds past 2^53 ns), and for a
 * bad line {"error":"…","line":N,"column":C}. A repeated field key appears twice in "fields"
 * as it did in the line. P is ns (default), us, ms, s, m or h; points without a timestamp get
 * --now (default: the current time), truncated to P.
 *
 * Exit status: 0 all lines good, 1 a line was bad (or the input unreadable), 2 usage error.
 * Touches no data directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "telemetry/telemetry.h"

#define LP_INPUT_MAX ((size_t)256 << 20)

struct out {
    struct ioc_buf b; /* the object being written, reused for every line */
    int failed;
};

/* The shortest %.*g form of v that reads back to v. */
static int put_double(struct ioc_buf *b, double v)
{
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    return ioc_buf_puts(b, s);
}

static int put_value(struct ioc_buf *b, const struct telemetry_lp_field *f)
{
    switch (f->type) {
    case TELEMETRY_LP_FLOAT:
        return ioc_buf_puts(b, "{\"float\":") || put_double(b, f->v.f) || ioc_buf_putc(b, '}');
    case TELEMETRY_LP_INT:
        return ioc_buf_printf(b, "{\"int\":\"%lld\"}", (long long)f->v.i);
    case TELEMETRY_LP_UINT:
        return ioc_buf_printf(b, "{\"uint\":\"%llu\"}", (unsigned long long)f->v.u);
    case TELEMETRY_LP_BOOL:
        return ioc_buf_puts(b, f->v.b ? "{\"bool\":true}" : "{\"bool\":false}");
    case TELEMETRY_LP_STRING:
        return ioc_buf_puts(b, "{\"string\":") || ioc_buf_json_str(b, f->v.s.p, f->v.s.n) ||
               ioc_buf_putc(b, '}');
    }
    return IOC_EINVAL;
}

static int emit(struct out *o)
{
    if (o->b.data == NULL || ioc_buf_putc(&o->b, '\n') != 0 ||
        fwrite(o->b.data, 1, o->b.len, stdout) != o->b.len)
        o->failed = 1;
    ioc_buf_reset(&o->b);
    return o->failed ? IOC_EIO : 0;
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct out *o = ctx;
    struct ioc_buf *b = &o->b;
    ioc_buf_puts(b, "{\"name\":");
    ioc_buf_json_str(b, pt->name.p, pt->name.n);
    ioc_buf_puts(b, ",\"tags\":{");
    for (size_t i = 0; i < pt->ntags; i++) {
        if (i)
            ioc_buf_putc(b, ',');
        ioc_buf_json_str(b, pt->tags[i].key.p, pt->tags[i].key.n);
        ioc_buf_putc(b, ':');
        ioc_buf_json_str(b, pt->tags[i].value.p, pt->tags[i].value.n);
    }
    ioc_buf_puts(b, "},\"fields\":{");
    for (size_t i = 0; i < pt->nfields; i++) {
        if (i)
            ioc_buf_putc(b, ',');
        ioc_buf_json_str(b, pt->fields[i].key.p, pt->fields[i].key.n);
        ioc_buf_putc(b, ':');
        put_value(b, &pt->fields[i]);
    }
    ioc_buf_printf(b, "},\"time\":%lld}", (long long)pt->time_ns);
    return emit(o); /* a failed append left the buffer empty (data NULL): emit refuses it */
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct out *o = ctx;
    ioc_buf_puts(&o->b, "{\"error\":");
    ioc_buf_json_str(&o->b, e->message, (size_t)-1);
    ioc_buf_printf(&o->b, ",\"line\":%zu,\"column\":%zu}", e->line, e->column);
    return emit(o);
}

/* Reads all of stdin (at most max bytes). 0, IOC_ETOOBIG or IOC_EIO. */
static int read_stdin(struct ioc_buf *in, size_t max)
{
    char chunk[65536];
    ioc_buf_init(in, max);
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (ioc_buf_append(in, chunk, n) != 0)
            return IOC_ETOOBIG;
    return ferror(stdin) ? IOC_EIO : 0;
}

/* Reads the options of lp check; 0, or 2 after the usage. */
static int check_options(struct cli *c, enum telemetry_lp_precision *prec, int64_t *now)
{
    int missing = 0;
    const char *p = cli_opt(c, "--precision", &missing);
    const char *t = cli_opt(c, "--now", &missing);
    if (missing)
        return cli_usage(c, "an option needs a value");
    if (cli_stray_option(c) || c->argc > 1)
        return cli_usage(c, "lp check takes --precision, --now and at most one FILE");
    *prec = TELEMETRY_LP_NS;
    if (p && telemetry_lp_precision_parse(p, strlen(p), prec) != 0)
        return cli_usage(c, "--precision must be ns, us, ms, s, m or h");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (t && ioc_parse_i64(t, strlen(t), INT64_MIN, INT64_MAX, now) != 0)
        return cli_usage(c, "--now must be an integer number of nanoseconds since 1970");
    return 0;
}

static int lp_check(struct cli *c)
{
    enum telemetry_lp_precision prec;
    int64_t now;
    int rc = check_options(c, &prec, &now);
    if (rc)
        return rc;
    const char *file = c->argc == 1 ? c->argv[0] : NULL;
    struct ioc_buf in = {0};
    if (file) {
        rc = ioc_file_read(file, LP_INPUT_MAX, &in.data, &in.len);
        if (rc) {
            fprintf(stderr, "iocctl: cannot read %s: %s\n", file, ioc_strerror(rc));
            return 1;
        }
    } else if ((rc = read_stdin(&in, LP_INPUT_MAX)) != 0) {
        fprintf(stderr, "iocctl: cannot read stdin: %s\n", ioc_strerror(rc));
        ioc_buf_free(&in);
        return 1;
    }
    struct telemetry_lp_parser *p = NULL;
    struct telemetry_lp_stats st = {0};
    struct out o = {.failed = 0};
    ioc_buf_init(&o.b, 0);
    rc = telemetry_lp_create(NULL, &p);
    if (rc == 0)
        rc = telemetry_lp_parse(p, in.data ? in.data : "", in.len, prec, now, on_point, on_error,
                                &o, &st);
    telemetry_lp_destroy(p);
    ioc_buf_free(&o.b);
    ioc_buf_free(&in);
    if (fflush(stdout) != 0 || rc)
        return cli_report(rc ? rc : IOC_EIO, "lp check");
    if (st.bad_lines)
        fprintf(stderr, "iocctl: %zu bad line%s, %zu point%s good\n", st.bad_lines,
                st.bad_lines == 1 ? "" : "s", st.points, st.points == 1 ? "" : "s");
    return st.bad_lines ? 1 : 0;
}

static int cmd_lp(struct cli *c)
{
    if (c->argc < 1 || strcmp(c->argv[0], "check") != 0)
        return cli_usage(c, "lp needs check");
    c->argc--;
    c->argv++;
    return lp_check(c);
}

/* The telemetry group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"lp", cmd_lp,
     "  lp check [--precision P] [--now NS] [FILE]\n"
     "                                   checks line protocol (stdin without FILE): one JSON\n"
     "                                   object per point or bad line; exit 1 if a line is bad\n"},
};
const struct cli_group cli_group_telemetry = CLI_GROUP("telemetry", commands);
