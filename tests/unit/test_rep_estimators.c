/* test_rep_estimators.c — quantiles, ratios and models under replicate weights (lib/quantile,
 * lib/ratio, lib/glm with ts_sample.rep), through the library alone, against R survey 4.1.1
 * on 16 rows in 4 PSUs with JK1 replicates (combined weights):
 *   x <- c(3, 7, 1, 7, 4, 9, 2, 5, 6, 8, 2, 4, 10, 3, 6, 5)
 *   y <- c(2.5, 6, 1.5, 8, 3, 9.5, 2, 4, 7, 7.5, 3, 4.5, 9, 2, 5.5, 6)
 *   b <- c(0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1)
 *   g <- c(1, 2, 1, 2, 2, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 2)
 *   w <- c(1, 2, 0.5, 1, 3, 1, 1.5, 2, 1, 1, 2.5, 1, 2, 1.5, 1, 2); psu <- rep(1:4, each = 4)
 *   W <- sapply(1:4, function(r) ifelse(psu == r, 0, w * 4 / 3))
 *   des <- svrepdesign(data = data.frame(x, y, b, grp = factor(g), w), weights = ~w,
 *                      repweights = W, type = "JK1", scale = 3/4)
 *   svyquantile(~x, des, c(0.25, 0.5), ci = TRUE [, interval.type = "quantile"])
 *   svyratio(~y, ~x, des [[g == 2, ]]); svyglm(y ~ x + grp, des);
 *   svyglm(b ~ x, des, family = quasibinomial()); svyglm(y ~ x, des, subset = grp == 1)
 * The manifest's route (variance = supplied) is checked by tests/oracle/tab 60-64 and
 * tests/oracle/model 10-14. */
#include <math.h>
#include <stdlib.h>

#include "design.h"
#include "glm.h"
#include "harness.h"
#include "quantile.h"
#include "ratio.h"
#include "replicate.h"
#include "sample.h"
#include "testvars.h"

static int same(double got, double want, double tol)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= tol * (1 + fabs(want));
}

#define N 16

int main(void)
{
    static const double x[N] = {3, 7, 1, 7, 4, 9, 2, 5, 6, 8, 2, 4, 10, 3, 6, 5};
    static const double y[N] = {2.5, 6, 1.5, 8, 3, 9.5, 2, 4, 7, 7.5, 3, 4.5, 9, 2, 5.5, 6};
    static const double b[N] = {0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1};
    static const int g[N] = {1, 2, 1, 2, 2, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 2};
    static const double w[N] = {1, 2, 0.5, 1, 3, 1, 1.5, 2, 1, 1, 2.5, 1, 2, 1.5, 1, 2};
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, N);
    ds->nrows = N;
    ts_var *vx = numeric_var(ds, "x", x, N), *vy = numeric_var(ds, "y", y, N), *vb = numeric_var(ds, "b", b, N);
    ts_var *vg = single_var(ds, "grp", g, N, 0);
    ts_design des;
    ts_design_init(&des);
    ts_err err = TS_ERR_INIT;
    ts_sample *d = ts_sample_new(ds, &des, &err);
    ts_replicates *rep = ts_replicates_new(TS_REP_JK1, N, 4);
    T_CHECK(d != NULL && rep != NULL);
    if (!d || !rep)
        T_DONE();
    for (size_t i = 0; i < N; i++)
        d->w[i] = d->d[i] = d->wcal[i] = w[i];
    for (size_t r = 0; r < 4; r++)
        for (size_t i = 0; i < N; i++)
            rep->w[r * N + i] = i / 4 == r ? 0 : w[i] * 4 / 3;
    rep->scale = 0.75;
    rep->df = ts_replicate_df(rep, N, d->w, NULL);
    d->rep = rep; /* ts_sample_free frees it */
    T_CHECK(rep->df == 3);

    /* quantiles: Woodruff (mean) on the replicate CDFs, and the replicate quantiles' own */
    double probs[] = {0.25, 0.5}, missing;
    ts_estimate q[2];
    T_CHECK(ts_quantile_domain(d, vx, NULL, probs, 2, TS_QRULE_MATH, TS_QCI_MEAN, 0.95, q, &missing, &err) == TS_OK);
    T_CHECK(q[0].estimate == 3 && q[0].lo == 2 && q[0].hi == 5 && same(q[0].se, 0.47133552497322606, 1e-12));
    T_CHECK(q[1].estimate == 5 && q[1].lo == 3 && q[1].hi == 10 && same(q[1].se, 1.0997828916041941, 1e-12));
    T_CHECK(q[0].df == 3 && missing == 0);
    /* R 4.1 passes no method to woodruffCI under replicates: beta is the mean interval */
    ts_estimate qb[2];
    T_CHECK(ts_quantile_domain(d, vx, NULL, probs, 2, TS_QRULE_MATH, TS_QCI_BETA, 0.95, qb, &missing, &err) == TS_OK);
    T_CHECK(qb[0].lo == q[0].lo && qb[1].hi == q[1].hi && qb[1].se == q[1].se);
    T_CHECK(ts_quantile_domain(d, vx, NULL, probs, 2, TS_QRULE_MATH, TS_QCI_QUANTILE, 0.95, q, &missing, &err) == TS_OK);
    T_CHECK(same(q[0].lo, -0.89768479087533226, 1e-12) && same(q[0].hi, 6.8976847908753323, 1e-12) &&
            same(q[0].se, 1.2247448713915889, 1e-12));
    T_CHECK(same(q[1].lo, 2.6131652710372193, 1e-12) && same(q[1].hi, 7.3868347289627803, 1e-12) &&
            same(q[1].se, 0.74999999999999978, 1e-12));
    /* a domain that replicate 1 leaves without answers: no replicate quantile there (R stops) */
    unsigned char first[N] = {1, 1, 1, 1};
    T_CHECK(ts_quantile_domain(d, vx, first, probs, 1, TS_QRULE_MATH, TS_QCI_QUANTILE, 0.95, q, &missing, &err) ==
            TS_E_DATA);
    T_CHECK(err.msg && strstr(err.msg, "x: replicate 1 gives none of the domain's 4 answers a weight"));
    ts_err_clear(&err);
    /* the mean interval leaves that replicate out (svrVar's na.omit) */
    T_CHECK(ts_quantile_domain(d, vx, first, probs, 1, TS_QRULE_MATH, TS_QCI_MEAN, 0.95, q, &missing, &err) == TS_OK);

    /* ratios */
    ts_estimate r;
    T_CHECK(ts_ratio_domain(d, vy, vx, NULL, 0.95, 1, &r, &missing, &err) == TS_OK);
    T_CHECK(same(r.estimate, 0.96516393442622961, 1e-13) && same(r.se, 0.050261830187333829, 1e-12) && isnan(r.deff));
    unsigned char g2[N];
    for (size_t i = 0; i < N; i++)
        g2[i] = g[i] == 2;
    T_CHECK(ts_ratio_domain(d, vy, vx, g2, 0.95, 1, &r, &missing, &err) == TS_OK);
    T_CHECK(same(r.estimate, 0.95348837209302317, 1e-13) && same(r.se, 0.065693127337784263, 1e-12) && r.df == 3);

    /* models: refits under each replicate from the full-sample coefficients */
    const ts_var *pl[] = {vx, vg};
    ts_glm_spec s = {TS_GLM_LINEAR, vy, NULL, 0, pl, 2, NULL, 0.95};
    ts_glm_fit *f = ts_glm_fit_new(d, &s, NULL, &err);
    T_CHECK(f != NULL);
    if (f) {
        T_CHECK(same(f->beta[0], 0.30966391778210683, 1e-10) && same(f->beta[1], 0.91994046385700279, 1e-10) &&
                same(f->beta[2], -0.12352713660160583, 1e-10));
        T_CHECK(same(f->se[0], 0.64383970931154921, 1e-8) && same(f->se[1], 0.13270988562336727, 1e-8) &&
                same(f->se[2], 0.79891171033061092, 1e-8));
        T_CHECK(f->df == 1);
    }
    ts_glm_fit_free(f);
    const ts_var *px[] = {vx};
    ts_glm_spec sl = {TS_GLM_LOGISTIC, vb, NULL, 0, px, 1, NULL, 0.95};
    f = ts_glm_fit_new(d, &sl, NULL, &err);
    T_CHECK(f != NULL);
    if (f) {
        T_CHECK(same(f->beta[0], -1.1755982790714752, 1e-8) && same(f->beta[1], 0.28889917236419521, 1e-8));
        T_CHECK(same(f->se[0], 1.4932071494878716, 1e-7) && same(f->se[1], 0.21659034091301985, 1e-7));
        T_CHECK(f->df == 2);
    }
    ts_glm_fit_free(f);
    unsigned char g1[N];
    for (size_t i = 0; i < N; i++)
        g1[i] = g[i] == 1;
    ts_glm_spec sd = {TS_GLM_LINEAR, vy, NULL, 0, px, 1, g1, 0.95};
    f = ts_glm_fit_new(d, &sd, NULL, &err);
    T_CHECK(f != NULL);
    if (f) {
        T_CHECK(same(f->beta[0], -0.47674418604651081, 1e-10) && same(f->beta[1], 1.1056201550387597, 1e-10));
        T_CHECK(same(f->se[0], 0.40223674746266097, 1e-8) && same(f->se[1], 0.056992083491293873, 1e-8));
        T_CHECK(f->df == 2);
    }
    ts_glm_fit_free(f);
    ts_err_clear(&err);
    ts_sample_free(d);
    ts_dataset_free(ds);
    T_DONE();
}
