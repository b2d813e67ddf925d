/*
 * iocctl — administration of an ioc data directory: agencies, users, API keys, unit imports,
 * backups and restores, seeding and checks. It opens DATA_DIR/ioc.db directly with its own
 * connection and runs each change as one transaction (store_tx), so it works while iocd serves
 * the same directory. Every change leaves an audit row with actor "iocctl".
 *
 * Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "geo/geo.h"
#include "seed/seed.h"
#include "store/store.h"

static const char usage[] =
    "usage: iocctl [--data DIR] COMMAND ...\n"
    "\n"
    "  agency add CODE NAME [--parent CODE] [--unit UNITCODE]\n"
    "  agency list\n"
    "  user add NAME --role admin|leader|operator|staff [--agency CODE] [--display TEXT]"
    " --password-stdin\n"
    "  user passwd NAME --password-stdin\n"
    "  user list\n"
    "  user disable|enable NAME\n"
    "  key create --agency CODE --scope SCOPE[,SCOPE...] [--name TEXT]\n"
    "  key revoke ID\n"
    "  key list [--agency CODE]\n"
    "  import units FILE.geojson [--level commune] [--valid-from YYYY-MM-DD] [--parent CODE]\n"
    "  seed units [--from DIR]\n"
    "  seed demo\n"
    "  backup FILE\n"
    "  restore FILE\n"
    "  check\n"
    "\n"
    "DIR defaults to $IOC_DATA, else ./data-run.\n";

struct cli {
    const char *data;
    struct store *st;
    struct store_conn *db;
    int argc;
    char **argv;
};

static int usage_error(const char *why)
{
    fprintf(stderr, "iocctl: %s\n\n%s", why, usage);
    return 2;
}

/* The value of --name in argv (removing both), or NULL. */
static const char *take_opt(struct cli *c, const char *name)
{
    for (int i = 0; i < c->argc; i++) {
        if (strcmp(c->argv[i], name) != 0)
            continue;
        if (i + 1 >= c->argc)
            return NULL;
        const char *v = c->argv[i + 1];
        memmove(&c->argv[i], &c->argv[i + 2], (size_t)(c->argc - i - 2) * sizeof *c->argv);
        c->argc -= 2;
        return v;
    }
    return NULL;
}

static int take_flag(struct cli *c, const char *name)
{
    for (int i = 0; i < c->argc; i++)
        if (strcmp(c->argv[i], name) == 0) {
            memmove(&c->argv[i], &c->argv[i + 1], (size_t)(c->argc - i - 1) * sizeof *c->argv);
            c->argc--;
            return 1;
        }
    return 0;
}

static int open_store(struct cli *c)
{
    if (ioc_mkdir_p(c->data) != 0) {
        fprintf(stderr, "iocctl: cannot create %s\n", c->data);
        return 1;
    }
    int rc = store_open(c->data, &c->st);
    if (rc == 0)
        rc = store_conn_open(c->st, 0, &c->db);
    if (rc) {
        fprintf(stderr, "iocctl: cannot open the database in %s: %s\n", c->data, ioc_strerror(rc));
        return 1;
    }
    return 0;
}

static int audit(struct store_conn *w, const char *action, const char *target, const char *detail)
{
    struct store_audit a = {0};
    a.actor = "iocctl";
    a.actor_role = "admin";
    a.action = (char *)action;
    a.target = (char *)target;
    a.ip = "local";
    a.outcome = "ok";
    a.detail = (char *)(detail ? detail : "");
    return store_audit_add(w, &a);
}

static int report(int rc, const char *what)
{
    if (rc == 0)
        return 0;
    fprintf(stderr, "iocctl: %s: %s\n", what, ioc_strerror(rc));
    return 1;
}

/* Reads one line of stdin as a password (the newline dropped). */
static char *read_password(void)
{
    static char buf[1100];
    if (!fgets(buf, sizeof buf, stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static char *nfc_arg(const char *s)
{
    char *out = NULL;
    return ioc_text_nfc(s, strlen(s), &out, NULL) == 0 ? out : NULL;
}

/* ---- agencies --------------------------------------------------------------------------- */

struct agency_job {
    const char *code, *name, *parent, *unit;
};

static int agency_add_job(struct store_conn *w, void *arg)
{
    struct agency_job *j = arg;
    int rc = store_agency_add(w, j->code, j->name, j->parent, j->unit, NULL);
    char target[96];
    snprintf(target, sizeof target, "agency:%s", j->code);
    return rc ? rc : audit(w, "agency.create", target, "");
}

static int cmd_agency(struct cli *c)
{
    if (c->argc < 1)
        return usage_error("agency needs add or list");
    if (strcmp(c->argv[0], "list") == 0) {
        struct store_agency *a = NULL;
        size_t n = 0;
        if (report(store_agencies_list(c->db, &a, &n), "agency list"))
            return 1;
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\t%s\t%s\n", a[i].code, a[i].name, a[i].parent_code, a[i].unit_code);
        store_agencies_free(a, n);
        return 0;
    }
    if (strcmp(c->argv[0], "add") != 0)
        return usage_error("agency needs add or list");
    struct agency_job j = {0};
    j.parent = take_opt(c, "--parent");
    j.unit = take_opt(c, "--unit");
    if (c->argc != 3)
        return usage_error("agency add CODE NAME [--parent CODE] [--unit UNITCODE]");
    j.code = c->argv[1];
    char *name = nfc_arg(c->argv[2]);
    if (!name || !*name) {
        free(name);
        return usage_error("the name must be non-empty UTF-8 text");
    }
    j.name = name;
    int rc = store_tx(c->db, agency_add_job, &j);
    free(name);
    if (rc == IOC_EEXIST)
        fprintf(stderr, "iocctl: an agency with code %s exists\n", j.code);
    else if (rc == IOC_EINVAL)
        fprintf(stderr, "iocctl: no parent agency %s\n", j.parent ? j.parent : "");
    else if (rc == 0)
        printf("agency %s added\n", j.code);
    return rc ? (rc == IOC_EEXIST || rc == IOC_EINVAL ? 1 : report(rc, "agency add")) : 0;
}

/* ---- users ------------------------------------------------------------------------------ */

struct user_job {
    const char *name, *display, *role, *agency, *password;
    int disabled;
    int64_t id;
};

static int user_add_job(struct store_conn *w, void *arg)
{
    struct user_job *j = arg;
    char *hash = NULL;
    int rc = auth_password_hash(j->password, &hash);
    if (rc == 0)
        rc = store_user_add(w, j->name, j->display, j->role, j->agency, hash, NULL);
    free(hash);
    char target[96];
    snprintf(target, sizeof target, "user:%s", j->name);
    return rc ? rc : audit(w, "user.create", target, j->role);
}

static int user_passwd_job(struct store_conn *w, void *arg)
{
    struct user_job *j = arg;
    struct store_user u = {0};
    int rc = store_user_get(w, j->name, &u);
    char *hash = NULL;
    if (rc == 0)
        rc = auth_password_hash(j->password, &hash);
    if (rc == 0)
        rc = store_user_set_password(w, j->name, hash);
    if (rc == 0)
        rc = store_sessions_delete_user(w, u.id);
    free(hash);
    store_user_clear(&u);
    char target[96];
    snprintf(target, sizeof target, "user:%s", j->name);
    return rc ? rc : audit(w, "user.password", target, "");
}

static int user_disable_job(struct store_conn *w, void *arg)
{
    struct user_job *j = arg;
    struct store_user u = {0};
    int rc = store_user_get(w, j->name, &u);
    if (rc == 0)
        rc = store_user_set_disabled(w, j->name, j->disabled);
    if (rc == 0 && j->disabled)
        rc = store_sessions_delete_user(w, u.id);
    store_user_clear(&u);
    char target[96];
    snprintf(target, sizeof target, "user:%s", j->name);
    return rc ? rc : audit(w, j->disabled ? "user.disable" : "user.enable", target, "");
}

static int cmd_user(struct cli *c)
{
    if (c->argc < 1)
        return usage_error("user needs add, passwd, list, disable or enable");
    const char *sub = c->argv[0];
    if (strcmp(sub, "list") == 0) {
        struct store_user *u = NULL;
        size_t n = 0;
        if (report(store_users_list(c->db, &u, &n), "user list"))
            return 1;
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\t%s\t%s%s\n", u[i].username, u[i].role, u[i].agency_code,
                   u[i].display_name, u[i].disabled ? "\tdisabled" : "");
        store_users_free(u, n);
        return 0;
    }
    struct user_job j = {0};
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        if (c->argc != 2)
            return usage_error("user disable|enable NAME");
        j.name = c->argv[1];
        j.disabled = strcmp(sub, "disable") == 0;
        int rc = store_tx(c->db, user_disable_job, &j);
        if (rc == IOC_ENOTFOUND)
            fprintf(stderr, "iocctl: no user %s\n", j.name);
        else if (rc == 0)
            printf("user %s %sd\n", j.name, sub);
        return rc ? 1 : 0;
    }
    j.role = take_opt(c, "--role");
    j.agency = take_opt(c, "--agency");
    const char *display = take_opt(c, "--display");
    int from_stdin = take_flag(c, "--password-stdin");
    if (c->argc != 2 || !from_stdin)
        return usage_error("user add|passwd NAME ... --password-stdin");
    j.name = c->argv[1];
    j.password = read_password();
    if (!j.password || auth_password_policy(j.password) != 0) {
        fprintf(stderr, "iocctl: a password needs 8 to 1024 bytes of UTF-8 on stdin\n");
        return 1;
    }
    int rc;
    if (strcmp(sub, "add") == 0) {
        int role = auth_role_parse(j.role);
        if (role <= AUTH_ROLE_NONE)
            return usage_error("--role must be admin, leader, operator or staff");
        if (role == AUTH_ROLE_STAFF && !j.agency)
            return usage_error("staff need --agency CODE");
        j.role = auth_role_name(role);
        char *disp = display ? nfc_arg(display) : NULL;
        j.display = disp ? disp : j.name;
        rc = store_tx(c->db, user_add_job, &j);
        free(disp);
        if (rc == IOC_EEXIST)
            fprintf(stderr, "iocctl: user %s exists\n", j.name);
        else if (rc == IOC_EINVAL)
            fprintf(stderr, "iocctl: no agency %s\n", j.agency ? j.agency : "");
        else if (rc == 0)
            printf("user %s added (%s)\n", j.name, j.role);
    } else if (strcmp(sub, "passwd") == 0) {
        rc = store_tx(c->db, user_passwd_job, &j);
        if (rc == IOC_ENOTFOUND)
            fprintf(stderr, "iocctl: no user %s\n", j.name);
        else if (rc == 0)
            printf("password of %s changed; its sessions ended\n", j.name);
    } else {
        return usage_error("user needs add, passwd, list, disable or enable");
    }
    return rc ? (rc == IOC_EEXIST || rc == IOC_EINVAL || rc == IOC_ENOTFOUND ? 1
                                                                             : report(rc, "user"))
              : 0;
}

/* ---- keys ------------------------------------------------------------------------------- */

struct key_job {
    const char *agency, *scopes, *name;
    char key[64], prefix[16];
    int64_t id;
};

static int key_create_job(struct store_conn *w, void *arg)
{
    struct key_job *j = arg;
    char hash[65];
    auth_apikey_new(j->key, j->prefix);
    auth_token_hash(j->key, hash);
    int rc =
        store_apikey_add(w, j->prefix, hash, j->agency, j->scopes, j->name, ioc_now_ms(), &j->id);
    char target[64];
    snprintf(target, sizeof target, "key:%s", j->prefix);
    return rc ? rc : audit(w, "key.create", target, j->scopes);
}

static int key_revoke_job(struct store_conn *w, void *arg)
{
    struct key_job *j = arg;
    int rc = store_apikey_revoke(w, j->id, ioc_now_ms());
    char target[64];
    snprintf(target, sizeof target, "key:%lld", (long long)j->id);
    return rc ? rc : audit(w, "key.revoke", target, "");
}

static int cmd_key(struct cli *c)
{
    if (c->argc < 1)
        return usage_error("key needs create, revoke or list");
    const char *sub = c->argv[0];
    struct key_job j = {0};
    if (strcmp(sub, "list") == 0) {
        const char *agency = take_opt(c, "--agency");
        struct store_apikey *k = NULL;
        size_t n = 0;
        if (report(store_apikeys_list(c->db, agency, &k, &n), "key list"))
            return 1;
        for (size_t i = 0; i < n; i++) {
            char created[32];
            ioc_time_rfc3339(k[i].created_ms, created);
            printf("%lld\t%s\t%s\t%s\t%s\t%s%s\n", (long long)k[i].id, k[i].prefix,
                   k[i].agency_code, k[i].scopes, created, k[i].name,
                   k[i].revoked_ms ? "\trevoked" : "");
        }
        store_apikeys_free(k, n);
        return 0;
    }
    if (strcmp(sub, "revoke") == 0) {
        char *end = NULL;
        j.id = c->argc == 2 ? strtoll(c->argv[1], &end, 10) : 0;
        if (c->argc != 2 || *end || j.id <= 0)
            return usage_error("key revoke ID");
        int rc = store_tx(c->db, key_revoke_job, &j);
        if (rc == IOC_ENOTFOUND)
            fprintf(stderr, "iocctl: no key %lld\n", (long long)j.id);
        else if (rc == 0)
            printf("key %lld revoked\n", (long long)j.id);
        return rc ? 1 : 0;
    }
    if (strcmp(sub, "create") != 0)
        return usage_error("key needs create, revoke or list");
    j.agency = take_opt(c, "--agency");
    j.scopes = take_opt(c, "--scope");
    j.name = take_opt(c, "--name");
    if (!j.agency || !j.scopes || c->argc != 1)
        return usage_error("key create --agency CODE --scope SCOPE[,SCOPE...] [--name TEXT]");
    char bad[64] = "";
    if (auth_scopes_check(j.scopes, bad, sizeof bad) != 0) {
        fprintf(stderr, "iocctl: unknown scope %s; known scopes:", bad);
        for (size_t i = 0; i < auth_scopes_count; i++)
            fprintf(stderr, " %s", auth_scopes[i]);
        fprintf(stderr, "\n");
        return 1;
    }
    char *name = j.name ? nfc_arg(j.name) : NULL;
    j.name = name ? name : "";
    int rc = store_tx(c->db, key_create_job, &j);
    free(name);
    if (rc == IOC_EINVAL) {
        fprintf(stderr, "iocctl: no agency %s\n", j.agency);
        return 1;
    }
    if (report(rc, "key create"))
        return 1;
    printf("key %lld created for %s (prefix %s, scopes %s); it is shown only now:\n",
           (long long)j.id, j.agency, j.prefix, j.scopes);
    printf("%s\n", j.key);
    return 0;
}

/* ---- import, seed, backup, restore, check ----------------------------------------------- */

struct import_job {
    struct geo_feature *f;
    size_t n;
    const char *level, *from, *parent, *file;
};

static int import_job(struct store_conn *w, void *arg)
{
    struct import_job *j = arg;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < j->n; i++) {
        struct geo_feature *f = &j->f[i];
        struct store_unit u = {0};
        u.code = f->code;
        u.level = (char *)(*f->level ? f->level : j->level);
        u.type = "";
        u.name = f->name;
        u.full_name = *f->full_name ? f->full_name : f->name;
        u.name_en = f->name_en;
        u.parent_code = (char *)(j->parent ? j->parent : "");
        u.valid_from = (char *)j->from;
        u.valid_to = "";
        u.area_km2 = f->area_km2;
        memcpy(u.bbox, f->bbox, sizeof u.bbox);
        rc = store_unit_put(w, &u, f->geometry, NULL);
        if (rc)
            fprintf(stderr, "iocctl: %s: feature %zu: %s\n", j->file, i, ioc_strerror(rc));
    }
    char *g = NULL;
    long long v = rc == 0 && store_meta_get(w, "units_generation", &g) == 0 ? atoll(g) : 0;
    free(g);
    char text[32];
    snprintf(text, sizeof text, "%lld", v + 1);
    if (rc == 0)
        rc = store_meta_set(w, "units_generation", text);
    char detail[64];
    snprintf(detail, sizeof detail, "%zu units", j->n);
    return rc ? rc : audit(w, "units.import", j->file, detail);
}

static int cmd_import(struct cli *c)
{
    struct import_job j = {0};
    j.level = take_opt(c, "--level");
    j.from = take_opt(c, "--valid-from");
    j.parent = take_opt(c, "--parent");
    if (c->argc != 2 || strcmp(c->argv[0], "units") != 0)
        return usage_error("import units FILE.geojson [--level L] [--valid-from DATE]");
    j.file = c->argv[1];
    if (!j.level)
        j.level = "commune";
    if (strcmp(j.level, "province") && strcmp(j.level, "district") && strcmp(j.level, "commune"))
        return usage_error("--level must be province, district or commune");
    char today[11];
    int32_t days;
    if (!j.from) {
        ioc_date_today_vn(today);
        j.from = today;
    } else if (ioc_date_parse(j.from, strlen(j.from), &days) != 0) {
        return usage_error("--valid-from must be a date YYYY-MM-DD");
    }
    char *text = NULL;
    size_t n = 0;
    int rc = ioc_file_read(j.file, (size_t)256 << 20, &text, &n);
    if (rc) {
        fprintf(stderr, "iocctl: %s: %s\n", j.file, ioc_strerror(rc));
        return 1;
    }
    struct geo_error err;
    rc = geo_features_parse(text, n, 100000, &j.f, &j.n, &err);
    free(text);
    if (rc) {
        if (err.feature >= 0)
            fprintf(stderr, "iocctl: %s: feature %ld: %s\n", j.file, err.feature, err.message);
        else
            fprintf(stderr, "iocctl: %s: %s\n", j.file, err.message);
        return 1;
    }
    rc = store_tx(c->db, import_job, &j);
    geo_features_free(j.f, j.n);
    if (rc)
        return report(rc, "import");
    printf("imported %zu units from %s, valid from %s\n", j.n, j.file, j.from);
    return 0;
}

static int cmd_seed(struct cli *c)
{
    const char *from = take_opt(c, "--from");
    if (c->argc == 1 && strcmp(c->argv[0], "units") == 0) {
        struct seed_units s = {.dir = from ? from : "data/vn-units"};
        int rc = store_tx(c->db, seed_units_job, &s);
        if (rc) {
            fprintf(stderr, "iocctl: %s\n", s.error[0] ? s.error : ioc_strerror(rc));
            return 1;
        }
        printf("loaded %d units, %d boundaries, %d succession links\n", s.units, s.boundaries,
               s.successions);
        return 0;
    }
    if (c->argc == 1 && strcmp(c->argv[0], "demo") == 0) {
        struct seed_demo d = {0};
        int rc = store_tx(c->db, seed_demo_job, &d);
        if (rc)
            fprintf(stderr, "iocctl: %s\n", d.error[0] ? d.error : ioc_strerror(rc));
        else if (!d.created)
            printf("the demo organisation exists already\n");
        else
            printf("demo user: admin %s (admin)\ndemo user: leader %s (leader)\n"
                   "demo user: operator %s (operator)\ndemo user: staff %s (staff)\n",
                   d.password_admin, d.password_leader, d.password_operator, d.password_staff);
        free(d.password_admin);
        free(d.password_leader);
        free(d.password_operator);
        free(d.password_staff);
        return rc ? 1 : 0;
    }
    return usage_error("seed units [--from DIR] | seed demo");
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    c.data = getenv("IOC_DATA") ? getenv("IOC_DATA") : "./data-run";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            c.data = argv[++i];
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage, stdout), 0;
        else
            return usage_error("unknown option");
    }
    if (i >= argc)
        return usage_error("no command");
    const char *cmd = argv[i];
    c.argc = argc - i - 1;
    c.argv = argv + i + 1;
    if (strcmp(cmd, "restore") == 0) {
        if (c.argc != 1)
            return usage_error("restore FILE");
        int rc = store_restore(c.data, c.argv[0]);
        if (rc == IOC_EBUSY)
            fprintf(stderr, "iocctl: iocd is serving %s; stop it before a restore\n", c.data);
        else if (rc == IOC_EINVAL)
            fprintf(stderr, "iocctl: %s is not a sound ioc database (or is from a newer ioc)\n",
                    c.argv[0]);
        else if (rc)
            fprintf(stderr, "iocctl: restore: %s\n", ioc_strerror(rc));
        else
            printf("restored %s into %s (the old database is ioc.db.before-restore)\n", c.argv[0],
                   c.data);
        return rc ? 1 : 0;
    }
    if (open_store(&c) != 0)
        return 1;
    int rc;
    if (strcmp(cmd, "agency") == 0)
        rc = cmd_agency(&c);
    else if (strcmp(cmd, "user") == 0)
        rc = cmd_user(&c);
    else if (strcmp(cmd, "key") == 0)
        rc = cmd_key(&c);
    else if (strcmp(cmd, "import") == 0)
        rc = cmd_import(&c);
    else if (strcmp(cmd, "seed") == 0)
        rc = cmd_seed(&c);
    else if (strcmp(cmd, "backup") == 0) {
        rc = c.argc == 1 ? report(store_backup(c.db, c.argv[0]), "backup")
                         : usage_error("backup FILE");
        if (rc == 0)
            printf("backup written to %s\n", c.argv[0]);
    } else if (strcmp(cmd, "check") == 0) {
        int ok = 0;
        char *msg = NULL;
        rc = report(store_integrity_check(c.db, &ok, &msg), "check");
        if (rc == 0)
            printf("%s\n", msg ? msg : "");
        rc = rc ? rc : ok ? 0 : 1;
        free(msg);
    } else {
        rc = usage_error("unknown command");
    }
    store_conn_close(c.db);
    store_close(c.st);
    return rc;
}
