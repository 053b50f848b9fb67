/* csvtable.h — a whole CSV file read through lib/csvreader: a header, then rows of strings,
 * each with the line it started on.
 *
 * This is the one loop every "read a CSV into memory" caller used to write for itself: open,
 * stop at the first flagged row, skip '#' comment lines where the format allows them, hold
 * the rows to the header's field count, cap the columns and rows, close (which is where a
 * damaged gzip shows up). A caller that checks each row as it comes — so that its first
 * complaint is the first in the file, before a broken row further down — gives ON_HEADER and
 * ON_ROW; a caller that wants the table in memory sets KEEP_ROWS. */
#ifndef TS_CSVTABLE_H
#define TS_CSVTABLE_H

#include <stddef.h>

#include "csvreader.h"
#include "status.h"

typedef struct ts_csvtable {
    char **head;          /* NCOLS column names, owned; NULL when the input held no header */
    size_t ncols;
    unsigned long head_line;
    char ***rows;         /* NROWS arrays of NCOLS owned strings (only with keep_rows) */
    unsigned long *line;  /* line[i]: the first physical line of rows[i] */
    size_t nrows;
} ts_csvtable;

typedef enum {
    TS_CSVTABLE_NO_COMMENTS = 0, /* every record is data */
    TS_CSVTABLE_COMMENTS,        /* a record whose first field starts with '#' is skipped,
                                  * but a flagged one still stops reading */
    TS_CSVTABLE_COMMENTS_ANY     /* ... skipped before it is checked, flagged or not */
} ts_csvtable_comments;

typedef struct ts_csvtable_opts {
    size_t max_cols;   /* 0: any; more: "NAME:LINE: more than N columns" on the header */
    size_t max_rows;   /* 0: any; more: "NAME: more than N rows" */
    ts_csvtable_comments comments;
    int problem_column; /* a flagged row's message names its column: NAME:LINE:COL: reason */
    int keep_rows;      /* hold the rows in ROWS and LINE */
    /* Called with the header record and then each data row (REC is borrowed for the call;
     * T holds the header and the rows kept so far). A status other than TS_OK, with ERR
     * set, stops reading and ts_csvtable_read fails with it. Either may be NULL. */
    ts_status (*on_header)(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err);
    ts_status (*on_row)(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err);
    void *ctx;
} ts_csvtable_opts;

/* Read PATH (plain or gzip; "-" for stdin) in encoding ENC as OPT says (NULL: defaults, all
 * zero). The caller frees the result with ts_csvtable_free(). An input with no records is
 * not an error: the result has HEAD NULL and the caller words its own complaint. On error
 * returns NULL and sets *err. OPT is borrowed. */
ts_csvtable *ts_csvtable_read(const char *path, ts_encoding enc, const ts_csvtable_opts *opt, ts_err *err);
/* The same over N bytes at DATA (borrowed for the call); NAME names the input in messages. */
ts_csvtable *ts_csvtable_read_mem(const void *data, size_t n, const char *name, ts_encoding enc,
                                  const ts_csvtable_opts *opt, ts_err *err);

/* Column index of NAME in T's header, or -1. */
long ts_csvtable_col(const ts_csvtable *t, const char *name);
/* Field NAME of kept row R; "" when there is no such column or row. Borrowed from T. */
const char *ts_csvtable_get(const ts_csvtable *t, size_t r, const char *name);

void ts_csvtable_free(ts_csvtable *t);

#endif
