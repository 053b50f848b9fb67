/* pdf_methods.c — the methods page of report.pdf in plain Japanese: the data checks, how the
 * weights were made, the standard errors, the intervals and tests each table used, the
 * suppression rule, verification and reproduction, and the synthetic-data note. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "i18n.h"
#include "privacy.h"

/* The interval methods of tsunagari-tab in plain Japanese: a short name and what it does
 * (docs/estimation.md, "Intervals"). */
static void ci_method_ja(const char *m, const char **name, const char **detail)
{
    static const struct {
        const char *method, *name, *detail;
    } M[] = {
        {"logit", N_("ロジット変換した区間"),
         N_("log(p/(1−p)) ± t × 標準誤差 ÷ (p(1−p)) を求めて割合に戻すため、0% や 100% に近い割合でも区間が 0～100% の外に出ません"
         "（R の svyciprop の method = \"logit\" と同じ）")},
        {"beta", N_("Korn–Graubard の区間"),
         N_("有効標本サイズ（p(1−p) ÷ 標準誤差²）の上で二項分布の正確な区間（クロッパー・ピアソン）を求め、自由度で補正したもので、"
         "まれな割合でも区間が狭くなりすぎません（Korn & Graubard 1998、R の svyciprop の method = \"beta\" と同じ）")},
        {"xlogit", N_("ロジット変換した区間（デルタ法）"),
         N_("ロジット変換した割合の標準誤差をデルタ法で求めて区間を作り、割合に戻したものです（R の svyciprop の method = \"xlogit\" と同じ）")},
        {"wald", N_("ワルド型の区間"), N_("p ± t × 標準誤差 で、0% や 100% に近い割合では区間が 0～100% の外に出ることがあります")},
        {"wilson", N_("ウィルソンのスコア区間"), N_("有効標本サイズの上で求めたスコア区間です")},
        {"t", N_("推定値 ± t × 標準誤差 の区間"), N_("推定値 ± t × 標準誤差 です")},
        {"none", N_("信頼区間なし"), N_("信頼区間を求めていません")},
    };
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++)
        if (strcmp(m, M[i].method) == 0) {
            *name = TR(M[i].name);
            *detail = TR(M[i].detail);
            return;
        }
    *name = *detail = m;
}

/* Section 4: the interval each table was computed with, as tables.csv says — grouped by
 * method and level, naming the tables when they differ — and the tests. */
static void ci_text(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    enum { MAXG = 16 };
    struct {
        const char *method;
        double level;
        ts_strbuf tables;
        size_t n;
    } g[MAXG];
    size_t ng = 0;
    int any_test = 0;
    /* quantile and ratio tables (issue #15): their own sentences, by table */
    ts_strbuf qtabs = TS_STRBUF_INIT, rtabs = TS_STRBUF_INIT;
    memset(g, 0, sizeof g);
    for (size_t i = 0; i < w->nitems; i++) {
        if (w->items[i].kind != ITEM_TABLE)
            continue;
        const rp_tab *t = w->items[i].tab;
        const char *m;
        double level;
        rp_tab_ci(c, t, &m, &level);
        for (size_t r = t->first; r < t->first + t->count; r++)
            any_test |= strncmp(rp_csv_get(c->tables, r, "statistic"), "rao_scott", 9) == 0;
        rp_stat kind = rp_tab_stat(c, t);
        if (kind == RP_QUANTILE || kind == RP_RATIO) {
            ts_strbuf *tb = kind == RP_QUANTILE ? &qtabs : &rtabs;
            ts_strbuf_printf(tb, TR("%s表%d"), tb->len ? TR("・") : "", w->items[i].number);
            continue;
        }
        if (!*m)
            continue;
        size_t k = 0;
        while (k < ng && !(strcmp(g[k].method, m) == 0 && (g[k].level == level || (isnan(level) && isnan(g[k].level)))))
            k++;
        if (k == ng) {
            if (ng == MAXG)
                continue;
            g[ng].method = m;
            g[ng].level = level;
            ng++;
        }
        ts_strbuf_printf(&g[k].tables, TR("%s表%d"), g[k].n++ ? TR("・") : "", w->items[i].number);
    }
    size_t nsg = 0;
    for (size_t k = 0; k < ng; k++)
        nsg += strcmp(g[k].method, "t") != 0;
    /* Shares: one sentence when every table used the same interval, else one per group. */
    for (size_t k = 0, j = 0; k < ng; k++) {
        if (strcmp(g[k].method, "t") == 0)
            continue;
        const char *name, *detail;
        ci_method_ja(g[k].method, &name, &detail);
        char lv[32] = "";
        if (!isnan(g[k].level))
            snprintf(lv, sizeof lv, "%g%% ", 100 * g[k].level);
        if (strcmp(g[k].method, "none") == 0)
            ts_strbuf_printf(b, TR("%sの割合には信頼区間を求めていません。"), g[k].tables.data);
        else if (nsg == 1)
            ts_strbuf_printf(b, TR("割合の %s信頼区間は%sです：%s。"), lv, name, detail);
        else
            ts_strbuf_printf(b, TR("%s割合の %s信頼区間は、%s は%sです：%s。"), j++ == 0 ? TR("表によって区間の求め方が異なります。") : "", lv,
                             g[k].tables.data, name, detail);
    }
    /* Means and totals: the estimate ± t × standard error, at each level used. */
    for (size_t k = 0; k < ng; k++) {
        if (strcmp(g[k].method, "t") != 0)
            continue;
        char lv[32] = "";
        if (!isnan(g[k].level))
            snprintf(lv, sizeof lv, "%g%% ", 100 * g[k].level);
        ts_strbuf_printf(b, TR("平均値・推定総数（%s）の %s信頼区間は 推定値 ± t × 標準誤差 です。"), g[k].tables.data, lv);
    }
    if (rtabs.len)
        ts_strbuf_printf(b, TR("比（%s）は分子の合計 ÷ 分母の合計で、標準誤差は (分子 − 比 × 分母) ÷ 分母の合計 の線形化により、"
                         "信頼区間は 推定値 ± t × 標準誤差 です（R の svyratio と同じ）。"), rtabs.data);
    if (ng > 0 || rtabs.len)
        ts_strbuf_append_str(b, TR("t はデザインの自由度（第1次抽出単位の数 − 層の数）による t 分布の値です。"));
    if (qtabs.len)
        ts_strbuf_printf(b, TR("分位数（%s）の信頼区間は Woodruff の方法によります：分位数での分布関数の推定値に区間を求め"
                         "（デザインによる標準誤差で）、その両端を分位数に戻したものです。標準誤差は区間の幅 ÷ (2t) です"
                         "（R の svyquantile と同じ）。"), qtabs.data);
    ts_strbuf_free(&qtabs);
    ts_strbuf_free(&rtabs);
    if (any_test)
        ts_strbuf_append_str(b, TR("区分による違いは Rao–Scott の補正をしたカイ二乗検定（二次補正 F 検定、R の svychisq と同じ）で調べました。"));
    for (size_t k = 0; k < ng; k++)
        ts_strbuf_free(&g[k].tables);
}

/* The methods page has one function per numbered section below; each appends its text to B,
 * draws it and leaves B empty again. */

/* Section 1: what tsunagari-ingest checked and set aside. */
static void methods_checks(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    char n1[32], n2[32];
    pdf_subheading(w, TR("1. データの検査"));
    pdf_comma(c->rows_read, n1);
    pdf_comma(c->rows_rejected, n2);
    ts_strbuf_printf(b,
                     TR("回答データ %s 行をコードブック（質問・選択肢・有効範囲の定義）に照らして 1 行ずつ検査しました。"
                     "列の数が合わない行や回答IDの重複など、行として読めないもの %s 行を除外し、"
                     "範囲外の値など項目単位の問題 %ld 件はその項目だけを無回答として扱いました。"
                     "除外・警告はすべて行番号・列・理由とともに記録していますが、元の回答行を含むため公開しません。"
                     "自由記述は集計・図表に使っていません。"),
                     n1, n2, c->item_warnings);
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
}

/* Section 2: how the weights were made, step by step as tsunagari-weight made them (base or
 * starting weights, nonresponse, dropped cases, calibration, trimming), and the Kish design
 * effect they give. */
static void methods_weights(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    char n1[32];
    pdf_subheading(w, TR("2. ウェイトの作り方"));
    int step = 1;
    if (c->design.type == TS_DESIGN_NONPROBABILITY) {
        ts_strbuf_printf(b, TR("(%d) 自発的に回答した人の標本（非確率標本）のため、抽出確率に基づくウェイトはありません。"
                             "全員のウェイトを 1 として始めました。"), step++);
    } else if (c->design.base_weight && strcmp(c->design.base_weight, "base") == 0) {
        const char *strata = c->design.strata;
        ts_strbuf_printf(b, TR("(%d) %s%s%sごとに、母集団の人数 ÷ 抽出した人数 を基本ウェイト（抽出ウェイト）としました。"),
                         step++, strata ? TR("層（") : "", strata ? rp_varlabel(c, strata) : TR("標本全体"), strata ? TR("）") : "");
    } else {
        ts_strbuf_printf(b, TR("(%d) 抽出ウェイトは%s。"), step++,
                         c->design.base_weight ? TR("調査データのウェイト列を使いました") : TR("全員 1 としました"));
    }
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
    const char *classes = rp_get(c, "nonresponse", "classes", NULL);
    if (classes) {
        char **items = NULL;
        long k = ts_manifest_split_list(classes, &items);
        ts_strbuf_printf(b, TR("(%d) 無回答の調整："), step++);
        for (long i = 0; i < k; i++)
            ts_strbuf_printf(b, "%s%s", i ? "×" : "", rp_varlabel(c, items[i]));
        if (k > 0)
            ts_manifest_free_list(items, (size_t)k);
        ts_strbuf_append_str(b, TR(" の組み合わせごとに、抽出した人のうち回答した人の割合（基本ウェイトで重み付け）を求め、"
                                 "その逆数を掛けました。回答の少ない区分ほど一人ひとりのウェイトが大きくなります。"));
        const char *col = rp_get(c, "nonresponse", "collapse", NULL);
        if (col)
            ts_strbuf_printf(b, TR("回答者のいない区分があるときは %s のように区分をまとめます。"), col);
        pdf_para(w, b->data);
        ts_strbuf_reset(b);
    }
    const char *method = ts_calibration_name(c->design.calibration); /* as weighted.tsd records it */
    unsigned long dropped = c->design.dropped;
    if (dropped > 0 && strcmp(rp_get(c, "weighting", "missing", NULL), "drop") == 0) {
        ts_strbuf_printf(b, TR("(%d) 調整に使う変数（"), step++);
        pdf_margins_ja(c, b);
        ts_strbuf_printf(b, TR("）が無回答の %lu 人は、ウェイトを 0 として以後の計算から外しました%s。"), dropped,
                         classes ? TR("（無回答の調整では回答しなかった人として扱います）") : "");
        pdf_para(w, b->data);
        ts_strbuf_reset(b);
    }
    if (strcmp(method, "none") != 0) {
        ts_strbuf_printf(b, TR("(%d) %s：ウェイトの合計が母集団の人数（"), step++, rp_method_ja(method));
        pdf_margins_ja(c, b);
        ts_strbuf_append_str(b, TR("）に一致するように調整しました。"));
        if (strcmp(method, "rake") == 0)
            ts_strbuf_append_str(b, TR("レイキングは、各変数の合計に合うようウェイトを順に比例調整することを、"
                                     "変化がなくなるまで繰り返す方法です（R の survey パッケージの rake と同じ計算）。"));
        /* [weighting] rake_residuals = exact: the SEs are calibrate(calfun = "raking")'s, not rake()'s */
        if (strcmp(method, "rake") == 0 && strcmp(rp_get(c, "weighting", "rake_residuals", NULL), "exact") == 0)
            ts_strbuf_append_str(b, TR("標準誤差は、調整に使った区分への一般化回帰の残差から厳密に計算しました"
                                     "（R の calibrate(calfun = \"raking\") と同じ計算。rake の既定の 10 回の繰り返しによる近似ではありません）。"));
        else if (strcmp(method, "poststratify") == 0)
            ts_strbuf_append_str(b, TR("事後層化は、区分ごとにウェイトの合計が母集団の人数になるよう比例調整する方法です"
                                     "（R の postStratify と同じ計算）。"));
        else
            ts_strbuf_append_str(b, TR("一般化回帰（GREG）キャリブレーションは、元のウェイトからの変化をできるだけ小さく保ちながら"
                                     "母集団の合計に一致させる方法です（R の calibrate と同じ計算）。"));
        const char *col = rp_get(c, "weighting", "collapse", NULL);
        if (col)
            ts_strbuf_printf(b, TR("回答者が %s 人未満の区分は統合しました（%s）。"), rp_get(c, "weighting", "collapse_below", "—"),
                             col);
        if (strcmp(rp_get(c, "weighting", "illustrative_targets", NULL), "yes") == 0)
            ts_strbuf_append_str(b, TR("なお、この調査の母集団数は説明用の値（illustrative）です。"));
        pdf_para(w, b->data);
        ts_strbuf_reset(b);
    }
    if (rp_get(c, "weighting", "trim_upper", NULL) || rp_get(c, "weighting", "trim_lower", NULL)) {
        ts_strbuf_printf(b, TR("(%d) 極端なウェイトを上限 %s・下限 %s で切り詰め、切り詰めた分を他の回答者に均等に配分しました"
                             "（R の trimWeights と同じ）。切り詰め後は母集団の合計と完全には一致しません。"),
                         step++, rp_get(c, "weighting", "trim_upper", "—"), rp_get(c, "weighting", "trim_lower", "—"));
        pdf_para(w, b->data);
        ts_strbuf_reset(b);
    }
    pdf_comma(lround(c->n_eff), n1);
    ts_strbuf_printf(b,
                     TR("こうして得たウェイトのばらつきによる設計効果（Kish の 1 + CV²）は %.2f、有効標本サイズは約 %s 人です。"
                     "母集団の合計との一致の程度は weighting-report.txt に示しています。"),
                     c->deff, n1);
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
}

/* Section 3: the variance estimator — linearisation with the strata, clusters, fpc and
 * lonely-PSU rule tab used — and what it means for a nonprobability sample. */
static void methods_variance(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    const char *method = ts_calibration_name(c->design.calibration);
    pdf_subheading(w, TR("3. 標準誤差（ばらつき）の求め方"));
    if (c->design.variance != TS_REP_NONE) { /* replicate weights, as weighted.tsd records them */
        static const char *const how[] = {"", N_("JK1 ジャックナイフ法（第1次抽出単位を1つずつ除く）"),
                                          N_("層別ジャックナイフ法（JKn：層ごとに第1次抽出単位を1つずつ除く）"),
                                          N_("ブートストラップ法（層ごとに第1次抽出単位を復元抽出し直す）"),
                                          N_("均衡反復複製法（BRR：層の2つの第1次抽出単位の一方ずつを使う）"),
                                          N_("Fay の均衡反復複製法（BRR の重みを一部だけ変える）"), N_("反復法")};
        size_t R = c->design.nreplicate_columns;
        if (c->design.replicates_supplied)
            ts_strbuf_printf(b, TR("標準誤差は、調査データに付いた %zu 組の反復ウェイト（%s）で推定をやり直し、そのばらつきから求めました"
                                "（反復法による分散推定、R の svrepdesign と同じ）。"),
                             R, TR(how[c->design.variance]));
        else
            ts_strbuf_printf(b, TR("標準誤差は、標本設計（層と第1次抽出単位）から作った %zu 組の反復ウェイト（%s）で推定をやり直し、"
                                "そのばらつきから求めました（反復法による分散推定、R の as.svrepdesign と同じ）。"),
                             R, TR(how[c->design.variance]));
        if (strcmp(method, "none") != 0)
            ts_strbuf_append_str(b, TR("反復ウェイトの一組ずつにも同じ母集団の人数への調整（キャリブレーション）を行ったので、"
                                    "調整で小さくなるばらつきも反映しています。"));
        if (R > 0)
            ts_strbuf_printf(b, TR("反復ウェイトは weighted.tsd に %s … %s として残しています。"),
                             c->design.replicate_columns[0], c->design.replicate_columns[R - 1]);
        ts_strbuf_append_str(b, TR("設計効果は、同じ人数の単純無作為抽出と比べた分散の比です。"));
        pdf_para(w, b->data);
        ts_strbuf_reset(b);
        return;
    }
    ts_strbuf_append_str(b, TR("標準誤差はテイラー線形化法（線形化による分散推定）で求めました。"));
    /* The strata and clusters the variance used: as weighted.tsd records them. */
    const char *strata = c->design.strata, *cluster = c->design.cluster;
    if (strata)
        ts_strbuf_printf(b, TR("層（%s）ごとに分散を計算して合計し、"), rp_varlabel(c, strata));
    if (cluster)
        ts_strbuf_printf(b, TR("第1次抽出単位（%s）の集落としてのまとまりを考慮し、"), rp_varlabel(c, cluster));
    const char *fpc = c->design.fpc_variable; /* fpc = VAR */
    int clustered = cluster != NULL;
    if (c->design.fpc_from_frame)
        ts_strbuf_printf(b, TR("抽出枠（%s）の母集団%sから求めた有限母集団修正（1 − 抽出率）を掛け、"),
                         c->design.frame ? c->design.frame : "frame", clustered ? TR("の第1次抽出単位の数") : TR("の人数"));
    else if (fpc)
        ts_strbuf_printf(b, TR("調査データの変数 %s（%s）が示す母集団%sから求めた有限母集団修正（1 − 抽出率）を掛け、"), fpc,
                         rp_varlabel(c, fpc), clustered ? TR("の第1次抽出単位の数") : TR("の人数"));
    else if (c->design.fpc_value[0] > 0) /* fpc = 757 */
        ts_strbuf_printf(b, TR("母集団%s %.15g から求めた有限母集団修正（1 − 抽出率）を掛け、"),
                         clustered ? TR("の第1次抽出単位の数") : TR("の人数"), c->design.fpc_value[0]);
    else if (c->design.type != TS_DESIGN_NONPROBABILITY)
        ts_strbuf_append_str(b, TR("有限母集団修正は行わず（復元抽出とみなし）、"));
    if (clustered && c->design.nsub > 0) { /* multistage (issue #15): as tsunagari-tab computed it */
        int every = c->design.fpc != NULL;
        for (size_t s = 0; s < c->design.nsub; s++)
            every = every && c->design.subfpc[s];
        if (every)
            ts_strbuf_printf(b, TR("第2次抽出単位（%s）の抽出によるばらつきも段ごとの有限母集団修正とともに加え（多段抽出の分散）、"),
                             rp_varlabel(c, c->design.subcluster[0]));
        else
            ts_strbuf_append_str(b, TR("第2次以降の抽出によるばらつきは第1次抽出単位の間のばらつきに含めて（究極集落法）、"));
    }
    char lonely[64];
    const char *lp = rp_stage_option(c, "tsunagari-tab", "--lonely-psu", lonely, sizeof lonely);
    if (strata || clustered) {
        if (!lp || strcmp(lp, "fail") == 0)
            ts_strbuf_printf(b, TR("第1次抽出単位が1つだけの層があれば集計を止める設定（tsunagari-tab --lonely-psu fail%s）で計算し"
                                 "（集計が止まらなかったので、そのような層はありません）、"), lp ? "" : TR("、既定"));
        else
            ts_strbuf_printf(b, TR("第1次抽出単位が1つだけの層は%s設定（tsunagari-tab --lonely-psu %s）で計算し、"),
                             strcmp(lp, "remove") == 0 ? TR("分散の計算から除く")
                             : strcmp(lp, "certainty") == 0 ? TR("確実に抽出されたものとして分散に寄与させない")
                             : strcmp(lp, "adjust") == 0 ? TR("全体の平均からの偏差で分散に含める") : "",
                             lp);
    }
    if (strcmp(method, "none") != 0)
        ts_strbuf_append_str(b, TR("ウェイトを母集団の人数に合わせた調整（キャリブレーション）で小さくなるばらつきも反映しています。"));
    else if (b->len >= strlen(TR("、")) && strcmp(b->data + b->len - strlen(TR("、")), TR("、")) == 0)
        ts_strbuf_append_str(b, TR("分散を求めました。"));
    if (c->design.type == TS_DESIGN_NONPROBABILITY)
        ts_strbuf_append_str(b, TR("ただしこの調査は非確率標本なので、標準誤差と信頼区間は「回答者が母集団から無作為に選ばれたとしたら」"
                                 "という仮定の下での目安です。ウェイトで補正できるのは調整に使った変数（"));
    if (c->design.type == TS_DESIGN_NONPROBABILITY) {
        pdf_margins_ja(c, b);
        ts_strbuf_append_str(b, TR("）で説明できる偏りだけです。"));
    }
    ts_strbuf_append_str(b, TR("設計効果は、同じ人数の単純無作為抽出と比べた分散の比です。"));
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
}

/* A census (issue #16) in place of sections 2-4: no sample, no weights, no sampling error — what
 * the numbers are, and what nonresponse still leaves open. */
static void methods_census(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    const char *unit = rp_unit_ja(c);
    char n1[32], n2[32], n3[32];
    long answered = c->rows_read - c->rows_rejected;
    pdf_subheading(w, TR("2. 全数調査の集計"));
    pdf_comma(answered, n1);
    if (c->drawn > 0) {
        pdf_comma(c->drawn, n2);
        ts_strbuf_printf(b, TR("この調査は対象の %s %sすべてに依頼した全数調査で、標本を抽出していません。"), n2, unit);
    } else
        ts_strbuf_append_str(b, TR("この調査は対象のすべてに依頼した全数調査で、標本を抽出していません。"));
    ts_strbuf_printf(b, TR("そのため表の数と割合は、回答した %s %sの数とその割合そのものであり、標本抽出による誤差（標本誤差）は"
                         "ありません。標準誤差・信頼区間・設計効果・検定（区分による違いの検定）は意味を持たないため示していません。"
                         "ウェイトは付けていません（すべて 1）。"), n1, unit);
    if (c->drawn > answered) {
        pdf_comma(c->drawn - answered, n3);
        ts_strbuf_printf(b, TR("ただし回答しなかった %s %s（対象の %.1f%%）の状況は含まれません。回答した%sと回答しなかった%sとで"
                             "状況が異なれば、数値はその分だけ対象全体と異なりえます%s。"),
                         n3, unit, 100.0 * (double)(c->drawn - answered) / (double)c->drawn, unit, unit,
                         c->nrates ? TR("（区分ごとの回答率は表紙のとおり）") : "");
    }
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
    pdf_subheading(w, TR("3. 割合と平均の求め方"));
    ts_strbuf_printf(b, TR("割合（%%）は、区分ごとに、その設問に回答した%s（無回答・非該当を除く）の数を分母とした割合で、"
                         "小数第1位に四捨五入しています。複数回答の設問は選択肢ごとに選んだ%sの割合で、合計は 100%% を超えます。"
                         "数（%s）は整数、平均値は回答の単純平均、合計は回答の値の合計です。"),
                     unit, unit, unit);
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
}

/* Sections 4-6 of a census's methods page: the suppression rule in its units (a 0 is shown),
 * how the numbers can be checked, the synthetic-data note. */
static void methods_census_rest(writer *w, ts_strbuf *b)
{
    rp_ctx *c = w->c;
    const char *who = rp_respondents_ja(c), *unit = rp_unit_ja(c);
    pdf_subheading(w, TR("4. 非表示（秘匿）のルール"));
    long min_cell = -1; /* checked before any stage ran (run.c) */
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0)
        ts_strbuf_printf(b, TR("この報告では、%sの少ないセルの非表示（秘匿）を行っていません（[privacy] min_cell = 0%s）。"
                            "自由記述は集計にも図表にも使っていません。"), who,
                         rp_organisations(c) ? TR("。集計の単位は団体で、個人の回答ではありません") : "");
    else
        ts_strbuf_printf(b, TR("%sが %s %s未満のセル（その回答を選んだ%sの数。0 は除く）は、数と割合を示さず、"
                            "表では ＊、図では斜線で示しました。そのセルが合計や他の表から逆算されないよう、"
                            "必要な最小限の別のセルも同じように非表示にしています（二次秘匿：τ-ARGUS のハイパーキューブ法の考え方。"
                            "表全体で %ld セル）。誰も選ばなかった回答（0）は、特定の%sについて何も明かさないので 0 と示しています。"
                            "自由記述は集計にも図表にも使っていません。"),
                         who, rp_get(c, "privacy", "min_cell", NULL), unit, unit, c->suppressed, unit);
    pdf_para(w, b->data);
    ts_strbuf_reset(b);
    pdf_subheading(w, TR("5. 計算の検証と再現"));
    pdf_para(w, TR("数と割合は、検査を通った回答データから直接数えたものです。"
                "この報告書と同じフォルダの reproducibility.txt に、入力ファイルすべての SHA-256 チェックサム、"
                "使ったツールの版、設定、各段階のコマンドと、この報告書をもう一度作るためのコマンドを記録しています。"
                "同じ入力からは同じバイト列の出力が得られます。"));
    if (w->synthetic) {
        pdf_subheading(w, TR("6. 合成データについて"));
        pdf_para(w, TR("この報告書の回答データは、実在の調査の設計（期間・回答数・抽出方法など）をまねてプログラム（tsunagari-synth）で"
                "作った合成データです。実在の回答者は含まれず、数値は実際の調査結果ではありません。"));
    }
}

void pdf_methods(writer *w)
{
    rp_ctx *c = w->c;
    ts_strbuf b = TS_STRBUF_INIT;
    pdf_new_page(w);
    w->methods_page = w->page;
    pdf_heading(w, TR("集計の方法"));
    methods_checks(w, &b);
    if (rp_census(c)) { /* issue #16: no weights, variance or intervals to describe */
        methods_census(w, &b);
        methods_census_rest(w, &b);
        ts_strbuf_free(&b);
        return;
    }
    methods_weights(w, &b);
    methods_variance(w, &b);

    pdf_subheading(w, TR("4. 信頼区間と検定"));
    ci_text(w, &b);
    pdf_para(w, b.data);
    ts_strbuf_reset(&b);

    pdf_subheading(w, TR("5. 非表示（秘匿）のルール"));
    long min_cell = -1; /* checked before any stage ran (run.c) */
    if (ts_privacy_min_cell(c->m, &min_cell, NULL) == TS_OK && min_cell == 0)
        ts_strbuf_append_str(&b, TR("この報告では、回答者の少ないセルの非表示（秘匿）を行っていません（[privacy] min_cell = 0）。"
                                 "自由記述は集計にも図表にも使っていません。"));
    else
        ts_strbuf_printf(&b, TR("回答者が %s 人未満のセル（その回答を選んだ人の数）は、人数・推定値・標準誤差・信頼区間を示さず、"
                             "表では ＊、図では斜線で示しました。そのセルが合計や他の表から逆算されないよう、"
                             "必要な最小限の別のセルも同じように非表示にしています（二次秘匿：τ-ARGUS のハイパーキューブ法の考え方。"
                             "表全体で %ld セル）。自由記述は集計にも図表にも使っていません。"),
                         rp_get(c, "privacy", "min_cell", NULL), c->suppressed);
    pdf_para(w, b.data);
    ts_strbuf_reset(&b);

    pdf_subheading(w, TR("6. 計算の検証と再現"));
    ts_strbuf_append_str(&b, TR("ウェイト・推定値・標準誤差・信頼区間・検定は、統計ソフト R の survey パッケージ（svydesign, rake, "
                             "calibrate, svymean, svyciprop, svychisq）で同じデータを計算した結果と一致することを、"
                             "自動テストで確認しています（tests/oracle/）。"
                             "この報告書と同じフォルダの reproducibility.txt に、入力ファイルすべての SHA-256 チェックサム、"
                             "使ったツールの版、設定、各段階のコマンドと、この報告書をもう一度作るためのコマンドを記録しています。"
                             "同じ入力からは同じバイト列の出力が得られます。"));
    pdf_para(w, b.data);
    ts_strbuf_reset(&b);
    if (w->synthetic) {
        pdf_subheading(w, TR("7. 合成データについて"));
        pdf_para(w, TR("この報告書の回答データは、実在の調査の設計（期間・回答数・抽出方法など）をまねてプログラム（tsunagari-synth）で"
                "作った合成データです。実在の回答者は含まれず、数値は実際の調査結果ではありません。"));
    }
    ts_strbuf_free(&b);
}
