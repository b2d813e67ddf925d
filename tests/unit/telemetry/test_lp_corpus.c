/*
 * The public line-protocol corpus (tests/data/lineprotocol-corpus.json, from
 * github.com/influxdata/line-protocol-corpus, MIT; see tests/data/README.md) against our parser.
 *
 * Every "decode" case is run: where the corpus expects an error, we must refuse at least one
 * line (the message need not match Go's); where it expects points, ours must be the same
 * points (name, tags in order, fields in order with type and value, time at the case's precision
 * and default time). A case that disagrees fails the test unless it is in `deviations` below,
 * with its reason (mirrored in docs/telemetry.md "Deviations from the line-protocol reference");
 * a listed case that agrees fails too, so the list only shrinks.
 *
 * The test runs from the repository root (as tests/run.sh runs every unit binary).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "telemetry/telemetry.h"

#define CORPUS "tests/data/lineprotocol-corpus.json"

/* Cases where we knowingly disagree with the corpus: key and reason. None today: every decode
 * case agrees (the NULL row only keeps the array non-empty). */
static const struct {
    const char *key;
    const char *why;
} deviations[] = {
    {NULL, NULL},
};

/* The corpus writes uint values up to 2^64-1 as JSON numbers, which jansson refuses past
 * INT64_MAX: put every `"uint": DIGITS` in quotes before parsing. Returns a malloc'd copy. */
static char *quote_uints(const char *s, size_t n, size_t *outlen)
{
    char *out = malloc(n * 2 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (n - i > 7 && memcmp(s + i, "\"uint\":", 7) == 0) {
            memcpy(out + o, s + i, 7), o += 7, i += 7;
            while (i < n && s[i] == ' ')
                out[o++] = s[i++];
            out[o++] = '"';
            while (i < n && s[i] >= '0' && s[i] <= '9')
                out[o++] = s[i++];
            out[o++] = '"';
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Standard base64 (with padding) into a malloc'd buffer. */
static char *b64_decode(const char *s, size_t *outlen)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(n + 1);
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(s[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    *outlen = o;
    return out;
}

struct run {
    json_t *points; /* ours, in the corpus's shape */
    int errors;
};

static json_t *str_json(struct telemetry_str s)
{
    return json_stringn(s.p, s.n);
}

static json_t *value_json(const struct telemetry_lp_field *f)
{
    char buf[32];
    switch (f->type) {
    case TELEMETRY_LP_FLOAT:
        return json_pack("{s:f}", "float", f->v.f);
    case TELEMETRY_LP_INT:
        return json_pack("{s:I}", "int", (json_int_t)f->v.i);
    case TELEMETRY_LP_UINT:
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)f->v.u);
        return json_pack("{s:s}", "uint", buf);
    case TELEMETRY_LP_BOOL:
        return json_pack("{s:b}", "bool", f->v.b);
    case TELEMETRY_LP_STRING:
        return json_pack("{s:o}", "string", str_json(f->v.s));
    }
    return NULL;
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    struct run *r = ctx;
    json_t *tags = json_array(), *fields = json_array();
    for (size_t i = 0; i < pt->ntags; i++)
        json_array_append_new(tags, json_pack("{s:o, s:o}", "key", str_json(pt->tags[i].key),
                                              "value", str_json(pt->tags[i].value)));
    for (size_t i = 0; i < pt->nfields; i++)
        json_array_append_new(fields, json_pack("{s:o, s:o}", "key", str_json(pt->fields[i].key),
                                                "value", value_json(&pt->fields[i])));
    json_array_append_new(r->points,
                          json_pack("{s:o, s:o, s:o, s:I}", "name", str_json(pt->name), "tags",
                                    tags, "fields", fields, "time", (json_int_t)pt->time_ns));
    return 0;
}

static int on_error(void *ctx, const struct telemetry_lp_error *e)
{
    (void)e;
    ((struct run *)ctx)->errors++;
    return 0;
}

/* 1 if two field values agree: same type, same value (floats compared as doubles, whether the
 * corpus wrote them as integers or reals; uints as decimal text). */
static int value_equal(json_t *want, json_t *got)
{
    json_t *w, *g;
    if ((w = json_object_get(want, "float"))) {
        g = json_object_get(got, "float");
        return g && json_is_number(w) && json_number_value(w) == json_real_value(g);
    }
    if ((w = json_object_get(want, "uint"))) {
        g = json_object_get(got, "uint");
        return g && json_is_string(w) && strcmp(json_string_value(w), json_string_value(g)) == 0;
    }
    return json_equal(want, got);
}

static int points_equal(json_t *want, json_t *got)
{
    if (json_array_size(want) != json_array_size(got))
        return 0;
    for (size_t i = 0; i < json_array_size(want); i++) {
        json_t *w = json_array_get(want, i), *g = json_array_get(got, i);
        json_t *wf = json_object_get(w, "fields"), *gf = json_object_get(g, "fields");
        json_t *wt = json_object_get(w, "tags");
        if (!json_equal(json_object_get(w, "name"), json_object_get(g, "name")) ||
            !json_equal(json_object_get(w, "time"), json_object_get(g, "time")) ||
            !json_equal(wt ? wt : json_array(), json_object_get(g, "tags")) ||
            json_array_size(wf) != json_array_size(gf))
            return 0;
        for (size_t k = 0; k < json_array_size(wf); k++) {
            json_t *a = json_array_get(wf, k), *b = json_array_get(gf, k);
            if (!json_equal(json_object_get(a, "key"), json_object_get(b, "key")) ||
                !value_equal(json_object_get(a, "value"), json_object_get(b, "value")))
                return 0;
        }
    }
    return 1;
}

static enum telemetry_lp_precision precision_of(const char *s)
{
    if (strcmp(s, "1s") == 0)
        return TELEMETRY_LP_S;
    if (strcmp(s, "1ms") == 0)
        return TELEMETRY_LP_MS;
    if (strcmp(s, "1ns") == 0)
        return TELEMETRY_LP_NS;
    return TELEMETRY_LP_US; /* "1µs" */
}

static const char *deviation(const char *key)
{
    for (size_t i = 0; i < sizeof deviations / sizeof deviations[0]; i++)
        if (deviations[i].key && strcmp(deviations[i].key, key) == 0)
            return deviations[i].why;
    return NULL;
}

/* Runs one case; 1 if we agree with the corpus. */
static int run_case(struct telemetry_lp_parser *p, json_t *c)
{
    json_t *in = json_object_get(c, "input"), *out = json_object_get(c, "output");
    json_t *text = json_object_get(in, "text");
    size_t n;
    char *bytes;
    if (json_is_string(text)) {
        n = json_string_length(text);
        bytes = malloc(n + 1);
        memcpy(bytes, json_string_value(text), n);
    } else {
        bytes = b64_decode(json_string_value(json_object_get(text, "binary")), &n);
    }
    struct run r = {json_array(), 0};
    telemetry_lp_parse(
        p, bytes, n, precision_of(json_string_value(json_object_get(in, "precision"))),
        json_integer_value(json_object_get(in, "defaultTime")), on_point, on_error, &r, NULL);
    int agree;
    if (json_object_get(out, "error"))
        agree = r.errors > 0;
    else
        agree = r.errors == 0 && points_equal(json_object_get(out, "result"), r.points);
    if (!agree && !deviation(json_string_value(json_object_get(in, "key")))) {
        char *want = json_dumps(out, JSON_COMPACT), *got = json_dumps(r.points, JSON_COMPACT);
        fprintf(stderr, "case %s: text %s\n  want %s\n  got %s (%d errors)\n",
                json_string_value(json_object_get(in, "key")),
                json_is_string(text) ? json_string_value(text) : "(binary)", want, got, r.errors);
        free(want);
        free(got);
    }
    json_decref(r.points);
    free(bytes);
    return agree;
}

static void test_lp_corpus_decode_cases_agree(void **state)
{
    (void)state;
    char *raw = NULL;
    size_t len = 0;
    assert_int_equal(ioc_file_read(CORPUS, 64u << 20, &raw, &len), 0);
    size_t qlen;
    char *text = quote_uints(raw, len, &qlen);
    free(raw);
    json_error_t jerr;
    json_t *root = json_loadb(text, qlen, JSON_ALLOW_NUL, &jerr);
    free(text);
    if (!root)
        fail_msg("%s: %s at line %d", CORPUS, jerr.text, jerr.line);
    struct telemetry_lp_limits lim = {1 << 20, 4096, 4096, 1 << 20, 1 << 20};
    struct telemetry_lp_parser *p = NULL;
    assert_int_equal(telemetry_lp_create(&lim, &p), 0);
    const char *key;
    json_t *c;
    size_t total = 0, agree = 0, bad = 0, stale = 0;
    json_object_foreach(json_object_get(root, "decode"), key, c)
    {
        total++;
        int ok = run_case(p, c);
        agree += ok;
        if (!ok && !deviation(key))
            bad++;
        if (ok && deviation(key)) {
            fprintf(stderr, "case %s agrees now: drop it from the deviations\n", key);
            stale++;
        }
    }
    printf("line-protocol corpus: %zu of %zu decode cases agree, %zu listed deviations, %zu "
           "disagreements\n",
           agree, total, total - agree - bad, bad);
    telemetry_lp_destroy(p);
    json_decref(root);
    assert_true(total > 6000);
    assert_int_equal(bad, 0);
    assert_int_equal(stale, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lp_corpus_decode_cases_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
