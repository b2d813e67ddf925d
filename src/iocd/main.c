/*
 * iocd — the ioc server: reads its configuration, opens the store (applying migrations), seeds
 * the demo province when asked, builds the API and serves it until SIGTERM or SIGINT.
 *
 * Start order: the store and its writer (the demo seeded), the live event hub, the telemetry
 * ingest, the webhooks' delivery thread, the AQI engine and the alert engine (src/iocd/wire.c
 * joins the alert engine to the webhooks and the event hub, and the AQI engine's water alarms
 * to the webhooks), the daily figures (figures.c), the demo sensors, the server.
 *
 * Shutdown order (SIGTERM): stop accepting; let in-flight requests finish (at most
 * server.shutdown_timeout_s); stop the alert engine, then the webhooks' thread and the daily
 * figures (all write through the writer); drain and stop the storage writer, so every acknowledged
 * write is committed, then checkpoint the WAL to zero bytes; stop the demo sensors and the AQI
 * engine; stop the MQTT subscriber (its batches in flight are answered), then the telemetry ingest
 * (queued batches written); close the database; destroy the event hub; exit 0.
 *
 * Everything iocd creates is private: umask 077 (files 0600, directories 0700).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "alerts/alerts.h"
#include "api/api.h"
#include "base/base.h"
#include "base/errors.h"
#include "config/config.h"
#include "environment/environment.h"
#include "events/events.h"
#include "indicators/indicators.h"
#include "iocd/iocd_int.h"
#include "net/net.h"
#include "notify/notify.h"
#include "reports/reports.h"
#include "seed/seed.h"
#include "store/store.h"
#include "telemetry/telemetry.h"

static const char usage[] =
    "usage: iocd [--config FILE] [--listen HOST:PORT] [--data DIR] [--web-root DIR]\n"
    "            [--threads N] [--demo] [--seed-only]\n"
    "       iocd --routes | --openapi | --config-doc | --errors | --version | --help\n"
    "\n"
    "  --config FILE      INI settings (see docs/configuration.md); IOC_* variables override\n"
    "  --listen HOST:PORT address to serve; port 0 picks a free port\n"
    "  --data DIR         where the database and logs live\n"
    "  --web-root DIR     static files of the console\n"
    "  --demo             seed the demo province (Đồng Nai) if not yet seeded and run its\n"
    "                     synthetic sensor series (demo.sensors)\n"
    "  --seed-only        seed the demo province, then exit without serving\n"
    "  --routes           print the route table and exit\n"
    "  --openapi          print the OpenAPI document served at /api/openapi.json and exit\n"
    "  --config-doc       print the settings table (Markdown) and exit\n"
    "  --errors           print the table of API error codes (Markdown) and exit\n";

struct flags {
    const char *config, *listen, *data, *web_root, *threads;
    int demo, seed_only;
};

static int parse_flags(int argc, char **argv, struct flags *f)
{
    memset(f, 0, sizeof *f);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--config") == 0)
            slot = &f->config;
        else if (strcmp(a, "--listen") == 0)
            slot = &f->listen;
        else if (strcmp(a, "--data") == 0)
            slot = &f->data;
        else if (strcmp(a, "--web-root") == 0)
            slot = &f->web_root;
        else if (strcmp(a, "--threads") == 0)
            slot = &f->threads;
        else if (strcmp(a, "--demo") == 0)
            f->demo = 1;
        else if (strcmp(a, "--seed-only") == 0)
            f->seed_only = f->demo = 1;
        else if (strcmp(a, "--routes") == 0) {
            api_routes_write(stdout);
            exit(0);
        } else if (strcmp(a, "--openapi") == 0) {
            exit(api_openapi_write(stdout) == 0 ? 0 : 1);
        } else if (strcmp(a, "--config-doc") == 0) {
            config_write_markdown(stdout);
            exit(0);
        } else if (strcmp(a, "--errors") == 0) {
            ioc_http_errors_write_markdown(stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("iocd 0.1.0\n");
            exit(0);
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else {
            fprintf(stderr, "iocd: unknown argument %s\n%s", a, usage);
            return -1;
        }
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "iocd: %s needs a value\n", a);
                return -1;
            }
            *slot = argv[++i];
        }
    }
    return 0;
}

static int apply_flags(struct ioc_config *c, const struct flags *f, char *err, size_t n)
{
    int rc = 0;
    if (f->listen)
        rc = rc ? rc : config_set(c, "server", "listen", f->listen, err, n);
    if (f->data)
        rc = rc ? rc : config_set(c, "server", "data_dir", f->data, err, n);
    if (f->web_root)
        rc = rc ? rc : config_set(c, "server", "web_root", f->web_root, err, n);
    if (f->threads)
        rc = rc ? rc : config_set(c, "server", "threads", f->threads, err, n);
    if (f->demo)
        rc = rc ? rc : config_set(c, "demo", "enabled", "true", err, n);
    return rc;
}

/* Seeds the demo province once; writes the generated passwords to DATA_DIR/demo-accounts.txt. */
static int seed_demo(struct store *st, const struct ioc_config *c)
{
    struct store_conn *db = NULL;
    char *seeded = NULL;
    int rc = store_conn_open(st, 1, &db);
    if (rc)
        return rc;
    int done = store_meta_get(db, "demo_seeded", &seeded) == 0;
    free(seeded);
    store_conn_close(db);
    char path[4096];
    snprintf(path, sizeof path, "%s/demo-accounts.txt", c->data_dir);
    const struct seed_settings *d = seed_settings_get(c);
    if (!done) {
        struct seed_units su = {.dir = d->units_dir};
        rc = store_writer_run(st, seed_units_job, &su);
        if (rc) {
            fprintf(stderr, "iocd: loading units from %s failed: %s\n", d->units_dir,
                    su.error[0] ? su.error : ioc_strerror(rc));
            return rc;
        }
        struct seed_demo sd = {.indicators_dir = d->indicators_dir,
                               .dashboards_dir = d->dashboards_dir,
                               .reports_dir = d->reports_dir,
                               .stations_dir = d->stations_dir,
                               .reports = d->reports,
                               .indicator_values = d->indicator_values,
                               .values_today = d->values_today};
        sd.password_admin = *d->password_admin ? strdup(d->password_admin) : NULL;
        sd.password_leader = *d->password_leader ? strdup(d->password_leader) : NULL;
        sd.password_operator = *d->password_operator ? strdup(d->password_operator) : NULL;
        sd.password_staff = *d->password_staff ? strdup(d->password_staff) : NULL;
        rc = store_writer_run(st, seed_demo_job, &sd);
        if (rc) {
            fprintf(stderr, "iocd: seeding the demo failed: %s\n",
                    sd.error[0] ? sd.error : ioc_strerror(rc));
        } else if (sd.created) {
            struct ioc_buf b;
            ioc_buf_init(&b, 0);
            ioc_buf_printf(
                &b,
                "# Demo accounts of this data directory (synthetic demo data).\n"
                "# Change them with: iocctl --data %s user passwd NAME --password-stdin\n"
                "demo user: admin %s (admin)\n"
                "demo user: leader %s (leader)\n"
                "demo user: operator %s (operator)\n"
                "demo user: staff %s (staff, agency SO-NNMT)\n",
                c->data_dir, sd.password_admin, sd.password_leader, sd.password_operator,
                sd.password_staff);
            if (b.data && ioc_file_write_atomic(path, b.data, b.len) != 0)
                fprintf(stderr, "iocd: cannot write %s\n", path);
            ioc_log(IOC_LOG_INFO, "demo province seeded: %d units, %d boundaries, %d links",
                    su.units, su.boundaries, su.successions);
            ioc_buf_free(&b);
        }
        free(sd.password_admin);
        free(sd.password_leader);
        free(sd.password_operator);
        free(sd.password_staff);
        if (rc)
            return rc;
    }
    if (d->sensors) { /* rules over the demo sensors' series: only when they run */
        struct seed_rules_demo sr = {0};
        rc = store_writer_run(st, seed_rules_demo_job, &sr);
        if (rc) {
            fprintf(stderr, "iocd: seeding the demo rules failed: %s\n", sr.error);
            return rc;
        }
        if (sr.added)
            ioc_log(IOC_LOG_INFO, "demo rules: %d synthetic alert rules", sr.added);
    }
    char *text = NULL;
    if (ioc_file_read(path, 1 << 16, &text, NULL) == 0) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            if (strncmp(line, "demo user:", 10) == 0)
                printf("%s\n", line);
        free(text);
    }
    return 0;
}

static void *signal_thread(void *arg)
{
    struct net_server *s = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
        net_server_reopen_log(s); /* logrotate: the access log file was moved */
    ioc_log(IOC_LOG_INFO, "signal %d: stopping", sig);
    net_server_stop(s);
    return NULL;
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Reads the flags and the configuration and sets the log level. 0, or 2 after saying why. */
static int configure(int argc, char **argv, struct flags *f, struct ioc_config *cfg)
{
    char err[512];
    if (parse_flags(argc, argv, f) != 0)
        return 2;
    if (config_defaults(cfg) != 0 || config_load(cfg, f->config, err, sizeof err) != 0 ||
        apply_flags(cfg, f, err, sizeof err) != 0) {
        fprintf(stderr, "iocd: %s\n", err);
        config_free(cfg);
        return 2;
    }
    int level = ioc_log_level_parse(cfg->log_level);
    if (level < 0) {
        fprintf(stderr, "iocd: log.level must be debug, info, warn or error\n");
        config_free(cfg);
        return 2;
    }
    ioc_log_set_level(level);
    return 0;
}

/* The parts iocd runs besides the store and the API, each NULL until started. */
struct parts {
    struct events_hub *events;   /* the live event stream's hub */
    struct telemetry_ingest *ig; /* the telemetry engine and its writer thread */
    struct env_engine *env;      /* the AQI engine */
    struct telemetry_demo *demo; /* the demo's synthetic sensors */
    struct notify *nt;           /* the webhooks' delivery thread */
    struct iocd_wire *wire;      /* what the alert engine's hooks reach (wire.c) */
    struct alerts *alerts;       /* the alert engine */
    struct iocd_figures *fig;    /* the daily figures for the indicators (figures.c) */
};

/* Builds the API and the HTTP server on an open store with its writer running, serves until a
 * signal asks to stop, then drains the writer. *api and *srv are left for the caller to
 * destroy. */
static int serve(const struct ioc_config *cfg, struct store *st, struct parts *p, struct api **api,
                 struct net_server **srv)
{
    const struct ind_settings *is = config_module_get(cfg, &config_module_indicators);
    if (is)
        ind_cache_configure((size_t)is->cache_entries);
    int rc = api_create(cfg, st, api);
    if (rc) {
        fprintf(stderr, "iocd: cannot start the API: %s\n", ioc_strerror(rc));
        return rc;
    }
    api_set_ingest(*api, p->ig);
    api_set_environment(*api, p->env);
    api_set_notify(*api, p->nt);
    api_set_events(*api, p->events);
    api_set_alerts(*api, p->alerts);
    char access_log[4096] = "";
    if (*cfg->access_log && strcmp(cfg->access_log, "-") != 0 && cfg->access_log[0] != '/')
        snprintf(access_log, sizeof access_log, "%s/%s", cfg->data_dir, cfg->access_log);
    else
        snprintf(access_log, sizeof access_log, "%s", cfg->access_log);
    struct net_options no = {cfg->listen,
                             cfg->threads,
                             cfg->max_body,
                             cfg->max_connections,
                             cfg->request_timeout_s,
                             cfg->gzip,
                             cfg->gzip_min_size,
                             cfg->web_root,
                             access_log,
                             cfg->trust_forwarded_for};
    struct net_app app;
    api_net_app(*api, &app);
    if ((rc = net_server_create(&no, &app, srv)) != 0) {
        fprintf(stderr, "iocd: cannot listen on %s\n", cfg->listen);
        return rc;
    }
    api_set_server(*api, *srv);
    printf("listening on %s\n", net_server_url(*srv));
    fflush(stdout);
    pthread_t sig;
    pthread_create(&sig, NULL, signal_thread, *srv);
    pthread_detach(sig);
    if (net_server_run(*srv, cfg->shutdown_timeout_s) != 0)
        ioc_log(IOC_LOG_WARN, "some requests were still running at the shutdown deadline");
    alerts_stop(p->alerts); /* it writes through the store writer and wakes notify: first */
    p->alerts = NULL;
    api_set_alerts(*api, NULL);
    iocd_wire_notify_gone(p->wire); /* the AQI engine still runs */
    notify_stop(p->nt);             /* it writes through the writer */
    p->nt = NULL;
    iocd_figures_stop(p->fig); /* so do the figures */
    p->fig = NULL;
    store_writer_stop(st);
    return 0;
}

/* The live event hub (src/events), before its publishers (the API, the AQI engine). */
static int start_events(const struct ioc_config *cfg, struct events_hub **out)
{
    struct events_options o;
    events_options_from(events_settings_get(cfg), &o);
    int rc = events_hub_create(&o, out);
    if (rc)
        fprintf(stderr, "iocd: cannot start the live event hub: %s\n", ioc_strerror(rc));
    return rc;
}

/* The engines that observe the ingest: the AQI engine and the alert engine (its changes go to
 * the webhooks' queue and the live stream: src/iocd/wire.c), and the daily figures that read
 * it (figures.c). 0, or the error (said on stderr). */
static int start_engines(const struct ioc_config *cfg, struct store *st, struct parts *p)
{
    /* IOC_TEST_AQI_PAUSE: the kill -9 test needs results that only the next start computes */
    int rc = iocd_wire_create(st, p->events, p->nt, &p->wire);
    if (rc)
        return rc;
    struct env_engine_options eo = {
        .paused = getenv("IOC_TEST_AQI_PAUSE") != NULL, .store = st, .events = p->events};
    iocd_wire_env(p->wire, &eo); /* its water alarms to the webhooks */
    if ((rc = env_engine_start(p->ig, &eo, &p->env)) != 0) {
        fprintf(stderr, "iocd: cannot start the AQI engine: %s\n", ioc_strerror(rc));
        return rc;
    }
    struct alerts_options ao = {.store = st, .ingest = p->ig, .settings = alerts_settings_get(cfg)};
    iocd_wire_alerts(p->wire, &ao);
    if ((rc = alerts_create(&ao, &p->alerts)) == 0 && (rc = seed_alert_types(p->alerts, st)) == 0)
        rc = alerts_run(p->alerts);
    if (rc) {
        fprintf(stderr, "iocd: cannot start the alert engine: %s\n", ioc_strerror(rc));
        return rc;
    }
    if ((rc = iocd_figures_start(st, p->ig, &p->fig)) != 0)
        fprintf(stderr, "iocd: cannot start the daily figures: %s\n", ioc_strerror(rc));
    return rc;
}

/* The generator's kind of a registry station's kind. */
static int demo_kind(enum env_kind k)
{
    return k == ENV_WATER_LEVEL     ? TELEMETRY_DEMO_WATER
           : k == ENV_NOISE         ? TELEMETRY_DEMO_NOISE
           : k == ENV_WATER_QUALITY ? TELEMETRY_DEMO_WATER_QUALITY
                                    : TELEMETRY_DEMO_AIR;
}

/* Demo sensors: the synthetic series of the demo, over the communes in force today (the
 * generator reads no database; iocd hands it the codes and names). NULL when none. */
static struct telemetry_demo *start_demo_sensors(struct store *st, struct telemetry_ingest *ig)
{
    struct store_conn *db = NULL;
    struct store_unit *u = NULL;
    size_t n = 0;
    char today[11];
    ioc_date_today_vn(today);
    struct store_unit_query q = {.level = "commune", .at = today};
    if (store_conn_open(st, 1, &db) != 0 || store_units_find(db, &q, &u, &n) != 0 || n == 0) {
        store_conn_close(db);
        ioc_log(IOC_LOG_WARN, "demo sensors: no commune in the store, not started");
        return NULL;
    }
    /* the stations of the registry (air, water level, noise, water quality), when it has some
     * (else the generator's own plan): their readings carry the registry's codes and communes */
    struct env_demo_station *es = NULL;
    size_t nes = 0, ns = 0;
    if (env_demo_stations(db, &es, &nes) != 0)
        nes = 0;
    store_conn_close(db);
    struct telemetry_demo_station *ds = calloc(nes ? nes : 1, sizeof *ds);
    for (size_t i = 0; ds && i < nes; i++)
        ds[ns++] =
            (struct telemetry_demo_station){es[i].code,
                                            demo_kind(es[i].kind),
                                            es[i].commune,
                                            es[i].commune_name,
                                            {es[i].alarm[0], es[i].alarm[1], es[i].alarm[2]}};
    struct telemetry_demo_commune *c = calloc(n, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        c[i] = (struct telemetry_demo_commune){u[i].code, u[i].name};
    struct telemetry_demo_options o = {c, n, 0, 0, 1, ns ? ds : NULL, ns, 0};
    struct telemetry_demo *d = NULL;
    if (!c || !ds || telemetry_demo_create(&o, &d) != 0 || telemetry_demo_start(d, ig) != 0)
        d = NULL;
    else
        ioc_log(IOC_LOG_INFO,
                "demo sensors: %zu synthetic series over %zu communes (%zu stations "
                "of the registry)",
                telemetry_demo_series(d), n, ns);
    free(c);
    free(ds);
    free(es);
    store_units_free(u, n);
    return d;
}

/* The telemetry ingest of the data directory with its MQTT subscriber (when enabled); on failure
 * says why on stderr and leaves nothing open. */
static int open_telemetry(const struct ioc_config *cfg, struct telemetry_ingest **out)
{
    char err[512] = "";
    const struct telemetry_settings *ts = telemetry_settings_get(cfg);
    int rc = telemetry_settings_check(ts, err, sizeof err);
    if (rc) {
        fprintf(stderr, "iocd: %s\n", *err ? err : ioc_strerror(rc));
        return rc;
    }
    if ((rc = telemetry_ingest_open(cfg->data_dir, ts, out, err, sizeof err)) != 0) {
        fprintf(stderr,
                "iocd: cannot open the time-series engine in %s: %s (`iocctl tsdb check` "
                "says more; docs/operations.md, \"Telemetry files\")\n",
                cfg->data_dir, *err ? err : ioc_strerror(rc));
        return rc;
    }
    if ((rc = telemetry_ingest_start_mqtt(*out, &ts->mqtt, (size_t)ts->max_points, err,
                                          sizeof err)) != 0) {
        fprintf(stderr, "iocd: %s\n", *err ? err : ioc_strerror(rc));
        telemetry_ingest_close(*out);
        *out = NULL;
    }
    return rc;
}

/* The webhooks' delivery thread: started after the store's writer, stopped before it (in serve,
 * or at the end of main when serve did not run). */
static int start_notify(const struct ioc_config *cfg, struct store *st, struct notify **nt)
{
    struct notify_options o = {.store = st};
    notify_options_from(&o, notify_settings_get(cfg));
    int rc = notify_start(&o, nt);
    if (rc)
        fprintf(stderr, "iocd: cannot start the webhooks' delivery: %s\n", ioc_strerror(rc));
    return rc;
}

int main(int argc, char **argv)
{
    struct flags f;
    struct ioc_config cfg;
    /* files and directories iocd creates under the data directory (database, WAL, access log,
     * demo accounts) are private to its user; the store also sets 0600 explicitly */
    umask(077);
    int rc = configure(argc, argv, &f, &cfg);
    if (rc)
        return rc;
    raise_fd_limit();

    /* Every thread started from here on inherits the blocked signals; one thread waits. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    rc = ioc_mkdir_p(cfg.data_dir);
    struct store *st = NULL;
    struct api *api = NULL;
    struct net_server *srv = NULL;
    struct parts p = {0};
    if (rc) {
        fprintf(stderr, "iocd: cannot create %s\n", cfg.data_dir);
        goto out;
    }
    if ((rc = store_open(cfg.data_dir, &st)) != 0) {
        fprintf(stderr, "iocd: cannot open the database in %s: %s\n", cfg.data_dir,
                ioc_strerror(rc));
        goto out;
    }
    if ((rc = store_claim(st)) != 0) {
        fprintf(stderr, "iocd: another iocd serves %s\n", cfg.data_dir);
        goto out;
    }
    if ((rc = store_writer_start(st, cfg.writer_queue)) != 0)
        goto out;
    if (seed_settings_get(&cfg)->enabled && (rc = seed_demo(st, &cfg)) != 0)
        goto out;
    if (f.seed_only) {
        store_writer_stop(st);
        goto out;
    }
    if ((rc = start_events(&cfg, &p.events)) != 0 || (rc = open_telemetry(&cfg, &p.ig)) != 0) {
        store_writer_stop(st);
        goto out;
    }
    if ((rc = start_notify(&cfg, st, &p.nt)) != 0 || (rc = start_engines(&cfg, st, &p)) != 0) {
        store_writer_stop(st);
        goto out;
    }
    if (seed_settings_get(&cfg)->enabled && seed_settings_get(&cfg)->sensors)
        p.demo = start_demo_sensors(st, p.ig); /* stopped below, before the ingest closes */
    rc = serve(&cfg, st, &p, &api, &srv);
out:
    /* When serve did not stop them: the alert engine first (its hooks wake notify), then
     * notify (it needs the writer, which store_close stops). */
    alerts_stop(p.alerts);
    p.alerts = NULL;
    api_set_alerts(api, NULL);
    iocd_wire_notify_gone(p.wire);
    notify_stop(p.nt);
    iocd_figures_stop(p.fig); /* it writes through the writer and reads the ingest's engine */
    /* The loops are stopped. api_destroy drains the API workers first: a telemetry query queued
     * on the render worker still reads the engine, which the ingest's close frees. */
    api_destroy(api);
    telemetry_demo_stop(p.demo);  /* its thread writes through the ingest */
    env_engine_stop(p.env);       /* so does the AQI engine's */
    telemetry_ingest_close(p.ig); /* no request can submit any more; it stops MQTT first */
    store_close(st);
    net_server_destroy(srv);
    events_hub_destroy(p.events); /* after every publisher and every stream */
    iocd_wire_destroy(p.wire);
    config_free(&cfg);
    ioc_log(IOC_LOG_INFO, "stopped");
    return rc ? 1 : 0;
}
