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
#include "cells.h"
#include "csvwrite.h"
#include "dataset.h"
#include "manifest.h"
#include "margins.h"
#include "numparse.h"
#include "strbuf.h"
#include "wctx.h"

#define PROG "tsunagari-weight"

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

static size_t count_overall(const wctx *c, const ts_var *var, int32_t code, const void *arg)
{
    (void)arg;
    size_t have = 0;
    for (size_t i = 0; i < c->n; i++)
        have += c->in[i] && ts_var_int(var, i) == code;
    return have;
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
    margin_table *t = path ? margin_read(path, c->ds, names, (size_t)nn, wctx_get(c, "nonresponse", "sample", "sample"), err) : NULL;
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
        if (cell[i] != CALIB_NO_CELL) {
            sum[cell[i]] += c->w[i];
            count[cell[i]] += 1;
        } else if (c->in[i])
            unclassed++;
    /* Classes too small in this sample are merged as [nonresponse] collapse says. */
    struct class_counts cc = {t, count};
    if (!unclassed && (st = collapse_read(c, "nonresponse", count_smallest_class, &cc, &rules, &nrules, err)) != TS_OK)
        goto out;
    if (nrules) {
        if (!(cm = cellmap_new(t, rules, nrules, err)) || cellmap_rows(c, cm, t, cell, err) != 0) {
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
            m[k].t = path ? margin_read(path, c->ds, vn, (size_t)nv, wctx_get(c, sec.data, "count", "population"), err) : NULL;
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
        return wctx_bad_setting(c, "weighting", "margins", "exactly one table margin for poststratify (cross its variables)", err);
    if (!cal_is_greg(r->method) && !r->m[0].t)
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
    const char *missing = wctx_get(c, "weighting", "missing", "drop");
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

/* Each margin's cell of every row that takes part (CALIB_NO_CELL for the others); a numeric
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
            return wctx_nomem(err);
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
    if (!wctx_get(c, "weighting", "base_scale", NULL) || isnan(r->first_total))
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
    int rake = r->method == CAL_RAKE;
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

/* calib_poststratify's and calib_rake's return code as a status. */
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
        return wctx_nomem(err);
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
        return wctx_nomem(err);
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
    if (method == CAL_LOGIT && !(isfinite(ctl->lower) && isfinite(ctl->upper)))
        return wctx_bad_setting(c, "weighting", "bounds", "finite LOWER, UPPER (logit calibration needs both)", err);
    return TS_OK;
}

/* GREG calibration (linear, raking, logit distance) to the totals of the model matrix. */
static ts_status cal_greg(wctx *c, calrun *r, ts_err *err)
{
    const char *method = CAL_METHOD_NAMES[r->method];
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
    calib_control ctl = {r->method == CAL_LINEAR ? CALFUN_LINEAR : r->method == CAL_RAKING ? CALFUN_RAKING : CALFUN_LOGIT,
                         -INFINITY, INFINITY, r->eps, r->maxit, 0, 0, 1, 0};
    ts_status st = read_bounds(c, r->method, &ctl, err);
    if (st == TS_OK) {
        int rc = calib_calibrate(r->wp, r->np, xp, r->p, r->tot, &ctl, NULL);
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
    const char *name = wctx_get(c, "weighting", "method", "none");
    cal_method method;
    if (cal_method_parse(name, &method) != 0)
        return wctx_bad_setting(c, "weighting", "method", "none, poststratify, rake, linear, raking or logit", err);
    /* Bounds on g belong to the GREG distances; post-stratification and raking meet their
     * margins exactly and have no g to bound: accepting them there would be ignoring them. */
    if (!cal_is_greg(method) && wctx_get(c, "weighting", "bounds", NULL)) {
        ts_strbuf at = TS_STRBUF_INIT;
        wctx_where(c, "weighting", "bounds", &at);
        ts_err_set(err, TS_E_DATA, "%s: bounds apply to method = linear, raking or logit, not to method = %s "
                   "(bound the weights with trim_lower, trim_upper instead)", at.data ? at.data : "", name);
        ts_strbuf_free(&at);
        return TS_E_DATA;
    }
    if (method == CAL_NONE)
        return TS_OK;
    c->calkind = CAL_METHOD_NAMES[method];

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
    const char *lo_s = wctx_get(c, "weighting", "trim_lower", NULL), *hi_s = wctx_get(c, "weighting", "trim_upper", NULL);
    if (!lo_s && !hi_s)
        return TS_OK;
    double lo, hi;
    ts_status st = wctx_get_number(c, "weighting", "trim_lower", -INFINITY, &lo, err);
    if (st == TS_OK)
        st = wctx_get_number(c, "weighting", "trim_upper", INFINITY, &hi, err);
    if (st != TS_OK)
        return st;
    const char *rel = wctx_get(c, "weighting", "trim_relative_to", "mean");
    int strict = strcasecmp(wctx_get(c, "weighting", "trim_strict", "yes"), "yes") == 0;
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
        return wctx_bad_setting(c, "weighting", "trim_relative_to", "mean or absolute", err);
    if (!(lo < hi))
        return wctx_bad_setting(c, "weighting", "trim_upper", "an upper bound above the lower", err);
    double *wp = malloc((np ? np : 1) * sizeof *wp);
    if (!wp)
        return wctx_nomem(err);
    if (c->calkind && *c->calkind) {
        if (!(c->calibrated = malloc((c->n ? c->n : 1) * sizeof *c->calibrated))) {
            free(wp);
            return wctx_nomem(err);
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
        wctx_where(c, "weighting", hi_s ? "trim_upper" : "trim_lower", &at_s);
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
            return wctx_nomem(err);
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
    return rc ? wctx_nomem(err) : TS_OK;
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
    cal_method method;
    int calibrating = cal_method_parse(wctx_get(c, "weighting", "method", "none"), &method) != 0 || method != CAL_NONE;
    if ((!calibrating && !classes) || strcmp(wctx_get(c, "weighting", "missing", "drop"), "drop") != 0)
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
    c.design = malloc((c.n ? c.n : 1) * sizeof *c.design);
    c.in = malloc(c.n ? c.n : 1);
    c.csv = open_memstream(&c.csvbuf, &c.csvlen);
    if (!c.w || !c.design || !c.in || !c.csv) {
        st = wctx_nomem(err);
        goto out;
    }
    memset(c.in, 1, c.n);
    fputs("kind,group,level,respondents,target,before,after,value\n", c.csv);
    ts_strbuf_printf(&c.text, "tsunagari-weight report: %s (%zu respondents)\n", opt->input, c.n);
    if ((st = drop_incomplete(&c, err)) != TS_OK || (st = design_weights(&c, err)) != TS_OK ||
        (st = nonresponse(&c, err)) != TS_OK)
        goto out;
    const char *scale = wctx_get(&c, "weighting", "base_scale", NULL);
    if (scale && strcmp(scale, "population") != 0) {
        st = wctx_bad_setting(&c, "weighting", "base_scale", "population (or nothing)", err);
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
