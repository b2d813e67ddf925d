/*
 * fuzz_xlsx — the spreadsheet reader (src/sheet: sheet_read over XLSX and CSV) on arbitrary bytes.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 *
 * The first byte picks the mode:
 *   - even: the rest is the file as uploaded (a zip, or CSV), so the zip reader meets broken
 *     headers, sizes and deflate streams;
 *   - odd: the rest is up to five XML parts separated by NUL bytes — the sheet, the shared
 *     strings, the styles, the workbook and its relationships, in that order (a part left out
 *     gets a plain default) — stored uncompressed in a zip made here with correct CRCs, so
 *     that the mutations reach the XML handlers instead of failing the zip's checks.
 * Small limits, so that each is met. Checked for every input:
 *   1. row numbers rise strictly, are at most max_rows; each row has 1..max_columns cells;
 *   2. each cell's type is known, its text NUL-terminated at len, valid UTF-8, without NUL;
 *      an empty cell has no text; a boolean is "TRUE" or "FALSE";
 *   3. a refusal is IOC_EINVAL or IOC_ETOOBIG with a sentence in err.why; nothing else but
 *      IOC_ENOMEM comes back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/base.h"
#include "sheet/sheet.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const struct sheet_limits LIM = {.max_input = 1 << 20,
                                        .max_unzipped = 1 << 18,
                                        .max_rows = 200,
                                        .max_columns = 64,
                                        .max_cell = 1024,
                                        .max_strings = 500};

struct seen {
    size_t last_row;
};

static int on_row(void *ctx, size_t row, const struct sheet_cell *c, size_t n)
{
    struct seen *s = ctx;
    CHECK(row > s->last_row && row <= LIM.max_rows);
    s->last_row = row;
    CHECK(n >= 1 && n <= LIM.max_columns);
    for (size_t i = 0; i < n; i++) {
        CHECK(c[i].type <= SHEET_ERROR);
        CHECK(c[i].text && c[i].text[c[i].len] == '\0' && strlen(c[i].text) == c[i].len);
        CHECK(ioc_utf8_valid(c[i].text, c[i].len));
        CHECK((c[i].type == SHEET_EMPTY) == (c[i].len == 0));
        if (c[i].type == SHEET_BOOL)
            CHECK(strcmp(c[i].text, "TRUE") == 0 || strcmp(c[i].text, "FALSE") == 0);
    }
    return 0;
}

static void check_read(const char *data, size_t n)
{
    struct seen s = {0};
    struct sheet_error err;
    int rc = sheet_read(data, n, &LIM, on_row, &s, &err);
    CHECK(rc == 0 || rc == IOC_EINVAL || rc == IOC_ETOOBIG || rc == IOC_ENOMEM);
    if (rc == IOC_EINVAL || rc == IOC_ETOOBIG)
        CHECK(err.why[0] != '\0' && memchr(err.why, '\0', sizeof err.why));
}

/* ---- a stored zip made in memory ---------------------------------------------------------- */

static void put16(struct ioc_buf *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    CHECK(ioc_buf_append(b, p, 2) == 0);
}

static void put32(struct ioc_buf *b, uint32_t v)
{
    unsigned char p[4];
    ioc_le32_put(p, v);
    CHECK(ioc_buf_append(b, p, 4) == 0);
}

/* One header of a stored entry: local (central 0) or central (its local header at off). */
static void header(struct ioc_buf *b, int central, const char *name, const char *p, size_t n,
                   uint32_t off)
{
    put32(b, central ? 0x02014b50 : 0x04034b50);
    if (central)
        put16(b, 20);
    put16(b, 20);
    put16(b, 0); /* flags */
    put16(b, 0); /* stored */
    put32(b, 0); /* time, date */
    put32(b, (uint32_t)crc32(0, (const unsigned char *)p, (uInt)n));
    put32(b, (uint32_t)n);
    put32(b, (uint32_t)n);
    put16(b, (unsigned)strlen(name));
    put16(b, 0); /* extra */
    if (central) {
        put16(b, 0); /* comment */
        put16(b, 0); /* disk */
        put16(b, 0);
        put32(b, 0);
        put32(b, off);
    }
    CHECK(ioc_buf_puts(b, name) == 0);
}

static void zip_stored(struct ioc_buf *z, const char *const *names, const char *const *parts,
                       const size_t *lens, size_t count)
{
    uint32_t off[8];
    for (size_t i = 0; i < count; i++) {
        off[i] = (uint32_t)z->len;
        header(z, 0, names[i], parts[i], lens[i], 0);
        CHECK(ioc_buf_append(z, parts[i], lens[i]) == 0);
    }
    size_t cd = z->len;
    for (size_t i = 0; i < count; i++)
        header(z, 1, names[i], parts[i], lens[i], off[i]);
    put32(z, 0x06054b50);
    put32(z, 0);
    put16(z, (unsigned)count);
    put16(z, (unsigned)count);
    put32(z, (uint32_t)(z->len - cd - 12));
    put32(z, (uint32_t)cd);
    put16(z, 0);
}

static void check_parts(const char *p, size_t n)
{
    static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                        "xl/styles.xml", "xl/workbook.xml",
                                        "xl/_rels/workbook.xml.rels"};
    static const char *const defaults[] = {
        "<worksheet/>", "<sst/>", "<styleSheet/>",
        "<workbook xmlns:r=\"r\"><sheets><sheet r:id=\"rId1\"/></sheets></workbook>",
        "<Relationships><Relationship Id=\"rId1\" Type=\"w/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"s/sharedStrings\" "
        "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"s/styles\" "
        "Target=\"styles.xml\"/></Relationships>"};
    const char *parts[5];
    size_t lens[5];
    for (size_t i = 0; i < 5; i++) {
        const char *end = n ? memchr(p, '\0', n) : NULL;
        size_t k = end ? (size_t)(end - p) : n;
        int given = n > 0 || (i == 0);
        parts[i] = given ? p : defaults[i];
        lens[i] = given ? k : strlen(defaults[i]);
        p += end ? k + 1 : k;
        n -= end ? k + 1 : k;
    }
    struct ioc_buf z;
    ioc_buf_init(&z, 0);
    zip_stored(&z, names, parts, lens, 5);
    check_read(z.data, z.len);
    ioc_buf_free(&z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* an exact-size copy, so that ASan sees a read past the end */
    char *copy = malloc(size - 1 ? size - 1 : 1);
    CHECK(copy);
    memcpy(copy, data + 1, size - 1);
    if (data[0] & 1)
        check_parts(copy, size - 1);
    else
        check_read(copy, size - 1);
    free(copy);
    return 0;
}
