/* dash_int.h — what the files of src/dashboards/ share. Nothing outside src/dashboards/
 * includes this. */
#ifndef IOC_DASH_INT_H
#define IOC_DASH_INT_H

#include <jansson.h>

#include "dashboards/dashboards.h"

/* A check in progress: the callbacks, where the first problem goes, and the first error. */
struct dash_ck {
    const struct dash_lookup *lk;
    struct dash_problem *p;
    int rc; /* 0 until the first problem (IOC_EINVAL) or error (a callback's, IOC_ENOMEM) */
};

/* Records the first problem at path (a prefix and a member: "panels[2]" + "w"; either may be ""
 * or NULL) and returns IOC_EINVAL; a later problem is not recorded (k->rc is kept). */
int dash_fail(struct dash_ck *k, const char *prefix, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records an error that is not a problem of the document (IOC_ENOMEM, a callback's code). */
int dash_error(struct dash_ck *k, int rc);
/* prefix.member (or member when prefix is empty) into buf. */
void dash_path(char *buf, size_t cap, const char *prefix, const char *member);

/* Refuses a member of obj not in the NULL-terminated list allowed. */
int dash_members(struct dash_ck *k, const json_t *obj, const char *prefix,
                 const char *const *allowed);

enum {
    DASH_STR_REQUIRED = 1, /* absent or null is a problem */
    DASH_STR_LABEL = 2,    /* one line: trimmed, not empty, no control or bidi formatting */
    DASH_STR_TEXT = 4      /* several lines: \n and \t allowed, other controls not */
};
/* The string member key of obj, NFC, checked by flags and at most max bytes, into *out
 * (malloc'd; NULL when absent and not required). */
int dash_str(struct dash_ck *k, const json_t *obj, const char *key, const char *prefix, int flags,
             size_t max, char **out);
/* The same for a value v (NULL: absent) at prefix.key. */
int dash_str_v(struct dash_ck *k, const json_t *v, const char *prefix, const char *key, int flags,
               size_t max, char **out);
/* The integer member key of obj within [min, max] into *out; *present 0 when absent (and not
 * required). */
int dash_int(struct dash_ck *k, const json_t *obj, const char *key, const char *prefix,
             int required, json_int_t min, json_int_t max, json_int_t *out, int *present);
/* Asks fn (may be NULL: 0) whether code exists; unknown is a problem at prefix.member. */
int dash_ref(struct dash_ck *k, int (*fn)(void *, const char *), const char *code,
             const char *prefix, const char *member, const char *what);
/* Sets key of o to v (stolen); IOC_ENOMEM recorded when v is NULL or the set fails. */
int dash_set(struct dash_ck *k, json_t *o, const char *key, json_t *v);

/* panels.c: checks the array of panels on a grid of columns and appends each canonical panel to
 * out. */
int dash_panels(struct dash_ck *k, const json_t *panels, int columns, json_t *out);

#endif
