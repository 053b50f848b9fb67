/* chart_difference.c — the differences of a table (tsunagari-tab's rows statistic =
 * difference: two domains, 男性 − 女性, 20～29歳 − 全体, or a domain now and in the previous
 * survey, 「前回調査との差」): one row each, a dot at the difference with its confidence
 * interval as whiskers, on an axis symmetric about a zero line (no difference). A difference
 * whose interval leaves out 0 is drawn in colour, the others in grey; the value is printed
 * (a share's in percentage points, ポイント). For a share table the chart names one category
 * (codes = 5): a sum of categories has no difference row, and none is invented. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"
#include "numformat.h"

#define ROW_H 13.0
#define GAP 6.0
#define AXIS_H 14.0
#define VALUE_W 44.0

/* A round half-width of the axis and its step (in the values' units) holding VMAX. */
static void axis_scale(double vmax, double *half, double *step)
{
    static const double m[] = {1, 2, 2.5, 5};
    double s = 1;
    if (!(vmax > 0))
        vmax = 1e-9;
    double e = pow(10, floor(log10(vmax)) - 1);
    for (int k = 0; k < 40; k++) {
        s = m[k % 4] * e * pow(10, k / 4);
        if (vmax / s <= 4)
            break;
    }
    *step = s;
    *half = ceil(vmax / s - 1e-9) * s;
}

/* The value as printed: +3.1 (points of a share ×100) or the number with DEC decimals. */
static void value_text(double v, int share, int dec, char *buf, size_t len)
{
    char g[40];
    if (share)
        snprintf(g, sizeof g, "%.1f", 100 * v);
    else
        ts_numformat_grouped(v, dec, g, sizeof g);
    snprintf(buf, len, "%s%s", v > 0 ? "+" : "", g);
}

/* The rows C draws: its table's differences of the chart's category (or of the one value). */
static size_t pick(const ts_chart *c, const ts_tdiff **rows, ts_err *err)
{
    const ts_ttable *t = c->table;
    const char *code = c->ncodes ? c->codes[0] : "";
    size_t n = 0;
    for (size_t i = 0; i < t->ndiffs && n < TS_MAX_BARS; i++)
        if (strcmp(t->diffs[i].code, code) == 0)
            rows[n++] = &t->diffs[i];
    if (n == 0)
        ts_err_set(err, TS_E_DATA, "chart %s: table %s has no difference rows%s%s%s (tsunagari-tab: [table.%s] differences or previous)",
                   c->name, t->id, *code ? " for code " : "", code, *code ? "" : " of one value (a share table: give codes = ONE category)",
                   t->id);
    return n;
}

double ts_chart_difference(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    const ts_tdiff *rows[TS_MAX_BARS];
    size_t n = pick(c, rows, err);
    if (n == 0)
        return -1;
    int share = c->table->share;
    double vmax = 0, se_min = INFINITY;
    int any_supp = 0;
    for (size_t i = 0; i < n; i++) {
        const ts_tdiff *r = rows[i];
        any_supp |= r->suppressed;
        if (isnan(r->estimate))
            continue;
        vmax = fmax(vmax, fabs(r->estimate));
        if (!isnan(r->ci_low) && !isnan(r->ci_high)) {
            vmax = fmax(vmax, fmax(fabs(r->ci_low), fabs(r->ci_high)));
            se_min = fmin(se_min, (r->ci_high - r->ci_low) / 4);
        }
    }
    int dec = share ? 1 : isfinite(se_min) && se_min > 0 ? ts_numformat_se_decimals(se_min) : 2;
    if (dry) {
        if (notes) {
            const ts_tdiff *r0 = rows[0];
            if (*r0->cat_label)
                ts_notes_add(notes, TR("「%s」の%s。"), r0->cat_label, share ? TR("割合の差（ポイント）") : TR("差"));
            ts_notes_add(notes, TR("点は差（左 − 右）、線は%g%%信頼区間（差がないとする t 検定）。色付きは区間が 0 を含まないもの。"),
                         c->table->ndomains && isfinite(c->table->domains[0].ci_level) ? 100 * c->table->domains[0].ci_level : 95.0);
            ts_notes_add(notes, TR("同じ調査の区分どうしの差は両者の共分散を、前回調査との差は独立な標本として分散の和を用いた。"));
            if (any_supp)
                ts_notes_add(notes, TR("＊ どちらかの推定値が非表示（回答者が %ld 人未満など）のため、差も示していない。"), c->min_cell);
            ts_chart_common_notes(c, notes);
        }
        return n * (ROW_H + GAP) + AXIS_H + 4;
    }
    const char *labels[TS_MAX_BARS];
    long ns[TS_MAX_BARS];
    for (size_t i = 0; i < n; i++)
        labels[i] = rows[i]->label, ns[i] = -1;
    double lw = ts_frame_label_width(p, labels, ns, n, area.w * 0.36, 0);
    double x0 = area.x + lw + 6 + VALUE_W * 0.3, x1 = area.x + area.w - VALUE_W;
    double half, step;
    axis_scale(vmax, &half, &step);
    double xz = (x0 + x1) / 2, scale = (x1 - x0) / 2 / half;
    double rows_natural = n * (ROW_H + GAP);
    double f = fmin(1, (area.h - AXIS_H - 4) / rows_natural);
    if (f < 0.3)
        f = 0.3;
    double row_h = ROW_H * f, gap = GAP * f, y0 = area.y + 4, y = y0, rows_h = rows_natural * f;
    /* grid and the zero line first, so the whiskers cover them */
    ts_text_font(p, 0, TS_FONT_SMALL);
    int kmax = (int)lround(half / step);
    for (int k = -kmax; k <= kmax; k++) {
        double x = xz + k * step * scale;
        ts_frame_line(p, x, y0 - 2, x, y0 + rows_h - gap + 2, k == 0 ? 1.0 : 0.4, k == 0 ? TS_INK : TS_GRID);
        char buf[48];
        if (share) /* points: whole numbers unless the step is below one point */
            snprintf(buf, sizeof buf, step * 100 < 1 - 1e-9 ? "%+.1f" : "%+.0f", 100 * k * step);
        else
            value_text(k * step, 0, dec, buf, sizeof buf);
        if (k == 0)
            snprintf(buf, sizeof buf, "0");
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x, y0 + rows_h - gap + 4 + TS_FONT_SMALL, buf, TS_ALIGN_CENTER);
    }
    for (size_t i = 0; i < n; i++) {
        const ts_tdiff *r = rows[i];
        double ymid = y + row_h / 2;
        ts_frame_bar_label(p, area.x + lw, ymid, lw, r->label, -1, 0);
        if (r->suppressed || isnan(r->estimate)) {
            ts_text_font(p, 0, TS_FONT_VALUE);
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, xz + 3, ymid + TS_FONT_VALUE * 0.36, r->suppressed ? TR("＊ 非表示") : "—", TS_ALIGN_LEFT);
            y += row_h + gap;
            continue;
        }
        int sig = !isnan(r->ci_low) && !isnan(r->ci_high) && (r->ci_low > 0 || r->ci_high < 0);
        ts_rgb col = sig ? ts_palette_qualitative(0) : (ts_rgb){0.55, 0.55, 0.55};
        double xv = xz + r->estimate * scale;
        if (!isnan(r->ci_low) && !isnan(r->ci_high)) {
            double xl = xz + fmax(-half, r->ci_low) * scale, xh = xz + fmin(half, r->ci_high) * scale, cap = row_h * 0.3;
            ts_frame_line(p, xl, ymid, xh, ymid, 0.9, col);
            ts_frame_line(p, xl, ymid - cap, xl, ymid + cap, 0.9, col);
            ts_frame_line(p, xh, ymid - cap, xh, ymid + cap, 0.9, col);
        }
        ts_frame_color(p, (ts_rgb){1, 1, 1});
        cairo_arc(p->cr, xv, ymid, fmin(3.4, row_h * 0.34) + 0.8, 0, 2 * M_PI);
        cairo_fill(p->cr);
        ts_frame_color(p, col);
        cairo_arc(p->cr, xv, ymid, fmin(3.4, row_h * 0.34), 0, 2 * M_PI);
        cairo_fill(p->cr);
        char buf[64], v[48];
        value_text(r->estimate, share, dec, v, sizeof v);
        snprintf(buf, sizeof buf, "%s%s", v, share ? "pt" : "");
        ts_text_font(p, sig, TS_FONT_VALUE);
        ts_frame_color(p, TS_INK);
        ts_text_draw(p, x1 + 6, ymid + TS_FONT_VALUE * 0.36, buf, TS_ALIGN_LEFT);
        y += row_h + gap;
    }
    return rows_h + AXIS_H + 4;
}
