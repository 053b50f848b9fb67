/* rejects.h — the rejects file (docs/rejects-format.md) and the counts behind the summary:
 * every rejected row and every item warning, with its line, column and reason. */
#ifndef TS_INGEST_REJECTS_H
#define TS_INGEST_REJECTS_H

#include <stddef.h>
#include <stdio.h>

#include "atomicfile.h"
#include "csvwrite.h"
#include "rawreader.h"
#include "status.h"

typedef enum {
    REJ_ENCODING, REJ_NUL, REJ_BOM, REJ_QUOTE, REJ_UNCLOSED, REJ_FIELD_TOO_LONG, REJ_FIELD_COUNT,
    REJ_ID_EMPTY, REJ_ID_INVALID, REJ_ID_DUPLICATE, REJ_NREASONS
} reject_reason;

typedef struct rejects rejects;

/* Open the rejects file PATH (written atomically) for problems in INPUT (the name shown in
 * messages). Up to MAX_MESSAGES problems are also printed to stderr as PROG: file:line:col: ...
 * MODE: whether a raw cell or record a spreadsheet would run as a formula is neutralised.
 * WITH_FILE (several raw files): each line starts with a `file` column naming the raw file. */
rejects *rejects_open(const char *path, const char *input, const char *prog, unsigned max_messages,
                      ts_csv_mode mode, int with_file, ts_err *err);
/* The raw file the next problems are in (borrowed: it must outlive their reporting). */
void rejects_set_input(rejects *r, const char *input);
/* The reader of that file (borrowed; NULL when done): messages about an .xlsx or SPSS/Stata
 * file name a cell or a case and variable instead of line:column (rejects.csv keeps its
 * columns: line is the sheet row or the case number). */
void rejects_set_reader(rejects *r, const ts_rawreader *raw);

/* A whole row left out of the dataset. COLUMN is 1-based (0 when unknown), COLUMN_NAME the
 * raw header there ("" when unknown), VALUE the offending cell, RECORD the row as read. */
void rejects_row(rejects *r, reject_reason why, const char *reason, unsigned long line, size_t column,
                 const char *column_name, const char *value, size_t value_len, const char *record,
                 size_t record_len);

/* An item made missing in a kept row. VARIABLE is the codebook name; COLUMN 0 for derived. */
void rejects_item(rejects *r, size_t var_index, const char *variable, const char *reason, unsigned long line,
                  size_t column, const char *column_name, const char *value, size_t value_len);

unsigned long rejects_rows(const rejects *r);
unsigned long rejects_by_reason(const rejects *r, reject_reason why);
const char *rejects_reason_name(reject_reason why);
unsigned long rejects_items(const rejects *r);
/* Warnings for codebook variable VAR_INDEX (0 if none). */
unsigned long rejects_items_for(const rejects *r, size_t var_index);

/* Print "... and N more problems" to stderr if messages were held back. */
void rejects_note_more(const rejects *r, const char *path);

/* Put the file in place (once); the counts stay readable until rejects_free(). */
ts_status rejects_commit(rejects *r, ts_err *err);
/* Free R; a file not committed is thrown away. NULL is fine. */
void rejects_free(rejects *r);

#endif
