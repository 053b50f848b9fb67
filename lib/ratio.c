/* ratio.c — see ratio.h. R survey 4.1's svyratio.survey.design2: the totals by svytotal,
 * R̂ = Ŷ/X̂, and the variance of the linearised variable r = (y − R̂x)/X̂ weighted by 1/π
 * through svyrecvar — here ts_sample_vcov, which also takes the calibration residuals as
 * R's postStrata argument does (Cochran 1977, §6.11; Binder 1983). With replicate weights,
 * svyratio.svyrep.design: the ratio of the replicate means of y and x over the domain's
 * answers under each replicate's weights, through svrVar (ts_replicate_vcov). */
#include "ratio.h"
#include "rdist.h"

#include <math.h>
#include <stdlib.h>

/* The rows of the ratio (the domain's answers to both) under one replicate's weights. */
typedef struct rep_ctx {
    const unsigned char *use;
    const ts_var *num, *den;
} rep_ctx;

/* R: svymean(cbind(y, x)) on the svyrep.design, each replicate's means colSums(w_r·y)/Σw_r,
 * and their ratio; NaN for a replicate that gives the domain no weight (svrVar leaves it out). */
static ts_status rep_ratio(const ts_sample *view, void *vctx, double *theta, ts_err *err)
{
    (void)err;
    const rep_ctx *c = vctx;
    long double sy = 0, sx = 0, sw = 0;
    for (size_t i = 0; i < view->n; i++)
        if (c->use[i]) {
            sw += view->w[i];
            sy += view->w[i] * ts_var_num(c->num, i);
            sx += view->w[i] * ts_var_num(c->den, i);
        }
    theta[0] = ((double)sy / (double)sw) / ((double)sx / (double)sw);
    return TS_OK;
}

ts_status ts_ratio_domain(const ts_sample *d, const ts_var *num, const ts_var *den, const unsigned char *in,
                          double level, int ci, ts_estimate *out, double *missing, ts_err *err)
{
    size_t n = d->n;
    unsigned char *dom = calloc(n ? n : 1, 1), *use = calloc(n ? n : 1, 1);
    double *z = calloc(n ? n : 1, sizeof *z);
    if (!dom || !use || !z) {
        free(dom);
        free(use);
        free(z);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    long double ty = 0, tx = 0, tw = 0;
    double nobs = 0, nmiss = 0;
    for (size_t i = 0; i < n; i++) {
        if ((in && !in[i]) || d->w[i] <= 0)
            continue;
        dom[i] = 1;
        if (ts_var_is_missing(num, i) || ts_var_is_missing(den, i)) {
            nmiss++;
            continue;
        }
        use[i] = 1;
        nobs++;
        tw += d->w[i];
        ty += d->w[i] * ts_var_num(num, i);
        tx += d->w[i] * ts_var_num(den, i);
    }
    *missing = nmiss;
    /* df as for means: the domain's PSUs minus strata, answered or not */
    double df = ts_sample_df(d, dom), X = (double)tx, ratio = (double)ty / X;
    *out = (ts_estimate){0, 0, nobs, NAN, (double)tw, NAN, NAN, NAN, NAN, df, NAN};
    ts_status st = TS_OK;
    if (d->rep && nobs > 0 && X != 0 && isfinite(ratio)) {
        /* R's full-sample ratio is of the two means, each over Σw */
        double W = (double)tw, v;
        ratio = ((double)ty / W) / (X / W);
        rep_ctx c = {use, num, den};
        if ((st = ts_replicate_vcov(d, rep_ratio, &c, &ratio, 1, &v, err)) == TS_OK) {
            /* no deff: R 4.1's svyratio.svyrep.design fails with deff = TRUE */
            out->estimate = ratio;
            out->se = v < 0 ? 0 : sqrt(v);
            if (ci) { /* confint(r, df = degf(sub)): qt, NaN on 0 df (a domain in one PSU) */
                double t = ts_rdist_qt(1 - (1 - level) / 2, df);
                out->lo = ratio - t * out->se;
                out->hi = ratio + t * out->se;
            }
        }
    } else if (nobs > 0 && X != 0 && isfinite(ratio)) {
        for (size_t i = 0; i < n; i++)
            if (use[i])
                z[i] = d->w[i] * (ts_var_num(num, i) - ratio * ts_var_num(den, i)) / X;
        /* deff (R: svyratio(deff = TRUE), i.e. deff(svytotal(r, design, deff = TRUE)) of
         * r = (y − R̂x)/X̂): its variance against SRS without replacement of n from Σw,
         * svyvar(r)·W²(W − n)/(W n). Before ts_sample_vcov, which overwrites Z. */
        double W = (double)tw, rbar = 0, s2 = 0;
        for (size_t i = 0; i < n; i++)
            if (use[i])
                rbar += z[i] / W; /* z = w r */
        for (size_t i = 0; i < n; i++)
            if (use[i]) {
                double e = z[i] / d->w[i] - rbar;
                s2 += d->w[i] * e * e;
            }
        double vsrs = s2 / W * nobs / (nobs - 1) * W * W * (W - nobs) / (W * nobs);
        double v;
        if ((st = ts_sample_vcov(d, z, 1, &v, err)) == TS_OK) {
            out->deff = v / vsrs;
            out->estimate = ratio;
            out->se = sqrt(v > 0 ? v : 0);
            if (ci) {
                /* NaN at df <= 0, as R's qt(p, 0) and the replicate branch above */
                double t = ts_rdist_qt(1 - (1 - level) / 2, df);
                out->lo = ratio - t * out->se;
                out->hi = ratio + t * out->se;
            }
        }
    }
    free(dom);
    free(use);
    free(z);
    return st;
}
