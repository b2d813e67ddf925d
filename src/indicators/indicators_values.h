/*
 * indicators_values.h — part of indicators.h (included at its end; include indicators.h, not
 * this file): the indicators' values against the store — who may write and the check of a
 * write, file imports (values, shares of split communes), reads and roll-ups, the history in
 * one geography, overview and freshness, the roll-up cache, the [indicators] settings and the
 * alert rule types. Most of it reads (imports also write) the store through store.h; each
 * section says which.
 */
#ifndef IOC_INDICATORS_VALUES_H
#define IOC_INDICATORS_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- values: the rules of a write (values.c; NOT pure: reads the store) ----------------- */

/*
 * Unlike indicators.h's pure library, these functions read the database through store.h on the
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
 * Every indicator at every commune in force on h->at, for each period of its own frequency in
 * the range that has a value there (an input of it, for a derived one): the stored values
 * carried to those communes (store_unit_map: itself, or along the succession links with their
 * shares) and rolled up by the indicator's rule (ind_rollup); a derived indicator evaluated
 * per commune and period over its inputs' values re-aggregated to its periods by their own
 * rules (ind_aggregate, then ind_rollup_derived), so each row is what
 * GET …/values?unit=C&at=DAY gives. Emitted by frequency, then within it the non-derived
 * indicators and then the derived ones, each by indicator, commune, period. Nothing is held
 * whole but one indicator's rows and the rolled values of the indicators derived ones read
 * (with derived ones, the values are read from the start of the year holding from to the end
 * of the year holding to, so a derived period at the range's edge has its whole inputs; rows
 * counts them).
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

#endif
