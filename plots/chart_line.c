/* chart_line.c — a share or a count over time: waves (R3 … R6 as a table's domains, by =
 * wave), years (a counts file's years as categories or domains). The points run along the x
 * axis in the table's order; each of `codes` is a line (default: every category; a table with
 * only 全体 is one line over its categories). A share with an interval in tables.csv gets its
 * confidence band, shaded behind the line; a count (value = count) is exact and has none. A
 * withheld point (＊) breaks the line and its band: nothing is drawn through it. With `waves`
 * (earlier waves' tables.csv, chartspec.c) the points are the table's 全体 in each earlier wave
 * and then in this survey, labelled by wave_labels: a city's trend from its published tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"
#include "numformat.h"

#define AXIS_W 34.0     /* the value axis' labels */
#define XLAB_H 24.0     /* the x labels under the axis */
#define LEGEND_H 14.0
#define TOP_PAD 12.0    /* room for the value labels over the highest point */

enum { MAX_SERIES = 8, MAX_POINTS = TS_MAX_BARS };

typedef struct point {
    double v, lo, hi;   /* NAN: not drawn (withheld) / no interval */
    int suppressed;
} point;

typedef struct series {
    const char *label;
    point pt[MAX_POINTS];
} series;

typedef struct plan {
    const char *xlab[MAX_POINTS];
    size_t npts;
    series s[MAX_SERIES];
    size_t ns;
    int count;          /* value = count */
    int any_band, any_supp;
} plan;

/* The value of cell E as the chart shows it. */
static void fill_point(const ts_chart *c, const ts_tcell *e, point *pt)
{
    pt->suppressed = e->suppressed;
    pt->lo = pt->hi = NAN;
    if (e->suppressed) {
        pt->v = NAN;
        return;
    }
    if (c->value_count) {
        pt->v = e->n_category >= 0 ? (double)e->n_category : NAN;
        return;
    }
    pt->v = e->estimate;
    pt->lo = e->ci_low, pt->hi = e->ci_high;
}

/* Lay out the points: over the domains (全体 left out when there are others), or over the
 * categories of a table with only 全体. Returns 0 or -1 with ERR set. */
static int make_plan(const ts_chart *c, plan *P, ts_err *err)
{
    const ts_ttable *t = c->table;
    memset(P, 0, sizeof *P);
    P->count = c->value_count;
    size_t first = t->ndomains > 1 && t->domains[0].codes[0] == '\0' ? 1 : 0;
    const ts_tdomain *now = ts_chart_total(c);
    if (c->nwaves) {
        /* over the waves: the table's 全体 in each earlier wave's tables.csv, then this survey's */
        if (!now) {
            ts_err_set(err, TS_E_DATA, "chart %s: table %s has no 全体 row to follow the earlier waves", c->name, t->id);
            return -1;
        }
        size_t nc = c->ncodes ? c->ncodes : now->ncells;
        if (nc > MAX_SERIES) {
            ts_err_set(err, TS_E_DATA, "chart %s: %zu lines are too many for one line chart (at most %d): give codes", c->name,
                       nc, MAX_SERIES);
            return -1;
        }
        for (size_t w = 0; w <= c->nwaves; w++)
            P->xlab[P->npts++] = c->wave_labels[w];
        for (size_t k = 0; k < nc; k++) {
            const char *code = c->ncodes ? c->codes[k] : now->cells[k].code;
            series *s = &P->s[P->ns++];
            for (size_t w = 0; w <= c->nwaves; w++) {
                const ts_tdomain *d = w < c->nwaves ? &c->wave[w]->domains[0] : now;
                const ts_tcell *e = ts_tdomain_cell(d, code);
                if (!e) {
                    ts_err_set(err, TS_E_DATA, "chart %s: table %s of %s has no code %s", c->name, t->id,
                               c->wave_labels[w], code);
                    return -1;
                }
                if (!s->label || w == c->nwaves)
                    s->label = e->label; /* this survey's label of the code */
                fill_point(c, e, &s->pt[w]);
            }
        }
    } else if (t->ndomains - first >= 2) {
        /* over the domains: one line per code (default every category of the first domain) */
        const ts_tdomain *d0 = &t->domains[first];
        size_t nc = c->ncodes ? c->ncodes : d0->ncells;
        if (nc > MAX_SERIES) {
            ts_err_set(err, TS_E_DATA, "chart %s: %zu lines are too many for one line chart (at most %d): give codes", c->name,
                       nc, MAX_SERIES);
            return -1;
        }
        for (size_t d = first; d < t->ndomains && P->npts < MAX_POINTS; d++)
            P->xlab[P->npts++] = t->domains[d].label;
        for (size_t k = 0; k < nc; k++) {
            const char *code = c->ncodes ? c->codes[k] : d0->cells[k].code;
            series *s = &P->s[P->ns++];
            for (size_t d = first, i = 0; d < t->ndomains && i < P->npts; d++, i++) {
                const ts_tcell *e = ts_tdomain_cell(&t->domains[d], code);
                if (!e) {
                    ts_err_set(err, TS_E_DATA, "chart %s: table %s has no code %s in domain %s", c->name, t->id, code,
                               t->domains[d].label);
                    return -1;
                }
                if (!s->label)
                    s->label = e->label;
                fill_point(c, e, &s->pt[i]);
            }
        }
    } else {
        /* one domain: a line over its categories (years of a counts file) */
        const ts_tdomain *d = &t->domains[0];
        if (c->ncodes) {
            ts_err_set(err, TS_E_DATA, "chart %s: table %s has one domain, so the line runs over its categories: leave out codes",
                       c->name, t->id);
            return -1;
        }
        series *s = &P->s[P->ns++];
        s->label = d->label;
        for (size_t k = 0; k < d->ncells && P->npts < MAX_POINTS; k++) {
            P->xlab[P->npts] = d->cells[k].label;
            fill_point(c, &d->cells[k], &s->pt[P->npts]);
            P->npts++;
        }
    }
    if (P->npts < 2) {
        ts_err_set(err, TS_E_DATA, "chart %s: table %s gives %zu point%s: a line needs two or more (waves, years)", c->name,
                   t->id, P->npts, P->npts == 1 ? "" : "s");
        return -1;
    }
    for (size_t k = 0; k < P->ns; k++)
        for (size_t i = 0; i < P->npts; i++) {
            P->any_band |= !isnan(P->s[k].pt[i].lo) && !isnan(P->s[k].pt[i].hi);
            P->any_supp |= P->s[k].pt[i].suppressed;
        }
    return 0;
}

static void value_text(double v, int count, char *buf, size_t len)
{
    if (count)
        ts_numformat_grouped(v, 0, buf, len);
    else
        snprintf(buf, len, "%.1f", 100 * v);
}

double ts_chart_line(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    plan P;
    if (make_plan(c, &P, err) != 0)
        return -1;
    double want = fmin(area.w * 0.55, 260) + (P.ns > 1 ? LEGEND_H : 0);
    if (dry) {
        if (notes) {
            if (c->nwaves)
                ts_notes_add(notes, TR("%s～%s は各回の集計（%zu 回分の tables.csv）の値、%s は本調査。"), c->wave_labels[0],
                             c->wave_labels[c->nwaves - 1], c->nwaves, c->wave_labels[c->nwaves]);
            if (P.count)
                ts_notes_add(notes, TR("値は件数。"));
            else
                ts_notes_add(notes, TR("値は割合（%%）。"));
            if (P.any_band)
                ts_notes_add(notes, TR("帯は%g%%信頼区間。"),
                             isfinite(c->table->domains[0].ci_level) ? 100 * c->table->domains[0].ci_level : 95.0);
            if (P.any_supp)
                ts_notes_add(notes, TR("＊ 非表示（%ld 未満など）の点は線を結んでいない。"), c->min_cell);
            ts_chart_common_notes(c, notes);
        }
        return want;
    }
    double h = fmin(area.h, want);
    double vmax = 0;
    for (size_t k = 0; k < P.ns; k++)
        for (size_t i = 0; i < P.npts; i++) {
            const point *q = &P.s[k].pt[i];
            if (!isnan(q->v))
                vmax = fmax(vmax, q->v);
            if (!isnan(q->hi))
                vmax = fmax(vmax, q->hi);
        }
    double top, step;
    ts_chart_value_axis(vmax, P.count, &top, &step);
    double leg = P.ns > 1 ? LEGEND_H : 0;
    double x0 = area.x + AXIS_W, x1 = area.x + area.w - 8;
    double y0 = area.y + leg + TOP_PAD, y1 = area.y + h - XLAB_H;
    if (y1 - y0 < 30)
        y1 = y0 + 30;
    double dx = (x1 - x0) / (double)P.npts;
#define XP(i) (x0 + dx * ((double)(i) + 0.5))
#define YP(v) (y1 - (y1 - y0) * fmax(0.0, fmin(1.0, (v) / top)))
    /* legend */
    if (P.ns > 1) {
        double lx = x0;
        ts_text_font(p, 0, TS_FONT_SMALL);
        for (size_t k = 0; k < P.ns; k++) {
            ts_rgb col = ts_palette_qualitative(k);
            ts_frame_line(p, lx, area.y + 6, lx + 14, area.y + 6, 1.6, col);
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, lx + 17, area.y + 6 + TS_FONT_SMALL * 0.36, P.s[k].label, TS_ALIGN_LEFT);
            lx += 17 + ts_text_width(p, P.s[k].label) + 12;
        }
    }
    /* grid and value axis */
    ts_text_font(p, 0, TS_FONT_SMALL);
    for (int k = 0; k * step <= top + 1e-9 * top; k++) {
        double v = k * step, y = YP(v);
        ts_frame_line(p, x0, y, x1, y, k == 0 ? 0.8 : 0.4, k == 0 ? TS_INK : TS_GRID);
        char buf[48];
        if (P.count)
            ts_numformat_grouped(v, 0, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%.0f%%", 100 * v);
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x0 - 4, y + TS_FONT_SMALL * 0.36, buf, TS_ALIGN_RIGHT);
    }
    /* x labels: fitted to their slot */
    ts_text_font(p, 0, TS_FONT_SMALL);
    for (size_t i = 0; i < P.npts; i++) {
        char *fit = ts_text_fit(p, P.xlab[i], dx - 2);
        ts_frame_color(p, TS_INK);
        ts_text_draw(p, XP(i), y1 + 4 + TS_FONT_SMALL, fit ? fit : "", TS_ALIGN_CENTER);
        free(fit);
    }
    /* bands, then lines and dots over them */
    for (size_t k = 0; k < P.ns; k++) {
        ts_rgb col = ts_palette_qualitative(k);
        const point *pt = P.s[k].pt;
        for (size_t i = 0; i + 1 < P.npts; i++) {
            const point *a = &pt[i], *b = &pt[i + 1];
            if (isnan(a->lo) || isnan(a->hi) || isnan(b->lo) || isnan(b->hi))
                continue;
            cairo_move_to(p->cr, XP(i), YP(a->hi));
            cairo_line_to(p->cr, XP(i + 1), YP(b->hi));
            cairo_line_to(p->cr, XP(i + 1), YP(b->lo));
            cairo_line_to(p->cr, XP(i), YP(a->lo));
            cairo_close_path(p->cr);
            cairo_set_source_rgba(p->cr, col.r, col.g, col.b, 0.18);
            cairo_fill(p->cr);
        }
        /* a lone point with an interval (its neighbours withheld): a whisker */
        for (size_t i = 0; i < P.npts; i++) {
            const point *a = &pt[i];
            int left = i > 0 && !isnan(pt[i - 1].lo), right = i + 1 < P.npts && !isnan(pt[i + 1].lo);
            if (!isnan(a->lo) && !isnan(a->hi) && !left && !right)
                ts_frame_line(p, XP(i), YP(a->lo), XP(i), YP(a->hi), 0.8, col);
        }
    }
    for (size_t k = 0; k < P.ns; k++) {
        ts_rgb col = ts_palette_qualitative(k);
        const point *pt = P.s[k].pt;
        for (size_t i = 0; i + 1 < P.npts; i++)
            if (!isnan(pt[i].v) && !isnan(pt[i + 1].v))
                ts_frame_line(p, XP(i), YP(pt[i].v), XP(i + 1), YP(pt[i + 1].v), 1.6, col);
        for (size_t i = 0; i < P.npts; i++) {
            double x = XP(i);
            if (isnan(pt[i].v)) {
                ts_text_font(p, 0, TS_FONT_VALUE);
                ts_frame_color(p, TS_INK);
                ts_text_draw(p, x, y1 - 3, pt[i].suppressed ? TR("＊") : "—", TS_ALIGN_CENTER);
                continue;
            }
            double y = YP(pt[i].v);
            ts_frame_color(p, (ts_rgb){1, 1, 1});
            cairo_arc(p->cr, x, y, 3.4, 0, 2 * M_PI);
            cairo_fill(p->cr);
            ts_frame_color(p, col);
            cairo_arc(p->cr, x, y, 2.6, 0, 2 * M_PI);
            cairo_fill(p->cr);
            char buf[48];
            value_text(pt[i].v, P.count, buf, sizeof buf);
            ts_text_font(p, 0, TS_FONT_VALUE);
            ts_frame_color(p, TS_INK);
            /* the first series' labels above the dots, the others' below, so two lines' labels do not collide */
            double ly = k % 2 == 0 ? y - 5 : y + 5 + TS_FONT_VALUE * 0.8;
            ts_text_draw(p, x, ly, buf, TS_ALIGN_CENTER);
        }
    }
#undef XP
#undef YP
    return h;
}
