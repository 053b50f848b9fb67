/* ratio.h — the ratio of two weighted totals, R̂ = Ŷ/X̂ (persons consulted per household
 * member), with its linearised standard error: influence values (y − R̂x)/X̂ per weight through
 * the design (ts_sample_vcov). R: svyratio(~y, ~x, design, na.rm = TRUE) (docs/estimation.md). */
#ifndef TS_LIB_RATIO_H
#define TS_LIB_RATIO_H

#include "dataset.h"
#include "estimate.h"
#include "sample.h"

/* The ratio of the totals of the numeric NUM and DEN over the rows where IN is nonzero (IN
 * NULL: every row) that answered both (rows with weight 0 left out; rows with either missing
 * counted in *MISSING): estimate, se, the interval R̂ ± t·se on the domain's design df at LEVEL
 * (CI: 0 for none), n (respondents with both), weighted_n (their Σw), deff (R's). A domain
 * whose denominator total is 0 (or without an answer) gets NaN estimates: there is no ratio.
 * With replicate weights (D->rep) the variance is the replicate ratios' (svyratio.svyrep.design
 * through ts_replicate_vcov) and deff is NaN (R has none there). Returns TS_OK, TS_E_NOMEM, or
 * ts_sample_vcov's or ts_replicate_vcov's error. */
ts_status ts_ratio_domain(const ts_sample *d, const ts_var *num, const ts_var *den, const unsigned char *in,
                          double level, int ci, ts_estimate *out, double *missing, ts_err *err);

#endif
