/* csvreader.h — CSV records with the positions a user needs to find them again.
 *
 * libcsv does the quoting rules (RFC 4180, strict); this module feeds it one physical line at
 * a time so that every record knows the line it started on, counts fields so every problem
 * has a column, and recovers from broken rows: a row with a stray quote, bad bytes or the
 * wrong number of fields comes back flagged, and reading goes on with the next row. A quote
 * that is opened and never closed swallows no data: its first line is flagged and the lines
 * after it are read again as rows of their own. */
#ifndef TS_CSVREADER_H
#define TS_CSVREADER_H

#include <stddef.h>

#include "linereader.h"
#include "status.h"

enum { TS_CSV_MAX_FIELD = 1 << 20 }; /* bytes; a longer field flags its row */

typedef enum {
    TS_REC_OK = 0,
    TS_REC_ENCODING,       /* bytes not valid in the file's encoding */
    TS_REC_NUL,            /* a NUL byte */
    TS_REC_BOM,            /* a byte-order mark after the start of the file */
    TS_REC_QUOTE,          /* a quote where RFC 4180 allows none */
    TS_REC_UNCLOSED,       /* a quoted field that is never closed */
    TS_REC_FIELD_TOO_LONG, /* a field longer than TS_CSV_MAX_FIELD */
    TS_REC_FIELD_COUNT     /* not the number of fields set by ts_csvreader_expect_fields */
} ts_rec_problem;

typedef struct ts_field {
    const char *s;  /* NUL-terminated; borrowed until the next call */
    size_t len;
} ts_field;

typedef struct ts_record {
    ts_field *fields;           /* borrowed until the next call */
    size_t nfields;
    unsigned long line;         /* first physical line of the record (1-based) */
    unsigned long last_line;    /* last physical line (> line when a quoted field has newlines) */
    const char *raw;            /* the record's text as read (UTF-8 when decodable), lines joined by \n
                                 * (or \r where a line ended with a CR alone) */
    size_t raw_len;
    ts_rec_problem problem;
    size_t problem_column;      /* 1-based field number of the problem; 0 when not known */
    const char *problem_text;   /* lower-case reason; borrowed until the next call */
} ts_record;

typedef struct ts_csvreader ts_csvreader;

/* Open PATH (plain or gzip; "-" for stdin) in encoding ENC (may be TS_ENC_AUTO). */
ts_csvreader *ts_csvreader_open(const char *path, ts_encoding enc, ts_err *err);
/* The same over N bytes of plain text at DATA (borrowed; must outlive the reader); NAME is
 * the file name for messages. For tests and fuzzing. */
ts_csvreader *ts_csvreader_open_mem(const void *data, size_t n, const char *name, ts_encoding enc, ts_err *err);

/* From now on, flag records that do not have N fields (0: accept any number). */
void ts_csvreader_expect_fields(ts_csvreader *r, size_t n);

/* Read the next record. Returns 1, 0 at end of input, or -1 with ERR set for a failure that
 * ends reading (I/O, damaged gzip, out of memory). Blank lines between records are skipped
 * and counted. */
int ts_csvreader_next(ts_csvreader *r, ts_record *rec, ts_err *err);

unsigned long ts_csvreader_blank_lines(const ts_csvreader *r);
const ts_linereader *ts_csvreader_lines(const ts_csvreader *r);

ts_status ts_csvreader_close(ts_csvreader *r, ts_err *err);


#endif
