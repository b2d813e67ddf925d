/*
 * readings_time.c — RFC 3339 times of CSV readings, to nanoseconds since 1970.
 *
 *   date-time = YYYY "-" MM "-" DD ("T" | "t" | " ") hh ":" mm ":" ss ["." 1*9DIGIT] offset
 *   offset    = "Z" | "z" | ("+" | "-") hh ":" mm
 *
 * The offset is required: a time without one names no instant. Checked: month 01–12, the day
 * within its month (leap years of the proleptic Gregorian calendar), hour 00–23, minute 00–59,
 * second 00–59 (a leap second 60 is refused: Unix time has none), offset hours 00–23 and
 * minutes 00–59. The result must fit int64 nanoseconds (years 1678–2262).
 */
#include <stdint.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* The offset at s[0..n) in seconds east of UTC. 0 or IOC_EINVAL. */
static int parse_offset(const char *s, size_t n, int *sec)
{
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *sec = 0;
        return 0;
    }
    if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return IOC_EINVAL;
    int h = digits(s + 1, 2), m = digits(s + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return IOC_EINVAL;
    *sec = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

int telemetry_time_rfc3339(const char *s, size_t n, int64_t *ns)
{
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return IOC_EINVAL;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 59)
        return IOC_EINVAL;
    size_t i = 19;
    int64_t frac = 0;
    if (s[i] == '.') {
        int nd = 0;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++)
            if (nd < 9)
                frac = frac * 10 + (s[i] - '0');
            else
                return IOC_EINVAL; /* more than nanoseconds */
        if (nd == 0)
            return IOC_EINVAL;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    int off;
    if (parse_offset(s + i, n - i, &off) != 0)
        return IOC_EINVAL;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off, r;
    if (__builtin_mul_overflow(t, INT64_C(1000000000), &r) || __builtin_add_overflow(r, frac, &r))
        return IOC_EINVAL;
    *ns = r;
    return 0;
}
