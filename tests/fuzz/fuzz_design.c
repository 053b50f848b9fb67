/* fuzz_design.c — libFuzzer target for the design a dataset records (lib/design.c's
 * ts_design_read) and the sample it is resolved into (lib/sample.c). The input is
 * provenance: each line KEY=VALUE is set with ts_dataset_set_meta on a small dataset (ten
 * rows; an id, singles with a missing code and missing values, integer clusters, numeric
 * population sizes, weights with 0, NaN and negative values, calibration cells, text and a
 * multi), as a weighted dataset written by another version, a bug or a hand would carry it.
 * Then ts_design_read and, when it accepts the design, ts_sample_new, ts_sample_vcov,
 * ts_sample_df, with replicate weights ts_replicate_vcov, ts_sample_unweighted and
 * ts_design_describe_ja. Besides ASan/UBSan and
 * leaks, the target checks what callers rely on: a refusal has a status and a message; a
 * variance comes from no failed GSL call; a design read, written back (ts_design_write) and
 * read again is the same design. Crashers not yet fixed wait in tests/fuzz/pending/design/
 * (not replayed by make check); once fixed they move to tests/fuzz/corpus/design/.
 *
 *   make fuzz                                   (needs clang; builds $(BUILD)/fuzz/fuzz_design)
 *   build/fuzz/fuzz_design -dict=tests/fuzz/design.dict tests/fuzz/corpus/design
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "design.h"
#include "sample.h"

#define FUZZ_NAME "fuzz_design"
#include "check.h"

#define NROWS 10

/* The stages turn GSL's abort-on-error handler off (STYLE.md) and must then check every
 * status; this handler does the same but remembers that GSL refused something, so that a
 * status the library ignored is caught: an estimate made from a failed decomposition. */
static int gsl_failed;
static void note_gsl_error(const char *reason, const char *file, int line, int gsl_errno)
{
    fprintf(stderr, "fuzz_design: gsl: %s:%d: %s (%d)\n", file, line, reason, gsl_errno);
    gsl_failed = 1;
}

static ts_dataset *dataset(void)
{
    static const struct { const char *name; ts_vartype type; } spec[] = {
        {"id", TS_VAR_ID},         {"area", TS_VAR_SINGLE},    {"school", TS_VAR_INTEGER}, {"popn", TS_VAR_NUMERIC},
        {"w", TS_VAR_NUMERIC},     {"dw", TS_VAR_NUMERIC},     {"sex", TS_VAR_SINGLE},     {"note", TS_VAR_TEXT},
        {"m", TS_VAR_MULTI},       {"_cal_1", TS_VAR_NUMERIC}, {"_cal_2", TS_VAR_NUMERIC}, {"x", TS_VAR_NUMERIC}};
    static const int64_t area[NROWS] = {1, 1, 2, 2, 3, 9, TS_MISSING_INT, 1, 2, 3};
    static const int64_t school[NROWS] = {10, 10, 20, 21, 30, 31, TS_MISSING_INT, 11, 20, -5};
    static const int64_t sex[NROWS] = {1, 2, 1, 2, 1, 2, 1, TS_MISSING_INT, 9, 2};
    static const double popn[NROWS] = {100, 100, 50, 50, 1, 2, NAN, 100, 50, 3};
    static const double w[NROWS] = {1.5, 2, 1, 2.5, -1, 0, NAN, 1e6, 2, 0.25}; /* out where area is missing */
    static const double dw[NROWS] = {1, 1, 1, 1, 1, 1, 1, 1, 0, NAN};
    static const double cal1[NROWS] = {0, 1, 0, 1, 0, 1, NAN, 0, 1, 0};
    static const double cal2[NROWS] = {0, 1, 2, 0, 1, 2, 0, -1, 2, 1};
    static const double x[NROWS] = {1.5, -3, NAN, 0, 7, 2, 1, -0.5, 40, 3};
    ts_dataset *ds = ts_dataset_new();
    if (!ds)
        return NULL;
    for (size_t k = 0; k < sizeof spec / sizeof *spec; k++) {
        ts_var *v = ts_var_new(spec[k].name, spec[k].type);
        if (!v)
            goto fail;
        if (spec[k].type == TS_VAR_SINGLE || spec[k].type == TS_VAR_MULTI) {
            for (int32_t c = 1; c <= 3; c++)
                ts_var_add_code(v, c, 0, "c", "", "");
            ts_var_add_code(v, 9, TS_CODE_MISSING, "無回答", "", "");
        }
        ts_var_choose_storage(v);
        if (ts_dataset_add_var(ds, v) != 0) {
            ts_var_free(v);
            goto fail;
        }
    }
    if (ts_dataset_reserve(ds, NROWS) != 0)
        goto fail;
    ds->nrows = NROWS;
    for (size_t r = 0; r < NROWS; r++) {
        ts_var_set_int(ts_dataset_find(ds, "id"), r, (int64_t)r + 1);
        ts_var_set_int(ts_dataset_find(ds, "area"), r, area[r]);
        ts_var_set_int(ts_dataset_find(ds, "school"), r, school[r]);
        ts_var_set_num(ts_dataset_find(ds, "popn"), r, popn[r]);
        ts_var_set_num(ts_dataset_find(ds, "w"), r, w[r]);
        ts_var_set_num(ts_dataset_find(ds, "dw"), r, dw[r]);
        ts_var_set_int(ts_dataset_find(ds, "sex"), r, sex[r]);
        if (r % 3 == 0)
            ts_var_set_text(ts_dataset_find(ds, "note"), r, "自由記述", strlen("自由記述"));
        ts_var_set_mask(ts_dataset_find(ds, "m"), r, r % 4 == 3 ? TS_MISSING_MASK : (uint64_t)(r % 8));
        ts_var_set_num(ts_dataset_find(ds, "_cal_1"), r, cal1[r]);
        ts_var_set_num(ts_dataset_find(ds, "_cal_2"), r, cal2[r]);
        ts_var_set_num(ts_dataset_find(ds, "x"), r, x[r]);
    }
    return ds;
fail:
    ts_dataset_free(ds);
    return NULL;
}

static int same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

static int same_design(const ts_design *a, const ts_design *b)
{
    if (a->type != b->type || a->lonely_psu != b->lonely_psu || a->calibration != b->calibration ||
        a->dropped != b->dropped || a->ncalibration_columns != b->ncalibration_columns)
        return 0;
    for (size_t k = 0; k < a->ncalibration_columns; k++)
        if (!same_str(a->calibration_columns[k], b->calibration_columns[k]))
            return 0;
    /* replicate weights (issue #15) */
    if (a->variance != b->variance || a->replicates_supplied != b->replicates_supplied ||
        a->nreplicate_columns != b->nreplicate_columns || a->nreplicate_rscales != b->nreplicate_rscales ||
        a->replicate_mse != b->replicate_mse || a->combined_weights != b->combined_weights ||
        (a->variance != TS_REP_NONE && !(a->replicate_scale == b->replicate_scale)))
        return 0;
    for (size_t k = 0; k < a->nreplicate_columns; k++)
        if (!same_str(a->replicate_columns[k], b->replicate_columns[k]))
            return 0;
    for (size_t k = 0; k < a->nreplicate_rscales; k++)
        if (!(a->replicate_rscales[k] == b->replicate_rscales[k]))
            return 0;
    return same_str(a->strata, b->strata) && same_str(a->cluster, b->cluster) && same_str(a->fpc, b->fpc) &&
           same_str(a->weight, b->weight) && same_str(a->design_weight, b->design_weight) &&
           same_str(a->calibrated_weight, b->calibrated_weight) &&
           same_str(a->calibration_variables, b->calibration_variables) && same_str(a->method, b->method) &&
           same_str(a->tool, b->tool) && same_str(a->manifest, b->manifest) &&
           same_str(a->base_weight, b->base_weight) && a->fpc_from_frame == b->fpc_from_frame &&
           same_str(a->fpc_variable, b->fpc_variable) && same_str(a->frame, b->frame) &&
           /* the frame's columns are written only with a frame (ts_design_write) */
           (!a->frame || (same_str(a->frame_population, b->frame_population) &&
                          same_str(a->frame_sample, b->frame_sample)));
}

/* A replicate estimator: the total weight of the view. */
static ts_status rep_total(const ts_sample *view, void *ctx, double *theta, ts_err *err)
{
    (void)ctx;
    (void)err;
    double t = 0;
    for (size_t i = 0; i < view->n; i++)
        t += view->w[i];
    *theta = t;
    return TS_OK;
}

/* The sample of DS under D, used as tsunagari-tab uses it: the variance of a total and a
 * mean-like column, the degrees of freedom. */
static void use_sample(const ts_dataset *ds, const ts_design *d)
{
    ts_err err = TS_ERR_INIT;
    ts_sample *s = ts_sample_new(ds, d, &err);
    if (!s) {
        CHECK(err.status != TS_OK && err.msg);
        ts_err_clear(&err);
        return;
    }
    CHECK(s->n == NROWS && s->summary);
    for (size_t i = 0; i < NROWS; i++)
        CHECK(s->stratum[i] < s->nstrata && s->psu[i] < s->npsu);
    double z[NROWS * 2], v[4];
    const ts_var *sex = ts_dataset_find(ds, "sex");
    for (size_t i = 0; i < NROWS; i++) {
        z[i * 2] = s->w[i];
        z[i * 2 + 1] = ts_var_int(sex, i) == 1 ? s->w[i] : 0;
    }
    gsl_failed = 0;
    if (ts_sample_vcov(s, z, 2, v, &err) != TS_OK)
        CHECK(err.status != TS_OK && err.msg);
    else
        CHECK(!gsl_failed); /* a GSL error must become a refusal, not a variance */
    ts_err_clear(&err);
    unsigned char in[NROWS];
    for (size_t i = 0; i < NROWS; i++)
        in[i] = i % 2;
    (void)ts_sample_df(s, NULL);
    (void)ts_sample_df(s, in);
    (void)ts_sample_df(s, in); /* again: from the replicates' cache */
    if (s->rep) {
        /* replicate weights: the total of w's replicate versions through svrVar */
        double hat = 0, rv = 0;
        for (size_t i = 0; i < NROWS; i++)
            hat += s->w[i];
        CHECK(ts_replicate_vcov(s, rep_total, NULL, &hat, 1, &rv, &err) == TS_OK);
        CHECK(isnan(rv) || rv >= -1e-9 * (1 + hat * hat));
    }
    ts_sample_free(s);
    s = ts_sample_unweighted(ds, d, &err);
    if (s)
        for (size_t i = 0; i < NROWS; i++)
            CHECK(s->w[i] == 0 || s->w[i] == 1);
    ts_sample_free(s);
    ts_err_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gsl_set_error_handler(note_gsl_error);
    ts_dataset *ds = dataset();
    if (!ds)
        return 0;
    /* KEY=VALUE lines; a line without '=' sets KEY to "" */
    for (size_t at = 0; at < size;) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
        char *line = malloc(len + 1);
        if (!line)
            break;
        memcpy(line, data + at, len);
        line[len] = '\0';
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        ts_dataset_set_meta(ds, line, eq ? eq + 1 : "");
        free(line);
        at += len + 1;
    }
    ts_design d, again;
    ts_err err = TS_ERR_INIT;
    if (ts_design_read(ds, &d, &err) != TS_OK) {
        CHECK(err.status != TS_OK && err.msg); /* a refusal says why */
    } else {
        CHECK(err.msg == NULL);
        const char *ja = ts_design_describe_ja(&d);
        CHECK(ja && strcmp(ja, "?") != 0);
        use_sample(ds, &d);
        /* what was read is what is written back */
        CHECK(ts_design_write(ds, &d, &err) == TS_OK);
        CHECK(ts_design_read(ds, &again, &err) == TS_OK);
        CHECK(same_design(&d, &again));
        ts_design_clear(&again);
    }
    ts_design_clear(&d);
    ts_err_clear(&err);
    ts_dataset_free(ds);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
