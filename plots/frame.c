/* frame.c — title, subtitle, footnotes and shared drawing helpers (see frame.h). */
#include "frame.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"

#define LEAD(size) ((size) * 1.35)

void ts_notes_add(ts_notes *notes, const char *fmt, ...)
{
    if (!notes)
        return;
    ts_strbuf b = TS_STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < notes->n; i++)
        if (strcmp(notes->line[i], tmp) == 0)
            return;
    if (notes->n == TS_MAX_NOTES || ts_strbuf_append_str(&b, tmp) != 0) {
        notes->oom = 1;
        ts_strbuf_free(&b);
        return;
    }
    notes->line[notes->n++] = ts_strbuf_take(&b);
}

void ts_notes_free(ts_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++)
        free(notes->line[i]);
    notes->n = 0;
}

static long count_lines(ts_pen *p, const char *s, double width, size_t max)
{
    char **lines;
    long n = ts_text_wrap(p, s, width, max, &lines);
    if (n > 0)
        ts_text_free_lines(lines, n);
    return n < 0 ? 0 : n;
}

double ts_frame_header_height(ts_pen *p, const char *title, const char *subtitle, double width)
{
    ts_text_font(p, 1, TS_FONT_TITLE);
    long t = count_lines(p, title, width, 2);
    ts_text_font(p, 0, TS_FONT_SUB);
    long s = count_lines(p, subtitle, width, 2);
    return t * LEAD(TS_FONT_TITLE) + s * LEAD(TS_FONT_SUB) + 8;
}

double ts_frame_footer_height(ts_pen *p, const ts_notes *notes, double width)
{
    ts_text_font(p, 0, TS_FONT_NOTE);
    long k = 0;
    for (size_t i = 0; i < notes->n; i++)
        k += count_lines(p, notes->line[i], width, 3);
    return k ? k * LEAD(TS_FONT_NOTE) + 6 : 0;
}

void ts_frame_draw(ts_pen *p, ts_rect page, const char *title, const char *subtitle, const ts_notes *notes)
{
    double y = page.y + TS_FONT_TITLE;
    ts_frame_color(p, TS_INK);
    ts_text_font(p, 1, TS_FONT_TITLE);
    y = ts_text_draw_wrapped(p, page.x, y, page.w, LEAD(TS_FONT_TITLE), 2, title, TS_ALIGN_LEFT);
    ts_text_font(p, 0, TS_FONT_SUB);
    ts_frame_color(p, (ts_rgb){0.30, 0.30, 0.30});
    ts_text_draw_wrapped(p, page.x, y + LEAD(TS_FONT_SUB) + 1, page.w, LEAD(TS_FONT_SUB), 2, subtitle, TS_ALIGN_LEFT);

    double fh = ts_frame_footer_height(p, notes, page.w);
    if (fh > 0) {
        double top = page.y + page.h - fh;
        ts_frame_line(p, page.x, top, page.x + page.w, top, 0.4, TS_GRID);
        ts_frame_color(p, (ts_rgb){0.25, 0.25, 0.25});
        ts_text_font(p, 0, TS_FONT_NOTE);
        double yy = top + 6 + TS_FONT_NOTE;
        for (size_t i = 0; i < notes->n; i++)
            yy = ts_text_draw_wrapped(p, page.x, yy, page.w, LEAD(TS_FONT_NOTE), 3, notes->line[i], TS_ALIGN_LEFT) +
                 LEAD(TS_FONT_NOTE);
    }
}

void ts_frame_count(long n, char buf[32])
{
    if (n < 0) { /* withheld (suppressed) */
        snprintf(buf, 32, "%s", TR("\xEF\xBC\x8A")); /* ＊ (* in English) */
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", n < 0 ? 0 : n);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void ts_frame_color(ts_pen *p, ts_rgb c) { cairo_set_source_rgb(p->cr, c.r, c.g, c.b); }

void ts_frame_fill(ts_pen *p, double x, double y, double w, double h, ts_rgb c)
{
    if (w <= 0 || h <= 0)
        return;
    ts_frame_color(p, c);
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_fill(p->cr);
}

void ts_frame_hatch(ts_pen *p, double x, double y, double w, double h)
{
    if (w <= 0 || h <= 0)
        return;
    cairo_t *cr = p->cr;
    ts_frame_fill(p, x, y, w, h, TS_HATCH_BG);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    ts_frame_color(p, TS_HATCH);
    cairo_set_line_width(cr, 0.6);
    /* Lines at 45°, 3 pt apart, anchored to the page so neighbouring boxes line up. */
    const double step = 3.0;
    double start = floor((x - h) / step) * step;
    for (double u = start; u < x + w; u += step) {
        cairo_move_to(cr, u, y + h);
        cairo_line_to(cr, u + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void ts_frame_line(ts_pen *p, double x0, double y0, double x1, double y1, double width, ts_rgb c)
{
    ts_frame_color(p, c);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

static void n_text(long n, char buf[48])
{
    char c[32];
    ts_frame_count(n, c);
    snprintf(buf, 48, "(n=%s)", c);
}

double ts_frame_label_width(ts_pen *p, const char *const *labels, const long *ns, size_t k, double max, int two_lines)
{
    double w = 0;
    for (size_t i = 0; i < k; i++) {
        ts_text_font(p, 0, TS_FONT_LABEL);
        double lw = ts_text_width(p, labels[i]);
        double nw = 0;
        if (ns[i] >= 0) {
            char buf[48];
            n_text(ns[i], buf);
            ts_text_font(p, 0, TS_FONT_SMALL);
            nw = ts_text_width(p, buf);
        }
        double need = two_lines ? fmax(lw / 2 + TS_FONT_LABEL, nw) : lw + 3 + nw;
        if (two_lines && ns[i] < 0)
            need = lw;
        w = fmax(w, need);
    }
    return fmin(w, max);
}

void ts_frame_bar_label(ts_pen *p, double x, double y, double width, const char *label, long n, int two_lines)
{
    char nbuf[48] = "";
    if (n >= 0)
        n_text(n, nbuf);
    ts_text_font(p, 0, TS_FONT_SMALL);
    double nw = n >= 0 ? ts_text_width(p, nbuf) : 0;
    if (!two_lines) {
        /* label (n=157) on one line: n at the right edge, the label cut to what is left. */
        if (n >= 0) {
            ts_frame_color(p, (ts_rgb){0.40, 0.40, 0.40});
            ts_text_draw(p, x, y + TS_FONT_SMALL * 0.35, nbuf, TS_ALIGN_RIGHT);
        }
        ts_text_font(p, 0, TS_FONT_LABEL);
        ts_frame_color(p, TS_INK);
        char *fit = ts_text_fit(p, label, width - nw - (n >= 0 ? 3 : 0));
        if (fit)
            ts_text_draw(p, x - nw - (n >= 0 ? 3 : 0), y + TS_FONT_LABEL * 0.35, fit, TS_ALIGN_RIGHT);
        free(fit);
        return;
    }
    /* Up to two lines of label, then (n=…) on its own line when there is one. */
    ts_text_font(p, 0, TS_FONT_LABEL);
    char **lines;
    long k = ts_text_wrap(p, label, width, 2, &lines);
    if (k < 0)
        return;
    long total = k + (n >= 0 ? 1 : 0);
    double lead = LEAD(TS_FONT_LABEL) * 0.92;
    double top = y - (total * lead) / 2 + TS_FONT_LABEL * 0.85;
    ts_frame_color(p, TS_INK);
    for (long i = 0; i < k; i++)
        ts_text_draw(p, x, top + i * lead, lines[i], TS_ALIGN_RIGHT);
    ts_text_free_lines(lines, k);
    if (n >= 0) {
        ts_text_font(p, 0, TS_FONT_SMALL);
        ts_frame_color(p, (ts_rgb){0.40, 0.40, 0.40});
        ts_text_draw(p, x, top + k * lead, nbuf, TS_ALIGN_RIGHT);
    }
}
