/* calib.c — see calib.h. References are to R's survey package 4.1 (Lumley), whose code these
 * functions follow: postStratify.survey.design, rake, calibrate.survey.design2,
 * regcalibrate.survey.design2, grake, cal.linear / cal.raking / cal.logit, trimWeights. */
#include "calib.h"

#include <float.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ts_calib_poststratify(double *w, size_t n, const ts_calib_margin *m, size_t *bad_cell)
{
    double *sum = calloc(m->ncells ? m->ncells : 1, sizeof *sum);
    if (!sum)
        return -2;
    for (size_t i = 0; i < n; i++)
        if (m->cell[i] != TS_CALIB_NO_CELL)
            sum[m->cell[i]] += w[i];
    for (size_t c = 0; c < m->ncells; c++)
        if (sum[c] == 0 && m->total[c] > 0) {
            *bad_cell = c;
            free(sum);
            return -1;
        }
    for (size_t i = 0; i < n; i++) {
        size_t c = m->cell[i];
        if (c != TS_CALIB_NO_CELL)
            w[i] *= m->total[c] / sum[c];
    }
    free(sum);
    return 0;
}

int ts_calib_joint_cells(const ts_calib_margin *m, size_t nm, size_t n, size_t *out, size_t *nused)
{
    size_t nj = 1;
    for (size_t k = 0; k < nm; k++) {
        if (m[k].ncells && nj > 50000000 / m[k].ncells)
            return -1;
        nj *= m[k].ncells;
    }
    for (size_t j = 0; j < n; j++) {
        size_t idx = 0, stride = 1;
        for (size_t k = 0; k < nm && idx != TS_CALIB_NO_CELL; k++) {
            idx = m[k].cell[j] == TS_CALIB_NO_CELL ? TS_CALIB_NO_CELL : idx + m[k].cell[j] * stride;
            stride *= m[k].ncells;
        }
        out[j] = idx;
    }
    size_t *dense = malloc((nj ? nj : 1) * sizeof *dense);
    if (!dense)
        return -2;
    for (size_t q = 0; q < nj; q++)
        dense[q] = TS_CALIB_NO_CELL;
    size_t used = 0;
    for (size_t j = 0; j < n; j++) {
        if (out[j] == TS_CALIB_NO_CELL)
            continue;
        if (dense[out[j]] == TS_CALIB_NO_CELL)
            dense[out[j]] = used++;
        out[j] = dense[out[j]];
    }
    free(dense);
    *nused = used;
    return 0;
}

double ts_calib_margin_misfit(const double *w, size_t n, const ts_calib_margin *m, size_t nm, size_t *bad_margin,
                              size_t *bad_cell)
{
    double worst = 0;
    *bad_margin = *bad_cell = 0;
    for (size_t k = 0; k < nm; k++) {
        double *sum = calloc(m[k].ncells ? m[k].ncells : 1, sizeof *sum);
        if (!sum)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (m[k].cell[i] != TS_CALIB_NO_CELL)
                sum[m[k].cell[i]] += w[i];
        for (size_t c = 0; c < m[k].ncells; c++) {
            double t = m[k].total[c], miss = fabs(sum[c] - t) / (t > 1 ? t : 1);
            if (miss > worst) {
                worst = miss;
                *bad_margin = k;
                *bad_cell = c;
            }
        }
        free(sum);
    }
    return worst;
}

static void joint_table(const double *w, size_t n, const size_t *joint, size_t njoint, double *table)
{
    memset(table, 0, njoint * sizeof *table);
    for (size_t i = 0; i < n; i++)
        if (joint[i] != TS_CALIB_NO_CELL)
            table[joint[i]] += w[i];
}

int ts_calib_rake(double *w, size_t n, const ts_calib_margin *m, size_t nm, const size_t *joint, size_t njoint,
               ts_rake_control *ctl, size_t *bad_margin, size_t *bad_cell)
{
    /* R: epsilon below 1 is relative to the sum of the starting weights. */
    double eps = ctl->epsilon;
    if (eps < 1) {
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += w[i];
        eps *= total;
    }
    double *old = malloc((njoint ? njoint : 1) * sizeof *old), *now = malloc((njoint ? njoint : 1) * sizeof *now);
    if (!old || !now) {
        free(old);
        free(now);
        return -2;
    }
    joint_table(w, n, joint, njoint, old);
    ctl->iterations = 0;
    ctl->converged = 0;
    int rc = 0;
    while (ctl->iterations < ctl->maxit) {
        for (size_t k = 0; k < nm; k++) {
            rc = ts_calib_poststratify(w, n, &m[k], bad_cell);
            if (rc != 0) {
                *bad_margin = k;
                goto done;
            }
        }
        joint_table(w, n, joint, njoint, now);
        double delta = 0;
        for (size_t c = 0; c < njoint; c++)
            delta = fmax(delta, fabs(old[c] - now[c]));
        ctl->last_change = delta;
        if (delta < eps) {
            ctl->converged = 1;
            break;
        }
        memcpy(old, now, njoint * sizeof *old);
        ctl->iterations++;
    }
done:
    free(old);
    free(now);
    return rc;
}

/* ---- calibration ---------------------------------------------------------------------- */

/* g - 1 and dg/du for the distance functions (R: cal.linear, cal.raking, cal.logit). The
 * raking derivative's bounds test compares u with the bounds minus one, not their logs:
 * that is R's code, and matching it is what makes bounded raking agree. */
static double fm1(ts_calfun f, double u, double lo, double hi)
{
    switch (f) {
    case TS_CALFUN_LINEAR: return fmin(fmax(u + 1, lo), hi) - 1;
    case TS_CALFUN_RAKING: return fmin(fmax(exp(u), lo), hi) - 1;
    case TS_CALFUN_LOGIT: {
        double a = (hi - lo) / ((hi - 1) * (1 - lo)), e = exp(a * u);
        return (lo * (hi - 1) + hi * (1 - lo) * e) / (hi - 1 + (1 - lo) * e) - 1;
    }
    }
    return 0;
}

static double df(ts_calfun f, double u, double lo, double hi)
{
    switch (f) {
    case TS_CALFUN_LINEAR: return (u < hi - 1 && u > lo - 1) ? 1 : 0;
    case TS_CALFUN_RAKING: return (u < hi - 1 && u > lo - 1) ? exp(u) : 0;
    case TS_CALFUN_LOGIT: {
        double a = (hi - lo) / ((hi - 1) * (1 - lo)), e = exp(a * u), d = hi - 1 + (1 - lo) * e;
        return hi * (1 - lo) * e * a / d - ((lo * (hi - 1) + hi * (1 - lo) * e) * ((1 - lo) * e * a)) / (d * d);
    }
    }
    return 0;
}

/* X = ginv(T) * B for a symmetric P × P matrix T (R: MASS::ginv with tol = 256 eps):
 * singular values at or below tol × the largest are treated as zero. */
static int ginv_solve(const double *t, const double *b, size_t p, double *x)
{
    gsl_matrix *u = gsl_matrix_alloc(p, p), *v = gsl_matrix_alloc(p, p);
    gsl_vector *s = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
    int rc = -2;
    if (!u || !v || !s || !work)
        goto out;
    memcpy(u->data, t, p * p * sizeof *t); /* gsl_matrix_alloc gives tda == p */
    if (gsl_linalg_SV_decomp(u, v, s, work) != 0) {
        rc = -1;
        goto out;
    }
    double tol = 256 * DBL_EPSILON * gsl_vector_get(s, 0);
    for (size_t i = 0; i < p; i++)
        x[i] = 0;
    for (size_t k = 0; k < p; k++) {
        double sk = gsl_vector_get(s, k);
        if (!(sk > tol))
            continue;
        double utb = 0;
        for (size_t i = 0; i < p; i++)
            utb += gsl_matrix_get(u, i, k) * b[i];
        for (size_t i = 0; i < p; i++)
            x[i] += gsl_matrix_get(v, i, k) * utb / sk;
    }
    rc = 0;
out:
    gsl_matrix_free(u);
    gsl_matrix_free(v);
    gsl_vector_free(s);
    gsl_vector_free(work);
    return rc;
}

/* The working arrays of one ts_calib_calibrate, over the columns it keeps. */
typedef struct greg_work {
    size_t n, p;
    double *x;          /* n × p, row-major: the kept columns of the model matrix */
    double *tot;        /* p: their population totals */
    double *st;         /* p: their sample totals under ww */
    double *tm;         /* p × p: Σ d·ww·x x' */
    double *mis;        /* p: the misfit, totals − calibrated sample totals */
    double *eta, *deta; /* p: the Lagrange multipliers and their last step */
    double *u;          /* n: x'eta */
    double *g;          /* n: out: the g-weights */
    double *ww;         /* n: the starting weights (grake may scale them) */
} greg_work;

/* Unbounded linear calibration in closed form. Returns 0, or ginv_solve's code. */
static int regcalibrate(const greg_work *k, ts_calib_control *ctl)
{
    size_t n = k->n, p = k->p;
    const double *x = k->x, *tot = k->tot, *st = k->st, *ww = k->ww;
    double *tm = k->tm, *mis = k->mis, *eta = k->eta, *g = k->g;
    int rc;
    /* R: regcalibrate — g = 1 + x' T^-1 (totals - sample totals), T = sum w x x'. */
    memset(tm, 0, p * p * sizeof *tm);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++)
                tm[a * p + b] += ww[i] * x[i * p + a] * x[i * p + b];
    for (size_t j = 0; j < p; j++)
        mis[j] = tot[j] - st[j];
    if ((rc = ginv_solve(tm, mis, p, eta)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        double xe = 0;
        for (size_t j = 0; j < p; j++)
            xe += x[i * p + j] * eta[j];
        g[i] = 1 + xe;
    }
    ctl->iterations = 1;
    ctl->converged = 1;
    return 0;
}

/* R: grake, Newton iterations on the Lagrange multipliers ETA with step halving; the
 * bounded and non-linear distances. Returns 0 (CTL->converged says whether it met
 * CTL->epsilon), or ginv_solve's code. */
static int grake(const greg_work *k, ts_calib_control *ctl)
{
    size_t n = k->n, p = k->p;
    const double *x = k->x, *tot = k->tot;
    double *st = k->st, *tm = k->tm, *mis = k->mis, *eta = k->eta, *deta = k->deta, *u = k->u, *g = k->g,
           *ww = k->ww;
    int rc;
    /* When every column's population total is over 20 times its sample total,
     * R first scales the weights up by the mean ratio, and the bounds then apply to g
     * relative to the scaled weights: we do the same so bounded results agree. */
    double minscale = INFINITY, meanscale = 0;
    for (size_t j = 0; j < p; j++) {
        double s = tot[j] / st[j];
        minscale = fmin(minscale, s);
        meanscale += s / (double)p;
    }
    if (p > 0 && minscale > 20) {
        ctl->scale = meanscale;
        for (size_t i = 0; i < n; i++)
            ww[i] *= meanscale;
        for (size_t j = 0; j < p; j++)
            st[j] *= meanscale;
    }
    double lo = ctl->lower, hi = ctl->upper;
    for (size_t i = 0; i < n; i++)
        u[i] = 0;
    int iter = 1;
    for (;;) {
        memset(tm, 0, p * p * sizeof *tm);
        for (size_t j = 0; j < p; j++)
            mis[j] = tot[j] - st[j];
        for (size_t i = 0; i < n; i++) {
            double d = df(ctl->fun, u[i], lo, hi) * ww[i], f = fm1(ctl->fun, u[i], lo, hi) * ww[i];
            for (size_t a = 0; a < p; a++) {
                mis[a] -= x[i * p + a] * f;
                if (d != 0)
                    for (size_t b = 0; b < p; b++)
                        tm[a * p + b] += d * x[i * p + a] * x[i * p + b];
            }
        }
        if ((rc = ginv_solve(tm, mis, p, deta)) != 0)
            return rc;
        for (size_t j = 0; j < p; j++)
            eta[j] += deta[j];
        for (;;) {
            int finite = 1;
            for (size_t i = 0; i < n; i++) {
                double xe = 0;
                for (size_t j = 0; j < p; j++)
                    xe += x[i * p + j] * eta[j];
                u[i] = xe;
                if (!isfinite(fm1(ctl->fun, xe, lo, hi)) || !isfinite(df(ctl->fun, xe, lo, hi)))
                    finite = 0;
            }
            if (finite || iter >= ctl->maxit)
                break;
            iter++; /* R: step halving while g or its derivative is not finite */
            for (size_t j = 0; j < p; j++) {
                deta[j] /= 2;
                eta[j] -= deta[j];
            }
        }
        for (size_t j = 0; j < p; j++)
            mis[j] = tot[j] - st[j];
        for (size_t i = 0; i < n; i++) {
            double f = fm1(ctl->fun, u[i], lo, hi) * ww[i];
            for (size_t a = 0; a < p; a++)
                mis[a] -= x[i * p + a] * f;
        }
        double worst = 0;
        for (size_t j = 0; j < p; j++)
            worst = fmax(worst, fabs(mis[j]) / (1 + fabs(tot[j])));
        ctl->achieved = worst;
        ctl->iterations = iter;
        if (worst < ctl->epsilon) {
            ctl->converged = 1;
            break;
        }
        if (++iter > ctl->maxit)
            break;
    }
    for (size_t i = 0; i < n; i++)
        g[i] = (1 + fm1(ctl->fun, u[i], lo, hi)) * ctl->scale;
    return 0;
}

int ts_calib_calibrate(double *w, size_t n, const double *x0, size_t p0, const double *totals0, ts_calib_control *ctl,
                    double *g_out)
{
    ctl->iterations = 0;
    ctl->achieved = 0;
    ctl->scale = 1;
    ctl->converged = 0;
    int rc = -2;
    /* R drops columns whose sample and population totals are both zero. */
    size_t *keep = malloc((p0 ? p0 : 1) * sizeof *keep), p = 0;
    double *st0 = calloc(p0 ? p0 : 1, sizeof *st0);
    double *x = NULL, *tot = NULL, *st = NULL, *tm = NULL, *mis = NULL, *eta = NULL, *deta = NULL, *u = NULL,
           *g = NULL, *ww = NULL;
    if (!keep || !st0)
        goto out;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p0; j++)
            st0[j] += x0[i * p0 + j] * w[i];
    for (size_t j = 0; j < p0; j++) {
        int allzero = 1;
        for (size_t i = 0; i < n && allzero; i++)
            allzero = x0[i * p0 + j] == 0;
        if (!(st0[j] == 0 && totals0[j] == 0 && allzero))
            keep[p++] = j;
    }
    x = malloc((n && p ? n * p : 1) * sizeof *x);
    tot = malloc((p ? p : 1) * sizeof *tot);
    st = malloc((p ? p : 1) * sizeof *st);
    tm = malloc((p ? p * p : 1) * sizeof *tm);
    mis = malloc((p ? p : 1) * sizeof *mis);
    eta = calloc(p ? p : 1, sizeof *eta);
    deta = malloc((p ? p : 1) * sizeof *deta);
    u = malloc((n ? n : 1) * sizeof *u);
    g = malloc((n ? n : 1) * sizeof *g);
    ww = malloc((n ? n : 1) * sizeof *ww);
    if (!x || !tot || !st || !tm || !mis || !eta || !deta || !u || !g || !ww)
        goto out;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            x[i * p + j] = x0[i * p0 + keep[j]];
    for (size_t j = 0; j < p; j++) {
        tot[j] = totals0[keep[j]];
        st[j] = st0[keep[j]];
    }
    memcpy(ww, w, n * sizeof *ww);

    greg_work k = {n, p, x, tot, st, tm, mis, eta, deta, u, g, ww};
    if (ctl->fun == TS_CALFUN_LINEAR && isinf(ctl->lower) && isinf(ctl->upper))
        rc = regcalibrate(&k, ctl);
    else
        rc = grake(&k, ctl);
    if (rc != 0)
        goto out;
    if (!ctl->converged) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (g_out)
            g_out[i] = g[i];
        w[i] *= g[i];
    }
    rc = 0;
out:
    free(keep);
    free(st0);
    free(x);
    free(tot);
    free(st);
    free(tm);
    free(mis);
    free(eta);
    free(deta);
    free(u);
    free(g);
    free(ww);
    return rc;
}

int ts_calib_trim(double *w, size_t n, double lower, double upper, int strict, size_t *trimmed)
{
    int rounds = 0;
    for (;;) {
        /* Sharing out keeps the total, so bounds the mean weight lies outside can never all
         * hold, and strict rounds would go on for ever (R's trimWeights recurses until the
         * stack overflows): a cap, far above the dozen rounds real bounds take. */
        if (rounds == TS_CALIB_TRIM_MAX_ROUNDS)
            return -2;
        size_t outside = 0;
        double cut = 0;
        for (size_t i = 0; i < n; i++)
            if (w[i] < lower || w[i] > upper) {
                double nw = fmax(lower, fmin(w[i], upper));
                cut += w[i] - nw;
                outside++;
            }
        if (outside == 0)
            break;
        if (outside == n) /* no weight inside the bounds to take the trimmed amount */
            return -1;
        rounds++;
        double share = cut / (double)(n - outside);
        for (size_t i = 0; i < n; i++) {
            if (w[i] < lower || w[i] > upper)
                w[i] = fmax(lower, fmin(w[i], upper));
            else
                w[i] += share;
        }
        if (!strict)
            break;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += w[i] <= lower || w[i] >= upper;
    *trimmed = at;
    return rounds;
}
