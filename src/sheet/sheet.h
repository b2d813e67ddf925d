/*
 * sheet — spreadsheets in and out: one row reader for CSV and XLSX (so that an importer is written
 * once), and a small table type written as CSV or XLSX (so that one rule writes both exports).
 *
 * Contract for everything here:
 *   - no SQL, no HTTP, no threads of its own, no global state: every function may be called from
 *     any thread at once on distinct objects;
 *   - functions give 0 or a negative IOC_E* code (src/base/base.h) and write their
 *     out-parameters only on success; a refusal of the input fills a struct sheet_error;
 *   - reading allocates only what one call needs and frees it before it returns; the writers
 *     append to a caller's struct ioc_buf (bounded by its max).
 *
 * Reading (read.c, xlsx.c, zip.c):
 *   - sheet_read takes the whole file in memory. It is XLSX when it starts with a zip local
 *     header ("PK\3\4"), and CSV otherwise (src/base/csv.c: RFC 4180, UTF-8 with or without a
 *     BOM). An old binary .xls is refused by its bytes, with a sentence saying to save as .xlsx.
 *   - XLSX: the first worksheet in workbook order (xl/workbook.xml → xl/_rels/workbook.xml.rels →
 *     its part), read from memory (minizip with memory I/O callbacks, no temporary file) and
 *     parsed with expat, any DTD refused. Shared strings (rich text runs joined, phonetic runs
 *     left out), inline strings, formula results (the value Excel cached; the formula is not
 *     read), numbers, booleans, errors; a cell goes to the column of its r="C7" reference, so
 *     cells left out in the middle of a row come as empty cells; rows left out are not handed
 *     over (the row numbers jump), nor is a row with no value at all.
 *   - Row numbers are those a spreadsheet program shows: Excel's row number in an XLSX; in a CSV
 *     the record number, the first record (the header) being row 1 (a record with a quoted line
 *     break is one row, as Excel shows it). An empty CSV line is no record and has no number.
 *   - A row's cells: as many as up to its last cell present (XLSX leaves trailing empty cells
 *     out, so a short row is normal there) or its fields (CSV).
 *   - Text is UTF-8 in NFC (ioc_text_nfc). Numbers get the shortest text that reads back as the
 *     double Excel stored (ioc_fmt_f64: "0.1", "1234567.891"); a CSV field is always text.
 *   - Dates: a number cell whose style's number format is a date (built-in 14–22, 45–47, or a
 *     custom format with a d, m or y outside quotes and brackets) is SHEET_DATE with ISO text
 *     ("2026-10-01", "2026-10-01T08:30:00" when it has a time of day) and its serial in number.
 *     Excel turns a typed "2026-10" into 1 Oct 2026: an importer of periods sees a date, not the
 *     text typed, and must decide (the serial is there to tell a day from a month). The 1900
 *     system (with Excel's 29 Feb 1900) and the 1904 system are both read.
 *   - Malformed input (not a zip, a broken zip or XML, no xl/workbook.xml, rows out of order, a
 *     bad cell reference, invalid UTF-8 or a stray quote in a CSV) and every limit passed stop the
 *     reading with IOC_EINVAL (IOC_ETOOBIG for a limit) and err saying where and why ("row 12,
 *     column C: text longer than 65536 bytes"). The row callback may already have been called
 *     for earlier rows: an all-or-nothing importer keeps nothing when sheet_read fails.
 *
 * Writing (write.c): a table of header names and rows of typed cells, written as
 *   - CSV: the project's one CSV rule (the indicator catalogue's files and every CSV answer):
 *     UTF-8 without a BOM, LF line ends, a field quoted only when it holds a comma, a quote, CR or
 *     LF; numbers as ioc_fmt_f64 writes them; dates as their ISO text. For Excel users the XLSX
 *     form is the one to give (Excel reads a CSV without a BOM in the system code page);
 *   - XLSX with libxlsxwriter: header row bold and frozen, numbers as numbers, dates as dates
 *     (yyyy-mm-dd, with hh:mm:ss when they have a time), text as shared strings, each column as
 *     wide as its longest text (8 to 60 characters), the sheet name given. libxlsxwriter 1.1.4
 *     writes only to a named file (no output buffer in lxw_workbook_options): the workbook is
 *     written to a private temporary file (mkstemp in $TMPDIR or /tmp, mode 0600), read back
 *     into the buffer and unlinked before sheet_write_xlsx returns.
 */
#ifndef IOC_SHEET_H
#define IOC_SHEET_H

#include <stddef.h>

#include "base/base.h"

enum sheet_type {
    SHEET_EMPTY,  /* text "" */
    SHEET_TEXT,   /* text as written */
    SHEET_NUMBER, /* number; text its shortest decimal */
    SHEET_BOOL,   /* number 0 or 1; text "FALSE" or "TRUE" */
    SHEET_DATE,   /* number Excel's serial (days, fraction the time); text ISO */
    SHEET_ERROR   /* text as Excel shows it ("#DIV/0!", "#N/A") */
};

/* One cell. Read: text is NUL-terminated, NFC, valid during the row callback only. */
struct sheet_cell {
    enum sheet_type type;
    const char *text;
    size_t len; /* bytes of text */
    double number;
};

/* Each a cap; 0 takes the default given. */
struct sheet_limits {
    size_t max_input; /* bytes of the file as given (the upload): 64 MiB */
    size_t
        max_unzipped; /* XLSX: bytes inflated from every part read, counted as they come: 256 MiB */
    size_t max_rows;  /* the highest row number: 100000 */
    size_t max_columns; /* the highest column number (Excel's is 16384): 256 */
    size_t max_cell; /* bytes of one cell's text: 131072 (Excel: 32767 characters, 4 bytes each) */
    size_t max_strings; /* XLSX: entries of the shared string table: 1000000 */
};

/* Where and why a file was refused; row and column are 0 when not known. */
struct sheet_error {
    size_t row;
    size_t column; /* 1-based: 1 is column A */
    char why[256]; /* a sentence, with the row and column in it when known */
};

/* Called once per row with its cells (ncells >= 1); 0 to go on, or a negative IOC_E* code to
 * stop: sheet_read then returns that code (err untouched). */
typedef int (*sheet_row_fn)(void *ctx, size_t row, const struct sheet_cell *cells, size_t ncells);

enum sheet_format { SHEET_CSV, SHEET_XLSX };

/* The format sheet_read will read data as, by its first bytes. */
enum sheet_format sheet_detect(const char *data, size_t n);

/* Reads data[0..n) (see the top of this file). 0; IOC_EINVAL or IOC_ETOOBIG with err filled;
 * IOC_ENOMEM; or the code row_fn returned. lim may be NULL (defaults). */
int sheet_read(const char *data, size_t n, const struct sheet_limits *lim, sheet_row_fn row_fn,
               void *ctx, struct sheet_error *err);

/* The limits in force for lim (defaults filled in). */
void sheet_limits_get(const struct sheet_limits *lim, struct sheet_limits *out);

/* Excel's letters of a 1-based column: 1 → "A", 28 → "AB", 16384 → "XFD" ("?" past 3 letters). */
void sheet_column_name(size_t column, char out[4]);

/* ---- the table written (write.c) ------------------------------------------------------------ */

struct sheet_table;

/* A table of ncols columns (1..16384) named header[i], for a sheet called name (1 to 31
 * characters, none of []:*?/\ — Excel's rule). The names are copied. 0, IOC_EINVAL, IOC_ENOMEM.
 * The caller destroys it. */
int sheet_table_create(const char *name, const char *const *header, size_t ncols,
                       struct sheet_table **out);
void sheet_table_destroy(struct sheet_table *t);

/* Appends a row of the table's ncols cells, copied: SHEET_TEXT (text, NULL is ""), SHEET_NUMBER
 * (number, finite), SHEET_EMPTY, SHEET_DATE (text "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"; number
 * is not read). IOC_EINVAL for another type, a text not valid UTF-8, an infinite number or a
 * malformed date; IOC_ENOMEM. */
int sheet_table_add(struct sheet_table *t, const struct sheet_cell *cells);
/* Appends a row of ncols texts (NULL or "" is an empty cell). */
int sheet_table_add_texts(struct sheet_table *t, const char *const *texts);
/* Rows added so far. */
size_t sheet_table_rows(const struct sheet_table *t);

/* Appends the table as CSV to out (header first). 0 or the buffer's error (IOC_ETOOBIG,
 * IOC_ENOMEM). */
int sheet_write_csv(const struct sheet_table *t, struct ioc_buf *out);
/* Appends the table as an XLSX file to out. 0, IOC_ETOOBIG (the buffer's max, or a text longer
 * than Excel's 32767 characters), IOC_ENOMEM, IOC_EIO (the temporary file). */
int sheet_write_xlsx(const struct sheet_table *t, struct ioc_buf *out);

#endif
