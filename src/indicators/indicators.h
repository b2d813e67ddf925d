/*
 * indicators — the rules of the monitoring indicators. Callers include this header only: it
 * includes at its end the module's other public headers, each one responsibility (include
 * indicators.h, never them):
 *   indicators.h            the pure library: kinds, periods and deadlines, aggregation across
 *                           units and over time, shares of split communes, traffic lights,
 *                           derived expressions, the check of a catalogue's derived indicators,
 *                           roll-up;
 *   indicators_values.h     values against the store: who may write and the check of a write,
 *                           file imports (values, shares), reads and roll-ups, the history,
 *                           overview and freshness, the roll-up cache, the [indicators]
 *                           settings (settings.c), the alert rule types;
 *   indicators_catalogue.h  the checks of catalogue rows before they are stored (check.c);
 *   indicators_computed.h   the one way other modules' computations write values.
 * (indicators_int.h is private to src/indicators.)
 *
 * Contract for this file (the pure library):
 *   - no SQL, no HTTP, no threads, no I/O, no global state: every function may be called from
 *     any thread at once on distinct objects (a parsed expression may be evaluated by many
 *     threads at once: evaluation only reads it);
 *   - functions returning int give 0 or a negative IOC_E* code, and write their out-parameters
 *     only on success; parsers of outside text take (s, n), s need not be NUL-terminated, and
 *     may report why through an optional `const char **why` (a static English sentence);
 *   - functions computing a value return enum ind_reason: IND_OK and the result, or the reason
 *     there is no value (never an infinity or a NaN);
 *   - memory: only ind_expr_parse (the expression, freed by ind_expr_free),
 *     ind_catalogue_check and ind_rollup (working arrays, freed before they return) allocate.
 * The sub-headers read the store through store.h (their sections say so).
 *
 * Docs: docs/indicators.md (the rules as a user of the catalogue sees them).
 */
#ifndef IOC_INDICATORS_H
#define IOC_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- kinds ------------------------------------------------------------------------------ */

/* How an indicator aggregates across units and over time (file spelling in quotes). */
enum ind_agg {
    IND_AGG_SUM,   /* "sum"   Σ value */
    IND_AGG_MEAN,  /* "mean"  Σ(n·value) / Σn, n the count each observation stands for */
    IND_AGG_WMEAN, /* "wmean" Σ(w·value) / Σw */
    IND_AGG_RATIO, /* "ratio" scale · Σnum / Σden */
    IND_AGG_MIN,   /* "min" */
    IND_AGG_MAX,   /* "max" */
    IND_AGG_LAST   /* "last"  the value with the latest time */
};
enum ind_freq { IND_DAY, IND_MONTH, IND_QUARTER, IND_YEAR }; /* "day" "month" "quarter" "year" */
enum ind_polarity { IND_HIGHER, IND_LOWER }; /* "higher" / "lower": which is better */
enum ind_source {
    IND_SRC_ENTERED,  /* "entered" */
    IND_SRC_IMPORTED, /* "imported" */
    IND_SRC_API,      /* "api" */
    IND_SRC_DERIVED,  /* "derived" */
    IND_SRC_TELEMETRY /* "telemetry" */
};

/* Exact, case-sensitive names; IOC_EINVAL for anything else. The name functions return the
 * spelling, or "?" for a value outside the enum. */
int ind_agg_parse(const char *s, size_t n, enum ind_agg *out);
const char *ind_agg_name(enum ind_agg a);
int ind_freq_parse(const char *s, size_t n, enum ind_freq *out);
const char *ind_freq_name(enum ind_freq f);
int ind_polarity_parse(const char *s, size_t n, enum ind_polarity *out);
const char *ind_polarity_name(enum ind_polarity p);
int ind_source_parse(const char *s, size_t n, enum ind_source *out);
const char *ind_source_name(enum ind_source s);

/* Why there is no value. */
enum ind_reason {
    IND_OK = 0,
    IND_NO_INPUT,         /* nothing to aggregate */
    IND_ZERO_DENOMINATOR, /* ratio: Σden = 0 */
    IND_ZERO_WEIGHT,      /* mean, wmean: Σ weights = 0 */
    IND_DIVISION_BY_ZERO, /* an expression divided by 0 */
    IND_MISSING_INPUT,    /* an expression's input has no value */
    IND_OVERFLOW,         /* the result would not be a finite number */
    IND_BAD_INPUT         /* an input not finite, a negative weight, a share outside (0, 1] */
};
/* "no input", "zero denominator", …; "?" outside the enum. */
const char *ind_reason_name(enum ind_reason r);

/* ---- periods ---------------------------------------------------------------------------- */

/*
 * Periods are calendar periods in Asia/Ho_Chi_Minh: UTC+7, without daylight saving since 1975,
 * so no time-zone database is involved (an instant before 1975 is still read at UTC+7). A
 * period is its frequency and a number n that counts periods of that frequency:
 *   day      days since 1970-01-01           text 2026-11-28   Vietnamese 28/11/2026
 *   month    year·12 + (month − 1)           text 2026-11      Vietnamese 11/2026
 *   quarter  year·4 + (quarter − 1)          text 2026-Q4      Vietnamese Quý 4/2026
 *   year     year                            text 2026         Vietnamese 2026
 * so the next period is n + 1 and periods of one frequency compare as their n. Years
 * IND_YEAR_MIN..IND_YEAR_MAX only; a period outside them is invalid.
 */
#define IND_YEAR_MIN 1900
#define IND_YEAR_MAX 9999
#define IND_UTC_OFFSET_S (7 * 3600)
#define IND_PERIOD_TEXT_MAX 16 /* with the NUL, for both text forms */

struct ind_period {
    enum ind_freq freq;
    int32_t n;
};

/* 1 if p is a period of a known frequency within the years, else 0. */
int ind_period_valid(struct ind_period p);
/* Parses one of the four text forms, strictly (digits only where digits go, zero-padded month
 * and day, an upper-case Q): "2026-13", "2026-Q5", "2026-02-30", "2026-1", " 2026" are
 * IOC_EINVAL with *why saying what is wrong. */
int ind_period_parse(const char *s, size_t n, struct ind_period *out, const char **why);
/* The text form of a valid period into out (NUL-terminated); IOC_EINVAL if p is invalid. */
int ind_period_format(struct ind_period p, char out[IND_PERIOD_TEXT_MAX]);
/* The Vietnamese display form (UTF-8): 28/11/2026, 11/2026, Quý 4/2026, 2026. */
int ind_period_display_vi(struct ind_period p, char out[IND_PERIOD_TEXT_MAX]);
/* The period of frequency f holding the instant t (Unix seconds), read in UTC+7:
 * 2026-11-30T17:00:00Z is day 2026-12-01. IOC_EINVAL outside the years. */
int ind_period_of(enum ind_freq f, int64_t t, struct ind_period *out);
/* The period's first instant and its end: the first instant of the next period (so a period
 * holds t when start <= t < end). p must be valid (0 otherwise). */
int64_t ind_period_start(struct ind_period p);
int64_t ind_period_end(struct ind_period p);
/* The period k periods after p (k < 0: before): next is k = 1, previous k = -1. IOC_EINVAL if
 * p is invalid or the result lies outside the years. */
int ind_period_step(struct ind_period p, int32_t k, struct ind_period *out);
/* The period of frequency coarser (the same or coarser than p's: day → month → quarter → year)
 * that holds p. IOC_EINVAL if coarser is finer than p's frequency or p is invalid. */
int ind_period_parent(struct ind_period p, enum ind_freq coarser, struct ind_period *out);
/* The periods of frequency finer (the same or finer) that make up p: *first and the *count
 * that follow it one by one (a quarter has 3 months, 90 to 92 days). IOC_EINVAL as above. */
int ind_period_children(struct ind_period p, enum ind_freq finer, struct ind_period *first,
                        int32_t *count);

/*
 * Deadlines: when a period's value is due. Text form (the catalogue's deadline column):
 *   "+Nd"        N days (0..999) after the period's last day, by the end of that day
 *   "+Nd HH:MM"  N days after the period's last day, at HH:MM (00:00..23:59)
 *   "HH:MM"      on the period's last day at HH:MM (the same as "+0d HH:MM")
 * all in local time (UTC+7). So "+5d" for a month is "by the end of the 5th of the next month"
 * and "17:00" for a day is "that day by 17:00". N has no leading zero (but "+0d" is allowed);
 * exactly one space before HH:MM; nothing else is accepted.
 * A value submitted at instant t is on time when t < ind_deadline_due(d, p).
 */
struct ind_deadline {
    int32_t days;   /* after the period's last day, 0..999 */
    int32_t minute; /* minute of that day at which it is due, 0..1439, or 1440 for its end */
};
#define IND_DEADLINE_TEXT_MAX 16

int ind_deadline_parse(const char *s, size_t n, struct ind_deadline *out, const char **why);
/* The text form ("+5d", "17:00", "+1d 09:30"); IOC_EINVAL if d is out of range. */
int ind_deadline_format(const struct ind_deadline *d, char out[IND_DEADLINE_TEXT_MAX]);
/* The instant at which period p's value becomes late (Unix seconds). p must be valid. */
int64_t ind_deadline_due(const struct ind_deadline *d, struct ind_period p);

/* ---- observations and aggregation ------------------------------------------------------- */

/*
 * An observation: one value of one indicator for one unit and period, or the result of an
 * aggregation (which is again an observation, so levels chain: communes → province, and
 * months → quarter → year, give what the base observations would give directly).
 * Which fields count depends on the rule:
 *   sum, min, max   value
 *   mean            value, weight = how many observations it stands for (1 for one entered)
 *   wmean           value, weight (≥ 0; e.g. the unit's population)
 *   ratio           num, den (value is ignored on input and is scale·num/den on output)
 *   last            value, time
 * time (Unix seconds) is what "latest" means for last; an aggregation's time is its inputs'
 * latest. approximate marks a value that rests on an estimate (a share of a split commune);
 * an aggregation is approximate when any input is.
 */
struct ind_obs {
    double value;
    double num, den;
    double weight;
    int64_t time;
    bool approximate;
};

/* An observation of one plain value: weight 1, the rest 0. */
static inline struct ind_obs ind_obs_of(double value, int64_t time)
{
    struct ind_obs o = {.value = value, .weight = 1, .time = time};
    return o;
}

/* An indicator's aggregation: the rule, and for ratio the scale (100 for a percentage). */
struct ind_rule {
    enum ind_agg agg;
    double scale;
};

/*
 * Aggregates in[0..n) by rule r into *out (written only on IND_OK). Used for units (the
 * communes of a province) and for time (the months of a quarter) alike: the rule is the
 * indicator's own, so a ratio is always scale·Σnum/Σden (a province's percentage is never the
 * mean of its communes' percentages), a sum of months is the quarter's sum and last takes the
 * latest (on equal times the first in the array). No value: IND_NO_INPUT when n = 0,
 * IND_ZERO_DENOMINATOR, IND_ZERO_WEIGHT, IND_OVERFLOW, IND_BAD_INPUT (a field the rule reads is
 * not finite, a weight is negative, a ratio's scale is 0 or not finite).
 */
enum ind_reason ind_aggregate(const struct ind_rule *r, const struct ind_obs *in, size_t n,
                              struct ind_obs *out);

/*
 * The part s (0 < s <= 1) of an observation of an old commune that goes to one of its new
 * communes when it was split: sum scales the value, ratio scales num and den, mean and wmean
 * scale the weight (the value is kept), min, max and last keep the observation. The result is
 * approximate when s < 1 (or in was). IND_BAD_INPUT for s outside (0, 1].
 */
enum ind_reason ind_obs_share(enum ind_agg agg, double s, const struct ind_obs *in,
                              struct ind_obs *out);

/* ---- traffic lights --------------------------------------------------------------------- */

enum ind_light { IND_LIGHT_NONE, IND_LIGHT_GREEN, IND_LIGHT_AMBER, IND_LIGHT_RED };
/* "none" "green" "amber" "red". */
const char *ind_light_name(enum ind_light l);

/*
 * Thresholds: where green ends and amber and red begin. The text is the catalogue's
 * thresholds column (data/indicators/README.md), one of:
 *   ""               none: green when the target is met, red when it is missed
 *   "amber=P%"       relative to the target: for higher-is-better green at or above the
 *                    target, amber from P % of it (P < 100), red below; for lower-is-better
 *                    green at or below the target, amber up to P % of it (P > 100), red above
 *   "amber=A;red=R"  absolute values in the indicator's unit, no target needed: for higher
 *                    R < A, green at or above A, amber below A down to R, red below R; for
 *                    lower R > A, green at or below A, amber above A up to R, red above R
 * Numbers are read by ioc_parse_f64 ('.' decimal, no '+', at most 1e15 in magnitude); P is
 * non-negative. A relative band around a negative target keeps its width: with P = 90 a
 * target of -2 is amber down to -2.2. Comparisons allow a relative 1e-9 so that 40 computed as
 * 400/10·1 meets a target of 40. ind_thresholds_check says whether thresholds suit an
 * indicator (the side of P or the order of A and R for the polarity, a target for a relative
 * form and on the green side of A); ind_light_of gives a light whatever they are.
 */
enum ind_thresholds_kind { IND_THRESHOLDS_NONE, IND_THRESHOLDS_RELATIVE, IND_THRESHOLDS_ABSOLUTE };
struct ind_thresholds {
    enum ind_thresholds_kind kind;
    double amber; /* RELATIVE: P, percent of the target; ABSOLUTE: A, in the unit */
    double red;   /* ABSOLUTE: R, in the unit; 0 otherwise */
};
#define IND_THRESHOLDS_TEXT_MAX 64

int ind_thresholds_parse(const char *s, size_t n, struct ind_thresholds *out, const char **why);
/* The text form ("" for none); IOC_EINVAL if a number is not finite or out of range. */
int ind_thresholds_format(const struct ind_thresholds *t, char out[IND_THRESHOLDS_TEXT_MAX]);
/* 0 if t suits an indicator of polarity pol and target (NULL: none), else IOC_EINVAL and *why:
 * a relative form needs a target and P < 100 (higher) or P > 100 (lower); an absolute form
 * needs R < A (higher) or R > A (lower), and a target, when given, at or beyond A on the green
 * side. */
int ind_thresholds_check(const struct ind_thresholds *t, enum ind_polarity pol,
                         const double *target, const char **why);
/* The light of value against target and thresholds (t NULL: none). No value, or a value not
 * finite → IND_LIGHT_NONE; so is a missing or non-finite target unless t is absolute. */
enum ind_light ind_light_of(const double *value, const double *target, enum ind_polarity pol,
                            const struct ind_thresholds *t);

/* ---- derived expressions ---------------------------------------------------------------- */

/*
 * A derived indicator is an expression over other indicators' codes:
 *   expr    = term { ("+" | "-") term }
 *   term    = unary { ("*" | "/") unary }
 *   unary   = "-" unary | primary
 *   primary = number | code | func "(" expr [ "," expr ] ")" | "(" expr ")"
 *   number  = digits [ "." digits ]          code = [A-Za-z][A-Za-z0-9_.]* (at most 64 bytes)
 *   func    = "min" | "max" (two arguments) | "abs" (one)
 * Spaces and tabs may separate tokens. A name followed by "(" is a function; any other name is
 * a code (case-sensitive). At most IND_EXPR_MAX_TEXT bytes, IND_EXPR_MAX_REFS distinct codes,
 * nesting (parentheses, unary minus, calls) at most IND_EXPR_MAX_DEPTH deep.
 *
 * Evaluating a derived indicator at a level (a commune, the province; a month, a year): its
 * inputs are first aggregated at that level by their own rules (ind_aggregate), then the
 * expression is evaluated over those results. So 100*a/b at the province is 100·Σa/Σb for sum
 * indicators a and b, never the sum or mean of the communes' 100·a/b. The derived indicator's
 * own aggregation rule is not used to roll it up.
 */
#define IND_EXPR_MAX_TEXT 1024
#define IND_EXPR_MAX_REFS 64
#define IND_EXPR_MAX_DEPTH 32
#define IND_CODE_MAX 64

struct ind_expr; /* opaque, immutable once parsed */

/* Where and why a parse failed: the 1-based byte column, and what was expected there
 * ("a number, a code, a function or '('", "')'", …; a static string). */
struct ind_expr_error {
    size_t column;
    const char *expected;
};

/* Parses s[0..n) once into a compact form (*out, freed by ind_expr_free). IOC_EINVAL with *err
 * filled on a syntax error or a limit, IOC_ENOMEM. */
int ind_expr_parse(const char *s, size_t n, struct ind_expr **out, struct ind_expr_error *err);
void ind_expr_free(struct ind_expr *e);
/* The distinct codes the expression refers to, in the order they first appear; ref i is
 * *code[0..*len) (pointing into e, valid while e lives). */
size_t ind_expr_ref_count(const struct ind_expr *e);
void ind_expr_ref(const struct ind_expr *e, size_t i, const char **code, size_t *len);

/* Gives the value of ref i (code, len) at the level being evaluated: IND_OK and *out, or the
 * reason there is none. */
typedef enum ind_reason (*ind_lookup_fn)(void *ctx, size_t ref, const char *code, size_t len,
                                         struct ind_obs *out);

/*
 * Evaluates e, calling lookup once per distinct code, without allocating. IND_OK with out's
 * value (weight 1, time the inputs' latest, approximate if any input was; num and den 0), or
 * IND_MISSING_INPUT (*bad_ref, if not NULL, the ref whose lookup failed), IND_DIVISION_BY_ZERO,
 * IND_OVERFLOW, IND_BAD_INPUT (an input value not finite).
 */
enum ind_reason ind_expr_eval(const struct ind_expr *e, ind_lookup_fn lookup, void *ctx,
                              struct ind_obs *out, size_t *bad_ref);

/* ---- a catalogue's derived indicators --------------------------------------------------- */

/* One indicator of a catalogue: its code and, when derived, its parsed expression. */
struct ind_def {
    const char *code;
    size_t code_len;
    const struct ind_expr *expr; /* NULL: not derived */
};

enum ind_problem_kind {
    IND_PROBLEM_DUPLICATE, /* def's code appears earlier in the catalogue (at other) */
    IND_PROBLEM_UNKNOWN,   /* def's expression refers (ref) to a code not in the catalogue */
    IND_PROBLEM_CYCLE      /* def's expression depends on itself through cycle[0..cycle_len) */
};
struct ind_problem {
    enum ind_problem_kind kind;
    size_t def;   /* the indicator (index in defs) */
    size_t ref;   /* UNKNOWN: the ref (ind_expr_ref) of def's expression */
    size_t other; /* DUPLICATE: the earlier index */
    /* CYCLE: defs indices, cycle[0] = def, each refers to the next, the last to cycle[0]
     * ({def} alone for A = A + 1). Valid only during the call. */
    const size_t *cycle;
    size_t cycle_len;
};
typedef void (*ind_problem_fn)(void *ctx, const struct ind_problem *p);

/*
 * Checks a whole catalogue defs[0..n): every code of every expression must be in it, codes
 * unique, and no indicator may depend on itself. problem (may be NULL) is called once per
 * duplicate, per unknown ref and per cycle found (each cycle once). On success (0), order
 * (n entries) lists every index so that an indicator comes after all it refers to: the order
 * in which to evaluate the derived ones. IOC_EINVAL if any problem (order then undefined),
 * IOC_ENOMEM.
 */
int ind_catalogue_check(const struct ind_def *defs, size_t n, size_t *order, ind_problem_fn problem,
                        void *ctx);

/* ---- values: roll-up (rollup.c; pure, as everything above, but it allocates) ------------- */

/*
 * One stored value as a roll-up reads it: its base period number n (of the indicator's own
 * frequency), whether it was recorded against the unit rolled up to itself (own: a district or
 * the province entering its own figure) or against one of its communes, and the observation
 * (value; num and den for a ratio; weight 1 for mean and wmean).
 */
struct ind_base_obs {
    int32_t n;
    bool own;
    struct ind_obs obs;
};
/* The value of one period after a roll-up: reason IND_OK and obs, or why there is none;
 * inputs is how many base values went into it. */
struct ind_rolled {
    enum ind_reason reason;
    struct ind_obs obs;
    int32_t inputs;
};

/*
 * The values of count periods first, first + 1, … (frequency first.freq, the same as base or
 * coarser) from the base values rows[0..n), sorted by n (IOC_EINVAL otherwise, or when
 * first.freq is finer than base, or count < 0). For each base period the unit's own value
 * wins: if rows hold one, the communes' values of that period are left out; otherwise every
 * commune's value counts. Then the period's value is ind_aggregate by r over those values of
 * all its base periods at once — exactly what chaining communes → unit and base periods → the
 * period gives, as the library documents (each row's time is its base period's start, so
 * last takes the latest base period). out[i] is period first + i. Allocates scratch
 * (IOC_ENOMEM).
 */
int ind_rollup(const struct ind_rule *r, enum ind_freq base, struct ind_period first, int32_t count,
               const struct ind_base_obs *rows, size_t n, struct ind_rolled *out);

/*
 * A derived indicator over count periods: inputs[k] (k a ref of e, ind_expr_ref) holds the
 * rolled-up values of that input at the same count periods and unit, so the expression is
 * evaluated after its inputs are aggregated at that level (never a roll-up of derived values).
 * out[i].inputs is the sum of the inputs' counts.
 */
void ind_rollup_derived(const struct ind_expr *e, const struct ind_rolled *const *inputs,
                        int32_t count, struct ind_rolled *out);

/* A value carried along the succession links to a successor that takes share of it
 * (ind_obs_share when share < 1), marked approximate when the way was (a split, a partial link). */
void ind_obs_carry(enum ind_agg agg, double share, bool approximate, struct ind_obs *o);

/* The parts that read or write the store (see the top of this file). */
#include "indicators/indicators_values.h"
#include "indicators/indicators_catalogue.h"
#include "indicators/indicators_computed.h" /* (values_computed.c) */
#endif
