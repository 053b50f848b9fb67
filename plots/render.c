/* render.c — see render.h. */
#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "strbuf.h"

typedef struct layout {
    double w, h;          /* page, points */
    double header, footer;
    ts_notes notes;
    char *subtitle;
} layout;

/* Measure the chart on a scratch surface: notes, header, footer, and the page height. */
static ts_status measure(const ts_chart *c, const ts_fonts *fonts, const ts_render_opts *o, layout *L, ts_err *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    ts_pen pen = {.cr = cr, .fonts = fonts};
    ts_status st = TS_OK;
    L->w = o->width_mm * TS_PT_PER_MM;
    double inner = L->w - 2 * TS_MARGIN;
    ts_rect area = {TS_MARGIN, 0, inner, 1e6};
    double body = ts_chart_body(&pen, c, area, &L->notes, 1, err);
    if (body < 0) {
        st = err && err->status ? err->status : TS_E_DATA;
        goto done;
    }
    if (L->notes.oom || !(L->subtitle = ts_chart_subtitle(c))) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    L->header = ts_frame_header_height(&pen, c->title, L->subtitle, inner);
    L->footer = ts_frame_footer_height(&pen, &L->notes, inner);
    if (o->height_mm > 0) {
        L->h = o->height_mm * TS_PT_PER_MM;
    } else {
        /* As tall as the chart needs, rounded up to a whole millimetre, at most A4's height. */
        double h = 2 * TS_MARGIN + L->header + body + 8 + L->footer;
        L->h = fmin(ceil(h / TS_PT_PER_MM), 297) * TS_PT_PER_MM;
    }
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = ts_err_set(err, TS_E_INTERNAL, "measuring chart %s: %s", c->name, cairo_status_to_string(cairo_status(cr)));
done:
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return st;
}

static ts_status draw_one(const ts_chart *c, const ts_fonts *fonts, const ts_render_opts *o, const layout *L,
                          ts_canvas_format fmt, const char *path, ts_err *err)
{
    ts_canvas *cv = ts_canvas_open(fmt, path, L->w / TS_PT_PER_MM, L->h / TS_PT_PER_MM, o->dpi, c->title, err);
    if (!cv)
        return err && err->status ? err->status : TS_E_CANTCREAT;
    ts_pen pen = {.cr = ts_canvas_cr(cv), .fonts = fonts};
    ts_rect page = {TS_MARGIN, TS_MARGIN, L->w - 2 * TS_MARGIN, L->h - 2 * TS_MARGIN};
    ts_rect area = {page.x, page.y + L->header, page.w, page.h - L->header - L->footer - 8};
    ts_frame_draw(&pen, page, c->title, L->subtitle, &L->notes);
    if (ts_chart_body(&pen, c, area, NULL, 0, err) < 0) {
        ts_canvas_abort(cv);
        return err && err->status ? err->status : TS_E_DATA;
    }
    if (pen.missing) {
        ts_canvas_abort(cv);
        return ts_err_set(err, TS_E_DATA,
                          "chart %s: \"%s\": no installed font has a glyph for U+%04X (%s, then fontconfig's "
                          "fallbacks); not drawing it as an empty box",
                          c->name, pen.missing_in, (unsigned)pen.missing, ts_fonts_file(fonts));
    }
    return ts_canvas_commit(cv, err);
}

ts_status ts_render_chart(const ts_chart *c, const ts_fonts *fonts, const ts_render_opts *o, const char *outdir,
                          ts_err *err)
{
    layout L = {0};
    ts_status st = measure(c, fonts, o, &L, err);
    static const struct {
        int bit;
        ts_canvas_format fmt;
        const char *ext;
    } F[] = {{TS_RENDER_PNG, TS_CANVAS_PNG, "png"}, {TS_RENDER_PDF, TS_CANVAS_PDF, "pdf"}, {TS_RENDER_SVG, TS_CANVAS_SVG, "svg"}};
    for (size_t i = 0; st == TS_OK && i < sizeof F / sizeof F[0]; i++) {
        if (!(o->formats & F[i].bit))
            continue;
        ts_strbuf path = TS_STRBUF_INIT;
        if (ts_strbuf_printf(&path, "%s/%s.%s", outdir, c->name, F[i].ext) != 0) {
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
            break;
        }
        st = draw_one(c, fonts, o, &L, F[i].fmt, path.data, err);
        ts_strbuf_free(&path);
    }
    ts_notes_free(&L.notes);
    free(L.subtitle);
    return st;
}
