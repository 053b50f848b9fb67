/* model.c — tsunagari-model's run: every [model.NAME] of the manifest read and checked against
 * the dataset (each setting's problem named by the manifest's file:line), fitted by lib/glm on
 * the design recorded in the dataset, and written as one CSV (docs/models-format.md): a row per
 * coefficient, a row for each factor's reference level, and the Wald tests of each predictor.
 * Every model is fitted before anything is written, so a failing model leaves no file. */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "textfold.h"
#include "atomicfile.h"
#include "csvwrite.h"
#include "dataset.h"
#include "design.h"
#include "glm.h"
#include "i18n.h"
#include "manifest.h"
#include "numparse.h"
#include "privacy.h"
#include "sample.h"
#include "schema.h"
#include "strbuf.h"
#include "suppress.h"

#define PROG "tsunagari-model"

typedef struct model_spec {
    const char *section;       /* "model.NAME" (borrowed from the manifest) */
    const char *title;         /* [model.NAME] title (borrowed); "" when none */
    ts_glm_spec glm;
    const ts_var **pred;
    int32_t *codes;            /* outcome_codes */
    unsigned char *in;         /* the domain; NULL: everyone */
    int weighted;
    ts_glm_fit *fit;
    /* [privacy] min_cell on the published numbers (protect()): each a HIDE_* */
    unsigned char n_hide;      /* the fit's n (and weighted_n) */
    unsigned char *ref_hide;   /* per predictor: its reference level's n (a factor) */
    unsigned char *col_hide;   /* per column: its level's n (a factor's column) */
    unsigned char *coef_hide;  /* per column: its coefficient's numbers */
    unsigned char *test_hide;  /* per predictor: its Wald tests */
} model_spec;

enum { HIDE_NONE, HIDE_PRIMARY, HIDE_SECONDARY };

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* "FILE:LINE: [SECTION] KEY = VALUE: REASON" (KEY NULL: "FILE:LINE: [SECTION] REASON", at the
 * section's outcome line). */
static ts_status bad(const ts_manifest *m, const char *sec, const char *key, ts_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static ts_status bad(const ts_manifest *m, const char *sec, const char *key, ts_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(err, TS_E_DATA, fmt, ap);
    va_end(ap);
    unsigned long line = ts_manifest_line(m, sec, key ? key : "outcome");
    if (!line && !key)
        line = ts_manifest_line(m, sec, "predictors");
    const char *v = key ? ts_manifest_get(m, sec, key) : NULL;
    if (line && key)
        ts_err_prefix(err, "%s:%lu: [%s] %s = %s", ts_manifest_path(m), line, sec, key, v ? v : "");
    else if (line)
        ts_err_prefix(err, "%s:%lu: [%s]", ts_manifest_path(m), line, sec);
    else if (key)
        ts_err_prefix(err, "%s: [%s] %s", ts_manifest_path(m), sec, key);
    else
        ts_err_prefix(err, "%s: [%s]", ts_manifest_path(m), sec);
    return TS_E_DATA;
}

static const char *type_name(ts_vartype t)
{
    switch (t) {
    case TS_VAR_ID: return "the respondent id";
    case TS_VAR_SINGLE: return "a single-choice variable";
    case TS_VAR_MULTI: return "a multiple answer";
    case TS_VAR_INTEGER: return "an integer";
    case TS_VAR_NUMERIC: return "a number";
    case TS_VAR_TEXT: return "free text";
    }
    return "?";
}

/* The codes of V for messages: "1 男性, 2 女性". */
static void list_codes(const ts_var *v, ts_strbuf *b)
{
    for (size_t k = 0, n = 0; k < v->ncodes; k++)
        if (!v->codes[k].missing)
            ts_strbuf_printf(b, "%s%d %s", n++ ? ", " : "", v->codes[k].code, v->codes[k].label);
}

/* The codes of the list TEXT into *OUT (each a valid, non-missing code of V). */
static ts_status parse_codes(const ts_manifest *m, const char *sec, const char *key, const char *text, const ts_var *v,
                             int32_t **out, size_t *nout, ts_err *err)
{
    char **items = NULL;
    long n = ts_manifest_split_list(text, &items);
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    *out = calloc(n ? (size_t)n : 1, sizeof **out);
    *nout = 0;
    if (!*out)
        st = nomem(err);
    for (long k = 0; k < n && st == TS_OK; k++) {
        int64_t c;
        long idx = -1;
        if (ts_parse_int64(items[k], strlen(items[k]), &c) != 0 || c < INT32_MIN || c > INT32_MAX)
            st = bad(m, sec, key, err, "expected codes of %s, e.g. 3, 4; got \"%s\"", v->name, items[k]);
        else if ((idx = ts_var_code_index(v, c)) < 0 || v->codes[idx].missing) {
            ts_strbuf codes = TS_STRBUF_INIT;
            list_codes(v, &codes);
            st = bad(m, sec, key, err, "%s (%s) has no %scode %s (its codes: %s)", v->name, v->label,
                     idx >= 0 ? "valid " : "", items[k], codes.data ? codes.data : "none");
            ts_strbuf_free(&codes);
        } else
            (*out)[(*nout)++] = (int32_t)c;
    }
    if (st == TS_OK && n == 0)
        st = bad(m, sec, key, err, "expected at least one code of %s", v->name);
    ts_manifest_free_list(items, (size_t)(n > 0 ? n : 0));
    return st;
}

static const ts_var *find(const ts_manifest *m, const ts_dataset *ds, const char *input, const char *sec,
                          const char *key, const char *name, ts_err *err)
{
    const ts_var *v = ts_dataset_find(ds, name);
    if (!v)
        bad(m, sec, key, err, "%s has no variable \"%s\"", input, name);
    return v;
}

/* [model.NAME] into S, every setting checked against the dataset. */
static ts_status parse_model(const ts_manifest *m, const ts_dataset *ds, const char *input, const char *sec,
                             model_spec *s, ts_err *err)
{
    s->section = sec;
    s->title = ts_i18n_get(m, sec, "title"); /* title_en in an English report */
    if (!s->title)
        s->title = "";
    const char *fam = ts_schema_get(m, sec, "family");
    s->glm.family = strcmp(fam, "logistic") == 0 ? TS_GLM_LOGISTIC : TS_GLM_LINEAR;
    const char *w = ts_schema_get(m, sec, "weighted");
    s->weighted = !(w && strcmp(w, "no") == 0);
    const char *lv = ts_schema_get(m, sec, "level");
    if (ts_parse_double(lv, strlen(lv), &s->glm.level) != 0)
        s->glm.level = NAN; /* ts_schema_check refused it already */
    const char *out = ts_manifest_get(m, sec, "outcome");
    if (!out || !*out)
        return ts_err_set(err, TS_E_DATA, "%s: [%s]: no outcome = VARIABLE: name the variable the model explains",
                          ts_manifest_path(m), sec);
    const ts_var *y = find(m, ds, input, sec, "outcome", out, err);
    if (!y)
        return TS_E_DATA;
    s->glm.outcome = y;
    int numeric = y->type == TS_VAR_INTEGER || y->type == TS_VAR_NUMERIC;
    const char *oc = ts_manifest_get(m, sec, "outcome_codes");
    if (s->glm.family == TS_GLM_LINEAR && !numeric)
        return bad(m, sec, "outcome", err, "%s (%s) is %s: a linear model needs a number (for a share of answers: "
                   "family = logistic with outcome_codes)", y->name, y->label, type_name(y->type));
    if (s->glm.family == TS_GLM_LOGISTIC && !numeric && y->type != TS_VAR_SINGLE)
        return bad(m, sec, "outcome", err, "%s (%s) is %s: a logistic model needs a single choice (with outcome_codes) "
                   "or a 0/1 number", y->name, y->label, type_name(y->type));
    if (oc && *oc && (s->glm.family != TS_GLM_LOGISTIC || y->type != TS_VAR_SINGLE))
        return bad(m, sec, "outcome_codes", err, "only a logistic model of a single-choice outcome has outcome codes");
    if (s->glm.family == TS_GLM_LOGISTIC && y->type == TS_VAR_SINGLE) {
        if (!oc || !*oc) {
            ts_strbuf codes = TS_STRBUF_INIT;
            list_codes(y, &codes);
            ts_status st = bad(m, sec, "outcome", err, "a logistic model of %s (%s) needs outcome_codes: the codes "
                               "that count as 1 (its codes: %s)", y->name, y->label, codes.data ? codes.data : "none");
            ts_strbuf_free(&codes);
            return st;
        }
        ts_status st = parse_codes(m, sec, "outcome_codes", oc, y, &s->codes, &s->glm.noutcome_codes, err);
        if (st != TS_OK)
            return st;
        s->glm.outcome_codes = s->codes;
    }
    const char *pr = ts_manifest_get(m, sec, "predictors");
    char **items = NULL;
    long n = pr ? ts_manifest_split_list(pr, &items) : 0;
    if (n < 0)
        return nomem(err);
    ts_status st = TS_OK;
    if (n == 0)
        st = pr ? bad(m, sec, "predictors", err, "expected the predictors, comma-separated: sex, age_band")
                : ts_err_set(err, TS_E_DATA, "%s: [%s]: no predictors = VAR, VAR, ...: name what explains %s",
                             ts_manifest_path(m), sec, y->name);
    if (st == TS_OK && !(s->pred = calloc((size_t)n, sizeof *s->pred)))
        st = nomem(err);
    for (long k = 0; k < n && st == TS_OK; k++) {
        const ts_var *v = find(m, ds, input, sec, "predictors", items[k], err);
        if (!v)
            st = TS_E_DATA;
        else if (v->type != TS_VAR_SINGLE && v->type != TS_VAR_INTEGER && v->type != TS_VAR_NUMERIC)
            st = bad(m, sec, "predictors", err, "%s (%s) is %s: a predictor is a number or a single choice", v->name,
                     v->label, type_name(v->type));
        else if (v == y)
            st = bad(m, sec, "predictors", err, "%s is the outcome", v->name);
        for (long j = 0; j < k && st == TS_OK; j++)
            if (s->pred[j] == v)
                st = bad(m, sec, "predictors", err, "%s is named twice", v->name);
        if (st == TS_OK)
            s->pred[k] = v;
    }
    ts_manifest_free_list(items, (size_t)(n > 0 ? n : 0));
    if (st != TS_OK)
        return st;
    s->glm.predictors = s->pred;
    s->glm.npredictors = (size_t)n;
    /* domain = VAR: CODE, CODE */
    const char *dom = ts_manifest_get(m, sec, "domain");
    if (dom && *dom) {
        const char *colon = strchr(dom, ':');
        if (!colon)
            return bad(m, sec, "domain", err, "expected VARIABLE: CODE, CODE, ... (e.g. sex: 2)");
        const char *nm = dom;
        size_t nl = (size_t)(colon - dom);
        ts_trim(&nm, &nl);
        char *name = ts_strndup(nm, nl);
        if (!name)
            return nomem(err);
        const ts_var *v = find(m, ds, input, sec, "domain", name, err);
        free(name);
        if (!v)
            return TS_E_DATA;
        if (v->type != TS_VAR_SINGLE)
            return bad(m, sec, "domain", err, "%s (%s) is %s: a domain variable must be coded (single choice)", v->name,
                       v->label, type_name(v->type));
        int32_t *codes = NULL;
        size_t nc = 0;
        if ((st = parse_codes(m, sec, "domain", colon + 1, v, &codes, &nc, err)) != TS_OK) {
            free(codes);
            return st;
        }
        if (!(s->in = calloc(ds->nrows ? ds->nrows : 1, 1))) {
            free(codes);
            return nomem(err);
        }
        for (size_t i = 0; i < ds->nrows; i++)
            for (size_t k = 0; k < nc && !ts_var_is_missing(v, i); k++)
                s->in[i] |= ts_var_int(v, i) == codes[k];
        free(codes);
        s->glm.in = s->in;
    }
    return TS_OK;
}

/* [privacy] min_cell on model S, as tsunagari-tab applies it to tables (docs/estimation.md,
 * "Disclosure control"; the levels of a factor are the categories of a domain):
 * - a level with fewer than MIN_CELL respondents in the fit is withheld whole (primary): its n
 *   and its coefficient, whose estimate is those few people's outcome against the reference
 *   and whose SE grows as 1/sqrt(their number);
 * - the levels' counts of each factor add up to the fit's n, which every row publishes: one
 *   withheld count would be n minus the others, so lib/suppress adds partners (secondary:
 *   their n only — no relation ties a coefficient to another level's) by the same rule and
 *   audit as a table's categories, n the margin; and then every other count of that factor,
 *   since tables.csv may publish the partner this audit chose (its own choice can differ);
 * - a reference level withheld: every coefficient of its factor is a contrast with those few
 *   people, and the intercept their (adjusted) outcome: withheld too (secondary);
 * - a predictor with a withheld level: its Wald tests go (secondary; for two levels F is the
 *   withheld t squared);
 * - a fit of fewer than MIN_CELL respondents: everything but the rows' names. */
static ts_status protect(model_spec *s, long min_cell, ts_err *err)
{
    const ts_glm_fit *f = s->fit;
    size_t np = s->glm.npredictors;
    if (!(s->ref_hide = calloc(np ? np : 1, 1)) || !(s->test_hide = calloc(np ? np : 1, 1)) ||
        !(s->col_hide = calloc(f->p, 1)) || !(s->coef_hide = calloc(f->p, 1)))
        return nomem(err);
    if (min_cell <= 0)
        return TS_OK;
    ts_suppress *sp = ts_suppress_new();
    size_t *cells = calloc(f->p + 2, sizeof *cells), *refc = calloc(np ? np : 1, sizeof *refc);
    size_t *colc = calloc(f->p, sizeof *colc);
    double *coef = calloc(f->p + 2, sizeof *coef);
    ts_status st = sp && cells && refc && colc && coef ? TS_OK : nomem(err);
    long ncell = st == TS_OK ? ts_suppress_cell(sp, "n", (double)f->n, 1, 1) : -1;
    if (st == TS_OK && ncell < 0)
        st = nomem(err);
    char key[48];
    for (size_t k = 0; k < np && st == TS_OK; k++) {
        if (s->pred[k]->type != TS_VAR_SINGLE)
            continue;
        size_t m = 0;
        snprintf(key, sizeof key, "%zu:ref", k);
        long c = ts_suppress_cell(sp, key, (double)f->ref_n[k], 0, 1);
        refc[k] = (size_t)c;
        cells[m] = (size_t)c;
        coef[m++] = 1;
        for (size_t j = 0; j < f->p && c >= 0; j++) {
            if (f->col_pred[j] != (int)k)
                continue;
            snprintf(key, sizeof key, "%zu:%zu", k, j);
            if ((c = ts_suppress_cell(sp, key, (double)f->col_n[j], 0, 1)) >= 0) {
                colc[j] = (size_t)c;
                cells[m] = (size_t)c;
                coef[m++] = 1;
            }
        }
        cells[m] = (size_t)ncell;
        coef[m++] = -1;
        if (c < 0 || ts_suppress_relation(sp, cells, coef, m) != 0)
            st = nomem(err);
    }
    if (st == TS_OK)
        st = ts_suppress_run(sp, min_cell, err);
#define HIDE(cell) (ts_suppress_state(sp, cell) == TS_CELL_PRIMARY     ? HIDE_PRIMARY \
                    : ts_suppress_state(sp, cell) == TS_CELL_SECONDARY ? HIDE_SECONDARY : HIDE_NONE)
    if (st == TS_OK) {
        s->n_hide = (unsigned char)HIDE((size_t)ncell);
        for (size_t k = 0; k < np; k++)
            if (s->pred[k]->type == TS_VAR_SINGLE)
                s->ref_hide[k] = (unsigned char)HIDE(refc[k]);
        for (size_t j = 0; j < f->p; j++) {
            int k = f->col_pred[j];
            if (k < 0 || s->pred[k]->type != TS_VAR_SINGLE)
                continue;
            s->col_hide[j] = (unsigned char)HIDE(colc[j]);
            if (s->col_hide[j] == HIDE_PRIMARY)
                s->coef_hide[j] = HIDE_PRIMARY;
            if (s->col_hide[j] == HIDE_PRIMARY || s->ref_hide[k] == HIDE_PRIMARY)
                s->test_hide[k] = HIDE_SECONDARY;
        }
        /* every other count of a factor with a withheld level goes too: tables.csv publishes
         * the variable's counts among all respondents, equal to the fit's when nobody is
         * missing, and its partners need not be the ones chosen here */
        for (size_t k = 0; k < np; k++)
            if (s->test_hide[k]) {
                if (!s->ref_hide[k])
                    s->ref_hide[k] = HIDE_SECONDARY;
                for (size_t j = 0; j < f->p; j++)
                    if (f->col_pred[j] == (int)k && !s->col_hide[j])
                        s->col_hide[j] = HIDE_SECONDARY;
            }
        for (size_t j = 0; j < f->p; j++) {
            int k = f->col_pred[j];
            for (size_t q = 0; q < np; q++)
                if (s->ref_hide[q] == HIDE_PRIMARY && (k < 0 || k == (int)q) && !s->coef_hide[j])
                    s->coef_hide[j] = HIDE_SECONDARY;
        }
        if (s->n_hide == HIDE_PRIMARY) { /* the whole fit rests on too few */
            memset(s->coef_hide, HIDE_PRIMARY, f->p);
            memset(s->col_hide, HIDE_PRIMARY, f->p);
            memset(s->ref_hide, HIDE_PRIMARY, np);
            memset(s->test_hide, HIDE_PRIMARY, np);
        }
    }
#undef HIDE
    ts_suppress_free(sp);
    free(cells);
    free(refc);
    free(colc);
    free(coef);
    return st;
}

/* The rows a model withholds, for the summary. */
static size_t hidden_rows(const model_spec *s)
{
    size_t n = 0;
    for (size_t j = 0; j < s->fit->p; j++)
        n += s->coef_hide[j] || s->col_hide[j];
    for (size_t k = 0; k < s->glm.npredictors; k++)
        n += (s->ref_hide[k] != 0) + 2 * (s->test_hide[k] != 0);
    return n;
}

static void put_num(FILE *fp, double x)
{
    if (isnan(x) || isinf(x))
        return;
    fprintf(fp, "%.17g", x);
}

static const char *code_label(const ts_var *v, int32_t code)
{
    long i = ts_var_code_index(v, code);
    return i >= 0 ? v->codes[i].label : "";
}

/* The predictor of S named NAME (the outcome is never a term). */
static const ts_var *find_predictor(const model_spec *s, const char *name)
{
    for (size_t k = 0; k < s->glm.npredictors; k++)
        if (strcmp(s->pred[k]->name, name) == 0)
            return s->pred[k];
    return NULL;
}

/* One row: the text columns, then the numbers (NaN: empty). */
/* NUM_HIDE withholds the numbers (suppressed = yes), N_HIDE the level's n; the stronger reason
 * is the row's suppression. */
static void row(FILE *fp, ts_csv_mode mode, const model_spec *s, const char *statistic, const char *term, const char *level,
                const char *label, const double *num, double level_n, int num_hide, int n_hide, size_t *rows)
{
    ts_csv_put_text_str(fp, s->section + 6, mode);
    fprintf(fp, ",%s,%s,", s->glm.family == TS_GLM_LOGISTIC ? "logistic" : "linear", statistic);
    ts_csv_put_text_str(fp, term, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, level, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, label, mode);
    for (int k = 0; k < 11; k++) {
        putc(',', fp);
        if (!num_hide)
            put_num(fp, num[k]);
    }
    fprintf(fp, ",%.15g,", s->glm.level);
    if (!s->n_hide)
        put_num(fp, (double)s->fit->n);
    putc(',', fp);
    if (!s->n_hide)
        put_num(fp, s->fit->weighted_n);
    putc(',', fp);
    const ts_var *v = strcmp(term, "(Intercept)") == 0 ? NULL : find_predictor(s, term);
    ts_csv_put_text_str(fp, v ? v->label : "", mode);
    putc(',', fp);
    if (!n_hide)
        put_num(fp, level_n);
    int why = num_hide == HIDE_PRIMARY || n_hide == HIDE_PRIMARY ? HIDE_PRIMARY : num_hide ? num_hide : n_hide;
    fprintf(fp, ",%s,%s,", num_hide ? "yes" : "", why == HIDE_PRIMARY ? "primary" : why ? "secondary" : "");
    ts_csv_put_text_str(fp, s->title, mode);
    putc('\n', fp);
    (*rows)++;
}

/* Columns after label: estimate se t df df2 p_value ci_low ci_high odds_ratio or_low or_high */
static void write_model(FILE *fp, ts_csv_mode mode, const model_spec *s, size_t *rows)
{
    const ts_glm_fit *f = s->fit;
    int logit = s->glm.family == TS_GLM_LOGISTIC;
    for (long k = -1; k < (long)s->glm.npredictors; k++) {
        const ts_var *v = k >= 0 ? s->pred[k] : NULL;
        char code[24];
        if (v && v->type == TS_VAR_SINGLE) { /* the reference level: odds ratio 1 by definition */
            snprintf(code, sizeof code, "%d", f->ref_level[k]);
            double num[11] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, logit ? 1 : NAN, NAN, NAN};
            row(fp, mode, s, "reference", v->name, code, code_label(v, f->ref_level[k]), num, (double)f->ref_n[k],
                s->ref_hide[k] == HIDE_PRIMARY ? HIDE_PRIMARY : HIDE_NONE, s->ref_hide[k], rows);
        }
        for (size_t j = 0; j < f->p; j++) {
            if (f->col_pred[j] != k)
                continue;
            code[0] = '\0';
            if (v && v->type == TS_VAR_SINGLE)
                snprintf(code, sizeof code, "%d", f->col_level[j]);
            double num[11] = {f->beta[j], f->se[j], f->t[j], f->df, NAN, f->pval[j], f->lo[j], f->hi[j],
                              logit ? exp(f->beta[j]) : NAN, logit ? exp(f->lo[j]) : NAN, logit ? exp(f->hi[j]) : NAN};
            row(fp, mode, s, "coefficient", v ? v->name : "(Intercept)", code, v && *code ? code_label(v, f->col_level[j]) : "",
                num, *code ? (double)f->col_n[j] : NAN, s->coef_hide[j], s->col_hide[j], rows);
        }
        if (v) {
            const ts_glm_test *t = &f->tests[k];
            double nf[11] = {t->f, NAN, NAN, (double)t->ncol, f->df, t->f_p, NAN, NAN, NAN, NAN, NAN};
            row(fp, mode, s, "wald_f", v->name, "", "", nf, NAN, s->test_hide[k], HIDE_NONE, rows);
            double nc[11] = {t->chisq, NAN, NAN, (double)t->ncol, NAN, t->chisq_p, NAN, NAN, NAN, NAN, NAN};
            row(fp, mode, s, "wald_chisq", v->name, "", "", nc, NAN, s->test_hide[k], HIDE_NONE, rows);
        }
    }
}

/* "  LABEL" padded to WIDTH columns. */
static void put_padded(FILE *fp, int indent, const char *label, size_t width)
{
    fprintf(fp, "%*s%s", indent, "", label);
    for (size_t w = ts_text_display_width(label) + (size_t)indent; w < width; w++)
        putc(' ', fp);
}

static void put_p(FILE *fp, double p)
{
    if (isnan(p))
        fputs("      ", fp);
    else if (p < 0.001)
        fputs("<0.001", fp);
    else
        fprintf(fp, "%6.3f", p);
}

/* One model as text: odds ratios with their interval (logistic) or coefficients with SE and
 * interval (linear), a line per predictor with its Wald F test, levels indented under it. */
static void text_model(FILE *fp, const model_spec *s)
{
    const ts_glm_fit *f = s->fit;
    const ts_var *y = s->glm.outcome;
    int logit = s->glm.family == TS_GLM_LOGISTIC;
    fprintf(fp, "\n[%s] %s%s%s (%s)", s->section + 6, s->title, *s->title ? " — " : "", y->label, y->name);
    for (size_t k = 0; k < s->glm.noutcome_codes; k++)
        fprintf(fp, TR("%s「%s」"), k ? "" : " = ", code_label(y, s->codes[k]));
    fprintf(fp, ": %s, n = ", logit ? TR("ロジスティック回帰") : TR("線形回帰"));
    if (s->n_hide)
        fputs(TR("＊"), fp);
    else
        fprintf(fp, "%zu", f->n);
    fprintf(fp, ", df = %g%s\n", f->df, s->weighted ? "" : " (weighted = no)");
    const size_t W = 30;
    put_padded(fp, 2, "", W);
    fprintf(fp, logit ? TR("オッズ比  [%g%%信頼区間]\n") : TR("        係数  (標準誤差)  [%g%%信頼区間]\n"),
            round(s->glm.level * 1000) / 10);
    for (long k = -1; k < (long)s->glm.npredictors; k++) {
        const ts_var *v = k >= 0 ? s->pred[k] : NULL;
        int factor = v && v->type == TS_VAR_SINGLE;
        if (v) {
            ts_strbuf head = TS_STRBUF_INIT;
            ts_strbuf_printf(&head, "%s (%s)", v->label, v->name);
            put_padded(fp, 2, head.data ? head.data : v->name, W);
            ts_strbuf_free(&head);
            const ts_glm_test *t = &f->tests[k];
            if (factor) {
                if (s->test_hide[k])
                    fputs(TR("F = ＊"), fp);
                else {
                    fprintf(fp, "F = %.2f (%zu, %g df), p = ", t->f, t->ncol, f->df);
                    put_p(fp, t->f_p);
                }
                fputc('\n', fp);
                put_padded(fp, 4, code_label(v, f->ref_level[k]), W);
                if (s->ref_hide[k] == HIDE_PRIMARY)
                    fputs(TR("       ＊ (基準)"), fp);
                else
                    fprintf(fp, logit ? TR("       1 (基準)") : TR("       0 (基準)"));
                if (s->ref_hide[k])
                    fputs(TR("   n = ＊\n"), fp);
                else
                    fprintf(fp, "   n = %zu\n", f->ref_n[k]);
            }
        } else if (!logit) {
            put_padded(fp, 2, TR("(切片)"), W);
        } else
            continue; /* the intercept's odds are the reference group's, not a ratio */
        for (size_t j = 0; j < f->p; j++) {
            if (f->col_pred[j] != k)
                continue;
            if (factor)
                put_padded(fp, 4, code_label(v, f->col_level[j]), W);
            if (s->coef_hide[j])
                fputs(logit ? TR("       ＊") : TR("           ＊"), fp);
            else if (logit)
                fprintf(fp, "%8.2f  [%.2f, %.2f]", exp(f->beta[j]), exp(f->lo[j]), exp(f->hi[j]));
            else
                fprintf(fp, "%12.4g  (%.4g)  [%.4g, %.4g]", f->beta[j], f->se[j], f->lo[j], f->hi[j]);
            if (!s->coef_hide[j]) {
                fputs("   p = ", fp);
                put_p(fp, f->pval[j]);
            }
            if (factor && s->col_hide[j])
                fputs(TR("   n = ＊"), fp);
            else if (factor)
                fprintf(fp, "   n = %zu", f->col_n[j]);
            fputc('\n', fp);
        }
    }
}

static void spec_free(model_spec *s)
{
    free(s->pred);
    free(s->codes);
    free(s->in);
    free(s->ref_hide);
    free(s->col_hide);
    free(s->coef_hide);
    free(s->test_hide);
    ts_glm_fit_free(s->fit);
}

ts_status model_run(const model_options *opt, FILE *summary, ts_err *err)
{
    ts_manifest *m = NULL;
    ts_dataset *ds = NULL;
    ts_sample *d = NULL, *unweighted = NULL;
    model_spec *specs = NULL;
    size_t nspecs = 0, rows = 0;
    ts_atomicfile *out = NULL, *txt = NULL;
    ts_status st;
    if (!(m = ts_manifest_read(opt->manifest, err)))
        return err->status;
    if (ts_schema_check(m, TS_STAGE_MODEL, err) != TS_OK) {
        st = TS_E_DATA;
        goto done;
    }
    long min_cell = opt->min_cell;
    if (min_cell < 0 && (st = ts_privacy_min_cell(m, &min_cell, err)) != TS_OK)
        goto done;
    if (!(ds = ts_dataset_read(opt->input, err))) {
        st = err->status;
        goto done;
    }
    /* [report] language and labels: models.csv's labels in the report's label language, and the
     * models' title_en in an English report (lib/i18n, as tsunagari-tab) */
    const char *labels = NULL;
    if ((st = ts_i18n_setup(m, NULL, NULL, &labels, err)) != TS_OK)
        goto done;
    if (ts_dataset_use_labels(ds, labels) != 0) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    ts_design design;
    st = ts_design_read(ds, &design, err);
    if (st == TS_OK && opt->lonely >= 0)
        design.lonely_psu = (ts_lonely_psu)opt->lonely;
    if (st == TS_OK && (!(d = ts_sample_new(ds, &design, err)) || !(unweighted = ts_sample_unweighted(ds, &design, err))))
        st = err->status;
    ts_design_clear(&design);
    if (st != TS_OK) {
        if (st == TS_E_DATA)
            ts_err_prefix(err, "%s", opt->input);
        goto done;
    }
    size_t ns = ts_manifest_section_count(m);
    if (!(specs = calloc(ns ? ns : 1, sizeof *specs))) {
        st = nomem(err);
        goto done;
    }
    for (size_t k = 0; k < ns && st == TS_OK; k++) {
        const char *sec = ts_manifest_section(m, k);
        if (strncmp(sec, "model.", 6) != 0)
            continue;
        model_spec *s = &specs[nspecs++];
        if ((st = parse_model(m, ds, opt->input, sec, s, err)) != TS_OK)
            break;
        int about;
        if (!(s->fit = ts_glm_fit_new(s->weighted ? d : unweighted, &s->glm, &about, err))) {
            st = err->status;
            char *msg = st == TS_E_DATA ? ts_strdup(err->msg ? err->msg : "") : NULL;
            if (msg)
                bad(m, sec, about == TS_GLM_ABOUT_OUTCOME ? "outcome" : about >= 0 ? "predictors" : NULL, err, "%s", msg);
            free(msg);
        } else
            st = protect(s, min_cell, err);
    }
    if (st != TS_OK)
        goto done;
    if (nspecs == 0) {
        st = ts_err_set(err, TS_E_DATA, "%s: no [model.NAME] section: nothing to fit", ts_manifest_path(m));
        goto done;
    }
    static const char header[] = "model,family,statistic,term,level,label,estimate,se,t,df,df2,p_value,ci_low,"
                                 "ci_high,odds_ratio,or_low,or_high,ci_level,n,weighted_n,term_label,level_n,"
                                 "suppressed,suppression,model_title\n";
    if (!(out = ts_atomicfile_open_csv(opt->output, opt->bom, header, err))) {
        st = err->status;
        goto done;
    }
    FILE *fp = ts_atomicfile_stream(out);
    ts_csv_mode mode = opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE;
    size_t hidden = 0;
    for (size_t k = 0; k < nspecs; k++) {
        write_model(fp, mode, &specs[k], &rows);
        hidden += hidden_rows(&specs[k]);
    }
    if (opt->text) {
        if (!(txt = ts_atomicfile_open(opt->text, err))) {
            st = err->status;
            goto done;
        }
        FILE *tp = ts_atomicfile_stream(txt);
        fprintf(tp, "%s: %s — %s\n", PROG, opt->input, d->summary);
        for (size_t k = 0; k < nspecs; k++)
            text_model(tp, &specs[k]);
        st = ts_atomicfile_commit(txt, err);
        txt = NULL;
        if (st != TS_OK)
            goto done;
    }
    st = ts_atomicfile_commit(out, err);
    out = NULL;
    if (st == TS_OK && !opt->quiet)
    {
        fprintf(summary, "%s: %s: %zu model%s, %zu rows written to %s (%s)", PROG, opt->input, nspecs,
                nspecs == 1 ? "" : "s", rows, opt->output, d->summary);
        if (hidden)
            fprintf(summary, "; %zu row%s withheld in part or whole (min_cell %ld)", hidden, hidden == 1 ? "" : "s",
                    min_cell);
        fputc('\n', summary);
    }
done:
    ts_atomicfile_abort(out);
    ts_atomicfile_abort(txt);
    for (size_t k = 0; k < nspecs; k++)
        spec_free(&specs[k]);
    free(specs);
    ts_sample_free(d);
    ts_sample_free(unweighted);
    ts_dataset_free(ds);
    ts_manifest_free(m);
    return st;
}
