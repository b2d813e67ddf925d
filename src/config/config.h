/*
 * config — iocd's settings: defaults, the INI file, environment overrides, validation.
 *
 * Every setting is one row of a table with its section, key, type, bounds, default and a line
 * of documentation: the platform's rows in config.c (stored in struct ioc_config), and each
 * module's own rows (stored in a struct of its own, see struct config_module), collected by the
 * one list of src/config/modules.c. docs/configuration.md lists the same rows and a test checks
 * that the two agree. Precedence: default < file < environment (IOC_<SECTION>_<KEY>, upper case) <
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
    /* [geo] */
    int simplify_max_m; /* largest simplify= accepted */
    int geojson_cache;  /* simplified GeoJSON bodies kept in memory */
    int render_queue;   /* GeoJSON renders waiting for the render worker at most */

    void **modules; /* private: the settings struct of each module of config_modules[] */
};

/* The type of a setting: a string (char *, malloc'd), an int, an int64_t, or a boolean (int 0
 * or 1). Integers are checked against [min, max]. */
enum config_kind { CONFIG_STR, CONFIG_INT, CONFIG_I64, CONFIG_BOOL };

/* One row of a settings table: [section] key, stored at byte offset off of its struct. */
struct config_setting {
    const char *section, *key;
    enum config_kind kind;
    size_t off;
    const char *def; /* the default, as text; it passes the row's own checks */
    int64_t min, max;
    const char *doc; /* one line for docs/configuration.md */
};

/*
 * A module's settings: rows in sections of its own (no section of the platform's table or of
 * another module), stored in a struct of `size` bytes that config_defaults allocates per
 * ioc_config. The module defines, in its own folder,
 *
 *   const struct config_module config_module_<module> = CONFIG_MODULE("<module>",
 *       struct <module>_settings, rows);
 *
 * and src/config/modules.c lists it once; config_module_get gives its struct.
 */
struct config_module {
    const char *name;
    const struct config_setting *settings;
    size_t nsettings;
    size_t size;
};
#define CONFIG_MODULE(name, type, rows)                                                            \
    {                                                                                              \
        name, rows, sizeof rows / sizeof rows[0], sizeof(type)                                     \
    }

/* src/config/modules.c: the one registration list of modules with settings. */
extern const struct config_module *const config_modules[];
extern const size_t config_modules_count;

/* 0 if the platform's rows and those of the n modules mods name each setting once and each
 * section belongs to one owner; IOC_EINVAL with the clash in err otherwise (config_defaults
 * checks config_modules[] so). */
int config_modules_check(const struct config_module *const *mods, size_t n, char *err,
                         size_t err_size);
/* The settings struct of module m in c (filled by config_defaults, config_load and config_set),
 * or NULL if m is not in config_modules[]. */
const void *config_module_get(const struct ioc_config *c, const struct config_module *m);

/* Fills c (platform and modules) with the defaults. Strings and the modules' structs are
 * malloc'd; config_free releases them. IOC_EINVAL if two rows name one setting. */
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
