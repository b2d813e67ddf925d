/*
 * alerts.c — alert rules, alerts, their history and silences (src/alerts/ decides; this file
 * holds the SQL). A change of an alert is decided here, in the writer's transaction, from the
 * rows themselves: whether an alert of (rule, target) is open, whether the data resolved one
 * within the regroup window, whether a silence covers a new one. So the engine's memory never
 * has to be right about the database, only about edges and timers.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const alerts_scripts[] = {
    /* 1: rules, alerts, history, silences */
    "CREATE TABLE alert_rules ("
    "  id INTEGER PRIMARY KEY,"
    "  name_vi TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  severity TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),"
    "  type TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '{}',"
    "  params TEXT NOT NULL DEFAULT '{}',"
    "  agency TEXT NOT NULL DEFAULT '',"
    "  unit TEXT NOT NULL DEFAULT '',"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  escalate_after_s INTEGER NOT NULL DEFAULT 0,"
    "  synthetic INTEGER NOT NULL DEFAULT 0,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  updated_at TEXT NOT NULL,"
    "  updated_by TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  rule_id INTEGER NOT NULL,"
    "  rule_name_vi TEXT NOT NULL DEFAULT '',"
    "  rule_name_en TEXT NOT NULL DEFAULT '',"
    "  type TEXT NOT NULL DEFAULT '',"
    "  severity TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('firing','acknowledged','resolved')),"
    "  target TEXT NOT NULL,"
    "  agency TEXT NOT NULL DEFAULT '',"
    "  unit TEXT NOT NULL DEFAULT '',"
    "  lat REAL, lon REAL, value REAL,"
    "  summary_vi TEXT NOT NULL DEFAULT '',"
    "  summary_en TEXT NOT NULL DEFAULT '',"
    "  count INTEGER NOT NULL DEFAULT 1,"
    "  silenced INTEGER NOT NULL DEFAULT 0,"
    "  escalations INTEGER NOT NULL DEFAULT 0,"
    "  started_ms INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL,"
    "  escalated_ms INTEGER NOT NULL DEFAULT 0,"
    "  ack_by TEXT NOT NULL DEFAULT '',"
    "  ack_ms INTEGER NOT NULL DEFAULT 0,"
    "  ack_note TEXT NOT NULL DEFAULT '',"
    "  resolved_by TEXT NOT NULL DEFAULT '',"
    "  resolved_ms INTEGER NOT NULL DEFAULT 0,"
    "  resolved_note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX alerts_rule_target ON alerts (rule_id, target, id);"
    "CREATE INDEX alerts_state ON alerts (state, id);"
    "CREATE INDEX alerts_agency ON alerts (agency, id);"
    "CREATE TABLE alert_history ("
    "  id INTEGER PRIMARY KEY,"
    "  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
    "  what TEXT NOT NULL,"
    "  who TEXT NOT NULL DEFAULT '',"
    "  at_ms INTEGER NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX alert_history_alert ON alert_history (alert_id, id);"
    "CREATE TABLE silences ("
    "  id INTEGER PRIMARY KEY,"
    "  rule_id INTEGER NOT NULL DEFAULT 0,"
    "  agency TEXT NOT NULL DEFAULT '',"
    "  unit TEXT NOT NULL DEFAULT '',"
    "  target_prefix TEXT NOT NULL DEFAULT '',"
    "  ends_ms INTEGER NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  created_by TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX silences_ends ON silences (ends_ms);",
};

const struct store_schema store_schema_alerts = STORE_SCHEMA("alerts", alerts_scripts);

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ---- rules ------------------------------------------------------------------------------- */

void store_alert_rule_clear(struct store_alert_rule *r)
{
    if (!r)
        return;
    char *s[] = {r->name_vi, r->name_en, r->severity, r->type,       r->target,
                 r->params,  r->agency,  r->unit,     r->updated_at, r->updated_by};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        free(s[i]);
    memset(r, 0, sizeof *r);
}

void store_alert_rules_free(struct store_alert_rule *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_alert_rule_clear(&a[i]);
    free(a);
}

#define RULE_COLUMNS                                                                               \
    "id, name_vi, name_en, severity, type, target, params, agency, unit, enabled, "                \
    "escalate_after_s, synthetic, version, updated_at, updated_by "

static int rule_fill(sqlite3_stmt *s, void *p)
{
    struct store_alert_rule *r = p;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    char **str[] = {&r->name_vi, &r->name_en, &r->severity, &r->type,
                    &r->target,  &r->params,  &r->agency,   &r->unit};
    int ok = 1;
    for (int i = 0; i < 8; i++)
        ok &= (*str[i] = store_col_dup(s, 1 + i)) != NULL;
    r->enabled = sqlite3_column_int(s, 9);
    r->escalate_after_s = sqlite3_column_int64(s, 10);
    r->synthetic = sqlite3_column_int(s, 11);
    r->version = sqlite3_column_int64(s, 12);
    ok &= (r->updated_at = store_col_dup(s, 13)) != NULL;
    ok &= (r->updated_by = store_col_dup(s, 14)) != NULL;
    if (!ok) {
        store_alert_rule_clear(r);
        return IOC_ENOMEM;
    }
    return 0;
}

static void rule_clear_v(void *p)
{
    store_alert_rule_clear(p);
}

int store_alert_rule_get(struct store_conn *c, int64_t id, struct store_alert_rule *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " RULE_COLUMNS "FROM alert_rules WHERE id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, rule_fill, out);
}

int store_alert_rules_list(struct store_conn *c, const char *agency, int enabled_only,
                           struct store_alert_rule **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT " RULE_COLUMNS "FROM alert_rules WHERE (?1 IS NULL OR agency = "
                           "?1) AND (?2 = 0 OR enabled = 1) ORDER BY id",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, agency);
    sqlite3_bind_int(s, 2, enabled_only != 0);
    return store_rows(s, sizeof **out, rule_fill, rule_clear_v, (void **)out, n);
}

int store_alert_rules_count(struct store_conn *c, int64_t *n)
{
    return store_scalar(c, "SELECT count(*) FROM alert_rules", n);
}

#define RULES_GENERATION_KEY "alert_rules_generation"

int store_alert_rules_generation(struct store_conn *c, int64_t *out)
{
    char *g = NULL;
    int64_t v = 0;
    int rc = store_meta_get(c, RULES_GENERATION_KEY, &g);
    if (rc == IOC_ENOTFOUND)
        rc = 0;
    else if (rc == 0 && ioc_parse_i64(g, strlen(g), 0, INT64_MAX - 1, &v) != 0)
        rc = IOC_EINVAL;
    free(g);
    if (rc == 0)
        *out = v;
    return rc;
}

/* Every change of the rules adds one to the generation, in the change's transaction. */
static int rules_generation_bump(struct store_conn *w)
{
    int64_t v = 0;
    int rc = store_alert_rules_generation(w, &v);
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)(v + 1));
    return rc ? rc : store_meta_set(w, RULES_GENERATION_KEY, text);
}

static int version_of(struct store_conn *w, const char *table, int64_t id, int64_t *v)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT version FROM %s WHERE id = ?", table);
    sqlite3_stmt *s;
    int rc = store_prepare(w, sql, &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row_int64(s, v);
}

int store_alert_rule_put(struct store_conn *w, const struct store_alert_rule *r, int64_t if_version,
                         int64_t *id, int *stale)
{
    *stale = 0;
    int64_t v = 0;
    int rc;
    if (r->id && (rc = version_of(w, "alert_rules", r->id, &v)) != 0)
        return rc;
    if (r->id && if_version && if_version != v) {
        *stale = 1;
        return 0;
    }
    sqlite3_stmt *s;
    rc = store_prepare(w,
                       r->id ? "UPDATE alert_rules SET name_vi = ?2, name_en = ?3, severity = ?4, "
                               "type = ?5, target = ?6, params = ?7, agency = ?8, unit = ?9, "
                               "enabled = ?10, escalate_after_s = ?11, synthetic = ?12, "
                               "updated_at = ?13, updated_by = ?14, version = version + 1 "
                               "WHERE id = ?1"
                             : "INSERT INTO alert_rules (name_vi, name_en, severity, type, target, "
                               "params, agency, unit, enabled, escalate_after_s, synthetic, "
                               "updated_at, updated_by) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                               "?10, ?11, ?12, ?13, ?14)",
                       &s);
    if (rc)
        return rc;
    char now[32];
    ioc_time_rfc3339(ioc_now_ms(), now);
    if (r->id)
        sqlite3_bind_int64(s, 1, r->id);
    const char *t[] = {r->name_vi, r->name_en, r->severity, r->type,
                       r->target,  r->params,  r->agency,   r->unit};
    for (int i = 0; i < 8; i++)
        store_bind_text(s, 2 + i, txt(t[i]));
    sqlite3_bind_int(s, 10, r->enabled != 0);
    sqlite3_bind_int64(s, 11, r->escalate_after_s);
    sqlite3_bind_int(s, 12, r->synthetic != 0);
    store_bind_text(s, 13, now);
    store_bind_text(s, 14, txt(r->updated_by));
    if ((rc = store_step_done(s)) != 0)
        return rc;
    if (id)
        *id = r->id ? r->id : sqlite3_last_insert_rowid(w->db);
    return rules_generation_bump(w);
}

int store_alert_rule_delete(struct store_conn *w, int64_t id, int64_t if_version, int *stale)
{
    *stale = 0;
    int64_t v = 0;
    int rc = version_of(w, "alert_rules", id, &v);
    if (rc)
        return rc;
    if (if_version && if_version != v) {
        *stale = 1;
        return 0;
    }
    sqlite3_stmt *s;
    if ((rc = store_prepare(w, "DELETE FROM alert_rules WHERE id = ?", &s)) != 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    return rules_generation_bump(w);
}

/* ---- alerts ------------------------------------------------------------------------------ */

void store_alert_clear(struct store_alert *x)
{
    if (!x)
        return;
    char *s[] = {x->rule_name_vi, x->rule_name_en, x->type,        x->severity,     x->state,
                 x->target,       x->agency,       x->unit,        x->summary_vi,   x->summary_en,
                 x->ack_by,       x->ack_note,     x->resolved_by, x->resolved_note};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        free(s[i]);
    memset(x, 0, sizeof *x);
}

void store_alerts_free(struct store_alert *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        store_alert_clear(&a[i]);
    free(a);
}

const char *store_alert_change_name(enum store_alert_change c)
{
    static const char *const names[] = {"fired",        "refired",   "silenced",
                                        "acknowledged", "escalated", "resolved"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "";
}

#define ALERT_COLUMNS                                                                              \
    "a.id, a.rule_id, a.rule_name_vi, a.rule_name_en, a.type, a.severity, a.state, a.target, "     \
    "a.agency, a.unit, a.lat, a.lon, a.value, a.summary_vi, a.summary_en, a.count, a.silenced, "   \
    "a.escalations, a.started_ms, a.last_ms, a.escalated_ms, a.ack_by, a.ack_ms, a.ack_note, "     \
    "a.resolved_by, a.resolved_ms, a.resolved_note, "                                              \
    "coalesce((SELECT g.id FROM agencies g WHERE g.code = a.agency), 0) "

static int alert_fill(sqlite3_stmt *s, void *p)
{
    struct store_alert *x = p;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    x->rule_id = sqlite3_column_int64(s, 1);
    char **str[] = {&x->rule_name_vi, &x->rule_name_en, &x->type,   &x->severity,
                    &x->state,        &x->target,       &x->agency, &x->unit};
    int ok = 1;
    for (int i = 0; i < 8; i++)
        ok &= (*str[i] = store_col_dup(s, 2 + i)) != NULL;
    x->has_pos =
        sqlite3_column_type(s, 10) != SQLITE_NULL && sqlite3_column_type(s, 11) != SQLITE_NULL;
    x->lat = sqlite3_column_double(s, 10);
    x->lon = sqlite3_column_double(s, 11);
    x->has_value = sqlite3_column_type(s, 12) != SQLITE_NULL;
    x->value = sqlite3_column_double(s, 12);
    ok &= (x->summary_vi = store_col_dup(s, 13)) != NULL;
    ok &= (x->summary_en = store_col_dup(s, 14)) != NULL;
    x->count = sqlite3_column_int64(s, 15);
    x->silenced = sqlite3_column_int(s, 16);
    x->escalations = sqlite3_column_int64(s, 17);
    x->started_ms = sqlite3_column_int64(s, 18);
    x->last_ms = sqlite3_column_int64(s, 19);
    x->escalated_ms = sqlite3_column_int64(s, 20);
    ok &= (x->ack_by = store_col_dup(s, 21)) != NULL;
    x->ack_ms = sqlite3_column_int64(s, 22);
    ok &= (x->ack_note = store_col_dup(s, 23)) != NULL;
    ok &= (x->resolved_by = store_col_dup(s, 24)) != NULL;
    x->resolved_ms = sqlite3_column_int64(s, 25);
    ok &= (x->resolved_note = store_col_dup(s, 26)) != NULL;
    x->agency_id = sqlite3_column_int64(s, 27);
    if (!ok) {
        store_alert_clear(x);
        return IOC_ENOMEM;
    }
    return 0;
}

static void alert_clear_v(void *p)
{
    store_alert_clear(p);
}

int store_alert_get(struct store_conn *c, int64_t id, struct store_alert *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " ALERT_COLUMNS "FROM alerts a WHERE a.id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, alert_fill, out);
}

int store_alerts_find(struct store_conn *c, const struct store_alert_query *q,
                      struct store_alert **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c,
        "SELECT " ALERT_COLUMNS
        "FROM alerts a WHERE (?1 IS NULL OR a.state = ?1 OR (?1 = 'open' AND "
        "a.state != 'resolved')) AND (?2 IS "
        "NULL OR a.severity = ?2) AND (?3 IS NULL OR a.agency = ?3) AND (?4 IS NULL OR a.unit = "
        "?4) AND (?5 = 0 OR a.rule_id = ?5) AND (?6 = 0 OR a.id < ?6) ORDER BY a.id DESC LIMIT ?7",
        &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, q->state);
    store_bind_text(s, 2, q->severity);
    store_bind_text(s, 3, q->agency);
    store_bind_text(s, 4, q->unit);
    sqlite3_bind_int64(s, 5, q->rule_id);
    sqlite3_bind_int64(s, 6, q->before_id);
    sqlite3_bind_int(s, 7, q->limit > 0 && q->limit <= 1000 ? q->limit : 100);
    return store_rows(s, sizeof **out, alert_fill, alert_clear_v, (void **)out, n);
}

int store_alerts_live(struct store_conn *c, int64_t since_ms, struct store_alert **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT " ALERT_COLUMNS "FROM alerts a WHERE a.state != 'resolved' OR "
                           "(a.resolved_by = '' AND a.resolved_ms >= ?1) ORDER BY a.id",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, since_ms);
    return store_rows(s, sizeof **out, alert_fill, alert_clear_v, (void **)out, n);
}

static int history_add(struct store_conn *w, int64_t id, enum store_alert_change what,
                       const char *who, int64_t at, const char *note)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        w, "INSERT INTO alert_history (alert_id, what, who, at_ms, note) VALUES (?, ?, ?, ?, ?)",
        &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, store_alert_change_name(what));
    store_bind_text(s, 3, txt(who));
    sqlite3_bind_int64(s, 4, at);
    store_bind_text(s, 5, txt(note));
    return store_step_done(s);
}

/* The newest alert of (rule, target) that is open (open 1), or resolved by the data at or
 * after since (open 0): its id, or 0. */
static int find_alert(struct store_conn *w, int64_t rule, const char *target, int open,
                      int64_t since, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           open ? "SELECT id FROM alerts WHERE rule_id = ?1 AND target = ?2 AND "
                                  "state != 'resolved' ORDER BY id DESC LIMIT 1"
                                : "SELECT id FROM alerts WHERE rule_id = ?1 AND target = ?2 AND "
                                  "state = 'resolved' AND resolved_by = '' AND resolved_ms >= ?3 "
                                  "ORDER BY id DESC LIMIT 1",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, rule);
    store_bind_text(s, 2, txt(target));
    if (!open)
        sqlite3_bind_int64(s, 3, since);
    *id = 0;
    rc = store_row_int64(s, id);
    return rc == IOC_ENOTFOUND ? 0 : rc;
}

static void bind_opt(sqlite3_stmt *s, int i, int has, double v)
{
    if (has)
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

/* 1 if a silence in force at now covers a new alert of f. */
static int silenced(struct store_conn *w, const struct store_alert_fire *f, int *yes)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "SELECT count(*) FROM silences WHERE ends_ms > ?1 AND (rule_id = 0 OR "
                           "rule_id = ?2) AND (agency = '' OR agency = ?3) AND (unit = '' OR unit "
                           "= ?4) AND (target_prefix = '' OR substr(?5, 1, "
                           "length(target_prefix)) = target_prefix)",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, f->now_ms);
    sqlite3_bind_int64(s, 2, f->rule_id);
    store_bind_text(s, 3, txt(f->agency));
    store_bind_text(s, 4, txt(f->unit));
    store_bind_text(s, 5, txt(f->target));
    int64_t n = 0;
    rc = store_row_int64(s, &n);
    *yes = n > 0;
    return rc;
}

int store_alert_fire(struct store_conn *w, const struct store_alert_fire *f,
                     enum store_alert_change *change, struct store_alert *out)
{
    int64_t id = 0;
    int rc = find_alert(w, f->rule_id, f->target, 1, 0, &id);
    int reopen = 0;
    if (rc == 0 && !id && f->regroup_ms > 0)
        rc = find_alert(w, f->rule_id, f->target, 0, f->now_ms - f->regroup_ms, &id), reopen = 1;
    if (rc)
        return rc;
    sqlite3_stmt *s;
    enum store_alert_change ch = STORE_ALERT_REFIRED;
    if (id) { /* counted again (reopened: its acknowledgement and resolution cleared) */
        rc =
            store_prepare(w,
                          reopen ? "UPDATE alerts SET count = count + 1, last_ms = ?2, value = ?3, "
                                   "summary_vi = ?4, summary_en = ?5, state = 'firing', ack_by = "
                                   "'', ack_ms = 0, ack_note = '', resolved_by = '', resolved_ms "
                                   "= 0, resolved_note = '', escalated_ms = ?2 WHERE id = ?1"
                                 : "UPDATE alerts SET count = count + 1, last_ms = ?2, value = ?3, "
                                   "summary_vi = ?4, summary_en = ?5 WHERE id = ?1",
                          &s);
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, f->now_ms);
        bind_opt(s, 3, f->has_value, f->value);
        store_bind_text(s, 4, txt(f->summary_vi));
        store_bind_text(s, 5, txt(f->summary_en));
    } else {
        int sil = 0;
        if ((rc = silenced(w, f, &sil)) != 0)
            return rc;
        ch = sil ? STORE_ALERT_SILENCED : STORE_ALERT_FIRED;
        rc = store_prepare(w,
                           "INSERT INTO alerts (rule_id, rule_name_vi, rule_name_en, type, "
                           "severity, state, target, agency, unit, lat, lon, value, summary_vi, "
                           "summary_en, silenced, started_ms, last_ms, escalated_ms) VALUES (?1, "
                           "?2, ?3, ?4, ?5, 'firing', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                           "?15, ?15, ?15)",
                           &s);
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, f->rule_id);
        const char *t[] = {f->rule_name_vi, f->rule_name_en, f->type, f->severity,
                           f->target,       f->agency,       f->unit};
        for (int i = 0; i < 7; i++)
            store_bind_text(s, 2 + i, txt(t[i]));
        bind_opt(s, 9, f->has_pos, f->lat);
        bind_opt(s, 10, f->has_pos, f->lon);
        bind_opt(s, 11, f->has_value, f->value);
        store_bind_text(s, 12, txt(f->summary_vi));
        store_bind_text(s, 13, txt(f->summary_en));
        sqlite3_bind_int(s, 14, sil);
        sqlite3_bind_int64(s, 15, f->now_ms);
    }
    if ((rc = store_step_done(s)) != 0)
        return rc;
    if (!id)
        id = sqlite3_last_insert_rowid(w->db);
    if ((rc = history_add(w, id, ch, "", f->now_ms, reopen ? "reopened" : "")) != 0)
        return rc;
    *change = ch;
    return store_alert_get(w, id, out);
}

int store_alert_resolve_data(struct store_conn *w, int64_t rule_id, const char *target,
                             int64_t now_ms, struct store_alert *out)
{
    int64_t id = 0;
    int rc = find_alert(w, rule_id, target, 1, 0, &id);
    if (rc)
        return rc;
    if (!id)
        return IOC_ENOTFOUND;
    sqlite3_stmt *s;
    if ((rc = store_prepare(w,
                            "UPDATE alerts SET state = 'resolved', resolved_by = '', resolved_ms "
                            "= ?2, resolved_note = '' WHERE id = ?1",
                            &s)) != 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now_ms);
    if ((rc = store_step_done(s)) != 0 ||
        (rc = history_add(w, id, STORE_ALERT_RESOLVED, "", now_ms, "")) != 0)
        return rc;
    return store_alert_get(w, id, out);
}

int store_alert_escalate(struct store_conn *w, int64_t rule_id, const char *target, int64_t now_ms,
                         struct store_alert *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "SELECT id FROM alerts WHERE rule_id = ?1 AND target = ?2 AND state = "
                           "'firing' AND silenced = 0 ORDER BY id DESC LIMIT 1",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, rule_id);
    store_bind_text(s, 2, txt(target));
    int64_t id = 0;
    if ((rc = store_row_int64(s, &id)) != 0)
        return rc;
    if ((rc = store_prepare(w,
                            "UPDATE alerts SET severity = CASE severity WHEN 'info' THEN 'warning' "
                            "ELSE 'critical' END, escalations = escalations + 1, escalated_ms = ?2 "
                            "WHERE id = ?1",
                            &s)) != 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now_ms);
    if ((rc = store_step_done(s)) != 0 ||
        (rc = history_add(w, id, STORE_ALERT_ESCALATED, "", now_ms, "")) != 0)
        return rc;
    return store_alert_get(w, id, out);
}

int store_alert_act(struct store_conn *w, int64_t id, int resolve, const char *by, const char *note,
                    int64_t now_ms, struct store_alert *out)
{
    struct store_alert cur;
    int rc = store_alert_get(w, id, &cur);
    if (rc)
        return rc;
    int ok = resolve ? strcmp(cur.state, "resolved") != 0 : strcmp(cur.state, "firing") == 0;
    store_alert_clear(&cur);
    if (!ok)
        return IOC_EEXIST;
    sqlite3_stmt *s;
    rc = store_prepare(w,
                       resolve ? "UPDATE alerts SET state = 'resolved', resolved_by = ?2, "
                                 "resolved_ms = ?3, resolved_note = ?4 WHERE id = ?1"
                               : "UPDATE alerts SET state = 'acknowledged', ack_by = ?2, ack_ms = "
                                 "?3, ack_note = ?4 WHERE id = ?1",
                       &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, txt(by));
    sqlite3_bind_int64(s, 3, now_ms);
    store_bind_text(s, 4, txt(note));
    if ((rc = store_step_done(s)) != 0 ||
        (rc = history_add(w, id, resolve ? STORE_ALERT_RESOLVED : STORE_ALERT_ACKNOWLEDGED, by,
                          now_ms, note)) != 0)
        return rc;
    return store_alert_get(w, id, out);
}

int store_alerts_resolve_rule(struct store_conn *w, int64_t rule_id, const char *by, int64_t now_ms,
                              int (*fn)(void *ctx, const struct store_alert *x), void *ctx)
{
    for (;;) { /* the oldest open one, until none is left */
        sqlite3_stmt *s;
        int64_t id = 0;
        int rc = store_prepare(w,
                               "SELECT id FROM alerts WHERE rule_id = ? AND state != 'resolved' "
                               "ORDER BY id LIMIT 1",
                               &s);
        if (rc)
            return rc;
        sqlite3_bind_int64(s, 1, rule_id);
        if ((rc = store_row_int64(s, &id)) != 0)
            return rc == IOC_ENOTFOUND ? 0 : rc;
        struct store_alert x;
        if ((rc = store_alert_act(w, id, 1, by, "", now_ms, &x)) != 0)
            return rc;
        rc = fn ? fn(ctx, &x) : 0;
        store_alert_clear(&x);
        if (rc)
            return rc;
    }
}

/* ---- history ----------------------------------------------------------------------------- */

void store_alert_events_free(struct store_alert_event *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].what);
        free(a[i].who);
        free(a[i].note);
    }
    free(a);
}

static void event_clear_v(void *p)
{
    struct store_alert_event *e = p;
    free(e->what);
    free(e->who);
    free(e->note);
    memset(e, 0, sizeof *e);
}

static int event_fill(sqlite3_stmt *s, void *p)
{
    struct store_alert_event *e = p;
    memset(e, 0, sizeof *e);
    int ok = (e->what = store_col_dup(s, 0)) != NULL;
    ok &= (e->who = store_col_dup(s, 1)) != NULL;
    e->at_ms = sqlite3_column_int64(s, 2);
    ok &= (e->note = store_col_dup(s, 3)) != NULL;
    if (!ok) {
        event_clear_v(e);
        return IOC_ENOMEM;
    }
    return 0;
}

int store_alert_history(struct store_conn *c, int64_t id, struct store_alert_event **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(
        c, "SELECT what, who, at_ms, note FROM alert_history WHERE alert_id = ? ORDER BY id", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_rows(s, sizeof **out, event_fill, event_clear_v, (void **)out, n);
}

/* ---- silences ---------------------------------------------------------------------------- */

static void silence_clear_v(void *p)
{
    struct store_silence *x = p;
    free(x->agency);
    free(x->unit);
    free(x->target_prefix);
    free(x->reason);
    free(x->created_by);
    memset(x, 0, sizeof *x);
}

void store_silences_free(struct store_silence *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        silence_clear_v(&a[i]);
    free(a);
}

static int silence_fill(sqlite3_stmt *s, void *p)
{
    struct store_silence *x = p;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    x->rule_id = sqlite3_column_int64(s, 1);
    int ok = (x->agency = store_col_dup(s, 2)) != NULL;
    ok &= (x->unit = store_col_dup(s, 3)) != NULL;
    ok &= (x->target_prefix = store_col_dup(s, 4)) != NULL;
    x->ends_ms = sqlite3_column_int64(s, 5);
    ok &= (x->reason = store_col_dup(s, 6)) != NULL;
    ok &= (x->created_by = store_col_dup(s, 7)) != NULL;
    x->created_ms = sqlite3_column_int64(s, 8);
    if (!ok) {
        silence_clear_v(x);
        return IOC_ENOMEM;
    }
    return 0;
}

#define SILENCE_COLUMNS                                                                            \
    "id, rule_id, agency, unit, target_prefix, ends_ms, reason, created_by, created_ms "

int store_silence_add(struct store_conn *w, const struct store_silence *x, int64_t *id)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           "INSERT INTO silences (rule_id, agency, unit, target_prefix, ends_ms, "
                           "reason, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, x->rule_id);
    store_bind_text(s, 2, txt(x->agency));
    store_bind_text(s, 3, txt(x->unit));
    store_bind_text(s, 4, txt(x->target_prefix));
    sqlite3_bind_int64(s, 5, x->ends_ms);
    store_bind_text(s, 6, txt(x->reason));
    store_bind_text(s, 7, txt(x->created_by));
    sqlite3_bind_int64(s, 8, x->created_ms);
    if ((rc = store_step_done(s)) != 0)
        return rc;
    if (id)
        *id = sqlite3_last_insert_rowid(w->db);
    return 0;
}

int store_silence_delete(struct store_conn *w, int64_t id)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w, "DELETE FROM silences WHERE id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    rc = store_step_done(s);
    return rc == 0 && sqlite3_changes(w->db) == 0 ? IOC_ENOTFOUND : rc;
}

int store_silences_list(struct store_conn *c, int64_t now_ms, const char *agency,
                        struct store_silence **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT " SILENCE_COLUMNS "FROM silences WHERE ends_ms > ?1 AND (?2 IS "
                           "NULL OR agency = ?2) ORDER BY id DESC",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now_ms);
    store_bind_text(s, 2, agency);
    return store_rows(s, sizeof **out, silence_fill, silence_clear_v, (void **)out, n);
}

int store_silence_get(struct store_conn *c, int64_t id, struct store_silence *out)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT " SILENCE_COLUMNS "FROM silences WHERE id = ?", &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return store_row(s, silence_fill, out);
}
