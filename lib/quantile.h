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

/* How the interval of the CDF at the quantile is formed (R's interval.type): "mean" Wald on
 * the design df, "beta" Korn–Graubard. */
typedef enum { TS_QCI_MEAN, TS_QCI_BETA } ts_quantile_ci;

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
 * Returns TS_OK, TS_E_NOMEM, or ts_sample_vcov's error. */
ts_status ts_quantile_domain(const ts_sample *d, const ts_var *var, const unsigned char *in, const double *probs,
                             size_t np, ts_qrule rule, ts_quantile_ci ci, double level, ts_estimate *out,
                             double *missing, ts_err *err);

#endif
