/*
 * config — iocd's settings: defaults, the INI file, environment overrides, validation.
 *
 * Every setting is one row of a table (config.c) with its section, key, type, bounds, default
 * and a line of documentation; docs/configuration.md lists the same rows and a test checks that
 * the two agree. Precedence: default < file < environment (IOC_<SECTION>_<KEY>, upper case) <
 * command-line flags (applied by the caller after config_load).
 */
#ifndef IOC_CONFIG_H
#define IOC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ioc_config {
    /* [server] */
    char *listen;   /* HOST:PORT; port 0 picks a free port */
    char *data_dir; /* everything iocd writes lives here */
    char *web_root; /* static files of the web console */
    int threads;    /* HTTP event loops; 0 = one per core */
    int shutdown_timeout_s;
    /* [http] */
    int64_t max_body; /* bytes; larger bodies get 413 before they are read */
    int max_connections;
    int request_timeout_s;   /* to deliver a whole request; idle keep-alive time included */
    int trust_forwarded_for; /* client address from X-Forwarded-For when the peer is loopback */
    int gzip;                /* compress responses when the client accepts it */
    int gzip_min_size;       /* bytes */
    /* [log] */
    char *log_level;
    char *access_log; /* path, "-" for stdout, "" to disable; relative paths are in data_dir */
    /* [auth] */
    int session_ttl_s;
    int session_idle_s; /* 0: no idle timeout */
    int cookie_secure;  /* add Secure to cookies (set it behind a TLS proxy) */
    int login_max_failures;
    int login_window_s;
    /* [limits] */
    int key_rate_per_s; /* per API key, token bucket; 0 = none */
    int key_burst;
    int refused_rate_per_min; /* audited refusals per anonymous address, token bucket */
    int refused_burst;
    /* [store] */
    int writer_queue;
    /* [demo] */
    int demo;        /* seed the demo province on start (same as --demo) */
    char *units_dir; /* real unit data: units-*.tsv, *.geojson, succession-2025.tsv */
    char *password_admin;
    char *password_leader;
    char *password_operator;
    char *password_staff;
    /* [geo] */
    int simplify_max_m; /* largest simplify= accepted */
    int geojson_cache;  /* simplified GeoJSON bodies kept in memory */
    int render_queue;   /* GeoJSON renders waiting for the render worker at most */
};

/* Fills c with the defaults. Strings are malloc'd; config_free releases them. */
int config_defaults(struct ioc_config *c);
/*
 * Reads path (NULL: no file) then the environment into c (which holds defaults). On error
 * returns IOC_EINVAL and writes "FILE:LINE: reason" (or "IOC_X: reason") into err.
 */
int config_load(struct ioc_config *c, const char *path, char *err, size_t err_size);
/* Reads INI text (named `name` in messages) into c, as config_load does with a file; no
 * environment. Used by config_load and by the fuzzer. */
int config_load_text(struct ioc_config *c, const char *text, size_t n, const char *name, char *err,
                     size_t err_size);
/* Sets one value by section and key from text, with the same checks as the file. */
int config_set(struct ioc_config *c, const char *section, const char *key, const char *value,
               char *err, size_t err_size);
void config_free(struct ioc_config *c);

/* Writes the table of settings as Markdown (for docs/configuration.md and its test). */
void config_write_markdown(FILE *f);

#endif
