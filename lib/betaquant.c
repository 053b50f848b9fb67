/* betaquant.c — see betaquant.h.
 *
 * Two regimes:
 *  - Ordinary shapes: bisection on GSL's beta CDF over the bit patterns of the doubles in
 *    [0, 1]. Non-negative IEEE 754 doubles order as their bit patterns do, so at most 62
 *    halvings end on two adjacent doubles, whatever the scale of the answer (4e-151 as well
 *    as 0.3). Below the median P(x) = p is solved; above it Q(x) = 1 − p, so that a quantile
 *    near 1 is not lost in the rounding of 1 − P. Bisection cannot diverge or step outside
 *    [0, 1], which is where gsl_cdf_beta_Pinv's Newton steps fail (NaN at 0.975, 216.5, 3791).
 *  - Both shapes huge (min(a, b) >= 1e7, e.g. an effective n of 1e19 after raking): GSL's
 *    continued fraction does not converge there (NaN from min(a, b) ≈ 1e10), and the beta is
 *    normal to within terms of order n^(-3/2). The Cornish–Fisher expansion to second order
 *    (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, 2nd ed.,
 *    §2.5; skewness and kurtosis of the beta from vol. 2, ch. 25) is then exact to about
 *    1e-15 absolute. It is also the fallback when GSL returns NaN for a smaller shape. */
#include "betaquant.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* From this smallest shape on, the expansion is used instead of the CDF (see above). */
#define ASYMPTOTIC_MIN_SHAPE 1e7

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static uint64_t to_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* log(1 + t) − t without cancellation for small t. */
static double log1pmx(double t)
{
    if (fabs(t) > 1e-2)
        return log1p(t) - t;
    double term = t, sum = 0; /* Σ_{k≥2} (−1)^(k+1) t^k / k */
    for (int k = 2; k < 40; k++) {
        term *= -t;
        sum += term / k;
        if (fabs(term / k) < 1e-18 * fabs(sum))
            break;
    }
    return sum;
}

/* Stirling's remainder lgamma(x) − ((x − ½) ln x − x + ½ ln 2π), for x >= 10. */
static double stirling_rest(double x)
{
    double r = 1 / x, r2 = r * r;
    return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

/* I_x(a, b) for a small next to b (b >= 1e5, b >= 1e3 a), where GSL's CDF is off by up to
 * 1e-3 relative (its AS 26.5.17 approximation for a < 10, and a continued fraction that
 * stops short near the peak). DLMF 8.17.8:
 *   I_x(a,b) = x^a (1−x)^b / (a B(a,b)) · Σ_n (a+b)_n / (a+1)_n x^n,
 * its logarithmic prefactor rewritten in y = b·x so that nothing cancels: with t = a/b,
 *   ln(x^a (1−x)^b / (a B)) = [a ln y − y − lgamma(a+1)] + b·log1pmx(−x) + b·log1pmx(t)
 *                             + (a − ½) log1p(t) − δ(b) + δ(a+b),
 * δ Stirling's remainder, and for a >= 10 the bracket = a·log1pmx((y − a)/a) − ½ ln(2πa) − δ(a)
 * (the gamma density's form without cancellation, as in Temme's uniform expansions). Beyond
 * 40 standard deviations above the mean (y ≈ a ± √a) it returns 1. */
static double beta_p_skewed(double x, double a, double b)
{
    if (x <= 0)
        return 0;
    double s = a + b, y = b * x;
    if (s * x > a + 40 * sqrt(a) + 200 || x >= 1)
        return 1;
    double t = a / b;
    double gam = a >= 10 ? a * log1pmx((y - a) / a) - 0.5 * log(2 * M_PI * a) - stirling_rest(a)
                         : a * log(y) - y - lgamma(a + 1);
    double l = gam + b * log1pmx(-x) + b * log1pmx(t) + (a - 0.5) * log1p(t) - stirling_rest(b) + stirling_rest(s);
    double term = 1, sum = 1;
    for (double n = 0; n < 1e8; n++) {
        term *= (s + n) / (a + 1 + n) * x;
        sum += term;
        if (term < 1e-17 * sum && (s + n) * x < a + 1 + n)
            break;
    }
    double p = exp(l + log(sum));
    return p > 1 ? 1 : p;
}

/* The upper tail of the same beta: 1 − P. Deep in the tail (P > 0.999) that keeps only the
 * absolute precision of P (about 1e-13 for a = 1e5): a quantile at 1 − 1e-10 is then off by
 * up to 1e-6 absolute — far beyond any interval's level (tests/unit/test_betaquant.c). */
static double beta_q_skewed(double x, double a, double b) { return 1 - beta_p_skewed(x, a, b); }

/* P(X <= x), or P(X > x) when UPPER: GSL's, or the series above where the shapes are far
 * apart (X ~ Beta(a, b) ⇔ 1 − X ~ Beta(b, a)). */
static double beta_cdf(double x, double a, double b, int upper)
{
    if (b >= 1e5 && b >= 1e3 * a)
        return upper ? beta_q_skewed(x, a, b) : beta_p_skewed(x, a, b);
    if (a >= 1e5 && a >= 1e3 * b)
        return upper ? beta_p_skewed(1 - x, b, a) : beta_q_skewed(1 - x, b, a);
    return upper ? gsl_cdf_beta_Q(x, a, b) : gsl_cdf_beta_P(x, a, b);
}

/* How far the CDF at X is past the target: >= 0 once X is at or above the quantile. In the
 * upper half the upper tail Q is compared with 1 − p (exact for p >= 0.5, Sterbenz). NaN
 * when GSL fails. */
static double past(double x, double p, double a, double b)
{
    if (p <= 0.5)
        return beta_cdf(x, a, b, 0) - p;
    return (1 - p) - beta_cdf(x, a, b, 1);
}

static double bisect(double p, double a, double b)
{
    uint64_t lo = to_bits(0.0), hi = to_bits(1.0); /* past(0) < 0 <= past(1) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        double d = past(from_bits(mid), p, a, b);
        if (isnan(d))
            return NAN;
        if (d >= 0)
            hi = mid;
        else
            lo = mid;
    }
    /* the quantile lies between two adjacent doubles: the one whose CDF is nearer */
    double xl = from_bits(lo), xh = from_bits(hi);
    double dl = past(xl, p, a, b), dh = past(xh, p, a, b);
    if (isnan(dl) || isnan(dh))
        return NAN;
    return -dl < dh ? xl : xh;
}

/* Cornish–Fisher: x = μ + σ (z + γ₁(z²−1)/6 + γ₂(z³−3z)/24 − γ₁²(2z³−5z)/36), written so that
 * shapes up to DBL_MAX do not overflow. */
static double cornish_fisher(double p, double a, double b)
{
    double s = a + b;
    double mu = a / s;
    double sigma = sqrt(mu * (b / s) / (s + 1));
    double g1 = 2 * (b - a) / (s + 2) * sqrt((s + 1) / a / b);
    double g2 = 6 * (((a - b) / a) * ((a - b) / b) * (s + 1) - (s + 2)) / ((s + 2) * (s + 3));
    double z = p <= 0.5 ? gsl_cdf_ugaussian_Pinv(p) : -gsl_cdf_ugaussian_Pinv(1 - p);
    double w = z + g1 * (z * z - 1) / 6 + g2 * (z * z * z - 3 * z) / 24 - g1 * g1 * (2 * z * z * z - 5 * z) / 36;
    double x = mu + sigma * w;
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

double ts_betaquant_solve(double p, double a, double b)
{
    if (isnan(p) || isnan(a) || isnan(b) || p < 0 || p > 1 || a < 0 || b < 0)
        return NAN;
    if (p == 0)
        return 0;
    if (p == 1)
        return 1;
    /* point masses (R's qbeta_raw, the same order of tests) */
    if (a == 0 || b == 0 || isinf(a) || isinf(b)) {
        if (a == 0 && b == 0)
            return p < 0.5 ? 0 : p > 0.5 ? 1 : 0.5;
        if (a == 0 || a / b == 0)
            return 0;
        if (b == 0 || b / a == 0)
            return 1;
        return 0.5;
    }
    if (fmin(a, b) >= ASYMPTOTIC_MIN_SHAPE)
        return cornish_fisher(p, a, b);
    double x = bisect(p, a, b);
    return isnan(x) ? cornish_fisher(p, a, b) : x;
}
