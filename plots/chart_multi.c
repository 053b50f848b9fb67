/* chart_multi.c — a multiple-answer item as horizontal bars sorted by share, largest first,
 * as the national report draws them; その他, 特にない, わからない and 無回答 stay at the end
 * (in grey) because they are not answers one ranks. Each option's interval is its own share's,
 * so whiskers are honest here. The whole population (全体) of the table is drawn. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "i18n.h"

static int is_residual(const char *label)
{
    const char *const words[] = {TR("その他"), TR("特にない"), TR("とくにない"), TR("わからない"), TR("無回答"), TR("あてはまるものはない")};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(label, words[i], strlen(words[i])) == 0)
            return 1;
    return 0;
}

/* Largest share first; suppressed options after the others; file order breaks ties. */
static int by_share(const void *a, const void *b)
{
    const ts_valuerow *x = a, *y = b;
    if (x->muted != y->muted)
        return x->muted - y->muted;
    if (x->muted)
        return x->series - y->series;
    double vx = x->suppressed ? -1 : x->value, vy = y->suppressed ? -1 : y->value;
    if (vx != vy)
        return vx > vy ? -1 : 1;
    return x->series - y->series;
}

double ts_chart_multi(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err)
{
    const ts_tdomain *d = ts_chart_total(c);
    if (!d) {
        ts_err_set(err, TS_E_DATA, TR("chart %s: table %s has no 全体 (whole population) rows"), c->name, c->table->id);
        return -1;
    }
    ts_values v = {.wrap_labels = 1};
    if (!(v.rows = calloc(d->ncells ? d->ncells : 1, sizeof *v.rows))) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return -1;
    }
    int any_supp = 0, any_ci = 0;
    for (size_t k = 0; k < d->ncells; k++) {
        const ts_tcell *cell = &d->cells[k];
        ts_valuerow *r = &v.rows[v.nrows++];
        r->label = cell->label;
        r->n = -1;
        r->value = cell->estimate;
        r->lo = cell->ci_low;
        r->hi = cell->ci_high;
        r->suppressed = cell->suppressed;
        r->muted = is_residual(cell->label);
        r->series = (int)k; /* file order, for the sort; the colour is the same for all */
        any_supp |= r->suppressed;
        any_ci |= !isnan(r->lo);
    }
    qsort(v.rows, v.nrows, sizeof *v.rows, by_share);
    for (size_t k = 0; k < v.nrows; k++)
        v.rows[k].series = 0;
    double h = ts_chart_indicator_body(p, &v, area, dry);
    if (dry) {
        ts_notes_add(notes, TR("複数回答のため合計は100%%を超える。割合の大きい順（「その他」「特にない」などは末尾）。"));
        if (any_ci)
            ts_notes_add(notes, TR("ヒゲは%g%%信頼区間。"), (isnan(d->ci_level) ? 0.95 : d->ci_level) * 100);
        if (any_supp)
            ts_notes_add(notes, TR("＊ %s%ld%s未満のため、または他の数値から逆算されないよう非表示。"), ts_chart_respondents(c),
                         c->min_cell, c->unit ? TR(c->unit) : TR("人"));
        ts_chart_common_notes(c, notes);
    }
    free(v.rows);
    return h;
}
