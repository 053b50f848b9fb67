/* design.c — the survey design as one typed record (design.h): decided from the manifest,
 * written into the dataset's provenance and read back, with every refusal in this file. */
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numparse.h"
#include "schema.h"
#include "strbuf.h"

/* ---- names ------------------------------------------------------------------------------ */

static const char *const TYPE_NAMES[] = {"srs", "stratified", "cluster", "nonprobability", "census"};
static const char *const CAL_NAMES[] = {"none", "poststratify", "rake", "linear", "raking", "logit"};
static const char *const LONELY_NAMES[] = {"fail", "remove", "certainty", "adjust"};
static const char *const RAKE_RESIDUAL_NAMES[] = {"r", "exact"};

#define COUNT(a) (sizeof(a) / sizeof *(a))

static int parse_name(const char *s, const char *const *names, size_t n, int *out)
{
    for (size_t k = 0; s && k < n; k++)
        if (strcmp(s, names[k]) == 0) {
            *out = (int)k;
            return 0;
        }
    return -1;
}

const char *ts_design_type_name(ts_design_type t) { return (size_t)t < COUNT(TYPE_NAMES) ? TYPE_NAMES[t] : "?"; }
const char *ts_calibration_name(ts_calibration c) { return (size_t)c < COUNT(CAL_NAMES) ? CAL_NAMES[c] : "?"; }
const char *ts_rake_residuals_name(ts_rake_residuals r)
{
    return (size_t)r < COUNT(RAKE_RESIDUAL_NAMES) ? RAKE_RESIDUAL_NAMES[r] : "?";
}
const char *ts_lonely_psu_name(ts_lonely_psu l) { return (size_t)l < COUNT(LONELY_NAMES) ? LONELY_NAMES[l] : "?"; }

int ts_design_type_parse(const char *s, ts_design_type *out)
{
    int k;
    if (parse_name(s, TYPE_NAMES, COUNT(TYPE_NAMES), &k) != 0)
        return -1;
    *out = (ts_design_type)k;
    return 0;
}

int ts_calibration_parse(const char *s, ts_calibration *out)
{
    int k;
    if (parse_name(s, CAL_NAMES, COUNT(CAL_NAMES), &k) != 0)
        return -1;
    *out = (ts_calibration)k;
    return 0;
}

int ts_rake_residuals_parse(const char *s, ts_rake_residuals *out)
{
    int k;
    if (parse_name(s, RAKE_RESIDUAL_NAMES, COUNT(RAKE_RESIDUAL_NAMES), &k) != 0)
        return -1;
    *out = (ts_rake_residuals)k;
    return 0;
}

int ts_lonely_psu_parse(const char *s, ts_lonely_psu *out)
{
    int k;
    if (parse_name(s, LONELY_NAMES, COUNT(LONELY_NAMES), &k) != 0)
        return -1;
    *out = (ts_lonely_psu)k;
    return 0;
}

int ts_calibration_is_greg(ts_calibration c) { return c == TS_CAL_LINEAR || c == TS_CAL_RAKING || c == TS_CAL_LOGIT; }

/* ---- the record ------------------------------------------------------------------------- */

void ts_design_init(ts_design *d)
{
    memset(d, 0, sizeof *d);
    d->type = TS_DESIGN_SRS;
    d->lonely_psu = TS_LONELY_FAIL;
    d->calibration = TS_CAL_NONE;
    d->nest = 1;
    d->variance = TS_REP_NONE;
    d->replicate_scale = NAN;
    d->combined_weights = 1;
    d->replicates = 50;
    d->seed = 1;
    d->fay_rho = 0.5;
}

void ts_design_clear(ts_design *d)
{
    char **fields[] = {&d->strata, &d->cluster, &d->fpc, &d->weight, &d->design_weight, &d->calibrated_weight,
                       &d->calibration_variables, &d->base_weight, &d->fpc_variable, &d->frame, &d->frame_population, &d->frame_sample,
                       &d->method, &d->tool, &d->manifest, &d->psu_frame};
    for (size_t k = 0; k < COUNT(fields); k++)
        free(*fields[k]);
    for (size_t s = 0; s < TS_DESIGN_MAX_STAGES - 1; s++) {
        free(d->subcluster[s]);
        free(d->subfpc[s]);
    }
    for (size_t k = 0; k < d->ncalibration_columns; k++)
        free(d->calibration_columns[k]);
    free(d->calibration_columns);
    for (size_t k = 0; k < d->nreplicate_columns; k++)
        free(d->replicate_columns[k]);
    free(d->replicate_columns);
    free(d->replicate_rscales);
    ts_design_init(d);
}

int ts_design_set(char **field, const char *value)
{
    char *copy = NULL;
    if (value && *value && !(copy = ts_strdup(value)))
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

/* Append a copy of NAME to the list *LIST of *N names; -1 when memory runs out. */
static int append_name(char ***list, size_t *n, const char *name)
{
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *list = grown;
    if (!(grown[*n] = ts_strdup(name)))
        return -1;
    (*n)++;
    return 0;
}

int ts_design_add_calibration_column(ts_design *d, const char *name)
{
    return append_name(&d->calibration_columns, &d->ncalibration_columns, name);
}

int ts_design_add_replicate_column(ts_design *d, const char *name)
{
    return append_name(&d->replicate_columns, &d->nreplicate_columns, name);
}

/* ---- the facts that contradict each other ----------------------------------------------- */

/* The one list of design facts that cannot go together, for the manifest and for a recorded
 * design alike: a cluster sample without its cluster variable would be estimated as simple
 * random sampling while the report says cluster sampling (issue #10, item 10). NULL: none. */
static const char *contradiction(ts_design_type type, int has_strata, int has_cluster)
{
    switch (type) {
    case TS_DESIGN_CLUSTER:
        return has_cluster ? NULL
                           : "needs [design] cluster, the variable identifying the primary sampling units (without it the "
                             "sample would be estimated as simple random)";
    case TS_DESIGN_STRATIFIED:
        return has_strata ? NULL : "needs [design] strata, the variable identifying the stratum";
    case TS_DESIGN_NONPROBABILITY:
        if (has_cluster)
            return "contradicts [design] cluster: a self-selected sample has no sampling units";
        return has_strata ? "contradicts [design] strata: a self-selected sample was not drawn by strata" : NULL;
    case TS_DESIGN_CENSUS:
        if (has_cluster)
            return "contradicts [design] cluster: a census counts every unit, none was drawn in clusters";
        return has_strata ? "contradicts [design] strata: a census counts every unit, none was drawn by strata "
                            "(tabulate by the groups instead: [table.NAME] by)"
                          : NULL;
    case TS_DESIGN_SRS:
        if (has_cluster)
            return "contradicts [design] cluster: a clustered sample is type = cluster";
        return has_strata ? "contradicts [design] strata: a stratified sample is type = stratified" : NULL;
    }
    return NULL;
}

/* ---- from the manifest ------------------------------------------------------------------- */

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

static ts_status bad_setting(const ts_manifest *m, const char *key, const char *expected, ts_err *err)
{
    ts_strbuf at = TS_STRBUF_INIT;
    ts_manifest_where(m, "design", key, &at);
    const char *v = ts_manifest_get(m, "design", key);
    if (v)
        ts_err_set(err, TS_E_DATA, "%s: expected %s, got \"%s\"", at.data ? at.data : "", expected, v);
    else
        ts_err_set(err, TS_E_DATA, "%s: not set; expected %s", at.data ? at.data : "", expected);
    ts_strbuf_free(&at);
    return TS_E_DATA;
}

/* [design] KEY, or the schema's default (NULL: none) when it is not set or empty. */
static const char *get(const ts_manifest *m, const char *key)
{
    const char *v = ts_manifest_get(m, "design", key);
    return v && *v ? v : ts_schema_default("design", key);
}

static const char *get_in(const ts_manifest *m, const char *section, const char *key)
{
    const char *v = ts_manifest_get(m, section, key);
    return v && *v ? v : NULL;
}

/* [design] KEY names a variable of DS into *FIELD (nothing when not set). */
static ts_status take_variable(const ts_manifest *m, const ts_dataset *ds, const char *key, char **field,
                               ts_err *err)
{
    const char *name = get(m, key);
    if (!name)
        return TS_OK;
    if (!ts_dataset_find(ds, name))
        return bad_setting(m, key, "a variable of the dataset", err);
    return ts_design_set(field, name) != 0 ? nomem(err) : TS_OK;
}

/* What a self-selected sample cannot have besides strata and clusters: selection
 * probabilities (base weights from a frame, an fpc), a frame, nonresponse classes. */
static const char *nonprobability_contradiction(const ts_manifest *m)
{
    const char *w = get(m, "weight"), *f = get(m, "fpc");
    if ((w && strcmp(w, "base") == 0) || (f && strcasecmp(f, "no") != 0))
        return "contradicts weight = base and fpc: a self-selected sample has no selection probabilities, "
               "so neither base weights from a frame nor a finite population correction";
    if (get(m, "frame"))
        return "contradicts [design] frame: nobody was drawn from a frame for a self-selected sample";
    if (get_in(m, "nonresponse", "classes"))
        return "contradicts [nonresponse]: nobody was drawn for a self-selected sample, so there is no "
               "response rate to adjust for (calibrate it in [weighting] instead)";
    return NULL;
}

/* What a census cannot have: selection probabilities or a sampling fraction (every unit was
 * taken: base weights from a frame, an fpc or a weight column would say otherwise), nonresponse
 * classes or calibration that would make its counts estimates. */
static const char *census_contradiction(const ts_manifest *m)
{
    const char *w = get(m, "weight"), *f = get(m, "fpc");
    if ((w && *w) || (f && strcasecmp(f, "no") != 0))
        return "contradicts weight and fpc: a census counts every unit once, so it has no weights and no "
               "sampling fraction (its tables are exact counts)";
    if (get(m, "frame") || get(m, "psu_frame"))
        return "contradicts [design] frame: nobody was drawn from a frame in a census (give the population per "
               "group as drawn_frame for the response rates)";
    if (get_in(m, "nonresponse", "classes"))
        return "contradicts [nonresponse]: a census's tables count the units that answered, unadjusted";
    const char *cal = get_in(m, "weighting", "method");
    if (cal && strcmp(cal, "none") != 0)
        return "contradicts [weighting] method: a census's tables count the units that answered, uncalibrated";
    if (get_in(m, "weighting", "trim_lower") || get_in(m, "weighting", "trim_upper"))
        return "contradicts [weighting] trim_lower and trim_upper: a census has no weights to trim (every unit "
               "counts once)";
    return NULL;
}

/* "survey.ini:12: [design] KEY: " + the formatted rest, as TS_E_DATA. */
static ts_status refuse(const ts_manifest *m, const char *key, ts_err *err, const char *fmt, const char *a,
                        const char *b)
{
    ts_strbuf at = TS_STRBUF_INIT, msg = TS_STRBUF_INIT;
    ts_manifest_where(m, "design", key, &at);
    ts_strbuf_printf(&msg, fmt, a ? a : "", b ? b : "");
    ts_err_set(err, TS_E_DATA, "%s: %s", at.data ? at.data : "", msg.data ? msg.data : "");
    ts_strbuf_free(&at);
    ts_strbuf_free(&msg);
    return TS_E_DATA;
}

static const char *const STAGE_WORD[] = {"first", "second", "third", "fourth"};

/* [design] cluster = PSU[, SSU, ...]: one variable per sampling stage, each a variable of DS. */
static ts_status take_stages(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *v = get(m, "cluster");
    if (!v)
        return TS_OK;
    char **items = NULL;
    long n = ts_manifest_split_list(v, &items);
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    if (n > TS_DESIGN_MAX_STAGES)
        st = refuse(m, "cluster", err, "%s: more than 4 sampling stages%s", v, NULL);
    for (long k = 0; st == TS_OK && k < n; k++) {
        if (!*items[k] || !ts_dataset_find(ds, items[k]))
            st = refuse(m, "cluster", err, "%s (the %s stage's units) is not a variable of the dataset", items[k],
                        STAGE_WORD[k]);
        else if (ts_design_set(k == 0 ? &d->cluster : &d->subcluster[k - 1], items[k]) != 0)
            st = nomem(err);
    }
    if (st == TS_OK)
        d->nsub = n > 0 ? (size_t)n - 1 : 0;
    ts_manifest_free_list(items, n > 0 ? (size_t)n : 0);
    return st;
}

/* fpc = yes (from the frames), no, a numeric variable holding N_h (R: fpc = ~VAR), or one
 * numeric variable per stage (R: fpc = ~N1 + N2). A multistage design with a population size
 * for its first stage only is refused: R's multistage variance needs one per stage, and the
 * first stage's correction alone gives a variance below the true two-stage one. */
static ts_status take_fpc(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *fpc = get(m, "fpc");
    size_t stages = d->cluster ? 1 + d->nsub : 1;
    d->fpc_from_frame = fpc && strcasecmp(fpc, "yes") == 0;
    if (!fpc || strcasecmp(fpc, "no") == 0)
        return TS_OK;
    if (d->fpc_from_frame) {
        if (d->nsub > 1)
            return refuse(m, "fpc", err, "yes: population sizes from frames serve two stages at most; give one "
                          "variable per stage (fpc = N1, N2, N3)%s%s", NULL, NULL);
        if (d->nsub == 1 && !get(m, "psu_frame"))
            return refuse(m, "fpc", err, "yes with two stages (cluster = %s, %s) needs [design] psu_frame, the "
                          "frame of the drawn PSUs with each one's population size", d->cluster, d->subcluster[0]);
        return TS_OK;
    }
    char **items = NULL;
    long n = ts_manifest_split_list(fpc, &items);
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    if ((size_t)n != stages && !(stages > 1 && n == 1)) {
        ts_strbuf c = TS_STRBUF_INIT;
        ts_strbuf_printf(&c, "%zu", stages);
        st = refuse(m, "fpc", err, "%s: one population size per sampling stage is needed, but [design] cluster "
                    "names %s stage(s)", fpc, c.data ? c.data : "?");
        ts_strbuf_free(&c);
    } else if ((size_t)n != stages)
        st = refuse(m, "fpc", err, "%s gives the first stage's population size only, but [design] cluster names "
                    "later stages too (%s): with it alone the variance would leave out the later stages' "
                    "sampling and be too small; give one per stage (fpc = N1, N2: as R's fpc = ~N1 + N2), or "
                    "fpc = no for the ultimate-cluster variance (with replacement at the first stage)",
                    fpc, d->subcluster[0]);
    for (long k = 0; st == TS_OK && k < n; k++) {
        const ts_var *fv = ts_dataset_find(ds, items[k]);
        double x;
        if (!fv && k < 2 && ts_parse_double(items[k], strlen(items[k]), &x) == 0) {
            /* a number: the same population size for every unit above (the unstratified
             * sample's PSUs in the population, or the persons at every point) */
            if (!(x >= 1) || !isfinite(x))
                st = refuse(m, "fpc", err, "%s: a population size is a number >= 1 (the %s stage's)", items[k],
                            STAGE_WORD[k]);
            else
                d->fpc_value[k] = x;
            continue;
        }
        if (!fv || !(fv->type == TS_VAR_NUMERIC || fv->type == TS_VAR_INTEGER)) {
            st = n == 1 ? bad_setting(m, "fpc", "yes (from the frame), no, a numeric variable holding N_h, or a number", err)
                        : refuse(m, "fpc", err, "%s (the %s stage's population size) is not a numeric variable of "
                                 "the dataset", items[k], STAGE_WORD[k]);
        } else if (k == 0 ? ts_design_set(&d->fpc, items[k]) != 0 || ts_design_set(&d->fpc_variable, items[k]) != 0
                          : ts_design_set(&d->subfpc[k - 1], items[k]) != 0)
            st = nomem(err);
    }
    ts_manifest_free_list(items, (size_t)n);
    return st;
}

/* ---- replicate weights ([design] variance) ---------------------------------------------- */

static int yesno(const char *v, int dflt) { return v ? strcmp(v, "yes") == 0 : dflt; }

/* replicate_weights = rw1, rw2, ... or a prefix with a star (rw*: every variable whose name
 * starts with it, in dataset order), each a numeric variable of DS. */
static ts_status take_replicate_columns(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *v = get(m, "replicate_weights");
    char **items = NULL;
    long n = ts_manifest_split_list(v, &items);
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    for (long k = 0; st == TS_OK && k < n; k++) {
        size_t len = strlen(items[k]);
        if (len > 0 && items[k][len - 1] == '*') {
            size_t found = 0;
            for (size_t j = 0; st == TS_OK && j < ds->nvars; j++) {
                const ts_var *x = ds->vars[j];
                if (strncmp(x->name, items[k], len - 1) != 0)
                    continue;
                found++;
                if (x->type != TS_VAR_NUMERIC && x->type != TS_VAR_INTEGER)
                    st = refuse(m, "replicate_weights", err, "%s matches %s, which is not a number", items[k], x->name);
                else if (ts_design_add_replicate_column(d, x->name) != 0)
                    st = nomem(err);
            }
            if (st == TS_OK && !found)
                st = refuse(m, "replicate_weights", err, "%s matches no variable of the dataset%s", items[k], NULL);
            continue;
        }
        const ts_var *x = ts_dataset_find(ds, items[k]);
        if (!x)
            st = refuse(m, "replicate_weights", err, "%s is not a variable of the dataset%s", items[k], NULL);
        else if (x->type != TS_VAR_NUMERIC && x->type != TS_VAR_INTEGER)
            st = refuse(m, "replicate_weights", err, "%s is %s, not a number", items[k], ts_vartype_name(x->type));
        else if (ts_design_add_replicate_column(d, items[k]) != 0)
            st = nomem(err);
    }
    ts_manifest_free_list(items, n > 0 ? (size_t)n : 0);
    for (size_t a = 0; st == TS_OK && a < d->nreplicate_columns; a++)
        for (size_t b = a + 1; st == TS_OK && b < d->nreplicate_columns; b++)
            if (strcmp(d->replicate_columns[a], d->replicate_columns[b]) == 0)
                st = refuse(m, "replicate_weights", err, "%s is listed twice%s", d->replicate_columns[a], NULL);
    if (st == TS_OK && d->nreplicate_columns < 2)
        st = refuse(m, "replicate_weights", err, "%s: at least 2 replicate weights are needed%s", v, NULL);
    return st;
}

/* replicate_rscales = one number (for every replicate) or one per replicate, each >= 0. */
static ts_status take_rscales(const ts_manifest *m, ts_design *d, ts_err *err)
{
    const char *v = get(m, "replicate_rscales");
    if (!v)
        return TS_OK;
    char **items = NULL;
    long n = ts_manifest_split_list(v, &items);
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    if (!(d->replicate_rscales = malloc((n ? (size_t)n : 1) * sizeof *d->replicate_rscales)))
        st = nomem(err);
    for (long k = 0; st == TS_OK && k < n; k++) {
        double x;
        if (ts_parse_double(items[k], strlen(items[k]), &x) != 0 || !(x >= 0))
            st = refuse(m, "replicate_rscales", err, "%s: expected a number >= 0%s", items[k], NULL);
        else
            d->replicate_rscales[d->nreplicate_rscales++] = x;
    }
    ts_manifest_free_list(items, n > 0 ? (size_t)n : 0);
    return st;
}

/* [design] variance and the keys that go with it. A key that the chosen variance does not use
 * is refused rather than ignored (R warns and ignores some, e.g. scale with BRR). */
static ts_status take_variance(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *v = get(m, "variance");
    if (!v || strcmp(v, "linearization") == 0) {
        static const char *const keys[] = {"replicate_weights", "replicate_type", "replicate_scale", "replicate_rscales",
                                           "mse", "combined_weights", "replicates", "seed", "fay_rho"};
        for (size_t k = 0; k < COUNT(keys); k++)
            if (get_in(m, "design", keys[k]))
                return refuse(m, keys[k], err, "used with replicate weights only, and [design] variance is "
                              "linearization (set variance = jk1, jkn, bootstrap, brr, fay or supplied)%s%s", NULL, NULL);
        return TS_OK;
    }
    const char *type = get(m, "type");
    if (type && (strcmp(type, "nonprobability") == 0 || strcmp(type, "census") == 0))
        return refuse(m, "variance", err, "%s: a %s has no sampling variance to replicate", v,
                      strcmp(type, "census") == 0 ? "census" : "self-selected sample");
    int supplied = strcmp(v, "supplied") == 0;
    ts_rep_type t = TS_REP_NONE;
    if (!supplied && (ts_rep_type_parse(v, &t) != 0 || t == TS_REP_NONE || t == TS_REP_OTHER))
        return bad_setting(m, "variance", "linearization, jk1, jkn, bootstrap, brr, fay or supplied", err);
    d->replicates_supplied = supplied;
    if (supplied) {
        const char *rt = get(m, "replicate_type");
        if (!rt)
            return refuse(m, "variance", err, "supplied needs [design] replicate_type (jk1, jkn, bootstrap, brr, fay "
                          "or other: how the replicates were made, which sets their scale; R's svrepdesign would "
                          "take BRR)%s%s", NULL, NULL);
        if (ts_rep_type_parse(rt, &t) != 0 || t == TS_REP_NONE)
            return bad_setting(m, "replicate_type", "jk1, jkn, bootstrap, brr, fay or other", err);
        if (!get(m, "replicate_weights"))
            return refuse(m, "variance", err, "supplied needs [design] replicate_weights, the replicate weight "
                          "variables (rw1, rw2, ... or rw*)%s%s", NULL, NULL);
        ts_status st = take_replicate_columns(m, ds, d, err);
        if (st != TS_OK)
            return st;
    } else {
        static const char *const keys[] = {"replicate_weights", "replicate_type", "combined_weights"};
        for (size_t k = 0; k < COUNT(keys); k++)
            if (get_in(m, "design", keys[k]))
                return refuse(m, keys[k], err, "%s is for replicate weights supplied with the data (variance = "
                              "supplied); variance = %s makes them", keys[k], v);
    }
    d->variance = t;
    if (!supplied && t != TS_REP_BOOTSTRAP) {
        if (get_in(m, "design", "replicates"))
            return refuse(m, "replicates", err, "the number of replicates is chosen for bootstrap only; %s makes "
                          "one per PSU or per row of its Hadamard matrix%s", v, NULL);
        if (get_in(m, "design", "seed"))
            return refuse(m, "seed", err, "a seed is for bootstrap replicates only; %s is not random%s", v, NULL);
    }
    if (supplied && (get_in(m, "design", "replicates") || get_in(m, "design", "seed")))
        return refuse(m, get_in(m, "design", "replicates") ? "replicates" : "seed", err, "%s: supplied replicate "
                      "weights are not made here%s", get_in(m, "design", "replicates") ? "replicates" : "seed", NULL);
    if (t != TS_REP_FAY && get_in(m, "design", "fay_rho"))
        return refuse(m, "fay_rho", err, "fay_rho is Fay's ρ, for variance = fay (or supplied Fay replicates)%s%s", NULL,
                      NULL);
    if ((t == TS_REP_BRR || t == TS_REP_FAY) && get_in(m, "design", "replicate_scale"))
        return refuse(m, "replicate_scale", err, "%s replicates have their own scale (R: 1/R for BRR, 1/(R(1 − ρ)²) "
                      "for Fay)%s", ts_rep_type_name(t), NULL);
    double x;
    const char *sc = get(m, "replicate_scale"), *rho = get(m, "fay_rho"), *nrep = get(m, "replicates"),
               *seed = get(m, "seed");
    if (sc && (ts_parse_double(sc, strlen(sc), &x) != 0 || !(x > 0)))
        return bad_setting(m, "replicate_scale", "a number > 0", err);
    if (sc)
        d->replicate_scale = x;
    if (rho && (ts_parse_double(rho, strlen(rho), &x) != 0 || !(x >= 0 && x < 1)))
        return bad_setting(m, "fay_rho", "a number 0 < ρ < 1", err);
    if (rho)
        d->fay_rho = x;
    int64_t i;
    if (nrep && (ts_parse_int64(nrep, strlen(nrep), &i) != 0 || i < 2 || i > 100000))
        return bad_setting(m, "replicates", "a whole number 2..100000", err);
    if (nrep)
        d->replicates = (size_t)i;
    if (seed && (ts_parse_int64(seed, strlen(seed), &i) != 0 || i < 0 || i > 4294967295LL))
        return bad_setting(m, "seed", "a whole number 0..4294967295", err);
    if (seed)
        d->seed = (unsigned long)i;
    const char *mse = get(m, "mse"), *cw = get(m, "combined_weights");
    if (mse && strcmp(mse, "yes") != 0 && strcmp(mse, "no") != 0)
        return bad_setting(m, "mse", "yes or no", err);
    if (cw && strcmp(cw, "yes") != 0 && strcmp(cw, "no") != 0)
        return bad_setting(m, "combined_weights", "yes or no", err);
    d->replicate_mse = yesno(mse, 0);
    d->combined_weights = yesno(cw, 1);
    ts_status st = take_rscales(m, d, err);
    if (st != TS_OK)
        return st;
    if (supplied && d->nreplicate_rscales > 1 && d->nreplicate_rscales != d->nreplicate_columns) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%zu", d->nreplicate_rscales);
        snprintf(b, sizeof b, "%zu", d->nreplicate_columns);
        return refuse(m, "replicate_rscales", err, "%s values for %s replicate weights (give one for all, or one per "
                      "replicate)", a, b);
    }
    if (!supplied && d->nreplicate_rscales)
        return refuse(m, "replicate_rscales", err, "the rscales of %s replicates follow from the design (R's "
                      "as.svrepdesign)%s", v, NULL);
    if (supplied && t == TS_REP_JKN && !d->nreplicate_rscales)
        return refuse(m, "replicate_type", err, "jkn needs [design] replicate_rscales, each replicate's (n_h − 1)/n_h "
                      "for the stratum it drops a PSU of (R: \"Must provide rscales for combined JKn weights\")%s%s",
                      NULL, NULL);
    if (supplied && t == TS_REP_JK1 && !d->combined_weights && !sc)
        return refuse(m, "replicate_type", err, "jk1 with combined_weights = no needs [design] replicate_scale, "
                      "(n − 1)/n (R would guess it from the weights)%s%s", NULL, NULL);
    /* Supplied replicates: their number is known, so the defaults are settled now and the
     * record holds the values the variance uses. */
    if (supplied) {
        size_t R = d->nreplicate_columns;
        if (isnan(d->replicate_scale))
            d->replicate_scale = ts_replicate_default_scale(t, R, d->fay_rho);
        if (d->nreplicate_rscales == 1 && R > 1) {
            double *grown = realloc(d->replicate_rscales, R * sizeof *grown);
            if (!grown)
                return nomem(err);
            for (size_t r = 1; r < R; r++)
                grown[r] = grown[0];
            d->replicate_rscales = grown;
            d->nreplicate_rscales = R;
        }
    }
    return TS_OK;
}

ts_status ts_design_from_manifest(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err)
{
    ts_design_init(d);
    const char *type = get(m, "type");
    if (!type || ts_design_type_parse(type, &d->type) != 0)
        return bad_setting(m, "type", "srs, stratified, cluster, nonprobability or census", err);
    ts_status st = take_variable(m, ds, "strata", &d->strata, err);
    if (st == TS_OK)
        st = take_stages(m, ds, d, err);
    if (st == TS_OK)
        st = take_fpc(m, ds, d, err);
    if (st != TS_OK)
        return st;
    const char *nest = get(m, "nest");
    if (nest && strcmp(nest, "yes") != 0 && strcmp(nest, "no") != 0)
        return bad_setting(m, "nest", "yes or no", err);
    d->nest = !nest || strcmp(nest, "yes") == 0;
    if (ts_design_set(&d->psu_frame, get(m, "psu_frame")) != 0)
        return nomem(err);
    if (d->psu_frame && d->nsub != 1)
        return refuse(m, "psu_frame", err, "%s: a frame of the drawn PSUs serves a two-stage design (cluster = PSU, "
                      "SSU)%s", d->psu_frame, NULL);
    const char *lonely = get(m, "lonely_psu");
    if (!lonely || ts_lonely_psu_parse(lonely, &d->lonely_psu) != 0)
        return bad_setting(m, "lonely_psu", "fail, remove, certainty or adjust", err);
    /* the base weight: checked by the weighting stage, which reads its values */
    if (ts_design_set(&d->base_weight, get(m, "weight")) || ts_design_set(&d->frame, get(m, "frame")) ||
        ts_design_set(&d->frame_population, get(m, "frame_population")) ||
        ts_design_set(&d->frame_sample, get(m, "frame_sample")))
        return nomem(err);
    if ((st = take_variance(m, ds, d, err)) != TS_OK)
        return st;
    const char *stated = ts_manifest_get(m, "design", "type");
    if (!stated || !*stated) {
        /* Without `type`, the type follows from the variables given, so what is recorded is
         * what the variance uses. */
        d->type = d->cluster ? TS_DESIGN_CLUSTER : d->strata ? TS_DESIGN_STRATIFIED : TS_DESIGN_SRS;
        return TS_OK;
    }
    const char *why = contradiction(d->type, d->strata != NULL, d->cluster != NULL);
    if (!why && d->type == TS_DESIGN_NONPROBABILITY)
        why = nonprobability_contradiction(m);
    if (!why && d->type == TS_DESIGN_CENSUS)
        why = census_contradiction(m);
    if (!why)
        return TS_OK;
    ts_strbuf at = TS_STRBUF_INIT;
    ts_manifest_where(m, "design", "type", &at);
    ts_err_set(err, TS_E_DATA, "%s: type = %s %s", at.data ? at.data : "", type, why);
    ts_strbuf_free(&at);
    return TS_E_DATA;
}

/* ---- in the dataset --------------------------------------------------------------------- */

/* The provenance keys, here and nowhere else (docs/dataset-format.md lists them). */
#define K_TOOL "weight.tool"
#define K_WEIGHT "weight.variable"
#define K_DESIGN_WEIGHT "weight.design_variable"
#define K_CALIBRATED "weight.calibrated_variable"
#define K_METHOD "weight.method"
#define K_CALIBRATION "weight.calibration"
#define K_CAL_VARS "weight.calibration_variables"
#define K_CAL_COLUMNS "weight.calibration_columns"
#define K_TYPE "design.type"
#define K_STRATA "design.strata"
#define K_CLUSTER "design.cluster"
#define K_FPC "design.fpc"
#define K_LONELY "design.lonely_psu"
#define K_BASE "design.base_weight"
#define K_FPC_SOURCE "design.fpc_source"
#define K_FRAME "design.frame"
#define K_FRAME_POPULATION "design.frame_population"
#define K_FRAME_SAMPLE "design.frame_sample"
#define K_DROPPED "weight.dropped"
#define K_MANIFEST "weight.manifest"
/* written only for what a one-stage design does not have, so that its record stays as it was */
#define K_SUBCLUSTERS "design.later_stages"
#define K_SUBFPC "design.later_fpc"
#define K_NEST "design.nest"
#define K_PSU_FRAME "design.psu_frame"
/* written only for rake_residuals = exact: a dataset without it (every older one) reads as r */
#define K_RAKE_RESIDUALS "weight.rake_residuals"
/* written only with replicate weights ([design] variance other than linearization) */
#define K_VARIANCE "design.variance"
#define K_REP_WEIGHTS "design.replicate_weights"
#define K_REP_TYPE "design.replicate_type"
#define K_REP_SCALE "design.replicate_scale"
#define K_REP_RSCALES "design.replicate_rscales"
#define K_REP_MSE "design.replicate_mse"
#define K_REP_COMBINED "design.replicate_combined"
#define K_REP_SEED "design.replicate_seed"
#define K_REP_RHO "design.fay_rho"
static const char *const REP_KEYS[] = {K_VARIANCE, K_REP_WEIGHTS, K_REP_TYPE, K_REP_SCALE, K_REP_RSCALES,
                                       K_REP_MSE, K_REP_COMBINED, K_REP_SEED, K_REP_RHO};

static const char *or_empty(const char *s) { return s ? s : ""; }

/* The replicate keys of D (none for linearization; a dataset weighted again loses old ones). */
static int write_replicates(ts_dataset *ds, const ts_design *d)
{
    int rc = 0;
    for (size_t k = 0; k < COUNT(REP_KEYS); k++)
        if (ts_dataset_get_meta(ds, REP_KEYS[k]))
            rc = rc || ts_dataset_set_meta(ds, REP_KEYS[k], "");
    if (rc || d->variance == TS_REP_NONE)
        return rc;
    ts_strbuf cols = TS_STRBUF_INIT, rs = TS_STRBUF_INIT;
    for (size_t j = 0; j < d->nreplicate_columns; j++)
        ts_strbuf_printf(&cols, "%s%s", j ? ";" : "", d->replicate_columns[j]);
    for (size_t j = 0; j < d->nreplicate_rscales; j++)
        ts_strbuf_printf(&rs, "%s%.17g", j ? ";" : "", d->replicate_rscales[j]);
    char scale[32], seed[32], rho[32];
    snprintf(scale, sizeof scale, "%.17g", d->replicate_scale);
    snprintf(seed, sizeof seed, "%lu", d->seed);
    snprintf(rho, sizeof rho, "%.17g", d->fay_rho);
    rc = ts_dataset_set_meta(ds, K_VARIANCE, d->replicates_supplied ? "supplied" : ts_rep_type_name(d->variance)) ||
         ts_dataset_set_meta(ds, K_REP_WEIGHTS, or_empty(cols.data)) ||
         ts_dataset_set_meta(ds, K_REP_TYPE, ts_rep_type_name(d->variance)) ||
         ts_dataset_set_meta(ds, K_REP_SCALE, scale) || ts_dataset_set_meta(ds, K_REP_RSCALES, or_empty(rs.data)) ||
         ts_dataset_set_meta(ds, K_REP_MSE, d->replicate_mse ? "yes" : "no") ||
         (!d->combined_weights && ts_dataset_set_meta(ds, K_REP_COMBINED, "no")) ||
         (!d->replicates_supplied && d->variance == TS_REP_BOOTSTRAP && ts_dataset_set_meta(ds, K_REP_SEED, seed)) ||
         (d->variance == TS_REP_FAY && ts_dataset_set_meta(ds, K_REP_RHO, rho));
    ts_strbuf_free(&cols);
    ts_strbuf_free(&rs);
    return rc;
}

ts_status ts_design_write(ts_dataset *ds, const ts_design *d, ts_err *err)
{
    ts_strbuf cols = TS_STRBUF_INIT;
    for (size_t j = 0; j < d->ncalibration_columns; j++)
        ts_strbuf_printf(&cols, "%s%s", j ? ";" : "", d->calibration_columns[j]);
    char dropped[32], fpc_text[32];
    snprintf(dropped, sizeof dropped, "%lu", d->dropped);
    snprintf(fpc_text, sizeof fpc_text, "%.17g", d->fpc_value[0]);
    int rc = ts_dataset_set_meta(ds, K_TOOL, or_empty(d->tool)) || ts_dataset_set_meta(ds, K_WEIGHT, or_empty(d->weight)) ||
             ts_dataset_set_meta(ds, K_DESIGN_WEIGHT, or_empty(d->design_weight)) ||
             ts_dataset_set_meta(ds, K_CALIBRATED, or_empty(d->calibrated_weight)) ||
             ts_dataset_set_meta(ds, K_METHOD, or_empty(d->method)) ||
             ts_dataset_set_meta(ds, K_CALIBRATION, ts_calibration_name(d->calibration)) ||
             ts_dataset_set_meta(ds, K_CAL_VARS, or_empty(d->calibration_variables)) ||
             ts_dataset_set_meta(ds, K_CAL_COLUMNS, or_empty(cols.data)) ||
             ts_dataset_set_meta(ds, K_TYPE, ts_design_type_name(d->type)) ||
             ts_dataset_set_meta(ds, K_STRATA, or_empty(d->strata)) ||
             ts_dataset_set_meta(ds, K_CLUSTER, or_empty(d->cluster)) || ts_dataset_set_meta(ds, K_FPC, or_empty(d->fpc)) ||
             ts_dataset_set_meta(ds, K_LONELY, ts_lonely_psu_name(d->lonely_psu)) ||
             ts_dataset_set_meta(ds, K_BASE, or_empty(d->base_weight)) ||
             ts_dataset_set_meta(ds, K_FPC_SOURCE, d->fpc_from_frame ? "frame" : d->fpc_value[0] > 0 ? fpc_text
                                                                                       : or_empty(d->fpc_variable)) ||
             ts_dataset_set_meta(ds, K_FRAME, or_empty(d->frame)) ||
             ts_dataset_set_meta(ds, K_FRAME_POPULATION, d->frame ? or_empty(d->frame_population) : "") ||
             ts_dataset_set_meta(ds, K_FRAME_SAMPLE, d->frame ? or_empty(d->frame_sample) : "") ||
             ts_dataset_set_meta(ds, K_DROPPED, dropped) ||
             (d->manifest && ts_dataset_set_meta(ds, K_MANIFEST, d->manifest));
    ts_strbuf_free(&cols);
    if (!rc && d->nsub > 0) {
        ts_strbuf sub = TS_STRBUF_INIT, fpc = TS_STRBUF_INIT;
        for (size_t s = 0; s < d->nsub; s++) {
            ts_strbuf_printf(&sub, "%s%s", s ? ";" : "", d->subcluster[s]);
            ts_strbuf_printf(&fpc, "%s%s", s ? ";" : "", or_empty(d->subfpc[s]));
        }
        rc = ts_dataset_set_meta(ds, K_SUBCLUSTERS, or_empty(sub.data)) ||
             ts_dataset_set_meta(ds, K_SUBFPC, d->fpc ? or_empty(fpc.data) : "");
        ts_strbuf_free(&sub);
        ts_strbuf_free(&fpc);
    }
    if (!rc && !d->nest)
        rc = ts_dataset_set_meta(ds, K_NEST, "no");
    if (!rc && d->psu_frame)
        rc = ts_dataset_set_meta(ds, K_PSU_FRAME, d->psu_frame);
    if (!rc && d->rake_residuals != TS_RAKE_RESIDUALS_R)
        rc = ts_dataset_set_meta(ds, K_RAKE_RESIDUALS, ts_rake_residuals_name(d->rake_residuals));
    else if (!rc && ts_dataset_get_meta(ds, K_RAKE_RESIDUALS)) /* a dataset weighted again */
        rc = ts_dataset_set_meta(ds, K_RAKE_RESIDUALS, "");
    if (!rc)
        rc = write_replicates(ds, d);
    return rc ? nomem(err) : TS_OK;
}

static const char *meta(const ts_dataset *ds, const char *key)
{
    const char *v = ts_dataset_get_meta(ds, key);
    return v && *v ? v : NULL;
}

/* A recorded name must be a column of DS: ignoring a missing one would estimate the sample as
 * if it had no strata, clusters or fpc. */
static ts_status take_column(const ts_dataset *ds, const char *key, char **field, ts_err *err)
{
    const char *name = meta(ds, key);
    if (!name)
        return TS_OK;
    if (!ts_dataset_find(ds, name))
        return ts_err_set(err, TS_E_DATA, "the design's %s variable %s is not in the dataset", strchr(key, '.') + 1,
                          name);
    return ts_design_set(field, name) != 0 ? nomem(err) : TS_OK;
}

/* Whether NAME may stand in a recorded column list: TS_OK, or a status with *ERR set. */
typedef ts_status (*column_check)(const ts_dataset *ds, const char *name, ts_err *err);

/* Read the ";"-separated column list COLS (NULL: none) into D through ADD, one name at a time,
 * refusing the first name CHECK refuses. The calibration and replicate records are both such
 * lists; they differ only in what makes a name fit and in which list of D it joins. */
static ts_status read_column_list(const ts_dataset *ds, const char *cols, column_check check,
                                  int (*add)(ts_design *, const char *), ts_design *d, ts_err *err)
{
    for (const char *p = cols; p && *p;) {
        size_t len = strcspn(p, ";");
        char *name = ts_strndup(p, len);
        if (!name)
            return nomem(err);
        ts_status st = check(ds, name, err);
        if (st == TS_OK && add(d, name) != 0)
            st = nomem(err);
        free(name);
        if (st != TS_OK)
            return st;
        p += len + (p[len] == ';');
    }
    return TS_OK;
}

static ts_status check_calibration_column(const ts_dataset *ds, const char *name, ts_err *err)
{
    if (!ts_dataset_find(ds, name))
        return ts_err_set(err, TS_E_DATA, "dataset: calibration column %s is missing (made by an older "
                          "tsunagari-weight?)", name);
    return TS_OK;
}

static ts_status read_calibration_columns(const ts_dataset *ds, ts_design *d, ts_err *err)
{
    return read_column_list(ds, meta(ds, K_CAL_COLUMNS), check_calibration_column, ts_design_add_calibration_column,
                            d, err);
}

/* The later stages' variables and their population-size columns ("ssu;id", "N2;N3"): each a
 * column of DS; a later stage without the PSU's cluster is no design tsunagari-weight writes. */
static ts_status read_stages(const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *subs = meta(ds, K_SUBCLUSTERS), *fpcs = meta(ds, K_SUBFPC), *nest = meta(ds, K_NEST);
    if (nest && strcmp(nest, "yes") != 0 && strcmp(nest, "no") != 0)
        return ts_err_set(err, TS_E_DATA, "dataset: design.nest \"%s\" is not yes or no", nest);
    d->nest = !nest || strcmp(nest, "yes") == 0;
    if (ts_design_set(&d->psu_frame, meta(ds, K_PSU_FRAME)) != 0)
        return nomem(err);
    if (!subs)
        return TS_OK;
    if (!d->cluster)
        return ts_err_set(err, TS_E_DATA, "dataset: design.later_stages %s without a first-stage cluster "
                                          "(design.cluster)", subs);
    for (int pass = 0; pass < 2; pass++) {
        const char *p = pass ? fpcs : subs;
        for (size_t s = 0; p && *p; s++) {
            size_t len = strcspn(p, ";");
            if (s >= TS_DESIGN_MAX_STAGES - 1 || (pass && s >= d->nsub))
                return ts_err_set(err, TS_E_DATA, "dataset: %s \"%s\" has more stages than this tsunagari knows",
                                  pass ? K_SUBFPC : K_SUBCLUSTERS, pass ? fpcs : subs);
            char *name = ts_strndup(p, len);
            if (!name)
                return nomem(err);
            if (*name && !ts_dataset_find(ds, name)) {
                ts_err_set(err, TS_E_DATA, "the design's %s variable %s is not in the dataset",
                           pass ? "later-stage fpc" : "later-stage cluster", name);
                free(name);
                return TS_E_DATA;
            }
            if (ts_design_set(pass ? &d->subfpc[s] : &d->subcluster[s], name) != 0) {
                free(name);
                return nomem(err);
            }
            free(name);
            if (!pass)
                d->nsub = s + 1;
            p += len + (p[len] == ';');
        }
    }
    return TS_OK;
}

static ts_status check_replicate_column(const ts_dataset *ds, const char *name, ts_err *err)
{
    const ts_var *x = ts_dataset_find(ds, name);
    if (!x || (x->type != TS_VAR_NUMERIC && x->type != TS_VAR_INTEGER))
        return ts_err_set(err, TS_E_DATA, "dataset: the replicate weight %s is %s", name,
                          x ? "not a number" : "not in the dataset");
    return TS_OK;
}

/* The replicate record: the variance, its columns (each a numeric column of DS), type, scale,
 * rscales (none or one per replicate), mse, combined weights, seed, ρ. */
static ts_status read_replicates(const ts_dataset *ds, ts_design *d, ts_err *err)
{
    const char *v = meta(ds, K_VARIANCE);
    if (!v)
        return TS_OK;
    const char *type = meta(ds, K_REP_TYPE), *cols = meta(ds, K_REP_WEIGHTS), *scale = meta(ds, K_REP_SCALE),
               *rs = meta(ds, K_REP_RSCALES), *mse = meta(ds, K_REP_MSE), *cw = meta(ds, K_REP_COMBINED),
               *seed = meta(ds, K_REP_SEED), *rho = meta(ds, K_REP_RHO);
    ts_rep_type t;
    d->replicates_supplied = strcmp(v, "supplied") == 0;
    if ((!d->replicates_supplied && (ts_rep_type_parse(v, &t) != 0 || t == TS_REP_NONE)) || !type ||
        ts_rep_type_parse(type, &t) != 0 || t == TS_REP_NONE)
        return ts_err_set(err, TS_E_DATA, "dataset: design.variance \"%s\" (replicate type \"%s\") is not a variance "
                          "this tsunagari knows", v, type ? type : "");
    d->variance = t;
    ts_status st = read_column_list(ds, cols, check_replicate_column, ts_design_add_replicate_column, d, err);
    if (st != TS_OK)
        return st;
    double x;
    if (d->nreplicate_columns < 2 || !scale || ts_parse_double(scale, strlen(scale), &x) != 0 || !(x > 0))
        return ts_err_set(err, TS_E_DATA, "dataset: the replicate weights' record is incomplete (design.replicate_weights "
                          "\"%s\", design.replicate_scale \"%s\")", cols ? cols : "", scale ? scale : "");
    d->replicate_scale = x;
    size_t R = d->nreplicate_columns;
    if (rs) {
        if (!(d->replicate_rscales = malloc(R * sizeof *d->replicate_rscales)))
            return nomem(err);
        for (const char *p = rs; *p;) {
            size_t len = strcspn(p, ";");
            if (d->nreplicate_rscales >= R || ts_parse_double(p, len, &x) != 0 || !(x >= 0))
                return ts_err_set(err, TS_E_DATA, "dataset: design.replicate_rscales \"%s\" is not one number >= 0 "
                                  "per replicate weight (%zu)", rs, R);
            d->replicate_rscales[d->nreplicate_rscales++] = x;
            p += len + (p[len] == ';');
        }
        if (d->nreplicate_rscales != R)
            return ts_err_set(err, TS_E_DATA, "dataset: design.replicate_rscales \"%s\" is not one number >= 0 per "
                              "replicate weight (%zu)", rs, R);
    }
    d->replicate_mse = mse && strcmp(mse, "yes") == 0;
    d->combined_weights = !(cw && strcmp(cw, "no") == 0);
    if (seed)
        d->seed = strtoul(seed, NULL, 10);
    if (rho && ts_parse_double(rho, strlen(rho), &x) == 0)
        d->fay_rho = x;
    return TS_OK;
}

ts_status ts_design_read(const ts_dataset *ds, ts_design *d, ts_err *err)
{
    ts_design_init(d);
    const char *type = meta(ds, K_TYPE), *cal = meta(ds, K_CALIBRATION), *lonely = meta(ds, K_LONELY),
               *rres = meta(ds, K_RAKE_RESIDUALS);
    if (type && ts_design_type_parse(type, &d->type) != 0)
        return ts_err_set(err, TS_E_DATA, "dataset: design.type \"%s\" is not a design this tsunagari knows "
                                          "(srs, stratified, cluster, nonprobability, census)", type);
    if (cal && ts_calibration_parse(cal, &d->calibration) != 0)
        return ts_err_set(err, TS_E_DATA, "dataset: weight.calibration \"%s\" is not a calibration this tsunagari "
                                          "knows (none, poststratify, rake, linear, raking, logit)", cal);
    if (lonely && ts_lonely_psu_parse(lonely, &d->lonely_psu) != 0)
        return ts_err_set(err, TS_E_DATA, "dataset: design.lonely_psu \"%s\" is not fail, remove, certainty or adjust",
                          lonely);
    if (rres && ts_rake_residuals_parse(rres, &d->rake_residuals) != 0)
        return ts_err_set(err, TS_E_DATA, "dataset: weight.rake_residuals \"%s\" is not r or exact", rres);
    ts_status st = TS_OK;
    /* The weight columns: a dataset without its final weight is unweighted (weight 1); a
     * weight column that is not a number would read as weight 0 everywhere. */
    const char *keys[3] = {K_WEIGHT, K_DESIGN_WEIGHT, K_CALIBRATED}, *what[3] = {"weight", "design weight",
                                                                                 "calibrated weight"};
    char **fields[3] = {&d->weight, &d->design_weight, &d->calibrated_weight};
    for (int k = 0; k < 3; k++) {
        const char *name = meta(ds, keys[k]);
        const ts_var *v = name ? ts_dataset_find(ds, name) : NULL;
        if (!name)
            continue;
        if (!v) /* read as unweighted it would give the sample's shares, not the population's */
            return ts_err_set(err, TS_E_DATA, "dataset: the design's %s %s is not in the dataset", what[k], name);
        if (v->type != TS_VAR_NUMERIC && v->type != TS_VAR_INTEGER)
            return ts_err_set(err, TS_E_DATA, "dataset: the design's %s %s is %s, not a number", what[k], name,
                              ts_vartype_name(v->type));
        if (ts_design_set(fields[k], name) != 0)
            return nomem(err);
    }
    if ((st = take_column(ds, K_STRATA, &d->strata, err)) != TS_OK ||
        (st = take_column(ds, K_CLUSTER, &d->cluster, err)) != TS_OK ||
        (st = take_column(ds, K_FPC, &d->fpc, err)) != TS_OK)
        return st;
    /* Only the contradiction that would change the variance: the others were refused when
     * the manifest was read, and a dataset with them was not made by tsunagari-weight. */
    if (d->type == TS_DESIGN_CLUSTER && !d->cluster)
        return ts_err_set(err, TS_E_DATA, "the design is type = cluster but names no cluster variable (design.cluster): "
                                          "it would be estimated as simple random sampling");
    if (d->calibration != TS_CAL_NONE && (st = read_calibration_columns(ds, d, err)) != TS_OK)
        return st;
    if ((st = read_stages(ds, d, err)) != TS_OK || (st = read_replicates(ds, d, err)) != TS_OK)
        return st;
    const char *dropped = meta(ds, K_DROPPED);
    d->dropped = dropped ? strtoul(dropped, NULL, 10) : 0;
    const char *fpc_source = meta(ds, K_FPC_SOURCE);
    d->fpc_from_frame = fpc_source && strcmp(fpc_source, "frame") == 0;
    /* a number (fpc = 757) is no variable: variable names start with a letter */
    double x;
    if (fpc_source && !d->fpc_from_frame && ts_parse_double(fpc_source, strlen(fpc_source), &x) == 0) {
        d->fpc_value[0] = x;
        fpc_source = NULL;
    }
    if (ts_design_set(&d->fpc_variable, d->fpc_from_frame ? NULL : fpc_source) ||
        ts_design_set(&d->base_weight, meta(ds, K_BASE)) || ts_design_set(&d->frame, meta(ds, K_FRAME)) ||
        ts_design_set(&d->frame_population, meta(ds, K_FRAME_POPULATION)) ||
        ts_design_set(&d->frame_sample, meta(ds, K_FRAME_SAMPLE)))
        return nomem(err);
    if (ts_design_set(&d->calibration_variables, meta(ds, K_CAL_VARS)) || ts_design_set(&d->method, meta(ds, K_METHOD)) ||
        ts_design_set(&d->tool, meta(ds, K_TOOL)) || ts_design_set(&d->manifest, meta(ds, K_MANIFEST)))
        return nomem(err);
    return TS_OK;
}

const char *ts_design_describe_ja(const ts_design *d)
{
    if (d->cluster && d->nsub > 0 && d->type != TS_DESIGN_NONPROBABILITY)
        return d->nsub == 1 ? (d->strata ? "層化二段抽出" : "二段抽出") : (d->strata ? "層化多段抽出" : "多段抽出");
    if (d->cluster && d->strata && d->type != TS_DESIGN_NONPROBABILITY)
        return "層化多段（集落）抽出";
    switch (d->type) {
    case TS_DESIGN_SRS:
        return "単純無作為抽出";
    case TS_DESIGN_STRATIFIED:
        return "層化無作為抽出";
    case TS_DESIGN_CLUSTER:
        return "多段（集落）抽出";
    case TS_DESIGN_NONPROBABILITY:
        return "非確率標本（自発的な回答）";
    case TS_DESIGN_CENSUS:
        return "全数調査";
    }
    return "?";
}
