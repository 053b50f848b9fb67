/* estimate.c — see estimate.h. Formulas follow R survey 4.1: svymean / svytotal (influence
 * values, deff against SRS without replacement), svyciprop (logit, beta, mean = Wald,
 * xlogit), confint with the design's degrees of freedom, svychisq (Rao & Scott 1984). */
#include "estimate.h"
#include "rdist.h"

#include "betaquant.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ts_ci_method_name(ts_ci_method m)
{
    static const char *const names[] = {"logit", "beta", "wald", "xlogit", "wilson", "t", "none"};
    return names[m];
}

int ts_ci_method_parse(const char *s, ts_ci_method *out)
{
    static const char *const names[] = {"logit", "beta", "wald", "xlogit", "wilson", "t", "none"};
    for (int i = 0; i < 7; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (ts_ci_method)i;
            return 0;
        }
    if (strcmp(s, "korn-graubard") == 0 || strcmp(s, "clopper-pearson") == 0) {
        *out = TS_CI_BETA;
        return 0;
    }
    if (strcmp(s, "mean") == 0) {
        *out = TS_CI_WALD;
        return 0;
    }
    return -1;
}

/* t quantiles are ts_rdist_qt's, R's qt: normal when the df is infinite (R's confint with df =
 * Inf), NaN when it is 0 or less — so a design or domain with no degrees of freedom (as many
 * PSUs as strata) gets no interval, as in R, rather than a normal one R would not give. */

static double expit(double x) { return 1 / (1 + exp(-x)); }

/* ---- replicate weights ------------------------------------------------------------------
 * Means, shares and totals over the rows of one or two masks, re-estimated with each
 * replicate's weights (R's svymean / svytotal on a svyrep.design: colSums(w_r x)/sum(w_r)
 * over the rows of the domain, svyby subsetting the design to it), then R's svrVar
 * (ts_replicate_vcov). Y holds the K values of every row in a mask (n × K). */
typedef struct {
    const double *y;
    size_t k, nblock;
    const unsigned char *use[2];
    int total;
    int logit;          /* also logit θ of every estimate (the replicate fits of svyciprop's
                         * intercept-only svyglm, whose coefficient is exactly logit p_r) */
    long double *num;   /* k scratch sums */
} rep_lin;

static ts_status rep_lin_estimate(const ts_sample *view, void *ctx, double *theta, ts_err *err)
{
    (void)err;
    rep_lin *c = ctx;
    size_t k = c->k;
    for (size_t b = 0; b < c->nblock; b++) {
        long double den = 0;
        for (size_t j = 0; j < k; j++)
            c->num[j] = 0;
        for (size_t i = 0; i < view->n; i++) {
            if (!c->use[b][i] || view->w[i] == 0)
                continue;
            den += view->w[i];
            for (size_t j = 0; j < k; j++)
                c->num[j] += (long double)view->w[i] * c->y[i * k + j];
        }
        for (size_t j = 0; j < k; j++) {
            double t = c->total ? (double)c->num[j] : den > 0 ? (double)(c->num[j] / den) : NAN;
            theta[b * k + j] = t;
            if (c->logit)
                theta[c->nblock * k + b * k + j] = log(t / (1 - t));
        }
    }
    return TS_OK;
}

/* V (M × M, M = K·NBLOCK, or 2M with LOGIT: the logits' after the estimates') of the
 * estimates THETA_HAT by the replicates. */
static ts_status rep_lin_vcov(const ts_sample *d, const double *y, size_t k, const unsigned char *use_a,
                              const unsigned char *use_b, int total, int logit, const double *theta_hat, double *v,
                              ts_err *err)
{
    rep_lin c = {y, k, use_b ? 2 : 1, {use_a, use_b}, total, logit, malloc((k ? k : 1) * sizeof(long double))};
    size_t m = k * c.nblock * (logit ? 2 : 1);
    double *hat = malloc((m ? m : 1) * sizeof *hat);
    if (!c.num || !hat) {
        free(c.num);
        free(hat);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    for (size_t j = 0; j < k * c.nblock; j++) {
        hat[j] = theta_hat[j];
        if (logit)
            hat[k * c.nblock + j] = log(theta_hat[j] / (1 - theta_hat[j]));
    }
    ts_status st = ts_replicate_vcov(d, rep_lin_estimate, &c, hat, m, v, err);
    free(c.num);
    free(hat);
    return st;
}

/* Confidence interval of a proportion P with standard error SE (R: svyciprop). N_DESIGN is
 * nrow(design) for the Korn–Graubard effective sample size. SE_LOGIT, when not NaN, is the
 * standard error of logit P itself (replicate weights: svyglm's replicate fits), which the
 * logit interval then uses instead of the delta method's SE/(P(1−P)). */
static void prop_ci(ts_ci_method m, double p, double se, double se_logit, double df, double level, double n_design,
                    double *lo, double *hi)
{
    double a = 1 - level, t = ts_rdist_qt(1 - a / 2, df);
    *lo = *hi = NAN;
    switch (m) {
    case TS_CI_LOGIT:
    case TS_CI_XLOGIT: {
        /* At p = 0 or 1 logit p is infinite: the logit interval collapses to p (R's glm
         * ends within 1e-11 of it), the delta-method xlogit has none (R: NaN); nor has
         * either at df <= 0, where R's qt(p, 0), and so T, is NaN. */
        if (p <= 0 || p >= 1) {
            if (m == TS_CI_LOGIT && !isnan(t))
                *lo = *hi = p;
            return;
        }
        double l = log(p / (1 - p)), s = m == TS_CI_LOGIT && !isnan(se_logit) ? se_logit : se / (p * (1 - p));
        *lo = expit(l - t * s);
        *hi = expit(l + t * s);
        return;
    }
    case TS_CI_WALD:
    case TS_CI_T:
        *lo = p - t * se;
        *hi = p + t * se;
        return;
    case TS_CI_BETA: {
        /* Korn & Graubard (1998): effective n, adjusted by the ratio of t quantiles (R:
         * svyciprop method = "beta"). With no variance — a share of exactly 0 or 1 has none —
         * the effective n is 0/0 and the interval undefined (R: NaN, NaN). The quantiles
         * are lib/betaquant's: gsl_cdf_beta_Pinv gave NaN for ordinary shapes such as
         * (0.975, 216.5, 3791) and for the effective n of 1e19 a raked SE near 0 gives. */
        if (!(se > 0))
            return;
        double neff = p * (1 - p) / (se * se);
        double r = ts_rdist_qt(a / 2, n_design - 1) / ts_rdist_qt(a / 2, df);
        neff *= r * r;
        *lo = ts_betaquant_solve(a / 2, neff * p, neff * (1 - p) + 1);
        *hi = ts_betaquant_solve(1 - a / 2, neff * p + 1, neff * (1 - p));
        return;
    }
    case TS_CI_WILSON: {
        /* Wilson's score interval on the effective sample size p(1-p)/var, t on the design df;
         * undefined without variance, as the effective n is. */
        if (!(se > 0))
            return;
        double neff = p * (1 - p) / (se * se), t2 = t * t;
        double centre = (p + t2 / (2 * neff)) / (1 + t2 / neff);
        double half = t / (1 + t2 / neff) * sqrt(p * (1 - p) / neff + t2 / (4 * neff * neff));
        *lo = centre - half;
        *hi = centre + half;
        return;
    }
    case TS_CI_NONE:
        return;
    }
}

/* The K estimates of one domain into OUT from its sums: NOBS respondents, PSUM their weights,
 * THETA the estimates, NCAT the respondents per category, VAR[c·VSTRIDE] the variances, S2
 * the weighted sums of squares about the means (deff), DF, NROW (Korn–Graubard's nrow); VL
 * (stride VLSTRIDE), when not NULL, the variances of the replicates' logits. */
static void domain_outputs(ts_stat_kind kind, int numeric, const int32_t *codes, size_t k, double nobs, double psum,
                           const double *theta, const double *ncat, const double *var, size_t vstride,
                           const double *s2_c, double df, double nrow, const double *vl_c, size_t vlstride,
                           ts_ci_method ci, double level, ts_estimate *out)
{
    for (size_t c = 0; c < k; c++) {
        double s2 = s2_c[c];
        double svyvar = s2 / psum * nobs / (nobs - 1);
        double vsrs = kind == TS_STAT_TOTAL ? svyvar * psum * psum * (psum - nobs) / (psum * nobs)
                                         : svyvar * (psum - nobs) / (psum * nobs);
        double vc = var[c * vstride];
        ts_estimate *e = &out[c];
        *e = (ts_estimate){0};
        e->code = numeric ? 0 : codes[c];
        e->has_code = !numeric;
        e->n = nobs;
        e->n_cat = numeric ? NAN : ncat[c];
        e->weighted_n = psum;
        e->estimate = theta[c];
        e->se = sqrt(vc > 0 ? vc : 0);
        e->df = df;
        /* As R: infinite when the estimated population equals the sample (weights all 1). */
        e->deff = vc / vsrs;
        if (kind == TS_STAT_SHARE && !numeric) {
            /* A replicate whose share is 0 or 1 has an infinite logit (R's glm stops near ±30,
             * so its interval is (0, 1) up to 1e-12): the variance is infinite. */
            double vl = vl_c ? vl_c[c * vlstride] : NAN;
            double sl = !vl_c ? NAN : isnan(vl) || isinf(vl) ? INFINITY : sqrt(vl > 0 ? vl : 0);
            prop_ci(ci, e->estimate, e->se, sl, df, level, nrow, &e->lo, &e->hi);
        } else if (ci != TS_CI_NONE) {
            double t = ts_rdist_qt(1 - (1 - level) / 2, df);
            e->lo = e->estimate - t * e->se;
            e->hi = e->estimate + t * e->se;
        } else
            e->lo = e->hi = NAN;
    }
}

ts_status ts_estimate_domain(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes, size_t ncodes,
                          const unsigned char *in, ts_ci_method ci, double level, ts_estimate *out, double *missing,
                          ts_err *err)
{
    size_t n = d->n, k = (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER) && kind != TS_STAT_SHARE ? 1 : ncodes;
    if (k == 0)
        return TS_OK;
    int multi = var->type == TS_VAR_MULTI, numeric = k == 1 && (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER);
    ts_status st = TS_OK;
    long *bit = NULL;
    double *ynum = NULL;
    uint64_t *ymask = NULL;
    size_t *ycat = NULL;
    double *z = calloc(n * k, sizeof *z), *v = malloc(k * k * sizeof *v), *sum = calloc(k, sizeof *sum);
    double *sum2 = calloc(k, sizeof *sum2), *ncat = calloc(k, sizeof *ncat), *vlogit = NULL;
    unsigned char *use = calloc(n ? n : 1, 1), *dom = calloc(n ? n : 1, 1);
    if (!z || !v || !sum || !sum2 || !ncat || !use || !dom)
        goto nomem;
    if (multi) {
        if (!(bit = malloc(k * sizeof *bit)))
            goto nomem;
        for (size_t c = 0; c < k; c++)
            bit[c] = ts_var_code_index(var, codes[c]);
    }
    /* Each answering row's value decoded once (the loops below read it K times each): a
     * number, a multi's mask, or a single's category (its index in CODES; K: none of them). */
    if (numeric)
        ynum = malloc((n ? n : 1) * sizeof *ynum);
    else if (multi)
        ymask = malloc((n ? n : 1) * sizeof *ymask);
    else
        ycat = malloc((n ? n : 1) * sizeof *ycat);
    if (!ynum && !ymask && !ycat)
        goto nomem;
    /* y_ic: the value of column c for row i */
#define Y(i, c) (numeric ? ynum[i] : multi ? (double)((ymask[i] >> bit[c]) & 1) : (double)(ycat[i] == (c)))
    double psum = 0, nobs = 0, nmiss = 0;
    for (size_t i = 0; i < n; i++) {
        if ((in && !in[i]) || d->w[i] <= 0)
            continue;
        dom[i] = 1;
        if (ts_var_is_missing(var, i)) {
            nmiss++;
            continue;
        }
        if (numeric)
            ynum[i] = ts_var_num(var, i);
        else if (multi)
            ymask[i] = ts_var_mask(var, i);
        else {
            int64_t x = ts_var_int(var, i);
            size_t c = 0;
            while (c < k && x != codes[c])
                c++;
            ycat[i] = c;
        }
        use[i] = 1;
        psum += d->w[i];
        nobs++;
        for (size_t c = 0; c < k; c++) {
            double y = Y(i, c);
            sum[c] += d->w[i] * y;
            if (y != 0)
                ncat[c]++;
        }
    }
    *missing = nmiss;
    double df = ts_sample_df(d, dom);
    if (nobs == 0) {
        for (size_t c = 0; c < k; c++)
            out[c] = (ts_estimate){codes && !numeric ? codes[c] : 0, !numeric, 0, 0, 0, NAN, NAN, NAN, NAN, df, NAN};
        goto done;
    }
    double *theta = sum2; /* reuse: the estimates */
    for (size_t c = 0; c < k; c++)
        theta[c] = kind == TS_STAT_TOTAL ? sum[c] : sum[c] / psum;
    int rep_logit = d->rep && kind == TS_STAT_SHARE && !numeric && ci == TS_CI_LOGIT;
    if (d->rep) {
        /* replicate weights: the values themselves, re-estimated under every replicate */
        for (size_t i = 0; i < n; i++)
            if (use[i])
                for (size_t c = 0; c < k; c++)
                    z[i * k + c] = Y(i, c);
        if (rep_logit && !(vlogit = malloc(4 * k * k * sizeof *vlogit)))
            goto nomem;
        st = rep_lin_vcov(d, z, k, use, NULL, kind == TS_STAT_TOTAL, rep_logit, theta, rep_logit ? vlogit : v, err);
        if (st != TS_OK)
            goto done;
        if (rep_logit)
            for (size_t a = 0; a < k; a++)
                for (size_t b = 0; b < k; b++)
                    v[a * k + b] = vlogit[a * 2 * k + b];
    } else {
        /* influence values: means and shares w (y - θ) / Σw; totals w y */
        for (size_t i = 0; i < n; i++)
            if (use[i])
                for (size_t c = 0; c < k; c++)
                    z[i * k + c] = kind == TS_STAT_TOTAL ? d->w[i] * Y(i, c) : d->w[i] * (Y(i, c) - theta[c]) / psum;
        /* only the variances are reported: the diagonal, at K per PSU instead of K² */
        size_t *diag = malloc(k * sizeof *diag);
        double *var_c = malloc(k * sizeof *var_c);
        if (!diag || !var_c) {
            free(diag);
            free(var_c);
            goto nomem;
        }
        for (size_t c = 0; c < k; c++)
            diag[c] = c;
        st = ts_sample_vcov_pairs(d, z, k, k, diag, diag, var_c, err);
        for (size_t c = 0; c < k; c++)
            v[c * k + c] = var_c[c];
        free(diag);
        free(var_c);
        if (st != TS_OK)
            goto done;
    }
    /* deff: variance against SRS without replacement of nobs from psum (R: deff = TRUE); the
     * weighted sums of squares of every column in one pass over the rows (each column's in
     * row order, as a pass per column summed them) */
    double *mean_c = malloc(k * sizeof *mean_c), *s2_c = calloc(k, sizeof *s2_c);
    if (!mean_c || !s2_c) {
        free(mean_c);
        free(s2_c);
        goto nomem;
    }
    for (size_t c = 0; c < k; c++)
        mean_c[c] = sum[c] / psum;
    for (size_t i = 0; i < n; i++)
        if (use[i])
            for (size_t c = 0; c < k; c++) {
                double e = Y(i, c) - mean_c[c];
                s2_c[c] += d->w[i] * e * e;
            }
    /* nrow(design) for Korn–Graubard: the domain's rows (R subsets the design), or every row
     * of a calibrated design (R keeps them with zero weight) — but a replicate design's `[`
     * always subsets. */
    double nrow = 0;
    if (kind == TS_STAT_SHARE && !numeric)
        for (size_t i = 0; i < n; i++)
            nrow += d->cal != TS_SAMPLE_UNCALIBRATED && !d->rep ? d->w[i] > 0 : dom[i];
    domain_outputs(kind, numeric, codes, k, nobs, psum, theta, ncat, v, k + 1, s2_c, df, nrow,
                   rep_logit ? vlogit + k * 2 * k + k : NULL, 2 * k + 1, ci, level, out);
    free(mean_c);
    free(s2_c);
#undef Y
done:
    free(z);
    free(v);
    free(sum);
    free(sum2);
    free(ncat);
    free(vlogit);
    free(use);
    free(dom);
    free(bit);
    free(ynum);
    free(ymask);
    free(ycat);
    return st;
nomem:
    st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    goto done;
}

/* ---- every domain of a table at once -----------------------------------------------------
 * ts_estimate_domain per domain passes over every row for each one: a domain's calibration
 * residuals are non-zero on every row, not only on its own. Here one pass decodes each row and
 * sums every domain's estimates (a row is in 全体 and in at most one domain of the table), one
 * sums each domain's z/w by joint calibration cell, R's sweeps run once for all the columns,
 * and two passes take every column's residual of every row for the PSUs' mean and variance.
 * Every row's addend is formed with the same operations as ts_estimate_domain forms it; the
 * rows of one weight class whose addends are alike are summed as their count times the addend
 * (one rounding instead of one per row, so the last digits can differ from row-order sums:
 * at most 6e-12 relative on bench/tab.sh's million rows; docs/estimation.md, issue #17). For
 * the designs where that is simple: Taylor linearisation, no later
 * stages, every PSU one row of the design (unclustered, or one respondent per cluster),
 * uncalibrated or raked with R's sweeps on the joint table, and no stratum the lonely-PSU
 * rule refuses; ts_estimate_domains says 0 (and does nothing) for the others. */
typedef struct {
    double psum, nobs, nmiss, nskip, np, ns;
    size_t off;          /* its first column of the residual passes; SIZE_MAX: nobody answered */
} dom_sums;

static size_t index_of(const int32_t *lv, size_t n, int32_t c)
{
    for (size_t j = 0; j < n; j++)
        if (lv[j] == c)
            return j;
    return SIZE_MAX;
}

/* index_of for every code 0..255 into AT (255: not there, or an index past 254) */
static void index_table(const int32_t *lv, size_t n, unsigned char at[256])
{
    for (int c = 0; c < 256; c++) {
        size_t j = index_of(lv, n, c);
        at[c] = j < 255 ? (unsigned char)j : 255;
    }
}

/* index_of, through AT (index_table) when C is 0..255 and there */
static size_t index_in(const int32_t *lv, size_t n, const unsigned char at[256], int32_t c)
{
    return c >= 0 && c <= 255 && at[c] != 255 ? at[c] : index_of(lv, n, c);
}

/* ACC[col] += each class's sum over its rows of their addend in column COL (0 <= COL < M), for
 * the NC classes CLS: the class's count of rows with each addend times that addend. Q[g·M +
 * col]: the addend of a row of class g outside col's domain; lut: T[(g·M + col)·2 + y] that of
 * a row in it at y, CIN[(g·M + col)·2 + y] their count; otherwise CIN[g·ND + D] counts the
 * rows of class g in domain D (COLD: a column's domain), whose addends the caller adds row by
 * row. NG[g]: the class's rows. Class by class in CLS order, so the same bits on every run. */
static void class_sums(double *restrict acc, size_t M, const size_t *cls, size_t nc, const double *ng,
                       const double *cin, int lut, size_t nd, const size_t *colD, const double *Q, const double *T)
{
    for (size_t x = 0; x < nc; x++) {
        size_t g = cls[x];
        const double *q = Q + g * M;
        if (lut) {
            const double *t = T + g * M * 2, *n = cin + g * M * 2;
            for (size_t col = 0; col < M; col++) {
                double in0 = n[2 * col], in1 = n[2 * col + 1], out = ng[g] - in0 - in1;
                acc[col] += out * q[col] + in0 * t[2 * col] + in1 * t[2 * col + 1];
            }
        } else {
            const double *n = cin + g * nd;
            for (size_t col = 0; col < M; col++)
                acc[col] += (ng[g] - n[colD[col]]) * q[col];
        }
    }
}

int ts_estimate_domains_apply(const ts_sample *d)
{
    if (d->rep || d->nlater > 0 || (d->cal != TS_SAMPLE_UNCALIBRATED && d->cal != TS_SAMPLE_RAKED))
        return 0;
    if (d->cal == TS_SAMPLE_RAKED && ts_sample_joint_cells(d) == 0)
        return 0;
    for (size_t h = 0; h < d->nstrata; h++) {
        size_t nh = d->psu_count[h];
        double f = isinf(d->popsize[h]) ? 1 : (d->popsize[h] - (double)nh) / d->popsize[h];
        if (nh == 1 && f >= 1e-7 && d->lonely == TS_LONELY_FAIL)
            return 0; /* ts_sample_vcov's error, from ts_estimate_domain */
    }
    return d->own_order != NULL;
}

ts_status ts_estimate_domains(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes,
                              size_t ncodes, const size_t *dom_of, size_t ndom, ts_ci_method ci, double level,
                              ts_estimate *const *out, double *missing, double *skipped, ts_err *err)
{
    size_t n = d->n, k = (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER) && kind != TS_STAT_SHARE ? 1 : ncodes;
    if (k == 0)
        return TS_OK;
    int multi = var->type == TS_VAR_MULTI, numeric = k == 1 && (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER);
    int raked = d->cal == TS_SAMPLE_RAKED, total = kind == TS_STAT_TOTAL;
    size_t nd = ndom + 1, J = raked ? ts_sample_joint_cells(d) : 1, M = 0;
    ts_status st = TS_OK;
    dom_sums *ds = calloc(nd, sizeof *ds);
    double *sum = calloc(nd * k, sizeof *sum), *ncat = calloc(nd * k, sizeof *ncat), *theta = calloc(nd * k, sizeof *theta);
    double *s2 = calloc(nd * k, sizeof *s2);
    unsigned char *sseen = calloc(nd * (d->nstrata ? d->nstrata : 1), 1), *use = calloc(n ? n : 1, 1);
    const size_t *order = d->own_order, *first = d->own_first;
    const uint32_t *cell = d->joint_cell;
    long *bit = multi ? malloc(k * sizeof *bit) : NULL;
    double *ynum = NULL, *cnt = NULL, *S = NULL, *adj = NULL, *mean = NULL, *V = NULL, *r = NULL, *Q = NULL;
    double *TB = NULL, *TE = NULL, *T = NULL, *ng = NULL, *cin = NULL;
    size_t *colD = NULL;
    uint64_t *ymask = NULL;
    size_t *ycat = NULL;
    if (!ds || !sum || !ncat || !theta || !s2 || !sseen || !use || (multi && !bit))
        goto nomem;
    if (numeric)
        ynum = malloc((n ? n : 1) * sizeof *ynum);
    else if (multi)
        ymask = malloc((n ? n : 1) * sizeof *ymask);
    else
        ycat = malloc((n ? n : 1) * sizeof *ycat);
    if (!ynum && !ymask && !ycat)
        goto nomem;
    for (size_t c = 0; multi && c < k; c++)
        bit[c] = ts_var_code_index(var, codes[c]);
    /* a single variable's code -> its column, codes 0..255 through a table (index_table) */
    unsigned char col_of[256];
    if (!numeric && !multi)
        index_table(codes, k, col_of);
#define Y(i, c) (numeric ? ynum[i] : multi ? (double)((ymask[i] >> bit[c]) & 1) : (double)(ycat[i] == (c)))
    /* each row decoded once; every domain's sums as ts_estimate_domain's first loop takes them */
    for (size_t i = 0; i < n; i++) {
        if (d->w[i] <= 0)
            continue;
        size_t dd[2] = {0, dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1};
        int miss = ts_var_is_missing(var, i), skip = miss && ts_var_is_skipped(var, i);
        if (!miss) {
            if (numeric)
                ynum[i] = ts_var_num(var, i);
            else if (multi)
                ymask[i] = ts_var_mask(var, i);
            else {
                int64_t x = ts_var_int(var, i);
                size_t c = x >= INT32_MIN && x <= INT32_MAX ? index_in(codes, k, col_of, (int32_t)x) : SIZE_MAX;
                ycat[i] = c == SIZE_MAX ? k : c; /* k: none of the codes */
            }
            use[i] = 1;
        }
        for (int s = 0; s < 2; s++) {
            if (dd[s] == SIZE_MAX)
                continue;
            dom_sums *a = &ds[dd[s]];
            unsigned char *seen = &sseen[dd[s] * d->nstrata + d->stratum[i]];
            a->np++; /* every PSU one row: the domain's PSUs are its rows */
            if (!*seen) {
                *seen = 1;
                a->ns++;
            }
            if (miss) {
                a->nmiss++;
                a->nskip += skip;
                continue;
            }
            a->psum += d->w[i];
            a->nobs++;
            double *sm = sum + dd[s] * k, *nc = ncat + dd[s] * k;
            if (ycat && isfinite(d->w[i])) {
                /* y is 0 in every other column, where w·0 = +0 leaves the sum as it is */
                if (ycat[i] < k) {
                    sm[ycat[i]] += d->w[i];
                    nc[ycat[i]]++;
                }
                continue;
            }
            for (size_t c = 0; c < k; c++) {
                double y = Y(i, c);
                sm[c] += d->w[i] * y;
                if (y != 0)
                    nc[c]++;
            }
        }
    }
    for (size_t D = 0; D < nd; D++) {
        dom_sums *a = &ds[D];
        missing[D] = a->nmiss;
        if (skipped)
            skipped[D] = a->nskip;
        a->off = SIZE_MAX;
        double df = a->np - a->ns;
        if (a->nobs == 0) {
            for (size_t c = 0; c < k; c++)
                out[D][c] = (ts_estimate){codes && !numeric ? codes[c] : 0, !numeric, 0, 0, 0, NAN, NAN, NAN, NAN, df, NAN};
            continue;
        }
        a->off = M;
        M += k;
        for (size_t c = 0; c < k; c++)
            theta[D * k + c] = total ? sum[D * k + c] : sum[D * k + c] / a->psum;
    }
    if (M == 0)
        goto done;
    /* the influence value of row I in column C of domain D (0 outside it) */
#define Z(i, D, c) (total ? d->w[i] * Y(i, c) : d->w[i] * (Y(i, c) - theta[(D) * k + (c)]) / ds[D].psum)
    if (raked) {
        cnt = calloc(J, sizeof *cnt);
        S = calloc(J * M, sizeof *S);
        adj = malloc(J * M * sizeof *adj);
        if (!cnt || !S || !adj)
            goto nomem;
        for (size_t i = 0; i < n; i++)
            if (cell[i] != UINT32_MAX)
                cnt[cell[i]]++;
    }
    /* Weight classes (below): with a coded variable a row's own columns take one of two
     * values per class too, y = 0 or 1 — formed once per class, column and y in TB (z/w), TE
     * (the design effect's w·e²) and T (the residuals' addends). */
    size_t G = raked ? (d->nwclass && d->nwclass <= ((size_t)1 << 22) / M ? d->nwclass : 0) : d->nstrata;
    int lut = raked && G && !numeric && G <= ((size_t)1 << 20) / M;
    if (G) {
        if (!(colD = malloc(M * sizeof *colD)))
            goto nomem;
        for (size_t D = 0; D < nd; D++)
            for (size_t c = 0; ds[D].off != SIZE_MAX && c < k; c++)
                colD[ds[D].off + c] = D;
    }
    if (lut) {
        TB = malloc(G * M * 2 * sizeof *TB);
        TE = malloc(G * M * 2 * sizeof *TE);
        T = malloc(G * M * 2 * sizeof *T);
        if (!TB || !TE || !T)
            goto nomem;
        for (size_t g = 0; g < G; g++)
            for (size_t col = 0; col < M; col++)
                for (int y = 0; y < 2; y++) {
                    size_t D = colD[col], c = col - ds[D].off, x = (g * M + col) * 2 + (size_t)y;
                    double w = d->wclass_w[g], yd = (double)y;
                    double z = total ? w * yd : w * (yd - theta[D * k + c]) / ds[D].psum;
                    double e = yd - sum[D * k + c] / ds[D].psum;
                    TB[x] = z / d->wclass_wcal[g];
                    TE[x] = w * e * e;
                }
    }
    /* a coded row's y (0 or 1) in column C */
#define YB(i, c) (multi ? (size_t)((ymask[i] >> bit[c]) & 1) : (size_t)(ycat[i] == (c)))
    /* each class's rows: NG in all; lut: CIN in each column's domain at y; otherwise CIN in
     * each domain (class_sums, below) */
    if (G) {
        ng = calloc(G, sizeof *ng);
        cin = calloc(lut ? G * M * 2 : G * nd, sizeof *cin);
        if (!ng || !cin)
            goto nomem;
        for (size_t h = 0; h < d->nstrata; h++)
            for (size_t o = first[h]; o < first[h + 1]; o++) {
                size_t i = order[o], g = raked ? d->wclass[i] : h;
                ng[g]++;
                if (!use[i])
                    continue;
                size_t D = dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1;
                if (!lut) {
                    cin[g * nd]++;
                    if (D != SIZE_MAX)
                        cin[g * nd + D]++;
                    continue;
                }
                double *c0 = cin + g * M * 2, *c1 = D == SIZE_MAX ? NULL : c0 + ds[D].off * 2;
                for (size_t c = 0; c < k; c++) {
                    size_t y = YB(i, c);
                    c0[2 * c + y]++;
                    if (c1)
                        c1[2 * c + y]++;
                }
            }
    }
    /* the sums of z/w by joint cell (a row's own domains only: the others' z is 0 there) and
     * the design effects' sums of squares; lut: a class's rows in a column's domain at y add
     * alike, so as their count times the addend */
    for (size_t g = 0; lut && g < G; g++)
        for (size_t col = 0; col < M; col++)
            for (size_t y = 0; y < 2; y++) {
                size_t x = (g * M + col) * 2 + y, D = colD[col];
                if (cin[x] == 0)
                    continue;
                S[(size_t)d->wclass_cell[g] * M + col] += cin[x] * TB[x];
                s2[D * k + col - ds[D].off] += cin[x] * TE[x];
            }
    for (size_t i = 0; !lut && i < n; i++) {
        if (!use[i])
            continue;
        size_t dd[2] = {0, dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1};
        for (int s = 0; s < 2; s++) {
            size_t D = dd[s];
            if (D == SIZE_MAX)
                continue;
            double *sj = raked ? S + cell[i] * M + ds[D].off : NULL, *q = s2 + D * k;
            for (size_t c = 0; c < k; c++) {
                if (raked)
                    sj[c] += Z(i, D, c) / d->wcal[i];
                double e = Y(i, c) - sum[D * k + c] / ds[D].psum;
                q[c] += d->w[i] * e * e;
            }
        }
    }
    if (raked && ts_sample_rake_adjust(d, J, cnt, S, M, M, adj) != 0)
        goto nomem;
    mean = malloc(M * sizeof *mean);
    V = calloc(M, sizeof *V);
    r = malloc(M * sizeof *r);
    if (!mean || !V || !r)
        goto nomem;
    /* Rows of one weight class (stratum, joint cell, calibrated weight; uncalibrated: the
     * stratum) have the same residual in every column whose domain they are not in (there their
     * influence value is 0: the residual is 0 − w·adj, or 0), and with a coded variable one of
     * two in their own columns (y = 0 or 1). So each class's addends to the columns' means and
     * variances are formed once, and a column's sum over a class's rows is the class's count of
     * rows with that addend times it (counted once per run, above: NG rows in all, CIN in the
     * column's domain at y; numeric: CIN in each domain). A numeric row's own columns (全体's
     * and its domain's) are formed from its values and added in row order. Without classes (too
     * many) every column is formed row by row. */
    if (G && !(Q = malloc(G * M * sizeof *Q)))
        goto nomem;
    size_t *gfirst = NULL, *glist = NULL;
    if (G) {
        gfirst = calloc(d->nstrata + 1, sizeof *gfirst);
        glist = malloc(G * sizeof *glist);
        if (!gfirst || !glist) {
            free(gfirst);
            free(glist);
            goto nomem;
        }
        for (size_t g = 0; g < G; g++)
            gfirst[(raked ? d->wclass_stratum[g] : g) + 1]++;
        for (size_t h = 0; h < d->nstrata; h++)
            gfirst[h + 1] += gfirst[h];
        size_t *fill = calloc(d->nstrata ? d->nstrata : 1, sizeof *fill);
        if (!fill) {
            free(gfirst);
            free(glist);
            goto nomem;
        }
        for (size_t g = 0; g < G; g++) {
            size_t h = raked ? d->wclass_stratum[g] : g;
            glist[gfirst[h] + fill[h]++] = g;
        }
        free(fill);
    }
    /* class G's residual in column COL of a domain its rows are not in */
#define ROUT(g, col) (raked ? 0.0 - d->wclass_wcal[g] * adj[d->wclass_cell[g] * M + (col)] : 0.0)
    /* row I's residual in column COL = OFF + C of its own domain D */
#define RDIRECT(i, D, c, col) (raked ? Z(i, D, c) - d->wcal[i] * adj[cell[i] * M + (col)] : Z(i, D, c))
    /* class G's residual in column COL of its own domain at y (lut) */
#define RLUT(g, col, y)                                                                                        \
    ((total ? d->wclass_w[g] * (double)(y)                                                                     \
            : d->wclass_w[g] * ((double)(y) - theta[colD[col] * k + (col) - ds[colD[col]].off]) /              \
                  ds[colD[col]].psum) -                                                                        \
     d->wclass_wcal[g] * adj[d->wclass_cell[g] * M + (col)])
    /* row I's residual in every column into r (no classes) */
#define RESIDUALS(i)                                                                                           \
    do {                                                                                                       \
        const double *aj = raked ? adj + cell[i] * M : NULL;                                                   \
        double wc = d->wcal[i];                                                                                \
        if (raked)                                                                                             \
            for (size_t col = 0; col < M; col++)                                                               \
                r[col] = 0.0 - wc * aj[col];                                                                   \
        else                                                                                                   \
            for (size_t col = 0; col < M; col++)                                                               \
                r[col] = 0.0;                                                                                  \
        if (use[i]) {                                                                                          \
            size_t dd[2] = {0, dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1};                              \
            for (int s = 0; s < 2; s++)                                                                        \
                if (dd[s] != SIZE_MAX)                                                                         \
                    for (size_t c = 0, col = ds[dd[s]].off; c < k; c++, col++)                                 \
                        r[col] = RDIRECT(i, dd[s], c, col);                                                    \
        }                                                                                                      \
    } while (0)
    for (size_t h = 0; h < d->nstrata; h++) {
        size_t nh = d->psu_count[h];
        if (nh == 0)
            continue;
        double f = isinf(d->popsize[h]) ? 1 : (d->popsize[h] - (double)nh) / d->popsize[h];
        if (f < 1e-7)
            continue; /* a census stratum: no sampling variance */
        double scale = nh > 1 ? f * (double)nh / (double)(nh - 1) : f;
        int centre = !(nh == 1 && d->lonely == TS_LONELY_ADJUST);
        for (size_t col = 0; col < M; col++)
            mean[col] = 0;
        if (!G) {
            for (size_t o = first[h]; o < first[h + 1]; o++) {
                RESIDUALS(order[o]);
                for (size_t col = 0; col < M; col++)
                    mean[col] += r[col] / (double)nh;
            }
            for (size_t o = first[h]; o < first[h + 1]; o++) {
                RESIDUALS(order[o]);
                for (size_t col = 0; col < M; col++) {
                    double dev = r[col] - (centre ? mean[col] : 0), sdev = scale * dev;
                    V[col] += sdev * dev;
                }
            }
            continue;
        }
        for (size_t x = gfirst[h]; x < gfirst[h + 1]; x++)
            for (size_t g = glist[x], col = 0; col < M; col++)
                Q[g * M + col] = ROUT(g, col) / (double)nh;
        for (size_t x = gfirst[h]; lut && x < gfirst[h + 1]; x++)
            for (size_t g = glist[x], col = 0; col < M; col++)
                for (int y = 0; y < 2; y++)
                    T[(g * M + col) * 2 + (size_t)y] = RLUT(g, col, y) / (double)nh;
        class_sums(mean, M, glist + gfirst[h], gfirst[h + 1] - gfirst[h], ng, cin, lut, nd, colD, Q, T);
        for (size_t o = first[h]; !lut && o < first[h + 1]; o++) {
            size_t i = order[o];
            if (!use[i])
                continue;
            size_t D = dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1;
            for (size_t c = 0; c < k; c++)
                mean[c] += RDIRECT(i, 0, c, c) / (double)nh;
            for (size_t c = 0, off = D == SIZE_MAX ? 0 : ds[D].off; D != SIZE_MAX && c < k; c++)
                mean[off + c] += RDIRECT(i, D, c, off + c) / (double)nh;
        }
        for (size_t x = gfirst[h]; x < gfirst[h + 1]; x++)
            for (size_t g = glist[x], col = 0; col < M; col++) {
                double dev = ROUT(g, col) - (centre ? mean[col] : 0), sdev = scale * dev;
                Q[g * M + col] = sdev * dev;
            }
        for (size_t x = gfirst[h]; lut && x < gfirst[h + 1]; x++)
            for (size_t g = glist[x], col = 0; col < M; col++)
                for (int y = 0; y < 2; y++) {
                    double dev = RLUT(g, col, y) - (centre ? mean[col] : 0), sdev = scale * dev;
                    T[(g * M + col) * 2 + (size_t)y] = sdev * dev;
                }
        class_sums(V, M, glist + gfirst[h], gfirst[h + 1] - gfirst[h], ng, cin, lut, nd, colD, Q, T);
        for (size_t o = first[h]; !lut && o < first[h + 1]; o++) {
            size_t i = order[o];
            if (!use[i])
                continue;
            size_t D = dom_of[i] == SIZE_MAX ? SIZE_MAX : dom_of[i] + 1;
            for (size_t c = 0; c < k; c++) {
                double dev = RDIRECT(i, 0, c, c) - (centre ? mean[c] : 0), sdev = scale * dev;
                V[c] += sdev * dev;
            }
            for (size_t c = 0, off = D == SIZE_MAX ? 0 : ds[D].off; D != SIZE_MAX && c < k; c++) {
                double dev = RDIRECT(i, D, c, off + c) - (centre ? mean[off + c] : 0), sdev = scale * dev;
                V[off + c] += sdev * dev;
            }
        }
    }
    free(gfirst);
    free(glist);
#undef RESIDUALS
#undef RDIRECT
#undef RLUT
#undef ROUT
#undef YB
#undef Z
    double nrow_all = 0;
    if (kind == TS_STAT_SHARE && !numeric && d->cal != TS_SAMPLE_UNCALIBRATED)
        for (size_t i = 0; i < n; i++)
            nrow_all += d->w[i] > 0;
    for (size_t D = 0; D < nd; D++) {
        dom_sums *a = &ds[D];
        if (a->off == SIZE_MAX)
            continue;
        double nrow = kind == TS_STAT_SHARE && !numeric ? d->cal != TS_SAMPLE_UNCALIBRATED ? nrow_all : a->np : 0;
        domain_outputs(kind, numeric, codes, k, a->nobs, a->psum, theta + D * k, ncat + D * k, V + a->off, 1,
                       s2 + D * k, a->np - a->ns, nrow, NULL, 0, ci, level, out[D]);
    }
#undef Y
done:
    free(ds);
    free(sum);
    free(ncat);
    free(theta);
    free(s2);
    free(sseen);
    free(use);
    free(bit);
    free(ynum);
    free(ymask);
    free(ycat);
    free(cnt);
    free(S);
    free(adj);
    free(mean);
    free(V);
    free(r);
    free(Q);
    free(TB);
    free(TE);
    free(T);
    free(colD);
    free(ng);
    free(cin);
    return st;
nomem:
    st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    goto done;
}

/* The influence values of VAR's K estimates in the domain IN (NULL: every row) into columns
 * COL..COL+K-1 of Z (row stride LD), as ts_estimate_domain forms them (means and shares
 * w (y − θ)/Σw, totals w y), and the estimates into THETA. Returns the respondents counted. */
static double domain_influence(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes, size_t k,
                               const long *bit, const unsigned char *in, double *z, size_t ld, size_t col, double *theta)
{
    int multi = var->type == TS_VAR_MULTI, numeric = k == 1 && (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER);
#define Y(i, c) (numeric ? ts_var_num(var, i)                                                   \
                 : multi ? (double)((ts_var_mask(var, i) >> bit[c]) & 1)                        \
                         : (double)(ts_var_int(var, i) == codes[c]))
#define USE(i) ((!in || in[i]) && d->w[i] > 0 && !ts_var_is_missing(var, i))
    double psum = 0, nobs = 0;
    for (size_t c = 0; c < k; c++)
        theta[c] = 0;
    for (size_t i = 0; i < d->n; i++)
        if (USE(i)) {
            psum += d->w[i];
            nobs++;
            for (size_t c = 0; c < k; c++)
                theta[c] += d->w[i] * Y(i, c);
        }
    for (size_t c = 0; c < k; c++)
        theta[c] = nobs == 0 ? NAN : kind == TS_STAT_TOTAL ? theta[c] : theta[c] / psum;
    for (size_t i = 0; i < d->n && nobs > 0; i++)
        if (USE(i))
            for (size_t c = 0; c < k; c++)
                z[i * ld + col + c] = kind == TS_STAT_TOTAL ? d->w[i] * Y(i, c) : d->w[i] * (Y(i, c) - theta[c]) / psum;
#undef USE
#undef Y
    return nobs;
}

ts_status ts_estimate_difference(const ts_sample *d, const ts_var *var, ts_stat_kind kind, const int32_t *codes,
                                 size_t ncodes, const unsigned char *in_a, const unsigned char *in_b, int ci,
                                 double level, ts_estimate *out, double *p, ts_err *err)
{
    size_t n = d->n, k = (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER) && kind != TS_STAT_SHARE ? 1 : ncodes;
    if (k == 0)
        return TS_OK;
    int numeric = k == 1 && (var->type == TS_VAR_NUMERIC || var->type == TS_VAR_INTEGER);
    size_t m = 2 * k;
    ts_status st = TS_OK;
    double *z = calloc(n * m > 0 ? n * m : 1, sizeof *z), *v = malloc(m * m * sizeof *v), *theta = malloc(m * sizeof *theta);
    long *bit = malloc(k * sizeof *bit);
    if (!z || !v || !theta || !bit) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < k; c++)
        bit[c] = var->type == TS_VAR_MULTI ? ts_var_code_index(var, codes[c]) : 0;
    double na = domain_influence(d, var, kind, codes, k, bit, in_a, z, m, 0, theta);
    double nb = domain_influence(d, var, kind, codes, k, bit, in_b, z, m, k, theta + k);
    /* the whole design's df: both domains are estimated on it (svyby hands FUN subsets of one design) */
    double df = ts_sample_df(d, NULL);
    if (na > 0 && nb > 0 && d->rep) {
        /* replicate weights: both domains' estimates under every replicate (R: svyby(...,
         * covmat = TRUE) on a svyrep.design, whose covariance comes from the replicates) */
        unsigned char *ua = calloc(n ? n : 1, 1), *ub = calloc(n ? n : 1, 1);
        double *y = calloc(n && k ? n * k : 1, sizeof *y);
        if (!ua || !ub || !y)
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        for (size_t i = 0; st == TS_OK && i < n; i++) {
            if (!(d->w[i] > 0) || ts_var_is_missing(var, i))
                continue;
            ua[i] = !in_a || in_a[i];
            ub[i] = !in_b || in_b[i];
            for (size_t c = 0; c < k; c++)
                y[i * k + c] = numeric ? ts_var_num(var, i)
                               : var->type == TS_VAR_MULTI ? (double)((ts_var_mask(var, i) >> bit[c]) & 1)
                                                          : (double)(ts_var_int(var, i) == codes[c]);
        }
        if (st == TS_OK)
            st = rep_lin_vcov(d, y, k, ua, ub, kind == TS_STAT_TOTAL, 0, theta, v, err);
        free(ua);
        free(ub);
        free(y);
        if (st != TS_OK)
            goto done;
    } else if (na > 0 && nb > 0) {
        /* the three entries a difference's variance takes: V_AA, V_BB, V_AB per estimate */
        size_t *pa = malloc(3 * k * sizeof *pa), *pb = malloc(3 * k * sizeof *pb);
        double *got = malloc(3 * k * sizeof *got);
        st = pa && pb && got ? TS_OK : ts_err_set(err, TS_E_NOMEM, "out of memory");
        for (size_t c = 0; st == TS_OK && c < k; c++) {
            pa[3 * c] = pb[3 * c] = c;
            pa[3 * c + 1] = pb[3 * c + 1] = k + c;
            pa[3 * c + 2] = c;
            pb[3 * c + 2] = k + c;
        }
        if (st == TS_OK && (st = ts_sample_vcov_pairs(d, z, m, 3 * k, pa, pb, got, err)) == TS_OK)
            for (size_t c = 0; c < k; c++) {
                v[c * m + c] = got[3 * c];
                v[(k + c) * m + k + c] = got[3 * c + 1];
                v[c * m + k + c] = got[3 * c + 2];
            }
        free(pa);
        free(pb);
        free(got);
        if (st != TS_OK)
            goto done;
    }
    double t = ts_rdist_qt(1 - (1 - level) / 2, df);
    for (size_t c = 0; c < k; c++) {
        ts_estimate *e = &out[c];
        *e = (ts_estimate){numeric ? 0 : codes[c], !numeric, NAN, NAN, NAN, NAN, NAN, NAN, NAN, df, NAN};
        p[c] = NAN;
        if (!(na > 0 && nb > 0))
            continue;
        double var_d = v[c * m + c] + v[(k + c) * m + k + c] - 2 * v[c * m + k + c];
        e->estimate = theta[c] - theta[k + c];
        e->se = sqrt(var_d > 0 ? var_d : 0);
        if (ci) {
            e->lo = e->estimate - t * e->se;
            e->hi = e->estimate + t * e->se;
        }
        /* t = estimate / se on the design df, two-sided (R: 2 * pt(-|t|, degf(design))) */
        if (e->se > 0) {
            double tt = fabs(e->estimate) / e->se;
            p[c] = 2 * ts_rdist_pt_upper(tt, df); /* NaN on df <= 0, as R's pt; the normal tail on infinite df */
        }
    }
done:
    free(z);
    free(v);
    free(theta);
    free(bit);
    return st;
}

/* Each row's code of V (ts_var_int), TS_MISSING_INT when missing or outside the design, into
 * X: decoded once for levels_of and cell_shares. */
static void codes_of(const ts_sample *d, const ts_var *v, int64_t *x)
{
    for (size_t i = 0; i < d->n; i++)
        x[i] = d->w[i] <= 0 || ts_var_is_missing(v, i) ? TS_MISSING_INT : ts_var_int(v, i);
}

/* Sorted distinct codes X (codes_of) among rows in the design. */
static size_t levels_of(const ts_sample *d, const int64_t *x, int32_t **out)
{
    int32_t *lv = NULL;
    size_t n = 0;
    unsigned char seen[256] = {0}; /* codes 0..255 already in LV: no search for them */
    for (size_t i = 0; i < d->n; i++) {
        if (x[i] == TS_MISSING_INT)
            continue;
        int32_t c = (int32_t)x[i];
        if (c >= 0 && c <= 255) {
            if (seen[c])
                continue;
            seen[c] = 1;
        }
        size_t j = 0;
        while (j < n && lv[j] < c)
            j++;
        if (j < n && lv[j] == c)
            continue;
        int32_t *nl = realloc(lv, (n + 1) * sizeof *nl);
        if (!nl) {
            free(lv);
            *out = NULL;
            return SIZE_MAX;
        }
        lv = nl;
        memmove(lv + j + 1, lv + j, (n - j) * sizeof *lv);
        lv[j] = c;
        n++;
    }
    *out = lv;
    return n;
}

/* V += N[x]·U[x]·T[x]ᵀ (K × K) for each pair FROM <= x < TO that has rows (N[x] > 0): the sum over
 * a (class, cell) pair's rows of their addends SDEV·DEVᵀ, which are alike, as the pair's count of
 * rows times the addend. Pair by pair in order, so the same bits on every run. */
static void outer_sums(double *restrict v, size_t K, const double *n, const double *t, const double *u, size_t from,
                       size_t to)
{
    for (size_t x = from; x < to; x++) {
        if (n[x] == 0)
            continue;
        const double *restrict sdev = u + x * K, *restrict dev = t + x * K;
        for (size_t a = 0; a < K; a++) {
            double s = n[x] * sdev[a];
            double *restrict row = v + a * K;
            for (size_t b = 0; b < K; b++)
                row[b] += s * dev[b];
        }
    }
}

/* Whether cell_vcov_by_class applies to a table of K cells: a design ts_estimate_domains can
 * do, raked with weight classes, and few enough classes × cells. */
static int cells_by_class(const ts_sample *d, size_t K)
{
    return d->cal == TS_SAMPLE_RAKED && d->nwclass > 0 && d->nwclass <= ((size_t)1 << 21) / (K + 1) / (K ? K : 1) &&
           ts_estimate_domains_apply(d);
}

/* ts_sample_vcov of the cell indicators' influence values w·(1[cell = j] − p_j)/W, for
 * cells_by_class designs, without the n × K matrix: a row's influence values, and so its
 * calibration residuals, are those of every row of its weight class in its cell, so each
 * (class, cell) pair's are formed once — with the same operations as ts_sample_vcov forms
 * each row's — and each sum over rows is a sum over pairs of the pair's count of rows times
 * its value (issue #17: pairs × K² products instead of rows × K²). Returns 0, or -1 when
 * memory runs out. */
static int cell_vcov_by_class(const ts_sample *d, const size_t *cell, size_t K, const double *p, double W, double *v)
{
    size_t n = d->n, G = d->nwclass, K1 = K + 1, J = d->njoint;
    const uint32_t *jc = d->joint_cell;
    /* per (class, cell or K: none): the rows' z/w, then their residuals' addends */
    double *t = malloc(G * K1 * K * sizeof *t), *u = malloc(G * K1 * K * sizeof *u);
    double *cnt = calloc(J, sizeof *cnt), *S = calloc(J * K, sizeof *S), *adj = malloc(J * K * sizeof *adj);
    double *mean = malloc(K * sizeof *mean), *np = calloc(G * K1, sizeof *np);
    const size_t *order = d->own_order, *first = d->own_first;
    int rc = -1;
    if (!t || !u || !cnt || !S || !adj || !mean || !np)
        goto out;
#define PAIR(i) ((size_t)d->wclass[i] * K1 + (cell[i] == SIZE_MAX ? K : cell[i]))
    for (size_t h = 0; h < d->nstrata; h++) /* every row of the design, in a pair */
        for (size_t o = first[h]; o < first[h + 1]; o++)
            np[PAIR(order[o])]++;
    /* z_j = w (1[cell = j] − p_j) / W, and its sum z/w by joint cell (rows with a cell: the
     * others' z is 0) */
    for (size_t g = 0; g < G; g++)
        for (size_t c = 0; c < K; c++)
            for (size_t j = 0; j < K; j++)
                t[(g * K1 + c) * K + j] = d->wclass_w[g] * ((c == j) - p[j]) / W / d->wclass_wcal[g];
    for (size_t i = 0; i < n; i++) {
        if (jc[i] == UINT32_MAX)
            continue;
        cnt[jc[i]]++;
        if (cell[i] == SIZE_MAX)
            continue;
        const double *q = t + PAIR(i) * K;
        double *sj = S + (size_t)jc[i] * K;
        for (size_t j = 0; j < K; j++)
            sj[j] += q[j];
    }
    if (ts_sample_rake_adjust(d, J, cnt, S, K, K, adj) != 0)
        goto out;
    /* the residuals z − w·adj of every (class, cell) pair into t */
    for (size_t g = 0; g < G; g++)
        for (size_t c = 0; c < K1; c++)
            for (size_t j = 0; j < K; j++) {
                double z = c == K ? 0.0 : d->wclass_w[g] * ((c == j) - p[j]) / W;
                t[(g * K1 + c) * K + j] = z - d->wclass_wcal[g] * adj[(size_t)d->wclass_cell[g] * K + j];
            }
    memset(v, 0, K * K * sizeof *v);
    for (size_t h = 0; h < d->nstrata; h++) {
        size_t nh = d->psu_count[h];
        if (nh == 0)
            continue;
        double f = isinf(d->popsize[h]) ? 1 : (d->popsize[h] - (double)nh) / d->popsize[h];
        if (f < 1e-7)
            continue; /* a census stratum: no sampling variance */
        double scale = nh > 1 ? f * (double)nh / (double)(nh - 1) : f;
        int centre = !(nh == 1 && d->lonely == TS_LONELY_ADJUST);
        for (size_t g = 0; g < G; g++)
            if (d->wclass_stratum[g] == h)
                for (size_t c = 0; c < K1 * K; c++)
                    u[g * K1 * K + c] = t[g * K1 * K + c] / (double)nh;
        for (size_t j = 0; j < K; j++)
            mean[j] = 0;
        for (size_t g = 0; g < G; g++)
            for (size_t x = g * K1; d->wclass_stratum[g] == h && x < (g + 1) * K1; x++)
                for (size_t j = 0; np[x] > 0 && j < K; j++)
                    mean[j] += np[x] * u[x * K + j];
        /* dev into t, scale × dev into u */
        for (size_t g = 0; g < G; g++)
            if (d->wclass_stratum[g] == h)
                for (size_t c = 0; c < K1; c++)
                    for (size_t j = 0; j < K; j++) {
                        size_t x = (g * K1 + c) * K + j;
                        t[x] = t[x] - (centre ? mean[j] : 0);
                        u[x] = scale * t[x];
                    }
        for (size_t g = 0; g < G; g++)
            if (d->wclass_stratum[g] == h)
                outer_sums(v, K, np, t, u, g * K1, (g + 1) * K1);
    }
#undef PAIR
    rc = 0;
out:
    free(t);
    free(u);
    free(cnt);
    free(S);
    free(adj);
    free(mean);
    free(np);
    return rc;
}

/* The joint table of VAR (NR levels RL) × BY (NC levels CL) among the design's respondents
 * with both answered: the weighted cell shares into P (K = NR·NC, rows varying fastest, as
 * R's interaction(rows, cols)) and their covariance into V (K × K); *N is the number of
 * rows in the design, answered or not (R's Ntotal). XV, XB: VAR's and BY's codes (codes_of). */
static ts_status cell_shares(const ts_sample *d, const int64_t *xv, const int64_t *xb, const int32_t *rl, size_t nr,
                             const int32_t *cl, size_t nc, double *p, double *v, double *n_design, ts_err *err)
{
    size_t n = d->n, K = nr * nc;
    int by_class = !d->rep && cells_by_class(d, K); /* no n × K matrix then */
    double *z = by_class ? NULL : calloc(n && K ? n * K : 1, sizeof *z);
    size_t *cell = malloc((n ? n : 1) * sizeof *cell);
    if ((!by_class && !z) || !cell) {
        free(z);
        free(cell);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    double N = 0, W = 0;
    unsigned char rat[256], cat[256];
    index_table(rl, nr, rat);
    index_table(cl, nc, cat);
    for (size_t i = 0; i < n; i++) {
        cell[i] = SIZE_MAX;
        if (d->w[i] <= 0)
            continue;
        N++; /* R: every row of the design, answered or not */
        if (xv[i] == TS_MISSING_INT || xb[i] == TS_MISSING_INT)
            continue;
        size_t r = index_in(rl, nr, rat, (int32_t)xv[i]), c = index_in(cl, nc, cat, (int32_t)xb[i]);
        cell[i] = r + nr * c;
        p[cell[i]] += d->w[i];
        W += d->w[i];
    }
    for (size_t j = 0; j < K; j++)
        p[j] /= W;
    ts_status st = TS_OK;
    if (d->rep) {
        /* replicate weights: the cell indicators over the rows answering both (R's
         * svychisq.svyrep.design: svymean(mm, design, na.rm = TRUE)) */
        unsigned char *use = calloc(n ? n : 1, 1);
        if (!use)
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        for (size_t i = 0; st == TS_OK && i < n; i++)
            if (cell[i] != SIZE_MAX) {
                use[i] = 1;
                z[i * K + cell[i]] = 1;
            }
        if (st == TS_OK)
            st = rep_lin_vcov(d, z, K, use, NULL, 0, 0, p, v, err);
        free(use);
    } else if (by_class) {
        st = cell_vcov_by_class(d, cell, K, p, W, v) == 0 ? TS_OK : ts_err_set(err, TS_E_NOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++)
            if (cell[i] != SIZE_MAX)
                for (size_t j = 0; j < K; j++)
                    z[i * K + j] = d->w[i] * ((cell[i] == j) - p[j]) / W;
        st = ts_sample_vcov(d, z, K, v, err);
    }
    free(z);
    free(cell);
    *n_design = N;
    return st;
}

/* Pearson's X² on the table of shares P (NR × NC) scaled to N (R: svytable(Ntotal = N)). */
static double pearson_x2(const double *p, size_t nr, size_t nc, double N)
{
    double x2 = 0;
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            double rs = 0, cs = 0;
            for (size_t cc = 0; cc < nc; cc++)
                rs += p[r + nr * cc] * N;
            for (size_t rr = 0; rr < nr; rr++)
                cs += p[rr + nr * c] * N;
            double e = rs * cs / N, o = p[r + nr * c] * N;
            x2 += (o - e) * (o - e) / e;
        }
    return x2;
}

/* The generalised design effect matrix Δ of the interaction contrasts (Rao & Scott 1984;
 * R's svychisq): C, the residuals of the interaction columns of X12 on X1; then
 * Δ = (C' D⁻¹/N C)⁻¹ C' D⁻¹ V D⁻¹ C. Its trace into *TR and the trace of Δ² into *TR2.
 * Returns TS_E_NOMEM or TS_OK. */
static ts_status design_effects(const double *p, const double *v, size_t nr, size_t nc, double N, double *tr,
                                double *tr2, ts_err *err)
{
    size_t K = nr * nc, q = (nr - 1) * (nc - 1), p1 = nr + nc - 1;
    ts_status st = TS_OK;
    gsl_matrix *a = gsl_matrix_alloc(K, p1);
    gsl_vector *tau = gsl_vector_alloc(p1), *b = gsl_vector_alloc(K), *res = gsl_vector_alloc(K),
               *sol = gsl_vector_alloc(p1);
    gsl_matrix *C = gsl_matrix_alloc(K, q), *den = gsl_matrix_alloc(q, q), *num = gsl_matrix_alloc(q, q),
               *delta = gsl_matrix_alloc(q, q);
    gsl_permutation *perm = gsl_permutation_alloc(q);
    if (!a || !tau || !b || !res || !sol || !C || !den || !num || !delta || !perm) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            size_t row = r + nr * c, col = 0;
            gsl_matrix_set(a, row, col++, 1);
            for (size_t rr = 1; rr < nr; rr++)
                gsl_matrix_set(a, row, col++, r == rr);
            for (size_t cc = 1; cc < nc; cc++)
                gsl_matrix_set(a, row, col++, c == cc);
        }
    gsl_linalg_QR_decomp(a, tau);
    for (size_t cc = 1, j = 0; cc < nc; cc++)
        for (size_t rr = 1; rr < nr; rr++, j++) {
            for (size_t r = 0; r < nr; r++)
                for (size_t c = 0; c < nc; c++)
                    gsl_vector_set(b, r + nr * c, r == rr && c == cc);
            gsl_linalg_QR_lssolve(a, tau, b, sol, res);
            for (size_t row = 0; row < K; row++)
                gsl_matrix_set(C, row, j, gsl_vector_get(res, row));
        }
    /* denom = C' (D⁻¹/N) C ; numr = C' D⁻¹ V D⁻¹ C ; Δ = denom⁻¹ numr. C's entries read
     * straight from its storage (gsl_matrix_get is a call per entry, q²K² of them). */
    const double *cd = C->data;
    size_t tda = C->tda;
    for (size_t s = 0; s < q; s++)
        for (size_t t = 0; t < q; t++) {
            double dn = 0, nm = 0;
            for (size_t i = 0; i < K; i++) {
                double idi = p[i] == 0 ? 0 : 1 / p[i];
                double cis = cd[i * tda + s];
                dn += cis * idi / N * cd[i * tda + t];
                for (size_t j = 0; j < K; j++) {
                    double idj = p[j] == 0 ? 0 : 1 / p[j];
                    nm += cis * idi * v[i * K + j] * idj * cd[j * tda + t];
                }
            }
            gsl_matrix_set(den, s, t, dn);
            gsl_matrix_set(num, s, t, nm);
        }
    int sign;
    gsl_linalg_LU_decomp(den, perm, &sign);
    for (size_t t = 0; t < q; t++) {
        gsl_vector_view col = gsl_matrix_column(num, t), dcol = gsl_matrix_column(delta, t);
        gsl_linalg_LU_solve(den, perm, &col.vector, &dcol.vector);
    }
    *tr = *tr2 = 0;
    for (size_t s = 0; s < q; s++) {
        *tr += gsl_matrix_get(delta, s, s);
        for (size_t t = 0; t < q; t++)
            *tr2 += gsl_matrix_get(delta, s, t) * gsl_matrix_get(delta, t, s);
    }
done:
    gsl_matrix_free(a);
    gsl_vector_free(tau);
    gsl_vector_free(b);
    gsl_vector_free(res);
    gsl_vector_free(sol);
    gsl_matrix_free(C);
    gsl_matrix_free(den);
    gsl_matrix_free(num);
    gsl_matrix_free(delta);
    gsl_permutation_free(perm);
    return st;
}

ts_status ts_estimate_rao_scott(const ts_sample *d, const ts_var *var, const ts_var *by, ts_rao_scott *out, ts_err *err)
{
    int32_t *rl = NULL, *cl = NULL;
    int64_t *xv = malloc((d->n ? d->n : 1) * sizeof *xv), *xb = malloc((d->n ? d->n : 1) * sizeof *xb);
    if (!xv || !xb) {
        free(xv);
        free(xb);
        *out = (ts_rao_scott){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    codes_of(d, var, xv);
    codes_of(d, by, xb);
    size_t nr = levels_of(d, xv, &rl), nc = levels_of(d, xb, &cl);
    ts_status st = TS_OK;
    double *v = NULL, *p = NULL;
    *out = (ts_rao_scott){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (nr == SIZE_MAX || nc == SIZE_MAX) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto out;
    }
    if (nr < 2 || nc < 2)
        goto out; /* no association to test */
    size_t K = nr * nc, q = (nr - 1) * (nc - 1);
    v = malloc(K * K * sizeof *v);
    p = calloc(K, sizeof *p);
    if (!v || !p) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto out;
    }
    double N = 0, tr = 0, tr2 = 0;
    if ((st = cell_shares(d, xv, xb, rl, nr, cl, nc, p, v, &N, err)) != TS_OK ||
        (st = design_effects(p, v, nr, nc, N, &tr, &tr2, err)) != TS_OK)
        goto out;
    if (!(tr > 0 && tr2 > 0))
        goto out; /* no sampling variance at all (R: NaN): no test, rather than 0/0 */
    double x2 = pearson_x2(p, nr, nc, N), nu = ts_sample_df(d, NULL), d0 = tr * tr / tr2;
    /* First-order Rao–Scott: X² divided by the mean design effect δ̄ = tr Δ / (r-1)(c-1),
     * on (r-1)(c-1) df (R reports the unadjusted X² beside this p-value). */
    out->chisq = x2 / (tr / (double)q);
    out->chisq_df = (double)q;
    out->chisq_p = ts_rdist_pchisq_upper(out->chisq, (double)q);
    out->f = x2 / tr;
    out->f_df1 = d0;
    out->f_df2 = d0 * nu;
    out->f_p = ts_rdist_pf_upper(out->f, d0, d0 * nu);
out:
    free(xv);
    free(xb);
    free(rl);
    free(cl);
    free(v);
    free(p);
    return st;
}
