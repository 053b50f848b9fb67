/* counts.h — a counts file (docs/counts.md): pre-aggregated data, one row per cell, the
 * classifying columns' label text and then the counts ("年齢,相談件数" / "20歳代,\"1,234\"").
 * Not respondents: tsunagari-tab --counts tabulates it without sampling errors.
 *
 * The reader keeps every cell as folded text (lib/textfold) with its line, skips blank and
 * comment rows, recognises a total row (合計, 計, 総数, 総計, total: checked against the sum
 * of the rows, then dropped) and parses a count column only when a table asks for it, so that
 * every problem names the file, line and column. */
#ifndef TS_COUNTS_H
#define TS_COUNTS_H

#include <stddef.h>

#include "textenc.h"
#include "status.h"

typedef struct ts_counts {
    char *name;               /* the file as given, for messages */
    size_t ncols;             /* columns of the header */
    char **col;               /* ncols column names ([input] counts_columns, else the header) */
    char **col_label;         /* ncols: the header's text (a column's label) */
    size_t nrows;             /* data rows, the total row left out */
    char **cell;              /* nrows × ncols folded cells, row-major */
    unsigned long *line;      /* nrows: each row's line in the file */
    unsigned long total_line; /* the total row's line; 0 when the file has none */
    char **total;             /* ncols: the total row's cells (NULL when none) */
    unsigned long blank_rows; /* blank and comment rows skipped */
} ts_counts;

enum { TS_COUNTS_MAX_ROWS = 100000, TS_COUNTS_MAX_COLS = 64 };

/* Read the counts file PATH in encoding ENC (TS_ENC_AUTO: guessed). NAMES: NULL, or a
 * comma-separated list of ASCII names, one per column, in order ([input] counts_columns);
 * without it every header cell must be a valid name. Returns an owned ts_counts
 * (ts_counts_free), or NULL with ERR set: TS_E_NOINPUT (cannot open), TS_E_DATA naming
 * file:line:column (a broken row, a duplicated cell, a total row in the wrong place, ...). */
ts_counts *ts_counts_read(const char *path, ts_encoding enc, const char *names, ts_err *err);
/* The same over N bytes at DATA (borrowed for the call); NAME stands for the file. */
ts_counts *ts_counts_read_mem(const void *data, size_t n, const char *name, ts_encoding enc, const char *names,
                              ts_err *err);
void ts_counts_free(ts_counts *c);

/* The index of column NAME, or -1. */
long ts_counts_col(const ts_counts *c, const char *name);
/* Parse column COL as counts into OUT (nrows values): whole numbers >= 0, with or without
 * thousands separators ("1,234", "1 234" is refused), full-width digits folded. When the file
 * has a total row, its cell in COL must equal the column's sum. Returns TS_OK or TS_E_DATA
 * naming file:line:column and the cell. */
ts_status ts_counts_column(const ts_counts *c, size_t col, double *out, ts_err *err);
/* Parse one count cell S ("1,234"): 0 and *OUT, or -1. */
int ts_counts_parse(const char *s, double *out);

#endif
