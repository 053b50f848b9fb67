/* pdf_tables.c — each section of report.pdf: a chart drawn by the plots/ chart bodies straight
 * into the page (vector, the same drawing as the PDFs in charts/), and a table as a grid of
 * values with [CI], n and ＊ for suppressed cells, split over grids and pages when it is wide
 * or long, with its notes and test underneath. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../palette.h"
#include "grid.h"
#include "i18n.h"
#include "numformat.h"
#include "pdf.h"
#include "schema.h"

/* ---- a chart -------------------------------------------------------------------------- */

void pdf_draw_chart(writer *w, item *it)
{
    const ts_chart *ch = it->chart;
    char title[600];
    snprintf(title, sizeof title, TR("図%d　%s"), it->number, ch->title);
    if (!it->measured) {
        ts_rect area = {X0, 0, CW, 1e6};
        it->body = ts_chart_body(&w->pen, ch, area, &it->notes, 1, w->err);
        it->subtitle = ts_chart_subtitle(ch);
        if (it->body < 0 || !it->subtitle) {
            w->failed = 1;
            return;
        }
        it->measured = 1;
    }
    double head = ts_frame_header_height(&w->pen, title, it->subtitle, CW);
    double foot = ts_frame_footer_height(&w->pen, &it->notes, CW);
    double total = head + it->body + 8 + foot;
    pdf_need(w, total);
    it->page = w->page;
    ts_rect page = {X0, w->y, CW, total};
    ts_frame_draw(&w->pen, page, title, it->subtitle, &it->notes);
    /* The first pass needs only the height: the body is drawn once, into report.pdf. */
    ts_rect barea = {X0, w->y + head, CW, it->body};
    if (!w->pages_only && ts_chart_body(&w->pen, ch, barea, NULL, 0, w->err) < 0)
        w->failed = 1;
    w->y += total + 22;
}

/* ---- a table as a grid -------------------------------------------------------------- */

/* The table as domains × categories: plots/report/grid.c (shared with tables.xlsx's
 * cross-tab sheets, so the workbook and the PDF lay a table out the same way). */
typedef rp_gcell gcell;
typedef rp_grid grid;

/* The width the widest cell of G needs (value in bold 9 pt, interval in 6.5 pt), padding
 * included, so that neighbouring cells never overprint. */
/* A census's share cell: under the percentage, the number of units it counts ("37 団体"), in
 * the place a sample's interval takes (a census has none). */
static void census_count(const writer *w, const gcell *x, char ci[140])
{
    if (*ci || !x->share || !*x->ncat || !rp_census(w->c))
        return;
    char n[32];
    pdf_comma(atol(x->ncat), n);
    /* "37 団体"; in English the unit comes with its space (" organisations") or is empty */
    snprintf(ci, 140, ts_i18n_lang() == TS_LANG_EN ? "%s%s" : "%s %s", n, rp_unit_ja(w->c));
}

static double cells_width(writer *w, const grid *g)
{
    double need = 0;
    for (size_t d = 0; d < g->ndom; d++)
        for (size_t k = 0; k < g->ncat; k++) {
            const gcell *x = &g->cell[d * g->stride + k];
            if (!x->present || x->suppressed)
                continue;
            char val[64], ci[140];
            rp_grid_cell_text(x, g->dec, val, ci);
            census_count(w, x, ci);
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
        ts_text_draw(&w->pen, cx, y + 11, TR("・"), TS_ALIGN_CENTER);
        return;
    }
    if (x->suppressed) {
        ts_text_font(&w->pen, 1, 9);
        ts_frame_color(&w->pen, RED);
        ts_text_draw(&w->pen, cx, y + 12, TR("＊"), TS_ALIGN_CENTER);
        return;
    }
    rp_grid_cell_text(x, dec, a, ci);
    census_count(w, x, ci);
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
                pdf_comma(ns[j], c);
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
                pdf_new_page(w);
            pdf_need(w, hh + ROW_H * (nrows - r < 3 ? (double)(nrows - r) : 3));
            ts_frame_fill(&w->pen, X0, w->y, right - X0, hh, SHADE);
            col_headers(w, labels, ns, ncols, gx, colw, 1);
            ts_text_font(&w->pen, 1, 7.5);
            ts_frame_color(&w->pen, INK);
            /* The corner is cut to its column (row labels and n), never into the headers. */
            char *fit = ts_text_fit(&w->pen, first ? corner : TR("（続き）"), lw + nw - 8 - (transpose ? 0 : 12));
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
            pdf_comma(g->dom_n[r], c);
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

/* The grids of G: as many columns as fit at the width of the widest cell, the rest in
 * another grid below. Few categories (up to 7) are columns with the domains as rows; more
 * are rows, with the domains as columns, five or six at a time. */
static void table_grids(writer *w, const grid *g, const char *corner)
{
    double cellw = cells_width(w, g);
    if (g->ncat <= 7) {
        size_t fit = (size_t)fmax(1, floor((CW - GRID_LW(0) - GRID_NW(0)) / cellw));
        size_t chunk = g->ncat <= fit ? g->ncat : fit;
        for (size_t k0 = 0; k0 < g->ncat; k0 += chunk)
            draw_grid(w, g, 0, k0, g->ncat - k0 < chunk ? g->ncat - k0 : chunk, corner, cellw);
    } else {
        size_t fit = (size_t)fmax(1, floor((CW - GRID_LW(1)) / cellw));
        size_t chunk = g->ndom <= 6 ? g->ndom : 5;
        if (chunk > fit)
            chunk = fit;
        for (size_t d0 = 0; d0 < g->ndom; d0 += chunk)
            draw_grid(w, g, 1, d0, g->ndom - d0 < chunk ? g->ndom - d0 : chunk, TR("回答"), cellw);
    }
}

/* The notes under table T (grid G): the item nonresponse MISSING left out (none when < 1),
 * what n is, the marks used, and the Rao–Scott test against BY. */
static void table_notes(writer *w, const rp_tab *t, const grid *g, long missing, const char *by)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    int any_supp = 0, any_absent = 0;
    for (size_t d = 0; d < g->ndom; d++)
        for (size_t k = 0; k < g->ncat; k++) {
            any_supp |= g->cell[d * g->stride + k].suppressed;
            any_absent |= !g->cell[d * g->stride + k].present;
        }
    if (missing > 0) {
        char n[32];
        pdf_comma(missing, n);
        if (rp_organisations(c))
            ts_strbuf_printf(&b, TR("無回答 %s 団体は集計から除いた。"), n);
        else
            ts_strbuf_printf(&b, TR("無回答 %s 人は集計から除いた。"), n);
    }
    if (rp_census(c))
        ts_strbuf_printf(&b, TR("n は回答した%sの数。"), rp_unit_ja(c));
    else
        ts_strbuf_append_str(&b, TR("n は回答者数（ウェイト付け前）。"));
    if (any_supp && rp_organisations(c))
        ts_strbuf_printf(&b, "＊ 回答団体が %s 団体未満のため、または他の数値から逆算されないよう非表示。", rp_get(c, "privacy", "min_cell", NULL));
    else if (any_supp)
        ts_strbuf_printf(&b, TR("＊ 回答者が %s 人未満のため、または他の数値から逆算されないよう非表示。"), rp_get(c, "privacy", "min_cell", NULL));
    if (any_absent)
        ts_strbuf_append_str(&b, TR("・ 該当なし。"));
    rp_grid_test_sentence(c, t, by, &b);
    pdf_para_at(w, X0, CW, b.data, 7, 0, GREY, 18);
    ts_strbuf_free(&b);
}

/* A difference for a cell: signed, a share in percentage points with one decimal, other
 * values with DEC decimals; "—" when not a number. */
static void fmt_diff(double v, int share, int dec, char buf[64])
{
    if (!isfinite(v))
        snprintf(buf, 64, "—");
    else if (share)
        snprintf(buf, 64, "%+.1f", 100 * v);
    else {
        char g[60];
        ts_numformat_grouped(v, dec, g, sizeof g);
        snprintf(buf, 64, "%s%s", v > 0 ? "+" : "", g);
    }
    /* a difference that rounds to zero has no sign: "0.0", not "-0.0" */
    if ((buf[0] == '-' || buf[0] == '+') && strspn(buf + 1, "0.,") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

/* The three lines of a difference's cell (tables.csv row R): the difference, its interval
 * "[−4.5, +4.5]" and "p = 0.986"; SIG whether the interval leaves out 0. */
static void diff_text(const rp_csv *T, size_t r, int dec, char val[64], char ci[140], char ps[32], int *sig)
{
    const char *code = rp_csv_get(T, r, "code");
    int share = *code && !strchr(code, '.'); /* a category's share; a quantile's code is its probability */
    double v = pdf_fnum(rp_csv_get(T, r, "estimate")), lo = pdf_fnum(rp_csv_get(T, r, "ci_low")),
           hi = pdf_fnum(rp_csv_get(T, r, "ci_high")), p = pdf_fnum(rp_csv_get(T, r, "p_value"));
    char a[64], b[64];
    fmt_diff(v, share, dec, val);
    ci[0] = '\0';
    if (isfinite(lo) && isfinite(hi)) {
        fmt_diff(lo, share, dec, a);
        fmt_diff(hi, share, dec, b);
        snprintf(ci, 140, "[%s, %s]", a, b);
    }
    if (!isfinite(p))
        ps[0] = '\0';
    else if (p < 0.001)
        snprintf(ps, 32, "p < 0.001");
    else
        snprintf(ps, 32, "p = %.3f", p);
    *sig = isfinite(lo) && isfinite(hi) && (lo > 0 || hi < 0);
}

#define DIFF_ROW_H 31.0
#define DIFF_LW (GRID_LW(0) + GRID_NW(0)) /* the comparisons' labels: the grid's columns above line up */

/* The differences of table T (tsunagari-tab's rows statistic = difference: two domains, or a
 * domain now and in the previous survey) as a table under its grid, drawn as the grid is:
 * the comparisons down, the categories across (one column 差 for a mean, total, ...), each
 * cell the difference (a share's in percentage points) over its interval and p, in colour
 * where the interval leaves out 0 (as the difference chart), ＊ when withheld. DEC: the
 * decimals of values that are not shares; NUMBER: the table's 表 number, for the caption. */
static void table_differences(writer *w, const rp_tab *t, int dec, int number)
{
    const rp_csv *T = w->c->tables;
    size_t n = 0;
    for (size_t r = t->first; r < t->first + t->count; r++)
        n += strcmp(rp_csv_get(T, r, "statistic"), "difference") == 0;
    if (n == 0)
        return;
    /* comparisons and categories in the order of the file; CELL the row of each pair */
    size_t *cmp = calloc(n, sizeof *cmp), *cat = calloc(n, sizeof *cat), ncmp = 0, ncat = 0;
    long *cell = malloc(n * n * sizeof *cell);
    const char **cat_label = calloc(n, sizeof *cat_label);
    if (!cmp || !cat || !cell || !cat_label) {
        free(cmp), free(cat), free(cell), free(cat_label);
        ts_err_set(w->err, TS_E_NOMEM, "out of memory");
        w->failed = 1;
        return;
    }
    for (size_t i = 0; i < n * n; i++)
        cell[i] = -1;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (strcmp(rp_csv_get(T, r, "statistic"), "difference") != 0)
            continue;
        size_t a = 0, k = 0;
        while (a < ncmp && strcmp(rp_csv_get(T, cmp[a], "by_codes"), rp_csv_get(T, r, "by_codes")) != 0)
            a++;
        if (a == ncmp)
            cmp[ncmp++] = r;
        while (k < ncat && strcmp(rp_csv_get(T, cat[k], "code"), rp_csv_get(T, r, "code")) != 0)
            k++;
        if (k == ncat) {
            cat[ncat] = r;
            const char *l = rp_csv_get(T, r, "label");
            cat_label[ncat++] = *l ? l : TR("差");
        }
        cell[a * n + k] = (long)r;
    }
    /* columns as the grid's: the width shared out, at most 80 pt, never narrower than the
     * widest cell; as many as fit */
    double need = 0;
    for (size_t i = 0; i < ncmp * ncat; i++) {
        long r = cell[(i / ncat) * n + i % ncat];
        if (r < 0 || strcmp(rp_csv_get(T, (size_t)r, "suppressed"), "yes") == 0)
            continue;
        char val[64], ci[140], ps[32];
        int sig;
        diff_text(T, (size_t)r, dec, val, ci, ps, &sig);
        ts_text_font(&w->pen, 1, 9);
        need = fmax(need, ts_text_width(&w->pen, val));
        ts_text_font(&w->pen, 0, 6.5);
        need = fmax(need, fmax(ts_text_width(&w->pen, ci), ts_text_width(&w->pen, ps)));
    }
    double cellw = need + 8;
    size_t chunk = (size_t)fmax(1, floor((CW - DIFF_LW) / cellw));
    int any_share = 0;
    for (size_t k = 0; k < ncat; k++) {
        const char *code = rp_csv_get(T, cat[k], "code");
        any_share |= *code && !strchr(code, '.');
    }
    char cap[300];
    snprintf(cap, sizeof cap, TR("表%dの差%sと [%g%%信頼区間]、p は差がないとする t 検定。色付きは区間が 0 を含まない差。"),
             number, any_share ? TR("（割合はポイント）") : "", 100 * pdf_fnum(rp_csv_get(T, cmp[0], "ci_level")));
    pdf_need(w, 16 + 40 + DIFF_ROW_H * (double)(ncmp < 3 ? ncmp : 3));
    pdf_para_at(w, X0, CW, cap, 7.5, 0, GREY, 3);
    ts_rgb blue = ts_palette_qualitative(0);
    for (size_t k0 = 0; k0 < ncat; k0 += chunk) {
        size_t kn = ncat - k0 < chunk ? ncat - k0 : chunk;
        double colw = fmin((CW - DIFF_LW) / (double)kn, fmax(80, cellw));
        double gx = X0 + DIFF_LW, right = gx + colw * (double)kn;
        double hh = col_headers(w, cat_label + k0, NULL, kn, gx, colw, 0);
        for (size_t a = 0; a < ncmp; a++) {
            if (a == 0 || w->y + DIFF_ROW_H > BOTTOM) {
                if (a > 0)
                    pdf_new_page(w);
                pdf_need(w, hh + DIFF_ROW_H * (ncmp - a < 3 ? (double)(ncmp - a) : 3));
                ts_frame_fill(&w->pen, X0, w->y, right - X0, hh, SHADE);
                col_headers(w, cat_label + k0, NULL, kn, gx, colw, 1);
                ts_text_font(&w->pen, 1, 7.5);
                ts_frame_color(&w->pen, INK);
                ts_text_draw(&w->pen, X0 + 4, w->y + 10, a == 0 ? TR("差") : TR("差（続き）"), TS_ALIGN_LEFT);
                w->y += hh;
                ts_frame_line(&w->pen, X0, w->y, right, w->y, 0.8, INK);
            }
            ts_text_font(&w->pen, 0, 8.5);
            ts_frame_color(&w->pen, INK);
            char **lines;
            long nl = ts_text_wrap(&w->pen, rp_csv_get(T, cmp[a], "by_labels"), DIFF_LW - 8, 2, &lines);
            for (long i = 0; i < nl; i++)
                ts_text_draw(&w->pen, X0 + 4, w->y + (nl == 1 ? 18 : 13 + 10.0 * i), lines[i], TS_ALIGN_LEFT);
            if (nl > 0)
                ts_text_free_lines(lines, nl);
            for (size_t j = 0; j < kn; j++) {
                long r = cell[a * n + k0 + j];
                double cx = gx + colw * ((double)j + 0.5);
                if (r < 0) {
                    ts_text_font(&w->pen, 0, 8.5);
                    ts_frame_color(&w->pen, GREY);
                    ts_text_draw(&w->pen, cx, w->y + 17, TR("・"), TS_ALIGN_CENTER);
                    continue;
                }
                if (strcmp(rp_csv_get(T, (size_t)r, "suppressed"), "yes") == 0) {
                    ts_text_font(&w->pen, 1, 9);
                    ts_frame_color(&w->pen, RED);
                    ts_text_draw(&w->pen, cx, w->y + 18, TR("＊"), TS_ALIGN_CENTER);
                    continue;
                }
                char val[64], ci[140], ps[32];
                int sig;
                diff_text(T, (size_t)r, dec, val, ci, ps, &sig);
                ts_text_font(&w->pen, 1, 9);
                ts_frame_color(&w->pen, sig ? blue : INK);
                ts_text_draw(&w->pen, cx, w->y + 11, val, TS_ALIGN_CENTER);
                ts_text_font(&w->pen, 0, 6.5);
                ts_frame_color(&w->pen, GREY);
                if (*ci)
                    ts_text_draw(&w->pen, cx, w->y + 20, ci, TS_ALIGN_CENTER);
                if (*ps)
                    ts_text_draw(&w->pen, cx, w->y + 28, ps, TS_ALIGN_CENTER);
            }
            w->y += DIFF_ROW_H;
            ts_frame_line(&w->pen, X0, w->y, right, w->y, 0.3, RULE);
        }
        w->y += 6;
    }
    int any_supp = 0;
    for (size_t i = 0; i < ncmp * ncat; i++) {
        long r = cell[(i / ncat) * n + i % ncat];
        any_supp |= r >= 0 && strcmp(rp_csv_get(T, (size_t)r, "suppressed"), "yes") == 0;
    }
    if (any_supp)
        pdf_para_at(w, X0, CW, TR("＊ 比べるどちらかのセルが非表示のため非表示。"), 7, 0, GREY, 0);
    w->y += 18;
    free(cmp), free(cat), free(cell), free(cat_label);
}

void pdf_draw_table(writer *w, item *it)
{
    rp_ctx *c = w->c;
    const rp_tab *t = it->tab;
    grid g;
    if (rp_grid_build(c, t, &g) != 0) {
        rp_grid_free(&g);
        ts_err_set(w->err, TS_E_NOMEM, "out of memory");
        w->failed = 1;
        return;
    }
    g.dec = rp_tab_decimals(c, t);
    rp_stat kind = rp_tab_stat(c, t);
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    int weighted = strcmp(rp_get(c, sec, "weighted", NULL), "no") != 0;
    const rp_csv *T = c->tables;
    double level = ts_schema_default_number("table.", "level"); /* unless tab recorded one */
    long missing = -1;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (*rp_csv_get(T, r, "ci_level") && missing < 0) {
            level = pdf_fnum(rp_csv_get(T, r, "ci_level"));
            if (!*rp_csv_get(T, r, "by_codes"))
                missing = atol(rp_csv_get(T, r, "missing_n"));
        }
    }
    char *tt = rp_table_title(c, t);
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, TR("表%d　%s"), it->number, tt ? tt : t->id);
    /* Keep a table on one page when it fits on one. */
    double whole = 60 + 40 + ROW_H * (double)(g.ncat <= 7 ? g.ndom : g.ncat * ((g.ndom + 4) / 5)) + 40;
    pdf_need(w, whole < BOTTOM - TOP ? whole : 40 + 3 * ROW_H);
    it->page = w->page;
    pdf_para_at(w, X0, CW, b.data, 11, 1, INK, 0);
    ts_strbuf_reset(&b);
    /* The caption says what the cells hold: an interval only when the table has one (ci = none,
     * a census: none), a census's shares with their counts, a sum of answers not an estimate. */
    int any_ci = 0, census = rp_census(c);
    for (size_t r = t->first; r < t->first + t->count && !any_ci; r++)
        any_ci = *rp_csv_get(T, r, "ci_low") && strcmp(rp_csv_get(T, r, "statistic"), "difference") != 0;
    if (census)
        ts_strbuf_printf(&b, TR("%s。全数調査のため標本誤差はなく、信頼区間は示していない。"),
                         kind == RP_SHARE  ? (rp_organisations(c) ? TR("上段は割合（%）、下段は団体の数") : TR("上段は割合（%）、下段は人数"))
                         : kind == RP_TOTAL ? TR("合計（回答の値の合計、整数）")
                         : kind == RP_MEAN  ? TR("平均値（回答の単純平均）")
                                            : rp_stat_caption(kind));
    else if (!any_ci)
        ts_strbuf_printf(&b, "%s（信頼区間なし）。%s", kind == RP_TOTAL && !weighted ? "合計" : rp_stat_caption(kind),
                     kind == RP_TOTAL ? (weighted ? TR("ウェイトの合計による母集団の推定値（整数に丸めた）。") : TR("回答者の数の合計。"))
                     : kind == RP_MEAN ? (weighted ? TR("ウェイト付け集計。") : TR("ウェイトを付けない回答者の平均。"))
                     : kind == RP_QUANTILE ? (weighted ? "ウェイト付け集計。" : "ウェイトを付けない回答者の分位数。")
                     : kind == RP_RATIO ? (weighted ? TR("ウェイト付き合計の比。") : TR("ウェイトを付けない合計の比。"))
                     : (weighted ? TR("ウェイト付け集計。") : TR("ウェイトを付けない回答者の割合。")));
    else
        ts_strbuf_printf(&b, TR("%sと [%g%%信頼区間]。%s"), rp_stat_caption(kind), 100 * level,
                         kind == RP_TOTAL ? (weighted ? TR("ウェイトの合計による母集団の推定値（整数に丸めた）。") : TR("回答者の数の合計。"))
                         : kind == RP_MEAN ? (weighted ? TR("ウェイト付け集計。") : TR("ウェイトを付けない回答者の平均。"))
                         : kind == RP_QUANTILE ? (weighted ? TR("ウェイト付け集計。区間は Woodruff 法（分布関数の区間から）。")
                                                           : TR("ウェイトを付けない回答者の分位数。区間は Woodruff 法。"))
                         : kind == RP_RATIO ? (weighted ? TR("ウェイト付き合計の比。") : TR("ウェイトを付けない合計の比。"))
                         : (weighted ? TR("ウェイト付け集計。") : TR("ウェイトを付けない回答者の割合。")));
    pdf_para_at(w, X0, CW, b.data, 7.5, 0, GREY, 3);
    ts_strbuf_reset(&b);
    const char *by = rp_get(c, sec, "by", NULL);
    /* The corner names the domain variable by its label up to the question text ("相談相手の有無"). */
    char corner[200];
    const char *bl = by ? rp_varlabel(c, by) : TR("区分");
    ts_strbuf two = TS_STRBUF_INIT; /* by = area, org_type: 活動地域 × 団体の種類, not the names */
    const char *comma = by ? strchr(by, ',') : NULL;
    if (comma) {
        char first[200];
        const char *second = comma + 1 + strspn(comma + 1, " ");
        snprintf(first, sizeof first, "%.*s", (int)(comma - by), by);
        ts_strbuf_printf(&two, "%s × %s", rp_varlabel(c, first), rp_varlabel(c, second));
        bl = two.data;
    }
    const char *colon = strstr(bl, ": "), *wide = strstr(bl, TR("：")), *cut = colon && (!wide || colon < wide) ? colon : wide;
    snprintf(corner, sizeof corner, "%.*s", cut ? (int)(cut - bl) : (int)strlen(bl), bl);
    table_grids(w, &g, corner);
    ts_strbuf_free(&two);
    table_notes(w, t, &g, missing, by);
    table_differences(w, t, g.dec, it->number);
    ts_strbuf_free(&b);
    free(tt);
    rp_grid_free(&g);
}
