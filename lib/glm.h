/* glm.h — survey-weighted generalised linear models: a linear (gaussian) or a logistic
 * (quasibinomial, logit link) model of one outcome on numeric and single-choice predictors,
 * fitted by iteratively reweighted least squares with the survey weights as prior weights,
 * with design-based standard errors from the sandwich (X'WX)^-1 × the linearisation variance
 * of the score influences (ts_sample_vcov), t tests on the design's degrees of freedom and
 * Wald tests of each predictor. R: survey's svyglm(family = gaussian() | quasibinomial()),
 * summary(), confint() and regTermTest() (docs/estimation.md, "Regression"). */
#ifndef TS_LIB_GLM_H
#define TS_LIB_GLM_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "sample.h"
#include "status.h"

typedef enum { TS_GLM_LINEAR, TS_GLM_LOGISTIC } ts_glm_family;

/* R's glm.control(): the relative change of the deviance that ends the iterations, and the
 * most iterations (glm.fit's epsilon 1e-8 and maxit 25, so that the fit stops where R's does). */
#define TS_GLM_EPSILON 1e-8
#define TS_GLM_MAXIT 25

/* The model. Pointers are borrowed for the duration of ts_glm_fit. */
typedef struct ts_glm_spec {
    ts_glm_family family;
    const ts_var *outcome;           /* linear: integer or numeric; logistic: single choice with
                                      * OUTCOME_CODES, or a number between 0 and 1 */
    const int32_t *outcome_codes;    /* logistic, single-choice outcome: the codes that are 1 */
    size_t noutcome_codes;
    const ts_var *const *predictors; /* integer/numeric as they are; single choice as a factor */
    size_t npredictors;
    const unsigned char *in;         /* the domain (R: svyglm(subset = )); NULL: everyone */
    double level;                    /* confidence level of the intervals, e.g. 0.95 */
} ts_glm_spec;

/* A Wald test of one predictor's coefficients being all zero (R: regTermTest). */
typedef struct ts_glm_test {
    size_t first, ncol;              /* the predictor's columns of the model matrix */
    double chisq, chisq_p;           /* Wald X² on NCOL df (regTermTest(df = Inf)) */
    double f, f_p;                   /* X²/NCOL on NCOL and the residual df (regTermTest) */
} ts_glm_test;

typedef struct ts_glm_fit {
    size_t p;                        /* columns: the intercept, then each predictor's */
    int *col_pred;                   /* per column: its predictor, -1 for the intercept */
    int32_t *col_level;              /* per column of a factor: its level's code */
    double *beta, *se, *t, *pval, *lo, *hi;
    double *vcov;                    /* p × p, row-major: the design-based covariance */
    double df;                       /* residual df: the design's df (PSUs − strata among the
                                      * rows used) + 1 − p, as svyglm sets df.residual */
    size_t n;                        /* respondents in the fit */
    double weighted_n;               /* Σ w over them */
    int iterations;
    int32_t *ref_level;              /* per predictor: the reference level of a factor */
    size_t *col_n;                   /* per column of a factor: respondents of the fit in its level */
    size_t *ref_n;                   /* per factor predictor: respondents in the reference level */
    ts_glm_test *tests;              /* per predictor */
} ts_glm_fit;

/* What a TS_E_DATA from ts_glm_fit is about, so that a caller can point at the setting. */
enum { TS_GLM_ABOUT_MODEL = -2, TS_GLM_ABOUT_OUTCOME = -1 /* 0..: that predictor */ };

/* Fit SPEC on the sample D: the rows with a positive weight, in the domain and with the
 * outcome and every predictor answered (R: na.omit on the model frame; the rows left out keep
 * their place in the design, zero in the variance, as svyglm keeps them). Factor levels are
 * the codes present among those rows, sorted, the first the reference (R's factor() and
 * treatment contrasts). Returns the fit (ts_glm_fit_free) or NULL with ERR set: TS_E_DATA for
 * no rows left, a factor with one level, predictors that are collinear, an outcome that is
 * constant or not 0..1, IRLS that does not converge within TS_GLM_MAXIT iterations, fitted
 * probabilities of 0 or 1 (separation: R only warns) or a lonely PSU under `fail`; *ABOUT
 * (may be NULL) is then a predictor's index or TS_GLM_ABOUT_*. */
ts_glm_fit *ts_glm_fit_new(const ts_sample *d, const ts_glm_spec *spec, int *about, ts_err *err);
void ts_glm_fit_free(ts_glm_fit *f);

#endif
