/* model.c — what the report is made of: the stage outputs read back into memory (tables.csv,
 * weighting-report.csv as rp_csv), and the names the pages and sheets print. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "csvwrite.h"
#include "i18n.h"
#include "report.h"
#include "numformat.h"
#include "numparse.h"
#include "schema.h"
#include "strbuf.h"

/* The tables of a survey are small (hundreds of rows); this only guards against a wrong file. */
enum { MAX_ROWS = 1000000, MAX_COLS = 200 };

void rp_csv_free(rp_csv *c)
{
    ts_csvtable_free(c);
}

static ts_status check_header(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    (void)rec;
    if (t->ncols > MAX_COLS)
        return ts_err_set(err, TS_E_DATA, "%s:1: more than %d columns", (const char *)ctx, MAX_COLS);
    return TS_OK;
}

rp_csv *rp_csv_read(const char *path, ts_err *err)
{
    ts_csvtable_opts opt = {.max_rows = MAX_ROWS, .keep_rows = 1, .on_header = check_header, .ctx = (void *)path};
    ts_csvtable *t = ts_csvtable_read(path, TS_ENC_UTF8, &opt, err);
    if (t && !t->head) {
        ts_err_set(err, TS_E_DATA, "%s: empty file", path);
        ts_csvtable_free(t);
        return NULL;
    }
    /* Text cells as the stages had them: without the single quote tsunagari-tab puts before a
     * label a spreadsheet would run as a formula (lib/csvwrite), so that the PDF and the xlsx
     * (whose cells are strings, never formulas) show the label itself. */
    for (size_t r = 0; t && r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            char *f = t->rows[r][c];
            size_t n = strlen(f), k = ts_csv_quote_prefix(f, n);
            memmove(f, f + k, n - k + 1);
        }
    return t;
}

long rp_csv_col(const rp_csv *c, const char *name)
{
    return ts_csvtable_col(c, name);
}

const char *rp_csv_get(const rp_csv *c, size_t r, const char *name)
{
    return ts_csvtable_get(c, r, name);
}

const char *rp_prov(const rp_ctx *c, const char *key)
{
    for (size_t i = 0; i < c->nprov; i++)
        if (strcmp(c->prov[i].key, key) == 0)
            return c->prov[i].value;
    return NULL;
}

const char *rp_varlabel(const rp_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nvarlabel; i++)
        if (strcmp(c->varlabel[i].key, name) == 0)
            return c->varlabel[i].value;
    return name;
}

const char *rp_get(const rp_ctx *c, const char *sec, const char *key, const char *fallback)
{
    if (ts_i18n_lang() == TS_LANG_EN) { /* title_en beside title; the fixed fallback's English */
        const char *v = ts_i18n_get(c->m, sec, key);
        return v && *v ? v : ts_tr(fallback);
    }
    const char *v = ts_schema_get(c->m, sec, key);
    return v && *v ? v : fallback;
}

int rp_microdata_wants(const rp_ctx *c, const char *format)
{
    for (const char *p = rp_get(c, "report", "microdata_formats", NULL); p && *p;) {
        const char *e = strchr(p, ',');
        const char *a = p;
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ts_trim(&a, &len);
        if (len == strlen(format) && strncmp(a, format, len) == 0)
            return 1;
        p = e ? e + 1 : a + len;
    }
    return 0;
}

rp_tab *rp_find_tab(rp_ctx *c, const char *id)
{
    for (size_t i = 0; i < c->ntabs; i++)
        if (strcmp(c->tabs[i].id, id) == 0)
            return &c->tabs[i];
    return NULL;
}

/* A variable label up to its first ':' or '：' (the question text follows it). */
void rp_counts_axes(const rp_ctx *c, const rp_tab *t, const char **dom, size_t maxd, size_t *nd, const char **cat,
                    size_t maxc, size_t *nc)
{
    const rp_csv *T = c->tables;
    *nd = *nc = 0;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *d = rp_csv_get(T, r, "by_labels"), *k = rp_csv_get(T, r, "label");
        if ((*nd == 0 || strcmp(dom[*nd - 1], d) != 0) && *nd < maxd)
            dom[(*nd)++] = d;
        int seen = 0;
        for (size_t i = 0; i < *nc && !seen; i++)
            seen = strcmp(cat[i], k) == 0;
        if (!seen && *nc < maxc)
            cat[(*nc)++] = k;
    }
}

static void short_label(ts_strbuf *b, const char *label)
{
    const char *colon = strstr(label, ": ");
    const char *wide = strstr(label, "：");
    const char *end = colon && (!wide || colon < wide) ? colon : wide;
    ts_strbuf_append(b, label, end ? (size_t)(end - label) : strlen(label));
}

char *rp_table_title(const rp_ctx *c, const rp_tab *t)
{
    ts_strbuf b = TS_STRBUF_INIT;
    char sec[300];
    snprintf(sec, sizeof sec, "table.%s", t->id);
    const char *var = rp_get(c, sec, "var", t->id);
    const char *by = rp_get(c, sec, "by", NULL);
    if (c->counts) { /* docs/counts.md: what was counted, by what — 相談件数（年代別） */
        const char *count = rp_get(c, sec, "count", c->counts->ncols ? c->counts->col[c->counts->ncols - 1] : var);
        ts_strbuf_printf(&b, TR("%s（%s別%s%s）"), rp_varlabel(c, count), rp_varlabel(c, var), by ? TR("・") : "",
                         by ? rp_varlabel(c, by) : "");
        return ts_strbuf_take(&b);
    }
    short_label(&b, rp_varlabel(c, var));
    if (by) {
        char **items = NULL;
        long n = ts_manifest_split_list(by, &items);
        for (long i = 0; i < n; i++) {
            ts_strbuf_append_str(&b, " × ");
            short_label(&b, rp_varlabel(c, items[i]));
        }
        if (n > 0)
            ts_manifest_free_list(items, (size_t)n);
    }
    const char *w = rp_get(c, sec, "weighted", NULL);
    if (strcmp(w, "no") == 0)
        ts_strbuf_append_str(&b, TR("（ウェイトなし）"));
    return ts_strbuf_take(&b);
}

int rp_sources_ja(const rp_ctx *c, ts_strbuf *b)
{
    long k = rp_prov(c, "source.files") ? atol(rp_prov(c, "source.files")) : 0;
    if (k < 1)
        return 0;
    ts_strbuf_printf(b, TR("%ld ファイルを1つのデータとして集計（"), k);
    for (long f = 1; f <= k; f++) {
        char key[48], n1[64];
        long count[3] = {0, 0, 0};
        static const char *const what[3] = {"rows_read", "rows_rejected", "rows_blank"};
        for (int i = 0; i < 3; i++) {
            snprintf(key, sizeof key, "source.%ld.%s", f, what[i]);
            count[i] = rp_prov(c, key) ? atol(rp_prov(c, key)) : 0;
        }
        snprintf(key, sizeof key, "source.%ld.label", f);
        ts_numformat_grouped((double)(count[0] - count[1] - count[2]), 0, n1, sizeof n1);
        ts_strbuf_printf(b, TR("%s%s 有効回答 %s 件"), f > 1 ? TR("、") : "", rp_prov(c, key) ? rp_prov(c, key) : "?", n1);
    }
    ts_strbuf_printf(b, TR("）。変数 %s が回答のファイルを示します"),
                     rp_prov(c, "source.variable") ? rp_prov(c, "source.variable") : "source");
    return 1;
}

int rp_embedded_codebook(const ts_manifest *m, char **derived)
{
    *derived = NULL;
    const char *v = ts_manifest_get(m, "input", "codebook");
    if (!v || strncmp(v, "embedded", 8) != 0 || (v[8] && v[8] != ',' && v[8] != ' '))
        return 0;
    const char *extra = strchr(v, ',');
    if (extra) {
        const char *a = extra + 1;
        size_t len = strlen(a);
        ts_trim(&a, &len);
        char *one = ts_strndup(a, len);
        *derived = one && *one ? ts_manifest_resolve(m, one) : NULL;
        free(one);
    }
    return 1;
}

const char *rp_id_ja(const rp_ctx *c)
{
    const char *id = rp_prov(c, "source.id");
    if (id && strcmp(id, "row") == 0)
        return TR("元データに回答者IDの列がないため、データの行番号（1, 2, …）を回答者IDとしています（[input] id = row）");
    if (id && strcmp(id, "timestamp") == 0) {
        static char tbuf[480]; /* one report a run, as below */
        const char *col = rp_prov(c, "source.id_column");
        snprintf(tbuf, sizeof tbuf,
                 TR("元データに回答者IDの列がないため、回答日時（列「%s」）を年月日時分秒の14桁の数×100＋同じ秒の回答の通し番号"
                 "（2026/11/02 9:00:00 の最初の回答は 2026110209000001）として回答者IDとしています（[input] id = timestamp）"),
                 col ? col : "?");
        return tbuf;
    }
    const char *ids = rp_prov(c, "source.ids"), *mult = rp_prov(c, "source.ids_multiplier");
    if (ids && strcmp(ids, "per_source") == 0 && mult) {
        /* one report a run: a static buffer keeps this function's no-free contract */
        static char buf[320];
        snprintf(buf, sizeof buf,
                 TR("回答者IDは元データのファイルごとに付けられているため、ファイル番号×%s＋元のIDを回答者IDとしています（[input] ids = per_source）"),
                 mult);
        return buf;
    }
    return NULL;
}

const char *rp_method_ja(const char *method)
{
    if (!method || !*method || strcmp(method, "none") == 0)
        return TR("キャリブレーションなし");
    if (strcmp(method, "rake") == 0)
        return TR("レイキング（反復比例フィッティング）");
    if (strcmp(method, "poststratify") == 0)
        return TR("事後層化");
    if (strcmp(method, "linear") == 0)
        return TR("一般化回帰（GREG）キャリブレーション（線形）");
    if (strcmp(method, "raking") == 0)
        return TR("一般化回帰キャリブレーション（レイキング距離）");
    if (strcmp(method, "logit") == 0)
        return TR("一般化回帰キャリブレーション（ロジット距離）");
    return method;
}

rp_stat rp_stat_of(const char *statistic)
{
    if (strcmp(statistic, "share") == 0)
        return RP_SHARE;
    if (strcmp(statistic, "mean") == 0)
        return RP_MEAN;
    if (strcmp(statistic, "total") == 0)
        return RP_TOTAL;
    if (strcmp(statistic, "quantile") == 0)
        return RP_QUANTILE;
    if (strcmp(statistic, "ratio") == 0)
        return RP_RATIO;
    return RP_TEST;
}

rp_stat rp_tab_stat(const rp_ctx *c, const rp_tab *t)
{
    for (size_t r = t->first; r < t->first + t->count; r++) {
        rp_stat k = rp_stat_of(rp_csv_get(c->tables, r, "statistic"));
        if (k != RP_TEST)
            return k;
    }
    return RP_SHARE;
}

int rp_tab_decimals(const rp_ctx *c, const rp_tab *t)
{
    rp_stat k = rp_tab_stat(c, t);
    if (k == RP_SHARE)
        return 1;
    if (k == RP_TOTAL)
        return 0;
    double se_min = INFINITY;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *se = rp_csv_get(c->tables, r, "se");
        double v = *se ? strtod(se, NULL) : NAN;
        if (rp_stat_of(rp_csv_get(c->tables, r, "statistic")) == k && isfinite(v) && v > 0 && v < se_min)
            se_min = v;
    }
    if (!isfinite(se_min) && rp_census(c) && k == RP_MEAN) {
        /* a census's exact mean (issue #16): of a whole-number item (every domain's sum, mean ×
         * n, a whole number) with one decimal, as tables.txt gives it; of others two */
        for (size_t r = t->first; r < t->first + t->count; r++) {
            if (rp_stat_of(rp_csv_get(c->tables, r, "statistic")) != k)
                continue;
            double sum = strtod(rp_csv_get(c->tables, r, "estimate"), NULL) * strtod(rp_csv_get(c->tables, r, "n"), NULL);
            if (fabs(sum - round(sum)) > 1e-6 * fmax(1, fabs(sum)))
                return 2;
        }
        return 1;
    }
    if (!isfinite(se_min))
        return 2;
    return ts_numformat_se_decimals(se_min);
}

const char *rp_stat_caption(rp_stat k)
{
    switch (k) {
    case RP_MEAN: return TR("平均値");
    case RP_TOTAL: return TR("推定総数");
    case RP_QUANTILE: return TR("分位数");
    case RP_RATIO: return TR("比");
    default: return TR("割合（%）");
    }
}

const char *rp_stage_option(const rp_ctx *c, const char *prog, const char *option, char *buf, size_t len)
{
    size_t pl = strlen(prog), ol = strlen(option);
    for (size_t i = 0; i < c->nstages; i++) {
        const char *cmd = c->stage_cmd[i];
        if (!cmd || strncmp(cmd, prog, pl) != 0 || (cmd[pl] != ' ' && cmd[pl] != '\0'))
            continue;
        /* The commands are recorded shell-quoted, one space between words; an option's value
         * is a plain word ("--lonely-psu adjust" or "--lonely-psu=adjust"). */
        for (const char *p = cmd + pl; (p = strstr(p, option)) != NULL; p += ol) {
            if (p[-1] != ' ' || (p[ol] != ' ' && p[ol] != '='))
                continue;
            const char *v = p + ol + 1;
            size_t n = strcspn(v, " ");
            snprintf(buf, len, "%.*s", (int)n, v);
            return buf;
        }
    }
    return NULL;
}

void rp_tab_ci(const rp_ctx *c, const rp_tab *t, const char **method, double *level)
{
    *method = "";
    *level = NAN;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (rp_stat_of(rp_csv_get(c->tables, r, "statistic")) == RP_TEST)
            continue;
        const char *l = rp_csv_get(c->tables, r, "ci_level");
        *method = rp_csv_get(c->tables, r, "ci_method");
        *level = *l ? strtod(l, NULL) : NAN;
        return;
    }
}
