/*
 * accounts.c — agencies, users, sessions and API keys. Secrets never reach this file in clear:
 * callers pass password hashes and token/key hashes.
 *
 * Only SQL and row mapping live here; the rules (who may change what, what a disabled agency
 * means, the last admin) are in src/auth/accounts.c, which calls these functions inside one
 * writer transaction.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static int now_text(char out[32])
{
    ioc_time_rfc3339(ioc_now_ms(), out);
    return 0;
}

/* Looks up an agency id by code; 0 for NULL/"" code; IOC_EINVAL if unknown. */
static int agency_id(struct store_conn *c, const char *code, int64_t *id)
{
    *id = 0;
    if (!code || !*code)
        return 0;
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT id FROM agencies WHERE code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    rc = store_row_int64(s, id);
    return rc == IOC_ENOTFOUND ? IOC_EINVAL : rc;
}

/* The single-row fetch of this file. */
static int one(sqlite3_stmt *s, store_fill_fn fill, void *out)
{
    return store_row(s, fill, out);
}

/* Collects every row of s into *out (an array of item_size elements). */
static int all(sqlite3_stmt *s, size_t item_size, store_fill_fn fill, store_clear_fn clear,
               void *out, size_t *n)
{
    void *a = NULL;
    int rc = store_rows(s, item_size, fill, clear, &a, n);
    if (rc == 0)
        memcpy(out, &a, sizeof a);
    return rc;
}

/* ---- agencies --------------------------------------------------------------------------- */

#define AGENCY_SQL                                                                                 \
    "SELECT a.id, a.code, a.name, coalesce(a.parent_id, 0), coalesce(p.code, ''), a.unit_code, "   \
    "a.created_at, a.disabled FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id "

void store_agency_clear(struct store_agency *a)
{
    if (!a)
        return;
    free(a->code);
    free(a->name);
    free(a->parent_code);
    free(a->unit_code);
    free(a->created_at);
    memset(a, 0, sizeof *a);
}

static void agency_clear_v(void *p)
{
    store_agency_clear(p);
}

void store_agencies_free(struct store_agency *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_agency_clear(&a[i]);
    free(a);
}

static int agency_fill(sqlite3_stmt *s, void *p)
{
    struct store_agency *a = p;
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(s, 0);
    a->parent_id = sqlite3_column_int64(s, 3);
    a->code = store_col_dup(s, 1);
    a->name = store_col_dup(s, 2);
    a->parent_code = store_col_dup(s, 4);
    a->unit_code = store_col_dup(s, 5);
    a->created_at = store_col_dup(s, 6);
    a->disabled = sqlite3_column_int(s, 7);
    if (!a->code || !a->name || !a->parent_code || !a->unit_code || !a->created_at) {
        store_agency_clear(a);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_agency_add(struct store_conn *w, const char *code, const char *name,
                     const char *parent_code, const char *unit_code, int64_t *id)
{
    int64_t parent = 0;
    int rc = agency_id(w, parent_code, &parent);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(w,
                              "INSERT INTO agencies (code, name, parent_id, unit_code, created_at) "
                              "VALUES (?, ?, ?, ?, ?)",
                              &s);
    if (rc)
        return rc;
    char now[32];
    now_text(now);
    store_bind_text(s, 1, code);
    store_bind_text(s, 2, name);
    if (parent)
        sqlite3_bind_int64(s, 3, parent);
    else
        sqlite3_bind_null(s, 3);
    store_bind_text(s, 4, unit_code ? unit_code : "");
    store_bind_text(s, 5, now);
    rc = store_step_done(s);
    if (rc == 0 && id)
        *id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int store_agency_get(struct store_conn *c, const char *code, struct store_agency *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, AGENCY_SQL "WHERE a.code = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    return one(s, agency_fill, out);
}

int store_agencies_list(struct store_conn *c, struct store_agency **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, AGENCY_SQL "ORDER BY a.code", &s);
    if (rc)
        return rc;
    return all(s, sizeof **out, agency_fill, agency_clear_v, out, n);
}

int store_agency_set(struct store_conn *w, const struct store_agency *a)
{
    int64_t parent = 0;
    int rc = agency_id(w, a->parent_code, &parent);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(
        w,
        "UPDATE agencies SET name = ?, parent_id = ?, unit_code = ?, disabled = ? "
        "WHERE id = ?",
        &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, a->name);
    if (parent)
        sqlite3_bind_int64(s, 2, parent);
    else
        sqlite3_bind_null(s, 2);
    store_bind_text(s, 3, a->unit_code ? a->unit_code : "");
    sqlite3_bind_int(s, 4, a->disabled ? 1 : 0);
    sqlite3_bind_int64(s, 5, a->id);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}

int store_agency_within(struct store_conn *c, const char *code, const char *ancestor, int *yes)
{
    sqlite3_stmt *s;
    /* UNION (not UNION ALL) ends the walk even if the stored tree already had a cycle */
    int rc = store_prepare_cached(c,
                                  "WITH RECURSIVE up(id, parent_id) AS ("
                                  " SELECT id, parent_id FROM agencies WHERE code = ?1"
                                  " UNION SELECT a.id, a.parent_id FROM agencies a"
                                  " JOIN up ON a.id = up.parent_id) "
                                  "SELECT count(*) FROM up JOIN agencies x ON x.id = up.id "
                                  "WHERE x.code = ?2",
                                  &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, code);
    store_bind_text(s, 2, ancestor);
    int64_t count = 0;
    rc = store_row_int64(s, &count);
    if (rc == 0)
        *yes = count > 0;
    return rc;
}

/* ---- users ------------------------------------------------------------------------------ */

#define USER_SQL                                                                                   \
    "SELECT u.id, u.username, u.display_name, u.role, coalesce(u.agency_id, 0), "                  \
    "coalesce(a.code, ''), u.password_hash, u.disabled, u.created_at, coalesce(a.disabled, 0) "    \
    "FROM users u "                                                                                \
    "LEFT JOIN agencies a ON a.id = u.agency_id "

void store_user_clear(struct store_user *u)
{
    if (!u)
        return;
    free(u->username);
    free(u->display_name);
    free(u->role);
    free(u->agency_code);
    if (u->password_hash)
        memset(u->password_hash, 0, strlen(u->password_hash));
    free(u->password_hash);
    free(u->created_at);
    memset(u, 0, sizeof *u);
}

static void user_clear_v(void *p)
{
    store_user_clear(p);
}

void store_users_free(struct store_user *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_user_clear(&a[i]);
    free(a);
}

static int user_fill(sqlite3_stmt *s, void *p)
{
    struct store_user *u = p;
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(s, 0);
    u->agency_id = sqlite3_column_int64(s, 4);
    u->disabled = sqlite3_column_int(s, 7);
    u->username = store_col_dup(s, 1);
    u->display_name = store_col_dup(s, 2);
    u->role = store_col_dup(s, 3);
    u->agency_code = store_col_dup(s, 5);
    u->password_hash = store_col_dup(s, 6);
    u->created_at = store_col_dup(s, 8);
    u->agency_disabled = sqlite3_column_int(s, 9);
    if (!u->username || !u->display_name || !u->role || !u->agency_code || !u->password_hash ||
        !u->created_at) {
        store_user_clear(u);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_user_add(struct store_conn *w, const char *username, const char *display_name,
                   const char *role, const char *agency_code, const char *password_hash,
                   int64_t *id)
{
    int64_t agency = 0;
    int rc = agency_id(w, agency_code, &agency);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(w,
                              "INSERT INTO users (username, display_name, role, agency_id, "
                              "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                              &s);
    if (rc)
        return rc;
    char now[32];
    now_text(now);
    store_bind_text(s, 1, username);
    store_bind_text(s, 2, display_name ? display_name : username);
    store_bind_text(s, 3, role);
    if (agency)
        sqlite3_bind_int64(s, 4, agency);
    else
        sqlite3_bind_null(s, 4);
    store_bind_text(s, 5, password_hash);
    store_bind_text(s, 6, now);
    rc = store_step_done(s);
    if (rc == 0 && id)
        *id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int store_user_get(struct store_conn *c, const char *username, struct store_user *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, USER_SQL "WHERE u.username = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, username);
    return one(s, user_fill, out);
}

int store_user_get_by_id(struct store_conn *c, int64_t id, struct store_user *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, USER_SQL "WHERE u.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return one(s, user_fill, out);
}

int store_users_list(struct store_conn *c, struct store_user **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, USER_SQL "ORDER BY u.username", &s);
    if (rc)
        return rc;
    return all(s, sizeof **out, user_fill, user_clear_v, out, n);
}

static int user_update(struct store_conn *w, const char *sql, const char *username,
                       const char *text, int num)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, sql, &s);
    if (rc)
        return rc;
    if (text)
        store_bind_text(s, 1, text);
    else
        sqlite3_bind_int(s, 1, num);
    store_bind_text(s, 2, username);
    rc = store_step_done(s);
    if (rc == 0 && sqlite3_changes(w->db) == 0)
        rc = IOC_ENOTFOUND;
    return rc;
}

int store_user_set_password(struct store_conn *w, const char *username, const char *password_hash)
{
    return user_update(w, "UPDATE users SET password_hash = ? WHERE username = ?", username,
                       password_hash, 0);
}

int store_user_set_disabled(struct store_conn *w, const char *username, int disabled)
{
    return user_update(w, "UPDATE users SET disabled = ? WHERE username = ?", username, NULL,
                       disabled ? 1 : 0);
}

int store_user_set(struct store_conn *w, const struct store_user *u)
{
    int64_t agency = 0;
    int rc = agency_id(w, u->agency_code, &agency);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(
        w,
        "UPDATE users SET display_name = ?, role = ?, agency_id = ?, disabled = ? "
        "WHERE id = ?",
        &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, u->display_name);
    store_bind_text(s, 2, u->role);
    if (agency)
        sqlite3_bind_int64(s, 3, agency);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int(s, 4, u->disabled ? 1 : 0);
    sqlite3_bind_int64(s, 5, u->id);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}

int store_users_count_enabled(struct store_conn *c, const char *role, int64_t *n)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c, "SELECT count(*) FROM users WHERE role = ? AND disabled = 0", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, role);
    return store_row_int64(s, n);
}

/* ---- sessions --------------------------------------------------------------------------- */

void store_session_clear(struct store_session *s)
{
    if (!s)
        return;
    free(s->token_hash);
    free(s->csrf_token);
    free(s->ip);
    memset(s, 0, sizeof *s);
}

int store_session_add(struct store_conn *w, int64_t user_id, const char *token_hash,
                      const char *csrf_token, int64_t created_ms, int64_t expires_ms,
                      const char *ip)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        w,
        "INSERT INTO sessions (user_id, token_hash, csrf_token, "
        "created_ms, expires_ms, ip, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?4)",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, user_id);
    store_bind_text(s, 2, token_hash);
    store_bind_text(s, 3, csrf_token);
    sqlite3_bind_int64(s, 4, created_ms);
    sqlite3_bind_int64(s, 5, expires_ms);
    store_bind_text(s, 6, ip ? ip : "");
    return store_step_done(s);
}

static int session_fill(sqlite3_stmt *s, void *p)
{
    struct store_session *x = p;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    x->user_id = sqlite3_column_int64(s, 1);
    x->token_hash = store_col_dup(s, 2);
    x->csrf_token = store_col_dup(s, 3);
    x->created_ms = sqlite3_column_int64(s, 4);
    x->expires_ms = sqlite3_column_int64(s, 5);
    x->ip = store_col_dup(s, 6);
    x->last_seen_ms = sqlite3_column_int64(s, 7);
    if (!x->token_hash || !x->csrf_token || !x->ip) {
        store_session_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_session_get(struct store_conn *c, const char *token_hash, int64_t now_ms,
                      struct store_session *out)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             "SELECT id, user_id, token_hash, csrf_token, created_ms, "
                             "expires_ms, ip, last_seen_ms FROM sessions WHERE token_hash = ? AND "
                             "expires_ms > ?",
                             &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, token_hash);
    sqlite3_bind_int64(s, 2, now_ms);
    return one(s, session_fill, out);
}

int store_session_delete(struct store_conn *w, const char *token_hash)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "DELETE FROM sessions WHERE token_hash = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, token_hash);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}

int store_sessions_delete_user(struct store_conn *w, int64_t user_id)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "DELETE FROM sessions WHERE user_id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, user_id);
    return store_step_done(s);
}

int store_sessions_delete_agency(struct store_conn *w, int64_t agency_id, const char *role)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users "
                                  "WHERE agency_id = ? AND role = ?)",
                                  &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, agency_id);
    store_bind_text(s, 2, role);
    return store_step_done(s);
}

int store_sessions_purge(struct store_conn *w, int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "DELETE FROM sessions WHERE expires_ms <= ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now_ms);
    return store_step_done(s);
}

int store_session_touch(struct store_conn *w, int64_t id, int64_t seen_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        w, "UPDATE sessions SET last_seen_ms = ?1 WHERE id = ?2 AND last_seen_ms < ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, seen_ms);
    sqlite3_bind_int64(s, 2, id);
    return store_step_done(s);
}

int store_session_delete_idle(struct store_conn *w, int64_t id, int64_t user_id,
                              int64_t seen_before_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        w, "DELETE FROM sessions WHERE id = ? AND user_id = ? AND last_seen_ms <= ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_int64(s, 3, seen_before_ms);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}

int store_sessions_purge_idle(struct store_conn *w, int64_t seen_before_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "DELETE FROM sessions WHERE last_seen_ms <= ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, seen_before_ms);
    return store_step_done(s);
}

/* ---- API keys --------------------------------------------------------------------------- */

#define KEY_SQL                                                                                    \
    "SELECT k.id, k.prefix, k.key_hash, k.agency_id, a.code, k.scopes, k.name, k.created_ms, "     \
    "k.revoked_ms, k.created_by_role, a.disabled FROM api_keys k "                                 \
    "JOIN agencies a ON a.id = k.agency_id "

void store_apikey_clear(struct store_apikey *k)
{
    if (!k)
        return;
    free(k->prefix);
    free(k->key_hash);
    free(k->agency_code);
    free(k->scopes);
    free(k->name);
    free(k->created_by_role);
    memset(k, 0, sizeof *k);
}

static void key_clear_v(void *p)
{
    store_apikey_clear(p);
}

void store_apikeys_free(struct store_apikey *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_apikey_clear(&a[i]);
    free(a);
}

static int key_fill(sqlite3_stmt *s, void *p)
{
    struct store_apikey *k = p;
    memset(k, 0, sizeof *k);
    k->id = sqlite3_column_int64(s, 0);
    k->agency_id = sqlite3_column_int64(s, 3);
    k->created_ms = sqlite3_column_int64(s, 7);
    k->revoked_ms = sqlite3_column_int64(s, 8);
    k->prefix = store_col_dup(s, 1);
    k->key_hash = store_col_dup(s, 2);
    k->agency_code = store_col_dup(s, 4);
    k->scopes = store_col_dup(s, 5);
    k->name = store_col_dup(s, 6);
    k->created_by_role = store_col_dup(s, 9);
    k->agency_disabled = sqlite3_column_int(s, 10);
    if (!k->prefix || !k->key_hash || !k->agency_code || !k->scopes || !k->name ||
        !k->created_by_role) {
        store_apikey_clear(k);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_apikey_add(struct store_conn *w, const char *prefix, const char *key_hash,
                     const char *agency_code, const char *scopes, const char *name,
                     const char *created_by_role, int64_t created_ms, int64_t *id)
{
    if (!created_by_role ||
        (strcmp(created_by_role, "admin") != 0 && strcmp(created_by_role, "staff") != 0))
        return IOC_EINVAL;
    int64_t agency = 0;
    int rc = agency_id(w, agency_code, &agency);
    if (rc == 0 && agency == 0)
        rc = IOC_EINVAL;
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = store_prepare_cached(w,
                              "INSERT INTO api_keys (prefix, key_hash, agency_id, scopes, name, "
                              "created_ms, created_by_role) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, prefix);
    store_bind_text(s, 2, key_hash);
    sqlite3_bind_int64(s, 3, agency);
    store_bind_text(s, 4, scopes);
    store_bind_text(s, 5, name ? name : "");
    sqlite3_bind_int64(s, 6, created_ms);
    store_bind_text(s, 7, created_by_role);
    rc = store_step_done(s);
    if (rc == 0 && id)
        *id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int store_apikey_get_by_hash(struct store_conn *c, const char *key_hash, struct store_apikey *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, KEY_SQL "WHERE k.key_hash = ? AND k.revoked_ms = 0", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, key_hash);
    return one(s, key_fill, out);
}

int store_apikey_get(struct store_conn *c, int64_t id, struct store_apikey *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, KEY_SQL "WHERE k.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return one(s, key_fill, out);
}

int store_apikeys_list(struct store_conn *c, const char *agency_code, struct store_apikey **out,
                       size_t *n)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c, KEY_SQL "WHERE ?1 IS NULL OR a.code = ?1 ORDER BY k.id DESC", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, agency_code);
    return all(s, sizeof **out, key_fill, key_clear_v, out, n);
}

int store_apikey_revoke(struct store_conn *w, int64_t id, int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(w,
                             "UPDATE api_keys SET revoked_ms = CASE WHEN revoked_ms = 0 THEN ? "
                             "ELSE revoked_ms END WHERE id = ?",
                             &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now_ms);
    sqlite3_bind_int64(s, 2, id);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}
