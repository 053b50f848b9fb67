/* testvars.h — the variables the unit tests of the estimators build by hand (test_glm,
 * test_rep_estimators, test_sample): a numeric column, and a single-choice one of codes 1 一
 * and 2 二 (with TS_CODE_MISSING 9 無回答 when asked), each added to DS and filled with its
 * first N values. DS must hold N rows (ts_dataset_reserve). */
#ifndef TS_TEST_VARS_H
#define TS_TEST_VARS_H

#include "dataset.h"

static inline ts_var *numeric_var(ts_dataset *ds, const char *name, const double *v, size_t n)
{
    ts_var *x = ts_var_new(name, TS_VAR_NUMERIC);
    ts_dataset_add_var(ds, x);
    for (size_t i = 0; i < n; i++)
        ts_var_set_num(x, i, v[i]);
    return x;
}

static inline ts_var *single_var(ts_dataset *ds, const char *name, const int *v, size_t n, int missing9)
{
    ts_var *x = ts_var_new(name, TS_VAR_SINGLE);
    ts_var_add_code(x, 1, 0, "一", "", "");
    ts_var_add_code(x, 2, 0, "二", "", "");
    if (missing9)
        ts_var_add_code(x, 9, TS_CODE_MISSING, "無回答", "", "");
    ts_var_choose_storage(x);
    ts_dataset_add_var(ds, x);
    for (size_t i = 0; i < n; i++)
        ts_var_set_int(x, i, v[i]);
    return x;
}

#endif
