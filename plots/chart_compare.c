/* chart_compare.c — the survey's whole population beside a published reference (the
 * national survey): the answer distribution as two 100% bars, or, when the chart names
 * `codes`, that indicator as two bars. The reference has no published interval, so it gets
 * no whisker; the survey gets one only for a single code. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static const char SURVEY_LABEL[] = "本調査";

static double compare_stacked(ts_pen *p, const ts_chart *c, const ts_tdomain *d, ts_rect area, int dry, ts_err *err)
{
    const ts_reference *ref = c->reference;
    if (d->ncells > TS_MAX_CATS) {
        ts_err_set(err, TS_E_DATA, "chart %s: table %s has more than %d categories", c->name, c->table->id, TS_MAX_CATS);
        return -1;
    }
    ts_stackrow rows[2];
    memset(rows, 0, sizeof rows);
    ts_stack s = {.ncats = d->ncells, .rows = rows, .nrows = 2, .min_cell = c->min_cell};
    rows[0].label = SURVEY_LABEL;
    rows[0].n = d->n;
    rows[1].label = ref->label;
    rows[1].n = ref->n;
    for (size_t k = 0; k < d->ncells; k++) {
        s.cat_label[k] = d->cells[k].label;
        rows[0].share[k] = d->cells[k].suppressed ? NAN : d->cells[k].estimate;
        rows[1].share[k] = ts_reference_share(ref, d->cells[k].code);
        if (isnan(rows[1].share[k])) {
            ts_err_set(err, TS_E_DATA, "chart %s: the reference has no answer for code %s (%s) of table %s", c->name,
                       d->cells[k].code, d->cells[k].label, c->table->id);
            return -1;
        }
    }
    if (ref->ncodes != d->ncells) {
        ts_err_set(err, TS_E_DATA, "chart %s: the reference has %zu answers, table %s has %zu", c->name, ref->ncodes,
                   c->table->id, d->ncells);
        return -1;
    }
    return ts_chart_stacked_body(p, &s, area, dry);
}

static double compare_indicator(ts_pen *p, const ts_chart *c, const ts_tdomain *d, ts_rect area, int dry, ts_err *err)
{
    ts_valuerow rows[2];
    if (ts_chart_indicator_row(c, d, &rows[0], err) != 0)
        return -1;
    rows[0].label = SURVEY_LABEL;
    rows[0].total = 0;
    memset(&rows[1], 0, sizeof rows[1]);
    rows[1].label = c->reference->label;
    rows[1].n = c->reference->n;
    rows[1].lo = rows[1].hi = NAN;
    rows[1].series = 1;
    for (size_t i = 0; i < c->ncodes; i++) {
        double s = ts_reference_share(c->reference, c->codes[i]);
        if (isnan(s)) {
            ts_err_set(err, TS_E_DATA, "chart %s: the reference has no answer for code %s", c->name, c->codes[i]);
            return -1;
        }
        rows[1].value += s;
    }
    ts_values v = {.rows = rows, .nrows = 2};
    return ts_chart_indicator_body(p, &v, area, dry);
}

double ts_chart_compare(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    const ts_tdomain *d = ts_chart_total(c);
    if (!d) {
        ts_err_set(err, TS_E_DATA, "chart %s: table %s has no 全体 (whole population) rows", c->name, c->table->id);
        return -1;
    }
    double h = c->ncodes ? compare_indicator(p, c, d, area, dry, err) : compare_stacked(p, c, d, area, dry, err);
    if (h < 0 || !dry)
        return h;
    int any_supp = 0;
    for (size_t k = 0; k < d->ncells; k++)
        any_supp |= d->cells[k].suppressed;
    if (!c->ncodes)
        ts_notes_add(notes, "帯の中の数値は構成比（%%）。四捨五入のため合計が100%%にならないことがある。");
    if (any_supp)
        ts_notes_add(notes, "＊（斜線）回答者%ld人未満のため非表示。", c->min_cell);
    ts_notes_add(notes, "本調査は%s（全体）。", c->survey_title[0] ? c->survey_title : "この調査");
    ts_notes_add(notes, "%sは公表値（%%）から無回答%.1f%%を除いて100%%に換算。公表値がウェイト付けかは未確認%s%s。",
                 c->reference->label, c->reference->no_answer * 100, c->reference->source[0] ? "。出典：" : "",
                 c->reference->source);
    if (c->ncodes)
        ts_notes_add(notes, "%s", c->ncodes == 1 ? "ヒゲは本調査の95%信頼区間（全国値は区間の公表がない）。"
                                                  : "複数の回答の合計のため信頼区間は示していない。");
    ts_chart_common_notes(c, notes);
    return h;
}
