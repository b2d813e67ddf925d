/*
 * errors.c — lookups in the table of error codes of errors.h (IOC_HTTP_ERRORS).
 *
 * Invariant: every function answers for any int it is given; values outside the table read as
 * IOC_HTTP_E_INTERNAL, so a bad enum never indexes past the table.
 */
#include "base/errors.h"

struct row {
    int status;
    const char *code;
    const char *message;
};

static const struct row rows[IOC_HTTP_E_COUNT] = {
#define IOC_HTTP_ERROR_ROW(name, status, code, message)                                            \
    [IOC_HTTP_E_##name] = {status, code, message},
    IOC_HTTP_ERRORS(IOC_HTTP_ERROR_ROW)
#undef IOC_HTTP_ERROR_ROW
};

static const struct row *row_of(enum ioc_http_error e)
{
    int i = (int)e;
    return &rows[i >= 0 && i < IOC_HTTP_E_COUNT ? i : IOC_HTTP_E_INTERNAL];
}

const char *ioc_http_error_code(enum ioc_http_error e)
{
    return row_of(e)->code;
}

int ioc_http_error_status(enum ioc_http_error e)
{
    return row_of(e)->status;
}

const char *ioc_http_error_message(enum ioc_http_error e)
{
    return row_of(e)->message;
}

enum ioc_http_error ioc_http_error_of_status(int status)
{
    for (int i = 0; i < IOC_HTTP_E_COUNT; i++)
        if (rows[i].status == status)
            return (enum ioc_http_error)i;
    return IOC_HTTP_E_COUNT;
}

void ioc_http_errors_write_markdown(FILE *f)
{
    fputs("| code | status | meaning |\n|---|---|---|\n", f);
    for (int i = 0; i < IOC_HTTP_E_COUNT; i++)
        fprintf(f, "| `%s` | %d | %s |\n", rows[i].code, rows[i].status, rows[i].message);
}
