/* estimate.h — weighted estimates for one variable in one domain, with linearised standard
 * errors, confidence intervals, design effects and the Rao–Scott test of association. */
#ifndef TS_LIB_ESTIMATE_H
#define TS_LIB_ESTIMATE_H

#include <stddef.h>

#include "dataset.h"
#include "sample.h"

typedef enum { TS_STAT_SHARE, TS_STAT_MEAN, TS_STAT_TOTAL } ts_stat_kind;
typedef enum { TS_CI_LOGIT, TS_CI_BETA, TS_CI_WALD, TS_CI_XLOGIT, TS_CI_WILSON, TS_CI_T, TS_CI_NONE } ts_ci_method;

const char *ts_ci_method_name(ts_ci_method m);
int ts_ci_method_parse(const char *s, ts_ci_method *out);

/* One estimate: a category share, a mean or a total. */
typedef struct ts_estimate {
    int32_t code;          /* category (share/total of a category); ignored for means */
    int has_code;
    double n;              /* respondents in the domain with an answer */
    double n_cat;          /* respondents in the category (shares) */
    double weighted_n;     /* Σ w over the domain's respondents with an answer */
    double estimate, se, lo, hi, df, deff;
} ts_estimate;

/* Estimates of VAR over the rows where IN is nonzero (the domain; IN NULL: every row; rows
 * with weight 0 or VAR missing are left out and counted in *MISSING). R: svymean / svytotal
 * (svyby for a domain), with svyciprop's intervals for shares (docs/estimation.md). For TS_STAT_SHARE and TS_STAT_TOTAL of a coded
 * variable, one estimate per category in CODES (NCODES; for a multi, its options); for a
 * numeric variable one estimate. OUT must have room for max(ncodes, 1). */
ts_status ts_estimate_domain(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes, size_t ncodes,
                          const unsigned char *in, ts_ci_method ci, double level, ts_estimate *out, double *missing,
                          ts_err *err);

/* Whether ts_estimate_domains can estimate on D: Taylor linearisation without later stages,
 * every PSU one row of the design, uncalibrated or raked with R's sweeps on the joint table of
 * its margins, and no stratum of one PSU under lonely_psu = fail. */
int ts_estimate_domains_apply(const ts_sample *d);

/* ts_estimate_domain for 全体 and NDOM domains at once, in a few passes over the rows instead
 * of several per domain — the same numbers, up to the last digits of sums over a weight
 * class's rows, formed as count × addend (docs/estimation.md). DOM_OF[i]: row i's domain (0 ..
 * NDOM − 1; SIZE_MAX: none; a row is in at most one). OUT[0] gets 全体's estimates and
 * MISSING[0] its missing count, OUT[1 + j] and MISSING[1 + j] domain j's; each OUT[·] has room
 * for max(ncodes, 1). SKIPPED (NULL: not wanted), likewise: how many of the missing were 非該当
 * (ts_var_is_skipped). Only where ts_estimate_domains_apply(D) says yes. Returns TS_OK or
 * TS_E_NOMEM. */
ts_status ts_estimate_domains(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes,
                              size_t ncodes, const size_t *dom_of, size_t ndom, ts_ci_method ci, double level,
                              ts_estimate *const *out, double *missing, double *skipped, ts_err *err);

/* The differences θ_A − θ_B of the estimates of VAR (KIND, CODES as for ts_estimate_domain)
 * between the domains IN_A and IN_B of one design (NULL: every row; they may overlap, e.g. a
 * domain minus 全体): both domains' influence values through ts_sample_vcov together, so the
 * variance is V_AA + V_BB − 2 V_AB (R: svycontrast on the domain estimates with their full
 * covariance, docs/estimation.md). OUT[c]: estimate, se, df (the whole design's), the interval
 * estimate ± t·se at LEVEL (CI 0: none); P[c] the two-sided t-test p of no difference on df.
 * n, n_cat, weighted_n and deff are NaN. A domain without an answer gives NaN estimates. OUT
 * and P must have room for max(ncodes, 1). Returns TS_OK, TS_E_NOMEM or ts_sample_vcov's error. */
ts_status ts_estimate_difference(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes,
                                 size_t ncodes, const unsigned char *in_a, const unsigned char *in_b, int ci,
                                 double level, ts_estimate *out, double *p, ts_err *err);

typedef struct ts_rao_scott {
    double chisq;          /* Rao–Scott first-order X²: Pearson X² (weighted table scaled to n) / mean δ */
    double chisq_df, chisq_p;   /* first-order: X² / mean eigenvalue on (r-1)(c-1) df */
    double f, f_df1, f_df2, f_p; /* second-order: F = X² / tr Δ on d0, d0·ν df */
} ts_rao_scott;

/* The Rao–Scott tests of association of VAR (rows) and BY (columns), both coded, over the
 * respondents with both answered (R: svychisq, statistics "F" and "Chisq"). */
ts_status ts_estimate_rao_scott(const ts_sample *d, const ts_var *var, const ts_var *by, ts_rao_scott *out, ts_err *err);

#endif
