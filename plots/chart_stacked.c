/* chart_stacked.c — 100% stacked horizontal bars of a single-choice item by domain, as in
 * the national survey's report: 全体 first and set apart, answers left to right in
 * questionnaire (code) order with a sequential colour ramp, percentages inside the segments
 * that have room, suppressed cells hatched. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"

#define BAR_H 14.0
#define BAR_GAP 6.0
#define TOTAL_GAP 8.0   /* extra space under the 全体 bar */
#define LEGEND_ROW 12.0
#define AXIS_H 12.0

/* Lay out the legend from X0 to X1 starting at Y; returns its height. */
static double legend(ts_pen *p, const ts_stack *s, double x0, double x1, double y, int dry)
{
    const double sw = 7.5, gap = 3, sep = 9;
    double x = x0, rows = 1;
    ts_text_font(p, 0, TS_FONT_LABEL - 0.5);
    for (size_t k = 0; k < s->ncats; k++) {
        double w = sw + gap + ts_text_width(p, s->cat_label[k]);
        if (x > x0 && x + w > x1) {
            x = x0;
            rows++;
        }
        if (!dry) {
            double yy = y + (rows - 1) * LEGEND_ROW;
            ts_frame_fill(p, x, yy + 1, sw, sw, ts_palette_sequential(k, s->ncats));
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, x + sw + gap, yy + sw, s->cat_label[k], TS_ALIGN_LEFT);
        }
        x += w + sep;
    }
    return rows * LEGEND_ROW;
}

static void segment_text(ts_pen *p, double x, double w, double ymid, double share, ts_rgb fill)
{
    char buf[16];
    ts_text_font(p, 0, TS_FONT_VALUE);
    snprintf(buf, sizeof buf, "%.1f", share * 100);
    if (ts_text_width(p, buf) + 2 > w) {
        snprintf(buf, sizeof buf, "%.0f", share * 100);
        if (ts_text_width(p, buf) + 2 > w)
            return;
    }
    ts_frame_color(p, ts_palette_luminance(fill) < 0.30 ? (ts_rgb){1, 1, 1} : TS_INK);
    ts_text_draw(p, x + w / 2, ymid + TS_FONT_VALUE * 0.36, buf, TS_ALIGN_CENTER);
}

/* Label a hatched box: on a white patch so the hatching does not cross the letters; when
 * the box is too narrow, the ＊ goes just right of the bar (OUTSIDE). */
static void hatch_text(ts_pen *p, double x, double w, double ymid, const char *text, double outside)
{
    ts_text_font(p, 0, TS_FONT_VALUE);
    if (ts_text_width(p, text) + 4 > w)
        text = TR("\xEF\xBC\x8A"); /* ＊ */
    double tw = ts_text_width(p, text);
    ts_frame_color(p, TS_INK);
    if (tw + 3 > w) {
        ts_text_draw(p, outside + 1, ymid + TS_FONT_VALUE * 0.36, text, TS_ALIGN_LEFT);
        return;
    }
    ts_frame_fill(p, x + w / 2 - tw / 2 - 1.5, ymid - TS_FONT_VALUE * 0.6, tw + 3, TS_FONT_VALUE * 1.2, (ts_rgb){1, 1, 1});
    ts_frame_color(p, TS_INK);
    ts_text_draw(p, x + w / 2, ymid + TS_FONT_VALUE * 0.36, text, TS_ALIGN_CENTER);
}

/* Suppressed categories of ROW: how many runs of consecutive ones, and the first run. */
static int suppressed_runs(const ts_stackrow *row, size_t ncats, size_t *first, size_t *last)
{
    int runs = 0;
    for (size_t k = 0; k < ncats; k++)
        if (isnan(row->share[k]) && (k == 0 || !isnan(row->share[k - 1]))) {
            if (runs++ == 0)
                *first = k;
        }
    if (runs) {
        *last = *first;
        while (*last + 1 < ncats && isnan(row->share[*last + 1]))
            ++*last;
    }
    return runs;
}

static void draw_bar(ts_pen *p, const ts_stack *s, const ts_stackrow *row, double x0, double bw, double y, double h)
{
    double ymid = y + h / 2;
    size_t first = 0, last = 0;
    int runs = suppressed_runs(row, s->ncats, &first, &last);
    if (runs > 1 || (runs == 1 && first == 0 && last == s->ncats - 1)) {
        /* Where the hidden answers sit cannot be shown without their sizes: hide the bar. */
        ts_frame_hatch(p, x0, y, bw, h);
        hatch_text(p, x0, bw, ymid, TR("\xEF\xBC\x8A \xE5\x86\x85\xE8\xA8\xB3\xE3\x81\xAF\xE9\x9D\x9E\xE8\xA1\xA8\xE7\xA4\xBA"), x0 + bw); /* ＊ 内訳は非表示 */
        return;
    }
    double known = 0;
    for (size_t k = 0; k < s->ncats; k++)
        if (!isnan(row->share[k]))
            known += row->share[k];
    double hidden = runs ? fmax(0, 1 - known) : 0;
    double x = x0;
    for (size_t k = 0; k < s->ncats; k++) {
        if (runs && k == first) {
            double w = hidden * bw;
            ts_frame_hatch(p, x, y, w, h);
            hatch_text(p, x, w, ymid, TR("\xEF\xBC\x8A"), x0 + bw);
            x += w;
            k = last;
            continue;
        }
        double w = row->share[k] * bw;
        ts_rgb c = ts_palette_sequential(k, s->ncats);
        ts_frame_fill(p, x, y, w, h, c);
        segment_text(p, x, w, ymid, row->share[k], c);
        x += w;
    }
    /* White hairlines between segments keep neighbours of similar grey apart on paper. */
    x = x0;
    for (size_t k = 0; k + 1 < s->ncats; k++) {
        if (runs && k == first) {
            x += hidden * bw;
            k = last;
            if (k + 1 >= s->ncats)
                break;
        } else {
            x += row->share[k] * bw;
        }
        ts_frame_line(p, x, y, x, y + h, 0.6, (ts_rgb){1, 1, 1});
    }
}

double ts_chart_stacked_body(ts_pen *p, const ts_stack *s, ts_rect area, int dry)
{
    const char *labels[TS_MAX_BARS] = {0};
    long ns[TS_MAX_BARS] = {0};
    size_t nr = s->nrows < TS_MAX_BARS ? s->nrows : TS_MAX_BARS;
    for (size_t i = 0; i < nr; i++) {
        labels[i] = s->rows[i].label;
        ns[i] = s->rows[i].n;
    }
    double lw = ts_frame_label_width(p, labels, ns, nr, area.w * 0.36, 0);
    double x0 = area.x + lw + 6, x1 = area.x + area.w - 9; /* room right for a ＊ */
    double bw = x1 - x0;
    double leg = legend(p, s, x0, x1, area.y, 1);
    int has_total = nr > 0 && s->rows[0].total;
    double rows_natural = nr * (BAR_H + BAR_GAP) + (has_total ? TOTAL_GAP : 0);
    double fixed = leg + 6 + AXIS_H;
    if (dry)
        return fixed + rows_natural;
    double f = fmin(1, (area.h - fixed) / rows_natural);
    if (f <= 0.2)
        f = 0.2;
    legend(p, s, x0, x1, area.y, 0);
    double y = area.y + leg + 6;
    double bh = BAR_H * f, gap = BAR_GAP * f;
    for (size_t i = 0; i < nr; i++) {
        const ts_stackrow *row = &s->rows[i];
        ts_frame_bar_label(p, x0 - 5, y + bh / 2, lw, row->label, row->n, 0);
        draw_bar(p, s, row, x0, bw, y, bh);
        y += bh + gap;
        if (row->total && i + 1 < nr) {
            double ly = y + TOTAL_GAP * f / 2 - gap / 2;
            ts_frame_line(p, area.x, ly, x1, ly, 0.5, TS_GRID);
            y += TOTAL_GAP * f;
        }
    }
    /* A light scale under the bars: 0 to 100 %. */
    ts_text_font(p, 0, TS_FONT_SMALL);
    double ya = y - gap + 2;
    for (int t = 0; t <= 100; t += 20) {
        double x = x0 + bw * t / 100.0;
        ts_frame_line(p, x, ya, x, ya + 2.5, 0.5, TS_HATCH);
        char buf[16];
        snprintf(buf, sizeof buf, t == 100 ? "%d%%" : "%d", t);
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x, ya + 3 + TS_FONT_SMALL, buf, TS_ALIGN_CENTER);
    }
    return (ya + AXIS_H) - area.y;
}

double ts_chart_stacked(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    const ts_ttable *t = c->table;
    ts_stack s = {.min_cell = c->min_cell};
    /* Categories: codes in file (questionnaire) order, over every domain. */
    const char *codes[TS_MAX_CATS];
    for (size_t d = 0; d < t->ndomains; d++)
        for (size_t k = 0; k < t->domains[d].ncells; k++) {
            const ts_tcell *cell = &t->domains[d].cells[k];
            size_t j = 0;
            while (j < s.ncats && strcmp(codes[j], cell->code) != 0)
                j++;
            if (j < s.ncats)
                continue;
            if (s.ncats == TS_MAX_CATS) {
                ts_err_set(err, TS_E_DATA, "chart %s: table %s has more than %d categories: too many for a stacked bar",
                           c->name, t->id, TS_MAX_CATS);
                return -1;
            }
            codes[s.ncats] = cell->code;
            s.cat_label[s.ncats++] = cell->label;
        }
    if (!(s.rows = calloc(t->ndomains ? t->ndomains : 1, sizeof *s.rows))) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return -1;
    }
    int any_hidden = 0, any_whole = 0;
    for (size_t d = 0; d < t->ndomains; d++) {
        const ts_tdomain *dom = &t->domains[d];
        ts_stackrow *row = &s.rows[s.nrows++];
        row->label = dom->label;
        row->n = dom->n;
        row->total = dom->codes[0] == '\0';
        for (size_t k = 0; k < s.ncats; k++) {
            const ts_tcell *cell = ts_tdomain_cell(dom, codes[k]);
            row->share[k] = cell && !cell->suppressed ? cell->estimate : NAN;
            if (isnan(row->share[k]))
                any_hidden = 1;
        }
        size_t a, b;
        int runs = suppressed_runs(row, s.ncats, &a, &b);
        if (runs > 1 || (runs == 1 && a == 0 && b == s.ncats - 1))
            any_whole = 1;
    }
    double h;
    if (dry) {
        h = ts_chart_stacked_body(p, &s, area, 1);
        ts_notes_add(notes, TR("帯の中の数値は構成比（%%）。四捨五入のため合計が100%%にならないことがある。"));
        if (any_hidden)
            ts_notes_add(notes, TR("＊（斜線）%s%ld%s未満のため、または他の数値から逆算されないよう非表示。斜線の幅は非表示の回答の合計%s。"),
                         ts_chart_respondents(c), c->min_cell, c->unit ? TR(c->unit) : TR("人"),
                         any_whole ? TR("。帯全体が斜線の行は、非表示の回答が離れていて（またはすべてで）内訳の位置を示せないもの") : "");
        ts_chart_common_notes(c, notes);
    } else {
        h = ts_chart_stacked_body(p, &s, area, 0);
    }
    free(s.rows);
    return h;
}
