/* ingest.h — the ingest stage: raw export + codebook → validated dataset + rejects file. */
#ifndef TS_INGEST_H
#define TS_INGEST_H

#include <stdio.h>

#include "status.h"
#include "textenc.h"

/* More raw files than this is a usage error: a survey's sources are a handful, not a directory. */
#define INGEST_MAX_FILES 64

typedef struct ingest_options {
    const char *codebook;     /* -c */
    const char *output;       /* -o: the dataset */
    const char *rejects;      /* --rejects; NULL: OUTPUT with ".rejects.csv" appended */
    const char *const *inputs; /* the raw CSVs (.gz), or one "-": read in order as one dataset */
    size_t ninputs;
    ts_encoding encodings[INGEST_MAX_FILES]; /* --encoding: per input (one given: for all) */
    const char *const *labels; /* --sources: a label per input, or NULL (the file names) */
    const char *source_variable; /* --source-variable; NULL: "source" */
    const char *source_label;    /* --source-label, --source-label-en: its labels; NULL: the */
    const char *source_label_en; /* schema's defaults ([input] source_label, source_label_en) */
    int header_rows;          /* --header-rows: 1 (default) or 2 */
    const char *sheet;        /* --sheet: the sheet of .xlsx raw files; NULL: each one's first */
    int embedded_codebook;    /* --embedded-codebook: the first raw file's own metadata (SPSS,
                               * Stata) is the codebook, extended by -c when given */
    int id_row;               /* --id row: the data row number is the respondent id */
    int id_timestamp;         /* --id timestamp: the id variable's column holds each answer's
                               * date and time; the id is YYYYMMDDhhmmss × 100 + k, k the
                               * answer's number among those with that time (docs/ingest.md) */
    int ids_per_source;       /* --ids per-source: ids unique within each raw file only; the
                               * dataset's id is then (file number) × 10^k + id (docs/ingest.md) */
    int strict;               /* --strict: any rejected row or item warning fails the run */
    double max_reject_pct;    /* --max-reject-rate: fail above this share of rows rejected */
    double max_item_warning_pct; /* --max-item-warning-rate: fail when more than this share of
                                  * an item's answers match no code or label */
    int quiet;                /* -q: no summary */
    unsigned max_messages;    /* problems also printed to stderr, at most this many */
    int raw_csv;              /* --raw-csv: the rejects file's text cells as they are (lib/csvwrite) */
} ingest_options;

/* Run the stage. Writes the rejects file whenever the input could be read (even when the run
 * then fails a check), and the dataset only when the run succeeds. The summary goes to
 * SUMMARY, problems to stderr. Returns TS_OK or the status main.c turns into an exit code. */
ts_status ingest_run(const ingest_options *opt, FILE *summary, ts_err *err);

#endif
