/* xlsx.c — tables.xlsx, written with libxlsxwriter: a cover sheet 概要 (what the workbook is,
 * with a link to every sheet), one cross-tab sheet per table of tables.csv as the report lays
 * it out (xlsx_crosstab.c), the long sheet `data` (tables.csv, numbers as numbers) and the
 * regression sheet (regression.c). Every sheet prints on A4, one page wide.
 *
 * Same input, same bytes: libxlsxwriter stamps docProps/core.xml with the creation time, so
 * we give it a fixed one (SOURCE_DATE_EPOCH when set, else 2000-01-01, as the charts' PDFs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "privacy.h"
#include "i18n.h"
#include "regression.h"
#include "report.h"
#include "schema.h"
#include "strbuf.h"
#include "xlsx.h"

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
        snprintf(out, 128, TR("表"));
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

typedef rp_xfmts fmts;

/* A link in column A of the cover, row ROW, to sheet NAME (its quotes doubled, as Excel's
 * references need). */
static void sheet_link(lxw_worksheet *ws, int row, const char *name, const fmts *F)
{
    char url[300];
    size_t o = (size_t)snprintf(url, sizeof url, "internal:'");
    for (const char *p = name; *p && o < sizeof url - 8; p++) {
        if (*p == '\'')
            url[o++] = '\'';
        url[o++] = *p;
    }
    snprintf(url + o, sizeof url - o, "'!A1");
    worksheet_write_url_opt(ws, (lxw_row_t)row, 0, url, F->link, name, NULL);
}

/* [input] counts (docs/counts.md): what was counted and how many, in place of the sample's
 * facts — no 回答数, weights or design. */
static void counts_overview(rp_ctx *c, lxw_worksheet *ws, const fmts *F, int *row)
{
    const struct {
        const char *label, *key;
    } items[] = {{TR("対象期間"), "period"}, {TR("対象"), "population"}, {TR("出典"), "source"}};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        worksheet_write_string(ws, (lxw_row_t)*row, 0, items[i].label, F->head);
        worksheet_write_string(ws, (lxw_row_t)(*row)++, 1, rp_get(c, "survey", items[i].key, ""), F->text);
    }
    worksheet_write_string(ws, (lxw_row_t)*row, 0, TR("データの種類"), F->head);
    worksheet_write_string(ws, (lxw_row_t)(*row)++, 1, TR("集計済みの件数（標本調査ではない：標準誤差・信頼区間・検定なし）"), F->text);
    worksheet_write_string(ws, (lxw_row_t)*row, 0, TR("件数のファイル"), F->head);
    worksheet_write_string(ws, (lxw_row_t)(*row)++, 1, ts_manifest_get(c->m, "input", "counts"), F->text);
    worksheet_write_string(ws, (lxw_row_t)*row, 0, TR("区分（行）"), F->head);
    worksheet_write_number(ws, (lxw_row_t)(*row)++, 1, (double)c->counts->nrows, F->count);
    if (c->ntabs && *rp_csv_get(c->tables, c->tabs[0].first, "n")) {
        worksheet_write_string(ws, (lxw_row_t)*row, 0, TR("合計（件）"), F->head);
        worksheet_write_number(ws, (lxw_row_t)(*row)++, 1, strtod(rp_csv_get(c->tables, c->tabs[0].first, "n"), NULL),
                               F->count);
    }
}

/* The overview's rows for a census (issue #16): the units, the numbers asked ([design] drawn,
 * drawn_frame) and answered, the response rates, and no suppression when min_cell = 0. */
static void write_census_overview(rp_ctx *c, lxw_worksheet *ws, const fmts *F, int *rowp)
{
    int row = *rowp;
    const char *unit = rp_unit_ja(c);
    char lab[200];
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("集計の単位"), F->head);
    worksheet_write_string(ws, (lxw_row_t)row++, 1, rp_organisations(c) ? TR("団体（1 団体 1 回答）") : TR("人（1 人 1 回答）"), F->text);
    snprintf(lab, sizeof lab, TR("回答%s数"), unit);
    worksheet_write_string(ws, (lxw_row_t)row, 0, lab, F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)(c->rows_read - c->rows_rejected), F->count);
    if (c->drawn > 0) {
        snprintf(lab, sizeof lab, TR("対象%s数"), unit);
        worksheet_write_string(ws, (lxw_row_t)row, 0, lab, F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->drawn, F->count);
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("回答率(%)"), F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1,
                               100.0 * (double)(c->rows_read - c->rows_rejected) / (double)c->drawn, F->pct);
    }
    for (size_t k = 0; k < c->nrates; k++) { /* [design] drawn_frame: the population per group */
        ts_strbuf l = TS_STRBUF_INIT;
        ts_strbuf_printf(&l, TR("回答率(%%)：%s（対象 %ld、回答 %ld）"), c->rates[k].label, c->rates[k].drawn,
                         c->rates[k].answered);
        worksheet_write_string(ws, (lxw_row_t)row, 0, l.data ? l.data : "", F->head);
        if (c->rates[k].drawn > 0)
            worksheet_write_number(ws, (lxw_row_t)row, 1,
                                   100.0 * (double)c->rates[k].answered / (double)c->rates[k].drawn, F->pct);
        row++;
        ts_strbuf_free(&l);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("集計"), F->head);
    worksheet_write_string(ws, (lxw_row_t)row++, 1, TR("全数調査：ウェイトなし、標本誤差なし（数と割合は回答そのもの）"), F->text);
    long min_cell = -1;
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("秘匿"), F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1,
                               rp_organisations(c) ? TR("行っていません。回答団体の少ないセルも、数・割合をすべて表示しています（[privacy] min_cell = 0）")
                                                   : TR("行っていません。回答者の少ないセルも、人数・割合をすべて表示しています（[privacy] min_cell = 0）"),
                               F->text);
    }
    *rowp = row;
}

static void write_overview(rp_ctx *c, lxw_worksheet *ws, const fmts *F, char names[][128], int regression)
{
    int row = 0;
    worksheet_write_string(ws, (lxw_row_t)row++, 0, rp_get(c, "report", "title", rp_get(c, "survey", "title", "")),
                           F->title);
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
        worksheet_write_string(ws, (lxw_row_t)row++, 0,
                               rp_get(c, "report", "caveat", NULL), F->note);
    row++;
    if (c->counts) {
        counts_overview(c, ws, F, &row);
        goto sheets;
    }
    const struct {
        const char *label, *sec, *key;
    } items[] = {{TR("調査"), "survey", "title"},      {TR("調査期間"), "survey", "period"},
                 {TR("調査方法"), "survey", "mode"},   {TR("対象"), "survey", "population"},
                 {TR("標本設計"), "design", "type"},   {TR("ウェイト付け"), "weighting", "method"},
                 {TR("調整に使った母集団数"), "weighting", "margins"}};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        const char *v = rp_get(c, items[i].sec, items[i].key, "");
        if (rp_census(c) && strcmp(items[i].sec, "weighting") == 0) /* a census is not weighted */
            continue;
        if (strcmp(items[i].key, "type") == 0)
            v = TR(ts_design_describe_ja(&c->design));
        if (strcmp(items[i].key, "method") == 0) /* the calibration weighted.tsd records */
            v = rp_method_ja(ts_calibration_name(c->design.calibration));
        worksheet_write_string(ws, (lxw_row_t)row, 0, items[i].label, F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, v, F->text);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("回答数（読み込み）"), F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_read, F->count);
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("うち検査で除外"), F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_rejected, F->count);
    if (c->rows_blank) { /* not in 回答数（読み込み）: the rows with data */
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("すべて空欄で読み飛ばした行"), F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->rows_blank, F->count);
    }
    ts_strbuf src = TS_STRBUF_INIT;
    if (rp_sources_ja(c, &src)) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("元データ"), F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, src.data, F->text);
    }
    ts_strbuf_free(&src);
    if (rp_id_ja(c)) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("回答者ID"), F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, rp_id_ja(c), F->text);
    }
    if (rp_census(c)) { /* a census: the units asked and answered, no weights */
        write_census_overview(c, ws, F, &row);
        goto sheets;
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("ウェイト付けした回答者"), F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->weighted_n, F->count);
    if (c->drawn > 0) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("抽出数"), F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1, (double)c->drawn, F->count);
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("回収率(%)"), F->head);
        worksheet_write_number(ws, (lxw_row_t)row++, 1,
                               100.0 * (double)(c->rows_read - c->rows_rejected) / (double)c->drawn, F->pct);
    }
    for (size_t k = 0; k < c->nrates; k++) { /* [design] drawn_frame: per domain */
        ts_strbuf lab = TS_STRBUF_INIT;
        ts_strbuf_printf(&lab, TR("回収率(%%)：%s %s（抽出 %ld、有効回答 %ld）"), rp_varlabel(c, c->rates_var),
                         c->rates[k].label, c->rates[k].drawn, c->rates[k].answered);
        worksheet_write_string(ws, (lxw_row_t)row, 0, lab.data ? lab.data : "", F->head);
        if (c->rates[k].drawn > 0)
            worksheet_write_number(ws, (lxw_row_t)row, 1,
                                   100.0 * (double)c->rates[k].answered / (double)c->rates[k].drawn, F->pct);
        row++;
        ts_strbuf_free(&lab);
    }
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("設計効果（ウェイト, Kish）"), F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, c->deff, F->deff);
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("有効標本サイズ"), F->head);
    worksheet_write_number(ws, (lxw_row_t)row++, 1, round(c->n_eff), F->count);
    long min_cell = -1; /* no suppression ([privacy] min_cell = 0) is said, as on the PDF's cover */
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, TR("秘匿"), F->head);
        worksheet_write_string(ws, (lxw_row_t)row++, 1,
                               TR("行っていません。回答者の少ないセルも、人数・推定値をすべて表示しています（[privacy] min_cell = 0）"),
                               F->text);
    }
sheets:
    row++;
    worksheet_write_string(ws, (lxw_row_t)row, 0, TR("シート"), F->head);
    worksheet_write_string(ws, (lxw_row_t)row++, 1, TR("内容"), F->head);
    for (size_t i = 0; i < c->ntabs; i++) {
        char *title = rp_table_title(c, &c->tabs[i]);
        sheet_link(ws, row, names[i], F);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, title ? title : c->tabs[i].id, F->wrap);
        free(title);
    }
    sheet_link(ws, row, "data", F);
    worksheet_write_string(ws, (lxw_row_t)row++, 1,
                           c->counts ? TR("すべての件数と割合を1行1区分で（tables.csv と同じ内容）")
                           : rp_census(c) ? "すべての数と割合を1行ずつ（tables.csv と同じ内容）"
                                     : TR("全推定値を1行ずつ、標準誤差・設計効果も（tables.csv と同じ内容）"), F->wrap);
    if (regression) {
        sheet_link(ws, row, TR("回帰分析"), F);
        worksheet_write_string(ws, (lxw_row_t)row++, 1, TR("回帰分析（models.csv の係数・オッズ比）"), F->wrap);
    }
    /* Labels and values side by side on one portrait page: the pairs never part. */
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 1, 64, NULL);
    rp_xlsx_print_setup(ws, 90, row, -1, -1, rp_get(c, "survey", "title", ""), NULL);
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
    format_set_align(F.count, LXW_ALIGN_LEFT);
    F.n = workbook_add_format(wb);
    format_set_num_format(F.n, "#,##0");
    F.pct = workbook_add_format(wb);
    format_set_num_format(F.pct, "0.0");
    format_set_align(F.pct, LXW_ALIGN_LEFT);
    F.se = workbook_add_format(wb);
    format_set_num_format(F.se, "0.00");
    F.deff = workbook_add_format(wb);
    format_set_num_format(F.deff, "0.00");
    format_set_align(F.deff, LXW_ALIGN_LEFT);
    F.num = workbook_add_format(wb);
    format_set_num_format(F.num, "0.000");
    F.p = workbook_add_format(wb);
    format_set_num_format(F.p, "0.0000");
    static const char *const fixed[5] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"};
    for (int i = 0; i < 5; i++) {
        F.fixed[i] = workbook_add_format(wb);
        format_set_num_format(F.fixed[i], fixed[i]);
        format_set_align(F.fixed[i], LXW_ALIGN_CENTER);
        format_set_font_name(F.fixed[i], "Noto Sans CJK JP");
    }
    F.note = workbook_add_format(wb);
    format_set_italic(F.note);
    format_set_font_color(F.note, 0x555555);
    F.share = workbook_add_format(wb);
    format_set_num_format(F.share, "0.0%");
    format_set_align(F.share, LXW_ALIGN_CENTER);
    F.share_diff = workbook_add_format(wb);
    format_set_num_format(F.share_diff, "+0.0%;-0.0%;0.0%");
    format_set_align(F.share_diff, LXW_ALIGN_CENTER);
    static const char *const fixed_diff[5] = {"+#,##0;-#,##0;0", "+#,##0.0;-#,##0.0;0.0", "+#,##0.00;-#,##0.00;0.00",
                                              "+#,##0.000;-#,##0.000;0.000", "+#,##0.0000;-#,##0.0000;0.0000"};
    for (int i = 0; i < 5; i++) {
        F.fixed_diff[i] = workbook_add_format(wb);
        format_set_num_format(F.fixed_diff[i], fixed_diff[i]);
        format_set_align(F.fixed_diff[i], LXW_ALIGN_CENTER);
    }
    F.rowhead = workbook_add_format(wb);
    format_set_bold(F.rowhead);
    F.colhead = workbook_add_format(wb);
    format_set_bold(F.colhead);
    format_set_bg_color(F.colhead, 0xE8EEF4);
    format_set_bottom(F.colhead, LXW_BORDER_THIN);
    format_set_text_wrap(F.colhead);
    format_set_align(F.colhead, LXW_ALIGN_CENTER);
    format_set_align(F.colhead, LXW_ALIGN_VERTICAL_CENTER);
    F.cell_text = workbook_add_format(wb);
    format_set_align(F.cell_text, LXW_ALIGN_CENTER);
    F.ci = workbook_add_format(wb);
    format_set_font_size(F.ci, 8);
    format_set_font_color(F.ci, 0x666666);
    format_set_align(F.ci, LXW_ALIGN_CENTER);
    F.link = workbook_add_format(wb);
    format_set_underline(F.link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(F.link, 0x1F4E9A);
    F.wrap = workbook_add_format(wb);
    format_set_text_wrap(F.wrap);
    const char *font = "Noto Sans CJK JP";
    lxw_format *all[] = {F.n, F.title,   F.head,       F.text,    F.count,   F.pct,     F.se,        F.deff,
                         F.num,     F.p,          F.note,    F.share,   F.share_diff, F.rowhead, F.colhead,
                         F.cell_text, F.ci,       F.link,    F.wrap};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        format_set_font_name(all[i], font);
    for (int i = 0; i < 5; i++)
        format_set_font_name(F.fixed_diff[i], font);

    /* Sheet names: the cover, data and 回帰分析 first, so that no table's id can take them. */
    enum { RESERVED = 3 };
    char (*names)[128] = calloc(c->ntabs + RESERVED, sizeof *names);
    if (!names) {
        workbook_close(wb);
        remove(path);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    snprintf(names[0], 128, TR("概要"));
    snprintf(names[1], 128, "data");
    snprintf(names[2], 128, TR("回帰分析"));
    for (size_t i = 0; i < c->ntabs; i++)
        sheet_name(c->tabs[i].id, names[RESERVED + i], names, RESERVED + i);
    const char *ci_opt = c->opt->xlsx_ci ? c->opt->xlsx_ci : rp_get(c, "report", "xlsx_ci", NULL);
    rp_xlsx_ci ci = strcmp(ci_opt, "block") == 0 ? RP_XLSX_CI_BLOCK : RP_XLSX_CI_UNDER;
    lxw_worksheet *over = workbook_add_worksheet(wb, names[0]);
    for (size_t i = 0; i < c->ntabs; i++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, names[RESERVED + i]);
        if (!ws) {
            ts_err_set(err, TS_E_INTERNAL, "%s: cannot add the sheet %s", path, names[RESERVED + i]);
            free(names);
            workbook_close(wb);
            remove(path);
            return TS_E_INTERNAL;
        }
        if (c->counts) /* [input] counts: counts and shares, no interval (xlsx_counts.c) */
            rp_xlsx_counts(c, ws, &c->tabs[i], &F);
        else
            rp_xlsx_crosstab(c, ws, &c->tabs[i], &F, ci);
    }
    lxw_worksheet *data = workbook_add_worksheet(wb, names[1]);
    if (data)
        rp_xlsx_data(c, data, &F);
    if (over)
        write_overview(c, over, &F, names + RESERVED, access("models.csv", R_OK) == 0);
    free(names);
    /* [model.NAME]: the regression sheet from tsunagari-model's models.csv (regression.c) */
    ts_status rst = rp_regression_xlsx(wb, "models.csv", err);
    if (rst != TS_OK) {
        workbook_close(wb);
        remove(path);
        return rst;
    }
    lxw_worksheet *reg = workbook_get_worksheet_by_name(wb, TR("回帰分析"));
    if (reg) /* its columns (variable, level, coefficient, SE, odds ratio, interval, p, n) are wide */
        rp_xlsx_print_setup(reg, 140, 40, -1, -1, TR("回帰分析"), rp_get(c, "survey", "title", ""));
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        remove(path);
        return ts_err_set(err, TS_E_IO, "%s: %s", path, lxw_strerror(e));
    }
    return TS_OK;
}
