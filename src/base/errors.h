/*
 * errors.h — the one table of error codes that iocd sends to clients, with the HTTP status of
 * each and a default message: the "code" of every JSON error body {"error":{"code":…}} comes
 * from here, whether src/api/ answers it or src/net/ rewrites a refusal of the HTTP library.
 *
 * The statuses are data here; which error a request gets is decided in src/api/ (and, for the
 * library's own refusals, by the status the library chose). docs/api.md lists exactly this
 * table (`iocd --errors` prints it; tests/integration/ops.test.mjs compares the two).
 *
 * Invariants: each code appears once; the first row of a status is that status's generic code,
 * the one given to a refusal of the HTTP library with that status.
 */
#ifndef IOC_BASE_ERRORS_H
#define IOC_BASE_ERRORS_H

#include <stdio.h>

/* X(NAME, status, "code", "default message; also its meaning in docs/api.md") */
#define IOC_HTTP_ERRORS(X)                                                                         \
    X(BAD_REQUEST, 400, "bad_request", "The request could not be understood.")                     \
    X(BAD_QUERY, 400, "bad_query",                                                                 \
      "The query string is malformed, or a parameter is unknown, repeated or out of range.")       \
    X(BAD_JSON, 400, "bad_json", "The body is not a JSON object; the message gives the place.")    \
    X(BAD_PATH, 400, "bad_path", "The path is not allowed.")                                       \
    X(BAD_LINE_PROTOCOL, 400, "bad_line_protocol",                                                 \
      "A line of the body is not valid line protocol; the message gives its line and column.")     \
    X(FIELD_TYPE_CONFLICT, 400, "field_type_conflict",                                             \
      "A field was written with another type than the one it is stored with.")                     \
    X(LIMIT_EXCEEDED, 400, "limit_exceeded",                                                       \
      "A limit of the server was reached; the message names it.")                                  \
    X(NO_SESSION, 400, "no_session", "The request carries no session cookie.")                     \
    X(UNAUTHENTICATED, 401, "unauthenticated", "Sign in or send an API key.")                      \
    X(BAD_CREDENTIALS, 401, "bad_credentials",                                                     \
      "Wrong username or password, or an API key that is not valid.")                              \
    X(FORBIDDEN, 403, "forbidden",                                                                 \
      "Not allowed: your role, key or agency, or the path, forbids it.")                           \
    X(CSRF, 403, "csrf", "Send the session's CSRF token in X-CSRF-Token.")                         \
    X(SCOPE_NOT_ALLOWED, 403, "scope_not_allowed",                                                 \
      "A key cannot carry a scope that its creator may not use.")                                  \
    X(NOT_FOUND, 404, "not_found", "No such path or object.")                                      \
    X(OUTSIDE, 404, "outside", "The point is outside every commune known on that day.")            \
    X(METHOD_NOT_ALLOWED, 405, "method_not_allowed",                                               \
      "This method is not allowed here (see Allow).")                                              \
    X(CONFLICT, 409, "conflict", "An object with that code or name exists.")                       \
    X(SELF_LOCKOUT, 409, "self_lockout", "An admin cannot disable or demote themselves.")          \
    X(LAST_ADMIN, 409, "last_admin",                                                               \
      "The last enabled admin can be neither disabled nor demoted.")                               \
    X(PERIOD_CLOSED, 409, "period_closed",                                                         \
      "The period is closed to writes; an admin may re-open it.")                                  \
    X(PRECONDITION_FAILED, 412, "precondition_failed",                                             \
      "If-Match does not name the current revision; read the object again.")                       \
    X(BODY_TOO_LARGE, 413, "body_too_large",                                                       \
      "The request body is larger than this server accepts.")                                      \
    X(UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type", "Send the body as application/json.") \
    X(RANGE_NOT_SATISFIABLE, 416, "range_not_satisfiable",                                         \
      "The requested range is outside the file.")                                                  \
    X(EXPECTATION_FAILED, 417, "expectation_failed",                                               \
      "The Expect header asks for something this server does not do.")                             \
    X(INVALID_FIELD, 422, "invalid_field",                                                         \
      "A field of the body is wrong; field names it when one is to blame.")                        \
    X(RATE_LIMITED, 429, "rate_limited", "Too many requests; retry after Retry-After seconds.")    \
    X(INTERNAL, 500, "internal", "The server failed; quote X-Request-Id when reporting it.")       \
    X(UNAVAILABLE, 503, "unavailable", "The server is busy or stopping; retry later.")             \
    X(STARTING, 503, "starting", "The server is still building what this needs; retry soon.")

enum ioc_http_error {
#define IOC_HTTP_ERROR_ENUM(name, status, code, message) IOC_HTTP_E_##name,
    IOC_HTTP_ERRORS(IOC_HTTP_ERROR_ENUM)
#undef IOC_HTTP_ERROR_ENUM
        IOC_HTTP_E_COUNT
};

/* The code ("not_found"), status (404) and default message of e; an e outside the table gives
 * those of IOC_HTTP_E_INTERNAL. */
const char *ioc_http_error_code(enum ioc_http_error e);
int ioc_http_error_status(enum ioc_http_error e);
const char *ioc_http_error_message(enum ioc_http_error e);

/* The generic error of a status chosen by the HTTP library: the first row with that status, or
 * IOC_HTTP_E_COUNT when no row has it. */
enum ioc_http_error ioc_http_error_of_status(int status);

/* Writes the table as Markdown rows "| `code` | status | message |" with their header. */
void ioc_http_errors_write_markdown(FILE *f);

#endif
