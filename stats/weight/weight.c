/* weight.c — the weighting stage's run (docs/weighting.md): design weights, nonresponse
 * adjustment, calibration (post-stratification, raking, GREG), trimming, diagnostics. The
 * numerical work is in calib.c; this file reads the settings, builds cells, checks inputs
 * against each other and records what was done in the dataset and the report. */
#include "weight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomicfile.h"
#include "calib.h"
#include "csvwrite.h"
#include "dataset.h"
#include "manifest.h"
#include "margins.h"
#include "numparse.h"
#include "strbuf.h"

#define PROG "tsunagari-weight"

typedef struct wctx {
    const weight_options *opt;
    ts_manifest *m;
    ts_dataset *ds;
    size_t n;
    double *w;            /* the weight being built */
    double *design;       /* design weight (base × nonresponse): the calibration's starting point */
    unsigned char *in;    /* 1: the row takes part; 0: dropped (weight 0) */
    ts_var *strata, *cluster;
    const char *type;     /* the design type, stated or (when not stated) inferred: recorded */
    double *fpc;          /* per row: the stratum's population N_h, or NULL */
    ts_strbuf text;       /* the report */
    FILE *csv;            /* the report as CSV rows (a memory stream) */
    char *csvbuf;
    size_t csvlen;
    ts_strbuf method;     /* what was done, one line: for the summary and the dataset */
    ts_strbuf calvars;    /* calibration variables, for the estimation stage */
    const char *calkind;  /* "", "poststratify", "rake", "linear", "raking", "logit" */
    unsigned long dropped;
    struct wmargin *margins; /* kept for the report, made after trimming */
    size_t nmargins;
    double *before;       /* weights before calibration, for the report */
    double *calibrated;   /* weights after calibration, before trimming (NULL: no trimming
                           * after a calibration): the variance's calibration residuals use
                           * them, as R's survey keeps the calibration's g through trimWeights */
    size_t ncalcols;      /* what the estimation stage needs for calibration residuals: */
    char **calnames;      /* post/rake: each margin's cell per row; GREG: the model matrix */
    double **calcols;
} wctx;

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

static const char *get(const wctx *c, const char *section, const char *key, const char *dflt)
{
    const char *v = ts_manifest_get(c->m, section, key);
    return v && *v ? v : dflt;
}

/* A setting's position for messages: "survey.ini:31: [weighting] tolerance" when the file
 * sets it, "--set weighting.tolerance" when the command line does. A setting nobody gave is
 * named without a line ("survey.ini: [weighting] bounds"): pointing the user at a --set they
 * never typed, or at a line that does not hold it, would send them looking in the wrong place. */
static void where(const wctx *c, const char *section, const char *key, ts_strbuf *out)
{
    unsigned long line = ts_manifest_line(c->m, section, key);
    if (line)
        ts_strbuf_printf(out, "%s:%lu: [%s] %s", ts_manifest_path(c->m), line, section, key);
    else if (ts_manifest_get(c->m, section, key))
        ts_strbuf_printf(out, "--set %s.%s", section, key);
    else if (c->opt->manifest)
        ts_strbuf_printf(out, "%s: [%s] %s", ts_manifest_path(c->m), section, key);
    else
        ts_strbuf_printf(out, "%s.%s", section, key);
}

static ts_status bad_setting(const wctx *c, const char *section, const char *key, const char *expected, ts_err *err)
{
    ts_strbuf at = TS_STRBUF_INIT;
    where(c, section, key, &at);
    const char *v = ts_manifest_get(c->m, section, key);
    if (v)
        ts_err_set(err, TS_E_DATA, "%s: expected %s, got \"%s\"", at.data ? at.data : "", expected, v);
    else
        ts_err_set(err, TS_E_DATA, "%s: not set; expected %s", at.data ? at.data : "", expected);
    ts_strbuf_free(&at);
    return TS_E_DATA;
}

/* Row I for messages: the respondent's id, which the user can find in the raw file (row
 * numbers of the dataset are not raw lines once ingest has rejected a record). */
static void row_name(const wctx *c, size_t i, ts_strbuf *out)
{
    for (size_t k = 0; k < c->ds->nvars; k++)
        if (c->ds->vars[k]->type == TS_VAR_ID) {
            ts_strbuf_printf(out, "respondent %s %lld", c->ds->vars[k]->name, (long long)ts_var_int(c->ds->vars[k], i));
            return;
        }
    ts_strbuf_printf(out, "row %zu", i + 1);
}

/* The variables NAMES of setting SECTION.KEY must be single-choice variables of the dataset:
 * said here, naming the setting, because the file they are then looked up in is not where
 * the mistake is. */
static ts_status check_coded_vars(const wctx *c, const char *section, const char *key, char *const *names,
                                  size_t n, ts_err *err)
{
    for (size_t k = 0; k < n; k++) {
        const ts_var *v = ts_dataset_find(c->ds, names[k]);
        if (!v || v->type != TS_VAR_SINGLE) {
            ts_strbuf at = TS_STRBUF_INIT;
            where(c, section, key, &at);
            ts_err_set(err, TS_E_DATA, "%s: %s %s", at.data ? at.data : "", names[k],
                       v ? "is not a single-choice (coded) variable" : "is not a variable of the dataset");
            ts_strbuf_free(&at);
            return TS_E_DATA;
        }
    }
    return TS_OK;
}

static ts_status get_number(const wctx *c, const char *section, const char *key, double dflt, double *out,
                            ts_err *err)
{
    const char *v = get(c, section, key, NULL);
    *out = dflt;
    if (!v)
        return TS_OK;
    if (ts_parse_double(v, strlen(v), out) != 0)
        return bad_setting(c, section, key, "a number", err);
    return TS_OK;
}

static ts_var *get_var(const wctx *c, const char *section, const char *key, ts_err *err, ts_status *st)
{
    const char *name = get(c, section, key, NULL);
    *st = TS_OK;
    if (!name)
        return NULL;
    ts_var *v = ts_dataset_find(c->ds, name);
    if (!v)
        *st = bad_setting(c, section, key, "a variable of the dataset", err);
    return v;
}

/* One row of the CSV report: kind,group,level,respondents,target,before,after,value. */
static void csv_row(wctx *c, const char *kind, const char *group, const char *level, double n, double target,
                    double before, double after, double value)
{
    const double v[5] = {n, target, before, after, value};
    fprintf(c->csv, "%s,", kind);
    ts_csv_put_str(c->csv, group);
    putc(',', c->csv);
    ts_csv_put_str(c->csv, level);
    for (int k = 0; k < 5; k++) {
        putc(',', c->csv);
        if (!isnan(v[k]))
            fprintf(c->csv, "%.17g", v[k]);
    }
    putc('\n', c->csv);
}

/* ---- design ------------------------------------------------------------------------------ */

/* Each row's cell in table T (its codes for T's variables), or CALIB_NO_CELL when one of
 * them is missing. Returns -1 (and sets ERR) when a row's codes have no cell in T. */
static int cells_of(const wctx *c, const margin_table *t, size_t *cell, ts_err *err)
{
    int32_t *codes = malloc(t->nvars * sizeof *codes);
    if (!codes) {
        nomem(err);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        cell[i] = CALIB_NO_CELL;
        if (!c->in[i])
            continue;
        int missing = 0;
        for (size_t k = 0; k < t->nvars; k++) {
            if (ts_var_is_missing(t->vars[k], i))
                missing = 1;
            codes[k] = (int32_t)ts_var_int(t->vars[k], i);
        }
        if (missing)
            continue;
        long cc = margin_find(t, codes);
        if (cc < 0) {
            ts_strbuf s = TS_STRBUF_INIT;
            for (size_t k = 0; k < t->nvars; k++) {
                long ci = ts_var_code_index(t->vars[k], codes[k]);
                ts_strbuf_printf(&s, "%s%s=%s", k ? ", " : "", t->vars[k]->name,
                                 ci >= 0 ? t->vars[k]->codes[ci].label : "?");
            }
            ts_err_set(err, TS_E_DATA, "%s: respondents with %s have no row in it", t->file, s.data ? s.data : "");
            ts_strbuf_free(&s);
            free(codes);
            return -1;
        }
        cell[i] = (size_t)cc;
    }
    free(codes);
    return 0;
}

static int fpc_or_base_from_frame(const wctx *c)
{
    const char *w = get(c, "design", "weight", ""), *f = get(c, "design", "fpc", "no");
    return strcmp(w, "base") == 0 || strcasecmp(f, "no") != 0;
}

/* The design type the manifest states must agree with the variables it gives: a cluster
 * sample without its cluster variable would be estimated as simple random sampling while the
 * report says cluster sampling (issue #10, item 10). Without `type`, the type follows from the
 * variables given (strata, cluster), so what is recorded is what the variance uses. */
static ts_status check_design_type(wctx *c, const char *type, ts_err *err)
{
    const char *stated = ts_manifest_get(c->m, "design", "type");
    if (!stated || !*stated) {
        c->type = c->cluster ? "cluster" : c->strata ? "stratified" : "srs";
        return TS_OK;
    }
    c->type = type;
    const char *why = NULL;
    if (strcmp(type, "cluster") == 0 && !c->cluster)
        why = "needs [design] cluster, the variable identifying the primary sampling units (without it the "
              "sample would be estimated as simple random)";
    else if (strcmp(type, "stratified") == 0 && !c->strata)
        why = "needs [design] strata, the variable identifying the stratum";
    else if (strcmp(type, "nonprobability") == 0 && (c->cluster || c->strata))
        why = c->cluster ? "contradicts [design] cluster: a self-selected sample has no sampling units"
                         : "contradicts [design] strata: a self-selected sample was not drawn by strata";
    else if (strcmp(type, "nonprobability") == 0 && fpc_or_base_from_frame(c))
        why = "contradicts weight = base and fpc: a self-selected sample has no selection probabilities, "
              "so neither base weights from a frame nor a finite population correction";
    else if (strcmp(type, "nonprobability") == 0 && get(c, "design", "frame", NULL))
        why = "contradicts [design] frame: nobody was drawn from a frame for a self-selected sample";
    else if (strcmp(type, "nonprobability") == 0 && get(c, "nonresponse", "classes", NULL))
        why = "contradicts [nonresponse]: nobody was drawn for a self-selected sample, so there is no "
              "response rate to adjust for (calibrate it in [weighting] instead)";
    else if (strcmp(type, "srs") == 0 && c->cluster)
        why = "contradicts [design] cluster: a clustered sample is type = cluster";
    else if (strcmp(type, "srs") == 0 && c->strata)
        why = "contradicts [design] strata: a stratified sample is type = stratified";
    if (!why)
        return TS_OK;
    ts_strbuf at = TS_STRBUF_INIT;
    where(c, "design", "type", &at);
    ts_err_set(err, TS_E_DATA, "%s: type = %s %s", at.data ? at.data : "", type, why);
    ts_strbuf_free(&at);
    return TS_E_DATA;
}

/* A respondent taking part must have its stratum and its cluster: R's svydesign refuses
 * missing ids and strata, and merging the missing ones into one pseudo-unit would change
 * the variance and the degrees of freedom without a word. */
static ts_status check_design_ids(const wctx *c, ts_err *err)
{
    const char *keys[2] = {"strata", "cluster"};
    const ts_var *vars[2] = {c->strata, c->cluster};
    for (int k = 0; k < 2; k++) {
        if (!vars[k])
            continue;
        for (size_t i = 0; i < c->n; i++) {
            if (!c->in[i] || !ts_var_is_missing(vars[k], i))
                continue;
            ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
            where(c, "design", keys[k], &at);
            row_name(c, i, &who);
            ts_err_set(err, TS_E_DATA, "%s: %s: %s %s is missing; every respondent needs one (drop the row, or "
                       "give it its own value)", at.data ? at.data : "", who.data ? who.data : "",
                       k ? "cluster" : "stratum", vars[k]->name);
            ts_strbuf_free(&at);
            ts_strbuf_free(&who);
            return TS_E_DATA;
        }
    }
    return TS_OK;
}

typedef struct fpc_row {
    int64_t stratum;
    size_t row;
} fpc_row;

static int cmp_fpc_row(const void *a, const void *b)
{
    const fpc_row *x = a, *y = b;
    if (x->stratum != y->stratum)
        return x->stratum < y->stratum ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* fpc from a column: the population size belongs to the stratum, so every row of a stratum
 * must carry the same one. Otherwise which one is used would depend on row order. */
static ts_status check_fpc_constant(const wctx *c, const ts_var *fv, ts_err *err)
{
    fpc_row *r = malloc((c->n ? c->n : 1) * sizeof *r);
    if (!r)
        return nomem(err);
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i])
            r[m++] = (fpc_row){c->strata ? ts_var_int(c->strata, i) : 0, i};
    qsort(r, m, sizeof *r, cmp_fpc_row);
    for (size_t j = 1; j < m; j++) {
        double a = c->fpc[r[j - 1].row], b = c->fpc[r[j].row];
        if (r[j].stratum != r[j - 1].stratum || a == b)
            continue;
        ts_strbuf at = TS_STRBUF_INIT, w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT;
        where(c, "design", "fpc", &at);
        row_name(c, r[j - 1].row, &w1);
        row_name(c, r[j].row, &w2);
        if (c->strata) {
            long ci = ts_var_code_index(c->strata, r[j].stratum);
            ts_err_set(err, TS_E_DATA, "%s: %s differs within stratum %s = %s: %s has %.17g, %s has %.17g",
                       at.data ? at.data : "", fv->name, c->strata->name,
                       ci >= 0 ? c->strata->codes[ci].label : "?", w1.data ? w1.data : "", a,
                       w2.data ? w2.data : "", b);
        } else
            ts_err_set(err, TS_E_DATA, "%s: %s differs between respondents of an unstratified sample: %s has %.17g, "
                       "%s has %.17g", at.data ? at.data : "", fv->name, w1.data ? w1.data : "", a,
                       w2.data ? w2.data : "", b);
        ts_strbuf_free(&at);
        ts_strbuf_free(&w1);
        ts_strbuf_free(&w2);
        free(r);
        return TS_E_DATA;
    }
    free(r);
    return TS_OK;
}

static ts_status design_weights(wctx *c, ts_err *err)
{
    ts_status st;
    const char *type = get(c, "design", "type", "srs");
    if (strcmp(type, "srs") && strcmp(type, "stratified") && strcmp(type, "cluster") && strcmp(type, "nonprobability"))
        return bad_setting(c, "design", "type", "srs, stratified, cluster or nonprobability", err);
    c->strata = get_var(c, "design", "strata", err, &st);
    if (st != TS_OK)
        return st;
    c->cluster = get_var(c, "design", "cluster", err, &st);
    if (st != TS_OK)
        return st;
    const char *wspec = get(c, "design", "weight", "");
    const char *frame = get(c, "design", "frame", NULL);
    const char *fpc_spec = get(c, "design", "fpc", "no");
    int want_fpc = strcasecmp(fpc_spec, "yes") == 0;
    /* fpc = VAR: the stratum population size N_h is a column of the dataset (R: fpc = ~VAR). */
    const ts_var *fpc_var = NULL;
    if (!want_fpc && strcasecmp(fpc_spec, "no") != 0) {
        fpc_var = ts_dataset_find(c->ds, fpc_spec);
        if (!fpc_var || !(fpc_var->type == TS_VAR_NUMERIC || fpc_var->type == TS_VAR_INTEGER))
            return bad_setting(c, "design", "fpc", "yes (from the frame), no, or a numeric variable holding N_h", err);
    }
    if ((st = check_design_type(c, type, err)) != TS_OK || (st = check_design_ids(c, err)) != TS_OK)
        return st;
    for (size_t i = 0; i < c->n; i++)
        c->w[i] = 1;
    ts_strbuf_printf(&c->method, "design %s", c->type);

    /* The frame serves two independent purposes: base weights N_h/n_h (weight = base) and
     * the fpc's N_h (fpc = yes). Either may be wanted without the other; in particular a
     * weight column with fpc = yes is a stratified sample delivered with its weights and
     * stratum sizes, and the column must still be read below (issue #10, item 1). */
    int base_from_frame = strcmp(wspec, "base") == 0;
    if (base_from_frame || want_fpc) {
        if (!c->strata || !frame)
            return bad_setting(c, "design", strcmp(wspec, "base") == 0 ? "weight" : "fpc",
                               "a frame ([design] strata and frame) for base weights or fpc", err);
        char *path = ts_manifest_resolve(c->m, frame);
        char *names[1] = {c->strata->name};
        margin_table *pop = path ? margin_read(path, c->ds, names, 1, get(c, "design", "frame_population", "population"), err) : NULL;
        margin_table *smp = pop ? margin_read(path, c->ds, names, 1, get(c, "design", "frame_sample", "sample"), err) : NULL;
        free(path);
        size_t *cell = malloc(c->n * sizeof *cell);
        if (!pop || !smp || !cell || cells_of(c, pop, cell, err) != 0) {
            free(cell);
            margin_free(pop);
            margin_free(smp);
            return err->status ? err->status : nomem(err);
        }
        if (want_fpc && !(c->fpc = malloc(c->n * sizeof *c->fpc))) {
            free(cell);
            margin_free(pop);
            margin_free(smp);
            return nomem(err);
        }
        for (size_t i = 0; i < c->n; i++) {
            if (!c->in[i]) { /* dropped already: weight 0 */
                c->w[i] = 0;
                if (c->fpc)
                    c->fpc[i] = NAN;
                continue;
            }
            if (cell[i] == CALIB_NO_CELL) {
                ts_strbuf who = TS_STRBUF_INIT;
                row_name(c, i, &who);
                ts_err_set(err, TS_E_DATA, "%s: stratum %s is missing", who.data ? who.data : "", c->strata->name);
                ts_strbuf_free(&who);
                free(cell);
                margin_free(pop);
                margin_free(smp);
                return TS_E_DATA;
            }
            double nh = pop->total[cell[i]], sh = smp->total[cell[i]];
            if (base_from_frame) {
                if (!(sh > 0)) {
                    char *name = margin_cell_name(smp, cell[i]);
                    ts_err_set(err, TS_E_DATA, "%s:%lu: %s: sample size is 0 but it has respondents", smp->file,
                               smp->line[cell[i]], name ? name : "");
                    free(name);
                    free(cell);
                    margin_free(pop);
                    margin_free(smp);
                    return TS_E_DATA;
                }
                c->w[i] = nh / sh; /* N_h / n_h */
            }
            if (c->fpc)
                c->fpc[i] = nh;
        }
        free(cell);
        margin_free(pop);
        margin_free(smp);
        if (base_from_frame)
            ts_strbuf_append_str(&c->method, ", base weights N_h/n_h");
        if (want_fpc)
            ts_strbuf_append_str(&c->method, ", fpc");
    }
    if (*wspec && !base_from_frame) {
        ts_var *wv = ts_dataset_find(c->ds, wspec);
        if (!wv || !(wv->type == TS_VAR_NUMERIC || wv->type == TS_VAR_INTEGER))
            return bad_setting(c, "design", "weight", "base, empty, or a numeric variable of the dataset", err);
        for (size_t i = 0; i < c->n; i++) {
            double x = ts_var_num(wv, i);
            if (!c->in[i]) /* dropped already (missing = drop): counted, and weight 0 at the end */
                continue;
            if (x == 0) { /* a weight of 0 in the column: left out, like a dropped row */
                c->in[i] = 0;
                c->dropped++;
                if (c->fpc)
                    c->fpc[i] = NAN;
            } else if (!(x > 0)) {
                ts_strbuf who = TS_STRBUF_INIT;
                row_name(c, i, &who);
                if (isnan(x))
                    ts_err_set(err, TS_E_DATA, "%s: %s: base weight missing: base weights must be positive (or 0: left out)",
                               wspec, who.data ? who.data : "");
                else
                    ts_err_set(err, TS_E_DATA, "%s: %s: base weight %g: base weights must be positive (or 0: left out)",
                               wspec, who.data ? who.data : "", x);
                ts_strbuf_free(&who);
                return TS_E_DATA;
            }
            c->w[i] = x;
        }
        ts_strbuf_printf(&c->method, ", base weights from %s", wspec);
    }
    if (fpc_var) {
        if (!(c->fpc = malloc((c->n ? c->n : 1) * sizeof *c->fpc)))
            return nomem(err);
        for (size_t i = 0; i < c->n; i++) {
            double x = ts_var_num(fpc_var, i);
            if (c->in[i] && !(x > 0)) {
                ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
                where(c, "design", "fpc", &at);
                row_name(c, i, &who);
                if (isnan(x))
                    ts_err_set(err, TS_E_DATA, "%s: %s: %s is missing; it must be a positive population size",
                               at.data ? at.data : "", who.data ? who.data : "", fpc_var->name);
                else
                    ts_err_set(err, TS_E_DATA, "%s: %s: %s is %.17g; it must be a positive population size",
                               at.data ? at.data : "", who.data ? who.data : "", fpc_var->name, x);
                ts_strbuf_free(&at);
                ts_strbuf_free(&who);
                return TS_E_DATA;
            }
            c->fpc[i] = c->in[i] ? x : NAN;
        }
        if ((st = check_fpc_constant(c, fpc_var, err)) != TS_OK)
            return st;
        ts_strbuf_printf(&c->method, ", fpc from %s", fpc_var->name);
    }
    return TS_OK;
}

/* ---- cells by mixed radix --------------------------------------------------------------- */

/* Codes of the variables a weighting step uses, collapsed as [weighting] collapse says. */
typedef struct collapse_rule {
    ts_var *var;
    int32_t from, to;
} collapse_rule;

typedef struct cellmap {
    size_t nvars;
    ts_var **vars;
    size_t *stride;
    size_t size;      /* product of the variables' code counts */
    size_t *cell;     /* radix index → cell of the table, or CALIB_NO_CELL */
    const collapse_rule *rules;
    size_t nrules;
} cellmap;

static int32_t collapsed(const cellmap *cm, const ts_var *v, int32_t code)
{
    for (size_t r = 0; r < cm->nrules; r++)
        if (cm->rules[r].var == v && cm->rules[r].from == code)
            return cm->rules[r].to;
    return code;
}

/* Whether cell C of T has a code that a rule collapses into another. */
static int is_collapsed(const cellmap *cm, const margin_table *t, size_t c)
{
    for (size_t k = 0; k < t->nvars; k++)
        if (collapsed(cm, t->vars[k], t->codes[c * t->nvars + k]) != t->codes[c * t->nvars + k])
            return 1;
    return 0;
}

static size_t radix_of(const cellmap *cm, const int32_t *codes)
{
    size_t idx = 0;
    for (size_t k = 0; k < cm->nvars; k++) {
        long ci = ts_var_code_index(cm->vars[k], collapsed(cm, cm->vars[k], codes[k]));
        if (ci < 0)
            return SIZE_MAX;
        idx += (size_t)ci * cm->stride[k];
    }
    return idx;
}

static void cellmap_free(cellmap *cm)
{
    if (!cm)
        return;
    free(cm->stride);
    free(cm->cell);
    free(cm);
}

/* The cells of table T (merged by collapse rules) addressed by radix. */
static cellmap *cellmap_new(margin_table *t, const collapse_rule *rules, size_t nrules, ts_err *err)
{
    cellmap *cm = calloc(1, sizeof *cm);
    if (cm) {
        cm->rules = rules;
        cm->nrules = nrules;
    }
    if (!cm || !(cm->stride = malloc(t->nvars * sizeof *cm->stride))) {
        free(cm);
        nomem(err);
        return NULL;
    }
    cm->nvars = t->nvars;
    cm->vars = t->vars;
    cm->size = 1;
    for (size_t k = 0; k < t->nvars; k++) {
        cm->stride[k] = cm->size;
        if (t->vars[k]->ncodes && cm->size > 10000000 / t->vars[k]->ncodes) {
            ts_err_set(err, TS_E_DATA, "%s: too many cells when its variables are crossed", t->file);
            cellmap_free(cm);
            return NULL;
        }
        cm->size *= t->vars[k]->ncodes ? t->vars[k]->ncodes : 1;
    }
    if (!(cm->cell = malloc(cm->size * sizeof *cm->cell))) {
        cellmap_free(cm);
        nomem(err);
        return NULL;
    }
    for (size_t i = 0; i < cm->size; i++)
        cm->cell[i] = CALIB_NO_CELL;
    /* Merge collapsed cells into the cell they are collapsed into, which keeps its name. */
    for (size_t c = 0; c < t->ncells; c++) {
        size_t idx = radix_of(cm, &t->codes[c * t->nvars]);
        if (idx == SIZE_MAX)
            continue;
        size_t keep = cm->cell[idx];
        if (keep == CALIB_NO_CELL)
            cm->cell[idx] = c;
        else if (is_collapsed(cm, t, keep) && !is_collapsed(cm, t, c)) {
            t->total[c] += t->total[keep];
            t->total[keep] = 0;
            cm->cell[idx] = c;
        } else {
            t->total[keep] += t->total[c];
            t->total[c] = 0;
        }
    }
    return cm;
}

/* Each row's cell of T; rows with a missing variable, or dropped, get CALIB_NO_CELL. */
static int row_cells(const wctx *c, const cellmap *cm, const margin_table *t, size_t *cell, ts_err *err)
{
    int32_t codes[64];
    if (t->nvars > 64)
        return ts_err_set(err, TS_E_DATA, "%s: more than 64 variables", t->file), -1;
    for (size_t i = 0; i < c->n; i++) {
        cell[i] = CALIB_NO_CELL;
        if (!c->in[i])
            continue;
        int missing = 0;
        for (size_t k = 0; k < t->nvars && !missing; k++) {
            missing = ts_var_is_missing(t->vars[k], i);
            codes[k] = (int32_t)ts_var_int(t->vars[k], i);
        }
        if (missing)
            continue;
        size_t idx = radix_of(cm, codes);
        if (idx == SIZE_MAX || cm->cell[idx] == CALIB_NO_CELL) {
            ts_strbuf s = TS_STRBUF_INIT;
            for (size_t k = 0; k < t->nvars; k++) {
                long ci = ts_var_code_index(t->vars[k], codes[k]);
                ts_strbuf_printf(&s, "%s%s = %s", k ? ", " : "", t->vars[k]->name, ci >= 0 ? t->vars[k]->codes[ci].label : "?");
            }
            ts_err_set(err, TS_E_DATA, "%s: has no row for respondents with %s", t->file, s.data ? s.data : "");
            ts_strbuf_free(&s);
            return -1;
        }
        cell[i] = cm->cell[idx];
    }
    return 0;
}

/* ---- calibration --------------------------------------------------------------------------- */

typedef struct wmargin {
    char *name;
    margin_table *t;      /* a table of counts; NULL for a numeric total */
    cellmap *cm;
    size_t *cell;         /* per row */
    ts_var *numvar;       /* numeric margin: the variable and its population total */
    double numtotal;
} wmargin;

static void wmargins_free(wmargin *m, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(m[k].name);
        margin_free(m[k].t);
        cellmap_free(m[k].cm);
        free(m[k].cell);
    }
    free(m);
}

/* "VAR: FROM > TO; ..." (labels or codes) → rules, kept when FROM has fewer than BELOW
 * respondents (BELOW <= 0: always). */
/* How many respondents a collapse rule's FROM category has where it matters: overall for a
 * calibration margin, the smallest class for nonresponse classes (see nonresponse()). */
typedef size_t (*count_fn)(const wctx *c, const ts_var *var, int32_t code, const void *arg);

static size_t count_overall(const wctx *c, const ts_var *var, int32_t code, const void *arg)
{
    (void)arg;
    size_t have = 0;
    for (size_t i = 0; i < c->n; i++)
        have += c->in[i] && ts_var_int(var, i) == code;
    return have;
}

static ts_status read_collapse_in(wctx *c, const char *section, count_fn count, const void *arg,
                                  collapse_rule **out, size_t *nout, ts_err *err)
{
    *out = NULL;
    *nout = 0;
    const char *spec = get(c, section, "collapse", NULL);
    const char *what = strcmp(section, "nonresponse") == 0 ? "for the nonresponse classes" : "for weighting";
    if (!spec)
        return TS_OK;
    double below;
    ts_status st = get_number(c, section, "collapse_below", 0, &below, err);
    if (st != TS_OK)
        return st;
    char *copy = ts_strdup(spec), *save = NULL;
    if (!copy)
        return nomem(err);
    for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(item, ':'), *gt = colon ? strstr(colon, ">") : NULL;
        if (!colon || !gt) {
            free(copy);
            return bad_setting(c, section, "collapse", "VAR: FROM > TO (labels or codes), separated by ;", err);
        }
        *colon = *gt = '\0';
        const char *names[3] = {item, colon + 1, gt + 1};
        char *v[3];
        for (int k = 0; k < 3; k++) {
            const char *s = names[k];
            size_t n = strlen(s);
            ts_trim(&s, &n);
            v[k] = ts_strndup(s, n);
        }
        ts_var *var = v[0] ? ts_dataset_find(c->ds, v[0]) : NULL;
        int32_t code[2];
        int ok = var != NULL;
        for (int k = 1; k < 3 && ok; k++) {
            ok = 0;
            for (size_t i = 0; i < var->ncodes; i++)
                if (v[k] && strcmp(var->codes[i].label, v[k]) == 0) {
                    code[k - 1] = var->codes[i].code;
                    ok = 1;
                }
            int64_t x;
            if (!ok && v[k] && ts_parse_int64(v[k], strlen(v[k]), &x) == 0 && ts_var_code_index(var, x) >= 0) {
                code[k - 1] = (int32_t)x;
                ok = 1;
            }
        }
        for (int k = 0; k < 3; k++)
            free(v[k]);
        if (!ok) {
            free(copy);
            return bad_setting(c, section, "collapse", "a variable and two of its labels or codes", err);
        }
        size_t have = count(c, var, code[0], arg);
        long fi = ts_var_code_index(var, code[0]), ti = ts_var_code_index(var, code[1]);
        if (below > 0 && (double)have >= below) {
            ts_strbuf_printf(&c->text, "Collapse not needed %s: %s %s has %zu respondent%s (>= %g)\n", what,
                             var->name, var->codes[fi].label, have, have == 1 ? "" : "s", below);
            continue;
        }
        collapse_rule *r = realloc(*out, (*nout + 1) * sizeof *r);
        if (!r) {
            free(copy);
            return nomem(err);
        }
        *out = r;
        r[(*nout)++] = (collapse_rule){var, code[0], code[1]};
        ts_strbuf_printf(&c->text, "Collapsed %s: %s %s (%zu respondent%s) into %s\n", what, var->name,
                         var->codes[fi].label, have, have == 1 ? "" : "s", var->codes[ti].label);
        ts_strbuf_printf(&c->method, ", %s %s merged into %s%s", var->name, var->codes[fi].label, var->codes[ti].label,
                         strcmp(section, "nonresponse") == 0 ? " for the nonresponse classes" : "");
    }
    free(copy);
    return TS_OK;
}

/* For [nonresponse] collapse: the fewest respondents in a class (with persons drawn) where
 * VAR is CODE — a class with none cannot be adjusted. */
struct class_counts {
    const margin_table *t;
    const double *count;
};

static size_t count_smallest_class(const wctx *c, const ts_var *var, int32_t code, const void *arg)
{
    (void)c;
    const struct class_counts *cc = arg;
    size_t v = 0, best = SIZE_MAX;
    while (v < cc->t->nvars && cc->t->vars[v] != var)
        v++;
    for (size_t k = 0; v < cc->t->nvars && k < cc->t->ncells; k++)
        if (cc->t->codes[k * cc->t->nvars + v] == code && cc->t->total[k] > 0 && cc->count[k] < (double)best)
            best = (size_t)cc->count[k];
    return best == SIZE_MAX ? 0 : best;
}

/* ---- nonresponse ---------------------------------------------------------------------- */

/* Within each class, respondents' weights are multiplied by (drawn in the class × their mean
 * base weight) / (sum of their base weights): the base-weighted response rate's inverse.
 * With classes nested in strata, as they should be, the mean base weight is N_h/n_h. */
static ts_status nonresponse(wctx *c, ts_err *err)
{
    const char *classes = get(c, "nonresponse", "classes", NULL);
    if (!classes)
        return TS_OK;
    const char *frame = get(c, "nonresponse", "frame", NULL);
    if (!frame)
        return bad_setting(c, "nonresponse", "frame", "the frame file with the sample drawn per class", err);
    char **names = NULL;
    long nn = ts_manifest_split_list(classes, &names);
    if (nn <= 0) {
        ts_manifest_free_list(names, nn > 0 ? (size_t)nn : 0);
        return nn < 0 ? nomem(err) : bad_setting(c, "nonresponse", "classes", "variable names", err);
    }
    if (check_coded_vars(c, "nonresponse", "classes", names, (size_t)nn, err) != TS_OK) {
        ts_manifest_free_list(names, (size_t)nn);
        return TS_E_DATA;
    }
    char *path = ts_manifest_resolve(c->m, frame);
    margin_table *t = path ? margin_read(path, c->ds, names, (size_t)nn, get(c, "nonresponse", "sample", "sample"), err) : NULL;
    free(path);
    ts_manifest_free_list(names, (size_t)nn);
    size_t *cell = malloc(c->n * sizeof *cell);
    double *sum = t ? calloc(t->ncells, sizeof *sum) : NULL, *count = t ? calloc(t->ncells, sizeof *count) : NULL;
    ts_status st = TS_OK;
    collapse_rule *rules = NULL;
    size_t nrules = 0;
    cellmap *cm = NULL;
    if (!t || !cell || !sum || !count) {
        st = t ? nomem(err) : err->status;
        goto out;
    }
    if (cells_of(c, t, cell, err) != 0) {
        st = err->status;
        goto out;
    }
    unsigned long unclassed = 0;
    for (size_t i = 0; i < c->n; i++)
        if (cell[i] != CALIB_NO_CELL) {
            sum[cell[i]] += c->w[i];
            count[cell[i]] += 1;
        } else if (c->in[i])
            unclassed++;
    /* Classes too small in this sample are merged as [nonresponse] collapse says. */
    struct class_counts cc = {t, count};
    if (!unclassed && (st = read_collapse_in(c, "nonresponse", count_smallest_class, &cc, &rules, &nrules, err)) != TS_OK)
        goto out;
    if (nrules) {
        if (!(cm = cellmap_new(t, rules, nrules, err)) || row_cells(c, cm, t, cell, err) != 0) {
            st = err->status;
            goto out;
        }
        memset(sum, 0, t->ncells * sizeof *sum);
        memset(count, 0, t->ncells * sizeof *count);
        for (size_t i = 0; i < c->n; i++)
            if (cell[i] != CALIB_NO_CELL) {
                sum[cell[i]] += c->w[i];
                count[cell[i]] += 1;
            }
    }
    if (unclassed) {
        /* A respondent in no class would silently keep an unadjusted weight: refuse. */
        st = ts_err_set(err, TS_E_DATA,
                        "%lu %s a nonresponse class variable (%s) missing: give them a class, or leave them out with [weighting] missing = drop",
                        unclassed, unclassed == 1 ? "respondent has" : "respondents have", classes);
        goto out;
    }
    ts_strbuf_append_str(&c->text, "\nNonresponse adjustment (classes: ");
    ts_strbuf_append_str(&c->text, classes);
    ts_strbuf_append_str(&c->text, ")\n  class                          drawn  respondents  rate    factor\n");
    for (size_t k = 0; k < t->ncells; k++) {
        if (nrules && t->total[k] == 0 && count[k] == 0)
            continue; /* merged into another class */
        char *name = margin_cell_name(t, k);
        if (t->total[k] > 0 && count[k] == 0) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: nonresponse class %s: %g drawn but no respondent; merge it with another class ([nonresponse] collapse)",
                       t->file, t->line[k], name ? name : "", t->total[k]);
            free(name);
            st = TS_E_DATA;
            goto out;
        }
        double factor = count[k] > 0 ? t->total[k] * (sum[k] / count[k]) / sum[k] : 0;
        ts_strbuf_printf(&c->text, "  %-30s %6.0f %12.0f  %5.1f%%  %.4f\n", name ? name : "", t->total[k], count[k],
                         t->total[k] > 0 ? 100 * count[k] / t->total[k] : 0, factor);
        csv_row(c, "nonresponse", classes, name ? name : "", count[k], t->total[k], sum[k], t->total[k] * (sum[k] / count[k]), factor);
        free(name);
        sum[k] = factor; /* reuse: the factor of class k */
    }
    for (size_t i = 0; i < c->n; i++) {
        if (cell[i] != CALIB_NO_CELL)
            c->w[i] *= sum[cell[i]];
    }
    ts_strbuf_printf(&c->method, ", nonresponse adjustment by %s", classes);
out:
    free(cell);
    free(sum);
    free(count);
    free(rules);
    cellmap_free(cm);
    margin_free(t);
    return st;
}

static ts_status read_margins(wctx *c, wmargin **out, size_t *nout, const collapse_rule *rules, size_t nrules,
                              ts_err *err)
{
    char **names = NULL;
    long nn = ts_manifest_split_list(get(c, "weighting", "margins", ""), &names);
    if (nn < 0)
        return nomem(err);
    if (nn == 0)
        return bad_setting(c, "weighting", "margins", "the names of [margin.NAME] sections", err);
    wmargin *m = calloc((size_t)nn, sizeof *m);
    ts_status st = m ? TS_OK : nomem(err);
    for (long k = 0; k < nn && st == TS_OK; k++) {
        ts_strbuf sec = TS_STRBUF_INIT;
        ts_strbuf_printf(&sec, "margin.%s", names[k]);
        m[k].name = ts_strdup(names[k]);
        if (!ts_manifest_has_section(c->m, sec.data)) {
            st = bad_setting(c, "weighting", "margins", "names with a [margin.NAME] section each", err);
            ts_strbuf_free(&sec);
            break;
        }
        const char *file = get(c, sec.data, "file", NULL), *vars = get(c, sec.data, "vars", NULL);
        const char *total = get(c, sec.data, "total", NULL);
        char **vn = NULL;
        long nv = vars ? ts_manifest_split_list(vars, &vn) : 0;
        if (nv <= 0)
            st = bad_setting(c, sec.data, "vars", "the codebook variable(s) of the margin", err);
        else if (total) {
            m[k].numvar = ts_dataset_find(c->ds, vn[0]);
            if (nv != 1 || !m[k].numvar)
                st = bad_setting(c, sec.data, "vars", "one numeric variable of the dataset", err);
            else if (ts_parse_double(total, strlen(total), &m[k].numtotal) != 0)
                st = bad_setting(c, sec.data, "total", "a number", err);
            else if (!(m[k].cell = malloc(c->n * sizeof *m[k].cell)))
                st = nomem(err);
        } else if (!file) {
            st = bad_setting(c, sec.data, "file", "a CSV file of population counts (or total = NUMBER)", err);
        } else if ((st = check_coded_vars(c, sec.data, "vars", vn, (size_t)nv, err)) != TS_OK) {
            ;
        } else {
            char *path = ts_manifest_resolve(c->m, file);
            m[k].t = path ? margin_read(path, c->ds, vn, (size_t)nv, get(c, sec.data, "count", "population"), err) : NULL;
            free(path);
            if (!m[k].t)
                st = err->status ? err->status : nomem(err);
            else if (!(m[k].cm = cellmap_new(m[k].t, rules, nrules, err)))
                st = err->status;
            else if (!(m[k].cell = malloc(c->n * sizeof *m[k].cell)))
                st = nomem(err);
        }
        if (vn)
            ts_manifest_free_list(vn, (size_t)(nv > 0 ? nv : 0));
        ts_strbuf_free(&sec);
    }
    ts_manifest_free_list(names, (size_t)nn);
    *out = m;
    *nout = (size_t)nn;
    return st;
}

/* Rows with a margin variable missing take no part in calibration. */
static int row_complete(const wmargin *m, size_t nm, size_t i)
{
    for (size_t k = 0; k < nm; k++) {
        if (m[k].t) {
            for (size_t v = 0; v < m[k].t->nvars; v++)
                if (ts_var_is_missing(m[k].t->vars[v], i))
                    return 0;
        } else if (ts_var_is_missing(m[k].numvar, i))
            return 0;
    }
    return 1;
}

/* Build the model matrix of R's calibrate(~A + B*C + x): an intercept, treatment dummies of
 * every factor (first level dropped), their interactions for two-variable margins, numeric
 * variables as they are; and the population totals of those columns. */
static int model_matrix(const wctx *c, const wmargin *m, size_t nm, double **xo, double **to, size_t *po,
                        ts_strbuf *names)
{
    size_t p = 1, cap = 16;
    double *tot = malloc(cap * sizeof *tot);
    /* Column definitions: up to two (var, code) conditions, or a numeric variable. */
    typedef struct coldef { const ts_var *v1; int32_t c1; const ts_var *v2; int32_t c2; const ts_var *num; } coldef;
    coldef *def = malloc(cap * sizeof *def);
    if (!tot || !def) {
        free(tot);
        free(def);
        return -1;
    }
    def[0] = (coldef){0};
    tot[0] = NAN;
    ts_strbuf_append_str(names, "(Intercept)");
    for (size_t k = 0; k < nm; k++) {
        if (!m[k].t) {
            if (p == cap) {
                cap *= 2;
                tot = realloc(tot, cap * sizeof *tot);
                def = realloc(def, cap * sizeof *def);
            }
            def[p] = (coldef){.num = m[k].numvar};
            tot[p++] = m[k].numtotal;
            ts_strbuf_printf(names, " + %s", m[k].numvar->name);
            continue;
        }
        const margin_table *t = m[k].t;
        if (isnan(tot[0])) {
            tot[0] = 0;
            for (size_t cc = 0; cc < t->ncells; cc++)
                tot[0] += t->total[cc];
        }
        /* terms: each variable alone, then (for two) their interaction */
        size_t nterms = t->nvars == 2 ? 3 : t->nvars;
        for (size_t term = 0; term < nterms; term++) {
            const ts_var *a = term < t->nvars ? t->vars[term] : t->vars[0];
            const ts_var *b = term < t->nvars ? NULL : t->vars[1];
            /* levels present in the margin, ascending; the first is the reference */
            for (size_t ia = 1; ia < a->ncodes; ia++)
                for (size_t ib = b ? 1 : 0; ib < (b ? b->ncodes : 1); ib++) {
                    int32_t ca = a->codes[ia].code, cb = b ? b->codes[ib].code : 0;
                    /* skip a column already made by an earlier margin */
                    int dup = 0;
                    for (size_t j = 1; j < p && !dup; j++)
                        dup = def[j].v1 == a && def[j].c1 == ca && def[j].v2 == b && (!b || def[j].c2 == cb);
                    double total = 0;
                    int present = 0;
                    for (size_t cc = 0; cc < t->ncells; cc++) {
                        size_t ka = term < t->nvars ? term : 0;
                        if (t->codes[cc * t->nvars + ka] == ca && (!b || t->codes[cc * t->nvars + 1] == cb)) {
                            total += t->total[cc];
                            present = 1;
                        }
                    }
                    if (dup || !present)
                        continue;
                    if (p == cap) {
                        cap *= 2;
                        double *nt = realloc(tot, cap * sizeof *tot);
                        coldef *nd = realloc(def, cap * sizeof *def);
                        if (!nt || !nd) {
                            free(nt ? nt : tot);
                            free(nd ? nd : def);
                            return -1;
                        }
                        tot = nt;
                        def = nd;
                    }
                    def[p] = (coldef){a, ca, b, cb, NULL};
                    tot[p++] = total;
                    if (b)
                        ts_strbuf_printf(names, " + %s%d:%s%d", a->name, ca, b->name, cb);
                    else
                        ts_strbuf_printf(names, " + %s%d", a->name, ca);
                }
        }
    }
    if (isnan(tot[0])) {
        free(tot);
        free(def);
        return -2; /* numeric margins alone give no population size */
    }
    double *x = calloc(c->n * p, sizeof *x);
    if (!x) {
        free(tot);
        free(def);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = 0; j < p; j++) {
            const coldef *d = &def[j];
            double v;
            if (j == 0)
                v = 1;
            else if (d->num)
                v = ts_var_num(d->num, i);
            else
                v = ts_var_int(d->v1, i) == d->c1 && (!d->v2 || ts_var_int(d->v2, i) == d->c2);
            x[i * p + j] = isnan(v) ? 0 : v;
        }
    free(def);
    *xo = x;
    *to = tot;
    *po = p;
    return 0;
}

static ts_status margin_error(const wmargin *m, size_t cell, const char *what, ts_err *err)
{
    char *name = margin_cell_name(m->t, cell);
    ts_err_set(err, TS_E_DATA, "%s:%lu: %s: %s", m->t->file, m->t->line[cell], name ? name : "", what);
    free(name);
    return TS_E_DATA;
}

/* [weighting] method. Post-stratification and raking meet table margins exactly (calib.c's
 * calib_poststratify, calib_rake); the GREG family — linear, raking and logit distances —
 * fits a model matrix (calib_calibrate, R's calibrate()) and may bound g. */
typedef enum cal_method {
    CAL_NONE,
    CAL_POSTSTRATIFY,
    CAL_RAKE,
    CAL_LINEAR,
    CAL_RAKING,
    CAL_LOGIT,
} cal_method;

/* Indexed by cal_method: the manifest's spelling, also recorded as weight.calibration. */
static const char *const CAL_METHOD_NAMES[] = {"none", "poststratify", "rake", "linear", "raking", "logit"};

/* The method named S into *OUT; -1 when S names none. */
static int cal_method_parse(const char *s, cal_method *out)
{
    for (size_t k = 0; k < sizeof CAL_METHOD_NAMES / sizeof *CAL_METHOD_NAMES; k++)
        if (strcmp(s, CAL_METHOD_NAMES[k]) == 0) {
            *out = (cal_method)k;
            return 0;
        }
    return -1;
}

static int cal_is_greg(cal_method m) { return m == CAL_LINEAR || m == CAL_RAKING || m == CAL_LOGIT; }

/* One calibration's working state, from the margins read to the weights written back. */
typedef struct calrun {
    cal_method method;
    collapse_rule *rules;     /* [weighting] collapse */
    size_t nrules;
    wmargin *m;               /* the margins; handed to the context (the report needs them) */
    size_t nm;
    unsigned char *part;      /* per row: 1 when it takes part (in, no margin variable missing) */
    unsigned long incomplete; /* rows in but missing a margin variable */
    int stratum_mean;         /* missing = stratum_mean: those rows get their stratum's mean g */
    double first_total;       /* the first table margin's total, the population; NaN: none */
    size_t np;                /* rows taking part */
    double *wp;               /* their weights, compacted for calib.c */
    size_t **cellp;           /* per margin: their cells, compacted */
    double *before;           /* every row's weight before calibration; handed to the context */
    double eps;               /* [weighting] tolerance */
    int maxit;                /* [weighting] max_iter */
    double *x, *tot;          /* GREG: the model matrix of every row (n × p), its totals */
    size_t p;
    ts_strbuf colnames;       /* GREG: the model matrix's column names, as R writes them */
} calrun;

/* Columns the estimation stage needs to compute calibration-adjusted variances: for
 * post-stratification and raking each margin's cell per row, for GREG calibration the model
 * matrix (P columns of X). Rows that took no part get NaN. */
static ts_status keep_calibration_columns(wctx *c, const calrun *r, ts_err *err)
{
    int cells = !cal_is_greg(r->method);
    size_t k = cells ? 0 : r->p;
    if (cells)
        for (size_t q = 0; q < r->nm; q++)
            k += r->m[q].t != NULL;
    c->calnames = calloc(k ? k : 1, sizeof *c->calnames);
    c->calcols = calloc(k ? k : 1, sizeof *c->calcols);
    if (!c->calnames || !c->calcols)
        return nomem(err);
    c->ncalcols = k;
    for (size_t j = 0, q = 0; j < k; j++) {
        ts_strbuf name = TS_STRBUF_INIT;
        ts_strbuf_printf(&name, "_cal_%zu", j + 1);
        c->calnames[j] = ts_strbuf_take(&name);
        c->calcols[j] = malloc((c->n ? c->n : 1) * sizeof **c->calcols);
        if (!c->calnames[j] || !c->calcols[j])
            return nomem(err);
        if (cells)
            while (!r->m[q].t)
                q++;
        for (size_t i = 0; i < c->n; i++) {
            if (!r->part[i])
                c->calcols[j][i] = NAN;
            else if (cells)
                c->calcols[j][i] = r->m[q].cell[i] == CALIB_NO_CELL ? NAN : (double)r->m[q].cell[i];
            else
                c->calcols[j][i] = r->x[i * r->p + j];
        }
        q++;
    }
    return TS_OK;
}

/* The margins METHOD can use: one table for post-stratification, tables for raking. */
static ts_status check_margin_kinds(const wctx *c, const calrun *r, ts_err *err)
{
    if (r->method == CAL_POSTSTRATIFY && (r->nm != 1 || !r->m[0].t))
        return bad_setting(c, "weighting", "margins", "exactly one table margin for poststratify (cross its variables)", err);
    if (!cal_is_greg(r->method) && !r->m[0].t)
        return bad_setting(c, "weighting", "margins", "tables of counts for rake (numeric totals need linear, raking or logit)", err);
    return TS_OK;
}

/* missing = error and a respondent misses a margin variable: name the setting and the first
 * such respondent and variable — the user has to find them in the raw file to decide between
 * fixing the data and another rule. */
static ts_status missing_error(const wctx *c, const calrun *r, ts_err *err)
{
    ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
    where(c, "weighting", "missing", &at);
    const char *var = "";
    for (size_t i = 0; i < c->n && !who.len; i++)
        if (c->in[i] && !r->part[i]) {
            row_name(c, i, &who);
            for (size_t k = 0; k < r->nm && !*var; k++) {
                const wmargin *m = &r->m[k];
                if (!m->t)
                    var = ts_var_is_missing(m->numvar, i) ? m->numvar->name : "";
                for (size_t v = 0; m->t && v < m->t->nvars && !*var; v++)
                    if (ts_var_is_missing(m->t->vars[v], i))
                        var = m->t->vars[v]->name;
            }
        }
    ts_err_set(err, TS_E_DATA,
               "%s = error: %lu respondent%s a weighting variable missing (the first: %s, %s); fix the data, or use drop or stratum_mean",
               at.data ? at.data : "", r->incomplete, r->incomplete == 1 ? " has" : "s have", who.data ? who.data : "", var);
    ts_strbuf_free(&at);
    ts_strbuf_free(&who);
    return TS_E_DATA;
}

/* Which rows take part. Respondents missing a margin variable are dropped (weight 0) or,
 * with stratum_mean, left out now and given their stratum's mean adjustment afterwards
 * (spread_back); missing = error refuses them. */
static ts_status take_part(wctx *c, calrun *r, ts_err *err)
{
    const char *missing = get(c, "weighting", "missing", "drop");
    r->stratum_mean = strcmp(missing, "stratum_mean") == 0 || strcmp(missing, "area_mean") == 0;
    if (!r->stratum_mean && strcmp(missing, "drop") != 0 && strcmp(missing, "error") != 0)
        return bad_setting(c, "weighting", "missing", "drop, stratum_mean or error", err);
    if (!(r->part = malloc(c->n)))
        return nomem(err);
    for (size_t i = 0; i < c->n; i++) {
        r->part[i] = c->in[i] && row_complete(r->m, r->nm, i);
        if (c->in[i] && !r->part[i])
            r->incomplete++;
    }
    if (r->incomplete && strcmp(missing, "error") == 0)
        return missing_error(c, r, err);
    if (r->incomplete) {
        ts_strbuf_printf(&c->text, "%lu %s with a weighting variable missing: %s\n", r->incomplete,
                         r->incomplete == 1 ? "respondent" : "respondents",
                         r->stratum_mean ? "given their stratum's mean adjustment" : "dropped (weight 0)");
        ts_strbuf_printf(&c->method, ", %lu with a weighting variable missing %s", r->incomplete,
                         r->stratum_mean ? "given their stratum's mean adjustment" : "dropped");
        if (!r->stratum_mean)
            c->dropped += r->incomplete;
    }
    return TS_OK;
}

/* Each margin's cell of every row that takes part (CALIB_NO_CELL for the others); a numeric
 * margin has the one cell 0. */
static ts_status build_cells(wctx *c, calrun *r, ts_err *err)
{
    ts_status st = TS_OK;
    unsigned char *keep_in = c->in;
    c->in = r->part; /* cells are built for the rows that take part */
    for (size_t k = 0; k < r->nm && st == TS_OK; k++) {
        if (r->m[k].t) {
            if (row_cells(c, r->m[k].cm, r->m[k].t, r->m[k].cell, err) != 0)
                st = err->status;
        } else
            for (size_t i = 0; i < c->n; i++)
                r->m[k].cell[i] = r->part[i] ? 0 : CALIB_NO_CELL;
    }
    c->in = keep_in;
    return st;
}

/* Every cell with population needs respondents; margins must agree on the total, which is
 * kept in R->first_total. */
static ts_status check_cells(const wctx *c, calrun *r, ts_err *err)
{
    ts_status st = TS_OK;
    for (size_t k = 0; k < r->nm && st == TS_OK; k++) {
        const wmargin *m = &r->m[k];
        if (!m->t)
            continue;
        size_t *count = calloc(m->t->ncells, sizeof *count);
        double total = 0;
        if (!count)
            return nomem(err);
        for (size_t i = 0; i < c->n; i++)
            if (m->cell[i] != CALIB_NO_CELL)
                count[m->cell[i]]++;
        for (size_t cc = 0; cc < m->t->ncells && st == TS_OK; cc++) {
            total += m->t->total[cc];
            if (m->t->total[cc] > 0 && count[cc] == 0)
                st = margin_error(m, cc, "no respondent in this cell (merge it with [weighting] collapse)", err);
        }
        free(count);
        if (st == TS_OK && isnan(r->first_total))
            r->first_total = total;
        else if (st == TS_OK && fabs(total - r->first_total) > 1e-9 * r->first_total)
            st = ts_err_set(err, TS_E_DATA, "%s: margin %s totals %.17g but margin %s totals %.17g: they must agree",
                            m->t->file, m->name, total, r->m[0].name, r->first_total);
    }
    return st;
}

/* R's calibration examples often start from weights scaled to the population size; the
 * bounds of bounded calibration are relative to that start. */
static void scale_to_population(wctx *c, const calrun *r)
{
    if (!get(c, "weighting", "base_scale", NULL) || isnan(r->first_total))
        return;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++)
        if (r->part[i])
            sum += c->w[i];
    for (size_t i = 0; i < c->n; i++)
        if (r->part[i])
            c->w[i] *= r->first_total / sum;
    ts_strbuf_printf(&c->method, "; design weights scaled to the population %.17g", r->first_total);
}

/* Compact the rows that take part into plain arrays for calib.c; keep every row's weight
 * before calibration for the report and for stratum_mean. */
static ts_status compact(const wctx *c, calrun *r, ts_err *err)
{
    for (size_t i = 0; i < c->n; i++)
        r->np += r->part[i];
    r->wp = malloc((r->np ? r->np : 1) * sizeof *r->wp);
    r->cellp = calloc(r->nm, sizeof *r->cellp);
    r->before = malloc(c->n * sizeof *r->before);
    if (!r->wp || !r->cellp || !r->before)
        return nomem(err);
    memcpy(r->before, c->w, c->n * sizeof *r->before);
    for (size_t k = 0; k < r->nm; k++)
        if (!(r->cellp[k] = malloc((r->np ? r->np : 1) * sizeof **r->cellp)))
            return nomem(err);
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (r->part[i]) {
            r->wp[j] = c->w[i];
            for (size_t k = 0; k < r->nm; k++)
                r->cellp[k][j] = r->m[k].cell[i];
            j++;
        }
    return TS_OK;
}

/* [weighting] tolerance and max_iter, whose defaults are R's: rake's epsilon 1e-10 (relative
 * to the total) and maxit 1000, calibrate's epsilon 1e-12 and maxit 100. */
static ts_status read_control(const wctx *c, calrun *r, ts_err *err)
{
    int rake = r->method == CAL_RAKE;
    double maxit;
    ts_status st = get_number(c, "weighting", "tolerance", rake ? 1e-10 : 1e-12, &r->eps, err);
    if (st == TS_OK)
        st = get_number(c, "weighting", "max_iter", rake ? 1000 : 100, &maxit, err);
    if (st != TS_OK)
        return st;
    /* (int) of a double outside int's range is undefined: refuse it before the cast. */
    if (!(maxit >= 1 && maxit <= 1000000 && maxit == floor(maxit)))
        return bad_setting(c, "weighting", "max_iter", "a whole number 1..1000000", err);
    r->maxit = (int)maxit;
    return TS_OK;
}

/* calib_poststratify's and calib_rake's return code as a status. */
static ts_status cells_status(const calrun *r, int rc, size_t bad_margin, size_t bad_cell, ts_err *err)
{
    if (rc == -1)
        return margin_error(&r->m[bad_margin], bad_cell, "no respondent in this cell", err);
    if (rc == -2)
        return nomem(err);
    return TS_OK;
}

static ts_status cal_poststratify(wctx *c, calrun *r, ts_err *err)
{
    calib_margin cm = {r->cellp[0], r->m[0].t->ncells, r->m[0].t->total};
    size_t bad_cell = 0;
    int rc = calib_poststratify(r->wp, r->np, &cm, &bad_cell);
    ts_strbuf_printf(&c->method, "; post-stratified to %s", r->m[0].name);
    return cells_status(r, rc, 0, bad_cell, err);
}

/* The joint table of all margin variables, for R's convergence test: each compacted row's
 * cell of it into *OUT (the caller frees it), numbered densely, *NUSED of them. */
static ts_status joint_cells(const calrun *r, size_t **out, size_t *nused, ts_err *err)
{
    size_t *jn = malloc((r->np ? r->np : 1) * sizeof *jn), nj = 1;
    *out = jn;
    if (!jn)
        return nomem(err);
    for (size_t j = 0; j < r->np; j++) {
        size_t idx = 0, stride = 1;
        for (size_t k = 0; k < r->nm; k++) {
            idx += r->cellp[k][j] * stride;
            stride *= r->m[k].t->ncells;
        }
        jn[j] = idx;
        nj = stride;
    }
    size_t *dense = nj <= 50000000 ? malloc(nj * sizeof *dense) : NULL;
    if (!dense)
        return ts_err_set(err, TS_E_DATA, "too many joint cells across the margins");
    for (size_t q = 0; q < nj; q++)
        dense[q] = CALIB_NO_CELL;
    size_t used = 0;
    for (size_t j = 0; j < r->np; j++) {
        if (dense[jn[j]] == CALIB_NO_CELL)
            dense[jn[j]] = used++;
        jn[j] = dense[jn[j]];
    }
    free(dense);
    *nused = used;
    return TS_OK;
}

static ts_status cal_rake(wctx *c, calrun *r, ts_err *err)
{
    calib_margin *cm = malloc(r->nm * sizeof *cm);
    if (!cm)
        return nomem(err);
    for (size_t k = 0; k < r->nm; k++)
        cm[k] = (calib_margin){r->cellp[k], r->m[k].t->ncells, r->m[k].t->total};
    size_t *joint = NULL, used = 0;
    ts_status st = joint_cells(r, &joint, &used, err);
    if (st != TS_OK) {
        free(joint);
        free(cm);
        return st;
    }
    rake_control ctl = {r->eps, r->maxit, 0, 0, 0};
    size_t bad_margin = 0, bad_cell = 0;
    int rc = calib_rake(r->wp, r->np, cm, r->nm, joint, used, &ctl, &bad_margin, &bad_cell);
    free(joint);
    free(cm);
    if (rc == 0 && !ctl.converged)
        st = ts_err_set(err, TS_E_DATA,
                        "raking did not converge in %d sweeps (last change of a joint cell %.3g): the margins may be nearly impossible to meet together (merge sparse cells with [weighting] collapse), or raise [weighting] max_iter",
                        ctl.iterations, ctl.last_change);
    ts_strbuf_printf(&c->text, "Raking: %d sweeps, converged (largest change of a joint cell in the last sweep: %.3g; tolerance %g × total)\n",
                     ctl.iterations + 1, ctl.last_change, r->eps);
    ts_strbuf_printf(&c->method, "; raked to");
    for (size_t k = 0; k < r->nm; k++)
        ts_strbuf_printf(&c->method, "%s %s", k ? "," : "", r->m[k].name);
    ts_strbuf_printf(&c->method, " (%d sweeps)", ctl.iterations + 1);
    return st == TS_OK ? cells_status(r, rc, bad_margin, bad_cell, err) : st;
}

/* [weighting] bounds = LOWER, UPPER on g, around 1 (inf allowed) into CTL; logit
 * calibration needs both finite. */
static ts_status read_bounds(const wctx *c, cal_method method, calib_control *ctl, ts_err *err)
{
    const char *bounds = get(c, "weighting", "bounds", NULL);
    if (bounds) {
        char *end;
        ctl->lower = strtod(bounds, &end);
        while (*end == ' ' || *end == ',')
            end++;
        char *end2;
        ctl->upper = strtod(end, &end2);
        if (end == bounds || end2 == end || *end2 || !(ctl->lower < 1 && ctl->upper > 1))
            return bad_setting(c, "weighting", "bounds", "LOWER, UPPER around 1 (e.g. 0.5, 2; inf allowed)", err);
    }
    if (method == CAL_LOGIT && !(isfinite(ctl->lower) && isfinite(ctl->upper)))
        return bad_setting(c, "weighting", "bounds", "finite LOWER, UPPER (logit calibration needs both)", err);
    return TS_OK;
}

/* GREG calibration (linear, raking, logit distance) to the totals of the model matrix. */
static ts_status cal_greg(wctx *c, calrun *r, ts_err *err)
{
    const char *method = CAL_METHOD_NAMES[r->method];
    int mm = model_matrix(c, r->m, r->nm, &r->x, &r->tot, &r->p, &r->colnames);
    if (mm == -2)
        return bad_setting(c, "weighting", "margins", "at least one table of counts (for the population size)", err);
    if (mm != 0)
        return nomem(err);
    double *xp = malloc((r->np && r->p ? r->np * r->p : 1) * sizeof *xp);
    if (!xp)
        return nomem(err);
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (r->part[i])
            memcpy(&xp[(j++) * r->p], &r->x[i * r->p], r->p * sizeof *xp);
    calib_control ctl = {r->method == CAL_LINEAR ? CALFUN_LINEAR : r->method == CAL_RAKING ? CALFUN_RAKING : CALFUN_LOGIT,
                         -INFINITY, INFINITY, r->eps, r->maxit, 0, 0, 1, 0};
    ts_status st = read_bounds(c, r->method, &ctl, err);
    if (st == TS_OK) {
        int rc = calib_calibrate(r->wp, r->np, xp, r->p, r->tot, &ctl, NULL);
        if (rc == -2)
            st = nomem(err);
        else if (rc == -1)
            st = ts_err_set(err, TS_E_DATA,
                            "calibration (%s) did not converge in %d iterations: worst relative misfit %.3g; widen [weighting] bounds or raise max_iter",
                            method, ctl.iterations, ctl.achieved);
    }
    free(xp);
    if (st != TS_OK)
        return st;
    ts_strbuf_printf(&c->text, "Calibration: %s distance, columns %s\n  %d iterations, worst relative misfit %.3g",
                     method, r->colnames.data, ctl.iterations, ctl.achieved);
    if (isfinite(ctl.lower) || isfinite(ctl.upper))
        ts_strbuf_printf(&c->text, "; bounds on g %g..%g%s", ctl.lower, ctl.upper,
                         ctl.scale != 1 ? " (applied, as R does, after scaling the weights by the mean population/sample ratio)" : "");
    ts_strbuf_append_char(&c->text, '\n');
    ts_strbuf_printf(&c->method, "; calibrated (%s) to", method);
    for (size_t k = 0; k < r->nm; k++)
        ts_strbuf_printf(&c->method, "%s %s", k ? "," : "", r->m[k].name);
    const char *bounds = get(c, "weighting", "bounds", NULL);
    if (bounds)
        ts_strbuf_printf(&c->method, ", bounds %s", bounds);
    return TS_OK;
}

/* The calibrated weights back into every row; rows left out for a missing margin variable
 * are dropped or get their stratum's mean adjustment. Then the calibration variables, for
 * the estimation stage. */
static void spread_back(wctx *c, const calrun *r)
{
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (r->part[i])
            c->w[i] = r->wp[j++];
    for (size_t i = 0; r->incomplete && i < c->n; i++)
        if (c->in[i] && !r->part[i]) {
            if (!r->stratum_mean) {
                c->in[i] = 0;
                c->w[i] = 0;
                continue;
            }
            /* mean adjustment g = final/before among complete rows of the same stratum */
            double sa = 0, sb = 0;
            for (size_t q = 0; q < c->n; q++)
                if (r->part[q] && (!c->strata || ts_var_int(c->strata, q) == ts_var_int(c->strata, i))) {
                    sa += c->w[q];
                    sb += r->before[q];
                }
            c->w[i] *= sb > 0 ? sa / sb : 1;
        }
    for (size_t k = 0; k < r->nm; k++)
        for (size_t v = 0; r->m[k].t && v < r->m[k].t->nvars; v++)
            ts_strbuf_printf(&c->calvars, "%s%s", v ? "*" : (c->calvars.len ? ";" : ""), r->m[k].t->vars[v]->name);
    for (size_t k = 0; k < r->nm; k++)
        if (!r->m[k].t)
            ts_strbuf_printf(&c->calvars, "%s%s", c->calvars.len ? ";" : "", r->m[k].numvar->name);
}

/* Free R's working arrays; its margins and weights before calibration go to the context,
 * for the report after trimming (weight_run frees them). */
static void calrun_done(wctx *c, calrun *r)
{
    for (size_t k = 0; r->cellp && k < r->nm; k++)
        free(r->cellp[k]);
    free(r->cellp);
    free(r->wp);
    free(r->part);
    free(r->rules);
    free(r->x);
    free(r->tot);
    ts_strbuf_free(&r->colnames);
    c->margins = r->m;
    c->nmargins = r->nm;
    c->before = r->before;
}

static ts_status calibrate(wctx *c, ts_err *err)
{
    const char *name = get(c, "weighting", "method", "none");
    cal_method method;
    if (cal_method_parse(name, &method) != 0)
        return bad_setting(c, "weighting", "method", "none, poststratify, rake, linear, raking or logit", err);
    /* Bounds on g belong to the GREG distances; post-stratification and raking meet their
     * margins exactly and have no g to bound: accepting them there would be ignoring them. */
    if (!cal_is_greg(method) && get(c, "weighting", "bounds", NULL)) {
        ts_strbuf at = TS_STRBUF_INIT;
        where(c, "weighting", "bounds", &at);
        ts_err_set(err, TS_E_DATA, "%s: bounds apply to method = linear, raking or logit, not to method = %s "
                   "(bound the weights with trim_lower, trim_upper instead)", at.data ? at.data : "", name);
        ts_strbuf_free(&at);
        return TS_E_DATA;
    }
    if (method == CAL_NONE)
        return TS_OK;
    c->calkind = CAL_METHOD_NAMES[method];

    calrun r = {.method = method, .first_total = NAN, .colnames = TS_STRBUF_INIT};
    ts_status st = read_collapse_in(c, "weighting", count_overall, NULL, &r.rules, &r.nrules, err);
    if (st == TS_OK)
        st = read_margins(c, &r.m, &r.nm, r.rules, r.nrules, err);
    if (st == TS_OK)
        st = check_margin_kinds(c, &r, err);
    if (st == TS_OK)
        st = take_part(c, &r, err);
    if (st == TS_OK)
        st = build_cells(c, &r, err);
    if (st == TS_OK)
        st = check_cells(c, &r, err);
    if (st == TS_OK) {
        scale_to_population(c, &r);
        st = compact(c, &r, err);
    }
    if (st == TS_OK)
        st = read_control(c, &r, err);
    if (st == TS_OK)
        st = method == CAL_POSTSTRATIFY ? cal_poststratify(c, &r, err)
             : method == CAL_RAKE       ? cal_rake(c, &r, err)
                                        : cal_greg(c, &r, err);
    if (st == TS_OK)
        st = keep_calibration_columns(c, &r, err);
    if (st == TS_OK)
        spread_back(c, &r);
    calrun_done(c, &r);
    return st;
}

/* ---- trimming, diagnostics, output ------------------------------------------------------------ */

static ts_status trim(wctx *c, ts_err *err)
{
    const char *lo_s = get(c, "weighting", "trim_lower", NULL), *hi_s = get(c, "weighting", "trim_upper", NULL);
    if (!lo_s && !hi_s)
        return TS_OK;
    double lo, hi;
    ts_status st = get_number(c, "weighting", "trim_lower", -INFINITY, &lo, err);
    if (st == TS_OK)
        st = get_number(c, "weighting", "trim_upper", INFINITY, &hi, err);
    if (st != TS_OK)
        return st;
    const char *rel = get(c, "weighting", "trim_relative_to", "mean");
    int strict = strcasecmp(get(c, "weighting", "trim_strict", "yes"), "yes") == 0;
    size_t np = 0;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i]) {
            np++;
            sum += c->w[i];
        }
    if (strcmp(rel, "mean") == 0) {
        lo *= sum / (double)np;
        hi *= sum / (double)np;
    } else if (strcmp(rel, "absolute") != 0)
        return bad_setting(c, "weighting", "trim_relative_to", "mean or absolute", err);
    if (!(lo < hi))
        return bad_setting(c, "weighting", "trim_upper", "an upper bound above the lower", err);
    double *wp = malloc((np ? np : 1) * sizeof *wp);
    if (!wp)
        return nomem(err);
    if (c->calkind && *c->calkind) {
        if (!(c->calibrated = malloc((c->n ? c->n : 1) * sizeof *c->calibrated))) {
            free(wp);
            return nomem(err);
        }
        memcpy(c->calibrated, c->w, c->n * sizeof *c->w);
    }
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (c->in[i])
            wp[j++] = c->w[i];
    size_t at = 0, outside = 0;
    int rounds = calib_trim(wp, np, lo, hi, strict, &at);
    if (rounds < 0) {
        free(wp);
        ts_strbuf at_s = TS_STRBUF_INIT;
        where(c, "weighting", hi_s ? "trim_upper" : "trim_lower", &at_s);
        ts_err_set(err, TS_E_DATA, "%s: every weight is outside the trimming bounds %.6g..%.6g, so the trimmed "
                   "amount has no weight to be shared out among; widen the bounds", at_s.data ? at_s.data : "", lo, hi);
        ts_strbuf_free(&at_s);
        return TS_E_DATA;
    }
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (c->in[i]) {
            outside += wp[j] < lo || wp[j] > hi;
            c->w[i] = wp[j++];
        }
    free(wp);
    /* calib_trim counts the weights at or beyond a bound; after one pass (trim_strict = no)
     * some may still be beyond it, and the user must not read them as trimmed. */
    at -= outside;
    ts_strbuf_printf(&c->text, "Trimming to %.6g..%.6g (%s): %d round%s, %zu weight%s at a bound", lo, hi,
                     strcmp(rel, "mean") == 0 ? "relative to the mean weight" : "absolute", rounds,
                     rounds == 1 ? "" : "s", at, at == 1 ? "" : "s");
    if (outside)
        ts_strbuf_printf(&c->text, ", %zu still outside (trim_strict = no: one pass)", outside);
    ts_strbuf_append_str(&c->text, "; the trimmed amount is shared out equally (as R's trimWeights)\n");
    ts_strbuf_printf(&c->method, "; trimmed to %.6g..%.6g (%zu at a bound", lo, hi, at);
    if (outside)
        ts_strbuf_printf(&c->method, ", %zu still outside", outside);
    ts_strbuf_append_char(&c->method, ')');
    return TS_OK;
}

typedef struct wstats {
    double n, sum, sum2, min, max;
} wstats;

static void stats_add(wstats *s, double w)
{
    if (s->n == 0 || w < s->min)
        s->min = w;
    if (s->n == 0 || w > s->max)
        s->max = w;
    s->n++;
    s->sum += w;
    s->sum2 += w * w;
}

/* Kish: deff due to weighting = 1 + CV^2 = n Σw² / (Σw)²; effective n = (Σw)² / Σw². */
static void stats_print(wctx *c, const char *group, const wstats *s)
{
    if (s->n == 0)
        return;
    double mean = s->sum / s->n, var = s->sum2 / s->n - mean * mean;
    double cv = mean > 0 ? sqrt(var > 0 ? var : 0) / mean : 0;
    double deff = s->n * s->sum2 / (s->sum * s->sum);
    ts_strbuf_printf(&c->text, "  %-16s %7.0f %14.1f %10.4g %10.4g %8.2f %6.3f %6.3f %9.1f\n", group, s->n, s->sum,
                     s->min, s->max, s->min > 0 ? s->max / s->min : INFINITY, cv, deff, s->sum * s->sum / s->sum2);
    const char *names[] = {"n", "sum", "min", "max", "max_min_ratio", "cv", "deff_kish", "n_effective"};
    double vals[] = {s->n, s->sum, s->min, s->max, s->min > 0 ? s->max / s->min : INFINITY, cv, deff, s->sum * s->sum / s->sum2};
    for (int k = 0; k < 8; k++)
        csv_row(c, "weights", group, names[k], NAN, NAN, NAN, NAN, vals[k]);
}

/* Each margin's cells: respondents, population, weighted before calibration and final. */
static void margin_report(wctx *c)
{
    if (!c->before)
        return;
    for (size_t k = 0; k < c->nmargins; k++) {
        if (!c->margins[k].t)
            continue;
        margin_table *t = c->margins[k].t;
        ts_strbuf_printf(&c->text, "\nMargin %s (%s)\n  %-28s %8s %14s %14s %14s %10s\n", c->margins[k].name, t->file, "cell",
                         "n", "population", "before", "weighted", "rel.error");
        for (size_t cc = 0; cc < t->ncells; cc++) {
            double n = 0, b = 0, a = 0;
            for (size_t i = 0; i < c->n; i++)
                if (c->margins[k].cell[i] == cc) {
                    n++;
                    b += c->before[i];
                    a += c->w[i];
                }
            if (t->total[cc] == 0 && n == 0)
                continue; /* merged away by a collapse rule */
            char *name = margin_cell_name(t, cc);
            double rel = t->total[cc] > 0 ? (a - t->total[cc]) / t->total[cc] : 0;
            ts_strbuf_printf(&c->text, "  %-28s %8.0f %14.1f %14.1f %14.1f %10.2e\n", name ? name : "", n, t->total[cc], b,
                             a, rel);
            csv_row(c, "margin", c->margins[k].name, name ? name : "", n, t->total[cc], b, a, rel);
            free(name);
        }
    }
}

static void diagnostics(wctx *c)
{
    margin_report(c);
    ts_strbuf_append_str(&c->text, "\nWeights (respondents with weight > 0)\n  group                  n            sum        min        max  max/min     cv   deff     n_eff\n");
    wstats all = {0};
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i])
            stats_add(&all, c->w[i]);
    stats_print(c, "all", &all);
    if (c->strata)
        for (size_t k = 0; k < c->strata->ncodes; k++) {
            wstats s = {0};
            for (size_t i = 0; i < c->n; i++)
                if (c->in[i] && ts_var_int(c->strata, i) == c->strata->codes[k].code)
                    stats_add(&s, c->w[i]);
            stats_print(c, c->strata->codes[k].label, &s);
        }
    ts_strbuf_append_str(&c->text, "  deff = Kish's design effect due to unequal weights, 1 + CV²; n_eff = (Σw)²/Σw²\n");
}

static ts_status add_column(wctx *c, const char *name, const char *label, const char *label_en, const double *v)
{
    ts_var *var = ts_dataset_find(c->ds, name);
    if (var && var->type != TS_VAR_NUMERIC)
        return TS_E_DATA;
    if (!var) {
        var = ts_var_new(name, TS_VAR_NUMERIC);
        if (!var || ts_dataset_add_var(c->ds, var) != 0) {
            ts_var_free(var);
            return TS_E_NOMEM;
        }
    }
    free(var->label);
    free(var->label_en);
    free(var->source);
    var->label = ts_strdup(label);
    var->label_en = ts_strdup(label_en);
    var->source = ts_strdup("tsunagari-weight");
    if (!var->label || !var->label_en || !var->source)
        return TS_E_NOMEM;
    for (size_t i = 0; i < c->n; i++)
        ts_var_set_num(var, i, v[i]);
    return TS_OK;
}

/* Write TEXT to a temporary file for PATH, to be committed once the dataset is in place:
 * a report must not appear for a run that then failed. NULL (ERR set) when PATH cannot be
 * created. */
static ts_atomicfile *start_text(const char *path, const char *text, size_t len, ts_err *err)
{
    ts_atomicfile *f = ts_atomicfile_open(path, err);
    if (f && len)
        fwrite(text, 1, len, ts_atomicfile_stream(f));
    return f;
}

/* Can PATH be created? Asked before any work, so that a missing folder costs nothing. */
static ts_status probe(const char *path, ts_err *err)
{
    if (!path || strcmp(path, "-") == 0)
        return TS_OK;
    ts_atomicfile *f = ts_atomicfile_open(path, err);
    if (!f)
        return err->status;
    ts_atomicfile_abort(f);
    return TS_OK;
}

static ts_status apply_overrides(wctx *c, ts_err *err)
{
    for (size_t k = 0; k < c->opt->nset; k++) {
        const char *s = c->opt->set[k], *eq = strchr(s, '='), *dot = eq ? memchr(s, '.', (size_t)(eq - s)) : NULL;
        /* The section is everything before the last dot before '=' (margin.age.file). */
        for (const char *p = dot; p && p < eq; p = memchr(p + 1, '.', (size_t)(eq - p - 1)))
            dot = p;
        if (!eq || !dot || dot == s || dot + 1 == eq)
            return ts_err_set(err, TS_E_USAGE, "--set %s: expected SECTION.KEY=VALUE, e.g. weighting.method=rake", s);
        char *section = ts_strndup(s, (size_t)(dot - s)), *key = ts_strndup(dot + 1, (size_t)(eq - dot - 1));
        int rc = !section || !key || ts_manifest_set(c->m, section, key, eq + 1) != 0;
        free(section);
        free(key);
        if (rc)
            return nomem(err);
    }
    return TS_OK;
}

static ts_status record(wctx *c, ts_err *err)
{
    ts_strbuf calcols = TS_STRBUF_INIT;
    for (size_t j = 0; j < c->ncalcols; j++)
        ts_strbuf_printf(&calcols, "%s%s", j ? ";" : "", c->calnames[j]);
    char num[64];
    int rc = ts_dataset_set_meta(c->ds, "weight.tool", PROG " " TS_VERSION) ||
             ts_dataset_set_meta(c->ds, "weight.variable", "weight") ||
             ts_dataset_set_meta(c->ds, "weight.design_variable", "design_weight") ||
             ts_dataset_set_meta(c->ds, "weight.calibrated_variable", c->calibrated ? "calibrated_weight" : "") ||
             ts_dataset_set_meta(c->ds, "weight.method", c->method.data ? c->method.data : "") ||
             ts_dataset_set_meta(c->ds, "weight.calibration", c->calkind ? c->calkind : "none") ||
             ts_dataset_set_meta(c->ds, "weight.calibration_variables", c->calvars.data ? c->calvars.data : "") ||
             ts_dataset_set_meta(c->ds, "weight.calibration_columns", calcols.data ? calcols.data : "") ||
             ts_dataset_set_meta(c->ds, "design.type", c->type ? c->type : "srs") ||
             ts_dataset_set_meta(c->ds, "design.strata", c->strata ? c->strata->name : "") ||
             ts_dataset_set_meta(c->ds, "design.cluster", c->cluster ? c->cluster->name : "") ||
             ts_dataset_set_meta(c->ds, "design.fpc", c->fpc ? "fpc_population" : "");
    snprintf(num, sizeof num, "%lu", c->dropped);
    rc = rc || ts_dataset_set_meta(c->ds, "weight.dropped", num);
    if (c->opt->manifest) /* not the placeholder name of a run configured by --set alone */
        rc = rc || ts_dataset_set_meta(c->ds, "weight.manifest", ts_manifest_path(c->m));
    ts_strbuf_free(&calcols);
    return rc ? nomem(err) : TS_OK;
}

/* With missing = drop, a respondent missing any weighting variable is out from the start:
 * weight 0 in every step, so the nonresponse adjustment counts them as nonrespondents and
 * the others carry their share. */
static int drop_missing_in(wctx *c, const char *vars)
{
    char **names = NULL;
    long nv = ts_manifest_split_list(vars, &names);
    if (nv < 0)
        return -1;
    for (long v = 0; v < nv; v++) {
        ts_var *var = ts_dataset_find(c->ds, names[v]);
        for (size_t i = 0; var && i < c->n; i++)
            if (c->in[i] && ts_var_is_missing(var, i)) {
                c->in[i] = 0;
                c->dropped++;
            }
    }
    ts_manifest_free_list(names, (size_t)nv);
    return 0;
}

static ts_status drop_incomplete(wctx *c, ts_err *err)
{
    const char *classes = get(c, "nonresponse", "classes", NULL);
    cal_method method;
    int calibrating = cal_method_parse(get(c, "weighting", "method", "none"), &method) != 0 || method != CAL_NONE;
    if ((!calibrating && !classes) || strcmp(get(c, "weighting", "missing", "drop"), "drop") != 0)
        return TS_OK;
    if (classes && drop_missing_in(c, classes) != 0)
        return nomem(err);
    char **names = NULL;
    long nn = calibrating ? ts_manifest_split_list(get(c, "weighting", "margins", ""), &names) : 0;
    if (nn < 0)
        return nomem(err);
    for (long k = 0; k < nn; k++) {
        ts_strbuf sec = TS_STRBUF_INIT;
        ts_strbuf_printf(&sec, "margin.%s", names[k]);
        int rc = drop_missing_in(c, get(c, sec.data ? sec.data : "", "vars", ""));
        ts_strbuf_free(&sec);
        if (rc != 0) {
            ts_manifest_free_list(names, (size_t)nn);
            return nomem(err);
        }
    }
    ts_manifest_free_list(names, (size_t)nn);
    if (c->dropped)
        ts_strbuf_printf(&c->text, "%lu %s with a weighting variable missing: dropped (weight 0) before every step\n",
                         c->dropped, c->dropped == 1 ? "respondent" : "respondents");
    return TS_OK;
}

/* The keys of the sections this stage reads. docs/manifest.md: "an unknown section or key is
 * an error for the stage that reads it" — a misspelt `methd = rake` would otherwise leave the
 * weights uncalibrated without a word. Sections of other stages ([survey], [table.*], ...) are
 * theirs to check in a manifest, but --set can only mean this stage's. */
static const char *const DESIGN_KEYS[] = {"type", "cluster", "strata", "frame", "frame_population", "frame_sample",
                                          "fpc", "weight", NULL};
static const char *const NONRESPONSE_KEYS[] = {"classes", "frame", "sample", "collapse", "collapse_below", NULL};
static const char *const WEIGHTING_KEYS[] = {"method", "margins", "tolerance", "max_iter", "bounds", "base_scale",
                                             "trim_lower", "trim_upper", "trim_relative_to", "trim_strict",
                                             "collapse_below", "collapse", "missing", "illustrative_targets", NULL};
static const char *const MARGIN_KEYS[] = {"file", "vars", "count", "total", NULL};

static ts_status check_keys(const wctx *c, ts_err *err)
{
    for (size_t i = 0; i < ts_manifest_count(c->m); i++) {
        const char *section, *key;
        unsigned long line;
        ts_manifest_entry(c->m, i, &section, &key, &line);
        const char *const *known = strcmp(section, "design") == 0        ? DESIGN_KEYS
                                   : strcmp(section, "nonresponse") == 0 ? NONRESPONSE_KEYS
                                   : strcmp(section, "weighting") == 0   ? WEIGHTING_KEYS
                                   : strncmp(section, "margin.", 7) == 0 && section[7] ? MARGIN_KEYS
                                                                         : NULL;
        if (!known) {
            if (line)
                continue;
            return ts_err_set(err, TS_E_USAGE,
                              "--set %s.%s: tsunagari-weight reads no section [%s] (design, nonresponse, weighting, margin.NAME)",
                              section, key, section);
        }
        ts_status st = ts_manifest_check_key(c->m, section, key, line, known, err);
        if (st != TS_OK)
            return st;
    }
    return TS_OK;
}

static ts_status add_calibration_columns(wctx *c)
{
    for (size_t j = 0; j < c->ncalcols; j++)
        if (add_column(c, c->calnames[j], "較正用", "Calibration (for variance estimation)", c->calcols[j]) != TS_OK)
            return TS_E_DATA;
    return TS_OK;
}

ts_status weight_run(const weight_options *opt, FILE *summary, ts_err *err)
{
    wctx c = {0};
    c.opt = opt;
    ts_status st = TS_OK;
    ts_atomicfile *report = NULL, *report_csv = NULL; /* held until the dataset is written */
    c.m = opt->manifest ? ts_manifest_read(opt->manifest, err) : ts_manifest_new("command-line");
    if (!c.m)
        return opt->manifest ? err->status : nomem(err);
    if ((st = apply_overrides(&c, err)) != TS_OK || (st = check_keys(&c, err)) != TS_OK)
        goto out;
    if (!(c.ds = ts_dataset_read(opt->input, err))) {
        st = err->status;
        goto out;
    }
    /* Find out now whether the outputs can be written. */
    if ((st = probe(opt->output, err)) != TS_OK || (st = probe(opt->report, err)) != TS_OK ||
        (st = probe(opt->report_csv, err)) != TS_OK)
        goto out;
    c.n = c.ds->nrows;
    c.w = malloc((c.n ? c.n : 1) * sizeof *c.w);
    c.design = malloc((c.n ? c.n : 1) * sizeof *c.design);
    c.in = malloc(c.n ? c.n : 1);
    c.csv = open_memstream(&c.csvbuf, &c.csvlen);
    if (!c.w || !c.design || !c.in || !c.csv) {
        st = nomem(err);
        goto out;
    }
    memset(c.in, 1, c.n);
    fputs("kind,group,level,respondents,target,before,after,value\n", c.csv);
    ts_strbuf_printf(&c.text, "tsunagari-weight report: %s (%zu respondents)\n", opt->input, c.n);
    if ((st = drop_incomplete(&c, err)) != TS_OK || (st = design_weights(&c, err)) != TS_OK ||
        (st = nonresponse(&c, err)) != TS_OK)
        goto out;
    const char *scale = get(&c, "weighting", "base_scale", NULL);
    if (scale && strcmp(scale, "population") != 0) {
        st = bad_setting(&c, "weighting", "base_scale", "population (or nothing)", err);
        goto out;
    }
    if (c.dropped)
        ts_strbuf_printf(&c.method, "; %lu with a weighting variable missing dropped", c.dropped);
    memcpy(c.design, c.w, c.n * sizeof *c.w);
    if ((st = calibrate(&c, err)) != TS_OK || (st = trim(&c, err)) != TS_OK)
        goto out;
    for (size_t i = 0; i < c.n; i++)
        if (!c.in[i]) {
            c.w[i] = c.design[i] = 0;
            if (c.calibrated)
                c.calibrated[i] = 0;
        }
    diagnostics(&c);
    if ((st = record(&c, err)) != TS_OK)
        goto out;
    if (add_column(&c, "weight", "ウェイト", "Final weight", c.w) != TS_OK ||
        add_column(&c, "design_weight", "設計ウェイト", "Design weight (before calibration)", c.design) != TS_OK ||
        (c.fpc && add_column(&c, "fpc_population", "層の母集団数", "Stratum population (fpc)", c.fpc) != TS_OK) ||
        (c.calibrated && add_column(&c, "calibrated_weight", "較正ウェイト（トリミング前）",
                                    "Calibrated weight (before trimming)", c.calibrated) != TS_OK) ||
        add_calibration_columns(&c) != TS_OK) {
        st = ts_err_set(err, TS_E_DATA, "%s: cannot add the weight columns (a variable of that name is not numeric?)",
                        opt->input);
        goto out;
    }
    fflush(c.csv);
    if (opt->report && !(report = start_text(opt->report, c.text.data, c.text.len, err))) {
        st = err->status;
        goto out;
    }
    if (opt->report_csv && !(report_csv = start_text(opt->report_csv, c.csvbuf, c.csvlen, err))) {
        st = err->status;
        goto out;
    }
    if ((st = ts_dataset_write(c.ds, opt->output, err)) != TS_OK)
        goto out;
    st = report ? ts_atomicfile_commit(report, err) : TS_OK;
    report = NULL;
    if (st == TS_OK && report_csv)
        st = ts_atomicfile_commit(report_csv, err);
    report_csv = NULL;
    if (st != TS_OK)
        goto out;
    if (!opt->quiet) {
        wstats all = {0};
        for (size_t i = 0; i < c.n; i++)
            if (c.in[i])
                stats_add(&all, c.w[i]);
        fprintf(summary, "%s: %s: %s\n", PROG, opt->input, c.method.data ? c.method.data : "");
        fprintf(summary, "  %.0f respondents weighted (%lu dropped), weights sum to %.1f, min %.4g, max %.4g, Kish deff %.3f, effective n %.0f\n",
                all.n, c.dropped, all.sum, all.min, all.max, all.n * all.sum2 / (all.sum * all.sum), all.sum * all.sum / all.sum2);
        fprintf(summary, "  wrote %s%s%s%s%s\n", opt->output, opt->report ? " and " : "", opt->report ? opt->report : "",
                opt->report_csv ? " and " : "", opt->report_csv ? opt->report_csv : "");
    }
out:
    ts_atomicfile_abort(report);
    ts_atomicfile_abort(report_csv);
    if (c.csv)
        fclose(c.csv);
    free(c.csvbuf);
    free(c.w);
    free(c.design);
    free(c.in);
    free(c.fpc);
    free(c.calibrated);
    free(c.before);
    wmargins_free(c.margins, c.nmargins);
    for (size_t j = 0; j < c.ncalcols; j++) {
        free(c.calnames ? c.calnames[j] : NULL);
        free(c.calcols ? c.calcols[j] : NULL);
    }
    free(c.calnames);
    free(c.calcols);
    ts_strbuf_free(&c.text);
    ts_strbuf_free(&c.method);
    ts_strbuf_free(&c.calvars);
    ts_dataset_free(c.ds);
    ts_manifest_free(c.m);
    return st;
}
