/* export.h — tsunagari-export: a dataset back to CSV for R, Stata, pandas and Excel users. */
#ifndef TS_EXPORT_H
#define TS_EXPORT_H

#include <stdio.h>

#include "dataset.h"
#include "status.h"

typedef enum { EXPORT_CODES, EXPORT_LABELS, EXPORT_LABELS_EN } export_values;

typedef struct export_options {
    const char *input;        /* the dataset */
    const char *output;       /* CSV to write, "-" for stdout */
    export_values values;     /* --labels / --labels=en */
    int bom;                  /* --bom: UTF-8 byte-order mark for Excel on Japanese Windows */
    int raw_csv;              /* --raw-csv: text cells as they are, formula-like or not */
    int raw_layout;           /* --raw-layout: raw headers and layouts, no derived variables */
    int multi_list;           /* --multi=list: one "1;3" cell, not one 0/1 column per option */
    const char *vars;         /* --vars a,b,c: only these, in this order */
} export_options;

ts_status export_run(const export_options *opt, ts_err *err);
/* --describe: variables, codes and provenance as text on OUT. */
ts_status export_describe(const char *input, FILE *out, ts_err *err);

#endif
