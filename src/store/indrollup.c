/*
 * indrollup.c — the rows the roll-ups of src/indicators read from ind_values: one indicator's
 * base rows below a unit (where recorded, or in the geography of a day through the succession
 * links and their shares), every indicator's at once (the overview), the first submissions and
 * the expected units (freshness), the generations the roll-up cache is labelled with, and the
 * shares of split communes. The tables are created by indvalues.c.
 */
#include "store/store.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *txt(const char *s)
{
    return s ? s : "";
}

/* ---- the rows a roll-up reads ------------------------------------------------------------ */

static int fill_base(sqlite3_stmt *s, void *p)
{
    struct store_indbase *b = p;
    b->period_n = sqlite3_column_int64(s, 0);
    b->own = sqlite3_column_int(s, 1);
    b->value = sqlite3_column_double(s, 2);
    b->has_ratio = sqlite3_column_int(s, 3);
    b->num = sqlite3_column_double(s, 4);
    b->den = sqlite3_column_double(s, 5);
    b->share = 1;
    b->approximate = 0;
    return 0;
}

static void clear_base_v(void *p)
{
    (void)p;
}

/*
 * The units under every version of code: versions of its children (by parent_code) whose
 * validity overlaps their parent's, and so on down (at most 4 levels deep). Then the values
 * of the communes among them, and of code itself (own = 1).
 */
static const char base_sql[] =
    "WITH RECURSIVE sub(id, code, level, vf, vt, depth) AS ("
    "  SELECT id, code, level, valid_from, valid_to, 0 FROM units WHERE code = ?1"
    "  UNION"
    "  SELECT u.id, u.code, u.level, u.valid_from, u.valid_to, sub.depth + 1 FROM units u"
    "  JOIN sub ON u.parent_code = sub.code"
    "  AND (sub.vt = '' OR u.valid_from <= sub.vt) AND (u.valid_to = '' OR u.valid_to >= sub.vf)"
    "  WHERE sub.depth < 4),"
    " tgt(id, own) AS (SELECT id, max(code = ?1) FROM sub WHERE level = 'commune' OR code = ?1"
    "  GROUP BY id)"
    /* each target unit, then its values through ind_values_unit */
    "SELECT v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM tgt CROSS JOIN ind_values v INDEXED BY ind_values_unit"
    " ON v.unit_id = tgt.id AND v.indicator_id = ?2 AND v.freq = ?3"
    " AND v.period_n BETWEEN ?4 AND ?5"
    " ORDER BY v.period_n, 2 DESC";

int store_indvalue_base(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                        const char *freq, int64_t from_n, int64_t to_n, struct store_indbase **out,
                        size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, base_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    sqlite3_bind_int64(s, 2, indicator_id);
    store_bind_text(s, 3, txt(freq));
    sqlite3_bind_int64(s, 4, from_n);
    sqlite3_bind_int64(s, 5, to_n);
    return store_rows(s, sizeof **out, fill_base, clear_base_v, (void **)out, n);
}

/*
 * The share of each succession link: the one set for it (ind_shares), else an equal part of
 * what the links of its old unit without a set share leave (1 / the number of links when none
 * is set); cnt the old unit's number of links. The one place this rule is written: the base
 * rows in a geography and the export of the shares both read it.
 */
#define LINKS_CTE                                                                                  \
    " links AS (SELECT s.old_id, s.new_id, s.partial, count(*) OVER w AS cnt, x.share AS "         \
    "set_share,"                                                                                   \
    "  coalesce(x.share, (1.0 - coalesce(sum(x.share) OVER w, 0))"                                 \
    "   / nullif(count(*) OVER w - count(x.share) OVER w, 0)) AS share"                            \
    "  FROM successions s LEFT JOIN ind_shares x ON x.old_id = s.old_id AND x.new_id = s.new_id"   \
    "  WINDOW w AS (PARTITION BY s.old_id))"

/*
 * The same in the geography of day ?6: the targets are the version of ?1 in force that day
 * (own) and the communes under it that day; a value recorded against a unit not in force that
 * day follows its successions (at most 4 steps), each link taking its share (LINKS_CTE) of what
 * its old unit held, approximate when the old unit had several links or the link is partial.
 */
#define AT_FORCE(u) "(" u ".valid_from <= ?6 AND (" u ".valid_to = '' OR " u ".valid_to >= ?6))"
/* clang-format off */
static const char base_at_sql[] =
    "WITH RECURSIVE t(id, code, level, own, depth) AS ("
    "  SELECT id, code, level, 1, 0 FROM units u WHERE code = ?1 AND " AT_FORCE("u")
    "  UNION ALL"
    "  SELECT u.id, u.code, u.level, 0, t.depth + 1 FROM units u JOIN t ON u.parent_code = t.code"
    "  WHERE " AT_FORCE("u") " AND t.depth < 4),"
    LINKS_CTE ","
    " map(src, cur, share, approx, depth) AS ("
    "  SELECT DISTINCT unit_id, unit_id, 1.0, 0, 0 FROM ind_values"
    "  WHERE indicator_id = ?2 AND freq = ?3 AND period_n BETWEEN ?4 AND ?5"
    "  UNION ALL"
    "  SELECT map.src, l.new_id, map.share * l.share, map.approx OR l.partial OR l.cnt > 1,"
    "  map.depth + 1 FROM map JOIN units cu ON cu.id = map.cur AND NOT " AT_FORCE("cu")
    "  JOIN links l ON l.old_id = map.cur WHERE map.depth < 4),"
    /* each stored unit that leads to a target, with its share; then its values */
    " src(id, own, share, approx) AS (SELECT map.src, t.own, map.share, map.approx FROM map"
    "  JOIN (SELECT DISTINCT id, level, own FROM t) t ON t.id = map.cur"
    "  WHERE t.level = 'commune' OR t.own = 1)"
    "SELECT v.period_n, src.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0), src.share, src.approx"
    " FROM src CROSS JOIN ind_values v INDEXED BY ind_values_unit"
    " ON v.unit_id = src.id AND v.indicator_id = ?2 AND v.freq = ?3"
    " AND v.period_n BETWEEN ?4 AND ?5"
    " ORDER BY v.period_n, src.own DESC";
/* clang-format on */

static int fill_base_at(sqlite3_stmt *s, void *p)
{
    struct store_indbase *b = p;
    fill_base(s, p);
    b->share = sqlite3_column_double(s, 6);
    b->approximate = sqlite3_column_int(s, 7);
    return 0;
}

int store_indvalue_base_at(struct store_conn *c, int64_t indicator_id, const char *unit_code,
                           const char *at, const char *freq, int64_t from_n, int64_t to_n,
                           struct store_indbase **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, base_at_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    sqlite3_bind_int64(s, 2, indicator_id);
    store_bind_text(s, 3, txt(freq));
    sqlite3_bind_int64(s, 4, from_n);
    sqlite3_bind_int64(s, 5, to_n);
    store_bind_text(s, 6, txt(at));
    return store_rows(s, sizeof **out, fill_base_at, clear_base_v, (void **)out, n);
}

/* ---- the overview and the freshness table (reads over every indicator at once) ----------- */

static int fill_ind_id(sqlite3_stmt *s, void *p)
{
    struct store_ind_id *x = p;
    x->id = sqlite3_column_int64(s, 0);
    const unsigned char *code = sqlite3_column_text(s, 1);
    size_t len = code ? strlen((const char *)code) : 0;
    if (len >= sizeof x->code)
        len = sizeof x->code - 1;
    memcpy(x->code, code ? (const char *)code : "", len);
    x->code[len] = '\0';
    return 0;
}

int store_ind_ids(struct store_conn *c, struct store_ind_id **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, "SELECT id, code FROM indicators ORDER BY code", &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_ind_id, clear_base_v, (void **)out, n);
}

/*
 * Every indicator's values at freq in [?3, ?4] below unit ?1 (today's geography, as base_sql):
 * one walk of the primary key per indicator (in catalogue order, so each indicator's rows come
 * together, by period), keeping the rows of the target units; only the indicators of domain ?5
 * and in the JSON array of ids ?6 when they are not NULL.
 */
#define BASE_ALL_TGT                                                                               \
    "WITH RECURSIVE sub(id, code, level, vf, vt, depth) AS ("                                      \
    "  SELECT id, code, level, valid_from, valid_to, 0 FROM units WHERE code = ?1"                 \
    "  UNION"                                                                                      \
    "  SELECT u.id, u.code, u.level, u.valid_from, u.valid_to, sub.depth + 1 FROM units u"         \
    "  JOIN sub ON u.parent_code = sub.code"                                                       \
    "  AND (sub.vt = '' OR u.valid_from <= sub.vt) AND (u.valid_to = '' OR u.valid_to >= sub.vf)"  \
    "  WHERE sub.depth < 4),"                                                                      \
    " tgt(id, own) AS MATERIALIZED (SELECT id, max(code = ?1) FROM sub"                            \
    "  WHERE level = 'commune' OR code = ?1 GROUP BY id)"
#define BASE_ALL_WHERE                                                                             \
    " WHERE (?5 IS NULL OR i.domain = ?5)"                                                         \
    " AND (?6 IS NULL OR i.id IN (SELECT value FROM json_each(?6)))"                               \
    " ORDER BY i.position, v.period_n"
/* many target units (a province): each indicator's rows by the primary key, filtered */
static const char base_all_sql[] = BASE_ALL_TGT
    "SELECT v.indicator_id, v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM indicators i CROSS JOIN ind_values v"
    " ON v.indicator_id = i.id AND v.freq = ?2 AND v.period_n BETWEEN ?3 AND ?4"
    " JOIN tgt ON tgt.id = v.unit_id" BASE_ALL_WHERE;
/* a few (a commune): each (indicator, unit) looked up in ind_values_unit */
static const char base_all_few_sql[] = BASE_ALL_TGT
    "SELECT v.indicator_id, v.period_n, tgt.own, v.value, v.num IS NOT NULL, coalesce(v.num, 0),"
    " coalesce(v.den, 0) FROM indicators i CROSS JOIN tgt CROSS JOIN ind_values v"
    " INDEXED BY ind_values_unit ON v.unit_id = tgt.id AND v.indicator_id = i.id AND v.freq = ?2"
    " AND v.period_n BETWEEN ?3 AND ?4" BASE_ALL_WHERE;
#define BASE_ALL_FEW 8

static int fill_base_all(sqlite3_stmt *s, void *p)
{
    struct store_indbase_all *b = p;
    b->indicator_id = sqlite3_column_int64(s, 0);
    b->period_n = sqlite3_column_int64(s, 1);
    b->own = sqlite3_column_int(s, 2);
    b->value = sqlite3_column_double(s, 3);
    b->has_ratio = sqlite3_column_int(s, 4);
    b->num = sqlite3_column_double(s, 5);
    b->den = sqlite3_column_double(s, 6);
    return 0;
}

int store_indvalue_base_all(struct store_conn *c, const char *unit_code, const char *freq,
                            int64_t from_n, int64_t to_n, const char *domain, const char *ids_json,
                            struct store_indbase_all **out, size_t *n)
{
    sqlite3_stmt *s;
    int64_t units = 0;
    int rc = store_prepare(c, BASE_ALL_TGT "SELECT count(*) FROM tgt", &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    if ((rc = store_row_int64(s, &units)) != 0)
        return rc;
    rc = store_prepare(c, units <= BASE_ALL_FEW ? base_all_few_sql : base_all_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    store_bind_text(s, 2, txt(freq));
    sqlite3_bind_int64(s, 3, from_n);
    sqlite3_bind_int64(s, 4, to_n);
    if (domain)
        store_bind_text(s, 5, domain);
    if (ids_json)
        store_bind_text(s, 6, ids_json);
    return store_rows(s, sizeof **out, fill_base_all, clear_base_v, (void **)out, n);
}

/* The first submission of each value: revision 1's time, kept in the revisions once the value
 * was revised, else the current row's. */
static const char firsts_sql[] =
    "SELECT v.indicator_id, v.unit_id, CAST(strftime('%s', coalesce((SELECT r.at FROM"
    " ind_value_revisions r WHERE r.indicator_id = v.indicator_id AND r.unit_id = v.unit_id"
    " AND r.freq = v.freq AND r.period_n = v.period_n AND r.revision = 1), v.at)) AS INTEGER)"
    " FROM indicators i CROSS JOIN ind_values v ON v.indicator_id = i.id AND v.freq = ?1"
    " AND v.period_n = ?2 ORDER BY v.indicator_id, v.unit_id";

static int fill_first(sqlite3_stmt *s, void *p)
{
    struct store_indfirst *f = p;
    f->indicator_id = sqlite3_column_int64(s, 0);
    f->unit_id = sqlite3_column_int64(s, 1);
    f->first_s = sqlite3_column_int64(s, 2);
    return 0;
}

int store_indvalue_firsts(struct store_conn *c, const char *freq, int64_t period_n,
                          struct store_indfirst **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, firsts_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(freq));
    sqlite3_bind_int64(s, 2, period_n);
    return store_rows(s, sizeof **out, fill_first, clear_base_v, (void **)out, n);
}

/* The version of ?1 (or of the province when ?1 is "") in force on day ?2 (own), and the
 * communes under it that day. */
static const char expected_sql[] =
    "WITH RECURSIVE sub(id, code, level, depth) AS ("
    "  SELECT id, code, level, 0 FROM units WHERE (code = ?1 OR (?1 = '' AND level = 'province'))"
    "  AND valid_from <= ?2 AND (valid_to = '' OR valid_to >= ?2)"
    "  UNION"
    "  SELECT u.id, u.code, u.level, sub.depth + 1 FROM units u JOIN sub"
    "  ON u.parent_code = sub.code AND u.valid_from <= ?2 AND (u.valid_to = '' OR u.valid_to >= ?2)"
    "  WHERE sub.depth < 4)"
    "SELECT id, max(depth = 0) FROM sub WHERE depth = 0 OR level = 'commune' GROUP BY id"
    " ORDER BY id";

static int fill_unit_id(sqlite3_stmt *s, void *p)
{
    struct store_unit_id *u = p;
    u->id = sqlite3_column_int64(s, 0);
    u->own = sqlite3_column_int(s, 1);
    return 0;
}

int store_units_expected(struct store_conn *c, const char *unit_code, const char *day,
                         struct store_unit_id **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, expected_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(unit_code));
    store_bind_text(s, 2, txt(day));
    return store_rows(s, sizeof **out, fill_unit_id, clear_base_v, (void **)out, n);
}

/* ---- generations (the roll-up cache's) ---------------------------------------------------- */

static int fill_gen(sqlite3_stmt *s, void *p)
{
    struct store_ind_gen *g = p;
    g->indicator_id = sqlite3_column_int64(s, 0);
    g->gen = (uint64_t)sqlite3_column_int64(s, 1);
    return 0;
}

int store_ind_gens(struct store_conn *c, int64_t indicator_id, struct store_ind_gen **out,
                   size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           indicator_id < 0
                               ? "SELECT indicator_id, gen FROM ind_gens ORDER BY indicator_id"
                               : "SELECT indicator_id, gen FROM ind_gens WHERE indicator_id IN "
                                 "(0, ?1) ORDER BY indicator_id",
                           &s);
    if (rc)
        return rc;
    if (indicator_id >= 0)
        sqlite3_bind_int64(s, 1, indicator_id);
    return store_rows(s, sizeof **out, fill_gen, clear_base_v, (void **)out, n);
}

/* ---- the shares of split communes --------------------------------------------------------- */

/* Every link of an old unit with several links, by old code then new code. */
/* clang-format off */
static const char links_sql[] =
    "WITH" LINKS_CTE
    " SELECT l.old_id, l.new_id, o.code, o.name, o.valid_to, n.code, n.name, l.partial, l.cnt,"
    "  l.set_share, l.share"
    " FROM links l JOIN units o ON o.id = l.old_id JOIN units n ON n.id = l.new_id"
    " WHERE l.cnt > 1 ORDER BY o.code, o.valid_to, n.code, n.valid_from";
/* clang-format on */

static void copy_col(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static int fill_link(sqlite3_stmt *s, void *p)
{
    struct store_ind_link *l = p;
    l->old_id = sqlite3_column_int64(s, 0);
    l->new_id = sqlite3_column_int64(s, 1);
    copy_col(s, 2, l->old_code, sizeof l->old_code);
    copy_col(s, 3, l->old_name, sizeof l->old_name);
    copy_col(s, 4, l->old_valid_to, sizeof l->old_valid_to);
    copy_col(s, 5, l->new_code, sizeof l->new_code);
    copy_col(s, 6, l->new_name, sizeof l->new_name);
    l->partial = sqlite3_column_int(s, 7);
    l->links = sqlite3_column_int(s, 8);
    l->has_share = sqlite3_column_type(s, 9) != SQLITE_NULL;
    l->share = l->has_share ? sqlite3_column_double(s, 9) : 0;
    l->effective = sqlite3_column_double(s, 10);
    return 0;
}

int store_ind_links(struct store_conn *c, struct store_ind_link **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, links_sql, &s);
    if (rc)
        return rc;
    return store_rows(s, sizeof **out, fill_link, clear_base_v, (void **)out, n);
}

int store_ind_share_set(struct store_conn *w, int64_t old_id, int64_t new_id, const double *share,
                        const char *who, const char *at)
{
    sqlite3_stmt *s;
    int rc = store_prepare(w,
                           share ? "INSERT INTO ind_shares (old_id, new_id, share, who, at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (old_id, new_id)"
                                   " DO UPDATE SET share = excluded.share, who = excluded.who,"
                                   " at = excluded.at WHERE share <> excluded.share"
                                 : "DELETE FROM ind_shares WHERE old_id = ?1 AND new_id = ?2",
                           &s);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, old_id);
    sqlite3_bind_int64(s, 2, new_id);
    if (share) {
        sqlite3_bind_double(s, 3, *share);
        store_bind_text(s, 4, txt(who));
        store_bind_text(s, 5, txt(at));
    }
    return store_step_done(s);
}

/* ---- the whole history in a geography ----------------------------------------------------- */

/* Every unit's way to the communes in force on ?1: itself when it is one, else along the
 * succession links with their shares (as base_at_sql: at most 4 steps, approximate through a
 * split or a partial link). */
/* clang-format off */
#define AT_FORCE1(u) "(" u ".valid_from <= ?1 AND (" u ".valid_to = '' OR " u ".valid_to >= ?1))"
static const char unit_map_sql[] =
    "WITH RECURSIVE" LINKS_CTE ","
    " map(src, cur, share, approx, depth) AS ("
    "  SELECT id, id, 1.0, 0, 0 FROM units"
    "  UNION ALL"
    "  SELECT map.src, l.new_id, map.share * l.share, map.approx OR l.partial OR l.cnt > 1,"
    "  map.depth + 1 FROM map JOIN units cu ON cu.id = map.cur AND NOT " AT_FORCE1("cu")
    "  JOIN links l ON l.old_id = map.cur WHERE map.depth < 4)"
    "SELECT map.src, map.cur, t.code, map.share, map.approx FROM map JOIN units t ON t.id = map.cur"
    " WHERE t.level = 'commune' AND " AT_FORCE1("t") " ORDER BY map.src, t.code";
/* clang-format on */

static int fill_unit_map(sqlite3_stmt *s, void *p)
{
    struct store_unit_map *m = p;
    m->src_id = sqlite3_column_int64(s, 0);
    m->target_id = sqlite3_column_int64(s, 1);
    copy_col(s, 2, m->target_code, sizeof m->target_code);
    m->share = sqlite3_column_double(s, 3);
    m->approximate = sqlite3_column_int(s, 4);
    return 0;
}

int store_unit_map(struct store_conn *c, const char *day, struct store_unit_map **out, size_t *n)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c, unit_map_sql, &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(day));
    return store_rows(s, sizeof **out, fill_unit_map, clear_base_v, (void **)out, n);
}

int store_indvalue_each(struct store_conn *c, const char *freq, int64_t from_n, int64_t to_n,
                        store_indvalue_row_fn fn, void *ctx)
{
    sqlite3_stmt *s;
    int rc = store_prepare(c,
                           "SELECT indicator_id, unit_id, period_n, value, num IS NOT NULL,"
                           " coalesce(num, 0), coalesce(den, 0) FROM ind_values"
                           " WHERE freq = ?1 AND period_n BETWEEN ?2 AND ?3"
                           " ORDER BY indicator_id, period_n, unit_id",
                           &s);
    if (rc)
        return rc;
    store_bind_text(s, 1, txt(freq));
    sqlite3_bind_int64(s, 2, from_n);
    sqlite3_bind_int64(s, 3, to_n);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_indvalue_row r = {.indicator_id = sqlite3_column_int64(s, 0),
                                       .unit_id = sqlite3_column_int64(s, 1),
                                       .period_n = sqlite3_column_int64(s, 2),
                                       .value = sqlite3_column_double(s, 3),
                                       .num = sqlite3_column_double(s, 5),
                                       .den = sqlite3_column_double(s, 6),
                                       .has_ratio = sqlite3_column_int(s, 4)};
        if ((rc = fn(ctx, &r)) != 0)
            break;
    }
    if (rc == 0)
        rc = store_step_rc(s, step);
    store_finalize(s);
    return rc;
}
