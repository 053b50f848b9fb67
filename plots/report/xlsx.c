/* xlsx.c — tables.xlsx: one formatted worksheet per table of tables.csv, with Japanese
 * headers and numbers stored as numbers (percentages with a 0.0 format, not text), written
 * with libxlsxwriter. A first sheet 概要 says what the workbook is.
 *
 * Same input, same bytes: libxlsxwriter stamps docProps/core.xml with the creation time, so
 * we give it a fixed one (SOURCE_DATE_EPOCH when set, else 2000-01-01, as the charts' PDFs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "privacy.h"
#include "regression.h"
#include "report.h"
#include "schema.h"
#include "strbuf.h"

static time_t fixed_time(void)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end == '\0' && v >= 0)
            return (time_t)v;
    }
    return (time_t)946684800; /* 2000-01-01T00:00:00Z */
}

/* A sheet name Excel accepts: at most 31 characters (ASCII ids are cut by bytes, others by
 * whole UTF-8 characters), none of []:*?/\, unique in the workbook. */
static void sheet_name(const char *id, char out[128], char used[][128], size_t nused)
{
    size_t o = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p && chars < 28;) {
        size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (o + len >= 100)
            break;
        if (strchr("[]:*?/\\", *p))
            out[o++] = '_', p++;
        else
            for (size_t i = 0; i < len && *p; i++)
                out[o++] = (char)*p++;
        chars++;
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, 128, "表");
    for (int k = 2;; k++) {
        int clash = 0;
        for (size_t i = 0; i < nused; i++)
            clash |= strcmp(used[i], out) == 0;
        if (!clash)
            return;
        char base[128];
        snprintf(base, sizeof base, "%.100s", out);
        char *tilde = strrchr(base, '~');
        if (tilde && k > 2)
            *tilde = '\0';
        snprintf(out, 128, "%.100s~%d", base, k);
    }
}

typedef struct fmts {
    lxw_format *title, *head, *text, *count, *pct, *se, *deff, *note, *num, *p;
    lxw_format *fixed[5];    /* #,##0 with 0..4 decimals: totals and means (rp_tab_decimals) */
} fmts;

static void write_num(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (s && *s) {
        double v = strtod(s, NULL);
        if (isfinite(v))
            worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
    }
}

static void write_pct(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f, int share)
{
    if (s && *s) {
        double v = strtod(s, NULL);
        if (isfinite(v))
            worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, share ? 100 * v : v, f);
    }
}

static void write_table(rp_ctx *c, lxw_worksheet *ws, const rp_tab *t, const fmts *F)
{
    const rp_csv *T = c->tables;
    char *title = rp_table_title(c, t);
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    double level = ts_schema_default_number("table.", "level"); /* unless tab recorded one */
    const char *ci_method = "";
    for (size_t r = t->first; r < t->first + t->count; r++)
        if (*rp_csv_get(T, r, "ci_level")) {
            level = strtod(rp_csv_get(T, r, "ci_level"), NULL);
            ci_method = rp_csv_get(T, r, "ci_method");
            break;
        }
    worksheet_write_string(ws, 0, 0, title, F->title);
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, "%s｜%s｜表ID %s｜信頼区間 %s 法", rp_get(c, "survey", "title", ""),
                     strcmp(rp_get(c, sec, "weighted", NULL), "no") == 0 ? "ウェイトなし（回答者数そのまま）"
                                                                           : "ウェイト付き推定",
                     t->id, *ci_method ? ci_method : "なし");
    worksheet_write_string(ws, 1, 0, b.data, F->note);
    ts_strbuf_reset(&b);
    char lo[64], hi[64];
    snprintf(lo, sizeof lo, "%g%%信頼区間 下限", 100 * level);
    snprintf(hi, sizeof hi, "%g%%信頼区間 上限", 100 * level);
    /* The estimate column says what the numbers are: a share in percent, a mean, a total;
     * totals and means are stored as numbers with a #,##0 format of their own decimals. */
    rp_stat kind = rp_tab_stat(c, t);
    int dec = rp_tab_decimals(c, t);
    lxw_format *vf = kind == RP_SHARE ? F->pct : F->fixed[dec];
    lxw_format *sf = kind == RP_SHARE ? F->se : F->fixed[dec];
    const char *est_head = kind == RP_MEAN       ? "平均値"
                           : kind == RP_TOTAL    ? "推定総数"
                           : kind == RP_QUANTILE ? "分位数"
                           : kind == RP_RATIO    ? "比"
                                                 : "割合(%)";
    const char *head[] = {"表", "区分", "回答", "n", "該当数", est_head, "標準誤差", lo, hi, "設計効果", "非表示"};
    const int ncol = (int)(sizeof head / sizeof head[0]);
    for (int i = 0; i < ncol; i++)
        worksheet_write_string(ws, 3, (lxw_col_t)i, head[i], F->head);
    int row = 4, any_suppressed = 0;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *stat = rp_csv_get(T, r, "statistic");
        if (strncmp(stat, "rao_scott", 9) == 0 || strcmp(stat, "difference") == 0) /* below */
            continue;
        int share = strcmp(stat, "share") == 0;
        int supp = strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0;
        worksheet_write_string(ws, (lxw_row_t)row, 0, t->id, F->text);
        worksheet_write_string(ws, (lxw_row_t)row, 1, rp_csv_get(T, r, "by_labels"), F->text);
        const char *label = share || strcmp(stat, "quantile") == 0 ? rp_csv_get(T, r, "label")
                            : strcmp(stat, "mean") == 0                   ? "平均"
                            : strcmp(stat, "ratio") == 0                  ? "比"
                                                                          : "合計";
        worksheet_write_string(ws, (lxw_row_t)row, 2, label, F->text);
        write_num(ws, row, 3, rp_csv_get(T, r, "n"), F->count);
        write_num(ws, row, 4, rp_csv_get(T, r, "n_category"), F->count);
        if (!supp) {
            write_pct(ws, row, 5, rp_csv_get(T, r, "estimate"), share ? F->pct : vf, share);
            write_pct(ws, row, 6, rp_csv_get(T, r, "se"), share ? F->se : sf, share);
            write_pct(ws, row, 7, rp_csv_get(T, r, "ci_low"), share ? F->pct : vf, share);
            write_pct(ws, row, 8, rp_csv_get(T, r, "ci_high"), share ? F->pct : vf, share);
            write_num(ws, row, 9, rp_csv_get(T, r, "deff"), F->deff);
        } else {
            worksheet_write_string(ws, (lxw_row_t)row, 10, "＊", F->text);
            any_suppressed = 1;
        }
        row++;
    }
    /* The Rao–Scott tests of association, under the table. */
    row++;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *stat = rp_csv_get(T, r, "statistic");
        if (strncmp(stat, "rao_scott", 9) != 0)
            continue;
        int f = strcmp(stat, "rao_scott_f") == 0;
        worksheet_write_string(ws, (lxw_row_t)row, 0,
                               f ? "Rao–Scott 検定（二次補正 F）" : "Rao–Scott 検定（一次補正 χ²）", F->text);
        worksheet_write_string(ws, (lxw_row_t)row, 1, f ? "F 値" : "χ² 値", F->text);
        write_num(ws, row, 2, rp_csv_get(T, r, "estimate"), F->deff);
        worksheet_write_string(ws, (lxw_row_t)row, 3, "p 値", F->text);
        write_num(ws, row, 4, rp_csv_get(T, r, "p_value"), F->p);
        worksheet_write_string(ws, (lxw_row_t)row, 5, "自由度", F->text);
        write_num(ws, row, 6, rp_csv_get(T, r, "df"), F->deff);
        write_num(ws, row, 7, rp_csv_get(T, r, "df2"), F->deff);
        row++;
    }
    /* The differences (statistic = difference: two domains, or now and the previous survey),
     * under the tests: a share's in percentage points as its estimates are in percent. */
    int diff_head = 0;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (strcmp(rp_csv_get(T, r, "statistic"), "difference") != 0)
            continue;
        if (!diff_head) {
            const char *dh[] = {"差", "区分", "回答", "差", "標準誤差", lo, hi, "p 値", "自由度", "非表示"};
            row++;
            for (int i = 0; i < (int)(sizeof dh / sizeof dh[0]); i++)
                worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i, dh[i], F->head);
            row++;
            diff_head = 1;
        }
        const char *code = rp_csv_get(T, r, "code");
        int share = *code && !strchr(code, '.');
        worksheet_write_string(ws, (lxw_row_t)row, 0, t->id, F->text);
        worksheet_write_string(ws, (lxw_row_t)row, 1, rp_csv_get(T, r, "by_labels"), F->text);
        worksheet_write_string(ws, (lxw_row_t)row, 2, rp_csv_get(T, r, "label"), F->text);
        if (strcmp(rp_csv_get(T, r, "suppressed"), "yes") != 0) {
            write_pct(ws, row, 3, rp_csv_get(T, r, "estimate"), share ? F->pct : vf, share);
            write_pct(ws, row, 4, rp_csv_get(T, r, "se"), share ? F->se : sf, share);
            write_pct(ws, row, 5, rp_csv_get(T, r, "ci_low"), share ? F->pct : vf, share);
            write_pct(ws, row, 6, rp_csv_get(T, r, "ci_high"), share ? F->pct : vf, share);
            write_num(ws, row, 7, rp_csv_get(T, r, "p_value"), F->p);
            write_num(ws, row, 8, rp_csv_get(T, r, "df"), F->deff);
        } else {
            worksheet_write_string(ws, (lxw_row_t)row, 9, "＊", F->text);
            any_suppressed = 1;
        }
        row++;
    }
    if (any_suppressed) {
        ts_strbuf_printf(&b, "＊ 回答者が %s 人未満のため、またはそのセルを他の数値から逆算できないようにするため、人数と推定値を示していません（空欄）。",
                         rp_get(c, "privacy", "min_cell", NULL));
        worksheet_write_string(ws, (lxw_row_t)row++, 0, b.data, F->note);
        ts_strbuf_reset(&b);
    }
    worksheet_write_string(ws, (lxw_row_t)row++, 0,
                           kind == RP_MEAN    ? "平均値・標準誤差・信頼区間は変数の単位。標準誤差はテイラー線形化による（方法は report.pdf 参照）。"
                           : kind == RP_TOTAL ? "推定総数（母集団の推定値）・標準誤差・信頼区間は人数または変数の合計。標準誤差はテイラー線形化による（方法は report.pdf 参照）。"
                           : kind == RP_QUANTILE ? "分位数・信頼区間は変数の単位。区間は Woodruff 法（分布関数の区間を分位数に戻す）、標準誤差は区間の幅から（R の svyquantile と同じ）。"
                           : kind == RP_RATIO ? "比（分子の合計 ÷ 分母の合計）・標準誤差・信頼区間。標準誤差はテイラー線形化による（方法は report.pdf 参照）。"
                                              : "割合・標準誤差・信頼区間はパーセント。標準誤差はテイラー線形化による（方法は report.pdf 参照）。",
                           F->note);
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
        worksheet_write_string(ws, (lxw_row_t)row++, 0, "合成データ：実際の調査結果ではありません。", F->note);
    worksheet_freeze_panes(ws, 4, 3);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 1, 14, NULL);
    worksheet_set_column(ws, 2, 2, 34, NULL);
    worksheet_set_column(ws, 3, 4, 8, NULL);
    /* A total of millions needs room: "20,313,812" is 10 characters. */
    worksheet_set_column(ws, 5, 6, kind == RP_SHARE ? 10 : 14, NULL);
    worksheet_set_column(ws, 7, 8, kind == RP_SHARE ? 17 : 18, NULL);
    worksheet_set_column(ws, 9, 10, 9, NULL);
    ts_strbuf_free(&b);
    free(title);
}

static void write_overview(rp_ctx *c, lxw_worksheet *ws, const fmts *F, char names[][128])
{
    int row = 0;
    worksheet_write_string(ws, (lxw_row_t)row++, 0, rp_get(c, "report", "title", rp_get(c, "survey", "title", "")),
                           F->title);
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
        worksheet_write_string(ws, (lxw_row_t)row++, 0,
                               rp_get(c, "report", "caveat", NULL), F->note);
    row++;
    const struct {
        const char *label, *sec, *key;
    } items[] = {{"調査", "survey", "title"},      {"調査期間", "survey", "period"},
                 {"調査方法", "survey", "mode"},   {"対象", "survey", "population"},
                 {"標本設計", "design", "type"},   {"ウェイト付け", "weighting", "method"},
                 {"調整に使った母集団数", "weighting", "margins"}};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        const char *v = rp_get(c, items[i].sec, items[i].key, "");
        if (strcmp(items[i].key, "type") == 0)
            v = ts_design_describe_ja(&c->design);
        if (strcmp(items[i].key, "method") == 0) /* the calibration weighted.tsd records */
            v = rp_method_ja(ts_calibration_name(c->design.calibration));
        worksheet_write_string(ws, (lxw_row_t)row, 0, items[i].label, F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, v, F->text);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, "回答数（読み込み）", F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_read, F->count);
    worksheet_write_string(ws, (lxw_row_t)row, 0, "うち検査で除外", F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_rejected, F->count);
    if (c->rows_blank) { /* not in 回答数（読み込み）: the rows with data */
        worksheet_write_string(ws, (lxw_row_t)row, 0, "すべて空欄で読み飛ばした行", F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_blank, F->count);
    }
    ts_strbuf src = TS_STRBUF_INIT;
    if (rp_sources_ja(c, &src)) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, "元データ", F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, src.data, F->text);
    }
    ts_strbuf_free(&src);
    if (rp_id_ja(c)) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, "回答者ID", F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, rp_id_ja(c), F->text);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, "ウェイト付けした回答者", F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->weighted_n, F->count);
    if (c->drawn > 0) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, "抽出数", F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->drawn, F->count);
        worksheet_write_string(ws, (lxw_row_t)row, 0, "回収率(%)", F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1,
                               100.0 * (double)(c->rows_read - c->rows_rejected) / (double)c->drawn, F->pct);
    }
    for (size_t k = 0; k < c->nrates; k++) { /* [design] drawn_frame: per domain */
        ts_strbuf lab = TS_STRBUF_INIT;
        ts_strbuf_printf(&lab, "回収率(%%)：%s %s（抽出 %ld、有効回答 %ld）", rp_varlabel(c, c->rates_var),
                         c->rates[k].label, c->rates[k].drawn, c->rates[k].answered);
        worksheet_write_string(ws, (lxw_row_t)row, 0, lab.data ? lab.data : "", F->head);
        if (c->rates[k].drawn > 0)
            worksheet_write_number(ws, (lxw_row_t)row, 1,
                                   100.0 * (double)c->rates[k].answered / (double)c->rates[k].drawn, F->pct);
        row++;
        ts_strbuf_free(&lab);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, "設計効果（ウェイト, Kish）", F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, c->deff, F->deff);
    worksheet_write_string(ws, (lxw_row_t)row, 0, "有効標本サイズ", F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, round(c->n_eff), F->count);
    long min_cell = -1; /* no suppression ([privacy] min_cell = 0) is said, as on the PDF's cover */
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, "秘匿", F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1,
                               "行っていません。回答者の少ないセルも、人数・推定値をすべて表示しています（[privacy] min_cell = 0）",
                               F->text);
    }
    row++;
    worksheet_write_string(ws, (lxw_row_t)row, 0, "シート", F->head);
    worksheet_write_string(ws, (lxw_row_t)row++, 1, "表", F->head);
    for (size_t i = 0; i < c->ntabs; i++) {
        char *title = rp_table_title(c, &c->tabs[i]);
        worksheet_write_string(ws, (lxw_row_t)row, 0, names[i], F->text);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, title ? title : c->tabs[i].id, F->text);
        free(title);
    }
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 1, 60, NULL);
}

ts_status rp_write_xlsx(rp_ctx *c, const char *path, ts_err *err)
{
    lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = "."};
    lxw_workbook *wb = workbook_new_opt(path, &wo);
    if (!wb)
        return ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create the workbook", path);
    lxw_doc_properties props = {.title = (char *)rp_get(c, "survey", "title", ""),
                                .author = "tsunagari-report",
                                .comments = "tsunagari-report " TS_VERSION,
                                .created = fixed_time()};
    workbook_set_properties(wb, &props);
    fmts F;
    F.title = workbook_add_format(wb);
    format_set_bold(F.title);
    format_set_font_size(F.title, 13);
    F.head = workbook_add_format(wb);
    format_set_bold(F.head);
    format_set_bg_color(F.head, 0xE8EEF4);
    format_set_bottom(F.head, LXW_BORDER_THIN);
    format_set_text_wrap(F.head);
    format_set_align(F.head, LXW_ALIGN_VERTICAL_CENTER);
    F.text = workbook_add_format(wb);
    F.count = workbook_add_format(wb);
    format_set_num_format(F.count, "#,##0");
    F.pct = workbook_add_format(wb);
    format_set_num_format(F.pct, "0.0");
    F.se = workbook_add_format(wb);
    format_set_num_format(F.se, "0.00");
    F.deff = workbook_add_format(wb);
    format_set_num_format(F.deff, "0.00");
    F.num = workbook_add_format(wb);
    format_set_num_format(F.num, "0.000");
    F.p = workbook_add_format(wb);
    format_set_num_format(F.p, "0.0000");
    static const char *const fixed[5] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"};
    for (int i = 0; i < 5; i++) {
        F.fixed[i] = workbook_add_format(wb);
        format_set_num_format(F.fixed[i], fixed[i]);
        format_set_font_name(F.fixed[i], "Noto Sans CJK JP");
    }
    F.note = workbook_add_format(wb);
    format_set_italic(F.note);
    format_set_font_color(F.note, 0x555555);
    const char *font = "Noto Sans CJK JP";
    lxw_format *all[] = {F.title, F.head, F.text, F.count, F.pct, F.se, F.deff, F.num, F.p, F.note};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        format_set_font_name(all[i], font);

    char (*names)[128] = calloc(c->ntabs + 1, sizeof *names);
    if (!names) {
        workbook_close(wb);
        remove(path);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    snprintf(names[c->ntabs], 128, "概要");
    lxw_worksheet *over = workbook_add_worksheet(wb, "概要");
    for (size_t i = 0; i < c->ntabs; i++)
        sheet_name(c->tabs[i].id, names[i], names, i);
    /* sheet_name checked only the earlier tables: 概要 is not an ASCII id, so no clash. */
    for (size_t i = 0; i < c->ntabs; i++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, names[i]);
        if (!ws) {
            ts_err_set(err, TS_E_INTERNAL, "%s: cannot add the sheet %s", path, names[i]);
            free(names);
            workbook_close(wb);
            remove(path);
            return TS_E_INTERNAL;
        }
        write_table(c, ws, &c->tabs[i], &F);
    }
    if (over)
        write_overview(c, over, &F, names);
    free(names);
    /* [model.NAME]: the regression sheet from tsunagari-model's models.csv (regression.c) */
    ts_status rst = rp_regression_xlsx(wb, "models.csv", err);
    if (rst != TS_OK) {
        workbook_close(wb);
        remove(path);
        return rst;
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        remove(path);
        return ts_err_set(err, TS_E_IO, "%s: %s", path, lxw_strerror(e));
    }
    return TS_OK;
}
