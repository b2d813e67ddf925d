/*
 * lp_int.h — what lp.c (the grammar) and lp_value.c (numbers, times, tag order) share inside
 * src/telemetry/. Not for other modules.
 */
#ifndef IOC_TELEMETRY_LP_INT_H
#define IOC_TELEMETRY_LP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "telemetry/telemetry.h"

struct telemetry_lp_parser {
    struct telemetry_lp_limits lim;
    struct telemetry_lp_tag *tags;     /* lim.max_tags */
    size_t *tag_off;                   /* offset in the text of each tag's key, for errors */
    struct telemetry_lp_field *fields; /* lim.max_fields */
    char *scratch;                     /* lim.max_line + 1 bytes: unescaped text of one entry */
    size_t used;                       /* bytes of scratch taken by the current entry */
    char msg[160];                     /* the message of the error being reported */
};

/* Numbers of a field value, s[0..n) without its i/u suffix. 0, or a static message on refusal
 * (the out-parameter untouched). */
const char *lp_parse_int(const char *s, size_t n, int64_t *out);
const char *lp_parse_uint(const char *s, size_t n, uint64_t *out);
const char *lp_parse_bool(const char *s, size_t n, int *out);
/* tmp: at least n + 1 writable bytes, used when the fast path cannot decide exactly. */
const char *lp_parse_float(const char *s, size_t n, char *tmp, double *out);

/* A timestamp s[0..n) (bytes of "-0123456789") scaled to ns. 0 or a static message. */
const char *lp_parse_time(const char *s, size_t n, enum telemetry_lp_precision prec, int64_t *out);
/* The default time truncated down to a multiple of the precision's unit. */
int64_t lp_default_time(int64_t ns, enum telemetry_lp_precision prec);

/* Sorts tags[0..n) by key (bytewise, shorter first on a common prefix), moving off[] along.
 * Returns the index (after sorting) of a tag whose key equals its predecessor's, or -1. */
long lp_tags_sort(struct telemetry_lp_tag *tags, size_t *off, size_t n);

#endif
