/*
 * accounts.c — iocctl agency, user and key: the accounts of a data directory.
 *
 * Each change is one store_tx job that makes the change and writes its audit row, so either
 * both are stored or neither. Secrets: a password is read from stdin only (never from argv,
 * where ps would show it), hashed with argon2id, and never printed or audited; a new API key is
 * printed once, alone on the last line, and only its SHA-256 is stored.
 *
 * The rules of a creation (agency add, user add, key create) and of a change (agency
 * set/disable/enable, user set/disable/enable) are those of the API: the same store jobs of
 * src/auth (create.c, accounts.c), with iocctl as the actor, acting as an admin. This file
 * parses the command line and prints the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "store/store.h"

#define NAME_MAX_BYTES 200
#define AGENCY_NAME_MAX 300

/* The who of iocctl's audit rows (as cli_audit writes them). */
static struct store_audit cli_who(void)
{
    struct store_audit a = {0};
    a.actor = "iocctl";
    a.actor_role = "admin";
    a.ip = "local";
    a.request_id = "";
    return a;
}

/* Prints why a change of what (an agency or a user called name) was refused; returns 1. */
static int change_refused(int rc, const char *what, const char *name, const char *field,
                          const char *why)
{
    if (rc == IOC_ENOTFOUND)
        fprintf(stderr, "iocctl: no %s %s\n", what, name);
    else if ((rc == IOC_EINVAL || rc == IOC_EPERM) && *why)
        fprintf(stderr, "iocctl: %s%s%s\n", field ? field : "", field ? ": " : "", why);
    else
        return cli_report(rc, what);
    return 1;
}

/* ---- agencies --------------------------------------------------------------------------- */

static int agency_list(struct cli *c)
{
    if (c->argc != 1)
        return cli_usage(c, "agency list takes no arguments");
    if (cli_open(c, 0))
        return 1;
    struct store_agency *a = NULL;
    size_t n = 0;
    if (cli_report(store_agencies_list(c->db, &a, &n), "agency list"))
        return 1;
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s%s\n", a[i].code, a[i].name, a[i].parent_code, a[i].unit_code,
               a[i].disabled ? "\tdisabled" : "");
    store_agencies_free(a, n);
    return 0;
}

/* agency set CODE [--name] [--parent] [--unit]; agency disable|enable CODE (disabled 0 or 1). */
static int agency_change(struct cli *c, int disabled)
{
    struct auth_agency_change ch = {.disabled = disabled, .who = cli_who()};
    int missing = 0;
    const char *name = NULL;
    if (disabled < 0) {
        name = cli_opt(c, "--name", &missing);
        ch.parent_code = cli_opt(c, "--parent", &missing);
        ch.unit_code = cli_opt(c, "--unit", &missing);
    }
    if (missing || cli_stray_option(c) || c->argc != 2)
        return cli_usage(c, disabled < 0 ? "agency set takes CODE and the options shown"
                                         : "agency disable|enable takes one CODE");
    ch.code = c->argv[1];
    char *text = NULL;
    if (name && !(text = cli_text(name, AGENCY_NAME_MAX)))
        return cli_usage(c, "--name must be UTF-8 text of at most 300 bytes");
    ch.name = text;
    if (cli_open(c, 1)) {
        free(text);
        return 1;
    }
    int rc = store_tx(c->db, auth_agency_change_job, &ch);
    free(text);
    if (rc)
        return change_refused(rc, "agency", ch.code, ch.field, ch.why);
    printf("agency %s %s\n", ch.code,
           !ch.changed    ? "unchanged"
           : disabled < 0 ? "changed"
           : disabled     ? "disabled"
                          : "enabled");
    return 0;
}

/* agency add CODE NAME [--parent CODE] [--unit UNITCODE] */
static int agency_add(struct cli *c)
{
    struct auth_agency_new n = {.who = cli_who()};
    int missing = 0;
    n.parent_code = cli_opt(c, "--parent", &missing);
    n.unit_code = cli_opt(c, "--unit", &missing);
    if (missing || cli_stray_option(c) || c->argc != 3)
        return cli_usage(c, "agency add takes CODE NAME and the options shown");
    n.code = c->argv[1];
    char *name = cli_text(c->argv[2], AGENCY_NAME_MAX); /* the API's limit for agencies */
    n.name = name ? name : ""; /* refused as a name unless the code is refused first */
    int rc = auth_agency_new_check(NULL, &n);
    if (rc == IOC_EINVAL && n.field && strcmp(n.field, "code") == 0) {
        free(name);
        return cli_usage(c, "a code has 1 to 64 letters, digits, '-', '_' or '.'");
    }
    if (rc == IOC_EINVAL) {
        free(name);
        return cli_usage(c, "the name must be UTF-8 text of 1 to 300 bytes without control "
                            "characters");
    }
    if (rc || cli_open(c, 1)) {
        free(name);
        return rc ? cli_report(rc, "agency add") : 1;
    }
    rc = store_tx(c->db, auth_agency_create_job, &n);
    free(name);
    if (rc == IOC_EEXIST)
        fprintf(stderr, "iocctl: an agency with code %s exists\n", n.code);
    else if (rc == IOC_EINVAL && n.field && strcmp(n.field, "unit_code") == 0)
        fprintf(stderr, "iocctl: no administrative unit %s is in force today\n", n.unit_code);
    else if (rc == IOC_EINVAL && n.field && strcmp(n.field, "parent_code") == 0)
        fprintf(stderr, "iocctl: no parent agency %s\n", n.parent_code ? n.parent_code : "");
    else if (rc == IOC_EINVAL && n.field)
        fprintf(stderr, "iocctl: %s: %s\n", n.field, n.why);
    else if (rc)
        return cli_report(rc, "agency add");
    else
        printf("agency %s added\n", n.code);
    return rc ? 1 : 0;
}

static int cmd_agency(struct cli *c)
{
    const char *sub = c->argc >= 1 ? c->argv[0] : "";
    if (strcmp(sub, "list") == 0)
        return agency_list(c);
    if (strcmp(sub, "set") == 0)
        return agency_change(c, -1);
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        return agency_change(c, strcmp(sub, "disable") == 0);
    if (strcmp(sub, "add") != 0)
        return cli_usage(c, "agency needs add, set, disable, enable or list");
    return agency_add(c);
}

/* ---- users ------------------------------------------------------------------------------ */

struct user_job {
    const char *name, *password;
};

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
    return rc ? rc : cli_audit(w, "user.password", target, "");
}

/* Lifts the login locks of j->name in a running iocd (see auth_user_unlock). */
static int user_unlock_job(struct store_conn *w, void *arg)
{
    struct user_job *j = arg;
    int rc = auth_user_unlock(w, j->name, ioc_now_ms());
    char target[96];
    snprintf(target, sizeof target, "user:%s", j->name);
    return rc ? rc : cli_audit(w, "user.unlock", target, "");
}

/* Reads one line of stdin as a password (the line end dropped) into buf (cleared by the caller
 * with sodium_memzero). NULL on end of input or a line longer than the policy allows. */
static char *read_password(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin))
        return NULL;
    size_t n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n == size - 1)
        return NULL; /* no line end within the buffer: too long */
    buf[n] = '\0';
    return buf;
}

static int user_list(struct cli *c)
{
    if (c->argc != 1)
        return cli_usage(c, "user list takes no arguments");
    if (cli_open(c, 0))
        return 1;
    struct store_user *u = NULL;
    size_t n = 0;
    if (cli_report(store_users_list(c->db, &u, &n), "user list"))
        return 1;
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s%s\n", u[i].username, u[i].role, u[i].agency_code, u[i].display_name,
               u[i].disabled ? "\tdisabled" : "");
    store_users_free(u, n);
    return 0;
}

/* user set NAME [--role] [--agency] [--display]; user disable|enable NAME (disabled 0 or 1). */
static int user_change(struct cli *c, int disabled)
{
    struct auth_user_change ch = {.disabled = disabled, .who = cli_who()};
    int missing = 0;
    const char *display = NULL;
    if (disabled < 0) {
        ch.role = cli_opt(c, "--role", &missing);
        ch.agency_code = cli_opt(c, "--agency", &missing);
        display = cli_opt(c, "--display", &missing);
    }
    if (missing || cli_stray_option(c) || c->argc != 2)
        return cli_usage(c, disabled < 0 ? "user set takes NAME and the options shown"
                                         : "user disable|enable takes one NAME");
    ch.username = c->argv[1];
    char *text = NULL;
    if (display && !(text = cli_text(display, NAME_MAX_BYTES)))
        return cli_usage(c, "--display must be UTF-8 text of at most 200 bytes");
    ch.display_name = text;
    if (cli_open(c, 1)) {
        free(text);
        return 1;
    }
    int rc = store_tx(c->db, auth_user_change_job, &ch);
    free(text);
    if (rc)
        return change_refused(rc, "user", ch.username, ch.field, ch.why);
    printf("user %s %s\n", ch.username,
           !ch.changed    ? "unchanged"
           : disabled < 0 ? "changed"
           : disabled     ? "disabled"
                          : "enabled");
    return 0;
}

static int user_unlock(struct cli *c)
{
    if (c->argc != 2 || cli_stray_option(c))
        return cli_usage(c, "user unlock takes one NAME");
    struct user_job j = {.name = c->argv[1]};
    if (cli_open(c, 1))
        return 1;
    int rc = store_tx(c->db, user_unlock_job, &j);
    if (rc == IOC_ENOTFOUND)
        fprintf(stderr, "iocctl: no user %s\n", j.name);
    else if (rc)
        return cli_report(rc, "user unlock");
    else
        printf("user %s unlocked: failed logins before now no longer block it\n", j.name);
    return rc ? 1 : 0;
}

/* user passwd, after its options were taken. */
static int user_passwd(struct cli *c, struct user_job *j)
{
    char buf[1100];
    j->password = read_password(buf, sizeof buf);
    int rc = 0;
    if (!j->password || auth_password_policy(j->password) != 0) {
        fprintf(stderr, "iocctl: a password needs one line of 8 to 1024 bytes of UTF-8 on "
                        "stdin\n");
        sodium_memzero(buf, sizeof buf);
        return 1;
    }
    if (cli_open(c, 1)) {
        sodium_memzero(buf, sizeof buf);
        return 1;
    }
    rc = store_tx(c->db, user_passwd_job, j);
    sodium_memzero(buf, sizeof buf);
    if (rc == IOC_ENOTFOUND)
        fprintf(stderr, "iocctl: no user %s\n", j->name);
    else if (rc)
        return cli_report(rc, "user");
    else
        printf("password of %s changed; its sessions ended\n", j->name);
    return rc ? 1 : 0;
}

/* What iocctl says when user add is refused before reading the password (exit 2). */
static int user_add_usage(struct cli *c, const char *field)
{
    static const struct {
        const char *field, *usage;
    } usage[] = {
        {"username", "a username has 1 to 64 letters, digits, '-', '_' or '.'"},
        {"role", "--role must be admin, leader, operator or staff"},
        {"agency_code", "staff belong to an agency: give --agency CODE"},
        {"display_name",
         "--display must be UTF-8 text of 1 to 200 bytes without control characters"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++)
        if (field && strcmp(field, usage[i].field) == 0)
            return cli_usage(c, usage[i].usage);
    return cli_usage(c, "user add takes NAME and the options shown");
}

/* Reads the password of n from stdin, hashes it and writes the user; buf is cleared after. */
static int user_add_write(struct cli *c, struct auth_user_new *n)
{
    char buf[1100], *hash = NULL;
    n->password = read_password(buf, sizeof buf);
    int rc = n->password ? auth_user_new_check(NULL, n) : IOC_EINVAL;
    if (rc == IOC_EINVAL) {
        fprintf(stderr, "iocctl: a password needs one line of 8 to 1024 bytes of UTF-8 on "
                        "stdin\n");
        sodium_memzero(buf, sizeof buf);
        return 1;
    }
    if (rc == 0 && cli_open(c, 1)) {
        sodium_memzero(buf, sizeof buf);
        return 1;
    }
    if (rc == 0)
        rc = auth_password_hash(n->password, &hash);
    if (rc == 0) {
        n->password_hash = hash;
        rc = store_tx(c->db, auth_user_create_job, n);
    }
    sodium_memzero(buf, sizeof buf);
    free(hash);
    if (rc == IOC_EEXIST)
        fprintf(stderr, "iocctl: user %s exists\n", n->username);
    else if ((rc == IOC_EINVAL || rc == IOC_EPERM) && n->field)
        fprintf(stderr, "iocctl: %s\n", n->why);
    else if (rc)
        return cli_report(rc, "user");
    else
        printf("user %s added (%s)\n", n->username, auth_role_name(n->role_id));
    return rc ? 1 : 0;
}

/* user add NAME --role ROLE [--agency CODE] [--display TEXT] --password-stdin */
static int user_add(struct cli *c)
{
    struct auth_user_new n = {.who = cli_who()};
    int missing = 0;
    n.role = cli_opt(c, "--role", &missing);
    n.agency_code = cli_opt(c, "--agency", &missing);
    const char *display = cli_opt(c, "--display", &missing);
    int from_stdin = cli_flag(c, "--password-stdin");
    if (missing || cli_stray_option(c) || c->argc != 2)
        return cli_usage(c, "user add takes NAME and the options shown");
    if (!from_stdin)
        return cli_usage(c, "the password is read from stdin: give --password-stdin");
    n.username = c->argv[1];
    char *text = display ? cli_text(display, NAME_MAX_BYTES) : NULL;
    n.display_name = display ? (text ? text : "") : NULL; /* "" is refused as a display name */
    int rc = auth_user_new_check(NULL, &n);
    if (rc == IOC_EINVAL)
        rc = user_add_usage(c, n.field);
    else if (rc)
        rc = cli_report(rc, "user add");
    else
        rc = user_add_write(c, &n);
    free(text);
    return rc;
}

static int cmd_user(struct cli *c)
{
    const char *sub = c->argc >= 1 ? c->argv[0] : "";
    if (strcmp(sub, "list") == 0)
        return user_list(c);
    if (strcmp(sub, "set") == 0)
        return user_change(c, -1);
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        return user_change(c, strcmp(sub, "disable") == 0);
    if (strcmp(sub, "unlock") == 0)
        return user_unlock(c);
    if (strcmp(sub, "add") == 0)
        return user_add(c);
    if (strcmp(sub, "passwd") != 0)
        return cli_usage(c, "user needs add, set, passwd, list, disable, enable or unlock");
    struct user_job j = {0};
    int from_stdin = cli_flag(c, "--password-stdin");
    if (cli_stray_option(c) || c->argc != 2)
        return cli_usage(c, "user passwd takes NAME and --password-stdin");
    if (!from_stdin)
        return cli_usage(c, "the password is read from stdin: give --password-stdin");
    j.name = c->argv[1];
    return user_passwd(c, &j);
}

/* ---- keys ------------------------------------------------------------------------------- */

struct key_job {
    char prefix[16];
    int64_t id;
};

static int key_revoke_job(struct store_conn *w, void *arg)
{
    struct key_job *j = arg;
    struct store_apikey k = {0};
    int rc = store_apikey_get(w, j->id, &k);
    if (rc == 0) {
        snprintf(j->prefix, sizeof j->prefix, "%s", k.prefix);
        rc = store_apikey_revoke(w, j->id, ioc_now_ms());
    }
    store_apikey_clear(&k);
    char target[64], detail[32];
    snprintf(target, sizeof target, "key:%s", j->prefix);
    snprintf(detail, sizeof detail, "id %lld", (long long)j->id);
    return rc ? rc : cli_audit(w, "key.revoke", target, detail);
}

static int key_list(struct cli *c)
{
    int missing = 0;
    const char *agency = cli_opt(c, "--agency", &missing);
    if (missing || cli_stray_option(c) || c->argc != 1)
        return cli_usage(c, "key list takes only --agency CODE");
    if (cli_open(c, 0))
        return 1;
    struct store_apikey *k = NULL;
    size_t n = 0;
    if (cli_report(store_apikeys_list(c->db, agency, &k, &n), "key list"))
        return 1;
    for (size_t i = 0; i < n; i++) {
        char created[32];
        ioc_time_rfc3339(k[i].created_ms, created);
        printf("%lld\t%s\t%s\t%s\t%s\t%s%s\n", (long long)k[i].id, k[i].prefix, k[i].agency_code,
               k[i].scopes, created, k[i].name, k[i].revoked_ms ? "\trevoked" : "");
    }
    store_apikeys_free(k, n);
    return 0;
}

static int key_revoke(struct cli *c)
{
    struct key_job j = {0};
    if (c->argc != 2 || ioc_parse_i64(c->argv[1], strlen(c->argv[1]), 1, INT64_MAX, &j.id) != 0)
        return cli_usage(c, "key revoke takes the numeric ID shown by key list");
    if (cli_open(c, 1))
        return 1;
    int rc = store_tx(c->db, key_revoke_job, &j);
    if (rc == IOC_ENOTFOUND)
        fprintf(stderr, "iocctl: no key %lld\n", (long long)j.id);
    else if (rc)
        return cli_report(rc, "key revoke");
    else
        printf("key %lld (prefix %s) revoked\n", (long long)j.id, j.prefix);
    return rc ? 1 : 0;
}

/* Says why key create was refused before it opened the database; returns the exit code. */
static int key_refused(struct cli *c, const struct auth_key_new *n, int rc)
{
    if (rc == IOC_EINVAL && n->field && strcmp(n->field, "scopes") == 0) {
        fprintf(stderr, "iocctl: unknown scope %s; known scopes:", *n->bad ? n->bad : "(empty)");
        for (size_t i = 0; i < auth_scopes_count; i++)
            fprintf(stderr, " %s", auth_scopes[i]);
        fprintf(stderr, "\n");
        return 1;
    }
    if (rc == IOC_EPERM) {
        fprintf(stderr, "iocctl: scope %s cannot be granted\n", n->bad);
        return 1;
    }
    if (rc == IOC_EINVAL)
        return cli_usage(c, "--name must be UTF-8 text of at most 200 bytes without control "
                            "characters");
    return cli_report(rc, "key create");
}

static int key_create(struct cli *c)
{
    /* iocctl acts as the administrator */
    struct auth_key_new n = {.creator = AUTH_ROLE_ADMIN, .who = cli_who()};
    int missing = 0;
    n.agency_code = cli_opt(c, "--agency", &missing);
    n.scopes = cli_opt(c, "--scope", &missing);
    const char *name = cli_opt(c, "--name", &missing);
    if (missing || cli_stray_option(c) || !n.agency_code || !n.scopes || c->argc != 1)
        return cli_usage(c, "key create needs --agency CODE and --scope SCOPE[,SCOPE...]");
    char *text = name ? cli_text(name, NAME_MAX_BYTES) : NULL;
    n.name = text;
    int rc = auth_key_new_check(NULL, &n);
    if (rc == 0 && name && !text)
        rc = IOC_EINVAL; /* not UTF-8, or too long: refused as a name */
    if (rc || cli_open(c, 1)) {
        free(text);
        return rc ? key_refused(c, &n, rc) : 1;
    }
    rc = store_tx(c->db, auth_key_create_job, &n);
    free(text);
    if (rc == IOC_EINVAL) {
        fprintf(stderr, "iocctl: no agency %s\n", n.agency_code);
        rc = 1;
    } else if (rc == 0) {
        printf("key %lld created for %s (prefix %s, scopes %s); it is shown only now:\n",
               (long long)n.id, n.agency_code, n.prefix, n.canon);
        printf("%s\n", n.key);
    } else {
        rc = cli_report(rc, "key create");
    }
    sodium_memzero(n.key, sizeof n.key);
    return rc;
}

static int cmd_key(struct cli *c)
{
    const char *sub = c->argc >= 1 ? c->argv[0] : "";
    if (strcmp(sub, "list") == 0)
        return key_list(c);
    if (strcmp(sub, "revoke") == 0)
        return key_revoke(c);
    if (strcmp(sub, "create") == 0)
        return key_create(c);
    return cli_usage(c, "key needs create, revoke or list");
}

/* The accounts group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"agency", cmd_agency,
     "  agency add CODE NAME [--parent CODE] [--unit UNITCODE]\n"
     "  agency set CODE [--name NAME] [--parent CODE|''] [--unit UNITCODE|'']\n"
     "  agency disable|enable CODE       disabled: its staff and keys are refused\n"
     "  agency list                      one agency a line: code, name, parent, unit (tabs),\n"
     "                                   then \"disabled\" for a disabled one\n"},
    {"user", cmd_user,
     "  user add NAME --role admin|leader|operator|staff [--agency CODE] [--display TEXT]\n"
     "           --password-stdin        (one line on stdin; staff need --agency)\n"
     "  user passwd NAME --password-stdin   (also ends the user's sessions)\n"
     "  user set NAME [--role ROLE] [--agency CODE|''] [--display TEXT]\n"
     "  user list\n"
     "  user disable|enable NAME         (disabling ends the user's sessions; the last\n"
     "                                   enabled admin is kept)\n"
     "  user unlock NAME                 lift the login locks of NAME (works while iocd runs)\n"},
    {"key", cmd_key,
     "  key create --agency CODE --scope SCOPE[,SCOPE...] [--name TEXT]\n"
     "                                   the key is printed once, alone on the last line\n"
     "  key revoke ID\n"
     "  key list [--agency CODE]         ids and prefixes, never keys\n"},
};

const struct cli_group cli_group_accounts = CLI_GROUP("accounts", commands);
