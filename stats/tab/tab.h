/* tab.h — the estimation stage: a weighted dataset → tables of estimates (docs/tables-format.md). */
#ifndef TS_TAB_H
#define TS_TAB_H

#include <stdio.h>

#include "sample.h"
#include "estimate.h"
#include "status.h"

typedef struct tab_options {
    const char *manifest;    /* -s: its [table.NAME] sections and [privacy] min_cell */
    const char *input;       /* the weighted dataset */
    const char *output;      /* -o: tables CSV */
    const char *text;        /* --text: the tables as text ("-": stdout) */
    const char *var, *by;    /* ad hoc table: --var, --by A[,B] */
    const char *stat;        /* --stat share|mean|total|quantile|ratio */
    const char *quantiles;   /* --quantiles P,P,...; NULL: [table.NAME] quantiles' default */
    const char *qrule;       /* --qrule */
    const char *quantile_ci; /* --quantile-ci mean|beta */
    const char *denominator; /* --denominator VAR (ratio) */
    const char *differences; /* --differences "A - B, C - D": differences of domains */
    const char *previous;    /* --previous TABLES.csv: each estimate minus the previous survey's */
    const char *previous_table, *previous_label; /* --previous-table NAME, --previous-label TEXT */
    const char *ci;          /* --ci */
    double level;            /* --level */
    long min_cell;           /* --min-cell; -1: the manifest's, else 10 */
    int lonely;              /* --lonely-psu: a ts_lonely_psu; -1: the design's ([design] lonely_psu) */
    int rake_residuals;      /* --rake-residuals: a ts_rake_residuals; -1: the design's ([weighting] rake_residuals) */
    int bom;                 /* --bom */
    int raw_csv;             /* --raw-csv: text cells as they are, formula-like or not */
    int quiet;
    int counts;              /* --counts: INPUT is a counts file (docs/counts.md), not a dataset */
    const char *lang;        /* --lang ja|en: the fixed texts (全体, tables.txt); NULL: [report] language */
    const char *labels;      /* --labels LANG: the labels tables.csv carries; NULL: [report] labels, else the language's */
    size_t jobs;             /* --jobs N: tables estimated on N threads; 0: tab_default_jobs() */
} tab_options;

/* The cores this process may run on (sched_getaffinity), at least 1: --jobs' default. */
size_t tab_default_jobs(void);

ts_status tab_run(const tab_options *opt, FILE *summary, ts_err *err);
/* The tables of a counts file (counts.c): exact counts and shares, no sampling error. */
ts_status tab_counts_run(const tab_options *opt, FILE *summary, ts_err *err);

#endif
