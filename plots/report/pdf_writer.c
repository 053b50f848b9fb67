/* pdf_writer.c — the page, text and layout primitives of report.pdf (pdf.h): page furniture
 * (running title, 合成データ stamp, page number), page breaks, wrapped paragraphs, headings,
 * label–value rows, and the number and manifest wording shared by the cover and the methods. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "i18n.h"

/* ---- page furniture and text ---------------------------------------------------------- */

void pdf_page_furniture(writer *w)
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
        double tw = ts_text_width(p, TR("合成データ"));
        double x = X0 + CW - tw - 10, y = 30;
        cairo_set_line_width(w->cr, 0.8);
        ts_frame_color(p, RED);
        cairo_rectangle(w->cr, x, y, tw + 10, 13);
        cairo_stroke(w->cr);
        ts_text_draw(p, x + 5, y + 10, TR("合成データ"), TS_ALIGN_LEFT);
    }
    char num[32];
    snprintf(num, sizeof num, "— %d —", w->page);
    ts_text_font(p, 0, 8);
    ts_frame_color(p, GREY);
    ts_text_draw(p, X0 + CW / 2, PAGE_H - 32, num, TS_ALIGN_CENTER);
    ts_text_font(p, 0, 6.5);
    ts_text_draw(p, X0 + CW, PAGE_H - 32, "tsunagari " TS_VERSION, TS_ALIGN_RIGHT);
    if (w->synthetic)
        ts_text_draw(p, X0, PAGE_H - 32, TR("合成データによるデモ：実際の調査結果ではありません"), TS_ALIGN_LEFT);
}

void pdf_new_page(writer *w)
{
    cairo_show_page(w->cr);
    w->page++;
    w->y = TOP;
    pdf_page_furniture(w);
}

void pdf_need(writer *w, double h)
{
    if (w->y + h > BOTTOM && w->y > TOP + 1)
        pdf_new_page(w);
}

long pdf_count_lines(writer *w, const char *s, double width)
{
    char **lines;
    long n = ts_text_wrap(&w->pen, s, width, 40, &lines);
    if (n > 0)
        ts_text_free_lines(lines, n);
    return n < 0 ? 0 : n;
}

/* A wrapped paragraph at X..X+WIDTH from the cursor; breaks the page between lines. */
void pdf_para_at(writer *w, double x, double width, const char *s, double size, int bold, ts_rgb color, double after)
{
    ts_text_font(&w->pen, bold, size);
    char **lines;
    long n = ts_text_wrap(&w->pen, s, width, 60, &lines);
    double lead = size * 1.6;
    for (long i = 0; i < n; i++) {
        pdf_need(w, lead);
        ts_text_font(&w->pen, bold, size);
        ts_frame_color(&w->pen, color);
        ts_text_draw(&w->pen, x, w->y + size, lines[i], TS_ALIGN_LEFT);
        w->y += lead;
    }
    if (n > 0)
        ts_text_free_lines(lines, n);
    w->y += after;
}

void pdf_para(writer *w, const char *s) { pdf_para_at(w, X0, CW, s, 9.5, 0, INK, 5); }

void pdf_heading(writer *w, const char *s)
{
    pdf_need(w, 60);
    w->y += 6;
    ts_frame_fill(&w->pen, X0, w->y, 3.5, 15, ACCENT);
    pdf_para_at(w, X0 + 10, CW - 10, s, 12, 1, INK, 6);
}

void pdf_subheading(writer *w, const char *s)
{
    pdf_need(w, 40);
    w->y += 3;
    pdf_para_at(w, X0, CW, s, 10, 1, ACCENT, 2);
}

void pdf_kv(writer *w, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    double lw = 112;
    ts_text_font(&w->pen, 0, 9.5);
    long n = pdf_count_lines(w, value, CW - lw);
    pdf_need(w, n * 15.2 + 6);
    double top = w->y;
    ts_text_font(&w->pen, 1, 9);
    ts_frame_color(&w->pen, ACCENT);
    ts_text_draw(&w->pen, X0, top + 9.5, label, TS_ALIGN_LEFT);
    pdf_para_at(w, X0 + lw, CW - lw, value, 9.5, 0, INK, 0);
    w->y += 4;
    ts_frame_line(&w->pen, X0, w->y - 2, X0 + CW, w->y - 2, 0.3, RULE);
    w->y += 2;
}

/* ---- numbers and wording ------------------------------------------------------------- */

void pdf_comma(long n, char buf[32]) { ts_frame_count(n, buf); }

double pdf_fnum(const char *s) { return s && *s ? strtod(s, NULL) : NAN; }

/* The margins' variables in Japanese: "年齢(8区分)、性別" */
void pdf_margins_ja(rp_ctx *c, ts_strbuf *b)
{
    char **items = NULL;
    long n = ts_manifest_split_list(rp_get(c, "weighting", "margins", ""), &items);
    for (long i = 0; i < n; i++) {
        char sec[300];
        snprintf(sec, sizeof sec, "margin.%s", items[i]);
        char **vars = NULL;
        long k = ts_manifest_split_list(rp_get(c, sec, "vars", items[i]), &vars);
        ts_strbuf_append_str(b, i ? TR("、") : "");
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
