/*
 * period.c — calendar periods in Asia/Ho_Chi_Minh and submission deadlines.
 *
 * A period is (frequency, n) with n counting periods of that frequency (days since 1970-01-01,
 * year·12 + month − 1, year·4 + quarter − 1, year), so stepping is adding to n and every
 * conversion goes through a period's first day. Local time is UTC+7 with no daylight saving
 * (Vietnam since 1975), so a local day d starts at the instant d·86400 − 7·3600 and no time-zone
 * database is needed. Dates are base's proleptic Gregorian days (ioc_date_from_civil).
 *
 * Invariants: a valid period's year lies in IND_YEAR_MIN..IND_YEAR_MAX; every function that
 * returns a period returns a valid one or IOC_EINVAL.
 */
#include "indicators/indicators.h"

#include <stdio.h>

#include "base/base.h"

#define DAY_S 86400

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The first day (days since 1970) and year of a period of any frequency, without range checks. */
static int32_t first_day(enum ind_freq f, int32_t n)
{
    switch (f) {
    case IND_DAY:
        return n;
    case IND_MONTH:
        return ioc_date_from_civil((int)floor_div(n, 12), (int)(n - floor_div(n, 12) * 12) + 1, 1);
    case IND_QUARTER:
        return ioc_date_from_civil((int)floor_div(n, 4), (int)(n - floor_div(n, 4) * 4) * 3 + 1, 1);
    case IND_YEAR:
        return ioc_date_from_civil(n, 1, 1);
    }
    return 0;
}

/* The period of frequency f holding local day d (days since 1970). */
static int32_t period_n(enum ind_freq f, int32_t d)
{
    int y, m, dd;
    ioc_date_to_civil(d, &y, &m, &dd);
    switch (f) {
    case IND_DAY:
        return d;
    case IND_MONTH:
        return y * 12 + m - 1;
    case IND_QUARTER:
        return y * 4 + (m - 1) / 3;
    case IND_YEAR:
        return y;
    }
    return 0;
}

static int year_of(enum ind_freq f, int32_t n)
{
    switch (f) {
    case IND_DAY: {
        int y, m, d;
        ioc_date_to_civil(n, &y, &m, &d);
        return y;
    }
    case IND_MONTH:
        return (int)floor_div(n, 12);
    case IND_QUARTER:
        return (int)floor_div(n, 4);
    case IND_YEAR:
        return n;
    }
    return 0;
}

int ind_period_valid(struct ind_period p)
{
    if ((unsigned)p.freq > IND_YEAR)
        return 0;
    /* bound n first so that the calendar arithmetic cannot overflow */
    if (p.n < -1000000 || p.n > 4000000)
        return 0;
    int y = year_of(p.freq, p.n);
    return y >= IND_YEAR_MIN && y <= IND_YEAR_MAX;
}

/* The value of the k digits at s, or -1 if one is not a digit. */
static int digits(const char *s, int k)
{
    int v = 0;
    for (int i = 0; i < k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int refuse(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return IOC_EINVAL;
}

int ind_period_parse(const char *s, size_t n, struct ind_period *out, const char **why)
{
    static const char *const form = "a period is YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD";
    if (!s || (n != 4 && n != 7 && n != 10))
        return refuse(why, form);
    int y = digits(s, 4);
    if (y < 0 || (n > 4 && s[4] != '-'))
        return refuse(why, form);
    if (y < IND_YEAR_MIN || y > IND_YEAR_MAX)
        return refuse(why, "the year must lie in 1900..9999");
    struct ind_period p = {IND_YEAR, y};
    if (n == 7 && s[5] == 'Q') {
        int q = digits(s + 6, 1);
        if (q < 0)
            return refuse(why, form);
        if (q < 1 || q > 4)
            return refuse(why, "the quarter must be Q1, Q2, Q3 or Q4");
        p = (struct ind_period){IND_QUARTER, y * 4 + q - 1};
    } else if (n >= 7) {
        int m = digits(s + 5, 2);
        if (m < 0 || (n == 10 && (s[7] != '-' || digits(s + 8, 2) < 0)))
            return refuse(why, form);
        if (m < 1 || m > 12)
            return refuse(why, "the month must be 01..12");
        p = (struct ind_period){IND_MONTH, y * 12 + m - 1};
        if (n == 10) {
            int32_t d;
            if (ioc_date_parse(s, n, &d) != 0)
                return refuse(why, "no such day in that month");
            p = (struct ind_period){IND_DAY, d};
        }
    }
    *out = p;
    return 0;
}

/* Year, month (1..12), day of p's first day; quarter 1..4 (bounded so that formats know). */
static void parts(struct ind_period p, unsigned *y, unsigned *m, unsigned *d, unsigned *q)
{
    int yy, mm, dd;
    ioc_date_to_civil(first_day(p.freq, p.n), &yy, &mm, &dd);
    *y = (unsigned)yy % 10000;
    *m = (unsigned)mm % 13;
    *d = (unsigned)dd % 32;
    *q = (*m + 2) / 3 % 5;
}

int ind_period_format(struct ind_period p, char out[IND_PERIOD_TEXT_MAX])
{
    if (!ind_period_valid(p))
        return IOC_EINVAL;
    unsigned y, m, d, q;
    parts(p, &y, &m, &d, &q);
    switch (p.freq) {
    case IND_DAY:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%04u-%02u-%02u", y, m, d);
        break;
    case IND_MONTH:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%04u-%02u", y, m);
        break;
    case IND_QUARTER:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%04u-Q%u", y, q);
        break;
    case IND_YEAR:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%04u", y);
        break;
    }
    return 0;
}

int ind_period_display_vi(struct ind_period p, char out[IND_PERIOD_TEXT_MAX])
{
    if (!ind_period_valid(p))
        return IOC_EINVAL;
    unsigned y, m, d, q;
    parts(p, &y, &m, &d, &q);
    switch (p.freq) {
    case IND_DAY:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%02u/%02u/%04u", d, m, y);
        break;
    case IND_MONTH:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%02u/%04u", m, y);
        break;
    case IND_QUARTER:
        snprintf(out, IND_PERIOD_TEXT_MAX, "Qu\xc3\xbd %u/%04u", q, y);
        break;
    case IND_YEAR:
        snprintf(out, IND_PERIOD_TEXT_MAX, "%04u", y);
        break;
    }
    return 0;
}

int ind_period_of(enum ind_freq f, int64_t t, struct ind_period *out)
{
    if ((unsigned)f > IND_YEAR)
        return IOC_EINVAL;
    /* years 1900..9999 are days -25567..2932896; refuse far instants before converting */
    if (t < -3000000000LL || t > 300000000000LL)
        return IOC_EINVAL;
    int64_t day = floor_div(t + IND_UTC_OFFSET_S, DAY_S);
    struct ind_period p = {f, period_n(f, (int32_t)day)};
    if (!ind_period_valid(p))
        return IOC_EINVAL;
    *out = p;
    return 0;
}

int64_t ind_period_start(struct ind_period p)
{
    if (!ind_period_valid(p))
        return 0;
    return (int64_t)first_day(p.freq, p.n) * DAY_S - IND_UTC_OFFSET_S;
}

int64_t ind_period_end(struct ind_period p)
{
    if (!ind_period_valid(p))
        return 0;
    return (int64_t)first_day(p.freq, p.n + 1) * DAY_S - IND_UTC_OFFSET_S;
}

int ind_period_step(struct ind_period p, int32_t k, struct ind_period *out)
{
    if (!ind_period_valid(p) || k < -4000000 || k > 4000000)
        return IOC_EINVAL;
    struct ind_period q = {p.freq, p.n + k};
    if (!ind_period_valid(q))
        return IOC_EINVAL;
    *out = q;
    return 0;
}

int ind_period_parent(struct ind_period p, enum ind_freq coarser, struct ind_period *out)
{
    if (!ind_period_valid(p) || (unsigned)coarser > IND_YEAR || coarser < p.freq)
        return IOC_EINVAL;
    *out = (struct ind_period){coarser, period_n(coarser, first_day(p.freq, p.n))};
    return 0;
}

int ind_period_children(struct ind_period p, enum ind_freq finer, struct ind_period *first,
                        int32_t *count)
{
    if (!ind_period_valid(p) || (unsigned)finer > IND_YEAR || finer > p.freq)
        return IOC_EINVAL;
    int32_t a = period_n(finer, first_day(p.freq, p.n));
    int32_t b = period_n(finer, first_day(p.freq, p.n + 1) - 1);
    *first = (struct ind_period){finer, a};
    *count = b - a + 1;
    return 0;
}

/* ---- deadlines -------------------------------------------------------------------------- */

/* "HH:MM" at s (5 bytes) → minute of the day, or -1. */
static int clock_minute(const char *s)
{
    int h = digits(s, 2), m = digits(s + 3, 2);
    if (s[2] != ':' || h < 0 || m < 0 || h > 23 || m > 59)
        return -1;
    return h * 60 + m;
}

int ind_deadline_parse(const char *s, size_t n, struct ind_deadline *out, const char **why)
{
    static const char *const form = "a deadline is +Nd (N days after the period, by the end of "
                                    "the day), +Nd HH:MM, or HH:MM (on the period's last day)";
    struct ind_deadline d = {0, 1440};
    size_t i = 0;
    if (!s)
        return refuse(why, form);
    if (n > 0 && s[0] == '+') {
        size_t k = 1;
        while (k < n && s[k] >= '0' && s[k] <= '9' && k < 5)
            k++;
        if (k == 1 || k == 5 || (s[1] == '0' && k > 2) || k >= n || s[k] != 'd')
            return refuse(why, form);
        d.days = digits(s + 1, (int)(k - 1));
        i = k + 1;
        if (i == n) {
            *out = d;
            return 0;
        }
        if (s[i] != ' ')
            return refuse(why, form);
        i++;
    }
    if (n - i != 5)
        return refuse(why, form);
    d.minute = clock_minute(s + i);
    if (d.minute < 0)
        return refuse(why, "the time of day must be HH:MM, 00:00..23:59");
    *out = d;
    return 0;
}

int ind_deadline_format(const struct ind_deadline *d, char out[IND_DEADLINE_TEXT_MAX])
{
    if (d->days < 0 || d->days > 999 || d->minute < 0 || d->minute > 1440)
        return IOC_EINVAL;
    if (d->minute == 1440)
        snprintf(out, IND_DEADLINE_TEXT_MAX, "+%dd", (int)d->days);
    else if (d->days == 0)
        snprintf(out, IND_DEADLINE_TEXT_MAX, "%02d:%02d", (int)d->minute / 60, (int)d->minute % 60);
    else
        snprintf(out, IND_DEADLINE_TEXT_MAX, "+%dd %02d:%02d", (int)d->days, (int)d->minute / 60,
                 (int)d->minute % 60);
    return 0;
}

int64_t ind_deadline_due(const struct ind_deadline *d, struct ind_period p)
{
    /* the start of the last day + days, + minute */
    int64_t last_day_start = ind_period_end(p) - DAY_S;
    return last_day_start + (int64_t)d->days * DAY_S + (int64_t)d->minute * 60;
}
