/* csvout.h — CSV files written the way the survey world writes them, atomically.
 *
 * Records are built in UTF-8, quoted per RFC 4180 when a field holds a comma, quote or line
 * break, ended with LF or CRLF, and converted to CP932 with iconv(3) when asked (the encoding
 * of an Excel or Japanese web-vendor export). The file is written to a temporary file in the
 * target's folder and renamed into place by synth_csv_commit(), so a failed run leaves no
 * half-written output. */
#ifndef SYNTH_CSVOUT_H
#define SYNTH_CSVOUT_H

#include "status.h"

typedef enum { SYNTH_ENC_UTF8 = 0, SYNTH_ENC_CP932 } synth_enc;

typedef struct synth_csv synth_csv;

/* Start writing PATH ("-" writes to stdout, not atomically). EOL is "\n" or "\r\n".
 * Returns NULL with ERR set (TS_E_CANTCREAT, TS_E_NOMEM) on failure. */
synth_csv *synth_csv_open(const char *path, synth_enc enc, const char *eol, ts_err *err);

/* Fields of the current record. S is UTF-8 and is quoted when it needs to be. */
void synth_csv_field(synth_csv *w, const char *s);
void synth_csv_int(synth_csv *w, long long v);
void synth_csv_fixed(synth_csv *w, long long v, int dec); /* V/10^DEC, DEC decimals */
void synth_csv_empty(synth_csv *w);
/* Keep only the first N fields of the current record (a planted truncated row); 0 = all. */
void synth_csv_truncate_at(synth_csv *w, unsigned n);

/* End the record: convert, write. Returns TS_OK or an error (ERR set). */
ts_status synth_csv_end(synth_csv *w, ts_err *err);
/* Write "# TEXT" as a line of its own (comment lines of our own file formats). */
ts_status synth_csv_comment(synth_csv *w, const char *text, ts_err *err);

/* Physical lines written so far (a quoted line break counts). The next record starts on
 * line synth_csv_lines(w) + 1. */
unsigned long synth_csv_lines(const synth_csv *w);

/* Flush, check, rename into place. Frees W whatever happens. */
ts_status synth_csv_commit(synth_csv *w, ts_err *err);
/* Remove the temporary file. Frees W; NULL is fine. */
void synth_csv_abort(synth_csv *w);

#endif
