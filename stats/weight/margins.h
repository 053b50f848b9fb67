/* margins.h — population margins and frames read from CSV (docs/manifest.md, [margin.*]):
 * one row per cell, label columns named after codebook variables, a count column. Rows are
 * summed over label columns that are not asked for, so one area × age × sex file serves an
 * area margin and an age × sex margin alike. */
#ifndef TS_WEIGHT_MARGINS_H
#define TS_WEIGHT_MARGINS_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "status.h"

typedef struct margin_table {
    char *file;
    size_t nvars;
    ts_var **vars;        /* borrowed from the dataset */
    size_t ncells;
    int32_t *codes;       /* ncells × nvars: each cell's codes */
    double *total;        /* per cell */
    unsigned long *line;  /* per cell: the first file line that contributed */
} margin_table;

/* Read FILE: the cells of the variables NAMES (in DS) with the sum of column COUNT. Labels
 * may be the Japanese or English code labels or the codes themselves. Rows are summed only
 * when they are finer than a cell: another label column (one named after a dataset variable,
 * or one that is not all numbers) tells them apart. Errors (TS_E_DATA) name the file, line
 * and column: an unknown label, a count that is not a number ≥ 0, a missing column; and two
 * rows that name the same cell (男性 and Male, or a row pasted twice), with both lines. */
margin_table *margin_read(const char *file, const ts_dataset *ds, char *const *names, size_t nnames,
                          const char *count, ts_err *err);
/* The same over the N bytes at DATA (borrowed for the call; plain text, not gzip); NAME stands
 * for the file in messages and in the table's FILE. For tests and fuzzing. */
margin_table *margin_read_mem(const void *data, size_t n, const char *name, const ts_dataset *ds,
                              char *const *names, size_t nnames, const char *count, ts_err *err);
void margin_free(margin_table *m);

/* Index of the cell with codes CODES (nvars of them), or -1. */
long margin_find(const margin_table *m, const int32_t *codes);
/* "16～19歳 × 男性": the labels of cell C, for messages (caller frees). */
char *margin_cell_name(const margin_table *m, size_t c);

#endif
