/*
 * kinds.c — the names of the indicators' kinds (aggregation, frequency, polarity, source), of
 * the reasons for no value and of the lights: one table each, the enum's order, so that a name
 * and its parse can never disagree.
 */
#include "indicators/indicators.h"

#include "base/base.h"

static const char *const agg_names[] = {"sum", "mean", "wmean", "ratio", "min", "max", "last"};
static const char *const freq_names[] = {"day", "month", "quarter", "year"};
static const char *const polarity_names[] = {"higher", "lower"};
static const char *const source_names[] = {"entered", "imported", "api", "derived", "telemetry"};
static const char *const reason_names[] = {"ok",          "no input",         "zero denominator",
                                           "zero weight", "division by zero", "missing input",
                                           "overflow",    "bad input"};
static const char *const light_names[] = {"none", "green", "amber", "red"};

/* The index of s[0..n) in names[0..count), or -1. */
static int lookup(const char *const *names, size_t count, const char *s, size_t n)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return (int)i;
    return -1;
}

static const char *name(const char *const *names, size_t count, int v)
{
    return v >= 0 && (size_t)v < count ? names[v] : "?";
}

#define KIND(type, fn, table)                                                                      \
    int ind_##fn##_parse(const char *s, size_t n, enum type *out)                                  \
    {                                                                                              \
        int i = lookup(table, IOC_ARRAY_LEN(table), s, n);                                         \
        if (i < 0)                                                                                 \
            return IOC_EINVAL;                                                                     \
        *out = (enum type)i;                                                                       \
        return 0;                                                                                  \
    }                                                                                              \
    const char *ind_##fn##_name(enum type v)                                                       \
    {                                                                                              \
        return name(table, IOC_ARRAY_LEN(table), (int)v);                                          \
    }

KIND(ind_agg, agg, agg_names)
KIND(ind_freq, freq, freq_names)
KIND(ind_polarity, polarity, polarity_names)
KIND(ind_source, source, source_names)

const char *ind_reason_name(enum ind_reason r)
{
    return name(reason_names, IOC_ARRAY_LEN(reason_names), (int)r);
}

const char *ind_light_name(enum ind_light l)
{
    return name(light_names, IOC_ARRAY_LEN(light_names), (int)l);
}
