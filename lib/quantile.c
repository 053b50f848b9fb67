/* quantile.c — see quantile.h. The rules are R survey 4.1's qrule_* functions (survey/R/
 * svyquantile.R: qs, qrule_math ... qrule_hf9) written out, including their arithmetic: sums
 * and cumulative sums in long double as R's sum and cumsum accumulate, so that a rule that
 * tests whether the CDF hits p exactly (math, school, hf3) decides as R does; approx() with
 * rule = 2 and ties = mean. The interval is woodruffCI's (Woodruff, R. S. (1952) "Confidence
 * intervals for medians and other position measures", JASA 47, 635-646): the CDF at the
 * quantile, F̂(q̂) = svymean(x <= q̂), its interval, and the quantiles of its ends. */
#include "quantile.h"
#include "rdist.h"

#include "betaquant.h"

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

static const char *const QCIS[] = {"mean", "beta", "xlogit", "asin", "quantile"};

const char *ts_quantile_ci_name(ts_quantile_ci m) { return QCIS[m]; }

int ts_quantile_ci_parse(const char *s, ts_quantile_ci *out)
{
    if (strcmp(s, "woodruff") == 0) {
        *out = TS_QCI_MEAN;
        return 0;
    }
    for (int i = 0; i < (int)(sizeof QCIS / sizeof *QCIS); i++)
        if (strcmp(s, QCIS[i]) == 0) {
            *out = (ts_quantile_ci)i;
            return 0;
        }
    return -1;
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

/* What the replicate estimators see: the domain's answers in row order. */
typedef struct rep_ctx {
    const unsigned char *use; /* per row: an answer of the domain */
    const double *xs;         /* the answers, in the order of the rows */
    size_t n, nobs, np;
    const double *qhat;       /* the full-sample quantiles */
    const double *probs;
    ts_qrule rule;
    const ts_var *var;        /* for the message */
    double *wr;               /* work: NOBS replicate weights */
    size_t calls;             /* replicates seen, for the message */
} rep_ctx;

/* The CDF at each full-sample quantile under one replicate's weights, Σ w_r [x ≤ q̂] / Σ w_r over
 * the domain's answers (R: woodruffCI's svymean(x <= qhat) on the svyrep.design, whose
 * replicate means are colSums / sum); NaN where the replicate gives the domain no weight,
 * which svrVar leaves out. */
static ts_status rep_cdf(const ts_sample *view, void *vctx, double *theta, ts_err *err)
{
    (void)err;
    const rep_ctx *c = vctx;
    for (size_t j = 0; j < c->np; j++) {
        long double num = 0, den = 0;
        for (size_t i = 0, k = 0; i < c->n; i++)
            if (c->use[i]) {
                num += view->w[i] * (double)(c->xs[k++] <= c->qhat[j]);
                den += view->w[i];
            }
        theta[j] = (double)num / (double)den;
    }
    return TS_OK;
}

/* The quantiles by the rule under one replicate's weights (R: repCI's qrule(x, wi, p)). A
 * replicate that leaves the domain no answer has no quantile: R's rules stop there
 * ("missing value where TRUE/FALSE needed"), and so does this (TS_E_DATA). */
static ts_status rep_quantile(const ts_sample *view, void *vctx, double *theta, ts_err *err)
{
    rep_ctx *c = vctx;
    size_t r = ++c->calls;
    for (size_t i = 0, k = 0; i < c->n; i++)
        if (c->use[i])
            c->wr[k++] = view->w[i];
    size_t m = 0;
    pair *pr = sorted_pairs(c->xs, c->wr, c->nobs, &m);
    double *buf = malloc((5 * m + 1) * sizeof *buf);
    ts_status st = TS_OK;
    if (!pr || !buf)
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    int has_label = c->var->label && *c->var->label;
    if (st == TS_OK && m == 0)
        st = ts_err_set(err, TS_E_DATA,
                        "%s%s%s%s: replicate %zu gives none of the domain's %zu answers a weight, so it has no "
                        "quantile: quantile_ci = quantile needs one in every replicate (R's svyquantile stops there "
                        "too); quantile_ci = mean does not",
                        c->var->name, has_label ? " (" : "", has_label ? c->var->label : "", has_label ? ")" : "", r,
                        c->nobs);
    for (size_t j = 0; j < c->np && st == TS_OK; j++)
        theta[j] = rule_pairs(c->rule, pr, m, c->probs[j], buf);
    free(pr);
    free(buf);
    return st;
}

/* R survey's expit. */
static double expit(double x) { return exp(x) / (1 + exp(x)); }

ts_status ts_quantile_domain(const ts_sample *d, const ts_var *var, const unsigned char *in, const double *probs,
                             size_t np, ts_qrule rule, ts_quantile_ci ci, double level, ts_estimate *out,
                             double *missing, ts_err *err)
{
    size_t n = d->n, nobs = 0;
    ts_status st = TS_OK;
    double nmiss = 0, psum = 0, nrow_cal = 0;
    unsigned char *use = calloc(n ? n : 1, 1);
    double *xs = malloc((n ? n : 1) * sizeof *xs), *ws = malloc((n ? n : 1) * sizeof *ws);
    double *z = NULL, *v = NULL, *buf = NULL, *qhat = NULL, *F = NULL, *wr = NULL;
    pair *pr = NULL;
    if (!use || !xs || !ws)
        goto nomem;
    if (ci == TS_QCI_QUANTILE && !d->rep) {
        st = ts_err_set(err, TS_E_DATA,
                        "quantile_ci = quantile needs replicate weights ([design] variance): without them the "
                        "quantile has no variance of its own (R: svyquantile's interval.type = \"quantile\" is "
                        "for a svyrep.design); use mean, beta, xlogit or asin");
        goto done;
    }
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
         * (math, school, hf3: equal weights within a stratum, p·n whole) must see R's. A
         * svrepdesign keeps the weights it is given; as.svrepdesign takes svydesign's. */
        ws[nobs++] = d->rep && !d->rep->made ? d->w[i] : 1 / (1 / d->w[i]);
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
        if (d->rep) { /* svymean.svyrep.design: colSums(pweights * x) / sum(pweights) */
            for (size_t k = 0; k < nobs; k++)
                s += ws[k] * (double)(xs[k] <= qhat[j]);
            F[j] = (double)s / psum;
        } else {
            for (size_t k = 0; k < nobs; k++)
                s += (xs[k] <= qhat[j]) * ws[k] / psum;
            F[j] = (double)s;
        }
    }
    if (d->rep) {
        /* svrVar of the replicates' CDFs (woodruffCI) or of their quantiles (repCI) */
        if (!(wr = malloc(nobs * sizeof *wr)))
            goto nomem;
        rep_ctx c = {use, xs, n, nobs, np, qhat, probs, rule, var, wr, 0};
        if (ci == TS_QCI_QUANTILE)
            st = ts_replicate_vcov(d, rep_quantile, &c, qhat, np, v, err);
        else
            st = ts_replicate_vcov(d, rep_cdf, &c, F, np, v, err);
        if (st != TS_OK)
            goto done;
    } else {
        for (size_t i = 0, k = 0; i < n; i++)
            if (use[i]) {
                for (size_t j = 0; j < np; j++)
                    z[i * np + j] = ((xs[k] <= qhat[j]) - F[j]) * ws[k] / psum;
                k++;
            }
        if ((st = ts_sample_vcov(d, z, np, v, err)) != TS_OK)
            goto done;
    }
    double a = 1 - level, t = ts_rdist_qt(1 - a / 2, df);
    /* nrow(design) of Korn–Graubard: the answers in the domain, or every row of a calibrated
     * design (R keeps them with zero weight) */
    double nrow = d->cal != TS_SAMPLE_UNCALIBRATED ? nrow_cal : (double)nobs;
    /* svyquantile.svyrep.design calls woodruffCI without its method: the mean interval */
    ts_quantile_ci method = d->rep && ci != TS_QCI_QUANTILE ? TS_QCI_MEAN : ci;
    for (size_t j = 0; j < np; j++) {
        double var_f = v[j * np + j], se_f = sqrt(var_f > 0 ? var_f : 0), lo, hi;
        ts_estimate *e = &out[j];
        e->estimate = qhat[j];
        if (method == TS_QCI_QUANTILE) { /* repCI: qhat ± t·√v, se = width / 2t */
            e->lo = qhat[j] + -1 * sqrt(var_f) * t;
            e->hi = qhat[j] + 1 * sqrt(var_f) * t;
            e->se = (e->hi - e->lo) / (2 * t);
            continue;
        }
        if (method == TS_QCI_MEAN) {
            lo = F[j] - t * se_f;
            hi = F[j] + t * se_f;
        } else if (method == TS_QCI_XLOGIT) {
            /* svycontrast(m, log(pmed/(1 − pmed))): the delta method, then expit of its interval */
            double l = log(F[j] / (1 - F[j])), sl = se_f / (F[j] * (1 - F[j]));
            lo = expit(l - t * sl);
            hi = expit(l + t * sl);
        } else if (method == TS_QCI_ASIN) {
            /* svycontrast(m, asin(sqrt(pmed))): deriv()'s 0.5 p^-0.5 / sqrt(1 − sqrt(p)²), then sin² */
            double s2 = asin(sqrt(F[j])), g = 0.5 * pow(F[j], -0.5) / sqrt(1 - sqrt(F[j]) * sqrt(F[j]));
            double sa = fabs(g) * se_f, l1 = sin(s2 - t * sa), h1 = sin(s2 + t * sa);
            lo = l1 * l1;
            hi = h1 * h1;
        } else {
            double neff = F[j] * (1 - F[j]) / var_f, r = ts_rdist_qt(a / 2, nrow - 1) / ts_rdist_qt(a / 2, df);
            neff *= r * r;
            lo = ts_betaquant_solve(a / 2, neff * F[j], neff * (1 - F[j]) + 1);
            hi = ts_betaquant_solve(1 - a / 2, neff * F[j] + 1, neff * (1 - F[j]));
        }
        e->lo = isnan(lo) || lo < 0 ? NAN : rule_pairs(rule, pr, m, lo, buf);
        e->hi = isnan(hi) || hi > 1 ? NAN : rule_pairs(rule, pr, m, hi, buf);
        e->se = (e->hi - e->lo) / (2 * ts_rdist_qt(1 - a / 2, df));
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
    free(wr);
    return st;
nomem:
    st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    goto done;
}
