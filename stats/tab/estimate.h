/* estimate.h — weighted estimates for one variable in one domain, with linearised standard
 * errors, confidence intervals, design effects and the Rao–Scott test of association. */
#ifndef TS_TAB_ESTIMATE_H
#define TS_TAB_ESTIMATE_H

#include <stddef.h>

#include "dataset.h"
#include "design.h"

typedef enum { STAT_SHARE, STAT_MEAN, STAT_TOTAL } stat_kind;
typedef enum { CI_LOGIT, CI_BETA, CI_WALD, CI_XLOGIT, CI_WILSON, CI_T, CI_NONE } ci_method;

const char *ci_method_name(ci_method m);
int ci_method_parse(const char *s, ci_method *out);

/* One estimate: a category share, a mean or a total. */
typedef struct est {
    int32_t code;          /* category (share/total of a category); ignored for means */
    int has_code;
    double n;              /* respondents in the domain with an answer */
    double n_cat;          /* respondents in the category (shares) */
    double weighted_n;     /* Σ w over the domain's respondents with an answer */
    double estimate, se, lo, hi, df, deff;
} est;

/* Estimates of VAR over the rows where IN is nonzero (the domain; rows with weight 0 or VAR
 * missing are left out and counted in *MISSING). For STAT_SHARE and STAT_TOTAL of a coded
 * variable, one estimate per category in CODES (NCODES; for a multi, its options); for a
 * numeric variable one estimate. OUT must have room for max(ncodes, 1). */
ts_status estimate_domain(const design *d, const ts_var *var, stat_kind kind, const int32_t *codes, size_t ncodes,
                          const unsigned char *in, ci_method ci, double level, est *out, double *missing,
                          ts_err *err);

typedef struct rao_scott {
    double chisq;          /* Rao–Scott first-order X²: Pearson X² (weighted table scaled to n) / mean δ */
    double chisq_df, chisq_p;   /* first-order: X² / mean eigenvalue on (r-1)(c-1) df */
    double f, f_df1, f_df2, f_p; /* second-order: F = X² / tr Δ on d0, d0·ν df */
} rao_scott;

/* The Rao–Scott tests of association of VAR (rows) and BY (columns), both coded, over the
 * respondents with both answered (R: svychisq, statistics "F" and "Chisq"). */
ts_status estimate_rao_scott(const design *d, const ts_var *var, const ts_var *by, rao_scott *out, ts_err *err);

#endif
