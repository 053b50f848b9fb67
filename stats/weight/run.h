/* run.h — the weighting stage: a validated dataset + the manifest's [design],
 * [nonresponse], [weighting] and [margin.*] sections → the dataset with weights and the
 * design information the estimation stage needs, plus a diagnostics report. */
#ifndef TS_WEIGHT_RUN_H
#define TS_WEIGHT_RUN_H

#include <stdio.h>

#include "status.h"

typedef struct weight_options {
    const char *manifest;   /* -s; NULL: settings come from --set alone */
    const char *input;      /* the dataset from ingest */
    const char *output;     /* -o */
    const char *report;     /* --report: text diagnostics; NULL: none (the summary still prints) */
    const char *report_csv; /* --report-csv */
    int raw_csv;            /* --raw-csv: its group and level cells as they are (lib/csvwrite) */
    char **set;             /* --set SECTION.KEY=VALUE overrides, in order */
    size_t nset;
    int quiet;
} weight_options;

ts_status weight_run(const weight_options *opt, FILE *summary, ts_err *err);

#endif
