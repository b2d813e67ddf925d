/*
 * xlsx.c — the first worksheet of an XLSX file, row by row (the rules: sheet.h).
 *
 * The parts are read in this order, each streamed from the zip (zip.c) through expat, all of
 * them counting against one max_unzipped:
 *   1. xl/workbook.xml: the first <sheet> in document order (its r:id) and workbookPr/@date1904;
 *   2. xl/_rels/workbook.xml.rels: the part of that r:id, and those of the styles and the shared
 *      strings (either may be absent);
 *   3. the styles: numFmts (custom formats that are dates) then cellXfs (one flag per style:
 *      does its number format show a date);
 *   4. the shared strings, kept in one buffer (each <si>: its <t> texts joined, <rPh> left out);
 *   5. the sheet: <row r> in rising order (rows left out are skipped), <c r t s> in rising columns
 *      (a cell without r follows the one before), its <v> or <is>; a row is handed over at </row>.
 * Element names are compared by their local part (expat splits off the namespace), so the
 * transitional and the strict namespaces both read. A DTD is refused (no entity tricks).
 * Elements the reader does not know are skipped with their content.
 */
#include "sheet/sheet_int.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <expat.h>

#define MAX_XF 65536 /* cell formats in the styles (Excel's own cap is 64000) */
#define MAX_EXCEL_ROW 1048576

struct xr {
    const struct sheet_limits *lim;
    struct sheet_error *err;
    struct sheet_zip *zip;
    size_t unzipped;
    XML_Parser xp;
    int rc; /* a handler's refusal (err filled) or the row callback's code */
    const char *part;
    int skip; /* depth inside <rPh> */
    /* workbook and its relationships */
    char *sheet_rid, *sheet_part, *styles_part, *strings_part;
    int date1904;
    /* styles */
    unsigned char *xf_date;
    size_t nxf;
    int *fmt_date; /* custom numFmtIds that are dates */
    size_t nfmt;
    int in_xfs;
    /* shared strings: string i is sst.data[off[i] .. off[i + 1] - 1) */
    struct ioc_buf sst;
    size_t *off;
    size_t nsst;
    /* the sheet */
    struct ioc_buf text; /* the current <t> or <v>, at most max_cell bytes */
    int collecting, in_row, in_c, in_is, has_v;
    struct sheet_row row;
    size_t rownum, col;
    char ctype[12];
    size_t style;
    sheet_row_fn fn;
    void *ctx;
};

static const char *local(const char *name)
{
    const char *p = strrchr(name, '|');
    return p ? p + 1 : name;
}

/* The value of attribute key (compared by local name; "|id" matches any namespace's id). */
static const char *attr(const char **atts, const char *key)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), key) == 0)
            return atts[i + 1];
    return NULL;
}

static void fail(struct xr *x, int rc, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void fail(struct xr *x, int rc, size_t row, size_t col, const char *fmt, ...)
{
    if (x->rc)
        return;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    sheet_errorf(x->err, row, col, "%s", what);
    x->rc = rc;
    if (x->xp)
        XML_StopParser(x->xp, XML_FALSE);
}

static void oom(struct xr *x, int rc)
{
    if (!x->rc) {
        x->rc = rc;
        snprintf(x->err->why, sizeof x->err->why, "%s", ioc_strerror(rc));
        XML_StopParser(x->xp, XML_FALSE);
    }
}

static void XMLCALL no_dtd(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                           int internal)
{
    (void)name;
    (void)sys;
    (void)pub;
    (void)internal;
    struct xr *x = ud;
    fail(x, IOC_EINVAL, 0, 0, "%s: a DTD, which no XLSX file has", x->part);
}

/* Fills err from expat's error (unless a handler refused first); the code to return. */
static int xml_error(struct xr *x)
{
    if (!x->rc)
        fail(x, IOC_EINVAL, x->rownum, 0, "%s: %s at line %lu", x->part,
             XML_ErrorString(XML_GetErrorCode(x->xp)),
             (unsigned long)XML_GetCurrentLineNumber(x->xp));
    return x->rc;
}

static int chunk(void *ctx, const char *p, size_t n)
{
    struct xr *x = ctx;
    return XML_Parse(x->xp, p, (int)n, 0) == XML_STATUS_ERROR ? xml_error(x) : 0;
}

/* Streams one part through expat with these handlers. IOC_ENOTFOUND (err untouched) when the
 * zip has no such part. */
static int parse_part(struct xr *x, const char *name, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
    x->xp = XML_ParserCreateNS(NULL, '|');
    if (!x->xp)
        return IOC_ENOMEM;
    XML_SetUserData(x->xp, x);
    XML_SetElementHandler(x->xp, start, end);
    XML_SetCharacterDataHandler(x->xp, chars);
    XML_SetStartDoctypeDeclHandler(x->xp, no_dtd);
    x->part = name;
    int rc = sheet_zip_part(x->zip, name, &x->unzipped, x->lim->max_unzipped, chunk, x);
    if (rc == 0 && XML_Parse(x->xp, NULL, 0, 1) == XML_STATUS_ERROR)
        rc = xml_error(x);
    if (rc == IOC_ETOOBIG && !x->rc)
        fail(x, rc, x->rownum, 0, "more than %zu bytes once unzipped (in %s)", x->lim->max_unzipped,
             name);
    if (rc == IOC_EINVAL && !x->rc)
        fail(x, rc, x->rownum, 0, "%s: a broken or encrypted zip entry", name);
    XML_ParserFree(x->xp);
    x->xp = NULL;
    return rc;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

/* ---- 1, 2: the workbook and its relationships ------------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xr *x = ud;
    const char *n = local(name), *v;
    if (strcmp(n, "workbookPr") == 0 && (v = attr(atts, "date1904")))
        x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
    if (strcmp(n, "sheet") == 0 && !x->sheet_rid && (v = attr(atts, "id")))
        if (!(x->sheet_rid = dup_str(v)))
            oom(x, IOC_ENOMEM);
}

/* The part a relationship of xl/workbook.xml points to, as a zip entry name. */
static char *part_name(const char *target)
{
    if (target[0] == '/')
        return dup_str(target + 1);
    if (strncmp(target, "../", 3) == 0)
        return dup_str(target + 3);
    size_t n = strlen(target);
    char *p = malloc(n + 4);
    if (p) {
        memcpy(p, "xl/", 3);
        memcpy(p + 3, target, n + 1);
    }
    return p;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xr *x = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    if (!id || !type || !target)
        return;
    char **slot = NULL;
    if (strcmp(id, x->sheet_rid) == 0)
        slot = &x->sheet_part;
    else if (ends_with(type, "/styles"))
        slot = &x->styles_part;
    else if (ends_with(type, "/sharedStrings"))
        slot = &x->strings_part;
    if (slot && !*slot && !(*slot = part_name(target)))
        oom(x, IOC_ENOMEM);
}

/* ---- 3: the styles ------------------------------------------------------------------------ */

/* 1 if a custom number format shows a date: a d, m or y outside quotes, brackets and escapes. */
static int format_is_date(const char *f)
{
    for (; *f; f++) {
        if (*f == '"' || *f == '[') {
            f = strchr(f + 1, *f == '"' ? '"' : ']');
            if (!f)
                return 0;
        } else if (*f == '\\' || *f == '_' || *f == '*') {
            if (!*++f)
                return 0;
        } else {
            int c = tolower((unsigned char)*f);
            if (c == 'd' || c == 'm' || c == 'y')
                return 1;
        }
    }
    return 0;
}

static int id_is_date(const struct xr *x, int id)
{
    for (size_t i = 0; i < x->nfmt; i++)
        if (x->fmt_date[i] == id)
            return 1;
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xr *x = ud;
    const char *n = local(name), *id = attr(atts, "numFmtId"), *code;
    int64_t v = 0;
    if (strcmp(n, "cellXfs") == 0)
        x->in_xfs = 1;
    if (strcmp(n, "numFmt") == 0 && id && (code = attr(atts, "formatCode")) &&
        format_is_date(code) && ioc_parse_i64(id, strlen(id), 0, 100000, &v) == 0) {
        if (x->nfmt >= MAX_XF) {
            fail(x, IOC_ETOOBIG, 0, 0, "more than %d number formats", MAX_XF);
            return;
        }
        int *p = realloc(x->fmt_date, (x->nfmt + 1) * sizeof *p);
        if (!p) {
            oom(x, IOC_ENOMEM);
            return;
        }
        x->fmt_date = p;
        x->fmt_date[x->nfmt++] = (int)v;
    }
    if (strcmp(n, "xf") == 0 && x->in_xfs) {
        if (x->nxf >= MAX_XF) {
            fail(x, IOC_ETOOBIG, 0, 0, "more than %d cell formats", MAX_XF);
            return;
        }
        if ((x->nxf & (x->nxf - 1)) == 0) { /* 0, 1, 2, 4, …: grow to twice */
            unsigned char *p = realloc(x->xf_date, x->nxf ? x->nxf * 2 : 1);
            if (!p) {
                oom(x, IOC_ENOMEM);
                return;
            }
            x->xf_date = p;
        }
        int date = id && ioc_parse_i64(id, strlen(id), 0, 100000, &v) == 0 && id_is_date(x, (int)v);
        x->xf_date[x->nxf++] = (unsigned char)date;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    struct xr *x = ud;
    if (strcmp(local(name), "cellXfs") == 0)
        x->in_xfs = 0;
}

/* ---- 4: the shared strings ------------------------------------------------------------------ */

static void XMLCALL text_chars(void *ud, const XML_Char *s, int len)
{
    struct xr *x = ud;
    if (!x->collecting || x->skip || x->rc)
        return;
    if ((size_t)len > x->lim->max_cell - x->text.len) {
        if (x->in_c)
            fail(x, IOC_ETOOBIG, x->rownum, x->col, "text longer than %zu bytes", x->lim->max_cell);
        else
            fail(x, IOC_ETOOBIG, 0, 0, "shared string %zu: longer than %zu bytes", x->nsst,
                 x->lim->max_cell);
        return;
    }
    if (ioc_buf_append(&x->text, s, (size_t)len))
        oom(x, IOC_ENOMEM);
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct xr *x = ud;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        if (x->nsst >= x->lim->max_strings) {
            fail(x, IOC_ETOOBIG, 0, 0, "more than %zu shared strings", x->lim->max_strings);
            return;
        }
        ioc_buf_reset(&x->text);
    } else if (strcmp(n, "rPh") == 0)
        x->skip++;
    else if (strcmp(n, "t") == 0)
        x->collecting = 1;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    struct xr *x = ud;
    const char *n = local(name);
    if (strcmp(n, "rPh") == 0 && x->skip > 0)
        x->skip--;
    else if (strcmp(n, "t") == 0)
        x->collecting = 0;
    else if (strcmp(n, "si") == 0 && !x->rc) {
        if ((x->nsst & (x->nsst + 1)) == 0) { /* room for off[nsst + 1]: grow at 2^k - 1 */
            size_t *p = realloc(x->off, (x->nsst + 1) * 2 * sizeof *p);
            if (!p) {
                oom(x, IOC_ENOMEM);
                return;
            }
            x->off = p;
        }
        if (x->nsst == 0)
            x->off[0] = 0;
        if (ioc_buf_append(&x->sst, x->text.data ? x->text.data : "", x->text.len) ||
            ioc_buf_append(&x->sst, "", 1)) {
            oom(x, IOC_ENOMEM);
            return;
        }
        x->off[++x->nsst] = x->sst.len;
    }
}

/* ---- 5: the sheet ------------------------------------------------------------------------- */

/* Days since 1970 and the time of day of a serial; the text as sheet.h says. */
static void serial_text(double v, int date1904, char out[32])
{
    double day = floor(v);
    long secs = lround((v - day) * 86400.0);
    long d = (long)day;
    if (secs >= 86400) {
        d++;
        secs -= 86400;
    }
    if (!date1904 && d == 60)
        memcpy(out, "1900-02-29", 11); /* Excel's day that never was */
    else
        ioc_date_format((int32_t)(date1904 ? d - 24107 : d < 60 ? d - 25568 : d - 25569), out);
    if (secs)
        snprintf(out + 10, 22, "T%02d:%02d:%02d", (int)(secs / 3600) % 100, (int)(secs / 60 % 60),
                 (int)(secs % 60));
}

/* The column of a reference "C7" (its digits must be row's), 0 when malformed. */
static size_t ref_column(const char *r, size_t row)
{
    size_t col = 0, i = 0;
    for (; r[i] >= 'A' && r[i] <= 'Z' && i < 3; i++)
        col = col * 26 + (size_t)(r[i] - 'A' + 1);
    int64_t n = 0;
    if (i == 0 || (r[i] && (ioc_parse_i64(r + i, strlen(r + i), 1, MAX_EXCEL_ROW, &n) != 0 ||
                            (size_t)n != row)))
        return 0;
    return col;
}

static void row_start(struct xr *x, const char **atts)
{
    const char *r = attr(atts, "r");
    int64_t n = (int64_t)x->rownum + 1;
    if (r && ioc_parse_i64(r, strlen(r), 1, MAX_EXCEL_ROW, &n) != 0) {
        fail(x, IOC_EINVAL, x->rownum + 1, 0, "a bad row number \"%.20s\"", r);
        return;
    }
    if (x->in_row) {
        fail(x, IOC_EINVAL, x->rownum, 0, "a row inside a row");
        return;
    }
    if ((size_t)n <= x->rownum) {
        fail(x, IOC_EINVAL, (size_t)n, 0, "the rows are out of order");
        return;
    }
    if ((size_t)n > x->lim->max_rows) {
        fail(x, IOC_ETOOBIG, (size_t)n, 0, "more than %zu rows", x->lim->max_rows);
        return;
    }
    x->rownum = (size_t)n;
    x->col = 0;
    x->in_row = 1;
}

static void cell_start(struct xr *x, const char **atts)
{
    if (!x->in_row) {
        fail(x, IOC_EINVAL, 0, 0, "a cell outside a row");
        return;
    }
    const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
    size_t col = r ? ref_column(r, x->rownum) : x->col + 1;
    if (col == 0) {
        fail(x, IOC_EINVAL, x->rownum, x->col + 1, "a bad cell reference \"%.20s\"", r);
        return;
    }
    if (col <= x->col) {
        fail(x, IOC_EINVAL, x->rownum, col, "the cells are out of order");
        return;
    }
    if (col > x->lim->max_columns) {
        fail(x, IOC_ETOOBIG, x->rownum, col, "more than %zu columns", x->lim->max_columns);
        return;
    }
    x->col = col;
    if (t && strlen(t) >= sizeof x->ctype) {
        fail(x, IOC_EINVAL, x->rownum, col, "an unknown cell type");
        return;
    }
    snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
    int64_t v = -1;
    x->style = s && ioc_parse_i64(s, strlen(s), 0, MAX_XF, &v) == 0 ? (size_t)v : (size_t)-1;
    x->in_c = 1;
    x->has_v = 0;
    ioc_buf_reset(&x->text);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xr *x = ud;
    const char *n = local(name);
    if (x->rc)
        return;
    if (strcmp(n, "row") == 0)
        row_start(x, atts);
    else if (strcmp(n, "c") == 0)
        cell_start(x, atts);
    else if (x->in_c && strcmp(n, "rPh") == 0)
        x->skip++;
    else if (x->in_c && strcmp(n, "is") == 0)
        x->in_is = 1;
    else if (x->in_c && (strcmp(n, "v") == 0 || (x->in_is && strcmp(n, "t") == 0)))
        x->collecting = x->has_v = 1;
}

static void set(struct xr *x, enum sheet_type type, const char *s, size_t n, double v)
{
    int rc = sheet_row_set(&x->row, x->col - 1, type, s, n, v);
    if (rc == IOC_EINVAL)
        fail(x, rc, x->rownum, x->col, "text that is not valid UTF-8");
    else if (rc)
        oom(x, rc);
}

static void number_cell(struct xr *x, const char *s, size_t n)
{
    double v;
    if (ioc_parse_f64(s, n, -DBL_MAX, DBL_MAX, &v) != 0) {
        fail(x, IOC_EINVAL, x->rownum, x->col, "not a number: \"%.40s\"", s);
        return;
    }
    char out[32];
    int date = x->style < x->nxf && x->xf_date[x->style] && v >= 0 &&
               v < (x->date1904 ? 2957004.0 : 2958466.0);
    if (date)
        serial_text(v, x->date1904, out);
    else
        ioc_fmt_f64(out, v);
    set(x, date ? SHEET_DATE : SHEET_NUMBER, out, strlen(out), v);
}

static void cell_end(struct xr *x)
{
    x->in_c = x->in_is = x->collecting = 0;
    const char *s = x->text.data ? x->text.data : "", *t = x->ctype;
    size_t n = x->text.len;
    int64_t i;
    if (!x->has_v)
        return; /* a cell with a style and no value */
    if (strcmp(t, "s") == 0) {
        if (x->nsst == 0 || ioc_parse_i64(s, n, 0, (int64_t)x->nsst - 1, &i) != 0) {
            fail(x, IOC_EINVAL, x->rownum, x->col, "no shared string \"%.20s\"", s);
            return;
        }
        set(x, SHEET_TEXT, x->sst.data + x->off[i], x->off[i + 1] - x->off[i] - 1, 0);
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        set(x, SHEET_TEXT, s, n, 0);
    } else if (strcmp(t, "b") == 0) {
        if (n != 1 || (s[0] != '0' && s[0] != '1')) {
            fail(x, IOC_EINVAL, x->rownum, x->col, "a boolean that is not 0 or 1");
            return;
        }
        set(x, SHEET_BOOL, s[0] == '1' ? "TRUE" : "FALSE", s[0] == '1' ? 4 : 5, s[0] - '0');
    } else if (strcmp(t, "e") == 0) {
        set(x, SHEET_ERROR, s, n, 0);
    } else if (strcmp(t, "d") == 0) {
        int32_t days;
        if (n < 10 || ioc_date_parse(s, 10, &days) != 0) {
            fail(x, IOC_EINVAL, x->rownum, x->col, "a date cell that is not a date");
            return;
        }
        set(x, SHEET_DATE, s, n, days + (x->date1904 ? 24107.0 : 25569.0));
    } else if (strcmp(t, "n") == 0) {
        number_cell(x, s, n);
    } else {
        fail(x, IOC_EINVAL, x->rownum, x->col, "an unknown cell type \"%s\"", t);
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct xr *x = ud;
    const char *n = local(name);
    if (x->rc)
        return;
    if (strcmp(n, "rPh") == 0 && x->skip > 0)
        x->skip--;
    else if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)
        x->collecting = 0;
    else if (strcmp(n, "is") == 0)
        x->in_is = 0;
    else if (strcmp(n, "c") == 0)
        cell_end(x);
    else if (strcmp(n, "row") == 0) {
        x->in_row = 0;
        int rc = sheet_row_emit(&x->row, x->rownum, x->fn, x->ctx);
        if (rc) {
            x->rc = rc;
            XML_StopParser(x->xp, XML_FALSE);
        }
    }
}

/* ---- the whole ---------------------------------------------------------------------------- */

static int read_parts(struct xr *x)
{
    int rc = parse_part(x, "xl/workbook.xml", wb_start, NULL, NULL);
    if (rc == IOC_ENOTFOUND)
        fail(x, IOC_EINVAL, 0, 0, "not an XLSX file: no xl/workbook.xml");
    if (rc == 0 && !x->sheet_rid)
        fail(x, IOC_EINVAL, 0, 0, "the workbook has no sheet");
    if (x->rc)
        return x->rc;
    rc = parse_part(x, "xl/_rels/workbook.xml.rels", rels_start, NULL, NULL);
    if (rc == IOC_ENOTFOUND)
        fail(x, IOC_EINVAL, 0, 0, "not an XLSX file: no xl/_rels/workbook.xml.rels");
    if (rc == 0 && !x->sheet_part)
        fail(x, IOC_EINVAL, 0, 0, "the first sheet's part is not in xl/_rels/workbook.xml.rels");
    if (x->rc)
        return x->rc;
    if (x->styles_part &&
        (rc = parse_part(x, x->styles_part, styles_start, styles_end, NULL)) != IOC_ENOTFOUND && rc)
        return rc;
    if (x->strings_part &&
        (rc = parse_part(x, x->strings_part, sst_start, sst_end, text_chars)) != IOC_ENOTFOUND &&
        rc)
        return rc;
    x->collecting = 0;
    rc = parse_part(x, x->sheet_part, sheet_start, sheet_end, text_chars);
    if (rc == IOC_ENOTFOUND)
        fail(x, IOC_EINVAL, 0, 0, "not an XLSX file: no %.100s", x->sheet_part);
    return x->rc ? x->rc : rc;
}

int sheet_xlsx_read(const char *data, size_t n, const struct sheet_limits *lim, sheet_row_fn fn,
                    void *ctx, struct sheet_error *err)
{
    struct xr x = {.lim = lim, .err = err, .fn = fn, .ctx = ctx};
    int rc = sheet_zip_open(data, n, &x.zip);
    if (rc == IOC_EINVAL) {
        sheet_errorf(err, 0, 0, "not an XLSX file: not a zip archive that can be read");
        return rc;
    }
    if (rc)
        return rc;
    ioc_buf_init(&x.sst, 0);
    ioc_buf_init(&x.text, 0);
    sheet_row_init(&x.row, 0);
    rc = read_parts(&x);
    sheet_row_free(&x.row);
    ioc_buf_free(&x.text);
    ioc_buf_free(&x.sst);
    free(x.off);
    free(x.xf_date);
    free(x.fmt_date);
    free(x.sheet_rid);
    free(x.sheet_part);
    free(x.styles_part);
    free(x.strings_part);
    sheet_zip_close(x.zip);
    return rc;
}
