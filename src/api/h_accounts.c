/*
 * h_accounts.c — agencies, users and API keys.
 *
 * Rules beyond the route table: API keys belong to an agency; staff list, create and revoke only
 * their own agency's keys, admins any; operators and leaders do not manage keys. A new key is
 * shown once, in the answer that created it; only its hash is stored.
 *
 * Creations (POST) and changes (PATCH) of agencies, users and keys only parse the body here and
 * render the answer: the rules, the write and the audit row are one job of src/auth (create.c:
 * auth_agency_create_job, auth_user_create_job, auth_key_create_job; accounts.c:
 * auth_agency_change_job, auth_user_change_job), shared with iocctl; a refusal names its field
 * and says why. A PATCH names only the fields it changes; "disabled" is one of them.
 */
#include "api/api_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

API_OPENAPI_FRAGMENT(api_openapi_accounts, "src/api/openapi/accounts.json");

/* An optional string field: 0 with *out (NULL when absent or null), or -1 after answering 422
 * (not a string, too long, not text). */
static int opt_str(struct api_ctx *c, const char *field, size_t max, const char **out)
{
    *out = api_body_str(c, field, 0, max);
    json_t *v = json_object_get(c->body, field);
    return !*out && v && !json_is_null(v) ? -1 : 0;
}

/* A PATCH body field: 0 with *out NULL when absent, "" when null, the (NFC) string otherwise;
 * -1 after answering 422 (not a string, too long). */
static int patch_str(struct api_ctx *c, const char *field, size_t max, const char **out)
{
    json_t *v = json_object_get(c->body, field);
    *out = !v ? NULL : json_is_null(v) ? "" : api_body_str(c, field, 0, max);
    return v && !*out ? -1 : 0;
}

/* The "disabled" field of a PATCH body: -1 when absent, 0 or 1; -2 after answering 422. */
static int patch_disabled(struct api_ctx *c)
{
    json_t *v = json_object_get(c->body, "disabled");
    if (!v)
        return -1;
    if (!json_is_boolean(v)) {
        api_error_field(c, "disabled", "'disabled' must be true or false.");
        return -2;
    }
    return json_is_true(v) ? 1 : 0;
}

/* Refuses (422 naming it) a body field that is not in known: a typo must not pass for a change
 * that was made. fixed is a field that exists but never changes; list names the known fields
 * for the message. 0 when every field is known. */
static int patch_fields(struct api_ctx *c, const char *const *known, const char *fixed,
                        const char *list)
{
    const char *key;
    json_t *v;
    json_object_foreach(c->body, key, v)
    {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, key) == 0;
        if (ok)
            continue;
        if (strcmp(key, fixed) == 0)
            api_error_field(c, fixed, "'%s' cannot change.", fixed);
        else if (strcmp(key, "password") == 0)
            api_error_field(c, key, "Set a password with PUT /api/v1/users/{username}/password.");
        else
            api_error_field(c, key, "Unknown field '%.64s': a change takes %s.", key, list);
        return -1;
    }
    return 0;
}

static json_t *agency_json(const struct store_agency *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "code", a->code, "name", a->name,
                     "parent_code", a->parent_code ? a->parent_code : "", "unit_code",
                     a->unit_code ? a->unit_code : "", "disabled", a->disabled, "created_at",
                     a->created_at ? a->created_at : "");
}

static void h_agencies_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_agency *a = NULL;
    size_t n = 0;
    int rc = store_agencies_list(c->t->db, &a, &n);
    if (rc) {
        api_error_rc(c, rc, "agencies");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, agency_json(&a[i]));
    store_agencies_free(a, n);
    api_json(c, 200, json_pack("{s:i, s:o}", "count", (json_int_t)n, "agencies", arr));
}

static void h_agencies_get(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_agency a = {0};
    int rc = store_agency_get(c->t->db, c->params[0], &a);
    if (rc) {
        api_error_rc(c, rc, "agency");
        return;
    }
    api_json(c, 200, agency_json(&a));
    store_agency_clear(&a);
}

struct agency_new {
    struct api_ctx *c;
    struct auth_agency_new n;
};

static int agency_job(struct store_conn *w, void *arg)
{
    struct agency_new *a = arg;
    return auth_agency_create_job(w, &a->n);
}

static void agency_done(struct api_ctx *c, void *arg, int rc)
{
    struct agency_new *an = arg;
    const struct auth_agency_new *n = &an->n;
    if (rc == IOC_EEXIST) {
        api_error(c, IOC_HTTP_E_CONFLICT, "%s", n->why);
        return;
    }
    if (rc == IOC_EPERM && n->field) {
        char target[96];
        snprintf(target, sizeof target, "agency:%s", n->code);
        api_audit_async(c, c->route->info.name, target, "denied",
                        "parent outside the key's agency");
        api_error(c, IOC_HTTP_E_FORBIDDEN, "%s", n->why);
        return;
    }
    if (rc == IOC_EINVAL && n->field) {
        api_error_field(c, n->field, "%s", n->why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "agency");
        return;
    }
    struct store_agency a = {0};
    if (store_agency_get(c->t->db, n->code, &a) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The new agency cannot be read back.");
        return;
    }
    char loc[128];
    snprintf(loc, sizeof loc, "/api/v1/agencies/%s", n->code);
    net_res_header(c->req, "location", loc);
    api_json(c, 201, agency_json(&a));
    store_agency_clear(&a);
}

static void h_agencies_create(struct api_ctx *c)
{
    struct agency_new *a = net_req_alloc(c->req, sizeof *a);
    memset(a, 0, sizeof *a);
    a->c = c;
    struct auth_agency_new *n = &a->n;
    if (!(n->code = api_body_str(c, "code", 1, 64)) ||
        !(n->name = api_body_str(c, "name", 1, 300)) ||
        opt_str(c, "parent_code", 64, &n->parent_code) ||
        opt_str(c, "unit_code", 16, &n->unit_code))
        return;
    n->by = &c->who;
    api_audit_fill(c, &n->who, "", "", "ok");
    api_write(c, agency_job, a, agency_done);
}

struct agency_patch {
    struct api_ctx *c;
    struct auth_agency_change ch;
};

static int agency_patch_job(struct store_conn *w, void *arg)
{
    struct agency_patch *p = arg;
    return auth_agency_change_job(w, &p->ch);
}

static void agency_patch_done(struct api_ctx *c, void *arg, int rc)
{
    struct agency_patch *p = arg;
    if (rc == IOC_EINVAL && p->ch.field) {
        api_error_field(c, p->ch.field, "%s", p->ch.why);
        return;
    }
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No agency has code %.64s.", p->ch.code);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "agency");
        return;
    }
    struct store_agency a = {0};
    if (store_agency_get(c->t->db, p->ch.code, &a) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The agency cannot be read back.");
        return;
    }
    api_json(c, 200, agency_json(&a));
    store_agency_clear(&a);
}

static void h_agencies_update(struct api_ctx *c)
{
    static const char *const known[] = {"name", "parent_code", "unit_code", "disabled", NULL};
    struct agency_patch *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->c = c;
    p->ch.code = c->params[0];
    if (patch_fields(c, known, "code", "name, parent_code, unit_code and disabled") ||
        patch_str(c, "name", 300, &p->ch.name) ||
        patch_str(c, "parent_code", 64, &p->ch.parent_code) ||
        patch_str(c, "unit_code", 16, &p->ch.unit_code) ||
        (p->ch.disabled = patch_disabled(c)) == -2)
        return;
    api_audit_fill(c, &p->ch.who, "", "", "ok");
    api_write(c, agency_patch_job, p, agency_patch_done);
}

/* ---- users ------------------------------------------------------------------------------ */

static json_t *user_row(const struct store_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "username", u->username, "display_name",
                     u->display_name, "role", u->role, "agency_code",
                     u->agency_code ? u->agency_code : "", "disabled", u->disabled, "created_at",
                     u->created_at ? u->created_at : "");
}

static void h_users_list(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){NULL}))
        return;
    struct store_user *u = NULL;
    size_t n = 0;
    int rc = store_users_list(c->t->db, &u, &n);
    if (rc) {
        api_error_rc(c, rc, "users");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, user_row(&u[i]));
    store_users_free(u, n);
    api_json(c, 200, json_pack("{s:i, s:o}", "count", (json_int_t)n, "users", arr));
}

struct user_new {
    struct api_ctx *c;
    struct auth_user_new n;
    char *hash; /* made on the worker; freed with the request */
    int rc;
};

static void user_hash(struct store_conn *db, void *arg)
{
    (void)db;
    struct user_new *u = arg;
    u->rc = auth_password_hash(u->n.password, &u->hash);
}

static int user_job(struct store_conn *w, void *arg)
{
    struct user_new *u = arg;
    if (u->rc)
        return u->rc;
    u->n.password_hash = u->hash;
    return auth_user_create_job(w, &u->n);
}

static void user_done(struct api_ctx *c, void *arg, int rc)
{
    struct user_new *un = arg;
    const struct auth_user_new *n = &un->n;
    if (rc == IOC_EEXIST) {
        api_error(c, IOC_HTTP_E_CONFLICT, "%s", n->why);
        return;
    }
    if (rc == IOC_EINVAL && n->field) {
        api_error_field(c, n->field, "%s", n->why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "user");
        return;
    }
    struct store_user u = {0};
    if (store_user_get(c->t->db, n->username, &u) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The new user cannot be read back.");
        return;
    }
    api_json(c, 201, user_row(&u));
    store_user_clear(&u);
}

static void user_commit(struct api_ctx *c, void *arg)
{
    struct user_new *u = arg;
    if (u->hash)
        net_req_on_free(c->req, free, u->hash);
    api_audit_fill(c, &u->n.who, "", "", "ok");
    api_write(c, user_job, u, user_done);
}

static void h_users_create(struct api_ctx *c)
{
    struct user_new *u = net_req_alloc(c->req, sizeof *u);
    memset(u, 0, sizeof *u);
    u->c = c;
    struct auth_user_new *n = &u->n;
    if (!(n->username = api_body_str(c, "username", 1, 64)) ||
        !(n->role = api_body_str(c, "role", 1, 32)) ||
        !(n->password = api_body_str(c, "password", 1, 1024)) ||
        opt_str(c, "display_name", 200, &n->display_name) ||
        opt_str(c, "agency_code", 64, &n->agency_code))
        return;
    /* the rules that need no store, before the slow hash; the job checks them all again */
    int rc = auth_user_new_check(NULL, n);
    if (rc == IOC_EINVAL) {
        api_error_field(c, n->field, "%s", n->why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "user");
        return;
    }
    api_offload(c, user_hash, u, user_commit);
}

struct user_patch {
    struct api_ctx *c;
    struct auth_user_change ch;
};

static int user_patch_job(struct store_conn *w, void *arg)
{
    struct user_patch *p = arg;
    return auth_user_change_job(w, &p->ch);
}

static void user_patch_done(struct api_ctx *c, void *arg, int rc)
{
    struct user_patch *p = arg;
    char target[96];
    snprintf(target, sizeof target, "user:%s", p->ch.username);
    if (rc == IOC_EINVAL && p->ch.field) {
        api_error_field(c, p->ch.field, "%s", p->ch.why);
        return;
    }
    if (rc == IOC_EPERM && p->ch.conflict) {
        api_audit_async(c, c->route->info.name, target, "denied", p->ch.conflict);
        api_error(c,
                  strcmp(p->ch.conflict, "self") == 0 ? IOC_HTTP_E_SELF_LOCKOUT
                                                      : IOC_HTTP_E_LAST_ADMIN,
                  "%s", p->ch.why);
        return;
    }
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No user is called %.64s.", p->ch.username);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "user");
        return;
    }
    struct store_user u = {0};
    if (store_user_get(c->t->db, p->ch.username, &u) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The user cannot be read back.");
        return;
    }
    api_json(c, 200, user_row(&u));
    store_user_clear(&u);
}

static void h_users_update(struct api_ctx *c)
{
    static const char *const known[] = {"display_name", "role", "agency_code", "disabled", NULL};
    struct user_patch *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->c = c;
    p->ch.username = c->params[0];
    p->ch.actor_user_id = c->who.user_id;
    if (patch_fields(c, known, "username", "display_name, role, agency_code and disabled") ||
        patch_str(c, "display_name", 200, &p->ch.display_name) ||
        patch_str(c, "role", 32, &p->ch.role) ||
        patch_str(c, "agency_code", 64, &p->ch.agency_code) ||
        (p->ch.disabled = patch_disabled(c)) == -2)
        return;
    api_audit_fill(c, &p->ch.who, "", "", "ok");
    api_write(c, user_patch_job, p, user_patch_done);
}

static void h_users_password(struct api_ctx *c)
{
    const char *pw = api_body_str(c, "password", 1, 1024);
    if (!pw)
        return;
    struct store_user u = {0};
    int rc = store_user_get(c->t->db, c->params[0], &u);
    store_user_clear(&u);
    if (rc) {
        api_error_rc(c, rc, "user");
        return;
    }
    api_passwd_start(c, c->params[0], NULL, pw);
}

/* ---- API keys --------------------------------------------------------------------------- */

/* Staff (own agency) and admins manage keys. 0, or -1 after answering 403. */
static int keys_allowed(struct api_ctx *c, const char *agency_code)
{
    if (c->who.role == AUTH_ROLE_ADMIN)
        return 0;
    if (c->who.role == AUTH_ROLE_STAFF &&
        (!agency_code || strcmp(agency_code, c->who.agency_code) == 0))
        return 0;
    if (strcmp(c->route->info.method, "GET") != 0)
        api_audit_async(c, c->route->info.name, agency_code ? agency_code : "", "denied",
                        "another agency's keys");
    api_error(c, IOC_HTTP_E_FORBIDDEN, "Only admins and the agency's own staff manage its keys.");
    return -1;
}

static json_t *key_json(const struct store_apikey *k)
{
    char created[32], revoked[32] = "";
    ioc_time_rfc3339(k->created_ms, created);
    if (k->revoked_ms)
        ioc_time_rfc3339(k->revoked_ms, revoked);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)k->id, "prefix",
                     k->prefix, "agency_code", k->agency_code, "scopes", k->scopes, "name",
                     k->name ? k->name : "", "created_at", created, "revoked_at",
                     k->revoked_ms ? json_string(revoked) : json_null());
}

static void h_keys_list(struct api_ctx *c)
{
    static const char *const known[] = {"agency", NULL};
    if (api_query_only(c, known))
        return;
    const char *agency = api_query(c, "agency");
    if (c->who.role == AUTH_ROLE_STAFF && !agency)
        agency = c->who.agency_code;
    if (keys_allowed(c, agency))
        return;
    struct store_apikey *k = NULL;
    size_t n = 0;
    int rc = store_apikeys_list(c->t->db, agency, &k, &n);
    if (rc) {
        api_error_rc(c, rc, "keys");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, key_json(&k[i]));
    store_apikeys_free(k, n);
    api_json(c, 200, json_pack("{s:i, s:o}", "count", (json_int_t)n, "keys", arr));
}

struct key_new {
    struct api_ctx *c;
    struct auth_key_new n;
};

static int key_job(struct store_conn *w, void *arg)
{
    struct key_new *k = arg;
    return auth_key_create_job(w, &k->n);
}

static void key_done(struct api_ctx *c, void *arg, int rc)
{
    struct key_new *kn = arg;
    const struct auth_key_new *n = &kn->n;
    if (rc == IOC_EINVAL && n->field) {
        api_error_field(c, n->field, "%s", n->why);
        return;
    }
    if (rc) {
        api_error_rc(c, rc, "key");
        return;
    }
    struct store_apikey k = {0};
    if (store_apikey_get(c->t->db, n->id, &k) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The new key cannot be read back.");
        return;
    }
    json_t *j = key_json(&k);
    json_object_set_new(j, "key", json_string(n->key));
    store_apikey_clear(&k);
    api_json(c, 201, j);
}

/* The scopes of a new key, an array of scope strings or one comma-separated string, as one
 * comma-separated string (auth_key_create_job judges it). NULL after answering 422. */
static const char *key_scopes(struct api_ctx *c)
{
    json_t *sc = json_object_get(c->body, "scopes");
    struct ioc_buf b;
    ioc_buf_init(&b, 4096);
    size_t i;
    json_t *v;
    int ok = json_is_string(sc) || (json_is_array(sc) && json_array_size(sc) > 0);
    if (json_is_string(sc)) {
        ok = strlen(json_string_value(sc)) == json_string_length(sc);
        ioc_buf_puts(&b, json_string_value(sc));
    } else if (ok) {
        json_array_foreach(sc, i, v)
        {
            /* one scope per element: a number or "a,b" in an element is refused, not split */
            if (!json_is_string(v) || strchr(json_string_value(v), ',') ||
                strlen(json_string_value(v)) != json_string_length(v)) {
                ok = 0;
                break;
            }
            if (i)
                ioc_buf_putc(&b, ',');
            ioc_buf_puts(&b, json_string_value(v));
        }
    }
    const char *list = ok ? net_req_strdup(c->req, b.data ? b.data : "", b.len) : NULL;
    ioc_buf_free(&b);
    if (!ok)
        api_error_field(c, "scopes", "scopes must be a non-empty list of known scopes.");
    return list;
}

static void h_keys_create(struct api_ctx *c)
{
    struct key_new *k = net_req_alloc(c->req, sizeof *k);
    memset(k, 0, sizeof *k);
    k->c = c;
    struct auth_key_new *n = &k->n;
    if (!(n->agency_code = api_body_str(c, "agency_code", 1, 64)) || !(n->scopes = key_scopes(c)) ||
        opt_str(c, "name", 200, &n->name))
        return;
    n->creator = c->who.role;
    /* the rules that need no store, early: a refused scope is answered after the question of
     * who may manage this agency's keys, as it always was */
    int rc = auth_key_new_check(NULL, n);
    if (rc == IOC_EINVAL) {
        api_error_field(c, n->field, "%s", n->why);
        return;
    }
    if (keys_allowed(c, n->agency_code))
        return;
    if (rc && rc != IOC_EPERM) {
        api_error_rc(c, rc, "key");
        return;
    }
    if (rc == IOC_EPERM) {
        api_audit_async(c, c->route->info.name, n->agency_code, "denied", n->bad);
        api_error(c, IOC_HTTP_E_SCOPE_NOT_ALLOWED, "%s", n->why);
        return;
    }
    api_audit_fill(c, &n->who, "", "", "ok");
    api_write(c, key_job, k, key_done);
}

struct key_revoke {
    struct api_ctx *c;
    int64_t id;
    char prefix[32];
};

static int revoke_job(struct store_conn *w, void *arg)
{
    struct key_revoke *r = arg;
    int rc = store_apikey_revoke(w, r->id, ioc_now_ms());
    if (rc)
        return rc;
    struct store_audit a;
    char target[64];
    snprintf(target, sizeof target, "key:%s", r->prefix);
    api_audit_fill(r->c, &a, "key.revoke", target, "ok");
    return store_audit_add(w, &a);
}

static void revoke_done(struct api_ctx *c, void *arg, int rc)
{
    (void)arg;
    if (rc) {
        api_error_rc(c, rc, "key");
        return;
    }
    net_res_send(c->req, 204, NULL, "", 0);
}

static void h_keys_revoke(struct api_ctx *c)
{
    int64_t id;
    if (ioc_parse_i64(c->params[0], strlen(c->params[0]), 1, INT64_MAX, &id) != 0) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No key has id %.32s.", c->params[0]);
        return;
    }
    struct store_apikey k = {0};
    int rc = store_apikey_get(c->t->db, id, &k);
    if (rc) {
        api_error_rc(c, rc, "key");
        return;
    }
    struct key_revoke *r = net_req_alloc(c->req, sizeof *r);
    r->c = c;
    r->id = id;
    snprintf(r->prefix, sizeof r->prefix, "%s", k.prefix);
    int denied = keys_allowed(c, k.agency_code);
    store_apikey_clear(&k);
    if (denied)
        return;
    api_write(c, revoke_job, r, revoke_done);
}

/* The accounts module of modules.c: its routes, in lookup order, and their description. */
static const struct api_route accounts_routes[] = {
    API_ROUTE("GET", "/api/v1/agencies", "agencies.list", AUTH_SIGNED_IN, "signed_in",
              "read:agencies", 0, h_agencies_list),
    API_ROUTE("POST", "/api/v1/agencies", "agencies.create", AUTH_ADMIN, "admin", "write:agencies",
              1, h_agencies_create),
    API_ROUTE("GET", "/api/v1/agencies/{code}", "agencies.get", AUTH_SIGNED_IN, "signed_in",
              "read:agencies", 0, h_agencies_get),
    API_ROUTE("PATCH", "/api/v1/agencies/{code}", "agencies.update", AUTH_ADMIN, "admin", NULL, 1,
              h_agencies_update),
    API_ROUTE("GET", "/api/v1/users", "users.list", AUTH_ADMIN, "admin", NULL, 0, h_users_list),
    API_ROUTE("POST", "/api/v1/users", "users.create", AUTH_ADMIN, "admin", NULL, 1,
              h_users_create),
    API_ROUTE("PATCH", "/api/v1/users/{username}", "users.update", AUTH_ADMIN, "admin", NULL, 1,
              h_users_update),
    API_ROUTE("PUT", "/api/v1/users/{username}/password", "users.password", AUTH_ADMIN, "admin",
              NULL, 1, h_users_password),
    API_ROUTE("GET", "/api/v1/keys", "keys.list", AUTH_STAFF_UP, "staff", NULL, 0, h_keys_list),
    API_ROUTE("POST", "/api/v1/keys", "keys.create", AUTH_STAFF_UP, "staff", NULL, 1,
              h_keys_create),
    API_ROUTE("DELETE", "/api/v1/keys/{id}", "keys.revoke", AUTH_STAFF_UP, "staff", NULL, 0,
              h_keys_revoke),
};

const struct api_module api_module_accounts =
    API_MODULE("accounts", accounts_routes, api_openapi_accounts);
