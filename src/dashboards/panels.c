/*
 * panels.c — the panels of a dashboard (docs/dashboards.md "Panels"): each has a unique id, a
 * known type, a place on the grid inside its columns and rows that overlaps no other panel,
 * the indicators its type shows (known to the catalogue), the unit and period it shows them
 * for, and the options of its type. The canonical panel keeps the documented member order.
 *
 *   type        indicators            period          options
 *   number      indicator             any             lights, show_target, compare, decimals
 *   gauge       indicator             any             min, max, lights, decimals
 *   line        indicator|indicators  a range         compare, decimals
 *   bar         indicator|indicators  any; by=period: a range   by, limit, order, decimals
 *   choropleth  indicator             any             scheme, decimals
 *   table       indicator             any             limit, order, decimals
 *   text        none (text_vi)        none            none
 */
#include "dashboards/dash_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

enum okind { O_BOOL, O_INT, O_NUM, O_ENUM };
struct ospec {
    const char *name;
    enum okind kind;
    json_int_t min, max;       /* O_INT */
    const char *const *values; /* O_ENUM, NULL-terminated */
};

static const char *const compare_number[] = {"none", "previous_period", "previous_year", NULL};
static const char *const compare_line[] = {"none", "target", "previous_year", NULL};
static const char *const bar_by[] = {"commune", "period", NULL};
static const char *const orders[] = {"desc", "asc", NULL};
static const char *const schemes[] = {"sequential", "diverging", "lights", NULL};

#define DECIMALS                                                                                   \
    {                                                                                              \
        "decimals", O_INT, 0, 6, NULL                                                              \
    }
static const struct ospec o_number[] = {{"lights", O_BOOL, 0, 0, NULL},
                                        {"show_target", O_BOOL, 0, 0, NULL},
                                        {"compare", O_ENUM, 0, 0, compare_number},
                                        DECIMALS,
                                        {NULL, 0, 0, 0, NULL}};
static const struct ospec o_gauge[] = {{"min", O_NUM, 0, 0, NULL},
                                       {"max", O_NUM, 0, 0, NULL},
                                       {"lights", O_BOOL, 0, 0, NULL},
                                       DECIMALS,
                                       {NULL, 0, 0, 0, NULL}};
static const struct ospec o_line[] = {
    {"compare", O_ENUM, 0, 0, compare_line}, DECIMALS, {NULL, 0, 0, 0, NULL}};
static const struct ospec o_bar[] = {{"by", O_ENUM, 0, 0, bar_by},
                                     {"limit", O_INT, 1, 200, NULL},
                                     {"order", O_ENUM, 0, 0, orders},
                                     DECIMALS,
                                     {NULL, 0, 0, 0, NULL}};
static const struct ospec o_choropleth[] = {
    {"scheme", O_ENUM, 0, 0, schemes}, DECIMALS, {NULL, 0, 0, 0, NULL}};
static const struct ospec o_table[] = {{"limit", O_INT, 1, 200, NULL},
                                       {"order", O_ENUM, 0, 0, orders},
                                       DECIMALS,
                                       {NULL, 0, 0, 0, NULL}};
static const struct ospec o_text[] = {{NULL, 0, 0, 0, NULL}};

enum series { S_NONE, S_ONE, S_MANY }; /* text; one indicator; one or several */
static const struct ptype {
    const char *name;
    enum series series;
    const struct ospec *options;
} types[] = {
    {"number", S_ONE, o_number}, {"gauge", S_ONE, o_gauge},           {"line", S_MANY, o_line},
    {"bar", S_MANY, o_bar},      {"choropleth", S_ONE, o_choropleth}, {"table", S_ONE, o_table},
    {"text", S_NONE, o_text},
};

static const char *const panel_members[] = {
    "id",        "type",       "title_vi", "title_en", "x",       "y",       "w",       "h",
    "indicator", "indicators", "unit",     "period",   "text_vi", "text_en", "options", NULL};

/* ---- periods and units ------------------------------------------------------------------- */

enum { P_BAD = -1, P_POINT = 0, P_RANGE = 1 };

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* "latest", "YYYY-MM", "YYYY-Qn": one period; "year", "YYYY", "lastN" (N 1..120): a range. */
static int period_kind(const char *s)
{
    size_t n = strlen(s);
    if (strcmp(s, "latest") == 0)
        return P_POINT;
    if (strcmp(s, "year") == 0)
        return P_RANGE;
    if (n > 4 && n <= 7 && strncmp(s, "last", 4) == 0 && digits(s + 4, n - 4) && s[4] != '0')
        return atoi(s + 4) <= 120 ? P_RANGE : P_BAD;
    if (n < 4 || !digits(s, 4) || s[0] < '1' || s[0] > '2')
        return P_BAD;
    if (n == 4)
        return P_RANGE;
    if (n == 7 && s[4] == '-' && digits(s + 5, 2)) {
        int m = atoi(s + 5);
        return m >= 1 && m <= 12 ? P_POINT : P_BAD;
    }
    if (n == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4')
        return P_POINT;
    return P_BAD;
}

/* An indicator's code: 1..64 of [A-Za-z0-9_.-]. */
static int code_form(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DASH_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* ---- options ----------------------------------------------------------------------------- */

static int option(struct dash_ck *k, const struct ospec *o, const json_t *v, const char *prefix,
                  json_t *out)
{
    switch (o->kind) {
    case O_BOOL:
        if (!json_is_boolean(v))
            return dash_fail(k, prefix, o->name, "Must be true or false.");
        break;
    case O_INT:
        if (!json_is_integer(v) || json_integer_value(v) < o->min || json_integer_value(v) > o->max)
            return dash_fail(k, prefix, o->name, "Must be an integer from %lld to %lld.",
                             (long long)o->min, (long long)o->max);
        break;
    case O_NUM:
        if (!json_is_number(v))
            return dash_fail(k, prefix, o->name, "Must be a number.");
        break;
    case O_ENUM: {
        int ok = 0;
        for (size_t i = 0; json_is_string(v) && !ok && o->values[i]; i++)
            ok = strcmp(json_string_value(v), o->values[i]) == 0;
        if (!ok)
            return dash_fail(k, prefix, o->name,
                             "Must be one of the values in docs/dashboards.md.");
        break;
    }
    }
    return dash_set(k, out, o->name, json_copy((json_t *)v));
}

static int check_options(struct dash_ck *k, const json_t *p, const struct ptype *t,
                         const char *prefix, json_t *out)
{
    json_t *opts = json_object_get(p, "options");
    if (!opts)
        return 0;
    char at[DASH_PATH_MAX];
    dash_path(at, sizeof at, prefix, "options");
    if (!json_is_object(opts))
        return dash_fail(k, prefix, "options", "Must be an object.");
    const char *key;
    json_t *v;
    json_object_foreach(opts, key, v)
    {
        const struct ospec *o = t->options;
        while (o->name && strcmp(o->name, key) != 0)
            o++;
        if (!o->name)
            return dash_fail(k, at, key, "Not an option of a %s panel.", t->name);
    }
    json_t *canon = json_object();
    if (dash_set(k, out, "options", canon))
        return k->rc;
    for (const struct ospec *o = t->options; o->name; o++)
        if ((v = json_object_get(opts, o->name)) && option(k, o, v, at, canon))
            return k->rc;
    json_t *lo = json_object_get(opts, "min"), *hi = json_object_get(opts, "max");
    if (lo && hi && json_number_value(lo) >= json_number_value(hi))
        return dash_fail(k, at, "max", "Must be greater than min.");
    return 0;
}

/* ---- indicators, unit, period ------------------------------------------------------------ */

static int one_code(struct dash_ck *k, const json_t *v, const char *prefix, const char *member,
                    json_t *out_arr, json_t *out, const char *key)
{
    if (!json_is_string(v) || !code_form(json_string_value(v)))
        return dash_fail(k, prefix, member, "Must be an indicator's code (A-Z, 0-9, '_', '.').");
    const char *code = json_string_value(v);
    if (dash_ref(k, k->lk ? k->lk->indicator : NULL, code, prefix, member, "indicator"))
        return k->rc;
    if (out_arr)
        return json_array_append_new(out_arr, json_string(code)) ? dash_error(k, IOC_ENOMEM) : 0;
    return dash_set(k, out, key, json_string(code));
}

static int check_series(struct dash_ck *k, const json_t *p, const struct ptype *t,
                        const char *prefix, json_t *out)
{
    json_t *one = json_object_get(p, "indicator"), *many = json_object_get(p, "indicators");
    if (t->series == S_NONE && (one || many))
        return dash_fail(k, prefix, one ? "indicator" : "indicators",
                         "A text panel shows no indicator.");
    if (t->series == S_ONE && many)
        return dash_fail(k, prefix, "indicators", "A %s panel shows one indicator: use indicator.",
                         t->name);
    if (t->series != S_NONE && !one == !many)
        return dash_fail(k, prefix, "indicator",
                         t->series == S_ONE ? "Required." : "Give indicator or indicators (one).");
    if (one)
        return one_code(k, one, prefix, "indicator", NULL, out, "indicator");
    if (!many)
        return 0;
    size_t n = json_array_size(many);
    if (!json_is_array(many) || n == 0 || n > DASH_SERIES_MAX)
        return dash_fail(k, prefix, "indicators", "Must be an array of 1 to %d codes.",
                         DASH_SERIES_MAX);
    json_t *arr = json_array();
    if (dash_set(k, out, "indicators", arr))
        return k->rc;
    for (size_t i = 0; i < n; i++) {
        char at[32];
        snprintf(at, sizeof at, "indicators[%zu]", i);
        json_t *v = json_array_get(many, i);
        for (size_t j = 0; j < i; j++)
            if (json_equal(v, json_array_get(many, j)))
                return dash_fail(k, prefix, at, "The same code appears twice.");
        if (one_code(k, v, prefix, at, arr, NULL, NULL))
            return k->rc;
    }
    return 0;
}

static int check_unit_period(struct dash_ck *k, const json_t *p, const struct ptype *t,
                             const char *prefix, json_t *out)
{
    json_t *unit = json_object_get(p, "unit"), *period = json_object_get(p, "period");
    if (t->series == S_NONE && (unit || period))
        return dash_fail(k, prefix, unit ? "unit" : "period", "A text panel has no %s.",
                         unit ? "unit" : "period");
    if (unit) {
        const char *u = json_is_string(unit) ? json_string_value(unit) : NULL;
        int special = u && (strcmp(u, "province") == 0 || strcmp(u, "$unit") == 0);
        if (!u || (!special && (strlen(u) > 8 || !digits(u, strlen(u)))))
            return dash_fail(k, prefix, "unit",
                             "Must be \"province\", \"$unit\" or a unit's code.");
        if (!special && dash_ref(k, k->lk ? k->lk->unit : NULL, u, prefix, "unit", "unit"))
            return k->rc;
        if (dash_set(k, out, "unit", json_string(u)))
            return k->rc;
    }
    if (!period)
        return 0;
    const char *s = json_is_string(period) ? json_string_value(period) : NULL;
    int kind = s ? period_kind(s) : P_BAD;
    if (kind == P_BAD)
        return dash_fail(k, prefix, "period",
                         "Must be latest, year, lastN (1-120), YYYY, YYYY-MM or YYYY-Qn.");
    json_t *by = json_object_get(json_object_get(p, "options"), "by");
    int range_needed = strcmp(t->name, "line") == 0 ||
                       (by && json_is_string(by) && strcmp(json_string_value(by), "period") == 0);
    if (range_needed && kind != P_RANGE)
        return dash_fail(k, prefix, "period",
                         "A chart over time needs a range: year, lastN or YYYY.");
    return dash_set(k, out, "period", json_string(s));
}

/* ---- one panel --------------------------------------------------------------------------- */

struct rect {
    json_int_t x, y, w, h;
};

static int check_place(struct dash_ck *k, const json_t *p, int columns, const char *prefix,
                       struct rect *r, json_t *out)
{
    int present;
    if (dash_int(k, p, "x", prefix, 1, 0, columns - 1, &r->x, &present) ||
        dash_int(k, p, "y", prefix, 1, 0, DASH_ROWS_MAX - 1, &r->y, &present) ||
        dash_int(k, p, "w", prefix, 1, 1, columns, &r->w, &present) ||
        dash_int(k, p, "h", prefix, 1, 1, DASH_ROWS_MAX, &r->h, &present))
        return k->rc;
    if (r->x + r->w > columns)
        return dash_fail(k, prefix, "w", "The panel ends past the grid's %d columns (x + w > %d).",
                         columns, columns);
    if (r->y + r->h > DASH_ROWS_MAX)
        return dash_fail(k, prefix, "h", "The panel ends past row %d (y + h > %d).", DASH_ROWS_MAX,
                         DASH_ROWS_MAX);
    return dash_set(k, out, "x", json_integer(r->x)) || dash_set(k, out, "y", json_integer(r->y)) ||
                   dash_set(k, out, "w", json_integer(r->w)) ||
                   dash_set(k, out, "h", json_integer(r->h))
               ? k->rc
               : 0;
}

static int copy_str(struct dash_ck *k, const json_t *p, const char *prefix, const char *key,
                    int flags, size_t max, json_t *out)
{
    char *s = NULL;
    if (dash_str(k, p, key, prefix, flags, max, &s))
        return k->rc;
    int rc = s ? dash_set(k, out, key, json_string(s)) : 0;
    free(s);
    return rc;
}

static const struct ptype *check_type(struct dash_ck *k, const json_t *p, const char *prefix,
                                      json_t *out)
{
    json_t *v = json_object_get(p, "type");
    for (size_t i = 0; json_is_string(v) && i < IOC_ARRAY_LEN(types); i++)
        if (strcmp(json_string_value(v), types[i].name) == 0)
            return dash_set(k, out, "type", json_string(types[i].name)) ? NULL : &types[i];
    dash_fail(k, prefix, "type",
              v ? "Must be number, line, bar, choropleth, table, gauge or text." : "Required.");
    return NULL;
}

static int check_panel(struct dash_ck *k, const json_t *p, int columns, const char *prefix,
                       struct rect *r, json_t *out)
{
    if (!json_is_object(p))
        return dash_fail(k, prefix, "", "A panel is a JSON object.");
    char *id = NULL;
    if (dash_members(k, p, prefix, panel_members) ||
        dash_str(k, p, "id", prefix, DASH_STR_REQUIRED, DASH_ID_MAX + 1, &id))
        return k->rc;
    int ok = dash_id_valid(id);
    int rc = ok ? dash_set(k, out, "id", json_string(id)) : 0;
    free(id);
    if (!ok)
        return dash_fail(k, prefix, "id", "Must be 1 to %d of a-z, 0-9 and '-'.", DASH_ID_MAX);
    const struct ptype *t = rc ? NULL : check_type(k, p, prefix, out);
    if (!t)
        return k->rc;
    if (copy_str(k, p, prefix, "title_vi", DASH_STR_LABEL, DASH_TITLE_MAX, out) ||
        copy_str(k, p, prefix, "title_en", DASH_STR_LABEL, DASH_TITLE_MAX, out) ||
        check_place(k, p, columns, prefix, r, out) || check_series(k, p, t, prefix, out) ||
        check_unit_period(k, p, t, prefix, out))
        return k->rc;
    int text_flags = DASH_STR_TEXT | (t->series == S_NONE ? DASH_STR_REQUIRED : 0);
    if (t->series != S_NONE && (json_object_get(p, "text_vi") || json_object_get(p, "text_en")))
        return dash_fail(k, prefix, json_object_get(p, "text_vi") ? "text_vi" : "text_en",
                         "Only a text panel has a text.");
    if (copy_str(k, p, prefix, "text_vi", text_flags, DASH_TEXT_MAX, out) ||
        copy_str(k, p, prefix, "text_en", DASH_STR_TEXT, DASH_TEXT_MAX, out))
        return k->rc;
    return check_options(k, p, t, prefix, out);
}

static int overlap(const struct rect *a, const struct rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

int dash_panels(struct dash_ck *k, const json_t *panels, int columns, json_t *out)
{
    struct rect r[DASH_MAX_PANELS];
    size_t n = json_array_size(panels);
    for (size_t i = 0; i < n && i < DASH_MAX_PANELS; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "panels[%zu]", i);
        json_t *canon = json_object();
        if (json_array_append_new(out, canon))
            return dash_error(k, IOC_ENOMEM);
        const json_t *p = json_array_get(panels, i);
        if (check_panel(k, p, columns, prefix, &r[i], canon))
            return k->rc;
        const char *id = json_string_value(json_object_get(p, "id"));
        for (size_t j = 0; j < i; j++) {
            const json_t *q = json_array_get(panels, j);
            if (strcmp(id, json_string_value(json_object_get(q, "id"))) == 0)
                return dash_fail(k, prefix, "id", "panels[%zu] has the same id.", j);
            if (overlap(&r[i], &r[j]))
                return dash_fail(k, prefix, "", "Overlaps panels[%zu] ('%.64s').", j,
                                 json_string_value(json_object_get(q, "id")));
        }
    }
    return 0;
}
