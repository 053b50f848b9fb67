/* fuzz_condition.c — libFuzzer target for the condition parser of lib/condition.c (indicator
 * `from` and `asked_if` cells of a codebook). Each input is one condition, parsed against a
 * fixed small codebook (a single with a 非該当 and a 無回答 code, a multi answer, a number)
 * and, when it parses, evaluated on rows covering every kind of value and missing value.
 *
 *   make fuzz                                   (needs clang; builds $(BUILD)/fuzz/fuzz_condition)
 *   build/fuzz/fuzz_condition tests/fuzz/corpus/condition
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codebook.h"
#include "condition.h"

enum { V_ID, V_A, V_M, V_N, NV, NROWS = 5 };

static ts_codebook cb;
static ts_cbvar cbvars[NV];
static ts_var *cols[NV];

static void setup(void)
{
    static ts_dataset *ds;
    if (ds)
        return;
    ds = ts_dataset_new();
    static const struct { const char *name; ts_vartype type; ts_cbkind kind; } spec[NV] = {
        {"id", TS_VAR_ID, TS_CB_ID}, {"a", TS_VAR_SINGLE, TS_CB_SINGLE},
        {"m", TS_VAR_MULTI, TS_CB_MULTI}, {"n", TS_VAR_NUMERIC, TS_CB_NUMERIC}};
    for (size_t i = 0; i < NV; i++) {
        cols[i] = ts_var_new(spec[i].name, spec[i].type);
        cbvars[i].kind = spec[i].kind;
        cbvars[i].def = cols[i];
        cbvars[i].skip = -1;
    }
    ts_var_add_code(cols[V_A], 1, 0, "1", "", "");
    ts_var_add_code(cols[V_A], 2, 0, "2", "", "");
    ts_var_add_code(cols[V_A], 8, TS_CODE_SKIPPED, "非該当", "", "");
    ts_var_add_code(cols[V_A], 9, TS_CODE_MISSING, "無回答", "", "");
    cbvars[V_A].skip = 2;
    for (int k = 1; k <= 3; k++)
        ts_var_add_code(cols[V_M], k, 0, "o", "", "");
    ts_var_add_code(cols[V_M], 98, TS_CODE_SKIPPED, "非該当", "", "");
    cbvars[V_M].skip = 3;
    for (size_t i = 0; i < NV; i++) {
        ts_var_choose_storage(cols[i]);
        ts_dataset_add_var(ds, cols[i]);
    }
    cb.nvars = NV;
    cb.vars = cbvars;
    cb.id = V_ID;
    ts_dataset_reserve(ds, NROWS);
    ds->nrows = NROWS;
    int64_t av[NROWS] = {1, 2, 9, TS_MISSING_INT, 8};
    uint64_t mv[NROWS] = {1, 4, 0, TS_MISSING_MASK, 8};
    double nv[NROWS] = {1.5, -3, NAN, 1e300, 0};
    for (size_t r = 0; r < NROWS; r++) {
        ts_var_set_int(cols[V_ID], r, (int64_t)r + 1);
        ts_var_set_int(cols[V_A], r, av[r]);
        ts_var_set_mask(cols[V_M], r, mv[r]);
        ts_var_set_num(cols[V_N], r, nv[r]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    /* A copy of exactly SIZE bytes, so that ASan catches any read past the end. */
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    for (size_t i = 0; i < size; i++)
        s[i] = (char)data[i];
    size_t at = 0;
    ts_err err = TS_ERR_INIT;
    ts_cond *c = ts_cond_parse(s, size, &cb, NV, &at, &err);
    if (c) {
        for (size_t r = 0; r < NROWS; r++)
            if (ts_cond_eval(c, cols, r) > TS_UNKNOWN)
                abort();
        ts_cond_free(c);
    } else if (err.status == TS_OK || !err.msg || at < 1 || at > size + 1) {
        abort(); /* a refusal must say why and where */
    }
    ts_err_clear(&err);
    free(s);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
