/* xlsxreader.h — the rows of one sheet of an Excel workbook (.xlsx) as text records, the same
 * ts_record rows csvreader gives, so ingest and the codebook draft read a Microsoft Forms or
 * LoGo フォーム export as they read a CSV (issue #14; docs/xlsx.md).
 *
 * An .xlsx is a zip of XML parts. libzip opens it (from a file or from memory) and checks
 * every part's CRC; libxml2's xmlTextReader streams each part, so the sheet XML is never held
 * whole: memory is the shared-string table (one arena, indexed once), the cell styles, the
 * merged ranges and one row. Cells come as Excel shows them: shared and inline strings (rich
 * text runs joined, phonetic <rPh> runs left out), formula results, TRUE/FALSE, error texts,
 * numbers as %.15g (0.1+0.2 → "0.3", 3 → "3"), and numbers in a date or time style as ISO
 * YYYY-MM-DD or YYYY-MM-DD HH:MM:SS. A damaged file (not a zip, truncated, a CRC error, a
 * missing part, malformed XML) is refused with its name and what is wrong, never read
 * half-way: a failure in the middle of the sheet ends reading with -1 and ERR set. */
#ifndef TS_XLSXREADER_H
#define TS_XLSXREADER_H

#include <stddef.h>

#include "csvreader.h"
#include "status.h"

enum {
    TS_XLSX_MAX_ROWS = 1048576, /* Excel's own limits; a cell beyond them is a damaged file */
    TS_XLSX_MAX_COLS = 16384
};

typedef struct ts_xlsx_options {
    const char *sheet; /* the sheet's name; NULL: the first worksheet in the workbook's order */
    int header_rows;   /* 1 or 2 (0 means 1): a merged range's top-left value is repeated over
                        * the range in the first header_rows non-blank rows */
} ts_xlsx_options;

typedef struct ts_xlsxreader ts_xlsxreader;

/* Open the workbook at PATH and get ready to read its sheet (OPTS may be NULL: the defaults).
 * The workbook, its relationships, styles and shared strings are read here, and the sheet's
 * XML streamed once to find its merged ranges (and check its CRC), so a damaged part is
 * refused before any row. Returns NULL with ERR set: TS_E_NOINPUT when PATH cannot be
 * opened, TS_E_DATA naming the file and what is wrong, TS_E_USAGE for bad options. */
ts_xlsxreader *ts_xlsxreader_open(const char *path, const ts_xlsx_options *opts, ts_err *err);
/* The same over N bytes at DATA (borrowed; must outlive the reader); NAME is the file name
 * for messages. For tests and fuzzing. */
ts_xlsxreader *ts_xlsxreader_open_mem(const void *data, size_t n, const char *name,
                                      const ts_xlsx_options *opts, ts_err *err);

/* From now on, pad rows to N fields with empty ones, and flag a row that has a non-empty
 * cell beyond column N (TS_REC_FIELD_COUNT, problem_column that cell's). 0: no check. */
void ts_xlsxreader_expect_fields(ts_xlsxreader *r, size_t n);

/* Read the next non-blank row into REC (borrowed until the next call): its fields up to the
 * last non-empty cell (absent cells are empty fields), rec->line = rec->last_line = the
 * sheet's row number, rec->raw the row as one CSV line. Returns 1, 0 at the end of the
 * sheet, or -1 with ERR set (TS_E_DATA: damaged sheet; TS_E_NOMEM). Rows with no non-empty
 * cell are skipped and counted. A cell text longer than TS_CSV_MAX_FIELD flags its row
 * (TS_REC_FIELD_TOO_LONG) and is left empty. */
int ts_xlsxreader_next(ts_xlsxreader *r, ts_record *rec, ts_err *err);

unsigned long ts_xlsxreader_blank_rows(const ts_xlsxreader *r);
/* The name of the sheet being read (for provenance); borrowed, lives as long as R. */
const char *ts_xlsxreader_sheet_name(const ts_xlsxreader *r);

/* Close R (NULL is fine). Returns TS_OK; kept a status for the calling pattern csvreader has. */
ts_status ts_xlsxreader_close(ts_xlsxreader *r, ts_err *err);

#endif
