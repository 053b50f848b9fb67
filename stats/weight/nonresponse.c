/* nonresponse.c — tsunagari-weight's nonresponse adjustment (docs/weighting.md, step 3): the
 * design weights adjusted within weighting classes by the inverse of the base-weighted
 * response rate, with [nonresponse] collapse merging classes too small in this sample. */
#include "wctx.h"

#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "cells.h"
#include "margins.h"

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

/* Within each class, respondents' weights are multiplied by (drawn in the class × their mean
 * base weight) / (sum of their base weights): the base-weighted response rate's inverse.
 * With classes nested in strata, as they should be, the mean base weight is N_h/n_h. */
ts_status nonresponse_adjust(wctx *c, ts_err *err)
{
    const char *classes = wctx_get(c, "nonresponse", "classes", NULL);
    if (!classes)
        return TS_OK;
    const char *frame = wctx_get(c, "nonresponse", "frame", NULL);
    if (!frame)
        return wctx_bad_setting(c, "nonresponse", "frame", "the frame file with the sample drawn per class", err);
    char **names = NULL;
    long nn = ts_manifest_split_list(classes, &names);
    if (nn <= 0) {
        ts_manifest_free_list(names, nn > 0 ? (size_t)nn : 0);
        return nn < 0 ? wctx_nomem(err) : wctx_bad_setting(c, "nonresponse", "classes", "variable names", err);
    }
    if (wctx_check_coded_vars(c, "nonresponse", "classes", names, (size_t)nn, err) != TS_OK) {
        ts_manifest_free_list(names, (size_t)nn);
        return TS_E_DATA;
    }
    char *path = ts_manifest_resolve(c->m, frame);
    margin_table *t = path ? margin_read(path, c->ds, names, (size_t)nn, wctx_get(c, "nonresponse", "sample", NULL), err) : NULL;
    free(path);
    ts_manifest_free_list(names, (size_t)nn);
    size_t *cell = malloc(c->n * sizeof *cell);
    double *sum = t ? calloc(t->ncells, sizeof *sum) : NULL, *count = t ? calloc(t->ncells, sizeof *count) : NULL;
    ts_status st = TS_OK;
    collapse_rule *rules = NULL;
    size_t nrules = 0;
    cellmap *cm = NULL;
    if (!t || !cell || !sum || !count) {
        st = t ? wctx_nomem(err) : err->status;
        goto out;
    }
    if (cells_of(c, t, cell, err) != 0) {
        st = err->status;
        goto out;
    }
    unsigned long unclassed = 0;
    for (size_t i = 0; i < c->n; i++)
        if (cell[i] != TS_CALIB_NO_CELL) {
            sum[cell[i]] += c->w[i];
            count[cell[i]] += 1;
        } else if (c->in[i])
            unclassed++;
    /* Classes too small in this sample are merged as [nonresponse] collapse says. */
    struct class_counts cc = {t, count};
    if (!unclassed && (st = collapse_read(c, "nonresponse", count_smallest_class, &cc, &rules, &nrules, err)) != TS_OK)
        goto out;
    /* a variable that is no class would merge nothing, yet the report would say it did */
    for (size_t q = 0; q < nrules; q++) {
        size_t v = 0;
        while (v < t->nvars && t->vars[v] != rules[q].var)
            v++;
        if (v == t->nvars) {
            st = wctx_bad_setting(c, "nonresponse", "collapse", "a variable of [nonresponse] classes", err);
            goto out;
        }
    }
    if (nrules) {
        if (!(cm = cellmap_new(t, rules, nrules, err)) || cellmap_rows(c, cm, t, cell, err) != 0) {
            st = err->status;
            goto out;
        }
        memset(sum, 0, t->ncells * sizeof *sum);
        memset(count, 0, t->ncells * sizeof *count);
        for (size_t i = 0; i < c->n; i++)
            if (cell[i] != TS_CALIB_NO_CELL) {
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
        diagnostics_csv_row(c, "nonresponse", classes, name ? name : "", count[k], t->total[k], sum[k], t->total[k] * (sum[k] / count[k]), factor);
        free(name);
        sum[k] = factor; /* reuse: the factor of class k */
    }
    for (size_t i = 0; i < c->n; i++) {
        if (cell[i] != TS_CALIB_NO_CELL)
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
