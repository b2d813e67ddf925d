/*
 * indicators_catalogue.h — part of indicators.h (included at its end; include indicators.h, not
 * this file): the checks of catalogue rows before they are stored (check.c), shared by the CSV
 * import (src/seed, iocctl indicators import) and the API's PUT. The rules are those of
 * indicators.h and data/indicators/README.md; each finding names its column
 * (store_ind_column_names). The cell check reads the store (domains, agencies) through store.h.
 */
#ifndef IOC_INDICATORS_CATALOGUE_H
#define IOC_INDICATORS_CATALOGUE_H

#include <stddef.h>

struct store_conn;
struct store_indicator;
struct store_ind_domain;

/* Checks one indicator's cells: the code's form, the domain (stored, or among extra), names,
 * the agency (stored), enums, scale, weight's presence, deadline, target, thresholds for the
 * polarity, the expression's syntax. fn (may be NULL) is called once per bad column with its
 * name and why. Returns the number of problems. */
typedef void (*ind_catalogue_cell_fn)(void *ctx, const char *column, const char *why);
size_t ind_catalogue_row_check(struct store_conn *c, const struct store_indicator *x,
                               const struct store_ind_domain *extra, size_t nextra,
                               ind_catalogue_cell_fn fn, void *ctx);
/* Checks the references between x[0..n): codes unique, every code of an expression among them,
 * no cycle (ind_catalogue_check), weights name a summed indicator, no input reported less often
 * than its derived indicator. fn is called with the index of the indicator at fault. Returns
 * the number of problems; *oom is set when memory ran out (the count is then incomplete).
 * Pure (reads only x). */
typedef void (*ind_catalogue_ref_fn)(void *ctx, size_t index, const char *column, const char *why);
size_t ind_catalogue_refs_check(const struct store_indicator *x, size_t n, ind_catalogue_ref_fn fn,
                                void *ctx, int *oom);

#endif
