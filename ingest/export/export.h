/* export.h — tsunagari-export: a dataset back to CSV for R, Stata, pandas and Excel users, or
 * as an SPSS (.sav, .zsav) or Stata (.dta) file with its labels (statfile.c). */
#ifndef TS_EXPORT_H
#define TS_EXPORT_H

#include <stdio.h>

#include "dataset.h"
#include "status.h"

typedef enum { EXPORT_CODES, EXPORT_LABELS, EXPORT_LABELS_EN } export_values;
typedef enum { EXPORT_CSV, EXPORT_SAV, EXPORT_ZSAV, EXPORT_DTA } export_format;

typedef struct export_options {
    const char *input;        /* the dataset */
    const char *output;       /* the file to write, "-" for stdout */
    export_format format;     /* --format: csv (default), sav, zsav, dta */
    export_values values;     /* --labels / --labels=en (sav, dta: =en writes the English labels) */
    const char *file_label;   /* --file-label: sav/dta file label (default: provenance survey.title) */
    FILE *warn;               /* sav/dta warnings (a name changed, a label cut); NULL: none */
    int bom;                  /* --bom: UTF-8 byte-order mark for Excel on Japanese Windows */
    int raw_csv;              /* --raw-csv: text cells as they are, formula-like or not */
    int raw_layout;           /* --raw-layout: raw headers and layouts, no derived variables */
    int multi_list;           /* --multi=list: one "1;3" cell, not one 0/1 column per option */
    const char *vars;         /* --vars a,b,c: only these, in this order */
} export_options;

ts_status export_run(const export_options *opt, ts_err *err);
/* The sav/zsav/dta writer (statfile.c): VARS[0..N) of DS (borrowed) into opt->output,
 * atomically. A name the format cannot hold is refused (TS_E_DATA), as is an id beyond 2^53. */
ts_status export_statfile(const ts_dataset *ds, ts_var **vars, size_t n, const export_options *opt, ts_err *err);
/* --describe: variables, codes and provenance as text on OUT. */
ts_status export_describe(const char *input, FILE *out, ts_err *err);

#endif
