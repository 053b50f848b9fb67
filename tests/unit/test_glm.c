/* test_glm.c — lib/glm on small unweighted samples whose numbers are R's (survey 4.1.1):
 *   d <- data.frame(y = c(1,3,2,5,4,6,8,7), x = 1:8, g = factor(c(1,2,1,2,1,2,1,2)),
 *                   b = c(0,0,1,0,1,1,1,0)); des <- svydesign(id = ~1, data = d)
 *   svyglm(y ~ x + g, des); svyglm(b ~ x, des, family = quasibinomial()); regTermTest(m, ~g)
 * and the fits lib/glm refuses: a factor with one level, separation, no rows left, a constant
 * outcome, collinear predictors. The designs, calibration and domains are checked against R by
 * tests/oracle/model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "glm.h"
#include "harness.h"
#include "sample.h"
#include "testvars.h"

static int same(double got, double want, double tol) { return fabs(got - want) <= tol * (1 + fabs(want)); }

int main(void)
{
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, 8);
    ds->nrows = 8;
    const double y[8] = {1, 3, 2, 5, 4, 6, 8, 7}, x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {0, 0, 1, 0, 1, 1, 1, 0};
    const double sep[8] = {0, 0, 0, 0, 1, 1, 1, 1}, nan8[8] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    const int g[8] = {1, 2, 1, 2, 1, 2, 1, 2}, one[8] = {1, 1, 1, 1, 1, 1, 1, 9};
    ts_var *vy = numeric_var(ds, "y", y, 8), *vx = numeric_var(ds, "x", x, 8), *vb = numeric_var(ds, "b", b, 8);
    ts_var *vs = numeric_var(ds, "s", sep, 8), *vn = numeric_var(ds, "n", nan8, 8);
    ts_var *vg = single_var(ds, "g", g, 8, 1), *v1 = single_var(ds, "o", one, 8, 1);
    double x2v[8];
    for (int i = 0; i < 8; i++)
        x2v[i] = 2 * x[i] + 1;
    ts_var *vx2 = numeric_var(ds, "x2", x2v, ds->nrows);
    const double five8[8] = {5, 5, 5, 5, 5, 5, 5, 5};
    ts_var *v5 = numeric_var(ds, "five", five8, 8);
    ts_design des;
    ts_design_init(&des);
    ts_err err = TS_ERR_INIT;
    ts_sample *d = ts_sample_new(ds, &des, &err);
    T_CHECK(d != NULL);
    if (!d)
        T_DONE();

    /* linear: y ~ x + g */
    const ts_var *pl[] = {vx, vg};
    ts_glm_spec s = {TS_GLM_LINEAR, vy, NULL, 0, pl, 2, NULL, 0.95};
    int about = 0;
    ts_glm_fit *f = ts_glm_fit_new(d, &s, &about, &err);
    T_CHECK(f != NULL);
    if (f) {
        T_CHECK(f->p == 3 && f->n == 8 && f->df == 5);
        T_CHECK(same(f->beta[0], 0.15000000000000158, 1e-10) && same(f->beta[1], 0.89999999999999991, 1e-12) &&
                same(f->beta[2], 0.59999999999999942, 1e-12));
        T_CHECK(same(f->se[0], 0.48834999158975556, 1e-12) && same(f->se[1], 0.15394804318340646, 1e-12) &&
                same(f->se[2], 0.67990545561234350, 1e-12));
        T_CHECK(f->col_pred[2] == 1 && f->col_level[2] == 2 && f->ref_level[1] == 1);
        T_CHECK(f->col_n[2] == 4 && f->ref_n[1] == 4 && f->ref_n[0] == 0);
        T_CHECK(f->tests[1].ncol == 1 && same(f->tests[1].f, 0.77876324979140155, 1e-12));
    }
    ts_glm_fit_free(f);

    /* logistic: b ~ x */
    const ts_var *px[] = {vx};
    ts_glm_spec sl = {TS_GLM_LOGISTIC, vb, NULL, 0, px, 1, NULL, 0.95};
    f = ts_glm_fit_new(d, &sl, &about, &err);
    T_CHECK(f != NULL);
    if (f) {
        T_CHECK(same(f->beta[0], -1.37583962110879154, 1e-12) && same(f->beta[1], 0.30574213802417588, 1e-12));
        T_CHECK(same(f->se[0], 1.70692147997736376, 1e-12) && same(f->se[1], 0.39768219830920659, 1e-12));
        T_CHECK(f->iterations > 1 && f->iterations <= TS_GLM_MAXIT);
    }
    ts_glm_fit_free(f);

    /* refused: a factor with one level (o is 1 or missing) */
    const ts_var *po[] = {vx, v1};
    ts_glm_spec so = {TS_GLM_LINEAR, vy, NULL, 0, po, 2, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &so, &about, &err) && err.status == TS_E_DATA && about == 1);
    /* complete separation: s is 0 up to x = 4, 1 after */
    ts_glm_spec ss = {TS_GLM_LOGISTIC, vs, NULL, 0, px, 1, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &ss, &about, &err) && err.status == TS_E_DATA && about == TS_GLM_ABOUT_MODEL);
    T_CHECK(err.msg && strstr(err.msg, "separate"));
    /* no rows left: n is missing everywhere */
    const ts_var *pn[] = {vx, vn};
    ts_glm_spec sn = {TS_GLM_LINEAR, vy, NULL, 0, pn, 2, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &sn, &about, &err) && err.status == TS_E_DATA && about == TS_GLM_ABOUT_MODEL);
    T_CHECK(err.msg && strstr(err.msg, "n (") != NULL);
    /* a logistic outcome that is 0 for everyone in the domain */
    unsigned char in[8] = {1, 1, 0, 1, 0, 0, 0, 1};
    ts_glm_spec sd = {TS_GLM_LOGISTIC, vb, NULL, 0, px, 1, in, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &sd, &about, &err) && about == TS_GLM_ABOUT_OUTCOME);
    /* collinear: x2 = 2x + 1 */
    const ts_var *pc[] = {vx, vx2};
    ts_glm_spec sc = {TS_GLM_LINEAR, vy, NULL, 0, pc, 2, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &sc, &about, &err) && about == 1);
    ts_err_clear(&err);
    /* a logistic outcome outside 0..1 (y is 1 to 8; the first past 1 is respondent 2's 3):
     * refused (R's glm: "y values must be 0 <= y <= 1") */
    ts_glm_spec sr = {TS_GLM_LOGISTIC, vy, NULL, 0, px, 1, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &sr, &about, &err) && err.status == TS_E_DATA && about == TS_GLM_ABOUT_OUTCOME);
    T_CHECK(err.msg && strstr(err.msg, "between 0 and 1") != NULL && strstr(err.msg, "is 3 for respondent 2") != NULL);
    ts_err_clear(&err);
    /* the first predictor collinear (a constant, the intercept's multiple): named, as predictor
     * 0, not "the model matrix has no full rank" (which is for a column of no predictor) */
    const ts_var *p5[] = {v5, vx};
    ts_glm_spec s5 = {TS_GLM_LINEAR, vy, NULL, 0, p5, 2, NULL, 0.95};
    T_CHECK(!ts_glm_fit_new(d, &s5, &about, &err) && about == 0);
    T_CHECK(err.msg && strstr(err.msg, "five (") != NULL && strstr(err.msg, "collinear") != NULL);
    ts_err_clear(&err);
    ts_sample_free(d);
    ts_design_clear(&des);
    ts_dataset_free(ds);
    T_DONE();
}
