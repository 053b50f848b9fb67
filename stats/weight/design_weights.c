/* design_weights.c — tsunagari-weight's base weights (docs/weighting.md, step 2): the sampling
 * design as [design] states it (lib/design.c decides and checks it), and the base weights —
 * N_h/n_h from a frame, a column of the dataset, or 1 — with the fpc's population sizes. */
#include "wctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calib.h"
#include "cells.h"
#include "margins.h"

/* A respondent taking part must have its stratum and its cluster: R's svydesign refuses
 * missing ids and strata, and merging the missing ones into one pseudo-unit would change
 * the variance and the degrees of freedom without a word. */
static ts_status check_design_ids(const wctx *c, ts_err *err)
{
    const char *keys[2 + TS_DESIGN_MAX_STAGES - 1] = {"strata", "cluster"};
    const ts_var *vars[2 + TS_DESIGN_MAX_STAGES - 1] = {c->strata, c->cluster};
    for (size_t s = 0; c->cluster && s < c->design.nsub; s++) {
        keys[2 + s] = "cluster";
        vars[2 + s] = ts_dataset_find(c->ds, c->design.subcluster[s]);
    }
    for (size_t k = 0; k < 2 + c->design.nsub; k++) {
        if (!vars[k])
            continue;
        for (size_t i = 0; i < c->n; i++) {
            if (!c->in[i] || !ts_var_is_missing(vars[k], i))
                continue;
            ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
            wctx_where(c, "design", keys[k], &at);
            wctx_row_name(c, i, &who);
            ts_err_set(err, TS_E_DATA, "%s: %s: %s %s is missing; every respondent needs one (drop the row, or "
                       "give it its own value)", at.data ? at.data : "", who.data ? who.data : "",
                       k == 0 ? "stratum" : k == 1 ? "cluster" : "sampling unit", vars[k]->name);
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
        return wctx_nomem(err);
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
        wctx_where(c, "design", "fpc", &at);
        wctx_row_name(c, r[j - 1].row, &w1);
        wctx_row_name(c, r[j].row, &w2);
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

/* The frame serves two independent purposes: base weights N_h/n_h (BASE: weight = base) and
 * the fpc's N_h (WANT_FPC: fpc = yes). Either may be wanted without the other; in particular
 * a weight column with fpc = yes is a stratified sample delivered with its weights and
 * stratum sizes, and the column must still be read (weight_column; issue #10, item 1). */
static ts_status from_frame(wctx *c, int base, int want_fpc, ts_err *err)
{
    const char *frame = c->design.frame;
    if (!c->strata || !frame)
        return wctx_bad_setting(c, "design", base ? "weight" : "fpc",
                                "a frame ([design] strata and frame) for base weights or fpc", err);
    char *path = ts_manifest_resolve(c->m, frame);
    char *names[1] = {c->strata->name};
    margin_table *pop = path ? margin_read(path, c->ds, names, 1, c->design.frame_population, err) : NULL;
    margin_table *smp = pop ? margin_read(path, c->ds, names, 1, c->design.frame_sample, err) : NULL;
    free(path);
    size_t *cell = malloc(c->n * sizeof *cell);
    ts_status st = TS_OK;
    if (!pop || !smp || !cell || cells_of(c, pop, cell, err) != 0) {
        st = err->status ? err->status : wctx_nomem(err);
        goto out;
    }
    if (want_fpc && !(c->fpc = malloc(c->n * sizeof *c->fpc))) {
        st = wctx_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (!c->in[i]) { /* dropped already: weight 0 */
            c->w[i] = 0;
            if (c->fpc)
                c->fpc[i] = NAN;
            continue;
        }
        if (cell[i] == TS_CALIB_NO_CELL) {
            ts_strbuf who = TS_STRBUF_INIT;
            wctx_row_name(c, i, &who);
            st = ts_err_set(err, TS_E_DATA, "%s: stratum %s is missing", who.data ? who.data : "", c->strata->name);
            ts_strbuf_free(&who);
            goto out;
        }
        double nh = pop->total[cell[i]], sh = smp->total[cell[i]];
        if (base) {
            if (!(sh > 0)) {
                char *name = margin_cell_name(smp, cell[i]);
                st = ts_err_set(err, TS_E_DATA, "%s:%lu: %s: sample size is 0 but it has respondents", smp->file,
                                smp->line[cell[i]], name ? name : "");
                free(name);
                goto out;
            }
            c->w[i] = nh / sh; /* N_h / n_h */
        }
        if (c->fpc)
            c->fpc[i] = nh;
    }
    if (base)
        ts_strbuf_append_str(&c->method, ", base weights N_h/n_h");
    if (want_fpc)
        ts_strbuf_append_str(&c->method, ", fpc");
out:
    free(cell);
    margin_free(pop);
    margin_free(smp);
    return st;
}

/* weight = VAR: the base weights are a column of the dataset; 0 leaves a row out. */
static ts_status weight_column(wctx *c, const char *wspec, ts_err *err)
{
    ts_var *wv = ts_dataset_find(c->ds, wspec);
    if (!wv || !(wv->type == TS_VAR_NUMERIC || wv->type == TS_VAR_INTEGER))
        return wctx_bad_setting(c, "design", "weight", "base, empty, or a numeric variable of the dataset", err);
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
            wctx_row_name(c, i, &who);
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
    return TS_OK;
}

/* fpc = VAR: the stratum population size N_h is a column of the dataset (R: fpc = ~VAR). */
static ts_status fpc_column(wctx *c, const ts_var *fpc_var, ts_err *err)
{
    if (!(c->fpc = malloc((c->n ? c->n : 1) * sizeof *c->fpc)))
        return wctx_nomem(err);
    for (size_t i = 0; i < c->n; i++) {
        double x = ts_var_num(fpc_var, i);
        if (c->in[i] && !(x > 0)) {
            ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
            wctx_where(c, "design", "fpc", &at);
            wctx_row_name(c, i, &who);
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
    ts_status st = check_fpc_constant(c, fpc_var, err);
    if (st == TS_OK)
        ts_strbuf_printf(&c->method, ", fpc from %s", fpc_var->name);
    return st;
}

ts_status design_weights(wctx *c, ts_err *err)
{
    /* The design's facts and their contradictions are lib/design.c's to decide. */
    ts_status st = ts_design_from_manifest(c->m, c->ds, &c->design, err);
    if (st != TS_OK)
        return st;
    c->strata = c->design.strata ? ts_dataset_find(c->ds, c->design.strata) : NULL;
    c->cluster = c->design.cluster ? ts_dataset_find(c->ds, c->design.cluster) : NULL;
    const char *wspec = c->design.base_weight ? c->design.base_weight : "";
    int want_fpc = c->design.fpc_from_frame;
    /* fpc = VAR (checked to be a numeric variable by ts_design_from_manifest) */
    const ts_var *fpc_var = c->design.fpc ? ts_dataset_find(c->ds, c->design.fpc) : NULL;
    if ((st = check_design_ids(c, err)) != TS_OK || (st = nest_check(c, err)) != TS_OK)
        return st;
    for (size_t i = 0; i < c->n; i++)
        c->w[i] = 1;
    ts_strbuf_printf(&c->method, "design %s", ts_design_type_name(c->design.type));
    int base_from_frame = strcmp(wspec, "base") == 0;
    if ((base_from_frame || want_fpc) && (st = from_frame(c, base_from_frame, want_fpc, err)) != TS_OK)
        return st;
    if (*wspec && !base_from_frame && (st = weight_column(c, wspec, err)) != TS_OK)
        return st;
    if (fpc_var && (st = fpc_column(c, fpc_var, err)) != TS_OK)
        return st;
    if ((st = later_stages(c, base_from_frame, want_fpc, err)) != TS_OK)
        return st;
    /* fpc = 757 (or N1, 40): a number, the same population size on every row */
    for (int s = 0; s < 2; s++) {
        double x = c->design.fpc_value[s];
        double **col = s == 0 ? &c->fpc : &c->subfpc;
        if (!(x > 0))
            continue;
        if (!*col && !(*col = malloc((c->n ? c->n : 1) * sizeof **col)))
            return wctx_nomem(err);
        for (size_t i = 0; i < c->n; i++)
            (*col)[i] = c->in[i] ? x : NAN;
        ts_strbuf_printf(&c->method, ", fpc %s %.15g", s == 0 ? "N" : "N2", x);
    }
    return later_stages_check(c, err);
}
