/*
 * notify.c — webhooks and their durable queue of deliveries (docs/webhooks.md). One row per
 * webhook (its secret kept to sign with, never rendered after creation) and one row per
 * delivery of one event to one webhook: queued (due at next_at_ms), done (kept for the admin's
 * view until pruned) or dead (max_attempts reached; its last status and error kept).
 *
 * A delivery in flight is still "queued" on disk: after a crash it is sent again
 * (at-least-once). The head of a webhook's queue is its oldest queued delivery; only heads are
 * sent, so a webhook gets its events in order, one at a time.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const notify_scripts[] = {
    /* 1: webhooks and deliveries */
    "CREATE TABLE webhooks ("
    "  id INTEGER PRIMARY KEY,"
    "  url TEXT NOT NULL,"
    "  events TEXT NOT NULL,"
    "  agency_id INTEGER NOT NULL DEFAULT 0,"
    "  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
    "  secret TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  created_by TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE webhook_deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
    "  type TEXT NOT NULL,"
    "  data TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','done','dead')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL,"
    "  next_at_ms INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL DEFAULT 0,"
    "  done_ms INTEGER NOT NULL DEFAULT 0,"
    "  last_status INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (state, webhook_id, id);"
    "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);"
    "CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, id);",
};

const struct store_schema store_schema_notify = STORE_SCHEMA("notify", notify_scripts);

static const char *txt(const char *s)
{
    return s ? s : "";
}

void store_webhook_clear(struct store_webhook *h)
{
    if (!h)
        return;
    free(h->url);
    free(h->events);
    free(h->agency);
    if (h->secret)
        memset(h->secret, 0, strlen(h->secret));
    free(h->secret);
    free(h->created_at);
    free(h->created_by);
    memset(h, 0, sizeof *h);
}

void store_webhooks_free(struct store_webhook *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_webhook_clear(&a[i]);
    free(a);
}

void store_delivery_clear(struct store_delivery *d)
{
    if (!d)
        return;
    free(d->type);
    free(d->data);
    free(d->state);
    free(d->last_error);
    free(d->url);
    if (d->secret)
        memset(d->secret, 0, strlen(d->secret));
    free(d->secret);
    memset(d, 0, sizeof *d);
}

void store_deliveries_free(struct store_delivery *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_delivery_clear(&a[i]);
    free(a);
}

/* ---- webhooks ------------------------------------------------------------------------------ */

/* The columns of fill_hook; column 6 the secret, or '' when not read. */
#define WH_COLUMNS(secret)                                                                         \
    "h.id, h.url, h.events, h.agency_id, "                                                         \
    "coalesce((SELECT a.code FROM agencies a WHERE a.id = h.agency_id), ''), h.enabled, " secret   \
    ", h.created_at, h.created_by, "                                                               \
    "(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = h.id AND "                    \
    "d.state = 'queued'), "                                                                        \
    "(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = h.id AND d.state = 'dead') "

static int fill_hook(sqlite3_stmt *s, void *p)
{
    struct store_webhook *x = p;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    int ok = (x->url = store_col_dup(s, 1)) != NULL;
    ok &= (x->events = store_col_dup(s, 2)) != NULL;
    x->agency_id = sqlite3_column_int64(s, 3);
    ok &= (x->agency = store_col_dup(s, 4)) != NULL;
    x->enabled = sqlite3_column_int(s, 5);
    ok &= (x->secret = store_col_dup(s, 6)) != NULL;
    ok &= (x->created_at = store_col_dup(s, 7)) != NULL;
    ok &= (x->created_by = store_col_dup(s, 8)) != NULL;
    x->queued = sqlite3_column_int64(s, 9);
    x->dead = sqlite3_column_int64(s, 10);
    if (!ok) {
        store_webhook_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_hook(void *p)
{
    store_webhook_clear(p);
}

int store_webhook_add(struct store_conn *w, const struct store_webhook *h, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w,
                                  "INSERT INTO webhooks (url, events, agency_id, enabled, secret, "
                                  "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  &s);
    if (rc)
        return rc;
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    store_bind_text(s, 1, txt(h->url));
    store_bind_text(s, 2, txt(h->events));
    sqlite3_bind_int64(s, 3, h->agency_id);
    sqlite3_bind_int(s, 4, h->enabled != 0);
    store_bind_text(s, 5, txt(h->secret));
    store_bind_text(s, 6, now);
    store_bind_text(s, 7, txt(h->created_by));
    if ((rc = store_step_done(s)) == 0 && id)
        *id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int store_webhook_get(struct store_conn *c, int64_t id, struct store_webhook *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        c, "SELECT " WH_COLUMNS("h.secret") "FROM webhooks h WHERE h.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, fill_hook, out);
}

int store_webhooks_list(struct store_conn *c, int enabled_only, struct store_webhook **out,
                        size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        c,
        enabled_only ? "SELECT " WH_COLUMNS("''") "FROM webhooks h WHERE h.enabled = 1 "
                                                  "ORDER BY h.id"
                     : "SELECT " WH_COLUMNS("''") "FROM webhooks h ORDER BY h.id",
        &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_hook, clear_hook, (void **)out, n);
}

int store_webhook_delete(struct store_conn *w, int64_t id)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(w, "DELETE FROM webhooks WHERE id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    return sqlite3_changes(w->db) ? 0 : IOC_ENOTFOUND;
}

/* ---- deliveries ---------------------------------------------------------------------------- */

#define DL_COLUMNS(secret)                                                                         \
    "d.id, d.webhook_id, d.type, d.data, d.state, d.attempts, d.created_ms, d.next_at_ms, "        \
    "d.last_ms, d.done_ms, d.last_status, d.last_error, "                                          \
    "coalesce((SELECT h.url FROM webhooks h WHERE h.id = d.webhook_id), ''), " secret " "

static int fill_delivery(sqlite3_stmt *s, void *p)
{
    struct store_delivery *x = p;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    x->webhook_id = sqlite3_column_int64(s, 1);
    int ok = (x->type = store_col_dup(s, 2)) != NULL;
    ok &= (x->data = store_col_dup(s, 3)) != NULL;
    ok &= (x->state = store_col_dup(s, 4)) != NULL;
    x->attempts = sqlite3_column_int(s, 5);
    x->created_ms = sqlite3_column_int64(s, 6);
    x->next_at_ms = sqlite3_column_int64(s, 7);
    x->last_ms = sqlite3_column_int64(s, 8);
    x->done_ms = sqlite3_column_int64(s, 9);
    x->last_status = sqlite3_column_int(s, 10);
    ok &= (x->last_error = store_col_dup(s, 11)) != NULL;
    ok &= (x->url = store_col_dup(s, 12)) != NULL;
    ok &= (x->secret = store_col_dup(s, 13)) != NULL;
    if (!ok) {
        store_delivery_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void clear_delivery(void *p)
{
    store_delivery_clear(p);
}

int store_delivery_add(struct store_conn *w, int64_t webhook_id, const char *type, const char *data,
                       int64_t created_ms, int64_t *id)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(w,
                             "INSERT INTO webhook_deliveries (webhook_id, type, data, created_ms, "
                             "next_at_ms) VALUES (?1, ?2, ?3, ?4, ?4)",
                             &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, webhook_id);
    store_bind_text(s, 2, txt(type));
    store_bind_text(s, 3, txt(data));
    sqlite3_bind_int64(s, 4, created_ms);
    if ((rc = store_step_done(s)) == 0 && id)
        *id = sqlite3_last_insert_rowid(w->db);
    return rc;
}

int store_deliveries_heads(struct store_conn *c, int limit, struct store_delivery **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c,
        "SELECT " DL_COLUMNS("coalesce((SELECT h.secret FROM webhooks h WHERE h.id = "
                             "d.webhook_id), '')") "FROM webhook_deliveries d WHERE d.id IN "
                                                   "(SELECT min(e.id) FROM webhook_deliveries e "
                                                   "WHERE e.state = 'queued' GROUP BY "
                                                   "e.webhook_id) ORDER BY d.next_at_ms, d.id "
                                                   "LIMIT ?",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int(s, 1, limit);
    return store_rows(s, sizeof **out, fill_delivery, clear_delivery, (void **)out, n);
}

int store_delivery_attempted(struct store_conn *w, int64_t id, const char *state, int attempts,
                             int64_t next_at_ms, int status, const char *error, int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        w,
        "UPDATE webhook_deliveries SET state = ?2, attempts = ?3, next_at_ms = "
        "?4, last_status = ?5, last_error = ?6, last_ms = ?7, done_ms = CASE "
        "WHEN ?2 = 'queued' THEN 0 ELSE ?7 END WHERE id = ?1 AND state = "
        "'queued'",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, txt(state));
    sqlite3_bind_int(s, 3, attempts);
    sqlite3_bind_int64(s, 4, next_at_ms);
    sqlite3_bind_int(s, 5, status);
    store_bind_text(s, 6, txt(error));
    sqlite3_bind_int64(s, 7, now_ms);
    return store_step_done(s);
}

int store_delivery_retry(struct store_conn *w, int64_t id, int64_t now_ms)
{
    struct store_delivery d;
    int rc = store_delivery_get(w, id, &d);
    if (rc)
        return rc;
    int dead = strcmp(d.state, "dead") == 0;
    store_delivery_clear(&d);
    if (!dead)
        return IOC_EINVAL;
    sqlite3_stmt *s;
    if ((rc = store_prepare_cached(w,
                                   "UPDATE webhook_deliveries SET state = 'queued', attempts = 0, "
                                   "next_at_ms = ?2, done_ms = 0 WHERE id = ?1",
                                   &s)) != 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now_ms);
    return store_step_done(s);
}

int store_delivery_get(struct store_conn *c, int64_t id, struct store_delivery *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        c, "SELECT " DL_COLUMNS("''") "FROM webhook_deliveries d WHERE d.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, fill_delivery, out);
}

int store_deliveries_find(struct store_conn *c, const struct store_delivery_query *q,
                          struct store_delivery **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc =
        store_prepare_cached(c,
                             "SELECT " DL_COLUMNS("''") "FROM webhook_deliveries d WHERE (?1 IS "
                                                        "NULL OR d.state = ?1) AND (?2 = 0 OR "
                                                        "d.webhook_id = ?2) AND (?3 = 0 OR d.id < "
                                                        "?3) ORDER BY d.id DESC LIMIT ?4",
                             &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->state);
    sqlite3_bind_int64(s, 2, q->webhook_id);
    sqlite3_bind_int64(s, 3, q->before_id);
    sqlite3_bind_int(s, 4, q->limit > 0 ? q->limit : 100);
    return store_rows(s, sizeof **out, fill_delivery, clear_delivery, (void **)out, n);
}

int store_deliveries_prune(struct store_conn *w, int64_t before_ms, int64_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(
        w, "DELETE FROM webhook_deliveries WHERE state = 'done' AND done_ms < ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, before_ms);
    if ((rc = store_step_done(s)) == 0 && n)
        *n = sqlite3_changes(w->db);
    return rc;
}

int store_deliveries_count(struct store_conn *c, const char *state, int64_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare_cached(c, "SELECT count(*) FROM webhook_deliveries WHERE state = ?", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(state));
    return store_row_int64(s, n);
}
