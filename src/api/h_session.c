/*
 * h_session.c — logging in and out with a session cookie, and changing one's own password.
 *
 * Login: each guess is reserved with the login limiter (auth.h) before the password is checked
 * (429 with Retry-After when the (username, address) or the address limit is reached, counting
 * the guesses in flight); the password is checked on the API's hashing worker (argon2id is slow
 * on purpose), then one writer job rotates the session (the cookie's old session, if any, is
 * deleted) and writes the audit row. The cookie is HttpOnly and SameSite=Strict; the CSRF token
 * returned in the body must accompany every cookie-authenticated write (X-CSRF-Token).
 *
 * Changing one's own password goes through the same limiter: a wrong current_password is a
 * failed guess of that user's password from that address.
 *
 * Invariant: a reserved guess (struct guess) is settled exactly once: by the answer (failure or
 * success), or, when the request ends any other way (503, error), released when it is freed.
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

API_OPENAPI_FRAGMENT(api_openapi_session, "src/api/openapi/session.json");

static json_t *user_json(struct api_ctx *c, const struct auth_principal *p)
{
    json_t *agency = json_null();
    if (p->agency_code[0]) {
        struct store_agency a = {0};
        if (store_agency_get(c->t->db, p->agency_code, &a) == 0) {
            agency = json_pack("{s:s, s:s}", "code", a.code, "name", a.name);
            store_agency_clear(&a);
        } else {
            agency = json_pack("{s:s, s:s}", "code", p->agency_code, "name", "");
        }
    }
    return json_pack("{s:s, s:s, s:s, s:o}", "username", p->name, "display_name", p->display_name,
                     "role", auth_role_name(p->role), "agency", agency);
}

/* The session's answer: user, CSRF token, expires_at (the absolute end) and idle_expires_at
 * (when it ends if unused from now on; null without an idle timeout), both RFC 3339. */
static json_t *session_json(struct api_ctx *c, const struct auth_principal *p)
{
    char expires[32], idle[32];
    ioc_time_rfc3339(p->session_expires_ms, expires);
    if (p->session_idle_end_ms)
        ioc_time_rfc3339(p->session_idle_end_ms, idle);
    return json_pack("{s:o, s:s, s:s, s:o}", "user", user_json(c, p), "csrf_token", p->csrf,
                     "expires_at", expires, "idle_expires_at",
                     p->session_idle_end_ms ? json_string(idle) : json_null());
}

static void set_cookie(struct api_ctx *c, const char *token, int max_age)
{
    char v[256];
    snprintf(v, sizeof v, "ioc_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
             max_age, c->api->cfg->cookie_secure ? "; Secure" : "");
    net_res_header(c->req, "set-cookie", v);
}

static const char *cookie_token(struct api_ctx *c)
{
    size_t n;
    const char *h = net_req_header(c->req, "cookie", &n);
    if (!h)
        return NULL;
    const char *p = h, *end = h + n;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ';'))
            p++;
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        if ((size_t)(e - p) > 12 && memcmp(p, "ioc_session=", 12) == 0 && e - p - 12 <= 128)
            return net_req_strdup(c->req, p + 12, (size_t)(e - p - 12));
        p = e;
    }
    return NULL;
}

/* One guess of a user's password, reserved with the limiter. Lives in the request's pool. */
struct guess {
    struct auth_limiter *limiter;
    char ip[64];
    char user[128];
    int settled;
};

static void guess_settle(struct guess *g, int outcome)
{
    if (g && !g->settled) {
        g->settled = 1;
        auth_limiter_end(g->limiter, g->ip, g->user, ioc_now_ms(), outcome);
    }
}

static void guess_release(void *arg)
{
    guess_settle(arg, AUTH_ATTEMPT_RELEASED);
}

/* Reserves a guess of user's password from the caller's address: the guess, or NULL after
 * answering 429 (and auditing the refusal as action on target). */
static struct guess *guess_begin(struct api_ctx *c, const char *user, const char *action,
                                 const char *target)
{
    struct api *a = c->api;
    const char *ip = net_req_peer(c->req);
    int64_t now = ioc_now_ms();
    int retry = 0;
    if (auth_limiter_begin(a->limiter, c->t->db, ip, user, now, &retry) != 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", retry);
        net_res_header(c->req, "retry-after", v);
        if (c->who.kind == AUTH_ANON)
            api_audit_refused(c, action, target, "rate limited", NULL);
        else
            api_audit_async(c, action, target, "denied", "rate limited");
        api_error(c, IOC_HTTP_E_RATE_LIMITED, "Too many wrong passwords; try again in %d s.",
                  retry);
        return NULL;
    }
    struct guess *g = net_req_alloc(c->req, sizeof *g);
    if (!g) { /* out of memory: give the reservation back at once */
        auth_limiter_end(a->limiter, ip, user, now, AUTH_ATTEMPT_RELEASED);
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return NULL;
    }
    g->limiter = a->limiter;
    snprintf(g->ip, sizeof g->ip, "%s", ip);
    snprintf(g->user, sizeof g->user, "%s", user);
    net_req_on_free(c->req, guess_release, g);
    return g;
}

/* A login in flight: the auth step's state and the guess it spends. l comes first, so the
 * writer job (which sees a struct auth_login *) and login_done share one pointer. */
struct login {
    struct auth_login l;
    struct guess *guess;
};

static void login_done(struct api_ctx *c, void *arg, int rc)
{
    struct auth_login *l = arg;
    struct guess *g = ((struct login *)arg)->guess;
    if (rc == 0)
        rc = l->rc;
    if (rc == IOC_EPERM) {
        guess_settle(g, AUTH_ATTEMPT_FAILED);
        api_error(c, IOC_HTTP_E_BAD_CREDENTIALS, "Wrong username or password.");
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "login");
        return;
    }
    guess_settle(g, AUTH_ATTEMPT_OK);
    set_cookie(c, l->token, c->api->cfg->session_ttl_s);
    api_json(c, 200, session_json(c, &l->principal));
}

static void login_check(struct store_conn *db, void *arg)
{
    auth_login_check(db, arg);
}

static void login_commit(struct api_ctx *c, void *arg)
{
    api_write(c, auth_login_job, arg, login_done);
}

static void h_session_create(struct api_ctx *c)
{
    const char *user = api_body_str(c, "username", 1, 64);
    if (!user)
        return;
    const char *pw = api_body_str(c, "password", 1, 1024);
    if (!pw)
        return;
    struct guess *g = guess_begin(c, user, "session.create", user);
    if (!g)
        return;
    struct login *in = net_req_alloc(c->req, sizeof *in);
    if (!in) {
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    in->guess = g;
    struct auth_login *l = &in->l;
    l->username = user;
    l->password = pw;
    l->old_token = cookie_token(c);
    l->ip = net_req_peer(c->req);
    l->now_ms = ioc_now_ms();
    l->ttl_ms = (int64_t)c->api->cfg->session_ttl_s * 1000;
    l->idle_ms = (int64_t)c->api->cfg->session_idle_s * 1000;
    api_offload(c, login_check, l, login_commit);
}

static void h_session_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    api_json(c, 200, session_json(c, &c->who));
}

struct logout {
    struct api_ctx *c;
    char hash[65];
};

static int logout_job(struct store_conn *w, void *arg)
{
    struct logout *l = arg;
    int rc = store_session_delete(w, l->hash);
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    struct store_audit a;
    api_audit_fill(l->c, &a, "session.delete", l->c->who.name, "ok");
    return store_audit_add(w, &a);
}

static void logout_done(struct api_ctx *c, void *arg, int rc)
{
    (void)arg;
    if (rc) {
        api_error_rc(c, rc, "logout");
        return;
    }
    set_cookie(c, "", 0);
    net_res_send(c->req, 204, NULL, "", 0);
}

static void h_session_delete(struct api_ctx *c)
{
    const char *tok = cookie_token(c);
    if (!tok || !c->via_cookie) {
        api_error(c, IOC_HTTP_E_NO_SESSION, "This request carries no session cookie.");
        return;
    }
    struct logout *l = net_req_alloc(c->req, sizeof *l);
    l->c = c;
    auth_token_hash(tok, l->hash);
    api_write(c, logout_job, l, logout_done);
}

struct passwd {
    struct api_ctx *c;
    const char *username;
    const char *current; /* NULL when an admin sets another user's password */
    const char *next;
    char *hash; /* of next, made on the worker; freed with the request */
    int rc;
    struct guess *guess; /* of the current password; NULL for an admin's reset */
};

/* On the worker: check the current password (when given) and hash the new one. */
static void passwd_check(struct store_conn *db, void *arg)
{
    struct passwd *p = arg;
    struct store_user u = {0};
    p->rc = store_user_get(db, p->username, &u);
    if (p->rc == 0 && p->current && auth_password_verify(u.password_hash, p->current) != 0)
        p->rc = IOC_EPERM;
    if (p->rc == 0)
        p->rc = auth_password_hash(p->next, &p->hash);
    store_user_clear(&u);
}

static int passwd_job(struct store_conn *w, void *arg)
{
    struct passwd *p = arg;
    struct store_user u = {0};
    int rc = p->rc;
    if (rc == 0)
        rc = store_user_get(w, p->username, &u);
    if (rc == 0)
        rc = store_user_set_password(w, p->username, p->hash);
    if (rc == 0)
        rc = store_sessions_delete_user(w, u.id);
    store_user_clear(&u);
    p->rc = rc;
    struct store_audit a;
    char target[160];
    snprintf(target, sizeof target, "user:%s", p->username);
    api_audit_fill(p->c, &a, p->current ? "session.password" : "user.password", target,
                   rc == 0           ? "ok"
                   : rc == IOC_EPERM ? "denied"
                                     : "error");
    int arc = store_audit_add(w, &a);
    /* A refused change still leaves its audit row: the job succeeds, p->rc tells the outcome. */
    return rc == 0 || rc == IOC_EPERM || rc == IOC_ENOTFOUND ? arc : rc;
}

static void passwd_done(struct api_ctx *c, void *arg, int rc)
{
    struct passwd *p = arg;
    if (rc == 0)
        rc = p->rc;
    if (rc == IOC_EPERM) {
        guess_settle(p->guess, AUTH_ATTEMPT_FAILED);
        api_error_field(c, "current_password", "The current password is wrong.");
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "password");
        return;
    }
    guess_settle(p->guess, AUTH_ATTEMPT_OK);
    if (p->current)
        set_cookie(c, "", 0); /* every session of the user ended, this one too */
    net_res_send(c->req, 204, NULL, "", 0);
}

static void passwd_commit(struct api_ctx *c, void *arg)
{
    struct passwd *p = arg;
    if (p->hash)
        net_req_on_free(c->req, free, p->hash);
    api_write(c, passwd_job, p, passwd_done);
}

void api_passwd_start(struct api_ctx *c, const char *username, const char *current,
                      const char *next)
{
    if (auth_password_policy(next) != 0) {
        api_error_field(c, current ? "new_password" : "password",
                        "A password needs 8 to 1024 bytes.");
        return;
    }
    struct guess *g = NULL;
    char target[160];
    snprintf(target, sizeof target, "user:%s", username);
    if (current && !(g = guess_begin(c, username, "session.password", target)))
        return;
    struct passwd *p = net_req_alloc(c->req, sizeof *p);
    if (!p) {
        api_error(c, IOC_HTTP_E_INTERNAL, "out of memory");
        return;
    }
    p->guess = g;
    p->c = c;
    p->username = username;
    p->current = current;
    p->next = next;
    api_offload(c, passwd_check, p, passwd_commit);
}

static void h_session_password(struct api_ctx *c)
{
    const char *cur = api_body_str(c, "current_password", 1, 1024);
    if (!cur)
        return;
    const char *next = api_body_str(c, "new_password", 1, 1024);
    if (!next)
        return;
    api_passwd_start(c, c->who.name, cur, next);
}

/* The session module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route session_routes[] = {
    API_ROUTE("POST", "/api/v1/session", "session.create", AUTH_PUBLIC, "public", NULL, 1,
              h_session_create),
    API_ROUTE("GET", "/api/v1/session", "session.get", AUTH_STAFF_UP, "staff", NULL, 0,
              h_session_get),
    API_ROUTE("DELETE", "/api/v1/session", "session.delete", AUTH_STAFF_UP, "staff", NULL, 0,
              h_session_delete),
    API_ROUTE("PUT", "/api/v1/session/password", "session.password", AUTH_STAFF_UP, "staff", NULL,
              1, h_session_password),
};

const struct api_module api_module_session =
    API_MODULE("session", session_routes, api_openapi_session);
