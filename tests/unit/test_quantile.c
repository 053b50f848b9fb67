/* Unit tests for lib/quantile.c: ts_quantile_rule, every qrule against R survey 4.1.1's
 * qrule_* functions on one small weighted sample (the numbers below are R's, from
 *   x <- c(3, 7, 1, 7, 4, 9, 2); w <- c(1, 2, 0.5, 1, 3, 1, 1.5)
 *   survey:::qrule_RULE(x, w, p) for p in 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1),
 * zero weights, ties, an empty sample, and the names. The interval and its variance are
 * checked against svyquantile by tests/oracle/tab (scenarios 20-26). */
#include <math.h>

#include "harness.h"
#include "quantile.h"

static int same(double got, double want)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= 1e-12 * (1 + fabs(want));
}

int main(void)
{
    static const double x[] = {3, 7, 1, 7, 4, 9, 2}, w[] = {1, 2, 0.5, 1, 3, 1, 1.5};
    static const double p[] = {0, 0.1, 0.25, 0.5, 0.75, 0.9, 1};
    static const struct {
        const char *rule;
        double q[7];
    } R[] = {
        {"math", {2, 2, 3, 4, 7, 7, 9}},
        {"school", {2, 2, 3, 4, 7, 8, 9}},
        {"shahvaish", {1, 1, 2, 4, 7, 9, 9}},
        {"hf1", {2, 2, 3, 4, 7, 7, 9}},
        {"hf2", {2, 2, 3, 4, 7, 8, 9}},
        {"hf3", {2, 2, 3, 4, 7, 9, 9}},
        {"hf4", {0.66666666666666663, 1.3333333333333335, 2.5, 3.666666666666667, 6.25, 7, NAN}},
        {"hf5", {1, 1.75, 3, 4.5999999999999996, 7, 8.0000000000000018, 9}},
        {"hf6", {1, 1.4000000000000001, 2.75, 3.8333333333333335, 7, 8.8000000000000007, 9}},
        {"hf7", {1, 2.2666666666666666, 3.25, 5.5, 7, 7.2000000000000011, 9}},
        {"hf8", {1, 1.6000000000000001, 2.9285714285714288, 4.2142857142857153, 7, 8.2666666666666675, 9}},
        {"hf9", {1, 1.6333333333333333, 2.9473684210526314, 4.3157894736842106, 7, 8.2000000000000011, 9}},
    };
    for (size_t r = 0; r < sizeof R / sizeof *R; r++) {
        ts_qrule rule;
        T_CHECK(ts_qrule_parse(R[r].rule, &rule) == 0);
        T_CHECK_STR(ts_qrule_name(rule), R[r].rule);
        for (size_t k = 0; k < 7; k++) {
            double q = ts_quantile_rule(rule, x, w, 7, p[k]);
            if (!same(q, R[r].q[k]))
                fprintf(stderr, "qrule %s, p = %g: %.17g, R %.17g\n", R[r].rule, p[k], q, R[r].q[k]);
            T_CHECK(same(q, R[r].q[k]));
        }
    }
    /* a zero weight is no answer, as in R (its value is dropped before the rule) */
    static const double x0[] = {3, 7, 100, 1}, w0[] = {1, 1, 0, 1};
    T_CHECK(ts_quantile_rule(TS_QRULE_MATH, x0, w0, 4, 1) == 7);
    T_CHECK(ts_quantile_rule(TS_QRULE_HF7, x0, w0, 4, 0.5) == 3);
    /* equal weights, p·n whole: math takes the lower value, school the midpoint */
    static const double x4[] = {4, 6, 5, 9}, w4[] = {1, 1, 1, 1};
    T_CHECK(ts_quantile_rule(TS_QRULE_MATH, x4, w4, 4, 0.5) == 5);
    T_CHECK(ts_quantile_rule(TS_QRULE_SCHOOL, x4, w4, 4, 0.5) == 5.5);
    /* nothing with a positive weight: no quantile */
    T_CHECK(isnan(ts_quantile_rule(TS_QRULE_MATH, x0, (const double[]){0, 0, 0, 0}, 4, 0.5)));
    T_CHECK(isnan(ts_quantile_rule(TS_QRULE_MATH, x0, w0, 0, 0.5)));
    ts_qrule rule;
    ts_quantile_ci ci;
    T_CHECK(ts_qrule_parse("hf10", &rule) != 0 && ts_qrule_parse("", &rule) != 0);
    T_CHECK(ts_quantile_ci_parse("beta", &ci) == 0 && ci == TS_QCI_BETA);
    T_CHECK(ts_quantile_ci_parse("mean", &ci) == 0 && ci == TS_QCI_MEAN);
    T_CHECK(ts_quantile_ci_parse("xlogit", &ci) == 0 && ci == TS_QCI_XLOGIT);
    T_CHECK(ts_quantile_ci_parse("asin", &ci) == 0 && ci == TS_QCI_ASIN);
    T_CHECK(ts_quantile_ci_parse("quantile", &ci) == 0 && ci == TS_QCI_QUANTILE);
    T_CHECK_STR(ts_quantile_ci_name(TS_QCI_QUANTILE), "quantile");
    T_CHECK(ts_quantile_ci_parse("score", &ci) != 0);
    T_DONE();
}
