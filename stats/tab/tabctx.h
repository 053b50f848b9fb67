/* tabctx.h — private to tsunagari-tab: what one run shares between its steps — the table
 * requests (tab.c), their estimates for the whole population and every domain (compute.c),
 * which cells may be published (disclose.c, through lib/suppress) and the outputs
 * (write.c). Every table is estimated before any is written, because whether a cell can be
 * published depends on the cells of the other tables. */
#ifndef TS_TAB_CTX_H
#define TS_TAB_CTX_H

#include <stdio.h>

#include "dataset.h"
#include "estimate.h"
#include "quantile.h"
#include "sample.h"
#include "status.h"
#include "suppress.h"
#include "tab.h"

#define PROG "tsunagari-tab"
#define TAB_MAX_BYCODES 16 /* by variables decoded once per run; others per table */

/* Which estimator a table uses: lib/estimate (shares, means, totals: KIND), lib/quantile or
 * lib/ratio. */
typedef enum { TAB_ESTIMATE, TAB_QUANTILE, TAB_RATIO } tab_stat;

#define TAB_MAX_QUANTILES 99

typedef struct table_spec {
    char *id;
    char *where;            /* for messages about its data: "survey.ini:2: [table.NAME] var = X" or "--var X" */
    const ts_var *var;
    const ts_var *by[2];
    size_t nby;
    tab_stat stat;
    ts_stat_kind kind;      /* TAB_ESTIMATE; TS_STAT_MEAN for the others */
    double probs[TAB_MAX_QUANTILES]; /* quantile: the probabilities, in the order given */
    size_t nprobs;
    ts_qrule qrule;
    ts_quantile_ci qci;
    const ts_var *den;      /* ratio: the denominator */
    const char *differences; /* "男性 - 女性, 20～29歳 - 全体" (NULL: none); resolved by compute.c */
    char *diff_where;       /* for messages about them: "survey.ini:5: [table.NAME] differences = ..." */
    char *previous;         /* the previous survey's tables.csv (NULL: none), resolved; previous.c */
    const char *previous_table, *previous_label; /* its table (default: this table's id); 「前回調査」 */
    char *prev_where;       /* for messages: "survey.ini:6: [table.NAME] previous = ..." */
    ts_ci_method ci;
    double level;
    int weighted;
    int test;
} table_spec;

/* The estimates of one domain (or of the whole population, 全体). */
typedef struct domain_result {
    char *codes, *labels;   /* "3" / "3;1", "70歳以上" / "70歳以上;男性"; "" and "全体" for everyone */
    int32_t by_code[2];     /* the domain's codes of the table's by variables */
    ts_estimate *e;         /* one per category (share, total of a coded variable), else one */
    size_t k;
    double missing, skipped;
    long *cell;             /* per estimate: its cell in the disclosure model */
    long ncell;             /* the domain's n, a cell of its own in share tables; -1: none */
} domain_result;

/* One difference of two of the table's domains (differences = A - B): per estimate A − B. */
typedef struct diff_result {
    size_t a, b;            /* the domains, indices into table_result.dom (0: 全体) */
    char *codes, *labels;   /* "2 - all", "20～29歳 - 全体" (docs/tables-format.md) */
    ts_estimate *e;         /* one per estimate of a domain, as domain_result.e */
    double *p;              /* per estimate: the t-test p of no difference */
    int previous;           /* the domain a (= b) now minus in the previous survey (previous.c) */
    unsigned char *prev;    /* previous: per estimate 0 no such row there, 1 found, 2 withheld there */
} diff_result;

typedef struct table_result {
    domain_result *dom;     /* dom[0] is 全体 */
    size_t ndom, capdom;
    diff_result *diff;      /* in the order given */
    size_t ndiff;
    int32_t *cats;          /* the categories a share table reports */
    size_t ncat;
    int has_test;
    ts_rao_scott rs;
} table_result;

typedef struct run {
    const tab_options *opt;
    ts_dataset *ds;
    ts_sample *d, *unweighted;
    long min_cell;
    int census;             /* [design] type = census: exact counts, no SE, interval, deff or test */
    FILE *csv, *text;
    size_t rows;
    ts_suppress *sdc;       /* the cells of every table and how they relate */
    struct {                /* the by variables' code index of every row, decoded once */
        const ts_var *v;
        int32_t *x;
    } bycodes[TAB_MAX_BYCODES];
    size_t nbycodes;
} run;

ts_status tab_nomem(ts_err *err);

/* compute.c: every by variable of the N tables SPECS decoded once into R->bycodes (each row's
 * code index, -1 missing), read by every table before the threads start; 0, or -1 when memory
 * runs out. tab_decode_by_free frees them. */
int tab_decode_by(run *r, const table_spec *specs, size_t n);
void tab_decode_by_free(run *r);

/* compute.c: the estimates of table T for everyone and every domain into RES (which the
 * caller zeroed and frees with table_result_free), and its Rao–Scott test. */
ts_status compute_table(run *r, const table_spec *t, table_result *res, ts_err *err);
void table_result_free(table_result *res);
/* The sample table T is estimated on: weighted, or every respondent counted 1. */
const ts_sample *table_sample(const run *r, const table_spec *t);
/* Nonzero when row I is in domain (A = CA, B = CB) of T (B NULL: A alone). */
int in_domain(const ts_var *a, int32_t ca, const ts_var *b, int32_t cb, size_t i);

/* previous.c: per domain of RES, its estimates minus those of the previous survey's tables.csv
 * (T->previous), appended to RES->diff; an error when that file lacks the table or has it of
 * another variable, domains or statistic. */
ts_status previous_differences(const table_spec *t, table_result *res, ts_err *err);

/* write.c: the statistic of T's rows as tables.csv names it (share, mean, total, quantile, ratio). */
const char *tab_statistic_name(const table_spec *t, int numeric);

/* disclose.c: every cell of the N tables into R->sdc with the relations a reader has, then
 * primary and secondary suppression (lib/suppress). */
ts_status disclose(run *r, const table_spec *t, table_result *res, size_t n, ts_err *err);
/* The state of estimate C of domain D (TS_CELL_PUBLISHED when nothing is suppressed). */
ts_cell_state cell_state(const run *r, const domain_result *d, size_t c);
/* The state of domain D's n. */
ts_cell_state n_state(const run *r, const domain_result *d);

/* write.c: table T's rows of the tables CSV, and its block of the text output. */
void write_table(run *r, const table_spec *t, const table_result *res);

#endif
