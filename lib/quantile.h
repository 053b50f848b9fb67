/* quantile.h — design-based quantiles with Woodruff intervals: the weighted quantile by one of
 * R survey's rules (qrule), the variance of the estimated CDF at it through the design's
 * linearisation (ts_sample_vcov), and the interval mapped back through the quantile rule
 * (Woodruff 1952). R: svyquantile(..., qrule =, interval.type = "mean" | "beta") of survey ≥ 4
 * (docs/estimation.md). */
#ifndef TS_LIB_QUANTILE_H
#define TS_LIB_QUANTILE_H

#include <stddef.h>

#include "dataset.h"
#include "estimate.h"
#include "sample.h"

/* R survey's qrule: "math" (= hf1, the inverse of the empirical CDF), "school" (= hf2, the
 * midpoint where the CDF is flat), "shahvaish" (Shah & Vaish 2006), and the weighted
 * versions of Hyndman & Fan's (1996) types 1-9 as survey defines them. */
typedef enum {
    TS_QRULE_MATH, TS_QRULE_SCHOOL, TS_QRULE_SHAHVAISH, TS_QRULE_HF1, TS_QRULE_HF2, TS_QRULE_HF3, TS_QRULE_HF4,
    TS_QRULE_HF5, TS_QRULE_HF6, TS_QRULE_HF7, TS_QRULE_HF8, TS_QRULE_HF9
} ts_qrule;

/* How the interval is formed (R's interval.type): of the CDF at the quantile, mapped back
 * through the rule — "mean" Wald on the design df, "beta" Korn–Graubard, "xlogit" Wald on the
 * logit of the CDF, "asin" Wald on its arcsine square root; or, with replicate weights only,
 * "quantile": Wald on the quantile's own replicate variance (R's repCI). Under replicate
 * weights R 4.1's svyquantile.svyrep.design hands none of beta, xlogit, asin on to woodruffCI,
 * so they give the mean interval there, and here too (docs/estimation.md). */
typedef enum { TS_QCI_MEAN, TS_QCI_BETA, TS_QCI_XLOGIT, TS_QCI_ASIN, TS_QCI_QUANTILE } ts_quantile_ci;

const char *ts_qrule_name(ts_qrule r);
/* 0 and *OUT set, or -1 for a name that is none of them. */
int ts_qrule_parse(const char *s, ts_qrule *out);
const char *ts_quantile_ci_name(ts_quantile_ci m);
int ts_quantile_ci_parse(const char *s, ts_quantile_ci *out);

/* The P quantile by RULE of the N values X with weights W (zero weights are left out, as R's
 * rules do; X and W need not be sorted). NaN when no value has a positive weight. Pure. */
double ts_quantile_rule(ts_qrule rule, const double *x, const double *w, size_t n, double p);

/* The quantiles PROBS (NP of them, each in [0, 1]) of the numeric VAR over the rows where IN
 * is nonzero (IN NULL: every row), rows with weight 0 or VAR missing left out and counted in
 * *MISSING: OUT[j] gets the quantile, its interval at LEVEL, the SE R derives from it
 * (interval width / 2 t), df, n and Σw; deff NaN. A domain without an answer gets NaN
 * estimates (n = 0). An end of the interval outside the CDF's range is NaN, as in R.
 * With replicate weights (D->rep) the variances are the replicates' (ts_replicate_vcov): the
 * CDF's over each replicate's weights (R: svymean on the svyrep.design), or for CI =
 * TS_QCI_QUANTILE the replicate quantiles' (R: repCI), df that of the replicates among the
 * answers. Returns TS_OK, TS_E_NOMEM, ts_sample_vcov's or ts_replicate_vcov's error, or
 * TS_E_DATA for TS_QCI_QUANTILE without replicate weights or with a replicate in which the
 * domain has no answer (R stops there too). */
ts_status ts_quantile_domain(const ts_sample *d, const ts_var *var, const unsigned char *in, const double *probs,
                             size_t np, ts_qrule rule, ts_quantile_ci ci, double level, ts_estimate *out,
                             double *missing, ts_err *err);

#endif
