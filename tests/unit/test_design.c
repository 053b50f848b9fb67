/* test_design.c — lib/design: the names of types, calibrations and lonely-PSU rules; the
 * record written into a dataset and read back field by field; what ts_design_read refuses;
 * the design decided from a manifest, with every contradiction refused at [design] type and
 * the manifest's file:line; and the Japanese description for report covers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "design.h"
#include "harness.h"
#include "manifest.h"

#define NROWS 6

/* id, area (single 1..3: the strata), school (integer: the PSUs), popn (numeric: N_h), sex
 * (single), note (text), and numeric columns a weighted dataset carries. */
static ts_dataset *dataset(void)
{
    ts_dataset *ds = ts_dataset_new();
    static const struct { const char *name; ts_vartype type; } spec[] = {
        {"id", TS_VAR_ID},          {"area", TS_VAR_SINGLE},   {"school", TS_VAR_INTEGER},
        {"popn", TS_VAR_NUMERIC},   {"sex", TS_VAR_SINGLE},    {"note", TS_VAR_TEXT},
        {"w", TS_VAR_NUMERIC},      {"dw", TS_VAR_NUMERIC},    {"cw", TS_VAR_NUMERIC},
        {"_cal_1", TS_VAR_NUMERIC}, {"_cal_2", TS_VAR_NUMERIC}};
    for (size_t k = 0; k < sizeof spec / sizeof *spec; k++) {
        ts_var *v = ts_var_new(spec[k].name, spec[k].type);
        if (spec[k].type == TS_VAR_SINGLE)
            for (int32_t c = 1; c <= 3; c++)
                ts_var_add_code(v, c, 0, "c", "", "");
        ts_var_choose_storage(v);
        if (ts_dataset_add_var(ds, v) != 0)
            abort();
    }
    if (ts_dataset_reserve(ds, NROWS) != 0)
        abort();
    ds->nrows = NROWS;
    for (size_t r = 0; r < NROWS; r++) {
        ts_var_set_int(ts_dataset_find(ds, "id"), r, (int64_t)r + 1);
        ts_var_set_int(ts_dataset_find(ds, "area"), r, (int64_t)(r % 3 + 1));
        ts_var_set_int(ts_dataset_find(ds, "school"), r, (int64_t)(r / 2 + 10));
        ts_var_set_num(ts_dataset_find(ds, "popn"), r, 100);
        ts_var_set_int(ts_dataset_find(ds, "sex"), r, (int64_t)(r % 2 + 1));
    }
    return ds;
}

static int has(const char *haystack, const char *needle) { return haystack && strstr(haystack, needle) != NULL; }

/* ---- names ------------------------------------------------------------------------------ */

static void test_names(void)
{
    /* every value: a name of its own that parses back to it */
    for (int t = TS_DESIGN_SRS; t <= TS_DESIGN_CENSUS; t++) {
        ts_design_type back = (ts_design_type)-1;
        const char *name = ts_design_type_name((ts_design_type)t);
        T_CHECK(strcmp(name, "?") != 0);
        T_CHECK(ts_design_type_parse(name, &back) == 0 && back == (ts_design_type)t);
        for (int u = TS_DESIGN_SRS; u < t; u++)
            T_CHECK(strcmp(name, ts_design_type_name((ts_design_type)u)) != 0);
    }
    for (int c = TS_CAL_NONE; c <= TS_CAL_LOGIT; c++) {
        ts_calibration back = (ts_calibration)-1;
        const char *name = ts_calibration_name((ts_calibration)c);
        T_CHECK(strcmp(name, "?") != 0);
        T_CHECK(ts_calibration_parse(name, &back) == 0 && back == (ts_calibration)c);
        for (int u = TS_CAL_NONE; u < c; u++)
            T_CHECK(strcmp(name, ts_calibration_name((ts_calibration)u)) != 0);
    }
    for (int l = TS_LONELY_FAIL; l <= TS_LONELY_ADJUST; l++) {
        ts_lonely_psu back = (ts_lonely_psu)-1;
        const char *name = ts_lonely_psu_name((ts_lonely_psu)l);
        T_CHECK(strcmp(name, "?") != 0);
        T_CHECK(ts_lonely_psu_parse(name, &back) == 0 && back == (ts_lonely_psu)l);
        for (int u = TS_LONELY_FAIL; u < l; u++)
            T_CHECK(strcmp(name, ts_lonely_psu_name((ts_lonely_psu)u)) != 0);
    }
    /* the manifest's spellings (docs/manifest.md) */
    T_CHECK_STR(ts_design_type_name(TS_DESIGN_SRS), "srs");
    T_CHECK_STR(ts_design_type_name(TS_DESIGN_NONPROBABILITY), "nonprobability");
    T_CHECK_STR(ts_design_type_name(TS_DESIGN_CENSUS), "census");
    T_CHECK_STR(ts_calibration_name(TS_CAL_POSTSTRATIFY), "poststratify");
    T_CHECK_STR(ts_calibration_name(TS_CAL_RAKE), "rake");
    T_CHECK_STR(ts_calibration_name(TS_CAL_RAKING), "raking");
    T_CHECK_STR(ts_lonely_psu_name(TS_LONELY_ADJUST), "adjust");
    /* out of range: "?", not a neighbour's name or a crash */
    T_CHECK_STR(ts_design_type_name((ts_design_type)99), "?");
    T_CHECK_STR(ts_calibration_name((ts_calibration)99), "?");
    T_CHECK_STR(ts_lonely_psu_name((ts_lonely_psu)99), "?");
    /* unknown names refused, *OUT left alone */
    static const char *const bad[] = {"", "?", "multistage", "srs ", " srs", "rak", "rakes", "average", "none;"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ts_design_type t = TS_DESIGN_CLUSTER;
        ts_calibration c = TS_CAL_LOGIT;
        ts_lonely_psu l = TS_LONELY_REMOVE;
        T_CHECK(ts_design_type_parse(bad[k], &t) == -1 && t == TS_DESIGN_CLUSTER);
        T_CHECK(ts_calibration_parse(bad[k], &c) == -1 && c == TS_CAL_LOGIT);
        T_CHECK(ts_lonely_psu_parse(bad[k], &l) == -1 && l == TS_LONELY_REMOVE);
    }
    ts_design_type t = TS_DESIGN_CLUSTER;
    T_CHECK(ts_design_type_parse(NULL, &t) == -1 && t == TS_DESIGN_CLUSTER);
    ts_calibration c = TS_CAL_RAKE;
    T_CHECK(ts_calibration_parse(NULL, &c) == -1 && c == TS_CAL_RAKE);
    ts_lonely_psu l = TS_LONELY_ADJUST;
    T_CHECK(ts_lonely_psu_parse(NULL, &l) == -1 && l == TS_LONELY_ADJUST);
    /* a name of one kind is not a name of another */
    T_CHECK(ts_calibration_parse("srs", &c) == -1);
    T_CHECK(ts_design_type_parse("rake", &t) == -1);
    /* the GREG distances, and only they */
    T_CHECK(!ts_calibration_is_greg(TS_CAL_NONE) && !ts_calibration_is_greg(TS_CAL_POSTSTRATIFY) &&
            !ts_calibration_is_greg(TS_CAL_RAKE));
    T_CHECK(ts_calibration_is_greg(TS_CAL_LINEAR) && ts_calibration_is_greg(TS_CAL_RAKING) &&
            ts_calibration_is_greg(TS_CAL_LOGIT));
}

/* ---- the record ------------------------------------------------------------------------- */

static void test_record(void)
{
    ts_design d;
    ts_design_init(&d);
    T_CHECK(d.type == TS_DESIGN_SRS && d.calibration == TS_CAL_NONE && d.lonely_psu == TS_LONELY_FAIL);
    T_CHECK(!d.weight && !d.strata && d.ncalibration_columns == 0 && d.dropped == 0);
    T_CHECK(ts_design_set(&d.strata, "area") == 0);
    T_CHECK_STR(d.strata, "area");
    T_CHECK(ts_design_set(&d.strata, "") == 0 && d.strata == NULL); /* "" clears */
    T_CHECK(ts_design_set(&d.strata, "x") == 0 && ts_design_set(&d.strata, NULL) == 0 && d.strata == NULL);
    T_CHECK(ts_design_add_calibration_column(&d, "_cal_1") == 0 && ts_design_add_calibration_column(&d, "_cal_2") == 0);
    T_CHECK(d.ncalibration_columns == 2);
    T_CHECK_STR(d.calibration_columns[1], "_cal_2");
    ts_design_set(&d.method, "m");
    ts_design_clear(&d);
    T_CHECK(d.ncalibration_columns == 0 && d.calibration_columns == NULL && d.method == NULL);
    ts_design_clear(&d); /* twice: harmless */
}

/* A design with every recorded field set. */
static void full_design(ts_design *d)
{
    ts_design_init(d);
    d->type = TS_DESIGN_CLUSTER;
    ts_design_set(&d->strata, "area");
    ts_design_set(&d->cluster, "school");
    ts_design_set(&d->fpc, "popn");
    d->lonely_psu = TS_LONELY_ADJUST;
    ts_design_set(&d->weight, "w");
    ts_design_set(&d->design_weight, "dw");
    ts_design_set(&d->calibrated_weight, "cw");
    d->calibration = TS_CAL_RAKE;
    ts_design_set(&d->calibration_variables, "age_band*sex;area");
    ts_design_add_calibration_column(d, "_cal_1");
    ts_design_add_calibration_column(d, "_cal_2");
    ts_design_set(&d->method, "design cluster; raked to sex, area (4 sweeps)");
    d->dropped = 4000000000UL;
    ts_design_set(&d->tool, "tsunagari-weight 0.9");
    ts_design_set(&d->manifest, "surveys/2026/survey.ini");
}

static void test_write_read(void)
{
    ts_dataset *ds = dataset();
    ts_design d, r;
    ts_err err = TS_ERR_INIT;
    full_design(&d);
    /* recorded too: what the weighting started from */
    ts_design_set(&d.base_weight, "base");
    ts_design_set(&d.frame, "frame.csv");
    ts_design_set(&d.frame_population, "N");
    ts_design_set(&d.frame_sample, "n");
    d.fpc_from_frame = 1;
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK);
    T_CHECK(ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(r.type == TS_DESIGN_CLUSTER);
    T_CHECK_STR(r.strata, "area");
    T_CHECK_STR(r.cluster, "school");
    T_CHECK_STR(r.fpc, "popn");
    T_CHECK(r.lonely_psu == TS_LONELY_ADJUST);
    T_CHECK_STR(r.weight, "w");
    T_CHECK_STR(r.design_weight, "dw");
    T_CHECK_STR(r.calibrated_weight, "cw");
    T_CHECK(r.calibration == TS_CAL_RAKE);
    T_CHECK_STR(r.calibration_variables, "age_band*sex;area");
    T_CHECK(r.ncalibration_columns == 2);
    if (r.ncalibration_columns == 2) {
        T_CHECK_STR(r.calibration_columns[0], "_cal_1");
        T_CHECK_STR(r.calibration_columns[1], "_cal_2");
    }
    T_CHECK_STR(r.method, "design cluster; raked to sex, area (4 sweeps)");
    T_CHECK(r.dropped == 4000000000UL);
    T_CHECK_STR(r.tool, "tsunagari-weight 0.9");
    T_CHECK_STR(r.manifest, "surveys/2026/survey.ini");
    T_CHECK_STR(r.base_weight, "base");
    T_CHECK_STR(r.frame, "frame.csv");
    T_CHECK_STR(r.frame_population, "N");
    T_CHECK_STR(r.frame_sample, "n");
    T_CHECK(r.fpc_from_frame == 1 && r.fpc_variable == NULL);
    ts_design_clear(&r);
    /* fpc = VAR: the variable N_h came from */
    d.fpc_from_frame = 0;
    ts_design_set(&d.fpc_variable, "popn");
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(r.fpc_from_frame == 0);
    T_CHECK_STR(r.fpc_variable, "popn");
    ts_design_clear(&r);
    d.fpc_from_frame = 1;
    ts_design_set(&d.fpc_variable, NULL);

    /* every calibration and lonely-PSU rule survives the trip */
    for (int c = TS_CAL_NONE; c <= TS_CAL_LOGIT; c++)
        for (int l = TS_LONELY_FAIL; l <= TS_LONELY_ADJUST; l++) {
            d.calibration = (ts_calibration)c;
            d.lonely_psu = (ts_lonely_psu)l;
            T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &r, &err) == TS_OK);
            T_CHECK(r.calibration == (ts_calibration)c && r.lonely_psu == (ts_lonely_psu)l);
            /* the calibration columns are the calibration's: none has none */
            T_CHECK(r.ncalibration_columns == (c == TS_CAL_NONE ? 0u : 2u));
            ts_design_clear(&r);
        }
    ts_design_clear(&d);

    /* a second design replaces the first: no strata, clusters, fpc or calibration left over */
    ts_design_init(&d);
    d.type = TS_DESIGN_NONPROBABILITY;
    ts_design_set(&d.weight, "w");
    ts_design_set(&d.manifest, "other.ini");
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(r.type == TS_DESIGN_NONPROBABILITY && !r.strata && !r.cluster && !r.fpc && !r.design_weight &&
            !r.calibrated_weight && r.calibration == TS_CAL_NONE && r.ncalibration_columns == 0 &&
            !r.calibration_variables && r.lonely_psu == TS_LONELY_FAIL && r.dropped == 0 && !r.method && !r.tool);
    T_CHECK_STR(r.weight, "w");
    T_CHECK_STR(r.manifest, "other.ini");
    ts_design_clear(&r);
    ts_design_clear(&d);
    T_CHECK(err.status == TS_OK && err.msg == NULL);
    ts_dataset_free(ds);

    /* a dataset without a design: simple random sampling, unweighted */
    ds = dataset();
    T_CHECK(ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(r.type == TS_DESIGN_SRS && !r.weight && !r.design_weight && !r.strata && !r.cluster && !r.fpc &&
            r.calibration == TS_CAL_NONE && r.ncalibration_columns == 0 && r.lonely_psu == TS_LONELY_FAIL &&
            r.dropped == 0 && !r.manifest);
    ts_design_clear(&r);
    ts_dataset_free(ds);
}

/* ts_design_read of a dataset whose recorded design has KEY = VALUE; the status, and the
 * message into MSG. */
static ts_status read_with(const char *key, const char *value, char *msg, size_t size)
{
    ts_dataset *ds = dataset();
    ts_design d;
    ts_err err = TS_ERR_INIT;
    full_design(&d);
    ts_design_write(ds, &d, &err);
    ts_design_clear(&d);
    ts_dataset_set_meta(ds, key, value);
    ts_status st = ts_design_read(ds, &d, &err);
    snprintf(msg, size, "%s", err.msg ? err.msg : "");
    if (st != TS_OK && (err.status != st || !err.msg))
        st = TS_E_INTERNAL; /* a refusal must say why */
    ts_design_clear(&d);
    ts_err_clear(&err);
    ts_dataset_free(ds);
    return st;
}

static void test_read_refusals(void)
{
    char msg[512];
    T_CHECK(read_with("design.type", "cluster", msg, sizeof msg) == TS_OK); /* the base case reads */
    T_CHECK(read_with("design.type", "multistage", msg, sizeof msg) == TS_E_DATA && has(msg, "multistage") &&
            has(msg, "design.type"));
    T_CHECK(read_with("design.type", "SRS", msg, sizeof msg) == TS_E_DATA);
    T_CHECK(read_with("weight.calibration", "ipf", msg, sizeof msg) == TS_E_DATA && has(msg, "ipf") &&
            has(msg, "weight.calibration"));
    T_CHECK(read_with("design.lonely_psu", "average", msg, sizeof msg) == TS_E_DATA && has(msg, "average") &&
            has(msg, "lonely_psu"));
    T_CHECK(read_with("design.strata", "region", msg, sizeof msg) == TS_E_DATA && has(msg, "region") &&
            has(msg, "strata"));
    T_CHECK(read_with("design.cluster", "class", msg, sizeof msg) == TS_E_DATA && has(msg, "class") &&
            has(msg, "cluster"));
    T_CHECK(read_with("design.fpc", "fpc_population", msg, sizeof msg) == TS_E_DATA && has(msg, "fpc_population") &&
            has(msg, "fpc"));
    /* type = cluster without its cluster would be estimated as simple random sampling */
    T_CHECK(read_with("design.cluster", "", msg, sizeof msg) == TS_E_DATA && has(msg, "cluster"));
    /* ... but a stratified or srs design without clusters is fine */
    {
        ts_dataset *ds = dataset();
        ts_design d;
        ts_err err = TS_ERR_INIT;
        ts_dataset_set_meta(ds, "design.type", "stratified");
        ts_dataset_set_meta(ds, "design.strata", "area");
        T_CHECK(ts_design_read(ds, &d, &err) == TS_OK && d.type == TS_DESIGN_STRATIFIED && !d.cluster);
        T_CHECK_STR(d.strata, "area");
        ts_design_clear(&d);
        ts_dataset_free(ds);
    }
    /* a calibration column that is not in the dataset: the variance would lose the calibration */
    T_CHECK(read_with("weight.calibration_columns", "_cal_1;_cal_3", msg, sizeof msg) == TS_E_DATA &&
            has(msg, "_cal_3"));
    T_CHECK(read_with("weight.calibration_columns", "_cal_9", msg, sizeof msg) == TS_E_DATA && has(msg, "_cal_9"));
    T_CHECK(read_with("weight.calibration_columns", "_cal_2;_cal_1", msg, sizeof msg) == TS_OK);
}

/* ---- from the manifest ------------------------------------------------------------------- */

static char tmpdir[64];
static char ini[128];

/* The design of a manifest file with TEXT for DS; the status, with the message into MSG. */
static ts_status from_file(const char *text, ts_design *d, char *msg, size_t size)
{
    FILE *f = fopen(ini, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0)
        abort();
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_read(ini, &err);
    if (!m) {
        fprintf(stderr, "test_design: %s\n", err.msg);
        abort();
    }
    ts_dataset *ds = dataset();
    ts_status st = ts_design_from_manifest(m, ds, d, &err);
    snprintf(msg, size, "%s", err.msg ? err.msg : "");
    if (st != TS_OK && (err.status != st || !err.msg))
        st = TS_E_INTERNAL;
    ts_err_clear(&err);
    ts_dataset_free(ds);
    ts_manifest_free(m);
    return st;
}

/* Refused at [design] type, with the manifest's file and the line of `type`. */
static int refused_at_type(const char *text, unsigned long line)
{
    ts_design d;
    char msg[512], where[256];
    ts_status st = from_file(text, &d, msg, sizeof msg);
    ts_design_clear(&d);
    snprintf(where, sizeof where, "%s:%lu: [design] type", ini, line);
    if (st != TS_E_DATA || !has(msg, where)) {
        fprintf(stderr, "test_design: expected a refusal at %s, got %d \"%s\"\n", where, (int)st, msg);
        return 0;
    }
    return 1;
}

static void test_from_manifest_set(void)
{
    ts_dataset *ds = dataset();
    ts_design d;
    ts_err err = TS_ERR_INIT;
    /* type not given: it follows from the variables */
    ts_manifest *m = ts_manifest_new(".");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_SRS && !d.strata && !d.cluster);
    /* the schema's defaults: no fpc, no base weight, lonely PSUs fail, the frame's columns */
    T_CHECK(!d.fpc && !d.fpc_from_frame && !d.base_weight && !d.frame && d.lonely_psu == TS_LONELY_FAIL);
    T_CHECK_STR(d.frame_population, "population");
    T_CHECK_STR(d.frame_sample, "sample");
    T_CHECK(d.calibration == TS_CAL_NONE && !d.weight);
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "strata", "area");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_STRATIFIED);
    T_CHECK_STR(d.strata, "area");
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "cluster", "school");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_CLUSTER);
    T_CHECK_STR(d.strata, "area");
    T_CHECK_STR(d.cluster, "school");
    ts_design_clear(&d);
    ts_manifest_free(m);
    m = ts_manifest_new(".");
    ts_manifest_set(m, "design", "cluster", "school");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_CLUSTER && !d.strata);
    ts_design_clear(&d);
    /* type = "" is not stated: inferred */
    ts_manifest_set(m, "design", "type", "");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_CLUSTER);
    ts_design_clear(&d);
    /* a contradiction set on the command line names the --set */
    ts_manifest_set(m, "design", "type", "srs");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "--set design.type") &&
            has(err.msg, "cluster"));
    ts_design_clear(&d);
    ts_manifest_free(m);

    /* lonely_psu, fpc, the base weight and the frame as given */
    m = ts_manifest_new(".");
    ts_manifest_set(m, "design", "type", "stratified");
    ts_manifest_set(m, "design", "strata", "area");
    ts_manifest_set(m, "design", "lonely_psu", "certainty");
    ts_manifest_set(m, "design", "fpc", "YES");
    ts_manifest_set(m, "design", "weight", "base");
    ts_manifest_set(m, "design", "frame", "frame.csv");
    ts_manifest_set(m, "design", "frame_population", "N");
    ts_manifest_set(m, "design", "frame_sample", "n");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_STRATIFIED);
    T_CHECK(d.lonely_psu == TS_LONELY_CERTAINTY && d.fpc_from_frame && !d.fpc);
    T_CHECK_STR(d.base_weight, "base");
    T_CHECK_STR(d.frame, "frame.csv");
    T_CHECK_STR(d.frame_population, "N");
    T_CHECK_STR(d.frame_sample, "n");
    ts_design_clear(&d);
    for (int l = TS_LONELY_FAIL; l <= TS_LONELY_ADJUST; l++) {
        ts_manifest_set(m, "design", "lonely_psu", ts_lonely_psu_name((ts_lonely_psu)l));
        T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.lonely_psu == (ts_lonely_psu)l);
        ts_design_clear(&d);
    }
    /* fpc = VAR: a numeric (or integer) variable holding N_h */
    ts_manifest_set(m, "design", "fpc", "popn");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && !d.fpc_from_frame);
    T_CHECK_STR(d.fpc, "popn");
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "fpc", "school");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK);
    T_CHECK_STR(d.fpc, "school");
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "fpc", "no");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && !d.fpc && !d.fpc_from_frame);
    ts_design_clear(&d);
    /* a variable that is not numeric, or not a variable, is refused at [design] fpc */
    static const char *const bad_fpc[] = {"note", "sex", "id", "nosuch", "maybe"};
    for (size_t k = 0; k < sizeof bad_fpc / sizeof *bad_fpc; k++) {
        ts_manifest_set(m, "design", "fpc", bad_fpc[k]);
        T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "design.fpc") &&
                has(err.msg, bad_fpc[k]));
        ts_design_clear(&d);
    }
    ts_manifest_set(m, "design", "fpc", "no");
    ts_manifest_set(m, "design", "lonely_psu", "average");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "design.lonely_psu") &&
            has(err.msg, "average"));
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "lonely_psu", "fail");
    ts_manifest_set(m, "design", "type", "multistage");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "design.type") &&
            has(err.msg, "multistage"));
    ts_design_clear(&d);
    /* variables that are not in the dataset */
    ts_manifest_set(m, "design", "type", "stratified");
    ts_manifest_set(m, "design", "strata", "region");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "design.strata") &&
            has(err.msg, "region"));
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "strata", "area");
    ts_manifest_set(m, "design", "type", "cluster");
    ts_manifest_set(m, "design", "cluster", "class");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "design.cluster") &&
            has(err.msg, "class"));
    ts_design_clear(&d);
    ts_manifest_free(m);
    ts_err_clear(&err);
    ts_dataset_free(ds);
}

static void test_from_manifest_file(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_design.XXXXXX");
    if (!mkdtemp(tmpdir))
        abort();
    snprintf(ini, sizeof ini, "%s/survey.ini", tmpdir);
    ts_design d;
    char msg[512];

    /* every contradiction, refused at `type` (line 2 here) with the file's name */
    T_CHECK(refused_at_type("[design]\ntype = cluster\nstrata = area\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = stratified\ncluster = school\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = stratified\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = srs\nstrata = area\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = srs\ncluster = school\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\nstrata = area\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\ncluster = school\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\nframe = frame.csv\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\nfpc = yes\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\nfpc = popn\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\nweight = base\n", 2));
    T_CHECK(refused_at_type("[design]\ntype = nonprobability\n[nonresponse]\nclasses = sex\n", 2));
    T_CHECK(refused_at_type("; a comment\n[survey]\nname = x\n[design]\nstrata = area\ntype = srs\n", 6));
    /* the message says why */
    T_CHECK(from_file("[design]\ntype = cluster\n", &d, msg, sizeof msg) == TS_E_DATA && has(msg, "cluster") &&
            has(msg, "type = cluster"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = nonprobability\n[nonresponse]\nclasses = sex\n", &d, msg, sizeof msg) ==
                TS_E_DATA &&
            has(msg, "[nonresponse]"));
    ts_design_clear(&d);

    /* a census: every unit once, so no weights, fpc, frame, nonresponse or calibration */
    T_CHECK(from_file("[design]\ntype = census\nweight = w\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, "type = census") && has(msg, "no weights"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = census\n[weighting]\nmethod = rake\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, "[weighting] method"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = census\nstrata = sex\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, "strata"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = census\n", &d, msg, sizeof msg) == TS_OK && d.type == TS_DESIGN_CENSUS);
    T_CHECK_STR(ts_design_describe_ja(&d), "全数調査");
    ts_design_clear(&d);

    /* what goes together is accepted */
    T_CHECK(from_file("[design]\ntype = nonprobability\nweight = w\n", &d, msg, sizeof msg) == TS_OK &&
            d.type == TS_DESIGN_NONPROBABILITY);
    T_CHECK_STR(d.base_weight, "w");
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = nonprobability\nfpc = no\n[nonresponse]\nclasses =\n", &d, msg, sizeof msg) ==
            TS_OK);
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = cluster\ncluster = school\nstrata = area\nfpc = popn\nlonely_psu = remove\n", &d,
                      msg, sizeof msg) == TS_OK &&
            d.type == TS_DESIGN_CLUSTER && d.lonely_psu == TS_LONELY_REMOVE);
    T_CHECK_STR(d.fpc, "popn");
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = srs\nweight = base\nframe = f.csv\nfpc = yes\n", &d, msg, sizeof msg) == TS_OK &&
            d.type == TS_DESIGN_SRS && d.fpc_from_frame);
    ts_design_clear(&d);

    /* the other refusals name the file, the line and the key too */
    char where[256];
    T_CHECK(from_file("[design]\n\nstrata = region\n", &d, msg, sizeof msg) == TS_E_DATA);
    snprintf(where, sizeof where, "%s:3: [design] strata", ini);
    T_CHECK(has(msg, where) && has(msg, "region"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ncluster = nosuch\n", &d, msg, sizeof msg) == TS_E_DATA);
    snprintf(where, sizeof where, "%s:2: [design] cluster", ini);
    T_CHECK(has(msg, where));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\nstrata = area\nfpc = note\n", &d, msg, sizeof msg) == TS_E_DATA);
    snprintf(where, sizeof where, "%s:3: [design] fpc", ini);
    T_CHECK(has(msg, where) && has(msg, "note"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\nlonely_psu = average\n", &d, msg, sizeof msg) == TS_E_DATA);
    snprintf(where, sizeof where, "%s:2: [design] lonely_psu", ini);
    T_CHECK(has(msg, where));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = two-phase\n", &d, msg, sizeof msg) == TS_E_DATA);
    snprintf(where, sizeof where, "%s:2: [design] type", ini);
    T_CHECK(has(msg, where) && has(msg, "two-phase"));
    ts_design_clear(&d);

    unlink(ini);
    rmdir(tmpdir);
}

/* ---- for people --------------------------------------------------------------------------- */

static void test_describe(void)
{
    ts_design d;
    ts_design_init(&d);
    T_CHECK_STR(ts_design_describe_ja(&d), "単純無作為抽出");
    d.type = TS_DESIGN_STRATIFIED;
    ts_design_set(&d.strata, "area");
    T_CHECK_STR(ts_design_describe_ja(&d), "層化無作為抽出");
    d.type = TS_DESIGN_CLUSTER;
    T_CHECK_STR(ts_design_describe_ja(&d), "多段（集落）抽出"); /* cluster named nowhere */
    ts_design_set(&d.cluster, "school");
    T_CHECK_STR(ts_design_describe_ja(&d), "層化多段（集落）抽出");
    ts_design_set(&d.strata, NULL);
    T_CHECK_STR(ts_design_describe_ja(&d), "多段（集落）抽出");
    d.type = TS_DESIGN_NONPROBABILITY;
    T_CHECK_STR(ts_design_describe_ja(&d), "非確率標本（自発的な回答）");
    ts_design_set(&d.strata, "area"); /* a record made in memory: still not a probability sample */
    T_CHECK_STR(ts_design_describe_ja(&d), "非確率標本（自発的な回答）");
    ts_design_clear(&d);

    /* the description of what the manifest decided */
    ts_dataset *ds = dataset();
    ts_manifest *m = ts_manifest_new(".");
    ts_err err = TS_ERR_INIT;
    ts_manifest_set(m, "design", "strata", "area");
    ts_manifest_set(m, "design", "cluster", "school");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK);
    T_CHECK_STR(ts_design_describe_ja(&d), "層化多段（集落）抽出");
    ts_design_clear(&d);
    ts_manifest_free(m);
    ts_dataset_free(ds);
}

/* Multistage designs (issue #15): [design] cluster = school, id with fpc = popn, dw (one per
 * stage) decided from the manifest, written and read back; a one-stage record writes none of
 * the new keys; a first-stage fpc alone, a wrong count and an unknown stage are refused. */
static void test_stages(void)
{
    ts_dataset *ds = dataset();
    ts_design d, r;
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_new(".");
    ts_manifest_set(m, "design", "strata", "area");
    ts_manifest_set(m, "design", "cluster", "school, id");
    ts_manifest_set(m, "design", "fpc", "popn, dw");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && d.type == TS_DESIGN_CLUSTER && d.nsub == 1 && d.nest);
    T_CHECK_STR(d.cluster, "school");
    T_CHECK_STR(d.subcluster[0], "id");
    T_CHECK_STR(d.fpc, "popn");
    T_CHECK_STR(d.subfpc[0], "dw");
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(r.nsub == 1 && r.nest);
    T_CHECK_STR(r.subcluster[0], "id");
    T_CHECK_STR(r.subfpc[0], "dw");
    T_CHECK_STR(ts_design_describe_ja(&r), "層化二段抽出");
    ts_design_clear(&r);
    ts_design_clear(&d);
    /* nest = no is recorded; no fpc: the later stage without one */
    ts_manifest_set(m, "design", "fpc", "no");
    ts_manifest_set(m, "design", "nest", "no");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_OK && !d.nest && d.nsub == 1 && !d.subfpc[0]);
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &r, &err) == TS_OK);
    T_CHECK(!r.nest && r.nsub == 1 && !r.subfpc[0]);
    ts_design_clear(&r);
    ts_design_clear(&d);
    /* refusals, each naming the setting */
    ts_manifest_set(m, "design", "nest", "yes");
    ts_manifest_set(m, "design", "fpc", "popn");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "--set design.fpc") &&
            has(err.msg, "first stage's population size only"));
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "fpc", "popn, dw, dw");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "one population size per sampling stage"));
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "fpc", "popn, note");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "note (the second stage's population size)"));
    ts_design_clear(&d);
    ts_manifest_set(m, "design", "fpc", "no");
    ts_manifest_set(m, "design", "cluster", "school, pupil");
    T_CHECK(ts_design_from_manifest(m, ds, &d, &err) == TS_E_DATA && has(err.msg, "--set design.cluster") &&
            has(err.msg, "pupil (the second stage's units)"));
    ts_design_clear(&d);
    ts_manifest_free(m);
    /* a one-stage record has none of the multistage keys (its dataset is as before) */
    ts_dataset *one = dataset();
    full_design(&d);
    T_CHECK(ts_design_write(one, &d, &err) == TS_OK);
    T_CHECK(!ts_dataset_get_meta(one, "design.later_stages") && !ts_dataset_get_meta(one, "design.nest") &&
            !ts_dataset_get_meta(one, "design.psu_frame"));
    ts_design_clear(&d);
    /* a recorded later stage that is not a column is refused */
    ts_dataset_set_meta(one, "design.later_stages", "pupil");
    T_CHECK(ts_design_read(one, &r, &err) == TS_E_DATA && has(err.msg, "pupil"));
    ts_design_clear(&r);
    ts_err_clear(&err);
    ts_dataset_free(one);
    ts_dataset_free(ds);
}

/* ---- replicate weights ([design] variance) ---------------------------------------------- */

static void test_replicates(void)
{
    ts_design d;
    char msg[512];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_design.XXXXXX");
    if (!mkdtemp(tmpdir))
        abort();
    snprintf(ini, sizeof ini, "%s/survey.ini", tmpdir);
    /* supplied: a prefix with a star, in dataset order; R's default scale and one rscale each */
    T_CHECK(from_file("[design]\nweight = w\nvariance = supplied\nreplicate_weights = _cal_*\nreplicate_type = jk1\n"
                      "replicate_rscales = 0.5\nmse = yes\n", &d, msg, sizeof msg) == TS_OK);
    T_CHECK(d.variance == TS_REP_JK1 && d.replicates_supplied && d.nreplicate_columns == 2 && d.replicate_mse);
    T_CHECK_STR(d.nreplicate_columns ? d.replicate_columns[0] : NULL, "_cal_1");
    T_CHECK(d.replicate_scale == 0.5 && d.nreplicate_rscales == 2 && d.replicate_rscales[1] == 0.5);
    /* written and read back field by field */
    ts_dataset *ds = dataset();
    ts_err err = TS_ERR_INIT;
    ts_design back;
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &back, &err) == TS_OK);
    T_CHECK(back.variance == TS_REP_JK1 && back.replicates_supplied && back.nreplicate_columns == 2 &&
            back.replicate_scale == 0.5 && back.nreplicate_rscales == 2 && back.replicate_mse && back.combined_weights);
    T_CHECK_STR(ts_dataset_get_meta(ds, "design.variance"), "supplied");
    T_CHECK_STR(ts_dataset_get_meta(ds, "design.replicate_weights"), "_cal_1;_cal_2");
    ts_design_clear(&back);
    /* linearisation again: the replicate keys are emptied, the record reads as none */
    ts_design_clear(&d);
    ts_design_init(&d);
    T_CHECK(ts_design_write(ds, &d, &err) == TS_OK && ts_design_read(ds, &back, &err) == TS_OK &&
            back.variance == TS_REP_NONE && back.nreplicate_columns == 0);
    ts_design_clear(&back);
    /* a recorded replicate column that is not there is refused */
    ts_dataset_set_meta(ds, "design.variance", "jkn");
    ts_dataset_set_meta(ds, "design.replicate_type", "jkn");
    ts_dataset_set_meta(ds, "design.replicate_weights", "repw_1;repw_2");
    ts_dataset_set_meta(ds, "design.replicate_scale", "1");
    T_CHECK(ts_design_read(ds, &back, &err) == TS_E_DATA && has(err.msg, "repw_1 is not in the dataset"));
    ts_design_clear(&back);
    ts_err_clear(&err);
    ts_dataset_free(ds);
    /* made from the design: bootstrap's defaults, R's */
    T_CHECK(from_file("[design]\nstrata = area\nvariance = bootstrap\n", &d, msg, sizeof msg) == TS_OK);
    T_CHECK(d.variance == TS_REP_BOOTSTRAP && !d.replicates_supplied && d.replicates == 50 && d.seed == 1 &&
            !d.replicate_mse && isnan(d.replicate_scale));
    ts_design_clear(&d);
    /* refusals, each at its key's line */
    T_CHECK(from_file("[design]\nvariance = supplied\nreplicate_weights = w, dw\nreplicate_type = brr\n"
                      "replicate_scale = 2\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, ":5: [design] replicate_scale"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\nvariance = jk1\nreplicates = 10\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, ":3: [design] replicates"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\nvariance = supplied\nreplicate_weights = w, note\nreplicate_type = other\n", &d, msg,
                      sizeof msg) == TS_E_DATA && has(msg, "note is text, not a number"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\nvariance = supplied\nreplicate_weights = w, w\nreplicate_type = other\n", &d, msg,
                      sizeof msg) == TS_E_DATA && has(msg, "listed twice"));
    ts_design_clear(&d);
    T_CHECK(from_file("[design]\ntype = nonprobability\nvariance = jk1\n", &d, msg, sizeof msg) == TS_E_DATA &&
            has(msg, "no sampling variance to replicate"));
    ts_design_clear(&d);
    unlink(ini);
    rmdir(tmpdir);
}

int main(void)
{
    test_names();
    test_record();
    test_write_read();
    test_read_refusals();
    test_from_manifest_set();
    test_from_manifest_file();
    test_describe();
    test_stages();
    test_replicates();
    T_DONE();
}
