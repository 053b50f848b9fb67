/* pdf.h — private to report.pdf's writer (plots/report/pdf*.c): the page geometry, the
 * colours, the items of the document and the writer that lays them out, and the primitives
 * the parts share.
 *
 *   pdf.c          rp_write_pdf: plans the items, lays the document out twice (pages, then for real)
 *   pdf_writer.c   page furniture, page breaks, paragraphs, headings, label–value rows, wording
 *   pdf_cover.c    the cover page with the contents
 *   pdf_tables.c   a chart, and a table as a grid with its notes
 *   pdf_methods.c  the methods page
 *
 * Every drawing function draws at the writer's cursor (w->y, in pt from the top of the page),
 * moves it down past what it drew, and starts a new page when what comes next does not fit. */
#ifndef TS_REPORT_PDF_H
#define TS_REPORT_PDF_H

#include <cairo.h>
#include <stddef.h>

#include "../canvas.h"
#include "../chart.h"
#include "report.h"
#include "strbuf.h"

/* A4 in pt; the text column is X0..X0+CW, the body TOP..BOTTOM below the page furniture. */
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
    /* A chart, measured once in the first pass (pdf_draw_chart): */
    int measured;
    double body;      /* the height of its body at the column's width, pt */
    ts_notes notes;   /* its footnotes; owned */
    char *subtitle;   /* owned */
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
    int models_page;  /* where 回帰分析 starts (0: no models), for the contents */
    int pages_only;   /* the first pass: learn the pages; chart bodies are measured, not drawn */
} writer;

/* ---- pdf_writer.c ---------------------------------------------------------------------- */

/* The running title (from page 2), the 合成データ stamp and the page number of page w->page. */
void pdf_page_furniture(writer *w);
/* Finish the page and start the next one at TOP. */
void pdf_new_page(writer *w);
/* Start a new page unless H pt fit below the cursor (or the page is still empty). */
void pdf_need(writer *w, double h);
/* How many lines S wraps into at WIDTH in the pen's current font. */
long pdf_count_lines(writer *w, const char *s, double width);
/* A wrapped paragraph at X..X+WIDTH from the cursor, breaking the page between lines, then
 * AFTER pt of space. */
void pdf_para_at(writer *w, double x, double width, const char *s, double size, int bold, ts_rgb color,
                 double after);
/* Body text across the column. */
void pdf_para(writer *w, const char *s);
/* A section heading with its accent bar; a numbered subheading. */
void pdf_heading(writer *w, const char *s);
void pdf_subheading(writer *w, const char *s);
/* A label–value row of the survey facts, ruled underneath; nothing when VALUE is NULL or "". */
void pdf_kv(writer *w, const char *label, const char *value);
/* N with thousands separators into BUF. */
void pdf_comma(long n, char buf[32]);
/* S as a number; NAN when S is NULL or "". */
double pdf_fnum(const char *s);
/* Append the margins' variables in Japanese to B: "年齢(8区分)、性別". */
void pdf_margins_ja(rp_ctx *c, ts_strbuf *b);

/* ---- the parts ------------------------------------------------------------------------- */

/* The cover page, from the top of page 1 (pdf_cover.c). */
void pdf_cover(writer *w);
/* Item IT at the cursor, recording its page in it->page; on error sets w->failed (and
 * w->err) (pdf_tables.c). A chart is measured the first time (it->measured) and its body
 * drawn only when !w->pages_only: once per report. */
void pdf_draw_chart(writer *w, item *it);
void pdf_draw_table(writer *w, item *it);
/* 回帰分析: the models of models.csv with their tables and forest charts, on a new page;
 * nothing when there is no models.csv (pdf_models.c). */
void pdf_models(writer *w);
/* The methods on a new page, recording it in w->methods_page (pdf_methods.c). */
void pdf_methods(writer *w);
/* [input] counts (pdf_counts.c): the cover's facts (PERIOD in Japanese), a table of counts and
 * shares, the methods page — in place of the survey's. */
void pdf_counts_facts(writer *w, const char *period);
void pdf_counts_table(writer *w, item *it);
void pdf_counts_methods(writer *w);

#endif
