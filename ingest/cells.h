/* cells.h — turning one raw cell into a typed value (item-level checks of ingest). */
#ifndef TS_INGEST_CELLS_H
#define TS_INGEST_CELLS_H

#include <stddef.h>

#include "codebook.h"
#include "csvreader.h"
#include "strbuf.h"

typedef enum { CELL_OK = 0, CELL_WARN = 1, CELL_NOMEM = -1 } cell_status;

/* Store the value of cell S[0..N) in row ROW of V, as codebook variable CV describes it.
 * On CELL_WARN the item is stored as missing and WHY holds the reason ("code 6 is not one
 * of 1–5, 9"). Blank cells are system missing, not a warning. Not for multi in 0/1-column
 * form (see cells_parse_multi_columns) nor for derived variables. */
cell_status cells_parse(const ts_cbvar *cv, ts_var *v, size_t row, const char *s, size_t n, ts_strbuf *why);

/* A multi answer in 0/1-column form: FIELDS of the record, COLS[i] the field index of option
 * i (SIZE_MAX: the option has no column, as the 非該当 option of an item with asked_if). A cell
 * is 1, 0 or empty; with answers=labels option i's label or alias (SurveyMonkey) or empty;
 * with answers=either any of these. On
 * CELL_WARN, *BAD is the option whose cell was wrong. */
cell_status cells_parse_multi_columns(const ts_cbvar *cv, ts_var *v, size_t row, const ts_field *fields,
                                      const size_t *cols, ts_strbuf *why, size_t *bad);

/* Per raw single or multi (list form) item: its non-empty answers, and those that matched no
 * code or label — the share --max-item-warning-rate judges (a codebook that does not match
 * the data, such as codes expected where the export has label text). */
typedef struct cells_tally {
    unsigned long answered, unmatched;
    unsigned long example_line;  /* the first unmatched answer's line, and the answer */
    size_t example_file;         /* ... and its raw file (ingest's index; cells_tally_note leaves it) */
    char example[96];
} cells_tally;

/* Count the cell S[0..N) of CV on raw line LINE, which cells_parse judged CS. */
void cells_tally_note(cells_tally *t, const ts_cbvar *cv, const char *s, size_t n, cell_status cs,
                      unsigned long line);

/* "1–5, 9": the codes of V, runs of consecutive codes shortened. */
void cells_describe_codes(const ts_var *v, ts_strbuf *out);

#endif
