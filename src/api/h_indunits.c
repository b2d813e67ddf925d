/* h_indunits.c — one indicator's value at every commune of a unit for one period, in one answer
 * (a dashboard's choropleth and ranked table): JSON, CSV or XLSX. The rules are src/indicators'
 * (units_read.c: the communes and the period answered; values_read.c: each commune's roll-up);
 * the value's text, JSON and cells are indvalue_out.c's, shared with h_indvalues.c. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"
#include "sheet/sheet.h"

API_OPENAPI_FRAGMENT(api_openapi_indunits, "src/api/openapi/indunits.json");

#define PERIODS_MAX 1000

/* A period parameter (any text form) into *out; 0, or -1 after answering 422 naming it. */
static int period_of(struct api_ctx *c, const char *key, struct ind_period *out)
{
    const char *v = api_query(c, key);
    const char *why = "";
    if (ind_period_parse(v, strlen(v), out, &why) != 0) {
        api_error_field(c, key, "%s must be a period (2026, 2026-Q4, 2026-10, 2026-10-31): %s.",
                        key, why);
        return -1;
    }
    return 0;
}

/* The period p as the period of frequency f holding its start (end: its last instant). */
static int holding(struct ind_period p, enum ind_freq f, int end, struct ind_period *out)
{
    return ind_period_of(f, end ? ind_period_end(p) - 1 : ind_period_start(p), out);
}

/*
 * The range of the query into r: rollup (default the indicator's frequency, or the period's
 * when coarser), and either period (one period, not coarser than the roll-up) or, with period
 * absent or "latest", from and to as GET …/values reads them (the answer then is the latest of
 * them at which some commune has a value). 0, or -1 after answering 422.
 */
static int read_range(struct api_ctx *c, const struct ind_indicator *ind, struct ind_range *r)
{
    const char *ru = api_query(c, "rollup");
    const char *ps = api_query(c, "period");
    int one = ps && strcmp(ps, "latest") != 0;
    struct ind_period p = {0}, from, to;
    if (one && period_of(c, "period", &p))
        return -1;
    r->freq = ind->freq;
    if (ru && (ind_freq_parse(ru, strlen(ru), &r->freq) != 0 || r->freq < ind->freq)) {
        api_error_field(c, "rollup", "rollup must be %s or a coarser frequency.",
                        ind_freq_name(ind->freq));
        return -1;
    }
    if (one && !ru && p.freq > r->freq)
        r->freq = p.freq;
    if (one) {
        if (p.freq > r->freq) {
            api_error_field(c, "period", "period must not be coarser than the roll-up (%s).",
                            ind_freq_name(r->freq));
            return -1;
        }
        if (api_query(c, "from") || api_query(c, "to")) {
            api_error_field(c, "period", "period and from/to are not asked together.");
            return -1;
        }
        if (holding(p, r->freq, 0, &r->first) != 0) {
            api_error_field(c, "period", "period is outside the years of periods.");
            return -1;
        }
        r->count = 1;
        return 0;
    }
    if (api_query(c, "to")) {
        if (period_of(c, "to", &p))
            return -1;
        if (holding(p, r->freq, 1, &to) != 0) {
            api_error_field(c, "to", "to is outside the years of periods.");
            return -1;
        }
    } else if (ind_period_of(r->freq, ioc_now_ms() / 1000, &to) != 0) {
        api_error(c, IOC_HTTP_E_INTERNAL, "The clock is outside the years of periods.");
        return -1;
    }
    if (api_query(c, "from")) {
        if (period_of(c, "from", &p))
            return -1;
        if (holding(p, r->freq, 0, &from) != 0) {
            api_error_field(c, "from", "from is outside the years of periods.");
            return -1;
        }
    } else if (ind_period_step(to, -11, &from) != 0) {
        from = to;
    }
    if (from.n > to.n || to.n - from.n >= PERIODS_MAX) {
        api_error_field(c, "from", "from must not be after to, and at most %d periods apart.",
                        PERIODS_MAX);
        return -1;
    }
    r->first = from;
    r->count = to.n - from.n + 1;
    return 0;
}

static int units_table(const struct ind_indicator *ind, const struct ind_units *u,
                       struct sheet_table **t)
{
    static const char *const head[] = {"code", "name",        "period", "value", "num",
                                       "den",  "approximate", "reason", "light"};
    char period[IND_PERIOD_TEXT_MAX];
    ind_period_format(u->period, period);
    int rc = sheet_table_create("values", head, 9, t);
    for (size_t i = 0; rc == 0 && i < u->n; i++) {
        const struct ind_unit_value *x = &u->units[i];
        struct api_ind_text tx;
        api_ind_text(ind, &x->v, &tx);
        struct sheet_cell cell[9] = {
            {SHEET_TEXT, x->code, 0, 0}, {SHEET_TEXT, x->name, 0, 0}, {SHEET_TEXT, period, 0, 0}};
        api_ind_cells(&tx, &x->v, cell + 3);
        rc = sheet_table_add(*t, cell);
    }
    return rc;
}

/* format 1 CSV, 2 XLSX. */
static void send_table(struct api_ctx *c, const struct ind_indicator *ind,
                       const struct ind_units *u, int format)
{
    struct sheet_table *t = NULL;
    int rc = units_table(ind, u, &t);
    char period[IND_PERIOD_TEXT_MAX], name[80];
    ind_period_format(u->period, period);
    snprintf(name, sizeof name, "%.40s-%s", c->params[0], period);
    api_send_sheet(c, t, rc, format == 2, name);
}

static void send_json(struct api_ctx *c, const struct ind_indicator *ind, const struct ind_range *r,
                      const struct ind_units *u)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < u->n; i++) {
        const struct ind_unit_value *x = &u->units[i];
        json_t *o = json_pack("{s:s, s:s}", "code", x->code, "name", x->name);
        api_ind_json_set(o, ind, &x->v);
        json_array_append_new(arr, o);
    }
    char period[IND_PERIOD_TEXT_MAX];
    ind_period_format(u->period, period);
    json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o}", "indicator", c->params[0], "period", period,
                          "frequency", ind_freq_name(r->freq), "count", (int)u->n, "units", arr);
    if (r->at[0])
        json_object_set_new(o, "at", json_string(r->at));
    api_json(c, 200, o);
}

static void h_units_get(struct api_ctx *c)
{
    static const char *const known[] = {"parent", "period", "from",   "to",
                                        "rollup", "at",     "format", NULL};
    if (api_query_only(c, known))
        return;
    int fmt = api_ind_format(c);
    if (fmt < 0)
        return;
    struct ind_range r;
    memset(&r, 0, sizeof r);
    if (api_query(c, "at") && api_query_date(c, "at", r.at))
        return;
    struct store_indicator x;
    struct ind_indicator ind;
    if (api_ind_load(c, c->t->db, c->params[0], &ind, &x))
        return;
    if (read_range(c, &ind, &r)) {
        store_indicator_clear(&x);
        return;
    }
    const char *parent = api_query(c, "parent");
    char today[11];
    ioc_date_today_vn(today);
    struct ind_units u = {0};
    int rc = ind_units_rolled(c->t->db, &x, &ind, parent ? parent : "", &r, today, &u);
    store_indicator_clear(&x);
    if (rc == IOC_ENOTFOUND)
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No unit has code %.64s on %s.",
                  parent ? parent : "(province)", r.at[0] ? r.at : today);
    else if (rc)
        api_error_rc(c, rc, "values");
    else if (fmt)
        send_table(c, &ind, &u, fmt);
    else
        send_json(c, &ind, &r, &u);
    ind_units_free(&u);
}

/* The indunits module of modules.c. */
static const struct api_route indunits_routes[] = {
    API_ROUTE("GET", "/api/v1/indicators/{code}/values/units", "indunits.get", AUTH_SIGNED_IN,
              "signed_in", "read:indicators", 0, h_units_get),
};

const struct api_module api_module_indunits =
    API_MODULE("indunits", indunits_routes, api_openapi_indunits);
