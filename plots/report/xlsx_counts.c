/* xlsx_counts.c — a counts table's sheet of tables.xlsx ([input] counts, docs/counts.md): the
 * categories down, for 全体 and each domain two columns, 件数 (the counts, whole numbers with
 * separators) and 割合 (of the column's total, 0.0%), the total last; ＊ for a withheld count.
 * No interval, no n of respondents: the counts are exact counted cases. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xlsx.h"

enum { MAXD = 201, MAXC = 200 }; /* 全体 and up to 200 domains, as tsunagari-tab --counts allows */

void rp_xlsx_counts(rp_ctx *c, lxw_worksheet *ws, const rp_tab *t, const rp_xfmts *F)
{
    const rp_csv *T = c->tables;
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    const char *var = rp_get(c, sec, "var", t->id);
    const char *dom[MAXD], *cat[MAXC];
    size_t nd, nc;
    rp_counts_axes(c, t, dom, MAXD, &nd, cat, MAXC, &nc);
    char *title = rp_table_title(c, t);
    worksheet_write_string(ws, 0, 0, title ? title : t->id, F->title);
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, TR("件数と割合（%%）｜集計済みの件数（標本調査ではないため標本誤差なし）｜表ID %s"), t->id);
    worksheet_write_string(ws, 1, 0, b.data, F->note);
    ts_strbuf_reset(&b);
    lxw_row_t head = 3;
    worksheet_write_string(ws, head, 0, rp_varlabel(c, var), F->colhead);
    for (size_t d = 0; d < nd; d++) {
        ts_strbuf_printf(&b, TR("%s 件数"), dom[d]);
        worksheet_write_string(ws, head, (lxw_col_t)(1 + 2 * d), b.data, F->colhead);
        ts_strbuf_reset(&b);
        ts_strbuf_printf(&b, TR("%s 割合"), dom[d]);
        worksheet_write_string(ws, head, (lxw_col_t)(2 + 2 * d), b.data, F->colhead);
        ts_strbuf_reset(&b);
    }
    int any_supp = 0;
    lxw_row_t row = head + 1;
    for (size_t k = 0; k <= nc; k++, row++) {
        worksheet_write_string(ws, row, 0, k < nc ? cat[k] : TR("合計"), F->rowhead);
        for (size_t d = 0; d < nd; d++)
            for (size_t r = t->first; r < t->first + t->count; r++) {
                if (strcmp(rp_csv_get(T, r, "by_labels"), dom[d]) != 0)
                    continue;
                lxw_col_t col = (lxw_col_t)(1 + 2 * d);
                if (k == nc) { /* the domain's total */
                    const char *n = rp_csv_get(T, r, "n");
                    if (*n) {
                        worksheet_write_number(ws, row, col, strtod(n, NULL), F->n);
                        worksheet_write_number(ws, row, col + 1, 1, F->share);
                    } else {
                        worksheet_write_string(ws, row, col, TR("＊"), F->cell_text);
                        any_supp = 1;
                    }
                    break;
                }
                if (strcmp(rp_csv_get(T, r, "label"), cat[k]) != 0)
                    continue;
                if (strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0) {
                    worksheet_write_string(ws, row, col, TR("＊"), F->cell_text);
                    worksheet_write_string(ws, row, col + 1, TR("＊"), F->cell_text);
                    any_supp = 1;
                } else {
                    worksheet_write_number(ws, row, col, strtod(rp_csv_get(T, r, "n_category"), NULL), F->n);
                    if (*rp_csv_get(T, r, "estimate"))
                        worksheet_write_number(ws, row, col + 1, strtod(rp_csv_get(T, r, "estimate"), NULL), F->share);
                }
                break;
            }
    }
    row++;
    worksheet_write_string(ws, row++, 0, TR("割合は列の合計件数に対する割合（セルの値は比率で、表示が % です）。"), F->note);
    if (any_supp) {
        ts_strbuf_printf(&b, TR("＊ 1～%ld 件の区分と、合計から逆算できてしまう区分は示していません。"),
                         atol(rp_get(c, "privacy", "min_cell", NULL)) - 1);
        worksheet_write_string(ws, row++, 0, b.data, F->note);
        ts_strbuf_reset(&b);
    }
    ts_strbuf_printf(&b, TR("出典：%s"), rp_get(c, "survey", "title", ""));
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
        ts_strbuf_append_str(&b, TR("（合成データ：実際の統計ではありません）"));
    worksheet_write_string(ws, row++, 0, b.data, F->note);
    ts_strbuf_free(&b);
    worksheet_set_column(ws, 0, 0, 18, NULL);
    if (nd)
        worksheet_set_column(ws, 1, (lxw_col_t)(2 * nd), 12, NULL);
    worksheet_freeze_panes(ws, head + 1, 1);
    rp_xlsx_print_setup(ws, 18 + 24.0 * (double)nd, (long)row, (int)head, (int)head, title ? title : t->id,
                        rp_get(c, "survey", "title", ""));
    free(title);
}
