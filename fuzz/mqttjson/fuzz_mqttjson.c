/*
 * fuzz_mqttjson — JSON payloads of MQTT messages turned into points (src/telemetry/mqtt_json.c,
 * telemetry_json_parse) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * Byte 0 picks small limits, the precision and the points allowed per message; byte 1 the
 * length (0-15) of the measurement, taken from the next bytes; the rest is the payload, given as
 * an exact-size heap copy so that ASan sees any read past it. Checked for every input:
 *   1. every point has the measurement as its name, 1..max_fields fields and 0..max_tags tags
 *      within the limits, tags strictly sorted by key, non-empty valid UTF-8 names without
 *      control characters, tag values without CR or LF, finite floats, booleans 0 or 1;
 *   2. entries come in order (line numbers strictly increase), each as one point or one error,
 *      and the stats count what the callbacks saw, at most max_points points;
 *   3. a point written as line protocol (when its names hold no backslash, the one byte whose
 *      escaping is ambiguous) parses back, with the default limits, to the same line: every
 *      point of a JSON payload is one line protocol could have carried.
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
    struct telemetry_str name;
    size_t last_line, points, errors;
    struct telemetry_lp_parser *lp;
    char *a, *b; /* the point written as line protocol, and written again after parsing a */
    size_t cap, alen, blen;
    int lp_points;
};

static void add(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    CHECK(*len + n < cap);
    memcpy(buf + *len, s, n);
    *len += n;
}

/* s written with a backslash before each byte of esc. */
static void esc(char *buf, size_t cap, size_t *len, struct telemetry_str s, const char *chars)
{
    for (size_t i = 0; i < s.n; i++) {
        if (memchr(chars, s.p[i], strlen(chars)))
            add(buf, cap, len, "\\", 1);
        add(buf, cap, len, &s.p[i], 1);
    }
}

static void write_field(char *buf, size_t cap, size_t *len, const struct telemetry_lp_field *f)
{
    char num[64];
    int n = 0;
    switch (f->type) {
    case TELEMETRY_LP_FLOAT:
        n = snprintf(num, sizeof num, "%.17g", f->v.f);
        break;
    case TELEMETRY_LP_INT:
        n = snprintf(num, sizeof num, "%lldi", (long long)f->v.i);
        break;
    case TELEMETRY_LP_UINT:
        n = snprintf(num, sizeof num, "%lluu", (unsigned long long)f->v.u);
        break;
    case TELEMETRY_LP_BOOL:
        n = snprintf(num, sizeof num, "%s", f->v.b ? "true" : "false");
        break;
    case TELEMETRY_LP_STRING:
        add(buf, cap, len, "\"", 1);
        esc(buf, cap, len, f->v.s, "\"\\");
        add(buf, cap, len, "\"", 1);
        return;
    }
    add(buf, cap, len, num, (size_t)n);
}

static size_t write_point(char *buf, size_t cap, const struct telemetry_lp_point *pt)
{
    size_t len = 0;
    char t[32];
    esc(buf, cap, &len, pt->name, ", ");
    for (size_t i = 0; i < pt->ntags; i++) {
        add(buf, cap, &len, ",", 1);
        esc(buf, cap, &len, pt->tags[i].key, ",= ");
        add(buf, cap, &len, "=", 1);
        esc(buf, cap, &len, pt->tags[i].value, ",= ");
    }
    for (size_t i = 0; i < pt->nfields; i++) {
        add(buf, cap, &len, i ? "," : " ", 1);
        esc(buf, cap, &len, pt->fields[i].key, ",= ");
        add(buf, cap, &len, "=", 1);
        write_field(buf, cap, &len, &pt->fields[i]);
    }
    int n = snprintf(t, sizeof t, " %lld", (long long)pt->time_ns);
    add(buf, cap, &len, t, (size_t)n);
    return len;
}

static int has_backslash(const struct telemetry_lp_point *pt)
{
    int b = memchr(pt->name.p, '\\', pt->name.n) != NULL;
    for (size_t i = 0; i < pt->ntags; i++)
        b |= memchr(pt->tags[i].key.p, '\\', pt->tags[i].key.n) ||
             memchr(pt->tags[i].value.p, '\\', pt->tags[i].value.n);
    for (size_t i = 0; i < pt->nfields; i++)
        b |= memchr(pt->fields[i].key.p, '\\', pt->fields[i].key.n) != NULL;
    return b;
}

static int name_ok(struct telemetry_str s, size_t max)
{
    if (s.n == 0 || s.n > max || !ioc_utf8_valid(s.p, s.n))
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
            return 0;
    return 1;
}

static int str_cmp(struct telemetry_str a, struct telemetry_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    return c ? c : (a.n > b.n) - (a.n < b.n);
}

static int on_again(void *vc, const struct telemetry_lp_point *pt)
{
    struct ctx *c = vc;
    c->lp_points++;
    c->blen = write_point(c->b, c->cap, pt);
    return 0;
}

static void check_point(struct ctx *c, const struct telemetry_lp_point *pt)
{
    CHECK(pt->name.n == c->name.n && memcmp(pt->name.p, c->name.p, c->name.n) == 0);
    CHECK(pt->ntags <= c->lim.max_tags);
    CHECK(pt->nfields >= 1 && pt->nfields <= c->lim.max_fields);
    for (size_t i = 0; i < pt->ntags; i++) {
        const struct telemetry_lp_tag *t = &pt->tags[i];
        CHECK(name_ok(t->key, c->lim.max_key));
        CHECK(t->value.n >= 1 && t->value.n <= c->lim.max_value);
        CHECK(ioc_utf8_valid(t->value.p, t->value.n));
        CHECK(!memchr(t->value.p, '\n', t->value.n) && !memchr(t->value.p, '\r', t->value.n));
        CHECK(i == 0 || str_cmp(pt->tags[i - 1].key, t->key) < 0);
    }
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        CHECK(name_ok(f->key, c->lim.max_key));
        if (f->type == TELEMETRY_LP_FLOAT)
            CHECK(isfinite(f->v.f));
        if (f->type == TELEMETRY_LP_BOOL)
            CHECK(f->v.b == 0 || f->v.b == 1);
        if (f->type == TELEMETRY_LP_STRING)
            CHECK(f->v.s.n <= c->lim.max_value && ioc_utf8_valid(f->v.s.p, f->v.s.n));
    }
}

static int on_point(void *vc, const struct telemetry_lp_point *pt)
{
    struct ctx *c = vc;
    CHECK(pt->line > c->last_line);
    c->last_line = pt->line;
    c->points++;
    check_point(c, pt);
    if (has_backslash(pt))
        return 0;
    c->alen = write_point(c->a, c->cap, pt);
    c->lp_points = 0;
    struct telemetry_lp_stats st;
    CHECK(telemetry_lp_parse(c->lp, c->a, c->alen, TELEMETRY_LP_NS, 0, on_again, NULL, c, &st) ==
          0);
    CHECK(c->lp_points == 1 && st.bad_lines == 0);
    CHECK(c->alen == c->blen && memcmp(c->a, c->b, c->alen) == 0);
    return 0;
}

static int on_error(void *vc, const struct telemetry_lp_error *e)
{
    struct ctx *c = vc;
    CHECK(e->line >= 1 && e->message && e->message[0]);
    CHECK(e->line > c->last_line || (e->line == 1 && c->last_line == 0));
    c->last_line = e->line;
    c->errors++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct telemetry_lp_parser *lp;
    static char a[1 << 20], b[1 << 20];
    if (!lp && telemetry_lp_create(NULL, &lp) != 0)
        abort();
    if (size < 2)
        return 0;
    unsigned k = data[0];
    size_t nlen = data[1] & 15u;
    if (size < 2 + nlen)
        return 0;
    struct ctx c = {.lim = {4096, 1 + (k & 3), 1 + ((k >> 2) & 3), 8 + ((k >> 4) & 1) * 24, 16},
                    .lp = lp,
                    .a = a,
                    .b = b,
                    .cap = sizeof a};
    enum telemetry_lp_precision prec = (enum telemetry_lp_precision)((k >> 5) % 6);
    size_t max_points = 1 + ((k >> 5) & 3);
    char *name = malloc(nlen + 1);
    size_t n = size - 2 - nlen;
    char *text = malloc(n + 1);
    if (!name || !text)
        abort();
    memcpy(name, data + 2, nlen);
    memcpy(text, data + 2 + nlen, n);
    c.name = (struct telemetry_str){name, nlen};
    struct telemetry_lp_stats st;
    int rc = telemetry_json_parse(text, n, c.name, &c.lim, max_points, prec, 1700000000123456789,
                                  on_point, on_error, &c, &st);
    CHECK(rc == 0);
    CHECK(st.points == c.points && st.bad_lines == c.errors && st.lines == c.points + c.errors);
    CHECK(st.points <= max_points);
    free(name);
    free(text);
    return 0;
}
