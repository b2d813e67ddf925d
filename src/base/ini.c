/*
 * ini.c — the INI reader for iocd's configuration file.
 *
 * Grammar, one construct per line:  [section]  |  key = value  |  # comment  |  ; comment  |
 * blank. Keys are [A-Za-z0-9_.-]+; a value may be wrapped in double quotes to keep leading or
 * trailing spaces. The whole text must be UTF-8; a line may not pass 4096 bytes. The parser never
 * allocates: it copies each line into a stack buffer and calls back.
 */
#include "base/base.h"

#include <ctype.h>
#include <string.h>

#define INI_LINE_MAX 4096

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int key_ok(const char *k)
{
    if (!*k)
        return 0;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_' && *k != '.' && *k != '-')
            return 0;
    return 1;
}

int ioc_ini_parse(const char *text, size_t n, ioc_ini_cb cb, void *ctx, int *err_line)
{
    char section[128] = "";
    char line[INI_LINE_MAX + 1];
    int lineno = 0;
    size_t pos = 0;
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    if (!ioc_utf8_valid(text, n) || memchr(text, '\0', n)) {
        *err_line = 1;
        /* Find the first bad line for the message. */
        for (size_t i = 0, start = 0; i <= n; i++)
            if (i == n || text[i] == '\n') {
                lineno++;
                if (!ioc_utf8_valid(text + start, i - start) ||
                    memchr(text + start, 0, i - start)) {
                    *err_line = lineno;
                    break;
                }
                start = i + 1;
            }
        return IOC_EINVAL;
    }
    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
        lineno++;
        if (len > INI_LINE_MAX) {
            *err_line = lineno;
            return IOC_EINVAL;
        }
        memcpy(line, text + pos, len);
        line[len] = '\0';
        pos += len + (nl ? 1 : 0);
        char *s = trim(line);
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || end[1] != '\0' || end - s - 1 >= (long)sizeof section) {
                *err_line = lineno;
                return IOC_EINVAL;
            }
            *end = '\0';
            char *name = trim(s + 1);
            if (!key_ok(name)) {
                *err_line = lineno;
                return IOC_EINVAL;
            }
            strcpy(section, name);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            *err_line = lineno;
            return IOC_EINVAL;
        }
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = '\0';
            value++;
        } else if (vlen >= 1 && value[0] == '"') {
            *err_line = lineno;
            return IOC_EINVAL;
        }
        if (!key_ok(key)) {
            *err_line = lineno;
            return IOC_EINVAL;
        }
        int rc = cb(ctx, section, key, value, lineno);
        if (rc < 0) {
            *err_line = lineno;
            return rc;
        }
    }
    return 0;
}
