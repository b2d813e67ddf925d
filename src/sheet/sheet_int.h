/* sheet_int.h — what the files of src/sheet share: a row being assembled (read.c), the error
 * sentence, the XLSX reader (xlsx.c) and the zip parts read from memory (zip.c). */
#ifndef IOC_SHEET_INT_H
#define IOC_SHEET_INT_H

#include "sheet/sheet.h"

/* A row being read: its cells, their text in one arena (offsets until the row is handed over,
 * since the arena may move when it grows). */
struct sheet_row {
    struct sheet_cell *cells;
    size_t *off;
    size_t ncells, cap;
    struct ioc_buf arena;
};

void sheet_row_init(struct sheet_row *r, size_t max_bytes);
void sheet_row_free(struct sheet_row *r);
/* Sets the cell of 0-based column col (the cells before it, if new, are empty) to a NFC copy of
 * text[0..len). IOC_EINVAL (not UTF-8, a NUL byte), IOC_ENOMEM, IOC_ETOOBIG (the row's bytes). */
int sheet_row_set(struct sheet_row *r, size_t col, enum sheet_type type, const char *text,
                  size_t len, double number);
/* Hands the row to fn (when it has a cell) and empties it. */
int sheet_row_emit(struct sheet_row *r, size_t row, sheet_row_fn fn, void *ctx);

/* Fills err: "row R, column C: " (each part when known, 0 is unknown) then the sentence. */
void sheet_errorf(struct sheet_error *err, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int sheet_xlsx_read(const char *data, size_t n, const struct sheet_limits *lim, sheet_row_fn fn,
                    void *ctx, struct sheet_error *err);

/* ---- zip.c: a zip file in memory, its parts inflated in pieces ---------------------------- */

struct sheet_zip;
/* Opens data[0..n) (not copied: it must outlive the zip). IOC_EINVAL when it is no zip. */
int sheet_zip_open(const char *data, size_t n, struct sheet_zip **out);
void sheet_zip_close(struct sheet_zip *z);
/* Called with each piece of a part's inflated bytes; 0 to go on, else a code that stops. */
typedef int (*sheet_zip_fn)(void *ctx, const char *p, size_t n);
/* Inflates the part name (compared ignoring case, as OOXML names are) piece by piece to fn,
 * adding each piece to *total first and stopping with IOC_ETOOBIG as soon as *total passes max
 * (the sizes the zip's headers claim are not trusted). IOC_ENOTFOUND (no such part),
 * IOC_EINVAL (a broken or encrypted part, a bad CRC), or fn's code. */
int sheet_zip_part(struct sheet_zip *z, const char *name, size_t *total, size_t max,
                   sheet_zip_fn fn, void *ctx);

#endif
