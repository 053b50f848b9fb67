/* quantile.c — see quantile.h. The rules are R survey 4.1's qrule_* functions (survey/R/
 * svyquantile.R: qs, qrule_math ... qrule_hf9) written out, including their arithmetic: sums
 * and cumulative sums in long double as R's sum and cumsum accumulate, so that a rule that
 * tests whether the CDF hits p exactly (math, school, hf3) decides as R does; approx() with
 * rule = 2 and ties = mean. The interval is woodruffCI's (Woodruff, R. S. (1952) "Confidence
 * intervals for medians and other position measures", JASA 47, 635-646): the CDF at the
 * quantile, F̂(q̂) = svymean(x <= q̂), its interval, and the quantiles of its ends. */
#include "quantile.h"

#include "betaquant.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const QRULES[] = {"math", "school", "shahvaish", "hf1", "hf2", "hf3",
                                     "hf4",  "hf5",    "hf6",       "hf7", "hf8", "hf9"};

const char *ts_qrule_name(ts_qrule r) { return QRULES[r]; }

int ts_qrule_parse(const char *s, ts_qrule *out)
{
    for (int i = 0; i < (int)(sizeof QRULES / sizeof *QRULES); i++)
        if (strcmp(s, QRULES[i]) == 0) {
            *out = (ts_qrule)i;
            return 0;
        }
    return -1;
}

const char *ts_quantile_ci_name(ts_quantile_ci m) { return m == TS_QCI_BETA ? "beta" : "mean"; }

int ts_quantile_ci_parse(const char *s, ts_quantile_ci *out)
{
    if (strcmp(s, "mean") == 0 || strcmp(s, "woodruff") == 0)
        *out = TS_QCI_MEAN;
    else if (strcmp(s, "beta") == 0)
        *out = TS_QCI_BETA;
    else
        return -1;
    return 0;
}

typedef struct pair {
    double x, w;
    size_t i; /* position in the input: R's order() is stable */
} pair;

static int by_x(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* R's qs(): on X sorted with weights W (N > 0), the last position whose cumulative weight is
 * at most p·Σw (the first when none is), the next one, and how far p is from the CDF there. */
typedef struct qsdata {
    double qlow, qup, wlow, wup;
    size_t ilow; /* 1-based, as R's */
} qsdata;

static qsdata qs(const double *x, const double *w, size_t n, double p, double *cumw)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++) {
        s += w[i];
        cumw[i] = (double)s;
    }
    double total = (double)s, lim = p * total;
    size_t pos = 0;
    int any = 0;
    for (size_t i = 0; i < n; i++)
        if (cumw[i] <= lim) {
            pos = i;
            any = 1;
        }
    if (!any)
        pos = 0; /* R's last(): 1 when nothing is TRUE */
    size_t next = pos == n - 1 ? pos : pos + 1;
    return (qsdata){x[pos], x[next], p - cumw[pos] / total, cumw[next] / total - p, pos + 1};
}

/* R's approx(PK, Y, p, method, rule = 2, f = 0, ties = mean) over N points; PK and Y are
 * reordered (and collapsed) in place. */
static double approx(double *pk, double *y, size_t n, double v, int constant)
{
    int sorted = 1;
    for (size_t i = 1; i < n; i++)
        sorted &= !(pk[i] < pk[i - 1]);
    if (!sorted) {
        pair *p = malloc(n * sizeof *p);
        if (!p)
            return NAN;
        for (size_t i = 0; i < n; i++)
            p[i] = (pair){pk[i], y[i], i};
        qsort(p, n, sizeof *p, by_x);
        for (size_t i = 0; i < n; i++) {
            pk[i] = p[i].x;
            y[i] = p[i].w;
        }
        free(p);
    }
    size_t m = 0;
    for (size_t i = 0; i < n;) { /* ties: the mean of their y */
        size_t j = i;
        long double s = 0;
        while (j < n && pk[j] == pk[i])
            s += y[j++];
        pk[m] = pk[i];
        y[m++] = j - i == 1 ? y[i] : (double)(s / (long double)(j - i));
        i = j;
    }
    n = m;
    size_t i = 0, j = n - 1;
    if (v < pk[i])
        return y[0];
    if (v > pk[j])
        return y[n - 1];
    while (i + 1 < j) {
        size_t ij = (i + j) / 2;
        if (v < pk[ij])
            j = ij;
        else
            i = ij;
    }
    if (v == pk[j])
        return y[j];
    if (v == pk[i])
        return y[i];
    if (constant)
        return y[i];
    return y[i] + (y[j] - y[i]) * ((v - pk[i]) / (pk[j] - pk[i]));
}

/* R's mean(): the long double sum over n, refined by the mean of the residuals. */
static double r_mean(const double *w, size_t n)
{
    long double s = 0, t = 0;
    for (size_t i = 0; i < n; i++)
        s += w[i];
    s /= (long double)n;
    for (size_t i = 0; i < n; i++)
        t += w[i] - s;
    return (double)(s + t / (long double)n);
}

/* The rule on X sorted ascending with positive weights W (N > 0); WORK: 3N doubles. */
static double rule_sorted(ts_qrule rule, const double *x, const double *w, size_t n, double p, double *work)
{
    double *cumw = work, *pk = work + n, *y = work + 2 * n;
    qsdata q;
    switch (rule) {
    case TS_QRULE_MATH:
    case TS_QRULE_HF1:
        q = qs(x, w, n, p, cumw);
        return q.wlow == 0 ? q.qlow : q.qup;
    case TS_QRULE_SCHOOL:
    case TS_QRULE_HF2:
        q = qs(x, w, n, p, cumw);
        return q.wlow == 0 ? (q.qlow + q.qup) / 2 : q.qup;
    case TS_QRULE_HF3: {
        /* weights summed per distinct value (R's rowsum: in row order, double) */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m && x[i] == pk[m - 1])
                y[m - 1] += w[i];
            else {
                pk[m] = x[i];
                y[m++] = w[i];
            }
        }
        q = qs(pk, y, m, p, cumw);
        return q.wlow == 0 && q.ilow % 2 == 0 ? q.qlow : q.qup;
    }
    case TS_QRULE_HF4: {
        q = qs(x, w, n, p, cumw);
        double gamma = q.wlow / (q.wup + q.wlow);
        return q.qlow * (1 - gamma) + q.qup * gamma;
    }
    default:
        break;
    }
    long double s = 0;
    for (size_t i = 0; i < n; i++) {
        s += w[i];
        cumw[i] = (double)s;
        y[i] = x[i];
    }
    double last = cumw[n - 1];
    switch (rule) {
    case TS_QRULE_SHAHVAISH: {
        double mw = r_mean(w, n);
        long double sb = 0;
        for (size_t i = 0; i < n; i++) {
            sb += w[i] / mw;
            pk[i] = ((double)sb + 0.5 - w[i] / 2) / (double)(n + 1);
        }
        return approx(pk, y, n, p, 1);
    }
    case TS_QRULE_HF5:
        for (size_t i = 0; i < n; i++)
            pk[i] = (cumw[i] - w[i] / 2) / last;
        break;
    case TS_QRULE_HF6:
        for (size_t i = 0; i < n; i++)
            pk[i] = cumw[i] / (last + w[n - 1]);
        break;
    case TS_QRULE_HF7:
        if (n == 1)
            return x[0];
        for (size_t i = 0; i < n; i++)
            pk[i] = (i ? cumw[i - 1] : 0) / cumw[n - 2];
        break;
    case TS_QRULE_HF8:
        for (size_t i = 0; i < n; i++)
            pk[i] = ((i ? cumw[i - 1] : 0) * 1 / 3 + cumw[i] * 2 / 3) / (last + w[n - 1] / 3);
        break;
    case TS_QRULE_HF9:
        for (size_t i = 0; i < n; i++)
            pk[i] = ((i ? cumw[i - 1] : 0) * 3 / 8 + cumw[i] * 5 / 8) / (last + w[n - 1] / 4);
        break;
    default:
        return NAN;
    }
    return approx(pk, y, n, p, 0);
}

/* X, W of N pairs sorted by value (stable), zero weights dropped; *M kept. */
static pair *sorted_pairs(const double *x, const double *w, size_t n, size_t *m)
{
    pair *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] != 0)
            p[k++] = (pair){x[i], w[i], i};
    qsort(p, k, sizeof *p, by_x);
    *m = k;
    return p;
}

/* The rule on pairs already sorted: split into X and W, with work space. */
static double rule_pairs(ts_qrule rule, const pair *p, size_t m, double p_, double *buf)
{
    if (m == 0 || isnan(p_))
        return NAN;
    double *x = buf, *w = buf + m;
    for (size_t i = 0; i < m; i++) {
        x[i] = p[i].x;
        w[i] = p[i].w;
    }
    return rule_sorted(rule, x, w, m, p_, buf + 2 * m);
}

double ts_quantile_rule(ts_qrule rule, const double *x, const double *w, size_t n, double p)
{
    size_t m;
    pair *pr = sorted_pairs(x, w, n, &m);
    double *buf = malloc((5 * m + 1) * sizeof *buf), q = NAN;
    if (pr && buf)
        q = rule_pairs(rule, pr, m, p, buf);
    free(pr);
    free(buf);
    return q;
}

/* The critical value of R's qcrit: qnorm on infinite df, else qt (NaN on df <= 0, as R). */
static double qcrit(double p, double df)
{
    if (isinf(df))
        return gsl_cdf_ugaussian_Pinv(p);
    return df > 0 ? gsl_cdf_tdist_Pinv(p, df) : NAN;
}

ts_status ts_quantile_domain(const ts_sample *d, const ts_var *var, const unsigned char *in, const double *probs,
                             size_t np, ts_qrule rule, ts_quantile_ci ci, double level, ts_estimate *out,
                             double *missing, ts_err *err)
{
    size_t n = d->n, nobs = 0;
    ts_status st = TS_OK;
    double nmiss = 0, psum = 0, nrow_cal = 0;
    unsigned char *use = calloc(n ? n : 1, 1);
    double *xs = malloc((n ? n : 1) * sizeof *xs), *ws = malloc((n ? n : 1) * sizeof *ws);
    double *z = NULL, *v = NULL, *buf = NULL, *qhat = NULL, *F = NULL;
    pair *pr = NULL;
    if (!use || !xs || !ws)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        nrow_cal += d->w[i] > 0;
        if ((in && !in[i]) || d->w[i] <= 0)
            continue;
        if (ts_var_is_missing(var, i)) {
            nmiss++;
            continue;
        }
        use[i] = 1;
        xs[nobs] = ts_var_num(var, i);
        /* R holds a design's weights as sampling probabilities and gives back 1/(1/w), which
         * may differ from w in the last bit; a rule that asks whether the CDF hits p exactly
         * (math, school, hf3: equal weights within a stratum, p·n whole) must see R's. */
        ws[nobs++] = 1 / (1 / d->w[i]);
    }
    *missing = nmiss;
    /* R: svyquantile(na.rm = TRUE) subsets the design to the answers before degf() */
    double df = ts_sample_df(d, use);
    {
        long double s = 0;
        for (size_t k = 0; k < nobs; k++)
            s += ws[k];
        psum = (double)s;
    }
    for (size_t j = 0; j < np; j++)
        out[j] = (ts_estimate){0, 0, (double)nobs, NAN, psum, NAN, NAN, NAN, NAN, df, NAN};
    if (nobs == 0)
        goto done;
    size_t m;
    if (!(pr = sorted_pairs(xs, ws, nobs, &m)) || !(buf = malloc((5 * m + 1) * sizeof *buf)) ||
        !(z = calloc(n * np, sizeof *z)) || !(v = malloc(np * np * sizeof *v)) || !(qhat = malloc(np * sizeof *qhat)))
        goto nomem;
    /* the CDF at each quantile, F̂ = Σ w·[x ≤ q̂] / Σw, and its influence values w([x ≤ q̂] − F̂)/Σw
     * (R: svymean(x <= qhat, design)) */
    if (!(F = malloc(np * sizeof *F)))
        goto nomem;
    for (size_t j = 0; j < np; j++) {
        qhat[j] = rule_pairs(rule, pr, m, probs[j], buf);
        long double s = 0;
        for (size_t k = 0; k < nobs; k++)
            s += (xs[k] <= qhat[j]) * ws[k] / psum;
        F[j] = (double)s;
    }
    for (size_t i = 0, k = 0; i < n; i++)
        if (use[i]) {
            for (size_t j = 0; j < np; j++)
                z[i * np + j] = ((xs[k] <= qhat[j]) - F[j]) * ws[k] / psum;
            k++;
        }
    if ((st = ts_sample_vcov(d, z, np, v, err)) != TS_OK)
        goto done;
    double a = 1 - level;
    /* nrow(design) of Korn–Graubard: the answers in the domain, or every row of a calibrated
     * design (R keeps them with zero weight) */
    double nrow = d->cal != TS_SAMPLE_UNCALIBRATED ? nrow_cal : (double)nobs;
    for (size_t j = 0; j < np; j++) {
        double var_f = v[j * np + j], se_f = sqrt(var_f > 0 ? var_f : 0), lo, hi;
        if (ci == TS_QCI_MEAN) {
            double t = qcrit(1 - a / 2, df);
            lo = F[j] - t * se_f;
            hi = F[j] + t * se_f;
        } else {
            double neff = F[j] * (1 - F[j]) / var_f, r = qcrit(a / 2, nrow - 1) / qcrit(a / 2, df);
            neff *= r * r;
            lo = ts_betaquant_solve(a / 2, neff * F[j], neff * (1 - F[j]) + 1);
            hi = ts_betaquant_solve(1 - a / 2, neff * F[j] + 1, neff * (1 - F[j]));
        }
        ts_estimate *e = &out[j];
        e->estimate = qhat[j];
        e->lo = isnan(lo) || lo < 0 ? NAN : rule_pairs(rule, pr, m, lo, buf);
        e->hi = isnan(hi) || hi > 1 ? NAN : rule_pairs(rule, pr, m, hi, buf);
        e->se = (e->hi - e->lo) / (2 * qcrit(1 - a / 2, df));
    }
done:
    free(F);
    free(use);
    free(xs);
    free(ws);
    free(z);
    free(v);
    free(buf);
    free(qhat);
    free(pr);
    return st;
nomem:
    st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    goto done;
}
