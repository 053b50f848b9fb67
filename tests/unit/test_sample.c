/* test_sample.c — lib/sample: a design resolved against the rows. PSUs are (stratum, cluster)
 * pairs whatever the cluster ids (helper C's fuzz finding: ids of 4·10⁹ or more, or negative,
 * used to merge PSUs of different strata); a GREG design that cannot be fitted is refused
 * rather than given a variance from unset memory. rake_residuals = exact gives the GREG
 * residuals of the margins' indicators (the GREG branch's own, on the same model), also when
 * the sample confounds two margins; the design record keeps it, older datasets read as r. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "harness.h"
#include "sample.h"
#include "testvars.h"

static void test_psu_ids_any_size(void)
{
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, 6);
    ds->nrows = 6;
    const double strata[6] = {1, 1, 2, 2, 3, 3}, cluster[6] = {4000000005, 7, 5, 8, -3, 9e15};
    numeric_var(ds, "h", strata, 6);
    numeric_var(ds, "c", cluster, 6);
    ts_design d;
    ts_design_init(&d);
    d.type = TS_DESIGN_CLUSTER;
    ts_design_set(&d.strata, "h");
    ts_design_set(&d.cluster, "c");
    ts_err err = TS_ERR_INIT;
    ts_sample *s = ts_sample_new(ds, &d, &err);
    T_CHECK(s != NULL);
    if (s) {
        T_CHECK(s->nstrata == 3 && s->npsu == 6);
        for (size_t h = 0; h < s->nstrata; h++)
            T_CHECK(s->psu_count[h] == 2);
        /* the same cluster id in two strata is two PSUs */
        T_CHECK(s->psu[0] != s->psu[2]);
    }
    ts_sample_free(s);
    ts_design_clear(&d);
    ts_dataset_free(ds);
}

static void test_greg_that_cannot_be_fitted(void)
{
    /* one weighted row, two model columns: no least-squares fit */
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, 3);
    ds->nrows = 3;
    const double w[3] = {2, 0, 0}, x1[3] = {1, 1, 1}, x2[3] = {3, 4, 5};
    numeric_var(ds, "w", w, 3);
    numeric_var(ds, "_cal_1", x1, 3);
    numeric_var(ds, "_cal_2", x2, 3);
    ts_design d;
    ts_design_init(&d);
    ts_design_set(&d.weight, "w");
    ts_design_set(&d.design_weight, "w");
    d.calibration = TS_CAL_LINEAR;
    ts_design_add_calibration_column(&d, "_cal_1");
    ts_design_add_calibration_column(&d, "_cal_2");
    ts_err err = TS_ERR_INIT;
    ts_sample *s = ts_sample_new(ds, &d, &err);
    T_CHECK(s != NULL);
    double z[3] = {1, 0, 0}, v = -1;
    if (s) {
        ts_err e2 = TS_ERR_INIT;
        T_CHECK(ts_sample_vcov(s, z, 1, &v, &e2) == TS_E_DATA);
        T_CHECK(e2.msg && strstr(e2.msg, "GREG") != NULL);
        ts_err_clear(&e2);
    }
    ts_sample_free(s);
    ts_design_clear(&d);
    ts_dataset_free(ds);
}

static ts_var *cells(ts_dataset *ds, const char *name, const int *v, size_t n)
{
    ts_var *x = ts_var_new(name, TS_VAR_INTEGER);
    ts_dataset_add_var(ds, x);
    for (size_t i = 0; i < n; i++)
        ts_var_set_int(x, i, v[i]);
    return x;
}

/* The residuals ts_sample_vcov leaves in Z for one influence column. */
static int residuals(const ts_dataset *ds, const ts_design *d, const double *z0, double *z, size_t n)
{
    ts_err err = TS_ERR_INIT;
    ts_sample *s = ts_sample_new(ds, d, &err);
    double v;
    memcpy(z, z0, n * sizeof *z);
    int ok = s && ts_sample_vcov(s, z, 1, &v, &err) == TS_OK;
    ts_err_clear(&err);
    ts_sample_free(s);
    return ok;
}

static void test_rake_exact_is_greg(void)
{
    enum { N = 9 };
    const double d[N] = {1, 3, 2, 5, 1, 4, 2, 6, 3}, g[N] = {1.1, 0.9, 1.3, 0.8, 1.2, 1.0, 0.7, 1.05, 0.95};
    const int m1[N] = {0, 0, 0, 0, 1, 1, 1, 1, 1}, m2[N] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    const double z0[N] = {0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2, 0.1, 0.6};
    double w[N], one[N], a1[N], b1[N], b2[N];
    for (size_t i = 0; i < N; i++) {
        w[i] = d[i] * g[i];
        one[i] = 1;
        a1[i] = m1[i] == 1;
        b1[i] = m2[i] == 1;
        b2[i] = m2[i] == 2;
    }
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, N);
    ds->nrows = N;
    numeric_var(ds, "w", w, N);
    numeric_var(ds, "d", d, N);
    cells(ds, "_rake_1", m1, N);
    cells(ds, "_rake_2", m2, N);
    int m2same[N];
    for (size_t i = 0; i < N; i++)
        m2same[i] = m1[i];
    cells(ds, "_rake_same", m2same, N);
    numeric_var(ds, "_x0", one, N);
    numeric_var(ds, "_x1", a1, N);
    numeric_var(ds, "_x2", b1, N);
    numeric_var(ds, "_x3", b2, N);
    ts_design rk, gr;
    ts_design_init(&rk);
    ts_design_init(&gr);
    ts_design *both[2] = {&rk, &gr};
    for (int k = 0; k < 2; k++) {
        ts_design_set(&both[k]->weight, "w");
        ts_design_set(&both[k]->design_weight, "d");
    }
    rk.calibration = TS_CAL_RAKE;
    rk.rake_residuals = TS_RAKE_RESIDUALS_EXACT;
    ts_design_add_calibration_column(&rk, "_rake_1");
    ts_design_add_calibration_column(&rk, "_rake_2");
    gr.calibration = TS_CAL_RAKING;
    const char *xs[4] = {"_x0", "_x1", "_x2", "_x3"};
    for (int j = 0; j < 4; j++)
        ts_design_add_calibration_column(&gr, xs[j]);
    double ze[N], zg[N], zr[N];
    T_CHECK(residuals(ds, &rk, z0, ze, N));
    T_CHECK(residuals(ds, &gr, z0, zg, N));
    for (size_t i = 0; i < N; i++)
        T_CHECK(fabs(ze[i] - zg[i]) <= 1e-12 * (1 + fabs(zg[i])));
    /* the d-weighted normal equations: every margin cell's Σ d·e = 0, e = z/w */
    for (int c = 0; c < 3; c++) {
        double s1 = 0, s2 = 0;
        for (size_t i = 0; i < N; i++) {
            s1 += m1[i] == c ? d[i] * ze[i] / w[i] : 0;
            s2 += m2[i] == c ? d[i] * ze[i] / w[i] : 0;
        }
        T_CHECK(fabs(s1) < 1e-12 && fabs(s2) < 1e-12);
    }
    /* R's sweeps (r) are another projection when d varies */
    rk.rake_residuals = TS_RAKE_RESIDUALS_R;
    T_CHECK(residuals(ds, &rk, z0, zr, N));
    double most = 0;
    for (size_t i = 0; i < N; i++)
        most = fmax(most, fabs(zr[i] - ze[i]));
    T_CHECK(most > 1e-3);
    /* a margin that repeats another (confounded in the sample): the same as the one margin */
    rk.rake_residuals = TS_RAKE_RESIDUALS_EXACT;
    free(rk.calibration_columns[1]);
    rk.calibration_columns[1] = strdup("_rake_same");
    double zc[N], z1[N];
    T_CHECK(residuals(ds, &rk, z0, zc, N));
    rk.ncalibration_columns = 1;
    T_CHECK(residuals(ds, &rk, z0, z1, N));
    rk.ncalibration_columns = 2;
    for (size_t i = 0; i < N; i++)
        T_CHECK(fabs(zc[i] - z1[i]) <= 1e-12 * (1 + fabs(z1[i])));
    /* recorded as weight.rake_residuals = exact; a record without it reads as r */
    ts_err err = TS_ERR_INIT;
    ts_design back;
    T_CHECK(ts_design_write(ds, &rk, &err) == TS_OK);
    T_CHECK(ts_design_read(ds, &back, &err) == TS_OK && back.rake_residuals == TS_RAKE_RESIDUALS_EXACT);
    ts_design_clear(&back);
    rk.rake_residuals = TS_RAKE_RESIDUALS_R;
    T_CHECK(ts_design_write(ds, &rk, &err) == TS_OK);
    T_CHECK(ts_design_read(ds, &back, &err) == TS_OK && back.rake_residuals == TS_RAKE_RESIDUALS_R);
    ts_design_clear(&back);
    T_CHECK(ts_dataset_set_meta(ds, "weight.rake_residuals", "exakt") == 0);
    T_CHECK(ts_design_read(ds, &back, &err) == TS_E_DATA && err.msg && strstr(err.msg, "exakt"));
    ts_design_clear(&back);
    ts_err_clear(&err);
    ts_design_clear(&rk);
    ts_design_clear(&gr);
    ts_dataset_free(ds);
}

/* A raked sample's joint table (ts_sample_joint_cells) needs every weighted row in a cell of
 * every margin: a row of positive weight without one (its margin column missing) leaves it
 * out (0: the sweeps run row by row), while a row of weight 0 lacking a cell does not matter
 * (issue #19: with the check skipped, seed 1319's mutant of lib/sample.c:530, that row's
 * SIZE_MAX cell went into the joint cell number). */
static void test_joint_cells_need_every_weighted_row(void)
{
    enum { N = 6 };
    const double w[N] = {1, 2, 1.5, 1, 2.5, 1}, d[N] = {1, 1, 1, 1, 1, 1};
    const int m1[N] = {0, 0, 0, 1, 1, 1}, m2[N] = {0, 1, 2, 0, 1, 2};
    for (int weighted = 0; weighted < 2; weighted++) {
        ts_dataset *ds = ts_dataset_new();
        ts_dataset_reserve(ds, N);
        ds->nrows = N;
        double wt[N];
        memcpy(wt, w, sizeof wt);
        wt[4] = weighted ? 2.5 : 0;
        numeric_var(ds, "w", wt, N);
        numeric_var(ds, "d", d, N);
        cells(ds, "_rake_1", m1, N);
        ts_var *c2 = cells(ds, "_rake_2", m2, N);
        ts_var_set_int(c2, 4, TS_MISSING_INT); /* row 4: no cell of the second margin */
        ts_design rk;
        ts_design_init(&rk);
        ts_design_set(&rk.weight, "w");
        ts_design_set(&rk.design_weight, "d");
        rk.calibration = TS_CAL_RAKE;
        rk.rake_residuals = TS_RAKE_RESIDUALS_R;
        ts_design_add_calibration_column(&rk, "_rake_1");
        ts_design_add_calibration_column(&rk, "_rake_2");
        ts_err err = TS_ERR_INIT;
        ts_sample *s = ts_sample_new(ds, &rk, &err);
        T_CHECK(s != NULL);
        if (s)
            T_CHECK(ts_sample_joint_cells(s) == (weighted ? 0u : 6u));
        ts_err_clear(&err);
        ts_sample_free(s);
        ts_design_clear(&rk);
        ts_dataset_free(ds);
    }
}

int main(void)
{
    test_joint_cells_need_every_weighted_row();
    test_rake_exact_is_greg();
    test_psu_ids_any_size();
    test_greg_that_cannot_be_fitted();
    T_DONE();
}
