/* regression.c — see regression.h. One block per model, in models.csv's order: a heading
 * (the model, its family, n, df), then per predictor a line with its Wald F test and a line per
 * level — the reference level marked 基準 — with the coefficient, its SE, the odds ratio and its
 * interval (logistic) or the coefficient's interval (linear), p and the level's n. The numbers
 * are models.csv's, unrounded (the cell formats show 2–4 decimals). */
#include "regression.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "csvtable.h"
#include "i18n.h"
#include "numparse.h"
#include "strbuf.h"

static double num(const char *s)
{
    double x;
    return s && *s && ts_parse_double(s, strlen(s), &x) == 0 ? x : NAN;
}

static void put(lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (!isnan(v))
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
}

ts_status rp_regression_xlsx(lxw_workbook *wb, const char *models_csv, ts_err *err)
{
    if (access(models_csv, R_OK) != 0)
        return TS_OK;
    ts_csvtable_opts opt = {.keep_rows = 1, .max_rows = 1000000};
    ts_csvtable *t = ts_csvtable_read(models_csv, TS_ENC_UTF8, &opt, err);
    if (!t)
        return err->status;
    if (ts_csvtable_col(t, "statistic") < 0 || ts_csvtable_col(t, "level_n") < 0) {
        ts_csvtable_free(t);
        return ts_err_set(err, TS_E_DATA, "%s: not a models.csv of tsunagari-model", models_csv);
    }
    const char *font = "Noto Sans CJK JP";
    lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb), *text = workbook_add_format(wb),
               *bold = workbook_add_format(wb), *f2 = workbook_add_format(wb), *f4 = workbook_add_format(wb),
               *pf = workbook_add_format(wb), *cnt = workbook_add_format(wb), *note = workbook_add_format(wb),
               *star = workbook_add_format(wb), *headnum = workbook_add_format(wb);
    lxw_format *all[] = {title, head, text, bold, f2, f4, pf, cnt, note, star, headnum};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        format_set_font_name(all[i], font);
    format_set_bold(title);
    format_set_font_size(title, 13);
    format_set_bold(head);
    format_set_bg_color(head, 0xE8EEF4);
    format_set_bottom(head, LXW_BORDER_THIN);
    format_set_bold(headnum); /* the numbers' headings stand over them, on the right */
    format_set_bg_color(headnum, 0xE8EEF4);
    format_set_bottom(headnum, LXW_BORDER_THIN);
    format_set_align(headnum, LXW_ALIGN_RIGHT);
    format_set_bold(bold);
    format_set_num_format(f2, "0.00");
    format_set_num_format(f4, "0.0000");
    format_set_num_format(pf, "0.000");
    format_set_num_format(cnt, "#,##0");
    format_set_align(star, LXW_ALIGN_RIGHT); /* ＊ where a number would stand, aligned as one */
    format_set_italic(note);
    format_set_font_color(note, 0x555555);
    lxw_worksheet *ws = workbook_add_worksheet(wb, TR("回帰分析"));
    if (!ws) {
        ts_csvtable_free(t);
        return ts_err_set(err, TS_E_INTERNAL, TR("tables.xlsx: cannot add the sheet 回帰分析"));
    }
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
    worksheet_set_column(ws, 2, 9, 11, NULL);
    worksheet_write_string(ws, 0, 0, TR("回帰分析（tsunagari-model: R survey の svyglm に等しい）"), title);
    worksheet_write_string(ws, 1, 0,
                           TR("係数・標準誤差はデザインに基づく推定。ロジスティック回帰はオッズ比と信頼区間（基準カテゴリー＝1）。"
                           "p値は自由度（PSU数−層数＋1−係数の数）の t 検定、変数ごとの F は Wald 検定（regTermTest）。"),
                           note);
    const char *const cols[] = {TR("変数"), TR("カテゴリー"), TR("係数"), TR("標準誤差"), TR("オッズ比"), TR("下限"), TR("上限"), TR("p値"), "n"};
    int row = 3, any_hidden = 0;
    const char *cur = NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *model = ts_csvtable_get(t, r, "model"), *stat = ts_csvtable_get(t, r, "statistic");
        const char *term = ts_csvtable_get(t, r, "term"), *tl = ts_csvtable_get(t, r, "term_label");
        int logit = strcmp(ts_csvtable_get(t, r, "family"), "logistic") == 0;
        if (!cur || strcmp(cur, model) != 0) {
            cur = model;
            ts_strbuf h = TS_STRBUF_INIT;
            const char *mt = ts_csvtable_get(t, r, "model_title"), *nn = ts_csvtable_get(t, r, "n"), *df = "";
            for (size_t q = r; q < t->nrows && !*df && strcmp(ts_csvtable_get(t, q, "model"), model) == 0; q++)
                if (strcmp(ts_csvtable_get(t, q, "statistic"), "coefficient") == 0)
                    df = ts_csvtable_get(t, q, "df");
            ts_strbuf_printf(&h, TR("%s%s（%s、n = %s、自由度 %s、%g%%信頼区間）"), *mt ? "" : TR("モデル "), *mt ? mt : model,
                             logit ? TR("ロジスティック回帰") : TR("線形回帰"), *nn ? nn : TR("＊"), *df ? df : TR("＊"),
                             round(1000 * num(ts_csvtable_get(t, r, "ci_level"))) / 10);
            row++;
            worksheet_write_string(ws, (lxw_row_t)row++, 0, h.data ? h.data : model, bold);
            ts_strbuf_free(&h);
            for (int c = 0; c < 9; c++)
                worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, cols[c], c >= 2 ? headnum : head);
            row++;
        }
        const char *name = strcmp(term, "(Intercept)") == 0 ? TR("（切片）") : *tl ? tl : term;
        int supp = strcmp(ts_csvtable_get(t, r, "suppressed"), "yes") == 0, why = *ts_csvtable_get(t, r, "suppression");
        any_hidden |= supp || why;
        if (strcmp(stat, "wald_f") == 0) {
            ts_strbuf h = TS_STRBUF_INIT;
            if (supp)
                ts_strbuf_append_str(&h, TR("F = ＊"));
            else
                ts_strbuf_printf(&h, TR("F = %.2f（%s, %s）、p = %.3f"), num(ts_csvtable_get(t, r, "estimate")),
                                 ts_csvtable_get(t, r, "df"), ts_csvtable_get(t, r, "df2"),
                                 num(ts_csvtable_get(t, r, "p_value")));
            worksheet_write_string(ws, (lxw_row_t)row++, 1, h.data ? h.data : "", note);
            ts_strbuf_free(&h);
            continue;
        }
        if (strcmp(stat, "wald_chisq") == 0)
            continue;
        int ref = strcmp(stat, "reference") == 0;
        if (ref || !*ts_csvtable_get(t, r, "level"))
            worksheet_write_string(ws, (lxw_row_t)row, 0, name, text);
        if (*ts_csvtable_get(t, r, "level")) {
            ts_strbuf l = TS_STRBUF_INIT;
            ts_strbuf_printf(&l, "%s%s", ts_csvtable_get(t, r, "label"), ref ? TR("（基準）") : "");
            worksheet_write_string(ws, (lxw_row_t)row, 1, l.data ? l.data : "", text);
            ts_strbuf_free(&l);
        }
        if (supp) /* withheld by [privacy] min_cell: ＊ where the numbers would be */
            worksheet_write_string(ws, (lxw_row_t)row, 2, TR("＊"), star);
        if (*ts_csvtable_get(t, r, "level") && !*ts_csvtable_get(t, r, "level_n"))
            worksheet_write_string(ws, (lxw_row_t)row, 8, TR("＊"), star);
        put(ws, row, 2, num(ts_csvtable_get(t, r, "estimate")), f4);
        put(ws, row, 3, num(ts_csvtable_get(t, r, "se")), f4);
        put(ws, row, 4, num(ts_csvtable_get(t, r, "odds_ratio")), f2);
        put(ws, row, 5, num(ts_csvtable_get(t, r, logit ? "or_low" : "ci_low")), logit ? f2 : f4);
        put(ws, row, 6, num(ts_csvtable_get(t, r, logit ? "or_high" : "ci_high")), logit ? f2 : f4);
        put(ws, row, 7, num(ts_csvtable_get(t, r, "p_value")), pf);
        put(ws, row, 8, num(ts_csvtable_get(t, r, "level_n")), cnt);
        row++;
    }
    if (any_hidden)
        worksheet_write_string(ws, (lxw_row_t)row + 1, 0,
                               TR("＊ 回答者の少ない（[privacy] min_cell 人未満の）カテゴリー、またはその人数・係数が他の数値から逆算されないよう"
                               "非表示（表と同じ規則）。"),
                               note);
    ts_csvtable_free(t);
    return TS_OK;
}
