/* estimate.c — see estimate.h. Formulas follow R survey 4.1: svymean / svytotal (influence
 * values, deff against SRS without replacement), svyciprop (logit, beta, mean = Wald,
 * xlogit), confint with the design's degrees of freedom, svychisq (Rao & Scott 1984). */
#include "estimate.h"

#include "betaquant.h"

#include <gsl/gsl_cdf.h>
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

/* t quantile on DF degrees of freedom (normal when DF is infinite or not positive, as R's
 * confint does with df = Inf). */
static double tq(double p, double df)
{
    return df > 0 && isfinite(df) ? gsl_cdf_tdist_Pinv(p, df) : gsl_cdf_ugaussian_Pinv(p);
}

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
    double a = 1 - level, t = tq(1 - a / 2, df);
    *lo = *hi = NAN;
    switch (m) {
    case TS_CI_LOGIT:
    case TS_CI_XLOGIT: {
        /* At p = 0 or 1 logit p is infinite: the logit interval collapses to p (R's glm
         * ends within 1e-11 of it), the delta-method xlogit has none (R: NaN). */
        if (p <= 0 || p >= 1) {
            if (m == TS_CI_LOGIT)
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
        double r = tq(a / 2, n_design - 1) / tq(a / 2, df);
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
    for (size_t c = 0; c < k; c++) {
        double s2 = s2_c[c];
        double svyvar = s2 / psum * nobs / (nobs - 1);
        double vsrs = kind == TS_STAT_TOTAL ? svyvar * psum * psum * (psum - nobs) / (psum * nobs)
                                         : svyvar * (psum - nobs) / (psum * nobs);
        ts_estimate *e = &out[c];
        *e = (ts_estimate){0};
        e->code = numeric ? 0 : codes[c];
        e->has_code = !numeric;
        e->n = nobs;
        e->n_cat = numeric ? NAN : ncat[c];
        e->weighted_n = psum;
        e->estimate = theta[c];
        e->se = sqrt(v[c * k + c] > 0 ? v[c * k + c] : 0);
        e->df = df;
        /* As R: infinite when the estimated population equals the sample (weights all 1). */
        e->deff = v[c * k + c] / vsrs;
        if (kind == TS_STAT_SHARE && !numeric) {
            /* A replicate whose share is 0 or 1 has an infinite logit (R's glm stops near ±30,
             * so its interval is (0, 1) up to 1e-12): the variance is infinite. */
            double vl = rep_logit ? vlogit[(k + c) * 2 * k + k + c] : NAN;
            double sl = !rep_logit ? NAN : isnan(vl) || isinf(vl) ? INFINITY : sqrt(vl > 0 ? vl : 0);
            prop_ci(ci, e->estimate, e->se, sl, df, level, nrow, &e->lo, &e->hi);
        } else if (ci != TS_CI_NONE) {
            double t = tq(1 - (1 - level) / 2, df);
            e->lo = e->estimate - t * e->se;
            e->hi = e->estimate + t * e->se;
        } else
            e->lo = e->hi = NAN;
    }
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
    double t = df > 0 && isfinite(df) ? gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, df) : gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
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
            p[c] = 2 * (df > 0 && isfinite(df) ? gsl_cdf_tdist_Q(tt, df) : gsl_cdf_ugaussian_Q(tt));
        }
    }
done:
    free(z);
    free(v);
    free(theta);
    free(bit);
    return st;
}

/* Sorted distinct non-missing codes of V among rows in the design. */
static size_t levels_of(const ts_sample *d, const ts_var *v, int32_t **out)
{
    int32_t *lv = NULL;
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->w[i] <= 0 || ts_var_is_missing(v, i))
            continue;
        int32_t c = (int32_t)ts_var_int(v, i);
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

static size_t index_of(const int32_t *lv, size_t n, int32_t c)
{
    for (size_t j = 0; j < n; j++)
        if (lv[j] == c)
            return j;
    return SIZE_MAX;
}

/* The joint table of VAR (NR levels RL) × BY (NC levels CL) among the design's respondents
 * with both answered: the weighted cell shares into P (K = NR·NC, rows varying fastest, as
 * R's interaction(rows, cols)) and their covariance into V (K × K); *N is the number of
 * rows in the design, answered or not (R's Ntotal). */
static ts_status cell_shares(const ts_sample *d, const ts_var *var, const ts_var *by, const int32_t *rl, size_t nr,
                             const int32_t *cl, size_t nc, double *p, double *v, double *n_design, ts_err *err)
{
    size_t n = d->n, K = nr * nc;
    double *z = calloc(n && K ? n * K : 1, sizeof *z);
    size_t *cell = malloc((n ? n : 1) * sizeof *cell);
    if (!z || !cell) {
        free(z);
        free(cell);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    double N = 0, W = 0;
    for (size_t i = 0; i < n; i++) {
        cell[i] = SIZE_MAX;
        if (d->w[i] <= 0)
            continue;
        N++; /* R: every row of the design, answered or not */
        if (ts_var_is_missing(var, i) || ts_var_is_missing(by, i))
            continue;
        size_t r = index_of(rl, nr, (int32_t)ts_var_int(var, i)), c = index_of(cl, nc, (int32_t)ts_var_int(by, i));
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
    size_t nr = levels_of(d, var, &rl), nc = levels_of(d, by, &cl);
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
    if ((st = cell_shares(d, var, by, rl, nr, cl, nc, p, v, &N, err)) != TS_OK ||
        (st = design_effects(p, v, nr, nc, N, &tr, &tr2, err)) != TS_OK)
        goto out;
    if (!(tr > 0 && tr2 > 0))
        goto out; /* no sampling variance at all (R: NaN): no test, rather than 0/0 */
    double x2 = pearson_x2(p, nr, nc, N), nu = ts_sample_df(d, NULL), d0 = tr * tr / tr2;
    /* First-order Rao–Scott: X² divided by the mean design effect δ̄ = tr Δ / (r-1)(c-1),
     * on (r-1)(c-1) df (R reports the unadjusted X² beside this p-value). */
    out->chisq = x2 / (tr / (double)q);
    out->chisq_df = (double)q;
    out->chisq_p = gsl_cdf_chisq_Q(out->chisq, (double)q);
    out->f = x2 / tr;
    out->f_df1 = d0;
    out->f_df2 = d0 * nu;
    out->f_p = gsl_cdf_fdist_Q(out->f, d0, d0 * nu);
out:
    free(rl);
    free(cl);
    free(v);
    free(p);
    return st;
}
