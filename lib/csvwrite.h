/* csvwrite.h — writing CSV fields the way Excel and R read them back (RFC 4180). */
#ifndef TS_CSVWRITE_H
#define TS_CSVWRITE_H

#include <stddef.h>
#include <stdio.h>

/* Write S[0..N) as one field, quoted when it holds a comma, quote, CR or LF, or starts or
 * ends with a space (inner quotes doubled). */
void ts_csv_put(FILE *fp, const char *s, size_t n);
void ts_csv_put_str(FILE *fp, const char *s);
/* Text cells and spreadsheets (CSV or formula injection, OWASP): Excel, LibreOffice and
 * Google Sheets run a cell that starts with = + - or @ as a formula (=HYPERLINK(...),
 * =cmd|'/c calc'!A1), and TAB or CR before one of them is skipped. A codebook label or a free-
 * text answer can start so. TS_CSV_SAFE writes such a text cell prefixed with a single quote
 * and quoted, so that it shows as text; TS_CSV_RAW writes it as it is (--raw-csv, for R or
 * pandas, which do not run formulas). Numbers are not text: write them with fprintf, never
 * through these. */
typedef enum { TS_CSV_SAFE = 0, TS_CSV_RAW = 1 } ts_csv_mode;

/* Whether ts_csv_put_text in TS_CSV_SAFE prefixes S[0..N) with a quote: S starts with
 * = + - @ TAB or CR, after any number of single quotes (so that a reader can take exactly one
 * away again) — but a plain decimal number such as -9 or -0.5 (a negative code written as
 * text) is left alone: it is no formula, and readers expect the number. */
int ts_csv_needs_quote_prefix(const char *s, size_t n);
/* Write the text cell S[0..N) (as ts_csv_put, neutralised as above in TS_CSV_SAFE). */
void ts_csv_put_text(FILE *fp, const char *s, size_t n, ts_csv_mode mode);
void ts_csv_put_text_str(FILE *fp, const char *s, ts_csv_mode mode);
/* For readers of a CSV written in TS_CSV_SAFE that want the original text (the report reading
 * tables.csv for its charts, PDF and xlsx): 1 when the field S[0..N) (unquoted already) starts
 * with the quote ts_csv_put_text added — one or more single quotes, then = + - @ TAB or CR —
 * else 0. Skip that many bytes. */
size_t ts_csv_quote_prefix(const char *s, size_t n);
/* A separator before every field but the first of a row: call with the field's index. */
void ts_csv_sep(FILE *fp, size_t index);
/* The UTF-8 byte-order mark Excel on Japanese Windows needs to read UTF-8. */
void ts_csv_put_bom(FILE *fp);

#endif
