/* calibrate.c — tsunagari-weight's calibration (docs/weighting.md, step 4): the
 * [margin.*] tables and totals read and checked against the sample, then post-stratification,
 * raking or GREG calibration (linear, raking, logit distance) by calib.c, and what the
 * estimation stage needs for calibration-adjusted variances. */
#include "wctx.h"
#include "grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "cells.h"
#include "margins.h"
#include "numparse.h"

void wmargins_free(wmargin *m, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(m[k].name);
        margin_free(m[k].t);
        cellmap_free(m[k].cm);
        free(m[k].cell);
    }
    free(m);
}

/* collapse_count_fn for a calibration margin: the respondents with VAR = CODE, overall. */
static size_t count_overall(const wctx *c, const ts_var *var, int32_t code, const void *arg)
{
    (void)arg;
    size_t have = 0;
    for (size_t i = 0; i < c->n; i++)
        have += c->in[i] && ts_var_int(var, i) == code;
    return have;
}

static ts_status read_margins(wctx *c, wmargin **out, size_t *nout, const collapse_rule *rules, size_t nrules,
                              ts_err *err)
{
    char **names = NULL;
    long nn = ts_manifest_split_list(wctx_get(c, "weighting", "margins", ""), &names);
    if (nn < 0)
        return wctx_nomem(err);
    if (nn == 0)
        return wctx_bad_setting(c, "weighting", "margins", "the names of [margin.NAME] sections", err);
    wmargin *m = calloc((size_t)nn, sizeof *m);
    ts_status st = m ? TS_OK : wctx_nomem(err);
    for (long k = 0; k < nn && st == TS_OK; k++) {
        ts_strbuf sec = TS_STRBUF_INIT;
        ts_strbuf_printf(&sec, "margin.%s", names[k]);
        m[k].name = ts_strdup(names[k]);
        if (!ts_manifest_has_section(c->m, sec.data)) {
            st = wctx_bad_setting(c, "weighting", "margins", "names with a [margin.NAME] section each", err);
            ts_strbuf_free(&sec);
            break;
        }
        const char *file = wctx_get(c, sec.data, "file", NULL), *vars = wctx_get(c, sec.data, "vars", NULL);
        const char *total = wctx_get(c, sec.data, "total", NULL);
        char **vn = NULL;
        long nv = vars ? ts_manifest_split_list(vars, &vn) : 0;
        if (nv <= 0)
            st = wctx_bad_setting(c, sec.data, "vars", "the codebook variable(s) of the margin", err);
        else if (total) {
            m[k].numvar = ts_dataset_find(c->ds, vn[0]);
            if (nv != 1 || !m[k].numvar)
                st = wctx_bad_setting(c, sec.data, "vars", "one numeric variable of the dataset", err);
            else if (ts_parse_double(total, strlen(total), &m[k].numtotal) != 0)
                st = wctx_bad_setting(c, sec.data, "total", "a number", err);
            else if (!(m[k].cell = malloc(c->n * sizeof *m[k].cell)))
                st = wctx_nomem(err);
        } else if (!file) {
            st = wctx_bad_setting(c, sec.data, "file", "a CSV file of population counts (or total = NUMBER)", err);
        } else if ((st = wctx_check_coded_vars(c, sec.data, "vars", vn, (size_t)nv, err)) != TS_OK) {
            ;
        } else {
            char *path = ts_manifest_resolve(c->m, file);
            m[k].t = path ? margin_read(path, c->ds, vn, (size_t)nv, wctx_get(c, sec.data, "count", NULL), err) : NULL;
            free(path);
            if (!m[k].t)
                st = err->status ? err->status : wctx_nomem(err);
            else if (!(m[k].cm = cellmap_new(m[k].t, rules, nrules, err)))
                st = err->status;
            else if (!(m[k].cell = malloc(c->n * sizeof *m[k].cell)))
                st = wctx_nomem(err);
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

/* Column definitions of the model matrix: up to two (var, code) conditions, or a numeric
 * variable. */
typedef struct coldef { const ts_var *v1; int32_t c1; const ts_var *v2; int32_t c2; const ts_var *num; } coldef;

/* Room for one more column: doubles *CAP when full. Returns -1 when memory runs out (both
 * arrays then still belong to the caller, unchanged). */
static int grow_columns(double **tot, coldef **def, size_t p, size_t *cap)
{
    size_t cap_tot = *cap, cap_def = *cap; /* one capacity for both: commit it when both grew */
    double *nt = ts_grow(*tot, &cap_tot, p + 1, sizeof *nt, 16);
    if (!nt)
        return -1;
    *tot = nt;
    coldef *nd = ts_grow(*def, &cap_def, p + 1, sizeof *nd, 16);
    if (!nd)
        return -1;
    *def = nd;
    *cap = cap_def < cap_tot ? cap_def : cap_tot;
    return 0;
}

/* Build the model matrix of R's calibrate(~A + B*C + x): an intercept, treatment dummies of
 * every factor (first level dropped), their interactions for two-variable margins, numeric
 * variables as they are; and the population totals of those columns. */
static int model_matrix(const wctx *c, const wmargin *m, size_t nm, double **xo, double **to, size_t *po,
                        ts_strbuf *names)
{
    size_t p = 1, cap = 16;
    double *tot = malloc(cap * sizeof *tot);
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
            if (grow_columns(&tot, &def, p, &cap) != 0) {
                free(tot);
                free(def);
                return -1;
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
                    if (grow_columns(&tot, &def, p, &cap) != 0) {
                        free(tot);
                        free(def);
                        return -1;
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

/* One calibration's working state, from the margins read to the weights written back. */
typedef struct calrun {
    ts_calibration method;
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
    int sweeps;               /* rake: the sweeps the full sample took (its replicates take as many) */
    ts_strbuf colnames;       /* GREG: the model matrix's column names, as R writes them */
} calrun;

/* Columns the estimation stage needs to compute calibration-adjusted variances: for
 * post-stratification and raking each margin's cell per row, for GREG calibration the model
 * matrix (P columns of X). Rows that took no part get NaN. */
static ts_status keep_calibration_columns(wctx *c, const calrun *r, ts_err *err)
{
    int cells = !ts_calibration_is_greg(r->method);
    size_t k = cells ? 0 : r->p;
    if (cells)
        for (size_t q = 0; q < r->nm; q++)
            k += r->m[q].t != NULL;
    c->calnames = calloc(k ? k : 1, sizeof *c->calnames);
    c->calcols = calloc(k ? k : 1, sizeof *c->calcols);
    if (!c->calnames || !c->calcols)
        return wctx_nomem(err);
    c->ncalcols = k;
    for (size_t j = 0, q = 0; j < k; j++) {
        ts_strbuf name = TS_STRBUF_INIT;
        ts_strbuf_printf(&name, "_cal_%zu", j + 1);
        c->calnames[j] = ts_strbuf_take(&name);
        c->calcols[j] = malloc((c->n ? c->n : 1) * sizeof **c->calcols);
        if (!c->calnames[j] || !c->calcols[j])
            return wctx_nomem(err);
        if (cells)
            while (!r->m[q].t)
                q++;
        for (size_t i = 0; i < c->n; i++) {
            if (!r->part[i])
                c->calcols[j][i] = NAN;
            else if (cells)
                c->calcols[j][i] = r->m[q].cell[i] == TS_CALIB_NO_CELL ? NAN : (double)r->m[q].cell[i];
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
    if (r->method == TS_CAL_POSTSTRATIFY && (r->nm != 1 || !r->m[0].t))
        return wctx_bad_setting(c, "weighting", "margins", "exactly one table margin for poststratify (cross its variables)", err);
    /* every margin, not only the first: a numeric total later in the list has no table of
     * cells, and raking would read one (it crashed) */
    for (size_t k = 0; k < r->nm && !ts_calibration_is_greg(r->method); k++)
        if (!r->m[k].t)
            return wctx_bad_setting(c, "weighting", "margins", "tables of counts for rake (numeric totals need linear, raking or logit)", err);
    return TS_OK;
}

/* missing = error and a respondent misses a margin variable: name the setting and the first
 * such respondent and variable — the user has to find them in the raw file to decide between
 * fixing the data and another rule. */
static ts_status missing_error(const wctx *c, const calrun *r, ts_err *err)
{
    ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
    wctx_where(c, "weighting", "missing", &at);
    const char *var = "";
    for (size_t i = 0; i < c->n && !who.len; i++)
        if (c->in[i] && !r->part[i]) {
            wctx_row_name(c, i, &who);
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
    const char *missing = wctx_get(c, "weighting", "missing", NULL);
    r->stratum_mean = strcmp(missing, "stratum_mean") == 0 || strcmp(missing, "area_mean") == 0;
    if (!r->stratum_mean && strcmp(missing, "drop") != 0 && strcmp(missing, "error") != 0)
        return wctx_bad_setting(c, "weighting", "missing", "drop, stratum_mean or error", err);
    if (!(r->part = malloc(c->n)))
        return wctx_nomem(err);
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

/* Each margin's cell of every row that takes part (TS_CALIB_NO_CELL for the others); a numeric
 * margin has the one cell 0. */
static ts_status build_cells(wctx *c, calrun *r, ts_err *err)
{
    ts_status st = TS_OK;
    unsigned char *keep_in = c->in;
    c->in = r->part; /* cells are built for the rows that take part */
    for (size_t k = 0; k < r->nm && st == TS_OK; k++) {
        if (r->m[k].t) {
            if (cellmap_rows(c, r->m[k].cm, r->m[k].t, r->m[k].cell, err) != 0)
                st = err->status;
        } else
            for (size_t i = 0; i < c->n; i++)
                r->m[k].cell[i] = r->part[i] ? 0 : TS_CALIB_NO_CELL;
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
            return wctx_nomem(err);
        for (size_t i = 0; i < c->n; i++)
            if (m->cell[i] != TS_CALIB_NO_CELL)
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
    if (!wctx_get(c, "weighting", "base_scale", NULL) || isnan(r->first_total))
        return;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++)
        if (r->part[i])
            sum += c->w[i];
    for (size_t i = 0; i < c->n; i++)
        if (r->part[i]) {
            c->w[i] *= r->first_total / sum;
            for (size_t q = 0; q < c->nrep; q++) /* the replicates start from the same scaled weights */
                c->repw[q * c->n + i] *= r->first_total / sum;
        }
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
        return wctx_nomem(err);
    memcpy(r->before, c->w, c->n * sizeof *r->before);
    for (size_t k = 0; k < r->nm; k++)
        if (!(r->cellp[k] = malloc((r->np ? r->np : 1) * sizeof **r->cellp)))
            return wctx_nomem(err);
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
    int rake = r->method == TS_CAL_RAKE;
    double maxit;
    ts_status st = wctx_get_number(c, "weighting", "tolerance", rake ? 1e-10 : 1e-12, &r->eps, err);
    if (st == TS_OK)
        st = wctx_get_number(c, "weighting", "max_iter", rake ? 1000 : 100, &maxit, err);
    if (st != TS_OK)
        return st;
    /* (int) of a double outside int's range is undefined: refuse it before the cast. */
    if (!(maxit >= 1 && maxit <= 1000000 && maxit == floor(maxit)))
        return wctx_bad_setting(c, "weighting", "max_iter", "a whole number 1..1000000", err);
    r->maxit = (int)maxit;
    return TS_OK;
}

/* ts_calib_poststratify's and ts_calib_rake's return code as a status. */
static ts_status cells_status(const calrun *r, int rc, size_t bad_margin, size_t bad_cell, ts_err *err)
{
    if (rc == -1)
        return margin_error(&r->m[bad_margin], bad_cell, "no respondent in this cell", err);
    if (rc == -2)
        return wctx_nomem(err);
    return TS_OK;
}

static ts_status cal_poststratify(wctx *c, calrun *r, ts_err *err)
{
    ts_calib_margin cm = {r->cellp[0], r->m[0].t->ncells, r->m[0].t->total};
    size_t bad_cell = 0;
    int rc = ts_calib_poststratify(r->wp, r->np, &cm, &bad_cell);
    ts_strbuf_printf(&c->method, "; post-stratified to %s", r->m[0].name);
    return cells_status(r, rc, 0, bad_cell, err);
}

static ts_status cal_rake(wctx *c, calrun *r, ts_err *err)
{
    ts_calib_margin *cm = malloc(r->nm * sizeof *cm);
    if (!cm)
        return wctx_nomem(err);
    for (size_t k = 0; k < r->nm; k++)
        cm[k] = (ts_calib_margin){r->cellp[k], r->m[k].t->ncells, r->m[k].t->total};
    /* the joint table of all margin variables, for R's convergence test */
    size_t *joint = malloc((r->np ? r->np : 1) * sizeof *joint), used = 0;
    int jrc = joint ? ts_calib_joint_cells(cm, r->nm, r->np, joint, &used) : -2;
    ts_status st = jrc == -1 ? ts_err_set(err, TS_E_DATA, "too many joint cells across the margins")
                   : jrc != 0 ? wctx_nomem(err)
                              : TS_OK;
    if (st != TS_OK) {
        free(joint);
        free(cm);
        return st;
    }
    ts_rake_control ctl = {r->eps, r->maxit, 0, 0, 0};
    size_t bad_margin = 0, bad_cell = 0;
    int rc = ts_calib_rake(r->wp, r->np, cm, r->nm, joint, used, &ctl, &bad_margin, &bad_cell);
    size_t miss_margin = 0, miss_cell = 0;
    double misfit = rc == 0 && ctl.converged ? ts_calib_margin_misfit(r->wp, r->np, cm, r->nm, &miss_margin, &miss_cell) : 0;
    free(joint);
    free(cm);
    if (misfit < 0)
        return wctx_nomem(err);
    if (misfit > 1e-6) /* "converged" without meeting a margin: an empty cell of the joint table */
        return margin_error(&r->m[miss_margin], miss_cell,
                            "raking stopped without meeting this margin cell: the margins cannot all be met by these "
                            "respondents (a cell of their joint table has none); merge cells with [weighting] collapse",
                            err);
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
    r->sweeps = ctl.iterations + 1;
    return st == TS_OK ? cells_status(r, rc, bad_margin, bad_cell, err) : st;
}

/* [weighting] bounds = LOWER, UPPER on g, around 1 (inf allowed) into CTL; logit
 * calibration needs both finite. */
static ts_status read_bounds(const wctx *c, ts_calibration method, ts_calib_control *ctl, ts_err *err)
{
    const char *bounds = wctx_get(c, "weighting", "bounds", NULL);
    if (bounds) {
        char *end;
        ctl->lower = strtod(bounds, &end);
        while (*end == ' ' || *end == ',')
            end++;
        char *end2;
        ctl->upper = strtod(end, &end2);
        if (end == bounds || end2 == end || *end2 || !(ctl->lower < 1 && ctl->upper > 1))
            return wctx_bad_setting(c, "weighting", "bounds", "LOWER, UPPER around 1 (e.g. 0.5, 2; inf allowed)", err);
    }
    if (method == TS_CAL_LOGIT && !(isfinite(ctl->lower) && isfinite(ctl->upper)))
        return wctx_bad_setting(c, "weighting", "bounds", "finite LOWER, UPPER (logit calibration needs both)", err);
    return TS_OK;
}

/* GREG calibration (linear, raking, logit distance) to the totals of the model matrix. */
static ts_status cal_greg(wctx *c, calrun *r, ts_err *err)
{
    const char *method = ts_calibration_name(r->method);
    int mm = model_matrix(c, r->m, r->nm, &r->x, &r->tot, &r->p, &r->colnames);
    if (mm == -2)
        return wctx_bad_setting(c, "weighting", "margins", "at least one table of counts (for the population size)", err);
    if (mm != 0)
        return wctx_nomem(err);
    double *xp = malloc((r->np && r->p ? r->np * r->p : 1) * sizeof *xp);
    if (!xp)
        return wctx_nomem(err);
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (r->part[i])
            memcpy(&xp[(j++) * r->p], &r->x[i * r->p], r->p * sizeof *xp);
    ts_calib_control ctl = {r->method == TS_CAL_LINEAR ? TS_CALFUN_LINEAR : r->method == TS_CAL_RAKING ? TS_CALFUN_RAKING : TS_CALFUN_LOGIT,
                         -INFINITY, INFINITY, r->eps, r->maxit, 0, 0, 1, 0};
    ts_status st = read_bounds(c, r->method, &ctl, err);
    if (st == TS_OK) {
        int rc = ts_calib_calibrate(r->wp, r->np, xp, r->p, r->tot, &ctl, NULL);
        if (rc == -2)
            st = wctx_nomem(err);
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
    const char *bounds = wctx_get(c, "weighting", "bounds", NULL);
    if (bounds)
        ts_strbuf_printf(&c->method, ", bounds %s", bounds);
    return TS_OK;
}

/* Replicate weights ([design] variance): every replicate calibrated to the same margins by the
 * same method — R's rake, postStratify and calibrate on a svyrep.design. Raking sweeps each
 * replicate as many times as the full sample took (R's rake tests convergence on the full
 * sample's table only and post-stratifies the replicates in the same sweeps); GREG
 * calibration runs each replicate to convergence with the same distance, bounds, tolerance and
 * iteration limit (R's calibrate.svyrep.design). Rows left out of the calibration (a margin
 * variable missing) follow missing = drop or stratum_mean with the replicate's own
 * adjustment. A replicate that leaves a margin cell without respondents (its PSUs were the
 * cell's) cannot be calibrated: refused, naming the replicate and the cell. */
static ts_status recalibrate_replicates(wctx *c, calrun *r, ts_err *err)
{
    if (!c->repw)
        return TS_OK;
    size_t n = c->n;
    double *wp = malloc((r->np ? r->np : 1) * sizeof *wp), *xp = NULL, *before = malloc((n ? n : 1) * sizeof *before);
    ts_calib_margin *cm = malloc((r->nm ? r->nm : 1) * sizeof *cm);
    size_t *joint = NULL, used = 0;
    ts_status st = wp && cm && before ? TS_OK : wctx_nomem(err);
    for (size_t k = 0; st == TS_OK && k < r->nm && r->m[k].t; k++)
        cm[k] = (ts_calib_margin){r->cellp[k], r->m[k].t->ncells, r->m[k].t->total};
    ts_calib_control gctl = {r->method == TS_CAL_LINEAR ? TS_CALFUN_LINEAR : r->method == TS_CAL_RAKING ? TS_CALFUN_RAKING : TS_CALFUN_LOGIT,
                             -INFINITY, INFINITY, r->eps, r->maxit, 0, 0, 1, 0};
    if (st == TS_OK && r->method == TS_CAL_RAKE) {
        joint = malloc((r->np ? r->np : 1) * sizeof *joint);
        if (!joint || ts_calib_joint_cells(cm, r->nm, r->np, joint, &used) != 0)
            st = wctx_nomem(err);
    }
    if (st == TS_OK && ts_calibration_is_greg(r->method)) {
        if (!(xp = malloc((r->np && r->p ? r->np * r->p : 1) * sizeof *xp)))
            st = wctx_nomem(err);
        for (size_t i = 0, j = 0; st == TS_OK && i < n; i++)
            if (r->part[i])
                memcpy(&xp[(j++) * r->p], &r->x[i * r->p], r->p * sizeof *xp);
        if (st == TS_OK)
            st = read_bounds(c, r->method, &gctl, err);
    }
    for (size_t q = 0; st == TS_OK && q < c->nrep; q++) {
        double *w = c->repw + q * n;
        for (size_t i = 0, j = 0; i < n; i++)
            if (r->part[i])
                wp[j++] = w[i];
        int rc = 0;
        size_t bad_margin = 0, bad_cell = 0;
        if (r->method == TS_CAL_POSTSTRATIFY)
            rc = ts_calib_poststratify(wp, r->np, &cm[0], &bad_cell);
        else if (r->method == TS_CAL_RAKE) {
            /* epsilon below every change: exactly the full sample's number of sweeps */
            ts_rake_control ctl = {-1, r->sweeps, 0, 0, 0};
            rc = ts_calib_rake(wp, r->np, cm, r->nm, joint, used, &ctl, &bad_margin, &bad_cell);
        } else {
            ts_calib_control ctl = gctl;
            rc = ts_calib_calibrate(wp, r->np, xp, r->p, r->tot, &ctl, NULL);
            if (rc == -1) {
                st = ts_err_set(err, TS_E_DATA, "replicate %zu of %zu: calibration (%s) did not converge in %d "
                                "iterations (worst relative misfit %.3g); widen [weighting] bounds or raise max_iter",
                                q + 1, c->nrep, ts_calibration_name(r->method), ctl.iterations, ctl.achieved);
                break;
            }
            if (rc == -2) {
                st = wctx_nomem(err);
                break;
            }
            rc = 0;
        }
        if (rc == -1) {
            ts_strbuf what = TS_STRBUF_INIT;
            ts_strbuf_printf(&what, "replicate %zu of %zu ([design] variance) leaves no respondent in this cell, so it "
                             "cannot be calibrated; merge cells with [weighting] collapse", q + 1, c->nrep);
            st = margin_error(&r->m[bad_margin], bad_cell, what.data ? what.data : "", err);
            ts_strbuf_free(&what);
            break;
        }
        if (rc != 0) {
            st = wctx_nomem(err);
            break;
        }
        /* back into the rows; the rows outside the calibration as the full sample's */
        memcpy(before, w, n * sizeof *before);
        for (size_t i = 0, j = 0; i < n; i++)
            if (r->part[i])
                w[i] = wp[j++];
        for (size_t i = 0; r->incomplete && i < n; i++)
            if (c->in[i] && !r->part[i]) {
                if (!r->stratum_mean) {
                    w[i] = 0;
                    continue;
                }
                double sa = 0, sb = 0; /* the replicate's mean g in the stratum */
                for (size_t p = 0; p < n; p++)
                    if (r->part[p] && (!c->strata || ts_var_int(c->strata, p) == ts_var_int(c->strata, i))) {
                        sa += w[p];
                        sb += before[p];
                    }
                w[i] *= sb > 0 ? sa / sb : 1;
            }
    }
    c->rep_adjusted = 1;
    free(wp);
    free(before);
    free(xp);
    free(cm);
    free(joint);
    return st;
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

ts_status calibrate(wctx *c, ts_err *err)
{
    const char *name = wctx_get(c, "weighting", "method", NULL);
    ts_calibration method;
    if (ts_calibration_parse(name, &method) != 0)
        return wctx_bad_setting(c, "weighting", "method", "none, poststratify, rake, linear, raking or logit", err);
    /* Bounds on g belong to the GREG distances; post-stratification and raking meet their
     * margins exactly and have no g to bound: accepting them there would be ignoring them. */
    if (!ts_calibration_is_greg(method) && wctx_get(c, "weighting", "bounds", NULL)) {
        ts_strbuf at = TS_STRBUF_INIT;
        wctx_where(c, "weighting", "bounds", &at);
        ts_err_set(err, TS_E_DATA, "%s: bounds apply to method = linear, raking or logit, not to method = %s "
                   "(bound the weights with trim_lower, trim_upper instead)", at.data ? at.data : "", name);
        ts_strbuf_free(&at);
        return TS_E_DATA;
    }
    /* rake_residuals chooses between two residuals of raking's variance (lib/sample.c); the
     * other methods have one: post-stratification's single margin and the GREG distances are
     * exact already, so exact there is refused rather than quietly meaning nothing. */
    ts_rake_residuals rres;
    if (ts_rake_residuals_parse(wctx_get(c, "weighting", "rake_residuals", NULL), &rres) != 0)
        return wctx_bad_setting(c, "weighting", "rake_residuals", "r or exact", err);
    if (rres == TS_RAKE_RESIDUALS_EXACT && method != TS_CAL_RAKE) {
        ts_strbuf at = TS_STRBUF_INIT;
        wctx_where(c, "weighting", "rake_residuals", &at);
        ts_err_set(err, TS_E_DATA, "%s: exact applies only to method = rake, not to method = %s (%s)",
                   at.data ? at.data : "", name,
                   method == TS_CAL_NONE ? "no calibration, no calibration residuals"
                   : method == TS_CAL_POSTSTRATIFY ? "one margin: its residuals are exact already"
                                                   : "the GREG residuals are exact already");
        ts_strbuf_free(&at);
        return TS_E_DATA;
    }
    if (method == TS_CAL_NONE)
        return TS_OK;
    c->design.calibration = method;
    c->design.rake_residuals = rres;

    calrun r = {.method = method, .first_total = NAN, .colnames = TS_STRBUF_INIT};
    ts_status st = collapse_read(c, "weighting", count_overall, NULL, &r.rules, &r.nrules, err);
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
        st = method == TS_CAL_POSTSTRATIFY ? cal_poststratify(c, &r, err)
             : method == TS_CAL_RAKE       ? cal_rake(c, &r, err)
                                        : cal_greg(c, &r, err);
    if (st == TS_OK)
        st = keep_calibration_columns(c, &r, err);
    if (st == TS_OK)
        st = recalibrate_replicates(c, &r, err);
    if (st == TS_OK)
        spread_back(c, &r);
    calrun_done(c, &r);
    return st;
}
