/*
 * indicators — the rules of the monitoring indicators, as a pure library: kinds, periods and
 * deadlines, aggregation across units and over time, shares of split communes, traffic lights,
 * derived expressions and the check of a catalogue of them.
 *
 * Pure, except the section "values: the rules of a write" at the end (values.c), which reads
 * the store through store.h and takes auth.h's principal; settings.c holds the [indicators]
 * settings. Contract for everything else here:
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

/* ---- values: the rules of a write (values.c; NOT pure: reads the store) ----------------- */

/*
 * Unlike everything above, these functions read the database through store.h on the
 * connection they are given (a writer job's, to check and write in one transaction), and use
 * auth.h's principal. No HTTP, no SQL of their own.
 */
struct store_conn;
struct store_indicator;
struct store_indvalue;
struct auth_principal;
struct sheet_limits;
struct store_audit;

/* What the rules need of one stored indicator (ind_indicator_of). */
struct ind_indicator {
    int64_t id;
    enum ind_freq freq;
    struct ind_rule rule;
    int64_t agency_id;
    char agency_code[IND_CODE_MAX + 1];
    bool derived;    /* has an expression: computed, never written */
    bool has_target; /* target holds a number */
    double target;
    enum ind_polarity polarity;
    struct ind_thresholds thresholds;
};
/* Reads x's columns (as stored, so already checked) and its id and agency. IOC_EINVAL for a
 * column that does not parse, IOC_ENOTFOUND. */
int ind_indicator_of(struct store_conn *c, const struct store_indicator *x,
                     struct ind_indicator *out);

/*
 * The unit an agency covers: its own unit_code, or else the nearest ancestor agency's. ""
 * when no agency of its chain has one (a root agency of the whole province, such as the
 * police): it then covers every unit. IOC_ENOTFOUND for an unknown agency.
 */
int ind_agency_unit(struct store_conn *c, const char *agency_code, char out[64]);

/*
 * Who may write values of ind: admin any; staff and keys only if ind's agency is theirs
 * (auth_agency_allowed), and then only units their agency covers (ind_agency_unit: that unit
 * or one under it); operators, leaders, anonymous none. 0, or IOC_EPERM. *unit (64 bytes) is
 * the unit the caller may write under ("" for any).
 */
int ind_values_may_write(struct store_conn *c, const struct ind_indicator *ind,
                         const struct auth_principal *p, char unit[64]);

/* One incoming value, as the request gave it. */
struct ind_value_in {
    const char *unit;   /* a unit code */
    const char *period; /* text form of a period of the indicator's frequency */
    bool has_value, has_num, has_den;
    double value, num, den;
};
enum ind_refusal {
    IND_REFUSE_INVALID = 1, /* 422: a field is wrong */
    IND_REFUSE_FORBIDDEN,   /* 403: a unit the caller's agency does not cover */
    IND_REFUSE_CLOSED       /* 409: the period (or a period holding it) is closed */
};
struct ind_value_problem {
    enum ind_refusal kind;
    const char *field; /* "unit", "period", "value", "num", "den" */
    const char *why;   /* a static English sentence */
};

/*
 * Checks in against ind and fills out (its strings point into in and static text; the caller
 * sets source, who, at and note): the period parses and has the indicator's frequency; a ratio
 * needs num and den, both finite and >= 0, den > 0 (0/0 is refused: "nothing counted" is no
 * value, send nothing), and value = scale·num/den is computed here (a value given beside them
 * is ignored); any other needs a finite value and no num or den; a derived indicator takes no
 * values; the unit exists and was in force on some day of the period (store_unit_during: an old
 * unit is fine for a period when it was in force); it lies under `unit` (ind_values_may_write,
 * "" for any); neither the period nor a coarser period holding it is closed. 0, or 1 with *pb.
 * Other IOC_E* codes: a store failure.
 */
int ind_value_check(struct store_conn *c, const struct ind_indicator *ind, const char *unit,
                    const struct ind_value_in *in, struct store_indvalue *out,
                    struct ind_value_problem *pb);

/*
 * What ind_value_check_memo remembers between the values of one batch, so that a batch of
 * thousands asks the store once per period (closed or not) and about once per (unit, period)
 * rather than several times per value. Valid within one transaction only; zero it before the
 * first value (memset).
 */
#define IND_MEMO_UNITS 512
struct ind_value_memo {
    bool period_known;
    int closed;
    struct ind_period period;
    struct {
        char code[24];
        int32_t n;    /* the period's number (of the indicator's frequency) */
        int8_t state; /* 0 empty, 1 found (unit_id, under), 2 not in force */
        int8_t under; /* 1 under the caller's unit, 0 outside, -1 not asked */
        int64_t unit_id;
    } units[IND_MEMO_UNITS];
};
/* ind_value_check with a memo (NULL: none). The same answers. */
int ind_value_check_memo(struct store_conn *c, const struct ind_indicator *ind, const char *unit,
                         const struct ind_value_in *in, struct store_indvalue *out,
                         struct ind_value_problem *pb, struct ind_value_memo *memo);

/* The values of one batch that repeat an earlier value's unit and period (compared as sent:
 * unit codes and period texts): dup[i] = 1 for each such i > the first, else 0 (dup has n
 * entries; values with a NULL unit or period are never duplicates). A batch is one intention,
 * so two values for one cell are refused, not stored as a revision of each other. Returns how
 * many; IOC_ENOMEM (as a negative number) without memory. Pure. */
long ind_values_duplicates(const struct ind_value_in *in, size_t n, unsigned char *dup);

/* 1 if the period p, or a coarser one holding it, is closed (*closed_freq its frequency);
 * 0 if open; an IOC_E* code. */
int ind_period_closed(struct store_conn *c, struct ind_period p, enum ind_freq *closed_freq);

/* ---- values: a file imported (values_import.c; NOT pure: reads and writes the store) ---- */

/* One refused row: its number as the spreadsheet shows it (1 is the header), the column
 * ("indicator", "unit", "period", "value", "num", "den", or a letter for an unknown column),
 * why, and what kind of refusal. */
struct ind_import_problem {
    size_t row;
    char column[16];
    char why[200];
    enum ind_refusal kind;
};
typedef void (*ind_import_problem_fn)(void *ctx, const struct ind_import_problem *p);

/* An import: what the caller fills in, then what the job found. */
struct ioc_buf;
struct ind_import {
    const char *data; /* the file, CSV or XLSX (sheet_read tells them apart) */
    size_t len;
    const struct sheet_limits *limits;   /* NULL: src/sheet's defaults */
    const struct auth_principal *caller; /* NULL: the local tool, which may write every value */
    const char *who, *source, *note; /* stored with the values (NULL: "iocctl", "imported", "") */
    const struct store_audit *audit; /* the audit row written on success (NULL: none) */
    ind_import_problem_fn problem;   /* each refused row (may be NULL) */
    void *ctx;
    struct ioc_buf *signals; /* NULL, or ind_alert_json's lines of the values stored */
    /* out */
    size_t rows;    /* data rows read */
    size_t refused; /* problems reported */
    int64_t added, revised, unchanged;
    char error[256]; /* why the file as a whole could not be read ("" when rows were refused) */
};
/*
 * A store job (store_tx, store_writer_run) for im: reads the file, checks every row as a posted
 * value is checked (rows grouped by indicator; a row that repeats an indicator, unit and period
 * is refused), and stores them only if none was refused, with the audit row. 0; IOC_EINVAL
 * when rows were refused (each passed to im->problem) or the file cannot be read (im->error);
 * IOC_ETOOBIG for a file past a limit (im->error); other IOC_E* codes from the store.
 */
int ind_values_import_job(struct store_conn *w, void *arg);
/* ---- the shares of split communes (shares.c) -------------------------------------------- */

/*
 * The rule a set of shares of one old unit's n links keeps: a share set (has[i]) is more than 0
 * and at most 1; with every link set they add up to 1 (within 1e-6); with some unset, the set
 * ones leave something (less than 1) for the others, who take equal parts of it. 0, or
 * IOC_EINVAL with why.
 */
int ind_shares_check(const double *set, const bool *has, size_t n, char *why, size_t cap);

/* A file of shares (columns old, new, share; the other columns of ind_shares_table accepted
 * and not read; an empty share clears it: an equal part again). */
struct ind_shares_import {
    const char *data; /* CSV or XLSX */
    size_t len;
    const char *who;                 /* stored with each share */
    const struct store_audit *audit; /* written on success (NULL: none) */
    ind_import_problem_fn problem;   /* each refused row (may be NULL) */
    void *ctx;
    struct ioc_buf *signals; /* NULL, or ind_alert_json's lines of the values stored */
    /* out */
    size_t rows, refused;
    int64_t set, cleared, unchanged;
    char error[256]; /* why the file as a whole could not be read */
};
/*
 * A store job: reads the file, names each row's link (old code, new code; only the links of a
 * unit with several successors take shares), checks each old unit's shares — the file's over
 * those stored — by ind_shares_check, and stores them only if no row was refused, with the audit
 * row. 0; IOC_EINVAL with each refusal passed to problem, or error for the whole file.
 */
int ind_shares_import_job(struct store_conn *w, void *arg);
/* Every link of every split unit with its share set (empty when none) and the share a roll-up
 * uses, as a table (columns old, old_name, old_valid_to, new, new_name, partial, links, share,
 * effective_share) that ind_shares_import_job reads back. The caller destroys it. */
struct sheet_table;
int ind_shares_table(struct store_conn *db, struct sheet_table **out);

/* ---- the whole history in one geography (history.c; reads the store) -------------------- */

/* One value of the history: an indicator at a commune and a period of its own frequency. */
struct ind_history_row {
    const char *indicator, *unit;
    struct ind_period period;
    struct ind_rolled v;
    bool ratio; /* v.obs.num and den are the value's (a ratio indicator) */
};
struct ind_history {
    const char *at;   /* the day whose communes the history is told in (YYYY-MM-DD) */
    int64_t from, to; /* the periods holding instants in [from, to) (Unix seconds) */
    int (*emit)(void *ctx, const struct ind_history_row *r); /* non-zero stops */
    void *ctx;
    /* out */
    int64_t rows;   /* stored values read */
    int64_t values; /* rows emitted */
};
/*
 * Every non-derived indicator at every commune in force on h->at, for each period of its own
 * frequency in the range that has a value there: the stored values carried to those communes
 * (store_unit_map: itself, or along the succession links with their shares) and rolled up by
 * the indicator's rule (ind_rollup), as GET …/values?unit=C&at=DAY gives each. Emitted by
 * frequency, indicator, commune, period; nothing held whole but one indicator's rows.
 */
int ind_history(struct store_conn *db, struct ind_history *h);

/* ---- values: read and rolled up (values_read.c; NOT pure: reads the store) -------------- */

/* count periods of frequency freq from first; at: "" for today's geography, or a day
 * (YYYY-MM-DD) whose units the answer is given in (values of units no longer in force follow
 * the succession links, a split's share marked approximate). */
struct ind_range {
    enum ind_freq freq;
    struct ind_period first;
    int32_t count;
    char at[11];
};
/* The values of indicator x (ind: its parsed form) at unit over r into out[0..r->count): each
 * by the indicator's rule over the base rows below unit and inside each period; a derived
 * indicator by its expression over its inputs rolled up the same way. IOC_EINVAL for a range
 * finer than the indicator's frequency or an expression that does not parse (or nests past 8
 * derived levels), store errors as they come. */
int ind_values_rolled(struct store_conn *db, const struct store_indicator *x,
                      const struct ind_indicator *ind, const char *unit, const struct ind_range *r,
                      struct ind_rolled *out);

/* ---- the roll-up cache (cache.c; its use inside the module: indicators_int.h) ---------- */

/* The cache's size in entries (0: none); takes effect if called before the first use, else the
 * default (262,144) is used. */
void ind_cache_configure(size_t entries);
/* Range lookups answered whole and not, and the number of slots. */
void ind_cache_stats(uint64_t *hits, uint64_t *misses, size_t *slots);

/* ---- overview and freshness: the rules (overview.c; pure) ------------------------------- */

/*
 * The period an overview or a freshness table reads an indicator of frequency f at: with an
 * asked period, the period of f holding the asked period's last instant (a quarter for a month
 * inside it, the last day of a month for a daily indicator); without one (asked NULL), the
 * latest complete period of f at now (the one before the period holding now, in UTC+7).
 */
int ind_ov_period(enum ind_freq f, const struct ind_period *asked, int64_t now,
                  struct ind_period *out);

enum ind_direction { IND_DIR_NONE, IND_DIR_SAME, IND_DIR_BETTER, IND_DIR_WORSE };
/* "none" "same" "better" "worse". */
const char *ind_direction_name(enum ind_direction d);
/* The change from the previous period to the current one: has when both have a value; abs =
 * cur − prev; pct = 100·abs/|prev| when prev ≠ 0 (has_pct); dir better when it moved the way
 * the polarity wants, worse the other way, same when equal (relative 1e-12). */
struct ind_change {
    bool has, has_pct;
    double abs, pct;
    enum ind_direction dir;
};
void ind_change_of(const struct ind_rolled *prev, const struct ind_rolled *cur,
                   enum ind_polarity pol, struct ind_change *out);

/* One line of an overview: the indicator at its period and the one before. */
struct ind_ov_line {
    struct ind_period period;
    struct ind_rolled cur, prev;
    struct ind_change change;
    enum ind_light light;
};
/* The line from the two rolled values (two[0] the previous period, two[1] the current). */
void ind_ov_finish(const struct ind_indicator *ind, struct ind_period p,
                   const struct ind_rolled two[2], struct ind_ov_line *out);
/* The line of a non-derived indicator at period p (its own frequency) from its base rows
 * rows[0..n) (sorted by n, as ind_rollup): the periods p − 1 and p rolled up by its rule. */
int ind_ov_line_of(const struct ind_indicator *ind, struct ind_period p,
                   const struct ind_base_obs *rows, size_t n, struct ind_ov_line *out);

/*
 * Freshness of one indicator, period and agency: expected values (units), how many are stored
 * and how many of those were first submitted before due. Status:
 *   submitted  every expected value stored, all before the deadline
 *   late       every expected value stored, some after the deadline
 *   missing    the deadline has passed (now >= due) and some value is not stored
 *   due        the deadline has not passed and some value is not stored yet
 * An indicator with no deadline has due INT64_MAX (never late nor missing).
 */
enum ind_fresh_status { IND_FRESH_SUBMITTED, IND_FRESH_LATE, IND_FRESH_MISSING, IND_FRESH_DUE };
#define IND_FRESH_STATUSES 4
/* "submitted" "late" "missing" "due". */
const char *ind_fresh_status_name(enum ind_fresh_status s);
struct ind_fresh {
    int32_t expected, stored, on_time;
    int64_t due;
    enum ind_fresh_status status;
};
/* first[0..stored) the first-submission instants of the expected values stored. */
void ind_fresh_of(int64_t due, int64_t now, int32_t expected, const int64_t *first, int32_t stored,
                  struct ind_fresh *out);

/* ---- overview and freshness: read (overview_read.c; NOT pure: reads the store) ---------- */

/* One indicator of an overview: its catalogue row (pointing into the store rows the overview
 * holds), its parsed form and its line. */
struct ind_ov_item {
    const struct store_indicator *x;
    struct ind_indicator ind;
    struct ind_ov_line line;
};
struct ind_overview {
    struct store_indicator *rows; /* the catalogue read (store_indicators_free) */
    size_t nrows;
    struct ind_ov_item *items; /* in catalogue order, the domain's only when asked */
    size_t n;
};
/*
 * Every indicator's line for unit (today's geography) at asked (NULL: each its latest complete
 * period at now), domain NULL or a domain code. Non-derived indicators: one store query per
 * frequency for the base rows of all of them (store_indvalue_base_all), rolled up in memory;
 * derived ones by ind_values_rolled over their inputs. Freed by ind_overview_free.
 */
int ind_overview_read(struct store_conn *db, const char *unit, const struct ind_period *asked,
                      int64_t now, const char *domain, struct ind_overview *out);
void ind_overview_free(struct ind_overview *o);

/* One indicator of a freshness table. */
struct ind_fresh_item {
    const struct store_indicator *x;
    struct ind_period period;
    char unit[64]; /* the unit its agency covers ("" the whole province) */
    struct ind_fresh f;
};
struct ind_freshness {
    struct store_indicator *rows;
    size_t nrows;
    struct ind_fresh_item *items;
    size_t n;
};
/*
 * The freshness of every non-derived indicator of agency (NULL: all) at asked (NULL: each its
 * latest complete period at now). Expected values: one for the unit the indicator's agency
 * covers (ind_agency_unit; the province when "") when a value is stored against that unit
 * itself, else one per commune under it in force on the period's last day. A value counts from
 * its first submission (revision 1's time). Freed by ind_freshness_free.
 */
int ind_freshness_read(struct store_conn *db, const char *agency, const struct ind_period *asked,
                       int64_t now, struct ind_freshness *out);
void ind_freshness_free(struct ind_freshness *f);

/* The settings of section [indicators] (settings.c, config_module_indicators). */
struct ind_settings {
    int max_values_per_request;
    int max_import_bytes;
    int cache_entries;
};
struct config_module;
extern const struct config_module config_module_indicators;

/* ---- values: every commune of a unit (units_read.c; NOT pure: reads the store) ---------- */

/* One commune's value at the period answered. name is allocated (ind_units_free). */
struct ind_unit_value {
    char code[24];
    char *name;
    struct ind_rolled v;
};
struct ind_units {
    struct ind_period period;     /* the period answered (r->freq) */
    struct ind_unit_value *units; /* sorted by code */
    size_t n;
};
/*
 * The value of indicator x (ind: its parsed form) at each commune under parent ("" the
 * province; a commune: that commune alone) in the geography of r->at ("" today: the day
 * today_vn, YYYY-MM-DD): ind_values_rolled per commune over r, so a derived indicator, the
 * succession links and the shares of split communes are those of the per-unit read. The
 * period answered is the latest of r's periods at which some commune has a value (r's last
 * when none has), and each commune's value is its value then. IOC_ENOTFOUND when parent is not
 * in force that day; otherwise as ind_values_rolled. Freed by ind_units_free.
 */
int ind_units_rolled(struct store_conn *db, const struct store_indicator *x,
                     const struct ind_indicator *ind, const char *parent, const struct ind_range *r,
                     const char *today_vn, struct ind_units *out);
void ind_units_free(struct ind_units *u);

/* ---- alert rule types target_missed, submission_late (alert_types.c; docs/alerts.md) --- */
/* Registers both on a (st: the store their rules read; NULL: a registry that only checks).
 * ind_alert_json appends a durable value's `indicator` signal line {indicator, unit, period,
 * period_n, value, target, light} to b (0, IOC_ENOMEM); ind_alert_signal sends lines[0..n). */
struct alerts;
struct store;
int ind_alert_types_register(struct alerts *a, struct store *st);
int ind_alert_json(const char *code, const char *unit, const struct ind_indicator *ind,
                   const struct store_indvalue *v, struct ioc_buf *b);
void ind_alert_signal(struct alerts *a, const char *lines, size_t n);
#include "indicators/indicators_computed.h" /* (values_computed.c) */
#endif
