/* pdf_cover.c — the cover page of report.pdf: title, 合成データ notice, survey facts, sample
 * and response, weighting, design effect, and the contents (pages learnt in the first pass). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numformat.h"
#include "i18n.h"
#include "pdf.h"
#include "privacy.h"

/* "2022-11-19/2022-12-16" → "2022年11月19日～12月16日" (as given when it does not parse). */
static void period_ja(const char *p, ts_strbuf *b)
{
    int y1, m1, d1, y2, m2, d2;
    if (sscanf(p, "%d-%d-%d/%d-%d-%d", &y1, &m1, &d1, &y2, &m2, &d2) == 6) {
        if (y1 == y2)
            ts_strbuf_printf(b, TR("%d年%d月%d日～%d月%d日"), y1, m1, d1, m2, d2);
        else
            ts_strbuf_printf(b, TR("%d年%d月%d日～%d年%d月%d日"), y1, m1, d1, y2, m2, d2);
    } else {
        ts_strbuf_append_str(b, p);
    }
}

static void mode_ja(const char *mode, ts_strbuf *b)
{
    char **items = NULL;
    long n = ts_manifest_split_list(mode, &items);
    for (long i = 0; i < n; i++) {
        const char *m = items[i];
        const char *ja = strcmp(m, "web") == 0 ? "WEB" : strcmp(m, "mail") == 0 ? TR("郵送")
                       : strcmp(m, "interview") == 0 ? TR("面接") : strcmp(m, "phone") == 0 ? TR("電話") : m;
        ts_strbuf_printf(b, "%s%s", i ? TR("・") : "", ja);
    }
    if (n >= 0) /* an empty mode is 0 items in an allocated array */
        ts_manifest_free_list(items, (size_t)n);
}

/* The title block: the report's title, the survey's own title under it when it differs, the
 * English title when given, and for synthetic data the boxed caveat. */
static void cover_title(writer *w)
{
    rp_ctx *c = w->c;
    w->y = 96;
    ts_frame_fill(&w->pen, X0, w->y - 20, CW, 3, ACCENT);
    pdf_para_at(w, X0, CW, w->title, 20, 1, INK, 4);
    const char *st = rp_get(c, "survey", "title", "");
    if (strcmp(st, w->title) != 0)
        pdf_para_at(w, X0, CW, st, 11, 0, GREY, 2);
    /* the English title under the Japanese one; an English report shows it as its title already */
    const char *en = ts_i18n_lang() == TS_LANG_EN ? NULL : rp_get(c, "survey", "title_en", NULL);
    if (en)
        pdf_para_at(w, X0, CW, en, 8.5, 0, GREY, 8);
    if (w->synthetic) {
        const char *caveat = rp_get(c, "report", "caveat", NULL);
        ts_text_font(&w->pen, 0, 9.5);
        long n = pdf_count_lines(w, caveat, CW - 24);
        double h = 22 + n * 15.2 + 8;
        cairo_set_line_width(w->cr, 1.2);
        ts_frame_color(&w->pen, RED);
        cairo_rectangle(w->cr, X0, w->y, CW, h);
        cairo_stroke(w->cr);
        w->y += 8;
        pdf_para_at(w, X0 + 12, CW - 24, TR("「合成データ」— この報告書の数値はすべて合成データ（synthetic data）によるものです"), 10.5, 1, RED, 0);
        pdf_para_at(w, X0 + 12, CW - 24, caveat, 9.5, 0, INK, 0);
        w->y += 14;
    } else {
        w->y += 8;
    }
}

/* The rows after the weighting: no suppression is a choice ([privacy] min_cell = 0 written in
 * the manifest: the default is 10) that a reader of the cover must see, not only the methods
 * page; then the source and notes. */
static void cover_privacy(writer *w)
{
    rp_ctx *c = w->c;
    long min_cell = -1;
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0)
        pdf_kv(w, TR("秘匿"), rp_organisations(c) ? TR("行っていません。回答団体の少ないセルも、数・割合をすべて表示しています（[privacy] min_cell = 0）")
                                              : TR("行っていません。回答者の少ないセルも、人数・推定値をすべて表示しています（[privacy] min_cell = 0）"));
    pdf_kv(w, TR("出典"), rp_get(c, "survey", "source", NULL));
    pdf_kv(w, TR("注記"), rp_get(c, "survey", "notes", NULL));
}

/* 調査の概要: the survey facts, one label–value row each (a row with no value is left out). */
static void cover_facts(writer *w)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    char n1[32], n2[32], n3[32];
    if (c->counts) { /* [input] counts: no sample, no respondents, no weights (pdf_counts.c) */
        period_ja(rp_get(c, "survey", "period", ""), &b);
        pdf_counts_facts(w, b.data);
        ts_strbuf_free(&b);
        return;
    }
    pdf_heading(w, TR("調査の概要"));
    period_ja(rp_get(c, "survey", "period", ""), &b);
    pdf_kv(w, TR("調査期間"), b.data);
    ts_strbuf_reset(&b);
    mode_ja(rp_get(c, "survey", "mode", ""), &b);
    pdf_kv(w, TR("調査方法"), b.data);
    ts_strbuf_reset(&b);
    pdf_kv(w, TR("調査対象"), rp_get(c, "survey", "population", NULL));
    int census = rp_census(c);
    const char *unit = rp_unit_ja(c);
    ts_strbuf_append_str(&b, TR(ts_design_describe_ja(&c->design)));
    const char *strata = c->design.strata;
    if (strata)
        ts_strbuf_printf(&b, TR("（層：%s）"), rp_varlabel(c, strata));
    if (census && c->drawn > 0) {
        pdf_comma(c->drawn, n2);
        ts_strbuf_printf(&b, TR("：対象 %s %sのすべてに依頼（標本抽出なし）"), n2, unit);
    } else if (census)
        ts_strbuf_append_str(&b, TR("：対象のすべてに依頼（標本抽出なし）"));
    pdf_kv(w, census ? TR("調査の設計") : TR("標本設計"), b.data);
    ts_strbuf_reset(&b);
    /* [privacy] units: what one answer is (the cover says it whenever it is not the default
     * persons of a sample survey) */
    if (census || rp_organisations(c))
        pdf_kv(w, TR("集計の単位"), rp_organisations(c) ? TR("団体（1 団体 1 回答。表の数は団体の数）")
                                                    : TR("人（1 人 1 回答。表の数は回答者の数）"));
    long accepted = c->rows_read - c->rows_rejected;
    pdf_comma(accepted, n1);
    if (census) {
        /* a census: the population asked, not persons drawn */
        if (c->drawn > 0) {
            pdf_comma(c->drawn, n2);
            ts_strbuf_printf(&b, TR("対象 %s %s、回答 %s %s、回答率 %.1f%%"), n2, unit, n1, unit,
                             100.0 * accepted / (double)c->drawn);
        } else
            ts_strbuf_printf(&b, TR("回答 %s %s（対象の数が与えられていないため回答率は示していません）"), n1, unit);
    } else if (c->drawn > 0 && rp_organisations(c)) {
        pdf_comma(c->drawn, n2);
        ts_strbuf_printf(&b, TR("抽出 %s 団体、有効回答 %s 団体、回収率 %.1f%%"), n2, n1, 100.0 * accepted / (double)c->drawn);
    } else if (c->drawn > 0) {
        pdf_comma(c->drawn, n2);
        ts_strbuf_printf(&b, TR("抽出 %s 人、有効回答 %s 人、回収率 %.1f%%"), n2, n1, 100.0 * accepted / (double)c->drawn);
    } else {
        ts_strbuf_printf(&b, TR("有効回答 %s 件（抽出枠がないため回収率は定義できません）"), n1);
    }
    pdf_kv(w, census ? TR("対象と回答") : TR("標本と回答"), b.data);
    ts_strbuf_reset(&b);
    /* [design] drawn_frame: the response rate of each domain (stratum, school level ...); a
     * census's frame gives each group's population (the enrolment of a school level) */
    for (size_t k = 0; k < c->nrates; k++) {
        pdf_comma(c->rates[k].drawn, n2);
        pdf_comma(c->rates[k].answered, n1);
        if (census)
            ts_strbuf_printf(&b, TR("%s%s 対象 %s %s・回答 %s %s"), k ? TR("、") : "", c->rates[k].label, n2, unit, n1, unit);
        else
            ts_strbuf_printf(&b, TR("%s%s 抽出 %s 人・有効回答 %s 人"), k ? TR("、") : "", c->rates[k].label, n2, n1);
        if (c->rates[k].drawn > 0)
            ts_strbuf_printf(&b, TR("（%.1f%%）"), 100.0 * (double)c->rates[k].answered / (double)c->rates[k].drawn);
    }
    if (c->nrates) {
        ts_strbuf cap = TS_STRBUF_INIT;
        const char *vl = rp_varlabel(c, c->rates_var), *cut = strstr(vl, "（");
        if (census) /* the label up to its bracket: 「区分（元データのファイル）」 is too long a row label */
            ts_strbuf_printf(&cap, TR("%.*s別の回答率"), cut ? (int)(cut - vl) : (int)strlen(vl), vl);
        else
            ts_strbuf_printf(&cap, TR("%s別の回収率"), vl);
        pdf_kv(w, cap.data, b.data);
        ts_strbuf_free(&cap);
    }
    ts_strbuf_reset(&b);
    pdf_comma(c->rows_read, n1);
    pdf_comma(c->rows_rejected, n2);
    ts_strbuf_printf(&b, TR("読み込み %s 行のうち %s 行を除外、項目の警告 %ld 件（一覧は個票を含むため非公開）"), n1,
                     n2, c->item_warnings);
    if (c->rows_blank) {
        pdf_comma(c->rows_blank, n3);
        ts_strbuf_printf(&b, TR("。すべて空欄の行 %s 行は読み飛ばし"), n3);
    }
    pdf_kv(w, TR("データの検査"), b.data);
    ts_strbuf_reset(&b);
    if (rp_sources_ja(c, &b))
        pdf_kv(w, TR("元データ"), b.data);
    ts_strbuf_reset(&b);
    if (rp_id_ja(c))
        pdf_kv(w, TR("回答者ID"), rp_id_ja(c));
    if (census) {
        /* no weights, no sampling error: the weighting rows would describe weights all 1 */
        ts_strbuf_printf(&b, TR("ウェイトなし。表の数と割合は回答した%sの数そのもので、全数調査のため標本誤差はなく、"
                             "標準誤差・信頼区間・検定は示していません"), unit);
        pdf_kv(w, TR("集計"), b.data);
        ts_strbuf_reset(&b);
        cover_privacy(w);
        ts_strbuf_free(&b);
        return;
    }
    ts_strbuf_append_str(&b, rp_method_ja(ts_calibration_name(c->design.calibration)));
    if (rp_get(c, "weighting", "margins", NULL)) {
        ts_strbuf_append_str(&b, TR("。調整に使った母集団数："));
        pdf_margins_ja(c, &b);
    }
    if (strcmp(rp_get(c, "weighting", "illustrative_targets", NULL), "yes") == 0)
        ts_strbuf_append_str(&b, TR("（母集団数は説明用の値）"));
    pdf_kv(w, TR("ウェイト付け"), b.data);
    ts_strbuf_reset(&b);
    pdf_comma(c->weighted_n, n1);
    pdf_comma(lround(c->n_eff), n3);
    ts_strbuf_printf(&b, TR("%s 人にウェイト付け。設計効果（ウェイトのばらつき、Kish）%.2f、有効標本サイズ %s"), n1, c->deff, n3);
    pdf_kv(w, TR("設計効果と有効n"), b.data);
    ts_strbuf_reset(&b);
    pdf_comma(lround(c->wsum), n3);
    char w1[64], w2[64];
    ts_numformat_grouped(c->wmin, 1, w1, sizeof w1);
    ts_numformat_grouped(c->wmax, 1, w2, sizeof w2);
    ts_strbuf_printf(&b, TR("最小 %s ～ 最大 %s（比 %.1f）、合計 %s（推定母集団）"), w1, w2, c->wmin > 0 ? c->wmax / c->wmin : 0, n3);
    pdf_kv(w, TR("ウェイトの範囲"), b.data);
    ts_strbuf_reset(&b);
    cover_privacy(w);
    ts_strbuf_free(&b);
}

/* A line of the contents without a number: TEXT and its PAGE. */
static void contents_line(writer *w, const char *text, int page)
{
    pdf_need(w, 14);
    ts_text_font(&w->pen, 0, 9);
    ts_frame_color(&w->pen, INK);
    ts_text_draw(&w->pen, X0 + 8, w->y + 9, text, TS_ALIGN_LEFT);
    char pg[16];
    snprintf(pg, sizeof pg, "%d", page);
    ts_text_draw(&w->pen, X0 + CW, w->y + 9, pg, TS_ALIGN_RIGHT);
    w->y += 13.5;
}

/* 目次: each item with the page the first pass found it on, then 回帰分析 (when the report
 * has models) and the methods page. */
static void cover_contents(writer *w)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    /* The contents stay together: on the cover when they fit, else on a page of their own. */
    pdf_need(w, 40 + 13.5 * (double)(w->nitems + 1 + (w->models_page != 0)));
    pdf_heading(w, TR("目次"));
    for (size_t i = 0; i < w->nitems; i++) {
        item *it = &w->items[i];
        char *t = it->kind == ITEM_TABLE ? rp_table_title(c, it->tab) : NULL;
        ts_strbuf_printf(&b, TR("%s%d　%s"), it->kind == ITEM_CHART ? TR("図") : TR("表"), it->number,
                         it->kind == ITEM_CHART ? it->chart->title : t);
        free(t);
        pdf_need(w, 14);
        ts_text_font(&w->pen, 0, 9);
        ts_frame_color(&w->pen, INK);
        char *fit = ts_text_fit(&w->pen, b.data, CW - 40);
        ts_text_draw(&w->pen, X0 + 8, w->y + 9, fit ? fit : "", TS_ALIGN_LEFT);
        free(fit);
        char pg[16];
        snprintf(pg, sizeof pg, "%d", it->page);
        ts_text_draw(&w->pen, X0 + CW, w->y + 9, pg, TS_ALIGN_RIGHT);
        w->y += 13.5;
        ts_strbuf_reset(&b);
    }
    if (w->models_page != 0)
        contents_line(w, TR("回帰分析"), w->models_page);
    contents_line(w, TR("集計の方法"), w->methods_page);
    ts_strbuf_free(&b);
}

void pdf_cover(writer *w)
{
    cover_title(w);
    cover_facts(w);
    cover_contents(w);
}
