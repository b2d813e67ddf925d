/*
 * rules.c — what a webhook gets and how a delivery is signed and spaced: the filter (event
 * types and the agency's visibility), the check of a webhook's fields, its secret, the HMAC
 * signature, the backoff schedule and the body. Pure functions (but the secret's randomness).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "notify/notify.h"

static const char *const types[] = {"alert", "report", "station"};

/* 1 if the comma-separated list has the item t. */
static int listed(const char *list, const char *t)
{
    size_t tn = strlen(t);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if ((n == 1 && *p == '*') || (n == tn && memcmp(p, t, n) == 0))
            return 1;
        p = comma ? comma + 1 : p + n;
    }
    return 0;
}

int notify_matches(const char *events, int64_t hook_agency, const char *type, int64_t event_agency)
{
    if (!type || strcmp(type, "ping") == 0 || !listed(events, type))
        return 0;
    if (hook_agency <= 0)
        return 1;
    return event_agency == NOTIFY_EVERYONE || event_agency == hook_agency;
}

static int url_check(const char *url, notify_problem_fn problem, void *ctx)
{
    size_t n = url ? strlen(url) : 0;
    const char *rest = NULL;
    if (n >= 7 && strncmp(url, "http://", 7) == 0)
        rest = url + 7;
    else if (n >= 8 && strncmp(url, "https://", 8) == 0)
        rest = url + 8;
    const char *why = NULL;
    if (n == 0)
        why = "'url' is required.";
    else if (n > NOTIFY_URL_MAX)
        why = "'url' is at most 2048 bytes.";
    else if (!rest)
        why = "'url' must start with http:// or https://.";
    else if (!ioc_utf8_valid(url, n))
        why = "'url' must be UTF-8.";
    if (!why) {
        for (const unsigned char *p = (const unsigned char *)url; *p; p++)
            if (*p <= ' ' || *p == 0x7f) {
                why = "'url' may not hold spaces or control characters.";
                break;
            }
    }
    if (!why) {
        size_t host = strcspn(rest, "/?#");
        if (host == 0 || rest[0] == ':')
            why = "'url' names no host.";
        else if (memchr(rest, '@', host))
            why = "'url' may not hold a user name or password.";
    }
    if (why) {
        problem(ctx, "url", why);
        return IOC_EINVAL;
    }
    return 0;
}

int notify_webhook_check(const char *url, const char *const *events, size_t nevents,
                         char events_out[NOTIFY_EVENTS_MAX], notify_problem_fn problem, void *ctx)
{
    if (url_check(url, problem, ctx))
        return IOC_EINVAL;
    int want[3] = {0, 0, 0}, all = 0;
    for (size_t i = 0; i < nevents; i++) {
        int k = -1;
        for (int j = 0; j < 3; j++)
            if (events[i] && strcmp(events[i], types[j]) == 0)
                k = j;
        if (events[i] && strcmp(events[i], "*") == 0)
            all = 1;
        else if (k < 0) {
            problem(ctx, "events",
                    "Each item of 'events' is \"alert\", \"report\" or \"station\", or the "
                    "list is [\"*\"] (every type).");
            return IOC_EINVAL;
        } else
            want[k] = 1;
    }
    if (nevents == 0 || (all && nevents != 1)) {
        problem(ctx, "events",
                "'events' lists at least one type (\"alert\", \"report\", \"station\"), or is "
                "[\"*\"] alone.");
        return IOC_EINVAL;
    }
    events_out[0] = 0;
    if (all) {
        snprintf(events_out, NOTIFY_EVENTS_MAX, "*");
        return 0;
    }
    size_t len = 0;
    for (int j = 0; j < 3; j++)
        if (want[j])
            len += (size_t)snprintf(events_out + len, NOTIFY_EVENTS_MAX - len, "%s%s",
                                    len ? "," : "", types[j]);
    return 0;
}

void notify_secret_new(char out[NOTIFY_SECRET_HEX + 1])
{
    unsigned char raw[NOTIFY_SECRET_HEX / 2];
    randombytes_buf(raw, sizeof raw);
    ioc_hex(raw, sizeof raw, out);
    out[NOTIFY_SECRET_HEX] = 0;
    sodium_memzero(raw, sizeof raw);
}

int notify_sign(const char *secret, int64_t timestamp_s, const char *body, size_t n,
                char out[7 + 64 + 1])
{
    char ts[24];
    int tn = snprintf(ts, sizeof ts, "%lld.", (long long)timestamp_s);
    unsigned char *msg = malloc((size_t)tn + n + 1);
    if (!msg)
        return IOC_ENOMEM;
    memcpy(msg, ts, (size_t)tn);
    if (n)
        memcpy(msg + tn, body, n);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    int ok = HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, (size_t)tn + n, mac, &maclen) &&
             maclen == 32;
    free(msg);
    if (!ok)
        return IOC_EIO;
    memcpy(out, "sha256=", 7);
    ioc_hex(mac, 32, out + 7);
    out[7 + 64] = 0;
    return 0;
}

int64_t notify_backoff_ms(int attempts, int backoff_ms, int backoff_max_ms, double jitter)
{
    int64_t wait = backoff_ms;
    for (int i = 1; i < attempts && wait < backoff_max_ms; i++)
        wait *= 2;
    if (wait > backoff_max_ms)
        wait = backoff_max_ms;
    if (jitter < 0)
        jitter = 0;
    if (jitter >= 1)
        jitter = 0.999999;
    return wait / 2 + (int64_t)((double)(wait - wait / 2) * jitter);
}

int notify_body(struct ioc_buf *b, int64_t id, const char *type, int64_t at_ms, const char *data)
{
    char at[32];
    ioc_time_rfc3339(at_ms, at);
    int rc = ioc_buf_printf(b, "{\"id\":%lld,\"type\":", (long long)id);
    rc = rc ? rc : ioc_buf_json_str(b, type, strlen(type));
    rc = rc ? rc : ioc_buf_printf(b, ",\"at\":\"%s\",\"data\":", at);
    rc = rc ? rc : ioc_buf_puts(b, data && *data ? data : "{}");
    rc = rc ? rc : ioc_buf_putc(b, '}');
    return rc ? IOC_ENOMEM : 0;
}
