/* chart_compare.c — the survey's whole population beside a published reference (the
 * national survey): the answer distribution as two 100% bars, or, when the chart names
 * `codes`, that indicator as two bars. A multiple answer (its options' shares add up to more
 * than 100%) is drawn as grouped bars instead, survey and reference side by side for each
 * option (or each of `codes`), in questionnaire order: a 100% bar or a sum of options would
 * be meaningless for it. The reference has no published interval, so it gets no whisker; the
 * survey gets one only for a single code or option. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"

#define SURVEY_LABEL TR("本調査")

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

/* A single choice's shares add up to 1 in the domain (its answer counts to n); a multiple
 * answer's are each of all respondents, so they add up to more (or its option counts do). */
static int is_multiple(const ts_tdomain *d)
{
    double sum = 0;
    long nsum = 0;
    int counts = 1;
    for (size_t k = 0; k < d->ncells; k++) {
        if (!d->cells[k].suppressed)
            sum += d->cells[k].estimate;
        if (d->cells[k].n_category < 0)
            counts = 0;
        else
            nsum += d->cells[k].n_category;
    }
    return sum > 1 + 1e-6 || (counts && nsum > d->n);
}

static double compare_grouped(ts_pen *p, const ts_chart *c, const ts_tdomain *d, ts_rect area, int dry, ts_err *err)
{
    const ts_reference *ref = c->reference;
    size_t nopt = c->ncodes ? c->ncodes : d->ncells;
    if (!c->ncodes && ref->ncodes != d->ncells) {
        ts_err_set(err, TS_E_DATA, "chart %s: the reference has %zu options, table %s has %zu", c->name, ref->ncodes,
                   c->table->id, d->ncells);
        return -1;
    }
    ts_valuerow *rows = calloc(2 * (nopt ? nopt : 1), sizeof *rows);
    if (!rows) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return -1;
    }
    ts_values v = {.rows = rows, .nrows = 2 * nopt, .wrap_labels = 1, .pairs = 1,
                   .series_label = {SURVEY_LABEL, ref->label}};
    for (size_t k = 0; k < nopt; k++) {
        const ts_tcell *cell = c->ncodes ? ts_tdomain_cell(d, c->codes[k]) : &d->cells[k];
        if (!cell) {
            ts_err_set(err, TS_E_DATA, "chart %s: code %s is not an option of table %s (line %lu)", c->name,
                       c->codes[k], c->table->id, d->line);
            free(rows);
            return -1;
        }
        ts_valuerow *s = &rows[2 * k], *r = &rows[2 * k + 1];
        s->label = cell->label;
        s->n = -1;
        s->suppressed = cell->suppressed;
        s->value = cell->estimate;
        s->lo = cell->ci_low;
        s->hi = cell->ci_high;
        r->label = ref->label;
        r->n = -1;
        r->lo = r->hi = NAN;
        r->series = 1;
        r->value = ts_reference_option_share(ref, cell->code);
        if (isnan(r->value)) {
            ts_err_set(err, TS_E_DATA, "chart %s: the reference has no answer for code %s (%s) of table %s", c->name,
                       cell->code, cell->label, c->table->id);
            free(rows);
            return -1;
        }
    }
    double h = ts_chart_indicator_body(p, &v, area, dry);
    free(rows);
    return h;
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
        ts_err_set(err, TS_E_DATA, TR("chart %s: table %s has no 全体 (whole population) rows"), c->name, c->table->id);
        return -1;
    }
    int multiple = is_multiple(d);
    double h = multiple ? compare_grouped(p, c, d, area, dry, err)
               : c->ncodes ? compare_indicator(p, c, d, area, dry, err)
                           : compare_stacked(p, c, d, area, dry, err);
    if (h < 0 || !dry)
        return h;
    int any_supp = 0, any_ci = 0;
    for (size_t k = 0; k < d->ncells; k++) {
        any_supp |= d->cells[k].suppressed;
        any_ci |= !isnan(d->cells[k].ci_low);
    }
    double level = (isnan(d->ci_level) ? 0.95 : d->ci_level) * 100;
    if (multiple)
        ts_notes_add(notes, TR("複数回答のため合計は100%%を超える。%s"), c->ncodes ? "" : TR("選択肢は調査票の順。"));
    else if (!c->ncodes)
        ts_notes_add(notes, TR("帯の中の数値は構成比（%%）。四捨五入のため合計が100%%にならないことがある。"));
    if (any_supp)
        ts_notes_add(notes, TR("＊%s回答者%ld人未満のため、または他の数値から逆算されないよう非表示。"), multiple ? " " : TR("（斜線）"), c->min_cell);
    ts_notes_add(notes, TR("本調査は%s（全体）。"), c->survey_title[0] ? c->survey_title : TR("この調査"));
    if (multiple)
        ts_notes_add(notes, TR("%sは公表値（%%）を無回答%.1f%%を除いた回答者に対する割合に換算。公表値がウェイト付けかは未確認%s%s。"),
                     c->reference->label, c->reference->no_answer * 100, c->reference->source[0] ? TR("。出典：") : "",
                     c->reference->source);
    else
        ts_notes_add(notes, TR("%sは公表値（%%）から無回答%.1f%%を除いて100%%に換算。公表値がウェイト付けかは未確認%s%s。"),
                     c->reference->label, c->reference->no_answer * 100, c->reference->source[0] ? TR("。出典：") : "",
                     c->reference->source);
    if (multiple && any_ci)
        ts_notes_add(notes, TR("ヒゲは本調査の%g%%信頼区間（全国値は区間の公表がない）。"), level);
    else if (c->ncodes && !multiple) {
        if (c->ncodes == 1)
            ts_notes_add(notes, TR("ヒゲは本調査の%g%%信頼区間（全国値は区間の公表がない）。"), level);
        else
            ts_notes_add(notes, TR("複数の回答の合計のため信頼区間は示していない。"));
    }
    ts_chart_common_notes(c, notes);
    return h;
}
