/* xlsx_crosstab.c — the sheets of tables.xlsx that council staff copy and print (issue #18):
 * one cross-tab per table, laid out from the same grid as report.pdf's table (grid.c), and
 * the long `data` sheet, tables.csv as numbers. Every value cell holds the number tables.csv
 * holds (a share as its fraction, shown 52.3% by the cell's format), so what is copied out
 * of the sheet is the estimate itself, not a rounded text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "i18n.h"
#include "numformat.h"
#include "schema.h"
#include "strbuf.h"
#include "textfold.h"
#include "xlsx.h"

/* Header rows of a cross-tab sheet: title, caption, a blank row, then the column heads. */
#define HEAD_ROW 3

static double num(const char *s) { return s && *s ? strtod(s, NULL) : NAN; }

/* The width (Excel's character units) a label needs on one line, cut to [MIN, MAX]. */
static double label_width(const char *s, double min, double max)
{
    double w = (double)ts_text_display_width(s ? s : "") + 2;
    return w < min ? min : w > max ? max : w;
}

/* Lines a label of display width W takes in a wrapped column WIDTH wide. */
static int wrapped_lines(const char *s, double width)
{
    double w = (double)ts_text_display_width(s ? s : "");
    int lines = (int)ceil(w / (width - 1.5));
    return lines < 1 ? 1 : lines;
}

/* Value V (a tables.csv number) into a cell with the format of its kind. */
static void write_value(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, int share, int dec,
                        const rp_xfmts *F)
{
    if (isfinite(v))
        worksheet_write_number(ws, row, col, v, share ? F->share : F->fixed[dec]);
    else
        worksheet_write_string(ws, row, col, "—", F->cell_text);
}

/* The corner of the grid: the domain variable by its label up to the question text. */
static void corner_label(rp_ctx *c, const char *by, char out[200])
{
    const char *comma = by ? strchr(by, ',') : NULL;
    if (comma) { /* two by variables: both by their labels, as report.pdf's corner */
        char first[200];
        snprintf(first, sizeof first, "%.*s", (int)(comma - by), by);
        snprintf(out, 200, "%s × %s", rp_varlabel(c, first), rp_varlabel(c, comma + 1 + strspn(comma + 1, " ")));
        return;
    }
    const char *bl = by ? rp_varlabel(c, by) : TR("区分");
    const char *colon = strstr(bl, ": "), *wide = strstr(bl, "："), *cut = colon && (!wide || colon < wide) ? colon : wide;
    snprintf(out, 200, "%.*s", cut ? (int)(cut - bl) : (int)strlen(bl), bl);
}

/* One block of the grid from row ROW: the heads, then a row per domain with WHICH of each cell
 * (0 the estimate, 1 the lower bound, 2 the upper), and with UNDER the interval text under
 * each estimate — or, for a census (UNIT "団体" or "人"), each share's count ("37 団体").
 * Returns the row after the block; *ANY_SUPP, *ANY_ABSENT note the marks used. */
static lxw_row_t write_block(lxw_worksheet *ws, lxw_row_t row, const rp_grid *g, const char *corner, int which,
                             int under, const char *unit, const rp_xfmts *F, int *any_supp, int *any_absent)
{
    worksheet_write_string(ws, row, 0, corner, F->head);
    worksheet_write_string(ws, row, 1, "n", F->head);
    for (size_t k = 0; k < g->ncat; k++)
        worksheet_write_string(ws, row, (lxw_col_t)(2 + k), g->cat_label[k], F->colhead);
    row++;
    for (size_t d = 0; d < g->ndom; d++) {
        worksheet_write_string(ws, row, 0, g->dom_label[d], F->rowhead);
        if (g->dom_n[d] >= 0)
            worksheet_write_number(ws, row, 1, (double)g->dom_n[d], F->n);
        else
            worksheet_write_string(ws, row, 1, TR("＊"), F->cell_text);
        for (size_t k = 0; k < g->ncat; k++) {
            const rp_gcell *x = &g->cell[d * g->stride + k];
            lxw_col_t col = (lxw_col_t)(2 + k);
            if (!x->present) {
                worksheet_write_string(ws, row, col, TR("・"), F->cell_text);
                *any_absent = 1;
            } else if (x->suppressed) {
                worksheet_write_string(ws, row, col, TR("＊"), F->cell_text);
                *any_supp = 1;
            } else {
                const char *s = which == 0 ? x->est : which == 1 ? x->lo : x->hi;
                if (*s)
                    write_value(ws, row, col, num(s), x->share, g->dec, F);
                if (under && *x->lo && *x->hi) {
                    char val[64], ci[140];
                    rp_grid_cell_text(x, g->dec, val, ci);
                    worksheet_write_string(ws, row + 1, col, ci, F->ci);
                } else if (unit && x->share && *x->ncat) {
                    char n[64], txt[100];
                    ts_numformat_grouped(num(x->ncat), 0, n, sizeof n);
                    snprintf(txt, sizeof txt, "%s %s", n, unit);
                    worksheet_write_string(ws, row + 1, col, txt, F->ci);
                }
            }
        }
        row += under || unit ? 2 : 1;
    }
    return row;
}

/* The differences of table T (statistic = difference: two domains, or now and the previous
 * survey) from ROW, as a grid like the estimates': a row per pair of domains, a column per
 * answer, the difference (a share's in percentage points) and under it its interval and p.
 * HEAD_H: the height of its head row. Returns the row after it; *ANY_SUPP notes a suppressed
 * difference. */
static lxw_row_t write_differences(rp_ctx *c, lxw_worksheet *ws, lxw_row_t row, const rp_tab *t, int dec,
                                   double head_h, const rp_xfmts *F, int *any_supp)
{
    const rp_csv *T = c->tables;
    size_t cap = t->count, npair = 0, ncode = 0;
    const char **pair = calloc(cap ? cap : 1, sizeof *pair), **code = calloc(cap ? cap : 1, sizeof *code);
    const char **label = calloc(cap ? cap : 1, sizeof *label);
    size_t *at = calloc(cap ? cap * cap : 1, sizeof *at); /* at[p * cap + k]: 1 + its row */
    if (!pair || !code || !label || !at) {
        free(pair), free(code), free(label), free(at);
        return row;
    }
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (strcmp(rp_csv_get(T, r, "statistic"), "difference") != 0)
            continue;
        const char *pl = rp_csv_get(T, r, "by_labels"), *cd = rp_csv_get(T, r, "code");
        size_t p, k;
        for (p = 0; p < npair && strcmp(pair[p], pl) != 0; p++)
            ;
        if (p == npair)
            pair[npair++] = pl;
        for (k = 0; k < ncode && strcmp(code[k], cd) != 0; k++)
            ;
        if (k == ncode) {
            code[k] = cd;
            label[ncode++] = *rp_csv_get(T, r, "label") ? rp_csv_get(T, r, "label") : TR("差");
        }
        at[p * cap + k] = r - t->first + 1;
    }
    if (npair) {
        worksheet_write_string(ws, row++, 0, TR("差（割合はポイント）と [信頼区間]、p は差がないとする t 検定"), F->text);
        worksheet_write_string(ws, row, 0, TR("差をとった区分"), F->head);
        worksheet_write_string(ws, row, 1, "", F->head);
        for (size_t k = 0; k < ncode; k++)
            worksheet_write_string(ws, row, (lxw_col_t)(2 + k), label[k], F->colhead);
        worksheet_set_row(ws, row, head_h, NULL);
        row++;
        for (size_t p = 0; p < npair; p++) {
            worksheet_write_string(ws, row, 0, pair[p], F->rowhead);
            for (size_t k = 0; k < ncode; k++) {
                if (!at[p * cap + k])
                    continue;
                size_t r = t->first + at[p * cap + k] - 1;
                lxw_col_t col = (lxw_col_t)(2 + k);
                int share = *code[k] && !strchr(code[k], '.'); /* a quantile's code is its probability */
                if (strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0) {
                    worksheet_write_string(ws, row, col, TR("＊"), F->cell_text);
                    *any_supp = 1;
                    continue;
                }
                double v = num(rp_csv_get(T, r, "estimate")), lo = num(rp_csv_get(T, r, "ci_low")),
                       hi = num(rp_csv_get(T, r, "ci_high")), pv = num(rp_csv_get(T, r, "p_value"));
                if (isfinite(v))
                    worksheet_write_number(ws, row, col, v, share ? F->share_diff : F->fixed_diff[dec]);
                char a[64], b[64], txt[200], ps[40];
                if (share)
                    snprintf(a, sizeof a, "%+.1f", 100 * lo), snprintf(b, sizeof b, "%+.1f", 100 * hi);
                else
                    ts_numformat_grouped(lo, dec, a, sizeof a), ts_numformat_grouped(hi, dec, b, sizeof b);
                if (!isfinite(pv))
                    snprintf(ps, sizeof ps, "p —");
                else if (pv < 0.001)
                    snprintf(ps, sizeof ps, "p<0.001");
                else
                    snprintf(ps, sizeof ps, "p=%.3f", pv);
                if (isfinite(lo) && isfinite(hi))
                    snprintf(txt, sizeof txt, "[%s–%s] %s", a, b, ps);
                else
                    snprintf(txt, sizeof txt, "%s", ps);
                worksheet_write_string(ws, row + 1, col, txt, F->ci);
            }
            row += 2;
        }
        row++;
    }
    free(pair), free(code), free(label), free(at);
    return row;
}

void rp_xlsx_crosstab(rp_ctx *c, lxw_worksheet *ws, const rp_tab *t, const rp_xfmts *F, rp_xlsx_ci ci_mode)
{
    const rp_csv *T = c->tables;
    rp_grid g;
    if (rp_grid_build(c, t, &g) != 0) {
        rp_grid_free(&g);
        worksheet_write_string(ws, 0, 0, TR("（メモリ不足のため表を書けませんでした）"), F->note);
        return;
    }
    g.dec = rp_tab_decimals(c, t);
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    const char *method;
    double level;
    rp_tab_ci(c, t, &method, &level);
    int has_ci = isfinite(level) && *method && strcmp(method, "none") != 0;
    long missing = 0;
    for (size_t r = t->first; r < t->first + t->count; r++)
        if (!*rp_csv_get(T, r, "by_codes") && *rp_csv_get(T, r, "missing_n")) {
            missing = atol(rp_csv_get(T, r, "missing_n"));
            break;
        }
    rp_stat kind = rp_tab_stat(c, t);
    int weighted = strcmp(rp_get(c, sec, "weighted", NULL), "no") != 0;
    const char *by = rp_get(c, sec, "by", NULL);
    char corner[200];
    corner_label(c, by, corner);

    char *title = rp_table_title(c, t);
    worksheet_write_string(ws, 0, 0, title ? title : t->id, F->title);
    ts_strbuf b = TS_STRBUF_INIT;
    /* a census (issue #16): exact counts, each share with its count under it, no interval */
    int census = rp_census(c);
    const char *unit = census && kind == RP_SHARE ? rp_unit_ja(c) : NULL;
    if (census)
        ts_strbuf_printf(&b, TR("%s｜全数調査（ウェイトなし、標本誤差なし）｜表ID %s"),
                         kind == RP_SHARE ? (rp_organisations(c) ? TR("上段は割合（%）、下段は団体の数") : TR("上段は割合（%）、下段は人数"))
                         : kind == RP_TOTAL ? "合計（回答の値の合計）"
                         : kind == RP_MEAN  ? TR("平均値（回答の単純平均）")
                                            : rp_stat_caption(kind),
                         t->id);
    else if (has_ci)
        ts_strbuf_printf(&b, TR("%sと [%g%%信頼区間]"), rp_stat_caption(kind), 100 * level);
    else
        ts_strbuf_append_str(&b, rp_stat_caption(kind));
    if (!census)
        ts_strbuf_printf(&b, TR("｜%s｜表ID %s"), weighted ? TR("ウェイト付き推定") : TR("ウェイトなし（回答者数そのまま）"), t->id);
    worksheet_write_string(ws, 1, 0, b.data, F->note);
    ts_strbuf_reset(&b);

    int under = has_ci && ci_mode == RP_XLSX_CI_UNDER;
    /* Widths that fit the Japanese labels: the domains' column to its longest label, each
     * answer's column to its label wrapped on up to three lines, the head row as tall. */
    double wa = label_width(corner, 10, 34);
    for (size_t d = 0; d < g.ndom; d++)
        wa = fmax(wa, label_width(g.dom_label[d], 10, 34));
    for (size_t r = t->first; r < t->first + t->count; r++) /* the differences' pairs */
        if (strcmp(rp_csv_get(T, r, "statistic"), "difference") == 0)
            wa = fmax(wa, label_width(rp_csv_get(T, r, "by_labels"), 10, 34));
    double wcat = 10;
    for (size_t k = 0; k < g.ncat; k++)
        wcat = fmax(wcat, fmin(16, ceil((double)ts_text_display_width(g.cat_label[k]) / 3) + 2));
    if (under || kind != RP_SHARE)
        wcat = fmax(wcat, 13); /* "[17.5–21.9]", "20,313,812" */
    int lines = 1;
    for (size_t k = 0; k < g.ncat; k++) {
        int l = wrapped_lines(g.cat_label[k], wcat);
        lines = l > lines ? l : lines;
    }
    double head_h = 15.0 * (lines > 4 ? 4 : lines) + 3;
    int any_supp = 0, any_absent = 0;
    lxw_row_t row = write_block(ws, HEAD_ROW, &g, corner, 0, under, unit, F, &any_supp, &any_absent);
    if (has_ci && ci_mode == RP_XLSX_CI_BLOCK)
        for (int which = 1; which <= 2; which++) {
            char cap[80];
            snprintf(cap, sizeof cap, TR("%g%%信頼区間 %s"), 100 * level, which == 1 ? TR("下限") : TR("上限"));
            worksheet_write_string(ws, ++row, 0, cap, F->text);
            row = write_block(ws, row + 1, &g, corner, which, 0, NULL, F, &any_supp, &any_absent);
        }
    row++;
    row = write_differences(c, ws, row, t, g.dec, head_h, F, &any_supp);

    /* The notes, as under the PDF's table: what n is, the marks, the test, the source. */
    if (missing > 0)
        ts_strbuf_printf(&b, rp_organisations(c) ? TR("無回答 %ld 団体は集計から除いた。") : TR("無回答 %ld 人は集計から除いた。"), missing);
    if (census)
        ts_strbuf_printf(&b, TR("n は回答した%sの数。"), rp_unit_ja(c));
    else
        ts_strbuf_append_str(&b, TR("n は回答者数（ウェイト付け前）。"));
    if (kind == RP_SHARE)
        ts_strbuf_append_str(&b, TR("割合はパーセント（セルの値は比率で、表示が % です）。"));
    worksheet_write_string(ws, row++, 0, b.data, F->note);
    ts_strbuf_reset(&b);
    if (any_supp) {
        if (rp_organisations(c))
            ts_strbuf_printf(&b, "＊ 回答団体が %s 団体未満のため、またはそのセルを他の数値から逆算できないようにするため、数と%sを示していません。",
                             rp_get(c, "privacy", "min_cell", NULL), census ? "割合" : "推定値");
        else
            ts_strbuf_printf(&b, TR("＊ 回答者が %s 人未満のため、またはそのセルを他の数値から逆算できないようにするため、人数と推定値を示していません。"),
                             rp_get(c, "privacy", "min_cell", NULL));
        worksheet_write_string(ws, row++, 0, b.data, F->note);
        ts_strbuf_reset(&b);
    }
    if (any_absent)
        worksheet_write_string(ws, row++, 0, TR("・ 該当なし。"), F->note);
    rp_grid_test_sentence(c, t, by, &b);
    if (b.data && *b.data) {
        worksheet_write_string(ws, row++, 0, b.data, F->note);
        ts_strbuf_reset(&b);
    }
    if (has_ci)
        worksheet_write_string(ws, row++, 0,
                               kind == RP_QUANTILE ? TR("区間は Woodruff 法（分布関数の区間を分位数に戻す。R の svyquantile と同じ）。")
                                                   : TR("標準誤差・信頼区間の方法は report.pdf の「集計の方法」、すべての数値（標準誤差・設計効果を含む）はシート data と tables.csv。"),
                               F->note);
    ts_strbuf_printf(&b, TR("出典：%s"), rp_get(c, "survey", "title", ""));
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
        ts_strbuf_append_str(&b, TR("（合成データ：実際の調査結果ではありません）"));
    worksheet_write_string(ws, row++, 0, b.data, F->note);
    ts_strbuf_free(&b);

    worksheet_set_column(ws, 0, 0, wa, NULL);
    worksheet_set_column(ws, 1, 1, 8, NULL);
    if (g.ncat)
        worksheet_set_column(ws, 2, (lxw_col_t)(1 + g.ncat), wcat, NULL);
    worksheet_set_row(ws, HEAD_ROW, head_h, NULL);
    worksheet_freeze_panes(ws, HEAD_ROW + 1, 1);
    rp_xlsx_print_setup(ws, wa + 8 + wcat * (double)g.ncat, (long)row, HEAD_ROW, HEAD_ROW, title ? title : t->id,
                        rp_get(c, "survey", "title", ""));
    free(title);
    rp_grid_free(&g);
}

/* tables.csv's numeric columns (docs/tables-format.md): stored as numbers in `data`. */
static int numeric_column(const char *name)
{
    static const char *const cols[] = {"n",  "n_category", "weighted_n", "estimate", "se",      "ci_low",    "ci_high",
                                       "ci_level", "df", "df2",   "deff",     "cv",       "p_value", "missing_n", "skipped_n"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (strcmp(cols[i], name) == 0)
            return 1;
    return 0;
}

void rp_xlsx_data(rp_ctx *c, lxw_worksheet *ws, const rp_xfmts *F)
{
    const rp_csv *T = c->tables;
    for (size_t j = 0; j < T->ncols; j++)
        worksheet_write_string(ws, 0, (lxw_col_t)j, T->head[j], F->head);
    for (size_t r = 0; r < T->nrows; r++)
        for (size_t j = 0; j < T->ncols; j++) {
            const char *s = T->rows[r][j];
            if (!s || !*s)
                continue;
            char *end;
            double v = strtod(s, &end);
            if (numeric_column(T->head[j]) && *end == '\0' && isfinite(v))
                worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)j, v, NULL);
            else
                worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)j, s, F->text);
        }
    double width = 0;
    for (size_t j = 0; j < T->ncols; j++) {
        double w = label_width(T->head[j], 8, 12);
        if (strcmp(T->head[j], "label") == 0 || strcmp(T->head[j], "by_labels") == 0)
            w = 24;
        worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w, NULL);
        width += w;
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)T->nrows, (lxw_col_t)(T->ncols ? T->ncols - 1 : 0));
    rp_xlsx_print_setup(ws, width, (long)T->nrows + 1, 0, 0, TR("data（tables.csv と同じ内容）"),
                        rp_get(c, "survey", "title", ""));
}

/* Appends S to the footer text FOOT (O bytes used) as whole UTF-8 characters up to LIMIT bytes,
 * each & doubled (Excel's header and footer codes start with &). */
static size_t footer_text(char *foot, size_t o, size_t limit, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (o + len + 1 > limit)
            break;
        if (*p == '&')
            foot[o++] = '&';
        for (size_t i = 0; i < len && *p; i++)
            foot[o++] = (char)*p++;
    }
    foot[o] = '\0';
    return o;
}

void rp_xlsx_print_setup(lxw_worksheet *ws, double width_chars, long nrows, int first_repeat, int last_repeat,
                         const char *title, const char *survey)
{
    worksheet_set_paper(ws, 9); /* A4 */
    /* A character unit is about 5.3 pt of the default font, a row 15 pt: landscape when the
     * sheet is wider than tall (and too wide for a portrait A4's 540 pt of print width). */
    double wpt = width_chars * 5.3, hpt = (double)nrows * 15;
    if (wpt > hpt && wpt > 540)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    if (first_repeat >= 0)
        worksheet_repeat_rows(ws, (lxw_row_t)first_repeat, (lxw_row_t)last_repeat);
    worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
    /* The page header: the sheet's title, so every printed page says which table it is; the
     * footer: the survey's title and the page (Excel allows 255 characters: a title is cut to
     * 150 bytes of whole characters). The cover has the survey's title as its footer alone. */
    char foot[240];
    size_t o = (size_t)snprintf(foot, sizeof foot, "&L");
    if (survey && *survey) {
        footer_text(foot, o, o + 150, title);
        worksheet_set_header(ws, foot);
        o = footer_text(foot, o, o + 150, survey);
    } else
        o = footer_text(foot, o, o + 150, title);
    snprintf(foot + o, sizeof foot - o, "&R&P / &N");
    worksheet_set_footer(ws, foot);
}
