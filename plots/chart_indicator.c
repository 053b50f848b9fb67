/* chart_indicator.c — one indicator (e.g. the share answering しばしばある・常にある) by
 * domain, as bars or dots with their confidence interval as whiskers; also the body of the
 * multiple-answer and comparison charts. An interval is drawn only when the tables CSV has
 * one for exactly that value: a sum of categories has none, and none is invented. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"

#define AXIS_H 14.0
#define TOTAL_GAP 8.0
#define VALUE_W 34.0 /* room right of the longest bar for "100.0%" */
#define LEGEND_H 12.0 /* grouped bars: the series legend above them */

/* A round upper end for the axis and its step, both proportions. */
static void axis_scale(double vmax, double *top, double *step)
{
    static const double steps[] = {0.02, 0.05, 0.1, 0.2, 0.25};
    double s = 0.25;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (vmax / steps[i] <= 6) {
            s = steps[i];
            break;
        }
    double t = ceil(vmax / s - 1e-9) * s;
    if (t < s)
        t = s;
    if (t > 1)
        t = 1, s = 0.2;
    *top = t;
    *step = s;
}

/* Draw row R as a bar (or dot) from X0 over BW for values up to TOP, BAR_H high at Y. */
static void draw_value(ts_pen *p, const ts_values *v, const ts_valuerow *r, double x0, double bw, double top, double y,
                       double bar_h)
{
    double ymid = y + bar_h / 2;
    ts_rgb col = r->total ? TS_TOTAL : r->muted ? (ts_rgb){0.62, 0.62, 0.62} : ts_palette_qualitative(r->series);
    if (r->suppressed) {
        ts_text_font(p, 0, TS_FONT_VALUE);
        ts_frame_color(p, TS_INK);
        ts_text_draw(p, x0 + 3, ymid + TS_FONT_VALUE * 0.36, TR("＊ 非表示"), TS_ALIGN_LEFT);
        return;
    }
    double xv = x0 + bw * fmin(r->value, top) / top;
    if (v->dots) {
        ts_frame_line(p, x0, ymid, xv, ymid, 0.5, TS_GRID);
    } else {
        ts_frame_fill(p, x0, y, xv - x0, bar_h, col);
    }
    double xr = xv;
    if (!isnan(r->lo) && !isnan(r->hi)) {
        double xl = x0 + bw * fmax(0, r->lo) / top, xh = x0 + bw * fmin(r->hi, top) / top;
        double cap = bar_h * 0.28;
        /* On a bar the whisker is ink; a white halo keeps it readable where it crosses the fill. */
        ts_frame_line(p, xl, ymid, xh, ymid, 1.6, (ts_rgb){1, 1, 1});
        ts_frame_line(p, xl, ymid, xh, ymid, 0.8, TS_INK);
        ts_frame_line(p, xl, ymid - cap, xl, ymid + cap, 0.8, TS_INK);
        ts_frame_line(p, xh, ymid - cap, xh, ymid + cap, 0.8, TS_INK);
        xr = fmax(xr, xh);
    }
    if (v->dots) {
        ts_frame_color(p, (ts_rgb){1, 1, 1});
        cairo_arc(p->cr, xv, ymid, fmin(3.6, bar_h * 0.36) + 0.8, 0, 2 * M_PI);
        cairo_fill(p->cr);
        ts_frame_color(p, col);
        cairo_arc(p->cr, xv, ymid, fmin(3.6, bar_h * 0.36), 0, 2 * M_PI);
        cairo_fill(p->cr);
        xr = fmax(xr, xv + 4);
    }
    char buf[16];
    snprintf(buf, sizeof buf, r->from_complement ? "%.1f%%\xE2\x80\xA0" : "%.1f%%", r->value * 100);
    ts_text_font(p, r->total, TS_FONT_VALUE);
    ts_frame_color(p, TS_INK);
    ts_text_draw(p, xr + 3, ymid + TS_FONT_VALUE * 0.36, buf, TS_ALIGN_LEFT);
}

double ts_chart_indicator_body(ts_pen *p, const ts_values *v, ts_rect area, int dry)
{
    const char *labels[TS_MAX_BARS] = {0};
    long ns[TS_MAX_BARS] = {0};
    /* Grouped bars (v->pairs): rows 2g and 2g+1 are one group, labelled once by row 2g. */
    size_t per = v->pairs ? 2 : 1;
    size_t nr = v->nrows < TS_MAX_BARS * per ? v->nrows : TS_MAX_BARS * per;
    nr -= nr % per;
    size_t ng = nr / per;
    double vmax = 0;
    for (size_t i = 0; i < nr; i++) {
        if (i % per == 0) {
            labels[i / per] = v->rows[i].label;
            ns[i / per] = v->rows[i].n;
        }
        if (!v->rows[i].suppressed) {
            vmax = fmax(vmax, v->rows[i].value);
            if (!isnan(v->rows[i].hi))
                vmax = fmax(vmax, v->rows[i].hi);
        }
    }
    double bar_h = v->wrap_labels ? 13 : 12, gap = v->wrap_labels ? 11 : 7, inner = 0;
    if (v->pairs)
        bar_h = 9, inner = 1.5, gap = 9;
    double leg_h = v->pairs ? LEGEND_H : 0;
    double lw = ts_frame_label_width(p, labels, ns, ng, area.w * (v->wrap_labels ? 0.42 : 0.36), v->wrap_labels);
    double x0 = area.x + lw + 6, x1 = area.x + area.w - VALUE_W;
    double bw = x1 - x0;
    int has_total = nr > 0 && v->rows[0].total;
    double group_h = per * bar_h + (per - 1) * inner;
    double rows_natural = ng * (group_h + gap) + (has_total ? TOTAL_GAP : 0);
    if (dry)
        return leg_h + rows_natural + AXIS_H + 4;
    double f = fmin(1, (area.h - leg_h - AXIS_H - 4) / rows_natural);
    if (f < 0.2)
        f = 0.2;
    bar_h *= f;
    gap *= f;
    inner *= f;
    group_h *= f;
    if (v->pairs) {
        /* Legend: a swatch and the name of each series, left to right above the bars. */
        const double sw = 7.5;
        double x = x0;
        ts_text_font(p, 0, TS_FONT_LABEL - 0.5);
        for (size_t k = 0; k < 2; k++) {
            const char *name = v->series_label[k] ? v->series_label[k] : "";
            ts_frame_fill(p, x, area.y + 1, sw, sw, ts_palette_qualitative(k));
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, x + sw + 3, area.y + sw, name, TS_ALIGN_LEFT);
            x += sw + 3 + ts_text_width(p, name) + 12;
        }
    }
    double top, step;
    axis_scale(vmax, &top, &step);
    double y0 = area.y + leg_h + 4, y = y0;
    double rows_h = rows_natural * f;
    /* Grid first, so the bars cover it. */
    ts_text_font(p, 0, TS_FONT_SMALL);
    for (int k = 0; k * step <= top + 1e-9; k++) {
        double x = x0 + bw * (k * step) / top;
        ts_frame_line(p, x, y0 - 2, x, y0 + rows_h - gap + 2, k == 0 ? 0.7 : 0.4, k == 0 ? TS_HATCH : TS_GRID);
        char buf[16];
        snprintf(buf, sizeof buf, "%g%%", round(k * step * 1000) / 10);
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x, y0 + rows_h - gap + 4 + TS_FONT_SMALL, buf, TS_ALIGN_CENTER);
    }
    for (size_t g = 0; g < ng; g++) {
        const ts_valuerow *r = &v->rows[g * per];
        ts_frame_bar_label(p, x0 - 5, y + group_h / 2, lw, r->label, r->n, v->wrap_labels);
        for (size_t j = 0; j < per; j++)
            draw_value(p, v, &v->rows[g * per + j], x0, bw, top, y + j * (bar_h + inner), bar_h);
        y += group_h + gap;
        if (r->total && g + 1 < ng) {
            double ly = y + TOTAL_GAP * f / 2 - gap / 2;
            ts_frame_line(p, area.x, ly, x1, ly, 0.5, TS_GRID);
            y += TOTAL_GAP * f;
        }
    }
    return leg_h + rows_h + AXIS_H + 4;
}

/* The labels of CODES in table T, as 「a」「b」 for the footnote. */
static void codes_text(const ts_chart *c, char *buf, size_t size)
{
    const ts_tdomain *d = ts_chart_total(c);
    if (!d && c->table->ndomains)
        d = &c->table->domains[0];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->ncodes && d; i++) {
        const ts_tcell *cell = ts_tdomain_cell(d, c->codes[i]);
        int k = snprintf(buf + o, size - o, TR("「%s」"), cell ? cell->label : c->codes[i]);
        if (k < 0 || (size_t)k >= size - o)
            break;
        o += (size_t)k;
    }
}

/* A single-choice table's shares add up to 1 in every domain. When some of C's codes are
 * suppressed but every other category of D is shown, their sum is exactly 1 minus the
 * others: no estimate is invented. Used only when the sum itself rests on at least min_cell
 * respondents, so no small cell is shown.
 * Not for multiple answers (their shares do not add up to 1): the whole-population row must
 * be shown in full and add up to 1. Returns 1 and sets ROW's value when it applies. */
static int complement(const ts_chart *c, const ts_tdomain *d, ts_valuerow *row)
{
    const ts_tdomain *all = ts_chart_total(c);
    if (!all || c->ncodes < 2)
        return 0; /* for one code, 1 − the others would be the suppressed cell itself */
    /* The sum must rest on enough respondents itself, by the rule tsunagari-tab applies to
     * a share (n_category >= min_cell). */
    long n_sum = 0;
    for (size_t i = 0; i < c->ncodes; i++) {
        const ts_tcell *cell = ts_tdomain_cell(d, c->codes[i]);
        if (!cell || cell->n_category < 0)
            return 0;
        n_sum += cell->n_category;
    }
    if (n_sum < c->min_cell)
        return 0;
    double sum = 0;
    for (size_t k = 0; k < all->ncells; k++) {
        if (all->cells[k].suppressed)
            return 0;
        sum += all->cells[k].estimate;
    }
    if (fabs(sum - 1) > 1e-6)
        return 0;
    double rest = 0;
    for (size_t k = 0; k < d->ncells; k++) {
        int listed = 0;
        for (size_t i = 0; i < c->ncodes; i++)
            listed |= strcmp(c->codes[i], d->cells[k].code) == 0;
        if (listed)
            continue;
        if (d->cells[k].suppressed)
            return 0;
        rest += d->cells[k].estimate;
    }
    row->suppressed = 0;
    row->value = fmax(0, 1 - rest);
    row->lo = row->hi = NAN;
    return 1;
}

int ts_chart_indicator_row(const ts_chart *c, const ts_tdomain *d, ts_valuerow *row, ts_err *err)
{
    memset(row, 0, sizeof *row);
    row->label = d->label;
    row->n = d->n;
    row->total = d->codes[0] == '\0';
    row->lo = row->hi = NAN;
    for (size_t i = 0; i < c->ncodes; i++) {
        const ts_tcell *cell = ts_tdomain_cell(d, c->codes[i]);
        if (!cell) {
            ts_err_set(err, TS_E_DATA, "chart %s: code %s is not a category of table %s (line %lu)", c->name,
                       c->codes[i], c->table->id, d->line);
            return -1;
        }
        if (cell->suppressed)
            row->suppressed = 1;
        else
            row->value += cell->estimate;
        if (c->ncodes == 1) {
            row->lo = cell->ci_low;
            row->hi = cell->ci_high;
        }
    }
    if (row->suppressed && complement(c, d, row))
        row->from_complement = 1;
    else if (row->suppressed)
        row->value = row->lo = row->hi = NAN;
    return 0;
}

double ts_chart_indicator(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    const ts_ttable *t = c->table;
    ts_values v = {.dots = c->dots};
    if (!(v.rows = calloc(t->ndomains ? t->ndomains : 1, sizeof *v.rows))) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return -1;
    }
    int any_supp = 0, any_ci = 0, any_comp = 0;
    for (size_t d = 0; d < t->ndomains; d++) {
        if (ts_chart_indicator_row(c, &t->domains[d], &v.rows[v.nrows], err) != 0) {
            free(v.rows);
            return -1;
        }
        any_supp |= v.rows[v.nrows].suppressed;
        any_comp |= v.rows[v.nrows].from_complement;
        any_ci |= !isnan(v.rows[v.nrows].lo);
        v.nrows++;
    }
    double h = ts_chart_indicator_body(p, &v, area, dry);
    if (dry) {
        char codes[1024];
        codes_text(c, codes, sizeof codes);
        if (c->ncodes > 1)
            ts_notes_add(notes, TR("割合は%sの合計。"), codes);
        else
            ts_notes_add(notes, TR("割合は%sと答えた人の割合。"), codes);
        const ts_tdomain *d0 = t->ndomains ? &t->domains[0] : NULL;
        double level = d0 && !isnan(d0->ci_level) ? d0->ci_level : 0.95;
        if (any_ci)
            ts_notes_add(notes, TR("ヒゲは%g%%信頼区間。"), level * 100);
        else if (c->ncodes > 1)
            ts_notes_add(notes, TR("複数の回答の合計のため信頼区間は示していない（集計表には回答ごとの区間のみがある）。"));
        if (any_comp)
            ts_notes_add(notes, TR("† 合計に含まれる回答に回答者%ld人未満のものがあるため、100%%から他の回答の割合を引いて求めた%s。"),
                         c->min_cell, any_ci ? TR("（区間なし）") : "");
        if (any_supp)
            ts_notes_add(notes, TR("＊ 合計に含まれる回答に回答者%ld人未満のものがあるため非表示。"), c->min_cell);
        ts_chart_common_notes(c, notes);
    }
    free(v.rows);
    return h;
}
