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
 *
 *   import readings [--dry-run] [--measurement M] [--precision P] [--int COL,...] FILE.csv
 *
 * (reached through `import`, whose word units.c owns: it hands `import readings` here.) Reads
 * FILE in 64 KiB blocks through src/telemetry/readings.c (layout in docs/telemetry.md "CSV
 * readings"), showing a progress bar on stderr when stderr is a terminal (rows, %, rows/s), and
 * prints a summary on stdout: rows read, points, refused rows with their line, column and
 * reason (the first 20, then a count). Without --dry-run the points of the good rows are stored
 * in DATA_DIR's telemetry (src/telemetry/import.c), which needs iocd stopped (it holds the
 * telemetry log; a running iocd takes the rows over HTTP, POST /write), and an audit row
 * "telemetry.import" is written.
 *
 * Exit status: 0 every row good and stored, 1 a row or a point refused (the good ones are still
 * stored), a bad header, an unreadable file or iocd running, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"
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

/* ---- import readings -------------------------------------------------------------------- */

#define IMPORT_BLOCK 65536
#define IMPORT_SHOWN 20
#define IMPORT_MAX_INT 256

struct import {
    const char *file;
    struct telemetry_readings_options ro;
    const char *ints[IMPORT_MAX_INT];
    char *ints_text; /* the --int value, split in place */
    int dry_run;
    struct telemetry_readings *rd;
    struct telemetry_import *store; /* NULL for a dry run */
    struct telemetry_import_stats stored;
    int store_rc;         /* the first error of the store: the reading stops */
    struct ioc_buf shown; /* the first IMPORT_SHOWN refusals, one a line */
    size_t nshown;
    char last[400]; /* the last error, for a bad header */
    int tty;
    int64_t t0, drawn_ns;
    long long size, done;
};

static int import_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct import *im = ctx;
    if (!im->store) /* a dry run: the point is counted by the reader, and stored nowhere */
        return 0;
    int rc = telemetry_import_point(im->store, pt);
    if (rc && !im->store_rc)
        im->store_rc = rc;
    return rc;
}

static int import_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct import *im = ctx;
    if (e->column)
        snprintf(im->last, sizeof im->last, "line %zu, column %zu: %s", e->line, e->column,
                 e->message);
    else
        snprintf(im->last, sizeof im->last, "line %zu: %s", e->line, e->message);
    if (im->nshown < IMPORT_SHOWN) {
        im->nshown++;
        ioc_buf_printf(&im->shown, "  %s\n", im->last);
    }
    return 0;
}

/* Draws the progress bar on stderr (a terminal only), at most every 100 ms; the last one at
 * 100% with a newline. */
static void progress(struct import *im, int last)
{
    int64_t now = ioc_mono_ns();
    if (!im->tty || (!last && now - im->drawn_ns < 100000000))
        return;
    im->drawn_ns = now;
    struct telemetry_readings_stats st;
    telemetry_readings_stats_get(im->rd, &st);
    int pct =
        last || im->size <= 0 || im->done >= im->size ? 100 : (int)(im->done * 100 / im->size);
    char bar[31];
    for (int i = 0; i < 30; i++)
        bar[i] = i < pct * 30 / 100 ? '#' : '.';
    bar[30] = '\0';
    double secs = (double)(now - im->t0) / 1e9;
    fprintf(stderr, "\r[%s] %3d%%  %zu rows  %.0f rows/s%s", bar, pct, st.rows,
            secs > 0 ? (double)st.rows / secs : 0.0, last ? "\n" : "");
    fflush(stderr);
}

/* Feeds the file to the reader in blocks. 0, IOC_EIO, or the reader's code. */
static int import_read(struct import *im, FILE *f)
{
    char *block = malloc(IMPORT_BLOCK);
    if (!block)
        return IOC_ENOMEM;
    int rc = 0;
    size_t n;
    while (rc == 0 && (n = fread(block, 1, IMPORT_BLOCK, f)) > 0) {
        im->done += (long long)n;
        rc = telemetry_readings_feed(im->rd, block, n, import_point, import_error, im);
        progress(im, 0);
    }
    if (rc == 0 && ferror(f))
        rc = IOC_EIO;
    if (rc == 0)
        rc = telemetry_readings_finish(im->rd, import_point, import_error, im);
    free(block);
    return rc;
}

/* Splits the --int value at commas into im->ints. 0, or 2 after the usage. */
static int import_ints(struct cli *c, struct import *im, const char *v)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (!(im->ints_text = malloc(n + 1)))
        return cli_report(IOC_ENOMEM, "import readings");
    memcpy(im->ints_text, v, n + 1);
    for (char *p = im->ints_text, *end; p; p = end) {
        end = strchr(p, ',');
        if (end)
            *end++ = '\0';
        if (!*p || im->ro.nint_columns == IMPORT_MAX_INT)
            return cli_usage(c, "--int takes up to 256 column names separated by commas");
        im->ints[im->ro.nint_columns++] = p;
    }
    im->ro.int_columns = im->ints;
    return 0;
}

/* Reads the options of import readings; 0, or an exit code after the reason. */
static int import_options(struct cli *c, struct import *im)
{
    int missing = 0;
    im->dry_run = cli_flag(c, "--dry-run");
    const char *m = cli_opt(c, "--measurement", &missing);
    const char *p = cli_opt(c, "--precision", &missing);
    const char *ints = cli_opt(c, "--int", &missing);
    if (missing)
        return cli_usage(c, "an option needs a value");
    if (cli_stray_option(c) || c->argc != 2)
        return cli_usage(c, "import readings takes FILE.csv and the options shown");
    im->file = c->argv[1];
    im->ro.measurement = m;
    im->ro.precision = TELEMETRY_LP_NS;
    if (p && telemetry_lp_precision_parse(p, strlen(p), &im->ro.precision) != 0)
        return cli_usage(c, "--precision must be ns, us, ms, s, m or h");
    int rc = import_ints(c, im, ints);
    if (rc)
        return rc;
    rc = telemetry_readings_create(&im->ro, &im->rd);
    if (rc == IOC_EINVAL)
        return cli_usage(c, "--measurement must be 1 to 256 bytes of UTF-8 without control "
                            "characters");
    return rc ? cli_report(rc, "import readings") : 0;
}

/* Prints the summary of a finished read; the exit code. */
static int import_summary(struct import *im)
{
    struct telemetry_readings_stats st;
    telemetry_readings_stats_get(im->rd, &st);
    printf("%s: %zu row%s read, %zu point%s, %zu row%s refused\n", im->file, st.rows,
           st.rows == 1 ? "" : "s", st.points, st.points == 1 ? "" : "s", st.refused,
           st.refused == 1 ? "" : "s");
    if (im->shown.len)
        fwrite(im->shown.data, 1, im->shown.len, stdout);
    if (st.refused > im->nshown)
        printf("  and %zu more refused row%s\n", st.refused - im->nshown,
               st.refused - im->nshown == 1 ? "" : "s");
    if (im->dry_run) {
        printf("dry run: nothing was stored\n");
    } else {
        const struct telemetry_import_stats *s = &im->stored;
        printf("stored: %zu value%s", s->stored, s->stored == 1 ? "" : "s");
        if (s->strings)
            printf(" (%zu text value%s not stored: text fields are not kept)", s->strings,
                   s->strings == 1 ? "" : "s");
        printf("%s\n", st.refused ? "; the good rows are stored, the refused ones are not" : "");
        if (s->refused)
            printf("refused by the store: %zu value%s; the first: %s: %s\n", s->refused,
                   s->refused == 1 ? "" : "s", s->first_field,
                   s->first_rc == IOC_EEXIST ? "the field is stored with another type"
                                             : ioc_strerror(s->first_rc));
    }
    if (fflush(stdout) != 0)
        return cli_report(IOC_EIO, "import readings");
    return st.refused || im->stored.refused ? 1 : 0;
}

struct audit_job {
    const char *file, *detail;
};

static int audit_job(struct store_conn *w, void *arg)
{
    struct audit_job *j = arg;
    return cli_audit(w, "telemetry.import", j->file, j->detail);
}

/* Opens the telemetry of DATA_DIR for storing (its database must exist); 0, or 1 after why. */
static int import_open_store(struct cli *c, struct import *im)
{
    if (cli_open(c, 0))
        return 1;
    char err[400] = "";
    int rc = telemetry_import_open(c->data, &im->store, err, sizeof err);
    if (rc == IOC_EBUSY)
        fprintf(stderr,
                "iocctl: iocd is running on %s and holds its telemetry: stop it before an import, "
                "or send the rows to it over HTTP (POST /write, line protocol)\n",
                c->data);
    else if (rc)
        fprintf(stderr, "iocctl: cannot open the telemetry of %s: %s\n", c->data,
                err[0] ? err : ioc_strerror(rc));
    return rc ? 1 : 0;
}

/* Stores the rest, then the audit row. 0, or 1 after why. */
static int import_close_store(struct cli *c, struct import *im)
{
    int rc = telemetry_import_finish(im->store, &im->stored);
    telemetry_import_close(im->store);
    if (cli_report(rc, "import readings: storing"))
        return 1;
    char detail[160];
    snprintf(detail, sizeof detail, "%zu values stored, %zu refused", im->stored.stored,
             im->stored.refused);
    struct audit_job j = {im->file, detail};
    return cli_report(store_tx(c->db, audit_job, &j), "stored, but the audit row");
}

int cli_import_readings(struct cli *c)
{
    struct import im = {0};
    ioc_buf_init(&im.shown, 0);
    int rc = import_options(c, &im);
    FILE *f = NULL;
    if (rc)
        goto out;
    if (!(f = fopen(im.file, "rb"))) {
        fprintf(stderr, "iocctl: cannot read %s: %s\n", im.file, strerror(errno));
        rc = 1;
        goto out;
    }
    if (!im.dry_run && (rc = import_open_store(c, &im)) != 0)
        goto out;
    struct stat sb;
    im.size = fstat(fileno(f), &sb) == 0 ? (long long)sb.st_size : 0;
    im.tty = isatty(STDERR_FILENO);
    im.t0 = im.drawn_ns = ioc_mono_ns();
    int read_rc = import_read(&im, f);
    if (read_rc == 0)
        progress(&im, 1);
    if (im.store_rc)
        fprintf(stderr, "%siocctl: %s: storing: %s\n", im.tty ? "\n" : "", im.file,
                ioc_strerror(im.store_rc));
    else if (read_rc == IOC_EINVAL) /* a bad header, reported to import_error */
        fprintf(stderr, "%siocctl: %s: %s\n", im.tty ? "\n" : "", im.file, im.last);
    else if (read_rc)
        fprintf(stderr, "iocctl: cannot read %s: %s\n", im.file, ioc_strerror(read_rc));
    if (im.store) { /* what was appended before an error is stored too */
        int src = import_close_store(c, &im);
        im.store = NULL;
        if (src)
            read_rc = read_rc ? read_rc : IOC_EIO;
    }
    rc = read_rc ? 1 : import_summary(&im);
out:
    if (f)
        fclose(f);
    telemetry_readings_destroy(im.rd);
    free(im.ints_text);
    ioc_buf_free(&im.shown);
    return rc;
}

/* The telemetry group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"lp", cmd_lp,
     "  lp check [--precision P] [--now NS] [FILE]\n"
     "                                   checks line protocol (stdin without FILE): one JSON\n"
     "                                   object per point or bad line; exit 1 if a line is bad\n"},
};
const struct cli_group cli_group_telemetry = CLI_GROUP("telemetry", commands);
