/* weight.c — see weight.h. Raking follows R survey 4.1's rake() through ts_calib_rake. */
#include "weight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "strbuf.h"

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* Column NAME of DS holding V (one per row), made numeric if absent. -1: DS has a NAME that
 * is not numeric; -2: out of memory. */
static int put_column(ts_dataset *ds, const char *name, const char *label, const char *label_en, const char *source,
                      const double *v)
{
    ts_var *var = ts_dataset_find(ds, name);
    if (var && var->type != TS_VAR_NUMERIC)
        return -1;
    if (!var) {
        var = ts_var_new(name, TS_VAR_NUMERIC);
        if (!var || ts_dataset_add_var(ds, var) != 0) {
            ts_var_free(var);
            return -2;
        }
    }
    free(var->label);
    free(var->label_en);
    free(var->source);
    var->label = ts_strdup(label);
    var->label_en = ts_strdup(label_en);
    var->source = ts_strdup(source);
    if (!var->label || !var->label_en || !var->source)
        return -2;
    for (size_t i = 0; i < ds->nrows; i++)
        ts_var_set_num(var, i, v[i]);
    return 0;
}

ts_status ts_weight_store(ts_dataset *ds, ts_design *design, const ts_weights *w, ts_err *err)
{
    const char *src = w->source ? w->source : "libtsunagari";
    int rc = ts_design_set(&design->weight, "weight") || ts_design_set(&design->design_weight, "design_weight") ||
             ts_design_set(&design->calibrated_weight, w->calibrated ? "calibrated_weight" : NULL) ||
             ts_design_set(&design->fpc, w->fpc ? "fpc_population" : NULL) ||
             (w->subfpc && ts_design_set(&design->subfpc[0], "fpc_population_2"));
    for (size_t k = 0; k < design->ncalibration_columns; k++)
        free(design->calibration_columns[k]);
    design->ncalibration_columns = 0;
    for (size_t j = 0; !rc && j < w->ncalibration; j++)
        rc = ts_design_add_calibration_column(design, w->calibration_names[j]);
    if (!rc && w->replicates) {
        /* the replicates as combined weights repw_1 .. repw_R */
        for (size_t k = 0; k < design->nreplicate_columns; k++)
            free(design->replicate_columns[k]);
        design->nreplicate_columns = 0;
        design->combined_weights = 1;
        for (size_t r = 0; !rc && r < w->nreplicates; r++) {
            char name[32];
            snprintf(name, sizeof name, "repw_%zu", r + 1);
            rc = ts_design_add_replicate_column(design, name);
        }
    }
    if (rc)
        return nomem(err);
    ts_status st = ts_design_write(ds, design, err);
    if (st != TS_OK)
        return st;
    rc = put_column(ds, "weight", "ウェイト", "Final weight", src, w->weight);
    if (!rc)
        rc = put_column(ds, "design_weight", "設計ウェイト", "Design weight (before calibration)", src,
                        w->design_weight ? w->design_weight : w->weight);
    if (!rc && w->fpc)
        rc = put_column(ds, "fpc_population", "層の母集団数", "Stratum population (fpc)", src, w->fpc);
    if (!rc && w->subfpc)
        rc = put_column(ds, "fpc_population_2", "第二段の母集団数", "Second-stage population (fpc)", src, w->subfpc);
    if (!rc && w->calibrated)
        rc = put_column(ds, "calibrated_weight", "較正ウェイト（トリミング前）", "Calibrated weight (before trimming)", src,
                        w->calibrated);
    for (size_t j = 0; !rc && j < w->ncalibration; j++)
        rc = put_column(ds, w->calibration_names[j], "較正用", "Calibration (for variance estimation)", src,
                        w->calibration_columns[j]);
    for (size_t r = 0; !rc && w->replicates && r < w->nreplicates; r++) {
        char label[64], label_en[64];
        snprintf(label, sizeof label, "反復ウェイト %zu", r + 1);
        snprintf(label_en, sizeof label_en, "Replicate weight %zu", r + 1);
        rc = put_column(ds, design->replicate_columns[r], label, label_en, src, w->replicates + r * ds->nrows);
    }
    if (rc == -2)
        return nomem(err);
    if (rc)
        return ts_err_set(err, TS_E_DATA, "cannot add the weight columns (a variable of that name is not numeric?)");
    return TS_OK;
}

/* ---- raking in memory ------------------------------------------------------------------- */

typedef struct rake_state {
    size_t n, np;             /* rows; rows taking part */
    double *w;                /* every row's weight */
    double *d;                /* every row's weight before raking */
    unsigned char *part;      /* 1: takes part */
    size_t **cell;            /* per margin: every row's cell (TS_CALIB_NO_CELL: none) */
    double **calcol;          /* per margin: the cell as a column, NaN when not taking part */
    char **calname;
    double *wp;               /* the weights of the rows taking part, compacted */
    size_t **cellp;
    ts_calib_margin *cm;
    size_t *joint;
} rake_state;

static void state_free(rake_state *s, size_t nm)
{
    for (size_t k = 0; k < nm; k++) {
        free(s->cell ? s->cell[k] : NULL);
        free(s->calcol ? s->calcol[k] : NULL);
        free(s->calname ? s->calname[k] : NULL);
        free(s->cellp ? s->cellp[k] : NULL);
    }
    free(s->cell);
    free(s->calcol);
    free(s->calname);
    free(s->cellp);
    free(s->w);
    free(s->d);
    free(s->part);
    free(s->wp);
    free(s->cm);
    free(s->joint);
}

/* The starting weights: the design weight column, else the weight column, else 1; a row
 * with a missing or zero weight is not in the design. */
static void start_weights(const ts_dataset *ds, const ts_design *design, rake_state *s)
{
    const char *name = design->design_weight ? design->design_weight : design->weight;
    const ts_var *wv = name ? ts_dataset_find(ds, name) : NULL;
    for (size_t i = 0; i < s->n; i++) {
        double x = wv ? ts_var_num(wv, i) : 1;
        s->w[i] = isnan(x) ? 0 : x;
        s->part[i] = s->w[i] > 0;
    }
}

/* Each row's cell of margin K: the index of its category in the margin's codes. */
static ts_status margin_cells(const ts_dataset *ds, const ts_weight_margin *m, rake_state *s, size_t k,
                              ts_design *design, ts_err *err)
{
    const ts_var *v = ts_dataset_find(ds, m->variable);
    if (!v || v->type != TS_VAR_SINGLE)
        return ts_err_set(err, TS_E_DATA, "margin %s: %s", m->variable,
                          v ? "is not a single-choice (coded) variable" : "is not a variable of the dataset");
    for (size_t i = 0; i < s->n; i++) {
        s->cell[k][i] = TS_CALIB_NO_CELL;
        if (!s->part[i])
            continue;
        if (ts_var_is_missing(v, i)) { /* missing = drop */
            s->part[i] = 0;
            design->dropped++;
            continue;
        }
        int64_t code = ts_var_int(v, i);
        for (size_t c = 0; c < m->ncodes; c++)
            if (m->codes[c] == code)
                s->cell[k][i] = c;
        if (s->cell[k][i] == TS_CALIB_NO_CELL)
            return ts_err_set(err, TS_E_DATA, "row %zu: %s = %lld has no cell in its margin", i + 1, m->variable,
                              (long long)code);
    }
    return TS_OK;
}

static ts_status allocate(rake_state *s, size_t nm, ts_err *err)
{
    size_t n = s->n ? s->n : 1;
    s->w = malloc(n * sizeof *s->w);
    s->d = malloc(n * sizeof *s->d);
    s->part = malloc(n);
    s->wp = malloc(n * sizeof *s->wp);
    s->joint = malloc(n * sizeof *s->joint);
    s->cell = calloc(nm ? nm : 1, sizeof *s->cell);
    s->calcol = calloc(nm ? nm : 1, sizeof *s->calcol);
    s->calname = calloc(nm ? nm : 1, sizeof *s->calname);
    s->cellp = calloc(nm ? nm : 1, sizeof *s->cellp);
    s->cm = calloc(nm ? nm : 1, sizeof *s->cm);
    if (!s->w || !s->d || !s->part || !s->wp || !s->joint || !s->cell || !s->calcol || !s->calname || !s->cellp || !s->cm)
        return nomem(err);
    for (size_t k = 0; k < nm; k++) {
        char name[32];
        snprintf(name, sizeof name, "_cal_%zu", k + 1);
        if (!(s->cell[k] = malloc(n * sizeof **s->cell)) || !(s->calcol[k] = malloc(n * sizeof **s->calcol)) ||
            !(s->cellp[k] = malloc(n * sizeof **s->cellp)) || !(s->calname[k] = ts_strdup(name)))
            return nomem(err);
    }
    return TS_OK;
}

/* Rake the compacted rows; the weights back into every row (0 for rows not taking part). */
static ts_status rake_rows(const ts_weight_margin *m, size_t nm, rake_state *s, int *sweeps, ts_err *err)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->part[i]) {
            s->wp[s->np] = s->w[i];
            for (size_t k = 0; k < nm; k++)
                s->cellp[k][s->np] = s->cell[k][i];
            s->np++;
        }
    for (size_t k = 0; k < nm; k++)
        s->cm[k] = (ts_calib_margin){s->cellp[k], m[k].ncodes, m[k].totals};
    size_t used = 0;
    int rc = ts_calib_joint_cells(s->cm, nm, s->np, s->joint, &used);
    if (rc == -1)
        return ts_err_set(err, TS_E_DATA, "too many joint cells across the margins");
    if (rc != 0)
        return nomem(err);
    ts_rake_control ctl = {1e-10, 1000, 0, 0, 0};
    size_t bad_margin = 0, bad_cell = 0;
    rc = ts_calib_rake(s->wp, s->np, s->cm, nm, s->joint, used, &ctl, &bad_margin, &bad_cell);
    if (rc == -2)
        return nomem(err);
    if (rc == -1)
        return ts_err_set(err, TS_E_DATA, "margin %s: category %d: no respondent in this cell", m[bad_margin].variable,
                          (int)m[bad_margin].codes[bad_cell]);
    if (!ctl.converged)
        return ts_err_set(err, TS_E_DATA, "raking did not converge in %d sweeps (last change of a joint cell %.3g)",
                          ctl.iterations, ctl.last_change);
    double misfit = ts_calib_margin_misfit(s->wp, s->np, s->cm, nm, &bad_margin, &bad_cell);
    if (misfit < 0)
        return nomem(err);
    if (misfit > 1e-6) /* "converged" far from a margin: an empty cell of the joint table */
        return ts_err_set(err, TS_E_DATA, "margin %s: category %d: raking stopped without meeting it (a cell of the "
                                          "margins' joint table has no respondent)",
                          m[bad_margin].variable, (int)m[bad_margin].codes[bad_cell]);
    *sweeps = ctl.iterations + 1;
    for (size_t i = 0, j = 0; i < s->n; i++)
        s->w[i] = s->part[i] ? s->wp[j++] : 0;
    return TS_OK;
}

ts_status ts_weight_rake(ts_dataset *ds, ts_design *design, const ts_weight_margin *m, size_t nm, ts_err *err)
{
    rake_state s = {.n = ds->nrows};
    ts_status st = allocate(&s, nm, err);
    if (st == TS_OK)
        start_weights(ds, design, &s);
    for (size_t k = 0; st == TS_OK && k < nm; k++)
        st = margin_cells(ds, &m[k], &s, k, design, err);
    if (st == TS_OK) {
        memcpy(s.d, s.w, s.n * sizeof *s.d);
        for (size_t i = 0; i < s.n; i++)
            if (!s.part[i])
                s.d[i] = 0;
    }
    int sweeps = 0;
    if (st == TS_OK)
        st = rake_rows(m, nm, &s, &sweeps, err);
    ts_strbuf method = TS_STRBUF_INIT, vars = TS_STRBUF_INIT;
    if (st == TS_OK) {
        for (size_t k = 0; k < nm; k++)
            for (size_t i = 0; i < s.n; i++)
                s.calcol[k][i] = s.part[i] ? (double)s.cell[k][i] : NAN;
        ts_strbuf_printf(&method, "design %s; raked to", ts_design_type_name(design->type));
        for (size_t k = 0; k < nm; k++) {
            ts_strbuf_printf(&method, "%s %s", k ? "," : "", m[k].variable);
            ts_strbuf_printf(&vars, "%s%s", k ? ";" : "", m[k].variable);
        }
        ts_strbuf_printf(&method, " (%d sweeps)", sweeps);
        design->calibration = TS_CAL_RAKE;
        if (ts_design_set(&design->method, method.data) || ts_design_set(&design->calibration_variables, vars.data) ||
            (!design->tool && ts_design_set(&design->tool, "libtsunagari")))
            st = nomem(err);
    }
    /* a design of the caller's own with an fpc column keeps it */
    const ts_var *fv = design->fpc ? ts_dataset_find(ds, design->fpc) : NULL;
    double *fpc = fv ? malloc((s.n ? s.n : 1) * sizeof *fpc) : NULL;
    if (st == TS_OK && fv && !fpc)
        st = nomem(err);
    for (size_t i = 0; fpc && i < s.n; i++)
        fpc[i] = ts_var_num(fv, i);
    if (st == TS_OK) {
        ts_weights w = {s.w, s.d, NULL, fpc, s.calname, (const double *const *)s.calcol, nm, "libtsunagari", NULL, NULL, 0};
        st = ts_weight_store(ds, design, &w, err);
    }
    free(fpc);
    ts_strbuf_free(&method);
    ts_strbuf_free(&vars);
    state_free(&s, nm);
    return st;
}
