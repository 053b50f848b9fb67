/* draft.h — tsunagari-codebook draft: read a raw survey export and write a starter codebook
 * (docs/codebook.md) with a guessed type, codes and missing codes for every column, and a
 * comment line saying why each guess was made. The analyst edits it; ingest reads it. */
#ifndef TS_DRAFT_H
#define TS_DRAFT_H

#include <stdio.h>

#include "status.h"
#include "textenc.h"

typedef struct draft_options {
    const char *const *inputs; /* raw exports (one survey, the same columns in any order): plain
                                * or gzip, "-" for standard input */
    size_t ninputs;            /* at least 1 */
    const char *output;        /* codebook to write atomically; "-" (the default) for stdout */
    const ts_encoding *encodings; /* one for every file, or one for all; TS_ENC_AUTO guesses as ingest does */
    size_t nencodings;         /* 1 or ninputs */
    int header_rows;      /* 1, or 2 (question row, then option row) */
    const char *sheet;    /* .xlsx: the sheet to read; NULL: the first */
} draft_options;

/* Draft the codebook of OPT->inputs into OPT->output (several files: rows from all of them,
 * each file's columns matched to the first's by header). A one-line summary goes to SUMMARY when
 * it is not NULL. Returns TS_OK, or a status with ERR set (TS_E_NOINPUT: cannot open RAW;
 * TS_E_DATA: no header, no data rows, a broken header; TS_E_CANTCREAT: cannot write). */
ts_status draft_run(const draft_options *opt, FILE *summary, ts_err *err);

#endif
