/* counts.c — tsunagari-tab --counts FILE: the tables of a counts file (docs/counts.md), not of
 * respondents. Each [table.NAME] names a classifying column (`var`), optionally a domain
 * column (`by`) and the count column (`count`, default the file's last column); its rows of
 * tables.csv are shares of the domain's total with the counts as n_category and the total as
 * n — exact numbers, so no standard error, interval, design effect or test
 * (docs/tables-format.md, "Counts tables"). [privacy] min_cell withholds a count of 1 ..
 * min_cell − 1 (a 0 is no one), and then, so that it cannot be worked out from the published
 * total, the smallest other count of its row or column (secondary). */
#include "tab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "counts.h"
#include "i18n.h"
#include "csvwrite.h"
#include "manifest.h"
#include "numformat.h"
#include "privacy.h"
#include "schema.h"
#include "strbuf.h"
#include "textfold.h"

#define PROG "tsunagari-tab"

enum { MAX_CATS = 200 };

/* Distinct values of one column in order of first appearance; code = index + 1. */
typedef struct levels {
    const char *label[MAX_CATS];
    size_t n;
} levels;

typedef struct ctable {
    const char *id;            /* NAME of [table.NAME] */
    long var, by, count;       /* columns; by −1: none */
    levels cats, doms;         /* categories of var; domains of by (none: 0) */
    double *cell;              /* (1 + ndoms) × (ncats + 1): counts, the last column the domain's total; row 0 全体 */
    int *state;                /* the same shape: 0 published, 1 primary, 2 secondary */
} ctable;

static long level_of(levels *l, const char *s, int add)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->label[i], s) == 0)
            return (long)i;
    if (!add || l->n >= MAX_CATS)
        return -1;
    l->label[l->n] = s;
    return (long)l->n++;
}

/* A [table.NAME] key a counts table has no use for. */
static ts_status refuse_key(const ts_manifest *m, const char *sec, const char *key, ts_err *err)
{
    return ts_err_set(err, TS_E_DATA,
                      "%s:%lu: [%s] %s: not with [input] counts: a counts table holds exact counts and their shares "
                      "(no statistic, interval, test, weights or differences to choose; docs/counts.md)",
                      ts_manifest_path(m), ts_manifest_line(m, sec, key), sec, key);
}

/* The column named by SEC.KEY, or TS_E_DATA naming the manifest line and the file's columns. */
static ts_status column_of(const ts_manifest *m, const ts_counts *c, const char *sec, const char *key, const char *v,
                           long *out, ts_err *err)
{
    if ((*out = ts_counts_col(c, v)) >= 0)
        return TS_OK;
    ts_strbuf cols = TS_STRBUF_INIT;
    for (size_t i = 0; i < c->ncols; i++)
        ts_strbuf_printf(&cols, "%s%s", i ? ", " : "", c->col[i]);
    ts_err_set(err, TS_E_DATA, "%s:%lu: [%s] %s = %s: %s has no such column (its columns: %s)", ts_manifest_path(m),
               ts_manifest_line(m, sec, key), sec, key, v, c->name, cols.data ? cols.data : "");
    ts_strbuf_free(&cols);
    return TS_E_DATA;
}

/* Parse table SEC of M against C into T, and add up its cells. */
static ts_status build_table(const ts_manifest *m, const ts_counts *c, const char *sec, ctable *t, ts_err *err)
{
    static const char *const allowed[] = {"var", "by", "count"};
    for (size_t i = 0; i < ts_manifest_count(m); i++) {
        const char *s, *k;
        unsigned long line;
        ts_manifest_entry(m, i, &s, &k, &line);
        if (strcmp(s, sec) != 0)
            continue;
        int ok = 0;
        for (size_t j = 0; j < 3; j++)
            ok |= strcmp(k, allowed[j]) == 0;
        if (!ok)
            return refuse_key(m, sec, k, err);
    }
    t->id = sec + 6;
    const char *var = ts_manifest_get(m, sec, "var"), *by = ts_manifest_get(m, sec, "by"),
               *count = ts_manifest_get(m, sec, "count");
    if (!var || !*var)
        return ts_err_set(err, TS_E_DATA, "%s: [%s]: var is missing: the classifying column of %s to tabulate",
                          ts_manifest_path(m), sec, c->name);
    ts_status st = column_of(m, c, sec, "var", var, &t->var, err);
    t->by = -1;
    if (st == TS_OK && by && *by) {
        if (strchr(by, ','))
            return ts_err_set(err, TS_E_DATA, "%s:%lu: [%s] by = %s: a counts table has one domain column",
                              ts_manifest_path(m), ts_manifest_line(m, sec, "by"), sec, by);
        st = column_of(m, c, sec, "by", by, &t->by, err);
    }
    if (st != TS_OK)
        return st;
    if (count && *count) {
        if ((st = column_of(m, c, sec, "count", count, &t->count, err)) != TS_OK)
            return st;
    } else {
        t->count = (long)c->ncols - 1;
    }
    if (t->count == t->var || t->count == t->by || t->var == t->by)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: [%s]: var, by and count must be three different columns of %s",
                          ts_manifest_path(m), ts_manifest_line(m, sec, "var"), sec, c->name);
    double *v = malloc((c->nrows ? c->nrows : 1) * sizeof *v);
    if (!v)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    if ((st = ts_counts_column(c, (size_t)t->count, v, err)) != TS_OK) {
        free(v);
        return st;
    }
    /* the cells: categories and domains in order of first appearance; an empty label is a
     * row that does not say which cell it counts */
    long *cat = malloc(c->nrows * sizeof *cat), *dom = malloc(c->nrows * sizeof *dom);
    if (!cat || !dom) {
        free(v), free(cat), free(dom);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    for (size_t r = 0; r < c->nrows && st == TS_OK; r++) {
        long cols[2] = {t->var, t->by};
        long *idx[2] = {&cat[r], &dom[r]};
        levels *lv[2] = {&t->cats, &t->doms};
        dom[r] = 0;
        for (int k = 0; k < 2 && st == TS_OK; k++) {
            if (cols[k] < 0)
                continue;
            const char *s = c->cell[r * c->ncols + (size_t)cols[k]];
            if (!*s)
                st = ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: %s: an empty label: every row says which cell it counts",
                                c->name, c->line[r], cols[k] + 1, c->col_label[cols[k]]);
            else if ((*idx[k] = level_of(lv[k], s, 1)) < 0)
                st = ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: %s: more than %d different labels", c->name, c->line[r],
                                cols[k] + 1, c->col_label[cols[k]], MAX_CATS);
        }
    }
    /* the same cell twice, unless another column that is not all counts tells the rows apart */
    for (size_t r = 0; r < c->nrows && st == TS_OK; r++)
        for (size_t q = 0; q < r && st == TS_OK; q++) {
            if (cat[q] != cat[r] || dom[q] != dom[r])
                continue;
            int apart = 0;
            for (size_t k = 0; k < c->ncols && !apart; k++) {
                double x;
                if ((long)k == t->count || (long)k == t->var || (long)k == t->by)
                    continue;
                int text = ts_counts_parse(c->cell[r * c->ncols + k], &x) != 0 ||
                           ts_counts_parse(c->cell[q * c->ncols + k], &x) != 0;
                apart = text && strcmp(c->cell[r * c->ncols + k], c->cell[q * c->ncols + k]) != 0;
            }
            if (!apart)
                st = ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: \"%s\"%s%s: the same cell as line %lu: give each cell once",
                                c->name, c->line[r], t->var + 1, c->cell[r * c->ncols + (size_t)t->var],
                                t->by >= 0 ? " / " : "", t->by >= 0 ? c->cell[r * c->ncols + (size_t)t->by] : "",
                                c->line[q]);
        }
    size_t K = t->cats.n, D = t->doms.n, W = K + 1;
    if (st == TS_OK && (!(t->cell = calloc((D + 1) * W, sizeof *t->cell)) || !(t->state = calloc((D + 1) * W, sizeof *t->state))))
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    for (size_t r = 0; r < c->nrows && st == TS_OK; r++) {
        t->cell[(size_t)cat[r]] += v[r];
        t->cell[K] += v[r];
        if (D) {
            t->cell[(1 + (size_t)dom[r]) * W + (size_t)cat[r]] += v[r];
            t->cell[(1 + (size_t)dom[r]) * W + K] += v[r];
        }
    }
    free(v), free(cat), free(dom);
    return st;
}

/* Withhold 1 .. MIN_CELL − 1, then in every row (a domain's counts and its total) and column
 * (a category over the domains and 全体's) with exactly one withheld cell the smallest other
 * (secondary), until none is left alone: no withheld count is the published total less the
 * published rest. */
static void suppress(ctable *t, long min_cell)
{
    size_t K = t->cats.n, D = t->doms.n, W = K + 1;
    if (min_cell <= 1)
        return;
    for (size_t i = 0; i < (D + 1) * W; i++)
        t->state[i] = t->cell[i] > 0 && t->cell[i] < (double)min_cell;
    for (int changed = 1; changed;) {
        changed = 0;
        /* rows: 全体's and each domain's (D rows only when there are domains) */
        for (size_t g = 0; g < (D ? D + 1 : 1) + (D ? W : 0); g++) {
            size_t idx[MAX_CATS + 2], n = 0;
            if (g < (D ? D + 1 : 1))
                for (size_t k = 0; k < W; k++)
                    idx[n++] = g * W + k;
            else
                for (size_t d = 0; d <= D; d++)
                    idx[n++] = d * W + (g - (D + 1));
            size_t held = 0, pick = (size_t)-1;
            for (size_t i = 0; i < n; i++)
                held += t->state[idx[i]] != 0;
            if (held != 1)
                continue;
            /* the smallest other count that is not 0 (a 0 withheld hides nothing), else any */
            for (int any = 0; any < 2 && pick == (size_t)-1; any++)
                for (size_t i = 0; i < n; i++)
                    if (!t->state[idx[i]] && (any || t->cell[idx[i]] > 0) &&
                        (pick == (size_t)-1 || t->cell[idx[i]] < t->cell[pick]))
                        pick = idx[i];
            if (pick != (size_t)-1) {
                t->state[pick] = 2;
                changed = 1;
            }
        }
    }
}

static void put_num(FILE *fp, double x)
{
    if (!isnan(x))
        fprintf(fp, "%.17g", x);
}

static const char *const SUPPRESSION[] = {"", "primary", "secondary"};

/* One domain's rows: a share row per category (docs/tables-format.md, "Counts tables"). */
static void write_domain(FILE *fp, ts_csv_mode mode, const ts_counts *c, const ctable *t, size_t d, size_t *rows,
                         ts_strbuf *text)
{
    size_t K = t->cats.n, W = K + 1;
    char codes[24] = "";
    const char *label = TR("全体");
    if (d > 0) {
        snprintf(codes, sizeof codes, "%zu", d);
        label = t->doms.label[d - 1];
    }
    double total = t->cell[d * W + K];
    int n_held = t->state[d * W + K] != 0;
    char buf[64];
    ts_strbuf_printf(text, "  %s", label);
    if (n_held)
        ts_strbuf_append_str(text, "  合計 *\n");
    else {
        ts_numformat_grouped(total, 0, buf, sizeof buf);
        ts_strbuf_printf(text, "  合計 %s\n", buf);
    }
    for (size_t k = 0; k < K; k++) {
        int held = t->state[d * W + k];
        double x = t->cell[d * W + k];
        ts_csv_put_text_str(fp, t->id, mode);
        putc(',', fp);
        ts_csv_put_text_str(fp, t->by >= 0 ? c->col[t->by] : "", mode);
        putc(',', fp);
        ts_csv_put_text_str(fp, codes, mode);
        putc(',', fp);
        ts_csv_put_text_str(fp, label, mode);
        putc(',', fp);
        ts_csv_put_text_str(fp, c->col[t->var], mode);
        fprintf(fp, ",%zu,", k + 1);
        ts_csv_put_text_str(fp, t->cats.label[k], mode);
        fputs(",share,", fp);
        if (!n_held)
            put_num(fp, total);
        putc(',', fp);
        if (!held)
            put_num(fp, x);
        fputs(",,", fp); /* weighted_n: no weights */
        if (!held && total > 0)
            put_num(fp, x / total);
        /* se, ci_low, ci_high; ci_method none; ci_level, df, df2, deff, cv, p_value */
        fprintf(fp, ",,,,none,,,,,,,%s,,,%s\n", held ? "yes" : "no", SUPPRESSION[held]);
        (*rows)++;
        /* one line per category: the label padded to 22 columns, the count, the share */
        ts_strbuf_printf(text, "    %s", t->cats.label[k]);
        for (size_t w = ts_text_display_width(t->cats.label[k]); w < 22; w++)
            ts_strbuf_append_char(text, ' ');
        if (held)
            ts_strbuf_append_str(text, "          *\n");
        else {
            ts_numformat_grouped(x, 0, buf, sizeof buf);
            ts_strbuf_printf(text, " %10s  %5.1f%%\n", buf, total > 0 ? 100 * x / total : 0.0);
        }
    }
}

ts_status tab_counts_run(const tab_options *opt, FILE *summary, ts_err *err)
{
    ts_status st = TS_OK;
    ts_manifest *m = NULL;
    ts_counts *c = NULL;
    ctable *t = NULL;
    size_t nt = 0, rows = 0;
    ts_atomicfile *out = NULL, *txt = NULL;
    ts_strbuf text = TS_STRBUF_INIT;
    long min_cell = opt->min_cell;
    if (!opt->manifest)
        return ts_err_set(err, TS_E_USAGE, "--counts needs -s SURVEY.ini: its [table.NAME] sections say what to tabulate");
    if (!(m = ts_manifest_read(opt->manifest, err)))
        return err->status;
    if ((st = ts_schema_check(m, TS_STAGE_TAB, err)) != TS_OK)
        goto done;
    /* [report] language (--lang): 全体 is All in English, as in a survey's tables (lib/i18n); a
     * counts file's labels are its own text, in whatever language it was written */
    const char *labels = NULL;
    if ((st = ts_i18n_setup(m, opt->lang, opt->labels, &labels, err)) != TS_OK)
        goto done;
    if (min_cell < 0 && (st = ts_privacy_min_cell(m, &min_cell, err)) != TS_OK)
        goto done;
    ts_encoding enc = TS_ENC_AUTO;
    const char *e = ts_manifest_get(m, "input", "encoding");
    if (e && *e && ts_encoding_parse(e, &enc) != 0) {
        st = ts_err_set(err, TS_E_DATA, "%s:%lu: [input] encoding = %s: expected utf-8, cp932 or auto",
                        ts_manifest_path(m), ts_manifest_line(m, "input", "encoding"), e);
        goto done;
    }
    const char *names = ts_manifest_get(m, "input", "counts_columns");
    if (!(c = ts_counts_read(opt->input, enc, names && *names ? names : NULL, err))) {
        st = err->status;
        goto done;
    }
    for (size_t i = 0; i < ts_manifest_section_count(m); i++)
        nt += strncmp(ts_manifest_section(m, i), "table.", 6) == 0;
    if (nt == 0) {
        st = ts_err_set(err, TS_E_DATA, "%s: no [table.NAME] sections: nothing to tabulate from %s", ts_manifest_path(m),
                        c->name);
        goto done;
    }
    if (!(t = calloc(nt, sizeof *t))) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    nt = 0;
    for (size_t i = 0; i < ts_manifest_section_count(m) && st == TS_OK; i++)
        if (strncmp(ts_manifest_section(m, i), "table.", 6) == 0)
            st = build_table(m, c, ts_manifest_section(m, i), &t[nt++], err);
    if (st != TS_OK)
        goto done;
    static const char header[] = "table,by,by_codes,by_labels,variable,code,label,statistic,n,n_category,weighted_n,"
                                 "estimate,se,ci_low,ci_high,ci_method,ci_level,df,df2,deff,cv,p_value,suppressed,"
                                 "missing_n,skipped_n,suppression\n";
    if (!(out = ts_atomicfile_open_csv(opt->output, opt->bom, header, err)) ||
        (opt->text && !(txt = ts_atomicfile_open(opt->text, err)))) {
        st = err->status;
        goto done;
    }
    FILE *fp = ts_atomicfile_stream(out);
    ts_csv_mode mode = opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE;
    if (min_cell > 1)
        ts_strbuf_printf(&text, "%s: %s — counts (no sampling error); counts of 1 to %ld are withheld (*), and the counts "
                         "that would give them away\n", PROG, c->name, min_cell - 1);
    else
        ts_strbuf_printf(&text, "%s: %s — counts (no sampling error); no count is withheld (min_cell %ld)\n", PROG,
                         c->name, min_cell);
    for (size_t k = 0; k < nt; k++) {
        suppress(&t[k], min_cell);
        ts_strbuf_printf(&text, "\n[%s] %s (%s)%s%s — counts and %% of the total\n", t[k].id, c->col_label[t[k].var],
                         c->col_label[t[k].count], t[k].by >= 0 ? " × " : "", t[k].by >= 0 ? c->col_label[t[k].by] : "");
        for (size_t d = 0; d <= t[k].doms.n; d++)
            write_domain(fp, mode, c, &t[k], d, &rows, &text);
    }
    if (txt) {
        FILE *tf = ts_atomicfile_stream(txt);
        fputs(text.data ? text.data : "", tf);
        if ((st = ts_atomicfile_commit(txt, err)) != TS_OK) {
            txt = NULL;
            goto done;
        }
        txt = NULL;
    }
    st = ts_atomicfile_commit(out, err);
    out = NULL;
    if (st == TS_OK && !opt->quiet)
        fprintf(summary, "%s: %s: %zu table%s of counts, %zu rows written to %s (no sampling error)\n", PROG, c->name, nt,
                nt == 1 ? "" : "s", rows, opt->output);
done:
    ts_atomicfile_abort(out);
    ts_atomicfile_abort(txt);
    for (size_t k = 0; t && k < nt; k++)
        free(t[k].cell), free(t[k].state);
    free(t);
    ts_strbuf_free(&text);
    ts_counts_free(c);
    ts_manifest_free(m);
    return st;
}
