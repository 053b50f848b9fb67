/* Unit tests for lib/calib.c on cases small enough to check by hand. The agreement
 * with R on real data is tested in tests/oracle/weight/. */
#include <math.h>

#include "calib.h"
#include "harness.h"

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1, fabs(b)); }

int main(void)
{
    /* Post-stratification: w × N_c / Σ_c w. */
    double w[4] = {1, 1, 1, 1};
    size_t cell[4] = {0, 0, 1, 1};
    double tot[2] = {10, 30};
    ts_calib_margin m = {cell, 2, tot};
    size_t bad;
    T_CHECK(ts_calib_poststratify(w, 4, &m, &bad) == 0);
    T_CHECK(near(w[0], 5) && near(w[1], 5) && near(w[2], 15) && near(w[3], 15));

    /* A cell with population and no weight is refused, and named. */
    double w1[2] = {1, 1};
    size_t c1[2] = {0, 0};
    double t1[2] = {5, 5};
    ts_calib_margin m1 = {c1, 2, t1};
    T_CHECK(ts_calib_poststratify(w1, 2, &m1, &bad) == -1 && bad == 1);

    /* Raking a 2 × 2 table with one respondent per cell gives the independence table
     * A_i × B_j / N. */
    double r[4] = {1, 1, 1, 1};
    size_t a[4] = {0, 0, 1, 1}, b[4] = {0, 1, 0, 1}, joint[4] = {0, 1, 2, 3};
    double ta[2] = {60, 40}, tb[2] = {30, 70};
    ts_calib_margin ms[2] = {{a, 2, ta}, {b, 2, tb}};
    ts_rake_control ctl = {1e-12, 1000, 0, 0, 0};
    size_t bm, bc;
    T_CHECK(ts_calib_rake(r, 4, ms, 2, joint, 4, &ctl, &bm, &bc) == 0 && ctl.converged);
    T_CHECK(near(r[0], 18) && near(r[1], 42) && near(r[2], 12) && near(r[3], 28));

    /* Linear calibration to a total with only an intercept scales every weight. */
    double l[3] = {1, 2, 3}, x[3] = {1, 1, 1}, n[1] = {12};
    ts_calib_control cc = {TS_CALFUN_LINEAR, -INFINITY, INFINITY, 1e-12, 50, 0, 0, 1, 0};
    T_CHECK(ts_calib_calibrate(l, 3, x, 1, n, &cc, NULL) == 0);
    T_CHECK(near(l[0], 2) && near(l[1], 4) && near(l[2], 6));

    /* Bounded linear calibration meets the totals with every g inside the bounds. */
    double d[6] = {1, 1, 1, 1, 1, 1}, g[6];
    double xm[12] = {1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1}; /* intercept, dummy of group 2 */
    double tt[2] = {12, 9};                               /* 3 + 9: group 2 needs g = 3 */
    ts_calib_control cb = {TS_CALFUN_LINEAR, 0.5, 2.5, 1e-12, 100, 0, 0, 1, 0};
    int rc = ts_calib_calibrate(d, 6, xm, 2, tt, &cb, g);
    T_CHECK(rc == -1); /* g = 3 is needed but the bound is 2.5: no solution, reported */
    cb.upper = 3.5;
    rc = ts_calib_calibrate(d, 6, xm, 2, tt, &cb, g);
    T_CHECK(rc == 0);
    T_CHECK(near(d[0] + d[1] + d[2], 3) && near(d[3] + d[4] + d[5], 9));

    /* Trimming shares the cut equally (R's trimWeights), and strict mode repeats. */
    double t[4] = {1, 1, 1, 10};
    size_t at;
    int rounds = ts_calib_trim(t, 4, -INFINITY, 5, 1, &at);
    T_CHECK(rounds == 1 && near(t[3], 5) && near(t[0], 1 + 5.0 / 3) && at == 1);
    double s[3] = {1, 1, 10};
    rounds = ts_calib_trim(s, 3, -INFINITY, 4, 1, &at);
    T_CHECK(rounds >= 1 && s[0] <= 4 && s[1] <= 4 && s[2] <= 4 + 1e-9);
    T_CHECK(near(s[0] + s[1] + s[2], 12)); /* the total is kept */
    /* Every weight outside: nowhere to share the trimmed amount, refused (issue #10). */
    double all_out[2] = {1, 10};
    T_CHECK(ts_calib_trim(all_out, 2, 2, 5, 0, &at) == -1);
    /* Strict bounds the mean weight lies outside can never all hold (the total is kept): the
     * rounds stop at the cap with -2, not for ever (issue #19); one pass is still one pass. */
    double above[4] = {1, 5, 6, 8}; /* mean 5 < lower 5.5 */
    T_CHECK(ts_calib_trim(above, 4, 5.5, 7, 1, &at) == -2);
    T_CHECK(near(above[0] + above[1] + above[2] + above[3], 20));
    double below[6] = {1, 2, 3, 4, 5, 20}; /* mean 35/6 > upper 5 */
    T_CHECK(ts_calib_trim(below, 6, 2, 5, 1, &at) == -2);
    double once[4] = {1, 5, 6, 8};
    T_CHECK(ts_calib_trim(once, 4, 5.5, 7, 0, &at) == 1);

    /* A margin's misfit is relative to its total, but absolute for a total below 1 (shares, not
     * counts): 0.2 and 0.3 against 0.5 each miss by 0.3 and 0.2, not 0.6 and 0.4 (issue #19). */
    double mw[2] = {0.2, 0.3};
    size_t mc[2] = {0, 1};
    double mt[2] = {0.5, 0.5};
    ts_calib_margin mm = {mc, 2, mt};
    T_CHECK(near(ts_calib_margin_misfit(mw, 2, &mm, 1, &bm, &bc), 0.3) && bm == 0 && bc == 0);

    /* Raking whose first Newton step overflows g = exp(u): two cells, the second's total 1000
     * times its weight (the first's ratio 1 keeps R's rescaling off), so u = 999 there at the
     * first step, which is halved (R's grake) until g is finite; Newton then goes on to g = 1000. */
    double rw[3] = {1, 1, 1}, rx[6] = {1, 0, 1, 0, 0, 1}, rt[2] = {2, 1000}, rg[3];
    ts_calib_control cr = {TS_CALFUN_RAKING, -INFINITY, INFINITY, 1e-10, 1000, 0, 0, 1, 0};
    T_CHECK(ts_calib_calibrate(rw, 3, rx, 2, rt, &cr, rg) == 0 && cr.converged && cr.scale == 1);
    T_CHECK(near(rw[0], 1) && near(rw[1], 1) && near(rw[2], 1000) && near(rg[2], 1000));
    T_DONE();
}
