/*
 * indicators_computed.h — part of indicators.h (included at its end; include indicators.h, not
 * this file): the one way other modules' computations write indicator values.
 */
#ifndef IOC_INDICATORS_COMPUTED_H
#define IOC_INDICATORS_COMPUTED_H

#include <stddef.h>
#include <stdint.h>

/* ---- values computed by other modules (values_computed.c; NOT pure: writes the store) -- */

/* One computed value: an indicator (not derived, not a ratio), a unit code, a period of the
 * indicator's frequency, its value. */
struct ind_computed {
    char code[IND_CODE_MAX + 1];
    char unit[32];
    struct ind_period period;
    double value;
};
/* A write of computed values: what the caller fills in, then what the job did. */
struct ind_computed_write {
    const struct ind_computed *v;
    size_t n;
    const char *who; /* stored with each value; NULL: "figures" */
    /* out */
    int64_t added, revised, unchanged, refused;
    char error[256]; /* the first refusal: "CODE UNIT: why" */
};
/*
 * A store job: each value checked as a posted value is (ind_value_check, any unit) and stored
 * (store_indvalue_put: an equal value is unchanged, no revision) with the catalogue's source of
 * the indicator, who and the time of the job. A value refused (an indicator not in the
 * catalogue, a unit not in force, a closed period, a derived indicator) is counted in refused
 * and skipped: the others are still stored. 0, or a store error (nothing stored).
 */
int ind_computed_write_job(struct store_conn *w, void *arg /* struct ind_computed_write * */);

#endif
