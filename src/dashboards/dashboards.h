/*
 * dashboards — the rules of a dashboard document (docs/dashboards.md), as a pure library: a
 * JSON document with an id, titles, a domain, tags, a grid and up to 48 panels (number, line,
 * bar, choropleth, table, gauge, text), each placed on the grid and bound to indicators of the
 * catalogue, a unit and a period.
 *
 * Contract:
 *   - no SQL, no HTTP, no threads, no global state: whatever the document refers to outside
 *     itself (indicators, units, domains) is asked through the callbacks of struct dash_lookup,
 *     so the caller decides where the answers come from (the store, a test's table);
 *   - dash_check and dash_parse return 0 or a negative IOC_E* code and write *out only on
 *     success; a refused document is IOC_EINVAL with the first problem in *problem: the JSON
 *     path of the member at fault ("panels[3].w", "" for the document as a whole) and why;
 *   - a document that passes is given back in canonical form: compact JSON, members in the order
 *     of docs/dashboards.md, every string in Unicode NFC and its titles trimmed, the grid's
 *     columns filled in; the read-only members a GET adds (revision, updated_at, updated_by) are
 *     accepted and dropped. Checking the canonical text again gives the same text.
 */
#ifndef IOC_DASHBOARDS_H
#define IOC_DASHBOARDS_H

#include <stddef.h>
#include <stdint.h>

struct json_t;

#define DASH_FORMAT_VERSION 1       /* the "version" member this build writes and reads */
#define DASH_MAX_BYTES (256 * 1024) /* a document, as given and in canonical form */
#define DASH_MAX_PANELS 48          /* panels of one dashboard */
#define DASH_ID_MAX 64              /* bytes of a dashboard's or a panel's id */
#define DASH_TITLE_MAX 200          /* bytes of a title (after NFC) */
#define DASH_TEXT_MAX 4000          /* bytes of a description or a text panel's text */
#define DASH_TAGS_MAX 16            /* tags of one dashboard */
#define DASH_TAG_MAX 40             /* bytes of a tag */
#define DASH_COLUMNS_DEFAULT 12     /* grid columns when "grid" says none */
#define DASH_COLUMNS_MAX 24         /* grid columns at most */
#define DASH_ROWS_MAX 96            /* a panel ends at row 96 at the latest (y + h <= 96) */
#define DASH_SERIES_MAX 8           /* indicators of one line or bar panel */
#define DASH_CODE_MAX 64            /* bytes of an indicator's code */
#define DASH_PATH_MAX 96            /* bytes of a problem's path */
#define DASH_WHY_MAX 200            /* bytes of a problem's reason */

/*
 * What a document refers to outside itself. Each callback answers 1 (known), 0 (unknown) or a
 * negative IOC_E* code (the check stops and returns it); NULL: that kind is not checked (its
 * form still is). code is NUL-terminated.
 */
struct dash_lookup {
    int (*indicator)(void *ctx, const char *code); /* an indicator of the catalogue */
    int (*unit)(void *ctx, const char *code);      /* an administrative unit's code */
    int (*domain)(void *ctx, const char *code);    /* a domain of the catalogue */
    void *ctx;
};

/* The first problem of a refused document. */
struct dash_problem {
    char path[DASH_PATH_MAX]; /* "panels[3].w", "tags[0]", "" for the whole document */
    char why[DASH_WHY_MAX];   /* an English sentence */
};

/* A document that passed: its canonical text and what a store keeps beside it. Every string is
 * malloc'd and NUL-terminated; dash_doc_clear frees them. */
struct dash_doc {
    char *id;
    char *title_vi;
    char *title_en; /* "" when absent */
    char *domain;   /* "" when null or absent */
    char *tags;     /* the tags joined by line breaks (a tag has none), "" when none */
    char *text;     /* the canonical document */
    size_t text_len;
    int panels; /* how many */
};
void dash_doc_clear(struct dash_doc *d);

/* Checks doc (a parsed JSON value; anything but an object is refused) with lk (may be NULL:
 * nothing outside is checked). */
int dash_check(const struct json_t *doc, const struct dash_lookup *lk, struct dash_doc *out,
               struct dash_problem *problem);
/* Parses text[0..n) (UTF-8 JSON, at most DASH_MAX_BYTES, duplicate members refused; the
 * problem's why gives the line and column of a syntax error) and checks it as dash_check. */
int dash_parse(const char *text, size_t n, const struct dash_lookup *lk, struct dash_doc *out,
               struct dash_problem *problem);

/* 1 if s is an id: 1..DASH_ID_MAX bytes of [a-z0-9-], starting with a letter or digit. */
int dash_id_valid(const char *s);

#endif
