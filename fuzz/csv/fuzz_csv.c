/*
 * fuzz_csv — the streaming CSV reader (src/base/csv.c) and CSV readings
 * (src/telemetry/readings.c) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The first two bytes pick small limits and the seed of the piece sizes; the rest is the text.
 * Checked for every input:
 *   1. fed whole (an exact-size heap copy, so that ASan sees any read past it) and fed in
 *      pieces of random sizes (each piece its own exact-size copy), the reader gives the same
 *      records and errors, byte for byte, in the same order;
 *   2. every record has 1..max_fields fields, each at most max_field bytes of valid UTF-8, and a
 *      line that never goes down; every error has a line, column, field and message, and its
 *      record's line is not after it;
 *   3. the stats count what the callbacks saw;
 *   4. the same text under a fixed header, read as readings, gives points whose measurement is
 *      non-empty, whose tags are strictly sorted with non-empty values, whose fields number at
 *      least one with finite floats and booleans 0 or 1; and rows = points + refused.
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

struct log {
    struct ioc_csv_limits lim;
    struct ioc_buf b; /* the events, serialized */
    size_t last_line, records, errors;
};

static int on_record(void *ctx, const struct ioc_csv_record *rec)
{
    struct log *l = ctx;
    CHECK(rec->nfields >= 1 && rec->nfields <= l->lim.max_fields);
    CHECK(rec->line >= 1 && rec->line >= l->last_line);
    l->last_line = rec->line;
    l->records++;
    CHECK(ioc_buf_printf(&l->b, "R%zu:%zu", rec->line, rec->nfields) == 0);
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct ioc_csv_field *f = &rec->fields[i];
        CHECK(f->n <= l->lim.max_field);
        CHECK(ioc_utf8_valid(f->p, f->n));
        CHECK(ioc_buf_printf(&l->b, ":%zu:", f->n) == 0);
        CHECK(ioc_buf_append(&l->b, f->p, f->n) == 0);
    }
    return 0;
}

static int on_error(void *ctx, const struct ioc_csv_error *e)
{
    struct log *l = ctx;
    CHECK(e->line >= 1 && e->column >= 1 && e->field >= 1 && e->message && e->message[0]);
    CHECK(e->record_line >= 1 && e->record_line <= e->line);
    CHECK(e->record_line >= l->last_line);
    l->last_line = e->record_line;
    l->errors++;
    CHECK(ioc_buf_printf(&l->b, "E%zu:%zu:%zu:%zu:%s", e->line, e->column, e->field, e->record_line,
                         e->message) == 0);
    return 0;
}

/* Reads text[0..n) with piece sizes from seed (0: whole) into l. */
static void read_csv(const uint8_t *text, size_t n, unsigned seed, struct log *l)
{
    struct ioc_csv_reader *r = NULL;
    CHECK(ioc_csv_create(&l->lim, &r) == 0);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t off = 0; off < n;) {
        size_t k = n - off;
        if (seed) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            size_t want = 1 + x % (x & 0x100 ? 3 : 97);
            k = want < k ? want : k;
        }
        char *piece = malloc(k);
        CHECK(piece);
        memcpy(piece, text + off, k);
        CHECK(ioc_csv_feed(r, piece, k, on_record, on_error, l) == 0);
        free(piece);
        off += k;
    }
    CHECK(ioc_csv_finish(r, on_record, on_error, l) == 0);
    struct ioc_csv_stats st;
    ioc_csv_stats_get(r, &st);
    CHECK(st.records == l->records && st.bad_records == l->errors);
    ioc_csv_destroy(r);
}

static int key_cmp(struct telemetry_str a, struct telemetry_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    return c ? c : (a.n < b.n ? -1 : a.n > b.n);
}

static int on_point(void *ctx, const struct telemetry_lp_point *pt)
{
    (void)ctx;
    CHECK(pt->name.n > 0 && ioc_utf8_valid(pt->name.p, pt->name.n));
    CHECK(pt->nfields >= 1 && pt->line >= 2);
    for (size_t i = 0; i < pt->ntags; i++) {
        CHECK(pt->tags[i].value.n > 0);
        CHECK(i == 0 || key_cmp(pt->tags[i - 1].key, pt->tags[i].key) < 0);
    }
    for (size_t i = 0; i < pt->nfields; i++) {
        const struct telemetry_lp_field *f = &pt->fields[i];
        CHECK(f->type == TELEMETRY_LP_FLOAT || f->type == TELEMETRY_LP_INT ||
              f->type == TELEMETRY_LP_BOOL);
        CHECK(f->type != TELEMETRY_LP_FLOAT || isfinite(f->v.f));
        CHECK(f->type != TELEMETRY_LP_BOOL || f->v.b == 0 || f->v.b == 1);
    }
    return 0;
}

static int on_refused(void *ctx, const struct telemetry_lp_error *e)
{
    (void)ctx;
    CHECK(e->line >= 1 && e->message && e->message[0]);
    return 0;
}

static void read_readings(const uint8_t *text, size_t n, const struct ioc_csv_limits *lim)
{
    static const char head[] = "time,measurement,tag.b,tag.a,v,n\n";
    static const char *const ints[] = {"n"};
    struct telemetry_readings_options o = {
        .measurement = "m", .precision = TELEMETRY_LP_S, .int_columns = ints, .nint_columns = 1};
    struct ioc_csv_limits big = *lim; /* room for the header */
    big.max_fields = big.max_fields < 6 ? 6 : big.max_fields;
    big.max_field = big.max_field < 12 ? 12 : big.max_field;
    big.max_record = big.max_record < 64 ? 64 : big.max_record;
    o.limits = &big;
    struct telemetry_readings *rd = NULL;
    CHECK(telemetry_readings_create(&o, &rd) == 0);
    CHECK(telemetry_readings_feed(rd, head, sizeof head - 1, on_point, on_refused, NULL) == 0);
    char *copy = malloc(n ? n : 1);
    CHECK(copy);
    if (n)
        memcpy(copy, text, n);
    CHECK(telemetry_readings_feed(rd, copy, n, on_point, on_refused, NULL) == 0);
    CHECK(telemetry_readings_finish(rd, on_point, on_refused, NULL) == 0);
    free(copy);
    struct telemetry_readings_stats st;
    telemetry_readings_stats_get(rd, &st);
    CHECK(st.rows == st.points + st.refused);
    telemetry_readings_destroy(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct ioc_csv_limits lim = {.max_field = 1 + (data[0] & 0x3f),
                                 .max_fields = 1 + (data[0] >> 6) * 5};
    lim.max_record = lim.max_field + (data[1] & 0x7f);
    unsigned seed = 1 + (data[1] >> 7) + ((unsigned)data[0] << 1);
    const uint8_t *text = data + 2;
    size_t n = size - 2;

    struct log whole = {.lim = lim}, cut = {.lim = lim};
    ioc_buf_init(&whole.b, 0);
    ioc_buf_init(&cut.b, 0);
    read_csv(text, n, 0, &whole);
    read_csv(text, n, seed, &cut);
    CHECK(whole.b.len == cut.b.len);
    CHECK(whole.b.len == 0 || memcmp(whole.b.data, cut.b.data, whole.b.len) == 0);
    ioc_buf_free(&whole.b);
    ioc_buf_free(&cut.b);

    read_readings(text, n, &lim);
    return 0;
}
