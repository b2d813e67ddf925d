/*
 * auth.c — roles, scopes, passwords, tokens, resolving callers, the login job, permissions.
 *
 * Passwords: argon2id through libsodium's crypto_pwhash_str (interactive limits). Session
 * tokens and API keys: 32 / 24 random bytes, stored only as their SHA-256 (they are random and
 * long, so a fast hash is enough and lets a lookup use an index). Comparisons of secrets are
 * constant-time.
 */
#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void init_sodium(void)
{
    if (sodium_init() < 0)
        abort(); /* no secure random source: nothing here can work */
}

static void ensure_sodium(void)
{
    pthread_once(&sodium_once, init_sodium);
}

static const char *const role_names[] = {"anonymous", "staff", "operator", "leader", "admin"};

const char *auth_role_name(int role)
{
    return role >= 0 && role <= AUTH_ROLE_ADMIN ? role_names[role] : "anonymous";
}

int auth_role_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "agency_staff") == 0)
        return AUTH_ROLE_STAFF;
    for (int i = AUTH_ROLE_STAFF; i <= AUTH_ROLE_ADMIN; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

const char *const auth_scopes[] = {
    "read:audit",       "read:agencies",   "write:agencies", "read:units",    "write:units",
    "read:telemetry",   "write:telemetry", "read:reports",   "write:reports", "read:indicators",
    "write:indicators", "read:datasets",   "read:events",    "read:alerts",   "write:alerts"};
const size_t auth_scopes_count = sizeof auth_scopes / sizeof auth_scopes[0];

/* The least role that may exercise each scope of auth_scopes[] as a signed-in user, in the
 * same order. */
static const int scope_min_role[] = {
    AUTH_ROLE_ADMIN, /* read:audit */
    AUTH_ROLE_STAFF, /* read:agencies */
    AUTH_ROLE_ADMIN, /* write:agencies */
    AUTH_ROLE_NONE,  /* read:units */
    AUTH_ROLE_ADMIN, /* write:units */
    AUTH_ROLE_STAFF, /* read:telemetry */
    AUTH_ROLE_STAFF, /* write:telemetry */
    AUTH_ROLE_STAFF, /* read:reports */
    AUTH_ROLE_STAFF, /* write:reports */
    AUTH_ROLE_STAFF, /* read:indicators */
    AUTH_ROLE_STAFF, /* write:indicators */
    AUTH_ROLE_STAFF, /* read:datasets */
    AUTH_ROLE_STAFF, /* read:events */
    AUTH_ROLE_STAFF, /* read:alerts */
    AUTH_ROLE_STAFF, /* write:alerts */
};
_Static_assert(sizeof scope_min_role / sizeof scope_min_role[0] ==
                   sizeof auth_scopes / sizeof auth_scopes[0],
               "every scope has a least role");

/* Index of the scope s[0..n) in auth_scopes[], or -1. */
static int scope_index(const char *s, size_t n)
{
    for (size_t i = 0; i < auth_scopes_count; i++)
        if (strlen(auth_scopes[i]) == n && memcmp(auth_scopes[i], s, n) == 0)
            return (int)i;
    return -1;
}

int auth_scopes_check(const char *s, char *bad, size_t bad_size)
{
    if (!s || !*s)
        return IOC_EINVAL;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int known = 0;
        for (size_t i = 0; i < auth_scopes_count && !known; i++)
            known = strlen(auth_scopes[i]) == n && memcmp(auth_scopes[i], p, n) == 0;
        if (!known) {
            if (bad && bad_size)
                snprintf(bad, bad_size, "%.*s", (int)(n < 48 ? n : 48), p);
            return IOC_EINVAL;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

int auth_scopes_has(const char *list, const char *scope)
{
    size_t n = strlen(scope);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, scope, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

int auth_scopes_normalize(const char *s, char *out, size_t out_size, char *bad, size_t bad_size)
{
    int rc = auth_scopes_check(s, bad, bad_size);
    if (rc)
        return rc;
    unsigned char seen[sizeof auth_scopes / sizeof auth_scopes[0]] = {0};
    for (const char *p = s; p;) {
        const char *comma = strchr(p, ',');
        seen[scope_index(p, comma ? (size_t)(comma - p) : strlen(p))] = 1;
        p = comma ? comma + 1 : NULL;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, out_size);
    for (size_t i = 0; i < auth_scopes_count; i++)
        if (seen[i]) {
            if (b.len)
                ioc_buf_putc(&b, ',');
            ioc_buf_puts(&b, auth_scopes[i]);
        }
    rc = b.data && b.len < out_size ? 0 : IOC_ETOOBIG;
    if (rc == 0)
        memcpy(out, b.data, b.len + 1);
    ioc_buf_free(&b);
    return rc;
}

int auth_scope_min_role(const char *scope)
{
    int i = scope ? scope_index(scope, strlen(scope)) : -1;
    return i < 0 ? -1 : scope_min_role[i];
}

int auth_scope_grantable(int creator, const char *scope)
{
    int min = auth_scope_min_role(scope);
    if (min < 0 || (creator != AUTH_ROLE_STAFF && creator != AUTH_ROLE_ADMIN))
        return 0;
    return creator >= min;
}

int auth_scopes_grantable(int creator, const char *list, char *bad, size_t bad_size)
{
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int i = scope_index(p, n);
        if (i < 0 || !auth_scope_grantable(creator, auth_scopes[i])) {
            if (bad && bad_size)
                snprintf(bad, bad_size, "%.*s", (int)(n < 48 ? n : 48), p);
            return IOC_EPERM;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

int auth_password_policy(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    return n >= 8 && n <= 1024 && ioc_utf8_valid(pw, n) ? 0 : IOC_EINVAL;
}

int auth_password_hash(const char *pw, char **out)
{
    ensure_sodium();
    char *h = malloc(crypto_pwhash_STRBYTES);
    if (!h)
        return IOC_ENOMEM;
    if (crypto_pwhash_str(h, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        free(h);
        return IOC_ENOMEM;
    }
    *out = h;
    return 0;
}

int auth_password_verify(const char *hash, const char *pw)
{
    ensure_sodium();
    if (!hash || strncmp(hash, "$argon2", 7) != 0)
        return IOC_EINVAL;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : IOC_EPERM;
}

void auth_password_generate(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    ensure_sodium();
    for (size_t i = 0; i + 1 < n; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    if (n)
        out[n - 1] = '\0';
}

void auth_token_new(char out[65])
{
    ensure_sodium();
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    ioc_hex(b, sizeof b, out);
    sodium_memzero(b, sizeof b);
}

void auth_token_hash(const char *token, char out[65])
{
    ensure_sodium();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    ioc_hex(h, sizeof h, out);
}

void auth_apikey_new(char key[64], char prefix[16])
{
    ensure_sodium();
    unsigned char p[4], s[20];
    char ph[9], sh[41];
    randombytes_buf(p, sizeof p);
    randombytes_buf(s, sizeof s);
    ioc_hex(p, sizeof p, ph);
    ioc_hex(s, sizeof s, sh);
    snprintf(key, 64, "ioc_%s_%s", ph, sh);
    snprintf(prefix, 16, "%s", ph);
    sodium_memzero(s, sizeof s);
    sodium_memzero(sh, sizeof sh);
}

/* ---- resolving callers ------------------------------------------------------------------ */

static void fill_user(struct auth_principal *p, const struct store_user *u)
{
    memset(p, 0, sizeof *p);
    p->kind = AUTH_USER;
    p->role = auth_role_parse(u->role);
    if (p->role < 0)
        p->role = AUTH_ROLE_NONE;
    p->user_id = u->id;
    p->agency_id = u->agency_id;
    snprintf(p->name, sizeof p->name, "%s", u->username);
    snprintf(p->display_name, sizeof p->display_name, "%s", u->display_name);
    snprintf(p->agency_code, sizeof p->agency_code, "%s", u->agency_code ? u->agency_code : "");
}

int auth_session_resolve(struct store_conn *c, const char *token, int64_t now_ms,
                         struct auth_principal *p)
{
    char hash[65];
    auth_token_hash(token, hash);
    struct store_session s = {0};
    int rc = store_session_get(c, hash, now_ms, &s);
    if (rc)
        return IOC_ENOTFOUND;
    struct store_user u = {0};
    rc = store_user_get_by_id(c, s.user_id, &u);
    if (rc == 0 && auth_user_active(&u)) {
        fill_user(p, &u);
        snprintf(p->csrf, sizeof p->csrf, "%s", s.csrf_token);
        p->session_id = s.id;
        p->session_expires_ms = s.expires_ms;
        p->session_seen_ms = s.last_seen_ms;
    } else {
        rc = IOC_ENOTFOUND;
    }
    store_user_clear(&u);
    store_session_clear(&s);
    return rc;
}

int auth_key_resolve(struct store_conn *c, const char *key, struct auth_principal *p)
{
    if (!key || strncmp(key, "ioc_", 4) != 0 || strlen(key) > 100)
        return IOC_ENOTFOUND;
    char hash[65];
    auth_token_hash(key, hash);
    struct store_apikey k = {0};
    if (store_apikey_get_by_hash(c, hash, &k) != 0)
        return IOC_ENOTFOUND;
    if (k.agency_disabled) { /* a disabled agency's keys are refused until it is enabled */
        store_apikey_clear(&k);
        return IOC_ENOTFOUND;
    }
    memset(p, 0, sizeof *p);
    p->kind = AUTH_KEY;
    p->role = AUTH_ROLE_NONE;
    p->key_id = k.id;
    p->agency_id = k.agency_id;
    snprintf(p->name, sizeof p->name, "key:%s", k.prefix);
    snprintf(p->display_name, sizeof p->display_name, "%s", k.name);
    snprintf(p->agency_code, sizeof p->agency_code, "%s", k.agency_code);
    snprintf(p->scopes, sizeof p->scopes, "%s", k.scopes);
    /* only admins and staff make keys; anything else (an old or damaged row) counts as staff */
    p->key_creator = k.created_by_role && strcmp(k.created_by_role, "admin") == 0 ? AUTH_ROLE_ADMIN
                                                                                  : AUTH_ROLE_STAFF;
    store_apikey_clear(&k);
    return 0;
}

/* A valid argon2id hash of a password nobody knows, verified when the username is unknown so
 * that unknown and known users take the same time. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[65];
    auth_token_new(pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* verify then fails fast; only when memory ran out */
}

int auth_login_check(struct store_conn *c, struct auth_login *l)
{
    pthread_once(&dummy_once, make_dummy);
    struct store_user u = {0};
    l->found = store_user_get(c, l->username, &u) == 0;
    int ok = auth_password_verify(l->found ? u.password_hash : dummy_hash, l->password) == 0;
    int active = l->found && auth_user_active(&u);
    l->rc = l->found && ok && active ? 0 : IOC_EPERM;
    l->why = l->rc == 0   ? ""
             : !l->found  ? "unknown user"
             : u.disabled ? "disabled"
             : !active    ? "agency disabled"
                          : "wrong password";
    if (l->found) {
        l->user_id = u.id;
        l->agency_id = u.agency_id;
        snprintf(l->role, sizeof l->role, "%s", u.role);
    }
    if (l->rc == 0)
        fill_user(&l->principal, &u);
    store_user_clear(&u);
    return l->rc;
}

int auth_login_job(struct store_conn *w, void *arg)
{
    struct auth_login *l = arg;
    int rc = 0;
    if (l->rc == 0) {
        /* the user may have been disabled since the check */
        struct store_user u = {0};
        if (store_user_get_by_id(w, l->user_id, &u) != 0 || !auth_user_active(&u)) {
            l->rc = IOC_EPERM;
            l->why = u.disabled ? "disabled" : "agency disabled";
        }
        store_user_clear(&u);
    }
    if (l->rc == 0) /* expired and idle sessions go at each login */
        rc = store_sessions_purge(w, l->now_ms);
    if (l->rc == 0 && rc == 0 && l->idle_ms > 0)
        rc = store_sessions_purge_idle(w, l->now_ms - l->idle_ms);
    if (l->rc == 0 && rc == 0) {
        if (l->old_token) {
            char old[65];
            auth_token_hash(l->old_token, old);
            store_session_delete(w, old); /* absent is fine */
        }
        char hash[65];
        auth_token_new(l->token);
        auth_token_hash(l->token, hash);
        auth_token_new(l->principal.csrf);
        rc = store_session_add(w, l->user_id, hash, l->principal.csrf, l->now_ms,
                               l->now_ms + l->ttl_ms, l->ip);
        l->principal.session_expires_ms = l->now_ms + l->ttl_ms;
        l->principal.session_seen_ms = l->now_ms;
        l->principal.session_idle_end_ms =
            auth_session_idle_end(l->idle_ms, l->now_ms, l->now_ms + l->ttl_ms);
    }
    struct store_audit a = {0};
    a.ts_ms = l->now_ms;
    a.actor = (char *)l->username;
    a.actor_role = l->found ? l->role : "";
    a.agency_id = l->found ? l->agency_id : 0;
    a.action = "session.create";
    char target[160];
    snprintf(target, sizeof target, "user:%s", l->username);
    a.target = target;
    a.ip = (char *)(l->ip ? l->ip : "");
    a.outcome = l->rc == 0 && rc == 0 ? "ok" : "denied";
    a.request_id = "";
    a.detail = (char *)(l->why ? l->why : "");
    if (rc == 0)
        rc = store_audit_add(w, &a);
    if (rc) /* a store failure, not a refused login: no session was made */
        memset(l->token, 0, sizeof l->token);
    return rc;
}

/* ---- permissions ------------------------------------------------------------------------ */

int auth_allowed(const struct auth_principal *p, int need, const char *key_scope)
{
    if (need == AUTH_PUBLIC)
        return 0;
    if (p->kind == AUTH_ANON)
        return IOC_ENOTFOUND;
    if (p->kind == AUTH_KEY)
        return key_scope && auth_scopes_has(p->scopes, key_scope) &&
                       auth_scope_grantable(p->key_creator, key_scope)
                   ? 0
                   : IOC_EPERM;
    int min = need == AUTH_SIGNED_IN || need == AUTH_STAFF_UP ? AUTH_ROLE_STAFF
              : need == AUTH_OPERATOR_UP                      ? AUTH_ROLE_OPERATOR
              : need == AUTH_LEADER_UP                        ? AUTH_ROLE_LEADER
                                                              : AUTH_ROLE_ADMIN;
    return p->role >= min ? 0 : IOC_EPERM;
}

int auth_agency_allowed(const struct auth_principal *p, int64_t agency_id, int write)
{
    if (p->kind == AUTH_ANON)
        return IOC_ENOTFOUND;
    if (p->kind == AUTH_USER && p->role == AUTH_ROLE_ADMIN)
        return 0;
    if (!write && p->kind == AUTH_USER &&
        (p->role == AUTH_ROLE_OPERATOR || p->role == AUTH_ROLE_LEADER))
        return 0;
    int own = agency_id > 0 && p->agency_id == agency_id;
    int bound = p->kind == AUTH_KEY || (p->kind == AUTH_USER && p->role == AUTH_ROLE_STAFF);
    return own && bound ? 0 : IOC_EPERM;
}

int auth_audit_reach(const struct auth_principal *p, int64_t *agency_id)
{
    if (p->kind == AUTH_USER && p->role == AUTH_ROLE_ADMIN) {
        *agency_id = 0;
        return 0;
    }
    if (p->kind == AUTH_ANON || p->agency_id <= 0)
        return IOC_EPERM;
    *agency_id = p->agency_id;
    return 0;
}

int auth_agency_parent(const struct auth_principal *p, const char **parent)
{
    if (p->kind == AUTH_USER && p->role == AUTH_ROLE_ADMIN)
        return 0;
    if (p->kind != AUTH_KEY || p->agency_id <= 0 || !p->agency_code[0])
        return IOC_EPERM;
    if (!*parent || !**parent) {
        *parent = p->agency_code;
        return 0;
    }
    return strcmp(*parent, p->agency_code) == 0 ? 0 : IOC_EPERM;
}
