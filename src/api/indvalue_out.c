/*
 * indvalue_out.c — what the handlers of indicator values share (h_indvalues.c: one unit over
 * periods; h_indunits.c: every commune at one period): the indicator of the path, the format
 * parameter, and one rolled value as text, as JSON fields and as table cells (one rule for the
 * CSV and the XLSX: numbers as numbers, exact).
 */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "indicators/indicators.h"
#include "sheet/sheet.h"

int api_ind_load(struct api_ctx *c, struct store_conn *db, const char *code,
                 struct ind_indicator *ind, struct store_indicator *x)
{
    struct store_indicator row;
    int rc = store_indicator_get(db, code, &row);
    if (rc == IOC_ENOTFOUND) {
        api_error(c, IOC_HTTP_E_NOT_FOUND, "No indicator has code %.64s.", code);
        return -1;
    }
    if (rc == 0 && (rc = ind_indicator_of(db, &row, ind)) != 0)
        store_indicator_clear(&row); /* (row is filled only when the read succeeded) */
    if (rc) {
        api_error_rc(c, rc, "indicator");
        return -1;
    }
    if (x)
        *x = row;
    else
        store_indicator_clear(&row);
    return 0;
}

int api_ind_format(struct api_ctx *c)
{
    const char *format = api_query(c, "format");
    int fmt = !format || strcmp(format, "json") == 0 ? 0
              : strcmp(format, "csv") == 0           ? 1
              : strcmp(format, "xlsx") == 0          ? 2
                                                     : -1;
    if (fmt < 0)
        api_error(c, IOC_HTTP_E_BAD_QUERY, "format must be json, csv or xlsx.");
    return fmt;
}

/* v as text ("%.12g"), or "" when not shown. */
static void num_text(char out[32], int shown, double v)
{
    out[0] = '\0';
    if (shown)
        snprintf(out, 32, "%.12g", v);
}

void api_ind_text(const struct ind_indicator *ind, const struct ind_rolled *x,
                  struct api_ind_text *t)
{
    int ok = x->reason == IND_OK;
    int ratio = ok && ind->rule.agg == IND_AGG_RATIO && !ind->derived;
    num_text(t->value, ok, x->obs.value);
    num_text(t->num, ratio, x->obs.num);
    num_text(t->den, ratio, x->obs.den);
    t->approximate = ok && x->obs.approximate ? "true" : "false";
    t->reason = ok ? "" : ind_reason_name(x->reason);
    double v = x->obs.value;
    t->light = ind_light_name(ind_light_of(ok ? &v : NULL, ind->has_target ? &ind->target : NULL,
                                           ind->polarity, &ind->thresholds));
}

void api_ind_json_set(json_t *o, const struct ind_indicator *ind, const struct ind_rolled *x)
{
    struct api_ind_text t;
    api_ind_text(ind, x, &t);
    json_object_set_new(o, "approximate", json_boolean(t.approximate[0] == 't'));
    json_object_set_new(o, "inputs", json_integer((int)x->inputs));
    json_object_set_new(o, "light", json_string(t.light));
    json_object_set_new(o, "value", t.value[0] ? json_real(x->obs.value) : json_null());
    if (t.num[0]) {
        json_object_set_new(o, "num", json_real(x->obs.num));
        json_object_set_new(o, "den", json_real(x->obs.den));
    }
    if (t.reason[0])
        json_object_set_new(o, "reason", json_string(t.reason));
}

void api_ind_cells(const struct api_ind_text *t, const struct ind_rolled *x,
                   struct sheet_cell *cell)
{
    const double n[3] = {x->obs.value, x->obs.num, x->obs.den};
    const char *shown[3] = {t->value, t->num, t->den};
    for (int k = 0; k < 3; k++)
        cell[k] = shown[k][0] ? (struct sheet_cell){SHEET_NUMBER, NULL, 0, n[k]}
                              : (struct sheet_cell){SHEET_EMPTY, NULL, 0, 0};
    cell[3] = (struct sheet_cell){SHEET_TEXT, t->approximate, 0, 0};
    cell[4] = (struct sheet_cell){SHEET_TEXT, t->reason, 0, 0};
    cell[5] = (struct sheet_cell){SHEET_TEXT, t->light, 0, 0};
}
