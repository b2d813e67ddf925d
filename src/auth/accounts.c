/*
 * accounts.c — the rules of agencies and users, in one place for the API and iocctl.
 *
 * Callers parse and render; everything that decides lives here: what a valid name or unit is,
 * which roles need an agency, what a disabled agency means, and that the province always keeps
 * an enabled admin. A change is one store job (auth_agency_change_job, auth_user_change_job)
 * that reads the row, checks the change against what is stored now, writes it, ends the
 * sessions it must end, and writes its audit row, so the check and the write cannot be
 * separated by another writer (the writer thread and iocctl's BEGIN IMMEDIATE serialise them).
 *
 * Invariants
 *   1. An agency's code and a user's username never change.
 *   2. The agency tree has no cycle: a new parent is never the agency or one below it.
 *   3. After any change there is at least one enabled admin, if there was one before.
 *   4. A disabled agency keeps its row (history); its staff cannot sign in, their sessions end
 *      when it is disabled, and its API keys are refused (auth_key_resolve).
 *   5. An audit row's detail holds the changed fields before and after; never a password.
 */
#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGENCY_NAME_MAX 300
#define DISPLAY_NAME_MAX 200

/* ---- single rules ----------------------------------------------------------------------- */

/* 0 if unit_code names a unit in force today (Asia/Ho_Chi_Minh); IOC_EINVAL if not. */

int auth_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (; *s; s++)
        if (!isascii((unsigned char)*s) ||
            (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.'))
            return 0;
    return 1;
}

static int unit_in_force(struct store_conn *c, const char *unit_code)
{
    char today[11];
    ioc_date_today_vn(today);
    struct store_unit u = {0};
    int rc = store_unit_get(c, unit_code, today, &u);
    store_unit_clear(&u);
    return rc == IOC_ENOTFOUND ? IOC_EINVAL : rc;
}

int auth_agency_check(struct store_conn *c, char *name, const char *unit_code, const char **field)
{
    if (ioc_text_label(name, AGENCY_NAME_MAX) != 0) {
        *field = "name";
        return IOC_EINVAL;
    }
    if (!unit_code || !*unit_code)
        return 0;
    int rc = unit_in_force(c, unit_code);
    if (rc == IOC_EINVAL)
        *field = "unit_code";
    return rc;
}

int auth_user_agency_check(struct store_conn *c, int role, const char *agency_code,
                           int check_agency, char *why, size_t why_size)
{
    int none = !agency_code || !*agency_code;
    if (role == AUTH_ROLE_STAFF && none) {
        snprintf(why, why_size, "Agency staff must belong to an agency.");
        return IOC_EINVAL;
    }
    if (none || !check_agency)
        return 0;
    struct store_agency a = {0};
    int rc = store_agency_get(c, agency_code, &a);
    int disabled = a.disabled;
    store_agency_clear(&a);
    if (rc == IOC_ENOTFOUND) {
        snprintf(why, why_size, "No agency has code %.64s.", agency_code);
        return IOC_EINVAL;
    }
    if (rc == 0 && disabled) {
        snprintf(why, why_size, "The agency %.64s is disabled.", agency_code);
        return IOC_EINVAL;
    }
    return rc;
}

int auth_user_active(const struct store_user *u)
{
    if (u->disabled)
        return 0;
    return !(u->agency_disabled && auth_role_parse(u->role) == AUTH_ROLE_STAFF);
}

/* ---- the audit detail: changed fields before and after ---------------------------------- */

struct diff {
    struct ioc_buf before, after;
    int n;   /* fields changed */
    int err; /* an append failed */
};

static void diff_init(struct diff *d)
{
    ioc_buf_init(&d->before, 8192);
    ioc_buf_init(&d->after, 8192);
    d->n = 0;
    d->err = 0;
}

static void diff_free(struct diff *d)
{
    ioc_buf_free(&d->before);
    ioc_buf_free(&d->after);
}

static void diff_key(struct diff *d, const char *key)
{
    struct ioc_buf *b[2] = {&d->before, &d->after};
    for (int i = 0; i < 2; i++)
        d->err |= ioc_buf_putc(b[i], d->n ? ',' : '{') | ioc_buf_json_str(b[i], key, (size_t)-1) |
                  ioc_buf_putc(b[i], ':');
    d->n++;
}

static void diff_str(struct diff *d, const char *key, const char *old, const char *now)
{
    old = old ? old : "";
    now = now ? now : "";
    if (strcmp(old, now) == 0)
        return;
    diff_key(d, key);
    d->err |= ioc_buf_json_str(&d->before, old, (size_t)-1);
    d->err |= ioc_buf_json_str(&d->after, now, (size_t)-1);
}

static void diff_bool(struct diff *d, const char *key, int old, int now)
{
    if (!old == !now)
        return;
    diff_key(d, key);
    d->err |= ioc_buf_puts(&d->before, old ? "true" : "false");
    d->err |= ioc_buf_puts(&d->after, now ? "true" : "false");
}

/* {"before":{…},"after":{…}}, malloc'd; NULL when memory ran out. */
static char *diff_detail(struct diff *d)
{
    if (d->err || d->n == 0)
        return NULL;
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    int rc = ioc_buf_puts(&b, "{\"before\":") | ioc_buf_puts(&b, d->before.data) |
             ioc_buf_puts(&b, "},\"after\":") | ioc_buf_puts(&b, d->after.data) |
             ioc_buf_puts(&b, "}}");
    if (rc) {
        ioc_buf_free(&b);
        return NULL;
    }
    return ioc_buf_steal(&b);
}

/* Writes the audit row of a change: kind "agency" or "user", name its code or username. */
static int change_audit(struct store_conn *w, const struct store_audit *who, const char *kind,
                        const char *name, struct diff *d, int only_disabled, int disabled)
{
    struct store_audit a = *who;
    char action[32], target[160];
    snprintf(action, sizeof action, "%s.%s", kind,
             only_disabled ? (disabled ? "disable" : "enable") : "update");
    snprintf(target, sizeof target, "%s:%s", kind, name);
    a.action = action;
    a.target = target;
    a.outcome = "ok";
    a.detail = diff_detail(d);
    if (!a.detail)
        return IOC_ENOMEM;
    int rc = store_audit_add(w, &a);
    free(a.detail);
    return rc;
}

/* ---- agencies --------------------------------------------------------------------------- */

/* Checks a change against the stored agency old; *name gets the trimmed new name (malloc'd)
 * when one is given. 0, IOC_EINVAL with ch->field and ch->why, or a store failure. */
static int agency_change_check(struct store_conn *w, struct auth_agency_change *ch,
                               const struct store_agency *old, char **name)
{
    int rc = 0;
    if (ch->name && !(*name = strdup(ch->name)))
        return IOC_ENOMEM;
    if (*name && ioc_text_label(*name, AGENCY_NAME_MAX) != 0) {
        ch->field = "name";
        snprintf(ch->why, sizeof ch->why,
                 "The name must be 1 to 300 bytes of text without control characters.");
        return IOC_EINVAL;
    }
    /* a unit is checked when it changes; one that has since ended does not block other edits */
    if (ch->unit_code && *ch->unit_code && strcmp(ch->unit_code, old->unit_code) != 0 &&
        (rc = unit_in_force(w, ch->unit_code)) != 0) {
        ch->field = "unit_code";
        snprintf(ch->why, sizeof ch->why, "No administrative unit %.16s is in force today.",
                 ch->unit_code);
        return rc;
    }
    if (!ch->parent_code || !*ch->parent_code)
        return 0;
    struct store_agency p = {0};
    rc = store_agency_get(w, ch->parent_code, &p);
    store_agency_clear(&p);
    int within = 0;
    if (rc == 0)
        rc = store_agency_within(w, ch->parent_code, ch->code, &within);
    ch->field = rc == IOC_ENOTFOUND || within ? "parent_code" : NULL;
    if (rc == IOC_ENOTFOUND)
        snprintf(ch->why, sizeof ch->why, "No agency has code %.64s.", ch->parent_code);
    else if (within)
        snprintf(ch->why, sizeof ch->why,
                 "%.64s is %.64s itself or below it: the agencies would form a cycle.",
                 ch->parent_code, ch->code);
    return rc == IOC_ENOTFOUND || (rc == 0 && within) ? IOC_EINVAL : rc;
}

int auth_agency_change_job(struct store_conn *w, void *arg)
{
    struct auth_agency_change *ch = arg;
    ch->field = NULL;
    ch->why[0] = '\0';
    ch->changed = 0;
    struct store_agency old = {0}, now;
    char *name = NULL;
    struct diff d;
    diff_init(&d);
    int rc = store_agency_get(w, ch->code, &old);
    if (rc == 0)
        rc = agency_change_check(w, ch, &old, &name);
    if (rc)
        goto out;
    now = old; /* a shallow copy: its strings belong to old, ch or name */
    if (name)
        now.name = name;
    if (ch->parent_code)
        now.parent_code = (char *)ch->parent_code;
    if (ch->unit_code)
        now.unit_code = (char *)ch->unit_code;
    if (ch->disabled >= 0)
        now.disabled = ch->disabled ? 1 : 0;
    diff_str(&d, "name", old.name, now.name);
    diff_str(&d, "parent_code", old.parent_code, now.parent_code);
    diff_str(&d, "unit_code", old.unit_code, now.unit_code);
    diff_bool(&d, "disabled", old.disabled, now.disabled);
    if (d.n == 0)
        goto out;
    rc = store_agency_set(w, &now);
    if (rc == 0 && now.disabled && !old.disabled)
        rc = store_sessions_delete_agency(w, old.id, auth_role_name(AUTH_ROLE_STAFF));
    if (rc == 0)
        rc = change_audit(w, &ch->who, "agency", old.code, &d,
                          d.n == 1 && now.disabled != old.disabled, now.disabled);
    ch->changed = rc == 0;
out:
    free(name);
    diff_free(&d);
    store_agency_clear(&old);
    return rc;
}

/* ---- users ------------------------------------------------------------------------------ */

/* The province keeps an enabled admin: refuses (IOC_EPERM, ch->conflict) a change that takes
 * the last one away, or by which an admin disables or demotes themselves. */
static int keep_admin(struct store_conn *w, struct auth_user_change *ch,
                      const struct store_user *old, int role, int disabled)
{
    int was = auth_role_parse(old->role) == AUTH_ROLE_ADMIN && !old->disabled;
    if (!was || (role == AUTH_ROLE_ADMIN && !disabled))
        return 0;
    if (ch->actor_user_id == old->id) {
        ch->conflict = "self";
        snprintf(ch->why, sizeof ch->why,
                 "You cannot disable yourself or give up your own admin role; another admin "
                 "can.");
        return IOC_EPERM;
    }
    int64_t n = 0;
    int rc = store_users_count_enabled(w, auth_role_name(AUTH_ROLE_ADMIN), &n);
    if (rc == 0 && n <= 1) {
        ch->conflict = "last_admin";
        snprintf(ch->why, sizeof ch->why,
                 "%.64s is the last enabled admin: make or enable another admin first.",
                 old->username);
        rc = IOC_EPERM;
    }
    return rc;
}

/* Checks a change against the stored user old and fills now (strings borrowed from ch, from
 * *display, trimmed and malloc'd here, or from old). 0, IOC_EINVAL (ch->field, ch->why),
 * IOC_EPERM (ch->conflict, ch->why) or a store failure. */
static int user_change_check(struct store_conn *w, struct auth_user_change *ch,
                             const struct store_user *old, struct store_user *now, char **display)
{
    if (ch->display_name && !(*display = strdup(ch->display_name)))
        return IOC_ENOMEM;
    if (*display && ioc_text_label(*display, DISPLAY_NAME_MAX) != 0) {
        ch->field = "display_name";
        snprintf(ch->why, sizeof ch->why,
                 "A display name is 1 to 200 bytes of text without control characters.");
        return IOC_EINVAL;
    }
    if (*display)
        now->display_name = *display;
    int role = auth_role_parse(ch->role ? ch->role : old->role);
    if (role <= AUTH_ROLE_NONE) {
        ch->field = "role";
        snprintf(ch->why, sizeof ch->why, "role must be admin, leader, operator or staff.");
        return IOC_EINVAL;
    }
    now->role = (char *)auth_role_name(role);
    if (ch->agency_code)
        now->agency_code = (char *)ch->agency_code;
    if (ch->disabled >= 0)
        now->disabled = ch->disabled ? 1 : 0;
    int new_agency = ch->agency_code && strcmp(ch->agency_code, old->agency_code) != 0;
    int rc = auth_user_agency_check(w, role, now->agency_code, new_agency, ch->why, sizeof ch->why);
    if (rc == IOC_EINVAL)
        ch->field = "agency_code";
    return rc ? rc : keep_admin(w, ch, old, role, now->disabled);
}

int auth_user_change_job(struct store_conn *w, void *arg)
{
    struct auth_user_change *ch = arg;
    ch->field = ch->conflict = NULL;
    ch->why[0] = '\0';
    ch->changed = 0;
    struct store_user old = {0}, now;
    char *display = NULL;
    struct diff d;
    diff_init(&d);
    int rc = store_user_get(w, ch->username, &old);
    if (rc)
        goto out;
    now = old; /* a shallow copy: its strings belong to old, ch or display */
    rc = user_change_check(w, ch, &old, &now, &display);
    if (rc)
        goto out;
    diff_str(&d, "display_name", old.display_name, now.display_name);
    diff_str(&d, "role", old.role, now.role);
    diff_str(&d, "agency_code", old.agency_code, now.agency_code);
    diff_bool(&d, "disabled", old.disabled, now.disabled);
    if (d.n == 0)
        goto out;
    rc = store_user_set(w, &now);
    if (rc == 0 && now.disabled && !old.disabled)
        rc = store_sessions_delete_user(w, old.id); /* signed out at once */
    if (rc == 0)
        rc = change_audit(w, &ch->who, "user", old.username, &d,
                          d.n == 1 && now.disabled != old.disabled, now.disabled);
    ch->changed = rc == 0;
out:
    free(display);
    diff_free(&d);
    store_user_clear(&old);
    return rc;
}
