/*
 * fuzz_lineproto — the line-protocol parser (src/telemetry/lp.c) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The first byte picks small limits and the precision; the rest is the text, given as an
 * exact-size heap copy so that ASan sees any read past it. Checked for every input:
 *   1. every point has a non-empty name, tags and fields within the limits, tags strictly
 *      sorted by key, non-empty valid UTF-8 strings within max_key / max_value, finite floats,
 *      booleans 0 or 1; every error has a line, a column and a message;
 *   2. line numbers never go down from one callback to the next, and stay within the text;
 *   3. the stats count what the callbacks saw;
 *   4. limits only take points away: where the small limits refuse nothing, a parser with
 *      large limits accepts the same number of points (after an error, recovery skips to the
 *      next newline, which may lie inside a string field, so with errors counts may differ);
 *   5. a point written back as line protocol (when its names hold no backslash, the one byte
 *      whose escaping is ambiguous) parses to the same point.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

struct ctx {
    struct telemetry_lp_limits lim;
    size_t last_line, max_line_no;
    size_t points, errors;
    struct telemetry_lp_parser *big; /* for the round trip */
    int round_trip;
    char *buf; /* the point written back */
    size_t cap, len;
    const struct telemetry_lp_point *want;
    int matched;
};

static void check_str(struct telemetry_str s, size_t max, int nonempty)
{
    CHECK(s.n <= max);
    CHECK(!nonempty || s.n > 0);
    CHECK(ioc_utf8_valid(s.p, s.n));
}

static int same_str(struct telemetry_str a, struct telemetry_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int has_backslash(struct telemetry_str s)
{
    return s.n && memchr(s.p, '\\', s.n) != NULL;
}

static void put(struct ctx *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->buf = realloc(c->buf, c->cap);
        CHECK(c->buf);
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

/* Writes s escaping the bytes in `escape` with a backslash. */
static void put_escaped(struct ctx *c, struct telemetry_str s, const char *escape)
{
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] && strchr(escape, s.p[i]))
            put(c, "\\", 1);
        put(c, s.p + i, 1);
    }
}

static void write_point(struct ctx *c, const struct telemetry_lp_point *pt)
{
    char num[40];
    c->len = 0;
    put_escaped(c, pt->name, ", ");
    for (size_t i = 0; i < pt->ntags; i++) {
        put(c, ",", 1);
        put_escaped(c, pt->tags[i].key, ",= ");
        put(c, "=", 1);
        put_escaped(c, pt->tags[i].value, ",= ");
    }
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        put(c, i ? "," : " ", 1);
        put_escaped(c, f->key, ",= ");
        put(c, "=", 1);
        int n = 0;
        if (f->type == TELEMETRY_LP_FLOAT)
            n = snprintf(num, sizeof num, "%.17g", f->v.f);
        else if (f->type == TELEMETRY_LP_INT)
            n = snprintf(num, sizeof num, "%lldi", (long long)f->v.i);
        else if (f->type == TELEMETRY_LP_UINT)
            n = snprintf(num, sizeof num, "%lluu", (unsigned long long)f->v.u);
        else if (f->type == TELEMETRY_LP_BOOL)
            n = snprintf(num, sizeof num, "%s", f->v.b ? "true" : "false");
        if (f->type == TELEMETRY_LP_STRING) {
            put(c, "\"", 1);
            put_escaped(c, f->v.s, "\"\\");
            put(c, "\"", 1);
        } else {
            put(c, num, (size_t)n);
        }
    }
    int n = snprintf(num, sizeof num, " %lld\n", (long long)pt->time_ns);
    put(c, num, (size_t)n);
}

static int same_point(const struct telemetry_lp_point *a, const struct telemetry_lp_point *b)
{
    if (!same_str(a->name, b->name) || a->ntags != b->ntags || a->nfields != b->nfields ||
        a->time_ns != b->time_ns)
        return 0;
    for (size_t i = 0; i < a->ntags; i++)
        if (!same_str(a->tags[i].key, b->tags[i].key) ||
            !same_str(a->tags[i].value, b->tags[i].value))
            return 0;
    for (size_t i = 0; i < a->nfields; i++) {
        const struct telemetry_lp_field *x = &a->fields[i], *y = &b->fields[i];
        if (!same_str(x->key, y->key) || x->type != y->type)
            return 0;
        if ((x->type == TELEMETRY_LP_FLOAT && memcmp(&x->v.f, &y->v.f, sizeof x->v.f) != 0) ||
            (x->type == TELEMETRY_LP_INT && x->v.i != y->v.i) ||
            (x->type == TELEMETRY_LP_UINT && x->v.u != y->v.u) ||
            (x->type == TELEMETRY_LP_BOOL && x->v.b != y->v.b) ||
            (x->type == TELEMETRY_LP_STRING && !same_str(x->v.s, y->v.s)))
            return 0;
    }
    return 1;
}

static int on_again(void *ctx, const struct telemetry_lp_point *pt)
{
    struct ctx *c = ctx;
    c->matched += same_point(c->want, pt);
    return 0;
}

static void round_trip(struct ctx *c, const struct telemetry_lp_point *pt)
{
    if (has_backslash(pt->name))
        return;
    for (size_t i = 0; i < pt->ntags; i++)
        if (has_backslash(pt->tags[i].key) || has_backslash(pt->tags[i].value))
            return;
    for (size_t i = 0; i < pt->nfields; i++)
        if (has_backslash(pt->fields[i].key))
            return;
    write_point(c, pt);
    /* The copy lives in c->buf, which the nested parse does not touch. */
    c->want = pt;
    c->matched = 0;
    struct telemetry_lp_stats st;
    CHECK(telemetry_lp_parse(c->big, c->buf, c->len, TELEMETRY_LP_NS, 0, on_again, NULL, c, &st) ==
          0);
    CHECK(st.points == 1 && c->matched == 1);
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct ctx *c = ctx;
    CHECK(pt->line >= 1 && pt->line >= c->last_line && pt->line <= c->max_line_no);
    c->last_line = pt->line;
    c->points++;
    check_str(pt->name, c->lim.max_key, 1);
    CHECK(pt->ntags <= c->lim.max_tags);
    CHECK(pt->nfields >= 1 && pt->nfields <= c->lim.max_fields);
    for (size_t i = 0; i < pt->ntags; i++) {
        check_str(pt->tags[i].key, c->lim.max_key, 1);
        check_str(pt->tags[i].value, c->lim.max_value, 1);
        if (i) {
            struct telemetry_str a = pt->tags[i - 1].key, b = pt->tags[i].key;
            size_t n = a.n < b.n ? a.n : b.n;
            int cmp = memcmp(a.p, b.p, n);
            CHECK(cmp < 0 || (cmp == 0 && a.n < b.n));
        }
    }
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        check_str(f->key, c->lim.max_key, 1);
        if (f->type == TELEMETRY_LP_FLOAT)
            CHECK(isfinite(f->v.f));
        if (f->type == TELEMETRY_LP_BOOL)
            CHECK(f->v.b == 0 || f->v.b == 1);
        if (f->type == TELEMETRY_LP_STRING)
            check_str(f->v.s, c->lim.max_value, 0);
    }
    if (c->round_trip)
        round_trip(c, pt);
    return 0;
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    struct ctx *c = ctx;
    CHECK(e->line >= 1 && e->line >= c->last_line && e->line <= c->max_line_no);
    CHECK(e->column >= 1 && e->message && e->message[0]);
    c->last_line = e->line;
    c->errors++;
    return 0;
}

static int count_point(void *ctx, const struct telemetry_lp_point *pt)
{
    (void)pt;
    (*(size_t *)ctx)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct telemetry_lp_parser *big;
    if (!big)
        CHECK(telemetry_lp_create(NULL, &big) == 0);
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned sel = data[0];
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    CHECK(text);
    memcpy(text, data + 1, n);
    struct ctx c = {{0}};
    c.lim.max_line = 16 + (sel & 3) * 40;
    c.lim.max_tags = 1 + ((sel >> 2) & 3);
    c.lim.max_fields = 1 + ((sel >> 4) & 3);
    c.lim.max_key = 4 + (sel & 7);
    c.lim.max_value = 2 + ((sel >> 3) & 7);
    c.max_line_no = 1;
    for (size_t i = 0; i < n; i++)
        c.max_line_no += text[i] == '\n';
    c.big = big;
    c.round_trip = 1;
    enum telemetry_lp_precision prec = (enum telemetry_lp_precision)((sel >> 5) % 6);
    struct telemetry_lp_parser *p = NULL;
    CHECK(telemetry_lp_create(&c.lim, &p) == 0);
    struct telemetry_lp_stats st;
    CHECK(telemetry_lp_parse(p, text, n, prec, 1700000000123456789, on_point, on_error, &c, &st) ==
          0);
    CHECK(st.points == c.points && st.bad_lines == c.errors);
    CHECK(st.lines <= c.max_line_no && (n == 0 || st.lines >= c.last_line));
    size_t big_points = 0;
    CHECK(telemetry_lp_parse(big, text, n, prec, 0, count_point, NULL, &big_points, NULL) == 0);
    CHECK(c.errors > 0 || big_points == c.points);
    telemetry_lp_destroy(p);
    free(c.buf);
    free(text);
    return 0;
}
