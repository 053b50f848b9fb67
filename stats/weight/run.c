/* run.c — the weighting stage's run (docs/weighting.md): settings from the manifest and
 * --set, checked; then its steps in order — design weights (design_weights.c), nonresponse
 * adjustment (nonresponse.c), calibration (calibrate.c, the numerical work in calib.c),
 * trimming (trim.c), diagnostics (diagnostics.c) — sharing one context (wctx.h); and what
 * was done recorded in the dataset, written with the report only when every step succeeded. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "dataset.h"
#include "manifest.h"
#include "schema.h"
#include "strbuf.h"
#include "wctx.h"
#include "weight.h"

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
            return wctx_nomem(err);
    }
    return TS_OK;
}

/* The design and the weights into the dataset through lib/weight.c: the columns and the one
 * record (lib/design.c) the estimation stage and the report read back. */
static ts_status record(wctx *c, ts_err *err)
{
    ts_design *d = &c->design;
    d->dropped = c->dropped;
    int rc = ts_design_set(&d->tool, PROG " " TS_VERSION) || ts_design_set(&d->method, c->method.data) ||
             ts_design_set(&d->calibration_variables, c->calvars.data) ||
             /* not the placeholder name of a run configured by --set alone */
             ts_design_set(&d->manifest, c->opt->manifest ? ts_manifest_path(c->m) : NULL);
    if (rc)
        return wctx_nomem(err);
    /* replicates made here, or supplied and then recalibrated or trimmed, are stored anew as
     * repw_1 ..; supplied ones used as they are stay the columns the manifest named */
    int store_reps = c->repw && (!d->replicates_supplied || c->rep_adjusted);
    ts_weights w = {c->w, c->design_w, c->calibrated, c->fpc, c->calnames, (const double *const *)c->calcols,
                    c->ncalcols, PROG, c->subfpc, store_reps ? c->repw : NULL, store_reps ? c->nrep : 0};
    ts_status st = ts_weight_store(c->ds, d, &w, err);
    if (st == TS_E_DATA)
        ts_err_prefix(err, "%s", c->opt->input);
    return st;
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
    const char *classes = wctx_get(c, "nonresponse", "classes", NULL);
    ts_calibration method;
    int calibrating = ts_calibration_parse(wctx_get(c, "weighting", "method", NULL), &method) != 0 || method != TS_CAL_NONE;
    if ((!calibrating && !classes) || strcmp(wctx_get(c, "weighting", "missing", NULL), "drop") != 0)
        return TS_OK;
    if (classes && drop_missing_in(c, classes) != 0)
        return wctx_nomem(err);
    char **names = NULL;
    long nn = calibrating ? ts_manifest_split_list(wctx_get(c, "weighting", "margins", ""), &names) : 0;
    if (nn < 0)
        return wctx_nomem(err);
    for (long k = 0; k < nn; k++) {
        ts_strbuf sec = TS_STRBUF_INIT;
        ts_strbuf_printf(&sec, "margin.%s", names[k]);
        int rc = drop_missing_in(c, wctx_get(c, sec.data ? sec.data : "", "vars", ""));
        ts_strbuf_free(&sec);
        if (rc != 0) {
            ts_manifest_free_list(names, (size_t)nn);
            return wctx_nomem(err);
        }
    }
    ts_manifest_free_list(names, (size_t)nn);
    if (c->dropped)
        ts_strbuf_printf(&c->text, "%lu %s with a weighting variable missing: dropped (weight 0) before every step\n",
                         c->dropped, c->dropped == 1 ? "respondent" : "respondents");
    return TS_OK;
}

/* The keys of the sections this stage reads (lib/schema.c). docs/manifest.md: "an unknown
 * section or key is an error for the stage that reads it" — a misspelt `methd = rake` would
 * otherwise leave the weights uncalibrated without a word. Sections of other stages ([survey],
 * [table.*], ...) are theirs to check in a manifest, but --set can only mean this stage's. */
static ts_status check_keys(const wctx *c, ts_err *err)
{
    ts_status st = ts_schema_check(c->m, TS_STAGE_WEIGHT, err);
    if (st != TS_OK)
        return st;
    for (size_t i = 0; i < ts_manifest_count(c->m); i++) {
        const char *section, *key;
        unsigned long line;
        ts_manifest_entry(c->m, i, &section, &key, &line);
        if (!line && !ts_schema_reads(section, TS_STAGE_WEIGHT))
            return ts_err_set(err, TS_E_USAGE,
                              "--set %s.%s: tsunagari-weight reads no section [%s] (design, nonresponse, weighting, margin.NAME)",
                              section, key, section);
    }
    return TS_OK;
}

ts_status weight_run(const weight_options *opt, FILE *summary, ts_err *err)
{
    wctx c = {0};
    ts_design_init(&c.design);
    c.opt = opt;
    ts_status st = TS_OK;
    ts_atomicfile *report = NULL, *report_csv = NULL; /* held until the dataset is written */
    c.m = opt->manifest ? ts_manifest_read(opt->manifest, err) : ts_manifest_new("command-line");
    if (!c.m)
        return opt->manifest ? err->status : wctx_nomem(err);
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
    c.design_w = malloc((c.n ? c.n : 1) * sizeof *c.design_w);
    c.in = malloc(c.n ? c.n : 1);
    c.csv = open_memstream(&c.csvbuf, &c.csvlen);
    if (!c.w || !c.design_w || !c.in || !c.csv) {
        st = wctx_nomem(err);
        goto out;
    }
    memset(c.in, 1, c.n);
    fputs("kind,group,level,respondents,target,before,after,value\n", c.csv);
    ts_strbuf_printf(&c.text, "tsunagari-weight report: %s (%zu respondents)\n", opt->input, c.n);
    if ((st = drop_incomplete(&c, err)) != TS_OK || (st = design_weights(&c, err)) != TS_OK ||
        (st = nonresponse_adjust(&c, err)) != TS_OK)
        goto out;
    const char *scale = wctx_get(&c, "weighting", "base_scale", NULL);
    if (scale && strcmp(scale, "population") != 0) {
        st = wctx_bad_setting(&c, "weighting", "base_scale", "population (or nothing)", err);
        goto out;
    }
    if (c.dropped)
        ts_strbuf_printf(&c.method, "; %lu with a weighting variable missing dropped", c.dropped);
    memcpy(c.design_w, c.w, c.n * sizeof *c.w);
    /* replicate weights start from the design weights, then go through the same steps */
    if ((st = replicates_make(&c, err)) != TS_OK || (st = calibrate(&c, err)) != TS_OK ||
        (st = trim_weights(&c, err)) != TS_OK)
        goto out;
    for (size_t i = 0; i < c.n; i++)
        if (!c.in[i]) {
            c.w[i] = c.design_w[i] = 0;
            if (c.calibrated)
                c.calibrated[i] = 0;
            for (size_t q = 0; q < c.nrep; q++)
                c.repw[q * c.n + i] = 0;
        }
    diagnostics_report(&c);
    if ((st = record(&c, err)) != TS_OK)
        goto out;
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
    if (!opt->quiet)
        diagnostics_summary(&c, summary);
out:
    ts_atomicfile_abort(report);
    ts_atomicfile_abort(report_csv);
    if (c.csv)
        fclose(c.csv);
    free(c.csvbuf);
    free(c.w);
    free(c.design_w);
    free(c.in);
    free(c.fpc);
    free(c.subfpc);
    free(c.calibrated);
    free(c.repw);
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
    ts_design_clear(&c.design);
    ts_dataset_free(c.ds);
    ts_manifest_free(c.m);
    return st;
}
