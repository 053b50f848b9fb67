/* replicate.c — see replicate.h. R survey 4.1.1: svrVar (the variance of replicate estimates),
 * degf.svyrep.design (rank of the analysis weights), as.svrepdesign's scales. */
#include "replicate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

static const char *const rep_names[] = {"linearization", "jk1", "jkn", "bootstrap", "brr", "fay", "other"};

const char *ts_rep_type_name(ts_rep_type t)
{
    return (unsigned)t < sizeof rep_names / sizeof *rep_names ? rep_names[t] : "?";
}

int ts_rep_type_parse(const char *s, ts_rep_type *out)
{
    for (size_t i = 0; s && i < sizeof rep_names / sizeof *rep_names; i++)
        if (strcmp(s, rep_names[i]) == 0) {
            *out = (ts_rep_type)i;
            return 0;
        }
    return -1;
}

/* as.svrepdesign / svrepdesign: jk1weights' (n−1)/n (one unstratified set of PSUs: R = n),
 * bootstrap's 1/(R−1) (bootstrap.average 1), BRR 1/R, Fay 1/(R(1−ρ)²). */
double ts_replicate_default_scale(ts_rep_type t, size_t nrep, double fay_rho)
{
    double r = (double)nrep;
    switch (t) {
    case TS_REP_JK1: return nrep ? (r - 1) / r : NAN;
    case TS_REP_BOOTSTRAP: return nrep > 1 ? 1 / (r - 1) : NAN;
    case TS_REP_BRR: return nrep ? 1 / r : NAN;
    case TS_REP_FAY: return nrep ? 1 / (r * (1 - fay_rho) * (1 - fay_rho)) : NAN;
    default: return 1;
    }
}

ts_replicates *ts_replicates_new(ts_rep_type type, size_t n, size_t nrep)
{
    ts_replicates *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (nrep && n > SIZE_MAX / sizeof(double) / nrep) {
        free(r);
        return NULL;
    }
    r->type = type;
    r->nrep = nrep;
    r->scale = 1;
    r->df = NAN;
    r->w = calloc(n && nrep ? n * nrep : 1, sizeof *r->w);
    r->rscales = malloc((nrep ? nrep : 1) * sizeof *r->rscales);
    if (!r->w || !r->rscales) {
        ts_replicates_free(r);
        return NULL;
    }
    for (size_t j = 0; j < nrep; j++)
        r->rscales[j] = 1;
    return r;
}

void ts_replicates_free(ts_replicates *rep)
{
    if (!rep)
        return;
    free(rep->w);
    free(rep->rscales);
    free(rep);
}

/* svrVar: thetas <- na.omit(thetas) (a replicate with any NA goes, with its rscale); the
 * centre is coef (mse) or colMeans(thetas[rscales > 0, ]); v <- crossprod(sweep(thetas, 2,
 * centre) * sqrt(rscales)) * scale. */
void ts_replicate_vcov_theta(const ts_replicates *rep, const double *theta, const double *theta_hat, size_t k,
                             double *v, size_t *dropped)
{
    size_t R = rep->nrep, kept = 0, npos = 0, nd = 0;
    for (size_t a = 0; a < k * k; a++)
        v[a] = 0;
    /* the centre in long double, as R's mean() and colMeans() sum: replicates that all agree
     * (a domain whose CDF no replicate moves) then centre exactly, and the variance is 0 as in
     * R, not a few ulps that move a Woodruff interval across a step of the CDF */
    long double *c = calloc(k ? k : 1, sizeof *c);
    unsigned char *ok = malloc(R ? R : 1);
    if (!c || !ok) {
        for (size_t a = 0; a < k * k; a++)
            v[a] = NAN;
        free(c);
        free(ok);
        return;
    }
    for (size_t r = 0; r < R; r++) {
        ok[r] = 1;
        for (size_t a = 0; a < k; a++)
            if (isnan(theta[r * k + a]))
                ok[r] = 0;
        if (!ok[r]) {
            nd++;
            continue;
        }
        kept++;
        if (rep->rscales[r] > 0) {
            npos++;
            for (size_t a = 0; a < k; a++)
                c[a] += theta[r * k + a];
        }
    }
    if (dropped)
        *dropped = nd;
    if (!kept) {
        for (size_t a = 0; a < k * k; a++)
            v[a] = NAN;
        free(c);
        free(ok);
        return;
    }
    for (size_t a = 0; a < k; a++)
        c[a] = rep->mse ? theta_hat[a] : (double)(c[a] / npos); /* npos 0: NaN, as R's colMeans of none */
    /* Long double accumulation: R's crossprod is a BLAS dgemm in double; the sums here are
     * of R (≤ a few thousand) terms, so either agrees far inside 1e-12. */
    for (size_t a = 0; a < k; a++)
        for (size_t b = a; b < k; b++) {
            long double s = 0;
            for (size_t r = 0; r < R; r++)
                if (ok[r])
                    s += (long double)rep->rscales[r] * (theta[r * k + a] - c[a]) * (theta[r * k + b] - c[b]);
            v[a * k + b] = v[b * k + a] = (double)(s * rep->scale);
        }
    free(c);
    free(ok);
}

ts_status ts_replicate_vcov(const ts_sample *d, ts_rep_estimator f, void *ctx, const double *theta_hat, size_t k,
                            double *v, ts_err *err)
{
    const ts_replicates *rep = d->rep;
    if (!rep)
        return ts_err_set(err, TS_E_INTERNAL, "ts_replicate_vcov: the sample has no replicate weights");
    size_t R = rep->nrep, n = d->n;
    if (k && R > SIZE_MAX / sizeof(double) / k)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    double *theta = malloc((R && k ? R * k : 1) * sizeof *theta);
    if (!theta)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    /* The view: the design's strata, PSUs and everything else as they are (an estimator may
     * look at them), the weights those of replicate r — already calibrated when the design
     * was (each replicate recalibrated by tsunagari-weight, as R's rake on a svyrep.design),
     * so the view itself is uncalibrated. */
    ts_sample view = *d;
    view.rep = NULL;
    view.cal = TS_SAMPLE_UNCALIBRATED;
    view.rake_exact = 0;
    ts_status st = TS_OK;
    for (size_t r = 0; r < R && st == TS_OK; r++) {
        view.w = view.d = view.wcal = rep->w + r * n;
        st = f(&view, ctx, theta + r * k, err);
    }
    if (st == TS_OK)
        ts_replicate_vcov_theta(rep, theta, theta_hat, k, v, NULL);
    free(theta);
    return st;
}

/* ---- degf: rank of the analysis weights ---------------------------------------------- */

/* FNV-1a over the bytes of N doubles. */
static uint64_t hash_doubles(const double *x, size_t n, size_t stride)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride] == 0 ? 0 : x[i * stride]; /* -0 and 0 alike */
        unsigned char b[sizeof v];
        memcpy(b, &v, sizeof v);
        for (size_t j = 0; j < sizeof v; j++)
            h = (h ^ b[j]) * 1099511628211ULL;
    }
    return h;
}

typedef struct {
    uint64_t h;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Keep one of every group of identical vectors (each LEN doubles at X + i*STEP, element
 * stride STRIDE, COUNT of them): KEEP[i] = 1 for the first of its group. Duplicates do not
 * change a rank, and removing them first makes the QR below cheap for jackknives (every
 * replicate that drops a PSU outside a domain is the same on the domain's rows). */
static int mark_unique(const double *x, size_t count, size_t len, size_t step, size_t stride, unsigned char *keep)
{
    keyed *k = malloc((count ? count : 1) * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < count; i++) {
        k[i].h = hash_doubles(x + i * step, len, stride);
        k[i].i = i;
        keep[i] = 1;
    }
    qsort(k, count, sizeof *k, cmp_keyed);
    for (size_t a = 0; a < count; a++) {
        if (!keep[k[a].i])
            continue;
        for (size_t b = a + 1; b < count && k[b].h == k[a].h; b++) {
            if (!keep[k[b].i])
                continue;
            const double *p = x + k[a].i * step, *q = x + k[b].i * step;
            size_t j = 0;
            while (j < len && p[j * stride] == q[j * stride])
                j++;
            if (j == len)
                keep[k[b].i] = 0;
        }
    }
    free(k);
    return 0;
}

static double col_norm(const double *x, size_t from, size_t m)
{
    double s = 0;
    for (size_t i = from; i < m; i++)
        s += x[i] * x[i];
    return sqrt(s);
}

/* Rank of the M × P column-major matrix X (overwritten) as R's qr(x, tol) finds it: LINPACK
 * dqrdc2's Householder QR with its limited pivoting — a column whose norm below the rows
 * already eliminated falls under TOL times its original norm is moved to the end and not
 * counted. (dqrdc2 downdates the norms; they are recomputed here.) */
static size_t qr_rank(double *x, size_t m, size_t p, double tol)
{
    double *orig = malloc((p ? p : 1) * sizeof *orig), *tmp = malloc((m ? m : 1) * sizeof *tmp);
    if (!orig || !tmp) {
        free(orig);
        free(tmp);
        return SIZE_MAX;
    }
    for (size_t j = 0; j < p; j++) {
        orig[j] = col_norm(x + j * m, 0, m);
        if (orig[j] == 0)
            orig[j] = 1;
    }
    size_t k = p, lup = m < p ? m : p; /* k: columns not moved away */
    for (size_t l = 0; l < lup; l++) {
        while (l < k && col_norm(x + l * m, l, m) < orig[l] * tol) {
            /* move column l to the end */
            memcpy(tmp, x + l * m, m * sizeof *tmp);
            double o = orig[l];
            memmove(x + l * m, x + (l + 1) * m, (p - l - 1) * m * sizeof *x);
            memcpy(x + (p - 1) * m, tmp, m * sizeof *tmp);
            memmove(orig + l, orig + l + 1, (p - l - 1) * sizeof *orig);
            orig[p - 1] = o;
            k--;
        }
        if (l + 1 == m || l >= k)
            break;
        double *c = x + l * m, nrm = col_norm(c, l, m);
        if (nrm == 0)
            continue;
        if (c[l] < 0)
            nrm = -nrm;
        for (size_t i = l; i < m; i++)
            c[i] /= nrm;
        c[l] += 1;
        for (size_t j = l + 1; j < k; j++) { /* the columns moved away take no part in the rank */
            double *cj = x + j * m, t = 0;
            for (size_t i = l; i < m; i++)
                t -= c[i] * cj[i];
            t /= c[l];
            for (size_t i = l; i < m; i++)
                cj[i] += t * c[i];
        }
    }
    free(orig);
    free(tmp);
    return k < m ? k : m;
}

double ts_replicate_df(const ts_replicates *rep, size_t n, const double *w, const unsigned char *in)
{
    size_t R = rep->nrep, m = 0;
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return NAN;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0 && (!in || in[i]))
            rows[m++] = i;
    /* The analysis weights of those rows, one column per replicate; then one of each set of
     * equal columns and of each set of equal rows (neither changes the rank). */
    double *a = calloc(m && R ? m * R : 1, sizeof *a);
    unsigned char *kc = malloc(R ? R : 1), *kr = malloc(m ? m : 1);
    double rank = NAN;
    if (a && kc && kr) {
        /* each row divided by its full-sample weight (the rank does not change): rows of one PSU
         * then coincide when the replicates are multipliers of the weight, and go below */
        for (size_t r = 0; r < R; r++)
            for (size_t i = 0; i < m; i++)
                a[r * m + i] = rep->w[r * n + rows[i]] / w[rows[i]];
        if (mark_unique(a, R, m, m, 1, kc) == 0) {
            size_t p = 0;
            for (size_t r = 0; r < R; r++)
                if (kc[r]) {
                    if (p != r)
                        memmove(a + p * m, a + r * m, m * sizeof *a);
                    p++;
                }
            if (mark_unique(a, m, p, 1, m, kr) == 0) {
                size_t mm = 0;
                for (size_t i = 0; i < m; i++)
                    if (kr[i]) {
                        for (size_t j = 0; j < p; j++)
                            a[j * m + mm] = a[j * m + i];
                        mm++;
                    }
                /* compact to mm × p column-major */
                for (size_t j = 0; j < p; j++)
                    memmove(a + j * mm, a + j * m, mm * sizeof *a);
                size_t rk = qr_rank(a, mm, p, 1e-5);
                if (rk != SIZE_MAX)
                    rank = (double)rk;
            }
        }
    }
    free(a);
    free(kc);
    free(kr);
    free(rows);
    return rank - 1;
}
