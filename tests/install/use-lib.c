/* use-lib.c — a client of the installed library, built by tests/install/check-install.sh with
 * nothing but `pkg-config --cflags --static --libs tsunagari`: makes a small dataset in memory,
 * writes it (zlib, libcrypto: the private dependencies must link), reads it back and prints
 * the share of 女性 among the valid answers. Prints "n=5 female=0.600000 meta=use-lib". */
#include <stdio.h>

#include <dataset.h>
#include <status.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: use-lib DATASET.tsd\n");
        return 64;
    }
    ts_err err = TS_ERR_INIT;
    ts_dataset *ds = ts_dataset_new();
    ts_var *sex = ts_var_new("sex", TS_VAR_SINGLE);
    if (!ds || !sex || ts_var_add_code(sex, 1, 0, "男性", "Male", "") ||
        ts_var_add_code(sex, 2, 0, "女性", "Female", "") ||
        ts_var_add_code(sex, 9, TS_CODE_MISSING, "無回答", "No answer", "")) {
        fprintf(stderr, "use-lib: out of memory\n");
        return 70;
    }
    ts_var_choose_storage(sex);
    if (ts_dataset_add_var(ds, sex) || ts_dataset_reserve(ds, 6) ||
        ts_dataset_set_meta(ds, "source.file", "use-lib"))
        return 70;
    static const int answers[6] = {1, 2, 2, 9, 2, 1};
    for (size_t r = 0; r < 6; r++)
        ts_var_set_int(sex, r, answers[r]);
    ds->nrows = 6;
    if (ts_dataset_write(ds, argv[1], &err) != TS_OK) {
        fprintf(stderr, "use-lib: %s\n", err.msg);
        return ts_status_exit_code(err.status);
    }
    ts_dataset_free(ds);

    ts_dataset *back = ts_dataset_read(argv[1], &err);
    if (!back) {
        fprintf(stderr, "use-lib: %s\n", err.msg);
        return ts_status_exit_code(err.status);
    }
    const ts_var *v = ts_dataset_find(back, "sex");
    size_t n = 0, female = 0;
    for (size_t r = 0; v && r < back->nrows; r++) {
        if (ts_var_is_missing(v, r))
            continue;
        n++;
        female += ts_var_int(v, r) == 2;
    }
    printf("n=%zu female=%f meta=%s\n", n, n ? (double)female / (double)n : 0.0,
           ts_dataset_get_meta(back, "source.file"));
    ts_dataset_free(back);
    return 0;
}
