/* rake-share.c — the statistics as a library, through pkg-config alone: a synthetic 12-row
 * dataset built in memory (written to argv[1] for the CLI to compare), raked to sex and age
 * margins; prints the share of lonely = 1 and its SE (check-install.sh compares with the CLI). */
#include <estimate.h>
#include <stdio.h>
#include <weight.h>

int main(int argc, char **argv)
{
    static const int32_t data[3][12] = {{1, 2, 1, 2, 1, 2, 1, 2, 2, 2, 1, 2}, {1, 1, 2, 2, 3, 3, 1, 2, 3, 1, 2, 3},
                                        {1, 2, 2, 1, 2, 2, 1, 1, 2, 2, 2, 1}};
    static const char *const names[3] = {"sex", "age_band", "lonely"}, *const labels[3] = {"1", "2", "3"};
    ts_err err = TS_ERR_INIT;
    ts_dataset *ds = ts_dataset_new(); /* (a real program checks every allocation) */
    ts_dataset_reserve(ds, 12);
    for (int v = 0; v < 3; v++) {
        ts_var *x = ts_var_new(names[v], TS_VAR_SINGLE);
        for (int32_t c = 1; c <= 3; c++)
            ts_var_add_code(x, c, 0, labels[c - 1], labels[c - 1], "");
        ts_var_choose_storage(x);
        ts_dataset_add_var(ds, x);
        for (size_t r = 0; r < 12; r++)
            ts_var_set_int(x, r, data[v][r]);
    }
    ds->nrows = 12;
    ts_design d;
    ts_design_init(&d); /* simple random sampling, unweighted */
    ts_weight_margin m[2] = {{"sex", 2, (const int32_t[]){1, 2}, (const double[]){480, 520}},
                             {"age_band", 3, (const int32_t[]){1, 2, 3}, (const double[]){300, 350, 350}}};
    ts_sample *s = NULL;
    ts_estimate e;
    double missing;
    if (argc != 2 || ts_dataset_write(ds, argv[1], &err) || ts_weight_rake(ds, &d, m, 2, &err) ||
        !(s = ts_sample_new(ds, &d, &err)) ||
        ts_estimate_domain(s, ts_dataset_find(ds, "lonely"), TS_STAT_SHARE, (const int32_t[]){1}, 1, NULL,
                           TS_CI_LOGIT, 0.95, &e, &missing, &err))
        return fprintf(stderr, "rake-share: %s\n", argc == 2 ? err.msg : "usage: rake-share OUT.tsd"), 65;
    printf("%.17g %.17g\n", e.estimate, e.se);
    ts_sample_free(s);
    ts_design_clear(&d);
    ts_dataset_free(ds);
    return 0;
}
