/* pdf_counts.c — report.pdf for [input] counts (docs/counts.md): counts that were added up
 * before they reached us (相談件数, 自殺者数, 単身世帯数), not answers of a sample. So the cover
 * says what was counted and how many, never 有効回答 or a sampling design; a table is a grid
 * of counts and shares of the total with no interval; the methods page says why there is no
 * standard error. The cover's title block and contents, and the charts, are the survey
 * report's (pdf_cover.c, pdf_tables.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numformat.h"
#include "i18n.h"
#include "pdf.h"
#include "privacy.h"

/* The sum of the whole population's counts of the first table, or -1 when withheld. */
static double first_total(const rp_ctx *c)
{
    if (!c->ntabs || !c->tables)
        return -1;
    const char *n = rp_csv_get(c->tables, c->tabs[0].first, "n");
    return *n ? strtod(n, NULL) : -1;
}

void pdf_counts_facts(writer *w, const char *period)
{
    rp_ctx *c = w->c;
    const ts_counts *k = c->counts;
    ts_strbuf b = TS_STRBUF_INIT;
    char n1[32], n2[32];
    pdf_heading(w, TR("データの概要"));
    pdf_kv(w, TR("対象期間"), period);
    pdf_kv(w, TR("対象"), rp_get(c, "survey", "population", NULL));
    ts_strbuf_printf(&b, TR("集計済みの件数（%s）。標本調査ではなく、数えた件数そのものの集計です"), ts_manifest_get(c->m, "input", "counts"));
    pdf_kv(w, TR("データの種類"), b.data);
    ts_strbuf_reset(&b);
    pdf_comma((long)k->nrows, n1);
    double total = first_total(c);
    if (total >= 0) {
        pdf_comma(lround(total), n2);
        ts_strbuf_printf(&b, TR("%s 区分（行）、合計 %s 件"), n1, n2);
    } else {
        ts_strbuf_printf(&b, TR("%s 区分（行）"), n1);
    }
    if (k->total_line)
        ts_strbuf_printf(&b, TR("。ファイルの合計行（%lu 行目）と各行の和が一致することを確かめました"), k->total_line);
    pdf_kv(w, TR("件数"), b.data);
    ts_strbuf_reset(&b);
    pdf_kv(w, TR("誤差"), TR("全数の件数のため標本誤差はなく、標準誤差・信頼区間・検定は示していません"));
    long min_cell = -1;
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK) {
        if (min_cell == 0)
            pdf_kv(w, TR("秘匿"), TR("行っていません。少ない件数もすべて表示しています（[privacy] min_cell = 0）"));
        else if (min_cell > 1) {
            ts_strbuf_printf(&b, TR("1～%ld 件の区分は＊で秘匿し、合計から逆算できないよう他の区分も秘匿しています"), min_cell - 1);
            pdf_kv(w, TR("秘匿"), b.data);
            ts_strbuf_reset(&b);
        }
    }
    pdf_kv(w, TR("出典"), rp_get(c, "survey", "source", NULL));
    pdf_kv(w, TR("注記"), rp_get(c, "survey", "notes", NULL));
    ts_strbuf_free(&b);
}

#define CROW 17.0

/* One cell: the count and its share ("1,284（21.2%）"), or ＊. */
static void cell_text(const rp_csv *T, size_t r, char *out, size_t len)
{
    if (strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0) {
        snprintf(out, len, "%s", TR("＊"));
        return;
    }
    char n[64];
    ts_numformat_grouped(strtod(rp_csv_get(T, r, "n_category"), NULL), 0, n, sizeof n);
    const char *e = rp_csv_get(T, r, "estimate");
    if (*e)
        snprintf(out, len, TR("%s（%.1f%%）"), n, 100 * strtod(e, NULL));
    else
        snprintf(out, len, "%s", n);
}

/* The grid of table T for the ND domains DOM (at most 4 columns) and the NC categories CAT. */
static void counts_grid(writer *w, const rp_tab *t, const char *var, const char *const *dom, size_t nd,
                        const char *const *cat, size_t nc)
{
    rp_ctx *c = w->c;
    const rp_csv *T = c->tables;
    pdf_need(w, CROW * 4); /* the header never alone at the foot of a page */
    double label_w = nd > 3 ? 110 : 150, col_w = (CW - label_w) / (double)(nd ? nd : 1);
    if (col_w > 120)
        col_w = 120;
    double right = X0 + label_w + col_w * (double)nd;
    /* header */
    ts_frame_fill(&w->pen, X0, w->y, right - X0, CROW, SHADE);
    ts_text_font(&w->pen, 1, 8);
    ts_frame_color(&w->pen, INK);
    char *fit = ts_text_fit(&w->pen, rp_varlabel(c, var), label_w - 8);
    ts_text_draw(&w->pen, X0 + 4, w->y + 12, fit ? fit : "", TS_ALIGN_LEFT);
    free(fit);
    for (size_t d = 0; d < nd; d++) {
        fit = ts_text_fit(&w->pen, dom[d], col_w - 8);
        ts_text_draw(&w->pen, X0 + label_w + col_w * (double)(d + 1) - 4, w->y + 12, fit ? fit : "", TS_ALIGN_RIGHT);
        free(fit);
    }
    w->y += CROW;
    /* one row per category, then the total */
    for (size_t k = 0; k <= nc; k++) {
        if (w->y + CROW > BOTTOM)
            pdf_new_page(w);
        ts_text_font(&w->pen, k == nc, 8);
        ts_frame_color(&w->pen, INK);
        fit = ts_text_fit(&w->pen, k < nc ? cat[k] : TR("合計"), label_w - 8);
        ts_text_draw(&w->pen, X0 + 4, w->y + 12, fit ? fit : "", TS_ALIGN_LEFT);
        free(fit);
        for (size_t d = 0; d < nd; d++) {
            char txt[96] = "";
            for (size_t r = t->first; r < t->first + t->count; r++) {
                if (strcmp(rp_csv_get(T, r, "by_labels"), dom[d]) != 0)
                    continue;
                if (k < nc && strcmp(rp_csv_get(T, r, "label"), cat[k]) == 0) {
                    cell_text(T, r, txt, sizeof txt);
                    break;
                }
                if (k == nc) { /* the domain's total: n of any of its rows */
                    const char *n = rp_csv_get(T, r, "n");
                    if (*n) {
                        char g[64];
                        ts_numformat_grouped(strtod(n, NULL), 0, g, sizeof g);
                        snprintf(txt, sizeof txt, TR("%s（100%%）"), g);
                    } else {
                        snprintf(txt, sizeof txt, "%s", TR("＊"));
                    }
                    break;
                }
            }
            ts_text_draw(&w->pen, X0 + label_w + col_w * (double)(d + 1) - 4, w->y + 12, txt, TS_ALIGN_RIGHT);
        }
        w->y += CROW;
        ts_frame_line(&w->pen, X0, w->y, right, w->y, k + 1 == nc ? 0.8 : 0.3, RULE);
    }
    w->y += 4;
}

void pdf_counts_table(writer *w, item *it)
{
    rp_ctx *c = w->c;
    const rp_tab *t = it->tab;
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    const char *var = rp_get(c, sec, "var", t->id), *by = rp_get(c, sec, "by", NULL);
    /* the domains (columns: 全体 first) and the categories (rows), in file order */
    enum { MAXD = 201, MAXC = 200, PER = 4 }; /* PER domain columns a grid; more go to the next grid */
    const char *dom[MAXD], *cat[MAXC];
    size_t nd, nc;
    rp_counts_axes(c, t, dom, MAXD, &nd, cat, MAXC, &nc);
    ts_strbuf b = TS_STRBUF_INIT;
    char *tt = rp_table_title(c, t);
    ts_strbuf_printf(&b, TR("表%d　%s"), it->number, tt ? tt : t->id);
    free(tt);
    double whole = 50 + CROW * (double)(nc + 2);
    pdf_need(w, whole < BOTTOM - TOP ? whole : 50 + 4 * CROW);
    it->page = w->page;
    pdf_para_at(w, X0, CW, b.data, 11, 1, INK, 0);
    ts_strbuf_reset(&b);
    ts_strbuf_printf(&b, TR("件数と（%s）。数えた件数そのもので、標本誤差はない。"), by ? TR("それぞれの列の合計に対する割合") : TR("合計に対する割合"));
    pdf_para_at(w, X0, CW, b.data, 7.5, 0, GREY, 3);
    ts_strbuf_reset(&b);
    for (size_t d0 = 0; d0 < nd; d0 += PER)
        counts_grid(w, t, var, dom + d0, nd - d0 < PER ? nd - d0 : PER, cat, nc);
    w->y += 6;
    long min_cell = -1;
    ts_privacy_min_cell(c->m, &min_cell, NULL);
    int any_supp = 0;
    for (size_t r = t->first; r < t->first + t->count && !any_supp; r++)
        any_supp = strcmp(rp_csv_get(c->tables, r, "suppressed"), "yes") == 0;
    if (min_cell > 1 && any_supp) {
        ts_strbuf_printf(&b, TR("＊ 1～%ld 件の区分と、合計から逆算できてしまう区分は秘匿した。"), min_cell - 1);
        pdf_para_at(w, X0, CW, b.data, 7.5, 0, GREY, 0);
        ts_strbuf_reset(&b);
    }
    pdf_para_at(w, X0, CW, TR("割合は小数第1位に丸めたため、足しても 100% にならないことがある。"), 7.5, 0, GREY, 14);
    ts_strbuf_free(&b);
}

void pdf_counts_methods(writer *w)
{
    rp_ctx *c = w->c;
    const ts_counts *k = c->counts;
    ts_strbuf b = TS_STRBUF_INIT;
    pdf_new_page(w);
    w->methods_page = w->page;
    pdf_heading(w, TR("集計の方法"));
    pdf_subheading(w, TR("1. データ"));
    char n1[32];
    pdf_comma((long)k->nrows, n1);
    ts_strbuf_printf(&b, TR("このデータは、すでに数え上げられた件数のファイル（%s）です。"
                            "1 行が 1 つの区分で、区分の名前と件数が書かれています。"
                            "回答者一人ひとりの回答ではないため、ウェイト付けも標本設計もありません。読み込んだ区分は %s 行です"),
                     ts_manifest_get(c->m, "input", "counts"), n1);
    if (k->blank_rows)
        ts_strbuf_printf(&b, TR("（空行・注記行 %lu 行は読み飛ばしました）"), k->blank_rows);
    ts_strbuf_append_str(&b, TR("。"));
    if (k->total_line)
        ts_strbuf_printf(&b, TR("ファイルの %lu 行目の合計行「%s」は、各行の件数の和と一致することを確かめてから集計から除きました（一致しなければ集計を止めます）。"), k->total_line, k->total[0]);
    pdf_para(w, b.data);
    ts_strbuf_reset(&b);
    pdf_subheading(w, TR("2. 件数と割合"));
    pdf_para(w, TR("表は区分ごとの件数と、その合計に対する割合（%）です。"
                   "全数を数えた件数であり、一部を抽出して全体を推し量る標本調査ではないため、"
                   "標本誤差はありません。そのため標準誤差・信頼区間・有意差の検定は求めていません。"
                   "件数そのものの正確さ（数え方、重複、記録漏れ）は、元の記録を作った機関の定義によります。"));
    pdf_subheading(w, TR("3. 秘匿"));
    long min_cell = -1;
    ts_privacy_min_cell(c->m, &min_cell, NULL);
    if (min_cell > 1)
        ts_strbuf_printf(&b, TR("件数が 1～%ld の区分は＊として示さず（[privacy] min_cell = %ld）、"
                                "その区分が合計と他の区分から逆算できてしまうときは、"
                                "いちばん小さい他の区分も＊としました。0 件の区分はそのまま示しています。"),
                         min_cell - 1, min_cell);
    else
        ts_strbuf_printf(&b, TR("秘匿は行っていません（[privacy] min_cell = %ld）。"), min_cell);
    pdf_para(w, b.data);
    ts_strbuf_reset(&b);
    pdf_subheading(w, TR("4. 再現"));
    pdf_para(w, TR("集計に使ったファイルとそのチェックサム、実行したコマンドは reproducibility.txt に記録しています。"
                   "同じファイルから同じコマンドで、同じ表と図が得られます。"));
    if (w->synthetic) {
        pdf_subheading(w, TR("5. 合成データ"));
        pdf_para(w, TR("この報告書の件数は合成データ（synthetic data）であり、実際の統計ではありません。"));
    }
    ts_strbuf_free(&b);
}
