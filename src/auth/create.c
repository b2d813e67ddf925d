/*
 * create.c — the creation of agencies, users and API keys, in one place for the API and iocctl.
 *
 * Callers parse their input (JSON body, command line), fill a struct auth_*_new with who made
 * it, and run the job; they render its answer. Everything that decides lives here: the syntax
 * of codes and usernames, the names people type, units in force, the parent a maker may use,
 * who needs an agency, the scopes a maker may grant. Each job checks against what is stored now
 * and writes the row and its audit row in one store job, so an error undoes both.
 *
 * The check functions are the jobs' own first step; callers run them early as well (without a
 * store: only the rules that need none) to refuse before queueing a write or hashing a password.
 * A refusal names the field and gives a sentence the API answers as is; iocctl prints its own.
 */
#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGENCY_NAME_MAX 300
#define DISPLAY_NAME_MAX 200
#define KEY_NAME_MAX 200

/* Sets *field and the sentence why; returns rc. */
static int refuse(int rc, const char **field, char *why, size_t why_size, const char *name,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int refuse(int rc, const char **field, char *why, size_t why_size, const char *name,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    *field = name;
    return rc;
}

#define REFUSE(n, rc, name, ...)                                                                   \
    refuse(rc, &(n)->field, (n)->why, sizeof(n)->why, name, __VA_ARGS__)

/* A trimmed copy of s (NULL: "") in *out (caller frees, also on IOC_EINVAL): 0, IOC_EINVAL when
 * it does not pass ioc_text_label(max), IOC_ENOMEM. */
static int label_dup(const char *s, size_t max, char **out)
{
    if (!(*out = strdup(s ? s : "")))
        return IOC_ENOMEM;
    return ioc_text_label(*out, max) != 0 ? IOC_EINVAL : 0;
}

/* Writes the audit row of a creation: target "KIND:NAME". */
static int create_audit(struct store_conn *w, const struct store_audit *who, const char *action,
                        const char *kind, const char *name, const char *detail)
{
    struct store_audit a = *who;
    char target[160];
    snprintf(target, sizeof target, "%s:%s", kind, name);
    a.action = (char *)action;
    a.target = target;
    a.outcome = "ok";
    a.detail = (char *)detail;
    return store_audit_add(w, &a);
}

/* 0 if code names an agency; IOC_EINVAL if not (or none is given); a store failure. */
static int agency_exists(struct store_conn *c, const char *code)
{
    if (!code || !*code)
        return IOC_EINVAL;
    struct store_agency a = {0};
    int rc = store_agency_get(c, code, &a);
    store_agency_clear(&a);
    return rc == IOC_ENOTFOUND ? IOC_EINVAL : rc;
}

/* ---- agencies --------------------------------------------------------------------------- */

/* The rules of a new agency, in the order the API has always answered them; *name gets the
 * trimmed name (caller frees). */
static int agency_rules(struct store_conn *c, struct auth_agency_new *n, char **name)
{
    n->field = NULL;
    n->why[0] = '\0';
    if (!auth_code_ok(n->code))
        return REFUSE(n, IOC_EINVAL, "code",
                      "A code has 1 to 64 letters, digits, '-', '_' or '.'.");
    int rc = label_dup(n->name, AGENCY_NAME_MAX, name);
    if (rc == IOC_EINVAL)
        return REFUSE(n, rc, "name",
                      "The name must be 1 to 300 bytes of text without control characters.");
    if (rc || !c)
        return rc;
    const char *field = NULL;
    rc = auth_agency_check(c, *name, n->unit_code, &field);
    if (rc == IOC_EINVAL)
        return REFUSE(n, rc, "unit_code", "No administrative unit %.64s is in force today.",
                      n->unit_code);
    if (rc)
        return rc;
    if (n->by && auth_agency_parent(n->by, &n->parent_code) != 0)
        return REFUSE(n, IOC_EPERM, "parent_code",
                      "A key creates agencies only under its own agency, %.64s.",
                      n->by->agency_code);
    if (!n->parent_code || !*n->parent_code)
        return 0;
    rc = agency_exists(c, n->parent_code);
    if (rc == IOC_EINVAL)
        return REFUSE(n, rc, "parent_code", "No agency has code %.64s.", n->parent_code);
    return rc;
}

int auth_agency_new_check(struct store_conn *c, struct auth_agency_new *n)
{
    char *name = NULL;
    int rc = agency_rules(c, n, &name);
    free(name);
    return rc;
}

int auth_agency_create_job(struct store_conn *w, void *arg)
{
    struct auth_agency_new *n = arg;
    char *name = NULL;
    int rc = agency_rules(w, n, &name);
    if (rc == 0)
        rc = store_agency_add(w, n->code, name, n->parent_code, n->unit_code, NULL);
    free(name);
    if (rc == IOC_EEXIST)
        return REFUSE(n, rc, "code", "An agency with code %.64s exists.", n->code);
    if (rc == IOC_EINVAL && !n->field)
        return REFUSE(n, rc, "parent_code", "No agency has code %.64s.",
                      n->parent_code ? n->parent_code : "");
    return rc ? rc : create_audit(w, &n->who, "agency.create", "agency", n->code, "");
}

/* ---- users ------------------------------------------------------------------------------ */

/* The rules of a new user; *display gets the trimmed display name (caller frees). */
static int user_rules(struct store_conn *c, struct auth_user_new *n, char **display)
{
    n->field = NULL;
    n->why[0] = '\0';
    n->role_id = 0;
    int rc = 0;
    if (n->display_name && (rc = label_dup(n->display_name, DISPLAY_NAME_MAX, display)) != 0)
        return rc != IOC_EINVAL ? rc
                                : REFUSE(n, rc, "display_name",
                                         "A display name is 1 to 200 bytes of text without "
                                         "control characters.");
    if (!auth_code_ok(n->username))
        return REFUSE(n, IOC_EINVAL, "username",
                      "A username has 1 to 64 letters, digits, '-', '_', '.'.");
    if (!n->display_name && !(*display = strdup(n->username)))
        return IOC_ENOMEM;
    int role = auth_role_parse(n->role);
    if (role <= AUTH_ROLE_NONE)
        return REFUSE(n, IOC_EINVAL, "role", "role must be admin, leader, operator or staff.");
    n->role_id = role;
    rc = auth_user_agency_check(NULL, role, n->agency_code, 0, n->why, sizeof n->why);
    if (rc == 0 && n->password && auth_password_policy(n->password) != 0)
        return REFUSE(n, IOC_EINVAL, "password", "A password needs 8 to 1024 bytes.");
    if (rc == 0 && c) /* staff need an enabled agency; any given one must exist */
        rc = auth_user_agency_check(c, role, n->agency_code, 1, n->why, sizeof n->why);
    if (rc == IOC_EINVAL)
        n->field = "agency_code";
    return rc;
}

int auth_user_new_check(struct store_conn *c, struct auth_user_new *n)
{
    char *display = NULL;
    int rc = user_rules(c, n, &display);
    free(display);
    return rc;
}

int auth_user_create_job(struct store_conn *w, void *arg)
{
    struct auth_user_new *n = arg;
    char *display = NULL;
    int rc = user_rules(w, n, &display);
    if (rc == 0 && !n->password_hash)
        rc = REFUSE(n, IOC_EINVAL, "password", "A new user needs a password.");
    const char *role = auth_role_name(n->role_id);
    if (rc == 0)
        rc = store_user_add(w, n->username, display, role, n->agency_code, n->password_hash, NULL);
    free(display);
    if (rc == IOC_EEXIST)
        return REFUSE(n, rc, "username", "The username %.64s is taken.", n->username);
    if (rc == IOC_EINVAL && !n->field)
        return REFUSE(n, rc, "agency_code", "No agency has code %.64s.",
                      n->agency_code ? n->agency_code : "");
    return rc ? rc : create_audit(w, &n->who, "user.create", "user", n->username, role);
}

/* ---- API keys --------------------------------------------------------------------------- */

/* The rules of a new key; n->canon gets the scopes in canonical form, *name the trimmed name
 * ("" for none; caller frees). */
static int key_rules(struct store_conn *c, struct auth_key_new *n, char **name)
{
    n->field = NULL;
    n->why[0] = n->bad[0] = n->canon[0] = '\0';
    if (auth_scopes_normalize(n->scopes ? n->scopes : "", n->canon, sizeof n->canon, n->bad,
                              sizeof n->bad) != 0)
        return REFUSE(n, IOC_EINVAL, "scopes",
                      "scopes must be a non-empty list of known scopes%s%.64s.",
                      n->bad[0] ? "; unknown: " : "", n->bad);
    if (!(*name = strdup(n->name ? n->name : "")))
        return IOC_ENOMEM;
    if (**name && ioc_text_label(*name, KEY_NAME_MAX) != 0)
        return REFUSE(n, IOC_EINVAL, "name", "A key's name is text without control characters.");
    if (n->creator != AUTH_ROLE_ADMIN && n->creator != AUTH_ROLE_STAFF)
        return REFUSE(n, IOC_EPERM, "scopes", "Only admins and agency staff make keys.");
    if (auth_scopes_grantable(n->creator, n->canon, n->bad, sizeof n->bad) != 0)
        return REFUSE(n, IOC_EPERM, "scopes",
                      "A key cannot carry %.64s: it would allow more than your role does.", n->bad);
    int rc = c ? agency_exists(c, n->agency_code) : 0;
    if (rc == IOC_EINVAL)
        return REFUSE(n, rc, "agency_code", "No agency has code %.64s.",
                      n->agency_code ? n->agency_code : "");
    return rc;
}

int auth_key_new_check(struct store_conn *c, struct auth_key_new *n)
{
    char *name = NULL;
    int rc = key_rules(c, n, &name);
    free(name);
    return rc;
}

int auth_key_create_job(struct store_conn *w, void *arg)
{
    struct auth_key_new *n = arg;
    char *name = NULL, hash[65];
    int rc = key_rules(w, n, &name);
    if (rc == 0) {
        auth_apikey_new(n->key, n->prefix);
        auth_token_hash(n->key, hash);
        rc = store_apikey_add(w, n->prefix, hash, n->agency_code, n->canon, name,
                              auth_role_name(n->creator), ioc_now_ms(), &n->id);
    }
    free(name);
    if (rc == IOC_EINVAL && !n->field)
        rc = REFUSE(n, rc, "agency_code", "No agency has code %.64s.",
                    n->agency_code ? n->agency_code : "");
    if (rc == 0)
        rc = create_audit(w, &n->who, "key.create", "key", n->prefix, n->canon);
    if (rc) /* nothing was stored: the key must not be shown */
        sodium_memzero(n->key, sizeof n->key);
    return rc;
}
