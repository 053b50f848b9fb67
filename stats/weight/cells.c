/* cells.c — each respondent's cell of a margin table or frame, by exact codes (cells_of) or
 * through a cellmap that merges cells as the collapse rules say (cells.h). */
#include "cells.h"

#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "numparse.h"

/* Each row's cell in table T (its codes for T's variables), or TS_CALIB_NO_CELL when one of
 * them is missing. Returns -1 (and sets ERR) when a row's codes have no cell in T. */
int cells_of(const wctx *c, const margin_table *t, size_t *cell, ts_err *err)
{
    int32_t *codes = malloc(t->nvars * sizeof *codes);
    if (!codes) {
        wctx_nomem(err);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        cell[i] = TS_CALIB_NO_CELL;
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

struct cellmap {
    size_t nvars;
    ts_var **vars;
    size_t *stride;
    size_t size;      /* product of the variables' code counts */
    size_t *cell;     /* radix index → cell of the table, or TS_CALIB_NO_CELL */
    const collapse_rule *rules;
    size_t nrules;
};

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

void cellmap_free(cellmap *cm)
{
    if (!cm)
        return;
    free(cm->stride);
    free(cm->cell);
    free(cm);
}

/* The cells of table T (merged by collapse rules) addressed by radix. */
cellmap *cellmap_new(margin_table *t, const collapse_rule *rules, size_t nrules, ts_err *err)
{
    cellmap *cm = calloc(1, sizeof *cm);
    if (cm) {
        cm->rules = rules;
        cm->nrules = nrules;
    }
    if (!cm || !(cm->stride = malloc(t->nvars * sizeof *cm->stride))) {
        free(cm);
        wctx_nomem(err);
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
        wctx_nomem(err);
        return NULL;
    }
    for (size_t i = 0; i < cm->size; i++)
        cm->cell[i] = TS_CALIB_NO_CELL;
    /* Merge collapsed cells into the cell they are collapsed into, which keeps its name. */
    for (size_t c = 0; c < t->ncells; c++) {
        size_t idx = radix_of(cm, &t->codes[c * t->nvars]);
        if (idx == SIZE_MAX)
            continue;
        size_t keep = cm->cell[idx];
        if (keep == TS_CALIB_NO_CELL)
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

/* Each row's cell of T; rows with a missing variable, or dropped, get TS_CALIB_NO_CELL. */
int cellmap_rows(const wctx *c, const cellmap *cm, const margin_table *t, size_t *cell, ts_err *err)
{
    int32_t codes[64];
    if (t->nvars > 64)
        return ts_err_set(err, TS_E_DATA, "%s: more than 64 variables", t->file), -1;
    for (size_t i = 0; i < c->n; i++) {
        cell[i] = TS_CALIB_NO_CELL;
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
        if (idx == SIZE_MAX || cm->cell[idx] == TS_CALIB_NO_CELL) {
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

ts_status collapse_read(wctx *c, const char *section, collapse_count_fn count, const void *arg,
                        collapse_rule **out, size_t *nout, ts_err *err)
{
    *out = NULL;
    *nout = 0;
    const char *spec = wctx_get(c, section, "collapse", NULL);
    const char *what = strcmp(section, "nonresponse") == 0 ? "for the nonresponse classes" : "for weighting";
    if (!spec)
        return TS_OK;
    double below;
    ts_status st = wctx_get_number(c, section, "collapse_below", 0, &below, err);
    if (st != TS_OK)
        return st;
    char *copy = ts_strdup(spec), *save = NULL;
    if (!copy)
        return wctx_nomem(err);
    for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(item, ':'), *gt = colon ? strstr(colon, ">") : NULL;
        if (!colon || !gt) {
            free(copy);
            return wctx_bad_setting(c, section, "collapse", "VAR: FROM > TO (labels or codes), separated by ;", err);
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
            return wctx_bad_setting(c, section, "collapse", "a variable and two of its labels or codes", err);
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
            return wctx_nomem(err);
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
