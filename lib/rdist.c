/* rdist.c — see rdist.h. Rmath.h is included here only: with MATHLIB_STANDALONE it defines
 * macros (pnorm, beta, ...) that must not reach the rest of the code. */
#include "rdist.h"

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

double ts_rdist_qnorm(double p) { return qnorm(p, 0, 1, 1, 0); }

double ts_rdist_pnorm_upper(double x) { return pnorm(x, 0, 1, 0, 0); }

double ts_rdist_qt(double p, double df) { return qt(p, df, 1, 0); }

double ts_rdist_pt(double x, double df) { return pt(x, df, 1, 0); }

double ts_rdist_pt_upper(double x, double df) { return pt(x, df, 0, 0); }

double ts_rdist_pf_upper(double f, double df1, double df2) { return pf(f, df1, df2, 0, 0); }

double ts_rdist_pchisq_upper(double x, double df) { return pchisq(x, df, 0, 0); }
