/* rawreader.h — the rows of a raw survey export in any format tsunagari reads, for ingest and
 * `tsunagari-codebook draft`: CSV (lib/csvreader), Excel .xlsx (lib/xlsxreader), SPSS .sav,
 * .zsav, .por and Stata .dta (lib/statreader). The format is told by the file's first bytes
 * (a zip is a workbook, ReadStat's magic bytes a statistics file, anything else text), then
 * by its name; every reader gives the same ts_record rows — the header record first — so the
 * callers have one loop. Positions differ by format and are worded by ts_rawreader_where:
 * a CSV's line and column, a sheet's cell (回答!C12), a case and a variable. */
#ifndef TS_RAWREADER_H
#define TS_RAWREADER_H

#include <stddef.h>

#include "csvreader.h"
#include "statreader.h"
#include "status.h"
#include "strbuf.h"
#include "textenc.h"
#include "xlsxreader.h"

typedef enum { TS_RAW_CSV, TS_RAW_XLSX, TS_RAW_STAT } ts_raw_kind;

typedef struct ts_raw_options {
    ts_encoding encoding; /* CSV: the text's encoding (TS_ENC_AUTO guesses); ignored otherwise */
    const char *sheet;    /* .xlsx: the sheet's name; NULL: the first */
    int header_rows;      /* 1 or 2 (0 means 1): .xlsx repeats merged header cells over them */
} ts_raw_options;

typedef struct ts_rawreader ts_rawreader;

/* The kind of raw file the N first bytes HEAD of a file called NAME say it is. */
ts_raw_kind ts_raw_kind_of(const void *head, size_t n, const char *name);

/* Open PATH ("-": standard input, always CSV) as its first bytes say. OPT may be NULL (the
 * defaults). Returns NULL with ERR set as the format's reader does (TS_E_NOINPUT cannot open,
 * TS_E_DATA a damaged or truncated file, refused before any row; TS_E_USAGE an option the
 * format does not take: a sheet for a CSV, two header rows for SPSS). */
ts_rawreader *ts_rawreader_open(const char *path, const ts_raw_options *opt, ts_err *err);
/* The same over N bytes at DATA (borrowed; must outlive the reader); NAME names it. */
ts_rawreader *ts_rawreader_open_mem(const void *data, size_t n, const char *name, const ts_raw_options *opt,
                                    ts_err *err);

/* As ts_csvreader_next / _expect_fields, whatever the format. */
int ts_rawreader_next(ts_rawreader *r, ts_record *rec, ts_err *err);
void ts_rawreader_expect_fields(ts_rawreader *r, size_t n);

ts_raw_kind ts_rawreader_kind(const ts_rawreader *r);
/* The format in words for summaries and provenance: "csv", "xlsx", "sav", "zsav", "por",
 * "dta". Static. */
const char *ts_rawreader_format(const ts_rawreader *r);
/* The reader underneath, or NULL when R is of another kind (line-end facts of a CSV, a
 * sheet's name, a statistics file's metadata). Borrowed. */
const ts_csvreader *ts_rawreader_csv(const ts_rawreader *r);
const ts_xlsxreader *ts_rawreader_xlsx(const ts_rawreader *r);
const ts_statreader *ts_rawreader_stat(const ts_rawreader *r);
/* Blank lines (CSV) or blank rows (a sheet) skipped between records; 0 for SPSS/Stata. */
unsigned long ts_rawreader_blank_lines(const ts_rawreader *r);

/* Append to OUT where LINE and COLUMN (1-based, 0: the whole row) of the file NAME are, in
 * the format's words: "raw.csv:12:3", "回答.xlsx: 回答!C12", "data.sav: case 12, variable
 * q3". COLUMN_NAME is the header there (used for SPSS/Stata: the variable). Returns 0, or -1
 * when memory runs out. */
int ts_rawreader_where(const ts_rawreader *r, const char *name, unsigned long line, size_t column,
                       const char *column_name, ts_strbuf *out);

ts_status ts_rawreader_close(ts_rawreader *r, ts_err *err);

#endif
