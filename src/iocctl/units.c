/*
 * units.c — iocctl import units and iocctl seed: administrative units from a GeoJSON file, and
 * the real units and demo organisation of data/vn-units (wrappers over src/seed).
 *
 * An import is all or nothing: the file is parsed and checked whole (geo_features_parse) before
 * anything is written, then every unit is put in one transaction with the units_generation bump
 * (which tells a running iocd to rebuild its point index) and the audit row.
 *
 * Versions of one code never overlap: the version starting on --valid-from is replaced; an
 * earlier version still in force then is ended the day before (keeping its geometry); a version
 * starting later refuses the import. Without --parent a new version keeps the parent of the
 * version it follows. No succession link is invented between the versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "geo/geo.h"
#include "iocctl/iocctl_int.h"
#include "seed/seed.h"
#include "store/store.h"

#define IMPORT_MAX_BYTES ((size_t)256 << 20)
#define IMPORT_MAX_FEATURES 100000

struct import_job {
    struct geo_feature *f;
    size_t n;
    const char *level, *from, *parent, *file;
    long bad_feature; /* out: the feature a refusal is about, -1 for none */
    int ended;        /* out: earlier versions ended the day before `from` */
    char why[256];    /* out: the reason */
};

static int is_level(const char *s)
{
    return !strcmp(s, "province") || !strcmp(s, "district") || !strcmp(s, "commune");
}

/* The type word of a full name: "Phường" for ("Phường Tân Phú", "Tân Phú"); "" if the full name
 * is not TYPE + " " + name. Written into out (size bytes). */
static void type_of(const char *full, const char *name, char *out, size_t size)
{
    size_t fl = strlen(full), nl = strlen(name);
    out[0] = '\0';
    if (fl > nl + 1 && strcmp(full + fl - nl, name) == 0 && full[fl - nl - 1] == ' ')
        snprintf(out, size, "%.*s", (int)(fl - nl - 1), full);
}

struct geom_find {
    int64_t id;
    char *json; /* malloc'd copy of the geometry of unit id */
};

static int geom_cb(void *ctx, const struct store_unit *u, const char *geometry_json, size_t len)
{
    struct geom_find *g = ctx;
    if (u->id != g->id)
        return 0;
    g->json = strndup(geometry_json, len);
    return g->json ? 1 : IOC_ENOMEM;
}

/* Ends version v of a unit on the day before j->from, keeping its geometry and bbox. */
static int end_version(struct store_conn *w, struct import_job *j, struct store_unit *v)
{
    int32_t days;
    int rc = ioc_date_parse(j->from, strlen(j->from), &days);
    if (rc)
        return rc;
    char to[11];
    ioc_date_format(days - 1, to);
    struct geom_find g = {v->id, NULL};
    if (v->has_geometry) {
        rc = store_units_each_geometry(w, v->level, v->valid_from, geom_cb, &g);
        if (rc < 0)
            return rc;
    }
    char *old_to = v->valid_to;
    v->valid_to = to;
    rc = store_unit_put(w, v, g.json, NULL);
    v->valid_to = old_to;
    free(g.json);
    if (rc == 0)
        j->ended++;
    return rc;
}

/* Makes room for a version of code starting on j->from: a version that starts that day is
 * replaced by the put that follows; one that began earlier and is still in force is ended the
 * day before; one that begins later refuses the import (IOC_EEXIST with j->why). */
static int make_room(struct store_conn *w, struct import_job *j, const char *code, char *parent,
                     size_t parent_size)
{
    struct store_unit *v = NULL;
    size_t n = 0;
    int rc = store_unit_versions(w, code, &v, &n);
    if (rc == IOC_ENOTFOUND)
        return 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int cmp = strcmp(v[i].valid_from, j->from);
        if (cmp > 0) {
            snprintf(j->why, sizeof j->why,
                     "unit %s has a later version from %s; import from a date after it", code,
                     v[i].valid_from);
            rc = IOC_EEXIST;
        } else if (cmp == 0) {
            snprintf(parent, parent_size, "%s", v[i].parent_code);
        } else if (!*v[i].valid_to || strcmp(v[i].valid_to, j->from) >= 0) {
            snprintf(parent, parent_size, "%s", v[i].parent_code);
            rc = end_version(w, j, &v[i]);
        }
    }
    store_units_free(v, n);
    return rc;
}

static int import_one(struct store_conn *w, struct import_job *j, size_t i)
{
    struct geo_feature *f = &j->f[i];
    const char *level = *f->level ? f->level : j->level;
    if (!is_level(level)) {
        snprintf(j->why, sizeof j->why, "unknown level \"%.40s\"", level);
        return IOC_EINVAL;
    }
    if (j->parent && strcmp(j->parent, f->code) == 0) {
        snprintf(j->why, sizeof j->why, "unit %s cannot be its own parent", f->code);
        return IOC_EINVAL;
    }
    char parent[64] = ""; /* without --parent, a new version keeps its predecessor's parent */
    int rc = make_room(w, j, f->code, parent, sizeof parent);
    if (rc)
        return rc;
    char type[64];
    const char *full = *f->full_name ? f->full_name : f->name;
    type_of(full, f->name, type, sizeof type);
    struct store_unit u = {0};
    u.code = f->code;
    u.level = (char *)level;
    u.type = type;
    u.name = f->name;
    u.full_name = (char *)full;
    u.name_en = f->name_en;
    u.parent_code = (char *)(j->parent ? j->parent : parent);
    u.valid_from = (char *)j->from;
    u.valid_to = "";
    u.area_km2 = f->area_km2;
    memcpy(u.bbox, f->bbox, sizeof u.bbox);
    rc = store_unit_put(w, &u, f->geometry, NULL);
    if (rc)
        snprintf(j->why, sizeof j->why, "%s", ioc_strerror(rc));
    return rc;
}

static int import_job(struct store_conn *w, void *arg)
{
    struct import_job *j = arg;
    j->bad_feature = -1;
    int rc = 0;
    if (j->parent) {
        struct store_unit p = {0};
        rc = store_unit_get(w, j->parent, j->from, &p);
        store_unit_clear(&p);
        if (rc) {
            snprintf(j->why, sizeof j->why, "no unit %s in force on %s (--parent)", j->parent,
                     j->from);
            return rc;
        }
    }
    for (size_t i = 0; rc == 0 && i < j->n; i++)
        if ((rc = import_one(w, j, i)) != 0)
            j->bad_feature = (long)i;
    if (rc == 0)
        rc = store_units_generation_bump(w, NULL);
    char detail[128];
    snprintf(detail, sizeof detail, "%zu units valid from %s; %d earlier versions ended", j->n,
             j->from, j->ended);
    return rc ? rc : cli_audit(w, "units.import", j->file, detail);
}

static int by_code(const void *a, const void *b)
{
    const struct geo_feature *const *x = a, *const *y = b;
    int c = strcmp((*x)->code, (*y)->code);
    return c ? c : (*x < *y ? -1 : *x > *y);
}

/* 0, or 1 after printing the second feature that repeats a code. */
static int import_duplicates(const struct import_job *j)
{
    const struct geo_feature **order = calloc(j->n ? j->n : 1, sizeof *order);
    if (!order)
        return cli_report(IOC_ENOMEM, "import");
    for (size_t i = 0; i < j->n; i++)
        order[i] = &j->f[i];
    qsort(order, j->n, sizeof *order, by_code);
    int rc = 0;
    for (size_t i = 1; i < j->n && rc == 0; i++)
        if (strcmp(order[i - 1]->code, order[i]->code) == 0) {
            fprintf(stderr, "iocctl: %s: feature %td: code %s is also feature %td\n", j->file,
                    order[i] - j->f, order[i]->code, order[i - 1] - j->f);
            rc = 1;
        }
    free(order);
    return rc;
}

/* Reads and checks the file; 0 with j->f set, or 1 after printing why. */
static int import_parse(struct import_job *j)
{
    char *text = NULL;
    size_t n = 0;
    int rc = ioc_file_read(j->file, IMPORT_MAX_BYTES, &text, &n);
    if (rc) {
        fprintf(stderr, "iocctl: %s: %s\n", j->file, ioc_strerror(rc));
        return 1;
    }
    struct geo_error err = {.feature = -1};
    rc = geo_features_parse(text, n, IMPORT_MAX_FEATURES, &j->f, &j->n, &err);
    free(text);
    if (rc == 0)
        return 0;
    if (err.feature >= 0)
        fprintf(stderr, "iocctl: %s: feature %ld: %s\n", j->file, err.feature, err.message);
    else
        fprintf(stderr, "iocctl: %s: %s\n", j->file, err.message[0] ? err.message : "refused");
    return 1;
}

static int cmd_import(struct cli *c)
{
    if (c->argc >= 1 && strcmp(c->argv[0], "readings") == 0)
        return cli_import_readings(c); /* telemetry.c */
    if (c->argc >= 1 && strcmp(c->argv[0], "values") == 0)
        return cli_import_values(c); /* indicators.c */
    struct import_job j = {0};
    int missing = 0;
    j.level = cli_opt(c, "--level", &missing);
    j.from = cli_opt(c, "--valid-from", &missing);
    j.parent = cli_opt(c, "--parent", &missing);
    if (missing || cli_stray_option(c) || c->argc != 2 || strcmp(c->argv[0], "units") != 0)
        return cli_usage(c, "import units takes FILE.geojson and the options shown");
    j.file = c->argv[1];
    if (!j.level)
        j.level = "commune";
    if (!is_level(j.level))
        return cli_usage(c, "--level must be province, district or commune");
    char today[11];
    int32_t days;
    if (!j.from) {
        ioc_date_today_vn(today);
        j.from = today;
    } else if (ioc_date_parse(j.from, strlen(j.from), &days) != 0) {
        return cli_usage(c, "--valid-from must be a date YYYY-MM-DD");
    }
    if (import_parse(&j) != 0)
        return 1;
    if (import_duplicates(&j) != 0 || cli_open(c, 1) != 0) {
        geo_features_free(j.f, j.n);
        return 1;
    }
    int rc = store_tx(c->db, import_job, &j);
    if (rc && j.bad_feature >= 0)
        fprintf(stderr, "iocctl: %s: feature %ld: %s\n", j.file, j.bad_feature, j.why);
    else if (rc && j.why[0])
        fprintf(stderr, "iocctl: %s: %s\n", j.file, j.why);
    else if (rc)
        cli_report(rc, "import");
    else
        printf("imported %zu units from %s, valid from %s; %d earlier versions ended the day "
               "before\n",
               j.n, j.file, j.from, j.ended);
    geo_features_free(j.f, j.n);
    return rc ? 1 : 0;
}

/* ---- seed ------------------------------------------------------------------------------- */

static int seed_units_audited(struct store_conn *w, void *arg)
{
    struct seed_units *s = arg;
    int rc = seed_units_job(w, s);
    char detail[128];
    snprintf(detail, sizeof detail, "%d units, %d boundaries, %d succession links", s->units,
             s->boundaries, s->successions);
    return rc ? rc : cli_audit(w, "units.seed", s->dir, detail);
}

static int seed_demo_audited(struct store_conn *w, void *arg)
{
    struct seed_demo *d = arg;
    int rc = seed_demo_job(w, d);
    return rc || !d->created ? rc : cli_audit(w, "demo.seed", "demo", "");
}

/* The demo password of one user from the environment, or NULL to have one generated. */
static int demo_password(const char *var, char **out)
{
    const char *v = getenv(var);
    *out = NULL;
    if (!v || !*v)
        return 0;
    if (auth_password_policy(v) != 0) {
        fprintf(stderr, "iocctl: %s must have 8 to 1024 bytes of UTF-8\n", var);
        return 1;
    }
    *out = strdup(v);
    return *out ? 0 : cli_report(IOC_ENOMEM, "seed demo");
}

static int seed_demo(struct cli *c)
{
    static const char *const vars[4] = {"IOC_DEMO_PASSWORD_ADMIN", "IOC_DEMO_PASSWORD_LEADER",
                                        "IOC_DEMO_PASSWORD_OPERATOR", "IOC_DEMO_PASSWORD_STAFF"};
    static const char *const names[4] = {"admin", "leader", "operator", "staff"};
    struct seed_demo d = {0};
    char **pw[4] = {&d.password_admin, &d.password_leader, &d.password_operator, &d.password_staff};
    int given[4], rc = 0;
    for (int i = 0; i < 4 && rc == 0; i++) {
        rc = demo_password(vars[i], pw[i]);
        given[i] = *pw[i] != NULL;
    }
    if (rc == 0) {
        rc = store_tx(c->db, seed_demo_audited, &d);
        if (rc)
            fprintf(stderr, "iocctl: seed demo: %s\n", d.error[0] ? d.error : ioc_strerror(rc));
        else if (!d.created)
            printf("the demo organisation exists already; nothing changed\n");
        for (int i = 0; rc == 0 && d.created && i < 4; i++) {
            if (given[i])
                printf("demo user %s: password from %s\n", names[i], vars[i]);
            else
                printf("demo user %s: password %s\n", names[i], *pw[i]);
        }
        rc = rc ? 1 : 0;
    }
    for (int i = 0; i < 4; i++)
        free(*pw[i]);
    return rc;
}

static int cmd_seed(struct cli *c)
{
    int missing = 0;
    const char *from = cli_opt(c, "--from", &missing);
    if (missing || cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "seed takes units [--from DIR] or demo");
    int demo = strcmp(c->argv[0], "demo") == 0 && !from;
    if (!demo && strcmp(c->argv[0], "units") != 0)
        return cli_usage(c, "seed takes units [--from DIR] or demo");
    if (cli_open(c, 1))
        return 1;
    if (demo)
        return seed_demo(c);
    struct seed_units s = {.dir = from ? from : "data/vn-units"};
    int rc = store_tx(c->db, seed_units_audited, &s);
    if (rc) {
        fprintf(stderr, "iocctl: seed units: %s\n", s.error[0] ? s.error : ioc_strerror(rc));
        return 1;
    }
    printf("loaded %d units, %d boundaries, %d succession links from %s\n", s.units, s.boundaries,
           s.successions, s.dir);
    return 0;
}

/* The units group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"import", cmd_import,
     "  import units FILE.geojson [--level province|district|commune] [--valid-from YYYY-MM-DD]\n"
     "               [--parent CODE]     (level commune and today by default; all or nothing)\n"
     "  import readings [--dry-run] [--measurement M] [--precision P] [--int COL,...] FILE.csv\n"
     "                                   stores a CSV file of readings (docs/telemetry.md; iocd\n"
     "                                   stopped), or only checks it with --dry-run; exit 1 if\n"
     "                                   a row is refused (the good rows are still stored)\n"
     "  import values [--note TEXT] FILE.csv|FILE.xlsx\n"
     "                                   indicator values (columns indicator, unit, period,\n"
     "                                   value, num, den; docs/indicators.md): all or nothing,\n"
     "                                   each refused row reported; works while iocd runs\n"},
    {"seed", cmd_seed,
     "  seed units [--from DIR]          real units of data/vn-units (the default DIR)\n"
     "  seed demo                        demo agencies and users (passwords from\n"
     "                                   IOC_DEMO_PASSWORD_ADMIN|LEADER|OPERATOR|STAFF, or\n"
     "                                   generated and printed once)\n"},
};

const struct cli_group cli_group_units = CLI_GROUP("units", commands);
