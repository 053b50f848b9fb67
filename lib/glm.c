/* glm.c — see glm.h. The fit is R's glm.fit (R 4.2, src/library/stats/R/glm.R) step for step,
 * so that it stops on the same iterate as R: the same starting values (binomial's
 * mustart = (w·y + 0.5)/(w + 1), gaussian's mustart = y), the same working responses and
 * weights, the same clamped logit (R's C logit_linkinv and logit_mu_eta, family.c), the same
 * test |dev − dev_old|/(|dev| + 0.1) < epsilon. The prior weights are the survey weights scaled
 * to mean 1 over the design's rows, as svyglm(rescale = TRUE) does (survey 4.1,
 * svyglm.survey.design: (1/prob)/mean(1/prob)) — the scale moves the starting values, so the
 * iterates, and so the last digits, depend on it.
 * The variance is survey's svy.varcoef: the estimating-function influences
 * x_i · r_i · w_i (r the working residual at the fitted values, w the working weights of the
 * last iteration) times (X'WX)^-1 (summary.glm's cov.unscaled from the same QR), then
 * svyrecvar (ts_sample_vcov) — Binder (1983), Lumley (2010) §5.2.
 * With replicate weights it is svyglm.svyrep.design's: the model refitted under each
 * replicate's weights (scaled to sum 1, IRLS started from the full-sample coefficients, as
 * glm.fit(weights = wi/sum(wi), start = beta0)) and svrVar of the replicate coefficients
 * (ts_replicate_vcov); the full fit's weights are rescaled over the domain's rows (a subset
 * of a svyrep.design drops the others) and its df is the replicates' (degf of the domain). */
#include "glm.h"
#include "rdist.h"

#include <float.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "strbuf.h"

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

void ts_glm_fit_free(ts_glm_fit *f)
{
    if (!f)
        return;
    free(f->col_pred);
    free(f->col_level);
    free(f->beta);
    free(f->se);
    free(f->t);
    free(f->pval);
    free(f->lo);
    free(f->hi);
    free(f->vcov);
    free(f->ref_level);
    free(f->col_n);
    free(f->ref_n);
    free(f->tests);
    free(f);
}

/* R's logit link in family.c: eta beyond ±30 is clamped so that mu stays inside (0, 1). */
static double logit_linkinv(double eta)
{
    double tmp = eta < -30 ? DBL_EPSILON : eta > 30 ? 1 / DBL_EPSILON : exp(eta);
    return tmp / (1 + tmp);
}

static double logit_mu_eta(double eta)
{
    double opexp = 1 + exp(eta);
    return eta > 30 || eta < -30 ? DBL_EPSILON : exp(eta) / (opexp * opexp);
}

static double ylogy(double y, double mu) { return y != 0 ? y * log(y / mu) : 0; }

/* The deviance of the fit: binomial's 2·Σ w (y log(y/mu) + (1−y) log((1−y)/(1−mu))), gaussian's
 * Σ w (y − mu)². */
static double deviance(ts_glm_family fam, const double *y, const double *mu, const double *pw, size_t n)
{
    double dev = 0;
    for (size_t i = 0; i < n; i++)
        dev += fam == TS_GLM_LOGISTIC ? 2 * pw[i] * (ylogy(y[i], mu[i]) + ylogy(1 - y[i], 1 - mu[i]))
                                      : pw[i] * (y[i] - mu[i]) * (y[i] - mu[i]);
    return dev;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The outcome of row I as 0..1 (logistic) or a number; NaN when missing. */
static double outcome_value(const ts_glm_spec *s, size_t i)
{
    const ts_var *v = s->outcome;
    if (ts_var_is_missing(v, i))
        return NAN;
    if (v->type == TS_VAR_SINGLE) {
        int64_t c = ts_var_int(v, i);
        for (size_t k = 0; k < s->noutcome_codes; k++)
            if (c == s->outcome_codes[k])
                return 1;
        return 0;
    }
    return ts_var_num(v, i);
}

/* Everything one fit allocates, freed in one place. */
typedef struct work {
    unsigned char *used;
    size_t *row;        /* used rows, in order */
    double *x, *y, *pw, *eta, *mu, *wt, *beta, *u, *z;
    int32_t **levels;   /* per factor predictor: its levels */
    size_t *nlevels;
    gsl_matrix *a;
    gsl_vector *tau, *b, *coef, *res;
} work;

static void work_free(work *w, size_t npred)
{
    free(w->used);
    free(w->row);
    free(w->x);
    free(w->y);
    free(w->pw);
    free(w->eta);
    free(w->mu);
    free(w->wt);
    free(w->beta);
    free(w->u);
    free(w->z);
    for (size_t k = 0; w->levels && k < npred; k++)
        free(w->levels[k]);
    free(w->levels);
    free(w->nlevels);
    if (w->a)
        gsl_matrix_free(w->a);
    if (w->tau)
        gsl_vector_free(w->tau);
    if (w->b)
        gsl_vector_free(w->b);
    if (w->coef)
        gsl_vector_free(w->coef);
    if (w->res)
        gsl_vector_free(w->res);
}

static ts_status fail_about(int *about, int what, ts_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ts_status fail_about(int *about, int what, ts_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(err, TS_E_DATA, fmt, ap);
    va_end(ap);
    if (about)
        *about = what;
    return TS_E_DATA;
}

static const char *level_label(const ts_var *v, int32_t code)
{
    long i = ts_var_code_index(v, code);
    return i >= 0 ? v->codes[i].label : "";
}

/* One weighted least-squares step (R's Cdqrls): the QR of diag(sw)·X and the coefficients of
 * diag(sw)·z on it into W->coef. Returns the first column whose R_jj is negligible (rank
 * deficiency at Cdqrls's tolerance min(1e-7, epsilon/1000) relative to the column's norm, no
 * pivoting: R would pivot it out and give NA), or P when X has full rank. */
static size_t wls(work *w, size_t n, size_t p, const double *sw, const double *zz)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(w->a, i, j, sw[i] * w->x[i * p + j]);
        gsl_vector_set(w->b, i, sw[i] * zz[i]);
    }
    double *norm = w->beta; /* scratch: the column norms */
    for (size_t j = 0; j < p; j++) {
        gsl_vector_view c = gsl_matrix_column(w->a, j);
        norm[j] = gsl_blas_dnrm2(&c.vector);
    }
    if (gsl_linalg_QR_decomp(w->a, w->tau) != GSL_SUCCESS)
        return 0;
    double tol = fmin(1e-7, TS_GLM_EPSILON / 1000);
    for (size_t j = 0; j < p; j++)
        if (!(fabs(gsl_matrix_get(w->a, j, j)) > tol * norm[j]))
            return j;
    if (gsl_linalg_QR_lssolve(w->a, w->tau, w->b, w->coef, w->res) != GSL_SUCCESS)
        return 0;
    return p;
}

/* Whether the 0/1 outcome Y of the N rows of X (N × P) is separated by the predictors: a
 * direction b ≠ 0 with x_i'b ≥ 0 wherever y = 1 and ≤ 0 wherever y = 0 (= 0 for a fractional
 * y), complete or quasi-complete separation, under which the likelihood has no maximum and
 * IRLS only walks off towards infinite coefficients (Albert & Anderson 1984). The linear
 * program of Konis (2007, R's safeBinaryRegression / detectseparation): maximise
 * Σ s_i x_i'b subject to s_i x_i'b ≥ 0 and −1 ≤ b_j ≤ 1 (s = ±1); the optimum is 0 exactly
 * when there is no such direction. Returns 1 separated (the direction in DIR), 0 not,
 * -1 when GLPK fails or memory runs out (then IRLS decides). R's glm.fit has no such test:
 * it may converge on the walk off (deviance changes below epsilon) and report coefficients
 * of 20 with standard errors of 1000s. */
static int separated(const double *x, const double *y, size_t n, size_t p, double *dir)
{
    glp_prob *lp = glp_create_prob();
    int *ia = malloc((n * p + 1) * sizeof *ia), *ja = malloc((n * p + 1) * sizeof *ja);
    double *ar = malloc((n * p + 1) * sizeof *ar);
    int rc = -1;
    if (!lp || !ia || !ja || !ar)
        goto out;
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_rows(lp, (int)n);
    glp_add_cols(lp, (int)p);
    double scale = 0;
    for (size_t j = 0; j < p; j++) {
        double c = 0;
        for (size_t i = 0; i < n; i++) {
            double si = y[i] >= 1 ? 1 : y[i] <= 0 ? -1 : 0;
            c += si * x[i * p + j];
            scale += fabs(x[i * p + j]);
        }
        glp_set_col_bnds(lp, (int)j + 1, GLP_DB, -1, 1);
        glp_set_obj_coef(lp, (int)j + 1, c);
    }
    size_t nz = 0;
    for (size_t i = 0; i < n; i++) {
        double si = y[i] >= 1 ? 1 : y[i] <= 0 ? -1 : 0;
        glp_set_row_bnds(lp, (int)i + 1, si != 0 ? GLP_LO : GLP_FX, 0, 0);
        for (size_t j = 0; j < p; j++)
            if (x[i * p + j] != 0) {
                nz++;
                ia[nz] = (int)i + 1;
                ja[nz] = (int)j + 1;
                ar[nz] = (si != 0 ? si : 1) * x[i * p + j];
            }
    }
    glp_load_matrix(lp, (int)nz, ia, ja, ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT)
        goto out;
    /* 0 up to rounding when nothing separates; a separating direction gains at least the
     * margin of the rows it separates, far above this */
    rc = glp_get_obj_val(lp) > 1e-9 * (scale / (double)n + 1);
    for (size_t j = 0; j < p && rc == 1; j++)
        dir[j] = glp_get_col_prim(lp, (int)j + 1);
out:
    if (lp)
        glp_delete_prob(lp);
    free(ia);
    free(ja);
    free(ar);
    return rc;
}

/* One replicate's refit: the model matrix and outcome of the full fit (borrowed), its own
 * buffers for IRLS. */
typedef struct rep_fit {
    work w;                  /* x, y borrowed from the full fit; the rest owned */
    const size_t *row;       /* the fit's rows */
    size_t n, p;
    ts_glm_family fam;
    const double *beta0;     /* the full-sample coefficients: every refit starts there */
    const ts_glm_spec *spec;
    size_t calls;            /* replicates fitted, for messages */
} rep_fit;

/* R's glm.fit(XX, YY, weights = wi/sum(wi), start = beta0, family, control) for replicate
 * weights WI (the view's, over the fit's rows): eta = X·start, then IRLS as in the full fit.
 * Rows the replicate gives weight 0 drop out of the least squares, as glm.fit's `good`. A
 * rank-deficient replicate (a level with no weight left) gets NaN coefficients, which R's glm
 * gives as NA and svrVar leaves out; a replicate that does not converge, or whose fitted
 * probabilities reach 0 or 1, stops the fit (TS_E_DATA): R would carry on with warnings and
 * coefficients that are not estimates. */
static ts_status rep_refit(const ts_sample *view, void *vctx, double *theta, ts_err *err)
{
    rep_fit *c = vctx;
    work *w = &c->w;
    size_t n = c->n, p = c->p, r = ++c->calls;
    ts_glm_family fam = c->fam;
    long double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += view->w[c->row[k]];
    if (!(sum > 0)) /* R: glm.fit on weights 0/0 stops ("NAs in V(mu)") */
        return ts_err_set(err, TS_E_DATA,
                          "replicate %zu of the replicate weights gives none of the model's %zu respondents a weight, "
                          "so the model has no estimate there (R's svyglm stops too); fit it over a larger domain",
                          r, n);
    for (size_t k = 0; k < n; k++)
        w->pw[k] = view->w[c->row[k]] / (double)sum;
    for (size_t k = 0; k < n; k++) {
        double e = 0;
        for (size_t j = 0; j < p; j++)
            e += w->x[k * p + j] * c->beta0[j];
        w->eta[k] = e;
        w->mu[k] = fam == TS_GLM_LOGISTIC ? logit_linkinv(e) : e;
    }
    double devold = deviance(fam, w->y, w->mu, w->pw, n), dev;
    double *sw = w->wt, *beta = theta;
    int conv = 0, iter;
    for (iter = 1; iter <= TS_GLM_MAXIT; iter++) {
        for (size_t k = 0; k < n; k++) {
            double me = fam == TS_GLM_LOGISTIC ? logit_mu_eta(w->eta[k]) : 1;
            double var = fam == TS_GLM_LOGISTIC ? w->mu[k] * (1 - w->mu[k]) : 1;
            w->z[k] = w->eta[k] + (w->y[k] - w->mu[k]) / me;
            sw[k] = sqrt(w->pw[k] * me * me / var);
        }
        if (wls(w, n, p, sw, w->z) < p) {
            for (size_t j = 0; j < p; j++)
                theta[j] = NAN;
            return TS_OK;
        }
        for (size_t j = 0; j < p; j++)
            beta[j] = gsl_vector_get(w->coef, j);
        for (size_t k = 0; k < n; k++) {
            double e = 0;
            for (size_t j = 0; j < p; j++)
                e += w->x[k * p + j] * beta[j];
            w->eta[k] = e;
            w->mu[k] = fam == TS_GLM_LOGISTIC ? logit_linkinv(e) : e;
        }
        dev = deviance(fam, w->y, w->mu, w->pw, n);
        if (!isfinite(dev))
            return ts_err_set(err, TS_E_DATA, "replicate %zu: the deviance is not finite after %d iterations", r, iter);
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < TS_GLM_EPSILON) {
            conv = 1;
            break;
        }
        devold = dev;
    }
    if (fam == TS_GLM_LOGISTIC) {
        double eps = 10 * DBL_EPSILON;
        size_t at = 0;
        for (size_t k = 0; k < n; k++)
            at += w->pw[k] > 0 && (w->mu[k] > 1 - eps || w->mu[k] < eps);
        if (at)
            return ts_err_set(err, TS_E_DATA,
                              "replicate %zu of the replicate weights: the fitted probability of %s is 0 or 1 for %zu "
                              "respondents (the predictors separate the outcome among the respondents that replicate "
                              "keeps), so its refit has no estimate and the replicate variance none; merge or leave out "
                              "that predictor's levels",
                              r, c->spec->outcome->name, at);
    }
    if (!conv)
        return ts_err_set(err, TS_E_DATA,
                          "replicate %zu of the replicate weights: the model refitted with its weights did not converge "
                          "in %d iterations (R glm.fit's maxit; deviance change above %g), so the replicate variance "
                          "has no estimate there (R would go on with a warning)",
                          r, TS_GLM_MAXIT, TS_GLM_EPSILON);
    return TS_OK;
}

/* The covariance of the coefficients BETA0 (P) of the fit W (N rows ROW) from its refits
 * under every replicate (svyglm.svyrep.design). */
static ts_status rep_vcov(const ts_sample *d, const ts_glm_spec *s, work *full, const size_t *row, size_t n, size_t p,
                          const double *beta0, double *v, ts_err *err)
{
    rep_fit c = {{0}, row, n, p, s->family, beta0, s, 0};
    c.w.x = full->x;
    c.w.y = full->y;
    ts_status st;
    if (!(c.w.pw = malloc(n * sizeof *c.w.pw)) || !(c.w.eta = malloc(n * sizeof *c.w.eta)) ||
        !(c.w.mu = malloc(n * sizeof *c.w.mu)) || !(c.w.wt = malloc(n * sizeof *c.w.wt)) ||
        !(c.w.z = malloc(n * sizeof *c.w.z)) || !(c.w.beta = malloc(p * sizeof *c.w.beta)) ||
        !(c.w.a = gsl_matrix_alloc(n, p)) || !(c.w.tau = gsl_vector_alloc(p)) || !(c.w.b = gsl_vector_alloc(n)) ||
        !(c.w.coef = gsl_vector_alloc(p)) || !(c.w.res = gsl_vector_alloc(n)))
        st = nomem(err);
    else
        st = ts_replicate_vcov(d, rep_refit, &c, beta0, p, v, err);
    c.w.x = c.w.y = NULL; /* the full fit's */
    work_free(&c.w, 0);
    return st;
}

ts_glm_fit *ts_glm_fit_new(const ts_sample *d, const ts_glm_spec *s, int *about, ts_err *err)
{
    size_t N = d->n, np = s->npredictors;
    work w = {0};
    ts_glm_fit *f = calloc(1, sizeof *f);
    ts_status st = TS_OK;
    if (about)
        *about = TS_GLM_ABOUT_MODEL;
    if (!f || !(w.used = calloc(N ? N : 1, 1)) || !(w.levels = calloc(np ? np : 1, sizeof *w.levels)) ||
        !(w.nlevels = calloc(np ? np : 1, sizeof *w.nlevels))) {
        st = nomem(err);
        goto done;
    }
    /* the rows of the model: in the design and the domain, every variable answered */
    double sum_dom = 0;
    size_t n_design = 0, n_dom = 0, n = 0;
    for (size_t i = 0; i < N; i++) {
        if (!(d->w[i] > 0))
            continue;
        n_design++;
        if (s->in && !s->in[i])
            continue;
        n_dom++;
        sum_dom += d->w[i];
        int ok = !isnan(outcome_value(s, i));
        for (size_t k = 0; k < np && ok; k++)
            ok = !ts_var_is_missing(s->predictors[k], i);
        w.used[i] = (unsigned char)ok;
        n += ok;
    }
    if (n == 0) {
        /* say which variables emptied it: the count of the domain's rows each is missing for */
        ts_strbuf why = TS_STRBUF_INIT;
        for (long k = -1; k < (long)np && n_dom; k++) {
            const ts_var *v = k < 0 ? s->outcome : s->predictors[k];
            size_t miss = 0;
            for (size_t i = 0; i < N; i++)
                miss += d->w[i] > 0 && (!s->in || s->in[i]) && (k < 0 ? isnan(outcome_value(s, i)) : ts_var_is_missing(v, i));
            if (miss)
                ts_strbuf_printf(&why, "%s%s (%s) for %zu", why.data ? ", " : "", v->name, v->label, miss);
        }
        if (n_dom == 0)
            st = fail_about(about, TS_GLM_ABOUT_MODEL, err, "no respondent left for the model: nobody is in the domain");
        else
            st = fail_about(about, TS_GLM_ABOUT_MODEL, err,
                            "no respondent left for the model after leaving out missing values: of the %zu respondents%s, "
                            "each has the outcome or a predictor missing (missing: %s)",
                            n_dom, s->in ? " in the domain" : "", why.data ? why.data : "");
        ts_strbuf_free(&why);
        goto done;
    }
    if (!(w.row = malloc(n * sizeof *w.row))) {
        st = nomem(err);
        goto done;
    }
    for (size_t i = 0, r = 0; i < N; i++)
        if (w.used[i])
            w.row[r++] = i;
    /* factor levels: the codes present among the rows, sorted (R's factor() of the codes,
     * unused levels dropped as glm's model frame drops them) */
    size_t p = 1;
    for (size_t k = 0; k < np; k++) {
        const ts_var *v = s->predictors[k];
        if (v->type != TS_VAR_SINGLE) {
            p++;
            continue;
        }
        int32_t *lv = malloc((v->ncodes ? v->ncodes : 1) * sizeof *lv);
        if (!lv) {
            st = nomem(err);
            goto done;
        }
        w.levels[k] = lv;
        size_t nl = 0;
        for (size_t c = 0; c < v->ncodes; c++) {
            if (v->codes[c].missing)
                continue;
            for (size_t r = 0; r < n; r++)
                if (ts_var_int(v, w.row[r]) == v->codes[c].code) {
                    lv[nl++] = v->codes[c].code;
                    break;
                }
        }
        qsort(lv, nl, sizeof *lv, cmp_i32);
        w.nlevels[k] = nl;
        if (nl < 2) {
            st = fail_about(about, (int)k, err,
                            "%s (%s) has one level among the %zu respondents of the model (%d %s): nothing to compare it with",
                            v->name, v->label, n, nl ? lv[0] : 0, nl ? level_label(v, lv[0]) : "");
            goto done;
        }
        p += nl - 1;
    }
    if (n < p) {
        st = fail_about(about, TS_GLM_ABOUT_MODEL, err, "%zu respondents for %zu coefficients: too few to fit the model", n, p);
        goto done;
    }
    f->p = p;
    if (!(f->col_pred = malloc(p * sizeof *f->col_pred)) || !(f->col_level = calloc(p, sizeof *f->col_level)) ||
        !(f->ref_level = calloc(np ? np : 1, sizeof *f->ref_level)) || !(f->col_n = calloc(p, sizeof *f->col_n)) ||
        !(f->ref_n = calloc(np ? np : 1, sizeof *f->ref_n)) || !(f->tests = calloc(np ? np : 1, sizeof *f->tests)) ||
        !(w.x = malloc(n * p * sizeof *w.x)) || !(w.y = malloc(n * sizeof *w.y)) || !(w.pw = malloc(n * sizeof *w.pw)) ||
        !(w.eta = malloc(n * sizeof *w.eta)) || !(w.mu = malloc(n * sizeof *w.mu)) || !(w.wt = malloc(n * sizeof *w.wt)) ||
        !(w.z = malloc(n * sizeof *w.z)) || !(w.beta = malloc(p * sizeof *w.beta)) ||
        !(w.a = gsl_matrix_alloc(n, p)) || !(w.tau = gsl_vector_alloc(p)) || !(w.b = gsl_vector_alloc(n)) ||
        !(w.coef = gsl_vector_alloc(p)) || !(w.res = gsl_vector_alloc(n))) {
        st = nomem(err);
        goto done;
    }
    /* the model matrix: intercept, numbers as they are, factors as treatment contrasts */
    f->col_pred[0] = -1;
    for (size_t k = 0, j = 1; k < np; k++) {
        f->tests[k].first = j;
        size_t nc = s->predictors[k]->type == TS_VAR_SINGLE ? w.nlevels[k] - 1 : 1;
        f->tests[k].ncol = nc;
        if (s->predictors[k]->type == TS_VAR_SINGLE)
            f->ref_level[k] = w.levels[k][0];
        for (size_t c = 0; c < nc; c++, j++) {
            f->col_pred[j] = (int)k;
            if (s->predictors[k]->type == TS_VAR_SINGLE)
                f->col_level[j] = w.levels[k][c + 1];
        }
    }
    double sum_w = 0;
    for (size_t r = 0; r < n; r++) {
        size_t i = w.row[r];
        double *xr = &w.x[r * p];
        xr[0] = 1;
        for (size_t j = 1; j < p; j++) {
            const ts_var *v = s->predictors[f->col_pred[j]];
            xr[j] = v->type == TS_VAR_SINGLE ? (ts_var_int(v, i) == f->col_level[j]) : ts_var_num(v, i);
        }
        w.y[r] = outcome_value(s, i);
        sum_w += d->w[i];
        for (size_t j = 1; j < p; j++)
            f->col_n[j] += s->predictors[f->col_pred[j]]->type == TS_VAR_SINGLE && xr[j] != 0;
    }
    for (size_t k = 0; k < np; k++) {
        f->ref_n[k] = s->predictors[k]->type == TS_VAR_SINGLE ? n : 0;
        for (size_t j = f->tests[k].first; j < f->tests[k].first + f->tests[k].ncol && f->ref_n[k]; j++)
            f->ref_n[k] -= f->col_n[j];
    }
    f->n = n;
    f->weighted_n = sum_w;
    /* svyglm's rescaled weights: over the design's rows — a subset of an uncalibrated design
     * keeps only the domain's rows, a calibrated one keeps every row with weight 0 outside
     * (survey's [.survey.design2); rows with a missing variable count, as in R the mean is
     * taken before glm drops them */
    double scale = sum_dom / (double)(d->cal == TS_SAMPLE_UNCALIBRATED || d->rep ? n_dom : n_design);
    for (size_t r = 0; r < n; r++)
        w.pw[r] = d->w[w.row[r]] / scale;
    int ymin = 0, ymax = 0;
    for (size_t r = 0; r < n; r++) {
        if (s->family == TS_GLM_LOGISTIC && !(w.y[r] >= 0 && w.y[r] <= 1)) {
            st = fail_about(about, TS_GLM_ABOUT_OUTCOME, err,
                            "%s (%s) is %.15g for respondent %zu: a logistic model needs an outcome between 0 and 1 "
                            "(name the codes that are 1 in outcome_codes)",
                            s->outcome->name, s->outcome->label, w.y[r], w.row[r] + 1);
            goto done;
        }
        ymin |= w.y[r] != w.y[0];
        ymax |= w.y[r] > 0;
    }
    if (s->family == TS_GLM_LOGISTIC && (!ymin)) {
        st = fail_about(about, TS_GLM_ABOUT_OUTCOME, err,
                        "%s (%s) is %s for all %zu respondents of the model: a logistic model needs both outcomes",
                        s->outcome->name, s->outcome->label, ymax ? "1 (one of outcome_codes)" : "0 (none of outcome_codes)", n);
        goto done;
    }
    ts_glm_family fam = s->family;
    if (fam == TS_GLM_LOGISTIC && separated(w.x, w.y, n, p, w.beta) == 1) {
        /* name the predictors of the separating direction */
        ts_strbuf names = TS_STRBUF_INIT;
        int last = -2, named = 0;
        for (size_t j = 1; j < p; j++)
            if (fabs(w.beta[j]) > 1e-9 && f->col_pred[j] != last) {
                last = f->col_pred[j];
                named++;
                ts_strbuf_printf(&names, "%s%s (%s)", names.data ? ", " : "", s->predictors[last]->name,
                                 s->predictors[last]->label);
            }
        st = fail_about(about, TS_GLM_ABOUT_MODEL, err,
                        "the model cannot converge: %s separate%s the outcome %s completely among the %zu "
                        "respondents (some level or range has only 0s or only 1s), so the likelihood has no "
                        "maximum and the odds ratios are infinite; merge that predictor's levels or leave it out",
                        names.data ? names.data : "the intercept", named > 1 ? "" : "s",
                        s->outcome->name, n);
        ts_strbuf_free(&names);
        goto done;
    }
    /* glm.fit */
    for (size_t r = 0; r < n; r++) {
        w.mu[r] = fam == TS_GLM_LOGISTIC ? (w.pw[r] * w.y[r] + 0.5) / (w.pw[r] + 1) : w.y[r];
        w.eta[r] = fam == TS_GLM_LOGISTIC ? log(w.mu[r] / (1 - w.mu[r])) : w.mu[r];
        if (fam == TS_GLM_LOGISTIC)
            w.mu[r] = logit_linkinv(w.eta[r]);
    }
    double devold = deviance(fam, w.y, w.mu, w.pw, n), dev = devold;
    int conv = 0, iter;
    double *sw = w.wt; /* sqrt of the working weights of the current iteration */
    for (iter = 1; iter <= TS_GLM_MAXIT; iter++) {
        for (size_t r = 0; r < n; r++) {
            double me = fam == TS_GLM_LOGISTIC ? logit_mu_eta(w.eta[r]) : 1;
            double var = fam == TS_GLM_LOGISTIC ? w.mu[r] * (1 - w.mu[r]) : 1;
            w.z[r] = w.eta[r] + (w.y[r] - w.mu[r]) / me;
            sw[r] = sqrt(w.pw[r] * me * me / var);
        }
        size_t rank = wls(&w, n, p, sw, w.z);
        if (rank < p) {
            int k = f->col_pred[rank];
            if (k < 0)
                st = fail_about(about, TS_GLM_ABOUT_MODEL, err, "the model matrix has no full rank");
            else
                st = fail_about(about, k, err,
                                "%s (%s)%s%s is a linear combination of the other predictors among the %zu respondents "
                                "of the model (collinear): leave it or another out",
                                s->predictors[k]->name, s->predictors[k]->label,
                                s->predictors[k]->type == TS_VAR_SINGLE ? " = " : "",
                                s->predictors[k]->type == TS_VAR_SINGLE ? level_label(s->predictors[k], f->col_level[rank]) : "",
                                n);
            goto done;
        }
        for (size_t j = 0; j < p; j++)
            w.beta[j] = gsl_vector_get(w.coef, j);
        for (size_t r = 0; r < n; r++) {
            double e = 0;
            for (size_t j = 0; j < p; j++)
                e += w.x[r * p + j] * w.beta[j];
            w.eta[r] = e;
            w.mu[r] = fam == TS_GLM_LOGISTIC ? logit_linkinv(e) : e;
        }
        dev = deviance(fam, w.y, w.mu, w.pw, n);
        if (!isfinite(dev)) {
            st = fail_about(about, TS_GLM_ABOUT_MODEL, err, "the deviance is not finite after %d iterations", iter);
            goto done;
        }
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < TS_GLM_EPSILON) {
            conv = 1;
            break;
        }
        devold = dev;
    }
    f->iterations = conv ? iter : TS_GLM_MAXIT;
    if (fam == TS_GLM_LOGISTIC) {
        /* glm.fit's test for fitted probabilities numerically 0 or 1 (10 × machine epsilon) */
        double eps = 10 * DBL_EPSILON;
        size_t at = 0;
        for (size_t r = 0; r < n; r++)
            at += w.mu[r] > 1 - eps || w.mu[r] < eps;
        if (at) {
            st = fail_about(about, TS_GLM_ABOUT_MODEL, err,
                            "the fitted probability of %s is 0 or 1 for %zu of the %zu respondents after %d iterations: "
                            "the predictors separate the outcome completely (some level or range has only 0s or only 1s), "
                            "so the odds ratios are infinite and the model has no estimate; merge or leave out that "
                            "predictor's levels",
                            s->outcome->name, at, n, f->iterations);
            goto done;
        }
    }
    if (!conv) {
        st = fail_about(about, TS_GLM_ABOUT_MODEL, err,
                        "the model did not converge in %d iterations (R glm.fit's maxit; deviance change above %g)",
                        TS_GLM_MAXIT, TS_GLM_EPSILON);
        goto done;
    }
    /* (X'WX)^-1 = R^-1 R^-T from the last QR (W: the last iteration's working weights) */
    double *rinv = calloc(p * p, sizeof *rinv), *ainv = calloc(p * p, sizeof *ainv);
    if (!rinv || !ainv || !(f->vcov = calloc(p * p, sizeof *f->vcov)) || !(w.u = calloc((N ? N : 1) * p, sizeof *w.u))) {
        free(rinv);
        free(ainv);
        st = nomem(err);
        goto done;
    }
    for (size_t c = p; c-- > 0;) { /* column c of R^-1 by back substitution */
        for (size_t r = c + 1; r-- > 0;) {
            double s2 = r == c ? 1 : 0;
            for (size_t k = r + 1; k <= c; k++)
                s2 -= gsl_matrix_get(w.a, r, k) * rinv[k * p + c];
            rinv[r * p + c] = s2 / gsl_matrix_get(w.a, r, r);
        }
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double s2 = 0;
            for (size_t k = 0; k < p; k++)
                s2 += rinv[a * p + k] * rinv[b * p + k];
            ainv[a * p + b] = s2;
        }
    free(rinv);
    /* influences: x_i · r_i · w_i · (X'WX)^-1, r = (y − mu)/mu.eta at the fitted values */
    for (size_t r = 0; r < n; r++) {
        double me = fam == TS_GLM_LOGISTIC ? logit_mu_eta(w.eta[r]) : 1;
        double e = (w.y[r] - w.mu[r]) / me * sw[r] * sw[r];
        double *ur = &w.u[w.row[r] * p];
        for (size_t b = 0; b < p; b++) {
            double s2 = 0;
            for (size_t a = 0; a < p; a++)
                s2 += w.x[r * p + a] * e * ainv[a * p + b];
            ur[b] = s2;
        }
    }
    free(ainv);
    if (d->rep) {
        double *beta0 = malloc(p * sizeof *beta0);
        if (!beta0) {
            st = nomem(err);
            goto done;
        }
        for (size_t j = 0; j < p; j++) /* wls() used w.beta as scratch since: the last fit's */
            beta0[j] = gsl_vector_get(w.coef, j);
        st = rep_vcov(d, s, &w, w.row, n, p, beta0, f->vcov, err);
        free(beta0);
    } else
        st = ts_sample_vcov(d, w.u, p, f->vcov, err);
    if (st != TS_OK) {
        if (about)
            *about = TS_GLM_ABOUT_MODEL;
        goto done;
    }
    if (d->rep) {
        /* svyglm.svyrep.design: degf of the domain's design, before glm drops the rows with a
         * missing value, + 1 − p */
        unsigned char *dom = NULL;
        if (s->in && !(dom = calloc(N ? N : 1, 1))) {
            st = nomem(err);
            goto done;
        }
        for (size_t i = 0; dom && i < N; i++)
            dom[i] = d->w[i] > 0 && s->in[i];
        f->df = ts_sample_df(d, dom) + 1 - (double)p;
        free(dom);
    } else
        f->df = ts_sample_df(d, w.used) + 1 - (double)p;
    if (!(f->beta = malloc(p * sizeof *f->beta)) || !(f->se = malloc(p * sizeof *f->se)) ||
        !(f->t = malloc(p * sizeof *f->t)) || !(f->pval = malloc(p * sizeof *f->pval)) ||
        !(f->lo = malloc(p * sizeof *f->lo)) || !(f->hi = malloc(p * sizeof *f->hi))) {
        st = nomem(err);
        goto done;
    }
    double q = ts_rdist_qt(1 - (1 - s->level) / 2, f->df);
    for (size_t j = 0; j < p; j++) {
        f->beta[j] = w.beta[j];
        f->se[j] = sqrt(f->vcov[j * p + j]);
        f->t[j] = f->beta[j] / f->se[j];
        f->pval[j] = 2 * ts_rdist_pt(-fabs(f->t[j]), f->df);
        f->lo[j] = f->beta[j] - q * f->se[j];
        f->hi[j] = f->beta[j] + q * f->se[j];
    }
    /* Wald tests of each predictor: X² = b' V^-1 b over its columns (regTermTest) */
    for (size_t k = 0; k < np; k++) {
        ts_glm_test *t = &f->tests[k];
        size_t m = t->ncol;
        gsl_matrix *v = gsl_matrix_alloc(m, m);
        gsl_vector *bb = gsl_vector_alloc(m), *xx = gsl_vector_alloc(m);
        if (!v || !bb || !xx) {
            if (v)
                gsl_matrix_free(v);
            if (bb)
                gsl_vector_free(bb);
            if (xx)
                gsl_vector_free(xx);
            st = nomem(err);
            goto done;
        }
        for (size_t a = 0; a < m; a++) {
            gsl_vector_set(bb, a, f->beta[t->first + a]);
            for (size_t b = 0; b < m; b++)
                gsl_matrix_set(v, a, b, f->vcov[(t->first + a) * p + t->first + b]);
        }
        t->chisq = t->chisq_p = t->f = t->f_p = NAN;
        if (gsl_linalg_cholesky_decomp1(v) == GSL_SUCCESS && gsl_linalg_cholesky_solve(v, bb, xx) == GSL_SUCCESS) {
            double x2 = 0;
            for (size_t a = 0; a < m; a++)
                x2 += gsl_vector_get(bb, a) * gsl_vector_get(xx, a);
            t->chisq = x2;
            t->chisq_p = ts_rdist_pchisq_upper(x2, (double)m);
            t->f = x2 / (double)m;
            t->f_p = ts_rdist_pf_upper(t->f, (double)m, f->df);
        }
        gsl_matrix_free(v);
        gsl_vector_free(bb);
        gsl_vector_free(xx);
    }
done:
    work_free(&w, np);
    if (st != TS_OK) {
        ts_glm_fit_free(f);
        return NULL;
    }
    return f;
}
