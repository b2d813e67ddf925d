/*
 * auth — who is calling and what they may do: roles, passwords (argon2id via libsodium),
 * session and API-key tokens (random, stored only as SHA-256), scopes, the login rate limiter,
 * and the permission rules every route is checked against. No HTTP, no SQL: it reads and
 * writes through store.h.
 *
 * Secrets: a password, session token or API key is never logged, never stored in clear, and
 * compared in constant time.
 */
#ifndef IOC_AUTH_H
#define IOC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* ---- roles and scopes ------------------------------------------------------------------- */

enum auth_role {
    AUTH_ROLE_NONE = 0, /* anonymous */
    AUTH_ROLE_STAFF,    /* agency staff, bound to one agency */
    AUTH_ROLE_OPERATOR,
    AUTH_ROLE_LEADER,
    AUTH_ROLE_ADMIN
};
/* "staff", "operator", "leader", "admin"; "anonymous" for NONE. */
const char *auth_role_name(int role);
/* AUTH_ROLE_* or -1. Accepts "agency_staff" as well as "staff". */
int auth_role_parse(const char *s);

/* The scopes an API key may carry. */
extern const char *const auth_scopes[];
extern const size_t auth_scopes_count;
/* 0 if every comma-separated scope of s is known and there is at least one; IOC_EINVAL with the
 * first unknown scope copied to bad (if not NULL, bad_size bytes). */
int auth_scopes_check(const char *s, char *bad, size_t bad_size);
/* 1 if the comma-separated list has scope. */
int auth_scopes_has(const char *list, const char *scope);
/*
 * The canonical form of a comma-separated scope list: each scope once, in the order of
 * auth_scopes[], into out. IOC_EINVAL when the list is empty or has an unknown (or empty) item,
 * copied to bad as in auth_scopes_check; IOC_ETOOBIG when out is too small.
 */
int auth_scopes_normalize(const char *s, char *out, size_t out_size, char *bad, size_t bad_size);

/*
 * What a key may carry. A key never carries more than its creator may do as a signed-in user:
 * each scope has the least role that may exercise it (read:audit, write:agencies, write:units:
 * admin; read:agencies and the agency-owned telemetry, reports, indicators and datasets scopes:
 * staff; read:units: anyone). Only staff (for their own agency) and admins make keys, so only
 * they can grant anything.
 */
/* The least role for scope (AUTH_ROLE_NONE for a public one), or -1 for an unknown scope. */
int auth_scope_min_role(const char *scope);
/* 1 if a user of role creator may put scope on a key, else 0. */
int auth_scope_grantable(int creator, const char *scope);
/* 0 if creator may grant every scope of the comma-separated list; IOC_EPERM with the first one
 * it may not copied to bad (if not NULL, bad_size bytes). */
int auth_scopes_grantable(int creator, const char *list, char *bad, size_t bad_size);

/* ---- account rules, shared by the API and iocctl (accounts.c) ---------------------------- */

/* The syntax of an agency code or a username: 1 to 64 ASCII letters, digits, '-', '_' or '.'.
 * 1 if s has it. */
int auth_code_ok(const char *s);

/*
 * An agency about to be created: name is trimmed in place and must pass ioc_text_label (at most
 * 300 bytes); unit_code, when not NULL and not empty, must name a unit in force today
 * (Asia/Ho_Chi_Minh). 0, or IOC_EINVAL with *field set to "name" or "unit_code"; other codes
 * are store failures.
 */
int auth_agency_check(struct store_conn *c, char *name, const char *unit_code, const char **field);

/*
 * Whether role (AUTH_ROLE_*) may be bound to agency_code (NULL or "" for none): staff need an
 * agency; any role may carry one (for staff it is what they act for; for the others it only
 * says where they work and grants nothing). When check_agency is 1 a given agency must exist
 * and not be disabled (with check_agency 0, c is not used and may be NULL: callers check early,
 * before a password is hashed, and again in the write job). 0, or IOC_EINVAL with a sentence in
 * why (why_size bytes; the field is always "agency_code"); other codes are store failures.
 */
int auth_user_agency_check(struct store_conn *c, int role, const char *agency_code,
                           int check_agency, char *why, size_t why_size);

/* 1 if the user may sign in and use a session: not disabled, and not staff of a disabled
 * agency. */
int auth_user_active(const struct store_user *u);

/*
 * A change of one agency, made by auth_agency_change_job as one store job: it reads the agency,
 * checks the change (the rules of auth_agency_check for the name and a new unit; a parent that
 * exists and is not the agency or one below it), writes it, ends the sessions of its staff when
 * it becomes disabled, and writes one audit row whose detail holds the changed fields before and
 * after. Nothing changed: no write, no audit row, *changed = 0. The code never changes.
 *
 * Returns 0; IOC_ENOTFOUND (no such agency); IOC_EINVAL with field and why set; other codes are
 * store failures. Any error undoes the whole job. Audit action: "agency.disable" or
 * "agency.enable" when only disabled changed, else "agency.update"; target "agency:CODE".
 */
struct auth_agency_change {
    /* in */
    const char *code;
    const char *name;        /* NULL: unchanged */
    const char *parent_code; /* NULL: unchanged; "": a root agency */
    const char *unit_code;   /* NULL: unchanged; "": bound to no unit */
    int disabled;            /* -1: unchanged; 0 or 1 */
    struct store_audit who;  /* actor, actor_role, agency_id, ip, request_id of the audit row */
    /* out */
    const char *field; /* with IOC_EINVAL: the refused field */
    char why[200];     /* with IOC_EINVAL: a sentence saying why */
    int changed;
};
int auth_agency_change_job(struct store_conn *w, void *change /* struct auth_agency_change * */);

/*
 * A change of one user, made by auth_user_change_job as one store job, like the agency change:
 * display_name passes ioc_text_label (200 bytes); role is one auth_role_parse accepts; the
 * result passes auth_user_agency_check (a new agency must exist and be enabled); disabling ends
 * the user's sessions. Two refusals keep the province administrable, both IOC_EPERM with
 * *conflict set: "self" when actor_user_id is this user and the change would disable them or take
 * their admin role; "last_admin" when it would leave no enabled admin.
 *
 * Audit action: "user.disable" or "user.enable" when only disabled changed, else "user.update";
 * target "user:NAME"; the detail never holds a password or its hash.
 */
struct auth_user_change {
    /* in */
    const char *username;
    const char *display_name; /* NULL: unchanged */
    const char *role;         /* NULL: unchanged */
    const char *agency_code;  /* NULL: unchanged; "": none */
    int disabled;             /* -1: unchanged; 0 or 1 */
    int64_t actor_user_id;    /* the user making the change; 0 for iocctl */
    struct store_audit who;
    /* out */
    const char *field;    /* with IOC_EINVAL: the refused field */
    char why[200];        /* with IOC_EINVAL or IOC_EPERM: a sentence saying why */
    const char *conflict; /* with IOC_EPERM: "self" or "last_admin" */
    int changed;
};
int auth_user_change_job(struct store_conn *w, void *change /* struct auth_user_change * */);

/* ---- creation of agencies, users and API keys (create.c) --------------------------------- */

/*
 * Each creation is one store job (auth_*_create_job) that checks every rule against what is
 * stored now, writes the row and its audit row (from who: actor, actor_role, agency_id, ip,
 * request_id), so either both are stored or neither. A refusal names the field and says why:
 * IOC_EINVAL (or IOC_EPERM, IOC_EEXIST as said) with field and why set; other codes are store
 * failures. The check functions run the same rules early (c NULL: only those that need no
 * store), so a caller can refuse before it queues a job or hashes a password.
 */

/*
 * A new agency: code passes auth_code_ok; name is trimmed and passes ioc_text_label (300
 * bytes); unit_code, when given, names a unit in force today; the parent is allowed to the maker
 * (auth_agency_parent: a key only under its own agency, which a missing parent becomes; IOC_EPERM
 * with field "parent_code") and exists. A taken code: IOC_EEXIST (field "code").
 * Audit action "agency.create", target "agency:CODE".
 */
struct auth_agency_new {
    /* in */
    const char *code;
    const char *name;
    const char *parent_code;         /* NULL or "": a root agency (a key: its own agency) */
    const char *unit_code;           /* NULL or "": bound to no unit */
    const struct auth_principal *by; /* the maker; NULL: iocctl, acting as an admin */
    struct store_audit who;
    /* out */
    const char *field; /* the refused field */
    char why[200];     /* a sentence saying why */
};
int auth_agency_new_check(struct store_conn *c, struct auth_agency_new *n);
int auth_agency_create_job(struct store_conn *w, void *agency /* struct auth_agency_new * */);

/*
 * A new user: display_name (the username when NULL) is trimmed and passes ioc_text_label (200
 * bytes); username passes auth_code_ok; role is one auth_role_parse accepts (stored by its
 * canonical name); the agency passes auth_user_agency_check (staff need one; with a store it
 * must exist and be enabled); password, when not NULL, passes auth_password_policy. The job
 * needs password_hash (auth_password_hash of the password: slow, so made before the job, off
 * the writer). A taken username: IOC_EEXIST (field "username"). Audit action "user.create",
 * target "user:NAME", detail the role; never the password or its hash.
 */
struct auth_user_new {
    /* in */
    const char *username;
    const char *display_name; /* NULL: the username */
    const char *role;
    const char *agency_code;   /* NULL or "": none */
    const char *password;      /* checked when not NULL */
    const char *password_hash; /* required by the job */
    struct store_audit who;
    /* out */
    const char *field;
    char why[200];
    int role_id; /* AUTH_ROLE_* once role passed */
};
int auth_user_new_check(struct store_conn *c, struct auth_user_new *n);
int auth_user_create_job(struct store_conn *w, void *user /* struct auth_user_new * */);

/*
 * A new API key: scopes is a comma-separated list of known scopes (IOC_EINVAL, field "scopes",
 * the first unknown one in bad), stored in canonical form (auth_scopes_normalize); name, when
 * not NULL or "", passes ioc_text_label (200 bytes); creator (the maker's role) is admin or staff
 * and may grant every scope (auth_scopes_grantable: IOC_EPERM, field "scopes", the first scope
 * it may not grant in bad); the agency exists. The job mints the key and stores only its hash.
 * Audit action "key.create", target "key:PREFIX", detail the canonical scopes.
 */
struct auth_key_new {
    /* in */
    const char *agency_code;
    const char *scopes;
    const char *name; /* NULL or "": none */
    int creator;      /* AUTH_ROLE_ADMIN or AUTH_ROLE_STAFF */
    struct store_audit who;
    /* out */
    const char *field;
    char why[200];
    char bad[64];    /* with field "scopes": the refused scope ("" for an empty one) */
    char canon[512]; /* the scopes in canonical form */
    char key[64];    /* the new key, to show once; clear it after */
    char prefix[16];
    int64_t id;
};
int auth_key_new_check(struct store_conn *c, struct auth_key_new *n);
int auth_key_create_job(struct store_conn *w, void *key /* struct auth_key_new * */);

/* ---- passwords and tokens --------------------------------------------------------------- */

/* At least 8 bytes, at most 1024, valid UTF-8. IOC_EINVAL otherwise. */
int auth_password_policy(const char *pw);
/* argon2id string (crypto_pwhash_str, interactive limits) into a malloc'd *out. */
int auth_password_hash(const char *pw, char **out);
/* 0 when pw matches hash, IOC_EPERM when not, IOC_EINVAL for a malformed hash. */
int auth_password_verify(const char *hash, const char *pw);

/* A random password of n - 1 characters (n <= 64) from an alphabet without look-alikes. */
void auth_password_generate(char *out, size_t n);
/* 32 random bytes as 64 hex chars + NUL. */
void auth_token_new(char out[65]);
/* hex SHA-256 of a token or key, 64 chars + NUL. */
void auth_token_hash(const char *token, char out[65]);
/* A new API key "ioc_<prefix>_<secret>" (prefix 8 hex, secret 40 hex) and its prefix. */
void auth_apikey_new(char key[64], char prefix[16]);

/* ---- who is calling --------------------------------------------------------------------- */

enum auth_kind { AUTH_ANON = 0, AUTH_USER, AUTH_KEY };

struct auth_principal {
    int kind;          /* AUTH_ANON | AUTH_USER | AUTH_KEY */
    int role;          /* AUTH_ROLE_*; keys have AUTH_ROLE_NONE */
    int64_t user_id;   /* AUTH_USER */
    int64_t key_id;    /* AUTH_KEY */
    int64_t agency_id; /* 0 when none */
    char name[128];    /* username, or "key:<prefix>" */
    char display_name[128];
    char agency_code[64];
    char scopes[512]; /* AUTH_KEY: comma-separated */
    int key_creator;  /* AUTH_KEY: the role of the user who made it (staff when unknown) */
    char csrf[65];    /* AUTH_USER: the session's CSRF token */
    /* AUTH_USER: the session (auth_session_resolve; seen and idle end updated by
     * auth_session_use) */
    int64_t session_id;
    int64_t session_expires_ms;  /* absolute end: login + auth.session_ttl_s */
    int64_t session_seen_ms;     /* last recorded use */
    int64_t session_idle_end_ms; /* when it ends if unused from now on; 0: no idle timeout */
};

/* Resolves a session cookie token. IOC_ENOTFOUND for an unknown or expired session or a
 * disabled user. It does not judge idleness: auth_session_use does, with the same principal. */
int auth_session_resolve(struct store_conn *c, const char *token, int64_t now_ms,
                         struct auth_principal *p);
/* Resolves an API key ("Bearer KEY" or "Token KEY" value). IOC_ENOTFOUND if unknown/revoked. */
int auth_key_resolve(struct store_conn *c, const char *key, struct auth_principal *p);

/*
 * A login, in two steps, so that neither the event loops nor the storage writer spend the tens
 * of milliseconds argon2id takes:
 *   1. auth_login_check, on a worker thread with its own read connection: looks the user up and
 *      checks the password (the same work whether or not the user exists). Sets rc: 0 or
 *      IOC_EPERM (bad name, bad password, disabled user).
 *   2. auth_login_job, as a writer job: if the check passed and the user is still enabled,
 *      deletes old_token's session (rotation) and expired sessions, creates the new session
 *      (token, principal); in every case writes the audit row (never the password). A refused
 *      login still commits (the job returns 0; rc says IOC_EPERM).
 */
struct auth_login {
    /* in */
    const char *username;
    const char *password;
    const char *old_token; /* may be NULL */
    const char *ip;
    int64_t now_ms;
    int64_t ttl_ms;
    int64_t idle_ms; /* auth.session_idle_s in ms; 0: no idle timeout (idle sessions are
                        purged at each login too) */
    /* out */
    int rc;
    char token[65];
    struct auth_principal principal;
    /* private, between the two steps */
    int found;
    int64_t user_id;
    char role[16];
    int64_t agency_id;
    const char *why;
};
int auth_login_check(struct store_conn *c, struct auth_login *l);
int auth_login_job(struct store_conn *w, void *login /* struct auth_login * */);

/* ---- session lifetime: absolute and idle (session.c) ----------------------------------- */

/*
 * A session ends at the earlier of two times: its absolute end (login + auth.session_ttl_s) and
 * idle_ms after its last recorded use (auth.session_idle_s; 0: never idle). An idle session is
 * refused as an unknown one (401) and deleted, with an audit row "session.expire".
 *
 * Uses are recorded without a writer job per request: a use is written (a "touch") only when
 * the recorded one is at least auth_session_touch_every_ms(idle_ms) old, and a bounded table
 * remembers the touches in flight so that concurrent requests of one session queue one job.
 * So a session may end up to that interval sooner than idle_ms after its very last request.
 */
enum auth_session_state {
    AUTH_SESSION_LIVE = 0, /* in use; nothing to write */
    AUTH_SESSION_TOUCH,    /* in use; its last use should be recorded */
    AUTH_SESSION_IDLE      /* unused for idle_ms or more: it has ended */
};
/* The interval between recorded uses: a tenth of idle_ms, at most 60 s (0 when idle_ms is 0). */
int64_t auth_session_touch_every_ms(int64_t idle_ms);
/* The rule, for a session whose last recorded use is seen_ms: AUTH_SESSION_*. */
int auth_session_state(int64_t idle_ms, int64_t seen_ms, int64_t now_ms);
/* When a session ends if unused from seen_ms on: min(seen_ms + idle_ms, expires_ms); 0 when
 * idle_ms is 0 (no idle timeout). */
int64_t auth_session_idle_end(int64_t idle_ms, int64_t seen_ms, int64_t expires_ms);

/* The idle rule of one server and its table of touches in flight (thread-safe, bounded: a
 * fixed number of slots; a collision costs at most one extra touch). */
struct auth_sessions;
int auth_sessions_create(int64_t idle_ms, struct auth_sessions **out);
void auth_sessions_destroy(struct auth_sessions *s);
/*
 * Applies the rule to a principal just resolved from a cookie (any other kind is left alone:
 * 0). Live: 0, with p->session_idle_end_ms set; when a touch is due it is queued on st's writer
 * (best effort: a full queue is retried by a later request) and p->session_seen_ms becomes
 * now_ms. Idle: queues the deletion and its audit row (ip: the caller's address), clears *p to
 * anonymous and returns IOC_ENOTFOUND. Never waits on the writer; safe on an event loop.
 */
int auth_session_use(struct auth_sessions *s, struct store *st, struct auth_principal *p,
                     int64_t now_ms, const char *ip);
/* The writer jobs auth_session_use queues (exposed for tests): arg is a struct
 * auth_session_job. touch records a use; end deletes the session if it is still idle and, when
 * it did, writes the audit row. */
struct auth_session_job {
    int64_t session_id;
    int64_t user_id;
    int64_t agency_id;
    int64_t now_ms;  /* touch: the use; end: when it was found idle */
    int64_t idle_ms; /* end: the timeout applied */
    char username[128];
    char role[16];
    char ip[64];
};
int auth_session_touch_job(struct store_conn *w, void *job);
int auth_session_end_job(struct store_conn *w, void *job);

/* ---- the login rate limiter -------------------------------------------------------------- */

/*
 * Password guesses (logins and changes of one's own password), counted in fixed windows per
 * (username, client address) — at most max_failures — and per client address — at most
 * 10 × max_failures. A caller who guesses wrong locks only themselves (that name from that
 * address); others keep signing in. Thread-safe; bounded memory.
 *
 * An attempt is counted before the password is checked: auth_limiter_begin reserves it, or
 * refuses (IOC_EBUSY, *retry_after_s set) when the failures plus the attempts in flight reach a
 * limit, so parallel guesses cannot pass together. Each 0 from begin must be followed by exactly
 * one auth_limiter_end with the outcome. db (the caller's read connection, may be NULL) is read
 * only when the (username, address) key is locked, to look for an unlock mark.
 */
enum auth_attempt {
    AUTH_ATTEMPT_FAILED = 1, /* wrong password: counts as a failure */
    AUTH_ATTEMPT_OK,         /* right password: clears the (username, address) counter */
    AUTH_ATTEMPT_RELEASED    /* not decided (server busy, error): the reservation is dropped */
};
struct auth_limiter;
int auth_limiter_create(int max_failures, int window_s, struct auth_limiter **out);
void auth_limiter_destroy(struct auth_limiter *l);
int auth_limiter_begin(struct auth_limiter *l, struct store_conn *db, const char *ip,
                       const char *username, int64_t now_ms, int *retry_after_s);
void auth_limiter_end(struct auth_limiter *l, const char *ip, const char *username, int64_t now_ms,
                      int outcome);
/*
 * A store job (iocctl user unlock): lifts every lock of username made up to now_ms, in every
 * running iocd, by writing the unlock mark the limiter reads. IOC_ENOTFOUND for no such user.
 * The caller writes the audit row in the same transaction.
 */
int auth_user_unlock(struct store_conn *w, const char *username, int64_t now_ms);

/* ---- permissions ------------------------------------------------------------------------ */

/*
 * What a route requires. A route names one of these; auth_allowed() decides.
 *   AUTH_PUBLIC        anyone
 *   AUTH_SIGNED_IN     any user or any valid key
 *   AUTH_STAFF_UP      any user (staff and up); keys refused
 *   AUTH_OPERATOR_UP   operator, leader, admin
 *   AUTH_LEADER_UP     leader, admin
 *   AUTH_ADMIN         admin only
 * plus, for keys, a scope: a key is allowed where scope is non-NULL and it carries it.
 */
enum auth_need {
    AUTH_PUBLIC = 0,
    AUTH_SIGNED_IN,
    AUTH_STAFF_UP,
    AUTH_OPERATOR_UP,
    AUTH_LEADER_UP,
    AUTH_ADMIN
};
/* 0 allowed; IOC_EPERM forbidden (403); IOC_ENOTFOUND not signed in (401). */
int auth_allowed(const struct auth_principal *p, int need, const char *key_scope);
/*
 * A key is admitted where it carries key_scope AND its creator could grant that scope
 * (auth_scope_grantable(key_creator, scope)): a key made before creators were checked, or
 * whose creator was unknown, gets nothing beyond what staff may do.
 */

/*
 * Reach of the audit log: *agency_id = 0 (every agency) for admins; the caller's own agency for
 * anyone else (a key with read:audit sees only the rows of its agency). IOC_EPERM for a caller
 * who is not an admin and has no agency.
 */
int auth_audit_reach(const struct auth_principal *p, int64_t *agency_id);
/*
 * The parent of an agency p creates: admins any (*parent unchanged); a key only under its own
 * agency (a NULL or empty *parent becomes the key's agency code; another one is IOC_EPERM).
 * Anyone else: IOC_EPERM.
 */
int auth_agency_parent(const struct auth_principal *p, const char **parent);

/*
 * Agency rule, for data that belongs to one agency (its keys, reports, indicator values,
 * datasets), checked after auth_allowed. agency_id is the owning agency (> 0).
 *   read  (write = 0): admin, operator and leader read every agency; staff and keys only their
 *                      own.
 *   write (write = 1): admin any agency; staff and keys only their own; operators and leaders
 *                      none (they watch and steer, the agency acts).
 * 0 allowed; IOC_EPERM forbidden; IOC_ENOTFOUND for an anonymous caller.
 */
int auth_agency_allowed(const struct auth_principal *p, int64_t agency_id, int write);
#endif
