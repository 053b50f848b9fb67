/* pdf_models.c — report.pdf's 回帰分析 section: when tsunagari-model ran ([model.NAME] in the
 * manifest; models.csv in the work folder), after the tables and before the methods, each model
 * with its table — per predictor its Wald F, per level the odds ratio (logistic) or the
 * coefficient and SE (linear), the interval, p and the level's n — and, for a logistic model,
 * its forest chart drawn by plots/forest.c straight into the page (the same drawing as
 * charts/forest_NAME.pdf). Nothing without models.csv, so a report without models is unchanged.
 * Listed in the cover's contents (w->models_page). A model is named by its [model.NAME] title
 * when it has one; what [privacy] min_cell withheld (models.csv suppressed = yes, an empty
 * level_n) is ＊, with the rule under the model's table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../forest.h"
#include "csvtable.h"
#include "i18n.h"
#include "numparse.h"
#include "pdf.h"
#include "privacy.h"

static double num(const char *s)
{
    double x;
    return s && *s && ts_parse_double(s, strlen(s), &x) == 0 ? x : NAN;
}

/* Whether a line may not start with the character at S (kinsoku: closing brackets and
 * punctuation) or end with the one at S (opening brackets). */
static int no_start(const char *s)
{
    static const char *const close[] = {"、", "。", "，", "．", "）", "」", "』", "】", "・", "ー", "％", "：", ")", ",", ".", ":", ";"};
    for (size_t k = 0; k < sizeof close / sizeof close[0]; k++)
        if (strncmp(s, close[k], strlen(close[k])) == 0)
            return 1;
    return 0;
}
static int no_end(const char *s, size_t len)
{
    static const char *const open[] = {"（", "「", "『", "【", "("};
    for (size_t k = 0; k < sizeof open / sizeof open[0]; k++) {
        size_t n = strlen(open[k]);
        if (len >= n && strncmp(s + len - n, open[k], n) == 0)
            return 1;
    }
    return 0;
}

/* The end of the unit that starts at S: an ASCII word (letters, digits, - _ . / +) is never
 * split, any other character is a unit of its own. */
static const char *unit_end(const char *s)
{
    const char *e = s;
    while ((*e >= 'A' && *e <= 'Z') || (*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '-' || *e == '_' ||
           *e == '/' || *e == '+' || (*e == '.' && e > s && e[1] > ' ' && !(e[1] & 0x80)))
        e++;
    if (e > s)
        return e;
    e = s + 1;
    while ((*e & 0xC0) == 0x80)
        e++;
    return e;
}

/* A paragraph of prose at the cursor, each line filled as far as it goes: ts_text_wrap prefers
 * to end a line after 、 or a space even half-way across (right for chart labels), which
 * leaves a paragraph of Japanese mixed with R's names ragged. Here a line ends at the last
 * unit that fits, kinsoku held (a closing bracket or 、 pulled up, an opening one pushed down). */
static void prose(writer *w, const char *s, double size, ts_rgb color, double after)
{
    double lead = size * 1.6;
    size_t len = strlen(s);
    char *line = malloc(len + 1);
    if (!line) {
        pdf_para_at(w, X0, CW, s, size, 0, color, after);
        return;
    }
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        ts_text_font(&w->pen, 0, size);
        const char *end = unit_end(p), *q = end;
        while (*q) {
            const char *e = unit_end(q);
            memcpy(line, p, (size_t)(e - p));
            line[e - p] = '\0';
            if (ts_text_width(&w->pen, line) > CW)
                break;
            q = end = e;
        }
        /* kinsoku: a closing mark that would start the next line stays on this one (it hangs
         * a little past the column), an opening one at the end goes down */
        while (*end && no_start(end))
            end = unit_end(end);
        while (*end && end > unit_end(p) && no_end(p, (size_t)(end - p))) {
            const char *b = p, *last = p;
            while (b < end) {
                last = b;
                b = unit_end(b);
            }
            end = last;
        }
        size_t n = (size_t)(end - p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        memcpy(line, p, n);
        line[n] = '\0';
        pdf_need(w, lead);
        ts_text_font(&w->pen, 0, size);
        ts_frame_color(&w->pen, color);
        ts_text_draw(&w->pen, X0, w->y + size, line, TS_ALIGN_LEFT);
        w->y += lead;
        p = end;
    }
    free(line);
    w->y += after;
}


/* The note under a model's table when something of it was withheld. */
static void hidden_note(writer *w)
{
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, TR("＊ 回答者が %s 人未満のカテゴリー、またはその人数・係数が他の数値から逆算されないよう非表示"
                         "（表と同じ [privacy] min_cell の規則）。"),
                     rp_get(w->c, "privacy", "min_cell", NULL));
    w->y += 2;
    prose(w, b.data ? b.data : TR("＊"), 7.5, GREY, 2);
    ts_strbuf_free(&b);
}

/* The forest chart of MODEL, as pdf_draw_chart draws a chart: title, subtitle, body, notes. */
static void forest(writer *w, const char *model)
{
    ts_forest *f = ts_forest_load("models.csv", model, w->err);
    if (!f) {
        w->failed = 1;
        return;
    }
    ts_notes notes = {0};
    ts_forest_notes(f, rp_get(w->c, "survey", "title", ""), w->synthetic, &notes);
    char title[600], sub[600], n[32];
    snprintf(title, sizeof title, TR("%s：オッズ比と%g%%信頼区間"), ts_forest_title(f), round(ts_forest_level(f) * 1000) / 10);
    snprintf(n, sizeof n, TR("＊"));
    if (ts_forest_n(f) >= 0)
        ts_frame_count(ts_forest_n(f), n);
    snprintf(sub, sizeof sub, TR("n=%s、ウェイト付け推定"), n);
    w->y += 10;
    double body = ts_forest_body(&w->pen, f, (ts_rect){X0, 0, CW, 1e6}, 1);
    double head = ts_frame_header_height(&w->pen, title, sub, CW), foot = ts_frame_footer_height(&w->pen, &notes, CW);
    double total = head + body + 8 + foot;
    pdf_need(w, total);
    ts_frame_draw(&w->pen, (ts_rect){X0, w->y, CW, total}, title, sub, &notes);
    if (!w->pages_only)
        ts_forest_body(&w->pen, f, (ts_rect){X0, w->y + head, CW, body}, 0);
    w->y += total + 16;
    ts_notes_free(&notes);
    ts_forest_free(f);
}

/* One row of a model's table at the cursor: text at the columns' left edges. */
static void row(writer *w, const char *const cell[6], int bold)
{
    static const double col[6] = {0, 150, 235, 330, 385, 440};
    pdf_need(w, 13);
    ts_text_font(&w->pen, bold, 8);
    ts_frame_color(&w->pen, INK);
    for (int k = 0; k < 6; k++)
        if (cell[k] && *cell[k])
            ts_text_draw(&w->pen, X0 + col[k], w->y + 9, cell[k], TS_ALIGN_LEFT);
    w->y += 13;
}

void pdf_models(writer *w)
{
    if (access("models.csv", R_OK) != 0)
        return;
    ts_csvtable_opts opt = {.keep_rows = 1, .max_rows = 1000000};
    ts_csvtable *t = ts_csvtable_read("models.csv", TS_ENC_UTF8, &opt, w->err);
    if (!t) {
        w->failed = 1;
        return;
    }
    pdf_new_page(w);
    w->models_page = w->page;
    pdf_heading(w, TR("回帰分析"));
    /* min_cell 0 is a choice the cover states too: the models then withhold nothing */
    long min_cell = -1;
    int none = ts_privacy_min_cell(w->c->m, &min_cell, NULL) == TS_OK && min_cell == 0;
    ts_strbuf intro = TS_STRBUF_INIT;
    ts_strbuf_printf(&intro, TR("ウェイトを付けた回帰モデル（tsunagari-model、R survey パッケージの svyglm に等しい）。標準誤差は"
                             "標本設計（層・集落・有限母集団修正・ウェイトの較正）に基づく。ロジスティック回帰はオッズ比で示し、"
                             "各変数の（基準）カテゴリーのオッズ比は1。p値は自由度（PSU数−層数＋1−係数の数）の t 検定、"
                             "変数ごとの F は Wald 検定。欠測のある回答者は除いた。表の n はそのカテゴリーの回答者数。%s"),
                     none ? TR("回答者の少ないカテゴリーも非表示にしていない（[privacy] min_cell = 0）。")
                          : TR("回答者の少ないカテゴリーは表と同じ規則で非表示（＊）にした。"));
    prose(w, intro.data ? intro.data : "", 9.5, INK, 5);
    ts_strbuf_free(&intro);
    const char *cur = NULL;
    int hidden = 0; /* the current model withheld something */
    for (size_t r = 0; r < t->nrows && !w->failed; r++) {
        const char *model = ts_csvtable_get(t, r, "model"), *stat = ts_csvtable_get(t, r, "statistic");
        const char *term = ts_csvtable_get(t, r, "term"), *tl = ts_csvtable_get(t, r, "term_label");
        int logit = strcmp(ts_csvtable_get(t, r, "family"), "logistic") == 0;
        char a[160], b[64], c[96], d[32], e[32];
        if (!cur || strcmp(cur, model) != 0) {
            if (hidden)
                hidden_note(w);
            hidden = 0;
            if (cur && strcmp(ts_csvtable_get(t, r - 1, "family"), "logistic") == 0)
                forest(w, cur);
            cur = model;
            /* the table stays on one page when it fits on one (a table run over a page break
             * has no header over its rest) */
            size_t lines = 1;
            for (size_t q = r; q < t->nrows && strcmp(ts_csvtable_get(t, q, "model"), model) == 0; q++) {
                const char *sq = ts_csvtable_get(t, q, "statistic");
                if (strcmp(sq, "wald_chisq") == 0 || (logit && strcmp(ts_csvtable_get(t, q, "term"), "(Intercept)") == 0))
                    continue;
                lines += strcmp(sq, "reference") == 0 ? 2 : 1;
            }
            if (13.0 * (double)lines + 40 < BOTTOM - TOP)
                pdf_need(w, 13.0 * (double)lines + 40);
            const char *mt = ts_csvtable_get(t, r, "model_title"), *nn = ts_csvtable_get(t, r, "n");
            if (!*mt) /* no [model.NAME] title */
                mt = model;
            /* the df of a withheld row is empty: the model's is in every coefficient it publishes */
            const char *df = "";
            for (size_t q = r; q < t->nrows && !*df && strcmp(ts_csvtable_get(t, q, "model"), model) == 0; q++)
                if (strcmp(ts_csvtable_get(t, q, "statistic"), "coefficient") == 0)
                    df = ts_csvtable_get(t, q, "df");
            snprintf(a, sizeof a, TR("%s%s：%s（n = %s、自由度 %s）"), mt == model ? TR("モデル ") : "", mt,
                     logit ? TR("ロジスティック回帰") : TR("線形回帰"), *nn ? nn : TR("＊"), *df ? df : TR("＊"));
            pdf_subheading(w, a);
            snprintf(c, sizeof c, TR("%g%%信頼区間"), round(1000 * num(ts_csvtable_get(t, r, "ci_level"))) / 10);
            const char *h[6] = {TR("変数・カテゴリー"), logit ? TR("オッズ比") : TR("係数（標準誤差）"), c, TR("p値"), "n", ""};
            row(w, h, 1);
        }
        const char *name = strcmp(term, "(Intercept)") == 0 ? TR("（切片）") : *tl ? tl : term;
        if (strcmp(stat, "wald_chisq") == 0)
            continue;
        int supp = strcmp(ts_csvtable_get(t, r, "suppressed"), "yes") == 0;
        hidden |= supp || *ts_csvtable_get(t, r, "suppression");
        if (strcmp(stat, "wald_f") == 0) {
            if (supp)
                snprintf(a, sizeof a, TR("　F = ＊"));
            else
                snprintf(a, sizeof a, TR("　F = %.2f（%s, %s）、p = %.3f"), num(ts_csvtable_get(t, r, "estimate")),
                         ts_csvtable_get(t, r, "df"), ts_csvtable_get(t, r, "df2"), num(ts_csvtable_get(t, r, "p_value")));
            const char *cells[6] = {a, "", "", "", "", ""};
            row(w, cells, 0);
            continue;
        }
        if (logit && strcmp(term, "(Intercept)") == 0) {
            hidden &= !supp; /* not shown: nothing to mark */
            continue;        /* the intercept's odds are the reference group's, not a ratio */
        }
        int ref = strcmp(stat, "reference") == 0, level = *ts_csvtable_get(t, r, "level") != '\0';
        if (ref || !level) {
            const char *cells[6] = {name, "", "", "", "", ""};
            if (!level) {
                /* a number (or the intercept): its one row */
                snprintf(a, sizeof a, "%s", name);
                cells[0] = a;
            } else {
                row(w, cells, 1);
            }
            if (level) {
                snprintf(a, sizeof a, TR("　%s（基準）"), ts_csvtable_get(t, r, "label"));
                snprintf(b, sizeof b, "%s", supp ? TR("＊") : logit ? "1" : "0");
                snprintf(e, sizeof e, "%s", *ts_csvtable_get(t, r, "level_n") ? ts_csvtable_get(t, r, "level_n") : TR("＊"));
                const char *cr[6] = {a, b, "", "", e, ""};
                row(w, cr, 0);
                continue;
            }
        } else {
            snprintf(a, sizeof a, TR("　%s"), ts_csvtable_get(t, r, "label"));
        }
        double est = num(ts_csvtable_get(t, r, "estimate")), se = num(ts_csvtable_get(t, r, "se"));
        if (supp) {
            snprintf(b, sizeof b, TR("＊"));
            c[0] = '\0';
        } else if (logit) {
            snprintf(b, sizeof b, "%.2f", num(ts_csvtable_get(t, r, "odds_ratio")));
            snprintf(c, sizeof c, "[%.2f, %.2f]", num(ts_csvtable_get(t, r, "or_low")), num(ts_csvtable_get(t, r, "or_high")));
        } else {
            snprintf(b, sizeof b, TR("%.4g（%.3g）"), est, se);
            snprintf(c, sizeof c, "[%.4g, %.4g]", num(ts_csvtable_get(t, r, "ci_low")), num(ts_csvtable_get(t, r, "ci_high")));
        }
        double p = num(ts_csvtable_get(t, r, "p_value"));
        if (isnan(p))
            d[0] = '\0';
        else if (p < 0.001)
            snprintf(d, sizeof d, "<0.001");
        else
            snprintf(d, sizeof d, "%.3f", p);
        const char *ln = ts_csvtable_get(t, r, "level_n");
        snprintf(e, sizeof e, "%s", *ln || !level ? ln : TR("＊"));
        const char *cells[6] = {a, b, c, d, e, ""};
        row(w, cells, 0);
    }
    if (hidden && !w->failed)
        hidden_note(w);
    if (cur && !w->failed && t->nrows && strcmp(ts_csvtable_get(t, t->nrows - 1, "family"), "logistic") == 0)
        forest(w, cur);
    ts_csvtable_free(t);
}
