/*
 * units_read.c — an indicator's value at every commune of a unit for one period (a choropleth,
 * a ranked table): the communes the store lists under the unit on the day of the geography,
 * each read by ind_values_rolled (derived indicators, succession links and shares as for one
 * unit), and the period answered the latest at which some commune has a value.
 */
#include "indicators/indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

void ind_units_free(struct ind_units *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++)
        free(u->units[i].name);
    free(u->units);
    u->units = NULL;
    u->n = 0;
}

static int by_code(const void *a, const void *b)
{
    const struct ind_unit_value *x = a, *y = b;
    return strcmp(x->code, y->code);
}

/* The communes under parent on day into out->units (codes and names; values not yet read). */
static int list_communes(struct store_conn *db, const char *parent, const char *day,
                         struct ind_units *out)
{
    struct store_unit_id *ids = NULL;
    size_t n = 0;
    int rc = store_units_expected(db, parent, day, &ids, &n);
    if (rc)
        return rc;
    if (n == 0) {
        free(ids);
        return IOC_ENOTFOUND;
    }
    out->units = calloc(n, sizeof *out->units);
    if (!out->units) {
        free(ids);
        return IOC_ENOMEM;
    }
    size_t k = 0;
    int64_t own = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (ids[i].own) {
            own = ids[i].id;
            continue;
        }
        struct store_unit u;
        memset(&u, 0, sizeof u);
        rc = store_unit_get_by_id(db, ids[i].id, &u);
        if (rc == 0) {
            snprintf(out->units[k].code, sizeof out->units[k].code, "%s", u.code);
            if (!(out->units[k].name = strdup(u.name)))
                rc = IOC_ENOMEM;
            k++;
        }
        store_unit_clear(&u);
    }
    if (rc == 0 && k == 0 && own) { /* a commune asked for: itself */
        struct store_unit u;
        memset(&u, 0, sizeof u);
        rc = store_unit_get_by_id(db, own, &u);
        if (rc == 0 && strcmp(u.level, "commune") == 0) {
            snprintf(out->units[0].code, sizeof out->units[0].code, "%s", u.code);
            if (!(out->units[0].name = strdup(u.name)))
                rc = IOC_ENOMEM;
            k = 1;
        }
        store_unit_clear(&u);
    }
    free(ids);
    out->n = k;
    if (rc == 0)
        qsort(out->units, k, sizeof *out->units, by_code);
    return rc;
}

int ind_units_rolled(struct store_conn *db, const struct store_indicator *x,
                     const struct ind_indicator *ind, const char *parent, const struct ind_range *r,
                     const char *today_vn, struct ind_units *out)
{
    if (r->count < 1)
        return IOC_EINVAL;
    struct ind_units u = {.period = r->first};
    int rc = list_communes(db, parent ? parent : "", r->at[0] ? r->at : today_vn, &u);
    struct ind_rolled *all = NULL;
    if (rc == 0 && u.n && !(all = malloc(u.n * (size_t)r->count * sizeof *all)))
        rc = IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < u.n; i++)
        rc = ind_values_rolled(db, x, ind, u.units[i].code, r, all + i * (size_t)r->count);
    int32_t at = r->count - 1; /* the latest period at which some commune has a value */
    for (int32_t p = r->count - 1; rc == 0 && p >= 0; p--) {
        size_t i = 0;
        while (i < u.n && all[i * (size_t)r->count + (size_t)p].reason != IND_OK)
            i++;
        if (i < u.n) {
            at = p;
            break;
        }
    }
    for (size_t i = 0; rc == 0 && i < u.n; i++)
        u.units[i].v = all[i * (size_t)r->count + (size_t)at];
    free(all);
    if (rc) {
        ind_units_free(&u);
        return rc;
    }
    u.period.freq = r->freq;
    u.period.n = r->first.n + at;
    *out = u;
    return 0;
}
