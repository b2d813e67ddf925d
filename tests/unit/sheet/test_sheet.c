/*
 * Unit tests for src/sheet: the row reader over CSV and XLSX, the limits, the writers.
 *
 * The hand-made XLSX files are zipped here with minizip's zip API from XML written as Excel
 * writes it (shared strings with rich-text runs and a phonetic run, styles with built-in and
 * custom date formats, r= references with gaps, a row left out); the writer's own files are
 * read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "base/base.h"
#include "helpers/tmpdir.h"
#include "sheet/sheet.h"
#include "sheet/sheet_int.h"

/* ---- what a read handed over ---------------------------------------------------------- */

/* Every row as "ROW:" then per cell "TYPE=text|" (TYPE: E T N B D X), and each cell kept. */
struct seen {
    struct ioc_buf log;
    size_t rows;
    size_t stop_at; /* return IOC_EIO at this row number */
    double number[64][16];
    int type[64][16];
    size_t ncells[64];
};

static int on_row(void *ctx, size_t row, const struct sheet_cell *c, size_t n)
{
    struct seen *s = ctx;
    assert_true(n >= 1);
    if (s->rows < 64) {
        s->ncells[s->rows] = n;
        for (size_t i = 0; i < n && i < 16; i++) {
            s->number[s->rows][i] = c[i].number;
            s->type[s->rows][i] = (int)c[i].type;
        }
    }
    s->rows++;
    assert_int_equal(ioc_buf_printf(&s->log, "%zu:", row), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(strlen(c[i].text), c[i].len);
        assert_int_equal(ioc_buf_printf(&s->log, "%c=%s|", "ETNBDX"[c[i].type], c[i].text), 0);
    }
    assert_int_equal(ioc_buf_putc(&s->log, '\n'), 0);
    return s->stop_at == row ? IOC_EIO : 0;
}

static int read_all(const char *data, size_t n, const struct sheet_limits *lim, struct seen *s,
                    struct sheet_error *err)
{
    memset(s, 0, sizeof *s);
    ioc_buf_init(&s->log, 0);
    return sheet_read(data, n, lim, on_row, s, err);
}

static const char *logged(struct seen *s)
{
    return s->log.data ? s->log.data : "";
}

/* ---- building zips ------------------------------------------------------------------------ */

struct part {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen(text) */
};

/* A zip of the parts, deflated, in a malloc'd buffer. */
static char *zip_parts(const struct part *p, size_t n, size_t *outlen)
{
    char path[256];
    snprintf(path, sizeof path, "%s/x.zip", test_fresh_dir());
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    assert_non_null(zf);
    for (size_t i = 0; i < n; i++) {
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        assert_int_equal(
            zipOpenNewFileInZip64(zf, p[i].name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6, 1),
            ZIP_OK);
        size_t len = p[i].len ? p[i].len : strlen(p[i].text);
        for (size_t at = 0; at < len;) {
            unsigned k = len - at > (1u << 24) ? 1u << 24 : (unsigned)(len - at);
            assert_int_equal(zipWriteInFileInZip(zf, p[i].text + at, k), ZIP_OK);
            at += k;
        }
        assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
    }
    assert_int_equal(zipClose(zf, NULL), ZIP_OK);
    char *data = NULL;
    assert_int_equal(ioc_file_read(path, (size_t)1 << 30, &data, outlen), 0);
    unlink(path);
    return data;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define NSR "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* The workbook lists "Dữ liệu" (rId2, sheet2.xml) before "Khác" (rId1, sheet1.xml). */
static const char WORKBOOK[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                               "<workbook " NS " " NSR "><workbookPr/><sheets>"
                               "<sheet name=\"Dữ liệu\" sheetId=\"2\" r:id=\"rId2\"/>"
                               "<sheet name=\"Khác\" sheetId=\"1\" r:id=\"rId1\"/>"
                               "</sheets></workbook>";
static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char STYLES[] =
    "<styleSheet " NS "><numFmts count=\"2\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"0.00&quot;m&quot;\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"14\"/><xf numFmtId=\"165\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>";
/* "Mã"; "Tên chỉ tiêu" in two runs with a phonetic run; "Hồ sơ" decomposed; "2026-10". */
static const char STRINGS[] =
    "<sst " NS " count=\"4\" uniqueCount=\"4\"><si><t>Mã</t></si>"
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Tên </t></r><r><t>chỉ tiêu</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>never</t></rPh></si>"
    "<si><t>Ho\xCC\x82\xCC\x80 so\xCC\x9B</t></si><si><t>2026-10</t></si></sst>";
static const char SHEET1[] =
    "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
    "<is><t>the wrong sheet</t></is></c></row></sheetData></worksheet>";
static const char SHEET2[] =
    "<worksheet " NS "><dimension ref=\"A1:G6\"/><sheetData>"
    "<row r=\"1\" spans=\"1:4\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"D1\" t=\"inlineStr\"><is><t>Ghi chú</t></is></c></row>"
    "<row r=\"3\"><c r=\"A3\"><v>0.1</v></c><c r=\"B3\" s=\"1\"><v>46296</v></c>"
    "<c r=\"C3\" s=\"3\"><v>12.5</v></c><c r=\"D3\" s=\"4\"><v>46296.5</v></c>"
    "<c r=\"E3\" t=\"b\"><v>1</v></c><c r=\"F3\" t=\"e\"><v>#DIV/0!</v></c>"
    "<c r=\"G3\" t=\"str\"><f>A3*2</f><v>0.2</v></c></row>"
    "<row r=\"4\"><c r=\"B4\" s=\"2\"><v>46296</v></c><c r=\"C4\" t=\"s\"><v>3</v></c>"
    "<c r=\"D4\" t=\"s\"><v>2</v></c><c r=\"E4\"><v>1234567.891</v></c></row>"
    "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" s=\"2\"/></row>"
    "<row><c><v>1</v></c><c><v>-2E-3</v></c></row>"
    "</sheetData><mergeCells count=\"0\"/></worksheet>";

static char *excel_file(const char *sheet2, size_t *n)
{
    struct part p[] = {
        {"[Content_Types].xml", "<Types/>", 0},
        {"_rels/.rels", "<Relationships/>", 0},
        {"xl/workbook.xml", WORKBOOK, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/styles.xml", STYLES, 0},
        {"xl/sharedStrings.xml", STRINGS, 0},
        {"xl/worksheets/sheet1.xml", SHEET1, 0},
        {"xl/worksheets/sheet2.xml", sheet2, 0},
    };
    return zip_parts(p, IOC_ARRAY_LEN(p), n);
}

/* ---- XLSX as Excel writes it ------------------------------------------------------------ */

static void test_xlsx_as_excel_writes_it(void **state)
{
    (void)state;
    size_t n;
    char *x = excel_file(SHEET2, &n);
    assert_int_equal(sheet_detect(x, n), SHEET_XLSX);
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(x, n, NULL, &s, &err), 0);
    assert_string_equal(
        logged(&s), "1:T=Mã|T=Tên chỉ tiêu|E=|T=Ghi chú|\n"
                    "3:N=0.1|D=2026-10-01|N=12.5|D=2026-10-01T12:00:00|B=TRUE|X=#DIV/0!|T=0.2|\n"
                    "4:E=|D=2026-10-01|T=2026-10|T=Hồ sơ|N=1234567.891|\n"
                    "6:N=1|N=-0.002|\n");
    /* the serials of dates, so that an importer can tell what Excel did to "2026-10" */
    assert_true(s.number[1][1] == 46296.0);
    assert_true(s.number[1][3] == 46296.5);
    assert_int_equal(s.type[2][0], SHEET_EMPTY);
    assert_int_equal(s.type[1][4], SHEET_BOOL);
    assert_true(s.number[1][4] == 1.0);
    ioc_buf_free(&s.log);
    free(x);
}

static void test_xlsx_1904_dates_and_a_time(void **state)
{
    (void)state;
    /* the same workbook in the 1904 system: serial 44834 is 2026-10-01 there */
    static const char wb[] = "<workbook " NS " " NSR "><workbookPr date1904=\"1\"/><sheets>"
                             "<sheet name=\"a\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
    static const char sh[] = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"C2\" s=\"1\">"
                             "<v>44834.75</v></c></row></sheetData></worksheet>";
    struct part p[] = {{"xl/workbook.xml", wb, 0},
                       {"xl/_rels/workbook.xml.rels", RELS, 0},
                       {"xl/styles.xml", STYLES, 0},
                       {"xl/worksheets/sheet2.xml", sh, 0}};
    size_t n;
    char *x = zip_parts(p, 4, &n);
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(x, n, NULL, &s, &err), 0);
    assert_string_equal(logged(&s), "2:E=|E=|D=2026-10-01T18:00:00|\n");
    ioc_buf_free(&s.log);
    free(x);
}

/* ---- the writer read back ------------------------------------------------------------------ */

static struct sheet_table *sample_table(void)
{
    static const char *const head[] = {"Mã", "Tên (NFD)", "Giá trị", "Trống", "Ngày", "Lúc"};
    struct sheet_table *t = NULL;
    assert_int_equal(sheet_table_create("Chỉ tiêu", head, 6, &t), 0);
    const char *nfd = "Ti\xC3\xAA\xCC\x81ng Vi\xC3\xAA\xCC\xA3t, \"trích\"";
    struct sheet_cell r1[] = {
        {SHEET_TEXT, "A.1", 0, 0},        {SHEET_TEXT, nfd, 0, 0},
        {SHEET_NUMBER, NULL, 0, 0.1},     {SHEET_EMPTY, NULL, 0, 0},
        {SHEET_DATE, "2026-10-01", 0, 0}, {SHEET_DATE, "2026-10-01T08:30:00", 0, 0}};
    struct sheet_cell r2[] = {{SHEET_TEXT, "A.2", 0, 0},
                              {SHEET_TEXT, "dòng\nhai", 0, 0},
                              {SHEET_NUMBER, NULL, 0, 1234567.891},
                              {SHEET_TEXT, "", 0, 0},
                              {SHEET_NUMBER, NULL, 0, -1e20},
                              {SHEET_EMPTY, NULL, 0, 0}};
    assert_int_equal(sheet_table_add(t, r1), 0);
    assert_int_equal(sheet_table_add(t, r2), 0);
    assert_int_equal(sheet_table_rows(t), 2);
    return t;
}

static void test_xlsx_written_reads_back(void **state)
{
    (void)state;
    struct sheet_table *t = sample_table();
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(sheet_write_xlsx(t, &b), 0);
    assert_int_equal(sheet_detect(b.data, b.len), SHEET_XLSX);
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(b.data, b.len, NULL, &s, &err), 0);
    assert_string_equal(logged(&s), "1:T=Mã|T=Tên (NFD)|T=Giá trị|T=Trống|T=Ngày|T=Lúc|\n"
                                    "2:T=A.1|T=Tiếng Việt, \"trích\"|N=0.1|E=|D=2026-10-01|"
                                    "D=2026-10-01T08:30:00|\n"
                                    "3:T=A.2|T=dòng\nhai|N=1234567.891|E=|N=-1e+20|\n");
    assert_true(s.number[1][2] == 0.1);
    assert_true(s.number[1][4] == 46296.0);
    ioc_buf_free(&s.log);
    ioc_buf_free(&b);
    sheet_table_destroy(t);
}

static int gather(void *ctx, const char *p, size_t n)
{
    return ioc_buf_append(ctx, p, n);
}

/* The text of a part of a zip in memory. */
static void part_text(const struct ioc_buf *zip, const char *name, struct ioc_buf *out)
{
    struct sheet_zip *z = NULL;
    assert_int_equal(sheet_zip_open(zip->data, zip->len, &z), 0);
    size_t total = 0;
    ioc_buf_reset(out);
    assert_int_equal(sheet_zip_part(z, name, &total, (size_t)1 << 24, gather, out), 0);
    sheet_zip_close(z);
}

static void test_xlsx_written_has_bold_frozen_header_named_sheet_widths(void **state)
{
    (void)state;
    struct sheet_table *t = sample_table();
    struct ioc_buf b, x;
    ioc_buf_init(&b, 0);
    ioc_buf_init(&x, 0);
    assert_int_equal(sheet_write_xlsx(t, &b), 0);
    part_text(&b, "xl/workbook.xml", &x);
    assert_non_null(strstr(x.data, "<sheet name=\"Chỉ tiêu\""));
    part_text(&b, "xl/worksheets/sheet1.xml", &x);
    assert_non_null(strstr(x.data, "state=\"frozen\""));
    assert_non_null(strstr(x.data, "ySplit=\"1\""));
    /* "Tiếng Việt, \"trích\"" (NFD: 21 code points) + 2; the short "Trống" column the least */
    assert_non_null(strstr(x.data, "<col min=\"2\" max=\"2\" width=\"23.7109375\""));
    assert_non_null(strstr(x.data, "<col min=\"4\" max=\"4\" width=\"8.7109375\""));
    /* header cells use a bold format; the dates a date format; numbers are <v> numbers */
    assert_non_null(strstr(x.data, "<c r=\"A1\" s=\"1\" t=\"s\">"));
    assert_non_null(strstr(x.data, "<c r=\"C2\"><v>0.1</v></c>"));
    part_text(&b, "xl/styles.xml", &x);
    assert_non_null(strstr(x.data, "<b/>"));
    assert_non_null(strstr(x.data, "formatCode=\"yyyy-mm-dd\""));
    ioc_buf_free(&x);
    ioc_buf_free(&b);
    sheet_table_destroy(t);
}

static void test_csv_written_by_the_one_rule(void **state)
{
    (void)state;
    struct sheet_table *t = sample_table();
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    assert_int_equal(sheet_write_csv(t, &b), 0);
    assert_string_equal(b.data,
                        "Mã,Tên (NFD),Giá trị,Trống,Ngày,Lúc\n"
                        "A.1,\"Ti\xC3\xAA\xCC\x81ng Vi\xC3\xAA\xCC\xA3t, \"\"trích\"\"\",0.1,,"
                        "2026-10-01,2026-10-01T08:30:00\n"
                        "A.2,\"dòng\nhai\",1234567.891,,-1e+20,\n");
    /* and it reads back the same way as the XLSX, but every field text */
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(b.data, b.len, NULL, &s, &err), 0);
    assert_string_equal(logged(&s), "1:T=Mã|T=Tên (NFD)|T=Giá trị|T=Trống|T=Ngày|T=Lúc|\n"
                                    "2:T=A.1|T=Tiếng Việt, \"trích\"|T=0.1|E=|T=2026-10-01|"
                                    "T=2026-10-01T08:30:00|\n"
                                    "3:T=A.2|T=dòng\nhai|T=1234567.891|E=|T=-1e+20|E=|\n");
    ioc_buf_free(&s.log);
    ioc_buf_free(&b);
    sheet_table_destroy(t);
}

static void test_table_refuses_bad_cells_and_names(void **state)
{
    (void)state;
    static const char *const head[] = {"a"};
    struct sheet_table *t = NULL;
    assert_int_equal(sheet_table_create("a[1]", head, 1, &t), IOC_EINVAL);
    assert_int_equal(sheet_table_create("", head, 1, &t), IOC_EINVAL);
    assert_int_equal(sheet_table_create("0123456789012345678901234567890123", head, 1, &t),
                     IOC_EINVAL);
    assert_int_equal(sheet_table_create("a", head, 0, &t), IOC_EINVAL);
    assert_int_equal(sheet_table_create("Tên có dấu đủ ba mươi mốt ký tự", head, 1, &t), 0);
    struct sheet_cell bad[][1] = {
        {{SHEET_NUMBER, NULL, 0, INFINITY}}, {{SHEET_DATE, "2026-10", 0, 0}},
        {{SHEET_DATE, "2026-02-30", 0, 0}},  {{SHEET_DATE, "2026-10-01T24:00:00", 0, 0}},
        {{SHEET_TEXT, "\xC3", 0, 0}},        {{SHEET_BOOL, "TRUE", 0, 1}}};
    for (size_t i = 0; i < IOC_ARRAY_LEN(bad); i++)
        assert_int_equal(sheet_table_add(t, bad[i]), IOC_EINVAL);
    assert_int_equal(sheet_table_rows(t), 0);
    sheet_table_destroy(t);
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void test_csv_with_bom_reads_as_without(void **state)
{
    (void)state;
    const char *csv = "code,name\r\nA.1,\"Ho\xCC\x82\xCC\x80 so\xCC\x9B\r\nhai\"\r\n\r\nA.2,\r\n";
    char with[256];
    snprintf(with, sizeof with, "\xEF\xBB\xBF%s", csv);
    struct seen a, b;
    struct sheet_error err;
    assert_int_equal(sheet_detect(csv, strlen(csv)), SHEET_CSV);
    assert_int_equal(read_all(csv, strlen(csv), NULL, &a, &err), 0);
    assert_int_equal(read_all(with, strlen(with), NULL, &b, &err), 0);
    /* record numbers: the header is row 1; a record with a line break is one row */
    assert_string_equal(logged(&a), "1:T=code|T=name|\n2:T=A.1|T=Hồ sơ\r\nhai|\n3:T=A.2|E=|\n");
    assert_string_equal(logged(&a), logged(&b));
    ioc_buf_free(&a.log);
    ioc_buf_free(&b.log);
}

static void test_csv_bad_record_stops_with_its_row(void **state)
{
    (void)state;
    const char *csv = "a,b\n1,2\n3,x\"y\n";
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(csv, strlen(csv), NULL, &s, &err), IOC_EINVAL);
    assert_int_equal(err.row, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.why, "row 3, column B: a quote"));
    assert_int_equal(s.rows, 2);
    ioc_buf_free(&s.log);
}

static void test_row_callback_code_is_returned(void **state)
{
    (void)state;
    size_t n;
    char *x = excel_file(SHEET2, &n);
    struct seen s;
    struct sheet_error err;
    memset(&s, 0, sizeof s);
    ioc_buf_init(&s.log, 0);
    s.stop_at = 3;
    assert_int_equal(sheet_read(x, n, NULL, on_row, &s, &err), IOC_EIO);
    assert_int_equal(s.rows, 2);
    const char *csv = "a\nb\nc\n";
    ioc_buf_reset(&s.log);
    s.rows = 0;
    s.stop_at = 2;
    assert_int_equal(sheet_read(csv, strlen(csv), NULL, on_row, &s, &err), IOC_EIO);
    assert_int_equal(s.rows, 2);
    ioc_buf_free(&s.log);
    free(x);
}

/* ---- limits ------------------------------------------------------------------------------ */

static void expect_refusal(const char *data, size_t n, const struct sheet_limits *lim, int rc,
                           const char *why)
{
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(data, n, lim, &s, &err), rc);
    if (!strstr(err.why, why))
        fail_msg("\"%s\" does not hold \"%s\"", err.why, why);
    ioc_buf_free(&s.log);
}

static void test_limits_xlsx(void **state)
{
    (void)state;
    size_t n;
    char *x = excel_file(SHEET2, &n);
    expect_refusal(x, n, &(struct sheet_limits){.max_input = n - 1}, IOC_ETOOBIG,
                   "the file is larger than");
    expect_refusal(x, n, &(struct sheet_limits){.max_unzipped = 1000}, IOC_ETOOBIG,
                   "more than 1000 bytes once unzipped");
    expect_refusal(x, n, &(struct sheet_limits){.max_rows = 5}, IOC_ETOOBIG,
                   "row 6: more than 5 rows");
    expect_refusal(x, n, &(struct sheet_limits){.max_columns = 6}, IOC_ETOOBIG,
                   "row 3, column G: more than 6 columns");
    expect_refusal(x, n, &(struct sheet_limits){.max_cell = 6}, IOC_ETOOBIG,
                   "shared string 1: longer than 6 bytes");
    expect_refusal(x, n, &(struct sheet_limits){.max_strings = 3}, IOC_ETOOBIG,
                   "more than 3 shared strings");
    /* just enough passes */
    struct seen s;
    struct sheet_error err;
    assert_int_equal(
        read_all(
            x, n,
            &(struct sheet_limits){
                .max_input = n, .max_rows = 6, .max_columns = 7, .max_cell = 16, .max_strings = 4},
            &s, &err),
        0);
    assert_int_equal(s.rows, 4);
    ioc_buf_free(&s.log);
    free(x);
    /* a cell's own text (not a shared string) */
    x = excel_file("<worksheet><sheetData><row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>"
                   "01234567890123456789</t></is></c></row></sheetData></worksheet>",
                   &n);
    expect_refusal(x, n, &(struct sheet_limits){.max_cell = 19}, IOC_ETOOBIG,
                   "row 2, column B: text longer than 19 bytes");
    free(x);
}

static void test_limits_csv(void **state)
{
    (void)state;
    const char *csv = "a,b,c\n1,2,3\nxxxxxxxx,y\n";
    size_t n = strlen(csv);
    expect_refusal(csv, n, &(struct sheet_limits){.max_input = n - 1}, IOC_ETOOBIG,
                   "the file is larger than");
    expect_refusal(csv, n, &(struct sheet_limits){.max_rows = 2}, IOC_ETOOBIG,
                   "row 3: more than 2 rows");
    expect_refusal(csv, n, &(struct sheet_limits){.max_columns = 2}, IOC_ETOOBIG,
                   "row 1, column C: more than 2 fields");
    expect_refusal(csv, n, &(struct sheet_limits){.max_cell = 4}, IOC_ETOOBIG,
                   "row 3, column A: field longer than 4 bytes");
}

/* A sheet part of 40 MiB of rows that deflates to some 40 KiB: refused after max_unzipped
 * bytes, the rows handed before then being those that fit in it. */
static void test_zip_bomb_refused_early(void **state)
{
    (void)state;
    static const char row[] = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
    size_t nrow = sizeof row - 1, count = ((size_t)40 << 20) / nrow;
    char *sheet = malloc(count * nrow + 200);
    assert_non_null(sheet);
    size_t len = (size_t)sprintf(sheet, "<worksheet " NS "><sheetData>");
    for (size_t i = 0; i < count; i++, len += nrow)
        memcpy(sheet + len, row, nrow);
    len += (size_t)sprintf(sheet + len, "</sheetData></worksheet>");
    struct part p[] = {{"xl/workbook.xml", WORKBOOK, 0},
                       {"xl/_rels/workbook.xml.rels", RELS, 0},
                       {"xl/worksheets/sheet2.xml", sheet, len}};
    size_t n;
    char *x = zip_parts(p, 3, &n);
    free(sheet);
    assert_true(n < ((size_t)1 << 20));
    struct sheet_limits lim = {.max_unzipped = (size_t)1 << 20, .max_rows = 1048576};
    struct seen s;
    struct sheet_error err;
    assert_int_equal(read_all(x, n, &lim, &s, &err), IOC_ETOOBIG);
    assert_non_null(strstr(err.why, "more than 1048576 bytes once unzipped"));
    assert_true(s.rows < ((size_t)1 << 20) / nrow);
    ioc_buf_free(&s.log);
    free(x);
}

/* ---- malformed input ---------------------------------------------------------------------- */

static void test_malformed_xlsx_refused_with_why(void **state)
{
    (void)state;
    expect_refusal("PK\3\4 not really", 16, NULL, IOC_EINVAL, "not an XLSX file: not a zip");
    expect_refusal("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12, NULL, IOC_EINVAL,
                   "an old Excel file (.xls)");
    size_t n;
    struct part none[] = {{"word/document.xml", "<w/>", 0}};
    char *x = zip_parts(none, 1, &n);
    expect_refusal(x, n, NULL, IOC_EINVAL, "not an XLSX file: no xl/workbook.xml");
    free(x);
    struct part nosheet[] = {{"xl/workbook.xml", WORKBOOK, 0},
                             {"xl/_rels/workbook.xml.rels", RELS, 0}};
    x = zip_parts(nosheet, 2, &n);
    expect_refusal(x, n, NULL, IOC_EINVAL, "no xl/worksheets/sheet2.xml");
    free(x);
    struct {
        const char *sheet, *why;
    } cases[] = {
        {"<worksheet><sheetData><row r=\"1\"><c><v>1</v></row>", "mismatched tag"},
        {"<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>", "a DTD"},
        {"<worksheet><sheetData><row r=\"2\"/><row r=\"1\"/></sheetData></worksheet>",
         "row 1: the rows are out of order"},
        {"<worksheet><sheetData><row r=\"1\"><c r=\"B1\"/><c r=\"A1\"/></row></sheetData>"
         "</worksheet>",
         "row 1, column A: the cells are out of order"},
        {"<worksheet><sheetData><row r=\"1\"><c r=\"B2\"/></row></sheetData></worksheet>",
         "a bad cell reference \"B2\""},
        {"<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>9</v></c></row></sheetData>"
         "</worksheet>",
         "row 1, column A: no shared string \"9\""},
        {"<worksheet><sheetData><row r=\"1\"><c><v>1,5</v></c></row></sheetData></worksheet>",
         "row 1, column A: not a number"},
        {"<worksheet><sheetData><row r=\"1\"><c t=\"b\"><v>2</v></c></row></sheetData>"
         "</worksheet>",
         "a boolean that is not 0 or 1"},
        {"<worksheet><sheetData><row r=\"0\"/></sheetData></worksheet>", "a bad row number"},
        {"<worksheet><sheetData><row r=\"1\"/><c><v>1</v></c></sheetData></worksheet>",
         "a cell outside a row"},
        {"<worksheet><sheetData><row r=\"1\"><row r=\"2\"/></row></sheetData></worksheet>",
         "row 1: a row inside a row"},
    };
    for (size_t i = 0; i < IOC_ARRAY_LEN(cases); i++) {
        x = excel_file(cases[i].sheet, &n);
        expect_refusal(x, n, NULL, IOC_EINVAL, cases[i].why);
        free(x);
    }
}

static void test_column_names(void **state)
{
    (void)state;
    char out[4];
    size_t cols[] = {1, 26, 27, 52, 703, 16384, 0, 20000};
    const char *want[] = {"A", "Z", "AA", "AZ", "AAA", "XFD", "?", "?"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(cols); i++) {
        sheet_column_name(cols[i], out);
        assert_string_equal(out, want[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx_as_excel_writes_it),
        cmocka_unit_test(test_xlsx_1904_dates_and_a_time),
        cmocka_unit_test(test_xlsx_written_reads_back),
        cmocka_unit_test(test_xlsx_written_has_bold_frozen_header_named_sheet_widths),
        cmocka_unit_test(test_csv_written_by_the_one_rule),
        cmocka_unit_test(test_table_refuses_bad_cells_and_names),
        cmocka_unit_test(test_csv_with_bom_reads_as_without),
        cmocka_unit_test(test_csv_bad_record_stops_with_its_row),
        cmocka_unit_test(test_row_callback_code_is_returned),
        cmocka_unit_test(test_limits_xlsx),
        cmocka_unit_test(test_limits_csv),
        cmocka_unit_test(test_zip_bomb_refused_early),
        cmocka_unit_test(test_malformed_xlsx_refused_with_why),
        cmocka_unit_test(test_column_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
