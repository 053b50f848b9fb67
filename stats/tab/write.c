/* write.c — tsunagari-tab's outputs: a table's rows of the tables CSV (docs/tables-format.md)
 * and its block of the text output. A withheld cell (disclose.c) stays as a row flagged
 * suppressed, with none of its numbers: no count, weighted count, share, SE, interval or
 * design effect. */
#include "tabctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "textfold.h"
#include "csvwrite.h"
#include "numformat.h"
#include "strbuf.h"

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

/* A quantile's label: 中央値, 第1四分位, 第3四分位, else "10%点" (P as a percentage). */
static void quantile_label(double p, char *out, size_t len)
{
    if (p == 0.5)
        snprintf(out, len, TR("中央値"));
    else if (p == 0.25)
        snprintf(out, len, TR("第1四分位"));
    else if (p == 0.75)
        snprintf(out, len, TR("第3四分位"));
    else
        snprintf(out, len, TR("%.15g%%点"), 100 * p);
}

const char *tab_statistic_name(const table_spec *t, int numeric)
{
    if (t->stat == TAB_QUANTILE)
        return "quantile";
    if (t->stat == TAB_RATIO)
        return "ratio";
    return t->kind == TS_STAT_SHARE && !numeric ? "share" : t->kind == TS_STAT_TOTAL ? "total" : "mean";
}

static const char *suppression_name(ts_cell_state s)
{
    return s == TS_CELL_PRIMARY ? "primary" : s == TS_CELL_SECONDARY ? "secondary" : "";
}

/* One CSV row. CELL: the estimate's state; N_SHOWN: whether the domain's n is published. */
static void csv_row(run *r, const table_spec *t, const char *by_codes, const char *by_labels, const char *code,
                    const char *label, const char *statistic, const ts_estimate *e, double missing, double skipped,
                    double df2, double pval, ts_cell_state cell, int n_shown)
{
    FILE *fp = r->csv;
    ts_csv_mode mode = r->opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE; /* labels may start with = + - @ */
    int suppressed = cell != TS_CELL_PUBLISHED;
    ts_csv_put_text_str(fp, t->id, mode);
    putc(',', fp);
    ts_strbuf by = TS_STRBUF_INIT;
    for (size_t k = 0; k < t->nby; k++)
        ts_strbuf_printf(&by, "%s%s", k ? ";" : "", t->by[k]->name);
    ts_csv_put_text_str(fp, by.data ? by.data : "", mode);
    ts_strbuf_free(&by);
    putc(',', fp);
    ts_csv_put_text_str(fp, by_codes, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, by_labels, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, t->var->name, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, code, mode);
    putc(',', fp);
    ts_csv_put_text_str(fp, label, mode);
    fprintf(fp, ",%s,", statistic);
    if (n_shown)
        put_num(fp, e->n);
    putc(',', fp);
    if (!suppressed)
        put_num(fp, e->n_cat);
    putc(',', fp);
    if (!suppressed && n_shown)
        put_num(fp, e->weighted_n);
    const double shown[] = {e->estimate, e->se, e->lo, e->hi};
    for (int k = 0; k < 4; k++) {
        putc(',', fp);
        if (!suppressed)
            put_num(fp, shown[k]);
    }
    int is_test = strncmp(statistic, "rao_scott", 9) == 0, is_diff = strcmp(statistic, "difference") == 0;
    fprintf(fp, ",%s,", is_test ? "" : r->census || (is_diff && t->ci == TS_CI_NONE) ? "none" : is_diff ? "t" : t->stat == TAB_QUANTILE ? ts_quantile_ci_name(t->qci)
                        : (t->kind == TS_STAT_SHARE && t->var->type != TS_VAR_NUMERIC ? ts_ci_method_name(t->ci) : t->ci == TS_CI_NONE ? "none" : "t"));
    if (!is_test && !r->census) /* a census has no interval, so no level */
        fprintf(fp, "%.15g", t->level); /* 0.95, not 0.94999999999999996 */
    putc(',', fp);
    put_num(fp, e->df);
    putc(',', fp);
    put_num(fp, df2);
    putc(',', fp);
    if (!suppressed)
        put_num(fp, e->deff);
    putc(',', fp);
    if (!suppressed && e->estimate != 0 && !is_test && !is_diff) /* a difference has no cv: it may be 0 */
        put_num(fp, e->se / e->estimate);
    putc(',', fp);
    put_num(fp, pval);
    fprintf(fp, ",%s,", suppressed ? "yes" : "no");
    put_num(fp, missing);
    putc(',', fp);
    put_num(fp, skipped);
    fprintf(fp, ",%s\n", suppression_name(cell));
    r->rows++;
}

/* Append S left-aligned in WIDTH terminal columns (longer text is kept whole). */
static void append_padded(ts_strbuf *b, const char *s, size_t width)
{
    ts_strbuf_append_str(b, s);
    for (size_t w = ts_text_display_width(s); w < width; w++)
        ts_strbuf_append_char(b, ' ');
}

/* One domain: its CSV rows and its line of the text. */
static void write_domain(run *r, const table_spec *t, const domain_result *dom, int *dec, ts_strbuf *text)
{
    /* a share table's domain n is a cell of its own; a mean's or total's goes with it */
    int n_shown = (dom->ncell >= 0 ? n_state(r, dom) : cell_state(r, dom, 0)) == TS_CELL_PUBLISHED;
    ts_strbuf_append_str(text, "  ");
    append_padded(text, dom->labels, 22);
    if (n_shown) { /* a count: a whole number with thousands separators (2,580) */
        char nb[32];
        ts_numformat_grouped(dom->e[0].n, 0, nb, sizeof nb);
        ts_strbuf_printf(text, " %7s", nb);
    }
    else
        ts_strbuf_append_str(text, "       *");
    for (size_t c = 0; c < dom->k; c++) {
        const ts_estimate *e = &dom->e[c];
        int numeric = dom->k == 1 && !e->has_code;
        ts_cell_state state = cell_state(r, dom, c);
        char code[32] = "", qlabel[48] = "";
        const char *label = numeric ? "" : code_label(t->var, e->code);
        if (t->stat == TAB_QUANTILE) {
            /* the probability is the row's code (docs/tables-format.md) */
            snprintf(code, sizeof code, "%.15g", t->probs[c]);
            quantile_label(t->probs[c], qlabel, sizeof qlabel);
            label = qlabel;
        } else if (t->stat == TAB_RATIO) {
            label = t->den->name; /* the denominator */
        } else if (!numeric)
            snprintf(code, sizeof code, "%d", e->code);
        csv_row(r, t, dom->codes, dom->labels, code, label, tab_statistic_name(t, numeric), e, dom->missing, dom->skipped,
                NAN, NAN, state, n_shown);
        if (state != TS_CELL_PUBLISHED)
            ts_strbuf_append_str(text, "        *");
        else if (t->stat != TAB_ESTIMATE && isnan(e->estimate)) {
            /* no number: no answer, or a denominator summing to 0 (right-aligned as a number) */
            const char *why = t->stat == TAB_RATIO && e->n > 0 ? TR("(分母0)") : "—";
            ts_strbuf_append_char(text, ' ');
            for (size_t w = ts_text_display_width(why); w < 15; w++)
                ts_strbuf_append_char(text, ' ');
            ts_strbuf_printf(text, "%s      ", why);
        }
        else if (t->kind == TS_STAT_SHARE && !numeric)
            ts_strbuf_printf(text, " %7.1f%%", 100 * e->estimate);
        else {
            /* totals as whole numbers, means with the decimals their SE supports: never
             * 2.031e+07 for a count of people */
            char val[64], se[64];
            if (*dec < 0) /* one for the table, from the whole population's (smallest) SE; a
                           * census's exact mean of whole numbers one decimal, of others two */
                *dec = t->kind == TS_STAT_TOTAL ? 0
                     : r->census ? (t->var->type == TS_VAR_INTEGER && t->stat != TAB_RATIO ? 1 : 2)
                                 : ts_numformat_se_decimals(e->se);
            ts_numformat_grouped(e->estimate, *dec, val, sizeof val);
            ts_numformat_grouped(e->se, *dec, se, sizeof se);
            if (r->census)
                ts_strbuf_printf(text, " %15s", val);
            else
                ts_strbuf_printf(text, " %15s (±%s)", val, se);
        }
    }
    if (dom->missing > dom->skipped)
        ts_strbuf_printf(text, TR("   (無回答 %.0f)"), dom->missing - dom->skipped);
    if (dom->skipped > 0)
        ts_strbuf_printf(text, TR("   (非該当 %.0f)"), dom->skipped);
    ts_strbuf_append_char(text, '\n');
}

/* The state of a difference's estimate C: withheld when either domain's cell is (a published
 * difference and one published estimate would give the other away), the stronger state; a
 * difference from a previous survey's withheld cell is withheld too (secondary: it would give
 * that cell away). */
static ts_cell_state diff_state(const run *r, const table_result *res, const diff_result *df, size_t c)
{
    ts_cell_state a = cell_state(r, &res->dom[df->a], c), b = cell_state(r, &res->dom[df->b], c);
    if (a == TS_CELL_PRIMARY || b == TS_CELL_PRIMARY)
        return TS_CELL_PRIMARY;
    if (a == TS_CELL_PUBLISHED && b == TS_CELL_PUBLISHED && df->previous && df->prev[c] == 2)
        return TS_CELL_SECONDARY;
    return a != TS_CELL_PUBLISHED ? a : b;
}

/* The differences of T (differences = A - B, previous = FILE): CSV rows with statistic
 * difference, and a line each in the text — shares in percentage points, the others as the
 * domains' estimates are. */
static void write_differences(run *r, const table_spec *t, const table_result *res, int dec, ts_strbuf *text)
{
    int share = res->ncat > 0 && t->kind == TS_STAT_SHARE && t->stat == TAB_ESTIMATE;
    int heading[2] = {0, 0};
    for (size_t j = 0; j < res->ndiff; j++) {
        const diff_result *df = &res->diff[j];
        if (!heading[df->previous]) {
            heading[df->previous] = 1;
            if (df->previous)
                ts_strbuf_printf(text, TR("  %sとの差 (%s; independent samples: se = √(se₁² + se₂²), Satterthwaite df, * p < 0.05)\n"),
                                 t->previous_label, share ? "percentage points" : "now - then");
            else if (r->census)
                ts_strbuf_printf(text, TR("  差 (%s; a census: exact, no test)\n"), share ? "percentage points" : "A - B");
            else
                ts_strbuf_printf(text, TR("  差 (%s; t test on %.0f df, * p < 0.05)\n"), share ? "percentage points" : "A - B",
                                 df->e[0].df);
        }
        ts_strbuf_append_str(text, "  ");
        append_padded(text, df->labels, 30);
        for (size_t c = 0; c < res->dom[0].k; c++) {
            const ts_estimate *e = &df->e[c];
            int numeric = res->dom[0].k == 1 && !e->has_code;
            char code[48] = "", qlabel[48] = "";
            const char *label = numeric ? "" : code_label(t->var, e->code);
            if (t->stat == TAB_QUANTILE) {
                snprintf(code, sizeof code, "%.15g", t->probs[c]);
                quantile_label(t->probs[c], qlabel, sizeof qlabel);
                label = qlabel;
            } else if (t->stat == TAB_RATIO)
                label = t->den->name;
            else if (!numeric)
                snprintf(code, sizeof code, "%d", e->code);
            if (df->previous && df->prev[c] == 0) {
                ts_strbuf_append_str(text, "        —"); /* not in the previous survey: no row */
                continue;
            }
            ts_cell_state state = diff_state(r, res, df, c);
            csv_row(r, t, df->codes, df->labels, code, label, "difference", e, NAN, NAN, NAN,
                    state == TS_CELL_PUBLISHED ? df->p[c] : NAN, state, 0);
            const char *mark = df->p[c] < 0.05 ? "*" : " ";
            if (state != TS_CELL_PUBLISHED)
                ts_strbuf_append_str(text, "        *");
            else if (isnan(e->estimate))
                ts_strbuf_append_str(text, "        —");
            else if (share)
                ts_strbuf_printf(text, " %+7.1f%s", 100 * e->estimate, mark);
            else {
                char val[64], se[64];
                int dd = dec >= 0 ? dec : ts_numformat_se_decimals(e->se);
                ts_numformat_grouped(e->estimate, dd, val, sizeof val);
                ts_numformat_grouped(e->se, dd, se, sizeof se);
                if (r->census) /* exact: no variance, no test */
                    ts_strbuf_printf(text, " %15s", val);
                else if (isnan(df->p[c])) /* no variance: no test */
                    ts_strbuf_printf(text, " %15s (±%s)%s p = —", val, se, mark);
                else
                    ts_strbuf_printf(text, " %15s (±%s)%s p = %.3g", val, se, mark, df->p[c]);
            }
        }
        ts_strbuf_append_char(text, '\n');
    }
}

void write_table(run *r, const table_spec *t, const table_result *res)
{
    ts_strbuf text = TS_STRBUF_INIT;
    ts_strbuf_printf(&text, "\n[%s] %s (%s)%s%s%s%s%s%s%s%s\n", t->id, t->var->label, t->var->name,
                     t->stat == TAB_RATIO ? " / " : "", t->stat == TAB_RATIO ? t->den->label : "",
                     t->stat == TAB_QUANTILE ? ", quantiles, qrule " : "",
                     t->stat == TAB_QUANTILE ? ts_qrule_name(t->qrule) : "", t->nby ? " by " : "",
                     t->nby ? t->by[0]->label : "", t->nby > 1 ? " × " : "", t->nby > 1 ? t->by[1]->label : "");
    /* Japanese labels do not fit a column: list them, head the columns with codes. */
    if (res->ncat) {
        ts_strbuf_append_str(&text, " ");
        for (size_t c = 0; c < res->ncat; c++)
            ts_strbuf_printf(&text, " %d=%s", res->cats[c], code_label(t->var, res->cats[c]));
        ts_strbuf_append_char(&text, '\n');
    }
    ts_strbuf_printf(&text, "  %-22s %7s", "", "n");
    for (size_t c = 0; c < res->ncat; c++)
        ts_strbuf_printf(&text, " %8d", res->cats[c]);
    const char *pm = r->census ? "" : " (±se)"; /* a census's estimates are exact */
    if (t->stat == TAB_QUANTILE)
        for (size_t c = 0; c < t->nprobs; c++) {
            char p[48];
            snprintf(p, sizeof p, "q%.15g", t->probs[c]);
            ts_strbuf_printf(&text, " %15s%s", p, pm);
        }
    else if (t->stat == TAB_RATIO)
        ts_strbuf_printf(&text, " %15s%s", "ratio", pm);
    else if (!res->ncat)
        ts_strbuf_printf(&text, " %15s%s", t->kind == TS_STAT_TOTAL ? "total" : "mean", pm);
    ts_strbuf_append_char(&text, '\n');
    int dec = -1;
    for (size_t j = 0; j < res->ndom; j++)
        write_domain(r, t, &res->dom[j], &dec, &text);
    if (res->ndiff)
        write_differences(r, t, res, dec, &text);
    if (res->has_test) {
        const ts_rao_scott *rs = &res->rs;
        ts_estimate e = {0, 0, NAN, NAN, NAN, rs->f, NAN, NAN, NAN, rs->f_df1, NAN};
        csv_row(r, t, "", "", "", "", "rao_scott_f", &e, NAN, NAN, rs->f_df2, rs->f_p, TS_CELL_PUBLISHED, 1);
        ts_estimate e2 = {0, 0, NAN, NAN, NAN, rs->chisq, NAN, NAN, NAN, rs->chisq_df, NAN};
        csv_row(r, t, "", "", "", "", "rao_scott_chisq", &e2, NAN, NAN, NAN, rs->chisq_p, TS_CELL_PUBLISHED, 1);
        ts_strbuf_printf(&text, "  Rao–Scott F = %.3f on %.2f and %.1f df, p = %.3g (second-order; first-order X² p = %.3g)\n",
                         rs->f, rs->f_df1, rs->f_df2, rs->f_p, rs->chisq_p);
    }
    if (r->text)
        fputs(text.data ? text.data : "", r->text);
    ts_strbuf_free(&text);
}
