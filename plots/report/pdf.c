/* pdf.c — report.pdf: an A4 report drawn with cairo's PDF surface (plots/canvas.c, so the
 * creation date is fixed and a rerun gives the same bytes).
 *
 * Pages: a cover (title, 合成データ notice, survey facts, sample and response, weighting,
 * design effect, contents), then each section of [report] sections — a chart drawn by the
 * plots/ chart bodies straight into the page (vector, the same drawing as the PDFs in charts/) and
 * its table as a grid of percentages with [CI], n and ＊ for suppressed cells — then the
 * methods in plain Japanese. Every page carries the report title, 合成データ when the data
 * are synthetic, and its number.
 *
 * The layout runs twice: once on a scratch surface to learn on which page each section
 * starts (for the contents), then for real. */
#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../canvas.h"
#include "../chart.h"
#include "../chartspec.h"
#include "../fonts.h"
#include "../frame.h"
#include "privacy.h"
#include "report.h"
#include "numformat.h"
#include "strbuf.h"
#include "../tables.h"
#include "../text.h"

#define PAGE_W (210 * TS_PT_PER_MM)
#define PAGE_H (297 * TS_PT_PER_MM)
#define X0 56.0
#define CW (PAGE_W - 2 * X0)
#define TOP 70.0
#define BOTTOM (PAGE_H - 58.0)

static const ts_rgb INK = {0.10, 0.10, 0.12}, GREY = {0.38, 0.38, 0.40}, RULE = {0.75, 0.76, 0.80},
                    SHADE = {0.93, 0.95, 0.97}, RED = {0.75, 0.10, 0.10}, ACCENT = {0.13, 0.32, 0.55};

typedef enum { ITEM_CHART, ITEM_TABLE } item_kind;
typedef struct item {
    item_kind kind;
    const ts_chart *chart;
    rp_tab *tab;
    int number;       /* 図 N / 表 N */
    int page;         /* where it starts (learnt in the first pass) */
} item;

typedef struct writer {
    rp_ctx *c;
    cairo_t *cr;
    ts_pen pen;
    double y;         /* top of the free space on the page */
    int page;         /* current page number (1-based) */
    int synthetic;
    const char *title;
    item *items;
    size_t nitems;
    ts_err *err;
    int failed;
    int methods_page;
} writer;

/* ---- page furniture and text ---------------------------------------------------------- */

static void page_furniture(writer *w)
{
    ts_pen *p = &w->pen;
    if (w->page > 1) {
        ts_text_font(p, 0, 7.5);
        ts_frame_color(p, GREY);
        char *fit = ts_text_fit(p, w->title, CW - 90);
        ts_text_draw(p, X0, 40, fit ? fit : "", TS_ALIGN_LEFT);
        free(fit);
        ts_frame_line(p, X0, 47, X0 + CW, 47, 0.5, RULE);
    }
    if (w->synthetic) {
        ts_text_font(p, 1, 8);
        double tw = ts_text_width(p, "合成データ");
        double x = X0 + CW - tw - 10, y = 30;
        cairo_set_line_width(w->cr, 0.8);
        ts_frame_color(p, RED);
        cairo_rectangle(w->cr, x, y, tw + 10, 13);
        cairo_stroke(w->cr);
        ts_text_draw(p, x + 5, y + 10, "合成データ", TS_ALIGN_LEFT);
    }
    char num[32];
    snprintf(num, sizeof num, "— %d —", w->page);
    ts_text_font(p, 0, 8);
    ts_frame_color(p, GREY);
    ts_text_draw(p, X0 + CW / 2, PAGE_H - 32, num, TS_ALIGN_CENTER);
    ts_text_font(p, 0, 6.5);
    ts_text_draw(p, X0 + CW, PAGE_H - 32, "tsunagari " TS_VERSION, TS_ALIGN_RIGHT);
    if (w->synthetic)
        ts_text_draw(p, X0, PAGE_H - 32, "合成データによるデモ：実際の調査結果ではありません", TS_ALIGN_LEFT);
}

static void new_page(writer *w)
{
    cairo_show_page(w->cr);
    w->page++;
    w->y = TOP;
    page_furniture(w);
}

static void need(writer *w, double h)
{
    if (w->y + h > BOTTOM && w->y > TOP + 1)
        new_page(w);
}

static long count_lines(writer *w, const char *s, double width)
{
    char **lines;
    long n = ts_text_wrap(&w->pen, s, width, 40, &lines);
    if (n > 0)
        ts_text_free_lines(lines, n);
    return n < 0 ? 0 : n;
}

/* A wrapped paragraph at X..X+WIDTH from the cursor; breaks the page between lines. */
static void para_at(writer *w, double x, double width, const char *s, double size, int bold, ts_rgb color, double after)
{
    ts_text_font(&w->pen, bold, size);
    char **lines;
    long n = ts_text_wrap(&w->pen, s, width, 60, &lines);
    double lead = size * 1.6;
    for (long i = 0; i < n; i++) {
        need(w, lead);
        ts_text_font(&w->pen, bold, size);
        ts_frame_color(&w->pen, color);
        ts_text_draw(&w->pen, x, w->y + size, lines[i], TS_ALIGN_LEFT);
        w->y += lead;
    }
    if (n > 0)
        ts_text_free_lines(lines, n);
    w->y += after;
}

static void para(writer *w, const char *s) { para_at(w, X0, CW, s, 9.5, 0, INK, 5); }

static void heading(writer *w, const char *s)
{
    need(w, 60);
    w->y += 6;
    ts_frame_fill(&w->pen, X0, w->y, 3.5, 15, ACCENT);
    para_at(w, X0 + 10, CW - 10, s, 12, 1, INK, 6);
}

static void subheading(writer *w, const char *s)
{
    need(w, 40);
    w->y += 3;
    para_at(w, X0, CW, s, 10, 1, ACCENT, 2);
}

/* ---- numbers ------------------------------------------------------------------------- */

static void comma(long n, char buf[32]) { ts_frame_count(n, buf); }

static double fnum(const char *s) { return s && *s ? strtod(s, NULL) : NAN; }

/* "2022-11-19/2022-12-16" → "2022年11月19日～12月16日" (as given when it does not parse). */
static void period_ja(const char *p, ts_strbuf *b)
{
    int y1, m1, d1, y2, m2, d2;
    if (sscanf(p, "%d-%d-%d/%d-%d-%d", &y1, &m1, &d1, &y2, &m2, &d2) == 6) {
        if (y1 == y2)
            ts_strbuf_printf(b, "%d年%d月%d日～%d月%d日", y1, m1, d1, m2, d2);
        else
            ts_strbuf_printf(b, "%d年%d月%d日～%d年%d月%d日", y1, m1, d1, y2, m2, d2);
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
        const char *ja = strcmp(m, "web") == 0 ? "WEB" : strcmp(m, "mail") == 0 ? "郵送"
                       : strcmp(m, "interview") == 0 ? "面接" : strcmp(m, "phone") == 0 ? "電話" : m;
        ts_strbuf_printf(b, "%s%s", i ? "・" : "", ja);
    }
    if (n > 0)
        ts_manifest_free_list(items, (size_t)n);
}

/* The margins' variables in Japanese: "年齢(8区分)、性別" */
static void margins_ja(rp_ctx *c, ts_strbuf *b)
{
    char **items = NULL;
    long n = ts_manifest_split_list(rp_get(c, "weighting", "margins", ""), &items);
    for (long i = 0; i < n; i++) {
        char sec[300];
        snprintf(sec, sizeof sec, "margin.%s", items[i]);
        char **vars = NULL;
        long k = ts_manifest_split_list(rp_get(c, sec, "vars", items[i]), &vars);
        ts_strbuf_append_str(b, i ? "、" : "");
        for (long j = 0; j < k; j++) {
            const char *l = rp_varlabel(c, vars[j]);
            const char *paren = strstr(l, ": ");
            ts_strbuf_printf(b, "%s%.*s", j ? "×" : "", paren ? (int)(paren - l) : (int)strlen(l), l);
        }
        if (k > 0)
            ts_manifest_free_list(vars, (size_t)k);
    }
    if (n > 0)
        ts_manifest_free_list(items, (size_t)n);
}

/* ---- cover ----------------------------------------------------------------------------- */

static void kv(writer *w, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    double lw = 112;
    ts_text_font(&w->pen, 0, 9.5);
    long n = count_lines(w, value, CW - lw);
    need(w, n * 15.2 + 6);
    double top = w->y;
    ts_text_font(&w->pen, 1, 9);
    ts_frame_color(&w->pen, ACCENT);
    ts_text_draw(&w->pen, X0, top + 9.5, label, TS_ALIGN_LEFT);
    para_at(w, X0 + lw, CW - lw, value, 9.5, 0, INK, 0);
    w->y += 4;
    ts_frame_line(&w->pen, X0, w->y - 2, X0 + CW, w->y - 2, 0.3, RULE);
    w->y += 2;
}

static void cover(writer *w)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    char n1[32], n2[32], n3[32];
    w->y = 96;
    ts_frame_fill(&w->pen, X0, w->y - 20, CW, 3, ACCENT);
    para_at(w, X0, CW, w->title, 20, 1, INK, 4);
    const char *st = rp_get(c, "survey", "title", "");
    if (strcmp(st, w->title) != 0)
        para_at(w, X0, CW, st, 11, 0, GREY, 2);
    const char *en = rp_get(c, "survey", "title_en", NULL);
    if (en)
        para_at(w, X0, CW, en, 8.5, 0, GREY, 8);
    if (w->synthetic) {
        const char *caveat = rp_get(c, "report", "caveat", "合成データによるデモです。実際の調査結果ではありません。");
        ts_text_font(&w->pen, 0, 9.5);
        long n = count_lines(w, caveat, CW - 24);
        double h = 22 + n * 15.2 + 8;
        cairo_set_line_width(w->cr, 1.2);
        ts_frame_color(&w->pen, RED);
        cairo_rectangle(w->cr, X0, w->y, CW, h);
        cairo_stroke(w->cr);
        w->y += 8;
        para_at(w, X0 + 12, CW - 24, "「合成データ」— この報告書の数値はすべて合成データ（synthetic data）によるものです", 10.5, 1, RED, 0);
        para_at(w, X0 + 12, CW - 24, caveat, 9.5, 0, INK, 0);
        w->y += 14;
    } else {
        w->y += 8;
    }
    heading(w, "調査の概要");
    period_ja(rp_get(c, "survey", "period", ""), &b);
    kv(w, "調査期間", b.data);
    ts_strbuf_reset(&b);
    mode_ja(rp_get(c, "survey", "mode", ""), &b);
    kv(w, "調査方法", b.data);
    ts_strbuf_reset(&b);
    kv(w, "調査対象", rp_get(c, "survey", "population", NULL));
    ts_strbuf_append_str(&b, rp_design_ja(c));
    const char *strata = rp_get(c, "design", "strata", NULL);
    if (strata)
        ts_strbuf_printf(&b, "（層：%s）", rp_varlabel(c, strata));
    kv(w, "標本設計", b.data);
    ts_strbuf_reset(&b);
    long accepted = c->rows_read - c->rows_rejected;
    comma(accepted, n1);
    if (c->drawn > 0) {
        comma(c->drawn, n2);
        ts_strbuf_printf(&b, "抽出 %s 人、有効回答 %s 人、回収率 %.1f%%", n2, n1, 100.0 * accepted / (double)c->drawn);
    } else {
        ts_strbuf_printf(&b, "有効回答 %s 件（抽出枠がないため回収率は定義できません）", n1);
    }
    kv(w, "標本と回答", b.data);
    ts_strbuf_reset(&b);
    comma(c->rows_read, n1);
    comma(c->rows_rejected, n2);
    ts_strbuf_printf(&b, "読み込み %s 行のうち %s 行を除外、項目の警告 %ld 件（行・列・理由は rejects.csv）", n1, n2,
                     c->item_warnings);
    kv(w, "データの検査", b.data);
    ts_strbuf_reset(&b);
    ts_strbuf_append_str(&b, rp_method_ja(rp_get(c, "weighting", "method", "none")));
    if (rp_get(c, "weighting", "margins", NULL)) {
        ts_strbuf_append_str(&b, "。調整に使った母集団数：");
        margins_ja(c, &b);
    }
    if (strcmp(rp_get(c, "weighting", "illustrative_targets", "no"), "yes") == 0)
        ts_strbuf_append_str(&b, "（母集団数は説明用の値）");
    kv(w, "ウェイト付け", b.data);
    ts_strbuf_reset(&b);
    comma(c->weighted_n, n1);
    comma(lround(c->n_eff), n3);
    ts_strbuf_printf(&b, "%s 人にウェイト付け。設計効果（ウェイトのばらつき、Kish）%.2f、有効標本サイズ %s", n1, c->deff, n3);
    kv(w, "設計効果と有効n", b.data);
    ts_strbuf_reset(&b);
    comma(lround(c->wsum), n3);
    char w1[64], w2[64];
    ts_numformat_grouped(c->wmin, 1, w1, sizeof w1);
    ts_numformat_grouped(c->wmax, 1, w2, sizeof w2);
    ts_strbuf_printf(&b, "最小 %s ～ 最大 %s（比 %.1f）、合計 %s（推定母集団）", w1, w2, c->wmin > 0 ? c->wmax / c->wmin : 0, n3);
    kv(w, "ウェイトの範囲", b.data);
    ts_strbuf_reset(&b);
    kv(w, "出典", rp_get(c, "survey", "source", NULL));
    kv(w, "注記", rp_get(c, "survey", "notes", NULL));

    /* The contents stay together: on the cover when they fit, else on a page of their own. */
    need(w, 40 + 13.5 * (double)(w->nitems + 1));
    heading(w, "目次");
    for (size_t i = 0; i < w->nitems; i++) {
        item *it = &w->items[i];
        char *t = it->kind == ITEM_TABLE ? rp_table_title(c, it->tab) : NULL;
        ts_strbuf_printf(&b, "%s%d　%s", it->kind == ITEM_CHART ? "図" : "表", it->number,
                         it->kind == ITEM_CHART ? it->chart->title : t);
        free(t);
        need(w, 14);
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
    need(w, 14);
    ts_text_font(&w->pen, 0, 9);
    ts_frame_color(&w->pen, INK);
    ts_text_draw(&w->pen, X0 + 8, w->y + 9, "集計の方法", TS_ALIGN_LEFT);
    char mp[16];
    snprintf(mp, sizeof mp, "%d", w->methods_page);
    ts_text_draw(&w->pen, X0 + CW, w->y + 9, mp, TS_ALIGN_RIGHT);
    w->y += 13.5;
    ts_strbuf_free(&b);
}

/* ---- a chart -------------------------------------------------------------------------- */

typedef double (*body_fn)(ts_pen *, const ts_chart *, ts_rect, ts_notes *, int, ts_err *);

static body_fn body_of(ts_chart_type t)
{
    switch (t) {
    case TS_CHART_STACKED: return ts_chart_stacked;
    case TS_CHART_INDICATOR: return ts_chart_indicator;
    case TS_CHART_MULTI: return ts_chart_multi;
    case TS_CHART_COMPARE: return ts_chart_compare;
    }
    return ts_chart_stacked;
}

static void draw_chart(writer *w, item *it)
{
    const ts_chart *ch = it->chart;
    ts_notes notes = {0};
    char *sub = ts_chart_subtitle(ch);
    char title[600];
    snprintf(title, sizeof title, "図%d　%s", it->number, ch->title);
    ts_rect area = {X0, 0, CW, 1e6};
    double body = body_of(ch->type)(&w->pen, ch, area, &notes, 1, w->err);
    if (body < 0 || !sub) {
        w->failed = 1;
        goto done;
    }
    double head = ts_frame_header_height(&w->pen, title, sub, CW);
    double foot = ts_frame_footer_height(&w->pen, &notes, CW);
    double total = head + body + 8 + foot;
    need(w, total);
    it->page = w->page;
    ts_rect page = {X0, w->y, CW, total};
    ts_frame_draw(&w->pen, page, title, sub, &notes);
    ts_rect barea = {X0, w->y + head, CW, body};
    if (body_of(ch->type)(&w->pen, ch, barea, NULL, 0, w->err) < 0)
        w->failed = 1;
    w->y += total + 22;
done:
    ts_notes_free(&notes);
    free(sub);
}

/* ---- a table as a grid -------------------------------------------------------------- */

typedef struct gcell {
    const char *est, *lo, *hi;   /* "" when none */
    int suppressed, present;
    int share;
} gcell;

typedef struct grid {
    const char **dom_label, **dom_codes;  /* domains in file order */
    long *dom_n;
    size_t ndom;
    const char **cat_label, **cat_code;   /* categories in file order */
    size_t ncat;
    gcell *cell;                          /* cell[d * stride + k] */
    size_t stride;
    int dec;                              /* decimals of values that are not shares (rp_tab_decimals) */
} grid;

static void grid_free(grid *g)
{
    free(g->dom_label), free(g->dom_codes), free(g->dom_n);
    free(g->cat_label), free(g->cat_code), free(g->cell);
}

static int grid_build(rp_ctx *c, const rp_tab *t, grid *g)
{
    const rp_csv *T = c->tables;
    size_t cap = t->count;
    memset(g, 0, sizeof *g);
    g->dom_label = calloc(cap, sizeof *g->dom_label);
    g->dom_codes = calloc(cap, sizeof *g->dom_codes);
    g->dom_n = calloc(cap, sizeof *g->dom_n);
    g->cat_label = calloc(cap, sizeof *g->cat_label);
    g->cat_code = calloc(cap, sizeof *g->cat_code);
    g->cell = calloc(cap * cap, sizeof *g->cell);
    g->stride = cap;
    if (!g->dom_label || !g->dom_codes || !g->dom_n || !g->cat_label || !g->cat_code || !g->cell)
        return -1;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *stat = rp_csv_get(T, r, "statistic");
        if (strncmp(stat, "rao_scott", 9) == 0)
            continue;
        const char *dc = rp_csv_get(T, r, "by_codes"), *code = rp_csv_get(T, r, "code");
        size_t d, k;
        for (d = 0; d < g->ndom && strcmp(g->dom_codes[d], dc) != 0; d++)
            ;
        if (d == g->ndom) {
            g->dom_codes[d] = dc;
            g->dom_label[d] = rp_csv_get(T, r, "by_labels");
            g->dom_n[d] = atol(rp_csv_get(T, r, "n"));
            g->ndom++;
        }
        for (k = 0; k < g->ncat && strcmp(g->cat_code[k], code) != 0; k++)
            ;
        if (k == g->ncat) {
            g->cat_code[k] = code;
            g->cat_label[k] = *code ? rp_csv_get(T, r, "label") : strcmp(stat, "mean") == 0 ? "平均" : "合計";
            g->ncat++;
        }
        gcell *x = &g->cell[d * cap + k];
        x->present = 1;
        x->share = strcmp(stat, "share") == 0;
        x->suppressed = strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0;
        x->est = rp_csv_get(T, r, "estimate");
        x->lo = rp_csv_get(T, r, "ci_low");
        x->hi = rp_csv_get(T, r, "ci_high");
    }
    return 0;
}

/* A share in percent with one decimal; a mean or total with DEC decimals and thousands
 * separators (20,313,812), never %.2f of a count. */
static void fmt_value(const gcell *x, int dec, double v, char *buf, size_t len)
{
    if (!isfinite(v))
        snprintf(buf, len, "—");
    else if (x->share)
        snprintf(buf, len, "%.1f", 100 * v);
    else
        ts_numformat_grouped(v, dec, buf, len);
}

/* The value and the interval text of cell X; CI is "" when it has none. */
static void gcell_text(const gcell *x, int dec, char val[64], char ci[140])
{
    char a[64], b[64];
    fmt_value(x, dec, fnum(x->est), val, 64);
    ci[0] = '\0';
    if (*x->lo && *x->hi) {
        fmt_value(x, dec, fnum(x->lo), a, sizeof a);
        fmt_value(x, dec, fnum(x->hi), b, sizeof b);
        snprintf(ci, 140, "[%s–%s]", a, b);
    }
}

/* The width the widest cell of G needs (value in bold 9 pt, interval in 6.5 pt), padding
 * included, so that neighbouring cells never overprint. */
static double cells_width(writer *w, const grid *g)
{
    double need = 0;
    for (size_t d = 0; d < g->ndom; d++)
        for (size_t k = 0; k < g->ncat; k++) {
            const gcell *x = &g->cell[d * g->stride + k];
            if (!x->present || x->suppressed)
                continue;
            char val[64], ci[140];
            gcell_text(x, g->dec, val, ci);
            ts_text_font(&w->pen, 1, 9);
            need = fmax(need, ts_text_width(&w->pen, val));
            ts_text_font(&w->pen, 0, 6.5);
            need = fmax(need, ts_text_width(&w->pen, ci));
        }
    return need + 8;
}

/* Draw one cell (value over its interval) centred at CX with its top at Y. */
static void draw_gcell(writer *w, const gcell *x, int dec, double cx, double y)
{
    char a[64], ci[140];
    if (!x->present) {
        ts_text_font(&w->pen, 0, 8.5);
        ts_frame_color(&w->pen, GREY);
        ts_text_draw(&w->pen, cx, y + 11, "・", TS_ALIGN_CENTER);
        return;
    }
    if (x->suppressed) {
        ts_text_font(&w->pen, 1, 9);
        ts_frame_color(&w->pen, RED);
        ts_text_draw(&w->pen, cx, y + 12, "＊", TS_ALIGN_CENTER);
        return;
    }
    gcell_text(x, dec, a, ci);
    ts_text_font(&w->pen, 1, 9);
    ts_frame_color(&w->pen, INK);
    ts_text_draw(&w->pen, cx, y + 11, a, TS_ALIGN_CENTER);
    if (*ci) {
        ts_text_font(&w->pen, 0, 6.5);
        ts_frame_color(&w->pen, GREY);
        ts_text_draw(&w->pen, cx, y + 20, ci, TS_ALIGN_CENTER);
    }
}

#define ROW_H 24.0

/* Header labels wrapped into COLW; returns the header height. With DRAW, draws them. */
static double col_headers(writer *w, const char **labels, const long *ns, size_t k, double x, double colw, int draw)
{
    double maxh = 0;
    for (size_t j = 0; j < k; j++) {
        ts_text_font(&w->pen, 1, 7.5);
        char **lines;
        long n = ts_text_wrap(&w->pen, labels[j], colw - 4, 3, &lines);
        double h = n * 10.0 + (ns ? 10 : 0);
        if (draw) {
            ts_frame_color(&w->pen, INK);
            for (long i = 0; i < n; i++)
                ts_text_draw(&w->pen, x + colw * (j + 0.5), w->y + 10 + 10.0 * i, lines[i], TS_ALIGN_CENTER);
            if (ns) {
                char c[32], t[48];
                comma(ns[j], c);
                snprintf(t, sizeof t, "n=%s", c);
                ts_text_font(&w->pen, 0, 6.5);
                ts_frame_color(&w->pen, GREY);
                ts_text_draw(&w->pen, x + colw * (j + 0.5), w->y + 10 + 10.0 * n, t, TS_ALIGN_CENTER);
            }
        }
        if (n > 0)
            ts_text_free_lines(lines, n);
        maxh = fmax(maxh, h);
    }
    return maxh + 6;
}

#define GRID_LW(transpose) ((transpose) ? 170.0 : 104.0) /* row labels */
#define GRID_NW(transpose) ((transpose) ? 0.0 : 44.0)    /* the n column */

/* Rows are domains, columns categories (TRANSPOSE = 0), or the other way round. Columns are
 * at most 80 pt wide, but never narrower than CELLW (the widest cell, cells_width): the
 * caller gives no more columns than fit at that width. */
static void draw_grid(writer *w, const grid *g, int transpose, size_t col0, size_t ncols, const char *corner,
                      double cellw)
{
    size_t nrows = transpose ? g->ncat : g->ndom;
    double lw = GRID_LW(transpose), nw = GRID_NW(transpose);
    double colw = (CW - lw - nw) / (double)ncols;
    if (colw > fmax(80, cellw))
        colw = fmax(80, cellw);
    double gx = X0 + lw + nw;
    const char **labels = (transpose ? g->dom_label : g->cat_label) + col0;
    const long *ns = transpose ? g->dom_n + col0 : NULL;
    double hh = col_headers(w, labels, ns, ncols, gx, colw, 0);
    double right = gx + colw * (double)ncols;
    int first = 1;
    for (size_t r = 0; r < nrows; r++) {
        if (first || w->y + ROW_H > BOTTOM) {
            if (!first)
                new_page(w);
            need(w, hh + ROW_H * (nrows - r < 3 ? (double)(nrows - r) : 3));
            ts_frame_fill(&w->pen, X0, w->y, right - X0, hh, SHADE);
            col_headers(w, labels, ns, ncols, gx, colw, 1);
            ts_text_font(&w->pen, 1, 7.5);
            ts_frame_color(&w->pen, INK);
            /* The corner is cut to its column (row labels and n), never into the headers. */
            char *fit = ts_text_fit(&w->pen, first ? corner : "（続き）", lw + nw - 8 - (transpose ? 0 : 12));
            ts_text_draw(&w->pen, X0 + 4, w->y + 10, fit ? fit : "", TS_ALIGN_LEFT);
            free(fit);
            if (!transpose)
                ts_text_draw(&w->pen, X0 + lw + nw - 4, w->y + 10, "n", TS_ALIGN_RIGHT);
            w->y += hh;
            ts_frame_line(&w->pen, X0, w->y, right, w->y, 0.8, INK);
            first = 0;
        }
        /* The row label: a domain with its n, or a category (two lines when long). */
        const char *label = transpose ? g->cat_label[r] : g->dom_label[r];
        int total = !transpose && g->dom_codes[r][0] == '\0';
        if (total)
            ts_frame_fill(&w->pen, X0, w->y, right - X0, ROW_H, (ts_rgb){0.97, 0.97, 0.97});
        ts_text_font(&w->pen, total, 8.5);
        ts_frame_color(&w->pen, INK);
        char **lines;
        long n = ts_text_wrap(&w->pen, label, lw - 8, 2, &lines);
        for (long i = 0; i < n; i++)
            ts_text_draw(&w->pen, X0 + 4, w->y + (n == 1 ? 15 : 10 + 10.0 * i), lines[i], TS_ALIGN_LEFT);
        if (n > 0)
            ts_text_free_lines(lines, n);
        if (!transpose) {
            char c[32];
            comma(g->dom_n[r], c);
            ts_text_font(&w->pen, 0, 8);
            ts_frame_color(&w->pen, GREY);
            ts_text_draw(&w->pen, X0 + lw + nw - 4, w->y + 15, c, TS_ALIGN_RIGHT);
        }
        for (size_t j = 0; j < ncols; j++) {
            size_t d = transpose ? col0 + j : r, k = transpose ? r : col0 + j;
            draw_gcell(w, &g->cell[d * g->stride + k], g->dec, gx + colw * (j + 0.5), w->y + 1);
        }
        w->y += ROW_H;
        ts_frame_line(&w->pen, X0, w->y, right, w->y, total ? 0.6 : 0.3, total ? GREY : RULE);
    }
    w->y += 6;
}

static void draw_table(writer *w, item *it)
{
    rp_ctx *c = w->c;
    const rp_tab *t = it->tab;
    grid g;
    if (grid_build(c, t, &g) != 0) {
        grid_free(&g);
        ts_err_set(w->err, TS_E_NOMEM, "out of memory");
        w->failed = 1;
        return;
    }
    g.dec = rp_tab_decimals(c, t);
    rp_stat kind = rp_tab_stat(c, t);
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    int weighted = strcmp(rp_get(c, sec, "weighted", "yes"), "no") != 0;
    const rp_csv *T = c->tables;
    double level = 0.95;
    long missing = -1;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (*rp_csv_get(T, r, "ci_level") && missing < 0) {
            level = fnum(rp_csv_get(T, r, "ci_level"));
            if (!*rp_csv_get(T, r, "by_codes"))
                missing = atol(rp_csv_get(T, r, "missing_n"));
        }
    }
    char *tt = rp_table_title(c, t);
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, "表%d　%s", it->number, tt ? tt : t->id);
    /* Keep a table on one page when it fits on one. */
    double whole = 60 + 40 + ROW_H * (double)(g.ncat <= 7 ? g.ndom : g.ncat * ((g.ndom + 4) / 5)) + 40;
    need(w, whole < BOTTOM - TOP ? whole : 40 + 3 * ROW_H);
    it->page = w->page;
    para_at(w, X0, CW, b.data, 11, 1, INK, 0);
    ts_strbuf_reset(&b);
    ts_strbuf_printf(&b, "%sと [%g%%信頼区間]。%s", rp_stat_caption(kind), 100 * level,
                     kind == RP_TOTAL ? (weighted ? "ウェイトの合計による母集団の推定値（整数に丸めた）。" : "回答者の数の合計。")
                     : kind == RP_MEAN ? (weighted ? "ウェイト付け集計。" : "ウェイトを付けない回答者の平均。")
                     : (weighted ? "ウェイト付け集計。" : "ウェイトを付けない回答者の割合。"));
    para_at(w, X0, CW, b.data, 7.5, 0, GREY, 3);
    ts_strbuf_reset(&b);

    int any_supp = 0, any_absent = 0;
    for (size_t d = 0; d < g.ndom; d++)
        for (size_t k = 0; k < g.ncat; k++) {
            any_supp |= g.cell[d * g.stride + k].suppressed;
            any_absent |= !g.cell[d * g.stride + k].present;
        }
    const char *by = rp_get(c, sec, "by", NULL);
    /* The corner names the domain variable by its label up to the question text ("相談相手の有無"). */
    char corner[200];
    const char *bl = by ? rp_varlabel(c, by) : "区分";
    const char *colon = strstr(bl, ": "), *wide = strstr(bl, "："), *cut = colon && (!wide || colon < wide) ? colon : wide;
    snprintf(corner, sizeof corner, "%.*s", cut ? (int)(cut - bl) : (int)strlen(bl), bl);
    /* As many columns as fit at the width of the widest cell; the rest in another grid. */
    double cellw = cells_width(w, &g);
    if (g.ncat <= 7) {
        size_t fit = (size_t)fmax(1, floor((CW - GRID_LW(0) - GRID_NW(0)) / cellw));
        size_t chunk = g.ncat <= fit ? g.ncat : fit;
        for (size_t k0 = 0; k0 < g.ncat; k0 += chunk)
            draw_grid(w, &g, 0, k0, g.ncat - k0 < chunk ? g.ncat - k0 : chunk, corner, cellw);
    } else {
        size_t fit = (size_t)fmax(1, floor((CW - GRID_LW(1)) / cellw));
        size_t chunk = g.ndom <= 6 ? g.ndom : 5;
        if (chunk > fit)
            chunk = fit;
        for (size_t d0 = 0; d0 < g.ndom; d0 += chunk)
            draw_grid(w, &g, 1, d0, g.ndom - d0 < chunk ? g.ndom - d0 : chunk, "回答", cellw);
    }
    /* Notes under the table. */
    if (missing > 0) {
        char n[32];
        comma(missing, n);
        ts_strbuf_printf(&b, "無回答 %s 人は集計から除いた。", n);
    }
    ts_strbuf_append_str(&b, "n は回答者数（ウェイト付け前）。");
    if (any_supp)
        ts_strbuf_printf(&b, "＊ 回答者が %s 人未満のため非表示。", rp_get(c, "privacy", "min_cell", "10"));
    if (any_absent)
        ts_strbuf_append_str(&b, "・ 該当なし。");
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (strcmp(rp_csv_get(T, r, "statistic"), "rao_scott_f") != 0)
            continue;
        char d2[32];
        comma(lround(fnum(rp_csv_get(T, r, "df2"))), d2);
        double p = fnum(rp_csv_get(T, r, "p_value"));
        char ps[32];
        if (p < 0.001)
            snprintf(ps, sizeof ps, "p < 0.001");
        else
            snprintf(ps, sizeof ps, "p = %.3f", p);
        ts_strbuf_printf(&b, "%sとの関連（Rao–Scott 二次補正 F 検定）：F = %.2f（自由度 %.1f, %s）、%s。",
                         by ? rp_varlabel(c, by) : "区分", fnum(rp_csv_get(T, r, "estimate")),
                         fnum(rp_csv_get(T, r, "df")), d2, ps);
    }
    para_at(w, X0, CW, b.data, 7, 0, GREY, 18);
    ts_strbuf_free(&b);
    free(tt);
    grid_free(&g);
}

/* ---- methods, in plain Japanese --------------------------------------------------------- */

/* The interval methods of tsunagari-tab in plain Japanese: a short name and what it does
 * (docs/estimation.md, "Intervals"). */
static void ci_method_ja(const char *m, const char **name, const char **detail)
{
    static const struct {
        const char *method, *name, *detail;
    } M[] = {
        {"logit", "ロジット変換した区間",
         "log(p/(1−p)) ± t × 標準誤差 ÷ (p(1−p)) を求めて割合に戻すため、0% や 100% に近い割合でも区間が 0～100% の外に出ません"
         "（R の svyciprop の method = \"logit\" と同じ）"},
        {"beta", "Korn–Graubard の区間",
         "有効標本サイズ（p(1−p) ÷ 標準誤差²）の上で二項分布の正確な区間（クロッパー・ピアソン）を求め、自由度で補正したもので、"
         "まれな割合でも区間が狭くなりすぎません（Korn & Graubard 1998、R の svyciprop の method = \"beta\" と同じ）"},
        {"xlogit", "ロジット変換した区間（デルタ法）",
         "ロジット変換した割合の標準誤差をデルタ法で求めて区間を作り、割合に戻したものです（R の svyciprop の method = \"xlogit\" と同じ）"},
        {"wald", "ワルド型の区間", "p ± t × 標準誤差 で、0% や 100% に近い割合では区間が 0～100% の外に出ることがあります"},
        {"wilson", "ウィルソンのスコア区間", "有効標本サイズの上で求めたスコア区間です"},
        {"t", "推定値 ± t × 標準誤差 の区間", "推定値 ± t × 標準誤差 です"},
        {"none", "信頼区間なし", "信頼区間を求めていません"},
    };
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++)
        if (strcmp(m, M[i].method) == 0) {
            *name = M[i].name;
            *detail = M[i].detail;
            return;
        }
    *name = *detail = m;
}

/* Section 4: the interval each table was computed with, as tables.csv says — grouped by
 * method and level, naming the tables when they differ — and the tests. */
static void ci_text(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    enum { MAXG = 16 };
    struct {
        const char *method;
        double level;
        ts_strbuf tables;
        size_t n;
    } g[MAXG];
    size_t ng = 0;
    int any_test = 0;
    memset(g, 0, sizeof g);
    for (size_t i = 0; i < w->nitems; i++) {
        if (w->items[i].kind != ITEM_TABLE)
            continue;
        const rp_tab *t = w->items[i].tab;
        const char *m;
        double level;
        rp_tab_ci(c, t, &m, &level);
        for (size_t r = t->first; r < t->first + t->count; r++)
            any_test |= strncmp(rp_csv_get(c->tables, r, "statistic"), "rao_scott", 9) == 0;
        if (!*m)
            continue;
        size_t k = 0;
        while (k < ng && !(strcmp(g[k].method, m) == 0 && (g[k].level == level || (isnan(level) && isnan(g[k].level)))))
            k++;
        if (k == ng) {
            if (ng == MAXG)
                continue;
            g[ng].method = m;
            g[ng].level = level;
            ng++;
        }
        ts_strbuf_printf(&g[k].tables, "%s表%d", g[k].n++ ? "・" : "", w->items[i].number);
    }
    size_t nsg = 0;
    for (size_t k = 0; k < ng; k++)
        nsg += strcmp(g[k].method, "t") != 0;
    /* Shares: one sentence when every table used the same interval, else one per group. */
    for (size_t k = 0, j = 0; k < ng; k++) {
        if (strcmp(g[k].method, "t") == 0)
            continue;
        const char *name, *detail;
        ci_method_ja(g[k].method, &name, &detail);
        char lv[32] = "";
        if (!isnan(g[k].level))
            snprintf(lv, sizeof lv, "%g%% ", 100 * g[k].level);
        if (strcmp(g[k].method, "none") == 0)
            ts_strbuf_printf(b, "%sの割合には信頼区間を求めていません。", g[k].tables.data);
        else if (nsg == 1)
            ts_strbuf_printf(b, "割合の %s信頼区間は%sです：%s。", lv, name, detail);
        else
            ts_strbuf_printf(b, "%s割合の %s信頼区間は、%s は%sです：%s。", j++ == 0 ? "表によって区間の求め方が異なります。" : "", lv,
                             g[k].tables.data, name, detail);
    }
    /* Means and totals: the estimate ± t × standard error, at each level used. */
    for (size_t k = 0; k < ng; k++) {
        if (strcmp(g[k].method, "t") != 0)
            continue;
        char lv[32] = "";
        if (!isnan(g[k].level))
            snprintf(lv, sizeof lv, "%g%% ", 100 * g[k].level);
        ts_strbuf_printf(b, "平均値・推定総数（%s）の %s信頼区間は 推定値 ± t × 標準誤差 です。", g[k].tables.data, lv);
    }
    if (ng > 0)
        ts_strbuf_append_str(b, "t はデザインの自由度（第1次抽出単位の数 − 層の数）による t 分布の値です。");
    if (any_test)
        ts_strbuf_append_str(b, "区分による違いは Rao–Scott の補正をしたカイ二乗検定（二次補正 F 検定、R の svychisq と同じ）で調べました。");
    for (size_t k = 0; k < ng; k++)
        ts_strbuf_free(&g[k].tables);
}


static void methods(writer *w)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    char n1[32], n2[32];
    new_page(w);
    w->methods_page = w->page;
    heading(w, "集計の方法");

    subheading(w, "1. データの検査");
    comma(c->rows_read, n1);
    comma(c->rows_rejected, n2);
    ts_strbuf_printf(&b,
                     "回答データ %s 行をコードブック（質問・選択肢・有効範囲の定義）に照らして 1 行ずつ検査しました。"
                     "列の数が合わない行や回答IDの重複など、行として読めないもの %s 行を除外し、"
                     "範囲外の値など項目単位の問題 %ld 件はその項目だけを無回答として扱いました。"
                     "除外・警告はすべて rejects.csv に行番号・列・理由とともに記録しています。"
                     "自由記述は集計・図表に使っていません。",
                     n1, n2, c->item_warnings);
    para(w, b.data);
    ts_strbuf_reset(&b);

    subheading(w, "2. ウェイトの作り方");
    const char *type = rp_design_type(c);
    int step = 1;
    if (strcmp(type, "nonprobability") == 0) {
        ts_strbuf_printf(&b, "(%d) 自発的に回答した人の標本（非確率標本）のため、抽出確率に基づくウェイトはありません。"
                             "全員のウェイトを 1 として始めました。", step++);
    } else if (strcmp(rp_get(c, "design", "weight", ""), "base") == 0) {
        const char *strata = rp_get(c, "design", "strata", NULL);
        ts_strbuf_printf(&b, "(%d) %s%s%sごとに、母集団の人数 ÷ 抽出した人数 を基本ウェイト（抽出ウェイト）としました。",
                         step++, strata ? "層（" : "", strata ? rp_varlabel(c, strata) : "標本全体", strata ? "）" : "");
    } else {
        ts_strbuf_printf(&b, "(%d) 抽出ウェイトは%s。", step++,
                         *rp_get(c, "design", "weight", "") ? "調査データのウェイト列を使いました" : "全員 1 としました");
    }
    para(w, b.data);
    ts_strbuf_reset(&b);
    const char *classes = rp_get(c, "nonresponse", "classes", NULL);
    if (classes) {
        char **items = NULL;
        long k = ts_manifest_split_list(classes, &items);
        ts_strbuf_printf(&b, "(%d) 無回答の調整：", step++);
        for (long i = 0; i < k; i++)
            ts_strbuf_printf(&b, "%s%s", i ? "×" : "", rp_varlabel(c, items[i]));
        if (k > 0)
            ts_manifest_free_list(items, (size_t)k);
        ts_strbuf_append_str(&b, " の組み合わせごとに、抽出した人のうち回答した人の割合（基本ウェイトで重み付け）を求め、"
                                 "その逆数を掛けました。回答の少ない区分ほど一人ひとりのウェイトが大きくなります。");
        const char *col = rp_get(c, "nonresponse", "collapse", NULL);
        if (col)
            ts_strbuf_printf(&b, "回答者のいない区分があるときは %s のように区分をまとめます。", col);
        para(w, b.data);
        ts_strbuf_reset(&b);
    }
    const char *method = rp_get(c, "weighting", "method", "none");
    const char *dropped = rp_prov(c, "weight.dropped");
    if (dropped && atol(dropped) > 0 && strcmp(rp_get(c, "weighting", "missing", "drop"), "drop") == 0) {
        ts_strbuf_printf(&b, "(%d) 調整に使う変数（", step++);
        margins_ja(c, &b);
        ts_strbuf_printf(&b, "）が無回答の %s 人は、ウェイトを 0 として以後の計算から外しました%s。", dropped,
                         classes ? "（無回答の調整では回答しなかった人として扱います）" : "");
        para(w, b.data);
        ts_strbuf_reset(&b);
    }
    if (strcmp(method, "none") != 0) {
        ts_strbuf_printf(&b, "(%d) %s：ウェイトの合計が母集団の人数（", step++, rp_method_ja(method));
        margins_ja(c, &b);
        ts_strbuf_append_str(&b, "）に一致するように調整しました。");
        if (strcmp(method, "rake") == 0)
            ts_strbuf_append_str(&b, "レイキングは、各変数の合計に合うようウェイトを順に比例調整することを、"
                                     "変化がなくなるまで繰り返す方法です（R の survey パッケージの rake と同じ計算）。");
        else if (strcmp(method, "poststratify") == 0)
            ts_strbuf_append_str(&b, "事後層化は、区分ごとにウェイトの合計が母集団の人数になるよう比例調整する方法です"
                                     "（R の postStratify と同じ計算）。");
        else
            ts_strbuf_append_str(&b, "一般化回帰（GREG）キャリブレーションは、元のウェイトからの変化をできるだけ小さく保ちながら"
                                     "母集団の合計に一致させる方法です（R の calibrate と同じ計算）。");
        const char *col = rp_get(c, "weighting", "collapse", NULL);
        if (col)
            ts_strbuf_printf(&b, "回答者が %s 人未満の区分は統合しました（%s）。", rp_get(c, "weighting", "collapse_below", "—"),
                             col);
        if (strcmp(rp_get(c, "weighting", "illustrative_targets", "no"), "yes") == 0)
            ts_strbuf_append_str(&b, "なお、この調査の母集団数は説明用の値（illustrative）です。");
        para(w, b.data);
        ts_strbuf_reset(&b);
    }
    if (rp_get(c, "weighting", "trim_upper", NULL) || rp_get(c, "weighting", "trim_lower", NULL)) {
        ts_strbuf_printf(&b, "(%d) 極端なウェイトを上限 %s・下限 %s で切り詰め、切り詰めた分を他の回答者に均等に配分しました"
                             "（R の trimWeights と同じ）。切り詰め後は母集団の合計と完全には一致しません。",
                         step++, rp_get(c, "weighting", "trim_upper", "—"), rp_get(c, "weighting", "trim_lower", "—"));
        para(w, b.data);
        ts_strbuf_reset(&b);
    }
    comma(lround(c->n_eff), n1);
    ts_strbuf_printf(&b,
                     "こうして得たウェイトのばらつきによる設計効果（Kish の 1 + CV²）は %.2f、有効標本サイズは約 %s 人です。"
                     "母集団の合計との一致の程度は weighting-report.txt に示しています。",
                     c->deff, n1);
    para(w, b.data);
    ts_strbuf_reset(&b);

    subheading(w, "3. 標準誤差（ばらつき）の求め方");
    ts_strbuf_append_str(&b, "標準誤差はテイラー線形化法（線形化による分散推定）で求めました。");
    const char *strata = rp_get(c, "design", "strata", NULL);
    if (strata)
        ts_strbuf_printf(&b, "層（%s）ごとに分散を計算して合計し、", rp_varlabel(c, strata));
    if (*rp_get(c, "design", "cluster", ""))
        ts_strbuf_printf(&b, "第1次抽出単位（%s）の集落としてのまとまりを考慮し、", rp_varlabel(c, rp_get(c, "design", "cluster", "")));
    const char *fpc = rp_get(c, "design", "fpc", "no");
    int clustered = *rp_get(c, "design", "cluster", "");
    if (strcmp(fpc, "yes") == 0)
        ts_strbuf_printf(&b, "抽出枠（%s）の母集団%sから求めた有限母集団修正（1 − 抽出率）を掛け、",
                         rp_get(c, "design", "frame", "frame"), clustered ? "の第1次抽出単位の数" : "の人数");
    else if (strcmp(fpc, "no") != 0)
        ts_strbuf_printf(&b, "調査データの変数 %s（%s）が示す母集団%sから求めた有限母集団修正（1 − 抽出率）を掛け、", fpc,
                         rp_varlabel(c, fpc), clustered ? "の第1次抽出単位の数" : "の人数");
    else if (strcmp(type, "nonprobability") != 0)
        ts_strbuf_append_str(&b, "有限母集団修正は行わず（復元抽出とみなし）、");
    char lonely[64];
    const char *lp = rp_stage_option(c, "tsunagari-tab", "--lonely-psu", lonely, sizeof lonely);
    if (strata || clustered) {
        if (!lp || strcmp(lp, "fail") == 0)
            ts_strbuf_printf(&b, "第1次抽出単位が1つだけの層があれば集計を止める設定（tsunagari-tab --lonely-psu fail%s）で計算し"
                                 "（集計が止まらなかったので、そのような層はありません）、", lp ? "" : "、既定");
        else
            ts_strbuf_printf(&b, "第1次抽出単位が1つだけの層は%s設定（tsunagari-tab --lonely-psu %s）で計算し、",
                             strcmp(lp, "remove") == 0 ? "分散の計算から除く"
                             : strcmp(lp, "certainty") == 0 ? "確実に抽出されたものとして分散に寄与させない"
                             : strcmp(lp, "adjust") == 0 ? "全体の平均からの偏差で分散に含める" : "",
                             lp);
    }
    if (strcmp(method, "none") != 0)
        ts_strbuf_append_str(&b, "ウェイトを母集団の人数に合わせた調整（キャリブレーション）で小さくなるばらつきも反映しています。");
    else if (b.len >= 3 && strcmp(b.data + b.len - 3, "、") == 0)
        ts_strbuf_append_str(&b, "分散を求めました。");
    if (strcmp(type, "nonprobability") == 0)
        ts_strbuf_append_str(&b, "ただしこの調査は非確率標本なので、標準誤差と信頼区間は「回答者が母集団から無作為に選ばれたとしたら」"
                                 "という仮定の下での目安です。ウェイトで補正できるのは調整に使った変数（");
    if (strcmp(type, "nonprobability") == 0) {
        margins_ja(c, &b);
        ts_strbuf_append_str(&b, "）で説明できる偏りだけです。");
    }
    ts_strbuf_append_str(&b, "設計効果は、同じ人数の単純無作為抽出と比べた分散の比です。");
    para(w, b.data);
    ts_strbuf_reset(&b);

    subheading(w, "4. 信頼区間と検定");
    ci_text(w, &b);
    para(w, b.data);
    ts_strbuf_reset(&b);

    subheading(w, "5. 非表示（秘匿）のルール");
    long min_cell = TS_PRIVACY_MIN_CELL_DEFAULT;
    if (ts_privacy_parse_min_cell(rp_get(c, "privacy", "min_cell", "10"), &min_cell) == 0 && min_cell == 0)
        ts_strbuf_append_str(&b, "この報告では、回答者の少ないセルの非表示（秘匿）を行っていません（[privacy] min_cell = 0）。"
                                 "自由記述は集計にも図表にも使っていません。");
    else
        ts_strbuf_printf(&b, "回答者が %s 人未満のセル（その回答を選んだ人の数）は、推定値・標準誤差・信頼区間を示さず、"
                             "表では ＊、図では斜線で示しました（表全体で %ld セル）。自由記述は集計にも図表にも使っていません。",
                         rp_get(c, "privacy", "min_cell", "10"), c->suppressed);
    para(w, b.data);
    ts_strbuf_reset(&b);

    subheading(w, "6. 計算の検証と再現");
    ts_strbuf_append_str(&b, "ウェイト・推定値・標準誤差・信頼区間・検定は、統計ソフト R の survey パッケージ（svydesign, rake, "
                             "calibrate, svymean, svyciprop, svychisq）で同じデータを計算した結果と一致することを、"
                             "自動テストで確認しています（tests/oracle/）。"
                             "この報告書と同じフォルダの reproducibility.txt に、入力ファイルすべての SHA-256 チェックサム、"
                             "使ったツールの版、設定、各段階のコマンドと、この報告書をもう一度作るためのコマンドを記録しています。"
                             "同じ入力からは同じバイト列の出力が得られます。");
    para(w, b.data);
    ts_strbuf_reset(&b);
    if (w->synthetic) {
        subheading(w, "7. 合成データについて");
        para(w, "この報告書の回答データは、実在の調査の設計（期間・回答数・抽出方法など）をまねてプログラム（tsunagari-synth）で"
                "作った合成データです。実在の回答者は含まれず、数値は実際の調査結果ではありません。");
    }
    ts_strbuf_free(&b);
}

/* ---- the document ---------------------------------------------------------------------- */

static void layout(writer *w)
{
    w->page = 1;
    page_furniture(w);
    cover(w);
    new_page(w);
    for (size_t i = 0; i < w->nitems && !w->failed; i++) {
        if (w->items[i].kind == ITEM_CHART)
            draw_chart(w, &w->items[i]);
        else
            draw_table(w, &w->items[i]);
    }
    if (!w->failed)
        methods(w);
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

static void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* The report's items in [report] sections order: each chart, then its table when not shown
 * yet; a section that is only a table, its grid; then any table no section named. */
static int plan(rp_ctx *c, const ts_chartset *set, item **out, size_t *nout)
{
    size_t cap = set->n + c->ntabs + 1, n = 0;
    item *items = calloc(cap, sizeof *items);
    if (!items)
        return -1;
    char **names = NULL;
    long k = 0;
    const char *sections = rp_get(c, "report", "sections", NULL);
    if (sections)
        k = ts_manifest_split_list(sections, &names);
    int nchart = 0, ntable = 0;
    for (long i = 0; i < k && n + 2 <= cap; i++) {
        const ts_chart *ch = NULL;
        for (size_t j = 0; j < set->n; j++)
            if (strcmp(set->charts[j].name, names[i]) == 0)
                ch = &set->charts[j];
        rp_tab *t = rp_find_tab(c, ch ? ch->table->id : names[i]);
        if (ch)
            items[n++] = (item){.kind = ITEM_CHART, .chart = ch, .number = ++nchart};
        if (t && !t->shown && n < cap) {
            items[n++] = (item){.kind = ITEM_TABLE, .tab = t, .number = ++ntable};
            t->shown = 1;
        }
    }
    if (!sections)
        for (size_t j = 0; j < set->n && n < cap; j++)
            items[n++] = (item){.kind = ITEM_CHART, .chart = &set->charts[j], .number = ++nchart};
    for (size_t i = 0; i < c->ntabs && n < cap; i++)
        if (!c->tabs[i].shown) {
            items[n++] = (item){.kind = ITEM_TABLE, .tab = &c->tabs[i], .number = ++ntable};
            c->tabs[i].shown = 1;
        }
    if (k > 0)
        ts_manifest_free_list(names, (size_t)k);
    *out = items;
    *nout = n;
    return 0;
}

ts_status rp_write_pdf(rp_ctx *c, const char *path, ts_err *err)
{
    ts_status st = TS_OK;
    ts_tables *tabs = NULL;
    ts_chartset *set = NULL;
    ts_fonts *fonts = NULL;
    ts_canvas *cv = NULL;
    item *items = NULL;
    size_t nitems = 0;
    if (!(tabs = ts_tables_read("tables.csv", err)) || !(set = ts_chartspec_read(c->m, tabs, "tables.csv", NULL, err)) ||
        !(fonts = ts_fonts_open(err))) {
        st = err->status ? err->status : TS_E_INTERNAL;
        goto done;
    }
    if (plan(c, set, &items, &nitems) != 0) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    writer w = {.c = c, .synthetic = strcmp(rp_get(c, "survey", "synthetic", "no"), "yes") == 0,
                .title = rp_get(c, "report", "title", rp_get(c, "survey", "title", "集計結果")),
                .items = items, .nitems = nitems, .err = err};

    /* Pass 1: learn the pages, drawing into a PDF that goes nowhere. */
    cairo_surface_t *scratch = cairo_pdf_surface_create_for_stream(discard, NULL, PAGE_W, PAGE_H);
    w.cr = cairo_create(scratch);
    set_font_options(w.cr);
    w.pen = (ts_pen){.cr = w.cr, .fonts = fonts};
    layout(&w);
    cairo_destroy(w.cr);
    cairo_surface_finish(scratch);
    cairo_surface_destroy(scratch);
    if (w.failed) {
        st = err->status ? err->status : TS_E_DATA;
        goto done;
    }
    if (w.pen.missing) {
        st = ts_err_set(err, TS_E_DATA, "\"%s\": the font %s has no glyph for U+%04X; not drawing it as an empty box",
                        w.pen.missing_in, ts_fonts_file(fonts), (unsigned)w.pen.missing);
        goto done;
    }
    /* Pass 2: for real. */
    if (!(cv = ts_canvas_open(TS_CANVAS_PDF, path, 210, 297, 72, w.title, err))) {
        st = err->status ? err->status : TS_E_CANTCREAT;
        goto done;
    }
    w.cr = ts_canvas_cr(cv);
    w.pen = (ts_pen){.cr = w.cr, .fonts = fonts};
    w.failed = 0;
    layout(&w);
    if (w.failed) {
        ts_canvas_abort(cv);
        st = err->status ? err->status : TS_E_DATA;
        goto done;
    }
    st = ts_canvas_commit(cv, err);
done:
    free(items);
    ts_chartspec_free(set);
    ts_fonts_free(fonts);
    ts_tables_free(tabs);
    ts_fonts_shutdown(); /* the last cairo drawing of the run */
    return st;
}
