/* statreader.h — SPSS (.sav, .zsav, .por) and Stata (.dta) files as rows of text, with the
 * file's own metadata (docs/spss-stata.md).
 *
 * ReadStat (the C library behind R's haven and pandas' pyreadstat) parses the file; this
 * module gives its cases the calling pattern of csvreader (lib/csvreader.h) so that ingest
 * and `tsunagari-codebook draft` read a .sav as they read a CSV: the first record is the
 * header (the variable names), then one record per case, every cell as the text ingest's
 * cell parsers accept (numbers as %.15g, dates as ISO, system-missing as an empty field).
 * rec->line is the case number (1-based; the header record is line 0), so a message names
 * "case N, variable NAME" (ts_statreader_var(r, column - 1)->name).
 *
 * The whole file is parsed into memory when it is opened, before the first row is returned:
 * a truncated or damaged file is refused there (TS_E_DATA naming the file and ReadStat's
 * reason), never read half-way. Memory is capped (ts_statreader_opts.max_bytes).
 *
 * ts_statreader_codebook_csv writes the metadata as a codebook (docs/codebook.md) that
 * ts_codebook_read_mem reads against these rows: `[input] codebook = embedded`. */
#ifndef TS_STATREADER_H
#define TS_STATREADER_H

#include <stddef.h>

#include "csvreader.h"
#include "status.h"
#include "strbuf.h"

typedef enum {
    TS_STAT_AUTO = 0, /* by the magic bytes, then the name's extension */
    TS_STAT_SAV,      /* SPSS system file ($FL2); also reads .zsav */
    TS_STAT_ZSAV,     /* SPSS compressed system file ($FL3) */
    TS_STAT_POR,      /* SPSS portable file */
    TS_STAT_DTA       /* Stata 104..119 */
} ts_stat_format;

/* The default memory cap: the cells (9 bytes each) plus the string bytes. */
#define TS_STAT_MAX_BYTES ((size_t)2 << 30)

typedef struct ts_statreader_opts {
    ts_stat_format format;  /* TS_STAT_AUTO, or force one */
    const char *encoding;   /* the file's text encoding as iconv names it ("CP932"), or NULL for
                             * what the file says (a .sav's encoding record; UTF-8 for .dta 118+) */
    size_t max_bytes;       /* memory cap for the data; 0: TS_STAT_MAX_BYTES */
    int stata_missing_codes; /* 0: a Stata extended missing value .a-.z is the cell ".a";
                             * 1: it is a code, -1001 for .a down to -1026 for .z (moved down by
                             * 100 while the variable labels that value), which the embedded
                             * codebook then declares missing=yes for every numeric type */
} ts_statreader_opts;

typedef enum {
    TS_STAT_NOT_DATE = 0,
    TS_STAT_DATE,     /* cells are YYYY-MM-DD: SPSS DATE ADATE EDATE JDATE SDATE ...; Stata %td */
    TS_STAT_DATETIME  /* cells are YYYY-MM-DD HH:MM:SS: SPSS DATETIME YMDHMS; Stata %tc %tC */
} ts_stat_datekind;

typedef enum {
    TS_STAT_MEASURE_UNKNOWN = 0, TS_STAT_NOMINAL, TS_STAT_ORDINAL, TS_STAT_SCALE
} ts_stat_measure;

/* One value label: VALUE (numeric variables) or SVALUE (string variables) → TEXT. A Stata
 * label of an extended missing value has TAG 'a'..'z' (and VALUE NaN). */
typedef struct ts_stat_vlabel {
    double value;
    const char *svalue;   /* NULL for numeric variables */
    char tag;             /* 0, or 'a'..'z' */
    const char *text;     /* UTF-8 */
} ts_stat_vlabel;

/* One SPSS user-missing definition: a discrete value (LO == HI) or a range LO..HI (-inf or
 * +inf for LOWEST / HIGHEST). String variables give discrete values in SLO (SHI equal). */
typedef struct ts_stat_missing {
    double lo, hi;
    const char *slo, *shi; /* NULL for numeric variables */
} ts_stat_missing;

/* A variable's metadata. Every pointer is owned by the reader and valid until it is closed;
 * every text is UTF-8 (bytes that were not are replaced by U+FFFD). */
typedef struct ts_stat_var {
    const char *name;       /* the file's variable name (the header record's text) */
    const char *label;      /* the variable label, "" when none */
    const char *format;     /* the display format as ReadStat spells it ("F8.2", "DATE11", "%td") */
    int is_string;
    ts_stat_datekind date;
    int decimals;           /* display decimals (SPSS); 0 when not known */
    ts_stat_measure measure;
    size_t nlabels;
    const ts_stat_vlabel *labels;   /* in the file's order */
    size_t nmissing;
    const ts_stat_missing *missing; /* SPSS user-missing values and ranges */
} ts_stat_var;

typedef struct ts_statreader ts_statreader;

/* Open and parse the file at PATH ("-" for stdin) whole. OPTS may be NULL (all defaults). The caller closes
 * the result with ts_statreader_close(). Returns NULL and sets ERR: TS_E_NOINPUT when it
 * cannot be opened, TS_E_DATA ("PATH: not a valid SPSS .sav file: <ReadStat's reason>") when
 * it is damaged, truncated or of no known format, or over the memory cap. */
ts_statreader *ts_statreader_open(const char *path, const ts_statreader_opts *opts, ts_err *err);
/* The same over the N bytes at DATA (borrowed: read during the call only). NAME stands for
 * the file in messages and chooses the format by its extension when the bytes do not. */
ts_statreader *ts_statreader_open_mem(const void *data, size_t n, const char *name,
                                      const ts_statreader_opts *opts, ts_err *err);

/* From now on, pad rows with empty fields up to N; a row with a non-empty cell beyond N is
 * flagged TS_REC_FIELD_COUNT (0: every row has nvars fields, as read). */
void ts_statreader_expect_fields(ts_statreader *r, size_t n);

/* The next record: the header first, then the cases. Returns 1, 0 at the end, -1 with ERR
 * set (out of memory). The record's fields and raw text are borrowed until the next call.
 * A string cell that is not valid UTF-8 flags its row TS_REC_ENCODING. */
int ts_statreader_next(ts_statreader *r, ts_record *rec, ts_err *err);

/* Close R (NULL is fine) and free everything it handed out. Returns TS_OK. */
ts_status ts_statreader_close(ts_statreader *r, ts_err *err);

/* Metadata, borrowed until close. */
size_t ts_statreader_nvars(const ts_statreader *r);
const ts_stat_var *ts_statreader_var(const ts_statreader *r, size_t i);
unsigned long ts_statreader_ncases(const ts_statreader *r);
const char *ts_statreader_file_label(const ts_statreader *r); /* "" when none */
const char *ts_statreader_encoding(const ts_statreader *r);   /* the file's, as it says; "" when unknown */
ts_stat_format ts_statreader_format(const ts_statreader *r);
/* "SPSS .sav", "SPSS .zsav", "SPSS .por", "Stata .dta (format 118)" */
const char *ts_statreader_format_name(const ts_statreader *r);

/* Append to OUT the file's metadata as a codebook CSV (docs/codebook.md; the rules in
 * docs/spss-stata.md), each variable under a `#` comment saying where its guesses came from.
 * It reads back with ts_codebook_read_mem against this reader's rows; with no id variable in
 * the file it names an id for `--id row` as tsunagari-codebook draft does. Returns TS_OK, or
 * TS_E_NOMEM with ERR set (OUT then holds part of the text). */
ts_status ts_statreader_codebook_csv(const ts_statreader *r, ts_strbuf *out, ts_err *err);

/* The format of the N bytes at DATA by their magic bytes, else by NAME's extension (may be
 * NULL); TS_STAT_AUTO when neither says. */
ts_stat_format ts_statreader_sniff(const void *data, size_t n, const char *name);

#endif
