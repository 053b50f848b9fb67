/* betaquant.h — quantiles of the beta distribution that do not fail where R's qbeta answers.
 *
 * The Korn–Graubard (Clopper–Pearson on an effective sample size) interval of a share needs
 * qbeta(α/2, n·p, n(1−p)+1) and qbeta(1−α/2, n·p+1, n(1−p)); GSL's gsl_cdf_beta_Pinv gives NaN
 * for some ordinary shapes (0.975, 216.5, 3791) and for the huge ones an effective n of 1e19
 * gives after raking. Used by the estimation stage (lib/estimate.c). */
#ifndef TS_BETAQUANT_H
#define TS_BETAQUANT_H

/* The P quantile of Beta(A, B): the x in [0, 1] with P(X <= x) = P, as R's qbeta(P, A, B)
 * (to about 1e-12 absolute where R has an answer; tests/unit/test_betaquant.c).
 * Edge cases follow R: NaN when P is outside [0, 1] or a shape is negative or NaN; 0 at P = 0
 * and 1 at P = 1; a shape 0 or infinite puts all the mass at 0 or 1 (both 0 or both infinite:
 * half at each end, so 0 below P = 0.5, 1 above, 0.5 at it). Pure function, thread-safe;
 * turn GSL's error handler off first (gsl_set_error_handler_off), as every stage does. */
double ts_betaquant_solve(double p, double a, double b);

#endif
