/* test_sample.c — lib/sample: a design resolved against the rows. PSUs are (stratum, cluster)
 * pairs whatever the cluster ids (helper C's fuzz finding: ids of 4·10⁹ or more, or negative,
 * used to merge PSUs of different strata); a GREG design that cannot be fitted is refused
 * rather than given a variance from unset memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "harness.h"
#include "sample.h"

static ts_var *numeric(ts_dataset *ds, const char *name, const double *v, size_t n)
{
    ts_var *x = ts_var_new(name, TS_VAR_NUMERIC);
    ts_dataset_add_var(ds, x);
    for (size_t i = 0; i < n; i++)
        ts_var_set_num(x, i, v[i]);
    return x;
}

static void test_psu_ids_any_size(void)
{
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_reserve(ds, 6);
    ds->nrows = 6;
    const double strata[6] = {1, 1, 2, 2, 3, 3}, cluster[6] = {4000000005, 7, 5, 8, -3, 9e15};
    numeric(ds, "h", strata, 6);
    numeric(ds, "c", cluster, 6);
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
    numeric(ds, "w", w, 3);
    numeric(ds, "_cal_1", x1, 3);
    numeric(ds, "_cal_2", x2, 3);
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

int main(void)
{
    test_psu_ids_any_size();
    test_greg_that_cannot_be_fitted();
    T_DONE();
}
