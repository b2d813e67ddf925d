/*
 * time.c — clocks, calendar dates and RFC 3339 times, and the line logger.
 *
 * Dates are proleptic Gregorian days since 1970-01-01 (Howard Hinnant's civil-from-days
 * arithmetic). Vietnam has used UTC+7 without daylight saving since 1975, so "today in
 * Asia/Ho_Chi_Minh" is the UTC date of now + 7 h; no tz database is needed.
 */
#include "base/base.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

int64_t ioc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ioc_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ioc_deadline_ms(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + era * 400 + (*m <= 2);
}

int ioc_date_parse(const char *s, size_t n, int32_t *days)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return IOC_EINVAL;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < len[f]; i++) {
            char c = s[start[f] + i];
            if (c < '0' || c > '9')
                return IOC_EINVAL;
            v[f] = v[f] * 10 + (c - '0');
        }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[1] < 1 || v[1] > 12 || v[2] < 1)
        return IOC_EINVAL;
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[2] > mdays[v[1] - 1] + (v[1] == 2 && leap))
        return IOC_EINVAL;
    *days = days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    return 0;
}

void ioc_date_format(int32_t days, char out[11])
{
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned yy = y < 0 ? 0u : y > 9999 ? 9999u : (unsigned)y;
    snprintf(out, 11, "%04u-%02u-%02u", yy, m % 100, d % 100);
}

int32_t ioc_date_from_civil(int y, int m, int d)
{
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

void ioc_date_to_civil(int32_t days, int *y, int *m, int *d)
{
    unsigned um, ud;
    civil_from_days(days, y, &um, &ud);
    *m = (int)um;
    *d = (int)ud;
}

void ioc_date_today_vn(char out[11])
{
    int64_t ms = ioc_now_ms() + 7 * 3600 * 1000LL;
    ioc_date_format((int32_t)(ms / 86400000), out);
}

void ioc_time_rfc3339(int64_t ms, char out[32])
{
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - days * 86400000;
    char date[11];
    ioc_date_format((int32_t)days, date);
    snprintf(out, 32, "%.10sT%02d:%02d:%02d.%03dZ", date, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
}

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

/* An RFC 3339 date-time with its offset (no date-only form) as seconds since 1970 and the
 * fraction in ns. Second 60 is refused: Unix time has no leap seconds. 0 or IOC_EINVAL. */
static int rfc3339(const char *s, size_t n, int64_t *secs, int64_t *frac_ns)
{
    int32_t days;
    if (n < 20 || ioc_date_parse(s, 10, &days) != 0 ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return IOC_EINVAL;
    int hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
        return IOC_EINVAL;
    size_t i = 19;
    int64_t frac = 0;
    if (s[i] == '.') {
        size_t start = ++i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (i - start < 9)
                frac = frac * 10 + (s[i] - '0');
        if (i == start || i - start > 9)
            return IOC_EINVAL; /* 1 to 9 digits: nanoseconds at most */
        for (size_t k = i - start; k < 9; k++)
            frac *= 10;
    }
    int offset_min;
    if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
        offset_min = 0;
    } else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return IOC_EINVAL;
        offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    } else {
        return IOC_EINVAL;
    }
    *secs = (int64_t)days * 86400 + hh * 3600 + mm * 60 + ss - offset_min * 60LL;
    *frac_ns = frac;
    return 0;
}

int ioc_time_parse(const char *s, size_t n, int64_t *ms)
{
    int32_t days;
    if (n == 10 && ioc_date_parse(s, 10, &days) == 0) {
        *ms = (int64_t)days * 86400000 - 7 * 3600000LL; /* midnight in Asia/Ho_Chi_Minh */
        return 0;
    }
    int64_t secs, frac;
    if (rfc3339(s, n, &secs, &frac) != 0)
        return IOC_EINVAL;
    *ms = secs * 1000 + frac / 1000000;
    return 0;
}

int ioc_time_parse_ns(const char *s, size_t n, int64_t *ns)
{
    int64_t secs, frac, r;
    if (rfc3339(s, n, &secs, &frac) != 0 || __builtin_mul_overflow(secs, INT64_C(1000000000), &r) ||
        __builtin_add_overflow(r, frac, &r))
        return IOC_EINVAL;
    *ns = r;
    return 0;
}

/* ---- logging ---------------------------------------------------------------------------- */

static atomic_int log_level = IOC_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void ioc_log_set_level(int level)
{
    atomic_store(&log_level, level);
}

int ioc_log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

void ioc_log(int level, const char *fmt, ...)
{
    if (level < atomic_load(&log_level) || level < 0 || level > IOC_LOG_ERROR)
        return;
    char ts[32], msg[1024];
    ioc_time_rfc3339(ioc_now_ms(), ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s %s %s\n", ts, level_names[level], msg);
    pthread_mutex_unlock(&log_lock);
}
