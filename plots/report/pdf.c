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
 * starts (for the contents), then for real. Each chart is measured in the first pass and its
 * body drawn only in the second: once. This file plans the items and runs the two passes;
 * the parts are drawn by pdf_cover.c, pdf_tables.c and pdf_methods.c with the primitives of
 * pdf_writer.c (pdf.h). */
#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../chartspec.h"
#include "../fonts.h"
#include "../tables.h"
#include "i18n.h"
#include "pdf.h"

/* ---- the document ---------------------------------------------------------------------- */

static void layout(writer *w)
{
    w->page = 1;
    pdf_page_furniture(w);
    pdf_cover(w);
    pdf_new_page(w);
    for (size_t i = 0; i < w->nitems && !w->failed; i++) {
        if (w->items[i].kind == ITEM_CHART)
            pdf_draw_chart(w, &w->items[i]);
        else if (w->c->counts)
            pdf_counts_table(w, &w->items[i]);
        else
            pdf_draw_table(w, &w->items[i]);
    }
    if (!w->failed && !w->c->counts)
        pdf_models(w);
    if (!w->failed)
        w->c->counts ? pdf_counts_methods(w) : pdf_methods(w);
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
    writer w = {.c = c, .synthetic = strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0,
                .title = rp_get(c, "report", "title", rp_get(c, "survey", "title", TR("集計結果"))),
                .items = items, .nitems = nitems, .err = err,
                /* the contents list 回帰分析 in the first pass too (its page learnt there), so that
                 * both passes lay the cover out alike */
                .models_page = access("models.csv", R_OK) == 0 ? -1 : 0};

    /* Pass 1: learn the pages, drawing into a PDF that goes nowhere (the chart bodies only
     * measured). */
    cairo_surface_t *scratch = cairo_pdf_surface_create_for_stream(discard, NULL, PAGE_W, PAGE_H);
    w.cr = cairo_create(scratch);
    set_font_options(w.cr);
    w.pen = (ts_pen){.cr = w.cr, .fonts = fonts};
    w.pages_only = 1;
    layout(&w);
    cairo_destroy(w.cr);
    cairo_surface_finish(scratch);
    cairo_surface_destroy(scratch);
    if (w.failed) {
        st = err->status ? err->status : TS_E_DATA;
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
    w.pages_only = 0;
    layout(&w);
    /* A glyph the font lacks is found where text is drawn, so only this pass (the first drew
     * no chart body) sees every one; it stops the report rather than print an empty box. */
    if (!w.failed && w.pen.missing) {
        ts_err_set(err, TS_E_DATA,
                   "\"%s\": no installed font has a glyph for U+%04X (%s, then fontconfig's fallbacks); not "
                   "drawing it as an empty box",
                   w.pen.missing_in, (unsigned)w.pen.missing, ts_fonts_file(fonts));
        w.failed = 1;
    }
    if (w.failed) {
        ts_canvas_abort(cv);
        st = err->status ? err->status : TS_E_DATA;
        goto done;
    }
    st = ts_canvas_commit(cv, err);
done:
    for (size_t i = 0; i < nitems; i++) {
        ts_notes_free(&items[i].notes);
        free(items[i].subtitle);
    }
    free(items);
    ts_chartspec_free(set);
    ts_fonts_free(fonts);
    ts_tables_free(tabs);
    ts_fonts_shutdown(); /* the last cairo drawing of the run */
    return st;
}
