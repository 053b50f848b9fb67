/* model.h — the regression stage: a weighted dataset and the manifest's [model.NAME]
 * sections → survey-weighted linear and logistic models (docs/models-format.md). */
#ifndef TS_MODEL_H
#define TS_MODEL_H

#include <stdio.h>

#include "status.h"

typedef struct model_options {
    const char *manifest;    /* -s: its [model.NAME] sections */
    const char *input;       /* the weighted dataset */
    const char *output;      /* -o: models CSV */
    const char *text;        /* --text: the models as text for reading ("-": stdout); NULL: none */
    int lonely;              /* --lonely-psu: a ts_lonely_psu; -1: the design's */
    long min_cell;           /* --min-cell; -1: the manifest's [privacy] min_cell, else its default */
    int bom;                 /* --bom */
    int raw_csv;             /* --raw-csv */
    int quiet;
} model_options;

/* Fit every [model.NAME] of the manifest and write the CSV atomically; a one-line summary on
 * SUMMARY unless quiet. On error nothing is written and ERR says why (TS_E_DATA: the manifest's
 * file:line, or the dataset). */
ts_status model_run(const model_options *opt, FILE *summary, ts_err *err);

#endif
