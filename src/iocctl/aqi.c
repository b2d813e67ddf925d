/*
 * aqi.c — iocctl's aqi command: the hourly or daily VN_AQI of a CSV of hourly means, computed by
 * the same library as the server (src/environment), for an environment department to check
 * numbers by hand. No data directory, no database: a file (or stdin) in, a CSV out. A bad row
 * stops it with FILE:LINE:COL: why on stderr and nothing on stdout (docs/environment.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "iocctl/iocctl_int.h"

#define MAX_INPUT (64u << 20) /* 64 MiB: over a million hours of all six pollutants */

/* Reads all of stdin into *out (malloc'd, caller frees). 0, IOC_ETOOBIG, IOC_EIO, IOC_ENOMEM. */
static int read_stdin(char **out, size_t *n)
{
    struct ioc_buf b;
    ioc_buf_init(&b, MAX_INPUT);
    char chunk[65536];
    size_t got;
    int rc = 0;
    while (rc == 0 && (got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        rc = ioc_buf_append(&b, chunk, got) ? IOC_ETOOBIG : 0;
    if (rc == 0 && ferror(stdin))
        rc = IOC_EIO;
    *n = b.len;
    *out = rc ? NULL : ioc_buf_steal(&b);
    ioc_buf_free(&b);
    return rc ? rc : *out ? 0 : IOC_ENOMEM;
}

static int cmd_aqi(struct cli *c)
{
    int hourly = cli_flag(c, "--hourly"), daily = cli_flag(c, "--daily");
    if (cli_stray_option(c) || hourly + daily != 1 || c->argc > 1)
        return cli_usage(c, "aqi takes --hourly or --daily, then [FILE.csv]");
    const char *path = c->argc == 1 && strcmp(c->argv[0], "-") != 0 ? c->argv[0] : NULL;
    const char *name = path ? path : "stdin";
    char *text = NULL;
    size_t n = 0;
    int rc = path ? ioc_file_read(path, MAX_INPUT, &text, &n) : read_stdin(&text, &n);
    if (rc) {
        fprintf(stderr, "iocctl: aqi: %s: %s\n", name, ioc_strerror(rc));
        return 1;
    }
    struct aqi_csv_row *rows;
    size_t nrows;
    struct aqi_csv_error err;
    rc = aqi_csv_read(text, n, &rows, &nrows, &err);
    free(text);
    if (rc == IOC_EINVAL) {
        fprintf(stderr, "%s:%zu:%zu: %s\n", name, err.line, err.column, err.message);
        return 1;
    }
    if (rc)
        return cli_report(rc, "aqi");
    struct ioc_buf out;
    ioc_buf_init(&out, 0);
    rc = aqi_csv_write(rows, nrows, daily, &out);
    free(rows);
    if (rc == 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
        rc = IOC_EIO;
    ioc_buf_free(&out);
    if (rc == 0 && fflush(stdout) != 0)
        rc = IOC_EIO;
    return cli_report(rc, "aqi");
}

/* The aqi group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"aqi", cmd_aqi,
     "  aqi --hourly|--daily [FILE.csv]  the VN_AQI (Decision 1459/QD-TCMT) of a CSV of hourly\n"
     "                                   means (time,pm25,pm10,no2,so2,co,o3; stdin without a\n"
     "                                   file or with -): one row per hour or per local day\n"},
};

const struct cli_group cli_group_aqi = CLI_GROUP("aqi", commands);
