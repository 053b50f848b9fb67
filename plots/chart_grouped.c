/* chart_grouped.c — side-by-side bars: for each category (an option of a multiple answer, an
 * answer, an age group of a counts file) one bar per series, the series being the table's
 * domains (全体, 男性, 女性 …) or, with `reference`, the survey's whole population and the
 * published reference (本調査 vs 全国, as the compare chart uses data/reference/). Shares in %
 * (with the survey's interval as a whisker where tables.csv has one) or, with value = count,
 * the counts themselves (a counts file: exact, no whisker). A withheld cell is hatched, ＊. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"
#include "numformat.h"

#define BAR_H 9.0
#define BAR_GAP 1.5
#define GROUP_GAP 7.0
#define LEGEND_H 14.0
#define AXIS_H 14.0
#define VALUE_W 40.0

enum { MAX_SERIES = 6 };

typedef struct gbar {
    double v, lo, hi;      /* NAN: withheld / no interval */
    int suppressed;
} gbar;

typedef struct gplan {
    const char *series[MAX_SERIES];
    size_t ns;
    const char *group[TS_MAX_BARS];
    size_t ng;
    gbar bar[TS_MAX_BARS][MAX_SERIES];
    int count, any_whisker, any_supp, reference;
} gplan;

static void fill_bar(const ts_chart *c, const ts_tcell *e, gbar *b)
{
    b->suppressed = e->suppressed;
    b->lo = b->hi = NAN;
    if (e->suppressed)
        b->v = NAN;
    else if (c->value_count)
        b->v = e->n_category >= 0 ? (double)e->n_category : NAN;
    else {
        b->v = e->estimate;
        b->lo = e->ci_low, b->hi = e->ci_high;
    }
}

static int make_plan(const ts_chart *c, gplan *P, ts_err *err)
{
    const ts_ttable *t = c->table;
    memset(P, 0, sizeof *P);
    P->count = c->value_count;
    const ts_tdomain *tot = ts_chart_total(c);
    if (c->reference) {
        if (!tot) {
            ts_err_set(err, TS_E_DATA, TR("chart %s: table %s has no 全体 row to set beside the reference"), c->name, t->id);
            return -1;
        }
        if (P->count) {
            ts_err_set(err, TS_E_DATA, "chart %s: a reference gives shares, not counts: leave out value = count", c->name);
            return -1;
        }
        P->reference = 1;
        P->series[P->ns++] = TR("本調査");
        P->series[P->ns++] = c->reference->label;
    } else {
        if (t->ndomains > MAX_SERIES) {
            ts_err_set(err, TS_E_DATA, "chart %s: table %s has %zu domains: at most %d series side by side", c->name, t->id,
                       t->ndomains, MAX_SERIES);
            return -1;
        }
        for (size_t d = 0; d < t->ndomains; d++)
            P->series[P->ns++] = t->domains[d].label;
    }
    const ts_tdomain *d0 = tot ? tot : &t->domains[0];
    /* a multiple answer's shares add up to more than 1: its reference options are published % /
     * (100 − 無回答 %); a single choice's answers are renormalised to 100%, as compare does */
    double sum = 0;
    for (size_t k = 0; k < d0->ncells; k++)
        sum += d0->cells[k].suppressed ? 0 : d0->cells[k].estimate;
    int multiple = sum > 1 + 1e-9;
    size_t ng = c->ncodes ? c->ncodes : d0->ncells;
    for (size_t g = 0; g < ng && P->ng < TS_MAX_BARS; g++) {
        const char *code = c->ncodes ? c->codes[g] : d0->cells[g].code;
        const ts_tcell *e0 = ts_tdomain_cell(d0, code);
        if (!e0) {
            ts_err_set(err, TS_E_DATA, "chart %s: table %s has no code %s", c->name, t->id, code);
            return -1;
        }
        P->group[P->ng] = e0->label;
        if (P->reference) {
            fill_bar(c, e0, &P->bar[P->ng][0]);
            double s = multiple ? ts_reference_option_share(c->reference, code) : ts_reference_share(c->reference, code);
            if (isnan(s)) {
                ts_err_set(err, TS_E_DATA, "chart %s: the reference has no value for code %s (%s)", c->name, code, e0->label);
                return -1;
            }
            P->bar[P->ng][1] = (gbar){s, NAN, NAN, 0};
        } else {
            for (size_t d = 0; d < t->ndomains; d++) {
                const ts_tcell *e = ts_tdomain_cell(&t->domains[d], code);
                if (e)
                    fill_bar(c, e, &P->bar[P->ng][d]);
                else
                    P->bar[P->ng][d] = (gbar){NAN, NAN, NAN, 0};
            }
        }
        P->ng++;
    }
    for (size_t g = 0; g < P->ng; g++)
        for (size_t s = 0; s < P->ns; s++) {
            P->any_whisker |= !isnan(P->bar[g][s].lo) && !isnan(P->bar[g][s].hi);
            P->any_supp |= P->bar[g][s].suppressed;
        }
    return 0;
}

double ts_chart_grouped(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    gplan P;
    if (make_plan(c, &P, err) != 0)
        return -1;
    double group_h = (double)P.ns * (BAR_H + BAR_GAP) - BAR_GAP;
    double natural = LEGEND_H + (double)P.ng * (group_h + GROUP_GAP) + AXIS_H;
    if (dry) {
        if (notes) {
            ts_notes_add(notes, P.count ? TR("値は件数。") : TR("値は割合（%%）。"));
            if (P.any_whisker)
                ts_notes_add(notes, TR("線は%g%%信頼区間。"),
                             isfinite(c->table->domains[0].ci_level) ? 100 * c->table->domains[0].ci_level : 95.0);
            if (P.reference && c->reference->source && *c->reference->source)
                ts_notes_add(notes, TR("%s：%s（公表値。信頼区間は公表されていない）"), c->reference->label, c->reference->source);
            if (P.any_supp)
                ts_notes_add(notes, TR("＊ 非表示（%ld 未満など）。"), c->min_cell);
            ts_chart_common_notes(c, notes);
        }
        return natural;
    }
    double f = fmin(1, area.h / natural);
    if (f < 0.4)
        f = 0.4;
    double bh = BAR_H * f, bg = BAR_GAP * f, gg = GROUP_GAP * f, gh = (double)P.ns * (bh + bg) - bg;
    double vmax = 0;
    for (size_t g = 0; g < P.ng; g++)
        for (size_t s = 0; s < P.ns; s++) {
            if (!isnan(P.bar[g][s].v))
                vmax = fmax(vmax, P.bar[g][s].v);
            if (!isnan(P.bar[g][s].hi))
                vmax = fmax(vmax, P.bar[g][s].hi);
        }
    double top, step;
    ts_chart_value_axis(vmax, P.count, &top, &step);
    long ns_none[TS_MAX_BARS];
    for (size_t g = 0; g < P.ng; g++)
        ns_none[g] = -1;
    double lw = ts_frame_label_width(p, P.group, ns_none, P.ng, area.w * 0.34, 1);
    double x0 = area.x + lw + 6, x1 = area.x + area.w - VALUE_W;
    double scale = (x1 - x0) / top;
    /* legend (none for one series: the title says what it is) */
    double lx = x0, ly = area.y + 4;
    ts_text_font(p, 0, TS_FONT_SMALL);
    for (size_t s = 0; s < P.ns && P.ns > 1; s++) {
        ts_frame_fill(p, lx, ly, 9, 7, ts_palette_qualitative(s));
        ts_frame_color(p, TS_INK);
        ts_text_draw(p, lx + 12, ly + 6.5, P.series[s], TS_ALIGN_LEFT);
        lx += 12 + ts_text_width(p, P.series[s]) + 12;
    }
    double y0 = area.y + LEGEND_H, y = y0;
    double rows_h = (double)P.ng * (gh + gg);
    /* grid */
    for (int k = 0; k * step <= top + 1e-9 * top; k++) {
        double x = x0 + k * step * scale;
        ts_frame_line(p, x, y0 - 2, x, y0 + rows_h - gg + 2, k == 0 ? 0.8 : 0.4, k == 0 ? TS_INK : TS_GRID);
        char buf[48];
        if (P.count)
            ts_numformat_grouped(k * step, 0, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%.0f%%", 100 * k * step);
        ts_text_font(p, 0, TS_FONT_SMALL);
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x, y0 + rows_h - gg + 4 + TS_FONT_SMALL, buf, TS_ALIGN_CENTER);
    }
    for (size_t g = 0; g < P.ng; g++) {
        ts_frame_bar_label(p, area.x + lw, y + gh / 2, lw, P.group[g], -1, 1);
        for (size_t s = 0; s < P.ns; s++) {
            const gbar *b = &P.bar[g][s];
            double by = y + (double)s * (bh + bg);
            char buf[48];
            if (isnan(b->v)) {
                if (b->suppressed)
                    ts_frame_hatch(p, x0, by, 10, bh);
                ts_text_font(p, 0, TS_FONT_VALUE);
                ts_frame_color(p, TS_INK);
                ts_text_draw(p, x0 + 13, by + bh / 2 + TS_FONT_VALUE * 0.36, b->suppressed ? TR("＊") : "—", TS_ALIGN_LEFT);
                continue;
            }
            double w = fmax(0.5, b->v * scale);
            ts_frame_fill(p, x0, by, w, bh, ts_palette_qualitative(s));
            double xe = x0 + w;
            if (!isnan(b->lo) && !isnan(b->hi)) {
                double xl = x0 + fmax(0, b->lo) * scale, xh = x0 + fmin(top, b->hi) * scale;
                ts_frame_line(p, xl, by + bh / 2, xh, by + bh / 2, 0.7, TS_INK);
                ts_frame_line(p, xl, by + bh * 0.2, xl, by + bh * 0.8, 0.7, TS_INK);
                ts_frame_line(p, xh, by + bh * 0.2, xh, by + bh * 0.8, 0.7, TS_INK);
                xe = fmax(xe, xh);
            }
            if (P.count)
                ts_numformat_grouped(b->v, 0, buf, sizeof buf);
            else
                snprintf(buf, sizeof buf, "%.1f%%", 100 * b->v);
            ts_text_font(p, 0, TS_FONT_VALUE);
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, xe + 3, by + bh / 2 + TS_FONT_VALUE * 0.36, buf, TS_ALIGN_LEFT);
        }
        y += gh + gg;
    }
    return LEGEND_H + rows_h + AXIS_H;
}
