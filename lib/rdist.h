/* rdist.h — the distribution functions of R itself, from libRmath (Debian r-mathlib: R's nmath
 * built standalone), so that every p-value and t critical value is the number R's survey
 * package computes, not a neighbour of it.
 *
 * Why not GSL's gsl_cdf_*: its F tail loses precision as the denominator df grows — 2e-8
 * relative at p = 4.5e-8 on 3 and 3e6 df, 0.2 at p = 1e-16 on 2 and 1e7 df, and 0 for a p of
 * 6e-20 on 2 and 1e6 df (the Rao–Scott test of a million respondents) — its t tail is off by
 * 1e-8 and more below p = 1e-38. R's nmath (TOMS 708 for the incomplete beta, Hill's algorithm
 * for qt, Wichura's AS 241 for qnorm) is what R's pf, pt, qt and pchisq are. (The beta
 * quantiles are lib/betaquant's, not R's qbeta: that one misses by up to 0.49 in probability
 * for shapes such as 1e12 and 2.5, which a raked SE near 0 gives, and says so on stdout.)
 *
 * Each function is R's, argument for argument (lower.tail and log.p as named below), with R's
 * edge cases: NaN for NaN arguments or a df <= 0, qt on infinite df the normal quantile. Pure
 * and thread-safe (libRmath's distribution functions keep no state; only its random number
 * generators do, which tsunagari does not use). Where R would warn ("full precision may not
 * have been achieved"), libRmath prints the warning on standard output. */
#ifndef TS_LIB_RDIST_H
#define TS_LIB_RDIST_H

/* qnorm(p): the standard normal P quantile. */
double ts_rdist_qnorm(double p);

/* pnorm(x, lower.tail = FALSE): P(Z > x). */
double ts_rdist_pnorm_upper(double x);

/* qt(p, df): Student's t P quantile; df infinite gives qnorm(p), df <= 0 NaN. */
double ts_rdist_qt(double p, double df);

/* pt(x, df): P(T <= x). */
double ts_rdist_pt(double x, double df);

/* pt(x, df, lower.tail = FALSE): P(T > x). */
double ts_rdist_pt_upper(double x, double df);

/* pf(f, df1, df2, lower.tail = FALSE): P(F > f). */
double ts_rdist_pf_upper(double f, double df1, double df2);

/* pchisq(x, df, lower.tail = FALSE): P(X² > x). */
double ts_rdist_pchisq_upper(double x, double df);

#endif
