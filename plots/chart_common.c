/* chart_common.c — what every chart says about itself: subtitle (survey, base n, weighted)
 * and the footnote lines on weighting, source and synthetic data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"
#include "strbuf.h"

const ts_tdomain *ts_chart_total(const ts_chart *c)
{
    for (size_t i = 0; i < c->table->ndomains; i++)
        if (c->table->domains[i].codes[0] == '\0')
            return &c->table->domains[i];
    return NULL;
}

const char *ts_chart_respondents(const ts_chart *c)
{
    return c->unit && strcmp(c->unit, "団体") == 0 ? TR("回答団体") : TR("回答者");
}

char *ts_chart_subtitle(const ts_chart *c)
{
    ts_strbuf b = TS_STRBUF_INIT;
    const ts_tdomain *d = ts_chart_total(c);
    char n[32];
    if (c->survey_title[0])
        ts_strbuf_printf(&b, TR("%s　"), c->survey_title);
    if (c->counts) { /* docs/counts.md: counted cases, not respondents, and nothing weighted */
        if (d) {
            ts_frame_count(d->n, n);
            ts_strbuf_printf(&b, TR("合計 %s 件、"), n);
        }
        ts_strbuf_append_str(&b, TR("集計済みの件数"));
        return ts_strbuf_take(&b);
    }
    if (d) {
        ts_frame_count(d->n, n);
        ts_strbuf_printf(&b, TR("n=%s、"), n);
    }
    if (c->census)
        ts_strbuf_printf(&b, TR("全数調査（回答した%sの割合）"), TR(c->unit));
    else
        ts_strbuf_append_str(&b, c->weighted ? TR("ウェイト付け集計") : TR("ウェイトなし（回答者数の割合）"));
    return ts_strbuf_take(&b);
}

void ts_chart_common_notes(const ts_chart *c, ts_notes *notes)
{
    const ts_tdomain *d = ts_chart_total(c);
    if (c->counts) {
        ts_notes_add(notes, TR("件数は数えた件数そのもので、標本調査ではないため標本誤差はない。"));
        ts_notes_add(notes, TR("資料：%s（表 %s、tsunagari による集計）"), c->survey_title[0] ? c->survey_title : TR("集計済みの件数"),
                     c->table->id);
        if (c->synthetic)
            ts_notes_add(notes, TR("※ 合成データ（synthetic data）によるデモ。実際の統計ではない。"));
        return;
    }
    if (d && d->missing_n > 0) {
        char n[32];
        ts_frame_count(d->missing_n, n);
        ts_notes_add(notes, TR("無回答（%s%s）は集計から除いた。"), n, c->unit ? TR(c->unit) : TR("人"));
    }
    if (c->census)
        ts_notes_add(notes, TR("nは回答した%sの数。全数調査のため標本誤差はない。"), TR(c->unit));
    else
        ts_notes_add(notes, TR("nは回答者数（ウェイト付け前）。%s"), c->weighted ? TR("割合はウェイト付けした推定値。") : TR("割合はウェイトを付けない回答者の割合。"));
    ts_notes_add(notes, TR("資料：%s（表 %s、tsunagari による集計）"), c->survey_title[0] ? c->survey_title : TR("本調査"),
                 c->table->id);
    if (c->synthetic)
        ts_notes_add(notes, TR("※ 合成データ（synthetic data）によるデモ。実際の調査結果ではない。"));
}

double ts_chart_body(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    switch (c->type) {
    case TS_CHART_STACKED: return ts_chart_stacked(p, c, area, notes, dry, err);
    case TS_CHART_INDICATOR: return ts_chart_indicator(p, c, area, notes, dry, err);
    case TS_CHART_MULTI: return ts_chart_multi(p, c, area, notes, dry, err);
    case TS_CHART_COMPARE: return ts_chart_compare(p, c, area, notes, dry, err);
    case TS_CHART_DIFFERENCE: return ts_chart_difference(p, c, area, notes, dry, err);
    case TS_CHART_LINE: return ts_chart_line(p, c, area, notes, dry, err);
    case TS_CHART_GROUPED: return ts_chart_grouped(p, c, area, notes, dry, err);
    }
    return ts_chart_stacked(p, c, area, notes, dry, err);
}

void ts_chart_value_axis(double vmax, int count, double *top, double *step)
{
    if (!count) {
        double s = vmax <= 0.25 ? 0.05 : vmax <= 0.5 ? 0.1 : 0.2;
        *step = s;
        *top = fmax(s, fmin(1, ceil(vmax / s - 1e-9) * s));
        return;
    }
    static const double m[] = {1, 2, 2.5, 5};
    double s = 1;
    if (!(vmax > 0))
        vmax = 1;
    double e = pow(10, floor(log10(vmax)) - 1);
    for (int k = 0; k < 40; k++) {
        s = m[k % 4] * e * pow(10, k / 4);
        if (vmax / s <= 5)
            break;
    }
    if (s < 1)
        s = 1;
    *step = s;
    *top = ceil(vmax / s - 1e-9) * s;
}
