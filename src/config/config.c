/*
 * config.c — the platform's table of settings, and the code that fills struct ioc_config and the
 * modules' settings structs (config_modules[], modules.c) from the whole table: the platform's
 * rows, then each module's rows in list order.
 *
 * Invariants: every field of struct ioc_config is named by exactly one row of `settings`, and
 * each field of a module's struct by one row of that module; no two rows name one setting and a
 * section belongs to the platform or to one module (config_defaults checks both); every row's
 * default passes its own checks (config_defaults parses the default text through the same path
 * as a file value).
 */
#include "config/config.h"
#include "base/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define K_STR CONFIG_STR
#define K_INT CONFIG_INT
#define K_I64 CONFIG_I64
#define K_BOOL CONFIG_BOOL

#define OFF(f) offsetof(struct ioc_config, f)
static const struct config_setting settings[] = {
    {"server", "listen", K_STR, OFF(listen), "127.0.0.1:8080", 0, 0,
     "Address and port to listen on; port 0 picks a free port (printed on stdout)."},
    {"server", "data_dir", K_STR, OFF(data_dir), "./data-run", 0, 0,
     "Directory for the database, access log and everything else iocd writes."},
    {"server", "web_root", K_STR, OFF(web_root), "build/web", 0, 0,
     "Directory of the built web console served at /."},
    {"server", "threads", K_INT, OFF(threads), "0", 0, 64,
     "HTTP event loops (threads); 0 means one per CPU core."},
    {"server", "shutdown_timeout_s", K_INT, OFF(shutdown_timeout_s), "4", 1, 60,
     "On SIGTERM, how long in-flight requests may take before iocd exits anyway."},
    {"http", "max_body", K_I64, OFF(max_body), "1048576", 1024, (int64_t)1 << 32,
     "Largest request body in bytes for every route without a limit of its own (telemetry "
     "writes use telemetry.max_body); a larger declared body is answered 413 before it is read."},
    {"http", "max_connections", K_INT, OFF(max_connections), "20000", 1, 1000000,
     "Open client connections at most; further ones are accepted only as others close."},
    {"http", "request_timeout_s", K_INT, OFF(request_timeout_s), "30", 1, 3600,
     "Seconds a connection has to deliver a whole request (headers and body), counted from when "
     "iocd starts waiting for it; idle keep-alive time counts too, so an idle connection is "
     "closed after it (libh2o 2.2.5 has one timer for both). Slow clients are cut."},
    {"http", "trust_forwarded_for", K_BOOL, OFF(trust_forwarded_for), "false", 0, 1,
     "Take the client address from the last X-Forwarded-For entry when the peer is a loopback "
     "address (set it behind nginx, so logs, audit and the login limit see real clients)."},
    {"http", "gzip", K_BOOL, OFF(gzip), "true", 0, 1,
     "Compress responses with gzip when the client accepts it."},
    {"http", "gzip_min_size", K_INT, OFF(gzip_min_size), "1024", 0, 1 << 30,
     "Responses smaller than this many bytes are sent uncompressed."},
    {"log", "level", K_STR, OFF(log_level), "info", 0, 0, "debug, info, warn or error."},
    {"log", "access_log", K_STR, OFF(access_log), "access.log", 0, 0,
     "Access log as JSON lines: a path (relative to data_dir), - for stdout, empty to disable. "
     "Each loop writes its lines in batches, at least every 0.1 s."},
    {"auth", "session_ttl_s", K_INT, OFF(session_ttl_s), "28800", 60, 30 * 86400,
     "A session expires this many seconds after login."},
    {"auth", "session_idle_s", K_INT, OFF(session_idle_s), "1800", 0, 30 * 86400,
     "A session also ends when unused for this many seconds (0 = never); a use is recorded at "
     "most every tenth of it (at most every 60 s), so it may end that much sooner."},
    {"auth", "cookie_secure", K_BOOL, OFF(cookie_secure), "false", 0, 1,
     "Mark the session cookie Secure; set it when iocd is behind a TLS proxy."},
    {"auth", "login_max_failures", K_INT, OFF(login_max_failures), "10", 1, 1000,
     "Wrong passwords (logins and changes of one's own password) allowed per username from one "
     "client address within login_window_s, and ten times as many per address whatever the "
     "username; guesses in flight count. Beyond: 429 for that pair or address only."},
    {"auth", "login_window_s", K_INT, OFF(login_window_s), "300", 1, 86400,
     "Window of the login rate limit, in seconds."},
    {"limits", "key_rate_per_s", K_INT, OFF(key_rate_per_s), "50", 0, 1000000,
     "Requests per second each API key may make on average (token bucket); 0 = no limit."},
    {"limits", "key_burst", K_INT, OFF(key_burst), "200", 1, 10000000,
     "Requests an API key may make at once before key_rate_per_s applies; beyond: 429."},
    {"limits", "refused_rate_per_min", K_INT, OFF(refused_rate_per_min), "30", 1, 1000000,
     "Refused requests (401 writes, rate-limited logins) per minute and anonymous client address "
     "that leave an audit row, on average (token bucket)."},
    {"limits", "refused_burst", K_INT, OFF(refused_burst), "20", 1, 1000000,
     "Refused requests an anonymous address may make at once before refused_rate_per_min "
     "applies; beyond: 429 and no audit row (counted in ioc_audit_suppressed_total)."},
    {"store", "writer_queue", K_INT, OFF(writer_queue), "10000", 16, 1000000,
     "Writes waiting for the storage writer at most; beyond it writes get 503."},
    {"geo", "simplify_max_m", K_INT, OFF(simplify_max_m), "5000", 1, 100000,
     "Largest simplify= tolerance in metres accepted by units.geojson."},
    {"geo", "geojson_cache", K_INT, OFF(geojson_cache), "32", 0, 4096,
     "Number of generated units.geojson bodies kept in memory, besides the console's boundaries "
     "(province and commune, today, simplify=50), which are kept apart and never evicted by "
     "other requests."},
    {"geo", "render_queue", K_INT, OFF(render_queue), "16", 1, 10000,
     "Jobs waiting for the render worker at most (units.geojson bodies not cached, telemetry and "
     "AQI queries, station lists); beyond: 503. One client address may have 4 of them queued or "
     "running; beyond: 429."},
};

/* A row of the whole table and the struct its field is in (NULL when c is NULL or its modules
 * are not allocated); owner is -1 for the platform's rows, else the module's index. */
struct row {
    const struct config_setting *s;
    char *base;
    int owner;
};

/* The number of rows of the platform's table and of the n modules mods. */
static size_t rows_count_in(const struct config_module *const *mods, size_t n)
{
    size_t rows = IOC_ARRAY_LEN(settings);
    for (size_t m = 0; m < n; m++)
        rows += mods[m]->nsettings;
    return rows;
}

/* Row i < rows_count_in(mods, n) of the platform's table followed by the modules' rows. */
static struct row row_at_in(const struct config_module *const *mods, size_t n,
                            const struct ioc_config *c, size_t i)
{
    if (i < IOC_ARRAY_LEN(settings))
        return (struct row){&settings[i], (char *)c, -1};
    i -= IOC_ARRAY_LEN(settings);
    for (size_t m = 0; m < n; m++) {
        if (i < mods[m]->nsettings)
            return (struct row){&mods[m]->settings[i], c && c->modules ? c->modules[m] : NULL,
                                (int)m};
        i -= mods[m]->nsettings;
    }
    return (struct row){NULL, NULL, -1};
}

static size_t rows_count(void)
{
    return rows_count_in(config_modules, config_modules_count);
}

static struct row row_at(const struct ioc_config *c, size_t i)
{
    return row_at_in(config_modules, config_modules_count, c, i);
}

/* The row named section.key; .s is NULL when there is none. */
static struct row find(const struct ioc_config *c, const char *section, const char *key)
{
    for (size_t i = 0, n = rows_count(); i < n; i++) {
        struct row r = row_at(c, i);
        if (strcmp(r.s->section, section) == 0 && strcmp(r.s->key, key) == 0)
            return r;
    }
    return (struct row){NULL, NULL, -1};
}

const void *config_module_get(const struct ioc_config *c, const struct config_module *m)
{
    for (size_t i = 0; i < config_modules_count && c->modules; i++)
        if (config_modules[i] == m)
            return c->modules[i];
    return NULL;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no",
                                                                                "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return IOC_EINVAL;
}

static int apply(const struct row *r, const char *v, char *err, size_t err_size)
{
    const struct config_setting *s = r->s;
    char *field = r->base + s->off;
    switch (s->kind) {
    case K_STR: {
        char *copy = strdup(v);
        if (!copy)
            return IOC_ENOMEM;
        free(*(char **)field);
        *(char **)field = copy;
        return 0;
    }
    case K_BOOL: {
        int b;
        if (parse_bool(v, &b)) {
            snprintf(err, err_size, "%s.%s: expected true or false, got \"%s\"", s->section, s->key,
                     v);
            return IOC_EINVAL;
        }
        *(int *)field = b;
        return 0;
    }
    case K_INT:
    case K_I64: {
        int64_t n = 0;
        if (ioc_parse_i64(v, strlen(v), s->min, s->max, &n) != 0) {
            snprintf(err, err_size, "%s.%s: expected an integer from %lld to %lld, got \"%s\"",
                     s->section, s->key, (long long)s->min, (long long)s->max, v);
            return IOC_EINVAL;
        }
        if (s->kind == K_INT)
            *(int *)field = (int)n;
        else
            *(int64_t *)field = n;
        return 0;
    }
    }
    return IOC_EINVAL;
}

int config_set(struct ioc_config *c, const char *section, const char *key, const char *value,
               char *err, size_t err_size)
{
    struct row r = find(c, section, key);
    if (!r.s || !r.base) {
        snprintf(err, err_size, "unknown setting %s.%s", section, key);
        return IOC_EINVAL;
    }
    return apply(&r, value, err, err_size);
}

int config_modules_check(const struct config_module *const *mods, size_t n, char *err,
                         size_t err_size)
{
    for (size_t i = 0, rows = rows_count_in(mods, n); i < rows; i++) {
        struct row a = row_at_in(mods, n, NULL, i);
        for (size_t j = 0; j < i; j++) {
            struct row b = row_at_in(mods, n, NULL, j);
            if (strcmp(a.s->section, b.s->section) != 0)
                continue;
            if (a.owner != b.owner || strcmp(a.s->key, b.s->key) == 0) {
                snprintf(err, err_size, "%s.%s of %s: the %s is taken by %s", a.s->section,
                         a.s->key, a.owner < 0 ? "the platform" : mods[a.owner]->name,
                         a.owner != b.owner ? "section" : "setting",
                         b.owner < 0 ? "the platform" : mods[b.owner]->name);
                return IOC_EINVAL;
            }
        }
    }
    return 0;
}

int config_defaults(struct ioc_config *c)
{
    memset(c, 0, sizeof *c);
    char err[256];
    int rc = config_modules_check(config_modules, config_modules_count, err, sizeof err);
    if (rc) {
        ioc_log(IOC_LOG_ERROR, "config: %s", err);
        return rc;
    }
    c->modules = calloc(config_modules_count ? config_modules_count : 1, sizeof *c->modules);
    for (size_t m = 0; c->modules && m < config_modules_count; m++)
        if (!(c->modules[m] = calloc(1, config_modules[m]->size)))
            rc = IOC_ENOMEM;
    if (!c->modules)
        rc = IOC_ENOMEM;
    for (size_t i = 0, n = rows_count(); i < n && rc == 0; i++) {
        struct row r = row_at(c, i);
        rc = apply(&r, r.s->def, err, sizeof err);
    }
    if (rc)
        config_free(c);
    return rc;
}

struct file_ctx {
    struct ioc_config *c;
    const char *path;
    char *err;
    size_t err_size;
};

static int on_setting(void *ctx, const char *section, const char *key, const char *value, int line)
{
    struct file_ctx *f = ctx;
    char why[256];
    int rc = config_set(f->c, section, key, value, why, sizeof why);
    if (rc)
        snprintf(f->err, f->err_size, "%s:%d: %s", f->path, line, why);
    return rc;
}

int config_load_text(struct ioc_config *c, const char *text, size_t n, const char *name, char *err,
                     size_t err_size)
{
    struct file_ctx f = {c, name, err, err_size};
    int line = 0;
    err[0] = '\0';
    int rc = ioc_ini_parse(text, n, on_setting, &f, &line);
    if (rc) {
        if (!err[0])
            snprintf(err, err_size, "%s:%d: malformed line", name, line);
        return IOC_EINVAL;
    }
    return 0;
}

int config_load(struct ioc_config *c, const char *path, char *err, size_t err_size)
{
    int rc = 0;
    if (path) {
        char *text = NULL;
        size_t n = 0;
        rc = ioc_file_read(path, 1 << 20, &text, &n);
        if (rc) {
            snprintf(err, err_size, "%s: %s", path, ioc_strerror(rc));
            return IOC_EINVAL;
        }
        rc = config_load_text(c, text, n, path, err, err_size);
        free(text);
        if (rc)
            return rc;
    }
    for (size_t i = 0, nrows = rows_count(); i < nrows; i++) {
        struct row r = row_at(c, i);
        char name[96];
        snprintf(name, sizeof name, "IOC_%s_%s", r.s->section, r.s->key);
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        const char *v = getenv(name);
        if (!v)
            continue;
        char why[256];
        rc = apply(&r, v, why, sizeof why);
        if (rc) {
            snprintf(err, err_size, "%s: %s", name, why);
            return IOC_EINVAL;
        }
    }
    return 0;
}

void config_free(struct ioc_config *c)
{
    for (size_t i = 0, n = rows_count(); i < n; i++) {
        struct row r = row_at(c, i);
        if (r.s->kind == CONFIG_STR && r.base) {
            char **p = (char **)(r.base + r.s->off);
            free(*p);
            *p = NULL;
        }
    }
    for (size_t m = 0; c->modules && m < config_modules_count; m++)
        free(c->modules[m]);
    free(c->modules);
    c->modules = NULL;
}

void config_write_markdown(FILE *f)
{
    const char *section = "";
    for (size_t i = 0, n = rows_count(); i < n; i++) {
        const struct config_setting *s = row_at(NULL, i).s;
        if (strcmp(section, s->section) != 0) {
            section = s->section;
            fprintf(f,
                    "\n### [%s]\n\n| key | default | environment | meaning |\n|---|---|---|---|\n",
                    section);
        }
        char env[96];
        snprintf(env, sizeof env, "IOC_%s_%s", s->section, s->key);
        for (char *p = env; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        fprintf(f, "| `%s` | `%s` | `%s` | %s |\n", s->key, s->def, env, s->doc);
    }
}
