/* disclose.c — which cells tsunagari-tab may publish (docs/estimation.md, "Small cells"):
 * every table's cells go into one disclosure model (lib/suppress) with the linear relations a
 * reader of tables.csv has, and primary plus secondary suppression decide.
 *
 * A cell is a count of respondents: one category of one domain (its share, weighted count,
 * SE and interval are published or withheld together), a domain's n, or the one estimate of
 * a domain in a table of means or totals. Cells are named by variable, domain and category,
 * so that the same cell in two tables (every table of a variable has the same 全体 row; a
 * table by age and sex holds the margins of a table by age) is one cell. The relations:
 *   - single choice: a domain's categories add up to its n, and its shares to 1 — the second
 *     holds even when n is withheld, so a withheld n is no partner for a category;
 *   - the domains of a by variable add up to 全体, for each category and for n (respondents
 *     with the by variable missing are an unpublished cell of their own);
 *   - crossed domains (by A, B) add up to the domains of A and of B, published or not. */
#include "tabctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The domain part of a cell's name: "age_band=3;sex=1" with the variables in name order, so
 * that a table by sex, age_band names its cells as one by age_band, sex does; "" for 全体. */
static void domain_key(const table_spec *t, const int32_t *codes, size_t nby, ts_strbuf *out)
{
    size_t first = nby == 2 && strcmp(t->by[1]->name, t->by[0]->name) < 0;
    for (size_t k = 0; k < nby; k++) {
        size_t v = (first + k) % nby;
        ts_strbuf_printf(out, "%s%s=%d", k ? ";" : "", t->by[v]->name, codes[v]);
    }
}

/* Domain key of a margin of a crossed table: variable V alone with CODE, or V unknown
 * ("age_band=?": respondents with it missing). */
static void margin_key(const ts_var *v, const char *code, ts_strbuf *out) { ts_strbuf_printf(out, "%s=%s", v->name, code); }

/* Cell VAR|DOMAIN|WHAT into the model; -1 when memory runs out. */
static long cell(run *r, const table_spec *t, const char *domain, const char *what, double count, int margin,
                 int published)
{
    ts_strbuf key = TS_STRBUF_INIT;
    ts_strbuf_printf(&key, "%s|%s|%s", t->var->name, domain, what);
    long c = key.data ? ts_suppress_cell(r->sdc, key.data, count, margin, published) : -1;
    ts_strbuf_free(&key);
    return c;
}

/* The name of a table's column J: a category "c=3", the domain's "n", "v" (the estimate of a
 * table of means or totals, and every quantile: they rest on the same respondents), or
 * "v/DEN" (a ratio: the respondents who answered both). */
static void column_name(const table_spec *t, const table_result *res, const domain_result *dom, size_t j, char *out,
                        size_t len)
{
    if (j == dom->k)
        snprintf(out, len, "n");
    else if (t->stat == TAB_RATIO)
        snprintf(out, len, "v/%s", t->den->name);
    else if (res->ncat)
        snprintf(out, len, "c=%d", (int)dom->e[j].code);
    else
        snprintf(out, len, "v");
}

static int share_table(const table_result *res) { return res->ncat > 0; }

/* The cells of every domain of T, and the relations within each domain. */
static ts_status domain_cells(run *r, const table_spec *t, table_result *res, ts_err *err)
{
    size_t *terms = malloc((res->ncat + 2) * sizeof *terms);
    double *coef = malloc((res->ncat + 2) * sizeof *coef);
    ts_status st = terms && coef ? TS_OK : tab_nomem(err);
    for (size_t j = 0; j < res->ndom && st == TS_OK; j++) {
        domain_result *dom = &res->dom[j];
        ts_strbuf dk = TS_STRBUF_INIT;
        if (j > 0)
            domain_key(t, dom->by_code, t->nby, &dk);
        const char *dkey = dk.data ? dk.data : "";
        int all = j == 0;
        char what[256];
        for (size_t c = 0; c < dom->k && st == TS_OK; c++) {
            column_name(t, res, dom, c, what, sizeof what);
            double count = share_table(res) ? dom->e[c].n_cat : dom->e[c].n;
            if ((dom->cell[c] = cell(r, t, dkey, what, count, all, 1)) < 0)
                st = tab_nomem(err);
        }
        if (st == TS_OK && share_table(res) && (dom->ncell = cell(r, t, dkey, "n", dom->e[0].n, 1, 1)) < 0)
            st = tab_nomem(err);
        if (st == TS_OK && share_table(res) && t->var->type == TS_VAR_SINGLE) {
            for (size_t c = 0; c < dom->k; c++) {
                terms[c] = (size_t)dom->cell[c];
                coef[c] = 1;
            }
            terms[dom->k] = (size_t)dom->ncell;
            coef[dom->k] = -1;
            /* the counts add up to n; the shares to 1 (n not needed) */
            if (ts_suppress_relation(r->sdc, terms, coef, dom->k + 1) != 0 ||
                ts_suppress_rule(r->sdc, terms, dom->k) != 0)
                st = tab_nomem(err);
        }
        ts_strbuf_free(&dk);
    }
    free(terms);
    free(coef);
    return st;
}

/* Respondents of T's sample who answered T's variable, in every row for which KEEP says so. */
typedef int (*row_filter)(const table_spec *t, size_t i, const void *arg);

static double answered(const run *r, const table_spec *t, row_filter keep, const void *arg)
{
    const ts_sample *d = table_sample(r, t);
    double n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->w[i] > 0 && !ts_var_is_missing(t->var, i) && keep(t, i, arg);
    return n;
}

static int in_no_domain(const table_spec *t, size_t i, const void *arg)
{
    (void)arg;
    return !ts_var_is_listed(t->by[0], i) || (t->nby > 1 && !ts_var_is_listed(t->by[1], i));
}

typedef struct margin_arg {
    size_t fixed;    /* the by variable held at CODE */
    int32_t code;
} margin_arg;

static int other_in_margin(const table_spec *t, size_t i, const void *arg)
{
    const margin_arg *m = arg;
    const ts_var *v = t->by[m->fixed], *o = t->by[1 - m->fixed];
    return ts_var_is_listed(v, i) && ts_var_int(v, i) == m->code && !ts_var_is_listed(o, i);
}

/* For each column of T: the domains in SEL (indices, N) plus the respondents in none of them
 * (an unpublished cell, when there are any: OTHER > 0) add up to the cell TOTAL_DOMAIN of the
 * same column (a published 全体 or a margin of a crossed table, published or not). */
static ts_status sum_relation(run *r, const table_spec *t, const table_result *res, const size_t *sel, size_t n,
                              const char *total_domain, int total_is_all, const char *other_domain, double other,
                              ts_err *err)
{
    /* a table of quantiles has one cell per domain, whatever the number of quantiles */
    size_t ncol = share_table(res) ? res->dom[0].k + 1 : 1;
    size_t *terms = malloc((n + 2) * sizeof *terms);
    double *coef = malloc((n + 2) * sizeof *coef);
    ts_status st = terms && coef ? TS_OK : tab_nomem(err);
    char what[256];
    for (size_t j = 0; j < ncol && st == TS_OK; j++) {
        size_t m = 0;
        for (size_t q = 0; q < n; q++) {
            const domain_result *dom = &res->dom[sel[q]];
            terms[m] = (size_t)(j == dom->k ? dom->ncell : dom->cell[j]);
            coef[m++] = 1;
        }
        column_name(t, res, &res->dom[0], j, what, sizeof what);
        long tot = total_is_all ? (j == res->dom[0].k ? res->dom[0].ncell : res->dom[0].cell[j])
                                : cell(r, t, total_domain, what, 0, 1, 0);
        long oth = other > 0 ? cell(r, t, other_domain, what, 0, 0, 0) : 0;
        if (tot < 0 || oth < 0) {
            st = tab_nomem(err);
            break;
        }
        terms[m] = (size_t)tot;
        coef[m++] = -1;
        if (other > 0) {
            terms[m] = (size_t)oth;
            coef[m++] = 1;
        }
        if (ts_suppress_relation(r->sdc, terms, coef, m) != 0)
            st = tab_nomem(err);
    }
    free(terms);
    free(coef);
    return st;
}

/* The relations between T's domains: they add up to 全体; crossed ones to their margins. */
static ts_status domain_relations(run *r, const table_spec *t, const table_result *res, ts_err *err)
{
    if (t->nby == 0 || res->ndom < 2)
        return TS_OK;
    size_t n = res->ndom - 1;
    size_t *sel = malloc(n * sizeof *sel);
    if (!sel)
        return tab_nomem(err);
    for (size_t q = 0; q < n; q++)
        sel[q] = q + 1;
    ts_strbuf other = TS_STRBUF_INIT;
    margin_key(t->by[0], "?", &other);
    if (t->nby > 1) {
        ts_strbuf_append_char(&other, ';');
        margin_key(t->by[1], "?", &other);
    }
    ts_status st = sum_relation(r, t, res, sel, n, "", 1, other.data ? other.data : "",
                                answered(r, t, in_no_domain, NULL), err);
    ts_strbuf_free(&other);
    /* crossed: for each code of one by variable, its domains add up to its margin */
    for (size_t fixed = 0; t->nby == 2 && fixed < 2 && st == TS_OK; fixed++) {
        const ts_var *v = t->by[fixed];
        for (size_t k = 0; k < v->ncodes && st == TS_OK; k++) {
            if (v->codes[k].missing)
                continue;
            size_t m = 0;
            for (size_t q = 1; q < res->ndom; q++)
                if (res->dom[q].by_code[fixed] == v->codes[k].code)
                    sel[m++] = q;
            if (m == 0)
                continue;
            ts_strbuf total = TS_STRBUF_INIT, oth = TS_STRBUF_INIT;
            char code[24];
            snprintf(code, sizeof code, "%d", (int)v->codes[k].code);
            margin_key(v, code, &total);
            /* the margin's other part: V = code with the other by variable missing */
            ts_strbuf_printf(&oth, "%s;%s=?", total.data ? total.data : "", t->by[1 - fixed]->name);
            margin_arg arg = {fixed, v->codes[k].code};
            st = total.data && oth.data ? sum_relation(r, t, res, sel, m, total.data, 0, oth.data,
                                                       answered(r, t, other_in_margin, &arg), err)
                                        : tab_nomem(err);
            ts_strbuf_free(&total);
            ts_strbuf_free(&oth);
        }
    }
    free(sel);
    return st;
}

ts_status disclose(run *r, const table_spec *t, table_result *res, size_t n, ts_err *err)
{
    ts_status st = TS_OK;
    for (size_t k = 0; k < n && st == TS_OK; k++)
        st = domain_cells(r, &t[k], &res[k], err);
    for (size_t k = 0; k < n && st == TS_OK; k++)
        st = domain_relations(r, &t[k], &res[k], err);
    /* a census's 0 is shown as 0: nobody in that group chose it, so it rests on no unit */
    ts_suppress_zero_safe(r->sdc, r->census);
    return st == TS_OK ? ts_suppress_run(r->sdc, r->min_cell, err) : st;
}

ts_cell_state cell_state(const run *r, const domain_result *d, size_t c)
{
    return d->cell[c] < 0 ? TS_CELL_PUBLISHED : ts_suppress_state(r->sdc, (size_t)d->cell[c]);
}

ts_cell_state n_state(const run *r, const domain_result *d)
{
    return d->ncell < 0 ? TS_CELL_PUBLISHED : ts_suppress_state(r->sdc, (size_t)d->ncell);
}
